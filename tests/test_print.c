/* test_print.c: printing against a real, private cupsd (tests/cups/
 * start.sh) in a temporary directory, stopped at the end.
 *
 * A raw queue with a file: device receives ESC/POS that decodes to the
 * slip we drew, 576 or 384 dots wide; a PDF queue receives a PDF; a
 * missing, stopped, rejecting or paperless printer gives QH_E_IO with a
 * plain sentence; and at the kiosk such a failure leaves the ticket
 * issued and waiting, the screen in its fallback and print_failed in the
 * event log, until a reprint succeeds. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cups/cups.h>

#include "testutil.h"
#include "escpos_decode.h"
#include "qh/clock.h"
#include "qh/csv.h"
#include "qh/print.h"
#include "qh/slip.h"
#include "qh/ticket.h"

#include "../kiosk/model.h"
#include "../kiosk/printing.h"

static char dir[256];
static int have_cupsd;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

static const char *src(void)
{
    const char *s = getenv("QHALL_SRC");
    return s && *s ? s : ".";
}

static int group_setup(void **state)
{
    (void)state;
    have_cupsd = access("/usr/sbin/cupsd", X_OK) == 0;
    if (!have_cupsd)
        return 0;
    /* A short path: the socket's name must fit in sun_path. */
    snprintf(dir, sizeof dir, "/tmp/qhcups-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    chmod(dir, 0755);
    if (sh("bash '%s/tests/cups/start.sh' '%s'", src(), dir) != 0)
        return -1;
    char sock[300];
    snprintf(sock, sizeof sock, "%s/cups.sock", dir);
    setenv("CUPS_SERVER", sock, 1);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (have_cupsd && dir[0]) {
        sh("bash '%s/tests/cups/stop.sh' '%s'", src(), dir);
        sh("rm -rf '%s'", dir);
    }
    return 0;
}

/* The private cupsd still runs and answers: no job of ours may stop it. */
static void assert_cupsd_alive(void)
{
    if (sh("bash '%s/tests/cups/alive.sh' '%s'", src(), dir) != 0)
        fail_msg("the private cupsd in %s stopped answering (see above)", dir);
}

struct fx {
    struct qh_store *s;
    struct qh_slip_renderer *r;
};

/* The hall's [printer] section, as `qhall init --config` would set it. */
static void use_printer(struct qh_store *s, const char *name, int width, const char *kind)
{
    struct qh_hall_conf c = *qh_store_hall(s);
    char err[QH_ERRLEN];
    snprintf(c.printer.name, sizeof c.printer.name, "%s", name);
    c.printer.width = width;
    snprintf(c.printer.kind, sizeof c.printer.kind, "%s", kind);
    if (qh_hall_init(s, &c, 1, err, sizeof err) < 0)
        fail_msg("%s", err);
}

static int setup(void **state)
{
    static struct fx x;
    if (!have_cupsd) {
        tu_skip("no /usr/sbin/cupsd (Debian package cups): nothing printed");
        return 0;
    }
    tu_clock("2026-11-25T09:00:00+08:00");
    memset(&x, 0, sizeof x);
    x.s = tu_store_new("print");
    *state = &x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    if (!have_cupsd)
        return 0;
    qh_slip_renderer_free(x->r);
    qh_store_close(x->s);
    qh_clock_set(0);
    return 0;
}

static void issue(struct fx *x, const char *service, char number[QH_NUMBER_LEN])
{
    char err[QH_ERRLEN];
    struct qh_issue_req req = {.service = service};
    struct qh_ticket_row t;
    if (qh_ticket_issue(x->s, &req, &t, NULL, err, sizeof err) < 0)
        fail_msg("%s", err);
    memcpy(number, t.number, QH_NUMBER_LEN);
}

static char *read_out(const char *queue, size_t *len)
{
    char path[512], *text = NULL;
    snprintf(path, sizeof path, "%s/out/%s", dir, queue);
    if (qh_file_read(path, &text, len, NULL, 0) < 0)
        return NULL;
    return text;
}

