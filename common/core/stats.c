/* stats.c: estimated waits, the working-day calendar and follow-ups.
 *
 * The estimate is what a citizen reads on the slip, so it is a range and
 * it is measured (tests/bench/bench_stats.c: share of tickets whose wait
 * fell in the range they were shown).  Follow-ups open inside the
 * transaction of the 差评 or the 办不成 finish (ticket.c calls the hooks
 * here), so there is never a bad rating without its 回访.  Reports and the
 * scorecard are the other half of this module, stats_report.c.
 * No SQL here: store_stats.c has it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/policy.h"
#include "qh/stats.h"
#include "qh/store.h"
#include "qh/text.h"
#include "qh/hall.h"
#include "stats_internal.h"

/* ---- holiday file ---- */

static int cmp_day(const void *a, const void *b)
{
    return strncmp(a, b, 10);
}

int qh_stats_holidays_parse(const char *name, const char *text,
                            char (**days)[12], int *n, char *err, size_t errlen)
{
    char (*v)[12] = NULL;
    int nv = 0, cap = 0, bad = 0, line = 0;
    *days = NULL;
    *n = 0;
    if (err && errlen)
        err[0] = '\0';
    for (const char *p = text; p && *p; ) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char buf[128], day[16] = "", what[32] = "", extra[8] = "";
        line++;
        snprintf(buf, sizeof buf, "%.*s", (int)(len < 127 ? len : 127), p);
        p = e ? e + 1 : NULL;
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        int k = sscanf(buf, "%15s %31s %7s", day, what, extra);
        if (k <= 0)
            continue;
        int y, m, d;
        char chk[11];
        int ok = strlen(day) == 10 && sscanf(day, "%4d-%2d-%2d", &y, &m, &d) == 3;
        if (ok) {
            qh_clock_day_str(qh_clock_day_num(day), chk);
            ok = !strcmp(chk, day);
        }
        if (!ok || k == 3 || (k == 2 && strcmp(what, "work") && strcmp(what, "holiday"))) {
            qh_err_append(err, errlen, "%s:%d: %s", name, line,
                          !ok ? "expected a date YYYY-MM-DD" :
                          "expected \"YYYY-MM-DD\", \"YYYY-MM-DD holiday\" or \"YYYY-MM-DD work\"");
            bad++;
            continue;
        }
        if (nv == cap) {
            cap = cap ? cap * 2 : 32;
            void *nvp = realloc(v, (size_t)cap * sizeof *v);
            if (!nvp) {
                free(v);
                return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
            }
            v = nvp;
        }
        memcpy(v[nv], day, 10);
        v[nv][10] = k == 2 && !strcmp(what, "work") ? 'w' : 'h';
        v[nv][11] = '\0';
        nv++;
    }
    if (bad) {
        free(v);
        return QH_E_PARSE;
    }
    if (nv)
        qsort(v, (size_t)nv, sizeof *v, cmp_day);
    *days = v;
    *n = nv;
    return 0;
}

/* The hall's holiday file, read and parsed into *list (sorted). */
static int holidays_load(const struct qh_hall_conf *h, char (**list)[12],
                         int *n, char *err, size_t errlen)
{
    FILE *f = fopen(h->holiday_file, "r");
    if (!f)
        return qh_err(err, errlen, QH_E_IO, "%s: cannot read the holiday file",
                      h->holiday_file);
    struct qh_buf b;
    char chunk[4096];
    size_t k;
    qh_buf_init(&b);
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        qh_buf_add(&b, chunk, k);
    fclose(f);
    int rc = qh_stats_holidays_parse(h->holiday_file, qh_buf_str(&b), list, n,
                                     err, errlen);
    qh_buf_fini(&b);
    return rc;
}

/* The hall's days and its holiday file, read once per top-level call. */
void qh_stats_cal_load(struct qh_store *s, struct qh_stats_cal *c)
{
    const struct qh_hall_conf *h = qh_store_hall(s);
    memset(c, 0, sizeof *c);
    c->days = h->days;
    c->rc = 0;
    if (!h->holiday_file[0])
        return;
    c->rc = holidays_load(h, &c->list, &c->n, NULL, 0);
}

void qh_stats_cal_free(struct qh_stats_cal *c)
{
    free(c->list);
    c->list = NULL;
}

