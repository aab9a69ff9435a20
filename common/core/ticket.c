/* ticket.c: the ticket lifecycle and the window and staff operations.
 *
 * Every public call here is one transaction: op_begin() takes the write
 * lock (BEGIN IMMEDIATE), rolls the service day over if this is the first
 * write of a new day, the call checks the current state and writes the
 * change and its event, and op_end() commits or rolls back.  A crash at any
 * instant therefore leaves either the old state with no event or the new
 * state with its event, never one without the other.
 *
 * Messages are for the people at the hall: Chinese by default, English when
 * the store's language says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "qh/auth.h"
#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/csv.h"
#include "qh/policy.h"
#include "qh/stats.h"
#include "qh/store.h"
#include "qh/text.h"
#include "qh/ticket.h"

#define LOCK_AFTER 5            /* wrong PINs in a row on one device */
#define LOCK_ALL_AFTER 15       /* wrong PINs on all devices together */
#define LOCK_MINUTES_DEFAULT 15
#define LOCK_MAX_MINUTES (24 * 60)

struct op {
    struct qh_store *s;
    const struct qh_hall_conf *hall;
    enum qh_lang lang;
    int64_t now;
    char day[11];
};

#define T(zh, en) QH_TR(o->lang, zh, en)

/* What qh_text_check lets through fits wherever it is kept: free text is
 * refused when too long, never cut. */
_Static_assert(sizeof ((struct qh_window_row *)0)->pause_reason >= QH_TEXT_PAUSE_LEN,
               "a pause reason at its limit fits the window row");
_Static_assert(sizeof ((struct qh_staff_row *)0)->name >= QH_TEXT_NAME_LEN,
               "a staff name at its limit fits the staff row");
_Static_assert(sizeof ((struct qh_appointment *)0)->name >= QH_TEXT_NAME_LEN,
               "an appointment name at its limit fits the appointment");
_Static_assert(sizeof ((struct qh_rating_row *)0)->reason >= QH_TEXT_REASON_LEN,
               "a rating reason at its limit fits the rating row");
_Static_assert(sizeof ((struct qh_followup *)0)->reason >= QH_TEXT_NOTE_LEN &&
               sizeof ((struct qh_followup *)0)->reason >= QH_TEXT_REASON_LEN,
               "a follow-up keeps the whole rating reason or finish note");
_Static_assert(sizeof ((struct qh_followup *)0)->result >= QH_TEXT_RESULT_LEN,
               "a follow-up result at its limit fits");
_Static_assert(QH_EVENT_DETAIL_LEN >= QH_TEXT_JSON_BYTES(QH_TEXT_NOTE_MAX) + 1024,
               "an event detail holds a note at its limit and the other members");

static int op_begin(struct op *o, struct qh_store *s, char *err, size_t errlen)
{
    o->s = s;
    o->lang = qh_store_lang(s);
    int rc = qh_store_begin(s, err, errlen);
    if (rc < 0)
        return rc;
    o->hall = qh_store_hall(s);
    if (!qh_store_has_hall(s)) {
        qh_store_rollback(s);
        return qh_err(err, errlen, QH_E_STATE,
                      "%s", T("数据库尚未初始化（请运行 qhall init）",
                              "the database has no hall yet (run qhall init)"));
    }
    o->now = qh_clock_now();
    qh_clock_day(o->hall->timezone, o->now, o->day);
    /* Rollover: the first write of a new day closes what earlier days left
     * open, inside this same transaction, so no program ever sees a new
     * day's numbers beside yesterday's queue. */
    if (qh_store_day_behind(s, o->day)) {
        if ((rc = qh_store_expire_before(s, o->day, o->now, err, errlen)) < 0 ||
            (rc = qh_store_setting_set(s, "day", o->day, err, errlen)) < 0) {
            qh_store_rollback(s);
            return rc;
        }
    }
    return 0;
}

static int op_end(struct op *o, int rc, char *err, size_t errlen)
{
    if (rc < 0) {
        qh_store_rollback(o->s);
        return rc;
    }
    int crc = qh_store_commit(o->s, err, errlen);
    return crc < 0 ? crc : rc;
}

static void detail_open(struct op *o, struct qh_buf *b)
{
    qh_buf_init(b);
    qh_json_open(b);
    qh_json_str(b, "via", qh_store_actor(o->s));
}

/* Append an event for ticket t (may be NULL) with the detail in b (may be
 * NULL; it is closed and freed here). */
static int event(struct op *o, const char *type, const struct qh_ticket_row *t,
                 int window, const char *staff, struct qh_buf *b,
                 char *err, size_t errlen)
{
    struct qh_event_row ev;
    struct qh_buf own;
    memset(&ev, 0, sizeof ev);
    if (!b) {
        detail_open(o, &own);
        b = &own;
    }
    qh_json_close(b);
    int rc = 0;
    if (b->oom) {
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        goto out;
    }
    if (b->len >= sizeof ev.detail) {
        /* Input, not memory: only a file name of thousands of bytes gets
         * here, free text at its limit fits (QH_EVENT_DETAIL_LEN). */
        rc = qh_err(err, errlen, QH_E_PARSE,
                    T("事件详情太长（%zu 字节，最多 %zu 字节）",
                      "event detail too long (%zu bytes, at most %zu)"),
                    b->len, sizeof ev.detail - 1);
        goto out;
    }
    ev.at = o->now;
    snprintf(ev.type, sizeof ev.type, "%s", type);
    if (t) {
        ev.ticket = t->id;
        memcpy(ev.number, t->number, sizeof ev.number);
        memcpy(ev.queue, t->queue, sizeof ev.queue);
    }
    ev.window = window;
    snprintf(ev.staff, sizeof ev.staff, "%s", staff ? staff : "");
    memcpy(ev.detail, qh_buf_str(b), b->len + 1);
    rc = qh_store_event_add(o->s, &ev, err, errlen);
out:
    qh_buf_fini(b);
    return rc;
}

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

