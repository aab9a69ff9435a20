/* test_watch.c: the change feed, against real files and real processes.
 * On PostgreSQL (test_watch_pg) the cases about SQLite's files are not
 * run: the feed there is LISTEN/NOTIFY on the server.
 *
 * Writers run as separate processes: the test forks and re-executes
 * itself as `test_watch --writer ...`, so the child opens its own store
 * with no SQLite state inherited from the parent (SQLite must not be used
 * across fork()).  Each event the writer commits carries its sequence
 * number and a CLOCK_MONOTONIC stamp taken just before the commit
 * (monotonic time is shared by every process of the machine), so the
 * reader can check order, loss, duplicates and that each commit woke it.
 *
 * Nothing here asserts a latency: under ASan and `ctest -j` on a shared
 * machine any figure in milliseconds is missed now and then.  The checks
 * are about cause and order (the wait slept at least its timeout, a
 * commit was delivered after it was made and before the next one), with
 * bounds of seconds only so a hang fails.  tests/bench/bench_watch.c
 * measures the latency. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pgtest.h"
#include "testutil.h"
#include "qh/clock.h"
#include "qh/watch.h"

#define EV_TYPE "note"

static int64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* A field of the flat detail JSON written by add_event(), -1 if absent. */
static int64_t detail_num(const struct qh_event_row *ev, const char *key)
{
    char pat[32];
    const char *p;

    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = strstr(ev->detail, pat);
    return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/* Commit one event with {"i":seq,"t_ns":...} (and padding) in detail. */
static int add_event(struct qh_store *s, int seq, int pad,
                     char *err, size_t errlen)
{
    struct qh_event_row ev;
    char padding[512];
    int rc;

    if (pad > (int)sizeof padding - 1)
        pad = (int)sizeof padding - 1;
    memset(padding, 'x', (size_t)pad);
    padding[pad] = '\0';
    memset(&ev, 0, sizeof ev);
    snprintf(ev.type, sizeof ev.type, "%s", EV_TYPE);
    ev.at = qh_clock_now();
    rc = qh_store_begin(s, err, errlen);
    if (rc < 0)
        return rc;
    snprintf(ev.detail, sizeof ev.detail, "{\"i\":%d,\"pad\":\"%s\","
             "\"t_ns\":%lld}", seq, padding, (long long)mono_ns());
    rc = qh_store_event_add(s, &ev, err, errlen);
    if (rc < 0) {
        qh_store_rollback(s);
        return rc;
    }
    return qh_store_commit(s, err, errlen);
}

/* Child: test_watch --writer PATH COUNT FIRST GAP_US PAD DELAY_MS */
static int writer_main(int argc, char **argv)
{
    char err[QH_ERRLEN];
    struct qh_store *s;
    int count, first, pad, rc;
    long gap_us, delay_ms;

    if (argc != 8) {
        fprintf(stderr, "writer: bad arguments\n");
        return 2;
    }
    count = atoi(argv[3]);
    first = atoi(argv[4]);
    gap_us = atol(argv[5]);
    pad = atoi(argv[6]);
    delay_ms = atol(argv[7]);
    rc = qh_store_open(&s, argv[2], 0, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "writer: open %s: %s\n", argv[2], err);
        return 1;
    }
    qh_store_set_actor(s, "test-writer");
    if (delay_ms > 0)
        sleep_us(delay_ms * 1000);
    for (int i = 0; i < count; i++) {
        rc = add_event(s, first + i, pad, err, sizeof err);
        if (rc < 0) {
            fprintf(stderr, "writer: event %d: %s: %s\n", first + i,
                    qh_strerror(rc), err);
            qh_store_close(s);
            return 1;
        }
        if (gap_us > 0)
            sleep_us(gap_us);
    }
    qh_store_close(s);
    return 0;
}

static pid_t spawn_writer(const char *path, int count, int first,
                          long gap_us, int pad, long delay_ms)
{
    char a[5][24];
    pid_t pid;

    snprintf(a[0], sizeof a[0], "%d", count);
    snprintf(a[1], sizeof a[1], "%d", first);
    snprintf(a[2], sizeof a[2], "%ld", gap_us);
    snprintf(a[3], sizeof a[3], "%d", pad);
    snprintf(a[4], sizeof a[4], "%ld", delay_ms);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char *argv[] = { "test_watch", "--writer", (char *)path,
                         a[0], a[1], a[2], a[3], a[4], NULL };

        execv("/proc/self/exe", argv);
        _exit(127);
    }
    return pid;
}

