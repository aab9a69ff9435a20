/* model.c: the counter terminal's state and transitions, without SDL.
 *
 * Every operation is one service API call (qh/ticket.h) on the shared database;
 * the library checks states inside its transaction, so two windows racing
 * for one ticket get one success and one clear refusal, and this file only
 * turns results into panels and messages.  The model adds what the
 * library does not decide: that a window acts only with someone logged in,
 * the idle lock, which panel asks for which detail (materials, reasons,
 * targets), and that every refusal is said on screen, never swallowed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "qh/clock.h"
#include "qh/order.h"
#include "qh/rating.h"
#include "qh/stats.h"
#include "qh/text.h"

#define T(zh, en) QH_TR(m->lang, zh, en)

static const char *const pause_zh[] = {"午休", "会议", "培训", "其他"};
static const char *const pause_en[] = {"Lunch break", "Meeting", "Training", "Other"};
#define NPAUSE 4

static const char *const failed_zh[] = {
    "不符合办理条件", "非本中心事项", "材料无法当场补齐", "系统故障", "其他"};
static const char *const failed_en[] = {
    "Does not qualify", "Not handled in this hall", "Materials cannot be completed today",
    "System failure", "Other"};
#define NFAILED 5


/* ---- small helpers ---- */

static void changed(struct qh_counter_model *m)
{
    m->gen++;
}

static void say(struct qh_counter_model *m, enum qh_counter_msg kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(struct qh_counter_model *m, enum qh_counter_msg kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->msg, sizeof m->msg, fmt, ap);
    va_end(ap);
    m->msg_kind = kind;
    changed(m);
}

/* The hall's clock (qh_hall_now): the tickets' stamps are on it, and
 * on a database server it is the server's, not this PC's.  While the
 * store is away, this PC's clock moved by the offset seen last. */
static int64_t hall_now(struct qh_counter_model *m)
{
    int64_t pc = qh_clock_now();
    if (!m->s)
        return pc + m->clock_offset;
    int64_t now = qh_hall_now(m->s);
    m->clock_offset = now - pc;
    return now;
}

/* A library result: store failures mean the connection is gone (main.c
 * reconnects); everything else is a refusal to show.  Nothing is tried
 * again by itself: a call or a finish sent twice is not the same as once,
 * so the staff member looks at the state shown after the reconnect and
 * presses again if need be.  A connection lost in the middle (QH_E_IO)
 * leaves it open whether the server committed, and the message says so. */
static int result(struct qh_counter_model *m, int rc, const char *err)
{
    if (rc >= 0)
        return 0;
    if (rc == QH_E_DB || rc == QH_E_IO || rc == QH_E_NOMEM) {
        m->db_failed = 1;
        m->unsure = rc == QH_E_IO;
        snprintf(m->problem, sizeof m->problem, "%s", err && *err ? err : qh_strerror(rc));
        if (m->unsure)
            say(m, QH_CM_ERROR, T("数据库连接中断，操作可能没有完成，正在重连；连上后请核对屏幕上的状态，"
                                  "需要时再按一次：%s",
                                  "database connection lost: the action may not have been done; "
                                  "reconnecting, then check the state shown and press again "
                                  "if need be: %s"), m->problem);
        else
            say(m, QH_CM_ERROR, T("数据库出错，操作未完成，正在重连：%s",
                                  "database error, nothing was done; reconnecting: %s"), m->problem);
    } else if (rc == QH_E_BUSY) {
        /* Another program holds the write lock past the counter's short
         * wait: the store rolled back, the next press may well work. */
        say(m, QH_CM_ERROR, "%s", T("数据库正忙（另一程序占着写锁），这次没有做；请稍后再按一次",
                                    "the database is busy (another program holds its write"
                                    " lock): nothing was done; press again in a moment"));
    } else {
        say(m, QH_CM_ERROR, "%s", err && *err ? err : qh_strerror(rc));
    }
    return rc;
}

/* A read the store could not answer (no action was under way): an
 * outage, shown, and main.c reconnects. */
static int read_failed(struct qh_counter_model *m, int rc, const char *why)
{
    m->db_failed = 1;
    snprintf(m->problem, sizeof m->problem, "%s", why);
    say(m, QH_CM_ERROR, T("数据库连接中断，正在重连：%s", "database unreachable, reconnecting: %s"),
        m->problem);
    return rc;
}

static void panel(struct qh_counter_model *m, enum qh_counter_panel p)
{
    m->panel = p;
    m->nrows = m->sel = m->top = 0;
    m->ticks = 0;
    m->field = 0;
    m->text[0] = '\0';
    m->filter[0] = '\0';
    changed(m);
}