static int blank(const char *s)
{
    if (!s)
        return 1;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* ---- lookups inside an op ---- */

static int window_conf(struct op *o, int window, const struct qh_window_conf **wc,
                       struct qh_window_row *wr, char *err, size_t errlen)
{
    *wc = qh_conf_window(o->hall, window);
    if (!*wc || qh_store_window_get(o->s, window, wr) < 0)
        return qh_err(err, errlen, QH_E_NOTFOUND,
                      T("没有%d号窗口", "there is no window %d"), window);
    return 0;
}

static int by_number(struct op *o, const char *number, struct qh_ticket_row *t,
                     char *err, size_t errlen)
{
    int rc = qh_store_ticket_by_number(o->s, o->day, number, t);
    if (rc == QH_E_NOTFOUND)
        return qh_err(err, errlen, rc, T("今天没有%s号", "no ticket %s today"),
                      number);
    if (rc < 0)
        return qh_err(err, errlen, rc, "%s", qh_strerror(rc));
    return 0;
}

/* The called or serving ticket of a window; QH_E_STATE when it has none. */
static int at_window(struct op *o, int window, struct qh_ticket_row *t,
                     char *err, size_t errlen)
{
    int rc = qh_store_ticket_at_window(o->s, o->day, window, t);
    if (rc == QH_E_NOTFOUND)
        return qh_err(err, errlen, QH_E_STATE,
                      T("%d号窗口当前没有呼叫或办理中的号",
                        "window %d has no called or serving ticket"), window);
    if (rc < 0)
        return qh_err(err, errlen, rc, "%s", qh_strerror(rc));
    return 0;
}

static int wrong_state(struct op *o, const struct qh_ticket_row *t,
                       const char *want, char *err, size_t errlen)
{
    return qh_err(err, errlen, QH_E_STATE,
                  T("%s号当前状态为「%s」，不能%s", "ticket %s is %s: cannot %s"),
                  t->number, qh_ticket_state_label(t->state, o->lang), want);
}

/* The window's called or serving ticket, which must be in `state` (-1:
 * either); `verb` names what is refused otherwise. */
static int window_ticket(struct op *o, int window, int state, const char *verb,
                         struct qh_ticket_row *t, char *err, size_t errlen)
{
    const struct qh_window_conf *wc;
    struct qh_window_row wr;
    int rc;
    if ((rc = window_conf(o, window, &wc, &wr, err, errlen)) < 0 ||
        (rc = at_window(o, window, t, err, errlen)) < 0)
        return rc;
    if (state >= 0 && t->state != state)
        return wrong_state(o, t, verb, err, errlen);
    return 0;
}

/* Write t as changed, with its event (detail b may be NULL and is freed
 * here), and hand the result to out. */
static int change(struct op *o, struct qh_ticket_row *t, const char *type,
                  int window, struct qh_buf *b, struct qh_ticket_row *out,
                  char *err, size_t errlen)
{
    int rc = qh_store_ticket_update(o->s, t, err, errlen);
    if (rc < 0) {
        if (b)
            qh_buf_fini(b);
        return rc;
    }
    rc = event(o, type, t, window, t->staff, b, err, errlen);
    if (rc == 0 && out)
        *out = *t;
    return rc;
}

/* A window may call only when it is staffed or not, but not paused and not
 * already holding a ticket: one citizen at a time. */
static int window_free(struct op *o, int window, struct qh_window_row *wr,
                       char *err, size_t errlen)
{
    const struct qh_window_conf *wc;
    int rc = window_conf(o, window, &wc, wr, err, errlen);
    if (rc < 0)
        return rc;
    if (wr->paused)
        return qh_err(err, errlen, QH_E_STATE,
                      T("%d号窗口暂停服务中（%s），请先恢复",
                        "window %d is paused (%s): resume it first"),
                      window, wr->pause_reason);
    struct qh_ticket_row cur;
    if (qh_store_ticket_at_window(o->s, o->day, window, &cur) == 0)
        return qh_err(err, errlen, QH_E_STATE,
                      T("%d号窗口正在%s%s号，请先办结、过号或转移",
                        "window %d is %s %s: finish, no-show or transfer it first"),
                      window, cur.state == QH_TICKET_CALLED ? T("呼叫", "calling")
                                                            : T("办理", "serving"),
                      cur.number);
    return 0;
}

static int fill_info(struct op *o, const struct qh_ticket_row *t,
                     struct qh_issue_info *info)
{
    if (!info)
        return 0;
    int ahead = qh_store_ahead(o->s, t);
    if (ahead < 0)
        return ahead;
    info->ahead = ahead;
    qh_stats_ewt(o->s, t, info->ahead, &info->wait_min, &info->wait_max);
    return 0;
}

/* ---- issue ---- */

static int do_issue(struct op *o, const struct qh_issue_req *req,
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
    int issued = q->daily_quota > 0 ? qh_store_issued_count(o->s, o->day, q->code) : 0;
    if (issued < 0)
        return qh_err(err, errlen, issued, "%s", qh_strerror(issued));
    if (q->daily_quota > 0 && issued >= q->daily_quota)
        return qh_err(err, errlen, QH_E_QUOTA,
                      T("%s今日号已取完（%d个）", "%s: today's %d numbers are all taken"),
                      QH_TR(o->lang, q->name, q->name_en), q->daily_quota);
    /* An item may have its own quota ([quota] in the hall INI), counted
     * in this same transaction so two kiosks cannot both take the last
     * one.  A ticket transferred to another item counts for the item it
     * has now (see qh_store_service_issued_count). */
    int item_quota = qh_conf_item_quota(o->hall, t.service);
    issued = item_quota > 0 ? qh_store_service_issued_count(o->s, o->day, t.service) : 0;
    if (issued < 0)
        return qh_err(err, errlen, issued, "%s", qh_strerror(issued));
    if (item_quota > 0 && issued >= item_quota)
        return qh_err(err, errlen, QH_E_QUOTA,
                      T("%s今日号已取完（%d个）", "%s: today's %d numbers are all taken"),
                      sv.name, item_quota);
    int64_t after;
    int rc = qh_store_seq_next(o->s, o->day, q->code, &t.seq, &after, err,
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
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_str(&b, "service", t.service[0] ? t.service : NULL);
    if (*green)
        qh_json_str(&b, "green", green);
    if (req->appointment)
        qh_json_int(&b, "appointment", req->appointment);
    if ((rc = event(o, "issued", &t, 0, NULL, &b, err, errlen)) < 0)
        return rc;
    if ((rc = fill_info(o, &t, info)) < 0)
        return qh_err(err, errlen, rc, "%s", qh_strerror(rc));
    if (out)
        *out = t;
    return 0;
}

int qh_ticket_issue(struct qh_store *s, const struct qh_issue_req *req,
                    struct qh_ticket_row *out, struct qh_issue_info *info,
                    char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    rc = do_issue(o, req, out, info, err, errlen);
    return op_end(o, rc, err, errlen);
}

int qh_ticket_info(struct qh_store *s, const struct qh_ticket_row *t,
                   struct qh_issue_info *info)
{
    struct op ob = {.s = s, .hall = qh_store_hall(s), .lang = qh_store_lang(s)}, *o = &ob;
    return fill_info(o, t, info);
}

int qh_ticket_get(struct qh_store *s, const char *number,
                  struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob = {.s = s, .hall = qh_store_hall(s), .lang = qh_store_lang(s)}, *o = &ob;
    qh_hall_today(s, o->day);
    return by_number(o, number, out, err, errlen);
}

/* ---- calling ---- */

static int do_call(struct op *o, struct qh_ticket_row *t, int window,
                   const struct qh_window_row *wr, const char *type,
                   struct qh_ticket_row *out, char *err, size_t errlen)
{
    t->state = QH_TICKET_CALLED;
    t->called_at = o->now;
    t->window = window;
    t->target_window = 0;
    t->recalls = 0;
    snprintf(t->staff, sizeof t->staff, "%s", wr->staff);
    struct qh_buf b;
    detail_open(o, &b);
    if (t->green[0])
        qh_json_str(&b, "green", t->green);
    qh_json_int(&b, "waited_s", (o->now - t->issued_at) / 1000);
    return change(o, t, type, window, &b, out, err, errlen);
}

int qh_ticket_call_next(struct qh_store *s, int window,
                        struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_window_row wr;
    struct qh_ticket_row heads[QH_MAX_QUEUES], oldest[QH_MAX_QUEUES];
    struct qh_policy_queue pq[QH_MAX_QUEUES];
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = window_free(o, window, &wr, err, errlen)) < 0)
        goto out;
    const struct qh_window_conf *wc = qh_conf_window(o->hall, window);
    memset(pq, 0, sizeof pq);
    for (int i = 0; i < wc->nqueues; i++) {
        int r = qh_store_queue_head(s, o->day, wc->queues[i], window, 0, &heads[i]);
        if (r == QH_E_NOTFOUND)
            continue;
        if (r < 0) {
            rc = qh_err(err, errlen, r, "%s", qh_strerror(r));
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
    return op_end(o, rc, err, errlen);
}

int qh_ticket_call(struct qh_store *s, int window, const char *number,
                   struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_window_row wr;
    struct qh_ticket_row t;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = window_free(o, window, &wr, err, errlen)) < 0 ||
        (rc = by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    if (t.state != QH_TICKET_WAITING) {
        rc = wrong_state(o, &t, T("呼叫", "call it"), err, errlen);
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
    return op_end(o, rc, err, errlen);
}

/* Mark the window's called ticket no-show (reason: "window" or
 * "recall_limit"). */
static int do_noshow(struct op *o, struct qh_ticket_row *t, const char *reason,
                     struct qh_ticket_row *out, char *err, size_t errlen)
{
    t->state = QH_TICKET_NO_SHOW;
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_str(&b, "reason", reason);
    qh_json_int(&b, "recalls", t->recalls);
    return change(o, t, "no_show", t->window, &b, out, err, errlen);
}

int qh_ticket_recall(struct qh_store *s, int window,
                     struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = window_ticket(o, window, QH_TICKET_CALLED, T("重呼", "recall it"),
                            &t, err, errlen)) < 0)
        goto out;
    /* Past the limit the citizen is not coming: free the window rather
     * than let one number block it (they can be called back later). */
    if (t.recalls >= o->hall->recall_limit) {
        rc = do_noshow(o, &t, "recall_limit", out, err, errlen);
        goto out;
    }
    t.recalls++;
    t.called_at = o->now;
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_int(&b, "count", t.recalls);
    qh_json_int(&b, "limit", o->hall->recall_limit);
    rc = change(o, &t, "recalled", window, &b, out, err, errlen);
out:
    return op_end(o, rc, err, errlen);
}

int qh_ticket_noshow(struct qh_store *s, int window,
                     struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = window_ticket(o, window, QH_TICKET_CALLED,
                            T("标记过号", "mark it no-show"), &t, err, errlen)) == 0)
        rc = do_noshow(o, &t, "window", out, err, errlen);
    return op_end(o, rc, err, errlen);
}

