/* test_crash.c: kill -9 at random instants of a busy hall, 200+ times.
 *
 * A child process runs every kind of operation as fast as it can (and
 * crosses midnight now and then, so rollovers are killed too); the parent
 * kills it after a random delay and checks the database each time with
 * qh_store_check, and every 25 rounds with the real `qhall check`.
 *
 * The seed (printed; QHALL_SEED=N replays it) picks each round's
 * operations and the delay before its kill; where the kill lands in the
 * work still depends on the machine's speed. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "qh/clock.h"
#include "qh/ticket.h"

static char path[512];

static void busy(unsigned run_seed, int round, int ready)
{
    char err[QH_ERRLEN];
    struct qh_store *s;
    struct qh_ticket_row t;
    /* A new service day every 40 rounds. */
    int64_t base;
    qh_clock_parse("2026-11-25T09:00:00+08:00", NULL, &base, NULL, 0);
    int64_t now = base + (int64_t)(round / 40) * 86400000LL;
    qh_clock_set(now);
    if (qh_store_open(&s, path, 0, err, sizeof err) < 0)
        _exit(3);
    /* Tell the parent the work starts now: start-up time varies a lot
     * (sanitizers, a loaded machine) and kills should land in the work. */
    if (write(ready, "r", 1) != 1)
        _exit(4);
    unsigned seed = run_seed ^ (unsigned)round * 2654435761u;
    static const char *const queues[] = {"A", "B", "C"};
    for (int i = 0;; i++) {
        /* ... and once the first operation is in: from then on the
         * parent's kill lands in work that has already written. */
        if (i == 1) {
            if (write(ready, "w", 1) != 1)
                _exit(4);
            close(ready);
        }
        now += 1000;
        qh_clock_set(now);
        int w = 1 + (int)(rand_r(&seed) % 5);
        /* The first operation always writes: a ticket. */
        switch (i == 0 ? 0 : (int)(rand_r(&seed) % 9)) {
        case 0: case 1: {
            struct qh_issue_req req = {.queue = queues[rand_r(&seed) % 3],
                                       .green = rand_r(&seed) % 5 ? NULL : "elderly"};
            if (qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err) < 0 && i == 0) {
                fprintf(stderr, "round %d: first issue: %s\n", round, err);
                _exit(5);
            }
            break;
        }
        case 2: qh_ticket_call_next(s, w, &t, err, sizeof err); break;
        case 3: qh_ticket_start(s, w, &t, err, sizeof err); break;
        case 4: qh_ticket_finish(s, w, rand_r(&seed) % 4 ? "done" : "failed", NULL,
                                 &t, err, sizeof err);
            break;
        case 5: qh_ticket_recall(s, w, &t, err, sizeof err); break;
        case 6: {
            struct qh_transfer_to to = {.queue = queues[rand_r(&seed) % 3]};
            qh_ticket_transfer(s, w, &to, &t, err, sizeof err);
            break;
        }
        case 7:
            if (qh_ticket_hold(s, w, &t, err, sizeof err) == 0)
                qh_ticket_release(s, t.number, &t, err, sizeof err);
            break;
        case 8: qh_ticket_noshow(s, w, &t, err, sizeof err); break;
        }
    }
}

static int64_t events(void)
{
    char err[QH_ERRLEN];
    struct qh_store *s;
    if (qh_store_open(&s, path, 0, err, sizeof err) < 0)
        fail_msg("open: %s", err);
    int64_t n = tu_last_event(s);
    qh_store_close(s);
    return n;
}

static void kill_nine(void **state)
{
    (void)state;
    char err[4096], report[8192];
    struct qh_store *s;
    const char *env = getenv("QHALL_CRASH_ROUNDS");
    int rounds = env && atoi(env) > 0 ? atoi(env) : 200;
    const char *cli = getenv("QHALL_BIN");
    s = tu_store_new("crash");
    snprintf(path, sizeof path, "%s", qh_store_path(s));
    qh_store_close(s);
    print_message("database %s (kept)\n", path);
    const unsigned run_seed = tu_seed("test_crash", (unsigned)time(NULL) ^ (unsigned)getpid());
    unsigned seed = run_seed;
    int64_t first = events();
    int progressed = 0, waited = 0, cli_checks = 0;
    for (int r = 0; r < rounds; r++) {
        int64_t before = events();
        int pipefd[2];
        assert_int_equal(pipe(pipefd), 0);
        pid_t p = fork();
        assert_true(p >= 0);
        if (p == 0) {
            close(pipefd[0]);
            busy(run_seed, r, pipefd[1]);
        }
        close(pipefd[1]);
        /* One round in ten is killed while still opening the database,
         * one in ten in its first operations, the rest within 40 ms after
         * the first operation committed.  The signals, not the delays,
         * place the kills: a loaded machine only stretches the work. */
        char c;
        int phase = r % 10 == 9 ? 0 : r % 10 == 8 ? 1 : 2;
        if (phase >= 1 && read(pipefd[0], &c, 1) != 1)
            fail_msg("round %d: child died before starting", r);
        if (phase == 2 && read(pipefd[0], &c, 1) != 1)
            fail_msg("round %d: child died before its first operation", r);
        close(pipefd[0]);
        usleep(rand_r(&seed) % 40000);
        kill(p, SIGKILL);
        int st;
        assert_int_equal(waitpid(p, &st, 0), p);
        if (WIFEXITED(st))
            fail_msg("round %d: child exited early with %d", r, WEXITSTATUS(st));
        if (qh_store_open(&s, path, 0, err, sizeof err) < 0)
            fail_msg("round %d: open after kill: %s", r, err);
        int problems = qh_store_check(s, report, sizeof report, err, sizeof err);
        if (problems != 0)
            fail_msg("round %d: %d problems after kill -9:\n%s\n%s", r, problems,
                     report, err);
        qh_store_close(s);
        if (phase == 2 && events() <= before)
            fail_msg("round %d: the first operation's event was lost in the kill", r);
        progressed += events() > before;
        waited += phase == 2;
        if (cli && *cli && r % 25 == 24) {
            char cmd[1200];
            snprintf(cmd, sizeof cmd, "'%s' --db '%s' check >/dev/null", cli, path);
            int rc = system(cmd);
            if (rc != 0)
                fail_msg("round %d: qhall check exited with %d", r, rc);
            cli_checks++;
        }
    }
    /* Eight rounds in ten were killed in work that had written. */
    assert_true(progressed >= waited);
    assert_true(events() >= first + waited);
    if (cli && *cli)
        assert_int_equal(cli_checks, rounds / 25);
    print_message("%d rounds, %d with progress, %lld events\n", rounds, progressed,
                  (long long)events());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kill_nine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
