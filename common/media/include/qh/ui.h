/* ui.h: what the three screens share for drawing: CJK fonts found through
 * fontconfig, cached text textures, a log of every text box drawn (so
 * tests can check layout on the real frame), contrast, PNG screenshots and
 * a windowless renderer for headless runs; and the thread that wakes an
 * SDL loop for the change feed (ui_wake.c).
 *
 * Built as its own library (qh_ui, SDL2 + SDL2_ttf + SDL2_image +
 * fontconfig) so that core and the CLI stay free of SDL.  Views draw
 * with it; models never see it.
 *
 * Sizes are pixels: `px` is the font's em size in pixels (CJK glyphs are
 * about that tall).  Not thread-safe: one qh_ui per renderer. */
#ifndef QH_UI_H
#define QH_UI_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

struct qh_ui;

struct qh_ui_color {
    uint8_t r, g, b, a;
};

enum qh_ui_align { QH_UI_LEFT, QH_UI_CENTER, QH_UI_RIGHT };

enum { QH_UI_REGULAR = 0, QH_UI_BOLD = 1 };

/* One text box as drawn, for layout tests. */
struct qh_ui_box {
    SDL_Rect r;               /* the ink box's frame (TTF line box) */
    int px;
    int weight;
    struct qh_ui_color fg;
    char text[96];            /* cut at a code point boundary */
};

/* Find a font file by fontconfig pattern ("sans-serif:lang=zh-cn").
 * QHALL_FONT=/path.ttc[:index] overrides.  0 or QH_E_NOTFOUND. */
int qh_ui_font_find(const char *pattern, char *path, size_t pathlen,
                    int *index, char *err, size_t errlen);

/* The font Chinese text is drawn with (Noto Sans CJK SC, else
 * WenQuanYi, else any font fontconfig offers for zh-cn that has the
 * glyphs), regular or bold: 0 with its file and face index, QH_E_NOTFOUND
 * (install fonts-noto-cjk), QH_E_IO.  Calls TTF_Init. */
int qh_ui_font_chinese(int bold, char *path, size_t pathlen, int *index,
                       char *err, size_t errlen);

/* Fonts for Chinese text (qh_ui_font_chinese), regular and bold. */
int qh_ui_new(struct qh_ui **out, SDL_Renderer *r, char *err, size_t errlen);
void qh_ui_free(struct qh_ui *ui);                 /* NULL is a no-op */
SDL_Renderer *qh_ui_renderer(const struct qh_ui *ui);

/* Size of a line of text. */
int qh_ui_measure(struct qh_ui *ui, const char *text, int px, int weight,
                  int *w, int *h);
/* The largest size <= px (and >= min_px) at which text fits in maxw;
 * min_px when even that does not fit. */
int qh_ui_fit(struct qh_ui *ui, const char *text, int px, int min_px,
              int weight, int maxw);
/* Draw one line: x is the left edge, centre or right edge by align, y the
 * top.  Returns the box drawn (w = 0 for empty text).  Textures are
 * cached by (text, px, weight, colour). */
SDL_Rect qh_ui_text(struct qh_ui *ui, const char *text, int px, int weight,
                    struct qh_ui_color fg, int x, int y, enum qh_ui_align align);
void qh_ui_fill(struct qh_ui *ui, SDL_Rect r, struct qh_ui_color c);

/* Start a frame at now_ms on the screen's clock (the hall's; 0 while
 * unknown): clears the box log; now and then drops the texts not drawn
 * for QH_UI_CACHE_AGE_MS of that clock.  The hall's, not SDL's: a
 * simulated day (the soak) ages the cache as a day does. */
void qh_ui_frame_begin(struct qh_ui *ui, int64_t now_ms);
/* A text not drawn for this long leaves the cache: whatever a screen
 * shows is redrawn at least every minute (its clock). */
#define QH_UI_CACHE_AGE_MS (3 * 60 * 1000)
/* The boxes drawn since qh_ui_frame_begin (borrowed). */
int qh_ui_boxes(const struct qh_ui *ui, const struct qh_ui_box **boxes);
/* The text cache's bound on its pixels' bytes. */
#define QH_UI_CACHE_BYTES (16u << 20)
/* Cached textures now held, and their bytes if `bytes` is not NULL (for
 * tests of the cache). */
int qh_ui_cache_size(const struct qh_ui *ui, size_t *bytes);

/* WCAG 2 contrast ratio of two colours (1 to 21). */
double qh_ui_contrast(struct qh_ui_color a, struct qh_ui_color b);
/* The commonest colour inside r of the renderer's current target: the
 * background behind a text box. */
struct qh_ui_color qh_ui_background(SDL_Renderer *r, SDL_Rect rect);

/* Read the renderer's pixels and write a PNG. */
int qh_ui_save_png(SDL_Renderer *r, const char *path, char *err, size_t errlen);

/* A software renderer drawing into a w x h surface: no window, no video
 * driver (used by --screenshot and the tests). */
int qh_ui_offscreen(int w, int h, SDL_Surface **surface, SDL_Renderer **r,
                    char *err, size_t errlen);

/* ---- waking the loop (ui_wake.c) ----
 * A thread that pushes an SDL event of type `event` when the watched fd
 * (the change feed's, qh_feed_fd) turns readable, then waits until the
 * loop calls qh_ui_waker_rearm (after reading the feed), and whenever
 * sig_fd (a signal pipe's read end, or -1) turns readable, after draining
 * it.  It starts watching no fd. */
struct qh_ui_waker;
int qh_ui_waker_start(struct qh_ui_waker **out, Uint32 event, int sig_fd,
                      char *err, size_t errlen);
void qh_ui_waker_set_fd(struct qh_ui_waker *w, int fd);   /* -1: none */
void qh_ui_waker_rearm(struct qh_ui_waker *w);            /* NULL: no-op */
void qh_ui_waker_stop(struct qh_ui_waker *w);             /* NULL: no-op */
/* A non-blocking pipe for a signal handler to write a byte to. */
int qh_ui_signal_pipe(int fds[2], char *err, size_t errlen);
/* fn for SIGINT and SIGTERM (systemd's stop), with no flags: a wait it
 * interrupts returns. */
void qh_ui_catch_stop(void (*fn)(int));

#endif
