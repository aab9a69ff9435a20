/* store_pg_stats.c: what the statistics read, and the follow-ups, on the
 * PostgreSQL backend (store_pg.h): the same results in the same orders as
 * the SQLite backend's store_stats.c.
 *
 * A report may span a year of events, more than one result should hold,
 * so every walk reads in pages of about PAGE rows, each page a statement
 * of its own that starts after the last row of the one before (keyset
 * pagination on the walk's own order, through an index): the client
 * holds one page at a time, no statement stays open while fn runs (fn may
 * call the store), and a page costs the same at the end of a year as at
 * its start.  Each page reads the committed state as it begins; inside
 * the caller's read transaction (qh_store_begin_read) every page reads
 * its one snapshot.  The walk by tickets pages by whole tickets, so a
 * ticket's events are always read together.
 *
 * A span of service days is a range of ticket ids: they are packed as
 * the SQLite backend packs them (day << 40 | queue key << 24 | sequence,
 * store_pg.h), so the primary key finds a day's tickets in number order. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/clock.h"
#include "qh/record.h"
#include "qh/text.h"
#include "store_pg.h"

#define PAGE_STR "1000"               /* rows a round trip */
#define TICKET_PAGE_STR "250"         /* tickets a round trip (~5 events each) */
enum { PAGE = 1000, TICKET_PAGE = 250, DAY_SHIFT = 40 };

#define EV_COLS "e.id, e.at, e.type, e.ticket, e.number, e.queue, e.win," \
                " e.staff, e.detail"      /* QH_PG_EVENT_COLS, of e */
#define FU_COLS "id, kind, ticket, day, number, win, staff, service, score," \
                " reason, opened_at, due_day, closed_at, result, closed_by"

/* The next TICKET_PAGE tickets of the span after ticket $1 (up to $2),
 * each with its events, its issued event first; a ticket without events
 * (a damaged log) still gives one row, with a NULL event, so the page
 * knows where it ended. */
static const char SQL_TICKET_EVENTS[] =
    "SELECT " EV_COLS ", t.day, t.id FROM (SELECT id, day FROM ticket"
    " WHERE id > $1 AND id <= $2 ORDER BY id LIMIT " TICKET_PAGE_STR ") t"
    " LEFT JOIN event e ON e.ticket = t.id"
    " ORDER BY t.id, e.type <> 'issued', e.id";
/* Untied events of at in [$1, $2) after the row ($3 at, $4 id). */
static const char SQL_UNTIED_EVENTS[] =
    "SELECT " QH_PG_EVENT_COLS " FROM event WHERE ticket IS NULL"
    " AND at >= $1 AND at < $2 AND at >= $3 AND (at > $3 OR id > $4)"
    " ORDER BY at, id LIMIT " PAGE_STR;
/* Finished tickets only: one sent on as 办不成 keeps the times of a case
 * handled in another queue until its new queue finishes it (the
 * estimate, which skips such finishes in the log, sees it so too). */
static const char SQL_HANDLED[] =
    "SELECT service, queue, started_at, finished_at, id FROM ticket"
    " WHERE id BETWEEN $1 AND $2 AND state = 5 AND started_at > 0"
    " AND finished_at > started_at AND (finished_at, id) > ($3, $4)"
    " ORDER BY finished_at, id LIMIT " PAGE_STR;
/* One row a (service, queue) pair: small whatever the span. */
static const char SQL_HANDLED_SUM[] =
    "SELECT service, queue, count(*),"
    " sum(least(finished_at - started_at, 7200000)) FROM ticket"
    " WHERE id BETWEEN $1 AND $2 AND state = 5 AND started_at > 0"
    " AND finished_at > started_at GROUP BY service, queue"
    " ORDER BY service, queue";
/* The log's end as this statement sees it (no later than $3, the end the
 * first page found) and the events of type $1 after $2 up to it: the
 * first page's end and events come from one snapshot, in one round trip. */
static const char SQL_TYPED_SINCE[] =
    "SELECT m.last, " EV_COLS " FROM (SELECT least(coalesce(max(id), 0),"
    " $3::bigint) AS last FROM event) m LEFT JOIN LATERAL (SELECT * FROM event"
    " WHERE type = $1 AND id > $2 AND id <= m.last ORDER BY id"
    " LIMIT " PAGE_STR ") e ON true ORDER BY e.id";

static const char SQL_FU_INSERT[] =
    "INSERT INTO followup(kind, ticket, day, number, win, staff, service,"
    " score, reason, opened_at, due_day)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
