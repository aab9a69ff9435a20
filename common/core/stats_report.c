/* stats_report.c: reports and the 考核 scorecard, from the event log.
 *
 * One pass over the events of the period's tickets, ticket by ticket
 * (store_stats.c delivers them grouped), so a year of history costs one
 * read of its events and memory for one ticket at a time, plus the waits
 * of each group (for the 90th percentile).  Each ticket yields three kinds
 * of facts, each counted in the total and in every grouping asked for:
 *   the ticket    arrived, no_show, cancelled, wait   (grouped by its
 *                 issue: queue, service, hour; by window and staff of its
 *                 last call, "-" if never called)
 *   each finish   served, handling, outcome  (window, staff, service and
 *                 queue of the case, hour of the finish)
 *   each rating   rated, score               (as the rated case)
 * The definitions are in qh/stats.h and the README. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/stats.h"
#include "qh/store.h"
#include "qh/hall.h"
#include "qh/rating.h"
#include "stats_internal.h"

const int qh_stats_wait_bucket_min[QH_WAIT_BUCKETS] = {0, 5, 10, 15, 20, 30, 45, 60};

static const char *const by_names[QH_BY_COUNT] = {
    "total", "window", "staff", "service", "queue", "hour",
};

const char *qh_stats_by_name(int by)
{
    return by >= 0 && by < QH_BY_COUNT ? by_names[by] : "?";
}

int qh_stats_by_parse(const char *name)
{
    for (int i = 1; i < QH_BY_COUNT; i++)
        if (!strcmp(name, by_names[i]))
            return i;
    return -1;
}

static double pct(int num, int den)
{
    return den > 0 ? 100.0 * num / den : -1;
}

void qh_stats_row_finish(struct qh_report_row *r)
{
    r->wait_avg_s = r->waits ? (int)llround((double)r->wait_sum_s / r->waits) : -1;
    r->handle_avg_s = r->served ? (int)llround((double)r->handle_sum_s / r->served) : -1;
    r->within_target_pct = pct(r->within_target, r->waits);
    r->one_visit_pct = pct(r->done, r->served);
    r->supplement_pct = pct(r->supplement, r->served);
    r->satisfied_pct = pct(r->ratings[3] + r->ratings[4], r->rated);
    r->rated_pct = pct(r->rated, r->served);
    r->satisfied_no_default_pct =
        pct(r->ratings[3] + r->ratings[4] - r->satisfied_by_channel[QH_RATE_DEFAULT],
            r->rated - r->rated_by_channel[QH_RATE_DEFAULT]);
    for (int i = 0; i < QH_RATE_NCHANNELS; i++)
        r->satisfied_channel_pct[i] = pct(r->satisfied_by_channel[i], r->rated_by_channel[i]);
}

/* ---- groups: a small hash of rows by key ---- */

struct group {
    struct qh_report_row row;
    int *waits;
    int nwaits, cwaits;
};

struct gtab {
    struct group *g;
    int n, cap;
    int *slot;                    /* index + 1, 0 empty */
    int nslot;
};

static unsigned hash(const char *k)
{
    unsigned h = 2166136261u;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 16777619u;
    return h;
}

static struct group *group_get(struct gtab *t, const char *key)
{
    if (t->nslot == 0 || (t->n + 1) * 2 > t->nslot) {
        int ns = t->nslot ? t->nslot * 2 : 64;
        int *slot = calloc((size_t)ns, sizeof *slot);
        if (!slot)
            return NULL;
        for (int i = 0; i < t->n; i++) {
            unsigned h = hash(t->g[i].row.key) & (unsigned)(ns - 1);
            while (slot[h])
                h = (h + 1) & (unsigned)(ns - 1);
            slot[h] = i + 1;
        }
        free(t->slot);
        t->slot = slot;
        t->nslot = ns;
    }
    unsigned h = hash(key) & (unsigned)(t->nslot - 1);
    while (t->slot[h]) {
        struct group *g = &t->g[t->slot[h] - 1];
        if (!strcmp(g->row.key, key))
            return g;
        h = (h + 1) & (unsigned)(t->nslot - 1);
    }
    if (t->n == t->cap) {
        int nc = t->cap ? t->cap * 2 : 32;
        struct group *ng = realloc(t->g, (size_t)nc * sizeof *ng);
        if (!ng)
            return NULL;
        t->g = ng;
        t->cap = nc;
    }
    struct group *g = &t->g[t->n];
    memset(g, 0, sizeof *g);
    snprintf(g->row.key, sizeof g->row.key, "%s", key);
    t->slot[h] = ++t->n;
    return g;
}

