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
 * service item and queue a prior; today's last finished cases give each
 * queue its pace, by their median, so that one long case does not double
 * a queue's estimate for the rest of the day. */
#define EWT_ITEMS 512
#define EWT_HISTORY_DAYS 28
#define EWT_AHEAD_SAMPLE 20    /* tickets ahead looked at one by one */
#define EWT_TODAY_REFRESH_MS 30000
#define EWT_CAPACITY_REFRESH_MS 5000
#define EWT_RECENT 12           /* today's cases a queue's pace is read from */
#define EWT_PRIOR_WEIGHT 3      /* the prior counts as this many of them */
/* Handling times are skewed (a lognormal's coefficient of variation is
 * about 0.6 in a hall): the mean is this much above the median, and each
 * case varies by the CV around its mean. */
#define EWT_MEAN_OVER_MEDIAN 1.15
#define EWT_CV 0.6
/* Between two cases: the call, the walk to the window, the greeting. */
#define EWT_CALL_S 75.0
/* For every ten waiting, about one more is called before the last of
 * them: released holds (first in line), transfers and 办不成 cases (they
 * keep their place in time), green tickets (a bonus of their own). */
#define EWT_PASSING 1.15

struct ewt_item { char service[24]; double sum; int n; };

struct ewt_hist {
    const struct qh_hall_conf *h;
    struct ewt_item items[EWT_ITEMS];
    int nitems;
    int sorted;                   /* items are in code order: bsearch them */
    double qsum[QH_MAX_QUEUES];
    int qn[QH_MAX_QUEUES];
    double pace[QH_MAX_QUEUES];   /* today's seconds per case */
    double recent[QH_MAX_QUEUES][EWT_RECENT];   /* today's last cases, a ring */
    int nrecent[QH_MAX_QUEUES];   /* how many seen today (the ring holds the last) */
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

static double queue_prior(const struct ewt_hist *e, int q);

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A queue's pace: the median of today's last cases, scaled to a mean,
 * weighed with the prior while there are few of them. */
static void pace_update(struct ewt_hist *e, int q)
{
    int n = e->nrecent[q] < EWT_RECENT ? e->nrecent[q] : EWT_RECENT;
    double prior = queue_prior(e, q);
    if (n == 0) {
        e->pace[q] = prior;
        return;
    }
    double v[EWT_RECENT];
    memcpy(v, e->recent[q], (size_t)n * sizeof v[0]);
    qsort(v, (size_t)n, sizeof v[0], dbl_cmp);
    double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    e->pace[q] = (n * med * EWT_MEAN_OVER_MEDIAN + EWT_PRIOR_WEIGHT * prior) /
                 (n + EWT_PRIOR_WEIGHT);
}

static void pace_add(struct ewt_hist *e, const char *queue, double seconds)
{
    int q = queue_index(e->h, queue);
    if (q < 0)
        return;
    e->recent[q][e->nrecent[q]++ % EWT_RECENT] = seconds;
    pace_update(e, q);
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

/* Expected handling seconds of one case of `service` in queue q: the
 * queue's pace today, scaled by how the item compares with its queue
 * over the history when the item has enough of it. */
static double case_s(struct ewt_hist *e, const char *service, int q)
{
    double prior = queue_prior(e, q);
    double pace = q >= 0 ? e->pace[q] : prior;
    struct ewt_item *it = item_of(e, service, 0);
    if (it && it->n >= 5) {
        double r = it->sum / it->n / prior;
        return pace * (r < 0.25 ? 0.25 : r > 4 ? 4 : r);
    }
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

static int64_t local_midnight(const struct qh_hall_conf *h, int64_t now)
{
    struct qh_tm tm;
    if (qh_clock_local(h->timezone, now, &tm) < 0)
        return -1;
    return now - ((int64_t)tm.hour * 3600 + tm.min * 60 + tm.sec) * 1000;
}

/* Clock time after `open_s` seconds of service from `now`: closed spans
 * between the day's spans (lunch) and before opening are skipped; after
 * the last span the hall serves on until the queue is empty. */
static int64_t open_advance(const struct qh_hall_conf *h, int64_t now, double open_s)
{
    int64_t midnight = h->nspans ? local_midnight(h, now) : -1;
    if (midnight < 0)
        return now + (int64_t)(open_s * 1000);
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

/* The next break of the day after now that is not the closing: 1 with
 * its start and end, 0 if there is none. */
static int next_break(const struct qh_hall_conf *h, int64_t now, int64_t *close_at,
                      int64_t *reopen_at)
{
    int64_t midnight = local_midnight(h, now);
    if (midnight < 0)
        return 0;
    for (int i = 0; i + 1 < h->nspans; i++) {
        int64_t close = midnight + (int64_t)h->spans[i].close_min * 60000;
        if (now < close) {
            *close_at = close;
            *reopen_at = midnight + (int64_t)h->spans[i + 1].open_min * 60000;
            return 1;
        }
    }
    return 0;
}

static int64_t last_close(const struct qh_hall_conf *h, int64_t now)
{
    int64_t midnight = local_midnight(h, now);
    if (midnight < 0 || h->nspans == 0)
        return INT64_MAX;
    return midnight + (int64_t)h->spans[h->nspans - 1].close_min * 60000;
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
    memset(e->nrecent, 0, sizeof e->nrecent);
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

void qh_stats_ewt(struct qh_store *s, const struct qh_ticket_row *t,
                  struct qh_issue_info *info)
{
    int ahead = info->ahead;
    info->after_break = info->closing = 0;
    info->call_from = info->call_to = 0;
    info->handle_s = info->handle_cases = 0;
    info->windows = 0;
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
        qh_policy_estimate(ahead, 1, h->default_handle_minutes, &info->wait_min,
                           &info->wait_max);
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
    double mu = case_s(e, "", q);
    /* A window busy now is, on average, this far through its case (the
     * residual of a skewed length is more than half of it). */
    double resid = 0.5 * (1 + EWT_CV * EWT_CV) * mu;
    /* The call comes at the (ahead+1)th window to come free: the first of
     * the busy ones frees up after its residual shared among the windows,
     * each case ahead takes its length and a call. */
    double cases = ahead * EWT_PASSING;
    double expect = (work * EWT_PASSING + cases * EWT_CALL_S + resid * busy / cap) / cap;
    /* The spread: each case ahead varies by the CV, and the estimate of
     * the pace itself is uncertain (a quarter, more while today has few
     * cases), as are who passes ahead, pauses and the helpers' share. */
    int ncases = q >= 0 ? e->nrecent[q] : 0;
    double model = ncases >= 8 ? 0.25 : 0.35;
    double var = (cases * mu * mu * EWT_CV * EWT_CV + busy * resid * resid / cap) / (cap * cap) +
                 (model * expect) * (model * expect);
    double sd = sqrt(var);
    /* Coverage of about nine in ten on a busy simulated week
     * (tests/bench/bench_ewt), the upper side longer: waits are skewed. */
    double lo_s = expect - 1.7 * sd, hi_s = expect + 2.2 * sd + 60;
    if (lo_s < 0)
        lo_s = 0;
    now = qh_store_now(s);
    if (now < t->issued_at)
        now = t->issued_at;
    int brk = 0;
    int64_t lo_at = open_advance(h, now, lo_s), hi_at = open_advance(h, now, hi_s);
    int64_t mid_at = open_advance(h, now, expect);
    /* A range across a break says neither "soon" nor "after lunch": the
     * side the expected call falls on decides, and the range keeps to it. */
    int64_t close_at, reopen_at;
    if (next_break(h, now, &close_at, &reopen_at)) {
        if (mid_at <= close_at) {
            if (hi_at > close_at)
                hi_at = close_at;
        } else {
            brk = 1;
            if (lo_at < reopen_at)
                lo_at = reopen_at;
        }
    }
    double lo = (double)(lo_at - now) / 60000.0, hi = (double)(hi_at - now) / 60000.0;
    /* Five-minute steps, to the nearer one: rounding both ends outwards
     * would widen every range by five minutes. */
    int mn = (int)floor(lo / 5 + 0.5) * 5, mx = (int)floor(hi / 5 + 0.5) * 5;
    if (mn > lo && lo < 5)
        mn = 0;
    /* Rounding must not move the lower bound back into a break. */
    int64_t mn_at = now + (int64_t)mn * 60000;
    if (open_advance(h, mn_at, 0) != mn_at)
        mn = (int)ceil(lo / 5) * 5;
    if (mx <= mn)
        mx = mn + 5;
    info->wait_min = mn;
    info->wait_max = mx;
    info->after_break = brk;
    info->call_from = now + (int64_t)mn * 60000;
    info->call_to = now + (int64_t)mx * 60000;
    info->closing = h->nspans > 0 && info->call_to > last_close(h, now);
    info->handle_s = (int)(mu + 0.5);
    info->handle_cases = ncases;
    info->windows = cap;
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
           : qh_store_fail(s, rc, err, errlen);
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
