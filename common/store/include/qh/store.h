/* store.h: the one place qhall keeps its state, and what a backend must
 * guarantee to keep it.
 *
 * Plain records (qh/record.h) go in and out; nothing above the store
 * (core, media, programs) sees how they are kept.  Every program of the
 * hall opens its own handle on the same store.  A backend implements this
 * header and is done when the conformance suite (tests/store/, which
 * speaks nothing but this interface) passes on it; it guarantees:
 *
 * - One transaction per operation, with its event.  The service API
 *   (core/op.h) runs each operation between qh_store_begin and
 *   qh_store_commit, and every change of a ticket, a window, the hall or
 *   the catalogue is committed in the same transaction as the event that
 *   records it: after a crash at any instant there is either the old
 *   state and no event, or the new state and its event.
 * - Write transactions are serialised, however many programs on however
 *   many machines write: inside one, every read sees every transaction
 *   committed before it began, and no other write can commit until it
 *   ends.  So the next number (qh_store_seq_next), the quotas and the
 *   queue a call picks from are read and written under one lock: numbers
 *   are gap-free and never given twice, two windows never get the same
 *   ticket.
 * - An event id orders all events: a number that grows with every event,
 *   and an event committed after another has the larger id, so "the
 *   events after id N" is every change since N (the change feed, the
 *   estimate's cache, reports).  Ids may have gaps; a transaction that
 *   rolled back leaves none of its events.
 * - Every read reports its failure: a count or a lookup that could not be
 *   read is a negative code, never 0 or "not found", and a damaged store
 *   is QH_E_CORRUPT, never taken for an empty one.
 * - The change feed (qh/watch.h) hands over new events in id order and
 *   loses none.
 *
 * The SQLite backend (store.c, store_stats.c, store_file.c, watch.c):
 * one file in WAL mode shared by the programs of one PC, synchronous=FULL
 * unless QHALL_SYNC=normal; qh_store_begin is BEGIN IMMEDIATE, which
 * locks the whole file, so writers on the one machine are serialised by
 * SQLite.  Event ids are rowids, max + 1 under that lock (so a rolled-back
 * id is given again).  A damaged file's QH_E_CORRUPT message quotes what
 * PRAGMA integrity_check finds and advises restoring a backup. */
#ifndef QH_STORE_H
#define QH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "qh/conf.h"
#include "qh/err.h"
#include "qh/text.h"

struct qh_store;
struct qh_db_probe;

/* READONLY: never writes (nor migrates); EXISTING: opens only a file that
 * exists and is not empty, never creating one (the screens); both refuse a
 * missing or empty file with QH_E_NOTFOUND.  EN: the messages of the open
 * itself in English (qh_store_set_lang is for what follows). */
enum { QH_STORE_READONLY = 1, QH_STORE_EXISTING = 2, QH_STORE_EN = 4 };

/* Where every program finds the database: `given` (--db) if set, else
 * $QHALL_DB, else $XDG_STATE_HOME/qhall/qhall.db, else
 * ~/.local/state/qhall/qhall.db.  *fallback (may be NULL) tells the
 * caller that neither named it, so its directory may not exist yet.
 * 0, QH_E_NOTFOUND (no HOME to fall back on) or QH_E_USAGE (too long). */
/* 1 when name is a database server's (a PostgreSQL connection URI:
 * postgresql:// or postgres://), which qh_store_open hands to the
 * PostgreSQL backend; 0 for a SQLite file's path. */
int qh_store_is_server(const char *name);
int qh_store_find_path(const char *given, char *out, size_t n, int *fallback,
                       char *err, size_t errlen);

/* Open (creating and migrating the schema if needed) and load the hall.
 * A new store has no hall yet: qh_hall_init() (hall.h) gives it one.  A
 * hall that cannot be read fails the open (QH_E_CORRUPT for a damaged
 * store): it is never taken for "no hall yet".  The SQLite backend: a new
 * file is created 0600 (0640 in a setgid directory) whatever the umask;
 * the checks of qh_store_check_perms apply, a refusal being QH_E_IO. */
