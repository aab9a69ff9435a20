/* sim.c: the simulated L-town day (see sim.h).
 *
 * A 10-second step loop from 08:00 until the last citizen is served: at
 * each step arrivals take numbers, then each window, in order, does the
 * next thing its state calls for.  Every random draw comes from one
 * xorshift64* stream seeded from (seed, day), so a day replays exactly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/clock.h"
#include "qh/rating.h"
#include "qh/store.h"
#include "qh/ticket.h"
#include "sim.h"
#include "sim_internal.h"

static const char *const staff_ids[8] = {"S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08"};
static const char *const staff_names[8] = {"王芳", "李强", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽"};

int qh_sim_setup(struct qh_store *s, char *err, size_t errlen)
{
    for (int i = 0; i < 8; i++) {
        struct qh_staff_row st;
        if (qh_store_staff_get(s, staff_ids[i], &st) == 0)
            continue;
        int rc = qh_staff_add(s, staff_ids[i], staff_names[i], "staff", "123456", err, errlen);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int add_svc(const struct qh_service *sv, void *ud)
{
    struct sim *m = ud;
    if (m->nsvc == MAXSVC)
        return 1;
    struct svc *x = &m->svc[m->nsvc++];
    snprintf(x->code, sizeof x->code, "%s", sv->code);
    snprintf(x->queue, sizeof x->queue, "%s", sv->queue);
    /* A per-item typical handling time, fixed by the code (not the seed):
     * approvals take longer than public services. */
    unsigned h = 2166136261u;
    for (const char *p = sv->code; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    double f = (h % 1000) / 1000.0;
    x->base_min = !strcmp(sv->queue, "A") ? 4 + 8 * f : 2 + 4 * f;
    return 0;
}

/* Pick an item of a class: a few items are asked for far more than the
 * rest (Zipf-like over the list's order). */
static int pick_item(struct sim *m, int a)
{
    int first = a ? m->first_a : m->first_b, n = a ? m->na : m->nb;
    if (n <= 0)
        return -1;
    double u = unif(&m->r);
    int k = (int)(n * pow(u, 2.2));
    if (k >= n)
        k = n - 1;
    return first + k;
}

static void make_citizens(struct sim *m, int n)
{
    m->c = calloc((size_t)n, sizeof *m->c);
    m->nc = n;
    for (int i = 0; i < n; i++) {
        struct cit *c = &m->c[i];
        double t, u0 = unif(&m->r);
        if (m->busy) {
            /* peaks 09:00-10:30 and 14:30-15:30 over a steady trickle */
            t = u0 < 0.42 ? 540 + 90 * unif(&m->r)
              : u0 < 0.62 ? 510 + 210 * unif(&m->r)
              : u0 < 0.82 ? 870 + 60 * unif(&m->r)
              : 840 + 180 * unif(&m->r);
        } else if (u0 < 0.65) {        /* morning, peak about 09:30 */
            double u = unif(&m->r), a = 510, b = 705, mode = 570;
            double fc = (mode - a) / (b - a);
            t = u < fc ? a + sqrt(u * (b - a) * (mode - a))
                       : b - sqrt((1 - u) * (b - a) * (b - mode));
        } else {
            t = 840 + 180 * unif(&m->r);
        }
        c->arrive = at_min(m, t);
        double q = unif(&m->r);
        c->svc = q < 0.13 ? -1 : pick_item(m, q < 0.43);
        c->svc0 = c->svc;
        c->green = chance(&m->r, 0.07);
        c->noshow = chance(&m->r, 0.04);
        c->slow = !c->noshow && chance(&m->r, 0.08);
        c->hold = chance(&m->r, 0.04);
        c->transfers = chance(&m->r, 0.12) ? (chance(&m->r, 0.1) ? 2 : 1) : 0;
        c->patience = chance(&m->r, 0.03) ? (int64_t)(20 + 60 * unif(&m->r)) * MIN_MS : 0;
        c->handle_ms = (int64_t)(case_base_min(m, c) * lognorm(&m->r, m->sigma) * MIN_MS);
        if (c->handle_ms < 60000)
            c->handle_ms = 60000;
    }
}

static struct cit *by_number(struct sim *m, const char *number)
{
    for (int i = 0; i < m->nc; i++)
        if (!strcmp(m->c[i].number, number))
            return &m->c[i];
    return NULL;
}

