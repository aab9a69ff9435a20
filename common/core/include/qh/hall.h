/* hall.h: a program's connection to its hall, through the service API.
 *
 * Programs and the CLI hold a `struct qh_store *` as an opaque handle:
 * they open it, read and act through it with the functions of core
 * (this header, qh/ticket.h, qh/stats.h, qh/policy.h, qh/feed.h), and
 * never see the store's own header.  What a function here returns is as
 * the store has it at that moment, read in one statement (or in the
 * snapshot of qh_hall_snapshot_begin).
 *
 * Errors as everywhere: 0 (or a count) or a negative QH_E_*, with a
 * message in err where there is one. */
#ifndef QH_HALL_H
#define QH_HALL_H

#include <stddef.h>
#include <stdint.h>

#include "qh/conf.h"
#include "qh/err.h"
#include "qh/record.h"

struct qh_store;

/* ---- connection ---- */

/* READONLY: never writes (nor migrates); EXISTING: opens only a database
 * that exists and is not empty, never creating one (the screens); both
 * refuse a missing or empty one with QH_E_NOTFOUND.  EN: the messages of
 * the open itself in English. */
enum { QH_OPEN_READONLY = 1, QH_OPEN_EXISTING = 2, QH_OPEN_EN = 4 };

/* Where every program finds the database: `given` (--db) if set, else
 * $QHALL_DB, else $XDG_STATE_HOME/qhall/qhall.db, else
 * ~/.local/state/qhall/qhall.db.  *fallback (may be NULL) tells the
 * caller that neither named it, so its directory may not exist yet.
 * A server's URI with a password in it is refused (QH_E_USAGE). */
int qh_hall_find_db(const char *given, char *out, size_t n, int *fallback,
                    char *err, size_t errlen);
/* Before opening: refuses (QH_E_IO) a database others could write, and
 * tightens one others could read; 1 when err holds what it changed or
 * advises, for the program to say. */
int qh_hall_check_perms(const char *path, enum qh_lang lang,
                        char *err, size_t errlen);
/* Open the hall's database (creating and migrating it unless READONLY
 * or EXISTING).  A new database has no hall until qh_hall_init. */
int qh_hall_open(struct qh_store **out, const char *path, int flags,
                 char *err, size_t errlen);
void qh_hall_close(struct qh_store *s);           /* NULL is a no-op */
const char *qh_hall_db_path(const struct qh_store *s);
/* The database's name as a program may show or log it: a server's URI
 * without its password (user:PASSWORD@, a password= parameter), a file's
 * path as it is.  Writes at most n bytes to out (cut if need be) and
 * returns out. */
char *qh_hall_db_display(const char *db, char *out, size_t n);
/* 1 when db is a server's URI that carries a password: qh_hall_find_db
 * refuses it (QH_E_USAGE), for a password belongs in libpq's password
 * file, not on a command line or in the environment. */
int qh_hall_db_has_password(const char *db);
/* Language of the messages the service API writes into err buffers. */
void qh_hall_set_lang(struct qh_store *s, enum qh_lang lang);
enum qh_lang qh_hall_lang(const struct qh_store *s);
/* Who acts ("cli", "kiosk:1", "counter:3" ...), recorded in each event. */
void qh_hall_set_actor(struct qh_store *s, const char *actor);
/* How long a write waits for another program's lock before it is
 * refused (QH_E_BUSY): the program's answer time (QH_BUSY_KIOSK_MS for a
 * citizen, QH_BUSY_COUNTER_MS for a clerk; 10 s unless set).
 * QHALL_BUSY_MS, when set, overrides it. */
void qh_hall_set_busy_ms(struct qh_store *s, int ms);
/* A kiosk's refusal must be on screen within 3 s of the tap, a
 * counter's within 5 s: the wait for the lock, plus a heartbeat's short
 * wait (250 ms) and the program's own work, with room to spare on a slow
 * PC.  A commit holds the lock for milliseconds: only a stuck holder is
 * waited out. */
enum { QH_BUSY_KIOSK_MS = 1500, QH_BUSY_COUNTER_MS = 3000 };

/* ---- the hall ---- */

/* 1 if the database has a hall (as loaded: never fails). */
int qh_hall_exists(struct qh_store *s);
/* 1 when db names a database server's (postgresql://...), 0 for a file:
 * a program watches a file's place on disk, never a server's. */
int qh_hall_is_server(const char *db);
/* The hall's clock (qh_store_now): what every change is stamped with. */
int64_t qh_hall_now(struct qh_store *s);
/* The hall as loaded, reloaded when another program changed it (at each
 * write, and at qh_hall_reload).  Borrowed, valid until the next call. */
