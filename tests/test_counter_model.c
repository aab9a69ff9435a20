/* test_counter_model.c: the counter terminal's model driven by keys, as a
 * clerk would, against real database files: every action and its refusal,
 * the panels that ask for details (materials, reasons, targets), the
 * rating panel that only shows the pad's state (no key rates), two counters racing for one ticket (two models, two handles, one
 * file), login lock-out, idle auto-lock and the unreachable database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../counter/model.h"
#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/hall.h"
#include "qh/rating.h"
#include "qh/text.h"
#include "qh/ticket.h"

struct fx {
    struct qh_store *s, *s2;
    struct qh_counter_model *m, *m2;
    int64_t mono;
};

static struct fx *fx_new(int window, int window2)
{
    char err[QH_ERRLEN];
    struct fx *f = calloc(1, sizeof *f);
    tu_clock("2026-11-25T09:00:00+08:00");
    f->s = tu_store_new("counter");
    assert_int_equal(qh_staff_add(f->s, "s01", "张三", "staff", "1234", err, sizeof err), 0);
    assert_int_equal(qh_staff_add(f->s, "s02", "李四", "admin", "567890", err, sizeof err), 0);
    f->m = calloc(1, sizeof *f->m);
    f->mono = 1000000;
    struct qh_counter_opts o = {QH_LANG_ZH, window, 300};
    qh_counter_model_init(f->m, &o, f->mono);
    qh_counter_model_store(f->m, f->s, NULL);
    if (window2) {
        assert_int_equal(qh_store_open(&f->s2, qh_store_path(f->s), 0, err, sizeof err), 0);
        f->m2 = calloc(1, sizeof *f->m2);
        o.window = window2;
        qh_counter_model_init(f->m2, &o, f->mono);
        qh_counter_model_store(f->m2, f->s2, NULL);
    }
    return f;
}

static void fx_free(struct fx *f)
{
    qh_store_close(f->s);
    qh_store_close(f->s2);
    free(f->m);
    free(f->m2);
    free(f);
}

static void type(struct qh_counter_model *m, const char *s)
{
    for (; *s; s++) {
        char c[2] = {*s, 0};
        qh_counter_model_text(m, c);
    }
}

static void login(struct qh_counter_model *m, const char *id, const char *pin)
{
    qh_counter_model_key(m, QH_CK_ESC);     /* clear */
    type(m, id);
    qh_counter_model_key(m, QH_CK_TAB);
    type(m, pin);
    qh_counter_model_key(m, QH_CK_ENTER);
}

static void issue(struct qh_store *s, const char *queue, const char *service)
{
    char err[QH_ERRLEN];
    struct qh_issue_req req = {service, service ? NULL : queue, NULL, 0, 0};
    assert_int_equal(qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err), 0);
}

static void key(struct qh_counter_model *m, enum qh_counter_key k)
{
    uint64_t g = m->gen;
    qh_counter_model_key(m, k);
    assert_true(m->gen != g);     /* never a silent no-op */
}

#define assert_msg(m, kind, needle) do {                                        \
        assert_int_equal((m)->msg_kind, kind);                                  \
        if (!strstr((m)->msg, needle))                                          \
            fail_msg("message [%s] lacks [%s]", (m)->msg, needle);              \
    } while (0)

static int last_event(struct qh_store *s, const char *type, struct qh_event_row *out)
{
    struct qh_event_row ev[256];
    int n = qh_store_events_since(s, 0, ev, 256, NULL, 0), found = 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(ev[i].type, type)) {
            *out = ev[i];
            found = 1;
        }
    return found;
}

/* ---- login ---- */

static void test_login_and_lockout(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 0);
    struct qh_counter_model *m = f->m;
    assert_int_equal(m->panel, QH_CP_LOGIN);
    key(m, QH_CK_F1);
    assert_msg(m, QH_CM_ERROR, "请先登录");
    key(m, QH_CK_ENTER);
    assert_msg(m, QH_CM_ERROR, "请输入工号");
    type(m, "s01");
    key(m, QH_CK_ENTER);           /* moves to the PIN */
    assert_int_equal(m->field, 1);
    key(m, QH_CK_ENTER);
    assert_msg(m, QH_CM_ERROR, "请输入密码");
    qh_counter_model_text(m, "x");
    assert_msg(m, QH_CM_ERROR, "数字");
    for (int i = 0; i < 4; i++) {
        login(m, "s01", "9999");
        assert_msg(m, QH_CM_ERROR, "工号或密码错误");
        assert_int_equal(m->panel, QH_CP_LOGIN);
    }
    login(m, "s01", "9999");
    assert_msg(m, QH_CM_ERROR, "尝试次数过多，请 15 分钟后再试");
    login(m, "s01", "1234");      /* the right PIN, but locked */
    assert_msg(m, QH_CM_ERROR, "尝试次数过多，请 15 分钟后再试");
    assert_false(m->logged_in);
    login(m, "s02", "567890");
    assert_true(m->logged_in);
    assert_int_equal(m->panel, QH_CP_MAIN);
    assert_string_equal(m->role, "admin");
    assert_msg(m, QH_CM_OK, "李四");
    struct qh_event_row ev;
    assert_true(last_event(f->s, "login", &ev));
    assert_string_equal(ev.staff, "s02");
    assert_int_equal(ev.window, 1);
    /* log out: recorded (attendance) */
    qh_counter_model_text(m, "o");
    assert_int_equal(m->panel, QH_CP_LOGIN);
    assert_false(m->logged_in);
    assert_true(last_event(f->s, "logout", &ev));
    fx_free(f);
}

