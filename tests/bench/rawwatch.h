/* rawwatch.h: the bare SQLite change-notification baseline, shared by
 * bench_watch.c and bench_display.c so both compare against the same
 * thing: a writer doing one-row INSERTs (WAL, same synchronous setting as
 * the store) and a careful raw reader (inotify on the directory, PRAGMA
 * data_version re-checked in short steps after an event), each stamping
 * CLOCK_MONOTONIC, which all processes of the machine share.
 *
 * Static inline only, like benchutil.h: each benchmark stays one program.
 * Benchmarks are not library code, so this may include sqlite3.h. */
#ifndef QH_RAWWATCH_H
#define QH_RAWWATCH_H

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

#include <sqlite3.h>

static inline int64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static inline int sync_normal(void)
{
    const char *v = getenv("QHALL_SYNC");

    return v && strcmp(v, "normal") == 0;
}

static inline int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* A program and the one that watches it, each in a process of its own on
 * the database at path: watcher(path, n, ready, out) tells the program
 * it is watching by writing on ready (and may again, the program reading
 * it), program(path, n, ready, out) acts; each writes its len bytes of
 * stamps on out, into wout and pout.  0, or -1 if either failed. */
typedef int (*rw_proc)(const char *path, int n, int ready_fd, int out_fd);
static inline int read_all(int fd, void *buf, size_t want);
static inline int rw_pair(rw_proc watcher, rw_proc program, const char *path, int n,
                          void *wout, size_t wlen, void *pout, size_t plen)
{
    int ready[2], rw[2], rp[2], st, ok = 1;

    if (pipe(ready) < 0 || pipe(rw) < 0 || pipe(rp) < 0)
        return -1;
    fflush(NULL);
    pid_t w = fork();
    if (w == 0)
        _exit(watcher(path, n, ready[1], rw[1]));
    pid_t p = fork();
    if (p == 0)
        _exit(program(path, n, ready[0], rp[1]));
    close(rw[1]);
    close(rp[1]);
    if (read_all(rp[0], pout, plen) < 0 || read_all(rw[0], wout, wlen) < 0)
        ok = 0;
    if (w < 0 || waitpid(w, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
        ok = 0;
    if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
        ok = 0;
    close(ready[0]);
    close(ready[1]);
    close(rw[0]);
    close(rp[0]);
    return ok ? 0 : -1;
}

/* Read exactly want bytes: 0, or -1 at an error or an early end. */
static inline int read_all(int fd, void *buf, size_t want)
{
    size_t have = 0;

    while (have < want) {
        ssize_t r = read(fd, (char *)buf + have, want - have);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
    return 0;
}


static inline int raw_open(sqlite3 **db, const char *path)
{
    char sql[256];

    snprintf(sql, sizeof sql,
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s;"
             "CREATE TABLE IF NOT EXISTS ev(id INTEGER PRIMARY KEY,"
             " t_ns INTEGER NOT NULL);", sync_normal() ? "NORMAL" : "FULL");
    if (sqlite3_open(path, db) != SQLITE_OK ||
        sqlite3_busy_timeout(*db, 5000) != SQLITE_OK ||
        sqlite3_exec(*db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench: %s: %s\n", path, sqlite3_errmsg(*db));
        return -1;
    }
    return 0;
}

static inline int raw_writer(const char *path, int n, long gap_us)
{
    sqlite3 *db;
    sqlite3_stmt *ins = NULL;
    int status = 1;

    if (raw_open(&db, path) < 0)
        goto out;
    if (sqlite3_prepare_v2(db, "INSERT INTO ev(t_ns) VALUES (?1)", -1, &ins,
                           NULL) != SQLITE_OK)
        goto out;
    for (int i = 0; i < n; i++) {
        sqlite3_bind_int64(ins, 1, mono_ns());
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fprintf(stderr, "bench: insert: %s\n", sqlite3_errmsg(db));
            goto out;
        }
        sqlite3_reset(ins);
        sleep_us(gap_us);
    }
    status = 0;
out:
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return status;
}

static inline int64_t raw_data_version(sqlite3_stmt *dv)
{
    int64_t v = -1;

    if (sqlite3_step(dv) == SQLITE_ROW)
        v = sqlite3_column_int64(dv, 0);
    sqlite3_reset(dv);
    return v;
}

static inline int64_t raw_max_id(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int64_t id = -1;

    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM ev", -1, &st,
                           NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

/* 1 if a pending inotify event names the db or its -wal. */
static inline int raw_drain(int fd, const char *name, const char *wal)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    const struct inotify_event *ev;
    ssize_t n;
    int seen = 0;

    while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
        for (char *p = buf; n > 0 && p < buf + n; p += sizeof *ev + ev->len) {
            ev = (const struct inotify_event *)p;
            if ((ev->mask & IN_Q_OVERFLOW) ||
                (ev->len > 0 && (strcmp(ev->name, name) == 0 ||
                                 strcmp(ev->name, wal) == 0)))
                seen = 1;
        }
    }
    return seen;
}

static inline int raw_reader(const char *dir, const char *name, int n, int ready_fd,
                             int out_fd, int stall_ms)
{
    char path[PATH_MAX], wal[NAME_MAX + 1];
    sqlite3 *db = NULL;
    sqlite3_stmt *dv = NULL, *sel = NULL;
    int64_t *lat = calloc((size_t)n, sizeof *lat);
    int64_t version, last = 0, progress;
    int fd = -1, got = 0, status = 1;

    if (!lat)
        return 1;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(wal, sizeof wal, "%s-wal", name);
    if (raw_open(&db, path) < 0 ||
        sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &dv,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT id, t_ns FROM ev WHERE id > ?1"
                           " ORDER BY id LIMIT 64", -1, &sel,
                           NULL) != SQLITE_OK)
        goto out;
    fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0 || inotify_add_watch(fd, dir, IN_MODIFY | IN_CLOSE_WRITE |
                                    IN_CREATE | IN_MOVED_TO) < 0)
        goto out;
    /* Rows of earlier rounds are not ours. */
    if ((last = raw_max_id(db)) < 0)
        goto out;
    version = raw_data_version(dv);
    if (write_all(ready_fd, "r", 1) < 0)
        goto out;
    progress = mono_ns();
    while (got < n) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int64_t v;
        int seen;

        if (poll(&p, 1, 1000) < 0 && errno != EINTR)
            goto out;
        seen = raw_drain(fd, name, wal);
        v = raw_data_version(dv);
        if (v == version && seen) {
            int64_t t0 = mono_ns();
            long step = 200;

            while (v == version && mono_ns() - t0 < 20000000) {
                sleep_us(step);
                step = step + step / 2 > 1000 ? 1000 : step + step / 2;
                v = raw_data_version(dv);
            }
        }
        version = v;
        for (int rows = 1; rows > 0;) {
            rows = 0;
            sqlite3_bind_int64(sel, 1, last);
            while (sqlite3_step(sel) == SQLITE_ROW) {
                int64_t now = mono_ns();

                if (got >= n) {
                    fprintf(stderr, "bench: baseline: extra row\n");
                    goto out;
                }
                last = sqlite3_column_int64(sel, 0);
                lat[got++] = now - sqlite3_column_int64(sel, 1);
                rows++;
            }
            sqlite3_reset(sel);
            if (rows > 0)
                progress = mono_ns();
        }
        if (mono_ns() - progress > (int64_t)stall_ms * 1000000) {
            fprintf(stderr, "bench: baseline stalled at %d\n", got);
            goto out;
        }
    }
    if (write_all(out_fd, lat, (size_t)n * sizeof *lat) == 0)
        status = 0;
