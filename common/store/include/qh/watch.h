/* watch.h: the change feed.  Tells a program that the store changed and
 * hands it the new events by id.
 *
 * What a backend guarantees: events are handed over in id order, each
 * once, and none is lost, whoever committed it (this handle included).
 * The feed is a position in the log, the id of the last event delivered
 * (qh_watch_last), and the log is the truth: a wake-up only says "look".
 * So a reconnect loses nothing: close the watch (and the store if need
 * be), reopen, and open a new watch after the last id seen.  Delivery may
 * lag a commit by a short while, never by more than the fallback timeout;
 * an idle program does not poll the store busily.
 *
 * Use: put qh_watch_fd() in your poll()/SDL loop with qh_watch_timeout_ms()
 * as the longest sleep (fd -1: sleep that long and call anyway); when it
 * is readable, or the timeout passed, call qh_watch_read().
 *
 * The SQLite backend (watch.c): the fd is inotify on the database's
 * directory, which sees the -wal file being written.  An inotify event
 * arrives before the commit is visible, so qh_watch_read() re-checks
 * PRAGMA data_version in short steps (up to ~20 ms) before giving up; a
 * 1 s fallback timeout covers lost events; without inotify it polls every
 * 100 ms. */
#ifndef QH_WATCH_H
#define QH_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "qh/store.h"

struct qh_watch;

/* Watch the store of `s` (the watch reads through s), delivering events
 * with id > after: pass the last id seen to resume after a reconnect. */
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
