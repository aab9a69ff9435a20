/* watch.c: the change feed.  Wakes a program when another process commits
 * to the shared database and hands it the new events, in id order, none
 * lost and none twice.
 *
 * We watch the database's directory with inotify rather than the -wal file:
 * -wal does not exist before the first WAL connection and vanishes when the
 * last one closes, and a directory watch survives both.  Names other than
 * the database file and its -wal are ignored.
 *
 * An inotify event comes from the frame write, before the commit is visible
 * (the fsync and the wal-index update come after), so a reader that checks
 * PRAGMA data_version at once sees every change one transaction late.  When
 * an event for our files arrived and data_version has not moved, we
 * re-check in short sleeps (200 us growing to 1 ms, ~20 ms in all) before
 * fetching.  Events are fetched by id, never by "what changed": our own
 * connection's commits do not move data_version but are found by id all the
 * same, so every read tries the one indexed query.
 *
 * Lost or late notifications are covered by a fallback timeout (1 s).
 * When a re-check gave up without seeing the commit (a slow fsync, or the
 * event was a checkpoint or our own write), the next few timeouts are short
 * (25 ms doubling back up to 1 s) so a commit slower than the re-check
 * window is still delivered quickly.  Without inotify (init failed, or the
 * store is not a plain file such as ":memory:") qh_sqlite_watch_fd() is -1 and the
 * timeout is 100 ms: the feed still works, by polling the one query. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "qh/watch.h"
#include "store_internal.h"

enum {
    FALLBACK_MS = 1000,         /* idle timeout with inotify */
    NOINOTIFY_MS = 100,         /* timeout when inotify is unavailable */
    BACKOFF_FIRST_MS = 25,      /* first timeout after a fruitless re-check */
    RECHECK_FIRST_US = 200,
    RECHECK_MAX_US = 1000,
    RECHECK_TOTAL_US = 20000,
};

#define WATCH_MASK (IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO)

struct qh_watch_be {
    struct qh_store_be *s;
    int fd;                     /* inotify, -1 when unavailable */
    int wd;
    int lost;                   /* the directory watch went away */
    char name[NAME_MAX + 1];    /* database file name in its directory */
    char wal[NAME_MAX + 1];     /* name + "-wal" */
    int64_t dv;                 /* data_version at the last read */
    int64_t last;               /* id of the last event delivered */
    int backoff_ms;             /* 0, or the short timeout after a give-up */
};

static int64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Set up the directory watch; on any failure leave fd at -1 (polling
 * fallback) rather than refusing: a display that polls every 100 ms is
 * better than a display that does not start. */
static void watch_dir(struct qh_watch_be *w, const char *path)
{
    char *real = NULL;
    char *slash;
    size_t n;

    if (!path || !*path || strcmp(path, ":memory:") == 0)
        return;
    /* SQLite resolves symlinks and puts -wal beside the real file. */
    real = realpath(path, NULL);
    if (!real)
        return;
    slash = strrchr(real, '/');
    if (!slash)
        goto out;
    n = strlen(slash + 1);
    if (n == 0 || n + 4 > NAME_MAX)
        goto out;
    memcpy(w->name, slash + 1, n + 1);
    memcpy(w->wal, slash + 1, n);
    memcpy(w->wal + n, "-wal", 5);
    if (slash == real)
        slash[1] = '\0';        /* a file in "/" */
    else
        *slash = '\0';
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0)
        goto out;
    w->wd = inotify_add_watch(w->fd, real, WATCH_MASK);
    if (w->wd < 0) {
        close(w->fd);
        w->fd = -1;
    }
out:
    free(real);
}

int qh_sqlite_watch_open(struct qh_watch_be **out, struct qh_store_be *s, int64_t after,
                  char *err, size_t errlen)
{
    struct qh_watch_be *w;
    int rc;

    *out = NULL;
    w = calloc(1, sizeof *w);
    if (!w)
        return qh_err(err, errlen, QH_E_NOMEM, "watch: out of memory");
    w->s = s;
    w->fd = -1;
    w->wd = -1;
    w->last = after;
    /* Watch first, then read data_version: a commit between the two is
     * then either in the baseline or announced by an event. */
    watch_dir(w, qh_sqlite_path(s));
    rc = qh_sqlite_data_version(s, &w->dv, err, errlen);
    if (rc < 0) {
        qh_sqlite_watch_close(w);
        return rc;
    }
    *out = w;
    return QH_OK;
}

