/* store_internal.h: what the SQLite backend's other files (store_stats.c,
 * store_file.c) share with store.c.  Private to common/store/: nothing
 * above the store sees SQLite. */
#ifndef QH_STORE_INTERNAL_H
#define QH_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "qh/err.h"
#include "store_backend.h"

struct qh_store_be;

struct qh_event_row;

sqlite3 *qh_sqlite_db(struct qh_store_be *s);
/* PRAGMA data_version: changes when another connection commits (watch.c
 * tells a commit it was woken for from one still being written). */
int qh_sqlite_data_version(struct qh_store_be *s, int64_t *out, char *err,
                           size_t errlen);
/* One row of EVENT_COLS (id, at, type, ticket, number, queue, win, staff,
 * detail) into e. */
void qh_sqlite_event_read(sqlite3_stmt *st, struct qh_event_row *e);
/* store_stats.c's prepared statements on this connection (NULL until it
 * sets them); fini is called with them at close. */
void *qh_sqlite_stats(struct qh_store_be *s);
void qh_sqlite_stats_set(struct qh_store_be *s, void *stats,
                         void (*fini)(void *));
/* The same for store_rows.c (a hall being copied in): set replaces (and
 * finishes) what was there. */
void *qh_sqlite_rows(struct qh_store_be *s);
void qh_sqlite_rows_set(struct qh_store_be *s, void *rows,
                        void (*fini)(void *));
/* The ticket ids of the service days from..to ("YYYY-MM-DD"): one range
 * (store.c, migration 5). */
void qh_sqlite_day_span(const char *from, const char *to, int64_t *lo,
                        int64_t *hi);

/* ---- store_file.c ---- */

/* qh_store_check_perms for a path. */
int qh_sqlite_check_perms(const char *path, enum qh_lang lang, char *err,
                          size_t errlen);

/* Create path 0600 (0640 in a setgid directory) whatever the umask: 1
 * created, 0 it existed (exclusive: QH_E_EXISTS), QH_E_IO. */
int qh_sqlite_create_private(const char *path, int exclusive, enum qh_lang lang,
                             char *err, size_t errlen);

/* ---- store_restore.c ---- */

/* The pid of a process that holds the database at path open (its name in
 * who, "1234 (qhall-display)"), 0 if none, or < 0. */
int qh_sqlite_holder(const char *path, char *who, size_t n);
/* qh_store_restore for a file. */
int qh_sqlite_restore(const char *path, const char *backup, int force, enum qh_lang lang,
                      char *kept, size_t keptlen, char *err, size_t errlen);
/* qh_store_purge (store_purge.c). */
int qh_sqlite_purge(struct qh_store_be *s, int64_t before, struct qh_purge_counts *out,
                    char *err, size_t errlen);
/* qh_store_probe for a file. */
int qh_sqlite_probe(const char *path, enum qh_lang lang, struct qh_db_probe *out,
                    char *err, size_t errlen);
/* The schema version this build makes (migrations[] in store.c). */
int qh_sqlite_schema_latest(void);

/* ---- the ops (store_backend.h), one function each: store.c but for
 * the statistics and follow-ups (store_stats.c) and the change feed
 * (watch.c) ---- */
int qh_sqlite_open(struct qh_store_be **out, const char *name, int flags,
                   char *err, size_t errlen);
void qh_sqlite_close(struct qh_store_be *);
/* qh_watch_open and qh_watch_close. */
int qh_sqlite_watch_open(struct qh_watch_be **out, struct qh_store_be *,
                         int64_t after, char *err, size_t errlen);
void qh_sqlite_watch_close(struct qh_watch_be *);
const char *qh_sqlite_path(const struct qh_store_be *);
int64_t qh_sqlite_now(struct qh_store_be *);
void qh_sqlite_set_lang(struct qh_store_be *, enum qh_lang lang);
enum qh_lang qh_sqlite_lang(const struct qh_store_be *);
void qh_sqlite_set_actor(struct qh_store_be *, const char *actor);
const char *qh_sqlite_actor(const struct qh_store_be *);
void qh_sqlite_set_busy(struct qh_store_be *, int ms);
int qh_sqlite_busy(const struct qh_store_be *);
int qh_sqlite_begin(struct qh_store_be *, char *err, size_t errlen);
int qh_sqlite_commit(struct qh_store_be *, char *err, size_t errlen);
void qh_sqlite_rollback(struct qh_store_be *);
int qh_sqlite_in_tx(const struct qh_store_be *);
const char *qh_sqlite_errmsg(struct qh_store_be *);
int qh_sqlite_begin_read(struct qh_store_be *, char *err, size_t errlen);
void qh_sqlite_end_read(struct qh_store_be *);
int qh_sqlite_has_hall(struct qh_store_be *);
int qh_sqlite_is_blank(struct qh_store_be *, char *err, size_t errlen);
int qh_sqlite_hall_save(struct qh_store_be *, const struct qh_hall_conf *c,
                        char *err, size_t errlen);
