/* test_display_view.c: the hall display drawn headless (software renderer
 * on a surface) in both layouts, several sizes, both blink phases, window
 * mode, the 连接中断 banner and the closed screen.  On every frame: no text
 * box leaves the screen or overlaps another, the called number is the
 * tallest text and at least 1/8 of the height, and every text has a
 * contrast of at least 4.5:1 against the background measured under it.
 * A notice too long for its line scrolls: it alone is judged by the part
 * visible in its band.  Two windows calling in the same second, read from
 * a real store: the later call is the one shown as now calling.
 * Screenshots are kept in the artefacts directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "model.h"
#include "qh/clock.h"
#include "qh/ticket.h"
#include "source.h"
#include "view.h"

#include <SDL_ttf.h>

static int64_t T0;

struct fx {
    SDL_Surface *surf;
    SDL_Renderer *r;
    struct qh_display_view *v;
    int w, h;
};

static void fx_open(struct fx *f, int w, int h)
{
    char err[QH_ERRLEN];
    f->w = w;
    f->h = h;
    if (qh_ui_offscreen(w, h, &f->surf, &f->r, err, sizeof err) < 0)
        fail_msg("%s", err);
    if (qh_display_view_new(&f->v, f->r, err, sizeof err) < 0)
        fail_msg("%s", err);
}

static void fx_close(struct fx *f)
{
    qh_display_view_free(f->v);
    SDL_DestroyRenderer(f->r);
    SDL_FreeSurface(f->surf);
}

static void ev(struct qh_display_model *m, const char *type, const char *number,
               const char *queue, int window, const char *staff, const char *detail)
{
    static int64_t id;
    struct qh_event_row e;
    memset(&e, 0, sizeof e);
    e.id = ++id;
    e.at = T0;
    e.ticket = number ? id : 0;
    snprintf(e.type, sizeof e.type, "%s", type);
    snprintf(e.number, sizeof e.number, "%s", number ? number : "");
    snprintf(e.queue, sizeof e.queue, "%s", queue ? queue : "");
    snprintf(e.staff, sizeof e.staff, "%s", staff ? staff : "");
    snprintf(e.detail, sizeof e.detail, "%s", detail ? detail : "{}");
    e.window = window;
    qh_display_model_event(m, &e, T0);
}

/* A busy morning: calls, a green-channel call, a pause with a reason, a
 * closed window, a serving window, people waiting. */
static struct qh_display_model *busy_model(enum qh_lang lang, int window)
{
    struct qh_display_model *m = calloc(1, sizeof *m);
    struct qh_dm_snapshot *s = calloc(1, sizeof *s);
    assert_non_null(m);
    assert_non_null(s);
    qh_display_model_init(m, lang, window, T0);
    snprintf(s->day, sizeof s->day, "2026-11-25");
    qh_conf_defaults(&s->hall);
    s->nwindows = s->hall.nwindows;
    for (int i = 0; i < s->nwindows; i++)
        s->windows[i].number = s->hall.windows[i].number;
    s->nqueues = s->hall.nqueues;
    for (int i = 0; i < s->nqueues; i++)
        snprintf(s->queues[i].code, sizeof s->queues[i].code, "%s", s->hall.queues[i].code);
    s->windows[2].nnext = 3;
    snprintf(s->windows[2].next[0], QH_NUMBER_LEN, "B004");
    snprintf(s->windows[2].next[1], QH_NUMBER_LEN, "B005");
    snprintf(s->windows[2].next[2], QH_NUMBER_LEN, "B006");
    qh_display_model_snapshot(m, s, T0);
    qh_display_model_connection(m, 1, NULL);
    ev(m, "login", NULL, NULL, 1, "w01", NULL);
    ev(m, "login", NULL, NULL, 2, "w02", NULL);
    ev(m, "login", NULL, NULL, 3, "w03", NULL);
    ev(m, "login", NULL, NULL, 5, "w05", NULL);
    for (int i = 1; i <= 9; i++) {
        char n[8];
        snprintf(n, sizeof n, "A%03d", i);
        ev(m, "issued", n, "A", 0, NULL, NULL);
        snprintf(n, sizeof n, "B%03d", i);
        ev(m, "issued", n, "B", 0, NULL, NULL);
    }
    ev(m, "paused", NULL, NULL, 2, "w02", "{\"reason\":\"午间会议，稍后回来\"}");
    ev(m, "called", "A001", "A", 1, "w01", NULL);
    ev(m, "started", "A001", "A", 1, "w01", NULL);
    ev(m, "called", "C001", "C", 5, "w05", NULL);
    ev(m, "called", "B002", "B", 3, "w03", "{\"green\":\"elderly\"}");
    /* Window mode's own window gets the newest call. */
    if (window)
        ev(m, "recalled", "B002", "B", 3, "w03", "{\"count\":1}");
    /* the snapshot's next numbers are cleared by the call: put them back */
    m->windows[2].nnext = s->windows[2].nnext;
    memcpy(m->windows[2].next, s->windows[2].next, sizeof m->windows[2].next);
    free(s);
    return m;
}