int qh_stats_cal_workday(const struct qh_stats_cal *c, long z)
{
    char day[11];
    qh_clock_day_str(z, day);
    if (c->n) {
        char (*hit)[12] = bsearch(day, c->list, (size_t)c->n, sizeof *c->list, cmp_day);
        if (hit)
            return (*hit)[10] == 'w';
    }
    int wday = (int)(((z % 7) + 11) % 7);      /* 1970-01-01 was a Thursday */
    return (c->days >> wday) & 1;
}

int qh_stats_workday(struct qh_store *s, const char *day)
{
    struct qh_stats_cal c;
    qh_stats_cal_load(s, &c);
    int r = qh_stats_cal_workday(&c, qh_clock_day_num(day));
    qh_stats_cal_free(&c);
    return r;
}

static void add_workdays(const struct qh_stats_cal *c, const char *day, int n,
                         char out[11])
{
    long z = qh_clock_day_num(day);
    /* A hall with no working day at all would loop forever: a year is
     * plenty of search. */
    for (int i = 0, guard = 0; i < n && guard < 366 * 2; guard++)
        if (qh_stats_cal_workday(c, ++z))
            i++;
    qh_clock_day_str(z, out);
}

void qh_stats_add_workdays(struct qh_store *s, const char *day, int n, char out[11])
{
    struct qh_stats_cal c;
    qh_stats_cal_load(s, &c);
    add_workdays(&c, day, n, out);
    qh_stats_cal_free(&c);
}

int qh_stats_calendar_check(struct qh_store *s, char *err, size_t errlen)
{
    const struct qh_hall_conf *h = qh_store_hall(s);
    if (!h->holiday_file[0])
        return 0;
    char (*v)[12] = NULL;
    int n;
    int rc = holidays_load(h, &v, &n, err, errlen);
    free(v);
    return rc;
}

/* ---- estimated wait ---- */

/* Handling seconds observed: the hall's history before today gives each
 * service item and queue a prior; today's finished cases move a smoothed
 * per-queue pace from it. */
#define EWT_ITEMS 512
#define EWT_HISTORY_DAYS 28
#define EWT_AHEAD_SAMPLE 20    /* tickets ahead looked at one by one */
#define EWT_TODAY_REFRESH_MS 30000
#define EWT_CAPACITY_REFRESH_MS 5000
#define EWT_ALPHA 0.25

struct ewt_item { char service[24]; double sum; int n; };

struct ewt_hist {
    const struct qh_hall_conf *h;
    struct ewt_item items[EWT_ITEMS];
    int nitems;
    int sorted;                   /* items are in code order: bsearch them */
    double qsum[QH_MAX_QUEUES];
    int qn[QH_MAX_QUEUES];
    double pace[QH_MAX_QUEUES];   /* today's smoothed seconds per case */
};

static int queue_index(const struct qh_hall_conf *h, const char *code)
{
    for (int i = 0; i < h->nqueues; i++)
        if (!strcmp(h->queues[i].code, code))
            return i;
    return -1;
}

static int item_cmp(const void *a, const void *b)
{
    return strcmp(((const struct ewt_item *)a)->service,
                  ((const struct ewt_item *)b)->service);
}

static int item_key_cmp(const void *key, const void *item)
{
    return strcmp(key, ((const struct ewt_item *)item)->service);
}

/* Once the history is read, lookups (a score per issue) bsearch it. */
static void items_sort(struct ewt_hist *e)
{
    qsort(e->items, (size_t)e->nitems, sizeof e->items[0], item_cmp);
    e->sorted = 1;
}

static struct ewt_item *item_of(struct ewt_hist *e, const char *service, int add)
{
    if (!service[0])
        return NULL;
    if (e->sorted)
        return bsearch(service, e->items, (size_t)e->nitems, sizeof e->items[0],
                       item_key_cmp);
    for (int i = 0; i < e->nitems; i++)
        if (!strcmp(e->items[i].service, service))
            return &e->items[i];
    if (!add || e->nitems == EWT_ITEMS)
        return NULL;
    struct ewt_item *it = &e->items[e->nitems++];
    snprintf(it->service, sizeof it->service, "%s", service);
    it->sum = 0;
    it->n = 0;
    return it;
}

/* Cases longer than two hours are a window left open, not handling. */
static double sample_s(int64_t started, int64_t finished)
{
    double v = (double)(finished - started) / 1000.0;
    return v > 7200 ? 7200 : v;
}

