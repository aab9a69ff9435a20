/* op.c: one operation, one transaction (op.h), and the lookups every
 * operation makes inside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/stats.h"
#include "qh/store.h"
#include "qh/text.h"
#include "op.h"

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

static int default_ratings(struct op *o, char *err, size_t errlen);

int qh_op_begin(struct op *o, struct qh_store *s, char *err, size_t errlen)
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
    o->now = qh_store_now(s);
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
    if (o->hall->rating.default_after_days > 0 &&
        (rc = default_ratings(o, err, errlen)) < 0) {
        qh_store_rollback(s);
        return rc;
    }
    return 0;
}

/* ---- default ratings ([rating] default_after_days) ---- */

#define DEFAULTS_KEY "rating_defaults_day"
/* When default ratings are first switched on, tickets this many days
 * older than default_after_days still get theirs. */
#define DEFAULTS_LOOKBACK 30

struct unrated {
    struct qh_ticket_row *t;
    int n, cap, oom;
};

static int unrated_cb(const struct qh_ticket_row *t, void *ud)
{
    struct unrated *u = ud;
    if (t->rated || !t->outcome[0])
        return 0;
    if (u->n == u->cap) {
        int cap = u->cap ? u->cap * 2 : 16;
        struct qh_ticket_row *m = realloc(u->t, (size_t)cap * sizeof *m);
        if (!m) {
            u->oom = 1;
            return 1;
        }
        u->t = m;
        u->cap = cap;
    }
    u->t[u->n++] = *t;
    return 0;
}

/* The first write of a day (by a program that may write ratings: not a
 * kiosk or a display, whose database roles cannot) rates every finished
 * ticket still unrated default_after_days after its day with
 * default_score, channel default, in this op's transaction.  The day it
 * last did so is a setting written in the same transaction, so with
 * several PCs it happens once: the next writer sees the day and the
 * tickets rated.  Tickets of the days it covered before are not read
 * again. */
static int default_ratings(struct op *o, char *err, size_t errlen)
{
    const char *actor = qh_store_actor(o->s);
    if (!strncmp(actor, "kiosk", 5) || !strncmp(actor, "display", 7))
        return 0;
    char last[16] = "";
    int rc = qh_store_setting_get(o->s, DEFAULTS_KEY, last, sizeof last);
    if (rc < 0)
        return qh_store_fail(o->s, rc, err, errlen);
    if (rc == 1 && !strcmp(last, o->day))
        return 0;
    long today = qh_clock_day_num(o->day);
    long upto = today - o->hall->rating.default_after_days;
    long from = rc == 1 && qh_clock_day_num(last)
                    ? qh_clock_day_num(last) - o->hall->rating.default_after_days + 1
                    : upto - DEFAULTS_LOOKBACK;
    struct unrated u = {0};
    for (long d = from; d <= upto; d++) {
        char day[11];
        qh_clock_day_str(d, day);
        if ((rc = qh_store_ticket_each(o->s, day, QH_TICKET_FINISHED, unrated_cb, &u)) < 0 ||
            u.oom) {
            rc = u.oom ? qh_err(err, errlen, QH_E_NOMEM, "out of memory")
                       : qh_store_fail(o->s, rc, err, errlen);
            goto out;
        }
    }
    rc = 0;
    for (int i = 0; i < u.n && rc == 0; i++)
        rc = qh_op_rate(o, &u.t[i], o->hall->rating.default_score, NULL, "default",
                        NULL, NULL, err, errlen);
    if (rc == 0)
        rc = qh_store_setting_set(o->s, DEFAULTS_KEY, o->day, err, errlen);
out:
    free(u.t);
    return rc < 0 ? rc : 0;
}

int qh_op_end(struct op *o, int rc, char *err, size_t errlen)
{
    if (rc < 0) {
        /* A lookup that failed without words of its own (the connection
         * gone, the disk): the store's, not a bare "i/o error". */
        if (err && errlen && !err[0])
            qh_store_fail(o->s, rc, err, errlen);
        qh_store_rollback(o->s);
        return rc;
    }
    int crc = qh_store_commit(o->s, err, errlen);
    return crc < 0 ? crc : rc;
}

void qh_op_detail(struct op *o, struct qh_buf *b)
{
    qh_buf_init(b);
    qh_json_open(b);
    qh_json_str(b, "via", qh_store_actor(o->s));
}

