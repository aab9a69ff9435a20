/* watch.h: the change feed.  Tells a program that the database changed and
 * hands it the new events by id.
 *
 * qh_watch_fd() is an inotify descriptor on the database's directory (it
 * sees the -wal file being written); put it in your poll()/SDL loop with
 * qh_watch_timeout_ms() as the longest sleep.  When it is readable, or the
 * timeout passed, call qh_watch_read().  An inotify event arrives before
 * the commit is visible, so qh_watch_read() re-checks PRAGMA data_version
 * in short steps (up to ~20 ms) before giving up; a slow fallback timeout
 * covers lost events.  No busy polling. */
#ifndef QH_WATCH_H
#define QH_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "qh/store.h"

struct qh_watch;

/* Watch the database of `s` (the watch reads through s), delivering events
 * with id > after. */
int qh_watch_open(struct qh_watch **out, struct qh_store *s, int64_t after,
                  char *err, size_t errlen);
void qh_watch_close(struct qh_watch *w);            /* NULL is a no-op */
int qh_watch_fd(const struct qh_watch *w);
int qh_watch_timeout_ms(const struct qh_watch *w);
/* Drain pending notifications and return up to max new events (0 when
 * nothing new). Call again while it returns max. */
int qh_watch_read(struct qh_watch *w, struct qh_event_row *evs, int max,
                  char *err, size_t errlen);
/* Block up to timeout_ms (-1: forever) for new events; returns the count. */
int qh_watch_wait(struct qh_watch *w, int timeout_ms,
                  struct qh_event_row *evs, int max, char *err, size_t errlen);
/* Id of the last event delivered. */
int64_t qh_watch_last(const struct qh_watch *w);

#endif