static void pace_add(struct ewt_hist *e, const char *queue, double seconds)
{
    int q = queue_index(e->h, queue);
    if (q >= 0)
        e->pace[q] += EWT_ALPHA * (seconds - e->pace[q]);
}

static int today_sample(const char *service, const char *queue, int64_t started,
                        int64_t finished, void *ud)
{
    (void)service;
    pace_add(ud, queue, sample_s(started, finished));
    return 0;
}

/* A finish logged since today's pace was read (ticket.c writes its
 * detail).  A 办不成 case sent on (to_queue) was handled in a queue the
 * event does not name: it gives no sample. */
static int finished_sample(const struct qh_event_row *e, void *ud)
{
    char to[QH_CODE_LEN];
    int64_t handled_s = 0;
    if (qh_json_get_str(e->detail, "to_queue", to, sizeof to))
        return 0;
    qh_json_get_int(e->detail, "handled_s", &handled_s);
    pace_add(ud, e->queue, sample_s(0, handled_s * 1000));
    return 0;
}

static int hist_sum(const char *service, const char *queue, int n, double sum_s,
                    void *ud)
{
    struct ewt_hist *e = ud;
    int q = queue_index(e->h, queue);
    if (q >= 0) {
        e->qsum[q] += sum_s;
        e->qn[q] += n;
    }
    struct ewt_item *it = item_of(e, service, 1);
    if (it) {
        it->sum += sum_s;
        it->n += n;
    }
    return 0;
}

static double queue_prior(const struct ewt_hist *e, int q)
{
    if (q >= 0 && e->qn[q] >= 5)
        return e->qsum[q] / e->qn[q];
    return e->h->default_handle_minutes * 60.0;
}

/* Expected handling seconds of one case of `service` in queue q. */
static double case_s(struct ewt_hist *e, const char *service, int q)
{
    double prior = queue_prior(e, q);
    double pace = q >= 0 ? e->pace[q] : prior;
    struct ewt_item *it = item_of(e, service, 0);
    if (it && it->n >= 3)
        return it->sum / it->n * (pace / prior);
    return pace;
}

struct ahead_ctx {
    struct ewt_hist *e;
    const struct qh_ticket_row *t;
    int q;
    double sum;
    int n;
};

static int ahead_one(const char *service, void *ud)
{
    struct ahead_ctx *a = ud;
    a->sum += case_s(a->e, service, a->q);
    a->n++;
    return 0;
}

/* Clock time after `open_s` seconds of service from `now`: closed spans
 * between the day's spans (lunch) and before opening are skipped; after
 * the last span the hall serves on until the queue is empty. */
static int64_t open_advance(const struct qh_hall_conf *h, int64_t now, double open_s)
{
    struct qh_tm tm;
    if (h->nspans == 0 || qh_clock_local(h->timezone, now, &tm) < 0)
        return now + (int64_t)(open_s * 1000);
    int64_t midnight = now - ((int64_t)tm.hour * 3600 + tm.min * 60 + tm.sec) * 1000;
    int64_t t = now;
    double left = open_s;
    /* Even with nothing left to wait the call waits for the hall to open:
     * a range issued in a break starts at its end, not "now". */
    for (int i = 0; i < h->nspans; i++) {
        int64_t open = midnight + (int64_t)h->spans[i].open_min * 60000;
        int64_t close = midnight + (int64_t)h->spans[i].close_min * 60000;
        if (t < open)
            t = open;
        if (i == h->nspans - 1)
            break;
        if (t >= close)
            continue;
        double room = (double)(close - t) / 1000.0;
        if (left <= room)
            return t + (int64_t)(left * 1000);
        left -= room;
        t = close;
    }
    return t + (int64_t)(left * 1000);
}

/* Capacity of the windows for queue qc: a window whose own (first) queue
 * it is counts fully, a helper fully only while its earlier queues are
 * empty; paused windows not at all; unstaffed ones not while others are
 * staffed. */
