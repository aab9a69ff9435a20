/* feed.h: the change feed as programs see it: a descriptor to put in a
 * poll() or SDL loop, and the new events by id when it wakes.
 *
 * Every event after `after` is handed over once, in id order, however
 * often the feed's wake-ups are lost or doubled: the event log is the
 * truth, a wake-up only says "look".  How the backend wakes the feed
 * (an inotify watch on the SQLite file, a notification from a server)
 * is its own business; the longest sleep is qh_feed_timeout_ms(). */
#ifndef QH_FEED_H
#define QH_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "qh/record.h"

struct qh_store;
struct qh_feed;

/* Follow the database of s (read through s), from the events after
 * `after` (qh_hall_last_event: from now on). */
int qh_feed_open(struct qh_feed **out, struct qh_store *s, int64_t after,
                 char *err, size_t errlen);
void qh_feed_close(struct qh_feed *f);              /* NULL is a no-op */
int qh_feed_fd(const struct qh_feed *f);
int qh_feed_timeout_ms(const struct qh_feed *f);
/* Up to max new events (0 when nothing new); call again while it
 * returns max. */
int qh_feed_read(struct qh_feed *f, struct qh_event_row *evs, int max,
                 char *err, size_t errlen);
/* Block up to timeout_ms (-1: forever) for new events: the count. */
int qh_feed_wait(struct qh_feed *f, int timeout_ms, struct qh_event_row *evs,
                 int max, char *err, size_t errlen);
/* The id of the last event handed over. */
int64_t qh_feed_last(const struct qh_feed *f);

#endif
