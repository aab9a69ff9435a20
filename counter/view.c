/* view.c: the counter terminal drawn with qh_ui (common/media).
 *
 * Made for a busy person glancing sideways from the business system: the
 * current number is the largest thing on screen, the materials checklist
 * sits beside it, the status line says what just happened (green) or was
 * refused (red), and every button carries its key.  Buttons that cannot
 * act now are grey, but still answer with a message when pressed: a
 * refusal is never silent.  Layout is in 800x480 units scaled by k. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/clock.h"
#include "view.h"

#define MAXT 64

struct qh_counter_view {
    struct qh_ui *ui;
    SDL_Renderer *r;
    double k;
    int w, h;
    int nt;
    struct qh_counter_target t[MAXT];
};

static const struct qh_ui_color BG = {244, 246, 248, 255}, INK = {20, 27, 38, 255},
    MUTED = {75, 85, 99, 255}, HEAD = {31, 58, 95, 255}, WHITE = {255, 255, 255, 255},
    BTN = {37, 99, 235, 255}, BTN_OFF = {214, 219, 225, 255}, BTN_OFF_INK = {75, 85, 99, 255},
    CARD = {255, 255, 255, 255}, LINE = {203, 213, 225, 255}, OK = {21, 128, 61, 255},
    ERRC = {185, 28, 28, 255}, WARN = {180, 83, 9, 255}, GREEN_BG = {22, 101, 52, 255},
    SEL = {219, 234, 254, 255}, BANNER = {185, 28, 28, 255}, PAUSE_BG = {254, 243, 199, 255};

static int S(const struct qh_counter_view *v, double x)
{
    return (int)(x * v->k + 0.5);
}

int qh_counter_view_new(struct qh_counter_view **out, SDL_Renderer *r, char *err, size_t errlen)
{
    struct qh_counter_view *v = calloc(1, sizeof *v);
    *out = NULL;
    if (!v)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    int rc = qh_ui_new(&v->ui, r, err, errlen);
    if (rc < 0) {
        free(v);
        return rc;
    }
    v->r = r;
    *out = v;
    return 0;
}

void qh_counter_view_free(struct qh_counter_view *v)
{
    if (!v)
        return;
    qh_ui_free(v->ui);
    free(v);
}

struct qh_ui *qh_counter_view_ui(struct qh_counter_view *v)
{
    return v->ui;
}

SDL_Rect qh_counter_line(struct qh_ui *ui, const char *s, int px, int min, int weight,
                         struct qh_ui_color fg, int x, int y, int maxw, enum qh_ui_align al)
{
    char buf[512];
    int w, h;
    px = qh_ui_fit(ui, s, px, min, weight, maxw);
    snprintf(buf, sizeof buf, "%s", s);
    while (qh_ui_measure(ui, buf, px, weight, &w, &h) == 0 && w > maxw && strlen(buf) > 3) {
        size_t n = strlen(buf);
        char *e = strstr(buf, "…");
        if (e && (size_t)(e - buf) + 3 == n)
            n -= 3;
        do
            n--;
        while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80);
        buf[n] = '\0';
        strcat(buf, "…");
    }
    return qh_ui_text(ui, buf, px, weight, fg, x, y, al);
}

/* One line of text in at most maxw: smaller down to 3/4 of px (12 px at
 * least), then cut with an ellipsis (never drawn over its neighbours). */
static SDL_Rect text(struct qh_counter_view *v, const char *s, int px, int weight,
                     struct qh_ui_color fg, int x, int y, int maxw, enum qh_ui_align al)
{
    int min = px * 3 / 4;
    if (min < 12)
        min = px < 12 ? px : 12;
    return qh_counter_line(v->ui, s, px, min, weight, fg, x, y, maxw, al);
}

static void fill(struct qh_counter_view *v, int x, int y, int w, int h, struct qh_ui_color c)
{
    SDL_Rect r = {x, y, w, h};
    qh_ui_fill(v->ui, r, c);
}

static void frame(struct qh_counter_view *v, SDL_Rect r, struct qh_ui_color c)
{
    fill(v, r.x, r.y, r.w, 1, c);
    fill(v, r.x, r.y + r.h - 1, r.w, 1, c);
    fill(v, r.x, r.y, 1, r.h, c);
    fill(v, r.x + r.w - 1, r.y, 1, r.h, c);
}

static void target(struct qh_counter_view *v, SDL_Rect r, enum qh_counter_act a, int arg,
                   int enabled)
{
    if (v->nt < MAXT)
        v->t[v->nt++] = (struct qh_counter_target){r, a, arg, enabled};
}

