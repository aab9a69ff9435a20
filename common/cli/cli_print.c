/* cli_print.c: the `qhall` commands for slips (cli_print.h), through the
 * slip renderer and printer of media (qh_print) and the helpers of cli.h.
 *
 * `slip` renders a ticket's slip to a file without printing: what the
 * kiosk would print, for a look or a test.  `reprint` sends it to the
 * printer again -- after a jam at the kiosk, or from a counter -- and
 * records `reprinted` or `print_failed`, so the event log tells which
 * numbers a citizen left without paper.
 *
 * With --supplement both work on the 补件告知单 instead: the list of
 * missing materials of a ticket last finished with 需补件 (refused, exit 1,
 * for any other ticket).  Printing it records `printed` (or
 * `print_failed`) with kind "supplement" in the detail. */
#include <stdio.h>
#include <string.h>

#include "qh/print.h"
#include "qh/slip.h"

#include "cli.h"
#include "cli_print.h"

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

static int cmd_slip(struct ctx *c)
{
    const char *out, *wopt = cli_opt(c, "width");
    int st = cli_need_opt(c, "out", &out);
    if (st)
        return st;
    int png = ends_with(out, ".png"), pdf = ends_with(out, ".pdf");
    if (!png && !pdf && !ends_with(out, ".escpos"))
        return cli_usage_error(c, TR(c, "--out 应以 .png、.escpos 或 .pdf 结尾",
                                     "--out must end in .png, .escpos or .pdf"));
    int width = qh_hall_config(c->s)->printer.width;
    if (wopt) {
        if (strcmp(wopt, "58") && strcmp(wopt, "80"))
            return cli_usage_error(c, TR(c, "--width: 应为 58 或 80，实为 \"%s\"",
                                         "--width: expected 58 or 80, got \"%s\""), wopt);
        width = wopt[0] == '5' ? 58 : 80;
    }
    struct qh_slip slip;
    struct qh_slip_renderer *r = NULL;
    struct qh_slip_image *img = NULL;
    char err[QH_ERRLEN];
    int supp = cli_opt(c, "supplement") != NULL;
    int rc = supp ? qh_slip_load_supplement(c->s, c->pos[0], &slip, err, sizeof err)
                  : qh_slip_load(c->s, c->pos[0], &slip, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if ((rc = qh_slip_renderer_new(&r, err, sizeof err)) < 0 ||
        (rc = qh_slip_render(r, &slip, qh_slip_dots(width), &img, err, sizeof err)) < 0)
        goto out;
    if (png) {
        rc = qh_slip_png(img, out, err, sizeof err);
    } else {
        struct qh_buf b;
        qh_buf_init(&b);
        rc = pdf ? qh_slip_pdf(img, &b) : qh_slip_escpos(img, &b);
        FILE *f = rc < 0 ? NULL : fopen(out, "wb");
        if (rc < 0)
            qh_err(err, sizeof err, rc, "out of memory");
        else if (!f || fwrite(b.p, 1, b.len, f) != b.len)
            rc = qh_err(err, sizeof err, QH_E_IO, "%s: %m", out);
        if (f && fclose(f) != 0 && rc == 0)
            rc = qh_err(err, sizeof err, QH_E_IO, "%s: %m", out);
        qh_buf_fini(&b);
    }
out:
    if (rc < 0) {
        qh_slip_image_free(img);
        qh_slip_renderer_free(r);
        return cli_fail(rc, err);
    }
    if (c->json)
        printf("{\"number\":\"%s\",\"out\":", slip.ticket.number);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_quote(&b, out);
        printf("%s,\"kind\":\"%s\",\"width\":%d,\"dots\":%d,\"height\":%d}\n",
               qh_buf_str(&b), supp ? "supplement" : "ticket", img->w, img->w, img->h);
        qh_buf_fini(&b);
    } else {
        printf(supp ? TR(c, "%s 的补件告知单已写入 %s（%d×%d 点）\n",
                         "missing-documents notice of %s written to %s (%dx%d dots)\n")
                    : TR(c, "%s 的号票已写入 %s（%d×%d 点）\n",
                         "slip of %s written to %s (%dx%d dots)\n"),
               slip.ticket.number, out, img->w, img->h);
    }
    qh_slip_image_free(img);
    qh_slip_renderer_free(r);
    return 0;
}

