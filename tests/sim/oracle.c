/* oracle.c: the wait oracle (sim_internal.h).
 *
 * What could be known of a citizen's wait at the moment of issue by
 * someone who knows the hall exactly as the simulator makes it: every
 * window's state, every ticket waiting, away or still to come, and the
 * true distributions of everything not yet decided (handling times,
 * no-shows, holds, transfers, 办不成 cases, pauses).  The rest of the day
 * is run again and again with those drawn afresh, event by event, under
 * the simulator's own rules (a 10-second step, lunch, the windows' queue
 * order, green bonus, released holds first, no-shows called back).  The
 * spread of the results is what no estimator can beat: the issue's
 * "oracle range".  It is used only by tests/bench, never by qhall. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "qh/hall.h"
#include "sim_internal.h"

#define O_MAX 1024
#define O_NEVER INT64_MAX
#define O_CAP_MIN 600.0       /* a wait the rest of the day cannot reach */

struct otk {
    int cit;                  /* index into m->c */
    int q;                    /* queue 0-2 */
    int prio;                 /* 0: released hold, first */
    int64_t vat, vat0;        /* place now; place on re-entering a queue */
    int64_t id;
    int target;               /* only this window calls it, 0 any */
    int64_t ready;            /* waits from then; O_NEVER: not waiting */
    int callback;             /* a no-show come back: called back first */
    int noshow_done, held, failed, moved;
    int twice;                /* its first transfer will be followed by another */
    int64_t carry;            /* the next case's length when known, or 0 */
    int mine;
};

struct orun {
    struct sim *m;
    struct rng r;
    int64_t free_at[NWIN];
    int idle[NWIN];           /* nothing to call: woken by a new arrival */
    int paused_once[NWIN];
    int wq[NWIN][QH_MAX_QUEUES], nwq[NWIN];
    int n;
    struct otk t[O_MAX];      /* last: a run copies only the n in use */
};

static int64_t grid(const struct sim *m, int64_t t)
{
    int64_t d = t - m->day0;
    return m->day0 + (d + STEP_MS - 1) / STEP_MS * STEP_MS;
}

static int in_lunch(const struct sim *m, int64_t t)
{
    double min = (double)(t - m->day0) / MIN_MS;
    return min >= 720 && min < 840;
}

static int qpos(const struct orun *o, int w, int q)
{
    for (int j = 0; j < o->nwq[w]; j++)
        if (o->wq[w][j] == q)
            return j;
    return -1;
}

static int64_t draw_case(struct orun *o, struct otk *k)
{
    struct sim *m = o->m;
    if (k->carry) {
        int64_t v = k->carry;
        k->carry = 0;
        return v;
    }
    const struct cit *c = &m->c[k->cit];
    double sigma = k->failed ? 0.4 : m->sigma;
    double v = (k->failed ? 6 : case_base_min(m, c)) * lognorm(&o->r, sigma) * MIN_MS;
    if (k->moved)
        v *= 0.5 + 0.5 * unif(&o->r);
    return v < 60000 ? 60000 : (int64_t)v;
}

static void wake(struct orun *o, int64_t at)
{
    for (int i = 0; i < NWIN; i++)
        if (o->idle[i] && o->free_at[i] > at) {
            o->free_at[i] = at;
            o->idle[i] = 0;
        }
}

static void requeue(struct orun *o, struct otk *k, int q, int64_t at)
{
    k->q = q;
    k->prio = 1;
    k->vat = k->vat0;
    k->target = 0;
    k->ready = at;
    wake(o, at);
}

/* What happens when k's case at window w ends at f: sent on (转办) to an
 * item of the other class or to a window, sent to the 办不成 window, or
 * done. */
