/* benchutil.h: small helpers shared by the benchmarks (tests/bench).
 *
 * Static inline only, so each benchmark stays one self-contained program
 * (the bench CMakeLists builds one executable per bench_*.c, no extra
 * sources).  Timing is CLOCK_MONOTONIC; statistics are nearest-rank
 * percentiles and medians over samples of this run, because the build
 * machine is shared and only same-run comparisons mean anything. */
#ifndef QH_BENCHUTIL_H
#define QH_BENCHUTIL_H

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qh/clock.h"
#include "qh/conf.h"
#include "qh/store.h"
#include "qh/ticket.h"

/* SQL for the id a ticket's number packs to (the store's migration 5),
 * for benchmarks that bulk-load tickets with raw SQL: day, queue code and
 * sequence are SQL expressions (parameters). */
#define BU_TICKET_ID_SQL(day, queue, seq) \
    "((CAST(julianday(" day ") - 2440587.5 AS INTEGER) << 40)" \
    " | ((SELECT key FROM queue_key WHERE code = " queue ") << 24) | " seq ")"

/* The store inserts only waiting tickets, and day_seq keeps each day's
 * waiting count as a correction to the numbers given (store.c, migrations
 * 5 and 6): after bulk-loading closed tickets, the correction they need. */
#define BU_WAITING_FIX_SQL \
    "INSERT INTO day_seq(day, queue, waiting) SELECT day, origin, -count(*)" \
    " FROM ticket WHERE state <> 0 GROUP BY day, origin" \
    " ON CONFLICT(day, queue) DO UPDATE SET waiting = waiting + excluded.waiting"

static inline int64_t bu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* QHALL_BENCH_SCALE (default 1.0) times n, at least min. */
static inline int bu_scaled(int n, int min)
{
    const char *v = getenv("QHALL_BENCH_SCALE");
    double f = v && *v ? strtod(v, NULL) : 1.0;
    double r;

    if (!(f > 0))
        f = 1.0;
    r = n * f;
    if (r < min)
        r = min;
    if (r > INT_MAX / 4)
        r = INT_MAX / 4;
    return (int)r;
}

static inline int bu_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static inline int bu_cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Nearest-rank percentile p (0-100) of n samples, sorting them in place. */
static inline int64_t bu_pct_i64(int64_t *v, int n, int p)
{
    int i;

    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, bu_cmp_i64);
    i = (n * p + 99) / 100 - 1;
    return v[i < 0 ? 0 : i];
}

/* Median of n values (the mean of the middle two for even n); sorts. */
static inline double bu_median(double *v, int n)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, bu_cmp_dbl);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A fresh directory under $TMPDIR (or /tmp) into dir; 0 or -1. */
static inline int bu_tmpdir(char *dir, size_t len, const char *tag)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, len, "%s/qhall-bench-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
             tag);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "bench_%s: mkdtemp %s: %s\n", tag, dir,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* "<dir>/<name>" into out; 0, or -1 if it does not fit.  The result must
 * be checked: a cut path would name another file (bu_unlink_db removes it). */
__attribute__((warn_unused_result))
static inline int bu_path(char *out, size_t len, const char *dir,
                          const char *name)
{
    int n = snprintf(out, len, "%s/%s", dir, name);

    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Remove a database and its -wal/-shm/-journal companions. */
static inline void bu_unlink_db(const char *path)
{
    static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
    char p[PATH_MAX + 16];

    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, sfx[i]);
        unlink(p);
    }
}

/* The store reads QHALL_SYNC at open: set it before qh_store_open. */
static inline void bu_sync(int normal)
{
    if (normal)
        setenv("QHALL_SYNC", "normal", 1);
    else
        unsetenv("QHALL_SYNC");
}

/* Fix the process clock at an ISO time; 0 or -1. */
static inline int bu_clock(const char *iso)
{
    char err[QH_ERRLEN];
    int64_t ms;

    if (qh_clock_parse(iso, NULL, &ms, err, sizeof err) < 0) {
        fprintf(stderr, "bench: clock %s: %s\n", iso, err);
        return -1;
    }
    qh_clock_set(ms);
    return 0;
}

static inline void bu_clock_advance_ms(int64_t ms)
{
    qh_clock_set(qh_clock_now() + ms);
}

/* Open (creating) path with the hall (NULL: the default hall) and the
 * sample catalogue, as tests/testutil.c does; the caller sets QHALL_SYNC
 * first.  NULL on error (reported on stderr). */
static inline struct qh_store *bu_store_new_conf(const char *path,
                                                 const struct qh_hall_conf *hall)
{
    char err[4096] = "";
    struct qh_store *s = NULL;
    struct qh_hall_conf c;
    int count = 0;

    if (qh_store_open(&s, path, 0, err, sizeof err) < 0) {
        fprintf(stderr, "bench: open %s: %s\n", path, err);
        return NULL;
    }
    qh_store_set_actor(s, "bench");
    if (hall)
        c = *hall;
    else
        qh_conf_defaults(&c);
    if (qh_hall_init(s, &c, 0, err, sizeof err) < 0 ||
        qh_catalog_import(s, "services.csv", qh_asset_services_csv,
                          strlen(qh_asset_services_csv), &count, err,
                          sizeof err) < 0) {
        fprintf(stderr, "bench: init %s: %s\n", path, err);
        qh_store_close(s);
        return NULL;
    }
    return s;
}

static inline struct qh_store *bu_store_new(const char *path)
{
    return bu_store_new_conf(path, NULL);
}

/* Open an existing store (QHALL_SYNC as set by the caller). */
static inline struct qh_store *bu_store_open(const char *path)
{
    char err[QH_ERRLEN] = "";
    struct qh_store *s = NULL;

    if (qh_store_open(&s, path, 0, err, sizeof err) < 0) {
        fprintf(stderr, "bench: open %s: %s\n", path, err);
        return NULL;
    }
    qh_store_set_actor(s, "bench");
    return s;
}

/* utime + stime of a process in clock ticks (/proc/PID/stat), or -1. */
static inline long long bu_proc_cpu_ticks(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    unsigned long long ut = 0, st = 0;
    /* fields after the name: state ppid ... utime (14) stime (15) */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                     &ut, &st) != 2)
        return -1;
    return (long long)(ut + st);
}

/* A kB field of /proc/PID/status ("VmRSS", "VmHWM"), or -1. */
static inline long bu_proc_status_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    size_t len = strlen(field);
    long kb = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, field, len) && line[len] == ':') {
            kb = strtol(line + len + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

#endif
