/* rating.c: 好差评 from the citizen (rating.h): the channels, the rules
 * of who may record a rating on which channel, and the pad's prompt and
 * walk-away events.  The rating itself is written by qh_op_rate (op.c),
 * which the staff terminal's old path (ticket.c) shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/rating.h"
#include "qh/store.h"
#include "qh/text.h"
#include "op.h"

static const char *const channels[][3] = {
    [QH_RATE_PAD] = {"pad", "评价器", "rating pad"},
    [QH_RATE_QR] = {"qr", "扫码评价", "QR code"},
    [QH_RATE_PAPER] = {"paper", "纸质评价表", "paper form"},
    [QH_RATE_HOTLINE] = {"hotline", "电话回访", "phone call"},
    [QH_RATE_SMS] = {"sms", "短信评价", "text message"},
    [QH_RATE_DEFAULT] = {"default", "默认好评", "default rating"},
    [QH_RATE_LEGACY] = {"legacy", "窗口录入（旧）", "staff terminal (old)"},
};
#define NCHANNELS ((int)(sizeof channels / sizeof channels[0]))

const char *qh_rating_channel_name(enum qh_rating_channel c)
{
    return (int)c >= 0 && (int)c < NCHANNELS ? channels[c][0] : NULL;
}

int qh_rating_channel_parse(const char *name, enum qh_rating_channel *out)
{
    for (int i = 0; name && i < NCHANNELS; i++)
        if (!strcmp(name, channels[i][0])) {
            *out = (enum qh_rating_channel)i;
            return 0;
        }
    return QH_E_PARSE;
}

const char *qh_rating_channel_label(enum qh_rating_channel c, enum qh_lang lang)
{
    if ((int)c < 0 || (int)c >= NCHANNELS)
        return "";
    return channels[c][lang == QH_LANG_EN ? 2 : 1];
}

/* The window N of an actor "pad:N", else 0. */
static int pad_window(const char *actor)
{
    if (strncmp(actor, "pad:", 4))
        return 0;
    char *end;
    long n = strtol(actor + 4, &end, 10);
    return *end || n < 1 || n > 999 ? 0 : (int)n;
}

static int is_admin(struct op *o, const char *id)
{
    struct qh_staff_row st;
    return id && qh_store_staff_get(o->s, id, &st) == 0 && !strcmp(st.role, "admin");
}

/* Who may record a rating on req's channel, and with which device;
 * t is the ticket it rates. */
static int allowed(struct op *o, const struct qh_rate_req *req,
                   const struct qh_ticket_row *t, char *device, size_t devlen,
                   char *err, size_t errlen)
{
    const char *actor = qh_store_actor(o->s);
    const char *name = qh_rating_channel_name(req->channel);
    if (!name)
        return qh_err(err, errlen, QH_E_PARSE,
                      T("未知的评价渠道 %d", "unknown rating channel %d"), (int)req->channel);
    int rc = qh_op_staff_refused(o, err, errlen);
    if (rc < 0)
        return rc;
    snprintf(device, devlen, "%s", req->device ? req->device : actor);
    switch (req->channel) {
    case QH_RATE_PAD: {
        int w = pad_window(actor);
        if (!w)
            return qh_err(err, errlen, QH_E_STATE,
                          T("评价器的评价只能来自评价器（pad:N），而不是「%s」",
                            "a pad rating comes from a pad (pad:N), not \"%s\""), actor);
        if (w != t->window)
            return qh_err(err, errlen, QH_E_STATE,
                          T("%s号在%d号窗口办理，不能在%d号窗口的评价器上评价",
                            "ticket %s was served at window %d, not at window %d's pad"),
                          t->number, t->window, w);
        snprintf(device, devlen, "%s", actor);
        return 0;
    }
    case QH_RATE_QR: {
        int late = o->hall->rating.late_days;
        long age = qh_clock_day_num(o->day) - qh_clock_day_num(t->day);
        if (age > late)
            return qh_err(err, errlen, QH_E_STATE,
                          T("%s号（%s）已超过%d天的评价期限",
                            "ticket %s (%s) is past the %d days a rating is taken"),
                          t->number, t->day, late);
        if (!req->device)
            snprintf(device, devlen, "web");
        return 0;
    }
    case QH_RATE_PAPER:
    case QH_RATE_HOTLINE:
    case QH_RATE_SMS: {
        if (qh_op_blank(req->by))
            return qh_err(err, errlen, QH_E_PARSE, "%s",
                          T("纸质、电话、短信评价需要注明录入的管理员",
                            "a paper, hotline or sms rating names the admin who enters it"));
        if (!is_admin(o, req->by))
            return qh_err(err, errlen, QH_E_STATE,
                          T("「%s」不是管理员，不能录入评价",
                            "\"%s\" is not an admin: cannot enter a rating"), req->by);
        return 0;
    }
    case QH_RATE_DEFAULT:
    case QH_RATE_LEGACY:
        break;
    }
    return qh_err(err, errlen, QH_E_STATE,
                  T("「%s」评价只由系统自己记录", "\"%s\" ratings are written by qhall itself"),
                  name);
}