static void finished(struct orun *o, struct otk *k, int w, int64_t len, int64_t f)
{
    struct sim *m = o->m;
    const struct cit *c = &m->c[k->cit];
    int first = k->moved == 0 && chance(&o->r, 0.12);
    if (!k->failed && (first || (k->moved == 1 && k->twice))) {
        if (first)
            k->twice = chance(&o->r, 0.1);
        k->moved++;
        k->carry = (int64_t)(len * (0.5 + 0.5 * unif(&o->r)));
        if (k->twice || !chance(&o->r, 0.3)) {
            requeue(o, k, k->q == 0 ? 1 : 0, f);
            if (k->moved == 2)
                k->twice = 0;
            return;
        }
        /* to a named window: its queue if it serves the ticket's, else
         * its own; only it calls the ticket */
        int to = w == 4 ? 0 : 4, q = o->wq[to][0];
        if (qpos(o, to, k->q) >= 0)
            q = k->q;
        requeue(o, k, q, f);
        k->target = to + 1;
        return;
    }
    if (!k->failed && c->svc >= 0 && k->q != 2 && chance(&o->r, 0.08)) {
        k->failed = 1;
        requeue(o, k, 2, f);
    }
}

/* Window w calls k at t; the window is free again at the result. */
static int64_t serve(struct orun *o, int w, struct otk *k, int64_t t)
{
    struct sim *m = o->m;
    int64_t walk = grid(m, t + (int64_t)(20 + 40 * unif(&o->r)) * 1000);
    if (!k->noshow_done && !k->callback && chance(&o->r, 0.04)) {
        /* three recalls a minute apart, then the no-show; half come back */
        int64_t end = walk + 3 * 60000;
        k->noshow_done = 1;
        if (chance(&o->r, 0.5)) {
            k->callback = 1;
            k->ready = end + (int64_t)(15 + 40 * unif(&o->r)) * MIN_MS;
            wake(o, k->ready);
        }
        return end + STEP_MS;
    }
    if (k->callback)
        walk = grid(m, t + 30000);
    else if (chance(&o->r, 0.08))
        walk += 40000;
    k->callback = 0;
    int64_t len = draw_case(o, k);
    if (!k->held && chance(&o->r, 0.04)) {
        int64_t f = grid(m, walk + len / 2);
        k->held = 1;
        k->carry = len / 2;
        k->prio = 0;
        k->ready = f + (int64_t)(5 + 10 * unif(&o->r)) * MIN_MS;
        k->vat = k->ready;
        wake(o, k->ready);
        return f + STEP_MS;
    }
    int64_t f = grid(m, walk + len);
    finished(o, k, w, len, f);
    return f + STEP_MS;
}

/* The ticket window w calls at t (qh_ticket_call_next's rule, with the
 * simulator's call-back of no-shows first), or -1; *next: when one of
 * its tickets will be waiting, O_NEVER if none. */
static int pick(struct orun *o, int w, int64_t t, int64_t *next)
{
    int best = -1, bestpos = 0;
    *next = O_NEVER;
    for (int i = 0; i < o->n; i++) {
        struct otk *k = &o->t[i];
        if (k->ready == O_NEVER)
            continue;
        int pos = qpos(o, w, k->q);
        if (pos < 0 || (k->target && k->target != w + 1))
            continue;
        if (k->callback && pos != 0)
            continue;
        if (k->ready > t) {
            if (k->ready < *next)
                *next = k->ready;
            continue;
        }
        if (k->callback) {
            if (best < 0 || !o->t[best].callback)
                best = i, bestpos = -1;
            continue;
        }
        if (best >= 0 && o->t[best].callback)
            continue;
        const struct otk *b = best >= 0 ? &o->t[best] : NULL;
        if (!b || pos < bestpos ||
            (pos == bestpos && (k->prio < b->prio ||
                                (k->prio == b->prio && (k->vat < b->vat ||
                                                        (k->vat == b->vat && k->id < b->id)))))) {
            best = i;
            bestpos = pos;
        }
    }
    return best;
}

static int waiting_at(const struct orun *o, int64_t t)
{
    int n = 0;
    for (int i = 0; i < o->n; i++)
        n += o->t[i].ready != O_NEVER && o->t[i].ready <= t && !o->t[i].callback;
    return n;
}

