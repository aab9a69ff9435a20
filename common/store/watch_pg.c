/* watch_pg.c: the change feed of the PostgreSQL backend (qh/watch.h).
 *
 * Every commit that wrote an event NOTIFYs QH_PG_CHANNEL (payload: its
 * last event id).  A notification is only a wake-up: it is delivered at
 * commit to the sessions listening then, never replayed, and libpq may
 * have read it already during another query.  The events table is the
 * truth, so each read fetches the events after the last one delivered,
 * by id, whether a notification came or not: after a fallback timeout,
 * for this handle's own commits, after a reconnect.  LISTEN comes before
 * the first fetch, so a commit is either in the log that fetch reads or
 * announced after it: none missed, none twice.
 *
 * We listen on the store handle's own connection (one per program, and
 * the fd the program polls is its socket): a second connection would be
 * a second session to keep alive and to lose separately for no gain,
 * since notifications reach a session only between its transactions
 * either way.  What that costs is handled here:
 * - libpq keeps the notifications that come in while the store runs a
 *   query in its queue, where the socket no longer shows them: read
 *   drains them, and qh_watch_timeout_ms says 0 (read now) while one for
 *   an event not yet delivered waits there.
 * - LISTEN inside a transaction would only take effect at its commit (and
 *   not at all after a rollback), so a watch opened inside one listens at
 *   the first read outside it, and polls at NOLISTEN_MS until then.
 * - A connection reset or replaced under the watch is a new session that
 *   listens to nothing: read sees the backend's pid change and listens
 *   again before it fetches.
 * - Two watches may share a connection: the session stops listening
 *   (UNLISTEN) when the last of them closes (the sessions table below).
 * PQconsumeInput only runs outside a query (never while libpq waits for
 * a result the store asked for). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg.h"

enum {
    FALLBACK_MS = 5000,         /* a wake-up lost after all: read anyway */
    NOLISTEN_MS = 100,          /* not listening yet (opened inside a transaction) */
};

static const char SQL_LISTEN[] = "LISTEN " QH_PG_CHANNEL;
static const char SQL_UNLISTEN[] = "UNLISTEN " QH_PG_CHANNEL;
static const char SQL_EVENTS[] =
    "SELECT " QH_PG_EVENT_COLS " FROM event WHERE id > $1 ORDER BY id LIMIT $2";

struct qh_watch_be {
    struct qh_store_be *s;
    PGconn *conn;               /* the session that LISTENs for us, NULL: none */
    int pid;                    /* its backend, to tell a new session by */
    int64_t last;               /* id of the last event delivered */
};

/* The sessions that listen for watches, and how many watches each: a
 * process-wide table, since the store handle has no room for it. */
struct session {
    PGconn *conn;
    int pid;
    int watches;
    struct session *next;
};

static pthread_mutex_t sessions_mu = PTHREAD_MUTEX_INITIALIZER;
static struct session *sessions;

static int session_join(PGconn *conn, int pid)
{
    struct session *x;
    int rc = 0;

    pthread_mutex_lock(&sessions_mu);
    for (x = sessions; x && (x->conn != conn || x->pid != pid); x = x->next)
        ;
    if (!x && (x = calloc(1, sizeof *x))) {
        x->conn = conn;
        x->pid = pid;
        x->next = sessions;
        sessions = x;
    }
    if (x)
        x->watches++;
    else
        rc = QH_E_NOMEM;
    pthread_mutex_unlock(&sessions_mu);
    return rc;
}

/* Leave the session's table entry: the number of watches still on it. */
static int session_leave(PGconn *conn, int pid)
{
    struct session **p, *x;
    int left = 0;

    pthread_mutex_lock(&sessions_mu);
    for (p = &sessions; (x = *p); p = &x->next) {
        if (x->conn == conn && x->pid == pid) {
            left = --x->watches;
            if (!left) {
                *p = x->next;
                free(x);
            }
            break;
        }
    }
    pthread_mutex_unlock(&sessions_mu);
    return left;
}

static int lost(struct qh_watch_be *w, PGconn *conn, char *err, size_t errlen)
{
    const char *why = conn ? PQerrorMessage(conn) : "";
    size_t n = strcspn(why, "\n");
    return qh_err(err, errlen, QH_E_IO, "%s%s%.*s",
                  QH_TR(qh_pg_lang(w->s), "与数据库服务器的连接已断开",
                        "lost the connection to the database server"),
                  n ? ": " : "", (int)n, why);
}

/* A query of the watch failed with rc: the one message for a lost
 * connection, whatever the query was. */
static int gone(struct qh_watch_be *w, int rc, char *err, size_t errlen)
{
    PGconn *conn = qh_pg_conn(w->s);
    if (!conn || PQstatus(conn) != CONNECTION_OK)
        return lost(w, conn, err, errlen);
    return rc;
}

/* 1 if n may announce an event after `last`: its payload is that event's
 * id, or says nothing we can read (then it may). */
static int fresh(const PGnotify *n, int64_t last)
{
    char *end;
    errno = 0;
    long long id = strtoll(n->extra, &end, 10);
    return end == n->extra || *end || errno || id > last;
}

/* Take every notification libpq holds; 1 if one may be news. */
static int drain(PGconn *conn, int64_t last)
{
    PGnotify *n;
    int news = 0;

    while ((n = PQnotifies(conn))) {
        news |= fresh(n, last);
        PQfreemem(n);
    }
    return news;
}

