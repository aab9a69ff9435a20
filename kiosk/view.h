/* view.h: the kiosk drawn with qh_ui (common/media).  Reads the model,
 * never changes it; remembers where it drew each button, so a touch at (x, y) maps to
 * the (button, argument) the model understands.
 *
 * Sizes are for 1080 pixels across the short side (portrait 1080x1920 or
 * landscape 1920x1080) and scale with it: main text 40 px or more, buttons
 * at least 100 px tall, nothing under 60x60 (适老化). */
#ifndef QH_KIOSK_VIEW_H
#define QH_KIOSK_VIEW_H

#include <SDL.h>

#include "qh/ui.h"

#include "model.h"

struct qh_kiosk_view;

struct qh_kiosk_target {
    SDL_Rect r;
    enum qh_kiosk_btn b;
    int arg;
};

int qh_kiosk_view_new(struct qh_kiosk_view **out, SDL_Renderer *r,
                      char *err, size_t errlen);
void qh_kiosk_view_free(struct qh_kiosk_view *v);     /* NULL is a no-op */
struct qh_ui *qh_kiosk_view_ui(struct qh_kiosk_view *v);

/* List rows and keys a page of `screen` holds at w x h (for the model). */
void qh_kiosk_view_page_sizes(int w, int h, enum qh_kiosk_screen screen,
                              int *rows, int *keys);

/* Draw the model's screen into the renderer's w x h output. */
void qh_kiosk_view_draw(struct qh_kiosk_view *v, const struct qh_kiosk_model *m);

/* The button under (x, y) in the last frame: 1 and *b, *arg, or 0. */
int qh_kiosk_view_hit(const struct qh_kiosk_view *v, int x, int y,
                      enum qh_kiosk_btn *b, int *arg);
/* Every button of the last frame (borrowed). */
int qh_kiosk_view_targets(const struct qh_kiosk_view *v,
                          const struct qh_kiosk_target **t);

#endif
