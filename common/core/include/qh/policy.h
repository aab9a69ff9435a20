/* policy.h: "2+1" routing: which waiting ticket a window calls next.
 *
 * One pure function of the waiting set, so the rule can be unit-tested
 * without a database:
 *  1. a window takes the first queue in its list that has a callable
 *     ticket; later queues only when earlier ones are empty, except that
 *     with overflow_minutes > 0 a ticket in a later queue that has waited
 *     longer than that is taken first (the longest-waiting one);
 *  2. inside a queue: released holds first (by release time), then the
 *     earliest virtual time (issue time, minus the green bonus for green
 *     tickets, or the slot time of a checked-in appointment), then id. */
#ifndef QH_POLICY_H
#define QH_POLICY_H

#include <stdint.h>

/* One queue of the window's list, as seen at call time.  head is the
 * first ticket by (prio, virtual_at, id); oldest the earliest issued. */
struct qh_policy_queue {
    int has;                  /* 0: nothing callable in this queue */
    int64_t head_id, head_issued_at;
    int64_t oldest_id, oldest_issued_at;
};

/* Returns the ticket id to call, or 0 if every queue is empty.
 * *pos receives the index of the queue it came from (may be NULL). */
int64_t qh_policy_pick(const struct qh_policy_queue *q, int n,
                       int overflow_minutes, int64_t now, int *pos);

/* Virtual time of a ticket entering a queue. */
int64_t qh_policy_virtual_at(int64_t issued_at, int green,
                             int green_bonus_minutes, int64_t slot_at);

/* Estimated wait as a range, in minutes: `ahead` people before the
 * citizen, `windows` windows serving the queue (>= 1), handle_minutes per
 * case.  A range, never a promise. */
void qh_policy_estimate(int ahead, int windows, double handle_minutes,
                        int *wait_min, int *wait_max);

#endif
