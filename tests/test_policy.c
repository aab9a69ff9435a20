/* test_policy.c: the "2+1" routing rule on hand-made waiting sets, and
 * the preview of it a window's screen shows (qh/order.h) against the
 * calls the store then makes. */
#include <string.h>

#include "testutil.h"
#include "qh/hall.h"
#include "qh/order.h"
#include "qh/policy.h"
#include "qh/ticket.h"

#define MIN 60000LL

static struct qh_policy_queue q(int64_t head, int64_t head_at, int64_t old,
                                int64_t old_at)
{
    struct qh_policy_queue r = {1, head, head_at, old, old_at};
    return r;
}

static const struct qh_policy_queue none = {0};

static void own_queue_first(void **state)
{
    (void)state;
    /* Window 5: [C, A, B].  C has someone: C goes first even though A and
     * B waited longer. */
    struct qh_policy_queue w[3] = {q(30, 50 * MIN, 30, 50 * MIN),
                                   q(10, 1 * MIN, 10, 1 * MIN),
                                   q(20, 2 * MIN, 20, 2 * MIN)};
    int pos = -1;
    assert_int_equal(qh_policy_pick(w, 3, 0, 60 * MIN, &pos), 30);
    assert_int_equal(pos, 0);
}

static void later_queue_when_empty(void **state)
{
    (void)state;
    struct qh_policy_queue w[3] = {none, none, q(20, 2 * MIN, 20, 2 * MIN)};
    int pos = -1;
    assert_int_equal(qh_policy_pick(w, 3, 0, 60 * MIN, &pos), 20);
    assert_int_equal(pos, 2);
    w[1] = q(11, 5 * MIN, 11, 5 * MIN);
    assert_int_equal(qh_policy_pick(w, 3, 0, 60 * MIN, &pos), 11);
    assert_int_equal(pos, 1);
}

static void all_empty(void **state)
{
    (void)state;
    struct qh_policy_queue w[2] = {none, none};
    int pos = 7;
    assert_int_equal(qh_policy_pick(w, 2, 30, 60 * MIN, &pos), 0);
    assert_int_equal(qh_policy_pick(w, 0, 30, 60 * MIN, NULL), 0);
}

static void overflow(void **state)
{
    (void)state;
    /* Own queue C has a recent ticket; B's oldest waited 40 min > 30. */
    int64_t now = 100 * MIN;
    struct qh_policy_queue w[3] = {q(1, 95 * MIN, 1, 95 * MIN),
                                   q(2, 80 * MIN, 2, 80 * MIN),
                                   q(3, 61 * MIN, 4, 60 * MIN - 1)};
    int pos = -1;
    assert_int_equal(qh_policy_pick(w, 3, 30, now, &pos), 4);
    assert_int_equal(pos, 2);
    /* Exactly at the limit is not past it. */
    w[2] = q(3, 70 * MIN, 3, 70 * MIN);
    assert_int_equal(qh_policy_pick(w, 3, 30, now, &pos), 1);
    /* Off: never. */
    w[2] = q(3, 0, 4, 0);
    assert_int_equal(qh_policy_pick(w, 3, 0, now, &pos), 1);
    /* Two past the limit: the longer wait wins. */
    w[1] = q(2, 10 * MIN, 2, 10 * MIN);
    w[2] = q(3, 20 * MIN, 3, 20 * MIN);
    assert_int_equal(qh_policy_pick(w, 3, 30, now, &pos), 2);
    assert_int_equal(pos, 1);
    /* The first non-empty queue is the window's own for this purpose. */
    struct qh_policy_queue v[3] = {none, q(7, 99 * MIN, 7, 99 * MIN),
                                   q(8, 10 * MIN, 8, 10 * MIN)};
    assert_int_equal(qh_policy_pick(v, 3, 30, now, &pos), 8);
}