static int in_hours(int64_t now, struct sim *m, int *lunch)
{
    double min = (double)(now - m->day0) / MIN_MS;
    *lunch = min >= 720 && min < 840;
    return min >= 510;
}

static void arrivals(struct sim *m, int64_t now)
{
    static const char *const green[] = {"elderly", "pregnant", "disabled", "military"};
    for (int i = 0; i < m->nc; i++) {
        struct cit *c = &m->c[i];
        if (c->st != C_PENDING || c->arrive > now)
            continue;
        struct qh_issue_req req = {0};
        if (c->svc >= 0)
            req.service = m->svc[c->svc].code;
        else
            req.queue = "C";
        if (c->green)
            req.green = green[next(&m->r) % 4];
        struct qh_ticket_row t;
        struct qh_issue_info info;
        if (qh_ticket_issue(m->s, &req, &t, &info, m->err, sizeof m->err) < 0) {
            c->st = C_GONE;
            continue;
        }
        snprintf(c->number, sizeof c->number, "%s", t.number);
        c->wait_min = info.wait_min;
        c->wait_max = info.wait_max;
        c->st = C_WAITING;
        m->res->issued++;
        struct qh_sim_result *r = m->res;
        struct qh_sim_ticket *st = &r->tickets[r->ntickets++];
        snprintf(st->number, sizeof st->number, "%s", t.number);
        snprintf(st->queue, sizeof st->queue, "%s", t.queue);
        st->green = c->green;
        st->issued_at = t.issued_at;
        st->wait_min = info.wait_min;
        st->wait_max = info.wait_max;
        st->info = info;
        int q = sim_queue(t.queue), own = q == 2 ? 1 : 2;
        double mean = m->qn[q] ? m->qsum[q] / m->qn[q]
                               : qh_store_hall(m->s)->default_handle_minutes;
        st->naive = info.ahead * mean / own;
        if (m->oracle > 0)
            qh_sim_oracle(m, i, now, st);
    }
}

static void impatience(struct sim *m, int64_t now)
{
    for (int i = 0; i < m->nc; i++) {
        struct cit *c = &m->c[i];
        if (c->st == C_WAITING && c->patience && !c->first_call &&
            now - c->arrive > c->patience &&
            qh_ticket_cancel(m->s, c->number, NULL, m->err, sizeof m->err) == 0) {
            c->st = C_GONE;
            m->res->cancels++;
        }
        /* held citizens come back; no-shows some time later */
        if (c->st == C_AWAY && c->back_at && now >= c->back_at) {
            struct qh_ticket_row t;
            if (qh_ticket_get(m->s, c->number, &t, NULL, 0) == 0 &&
                t.state == QH_TICKET_HELD) {
                qh_ticket_release(m->s, c->number, NULL, m->err, sizeof m->err);
                c->st = C_WAITING;
                c->back_at = 0;
            }
        }
    }
}

static void note_call(struct sim *m, struct cit *c, int64_t now)
{
    if (c->first_call)
        return;
    c->first_call = now;
    for (int i = 0; i < m->res->ntickets; i++)
        if (!strcmp(m->res->tickets[i].number, c->number))
            m->res->tickets[i].first_call = now;
}

static int score_for(struct sim *m, const char *outcome)
{
    static const double done[5] = {0.03, 0.05, 0.22, 0.30, 0.40};
    static const double supp[5] = {0.10, 0.14, 0.36, 0.24, 0.16};
    static const double fail[5] = {0.20, 0.24, 0.30, 0.16, 0.10};
    const double *p = !strcmp(outcome, "done") ? done
                    : !strcmp(outcome, "supplement") ? supp : fail;
    double u = unif(&m->r), acc = 0;
    for (int k = 0; k < 5; k++) {
        acc += p[k];
        if (u < acc)
            return k + 1;
    }
    return 5;
}

