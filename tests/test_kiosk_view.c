/* test_kiosk_view.c: every kiosk screen rendered headless, portrait
 * 1080x1920 and landscape 1920x1080, and measured on the frame itself:
 * text at 30 px or more, touch targets at least 60x60 and apart, every
 * line of text at 4.5:1 contrast against what is really behind it,
 * nothing off the glass, and a touch at each button's centre reaching
 * that button.  Each screen says what it is for, in the run's language and
 * not in the other.  The frames are kept as artefacts (kiosk-*.png). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "qh/clock.h"
#include "qh/ticket.h"
#include "qh/ui.h"

#include "../kiosk/model.h"
#include "../kiosk/view.h"

static int fail_print;
static enum qh_lang fake_lang;  /* of print.c's messages, as the run's */

static int f_submit(void *ud, const char *number, int *job, char *printer, size_t plen,
                    char *err, size_t errlen)
{
    (void)ud;
    (void)number;
    snprintf(printer, plen, "hall-slips");
    *job = 1;
    if (fail_print)
        return qh_err(err, errlen, QH_E_IO, "%s",
                      QH_TR(fake_lang, "打印机「hall-slips」缺纸",
                            "printer \"hall-slips\" is out of paper"));
    return 0;
}

static int f_poll(void *ud, const char *printer, int job, char *err, size_t errlen)
{
    (void)ud;
    (void)printer;
    (void)job;
    (void)err;
    (void)errlen;
    return QH_PRINT_DONE;
}

static int f_status(void *ud, struct qh_printer_status *st, char *err, size_t errlen)
{
    (void)ud;
    (void)err;
    (void)errlen;
    memset(st, 0, sizeof *st);
    snprintf(st->name, sizeof st->name, "hall-slips");
    st->state = 3;
    st->accepting = 1;
    st->paper_low = 1;
    snprintf(st->reasons, sizeof st->reasons, "media-low-report");
    return 0;
}

struct fx {
    struct qh_store *s;
    struct qh_kiosk_model *m;
    SDL_Surface *surf;
    SDL_Renderer *r;
    struct qh_kiosk_view *v;
    int w, h;
    int64_t now;
};

static void fx_open(struct fx *x, int w, int h, enum qh_lang lang)
{
    char err[QH_ERRLEN];
    struct qh_kiosk_opts o = {.lang = lang, .number = 1,
                              .printer = {f_submit, f_poll, NULL, f_status, NULL}};
    memset(x, 0, sizeof *x);
    fake_lang = lang;
    tu_clock("2026-11-25T09:00:00+08:00");
    x->s = tu_store_new("kview");
    x->w = w;
    x->h = h;
    x->now = 1000000;
    if (qh_kiosk_model_new(&x->m, x->s, &o, x->now, err, sizeof err) < 0 ||
        qh_ui_offscreen(w, h, &x->surf, &x->r, err, sizeof err) < 0 ||
        qh_kiosk_view_new(&x->v, x->r, err, sizeof err) < 0)
        fail_msg("%s", err);
}

static void fx_close(struct fx *x)
{
    qh_kiosk_view_free(x->v);
    SDL_DestroyRenderer(x->r);
    SDL_FreeSurface(x->surf);
    qh_kiosk_model_free(x->m);
    qh_store_close(x->s);
    qh_clock_set(0);
}

static void draw(struct fx *x)
{
    int rows, keys;
    qh_kiosk_view_page_sizes(x->w, x->h, x->m->screen, &rows, &keys);
    qh_kiosk_model_set_page(x->m, rows, keys);
    qh_kiosk_view_draw(x->v, x->m);
}

static int overlap(SDL_Rect a, SDL_Rect b)
{
    SDL_Rect i;
    return SDL_IntersectRect(&a, &b, &i) && i.w > 1 && i.h > 1;
}