static void add_row(struct qh_counter_model *m, const char *key, int kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add_row(struct qh_counter_model *m, const char *key, int kind, const char *fmt, ...)
{
    if (m->nrows >= QH_COUNTER_ROWS)
        return;
    struct qh_counter_row *r = &m->rows[m->nrows++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->label, sizeof r->label, fmt, ap);
    va_end(ap);
    snprintf(r->key, sizeof r->key, "%s", key);
    r->kind = kind;
}

/* A string value of a flat JSON object (the event detail), unescaped. */
static int json_str(const char *json, const char *key, char *out, size_t outlen)
{
    char pat[48];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(json, pat);
    size_t n = 0;
    out[0] = '\0';
    if (!p)
        return 0;
    for (p += strlen(pat); *p && *p != '"' && n + 1 < outlen; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            if (*p == 'u') {       /* control characters only: drop */
                p += strlen(p) >= 5 ? 4 : strlen(p) - 1;
                continue;
            }
            out[n++] = *p == 'n' ? ' ' : *p;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return 1;
}

static long json_int(const char *json, const char *key)
{
    char pat[48];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    return p ? strtol(p + strlen(pat), NULL, 10) : 0;
}

/* ---- reading the store ---- */

/* Transfers (and the 办不成 hand-over) of the current ticket: 一票到底 means
 * the next window sees where the citizen has already been. */
static void read_history(struct qh_counter_model *m)
{
    struct qh_event_row *ev = malloc(128 * sizeof *ev);
    int n;
    if (!ev)
        return;
    if (m->hop_ticket != m->t.id) {
        m->hop_ticket = m->t.id;
        m->hop_after = 0;
        m->nhops = 0;
    }
    while ((n = qh_hall_events_of_ticket(m->s, m->t.id, m->hop_after, ev, 128,
                                          NULL, 0)) > 0) {
        for (int i = 0; i < n; i++) {
            const struct qh_event_row *e = &ev[i];
            m->hop_after = e->id;
            int hop = !strcmp(e->type, "transferred") ||
                      (!strcmp(e->type, "finished") && strstr(e->detail, "\"to_queue\""));
            if (!hop)
                continue;
            if (m->nhops == QH_COUNTER_HISTORY) {
                memmove(m->hops, m->hops + 1, (QH_COUNTER_HISTORY - 1) * sizeof *m->hops);
                m->nhops--;
            }
            struct qh_counter_hop *h = &m->hops[m->nhops++];
            memset(h, 0, sizeof *h);
            h->at = e->at;
            h->from_window = e->window;
            h->to_window = (int)json_int(e->detail, "to_window");
            json_str(e->detail, "from_queue", h->from_queue, sizeof h->from_queue);
            if (!h->from_queue[0])
                snprintf(h->from_queue, sizeof h->from_queue, "%s", e->queue);
            json_str(e->detail, "to_queue", h->to_queue, sizeof h->to_queue);
            if (!json_str(e->detail, "note", h->note, sizeof h->note) &&
                !strcmp(e->type, "finished"))
                snprintf(h->note, sizeof h->note, "%s", T("办不成", "could not be done"));
        }
        if (n < 128)
            break;
    }
    free(ev);
}

static void split_materials(struct qh_counter_model *m)
{
    char buf[sizeof m->sv.materials];
    char *save = NULL;
    m->nmat = 0;
    snprintf(buf, sizeof buf, "%s", m->sv.materials);
    for (char *p = strtok_r(buf, ";", &save); p && m->nmat < QH_COUNTER_MATERIALS;
         p = strtok_r(NULL, ";", &save)) {
        p = qh_text_trim(p);
        if (*p)
            qh_text_copy(m->mat[m->nmat++], sizeof m->mat[0], p);
    }
}

static int window_queue(const struct qh_window_conf *wc, const char *q)
{
    for (int i = 0; i < wc->nqueues; i++)
        if (!strcmp(wc->queues[i], q))
            return i;
    return -1;
}

/* The list panels are rebuilt from each refresh, keeping the selection on
 * the same number when it is still there. */
static void rebuild_list(struct qh_counter_model *m, const struct qh_ticket_row *v, int n,
                         const struct qh_window_conf *wc)
{
    char keep[32];
    snprintf(keep, sizeof keep, "%s", m->sel < m->nrows ? m->rows[m->sel].key : "");
    m->nrows = 0;
    int64_t now = hall_now(m);
    for (int i = 0; i < n; i++) {
        const struct qh_ticket_row *t = &v[i];
        int mins = (int)((now - t->issued_at) / 60000);
        if (m->panel == QH_CP_WAITLIST && t->state == QH_TICKET_WAITING &&
            window_queue(wc, t->queue) >= 0 &&
            (!t->target_window || t->target_window == m->o.window))
            add_row(m, t->number, 0, "%s  %s%s  %s %d%s", t->number,
                    t->green[0] ? T("【绿色通道】", "[green] ") : "",
                    t->service[0] ? t->service : t->queue, T("已等", "waited"), mins,
                    T("分", " min"));
        else if (m->panel == QH_CP_NOSHOWS && t->state == QH_TICKET_NO_SHOW &&
                 (t->window == m->o.window || window_queue(wc, t->queue) >= 0))
            add_row(m, t->number, 0, "%s  %s %d%s  %s %d", t->number,
                    T("过号窗口", "no-show at window"), t->window, "",
                    T("重呼次数", "recalls"), t->recalls);
        else if (m->panel == QH_CP_HELD && t->state == QH_TICKET_HELD &&
                 t->window == m->o.window)
            add_row(m, t->number, 0, "%s  %s", t->number, t->service[0] ? t->service : t->queue);
    }
    m->sel = 0;
    for (int i = 0; i < m->nrows; i++)
        if (!strcmp(m->rows[i].key, keep))
            m->sel = i;
}

static void logged_out(struct qh_counter_model *m, const char *why)
{
    m->logged_in = 0;
    m->staff[0] = m->staff_name[0] = m->role[0] = '\0';
    m->in_pin[0] = '\0';
    m->supp_number[0] = m->print_req[0] = '\0';  /* the next staff's, not ours */
    panel(m, QH_CP_LOGIN);
    if (why)
        say(m, QH_CM_INFO, "%s", why);
}

int qh_counter_model_refresh(struct qh_counter_model *m)
{
    if (!m->s)
        return QH_E_DB;
    struct qh_store *s = m->s;
    const struct qh_hall_conf *hall = qh_hall_config(s);
    const struct qh_window_conf *wc = hall ? qh_conf_window(hall, m->o.window) : NULL;
    struct qh_window_row wr;
    char why[QH_ERRLEN];
    int rc = wc ? qh_window_get(s, m->o.window, &wr) : QH_E_NOTFOUND;

    /* A read the store could not answer is an outage, not an answer: the
     * window is not gone, nor its ticket, because the server is. */
    if (rc == QH_E_DB || rc == QH_E_IO) {
        snprintf(why, sizeof why, T("读取%d号窗口失败：%s", "cannot read window %d: %s"),
                 m->o.window, qh_strerror(rc));
        return read_failed(m, rc, why);
    }
    if (rc < 0) {
        say(m, QH_CM_ERROR, T("这个数据库里没有%d号窗口", "this database has no window %d"),
            m->o.window);
        return QH_E_NOTFOUND;
    }
    snprintf(m->window_name, sizeof m->window_name, "%s",
             m->lang == QH_LANG_EN && wc->name_en[0] ? wc->name_en : wc->name);
    m->recall_limit = hall->recall_limit;
    m->handle_minutes = hall->default_handle_minutes > 0 ? hall->default_handle_minutes : 15;
    m->paused = wr.paused;
    snprintf(m->pause_reason, sizeof m->pause_reason, "%s", wr.pause_reason);
    m->paused_at = wr.paused_at;
    if (m->logged_in && strcmp(wr.staff, m->staff))
        logged_out(m, wr.staff[0] ? T("另一位工作人员已在本窗口登录，你已退出",
                                      "another staff member logged in here: you are logged out")
                                  : T("你已在别处退出登录", "you were logged out elsewhere"));

    /* One service day for the window's ticket and the queues. */
    char day[11];
    qh_hall_today(s, day);
    struct qh_ticket_row t;
    int had = m->has_ticket;
    int64_t had_id = m->t.id;
    rc = qh_window_ticket(s, day, m->o.window, &t);
    if (rc < 0 && rc != QH_E_NOTFOUND) {
        snprintf(why, sizeof why, T("读取本窗口的号失败：%s", "cannot read this window's ticket: %s"),
                 qh_strerror(rc));
        return read_failed(m, rc, why);
    }
    m->has_ticket = rc == 0;
    if (m->has_ticket) {
        m->t = t;
        if (!had || had_id != t.id || strcmp(m->sv.code, t.service)) {
            memset(&m->sv, 0, sizeof m->sv);
            if (t.service[0] && qh_catalog_get(s, t.service, &m->sv) < 0)
                m->sv.code[0] = '\0';
            split_materials(m);
        }
        read_history(m);
    } else {
        memset(&m->t, 0, sizeof m->t);
        memset(&m->sv, 0, sizeof m->sv);
        m->nmat = m->nhops = 0;
        m->hop_ticket = 0;
    }

    /* Each queue in the order its windows take it (qh/order.h). */
    struct qh_ticket_row *v = NULL;
    int n = qh_ticket_list(s, day, -1, &v);
    if (n < 0)
        return read_failed(m, n, T("读取今日的号失败", "cannot read today's tickets"));
    if (n > 1)
        qsort(v, (size_t)n, sizeof *v, qh_order_cmp_place);
    m->nqueues = wc->nqueues;
    m->nheld = m->nnoshow = 0;
    for (int i = 0; i < wc->nqueues; i++) {
        struct qh_counter_queue *q = &m->queues[i];
        const struct qh_queue_conf *qc = qh_conf_queue(hall, wc->queues[i]);
        memset(q, 0, sizeof *q);
        snprintf(q->code, sizeof q->code, "%s", wc->queues[i]);
        snprintf(q->name, sizeof q->name, "%s",
                 !qc ? "" : m->lang == QH_LANG_EN && qc->name_en[0] ? qc->name_en : qc->name);
    }
    for (int i = 0; i < n; i++) {
        const struct qh_ticket_row *x = &v[i];
        int qi = window_queue(wc, x->queue);
        if (x->state == QH_TICKET_HELD && x->window == m->o.window)
            m->nheld++;
        if (x->state == QH_TICKET_NO_SHOW && (x->window == m->o.window || qi >= 0))
            m->nnoshow++;
        if (x->state != QH_TICKET_WAITING || qi < 0)
            continue;
        if (x->target_window && x->target_window != m->o.window)
            continue;
        struct qh_counter_queue *q = &m->queues[qi];
        q->waiting++;
        if (q->nnext < QH_COUNTER_NEXT)
            snprintf(q->next[q->nnext++], QH_NUMBER_LEN, "%s", x->number);
    }
    if (m->panel == QH_CP_WAITLIST || m->panel == QH_CP_NOSHOWS || m->panel == QH_CP_HELD)
        rebuild_list(m, v, n, wc);
    free(v);
    changed(m);
    return 0;
}

/* ---- setup ---- */

void qh_counter_model_init(struct qh_counter_model *m, const struct qh_counter_opts *o,
                           int64_t mono_ms)
{
    memset(m, 0, sizeof *m);
    m->o = *o;
    m->lang = o->lang;
    m->now_ms = m->last_input_ms = mono_ms;
    m->wall_ms = qh_clock_now();
    m->recall_limit = 3;
    m->handle_minutes = 15;
    snprintf(m->problem, sizeof m->problem, "%s",
             QH_TR(o->lang, "正在连接数据库", "connecting to the database"));
    panel(m, QH_CP_LOGIN);
}

void qh_counter_model_store(struct qh_counter_model *m, struct qh_store *s, const char *problem)
{
    int was = m->s != NULL;
    m->s = s;
    m->db_failed = 0;
    if (!s) {
        snprintf(m->problem, sizeof m->problem, "%s",
                 problem && *problem ? problem : T("数据库不可用", "database unavailable"));
        changed(m);
        return;
    }
    m->problem[0] = '\0';
    qh_hall_set_lang(s, m->lang);
    char actor[32];
    snprintf(actor, sizeof actor, "counter:%d", m->o.window);
    qh_hall_set_actor(s, actor);
    if (qh_counter_model_refresh(m) == 0 && !was && m->msg_kind == QH_CM_ERROR &&
        strstr(m->msg, T("数据库", "database")))
        say(m, QH_CM_OK, "%s", m->unsure ? T("数据库已重新连接：断线时的操作是否完成，以屏幕上的状态为准",
                                             "database connected again: the state shown tells "
                                             "whether the last action was done")
                                         : T("数据库已重新连接", "database connected again"));
    m->unsure = 0;
    changed(m);
}

void qh_counter_model_events(struct qh_counter_model *m, const struct qh_event_row *evs, int n)
{
    /* What the pad did with the last finished ticket: never the score. */
    for (int i = 0; i < n; i++) {
        const struct qh_event_row *e = &evs[i];
        enum qh_counter_rate st;
        if (!m->rate_number[0] || strcmp(e->number, m->rate_number))
            continue;
        if (!strcmp(e->type, "rated"))
            st = QH_CR_RATED;
        else if (!strcmp(e->type, "rating_skipped"))
            st = QH_CR_SKIPPED;
        else if (!strcmp(e->type, "rating_prompt"))
            st = QH_CR_WAITING;
        else
            continue;
        if (st != m->rate_state) {
            m->rate_state = st;
            if (m->panel != QH_CP_RATING && st != QH_CR_WAITING)
                say(m, QH_CM_INFO, T("%s号：%s", "%s: %s"), m->rate_number,
                    qh_counter_rate_state_label(st, m->lang));
            changed(m);
        }
    }
    if (n > 0 && m->s)
        qh_counter_model_refresh(m);
}

int qh_counter_waited_s(const struct qh_counter_model *m)
{
    if (!m->has_ticket)
        return 0;
    int64_t end = m->t.called_at ? m->t.called_at : m->wall_ms;
    return end > m->t.issued_at ? (int)((end - m->t.issued_at) / 1000) : 0;
}

int qh_counter_handling_s(const struct qh_counter_model *m)
{
    if (!m->has_ticket)
        return 0;
    int64_t from = m->t.state == QH_TICKET_SERVING ? m->t.started_at : m->t.called_at;
    return m->wall_ms > from && from ? (int)((m->wall_ms - from) / 1000) : 0;
}

void qh_counter_model_tick(struct qh_counter_model *m, int64_t mono_ms)
{
    m->now_ms = mono_ms;
    m->wall_ms = hall_now(m);
    if (m->logged_in && m->panel != QH_CP_LOCKED && m->o.idle_lock_s > 0 &&
        mono_ms - m->last_input_ms >= (int64_t)m->o.idle_lock_s * 1000) {
        m->back = m->panel == QH_CP_LOGIN ? QH_CP_MAIN : m->panel;
        m->back_rate = m->panel == QH_CP_RATING;
        panel(m, QH_CP_LOCKED);
        m->field = 1;
        m->in_pin[0] = '\0';
        say(m, QH_CM_INFO, T("无操作%d分钟，已自动锁屏", "idle for %d min: screen locked"),
            (m->o.idle_lock_s + 59) / 60);
    }
    int sec = m->has_ticket ? qh_counter_handling_s(m) : (int)(m->wall_ms / 60000);
    if (sec != m->shown_s) {
        m->shown_s = sec;
        changed(m);
    }
}

/* ---- text fields ---- */

static int has_text(enum qh_counter_panel p)
{
    return p == QH_CP_FAILED || p == QH_CP_TRANSFER || p == QH_CP_SUPPLEMENT ||
           p == QH_CP_PAUSE || p == QH_CP_APPEAL;
}

/* The 需补件 note opens with this, then the ticked materials. */
#define SUPP_HEAD_ZH "缺少材料："
#define SUPP_HEAD_EN "missing: "

/* Characters a reason's label takes before the typed words ("午休：");
 * the last row, 其他, stands alone. */
static size_t label_room(const char *const *zh, const char *const *en, int n,
                         enum qh_lang lang)
{
    size_t most = 0;
    for (int i = 0; i < n - 1; i++) {
        size_t k = qh_text_len(QH_TR(lang, zh[i], en[i]));
        if (k > most)
            most = k;
    }
    return most + 1;
}

size_t qh_counter_text_max(const struct qh_counter_model *m)
{
    switch (m->panel) {
    case QH_CP_TRANSFER:
        return QH_TEXT_NOTE_MAX;
    case QH_CP_SUPPLEMENT:
        return QH_TEXT_NOTE_MAX - qh_text_len(T(SUPP_HEAD_ZH, SUPP_HEAD_EN));
    case QH_CP_FAILED:
        return QH_TEXT_NOTE_MAX - label_room(failed_zh, failed_en, NFAILED, m->lang);
    case QH_CP_PAUSE:
        return QH_TEXT_PAUSE_MAX - label_room(pause_zh, pause_en, NPAUSE, m->lang);
    case QH_CP_APPEAL:
        return QH_TEXT_REASON_MAX;
    default:
        return 0;
    }
}

static char *field_buf(struct qh_counter_model *m, size_t *len)
{
    if (m->panel == QH_CP_LOGIN || m->panel == QH_CP_LOCKED) {
        *len = m->field == 0 ? sizeof m->in_id : sizeof m->in_pin;
        return m->field == 0 ? m->in_id : m->in_pin;
    }
    if (m->panel == QH_CP_TRANSFER && m->field == 0) {
        *len = sizeof m->filter;
        return m->filter;
    }
    if (has_text(m->panel) && m->field == 1) {
        *len = sizeof m->text;
        return m->text;
    }
    return NULL;
}

static void backspace(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && ((unsigned char)s[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0)
        n--;
    s[n] = '\0';
}

/* ---- panels ---- */

static void transfer_rows(struct qh_counter_model *m);

static int need_session(struct qh_counter_model *m)
{
    if (!m->s) {
        say(m, QH_CM_ERROR, T("数据库连接中断，操作已停用（不会丢失数据），正在自动重连：%s",
                              "database unreachable: actions are disabled (nothing is lost), "
                              "reconnecting: %s"), m->problem);
        return 0;
    }
    if (!m->logged_in) {
        say(m, QH_CM_ERROR, "%s", T("请先登录", "log in first"));
        return 0;
    }
    return 1;
}

static int need_ticket(struct qh_counter_model *m, int serving, const char *what)
{
    if (!m->has_ticket) {
        say(m, QH_CM_ERROR, T("当前没有号，不能%s；请先叫号（F1）",
                              "no current ticket: cannot %s; call one first (F1)"), what);
        return 0;
    }
    if (serving && m->t.state != QH_TICKET_SERVING) {
        say(m, QH_CM_ERROR, T("%s号还没有开始办理，不能%s；请先按 F4 开始",
                              "%s is not being served yet: cannot %s; press F4 to start"),
            m->t.number, what);
        return 0;
    }
    return 1;
}

static void list_panel(struct qh_counter_model *m, enum qh_counter_panel p, const char *empty)
{
    panel(m, p);
    if (qh_counter_model_refresh(m) < 0 && m->db_failed) {
        panel(m, QH_CP_MAIN);           /* the outage's message stays */
        return;
    }
    if (m->nrows == 0) {
        panel(m, QH_CP_MAIN);
        say(m, QH_CM_ERROR, "%s", empty);
    }
}

/* ---- 申诉 ---- */

struct appeal_list {
    struct qh_counter_model *m;
    char today[11];
};

/* A 差评 of this staff member not yet appealed, but the case just
 * finished here (its citizen may still be at the window: the staff
 * member sees no score while they are).  Rows key "DAY NUMBER". */
static int appeal_row(const struct qh_followup *f, void *ud)
{
    struct appeal_list *l = ud;
    struct qh_counter_model *m = l->m;
    struct qh_rating_row r;
    char key[32];
    if (strcmp(f->kind, "rating") || strcmp(f->staff, m->staff) ||
        (!strcmp(f->day, l->today) && !strcmp(f->number, m->rate_number)))
        return 0;
    if (qh_rating_get(m->s, f->ticket, &r) < 0 || r.score > 2 || r.appeal[0] ||
        strcmp(r.staff, m->staff))
        return 0;
    snprintf(key, sizeof key, "%s %s", f->day, f->number);
    add_row(m, key, 0, "%s  %s  %s%s%s", f->number, f->day + 5,
            r.score == 1 ? T("非常不满意", "very dissatisfied") : T("不满意", "dissatisfied"),
            r.reason[0] ? T("：", ": ") : "", r.reason);
    return m->nrows >= QH_COUNTER_ROWS;
}

static void open_appeal(struct qh_counter_model *m)
{
    struct appeal_list l = {.m = m};
    char err[QH_ERRLEN];
    if (!need_session(m))
        return;
    panel(m, QH_CP_APPEAL);
    qh_hall_today(m->s, l.today);
    int rc = qh_stats_followup_each(m->s, QH_FOLLOWUP_ALL, appeal_row, &l, err, sizeof err);
    if (rc < 0) {
        panel(m, QH_CP_MAIN);
        result(m, rc, err);
        return;
    }
    if (m->nrows == 0) {
        panel(m, QH_CP_MAIN);
        say(m, QH_CM_INFO, "%s", T("您没有可以申诉的差评", "you have no 差评 to appeal"));
        return;
    }
    m->sel = 0;
}

static void appeal(struct qh_counter_model *m)
{
    char err[QH_ERRLEN], day[11], number[QH_NUMBER_LEN], why[QH_COUNTER_TEXT];
    if (m->sel < 0 || m->sel >= m->nrows) {
        say(m, QH_CM_ERROR, "%s", T("请先选择要申诉的差评", "choose the 差评 to appeal first"));
        return;
    }
    snprintf(why, sizeof why, "%s", m->text);
    const char *reason = qh_text_trim(why);
    if (!*reason) {
        m->field = 1;
        say(m, QH_CM_ERROR, "%s", T("请填写申诉理由", "type the reason for the appeal"));
        return;
    }
    if (sscanf(m->rows[m->sel].key, "%10s %15s", day, number) != 2)
        return;
    int rc = qh_rating_appeal(m->s, number, day, m->staff, reason, err, sizeof err);
    if (result(m, rc, err) == 0) {
        panel(m, QH_CP_MAIN);
        say(m, QH_CM_OK, T("已就%s号的差评提出申诉，等待管理员决定",
                           "appealed the 差评 of %s: an admin decides"), number);
    }
}

static void open_rating(struct qh_counter_model *m, const struct qh_ticket_row *t)
{
    snprintf(m->rate_number, sizeof m->rate_number, "%s", t->number);
    m->rate_state = QH_CR_WAITING;
    panel(m, QH_CP_RATING);
}

/* The key "show the rating screen on the pad again": the library finds
 * the window's last finished, unrated ticket. */
static int prompt(struct qh_counter_model *m)
{
    char err[QH_ERRLEN];
    if (!need_session(m))
        return 1;
    int rc = qh_rating_prompt(m->s, m->o.window, err, sizeof err);
    if (result(m, rc, err) < 0)
        return 1;
    m->rate_state = QH_CR_WAITING;
    say(m, QH_CM_OK, "%s", T("评价器已重新显示评价画面，请群众评价",
                             "the pad shows the rating screen again: ask the citizen to rate"));
    return 1;
}

/* What the staff member tells the citizen whose ticket just moved to
 * another queue: how many are ahead there and the estimate, in the words
 * of the slip (qh_ticket_wait_text).  Empty when the ticket is not waiting
 * or the estimate cannot be read; the hand-over stands either way. */
static void moved_wait(struct qh_counter_model *m, const struct qh_ticket_row *t,
                       char *out, size_t len)
{
    struct qh_issue_info info;
    char wait[128];
    out[0] = '\0';
    if (t->state != QH_TICKET_WAITING || qh_ticket_info(m->s, t, &info) < 0)
        return;
    qh_ticket_wait_text(qh_hall_config(m->s), &info, m->lang, wait, sizeof wait);
    snprintf(out, len, T("前面 %d 人，%s", "%d ahead; %s"), info.ahead, wait);
}

static int finish(struct qh_counter_model *m, const char *outcome, const char *note)
{
    char err[QH_ERRLEN];
    struct qh_ticket_row t;
    int rc = qh_ticket_finish(m->s, m->o.window, outcome, note, &t, err, sizeof err);
    if (result(m, rc, err) < 0) {
        panel(m, QH_CP_MAIN);
        m->msg_kind = QH_CM_ERROR;
        return rc;
    }
    qh_counter_model_refresh(m);
    open_rating(m, &t);
    snprintf(m->supp_number, sizeof m->supp_number, "%s",
             !strcmp(outcome, "supplement") ? t.number : "");
    if (m->supp_number[0])
        say(m, QH_CM_OK, T("%s号需补件；请群众在评价器上评价 · F6 打印补件告知单",
                           "%s: documents missing; the citizen rates on the pad · F6 prints "
                           "the notice"), t.number);
    else if (!strcmp(outcome, "failed") && t.state == QH_TICKET_WAITING) {
        char wait[160];
        moved_wait(m, &t, wait, sizeof wait);
        if (wait[0])
            say(m, QH_CM_OK, T("%s号办不成，已转%s队列（办不成事反映窗口）：%s；号码不变，请群众在评价器上评价",
                               "%s could not be done: passed on to queue %s: %s; same number, "
                               "the citizen rates on the pad"), t.number, t.queue, wait);
        else
            say(m, QH_CM_OK, T("%s号办不成，已转%s队列（办不成事反映窗口），号码不变；请群众在评价器上评价",
                               "%s could not be done: passed on to queue %s (same number); the "
                               "citizen rates on the pad"), t.number, t.queue);
    }
    else
        say(m, QH_CM_OK, T("%s号已%s；请群众在评价器上评价", "%s finished (%s): the citizen "
                           "rates on the pad"), t.number, qh_outcome_label(outcome, m->lang));
    return 0;
}

static int main_action(struct qh_counter_model *m, enum qh_counter_act a)
{
    char err[QH_ERRLEN];
    struct qh_ticket_row t;
    int rc;

    if (!need_session(m))
        return 1;
    err[0] = '\0';
    switch (a) {
    case QH_CA_CALL_NEXT:
        rc = qh_ticket_call_next(m->s, m->o.window, &t, err, sizeof err);
        if (result(m, rc, err) == 0)
            say(m, QH_CM_OK, T("已呼叫 %s", "called %s"), t.number);
        break;
    case QH_CA_RECALL:
        rc = qh_ticket_recall(m->s, m->o.window, &t, err, sizeof err);
        if (result(m, rc, err) == 0) {
            if (t.state == QH_TICKET_NO_SHOW)
                say(m, QH_CM_INFO, T("%s号已重呼%d次（上限），记为过号，可稍后回呼（F11）",
                                     "%s recalled %d times (the limit): marked no-show, "
                                     "call back later with F11"), t.number, t.recalls);
            else
                say(m, QH_CM_OK, T("已重呼 %s（第%d次，上限%d次）", "recalled %s (%d of %d)"),
                    t.number, t.recalls, m->recall_limit);
        }
        break;
    case QH_CA_NOSHOW:
        rc = qh_ticket_noshow(m->s, m->o.window, &t, err, sizeof err);
        if (result(m, rc, err) == 0)
            say(m, QH_CM_OK, T("%s号记为过号，可回呼（F11）", "%s marked no-show (F11 calls back)"),
                t.number);
        break;
    case QH_CA_START:
        rc = qh_ticket_start(m->s, m->o.window, &t, err, sizeof err);
        if (result(m, rc, err) == 0)
            say(m, QH_CM_OK, T("开始办理 %s", "serving %s"), t.number);
        break;
    case QH_CA_HOLD:
        rc = qh_ticket_hold(m->s, m->o.window, &t, err, sizeof err);
        if (result(m, rc, err) == 0)
            say(m, QH_CM_OK, T("%s号已挂起；群众回来后按 F10 释放，将排在最前",
                               "%s on hold: F10 releases it to the front of the queue"),
                t.number);
        break;
    case QH_CA_DONE:
        if (need_ticket(m, 1, T("办结", "finish it")))
            finish(m, "done", NULL);
        return 1;
    case QH_CA_SUPPLEMENT:
        if (need_ticket(m, 1, T("标记需补件", "mark materials missing"))) {
            panel(m, QH_CP_SUPPLEMENT);
            if (m->nmat == 0)
                m->field = 1;
        }
        return 1;
    case QH_CA_FAILED:
        if (need_ticket(m, 1, T("标记办不成", "mark it could not be done"))) {
            panel(m, QH_CP_FAILED);
            for (int i = 0; i < NFAILED; i++)
                add_row(m, "", 0, "%s", m->lang == QH_LANG_EN ? failed_en[i] : failed_zh[i]);
            m->sel = -1;
        }
        return 1;
    case QH_CA_TRANSFER:
        if (need_ticket(m, 0, T("转移", "transfer"))) {
            panel(m, QH_CP_TRANSFER);
            transfer_rows(m);
        }
        return 1;
    case QH_CA_RELEASE:
        list_panel(m, QH_CP_HELD, T("本窗口没有挂起的号", "no ticket is on hold at this window"));
        return 1;
    case QH_CA_CALLBACK:
        list_panel(m, QH_CP_NOSHOWS, T("没有过号的号可以回呼", "no no-show to call back"));
        return 1;
    case QH_CA_CALL_NUMBER:
        list_panel(m, QH_CP_WAITLIST, T("本窗口的队列中没有等候的号",
                                        "nothing waiting in this window's queues"));
        return 1;
    case QH_CA_PAUSE:
        if (m->paused) {
            rc = qh_window_resume(m->s, m->o.window, err, sizeof err);
            if (result(m, rc, err) == 0)
                say(m, QH_CM_OK, "%s", T("已恢复服务", "service resumed"));
            break;
        }
        if (m->has_ticket) {
            say(m, QH_CM_ERROR, T("正在处理%s号，请先办结、过号或转移再暂停",
                                  "ticket %s is still here: finish, no-show or transfer it "
                                  "before pausing"), m->t.number);
            return 1;
        }
        panel(m, QH_CP_PAUSE);
        for (int i = 0; i < NPAUSE; i++)
            add_row(m, "", 0, "%s", m->lang == QH_LANG_EN ? pause_en[i] : pause_zh[i]);
        return 1;
    case QH_CA_LOCK:
        m->back = QH_CP_MAIN;
        m->back_rate = 0;
        panel(m, QH_CP_LOCKED);
        m->field = 1;
        m->in_pin[0] = '\0';
        say(m, QH_CM_INFO, "%s", T("已锁屏：输入密码解锁", "locked: enter your PIN to unlock"));
        return 1;
    case QH_CA_LOGOUT:
        rc = qh_staff_logout(m->s, m->o.window, err, sizeof err);
        if (result(m, rc, err) == 0) {
            char who[sizeof m->staff_name];
            snprintf(who, sizeof who, "%s", m->staff_name);
            logged_out(m, NULL);
            say(m, QH_CM_OK, T("%s 已退出登录", "%s logged out"), who);
        }
        return 1;
    default:
        return 0;
    }
    qh_counter_model_refresh(m);
    return 1;
}

static void transfer_rows(struct qh_counter_model *m)
{
    const struct qh_hall_conf *hall = qh_hall_config(m->s);
    m->nrows = 0;
    m->sel = -1;        /* a transfer target is always chosen, never defaulted */
    m->top = 0;
    const char *f = m->filter;
    for (int i = 0; i < hall->nwindows; i++) {
        const struct qh_window_conf *w = &hall->windows[i];
        char key[16], label[200];
        if (w->number == m->o.window)
            continue;
        snprintf(key, sizeof key, "%d", w->number);
        snprintf(label, sizeof label, T("%d号窗口 %s", "window %d %s"), w->number,
                 m->lang == QH_LANG_EN && w->name_en[0] ? w->name_en : w->name);
        if (!*f || strstr(label, f))
            add_row(m, key, 0, "%s %s", T("→窗口", "→ window"), label);
    }
    for (int i = 0; i < hall->nqueues; i++) {
        const struct qh_queue_conf *q = &hall->queues[i];
        char label[200];
        snprintf(label, sizeof label, "%s %s", q->code,
                 m->lang == QH_LANG_EN && q->name_en[0] ? q->name_en : q->name);
        if (!*f || strstr(label, f))
            add_row(m, q->code, 1, "%s %s", T("→队列", "→ queue"), label);
    }
}

struct svc_filter {
    struct qh_counter_model *m;
};

static int svc_one(const struct qh_service *sv, void *ud)
{
    struct qh_counter_model *m = ((struct svc_filter *)ud)->m;
    char lower[64];
    size_t i;
    for (i = 0; sv->initials[i] && i + 1 < sizeof lower; i++)
        lower[i] = (char)(sv->initials[i] | 0x20);
    lower[i] = '\0';
    char flt[64];
    for (i = 0; m->filter[i] && i + 1 < sizeof flt; i++)
        flt[i] = m->filter[i] >= 'A' && m->filter[i] <= 'Z' ? (char)(m->filter[i] | 0x20)
                                                            : m->filter[i];
    flt[i] = '\0';
    if (strstr(sv->name, m->filter) || strstr(sv->code, m->filter) || strstr(lower, flt))
        add_row(m, sv->code, 2, "%s %s %s", QH_TR(m->lang, "→事项", "→ item"), sv->code,
                sv->name);
    return m->nrows >= QH_COUNTER_ROWS;
}

static void transfer_filter(struct qh_counter_model *m)
{
    transfer_rows(m);
    if (m->filter[0] && m->s) {
        struct svc_filter ud = {m};
        qh_catalog_each(m->s, NULL, svc_one, &ud);
    }
    changed(m);
}

static const char *row_text(struct qh_counter_model *m, const char *const *zh,
                            const char *const *en, int n)
{
    if (m->sel < 0 || m->sel >= n)
        return NULL;
    return m->lang == QH_LANG_EN ? en[m->sel] : zh[m->sel];
}

/* Reason from the list, with the free text; "其他" needs the text. */
static int reason(struct qh_counter_model *m, const char *const *zh, const char *const *en,
                  int n, char *out, size_t outlen)
{
    const char *r = row_text(m, zh, en, n);
    char text[QH_COUNTER_TEXT];
    snprintf(text, sizeof text, "%s", m->text);
    qh_text_trim(text);
    if (!r && !*text) {
        say(m, QH_CM_ERROR, "%s", T("请选择原因（数字键或↑↓）", "choose a reason (digits or ↑↓)"));
        return 0;
    }
    if (r && m->sel == n - 1 && !*text) {
        m->field = 1;
        say(m, QH_CM_ERROR, "%s", T("选择「其他」时请填写说明（Tab 切换到输入框）",
                                   "\"Other\" needs a few words (Tab to the text box)"));
        return 0;
    }
    if (r && *text && m->sel != n - 1)
        snprintf(out, outlen, "%s：%s", r, text);
    else
        snprintf(out, outlen, "%s", *text ? text : r);
    return 1;
}

static int login(struct qh_counter_model *m)
{
    char err[QH_ERRLEN];
    struct qh_staff_row st;
    if (!m->s) {
        need_session(m);
        return 1;
    }
    if (!m->in_id[0]) {
        m->field = 0;
        say(m, QH_CM_ERROR, "%s", T("请输入工号", "enter your staff ID"));
        return 1;
    }
    if (!m->in_pin[0]) {
        m->field = 1;
        say(m, QH_CM_ERROR, "%s", T("请输入密码", "enter your PIN"));
        return 1;
    }
    int rc = qh_staff_login(m->s, m->o.window, m->in_id, m->in_pin, err, sizeof err);
    memset(m->in_pin, 0, sizeof m->in_pin);
    if (result(m, rc, err) < 0) {
        m->field = 1;
        return 1;
    }
    memset(&st, 0, sizeof st);
    qh_staff_get(m->s, m->in_id, &st);
    m->logged_in = 1;
    snprintf(m->staff, sizeof m->staff, "%s", m->in_id);
    snprintf(m->staff_name, sizeof m->staff_name, "%s", st.name[0] ? st.name : m->in_id);
    snprintf(m->role, sizeof m->role, "%s", st.role);
    m->rate_number[0] = '\0';
    panel(m, QH_CP_MAIN);
    qh_counter_model_refresh(m);
    say(m, QH_CM_OK, T("%s，你好：已登录%d号窗口", "hello %s: logged in at window %d"),
        m->staff_name, m->o.window);
    return 1;
}

/* Unlocking checks the PIN without a new login (the session and its
 * attendance continue), through the library's lock-out, which counts and
 * records a wrong PIN as a login would. */
static int unlock(struct qh_counter_model *m)
{
    char err[QH_ERRLEN];
    if (!m->s) {
        need_session(m);
        return 1;
    }
    if (!m->in_pin[0]) {
        say(m, QH_CM_ERROR, "%s", T("请输入密码", "enter your PIN"));
        return 1;
    }
    int rc = qh_staff_verify(m->s, m->staff, m->in_pin, m->o.window, NULL, 0,
                             err, sizeof err);
    memset(m->in_pin, 0, sizeof m->in_pin);
    if (rc == 0) {
        enum qh_counter_panel back = m->back;
        if (m->back_rate) {
            panel(m, QH_CP_RATING);
        } else {
            panel(m, back == QH_CP_LOCKED || back == QH_CP_LOGIN ? QH_CP_MAIN : QH_CP_MAIN);
        }
        qh_counter_model_refresh(m);
        say(m, QH_CM_OK, "%s", T("已解锁", "unlocked"));
        return 1;
    }
    if (rc == QH_E_LOCKED) {
        /* Locked out: end the session if the window is free to end it. */
        char err2[QH_ERRLEN];
        qh_staff_logout(m->s, m->o.window, err2, sizeof err2);
        logged_out(m, NULL);
        say(m, QH_CM_ERROR, "%s", err);
        return 1;
    }
    result(m, rc, err);
    return 1;
}

static int panel_ok(struct qh_counter_model *m)
{
    char err[QH_ERRLEN], why[QH_COUNTER_TEXT + 128];
    struct qh_ticket_row t;
    int rc;

    switch (m->panel) {
    case QH_CP_LOGIN:
        if (m->field == 0 && !m->in_pin[0] && m->in_id[0]) {
            m->field = 1;
            changed(m);
            return 1;
        }
        return login(m);
    case QH_CP_LOCKED:
        return unlock(m);
    case QH_CP_MAIN:
        return 0;
    case QH_CP_RATING:
        return prompt(m);
    default:
        break;
    }
    if (!need_session(m))
        return 1;
    err[0] = '\0';
    switch (m->panel) {
    case QH_CP_WAITLIST:
    case QH_CP_NOSHOWS:
    case QH_CP_HELD: {
        if (m->sel < 0 || m->sel >= m->nrows) {
            say(m, QH_CM_ERROR, "%s", T("请先选择一个号", "choose a number first"));
            return 1;
        }
        char number[32];
        enum qh_counter_panel p = m->panel;
        snprintf(number, sizeof number, "%s", m->rows[m->sel].key);
        if (p == QH_CP_WAITLIST)
            rc = qh_ticket_call(m->s, m->o.window, number, &t, err, sizeof err);
        else if (p == QH_CP_NOSHOWS)
            rc = qh_ticket_callback(m->s, number, m->o.window, &t, err, sizeof err);
        else
            rc = qh_ticket_release(m->s, number, &t, err, sizeof err);
        panel(m, QH_CP_MAIN);
        if (result(m, rc, err) == 0)
            say(m, QH_CM_OK,
                p == QH_CP_WAITLIST ? T("已呼叫 %s", "called %s")
                : p == QH_CP_NOSHOWS ? T("已回呼 %s", "called back %s")
                                     : T("%s号已释放，排在队首", "%s released to the front of its queue"),
                number);
        break;
    }
    case QH_CP_TRANSFER: {
        if (m->sel < 0 || m->sel >= m->nrows) {
            say(m, QH_CM_ERROR, "%s", T("请选择转移目标", "choose where to transfer"));
            return 1;
        }
        struct qh_counter_row r = m->rows[m->sel];
        struct qh_transfer_to to;
        char note[QH_COUNTER_TEXT];
        memset(&to, 0, sizeof to);
        snprintf(note, sizeof note, "%s", m->text);
        to.note = qh_text_trim(note);
        if (r.kind == 0)
            to.window = atoi(r.key);
        else if (r.kind == 1)
            to.queue = r.key;
        else
            to.service = r.key;
        rc = qh_ticket_transfer(m->s, m->o.window, &to, &t, err, sizeof err);
        if (result(m, rc, err) == 0) {
            char wait[160];
            panel(m, QH_CP_MAIN);
            moved_wait(m, &t, wait, sizeof wait);
            /* What the citizen is to be told first: the destination's
             * label is long and the status line cuts at its end. */
            if (wait[0])
                say(m, QH_CM_OK, T("%s号已转出，%s；转到%s（号码不变，按原取号时间排队）",
                                   "%s transferred: %s; to %s (same number, original place "
                                   "in time)"), t.number, wait, r.label);
            else
                say(m, QH_CM_OK, T("%s号已转到%s（号码不变，按原取号时间排队）",
                                   "%s transferred to %s (same number, original place in time)"),
                    t.number, r.label);
        }
        break;
    }
    case QH_CP_SUPPLEMENT: {
        /* The note is a note like any other: at most QH_TEXT_NOTE_MAX
         * characters in a buffer sized from it, built by whole pieces; a
         * list that does not fit is refused, not stored cut. */
        char note[QH_TEXT_NOTE_LEN], text[QH_COUNTER_TEXT];
        int full = 0;
        snprintf(text, sizeof text, "%s", m->text);
        qh_text_trim(text);
        note[0] = '\0';
        full |= qh_text_append(note, sizeof note, QH_TEXT_NOTE_MAX, T(SUPP_HEAD_ZH, SUPP_HEAD_EN));
        int count = 0;
        for (int i = 0; i < m->nmat; i++)
            if (m->ticks & (1u << i)) {
                if (count)
                    full |= qh_text_append(note, sizeof note, QH_TEXT_NOTE_MAX, "；");
                full |= qh_text_append(note, sizeof note, QH_TEXT_NOTE_MAX, m->mat[i]);
                count++;
            }
        if (*text) {
            if (count)
                full |= qh_text_append(note, sizeof note, QH_TEXT_NOTE_MAX, "；");
            full |= qh_text_append(note, sizeof note, QH_TEXT_NOTE_MAX, text);
        }
        if (full) {
            say(m, QH_CM_ERROR, T("缺少材料的说明最多 %d 个字：请少勾几项或缩短说明",
                                  "the note of missing materials is at most %d characters: "
                                  "tick fewer or shorten the words"), QH_TEXT_NOTE_MAX);
            return 1;
        }
        if (!count && !*text) {
            say(m, QH_CM_ERROR, "%s", m->nmat
                ? T("请勾选缺少的材料（数字键或空格），或填写说明",
                    "tick the missing materials (digits or Space) or describe them")
                : T("本事项没有材料清单：请填写缺少的材料",
                    "this item has no checklist: type what is missing"));
            return 1;
        }
        finish(m, "supplement", note);
        return 1;
    }
    case QH_CP_FAILED:
        if (!reason(m, failed_zh, failed_en, NFAILED, why, sizeof why))
            return 1;
        finish(m, "failed", why);
        return 1;
    case QH_CP_APPEAL:
        appeal(m);
        return 1;
    case QH_CP_PAUSE:
        if (!reason(m, pause_zh, pause_en, NPAUSE, why, sizeof why))
            return 1;
        rc = qh_window_pause(m->s, m->o.window, why, err, sizeof err);
        panel(m, QH_CP_MAIN);
        if (result(m, rc, err) == 0)
            say(m, QH_CM_OK, T("已暂停服务：%s（P 恢复）", "paused: %s (P resumes)"), why);
        break;
    default:
        return 0;
    }
    qh_counter_model_refresh(m);
    return 1;
}

static int panel_cancel(struct qh_counter_model *m)
{
    switch (m->panel) {
    case QH_CP_LOGIN:
        m->in_id[0] = m->in_pin[0] = '\0';
        m->field = 0;
        changed(m);
        return 1;
    case QH_CP_LOCKED:      /* someone else takes the window */
        logged_out(m, T("请新的工作人员登录（上一位的会话将被替换）",
                        "log in as another staff member (replaces the session)"));
        return 1;
    case QH_CP_MAIN:
        return 0;
    case QH_CP_RATING:      /* the pad goes on by itself; R puts it up again */
        panel(m, QH_CP_MAIN);
        say(m, QH_CM_INFO, T("%s号：%s（R 在评价器上重新显示）", "%s: %s (R shows it on the pad again)"),
            m->rate_number, qh_counter_rate_state_label(m->rate_state, m->lang));
        return 1;
    case QH_CP_SUPPLEMENT:
    case QH_CP_FAILED:
        panel(m, QH_CP_MAIN);
        say(m, QH_CM_INFO, "%s", T("已取消，号仍在办理中", "cancelled: still serving"));
        return 1;
    default:
        panel(m, QH_CP_MAIN);
        say(m, QH_CM_INFO, "%s", T("已取消", "cancelled"));
        return 1;
    }
}

static int pick(struct qh_counter_model *m, int row)
{
    if (m->panel == QH_CP_SUPPLEMENT) {
        if (row < 0 || row >= m->nmat)
            return 0;
        m->ticks ^= 1u << row;
        m->sel = row;
        m->field = 0;
        changed(m);
        return 1;
    }
    if (row < 0 || row >= m->nrows)
        return 0;
    m->sel = row;
    m->field = 0;
    changed(m);
    return 1;
}

static int print_request(struct qh_counter_model *m)
{
    if (!need_session(m))
        return 1;
    if (!m->supp_number[0]) {
        say(m, QH_CM_ERROR, "%s", T("没有可打印的补件告知单：以「需补件」办结后才能打印",
                                    "no notice to print: finish a ticket as \"missing docs\" first"));
        return 1;
    }
    snprintf(m->print_req, sizeof m->print_req, "%s", m->supp_number);
    say(m, QH_CM_INFO, T("正在打印%s号的补件告知单…", "printing the notice of %s..."),
        m->print_req);
    return 1;
}

void qh_counter_model_printed(struct qh_counter_model *m, int rc, const char *printer,
                              const char *err)
{
    char number[QH_NUMBER_LEN];
    snprintf(number, sizeof number, "%s", m->print_req);
    m->print_req[0] = '\0';
    if (rc < 0)
        say(m, QH_CM_ERROR, T("%s号的补件告知单没有打印出来：%s（处理后按 F6 重试）",
                              "the notice of %s did not print: %s (F6 tries again)"),
            number, err && *err ? err : qh_strerror(rc));
    else if (rc > 0)
        say(m, QH_CM_OK, T("%s号的补件告知单已发送到打印机 %s，请交给群众",
                           "the notice of %s was sent to printer %s: hand it over"),
            number, printer);
    else
        say(m, QH_CM_OK, T("%s号的补件告知单已打印（%s），请交给群众",
                           "the notice of %s printed (%s): hand it over"), number, printer);
}

int qh_counter_model_act(struct qh_counter_model *m, enum qh_counter_act a, int arg)
{
    m->last_input_ms = m->now_ms;
    if (a == QH_CA_NONE)
        return 0;
    /* F6 (需补件) again right after a 需补件 finish, while rating or with no
     * ticket at the window, prints the notice the citizen takes home. */
    if (a == QH_CA_SUPPLEMENT && m->supp_number[0] &&
        (m->panel == QH_CP_RATING || (m->panel == QH_CP_MAIN && !m->has_ticket)))
        a = QH_CA_PRINT_SUPPLEMENT;
    if (a == QH_CA_PRINT_SUPPLEMENT)
        return print_request(m);
    if (a == QH_CA_APPEAL) {
        if (m->logged_in && m->panel == QH_CP_MAIN && m->has_ticket)
            say(m, QH_CM_ERROR, T("正在处理%s号：办结后再申诉", "ticket %s is still here: appeal "
                                  "once it is finished"), m->t.number);
        else if (m->logged_in && m->panel != QH_CP_MAIN)
            say(m, QH_CM_ERROR, "%s",
                T("请先完成或取消（Esc）当前对话框", "finish or cancel (Esc) this panel first"));
        else
            open_appeal(m);
        return 1;
    }
    if (a < QH_CA_PICK) {
        if (!m->s)
            return need_session(m), 1;
        if (m->panel != QH_CP_MAIN) {
            if (m->panel == QH_CP_LOGIN || m->panel == QH_CP_LOCKED) {
                say(m, QH_CM_ERROR, "%s", m->panel == QH_CP_LOGIN
                    ? T("请先登录", "log in first")
                    : T("已锁屏：请输入密码解锁", "locked: enter your PIN"));
                return 1;
            }
            /* The citizen rates on the pad: the window goes on meanwhile. */
            if (m->panel == QH_CP_RATING) {
                panel(m, QH_CP_MAIN);
                return main_action(m, a);
            }
            say(m, QH_CM_ERROR, "%s",
                T("请先完成或取消（Esc）当前对话框", "finish or cancel (Esc) this panel first"));
            return 1;
        }
        return main_action(m, a);
    }
    int rows = m->panel == QH_CP_SUPPLEMENT ? m->nmat : m->nrows;
    switch (a) {
    case QH_CA_PICK:
        return pick(m, arg);
    case QH_CA_UP:
    case QH_CA_DOWN:
        if (rows == 0)
            return 0;
        m->sel = m->sel < 0 ? 0 : (m->sel + (a == QH_CA_UP ? rows - 1 : 1)) % rows;
        m->field = 0;
        changed(m);
        return 1;
    case QH_CA_FIELD:
        m->field = arg;
        changed(m);
        return 1;
    case QH_CA_OK:
        return panel_ok(m);
    case QH_CA_CANCEL:
        return panel_cancel(m);
    case QH_CA_PROMPT:
        if (m->panel != QH_CP_RATING && m->panel != QH_CP_MAIN)
            return 0;
        return prompt(m);
    case QH_CA_BACKSPACE: {
        size_t len;
        char *b = field_buf(m, &len);
        if (!b)
            return 0;
        backspace(b);
        if (m->panel == QH_CP_TRANSFER && m->field == 0)
            transfer_filter(m);
        changed(m);
        return 1;
    }
    default:
        return 0;
    }
}

static const enum qh_counter_act fkeys[12] = {
    QH_CA_CALL_NEXT, QH_CA_RECALL, QH_CA_NOSHOW, QH_CA_START, QH_CA_DONE, QH_CA_SUPPLEMENT,
    QH_CA_FAILED, QH_CA_TRANSFER, QH_CA_HOLD, QH_CA_RELEASE, QH_CA_CALLBACK, QH_CA_CALL_NUMBER,
};

int qh_counter_model_key(struct qh_counter_model *m, enum qh_counter_key k)
{
    if (k >= QH_CK_F1 && k <= QH_CK_F12)
        return qh_counter_model_act(m, fkeys[k - QH_CK_F1], 0);
    switch (k) {
    case QH_CK_ENTER:
        return qh_counter_model_act(m, QH_CA_OK, 0);
    case QH_CK_ESC:
        return qh_counter_model_act(m, QH_CA_CANCEL, 0);
    case QH_CK_TAB: {
        m->last_input_ms = m->now_ms;
        if (m->panel == QH_CP_LOGIN) {
            m->field = !m->field;
        } else if (has_text(m->panel)) {
            m->field = !m->field;
        } else {
            return 0;
        }
        changed(m);
        return 1;
    }
    case QH_CK_BACKSPACE:
        return qh_counter_model_act(m, QH_CA_BACKSPACE, 0);
    case QH_CK_UP:
        return qh_counter_model_act(m, QH_CA_UP, 0);
    case QH_CK_DOWN:
        return qh_counter_model_act(m, QH_CA_DOWN, 0);
    case QH_CK_SPACE:
        return qh_counter_model_text(m, " ");
    default:
        return 0;
    }
}

int qh_counter_model_text(struct qh_counter_model *m, const char *utf8)
{
    size_t len;
    char *b;

    m->last_input_ms = m->now_ms;
    if (!utf8 || !*utf8)
        return 0;
    int one = utf8[1] == '\0';
    char c = utf8[0];
    if (m->panel == QH_CP_MAIN && one) {
        switch (c | 0x20) {
        case 'p': return qh_counter_model_act(m, QH_CA_PAUSE, 0);
        case 'l': return qh_counter_model_act(m, QH_CA_LOCK, 0);
        case 'o': return qh_counter_model_act(m, QH_CA_LOGOUT, 0);
        case 'r': return qh_counter_model_act(m, QH_CA_PROMPT, 0);
        case 'a': return qh_counter_model_act(m, QH_CA_APPEAL, 0);
        default:
            say(m, QH_CM_INFO, "%s", T("快捷键：F1-F12 见按钮；P 暂停/恢复；L 锁屏；O 退出登录；"
                                      "R 在评价器上重新显示评价；A 申诉差评",
                                      "keys: F1-F12 as on the buttons; P pause/resume; L lock; "
                                      "O log out; R shows the rating screen on the pad again; "
                                      "A appeals a 差评"));
            return 1;
        }
    }
    if (one && c == ' ' && m->field == 0 && m->panel != QH_CP_LOGIN &&
        m->panel != QH_CP_LOCKED && m->panel != QH_CP_RATING)
        return qh_counter_model_act(m, QH_CA_PICK, m->sel);
    if (m->panel == QH_CP_RATING) {
        if (one && (c | 0x20) == 'r')
            return qh_counter_model_act(m, QH_CA_PROMPT, 0);
        /* no key rates: the score is the citizen's, on the pad */
        say(m, QH_CM_INFO, "%s", T("评价由群众在评价器上完成；R 或 Enter 重新显示评价画面，"
                                  "Esc 关闭，F1 叫下一位",
                                  "the citizen rates on the pad: R or Enter shows it again, "
                                  "Esc closes, F1 calls the next"));
        return 1;
    }
    /* A list with the focus: digits pick rows; other text goes to the
     * panel's text box. */
    if (m->field == 0 && m->panel != QH_CP_LOGIN && m->panel != QH_CP_LOCKED) {
        if (one && c >= '1' && c <= '9' && m->panel != QH_CP_TRANSFER)
            return qh_counter_model_act(m, QH_CA_PICK, c - '1');
        if (one && c >= '1' && c <= '9' && m->panel == QH_CP_TRANSFER && !m->filter[0])
            return qh_counter_model_act(m, QH_CA_PICK, c - '1');
        if (has_text(m->panel) && m->panel != QH_CP_TRANSFER) {
            m->field = 1;
            if (m->panel == QH_CP_PAUSE && m->sel < 0)
                m->sel = NPAUSE - 1;
        }
    }
    if (!(b = field_buf(m, &len)))
        return 0;
    if (m->panel == QH_CP_LOGIN && m->field == 1 ? !(one && c >= '0' && c <= '9') :
        m->panel == QH_CP_LOCKED && !(one && c >= '0' && c <= '9')) {
        say(m, QH_CM_ERROR, "%s", T("密码只能是数字", "a PIN is digits only"));
        return 1;
    }
    if (b == m->text) {
        /* Free text stops at its limit on a whole character. */
        size_t max = qh_counter_text_max(m);
        if (qh_text_append(b, len, max, utf8))
            say(m, QH_CM_ERROR, T("最多 %zu 个字", "at most %zu characters"), max);
        changed(m);
        return 1;
    }
    if (strlen(b) + strlen(utf8) + 1 > len) {
        say(m, QH_CM_ERROR, "%s", T("输入已达长度上限", "that field is full"));
        return 1;
    }
    strcat(b, utf8);
    if (m->panel == QH_CP_TRANSFER && m->field == 0)
        transfer_filter(m);
    changed(m);
    return 1;
}

/* ---- labels ---- */

const char *qh_counter_shortcut(enum qh_counter_act a)
{
    for (int i = 0; i < 12; i++)
        if (fkeys[i] == a) {
            static const char *const names[12] = {"F1", "F2", "F3", "F4", "F5", "F6",
                                                  "F7", "F8", "F9", "F10", "F11", "F12"};
            return names[i];
        }
    switch (a) {
    case QH_CA_PAUSE: return "P";
    case QH_CA_LOCK: return "L";
    case QH_CA_LOGOUT: return "O";
    case QH_CA_APPEAL: return "A";
    case QH_CA_OK: return "Enter";
    case QH_CA_CANCEL: return "Esc";
    default: return "";
    }
}

const char *qh_counter_act_label(enum qh_counter_act a, enum qh_lang lang)
{
#define L(zh, en) return QH_TR(lang, zh, en)
    switch (a) {
    case QH_CA_CALL_NEXT: L("叫号", "Call next");
    case QH_CA_RECALL: L("重呼", "Recall");
    case QH_CA_NOSHOW: L("过号", "No-show");
    case QH_CA_START: L("开始办理", "Start");
    case QH_CA_DONE: L("办结", "Done");
    case QH_CA_SUPPLEMENT: L("需补件", "Missing docs");
    case QH_CA_FAILED: L("办不成", "Cannot do");
    case QH_CA_TRANSFER: L("转移", "Transfer");
    case QH_CA_HOLD: L("挂起", "Hold");
    case QH_CA_RELEASE: L("释放挂起", "Release");
    case QH_CA_CALLBACK: L("过号回呼", "Call back");
    case QH_CA_CALL_NUMBER: L("指定叫号", "Call number");
    case QH_CA_PAUSE: L("暂停", "Pause");
    case QH_CA_LOCK: L("锁屏", "Lock");
    case QH_CA_LOGOUT: L("退出登录", "Log out");
    case QH_CA_OK: L("确定", "OK");
    case QH_CA_CANCEL: L("取消", "Cancel");
    case QH_CA_PRINT_SUPPLEMENT: L("打印补件单", "Print notice");
    case QH_CA_PROMPT: L("重新显示评价", "Show again");
    case QH_CA_APPEAL: L("申诉差评", "Appeal");
    default: return "";
    }
#undef L
}

int qh_counter_act_enabled(const struct qh_counter_model *m, enum qh_counter_act a)
{
    if (!m->s || !m->logged_in || m->panel != QH_CP_MAIN)
        return 0;
    int st = m->has_ticket ? m->t.state : -1;
    switch (a) {
    case QH_CA_CALL_NEXT:
    case QH_CA_CALL_NUMBER:
    case QH_CA_CALLBACK:
        return !m->has_ticket && !m->paused;
    case QH_CA_RECALL:
    case QH_CA_NOSHOW:
    case QH_CA_START:
        return st == QH_TICKET_CALLED;
    case QH_CA_SUPPLEMENT:      /* or print the last notice */
        return st == QH_TICKET_SERVING || (!m->has_ticket && m->supp_number[0]);
    case QH_CA_DONE:
    case QH_CA_FAILED:
    case QH_CA_HOLD:
        return st == QH_TICKET_SERVING;
    case QH_CA_TRANSFER:
        return m->has_ticket;
    case QH_CA_RELEASE:
        return m->nheld > 0;
    case QH_CA_PAUSE:
        return m->paused || !m->has_ticket;
    case QH_CA_LOCK:
        return 1;
    case QH_CA_LOGOUT:
    case QH_CA_APPEAL:
        return !m->has_ticket;
    default:
        return 0;
    }
}

int qh_counter_pause_reasons(enum qh_lang lang, const char *const **out)
{
    *out = lang == QH_LANG_EN ? pause_en : pause_zh;
    return NPAUSE;
}

const char *qh_counter_rate_state_label(enum qh_counter_rate st, enum qh_lang lang)
{
    switch (st) {
    case QH_CR_WAITING: return QH_TR(lang, "等待群众评价", "waiting for the citizen");
    case QH_CR_RATED: return QH_TR(lang, "群众已评价", "rated by the citizen");
    case QH_CR_SKIPPED: return QH_TR(lang, "群众未评价（已离开）", "not rated (the citizen left)");
    }
    return "";
}

int qh_counter_key_parse(const char *name, enum qh_counter_key *k)
{
    static const struct { const char *n; enum qh_counter_key k; } keys[] = {
        {"Enter", QH_CK_ENTER}, {"Return", QH_CK_ENTER}, {"Esc", QH_CK_ESC},
        {"Escape", QH_CK_ESC}, {"Tab", QH_CK_TAB}, {"Backspace", QH_CK_BACKSPACE},
        {"Up", QH_CK_UP}, {"Down", QH_CK_DOWN}, {"Space", QH_CK_SPACE},
    };
    if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
        char *end;
        long n = strtol(name + 1, &end, 10);
        if (!*end && n >= 1 && n <= 12) {
            *k = (enum qh_counter_key)(QH_CK_F1 + n - 1);
            return 1;
        }
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcasecmp(name, keys[i].n)) {
            *k = keys[i].k;
            return 1;
        }
    return 0;
}