out:
    if (fd >= 0)
        close(fd);
    sqlite3_finalize(dv);
    sqlite3_finalize(sel);
    sqlite3_close(db);
    free(lat);
    return status;
}

/* ---- the reader/writer pair, subject against baseline ---- */

enum kind { QHALL, BASELINE };

/* The subject measured against the baseline: its reader (delivers n
 * latencies in ns on out_fd after writing a byte on ready_fd) and its
 * writer, each run in a process of its own. */
struct rw_subject {
    const char *db_name;
    int (*reader)(const char *path, int n, int ready_fd, int out_fd);
    int (*writer)(const char *path, int n);
    int gap_us, stall_ms;
};

/* Fork a reader and a writer (the writer waits for the reader's watch),
 * collect n latencies in ns.  0 or -1. */
static inline int rw_run(enum kind k, const struct rw_subject *sub, const char *dir,
                         int n, int64_t *lat)
{
    char path[PATH_MAX];
    const char *name = k == QHALL ? sub->db_name : "baseline.db";
    int ready[2], res[2], st, ok = 1;
    pid_t reader, writer;
    size_t want = (size_t)n * sizeof *lat, have = 0;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (pipe(ready) < 0 || pipe(res) < 0)
        return -1;
    fflush(NULL);
    reader = fork();
    if (reader == 0) {
        close(ready[0]);
        close(res[0]);
        _exit(k == QHALL ? sub->reader(path, n, ready[1], res[1])
                         : raw_reader(dir, name, n, ready[1], res[1], sub->stall_ms));
    }
    writer = fork();
    if (writer == 0) {
        char c;

        close(ready[1]);
        close(res[0]);
        close(res[1]);
        if (read(ready[0], &c, 1) != 1)
            _exit(1);
        _exit(k == QHALL ? sub->writer(path, n) : raw_writer(path, n, sub->gap_us));
    }
    close(ready[0]);
    close(ready[1]);
    close(res[1]);
    while (have < want) {
        ssize_t r = read(res[0], (char *)lat + have, want - have);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        have += (size_t)r;
    }
    close(res[0]);
    if (reader < 0 || writer < 0)
        ok = 0;
    if (reader > 0 && (waitpid(reader, &st, 0) < 0 || !WIFEXITED(st) ||
                       WEXITSTATUS(st) != 0))
        ok = 0;
    if (writer > 0 && (waitpid(writer, &st, 0) < 0 || !WIFEXITED(st) ||
                       WEXITSTATUS(st) != 0))
        ok = 0;
    return ok && have == want ? 0 : -1;
}

#endif
