/* store_pg.h: what the PostgreSQL backend's files (store_pg.c,
 * store_pg_stats.c, watch_pg.c) share.  Private to common/store/: nothing
 * outside the backend sees libpq.
 *
 * How this backend keeps the promises of qh/store.h on a server that many
 * PCs write to at once:
 * - One writer at a time: qh_store_begin is BEGIN (READ COMMITTED) and
 *   pg_advisory_xact_lock(QH_PG_WRITE_LOCK), held until COMMIT or
 *   ROLLBACK.  Under READ COMMITTED every statement after the lock sees
 *   every transaction that committed before it was granted (a REPEATABLE
 *   READ snapshot would be taken by the lock statement itself, before the
 *   previous writer's commit became visible).  lock_timeout is the busy
 *   timeout (QHALL_BUSY_MS): past it, QH_E_BUSY.
 * - Event ids come from the sequence event_id_seq, drawn only under that
 *   lock, so a later commit has a larger id; a rolled-back id is never
 *   given again (a gap), so qh_store_committed_event is always exact.
 * - Ticket ids are packed as the SQLite backend packs them (day << 40 |
 *   queue key << 24 | sequence, queue keys in queue_key), so a hall moved
 *   from one backend to the other keeps every id and every reference.
 * - A read transaction is BEGIN ISOLATION LEVEL REPEATABLE READ, READ
 *   ONLY: one snapshot, never blocked by the writer.
 * - The change feed (watch_pg.c) LISTENs on QH_PG_CHANNEL on its own
 *   connection; every commit that wrote an event NOTIFYs it (payload: the
 *   last event id, a wake-up only); the events table is the truth.
 * - The hall's clock is the server's (qh_store_now). */
#ifndef QH_STORE_PG_H
#define QH_STORE_PG_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "qh/err.h"
#include "qh/record.h"
#include "qh/text.h"

struct qh_store_be;

#define QH_PG_CHANNEL "qhall_event"
#define QH_PG_WRITE_LOCK 7142011   /* the advisory lock of the one writer */

/* The schema, one migration per entry (store_pg_schema.c); schema_version
 * holds the number applied. */
extern const char *const qh_pg_migrations[];
extern const int qh_pg_nmigrations;

/* The backend's connection (for store_pg_stats.c) and language. */
PGconn *qh_pg_conn(struct qh_store_be *s);
enum qh_lang qh_pg_lang(const struct qh_store_be *s);
/* Run sql with n text parameters (NULL: SQL NULL), the statement prepared
 * on this connection the first time it is run (key: the sql pointer, so
 * pass string literals).  Returns the result (PQclear it) when its status
 * is PGRES_TUPLES_OK or PGRES_COMMAND_OK; else NULL with *rc set (QH_E_DB,
 * QH_E_BUSY for a lock timeout, QH_E_EXISTS for a unique violation,
 * QH_E_IO for a lost connection) and err filled, naming what. */
PGresult *qh_pg_exec(struct qh_store_be *s, const char *sql, int n,
                     const char *const *vals, int *rc, const char *what,
                     char *err, size_t errlen);
/* Columns of one event row, in the order of QH_PG_EVENT_COLS, from
 * column col0 of row. */
#define QH_PG_EVENT_COLS "id, at, type, ticket, number, queue, win, staff, detail"
void qh_pg_event_read(const PGresult *r, int row, int col0,
                      struct qh_event_row *e);
/* A bigint or int column (0 for NULL). */
int64_t qh_pg_int(const PGresult *r, int row, int col);

/* The connection string the store was opened with (the change feed opens
 * its own connection from it). */
const char *qh_pg_conninfo(const struct qh_store_be *s);

/* ---- store_pg_stats.c: the qh_store_stats_* and qh_store_followup_*
 * functions of qh/store.h ---- */
int qh_pg_stats_ticket_events(struct qh_store_be *, const char *from, const char *to, int (*fn)(const struct qh_event_row *, const char *day, void *), void *ud, char *err, size_t errlen);
int qh_pg_stats_untied_events(struct qh_store_be *, int64_t from, int64_t to, int (*fn)(const struct qh_event_row *, void *), void *ud, char *err, size_t errlen);
int qh_pg_stats_handled(struct qh_store_be *, const char *from, const char *to, int (*fn)(const char *service, const char *queue, int64_t started, int64_t finished, void *), void *ud);
int qh_pg_stats_handled_sum(struct qh_store_be *, const char *from, const char *to, int (*fn)(const char *service, const char *queue, int n, double sum_s, void *), void *ud);
int qh_pg_stats_events_since(struct qh_store_be *, const char *type, int64_t *after, int (*fn)(const struct qh_event_row *, void *), void *ud);
int qh_pg_followup_add(struct qh_store_be *, struct qh_followup *f, char *err, size_t errlen);
int qh_pg_followup_get(struct qh_store_be *, int64_t id, struct qh_followup *out);
int qh_pg_followup_close(struct qh_store_be *, const struct qh_followup *f, char *err, size_t errlen);
int qh_pg_followup_each(struct qh_store_be *, int mode, const char *today, const char *from, const char *to, int (*fn)(const struct qh_followup *, void *), void *ud, char *err, size_t errlen);
int qh_pg_followup_overdue(struct qh_store_be *, const char *today);

/* ---- watch_pg.c: qh/watch.h (LISTEN QH_PG_CHANNEL on a connection of its
 * own) ---- */
struct qh_watch_be;
int qh_pg_watch_open(struct qh_watch_be **out, struct qh_store_be *s,
                     int64_t after, char *err, size_t errlen);
void qh_pg_watch_close(struct qh_watch_be *w);
int qh_pg_watch_fd(const struct qh_watch_be *);
int qh_pg_watch_timeout_ms(const struct qh_watch_be *);
int qh_pg_watch_read(struct qh_watch_be *, struct qh_event_row *evs, int max, char *err, size_t errlen);
int64_t qh_pg_watch_last(const struct qh_watch_be *);

#endif