static double capacity(struct qh_store *s, const struct qh_hall_conf *h,
                       const char *day, const char *qc, int *busy)
{
    double cap = 0, cap_all = 0;
    int staffed = 0;
    *busy = 0;
    for (int i = 0; i < h->nwindows; i++) {
        const struct qh_window_conf *wc = &h->windows[i];
        struct qh_window_row wr;
        struct qh_ticket_row cur;
        int pos = -1;
        for (int j = 0; j < wc->nqueues; j++)
            if (!strcmp(wc->queues[j], qc))
                pos = j;
        if (pos < 0)
            continue;
        if (qh_store_window_get(s, wc->number, &wr) == 0 && wr.paused)
            continue;
        double w = 1.0;
        struct qh_ticket_row head;
        for (int j = 0; j < pos; j++)
            if (qh_store_queue_head(s, day, wc->queues[j], wc->number, 0, &head) == 0)
                w = 0.2;
        int has_staff = wr.staff[0] != 0;
        cap_all += w;
        if (has_staff) {
            cap += w;
            staffed++;
        }
        if (qh_store_ticket_at_window(s, day, wc->number, &cur) == 0)
            (*busy)++;
    }
    return staffed ? cap : cap_all;
}

/* Each queue's head (its first EWT_AHEAD_SAMPLE waiting tickets) summed
 * with today's pace, and the transaction that last vouched for the sums:
 * see heads_vouch. */
struct ewt_heads {
    double sum[QH_MAX_QUEUES];
    int n[QH_MAX_QUEUES];      /* 0: not known */
    int64_t event;             /* the issued event of that transaction */
    int64_t pace_gen;          /* the today.pace the sums were made with */
    int cap_ok[QH_MAX_QUEUES]; /* ewt_cache.cap[q] read in a vouching one */
};

struct ewt_cache {
    struct ewt_hist hist;      /* the days before today */
    struct ewt_hist today;     /* hist plus today's pace */
    int64_t today_at;          /* clock when today's pace was read */
    int64_t today_event;       /* the last event today's pace has seen */
    int64_t pace_gen;          /* bumped when today.pace changes */
    double cap[QH_MAX_QUEUES]; /* windows serving each queue, and busy ones */
    int busy[QH_MAX_QUEUES];
    int64_t cap_at[QH_MAX_QUEUES];
    struct ewt_heads heads;
};

static void ewt_history(struct qh_store *s, const struct qh_hall_conf *h,
                        const char *day, struct ewt_hist *e)
{
    char from[11], to[11];
    memset(e, 0, sizeof *e);
    e->h = h;
    long z = qh_clock_day_num(day);
    qh_clock_day_str(z - EWT_HISTORY_DAYS, from);
    qh_clock_day_str(z - 1, to);
    qh_store_stats_handled_sum(s, from, to, hist_sum, e);
    items_sort(e);
}

static void ewt_today(struct qh_store *s, const struct qh_hall_conf *h,
                      const char *day, const struct ewt_hist *hist,
                      struct ewt_hist *e)
{
    *e = *hist;
    e->h = h;
    for (int i = 0; i < h->nqueues; i++)
        e->pace[i] = queue_prior(e, i);
    qh_store_stats_handled(s, day, day, today_sample, e);
}

/* Reading a queue's head is most of an issue's estimate, and a kiosk
 * issuing ticket after ticket behind a long queue reads the same twenty
 * each time.  The sums are kept, and used only while provably nothing
 * that could move a head has changed since they were read.  Every change
 * of a ticket, a window, the hall or the catalogue is committed with its
 * event, and event ids order the log (store.h), so the log is the
 * version of all of it:
 * - the transaction that vouched committed, and no later one of this
 *   connection wrote anything: its issued event is still the last this
 *   connection committed (a call, a cancel or a pause between two issues
 *   is a later one; an issue that rolled back is none, but its id does
 *   not count either, for the store may give it again);
 * - no other connection has written since: this transaction's own event,
 *   the issued event of t, has the next id after that one, so no event
 *   lies between (inside our write transaction every commit before it is
 *   visible, and none can come until we end; a backend whose ids have
 *   gaps only loses the reuse at one);
 * - today's pace, which weighs the items, is the same;
 * - this transaction has moved no waiting ticket of the day but inserted
 *   t, and moves none after (the caller is an issue: see stats.h).  t
 *   moves no other queue's head, so this transaction vouches for all the
 *   sums it found standing, and for t's own queue's only if t stands
 *   behind that head, which ahead_sum decides.
 * Outside a transaction nothing is known of what committed since, so the
 * sums are neither used nor kept (qh_ticket_info reads the head).
 * 1 if the sums may be used and must be kept up to date by this call. */
