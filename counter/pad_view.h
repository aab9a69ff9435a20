/* pad_view.h: the rating pad drawn with qh_ui (common/media).  Reads the
 * model, never changes it; remembers where it drew each button, so a
 * touch or a click at (x, y) maps to the (button, argument) the model
 * understands.
 *
 * Laid out for the small screens that face the citizen (800x480,
 * 1024x600, 1280x800, landscape or portrait) in units of the short side
 * / 480, with the kiosk's 适老化 rules: text at 30 px or more at 1080 px
 * (22 px and up at 480), every target at least 60x60, contrast 4.5:1,
 * and faces that carry their words, not colour alone. */
#ifndef QH_COUNTER_PAD_VIEW_H
#define QH_COUNTER_PAD_VIEW_H

#include <SDL.h>

#include "qh/ui.h"

#include "pad.h"

struct qh_pad_view;

struct qh_pad_target {
    SDL_Rect r;
    enum qh_pad_btn b;
    int arg;
};

int qh_pad_view_new(struct qh_pad_view **out, SDL_Renderer *r, char *err, size_t errlen);
void qh_pad_view_free(struct qh_pad_view *v);     /* NULL is a no-op */
struct qh_ui *qh_pad_view_ui(struct qh_pad_view *v);

/* The staff member's photo (a PNG or JPEG file's bytes) for the idle
 * screen, or the neutral placeholder (data NULL, or one that does not
 * decode: -1). */
int qh_pad_view_photo(struct qh_pad_view *v, const void *data, size_t len);

/* Draw the model's screen into the renderer's output. */
void qh_pad_view_draw(struct qh_pad_view *v, const struct qh_pad_model *m);

/* The button under (x, y) in the last frame: 1 and *b, *arg, or 0. */
int qh_pad_view_hit(const struct qh_pad_view *v, int x, int y, enum qh_pad_btn *b, int *arg);
/* Every button of the last frame (borrowed). */
int qh_pad_view_targets(const struct qh_pad_view *v, const struct qh_pad_target **t);

#endif