static const char SQL_FU_GET[] = "SELECT " FU_COLS " FROM followup WHERE id = $1";
static const char SQL_FU_CLOSE[] =
    "UPDATE followup SET closed_at = $2, result = $3, closed_by = $4"
    " WHERE id = $1 AND closed_at = 0";
/* The listings, each after the row ($1.. : its sort key): all (the open
 * first), the open, the overdue ($3 today), those of days $3..$4. */
static const char SQL_FU_ALL[] =
    "SELECT " FU_COLS " FROM followup"
    " WHERE ((closed_at <> 0)::int, due_day, id) > ($1, $2, $3)"
    " ORDER BY (closed_at <> 0)::int, due_day, id LIMIT " PAGE_STR;
static const char SQL_FU_OPEN[] =
    "SELECT " FU_COLS " FROM followup WHERE closed_at = 0"
    " AND (due_day, id) > ($1, $2) ORDER BY due_day, id LIMIT " PAGE_STR;
static const char SQL_FU_OVERDUE[] =
    "SELECT " FU_COLS " FROM followup WHERE closed_at = 0 AND due_day < $3"
    " AND (due_day, id) > ($1, $2) ORDER BY due_day, id LIMIT " PAGE_STR;
static const char SQL_FU_RANGE[] =
    "SELECT " FU_COLS " FROM followup WHERE day BETWEEN $3 AND $4"
    " AND (due_day, id) > ($1, $2) ORDER BY due_day, id LIMIT " PAGE_STR;
static const char SQL_FU_OVERDUE_COUNT[] =
    "SELECT count(*) FROM followup WHERE closed_at = 0 AND due_day < $1";

/* A bigint parameter's text. */
struct num { char s[24]; };

static const char *num(struct num *n, int64_t v)
{
    snprintf(n->s, sizeof n->s, "%lld", (long long)v);
    return n->s;
}

static void col_text(const PGresult *r, int row, int col, char *out, size_t n)
{
    qh_text_copy(out, n, PQgetvalue(r, row, col));
}

/* The ticket ids of the service days from..to (the packing, store_pg.h). */
static void day_span(const char *from, const char *to, int64_t *lo, int64_t *hi)
{
    const int64_t day = (int64_t)1 << DAY_SHIFT;
    *lo = (int64_t)qh_clock_day_num(from) * day;
    *hi = (int64_t)qh_clock_day_num(to) * day + day - 1;
}

int qh_pg_stats_ticket_events(struct qh_store_be *s, const char *from,
                              const char *to,
                              int (*fn)(const struct qh_event_row *,
                                        const char *day, void *),
                              void *ud, char *err, size_t errlen)
{
    struct num a, b;
    struct qh_event_row e;
    char day[11];
    int64_t lo, hi, last;
    int n = 0, rc;

    day_span(from, to, &lo, &hi);
    last = lo - 1;
    for (;;) {
        const char *v[2] = {num(&a, last), num(&b, hi)};
        PGresult *r = qh_pg_exec(s, SQL_TICKET_EVENTS, 2, v, &rc, "report",
                                 err, errlen);
        if (!r)
            return rc;
        int rows = PQntuples(r), tickets = 0, stop = 0;
        for (int i = 0; i < rows && !stop; i++) {
            int64_t t = qh_pg_int(r, i, 10);
            if (t != last || !tickets)
                tickets++;
            last = t;
            if (PQgetisnull(r, i, 0))
                continue;
            qh_pg_event_read(r, i, 0, &e);
            col_text(r, i, 9, day, sizeof day);
            n++;
            stop = fn(&e, day, ud);
        }
        PQclear(r);
        if (stop || tickets < TICKET_PAGE)
            return n;
    }
}

int qh_pg_stats_untied_events(struct qh_store_be *s, int64_t from, int64_t to,
                              int (*fn)(const struct qh_event_row *, void *),
                              void *ud, char *err, size_t errlen)
{
    struct num a, b, c, d;
    struct qh_event_row e;
    int64_t at = from, id = INT64_MIN;
    int n = 0, rc;

    for (;;) {
        const char *v[4] = {num(&a, from), num(&b, to), num(&c, at), num(&d, id)};
        PGresult *r = qh_pg_exec(s, SQL_UNTIED_EVENTS, 4, v, &rc, "events",
                                 err, errlen);
        if (!r)
            return rc;
        int rows = PQntuples(r), stop = 0;
        for (int i = 0; i < rows && !stop; i++) {
            qh_pg_event_read(r, i, 0, &e);
            at = e.at;
            id = e.id;
            n++;
            stop = fn(&e, ud);
        }
        PQclear(r);
        if (stop || rows < PAGE)
            return n;
    }
}