int qh_ticket_callback(struct qh_store *s, const char *number, int window,
                       struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_window_row wr;
    struct qh_ticket_row t;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = window_free(o, window, &wr, err, errlen)) < 0 ||
        (rc = by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    if (t.state != QH_TICKET_NO_SHOW) {
        rc = wrong_state(o, &t, T("回呼（只有过号的号可以回呼）",
                                   "call it back (only no-shows can be)"),
                         err, errlen);
        goto out;
    }
    rc = do_call(o, &t, window, &wr, "called_back", out, err, errlen);
out:
    return op_end(o, rc, err, errlen);
}

int qh_ticket_start(struct qh_store *s, int window,
                    struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = window_ticket(o, window, QH_TICKET_CALLED,
                            T("开始办理", "start serving it"), &t, err, errlen)) == 0) {
        t.state = QH_TICKET_SERVING;
        t.started_at = o->now;
        struct qh_buf b;
        detail_open(o, &b);
        qh_json_int(&b, "waited_s", (t.called_at - t.issued_at) / 1000);
        rc = change(o, &t, "started", window, &b, out, err, errlen);
    }
    return op_end(o, rc, err, errlen);
}

int qh_ticket_hold(struct qh_store *s, int window,
                   struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = window_ticket(o, window, QH_TICKET_SERVING,
                            T("挂起（请先开始办理）", "hold it (start serving first)"),
                            &t, err, errlen)) == 0) {
        t.state = QH_TICKET_HELD;
        rc = change(o, &t, "held", window, NULL, out, err, errlen);
    }
    return op_end(o, rc, err, errlen);
}

int qh_ticket_release(struct qh_store *s, const char *number,
                      struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    if (t.state != QH_TICKET_HELD) {
        rc = wrong_state(o, &t, T("释放（只有挂起的号可以释放）",
                                  "release it (only held tickets can be)"),
                         err, errlen);
        goto out;
    }
    /* Back to the front of its queue: the citizen already waited once;
     * released holds among themselves go by release time. */
    t.state = QH_TICKET_WAITING;
    t.prio = 0;
    t.virtual_at = o->now;
    rc = change(o, &t, "released", t.window, NULL, out, err, errlen);
out:
    return op_end(o, rc, err, errlen);
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
    if (rc < 0 || (rc = op_begin(o, s, err, errlen)) < 0)
        return rc;
    int targets = (to->queue && *to->queue) + (to->window > 0) +
                  (to->service && *to->service);
    if (targets != 1) {
        rc = qh_err(err, errlen, QH_E_USAGE, "%s",
                    T("转移目标只能是一个：队列、窗口或事项",
                      "transfer to exactly one of a queue, a window or a service item"));
        goto out;
    }
    if ((rc = window_ticket(o, window, -1, NULL, &t, err, errlen)) < 0)
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
        if ((rc = window_conf(o, to->window, &twc, &twr, err, errlen)) < 0)
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
    detail_open(o, &b);
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
    rc = change(o, &t, "transferred", window, &b, out, err, errlen);
out:
    return op_end(o, rc, err, errlen);
}

