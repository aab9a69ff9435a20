/* test_slip.c: one layout, three outputs.  The ESC/POS bytes decode back
 * to the very bitmap we drew, at 576 and 384 dots, with the number's ink
 * where the layout put it; the PDF is a well-formed one-page document;
 * the PNG's QR code reads back (zbarimg, when installed) as the template
 * says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "escpos_decode.h"
#include "qh/clock.h"
#include "qh/auth.h"
#include "qh/slip.h"
#include "qh/ticket.h"

struct fx {
    struct qh_store *s;
    struct qh_slip_renderer *r;
    struct qh_hall_conf hall;     /* the store's, with the phone page's address */
};

#define BASE_URL "https://hall.example.gov.cn/q"

static int setup(void **state)
{
    static struct fx x;
    char err[QH_ERRLEN];
    tu_clock("2026-11-25T09:00:00+08:00");
    x.s = tu_store_new("slip");
    if (qh_slip_renderer_new(&x.r, err, sizeof err) < 0)
        fail_msg("%s", err);
    *state = &x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    qh_slip_renderer_free(x->r);
    qh_store_close(x->s);
    qh_clock_set(0);
    return 0;
}

static void issue(struct fx *x, const char *service, const char *green, struct qh_slip *slip)
{
    char err[QH_ERRLEN];
    struct qh_issue_req req = {.service = service, .green = green};
    struct qh_ticket_row t;
    if (qh_ticket_issue(x->s, &req, &t, NULL, err, sizeof err) < 0)
        fail_msg("%s", err);
    if (qh_slip_load(x->s, t.number, slip, err, sizeof err) < 0)
        fail_msg("%s", err);
    /* A hall that runs qhall serve: the slip's QR opens its page. */
    x->hall = *slip->hall;
    snprintf(x->hall.web.base_url, sizeof x->hall.web.base_url, "%s", BASE_URL);
    slip->hall = &x->hall;
}

static void escpos_round_trip(void **state)
{
    struct fx *x = *state;
    struct qh_slip slip;
    char err[QH_ERRLEN];
    issue(x, "GG032", "elderly", &slip);
    assert_string_equal(slip.service.name, "社会保障卡申领");
    for (int k = 0; k < 2; k++) {
        int dots = k ? 384 : 576;
        struct qh_slip_image *img = NULL;
        struct qh_buf b;
        struct escpos_page p;
        size_t where = 0;
        assert_int_equal(qh_slip_dots(k ? 58 : 80), dots);
        if (qh_slip_render(x->r, &slip, dots, &img, err, sizeof err) < 0)
            fail_msg("%s", err);
        assert_int_equal(img->w, dots);
        assert_true(img->h > dots);                 /* a slip, not a stamp */
        qh_buf_init(&b);
        assert_int_equal(qh_slip_escpos(img, &b), 0);
        if (escpos_decode((const uint8_t *)b.p, b.len, &p, &where) < 0)
            fail_msg("bad ESC/POS at byte %zu of %zu", where, b.len);
        assert_int_equal(p.w, dots);
        assert_int_equal(p.h, img->h);
        assert_int_equal(p.inits, 1);
        assert_int_equal(p.cut, 1);
        assert_memory_equal(p.px, img->px, (size_t)p.w * (size_t)p.h);
        /* The number: big, centred, inked where the layout says. */
        struct qh_slip_box n = img->number;
        assert_true(n.h >= dots / 5);
        assert_true(abs(n.x + n.w / 2 - dots / 2) <= 2);
        int ink = escpos_ink(&p, n.x, n.y, n.w, n.h);
        assert_true(ink > n.w * n.h / 8);
        /* ... and the margins beside it are paper. */
        assert_int_equal(escpos_ink(&p, 0, n.y, 4, n.h), 0);
        /* The QR code, with its quiet zone. */
        assert_true(img->qr.w >= 21 * img->qr_module);
        assert_true(escpos_ink(&p, img->qr.x, img->qr.y, img->qr.w, img->qr.h) > 0);
        free(p.px);
        qh_buf_fini(&b);
        qh_slip_image_free(img);
    }
}