const struct qh_hall_conf *qh_sqlite_hall(struct qh_store_be *);
int qh_sqlite_hall_reload(struct qh_store_be *, char *err, size_t errlen);
int qh_sqlite_setting_get(struct qh_store_be *, const char *key, char *out,
                          size_t outlen);
int qh_sqlite_setting_set(struct qh_store_be *, const char *key,
                          const char *val, char *err, size_t errlen);
int qh_sqlite_day_behind(struct qh_store_be *, const char *day);
int qh_sqlite_service_put(struct qh_store_be *, const struct qh_service *sv,
                          char *err, size_t errlen);
int qh_sqlite_service_clear(struct qh_store_be *, char *err, size_t errlen);
int qh_sqlite_service_get(struct qh_store_be *, const char *code,
                          struct qh_service *out);
int qh_sqlite_service_each(struct qh_store_be *, const char *queue,
                           int (*fn)(const struct qh_service *, void *),
                           void *ud);
int qh_sqlite_service_count(struct qh_store_be *, const char *queue);
int qh_sqlite_seq_next(struct qh_store_be *, const char *day, const char *queue,
                       int *seq, int64_t *after, char *err, size_t errlen);
int qh_sqlite_issued_count(struct qh_store_be *, const char *day,
                           const char *queue);
int qh_sqlite_service_issued_count(struct qh_store_be *, const char *day,
                                   const char *service);
int qh_sqlite_ticket_insert(struct qh_store_be *, struct qh_ticket_row *t,
                            char *err, size_t errlen);
int qh_sqlite_ticket_update(struct qh_store_be *, const struct qh_ticket_row *t,
                            char *err, size_t errlen);
int qh_sqlite_ticket_get(struct qh_store_be *, int64_t id,
                         struct qh_ticket_row *out);
int qh_sqlite_ticket_by_number(struct qh_store_be *, const char *day,
                               const char *number, struct qh_ticket_row *out);
int qh_sqlite_ticket_at_window(struct qh_store_be *, const char *day,
                               int window, struct qh_ticket_row *out);
int qh_sqlite_queue_head(struct qh_store_be *, const char *day,
                         const char *queue, int window, int by_issue,
                         struct qh_ticket_row *out);
int qh_sqlite_waiting_count(struct qh_store_be *, const char *day,
                            const char *queue);
int qh_sqlite_ahead(struct qh_store_be *, const struct qh_ticket_row *t);
int qh_sqlite_queue_services(struct qh_store_be *, const char *day,
                             const char *queue, int limit,
                             int (*fn)(const char *, void *), void *ud);
int qh_sqlite_ticket_each(struct qh_store_be *, const char *day, int state,
                          int (*fn)(const struct qh_ticket_row *, void *),
                          void *ud);
int qh_sqlite_calls_each(struct qh_store_be *, const char *day, int limit,
                         int (*fn)(const struct qh_ticket_row *, int64_t event, void *),
                         void *ud);
int qh_sqlite_expire_before(struct qh_store_be *, const char *day, int64_t now,
                            char *err, size_t errlen);
int qh_sqlite_event_add(struct qh_store_be *, struct qh_event_row *ev,
                        char *err, size_t errlen);
int qh_sqlite_events_since(struct qh_store_be *, int64_t after,
                           struct qh_event_row *out, int max, char *err,
                           size_t errlen);
int qh_sqlite_events_of_ticket(struct qh_store_be *, int64_t ticket,
                               int64_t after, struct qh_event_row *out, int max,
                               char *err, size_t errlen);
int qh_sqlite_last_event_id(struct qh_store_be *, int64_t *out, char *err,
                            size_t errlen);
int64_t qh_sqlite_tx_event(const struct qh_store_be *);
int64_t qh_sqlite_committed_event(const struct qh_store_be *);
int qh_sqlite_window_get(struct qh_store_be *, int number,
                         struct qh_window_row *out);
int qh_sqlite_window_put(struct qh_store_be *, const struct qh_window_row *w,
                         char *err, size_t errlen);
int qh_sqlite_window_of_staff(struct qh_store_be *, const char *staff);
int qh_sqlite_staff_add(struct qh_store_be *, const struct qh_staff_row *st,
                        char *err, size_t errlen);
int qh_sqlite_staff_get(struct qh_store_be *, const char *id,
                        struct qh_staff_row *out);
int qh_sqlite_staff_update(struct qh_store_be *, const struct qh_staff_row *st,
                           char *err, size_t errlen);
int qh_sqlite_staff_each(struct qh_store_be *,
                         int (*fn)(const struct qh_staff_row *, void *),
                         void *ud);
int qh_sqlite_token_put(struct qh_store_be *, int64_t ticket, const char *token,
                        char *err, size_t errlen);
int qh_sqlite_token_find(struct qh_store_be *, const char *token, int64_t *ticket);
int qh_sqlite_token_get(struct qh_store_be *, int64_t ticket, char *out, size_t outlen);
int qh_sqlite_staff_photo_put(struct qh_store_be *, const struct qh_staff_photo *p,
                              char *err, size_t errlen);
