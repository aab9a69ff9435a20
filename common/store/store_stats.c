/* store_stats.c: the SQL of the statistics module, beside store.c.
 *
 * Reports read the event log of a span of service days ticket by ticket,
 * the scorecard reads the events that are not about a ticket (login,
 * pause ...), the wait estimate reads recent handling times, and the
 * follow-ups have their own table (migration 3).  The statements are
 * prepared on first use, once per connection, kept in the store's stats
 * slot and finalized by qh_store_close (store_internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "qh/record.h"
#include "qh/store.h"
#include "store_internal.h"

enum {
    S_TICKET_EVENTS, S_UNTIED_EVENTS, S_HANDLED, S_TYPED_SINCE, S_HANDLED_SUM,
    S_FU_INSERT, S_FU_GET, S_FU_CLOSE, S_FU_ALL, S_FU_OPEN, S_FU_OVERDUE,
    S_FU_RANGE, S_FU_OVERDUE_COUNT,
    S_COUNT
};

#define EV_COLS "e.id, e.at, e.type, e.ticket, e.number, e.queue, e.win," \
                " e.staff, e.detail"
#define FU_COLS "id, kind, ticket, day, number, win, staff, service, score," \
                " reason, opened_at, due_day, closed_at, result, closed_by"

static const char *const sql[S_COUNT] = {
    /* A span of days' tickets is one rowid range (?1, ?2: see
     * qh_store_day_span); a ticket's issued event is the one it links, its
     * others come from event_ticket in id order.  Both arms are in
     * (ticket, event) order (CROSS JOIN keeps the tickets outside), so
     * they merge without a sort, and a ticket's issued event (its first)
     * leads. */
    [S_TICKET_EVENTS] = "SELECT " EV_COLS ", t.day, t.id FROM ticket t"
                        " JOIN event e ON e.id = t.issued_event"
                        " WHERE t.id BETWEEN ?1 AND ?2"
                        " UNION ALL SELECT " EV_COLS ", t.day, t.id"
                        " FROM ticket t CROSS JOIN event e ON e.ticket = t.id"
                        " AND e.type <> 'issued' WHERE t.id BETWEEN ?1 AND ?2"
                        " ORDER BY 11, 1",
    [S_UNTIED_EVENTS] = "SELECT " EV_COLS " FROM event e INDEXED BY event_untied_at"
                        " WHERE e.ticket IS NULL AND e.at >= ?1 AND e.at < ?2"
                        " ORDER BY e.at, e.id",
    /* Finished tickets only: one sent on as 办不成 keeps the times of a
     * case handled in another queue until its new queue finishes it (the
     * estimate, which skips such finishes in the log, sees it so too). */
    [S_HANDLED] = "SELECT service, queue, started_at, finished_at FROM ticket"
                  " WHERE id BETWEEN ?1 AND ?2 AND state = 5 AND started_at > 0"
                  " AND finished_at > started_at ORDER BY finished_at",
    /* The log after a given event: a rowid range, so reading what was
     * finished since the last look costs what happened since, not the
     * day.  What the details say is the caller's to read. */
    [S_TYPED_SINCE] = "SELECT " EV_COLS " FROM event e WHERE e.id > ?1"
                      " AND e.id <= ?2 AND e.type = ?3 ORDER BY e.id",
    [S_HANDLED_SUM] = "SELECT service, queue, count(*),"
                      " sum(min(finished_at - started_at, 7200000)) FROM ticket"
                      " WHERE id BETWEEN ?1 AND ?2 AND state = 5"
                      " AND started_at > 0 AND finished_at > started_at"
                      " GROUP BY service, queue",
    [S_FU_INSERT] = "INSERT INTO followup(kind, ticket, day, number, win, staff,"
                    " service, score, reason, opened_at, due_day)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [S_FU_GET] = "SELECT " FU_COLS " FROM followup WHERE id = ?1",
    [S_FU_CLOSE] = "UPDATE followup SET closed_at = ?2, result = ?3,"
                   " closed_by = ?4 WHERE id = ?1 AND closed_at = 0",
    [S_FU_ALL] = "SELECT " FU_COLS " FROM followup ORDER BY closed_at != 0,"
                 " due_day, id",
    [S_FU_OPEN] = "SELECT " FU_COLS " FROM followup WHERE closed_at = 0"
                  " ORDER BY due_day, id",
    [S_FU_OVERDUE] = "SELECT " FU_COLS " FROM followup WHERE closed_at = 0"
                     " AND due_day < ?1 ORDER BY due_day, id",
    [S_FU_RANGE] = "SELECT " FU_COLS " FROM followup WHERE day BETWEEN ?2 AND ?3"
                   " ORDER BY due_day, id",
    [S_FU_OVERDUE_COUNT] = "SELECT count(*) FROM followup WHERE closed_at = 0"
                           " AND due_day < ?1",
};

struct stats_db {
    sqlite3_stmt *q[S_COUNT];
};

static void stats_fini(void *p)
{
    struct stats_db *d = p;
    if (!d)
        return;
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(d->q[i]);
    free(d);
}

