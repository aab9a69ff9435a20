/* hall.c: the service API's connection and reads (qh/hall.h).  Most of
 * it hands a call to the store unchanged: the point is the boundary, so
 * that programs depend on this header and a backend can change behind it. */
#include <stdlib.h>
#include <string.h>

#include "qh/clock.h"
#include "qh/hall.h"
#include "qh/store.h"
#include "qh/text.h"

_Static_assert((int)QH_OPEN_READONLY == (int)QH_STORE_READONLY &&
               (int)QH_OPEN_EXISTING == (int)QH_STORE_EXISTING &&
               (int)QH_OPEN_EN == (int)QH_STORE_EN,
               "open flags pass through unchanged");

int qh_hall_find_db(const char *given, char *out, size_t n, int *fallback,
                    char *err, size_t errlen)
{
    int rc = qh_store_find_path(given, out, n, fallback, err, errlen);
    if (rc < 0 || !qh_hall_db_has_password(out))
        return rc;
    /* A command line is in `ps` for every account of the PC, and QHALL_DB
     * is often in a unit file anyone may read: libpq's password file is
     * the hall account's alone. */
    return qh_err(err, errlen, QH_E_USAGE,
                  "数据库地址中不能写密码（命令行和环境变量别人看得到）：请写在"
                  " ~/.pgpass（权限 0600）或 PGPASSFILE 指向的文件里"
                  " / a database URI may not carry a password (others can read a"
                  " command line or the environment): put it in ~/.pgpass (mode"
                  " 0600) or the file PGPASSFILE names");
}

int qh_hall_check_perms(const char *path, enum qh_lang lang,
                        char *err, size_t errlen)
{
    return qh_store_check_perms(path, lang, err, errlen);
}

int qh_hall_open(struct qh_store **out, const char *path, int flags,
                 char *err, size_t errlen)
{
    return qh_store_open(out, path, flags, err, errlen);
}

void qh_hall_close(struct qh_store *s)
{
    qh_store_close(s);
}

const char *qh_hall_db_path(const struct qh_store *s)
{
    return qh_store_path(s);
}

void qh_hall_set_lang(struct qh_store *s, enum qh_lang lang)
{
    qh_store_set_lang(s, lang);
}

enum qh_lang qh_hall_lang(const struct qh_store *s)
{
    return qh_store_lang(s);
}

void qh_hall_set_actor(struct qh_store *s, const char *actor)
{
    qh_store_set_actor(s, actor);
}

void qh_hall_set_busy_ms(struct qh_store *s, int ms)
{
    qh_store_set_busy_ms(s, ms);
}

int qh_hall_exists(struct qh_store *s)
{
    return qh_store_has_hall(s);
}

const struct qh_hall_conf *qh_hall_config(struct qh_store *s)
{
    return qh_store_hall(s);
}

void qh_hall_today(struct qh_store *s, char day[11])
{
    qh_clock_day(qh_store_hall(s)->timezone, qh_store_now(s), day);
}

int qh_hall_reload(struct qh_store *s, char *err, size_t errlen)
{
    return qh_store_hall_reload(s, err, errlen);
}

int qh_hall_snapshot_begin(struct qh_store *s, char *err, size_t errlen)
{
    return qh_store_begin_read(s, err, errlen);
}

void qh_hall_snapshot_end(struct qh_store *s)
{
    qh_store_end_read(s);
}

int qh_hall_is_server(const char *db)
{
    return qh_store_is_server(db);
}

/* Append what fits of p[0..len) to out, which stays a string. */
static void put(char *out, size_t n, size_t *at, const char *p, size_t len)
{
    size_t room = n - 1 - *at;
    if (len > room)
        len = room;
    memcpy(out + *at, p, len);
    *at += len;
    out[*at] = '\0';
}

/* Whether the URI parameter k[0..len) is password=..., its key decoded as
 * libpq decodes it (pass%77ord is password too). */