/* ---- a whole case: call, recall, no-show, call back, start, finish, rate ---- */

static void test_call_to_rating(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 0);
    struct qh_counter_model *m = f->m;
    login(m, "s01", "1234");
    key(m, QH_CK_F1);
    assert_msg(m, QH_CM_ERROR, "没有等候");
    issue(f->s, "A", "XK001");
    issue(f->s, "A", NULL);
    qh_counter_model_events(m, NULL, 1);
    assert_int_equal(m->queues[0].waiting, 2);
    assert_string_equal(m->queues[0].next[0], "A001");
    key(m, QH_CK_F1);
    assert_msg(m, QH_CM_OK, "A001");
    assert_true(m->has_ticket);
    assert_int_equal(m->t.state, QH_TICKET_CALLED);
    assert_string_equal(m->sv.code, "XK001");
    assert_true(m->nmat >= 3);          /* the checklist, one per material */
    assert_int_equal(m->queues[0].waiting, 1);
    /* wrong-state refusals are said */
    key(m, QH_CK_F5);
    assert_msg(m, QH_CM_ERROR, "F4");
    key(m, QH_CK_F1);
    assert_msg(m, QH_CM_ERROR, "A001");
    key(m, QH_CK_F9);
    assert_int_equal(m->msg_kind, QH_CM_ERROR);
    qh_counter_model_text(m, "o");
    assert_msg(m, QH_CM_ERROR, "A001");
    assert_true(m->logged_in);
    /* recall up to the limit, then no-show */
    for (int i = 1; i <= m->recall_limit; i++) {
        key(m, QH_CK_F2);
        assert_int_equal(m->t.recalls, i);
    }
    key(m, QH_CK_F2);
    assert_msg(m, QH_CM_INFO, "过号");
    assert_false(m->has_ticket);
    assert_int_equal(m->nnoshow, 1);
    /* call back from the list */
    key(m, QH_CK_F11);
    assert_int_equal(m->panel, QH_CP_NOSHOWS);
    assert_int_equal(m->nrows, 1);
    qh_counter_model_text(m, "1");
    key(m, QH_CK_ENTER);
    assert_msg(m, QH_CM_OK, "A001");
    assert_int_equal(m->t.state, QH_TICKET_CALLED);
    key(m, QH_CK_F4);
    assert_int_equal(m->t.state, QH_TICKET_SERVING);
    /* hold and release */
    key(m, QH_CK_F9);
    assert_false(m->has_ticket);
    assert_int_equal(m->nheld, 1);
    key(m, QH_CK_F10);
    assert_int_equal(m->panel, QH_CP_HELD);
    key(m, QH_CK_ENTER);
    assert_msg(m, QH_CM_OK, "A001");
    key(m, QH_CK_F10);
    assert_msg(m, QH_CM_ERROR, "没有挂起");
    /* released to the front: called before A002 */
    key(m, QH_CK_F1);
    assert_string_equal(m->t.number, "A001");
    key(m, QH_CK_F4);
    key(m, QH_CK_F5);
    assert_int_equal(m->panel, QH_CP_RATING);
    assert_string_equal(m->rate_number, "A001");
    assert_int_equal(m->rate_state, QH_CR_WAITING);
    /* No key of the counter rates: the digits only say where it is done. */
    int64_t before = tu_last_event(f->s);
    for (const char *d = "12345"; *d; d++) {
        char k[2] = {*d, '\0'};
        qh_counter_model_text(m, k);
    }
    assert_int_equal(m->panel, QH_CP_RATING);
    assert_msg(m, QH_CM_INFO, "评价器");
    assert_int_equal(tu_last_event(f->s), before);
    key(m, QH_CK_F1);           /* the window goes on while the citizen rates */
    assert_int_equal(m->panel, QH_CP_MAIN);
    assert_string_equal(m->t.number, "A002");
    fx_free(f);
}

/* The events since `after` to the model, as main.c's feed would. */
static void feed(struct qh_counter_model *m, struct qh_store *s, int64_t after)
{
    struct qh_event_row evs[32];
    int n = qh_hall_events_since(s, after, evs, 32, NULL, 0);
    assert_true(n > 0);
    qh_counter_model_events(m, evs, n);
}

/* The pad's rating, as the pad records it: its own actor. */
static int pad_rates(struct qh_store *s, const char *number, int score, const char *reason)
{
    struct qh_rate_req r = {.number = number, .score = score, .reason = reason,
                            .channel = QH_RATE_PAD, .device = "pad:1"};
    qh_hall_set_actor(s, "pad:1");
    int rc = qh_rating_add(s, &r, NULL, NULL, 0);
    qh_hall_set_actor(s, "counter:1");
    return rc;
}

