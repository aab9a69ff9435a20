/* view.h: draws the hall display's model with qhall_ui.  Reads the model,
 * never changes it.
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

/* The box of the called number in the last frame (w = 0 if none). */
SDL_Rect qh_display_view_number_box(const struct qh_display_view *v);

#endif