static void reap(pid_t pid)
{
    int status;

    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static int exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* Hang guards, not latencies: generous for ASan on a busy machine. */
#define HANG_MS 30000

/* Collect n events numbered first..first+n-1 from the watch, in small
 * batches, failing on a gap, a duplicate or a reordering, and on an event
 * delivered before the commit that made it.  If lat_max_us is not NULL,
 * the writer spaced its commits (by more than half the fallback timeout)
 * and each event must also arrive before the next commit: a reader that
 * sees a commit only when the next one comes, or only at its fallback
 * timeout, fails.  *lat_max_us gets the largest commit-to-delivery time,
 * for the log. */
static void collect(struct qh_watch *w, int first, int n, int timeout_ms,
                    int64_t *lat_max_us)
{
    char err[QH_ERRLEN];
    struct qh_event_row evs[7];
    int64_t deadline = mono_ns() + (int64_t)timeout_ms * 1000000;
    int64_t last_id = qh_watch_last(w), last_seen_ns = 0;
    int next = first;

    if (lat_max_us)
        *lat_max_us = 0;
    while (next < first + n) {
        int64_t left = (deadline - mono_ns()) / 1000000;
        int got;

        if (left <= 0)
            fail_msg("timed out: got %d of %d events", next - first, n);
        got = qh_watch_wait(w, (int)left, evs, 7, err, sizeof err);
        if (got < 0)
            fail_msg("wait: %s: %s", qh_strerror(got), err);
        for (int i = 0; i < got; i++) {
            int64_t now = mono_ns();

            assert_true(evs[i].id > last_id);
            last_id = evs[i].id;
            assert_string_equal(evs[i].type, EV_TYPE);
            if (detail_num(&evs[i], "i") != next)
                fail_msg("event %lld: expected i=%d, got %lld (%s)",
                         (long long)evs[i].id, next,
                         (long long)detail_num(&evs[i], "i"), evs[i].detail);
            int64_t made = detail_num(&evs[i], "t_ns");
            if (made <= 0 || made > now)
                fail_msg("event i=%d delivered before it was committed"
                         " (made %lld, seen %lld)", next, (long long)made,
                         (long long)now);
            if (lat_max_us) {
                if (next > first && last_seen_ns >= made)
                    fail_msg("event i=%d was delivered only after event i=%d"
                             " was committed, %lld us later",
                             next - 1, next,
                             (long long)(last_seen_ns - made) / 1000);
                if ((now - made) / 1000 > *lat_max_us)
                    *lat_max_us = (now - made) / 1000;
            }
            last_seen_ns = now;
            next++;
        }
        assert_int_equal(qh_watch_last(w), last_id);
    }
}

static int64_t cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Nothing more arrives: no duplicates after the last one.  And waiting
 * for nothing sleeps: a notification left undrained would make poll()
 * return at once, and the wait would spin on the CPU. */
static void assert_quiet(struct qh_watch *w, int ms)
{
    char err[QH_ERRLEN];
    struct qh_event_row ev;
    int64_t cpu = cpu_ns();

    assert_int_equal(qh_watch_wait(w, ms, &ev, 1, err, sizeof err), 0);
    cpu = (cpu_ns() - cpu) / 1000000;
    if (cpu > ms / 4)
        fail_msg("waiting %d ms for nothing used %lld ms of CPU", ms,
                 (long long)cpu);
}

static void test_after_and_own_writes(void **state)
{
    char err[QH_ERRLEN];
    struct qh_store *s = tu_store_new("watch-after");
    struct qh_watch *w;
    struct qh_event_row evs[10];
    int64_t base = tu_last_event(s), ids[5];

    (void)state;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(add_event(s, i, 0, err, sizeof err), 0);
        ids[i] = tu_last_event(s);
    }
    /* after = the second event: the third onwards. */
    assert_int_equal(qh_watch_open(&w, s, ids[1], err, sizeof err), 0);
    assert_int_equal(qh_watch_last(w), ids[1]);
    assert_int_equal(qh_watch_read(w, evs, 10, err, sizeof err), 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(evs[i].id, ids[i + 2]);
        assert_int_equal(detail_num(&evs[i], "i"), i + 2);
    }
    assert_int_equal(qh_watch_last(w), ids[4]);
    assert_int_equal(qh_watch_read(w, evs, 10, err, sizeof err), 0);
    /* Our own commits do not move data_version but are still delivered. */
    assert_int_equal(add_event(s, 5, 0, err, sizeof err), 0);
    assert_int_equal(add_event(s, 6, 0, err, sizeof err), 0);
    assert_int_equal(qh_watch_read(w, evs, 10, err, sizeof err), 2);
    assert_int_equal(detail_num(&evs[0], "i"), 5);
    assert_int_equal(detail_num(&evs[1], "i"), 6);
    /* Also through wait, without sleeping for the timeout. */
    assert_int_equal(add_event(s, 7, 0, err, sizeof err), 0);
    assert_int_equal(qh_watch_wait(w, 5000, evs, 10, err, sizeof err), 1);
    assert_int_equal(detail_num(&evs[0], "i"), 7);
    assert_quiet(w, 200);
    qh_watch_close(w);

    /* after = the last id: nothing old; "call again while it returns max". */
    assert_int_equal(qh_watch_open(&w, s, tu_last_event(s), err,
                                   sizeof err), 0);
    assert_int_equal(qh_watch_read(w, evs, 10, err, sizeof err), 0);
    qh_watch_close(w);
    assert_int_equal(qh_watch_open(&w, s, base, err, sizeof err), 0);
    for (int want = 0, got; want < 8; want += got) {
        got = qh_watch_read(w, evs, 3, err, sizeof err);
        assert_int_equal(got, want + 3 <= 8 ? 3 : 8 - want);
        for (int i = 0; i < got; i++)
            assert_int_equal(detail_num(&evs[i], "i"), want + i);
    }
    assert_int_equal(qh_watch_read(w, evs, 3, err, sizeof err), 0);
    assert_true(qh_watch_read(w, evs, 0, err, sizeof err) < 0);
    qh_watch_close(w);
    qh_watch_close(NULL);
    qh_store_close(s);
}

