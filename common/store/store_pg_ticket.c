/* store_pg_ticket.c: the PostgreSQL backend's tickets and events, and
 * the check of their lifecycle (store_pg.h says how the backend keeps
 * qh/store.h's promises; store_pg.c has the connection).
 *
 * A ticket's id is packed as the SQLite backend packs it (store.c,
 * migration 5): day << 40 | queue key << 24 | sequence, the day counted
 * from 1970-01-01, so a queue's numbers of a day are one range of the
 * primary key and the next number is its last plus one.  The queues are
 * read through the partial indexes that hold only waiting tickets
 * (store_pg_schema.c), so calling costs the same with a year behind it. */
#include <stdlib.h>
#include <string.h>

#include "qh/buf.h"
#include "qh/clock.h"
#include "store_pg_internal.h"

#define TID_DAY_SHIFT 40
#define TID_KEY_SHIFT 24
#define TID_SEQ_MAX 0xFFFFFF

#define TICKET_COLS \
    "id, day, number, seq, queue, service, state, green, issued_at," \
    " virtual_at, prio, called_at, started_at, finished_at, win," \
    " target_window, staff, recalls, outcome, rated, appointment"

/* ---- tickets ---- */

/* The last ticket of an id range: a queue's numbers of a day. */
static const char Q_RANGE_LAST[] =
    "SELECT id, issued_at FROM ticket WHERE id BETWEEN $1 AND $2"
    " ORDER BY id DESC LIMIT 1";
static const char Q_SERVICE_ISSUED[] =
    "SELECT count(*) FROM ticket WHERE day = $1 AND service = $2";
/* Inserted only if not issued before the ticket before it in its range
 * ($22..$1 - 1): one round trip, and a refusal that leaves the
 * transaction usable. */
static const char Q_TICKET_INSERT[] =
    "INSERT INTO ticket(id, day, number, seq, queue, service, state, green,"
    " issued_at, virtual_at, prio, called_at, started_at, finished_at, win,"
    " target_window, staff, recalls, outcome, rated, appointment, origin)"
    " SELECT $1::bigint, $2::text, $3::text, $4::integer, $5::text, $6::text,"
    " $7::integer, $8::text, $9::bigint, $10::bigint, $11::integer, $12::bigint,"
    " $13::bigint, $14::bigint, $15::integer, $16::integer, $17::text,"
    " $18::integer, $19::text, $20::integer, $21::bigint, $5::text"
    " WHERE coalesce((SELECT issued_at FROM ticket WHERE id BETWEEN $22::bigint"
    " AND $1::bigint - 1 ORDER BY id DESC LIMIT 1), 0) <= $9::bigint";
static const char Q_TICKET_UPDATE[] =
    "UPDATE ticket SET queue = $2, service = $3, state = $4, green = $5,"
    " virtual_at = $6, prio = $7, called_at = $8, started_at = $9,"
    " finished_at = $10, win = $11, target_window = $12, staff = $13,"
    " recalls = $14, outcome = $15, rated = $16 WHERE id = $1";
static const char Q_TICKET_GET[] = "SELECT " TICKET_COLS " FROM ticket WHERE id = $1";
static const char Q_TICKET_BY_NUMBER[] =
    "SELECT " TICKET_COLS " FROM ticket WHERE day = $1 AND number = $2";
static const char Q_TICKET_AT_WINDOW[] =
    "SELECT " TICKET_COLS " FROM ticket WHERE win = $2 AND state IN (1, 2)"
    " AND day = $1 ORDER BY id LIMIT 1";
/* The queue's waiting tickets, through the partial index that holds only
 * them ($3: the window asking; a ticket sent to another is not its). */
#define WAITING " FROM ticket WHERE day = $1 AND queue = $2 AND state = 0"
#define FOR_WINDOW " AND (target_window = 0 OR target_window = $3)"
static const char Q_QUEUE_HEAD[] =
    "SELECT " TICKET_COLS WAITING FOR_WINDOW " ORDER BY prio, virtual_at, id LIMIT 1";
static const char Q_QUEUE_HEAD_ISSUE[] =
    "SELECT " TICKET_COLS WAITING FOR_WINDOW " ORDER BY issued_at, id LIMIT 1";