static void test_rating_is_the_pads(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 0);
    struct qh_counter_model *m = f->m;
    struct qh_event_row ev;
    login(m, "s01", "1234");
    issue(f->s, "A", NULL);
    key(m, QH_CK_F1);
    key(m, QH_CK_F4);
    key(m, QH_CK_F5);
    assert_int_equal(m->panel, QH_CP_RATING);
    assert_int_equal(m->rate_state, QH_CR_WAITING);
    assert_string_equal(qh_counter_rate_state_label(m->rate_state, QH_LANG_ZH), "等待群众评价");
    /* The key that puts the rating screen up on the pad again. */
    int64_t before = tu_last_event(f->s);
    key(m, QH_CK_ENTER);
    assert_msg(m, QH_CM_OK, "评价器");
    assert_true(last_event(f->s, "rating_prompt", &ev));
    assert_string_equal(ev.number, "A001");
    assert_int_equal(ev.window, 1);
    assert_true(ev.id > before);
    /* The counter's own session cannot rate, whatever the channel says. */
    struct qh_rate_req r = {.number = "A001", .score = 5, .channel = QH_RATE_PAD,
                            .device = "pad:1"};
    assert_int_equal(qh_rating_add(f->s, &r, NULL, NULL, 0), QH_E_STATE);
    /* The citizen rates on the pad: the counter learns that, not the score. */
    before = tu_last_event(f->s);
    assert_int_equal(pad_rates(f->s, "A001", 1, "态度不好"), 0);
    feed(m, f->s, before);
    assert_int_equal(m->rate_state, QH_CR_RATED);
    assert_int_equal(m->panel, QH_CP_RATING);
    assert_null(strstr(m->msg, "不满意"));
    assert_null(strstr(m->msg, "态度不好"));
    key(m, QH_CK_ESC);
    assert_int_equal(m->panel, QH_CP_MAIN);
    assert_msg(m, QH_CM_INFO, "群众已评价");
    /* Rated: nothing left to put up again. */
    qh_counter_model_text(m, "r");
    assert_msg(m, QH_CM_ERROR, "没有办结待评价");

    /* The next citizen walks away: the pad gives up, the counter says so. */
    issue(f->s, "A", NULL);
    key(m, QH_CK_F1);
    key(m, QH_CK_F4);
    key(m, QH_CK_F5);
    key(m, QH_CK_ESC);                  /* closed at once: the state still comes */
    before = tu_last_event(f->s);
    assert_int_equal(qh_rating_skipped(f->s, 1, "A002", NULL, 0), 0);
    feed(m, f->s, before);
    assert_int_equal(m->rate_state, QH_CR_SKIPPED);
    assert_msg(m, QH_CM_INFO, "群众未评价");
    /* R on the main panel: the pad asks again, the state is waiting again. */
    before = tu_last_event(f->s);
    qh_counter_model_text(m, "R");
    assert_msg(m, QH_CM_OK, "评价器");
    feed(m, f->s, before);
    assert_int_equal(m->rate_state, QH_CR_WAITING);
    /* Another ticket's events leave the state alone. */
    before = tu_last_event(f->s);
    issue(f->s, "B", NULL);
    feed(m, f->s, before);
    assert_int_equal(m->rate_state, QH_CR_WAITING);
    fx_free(f);
}

/* 申诉 at the counter (A): the staff member's own 差评 of earlier cases,
 * never the one just finished (its citizen may be at the window), never
 * while a ticket is here; a reason is required; once appealed it leaves
 * the list, and the library has the appeal with its event. */