int qh_store_open(struct qh_store **out, const char *path, int flags,
                  char *err, size_t errlen);
void qh_store_close(struct qh_store *s);          /* NULL is a no-op */
/* The SQLite backend's files, before opening path: refuses (QH_E_IO,
 * naming the file and the chmod that fixes it) a database, -wal, -shm or
 * -journal that any local user can write, or a directory any user can
 * write without the sticky bit.
 * A file any user can read is made 0600 (0640 in a setgid directory) if
 * we own it.  Returns 0, or 1 when err holds what was changed or should
 * be (one line a file) for the program to say. */
int qh_store_check_perms(const char *path, enum qh_lang lang,
                         char *err, size_t errlen);
const char *qh_store_path(const struct qh_store *s);
/* The hall's clock, in ms since the epoch as qh_clock_now(): what every
 * operation stamps its changes with, so that PCs whose clocks disagree
 * still order one queue.  The SQLite backend's is this PC's clock (there
 * is one PC); the PostgreSQL backend's is the server's: this PC's clock
 * corrected by the offset to the server's, measured at connect and again
 * at each write transaction's begin.  A clock fixed for tests
 * (qh_clock_set, QHALL_NOW) is taken as it is. */
int64_t qh_store_now(struct qh_store *s);

/* Language of messages written into err buffers by library calls. */
void qh_store_set_lang(struct qh_store *s, enum qh_lang lang);
enum qh_lang qh_store_lang(const struct qh_store *s);
/* Who acts through this handle ("cli", "kiosk", "counter:3" ...): recorded
 * in each event's detail as "via". */
void qh_store_set_actor(struct qh_store *s, const char *actor);
const char *qh_store_actor(const struct qh_store *s);
/* How long a write (qh_store_begin, and on a server any statement) waits
 * for a lock another program or session holds before it gives
 * QH_E_BUSY: 10 s unless QHALL_BUSY_MS is set.  A program sets its own
 * (a kiosk's citizen must be answered within 3 s); QHALL_BUSY_MS, when
 * set, overrides that too.  The PostgreSQL backend: lock_timeout, set
 * at the end of the transaction if one is open. */
void qh_store_set_busy_ms(struct qh_store *s, int ms);
int qh_store_busy_ms(const struct qh_store *s);

/* Transactions.  begin opens a write transaction and takes the store's
 * one writer lock (see the top of this file): it waits for another
 * writer, and gives QH_E_BUSY past the busy timeout (qh_store_set_busy_ms).
 * commit makes everything written since durable with its events, or
 * fails and rolls back.  rollback never fails (and is a no-op outside a
 * transaction).  The SQLite backend: BEGIN IMMEDIATE. */
int qh_store_begin(struct qh_store *s, char *err, size_t errlen);
int qh_store_commit(struct qh_store *s, char *err, size_t errlen);
void qh_store_rollback(struct qh_store *s);
int qh_store_in_tx(const struct qh_store *s);
/* What the last failure of a call without a message buffer (a lookup:
 * qh_store_window_get, qh_store_ticket_by_number ...) was, for the
 * caller's own message: "" when the backend has nothing to say. */
const char *qh_store_errmsg(struct qh_store *s);
/* rc, with err saying why: qh_store_errmsg, or qh_strerror(rc) when the
 * backend said nothing. */
int qh_store_fail(struct qh_store *s, int rc, char *err, size_t errlen);
/* A read transaction: every read until qh_store_end_read sees one
 * snapshot (fixed by the first of them), whatever other programs commit
 * meanwhile; it never blocks or is blocked by a writer.  No write
 * transaction may begin inside it (QH_E_STATE).  The SQLite backend: a
 * deferred BEGIN on the WAL. */
int qh_store_begin_read(struct qh_store *s, char *err, size_t errlen);
void qh_store_end_read(struct qh_store *s);   /* no-op outside one */

