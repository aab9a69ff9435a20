/* store_pg.c: the PostgreSQL backend of qh/store.h: the connection, its
 * statements, transactions, the schema's migrations, the settings and
 * the hall.  store_pg_hall.c and store_pg_ticket.c keep the other tables,
 * store_pg_stats.c and watch_pg.c the statistics' reads and the change
 * feed, store_pg_rows.c a hall's copy; store_pg_ops.c is the table of
 * the backend's functions.
 *
 * How it keeps the promises of qh/store.h is written at the top of
 * store_pg.h.  What follows from it here:
 * - qh_store_begin is one round trip: BEGIN, the writer's advisory lock,
 *   then (a statement of its own, so that it sees what the writer before
 *   committed) the hall's revision, the service day and the server's
 *   clock.
 * - Every statement is prepared once per connection (qh_pg_exec, keyed by
 *   the SQL's address), with text parameters and text results.
 * - A statement that fails inside a transaction aborts it on the server
 *   (unlike SQLite), so what a caller may meet as an answer rather than a
 *   fault (a staff ID or appointment code taken, a second issued event, a
 *   ticket issued out of order) is asked with ON CONFLICT or a WHERE, never
 *   left to a constraint to refuse.
 * - A connection lost outside a transaction is reset once and the
 *   statement tried again, so a program outlives a server restart; inside
 *   one, the transaction is lost and the caller told so (QH_E_IO).
 * - Text is ordered COLLATE "C", as SQLite orders it, whatever locale the
 *   database was created with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/conf.h"
#include "store_backend.h"
#include "store_pg_internal.h"
#include "store_pg_rows.h"

/* A statement prepared on this connection as "q<id>" while gen matched. */
struct stmt {
    const char *sql;
    int id;
    unsigned gen;
};

struct qh_store_be {
    PGconn *conn;
    char *name;                  /* the URI as given (qh_pg_conninfo) */
    char *shown;                 /* ... without its password (path) */
    char label[256];             /* user@host:port/db, for messages */
    int flags;
    enum qh_lang lang;
    char actor[64];
    int actor_dirty;             /* application_name or lock_timeout not yet
                                    set to actor, busy_ms */
    int busy_ms;
    unsigned gen;                /* the connection: one more per reset */
    struct stmt *stmts;          /* open addressing, by the SQL's address */
    int nstmts, capstmts, nextid;
    int in_tx, in_read;
    int cut_at, tx_stmts;   /* QHALL_TEST_FAULT=cut_at:N (test_cut) */
    char last_err[QH_ERRLEN];   /* a failure no caller took (qh_pg_errmsg) */
    int broken;                  /* the connection was found lost */
    int has_hall;
    char hall_rev[32];
    struct qh_hall_conf hall;
    int qkey[QH_MAX_QUEUES];     /* queue_key of each hall.queues[i] */
    char day_tx[11];             /* the "day" setting in this transaction */
    int64_t tx_event;            /* the last event written in this one */
    int64_t committed_event;     /* ... and in the last that committed */
    void *rows;                  /* store_pg_rows.c's, while it copies */
    void (*rows_fini)(void *);
    char request[33];            /* this write transaction's id (commit) */
    int64_t offset;              /* the server's clock less our monotonic one, ms */
    int64_t rtt_half;            /* half a round trip, as measured at open */
    int probe_version;           /* QH_STORE_PROBE: schema_version's */
};

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The hall's clock is the server's: measured against this PC's monotonic
 * clock, so that this PC's own clock stepped (NTP, an administrator)
 * moves nothing between two measurements. */
static int64_t mono_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

/* A request id: 128 random bits in hex, made here, so that a commit whose
 * answer was lost can be looked up (qh_pg_commit). */
static void request_id(char out[33])
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
        /* Unique, if not secret, is all it must be. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long long x = (unsigned long long)ts.tv_nsec ^
                               ((unsigned long long)getpid() << 32) ^
                               (unsigned long long)ts.tv_sec;
        memcpy(b, &x, sizeof x);
        memcpy(b + 8, &ts, 8);
    }
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* src's first line, cut at a character boundary to fit out. */
static void first_line(const char *src, char *out, size_t n)
{
    size_t k = src ? strcspn(src, "\n") : 0;
    while (k > 0 && (src[k - 1] == ' ' || src[k - 1] == '\r'))
        k--;
    if (k >= n) {
        k = n - 1;
        while (k > 0 && ((unsigned char)src[k] & 0xC0) == 0x80)
            k--;
    }
    if (k)
        memcpy(out, src, k);
    out[k] = '\0';
}

/* Column col of row into out, cut (if it must be) at a character
 * boundary; "" for NULL. */
void qh_pg_text(const PGresult *r, int row, int col, char *out, size_t n)
{
    const char *v = PQgetvalue(r, row, col);
    size_t k = (size_t)PQgetlength(r, row, col);
    if (!n)
        return;
    if (k >= n) {
        k = n - 1;
        while (k > 0 && ((unsigned char)v[k] & 0xC0) == 0x80)
            k--;
    }
    if (k)
        memcpy(out, v, k);
    out[k] = '\0';
}