static int overlap(SDL_Rect a, SDL_Rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static const char *notice_text(const struct qh_display_model *m)
{
    return m->lang == QH_LANG_EN && m->hall.notice_en[0] ? m->hall.notice_en
                                                          : m->hall.notice;
}

/* The part of each box that can be seen.  A scrolling notice is the one
 * text allowed past its band (the view clips it there): it is judged by
 * its visible part, which must be non-empty and lie in the band; every
 * other box is judged whole.  An exemption claimed by any other text, or
 * a band off the screen, fails. */
static void visible_boxes(struct fx *f, const struct qh_display_model *m,
                          const struct qh_ui_box *b, int n, SDL_Rect *vis,
                          const char *name)
{
    SDL_Rect band;
    int scrolling = qh_display_view_notice(f->v, &band), seen = 0;
    const char *t = notice_text(m);

    if (scrolling && (band.x < 0 || band.y < 0 || band.x + band.w > f->w ||
                      band.y + band.h > f->h || band.w <= 0 || band.h <= 0))
        fail_msg("%s: notice band %d,%d %dx%d is off the screen", name, band.x, band.y,
                 band.w, band.h);
    for (int i = 0; i < n; i++) {
        vis[i] = b[i].r;
        if (!scrolling || !b[i].text[0] || strncmp(t, b[i].text, strlen(b[i].text)) ||
            b[i].r.y < band.y || b[i].r.y + b[i].r.h > band.y + band.h)
            continue;
        if (!SDL_IntersectRect(&b[i].r, &band, &vis[i]))
            fail_msg("%s: a notice pass is drawn wholly outside its band", name);
        seen++;
    }
    if (scrolling && (seen < 1 || seen > 2))
        fail_msg("%s: scrolling notice drawn %d times (1 or 2 passes)", name, seen);
}

/* Draw and check one frame; save it as name.png.  Returns the number of
 * boxes. */
static int check_frame(struct fx *f, const struct qh_display_model *m, const char *name,
                       int expect_number)
{
    const struct qh_ui_box *b;
    char path[1024], err[QH_ERRLEN];

    qh_display_view_draw(f->v, m, f->w, f->h);
    int n = qh_ui_boxes(qh_display_view_ui(f->v), &b);
    if (n < 3)
        fail_msg("%s: only %d texts drawn (%s)", name, n, n ? b[0].text : "");
    SDL_Rect nb = qh_display_view_number_box(f->v);
    SDL_Rect *vis = calloc((size_t)n, sizeof *vis);
    assert_non_null(vis);
    visible_boxes(f, m, b, n, vis, name);
    for (int i = 0; i < n; i++) {
        SDL_Rect r = vis[i];
        if (r.x < 0 || r.y < 0 || r.x + r.w > f->w || r.y + r.h > f->h)
            fail_msg("%s: \"%s\" leaves the screen: %d,%d %dx%d", name, b[i].text, r.x,
                     r.y, r.w, r.h);
        for (int j = 0; j < i; j++)
            if (overlap(r, vis[j]))
                fail_msg("%s: \"%s\" overlaps \"%s\"", name, b[i].text, b[j].text);
        struct qh_ui_color bg = qh_ui_background(f->r, r);
        double c = qh_ui_contrast(b[i].fg, bg);
        if (c < 4.5)
            fail_msg("%s: \"%s\" contrast %.2f (fg %d,%d,%d on %d,%d,%d)", name, b[i].text,
                     c, b[i].fg.r, b[i].fg.g, b[i].fg.b, bg.r, bg.g, bg.b);
        /* Nothing too small to read from across the hall. */
        if (b[i].px * 40 < f->h && b[i].px < 16)
            fail_msg("%s: \"%s\" is %d px on a %d px screen", name, b[i].text, b[i].px, f->h);
    }
    if (expect_number) {
        int found = 0;
        assert_true(nb.w > 0);
        for (int i = 0; i < n; i++) {
            if (b[i].r.x == nb.x && b[i].r.y == nb.y && b[i].r.w == nb.w) {
                found = 1;
                if (b[i].px * 8 < f->h)
                    fail_msg("%s: number %s is %d px, under 1/8 of %d", name, b[i].text,
                             b[i].px, f->h);
                for (int j = 0; j < n; j++)
                    if (j != i && b[j].px >= b[i].px)
                        fail_msg("%s: \"%s\" (%d px) is not smaller than the number (%d px)",
                                 name, b[j].text, b[j].px, b[i].px);
            }
        }
        assert_true(found);
    }
    free(vis);
    snprintf(path, sizeof path, "%s/display-%s.png", tu_artefacts(), name);
    if (qh_ui_save_png(f->r, path, err, sizeof err) < 0)
        fail_msg("%s", err);
    return n;
}

static int has_text(struct fx *f, const char *text)
{
    const struct qh_ui_box *b;
    int n = qh_ui_boxes(qh_display_view_ui(f->v), &b);
    for (int i = 0; i < n; i++)
        if (strstr(b[i].text, text))
            return 1;
    return 0;
}

static void hall_layouts(void **state)
{
    static const int sizes[][2] = {
        {1920, 1080}, {1080, 1920}, {1280, 720}, {1366, 768}, {1024, 768},
        {768, 1024}, {3840, 2160}, {800, 480},
    };
    (void)state;
    struct qh_display_model *m = busy_model(QH_LANG_ZH, 0);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct fx f;
        char name[64];
        fx_open(&f, sizes[i][0], sizes[i][1]);
        qh_display_model_tick(m, T0);                    /* blink: highlight */
        assert_int_equal(m->blink_on, 1);
        snprintf(name, sizeof name, "hall-%dx%d-blink", f.w, f.h);
        check_frame(&f, m, name, 1);
        assert_true(has_text(&f, "B002"));
        assert_true(has_text(&f, "优先"));
        assert_true(has_text(&f, "暂停服务"));
        assert_true(has_text(&f, "未开放"));
        assert_true(has_text(&f, "办理中"));
        assert_true(has_text(&f, "等候："));
        qh_display_model_tick(m, T0 + QH_DM_BLINK_HALF_MS);   /* normal phase */
        assert_int_equal(m->blink_on, 0);
        snprintf(name, sizeof name, "hall-%dx%d", f.w, f.h);
        check_frame(&f, m, name, 1);
        /* Drawing the same state again makes no new textures. */
        int cached = qh_ui_cache_size(qh_display_view_ui(f.v), NULL);
        qh_display_view_draw(f.v, m, f.w, f.h);
        assert_int_equal(qh_ui_cache_size(qh_display_view_ui(f.v), NULL), cached);
        fx_close(&f);
    }
    free(m);
}