static void print_and_wait(struct fx *x, const char *number, const char *printer, char *used)
{
    char err[QH_ERRLEN];
    int job = 0;
    if (qh_print_ticket(x->s, &x->r, number, printer, &job, used, 128, err, sizeof err) < 0)
        fail_msg("print: %s", err);
    assert_true(job > 0);
    if (qh_print_wait(used, job, 10000, QH_LANG_ZH, err, sizeof err) != 0)
        fail_msg("job %d: %s", job, err);
    assert_cupsd_alive();
}

static void escpos_reaches_raw_queue(void **state)
{
    struct fx *x = *state;
    char number[QH_NUMBER_LEN], used[128], err[QH_ERRLEN];
    if (!have_cupsd)
        skip();
    for (int k = 0; k < 2; k++) {
        int width = k ? 58 : 80, dots = k ? 384 : 576;
        use_printer(x->s, "", width, "escpos");      /* "": the CUPS default */
        issue(x, "GG032", number);
        print_and_wait(x, number, NULL, used);
        assert_string_equal(used, "slips");
        size_t len = 0, where = 0;
        char *bytes = read_out("slips", &len);
        assert_non_null(bytes);
        struct escpos_page p;
        if (escpos_decode((const uint8_t *)bytes, len, &p, &where) < 0)
            fail_msg("bad ESC/POS at byte %zu of %zu", where, len);
        assert_int_equal(p.w, dots);
        assert_int_equal(p.cut, 1);
        /* What arrived is what we drew, dot for dot. */
        struct qh_slip slip;
        struct qh_slip_image *img = NULL;
        assert_int_equal(qh_slip_load(x->s, number, &slip, err, sizeof err), 0);
        assert_int_equal(qh_slip_render(x->r, &slip, dots, &img, err, sizeof err), 0);
        assert_int_equal(p.h, img->h);
        assert_memory_equal(p.px, img->px, (size_t)p.w * (size_t)p.h);
        struct qh_slip_box n = img->number;
        assert_true(escpos_ink(&p, n.x, n.y, n.w, n.h) > n.w * n.h / 8);
        assert_int_equal(escpos_ink(&p, 0, n.y, n.x > 4 ? 4 : 0, n.h), 0);
        qh_slip_image_free(img);
        free(p.px);
        free(bytes);
    }
}

static void pdf_reaches_office_printer(void **state)
{
    struct fx *x = *state;
    char number[QH_NUMBER_LEN], used[128];
    if (!have_cupsd)
        skip();
    use_printer(x->s, "office", 80, "pdf");
    issue(x, "XK001", number);
    print_and_wait(x, number, NULL, used);
    assert_string_equal(used, "office");
    size_t len = 0;
    char *doc = read_out("office", &len);
    assert_non_null(doc);
    assert_true(len > 1000);
    assert_memory_equal(doc, "%PDF-1.4", 8);
    assert_non_null(memmem(doc, len, "%%EOF", 5));
    free(doc);
}

