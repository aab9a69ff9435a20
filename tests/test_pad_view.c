/* test_pad_view.c: every screen of the rating pad rendered headless in
 * every layout it is made for (800x480, 1024x600, 1280x800 and the
 * portrait 480x800, 600x1024), in Chinese and in English, and measured on
 * the frame (frames.h: text size, contrast, on the glass, no overlap;
 * targets 60x60 and apart); a tap at each target's centre reaches it;
 * each screen says what it is for in its language, and the faces carry
 * their words.  The frames are kept as artefacts (pad-<screen>-<WxH>.png). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_image.h>

#include "frames.h"
#include "qh/csv.h"
#include "testutil.h"
#include "qh/ui.h"

#include "../counter/pad.h"
#include "../counter/pad_view.h"

static const struct { int w, h; } layouts[] = {
    {800, 480}, {1024, 600}, {1280, 800}, {480, 800}, {600, 1024}};
#define NLAYOUTS (int)(sizeof layouts / sizeof layouts[0])

struct fx {
    struct qh_pad_model m;
    SDL_Surface *surf;
    SDL_Renderer *r;
    struct qh_pad_view *v;
    int w, h;
};

static void fx_open(struct fx *x, int w, int h)
{
    char err[QH_ERRLEN];
    memset(x, 0, sizeof *x);
    x->w = w;
    x->h = h;
    if (qh_ui_offscreen(w, h, &x->surf, &x->r, err, sizeof err) < 0 ||
        qh_pad_view_new(&x->v, x->r, err, sizeof err) < 0)
        fail_msg("%s", err);
}

static void fx_close(struct fx *x)
{
    qh_pad_view_free(x->v);
    SDL_DestroyRenderer(x->r);
    SDL_FreeSurface(x->surf);
}

/* The window of the hall's sample, with a long material list. */
static void window_of(struct qh_pad_window *w, const char *staff, int paused, const char *number,
                      int serving)
{
    static const char *const mats[] = {
        "居民身份证原件", "户口簿", "近期免冠一寸照片两张", "申请表（现场填写）", "原证件",
        "委托书（代办时）", "代办人身份证", "其他相关证明材料"};
    memset(w, 0, sizeof *w);
    snprintf(w->name, sizeof w->name, "行政审批综合受理");
    snprintf(w->name_en, sizeof w->name_en, "Approvals");
    snprintf(w->staff, sizeof w->staff, "%s", staff);
    snprintf(w->staff_name, sizeof w->staff_name, "李秀英");
    w->paused = paused;
    snprintf(w->pause_reason, sizeof w->pause_reason, "午休，13:30 恢复服务");
    snprintf(w->phone, sizeof w->phone, "0571-88888888");
    if (number) {
        w->has_ticket = 1;
        w->serving = serving;
        snprintf(w->number, sizeof w->number, "%s", number);
        snprintf(w->item, sizeof w->item, "个体工商户设立登记");
        w->promised_days = 3;
        w->nmat = 8;
        for (int i = 0; i < 8; i++)
            snprintf(w->mat[i], sizeof w->mat[i], "%s", mats[i]);
    }
}

static void event(struct fx *x, const char *type, const char *number, const char *detail)
{
    struct qh_event_row e;
    memset(&e, 0, sizeof e);
    snprintf(e.type, sizeof e.type, "%s", type);
    e.window = 3;
    snprintf(e.number, sizeof e.number, "%s", number);
    snprintf(e.detail, sizeof e.detail, "%s", detail);
    qh_pad_model_events(&x->m, &e, 1);
}