/* The measurements every frame must pass; saves it as `name`. */
static void check_frame(struct fx *x, const char *name)
{
    const struct qh_ui_box *boxes;
    const struct qh_kiosk_target *t;
    char path[512], err[QH_ERRLEN];
    int nb = qh_ui_boxes(qh_kiosk_view_ui(x->v), &boxes);
    int nt = qh_kiosk_view_targets(x->v, &t);
    double s = (x->w < x->h ? x->w : x->h) / 1080.0;
    snprintf(path, sizeof path, "%s/kiosk-%s.png", tu_artefacts(), name);
    if (qh_ui_save_png(x->r, path, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_true(nb > 3);
    for (int i = 0; i < nb; i++) {
        const struct qh_ui_box *b = &boxes[i];
        if (b->px < 30 * s)
            fail_msg("%s: \"%s\" at %d px (< 30)", name, b->text, b->px);
        if (b->r.x < 0 || b->r.y < 0 || b->r.x + b->r.w > x->w || b->r.y + b->r.h > x->h)
            fail_msg("%s: \"%s\" off the screen at %d,%d %dx%d", name, b->text, b->r.x, b->r.y,
                     b->r.w, b->r.h);
        struct qh_ui_color bg = qh_ui_background(x->r, b->r);
        double c = qh_ui_contrast(b->fg, bg);
        if (c < 4.5)
            fail_msg("%s: \"%s\" contrast %.2f against #%02x%02x%02x", name, b->text, c, bg.r,
                     bg.g, bg.b);
        for (int j = i + 1; j < nb && !x->m->countdown; j++)
            if (overlap(b->r, boxes[j].r))
                fail_msg("%s: \"%s\" overlaps \"%s\"", name, b->text, boxes[j].text);
    }
    for (int i = 0; i < nt; i++) {
        if (t[i].r.w < 60 || t[i].r.h < 60)
            fail_msg("%s: %s target %dx%d (< 60x60)", name, qh_kiosk_btn_name(t[i].b), t[i].r.w,
                     t[i].r.h);
        for (int j = i + 1; j < nt; j++)
            if (overlap(t[i].r, t[j].r))
                fail_msg("%s: targets %s and %s overlap", name, qh_kiosk_btn_name(t[i].b),
                         qh_kiosk_btn_name(t[j].b));
        enum qh_kiosk_btn b;
        int arg;
        assert_true(qh_kiosk_view_hit(x->v, t[i].r.x + t[i].r.w / 2, t[i].r.y + t[i].r.h / 2,
                                      &b, &arg));
        assert_int_equal(b, t[i].b);
        assert_int_equal(arg, t[i].arg);
    }
}

static int has_text(struct fx *x, const char *needle)
{
    const struct qh_ui_box *boxes;
    int nb = qh_ui_boxes(qh_kiosk_view_ui(x->v), &boxes);
    for (int i = 0; i < nb; i++)
        if (strstr(boxes[i].text, needle))
            return 1;
    return 0;
}

/* The screen says zh in a Chinese run, en in an English one, and not the
 * other language's line: a screen left untranslated, or in the wrong
 * language, fails.  (Item names and materials come from the catalogue in
 * Chinese only, and the 中文 / 汉字 keys name the other language: no line
 * here is one of those.) */
static void says(struct fx *x, const char *name, const char *zh, const char *en)
{
    int english = x->m->lang == QH_LANG_EN;
    if (!has_text(x, english ? en : zh))
        fail_msg("%s: no \"%s\" on the screen", name, english ? en : zh);
    if (has_text(x, english ? zh : en))
        fail_msg("%s: \"%s\" on the %s screen", name, english ? zh : en,
                 english ? "English" : "Chinese");
}

/* Lines each screen must say (reached with qh_kiosk_model_goto). */
static const struct {
    enum qh_kiosk_screen s;
    const char *zh, *en;
} screen_says[] = {
    {QH_KS_HOME, "您好！请选择要办理的业务", "Welcome. What do you need today?"},
    {QH_KS_HOME, "查找事项", "Find a service"},
    {QH_KS_GREEN, "绿色通道：优先办理", "Priority service"},
    {QH_KS_ITEMS, "请选择事项", "choose a service"},
    {QH_KS_ITEMS, "不清楚是哪一项？", "Not sure which?"},
    {QH_KS_SEARCH, "查找事项", "Find a service"},
    {QH_KS_CONFIRM, "办理窗口：1、2、5 号窗口", "At window 1, 2, 5 "},
    {QH_KS_CONFIRM, "请准备以下材料（一次性告知）：", "Please bring (complete list):"},
    {QH_KS_CONFIRM, "确认取号", "Take a number"},
    {QH_KS_TICKET, "取号成功，您的号码是", "Your number is"},
    {QH_KS_REFUSED, "预约码不正确", "Unknown appointment code"},
    {QH_KS_REFUSED, "没有为您取号", "No number was issued."},
    {QH_KS_APPT, "预约签到", "Appointment check-in"},
    {QH_KS_PIN, "请输入管理员 PIN", "Enter the administrator PIN"},
    {QH_KS_ADMIN, "管理：打印机与补打", "Admin: printer and reprints"},
    {QH_KS_OFFLINE, "暂停取号", "Numbers paused"},
    {QH_KS_OFFLINE, "系统暂时无法连接", "cannot be reached"},
    {QH_KS_OFFLINE, "已经取到的号仍然有效", "Numbers already taken still count"},
};

static void later(struct fx *x, int ms)
{
    x->now += ms;
    qh_kiosk_model_tick(x->m, x->now);
}

/* Print failure: the screen says so plainly and shows the number. */
static void fallback(struct fx *x, const char *tag)
{
    char name[64];
    fail_print = 1;
    later(x, 1000);
    qh_kiosk_model_goto(x->m, QH_KS_TICKET);
    fail_print = 0;
    assert_int_equal(x->m->print, QH_KP_FAILED);
    draw(x);
    snprintf(name, sizeof name, "%s-ticket-print-failed", tag);
    check_frame(x, name);
    says(x, name, "请记住您的号码", "Please remember your number");
    says(x, name, "打印机出了问题", "The printer failed");
    says(x, name, "缺纸", "out of paper");
    /* A countdown, visible, over a screen left behind. */
    later(x, 1000);
    qh_kiosk_model_goto(x->m, QH_KS_CONFIRM);
    later(x, qh_store_hall(x->s)->kiosk.idle_seconds * 1000 + 5000);
    assert_true(x->m->countdown > 0);
    draw(x);
    snprintf(name, sizeof name, "%s-confirm-countdown", tag);
    check_frame(x, name);
    says(x, name, "秒后回到首页", "Back to start in");
    /* Search with results, and the character keyboard. */
    later(x, 1000);
    qh_kiosk_model_goto(x->m, QH_KS_SEARCH);
    qh_kiosk_model_type(x->m, "sbk");
    draw(x);
    snprintf(name, sizeof name, "%s-search-sbk", tag);
    check_frame(x, name);
    assert_true(has_text(x, "社会保障卡申领"));
    later(x, 1000);
    qh_kiosk_model_press(x->m, QH_BTN_KEY_MODE, 0);
    draw(x);
    snprintf(name, sizeof name, "%s-search-chars", tag);
    check_frame(x, name);
    /* Green channel chosen: the banner on home. */
    later(x, 1000);
    qh_kiosk_model_goto(x->m, QH_KS_GREEN);
    later(x, 1000);
    qh_kiosk_model_press(x->m, QH_BTN_GREEN_REASON, 0);
    draw(x);
    snprintf(name, sizeof name, "%s-home-green", tag);
    check_frame(x, name);
    says(x, name, "绿色通道（老年人）", "Priority (elderly)");
}

static void all_screens(int w, int h, enum qh_lang lang, const char *tag)
{
    struct fx x;
    char name[64];
    fx_open(&x, w, h, lang);
    for (int s = 0; s < QH_KS_COUNT; s++) {
        later(&x, 1000);
        qh_kiosk_model_goto(x.m, (enum qh_kiosk_screen)s);
        later(&x, 300);                             /* the slip's job is polled */
        draw(&x);
        snprintf(name, sizeof name, "%s-%s", tag, qh_kiosk_screen_name((enum qh_kiosk_screen)s));
        check_frame(&x, name);
        int lines = 0;
        for (size_t i = 0; i < sizeof screen_says / sizeof screen_says[0]; i++)
            if (screen_says[i].s == (enum qh_kiosk_screen)s) {
                says(&x, name, screen_says[i].zh, screen_says[i].en);
                lines++;
            }
        assert_true(lines > 0);             /* every screen has its lines */
        if (s == QH_KS_OFFLINE) {
            /* The hall as last seen stays in the header. */
            assert_true(has_text(&x, lang == QH_LANG_EN && qh_store_hall(x.s)->name_en[0]
                                         ? qh_store_hall(x.s)->name_en
                                         : qh_store_hall(x.s)->name));
            assert_int_equal(qh_kiosk_view_targets(x.v, &(const struct qh_kiosk_target *){0}), 0);
            qh_kiosk_model_store(x.m, x.s, NULL);
            assert_int_equal(x.m->screen, QH_KS_HOME);
        }
    }
    /* The number, large, on the ticket screen. */
    later(&x, 1000);
    qh_kiosk_model_goto(x.m, QH_KS_TICKET);
    later(&x, 300);
    assert_int_equal(x.m->print, QH_KP_DONE);
    draw(&x);
    const struct qh_ui_box *boxes;
    int nb = qh_ui_boxes(qh_kiosk_view_ui(x.v), &boxes), big = 0;
    for (int i = 0; i < nb; i++)
        if (!strcmp(boxes[i].text, x.m->ticket.number))
            big = boxes[i].px;
    assert_true(big >= 200 * (w < h ? w : h) / 1080);
    fallback(&x, tag);
    fx_close(&x);
}

static void portrait(void **state)
{
    (void)state;
    all_screens(1080, 1920, QH_LANG_ZH, "portrait");
}

static void landscape(void **state)
{
    (void)state;
    all_screens(1920, 1080, QH_LANG_ZH, "landscape");
}

static void english(void **state)
{
    (void)state;
    all_screens(1080, 1920, QH_LANG_EN, "en");
}

/* A tap lands where the button is drawn: home -> the first queue. */
static void taps_reach_buttons(void **state)
{
    struct fx x;
    enum qh_kiosk_btn b;
    int arg;
    (void)state;
    fx_open(&x, 1080, 1920, QH_LANG_ZH);
    draw(&x);
    assert_true(qh_kiosk_view_hit(x.v, 540, 400, &b, &arg));
    assert_int_equal(b, QH_BTN_QUEUE);
    assert_int_equal(arg, 0);
    assert_false(qh_kiosk_view_hit(x.v, 540, 170, &b, &arg));  /* the title: nothing */
    later(&x, 1000);
    qh_kiosk_model_press(x.m, QH_BTN_QUEUE, 0);
    draw(&x);
    assert_true(x.m->per_page >= 6);                /* a page fills the screen */
    fx_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(portrait),
        cmocka_unit_test(landscape),
        cmocka_unit_test(english),
        cmocka_unit_test(taps_reach_buttons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