static void broken_printers_say_why(void **state)
{
    struct fx *x = *state;
    char number[QH_NUMBER_LEN], used[128] = "", err[QH_ERRLEN];
    struct qh_printer_status st;
    int job = 0;
    if (!have_cupsd)
        skip();
    use_printer(x->s, "slips", 80, "escpos");
    issue(x, "XK001", number);

    assert_int_equal(qh_print_ticket(x->s, &x->r, number, "nope", &job, used, sizeof used,
                                     err, sizeof err), QH_E_IO);
    assert_string_equal(err, "找不到打印机「nope」");
    assert_int_equal(qh_print_status("nope", QH_LANG_EN, &st, err, sizeof err), QH_E_IO);
    assert_string_equal(err, "no printer named \"nope\"");

    assert_int_equal(sh("cupsdisable -r '维护中' slips"), 0);
    assert_int_equal(qh_print_status("slips", QH_LANG_ZH, &st, err, sizeof err), 0);
    assert_int_equal(st.state, 5);
    assert_int_equal(qh_print_ticket(x->s, &x->r, number, NULL, &job, used, sizeof used,
                                     err, sizeof err), QH_E_IO);
    assert_string_equal(err, "打印机「slips」已停止：维护中");
    assert_int_equal(job, 0);
    assert_int_equal(sh("cupsenable slips"), 0);

    assert_int_equal(sh("cupsreject -r full slips"), 0);
    assert_int_equal(qh_print_ticket(x->s, &x->r, number, NULL, &job, used, sizeof used,
                                     err, sizeof err), QH_E_IO);
    assert_string_equal(err, "打印机「slips」暂停接收打印任务");
    assert_int_equal(sh("cupsaccept slips"), 0);

    /* Out of paper shows only once the job runs: the backend says so. */
    assert_int_equal(qh_print_ticket(x->s, &x->r, number, "nopaper", &job, used, sizeof used,
                                     err, sizeof err), 0);
    assert_int_equal(qh_print_wait(used, job, 10000, QH_LANG_ZH, err, sizeof err), QH_E_IO);
    assert_string_equal(err, "打印机「nopaper」缺纸");
    assert_cupsd_alive();
    /* ... and from then on the printer refuses before a job is made. */
    assert_int_equal(qh_print_ticket(x->s, &x->r, number, "nopaper", &job, used, sizeof used,
                                     err, sizeof err), QH_E_IO);
    assert_string_equal(err, "打印机「nopaper」缺纸");
    assert_int_equal(sh("cupsenable nopaper"), 0);

    /* No server at all. */
    char *saved = strdup(getenv("CUPS_SERVER"));
    cupsSetServer("/nonexistent/cups.sock");        /* libcups caches the env */
    assert_int_equal(qh_print_status(NULL, QH_LANG_ZH, &st, err, sizeof err), QH_E_IO);
    assert_non_null(strstr(err, "CUPS"));
    assert_int_equal(qh_print_status("slips", QH_LANG_ZH, &st, err, sizeof err), QH_E_IO);
    assert_non_null(strstr(err, "CUPS"));
    cupsSetServer(saved);
    free(saved);
    assert_cupsd_alive();
}

/* A title with white space, quotes and control characters (a slip's
 * title has spaces) once crashed or hung Debian's cupsd: the job goes
 * through, the bytes land whole, the server lives, and the job's name
 * holds none of those characters. */
static void titles_cannot_stop_cupsd(void **state)
{
    (void)state;
    static const char doc[] = "\x1b@qhall\n\x1dV\x42\x00";
    char used[128], err[QH_ERRLEN];
    int job = 0;
    if (!have_cupsd)
        skip();
    assert_int_equal(qh_print_submit("slips", "qhall 2026-11-25 A001\t'\"\\\x01 号\n", CUPS_FORMAT_RAW,
                                     doc, sizeof doc - 1, QH_LANG_ZH, &job, used, sizeof used,
                                     err, sizeof err), 0);
    assert_true(job > 0);
    if (qh_print_wait(used, job, 10000, QH_LANG_ZH, err, sizeof err) != 0)
        fail_msg("job %d: %s", job, err);
    assert_cupsd_alive();
    size_t len = 0;
    char *bytes = read_out("slips", &len);
    assert_non_null(bytes);
    assert_int_equal(len, sizeof doc - 1);
    assert_memory_equal(bytes, doc, len);
    free(bytes);
    cups_job_t *jobs = NULL;
    int n = cupsGetJobs2(CUPS_HTTP_DEFAULT, &jobs, "slips", 0, CUPS_WHICHJOBS_ALL), seen = 0;
    for (int i = 0; i < n; i++)
        if (jobs[i].id == job) {
            seen = 1;
            assert_string_equal(jobs[i].title, "qhall-2026-11-25-A001----------");
        }
    cupsFreeJobs(n, jobs);
    assert_int_equal(seen, 1);
}

