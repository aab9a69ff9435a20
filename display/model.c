/* model.c: the hall display's state machine (see model.h).
 *
 * Events are applied incrementally so a call shows and speaks the moment
 * it is committed; the periodic snapshot is the truth that events may have
 * missed (a ticket expired overnight, an event from before a reconnect).
 * Both paths bump `gen` only when something visible changed, so an idle
 * hall never redraws. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/announce.h"
#include "qh/buf.h"
#include "model.h"

/* An announcement older than this is not read out: after a reconnect the
 * hall should not hear a backlog of calls whose citizens are long gone. */
#define STALE_SAY_MS 60000

static void bump(struct qh_display_model *m)
{
    m->gen++;
}

static const char *tz(const struct qh_display_model *m)
{
    return m->hall.timezone[0] ? m->hall.timezone : "Asia/Shanghai";
}

void qh_display_model_init(struct qh_display_model *m, enum qh_lang lang,
                           int window, int64_t now)
{
    memset(m, 0, sizeof *m);
    m->lang = lang;
    m->window = window;
    qh_conf_defaults(&m->hall);
    m->gen = 1;
    snprintf(m->problem, sizeof m->problem, "%s",
             QH_TR(lang, "正在连接数据库", "connecting to the database"));
    qh_display_model_tick(m, now);
}

static struct qh_dm_window *find_window(struct qh_display_model *m, int number)
{
    for (int i = 0; i < m->nwindows; i++)
        if (m->windows[i].number == number)
            return &m->windows[i];
    return NULL;
}

const struct qh_dm_window *qh_display_model_window(const struct qh_display_model *m,
                                                   int number)
{
    return find_window((struct qh_display_model *)m, number);
}

static struct qh_dm_queue *find_queue(struct qh_display_model *m, const char *code)
{
    for (int i = 0; i < m->nqueues; i++)
        if (!strcmp(m->queues[i].code, code))
            return &m->queues[i];
    return NULL;
}

int qh_display_model_waiting(const struct qh_display_model *m, const char *queue)
{
    const struct qh_dm_queue *q = find_queue((struct qh_display_model *)m, queue);
    return q ? q->waiting : 0;
}

enum qh_dm_wstate qh_display_model_wstate(const struct qh_dm_window *w)
{
    if (w->paused)
        return QH_DM_PAUSED;
    if (w->ticket[0])
        return w->ticket_state == QH_TICKET_SERVING ? QH_DM_SERVING : QH_DM_CALLING;
    return w->staff[0] ? QH_DM_IDLE : QH_DM_CLOSED;
}

static void add_waiting(struct qh_display_model *m, const char *queue, int d)
{
    struct qh_dm_queue *q = find_queue(m, queue);
    if (!q) {
        m->need_snapshot = 1;
        return;
    }
    q->waiting += d;
    if (q->waiting < 0)
        q->waiting = 0;
}

/* Numbers restart every day: yesterday's calls and counts must go.  Who
 * is logged in and which window is paused are not per day. */
static void clear_day(struct qh_display_model *m, const char *day)
{
    snprintf(m->day, sizeof m->day, "%s", day);
    m->has_current = 0;
    m->blink_until = 0;
    m->blink_on = 0;
    m->nrecent = 0;
    for (int i = 0; i < m->nqueues; i++)
        m->queues[i].waiting = 0;
    for (int i = 0; i < m->nwindows; i++) {
        m->windows[i].ticket[0] = '\0';
        m->windows[i].green = 0;
        m->windows[i].nnext = 0;
    }
    m->need_snapshot = 1;
    bump(m);
}

static int in_spans(const struct qh_span *sp, int n, int minute)
{
    for (int i = 0; i < n && i < QH_MAX_SPANS; i++)
        if (minute >= sp[i].open_min && minute < sp[i].close_min)
            return 1;
    return 0;
}

static void push_recent(struct qh_display_model *m, const struct qh_dm_call *c)
{
    int k = 0;
    struct qh_dm_call keep[QH_DM_RECENT];

    /* A recall moves the number to the top instead of listing it twice. */
    for (int i = 0; i < m->nrecent; i++)
        if (strcmp(m->recent[i].number, c->number) && k < QH_DM_RECENT - 1)
            keep[k++] = m->recent[i];
    m->recent[0] = *c;
    memcpy(m->recent + 1, keep, (size_t)k * sizeof *keep);
    m->nrecent = k + 1;
}