int64_t qh_pg_int(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return 0;
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void qh_pg_event_read(const PGresult *r, int row, int col0,
                      struct qh_event_row *e)
{
    e->id = qh_pg_int(r, row, col0);
    e->at = qh_pg_int(r, row, col0 + 1);
    qh_pg_text(r, row, col0 + 2, e->type, sizeof e->type);
    e->ticket = qh_pg_int(r, row, col0 + 3);
    qh_pg_text(r, row, col0 + 4, e->number, sizeof e->number);
    qh_pg_text(r, row, col0 + 5, e->queue, sizeof e->queue);
    e->window = (int)qh_pg_int(r, row, col0 + 6);
    qh_pg_text(r, row, col0 + 7, e->staff, sizeof e->staff);
    qh_pg_text(r, row, col0 + 8, e->detail, sizeof e->detail);
}

PGconn *qh_pg_conn(struct qh_store_be *s)
{
    return s->conn;
}

enum qh_lang qh_pg_lang(const struct qh_store_be *s)
{
    return s->lang;
}

const char *qh_pg_conninfo(const struct qh_store_be *s)
{
    return s->name;
}

int qh_pg_queue_key(const struct qh_store_be *s, const char *queue)
{
    for (int i = 0; i < s->hall.nqueues; i++)
        if (!strcmp(s->hall.queues[i].code, queue))
            return s->qkey[i];
    return 0;
}

void qh_pg_wrote(struct qh_store_be *s, int64_t event)
{
    if (s->in_tx)
        s->tx_event = event;
}

void *qh_pg_rows(struct qh_store_be *s)
{
    return s->rows;
}

void qh_pg_rows_set(struct qh_store_be *s, void *rows, void (*fini)(void *))
{
    if (s->rows_fini && s->rows != rows)
        s->rows_fini(s->rows);
    s->rows = rows;
    s->rows_fini = fini;
}

/* ---- failures ---- */

static int lost(struct qh_store_be *s, const PGresult *r, const char *what,
                char *err, size_t errlen)
{
    char why[256];
    const char *m = r ? PQresultErrorMessage(r) : "";
    first_line(m && *m ? m : PQerrorMessage(s->conn), why, sizeof why);
    s->broken = 1;
    /* Inside a write transaction, before its COMMIT went out (the commit
     * says what it knows itself): the server rolls it back, surely. */
    if (s->in_tx && strcmp(what, "commit"))
        return qh_err(err, errlen, QH_E_IO,
                      QH_TR(s->lang, "%s：与数据库服务器的连接已断开（%s）：操作没有完成，可以再做一次",
                            "%s: lost the connection to the database server (%s): nothing was"
                            " done, it is safe to do it again"),
                      what, why[0] ? why : s->label);
    return qh_err(err, errlen, QH_E_IO,
                  QH_TR(s->lang, "%s：与数据库服务器的连接已断开（%s）",
                        "%s: lost the connection to the database server (%s)"),
                  what, why[0] ? why : s->label);
}

/* 1 when the failure of r is the connection's: the server went away (an
 * administrator's or a crash's shutdown, a network cut).  libpq may still
 * call a connection whose server hung up on a write CONNECTION_OK, with
 * an error of its own (no SQLSTATE): reading from it tells. */
static int conn_lost(struct qh_store_be *s, const PGresult *r)
{
    if (PQstatus(s->conn) == CONNECTION_BAD)
        return 1;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (state)
        return !strncmp(state, "08", 2) || !strcmp(state, "57P01") ||
               !strcmp(state, "57P02") || !strcmp(state, "57P03");
    return !PQconsumeInput(s->conn) || PQstatus(s->conn) == CONNECTION_BAD;
}

/* The QH_E_* code of a failed result r (NULL: libpq had none to give),
 * and its message in err. */
static int pg_fail(struct qh_store_be *s, const PGresult *r, const char *what,
                   char *err, size_t errlen)
{
    if (conn_lost(s, r))
        return lost(s, r, what, err, errlen);
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *prim = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char msg[512];
    first_line(prim ? prim : r ? PQresultErrorMessage(r) : PQerrorMessage(s->conn),
               msg, sizeof msg);
    if (!state)
        return qh_err(err, errlen, r ? QH_E_DB : QH_E_NOMEM, "%s: %s", what,
                      msg[0] ? msg : "out of memory");
    if (!strcmp(state, "55P03") || !strcmp(state, "40P01"))
        return qh_err(err, errlen, QH_E_BUSY,
                      QH_TR(s->lang, "%s：数据库正忙（等锁超过 %d 毫秒）",
                            "%s: the database is busy (waited over %d ms for a lock)"),
                      what, s->busy_ms);
    if (!strcmp(state, "23505"))
        return qh_err(err, errlen, QH_E_EXISTS, "%s: %s", what, msg);
    /* A role of assets/postgresql-roles.sql refused (a privilege, a row
     * policy, the staff trigger): the database is there and answers, so
     * not QH_E_DB, which a kiosk takes for an outage and pauses on (its
     * admin screen, under the kiosk role, would stop the issuing). */
    if (!strcmp(state, "42501"))
        return qh_err(err, errlen, QH_E_STATE,
                      QH_TR(s->lang, "数据库账号无权执行此操作：%s（%s）",
                            "the database account may not do this: %s (%s)"),
                      what, msg);
    if (!strcmp(state, "XX001") || !strcmp(state, "XX002"))
        return qh_err(err, errlen, QH_E_CORRUPT,
                      QH_TR(s->lang, "数据库 %s 已损坏，请停用并从备份恢复（%s）",
                            "the database %s is damaged: stop using it and restore"
                            " a backup (%s)"), s->label, msg);
    return qh_err(err, errlen, QH_E_DB, "%s: %s", what, msg);
}

static int result_ok(const PGresult *r)
{
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

/* ---- the connection ---- */

/* Notices (CREATE ... IF NOT EXISTS skipping one) are no one's business:
 * a library does not print. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* What the connection needs beyond the URI, set again after a reset:
 * who we are (pg_stat_activity, `qhall status`), how long a lock may be
 * waited for, no statement timeout, and read-only for READONLY.  Measures
 * the clock's offset to the server's on the way. */
static int session_setup(struct qh_store_be *s, char *err, size_t errlen)
{
    static const char *const rw =
        "SELECT set_config('application_name', $1, false),"
        " set_config('lock_timeout', $2, false),"
        " set_config('statement_timeout', '0', false),"
        " (extract(epoch FROM clock_timestamp()) * 1000)::bigint";
    static const char *const ro =
        "SELECT set_config('application_name', $1, false),"
        " set_config('lock_timeout', $2, false),"
        " set_config('statement_timeout', '0', false),"
        " (extract(epoch FROM clock_timestamp()) * 1000)::bigint,"
        " set_config('default_transaction_read_only', 'on', false)";
    char lock[24];
    snprintf(lock, sizeof lock, "%d", s->busy_ms);
    const char *vals[2] = {s->actor, lock};
    int64_t t0 = mono_ms();
    PGresult *r = PQexecParams(s->conn, (s->flags & QH_STORE_READONLY) ? ro : rw,
                               2, NULL, vals, NULL, NULL, 0);
    int64_t t1 = mono_ms();
    int rc = 0;
    if (!result_ok(r) || PQntuples(r) != 1) {
        rc = pg_fail(s, r, s->label, err, errlen);
    } else {
        s->rtt_half = (t1 - t0) / 2;
        s->offset = qh_pg_int(r, 0, 3) - (t0 + t1) / 2;
        s->actor_dirty = 0;
    }
    PQclear(r);
    return rc;
}

/* The connection lost: reset it once (0) or fail (< 0).  Every statement
 * is to be prepared again on the new session. */
static int reconnect(struct qh_store_be *s)
{
    PQreset(s->conn);
    if (PQstatus(s->conn) != CONNECTION_OK)
        return QH_E_IO;
    s->gen++;
    s->broken = 0;
    s->in_tx = s->in_read = 0;
    return session_setup(s, NULL, 0);
}

static int in_any_tx(const struct qh_store_be *s)
{
    return s->in_tx || s->in_read ||
           (!s->broken && (PQtransactionStatus(s->conn) == PQTRANS_INTRANS ||
                           PQtransactionStatus(s->conn) == PQTRANS_INERROR));
}

/* The connection is to be reset before the next statement. */
static int needs_reset(const struct qh_store_be *s)
{
    return s->broken || PQstatus(s->conn) == CONNECTION_BAD;
}

/* The statement of sql, added if new (NULL: out of memory). */
static struct stmt *stmt_of(struct qh_store_be *s, const char *sql)
{
    if (2 * (s->nstmts + 1) > s->capstmts) {
        int cap = s->capstmts ? 2 * s->capstmts : 128;
        struct stmt *t = calloc((size_t)cap, sizeof *t);
        if (!t)
            return NULL;
        for (int i = 0; i < s->capstmts; i++) {
            if (!s->stmts[i].sql)
                continue;
            size_t h = ((uintptr_t)s->stmts[i].sql >> 3) & (size_t)(cap - 1);
            while (t[h].sql)
                h = (h + 1) & (size_t)(cap - 1);
            t[h] = s->stmts[i];
        }
        free(s->stmts);
        s->stmts = t;
        s->capstmts = cap;
    }
    size_t h = ((uintptr_t)sql >> 3) & (size_t)(s->capstmts - 1);
    while (s->stmts[h].sql && s->stmts[h].sql != sql)
        h = (h + 1) & (size_t)(s->capstmts - 1);
    if (!s->stmts[h].sql) {
        s->stmts[h].sql = sql;
        s->stmts[h].id = s->nextid++;
        s->stmts[h].gen = 0;
        s->nstmts++;
    }
    return &s->stmts[h];
}

static void cut(struct qh_store_be *s);

/* A fault for the tests (QHALL_TEST_FAULT=cut_at:N, never set in a
 * hall): the connection cut just before the Nth statement after a write
 * transaction's BEGIN goes out, COMMIT the last (past it, nothing
 * happens): the line lost between any two statements.  (Cut before
 * BEGIN, nothing was sent: the statement runs on a new connection.) */
static void test_cut(struct qh_store_be *s)
{
    if (s->cut_at && s->in_tx && ++s->tx_stmts == s->cut_at)
        cut(s);
}

/* Prepare if need be, and run: the result, whatever its status (NULL
 * when libpq gives none). */
static PGresult *run(struct qh_store_be *s, const char *sql, int n,
                     const char *const *vals)
{
    struct stmt *st = stmt_of(s, sql);
    char name[16];
    if (!st)
        return NULL;
    test_cut(s);
    snprintf(name, sizeof name, "q%d", st->id);
    if (st->gen != s->gen) {
        PGresult *p = PQprepare(s->conn, name, sql, 0, NULL);
        if (!p || PQresultStatus(p) != PGRES_COMMAND_OK)
            return p;
        PQclear(p);
        st->gen = s->gen;
    }
    return PQexecPrepared(s->conn, name, n, vals, NULL, NULL, 0);
}

PGresult *qh_pg_exec(struct qh_store_be *s, const char *sql, int n,
                     const char *const *vals, int *rc, const char *what,
                     char *err, size_t errlen)
{
    int dummy;
    if (!rc)
        rc = &dummy;
    *rc = 0;
    if (!err) {
        err = s->last_err;
        errlen = sizeof s->last_err;
    }
    /* Outside a transaction, a connection found lost is reset once: the
     * statement runs on the new one, or on none. */
    int retry = !in_any_tx(s);
    if (needs_reset(s) && retry) {
        retry = 0;
        if (reconnect(s) < 0) {
            *rc = lost(s, NULL, what, err, errlen);
            return NULL;
        }
    }
    for (;;) {
        PGresult *r = run(s, sql, n, vals);
        if (result_ok(r))
            return r;
        if (retry && conn_lost(s, r)) {
            PQclear(r);
            retry = 0;
            if (reconnect(s) == 0)
                continue;
            *rc = lost(s, NULL, what, err, errlen);
            return NULL;
        }
        *rc = pg_fail(s, r, what, err, errlen);
        PQclear(r);
        return NULL;
    }
}

/* A statement of the simple protocol (BEGIN, COMMIT, several in one
 * round trip: the result of the last), reset and tried again like
 * qh_pg_exec when the connection was lost outside a transaction. */
static PGresult *simple(struct qh_store_be *s, const char *q, int *rc,
                        const char *what, char *err, size_t errlen)
{
    int retry = !in_any_tx(s);
    *rc = 0;
    if (!err) {
        err = s->last_err;
        errlen = sizeof s->last_err;
    }
    if (needs_reset(s) && retry) {
        retry = 0;
        if (reconnect(s) < 0) {
            *rc = lost(s, NULL, what, err, errlen);
            return NULL;
        }
    }
    for (;;) {
        test_cut(s);
        PGresult *r = PQexec(s->conn, q);
        if (result_ok(r))
            return r;
        if (retry && conn_lost(s, r)) {
            PQclear(r);
            retry = 0;
            if (reconnect(s) == 0)
                continue;
            *rc = lost(s, NULL, what, err, errlen);
            return NULL;
        }
        *rc = pg_fail(s, r, what, err, errlen);
        PQclear(r);
        return NULL;
    }
}

/* A statement whose rows (if any) do not matter: 0 or < 0, and the rows
 * it changed into *changed (may be NULL). */
int qh_pg_cmd(struct qh_store_be *s, const char *sql, const struct qh_pg_args *a,
                    int64_t *changed, const char *what, char *err, size_t errlen)
{
    int rc;
    PGresult *r = qh_pg_exec(s, sql, a ? a->n : 0, a ? a->v : NULL, &rc, what,
                             err, errlen);
    if (!r)
        return rc;
    if (changed)
        *changed = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return 0;
}

/* First column of the first row as an integer into *out, def when there
 * is no row or it is NULL: 0, or the failure (never taken for "none"). */
int qh_pg_scalar(struct qh_store_be *s, const char *sql, const struct qh_pg_args *a,
                  int64_t def, int64_t *out, const char *what, char *err,
                  size_t errlen)
{
    int rc;
    PGresult *r = qh_pg_exec(s, sql, a ? a->n : 0, a ? a->v : NULL, &rc, what,
                             err, errlen);
    *out = def;
    if (!r)
        return rc;
    if (PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
        *out = qh_pg_int(r, 0, 0);
    PQclear(r);
    return 0;
}

/* A count read by scalar: the count, or < 0. */
int qh_pg_count(struct qh_store_be *s, const char *sql, const struct qh_pg_args *a,
                    const char *what)
{
    int64_t n;
    int rc = qh_pg_scalar(s, sql, a, 0, &n, what, NULL, 0);
    return rc < 0 ? rc : (int)n;
}

/* At most one row, read with fn: 0, QH_E_NOTFOUND, or the failure. */
int qh_pg_one(struct qh_store_be *s, const char *sql, const struct qh_pg_args *a,
                   void (*fn)(const PGresult *, int, void *), void *out,
                   const char *what)
{
    int rc;
    PGresult *r = qh_pg_exec(s, sql, a->n, a->v, &rc, what, NULL, 0);
    if (!r)
        return rc;
    rc = QH_E_NOTFOUND;
    if (PQntuples(r) > 0) {
        fn(r, 0, out);
        rc = 0;
    }
    PQclear(r);
    return rc;
}

/* ---- open and close ---- */

/* Connect with the URI; dbname, if set, names another database of the
 * same server (the one to create ours from). */
static PGconn *connect_to(const struct qh_store_be *s, const char *dbname)
{
    /* The URI's own connect_timeout wins (it comes after); ours is only
     * there so that a server that does not answer is not waited for
     * forever.  Text is UTF-8 whatever the URI says. */
    const char *keys[6], *vals[6];
    int n = 0;
    keys[n] = "connect_timeout";
    vals[n++] = "10";
    keys[n] = "dbname";
    vals[n++] = s->name;
    if (dbname) {
        keys[n] = "dbname";         /* only the first is read as a URI */
        vals[n++] = dbname;
    }
    keys[n] = "client_encoding";
    vals[n++] = "UTF8";
    keys[n] = "fallback_application_name";
    vals[n++] = "qhall";
    keys[n] = vals[n] = NULL;
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (c)
        PQsetNoticeProcessor(c, quiet, NULL);
    return c;
}

/* user@host:port/db of the connection c tried, for messages: never the
 * password. */
static void label_of(PGconn *c, char *out, size_t n)
{
    const char *host = PQhost(c), *port = PQport(c), *db = PQdb(c), *user = PQuser(c);
    snprintf(out, n, "%s@%s%s%s/%s", user ? user : "", host && *host ? host : "localhost",
             port && *port ? ":" : "", port ? port : "", db ? db : "");
}

/* The name as path() gives it: as given, unless it holds a password. */
static char *shown_name(const char *name, PQconninfoOption *opts)
{
    const char *host = NULL, *port = NULL, *db = NULL, *user = NULL;
    int secret = 0;
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (!o->val)
            continue;
        if (!strcmp(o->keyword, "password"))
            secret = 1;
        else if (!strcmp(o->keyword, "host"))
            host = o->val;
        else if (!strcmp(o->keyword, "port"))
            port = o->val;
        else if (!strcmp(o->keyword, "dbname"))
            db = o->val;
        else if (!strcmp(o->keyword, "user"))
            user = o->val;
    }
    if (!secret)
        return strdup(name);
    struct qh_buf b;
    qh_buf_init(&b);
    qh_buf_printf(&b, "postgresql://%s%s%s/%s", user ? user : "", user ? "@" : "",
                  host && host[0] != '/' ? host : "", db ? db : "");
    if (port || (host && host[0] == '/'))
        qh_buf_printf(&b, "?%s%s%s%s%s", host && host[0] == '/' ? "host=" : "",
                      host && host[0] == '/' ? host : "",
                      port && host && host[0] == '/' ? "&" : "", port ? "port=" : "",
                      port ? port : "");
    char *out = b.oom ? NULL : strdup(qh_buf_str(&b));
    qh_buf_fini(&b);
    return out;
}

/* After a failed connection: 1 if the server answers and has no database
 * by the name we asked for (SQLSTATE 3D000, which libpq tells only in
 * words), 0 if it cannot tell or the database is there. */
static int db_missing(const struct qh_store_be *s, const char *dbname)
{
    PGconn *m = connect_to(s, "postgres");
    int missing = 0;
    if (m && PQstatus(m) == CONNECTION_OK) {
        const char *v[1] = {dbname};
        PGresult *r = PQexecParams(m, "SELECT 1 FROM pg_database WHERE datname = $1",
                                   1, NULL, v, NULL, NULL, 0);
        missing = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 0;
        PQclear(r);
    }
    PQfinish(m);
    return missing;
}

/* CREATE DATABASE dbname, through the server's postgres database: 0 (or
 * someone else made it meanwhile), or < 0 saying what to do. */
static int db_create(struct qh_store_be *s, const char *dbname, char *err,
                     size_t errlen)
{
    PGconn *m = connect_to(s, "postgres");
    int rc = 0;
    char why[256];
    if (!m || PQstatus(m) != CONNECTION_OK) {
        first_line(m ? PQerrorMessage(m) : "out of memory", why, sizeof why);
        PQfinish(m);
        return qh_err(err, errlen, QH_E_IO,
                      QH_TR(s->lang, "无法连接数据库服务器 %s：%s",
                            "cannot connect to the database server %s: %s"),
                      s->label, why);
    }
    char *id = PQescapeIdentifier(m, dbname, strlen(dbname));
    struct qh_buf q;
    qh_buf_init(&q);
    qh_buf_printf(&q, "CREATE DATABASE %s", id ? id : "\"\"");
    PQfreemem(id);
    PGresult *r = PQexec(m, qh_buf_str(&q));
    qh_buf_fini(&q);
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    /* Another program may be making it at the same instant: it is then
     * there (42P04), or being made (23505, once it is). */
    if (PQresultStatus(r) != PGRES_COMMAND_OK &&
        !(state && (!strcmp(state, "42P04") || !strcmp(state, "23505")))) {
        const char *prim = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
        first_line(prim ? prim : PQerrorMessage(m), why, sizeof why);
        const char *user = PQuser(m);
        if (state && !strcmp(state, "42501"))
            rc = qh_err(err, errlen, QH_E_DB,
                        QH_TR(s->lang, "%s：没有这个数据库，也无权创建（%s）；"
                              "请让数据库管理员运行 createdb -O %s %s",
                              "%s: no such database, and not allowed to create it (%s):"
                              " have the database administrator run createdb -O %s %s"),
                        s->label, why, user ? user : "USER", dbname);
        else
            rc = qh_err(err, errlen, QH_E_DB,
                        QH_TR(s->lang, "%s：无法创建数据库（%s）",
                              "%s: cannot create the database (%s)"), s->label, why);
    }
    PQclear(r);
    PQfinish(m);
    return rc;
}

/* The schema's version: -1 when the database holds no qhall tables at
 * all (and none of anyone else's), else what schema_version says. */
static int schema_version(struct qh_store_be *s, int *version, char *err,
                          size_t errlen)
{
    static const char *const q_has =
        "SELECT to_regclass('schema_version') IS NOT NULL,"
        " EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema())";
    static const char *const q_version =
        "SELECT coalesce(max(version), 0) FROM schema_version";
    int rc;
    int64_t v;
    PGresult *r = qh_pg_exec(s, q_has, 0, NULL, &rc, "schema", err, errlen);
    if (!r)
        return rc;
    int has = PQgetvalue(r, 0, 0)[0] == 't', other = PQgetvalue(r, 0, 1)[0] == 't';
    PQclear(r);
    if (!has && other)
        return qh_err(err, errlen, QH_E_DB,
                      QH_TR(s->lang, "%s：不是 qhall 的数据库（有别的表，没有 schema_version）",
                            "%s: not a qhall database (it has tables, but no schema_version)"),
                      s->label);
    if (!has) {
        *version = -1;
        return 0;
    }
    if ((rc = qh_pg_scalar(s, q_version, NULL, 0, &v, "schema", err, errlen)) < 0)
        return rc;
    *version = (int)v;
    return 0;
}

static int newer(struct qh_store_be *s, int version, char *err, size_t errlen)
{
    return qh_store_err_newer(s->lang, s->label, version, qh_pg_nmigrations, err, errlen);
}

/* Each migration in its own transaction under the writer's lock, the
 * version read again once the lock is ours: two programs starting on a
 * new database at once cannot both create it. */
static int migrate(struct qh_store_be *s, char *err, size_t errlen)
{
    static const char *const q_step =
        "BEGIN ISOLATION LEVEL READ COMMITTED;"
        " SELECT pg_advisory_xact_lock(" QH_PG_STR(QH_PG_WRITE_LOCK) ");"
        " CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL);"
        " INSERT INTO schema_version SELECT 0"
        "  WHERE NOT EXISTS (SELECT 1 FROM schema_version);"
        " SELECT max(version) FROM schema_version";
    for (;;) {
        int version, rc;
        if ((rc = schema_version(s, &version, err, errlen)) < 0)
            return rc;
        if (version > qh_pg_nmigrations)
            return newer(s, version, err, errlen);
        if (version == qh_pg_nmigrations)
            return 0;
        PGresult *r = simple(s, q_step, &rc, "schema", err, errlen);
        if (!r)
            goto fail;
        version = (int)qh_pg_int(r, 0, 0);
        PQclear(r);
        if (version > qh_pg_nmigrations) {
            rc = newer(s, version, err, errlen);
            goto fail;
        }
        if (version < qh_pg_nmigrations) {
            char set[96];
            if (!(r = simple(s, qh_pg_migrations[version], &rc, "schema migration",
                             err, errlen)))
                goto fail;
            PQclear(r);
            snprintf(set, sizeof set, "UPDATE schema_version SET version = %d",
                     version + 1);
            if (!(r = simple(s, set, &rc, "schema migration", err, errlen)))
                goto fail;
            PQclear(r);
        }
        if (!(r = simple(s, "COMMIT", &rc, "schema commit", err, errlen)))
            goto fail;
        int committed = !strcmp(PQcmdStatus(r), "COMMIT");
        PQclear(r);
        if (!committed) {
            rc = qh_err(err, errlen, QH_E_DB, "%s: schema migration %d rolled back",
                        s->label, version + 1);
            goto fail;
        }
        continue;
fail:
        if (!needs_reset(s))
            PQclear(PQexec(s->conn, "ROLLBACK"));
        return rc;
    }
}

/* The database is set up to our version, or says why not; READONLY and
 * EXISTING never create a schema, and READONLY never upgrades one. */
static int schema_ready(struct qh_store_be *s, char *err, size_t errlen)
{
    int version, rc;
    if ((rc = schema_version(s, &version, err, errlen)) < 0)
        return rc;
    if (version > qh_pg_nmigrations)
        return newer(s, version, err, errlen);
    if (version <= 0 && (s->flags & (QH_STORE_READONLY | QH_STORE_EXISTING)))
        return qh_err(err, errlen, QH_E_NOTFOUND, "%s: %s", s->label,
                      QH_TR(s->lang, "数据库尚未初始化（请运行 qhall init）",
                            "the database is not set up yet (run qhall init)"));
    if (version < qh_pg_nmigrations && (s->flags & QH_STORE_READONLY))
        return qh_err(err, errlen, QH_E_DB,
                      QH_TR(s->lang,
                            "%s：数据库结构为第 %d 版，本程序为第 %d 版；检查只读不写，"
                            "请先运行一次 qhall status 完成升级，再检查",
                            "%s: schema version %d, this qhall uses %d; check only reads:"
                            " run qhall status once to upgrade it, then check"),
                      s->label, version, qh_pg_nmigrations);
    if (version == qh_pg_nmigrations)
        return 0;
    return migrate(s, err, errlen);
}

int qh_pg_open(struct qh_store_be **out, const char *name, int flags,
               char *err, size_t errlen)
{
    int rc = 0;
    char why[256], *msg = NULL;
    *out = NULL;
    struct qh_store_be *s = calloc(1, sizeof *s);
    if (!s || !(s->name = strdup(name))) {
        free(s);
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    }
    s->flags = flags;
    s->lang = (flags & QH_STORE_EN) ? QH_LANG_EN : QH_LANG_ZH;
    s->gen = 1;
    snprintf(s->actor, sizeof s->actor, "lib");
    s->busy_ms = qh_store_busy_default();
    PQconninfoOption *opts = PQconninfoParse(name, &msg);
    if (!opts) {
        first_line(msg ? msg : "out of memory", why, sizeof why);
        PQfreemem(msg);
        rc = qh_err(err, errlen, QH_E_USAGE, "%s: %s",
                    QH_TR(s->lang, "数据库连接串有误", "bad database connection URI"), why);
        goto fail;
    }
    s->shown = shown_name(name, opts);
    PQconninfoFree(opts);
    if (!s->shown) {
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        goto fail;
    }
    snprintf(s->label, sizeof s->label, "%s", s->shown);
    for (int tries = 0;; tries++) {
        s->conn = connect_to(s, NULL);
        if (!s->conn) {
            rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
            goto fail;
        }
        label_of(s->conn, s->label, sizeof s->label);
        if (!needs_reset(s))
            break;
        char db[128];
        snprintf(db, sizeof db, "%s", PQdb(s->conn) ? PQdb(s->conn) : "");
        first_line(PQerrorMessage(s->conn), why, sizeof why);
        if (tries > 0 || !db[0] || !db_missing(s, db)) {
            rc = qh_err(err, errlen, QH_E_IO,
                        QH_TR(s->lang, "无法连接数据库服务器 %s：%s",
                              "cannot connect to the database server %s: %s"),
                        s->label, why);
            goto fail;
        }
        /* Only a plain open makes a database: a screen or a check
         * pointed at the wrong name must leave nothing behind. */
        if (flags & (QH_STORE_READONLY | QH_STORE_EXISTING)) {
            rc = qh_err(err, errlen, QH_E_NOTFOUND, "%s: %s", s->label,
                        QH_TR(s->lang, "没有这个数据库", "no such database"));
            goto fail;
        }
        if ((rc = db_create(s, db, err, errlen)) < 0)
            goto fail;
        PQfinish(s->conn);
        s->conn = NULL;
    }
    if ((rc = session_setup(s, err, errlen)) < 0)
        goto fail;
    if (flags & QH_STORE_PROBE) {
        if ((rc = schema_version(s, &s->probe_version, err, errlen)) < 0)
            goto fail;
        *out = s;
        return 0;
    }
    if ((rc = schema_ready(s, err, errlen)) < 0 ||
        (rc = qh_pg_hall_reload(s, err, errlen)) < 0)
        goto fail;
    *out = s;
    return 0;
fail:
    qh_pg_close(s);
    return rc;
}

int qh_pg_probe(const char *name, enum qh_lang lang, struct qh_db_probe *out,
                char *err, size_t errlen)
{
    struct qh_store_be *s;
    int rc = qh_pg_open(&s, name, QH_STORE_PROBE | QH_STORE_READONLY | QH_STORE_EXISTING |
                                      (lang == QH_LANG_EN ? QH_STORE_EN : 0), err, errlen);
    if (rc < 0)
        return rc;
    out->server = 1;
    out->version = s->probe_version < 0 ? 0 : s->probe_version;
    out->latest = qh_pg_nmigrations;
    out->integrity = 1;             /* the server keeps its own files */
    out->clock_offset_ms = mono_ms() + s->offset - clock_ms(CLOCK_REALTIME);
    qh_pg_close(s);
    return 0;
}

void qh_pg_close(struct qh_store_be *s)
{
    if (!s)
        return;
    if (s->rows_fini)
        s->rows_fini(s->rows);
    PQfinish(s->conn);
    free(s->stmts);
    free(s->name);
    free(s->shown);
    free(s);
}

const char *qh_pg_path(const struct qh_store_be *s)
{
    return s->shown;
}

int64_t qh_pg_now(struct qh_store_be *s)
{
    int64_t at;
    if (qh_clock_fixed(&at))
        return at;
    return mono_ms() + s->offset;
}

void qh_pg_set_lang(struct qh_store_be *s, enum qh_lang lang)
{
    s->lang = lang;
}

/* application_name follows the actor, lock_timeout the busy timeout;
 * inside a transaction a SET would go with a rollback, so it waits for
 * the transaction's end. */
static void actor_apply(struct qh_store_be *s)
{
    static const char *const q = "SELECT set_config('application_name', $1, false),"
                                 " set_config('lock_timeout', $2, false)";
    if (!s->actor_dirty || in_any_tx(s) || needs_reset(s))
        return;
    struct qh_pg_args a = {0};
    a_str(&a, s->actor);
    a_int(&a, s->busy_ms);
    if (qh_pg_cmd(s, q, &a, NULL, "actor", NULL, 0) == 0)
        s->actor_dirty = 0;
}

void qh_pg_set_actor(struct qh_store_be *s, const char *actor)
{
    snprintf(s->actor, sizeof s->actor, "%s", actor ? actor : "");
    s->actor_dirty = 1;
    actor_apply(s);
}

const char *qh_pg_actor(const struct qh_store_be *s)
{
    return s->actor;
}

void qh_pg_set_busy(struct qh_store_be *s, int ms)
{
    s->busy_ms = ms;
    s->actor_dirty = 1;
    actor_apply(s);
}

int qh_pg_busy(const struct qh_store_be *s)
{
    return s->busy_ms;
}

/* ---- transactions ---- */

void qh_pg_rollback(struct qh_store_be *s)
{
    if (!s)
        return;
    s->in_tx = s->in_read = 0;
    s->tx_event = 0;
    if (!needs_reset(s) &&
        PQtransactionStatus(s->conn) != PQTRANS_IDLE)
        PQclear(PQexec(s->conn, "ROLLBACK"));
    actor_apply(s);
}

int qh_pg_begin(struct qh_store_be *s, char *err, size_t errlen)
{
    /* The settings in a statement after the lock's: under READ COMMITTED
     * each statement sees what committed before it began, and the lock's
     * own began before the writer before us let go. */
    static const char *const q_write =
        "BEGIN ISOLATION LEVEL READ COMMITTED;"
        " SELECT pg_advisory_xact_lock(" QH_PG_STR(QH_PG_WRITE_LOCK) ");"
        " SELECT (SELECT value FROM setting WHERE key = 'hall_rev'),"
        " (SELECT value FROM setting WHERE key = 'day'),"
        " (extract(epoch FROM clock_timestamp()) * 1000)::bigint";
    /* A read-only connection writes nothing, so it holds off no writer. */
    static const char *const q_read =
        "BEGIN ISOLATION LEVEL READ COMMITTED;"
        " SELECT (SELECT value FROM setting WHERE key = 'hall_rev'),"
        " (SELECT value FROM setting WHERE key = 'day'),"
        " (extract(epoch FROM clock_timestamp()) * 1000)::bigint";
    int rc;
    if (in_any_tx(s))
        return qh_err(err, errlen, QH_E_STATE, "transaction already open");
    const char *f = getenv("QHALL_TEST_FAULT");
    s->cut_at = f && !strncmp(f, "cut_at:", 7) && !(s->flags & QH_STORE_READONLY)
                    ? atoi(f + 7) : 0;
    s->tx_stmts = 0;
    PGresult *r = simple(s, (s->flags & QH_STORE_READONLY) ? q_read : q_write, &rc,
                         "begin", err, errlen);
    int64_t t1 = mono_ms();
    if (!r || PQntuples(r) != 1) {
        if (r)
            rc = qh_err(err, errlen, QH_E_DB, "begin: no answer");
        PQclear(r);
        qh_pg_rollback(s);
        return rc;
    }
    s->in_tx = 1;
    s->tx_event = 0;
    request_id(s->request);
    char rev[sizeof s->hall_rev];
    qh_pg_text(r, 0, 0, rev, sizeof rev);
    qh_pg_text(r, 0, 1, s->day_tx, sizeof s->day_tx);
    /* The server read its clock once the lock was ours, at the end of
     * the wait: half a round trip before its answer came. */
    s->offset = qh_pg_int(r, 0, 2) - (t1 - s->rtt_half);
    PQclear(r);
    /* Another program may have set up the hall again since we loaded
     * it; inside the lock what we read is what we act on. */
    if (strcmp(rev, s->hall_rev) && (rc = qh_pg_hall_reload(s, err, errlen)) < 0) {
        qh_pg_rollback(s);
        return rc;
    }
    return 0;
}

/* A fault for the tests (QHALL_TEST_FAULT, never set in a hall): the
 * connection cut just before COMMIT is sent ("commit_before") or just
 * after, before its answer can be read ("commit_after"). */
static int fault(const char *what)
{
    const char *f = getenv("QHALL_TEST_FAULT");
    return f && !strcmp(f, what);
}

static void cut(struct qh_store_be *s)
{
    int fd = PQsocket(s->conn);
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
}

/* The commit was sent and its answer lost with the connection: whether it
 * took is not known here, and the citizen holding a slip (or the window
 * that called) must not be told wrong.  Each write transaction records
 * its request id with its changes, so on a new connection the answer is
 * read off the server: once the old session is surely gone (terminated,
 * if the server still runs it: a COMMIT it has read either took or never
 * will), the id is there or it is not.  1: it committed, 0: it did not,
 * < 0: the server cannot be asked (the outcome stays unknown). */
static int committed_after_all(struct qh_store_be *s, int old_pid)
{
    char pid[16];
    const char *v[1] = {pid};
    snprintf(pid, sizeof pid, "%d", old_pid);
    if (reconnect(s) < 0)
        return QH_E_IO;
    for (int i = 0; i < 100; i++) {
        PGresult *r = PQexecParams(s->conn,
                                   "SELECT pg_terminate_backend($1::int)"
                                   " FROM pg_stat_activity WHERE pid = $1::int",
                                   1, NULL, v, NULL, NULL, 0);
        int gone = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 0;
        int ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
        if (!ok)
            return QH_E_IO;
        if (gone)
            break;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    const char *id[1] = {s->request};
    PGresult *r = PQexecParams(s->conn, "SELECT 1 FROM request WHERE id = $1", 1,
                               NULL, id, NULL, NULL, 0);
    int rc = PQresultStatus(r) != PGRES_TUPLES_OK ? QH_E_IO : PQntuples(r) > 0;
    PQclear(r);
    return rc;
}

int qh_pg_commit(struct qh_store_be *s, char *err, size_t errlen)
{
    int rc;
    char q[256];
    if (!s->in_tx)
        return qh_err(err, errlen, QH_E_STATE, "no transaction open");
    if (s->flags & QH_STORE_READONLY)
        snprintf(q, sizeof q, "COMMIT");
    else if (s->tx_event)
        /* The request's id with the changes, and the change feed's
         * wake-up, delivered with the commit or not at all. */
        snprintf(q, sizeof q,
                 "INSERT INTO request(id, at) VALUES ('%s', %lld);"
                 " SELECT pg_notify('" QH_PG_CHANNEL "', '%lld'); COMMIT",
                 s->request, (long long)qh_pg_now(s), (long long)s->tx_event);
    else
        snprintf(q, sizeof q, "INSERT INTO request(id, at) VALUES ('%s', %lld);"
                 " COMMIT", s->request, (long long)qh_pg_now(s));
    int old_pid = PQbackendPID(s->conn);
    if (fault("commit_before"))
        cut(s);
    PGresult *r;
    if (fault("commit_after")) {
        /* Sent whole, then the line goes before the answer is read. */
        r = NULL;
        rc = PQsendQuery(s->conn, q) && PQflush(s->conn) == 0 ? 0 : QH_E_IO;
        if (rc == 0) {
            struct timespec ts = {0, 20 * 1000000L};
            nanosleep(&ts, NULL);
        }
        cut(s);
        while ((r = PQgetResult(s->conn)))
            PQclear(r);
        r = NULL;
        rc = lost(s, NULL, "commit", err, errlen);
    } else {
        r = simple(s, q, &rc, "commit", err, errlen);
    }
    if (r && strcmp(PQcmdStatus(r), "COMMIT"))
        rc = qh_err(err, errlen, QH_E_DB, "%s",
                    QH_TR(s->lang, "commit：事务已因先前的错误回滚",
                          "commit: the transaction was rolled back after an earlier error"));
    int ok = r && rc == 0;
    PQclear(r);
    if (!ok && rc == QH_E_IO && needs_reset(s)) {
        int took = committed_after_all(s, old_pid);
        if (took == 1) {
            ok = 1;
        } else {
            s->in_tx = 0;
            s->tx_event = 0;
            return took == 0
                ? qh_err(err, errlen, QH_E_IO, "%s",
                         QH_TR(s->lang, "与数据库服务器的连接在提交时断开：操作没有完成，可以再做一次",
                               "the connection to the database server was lost at commit: "
                               "nothing was done, it is safe to do it again"))
                : qh_err(err, errlen, QH_E_IO, "%s",
                         QH_TR(s->lang, "与数据库服务器的连接在提交时断开，暂时无法确认操作是否完成：请稍后查看后再操作",
                               "the connection to the database server was lost at commit and "
                               "the outcome cannot be read yet: look before doing it again"));
        }
    }
    if (!ok) {
        qh_pg_rollback(s);
        return rc;
    }
    s->in_tx = 0;
    /* Ids come from a sequence and are never given twice: the last one
     * committed names one event. */
    if (s->tx_event)
        s->committed_event = s->tx_event;
    s->tx_event = 0;
    actor_apply(s);
    return 0;
}

const char *qh_pg_errmsg(struct qh_store_be *s)
{
    return s->last_err;
}

int qh_pg_in_tx(const struct qh_store_be *s)
{
    return s->in_tx;
}

int64_t qh_pg_tx_event(const struct qh_store_be *s)
{
    return s->in_tx ? s->tx_event : 0;
}

int64_t qh_pg_committed_event(const struct qh_store_be *s)
{
    return s->committed_event;
}

int qh_pg_begin_read(struct qh_store_be *s, char *err, size_t errlen)
{
    int rc;
    if (in_any_tx(s))
        return qh_err(err, errlen, QH_E_STATE, "transaction already open");
    PGresult *r = simple(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &rc,
                         "begin", err, errlen);
    if (!r)
        return rc;
    PQclear(r);
    s->in_read = 1;
    return 0;
}

void qh_pg_end_read(struct qh_store_be *s)
{
    /* Not a write transaction's end: that is commit or rollback. */
    if (!s || s->in_tx || !s->in_read)
        return;
    s->in_read = 0;
    if (!needs_reset(s) &&
        PQtransactionStatus(s->conn) != PQTRANS_IDLE)
        PQclear(PQexec(s->conn, "COMMIT"));
    actor_apply(s);
}

/* ---- settings and hall ---- */

static const char Q_SETTING_GET[] = "SELECT value FROM setting WHERE key = $1";
static const char Q_SETTING_SET[] =
    "INSERT INTO setting(key, value) VALUES ($1, $2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
/* Many at once, from two arrays of keys and values; the last of a key
 * given twice wins, as one set after another would. */
static const char Q_SETTING_SET_MANY[] =
    "INSERT INTO setting(key, value) SELECT DISTINCT ON (k) k, v"
    " FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(k, v, i)"
    " ORDER BY k, i DESC ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char Q_SETTING_ALL[] =
    "SELECT key, value FROM setting ORDER BY key COLLATE \"C\"";
/* Item quotas are settings quota.<CODE>: a saved hall replaces all. */
static const char Q_QUOTA_CLEAR[] = "DELETE FROM setting WHERE key LIKE 'quota.%'";
static const char Q_QUEUE_CLEAR[] = "DELETE FROM queue";
/* A queue code's key is given once, the next free, and kept. */
static const char Q_QUEUE_INSERT[] =
    "WITH k AS (INSERT INTO queue_key(code, key)"
    " SELECT $1::text, coalesce(max(key), 0) + 1 FROM queue_key"
    " ON CONFLICT (code) DO NOTHING)"
    " INSERT INTO queue(code, name, name_en, prefix, class, daily_quota, pos)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char Q_QUEUE_ALL[] =
    "SELECT code, name, name_en, prefix, class, daily_quota,"
    " (SELECT key FROM queue_key k WHERE k.code = queue.code)"
    " FROM queue ORDER BY pos";
/* A window keeps its row (and login) across re-configuration;
 * configured = 0 marks one the hall no longer has. */
static const char Q_WIN_UNCONFIGURE[] = "UPDATE win SET configured = 0";
static const char Q_WIN_CLEAR_UNUSED[] = "DELETE FROM win WHERE configured = 0";
static const char Q_WIN_UPSERT_CONF[] =
    "INSERT INTO win(number, name, name_en, queues, overflow_minutes,"
    " configured) VALUES ($1, $2, $3, $4, $5, 1)"
    " ON CONFLICT (number) DO UPDATE SET name = excluded.name,"
    " name_en = excluded.name_en, queues = excluded.queues,"
    " overflow_minutes = excluded.overflow_minutes, configured = 1";
static const char Q_WIN_ALL[] =
    "SELECT number, name, name_en, queues, overflow_minutes"
    " FROM win WHERE configured = 1 ORDER BY number";
/* Anything at all in the database (migrations add no rows). */
static const char Q_BLANK[] =
    "SELECT NOT (EXISTS (SELECT 1 FROM setting) OR EXISTS (SELECT 1 FROM event)"
    " OR EXISTS (SELECT 1 FROM ticket) OR EXISTS (SELECT 1 FROM staff)"
    " OR EXISTS (SELECT 1 FROM service))";

/* 1 found (into out), 0 not, or the failure with its message. */
static int setting_read(struct qh_store_be *s, const char *key, char *out,
                        size_t outlen, char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    int rc;
    a_str(&a, key);
    PGresult *r = qh_pg_exec(s, Q_SETTING_GET, a.n, a.v, &rc, key, err, errlen);
    if (!r)
        return rc;
    int found = PQntuples(r) > 0;
    if (found)
        qh_pg_text(r, 0, 0, out, outlen);
    PQclear(r);
    return found;
}

int qh_pg_setting_get(struct qh_store_be *s, const char *key, char *out,
                      size_t outlen)
{
    return setting_read(s, key, out, outlen, NULL, 0);
}

int qh_pg_setting_set(struct qh_store_be *s, const char *key,
                      const char *val, char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    a_str(&a, key);
    a_str(&a, val);
    int rc = qh_pg_cmd(s, Q_SETTING_SET, &a, NULL, "setting", err, errlen);
    if (rc == 0 && !strcmp(key, "day"))
        snprintf(s->day_tx, sizeof s->day_tx, "%.10s", val ? val : "");
    return rc;
}

int qh_pg_day_behind(struct qh_store_be *s, const char *day)
{
    /* A write transaction read the setting as it began (qh_pg_begin). */
    if (s->in_tx)
        return strcmp(s->day_tx, day) < 0;
    char last[16] = "";
    int rc = qh_pg_setting_get(s, "day", last, sizeof last);
    return rc < 0 ? rc : strcmp(last, day) < 0;
}

int qh_pg_has_hall(struct qh_store_be *s)
{
    return s->has_hall;
}

int qh_pg_is_blank(struct qh_store_be *s, char *err, size_t errlen)
{
    int rc;
    PGresult *r = qh_pg_exec(s, Q_BLANK, 0, NULL, &rc, "database", err, errlen);
    if (!r)
        return rc;
    int blank = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return blank;
}

const struct qh_hall_conf *qh_pg_hall(struct qh_store_be *s)
{
    return &s->hall;
}

/* The hall as stored into c (and each queue's key into qkey, its revision
 * into rev): 1, 0 when there is none yet, or the first read that failed. */
static int hall_read(struct qh_store_be *s, struct qh_hall_conf *c, int *qkey,
                     char *rev, size_t revlen, char *err, size_t errlen)
{
    int rc, found = 0, n;
    qh_conf_defaults(c);
    PGresult *r = qh_pg_exec(s, Q_SETTING_ALL, 0, NULL, &rc, "settings", err, errlen);
    if (!r)
        return rc;
    n = PQntuples(r);
    for (int i = 0; i < n && !found; i++)
        if (!strcmp(PQgetvalue(r, i, 0), "hall_rev")) {
            qh_pg_text(r, i, 1, rev, revlen);
            found = 1;
        }
    if (!found) {
        PQclear(r);
        return 0;
    }
    /* Every plain setting through the one table (qh_conf_setting_*): a
     * key the database does not hold keeps its default. */
    c->nquotas = 0;
    for (int i = 0; i < n; i++) {
        const char *key = PQgetvalue(r, i, 0), *v = PQgetvalue(r, i, 1);
        if (!strncmp(key, "quota.", 6)) {
            if (c->nquotas < QH_MAX_QUOTAS) {
                struct qh_item_quota *q = &c->quotas[c->nquotas++];
                snprintf(q->code, sizeof q->code, "%s", key + 6);
                q->quota = atoi(v);
            }
            continue;
        }
        for (int k = 0; k < qh_conf_setting_count(); k++)
            if (!strcmp(key, qh_conf_setting_key(k))) {
                qh_conf_setting_set(c, k, v);
                break;
            }
    }
    PQclear(r);
    if (!(r = qh_pg_exec(s, Q_QUEUE_ALL, 0, NULL, &rc, "queues", err, errlen)))
        return rc;
    c->nqueues = 0;
    for (int i = 0; i < PQntuples(r) && c->nqueues < QH_MAX_QUEUES; i++) {
        struct qh_queue_conf *q = &c->queues[c->nqueues++];
        qh_pg_text(r, i, 0, q->code, sizeof q->code);
        qh_pg_text(r, i, 1, q->name, sizeof q->name);
        qh_pg_text(r, i, 2, q->name_en, sizeof q->name_en);
        qh_pg_text(r, i, 3, q->prefix, sizeof q->prefix);
        q->klass = PQgetvalue(r, i, 4)[0];
        q->daily_quota = (int)qh_pg_int(r, i, 5);
        qkey[c->nqueues - 1] = (int)qh_pg_int(r, i, 6);
    }
    PQclear(r);
    if (!(r = qh_pg_exec(s, Q_WIN_ALL, 0, NULL, &rc, "windows", err, errlen)))
        return rc;
    c->nwindows = 0;
    for (int i = 0; i < PQntuples(r) && c->nwindows < QH_MAX_WINDOWS; i++) {
        struct qh_window_conf *w = &c->windows[c->nwindows++];
        char v[QH_CONF_SETTING_MAX], *save = NULL;
        w->number = (int)qh_pg_int(r, i, 0);
        qh_pg_text(r, i, 1, w->name, sizeof w->name);
        qh_pg_text(r, i, 2, w->name_en, sizeof w->name_en);
        qh_pg_text(r, i, 3, v, sizeof v);
        w->nqueues = 0;
        for (char *tok = strtok_r(v, ",", &save); tok && w->nqueues < QH_MAX_QUEUES;
             tok = strtok_r(NULL, ",", &save))
            snprintf(w->queues[w->nqueues++], QH_CODE_LEN, "%s", tok);
        w->overflow_minutes = (int)qh_pg_int(r, i, 4);
    }
    PQclear(r);
    return 1;
}

int qh_pg_hall_reload(struct qh_store_be *s, char *err, size_t errlen)
{
    /* Settings, queues and windows of one hall: read in one transaction
     * (the caller's, or one of our own), never half of one `init` and
     * half of the next.  On failure the hall loaded before stays, and
     * hall_rev with it, so the next transaction tries again. */
    struct qh_hall_conf *c = malloc(sizeof *c);
    int qkey[QH_MAX_QUEUES] = {0}, own = !in_any_tx(s), rc;
    char rev[sizeof s->hall_rev] = "";
    if (!c)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    if (own && (rc = qh_pg_begin_read(s, err, errlen)) < 0)
        goto out;
    rc = hall_read(s, c, qkey, rev, sizeof rev, err, errlen);
    if (own)
        qh_pg_end_read(s);
    if (rc < 0)
        goto out;
    s->hall = *c;
    memcpy(s->qkey, qkey, sizeof s->qkey);
    snprintf(s->hall_rev, sizeof s->hall_rev, "%s", rev);
    s->has_hall = rc > 0 && c->nqueues > 0;
    rc = 0;
out:
    free(c);
    return rc;
}

/* One more element of a text array literal ({"a","b"}) in b. */
static void array_add(struct qh_buf *b, const char *v)
{
    qh_buf_puts(b, b->len ? ",\"" : "{\"");
    for (const char *p = v; *p; p++) {
        if (*p == '"' || *p == '\\')
            qh_buf_add(b, "\\", 1);
        qh_buf_add(b, p, 1);
    }
    qh_buf_puts(b, "\"");
}

static void array_end(struct qh_buf *b)
{
    qh_buf_puts(b, b->len ? "}" : "{}");
}

int qh_pg_hall_save(struct qh_store_be *s, const struct qh_hall_conf *c,
                    char *err, size_t errlen)
{
    int rc;
    char v[QH_CONF_SETTING_MAX];
    struct qh_buf keys, vals, b;
    qh_buf_init(&keys);
    qh_buf_init(&vals);
    qh_buf_init(&b);
    /* Every setting and item quota in one statement: a hall has dozens. */
    if ((rc = qh_pg_cmd(s, Q_QUOTA_CLEAR, NULL, NULL, "quota", err, errlen)) < 0)
        goto out;
    for (int i = 0; i < qh_conf_setting_count(); i++) {
        qh_conf_setting_get(c, i, v, sizeof v);
        array_add(&keys, qh_conf_setting_key(i));
        array_add(&vals, v);
    }
    for (int i = 0; i < c->nquotas && i < QH_MAX_QUOTAS; i++) {
        snprintf(v, sizeof v, "quota.%s", c->quotas[i].code);
        array_add(&keys, v);
        snprintf(v, sizeof v, "%d", c->quotas[i].quota);
        array_add(&vals, v);
    }
    array_end(&keys);
    array_end(&vals);
    if (keys.oom || vals.oom) {
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        goto out;
    }
    {
        struct qh_pg_args a = {0};
        a_str(&a, qh_buf_str(&keys));
        a_str(&a, qh_buf_str(&vals));
        if ((rc = qh_pg_cmd(s, Q_SETTING_SET_MANY, &a, NULL, "setting", err, errlen)) < 0)
            goto out;
    }
    if ((rc = qh_pg_cmd(s, Q_QUEUE_CLEAR, NULL, NULL, "queues", err, errlen)) < 0)
        goto out;
    for (int i = 0; i < c->nqueues; i++) {
        const struct qh_queue_conf *q = &c->queues[i];
        char k[2] = {q->klass, 0};
        struct qh_pg_args a = {0};
        a_str(&a, q->code);
        a_str(&a, q->name);
        a_str(&a, q->name_en);
        a_str(&a, q->prefix);
        a_str(&a, k);
        a_int(&a, q->daily_quota);
        a_int(&a, i);
        if ((rc = qh_pg_cmd(s, Q_QUEUE_INSERT, &a, NULL, "queue", err, errlen)) < 0)
            goto out;
    }
    /* Mark all windows unconfigured, then upsert the configured ones:
     * a window that stays keeps its login and pause. */
    if ((rc = qh_pg_cmd(s, Q_WIN_UNCONFIGURE, NULL, NULL, "window", err, errlen)) < 0)
        goto out;
    for (int i = 0; i < c->nwindows; i++) {
        const struct qh_window_conf *w = &c->windows[i];
        struct qh_pg_args a = {0};
        qh_buf_reset(&b);
        for (int j = 0; j < w->nqueues; j++)
            qh_buf_printf(&b, "%s%s", j ? "," : "", w->queues[j]);
        a_int(&a, w->number);
        a_str(&a, w->name);
        a_str(&a, w->name_en);
        a_str(&a, qh_buf_str(&b));
        a_int(&a, w->overflow_minutes);
        if ((rc = qh_pg_cmd(s, Q_WIN_UPSERT_CONF, &a, NULL, "window", err, errlen)) < 0)
            goto out;
    }
    if ((rc = qh_pg_cmd(s, Q_WIN_CLEAR_UNUSED, NULL, NULL, "window", err, errlen)) < 0)
        goto out;
    {
        char rev[32] = "";
        if ((rc = setting_read(s, "hall_rev", rev, sizeof rev, err, errlen)) < 0)
            goto out;
        snprintf(v, sizeof v, "%d", atoi(rev) + 1);
        if ((rc = qh_pg_setting_set(s, "hall_rev", v, err, errlen)) < 0)
            goto out;
    }
    rc = qh_pg_hall_reload(s, err, errlen);
out:
    qh_buf_fini(&keys);
    qh_buf_fini(&vals);
    qh_buf_fini(&b);
    return rc;
}

/* ---- maintenance ---- */

int qh_pg_checkpoint(struct qh_store_be *s, int truncate, char *err,
                     size_t errlen)
{
    /* The server folds its own log. */
    (void)s;
    (void)truncate;
    (void)err;
    (void)errlen;
    return 0;
}
