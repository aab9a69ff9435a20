/* store_pg_internal.h: what the files of the PostgreSQL backend's core
 * (store_pg.c, store_pg_hall.c, store_pg_ticket.c, store_pg_ops.c) share
 * beyond store_pg.h: the helpers every statement goes through, and the op
 * functions the table in store_pg_ops.c points at.  The handle stays opaque
 * here too: what the other files need of it, they ask for. */
#ifndef QH_STORE_PG_INTERNAL_H
#define QH_STORE_PG_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "qh/conf.h"
#include "store_pg.h"

#define QH_PG_STR_(x) #x
#define QH_PG_STR(x) QH_PG_STR_(x)

/* Text parameters of one statement, numbers written into the struct
 * itself (so it is never copied). */
enum { QH_PG_MAX_ARGS = 24 };
struct qh_pg_args {
    int n;
    const char *v[QH_PG_MAX_ARGS];
    char num[QH_PG_MAX_ARGS][24];
};

static inline void a_int(struct qh_pg_args *a, int64_t x)
{
    snprintf(a->num[a->n], sizeof a->num[0], "%lld", (long long)x);
    a->v[a->n] = a->num[a->n];
    a->n++;
}

static inline void a_str(struct qh_pg_args *a, const char *x)
{
    a->v[a->n++] = x ? x : "";
}

static inline void a_null(struct qh_pg_args *a)
{
    a->v[a->n++] = NULL;
}

/* Column col of row into out, cut (if it must be) at a character
 * boundary; "" for NULL. */
void qh_pg_text(const PGresult *r, int row, int col, char *out, size_t n);
/* A statement whose rows (if any) do not matter: 0 or < 0, and the rows
 * it changed into *changed (may be NULL).  a may be NULL (no parameter). */
int qh_pg_cmd(struct qh_store_be *s, const char *sql, const struct qh_pg_args *a,
              int64_t *changed, const char *what, char *err, size_t errlen);
/* First column of the first row as an integer into *out, def when there
 * is no row or it is NULL: 0, or the failure (never taken for "none"). */
int qh_pg_scalar(struct qh_store_be *s, const char *sql, const struct qh_pg_args *a,
                 int64_t def, int64_t *out, const char *what, char *err,
                 size_t errlen);
/* A count read by qh_pg_scalar: the count, or < 0. */
int qh_pg_count(struct qh_store_be *s, const char *sql, const struct qh_pg_args *a,
                const char *what);
/* At most one row, read with fn: 0, QH_E_NOTFOUND, or the failure. */
int qh_pg_one(struct qh_store_be *s, const char *sql, const struct qh_pg_args *a,
              void (*fn)(const PGresult *, int, void *), void *out, const char *what);

/* The key of a queue of the hall as loaded (0: none such). */
int qh_pg_queue_key(const struct qh_store_be *s, const char *queue);
/* An event this handle just wrote (qh_store_tx_event). */
void qh_pg_wrote(struct qh_store_be *s, int64_t event);

/* qh_store_purge (store_pg_purge.c). */
int qh_pg_purge(struct qh_store_be *s, int64_t before, struct qh_purge_counts *out,
                char *err, size_t errlen);

/* ---- store_pg.c: the connection, transactions, settings, the hall ---- */
int qh_pg_open(struct qh_store_be **out, const char *name, int flags, char *err, size_t errlen);
void qh_pg_close(struct qh_store_be *);
const char *qh_pg_path(const struct qh_store_be *);
int64_t qh_pg_now(struct qh_store_be *);
void qh_pg_set_lang(struct qh_store_be *, enum qh_lang lang);
void qh_pg_set_actor(struct qh_store_be *, const char *actor);
const char *qh_pg_actor(const struct qh_store_be *);
void qh_pg_set_busy(struct qh_store_be *, int ms);
int qh_pg_busy(const struct qh_store_be *);
int qh_pg_begin(struct qh_store_be *, char *err, size_t errlen);
int qh_pg_commit(struct qh_store_be *, char *err, size_t errlen);
void qh_pg_rollback(struct qh_store_be *);
int qh_pg_in_tx(const struct qh_store_be *);
const char *qh_pg_errmsg(struct qh_store_be *);
int qh_pg_begin_read(struct qh_store_be *, char *err, size_t errlen);
void qh_pg_end_read(struct qh_store_be *);
int64_t qh_pg_tx_event(const struct qh_store_be *);
int64_t qh_pg_committed_event(const struct qh_store_be *);
int qh_pg_has_hall(struct qh_store_be *);
int qh_pg_is_blank(struct qh_store_be *, char *err, size_t errlen);
int qh_pg_hall_save(struct qh_store_be *, const struct qh_hall_conf *c, char *err, size_t errlen);
const struct qh_hall_conf *qh_pg_hall(struct qh_store_be *);
int qh_pg_hall_reload(struct qh_store_be *, char *err, size_t errlen);
int qh_pg_setting_get(struct qh_store_be *, const char *key, char *out, size_t outlen);
int qh_pg_setting_set(struct qh_store_be *, const char *key, const char *val, char *err, size_t errlen);
int qh_pg_day_behind(struct qh_store_be *, const char *day);
int qh_pg_checkpoint(struct qh_store_be *, int truncate, char *err, size_t errlen);

/* ---- store_pg_hall.c: the catalogue, windows, staff, login lock-out,
 * appointments, ratings, heartbeats ---- */
