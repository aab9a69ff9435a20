/* bench_display.c: the hall display's costs.
 *
 *  - commit in another process -> the display model updated (the same
 *    path as qhall-display: qh_watch + qh_display_model_event), p50/p99,
 *    against the bare SQLite commit -> inotify baseline of rawwatch.h
 *    measured in the same run, alternating in rounds;
 *  - a full frame (layout + drawing from cached text) at 1920x1080 and
 *    1080x1920, and a cold frame whose texts are all new;
 *  - a running qhall-display (headless, --mute) left idle for 10 s: CPU,
 *    and its resident memory with fonts loaded; then again with a notice
 *    too long for its line, which scrolls (a marquee frame every 40 ms).
 *
 * QHALL_BENCH_N sets the latency samples (1000), QHALL_BENCH_IDLE_S the
 * idle time (10).  Prints `bench: NAME VALUE UNIT`; asserts nothing. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchutil.h"
#include "model.h"
#include "qh/ticket.h"
#include "qh/ui.h"
#include "qh/watch.h"
#include "rawwatch.h"
#include "source.h"
#include "view.h"

enum { GAP_US = 2000, STALL_MS = 10000, ROUNDS = 5 };

/* ---- latency: writer and display-model reader ---- */

static int qh_writer(const char *path, int n)
{
    char err[QH_ERRLEN];
    struct qh_store *s = bu_store_open(path);
    if (!s)
        return 1;
    for (int i = 0; i < n; i++) {
        struct qh_event_row ev;
        int rc;
        memset(&ev, 0, sizeof ev);
        /* An issue in queue A: the model's waiting count moves. */
        snprintf(ev.type, sizeof ev.type, "issued");
        snprintf(ev.queue, sizeof ev.queue, "A");
        snprintf(ev.number, sizeof ev.number, "A%03d", i % 1000);
        ev.at = qh_clock_now();
        rc = qh_store_begin(s, err, sizeof err);
        if (rc >= 0) {
            snprintf(ev.detail, sizeof ev.detail, "{\"i\":%d,\"t_ns\":%lld}", i,
                     (long long)bu_ns());
            rc = qh_store_event_add(s, &ev, err, sizeof err);
            rc = rc < 0 ? (qh_store_rollback(s), rc) : qh_store_commit(s, err, sizeof err);
        }
        if (rc < 0) {
            fprintf(stderr, "bench_display: writer: %s\n", err);
            qh_store_close(s);
            return 1;
        }
        sleep_us(GAP_US);
    }
    qh_store_close(s);
    return 0;
}

static int qh_reader(const char *path, int n, int ready_fd, int out_fd)
{
    char err[QH_ERRLEN];
    struct qh_store *s = bu_store_open(path);
    struct qh_watch *w = NULL;
    struct qh_display_model *m = calloc(1, sizeof *m);
    struct qh_dm_snapshot *snap = calloc(1, sizeof *snap);
    struct qh_event_row evs[64];
    int64_t *lat = calloc((size_t)n, sizeof *lat);
    int got = 0, status = 1;

    if (!s || !m || !snap || !lat)
        goto out;
    qh_display_model_init(m, QH_LANG_ZH, 0, qh_clock_now());
    int64_t last;
    if (qh_display_source_snapshot(s, snap, err, sizeof err) < 0 ||
        qh_store_last_event_id(s, &last, err, sizeof err) < 0 ||
        qh_watch_open(&w, s, last, err, sizeof err) < 0) {
        fprintf(stderr, "bench_display: reader: %s\n", err);
        goto out;
    }
    qh_display_model_snapshot(m, snap, qh_clock_now());
    if (write_all(ready_fd, "r", 1) < 0)
        goto out;
    while (got < n) {
        int rc = qh_watch_wait(w, STALL_MS, evs, 64, err, sizeof err);
        if (rc <= 0) {
            fprintf(stderr, "bench_display: reader stalled at %d\n", got);
            goto out;
        }
        for (int i = 0; i < rc && got < n; i++) {
            int64_t before = qh_display_model_waiting(m, "A");
            qh_display_model_event(m, &evs[i], qh_clock_now());
            int64_t now = bu_ns();
            const char *p = strstr(evs[i].detail, "\"t_ns\":");
            if (!p || qh_display_model_waiting(m, "A") != before + 1) {
                fprintf(stderr, "bench_display: event %d not applied\n", got);
                goto out;
            }
            lat[got++] = now - strtoll(p + 7, NULL, 10);
        }
    }
    if (write_all(out_fd, lat, (size_t)n * sizeof *lat) == 0)
        status = 0;
out:
    qh_watch_close(w);
    qh_store_close(s);
    free(m);
    free(snap);
    free(lat);
    return status;
}


