/* test_ui.c: fonts through fontconfig, cached text, the box log, contrast
 * and PNG screenshots, all on a windowless software renderer; and the
 * thread that wakes a screen's loop, on real pipes. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_image.h>

#include "testutil.h"
#include "qh/ui.h"

static const struct qh_ui_color white = {255, 255, 255, 255};
static const struct qh_ui_color black = {0, 0, 0, 255};
static const struct qh_ui_color navy = {16, 42, 92, 255};

struct fixture {
    SDL_Surface *surf;
    SDL_Renderer *r;
    struct qh_ui *ui;
};

static int setup(void **state)
{
    static struct fixture f;
    char err[QH_ERRLEN];
    if (qh_ui_offscreen(800, 240, &f.surf, &f.r, err, sizeof err) < 0)
        fail_msg("%s", err);
    if (qh_ui_new(&f.ui, f.r, err, sizeof err) < 0)
        fail_msg("%s", err);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    qh_ui_free(f->ui);
    SDL_DestroyRenderer(f->r);
    SDL_FreeSurface(f->surf);
    return 0;
}

static void finds_cjk_font(void **state)
{
    (void)state;
    char path[1024], err[QH_ERRLEN];
    int index = -1;
    assert_int_equal(qh_ui_font_find("sans-serif:lang=zh-cn", path, sizeof path,
                                     &index, err, sizeof err), 0);
    assert_true(strlen(path) > 0);
    assert_true(index >= 0);
    setenv("QHALL_FONT", "/some/font.ttc:3", 1);
    assert_int_equal(qh_ui_font_find("x", path, sizeof path, &index, err, sizeof err), 0);
    assert_string_equal(path, "/some/font.ttc");
    assert_int_equal(index, 3);
    unsetenv("QHALL_FONT");
}

static void draws_and_logs(void **state)
{
    struct fixture *f = *state;
    qh_ui_frame_begin(f->ui, 0);
    qh_ui_fill(f->ui, (SDL_Rect){0, 0, 800, 240}, navy);
    SDL_Rect a = qh_ui_text(f->ui, "请A001号到3号窗口办理", 48, QH_UI_BOLD, white,
                            400, 20, QH_UI_CENTER);
    SDL_Rect b = qh_ui_text(f->ui, "等候", 24, QH_UI_REGULAR, white, 790, 150,
                            QH_UI_RIGHT);
    assert_true(a.w > 48 * 8 && a.w < 48 * 13);   /* 12 glyphs, some narrow */
    assert_true(a.h >= 48 && a.h < 48 * 2);
    assert_int_equal(a.x + a.w / 2, 400);
    assert_int_equal(b.x + b.w, 790);
    const struct qh_ui_box *boxes;
    assert_int_equal(qh_ui_boxes(f->ui, &boxes), 2);
    assert_string_equal(boxes[0].text, "请A001号到3号窗口办理");
    assert_int_equal(boxes[0].px, 48);
    /* Ink really landed inside the box: white pixels on navy. */
    struct qh_ui_color bg = qh_ui_background(f->r, a);
    assert_int_equal(bg.r, navy.r);
    assert_int_equal(bg.b, navy.b);
    uint32_t px[64 * 64];
    SDL_Rect probe = {a.x, a.y, 64, 64};
    assert_int_equal(SDL_RenderReadPixels(f->r, &probe, SDL_PIXELFORMAT_RGBA8888,
                                          px, 64 * 4), 0);
    int bright = 0;
    for (int i = 0; i < 64 * 64; i++)
        bright += (px[i] >> 24) > 200;
    assert_true(bright > 50);
    /* Cached: the same text again makes no new texture. */
    int n = qh_ui_cache_size(f->ui, NULL);
    qh_ui_frame_begin(f->ui, 0);
    qh_ui_text(f->ui, "请A001号到3号窗口办理", 48, QH_UI_BOLD, white, 400, 20, QH_UI_CENTER);
    assert_int_equal(qh_ui_cache_size(f->ui, NULL), n);
    qh_ui_text(f->ui, "请A001号到3号窗口办理", 48, QH_UI_BOLD, black, 400, 20, QH_UI_CENTER);
    assert_int_equal(qh_ui_cache_size(f->ui, NULL), n + 1);
    /* Empty text draws nothing and logs nothing. */
    SDL_Rect e = qh_ui_text(f->ui, "", 30, 0, white, 5, 5, QH_UI_LEFT);
    assert_int_equal(e.w, 0);
    assert_int_equal(qh_ui_boxes(f->ui, &boxes), 2);
    char path[1024], err[QH_ERRLEN];
    snprintf(path, sizeof path, "%s/ui-text.png", tu_artefacts());
    assert_int_equal(qh_ui_save_png(f->r, path, err, sizeof err), 0);
    SDL_Surface *png = IMG_Load(path);
    assert_non_null(png);
    assert_int_equal(png->w, 800);
    assert_int_equal(png->h, 240);
    SDL_FreeSurface(png);
    assert_int_equal(qh_ui_save_png(f->r, "/nonexistent/x.png", err, sizeof err), QH_E_IO);
}