static const char Q_WAITING_COUNT[] = "SELECT count(*)" WAITING;
static const char Q_AHEAD[] =
    "SELECT count(*)" WAITING " AND (prio, virtual_at, id) < ($3, $4, $5)";
static const char Q_QUEUE_SERVICES[] =
    "SELECT service" WAITING " ORDER BY prio, virtual_at, id LIMIT $3";
static const char Q_TICKET_EACH[] =
    "SELECT " TICKET_COLS " FROM ticket WHERE day = $1 ORDER BY issued_at, id";
static const char Q_TICKET_EACH_STATE[] =
    "SELECT " TICKET_COLS " FROM ticket WHERE day = $1 AND state = $2"
    " ORDER BY issued_at, id";
/* The day's last calls, newest first, in event order: two windows
 * calling in the same second are still told apart.  Through event_ticket
 * and the day's range of ticket ids: the day's events, not the year's. */
static const char Q_CALLS_EACH[] =
    "SELECT " TICKET_COLS ", c.ev FROM (SELECT ticket, max(id) AS ev FROM event"
    " WHERE ticket BETWEEN $1 AND $2"
    " AND type IN ('called', 'recalled', 'called_back')"
    " GROUP BY ticket ORDER BY ev DESC LIMIT $3) c"
    " JOIN ticket ON ticket.id = c.ticket ORDER BY c.ev DESC";
/* Every ticket earlier days left open expires, with an event each, in
 * one statement: the events are built from the rows as they were (what
 * each was: "from"), and the detail is the SQLite backend's, byte for
 * byte ($3: the actor, already a JSON string). */
static const char Q_EXPIRE[] =
    "WITH open AS (SELECT id FROM ticket WHERE day < $1 AND state BETWEEN 0 AND 4),"
    " ev AS (INSERT INTO event(at, type, ticket, number, queue, win, staff, detail)"
    " SELECT $2::bigint, 'expired', t.id, t.number, t.queue, t.win, t.staff,"
    " '{\"day\":' || to_json(t.day)::text || ',\"from\":\"' || CASE t.state"
    " WHEN 0 THEN 'waiting' WHEN 1 THEN 'called' WHEN 2 THEN 'serving'"
    " WHEN 3 THEN 'held' ELSE 'no_show' END || '\",\"via\":' || $3::text || '}'"
    " FROM ticket t JOIN open USING (id) ORDER BY t.id RETURNING id),"
    " up AS (UPDATE ticket SET state = 7 FROM open WHERE ticket.id = open.id"
    " RETURNING 1)"
    " SELECT (SELECT count(*) FROM up), (SELECT max(id) FROM ev)";

static void read_ticket(const PGresult *r, int row, void *out)
{
    struct qh_ticket_row *t = out;
    memset(t, 0, sizeof *t);
    t->id = qh_pg_int(r, row, 0);
    qh_pg_text(r, row, 1, t->day, sizeof t->day);
    qh_pg_text(r, row, 2, t->number, sizeof t->number);
    t->seq = (int)qh_pg_int(r, row, 3);
    qh_pg_text(r, row, 4, t->queue, sizeof t->queue);
    qh_pg_text(r, row, 5, t->service, sizeof t->service);
    t->state = (int)qh_pg_int(r, row, 6);
    qh_pg_text(r, row, 7, t->green, sizeof t->green);
    t->issued_at = qh_pg_int(r, row, 8);
    t->virtual_at = qh_pg_int(r, row, 9);
    t->prio = (int)qh_pg_int(r, row, 10);
    t->called_at = qh_pg_int(r, row, 11);
    t->started_at = qh_pg_int(r, row, 12);
    t->finished_at = qh_pg_int(r, row, 13);
    t->window = (int)qh_pg_int(r, row, 14);
    t->target_window = (int)qh_pg_int(r, row, 15);
    qh_pg_text(r, row, 16, t->staff, sizeof t->staff);
    t->recalls = (int)qh_pg_int(r, row, 17);
    qh_pg_text(r, row, 18, t->outcome, sizeof t->outcome);
    t->rated = (int)qh_pg_int(r, row, 19);
    t->appointment = qh_pg_int(r, row, 20);
}