static void gtab_free(struct gtab *t)
{
    for (int i = 0; i < t->n; i++)
        free(t->g[i].waits);
    free(t->g);
    free(t->slot);
    memset(t, 0, sizeof *t);
}

static int add_wait(struct group *g, int w)
{
    if (g->nwaits == g->cwaits) {
        int nc = g->cwaits ? g->cwaits * 2 : 16;
        int *nw = realloc(g->waits, (size_t)nc * sizeof *nw);
        if (!nw)
            return -1;
        g->waits = nw;
        g->cwaits = nc;
    }
    g->waits[g->nwaits++] = w;
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the smallest wait with at least 90% of waits <= it. */
static int p90(int *v, int n)
{
    if (n == 0)
        return -1;
    qsort(v, (size_t)n, sizeof *v, cmp_int);
    int i = (n * 9 + 9) / 10 - 1;
    return v[i < 0 ? 0 : i];
}

/* ---- the pass over the events ---- */

struct fact {
    int window;
    const char *staff, *service, *queue;
    int hour;
};

struct tk {
    int64_t id;
    int seen_issue;
    int64_t issued_at, last_call, started;
    char day[11];
    char queue0[QH_CODE_LEN], queue[QH_CODE_LEN], case_queue[QH_CODE_LEN];
    char service0[24];
    int call_win;
    char call_staff[QH_STAFF_LEN];
    int no_show, cancelled;
};

struct build {
    struct qh_store *s;
    const struct qh_hall_conf *h;
    unsigned mask;
    int target_s;
    struct gtab tab[QH_BY_COUNT];
    struct qh_report *r;
    struct tk cur;
    char day_cached[11];
    int64_t day_start;
    int oom;
};

static int hour_of(struct build *b, const char *day, int64_t at)
{
    if (strcmp(day, b->day_cached)) {
        snprintf(b->day_cached, sizeof b->day_cached, "%s", day);
        if (qh_clock_day_start(b->h->timezone, day, &b->day_start) < 0)
            b->day_start = at;
    }
    int64_t h = (at - b->day_start) / 3600000;
    return h < 0 ? 0 : h > 23 ? 23 : (int)h;
}

static void key_of(int by, const struct fact *f, char out[32])
{
    switch (by) {
    case QH_BY_WINDOW:
        if (f->window > 0)
            snprintf(out, 32, "%d", f->window);
        else
            snprintf(out, 32, "-");
        return;
    case QH_BY_STAFF:
        snprintf(out, 32, "%s", f->staff && *f->staff ? f->staff : "-");
        return;
    case QH_BY_SERVICE:
        snprintf(out, 32, "%s", f->service && *f->service ? f->service : "-");
        return;
    case QH_BY_QUEUE:
        snprintf(out, 32, "%s", f->queue && *f->queue ? f->queue : "-");
        return;
    case QH_BY_HOUR:
        snprintf(out, 32, "%02d", f->hour);
        return;
    default:
        snprintf(out, 32, "total");
    }
}

/* The rows a fact counts in: the total, then one per grouping asked. */
static int rows_of(struct build *b, const struct fact *f, struct qh_report_row **rows,
                   struct group **groups)
{
    int n = 0;
    rows[n] = &b->r->total;
    groups[n++] = NULL;
    for (int by = 1; by < QH_BY_COUNT; by++) {
        if (!(b->mask & (1u << by)))
            continue;
        char key[32];
        key_of(by, f, key);
        struct group *g = group_get(&b->tab[by], key);
        if (!g) {
            b->oom = 1;
            continue;
        }
        rows[n] = &g->row;
        groups[n++] = g;
    }
    return n;
}

static void flush_ticket(struct build *b)
{
    struct tk *t = &b->cur;
    if (!t->id || !t->seen_issue)
        return;
    struct fact f = {t->call_win, t->call_staff, t->service0, t->queue0,
                     hour_of(b, t->day, t->issued_at)};
    struct qh_report_row *rows[QH_BY_COUNT];
    struct group *groups[QH_BY_COUNT];
    int n = rows_of(b, &f, rows, groups);
    /* A call logged before its issue is a clock stepped back: no wait. */
    int wait = t->last_call ? (int)((t->last_call - t->issued_at) / 1000) : -1;
    if (t->last_call && wait < 0)
        wait = 0;
    b->r->hour_arrived[f.hour]++;
    if (wait >= 0) {
        int k = QH_WAIT_BUCKETS - 1;
        while (k > 0 && wait < qh_stats_wait_bucket_min[k] * 60)
            k--;
        b->r->wait_hist[k]++;
    }
    for (int i = 0; i < n; i++) {
        struct qh_report_row *r = rows[i];
        r->arrived++;
        r->no_show += t->no_show;
        r->cancelled += t->cancelled;
        if (wait < 0)
            continue;
        r->waits++;
        r->wait_sum_s += wait;
        if (wait > r->wait_max_s)
            r->wait_max_s = wait;
        r->within_target += wait <= b->target_s;
        if (groups[i] && add_wait(groups[i], wait) < 0)
            b->oom = 1;
    }
    if (wait >= 0 && add_wait(&b->tab[0].g[0], wait) < 0)
        b->oom = 1;
}

static void on_finish(struct build *b, const struct qh_event_row *e)
{
    struct tk *t = &b->cur;
    char outcome[16] = "", service[24] = "";
    int64_t handled = 0;
    qh_json_get_str(e->detail, "outcome", outcome, sizeof outcome);
    qh_json_get_str(e->detail, "service", service, sizeof service);
    if (t->started)
        handled = e->at > t->started ? (e->at - t->started) / 1000 : 0;
    else
        qh_json_get_int(e->detail, "handled_s", &handled);
    /* The case belongs to the queue it was served in: a 办不成 finish has
     * already moved the ticket on to the class C queue. */
    snprintf(t->case_queue, sizeof t->case_queue, "%s", t->queue[0] ? t->queue : e->queue);
    struct fact f = {e->window, e->staff, service, t->case_queue,
                     hour_of(b, t->day, e->at)};
    struct qh_report_row *rows[QH_BY_COUNT];
    struct group *groups[QH_BY_COUNT];
    int n = rows_of(b, &f, rows, groups);
    b->r->hour_served[f.hour]++;
    for (int i = 0; i < n; i++) {
        struct qh_report_row *r = rows[i];
        r->served++;
        r->handle_sum_s += handled;
        if (handled > r->handle_max_s)
            r->handle_max_s = (int)handled;
        r->done += !strcmp(outcome, "done");
        r->supplement += !strcmp(outcome, "supplement");
        r->failed += !strcmp(outcome, "failed");
    }
    snprintf(t->queue, sizeof t->queue, "%s", e->queue);
    t->started = 0;
}

static void on_rated(struct build *b, const struct qh_event_row *e)
{
    struct tk *t = &b->cur;
    char service[24] = "", chname[16] = "";
    int64_t score = 0;
    enum qh_rating_channel ch;
    qh_json_get_int(e->detail, "score", &score);
    qh_json_get_str(e->detail, "service", service, sizeof service);
    qh_json_get_str(e->detail, "channel", chname, sizeof chname);
    if (score < 1 || score > 5)
        return;
    /* Before the pad, every rating was entered at the staff terminal:
     * its own channel, never mixed in with the citizen's. */
    if (qh_rating_channel_parse(chname, &ch) < 0)
        ch = QH_RATE_LEGACY;
    struct fact f = {e->window, e->staff, service,
                     t->case_queue[0] ? t->case_queue : e->queue,
                     hour_of(b, t->day, e->at)};
    struct qh_report_row *rows[QH_BY_COUNT];
    struct group *groups[QH_BY_COUNT];
    int n = rows_of(b, &f, rows, groups);
    for (int i = 0; i < n; i++) {
        rows[i]->rated++;
        rows[i]->ratings[score - 1]++;
        rows[i]->rated_by_channel[ch]++;
        rows[i]->satisfied_by_channel[ch] += score >= 4;
    }
}

static int on_event(const struct qh_event_row *e, const char *day, void *ud)
{
    struct build *b = ud;
    struct tk *t = &b->cur;
    if (e->ticket != t->id) {
        flush_ticket(b);
        memset(t, 0, sizeof *t);
        t->id = e->ticket;
        snprintf(t->day, sizeof t->day, "%s", day);
    }
    const char *y = e->type;
    if (!strcmp(y, "issued")) {
        t->seen_issue = 1;
        t->issued_at = e->at;
        snprintf(t->queue0, sizeof t->queue0, "%s", e->queue);
        snprintf(t->queue, sizeof t->queue, "%s", e->queue);
        qh_json_get_str(e->detail, "service", t->service0, sizeof t->service0);
    } else if (!strcmp(y, "called") || !strcmp(y, "recalled") ||
               !strcmp(y, "called_back")) {
        t->last_call = e->at;
        t->call_win = e->window;
        snprintf(t->call_staff, sizeof t->call_staff, "%s", e->staff);
    } else if (!strcmp(y, "started")) {
        t->started = e->at;
        t->no_show = 0;
    } else if (!strcmp(y, "no_show")) {
        t->no_show = 1;
    } else if (!strcmp(y, "cancelled")) {
        t->cancelled = 1;
    } else if (!strcmp(y, "transferred")) {
        snprintf(t->queue, sizeof t->queue, "%s", e->queue);
        t->started = 0;
    } else if (!strcmp(y, "finished")) {
        on_finish(b, e);
    } else if (!strcmp(y, "rated")) {
        on_rated(b, e);
    }
    return b->oom;
}

static int fu_count(const struct qh_followup *f, void *ud)
{
    struct qh_report *r = ud;
    r->fu_opened++;
    r->fu_failed_opened += !strcmp(f->kind, "failed");
    if (f->closed_at)
        r->fu_closed++;
    else
        r->fu_open++;
    return 0;
}

static int cmp_key(int by, const char *a, const char *b)
{
    int da = !strcmp(a, "-"), db = !strcmp(b, "-");
    if (da || db)
        return da - db;               /* "none" last */
    if (by == QH_BY_WINDOW || by == QH_BY_HOUR) {
        int x = atoi(a), y = atoi(b);
        return (x > y) - (x < y);
    }
    return strcmp(a, b);
}

static int sort_by;

static int cmp_row(const void *a, const void *b)
{
    return cmp_key(sort_by, ((const struct qh_report_row *)a)->key,
                   ((const struct qh_report_row *)b)->key);
}

int qh_stats_report_build(struct qh_store *s, const char *from, const char *to,
                          unsigned by_mask, struct qh_report **out,
                          char *err, size_t errlen)
{
    struct build b;
    int rc = 0;
    *out = NULL;
    memset(&b, 0, sizeof b);
    b.s = s;
    b.h = qh_store_hall(s);
    b.mask = by_mask & ~1u;
    b.target_s = b.h->target_wait_minutes * 60;
    if (!(b.r = calloc(1, sizeof *b.r)))
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    snprintf(b.r->from, sizeof b.r->from, "%s", from);
    snprintf(b.r->to, sizeof b.r->to, "%s", to);
    snprintf(b.r->total.key, sizeof b.r->total.key, "total");
    b.r->target_wait_s = b.target_s;
    /* tab[0] holds the total's waits, in its one group */
    if (!group_get(&b.tab[0], "total")) {
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        goto out;
    }
    /* One snapshot for events and follow-ups (a read transaction unless
     * the caller has one open). */
    rc = qh_store_stats_ticket_events(s, from, to, on_event, &b, err, errlen);
    if (rc < 0)
        goto out;
    flush_ticket(&b);
    if (b.oom) {
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        goto out;
    }
    b.r->total.wait_p90_s = p90(b.tab[0].g[0].waits, b.tab[0].g[0].nwaits);
    qh_stats_row_finish(&b.r->total);
    for (int by = 1; by < QH_BY_COUNT; by++) {
        if (!(b.mask & (1u << by)))
            continue;
        struct gtab *t = &b.tab[by];
        b.r->rows[by] = calloc((size_t)(t->n ? t->n : 1), sizeof *b.r->rows[by]);
        if (!b.r->rows[by]) {
            rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
            goto out;
        }
        for (int i = 0; i < t->n; i++) {
            t->g[i].row.wait_p90_s = p90(t->g[i].waits, t->g[i].nwaits);
            qh_stats_row_finish(&t->g[i].row);
            b.r->rows[by][i] = t->g[i].row;
        }
        b.r->nrows[by] = t->n;
        sort_by = by;
        qsort(b.r->rows[by], (size_t)t->n, sizeof *b.r->rows[by], cmp_row);
    }
    rc = qh_store_followup_each(s, QH_FOLLOWUP_ALL, NULL, from, to, fu_count,
                                b.r, err, errlen);
    if (rc < 0)
        goto out;
    rc = qh_stats_followup_overdue(s);
    if (rc < 0) {
        rc = qh_err(err, errlen, rc, "follow-ups: %s", qh_strerror(rc));
        goto out;
    }
    b.r->fu_overdue_now = rc;
    rc = 0;
out:
    for (int i = 0; i < QH_BY_COUNT; i++)
        gtab_free(&b.tab[i]);
    if (rc < 0) {
        qh_stats_report_free(b.r);
        return rc;
    }
    *out = b.r;
    return 0;
}

void qh_stats_report_free(struct qh_report *r)
{
    if (!r)
        return;
    for (int i = 0; i < QH_BY_COUNT; i++)
        free(r->rows[i]);
    free(r);
}

/* ---- 考核 scorecard ---- */

struct sc_staff {
    struct qh_scorecard_row row;
    unsigned present;             /* bit d: day d of the month */
    int64_t first_login[32];
};

struct sc_build {
    struct qh_store *s;
    const struct qh_hall_conf *h;
    const char *only;
    char month[8];
    struct sc_staff *st;
    int n, cap;
    int oom;
    char today[11];
};

static struct sc_staff *sc_get(struct sc_build *b, const char *id)
{
    if (!id || !*id || (b->only && strcmp(b->only, id)))
        return NULL;
    for (int i = 0; i < b->n; i++)
        if (!strcmp(b->st[i].row.staff, id))
            return &b->st[i];
    if (b->n == b->cap) {
        int nc = b->cap ? b->cap * 2 : 16;
        struct sc_staff *ns = realloc(b->st, (size_t)nc * sizeof *ns);
        if (!ns) {
            b->oom = 1;
            return NULL;
        }
        b->st = ns;
        b->cap = nc;
    }
    struct sc_staff *x = &b->st[b->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->row.staff, sizeof x->row.staff, "%s", id);
    return x;
}

static int sc_dom(const char *day)
{
    return atoi(day + 8);
}

struct sc_tk {
    int64_t id, started;
};

struct sc_pass {
    struct sc_build *b;
    struct sc_tk cur;
};

static int sc_ticket_event(const struct qh_event_row *e, const char *day, void *ud)
{
    struct sc_pass *p = ud;
    struct sc_build *b = p->b;
    if (e->ticket != p->cur.id) {
        p->cur.id = e->ticket;
        p->cur.started = 0;
    }
    if (!strcmp(e->type, "started")) {
        p->cur.started = e->at;
        return 0;
    }
    int fin = !strcmp(e->type, "finished");
    int overturned = !strcmp(e->type, "appeal_decided") &&
                     strstr(e->detail, "\"decision\":\"overturned\"");
    if (!fin && !overturned && strcmp(e->type, "rated"))
        return 0;
    struct sc_staff *x = sc_get(b, e->staff);
    if (!x)
        return b->oom;
    struct qh_scorecard_row *r = &x->row;
    if (fin) {
        char outcome[16] = "";
        int64_t handled = 0;
        qh_json_get_str(e->detail, "outcome", outcome, sizeof outcome);
        if (p->cur.started)
            handled = e->at > p->cur.started ? (e->at - p->cur.started) / 1000 : 0;
        else
            qh_json_get_int(e->detail, "handled_s", &handled);
        p->cur.started = 0;
        r->served++;
        r->done += !strcmp(outcome, "done");
        r->supplement += !strcmp(outcome, "supplement");
        r->failed += !strcmp(outcome, "failed");
        r->handle_sum_s += handled;
        r->within_promised += handled <= (int64_t)b->h->default_handle_minutes * 60;
        x->present |= 1u << sc_dom(day);
    } else {
        /* An overturned 差评 (申诉) stays in the log and the reports, but
         * not against the staff member: its rated event is taken back. */
        int64_t score = 0, d = overturned ? -1 : 1;
        char chname[16] = "";
        enum qh_rating_channel ch;
        qh_json_get_int(e->detail, "score", &score);
        qh_json_get_str(e->detail, "channel", chname, sizeof chname);
        if (qh_rating_channel_parse(chname, &ch) < 0)
            ch = QH_RATE_LEGACY;            /* as the reports take it (on_rated) */
        if (score >= 1 && score <= 5) {
            r->rated += (int)d;
            r->ratings[score - 1] += (int)d;
            r->rated_by_channel[ch] += (int)d;
            r->satisfied_by_channel[ch] += score >= 4 ? (int)d : 0;
        }
    }
    return 0;
}

static void add_pause(struct qh_scorecard_row *r, const char *reason, int64_t sec)
{
    int i;
    r->paused_s += sec;
    for (i = 0; i < r->npause; i++)
        if (!strcmp(r->pause[i].reason, reason))
            break;
    if (i == r->npause) {
        if (r->npause == QH_PAUSE_REASONS) {
            i = QH_PAUSE_REASONS - 1;      /* the last slot takes the rest */
            snprintf(r->pause[i].reason, sizeof r->pause[i].reason, "其他");
        } else {
            r->npause++;
            snprintf(r->pause[i].reason, sizeof r->pause[i].reason, "%s", reason);
        }
    }
    r->pause[i].seconds += sec;
}

static int sc_untied_event(const struct qh_event_row *e, void *ud)
{
    struct sc_build *b = ud;
    int login = !strcmp(e->type, "login");
    if (!login && strcmp(e->type, "resumed"))
        return 0;
    struct sc_staff *x = sc_get(b, e->staff);
    if (!x)
        return b->oom;
    if (login) {
        char day[11];
        qh_clock_day(b->h->timezone, e->at, day);
        if (strncmp(day, b->month, 7))
            return 0;
        int d = sc_dom(day);
        x->present |= 1u << d;
        if (!x->first_login[d] || e->at < x->first_login[d])
            x->first_login[d] = e->at;
    } else {
        char reason[QH_TEXT_PAUSE_LEN] = "";
        int64_t sec = 0;
        qh_json_get_str(e->detail, "reason", reason, sizeof reason);
        qh_json_get_int(e->detail, "paused_s", &sec);
        add_pause(&x->row, reason, sec);
    }
    return 0;
}

static int sc_followup(const struct qh_followup *f, void *ud)
{
    struct sc_build *b = ud;
    if (strcmp(f->kind, "rating"))
        return 0;
    struct sc_staff *x = sc_get(b, f->staff);
    if (!x)
        return b->oom;
    if (f->closed_at) {
        char closed[11];
        qh_clock_day(b->h->timezone, f->closed_at, closed);
        x->row.fu_closed++;
        x->row.fu_on_time += strcmp(closed, f->due_day) <= 0;
    } else {
        x->row.fu_open++;
        x->row.fu_overdue += strcmp(f->due_day, b->today) < 0;
    }
    return 0;
}

static int sc_staff_row(const struct qh_staff_row *st, void *ud)
{
    struct sc_build *b = ud;
    struct sc_staff *x = sc_get(b, st->id);
    if (x)
        snprintf(x->row.name, sizeof x->row.name, "%s", st->name);
    return 0;
}

static int cmp_staff(const void *a, const void *b)
{
    return strcmp(((const struct qh_scorecard_row *)a)->staff,
                  ((const struct qh_scorecard_row *)b)->staff);
}

static void sc_score(struct sc_build *b, struct sc_staff *x, int workdays,
                     const int w[5])
{
    struct qh_scorecard_row *r = &x->row;
    int64_t open_ms = b->h->nspans ? (int64_t)b->h->spans[0].open_min * 60000 : 0;
    for (int d = 1; d <= 31; d++) {
        if (!(x->present & (1u << d)))
            continue;
        r->days_present++;
        if (!x->first_login[d])
            continue;
        char day[24];
        int64_t start;
        snprintf(day, sizeof day, "%s-%02d", b->month, d);
        if (qh_clock_day_start(b->h->timezone, day, &start) < 0)
            continue;
        int64_t late = x->first_login[d] - (start + open_ms);
        if (late > 0) {
            r->late_days++;
            r->late_minutes += (int)((late + 59999) / 60000);
        }
    }
    r->workdays = workdays;
    r->handle_avg_s = r->served ? (int)llround((double)r->handle_sum_s / r->served) : -1;
    r->within_promised_pct = pct(r->within_promised, r->served);
    r->satisfied_pct = pct(r->ratings[3] + r->ratings[4], r->rated);
    r->rated_pct = pct(r->rated, r->served);
    for (int i = 0; i < QH_RATE_NCHANNELS; i++)
        r->satisfied_channel_pct[i] = pct(r->satisfied_by_channel[i], r->rated_by_channel[i]);
    double att = workdays > 0 ? 100.0 * (r->days_present - 0.5 * r->late_days) / workdays : -1;
    r->part_attendance = att < 0 ? -1 : att > 100 ? 100 : att;
    r->part_cases = pct(r->done, r->served);
    r->part_speed = r->within_promised_pct;
    r->part_rating = r->satisfied_pct;
    int fu = r->fu_open + r->fu_closed;
    r->part_followup = fu ? 100.0 * r->fu_on_time / fu : 100;
    double parts[5] = {r->part_attendance, r->part_cases, r->part_speed,
                       r->part_rating, r->part_followup};
    double sum = 0, wsum = 0;
    for (int i = 0; i < 5; i++)
        if (parts[i] >= 0) {
            sum += w[i] * parts[i];
            wsum += w[i];
        }
    r->score = wsum > 0 ? sum / wsum : 0;
}

int qh_stats_scorecard_build(struct qh_store *s, const char *month,
                             const char *staff, struct qh_scorecard **out,
                             char *err, size_t errlen)
{
    struct sc_build b;
    struct qh_scorecard *c = NULL;
    int y, m, rc = 0;
    char first[11], last[11], next[11];
    *out = NULL;
    if (!month || strlen(month) != 7 || sscanf(month, "%4d-%2d", &y, &m) != 2 ||
        m < 1 || m > 12 || month[4] != '-')
        return qh_err(err, errlen, QH_E_PARSE,
                      QH_TR(qh_store_lang(s), "月份应为 YYYY-MM，而不是「%s」",
                            "a month is YYYY-MM, not \"%s\""), month ? month : "");
    memset(&b, 0, sizeof b);
    b.s = s;
    b.h = qh_store_hall(s);
    b.only = staff && *staff ? staff : NULL;
    snprintf(b.month, sizeof b.month, "%s", month);
    qh_hall_today(s, b.today);
    snprintf(first, sizeof first, "%.7s-01", month);
    /* the 1st of next month: 31 days on from the 1st always lands in it */
    qh_clock_day_str(qh_clock_day_num(first) + 31, next);
    next[8] = '0';
    next[9] = '1';
    qh_clock_day_str(qh_clock_day_num(next) - 1, last);
    if ((rc = qh_store_staff_each(s, sc_staff_row, &b)) < 0)
        goto out;
    struct sc_pass pass = {&b, {0, 0}};
    if ((rc = qh_store_stats_ticket_events(s, first, last, sc_ticket_event, &pass,
                                           err, errlen)) < 0)
        goto out;
    int64_t from_ms, to_ms;
    if (qh_clock_day_start(b.h->timezone, first, &from_ms) < 0 ||
        qh_clock_day_start(b.h->timezone, next, &to_ms) < 0) {
        rc = qh_err(err, errlen, QH_E_PARSE, "bad month %s", month);
        goto out;
    }
    if ((rc = qh_store_stats_untied_events(s, from_ms, to_ms, sc_untied_event, &b,
                                           err, errlen)) < 0 ||
        (rc = qh_store_followup_each(s, QH_FOLLOWUP_ALL, NULL, first, last,
                                     sc_followup, &b, err, errlen)) < 0)
        goto out;
    if (b.oom) {
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        goto out;
    }
    /* Working days of the month so far: a month in progress is not held
     * against days still to come. */
    struct qh_stats_cal cal;
    qh_stats_cal_load(s, &cal);
    long z0 = qh_clock_day_num(first), z1 = qh_clock_day_num(last);
    long zt = qh_clock_day_num(b.today);
    if (zt < z1)
        z1 = zt;
    int workdays = 0;
    for (long z = z0; z <= z1; z++)
        workdays += qh_stats_cal_workday(&cal, z);
    qh_stats_cal_free(&cal);
    if (!(c = calloc(1, sizeof *c)) ||
        !(c->rows = calloc((size_t)(b.n ? b.n : 1), sizeof *c->rows))) {
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        goto out;
    }
    snprintf(c->month, sizeof c->month, "%s", month);
    c->promised_s = b.h->default_handle_minutes * 60;
    c->weights[0] = b.h->weight_attendance;
    c->weights[1] = b.h->weight_cases;
    c->weights[2] = b.h->weight_speed;
    c->weights[3] = b.h->weight_rating;
    c->weights[4] = b.h->weight_followup;
    for (int i = 0; i < b.n; i++) {
        sc_score(&b, &b.st[i], workdays, c->weights);
        c->rows[i] = b.st[i].row;
    }
    c->nrows = b.n;
    qsort(c->rows, (size_t)c->nrows, sizeof *c->rows, cmp_staff);
    rc = 0;
out:
    free(b.st);
    if (rc < 0) {
        qh_stats_scorecard_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void qh_stats_scorecard_free(struct qh_scorecard *c)
{
    if (!c)
        return;
    free(c->rows);
    free(c);
}