/* The pad driven to `screen`. */
static void reach(struct fx *x, const char *screen, enum qh_lang lang)
{
    struct qh_pad_window w;
    struct qh_pad_action a;
    qh_pad_model_init(&x->m, 3, QH_LANG_ZH, 1000);
    if (!strcmp(screen, "closed"))
        window_of(&w, "", 0, NULL, 0);
    else if (!strcmp(screen, "paused"))
        window_of(&w, "s01", 1, NULL, 0);
    else if (!strcmp(screen, "called"))
        window_of(&w, "s01", 0, "A001", 0);
    else if (!strcmp(screen, "serving"))
        window_of(&w, "s01", 0, "A001", 1);
    else
        window_of(&w, "s01", 0, NULL, 0);
    if (!strcmp(screen, "nophone"))
        w.phone[0] = '\0';
    qh_pad_model_window(&x->m, &w);
    if (!strcmp(screen, "offline"))
        qh_pad_model_window(&x->m, NULL);
    if (lang == QH_LANG_EN)
        qh_pad_model_tap(&x->m, QH_PB_LANG, 0);
    if (!strncmp(screen, "rate", 4) || !strncmp(screen, "reasons", 7) ||
        !strcmp(screen, "thanks"))
        event(x, "finished", "A001",
              !strcmp(screen, "rate-supplement")
                  ? "{\"outcome\":\"supplement\",\"note\":\"缺少材料：户口簿；近期免冠一寸照片两张；"
                    "委托书（代办时）；代办人身份证\"}"
                  : "{\"outcome\":\"done\"}");
    if (!strcmp(screen, "rate-refused")) {
        qh_pad_model_tap(&x->m, QH_PB_FACE, 4);
        qh_pad_model_take(&x->m, &a);
        qh_pad_model_result(&x->m, -3, 0, "database is locked");
    }
    if (!strncmp(screen, "reasons", 7)) {
        qh_pad_model_tap(&x->m, QH_PB_FACE, 1);
        qh_pad_model_tap(&x->m, QH_PB_REASON, 1);
        if (!strcmp(screen, "reasons-none")) {
            qh_pad_model_tap(&x->m, QH_PB_REASON, 1);
            qh_pad_model_tap(&x->m, QH_PB_SUBMIT, 0);
        }
    }
    if (!strcmp(screen, "thanks")) {
        qh_pad_model_tap(&x->m, QH_PB_FACE, 5);
        qh_pad_model_take(&x->m, &a);
        qh_pad_model_result(&x->m, 0, 0, NULL);
    }
}

/* What each screen must say, in each language. */
static const struct {
    const char *screen, *zh, *en;
} says[] = {
    {"idle", "李秀英", "李秀英"},
    {"idle", "工号：s01", "Staff no. s01"},
    {"idle", "服务监督电话：0571-88888888 · 12345", "Complaints: 0571-88888888 · 12345"},
    {"nophone", "服务监督电话：12345", "Complaints: 12345"},
    {"closed", "未开放", "Closed"},
    {"paused", "暂停服务", "Service paused"},
    {"paused", "午休，13:30 恢复服务", "午休，13:30 恢复服务"},
    {"called", "请 A001 号到本窗口", "Number A001, please come here"},
    {"serving", "正在为您办理：个体工商户设立登记", "Now serving you: 个体工商户设立登记"},
    {"serving", "承诺时限：3个工作日", "Promised time: 3 working days"},
    {"serving", "所需材料（一次性告知）", "Documents needed"},
    {"rate", "请对本次服务进行评价", "Please rate our service"},
    {"rate", "非常满意", "Satisfied"},
    {"rate", "基本满意", "Fair"},
    {"rate", "非常不满意", "dissatisfied"},
    {"rate-supplement", "还需补交以下材料", "Still needed"},
    {"rate-supplement", "委托书（代办时）", "委托书（代办时）"},
    {"rate-refused", "评价未能记录", "not recorded"},
    {"reasons", "请选择原因", "why?"},
    {"reasons", "提交", "Submit"},
    {"reasons", "返回", "Back"},
    {"reasons-none", "请至少选择一项原因", "at least one reason"},
    {"thanks", "感谢您的评价", "Thank you for your rating"},
    {"offline", "暂时无法连接", "Not connected"},
};
#define NSAYS (int)(sizeof says / sizeof says[0])

static const char *const screens[] = {
    "idle", "nophone", "closed", "paused", "called", "serving", "rate", "rate-supplement",
    "rate-refused", "reasons", "reasons-none", "thanks", "offline"};
#define NSCREENS (int)(sizeof screens / sizeof screens[0])

/* words on the screen, on one line or on two split at a space (the
 * view's words()): every word of them drawn, whole. */
static int said(struct qh_ui *ui, const char *words)
{
    char buf[128], *save = NULL;
    if (fr_has_text(ui, words))
        return 1;
    if (!strchr(words, ' '))
        return 0;
    snprintf(buf, sizeof buf, "%s", words);
    for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
        if (!fr_has_text(ui, w))
            return 0;
    return 1;
}