/* The first id of `day` with key (0: the day's first id at all).  A
 * product, not a shift: a day a user names may be before 1970 (a report
 * of --month 1013-11), and shifting a negative number is undefined. */
static int64_t tid_base(const char *day, int key)
{
    return ((int64_t)qh_clock_day_num(day) * ((int64_t)1 << TID_DAY_SHIFT)) |
           ((int64_t)key << TID_KEY_SHIFT);
}

/* The highest sequence the queue of key gave on day, 0 if none (or < 0),
 * and unless NULL its issue time (0 if none). */
static int seq_last(struct qh_store_be *s, const char *day, int key,
                    int64_t *issued_at, char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    int rc, last = 0;
    if (issued_at)
        *issued_at = 0;
    if (!key)
        return 0;
    int64_t lo = tid_base(day, key);
    a_int(&a, lo);
    a_int(&a, lo | TID_SEQ_MAX);
    PGresult *r = qh_pg_exec(s, Q_RANGE_LAST, a.n, a.v, &rc, "ticket", err, errlen);
    if (!r)
        return rc;
    if (PQntuples(r) > 0) {
        last = (int)(qh_pg_int(r, 0, 0) - lo);
        if (issued_at)
            *issued_at = qh_pg_int(r, 0, 1);
    }
    PQclear(r);
    return last;
}

int qh_pg_seq_next(struct qh_store_be *s, const char *day, const char *queue,
                   int *seq, int64_t *after, char *err, size_t errlen)
{
    /* The write lock the caller holds keeps the range's end ours until
     * the ticket that takes it is inserted. */
    int key = qh_pg_queue_key(s, queue);
    int64_t at;
    if (!key)
        return qh_err(err, errlen, QH_E_NOTFOUND, "no queue %s", queue);
    int last = seq_last(s, day, key, &at, err, errlen);
    if (last < 0)
        return last;
    if (last >= TID_SEQ_MAX)
        return qh_err(err, errlen, QH_E_QUOTA, "queue %s: no numbers left today", queue);
    *seq = last + 1;
    if (after)
        *after = at;
    return 0;
}

int qh_pg_issued_count(struct qh_store_be *s, const char *day,
                       const char *queue)
{
    /* Numbers have no gaps: the last one given is the count. */
    return seq_last(s, day, qh_pg_queue_key(s, queue), NULL, NULL, 0);
}

int qh_pg_service_issued_count(struct qh_store_be *s, const char *day,
                               const char *service)
{
    /* A ticket transferred to another item counts for the item it now
     * has (the row keeps no history; the events do). */
    struct qh_pg_args a = {0};
    a_str(&a, day);
    a_str(&a, service);
    return qh_pg_count(s, Q_SERVICE_ISSUED, &a, "issued");
}

static void args_mutable(struct qh_pg_args *a, const struct qh_ticket_row *t)
{
    a_int(a, t->id);
    a_str(a, t->queue);
    a_str(a, t->service);
    a_int(a, t->state);
    a_str(a, t->green);
    a_int(a, t->virtual_at);
    a_int(a, t->prio);
    a_int(a, t->called_at);
    a_int(a, t->started_at);
    a_int(a, t->finished_at);
    a_int(a, t->window);
    a_int(a, t->target_window);
    a_str(a, t->staff);
    a_int(a, t->recalls);
    a_str(a, t->outcome);
    a_int(a, t->rated);
}