int qh_pg_service_put(struct qh_store_be *, const struct qh_service *sv, char *err, size_t errlen);
int qh_pg_service_clear(struct qh_store_be *, char *err, size_t errlen);
int qh_pg_service_get(struct qh_store_be *, const char *code, struct qh_service *out);
int qh_pg_service_each(struct qh_store_be *, const char *queue, int (*fn)(const struct qh_service *, void *), void *ud);
int qh_pg_service_count(struct qh_store_be *, const char *queue);
int qh_pg_window_get(struct qh_store_be *, int number, struct qh_window_row *out);
int qh_pg_window_put(struct qh_store_be *, const struct qh_window_row *w, char *err, size_t errlen);
int qh_pg_window_of_staff(struct qh_store_be *, const char *staff);
int qh_pg_staff_add(struct qh_store_be *, const struct qh_staff_row *st, char *err, size_t errlen);
int qh_pg_staff_get(struct qh_store_be *, const char *id, struct qh_staff_row *out);
int qh_pg_staff_update(struct qh_store_be *, const struct qh_staff_row *st, char *err, size_t errlen);
int qh_pg_staff_each(struct qh_store_be *, int (*fn)(const struct qh_staff_row *, void *), void *ud);
int qh_pg_token_put(struct qh_store_be *, int64_t ticket, const char *token, char *err,
                    size_t errlen);
int qh_pg_token_find(struct qh_store_be *, const char *token, int64_t *ticket);
int qh_pg_token_get(struct qh_store_be *, int64_t ticket, char *out, size_t outlen);
int qh_pg_staff_photo_put(struct qh_store_be *, const struct qh_staff_photo *p, char *err,
                          size_t errlen);
int qh_pg_staff_photo_get(struct qh_store_be *, const char *staff, struct qh_staff_photo *out);
int qh_pg_login_lock_get(struct qh_store_be *, const char *staff, const char *device, struct qh_login_lock *out);
int qh_pg_login_lock_put(struct qh_store_be *, const struct qh_login_lock *l, char *err, size_t errlen);
int qh_pg_login_lock_clear(struct qh_store_be *, const char *staff, const char *device, char *err, size_t errlen);
int qh_pg_login_lock_each(struct qh_store_be *, const char *staff, int (*fn)(const struct qh_login_lock *, void *), void *ud);
int qh_pg_appointment_add(struct qh_store_be *, struct qh_appointment *a, char *err, size_t errlen);
int qh_pg_appointment_get(struct qh_store_be *, const char *code, struct qh_appointment *out);
int qh_pg_appointment_update(struct qh_store_be *, const struct qh_appointment *a, char *err, size_t errlen);
int qh_pg_rating_add(struct qh_store_be *, const struct qh_rating_row *r, char *err, size_t errlen);
int qh_pg_rating_of_ticket(struct qh_store_be *, int64_t ticket, struct qh_rating_row *out);
int qh_pg_rating_appeal(struct qh_store_be *, const struct qh_rating_row *r, char *err, size_t errlen);
int qh_pg_heartbeat(struct qh_store_be *, const struct qh_heartbeat *hb, char *err, size_t errlen);
int qh_pg_heartbeat_each(struct qh_store_be *, int (*fn)(const struct qh_heartbeat *, void *), void *ud);

/* ---- store_pg_ticket.c: tickets, events, the lifecycle's check ---- */
int qh_pg_seq_next(struct qh_store_be *, const char *day, const char *queue, int *seq, int64_t *after, char *err, size_t errlen);
int qh_pg_issued_count(struct qh_store_be *, const char *day, const char *queue);
int qh_pg_service_issued_count(struct qh_store_be *, const char *day, const char *service);
int qh_pg_ticket_insert(struct qh_store_be *, struct qh_ticket_row *t, char *err, size_t errlen);
int qh_pg_ticket_update(struct qh_store_be *, const struct qh_ticket_row *t, char *err, size_t errlen);
int qh_pg_ticket_get(struct qh_store_be *, int64_t id, struct qh_ticket_row *out);
int qh_pg_ticket_by_number(struct qh_store_be *, const char *day, const char *number, struct qh_ticket_row *out);
int qh_pg_ticket_at_window(struct qh_store_be *, const char *day, int window, struct qh_ticket_row *out);
int qh_pg_queue_head(struct qh_store_be *, const char *day, const char *queue, int window, int by_issue, struct qh_ticket_row *out);
int qh_pg_waiting_count(struct qh_store_be *, const char *day, const char *queue);
int qh_pg_ahead(struct qh_store_be *, const struct qh_ticket_row *t);
int qh_pg_queue_services(struct qh_store_be *, const char *day, const char *queue, int limit, int (*fn)(const char *, void *), void *ud);
int qh_pg_ticket_each(struct qh_store_be *, const char *day, int state, int (*fn)(const struct qh_ticket_row *, void *), void *ud);
int qh_pg_calls_each(struct qh_store_be *, const char *day, int limit, int (*fn)(const struct qh_ticket_row *, int64_t event, void *), void *ud);
int qh_pg_expire_before(struct qh_store_be *, const char *day, int64_t now, char *err, size_t errlen);
int qh_pg_event_add(struct qh_store_be *, struct qh_event_row *ev, char *err, size_t errlen);
int qh_pg_events_since(struct qh_store_be *, int64_t after, struct qh_event_row *out, int max, char *err, size_t errlen);
int qh_pg_events_of_ticket(struct qh_store_be *, int64_t ticket, int64_t after, struct qh_event_row *out, int max, char *err, size_t errlen);
int qh_pg_last_event_id(struct qh_store_be *, int64_t *out, char *err, size_t errlen);
int qh_pg_check(struct qh_store_be *, char *report, size_t reportlen, char *err, size_t errlen);

#endif