/* The statement, prepared with the others on first use, reset and
 * unbound; NULL (with a message) if they cannot be prepared. */
static sqlite3_stmt *stmt(struct qh_store_be *s, int q, char *err, size_t errlen)
{
    struct stats_db *d = qh_sqlite_stats(s);
    if (!d) {
        sqlite3 *db = qh_sqlite_db(s);
        if (!(d = calloc(1, sizeof *d))) {
            qh_err(err, errlen, QH_E_NOMEM, "out of memory");
            return NULL;
        }
        for (int i = 0; i < S_COUNT; i++)
            if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                   &d->q[i], NULL)) {
                qh_err(err, errlen, QH_E_DB, "statistics: %s", sqlite3_errmsg(db));
                stats_fini(d);
                return NULL;
            }
        qh_sqlite_stats_set(s, d, stats_fini);
    }
    sqlite3_reset(d->q[q]);
    sqlite3_clear_bindings(d->q[q]);
    return d->q[q];
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t outlen)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    snprintf(out, outlen, "%s", v ? (const char *)v : "");
}

static int fail(struct qh_store_be *s, sqlite3_stmt *st, char *err, size_t errlen,
                const char *what)
{
    sqlite3 *db = qh_sqlite_db(s);
    int base = sqlite3_extended_errcode(db) & 0xff;
    int rc = qh_err(err, errlen, base == SQLITE_BUSY || base == SQLITE_LOCKED
                    ? QH_E_BUSY : QH_E_DB, "%s: %s", what, sqlite3_errmsg(db));
    sqlite3_reset(st);
    return rc;
}

static void bind_day_span(sqlite3_stmt *st, const char *from, const char *to)
{
    int64_t lo, hi;
    qh_sqlite_day_span(from, to, &lo, &hi);
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
}

int qh_sqlite_stats_ticket_events(struct qh_store_be *s, const char *from,
                                 const char *to,
                                 int (*fn)(const struct qh_event_row *,
                                           const char *day, void *),
                                 void *ud, char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, S_TICKET_EVENTS, err, errlen);
    struct qh_event_row e;
    char day[11];
    int n = 0, src;
    if (!st)
        return QH_E_DB;
    bind_day_span(st, from, to);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        qh_sqlite_event_read(st, &e);
        col_text(st, 9, day, sizeof day);
        n++;
        if (fn(&e, day, ud))
            break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return fail(s, st, err, errlen, "report");
    sqlite3_reset(st);
    return n;
}

int qh_sqlite_stats_untied_events(struct qh_store_be *s, int64_t from, int64_t to,
                                 int (*fn)(const struct qh_event_row *, void *),
                                 void *ud, char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, S_UNTIED_EVENTS, err, errlen);
    struct qh_event_row e;
    int n = 0, src;
    if (!st)
        return QH_E_DB;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        qh_sqlite_event_read(st, &e);
        n++;
        if (fn(&e, ud))
            break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return fail(s, st, err, errlen, "events");
    sqlite3_reset(st);
    return n;
}

int qh_sqlite_stats_handled(struct qh_store_be *s, const char *from, const char *to,
                           int (*fn)(const char *service, const char *queue,
                                     int64_t started, int64_t finished, void *),
                           void *ud)
{
    sqlite3_stmt *st = stmt(s, S_HANDLED, NULL, 0);
    char service[24], queue[QH_CODE_LEN];
    int n = 0, src;
    if (!st)
        return QH_E_DB;
    bind_day_span(st, from, to);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        col_text(st, 0, service, sizeof service);
        col_text(st, 1, queue, sizeof queue);
        n++;
        if (fn(service, queue, sqlite3_column_int64(st, 2),
               sqlite3_column_int64(st, 3), ud))
            break;
    }
    sqlite3_reset(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? n : QH_E_DB;
}

int qh_sqlite_stats_events_since(struct qh_store_be *s, const char *type,
                                int64_t *after,
                                int (*fn)(const struct qh_event_row *, void *),
                                void *ud)
{
    sqlite3_stmt *st = stmt(s, S_TYPED_SINCE, NULL, 0);
    struct qh_event_row e;
    int n = 0, src;
    if (!st)
        return QH_E_DB;
    /* Up to the log's end as it is now, all of it: the next look starts
     * there even when nothing was finished (a queue that only grows). */
    int64_t end;
    int rc = qh_sqlite_last_event_id(s, &end, NULL, 0);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, *after);
    sqlite3_bind_int64(st, 2, end);
    bind_text(st, 3, type);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        qh_sqlite_event_read(st, &e);
        n++;
        fn(&e, ud);
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE)
        return QH_E_DB;
    *after = end;
    return n;
}

int qh_sqlite_stats_handled_sum(struct qh_store_be *s, const char *from,
                               const char *to,
                               int (*fn)(const char *service, const char *queue,
                                         int n, double sum_s, void *),
                               void *ud)
{
    sqlite3_stmt *st = stmt(s, S_HANDLED_SUM, NULL, 0);
    char service[24], queue[QH_CODE_LEN];
    int n = 0, src;
    if (!st)
        return QH_E_DB;
    bind_day_span(st, from, to);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        col_text(st, 0, service, sizeof service);
        col_text(st, 1, queue, sizeof queue);
        n++;
        if (fn(service, queue, sqlite3_column_int(st, 2),
               sqlite3_column_double(st, 3) / 1000.0, ud))
            break;
    }
    sqlite3_reset(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? n : QH_E_DB;
}