int qh_pg_ticket_insert(struct qh_store_be *s, struct qh_ticket_row *t,
                        char *err, size_t errlen)
{
    int key = qh_pg_queue_key(s, t->queue);
    /* A ticket starts waiting in the queue that gives its number, at its
     * number's place. */
    if (!key || t->seq < 1 || t->seq > TID_SEQ_MAX || t->state != QH_TICKET_WAITING)
        return qh_err(err, errlen, QH_E_USAGE, "ticket %s: no place for it", t->number);
    int64_t id = tid_base(t->day, key) | t->seq, changed = 0;
    struct qh_pg_args a = {0};
    a_int(&a, id);
    a_str(&a, t->day);
    a_str(&a, t->number);
    a_int(&a, t->seq);
    a_str(&a, t->queue);
    a_str(&a, t->service);
    a_int(&a, t->state);
    a_str(&a, t->green);
    a_int(&a, t->issued_at);
    a_int(&a, t->virtual_at);
    a_int(&a, t->prio);
    a_int(&a, t->called_at);
    a_int(&a, t->started_at);
    a_int(&a, t->finished_at);
    a_int(&a, t->window);
    a_int(&a, t->target_window);
    a_str(&a, t->staff);
    a_int(&a, t->recalls);
    a_str(&a, t->outcome);
    a_int(&a, t->rated);
    if (t->appointment)
        a_int(&a, t->appointment);
    else
        a_null(&a);
    a_int(&a, id & ~(int64_t)TID_SEQ_MAX);
    int rc = qh_pg_cmd(s, Q_TICKET_INSERT, &a, &changed, "ticket", err, errlen);
    if (rc < 0)
        return rc;
    /* Issue times never go back inside a queue's day. */
    if (changed != 1)
        return qh_err(err, errlen, QH_E_USAGE,
                      "ticket %s: issued before the one before it", t->number);
    t->id = id;
    return 0;
}

int qh_pg_ticket_update(struct qh_store_be *s, const struct qh_ticket_row *t,
                        char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    int64_t changed = 0;
    args_mutable(&a, t);
    int rc = qh_pg_cmd(s, Q_TICKET_UPDATE, &a, &changed, "ticket", err, errlen);
    if (rc == 0 && changed != 1)
        return qh_err(err, errlen, QH_E_NOTFOUND, "ticket %lld not found",
                      (long long)t->id);
    return rc;
}

int qh_pg_ticket_get(struct qh_store_be *s, int64_t id,
                     struct qh_ticket_row *out)
{
    struct qh_pg_args a = {0};
    a_int(&a, id);
    return qh_pg_one(s, Q_TICKET_GET, &a, read_ticket, out, "ticket");
}

int qh_pg_ticket_by_number(struct qh_store_be *s, const char *day,
                           const char *number, struct qh_ticket_row *out)
{
    struct qh_pg_args a = {0};
    a_str(&a, day);
    a_str(&a, number);
    return qh_pg_one(s, Q_TICKET_BY_NUMBER, &a, read_ticket, out, "ticket");
}

int qh_pg_ticket_at_window(struct qh_store_be *s, const char *day, int window,
                           struct qh_ticket_row *out)
{
    struct qh_pg_args a = {0};
    a_str(&a, day);
    a_int(&a, window);
    return qh_pg_one(s, Q_TICKET_AT_WINDOW, &a, read_ticket, out, "ticket");
}

int qh_pg_queue_head(struct qh_store_be *s, const char *day, const char *queue,
                     int window, int by_issue, struct qh_ticket_row *out)
{
    struct qh_pg_args a = {0};
    a_str(&a, day);
    a_str(&a, queue);
    a_int(&a, window);
    return qh_pg_one(s, by_issue ? Q_QUEUE_HEAD_ISSUE : Q_QUEUE_HEAD, &a, read_ticket,
                   out, "queue");
}

int qh_pg_waiting_count(struct qh_store_be *s, const char *day,
                        const char *queue)
{
    struct qh_pg_args a = {0};
    a_str(&a, day);
    a_str(&a, queue);
    return qh_pg_count(s, Q_WAITING_COUNT, &a, "waiting");
}

int qh_pg_ahead(struct qh_store_be *s, const struct qh_ticket_row *t)
{
    struct qh_pg_args a = {0};
    a_str(&a, t->day);
    a_str(&a, t->queue);
    a_int(&a, t->prio);
    a_int(&a, t->virtual_at);
    a_int(&a, t->id);
    return qh_pg_count(s, Q_AHEAD, &a, "ahead");
}

int qh_pg_queue_services(struct qh_store_be *s, const char *day,
                         const char *queue, int limit,
                         int (*fn)(const char *, void *), void *ud)
{
    struct qh_pg_args a = {0};
    int rc, n = 0;
    char service[24];
    a_str(&a, day);
    a_str(&a, queue);
    a_int(&a, limit < 0 ? 0 : limit);
    PGresult *r = qh_pg_exec(s, Q_QUEUE_SERVICES, a.n, a.v, &rc, "queue", NULL, 0);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        qh_pg_text(r, i, 0, service, sizeof service);
        n++;
        if (fn(service, ud))
            break;
    }
    PQclear(r);
    return n;
}