static void test_appeal(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 0);
    struct qh_counter_model *m = f->m;
    struct qh_event_row ev;
    const char *numbers[] = {"A001", "A002", "A003"};
    const int scores[] = {1, 5, 2};
    login(m, "s01", "1234");
    for (int i = 0; i < 3; i++) {
        issue(f->s, "A", NULL);
        key(m, QH_CK_F1);
        key(m, QH_CK_F4);
        key(m, QH_CK_F5);
        assert_int_equal(pad_rates(f->s, numbers[i], scores[i], scores[i] < 3 ? "态度不好" : NULL),
                         0);
        key(m, QH_CK_ESC);
    }
    /* A003's citizen may still be at the window: its 差评 is not listed. */
    qh_counter_model_text(m, "a");
    assert_int_equal(m->panel, QH_CP_APPEAL);
    assert_int_equal(m->nrows, 1);
    assert_non_null(strstr(m->rows[0].label, "A001"));
    key(m, QH_CK_ESC);
    /* The rating panel takes no A: the citizen of A004 may be there. */
    issue(f->s, "A", NULL);
    key(m, QH_CK_F1);
    key(m, QH_CK_F4);
    key(m, QH_CK_F5);
    qh_counter_model_text(m, "a");
    assert_int_equal(m->panel, QH_CP_RATING);
    key(m, QH_CK_ESC);
    /* With a ticket at the window: refused. */
    issue(f->s, "A", NULL);
    key(m, QH_CK_F1);
    qh_counter_model_text(m, "a");
    assert_int_equal(m->panel, QH_CP_MAIN);
    assert_msg(m, QH_CM_ERROR, "办结后再申诉");
    assert_false(qh_counter_act_enabled(m, QH_CA_APPEAL));
    key(m, QH_CK_F3);                   /* no-show */
    assert_true(qh_counter_act_enabled(m, QH_CA_APPEAL));
    assert_string_equal(qh_counter_shortcut(QH_CA_APPEAL), "A");
    /* The list: A001 (1) and A003 (2); not A002 (5), not A004 (unrated,
     * the last finished here). */
    qh_counter_model_text(m, "A");
    assert_int_equal(m->panel, QH_CP_APPEAL);
    assert_int_equal(m->nrows, 2);
    int a1 = strstr(m->rows[0].label, "A001") ? 0 : 1;
    assert_non_null(strstr(m->rows[a1].label, "非常不满意：态度不好"));
    assert_non_null(strstr(m->rows[1 - a1].label, "A003"));
    assert_true(qh_counter_text_max(m) == QH_TEXT_REASON_MAX);
    qh_counter_model_act(m, QH_CA_PICK, a1);
    key(m, QH_CK_ENTER);                /* no reason yet */
    assert_msg(m, QH_CM_ERROR, "请填写申诉理由");
    assert_int_equal(m->panel, QH_CP_APPEAL);
    qh_counter_model_act(m, QH_CA_FIELD, 1);
    qh_counter_model_text(m, "群众要求当场办理不符合条件的事项");
    int64_t before = tu_last_event(f->s);
    key(m, QH_CK_ENTER);
    assert_int_equal(m->panel, QH_CP_MAIN);
    assert_msg(m, QH_CM_OK, "已就A001号的差评提出申诉");
    assert_true(last_event(f->s, "appeal_filed", &ev));
    assert_true(ev.id > before);
    assert_string_equal(ev.number, "A001");
    assert_string_equal(ev.staff, "s01");
    assert_non_null(strstr(ev.detail, "不符合条件"));
    /* Appealed: only A003 is left; Esc cancels without a trace. */
    qh_counter_model_text(m, "a");
    assert_int_equal(m->nrows, 1);
    assert_non_null(strstr(m->rows[0].label, "A003"));
    before = tu_last_event(f->s);
    key(m, QH_CK_ESC);
    assert_int_equal(m->panel, QH_CP_MAIN);
    assert_int_equal(tu_last_event(f->s), before);
    /* Another staff member has no 差评 of s01's to appeal. */
    qh_counter_model_text(m, "o");
    login(m, "s02", "567890");
    qh_counter_model_text(m, "a");
    assert_int_equal(m->panel, QH_CP_MAIN);
    assert_msg(m, QH_CM_INFO, "没有可以申诉的差评");
    fx_free(f);
}

static void test_supplement_and_failed(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 0);
    struct qh_counter_model *m = f->m;
    login(m, "s01", "1234");
    issue(f->s, "A", "XK001");
    issue(f->s, "A", "XK001");
    key(m, QH_CK_F6);
    assert_msg(m, QH_CM_ERROR, "没有号");
    key(m, QH_CK_F1);
    key(m, QH_CK_F6);
    assert_msg(m, QH_CM_ERROR, "F4");
    key(m, QH_CK_F4);
    key(m, QH_CK_F6);
    assert_int_equal(m->panel, QH_CP_SUPPLEMENT);
    key(m, QH_CK_ENTER);
    assert_msg(m, QH_CM_ERROR, "勾选");
    qh_counter_model_text(m, "2");
    qh_counter_model_key(m, QH_CK_DOWN);
    qh_counter_model_key(m, QH_CK_SPACE);    /* ticks row 3 */
    assert_int_equal(m->ticks, 0x6u);
    char m2[96], m3[96];
    snprintf(m2, sizeof m2, "%s", m->mat[1]);
    snprintf(m3, sizeof m3, "%s", m->mat[2]);
    key(m, QH_CK_ENTER);
    assert_int_equal(m->panel, QH_CP_RATING);
    struct qh_event_row ev;
    assert_true(last_event(f->s, "finished", &ev));
    assert_non_null(strstr(ev.detail, "\"outcome\":\"supplement\""));
    assert_non_null(strstr(ev.detail, m2));
    assert_non_null(strstr(ev.detail, m3));
    assert_null(strstr(ev.detail, m->mat[0]));
    qh_counter_model_text(m, "4");
    /* 办不成: a reason, then on to the class C queue with the same number */
    key(m, QH_CK_F1);
    key(m, QH_CK_F4);
    key(m, QH_CK_F7);
    assert_int_equal(m->panel, QH_CP_FAILED);
    key(m, QH_CK_ENTER);
    assert_msg(m, QH_CM_ERROR, "原因");
    key(m, QH_CK_ESC);
    assert_msg(m, QH_CM_INFO, "仍在办理");
    assert_int_equal(m->t.state, QH_TICKET_SERVING);
    key(m, QH_CK_F7);
    qh_counter_model_text(m, "1");
    key(m, QH_CK_ENTER);
    assert_int_equal(m->panel, QH_CP_RATING);
    assert_msg(m, QH_CM_OK, "C");
    /* what the staff member tells the citizen: who is ahead in C, how long */
    assert_msg(m, QH_CM_OK, "C队列（办不成事反映窗口）：前面 0 人，预计等候");
    struct qh_ticket_row t;
    assert_int_equal(qh_ticket_get(f->s, "A002", &t, NULL, 0), 0);
    assert_int_equal(t.state, QH_TICKET_WAITING);
    assert_string_equal(t.queue, "C");
    assert_true(last_event(f->s, "finished", &ev));
    assert_non_null(strstr(ev.detail, "不符合办理条件"));
    fx_free(f);
}

