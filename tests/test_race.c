/* test_race.c: many processes on one database, as in a real hall.
 *
 * Two kiosk processes issue while eight window processes call, start and
 * finish from the same queues at full speed.  Every ticket must be called
 * exactly once, none lost, none twice, and the database must pass
 * qh_store_check afterwards.  On PostgreSQL, where a hall of several PCs
 * shares one server, a busy morning of a big hall: four kiosks issue 150
 * tickets each while twenty windows call. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "qh/clock.h"
#include "qh/ticket.h"

/* The most of either backend, for the arrays; the run's own numbers are
 * set in main. */
#define MAX_KIOSKS 4
#define MAX_WINDOWS 20
#define MAX_TICKETS 600

static int nkiosks = 2, nwindows = 8, per_kiosk = 300;

static char path[512];
static char done_marker[600];

static void kiosk(int k)
{
    char err[QH_ERRLEN];
    struct qh_store *s;
    if (qh_store_open(&s, path, 0, err, sizeof err) < 0)
        _exit(10);
    static const char *const queues[] = {"A", "B", "C"};
    for (int i = 0; i < per_kiosk; i++) {
        struct qh_issue_req req = {.queue = queues[(i + k) % 3],
                                   .green = i % 7 == 0 ? "elderly" : NULL};
        if (qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err) < 0) {
            fprintf(stderr, "kiosk %d: %s\n", k, err);
            _exit(11);
        }
    }
    qh_store_close(s);
    _exit(0);
}

static void window(int w, int fd)
{
    char err[QH_ERRLEN];
    struct qh_store *s;
    struct qh_ticket_row t;
    if (qh_store_open(&s, path, 0, err, sizeof err) < 0)
        _exit(20);
    int idle = 0;
    for (;;) {
        int rc = qh_ticket_call_next(s, w, &t, err, sizeof err);
        if (rc == QH_E_EMPTY) {
            /* Finished only when the kiosks are done and the queues are
             * still empty after that. */
            if (access(done_marker, F_OK) == 0 && ++idle > 3)
                break;
            usleep(2000);
            continue;
        }
        if (rc < 0) {
            fprintf(stderr, "window %d: call: %s\n", w, err);
            _exit(21);
        }
        idle = 0;
        dprintf(fd, "%s\n", t.number);
        if (qh_ticket_start(s, w, &t, err, sizeof err) < 0 ||
            qh_ticket_finish(s, w, "done", NULL, &t, err, sizeof err) < 0) {
            fprintf(stderr, "window %d: %s\n", w, err);
            _exit(22);
        }
    }
    qh_store_close(s);
    _exit(0);
}