static int latency(const char *dir)
{
    const struct rw_subject subject = {"display.db", qh_reader, qh_writer, GAP_US, STALL_MS};
    int n = bu_scaled(getenv("QHALL_BENCH_N") ? atoi(getenv("QHALL_BENCH_N")) : 1000, 50);
    int64_t *lq = calloc((size_t)n, sizeof *lq), *lb = calloc((size_t)n, sizeof *lb);
    char path[PATH_MAX], base[PATH_MAX];
    int rc = -1;

    if (bu_path(path, sizeof path, dir, "display.db") < 0 ||
        bu_path(base, sizeof base, dir, "baseline.db") < 0) {
        fprintf(stderr, "bench_display: %s: path too long\n", dir);
        free(lq);
        free(lb);
        return -1;
    }
    /* The display's database needs a hall; the child processes open it. */
    struct qh_store *s = bu_store_new(path);
    if (!s || !lq || !lb)
        goto out;
    qh_store_close(s);
    for (int r = 0, done = 0; r < ROUNDS; r++) {
        int m = r < ROUNDS - 1 ? n / ROUNDS : n - done;
        if (m > 0 && (rw_run(QHALL, &subject, dir, m, lq + done) < 0 ||
                      rw_run(BASELINE, &subject, dir, m, lb + done) < 0)) {
            fprintf(stderr, "bench_display: latency run failed\n");
            goto out;
        }
        done += m;
    }
    double q50 = bu_pct_i64(lq, n, 50) / 1000.0, q99 = bu_pct_i64(lq, n, 99) / 1000.0;
    double b50 = bu_pct_i64(lb, n, 50) / 1000.0, b99 = bu_pct_i64(lb, n, 99) / 1000.0;
    fprintf(stderr, "bench_display: n=%d, synchronous=%s\n", n, sync_normal() ? "NORMAL" : "FULL");
    printf("bench: display_model_latency_p50 %.1f us\n", q50);
    printf("bench: display_model_latency_p99 %.1f us\n", q99);
    printf("bench: display_baseline_inotify_latency_p50 %.1f us\n", b50);
    printf("bench: display_baseline_inotify_latency_p99 %.1f us\n", b99);
    printf("bench: display_model_latency_p99_ratio %.2f x\n", b99 > 0 ? q99 / b99 : 0);
    fflush(stdout);
    rc = 0;
out:
    bu_unlink_db(path);
    bu_unlink_db(base);
    free(lq);
    free(lb);
    return rc;
}

/* ---- frames ---- */

static void fill_model(struct qh_display_model *m, int salt)
{
    struct qh_dm_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return;
    snprintf(s->day, sizeof s->day, "2026-11-25");
    qh_conf_defaults(&s->hall);
    s->nwindows = s->hall.nwindows;
    s->nqueues = s->hall.nqueues;
    for (int i = 0; i < s->nwindows; i++) {
        s->windows[i].number = s->hall.windows[i].number;
        snprintf(s->windows[i].staff, sizeof s->windows[i].staff, "w%d", i);
        snprintf(s->windows[i].ticket, sizeof s->windows[i].ticket, "%c%03d", 'A' + i % 3,
                 salt + i);
        s->windows[i].ticket_state = 1 + i % 2;
    }
    for (int i = 0; i < s->nqueues; i++) {
        snprintf(s->queues[i].code, sizeof s->queues[i].code, "%s", s->hall.queues[i].code);
        s->queues[i].waiting = salt % 50 + i;
    }
    s->nrecent = QH_DM_RECENT;
    for (int i = 0; i < QH_DM_RECENT; i++) {
        snprintf(s->recent[i].number, sizeof s->recent[i].number, "B%03d", salt + i);
        s->recent[i].window = 1 + i % 5;
    }
    m->has_current = 0;
    qh_display_model_snapshot(m, s, m->now);
    free(s);
}

static int frames(void)
{
    char err[QH_ERRLEN];
    SDL_Surface *surf[2];
    SDL_Renderer *r[2];
    struct qh_display_view *v[2];
    static const int size[2][2] = {{1920, 1080}, {1080, 1920}};
    struct qh_display_model *m = calloc(1, sizeof *m);
    enum { N = 200 };
    double warm[2][N], cold[20];

    if (!m)
        return -1;
    qh_display_model_init(m, QH_LANG_ZH, 0, qh_clock_now());
    qh_display_model_connection(m, 1, NULL);
    fill_model(m, 1);
    for (int k = 0; k < 2; k++)
        if (qh_ui_offscreen(size[k][0], size[k][1], &surf[k], &r[k], err, sizeof err) < 0 ||
            qh_display_view_new(&v[k], r[k], err, sizeof err) < 0) {
            fprintf(stderr, "bench_display: %s\n", err);
            return -1;
        }
    for (int k = 0; k < 2; k++) {
        qh_display_view_draw(v[k], m, size[k][0], size[k][1]);   /* warm the caches */
        for (int i = 0; i < N; i++) {
            int64_t t0 = bu_ns();
            qh_display_view_draw(v[k], m, size[k][0], size[k][1]);
            warm[k][i] = (bu_ns() - t0) / 1e6;
        }
    }
    /* Cold: every number on screen is new (a busy hall, a new call). */
    for (int i = 0; i < 20; i++) {
        fill_model(m, 100 + i * 10);
        int64_t t0 = bu_ns();
        qh_display_view_draw(v[0], m, size[0][0], size[0][1]);
        cold[i] = (bu_ns() - t0) / 1e6;
    }
    printf("bench: display_frame_1920x1080_median %.2f ms\n", bu_median(warm[0], N));
    printf("bench: display_frame_1080x1920_median %.2f ms\n", bu_median(warm[1], N));
    printf("bench: display_frame_new_texts_median %.2f ms\n", bu_median(cold, 20));
    fflush(stdout);
    for (int k = 0; k < 2; k++) {
        qh_display_view_free(v[k]);
        SDL_DestroyRenderer(r[k]);
        SDL_FreeSurface(surf[k]);
    }
    free(m);
    return 0;
}