int qh_pg_stats_handled(struct qh_store_be *s, const char *from, const char *to,
                        int (*fn)(const char *service, const char *queue,
                                  int64_t started, int64_t finished, void *),
                        void *ud)
{
    struct num a, b, c, d;
    char service[24], queue[QH_CODE_LEN];
    int64_t lo, hi, fin = INT64_MIN, id = INT64_MIN;
    int n = 0, rc;

    day_span(from, to, &lo, &hi);
    for (;;) {
        const char *v[4] = {num(&a, lo), num(&b, hi), num(&c, fin), num(&d, id)};
        PGresult *r = qh_pg_exec(s, SQL_HANDLED, 4, v, &rc, "handling times",
                                 NULL, 0);
        if (!r)
            return rc;
        int rows = PQntuples(r), stop = 0;
        for (int i = 0; i < rows && !stop; i++) {
            col_text(r, i, 0, service, sizeof service);
            col_text(r, i, 1, queue, sizeof queue);
            fin = qh_pg_int(r, i, 3);
            id = qh_pg_int(r, i, 4);
            n++;
            stop = fn(service, queue, qh_pg_int(r, i, 2), fin, ud);
        }
        PQclear(r);
        if (stop || rows < PAGE)
            return n;
    }
}

int qh_pg_stats_handled_sum(struct qh_store_be *s, const char *from,
                            const char *to,
                            int (*fn)(const char *service, const char *queue,
                                      int n, double sum_s, void *),
                            void *ud)
{
    struct num a, b;
    char service[24], queue[QH_CODE_LEN];
    int64_t lo, hi;
    int n = 0, rc;

    day_span(from, to, &lo, &hi);
    const char *v[2] = {num(&a, lo), num(&b, hi)};
    PGresult *r = qh_pg_exec(s, SQL_HANDLED_SUM, 2, v, &rc, "handling times",
                             NULL, 0);
    if (!r)
        return rc;
    for (int i = 0, rows = PQntuples(r); i < rows; i++) {
        col_text(r, i, 0, service, sizeof service);
        col_text(r, i, 1, queue, sizeof queue);
        n++;
        /* sum() of bigint is numeric: its text, in ms. */
        if (fn(service, queue, (int)qh_pg_int(r, i, 2),
               strtod(PQgetvalue(r, i, 3), NULL) / 1000.0, ud))
            break;
    }
    PQclear(r);
    return n;
}

int qh_pg_stats_events_since(struct qh_store_be *s, const char *type,
                             int64_t *after,
                             int (*fn)(const struct qh_event_row *, void *),
                             void *ud)
{
    struct num a, b;
    struct qh_event_row e;
    /* Up to the log's end as it is now, all of it: the next look starts
     * there even when nothing was of the type (a queue that only grows). */
    int64_t from = *after, end = INT64_MAX;
    int n = 0, rc;

    for (;;) {
        const char *v[3] = {type, num(&a, from), num(&b, end)};
        PGresult *r = qh_pg_exec(s, SQL_TYPED_SINCE, 3, v, &rc, "events",
                                 NULL, 0);
        if (!r)
            return rc;
        int rows = PQntuples(r), got = 0;
        if (rows > 0)
            end = qh_pg_int(r, 0, 0);
        for (int i = 0; i < rows; i++) {
            if (PQgetisnull(r, i, 1))
                continue;       /* none after from: the end's row alone */
            qh_pg_event_read(r, i, 1, &e);
            from = e.id;
            got++;
            n++;
            fn(&e, ud);         /* not a stop: every one is handed over */
        }
        PQclear(r);
        if (rows == 0)
            return QH_E_DB;     /* the end's row is always there */
        if (got < PAGE) {
            *after = end;
            return n;
        }
    }
}

/* ---- follow-ups ---- */

static void read_followup(const PGresult *r, int row, struct qh_followup *f)
{
    memset(f, 0, sizeof *f);
    f->id = qh_pg_int(r, row, 0);
    col_text(r, row, 1, f->kind, sizeof f->kind);
    f->ticket = qh_pg_int(r, row, 2);
    col_text(r, row, 3, f->day, sizeof f->day);
    col_text(r, row, 4, f->number, sizeof f->number);
    f->window = (int)qh_pg_int(r, row, 5);
    col_text(r, row, 6, f->staff, sizeof f->staff);
    col_text(r, row, 7, f->service, sizeof f->service);
    f->score = (int)qh_pg_int(r, row, 8);
    col_text(r, row, 9, f->reason, sizeof f->reason);
    f->opened_at = qh_pg_int(r, row, 10);
    col_text(r, row, 11, f->due_day, sizeof f->due_day);
    f->closed_at = qh_pg_int(r, row, 12);
    col_text(r, row, 13, f->result, sizeof f->result);
    col_text(r, row, 14, f->closed_by, sizeof f->closed_by);
}

