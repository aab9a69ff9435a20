/* test_counter_view.c: the counter terminal drawn headless, every panel at
 * 800x480 (the 7" panel), the smallest window (480x288) and 1280x720, in
 * Chinese and English.  On every frame: no text box leaves the screen or
 * overlaps another, no button overlaps another, and on the main panel
 * every action's shortcut key is drawn.  Screenshots are kept in the
 * artefacts directory and /tmp/qhall-counter-shots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "../counter/model.h"
#include "../counter/view.h"
#include "qh/clock.h"
#include "qh/ticket.h"

static void type(struct qh_counter_model *m, const char *s)
{
    for (; *s; s++) {
        char c[2] = {*s, 0};
        qh_counter_model_text(m, c);
    }
}

static int overlap(SDL_Rect a, SDL_Rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void check_frame(struct qh_counter_view *v, const struct qh_counter_model *m,
                        SDL_Renderer *r, int w, int h, const char *name)
{
    char err[QH_ERRLEN], path[512];
    const struct qh_ui_box *b;
    const struct qh_counter_target *t;
    qh_counter_view_draw(v, m);
    int n = qh_ui_boxes(qh_counter_view_ui(v), &b);
    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        if (b[i].r.w == 0)
            continue;
        if (b[i].r.x < 0 || b[i].r.y < 0 || b[i].r.x + b[i].r.w > w || b[i].r.y + b[i].r.h > h)
            fail_msg("%s: [%s] leaves the %dx%d screen (%d,%d %dx%d)", name, b[i].text, w, h,
                     b[i].r.x, b[i].r.y, b[i].r.w, b[i].r.h);
        for (int j = i + 1; j < n; j++) {
            if (b[j].r.w == 0)
                continue;
            /* line boxes include the font's descent: allow 3 px of it */
            SDL_Rect x = b[i].r, y = b[j].r;
            x.h -= 3;
            y.h -= 3;
            if (overlap(x, y))
                fail_msg("%s: [%s] overlaps [%s]", name, b[i].text, b[j].text);
        }
    }
    int nt = qh_counter_view_targets(v, &t);
    for (int i = 0; i < nt; i++)
        for (int j = i + 1; j < nt; j++)
            if (overlap(t[i].r, t[j].r) && t[i].a != QH_CA_FIELD && t[j].a != QH_CA_FIELD)
                fail_msg("%s: buttons %d and %d overlap", name, t[i].a, t[j].a);
    if (m->panel == QH_CP_MAIN)
        for (int a = QH_CA_CALL_NEXT; a < QH_CA_PICK; a++) {
            const char *k = qh_counter_shortcut((enum qh_counter_act)a);
            int seen = 0;
            for (int i = 0; i < n; i++)
                seen |= !strcmp(b[i].text, k);
            if (!seen)
                fail_msg("%s: shortcut %s not drawn", name, k);
            /* and a click on the button is that action */
            for (int i = 0; i < nt; i++)
                if (t[i].a == (enum qh_counter_act)a) {
                    enum qh_counter_act got;
                    int arg;
                    assert_true(qh_counter_view_hit(v, t[i].r.x + 2, t[i].r.y + 2, &got, &arg));
                    assert_int_equal(got, a);
                }
        }
    snprintf(path, sizeof path, "%s/counter-%s-%dx%d.png", tu_artefacts(), name, w, h);
    if (qh_ui_save_png(r, path, err, sizeof err) < 0)
        fail_msg("%s", err);
    mkdir("/tmp/qhall-counter-shots", 0755);
    snprintf(path, sizeof path, "/tmp/qhall-counter-shots/counter-%s-%dx%d.png", name, w, h);
    qh_ui_save_png(r, path, err, sizeof err);
}

static void all_panels(enum qh_lang lang, int w, int h)
{
    char err[QH_ERRLEN];
    SDL_Surface *surf;
    SDL_Renderer *r;
    /* NULL: cmocka 1.1.5 does not declare _fail() noreturn, so clang
     * cannot see that fail_msg() below never falls through. */
    struct qh_counter_view *v = NULL;
    const char *sfx = lang == QH_LANG_EN ? "-en" : "";
    char name[64];

    tu_clock("2026-11-25T09:00:00+08:00");
    struct qh_store *s = tu_store_new("counter-view");
    assert_int_equal(qh_staff_add(s, "s01", "张三", "staff", "1234", err, sizeof err), 0);
    struct qh_issue_req req = {"XK001", NULL, "elderly", 0, 0};
    assert_int_equal(qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err), 0);
    req.green = NULL;
    for (int i = 0; i < 6; i++)
        assert_int_equal(qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err), 0);
    tu_clock_advance(754);
    if (qh_ui_offscreen(w, h, &surf, &r, err, sizeof err) < 0 ||
        qh_counter_view_new(&v, r, err, sizeof err) < 0)
        fail_msg("%s", err);
    struct qh_counter_model *m = calloc(1, sizeof *m);
    struct qh_counter_opts o = {lang, 1, 300};
    qh_counter_model_init(m, &o, 0);
    qh_counter_model_store(m, s, NULL);