/* ---- hall ---- */
/* 1 if the database has a hall, 0 if not (as loaded: never fails). */
int qh_store_has_hall(struct qh_store *s);
/* 1 if the database holds nothing at all yet (no setting, event, ticket,
 * staff member or service item), 0 if it does, or < 0: only a blank
 * database may be given a hall without being asked to (qh_hall_init). */
int qh_store_is_blank(struct qh_store *s, char *err, size_t errlen);
/* Replace hall settings, queues and windows (in the caller's transaction).
 * Whether a hall may be replaced is the caller's decision (qh_hall_init
 * and its force flag); a window that stays keeps its login and pause. */
int qh_store_hall_save(struct qh_store *s, const struct qh_hall_conf *c,
                       char *err, size_t errlen);
/* The hall as loaded at open, reloaded when another connection changed it
 * (checked at each qh_store_begin). Borrowed. */
const struct qh_hall_conf *qh_store_hall(struct qh_store *s);
/* Reload from the database now, in one read transaction (the caller's
 * if one is open).  On failure the hall loaded before stays. */
int qh_store_hall_reload(struct qh_store *s, char *err, size_t errlen);

/* Settings: small key/value pairs ("day", "hall_rev" ...). */
int qh_store_setting_get(struct qh_store *s, const char *key,
                         char *out, size_t outlen);   /* 1 found, 0 not, < 0 */
int qh_store_setting_set(struct qh_store *s, const char *key,
                         const char *val, char *err, size_t errlen);
/* 1 when the "day" setting, the service day last rolled over to, is
 * before `day`: the first write of a new day must expire what earlier
 * days left open.  Inside a write transaction, as the transaction began
 * (read with the hall's revision, so it costs no lookup of its own);
 * outside one it is read, and may fail (< 0). */
int qh_store_day_behind(struct qh_store *s, const char *day);

/* ---- service catalogue ---- */
int qh_store_service_put(struct qh_store *s, const struct qh_service *sv,
                         char *err, size_t errlen);     /* insert or replace */
int qh_store_service_clear(struct qh_store *s, char *err, size_t errlen);
int qh_store_service_get(struct qh_store *s, const char *code,
                         struct qh_service *out);       /* 0 or QH_E_NOTFOUND */
/* Calls fn for each service of `queue` (NULL: all) in code order; fn
 * returning non-zero stops.  Returns the number visited or < 0. */
int qh_store_service_each(struct qh_store *s, const char *queue,
                          int (*fn)(const struct qh_service *, void *),
                          void *ud);
int qh_store_service_count(struct qh_store *s, const char *queue); /* or < 0 */

/* ---- tickets ----
 * A ticket's id is the backend's: unique, never reused, and nothing above
 * the store reads meaning into it beyond order among equals (calling
 * order breaks ties by id).  The SQLite backend packs day, queue and
 * number into it (store.c, migration 5) and keeps a waiting ticket in one
 * of two lanes (migration 6); neither leaves the backend. */
/* Next number of `queue` on `day`: one past the last the queue gave; the
 * caller's write transaction keeps it free until the ticket is inserted
 * (no gap and no duplicate).  The SQLite backend finds it at the end of
 * the queue's id range.  *after
 * (unless NULL) is the issue time of the last, 0 if none: issue times
 * never go back inside a queue's day, and qh_store_ticket_insert refuses
 * a ticket issued before the one before it. */
int qh_store_seq_next(struct qh_store *s, const char *day, const char *queue,
                      int *seq, int64_t *after, char *err, size_t errlen);
/* Tickets issued today in queue (for quotas), or < 0. */
int qh_store_issued_count(struct qh_store *s, const char *day,
                          const char *queue);
/* Tickets of `day` whose service item is `service` (for item quotas; a
 * transferred ticket counts for its current item), or < 0. */
int qh_store_service_issued_count(struct qh_store *s, const char *day,
                                  const char *service);
int qh_store_ticket_insert(struct qh_store *s, struct qh_ticket_row *t,
                           char *err, size_t errlen);  /* sets id */