const struct qh_hall_conf *qh_hall_config(struct qh_store *s);
/* The current service day ("YYYY-MM-DD") in the hall's time zone. */
void qh_hall_today(struct qh_store *s, char day[11]);
/* Reload now; on failure the hall loaded before stays. */
int qh_hall_reload(struct qh_store *s, char *err, size_t errlen);
/* One snapshot for every read until qh_hall_snapshot_end (a screen's
 * counts, windows and calls of one moment); never blocks a writer. */
int qh_hall_snapshot_begin(struct qh_store *s, char *err, size_t errlen);
void qh_hall_snapshot_end(struct qh_store *s);

/* ---- programs that say they are alive (`qhall status`) ---- */
int qh_hall_heartbeat(struct qh_store *s, const struct qh_heartbeat *hb,
                      char *err, size_t errlen);
int qh_hall_heartbeat_each(struct qh_store *s,
                           int (*fn)(const struct qh_heartbeat *, void *),
                           void *ud);

/* ---- the event log ---- */
/* The id of the last event (0: none).  A caller that follows the log
 * from there must not start from 0 on failure. */
int qh_hall_last_event(struct qh_store *s, int64_t *out,
                       char *err, size_t errlen);
/* Up to max events with id > after, in id order: the count. */
int qh_hall_events_since(struct qh_store *s, int64_t after,
                         struct qh_event_row *out, int max,
                         char *err, size_t errlen);
/* The same for one ticket's events. */
int qh_hall_events_of_ticket(struct qh_store *s, int64_t ticket, int64_t after,
                             struct qh_event_row *out, int max,
                             char *err, size_t errlen);
/* Every event of ticket but its issued one, in id order, to fn (non-zero
 * stops): 0, or < 0 with the reason in err. */
int qh_hall_ticket_events_each(struct qh_store *s, int64_t ticket,
                               int (*fn)(const struct qh_event_row *, void *), void *ud,
                               char *err, size_t errlen);

/* ---- maintenance ---- */
/* The store's own check and the lifecycle invariants: the number of
 * problems, one line each in report (0 healthy), or < 0 (QH_E_CORRUPT). */
int qh_hall_check(struct qh_store *s, char *report, size_t reportlen,
                  char *err, size_t errlen);
/* An online copy to a new file path, private to the hall's account. */
int qh_hall_backup(struct qh_store *s, const char *path,
                   char *err, size_t errlen);
/* The same into dir, as dir/qhall-YYYYMMDD-HHMMSS.db (the hall's clock
 * in this PC's local time; the file 0600): dir is created 0700 if it
 * does not exist, and made 0700 if it is ours and open to others; then
 * the oldest such files beyond keep (>= 1) are deleted, and nothing else
 * in dir is.  path gets the new file's name, *removed how many went.
 * QH_E_EXISTS when a backup of that second is there already. */
int qh_hall_backup_rotate(struct qh_store *s, const char *dir, int keep,
                          char *path, size_t pathlen, int *removed,
                          char *err, size_t errlen);
/* Erase the personal free text older than `days` whole service days (<= 0:
 * the hall's [privacy] keep_days): names of appointments, reasons and
 * appeal texts of ratings, follow-ups' reasons and results, and those
 * texts and the finish and transfer notes in the event log
 * (qh_store_purge).  One operation with its `purged` event (the counts
 * in its detail); counts, times and scores stay, so reports of those
 * days are unchanged.  before_day gets the first day kept. */
int qh_hall_purge(struct qh_store *s, int days, char before_day[11],
                  struct qh_purge_counts *out, char *err, size_t errlen);
/* Put a backup in place of the database db (qh_store_restore in
 * qh/store.h: what is checked, the file kept, the refusals). */
int qh_hall_restore(const char *db, const char *backup, int force, enum qh_lang lang,
                    char *kept, size_t keptlen, char *err, size_t errlen);
/* A program on this PC that holds db open: its pid (who: "pid (name)"),
 * 0 if none, < 0 if that cannot be told. */
int qh_hall_holder(const char *db, char *who, size_t n);
/* What a database is (struct qh_db_probe), read without migrating or
 * writing anything: 0, QH_E_NOTFOUND, or what reaching it failed with. */
int qh_hall_probe(const char *db, enum qh_lang lang, struct qh_db_probe *out,
                  char *err, size_t errlen);
/* Move a hall into a blank store, history and all (qh_store_copy): counts
 * get the rows of each table (QH_STORE_TABLES of them). */