static void english(void **state)
{
    (void)state;
    struct qh_display_model *m = busy_model(QH_LANG_EN, 0);
    struct fx f;
    fx_open(&f, 1920, 1080);
    check_frame(&f, m, "hall-en", 1);
    assert_true(has_text(&f, "Now calling"));
    assert_true(has_text(&f, "Priority"));
    fx_close(&f);
    free(m);
}

static void banner_and_closed(void **state)
{
    (void)state;
    struct qh_display_model *m = busy_model(QH_LANG_ZH, 0);
    struct fx f;
    fx_open(&f, 1920, 1080);
    qh_display_model_connection(m, 0, "unable to open database file");
    check_frame(&f, m, "hall-disconnected", 1);
    assert_true(has_text(&f, "连接中断"));
    assert_true(has_text(&f, "B002"));      /* last good state stays */
    fx_close(&f);
    fx_open(&f, 1080, 1920);
    check_frame(&f, m, "hall-disconnected-portrait", 1);
    fx_close(&f);

    /* Evening: 已下班 with the opening hours. */
    qh_display_model_connection(m, 1, NULL);
    int64_t evening;
    assert_int_equal(qh_clock_parse("2026-11-25T19:00:00+08:00", NULL, &evening, NULL, 0), 0);
    qh_display_model_tick(m, evening);
    fx_open(&f, 1920, 1080);
    check_frame(&f, m, "hall-closed", 0);
    assert_true(has_text(&f, "已下班"));
    assert_true(has_text(&f, "08:30-12:00"));
    fx_close(&f);
    /* Lunch: 休息中. */
    int64_t lunch;
    assert_int_equal(qh_clock_parse("2026-11-25T13:00:00+08:00", NULL, &lunch, NULL, 0), 0);
    qh_display_model_tick(m, lunch);
    fx_open(&f, 1080, 1920);
    check_frame(&f, m, "hall-break-portrait", 0);
    assert_true(has_text(&f, "休息中"));
    fx_close(&f);
    free(m);

    /* No database at all yet: banner, no hall, nothing else. */
    m = calloc(1, sizeof *m);
    qh_display_model_init(m, QH_LANG_ZH, 0, T0);
    qh_display_model_connection(m, 0, "no such file");
    fx_open(&f, 1920, 1080);
    check_frame(&f, m, "hall-no-db", 0);
    assert_true(has_text(&f, "连接中断"));
    fx_close(&f);
    free(m);
}