static int has_event(struct qh_store *s, const char *type, const char *number, char *detail,
                     size_t dlen)
{
    struct qh_event_row ev[256];
    int n = qh_store_events_since(s, 0, ev, 256, NULL, 0), found = 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(ev[i].type, type) && !strcmp(ev[i].number, number)) {
            found++;
            if (detail)
                snprintf(detail, dlen, "%s", ev[i].detail);
        }
    return found;
}

/* The kiosk on a paperless printer: the number stands, the screen says
 * so, the log knows; the admin reprints once the paper is in. */
static void kiosk_fallback_and_reprint(void **state)
{
    struct fx *x = *state;
    struct qh_kiosk_cups cups;
    struct qh_kiosk_opts o = {.lang = QH_LANG_ZH, .number = 2};
    struct qh_kiosk_model *m = NULL;
    struct qh_ticket_row t;
    char err[QH_ERRLEN], detail[768];
    int64_t now = 5000000;
    if (!have_cupsd)
        skip();
    use_printer(x->s, "nopaper", 80, "escpos");
    qh_kiosk_cups_init(&cups, x->s, qh_hall_lang(x->s), &o.printer);
    assert_int_equal(qh_kiosk_model_new(&m, x->s, &o, now, err, sizeof err), 0);
    now += 1000;
    qh_kiosk_model_tick(m, now);
    qh_kiosk_model_press(m, QH_BTN_QUEUE, 1);
    now += 1000;
    qh_kiosk_model_tick(m, now);
    qh_kiosk_model_press(m, QH_BTN_ITEM, 0);
    now += 1000;
    qh_kiosk_model_tick(m, now);
    assert_int_equal(qh_kiosk_model_press(m, QH_BTN_TAKE, 0), 1);
    assert_int_equal(m->screen, QH_KS_TICKET);
    for (int i = 0; i < 200 && m->print == QH_KP_PENDING; i++) {
        usleep(50000);
        now += 250;
        qh_kiosk_model_tick(m, now);
    }
    assert_int_equal(m->print, QH_KP_FAILED);
    assert_string_equal(m->print_problem, "打印机「nopaper」缺纸");
    assert_int_equal(has_event(x->s, "print_failed", m->ticket.number, detail, sizeof detail), 1);
    assert_non_null(strstr(detail, "\"printer\":\"nopaper\""));
    assert_non_null(strstr(detail, "缺纸"));
    assert_int_equal(qh_ticket_get(x->s, m->ticket.number, &t, err, sizeof err), 0);
    assert_int_equal(t.state, QH_TICKET_WAITING);
    /* Paper in (another queue stands for it), reprint from admin. */
    use_printer(x->s, "slips", 80, "escpos");
    qh_kiosk_model_goto(m, QH_KS_ADMIN);
    assert_int_equal(m->pst_ok, 1);
    assert_string_equal(m->pst.name, "slips");
    now += 1000;
    qh_kiosk_model_tick(m, now);
    assert_int_equal(qh_kiosk_model_press(m, QH_BTN_REPRINT, 0), 1);
    for (int i = 0; i < 200 && m->njobs; i++) {
        usleep(50000);
        now += 250;
        qh_kiosk_model_tick(m, now);
    }
    assert_int_equal(m->recent[0].print, QH_KP_DONE);
    assert_int_equal(has_event(x->s, "reprinted", m->ticket.number, NULL, 0), 1);
    assert_cupsd_alive();
    assert_int_equal(has_event(x->s, "issued", m->ticket.number, NULL, 0), 1);
    qh_kiosk_model_free(m);
    qh_kiosk_cups_fini(&cups);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(escpos_reaches_raw_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(pdf_reaches_office_printer, setup, teardown),
        cmocka_unit_test_setup_teardown(broken_printers_say_why, setup, teardown),
        cmocka_unit_test_setup_teardown(kiosk_fallback_and_reprint, setup, teardown),
        cmocka_unit_test_setup_teardown(titles_cannot_stop_cupsd, setup, teardown),
    };
    signal(SIGPIPE, SIG_IGN);
    return tu_exit(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