/* A button: the key on top, the label under it. */
static void button(struct qh_counter_view *v, SDL_Rect r, const char *key, const char *label,
                   int enabled, enum qh_counter_act a, int arg)
{
    struct qh_ui_color bg = enabled ? BTN : BTN_OFF, fg = enabled ? WHITE : BTN_OFF_INK;
    qh_ui_fill(v->ui, r, bg);
    int kp = S(v, 13), lp = S(v, 17);
    if (key && *key) {
        text(v, key, kp, QH_UI_BOLD, fg, r.x + r.w / 2, r.y + S(v, 4), r.w - S(v, 6),
             QH_UI_CENTER);
        text(v, label, lp, QH_UI_BOLD, fg, r.x + r.w / 2, r.y + S(v, 4) + kp + S(v, 6),
             r.w - S(v, 6), QH_UI_CENTER);
    } else {
        text(v, label, lp, QH_UI_BOLD, fg, r.x + r.w / 2, r.y + (r.h - lp) / 2 - S(v, 3),
             r.w - S(v, 6), QH_UI_CENTER);
    }
    target(v, r, a, arg, enabled);
}

/* A line pitch of at least `base` that also fits the font's line box at px
 * (small windows: fonts stop shrinking before the layout does). */
static int pitch(struct qh_counter_view *v, int base, int px)
{
    int w, h = 0;
    qh_ui_measure(v->ui, "口", px, QH_UI_REGULAR, &w, &h);
    return h - 2 > base ? h - 2 : base;
}

static void fmt_dur(char *out, size_t n, int s)
{
    if (s >= 3600)
        snprintf(out, n, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, n, "%d:%02d", s / 60, s % 60);
}

/* ---- header, notice, status line ---- */

static int header(struct qh_counter_view *v, const struct qh_counter_model *m)
{
    char left[256], right[160], hhmm[6];
    enum qh_lang L = m->lang;
    int hh = S(v, 34);
    fill(v, 0, 0, v->w, hh, HEAD);
    snprintf(left, sizeof left, QH_TR(L, "%d号窗口  %s", "Window %d  %s"), m->o.window,
             m->window_name);
    const struct qh_hall_conf *hall = m->s ? qh_hall_config(m->s) : NULL;
    qh_clock_hhmm(hall ? hall->timezone : "Asia/Shanghai", m->wall_ms, hhmm);
    if (m->logged_in)
        snprintf(right, sizeof right, "%s%s  %s", m->staff_name,
                 !strcmp(m->role, "admin") ? QH_TR(L, "（管理员）", " (admin)") : "", hhmm);
    else
        snprintf(right, sizeof right, "%s  %s", QH_TR(L, "未登录", "not logged in"), hhmm);
    int px = S(v, 18);
    SDL_Rect rr = text(v, right, px, QH_UI_REGULAR, WHITE, v->w - S(v, 10), (hh - px) / 2 - S(v, 2),
                       v->w / 3, QH_UI_RIGHT);
    text(v, left, px, QH_UI_BOLD, WHITE, S(v, 10), (hh - px) / 2 - S(v, 2),
         rr.x - S(v, 30) - S(v, 10), QH_UI_LEFT);
    int y = hh;
    if (!m->s) {
        char msg[600];
        int bh = S(v, 30);
        snprintf(msg, sizeof msg, QH_TR(L, "数据库连接中断，操作已停用，正在自动重连：%s",
                                        "Database unreachable: actions disabled, reconnecting: %s"),
                 m->problem);
        fill(v, 0, y, v->w, bh, BANNER);
        text(v, msg, S(v, 16), QH_UI_BOLD, WHITE, S(v, 10), y + (bh - S(v, 16)) / 2 - S(v, 2),
             v->w - S(v, 20), QH_UI_LEFT);
        y += bh;
    } else if (m->paused && m->logged_in) {
        char msg[300], d[16];
        int bh = S(v, 28);
        fmt_dur(d, sizeof d, m->wall_ms > m->paused_at ? (int)((m->wall_ms - m->paused_at) / 1000) : 0);
        snprintf(msg, sizeof msg, QH_TR(L, "暂停服务中：%s（%s）· 按 P 恢复",
                                        "Paused: %s (%s) · P resumes"), m->pause_reason, d);
        fill(v, 0, y, v->w, bh, PAUSE_BG);
        text(v, msg, S(v, 16), QH_UI_BOLD, WARN, S(v, 10), y + (bh - S(v, 16)) / 2 - S(v, 2),
             v->w - S(v, 20), QH_UI_LEFT);
        y += bh;
    }
    return y;
}