#define SHOT(n) do { snprintf(name, sizeof name, "%s%s", n, sfx);                  \
                     qh_counter_model_tick(m, 1000);                              \
                     check_frame(v, m, r, w, h, name); } while (0)
    type(m, "s01");
    SHOT("login");
    qh_counter_model_key(m, QH_CK_TAB);
    type(m, "1234");
    qh_counter_model_key(m, QH_CK_ENTER);
    assert_int_equal(m->panel, QH_CP_MAIN);
    SHOT("main-idle");
    qh_counter_model_key(m, QH_CK_F12);
    SHOT("waitlist");
    qh_counter_model_key(m, QH_CK_ESC);
    qh_counter_model_key(m, QH_CK_F1);
    SHOT("main-called");
    qh_counter_model_key(m, QH_CK_F4);
    tu_clock_advance(125);
    qh_counter_model_key(m, QH_CK_F5);  /* finished; the rating skipped */
    qh_counter_model_key(m, QH_CK_ESC);
    qh_counter_model_key(m, QH_CK_F1);
    qh_counter_model_key(m, QH_CK_F8);
    SHOT("transfer");
    qh_counter_model_text(m, "1");      /* window 2 */
    qh_counter_model_key(m, QH_CK_TAB);
    type(m, "citizen asked");
    qh_counter_model_key(m, QH_CK_ENTER);
    /* window 2 passes it back: history shows on the next call here */
    struct qh_transfer_to to = {NULL, 1, NULL, "back to approvals"};
    struct qh_ticket_row t;
    assert_int_equal(qh_ticket_call(s, 2, "A002", &t, err, sizeof err), 0);
    assert_int_equal(qh_ticket_transfer(s, 2, &to, &t, err, sizeof err), 0);
    qh_counter_model_key(m, QH_CK_F12);
    for (int i = 0; i < m->nrows; i++)
        if (!strcmp(m->rows[i].key, "A002"))
            qh_counter_model_act(m, QH_CA_PICK, i);
    qh_counter_model_key(m, QH_CK_ENTER);
    qh_counter_model_key(m, QH_CK_F4);
    tu_clock_advance(95);
    SHOT("main-serving");
    qh_counter_model_key(m, QH_CK_F6);
    qh_counter_model_text(m, "2");
    qh_counter_model_text(m, "4");
    SHOT("supplement");
    qh_counter_model_key(m, QH_CK_ESC);
    qh_counter_model_key(m, QH_CK_F7);
    qh_counter_model_text(m, "3");
    SHOT("failed");
    qh_counter_model_key(m, QH_CK_ESC);
    qh_counter_model_key(m, QH_CK_F5);
    SHOT("rating");
    qh_counter_model_text(m, "2");
    qh_counter_model_text(m, "1");
    SHOT("rating-reason");
    qh_counter_model_key(m, QH_CK_ENTER);
    qh_counter_model_text(m, "p");
    SHOT("pause");
    qh_counter_model_text(m, "1");
    qh_counter_model_key(m, QH_CK_ENTER);
    SHOT("main-paused");
    qh_counter_model_store(m, NULL, "/var/lib/qhall/qhall.db: database is locked");
    qh_counter_model_key(m, QH_CK_F1);
    SHOT("unreachable");
    qh_counter_model_store(m, s, NULL);
    qh_counter_model_text(m, "l");
    SHOT("locked");
    qh_counter_view_free(v);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(surf);
    qh_store_close(s);
    free(m);
}

static void test_panels_800x480(void **state)
{
    (void)state;
    all_panels(QH_LANG_ZH, 800, 480);
}

static void test_panels_small_and_large(void **state)
{
    (void)state;
    all_panels(QH_LANG_ZH, 480, 288);
    all_panels(QH_LANG_ZH, 1280, 720);
}

static void test_panels_english(void **state)
{
    (void)state;
    all_panels(QH_LANG_EN, 800, 480);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_panels_800x480),
        cmocka_unit_test(test_panels_small_and_large),
        cmocka_unit_test(test_panels_english),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
