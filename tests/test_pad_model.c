/* test_pad_model.c: the rating pad's model (counter/pad.c) without a
 * screen or a store: snapshots, events, taps and time in, actions out.
 * Every screen, every transition, every refusal: a 差评 without a reason,
 * a double tap, an answer of "already rated", a citizen who walks away,
 * the language that comes back by itself.  The store side (pad_io.c) is
 * driven on a real database by tests/cli/pad_screens.sh. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "qh/err.h"

#include "../counter/pad.h"

#define WIN 3

static struct qh_pad_window snap(const char *staff, int paused, const char *number, int serving)
{
    struct qh_pad_window w;
    memset(&w, 0, sizeof w);
    snprintf(w.name, sizeof w.name, "综合受理");
    snprintf(w.name_en, sizeof w.name_en, "General");
    snprintf(w.staff, sizeof w.staff, "%s", staff);
    snprintf(w.staff_name, sizeof w.staff_name, "%s", staff[0] ? "张三" : "");
    w.paused = paused;
    snprintf(w.pause_reason, sizeof w.pause_reason, "%s", paused ? "午休" : "");
    if (number) {
        w.has_ticket = 1;
        w.serving = serving;
        snprintf(w.number, sizeof w.number, "%s", number);
        snprintf(w.item, sizeof w.item, "居民身份证换领");
        w.promised_days = 20;
        w.nmat = 2;
        snprintf(w.mat[0], sizeof w.mat[0], "户口簿");
        snprintf(w.mat[1], sizeof w.mat[1], "身份证原件");
    }
    return w;
}

static struct qh_event_row ev(const char *type, int window, const char *number,
                              const char *detail, int64_t at)
{
    struct qh_event_row e;
    memset(&e, 0, sizeof e);
    snprintf(e.type, sizeof e.type, "%s", type);
    e.window = window;
    e.at = at;
    snprintf(e.number, sizeof e.number, "%s", number);
    snprintf(e.detail, sizeof e.detail, "%s", detail ? detail : "{}");
    return e;
}

struct fx {
    struct qh_pad_model m;
    int64_t mono, wall;
};

static void fx_init(struct fx *x)
{
    struct qh_pad_window w = snap("s01", 0, "A001", 1);
    x->mono = 1000000;
    x->wall = 1764000000000;
    qh_pad_model_init(&x->m, WIN, QH_LANG_ZH, x->mono);
    qh_pad_model_tick(&x->m, x->mono, x->wall);
    qh_pad_model_window(&x->m, &w);
}

static void later(struct fx *x, int ms)
{
    x->mono += ms;
    x->wall += ms;
    qh_pad_model_tick(&x->m, x->mono, x->wall);
}

static void finish(struct fx *x, const char *number, const char *detail)
{
    struct qh_event_row e = ev("finished", WIN, number, detail, x->wall);
    struct qh_pad_window w = snap("s01", 0, NULL, 0);
    qh_pad_model_events(&x->m, &e, 1);
    qh_pad_model_window(&x->m, &w);     /* the window is free again */
}

static int take(struct fx *x, struct qh_pad_action *a)
{
    return qh_pad_model_take(&x->m, a);
}

/* ---- the window's screens ---- */

static void test_window_screens(void **state)
{
    (void)state;
    struct qh_pad_model m;
    qh_pad_model_init(&m, WIN, QH_LANG_ZH, 0);
    assert_int_equal(m.screen, QH_PS_IDLE);
    assert_false(m.have_window);                /* "正在连接" until a snapshot */

    struct qh_pad_window w = snap("", 0, NULL, 0);
    uint64_t g = m.gen;
    qh_pad_model_window(&m, &w);
    assert_true(m.gen > g);
    assert_int_equal(m.screen, QH_PS_IDLE);
    assert_string_equal(m.w.staff, "");         /* 未开放 */

    w = snap("s01", 1, NULL, 0);                /* 暂停服务 with its reason */
    qh_pad_model_window(&m, &w);
    assert_int_equal(m.screen, QH_PS_IDLE);
    assert_true(m.w.paused);
    assert_string_equal(m.w.pause_reason, "午休");

    w = snap("s01", 0, "A001", 0);
    qh_pad_model_window(&m, &w);
    assert_int_equal(m.screen, QH_PS_CALLED);
    assert_string_equal(m.w.number, "A001");

    w = snap("s01", 0, "A001", 1);
    qh_pad_model_window(&m, &w);
    assert_int_equal(m.screen, QH_PS_SERVING);
    assert_string_equal(m.w.item, "居民身份证换领");
    assert_int_equal(m.w.nmat, 2);

    w = snap("s01", 0, NULL, 0);                /* a no-show, a hold: back to idle */
    qh_pad_model_window(&m, &w);
    assert_int_equal(m.screen, QH_PS_IDLE);

    qh_pad_model_window(&m, NULL);              /* the store is away: said, state kept */
    assert_true(m.offline);
    assert_string_equal(m.w.staff, "s01");
    qh_pad_model_window(&m, &w);
    assert_false(m.offline);

    /* Taps that mean nothing here change nothing. */
    assert_int_equal(qh_pad_model_tap(&m, QH_PB_FACE, 5), 0);
    assert_int_equal(qh_pad_model_tap(&m, QH_PB_SUBMIT, 0), 0);
    assert_int_equal(qh_pad_model_tap(&m, QH_PB_REASON, 0), 0);
    assert_int_equal(qh_pad_model_tap(&m, QH_PB_BACK, 0), 0);
    assert_int_equal(qh_pad_model_tap(&m, QH_PB_NONE, 0), 0);
    struct qh_pad_action a;
    assert_int_equal(qh_pad_model_take(&m, &a), 0);
}