static void status_line(struct qh_counter_view *v, const struct qh_counter_model *m, int y,
                        int h)
{
    struct qh_ui_color c = m->msg_kind == QH_CM_ERROR ? ERRC
                         : m->msg_kind == QH_CM_OK    ? OK
                                                      : MUTED;
    fill(v, 0, y, v->w, 1, LINE);
    if (m->msg[0]) {
        int px = S(v, 16);
        text(v, m->msg, px, m->msg_kind == QH_CM_ERROR ? QH_UI_BOLD : QH_UI_REGULAR, c, S(v, 10),
             y + (h - px) / 2 - S(v, 2), v->w - S(v, 20), QH_UI_LEFT);
    }
}

/* ---- the main panel ---- */

static const enum qh_counter_act main_acts[] = {
    QH_CA_CALL_NEXT, QH_CA_RECALL, QH_CA_NOSHOW, QH_CA_START, QH_CA_DONE,
    QH_CA_SUPPLEMENT, QH_CA_FAILED, QH_CA_TRANSFER, QH_CA_HOLD, QH_CA_RELEASE,
    QH_CA_CALLBACK, QH_CA_CALL_NUMBER, QH_CA_PAUSE, QH_CA_LOCK, QH_CA_LOGOUT, QH_CA_APPEAL,
};

static void main_buttons(struct qh_counter_view *v, const struct qh_counter_model *m, int y,
                         int h)
{
    int n = (int)(sizeof main_acts / sizeof main_acts[0]), per = 8, gap = S(v, 4);
    int bh = (h - 3 * gap) / 2, bw = (v->w - (per + 1) * gap) / per;
    for (int i = 0; i < n; i++) {
        enum qh_counter_act a = main_acts[i];
        char label[64];
        SDL_Rect r = {gap + (i % per) * (bw + gap), y + gap + (i / per) * (bh + gap), bw, bh};
        if (a == QH_CA_RECALL)
            snprintf(label, sizeof label, "%s %d/%d", qh_counter_act_label(a, m->lang),
                     m->has_ticket ? m->t.recalls : 0, m->recall_limit);
        else if (a == QH_CA_PAUSE && m->paused)
            snprintf(label, sizeof label, "%s", QH_TR(m->lang, "恢复服务", "Resume"));
        else if (a == QH_CA_RELEASE && m->nheld)
            snprintf(label, sizeof label, "%s(%d)", qh_counter_act_label(a, m->lang), m->nheld);
        else if (a == QH_CA_SUPPLEMENT && !m->has_ticket && m->supp_number[0])
            snprintf(label, sizeof label, "%s",
                     qh_counter_act_label(QH_CA_PRINT_SUPPLEMENT, m->lang));
        else if (a == QH_CA_CALLBACK && m->nnoshow)
            snprintf(label, sizeof label, "%s(%d)", qh_counter_act_label(a, m->lang), m->nnoshow);
        else
            snprintf(label, sizeof label, "%s", qh_counter_act_label(a, m->lang));
        button(v, r, qh_counter_shortcut(a), label, qh_counter_act_enabled(m, a), a, 0);
    }
}

