/* bench_ewt: how good the wait a citizen is told at issue is, over a
 * simulated busy week (tests/sim, busy mode: peaks 09:00-10:30 and
 * 14:30-15:30, lunch, handling times with a CV of 0.6, no-shows, holds,
 * transfers, green channel), against two references measured on the same
 * tickets in the same run:
 * - the oracle: a Monte Carlo of the rest of the day from the state at
 *   issue with the simulator's true distributions (tests/sim/oracle.c);
 *   its central range of the same coverage as ours is the narrowest
 *   honest one, its mean the best midpoint;
 * - the naive guess: people ahead x the queue's mean handling time so far
 *   / the windows whose own queue it is.
 * Each seed is five busy days of history, then the measured week.
 *
 *   bench_ewt [SEED...]       (default: QHALL_BENCH_SEEDS or "1 2 3")
 *   QHALL_BENCH_TRACE=1       one line per ticket on stderr
 *
 * Lines: bench: ewt_sN_NAME VALUE UNIT, per seed N. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"

#if __has_include("sim.h")
#include "sim.h"

#define HISTORY_DAYS 5
#define WEEK_DAYS 5
#define ORACLE_RUNS 200
#define MIN_MS 60000.0

/* One measured ticket, in minutes from issue. */
struct obs {
    char queue;
    double wait, lo, hi, mid, omean, naive;
    const float *o;
    int no, ahead, prebreak, lo_bad, after_close, side_ok;
};

static int ticket_obs(const struct qh_sim_ticket *t, int64_t day0, struct obs *x)
{
    if (!t->first_call || !t->oracle)
        return 0;
    memset(x, 0, sizeof *x);
    x->queue = t->queue[0];
    x->wait = (t->first_call - t->issued_at) / MIN_MS;
    x->lo = t->wait_min;
    x->hi = t->wait_max;
    x->mid = (x->lo + x->hi) / 2;
    x->omean = t->oracle_mean;
    x->naive = t->naive;
    x->o = t->oracle;
    x->no = t->noracle;
    x->ahead = t->info.ahead;
    double at = (t->issued_at - day0) / MIN_MS;          /* minutes of the day */
    double lo_at = at + x->lo, hi_at = at + x->hi, call = at + x->wait;
    x->lo_bad = (lo_at >= 720 && lo_at < 840) || lo_at < 510;
    x->after_close = lo_at >= 1050;
    /* issued in the 30 minutes before the lunch break (or closing) */
    x->prebreak = (at >= 690 && at < 720) || (at >= 1020 && at < 1050);
    if (x->prebreak) {
        double brk = at < 720 ? 720 : 1050;
        int told_before = hi_at <= brk, told_after = lo_at >= brk;
        int before = call < brk;
        x->side_ok = before ? told_before : told_after;
    }
    return 1;
}

static void oracle_range(const struct obs *x, double cover, double *lo, double *hi)
{
    double a = (1 - cover) / 2;
    *lo = x->o[(int)floor(a * (x->no - 1))];
    *hi = x->o[(int)ceil((1 - a) * (x->no - 1))];
}

static double oracle_width(const struct obs *x, double cover)
{
    double lo, hi;
    oracle_range(x, cover, &lo, &hi);
    return hi - lo;
}

static double pct(double *v, int n, double p)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, bu_cmp_dbl);
    int k = (int)ceil(p * n) - 1;
    return v[k < 0 ? 0 : k];
}

