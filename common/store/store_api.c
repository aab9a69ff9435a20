/* store_api.c: the store interface (qh/store.h, qh/watch.h), once for
 * every backend.
 *
 * qh_store_open picks the backend by the name it is given: a libpq
 * connection URI (postgresql://, postgres://) is a PostgreSQL server's
 * database, anything else a SQLite file.  Every other call goes to the
 * backend the handle was opened with (store_backend.h); what is the same
 * for every backend (where the database is, the statistics' cache, waiting
 * on the feed) is here. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qh/store.h"
#include "qh/watch.h"
#include "store_backend.h"
#include "store_internal.h"

struct qh_store {
    const struct qh_store_ops *ops;
    struct qh_store_be *be;
    char cache_key[32];          /* qh_store_stats_cache's one value */
    void *cache;
};

struct qh_watch {
    struct qh_store *s;
    struct qh_watch_be *be;
};

int qh_store_is_server(const char *path)
{
    return !strncmp(path, "postgresql://", 13) ||
           !strncmp(path, "postgres://", 11);
}

int qh_store_find_path(const char *given, char *out, size_t n, int *fallback,
                       char *err, size_t errlen)
{
    const char *p = given && *given ? given : getenv("QHALL_DB");
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int len;
    if (fallback)
        *fallback = !(p && *p);
    if (p && *p)
        len = snprintf(out, n, "%s", p);
    else if (xdg && xdg[0] == '/')
        len = snprintf(out, n, "%s/qhall/qhall.db", xdg);
    else if (home && *home)
        len = snprintf(out, n, "%s/.local/state/qhall/qhall.db", home);
    else
        return qh_err(err, errlen, QH_E_NOTFOUND,
                      "cannot tell where the database is: use --db or QHALL_DB");
    if (len < 0 || (size_t)len >= n)
        return qh_err(err, errlen, QH_E_USAGE, "database path too long");
    return 0;
}

int qh_store_check_perms(const char *path, enum qh_lang lang, char *err,
                         size_t errlen)
{
    /* A server keeps its own files. */
    if (qh_store_is_server(path))
        return 0;
    return qh_sqlite_check_perms(path, lang, err, errlen);
}

int qh_store_restore(const char *path, const char *backup, int force, enum qh_lang lang,
                     char *kept, size_t keptlen, char *err, size_t errlen)
{
    if (kept && keptlen)
        kept[0] = '\0';
    /* A server's hall is restored as it moved there: copied into a new,
     * empty database, which the programs are then pointed at. */
    if (qh_store_is_server(path))
        return qh_err(err, errlen, QH_E_USAGE,
                      QH_TR(lang,
                            "服务器上的数据库不能就地恢复：请新建一个空数据库，运行 qhall copy"
                            " --from %s --to postgresql:///新库名…，核对无误后把 QHALL_DB 指向它",
                            "a server's database is not restored in place: create a new empty"
                            " database, run qhall copy --from %s --to postgresql:///NEWDB...,"
                            " and once it verifies point QHALL_DB at it"),
                      backup);
    return qh_sqlite_restore(path, backup, force, lang, kept, keptlen, err, errlen);
}

int qh_store_holder(const char *path, char *who, size_t n)
{
    if (who && n)
        who[0] = '\0';
    if (qh_store_is_server(path))
        return 0;
    return qh_sqlite_holder(path, who, n);
}

int qh_store_probe(const char *path, enum qh_lang lang, struct qh_db_probe *out,
                   char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (qh_store_is_server(path))
        return qh_pg_probe(path, lang, out, err, errlen);
    return qh_sqlite_probe(path, lang, out, err, errlen);
}