static void ticket_card(struct qh_counter_view *v, const struct qh_counter_model *m,
                        SDL_Rect c)
{
    enum qh_lang L = m->lang;
    char line[400], d1[16], d2[16];
    int x = c.x + S(v, 10), y = c.y + S(v, 6), w = c.w - S(v, 20);
    qh_ui_fill(v->ui, c, CARD);
    frame(v, c, LINE);
    if (!m->has_ticket) {
        text(v, QH_TR(L, "当前没有号", "No current ticket"), S(v, 26), QH_UI_BOLD, MUTED, x,
             y + S(v, 10), w, QH_UI_LEFT);
        text(v, m->paused ? QH_TR(L, "窗口暂停中：按 P 恢复后再叫号", "Paused: P resumes service")
                          : QH_TR(L, "按 F1 叫下一位，F12 指定叫号，F11 过号回呼",
                                  "F1 calls the next, F12 a given number, F11 calls back"),
             S(v, 17), QH_UI_REGULAR, MUTED, x, y + S(v, 50), w, QH_UI_LEFT);
        return;
    }
    /* number and state */
    SDL_Rect nr = text(v, m->t.number, S(v, 44), QH_UI_BOLD, INK, x, y - S(v, 6), w / 2,
                       QH_UI_LEFT);
    const char *st = qh_ticket_state_label(m->t.state, L);
    int sx = nr.x + nr.w + S(v, 12);
    SDL_Rect sr = text(v, st, S(v, 20), QH_UI_BOLD,
                       m->t.state == QH_TICKET_SERVING ? OK : BTN, sx, y + S(v, 2),
                       x + w - sx, QH_UI_LEFT);
    if (m->t.green[0]) {
        char g[64];
        int gx = sr.x + sr.w + S(v, 10), gw;
        snprintf(g, sizeof g, "%s %s", QH_TR(L, "绿色通道", "Green"), qh_green_label(m->t.green, L));
        qh_ui_measure(v->ui, g, S(v, 15), QH_UI_BOLD, &gw, &(int){0});
        if (gx + gw + S(v, 12) < x + w) {
            fill(v, gx, y + S(v, 2), gw + S(v, 12), S(v, 24), GREEN_BG);
            text(v, g, S(v, 15), QH_UI_BOLD, WHITE, gx + S(v, 6), y + S(v, 3), gw + S(v, 2),
                 QH_UI_LEFT);
        }
    }
    /* times */
    int hs = qh_counter_handling_s(m), promised = m->handle_minutes * 60;
    fmt_dur(d1, sizeof d1, qh_counter_waited_s(m));
    fmt_dur(d2, sizeof d2, hs);
    char prom[64];
    if (m->sv.code[0] && m->sv.promised_days > 0)
        snprintf(prom, sizeof prom, QH_TR(L, "承诺时限%d个工作日", "promised in %d working days"),
                 m->sv.promised_days);
    else if (m->sv.code[0])
        snprintf(prom, sizeof prom, "%s", QH_TR(L, "即办件", "same-day item"));
    else
        prom[0] = '\0';
    snprintf(line, sizeof line,
             m->t.state == QH_TICKET_SERVING
                 ? QH_TR(L, "等候 %s · 办理 %s / 参考%d分 %s%s", "waited %s · serving %s / usual %d min %s%s")
                 : QH_TR(L, "等候 %s · 已呼叫 %s / 参考%d分 %s%s", "waited %s · called %s ago / usual %d min %s%s"),
             d1, d2, m->handle_minutes, prom[0] ? "· " : "", prom);
    int y2 = nr.y + nr.h - S(v, 2);
    text(v, line, S(v, 16), QH_UI_BOLD,
         m->t.state == QH_TICKET_SERVING && hs > promised ? ERRC : MUTED, x, y2, w, QH_UI_LEFT);
    /* item */
    y2 += S(v, 24);
    if (m->sv.code[0])
        snprintf(line, sizeof line, "%s  %s", m->sv.name, m->sv.code);
    else
        snprintf(line, sizeof line, QH_TR(L, "按队列取号（%s），未选事项", "queue %s, no item chosen"),
                 m->t.queue);
    text(v, line, S(v, 19), QH_UI_BOLD, INK, x, y2, w, QH_UI_LEFT);
    y2 += S(v, 28);
    /* materials: two columns when long */
    int hp = pitch(v, S(v, 20), S(v, 15)), nh = m->nhops > 2 ? 3 : m->nhops + 1;
    int bottom = c.y + c.h - S(v, 4) - (m->nhops ? hp * nh : 0);
    if (m->nmat) {
        int lh = pitch(v, S(v, 20), S(v, 15)), rows = (bottom - y2 - lh) / lh;
        text(v, QH_TR(L, "材料清单（一次性告知）", "Materials (tell them all at once)"), S(v, 14),
             QH_UI_REGULAR, MUTED, x, y2, w, QH_UI_LEFT);
        y2 += lh;
        int cols = m->nmat > rows && rows > 0 ? 2 : 1, cw = w / cols;
        for (int i = 0; i < m->nmat && rows > 0; i++) {
            int col = i / rows, row = i % rows;
            if (col >= cols) {
                char more[64];
                snprintf(more, sizeof more, QH_TR(L, "…另有%d项", "…%d more"), m->nmat - i);
                text(v, more, S(v, 14), QH_UI_REGULAR, MUTED, x + cw * (cols - 1),
                     y2 + lh * rows, cw - S(v, 6), QH_UI_LEFT);
                break;
            }
            snprintf(line, sizeof line, "□ %s", m->mat[i]);
            text(v, line, S(v, 15), QH_UI_REGULAR, INK, x + col * cw, y2 + row * lh,
                 cw - S(v, 8), QH_UI_LEFT);
        }
    }
    /* transfer history */
    if (m->nhops) {
        int hy = c.y + c.h - S(v, 6) - hp * nh;
        text(v, QH_TR(L, "转移记录（一票到底）", "Transfers (same number all the way)"), S(v, 14),
             QH_UI_REGULAR, MUTED, x, hy, w, QH_UI_LEFT);
        int first = m->nhops > 2 ? m->nhops - 2 : 0;
        const struct qh_hall_conf *hall = m->s ? qh_hall_config(m->s) : NULL;
        for (int i = first; i < m->nhops; i++) {
            const struct qh_counter_hop *h = &m->hops[i];
            char hm[6];
            qh_clock_hhmm(hall ? hall->timezone : "Asia/Shanghai", h->at, hm);
            if (h->to_window)
                snprintf(line, sizeof line, QH_TR(L, "%s  %d号窗口 → %d号窗口  %s",
                                                  "%s  window %d → window %d  %s"),
                         hm, h->from_window, h->to_window, h->note);
            else
                snprintf(line, sizeof line, QH_TR(L, "%s  %d号窗口 → %s队列  %s",
                                                  "%s  window %d → queue %s  %s"),
                         hm, h->from_window, h->to_queue, h->note);
            hy += hp;
            text(v, line, S(v, 15), QH_UI_REGULAR, WARN, x, hy, w, QH_UI_LEFT);
        }
    }
}