/* LISTEN on the store's session now, unless it is inside a transaction
 * (then at a later read). */
static int listen_now(struct qh_watch_be *w, PGconn *conn, char *err,
                      size_t errlen)
{
    int rc;

    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        return 0;
    PGresult *r = qh_pg_exec(w->s, SQL_LISTEN, 0, NULL, &rc, "watch", err, errlen);
    if (!r)
        return rc;
    PQclear(r);
    int pid = PQbackendPID(conn);
    if ((rc = session_join(conn, pid)) < 0) {
        qh_err(err, errlen, rc, "watch: out of memory");
        return rc;
    }
    w->conn = conn;
    w->pid = pid;
    /* What came in before is older than the first fetch, which reads it
     * from the log. */
    drain(conn, INT64_MAX);
    return 0;
}

/* Stop counting on the session LISTEN was issued on; UNLISTEN when no
 * other watch needs it and it is still the store's, alive and idle. */
static void unlisten(struct qh_watch_be *w)
{
    PGconn *conn = w->conn;
    int pid = w->pid;

    w->conn = NULL;
    w->pid = 0;
    if (!conn || session_leave(conn, pid) > 0)
        return;
    if (conn != qh_pg_conn(w->s) || PQstatus(conn) != CONNECTION_OK ||
        PQbackendPID(conn) != pid || PQtransactionStatus(conn) != PQTRANS_IDLE)
        return;
    int rc;
    PGresult *r = qh_pg_exec(w->s, SQL_UNLISTEN, 0, NULL, &rc, "watch", NULL, 0);
    PQclear(r);
    drain(conn, INT64_MAX);
}

int qh_pg_watch_open(struct qh_watch_be **out, struct qh_store_be *s,
                     int64_t after, char *err, size_t errlen)
{
    struct qh_watch_be *w;
    PGconn *conn = qh_pg_conn(s);
    int rc;

    *out = NULL;
    if (!(w = calloc(1, sizeof *w)))
        return qh_err(err, errlen, QH_E_NOMEM, "watch: out of memory");
    w->s = s;
    w->last = after;
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        rc = lost(w, conn, err, errlen);
        free(w);
        return rc;
    }
    if ((rc = listen_now(w, conn, err, errlen)) < 0) {
        rc = gone(w, rc, err, errlen);
        free(w);
        return rc;
    }
    *out = w;
    return QH_OK;
}

void qh_pg_watch_close(struct qh_watch_be *w)
{
    if (!w)
        return;
    unlisten(w);
    free(w);
}

int qh_pg_watch_fd(const struct qh_watch_be *w)
{
    PGconn *conn = qh_pg_conn(w->s);
    return conn ? PQsocket(conn) : -1;
}

int qh_pg_watch_timeout_ms(const struct qh_watch_be *w)
{
    PGconn *conn = qh_pg_conn(w->s);

    /* A wake-up that libpq read during the store's last query is in its
     * queue, not on the socket: it would wait out the fallback. */
    if (conn && PQtransactionStatus(conn) != PQTRANS_ACTIVE &&
        drain(conn, w->last))
        return 0;
    /* The store reset its connection since we listened (a write found it
     * lost): the new session hears nothing until a read listens on it. */
    if (w->conn && conn && PQstatus(conn) == CONNECTION_OK &&
        PQtransactionStatus(conn) == PQTRANS_IDLE &&
        (w->conn != conn || w->pid != PQbackendPID(conn)))
        return 0;
    return w->conn ? FALLBACK_MS : NOLISTEN_MS;
}

int64_t qh_pg_watch_last(const struct qh_watch_be *w)
{
    return w->last;
}

int qh_pg_watch_read(struct qh_watch_be *w, struct qh_event_row *evs, int max,
                     char *err, size_t errlen)
{
    PGconn *conn = qh_pg_conn(w->s);
    char a[24], b[24];
    int rc;

    if (max <= 0)
        return qh_err(err, errlen, QH_E_PARSE,
                      "watch: max must be positive, got %d", max);
    if (!conn || PQstatus(conn) != CONNECTION_OK)
        return lost(w, conn, err, errlen);
    if (PQtransactionStatus(conn) == PQTRANS_ACTIVE)
        return qh_err(err, errlen, QH_E_STATE,
                      "watch: read while the store runs a query");
    /* What the socket holds: notifications, or the end of a connection
     * the server closed. */
    if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK)
        return lost(w, conn, err, errlen);
    drain(conn, w->last);
    if (w->conn != conn || w->pid != PQbackendPID(conn)) {
        /* Never listened (opened inside a transaction), or the session
         * is a new one: listen on it before fetching. */
        if (w->conn)
            session_leave(w->conn, w->pid);
        w->conn = NULL;
        if ((rc = listen_now(w, conn, err, errlen)) < 0)
            return gone(w, rc, err, errlen);
    }
    snprintf(a, sizeof a, "%" PRId64, w->last);
    snprintf(b, sizeof b, "%d", max);
    const char *v[2] = {a, b};
    PGresult *r = qh_pg_exec(w->s, SQL_EVENTS, 2, v, &rc, "watch", err, errlen);
    if (!r)
        return gone(w, rc, err, errlen);
    int n = PQntuples(r);
    for (int i = 0; i < n && i < max; i++)
        qh_pg_event_read(r, i, 0, &evs[i]);
    PQclear(r);
    if (n > max)
        n = max;
    if (n > 0)
        w->last = evs[n - 1].id;
    return n;
}