static void window_screens(void **state)
{
    static const int sizes[][2] = {{1280, 720}, {800, 480}, {1920, 1080}, {600, 1024}};
    (void)state;
    struct qh_display_model *m = busy_model(QH_LANG_ZH, 3);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct fx f;
        char name[64];
        fx_open(&f, sizes[i][0], sizes[i][1]);
        qh_display_model_tick(m, T0);
        snprintf(name, sizeof name, "window3-%dx%d-blink", f.w, f.h);
        check_frame(&f, m, name, 1);
        assert_true(has_text(&f, "3号窗口"));
        assert_true(has_text(&f, "B002"));
        assert_true(has_text(&f, "下一位"));
        qh_display_model_tick(m, T0 + QH_DM_BLINK_HALF_MS);
        snprintf(name, sizeof name, "window3-%dx%d", f.w, f.h);
        check_frame(&f, m, name, 1);
        fx_close(&f);
    }
    free(m);
    /* Window 2 paused, window 4 closed. */
    m = busy_model(QH_LANG_ZH, 2);
    struct fx f;
    fx_open(&f, 1280, 720);
    check_frame(&f, m, "window2-paused", 0);
    assert_true(has_text(&f, "暂停服务"));
    assert_true(has_text(&f, "午间会议"));
    fx_close(&f);
    m->window = 4;
    fx_open(&f, 1280, 720);
    check_frame(&f, m, "window4-closed", 0);
    assert_true(has_text(&f, "未开放"));
    fx_close(&f);
    free(m);
}

/* Many windows (two columns) and a long notice still fit. */
static void big_hall(void **state)
{
    (void)state;
    struct qh_display_model *m = busy_model(QH_LANG_ZH, 0);
    m->hall.nwindows = m->nwindows = 14;
    for (int i = 5; i < 14; i++) {
        memset(&m->windows[i], 0, sizeof m->windows[i]);
        m->windows[i].number = i + 1;
        m->hall.windows[i] = m->hall.windows[0];
        m->hall.windows[i].number = i + 1;
    }
    snprintf(m->hall.notice, sizeof m->hall.notice,
             "请提前准备好身份证件和申请材料；办不成事请到5号窗口反映；请保持安静，"
             "勿在大厅内吸烟；需要帮助请找穿红马甲的志愿者；谢谢您的配合与支持。");
    struct fx f;
    fx_open(&f, 1920, 1080);
    check_frame(&f, m, "hall-14-windows", 1);
    fx_close(&f);
    fx_open(&f, 1080, 1920);
    check_frame(&f, m, "hall-14-windows-portrait", 1);
    fx_close(&f);
    free(m);
}

