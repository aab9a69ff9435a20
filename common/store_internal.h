/* store_internal.h: what a second SQL module of the library (store_stats.c)
 * needs from store.c: the connection, and one slot to keep its own
 * prepared statements in, finalized by qh_store_close before the
 * connection closes.  Not a public header: programs use qh/store.h. */
#ifndef QH_STORE_INTERNAL_H
#define QH_STORE_INTERNAL_H

#include <sqlite3.h>

#include "qh/err.h"

struct qh_store;

struct qh_event_row;

sqlite3 *qh_store_db(struct qh_store *s);
/* One row of EVENT_COLS (id, at, type, ticket, number, queue, win, staff,
 * detail) into e. */
void qh_store_event_read(sqlite3_stmt *st, struct qh_event_row *e);
/* The statistics module's state (NULL until it sets it); fini is called
 * with it at close. */
void *qh_store_stats(struct qh_store *s);
void qh_store_stats_set(struct qh_store *s, void *stats, void (*fini)(void *));


/* ---- store_stats.c: the statistics' SQL (statements prepared on first
 * use, once per connection) ---- */
struct qh_followup;

/* The ticket ids of the service days from..to ("YYYY-MM-DD"): one range
 * (store.c, migration 5). */
void qh_store_day_span(const char *from, const char *to, int64_t *lo,
                       int64_t *hi);
/* Events of the tickets of days from..to, grouped by ticket (tickets in
 * id order: by day, then queue, then number; each one's events in id
 * order); fn gets the ticket's day too.  Returns the number of events or
 * < 0. */
int qh_store_stats_ticket_events(struct qh_store *s, const char *from,
                                 const char *to,
                                 int (*fn)(const struct qh_event_row *,
                                           const char *day, void *),
                                 void *ud, char *err, size_t errlen);
/* Events not about a ticket (login, paused ...) with from <= at < to. */
int qh_store_stats_untied_events(struct qh_store *s, int64_t from, int64_t to,
                                 int (*fn)(const struct qh_event_row *, void *),
                                 void *ud, char *err, size_t errlen);
/* Handling samples of days from..to: service, queue, start, finish, in
 * finish order. */
int qh_store_stats_handled(struct qh_store *s, const char *from, const char *to,
                           int (*fn)(const char *service, const char *queue,
                                     int64_t started, int64_t finished, void *),
                           void *ud);
/* Finishes logged after event *after, up to the log's end (where *after
 * is left): queue and seconds handled, in log order, every one (fn's
 * return is not a stop). */
int qh_store_stats_finished_since(struct qh_store *s, int64_t *after,
                                  int (*fn)(const char *queue, int64_t handled_s,
                                            void *),
                                  void *ud);
/* The same, summed per (service, queue): count and seconds (cases capped
 * at two hours). */
int qh_store_stats_handled_sum(struct qh_store *s, const char *from,
                               const char *to,
                               int (*fn)(const char *service, const char *queue,
                                         int n, double sum_s, void *),
                               void *ud);
/* One value the statistics keep per connection (the wait estimate's
 * history of a day): NULL unless key matches; put takes ownership (free). */
void *qh_store_stats_cache(struct qh_store *s, const char *key);
void qh_store_stats_cache_put(struct qh_store *s, const char *key, void *val);
int qh_store_followup_add(struct qh_store *s, struct qh_followup *f,
                          char *err, size_t errlen);   /* sets f->id */
int qh_store_followup_get(struct qh_store *s, int64_t id,
                          struct qh_followup *out);    /* 0 or NOTFOUND */
int qh_store_followup_close(struct qh_store *s, const struct qh_followup *f,
                            char *err, size_t errlen);
/* mode: QH_FOLLOWUP_*; today for OVERDUE; from..to (days, may be NULL)
 * restricts to tickets of those days. */
int qh_store_followup_each(struct qh_store *s, int mode, const char *today,
                           const char *from, const char *to,
                           int (*fn)(const struct qh_followup *, void *),
                           void *ud, char *err, size_t errlen);
int qh_store_followup_overdue(struct qh_store *s, const char *today);

/* ---- store_file.c ---- */

/* Create path 0600 (0640 in a setgid directory) whatever the umask: 1
 * created, 0 it existed (exclusive: QH_E_EXISTS), QH_E_IO. */
int qh_store_create_private(const char *path, int exclusive, enum qh_lang lang,
                            char *err, size_t errlen);

#endif