static int heads_vouch(struct qh_store *s, struct ewt_cache *c)
{
    struct ewt_heads *hd = &c->heads;
    int64_t own = qh_store_tx_event(s);
    if (!qh_store_in_tx(s))
        return 0;
    if (!hd->event || hd->event != qh_store_committed_event(s) ||
        own != hd->event + 1 || c->pace_gen != hd->pace_gen) {
        memset(hd->n, 0, sizeof hd->n);
        memset(hd->cap_ok, 0, sizeof hd->cap_ok);
    }
    /* An issue writes its event before the estimate: without one this is
     * no issue, and nothing it reads may be kept. */
    hd->event = own;
    hd->pace_gen = c->pace_gen;
    return own != 0;
}

/* The items of the tickets just ahead of t, summed into a: the cached sum
 * when t stands behind a full head that still holds, else read (and kept
 * when c vouches). */
static void ahead_sum(struct qh_store *s, struct ewt_cache *c, int vouched,
                      int ahead, struct ahead_ctx *a)
{
    const struct qh_ticket_row *t = a->t;
    int q = a->q;
    vouched = vouched && q >= 0;
    /* ahead >= the sample: the head's tickets all stand before t, so
     * inserting t left them as they were, whatever t's place. */
    if (vouched && ahead >= EWT_AHEAD_SAMPLE && c->heads.n[q] == EWT_AHEAD_SAMPLE) {
        a->sum = c->heads.sum[q];
        a->n = c->heads.n[q];
        return;
    }
    int rc = 0;
    /* The mix of items just ahead predicts the rest: sampling a bounded
     * number keeps an issue's cost flat however long the queue grows (it
     * runs inside the issuing transaction). */
    if (ahead > 0)
        rc = qh_store_queue_services(s, t->day, t->queue,
                                     ahead < EWT_AHEAD_SAMPLE ? ahead : EWT_AHEAD_SAMPLE,
                                     ahead_one, a);
    if (vouched) {
        c->heads.sum[q] = a->sum;
        c->heads.n[q] = rc < 0 ? 0 : a->n;
    }
}

