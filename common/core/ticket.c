/* ticket.c: the ticket lifecycle: issue, call, recall, no-show,
 * callback, start, hold, release, transfer, finish, cancel, rate, and
 * what happened to a ticket's slip.  Each call is one operation (op.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/auth.h"
#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/policy.h"
#include "qh/stats.h"
#include "qh/store.h"
#include "qh/text.h"
#include "qh/ticket.h"
#include "op.h"

/* ---- names ---- */

static const char *const green_reasons[][3] = {
    {"elderly", "老年人", "elderly"},
    {"pregnant", "孕妇", "pregnant"},
    {"disabled", "残疾人", "disabled"},
    {"military", "军人军属", "military family"},
    {"other", "其他", "other"},
};

int qh_green_valid(const char *reason)
{
    for (size_t i = 0; i < sizeof green_reasons / sizeof green_reasons[0]; i++)
        if (!strcmp(reason, green_reasons[i][0]))
            return 1;
    return 0;
}

const char *qh_green_label(const char *reason, enum qh_lang lang)
{
    for (size_t i = 0; i < sizeof green_reasons / sizeof green_reasons[0]; i++)
        if (!strcmp(reason, green_reasons[i][0]))
            return green_reasons[i][lang == QH_LANG_EN ? 2 : 1];
    return reason;
}

static const char *const outcomes[][3] = {
    {"done", "办结", "done"},
    {"supplement", "需补件", "materials missing"},
    {"failed", "办不成", "could not be done"},
};

int qh_outcome_valid(const char *outcome)
{
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
        if (!strcmp(outcome, outcomes[i][0]))
            return 1;
    return 0;
}

const char *qh_outcome_label(const char *outcome, enum qh_lang lang)
{
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
        if (!strcmp(outcome, outcomes[i][0]))
            return outcomes[i][lang == QH_LANG_EN ? 2 : 1];
    return outcome;
}

/* ---- issue ---- */

/* The daily quotas, the one place they are counted: the queue's
 * daily_quota, then the item's own ([quota] in the hall INI).  A ticket
 * transferred to another item counts for the item it has now (see
 * qh_store_service_issued_count).  name: the item's name for the message,
 * NULL to look it up only when it is needed. */
static int quota_check(struct op *o, const struct qh_queue_conf *q, const char *service,
                       const char *name, struct qh_quota_full *full,
                       char *err, size_t errlen)
{
    int issued = q->daily_quota > 0 ? qh_store_issued_count(o->s, o->day, q->code) : 0;
    if (issued < 0)
        return qh_store_fail(o->s, issued, err, errlen);
    if (q->daily_quota > 0 && issued >= q->daily_quota) {
        if (full)
            *full = (struct qh_quota_full){0, q->daily_quota};
        return qh_err(err, errlen, QH_E_QUOTA,
                      T("%s今日号已取完（%d个）", "%s: today's %d numbers are all taken"),
                      QH_TR(o->lang, q->name, q->name_en), q->daily_quota);
    }
    int item_quota = qh_conf_item_quota(o->hall, service);
    issued = item_quota > 0 ? qh_store_service_issued_count(o->s, o->day, service) : 0;
    if (issued < 0)
        return qh_store_fail(o->s, issued, err, errlen);
    if (item_quota > 0 && issued >= item_quota) {
        struct qh_service sv;
        if (full)
            *full = (struct qh_quota_full){1, item_quota};
        if (!name && err)
            name = qh_store_service_get(o->s, service, &sv) == 0 ? sv.name : service;
        return qh_err(err, errlen, QH_E_QUOTA,
                      T("%s今日号已取完（%d个）", "%s: today's %d numbers are all taken"),
                      name, item_quota);
    }
    return 0;
}