int qh_store_open(struct qh_store **out, const char *path, int flags, char *err,
                  size_t errlen)
{
    *out = NULL;
    struct qh_store *s = calloc(1, sizeof *s);
    if (!s)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    s->ops = qh_store_is_server(path) ? &qh_store_pg_ops : &qh_store_sqlite_ops;
    int rc = s->ops->open(&s->be, path, flags, err, errlen);
    if (rc < 0) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void qh_store_close(struct qh_store *s)
{
    if (!s)
        return;
    s->ops->close(s->be);
    free(s->cache);
    free(s);
}

void *qh_store_stats_cache(struct qh_store *s, const char *key)
{
    return s->cache && !strcmp(s->cache_key, key) ? s->cache : NULL;
}

void qh_store_stats_cache_put(struct qh_store *s, const char *key, void *val)
{
    free(s->cache);
    s->cache = val;
    snprintf(s->cache_key, sizeof s->cache_key, "%s", key);
}

int qh_watch_open(struct qh_watch **out, struct qh_store *s, int64_t after,
                  char *err, size_t errlen)
{
    *out = NULL;
    struct qh_watch *w = calloc(1, sizeof *w);
    if (!w)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    w->s = s;
    int rc = s->ops->watch_open(&w->be, s->be, after, err, errlen);
    if (rc < 0) {
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void qh_watch_close(struct qh_watch *w)
{
    if (!w)
        return;
    w->s->ops->watch_close(w->be);
    free(w);
}

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

int qh_watch_wait(struct qh_watch *w, int timeout_ms, struct qh_event_row *evs,
                  int max, char *err, size_t errlen)
{
    int64_t deadline = 0;
    int rc, wait_ms;

    if (timeout_ms >= 0)
        deadline = mono_us() + (int64_t)timeout_ms * 1000;
    for (;;) {
        rc = qh_watch_read(w, evs, max, err, errlen);
        if (rc != 0)
            return rc;
        wait_ms = qh_watch_timeout_ms(w);
        if (timeout_ms >= 0) {
            int64_t left = deadline - mono_us();

            if (left <= 0)
                return 0;
            /* Round up: never return before the caller's timeout. */
            if ((left + 999) / 1000 < wait_ms)
                wait_ms = (int)((left + 999) / 1000);
        }
        int fd = qh_watch_fd(w);
        if (fd >= 0) {
            struct pollfd p = { .fd = fd, .events = POLLIN };

            if (poll(&p, 1, wait_ms) < 0 && errno != EINTR)
                return qh_err(err, errlen, QH_E_IO, "watch: poll: %s",
                              strerror(errno));
        } else {
            sleep_us((long)wait_ms * 1000);
        }
    }
}

/* ---- moving a hall: qh_store_copy ---- */

/* Every table of a hall and its columns, in an order that inserts what a
 * row refers to before the row where it can (appointments and tickets
 * refer to each other: the backends defer their foreign keys).  What a
 * backend keeps only for itself (SQLite's lanes, day_seq, issued-event
 * links) is not here: rows_end rebuilds it from these. */
static const struct {
    const char *table, *cols;
} tables[QH_STORE_TABLES] = {
    {"setting", "key, value"},
    {"queue", "code, name, name_en, prefix, class, daily_quota, pos"},
    {"queue_key", "code, key"},
    {"win", "number, name, name_en, queues, overflow_minutes, configured,"
            " staff, login_at, paused, pause_reason, paused_at"},
    {"service", "code, name, queue, promised_days, materials, initials"},
    {"staff", "id, name, role, pin_hash, pin_short, created_at"},
    {"staff_photo", "staff, mime, data, updated_at"},
    {"login_lock", "staff, device, failed, strikes, locked_until"},
    {"appointment", "id, code, service, slot_at, name, ticket, created_at"},
    {"ticket", "id, day, number, seq, queue, service, state, green,"
               " issued_at, virtual_at, prio, called_at, started_at,"
               " finished_at, win, target_window, staff, recalls, outcome,"
               " rated, appointment, origin"},
    {"ticket_token", "ticket, token"},
    {"event", "id, at, type, ticket, number, queue, win, staff, detail"},
    {"rating", "id, ticket, score, reason, win, staff, service, at, channel,"
               " device, entered_by, appeal, appeal_reason, appeal_at,"
               " decided_by, decision_reason, decided_at"},
    {"followup", "id, kind, ticket, day, number, win, staff, service, score,"
                 " reason, opened_at, due_day, closed_at, result, closed_by"},
    {"heartbeat", "name, kind, at, info"},
};

struct copy_ctx {
    struct qh_store *to;
    int i;
    int64_t rows;
    int rc;
    char *err;
    size_t errlen;
};

static int copy_row(int n, const char *const *vals, void *ud)
{
    struct copy_ctx *c = ud;
    c->rc = c->to->ops->rows_put(c->to->be, tables[c->i].table,
                                 tables[c->i].cols, n, vals, c->err, c->errlen);
    if (c->rc < 0)
        return 1;
    c->rows++;
    return 0;
}

int qh_store_copy(struct qh_store *from, struct qh_store *to,
                  struct qh_store_rows *counts, char *err, size_t errlen)
{
    enum qh_lang lang = to->ops->lang(to->be);
    int rc = qh_store_is_blank(to, err, errlen);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return qh_err(err, errlen, QH_E_STATE, "%s: %s", qh_store_path(to),
                      QH_TR(lang, "目标数据库不是空的：只能复制到新数据库",
                            "the target database is not empty: copy only into a new one"));
    if ((rc = qh_store_begin_read(from, err, errlen)) < 0)
        return rc;
    if ((rc = qh_store_begin(to, err, errlen)) < 0)
        goto out;
    if ((rc = to->ops->rows_begin(to->be, err, errlen)) < 0)
        goto out;
    for (int i = 0; i < QH_STORE_TABLES; i++) {
        struct copy_ctx c = {to, i, 0, 0, err, errlen};
        counts[i].table = tables[i].table;
        counts[i].rows = 0;
        rc = from->ops->rows_each(from->be, tables[i].table, tables[i].cols,
                                  copy_row, &c, err, errlen);
        if (rc >= 0 && c.rc < 0)
            rc = c.rc;
        if (rc < 0)
            goto out;
        counts[i].rows = c.rows;
    }
    if ((rc = to->ops->rows_end(to->be, err, errlen)) < 0 ||
        (rc = qh_store_commit(to, err, errlen)) < 0)
        goto out;
    rc = qh_store_hall_reload(to, err, errlen);
out:
    qh_store_rollback(to);
    qh_store_end_read(from);
    return rc;
}

int qh_store_count(struct qh_store *s, struct qh_store_rows *counts,
                   char *err, size_t errlen)
{
    int rc = qh_store_begin_read(s, err, errlen);
    if (rc < 0)
        return rc;
    for (int i = 0; i < QH_STORE_TABLES && rc >= 0; i++) {
        counts[i].table = tables[i].table;
        counts[i].rows = 0;
        rc = s->ops->rows_count(s->be, tables[i].table, &counts[i].rows,
                                err, errlen);
    }
    qh_store_end_read(s);
    return rc < 0 ? rc : 0;
}

/* A backend without a file of its own is backed up into one: a new SQLite
 * file with the hall copied in, which any PC can open, check or restore. */
static int backup_by_copy(struct qh_store *s, const char *path, char *err,
                          size_t errlen)
{
    struct qh_store *to = NULL;
    struct qh_store_rows counts[QH_STORE_TABLES];
    enum qh_lang lang = s->ops->lang(s->be);
    int rc = qh_sqlite_create_private(path, 1, lang, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_store_open(&to, path, lang == QH_LANG_EN ? QH_STORE_EN : 0,
                            err, errlen)) >= 0)
        rc = qh_store_copy(s, to, counts, err, errlen);
    qh_store_close(to);
    if (rc < 0) {
        static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
        char p[4096];
        for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
            snprintf(p, sizeof p, "%s%s", path, sfx[i]);
            unlink(p);
        }
    }
    return rc;
}

/* ---- the rest: the backend's ---- */

int64_t qh_store_now(struct qh_store *s)
{
    return s->ops->now(s->be);
}

const char *qh_store_path(const struct qh_store *s)
{
    return s->ops->path(s->be);
}

void qh_store_set_lang(struct qh_store *s, enum qh_lang lang)
{
    s->ops->set_lang(s->be, lang);
}

enum qh_lang qh_store_lang(const struct qh_store *s)
{
    return s->ops->lang(s->be);
}

void qh_store_set_actor(struct qh_store *s, const char *actor)
{
    s->ops->set_actor(s->be, actor);
}

const char *qh_store_actor(const struct qh_store *s)
{
    return s->ops->actor(s->be);
}

void qh_store_set_busy_ms(struct qh_store *s, int ms)
{
    /* The environment is the operator's word, stronger than a program's
     * own default (a slow disk, a test that holds a lock on purpose). */
    if (!qh_store_busy_env() && ms > 0)
        s->ops->set_busy(s->be, ms);
}

int qh_store_busy_ms(const struct qh_store *s)
{
    return s->ops->busy(s->be);
}

int qh_store_begin(struct qh_store *s, char *err, size_t errlen)
{
    return s->ops->begin(s->be, err, errlen);
}

int qh_store_commit(struct qh_store *s, char *err, size_t errlen)
{
    return s->ops->commit(s->be, err, errlen);
}

void qh_store_rollback(struct qh_store *s)
{
    s->ops->rollback(s->be);
}

int qh_store_in_tx(const struct qh_store *s)
{
    return s->ops->in_tx(s->be);
}

const char *qh_store_errmsg(struct qh_store *s)
{
    const char *m = s ? s->ops->errmsg(s->be) : "";
    return m ? m : "";
}

int qh_store_fail(struct qh_store *s, int rc, char *err, size_t errlen)
{
    const char *m = qh_store_errmsg(s);
    return qh_err(err, errlen, rc, "%s", *m ? m : qh_strerror(rc));
}

int qh_store_begin_read(struct qh_store *s, char *err, size_t errlen)
{
    return s->ops->begin_read(s->be, err, errlen);
}

void qh_store_end_read(struct qh_store *s)
{
    s->ops->end_read(s->be);
}

int qh_store_has_hall(struct qh_store *s)
{
    return s->ops->has_hall(s->be);
}

int qh_store_is_blank(struct qh_store *s, char *err, size_t errlen)
{
    return s->ops->is_blank(s->be, err, errlen);
}

int qh_store_hall_save(struct qh_store *s, const struct qh_hall_conf *c,
                       char *err, size_t errlen)
{
    return s->ops->hall_save(s->be, c, err, errlen);
}

const struct qh_hall_conf *qh_store_hall(struct qh_store *s)
{
    return s->ops->hall(s->be);
}

int qh_store_hall_reload(struct qh_store *s, char *err, size_t errlen)
{
    return s->ops->hall_reload(s->be, err, errlen);
}

int qh_store_setting_get(struct qh_store *s, const char *key, char *out,
                         size_t outlen)
{
    return s->ops->setting_get(s->be, key, out, outlen);
}

int qh_store_setting_set(struct qh_store *s, const char *key, const char *val,
                         char *err, size_t errlen)
{
    return s->ops->setting_set(s->be, key, val, err, errlen);
}

int qh_store_day_behind(struct qh_store *s, const char *day)
{
    return s->ops->day_behind(s->be, day);
}

int qh_store_service_put(struct qh_store *s, const struct qh_service *sv,
                         char *err, size_t errlen)
{
    return s->ops->service_put(s->be, sv, err, errlen);
}

int qh_store_service_clear(struct qh_store *s, char *err, size_t errlen)
{
    return s->ops->service_clear(s->be, err, errlen);
}

int qh_store_service_get(struct qh_store *s, const char *code,
                         struct qh_service *out)
{
    return s->ops->service_get(s->be, code, out);
}

int qh_store_service_each(struct qh_store *s, const char *queue,
                          int (*fn)(const struct qh_service *, void *),
                          void *ud)
{
    return s->ops->service_each(s->be, queue, fn, ud);
}

int qh_store_service_count(struct qh_store *s, const char *queue)
{
    return s->ops->service_count(s->be, queue);
}

int qh_store_seq_next(struct qh_store *s, const char *day, const char *queue,
                      int *seq, int64_t *after, char *err, size_t errlen)
{
    return s->ops->seq_next(s->be, day, queue, seq, after, err, errlen);
}

int qh_store_issued_count(struct qh_store *s, const char *day,
                          const char *queue)
{
    return s->ops->issued_count(s->be, day, queue);
}

int qh_store_service_issued_count(struct qh_store *s, const char *day,
                                  const char *service)
{
    return s->ops->service_issued_count(s->be, day, service);
}

int qh_store_ticket_insert(struct qh_store *s, struct qh_ticket_row *t,
                           char *err, size_t errlen)
{
    return s->ops->ticket_insert(s->be, t, err, errlen);
}

int qh_store_ticket_update(struct qh_store *s, const struct qh_ticket_row *t,
                           char *err, size_t errlen)
{
    return s->ops->ticket_update(s->be, t, err, errlen);
}

int qh_store_ticket_get(struct qh_store *s, int64_t id,
                        struct qh_ticket_row *out)
{
    return s->ops->ticket_get(s->be, id, out);
}

int qh_store_ticket_by_number(struct qh_store *s, const char *day,
                              const char *number, struct qh_ticket_row *out)
{
    return s->ops->ticket_by_number(s->be, day, number, out);
}

int qh_store_ticket_at_window(struct qh_store *s, const char *day, int window,
                              struct qh_ticket_row *out)
{
    return s->ops->ticket_at_window(s->be, day, window, out);
}

int qh_store_queue_head(struct qh_store *s, const char *day, const char *queue,
                        int window, int by_issue, struct qh_ticket_row *out)
{
    return s->ops->queue_head(s->be, day, queue, window, by_issue, out);
}

int qh_store_waiting_count(struct qh_store *s, const char *day,
                           const char *queue)
{
    return s->ops->waiting_count(s->be, day, queue);
}

int qh_store_ahead(struct qh_store *s, const struct qh_ticket_row *t)
{
    return s->ops->ahead(s->be, t);
}

int qh_store_queue_services(struct qh_store *s, const char *day,
                            const char *queue, int limit,
                            int (*fn)(const char *, void *), void *ud)
{
    return s->ops->queue_services(s->be, day, queue, limit, fn, ud);
}

int qh_store_ticket_each(struct qh_store *s, const char *day, int state,
                         int (*fn)(const struct qh_ticket_row *, void *),
                         void *ud)
{
    return s->ops->ticket_each(s->be, day, state, fn, ud);
}

int qh_store_calls_each(struct qh_store *s, const char *day, int limit,
                        int (*fn)(const struct qh_ticket_row *, int64_t event, void *),
                        void *ud)
{
    return s->ops->calls_each(s->be, day, limit, fn, ud);
}

int qh_store_expire_before(struct qh_store *s, const char *day, int64_t now,
                           char *err, size_t errlen)
{
    return s->ops->expire_before(s->be, day, now, err, errlen);
}

int qh_store_event_add(struct qh_store *s, struct qh_event_row *ev, char *err,
                       size_t errlen)
{
    return s->ops->event_add(s->be, ev, err, errlen);
}

int qh_store_events_since(struct qh_store *s, int64_t after,
                          struct qh_event_row *out, int max, char *err,
                          size_t errlen)
{
    return s->ops->events_since(s->be, after, out, max, err, errlen);
}

int qh_store_events_of_ticket(struct qh_store *s, int64_t ticket, int64_t after,
                              struct qh_event_row *out, int max, char *err,
                              size_t errlen)
{
    return s->ops->events_of_ticket(s->be, ticket, after, out, max, err, errlen);
}

int qh_store_last_event_id(struct qh_store *s, int64_t *out, char *err,
                           size_t errlen)
{
    return s->ops->last_event_id(s->be, out, err, errlen);
}

int64_t qh_store_tx_event(const struct qh_store *s)
{
    return s->ops->tx_event(s->be);
}

int64_t qh_store_committed_event(const struct qh_store *s)
{
    return s->ops->committed_event(s->be);
}

int qh_store_window_get(struct qh_store *s, int number,
                        struct qh_window_row *out)
{
    return s->ops->window_get(s->be, number, out);
}

int qh_store_window_put(struct qh_store *s, const struct qh_window_row *w,
                        char *err, size_t errlen)
{
    return s->ops->window_put(s->be, w, err, errlen);
}

int qh_store_window_of_staff(struct qh_store *s, const char *staff)
{
    return s->ops->window_of_staff(s->be, staff);
}

int qh_store_staff_add(struct qh_store *s, const struct qh_staff_row *st,
                       char *err, size_t errlen)
{
    return s->ops->staff_add(s->be, st, err, errlen);
}

int qh_store_staff_get(struct qh_store *s, const char *id,
                       struct qh_staff_row *out)
{
    return s->ops->staff_get(s->be, id, out);
}

int qh_store_staff_update(struct qh_store *s, const struct qh_staff_row *st,
                          char *err, size_t errlen)
{
    return s->ops->staff_update(s->be, st, err, errlen);
}

int qh_store_staff_each(struct qh_store *s,
                        int (*fn)(const struct qh_staff_row *, void *),
                        void *ud)
{
    return s->ops->staff_each(s->be, fn, ud);
}

int qh_store_staff_photo_put(struct qh_store *s, const struct qh_staff_photo *p,
                             char *err, size_t errlen)
{
    return s->ops->staff_photo_put(s->be, p, err, errlen);
}

int qh_store_staff_photo_get(struct qh_store *s, const char *staff,
                             struct qh_staff_photo *out)
{
    return s->ops->staff_photo_get(s->be, staff, out);
}

int qh_store_token_put(struct qh_store *s, int64_t ticket, const char *token,
                       char *err, size_t errlen)
{
    return s->ops->token_put(s->be, ticket, token, err, errlen);
}

int qh_store_token_find(struct qh_store *s, const char *token, int64_t *ticket)
{
    return s->ops->token_find(s->be, token, ticket);
}

int qh_store_token_get(struct qh_store *s, int64_t ticket, char *out, size_t outlen)
{
    return s->ops->token_get(s->be, ticket, out, outlen);
}

int qh_store_login_lock_get(struct qh_store *s, const char *staff,
                            const char *device, struct qh_login_lock *out)
{
    return s->ops->login_lock_get(s->be, staff, device, out);
}

int qh_store_login_lock_put(struct qh_store *s, const struct qh_login_lock *l,
                            char *err, size_t errlen)
{
    return s->ops->login_lock_put(s->be, l, err, errlen);
}

int qh_store_login_lock_clear(struct qh_store *s, const char *staff,
                              const char *device, char *err, size_t errlen)
{
    return s->ops->login_lock_clear(s->be, staff, device, err, errlen);
}

int qh_store_login_lock_each(struct qh_store *s, const char *staff,
                             int (*fn)(const struct qh_login_lock *, void *),
                             void *ud)
{
    return s->ops->login_lock_each(s->be, staff, fn, ud);
}

int qh_store_appointment_add(struct qh_store *s, struct qh_appointment *a,
                             char *err, size_t errlen)
{
    return s->ops->appointment_add(s->be, a, err, errlen);
}

int qh_store_appointment_get(struct qh_store *s, const char *code,
                             struct qh_appointment *out)
{
    return s->ops->appointment_get(s->be, code, out);
}

int qh_store_appointment_update(struct qh_store *s,
                                const struct qh_appointment *a, char *err,
                                size_t errlen)
{
    return s->ops->appointment_update(s->be, a, err, errlen);
}

int qh_store_rating_of_ticket(struct qh_store *s, int64_t ticket,
                              struct qh_rating_row *out)
{
    return s->ops->rating_of_ticket(s->be, ticket, out);
}

int qh_store_rating_appeal(struct qh_store *s, const struct qh_rating_row *r,
                           char *err, size_t errlen)
{
    return s->ops->rating_appeal(s->be, r, err, errlen);
}

int qh_store_rating_add(struct qh_store *s, const struct qh_rating_row *r,
                        char *err, size_t errlen)
{
    return s->ops->rating_add(s->be, r, err, errlen);
}

int qh_store_heartbeat(struct qh_store *s, const struct qh_heartbeat *hb,
                       char *err, size_t errlen)
{
    return s->ops->heartbeat(s->be, hb, err, errlen);
}

int qh_store_heartbeat_each(struct qh_store *s,
                            int (*fn)(const struct qh_heartbeat *, void *),
                            void *ud)
{
    return s->ops->heartbeat_each(s->be, fn, ud);
}

int qh_store_stats_ticket_events(struct qh_store *s, const char *from,
                                 const char *to,
                                 int (*fn)(const struct qh_event_row *, const char *day, void *),
                                 void *ud, char *err, size_t errlen)
{
    return s->ops->stats_ticket_events(s->be, from, to, fn, ud, err, errlen);
}

int qh_store_stats_untied_events(struct qh_store *s, int64_t from, int64_t to,
                                 int (*fn)(const struct qh_event_row *, void *),
                                 void *ud, char *err, size_t errlen)
{
    return s->ops->stats_untied_events(s->be, from, to, fn, ud, err, errlen);
}

int qh_store_stats_handled(struct qh_store *s, const char *from, const char *to,
                           int (*fn)(const char *service, const char *queue, int64_t started, int64_t finished, void *),
                           void *ud)
{
    return s->ops->stats_handled(s->be, from, to, fn, ud);
}

int qh_store_stats_handled_sum(struct qh_store *s, const char *from,
                               const char *to,
                               int (*fn)(const char *service, const char *queue, int n, double sum_s, void *),
                               void *ud)
{
    return s->ops->stats_handled_sum(s->be, from, to, fn, ud);
}

int qh_store_stats_events_since(struct qh_store *s, const char *type,
                                int64_t *after,
                                int (*fn)(const struct qh_event_row *, void *),
                                void *ud)
{
    return s->ops->stats_events_since(s->be, type, after, fn, ud);
}

int qh_store_followup_add(struct qh_store *s, struct qh_followup *f, char *err,
                          size_t errlen)
{
    return s->ops->followup_add(s->be, f, err, errlen);
}

int qh_store_followup_get(struct qh_store *s, int64_t id,
                          struct qh_followup *out)
{
    return s->ops->followup_get(s->be, id, out);
}

int qh_store_followup_close(struct qh_store *s, const struct qh_followup *f,
                            char *err, size_t errlen)
{
    return s->ops->followup_close(s->be, f, err, errlen);
}

int qh_store_followup_each(struct qh_store *s, int mode, const char *today,
                           const char *from, const char *to,
                           int (*fn)(const struct qh_followup *, void *),
                           void *ud, char *err, size_t errlen)
{
    return s->ops->followup_each(s->be, mode, today, from, to, fn, ud, err, errlen);
}

int qh_store_followup_overdue(struct qh_store *s, const char *today)
{
    return s->ops->followup_overdue(s->be, today);
}

int qh_store_check(struct qh_store *s, char *report, size_t reportlen,
                   char *err, size_t errlen)
{
    return s->ops->check(s->be, report, reportlen, err, errlen);
}

int qh_store_checkpoint(struct qh_store *s, int truncate, char *err,
                        size_t errlen)
{
    return s->ops->checkpoint(s->be, truncate, err, errlen);
}

int qh_store_purge(struct qh_store *s, int64_t before, struct qh_purge_counts *out,
                   char *err, size_t errlen)
{
    return s->ops->purge(s->be, before, out, err, errlen);
}

int qh_store_backup(struct qh_store *s, const char *path, char *err,
                    size_t errlen)
{
    if (s->ops->backup)
        return s->ops->backup(s->be, path, err, errlen);
    return backup_by_copy(s, path, err, errlen);
}

int qh_watch_fd(const struct qh_watch *w)
{
    return w->s->ops->watch_fd(w->be);
}

int qh_watch_timeout_ms(const struct qh_watch *w)
{
    return w->s->ops->watch_timeout_ms(w->be);
}

int qh_watch_read(struct qh_watch *w, struct qh_event_row *evs, int max,
                  char *err, size_t errlen)
{
    return w->s->ops->watch_read(w->be, evs, max, err, errlen);
}

int64_t qh_watch_last(const struct qh_watch *w)
{
    return w->s->ops->watch_last(w->be);
}
