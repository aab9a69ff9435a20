/* bench_counter.c: the counter's key press "call next" (F1) to the hall
 * display's model showing that number, p50/p99.
 *
 * Same method as bench_display.c: the counter model commits in one
 * process, the display model (qh_watch + qh_display_model_event, as in
 * qhall-display) receives it in another; both stamp CLOCK_MONOTONIC,
 * which every process of the machine shares.  Each round the counter
 * presses F1 (timed), then F4, F5 and Esc (start, finish, skip the
 * rating: not timed) so the next F1 can call.  QHALL_BENCH_N sets the
 * rounds (300).  Prints `bench: NAME VALUE UNIT`; asserts nothing. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../counter/model.h"
#include "benchutil.h"
#include "model.h"
#include "qh/watch.h"
#include "rawwatch.h"
#include "source.h"

enum { GAP_US = 2000, STALL_MS = 10000 };

static int counter_proc(const char *path, int n, int ready_fd, int out_fd)
{
    struct qh_store *s = bu_store_open(path);
    struct qh_counter_model *m = calloc(1, sizeof *m);
    int64_t *t = calloc((size_t)n, sizeof *t);
    char c;
    int status = 1;
    if (!s || !m || !t)
        goto out;
    struct qh_counter_opts o = {QH_LANG_ZH, 1, 0};
    qh_counter_model_init(m, &o, 0);
    qh_counter_model_store(m, s, NULL);
    const char *pin = "1234";
    qh_counter_model_text(m, "s01");
    qh_counter_model_key(m, QH_CK_TAB);
    for (const char *p = pin; *p; p++)
        qh_counter_model_text(m, (char[2]){*p, 0});
    qh_counter_model_key(m, QH_CK_ENTER);
    if (!m->logged_in || read(ready_fd, &c, 1) != 1) {
        fprintf(stderr, "bench_counter: counter: %s\n", m->msg);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        t[i] = bu_ns();
        qh_counter_model_key(m, QH_CK_F1);
        if (!m->has_ticket) {
            fprintf(stderr, "bench_counter: F1: %s\n", m->msg);
            goto out;
        }
        qh_counter_model_key(m, QH_CK_F4);
        qh_counter_model_key(m, QH_CK_F5);
        qh_counter_model_key(m, QH_CK_ESC);
        sleep_us(GAP_US);
    }
    if (write_all(out_fd, t, (size_t)n * sizeof *t) == 0)
        status = 0;
out:
    qh_store_close(s);
    free(m);
    free(t);
    return status;
}

static int display_proc(const char *path, int n, int ready_fd, int out_fd)
{
    char err[QH_ERRLEN], want[QH_NUMBER_LEN];
    struct qh_store *s = bu_store_open(path);
    struct qh_watch *w = NULL;
    struct qh_display_model *m = calloc(1, sizeof *m);
    struct qh_dm_snapshot *snap = calloc(1, sizeof *snap);
    struct qh_event_row evs[64];
    int64_t *t = calloc((size_t)n, sizeof *t);
    int got = 0, status = 1;
    if (!s || !m || !snap || !t)
        goto out;
    qh_display_model_init(m, QH_LANG_ZH, 0, qh_clock_now());
    int64_t last;
    if (qh_display_source_snapshot(s, snap, err, sizeof err) < 0 ||
        qh_store_last_event_id(s, &last, err, sizeof err) < 0 ||
        qh_watch_open(&w, s, last, err, sizeof err) < 0) {
        fprintf(stderr, "bench_counter: display: %s\n", err);
        goto out;
    }
    qh_display_model_snapshot(m, snap, qh_clock_now());
    if (write_all(ready_fd, "r", 1) < 0)
        goto out;
    snprintf(want, sizeof want, "A%03d", 1);
    while (got < n) {
        int rc = qh_watch_wait(w, STALL_MS, evs, 64, err, sizeof err);
        if (rc <= 0) {
            fprintf(stderr, "bench_counter: display stalled at %d\n", got);
            goto out;
        }
        for (int i = 0; i < rc && got < n; i++) {
            qh_display_model_event(m, &evs[i], qh_clock_now());
            if (m->has_current && !strcmp(m->current.number, want)) {
                t[got++] = bu_ns();
                snprintf(want, sizeof want, "A%03d", got + 1);
            }
        }
    }
    if (write_all(out_fd, t, (size_t)n * sizeof *t) == 0)
        status = 0;
out:
    qh_watch_close(w);
    qh_store_close(s);
    free(m);
    free(snap);
    free(t);
    return status;
}

int main(void)
{
    char dir[512], path[PATH_MAX], err[QH_ERRLEN];
    int n = bu_scaled(getenv("QHALL_BENCH_N") ? atoi(getenv("QHALL_BENCH_N")) : 300, 20);
    int ok = 1;
    int64_t *tc = calloc((size_t)n, sizeof *tc), *td = calloc((size_t)n, sizeof *td);
    int64_t *lat = calloc((size_t)n, sizeof *lat);

    if (!tc || !td || !lat || n > 999 || bu_tmpdir(dir, sizeof dir, "counter") < 0)
        return 1;
    bu_clock("2026-11-25T09:00:00+08:00");
    if (bu_path(path, sizeof path, dir, "counter.db") < 0)
        return 1;
    struct qh_store *s = bu_store_new(path);
    if (!s || qh_staff_add(s, "s01", "bench", "staff", "1234", err, sizeof err) < 0)
        return 1;
    for (int i = 0; i < n; i++) {
        struct qh_issue_req req = {NULL, "A", NULL, 0, 0};
        if (qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err) < 0) {
            fprintf(stderr, "bench_counter: issue: %s\n", err);
            return 1;
        }
    }
    qh_store_close(s);
    if (rw_pair(display_proc, counter_proc, path, n, td, (size_t)n * sizeof *td, tc,
                (size_t)n * sizeof *tc) < 0)
        ok = 0;
    if (ok) {
        for (int i = 0; i < n; i++)
            lat[i] = td[i] - tc[i];
        fprintf(stderr, "bench_counter: n=%d, synchronous=%s\n", n,
                sync_normal() ? "NORMAL" : "FULL");
        printf("bench: counter_call_to_display_p50 %.1f us\n", bu_pct_i64(lat, n, 50) / 1000.0);
        printf("bench: counter_call_to_display_p99 %.1f us\n", bu_pct_i64(lat, n, 99) / 1000.0);
    } else {
        fprintf(stderr, "bench_counter: run failed\n");
    }
    bu_unlink_db(path);
    rmdir(dir);
    free(tc);
    free(td);
    free(lat);
    return ok ? 0 : 1;
}