int qh_ticket_quota(struct qh_store *s, const char *queue, const char *service,
                    struct qh_quota_full *full, char *err, size_t errlen)
{
    struct op ob = {.s = s, .hall = qh_store_hall(s), .lang = qh_store_lang(s)}, *o = &ob;
    struct qh_service sv;
    if (!service)
        service = "";
    if ((!queue || !*queue) && *service) {
        if (qh_store_service_get(s, service, &sv) < 0)
            return qh_err(err, errlen, QH_E_NOTFOUND,
                          T("没有事项 %s", "no service item %s"), service);
        queue = sv.queue;
    }
    const struct qh_queue_conf *q = queue ? qh_conf_queue(o->hall, queue) : NULL;
    if (!q)
        return qh_err(err, errlen, QH_E_NOTFOUND,
                      T("没有队列 %s", "no queue %s"), queue ? queue : "");
    qh_hall_today(s, o->day);
    return quota_check(o, q, service, NULL, full, err, errlen);
}

int qh_op_issue(struct op *o, const struct qh_issue_req *req,
                struct qh_ticket_row *out, struct qh_issue_info *info,
                char *err, size_t errlen)
{
    struct qh_ticket_row t;
    struct qh_service sv;
    const char *queue = req->queue;
    const char *green = req->green ? req->green : "";
    memset(&t, 0, sizeof t);
    if (req->service && *req->service) {
        if (qh_store_service_get(o->s, req->service, &sv) < 0)
            return qh_err(err, errlen, QH_E_NOTFOUND,
                          T("没有事项 %s", "no service item %s"), req->service);
        queue = sv.queue;
        snprintf(t.service, sizeof t.service, "%s", sv.code);
    }
    if (!queue || !*queue)
        return qh_err(err, errlen, QH_E_USAGE, "%s",
                      T("请指定事项或队列", "name a service item or a queue"));
    const struct qh_queue_conf *q = qh_conf_queue(o->hall, queue);
    if (!q)
        return qh_err(err, errlen, QH_E_NOTFOUND,
                      T("没有队列 %s", "no queue %s"), queue);
    if (*green && !qh_green_valid(green))
        return qh_err(err, errlen, QH_E_PARSE,
                      T("绿色通道原因应为 elderly|pregnant|disabled|military|other，而不是「%s」",
                        "green-channel reason must be elderly|pregnant|disabled|military|other, not \"%s\""),
                      green);
    /* Counted in this same transaction, so two kiosks cannot both take
     * the last one. */
    int rc = quota_check(o, q, t.service, t.service[0] ? sv.name : "", NULL, err, errlen);
    if (rc < 0)
        return rc;
    int64_t after;
    rc = qh_store_seq_next(o->s, o->day, q->code, &t.seq, &after, err,
                               errlen);
    if (rc < 0)
        return rc;
    snprintf(t.day, sizeof t.day, "%s", o->day);
    snprintf(t.number, sizeof t.number, t.seq > 999 ? "%s%04d" : "%s%03d",
             q->prefix, t.seq);
    snprintf(t.queue, sizeof t.queue, "%s", q->code);
    snprintf(t.green, sizeof t.green, "%s", green);
    t.state = QH_TICKET_WAITING;
    /* A clock stepped back (NTP, a fixed QHALL_NOW) must not put a number
     * before the one it follows: the queue's day keeps its order. */
    t.issued_at = o->now > after ? o->now : after;
    t.virtual_at = qh_policy_virtual_at(t.issued_at, *green != 0,
                                        o->hall->green_bonus_minutes, req->slot_at);
    t.prio = 1;
    t.appointment = req->appointment;
    if ((rc = qh_store_ticket_insert(o->s, &t, err, errlen)) < 0)
        return rc;
    char token[QH_AUTH_TOKEN_LEN];
    if ((rc = qh_auth_token(token, err, errlen)) < 0 ||
        (rc = qh_store_token_put(o->s, t.id, token, err, errlen)) < 0)
        return rc;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "service", t.service[0] ? t.service : NULL);
    if (*green)
        qh_json_str(&b, "green", green);
    if (req->appointment)
        qh_json_int(&b, "appointment", req->appointment);
    if ((rc = qh_op_event(o, "issued", &t, 0, NULL, &b, err, errlen)) < 0)
        return rc;
    if ((rc = qh_op_fill_info(o, &t, info)) < 0)
        return qh_store_fail(o->s, rc, err, errlen);
    if (info)
        snprintf(info->token, sizeof info->token, "%s", token);
    if (out)
        *out = t;
    return 0;
}