int qh_store_ticket_update(struct qh_store *s, const struct qh_ticket_row *t,
                           char *err, size_t errlen);
int qh_store_ticket_get(struct qh_store *s, int64_t id,
                        struct qh_ticket_row *out);    /* 0 or QH_E_NOTFOUND */
int qh_store_ticket_by_number(struct qh_store *s, const char *day,
                              const char *number, struct qh_ticket_row *out);
/* The called or serving ticket of a window today, or QH_E_NOTFOUND. */
int qh_store_ticket_at_window(struct qh_store *s, const char *day, int window,
                              struct qh_ticket_row *out);
/* The first waiting ticket of a queue for `window` (prio, virtual_at, id
 * order; tickets directed at another window skipped).  by_issue orders by
 * issue time instead (the overflow rule). */
int qh_store_queue_head(struct qh_store *s, const char *day, const char *queue,
                        int window, int by_issue, struct qh_ticket_row *out);
/* Waiting tickets in queue on day.  The count, or < 0.  The SQLite
 * backend: the numbers the queue gave (the end of its id range) and a
 * correction it keeps, so the cost does not grow with the queue. */
int qh_store_waiting_count(struct qh_store *s, const char *day,
                           const char *queue);
/* Waiting tickets of the same queue ahead of t, which must be as stored.
 * The count, or < 0.  The SQLite backend: inside a transaction, for a
 * ticket in number order, the counter less those behind it (none for a
 * new one); otherwise a count of the queue. */
int qh_store_ahead(struct qh_store *s, const struct qh_ticket_row *t);
/* The service codes ("" when issued by queue) of the first `limit` tickets
 * waiting in `queue` on `day`, in calling order; the cost must be bounded
 * by limit, not by the queue's length (it runs inside every issue).  With
 * limit at most a ticket's count ahead, read in the same transaction, they
 * are all ahead of it. */
int qh_store_queue_services(struct qh_store *s, const char *day,
                            const char *queue, int limit,
                            int (*fn)(const char *, void *), void *ud);
/* Tickets of `day` in `state` (-1: all), in issue order; fn as above. */
int qh_store_ticket_each(struct qh_store *s, const char *day, int state,
                         int (*fn)(const struct qh_ticket_row *, void *),
                         void *ud);
/* The last `limit` tickets of `day` that were called (called, recalled,
 * called back), the latest call first: fn gets each as stored and the id
 * of the event of its last call.  The order is the event log's, not the
 * call times': two windows that call in the same second are told apart,
 * the later call first.  Returns the number visited or < 0. */
int qh_store_calls_each(struct qh_store *s, const char *day, int limit,
                        int (*fn)(const struct qh_ticket_row *, int64_t event,
                                  void *),
                        void *ud);
/* Expire every open ticket from days before `day`, with an `expired` event
 * each; returns the count. */
int qh_store_expire_before(struct qh_store *s, const char *day, int64_t now,
                           char *err, size_t errlen);

/* ---- events (append only) ----
 * The log is the hall's record: statistics, 考核 and disputes rest on it,
 * so no program updates or deletes an event.  An event's detail is a
 * flat JSON object that core writes and reads (qh/buf.h); the store keeps
 * it as written and never interprets it. */
/* Append ev (in the caller's transaction) and set ev->id.  A ticket's
 * `issued` event becomes the one the ticket links (the reports and the
 * event walks start there); a second one for the same ticket is refused
 * with QH_E_STATE. */
int qh_store_event_add(struct qh_store *s, struct qh_event_row *ev,
                       char *err, size_t errlen);
/* Up to max events with id > after, in id order; returns the count. */
int qh_store_events_since(struct qh_store *s, int64_t after,
                          struct qh_event_row *out, int max,
                          char *err, size_t errlen);
/* The same for the events of one ticket after its `issued` (the cost must
 * be that ticket's events, not the day's). */
int qh_store_events_of_ticket(struct qh_store *s, int64_t ticket, int64_t after,
                              struct qh_event_row *out, int max,
                              char *err, size_t errlen);
