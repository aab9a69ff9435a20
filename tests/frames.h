/* frames.h: the 适老化 measurements of a rendered frame, for the tests of
 * the screens a citizen uses (the kiosk's rules, GB/T 37668 / the
 * issue's numbers): every text box at 30 px or more at 1080 px on the
 * short side, on the glass, at 4.5:1 against what is really behind it
 * (qh_ui_background on the frame), no two overlapping; every touch target
 * at least 60x60 px, apart from the others.  Header-only: each test
 * executable is one source. */
#ifndef QH_TEST_FRAMES_H
#define QH_TEST_FRAMES_H

#include <SDL.h>

#include "testutil.h"
#include "qh/ui.h"

static inline int fr_overlap(SDL_Rect a, SDL_Rect b)
{
    SDL_Rect i;
    return SDL_IntersectRect(&a, &b, &i) && i.w > 1 && i.h > 1;
}

/* The text of the frame drawn on r (w x h) through ui: fails the test,
 * naming the frame `name` and the line, on any rule broken. */
static inline void fr_check_text(struct qh_ui *ui, SDL_Renderer *r, int w, int h,
                                 const char *name)
{
    const struct qh_ui_box *boxes;
    int nb = qh_ui_boxes(ui, &boxes);
    double s = (w < h ? w : h) / 1080.0;
    assert_true(nb > 1);
    for (int i = 0; i < nb; i++) {
        const struct qh_ui_box *b = &boxes[i];
        if (b->px < 30 * s)
            fail_msg("%s: \"%s\" at %d px (< %.1f)", name, b->text, b->px, 30 * s);
        if (b->r.x < 0 || b->r.y < 0 || b->r.x + b->r.w > w || b->r.y + b->r.h > h)
            fail_msg("%s: \"%s\" off the screen at %d,%d %dx%d", name, b->text, b->r.x, b->r.y,
                     b->r.w, b->r.h);
        struct qh_ui_color bg = qh_ui_background(r, b->r);
        double c = qh_ui_contrast(b->fg, bg);
        if (c < 4.5)
            fail_msg("%s: \"%s\" contrast %.2f against #%02x%02x%02x", name, b->text, c, bg.r,
                     bg.g, bg.b);
        for (int j = i + 1; j < nb; j++)
            if (fr_overlap(b->r, boxes[j].r))
                fail_msg("%s: \"%s\" overlaps \"%s\"", name, b->text, boxes[j].text);
    }
}

/* Touch targets: n rects, `stride` bytes apart (an array of the view's
 * target structs whose first member is the SDL_Rect). */
static inline void fr_check_targets(const void *t, int n, size_t stride, int w, int h,
                                    const char *name)
{
    for (int i = 0; i < n; i++) {
        SDL_Rect a = *(const SDL_Rect *)(const void *)((const char *)t + (size_t)i * stride);
        if (a.w < 60 || a.h < 60)
            fail_msg("%s: target %d is %dx%d (< 60x60)", name, i, a.w, a.h);
        if (a.x < 0 || a.y < 0 || a.x + a.w > w || a.y + a.h > h)
            fail_msg("%s: target %d off the screen", name, i);
        for (int j = i + 1; j < n; j++) {
            SDL_Rect b = *(const SDL_Rect *)(const void *)((const char *)t + (size_t)j * stride);
            if (fr_overlap(a, b))
                fail_msg("%s: targets %d and %d overlap", name, i, j);
        }
    }
}

/* 1 if a text box of the frame contains needle. */
static inline int fr_has_text(struct qh_ui *ui, const char *needle)
{
    const struct qh_ui_box *boxes;
    int nb = qh_ui_boxes(ui, &boxes);
    for (int i = 0; i < nb; i++)
        if (strstr(boxes[i].text, needle))
            return 1;
    return 0;
}

#endif