/* ---- free text stops at its limit ---- */

/* Typed past the limit, in one IME commit or a character at a time, a text
 * box keeps exactly its limit in whole characters; what it sends the
 * library is never over the limit of its kind, so it is stored whole. */
static void test_text_limits(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 0);
    struct qh_counter_model *m = f->m;
    struct qh_event_row ev;
    char got[QH_TEXT_NOTE_LEN], want[QH_TEXT_NOTE_LEN + 64];
    login(m, "s01", "1234");
    issue(f->s, "A", "XK001");
    issue(f->s, "A", NULL);

    /* Pause: 60 characters, less the room for a label ("午休："). */
    qh_counter_model_text(m, "p");
    assert_int_equal(m->panel, QH_CP_PAUSE);
    assert_int_equal(qh_counter_text_max(m), 57);
    qh_counter_model_text(m, tu_rep("暂", 100));
    assert_int_equal(qh_text_len(m->text), 57);
    assert_msg(m, QH_CM_ERROR, "57");
    qh_counter_model_text(m, "停");                /* full: nothing more */
    assert_int_equal(qh_text_len(m->text), 57);
    snprintf(want, sizeof want, "午休：%s", m->text);   /* the first row, chosen */
    assert_int_equal(qh_text_len(want), QH_TEXT_PAUSE_MAX);
    key(m, QH_CK_ENTER);
    struct qh_window_row w;
    assert_int_equal(qh_store_window_get(f->s, 1, &w), 0);
    assert_int_equal(w.paused, 1);
    assert_string_equal(w.pause_reason, want);
    qh_counter_model_text(m, "p");                 /* resume */
    assert_int_equal(qh_store_window_get(f->s, 1, &w), 0);
    assert_int_equal(w.paused, 0);

    /* Transfer: 500 characters; 4-byte ones one at a time past the end. */
    key(m, QH_CK_F1);
    key(m, QH_CK_F4);
    key(m, QH_CK_F8);
    assert_int_equal(m->panel, QH_CP_TRANSFER);
    qh_counter_model_act(m, QH_CA_FIELD, 1);
    assert_int_equal(qh_counter_text_max(m), QH_TEXT_NOTE_MAX);
    qh_counter_model_text(m, tu_rep("字", 499));
    for (int i = 0; i < 3; i++)
        qh_counter_model_text(m, "😀");
    assert_int_equal(qh_text_len(m->text), 500);
    assert_true(qh_text_valid_utf8(m->text, strlen(m->text)));
    assert_msg(m, QH_CM_ERROR, "500");
    key(m, QH_CK_ESC);

    /* 需补件: the note the panel builds from the ticked materials and the
     * words fits its buffer, or is refused whole -- never cut. */
    key(m, QH_CK_F6);
    assert_int_equal(m->panel, QH_CP_SUPPLEMENT);
    for (int i = 0; i < m->nmat; i++)
        qh_counter_model_act(m, QH_CA_PICK, i);
    qh_counter_model_act(m, QH_CA_FIELD, 1);
    assert_int_equal(qh_counter_text_max(m), QH_TEXT_NOTE_MAX - 5);
    qh_counter_model_text(m, tu_rep("😀", 600));
    assert_int_equal(qh_text_len(m->text), QH_TEXT_NOTE_MAX - 5);
    int64_t before = tu_last_event(f->s);
    key(m, QH_CK_ENTER);
    assert_msg(m, QH_CM_ERROR, "500");
    assert_int_equal(m->panel, QH_CP_SUPPLEMENT);
    assert_int_equal(tu_last_event(f->s), before);
    while (qh_text_len(m->text) > 40)
        qh_counter_model_key(m, QH_CK_BACKSPACE);
    snprintf(want, sizeof want, "缺少材料：");
    for (int i = 0; i < m->nmat; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s", i ? "；" : "",
                 m->mat[i]);
    snprintf(want + strlen(want), sizeof want - strlen(want), "；%s", m->text);
    key(m, QH_CK_ENTER);
    assert_int_equal(m->panel, QH_CP_RATING);
    assert_true(last_event(f->s, "finished", &ev));
    assert_true(qh_json_get_str(ev.detail, "note", got, sizeof got));
    assert_string_equal(got, want);

    fx_free(f);
}

/* ---- the 补件告知单: the model asks, main.c prints ---- */