static void test_idle_wait_times_out(void **state)
{
    char err[QH_ERRLEN];
    struct qh_store *s = tu_store_new("watch-idle");
    struct qh_watch *w;
    struct qh_event_row ev;
    int64_t t0, ms;

    (void)state;
    assert_int_equal(qh_watch_open(&w, s, tu_last_event(s), err,
                                   sizeof err), 0);
    assert_true(qh_watch_fd(w) >= 0);
    /* SQLite's fallback is its 1 s (watch.h); each backend has its own,
     * and waits below are measured against it. */
    if (tu_store_pg())
        assert_true(qh_watch_timeout_ms(w) > 0);
    else
        assert_int_equal(qh_watch_timeout_ms(w), 1000);
    t0 = mono_ns();
    assert_quiet(w, 300);
    ms = (mono_ns() - t0) / 1000000;
    if (ms < 300 || ms > HANG_MS)
        fail_msg("idle wait(300) took %lld ms", (long long)ms);
    /* 0: one look, no sleep.  A wait(0) that slept would sleep its
     * fallback timeout (1 s) every time; the quickest of five looks is
     * far below that even on a loaded machine. */
    int64_t quickest = INT64_MAX;
    for (int i = 0; i < 5; i++) {
        t0 = mono_ns();
        assert_int_equal(qh_watch_wait(w, 0, &ev, 1, err, sizeof err), 0);
        if (mono_ns() - t0 < quickest)
            quickest = mono_ns() - t0;
    }
    if (quickest / 1000000 >= qh_watch_timeout_ms(w) / 2)
        fail_msg("wait(0) slept: the quickest of 5 took %lld ms",
                 (long long)quickest / 1000000);
    qh_watch_close(w);
    qh_store_close(s);
}

/* Files other than ours in the directory must not trigger the re-check.
 * A re-check that finds no commit leaves the short back-off timeout
 * behind (qh_watch_timeout_ms() below its 1 s), so that is what tells
 * whether one ran: a write to another file leaves the 1 s, a touch of
 * our -wal (opened for writing, closed, nothing written) does not. */
static void test_other_files_ignored(void **state)
{
    char err[QH_ERRLEN], other[4096], wal[4200];
    struct qh_store *s = tu_store_new("watch-other");
    struct qh_watch *w;
    struct qh_event_row ev;
    FILE *f;
    int idle_ms;

    (void)state;
    assert_int_equal(qh_watch_open(&w, s, tu_last_event(s), err,
                                   sizeof err), 0);
    idle_ms = qh_watch_timeout_ms(w);
    snprintf(other, sizeof other, "%s.other", qh_store_path(s));
    f = fopen(other, "w");
    assert_non_null(f);
    fputs("unrelated\n", f);
    fclose(f);
    assert_int_equal(qh_watch_read(w, &ev, 1, err, sizeof err), 0);
    assert_int_equal(qh_watch_timeout_ms(w), idle_ms);
    unlink(other);
    /* The control: our own -wal does start a re-check.  (Only the -wal:
     * closing a descriptor of the database file would drop SQLite's
     * POSIX locks on it.) */
    snprintf(wal, sizeof wal, "%s-wal", qh_store_path(s));
    f = fopen(wal, "r+");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(qh_watch_read(w, &ev, 1, err, sizeof err), 0);
    assert_true(qh_watch_timeout_ms(w) < idle_ms);
    qh_watch_close(w);
    qh_store_close(s);
}