static void queues_card(struct qh_counter_view *v, const struct qh_counter_model *m, SDL_Rect c)
{
    enum qh_lang L = m->lang;
    char line[200];
    int x = c.x + S(v, 8), y = c.y + S(v, 6), w = c.w - S(v, 16);
    qh_ui_fill(v->ui, c, CARD);
    frame(v, c, LINE);
    text(v, QH_TR(L, "本窗口队列", "This window's queues"), S(v, 15), QH_UI_REGULAR, MUTED, x, y,
         w, QH_UI_LEFT);
    y += S(v, 24);
    for (int i = 0; i < m->nqueues; i++) {
        const struct qh_counter_queue *q = &m->queues[i];
        int per = S(v, 50);
        if (y + per > c.y + c.h - S(v, 44))
            break;
        snprintf(line, sizeof line, "%s %s", q->code, q->name);
        int cw;
        char cnt[32];
        snprintf(cnt, sizeof cnt, QH_TR(L, "等候 %d", "%d waiting"), q->waiting);
        qh_ui_measure(v->ui, cnt, S(v, 18), QH_UI_BOLD, &cw, &(int){0});
        text(v, cnt, S(v, 18), QH_UI_BOLD, q->waiting ? INK : MUTED, x + w, y, w / 2,
             QH_UI_RIGHT);
        text(v, line, S(v, 17), QH_UI_BOLD, INK, x, y, w - cw - S(v, 8), QH_UI_LEFT);
        line[0] = '\0';
        for (int j = 0; j < q->nnext; j++)
            snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s", j ? " " : "",
                     q->next[j]);
        char nx[240];
        snprintf(nx, sizeof nx, "%s %s", QH_TR(L, "下一个：", "next:"),
                 q->nnext ? line : QH_TR(L, "无", "none"));
        text(v, nx, S(v, 15), QH_UI_REGULAR, MUTED, x, y + S(v, 23), w, QH_UI_LEFT);
        y += per;
    }
    snprintf(line, sizeof line, QH_TR(L, "挂起 %d · 过号 %d", "held %d · no-show %d"), m->nheld,
             m->nnoshow);
    text(v, line, S(v, 15), QH_UI_REGULAR, MUTED, x, c.y + c.h - S(v, 26), w, QH_UI_LEFT);
}

/* ---- dialogs ---- */

static const char *panel_title(const struct qh_counter_model *m, char *buf, size_t n)
{
    enum qh_lang L = m->lang;
    switch (m->panel) {
    case QH_CP_WAITLIST: return QH_TR(L, "指定叫号：选择等候中的号", "Call a waiting number");
    case QH_CP_NOSHOWS: return QH_TR(L, "过号回呼：选择要回呼的号", "Call back a no-show");
    case QH_CP_HELD: return QH_TR(L, "释放挂起：群众已回来", "Release a held ticket");
    case QH_CP_TRANSFER:
        snprintf(buf, n, QH_TR(L, "转移 %s：到窗口、队列或事项（号码不变）",
                               "Transfer %s to a window, queue or item (same number)"),
                 m->t.number);
        return buf;
    case QH_CP_SUPPLEMENT:
        snprintf(buf, n, QH_TR(L, "需补件 %s：勾选缺少的材料", "Missing documents for %s: tick them"),
                 m->t.number);
        return buf;
    case QH_CP_FAILED:
        snprintf(buf, n, QH_TR(L, "办不成 %s：选择原因（将转办不成事反映窗口）",
                               "Cannot be done %s: reason (goes to the complaints window)"),
                 m->t.number);
        return buf;
    case QH_CP_PAUSE: return QH_TR(L, "暂停服务：选择原因", "Pause: choose a reason");
    case QH_CP_APPEAL:
        return QH_TR(L, "申诉差评：选择您的差评并填写理由（由管理员决定）",
                     "Appeal a 差评: choose one of yours and give the reason (an admin decides)");
    default: return "";
    }
}