/* Append an event for ticket t (may be NULL) with the detail in b (may be
 * NULL; it is closed and freed here). */
int qh_op_event(struct op *o, const char *type, const struct qh_ticket_row *t,
                int window, const char *staff, struct qh_buf *b,
                char *err, size_t errlen)
{
    struct qh_event_row ev;
    struct qh_buf own;
    memset(&ev, 0, sizeof ev);
    if (!b) {
        qh_op_detail(o, &own);
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

int qh_op_blank(const char *s)
{
    if (!s)
        return 1;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* ---- a rating, whichever way it came (op.h) ---- */

int qh_op_staff_refused(struct op *o, char *err, size_t errlen)
{
    if (strncmp(qh_store_actor(o->s), "counter", 7))
        return 0;
    return qh_err(err, errlen, QH_E_STATE, "%s",
                  T("窗口工作人员不能代群众评价",
                    "the staff at the window cannot rate for the citizen"));
}

int qh_op_rate(struct op *o, struct qh_ticket_row *t, int score,
               const char *reason, const char *channel, const char *device,
               const char *by, char *err, size_t errlen)
{
    int rc = qh_text_check(QH_TEXT_REASON, reason, o->lang, err, errlen);
    if (rc < 0)
        return rc;
    if (score < 1 || score > 5)
        return qh_err(err, errlen, QH_E_PARSE,
                      T("评价应为1-5，而不是%d", "a rating is 1-5, not %d"), score);
    /* A default rating is nobody's word: there is no reason to give. */
    if (score <= 2 && qh_op_blank(reason) && strcmp(channel, "default"))
        return qh_err(err, errlen, QH_E_PARSE, "%s",
                      T("差评（1-2分）需要填写原因", "a rating of 1 or 2 needs a reason"));
    if (!t->outcome[0])
        return qh_err(err, errlen, QH_E_STATE,
                      T("%s号尚未办结，不能评价", "ticket %s has not been finished: cannot rate it"),
                      t->number);
    if (t->rated)
        return qh_err(err, errlen, QH_E_STATE,
                      T("%s号已评价过", "ticket %s has already been rated"), t->number);
    struct qh_rating_row r;
    memset(&r, 0, sizeof r);
    r.ticket = t->id;
    r.score = score;
    snprintf(r.reason, sizeof r.reason, "%s", reason ? reason : "");
    r.window = t->window;
    snprintf(r.staff, sizeof r.staff, "%s", t->staff);
    snprintf(r.service, sizeof r.service, "%s", t->service);
    r.at = o->now;
    snprintf(r.channel, sizeof r.channel, "%s", channel);
    snprintf(r.device, sizeof r.device, "%s", device ? device : "");
    snprintf(r.by, sizeof r.by, "%s", by ? by : "");
    /* The store sets the ticket's rated flag with the row, and refuses
     * a ticket rated meanwhile. */
    if ((rc = qh_store_rating_add(o->s, &r, err, errlen)) < 0)
        return rc == QH_E_STATE ? qh_err(err, errlen, QH_E_STATE,
                                         T("%s号已评价过", "ticket %s has already been rated"),
                                         t->number)
                                : rc;
    t->rated = 1;
    if ((rc = qh_stats_on_rated(o->s, t, score, reason, o->now, err, errlen)) < 0)
        return rc;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_int(&b, "score", score);
    if (reason && *reason)
        qh_json_str(&b, "reason", reason);
    qh_json_str(&b, "channel", channel);
    if (r.device[0])
        qh_json_str(&b, "device", r.device);
    if (r.by[0])
        qh_json_str(&b, "by", r.by);
    if (t->service[0])
        qh_json_str(&b, "service", t->service);
    return qh_op_event(o, "rated", t, t->window, t->staff, &b, err, errlen);
}

/* ---- lookups inside an op ---- */

int qh_op_window_conf(struct op *o, int window, const struct qh_window_conf **wc,
                      struct qh_window_row *wr, char *err, size_t errlen)
{
    *wc = qh_conf_window(o->hall, window);
    int rc = *wc ? qh_store_window_get(o->s, window, wr) : QH_E_NOTFOUND;
    if (rc == QH_E_NOTFOUND)
        return qh_err(err, errlen, QH_E_NOTFOUND,
                      T("没有%d号窗口", "there is no window %d"), window);
    return rc < 0 ? qh_store_fail(o->s, rc, err, errlen) : 0;
}

int qh_op_by_number(struct op *o, const char *number, struct qh_ticket_row *t,
                    char *err, size_t errlen)
{
    int rc = qh_store_ticket_by_number(o->s, o->day, number, t);
    if (rc == QH_E_NOTFOUND)
        return qh_err(err, errlen, rc, T("今天没有%s号", "no ticket %s today"),
                      number);
    if (rc < 0)
        return qh_store_fail(o->s, rc, err, errlen);
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
        return qh_store_fail(o->s, rc, err, errlen);
    return 0;
}

int qh_op_wrong_state(struct op *o, const struct qh_ticket_row *t,
                      const char *want, char *err, size_t errlen)
{
    return qh_err(err, errlen, QH_E_STATE,
                  T("%s号当前状态为「%s」，不能%s", "ticket %s is %s: cannot %s"),
                  t->number, qh_ticket_state_label(t->state, o->lang), want);
}

/* The window's called or serving ticket, which must be in `state` (-1:
 * either); `verb` names what is refused otherwise. */
int qh_op_window_ticket(struct op *o, int window, int state, const char *verb,
                        struct qh_ticket_row *t, char *err, size_t errlen)
{
    const struct qh_window_conf *wc;
    struct qh_window_row wr;
    int rc;
    if ((rc = qh_op_window_conf(o, window, &wc, &wr, err, errlen)) < 0 ||
        (rc = at_window(o, window, t, err, errlen)) < 0)
        return rc;
    if (state >= 0 && t->state != state)
        return qh_op_wrong_state(o, t, verb, err, errlen);
    return 0;
}

/* Write t as changed, with its event (detail b may be NULL and is freed
 * here), and hand the result to out. */
int qh_op_change(struct op *o, struct qh_ticket_row *t, const char *type,
                 int window, struct qh_buf *b, struct qh_ticket_row *out,
                 char *err, size_t errlen)
{
    int rc = qh_store_ticket_update(o->s, t, err, errlen);
    if (rc < 0) {
        if (b)
            qh_buf_fini(b);
        return rc;
    }
    rc = qh_op_event(o, type, t, window, t->staff, b, err, errlen);
    if (rc == 0 && out)
        *out = *t;
    return rc;
}

/* A window may call only when it is staffed or not, but not paused and not
 * already holding a ticket: one citizen at a time. */
int qh_op_window_empty(struct op *o, int window, char *err, size_t errlen)
{
    struct qh_ticket_row t;
    int rc = qh_store_ticket_at_window(o->s, o->day, window, &t);
    if (rc == 0)
        return qh_err(err, errlen, QH_E_STATE,
                      T("%d号窗口正在处理%s号，请先办结或转移",
                        "window %d still has ticket %s: finish or transfer it first"),
                      window, t.number);
    return rc == QH_E_NOTFOUND ? 0 : qh_store_fail(o->s, rc, err, errlen);
}

int qh_op_window_free(struct op *o, int window, struct qh_window_row *wr,
                      char *err, size_t errlen)
{
    const struct qh_window_conf *wc;
    int rc = qh_op_window_conf(o, window, &wc, wr, err, errlen);
    if (rc < 0)
        return rc;
    if (wr->paused)
        return qh_err(err, errlen, QH_E_STATE,
                      T("%d号窗口暂停服务中（%s），请先恢复",
                        "window %d is paused (%s): resume it first"),
                      window, wr->pause_reason);
    struct qh_ticket_row cur;
    if ((rc = qh_store_ticket_at_window(o->s, o->day, window, &cur)) < 0 &&
        rc != QH_E_NOTFOUND)
        return qh_store_fail(o->s, rc, err, errlen);
    if (rc == 0)
        return qh_err(err, errlen, QH_E_STATE,
                      T("%d号窗口正在%s%s号，请先办结、过号或转移",
                        "window %d is %s %s: finish, no-show or transfer it first"),
                      window, cur.state == QH_TICKET_CALLED ? T("呼叫", "calling")
                                                            : T("办理", "serving"),
                      cur.number);
    return 0;
}

int qh_op_fill_info(struct op *o, const struct qh_ticket_row *t,
                    struct qh_issue_info *info)
{
    if (!info)
        return 0;
    int ahead = qh_store_ahead(o->s, t);
    if (ahead < 0)
        return ahead;
    info->ahead = ahead;
    qh_stats_ewt(o->s, t, info);
    return 0;
}

