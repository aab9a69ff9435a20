/* test_counter_view.c: the counter terminal drawn headless, every panel at
 * 800x480 (the 7" panel), the smallest window (480x288) and 1280x720, in
 * Chinese and English.  On every frame: no text box leaves the screen or
 * overlaps another, no button overlaps another, and on the main panel
 * every action's shortcut key is drawn.  After every key the test presses,
 * the frame's text says what the key did (the number called, the panel
 * opened, the tick, the refusal), in the frame's language and not in the
 * other.  Screenshots are kept in the artefacts directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../counter/model.h"
#include "../counter/view.h"
#include "qh/clock.h"
#include "qh/hall.h"
#include "qh/rating.h"
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

/* The text boxes of the frame last drawn: whether one contains needle
 * (or, exact, is it). */
static const struct qh_ui_box *find_box(struct qh_counter_view *v, const char *needle, int exact)
{
    const struct qh_ui_box *b;
    int n = qh_ui_boxes(qh_counter_view_ui(v), &b);
    for (int i = 0; i < n; i++)
        if (exact ? !strcmp(b[i].text, needle) : strstr(b[i].text, needle) != NULL)
            return &b[i];
    return NULL;
}

/* What the frame says, for a failure message. */
static const char *frame_text(struct qh_counter_view *v)
{
    static char all[8192];
    const struct qh_ui_box *b;
    int n = qh_ui_boxes(qh_counter_view_ui(v), &b);
    size_t len = 0;
    all[0] = '\0';
    for (int i = 0; i < n && len < sizeof all - 1; i++)
        len += (size_t)snprintf(all + len, sizeof all - len, "  [%s]\n", b[i].text);
    return all;
}

static void see_box(struct qh_counter_view *v, const char *step, const char *want, int exact)
{
    if (!find_box(v, want, exact))
        fail_msg("%s: the screen does not say [%s]; it says:\n%s", step, want, frame_text(v));
}

static void unseen(struct qh_counter_view *v, const char *step, const char *text)
{
    const struct qh_ui_box *b = find_box(v, text, 0);
    if (b)
        fail_msg("%s: the screen still says [%s] (in [%s])", step, text, b->text);
}

static enum qh_lang cur_lang;   /* of the run: see() picks zh or en */

/* The frame says zh (Chinese run) or en (English run), not the other. */
static void see(struct qh_counter_view *v, const char *step, const char *zh, const char *en)
{
    int english = cur_lang == QH_LANG_EN;
    see_box(v, step, english ? en : zh, 0);
    unseen(v, step, english ? zh : en);
}

/* The colour behind the box that contains needle: a selected row stands
 * out by its background. */
static struct qh_ui_color behind(struct qh_counter_view *v, SDL_Renderer *r, const char *needle)
{
    const struct qh_ui_box *b = find_box(v, needle, 0);
    if (!b)
        fail_msg("no [%s] on the screen:\n%s", needle, frame_text(v));
    return qh_ui_background(r, b->r);
}

/* Whether the list row is shown selected (want 1) or not: it stands out
 * from the background of `other`, a row never chosen in this flow. */
static void selected(struct qh_counter_view *v, SDL_Renderer *r, const char *step,
                     const char *row, const char *other, int want)
{
    struct qh_ui_color a = behind(v, r, row), b = behind(v, r, other);
    int differs = a.r != b.r || a.g != b.g || a.b != b.b;
    if (differs != want)
        fail_msg("%s: the row [%s] is %sshown selected", step, row, want ? "not " : "");
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
    cur_lang = lang;
#define SHOT(n) do { snprintf(name, sizeof name, "%s%s", n, sfx);                  \
                     qh_counter_model_tick(m, 1000);                              \
                     check_frame(v, m, r, w, h, name); } while (0)