static void text_box(struct qh_counter_view *v, const struct qh_counter_model *m, SDL_Rect r,
                     const char *label, const char *value, int focus, int secret, int field)
{
    char shown[256];
    int lw = 0;
    if (label && *label) {
        SDL_Rect lr = text(v, label, S(v, 16), QH_UI_REGULAR, MUTED, r.x, r.y + (r.h - S(v, 16)) / 2 - S(v, 2),
                           r.w / 3, QH_UI_LEFT);
        lw = lr.w + S(v, 8);
    }
    SDL_Rect b = {r.x + lw, r.y, r.w - lw, r.h};
    qh_ui_fill(v->ui, b, CARD);
    frame(v, b, focus ? BTN : LINE);
    if (focus)
        frame(v, (SDL_Rect){b.x + 1, b.y + 1, b.w - 2, b.h - 2}, BTN);
    if (secret) {
        size_t n = strlen(value);
        shown[0] = '\0';
        for (size_t i = 0; i < n && i < 40; i++)
            strcat(shown, "*");
    } else {
        snprintf(shown, sizeof shown, "%s", value);
    }
    if (focus)
        strcat(shown, "|");
    text(v, shown, S(v, 18), QH_UI_REGULAR, INK, b.x + S(v, 8), b.y + (b.h - S(v, 18)) / 2 - S(v, 2),
         b.w - S(v, 16), QH_UI_LEFT);
    target(v, b, QH_CA_FIELD, field, 1);
    (void)m;
}

static void dialog(struct qh_counter_view *v, const struct qh_counter_model *m, SDL_Rect c)
{
    enum qh_lang L = m->lang;
    char title[300], line[240];
    int x = c.x + S(v, 10), y = c.y + S(v, 6), w = c.w - S(v, 20);
    qh_ui_fill(v->ui, c, CARD);
    frame(v, c, LINE);
    text(v, panel_title(m, title, sizeof title), S(v, 20), QH_UI_BOLD, INK, x, y, w, QH_UI_LEFT);
    y += S(v, 32);
    int has_text = qh_counter_text_max(m) > 0;
    int box_h = S(v, 34);
    if (m->panel == QH_CP_TRANSFER) {
        text_box(v, m, (SDL_Rect){x, y, w, box_h}, QH_TR(L, "查找事项", "Find item"), m->filter,
                 m->field == 0, 0, 0);
        y += box_h + S(v, 6);
    }
    int list_bottom = c.y + c.h - S(v, 6) - (has_text && m->panel != QH_CP_TRANSFER ? box_h + S(v, 6) : 0) -
                      (m->panel == QH_CP_TRANSFER ? box_h + S(v, 6) : 0);
    int rh = pitch(v, S(v, 28), S(v, 17)) + S(v, 2);
    int nrows = m->panel == QH_CP_SUPPLEMENT ? m->nmat : m->nrows;
    int fit = (list_bottom - y) / rh;
    int cols = nrows > fit && fit > 0 ? 2 : 1, cw = w / cols;
    int first = 0;
    if (cols == 2 && nrows > 2 * fit && m->sel >= 2 * fit)
        first = m->sel - 2 * fit + 1;
    for (int i = first; i < nrows && fit > 0; i++) {
        int k = i - first, col = k / fit, row = k % fit;
        if (col >= cols)
            break;
        SDL_Rect r = {x + col * cw, y + row * rh, cw - S(v, 6), rh - S(v, 2)};
        int selected = i == m->sel;
        if (m->panel == QH_CP_SUPPLEMENT) {
            int ticked = (m->ticks >> i) & 1;
            snprintf(line, sizeof line, "%s %d %s", ticked ? "☑" : "☐", i + 1, m->mat[i]);
            if (ticked)
                qh_ui_fill(v->ui, r, PAUSE_BG);
        } else {
            snprintf(line, sizeof line, "%d  %s", i + 1, m->rows[i].label);
            if (i >= 9)
                snprintf(line, sizeof line, "    %s", m->rows[i].label);
        }
        if (selected)
            qh_ui_fill(v->ui, r, SEL);
        text(v, line, S(v, 17), selected ? QH_UI_BOLD : QH_UI_REGULAR, INK, r.x + S(v, 6),
             r.y + (r.h - S(v, 17)) / 2 - S(v, 2), r.w - S(v, 12), QH_UI_LEFT);
        target(v, r, QH_CA_PICK, i, 1);
    }
    if (nrows == 0) {
        text(v, m->panel == QH_CP_SUPPLEMENT
                    ? QH_TR(L, "本事项没有材料清单：请在下方填写缺少的材料",
                            "No checklist for this item: type what is missing below")
                    : QH_TR(L, "（没有可选的项）", "(nothing to choose)"),
             S(v, 16), QH_UI_REGULAR, MUTED, x, y, w, QH_UI_LEFT);
    }
    if (has_text) {
        const char *lab = m->panel == QH_CP_TRANSFER ? QH_TR(L, "备注", "Note")
                          : m->panel == QH_CP_APPEAL ? QH_TR(L, "理由", "Reason")
                                                     : QH_TR(L, "说明", "Details");
        text_box(v, m, (SDL_Rect){x, c.y + c.h - S(v, 6) - box_h, w, box_h}, lab, m->text,
                 m->field == 1, 0, 1);
    }
}

