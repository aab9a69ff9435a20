/* store_internal.h: what the SQLite backend's other files (store_stats.c,
 * store_file.c) share with store.c.  Private to common/store/: nothing
 * above the store sees SQLite. */
#ifndef QH_STORE_INTERNAL_H
#define QH_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "qh/err.h"

struct qh_store;

struct qh_event_row;

sqlite3 *qh_store_db(struct qh_store *s);
/* PRAGMA data_version: changes when another connection commits (watch.c
 * tells a commit it was woken for from one still being written). */
int qh_store_data_version(struct qh_store *s, int64_t *out,
                          char *err, size_t errlen);
/* One row of EVENT_COLS (id, at, type, ticket, number, queue, win, staff,
 * detail) into e. */
void qh_store_event_read(sqlite3_stmt *st, struct qh_event_row *e);
/* store_stats.c's prepared statements on this connection (NULL until it
 * sets them); fini is called with them at close. */
void *qh_store_stats(struct qh_store *s);
void qh_store_stats_set(struct qh_store *s, void *stats, void (*fini)(void *));
/* The ticket ids of the service days from..to ("YYYY-MM-DD"): one range
 * (store.c, migration 5). */
void qh_store_day_span(const char *from, const char *to, int64_t *lo,
                       int64_t *hi);

/* ---- store_file.c ---- */

/* Create path 0600 (0640 in a setgid directory) whatever the umask: 1
 * created, 0 it existed (exclusive: QH_E_EXISTS), QH_E_IO. */
int qh_store_create_private(const char *path, int exclusive, enum qh_lang lang,
                            char *err, size_t errlen);

#endif