/* ---- the rating ---- */

static void test_finish_opens_rating(void **state)
{
    (void)state;
    struct fx x;
    fx_init(&x);
    assert_int_equal(x.m.screen, QH_PS_SERVING);
    struct qh_event_row other = ev("finished", WIN + 1, "B001", NULL, x.wall);
    qh_pad_model_events(&x.m, &other, 1);
    assert_int_equal(x.m.screen, QH_PS_SERVING);    /* another window's */

    finish(&x, "A001", "{\"outcome\":\"done\"}");
    assert_int_equal(x.m.screen, QH_PS_RATE);
    assert_string_equal(x.m.number, "A001");
    assert_string_equal(x.m.outcome, "done");
    assert_string_equal(x.m.missing, "");

    /* The staff calls the next meanwhile: the citizen still rates. */
    struct qh_pad_window w = snap("s01", 0, "A002", 0);
    qh_pad_model_window(&x.m, &w);
    assert_int_equal(x.m.screen, QH_PS_RATE);
    later(&x, 10000);
    assert_int_equal(x.m.screen, QH_PS_RATE);
}

static void test_good_rating_once(void **state)
{
    (void)state;
    struct fx x;
    struct qh_pad_action a;
    fx_init(&x);
    finish(&x, "A001", "{\"outcome\":\"done\"}");
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_FACE, 4), 1);
    assert_true(x.m.pending);
    /* A double tap, any tap, while the first is out: ignored. */
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_FACE, 4), 0);
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_FACE, 1), 0);
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_LANG, 0), 0);
    assert_int_equal(take(&x, &a), 1);
    assert_int_equal(a.kind, QH_PA_RATE);
    assert_string_equal(a.number, "A001");
    assert_int_equal(a.score, 4);
    assert_string_equal(a.reasons, "");
    assert_int_equal(take(&x, &a), 0);              /* once */
    /* A pending submit is never timed out into a skip. */
    later(&x, 120000);
    assert_int_equal(take(&x, &a), 0);
    assert_int_equal(x.m.screen, QH_PS_RATE);

    qh_pad_model_result(&x.m, 0, 0, NULL);
    assert_int_equal(x.m.screen, QH_PS_THANKS);
    assert_false(x.m.pending);
    /* Our own `rated` arrives after: nothing moves. */
    struct qh_event_row e = ev("rated", WIN, "A001", NULL, x.wall);
    qh_pad_model_events(&x.m, &e, 1);
    assert_int_equal(x.m.screen, QH_PS_THANKS);
    later(&x, QH_PAD_THANKS_MS - 1);
    assert_int_equal(x.m.screen, QH_PS_THANKS);
    later(&x, 1);
    assert_int_equal(x.m.screen, QH_PS_IDLE);
    assert_string_equal(x.m.number, "");
    /* A second answer for the same submit changes nothing. */
    uint64_t g = x.m.gen;
    qh_pad_model_result(&x.m, 0, 0, NULL);
    assert_int_equal(x.m.gen, g);
}

