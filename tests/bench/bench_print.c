/* bench_print.c: from the citizen's tap on 确认取号 to a print job
 * accepted by cupsd (a private one, started here in /tmp and stopped at
 * the end): issue + slip layout + ESC/POS + one local IPP job.  Goal: a
 * median under 100 ms.  Baselines in the same run: the bare CUPS job of
 * the same bytes, and the slip rendering alone. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cups/cups.h>

#include "benchutil.h"
#include "qh/print.h"
#include "qh/slip.h"

#include "../../kiosk/model.h"
#include "../../kiosk/printing.h"

#define N 100

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static double median_ms(int64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp64);
    return v[n / 2] / 1e6;
}

static char dir[64];
static char tests_dir[4096];

static void stop_cupsd(void)
{
    char cmd[8192];
    if (!dir[0])
        return;
    snprintf(cmd, sizeof cmd, "bash '%s/cups/stop.sh' '%s'; rm -rf '%s'", tests_dir, dir, dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_print: could not stop cupsd in %s\n", dir);
    dir[0] = '\0';
}

int main(void)
{
    char err[QH_ERRLEN], cmd[8192], db[128];
    struct qh_store *s = NULL;
    struct qh_hall_conf c;
    int count = 0;

    /* tests/ from this file's path (CMake compiles with absolute paths). */
    snprintf(tests_dir, sizeof tests_dir, "%s", __FILE__);
    char *cut = strstr(tests_dir, "/bench/bench_print.c");
    if (!cut || access("/usr/sbin/cupsd", X_OK) != 0) {
        fprintf(stderr, "bench_print: needs /usr/sbin/cupsd and the source tree: skipped\n");
        return 0;
    }
    *cut = '\0';
    snprintf(dir, sizeof dir, "/tmp/qhbench-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    snprintf(cmd, sizeof cmd, "bash '%s/cups/start.sh' '%s' >/dev/null", tests_dir, dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_print: cupsd did not start\n");
        return 1;
    }
    atexit(stop_cupsd);
    signal(SIGINT, SIG_DFL);
    snprintf(cmd, sizeof cmd, "%s/cups.sock", dir);
    setenv("CUPS_SERVER", cmd, 1);

    snprintf(db, sizeof db, "%s/bench.db", dir);
    qh_clock_set(1795568400000);            /* 2026-11-25 09:00 +08:00, a Wednesday */
    qh_conf_defaults(&c);
    snprintf(c.printer.name, sizeof c.printer.name, "slips");
    if (qh_store_open(&s, db, 0, err, sizeof err) < 0 ||
        qh_hall_init(s, &c, 0, err, sizeof err) < 0 ||
        qh_catalog_import(s, "services.csv", qh_asset_services_csv,
                          strlen(qh_asset_services_csv), &count, err, sizeof err) < 0) {
        fprintf(stderr, "bench_print: %s\n", err);
        return 1;
    }
    qh_store_set_actor(s, "kiosk:1");

    struct qh_kiosk_cups cups;
    struct qh_kiosk_opts o = {.lang = QH_LANG_ZH, .number = 1};
    struct qh_kiosk_model *m = NULL;
    int64_t now = 1000000;
    qh_kiosk_cups_init(&cups, s, qh_hall_lang(s), &o.printer);
    if (qh_kiosk_model_new(&m, s, &o, now, err, sizeof err) < 0) {
        fprintf(stderr, "bench_print: %s\n", err);
        return 1;
    }
    static int64_t take[N], bare[N], render[N];
    /* One untimed round first: fonts open, the CUPS connection is made. */
    for (int i = -1; i < N; i++) {
        now += 1000;
        qh_kiosk_model_tick(m, now);
        qh_kiosk_model_press(m, QH_BTN_QUEUE, 1);
        now += 1000;
        qh_kiosk_model_tick(m, now);
        qh_kiosk_model_press(m, QH_BTN_ITEM, i < 0 ? 0 : i % 6);
        now += 1000;
        qh_kiosk_model_tick(m, now);
        int64_t t0 = bu_ns();
        qh_kiosk_model_press(m, QH_BTN_TAKE, 0);
        int64_t t1 = bu_ns();
        if (m->screen != QH_KS_TICKET || m->print != QH_KP_PENDING) {
            fprintf(stderr, "bench_print: take %d: screen %s, print %d: %s\n", i,
                    qh_kiosk_screen_name(m->screen), m->print, m->print_problem);
            return 1;
        }
        if (i >= 0)
            take[i] = t1 - t0;
        /* Let the job finish before the next citizen (not timed). */
        for (int k = 0; k < 400 && m->njobs; k++) {
            usleep(5000);
            now += 250;
            qh_kiosk_model_tick(m, now);
        }
        if (m->print != QH_KP_DONE) {
            fprintf(stderr, "bench_print: job of %s: %s\n", m->ticket.number, m->print_problem);
            return 1;
        }
        now += 1000;
        qh_kiosk_model_tick(m, now);
        qh_kiosk_model_press(m, QH_BTN_DONE, 0);
    }

    /* Baselines: the same slip's bytes as a bare CUPS job; the slip alone. */
    struct qh_slip slip;
    struct qh_slip_image *img = NULL;
    struct qh_buf bytes;
    qh_buf_init(&bytes);
    if (qh_slip_load(s, "B001", &slip, err, sizeof err) < 0 ||
        qh_slip_render(cups.r, &slip, 576, &img, err, sizeof err) < 0 ||
        qh_slip_escpos(img, &bytes) < 0) {
        fprintf(stderr, "bench_print: %s\n", err);
        return 1;
    }
    for (int i = 0; i < N; i++) {
        int64_t t0 = bu_ns();
        int job = cupsCreateJob(CUPS_HTTP_DEFAULT, "slips", "bench", 0, NULL);
        if (!job ||
            cupsStartDocument(CUPS_HTTP_DEFAULT, "slips", job, NULL, CUPS_FORMAT_RAW, 1) !=
                HTTP_STATUS_CONTINUE ||
            cupsWriteRequestData(CUPS_HTTP_DEFAULT, bytes.p, bytes.len) != HTTP_STATUS_CONTINUE ||
            cupsFinishDocument(CUPS_HTTP_DEFAULT, "slips") > IPP_STATUS_OK_CONFLICTING) {
            fprintf(stderr, "bench_print: bare job: %s\n", cupsLastErrorString());
            return 1;
        }
        bare[i] = bu_ns() - t0;
        qh_print_wait("slips", job, 10000, QH_LANG_EN, NULL, 0);
    }
    for (int i = 0; i < N; i++) {
        struct qh_slip_image *im = NULL;
        struct qh_buf b;
        qh_buf_init(&b);
        int64_t t0 = bu_ns();
        qh_slip_render(cups.r, &slip, 576, &im, err, sizeof err);
        qh_slip_escpos(im, &b);
        render[i] = bu_ns() - t0;
        qh_slip_image_free(im);
        qh_buf_fini(&b);
    }
    printf("bench: print_tap_to_job_accepted_median %.2f ms\n", median_ms(take, N));
    printf("bench: print_bare_cups_job_median %.2f ms\n", median_ms(bare, N));
    printf("bench: print_slip_render_escpos_median %.2f ms\n", median_ms(render, N));
    qh_slip_image_free(img);
    qh_buf_fini(&bytes);
    qh_kiosk_model_free(m);
    qh_kiosk_cups_fini(&cups);
    qh_store_close(s);
    return 0;
}