static void dialog_buttons(struct qh_counter_view *v, const struct qh_counter_model *m, int y,
                           int h, int with_ok)
{
    enum qh_lang L = m->lang;
    int gap = S(v, 6), bw = S(v, 170), bh = h - 2 * gap;
    int rating = m->panel == QH_CP_RATING, print = rating && m->supp_number[0];
    const char *hint = rating
                           ? QH_TR(L, "群众在评价器上评价 · F1 可叫下一位",
                                   "the citizen rates on the pad · F1 calls the next")
                       : m->panel == QH_CP_SUPPLEMENT
                           ? QH_TR(L, "数字/空格 勾选 · ↑↓ 移动 · Tab 说明", "digits/Space tick · ↑↓ · Tab text")
                           : QH_TR(L, "数字 选择 · ↑↓ 移动 · Tab 输入框", "digits choose · ↑↓ · Tab text box");
    int nb = print ? 3 : 2;
    if (print)      /* three buttons: narrower, still with their keys */
        bw = S(v, 150);
    text(v, hint, S(v, 15), QH_UI_REGULAR, MUTED, gap + S(v, 4), y + (h - S(v, 15)) / 2 - S(v, 2),
         v->w - nb * bw - (nb + 2) * gap - S(v, 8), QH_UI_LEFT);
    button(v, (SDL_Rect){v->w - nb * (bw + gap), y + gap, bw, bh}, "Esc",
           rating ? QH_TR(L, "关闭", "Close") : qh_counter_act_label(QH_CA_CANCEL, L), 1,
           QH_CA_CANCEL, 0);
    if (rating)     /* the pad's rating screen again; never a score */
        button(v, (SDL_Rect){v->w - (nb - 1) * (bw + gap), y + gap, bw, bh}, "R",
               qh_counter_act_label(QH_CA_PROMPT, L), m->s != NULL, QH_CA_PROMPT, 0);
    if (with_ok)
        button(v, (SDL_Rect){v->w - bw - gap, y + gap, bw, bh}, "Enter",
               qh_counter_act_label(QH_CA_OK, L), m->s != NULL, QH_CA_OK, 0);
    else if (print)     /* 需补件 just now: the notice, while the citizen is here */
        button(v, (SDL_Rect){v->w - bw - gap, y + gap, bw, bh}, "F6",
               qh_counter_act_label(QH_CA_PRINT_SUPPLEMENT, L), m->s != NULL && !m->print_req[0],
               QH_CA_PRINT_SUPPLEMENT, 0);
}

/* ---- the rating: the pad's state, never the score ---- */

static void rating(struct qh_counter_view *v, const struct qh_counter_model *m, SDL_Rect c)
{
    enum qh_lang L = m->lang;
    char t[200];
    static const struct qh_ui_color state_col[3] = {{31, 58, 95, 255}, {21, 128, 61, 255},
                                                    {180, 83, 9, 255}};
    qh_ui_fill(v->ui, c, CARD);
    frame(v, c, LINE);
    int x = c.x + S(v, 16), w = c.w - S(v, 32), y = c.y + S(v, 14);
    text(v, QH_TR(L, "请群众在评价器上评价", "The citizen rates on the window's pad"), S(v, 26),
         QH_UI_BOLD, INK, c.x + c.w / 2, y, w, QH_UI_CENTER);
    y += S(v, 52);
    snprintf(t, sizeof t, QH_TR(L, "%s号", "Ticket %s"), m->rate_number);
    text(v, t, S(v, 40), QH_UI_BOLD, HEAD, c.x + c.w / 2, y, w, QH_UI_CENTER);
    y += S(v, 62);
    text(v, qh_counter_rate_state_label(m->rate_state, L), S(v, 28), QH_UI_BOLD,
         state_col[m->rate_state], c.x + c.w / 2, y, w, QH_UI_CENTER);
    y += S(v, 48);
    text(v, m->rate_state == QH_CR_RATED
                ? QH_TR(L, "评价结果不在窗口显示", "The score is not shown at the window")
                : QH_TR(L, "群众离开前未评价时，按 R 在评价器上重新显示",
                        "R shows the rating screen on the pad again"),
         S(v, 17), QH_UI_REGULAR, MUTED, x + w / 2, y, w, QH_UI_CENTER);
}

/* ---- login and lock ---- */