int qh_ticket_issue(struct qh_store *s, const struct qh_issue_req *req,
                    struct qh_ticket_row *out, struct qh_issue_info *info,
                    char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    rc = qh_op_issue(o, req, out, info, err, errlen);
    return qh_op_end(o, rc, err, errlen);
}

int qh_ticket_info(struct qh_store *s, const struct qh_ticket_row *t,
                   struct qh_issue_info *info)
{
    struct op ob = {.s = s, .hall = qh_store_hall(s), .lang = qh_store_lang(s)}, *o = &ob;
    return qh_op_fill_info(o, t, info);
}

int qh_ticket_get(struct qh_store *s, const char *number,
                  struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob = {.s = s, .hall = qh_store_hall(s), .lang = qh_store_lang(s)}, *o = &ob;
    qh_hall_today(s, o->day);
    return qh_op_by_number(o, number, out, err, errlen);
}

int qh_ticket_by_token(struct qh_store *s, const char *token,
                       struct qh_ticket_row *out)
{
    int64_t id;
    char today[11];
    int rc;
    if (!qh_auth_token_valid(token))
        return QH_E_NOTFOUND;
    if ((rc = qh_store_token_find(s, token, &id)) < 0 ||
        (rc = qh_store_ticket_get(s, id, out)) < 0)
        return rc;
    qh_hall_today(s, today);
    const struct qh_hall_conf *h = qh_store_hall(s);
    long age = qh_clock_day_num(today) - qh_clock_day_num(out->day);
    if (age < 0 || age > (h ? h->rating.late_days : 0))
        return QH_E_NOTFOUND;
    return 0;
}

int qh_ticket_token(struct qh_store *s, int64_t ticket, char *out, size_t outlen)
{
    return qh_store_token_get(s, ticket, out, outlen);
}

/* A ticket's own times never run backwards: with the clock stepped back
 * (NTP, an administrator) a call must not come before its issue, nor a
 * finish before its start, or a wait or a handling time would be
 * negative.  The event keeps the clock's own time. */
static int64_t not_before(int64_t now, int64_t then)
{
    return now > then ? now : then;
}

/* ---- calling ---- */

static int do_call(struct op *o, struct qh_ticket_row *t, int window,
                   const struct qh_window_row *wr, const char *type,
                   struct qh_ticket_row *out, char *err, size_t errlen)
{
    t->state = QH_TICKET_CALLED;
    t->called_at = not_before(o->now, t->issued_at);
    t->window = window;
    t->target_window = 0;
    t->recalls = 0;
    snprintf(t->staff, sizeof t->staff, "%s", wr->staff);
    struct qh_buf b;
    qh_op_detail(o, &b);
    if (t->green[0])
        qh_json_str(&b, "green", t->green);
    qh_json_int(&b, "waited_s", (t->called_at - t->issued_at) / 1000);
    return qh_op_change(o, t, type, window, &b, out, err, errlen);
}