int qh_pg_followup_add(struct qh_store_be *s, struct qh_followup *f,
                       char *err, size_t errlen)
{
    struct num ticket, win, score, opened;
    const char *v[11] = {f->kind, num(&ticket, f->ticket), f->day, f->number,
                         num(&win, f->window), f->staff, f->service,
                         num(&score, f->score), f->reason,
                         num(&opened, f->opened_at), f->due_day};
    int rc;
    PGresult *r = qh_pg_exec(s, SQL_FU_INSERT, 11, v, &rc, "follow-up",
                             err, errlen);
    if (!r)
        return rc;
    f->id = qh_pg_int(r, 0, 0);
    PQclear(r);
    return 0;
}

int qh_pg_followup_get(struct qh_store_be *s, int64_t id, struct qh_followup *out)
{
    struct num a;
    const char *v[1] = {num(&a, id)};
    int rc;
    PGresult *r = qh_pg_exec(s, SQL_FU_GET, 1, v, &rc, "follow-up", NULL, 0);
    if (!r)
        return rc;
    rc = QH_E_NOTFOUND;
    if (PQntuples(r) > 0) {
        read_followup(r, 0, out);
        rc = 0;
    }
    PQclear(r);
    return rc;
}

int qh_pg_followup_close(struct qh_store_be *s, const struct qh_followup *f,
                         char *err, size_t errlen)
{
    struct num a, b;
    const char *v[4] = {num(&a, f->id), num(&b, f->closed_at), f->result,
                        f->closed_by};
    int rc;
    PGresult *r = qh_pg_exec(s, SQL_FU_CLOSE, 4, v, &rc, "follow-up", err, errlen);
    if (!r)
        return rc;
    rc = strcmp(PQcmdTuples(r), "1") == 0 ? 0
       : qh_err(err, errlen, QH_E_STATE,
                QH_TR(qh_pg_lang(s), "回访事项 %lld 已经办结",
                      "follow-up %lld is already closed"), (long long)f->id);
    PQclear(r);
    return rc;
}

int qh_pg_followup_each(struct qh_store_be *s, int mode, const char *today,
                        const char *from, const char *to,
                        int (*fn)(const struct qh_followup *, void *),
                        void *ud, char *err, size_t errlen)
{
    /* A span of days lists the follow-ups of its tickets, whatever mode
     * (as the SQLite backend does). */
    const char *sql = from ? SQL_FU_RANGE : mode == QH_FOLLOWUP_OPEN ? SQL_FU_OPEN
                    : mode == QH_FOLLOWUP_OVERDUE ? SQL_FU_OVERDUE : SQL_FU_ALL;
    struct num a, b;
    struct qh_followup f;
    /* The sort key of the last row read: (closed, due_day, id), all of
     * them below any row's at first. */
    int closed = -1;
    char due[sizeof f.due_day] = "";
    int64_t id = INT64_MIN;
    int n = 0, rc;

    for (;;) {
        const char *v[5];
        int nv;
        if (sql == SQL_FU_ALL) {
            v[0] = num(&a, closed);
            v[1] = due;
            v[2] = num(&b, id);
            nv = 3;
        } else {
            v[0] = due;
            v[1] = num(&a, id);
            v[2] = sql == SQL_FU_RANGE ? from : today ? today : "";
            v[3] = to ? to : from;
            nv = sql == SQL_FU_RANGE ? 4 : sql == SQL_FU_OVERDUE ? 3 : 2;
        }
        PGresult *r = qh_pg_exec(s, sql, nv, v, &rc, "follow-ups", err, errlen);
        if (!r)
            return rc;
        int rows = PQntuples(r), stop = 0;
        for (int i = 0; i < rows && !stop; i++) {
            read_followup(r, i, &f);
            closed = f.closed_at != 0;
            snprintf(due, sizeof due, "%s", f.due_day);
            id = f.id;
            n++;
            stop = fn(&f, ud);
        }
        PQclear(r);
        if (stop || rows < PAGE)
            return n;
    }
}

int qh_pg_followup_overdue(struct qh_store_be *s, const char *today)
{
    const char *v[1] = {today ? today : ""};
    int rc;
    PGresult *r = qh_pg_exec(s, SQL_FU_OVERDUE_COUNT, 1, v, &rc, "follow-ups",
                             NULL, 0);
    if (!r)
        return rc;
    rc = PQntuples(r) == 1 ? (int)qh_pg_int(r, 0, 0) : QH_E_DB;
    PQclear(r);
    return rc;
}