/* A wall screen sees hundreds of new numbers a day in large type: the
 * cache holds them within its bytes, not just its count, and keeps what
 * the frame being drawn uses. */
static void cache_bounded_by_bytes(void **state)
{
    struct fixture *f = *state;
    char text[16];
    size_t bytes, most = 0;
    for (int i = 0; i < 400; i++) {
        qh_ui_frame_begin(f->ui, 0);
        snprintf(text, sizeof text, "A%03d", i);
        qh_ui_text(f->ui, text, 200, QH_UI_BOLD, white, 400, 0, QH_UI_CENTER);
        qh_ui_cache_size(f->ui, &bytes);
        if (bytes > most)
            most = bytes;
    }
    assert_true(most <= QH_UI_CACHE_BYTES);
    assert_true(most > QH_UI_CACHE_BYTES / 2);   /* it did fill, then drop */
    int n = qh_ui_cache_size(f->ui, NULL);
    qh_ui_text(f->ui, "A399", 200, QH_UI_BOLD, white, 400, 0, QH_UI_CENTER);
    assert_int_equal(qh_ui_cache_size(f->ui, NULL), n);
}

/* Texts shown once (a number in a list) leave after the age, however
 * few: the cache of a screen is the same on its fifth day as on its
 * first.  What is drawn all along stays. */
static void cache_ages(void **state)
{
    struct fixture *f = *state;
    char text[16];
    int64_t t0 = 1764000000000;   /* a hall's clock */
    qh_ui_frame_begin(f->ui, t0);
    int base = qh_ui_cache_size(f->ui, NULL);
    for (int i = 0; i < 50; i++) {
        qh_ui_frame_begin(f->ui, t0 + i * 1000);
        snprintf(text, sizeof text, "B%03d", i);
        qh_ui_text(f->ui, text, 24, QH_UI_REGULAR, white, 10, 10, QH_UI_LEFT);
        qh_ui_text(f->ui, "等候人数", 24, QH_UI_REGULAR, white, 10, 50, QH_UI_LEFT);
    }
    assert_int_equal(qh_ui_cache_size(f->ui, NULL), base + 51);
    /* Ten minutes on, redrawing only the label every minute. */
    for (int m = 1; m <= 10; m++) {
        qh_ui_frame_begin(f->ui, t0 + 50000 + m * 60000);
        qh_ui_text(f->ui, "等候人数", 24, QH_UI_REGULAR, white, 10, 50, QH_UI_LEFT);
    }
    assert_int_equal(qh_ui_cache_size(f->ui, NULL), 1);
}