/* One run of the rest of the day: the minutes until mine is first called. */
static double run(struct orun *o, int64_t issued)
{
    struct sim *m = o->m;
    int64_t end = at_min(m, 20 * 60);
    for (int guard = 0; guard < 20000; guard++) {
        int w = 0;
        for (int i = 1; i < NWIN; i++)
            if (o->free_at[i] < o->free_at[w])
                w = i;
        int64_t t = o->free_at[w];
        if (t == O_NEVER || t > end)
            break;
        if (in_lunch(m, t)) {
            o->free_at[w] = at_min(m, 840);
            continue;
        }
        if (!o->paused_once[w] && t >= m->w[w].pause_at && waiting_at(o, t) < 6) {
            o->paused_once[w] = 1;
            o->free_at[w] = t + (int64_t)(4 + 12 * unif(&o->r)) * MIN_MS + STEP_MS;
            continue;
        }
        int64_t next;
        int k = pick(o, w, t, &next);
        if (k < 0) {
            o->free_at[w] = next == O_NEVER ? O_NEVER : grid(m, next);
            o->idle[w] = next == O_NEVER;
            continue;
        }
        if (o->t[k].mine)
            return (double)(t - issued) / MIN_MS;
        o->t[k].ready = O_NEVER;
        o->free_at[w] = serve(o, w, &o->t[k], t);
    }
    return O_CAP_MIN;
}

static struct otk *add(struct orun *o, int cit)
{
    if (o->n == O_MAX)
        return NULL;
    struct otk *k = &o->t[o->n++];
    memset(k, 0, sizeof *k);
    k->cit = cit;
    k->ready = O_NEVER;
    const struct cit *c = &o->m->c[cit];
    k->failed = c->failed_once;
    k->moved = c->moved;
    k->held = c->held;
    return k;
}

static int cit_of(const struct sim *m, const char *number)
{
    for (int i = 0; i < m->nc; i++)
        if (!strcmp(m->c[i].number, number))
            return i;
    return -1;
}