static const char LONG_NOTICE[] =
    "请提前准备好身份证件和申请材料；办不成事请到5号窗口反映；请保持安静，"
    "勿在大厅内吸烟；需要帮助请找穿红马甲的志愿者；谢谢您的配合与支持。";

/* The pixels of the whole target. */
static uint32_t *pixels(struct fx *f)
{
    uint32_t *p = malloc((size_t)f->w * f->h * 4);
    assert_non_null(p);
    assert_int_equal(SDL_RenderReadPixels(f->r, NULL, SDL_PIXELFORMAT_ARGB8888, p, f->w * 4), 0);
    return p;
}

/* A notice that fits stays still and asks for no frames; a long one
 * scrolls right to left, wraps, stays inside its band, and a band-only
 * redraw gives the same picture as a whole frame. */
static void scrolling_notice(void **state)
{
    (void)state;
    struct qh_display_model *m = busy_model(QH_LANG_ZH, 0);
    SDL_Rect band;
    struct fx f;

    qh_display_model_tick(m, T0 + QH_DM_BLINK_MS);        /* blink over */
    fx_open(&f, 1920, 1080);
    snprintf(m->hall.notice, sizeof m->hall.notice, "请提前准备好材料");
    check_frame(&f, m, "hall-notice-still", 1);
    assert_int_equal(qh_display_view_notice(f.v, &band), 0);
    assert_int_equal(band.w, 0);
    assert_true(has_text(&f, "请提前准备好材料"));
    assert_int_equal(qh_display_view_wake_ms(f.v, m->now, 5000), 5000);
    assert_int_equal(qh_display_view_draw_notice(f.v, m), 0);

    snprintf(m->hall.notice, sizeof m->hall.notice, "%s", LONG_NOTICE);
    m->notice_since = T0;
    check_frame(&f, m, "hall-notice-start", 1);
    assert_int_equal(qh_display_view_notice(f.v, &band), 1);
    int wake = qh_display_view_wake_ms(f.v, m->now, 5000);
    assert_true(wake >= 1 && wake <= QH_DM_MARQUEE_FRAME_MS);
    /* The texture is made once: later frames only move it. */
    int cached = qh_ui_cache_size(qh_display_view_ui(f.v), NULL);

    /* Mid-scroll: the text starts left of the band, the next pass may follow. */
    int64_t t = T0 + QH_DM_BLINK_MS + 23 * 1000;
    qh_display_model_tick(m, t);
    check_frame(&f, m, "hall-notice-scrolling", 1);
    const struct qh_ui_box *b;
    int n = qh_ui_boxes(qh_display_view_ui(f.v), &b), left = 0;
    for (int i = 0; i < n; i++)
        if (!strncmp(LONG_NOTICE, b[i].text, strlen(b[i].text)) && b[i].r.x < band.x)
            left = 1;
    assert_true(left);
    assert_int_equal(qh_ui_cache_size(qh_display_view_ui(f.v), NULL), cached);
    uint32_t *whole = pixels(&f);

    /* Same instant again: nothing to draw.  Band-only redraw from an
     * earlier frame lands on the whole frame's pixels, none outside. */
    assert_int_equal(qh_display_view_draw_notice(f.v, m), 0);
    qh_display_model_tick(m, t - 3 * QH_DM_MARQUEE_FRAME_MS);
    qh_display_view_draw(f.v, m, f.w, f.h);
    uint32_t *before = pixels(&f);
    qh_display_model_tick(m, t);
    assert_int_equal(qh_display_view_draw_notice(f.v, m), 1);
    uint32_t *part = pixels(&f);
    for (int y = 0; y < f.h; y++)
        for (int x = 0; x < f.w; x++) {
            size_t k = (size_t)y * f.w + x;
            int in = x >= band.x && x < band.x + band.w && y >= band.y && y < band.y + band.h;
            if (part[k] != whole[k])
                fail_msg("band-only redraw differs from a whole frame at %d,%d", x, y);
            if (!in && part[k] != before[k])
                fail_msg("band-only redraw painted outside its band at %d,%d", x, y);
        }
    n = qh_ui_boxes(qh_display_view_ui(f.v), &b);
    assert_true(n >= 1 && n <= 2);
    for (int i = 0; i < n; i++) {
        SDL_Rect vis;
        assert_true(SDL_IntersectRect(&b[i].r, &band, &vis));
        assert_true(b[i].r.y >= band.y && b[i].r.y + b[i].r.h <= band.y + band.h);
    }
    free(whole);
    free(before);
    free(part);

    /* Portrait: the same marquee in its narrower band. */
    fx_close(&f);
    fx_open(&f, 1080, 1920);
    check_frame(&f, m, "hall-notice-scrolling-portrait", 1);
    assert_int_equal(qh_display_view_notice(f.v, NULL), 1);
    fx_close(&f);

    /* Window mode has no notice line: nothing scrolls. */
    m->window = 3;
    fx_open(&f, 1280, 720);
    qh_display_view_draw(f.v, m, f.w, f.h);
    assert_int_equal(qh_display_view_notice(f.v, NULL), 0);
    assert_int_equal(qh_display_view_wake_ms(f.v, m->now, 777), 777);
    fx_close(&f);
    free(m);
}