/* The id of the last event (0: none) into *out; 0 or < 0.  A caller that
 * follows the log from there must not start from 0 on failure: that would
 * replay the whole log. */
int qh_store_last_event_id(struct qh_store *s, int64_t *out, char *err,
                           size_t errlen);
/* The last event this handle wrote (qh_store_event_add, or the expiries of
 * qh_store_expire_before) in the write transaction now open, 0 if none yet
 * or none is open; and in its last write transaction that committed, 0 if
 * none has since the open or if that id may name two events (a backend
 * may give the id of a rolled-back event again: the SQLite backend does),
 * so that a non-zero committed id names one event only.  Every change is
 * committed with its event and ids order the log, so a caller that kept
 * the id its transaction wrote knows, in a later one, that nothing but
 * itself has changed anything since: that id is still the last it
 * committed and the first event after it is the new transaction's own
 * (the estimate's cache, stats.c). */
int64_t qh_store_tx_event(const struct qh_store *s);
int64_t qh_store_committed_event(const struct qh_store *s);

/* ---- windows ---- */
int qh_store_window_get(struct qh_store *s, int number,
                        struct qh_window_row *out);    /* 0 or NOTFOUND */
int qh_store_window_put(struct qh_store *s, const struct qh_window_row *w,
                        char *err, size_t errlen);
/* The window where staff is logged in, 0 if none, or < 0. */
int qh_store_window_of_staff(struct qh_store *s, const char *staff);

/* ---- staff ---- */
int qh_store_staff_add(struct qh_store *s, const struct qh_staff_row *st,
                       char *err, size_t errlen);      /* QH_E_EXISTS */
int qh_store_staff_get(struct qh_store *s, const char *id,
                       struct qh_staff_row *out);
int qh_store_staff_update(struct qh_store *s, const struct qh_staff_row *st,
                          char *err, size_t errlen);
int qh_store_staff_each(struct qh_store *s,
                        int (*fn)(const struct qh_staff_row *, void *),
                        void *ud);                    /* the count, or < 0 */

/* ---- staff photos ---- */
/* Set staff's photo, or remove it (p->b64 NULL). */
int qh_store_staff_photo_put(struct qh_store *s, const struct qh_staff_photo *p,
                             char *err, size_t errlen);
/* 0 with out->b64 malloc'd, QH_E_NOTFOUND, or < 0. */
int qh_store_staff_photo_get(struct qh_store *s, const char *staff,
                             struct qh_staff_photo *out);

/* ---- ticket tokens (the slip's QR to the phone page) ---- */
/* Each ticket's token is written once, in the transaction that issues it. */
int qh_store_token_put(struct qh_store *s, int64_t ticket, const char *token,
                       char *err, size_t errlen);
/* 0 and *ticket, or QH_E_NOTFOUND. */
int qh_store_token_find(struct qh_store *s, const char *token, int64_t *ticket);
/* 0 with the ticket's token in out, or QH_E_NOTFOUND. */
int qh_store_token_get(struct qh_store *s, int64_t ticket, char *out, size_t outlen);

/* ---- login lock-out ---- */
/* 0, or QH_E_NOTFOUND with *out zero but for its staff and device (no
 * wrong PIN counted), or QH_E_DB/QH_E_BUSY. */
int qh_store_login_lock_get(struct qh_store *s, const char *staff,
                            const char *device, struct qh_login_lock *out);
int qh_store_login_lock_put(struct qh_store *s, const struct qh_login_lock *l,
                            char *err, size_t errlen);
/* Forget the rows of staff on device (NULL: every row): the count removed. */
int qh_store_login_lock_clear(struct qh_store *s, const char *staff,
                              const char *device, char *err, size_t errlen);
/* Each row of staff, QH_LOCK_ALL first; fn returns nonzero to stop.
 * The rows seen, or QH_E_DB/QH_E_BUSY. */