int qh_ticket_call_next(struct qh_store *s, int window,
                        struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_window_row wr;
    struct qh_ticket_row heads[QH_MAX_QUEUES], oldest[QH_MAX_QUEUES];
    struct qh_policy_queue pq[QH_MAX_QUEUES];
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_window_free(o, window, &wr, err, errlen)) < 0)
        goto out;
    const struct qh_window_conf *wc = qh_conf_window(o->hall, window);
    memset(pq, 0, sizeof pq);
    for (int i = 0; i < wc->nqueues; i++) {
        int r = qh_store_queue_head(s, o->day, wc->queues[i], window, 0, &heads[i]);
        if (r == QH_E_NOTFOUND)
            continue;
        if (r < 0) {
            rc = qh_store_fail(s, r, err, errlen);
            goto out;
        }
        pq[i].has = 1;
        pq[i].head_id = heads[i].id;
        pq[i].head_issued_at = heads[i].issued_at;
        pq[i].oldest_id = heads[i].id;
        pq[i].oldest_issued_at = heads[i].issued_at;
        if (wc->overflow_minutes > 0 &&
            qh_store_queue_head(s, o->day, wc->queues[i], window, 1, &oldest[i]) == 0) {
            pq[i].oldest_id = oldest[i].id;
            pq[i].oldest_issued_at = oldest[i].issued_at;
        }
    }
    int pos = -1;
    int64_t id = qh_policy_pick(pq, wc->nqueues, wc->overflow_minutes, o->now, &pos);
    if (!id) {
        rc = qh_err(err, errlen, QH_E_EMPTY,
                    T("%d号窗口的队列中没有等候的号", "nothing waiting for window %d"),
                    window);
        goto out;
    }
    struct qh_ticket_row t = id == heads[pos].id ? heads[pos] : oldest[pos];
    rc = do_call(o, &t, window, &wr, "called", out, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

int qh_ticket_call(struct qh_store *s, int window, const char *number,
                   struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_window_row wr;
    struct qh_ticket_row t;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_window_free(o, window, &wr, err, errlen)) < 0 ||
        (rc = qh_op_by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    if (t.state != QH_TICKET_WAITING) {
        rc = qh_op_wrong_state(o, &t, T("呼叫", "call it"), err, errlen);
        goto out;
    }
    if (t.target_window && t.target_window != window) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%s号已转给%d号窗口", "ticket %s was transferred to window %d"),
                    t.number, t.target_window);
        goto out;
    }
    rc = do_call(o, &t, window, &wr, "called", out, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

/* Mark the window's called ticket no-show (reason: "window" or
 * "recall_limit"). */
static int do_noshow(struct op *o, struct qh_ticket_row *t, const char *reason,
                     struct qh_ticket_row *out, char *err, size_t errlen)
{
    t->state = QH_TICKET_NO_SHOW;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "reason", reason);
    qh_json_int(&b, "recalls", t->recalls);
    return qh_op_change(o, t, "no_show", t->window, &b, out, err, errlen);
}

int qh_ticket_recall(struct qh_store *s, int window,
                     struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_window_ticket(o, window, QH_TICKET_CALLED, T("重呼", "recall it"),
                            &t, err, errlen)) < 0)
        goto out;
    /* Past the limit the citizen is not coming: free the window rather
     * than let one number block it (they can be called back later). */
    if (t.recalls >= o->hall->recall_limit) {
        rc = do_noshow(o, &t, "recall_limit", out, err, errlen);
        goto out;
    }
    t.recalls++;
    t.called_at = not_before(o->now, t.called_at);
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_int(&b, "count", t.recalls);
    qh_json_int(&b, "limit", o->hall->recall_limit);
    rc = qh_op_change(o, &t, "recalled", window, &b, out, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

int qh_ticket_noshow(struct qh_store *s, int window,
                     struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_window_ticket(o, window, QH_TICKET_CALLED,
                            T("标记过号", "mark it no-show"), &t, err, errlen)) == 0)
        rc = do_noshow(o, &t, "window", out, err, errlen);
    return qh_op_end(o, rc, err, errlen);
}

