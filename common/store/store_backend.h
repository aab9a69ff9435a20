/* store_backend.h: what a backend gives the store interface.
 *
 * qh/store.h and qh/watch.h are the interface every program speaks;
 * store_api.c implements them once, by handing each call to the backend
 * the store was opened with: SQLite for a path, PostgreSQL for a
 * postgresql:// (or postgres://) URI.  A backend fills one table of these
 * functions; each takes the backend's own handle (struct qh_store_be,
 * struct qh_watch_be, which each backend defines for itself and nothing
 * outside it sees) and keeps the promises written in qh/store.h for the
 * function of the same name.  Private to common/store/. */
#ifndef QH_STORE_BACKEND_H
#define QH_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "qh/record.h"
#include "qh/store.h"
#include "qh/watch.h"

struct qh_store_be;
struct qh_watch_be;

/* An open flag of the backends only: connect, set up the session and
 * stop (qh_store_probe), never reading a hall nor touching the schema. */
enum { QH_STORE_PROBE = 0x100 };

/* The busy timeout a handle starts with: QHALL_BUSY_MS if set, else 10 s
 * (store_msg.c); qh_store_busy_env: QHALL_BUSY_MS, 0 when unset.  A
 * heartbeat outside a transaction waits at most QH_STORE_BEAT_BUSY_MS for
 * the lock. */
int qh_store_busy_default(void);
int qh_store_busy_env(void);
enum { QH_STORE_BEAT_BUSY_MS = 250 };