int qh_rating_add(struct qh_store *s, const struct qh_rate_req *req,
                  struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    char device[sizeof ((struct qh_rating_row *)0)->device];
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    const char *day = req->day ? req->day : o->day;
    if (!req->number || (rc = qh_store_ticket_by_number(s, day, req->number, &t)) < 0) {
        if (rc == QH_E_NOTFOUND || !req->number)
            rc = qh_err(err, errlen, QH_E_NOTFOUND, T("没有%s号（%s）", "no ticket %s on %s"),
                        req->number ? req->number : "", day);
        else
            rc = qh_store_fail(o->s, rc, err, errlen);
        goto out;
    }
    if ((rc = allowed(o, req, &t, device, sizeof device, err, errlen)) < 0)
        goto out;
    if ((rc = qh_op_rate(o, &t, req->score, req->reason,
                         qh_rating_channel_name(req->channel), device,
                         req->channel == QH_RATE_PAPER || req->channel == QH_RATE_HOTLINE ||
                         req->channel == QH_RATE_SMS ? req->by : NULL,
                         err, errlen)) == 0 && out)
        *out = t;
out:
    return qh_op_end(o, rc, err, errlen);
}

/* ---- 申诉 ---- */

/* The last rating of the ticket `number` of day (NULL: today). */
static int rating_of(struct op *o, const char *number, const char *day,
                     struct qh_ticket_row *t, struct qh_rating_row *r,
                     char *err, size_t errlen)
{
    int rc = qh_store_ticket_by_number(o->s, day ? day : o->day, number ? number : "", t);
    if (rc == QH_E_NOTFOUND)
        return qh_err(err, errlen, rc, T("没有%s号（%s）", "no ticket %s on %s"),
                      number ? number : "", day ? day : o->day);
    if (rc < 0)
        return qh_store_fail(o->s, rc, err, errlen);
    rc = t->rated ? qh_store_rating_of_ticket(o->s, t->id, r) : QH_E_NOTFOUND;
    if (rc == QH_E_NOTFOUND)
        return qh_err(err, errlen, QH_E_STATE, T("%s号还没有评价", "ticket %s has not been rated"),
                      t->number);
    return rc < 0 ? qh_store_fail(o->s, rc, err, errlen) : 0;
}

/* Begin an appeal's op: a reason given, the ticket's rating read.  When
 * the op could not begin, o->s is NULL and there is nothing to end; on any
 * other failure the op is open and the caller ends it. */
static int appeal_begin(struct op *o, struct qh_store *s, const char *number,
                        const char *day, const char *reason, struct qh_ticket_row *t,
                        struct qh_rating_row *r, char *err, size_t errlen)
{
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0) {
        o->s = NULL;
        return rc;
    }
    rc = qh_text_check(QH_TEXT_REASON, reason, o->lang, err, errlen);
    if (rc == 0 && qh_op_blank(reason))
        rc = qh_err(err, errlen, QH_E_PARSE, "%s",
                    T("申诉和申诉决定都需要填写理由", "an appeal and its decision need a reason"));
    return rc < 0 ? rc : rating_of(o, number, day, t, r, err, errlen);
}

int qh_rating_get(struct qh_store *s, int64_t ticket, struct qh_rating_row *out)
{
    return qh_store_rating_of_ticket(s, ticket, out);
}

