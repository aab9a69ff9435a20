/* bench_issue.c: how close qh_ticket_issue() comes to the fsync floor.
 *
 * Issuing a number is one BEGIN IMMEDIATE ... COMMIT that reads the hall
 * revision, the service day and the service, takes the next number,
 * inserts the ticket and its `issued` event and counts the people ahead:
 * two B-tree pages written (ticket, event), as a new ticket in the normal
 * order is in no index (store.c, migration 6).
 * At synchronous=FULL the commit's fsync should dominate all of that, so
 * the subject is compared with the cheapest durable transaction SQLite can
 * do on the same disk: a raw one-row INSERT per BEGIN IMMEDIATE/COMMIT on a
 * separate WAL file at the same synchronous level, prepared once.  A third
 * subject, the same insert into a table with one index, writes as many
 * pages a commit as an issue: it separates what the page count costs from
 * what the issue's own work does.  All run at FULL (the store's default)
 * and at NORMAL (QHALL_SYNC=normal).
 *
 * The machine is shared and noisy (the disk's fsync time swings by half
 * from one second to the next), so baseline and subject alternate in many
 * short rounds on the same two files (which one goes first alternates
 * too): each round's ratio compares the two under the same conditions,
 * and the median of those ratios is quoted, beside the medians of the
 * per-round rates.  The files carry over from round to round, so the WAL
 * checkpoints each side's writes cause are paid where they fall.  The
 * clock is fixed (qh_clock_set) at 08:00 and advances at most 1 s a
 * ticket, so the service day never changes and no rollover runs.
 * QHALL_BENCH_SCALE scales the transactions per round.
 *
 * Benchmarks are not library code, so this file includes sqlite3.h.
 * Prints `bench: NAME VALUE UNIT` lines and asserts nothing; exits 1 only
 * if it could not run. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "benchutil.h"

enum { ROUNDS = 15, WARMUP = 50 };

#define START "2026-11-25T08:00:00+08:00"   /* a Wednesday */
#define DAY_BUDGET_MS (15LL * 3600 * 1000)  /* 08:00 to 23:00 */

/* Two items of queue A and two of queue B (assets/services.csv). */
static const char *const items[] = { "XK001", "GG001", "XK002", "GG002" };
#define NITEMS ((int)(sizeof items / sizeof items[0]))

struct raw {
    sqlite3 *db;
    sqlite3_stmt *begin, *ins, *commit;
    int64_t i;
};

static int raw_step(struct raw *r, sqlite3_stmt *st)
{
    int src = sqlite3_step(st);

    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        fprintf(stderr, "bench_issue: raw: %s\n", sqlite3_errmsg(r->db));
        return -1;
    }
    return 0;
}

static void raw_close(struct raw *r)
{
    sqlite3_finalize(r->begin);
    sqlite3_finalize(r->ins);
    sqlite3_finalize(r->commit);
    sqlite3_close(r->db);
    memset(r, 0, sizeof *r);
}

/* pages: 1, a one-row table; 2, the same row and an index, so each
 * commit writes as many B-tree pages as an issue does (ticket, event). */