static int float_cmp(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The state at issue, as the runs start from it. */
static int snapshot(struct sim *m, int mine, int64_t now, struct orun *base)
{
    const struct qh_hall_conf *h = qh_store_hall(m->s);
    char day[11];
    struct qh_ticket_row *rows = NULL;
    qh_hall_today(m->s, day);
    int n = qh_ticket_list(m->s, day, -1, &rows);
    if (n < 0)
        return -1;
    memset(base, 0, sizeof *base);
    base->m = m;
    int64_t bonus = (int64_t)h->green_bonus_minutes * MIN_MS;
    for (int i = 0; i < n; i++) {
        const struct qh_ticket_row *r = &rows[i];
        int ci = cit_of(m, r->number);
        if (ci < 0)
            continue;
        const struct cit *c = &m->c[ci];
        struct otk *k;
        if (r->state == QH_TICKET_WAITING) {
            if (!(k = add(base, ci)))
                break;
            k->ready = now;
        } else if (c->st == C_AWAY && c->back_at &&
                   (r->state == QH_TICKET_HELD || r->state == QH_TICKET_NO_SHOW)) {
            if (!(k = add(base, ci)))
                break;
            k->ready = c->back_at > now ? c->back_at : now;
            k->callback = r->state == QH_TICKET_NO_SHOW;
            k->noshow_done = 1;
            if (r->state == QH_TICKET_HELD)
                k->carry = c->handle_ms;   /* the half left: as long as the first */
        } else {
            continue;
        }
        k->q = sim_queue(r->queue);
        k->prio = r->state == QH_TICKET_HELD ? 0 : r->prio;
        k->vat = r->state == QH_TICKET_HELD ? k->ready : r->virtual_at;
        k->vat0 = r->issued_at - (r->green[0] ? bonus : 0);
        k->id = r->id;
        k->target = r->target_window;
        k->mine = ci == mine;
    }
    free(rows);
    /* Those still to come, at the step they will take their numbers; who
     * of them is green is not known yet. */
    int64_t id = INT64_MAX / 2;
    for (int i = 0; i < m->nc; i++) {
        const struct cit *c = &m->c[i];
        if (c->st != C_PENDING || (double)(c->arrive - m->day0) / MIN_MS >= 1020)
            continue;
        struct otk *k = add(base, i);
        if (!k)
            break;
        int64_t at = grid(m, c->arrive);
        if (in_lunch(m, at))
            at = at_min(m, 840);
        k->ready = at;
        k->q = c->svc < 0 ? 2 : sim_queue(m->svc[c->svc].queue);
        k->prio = 1;
        k->id = id + i;
        k->vat0 = k->vat = at;
    }
    for (int w = 0; w < NWIN; w++) {
        const struct win *x = &m->w[w];
        const struct qh_window_conf *wc = qh_conf_window(h, x->number);
        for (int j = 0; wc && j < wc->nqueues && j < QH_MAX_QUEUES; j++)
            base->wq[w][base->nwq[w]++] = sim_queue(wc->queues[j]);
        base->paused_once[w] = x->paused_once;
        /* no call before the morning's staff member has logged in */
        base->free_at[w] = now > x->login_at ? now : grid(m, x->login_at);
        if (x->st != W_IDLE && x->cit >= 0) {
            /* the citizen at the window, as a ticket not waiting */
            struct otk *k = add(base, x->cit);
            if (k) {
                const struct cit *c = &m->c[x->cit];
                k->q = c->failed_once || c->svc < 0 ? 2 : sim_queue(m->svc[c->svc].queue);
                k->ready = O_NEVER;
                k->prio = 1;
                k->id = -1;
                k->noshow_done = 1;
            }
        }
    }
    return 0;
}

/* The window's state at issue, drawn for one run: a case in hand ends at
 * a time drawn from its length given what it has run so far. */
static void windows_now(struct orun *o, int64_t now)
{
    struct sim *m = o->m;
    int at = 0;
    for (int w = 0; w < NWIN; w++) {
        const struct win *x = &m->w[w];
        struct otk *k = NULL;
        if (x->st != W_IDLE && x->cit >= 0) {
            for (int i = at; i < o->n; i++)
                if (o->t[i].cit == x->cit && o->t[i].id == -1) {
                    k = &o->t[i];
                    at = i + 1;
                    break;
                }
        }
        if (x->st == W_PAUSED) {
            /* the pause lasts 4-16 minutes, as far as one can tell */
            double gone = (double)(now - x->since) / MIN_MS;
            double lo = gone > 4 ? gone : 4, len = gone < 16 ? lo + (16 - lo) * unif(&o->r) : gone;
            o->free_at[w] = grid(m, x->since + (int64_t)len * MIN_MS) + STEP_MS;
        } else if (x->st == W_CALLED && k) {
            int64_t walk = x->until > now ? x->until : grid(m, now + STEP_MS);
            int64_t len = draw_case(o, k);
            int64_t f = grid(m, walk + len);
            finished(o, k, w, len, f);
            o->free_at[w] = f + STEP_MS;
        } else if (x->st == W_SERVING && k) {
            int64_t gone = now - x->since, len = 0;
            for (int tries = 0; tries < 40 && len <= gone; tries++)
                len = draw_case(o, k);
            if (len <= gone)
                len = gone + STEP_MS;
            int64_t f = grid(m, x->since + len);
            finished(o, k, w, len, f);
            o->free_at[w] = f + STEP_MS;
        }
        if (o->free_at[w] < now)
            o->free_at[w] = now;
    }
}

void qh_sim_oracle(struct sim *m, int mine, int64_t now, struct qh_sim_ticket *t)
{
    struct orun *base = malloc(sizeof *base), *o = malloc(sizeof *o);
    float *v = calloc((size_t)m->oracle, sizeof *v);
    if (!base || !o || !v || snapshot(m, mine, now, base) < 0) {
        free(v);
        goto out;
    }
    double sum = 0;
    for (int i = 0; i < m->oracle; i++) {
        memcpy(o, base, offsetof(struct orun, t) + (size_t)base->n * sizeof base->t[0]);
        /* its own stream: the day the simulator runs is the same with or
         * without the oracle */
        o->r.s = ((uint64_t)now * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)(mine + 1) << 32) ^
                 (uint64_t)(i + 1) * 0xD1B54A32D192ED03ULL;
        if (!o->r.s)
            o->r.s = 1;
        windows_now(o, now);
        v[i] = (float)run(o, t->issued_at);
        sum += v[i];
    }
    qsort(v, (size_t)m->oracle, sizeof *v, float_cmp);
    t->oracle = v;
    t->noracle = m->oracle;
    t->oracle_mean = sum / m->oracle;
out:
    free(base);
    free(o);
}