static void fit_and_measure(void **state)
{
    struct fixture *f = *state;
    const char *t = "农村村民宅基地建房审批";
    int w, h;
    assert_int_equal(qh_ui_measure(f->ui, t, 40, 0, &w, &h), 0);
    int px = qh_ui_fit(f->ui, t, 40, 10, 0, w / 2);
    assert_true(px < 40 && px >= 10);
    int w2, h2;
    qh_ui_measure(f->ui, t, px, 0, &w2, &h2);
    assert_true(w2 <= w / 2);
    qh_ui_measure(f->ui, t, px + 1, 0, &w2, &h2);
    assert_true(w2 > w / 2);
    assert_int_equal(qh_ui_fit(f->ui, t, 40, 10, 0, w + 5), 40);
    assert_int_equal(qh_ui_fit(f->ui, t, 40, 10, 0, 3), 10);
}

static void contrast(void **state)
{
    (void)state;
    assert_true(qh_ui_contrast(white, black) > 20.9);
    assert_true(qh_ui_contrast(black, white) > 20.9);
    assert_true(qh_ui_contrast(white, white) < 1.01);
    struct qh_ui_color grey = {119, 119, 119, 255};   /* #777 on white: 4.48 */
    double c = qh_ui_contrast(grey, white);
    assert_true(c > 4.4 && c < 4.6);
    assert_true(qh_ui_contrast(white, navy) >= 4.5);
}

/* 1 if an event of `type` arrives within ms. */
static int woken(Uint32 type, int ms)
{
    Uint32 end = SDL_GetTicks() + (Uint32)ms;
    SDL_Event e;
    for (int left = ms; left > 0; left = (int)(end - SDL_GetTicks()))
        if (SDL_WaitEventTimeout(&e, left) && e.type == type)
            return 1;
    return 0;
}

static void put(int fd)
{
    assert_int_equal(write(fd, "x", 1), 1);
}

/* One wake-up when the watched fd turns readable, then none until the
 * loop re-arms (however long the fd stays readable); one for each byte
 * burst on the signal pipe, which the waker drains; none from an fd no
 * longer watched. */
static void waker(void **state)
{
    (void)state;
    char err[QH_ERRLEN], c;
    int feed[2], sig[2];
    struct qh_ui_waker *w;
    assert_int_equal(SDL_InitSubSystem(SDL_INIT_EVENTS), 0);
    Uint32 ev = SDL_RegisterEvents(1);
    assert_true(ev != (Uint32)-1);
    assert_int_equal(pipe(feed), 0);
    assert_int_equal(qh_ui_signal_pipe(sig, err, sizeof err), 0);
    assert_int_equal(qh_ui_waker_start(&w, ev, sig[0], err, sizeof err), 0);
    put(feed[1]);
    assert_false(woken(ev, 150));             /* no fd watched yet */
    qh_ui_waker_set_fd(w, feed[0]);
    assert_true(woken(ev, 2000));
    assert_false(woken(ev, 200));             /* disarmed */
    qh_ui_waker_rearm(w);
    assert_true(woken(ev, 2000));             /* still unread */
    assert_int_equal(read(feed[0], &c, 1), 1);
    qh_ui_waker_rearm(w);
    assert_false(woken(ev, 200));             /* read: quiet */
    assert_int_equal(write(sig[1], "ss", 2), 2);   /* two signals at once */
    assert_true(woken(ev, 2000));
    assert_false(woken(ev, 200));             /* drained */
    /* Taking the fd away is asynchronous: the thread may be in poll() on
     * it still, and wakes the loop once for nothing at worst. */
    qh_ui_waker_set_fd(w, -1);
    woken(ev, 200);
    put(feed[1]);
    qh_ui_waker_rearm(w);
    assert_false(woken(ev, 200));
    qh_ui_waker_stop(w);
    qh_ui_waker_stop(NULL);
    for (int i = 0; i < 2; i++) {
        close(feed[i]);
        close(sig[i]);
    }
    SDL_QuitSubSystem(SDL_INIT_EVENTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_cjk_font),
        cmocka_unit_test_setup_teardown(draws_and_logs, setup, teardown),
        cmocka_unit_test_setup_teardown(cache_bounded_by_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(cache_ages, setup, teardown),
        cmocka_unit_test_setup_teardown(fit_and_measure, setup, teardown),
        cmocka_unit_test(contrast),
        cmocka_unit_test(waker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