int qh_hall_copy(struct qh_store *from, struct qh_store *to,
                 struct qh_store_rows *counts, char *err, size_t errlen);
/* The rows each table holds now, to check a copy by. */
int qh_hall_count(struct qh_store *s, struct qh_store_rows *counts,
                  char *err, size_t errlen);

/* ---- windows, staff, catalogue, queues: reads ---- */
int qh_window_get(struct qh_store *s, int number,
                  struct qh_window_row *out);          /* 0 or NOTFOUND */
/* The window where staff is logged in, 0 if none, or < 0. */
int qh_window_of_staff(struct qh_store *s, const char *staff);
/* The ticket called or served at window on service day `day`
 * (qh_hall_today), or QH_E_NOTFOUND. */
int qh_window_ticket(struct qh_store *s, const char *day, int window,
                     struct qh_ticket_row *out);

int qh_staff_get(struct qh_store *s, const char *id, struct qh_staff_row *out);
int qh_staff_each(struct qh_store *s,
                  int (*fn)(const struct qh_staff_row *, void *), void *ud);
/* rc of a failed qh_staff_get or qh_staff_each, with its message in err:
 * these reads carry none of their own.  QH_E_STATE there is a database
 * role that may not read the staff (assets/postgresql-roles.sql: a
 * kiosk's or a display's), which the message says. */
int qh_staff_read_err(struct qh_store *s, int rc, char *err, size_t errlen);
/* ---- staff photos (the window's pad shows the one on duty) ---- */
enum { QH_PHOTO_MAX_BYTES = 512 * 1024, QH_PHOTO_MIN_PX = 48, QH_PHOTO_MAX_PX = 4096 };
struct qh_photo {
    char mime[16];                /* image/png | image/jpeg */
    unsigned char *data;          /* the file's bytes, malloc'd */
    size_t len;
    int64_t updated_at;           /* ms: when it was set */
};
/* 0 if data is a PNG or JPEG of at most QH_PHOTO_MAX_BYTES whose header
 * gives a size of QH_PHOTO_MIN_PX..QH_PHOTO_MAX_PX a side (*mime, *w, *h),
 * else QH_E_PARSE and why.  The image is not decoded here. */
int qh_staff_photo_check(const void *data, size_t len, enum qh_lang lang, const char **mime,
                         int *w, int *h, char *err, size_t errlen);
/* Set or remove staff's photo: one operation with a staff_photo event. */
int qh_staff_photo_set(struct qh_store *s, const char *staff, const void *data, size_t len,
                       char *err, size_t errlen);
int qh_staff_photo_remove(struct qh_store *s, const char *staff, char *err, size_t errlen);
/* 0 with out filled (qh_photo_free it), QH_E_NOTFOUND, or < 0. */
int qh_staff_photo_get(struct qh_store *s, const char *staff, struct qh_photo *out);
void qh_photo_free(struct qh_photo *p);

/* The lock-out rows of staff (QH_LOCK_ALL first): the count or < 0. */
int qh_staff_lock_each(struct qh_store *s, const char *staff,
                       int (*fn)(const struct qh_login_lock *, void *),
                       void *ud);

int qh_catalog_get(struct qh_store *s, const char *code,
                   struct qh_service *out);            /* 0 or NOTFOUND */
/* Items of queue (NULL: all) in code order; fn non-zero stops.  The
 * number visited or < 0. */
int qh_catalog_each(struct qh_store *s, const char *queue,
                    int (*fn)(const struct qh_service *, void *), void *ud);

/* The reads of one service day take the day (qh_hall_today) from the
 * caller: a screen or a report that reads several figures reads them all
 * on the day it shows, even when midnight passes while it reads. */
/* Tickets waiting in queue on day, or < 0. */
int qh_queue_waiting(struct qh_store *s, const char *day, const char *queue);
/* The tickets of day in state (-1: all), in issue order, as one array
 * (*rows, the caller frees it; NULL when none): the count, or < 0
 * (QH_E_NOMEM, QH_E_DB) with *rows NULL. */
int qh_ticket_list(struct qh_store *s, const char *day, int state,
                   struct qh_ticket_row **rows);
/* The last `limit` calls of day, the latest first (the event log's
 * order: of two calls in one second the later comes first); fn gets the
 * ticket and the id of its call's event. */
int qh_calls_each(struct qh_store *s, const char *day, int limit,
                  int (*fn)(const struct qh_ticket_row *, int64_t event, void *),
                  void *ud);

#endif
