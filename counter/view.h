/* view.h: the counter terminal drawn with qh_ui (common/media).  Reads
 * the model, never changes it; remembers where it drew each button, so a click or
 * touch at (x, y) maps to the action the model understands.
 *
 * Laid out for 800x480 (a 7" panel beside the business system) and scaled
 * with the smaller of w/800 and h/480; every button shows its keyboard
 * shortcut. */
#ifndef QH_COUNTER_VIEW_H
#define QH_COUNTER_VIEW_H

#include <SDL.h>

#include "qh/ui.h"

#include "model.h"

struct qh_counter_view;

struct qh_counter_target {
    SDL_Rect r;
    enum qh_counter_act a;
    int arg;
    int enabled;
};

int qh_counter_view_new(struct qh_counter_view **out, SDL_Renderer *r,
                        char *err, size_t errlen);
void qh_counter_view_free(struct qh_counter_view *v);     /* NULL is a no-op */
struct qh_ui *qh_counter_view_ui(struct qh_counter_view *v);

/* Draw the model into the renderer's output. */
void qh_counter_view_draw(struct qh_counter_view *v, const struct qh_counter_model *m);

/* The button under (x, y) in the last frame: 1 and *a, *arg, or 0. */
int qh_counter_view_hit(const struct qh_counter_view *v, int x, int y,
                        enum qh_counter_act *a, int *arg);
/* Every button of the last frame (borrowed). */
int qh_counter_view_targets(const struct qh_counter_view *v,
                            const struct qh_counter_target **t);

/* One line of text in at most maxw (shared with the pad's view): fitted
 * down to min_px, then cut with "…", never drawn over its neighbours. */
SDL_Rect qh_counter_line(struct qh_ui *ui, const char *s, int px, int min_px, int weight,
                         struct qh_ui_color fg, int x, int y, int maxw, enum qh_ui_align al);

#endif