static void say(struct qh_display_model *m, const struct qh_dm_call *c,
                const struct qh_event_row *ev, int64_t now)
{
    /* Window screens stay silent: one voice in the hall, the big screen's,
     * or announcements would echo from every window. */
    if (m->window || m->quiet || now - ev->at > STALE_SAY_MS || m->nsay == QH_DM_SAY)
        return;
    qh_announce_text(c->number, c->window, m->say[m->nsay++], sizeof m->say[0]);
}

static void call_event(struct qh_display_model *m, struct qh_dm_window *w,
                       const struct qh_event_row *ev, int64_t now)
{
    char green[16] = "";
    int64_t count = 0;
    int recall = !strcmp(ev->type, "recalled");
    struct qh_dm_call c;

    qh_json_get_str(ev->detail, "green", green, sizeof green);
    if (recall)
        qh_json_get_int(ev->detail, "count", &count);
    if (w) {
        int same = !strcmp(w->ticket, ev->number);
        snprintf(w->ticket, sizeof w->ticket, "%s", ev->number);
        w->ticket_state = QH_TICKET_CALLED;
        if (!recall || !same)
            w->green = green[0] != 0;
        else if (green[0])
            w->green = 1;
        w->nnext = 0;       /* the head moved: the snapshot refills */
        m->need_snapshot = 1;
    }
    if (!strcmp(ev->type, "called"))
        add_waiting(m, ev->queue, -1);
    memset(&c, 0, sizeof c);
    snprintf(c.number, sizeof c.number, "%s", ev->number);
    snprintf(c.queue, sizeof c.queue, "%s", ev->queue);
    c.window = ev->window;
    c.green = w ? w->green : green[0] != 0;
    c.recalls = (int)count;
    c.at = ev->at;
    c.event = ev->id;
    push_recent(m, &c);
    if (!m->window || m->window == ev->window) {
        m->current = c;
        m->has_current = 1;
        m->blink_until = now + QH_DM_BLINK_MS;
        m->blink_on = 1;
    }
    say(m, &c, ev, now);
}

/* The window's ticket left it (held, no-show, transferred, finished). */
static void leave_window(struct qh_dm_window *w, const struct qh_event_row *ev)
{
    if (w && !strcmp(w->ticket, ev->number)) {
        w->ticket[0] = '\0';
        w->green = 0;
    }
}

int qh_display_model_event(struct qh_display_model *m,
                           const struct qh_event_row *ev, int64_t now)
{
    uint64_t gen = m->gen;
    const char *t = ev->type;
    struct qh_dm_window *w = ev->window ? find_window(m, ev->window) : NULL;
    char day[11];

    if (ev->id > m->last_event)
        m->last_event = ev->id;
    if (!m->have_hall) {
        m->need_snapshot = 1;
        return 0;
    }
    if (ev->window && !w &&
        strcmp(t, "login_failed") && strcmp(t, "issued") && strcmp(t, "cancelled"))
        m->need_snapshot = 1;       /* a window we do not know: new hall? */
    qh_clock_day(tz(m), ev->at, day);
    if (ev->ticket && strcmp(day, m->day) > 0)
        clear_day(m, day);
    if (!strcmp(t, "called") || !strcmp(t, "called_back") || !strcmp(t, "recalled")) {
        call_event(m, w, ev, now);
    } else if (!strcmp(t, "issued") || !strcmp(t, "released")) {
        add_waiting(m, ev->queue, +1);
    } else if (!strcmp(t, "cancelled")) {
        add_waiting(m, ev->queue, -1);
    } else if (!strcmp(t, "started")) {
        if (w) {
            snprintf(w->ticket, sizeof w->ticket, "%s", ev->number);
            w->ticket_state = QH_TICKET_SERVING;
        }
    } else if (!strcmp(t, "held") || !strcmp(t, "no_show")) {
        leave_window(w, ev);
    } else if (!strcmp(t, "transferred")) {
        leave_window(w, ev);
        add_waiting(m, ev->queue, +1);       /* ev->queue: where it went */
    } else if (!strcmp(t, "finished")) {
        char to[QH_CODE_LEN] = "";
        leave_window(w, ev);
        /* 办不成 goes on to the class C queue, same number. */
        if (qh_json_get_str(ev->detail, "to_queue", to, sizeof to))
            add_waiting(m, ev->queue, +1);
    } else if (!strcmp(t, "paused")) {
        if (w) {
            w->paused = 1;
            qh_json_get_str(ev->detail, "reason", w->reason, sizeof w->reason);
        }
    } else if (!strcmp(t, "resumed")) {
        if (w) {
            w->paused = 0;
            w->reason[0] = '\0';
        }
    } else if (!strcmp(t, "login")) {
        if (w)
            snprintf(w->staff, sizeof w->staff, "%s", ev->staff[0] ? ev->staff : "?");
    } else if (!strcmp(t, "logout")) {
        if (w)
            w->staff[0] = '\0';
    } else if (!strcmp(t, "hall_init") || !strcmp(t, "expired")) {
        m->need_snapshot = 1;
        return 0;
    } else {
        return 0;               /* rated, printed ...: nothing on screen */
    }
    /* Applied events of a known kind always count as a change: cheaper to
     * redraw than to compare the whole screen. */
    if (m->gen == gen)
        bump(m);
    return 1;
}

