/* print.c: slips to CUPS, and plain words when that fails.
 *
 * The printer is checked before each job (one local IPP request, well
 * under a millisecond): a job sent to a stopped or paperless printer
 * would sit "pending" while the citizen walks away without a slip, so
 * those are refused up front and the kiosk says so at once.  Faults that
 * show up only once the job runs (the backend reports media-empty, the
 * job is aborted) are seen by polling the job: qh_print_job_state(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cups/cups.h>

#include "qh/print.h"

#define T(zh, en) QH_TR(lang, zh, en)

/* The queue to use: the given name, else the CUPS default. */
static int pick(const char *printer, enum qh_lang lang, char *name, size_t n,
                char *err, size_t errlen)
{
    if (printer && *printer) {
        snprintf(name, n, "%s", printer);
        return 0;
    }
    const char *d = cupsGetDefault2(CUPS_HTTP_DEFAULT);
    if (!d || !*d) {
        if (cupsLastError() == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE)
            return qh_err(err, errlen, QH_E_IO,
                          T("无法连接打印服务（CUPS）：%s", "cannot reach CUPS: %s"),
                          cupsLastErrorString());
        return qh_err(err, errlen, QH_E_IO, "%s",
                      T("没有设置默认打印机，也没有在配置中指定打印机",
                        "no default printer, and none named in the configuration"));
    }
    snprintf(name, n, "%s", d);
    return 0;
}

static void printer_uri(const char *name, char *uri, size_t n)
{
    httpAssembleURIf(HTTP_URI_CODING_ALL, uri, (int)n, "ipp", NULL, "localhost",
                     ippPort(), "/printers/%s", name);
}

/* IPP's "not found" and "cannot connect" in plain words. */
static int ipp_failure(const char *name, enum qh_lang lang, char *err, size_t errlen)
{
    ipp_status_t st = cupsLastError();
    if (st == IPP_STATUS_ERROR_NOT_FOUND)
        return qh_err(err, errlen, QH_E_IO, T("找不到打印机「%s」", "no printer named \"%s\""),
                      name);
    if (st == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || st == IPP_STATUS_ERROR_INTERNAL)
        return qh_err(err, errlen, QH_E_IO,
                      T("无法连接打印服务（CUPS）：%s", "cannot reach CUPS: %s"),
                      cupsLastErrorString());
    if (st == IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS)
        return qh_err(err, errlen, QH_E_IO,
                      T("打印机「%s」暂停接收打印任务", "printer \"%s\" is not accepting jobs"),
                      name);
    return qh_err(err, errlen, QH_E_IO, T("打印机「%s」出错：%s", "printer \"%s\": %s"),
                  name, cupsLastErrorString());
}

int qh_print_status(const char *printer, enum qh_lang lang,
                    struct qh_printer_status *st, char *err, size_t errlen)
{
    static const char *const want[] = {"printer-state", "printer-state-reasons",
                                       "printer-is-accepting-jobs", "printer-state-message"};
    char uri[1024];
    memset(st, 0, sizeof *st);
    int rc = pick(printer, lang, st->name, sizeof st->name, err, errlen);
    if (rc < 0)
        return rc;
    printer_uri(st->name, uri, sizeof uri);
    ipp_t *req = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  4, NULL, want);
    ipp_t *res = cupsDoRequest(CUPS_HTTP_DEFAULT, req, "/");
    if (!res || cupsLastError() > IPP_STATUS_OK_CONFLICTING) {
        ippDelete(res);
        return ipp_failure(st->name, lang, err, errlen);
    }
    ipp_attribute_t *a;
    if ((a = ippFindAttribute(res, "printer-state", IPP_TAG_ENUM)))
        st->state = ippGetInteger(a, 0);
    if ((a = ippFindAttribute(res, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN)))
        st->accepting = ippGetBoolean(a, 0);
    if ((a = ippFindAttribute(res, "printer-state-message", IPP_TAG_TEXT)))
        snprintf(st->message, sizeof st->message, "%s", ippGetString(a, 0, NULL));
    if ((a = ippFindAttribute(res, "printer-state-reasons", IPP_TAG_KEYWORD))) {
        size_t n = 0;
        for (int i = 0; i < ippGetCount(a) && n < sizeof st->reasons; i++) {
            const char *r = ippGetString(a, i, NULL);
            n += (size_t)snprintf(st->reasons + n, sizeof st->reasons - n, "%s%s",
                                  i ? "," : "", r ? r : "");
            if (r && !strncmp(r, "media-low", 9))
                st->paper_low = 1;
        }
    }
    ippDelete(res);
    return 0;
}

/* 1 if the comma-separated reasons hold `what` (with or without its
 * -report/-warning/-error suffix). */
static int has_reason(const char *reasons, const char *what)
{
    size_t n = strlen(what);
    for (const char *p = reasons; (p = strstr(p, what)); p += n)
        if ((p == reasons || p[-1] == ',') &&
            (p[n] == '\0' || p[n] == ',' || p[n] == '-'))
            return 1;
    return 0;
}