int qh_ticket_callback(struct qh_store *s, const char *number, int window,
                       struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_window_row wr;
    struct qh_ticket_row t;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_window_free(o, window, &wr, err, errlen)) < 0 ||
        (rc = qh_op_by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    if (t.state != QH_TICKET_NO_SHOW) {
        rc = qh_op_wrong_state(o, &t, T("回呼（只有过号的号可以回呼）",
                                   "call it back (only no-shows can be)"),
                         err, errlen);
        goto out;
    }
    rc = do_call(o, &t, window, &wr, "called_back", out, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

int qh_ticket_start(struct qh_store *s, int window,
                    struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_window_ticket(o, window, QH_TICKET_CALLED,
                            T("开始办理", "start serving it"), &t, err, errlen)) == 0) {
        t.state = QH_TICKET_SERVING;
        t.started_at = not_before(o->now, t.called_at);
        struct qh_buf b;
        qh_op_detail(o, &b);
        qh_json_int(&b, "waited_s", (t.called_at - t.issued_at) / 1000);
        rc = qh_op_change(o, &t, "started", window, &b, out, err, errlen);
    }
    return qh_op_end(o, rc, err, errlen);
}

int qh_ticket_hold(struct qh_store *s, int window,
                   struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_window_ticket(o, window, QH_TICKET_SERVING,
                            T("挂起（请先开始办理）", "hold it (start serving first)"),
                            &t, err, errlen)) == 0) {
        t.state = QH_TICKET_HELD;
        rc = qh_op_change(o, &t, "held", window, NULL, out, err, errlen);
    }
    return qh_op_end(o, rc, err, errlen);
}