int qh_pg_ticket_each(struct qh_store_be *s, const char *day, int state,
                      int (*fn)(const struct qh_ticket_row *, void *), void *ud)
{
    struct qh_pg_args a = {0};
    int rc, n = 0;
    a_str(&a, day);
    if (state >= 0)
        a_int(&a, state);
    PGresult *r = qh_pg_exec(s, state < 0 ? Q_TICKET_EACH : Q_TICKET_EACH_STATE, a.n,
                             a.v, &rc, "tickets", NULL, 0);
    if (!r)
        return rc;
    struct qh_ticket_row t;
    for (int i = 0; i < PQntuples(r); i++) {
        read_ticket(r, i, &t);
        n++;
        if (fn(&t, ud))
            break;
    }
    PQclear(r);
    return n;
}

int qh_pg_calls_each(struct qh_store_be *s, const char *day, int limit,
                     int (*fn)(const struct qh_ticket_row *, int64_t, void *),
                     void *ud)
{
    struct qh_pg_args a = {0};
    int rc, n = 0;
    int64_t lo = tid_base(day, 0);
    a_int(&a, lo);
    a_int(&a, lo + ((int64_t)1 << TID_DAY_SHIFT) - 1);
    a_int(&a, limit < 0 ? 0 : limit);
    PGresult *r = qh_pg_exec(s, Q_CALLS_EACH, a.n, a.v, &rc, "calls", NULL, 0);
    if (!r)
        return rc;
    struct qh_ticket_row t;
    for (int i = 0; i < PQntuples(r); i++) {
        read_ticket(r, i, &t);
        n++;
        if (fn(&t, qh_pg_int(r, i, 21), ud))
            break;
    }
    PQclear(r);
    return n;
}

static const char Q_REQUEST_PRUNE[] = "DELETE FROM request WHERE at < $1";

static int expire_tx(struct qh_store_be *s, const char *day, int64_t now,
                     char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    struct qh_buf via;
    int rc;
    qh_buf_init(&via);
    qh_json_quote(&via, qh_pg_actor(s));
    if (via.oom) {
        qh_buf_fini(&via);
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    }
    a_str(&a, day);
    a_int(&a, now);
    a_str(&a, qh_buf_str(&via));
    PGresult *r = qh_pg_exec(s, Q_EXPIRE, a.n, a.v, &rc, "expire", err, errlen);
    qh_buf_fini(&via);
    if (!r)
        return rc;
    int n = (int)qh_pg_int(r, 0, 0);
    int64_t last = qh_pg_int(r, 0, 1);
    PQclear(r);
    if (last)
        qh_pg_wrote(s, last);
    /* The first write of a day also forgets the request ids of last week:
     * an answer lost at commit is looked up within seconds. */
    struct qh_pg_args w = {0};
    a_int(&w, now - 7 * 86400 * 1000LL);
    if ((rc = qh_pg_cmd(s, Q_REQUEST_PRUNE, &w, NULL, "expire", err, errlen)) < 0)
        return rc;
    return n;
}

/* Event ids are drawn under the writer's lock, so that they follow the
 * commits' order (store_pg.h): a write outside a transaction gets one of
 * its own. */
static int own_begin(struct qh_store_be *s, int *own, char *err, size_t errlen)
{
    *own = !qh_pg_in_tx(s);
    return *own ? qh_pg_begin(s, err, errlen) : 0;
}

static int own_end(struct qh_store_be *s, int own, int rc, char *err, size_t errlen)
{
    if (!own)
        return rc;
    if (rc < 0) {
        qh_pg_rollback(s);
        return rc;
    }
    int crc = qh_pg_commit(s, err, errlen);
    return crc < 0 ? crc : rc;
}

int qh_pg_expire_before(struct qh_store_be *s, const char *day, int64_t now,
                        char *err, size_t errlen)
{
    int own, rc = own_begin(s, &own, err, errlen);
    if (rc < 0)
        return rc;
    return own_end(s, own, expire_tx(s, day, now, err, errlen), err, errlen);
}

