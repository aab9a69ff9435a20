/* order.h: whom a window will call next, ahead of time: the numbers a
 * window's screen shows under "next".
 *
 * The same rule as qh_ticket_call_next (qh/policy.h), applied again and
 * again to the waiting set as if each pick had been called: for each of
 * the window's queues its head (prio, virtual_at, id) and, with the
 * window's overflow_minutes, its oldest by issue time, tickets directed
 * at another window skipped; qh_policy_pick chooses.  So the first
 * number shown is the one the window's next call takes, as long as
 * nothing changes in between. */
#ifndef QH_ORDER_H
#define QH_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "qh/conf.h"
#include "qh/record.h"

struct qh_store;

/* From rows[0..n) (tickets in any order; those not waiting are left
 * out), the next `max` window wc would call at time now: their indices
 * into rows in idx, in calling order.  Pure: the count (0..max). */
int qh_order_next(const struct qh_window_conf *wc, const struct qh_ticket_row *rows,
                  int n, int64_t now, int *idx, int max);

/* qsort's comparison of tickets by their place inside a queue, the order
 * a window takes them in: released holds first, virtual time, id. */
int qh_order_cmp_place(const void *a, const void *b);

/* The same from the store: today's waiting tickets of the hall, the
 * next `max` of window into out.  The count, or QH_E_NOTFOUND (no such
 * window), QH_E_NOMEM, QH_E_DB. */
int qh_window_next(struct qh_store *s, int window, struct qh_ticket_row *out,
                   int max, char *err, size_t errlen);

#endif