static void test_bad_rating_needs_reason(void **state)
{
    (void)state;
    struct fx x;
    struct qh_pad_action a;
    fx_init(&x);
    finish(&x, "A001", "{\"outcome\":\"done\"}");
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_FACE, 2), 1);
    assert_int_equal(x.m.screen, QH_PS_REASONS);
    assert_int_equal(x.m.score, 2);
    assert_int_equal(take(&x, &a), 0);              /* nothing sent yet */
    assert_int_equal(qh_pad_reasons(&x.m), 7);      /* the default list */
    assert_string_equal(qh_pad_reason(&x.m, 0, QH_LANG_ZH), "态度不好");
    assert_string_equal(qh_pad_reason(&x.m, 6, QH_LANG_ZH), "其他");
    assert_string_equal(qh_pad_reason(&x.m, 7, QH_LANG_ZH), "");

    /* 提交 with nothing ticked: refused, said. */
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_SUBMIT, 0), 1);
    assert_int_equal(take(&x, &a), 0);
    assert_non_null(strstr(x.m.msg, "至少选择一项"));
    assert_int_equal(x.m.screen, QH_PS_REASONS);
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_REASON, 7), 0);     /* no such reason */
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_REASON, -1), 0);
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_FACE, 5), 0);       /* faces are not here */

    /* Tick, untick, tick: the message goes with the first tick. */
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_REASON, 0), 1);
    assert_string_equal(x.m.msg, "");
    qh_pad_model_tap(&x.m, QH_PB_REASON, 1);
    qh_pad_model_tap(&x.m, QH_PB_REASON, 1);
    qh_pad_model_tap(&x.m, QH_PB_REASON, 2);
    assert_int_equal(x.m.ticks, 0x5u);

    /* Back to the faces forgets the ticks and the score. */
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_BACK, 0), 1);
    assert_int_equal(x.m.screen, QH_PS_RATE);
    assert_int_equal(x.m.score, 0);
    assert_int_equal(x.m.ticks, 0u);
    qh_pad_model_tap(&x.m, QH_PB_FACE, 1);
    qh_pad_model_tap(&x.m, QH_PB_REASON, 0);
    qh_pad_model_tap(&x.m, QH_PB_REASON, 2);
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_SUBMIT, 0), 1);
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_SUBMIT, 0), 0);     /* double tap */
    assert_int_equal(take(&x, &a), 1);
    assert_int_equal(a.kind, QH_PA_RATE);
    assert_int_equal(a.score, 1);
    assert_string_equal(a.reasons, "态度不好、一次性告知不清楚");
    assert_int_equal(take(&x, &a), 0);
}

static void test_answers(void **state)
{
    (void)state;
    struct fx x;
    struct qh_pad_action a;
    fx_init(&x);
    finish(&x, "A001", NULL);
    qh_pad_model_tap(&x.m, QH_PB_FACE, 5);
    take(&x, &a);
    /* Refused for another reason (the database went away): said on the
     * rate screen, and the citizen may tap again. */
    qh_pad_model_result(&x.m, QH_E_DB, 0, "database is locked");
    assert_int_equal(x.m.screen, QH_PS_RATE);
    assert_false(x.m.pending);
    assert_non_null(strstr(x.m.msg, "评价未能记录"));
    assert_non_null(strstr(x.m.msg, "database is locked"));
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_FACE, 5), 1);
    assert_string_equal(x.m.msg, "");
    assert_int_equal(take(&x, &a), 1);
    /* "Already rated" (the first of a double tap got through): thanks,
     * not an error. */
    qh_pad_model_result(&x.m, QH_E_STATE, 1, "A001号已评价过");
    assert_int_equal(x.m.screen, QH_PS_THANKS);
    assert_string_equal(x.m.msg, "");
}