/* ---- events ---- */

static const char Q_EVENT_INSERT[] =
    "INSERT INTO event(at, type, ticket, number, queue, win, staff, detail)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
/* A ticket's issued event, unless it has one already: none inserted (no
 * row back) is the refusal, and the transaction goes on. */
static const char Q_EVENT_INSERT_ISSUED[] =
    "INSERT INTO event(at, type, ticket, number, queue, win, staff, detail)"
    " SELECT $1::bigint, $2::text, $3::bigint, $4::text, $5::text, $6::integer,"
    " $7::text, $8::text WHERE NOT EXISTS (SELECT 1 FROM event"
    " WHERE ticket = $3::bigint AND type = 'issued') RETURNING id";
static const char Q_EVENT_SINCE[] =
    "SELECT " QH_PG_EVENT_COLS " FROM event WHERE id > $1 ORDER BY id LIMIT $2";
static const char Q_EVENT_OF_TICKET[] =
    "SELECT " QH_PG_EVENT_COLS " FROM event WHERE ticket = $1 AND type <> 'issued'"
    " AND id > $2 ORDER BY id LIMIT $3";
static const char Q_EVENT_LAST[] = "SELECT coalesce(max(id), 0) FROM event";

static int event_add_tx(struct qh_store_be *s, struct qh_event_row *ev,
                        char *err, size_t errlen)
{
    int issued = ev->ticket && !strcmp(ev->type, "issued"), rc;
    struct qh_pg_args a = {0};
    a_int(&a, ev->at);
    a_str(&a, ev->type);
    if (ev->ticket)
        a_int(&a, ev->ticket);
    else
        a_null(&a);
    a_str(&a, ev->number);
    a_str(&a, ev->queue);
    a_int(&a, ev->window);
    a_str(&a, ev->staff);
    a_str(&a, ev->detail[0] ? ev->detail : "{}");
    PGresult *r = qh_pg_exec(s, issued ? Q_EVENT_INSERT_ISSUED : Q_EVENT_INSERT, a.n,
                             a.v, &rc, "event", err, errlen);
    if (!r)
        return rc;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return qh_err(err, errlen, QH_E_STATE, "ticket %lld has its issued event",
                      (long long)ev->ticket);
    }
    ev->id = qh_pg_int(r, 0, 0);
    PQclear(r);
    qh_pg_wrote(s, ev->id);
    return 0;
}

int qh_pg_event_add(struct qh_store_be *s, struct qh_event_row *ev,
                    char *err, size_t errlen)
{
    int own, rc = own_begin(s, &own, err, errlen);
    if (rc < 0)
        return rc;
    return own_end(s, own, event_add_tx(s, ev, err, errlen), err, errlen);
}

/* Up to max rows of sql (QH_PG_EVENT_COLS) into out; the count or < 0. */
static int events_read(struct qh_store_be *s, const char *sql, const struct qh_pg_args *a,
                       struct qh_event_row *out, int max, char *err, size_t errlen)
{
    int rc, n = 0;
    PGresult *r = qh_pg_exec(s, sql, a->n, a->v, &rc, "events", err, errlen);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r) && n < max; i++)
        qh_pg_event_read(r, i, 0, &out[n++]);
    PQclear(r);
    return n;
}

int qh_pg_events_since(struct qh_store_be *s, int64_t after,
                       struct qh_event_row *out, int max, char *err,
                       size_t errlen)
{
    struct qh_pg_args a = {0};
    a_int(&a, after);
    a_int(&a, max < 0 ? 0 : max);
    return events_read(s, Q_EVENT_SINCE, &a, out, max, err, errlen);
}

int qh_pg_events_of_ticket(struct qh_store_be *s, int64_t ticket, int64_t after,
                           struct qh_event_row *out, int max, char *err,
                           size_t errlen)
{
    struct qh_pg_args a = {0};
    a_int(&a, ticket);
    a_int(&a, after);
    a_int(&a, max < 0 ? 0 : max);
    return events_read(s, Q_EVENT_OF_TICKET, &a, out, max, err, errlen);
}

