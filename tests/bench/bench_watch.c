/* bench_watch.c: how long a commit in one process takes to reach a
 * qh_watch_wait() in another, against a bare SQLite baseline measured in
 * the same run.
 *
 * A writer process commits one event about every 2 ms with a
 * CLOCK_MONOTONIC stamp (shared by all processes of the machine) taken
 * just before the commit; a reader process blocked in qh_watch_wait()
 * subtracts it from the time of delivery.  The baseline does the same with
 * plain SQLite (a one-row INSERT, WAL, same synchronous setting) and a
 * careful raw reader: inotify on the directory, PRAGMA data_version
 * re-checked in short steps after an event (rawwatch.h, shared with
 * bench_display.c).
 *
 * The two alternate in rounds so that load from elsewhere falls on both.
 * The parent only forks and collects: no SQLite connection is ever
 * carried across fork().  QHALL_BENCH_N sets the iterations (1000).
 * Prints `bench: NAME VALUE UNIT` lines; asserts nothing, but exits 1 if
 * an event was lost, duplicated or reordered. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qh/clock.h"
#include "qh/store.h"
#include "qh/watch.h"
#include "rawwatch.h"

enum { GAP_US = 2000, STALL_MS = 10000, ROUNDS = 5 };

static int64_t detail_num(const char *detail, const char *key)
{
    char pat[32];
    const char *p;

    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = strstr(detail, pat);
    return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/* ---- qhall ---- */

static int qh_writer(const char *path, int n)
{
    char err[QH_ERRLEN];
    struct qh_store *s;
    struct qh_event_row ev;
    int rc;

    rc = qh_store_open(&s, path, 0, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "bench_watch: writer: %s\n", err);
        return 1;
    }
    qh_store_set_actor(s, "bench");
    for (int i = 0; i < n; i++) {
        memset(&ev, 0, sizeof ev);
        snprintf(ev.type, sizeof ev.type, "note");
        ev.at = qh_clock_now();
        rc = qh_store_begin(s, err, sizeof err);
        if (rc >= 0) {
            snprintf(ev.detail, sizeof ev.detail,
                     "{\"i\":%d,\"t_ns\":%lld}", i, (long long)mono_ns());
            rc = qh_store_event_add(s, &ev, err, sizeof err);
            if (rc >= 0)
                rc = qh_store_commit(s, err, sizeof err);
            else
                qh_store_rollback(s);
        }
        if (rc < 0) {
            fprintf(stderr, "bench_watch: writer: %s: %s\n",
                    qh_strerror(rc), err);
            qh_store_close(s);
            return 1;
        }
        sleep_us(GAP_US);
    }
    qh_store_close(s);
    return 0;
}

/* Opens (creating) the store, then says ready; sends n latencies (ns). */
static int qh_reader(const char *path, int n, int ready_fd, int out_fd)
{
    char err[QH_ERRLEN];
    struct qh_store *s;
    struct qh_watch *w = NULL;
    struct qh_event_row evs[64];
    int64_t *lat = calloc((size_t)n, sizeof *lat);
    int got = 0, rc, status = 1;

    if (!lat)
        return 1;
    rc = qh_store_open(&s, path, 0, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "bench_watch: reader: %s\n", err);
        free(lat);
        return 1;
    }
    int64_t last;
    rc = qh_store_last_event_id(s, &last, err, sizeof err);
    if (rc == 0)
        rc = qh_watch_open(&w, s, last, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "bench_watch: watch: %s\n", err);
        goto out;
    }
    if (write_all(ready_fd, "r", 1) < 0)
        goto out;
    while (got < n) {
        rc = qh_watch_wait(w, STALL_MS, evs, 64, err, sizeof err);
        if (rc <= 0) {
            fprintf(stderr, "bench_watch: reader: %s after %d of %d\n",
                    rc < 0 ? err : "stalled", got, n);
            goto out;
        }
        for (int i = 0; i < rc; i++) {
            int64_t now = mono_ns();

            if (got >= n || detail_num(evs[i].detail, "i") != got) {
                fprintf(stderr, "bench_watch: event %d out of order: %s\n",
                        got, evs[i].detail);
                goto out;
            }
            lat[got++] = now - detail_num(evs[i].detail, "t_ns");
        }
    }
    if (write_all(out_fd, lat, (size_t)n * sizeof *lat) == 0)
        status = 0;
out:
    qh_watch_close(w);
    qh_store_close(s);
    free(lat);
    return status;
}

/* ---- driver ---- */


static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* Nearest-rank percentile, in microseconds. */
static double pct_us(const int64_t *sorted, int n, int p)
{
    int i = (n * p + 99) / 100 - 1;

    if (i < 0)
        i = 0;
    return (double)sorted[i] / 1000.0;
}

static void cleanup(const char *dir)
{
    static const char *const names[] = {
        "watch.db", "watch.db-wal", "watch.db-shm",
        "baseline.db", "baseline.db-wal", "baseline.db-shm",
    };
    char path[PATH_MAX];

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct rw_subject subject = {"watch.db", qh_reader, qh_writer, GAP_US, STALL_MS};
    const char *env = getenv("QHALL_BENCH_N");
    const char *tmp = getenv("TMPDIR");
    char dir[PATH_MAX];
    int n = env ? atoi(env) : 1000;
    int64_t *lw, *lb;
    double w50, w99, b50, b99;

    if (n <= 0)
        n = 1000;
    snprintf(dir, sizeof dir, "%s/qhall-bench-watch-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "bench_watch: mkdtemp %s: %s\n", dir, strerror(errno));
        return 1;
    }
    lw = calloc((size_t)n, sizeof *lw);
    lb = calloc((size_t)n, sizeof *lb);
    /* Alternate the two in rounds, so that load from elsewhere on the
     * machine falls on both alike. */
    for (int r = 0, done = 0; lw && lb && r < ROUNDS; r++) {
        int m = r < ROUNDS - 1 ? n / ROUNDS : n - done;

        if (m > 0 && (rw_run(QHALL, &subject, dir, m, lw + done) < 0 ||
                      rw_run(BASELINE, &subject, dir, m, lb + done) < 0)) {
            free(lw);
            lw = NULL;
        }
        done += m;
    }
    if (!lw || !lb) {
        fprintf(stderr, "bench_watch: run failed (events lost?)\n");
        cleanup(dir);
        free(lw);
        free(lb);
        return 1;
    }
    cleanup(dir);
    qsort(lw, (size_t)n, sizeof *lw, cmp_i64);
    qsort(lb, (size_t)n, sizeof *lb, cmp_i64);
    w50 = pct_us(lw, n, 50);
    w99 = pct_us(lw, n, 99);
    b50 = pct_us(lb, n, 50);
    b99 = pct_us(lb, n, 99);
    fprintf(stderr, "bench_watch: n=%d in %d rounds, synchronous=%s,"
            " gap=%d us, max watch %.1f us, max baseline %.1f us\n", n,
            ROUNDS, sync_normal() ? "NORMAL" : "FULL", GAP_US,
            (double)lw[n - 1] / 1000.0, (double)lb[n - 1] / 1000.0);
    fflush(stderr);
    printf("bench: watch_latency_p50 %.1f us\n", w50);
    printf("bench: watch_latency_p99 %.1f us\n", w99);
    printf("bench: baseline_inotify_latency_p50 %.1f us\n", b50);
    printf("bench: baseline_inotify_latency_p99 %.1f us\n", b99);
    printf("bench: watch_latency_p99_ratio %.2f x\n", b99 > 0 ? w99 / b99 : 0);
    free(lw);
    free(lb);
    return 0;
}