struct qh_store_ops {
    const char *name;                        /* "sqlite", "postgresql" */
    /* qh_store_open and qh_store_close: the handle itself. */
    int (*open)(struct qh_store_be **out, const char *name, int flags,
                char *err, size_t errlen);
    void (*close)(struct qh_store_be *);
    /* qh_watch_open and qh_watch_close. */
    int (*watch_open)(struct qh_watch_be **out, struct qh_store_be *,
                      int64_t after, char *err, size_t errlen);
    void (*watch_close)(struct qh_watch_be *);
    const char *(*path)(const struct qh_store_be *);
    int64_t (*now)(struct qh_store_be *);
    void (*set_lang)(struct qh_store_be *, enum qh_lang lang);
    enum qh_lang (*lang)(const struct qh_store_be *);
    void (*set_actor)(struct qh_store_be *, const char *actor);
    const char *(*actor)(const struct qh_store_be *);
    void (*set_busy)(struct qh_store_be *, int ms);
    int (*busy)(const struct qh_store_be *);
    int (*begin)(struct qh_store_be *, char *err, size_t errlen);
    int (*commit)(struct qh_store_be *, char *err, size_t errlen);
    void (*rollback)(struct qh_store_be *);
    int (*in_tx)(const struct qh_store_be *);
    const char *(*errmsg)(struct qh_store_be *);
    int (*begin_read)(struct qh_store_be *, char *err, size_t errlen);
    void (*end_read)(struct qh_store_be *);
    int (*has_hall)(struct qh_store_be *);
    int (*is_blank)(struct qh_store_be *, char *err, size_t errlen);
    int (*hall_save)(struct qh_store_be *, const struct qh_hall_conf *c,
                     char *err, size_t errlen);
    const struct qh_hall_conf *(*hall)(struct qh_store_be *);
    int (*hall_reload)(struct qh_store_be *, char *err, size_t errlen);
    int (*setting_get)(struct qh_store_be *, const char *key, char *out,
                       size_t outlen);
    int (*setting_set)(struct qh_store_be *, const char *key, const char *val,
                       char *err, size_t errlen);
    int (*day_behind)(struct qh_store_be *, const char *day);
    int (*service_put)(struct qh_store_be *, const struct qh_service *sv,
                       char *err, size_t errlen);
    int (*service_clear)(struct qh_store_be *, char *err, size_t errlen);
    int (*service_get)(struct qh_store_be *, const char *code,
                       struct qh_service *out);
    int (*service_each)(struct qh_store_be *, const char *queue,
                        int (*fn)(const struct qh_service *, void *), void *ud);
    int (*service_count)(struct qh_store_be *, const char *queue);
    int (*seq_next)(struct qh_store_be *, const char *day, const char *queue,
                    int *seq, int64_t *after, char *err, size_t errlen);
    int (*issued_count)(struct qh_store_be *, const char *day,
                        const char *queue);
    int (*service_issued_count)(struct qh_store_be *, const char *day,
                                const char *service);
    int (*ticket_insert)(struct qh_store_be *, struct qh_ticket_row *t,
                         char *err, size_t errlen);
    int (*ticket_update)(struct qh_store_be *, const struct qh_ticket_row *t,
                         char *err, size_t errlen);
    int (*ticket_get)(struct qh_store_be *, int64_t id,
                      struct qh_ticket_row *out);
    int (*ticket_by_number)(struct qh_store_be *, const char *day,
                            const char *number, struct qh_ticket_row *out);
    int (*ticket_at_window)(struct qh_store_be *, const char *day, int window,
                            struct qh_ticket_row *out);
    int (*queue_head)(struct qh_store_be *, const char *day, const char *queue,
                      int window, int by_issue, struct qh_ticket_row *out);
    int (*waiting_count)(struct qh_store_be *, const char *day,
                         const char *queue);
    int (*ahead)(struct qh_store_be *, const struct qh_ticket_row *t);
    int (*queue_services)(struct qh_store_be *, const char *day,
                          const char *queue, int limit,
                          int (*fn)(const char *, void *), void *ud);
    int (*ticket_each)(struct qh_store_be *, const char *day, int state,
                       int (*fn)(const struct qh_ticket_row *, void *),
                       void *ud);
    int (*calls_each)(struct qh_store_be *, const char *day, int limit,
                      int (*fn)(const struct qh_ticket_row *, int64_t event, void *),
                      void *ud);
    int (*expire_before)(struct qh_store_be *, const char *day, int64_t now,
                         char *err, size_t errlen);
    int (*event_add)(struct qh_store_be *, struct qh_event_row *ev, char *err,
                     size_t errlen);
    int (*events_since)(struct qh_store_be *, int64_t after,
                        struct qh_event_row *out, int max, char *err,
                        size_t errlen);
    int (*events_of_ticket)(struct qh_store_be *, int64_t ticket, int64_t after,
                            struct qh_event_row *out, int max, char *err,
                            size_t errlen);
    int (*last_event_id)(struct qh_store_be *, int64_t *out, char *err,
                         size_t errlen);
    int64_t (*tx_event)(const struct qh_store_be *);
    int64_t (*committed_event)(const struct qh_store_be *);
    int (*window_get)(struct qh_store_be *, int number,
                      struct qh_window_row *out);
    int (*window_put)(struct qh_store_be *, const struct qh_window_row *w,
                      char *err, size_t errlen);
    int (*window_of_staff)(struct qh_store_be *, const char *staff);
    int (*staff_add)(struct qh_store_be *, const struct qh_staff_row *st,
                     char *err, size_t errlen);
    int (*staff_get)(struct qh_store_be *, const char *id,
                     struct qh_staff_row *out);
    int (*staff_update)(struct qh_store_be *, const struct qh_staff_row *st,
                        char *err, size_t errlen);
    int (*staff_each)(struct qh_store_be *,
                      int (*fn)(const struct qh_staff_row *, void *), void *ud);
    int (*staff_photo_put)(struct qh_store_be *, const struct qh_staff_photo *p,
                           char *err, size_t errlen);
    int (*staff_photo_get)(struct qh_store_be *, const char *staff,
                           struct qh_staff_photo *out);
    int (*token_put)(struct qh_store_be *, int64_t ticket, const char *token,
                     char *err, size_t errlen);
    int (*token_find)(struct qh_store_be *, const char *token, int64_t *ticket);
    int (*token_get)(struct qh_store_be *, int64_t ticket, char *out, size_t outlen);
    int (*login_lock_get)(struct qh_store_be *, const char *staff,
                          const char *device, struct qh_login_lock *out);
    int (*login_lock_put)(struct qh_store_be *, const struct qh_login_lock *l,
                          char *err, size_t errlen);
    int (*login_lock_clear)(struct qh_store_be *, const char *staff,
                            const char *device, char *err, size_t errlen);
    int (*login_lock_each)(struct qh_store_be *, const char *staff,
                           int (*fn)(const struct qh_login_lock *, void *),
                           void *ud);
    int (*appointment_add)(struct qh_store_be *, struct qh_appointment *a,
                           char *err, size_t errlen);
    int (*appointment_get)(struct qh_store_be *, const char *code,
                           struct qh_appointment *out);
    int (*appointment_update)(struct qh_store_be *,
                              const struct qh_appointment *a, char *err,
                              size_t errlen);
    int (*rating_add)(struct qh_store_be *, const struct qh_rating_row *r,
                      char *err, size_t errlen);
    int (*rating_of_ticket)(struct qh_store_be *, int64_t ticket,
                            struct qh_rating_row *out);
    int (*rating_appeal)(struct qh_store_be *, const struct qh_rating_row *r,
                         char *err, size_t errlen);
    int (*heartbeat)(struct qh_store_be *, const struct qh_heartbeat *hb,
                     char *err, size_t errlen);
    int (*heartbeat_each)(struct qh_store_be *,
                          int (*fn)(const struct qh_heartbeat *, void *),
                          void *ud);
    int (*stats_ticket_events)(struct qh_store_be *, const char *from,
                               const char *to,
                               int (*fn)(const struct qh_event_row *, const char *day, void *),
                               void *ud, char *err, size_t errlen);
    int (*stats_untied_events)(struct qh_store_be *, int64_t from, int64_t to,
                               int (*fn)(const struct qh_event_row *, void *),
                               void *ud, char *err, size_t errlen);
    int (*stats_handled)(struct qh_store_be *, const char *from, const char *to,
                         int (*fn)(const char *service, const char *queue, int64_t started, int64_t finished, void *),
                         void *ud);
    int (*stats_handled_sum)(struct qh_store_be *, const char *from,
                             const char *to,
                             int (*fn)(const char *service, const char *queue, int n, double sum_s, void *),
                             void *ud);
    int (*stats_events_since)(struct qh_store_be *, const char *type,
                              int64_t *after,
                              int (*fn)(const struct qh_event_row *, void *),
                              void *ud);
    int (*followup_add)(struct qh_store_be *, struct qh_followup *f, char *err,
                        size_t errlen);
    int (*followup_get)(struct qh_store_be *, int64_t id,
                        struct qh_followup *out);
    int (*followup_close)(struct qh_store_be *, const struct qh_followup *f,
                          char *err, size_t errlen);
    int (*followup_each)(struct qh_store_be *, int mode, const char *today,
                         const char *from, const char *to,
                         int (*fn)(const struct qh_followup *, void *),
                         void *ud, char *err, size_t errlen);
    int (*followup_overdue)(struct qh_store_be *, const char *today);
    int (*check)(struct qh_store_be *, char *report, size_t reportlen,
                 char *err, size_t errlen);
    int (*checkpoint)(struct qh_store_be *, int truncate, char *err,
                      size_t errlen);
    /* qh_store_purge, in the caller's write transaction. */
    int (*purge)(struct qh_store_be *, int64_t before, struct qh_purge_counts *out,
                 char *err, size_t errlen);
    /* NULL: qh_store_backup copies the hall into a new SQLite file. */
    int (*backup)(struct qh_store_be *, const char *path, char *err,
                  size_t errlen);
    int (*watch_fd)(const struct qh_watch_be *);
    int (*watch_timeout_ms)(const struct qh_watch_be *);
    int (*watch_read)(struct qh_watch_be *, struct qh_event_row *evs, int max,
                      char *err, size_t errlen);
    int64_t (*watch_last)(const struct qh_watch_be *);
    /* Copying a hall (store_copy.c): table is one of its fixed list and
     * cols that table's columns, comma-separated; values are text, NULL
     * for SQL NULL.  rows_each: every row in primary-key order, fn
     * returning non-zero stops (the rows seen, or < 0).  rows_begin is
     * called in the write transaction before the first rows_put (a
     * backend defers its foreign keys there: the tables refer to each
     * other), rows_end after the last, to rebuild what the backend
     * derives from the rows (SQLite: its lanes and counters; a server:
     * its sequences). */
    int (*rows_each)(struct qh_store_be *, const char *table, const char *cols,
                     int (*fn)(int n, const char *const *vals, void *),
                     void *ud, char *err, size_t errlen);
    int (*rows_count)(struct qh_store_be *, const char *table, int64_t *out,
                      char *err, size_t errlen);
    int (*rows_begin)(struct qh_store_be *, char *err, size_t errlen);
    int (*rows_put)(struct qh_store_be *, const char *table, const char *cols,
                    int n, const char *const *vals, char *err, size_t errlen);
    int (*rows_end)(struct qh_store_be *, char *err, size_t errlen);
};

extern const struct qh_store_ops qh_store_sqlite_ops;
extern const struct qh_store_ops qh_store_pg_ops;
/* The refusal of a schema newer than this build (version > latest), in
 * either backend's open: QH_E_DB with what to do. */
int qh_store_err_newer(enum qh_lang lang, const char *name, int version, int latest,
                       char *err, size_t errlen);
/* A write refused for want of disk space, in either backend: QH_E_DB
 * ("what: 磁盘已满 ... name ..."), the same words whatever SQLite or the
 * OS called it (SQLITE_FULL, an I/O error of ENOSPC). */
int qh_store_err_full(enum qh_lang lang, const char *what, const char *name,
                      char *err, size_t errlen);
/* qh_store_probe for a server's database (store_pg.c): a function of a
 * name, not of an open handle, as the SQLite one is (store_restore.c). */
int qh_pg_probe(const char *name, enum qh_lang lang, struct qh_db_probe *out,
                char *err, size_t errlen);

#endif