int qh_ticket_finish(struct qh_store *s, int window, const char *outcome,
                     const char *note, struct qh_ticket_row *out,
                     char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = qh_text_check(QH_TEXT_NOTE, note, qh_store_lang(s), err, errlen);
    if (rc < 0 || (rc = op_begin(o, s, err, errlen)) < 0)
        return rc;
    if (!outcome || !qh_outcome_valid(outcome)) {
        rc = qh_err(err, errlen, QH_E_PARSE,
                    T("办理结果应为 done|supplement|failed，而不是「%s」",
                      "outcome must be done|supplement|failed, not \"%s\""),
                    outcome ? outcome : "");
        goto out;
    }
    if ((rc = window_ticket(o, window, QH_TICKET_SERVING,
                            T("办结（请先开始办理）", "finish it (start serving first)"),
                            &t, err, errlen)) < 0)
        goto out;
    t.finished_at = o->now;
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
    detail_open(o, &b);
    qh_json_str(&b, "outcome", outcome);
    if (note && *note)
        qh_json_str(&b, "note", note);
    if (t.service[0])
        qh_json_str(&b, "service", t.service);
    qh_json_int(&b, "handled_s", (o->now - t.started_at) / 1000);
    if (forward)
        qh_json_str(&b, "to_queue", t.queue);
    rc = change(o, &t, "finished", window, &b, out, err, errlen);
    if (rc == 0)   /* a 办不成 case opens its follow-up in this transaction */
        rc = qh_stats_on_finished(s, &t, outcome, note, o->now, err, errlen);
out:
    return op_end(o, rc, err, errlen);
}

int qh_ticket_cancel(struct qh_store *s, const char *number,
                     struct qh_ticket_row *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    if (t.state != QH_TICKET_WAITING) {
        rc = wrong_state(o, &t, T("取消（只有等候中的号可以取消）",
                                  "cancel it (only waiting tickets can be)"),
                         err, errlen);
        goto out;
    }
    t.state = QH_TICKET_CANCELLED;
    rc = qh_store_ticket_update(s, &t, err, errlen);
    /* Cancelled from the kiosk or the CLI, not at a window. */
    if (rc == 0 && (rc = event(o, "cancelled", &t, 0, NULL, NULL, err, errlen)) == 0 && out)
        *out = t;
out:
    return op_end(o, rc, err, errlen);
}

int qh_ticket_rate(struct qh_store *s, const char *number, int score,
                   const char *reason, struct qh_ticket_row *out,
                   char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_ticket_row t;
    int rc = qh_text_check(QH_TEXT_REASON, reason, qh_store_lang(s), err, errlen);
    if (rc < 0 || (rc = op_begin(o, s, err, errlen)) < 0)
        return rc;
    if (score < 1 || score > 5) {
        rc = qh_err(err, errlen, QH_E_PARSE,
                    T("评价应为1-5，而不是%d", "a rating is 1-5, not %d"), score);
        goto out;
    }
    if (score <= 2 && blank(reason)) {
        rc = qh_err(err, errlen, QH_E_PARSE, "%s",
                    T("差评（1-2分）需要填写原因", "a rating of 1 or 2 needs a reason"));
        goto out;
    }
    if ((rc = by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    if (!t.outcome[0]) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%s号尚未办结，不能评价", "ticket %s has not been finished: cannot rate it"),
                    t.number);
        goto out;
    }
    if (t.rated) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%s号已评价过", "ticket %s has already been rated"), t.number);
        goto out;
    }
    struct qh_rating_row r;
    memset(&r, 0, sizeof r);
    r.ticket = t.id;
    r.score = score;
    snprintf(r.reason, sizeof r.reason, "%s", reason ? reason : "");
    r.window = t.window;
    snprintf(r.staff, sizeof r.staff, "%s", t.staff);
    snprintf(r.service, sizeof r.service, "%s", t.service);
    r.at = o->now;
    t.rated = 1;
    if ((rc = qh_store_rating_add(s, &r, err, errlen)) < 0 ||
        (rc = qh_store_ticket_update(s, &t, err, errlen)) < 0 ||
        (rc = qh_stats_on_rated(s, &t, score, reason, o->now, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_int(&b, "score", score);
    if (reason && *reason)
        qh_json_str(&b, "reason", reason);
    if (t.service[0])
        qh_json_str(&b, "service", t.service);
    if ((rc = event(o, "rated", &t, t.window, t.staff, &b, err, errlen)) == 0 && out)
        *out = t;
out:
    return op_end(o, rc, err, errlen);
}

/* ---- windows ---- */

int qh_window_pause(struct qh_store *s, int window, const char *reason,
                    char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    const struct qh_window_conf *wc;
    struct qh_window_row wr;
    struct qh_ticket_row t;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if (blank(reason)) {
        rc = qh_err(err, errlen, QH_E_PARSE, "%s",
                    T("暂停需要填写原因", "a pause needs a reason"));
        goto out;
    }
    if ((rc = qh_text_check(QH_TEXT_PAUSE, reason, o->lang, err, errlen)) < 0)
        goto out;
    if ((rc = window_conf(o, window, &wc, &wr, err, errlen)) < 0)
        goto out;
    if (wr.paused) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%d号窗口已在暂停中", "window %d is already paused"), window);
        goto out;
    }
    if (qh_store_ticket_at_window(s, o->day, window, &t) == 0) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%d号窗口正在处理%s号，请先办结或转移",
                      "window %d still has ticket %s: finish or transfer it first"),
                    window, t.number);
        goto out;
    }
    wr.paused = 1;
    snprintf(wr.pause_reason, sizeof wr.pause_reason, "%s", reason);
    wr.paused_at = o->now;
    if ((rc = qh_store_window_put(s, &wr, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_str(&b, "reason", reason);
    rc = event(o, "paused", NULL, window, wr.staff, &b, err, errlen);
out:
    return op_end(o, rc, err, errlen);
}

int qh_window_resume(struct qh_store *s, int window, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    const struct qh_window_conf *wc;
    struct qh_window_row wr;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = window_conf(o, window, &wc, &wr, err, errlen)) < 0)
        goto out;
    if (!wr.paused) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%d号窗口没有暂停", "window %d is not paused"), window);
        goto out;
    }
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_str(&b, "reason", wr.pause_reason);
    qh_json_int(&b, "paused_s", (o->now - wr.paused_at) / 1000);
    wr.paused = 0;
    wr.pause_reason[0] = '\0';
    wr.paused_at = 0;
    if ((rc = qh_store_window_put(s, &wr, err, errlen)) < 0) {
        qh_buf_fini(&b);
        goto out;
    }
    rc = event(o, "resumed", NULL, window, wr.staff, &b, err, errlen);
out:
    return op_end(o, rc, err, errlen);
}

/* ---- PINs and the lock-out ---- */