static void virtual_time(void **state)
{
    (void)state;
    int64_t t = 1000 * MIN;
    assert_int_equal(qh_policy_virtual_at(t, 0, 30, 0), t);
    assert_int_equal(qh_policy_virtual_at(t, 1, 30, 0), t - 30 * MIN);
    assert_int_equal(qh_policy_virtual_at(t, 1, 0, 0), t);
    /* Appointments: the slot, early or late. */
    assert_int_equal(qh_policy_virtual_at(t, 0, 30, t + 10 * MIN), t + 10 * MIN);
    assert_int_equal(qh_policy_virtual_at(t, 0, 30, t - 10 * MIN), t - 10 * MIN);
    /* A green ticket goes ahead of recent arrivals but not of people who
     * waited longer than the bonus. */
    int64_t early = qh_policy_virtual_at(t - 31 * MIN, 0, 30, 0);
    int64_t late = qh_policy_virtual_at(t - 29 * MIN, 0, 30, 0);
    int64_t green = qh_policy_virtual_at(t, 1, 30, 0);
    assert_true(early < green);
    assert_true(green < late);
}

static void estimate(void **state)
{
    (void)state;
    int lo, hi;
    qh_policy_estimate(0, 2, 10, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_true(hi >= 1 && hi <= 10);
    qh_policy_estimate(10, 2, 10, &lo, &hi);
    assert_true(lo < 52 && hi > 52);   /* mean (10.5*10/2) inside */
    assert_true(lo % 5 == 0 && hi % 5 == 0);
    int lo2, hi2;
    qh_policy_estimate(20, 2, 10, &lo2, &hi2);
    assert_true(lo2 > lo && hi2 > hi);  /* more people, longer wait */
    qh_policy_estimate(10, 4, 10, &lo2, &hi2);
    assert_true(hi2 < hi);              /* more windows, shorter wait */
    qh_policy_estimate(3, 0, 0, &lo, &hi);  /* nonsense inputs still sane */
    assert_true(lo >= 0 && hi > lo);
}

/* ---- the preview against the real call ---- */

static char err[4096];

static void ok(int rc)
{
    if (rc < 0)
        fail_msg("rc %d: %s", rc, err);
}

static struct qh_ticket_row issue(struct qh_store *s, const char *queue, const char *green)
{
    struct qh_issue_req req = {.queue = queue, .green = green};
    struct qh_ticket_row t;
    struct qh_issue_info info;
    ok(qh_ticket_issue(s, &req, &t, &info, err, sizeof err));
    return t;
}

/* What window previews, then that many calls at the same moment: each
 * call takes the number the preview put in its place.  Each called ticket
 * is marked no-show, so the window is free for the next call.  Returns
 * the preview's length. */
static int preview_then_call(struct qh_store *s, int window, const char *const *want, int nwant)
{
    struct qh_ticket_row next[8], t;
    int n = qh_window_next(s, window, next, 8, err, sizeof err);
    ok(n);
    for (int i = 0; i < nwant; i++) {
        assert_true(i < n);
        assert_string_equal(next[i].number, want[i]);
    }
    assert_int_equal(n, nwant);
    for (int i = 0; i < n; i++) {
        ok(qh_ticket_call_next(s, window, &t, err, sizeof err));
        assert_string_equal(t.number, next[i].number);
        ok(qh_ticket_noshow(s, window, NULL, err, sizeof err));
    }
    assert_int_equal(qh_ticket_call_next(s, window, &t, err, sizeof err), QH_E_EMPTY);
    return n;
}

static void preview_overflow(void **state)
{
    (void)state;
    tu_clock("2026-11-25T09:00:00+08:00");
    struct qh_store *s = tu_store_new("order");
    struct qh_hall_conf c = *qh_hall_config(s);
    c.windows[4].overflow_minutes = 30;   /* window 5: [C, A, B] */
    ok(qh_hall_init(s, &c, 1, err, sizeof err));
    issue(s, "B", NULL);                  /* B001 09:00 */
    tu_clock_advance(5 * 60);
    issue(s, "A", "elderly");             /* A001 09:05, virtual 08:35 */
    tu_clock_advance(5 * 60);
    issue(s, "A", NULL);                  /* A002 09:10 */
    tu_clock_advance(25 * 60);
    issue(s, "C", NULL);                  /* C001 09:35 */
    issue(s, "C", NULL);                  /* C002 09:35 */
    tu_clock_advance(60);
    /* 09:36: B001 (36 min) and A001 (31 min) are past the limit, longest
     * first, before the window's own C; A002 (26 min) is not, so C goes
     * before it, and B's queue comes last.  Window 1 ([A]) knows no
     * overflow: its queue's head order. */
    const char *const w5[] = {"B001", "A001", "C001", "C002", "A002"};
    const char *const w1[] = {"A001", "A002"};
    struct qh_ticket_row next[8];
    assert_int_equal(qh_window_next(s, 1, next, 8, err, sizeof err), 2);
    assert_string_equal(next[0].number, w1[0]);
    assert_string_equal(next[1].number, w1[1]);
    preview_then_call(s, 5, w5, 5);
    /* Fewer asked than waiting: the first ones, and none for none. */
    issue(s, "A", NULL);
    issue(s, "A", NULL);
    assert_int_equal(qh_window_next(s, 1, next, 1, err, sizeof err), 1);
    assert_string_equal(next[0].number, "A003");
    assert_int_equal(qh_window_next(s, 1, next, 0, err, sizeof err), 0);
    assert_int_equal(qh_window_next(s, 42, next, 8, err, sizeof err), QH_E_NOTFOUND);
    qh_hall_close(s);
}

static void preview_transfer_to_window(void **state)
{
    (void)state;
    tu_clock("2026-11-25T09:00:00+08:00");
    struct qh_store *s = tu_store_new("order");
    struct qh_ticket_row t, next[8];
    issue(s, "B", NULL);                  /* B001 09:00 */
    tu_clock_advance(60);
    issue(s, "B", NULL);                  /* B002 09:01 */
    tu_clock_advance(60);
    issue(s, "B", NULL);                  /* B003 09:02 */
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    assert_string_equal(t.number, "B001");
    ok(qh_ticket_start(s, 3, &t, err, sizeof err));
    /* To window 4: it keeps its issue time, so it heads B there, and
     * window 3 passes it by. */
    struct qh_transfer_to tow = {.window = 4};
    ok(qh_ticket_transfer(s, 3, &tow, &t, err, sizeof err));
    assert_int_equal(t.target_window, 4);
    assert_int_equal(qh_window_next(s, 3, next, 8, err, sizeof err), 2);
    assert_string_equal(next[0].number, "B002");
    assert_string_equal(next[1].number, "B003");
    const char *const w4[] = {"B001", "B002", "B003"};
    preview_then_call(s, 4, w4, 3);
    /* Sent to a window that does not serve its queue, it joins that
     * window's queue, for that window alone: not for window 4 (B) nor
     * window 5 (C, A, B). */
    issue(s, "A", NULL);                  /* A001 */
    ok(qh_ticket_call_next(s, 1, &t, err, sizeof err));
    ok(qh_ticket_start(s, 1, &t, err, sizeof err));
    struct qh_transfer_to to3 = {.window = 3};
    ok(qh_ticket_transfer(s, 1, &to3, &t, err, sizeof err));
    assert_int_equal(qh_window_next(s, 4, next, 8, err, sizeof err), 0);
    assert_int_equal(qh_window_next(s, 5, next, 8, err, sizeof err), 0);
    const char *const w3[] = {"A001"};
    preview_then_call(s, 3, w3, 1);
    qh_hall_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(own_queue_first),
        cmocka_unit_test(later_queue_when_empty),
        cmocka_unit_test(all_empty),
        cmocka_unit_test(overflow),
        cmocka_unit_test(virtual_time),
        cmocka_unit_test(estimate),
        cmocka_unit_test(preview_overflow),
        cmocka_unit_test(preview_transfer_to_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
