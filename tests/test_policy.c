/* test_policy.c: the "2+1" routing rule on hand-made waiting sets. */
#include "testutil.h"
#include "qh/policy.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(own_queue_first),
        cmocka_unit_test(later_queue_when_empty),
        cmocka_unit_test(all_empty),
        cmocka_unit_test(overflow),
        cmocka_unit_test(virtual_time),
        cmocka_unit_test(estimate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
