/* app.c: the screens' shared start-up and connection (qh/app.h).
 *
 * Written once for the counter and the display, which had grown the same
 * connect, reconnect and logging code each; the words of their logs stay
 * theirs (name, lost_words), so what a hall's journal shows is unchanged. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "qh/app.h"
#include "qh/clock.h"
#include "qh/log.h"
#include "qh/ui.h"

enum {
    CHECK_MS = 2000,            /* is the file still there? */
    BACKOFF_FIRST_MS = 500,
    BACKOFF_MAX_MS = 8000,
};

void qh_app_init(struct qh_app *a, const char *name)
{
    memset(a, 0, sizeof *a);
    a->name = name;
    a->lost_words = "连接中断 (connection lost)";
    a->backoff_ms = BACKOFF_FIRST_MS;
    a->wake_event = (uint32_t)-1;
}

static void say(const struct qh_app *a, enum qh_log_level lv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(const struct qh_app *a, enum qh_log_level lv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qh_log_v(lv, a->name, fmt, ap);
    va_end(ap);
}

void qh_app_log(const struct qh_app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qh_log_v(QH_LOG_WARN, a->name, fmt, ap);
    va_end(ap);
}

int qh_app_find_db(struct qh_app *a, const char *given, char *err, size_t errlen)
{
    int rc = qh_hall_find_db(given, a->path, sizeof a->path, NULL, err, errlen);
    a->server = rc == 0 && qh_hall_is_server(a->path);
    return rc;
}

const char *qh_app_where(const struct qh_app *a, char *buf, size_t n)
{
    /* A log is read by more people than the hall's configuration. */
    return a->server ? qh_hall_db_display(a->path, buf, n) : a->path;
}

int qh_app_check_perms(struct qh_app *a)
{
    /* A database others could write is refused here, once, rather than
     * retried as an outage. */
    char err[1024];
    int rc = qh_hall_check_perms(a->path, a->lang, err, sizeof err);
    if (rc != 0)
        qh_app_log(a, "%s", err);
    return rc;
}

static void drop(struct qh_app *a)
{
    qh_ui_waker_set_fd(a->wake, -1);
    qh_feed_close(a->feed);
    qh_hall_close(a->s);
    a->feed = NULL;
    a->s = NULL;
}

void qh_app_fini(struct qh_app *a)
{
    qh_ui_waker_stop(a->wake);
    a->wake = NULL;
    drop(a);
}

static void backoff(struct qh_app *a)
{
    a->retry_at = qh_clock_mono_ms() + a->backoff_ms;
    a->backoff_ms = a->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : a->backoff_ms * 2;
}

void qh_app_disconnect(struct qh_app *a, const char *problem)
{
    drop(a);
    if (strcmp(problem, a->problem)) {
        qh_app_log(a, "%s: %s; retrying", a->lost_words, problem);
        snprintf(a->problem, sizeof a->problem, "%s", problem);
    }
    if (a->on_state)
        a->on_state(a->ud, NULL, problem);
    backoff(a);
}

int qh_app_lost(struct qh_app *a, int rc, const char *problem)
{
    if (rc == QH_E_CORRUPT && !a->connected_once) {
        drop(a);
        if (strcmp(problem, a->damaged))
            qh_app_log(a, "%s", problem);
        snprintf(a->damaged, sizeof a->damaged, "%s", problem);
        backoff(a);             /* should a program go on: not in a busy loop */
        return rc;
    }
    qh_app_disconnect(a, problem);
    return rc;
}

int qh_app_open(struct qh_app *a)
{
    char err[1024], msg[4200], where[4096];
    struct stat st;
    int rc;

    if (!a->server) {
        if (stat(a->path, &st) < 0) {
            snprintf(msg, sizeof msg, "%s: %s", a->path, strerror(errno));
            qh_app_disconnect(a, msg);
            return QH_E_NOTFOUND;
        }
        a->open_dev = st.st_dev;
        a->open_ino = st.st_ino;
    }
    /* Never create a database, nor make a schema in an empty file. */
    rc = qh_hall_open(&a->s, a->path,
                      QH_OPEN_EXISTING | (a->lang == QH_LANG_EN ? QH_OPEN_EN : 0),
                      err, sizeof err);
    if (rc < 0)
        return qh_app_lost(a, rc, err);
    qh_hall_set_lang(a->s, a->lang);
    if (a->actor)
        qh_hall_set_actor(a->s, a->actor);
    if (a->busy_ms)
        qh_hall_set_busy_ms(a->s, a->busy_ms);
    if (a->need_hall && !qh_hall_exists(a->s)) {
        snprintf(msg, sizeof msg, "%s: no hall yet (run `qhall init`)",
                 qh_app_where(a, where, sizeof where));
        qh_app_disconnect(a, msg);
        return QH_E_STATE;
    }
    return 0;
}

int qh_app_follow(struct qh_app *a, int64_t *after)
{
    char err[1024], where[4096];
    int64_t last;
    int rc;

    /* A failed read must not start the feed at 0, which would replay the
     * whole log onto the screen.  A server's database has no inode to
     * tell a restore by; a log shorter than what was seen tells it. */
    if ((rc = qh_hall_last_event(a->s, &last, err, sizeof err)) < 0)
        return qh_app_lost(a, rc, err);
    if (*after <= 0 || *after > last || a->open_ino != a->ino || a->open_dev != a->dev)
        *after = last;
    if ((rc = qh_feed_open(&a->feed, a->s, *after, err, sizeof err)) < 0)
        return qh_app_lost(a, rc, err);
    a->connected_once = 1;
    a->dev = a->open_dev;
    a->ino = a->open_ino;
    a->backoff_ms = BACKOFF_FIRST_MS;
    a->next_check = qh_clock_mono_ms() + CHECK_MS;
    qh_app_now(a);              /* the offset, for while disconnected */
    if (a->on_state)
        a->on_state(a->ud, a->s, NULL);
    if (a->problem[0] && a->say_again)
        say(a, QH_LOG_INFO, "connected again to %s", qh_app_where(a, where, sizeof where));
    a->problem[0] = '\0';
    say(a, QH_LOG_DEBUG, "following %s from event %lld", qh_app_where(a, where, sizeof where),
        (long long)*after);
    qh_ui_waker_set_fd(a->wake, qh_feed_fd(a->feed));
    return 0;
}

int qh_app_read(struct qh_app *a, struct qh_event_row *evs, int max)
{
    char err[QH_ERRLEN];
    /* Not connected (a database without a hall, a lost server): nothing
     * new to read; the reconnect in qh_app_open's loop says why. */
    if (!a->feed)
        return 0;
    int n = qh_feed_read(a->feed, evs, max, err, sizeof err);
    if (n < 0) {
        qh_app_disconnect(a, err);
        return n;
    }
    /* A server's connection that the store reset under the feed is a new
     * socket, maybe on another fd: the waker must poll that one, or it
     * would wake for nothing on a closed fd and miss every notification
     * until the fallback read. */
    qh_ui_waker_set_fd(a->wake, qh_feed_fd(a->feed));
    return n;
}

void qh_app_check_file(struct qh_app *a, int64_t mono)
{
    struct stat st;
    char msg[4200];

    if (!a->s || a->server || mono < a->next_check)
        return;
    a->next_check = mono + CHECK_MS;
    if (stat(a->path, &st) < 0) {
        snprintf(msg, sizeof msg, "%s: %s", a->path, strerror(errno));
        qh_app_disconnect(a, msg);
    } else if (st.st_ino != a->ino || st.st_dev != a->dev) {
        /* A restore: the new file is there already, so at once. */
        snprintf(msg, sizeof msg, "%s was replaced", a->path);
        qh_app_disconnect(a, msg);
        a->retry_at = qh_clock_mono_ms();
    }
}

int64_t qh_app_now(struct qh_app *a)
{
    int64_t pc = qh_clock_now();
    if (!a->s)
        return pc + a->clock_offset;
    int64_t hall = qh_hall_now(a->s);
    a->clock_offset = hall - pc;
    return hall;
}

int qh_app_retry_due(const struct qh_app *a, int64_t mono)
{
    return !a->s && mono >= a->retry_at;
}

int qh_app_timeout(const struct qh_app *a, int64_t mono, int timeout)
{
    if (a->s) {
        int ft = qh_feed_timeout_ms(a->feed);
        int64_t chk = a->next_check - mono;
        if (ft >= 0 && ft < timeout)
            timeout = ft;
        if (!a->server && chk < timeout)
            timeout = chk > 0 ? (int)chk : 0;
    } else {
        int64_t r = a->retry_at - mono;
        if (r < timeout)
            timeout = r > 0 ? (int)r : 0;
    }
    return timeout;
}

int qh_app_wake_start(struct qh_app *a, int sig_fd, char *err, size_t errlen)
{
    a->wake_event = SDL_RegisterEvents(1);
    if (a->wake_event == (uint32_t)-1)
        return qh_err(err, errlen, QH_E_IO, "no SDL event left for the waker");
    int rc = qh_ui_waker_start(&a->wake, a->wake_event, sig_fd, err, errlen);
    if (rc < 0)
        return rc;
    qh_ui_waker_set_fd(a->wake, a->feed ? qh_feed_fd(a->feed) : -1);
    return 0;
}

void qh_app_wake_rearm(struct qh_app *a)
{
    qh_ui_waker_rearm(a->wake);
}