/* One lock-out for every program that takes a PIN (counter login and
 * unlock, the kiosk's admin screen, qhall login), kept in the database so
 * a restart forgets nothing.  Each wrong PIN counts twice: for the staff
 * member on this device (the store's actor, "kiosk:1", "counter:3"), and
 * for the staff member on all devices together.  LOCK_AFTER in a row on
 * one device lock that device only: a guesser at a kiosk cannot keep a
 * clerk out of their own counter.  LOCK_ALL_AFTER on all devices lock the
 * account everywhere: going from device to device buys no tries.  Each
 * lock lasts staff.lock_minutes, doubled at each further lock without a
 * right PIN in between, up to a day.  A right PIN once the lock has ended
 * clears this device's count and the account's. */
static int lock_minutes(struct qh_store *s)
{
    char v[16];
    if (qh_store_setting_get(s, "staff.lock_minutes", v, sizeof v) > 0 && atoi(v) > 0)
        return atoi(v) < LOCK_MAX_MINUTES ? atoi(v) : LOCK_MAX_MINUTES;
    return LOCK_MINUTES_DEFAULT;
}

struct pin_cand {
    struct qh_staff_row st;
    struct qh_login_lock dev, all;   /* this device's count, all devices' */
    int tried;                       /* not locked: the PIN was compared */
    int ok;                          /* and matched st.pin_hash */
};

struct pin_set {
    const char *pin;
    struct pin_cand *c;
    int n, cap, rc;
    const struct pin_set *before;    /* checked outside the lock, or NULL */
};

static int pin_push(struct pin_set *ps, const struct qh_staff_row *st)
{
    if (ps->n == ps->cap) {
        int cap = ps->cap ? ps->cap * 2 : 4;
        struct pin_cand *c = realloc(ps->c, (size_t)cap * sizeof *c);
        if (!c)
            return ps->rc = QH_E_NOMEM;
        ps->c = c;
        ps->cap = cap;
    }
    memset(&ps->c[ps->n], 0, sizeof ps->c[ps->n]);
    ps->c[ps->n++].st = *st;
    return 0;
}

static int pin_push_admin(const struct qh_staff_row *st, void *ud)
{
    return !strcmp(st->role, "admin") && pin_push(ud, st) < 0;
}

static int64_t locked_until(const struct pin_cand *c)
{
    return c->dev.locked_until > c->all.locked_until ? c->dev.locked_until
                                                     : c->all.locked_until;
}

/* The staff member named (NULL: every admin), their counts, and whether
 * the PIN is theirs, for those not locked at now: a locked account's PIN
 * is not compared at all, so taps on a locked pad cost no hashing.
 * argon2id takes a tenth of a second, so this runs first outside the
 * write lock, and again inside it (before: the first run), where a hash
 * compared then and not changed since is not compared twice.  Only
 * pin_settle(), inside the lock, acts on what this found. */
static int pin_collect(struct qh_store *s, const char *staff, const char *pin,
                       int64_t now, const struct pin_set *before, struct pin_set *ps)
{
    const char *dev = qh_store_actor(s);
    struct qh_staff_row st;
    memset(ps, 0, sizeof *ps);
    ps->pin = pin ? pin : "";
    ps->before = before;
    if (staff) {
        int rc = qh_store_staff_get(s, staff, &st);
        if (rc == QH_E_NOTFOUND)
            return 0;
        if (rc < 0)
            return rc;
        pin_push(ps, &st);
    } else {
        int rc = qh_store_staff_each(s, pin_push_admin, ps);
        if (rc < 0)
            return rc;
    }
    if (ps->rc < 0)
        return ps->rc;
    for (int i = 0; i < ps->n; i++) {
        struct pin_cand *c = &ps->c[i];
        int rc;
        if (((rc = qh_store_login_lock_get(s, c->st.id, dev, &c->dev)) < 0 &&
             rc != QH_E_NOTFOUND) ||
            ((rc = qh_store_login_lock_get(s, c->st.id, QH_LOCK_ALL, &c->all)) < 0 &&
             rc != QH_E_NOTFOUND))
            return rc;
        if (locked_until(c) > now)
            continue;
        int known = 0;
        for (int j = 0; before && j < before->n && !known; j++)
            if (before->c[j].tried && !strcmp(before->c[j].st.id, c->st.id) &&
                !strcmp(before->c[j].st.pin_hash, c->st.pin_hash)) {
                c->ok = before->c[j].ok;
                known = 1;
            }
        c->tried = 1;
        if (!known) {
            rc = qh_auth_verify(c->st.pin_hash, ps->pin);
            if (rc < 0 && rc != QH_E_AUTH)
                return rc;
            c->ok = rc == 0;
        }
    }
    return 0;
}

/* One more wrong PIN on row l: at `after` in a row it locks.  The
 * minutes locked, 0 if it did not lock. */
static int lock_bump(struct op *o, struct qh_login_lock *l, int after)
{
    if (++l->failed < after)
        return 0;
    int64_t min = lock_minutes(o->s);
    for (int i = 0; i < l->strikes && min < LOCK_MAX_MINUTES; i++)
        min *= 2;
    if (min > LOCK_MAX_MINUTES)
        min = LOCK_MAX_MINUTES;
    l->failed = 0;
    l->strikes++;
    l->locked_until = o->now + min * 60000;
    return (int)min;
}

static int locked_msg(struct op *o, int64_t until, char *err, size_t errlen)
{
    return qh_err(err, errlen, QH_E_LOCKED,
                  T("尝试次数过多，请 %d 分钟后再试",
                    "too many wrong PINs: try again in %d minutes"),
                  (int)((until - o->now + 59999) / 60000));
}

/* Inside the write lock: this try's verdict.  A candidate locked here or
 * on all devices is not tried at all (its PIN is not even compared), so
 * while locked a right PIN and a wrong one get the same answer.  The
 * index of the staff member the PIN belongs to, or QH_E_LOCKED (all
 * locked: nothing written), or QH_E_AUTH/QH_E_LOCKED with *written set
 * (the counts and a login_failed event per staff member tried, to be
 * committed), or a store error. */
