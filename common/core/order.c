/* order.c: a window's next numbers (qh/order.h), over the waiting set
 * in memory, by the rule qh_ticket_call_next applies in the store.  The
 * rule itself stays qh_policy_pick's: this file only finds, for each
 * queue, the two candidates the store's queries would (the head and the
 * oldest), so the two cannot drift apart. */
#include <stdlib.h>
#include <string.h>

#include "qh/clock.h"
#include "qh/hall.h"
#include "qh/order.h"
#include "qh/store.h"
#include "qh/policy.h"

/* The store's head order: released holds first, then virtual time, id. */
static int before_head(const struct qh_ticket_row *x, const struct qh_ticket_row *y)
{
    if (x->prio != y->prio)
        return x->prio < y->prio;
    if (x->virtual_at != y->virtual_at)
        return x->virtual_at < y->virtual_at;
    return x->id < y->id;
}

int qh_order_cmp_place(const void *a, const void *b)
{
    const struct qh_ticket_row *x = a, *y = b;
    return before_head(x, y) ? -1 : before_head(y, x);
}

/* The overflow rule's order: issue time, then id. */
static int before_issue(const struct qh_ticket_row *x, const struct qh_ticket_row *y)
{
    if (x->issued_at != y->issued_at)
        return x->issued_at < y->issued_at;
    return x->id < y->id;
}

static int queue_index(const struct qh_window_conf *wc, const char *queue)
{
    for (int i = 0; i < wc->nqueues; i++)
        if (!strcmp(wc->queues[i], queue))
            return i;
    return -1;
}

static int taken(const int *idx, int k, int j)
{
    for (int i = 0; i < k; i++)
        if (idx[i] == j)
            return 1;
    return 0;
}

int qh_order_next(const struct qh_window_conf *wc, const struct qh_ticket_row *rows,
                  int n, int64_t now, int *idx, int max)
{
    int head[QH_MAX_QUEUES], oldest[QH_MAX_QUEUES];
    struct qh_policy_queue pq[QH_MAX_QUEUES];
    int k = 0;

    while (k < max) {
        for (int i = 0; i < wc->nqueues; i++)
            head[i] = oldest[i] = -1;
        for (int j = 0; j < n; j++) {
            const struct qh_ticket_row *t = &rows[j];
            if (t->state != QH_TICKET_WAITING ||
                (t->target_window && t->target_window != wc->number) || taken(idx, k, j))
                continue;
            int q = queue_index(wc, t->queue);
            if (q < 0)
                continue;
            if (head[q] < 0 || before_head(t, &rows[head[q]]))
                head[q] = j;
            if (oldest[q] < 0 || before_issue(t, &rows[oldest[q]]))
                oldest[q] = j;
        }
        memset(pq, 0, sizeof pq);
        for (int i = 0; i < wc->nqueues; i++) {
            if (head[i] < 0)
                continue;
            pq[i].has = 1;
            pq[i].head_id = rows[head[i]].id;
            pq[i].head_issued_at = rows[head[i]].issued_at;
            pq[i].oldest_id = rows[oldest[i]].id;
            pq[i].oldest_issued_at = rows[oldest[i]].issued_at;
        }
        int pos = -1;
        int64_t id = qh_policy_pick(pq, wc->nqueues, wc->overflow_minutes, now, &pos);
        if (!id)
            break;
        idx[k++] = id == rows[head[pos]].id ? head[pos] : oldest[pos];
    }
    return k;
}

int qh_window_next(struct qh_store *s, int window, struct qh_ticket_row *out,
                   int max, char *err, size_t errlen)
{
    struct qh_ticket_row *rows = NULL;
    int *idx = NULL;
    int rc;

    const struct qh_window_conf *wc = qh_conf_window(qh_hall_config(s), window);
    if (!wc)
        return qh_err(err, errlen, QH_E_NOTFOUND, "no window %d", window);
    char day[11];
    qh_hall_today(s, day);
    int n = rc = qh_ticket_list(s, day, QH_TICKET_WAITING, &rows);
    if (rc >= 0 && max > 0 && !(idx = malloc((size_t)max * sizeof *idx)))
        rc = QH_E_NOMEM;
    if (rc < 0) {
        rc = qh_err(err, errlen, rc, "waiting tickets: %s", qh_strerror(rc));
        goto out;
    }
    rc = qh_order_next(wc, rows, n, qh_store_now(s), idx, max);
    for (int i = 0; i < rc; i++)
        out[i] = rows[idx[i]];
out:
    free(idx);
    free(rows);
    return rc;
}