int qh_display_model_snapshot(struct qh_display_model *m,
                              const struct qh_dm_snapshot *snap, int64_t now)
{
    uint64_t gen = m->gen;

    if (!m->have_hall || memcmp(&m->hall, &snap->hall, sizeof m->hall)) {
        /* A new notice starts its marquee from its beginning. */
        if (!m->have_hall || strcmp(m->hall.notice, snap->hall.notice) ||
            strcmp(m->hall.notice_en, snap->hall.notice_en))
            m->notice_since = now;
        m->hall = snap->hall;
        m->have_hall = 1;
        bump(m);
    }
    if (strcmp(snap->day, m->day))
        clear_day(m, snap->day);
    if (m->nwindows != snap->nwindows ||
        memcmp(m->windows, snap->windows, (size_t)snap->nwindows * sizeof *m->windows)) {
        m->nwindows = snap->nwindows;
        memcpy(m->windows, snap->windows, (size_t)snap->nwindows * sizeof *m->windows);
        bump(m);
    }
    if (m->nqueues != snap->nqueues ||
        memcmp(m->queues, snap->queues, (size_t)snap->nqueues * sizeof *m->queues)) {
        m->nqueues = snap->nqueues;
        memcpy(m->queues, snap->queues, (size_t)snap->nqueues * sizeof *m->queues);
        bump(m);
    }
    if (m->nrecent != snap->nrecent ||
        memcmp(m->recent, snap->recent, (size_t)snap->nrecent * sizeof *m->recent)) {
        m->nrecent = snap->nrecent;
        memcpy(m->recent, snap->recent, (size_t)snap->nrecent * sizeof *m->recent);
        bump(m);
    }
    /* After a start or reconnect the newest call is shown, without
     * blinking: it is not new to anyone in the hall. */
    if (!m->has_current) {
        for (int i = 0; i < m->nrecent; i++) {
            if (m->window && m->recent[i].window != m->window)
                continue;
            m->current = m->recent[i];
            m->has_current = 1;
            bump(m);
            break;
        }
    }
    m->need_snapshot = 0;
    qh_display_model_tick(m, now);
    return m->gen != gen;
}

int qh_display_model_tick(struct qh_display_model *m, int64_t now)
{
    uint64_t gen = m->gen;
    struct qh_tm tm;
    char day[11];

    m->now = now;
    qh_clock_local(tz(m), now, &tm);
    if (tm.min != m->tm.min || tm.hour != m->tm.hour || tm.day != m->tm.day ||
        tm.month != m->tm.month || tm.year != m->tm.year)
        bump(m);
    m->tm = tm;
    if (m->have_hall) {
        qh_clock_day(tz(m), now, day);
        if (strcmp(day, m->day) > 0)
            clear_day(m, day);
    }
    int minute = tm.hour * 60 + tm.min;
    int open = qh_conf_is_open(&m->hall, tm.wday, minute);
    int quiet = in_spans(m->hall.display.quiet, m->hall.display.nquiet, minute);
    if (open != m->open)
        bump(m);
    m->open = open;
    m->quiet = quiet;
    int on = 0;
    if (m->has_current && now < m->blink_until) {
        int64_t start = m->blink_until - QH_DM_BLINK_MS;
        on = ((now - start) / QH_DM_BLINK_HALF_MS) % 2 == 0;
    }
    if (on != m->blink_on) {
        m->blink_on = on;
        bump(m);
    }
    return m->gen != gen;
}

int qh_display_model_connection(struct qh_display_model *m, int ok,
                                const char *problem)
{
    if (!problem)
        problem = "";
    if (ok == m->connected && (ok || !strcmp(problem, m->problem)))
        return 0;
    m->connected = ok;
    snprintf(m->problem, sizeof m->problem, "%s", ok ? "" : problem);
    bump(m);
    return 1;
}