static int param_is_password(const char *k, size_t len)
{
    static const char want[] = "password";
    size_t i = 0, w = 0;
    while (i < len && k[i] != '=') {
        int c = (unsigned char)k[i], hi, lo;
        if (c == '%' && i + 2 < len && (hi = qh_text_hex_digit(k[i + 1])) >= 0 &&
            (lo = qh_text_hex_digit(k[i + 2])) >= 0) {
            c = hi * 16 + lo;
            i += 3;
        } else {
            i++;
        }
        if (w >= sizeof want - 1 || c != want[w++])
            return 0;
    }
    return w == sizeof want - 1;
}

char *qh_hall_db_display(const char *db, char *out, size_t n)
{
    size_t at = 0;
    if (!n)
        return out;
    out[0] = '\0';
    if (!db)
        return out;
    if (!qh_store_is_server(db)) {
        put(out, n, &at, db, strlen(db));
        return out;
    }
    const char *p = strstr(db, "://") + 3;
    put(out, n, &at, db, (size_t)(p - db));
    /* As libpq reads a URI: credentials end at an '@' before any '/', and
     * the password is what follows the first ':' in them. */
    const char *cred_end = p + strcspn(p, "@/");
    if (*cred_end == '@') {
        put(out, n, &at, p, strcspn(p, ":@"));
        put(out, n, &at, "@", 1);
        p = cred_end + 1;
    }
    const char *q = strchr(p, '?');
    if (!q) {
        put(out, n, &at, p, strlen(p));
        return out;
    }
    put(out, n, &at, p, (size_t)(q - p));
    const char *sep = "?";
    for (const char *k = q + 1;;) {
        size_t len = strcspn(k, "&");
        if (len && !param_is_password(k, len)) {
            put(out, n, &at, sep, 1);
            put(out, n, &at, k, len);
            sep = "&";
        }
        if (!k[len])
            break;
        k += len + 1;
    }
    return out;
}

int qh_hall_db_has_password(const char *db)
{
    if (!db || !qh_store_is_server(db))
        return 0;
    /* What qh_hall_db_display leaves out. */
    const char *p = strstr(db, "://") + 3;
    size_t cred = strcspn(p, "@/");
    if (p[cred] == '@' && memchr(p, ':', cred))
        return 1;
    const char *q = strchr(p, '?');
    for (const char *k = q ? q + 1 : NULL; k; k = strchr(k, '&') ? strchr(k, '&') + 1 : NULL)
        if (param_is_password(k, strcspn(k, "&")))
            return 1;
    return 0;
}

int64_t qh_hall_now(struct qh_store *s)
{
    return qh_store_now(s);
}

int qh_hall_heartbeat(struct qh_store *s, const struct qh_heartbeat *hb,
                      char *err, size_t errlen)
{
    /* On the hall's clock, whatever the program's PC says, so that
     * `qhall status` compares like with like. */
    struct qh_heartbeat at = *hb;
    at.at = qh_store_now(s);
    return qh_store_heartbeat(s, &at, err, errlen);
}

int qh_hall_heartbeat_each(struct qh_store *s,
                           int (*fn)(const struct qh_heartbeat *, void *),
                           void *ud)
{
    return qh_store_heartbeat_each(s, fn, ud);
}

int qh_hall_last_event(struct qh_store *s, int64_t *out,
                       char *err, size_t errlen)
{
    return qh_store_last_event_id(s, out, err, errlen);
}

int qh_hall_events_since(struct qh_store *s, int64_t after,
                         struct qh_event_row *out, int max,
                         char *err, size_t errlen)
{
    return qh_store_events_since(s, after, out, max, err, errlen);
}

int qh_hall_events_of_ticket(struct qh_store *s, int64_t ticket, int64_t after,
                             struct qh_event_row *out, int max,
                             char *err, size_t errlen)
{
    return qh_store_events_of_ticket(s, ticket, after, out, max, err, errlen);
}

int qh_hall_ticket_events_each(struct qh_store *s, int64_t ticket,
                               int (*fn)(const struct qh_event_row *, void *), void *ud,
                               char *err, size_t errlen)
{
    /* A ticket has a handful of events: one small batch a call, kept
     * under malloc's mmap threshold (a page re-reads them at every call). */
    enum { BATCH = 16 };
    struct qh_event_row *ev = malloc(BATCH * sizeof *ev);
    int64_t after = 0;
    int n, stop = 0;
    if (!ev)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    while (!stop && (n = qh_store_events_of_ticket(s, ticket, after, ev, BATCH, err, errlen)) > 0) {
        for (int i = 0; i < n && !stop; i++)
            stop = fn(&ev[i], ud);
        after = ev[n - 1].id;
        if (n < BATCH)
            break;
    }
    free(ev);
    return stop || n >= 0 ? 0 : n;
}

