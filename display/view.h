/* view.h: draws the hall display's model with qh_ui (common/media).
 * Reads the model, never changes it.
 *
 * Layout is computed from the output size on every frame: landscape when
 * wider than tall, portrait otherwise, and a compact layout for window
 * mode.  Every text is fitted into its own rectangle and the rectangles
 * do not overlap, so nothing can cover anything else at any size; the
 * called number gets the largest type (at least 1/8 of the height). */
#ifndef QH_DISPLAY_VIEW_H
#define QH_DISPLAY_VIEW_H

#include <SDL.h>

#include "model.h"
#include "qh/ui.h"

struct qh_display_view;

/* Fonts via qh_ui_new (QH_E_NOTFOUND without a Chinese font). */
int qh_display_view_new(struct qh_display_view **out, SDL_Renderer *r,
                        char *err, size_t errlen);
void qh_display_view_free(struct qh_display_view *v);   /* NULL is a no-op */
struct qh_ui *qh_display_view_ui(struct qh_display_view *v);

/* Draw one whole frame of m at w x h (does not present). */
void qh_display_view_draw(struct qh_display_view *v,
                          const struct qh_display_model *m, int w, int h);

/* The notice line scrolls when it does not fit its band (a marquee drawn
 * from one cached texture, clipped to the band).  Its text boxes in the
 * box log are then wider than the band and may start left of it: only the
 * part inside `band` is visible, and layout checks must look at that.
 * Returns 1 and the band if the last frame's notice scrolls, else 0 and
 * an empty band. */
int qh_display_view_notice(const struct qh_display_view *v, SDL_Rect *band);

/* Milliseconds to the next marquee frame; max_ms when nothing scrolls, so
 * a hall whose notice fits still sleeps until a real change. */
int qh_display_view_wake_ms(const struct qh_display_view *v, int64_t now, int max_ms);

/* Redraw only the notice band for m->now, on top of the last frame (which
 * must still be in the target: an offscreen surface or a software
 * window).  Returns 1 if it drew (the offset moved), 0 if nothing to do.
 * The box log then holds the band's texts only. */
int qh_display_view_draw_notice(struct qh_display_view *v,
                                const struct qh_display_model *m);

/* The box of the called number in the last frame (w = 0 if none). */
SDL_Rect qh_display_view_number_box(const struct qh_display_view *v);

#endif