static int count(const struct qh_ticket_row *t, void *ud)
{
    (void)t;
    (void)ud;
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void windows_and_kiosks_race(void **state)
{
    (void)state;
    char err[4096];
    struct qh_store *s;
    struct qh_hall_conf c;
    qh_conf_defaults(&c);
    /* The windows, every one serving all three queues in its own order,
     * so they all compete for the same tickets. */
    static const char *const orders[3][3] = {{"A", "B", "C"}, {"B", "C", "A"},
                                             {"C", "A", "B"}};
    c.nwindows = nwindows;
    for (int i = 0; i < nwindows; i++) {
        struct qh_window_conf *w = &c.windows[i];
        memset(w, 0, sizeof *w);
        w->number = i + 1;
        snprintf(w->name, sizeof w->name, "窗口%d", i + 1);
        w->nqueues = 3;
        for (int j = 0; j < 3; j++)
            snprintf(w->queues[j], sizeof w->queues[j], "%s", orders[i % 3][j]);
        w->overflow_minutes = i % 2 ? 1 : 0;
    }
    snprintf(path, sizeof path, "%s", tu_db_path("race"));
    /* Files beside the database: the database may be on a server. */
    char files[512];
    snprintf(files, sizeof files, "%s", tu_tmp_path("race"));
    snprintf(done_marker, sizeof done_marker, "%s.done", files);
    unlink(done_marker);
    assert_int_equal(qh_store_open(&s, path, 0, err, sizeof err), 0);
    if (qh_hall_init(s, &c, 0, err, sizeof err) < 0)
        fail_msg("init: %s", err);
    qh_store_close(s);

    char out[MAX_WINDOWS][600];
    pid_t kids[MAX_WINDOWS];
    int nk = 0;
    for (int w = 0; w < nwindows; w++) {
        snprintf(out[w], sizeof out[w], "%s.w%d", files, w + 1);
        int fd = open(out[w], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        assert_true(fd >= 0);
        pid_t p = fork();
        assert_true(p >= 0);
        if (p == 0)
            window(w + 1, fd);
        close(fd);
        kids[nk++] = p;
    }
    pid_t kiosks[MAX_KIOSKS];
    for (int k = 0; k < nkiosks; k++) {
        kiosks[k] = fork();
        assert_true(kiosks[k] >= 0);
        if (kiosks[k] == 0)
            kiosk(k);
    }
    for (int k = 0; k < nkiosks; k++) {
        int st;
        assert_int_equal(waitpid(kiosks[k], &st, 0), kiosks[k]);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    FILE *f = fopen(done_marker, "w");
    assert_non_null(f);
    fclose(f);
    for (int i = 0; i < nk; i++) {
        int st;
        assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            fail_msg("window process %d failed (status %d)", i + 1, st);
    }

    /* Every number called exactly once across all windows. */
    char *numbers[MAX_TICKETS + 1];
    int n = 0, busy_windows = 0;
    for (int w = 0; w < nwindows; w++) {
        FILE *in = fopen(out[w], "r");
        assert_non_null(in);
        char line[32];
        int mine = 0;
        while (fgets(line, sizeof line, in)) {
            line[strcspn(line, "\n")] = '\0';
            assert_true(n < nkiosks * per_kiosk);
            numbers[n++] = strdup(line);
            mine++;
        }
        fclose(in);
        unlink(out[w]);
        busy_windows += mine > 0;
    }
    assert_int_equal(n, nkiosks * per_kiosk);
    print_message("busy windows: %d\n", busy_windows);
    assert_true(busy_windows >= 4);   /* they really competed */
    qsort(numbers, (size_t)n, sizeof numbers[0], cmp);
    for (int i = 1; i < n; i++)
        if (!strcmp(numbers[i - 1], numbers[i]))
            fail_msg("%s was called twice", numbers[i]);
    for (int i = 0; i < n; i++)
        free(numbers[i]);

    assert_int_equal(qh_store_open(&s, path, 0, err, sizeof err), 0);
    char report[8192];
    int problems = qh_store_check(s, report, sizeof report, err, sizeof err);
    if (problems != 0)
        fail_msg("check: %d problems:\n%s", problems, report);
    char day[11];
    qh_hall_today(s, day);
    assert_int_equal(qh_store_ticket_each(s, day, QH_TICKET_FINISHED, count, NULL),
                     nkiosks * per_kiosk);
    assert_int_equal(qh_store_ticket_each(s, day, QH_TICKET_WAITING, count, NULL), 0);
    qh_store_close(s);
    unlink(done_marker);
}

int main(void)
{
    /* The kiosks and windows all use one fixed day and hour. */
    setenv("QHALL_NOW", "2026-11-25T10:00:00+08:00", 1);
    if (tu_store_pg()) {
        nkiosks = 4;
        nwindows = 20;
        per_kiosk = 150;
    }
    if (nkiosks > MAX_KIOSKS || nwindows > MAX_WINDOWS || nkiosks * per_kiosk > MAX_TICKETS)
        return 1;
    print_message("%d kiosks x %d tickets, %d windows\n", nkiosks, per_kiosk, nwindows);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(windows_and_kiosks_race),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