static void finish_case(struct sim *m, struct win *w, struct cit *c, int64_t now)
{
    static const char *const bad_reasons[] = {"等候时间太长", "工作人员态度不好",
        "材料要求没有一次说清", "让我跑了好几个窗口"};
    double u = unif(&m->r);
    const char *outcome;
    if (c->failed_once)                 /* at the 办不成事 window */
        outcome = u < 0.55 ? "done" : u < 0.85 ? "supplement" : "failed";
    else if (c->svc < 0)
        outcome = u < 0.9 ? "done" : "supplement";
    else
        outcome = u < 0.70 ? "done" : u < 0.92 ? "supplement" : "failed";
    struct qh_ticket_row t;
    if (qh_ticket_finish(m->s, w->number, outcome,
                         !strcmp(outcome, "failed") ? "材料不全，无法受理" : NULL,
                         &t, m->err, sizeof m->err) < 0) {
        w->st = W_IDLE;
        return;
    }
    m->res->cases++;
    /* what the hall saw of the case, for the naive guess */
    int hq = sim_queue(c->failed_once || c->svc < 0 ? "C" : m->svc[c->svc].queue);
    m->qsum[hq] += (double)(now - w->since) / MIN_MS;
    m->qn[hq]++;
    w->st = W_IDLE;
    int forwarded = t.state == QH_TICKET_WAITING;
    if (chance(&m->r, 0.82)) {
        int score = score_for(m, outcome);
        const char *reason = score <= 2 ? bad_reasons[next(&m->r) % 4] : NULL;
        /* On the pad of the window that served it: the citizen's own. */
        char pad[16], prev[64];
        struct qh_rate_req rq = {.number = c->number, .score = score, .reason = reason,
                                 .channel = QH_RATE_PAD};
        snprintf(prev, sizeof prev, "%s", qh_store_actor(m->s));
        snprintf(pad, sizeof pad, "pad:%d", w->number);
        qh_store_set_actor(m->s, pad);
        int rated = qh_rating_add(m->s, &rq, NULL, m->err, sizeof m->err);
        qh_store_set_actor(m->s, prev);
        if (rated == 0) {
            m->res->ratings++;
            m->res->bad_ratings += score <= 2;
        }
    }
    if (forwarded) {
        c->failed_once = 1;
        c->handle_ms = (int64_t)(6 * lognorm(&m->r, 0.4) * MIN_MS);
        c->st = C_WAITING;
    } else {
        c->st = C_GONE;
    }
}