static void test_other_process_in_order(void **state)
{
    char err[QH_ERRLEN];
    struct qh_store *s = tu_store_new("watch-proc");
    struct qh_watch *w;
    pid_t pid;

    (void)state;
    assert_int_equal(qh_watch_open(&w, s, tu_last_event(s), err,
                                   sizeof err), 0);
    /* Bursts with and without gaps, two writers one after the other. */
    pid = spawn_writer(qh_store_path(s), 200, 0, 300, 0, 0);
    collect(w, 0, 200, 30000, NULL);
    reap(pid);
    pid = spawn_writer(qh_store_path(s), 200, 200, 0, 0, 0);
    collect(w, 200, 200, 30000, NULL);
    reap(pid);
    assert_quiet(w, 200);
    qh_watch_close(w);
    qh_store_close(s);
}

static void test_each_commit_wakes(void **state)
{
    char err[QH_ERRLEN];
    struct qh_store *s = tu_store_new("watch-fast");
    struct qh_watch *w;
    int64_t lat_max;
    pid_t pid;

    (void)state;
    assert_int_equal(qh_watch_open(&w, s, tu_last_event(s), err,
                                   sizeof err), 0);
    /* Spaced 400 ms: each commit finds the reader asleep in poll, and a
     * reader woken only by the next commit or by its 1 s fallback timeout
     * (which runs from the previous delivery) sees each event after the
     * next commit. */
    pid = spawn_writer(qh_store_path(s), 8, 0, 400000, 0, 100);
    collect(w, 0, 8, HANG_MS, &lat_max);
    reap(pid);
    print_message("wake-up: worst of 8 commit-to-delivery %lld us"
                  " (make bench: bench_watch measures it)\n", (long long)lat_max);
    qh_watch_close(w);
    qh_store_close(s);
}

/* -wal does not exist before the first connection and vanishes with the
 * last one: the watch opened after the writer created and left the
 * database must still see the next writer (the directory watch sees -wal
 * being created again). */
static void test_wal_disappears(void **state)
{
    char err[QH_ERRLEN], path[4096], wal[4200];
    struct qh_store *s = tu_store_new("watch-wal");
    struct qh_watch *w;
    int64_t base = tu_last_event(s);
    pid_t pid;

    (void)state;
    snprintf(path, sizeof path, "%s", qh_store_path(s));
    snprintf(wal, sizeof wal, "%s-wal", path);
    qh_store_close(s);
    assert_false(exists(wal));
    reap(spawn_writer(path, 20, 0, 0, 0, 0));
    assert_false(exists(wal));

    assert_int_equal(qh_store_open(&s, path, 0, err, sizeof err), 0);
    assert_int_equal(qh_watch_open(&w, s, base, err, sizeof err), 0);
    collect(w, 0, 20, 10000, NULL);
    pid = spawn_writer(path, 50, 20, 1000, 0, 50);
    collect(w, 20, 50, 30000, NULL);
    reap(pid);
    assert_quiet(w, 200);
    qh_watch_close(w);
    qh_store_close(s);
    assert_false(exists(wal));
}

/* Enough frames to pass the autocheckpoint (1000 pages) several times, so
 * the writer checkpoints and restarts the WAL from its start while we
 * read: nothing lost, nothing twice. */
static void test_across_checkpoints(void **state)
{
    char err[QH_ERRLEN];
    struct qh_store *s = tu_store_new("watch-ckpt");
    struct qh_watch *w;
    pid_t pid;

    (void)state;
    assert_int_equal(qh_watch_open(&w, s, tu_last_event(s), err,
                                   sizeof err), 0);
    pid = spawn_writer(qh_store_path(s), 2500, 0, 0, 400, 0);
    collect(w, 0, 2500, 120000, NULL);
    reap(pid);
    assert_quiet(w, 200);
    /* wal_checkpoint(TRUNCATE) cuts -wal to zero bytes in place: the
     * watch must keep waking promptly for the next writer, not fall back
     * to its slow timeout. */
    int64_t lat_max;
    assert_int_equal(qh_store_checkpoint(s, 1, err, sizeof err), 0);
    pid = spawn_writer(qh_store_path(s), 8, 2500, 400000, 0, 100);
    collect(w, 2500, 8, HANG_MS, &lat_max);
    reap(pid);
    print_message("after TRUNCATE: worst of 8 commit-to-delivery %lld us\n",
                  (long long)lat_max);
    assert_quiet(w, 200);
    qh_watch_close(w);
    qh_store_close(s);
}