static void test_walked_away(void **state)
{
    (void)state;
    struct fx x;
    struct qh_pad_action a;
    fx_init(&x);
    assert_int_equal(qh_pad_timeout_s(&x.m), QH_PAD_TIMEOUT_S);    /* 0 in the hall: 60 */
    finish(&x, "A001", NULL);
    later(&x, 59000);
    assert_int_equal(x.m.screen, QH_PS_RATE);
    qh_pad_model_tap(&x.m, QH_PB_FACE, 2);          /* a tap starts the wait again */
    later(&x, 59000);
    assert_int_equal(x.m.screen, QH_PS_REASONS);
    assert_int_equal(take(&x, &a), 0);
    later(&x, 1000);
    assert_int_equal(x.m.screen, QH_PS_IDLE);
    assert_int_equal(take(&x, &a), 1);
    assert_int_equal(a.kind, QH_PA_SKIPPED);
    assert_string_equal(a.number, "A001");
    assert_int_equal(a.score, 0);                   /* never a score */
    assert_int_equal(take(&x, &a), 0);
    later(&x, 60000);
    assert_int_equal(take(&x, &a), 0);              /* once */

    /* The hall's own time-out. */
    struct qh_pad_window w = snap("s01", 0, NULL, 0);
    w.timeout_s = 20;
    qh_pad_model_window(&x.m, &w);
    finish(&x, "A002", NULL);
    x.m.w.timeout_s = 20;
    later(&x, 19999);
    assert_int_equal(x.m.screen, QH_PS_RATE);
    later(&x, 1);
    assert_int_equal(x.m.screen, QH_PS_IDLE);
    assert_int_equal(take(&x, &a), 1);
    assert_string_equal(a.number, "A002");

    /* The counter's key: the rate screen comes back for the same ticket. */
    struct qh_event_row e = ev("rating_prompt", WIN, "A002", NULL, x.wall);
    qh_pad_model_events(&x.m, &e, 1);
    assert_int_equal(x.m.screen, QH_PS_RATE);
    assert_string_equal(x.m.number, "A002");
    e = ev("rating_prompt", WIN + 1, "B009", NULL, x.wall);         /* not ours */
    qh_pad_model_events(&x.m, &e, 1);
    assert_string_equal(x.m.number, "A002");
}

static void test_next_finish_skips_previous(void **state)
{
    (void)state;
    struct fx x;
    struct qh_pad_action a;
    fx_init(&x);
    finish(&x, "A001", NULL);
    finish(&x, "A002", "{\"outcome\":\"done\"}");
    assert_string_equal(x.m.number, "A002");
    assert_int_equal(take(&x, &a), 1);
    assert_int_equal(a.kind, QH_PA_SKIPPED);
    assert_string_equal(a.number, "A001");
    /* The same ticket's event again (a replay) is no second skip. */
    finish(&x, "A002", NULL);
    assert_int_equal(take(&x, &a), 0);
    assert_string_equal(x.m.outcome, "done");
}

static void test_supplement_shows_missing(void **state)
{
    (void)state;
    struct fx x;
    fx_init(&x);
    finish(&x, "A001", "{\"outcome\":\"supplement\",\"note\":\"缺少材料：户口簿；照片\"}");
    assert_string_equal(x.m.outcome, "supplement");
    assert_string_equal(x.m.missing, "缺少材料：户口簿；照片");
    finish(&x, "A002", "{\"outcome\":\"failed\",\"note\":\"不符合办理条件\"}");
    assert_string_equal(x.m.outcome, "failed");
    assert_string_equal(x.m.missing, "");           /* a note, but not of materials */
}

static void test_ended_elsewhere(void **state)
{
    (void)state;
    struct fx x;
    struct qh_pad_action a;
    fx_init(&x);
    finish(&x, "A001", NULL);
    struct qh_event_row e = ev("rated", WIN, "A009", NULL, x.wall);
    qh_pad_model_events(&x.m, &e, 1);
    assert_int_equal(x.m.screen, QH_PS_RATE);       /* another number */
    e = ev("rated", 0, "A001", NULL, x.wall);       /* entered on another channel */
    qh_pad_model_events(&x.m, &e, 1);
    assert_int_equal(x.m.screen, QH_PS_IDLE);
    assert_int_equal(take(&x, &a), 0);              /* no skip: it is rated */

    /* A replay after a restart: finished, then the skip recorded before. */
    struct qh_event_row evs[2] = {ev("finished", WIN, "A002", NULL, x.wall - 10000),
                                  ev("rating_skipped", WIN, "A002", NULL, x.wall - 5000)};
    qh_pad_model_events(&x.m, evs, 2);
    assert_int_equal(x.m.screen, QH_PS_IDLE);
    assert_int_equal(take(&x, &a), 0);

    /* A finish older than the time-out: the citizen is long gone. */
    e = ev("finished", WIN, "A003", NULL, x.wall - 60000);
    qh_pad_model_events(&x.m, &e, 1);
    assert_int_equal(x.m.screen, QH_PS_IDLE);
    e = ev("finished", WIN, "A003", NULL, x.wall - 59000);
    qh_pad_model_events(&x.m, &e, 1);
    assert_int_equal(x.m.screen, QH_PS_RATE);
    /* An event without a number (a login) is no rating. */
    e = ev("finished", WIN, "", NULL, x.wall);
    qh_pad_model_events(&x.m, &e, 1);
    assert_string_equal(x.m.number, "A003");
}