static void check(struct fx *x, const char *screen, enum qh_lang lang)
{
    char name[96], path[512], err[QH_ERRLEN];
    const struct qh_pad_target *t;
    struct qh_ui *ui = qh_pad_view_ui(x->v);
    snprintf(name, sizeof name, "%s%s-%dx%d", screen, lang == QH_LANG_EN ? "-en" : "", x->w,
             x->h);
    qh_pad_view_draw(x->v, &x->m);
    snprintf(path, sizeof path, "%s/pad-%s.png", tu_artefacts(), name);
    if (qh_ui_save_png(x->r, path, err, sizeof err) < 0)
        fail_msg("%s", err);
    fr_check_text(ui, x->r, x->w, x->h, name);
    int nt = qh_pad_view_targets(x->v, &t);
    fr_check_targets(t, nt, sizeof *t, x->w, x->h, name);
    assert_true(nt >= 1);                           /* the language key, always */
    for (int i = 0; i < nt; i++) {
        enum qh_pad_btn b;
        int arg;
        assert_true(qh_pad_view_hit(x->v, t[i].r.x + t[i].r.w / 2, t[i].r.y + t[i].r.h / 2, &b,
                                    &arg));
        assert_int_equal(b, t[i].b);
        assert_int_equal(arg, t[i].arg);
    }
    for (int i = 0; i < NSAYS; i++) {
        if (strcmp(says[i].screen, screen))
            continue;
        const char *want = lang == QH_LANG_EN ? says[i].en : says[i].zh;
        const char *other = lang == QH_LANG_EN ? says[i].zh : says[i].en;
        if (!fr_has_text(ui, want))
            fail_msg("%s: no \"%s\" on the screen", name, want);
        if (strcmp(want, other) && fr_has_text(ui, other))
            fail_msg("%s: \"%s\" on the %s screen", name, other,
                     lang == QH_LANG_EN ? "English" : "Chinese");
    }
    /* The faces: five, large, and each with its words. */
    if (x->m.screen == QH_PS_RATE) {
        int faces = 0;
        for (int i = 0; i < nt; i++)
            if (t[i].b == QH_PB_FACE) {
                faces++;
                assert_true(t[i].r.w >= 100 * (x->w < x->h ? x->w : x->h) / 480 ||
                            t[i].r.h >= 60);
                if (!said(ui, qh_pad_face_label(t[i].arg, lang)))
                    fail_msg("%s: face %d without its words", name, t[i].arg);
            }
        assert_int_equal(faces, 5);
    }
    if (x->m.screen == QH_PS_REASONS) {
        int reasons = 0;
        for (int i = 0; i < nt; i++)
            reasons += t[i].b == QH_PB_REASON;
        assert_int_equal(reasons, 7);
        for (int i = 0; i < 7; i++)
            if (!said(ui, qh_pad_reason(&x->m, i, lang)))
                fail_msg("%s: reason %d not on the screen", name, i);
    }
}

static void every_screen(enum qh_lang lang)
{
    for (int l = 0; l < NLAYOUTS; l++) {
        struct fx x;
        fx_open(&x, layouts[l].w, layouts[l].h);
        for (int s = 0; s < NSCREENS; s++) {
            reach(&x, screens[s], lang);
            check(&x, screens[s], lang);
        }
        fx_close(&x);
    }
}

static void chinese(void **state)
{
    (void)state;
    every_screen(QH_LANG_ZH);
}

static void english(void **state)
{
    (void)state;
    every_screen(QH_LANG_EN);
}

/* A tap on the drawn face reaches the model: the view's targets are the
 * model's buttons, not a picture of them. */