static int pin_settle(struct op *o, struct pin_set *ps, int window, int any_admin,
                      int *written, char *err, size_t errlen)
{
    const char *dev = qh_store_actor(o->s);
    int rc, open = 0, who = -1;
    int64_t soonest = 0;
    *written = 0;
    for (int i = 0; i < ps->n; i++) {
        struct pin_cand *c = &ps->c[i];
        int64_t until = locked_until(c);
        if (!c->tried) {
            if (!soonest || until < soonest)
                soonest = until;
            continue;
        }
        open++;
        if (c->ok && who < 0)
            who = i;
    }
    if (who >= 0) {
        struct pin_cand *c = &ps->c[who];
        int pin_short = qh_auth_pin_short(ps->pin);
        if ((rc = qh_store_login_lock_clear(o->s, c->st.id, dev, err, errlen)) < 0 ||
            (rc = qh_store_login_lock_clear(o->s, c->st.id, QH_LOCK_ALL, err, errlen)) < 0)
            return rc;
        /* The hash cannot say how long a PIN is: a right one can. */
        if (c->st.pin_short != pin_short) {
            c->st.pin_short = pin_short;
            if ((rc = qh_store_staff_update(o->s, &c->st, err, errlen)) < 0)
                return rc;
        }
        return who;
    }
    if (ps->n && !open)
        return locked_msg(o, soonest, err, errlen);
    /* A wrong PIN: it counts for everyone it was tried against. */
    for (int i = 0; i < ps->n; i++) {
        struct pin_cand *c = &ps->c[i];
        if (!c->tried)
            continue;
        int dev_min = lock_bump(o, &c->dev, LOCK_AFTER);
        int all_min = lock_bump(o, &c->all, LOCK_ALL_AFTER);
        struct qh_buf b;
        detail_open(o, &b);
        qh_json_str(&b, "device", dev);
        qh_json_int(&b, "failed", dev_min ? LOCK_AFTER : c->dev.failed);
        if (dev_min)
            qh_json_int(&b, "locked_minutes", dev_min);
        if (all_min)
            qh_json_int(&b, "locked_all_minutes", all_min);
        if ((rc = qh_store_login_lock_put(o->s, &c->dev, err, errlen)) < 0 ||
            (rc = qh_store_login_lock_put(o->s, &c->all, err, errlen)) < 0) {
            qh_buf_fini(&b);
            return rc;
        }
        if ((rc = event(o, "login_failed", NULL, window, c->st.id, &b, err, errlen)) < 0)
            return rc;
        int64_t until = locked_until(c);
        if (until > o->now) {
            if (!soonest || until < soonest)
                soonest = until;
            open--;
        }
    }
    /* No admin at all: the try is still on record. */
    if (!ps->n && any_admin) {
        struct qh_buf b;
        detail_open(o, &b);
        qh_json_str(&b, "device", dev);
        if ((rc = event(o, "login_failed", NULL, window, NULL, &b, err, errlen)) < 0)
            return rc;
    }
    *written = ps->n || any_admin;
    if (ps->n && !open)
        return locked_msg(o, soonest, err, errlen);
    return qh_err(err, errlen, QH_E_AUTH, "%s",
                  any_admin ? T("PIN 不正确", "wrong PIN")
                            : T("工号或密码错误", "wrong staff ID or PIN"));
}

/* End a transaction whose PIN was refused: what pin_settle() wrote
 * stays, so the count survives the refusal. */
static int op_end_refused(struct op *o, int rc, int written, char *err, size_t errlen)
{
    if (!written)
        return op_end(o, rc, err, errlen);
    char msg[QH_ERRLEN];
    snprintf(msg, sizeof msg, "%s", err ? err : "");
    int crc = op_end(o, 0, err, errlen);
    if (crc < 0)
        return crc;
    return qh_err(err, errlen, rc, "%s", msg);
}

/* pin_collect() outside the write lock, then op_begin() and
 * pin_collect() again inside it; on failure no transaction is left open.
 * The caller frees first->c and ps->c either way. */
static int pin_begin(struct op *o, struct qh_store *s, const char *staff,
                     const char *pin, struct pin_set *first, struct pin_set *ps,
                     char *err, size_t errlen)
{
    memset(ps, 0, sizeof *ps);
    int rc = pin_collect(s, staff, pin, qh_clock_now(), NULL, first);
    if (rc < 0)
        return qh_err(err, errlen, rc, "%s", qh_strerror(rc));
    if ((rc = op_begin(o, s, err, errlen)) < 0)
        return rc;
    if ((rc = pin_collect(s, staff, pin, o->now, first, ps)) < 0)
        return op_end(o, qh_err(err, errlen, rc, "%s", qh_strerror(rc)), err, errlen);
    return 0;
}

int qh_staff_verify(struct qh_store *s, const char *staff, const char *pin,
                    int window, char *who, size_t wholen, char *err, size_t errlen)
{
    struct op ob = {.lang = qh_store_lang(s)}, *o = &ob;
    struct pin_set first, ps;
    int written = 0;
    int rc = pin_begin(o, s, staff, pin, &first, &ps, err, errlen);
    if (rc < 0)
        goto done;
    int i = pin_settle(o, &ps, window, !staff, &written, err, errlen);
    if (i < 0) {
        rc = op_end_refused(o, i, written, err, errlen);
        goto done;
    }
    if (who)
        snprintf(who, wholen, "%s", ps.c[i].st.id);
    rc = op_end(o, 0, err, errlen);
done:
    free(first.c);
    free(ps.c);
    return rc;
}

int qh_staff_unlock(struct qh_store *s, const char *staff, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_staff_row st;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_store_staff_get(s, staff, &st)) < 0) {
        rc = rc == QH_E_NOTFOUND
             ? qh_err(err, errlen, rc, T("没有工号 %s", "no staff ID %s"), staff)
             : qh_err(err, errlen, rc, "%s", qh_strerror(rc));
        goto out;
    }
    if ((rc = qh_store_login_lock_clear(s, staff, NULL, err, errlen)) <= 0)
        goto out;
    int n = rc;
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_int(&b, "rows", n);
    if ((rc = event(o, "staff_unlocked", NULL, 0, staff, &b, err, errlen)) == 0)
        rc = n;
out:
    return op_end(o, rc, err, errlen);
}

int qh_staff_set_pin(struct qh_store *s, const char *staff, const char *pin,
                     char *err, size_t errlen)
{
    struct op ob = {.lang = qh_store_lang(s)}, *o = &ob;
    struct qh_staff_row st;
    char hash[QH_AUTH_HASHLEN];
    int rc = qh_store_staff_get(s, staff, &st);
    if (rc == QH_E_NOTFOUND)
        return qh_err(err, errlen, rc, T("没有工号 %s", "no staff ID %s"), staff);
    if (rc < 0)
        return qh_err(err, errlen, rc, "%s", qh_strerror(rc));
    if ((rc = qh_auth_pin_valid_for(pin, st.role, o->lang, err, errlen)) < 0 ||
        (rc = qh_auth_hash(pin, hash, err, errlen)) < 0)
        return rc;
    if ((rc = op_begin(o, s, err, errlen)) < 0)
        return rc;
    if ((rc = qh_store_staff_get(s, staff, &st)) < 0) {
        rc = qh_err(err, errlen, rc, "%s", qh_strerror(rc));
        goto out;
    }
    memcpy(st.pin_hash, hash, sizeof st.pin_hash);
    st.pin_short = qh_auth_pin_short(pin);
    if ((rc = qh_store_staff_update(s, &st, err, errlen)) < 0)
        goto out;
    rc = event(o, "staff_pin_changed", NULL, 0, staff, NULL, err, errlen);
out:
    return op_end(o, rc, err, errlen);
}