void qh_stats_ewt(struct qh_store *s, const struct qh_ticket_row *t, int ahead,
                  int *wait_min, int *wait_max)
{
    const struct qh_hall_conf *h = qh_store_hall(s);
    char key[32];
    struct ewt_hist *e, *own = NULL;
    /* The history before today is the same all day, and today's pace moves
     * slowly: both are kept per connection (a kiosk issues hundreds of
     * tickets) and today's is refreshed every EWT_TODAY_REFRESH_MS, so an
     * issue does not rescan the day's tickets inside its transaction, nor
     * copy them: the estimate reads the cached tables in place. */
    snprintf(key, sizeof key, "ewt:%s", t->day);
    struct ewt_cache *c = qh_store_stats_cache(s, key);
    int64_t now = qh_store_now(s);
    if (!c && (c = calloc(1, sizeof *c))) {
        ewt_history(s, h, t->day, &c->hist);
        qh_store_stats_cache_put(s, key, c);
        c = qh_store_stats_cache(s, key);
    }
    /* Today's pace is read whole once, then moved on by the finishes
     * logged since: a refresh costs what happened since the last one, not
     * the whole day's tickets. */
    if (c && !c->today_at) {
        ewt_today(s, h, t->day, &c->hist, &c->today);
        /* Without the log's end the next refresh would read the whole
         * log: then the day is read again next time instead. */
        if (qh_store_last_event_id(s, &c->today_event, NULL, 0) == 0)
            c->today_at = now;
        c->pace_gen++;
    } else if (c && (now - c->today_at > EWT_TODAY_REFRESH_MS || now < c->today_at)) {
        double pace[QH_MAX_QUEUES];
        memcpy(pace, c->today.pace, sizeof pace);
        c->today.h = h;
        qh_store_stats_events_since(s, "finished", &c->today_event, finished_sample,
                                    &c->today);
        c->today_at = now;
        /* Most refreshes find no finish: the heads' sums still hold. */
        if (memcmp(pace, c->today.pace, sizeof pace))
            c->pace_gen++;
    }
    if (c) {
        e = &c->today;
    } else if ((own = malloc(2 * sizeof *own))) {
        ewt_history(s, h, t->day, own + 1);
        ewt_today(s, h, t->day, own + 1, own);
        e = own;
    } else {
        qh_policy_estimate(ahead, 1, h->default_handle_minutes, wait_min, wait_max);
        return;
    }
    e->h = h;

    int q = queue_index(h, t->queue);
    struct ahead_ctx a = {e, t, q, 0, 0};
    int vouched = c && heads_vouch(s, c);
    /* The same rule keeps the windows' capacity: no window paused, was
     * staffed or took a case since, and t can only have filled its own
     * queue, which moves the capacity a helper window gives the queues
     * after it only if t is the first in it. */
    if (vouched && ahead == 0)
        memset(c->heads.cap_ok, 0, sizeof c->heads.cap_ok);
    ahead_sum(s, c, vouched, ahead, &a);
    /* The list may disagree with the count the caller saw (a racing
     * call): scale to the count it will tell the citizen. */
    double work = a.n ? a.sum * ahead / a.n : ahead * case_s(e, "", q);
    /* Windows open, pause and take cases far less often than a busy
     * kiosk issues: their state is read at most every few seconds, and
     * not at all while nothing could have moved it (above). */
    int busy;
    double cap;
    if (c && q >= 0 && (vouched ? c->heads.cap_ok[q]
                                : c->cap_at[q] && now >= c->cap_at[q] &&
                                  now - c->cap_at[q] <= EWT_CAPACITY_REFRESH_MS)) {
        cap = c->cap[q];
        busy = c->busy[q];
    } else {
        cap = capacity(s, h, t->day, t->queue, &busy);
        if (c && q >= 0) {
            c->cap[q] = cap;
            c->busy[q] = busy;
            c->cap_at[q] = now;
            c->heads.cap_ok[q] = vouched;
        }
    }
    if (cap < 0.5)
        cap = 0.5;
    /* Windows busy now finish their case halfway on average. */
    work += 0.5 * busy * case_s(e, "", q);
    double expect = work / cap;
    /* Wide enough to hold what a queue does (green tickets and released
     * holds pass ahead, cases run long), narrow enough to plan by. */
    double lo_s = expect * 0.6 - 120, hi_s = expect * 1.6 + 420;
    if (lo_s < 0)
        lo_s = 0;
    now = qh_store_now(s);
    if (now < t->issued_at)
        now = t->issued_at;
    double lo = (double)(open_advance(h, now, lo_s) - now) / 60000.0;
    double hi = (double)(open_advance(h, now, hi_s) - now) / 60000.0;
    int mn = (int)floor(lo / 5) * 5, mx = (int)ceil(hi / 5) * 5;
    /* Rounding down must not move the lower bound back into a break. */
    int64_t lo_at = now + (int64_t)mn * 60000;
    if (open_advance(h, lo_at, 0) != lo_at)
        mn = (int)ceil(lo / 5) * 5;
    if (mx <= mn)
        mx = mn + 5;
    *wait_min = mn;
    *wait_max = mx;
    free(own);
}

/* ---- follow-ups ---- */

static int open_followup(struct qh_store *s, const char *kind,
                         const struct qh_ticket_row *t, int score,
                         const char *reason, int64_t now, char *err, size_t errlen)
{
    const struct qh_hall_conf *h = qh_store_hall(s);
    struct qh_followup f;
    struct qh_stats_cal cal;
    char today[11];
    memset(&f, 0, sizeof f);
    snprintf(f.kind, sizeof f.kind, "%s", kind);
    f.ticket = t->id;
    memcpy(f.day, t->day, sizeof f.day);
    memcpy(f.number, t->number, sizeof f.number);
    f.window = t->window;
    memcpy(f.staff, t->staff, sizeof f.staff);
    memcpy(f.service, t->service, sizeof f.service);
    f.score = score;
    snprintf(f.reason, sizeof f.reason, "%s", reason ? reason : "");
    f.opened_at = now;
    qh_clock_day(h->timezone, now, today);
    qh_stats_cal_load(s, &cal);
    add_workdays(&cal, today, h->followup_days > 0 ? h->followup_days : 5, f.due_day);
    qh_stats_cal_free(&cal);
    /* No event of its own: the rating or the finish that opens it is in
     * the log already, in this same transaction. */
    return qh_store_followup_add(s, &f, err, errlen);
}