static void step_window(struct sim *m, struct win *w, int64_t now, int lunch, int any_waiting)
{
    struct cit *c = w->cit >= 0 ? &m->c[w->cit] : NULL;
    struct qh_ticket_row t;
    switch (w->st) {
    case W_PAUSED:
        if (now >= w->resume_at && qh_window_resume(m->s, w->number, m->err, sizeof m->err) == 0)
            w->st = W_IDLE;
        return;
    case W_CALLED:
        if (now < w->until)
            return;
        if (c->noshow) {
            if (qh_ticket_recall(m->s, w->number, &t, m->err, sizeof m->err) < 0) {
                w->st = W_IDLE;
                return;
            }
            if (t.state == QH_TICKET_NO_SHOW) {
                m->res->no_shows++;
                c->noshow = 0;
                w->st = W_IDLE;
                /* half of them come back and ask to be called back */
                c->st = C_AWAY;
                c->back_at = chance(&m->r, 0.5) ? now + (int64_t)(15 + 40 * unif(&m->r)) * MIN_MS : 0;
                return;
            }
            w->until = now + 60000;
            return;
        }
        if (c->slow) {
            c->slow = 0;
            qh_ticket_recall(m->s, w->number, NULL, m->err, sizeof m->err);
            w->until = now + 40000;
            return;
        }
        if (qh_ticket_start(m->s, w->number, NULL, m->err, sizeof m->err) < 0) {
            w->st = W_IDLE;
            return;
        }
        w->st = W_SERVING;
        w->since = now;
        w->until = now + (c->hold ? c->handle_ms / 2 : c->handle_ms);
        return;
    case W_SERVING:
        if (now < w->until)
            return;
        if (c->hold) {
            c->hold = 0;
            c->handle_ms /= 2;
            if (qh_ticket_hold(m->s, w->number, NULL, m->err, sizeof m->err) == 0) {
                m->res->holds++;
                c->held = 1;
                c->st = C_AWAY;
                c->back_at = now + (int64_t)(5 + 10 * unif(&m->r)) * MIN_MS;
                w->st = W_IDLE;
                return;
            }
        }
        if (c->transfers > 0 && !c->failed_once) {
            struct qh_transfer_to to = {0};
            const char *q = c->svc >= 0 ? m->svc[c->svc].queue : "C";
            int other = !strcmp(q, "A") ? m->first_b : m->first_a;
            /* 转办: to the other class's item, or to a named window */
            if (c->transfers == 2 || !chance(&m->r, 0.3))
                to.service = m->svc[other + (int)(next(&m->r) % 10)].code;
            else
                to.window = w->number == 5 ? 1 : 5;
            to.note = "需到其他窗口办理";
            if (qh_ticket_transfer(m->s, w->number, &to, &t, m->err, sizeof m->err) == 0) {
                c->transfers--;
                c->moved++;
                m->res->transfers++;
                if (to.service)
                    for (int i = 0; i < m->nsvc; i++)
                        if (!strcmp(m->svc[i].code, to.service))
                            c->svc = i;
                c->handle_ms = (int64_t)(c->handle_ms * (0.5 + 0.5 * unif(&m->r)));
                c->st = C_WAITING;
                w->st = W_IDLE;
                return;
            }
        }
        finish_case(m, w, c, now);
        return;
    case W_IDLE:
        break;
    }
    if (lunch)
        return;
    if (!w->paused_once && now >= w->pause_at && any_waiting < 6) {
        static const char *const reasons[] = {"休息", "接听电话", "系统故障", "领取材料"};
        w->paused_once = 1;
        if (qh_window_pause(m->s, w->number, reasons[next(&m->r) % 4], m->err,
                            sizeof m->err) == 0) {
            w->st = W_PAUSED;
            w->since = now;
            w->resume_at = now + (int64_t)(4 + 12 * unif(&m->r)) * MIN_MS;
            return;
        }
    }
    /* a no-show who came back is called back first, at a window of its queue */
    for (int i = 0; i < m->nc; i++) {
        struct cit *x = &m->c[i];
        if (x->st != C_AWAY || !x->back_at || now < x->back_at)
            continue;
        if (qh_ticket_get(m->s, x->number, &t, NULL, 0) < 0 || t.state != QH_TICKET_NO_SHOW)
            continue;
        const struct qh_window_conf *wc = qh_conf_window(qh_store_hall(m->s), w->number);
        if (!wc || strcmp(wc->queues[0], t.queue))
            continue;
        if (qh_ticket_callback(m->s, x->number, w->number, &t, m->err, sizeof m->err) == 0) {
            x->st = C_AT_WINDOW;
            x->back_at = 0;
            w->cit = i;
            w->st = W_CALLED;
            w->since = now;
            w->until = now + 30000;
            return;
        }
    }
    if (qh_ticket_call_next(m->s, w->number, &t, m->err, sizeof m->err) < 0)
        return;
    struct cit *n = by_number(m, t.number);
    if (!n) {                           /* a ticket from an earlier day? */
        qh_ticket_noshow(m->s, w->number, NULL, NULL, 0);
        return;
    }
    note_call(m, n, now);
    n->st = C_AT_WINDOW;
    w->cit = (int)(n - m->c);
    w->st = W_CALLED;
    w->since = now;
    w->until = now + (int64_t)(20 + 40 * unif(&m->r)) * 1000;
}

static void login(struct sim *m, int window, const char *staff)
{
    qh_staff_login(m->s, window, staff, "123456", m->err, sizeof m->err);
}