static void test_print_supplement(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 0);
    struct qh_counter_model *m = f->m;
    login(m, "s01", "1234");
    issue(f->s, "A", "XK001");
    issue(f->s, "A", "XK001");
    /* Nothing finished as 需补件 yet: F6 is still 需补件, refused. */
    key(m, QH_CK_F6);
    assert_msg(m, QH_CM_ERROR, "没有号");
    assert_string_equal(m->print_req, "");
    qh_counter_model_act(m, QH_CA_PRINT_SUPPLEMENT, 0);
    assert_msg(m, QH_CM_ERROR, "没有可打印的补件告知单");
    assert_string_equal(m->print_req, "");
    key(m, QH_CK_F1);
    key(m, QH_CK_F4);
    key(m, QH_CK_F6);
    qh_counter_model_text(m, "1");
    key(m, QH_CK_ENTER);
    assert_int_equal(m->panel, QH_CP_RATING);
    assert_string_equal(m->supp_number, "A001");
    assert_msg(m, QH_CM_OK, "F6");
    /* On the rating panel F6 asks main.c to print; the rating waits. */
    key(m, QH_CK_F6);
    assert_string_equal(m->print_req, "A001");
    assert_int_equal(m->panel, QH_CP_RATING);
    assert_msg(m, QH_CM_INFO, "正在打印A001号的补件告知单");
    uint64_t g = m->gen;
    qh_counter_model_printed(m, QH_E_IO, "slips", "打印机缺纸");
    assert_true(m->gen != g);
    assert_string_equal(m->print_req, "");
    assert_msg(m, QH_CM_ERROR, "缺纸");
    assert_msg(m, QH_CM_ERROR, "F6");
    key(m, QH_CK_ESC);          /* the rating is the pad's: the panel closes */
    assert_int_equal(m->panel, QH_CP_MAIN);
    /* No ticket at the window: the F6 button prints the notice again. */
    assert_true(qh_counter_act_enabled(m, QH_CA_SUPPLEMENT));
    key(m, QH_CK_F6);
    assert_string_equal(m->print_req, "A001");
    qh_counter_model_printed(m, 0, "slips", NULL);
    assert_msg(m, QH_CM_OK, "已打印（slips）");
    qh_counter_model_printed(m, 1, "slips", NULL);   /* sent, still printing */
    assert_msg(m, QH_CM_OK, "已发送");
    /* With a ticket at the window F6 is 需补件 for that ticket again. */
    key(m, QH_CK_F1);
    assert_false(qh_counter_act_enabled(m, QH_CA_SUPPLEMENT));
    key(m, QH_CK_F6);
    assert_msg(m, QH_CM_ERROR, "F4");
    assert_string_equal(m->print_req, "");
    /* Finished as done: the old notice is no longer offered. */
    key(m, QH_CK_F4);
    key(m, QH_CK_F5);
    assert_string_equal(m->supp_number, "");
    key(m, QH_CK_ESC);
    key(m, QH_CK_F6);
    assert_msg(m, QH_CM_ERROR, "没有号");
    assert_string_equal(m->print_req, "");
    /* Logging out forgets it too. */
    strcpy(m->supp_number, "A001");
    key(m, QH_CK_F1);       /* nothing waiting */
    qh_counter_model_text(m, "o");
    assert_int_equal(m->panel, QH_CP_LOGIN);
    assert_string_equal(m->supp_number, "");
    fx_free(f);
}

/* ---- transfer: the next window sees the history ---- */

static void test_transfer_history(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 5);
    struct qh_counter_model *m = f->m, *m5 = f->m2;
    login(m, "s01", "1234");
    login(m5, "s02", "567890");
    issue(f->s, "A", NULL);
    key(m, QH_CK_F8);
    assert_msg(m, QH_CM_ERROR, "没有号");
    key(m, QH_CK_F1);
    key(m, QH_CK_F8);
    assert_int_equal(m->panel, QH_CP_TRANSFER);
    int row = -1;
    for (int i = 0; i < m->nrows; i++)
        if (m->rows[i].kind == 0 && !strcmp(m->rows[i].key, "5"))
            row = i;
    assert_true(row >= 0);
    key(m, QH_CK_ENTER);
    assert_int_equal(m->panel, QH_CP_TRANSFER);   /* nothing chosen: stays, says so */
    assert_msg(m, QH_CM_ERROR, "转移");
    qh_counter_model_act(m, QH_CA_PICK, row);
    qh_counter_model_act(m, QH_CA_FIELD, 1);
    qh_counter_model_text(m, "需综合窗口帮办");
    key(m, QH_CK_ENTER);
    assert_int_equal(m->panel, QH_CP_MAIN);
    assert_msg(m, QH_CM_OK, "A001");
    /* the estimate before the long destination label, which may be cut */
    assert_msg(m, QH_CM_OK, "A001号已转出，前面 0 人，预计等候");
    assert_msg(m, QH_CM_OK, "分钟；转到");
    assert_false(m->has_ticket);
    /* window 5 is told by the change feed */
    qh_counter_model_events(m5, NULL, 1);
    key(m5, QH_CK_F1);
    assert_string_equal(m5->t.number, "A001");
    assert_int_equal(m5->nhops, 1);
    assert_int_equal(m5->hops[0].from_window, 1);
    assert_int_equal(m5->hops[0].to_window, 5);
    assert_string_equal(m5->hops[0].note, "需综合窗口帮办");
    /* transfer to an item found by typing its initials */
    key(m5, QH_CK_F8);
    type(m5, "XK001");
    assert_true(m5->nrows >= 1);
    assert_int_equal(m5->rows[0].kind, 2);
    qh_counter_model_act(m5, QH_CA_PICK, 0);
    key(m5, QH_CK_ENTER);
    assert_msg(m5, QH_CM_OK, "A001");
    struct qh_ticket_row t;
    assert_int_equal(qh_ticket_get(f->s, "A001", &t, NULL, 0), 0);
    assert_string_equal(t.service, "XK001");
    fx_free(f);
}

