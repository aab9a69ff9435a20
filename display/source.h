/* source.h: where the display's state comes from: a snapshot read through
 * the service API, and the heartbeat that tells `qhall status` the screen is
 * alive. */
#ifndef QH_DISPLAY_SOURCE_H
#define QH_DISPLAY_SOURCE_H

#include <stddef.h>

#include "model.h"
#include "qh/hall.h"

/* Read the hall, windows, waiting counts, recent calls and (for window
 * mode) the next numbers.  0, or < 0 with err when the database cannot be
 * read (QH_E_DB, QH_E_NOTFOUND when it has no hall). */
int qh_display_source_snapshot(struct qh_store *s, struct qh_dm_snapshot *snap,
                               char *err, size_t errlen);

/* The heartbeat: a thread with its own connection writes
 * {name, "display", now, info} every interval_ms, as long as the loop
 * has called qh_display_beat_alive() within stall_ms (a frozen loop must
 * look dead, not alive).  It never creates the database. */
struct qh_display_beat;
int qh_display_beat_start(struct qh_display_beat **out, const char *path,
                          const char *name, int interval_ms, int stall_ms,
                          char *err, size_t errlen);
/* From the loop: "I am alive, and this is what I show / what is wrong". */
void qh_display_beat_alive(struct qh_display_beat *b, const char *info);
/* Beats written so far (tests). */
int qh_display_beat_count(struct qh_display_beat *b);
void qh_display_beat_stop(struct qh_display_beat *b);   /* NULL is a no-op */

#endif