int qh_print_problem(const struct qh_printer_status *st, enum qh_lang lang,
                     char *out, size_t outlen)
{
    const char *n = st->name;
    if (has_reason(st->reasons, "media-empty") || has_reason(st->reasons, "media-needed"))
        snprintf(out, outlen, T("打印机「%s」缺纸", "printer \"%s\" is out of paper"), n);
    else if (has_reason(st->reasons, "media-jam"))
        snprintf(out, outlen, T("打印机「%s」卡纸", "printer \"%s\" has a paper jam"), n);
    else if (has_reason(st->reasons, "door-open") || has_reason(st->reasons, "cover-open"))
        snprintf(out, outlen, T("打印机「%s」机盖未合上", "printer \"%s\" has its cover open"), n);
    else if (has_reason(st->reasons, "offline"))
        snprintf(out, outlen, T("打印机「%s」离线", "printer \"%s\" is offline"), n);
    else if (st->state == IPP_PSTATE_STOPPED)
        snprintf(out, outlen, T("打印机「%s」已停止%s%s", "printer \"%s\" is stopped%s%s"), n,
                 st->message[0] ? T("：", ": ") : "", st->message);
    else if (!st->accepting)
        snprintf(out, outlen, T("打印机「%s」暂停接收打印任务",
                                "printer \"%s\" is not accepting jobs"), n);
    else
        return 0;
    return 1;
}

/* The job's name, in the few characters every CUPS takes as they are.
 *
 * Debian 12's cupsd 2.4.2-3+deb12u10 crashes on a job attribute whose text
 * holds white space: the scheduler's new clean-up of option values (run
 * when the job starts, in get_options) writes a blank for a space without
 * stepping past it, and runs off its buffer (segfault); a control character
 * makes the same loop spin for ever.  `lp` was spared because a file name
 * rarely has a space, but a document-name of "qhall 2026-11-25 B001" took
 * the hall's print server down.  So qhall sends no document-name at all, and
 * a job-name of letters, digits and "-._" only: a kiosk must never be able
 * to stop the print server, whatever a later CUPS does with either. */
static void job_name(const char *title, char *out, size_t n)
{
    size_t i = 0;
    for (const unsigned char *p = (const unsigned char *)(title ? title : "");
         *p && i + 1 < n; p++) {
        int keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                   (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_';
        out[i++] = keep ? (char)*p : '-';
    }
    if (!i && n > 1)
        out[i++] = 'q';
    if (n)
        out[i] = '\0';
}

int qh_print_submit(const char *printer, const char *title, const char *format,
                    const void *data, size_t len, enum qh_lang lang, int *job,
                    char *used, size_t usedlen, char *err, size_t errlen)
{
    struct qh_printer_status st;
    char why[QH_ERRLEN], name[128];
    *job = 0;
    job_name(title, name, sizeof name);
    int rc = qh_print_status(printer, lang, &st, err, errlen);
    if (rc < 0)
        return rc;
    if (used && usedlen)
        snprintf(used, usedlen, "%s", st.name);
    if (qh_print_problem(&st, lang, why, sizeof why))
        return qh_err(err, errlen, QH_E_IO, "%s", why);
    int id = cupsCreateJob(CUPS_HTTP_DEFAULT, st.name, name, 0, NULL);
    if (!id)
        return ipp_failure(st.name, lang, err, errlen);
    if (cupsStartDocument(CUPS_HTTP_DEFAULT, st.name, id, NULL, format, 1) !=
            HTTP_STATUS_CONTINUE ||
        cupsWriteRequestData(CUPS_HTTP_DEFAULT, data, len) != HTTP_STATUS_CONTINUE) {
        rc = ipp_failure(st.name, lang, err, errlen);
        cupsFinishDocument(CUPS_HTTP_DEFAULT, st.name);
        qh_print_cancel(st.name, id);
        return rc;
    }
    if (cupsFinishDocument(CUPS_HTTP_DEFAULT, st.name) > IPP_STATUS_OK_CONFLICTING) {
        rc = ipp_failure(st.name, lang, err, errlen);
        qh_print_cancel(st.name, id);
        return rc;
    }
    *job = id;
    return 0;
}

int qh_print_job_state(const char *printer, int job, enum qh_lang lang,
                       char *err, size_t errlen)
{
    static const char *const want[] = {"job-state", "job-state-reasons",
                                       "job-printer-state-message"};
    char name[128], uri[1024], why[QH_ERRLEN];
    int rc = pick(printer, lang, name, sizeof name, err, errlen);
    if (rc < 0)
        return rc;
    printer_uri(name, uri, sizeof uri);
    ipp_t *req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  3, NULL, want);
    ipp_t *res = cupsDoRequest(CUPS_HTTP_DEFAULT, req, "/");
    if (!res || cupsLastError() > IPP_STATUS_OK_CONFLICTING) {
        ippDelete(res);
        return ipp_failure(name, lang, err, errlen);
    }
    int state = 0;
    char reasons[512] = "", msg[256] = "";
    ipp_attribute_t *a;
    if ((a = ippFindAttribute(res, "job-state", IPP_TAG_ENUM)))
        state = ippGetInteger(a, 0);
    if ((a = ippFindAttribute(res, "job-state-reasons", IPP_TAG_KEYWORD))) {
        size_t n = 0;
        for (int i = 0; i < ippGetCount(a) && n < sizeof reasons; i++)
            n += (size_t)snprintf(reasons + n, sizeof reasons - n, "%s%s", i ? "," : "",
                                  ippGetString(a, i, NULL));
    }
    if ((a = ippFindAttribute(res, "job-printer-state-message", IPP_TAG_TEXT)))
        snprintf(msg, sizeof msg, "%s", ippGetString(a, 0, NULL));
    ippDelete(res);
    if (state == IPP_JSTATE_COMPLETED)
        return QH_PRINT_DONE;
    if (state == IPP_JSTATE_ABORTED || state == IPP_JSTATE_CANCELED ||
        state == IPP_JSTATE_STOPPED || has_reason(reasons, "printer-stopped")) {
        /* The printer says why better than the job does. */
        struct qh_printer_status st;
        if (qh_print_status(name, lang, &st, NULL, 0) == 0 &&
            qh_print_problem(&st, lang, why, sizeof why))
            return qh_err(err, errlen, QH_E_IO, "%s", why);
        if (state == IPP_JSTATE_CANCELED)
            return qh_err(err, errlen, QH_E_IO, T("打印任务被取消", "the print job was cancelled"));
        return qh_err(err, errlen, QH_E_IO, T("打印失败%s%s", "printing failed%s%s"),
                      msg[0] ? T("：", ": ") : "", msg);
    }
    return QH_PRINT_PENDING;
}