static int raw_open(struct raw *r, const char *path, int normal, int pages)
{
    char sql[512];

    memset(r, 0, sizeof *r);
    snprintf(sql, sizeof sql,
             "PRAGMA journal_mode = WAL; PRAGMA synchronous = %s;"
             "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY,"
             " a INTEGER NOT NULL, b TEXT NOT NULL, c INTEGER NOT NULL);%s",
             normal ? "NORMAL" : "FULL", pages < 2 ? "" :
             "CREATE INDEX IF NOT EXISTS t1 ON t(c, a);");
    if (sqlite3_open(path, &r->db) != SQLITE_OK ||
        sqlite3_busy_timeout(r->db, 10000) != SQLITE_OK ||
        sqlite3_exec(r->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(r->db, "BEGIN IMMEDIATE", -1, &r->begin,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(r->db, "INSERT INTO t(a, b, c) VALUES (?1, ?2, ?3)",
                           -1, &r->ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(r->db, "COMMIT", -1, &r->commit,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_issue: %s: %s\n", path, sqlite3_errmsg(r->db));
        raw_close(r);
        return -1;
    }
    return 0;
}

/* n one-row transactions; the elapsed ns, or -1. */
static int64_t raw_run(struct raw *r, int n)
{
    char b[16];
    int64_t t0 = bu_ns();

    for (int k = 0; k < n; k++, r->i++) {
        snprintf(b, sizeof b, "A%03d", (int)(r->i % 1000));
        if (raw_step(r, r->begin) < 0)
            return -1;
        sqlite3_bind_int64(r->ins, 1, r->i);
        sqlite3_bind_text(r->ins, 2, b, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(r->ins, 3, qh_clock_now());
        if (raw_step(r, r->ins) < 0) {
            sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
        if (raw_step(r, r->commit) < 0)
            return -1;
    }
    return bu_ns() - t0;
}

/* n issues, cycling over items; each latency (ns) into lat if not NULL.
 * The elapsed ns, or -1. */
static int64_t issue_run(struct qh_store *s, int n, int64_t step_ms,
                         int *cycle, int64_t *lat)
{
    char err[QH_ERRLEN];
    struct qh_issue_req req;
    struct qh_ticket_row t;
    struct qh_issue_info info;
    int64_t t0 = bu_ns();

    for (int k = 0; k < n; k++) {
        int64_t a;
        int rc;

        memset(&req, 0, sizeof req);
        req.service = items[(*cycle)++ % NITEMS];
        bu_clock_advance_ms(step_ms);
        a = bu_ns();
        rc = qh_ticket_issue(s, &req, &t, &info, err, sizeof err);
        if (lat)
            lat[k] = bu_ns() - a;
        if (rc < 0) {
            fprintf(stderr, "bench_issue: issue %s: %s: %s\n", req.service,
                    qh_strerror(rc), err);
            return -1;
        }
    }
    return bu_ns() - t0;
}

struct result {
    double issue, raw, raw2;    /* medians of the per-round rates (tx/s) */
    double ratio;               /* medians of the per-round ratios: issue/raw */
    double floor2;              /* raw2/raw: the cost of the pages alone */
    double over2;               /* issue/raw2: the cost of the rest */
    int64_t p99_ns;
    double early_us, late_us;   /* mean issue latency, first and last third */
};

/* ROUNDS rounds of n transactions each at one synchronous level, on one
 * store and two raw files (one page a commit, and two) made and warmed,
 * untimed, at the start; the three take turns at going first.  The
 * queues grow all the way through, so the mean latency of the last third
 * of the rounds against the first third shows whether an issue costs more
 * as they grow (the people ahead come from a counter, see qh_store_ahead:
 * it should not).  0 or -1. */
static int level(const char *dir, int normal, int n, struct result *res)
{
    const char *tag = normal ? "normal" : "full";
    char qpath[PATH_MAX], rpath[PATH_MAX], r2path[PATH_MAX], name[64];
    double ri[ROUNDS], rr[ROUNDS], r2[ROUNDS], ratio[ROUNDS], floor2[ROUNDS];
    double over2[ROUNDS], early = 0, late = 0;
    struct qh_store *s = NULL;
    struct raw r, r2db;
    int64_t *lat = NULL, step_ms;
    int status = -1, cycle = 0, third = ROUNDS / 3;

    snprintf(name, sizeof name, "issue_%s.db", tag);
    if (bu_path(qpath, sizeof qpath, dir, name) < 0)
        return -1;
    snprintf(name, sizeof name, "raw_%s.db", tag);
    if (bu_path(rpath, sizeof rpath, dir, name) < 0)
        return -1;
    snprintf(name, sizeof name, "raw2_%s.db", tag);
    if (bu_path(r2path, sizeof r2path, dir, name) < 0)
        return -1;
    /* 1 s a ticket, less if a large scale would run past the day. */
    step_ms = DAY_BUDGET_MS / ((int64_t)ROUNDS * n + WARMUP);
    if (step_ms > 1000)
        step_ms = 1000;
    if (step_ms < 1)
        step_ms = 1;
    memset(&r, 0, sizeof r);
    memset(&r2db, 0, sizeof r2db);
    lat = calloc((size_t)ROUNDS * (size_t)n, sizeof *lat);
    if (!lat)
        goto out;
    bu_sync(normal);
    bu_unlink_db(qpath);
    bu_unlink_db(rpath);
    bu_unlink_db(r2path);
    if (bu_clock(START) < 0 || !(s = bu_store_new(qpath)) ||
        raw_open(&r, rpath, normal, 1) < 0 || raw_open(&r2db, r2path, normal, 2) < 0)
        goto out;
    /* Warm the page caches and the prepared statements. */
    if (issue_run(s, WARMUP, step_ms, &cycle, NULL) < 0 ||
        raw_run(&r, WARMUP) < 0 || raw_run(&r2db, WARMUP) < 0)
        goto out;
    for (int k = 0; k < ROUNDS; k++) {
        int64_t *l = lat + (size_t)k * (size_t)n, t[3] = {-1, -1, -1};

        for (int j = 0; j < 3; j++) {
            int who = (k + j) % 3;
            t[who] = who == 0 ? issue_run(s, n, step_ms, &cycle, l)
                   : raw_run(who == 1 ? &r : &r2db, n);
            if (t[who] < 0)
                goto out;
        }
        ri[k] = n / (t[0] / 1e9);
        rr[k] = n / (t[1] / 1e9);
        r2[k] = n / (t[2] / 1e9);
        ratio[k] = ri[k] / rr[k];
        floor2[k] = r2[k] / rr[k];
        over2[k] = ri[k] / r2[k];
        if (k < third)
            early += t[0] / 1000.0 / n / third;
        else if (k >= ROUNDS - third)
            late += t[0] / 1000.0 / n / third;
        fprintf(stderr, "bench_issue: %s round %d: issue %.0f tx/s,"
                " raw %.0f tx/s, raw 2 pages %.0f tx/s\n", tag, k + 1, ri[k],
                rr[k], r2[k]);
    }
    res->early_us = early;
    res->late_us = late;
    res->p99_ns = bu_pct_i64(lat, ROUNDS * n, 99);
    res->issue = bu_median(ri, ROUNDS);
    res->raw = bu_median(rr, ROUNDS);
    res->raw2 = bu_median(r2, ROUNDS);
    res->ratio = bu_median(ratio, ROUNDS);
    res->floor2 = bu_median(floor2, ROUNDS);
    res->over2 = bu_median(over2, ROUNDS);
    status = 0;
out:
    free(lat);
    qh_store_close(s);
    raw_close(&r);
    raw_close(&r2db);
    bu_unlink_db(qpath);
    bu_unlink_db(rpath);
    bu_unlink_db(r2path);
    return status;
}

int main(void)
{
    /* Per round: FULL raw is ~3-5 k tx/s on an idle disk (a few hundred
     * when the shared disk is busy), NORMAL ~30 k tx/s, so these keep the
     * program well under a minute at scale 1 even on a busy machine. */
    int n_full = bu_scaled(200, 10), n_normal = bu_scaled(700, 10);
    struct result full, norm;
    char dir[PATH_MAX];
    int rc;

    if (bu_tmpdir(dir, sizeof dir, "issue") < 0)
        return 1;
    memset(&full, 0, sizeof full);
    memset(&norm, 0, sizeof norm);
    rc = level(dir, 0, n_full, &full);
    if (rc == 0)
        rc = level(dir, 1, n_normal, &norm);
    rmdir(dir);
    bu_sync(0);
    if (rc < 0)
        return 1;
    fprintf(stderr, "bench_issue: %d rounds of %d (FULL) and %d (NORMAL);"
            " mean issue latency, first/last third of the rounds: FULL"
            " %.0f/%.0f us, NORMAL %.0f/%.0f us\n", ROUNDS, n_full, n_normal,
            full.early_us, full.late_us, norm.early_us, norm.late_us);
    printf("bench: issue_tx_per_s_full %.0f tx/s\n", full.issue);
    printf("bench: raw_insert_tx_per_s_full %.0f tx/s\n", full.raw);
    printf("bench: issue_vs_raw_ratio_full %.3f x\n", full.ratio);
    printf("bench: issue_latency_p99_full %.1f us\n", full.p99_ns / 1000.0);
    /* The same raw insert writing two B-tree pages a commit, as an issue
     * does: the floor the page count alone sets, and what the issue's own
     * work costs beyond it. */
    printf("bench: raw_2page_insert_tx_per_s_full %.0f tx/s\n", full.raw2);
    printf("bench: raw_2page_vs_raw_ratio_full %.3f x\n", full.floor2);
    printf("bench: issue_vs_raw_2page_ratio_full %.3f x\n", full.over2);
    printf("bench: issue_tx_per_s_normal %.0f tx/s\n", norm.issue);
    printf("bench: raw_insert_tx_per_s_normal %.0f tx/s\n", norm.raw);
    printf("bench: issue_vs_raw_ratio_normal %.3f x\n", norm.ratio);
    printf("bench: raw_2page_vs_raw_ratio_normal %.3f x\n", norm.floor2);
    /* The last third of the rounds issues into queues five times as long,
     * on average, as the first (NORMAL, where no fsync hides the cost). */
    printf("bench: issue_latency_late_vs_early_normal %.3f x\n",
           norm.early_us > 0 ? norm.late_us / norm.early_us : 0);
    return 0;
}
