/* bench_pad.c: the counter's 办结 (F5) to the rating pad of its window
 * showing the five faces, in another process, p50/p99 (the issue's goal:
 * p99 <= 5 ms on SQLite, as for the display).
 *
 * As bench_counter.c: the counter model commits in one process, the pad
 * in another does what qhall-counter --pad does with each batch of the
 * change feed (qh_watch, qh_pad_model_events, the window's snapshot read
 * again with qh_pad_read) and then draws the frame at 800x480
 * offscreen; both stamp CLOCK_MONOTONIC.  Two figures: faces up in the
 * model (what the goal is about), and the frame drawn too.  Each round
 * the counter presses F1, F4 (not timed), F5 (timed from the press) and
 * Esc, and calls the next once the pad has shown the faces (a call ends
 * a rating); the pad then lets the citizen walk away (its clock moved
 * past the time-out) so the next finish starts from idle.  QHALL_BENCH_N sets the
 * rounds (300).  Prints `bench: NAME VALUE UNIT`; asserts nothing. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../counter/model.h"
#include "../../counter/pad.h"
#include "../../counter/pad_view.h"
#include "benchutil.h"
#include "qh/watch.h"
#include "qh/ui.h"
#include "rawwatch.h"

enum { GAP_US = 2000, STALL_MS = 10000, PAD_W = 800, PAD_H = 480 };

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
    qh_counter_model_text(m, "s01");
    qh_counter_model_key(m, QH_CK_TAB);
    for (const char *p = "1234"; *p; p++)
        qh_counter_model_text(m, (char[2]){*p, 0});
    qh_counter_model_key(m, QH_CK_ENTER);
    if (!m->logged_in || read(ready_fd, &c, 1) != 1) {
        fprintf(stderr, "bench_pad: counter: %s\n", m->msg);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        /* The next citizen is called once the pad has shown the faces
         * (a call would end the rating), as at a real window. */
        if (i > 0 && read(ready_fd, &c, 1) != 1)
            goto out;
        qh_counter_model_key(m, QH_CK_F1);
        qh_counter_model_key(m, QH_CK_F4);
        if (!m->has_ticket) {
            fprintf(stderr, "bench_pad: F1 F4: %s\n", m->msg);
            goto out;
        }
        sleep_us(GAP_US);           /* the pad shows the case first */
        t[i] = bu_ns();
        qh_counter_model_key(m, QH_CK_F5);
        if (m->panel != QH_CP_RATING) {
            fprintf(stderr, "bench_pad: F5: %s\n", m->msg);
            goto out;
        }
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

static int pad_proc(const char *path, int n, int ready_fd, int out_fd)
{
    char err[QH_ERRLEN];
    struct qh_store *s = bu_store_open(path);
    struct qh_watch *w = NULL;
    struct qh_pad_model *m = calloc(1, sizeof *m);
    struct qh_pad_window *win = calloc(1, sizeof *win);
    struct qh_event_row evs[64];
    int64_t *t = calloc(2 * (size_t)n, sizeof *t), mono = 1000, last;
    SDL_Surface *surf = NULL;
    SDL_Renderer *r = NULL;
    struct qh_pad_view *v = NULL;
    int got = 0, status = 1;
    if (!s || !m || !win || !t)
        goto out;
    qh_pad_attach(s, 1);
    qh_pad_model_init(m, 1, QH_LANG_ZH, mono);
    if (qh_ui_offscreen(PAD_W, PAD_H, &surf, &r, err, sizeof err) < 0 ||
        qh_pad_view_new(&v, r, err, sizeof err) < 0 ||
        qh_pad_read(s, 1, win, err, sizeof err) < 0 ||
        qh_store_last_event_id(s, &last, err, sizeof err) < 0 ||
        qh_watch_open(&w, s, last, err, sizeof err) < 0) {
        fprintf(stderr, "bench_pad: pad: %s\n", err);
        goto out;
    }
    qh_pad_model_window(m, win);
    qh_pad_view_draw(v, m);
    if (write_all(ready_fd, "r", 1) < 0)
        goto out;
    while (got < n) {
        int rc = qh_watch_wait(w, STALL_MS, evs, 64, err, sizeof err);
        if (rc <= 0) {
            fprintf(stderr, "bench_pad: pad stalled at %d\n", got);
            goto out;
        }
        qh_pad_model_tick(m, mono, qh_clock_now());
        qh_pad_model_events(m, evs, rc);
        if (qh_pad_read(s, 1, win, err, sizeof err) < 0) {
            fprintf(stderr, "bench_pad: pad: %s\n", err);
            goto out;
        }
        qh_pad_model_window(m, win);
        if (m->screen != QH_PS_RATE) {
            qh_pad_view_draw(v, m);
            continue;
        }
        t[2 * got] = bu_ns();
        qh_pad_view_draw(v, m);
        t[2 * got + 1] = bu_ns();
        got++;
        /* The citizen walks away: idle again for the next finish. */
        mono += 10 * 60 * 1000;
        qh_pad_model_tick(m, mono, qh_clock_now());
        struct qh_pad_action a;
        while (qh_pad_model_take(m, &a))
            ;
        if (m->screen == QH_PS_RATE) {
            fprintf(stderr, "bench_pad: the faces stay up\n");
            goto out;
        }
        if (got < n && write_all(ready_fd, "r", 1) < 0)
            goto out;
    }
    if (write_all(out_fd, t, 2 * (size_t)n * sizeof *t) == 0)
        status = 0;
out:
    qh_watch_close(w);
    qh_pad_view_free(v);
    if (r)
        SDL_DestroyRenderer(r);
    if (surf)
        SDL_FreeSurface(surf);
    qh_store_close(s);
    free(m);
    free(win);
    free(t);
    return status;
}