int qh_rating_appeal(struct qh_store *s, const char *number, const char *day,
                     const char *staff, const char *reason,
                     char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    struct qh_rating_row r;
    int rc = appeal_begin(o, s, number, day, reason, &t, &r, err, errlen);
    if (rc < 0)
        goto out;
    if (r.score > 2)
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%s号的评价为%d分，不是差评，不能申诉",
                      "ticket %s was rated %d, not a 差评: there is nothing to appeal"),
                    t.number, r.score);
    else if (!staff || strcmp(staff, r.staff))
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("只有被评价的工作人员（%s）可以申诉", "only the staff member rated (%s) may appeal"),
                    r.staff);
    else if (r.appeal[0])
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%s号的差评已申诉过", "the 差评 of ticket %s has already been appealed"),
                    t.number);
    if (rc < 0)
        goto out;
    snprintf(r.appeal, sizeof r.appeal, "filed");
    snprintf(r.appeal_reason, sizeof r.appeal_reason, "%s", reason);
    r.appeal_at = o->now;
    if ((rc = qh_store_rating_appeal(s, &r, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_int(&b, "score", r.score);
    qh_json_str(&b, "reason", reason);
    qh_json_str(&b, "channel", r.channel);
    rc = qh_op_event(o, "appeal_filed", &t, r.window, r.staff, &b, err, errlen);
out:
    return o->s ? qh_op_end(o, rc, err, errlen) : rc;
}

int qh_rating_decide(struct qh_store *s, const char *number, const char *day,
                     int overturn, const char *by, const char *reason,
                     char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    struct qh_rating_row r;
    int rc = appeal_begin(o, s, number, day, reason, &t, &r, err, errlen);
    if (rc < 0)
        goto out;
    if (!is_admin(o, by))
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("「%s」不是管理员，不能决定申诉", "\"%s\" is not an admin: cannot decide an appeal"),
                    by ? by : "");
    else if (strcmp(r.appeal, "filed"))
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%s号没有待决定的申诉", "ticket %s has no appeal waiting for a decision"),
                    t.number);
    if (rc < 0)
        goto out;
    snprintf(r.appeal, sizeof r.appeal, "%s", overturn ? "overturned" : "upheld");
    snprintf(r.decided_by, sizeof r.decided_by, "%s", by);
    snprintf(r.decision_reason, sizeof r.decision_reason, "%s", reason);
    r.decided_at = o->now;
    if ((rc = qh_store_rating_appeal(s, &r, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "decision", r.appeal);
    qh_json_int(&b, "score", r.score);
    qh_json_str(&b, "channel", r.channel);
    qh_json_str(&b, "reason", reason);
    qh_json_str(&b, "by", by);
    rc = qh_op_event(o, "appeal_decided", &t, r.window, r.staff, &b, err, errlen);
out:
    return o->s ? qh_op_end(o, rc, err, errlen) : rc;
}

/* ---- the pad's prompt and walk-away ---- */

struct last_finished {
    int window;
    struct qh_ticket_row t;
    int found;
};

static int last_finished_cb(const struct qh_ticket_row *t, void *ud)
{
    struct last_finished *l = ud;
    if (t->window == l->window && t->outcome[0] && !t->rated &&
        (!l->found || t->finished_at >= l->t.finished_at)) {
        l->t = *t;
        l->found = 1;
    }
    return 0;
}

int qh_rating_prompt(struct qh_store *s, int window, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    const struct qh_window_conf *wc;
    struct qh_window_row wr;
    struct last_finished l = {.window = window};
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_window_conf(o, window, &wc, &wr, err, errlen)) < 0)
        goto out;
    if ((rc = qh_store_ticket_each(s, o->day, QH_TICKET_FINISHED, last_finished_cb, &l)) < 0) {
        rc = qh_store_fail(o->s, rc, err, errlen);
        goto out;
    }
    if (!l.found) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%d号窗口今天没有办结待评价的号", "window %d has no finished, unrated ticket today"),
                    window);
        goto out;
    }
    rc = qh_op_event(o, "rating_prompt", &l.t, window, l.t.staff, NULL, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

int qh_rating_skipped(struct qh_store *s, int window, const char *number,
                      char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    if (t.window != window) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%s号不在%d号窗口办理", "ticket %s was not served at window %d"),
                    t.number, window);
        goto out;
    }
    rc = qh_op_event(o, "rating_skipped", &t, window, t.staff, NULL, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}