int qh_stats_on_rated(struct qh_store *s, const struct qh_ticket_row *t,
                      int score, const char *reason, int64_t now,
                      char *err, size_t errlen)
{
    if (score > 2)
        return 0;
    return open_followup(s, "rating", t, score, reason, now, err, errlen);
}

int qh_stats_on_finished(struct qh_store *s, const struct qh_ticket_row *t,
                         const char *outcome, const char *note, int64_t now,
                         char *err, size_t errlen)
{
    if (!outcome || strcmp(outcome, "failed"))
        return 0;
    return open_followup(s, "failed", t, 0, note, now, err, errlen);
}

int qh_stats_followup_each(struct qh_store *s, int mode,
                           int (*fn)(const struct qh_followup *, void *),
                           void *ud, char *err, size_t errlen)
{
    char today[11];
    qh_hall_today(s, today);
    return qh_store_followup_each(s, mode, today, NULL, NULL, fn, ud, err, errlen);
}

int qh_stats_followup_overdue(struct qh_store *s)
{
    char today[11];
    qh_hall_today(s, today);
    return qh_store_followup_overdue(s, today);
}

static int blank(const char *p)
{
    for (; p && *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            return 0;
    return 1;
}

int qh_stats_followup_close(struct qh_store *s, int64_t id, const char *result,
                            struct qh_followup *out, char *err, size_t errlen)
{
    enum qh_lang lang = qh_store_lang(s);
    struct qh_followup f;
    if (blank(result))
        return qh_err(err, errlen, QH_E_PARSE, "%s",
                      QH_TR(lang, "请填写回访或整改结果", "a result of the follow-up is required"));
    int rc = qh_text_check(QH_TEXT_RESULT, result, lang, err, errlen);
    if (rc < 0 || (rc = qh_store_begin(s, err, errlen)) < 0)
        return rc;
    if ((rc = qh_store_followup_get(s, id, &f)) < 0) {
        rc = rc == QH_E_NOTFOUND
           ? qh_err(err, errlen, rc, QH_TR(lang, "没有回访单 %lld", "no follow-up %lld"),
                    (long long)id)
           : qh_err(err, errlen, rc, "%s", qh_strerror(rc));
        goto out;
    }
    if (f.closed_at) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    QH_TR(lang, "回访单 %lld 已办结", "follow-up %lld is already closed"),
                    (long long)id);
        goto out;
    }
    f.closed_at = qh_store_now(s);
    snprintf(f.result, sizeof f.result, "%s", result);
    snprintf(f.closed_by, sizeof f.closed_by, "%s", qh_store_actor(s));
    if ((rc = qh_store_followup_close(s, &f, err, errlen)) < 0)
        goto out;
    struct qh_event_row ev;
    struct qh_buf b;
    memset(&ev, 0, sizeof ev);
    qh_buf_init(&b);
    qh_json_open(&b);
    qh_json_str(&b, "via", qh_store_actor(s));
    qh_json_int(&b, "followup", f.id);
    qh_json_str(&b, "kind", f.kind);
    qh_json_str(&b, "result", f.result);
    qh_json_close(&b);
    ev.at = f.closed_at;
    snprintf(ev.type, sizeof ev.type, "followup_closed");
    ev.ticket = f.ticket;
    memcpy(ev.number, f.number, sizeof ev.number);
    ev.window = f.window;
    memcpy(ev.staff, f.staff, sizeof ev.staff);
    if (b.oom)
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    else if (b.len >= sizeof ev.detail)   /* bad input, not memory */
        rc = qh_err(err, errlen, QH_E_PARSE,
                    QH_TR(lang, "事件详情太长（%zu 字节，最多 %zu 字节）",
                          "event detail too long (%zu bytes, at most %zu)"),
                    b.len, sizeof ev.detail - 1);
    else
        memcpy(ev.detail, qh_buf_str(&b), b.len + 1);
    qh_buf_fini(&b);
    if (rc == 0)
        rc = qh_store_event_add(s, &ev, err, errlen);
out:
    if (rc < 0) {
        qh_store_rollback(s);
        return rc;
    }
    if ((rc = qh_store_commit(s, err, errlen)) < 0)
        return rc;
    if (out)
        *out = f;
    return 0;
}