/* ---- two counters, one ticket ---- */

static void test_race(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 2);
    struct qh_counter_model *a = f->m, *b = f->m2;
    login(a, "s01", "1234");
    login(b, "s02", "567890");
    issue(f->s, "A", NULL);
    qh_counter_model_events(a, NULL, 1);
    qh_counter_model_events(b, NULL, 1);
    /* both see A001 waiting; b picks it from the list, a calls next first */
    key(b, QH_CK_F12);
    assert_int_equal(b->panel, QH_CP_WAITLIST);
    assert_string_equal(b->rows[0].key, "A001");
    key(a, QH_CK_F1);
    assert_string_equal(a->t.number, "A001");
    key(b, QH_CK_ENTER);
    assert_msg(b, QH_CM_ERROR, "A001");
    assert_false(b->has_ticket);
    assert_int_equal(b->panel, QH_CP_MAIN);
    /* and calling next finds nothing left */
    key(b, QH_CK_F1);
    assert_msg(b, QH_CM_ERROR, "没有等候");
    /* the loser's screen caught up */
    assert_int_equal(b->queues[0].waiting, 0);
    fx_free(f);
}

/* ---- pause ---- */

static void test_pause(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 0);
    struct qh_counter_model *m = f->m;
    login(m, "s01", "1234");
    issue(f->s, "A", NULL);
    qh_counter_model_text(m, "p");
    assert_int_equal(m->panel, QH_CP_PAUSE);
    assert_int_equal(m->nrows, 4);
    assert_string_equal(m->rows[0].label, "午休");
    qh_counter_model_text(m, "4");      /* 其他 without words */
    key(m, QH_CK_ENTER);
    assert_msg(m, QH_CM_ERROR, "其他");
    key(m, QH_CK_UP);
    key(m, QH_CK_UP);                   /* 会议 */
    key(m, QH_CK_ENTER);
    assert_true(m->paused);
    assert_string_equal(m->pause_reason, "会议");
    key(m, QH_CK_F1);
    assert_msg(m, QH_CM_ERROR, "暂停");
    assert_false(qh_counter_act_enabled(m, QH_CA_CALL_NEXT));
    qh_counter_model_text(m, "P");
    assert_false(m->paused);
    assert_msg(m, QH_CM_OK, "恢复");
    struct qh_event_row ev;
    assert_true(last_event(f->s, "resumed", &ev));
    /* not with a ticket at the window */
    key(m, QH_CK_F1);
    qh_counter_model_text(m, "p");
    assert_int_equal(m->panel, QH_CP_MAIN);
    assert_msg(m, QH_CM_ERROR, "A001");
    fx_free(f);
}

/* ---- idle auto-lock ---- */

static void test_idle_lock(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 0);
    struct qh_counter_model *m = f->m;
    login(m, "s01", "1234");
    qh_counter_model_tick(m, f->mono + 299 * 1000);
    assert_int_equal(m->panel, QH_CP_MAIN);
    qh_counter_model_tick(m, f->mono + 300 * 1000);
    assert_int_equal(m->panel, QH_CP_LOCKED);
    assert_msg(m, QH_CM_INFO, "锁屏");
    assert_true(m->logged_in);          /* the session (attendance) goes on */
    key(m, QH_CK_F1);
    assert_msg(m, QH_CM_ERROR, "锁屏");
    type(m, "1111");
    key(m, QH_CK_ENTER);
    assert_msg(m, QH_CM_ERROR, "密码错误");
    assert_int_equal(m->panel, QH_CP_LOCKED);
    struct qh_login_lock l;
    assert_int_equal(qh_store_login_lock_get(f->s, "s01", "counter:1", &l), 0);
    assert_int_equal(l.failed, 1);      /* counts towards the lock-out */
    type(m, "1234");
    key(m, QH_CK_ENTER);
    assert_int_equal(m->panel, QH_CP_MAIN);
    assert_msg(m, QH_CM_OK, "解锁");
    /* L locks at once; Esc lets another staff member log in */
    qh_counter_model_text(m, "l");
    assert_int_equal(m->panel, QH_CP_LOCKED);
    key(m, QH_CK_ESC);
    assert_int_equal(m->panel, QH_CP_LOGIN);
    login(m, "s02", "567890");
    assert_string_equal(m->staff, "s02");
    /* five wrong PINs at the lock screen end the session */
    qh_counter_model_text(m, "l");
    for (int i = 0; i < 5; i++) {
        type(m, "0000");
        key(m, QH_CK_ENTER);
    }
    assert_int_equal(m->panel, QH_CP_LOGIN);
    assert_false(m->logged_in);
    assert_msg(m, QH_CM_ERROR, "尝试次数过多");
    fx_free(f);
}

/* The lock-out lives in the database, shared with the kiosk: a counter
 * restarted midway goes on counting, every wrong PIN is a login_failed
 * event of this window and device, and guesses at the kiosk do not lock
 * the clerk out of their own counter. */