/* ---- staff ---- */

static int logout_locked(struct op *o, struct qh_window_row *wr, const char *why,
                         char *err, size_t errlen)
{
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_int(&b, "minutes", (o->now - wr->login_at) / 60000);
    if (why)
        qh_json_str(&b, "reason", why);
    char staff[QH_STAFF_LEN];
    memcpy(staff, wr->staff, sizeof staff);
    wr->staff[0] = '\0';
    wr->login_at = 0;
    int rc = qh_store_window_put(o->s, wr, err, errlen);
    if (rc < 0) {
        qh_buf_fini(&b);
        return rc;
    }
    return event(o, "logout", NULL, wr->number, staff, &b, err, errlen);
}

int qh_staff_login(struct qh_store *s, int window, const char *staff,
                   const char *pin, char *err, size_t errlen)
{
    struct op ob = {.lang = qh_store_lang(s)}, *o = &ob;
    struct pin_set first, ps;
    const struct qh_window_conf *wc;
    struct qh_window_row wr;
    int written = 0;
    if (!staff)
        staff = "";     /* NULL would mean any admin to pin_collect() */
    int rc = pin_begin(o, s, staff, pin, &first, &ps, err, errlen);
    if (rc < 0)
        goto done;
    if ((rc = window_conf(o, window, &wc, &wr, err, errlen)) < 0)
        goto out;
    int i = pin_settle(o, &ps, window, 0, &written, err, errlen);
    if (i < 0) {
        rc = op_end_refused(o, i, written, err, errlen);
        goto done;
    }
    struct qh_staff_row st = ps.c[i].st;
    /* One person, one window: logging in elsewhere ends the other session;
     * a window taken over ends its previous staff's session. */
    int other = qh_store_window_of_staff(s, staff);
    if (other < 0) {
        rc = qh_err(err, errlen, other, "%s", qh_strerror(other));
        goto out;
    }
    if (other && other != window) {
        struct qh_window_row owr;
        if (qh_store_window_get(s, other, &owr) == 0 &&
            (rc = logout_locked(o, &owr, "moved", err, errlen)) < 0)
            goto out;
    }
    if (wr.staff[0] && strcmp(wr.staff, staff) &&
        (rc = logout_locked(o, &wr, "replaced", err, errlen)) < 0)
        goto out;
    snprintf(wr.staff, sizeof wr.staff, "%s", staff);
    wr.login_at = o->now;
    if ((rc = qh_store_window_put(s, &wr, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_str(&b, "name", st.name);
    qh_json_str(&b, "role", st.role);
    rc = event(o, "login", NULL, window, staff, &b, err, errlen);
out:
    rc = op_end(o, rc, err, errlen);
done:
    free(first.c);
    free(ps.c);
    return rc;
}

int qh_staff_logout(struct qh_store *s, int window, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    const struct qh_window_conf *wc;
    struct qh_window_row wr;
    struct qh_ticket_row t;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = window_conf(o, window, &wc, &wr, err, errlen)) < 0)
        goto out;
    if (!wr.staff[0]) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%d号窗口没有人登录", "nobody is logged in at window %d"), window);
        goto out;
    }
    if (qh_store_ticket_at_window(s, o->day, window, &t) == 0) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%d号窗口正在处理%s号，请先办结或转移",
                      "window %d still has ticket %s: finish or transfer it first"),
                    window, t.number);
        goto out;
    }
    rc = logout_locked(o, &wr, NULL, err, errlen);
out:
    return op_end(o, rc, err, errlen);
}

static int valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n < 1 || n >= QH_STAFF_LEN)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