int qh_pg_last_event_id(struct qh_store_be *s, int64_t *out, char *err,
                        size_t errlen)
{
    return qh_pg_scalar(s, Q_EVENT_LAST, NULL, 0, out, "last event", err, errlen);
}

/* ---- maintenance ---- */

static const char Q_CHECK_WINDOW[] =
    "SELECT day, win, string_agg(number, ',' ORDER BY id) FROM ticket"
    " WHERE state IN (1, 2) GROUP BY day, win HAVING count(*) > 1"
    " ORDER BY day, win";
/* Numbers: per day and original queue, as many tickets as the highest
 * sequence, from 1: no gap, no double. */
static const char Q_CHECK_SEQ[] =
    "SELECT day, origin, count(*), max(seq) FROM ticket GROUP BY day, origin"
    " HAVING count(*) <> max(seq) OR min(seq) <> 1"
    " ORDER BY day, origin COLLATE \"C\"";
/* Each ticket's id packs its day, its number's queue and sequence. */
static const char Q_CHECK_ID[] =
    "SELECT t.day, t.number, t.id FROM ticket t"
    " LEFT JOIN queue_key k ON k.code = t.origin"
    " WHERE t.id IS DISTINCT FROM (((t.day::date - DATE '1970-01-01')::bigint"
    " << " QH_PG_STR(TID_DAY_SHIFT) ") | (k.key::bigint << " QH_PG_STR(TID_KEY_SHIFT) ")"
    " | t.seq) ORDER BY t.id";
static const char Q_CHECK_ISSUED[] =
    "SELECT t.day, t.number, count(e.id) FROM ticket t"
    " LEFT JOIN event e ON e.ticket = t.id AND e.type = 'issued'"
    " GROUP BY t.id HAVING count(e.id) <> 1 ORDER BY t.id";
static const char Q_CHECK_STATE[] =
    "SELECT t.day, t.number, t.state, e.type, e.detail FROM ticket t"
    " LEFT JOIN LATERAL (SELECT type, detail FROM event WHERE ticket = t.id"
    " AND type IN ('issued', 'called', 'recalled', 'called_back', 'no_show',"
    " 'started', 'held', 'released', 'transferred', 'finished', 'cancelled',"
    " 'expired') ORDER BY id DESC LIMIT 1) e ON true ORDER BY t.id";
static const char Q_CHECK_HOLDER[] =
    "SELECT day, number FROM ticket WHERE state IN (1, 2) AND win = 0 ORDER BY id";

static const struct {
    const char *type;
    int state;
} event_state[] = {
    {"issued", QH_TICKET_WAITING}, {"called", QH_TICKET_CALLED},
    {"recalled", QH_TICKET_CALLED}, {"called_back", QH_TICKET_CALLED},
    {"no_show", QH_TICKET_NO_SHOW}, {"started", QH_TICKET_SERVING},
    {"held", QH_TICKET_HELD}, {"released", QH_TICKET_WAITING},
    {"transferred", QH_TICKET_WAITING}, {"finished", QH_TICKET_FINISHED},
    {"cancelled", QH_TICKET_CANCELLED}, {"expired", QH_TICKET_EXPIRED},
};

static int expected_state(const char *type, const char *detail)
{
    /* A 办不成 finish that sent the ticket on leaves it waiting. */
    if (!strcmp(type, "finished") && strstr(detail, "\"to_queue\""))
        return QH_TICKET_WAITING;
    for (size_t i = 0; i < sizeof event_state / sizeof event_state[0]; i++)
        if (!strcmp(type, event_state[i].type))
            return event_state[i].state;
    return -1;
}

#define PROBLEM(...) do { qh_err_append(report, reportlen, __VA_ARGS__); n++; } while (0)
#define V(col) PQgetvalue(r, i, col)

/* The lifecycle's invariants; PostgreSQL keeps the references and its
 * own pages (a damaged one is QH_E_CORRUPT from whatever statement
 * meets it, pg_fail). */