int qh_ticket_release(struct qh_store *s, const char *number,
                      struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    if (t.state != QH_TICKET_HELD) {
        rc = qh_op_wrong_state(o, &t, T("释放（只有挂起的号可以释放）",
                                  "release it (only held tickets can be)"),
                         err, errlen);
        goto out;
    }
    /* Back to the front of its queue: the citizen already waited once;
     * released holds among themselves go by release time. */
    t.state = QH_TICKET_WAITING;
    t.prio = 0;
    t.virtual_at = o->now;
    rc = qh_op_change(o, &t, "released", t.window, NULL, out, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

/* A ticket re-entering a queue keeps its original place in time (一票到底):
 * the issue time (less the green bonus).  A released hold's front-of-queue
 * place was for its old queue and does not travel with it. */
static void requeue(struct op *o, struct qh_ticket_row *t, const char *queue)
{
    if (queue != t->queue)     /* snprintf must not copy onto itself */
        snprintf(t->queue, sizeof t->queue, "%s", queue);
    t->state = QH_TICKET_WAITING;
    if (t->prio == 0) {
        t->prio = 1;
        t->virtual_at = qh_policy_virtual_at(t->issued_at, t->green[0] != 0,
                                             o->hall->green_bonus_minutes, 0);
    }
    t->recalls = 0;
}

int qh_ticket_transfer(struct qh_store *s, int window,
                       const struct qh_transfer_to *to,
                       struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    const struct qh_window_conf *twc = NULL;
    struct qh_window_row twr;
    struct qh_service sv;
    const char *queue = NULL;
    int rc = qh_text_check(QH_TEXT_NOTE, to ? to->note : NULL, qh_store_lang(s),
                           err, errlen);
    if (rc < 0 || (rc = qh_op_begin(o, s, err, errlen)) < 0)
        return rc;
    int targets = (to->queue && *to->queue) + (to->window > 0) +
                  (to->service && *to->service);
    if (targets != 1) {
        rc = qh_err(err, errlen, QH_E_USAGE, "%s",
                    T("转移目标只能是一个：队列、窗口或事项",
                      "transfer to exactly one of a queue, a window or a service item"));
        goto out;
    }
    if ((rc = qh_op_window_ticket(o, window, -1, NULL, &t, err, errlen)) < 0)
        goto out;
    char from_queue[QH_CODE_LEN], from_service[24];
    memcpy(from_queue, t.queue, sizeof from_queue);
    memcpy(from_service, t.service, sizeof from_service);
    if (to->queue && *to->queue) {
        if (!qh_conf_queue(o->hall, to->queue)) {
            rc = qh_err(err, errlen, QH_E_NOTFOUND, T("没有队列 %s", "no queue %s"),
                        to->queue);
            goto out;
        }
        queue = to->queue;
        t.target_window = 0;
    } else if (to->window > 0) {
        if ((rc = qh_op_window_conf(o, to->window, &twc, &twr, err, errlen)) < 0)
            goto out;
        if (to->window == window) {
            rc = qh_err(err, errlen, QH_E_STATE, "%s",
                        T("不能转给本窗口", "cannot transfer to the same window"));
            goto out;
        }
        /* Stay in the ticket's queue when the target serves it, else join
         * the target's own queue; only the target window may call it. */
        queue = twc->queues[0];
        for (int i = 0; i < twc->nqueues; i++)
            if (!strcmp(twc->queues[i], t.queue))
                queue = t.queue;
        t.target_window = to->window;
    } else {
        if (qh_store_service_get(s, to->service, &sv) < 0) {
            rc = qh_err(err, errlen, QH_E_NOTFOUND,
                        T("没有事项 %s", "no service item %s"), to->service);
            goto out;
        }
        snprintf(t.service, sizeof t.service, "%s", sv.code);
        queue = sv.queue;
        t.target_window = 0;
    }
    requeue(o, &t, queue);
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "from_queue", from_queue);
    qh_json_str(&b, "to_queue", t.queue);
    qh_json_int(&b, "from_window", window);
    if (to->window > 0)
        qh_json_int(&b, "to_window", to->window);
    if (strcmp(from_service, t.service)) {
        qh_json_str(&b, "from_service", from_service);
        qh_json_str(&b, "to_service", t.service);
    }
    if (to->note && *to->note)
        qh_json_str(&b, "note", to->note);
    rc = qh_op_change(o, &t, "transferred", window, &b, out, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

int qh_ticket_finish(struct qh_store *s, int window, const char *outcome,
                     const char *note, struct qh_ticket_row *out,
                     char *err, size_t errlen)
{
    return qh_ticket_finish_case(s, window, outcome, note, NULL, out, err, errlen);
}

int qh_ticket_case_check(const char *case_no, enum qh_lang lang, char *err, size_t errlen)
{
    size_t n = case_no ? strlen(case_no) : 0;
    if (n > QH_CASE_MAX)
        return qh_err(err, errlen, QH_E_PARSE,
                      QH_TR(lang, "办件编号最多 %d 个字符，现为 %zu 个",
                            "a case number is at most %d characters, not %zu"),
                      QH_CASE_MAX, n);
    for (size_t i = 0; i < n; i++)
        if (case_no[i] < 0x20 || case_no[i] > 0x7e)
            return qh_err(err, errlen, QH_E_PARSE, "%s",
                          QH_TR(lang, "办件编号只能由可打印的 ASCII 字符组成",
                                "a case number is printable ASCII only"));
    return 0;
}

int qh_ticket_finish_case(struct qh_store *s, int window, const char *outcome,
                          const char *note, const char *case_no,
                          struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = qh_text_check(QH_TEXT_NOTE, note, qh_store_lang(s), err, errlen);
    if (rc < 0 || (rc = qh_ticket_case_check(case_no, qh_store_lang(s), err, errlen)) < 0 ||
        (rc = qh_op_begin(o, s, err, errlen)) < 0)
        return rc;
    if (!outcome || !qh_outcome_valid(outcome)) {
        rc = qh_err(err, errlen, QH_E_PARSE,
                    T("办理结果应为 done|supplement|failed，而不是「%s」",
                      "outcome must be done|supplement|failed, not \"%s\""),
                    outcome ? outcome : "");
        goto out;
    }
    if ((rc = qh_op_window_ticket(o, window, QH_TICKET_SERVING,
                            T("办结（请先开始办理）", "finish it (start serving first)"),
                            &t, err, errlen)) < 0)
        goto out;
    t.finished_at = not_before(o->now, t.started_at);
    snprintf(t.outcome, sizeof t.outcome, "%s", outcome);
    t.rated = 0;
    t.state = QH_TICKET_FINISHED;
    /* 办不成 is not the end: the citizen goes on, with the same number and
     * place in time, to the window that takes "could not get it done"
     * cases, unless they are already there. */
    const struct qh_queue_conf *fq = qh_conf_failed_queue(o->hall);
    int forward = !strcmp(outcome, "failed") && fq && strcmp(t.queue, fq->code);
    if (forward) {
        t.target_window = 0;
        requeue(o, &t, fq->code);
    }
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "outcome", outcome);
    if (note && *note)
        qh_json_str(&b, "note", note);
    if (case_no && *case_no)
        qh_json_str(&b, "case", case_no);
    if (t.service[0])
        qh_json_str(&b, "service", t.service);
    qh_json_int(&b, "handled_s", (t.finished_at - t.started_at) / 1000);
    if (forward)
        qh_json_str(&b, "to_queue", t.queue);
    rc = qh_op_change(o, &t, "finished", window, &b, out, err, errlen);
    if (rc == 0)   /* a 办不成 case opens its follow-up in this transaction */
        rc = qh_stats_on_finished(s, &t, outcome, note, o->now, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

int qh_ticket_cancel(struct qh_store *s, const char *number,
                     struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    if (t.state != QH_TICKET_WAITING) {
        rc = qh_op_wrong_state(o, &t, T("取消（只有等候中的号可以取消）",
                                  "cancel it (only waiting tickets can be)"),
                         err, errlen);
        goto out;
    }
    t.state = QH_TICKET_CANCELLED;
    rc = qh_store_ticket_update(s, &t, err, errlen);
    /* Cancelled from the kiosk or the CLI, not at a window. */
    if (rc == 0 && (rc = qh_op_event(o, "cancelled", &t, 0, NULL, NULL, err, errlen)) == 0 && out)
        *out = t;
out:
    return qh_op_end(o, rc, err, errlen);
}

/* The staff terminal's rating, as before the pad (rating.h): recorded as
 * channel legacy, so reports keep it apart from the citizen's own. */
int qh_ticket_rate(struct qh_store *s, const char *number, int score,
                   const char *reason, struct qh_ticket_row *out,
                   char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    /* Not even as legacy. */
    if ((rc = qh_op_staff_refused(o, err, errlen)) == 0 &&
        (rc = qh_op_by_number(o, number, &t, err, errlen)) == 0 &&
        (rc = qh_op_rate(o, &t, score, reason, "legacy", qh_store_actor(s), NULL,
                         err, errlen)) == 0 && out)
        *out = t;
    return qh_op_end(o, rc, err, errlen);
}

int qh_ticket_print_event(struct qh_store *s, const char *number,
                          const char *type, const char *printer,
                          const char *problem, char *err, size_t errlen)
{
    return qh_ticket_print_event_kind(s, number, type, NULL, printer, problem, err, errlen);
}

int qh_ticket_print_event_kind(struct qh_store *s, const char *number,
                               const char *type, const char *kind,
                               const char *printer, const char *problem,
                               char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    if (strcmp(type, "printed") && strcmp(type, "print_failed") &&
        strcmp(type, "reprinted"))
        return qh_err(err, errlen, QH_E_USAGE, "unknown print event \"%s\"", type);
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    qh_op_detail(o, &b);
    if (kind && *kind)
        qh_json_str(&b, "kind", kind);
    if (printer && *printer)
        qh_json_str(&b, "printer", printer);
    if (problem && *problem)
        qh_json_str(&b, "problem", problem);
    rc = qh_op_event(o, type, &t, 0, NULL, &b, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}