/* Every window calls at 08:30: window 1, then window 2, in the same
 * second (a fixed clock).  The snapshot the display reads from the real
 * store orders calls by their events, so 2号窗口's A002 is now calling, in
 * the model and on the frame, and A001 comes after it in 最近呼叫. */
static void same_second_calls(void **state)
{
    (void)state;
    char err[QH_ERRLEN], line[2048];
    struct qh_ticket_row t;
    struct qh_issue_req a = {.queue = "A"};
    struct fx f;
    tu_clock("2026-11-25T08:30:00+08:00");
    struct qh_store *s = tu_store_new("same-second");
    for (int i = 0; i < 2; i++)
        assert_int_equal(qh_ticket_issue(s, &a, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(qh_ticket_call_next(s, 1, &t, err, sizeof err), 0);
    assert_string_equal(t.number, "A001");
    assert_int_equal(qh_ticket_call_next(s, 2, &t, err, sizeof err), 0);
    assert_string_equal(t.number, "A002");
    struct qh_dm_snapshot *snap = calloc(1, sizeof *snap);
    struct qh_display_model *m = calloc(1, sizeof *m);
    assert_non_null(snap);
    assert_non_null(m);
    assert_int_equal(qh_display_source_snapshot(s, snap, err, sizeof err), 0);
    assert_int_equal(snap->nrecent, 2);
    assert_int_equal(snap->recent[0].at, snap->recent[1].at);   /* one second */
    assert_string_equal(snap->recent[0].number, "A002");
    assert_int_equal(snap->recent[0].window, 2);
    assert_true(snap->recent[0].event > snap->recent[1].event);
    qh_display_model_init(m, QH_LANG_ZH, 0, qh_clock_now());
    qh_display_model_snapshot(m, snap, qh_clock_now());
    qh_display_model_connection(m, 1, NULL);
    qh_display_model_describe(m, line, sizeof line);
    if (!strstr(line, "call=A002@2") || !strstr(line, "recent=A002@2,A001@1"))
        fail_msg("now calling is not A002 at window 2: %s", line);
    fx_open(&f, 1920, 1080);
    check_frame(&f, m, "hall-same-second", 1);
    const struct qh_ui_box *b;
    SDL_Rect nb = qh_display_view_number_box(f.v);
    int n = qh_ui_boxes(qh_display_view_ui(f.v), &b), found = 0;
    for (int i = 0; i < n; i++)
        if (b[i].r.x == nb.x && b[i].r.y == nb.y && b[i].r.w == nb.w) {
            assert_string_equal(b[i].text, "A002");
            found = 1;
        }
    assert_true(found);
    assert_true(has_text(&f, "请到 2 号窗口办理"));
    assert_false(has_text(&f, "请到 1 号窗口办理"));
    fx_close(&f);
    free(m);
    free(snap);
    qh_store_close(s);
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(qh_clock_parse("2026-11-25T09:00:00+08:00", NULL, &T0, NULL, 0), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    TTF_Quit();
    SDL_Quit();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hall_layouts),
        cmocka_unit_test(english),
        cmocka_unit_test(banner_and_closed),
        cmocka_unit_test(window_screens),
        cmocka_unit_test(big_hall),
        cmocka_unit_test(scrolling_notice),
        cmocka_unit_test(same_second_calls),   /* last: it fixes the clock */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