void qh_print_cancel(const char *printer, int job)
{
    if (job > 0)
        cupsCancelJob2(CUPS_HTTP_DEFAULT, printer && *printer ? printer : NULL, job, 0);
}

int qh_print_ticket(struct qh_store *s, struct qh_slip_renderer **renderer,
                    const char *number, const char *printer, int *job,
                    char *used, size_t usedlen, char *err, size_t errlen)
{
    struct qh_slip slip;
    struct qh_slip_image *img = NULL;
    struct qh_buf doc;
    enum qh_lang lang = qh_hall_lang(s);
    const struct qh_printer_conf *pc = &qh_hall_config(s)->printer;
    int pdf = !strcmp(pc->kind, "pdf");
    char title[64];
    *job = 0;
    int rc = qh_slip_load(s, number, &slip, err, errlen);
    if (rc < 0)
        return rc;
    if (!*renderer && (rc = qh_slip_renderer_new(renderer, err, errlen)) < 0)
        return rc;
    if ((rc = qh_slip_render(*renderer, &slip, qh_slip_dots(pc->width), &img, err,
                             errlen)) < 0)
        return rc;
    qh_buf_init(&doc);
    rc = pdf ? qh_slip_pdf(img, &doc) : qh_slip_escpos(img, &doc);
    qh_slip_image_free(img);
    if (rc < 0) {
        qh_buf_fini(&doc);
        return qh_err(err, errlen, rc, "out of memory");
    }
    snprintf(title, sizeof title, "qhall %s %s", slip.ticket.day, slip.ticket.number);
    rc = qh_print_submit(printer && *printer ? printer : pc->name, title,
                         pdf ? "application/pdf" : CUPS_FORMAT_RAW, doc.p, doc.len,
                         lang, job, used, usedlen, err, errlen);
    qh_buf_fini(&doc);
    return rc;
}

int qh_print_supplement(struct qh_store *s, struct qh_slip_renderer **renderer,
                        const struct qh_slip *slip, const char *printer, int *job,
                        char *used, size_t usedlen, char *err, size_t errlen)
{
    const struct qh_printer_conf *pc = &qh_hall_config(s)->printer;
    struct qh_buf doc;
    const char *format = NULL;
    char title[64];
    *job = 0;
    int rc = 0;
    qh_buf_init(&doc);
    if ((!*renderer && (rc = qh_slip_renderer_new(renderer, err, errlen)) < 0) ||
        (rc = qh_slip_document(*renderer, slip, pc, &doc, &format, err, errlen)) < 0)
        goto out;
    snprintf(title, sizeof title, "qhall %s %s supplement", slip->ticket.day,
             slip->ticket.number);
    rc = qh_print_submit(printer && *printer ? printer : pc->name, title, format, doc.p,
                         doc.len, qh_hall_lang(s), job, used, usedlen, err, errlen);
out:
    qh_buf_fini(&doc);
    return rc;
}

int qh_print_wait(const char *printer, int job, int timeout_ms, enum qh_lang lang,
                  char *err, size_t errlen)
{
    struct timespec nap = {0, 20 * 1000000L};
    for (int waited = 0;; waited += 20) {
        int rc = qh_print_job_state(printer, job, lang, err, errlen);
        if (rc < 0) {
            qh_print_cancel(printer, job);
            return rc;
        }
        if (rc == QH_PRINT_DONE)
            return 0;
        if (waited >= timeout_ms)
            return 1;
        nanosleep(&nap, NULL);
    }
}