static void test_language_comes_back(void **state)
{
    (void)state;
    struct fx x;
    struct qh_pad_action a;
    fx_init(&x);
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_LANG, 0), 1);
    assert_int_equal(x.m.lang, QH_LANG_EN);
    finish(&x, "A001", NULL);
    assert_int_equal(x.m.lang, QH_LANG_EN);         /* the same citizen rates in English */
    qh_pad_model_tap(&x.m, QH_PB_FACE, 3);
    take(&x, &a);
    qh_pad_model_result(&x.m, 0, 0, NULL);
    later(&x, QH_PAD_THANKS_MS);
    assert_int_equal(x.m.screen, QH_PS_IDLE);
    assert_int_equal(x.m.lang, QH_LANG_ZH);         /* the next one reads Chinese */

    /* English chosen at idle, then nobody: Chinese after the time-out. */
    qh_pad_model_tap(&x.m, QH_PB_LANG, 0);
    later(&x, 59000);
    assert_int_equal(x.m.lang, QH_LANG_EN);
    later(&x, 1000);
    assert_int_equal(x.m.lang, QH_LANG_ZH);
    qh_pad_model_tap(&x.m, QH_PB_LANG, 0);
    qh_pad_model_tap(&x.m, QH_PB_LANG, 0);          /* and back by hand */
    assert_int_equal(x.m.lang, QH_LANG_ZH);
}

static void test_hall_reasons(void **state)
{
    (void)state;
    struct fx x;
    struct qh_pad_action a;
    fx_init(&x);
    struct qh_pad_window w = snap("s01", 0, NULL, 0);
    w.nreasons = 2;
    snprintf(w.reasons[0], sizeof w.reasons[0], "窗口无人");
    snprintf(w.reasons_en[0], sizeof w.reasons_en[0], "Nobody at the window");
    snprintf(w.reasons[1], sizeof w.reasons[1], "其他");
    qh_pad_model_window(&x.m, &w);
    assert_int_equal(qh_pad_reasons(&x.m), 2);
    assert_string_equal(qh_pad_reason(&x.m, 0, QH_LANG_EN), "Nobody at the window");
    assert_string_equal(qh_pad_reason(&x.m, 1, QH_LANG_EN), "其他");   /* no English given */
    finish(&x, "A001", NULL);
    qh_pad_model_window(&x.m, &w);
    qh_pad_model_tap(&x.m, QH_PB_LANG, 0);
    qh_pad_model_tap(&x.m, QH_PB_FACE, 1);
    assert_int_equal(qh_pad_model_tap(&x.m, QH_PB_REASON, 2), 0);
    qh_pad_model_tap(&x.m, QH_PB_REASON, 0);
    qh_pad_model_tap(&x.m, QH_PB_REASON, 1);
    qh_pad_model_tap(&x.m, QH_PB_SUBMIT, 0);
    assert_int_equal(take(&x, &a), 1);
    /* Recorded in the hall's words whatever the citizen read. */
    assert_string_equal(a.reasons, "窗口无人、其他");
}

static void test_labels(void **state)
{
    (void)state;
    assert_string_equal(qh_pad_face_label(5, QH_LANG_ZH), "非常满意");
    assert_string_equal(qh_pad_face_label(3, QH_LANG_ZH), "基本满意");
    assert_string_equal(qh_pad_face_label(1, QH_LANG_ZH), "非常不满意");
    assert_string_equal(qh_pad_face_label(1, QH_LANG_EN), "Very dissatisfied");
    assert_string_equal(qh_pad_face_label(0, QH_LANG_ZH), "");
    assert_string_equal(qh_pad_face_label(6, QH_LANG_ZH), "");
    assert_string_equal(qh_pad_screen_name(QH_PS_REASONS), "reasons");
    assert_string_equal(qh_pad_screen_name((enum qh_pad_screen)99), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_screens),
        cmocka_unit_test(test_finish_opens_rating),
        cmocka_unit_test(test_good_rating_once),
        cmocka_unit_test(test_bad_rating_needs_reason),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_walked_away),
        cmocka_unit_test(test_next_finish_skips_previous),
        cmocka_unit_test(test_supplement_shows_missing),
        cmocka_unit_test(test_ended_elsewhere),
        cmocka_unit_test(test_language_comes_back),
        cmocka_unit_test(test_hall_reasons),
        cmocka_unit_test(test_labels),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