int qh_sim_day(struct qh_store *s, const struct qh_sim_opts *o,
               struct qh_sim_result *r, char *err, size_t errlen)
{
    struct sim *m = calloc(1, sizeof *m);
    int rc = 0;
    memset(r, 0, sizeof *r);
    if (!m)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    m->s = s;
    m->res = r;
    uint64_t seed = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)o->seed * 0xD1B54A32D192ED03ULL);
    for (const char *p = o->day; *p; p++)
        seed = (seed ^ (unsigned char)*p) * 0x100000001B3ULL;
    m->r.s = seed ? seed : 1;
    for (int i = 0; i < 8; i++)
        next(&m->r);
    if (qh_clock_day_start(qh_store_hall(s)->timezone, o->day, &m->day0) < 0) {
        rc = qh_err(err, errlen, QH_E_PARSE, "bad day %s", o->day);
        goto out;
    }
    qh_store_service_each(s, "A", add_svc, m);
    m->first_a = 0;
    m->na = m->nsvc;
    m->first_b = m->nsvc;
    qh_store_service_each(s, "B", add_svc, m);
    m->nb = m->nsvc - m->first_b;
    if ((rc = qh_sim_setup(s, err, errlen)) < 0)
        goto out;
    m->busy = o->busy;
    m->oracle = o->oracle;
    /* a coefficient of variation of 0.47, or 0.6 on a busy day */
    m->sigma = o->busy ? 0.5545 : 0.45;
    int n = o->visitors > 0 ? o->visitors : 100 + (int)(next(&m->r) % 201);
    if (o->busy && o->visitors <= 0)
        n = 260 + n % 61;
    r->visitors = n;
    make_citizens(m, n);
    r->tickets = calloc((size_t)n, sizeof *r->tickets);
    if (!m->c || !r->tickets) {
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < NWIN; i++) {
        m->w[i].number = i + 1;
        m->w[i].cit = -1;
        m->w[i].pause_at = chance(&m->r, 0.6) ? at_min(m, 540 + 400 * unif(&m->r))
                                              : INT64_MAX;
    }
    /* staff: mornings S01-S05 at windows 1-5 (some late); after lunch S02
     * moves to window 4, S07 takes window 2 and S06 window 5 */
    static const int am[NWIN] = {0, 1, 2, 3, 4}, pm[NWIN] = {0, 6, 2, 1, 5};
    int64_t login_at[NWIN];
    for (int i = 0; i < NWIN; i++)
        m->w[i].login_at = login_at[i] =
            at_min(m, 500 + 15 * unif(&m->r) + (chance(&m->r, 0.15) ? 20 : 0));
    int in_am[NWIN] = {0}, in_pm[NWIN] = {0};
    int64_t end = at_min(m, 20 * 60);
    for (int64_t now = at_min(m, 480); now < end; now += STEP_MS) {
        qh_clock_set(now);
        int lunch;
        int open = in_hours(now, m, &lunch);
        double min = (double)(now - m->day0) / MIN_MS;
        for (int i = 0; i < NWIN; i++) {
            if (!in_am[i] && now >= login_at[i]) {
                login(m, i + 1, staff_ids[am[i]]);
                in_am[i] = 1;
            }
            if (!in_pm[i] && min >= 835 && m->w[i].st == W_IDLE && am[i] != pm[i]) {
                /* window 4's S04 leaves first, so S02 can come over */
                if (i == 3 || in_pm[3])
                    qh_staff_logout(m->s, i + 1, NULL, 0);
                login(m, i + 1, staff_ids[pm[i]]);
                in_pm[i] = 1;
            }
        }
        if (min >= 835)
            for (int i = 0; i < NWIN; i++)
                if (am[i] == pm[i])
                    in_pm[i] = 1;
        if (open && !lunch && min < 1020)
            arrivals(m, now);
        impatience(m, now);
        int waiting = 0, busy = 0, pending = 0;
        for (int i = 0; i < m->nc; i++) {
            waiting += m->c[i].st == C_WAITING;
            pending += m->c[i].st == C_PENDING || (m->c[i].st == C_AWAY && m->c[i].back_at);
        }
        if (open)
            for (int i = 0; i < NWIN; i++)
                step_window(m, &m->w[i], now, lunch, waiting);
        for (int i = 0; i < NWIN; i++)
            busy += m->w[i].st == W_CALLED || m->w[i].st == W_SERVING;
        if (min > 1050 && !waiting && !busy && !pending)
            break;
    }
    for (int i = 0; i < NWIN; i++) {
        if (m->w[i].st == W_PAUSED)
            qh_window_resume(m->s, i + 1, NULL, 0);
        qh_staff_logout(m->s, i + 1, NULL, 0);
    }
    for (int i = 0; i < r->ntickets; i++) {
        struct qh_sim_ticket *t = &r->tickets[i];
        if (!t->first_call)
            continue;
        int64_t w = t->first_call - t->issued_at;
        r->ewt_n++;
        r->ewt_in += w >= t->wait_min * MIN_MS && w <= t->wait_max * MIN_MS;
    }
out:
    if (m)
        free(m->c);
    free(m);
    return rc;
}

void qh_sim_result_fini(struct qh_sim_result *r)
{
    for (int i = 0; i < r->ntickets; i++)
        free(r->tickets[i].oracle);
    free(r->tickets);
    memset(r, 0, sizeof *r);
}
