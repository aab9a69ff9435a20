/* window.c: windows paused and resumed, each one operation (op.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/store.h"
#include "qh/text.h"
#include "qh/ticket.h"
#include "op.h"

/* ---- windows ---- */

int qh_window_pause(struct qh_store *s, int window, const char *reason,
                    char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    const struct qh_window_conf *wc;
    struct qh_window_row wr;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if (qh_op_blank(reason)) {
        rc = qh_err(err, errlen, QH_E_PARSE, "%s",
                    T("暂停需要填写原因", "a pause needs a reason"));
        goto out;
    }
    if ((rc = qh_text_check(QH_TEXT_PAUSE, reason, o->lang, err, errlen)) < 0)
        goto out;
    if ((rc = qh_op_window_conf(o, window, &wc, &wr, err, errlen)) < 0)
        goto out;
    if (wr.paused) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%d号窗口已在暂停中", "window %d is already paused"), window);
        goto out;
    }
    if ((rc = qh_op_window_empty(o, window, err, errlen)) < 0)
        goto out;
    wr.paused = 1;
    snprintf(wr.pause_reason, sizeof wr.pause_reason, "%s", reason);
    wr.paused_at = o->now;
    if ((rc = qh_store_window_put(s, &wr, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "reason", reason);
    rc = qh_op_event(o, "paused", NULL, window, wr.staff, &b, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

int qh_window_resume(struct qh_store *s, int window, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    const struct qh_window_conf *wc;
    struct qh_window_row wr;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_window_conf(o, window, &wc, &wr, err, errlen)) < 0)
        goto out;
    if (!wr.paused) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%d号窗口没有暂停", "window %d is not paused"), window);
        goto out;
    }
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "reason", wr.pause_reason);
    qh_json_int(&b, "paused_s", (o->now - wr.paused_at) / 1000);
    wr.paused = 0;
    wr.pause_reason[0] = '\0';
    wr.paused_at = 0;
    if ((rc = qh_store_window_put(s, &wr, err, errlen)) < 0) {
        qh_buf_fini(&b);
        goto out;
    }
    rc = qh_op_event(o, "resumed", NULL, window, wr.staff, &b, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