static int cmd_reprint(struct ctx *c)
{
    const char *printer = cli_opt(c, "printer");
    int supp = cli_opt(c, "supplement") != NULL;
    const char *kind = supp ? "supplement" : NULL;
    struct qh_slip slip;
    struct qh_slip_renderer *r = NULL;
    char err[QH_ERRLEN], used[128] = "", e2[QH_ERRLEN];
    struct qh_ticket_row t;
    int job = 0;
    /* Unknown numbers are refused before anything is sent or logged. */
    /* ... and so is a notice for a ticket not finished with 需补件. */
    int rc = supp ? qh_slip_load_supplement(c->s, c->pos[0], &slip, err, sizeof err)
                  : qh_ticket_get(c->s, c->pos[0], &t, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if (supp) {
        t = slip.ticket;
        rc = qh_print_supplement(c->s, &r, &slip, printer, &job, used, sizeof used, err,
                                 sizeof err);
        qh_slip_renderer_free(r);
    } else {
        rc = qh_print_ticket(c->s, &r, t.number, printer, &job, used, sizeof used, err,
                             sizeof err);
        qh_slip_renderer_free(r);
    }
    if (rc == 0) {
        /* A job CUPS accepted can still fail at once (paper out): give it
         * a moment, so the answer here is the truth. */
        rc = qh_print_wait(used, job, 3000, c->lang, err, sizeof err);
        if (rc > 0)
            rc = 0;
    }
    if (rc < 0) {
        if (qh_ticket_print_event_kind(c->s, t.number, "print_failed", kind,
                                       used[0] ? used : printer, err, e2, sizeof e2) < 0)
            cli_say("%s", e2);
        return cli_fail(rc, err);
    }
    if ((rc = qh_ticket_print_event_kind(c->s, t.number, supp ? "printed" : "reprinted", kind,
                                         used, NULL, err, sizeof err)) < 0)
        return cli_fail(rc, err);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_str(&b, "number", t.number);
        qh_json_str(&b, "kind", supp ? "supplement" : "ticket");
        qh_json_str(&b, "printer", used);
        qh_json_int(&b, "job", job);
        qh_json_close(&b);
        return cli_emit(&b);
    }
    if (supp)
        printf(TR(c, "%s 的补件告知单已打印（打印机 %s，任务 %d）\n",
                  "missing-documents notice of %s printed (printer %s, job %d)\n"),
               t.number, used, job);
    else
        printf(TR(c, "%s 的号票已重新打印（打印机 %s，任务 %d）\n",
                  "slip of %s reprinted (printer %s, job %d)\n"), t.number, used, job);
    return 0;
}

const struct cmd qh_cli_print_cmds[] = {
    { "slip", cmd_slip, "out= width= supplement", 1, 1, 0,
      "slip NUMBER --out FILE(.png|.escpos|.pdf) [--width 58|80] [--supplement]",
      "生成号票文件（不打印）：PNG 预览、ESC/POS 热敏打印数据或 PDF；--supplement 为补件告知单",
      "render a ticket's slip without printing: PNG preview, ESC/POS raster or PDF; "
      "--supplement: the missing-documents notice" },
    { "reprint", cmd_reprint, "printer= supplement", 1, 1, 0,
      "reprint NUMBER [--printer NAME] [--supplement]",
      "重新打印号票（默认为大厅配置的打印机），记录 reprinted 或 print_failed 事件；"
      "--supplement 打印补件告知单（仅限最近一次办结为需补件的号），记录 printed 事件",
      "print a ticket's slip again (the hall's printer by default); records reprinted or "
      "print_failed; --supplement prints the missing-documents notice (only for a ticket last "
      "finished as supplement) and records printed" },
    { NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};