int main(void)
{
    char dir[512], path[PATH_MAX], err[QH_ERRLEN];
    int n = bu_scaled(getenv("QHALL_BENCH_N") ? atoi(getenv("QHALL_BENCH_N")) : 300, 20);
    int ok = 1;
    int64_t *tc = calloc((size_t)n, sizeof *tc), *tp = calloc(2 * (size_t)n, sizeof *tp);
    int64_t *lm = calloc((size_t)n, sizeof *lm), *lf = calloc((size_t)n, sizeof *lf);

    setenv("SDL_VIDEODRIVER", "dummy", 0);
    if (!tc || !tp || !lm || !lf || n > 999 || bu_tmpdir(dir, sizeof dir, "pad") < 0)
        return 1;
    bu_clock("2026-11-25T09:00:00+08:00");
    if (bu_path(path, sizeof path, dir, "pad.db") < 0)
        return 1;
    struct qh_store *s = bu_store_new(path);
    if (!s || qh_staff_add(s, "s01", "bench", "staff", "1234", err, sizeof err) < 0)
        return 1;
    for (int i = 0; i < n; i++) {
        struct qh_issue_req req = {"XK001", NULL, NULL, 0, 0};
        if (qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err) < 0) {
            fprintf(stderr, "bench_pad: issue: %s\n", err);
            return 1;
        }
    }
    qh_store_close(s);
    if (rw_pair(pad_proc, counter_proc, path, n, tp, 2 * (size_t)n * sizeof *tp, tc,
                (size_t)n * sizeof *tc) < 0)
        ok = 0;
    if (ok) {
        for (int i = 0; i < n; i++) {
            lm[i] = tp[2 * i] - tc[i];
            lf[i] = tp[2 * i + 1] - tc[i];
        }
        fprintf(stderr, "bench_pad: n=%d, synchronous=%s\n", n, sync_normal() ? "NORMAL" : "FULL");
        printf("bench: pad_finish_to_faces_p50 %.1f us\n", bu_pct_i64(lm, n, 50) / 1000.0);
        printf("bench: pad_finish_to_faces_p99 %.1f us\n", bu_pct_i64(lm, n, 99) / 1000.0);
        printf("bench: pad_finish_to_frame_p50 %.1f us\n", bu_pct_i64(lf, n, 50) / 1000.0);
        printf("bench: pad_finish_to_frame_p99 %.1f us\n", bu_pct_i64(lf, n, 99) / 1000.0);
    } else {
        fprintf(stderr, "bench_pad: run failed\n");
    }
    bu_unlink_db(path);
    rmdir(dir);
    free(tc);
    free(tp);
    free(lm);
    free(lf);
    return ok ? 0 : 1;
}