#define DRAW() do { qh_counter_model_tick(m, 1000); qh_counter_view_draw(v, m); } while (0)
    type(m, "s01");
    SHOT("login");
    see_box(v, "typing the staff ID", "s01", 0);
    see(v, "login", "工作人员登录", "staff login");
    qh_counter_model_key(m, QH_CK_TAB);
    type(m, "1234");
    DRAW();
    unseen(v, "typing the PIN", "1234");
    qh_counter_model_key(m, QH_CK_ENTER);
    assert_int_equal(m->panel, QH_CP_MAIN);
    SHOT("main-idle");
    see(v, "Enter: logged in", "张三，你好：已登录1号窗口", "hello 张三: logged in at window 1");
    see(v, "Enter: logged in", "当前没有号", "No current ticket");
    see(v, "Enter: the queue", "等候 7", "7 waiting");
    see(v, "Enter: the queue", "下一个： A001 A002 A003 A004", "next: A001 A002 A003 A004");
    unseen(v, "Enter: logged in", QH_TR(lang, "未登录", "not logged in"));
    qh_counter_model_key(m, QH_CK_F12);
    SHOT("waitlist");
    see(v, "F12: the waiting list", "指定叫号：选择等候中的号", "Call a waiting number");
    see(v, "F12: the waiting list", "1  A001  【绿色通道】XK001", "1  A001  [green] XK001");
    see_box(v, "F12: the waiting list", "7  A007  XK001", 0);
    qh_counter_model_key(m, QH_CK_ESC);
    DRAW();
    unseen(v, "Esc: back", QH_TR(lang, "指定叫号：", "Call a waiting number"));
    qh_counter_model_key(m, QH_CK_F1);
    SHOT("main-called");
    see_box(v, "F1: the number called", "A001", 1);
    see(v, "F1: called", "已呼叫 A001", "called A001");
    see(v, "F1: its green channel", "绿色通道 老年人", "Green elderly");
    see(v, "F1: one fewer waiting", "等候 6", "6 waiting");
    see(v, "F1: the next", "下一个： A002 A003", "next: A002 A003");
    unseen(v, "F1: a current ticket", QH_TR(lang, "当前没有号", "No current ticket"));
    qh_counter_model_key(m, QH_CK_F4);
    DRAW();
    see(v, "F4: serving", "开始办理 A001", "serving A001");
    see_box(v, "F4: serving", QH_TR(lang, "办理中", "serving"), 1);
    tu_clock_advance(125);
    qh_counter_model_key(m, QH_CK_F5);  /* finished; the panel closed at once */
    DRAW();
    see(v, "F5: finished", "A001号已办结；请群众在评价器上评价",
        "A001 finished (done): the citizen rates on the pad");
    see(v, "F5: the rating panel", "请群众在评价器上评价", "The citizen rates on the window's pad");
    see(v, "F5: the pad's state", "等待群众评价", "waiting for the citizen");
    qh_counter_model_key(m, QH_CK_ESC);
    DRAW();
    see(v, "Esc: the pad still waits", "A001号：等待群众评价", "A001: waiting for the citizen");
    see(v, "Esc: no ticket", "当前没有号", "No current ticket");
    qh_counter_model_key(m, QH_CK_F1);
    DRAW();
    see(v, "F1: the next called", "已呼叫 A002", "called A002");
    see_box(v, "F1: the next called", "A002", 1);
    qh_counter_model_key(m, QH_CK_F8);
    SHOT("transfer");
    see(v, "F8: transfer", "转移 A002：到窗口、队列或事项", "Transfer A002 to a window, queue or item");
    see(v, "F8: the targets", "1  →窗口 2号窗口", "1  → window window 2");
    see(v, "F8: the targets", "5  →队列 A 行政审批", "5  → queue A Administrative approvals");
    qh_counter_model_text(m, "1");      /* window 2 */
    qh_counter_model_key(m, QH_CK_TAB);
    type(m, "citizen asked");
    DRAW();
    see_box(v, "typing the note", "citizen asked", 0);
    qh_counter_model_key(m, QH_CK_ENTER);
    DRAW();
    /* the wait first: what the staff member tells the citizen leaving */
    see(v, "Enter: transferred", "A002号已转出，前面 0 人，预计等候",
        "A002 transferred: 0 ahead; Estimated wait");
    see(v, "Enter: transferred", "分钟；转到→窗口 2号窗口", "min; to → window window 2");
    see(v, "Enter: transferred", "当前没有号", "No current ticket");
    /* window 2 passes it back: history shows on the next call here */
    struct qh_transfer_to to = {NULL, 1, NULL, "back to approvals"};
    struct qh_ticket_row t;
    assert_int_equal(qh_ticket_call(s, 2, "A002", &t, err, sizeof err), 0);
    assert_int_equal(qh_ticket_transfer(s, 2, &to, &t, err, sizeof err), 0);
    qh_counter_model_key(m, QH_CK_F12);
    DRAW();
    see_box(v, "F12: A002 back", "A002  XK001", 0);
    for (int i = 0; i < m->nrows; i++)
        if (!strcmp(m->rows[i].key, "A002"))
            qh_counter_model_act(m, QH_CA_PICK, i);
    qh_counter_model_key(m, QH_CK_ENTER);
    DRAW();
    see(v, "Enter: A002 called", "已呼叫 A002", "called A002");
    qh_counter_model_key(m, QH_CK_F4);
    tu_clock_advance(95);
    SHOT("main-serving");
    see(v, "F4: serving", "开始办理 A002", "serving A002");
    see(v, "F4: its transfers", "1号窗口 → 2号窗口  citizen asked", "window 1 → window 2  citizen asked");
    see(v, "F4: its transfers", "2号窗口 → 1号窗口  back to approvals",
        "window 2 → window 1  back to approvals");
    see(v, "F4: the queue", "等候 5", "5 waiting");
    qh_counter_model_key(m, QH_CK_F6);
    DRAW();
    see(v, "F6: missing documents", "需补件 A002：勾选缺少的材料", "Missing documents for A002: tick them");
    see_box(v, "F6: nothing ticked", "☐ 2 户口簿", 0);
    qh_counter_model_text(m, "2");
    DRAW();
    see_box(v, "2: ticked", "☑ 2 户口簿", 0);
    see_box(v, "2: only 2", "☐ 4 村民小组会议决议", 0);
    qh_counter_model_text(m, "4");
    SHOT("supplement");
    see_box(v, "4: ticked", "☑ 4 村民小组会议决议", 0);
    see_box(v, "4: 2 still ticked", "☑ 2 户口簿", 0);
    see_box(v, "4: 1 not ticked", "☐ 1 居民身份证原件", 0);
    qh_counter_model_key(m, QH_CK_ESC);
    DRAW();
    see(v, "Esc: cancelled", "已取消，号仍在办理中", "cancelled: still serving");
    qh_counter_model_key(m, QH_CK_F7);
    DRAW();
    see(v, "F7: cannot be done", "办不成 A002：选择原因", "Cannot be done A002: reason");
    const char *r2 = QH_TR(lang, "2  非本中心事项", "2  Not handled in this hall");
    const char *r3 = QH_TR(lang, "3  材料无法当场补齐", "3  Materials cannot be completed today");
    selected(v, r, "F7: nothing chosen", r3, r2, 0);
    qh_counter_model_text(m, "3");
    SHOT("failed");
    selected(v, r, "3: chosen", r3, r2, 1);
    qh_counter_model_key(m, QH_CK_ESC);
    qh_counter_model_key(m, QH_CK_F5);
    SHOT("rating");
    see(v, "F5: finished", "A002号已办结；请群众在评价器上评价",
        "A002 finished (done): the citizen rates on the pad");
    see(v, "F5: the rating panel", "A002号", "Ticket A002");
    see_box(v, "F5: the pad key", QH_TR(lang, "重新显示评价", "Show again"), 0);
    /* A digit is no score: the staff member is told where rating is done. */
    qh_counter_model_text(m, "2");
    DRAW();
    see(v, "2: no rating here", "评价由群众在评价器上完成", "the citizen rates on the pad");
    unseen(v, "2: no score", QH_TR(lang, "不满意", "Dissatisfied"));
    qh_counter_model_key(m, QH_CK_ESC);
    /* A 差评 of A002 on the pad, then another case: A appeals A002's. */
    struct qh_rate_req rr = {.number = "A002", .score = 1, .reason = "等候时间太长",
                             .channel = QH_RATE_PAD, .device = "pad:1"};
    qh_hall_set_actor(s, "pad:1");
    assert_int_equal(qh_rating_add(s, &rr, NULL, err, sizeof err), 0);
    qh_hall_set_actor(s, "counter:1");
    qh_counter_model_key(m, QH_CK_F1);
    qh_counter_model_key(m, QH_CK_F4);
    qh_counter_model_key(m, QH_CK_F5);
    qh_counter_model_key(m, QH_CK_ESC);
    DRAW();
    see_box(v, "main: the appeal key", QH_TR(lang, "申诉差评", "Appeal"), 1);
    qh_counter_model_text(m, "a");
    qh_counter_model_text(m, QH_TR(lang, "材料不全，已一次性告知", "papers missing, told once"));
    SHOT("appeal");
    see(v, "A: appeal", "申诉差评：选择您的差评并填写理由", "Appeal a 差评: choose one of yours");
    see(v, "A: the 差评", "A002  11-25  非常不满意：等候时间太长",
        "A002  11-25  very dissatisfied: 等候时间太长");
    see(v, "A: the reason", "材料不全，已一次性告知", "papers missing, told once");
    qh_counter_model_key(m, QH_CK_ESC);
    qh_counter_model_text(m, "p");
    SHOT("pause");
    see(v, "P: pause", "暂停服务：选择原因", "Pause: choose a reason");
    qh_counter_model_text(m, "1");
    qh_counter_model_key(m, QH_CK_ENTER);
    SHOT("main-paused");
    see(v, "1 Enter: paused", "暂停服务中：午休", "Paused: Lunch break");
    see(v, "1 Enter: paused", "已暂停服务：午休（P 恢复）", "paused: Lunch break (P resumes)");
    see_box(v, "1 Enter: P resumes", QH_TR(lang, "恢复服务", "Resume"), 1);
    qh_counter_model_store(m, NULL, "/var/lib/qhall/qhall.db: database is locked");
    qh_counter_model_key(m, QH_CK_F1);
    SHOT("unreachable");
    see(v, "no database", "数据库连接中断，操作已停用，正在自动重连",
        "Database unreachable: actions disabled, reconnecting");
    see(v, "F1 refused", "数据库连接中断，操作已停用（不会丢失数据）",
        "database unreachable: actions are disabled (nothing is lost)");
    unseen(v, "F1 refused", QH_TR(lang, "已呼叫", "called A"));
    qh_counter_model_store(m, s, NULL);
    qh_counter_model_text(m, "l");
    SHOT("locked");
    see(v, "L: locked", "已锁屏：张三 请输入密码解锁", "Locked: 张三, enter your PIN");
    see(v, "L: locked", "已锁屏：输入密码解锁", "locked: enter your PIN to unlock");
#undef SHOT
#undef DRAW
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
