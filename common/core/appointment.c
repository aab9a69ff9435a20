/* appointment.c: appointments: booked one by one or from a CSV, and checked in
 * as a ticket.  Each call is one operation (op.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "qh/csv.h"
#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/store.h"
#include "qh/text.h"
#include "qh/ticket.h"
#include "op.h"

/* ---- appointments ---- */

/* Book one appointment inside an open op; a->code given or drawn. */
static int do_appointment_add(struct op *o, const char *service, int64_t slot_at,
                              const char *name, const char *code,
                              struct qh_appointment *a, char *err, size_t errlen)
{
    struct qh_service sv;
    int rc;
    memset(a, 0, sizeof *a);
    if ((rc = qh_text_check(QH_TEXT_NAME, name, o->lang, err, errlen)) < 0)
        return rc;
    if (qh_store_service_get(o->s, service ? service : "", &sv) < 0)
        return qh_err(err, errlen, QH_E_NOTFOUND, T("没有事项 %s", "no service item %s"),
                      service ? service : "");
    snprintf(a->service, sizeof a->service, "%s", sv.code);
    snprintf(a->name, sizeof a->name, "%s", name ? name : "");
    a->slot_at = slot_at;
    a->created_at = o->now;
    if (code && *code) {
        snprintf(a->code, sizeof a->code, "%s", code);
        rc = qh_store_appointment_add(o->s, a, err, errlen);
    } else {
        /* Eight digits: easy to read out and type on a kiosk keypad; a
         * collision just draws again. */
        rc = QH_E_EXISTS;
        for (int i = 0; i < 20 && rc == QH_E_EXISTS; i++) {
            snprintf(a->code, sizeof a->code, "%08u",
                     (unsigned)(randombytes_uniform(90000000) + 10000000));
            rc = qh_store_appointment_add(o->s, a, err, errlen);
        }
    }
    if (rc < 0)
        return rc;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "code", a->code);
    qh_json_str(&b, "service", a->service);
    qh_json_int(&b, "slot_at", a->slot_at);
    return qh_op_event(o, "appointment_added", NULL, 0, NULL, &b, err, errlen);
}

int qh_appointment_add(struct qh_store *s, const char *service, int64_t slot_at,
                       const char *name, char *code, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_appointment a;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    rc = do_appointment_add(o, service, slot_at, name, code, &a, err, errlen);
    if (rc == 0 && code)
        memcpy(code, a.code, sizeof a.code);
    return qh_op_end(o, rc, err, errlen);
}

int qh_appointments_import(struct qh_store *s, const char *name, const char *text,
                           size_t len, struct qh_appointment **booked,
                           size_t *nbooked, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_appointment_row *rows = NULL;
    struct qh_appointment *out = NULL;
    struct qh_errlist el = { 0 };
    int64_t *slots = NULL;
    size_t n = 0;
    enum qh_lang lang = qh_store_lang(s);
    *booked = NULL;
    *nbooked = 0;
    if (!name)
        name = "(appointments)";
    int rc = qh_appointments_parse_list(name, text, len, &rows, &n, &el);
    if (rc < 0) {
        rc = qh_err(err, errlen, rc, "%s: out of memory", name);
        goto done;
    }
    out = calloc(n ? n : 1, sizeof *out);
    slots = calloc(n ? n : 1, sizeof *slots);
    if (!out || !slots) {
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = qh_op_begin(o, s, err, errlen)) < 0)
        goto done;
    /* Check every good cell of every row, also of rows the reader refused
     * a cell of, and report it all with the reader's findings, by line,
     * so the file can be mended in one go; then book them all in this one
     * transaction. */
    for (size_t i = 0; i < n; i++) {
        struct qh_service sv;
        struct qh_appointment prev;
        char why[QH_ERRLEN];
        if (rows[i].service[0] && qh_store_service_get(s, rows[i].service, &sv) < 0)
            qh_errlist_add(&el, name, rows[i].line, "%s \"%s\"",
                           T("没有事项", "no service item"), rows[i].service);
        if (rows[i].at[0] &&
            qh_clock_parse(rows[i].at, o->hall->timezone, &slots[i], why, sizeof why) < 0)
            qh_errlist_add(&el, name, rows[i].line, "column \"at\": %s", why);
        if (rows[i].code[0] && qh_store_appointment_get(s, rows[i].code, &prev) == 0)
            qh_errlist_add(&el, name, rows[i].line, "%s \"%s\"",
                           T("预约码已存在", "appointment code already exists"), rows[i].code);
    }
    if (qh_errlist_count(&el)) {
        qh_errlist_write(&el, o->lang, err, errlen);
        rc = QH_E_PARSE;
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = do_appointment_add(o, rows[i].service, slots[i], rows[i].name,
                                rows[i].code, &out[i], err, errlen);
out:
    rc = qh_op_end(o, rc, err, errlen);
    if (rc == 0) {
        *booked = out;
        *nbooked = n;
        out = NULL;
    }
done:
    /* A report of the reader's alone when the hall could not be read. */
    if (rc < 0 && rc != QH_E_PARSE && qh_errlist_count(&el)) {
        qh_errlist_write(&el, lang, err, errlen);
        rc = QH_E_PARSE;
    }
    qh_errlist_fini(&el);
    free(out);
    free(slots);
    free(rows);
    return rc;
}

int qh_appointment_checkin(struct qh_store *s, const char *code,
                           struct qh_ticket_row *out,
                           struct qh_issue_info *info,
                           char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_appointment a;
    struct qh_ticket_row t;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if (qh_store_appointment_get(s, code, &a) < 0) {
        rc = qh_err(err, errlen, QH_E_NOTFOUND,
                    T("预约码 %s 不存在", "appointment code %s is unknown"), code);
        goto out;
    }
    if (a.ticket) {
        struct qh_ticket_row prev;
        qh_store_ticket_get(s, a.ticket, &prev);
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("预约 %s 已签到，号码为%s", "appointment %s is already checked in as %s"),
                    code, prev.number);
        goto out;
    }
    char slot_day[11], hhmm[6];
    qh_clock_day(o->hall->timezone, a.slot_at, slot_day);
    qh_clock_hhmm(o->hall->timezone, a.slot_at, hhmm);
    if (strcmp(slot_day, o->day)) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("预约 %s 的日期是%s，不是今天", "appointment %s is for %s, not today"),
                    code, slot_day);
        goto out;
    }
    /* The booking holds a place in time, within limits: far too early
     * would block the queue's future, far too late pushes ahead of people
     * who came on time. */
    if (o->now < a.slot_at - (int64_t)o->hall->checkin_early_minutes * 60000) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("预约时间为%s，请在%d分钟内签到",
                      "the appointment is at %s: check in at most %d minutes before"),
                    hhmm, o->hall->checkin_early_minutes);
        goto out;
    }
    if (o->now > a.slot_at + (int64_t)o->hall->checkin_late_minutes * 60000) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("预约时间%s已过%d分钟以上，请取普通号",
                      "the appointment at %s is over %d minutes past: take a regular number"),
                    hhmm, o->hall->checkin_late_minutes);
        goto out;
    }
    struct qh_issue_req req = {
        .service = a.service, .slot_at = a.slot_at, .appointment = a.id,
    };
    if ((rc = qh_op_issue(o, &req, &t, info, err, errlen)) < 0)
        goto out;
    a.ticket = t.id;
    if ((rc = qh_store_appointment_update(s, &a, err, errlen)) == 0 && out)
        *out = t;
out:
    return qh_op_end(o, rc, err, errlen);
}