static void login(struct qh_counter_view *v, const struct qh_counter_model *m, SDL_Rect c)
{
    enum qh_lang L = m->lang;
    int bw = S(v, 420), x = c.x + (c.w - bw) / 2, y = c.y + S(v, 16), bh = S(v, 40);
    int locked = m->panel == QH_CP_LOCKED;
    char t[200];
    if (locked)
        snprintf(t, sizeof t, QH_TR(L, "已锁屏：%s 请输入密码解锁", "Locked: %s, enter your PIN"),
                 m->staff_name);
    else
        snprintf(t, sizeof t, QH_TR(L, "%d号窗口 工作人员登录", "Window %d staff login"), m->o.window);
    text(v, t, S(v, 24), QH_UI_BOLD, INK, c.x + c.w / 2, y, c.w - S(v, 20), QH_UI_CENTER);
    y += S(v, 50);
    if (!locked) {
        text_box(v, m, (SDL_Rect){x, y, bw, bh}, QH_TR(L, "工号", "Staff ID"), m->in_id,
                 m->field == 0, 0, 0);
        y += bh + S(v, 12);
    }
    text_box(v, m, (SDL_Rect){x, y, bw, bh}, QH_TR(L, "密码", "PIN"), m->in_pin,
             m->field == 1 || locked, 1, 1);
    y += bh + S(v, 16);
    button(v, (SDL_Rect){x, y, bw / 2 - S(v, 4), S(v, 52)}, "Enter",
           locked ? QH_TR(L, "解锁", "Unlock") : QH_TR(L, "登录", "Log in"), m->s != NULL,
           QH_CA_OK, 0);
    button(v, (SDL_Rect){x + bw / 2 + S(v, 4), y, bw / 2 - S(v, 4), S(v, 52)}, "Esc",
           locked ? QH_TR(L, "换人登录", "Other staff") : QH_TR(L, "清空", "Clear"), 1,
           QH_CA_CANCEL, 0);
    y += S(v, 62);
    text(v, locked ? QH_TR(L, "连续输错5次密码账号将被锁定", "5 wrong PINs in a row lock the account")
                   : QH_TR(L, "Tab 切换输入框 · 连续输错5次密码账号将被锁定",
                           "Tab switches fields · 5 wrong PINs lock the account"),
         S(v, 15), QH_UI_REGULAR, MUTED, c.x + c.w / 2, y, c.w - S(v, 20), QH_UI_CENTER);
}

/* ---- the frame ---- */

void qh_counter_view_draw(struct qh_counter_view *v, const struct qh_counter_model *m)
{
    int w, h;
    SDL_GetRendererOutputSize(v->r, &w, &h);
    v->w = w;
    v->h = h;
    v->k = (double)w / 800 < (double)h / 480 ? (double)w / 800 : (double)h / 480;
    v->nt = 0;
    qh_ui_frame_begin(v->ui, m->wall_ms);
    fill(v, 0, 0, w, h, BG);
    int top = header(v, m);
    int btn_h = m->panel == QH_CP_MAIN ? S(v, 120) : S(v, 58);
    int st_h = S(v, 30);
    int body_bottom = h - btn_h - st_h;
    SDL_Rect body = {S(v, 6), top + S(v, 6), w - S(v, 12), body_bottom - top - S(v, 10)};
    switch (m->panel) {
    case QH_CP_LOGIN:
    case QH_CP_LOCKED:
        body.h = h - st_h - body.y - S(v, 6);
        login(v, m, body);
        status_line(v, m, h - st_h, st_h);
        break;
    case QH_CP_MAIN: {
        int qw = body.w * 36 / 100;
        ticket_card(v, m, (SDL_Rect){body.x, body.y, body.w - qw - S(v, 6), body.h});
        queues_card(v, m, (SDL_Rect){body.x + body.w - qw, body.y, qw, body.h});
        status_line(v, m, body_bottom, st_h);
        main_buttons(v, m, body_bottom + st_h, btn_h);
        break;
    }
    case QH_CP_RATING:
        rating(v, m, body);
        status_line(v, m, body_bottom, st_h);
        /* no OK and no faces: the citizen answers on the pad */
        dialog_buttons(v, m, body_bottom + st_h, btn_h, 0);
        break;
    default:
        dialog(v, m, body);
        status_line(v, m, body_bottom, st_h);
        dialog_buttons(v, m, body_bottom + st_h, btn_h, 1);
        break;
    }
}

int qh_counter_view_hit(const struct qh_counter_view *v, int x, int y, enum qh_counter_act *a,
                        int *arg)
{
    SDL_Point p = {x, y};
    for (int i = v->nt - 1; i >= 0; i--)
        if (SDL_PointInRect(&p, &v->t[i].r)) {
            *a = v->t[i].a;
            *arg = v->t[i].arg;
            return 1;
        }
    return 0;
}

int qh_counter_view_targets(const struct qh_counter_view *v, const struct qh_counter_target **t)
{
    *t = v->t;
    return v->nt;
}