static void taps_reach_the_model(void **state)
{
    struct fx x;
    struct qh_pad_action a;
    enum qh_pad_btn b;
    int arg;
    const struct qh_pad_target *t;
    (void)state;
    fx_open(&x, 800, 480);
    reach(&x, "rate", QH_LANG_ZH);
    qh_pad_view_draw(x.v, &x.m);
    int nt = qh_pad_view_targets(x.v, &t);
    for (int i = 0; i < nt; i++)
        if (t[i].b == QH_PB_FACE && t[i].arg == 2) {
            assert_true(qh_pad_view_hit(x.v, t[i].r.x + 5, t[i].r.y + 5, &b, &arg));
            qh_pad_model_tap(&x.m, b, arg);
        }
    assert_int_equal(x.m.screen, QH_PS_REASONS);
    qh_pad_view_draw(x.v, &x.m);
    nt = qh_pad_view_targets(x.v, &t);
    for (int i = 0; i < nt; i++)
        if (t[i].b == QH_PB_REASON && t[i].arg == 4)
            qh_pad_model_tap(&x.m, t[i].b, t[i].arg);
    for (int i = 0; i < nt; i++)
        if (t[i].b == QH_PB_SUBMIT)
            qh_pad_model_tap(&x.m, t[i].b, t[i].arg);
    assert_int_equal(qh_pad_model_take(&x.m, &a), 1);
    assert_int_equal(a.score, 2);
    assert_string_equal(a.reasons, "办事流程繁琐");
    assert_false(qh_pad_view_hit(x.v, 400, 100, &b, &arg));    /* the title: nothing */
    fx_close(&x);
}

/* Pixels of frame x that are colour c, give or take the scaler's blur. */
static int count_colour(struct fx *x, SDL_Color c)
{
    int n = 0;
    SDL_Surface *s = SDL_ConvertSurfaceFormat(x->surf, SDL_PIXELFORMAT_RGBA32, 0);
    for (int y = 0; y < s->h; y++)
        for (int i = 0; i < s->w; i++) {
            const Uint8 *p = (const Uint8 *)s->pixels + y * s->pitch + i * 4;
            if (abs(p[0] - c.r) < 8 && abs(p[1] - c.g) < 8 && abs(p[2] - c.b) < 8)
                n++;
        }
    SDL_FreeSurface(s);
    return n;
}

/* The staff member's photo is on the idle screen, in its frame, in every
 * layout (a 120x150 PNG in a colour nothing else on the pad has); one
 * that does not decode leaves the placeholder, as no photo does. */
static void photo_shown(void **state)
{
    const SDL_Color mark = {200, 30, 170, 255};
    char err[QH_ERRLEN], *png = NULL;
    size_t len = 0;
    (void)state;
    SDL_Surface *img = SDL_CreateRGBSurfaceWithFormat(0, 120, 150, 32, SDL_PIXELFORMAT_RGBA32);
    SDL_FillRect(img, NULL, SDL_MapRGBA(img->format, mark.r, mark.g, mark.b, 255));
    const char *path = tu_tmp_path("pad-photo.png");
    assert_int_equal(IMG_SavePNG(img, path), 0);
    SDL_FreeSurface(img);
    if (qh_file_read(path, &png, &len, err, sizeof err) < 0)
        fail_msg("%s", err);
    for (int l = 0; l < NLAYOUTS; l++) {
        struct fx x;
        char shot[4200];
        fx_open(&x, layouts[l].w, layouts[l].h);
        reach(&x, "idle", QH_LANG_ZH);
        qh_pad_view_draw(x.v, &x.m);
        assert_int_equal(count_colour(&x, mark), 0);
        assert_int_equal(qh_pad_view_photo(x.v, png, len), 0);
        qh_pad_view_draw(x.v, &x.m);
        /* The frame is 136x170 units at 480: at least 60x75 px on any. */
        int n = count_colour(&x, mark);
        if (n < 60 * 75)
            fail_msg("%dx%d: %d px of the photo", x.w, x.h, n);
        snprintf(shot, sizeof shot, "%s/pad-photo-%dx%d.png", tu_artefacts(), x.w, x.h);
        if (qh_ui_save_png(x.r, shot, err, sizeof err) < 0)
            fail_msg("%s", err);
        /* Damaged bytes: the placeholder again, and the caller is told. */
        assert_int_equal(qh_pad_view_photo(x.v, png, len / 3), -1);
        qh_pad_view_draw(x.v, &x.m);
        assert_int_equal(count_colour(&x, mark), 0);
        fx_close(&x);
    }
    free(png);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chinese),
        cmocka_unit_test(english),
        cmocka_unit_test(taps_reach_the_model),
        cmocka_unit_test(photo_shown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