int qh_store_login_lock_each(struct qh_store *s, const char *staff,
                             int (*fn)(const struct qh_login_lock *, void *),
                             void *ud);

/* ---- appointments ---- */
int qh_store_appointment_add(struct qh_store *s, struct qh_appointment *a,
                             char *err, size_t errlen); /* QH_E_EXISTS */
int qh_store_appointment_get(struct qh_store *s, const char *code,
                             struct qh_appointment *out);
int qh_store_appointment_update(struct qh_store *s,
                                const struct qh_appointment *a,
                                char *err, size_t errlen);

/* ---- ratings ---- */
/* The ticket's last rating (a 办不成 case may be rated at each window),
 * 0 or QH_E_NOTFOUND. */
int qh_store_rating_of_ticket(struct qh_store *s, int64_t ticket,
                              struct qh_rating_row *out);
/* Write r's appeal (decided_at 0: appeal, appeal_reason, appeal_at) or
 * its decision (appeal, decided_by, decision_reason, decided_at), on the
 * row r->id. */
int qh_store_rating_appeal(struct qh_store *s, const struct qh_rating_row *r,
                           char *err, size_t errlen);
/* A rating row for r->ticket, which it marks rated (that column alone);
 * QH_E_STATE if the ticket is rated already. */
int qh_store_rating_add(struct qh_store *s, const struct qh_rating_row *r,
                        char *err, size_t errlen);

/* ---- heartbeats ---- */
/* Record that a program is alive (its own statement, outside any
 * transaction: not an event). */
int qh_store_heartbeat(struct qh_store *s, const struct qh_heartbeat *hb,
                       char *err, size_t errlen);
int qh_store_heartbeat_each(struct qh_store *s,
                            int (*fn)(const struct qh_heartbeat *, void *),
                            void *ud);

/* ---- what the statistics read ----
 * The SQLite backend prepares these statements on first use
 * (store_stats.c). */
/* Events of the tickets of days from..to, grouped by ticket: each
 * ticket's events together, in id order, its issued event first; the
 * order of the tickets is the backend's (callers rely on none: the SQLite
 * backend walks a range of its packed ticket ids, so by day, queue and
 * number).  fn gets the ticket's day too.  Returns the number of events
 * or < 0. */
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
/* The same, summed per (service, queue): count and seconds (cases capped
 * at two hours). */
int qh_store_stats_handled_sum(struct qh_store *s, const char *from,
                               const char *to,
                               int (*fn)(const char *service, const char *queue,
                                         int n, double sum_s, void *),
                               void *ud);
/* Events of `type` logged after event *after, up to the log's end as it
 * is now (where *after is left, whether any was of that type or not), in
 * log order, every one (fn's return is not a stop).  The count, or < 0
 * with *after as it was.  The details are handed over as written: what
 * they say is the caller's to read. */