/* Coverage, widths and errors over the observations x[] matching sel. */
static void report(unsigned seed, const char *name, const struct obs *x, int n,
                   int (*sel)(const struct obs *, const void *), const void *arg,
                   double cover)
{
    double *w = malloc((size_t)(n + 1) * sizeof *w), *ow = malloc((size_t)(n + 1) * sizeof *ow);
    int k = 0, in = 0, oin = 0;
    double mae = 0, omae = 0, nmae = 0;
    for (int i = 0; i < n; i++) {
        if (!sel(&x[i], arg))
            continue;
        in += x[i].wait >= x[i].lo && x[i].wait <= x[i].hi;
        double olo, ohi;
        oracle_range(&x[i], cover, &olo, &ohi);
        oin += x[i].wait >= olo - 0.01 && x[i].wait <= ohi + 0.01;
        w[k] = x[i].hi - x[i].lo;
        ow[k] = oracle_width(&x[i], cover);
        mae += fabs(x[i].mid - x[i].wait);
        omae += fabs(x[i].omean - x[i].wait);
        nmae += fabs(x[i].naive - x[i].wait);
        k++;
    }
    if (k) {
        printf("bench: ewt_s%u_%s_tickets %d tickets\n", seed, name, k);
        /* the oracle's own coverage shows how faithful it is */
        printf("bench: ewt_s%u_%s_in_range %.1f %% (oracle's range %.1f %%)\n", seed, name,
               100.0 * in / k, 100.0 * oin / k);
        double wm = pct(w, k, 0.5), owm = pct(ow, k, 0.5);
        double w9 = pct(w, k, 0.9), ow9 = pct(ow, k, 0.9);
        printf("bench: ewt_s%u_%s_width_median %.1f min (oracle %.1f, ratio %.2f)\n",
               seed, name, wm, owm, owm > 0 ? wm / owm : 0);
        printf("bench: ewt_s%u_%s_width_p90 %.1f min (oracle %.1f, ratio %.2f)\n",
               seed, name, w9, ow9, ow9 > 0 ? w9 / ow9 : 0);
        printf("bench: ewt_s%u_%s_mae %.2f min (oracle %.2f, naive %.2f, ratio %.2f)\n",
               seed, name, mae / k, omae / k, nmae / k, omae > 0 ? mae / omae : 0);
    }
    free(w);
    free(ow);
}

static int sel_all(const struct obs *x, const void *a) { (void)x; (void)a; return 1; }
static int sel_queue(const struct obs *x, const void *a) { return x->queue == *(const char *)a; }
static int sel_pre(const struct obs *x, const void *a) { (void)a; return x->prebreak; }
static int sel_few(const struct obs *x, const void *a) { (void)a; return x->ahead <= 2; }

static int weekday_after(int64_t *ms, char day[16])
{
    struct qh_tm tm;
    do {
        *ms += 86400000;
        if (qh_clock_local("Asia/Shanghai", *ms, &tm) < 0)
            return -1;
    } while (tm.wday == 0 || tm.wday == 6);
    snprintf(day, 16, "%04d-%02d-%02d", tm.year, tm.month, tm.day);
    return 0;
}