/* ":memory:" has no file to watch: fd -1, 100 ms polling, still works. */
static void test_without_inotify(void **state)
{
    char err[QH_ERRLEN];
    struct qh_store *s;
    struct qh_watch *w;
    struct qh_event_row ev;
    int64_t t0, ms;

    (void)state;
    assert_int_equal(qh_store_open(&s, ":memory:", 0, err, sizeof err), 0);
    assert_int_equal(qh_watch_open(&w, s, tu_last_event(s), err,
                                   sizeof err), 0);
    assert_int_equal(qh_watch_fd(w), -1);
    assert_int_equal(qh_watch_timeout_ms(w), 100);
    t0 = mono_ns();
    assert_int_equal(qh_watch_wait(w, 150, &ev, 1, err, sizeof err), 0);
    ms = (mono_ns() - t0) / 1000000;
    if (ms < 150 || ms > HANG_MS)
        fail_msg("wait(150) without inotify took %lld ms", (long long)ms);
    assert_int_equal(add_event(s, 0, 0, err, sizeof err), 0);
    assert_int_equal(qh_watch_wait(w, 1000, &ev, 1, err, sizeof err), 1);
    assert_int_equal(detail_num(&ev, "i"), 0);
    qh_watch_close(w);
    qh_store_close(s);
}

/* PostgreSQL: the server ended the session (an administrator, a restart
 * of the server) and the store's next write reset the connection under
 * the watch.  The new session listens to nothing: the watch must say
 * "read now" at once and listen again, so that the commits after it wake
 * the reader each in turn, not at its 5 s fallback. */
static void test_session_reset_under_watch(void **state)
{
    char err[QH_ERRLEN];
    struct qh_store *s = tu_store_new("watch-reset");
    struct qh_watch *w;
    struct qh_event_row ev;
    int64_t lat_max;
    pid_t pid;

    (void)state;
    assert_int_equal(qh_watch_open(&w, s, tu_last_event(s), err,
                                   sizeof err), 0);
    assert_true(qh_watch_timeout_ms(w) > 0);
    if (tu_pg_terminate(qh_store_path(s), err, sizeof err) < 0)
        fail_msg("terminate: %s", err);
    if (add_event(s, 0, 0, err, sizeof err) < 0)
        fail_msg("a write after the session ended: %s", err);
    assert_int_equal(qh_watch_timeout_ms(w), 0);
    assert_int_equal(qh_watch_read(w, &ev, 1, err, sizeof err), 1);
    assert_int_equal(detail_num(&ev, "i"), 0);
    assert_true(qh_watch_timeout_ms(w) > 0);
    pid = spawn_writer(qh_store_path(s), 6, 1, 400000, 0, 100);
    collect(w, 1, 6, HANG_MS, &lat_max);
    reap(pid);
    assert_quiet(w, 200);
    qh_watch_close(w);
    qh_store_close(s);
}

int main(int argc, char **argv)
{
    /* What any backend's feed must do ... */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_after_and_own_writes),
        cmocka_unit_test(test_idle_wait_times_out),
        cmocka_unit_test(test_other_process_in_order),
        cmocka_unit_test(test_each_commit_wakes),
    };
    /* ... and how SQLite's finds the commits: its -wal file, checkpoints,
     * the database without a file. */
    const struct CMUnitTest sqlite_files[] = {
        cmocka_unit_test(test_other_files_ignored),
        cmocka_unit_test(test_wal_disappears),
        cmocka_unit_test(test_across_checkpoints),
        cmocka_unit_test(test_without_inotify),
    };
    /* ... and how PostgreSQL's survives its session. */
    const struct CMUnitTest pg_sessions[] = {
        cmocka_unit_test(test_session_reset_under_watch),
    };
    int failed;

    if (argc > 1 && strcmp(argv[1], "--writer") == 0)
        return writer_main(argc, argv);
    failed = cmocka_run_group_tests_name("watch", tests, NULL, NULL);
    if (!tu_store_pg())
        failed += cmocka_run_group_tests_name("watch on SQLite's files",
                                              sqlite_files, NULL, NULL);
    else
        failed += cmocka_run_group_tests_name("watch on PostgreSQL's sessions",
                                              pg_sessions, NULL, NULL);
    return failed;
}