static void pdf_is_a_document(void **state)
{
    struct fx *x = *state;
    struct qh_slip slip;
    struct qh_slip_image *img = NULL;
    struct qh_buf b;
    char err[QH_ERRLEN];
    struct qh_issue_req req = {.queue = "C"};
    struct qh_ticket_row t;
    assert_int_equal(qh_ticket_issue(x->s, &req, &t, NULL, err, sizeof err), 0);   /* by queue */
    assert_int_equal(qh_slip_load(x->s, t.number, &slip, err, sizeof err), 0);
    assert_int_equal(qh_slip_render(x->r, &slip, 576, &img, err, sizeof err), 0);
    qh_buf_init(&b);
    assert_int_equal(qh_slip_pdf(img, &b), 0);
    assert_memory_equal(b.p, "%PDF-1.4\n", 9);
    assert_non_null(strstr(b.p + b.len - 40, "%%EOF"));
    char want[64];
    snprintf(want, sizeof want, "/Width 576 /Height %d", img->h);
    assert_non_null(memmem(b.p, b.len, want, strlen(want)));
    assert_non_null(memmem(b.p, b.len, "/RunLengthDecode", 16));
    /* The xref offsets point at the objects. */
    const char *xref = memmem(b.p, b.len, "xref\n0 6\n", 9);
    assert_non_null(xref);
    for (int i = 1; i <= 5; i++) {
        long off = strtol(xref + 9 + 20 * i, NULL, 10);
        char obj[16];
        snprintf(obj, sizeof obj, "%d 0 obj", i);
        assert_memory_equal(b.p + off, obj, strlen(obj));
    }
    /* Run-length data is far smaller than the raw bitmap. */
    assert_true(b.len < (size_t)img->w * (size_t)img->h / 8);
    qh_buf_fini(&b);
    qh_slip_image_free(img);
}

static void png_and_qr(void **state)
{
    struct fx *x = *state;
    struct qh_slip slip;
    struct qh_slip_image *img = NULL;
    char err[QH_ERRLEN], path[512], qr[256], cmd[1024], out[512] = "";
    issue(x, "XK001", NULL, &slip);
    char want[256];
    assert_int_equal(strlen(slip.info.token), QH_AUTH_TOKEN_CHARS);
    snprintf(want, sizeof want, BASE_URL "/t/%s", slip.info.token);
    assert_int_equal(qh_slip_qr_text(&slip, qr, sizeof qr), (int)strlen(want));
    assert_string_equal(qr, want);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(qh_slip_render(x->r, &slip, k ? 384 : 576, &img, err, sizeof err), 0);
        snprintf(path, sizeof path, "%s/slip-%d.png", tu_artefacts(), k ? 58 : 80);
        if (qh_slip_png(img, path, err, sizeof err) < 0)
            fail_msg("%s", err);
        qh_slip_image_free(img);
        img = NULL;
        if (system("command -v zbarimg >/dev/null 2>&1") != 0) {
            tu_skip("no zbarimg (Debian package zbar-tools): the QR code not read back");
            continue;
        }
        snprintf(cmd, sizeof cmd, "zbarimg -q --raw '%s' 2>/dev/null", path);
        FILE *f = popen(cmd, "r");
        assert_non_null(f);
        if (!fgets(out, sizeof out, f))
            out[0] = '\0';
        pclose(f);
        out[strcspn(out, "\n")] = '\0';
        assert_string_equal(out, qr);
    }
    /* A template of one's own. */
    struct qh_hall_conf h = *slip.hall;
    snprintf(h.printer.qr, sizeof h.printer.qr, "https://q.example/{queue}/{number}?s={service}");
    slip.hall = &h;
    qh_slip_qr_text(&slip, qr, sizeof qr);
    assert_string_equal(qr, "https://q.example/A/A001?s=XK001");
    qh_slip_qr_text(&slip, qr, 12);                 /* cut, still terminated */
    assert_int_equal(strlen(qr), 11);
}

/* No phone page, no QR: a slip never points at a page that is not
 * there.  The old default template ("qhall:{day}:{number}", which no
 * phone could open) gives the page's address once there is one. */
static void qr_only_with_a_page(void **state)
{
    struct fx *x = *state;
    struct qh_slip slip;
    struct qh_slip_image *img = NULL, *with = NULL;
    char err[QH_ERRLEN], qr[256], want[256];
    issue(x, "XK001", NULL, &slip);
    assert_int_equal(qh_slip_render(x->r, &slip, 576, &with, err, sizeof err), 0);
    x->hall.web.base_url[0] = '\0';
    assert_int_equal(qh_slip_qr_text(&slip, qr, sizeof qr), 0);
    assert_string_equal(qr, "");
    assert_int_equal(qh_slip_render(x->r, &slip, 576, &img, err, sizeof err), 0);
    assert_int_equal(img->qr.w, 0);
    assert_true(img->h < with->h);                  /* no room kept for it */
    qh_slip_image_free(img);
    qh_slip_image_free(with);
    /* A ticket from before tokens: no page of its own either. */
    snprintf(x->hall.web.base_url, sizeof x->hall.web.base_url, "%s", BASE_URL);
    char token[sizeof slip.info.token];
    memcpy(token, slip.info.token, sizeof token);
    slip.info.token[0] = '\0';
    assert_int_equal(qh_slip_qr_text(&slip, qr, sizeof qr), 0);
    memcpy(slip.info.token, token, sizeof token);
    snprintf(x->hall.printer.qr, sizeof x->hall.printer.qr, "qhall:{day}:{number}");
    snprintf(want, sizeof want, BASE_URL "/t/%s", token);
    qh_slip_qr_text(&slip, qr, sizeof qr);
    assert_string_equal(qr, want);
    /* A province's own QR needs no page of ours. */
    x->hall.web.base_url[0] = '\0';
    snprintf(x->hall.printer.qr, sizeof x->hall.printer.qr, "https://p.example/{number}");
    qh_slip_qr_text(&slip, qr, sizeof qr);
    assert_string_equal(qr, "https://p.example/A001");
}