int qh_hall_check(struct qh_store *s, char *report, size_t reportlen,
                  char *err, size_t errlen)
{
    return qh_store_check(s, report, reportlen, err, errlen);
}

int qh_hall_backup(struct qh_store *s, const char *path,
                   char *err, size_t errlen)
{
    return qh_store_backup(s, path, err, errlen);
}

int qh_hall_copy(struct qh_store *from, struct qh_store *to,
                 struct qh_store_rows *counts, char *err, size_t errlen)
{
    return qh_store_copy(from, to, counts, err, errlen);
}

int qh_hall_count(struct qh_store *s, struct qh_store_rows *counts,
                  char *err, size_t errlen)
{
    return qh_store_count(s, counts, err, errlen);
}

int qh_window_get(struct qh_store *s, int number, struct qh_window_row *out)
{
    return qh_store_window_get(s, number, out);
}

int qh_window_of_staff(struct qh_store *s, const char *staff)
{
    return qh_store_window_of_staff(s, staff);
}

int qh_window_ticket(struct qh_store *s, const char *day, int window,
                     struct qh_ticket_row *out)
{
    return qh_store_ticket_at_window(s, day, window, out);
}

int qh_staff_get(struct qh_store *s, const char *id, struct qh_staff_row *out)
{
    return qh_store_staff_get(s, id, out);
}

int qh_staff_each(struct qh_store *s,
                  int (*fn)(const struct qh_staff_row *, void *), void *ud)
{
    return qh_store_staff_each(s, fn, ud);
}

int qh_staff_read_err(struct qh_store *s, int rc, char *err, size_t errlen)
{
    if (rc == QH_E_STATE)
        return qh_err(err, errlen, rc,
                      QH_TR(qh_store_lang(s), "数据库账号无权执行此操作：读取工作人员和 PIN",
                            "the database account may not do this: read the staff and PINs"));
    return qh_store_fail(s, rc, err, errlen);
}

int qh_staff_lock_each(struct qh_store *s, const char *staff,
                       int (*fn)(const struct qh_login_lock *, void *),
                       void *ud)
{
    return qh_store_login_lock_each(s, staff, fn, ud);
}

int qh_catalog_get(struct qh_store *s, const char *code, struct qh_service *out)
{
    return qh_store_service_get(s, code, out);
}

int qh_catalog_each(struct qh_store *s, const char *queue,
                    int (*fn)(const struct qh_service *, void *), void *ud)
{
    return qh_store_service_each(s, queue, fn, ud);
}

int qh_queue_waiting(struct qh_store *s, const char *day, const char *queue)
{
    return qh_store_waiting_count(s, day, queue);
}

struct list {
    struct qh_ticket_row *rows;
    int n, cap;
};

static int list_one(const struct qh_ticket_row *t, void *ud)
{
    struct list *l = ud;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 64;
        struct qh_ticket_row *r = realloc(l->rows, (size_t)cap * sizeof *r);
        if (!r)
            return 1;
        l->rows = r;
        l->cap = cap;
    }
    l->rows[l->n++] = *t;
    return 0;
}

int qh_ticket_list(struct qh_store *s, const char *day, int state,
                   struct qh_ticket_row **rows)
{
    struct list l = {NULL, 0, 0};
    int rc = qh_store_ticket_each(s, day, state, list_one, &l);
    if (rc >= 0 && l.n < rc)        /* list_one stopped: out of memory */
        rc = QH_E_NOMEM;
    if (rc < 0) {
        free(l.rows);
        l.rows = NULL;
    }
    *rows = l.rows;
    return rc < 0 ? rc : l.n;
}

int qh_calls_each(struct qh_store *s, const char *day, int limit,
                  int (*fn)(const struct qh_ticket_row *, int64_t event, void *),
                  void *ud)
{
    return qh_store_calls_each(s, day, limit, fn, ud);
}