/* ---- follow-ups ---- */

static void read_followup(sqlite3_stmt *st, struct qh_followup *f)
{
    memset(f, 0, sizeof *f);
    f->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, f->kind, sizeof f->kind);
    f->ticket = sqlite3_column_int64(st, 2);
    col_text(st, 3, f->day, sizeof f->day);
    col_text(st, 4, f->number, sizeof f->number);
    f->window = sqlite3_column_int(st, 5);
    col_text(st, 6, f->staff, sizeof f->staff);
    col_text(st, 7, f->service, sizeof f->service);
    f->score = sqlite3_column_int(st, 8);
    col_text(st, 9, f->reason, sizeof f->reason);
    f->opened_at = sqlite3_column_int64(st, 10);
    col_text(st, 11, f->due_day, sizeof f->due_day);
    f->closed_at = sqlite3_column_int64(st, 12);
    col_text(st, 13, f->result, sizeof f->result);
    col_text(st, 14, f->closed_by, sizeof f->closed_by);
}

static int exec(struct qh_store_be *s, sqlite3_stmt *st, char *err, size_t errlen,
                const char *what)
{
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (src != SQLITE_DONE)
        return fail(s, st, err, errlen, what);
    sqlite3_reset(st);
    return 0;
}

int qh_sqlite_followup_add(struct qh_store_be *s, struct qh_followup *f,
                          char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, S_FU_INSERT, err, errlen);
    if (!st)
        return QH_E_DB;
    bind_text(st, 1, f->kind);
    sqlite3_bind_int64(st, 2, f->ticket);
    bind_text(st, 3, f->day);
    bind_text(st, 4, f->number);
    sqlite3_bind_int(st, 5, f->window);
    bind_text(st, 6, f->staff);
    bind_text(st, 7, f->service);
    sqlite3_bind_int(st, 8, f->score);
    bind_text(st, 9, f->reason);
    sqlite3_bind_int64(st, 10, f->opened_at);
    bind_text(st, 11, f->due_day);
    int rc = exec(s, st, err, errlen, "follow-up");
    if (rc == 0)
        f->id = sqlite3_last_insert_rowid(qh_sqlite_db(s));
    return rc;
}

int qh_sqlite_followup_get(struct qh_store_be *s, int64_t id, struct qh_followup *out)
{
    sqlite3_stmt *st = stmt(s, S_FU_GET, NULL, 0);
    if (!st)
        return QH_E_DB;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st), rc = QH_E_NOTFOUND;
    if (src == SQLITE_ROW) {
        read_followup(st, out);
        rc = 0;
    } else if (src != SQLITE_DONE) {
        rc = QH_E_DB;
    }
    sqlite3_reset(st);
    return rc;
}

int qh_sqlite_followup_close(struct qh_store_be *s, const struct qh_followup *f,
                            char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, S_FU_CLOSE, err, errlen);
    if (!st)
        return QH_E_DB;
    sqlite3_bind_int64(st, 1, f->id);
    sqlite3_bind_int64(st, 2, f->closed_at);
    bind_text(st, 3, f->result);
    bind_text(st, 4, f->closed_by);
    int rc = exec(s, st, err, errlen, "follow-up");
    if (rc == 0 && sqlite3_changes(qh_sqlite_db(s)) != 1)
        return qh_err(err, errlen, QH_E_STATE, "follow-up %lld is already closed",
                      (long long)f->id);
    return rc;
}

int qh_sqlite_followup_each(struct qh_store_be *s, int mode, const char *today,
                           const char *from, const char *to,
                           int (*fn)(const struct qh_followup *, void *),
                           void *ud, char *err, size_t errlen)
{
    int q = from ? S_FU_RANGE : mode == QH_FOLLOWUP_OPEN ? S_FU_OPEN
          : mode == QH_FOLLOWUP_OVERDUE ? S_FU_OVERDUE : S_FU_ALL;
    sqlite3_stmt *st = stmt(s, q, err, errlen);
    struct qh_followup f;
    int n = 0, src;
    if (!st)
        return QH_E_DB;
    if (q == S_FU_OVERDUE)
        bind_text(st, 1, today);
    if (q == S_FU_RANGE) {
        bind_text(st, 2, from);
        bind_text(st, 3, to ? to : from);
    }
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        read_followup(st, &f);
        n++;
        if (fn(&f, ud))
            break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return fail(s, st, err, errlen, "follow-ups");
    sqlite3_reset(st);
    return n;
}

int qh_sqlite_followup_overdue(struct qh_store_be *s, const char *today)
{
    sqlite3_stmt *st = stmt(s, S_FU_OVERDUE_COUNT, NULL, 0);
    if (!st)
        return QH_E_DB;
    bind_text(st, 1, today);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : QH_E_DB;
    sqlite3_reset(st);
    return n;
}