/* ---- a running display, idle ---- */

/* A database whose hall notice is `notice` (NULL: the default one). */
static int idle_db(const char *db, const char *notice)
{
    char err[4096] = "";
    struct qh_store *s = NULL;
    struct qh_hall_conf c;
    int rc = -1;

    if (!notice) {
        s = bu_store_new(db);
        qh_store_close(s);
        return s ? 0 : -1;
    }
    qh_conf_defaults(&c);
    snprintf(c.notice, sizeof c.notice, "%s", notice);
    if (qh_store_open(&s, db, 0, err, sizeof err) == 0 &&
        qh_hall_init(s, &c, 0, err, sizeof err) >= 0)
        rc = 0;
    else
        fprintf(stderr, "bench_display: %s: %s\n", db, err);
    qh_store_close(s);
    return rc;
}

/* Run qhall-display (headless, --mute) on a fresh database for the idle
 * time; its CPU in percent of one core and its RSS. */
static int idle_run(const char *dir, const char *notice, double *cpu, long *rss)
{
    char exe[PATH_MAX], prog[PATH_MAX + 32], db[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    int secs = getenv("QHALL_BENCH_IDLE_S") ? atoi(getenv("QHALL_BENCH_IDLE_S")) : 10;

    if (k <= 0)
        return -1;
    exe[k] = '\0';
    *strrchr(exe, '/') = '\0';          /* BUILD/tests/bench */
    snprintf(prog, sizeof prog, "%s/../../display/qhall-display", exe);
    if (bu_path(db, sizeof db, dir, "idle.db") < 0 || idle_db(db, notice) < 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        if (!freopen("/dev/null", "w", stderr))
            _exit(127);
        execl(prog, "qhall-display", "--db", db, "--mute", (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    sleep(2);                           /* start, first frame, fonts */
    long long t0 = bu_proc_cpu_ticks(pid);
    int64_t w0 = bu_ns();
    sleep((unsigned)(secs > 0 ? secs : 10));
    long long t1 = bu_proc_cpu_ticks(pid);
    int64_t w1 = bu_ns();
    *rss = bu_proc_status_kb(pid, "VmRSS");
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
    bu_unlink_db(db);
    if (t0 < 0 || t1 < 0) {
        fprintf(stderr, "bench_display: %s did not run\n", prog);
        return -1;
    }
    *cpu = (double)(t1 - t0) / (double)sysconf(_SC_CLK_TCK) / ((w1 - w0) / 1e9) * 100;
    return 0;
}

/* Idle with the default notice (it fits: no marquee, the loop sleeps), and
 * idle with a notice too long for its line (a marquee frame every
 * QH_DM_MARQUEE_FRAME_MS, only the notice band redrawn headless). */
static int idle(const char *dir)
{
    static const char long_notice[] =
        "请提前准备好身份证件和申请材料；办不成事请到5号窗口反映；请保持安静，"
        "勿在大厅内吸烟；需要帮助请找穿红马甲的志愿者；谢谢您的配合与支持。";
    double cpu;
    long rss;

    if (idle_run(dir, NULL, &cpu, &rss) < 0)
        return -1;
    printf("bench: display_idle_cpu %.3f %%\n", cpu);
    printf("bench: display_rss %.1f MB\n", rss / 1024.0);
    fflush(stdout);
    if (idle_run(dir, long_notice, &cpu, &rss) < 0)
        return -1;
    printf("bench: idle_cpu_scrolling_notice_pct %.3f %%\n", cpu);
    fflush(stdout);
    return 0;
}

int main(void)
{
    char dir[PATH_MAX];
    int rc = 0;

    if (bu_clock("2026-11-25T09:00:00+08:00") < 0 || bu_tmpdir(dir, sizeof dir, "display") < 0)
        return 1;
    if (latency(dir) < 0)
        rc = 1;
    if (frames() < 0)
        rc = 1;
    if (idle(dir) < 0)
        rc = 1;
    rmdir(dir);
    return rc;
}
