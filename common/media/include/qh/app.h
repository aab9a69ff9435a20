/* app.h: the start-up and connection every screen program shares
 * (qhall-counter, qhall-display, and the parts that fit qhall-kiosk).
 *
 * Find the database, check its permissions once before anything opens
 * it, open it without ever creating one (QH_OPEN_EXISTING), follow its
 * change feed, wake the SDL loop when the feed has news, and survive an
 * outage: a database that vanishes, locks, breaks or is replaced is
 * closed, the problem logged once, and opened again with a backoff of
 * 0.5 s doubling to 8 s.  A damaged database found before the first
 * connection is not waited out: the program refuses to start (the hall
 * must restore a backup).
 *
 * Connecting is three steps so that a program can read its first state
 * in between (the display's snapshot decides where its feed resumes):
 * qh_app_open, the program's reads (qh_app_lost on failure),
 * qh_app_follow.  Logs go to the process's log (qh/log.h) as
 * "<name>: <line>".
 *
 * Everything goes through the service API (qh/hall.h, qh/feed.h). */
#ifndef QH_APP_H
#define QH_APP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "qh/conf.h"
#include "qh/feed.h"
#include "qh/hall.h"

struct qh_ui_waker;

struct qh_app {
    /* The program's, set after qh_app_init: */
    const char *name;           /* "qhall-display": the logs' prefix */
    const char *lost_words;     /* the outage log: "<lost_words>: <problem>; retrying" */
    enum qh_lang lang;          /* of the open's messages and of the service API's */
    const char *actor;          /* NULL: the program sets its own */
    int need_hall;              /* a database without a hall is an outage (QH_E_STATE) */
    int say_again;              /* log "connected again to PATH" after an outage */
    int busy_ms;                /* a write's wait for a lock (qh_hall_set_busy_ms); 0: 10 s */
    /* Told of every change: (s, NULL) connected, (NULL, problem) lost. */
    void (*on_state)(void *ud, struct qh_store *s, const char *problem);
    void *ud;

    /* The connection (read, never written, by the program): */
    char path[4096];
    int server;                 /* path names a database server's (no file checks) */
    struct qh_store *s;         /* NULL while disconnected */
    struct qh_feed *feed;       /* with s */
    int connected_once;
    char damaged[1024];         /* found damaged before connecting once */
    char problem[4352];         /* the last problem logged, "" when connected */
    struct qh_ui_waker *wake;   /* NULL: no thread (headless, or it failed) */
    uint32_t wake_event;        /* its SDL event type; (uint32_t)-1 none */

    /* Timers (qh_clock_mono_ms) and what identifies the file. */
    int64_t retry_at, next_check;
    int backoff_ms;
    int64_t clock_offset;       /* hall's clock - this PC's, as last seen */
    dev_t dev, open_dev;
    ino_t ino, open_ino;
};

/* Zero a and set its defaults (name: the logs' prefix). */
void qh_app_init(struct qh_app *a, const char *name);
/* Stop the waker and close the feed and the database. */
void qh_app_fini(struct qh_app *a);

/* "<name>: <line>" on stderr, a warning of the process's log (qh/log.h). */
void qh_app_log(const struct qh_app *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The database path into a->path (qh_hall_find_db), and a->server: 0,
 * or < 0 with err for the program's usage message. */
int qh_app_find_db(struct qh_app *a, const char *given, char *err, size_t errlen);
/* qh_hall_check_perms on a->path, its message logged: 0, 1 (logged
 * advice), or < 0 (refused: exit with qh_err_exit_status). */
int qh_app_check_perms(struct qh_app *a);

/* Step one: open a->path.  0, or < 0 when it cannot (already handled:
 * disconnected and retrying, or a->damaged set and logged). */
int qh_app_open(struct qh_app *a);
/* A read after qh_app_open failed with rc: drop the connection as an
 * outage (or as damaged, see above).  Returns rc. */
int qh_app_lost(struct qh_app *a, int rc, const char *problem);
/* Step three: follow the feed from *after, or from the log's end when
 * *after is 0, past the end, or the file is not the one followed before
 * (a new or restored database: from 0 it would replay the whole log);
 * *after gets where it starts.  Then the connection is up: on_state,
 * the waker's fd, the backoff reset.  0 or < 0 (handled). */
int qh_app_follow(struct qh_app *a, int64_t *after);
/* Close the connection, log the problem unless it is a->problem (logged
 * or shown already), tell on_state, retry after the backoff. */
void qh_app_disconnect(struct qh_app *a, const char *problem);

/* New events: the count (call again while it returns max), or < 0
 * after it disconnected. */
int qh_app_read(struct qh_app *a, struct qh_event_row *evs, int max);
/* Every 2 s: is the file still there, still the same file?  (Nothing
 * for a server's database.) */
void qh_app_check_file(struct qh_app *a, int64_t mono);
/* The hall's clock (qh_hall_now) while connected; while not, this PC's
 * clock moved by the offset seen last, so that a screen's clock and
 * timers do not jump when the connection drops. */
int64_t qh_app_now(struct qh_app *a);
/* a->path as it may be logged: a server's password left out. */
const char *qh_app_where(const struct qh_app *a, char *buf, size_t n);
/* Whether to call the program's connect now. */
int qh_app_retry_due(const struct qh_app *a, int64_t mono);
/* timeout (ms) shortened to the feed's longest sleep, the next file
 * check, or the next retry. */
int qh_app_timeout(const struct qh_app *a, int64_t mono, int timeout);

/* Register an SDL event and start the waker that pushes it when the
 * feed is readable or sig_fd (a signal pipe, or -1) has a byte.  0, or
 * < 0 with err (the loop then wakes on its timeout only). */
int qh_app_wake_start(struct qh_app *a, int sig_fd, char *err, size_t errlen);
/* After the loop handled its events: wake again on the next change. */
void qh_app_wake_rearm(struct qh_app *a);

#endif