static int week(const char *dir, unsigned seed)
{
    char path[PATH_MAX], name[64], err[QH_ERRLEN], day[16];
    snprintf(name, sizeof name, "ewt-%u.db", seed);
    if (bu_path(path, sizeof path, dir, name) < 0 ||
        bu_clock("2026-03-01T07:00:00+08:00") < 0)
        return -1;
    struct qh_store *s = bu_store_new(path);
    if (!s)
        return -1;
    struct obs *x = NULL;
    int n = 0, cap = 0, rc = 0;
    int64_t ms = qh_clock_now(), t0 = bu_ns();
    for (int d = 0; d < HISTORY_DAYS + WEEK_DAYS; d++) {
        int measured = d >= HISTORY_DAYS;
        struct qh_sim_opts o = {seed, day, 0, 1, measured ? ORACLE_RUNS : 0};
        struct qh_sim_result r;
        int64_t day0;
        if (weekday_after(&ms, day) < 0 || qh_clock_day_start("Asia/Shanghai", day, &day0) < 0 ||
            qh_sim_day(s, &o, &r, err, sizeof err) < 0) {
            fprintf(stderr, "bench_ewt: sim %s: %s\n", day, err);
            rc = -1;
            break;
        }
        for (int i = 0; measured && i < r.ntickets; i++) {
            if (n == cap) {
                cap = cap ? 2 * cap : 1024;
                x = realloc(x, (size_t)cap * sizeof *x);
            }
            if (!ticket_obs(&r.tickets[i], day0, &x[n]))
                continue;
            /* the samples outlive the day's result: keep them */
            float *copy = malloc((size_t)x[n].no * sizeof *copy);
            memcpy(copy, x[n].o, (size_t)x[n].no * sizeof *copy);
            x[n].o = copy;
            if (getenv("QHALL_BENCH_TRACE")) {
                double olo, ohi;
                oracle_range(&x[n], 0.9, &olo, &ohi);
                fprintf(stderr, "%s %s %.0f ahead %d told %g-%g wait %.1f oracle %.1f %.1f %.1f"
                        " naive %.1f\n", day, r.tickets[i].number,
                        (r.tickets[i].issued_at - day0) / MIN_MS, x[n].ahead, x[n].lo,
                        x[n].hi, x[n].wait, x[n].omean, olo, ohi, x[n].naive);
            }
            n++;
        }
        qh_sim_result_fini(&r);
    }
    qh_store_close(s);
    if (rc == 0 && n) {
        int in = 0, pre = 0, side = 0, lo_bad = 0, after = 0;
        for (int i = 0; i < n; i++) {
            in += x[i].wait >= x[i].lo && x[i].wait <= x[i].hi;
            pre += x[i].prebreak;
            side += x[i].side_ok;
            lo_bad += x[i].lo_bad;
            after += x[i].after_close;
        }
        /* The oracle's ranges are as sure as ours turned out to be: the
         * level at which its ranges held as many of the actual waits as
         * ours did (its nominal level can promise more than it holds). */
        double want = (double)in / n, lo = 0.5, hi = 0.999;
        for (int it = 0; it < 30; it++) {
            double c = (lo + hi) / 2;
            int oin = 0;
            for (int i = 0; i < n; i++) {
                double a, b;
                oracle_range(&x[i], c, &a, &b);
                oin += x[i].wait >= a - 0.01 && x[i].wait <= b + 0.01;
            }
            if ((double)oin / n < want)
                lo = c;
            else
                hi = c;
        }
        double cover = hi;
        printf("bench: ewt_s%u_oracle_level %.1f %% (holds %.1f %% as ours)\n", seed,
               100 * cover, 100 * want);
        report(seed, "all", x, n, sel_all, NULL, cover);
        static const char qs[] = "ABC";
        for (int q = 0; q < 3; q++) {
            char nm[8];
            snprintf(nm, sizeof nm, "%c", qs[q]);
            report(seed, nm, x, n, sel_queue, &qs[q], cover);
        }
        report(seed, "prebreak", x, n, sel_pre, NULL, cover);
        report(seed, "ahead0to2", x, n, sel_few, NULL, cover);
        printf("bench: ewt_s%u_prebreak_right_side %.1f %% (%d tickets)\n", seed,
               pre ? 100.0 * side / pre : 0.0, pre);
        printf("bench: ewt_s%u_lower_bound_in_break_or_closed %.1f %%\n", seed,
               100.0 * lo_bad / n);
        printf("bench: ewt_s%u_lower_bound_after_close %.1f %%\n", seed, 100.0 * after / n);
        printf("bench: ewt_s%u_seconds %.1f s\n", seed, (bu_ns() - t0) / 1e9);
    }
    for (int i = 0; i < n; i++)
        free((void *)x[i].o);
    free(x);
    if (!getenv("QHALL_BENCH_KEEP"))
        bu_unlink_db(path);
    else
        fprintf(stderr, "bench_ewt: kept %s\n", path);
    return rc;
}

int main(int argc, char **argv)
{
    char dir[4096], seeds[256];
    bu_sync(1);
    if (bu_tmpdir(dir, sizeof dir, "ewt") < 0)
        return 1;
    const char *env = getenv("QHALL_BENCH_SEEDS");
    seeds[0] = 0;
    for (int i = 1; i < argc; i++)
        snprintf(seeds + strlen(seeds), sizeof seeds - strlen(seeds), "%s ", argv[i]);
    if (!seeds[0])
        snprintf(seeds, sizeof seeds, "%s", env && *env ? env : "1 2 3");
    int rc = 0;
    char *save = NULL;
    for (char *p = strtok_r(seeds, " ", &save); p; p = strtok_r(NULL, " ", &save))
        if (week(dir, (unsigned)strtoul(p, NULL, 10)) < 0)
            rc = 1;
    if (!getenv("QHALL_BENCH_KEEP"))
        rmdir(dir);
    return rc;
}
#else
int main(void)
{
    printf("bench_ewt: built without tests/sim\n");
    return 1;
}
#endif