void qh_sqlite_watch_close(struct qh_watch_be *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    free(w);
}

int qh_sqlite_watch_fd(const struct qh_watch_be *w)
{
    /* A directory watch that went away would stay readable: poll. */
    return w->lost ? -1 : w->fd;
}

int qh_sqlite_watch_timeout_ms(const struct qh_watch_be *w)
{
    if (w->fd < 0 || w->lost)
        return NOINOTIFY_MS;
    return w->backoff_ms > 0 ? w->backoff_ms : FALLBACK_MS;
}

int64_t qh_sqlite_watch_last(const struct qh_watch_be *w)
{
    return w->last;
}

/* Read every pending inotify event; 1 if one concerned our files. */
static int drain(struct qh_watch_be *w)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    const struct inotify_event *ev;
    ssize_t n;
    int seen = 0;

    if (w->fd < 0)
        return 0;
    for (;;) {
        n = read(w->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;          /* EAGAIN: drained */
        for (char *p = buf; p < buf + n; p += sizeof *ev + ev->len) {
            ev = (const struct inotify_event *)p;
            if (ev->mask & IN_Q_OVERFLOW)
                seen = 1;   /* events were dropped: assume ours */
            if (ev->mask & IN_IGNORED)
                w->lost = 1;    /* directory removed or unmounted */
            if (ev->len > 0 && (strcmp(ev->name, w->name) == 0 ||
                                strcmp(ev->name, w->wal) == 0))
                seen = 1;
        }
    }
    return seen;
}

/* After an event for our files with data_version unchanged, give the
 * writer time to finish its commit.  Returns 1 if data_version moved. */
static int recheck(struct qh_watch_be *w, int64_t *dv, char *err, size_t errlen)
{
    int64_t start = mono_us();
    long step = RECHECK_FIRST_US;
    int rc;

    while (mono_us() - start < RECHECK_TOTAL_US) {
        sleep_us(step);
        step += step / 2;
        if (step > RECHECK_MAX_US)
            step = RECHECK_MAX_US;
        rc = qh_sqlite_data_version(w->s, dv, err, errlen);
        if (rc < 0)
            return rc;
        if (*dv != w->dv)
            return 1;
    }
    return 0;
}

int qh_sqlite_watch_read(struct qh_watch_be *w, struct qh_event_row *evs, int max,
                  char *err, size_t errlen)
{
    int64_t dv;
    int seen, moved, rc, got = 0;

    if (max <= 0)
        return qh_err(err, errlen, QH_E_PARSE,
                      "watch: max must be positive, got %d", max);
    /* Drain before looking: an event arriving after this point stays
     * queued and wakes the next poll, so no commit is missed. */
    seen = drain(w);
    rc = qh_sqlite_data_version(w->s, &dv, err, errlen);
    if (rc < 0)
        return rc;
    moved = dv != w->dv;
    /* Inside the caller's transaction data_version is frozen: waiting
     * would only stall it. */
    if (!moved && seen && !qh_sqlite_in_tx(w->s)) {
        rc = recheck(w, &dv, err, errlen);
        if (rc < 0)
            return rc;
        moved = rc;
        if (!moved)
            w->backoff_ms = BACKOFF_FIRST_MS;
    }
    if (moved) {
        w->backoff_ms = 0;
    } else if (!seen && w->backoff_ms > 0) {
        w->backoff_ms *= 2;
        if (w->backoff_ms >= FALLBACK_MS)
            w->backoff_ms = 0;
    }
    w->dv = dv;
    /* Always fetch: our own commits are found only this way, and after a
     * fallback timeout it is the whole point.  Loop in case the store
     * caps a batch below what we asked for. */
    while (got < max) {
        rc = qh_sqlite_events_since(w->s, w->last, evs + got, max - got,
                                   err, errlen);
        if (rc < 0)
            return got > 0 ? got : rc;
        if (rc == 0)
            break;
        got += rc;
        w->last = evs[got - 1].id;
    }
    return got;
}