static void test_lockout_persists_and_is_shared(void **state)
{
    (void)state;
    char err[QH_ERRLEN], path[512];
    struct fx *f = fx_new(1, 0);
    struct qh_counter_model *m = f->m;
    snprintf(path, sizeof path, "%s", qh_store_path(f->s));
    for (int i = 0; i < 3; i++) {
        login(m, "s01", "9999");
        assert_msg(m, QH_CM_ERROR, "工号或密码错误");
    }
    /* restart: a new model on a new connection */
    qh_store_close(f->s);
    assert_int_equal(qh_store_open(&f->s, path, 0, err, sizeof err), 0);
    struct qh_counter_opts o = {QH_LANG_ZH, 1, 300};
    qh_counter_model_init(m, &o, f->mono);
    qh_counter_model_store(m, f->s, NULL);
    login(m, "s01", "9999");
    assert_msg(m, QH_CM_ERROR, "工号或密码错误");
    login(m, "s01", "9999");
    assert_msg(m, QH_CM_ERROR, "尝试次数过多，请 15 分钟后再试");
    login(m, "s01", "1234");
    assert_false(m->logged_in);
    struct qh_event_row ev[256];
    int n = qh_store_events_since(f->s, 0, ev, 256, NULL, 0), failed = 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(ev[i].type, "login_failed")) {
            failed++;
            assert_string_equal(ev[i].staff, "s01");
            assert_int_equal(ev[i].window, 1);
            assert_non_null(strstr(ev[i].detail, "\"device\":\"counter:1\""));
            assert_null(strstr(ev[i].detail, "9999"));
        }
    assert_int_equal(failed, 5);
    /* s02 (admin) is guessed at the kiosk until it locks there ... */
    struct qh_store *k;
    assert_int_equal(qh_store_open(&k, path, 0, err, sizeof err), 0);
    qh_store_set_actor(k, "kiosk:1");
    for (int i = 0; i < 4; i++)
        assert_int_equal(qh_staff_verify(k, NULL, "000000", 0, NULL, 0, err, sizeof err),
                         QH_E_AUTH);
    assert_int_equal(qh_staff_verify(k, NULL, "000000", 0, NULL, 0, err, sizeof err),
                     QH_E_LOCKED);
    assert_int_equal(qh_staff_verify(k, NULL, "567890", 0, NULL, 0, err, sizeof err),
                     QH_E_LOCKED);
    /* ... and still logs in at this counter, and unlocks it. */
    login(m, "s02", "567890");
    assert_true(m->logged_in);
    assert_string_equal(m->staff, "s02");
    qh_counter_model_text(m, "l");
    assert_int_equal(m->panel, QH_CP_LOCKED);
    type(m, "567890");
    key(m, QH_CK_ENTER);
    assert_int_equal(m->panel, QH_CP_MAIN);
    qh_store_close(k);
    fx_free(f);
}

/* ---- the database goes away ---- */

static void test_unreachable(void **state)
{
    (void)state;
    struct fx *f = fx_new(1, 0);
    struct qh_counter_model *m = f->m;
    login(m, "s01", "1234");
    issue(f->s, "A", NULL);
    key(m, QH_CK_F1);
    qh_counter_model_store(m, NULL, "qhall.db: No such file or directory");
    assert_true(m->has_ticket);         /* the last state stays on screen */
    for (int a = QH_CA_CALL_NEXT; a < QH_CA_PICK; a++)
        assert_false(qh_counter_act_enabled(m, (enum qh_counter_act)a));
    key(m, QH_CK_F4);
    assert_msg(m, QH_CM_ERROR, "连接中断");
    assert_msg(m, QH_CM_ERROR, "No such file");
    qh_counter_model_store(m, f->s, NULL);
    key(m, QH_CK_F4);
    assert_int_equal(m->t.state, QH_TICKET_SERVING);
    fx_free(f);
}

static void test_english_and_keys(void **state)
{
    (void)state;
    enum qh_counter_key k;
    assert_true(qh_counter_key_parse("F12", &k));
    assert_int_equal(k, QH_CK_F12);
    assert_true(qh_counter_key_parse("enter", &k));
    assert_false(qh_counter_key_parse("F13", &k));
    assert_false(qh_counter_key_parse("x", &k));
    for (int a = QH_CA_CALL_NEXT; a < QH_CA_PICK; a++) {
        assert_true(qh_counter_shortcut((enum qh_counter_act)a)[0]);
        assert_true(qh_counter_act_label((enum qh_counter_act)a, QH_LANG_EN)[0]);
    }
    struct qh_counter_model *m = calloc(1, sizeof *m);
    struct qh_counter_opts o = {QH_LANG_EN, 1, 0};
    qh_counter_model_init(m, &o, 0);
    qh_counter_model_key(m, QH_CK_F1);
    assert_msg(m, QH_CM_ERROR, "database unreachable");
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_and_lockout),
        cmocka_unit_test(test_call_to_rating),
        cmocka_unit_test(test_rating_is_the_pads),
        cmocka_unit_test(test_appeal),
        cmocka_unit_test(test_supplement_and_failed),
        cmocka_unit_test(test_text_limits),
        cmocka_unit_test(test_print_supplement),
        cmocka_unit_test(test_transfer_history),
        cmocka_unit_test(test_race),
        cmocka_unit_test(test_pause),
        cmocka_unit_test(test_idle_lock),
        cmocka_unit_test(test_lockout_persists_and_is_shared),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_english_and_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