static void english_slip(void **state)
{
    struct fx *x = *state;
    struct qh_slip slip;
    struct qh_slip_image *img = NULL;
    char err[QH_ERRLEN];
    issue(x, "GG032", NULL, &slip);
    slip.lang = QH_LANG_EN;
    assert_int_equal(qh_slip_render(x->r, &slip, 576, &img, err, sizeof err), 0);
    assert_true(img->h > 576);
    qh_slip_image_free(img);
    assert_int_equal(qh_slip_load(x->s, "Z999", &slip, err, sizeof err), QH_E_NOTFOUND);
}

/* ---- the 补件告知单 ---- */

static void parse_missing_table(void **state)
{
    (void)state;
    static const struct { const char *note; int n; const char *first, *last; } rows[] = {
        {"缺少材料：户口簿；村民小组会议决议", 2, "户口簿", "村民小组会议决议"},
        {"缺少材料：户口簿", 1, "户口簿", "户口簿"},
        {"missing: ID card；photo", 2, "ID card", "photo"},
        {"缺：A；B；C", 3, "A", "C"},
        {"户口簿; 申请表", 2, "户口簿", "申请表"},           /* no prefix, ASCII ';' */
        {"缺少材料：  户口簿 ；；  ", 1, "户口簿", "户口簿"}, /* blanks dropped */
        {"缺少材料：", 0, NULL, NULL},
        {"", 0, NULL, NULL},
        {NULL, 0, NULL, NULL},
        {"；；;", 0, NULL, NULL},
    };
    char out[QH_SLIP_MISSING][160];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int n = qh_slip_parse_missing(rows[i].note, out, QH_SLIP_MISSING);
        if (n != rows[i].n)
            fail_msg("row %zu [%s]: %d items, want %d", i, rows[i].note, n, rows[i].n);
        if (n) {
            assert_string_equal(out[0], rows[i].first);
            assert_string_equal(out[n - 1], rows[i].last);
        }
    }
    assert_int_equal(qh_slip_parse_missing("a;b;c;d", out, 2), 2);   /* capped */
}

/* Serve the next ticket at window 1 and finish it with outcome/note. */
static void serve(struct fx *x, const char *outcome, const char *note, struct qh_ticket_row *t)
{
    char err[QH_ERRLEN];
    if (qh_ticket_call_next(x->s, 1, t, err, sizeof err) < 0 ||
        qh_ticket_start(x->s, 1, t, err, sizeof err) < 0 ||
        qh_ticket_finish(x->s, 1, outcome, note, t, err, sizeof err) < 0)
        fail_msg("%s", err);
}