int qh_pg_check(struct qh_store_be *s, char *report, size_t reportlen,
                char *err, size_t errlen)
{
    int n = 0, rc;
    PGresult *r = NULL;
    if (report && reportlen)
        report[0] = '\0';
    /* One read transaction: every check sees the same snapshot. */
    if ((rc = qh_pg_begin_read(s, err, errlen)) < 0)
        return rc;
    if (!(r = qh_pg_exec(s, Q_CHECK_WINDOW, 0, NULL, &rc, "check", err, errlen)))
        goto out;
    for (int i = 0; i < PQntuples(r); i++)
        PROBLEM("window %s on %s holds several tickets: %s", V(1), V(0), V(2));
    PQclear(r);
    if (!(r = qh_pg_exec(s, Q_CHECK_SEQ, 0, NULL, &rc, "check", err, errlen)))
        goto out;
    for (int i = 0; i < PQntuples(r); i++)
        PROBLEM("numbers of queue %s on %s: %s tickets, highest %s", V(1), V(0), V(2),
                V(3));
    PQclear(r);
    if (!(r = qh_pg_exec(s, Q_CHECK_ID, 0, NULL, &rc, "check", err, errlen)))
        goto out;
    for (int i = 0; i < PQntuples(r); i++)
        PROBLEM("ticket %s %s: id %s is not its number's place", V(0), V(1), V(2));
    PQclear(r);
    if (!(r = qh_pg_exec(s, Q_CHECK_ISSUED, 0, NULL, &rc, "check", err, errlen)))
        goto out;
    for (int i = 0; i < PQntuples(r); i++)
        if (qh_pg_int(r, i, 2) == 0)
            PROBLEM("ticket %s %s has no issued event", V(0), V(1));
        else
            PROBLEM("ticket %s %s has %s issued events", V(0), V(1), V(2));
    PQclear(r);
    if (!(r = qh_pg_exec(s, Q_CHECK_STATE, 0, NULL, &rc, "check", err, errlen)))
        goto out;
    for (int i = 0; i < PQntuples(r); i++) {
        int state = (int)qh_pg_int(r, i, 2), none = PQgetisnull(r, i, 3);
        int want = none ? -1 : expected_state(V(3), V(4));
        if (want != state)
            PROBLEM("ticket %s %s is %s but its last event is %s", V(0), V(1),
                    qh_ticket_state_name(state), none ? "(none)" : V(3));
    }
    PQclear(r);
    if (!(r = qh_pg_exec(s, Q_CHECK_HOLDER, 0, NULL, &rc, "check", err, errlen)))
        goto out;
    for (int i = 0; i < PQntuples(r); i++)
        PROBLEM("ticket %s %s is called or serving at no window", V(0), V(1));
    PQclear(r);
    rc = n;
out:
    qh_pg_end_read(s);
    return rc;
}

#undef V
#undef PROBLEM


/* ---- ticket tokens ---- */

static const char Q_TOKEN_PUT[] = "INSERT INTO ticket_token(ticket, token) VALUES ($1, $2)";
static const char Q_TOKEN_FIND[] = "SELECT ticket FROM ticket_token WHERE token = $1";
static const char Q_TOKEN_GET[] = "SELECT token FROM ticket_token WHERE ticket = $1";

int qh_pg_token_put(struct qh_store_be *s, int64_t ticket, const char *token,
                    char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    a_int(&a, ticket);
    a_str(&a, token);
    return qh_pg_cmd(s, Q_TOKEN_PUT, &a, NULL, "ticket token", err, errlen);
}

static void read_token_ticket(const PGresult *r, int row, void *out)
{
    *(int64_t *)out = qh_pg_int(r, row, 0);
}

int qh_pg_token_find(struct qh_store_be *s, const char *token, int64_t *ticket)
{
    struct qh_pg_args a = {0};
    a_str(&a, token);
    return qh_pg_one(s, Q_TOKEN_FIND, &a, read_token_ticket, ticket, "ticket token");
}

struct token_out {
    char *out;
    size_t len;
};

static void read_token(const PGresult *r, int row, void *out)
{
    struct token_out *t = out;
    qh_pg_text(r, row, 0, t->out, t->len);
}

int qh_pg_token_get(struct qh_store_be *s, int64_t ticket, char *out, size_t outlen)
{
    struct qh_pg_args a = {0};
    struct token_out t = {out, outlen};
    a_int(&a, ticket);
    return qh_pg_one(s, Q_TOKEN_GET, &a, read_token, &t, "ticket token");
}