int qh_display_model_wake_ms(const struct qh_display_model *m, int64_t now,
                             int max_ms)
{
    int64_t wake;

    if (m->has_current && now < m->blink_until) {
        int64_t start = m->blink_until - QH_DM_BLINK_MS;
        int64_t next = start + ((now - start) / QH_DM_BLINK_HALF_MS + 1) *
                               QH_DM_BLINK_HALF_MS;
        wake = next - now;
    } else {
        /* The clock shows minutes: wake at the next one. */
        wake = (int64_t)(60 - m->tm.sec) * 1000 - (now % 1000 + 1000) % 1000;
        if (wake <= 0)
            wake = 1;
    }
    return wake < max_ms ? (int)wake : max_ms;
}

int qh_display_marquee_speed(int screen_h)
{
    int s = screen_h * 80 / 1080;
    return s > 20 ? s : 20;
}

int qh_display_marquee_scrolls(const struct qh_dm_marquee *q)
{
    return q->text_w > q->band_w && q->band_w > 0 && q->speed > 0;
}

int qh_display_marquee_offset(const struct qh_dm_marquee *q, int64_t since,
                              int64_t now)
{
    if (!qh_display_marquee_scrolls(q) || now <= since)
        return 0;
    int64_t period = (int64_t)q->text_w + (q->gap > 0 ? q->gap : 0);
    /* Moved on whole frames only: every frame of a pass is evenly spaced,
     * and a redraw between frames (a blink) lands on the same pixel. */
    int64_t t = (now - since) / QH_DM_MARQUEE_FRAME_MS * QH_DM_MARQUEE_FRAME_MS;
    return -(int)(t * q->speed / 1000 % period);
}

int qh_display_marquee_wake_ms(const struct qh_dm_marquee *q, int64_t since,
                               int64_t now, int max_ms)
{
    if (!qh_display_marquee_scrolls(q))
        return max_ms;
    int64_t wake = now < since ? since - now
                               : QH_DM_MARQUEE_FRAME_MS - (now - since) % QH_DM_MARQUEE_FRAME_MS;
    return wake < max_ms ? (int)wake : max_ms;
}

int qh_display_model_take_say(struct qh_display_model *m, char *text, size_t len)
{
    if (!m->nsay)
        return 0;
    snprintf(text, len, "%s", m->say[0]);
    memmove(m->say, m->say + 1, (size_t)(--m->nsay) * sizeof m->say[0]);
    return 1;
}

static const char *wstate_name(enum qh_dm_wstate s)
{
    switch (s) {
    case QH_DM_CLOSED: return "closed";
    case QH_DM_IDLE: return "idle";
    case QH_DM_CALLING: return "calling";
    case QH_DM_SERVING: return "serving";
    case QH_DM_PAUSED: return "paused";
    }
    return "?";
}

void qh_display_model_describe(const struct qh_display_model *m, char *out,
                               size_t len)
{
    struct qh_buf b;

    qh_buf_init(&b);
    qh_buf_printf(&b, "day=%s open=%d conn=%d", m->day, m->open, m->connected);
    if (m->has_current)
        qh_buf_printf(&b, " call=%s@%d%s blink=%d", m->current.number,
                      m->current.window, m->current.green ? "+green" : "",
                      m->now < m->blink_until);
    else
        qh_buf_puts(&b, " call=-");
    qh_buf_puts(&b, " recent=");
    for (int i = 0; i < m->nrecent; i++)
        qh_buf_printf(&b, "%s%s@%d", i ? "," : "", m->recent[i].number,
                      m->recent[i].window);
    qh_buf_puts(&b, " win=");
    for (int i = 0; i < m->nwindows; i++) {
        const struct qh_dm_window *w = &m->windows[i];
        qh_buf_printf(&b, "%s%d:%s", i ? "," : "", w->number,
                      wstate_name(qh_display_model_wstate(w)));
        if (w->ticket[0])
            qh_buf_printf(&b, ":%s", w->ticket);
    }
    qh_buf_puts(&b, " wait=");
    for (int i = 0; i < m->nqueues; i++)
        qh_buf_printf(&b, "%s%s:%d", i ? "," : "", m->queues[i].code,
                      m->queues[i].waiting);
    snprintf(out, len, "%s", qh_buf_str(&b));
    qh_buf_fini(&b);
}