int qh_staff_add(struct qh_store *s, const char *id, const char *name,
                 const char *role, const char *pin, char *err, size_t errlen)
{
    struct op ob = {.lang = qh_store_lang(s)}, *o = &ob;
    struct qh_staff_row st;
    int rc;
    memset(&st, 0, sizeof st);
    if (!id || !valid_id(id))
        return qh_err(err, errlen, QH_E_PARSE,
                      T("工号应为1-31个字母、数字、_ 或 -，而不是「%s」",
                        "a staff ID is 1-31 letters, digits, _ or -, not \"%s\""),
                      id ? id : "");
    if (!name || !*name)
        return qh_err(err, errlen, QH_E_PARSE, "%s",
                      T("请填写姓名", "a name is required"));
    if ((rc = qh_text_check(QH_TEXT_NAME, name, o->lang, err, errlen)) < 0)
        return rc;
    if (!role || !*role)
        role = "staff";
    if (strcmp(role, "staff") && strcmp(role, "admin"))
        return qh_err(err, errlen, QH_E_PARSE,
                      T("角色应为 staff 或 admin，而不是「%s」",
                        "role must be staff or admin, not \"%s\""), role);
    if ((rc = qh_auth_pin_valid_for(pin, role, o->lang, err, errlen)) < 0 ||
        (rc = qh_auth_hash(pin, st.pin_hash, err, errlen)) < 0)
        return rc;
    st.pin_short = qh_auth_pin_short(pin);
    snprintf(st.id, sizeof st.id, "%s", id);
    snprintf(st.name, sizeof st.name, "%s", name);
    snprintf(st.role, sizeof st.role, "%s", role);
    if ((rc = op_begin(o, s, err, errlen)) < 0)
        return rc;
    st.created_at = o->now;
    if ((rc = qh_store_staff_add(s, &st, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_str(&b, "name", name);
    qh_json_str(&b, "role", role);
    rc = event(o, "staff_added", NULL, 0, id, &b, err, errlen);
out:
    return op_end(o, rc, err, errlen);
}

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
    detail_open(o, &b);
    qh_json_str(&b, "code", a->code);
    qh_json_str(&b, "service", a->service);
    qh_json_int(&b, "slot_at", a->slot_at);
    return event(o, "appointment_added", NULL, 0, NULL, &b, err, errlen);
}

int qh_appointment_add(struct qh_store *s, const char *service, int64_t slot_at,
                       const char *name, char *code, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_appointment a;
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    rc = do_appointment_add(o, service, slot_at, name, code, &a, err, errlen);
    if (rc == 0 && code)
        memcpy(code, a.code, sizeof a.code);
    return op_end(o, rc, err, errlen);
}

int qh_appointments_import(struct qh_store *s, const char *name, const char *text,
                           size_t len, struct qh_appointment **booked,
                           size_t *nbooked, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_appointment_row *rows = NULL;
    struct qh_appointment *out = NULL;
    int64_t *slots = NULL;
    size_t n = 0;
    *booked = NULL;
    *nbooked = 0;
    int rc = qh_appointments_parse(name, text, len, &rows, &n, err, errlen);
    if (rc < 0)
        return rc;
    out = calloc(n ? n : 1, sizeof *out);
    slots = calloc(n ? n : 1, sizeof *slots);
    if (!out || !slots) {
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = op_begin(o, s, err, errlen)) < 0)
        goto done;
    /* Check every row first and report them all, so the file can be
     * mended in one go; then book them all in this one transaction. */
    if (err && errlen)
        err[0] = '\0';
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        struct qh_service sv;
        struct qh_appointment prev;
        char why[QH_ERRLEN];
        if (qh_store_service_get(s, rows[i].service, &sv) < 0) {
            qh_err_append(err, errlen, "%s:%d: %s \"%s\"", name, rows[i].line,
                          T("没有事项", "no service item"), rows[i].service);
            bad++;
        }
        if (qh_clock_parse(rows[i].at, o->hall->timezone, &slots[i], why, sizeof why) < 0) {
            qh_err_append(err, errlen, "%s:%d: column \"at\": %s", name, rows[i].line, why);
            bad++;
        }
        if (rows[i].code[0] && qh_store_appointment_get(s, rows[i].code, &prev) == 0) {
            qh_err_append(err, errlen, "%s:%d: %s \"%s\"", name, rows[i].line,
                          T("预约码已存在", "appointment code already exists"), rows[i].code);
            bad++;
        }
    }
    if (bad) {
        rc = QH_E_PARSE;
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = do_appointment_add(o, rows[i].service, slots[i], rows[i].name,
                                rows[i].code, &out[i], err, errlen);
out:
    rc = op_end(o, rc, err, errlen);
    if (rc == 0) {
        *booked = out;
        *nbooked = n;
        out = NULL;
    }
done:
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
    int rc = op_begin(o, s, err, errlen);
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
    if ((rc = do_issue(o, &req, &t, info, err, errlen)) < 0)
        goto out;
    a.ticket = t.id;
    if ((rc = qh_store_appointment_update(s, &a, err, errlen)) == 0 && out)
        *out = t;
out:
    return op_end(o, rc, err, errlen);
}

/* ---- hall and catalogue ---- */

int qh_hall_init(struct qh_store *s, const struct qh_hall_conf *c, int force,
                 char *err, size_t errlen)
{
    struct op ob = {.s = s, .lang = qh_store_lang(s)}, *o = &ob;
    int rc = qh_conf_validate(c, "hall", err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_store_begin(s, err, errlen)) < 0)
        return rc;
    o->now = qh_clock_now();
    if (qh_store_has_hall(s) && !force) {
        rc = qh_err(err, errlen, QH_E_EXISTS, "%s",
                    T("数据库已有大厅配置（用 --force 覆盖）",
                      "the database already has a hall (use --force to replace it)"));
        goto out;
    }
    /* A database with history but no hall to read is not new: it may be
     * damaged, and a default hall over it would hand out numbers that
     * exist already.  Only a blank one is set up unasked. */
    if (!force && (rc = qh_store_is_blank(s, err, errlen)) <= 0) {
        if (rc == 0)
            rc = qh_err(err, errlen, QH_E_STATE, "%s",
                        T("数据库里已有数据却没有可读的大厅配置，不会自动初始化"
                          "（请运行 qhall check；确需重建请用 qhall init --force）",
                          "the database holds data but no hall that can be read: it is"
                          " not set up again by itself (run qhall check; to rebuild"
                          " the hall use qhall init --force)"));
        goto out;
    }
    if ((rc = qh_store_hall_save(s, c, err, errlen)) < 0)
        goto out;
    o->hall = qh_store_hall(s);
    qh_clock_day(c->timezone, o->now, o->day);
    char last[16] = "";
    if ((rc = qh_store_setting_get(s, "day", last, sizeof last)) < 0) {
        rc = qh_err(err, errlen, rc, "day: %s", qh_strerror(rc));
        goto out;
    }
    if (rc == 0 && (rc = qh_store_setting_set(s, "day", o->day, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_str(&b, "hall", c->name);
    qh_json_int(&b, "queues", c->nqueues);
    qh_json_int(&b, "windows", c->nwindows);
    rc = event(o, "hall_init", NULL, 0, NULL, &b, err, errlen);
out:
    return op_end(o, rc, err, errlen);
}

int qh_catalog_import(struct qh_store *s, const char *name, const char *text,
                      size_t len, int *count, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_service_row *rows = NULL;
    size_t n = 0;
    int rc = qh_catalog_parse(name, text, len, &rows, &n, err, errlen);
    if (rc < 0)
        return rc;
    /* Initials first: ICU is slow to open and must not run under the
     * write lock. */
    for (size_t i = 0; i < n && rc == 0; i++)
        if (!rows[i].initials[0])
            rc = qh_text_initials(rows[i].name, rows[i].initials,
                                  sizeof rows[i].initials, err, errlen);
    if (rc < 0)
        goto done;
    if ((rc = op_begin(o, s, err, errlen)) < 0)
        goto done;
    if (err && errlen)
        err[0] = '\0';
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        if (!qh_conf_queue(o->hall, rows[i].queue)) {
            qh_err_append(err, errlen, "%s:%d: column \"queue\": %s \"%s\"", name,
                          rows[i].line, T("大厅没有队列", "the hall has no queue"),
                          rows[i].queue);
            bad++;
        }
    if (bad) {
        rc = QH_E_PARSE;
        goto out;
    }
    if ((rc = qh_store_service_clear(s, err, errlen)) < 0)
        goto out;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct qh_service sv;
        memset(&sv, 0, sizeof sv);
        snprintf(sv.code, sizeof sv.code, "%s", rows[i].code);
        snprintf(sv.name, sizeof sv.name, "%s", rows[i].name);
        snprintf(sv.queue, sizeof sv.queue, "%s", rows[i].queue);
        sv.promised_days = rows[i].promised_days;
        snprintf(sv.materials, sizeof sv.materials, "%s", rows[i].materials);
        snprintf(sv.initials, sizeof sv.initials, "%s", rows[i].initials);
        rc = qh_store_service_put(s, &sv, err, errlen);
    }
    if (rc < 0)
        goto out;
    struct qh_buf b;
    detail_open(o, &b);
    qh_json_str(&b, "file", name);
    qh_json_int(&b, "count", (int64_t)n);
    rc = event(o, "catalog_imported", NULL, 0, NULL, &b, err, errlen);
    if (rc == 0 && count)
        *count = (int)n;
out:
    rc = op_end(o, rc, err, errlen);
done:
    free(rows);
    return rc;
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
    int rc = op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = by_number(o, number, &t, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    detail_open(o, &b);
    if (kind && *kind)
        qh_json_str(&b, "kind", kind);
    if (printer && *printer)
        qh_json_str(&b, "printer", printer);
    if (problem && *problem)
        qh_json_str(&b, "problem", problem);
    rc = event(o, type, &t, 0, NULL, &b, err, errlen);
out:
    return op_end(o, rc, err, errlen);
}