int qh_store_stats_events_since(struct qh_store *s, const char *type,
                                int64_t *after,
                                int (*fn)(const struct qh_event_row *, void *),
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

/* ---- maintenance ---- */
/* The backend's own integrity check plus the lifecycle invariants (one
 * open ticket per window, unique numbers per day, sequences match tickets,
 * every ticket has an issued event, states agree with the last event ...).
 * Each problem is a line in report; returns the number of problems (0 =
 * healthy) or < 0: a store the backend finds damaged is QH_E_CORRUPT (its
 * findings in report and err), not a list of problems.  Reads only, in
 * one read transaction.  The SQLite backend: PRAGMA integrity_check and
 * foreign_key_check first, then its own layout (packed ids, lanes,
 * waiting counters). */
int qh_store_check(struct qh_store *s, char *report, size_t reportlen,
                   char *err, size_t errlen);
/* Fold what the backend has logged ahead into the store proper (a backend
 * with nothing to fold returns 0).  Returns 0, or QH_E_BUSY when readers
 * keep it from finishing.  The SQLite backend: a WAL checkpoint; with
 * truncate the -wal file is also cut to zero bytes (its inode stays, so
 * the change feed's watch survives). */
int qh_store_checkpoint(struct qh_store *s, int truncate,
                        char *err, size_t errlen);
/* Online backup to a new file, created exclusively 0600 (0640 in a setgid
 * directory): QH_E_EXISTS if path exists, and nothing is left on failure.
 * Writers are not held off for the whole copy.  The backup is a SQLite
 * file whatever the backend (a server's hall is copied into one, as
 * qh_store_copy does), so any PC can open, check or restore it. */
int qh_store_backup(struct qh_store *s, const char *path,
                    char *err, size_t errlen);

/* Erase the personal free text of everything before `before` (ms), in the
 * caller's write transaction (qh_store_begin): the names of appointments
 * whose slot was before it, the reasons, appeal and decision texts of
 * ratings given before it, the reasons and results of follow-ups opened
 * before it, and in the event log the same texts (a finish's or a
 * transfer's note, a rating's or an appeal's reason, a follow-up's
 * result) of events before it, each blanked to "".  Every other column
 * and key stays, so every count, time and score the statistics read is
 * as it was.  The event log is append-only: this is the one rewrite it
 * allows, and only of those texts.  counts: the rows changed. */
struct qh_purge_counts;
int qh_store_purge(struct qh_store *s, int64_t before, struct qh_purge_counts *out,
                   char *err, size_t errlen);

/* Put the backup file `backup` (a SQLite file of qh_store_backup) in
 * place of the database path.  Unless force, refuses (QH_E_STATE) while a
 * program holds path open (qh_store_holder).  The backup is copied beside
 * path and the copy checked before anything else is touched: damaged or
 * not a database QH_E_CORRUPT, not a hall's QH_E_PARSE, a schema newer
 * than this build QH_E_STATE; an older one is migrated on the copy.  Then
 * the file path was gets a second name, path.before-restore-YYYYMMDD-
 * HHMMSS (0600, the PC's local time; into kept, "" when there was no
 * file) and the copy is renamed over path (fsync'd first: atomic).  The
 * backup itself is never written.  Returns the backup's schema version.
 * A server (postgresql://) is not restored here: QH_E_USAGE, saying how
 * (qhall copy into a new database). */
int qh_store_restore(const char *path, const char *backup, int force, enum qh_lang lang,
                     char *kept, size_t keptlen, char *err, size_t errlen);
/* The pid of a program on this PC that holds the SQLite database path
 * open (who: "1234 (qhall-display)"), 0 when none does (or path is a
 * server's, whose sessions are the server's to tell), < 0 if it cannot be
 * told. */
int qh_store_holder(const char *path, char *who, size_t n);
/* What a database is (struct qh_db_probe, qh/record.h), read without
 * migrating or writing anything: 0 and *out filled; QH_E_NOTFOUND (no
 * such database), or what reaching it failed with.  A file that is not a
 * database, or a damaged one, is 0 with integrity 0 and what was found. */
int qh_store_probe(const char *path, enum qh_lang lang, struct qh_db_probe *out,
                   char *err, size_t errlen);

/* ---- moving a hall between stores ----
 * A hall that began on one PC's SQLite file moves to a server (and a
 * server's hall is backed up to a file) row for row: every table of the
 * hall, history and all, with every id kept, so what the log says of a
 * ticket still names that ticket. */
/* Copy every row of from into to, which must be blank (qh_store_is_blank;
 * QH_E_STATE otherwise): one read transaction of from (one snapshot,
 * whoever writes meanwhile) and one write transaction of to, so a copy
 * that fails leaves to as blank as it was.  counts (QH_STORE_TABLES of
 * them, qh/record.h) get the rows of each table copied. */
int qh_store_copy(struct qh_store *from, struct qh_store *to,
                  struct qh_store_rows *counts, char *err, size_t errlen);
/* The rows each of those tables holds now, in the same order, in one read
 * transaction: what a copy is checked by. */
int qh_store_count(struct qh_store *s, struct qh_store_rows *counts,
                   char *err, size_t errlen);

#endif