static void supplement_notice(void **state)
{
    struct fx *x = *state;
    struct qh_slip slip, plain;
    struct qh_ticket_row t;
    char err[QH_ERRLEN], path[512];
    issue(x, "XK001", NULL, &plain);
    issue(x, "XK001", NULL, &plain);
    issue(x, "XK001", NULL, &plain);
    /* Waiting, then finished as done: no notice to print. */
    assert_int_equal(qh_slip_load_supplement(x->s, "A001", &slip, err, sizeof err), QH_E_STATE);
    assert_non_null(strstr(err, "需补件"));
    serve(x, "done", NULL, &t);
    assert_int_equal(qh_slip_load_supplement(x->s, "A001", &slip, err, sizeof err), QH_E_STATE);
    assert_int_equal(qh_slip_load_supplement(x->s, "Z999", &slip, err, sizeof err),
                     QH_E_NOTFOUND);
    /* The counter's note, read back from the finish event. */
    tu_clock("2026-11-25T09:42:00+08:00");
    serve(x, "supplement", "缺少材料：户口簿；村民小组会议决议；建房位置平面图", &t);
    assert_string_equal(t.number, "A002");
    assert_int_equal(qh_slip_load_supplement(x->s, "A002", &slip, err, sizeof err), 0);
    assert_int_equal(slip.kind, QH_SLIP_SUPPLEMENT);
    assert_int_equal(slip.supp.window, 1);
    assert_int_equal(slip.supp.finished_at, t.finished_at);
    assert_string_equal(slip.service.code, "XK001");
    assert_int_equal(slip.supp.nmissing, 3);
    assert_string_equal(slip.supp.missing[0], "户口簿");
    assert_string_equal(slip.supp.missing[2], "建房位置平面图");
    /* No note at all still gives a notice (it tells them to ask). */
    serve(x, "supplement", NULL, &t);
    struct qh_slip bare;
    assert_int_equal(qh_slip_load_supplement(x->s, "A003", &bare, err, sizeof err), 0);
    assert_int_equal(bare.supp.nmissing, 0);

    for (int k = 0; k < 2; k++) {
        int dots = k ? 384 : 576;
        struct qh_slip_image *img = NULL, *ticket = NULL;
        struct qh_buf b;
        struct escpos_page p;
        size_t where = 0;
        assert_int_equal(qh_slip_render(x->r, &slip, dots, &img, err, sizeof err), 0);
        assert_int_equal(qh_slip_render(x->r, &plain, dots, &ticket, err, sizeof err), 0);
        assert_int_equal(img->w, dots);
        assert_true(img->h > dots);
        assert_int_equal(img->qr.w, 0);             /* no queue to follow any more */
        assert_true(img->px != ticket->px &&
                    (img->h != ticket->h ||
                     memcmp(img->px, ticket->px, (size_t)img->w * (size_t)img->h)));
        qh_buf_init(&b);
        assert_int_equal(qh_slip_escpos(img, &b), 0);
        if (escpos_decode((const uint8_t *)b.p, b.len, &p, &where) < 0)
            fail_msg("bad ESC/POS at byte %zu of %zu", where, b.len);
        assert_int_equal(p.w, dots);
        assert_int_equal(p.h, img->h);
        assert_int_equal(p.cut, 1);
        assert_memory_equal(p.px, img->px, (size_t)p.w * (size_t)p.h);
        struct qh_slip_box n = img->number;
        assert_true(n.h >= dots / 10);
        assert_true(escpos_ink(&p, n.x, n.y, n.w, n.h) > n.w * n.h / 8);
        assert_int_equal(escpos_ink(&p, 0, 0, 3, p.h), 0);      /* the margin is paper */
        snprintf(path, sizeof path, "%s/supplement-%d.png", tu_artefacts(), k ? 58 : 80);
        if (qh_slip_png(img, path, err, sizeof err) < 0)
            fail_msg("%s", err);
        free(p.px);
        qh_buf_fini(&b);
        qh_slip_image_free(img);
        qh_slip_image_free(ticket);
    }
    /* The document for the hall's printer: raw ESC/POS, or a PDF. */
    struct qh_printer_conf pc = {"", 58, "escpos", ""};
    struct qh_buf doc;
    const char *format = NULL;
    qh_buf_init(&doc);
    assert_int_equal(qh_slip_document(x->r, &slip, &pc, &doc, &format, err, sizeof err), 0);
    assert_string_equal(format, "application/vnd.cups-raw");
    assert_memory_equal(doc.p, "\x1b\x40\x1d\x76\x30\x00\x30\x00", 8);  /* 384 dots = 48 bytes */
    qh_buf_fini(&doc);
    snprintf(pc.kind, sizeof pc.kind, "pdf");
    qh_buf_init(&doc);
    assert_int_equal(qh_slip_document(x->r, &bare, &pc, &doc, &format, err, sizeof err), 0);
    assert_string_equal(format, "application/pdf");
    assert_memory_equal(doc.p, "%PDF-1.4\n", 9);
    qh_buf_fini(&doc);
    /* English. */
    slip.lang = QH_LANG_EN;
    struct qh_slip_image *img = NULL;
    assert_int_equal(qh_slip_render(x->r, &slip, 576, &img, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/supplement-en.png", tu_artefacts());
    assert_int_equal(qh_slip_png(img, path, err, sizeof err), 0);
    qh_slip_image_free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(escpos_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(pdf_is_a_document, setup, teardown),
        cmocka_unit_test_setup_teardown(png_and_qr, setup, teardown),
        cmocka_unit_test_setup_teardown(qr_only_with_a_page, setup, teardown),
        cmocka_unit_test_setup_teardown(english_slip, setup, teardown),
        cmocka_unit_test(parse_missing_table),
        cmocka_unit_test_setup_teardown(supplement_notice, setup, teardown),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