int qh_sqlite_staff_photo_get(struct qh_store_be *, const char *staff,
                              struct qh_staff_photo *out);
int qh_sqlite_login_lock_get(struct qh_store_be *, const char *staff,
                             const char *device, struct qh_login_lock *out);
int qh_sqlite_login_lock_put(struct qh_store_be *,
                             const struct qh_login_lock *l, char *err,
                             size_t errlen);
int qh_sqlite_login_lock_clear(struct qh_store_be *, const char *staff,
                               const char *device, char *err, size_t errlen);
int qh_sqlite_login_lock_each(struct qh_store_be *, const char *staff,
                              int (*fn)(const struct qh_login_lock *, void *),
                              void *ud);
int qh_sqlite_appointment_add(struct qh_store_be *, struct qh_appointment *a,
                              char *err, size_t errlen);
int qh_sqlite_appointment_get(struct qh_store_be *, const char *code,
                              struct qh_appointment *out);
int qh_sqlite_appointment_update(struct qh_store_be *,
                                 const struct qh_appointment *a, char *err,
                                 size_t errlen);
int qh_sqlite_rating_of_ticket(struct qh_store_be *, int64_t ticket,
                               struct qh_rating_row *out);
int qh_sqlite_rating_appeal(struct qh_store_be *, const struct qh_rating_row *r,
                            char *err, size_t errlen);
int qh_sqlite_rating_add(struct qh_store_be *, const struct qh_rating_row *r,
                         char *err, size_t errlen);
int qh_sqlite_heartbeat(struct qh_store_be *, const struct qh_heartbeat *hb,
                        char *err, size_t errlen);
int qh_sqlite_heartbeat_each(struct qh_store_be *,
                             int (*fn)(const struct qh_heartbeat *, void *),
                             void *ud);
int qh_sqlite_stats_ticket_events(struct qh_store_be *, const char *from,
                                  const char *to,
                                  int (*fn)(const struct qh_event_row *, const char *day, void *),
                                  void *ud, char *err, size_t errlen);
int qh_sqlite_stats_untied_events(struct qh_store_be *, int64_t from,
                                  int64_t to,
                                  int (*fn)(const struct qh_event_row *, void *),
                                  void *ud, char *err, size_t errlen);
int qh_sqlite_stats_handled(struct qh_store_be *, const char *from,
                            const char *to,
                            int (*fn)(const char *service, const char *queue, int64_t started, int64_t finished, void *),
                            void *ud);
int qh_sqlite_stats_handled_sum(struct qh_store_be *, const char *from,
                                const char *to,
                                int (*fn)(const char *service, const char *queue, int n, double sum_s, void *),
                                void *ud);
int qh_sqlite_stats_events_since(struct qh_store_be *, const char *type,
                                 int64_t *after,
                                 int (*fn)(const struct qh_event_row *, void *),
                                 void *ud);
int qh_sqlite_followup_add(struct qh_store_be *, struct qh_followup *f,
                           char *err, size_t errlen);
int qh_sqlite_followup_get(struct qh_store_be *, int64_t id,
                           struct qh_followup *out);
int qh_sqlite_followup_close(struct qh_store_be *, const struct qh_followup *f,
                             char *err, size_t errlen);
int qh_sqlite_followup_each(struct qh_store_be *, int mode, const char *today,
                            const char *from, const char *to,
                            int (*fn)(const struct qh_followup *, void *),
                            void *ud, char *err, size_t errlen);
int qh_sqlite_followup_overdue(struct qh_store_be *, const char *today);
int qh_sqlite_check(struct qh_store_be *, char *report, size_t reportlen,
                    char *err, size_t errlen);
int qh_sqlite_checkpoint(struct qh_store_be *, int truncate, char *err,
                         size_t errlen);
int qh_sqlite_backup(struct qh_store_be *, const char *path, char *err,
                     size_t errlen);
int qh_sqlite_watch_fd(const struct qh_watch_be *);
int qh_sqlite_watch_timeout_ms(const struct qh_watch_be *);
int qh_sqlite_watch_read(struct qh_watch_be *, struct qh_event_row *evs,
                         int max, char *err, size_t errlen);
int64_t qh_sqlite_watch_last(const struct qh_watch_be *);

/* ---- store_rows.c: copying a hall (the rows_* ops) ---- */
int qh_sqlite_rows_each(struct qh_store_be *s, const char *table,
                        const char *cols,
                        int (*fn)(int n, const char *const *vals, void *),
                        void *ud, char *err, size_t errlen);
int qh_sqlite_rows_count(struct qh_store_be *s, const char *table,
                         int64_t *out, char *err, size_t errlen);
int qh_sqlite_rows_begin(struct qh_store_be *s, char *err, size_t errlen);
int qh_sqlite_rows_put(struct qh_store_be *s, const char *table,
                       const char *cols, int n, const char *const *vals,
                       char *err, size_t errlen);
int qh_sqlite_rows_end(struct qh_store_be *s, char *err, size_t errlen);

#endif
