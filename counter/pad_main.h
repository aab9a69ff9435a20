/* pad_main.h: `qhall-counter --pad --window N`, the loop of the rating
 * pad (pad.h), run by main.c once it has found the database and made the
 * renderer: the same connection (qh/app.h), change feed and wake-up as
 * the counter terminal, with the pad's model and view. */
#ifndef QH_COUNTER_PAD_MAIN_H
#define QH_COUNTER_PAD_MAIN_H

#include <signal.h>

#include <SDL.h>

#include "qh/app.h"

struct qh_pad_run {
    struct qh_app *c;           /* found, not yet opened; c->on_state is the pad's */
    int window;
    enum qh_lang lang;
    SDL_Renderer *r;
    SDL_Window *win;            /* NULL: offscreen (--screenshot) */
    const char *screenshot;     /* draw once into this PNG and return */
    const char *shots;          /* running: a PNG here at each new screen */
    int npress;
    const char *const *press;   /* face:N, reason:N, submit, back, lang */
    int debug;
    int sig_fd;                 /* the signal pipe's read end, or -1 */
    volatile sig_atomic_t *quit;
};

/* 0, or the program's exit status: 1 the screenshot's pad shows a
 * refusal, 2 a bad --press, 3 no start (a damaged database, SDL). */
int qh_pad_main(struct qh_pad_run *p);

#endif
