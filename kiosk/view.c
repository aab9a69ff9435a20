/* view.c: the kiosk's screens, drawn for a citizen of 75.
 *
 * Large type (40 px and up at 1080 across the short side), few words,
 * one decision a screen, buttons you can hit with a shaking finger, dark
 * text on a warm light ground and white on dark buttons (every pair
 * measured at 4.5:1 or better in test_kiosk_view).  Portrait is the usual
 * kiosk; landscape puts long lists and key pads side by side.  Each
 * button drawn is recorded with its model button, so hit-testing can
 * never disagree with what is on the glass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/clock.h"
#include "qh/ticket.h"

#include "view.h"

#define MAX_TARGETS 128

struct qh_kiosk_view {
    struct qh_ui *ui;
    SDL_Renderer *r;
    struct qh_kiosk_target t[MAX_TARGETS];
    int nt;
    /* the frame being drawn */
    int w, h, wide;
    double s;
    enum qh_lang lang;
};

typedef struct qh_ui_color col;
static const col C_BG = {250, 248, 242, 255};
static const col C_INK = {20, 20, 20, 255};
static const col C_MUTED = {64, 64, 64, 255};
static const col C_WHITE = {255, 255, 255, 255};
static const col C_HEAD = {11, 61, 120, 255};
static const col C_PRIMARY = {11, 79, 138, 255};
static const col C_GREEN = {22, 101, 52, 255};
static const col C_SECOND = {226, 230, 236, 255};
static const col C_ALERT = {160, 24, 24, 255};
static const col C_WARN = {255, 224, 138, 255};
static const col C_FIELD = {255, 255, 255, 255};
static const col C_LINE = {120, 120, 120, 255};

#define T(zh, en) QH_TR(v->lang, zh, en)

int qh_kiosk_view_new(struct qh_kiosk_view **out, SDL_Renderer *r,
                      char *err, size_t errlen)
{
    struct qh_kiosk_view *v = calloc(1, sizeof *v);
    *out = NULL;
    if (!v)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    v->r = r;
    int rc = qh_ui_new(&v->ui, r, err, errlen);
    if (rc < 0) {
        free(v);
        return rc;
    }
    *out = v;
    return 0;
}

void qh_kiosk_view_free(struct qh_kiosk_view *v)
{
    if (!v)
        return;
    qh_ui_free(v->ui);
    free(v);
}

struct qh_ui *qh_kiosk_view_ui(struct qh_kiosk_view *v)
{
    return v->ui;
}

int qh_kiosk_view_hit(const struct qh_kiosk_view *v, int x, int y,
                      enum qh_kiosk_btn *b, int *arg)
{
    SDL_Point p = {x, y};
    for (int i = v->nt - 1; i >= 0; i--)     /* topmost first */
        if (SDL_PointInRect(&p, &v->t[i].r)) {
            *b = v->t[i].b;
            *arg = v->t[i].arg;
            return 1;
        }
    return 0;
}

int qh_kiosk_view_targets(const struct qh_kiosk_view *v,
                          const struct qh_kiosk_target **t)
{
    *t = v->t;
    return v->nt;
}

/* ---- geometry shared by drawing and paging ---- */

struct geo {
    double s;
    int w, h, wide, margin, head, foot, top, bottom;
};

static struct geo geometry(int w, int h)
{
    struct geo g;
    g.w = w;
    g.h = h;
    g.wide = w > h;
    g.s = (w < h ? w : h) / 1080.0;
    g.margin = (int)(48 * g.s);
    g.head = (int)(130 * g.s);
    g.foot = (int)(150 * g.s);
    g.top = g.head + (int)(30 * g.s);
    g.bottom = h - g.foot - (int)(10 * g.s);
    return g;
}

static int P(const struct geo *g, int px)
{
    return (int)(px * g->s + 0.5);
}

#define ROW_H 116
#define ROW_GAP 16
#define KEY_COLS 7
#define KEY_H 110
#define KEY_GAP 14

/* The list area of the items and search screens. */
static SDL_Rect list_area(const struct geo *g, enum qh_kiosk_screen screen)
{
    SDL_Rect a = {g->margin, g->top, g->w - 2 * g->margin, 0};
    int bottom = g->bottom - P(g, 110) - P(g, 20);         /* pager */
    if (screen == QH_KS_ITEMS) {
        a.y += P(g, 150);                                   /* title, count */
        bottom -= P(g, 110) + P(g, 20);                     /* "just a number" */
    } else {
        a.y += P(g, 150) + P(g, 130);                       /* title, hint, query */
        if (g->wide)
            a.w = (g->w - 2 * g->margin) / 2 - P(g, 20);
        else
            bottom -= 5 * (P(g, KEY_H) + P(g, KEY_GAP));    /* keyboard */
    }
    a.h = bottom - a.y;
    return a;
}

static SDL_Rect keyboard_area(const struct geo *g)
{
    if (g->wide) {
        int x = g->w / 2 + P(g, 20);
        return (SDL_Rect){x, g->top + P(g, 130), g->w - g->margin - x,
                          5 * (P(g, KEY_H) + P(g, KEY_GAP))};
    }
    int hgt = 5 * (P(g, KEY_H) + P(g, KEY_GAP));
    SDL_Rect l = list_area(g, QH_KS_SEARCH);
    return (SDL_Rect){g->margin, l.y + l.h + P(g, 110) + P(g, 30), g->w - 2 * g->margin, hgt};
}

void qh_kiosk_view_page_sizes(int w, int h, enum qh_kiosk_screen screen,
                              int *rows, int *keys)
{
    struct geo g = geometry(w, h);
    SDL_Rect a = list_area(&g, screen == QH_KS_SEARCH ? QH_KS_SEARCH : QH_KS_ITEMS);
    *rows = a.h / (P(&g, ROW_H) + P(&g, ROW_GAP));
    if (*rows < 1)
        *rows = 1;
    *keys = KEY_COLS * 4;
}

/* ---- drawing helpers ---- */

static void target(struct qh_kiosk_view *v, SDL_Rect r, enum qh_kiosk_btn b, int arg)
{
    if (v->nt < MAX_TARGETS)
        v->t[v->nt++] = (struct qh_kiosk_target){r, b, arg};
}

static void fill(struct qh_kiosk_view *v, SDL_Rect r, col c)
{
    qh_ui_fill(v->ui, r, c);
}

static void frame(struct qh_kiosk_view *v, SDL_Rect r, int t, col c)
{
    fill(v, (SDL_Rect){r.x, r.y, r.w, t}, c);
    fill(v, (SDL_Rect){r.x, r.y + r.h - t, r.w, t}, c);
    fill(v, (SDL_Rect){r.x, r.y, t, r.h}, c);
    fill(v, (SDL_Rect){r.x + r.w - t, r.y, t, r.h}, c);
}

static size_t cp_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Text wrapped into maxw, at most maxlines lines (the last one cut with
 * "…" if needed).  Returns the height used. */
static int para(struct qh_kiosk_view *v, const char *text, int px, int weight, col fg,
                int x, int y, int maxw, enum qh_ui_align align, int maxlines)
{
    char line[512];
    const char *s = text;
    int y0 = y, lines = 0;
    while (*s && lines < maxlines) {
        size_t n = 0, fit = 0;
        while (s[n]) {
            size_t k = cp_len((unsigned char)s[n]);
            int w, h;
            if (n + k + 4 >= sizeof line)
                break;
            memcpy(line, s, n + k);
            line[n + k] = '\0';
            if (qh_ui_measure(v->ui, line, px, weight, &w, &h) < 0 || w > maxw)
                break;
            n += k;
            fit = n;
        }
        if (!fit)
            fit = cp_len((unsigned char)s[0]);
        /* Break at a space (as in "社保 · 医保") rather than inside a word. */
        if (s[fit] && s[fit] != ' ' && lines < maxlines - 1) {
            size_t sp = fit;
            while (sp > fit / 2 && s[sp - 1] != ' ')
                sp--;
            if (sp > fit / 2)
                fit = sp;
        }
        memcpy(line, s, fit);
        line[fit] = '\0';
        if (lines == maxlines - 1 && s[fit]) {
            /* The last line we may draw, and more to say: end it with …. */
            size_t cut = fit;
            int w, h;
            do {
                while (cut > 0 && ((unsigned char)line[cut - 1] & 0xC0) == 0x80)
                    cut--;
                if (cut > 0)
                    cut--;
                memcpy(line + cut, "…", 4);
            } while (cut > 0 && qh_ui_measure(v->ui, line, px, weight, &w, &h) == 0 &&
                     w > maxw);
        }
        int ax = align == QH_UI_CENTER ? x + maxw / 2 : align == QH_UI_RIGHT ? x + maxw : x;
        SDL_Rect b = qh_ui_text(v->ui, line, px, weight, fg, ax, y, align);
        y += b.h ? b.h : px * 4 / 3;
        s += fit;
        lines++;
    }
    return y - y0;
}

/* A button: filled box, label centred (fitted to its width), and an
 * optional second line. */
static void button(struct qh_kiosk_view *v, const struct geo *g, SDL_Rect r, col bg,
                   col fg, const char *label, int px, const char *sub, int subpx,
                   enum qh_kiosk_btn b, int arg)
{
    fill(v, r, bg);
    if (bg.r == C_SECOND.r && bg.g == C_SECOND.g)
        frame(v, r, P(g, 2) > 1 ? P(g, 2) : 1, C_LINE);
    int lw, lh, sw, sh = 0;
    int lpx = qh_ui_fit(v->ui, label, px, P(g, 34), QH_UI_BOLD, r.w - P(g, 24));
    qh_ui_measure(v->ui, label, lpx, QH_UI_BOLD, &lw, &lh);
    int spx = 0, two = 0;
    if (sub && *sub) {
        spx = qh_ui_fit(v->ui, sub, subpx, P(g, 32), QH_UI_REGULAR, r.w - P(g, 24));
        qh_ui_measure(v->ui, sub, spx, QH_UI_REGULAR, &sw, &sh);
        if (sw > r.w - P(g, 24)) {          /* too long even small: two lines */
            two = 1;
            sh *= 2;
        }
    }
    int y = r.y + (r.h - lh - sh) / 2;
    qh_ui_text(v->ui, label, lpx, QH_UI_BOLD, fg, r.x + r.w / 2, y, QH_UI_CENTER);
    if (spx)
        para(v, sub, spx, QH_UI_REGULAR, fg, r.x + P(g, 12), y + lh, r.w - P(g, 24),
             QH_UI_CENTER, two ? 2 : 1);
    target(v, r, b, arg);
}

static const char *queue_name(const struct qh_kiosk_view *v, const struct qh_queue_conf *q)
{
    return v->lang == QH_LANG_EN && q->name_en[0] ? q->name_en : q->name;
}

static const char *class_hint(const struct qh_kiosk_view *v, char klass)
{
    switch (klass) {
    case 'A':
        return T("许可 · 审批 · 备案 · 证照", "permits, approvals, licences");
    case 'B':
        return T("社保 · 医保 · 民政 · 户籍 · 退役军人", "social security, health insurance, civil affairs");
    default:
        return T("咨询导办 · 帮办代办 · 统一出件 · 办不成事反映",
                 "guidance, form help, collect results, report a problem");
    }
}

/* ---- frame parts ---- */

static void countdown(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m);

static void header(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    const struct qh_hall_conf *h = qh_kiosk_model_hall(m);
    char hhmm[6];
    if (m->countdown) {
        countdown(v, g, m);
        return;
    }
    fill(v, (SDL_Rect){0, 0, g->w, g->head}, C_HEAD);
    /* A kiosk that never reached its database knows no hall yet. */
    const char *name = v->lang == QH_LANG_EN && h->name_en[0] ? h->name_en
                       : h->name[0]                         ? h->name
                                                            : T("政务服务大厅", "Service hall");
    int px = qh_ui_fit(v->ui, name, P(g, 46), P(g, 34), QH_UI_BOLD, g->w - 2 * g->margin - P(g, 160));
    qh_ui_text(v->ui, name, px, QH_UI_BOLD, C_WHITE, g->margin, (g->head - px * 4 / 3) / 2,
               QH_UI_LEFT);
    qh_clock_hhmm(h->timezone[0] ? h->timezone : "Asia/Shanghai", m->wall_ms, hhmm);
    qh_ui_text(v->ui, hhmm, P(g, 46), QH_UI_BOLD, C_WHITE, g->w - g->margin,
               (g->head - P(g, 46) * 4 / 3) / 2, QH_UI_RIGHT);
    if (m->screen == QH_KS_HOME)        /* hidden: five taps open the PIN pad */
        target(v, (SDL_Rect){0, 0, P(g, 160), g->head}, QH_BTN_CORNER, 0);
}

static void footer_nav(struct qh_kiosk_view *v, const struct geo *g)
{
    int bh = P(g, 110), bw = P(g, 330), y = g->h - g->foot + (g->foot - bh) / 2;
    button(v, g, (SDL_Rect){g->margin, y, bw, bh}, C_SECOND, C_INK, T("‹ 返回", "‹ Back"),
           P(g, 48), NULL, 0, QH_BTN_BACK, 0);
    button(v, g, (SDL_Rect){g->w - g->margin - bw, y, bw, bh}, C_SECOND, C_INK,
           T("回到首页", "Start again"), P(g, 48), NULL, 0, QH_BTN_HOME, 0);
}

static void countdown(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    char buf[160];
    /* In place of the header: seen at once, and it covers nothing the
     * citizen may still be reading. */
    SDL_Rect r = {0, 0, g->w, g->head};
    fill(v, r, C_WARN);
    snprintf(buf, sizeof buf, T("%d 秒后回到首页 · 轻触屏幕即可继续", "Back to start in %d s · touch to continue"),
             m->countdown);
    int px = qh_ui_fit(v->ui, buf, P(g, 44), P(g, 34), QH_UI_BOLD, g->w - 2 * g->margin);
    qh_ui_text(v->ui, buf, px, QH_UI_BOLD, C_INK, g->w / 2, r.y + (r.h - px * 4 / 3) / 2,
               QH_UI_CENTER);
}

static int title(struct qh_kiosk_view *v, const struct geo *g, const char *text, int y)
{
    return para(v, text, P(g, 56), QH_UI_BOLD, C_INK, g->margin, y, g->w - 2 * g->margin,
                QH_UI_LEFT, 2);
}

/* ---- screens ---- */

static void draw_home(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    const struct qh_hall_conf *h = qh_kiosk_model_hall(m);
    int y = g->top, cw = g->w - 2 * g->margin, gap = P(g, 28);
    char buf[256];
    if (m->green[0]) {
        SDL_Rect band = {g->margin, y, cw, P(g, 120)};
        fill(v, band, C_GREEN);
        snprintf(buf, sizeof buf, T("绿色通道（%s）· 请选择业务", "Priority (%s) · choose a service"),
                 qh_green_label(m->green, v->lang));
        int bw = P(g, 220);
        int px = qh_ui_fit(v->ui, buf, P(g, 46), P(g, 34), QH_UI_BOLD, cw - bw - P(g, 60));
        qh_ui_text(v->ui, buf, px, QH_UI_BOLD, C_WHITE, band.x + P(g, 24),
                   band.y + (band.h - px * 4 / 3) / 2, QH_UI_LEFT);
        button(v, g, (SDL_Rect){band.x + band.w - bw - P(g, 14), band.y + P(g, 12), bw,
                                band.h - P(g, 24)},
               C_SECOND, C_INK, T("取消", "Cancel"), P(g, 44), NULL, 0, QH_BTN_GREEN_CANCEL, 0);
        y += band.h + gap;
    } else {
        y += title(v, g, T("您好！请选择要办理的业务", "Welcome. What do you need today?"), y) + gap;
    }
    int n = h->nqueues;
    if (g->wide) {
        int bw = (cw - (n - 1) * gap) / (n ? n : 1), bh = P(g, 300);
        for (int i = 0; i < n; i++)
            button(v, g, (SDL_Rect){g->margin + i * (bw + gap), y, bw, bh}, C_PRIMARY, C_WHITE,
                   queue_name(v, &h->queues[i]), P(g, 72), class_hint(v, h->queues[i].klass),
                   P(g, 36), QH_BTN_QUEUE, i);
        y += bh + gap;
    } else {
        for (int i = 0; i < n; i++) {
            int bh = P(g, 260);
            button(v, g, (SDL_Rect){g->margin, y, cw, bh}, C_PRIMARY, C_WHITE,
                   queue_name(v, &h->queues[i]), P(g, 76), class_hint(v, h->queues[i].klass),
                   P(g, 38), QH_BTN_QUEUE, i);
            y += bh + gap;
        }
    }
    int bw = (cw - 2 * gap) / 3, bh = P(g, g->wide ? 200 : 240);
    button(v, g, (SDL_Rect){g->margin, y, bw, bh}, C_GREEN, C_WHITE, T("绿色通道", "Priority"),
           P(g, 56), T("优先办理", "served first"), P(g, 32),
           QH_BTN_GREEN, 0);
    button(v, g, (SDL_Rect){g->margin + bw + gap, y, bw, bh}, C_PRIMARY, C_WHITE,
           T("预约签到", "Appointment"), P(g, 56), T("输入或扫描预约码", "enter or scan code"),
           P(g, 32), QH_BTN_APPT, 0);
    button(v, g, (SDL_Rect){g->margin + 2 * (bw + gap), y, bw, bh}, C_PRIMARY, C_WHITE,
           T("查找事项", "Find a service"), P(g, 56), T("拼音首字母或汉字", "by pinyin or name"),
           P(g, 32), QH_BTN_SEARCH, 0);
    y += bh + gap + P(g, 10);
    char hours[192];
    qh_kiosk_model_hours(m, hours, sizeof hours);
    snprintf(buf, sizeof buf, T("办理时间：%s", "Opening hours: %s"), hours);
    y += para(v, buf, P(g, 40), QH_UI_BOLD, C_INK, g->margin, y, cw, QH_UI_LEFT, 2);
    const char *notice = v->lang == QH_LANG_EN ? h->notice_en : h->notice;
    int room = (g->h - g->foot - y) / (P(g, 40) * 4 / 3);
    if (*notice && room > 0)
        para(v, notice, P(g, 40), QH_UI_REGULAR, C_MUTED, g->margin, y + P(g, 8), cw,
             QH_UI_LEFT, room < 3 ? room : 3);
    int lb = P(g, 110);
    button(v, g, (SDL_Rect){g->w - g->margin - P(g, 300), g->h - g->foot + (g->foot - lb) / 2,
                            P(g, 300), lb},
           C_SECOND, C_INK, v->lang == QH_LANG_EN ? "中文" : "English", P(g, 46), NULL, 0,
           QH_BTN_LANG, 0);
}

static void draw_green(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    static const char *const zh[5] = {"60 岁以上老人", "孕妇", "残疾人", "军人军属", "其他需要照顾的情况"};
    static const char *const en[5] = {"Aged 60 or over", "Pregnant", "Disabled",
                                      "Military family", "Other special need"};
    int y = g->top, cw = g->w - 2 * g->margin, gap = P(g, 24);
    (void)m;
    y += title(v, g, T("绿色通道：优先办理", "Priority service"), y);
    y += para(v, T("请选择适用的情况，工作人员可能会核实。", "Choose what applies; staff may check."),
              P(g, 42), QH_UI_REGULAR, C_MUTED, g->margin, y, cw, QH_UI_LEFT, 2) + gap;
    int cols = g->wide ? 2 : 1;
    int bw = (cw - (cols - 1) * gap) / cols, bh = P(g, g->wide ? 150 : 180);
    for (int i = 0; i < 5; i++)
        button(v, g, (SDL_Rect){g->margin + (i % cols) * (bw + gap), y + (i / cols) * (bh + gap),
                                bw, bh},
               C_GREEN, C_WHITE, v->lang == QH_LANG_EN ? en[i] : zh[i], P(g, 60), NULL, 0,
               QH_BTN_GREEN_REASON, i);
    footer_nav(v, g);
}

static void pager(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m,
                  SDL_Rect area)
{
    char buf[64];
    int bh = P(g, 110), bw = P(g, 250), y = area.y + area.h + P(g, 16);
    int pages = qh_kiosk_model_pages(m);
    if (pages <= 1)
        return;
    snprintf(buf, sizeof buf, T("第 %d / %d 页", "page %d of %d"), m->page + 1, pages);
    qh_ui_text(v->ui, buf, P(g, 42), QH_UI_BOLD, C_INK, area.x + area.w / 2,
               y + (bh - P(g, 42) * 4 / 3) / 2, QH_UI_CENTER);
    if (m->page > 0)
        button(v, g, (SDL_Rect){area.x, y, bw, bh}, C_SECOND, C_INK, T("上一页", "Previous"),
               P(g, 46), NULL, 0, QH_BTN_PREV, 0);
    if (m->page + 1 < pages)
        button(v, g, (SDL_Rect){area.x + area.w - bw, y, bw, bh}, C_SECOND, C_INK,
               T("下一页", "Next"), P(g, 46), NULL, 0, QH_BTN_NEXT, 0);
}

static void rows(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m,
                 SDL_Rect area)
{
    const int *items;
    int n = qh_kiosk_model_page_items(m, &items), rh = P(g, ROW_H);
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {area.x, area.y + i * (rh + P(g, ROW_GAP)), area.w, rh};
        const struct qh_service *sv = &m->items[items[i]];
        fill(v, r, C_SECOND);
        frame(v, r, P(g, 2) > 1 ? P(g, 2) : 1, C_LINE);
        int px = qh_ui_fit(v->ui, sv->name, P(g, 46), P(g, 34), QH_UI_REGULAR, r.w - P(g, 100));
        para(v, sv->name, px, QH_UI_REGULAR, C_INK, r.x + P(g, 24),
             r.y + (rh - px * 4 / 3) / 2, r.w - P(g, 100), QH_UI_LEFT, 1);
        qh_ui_text(v->ui, "›", P(g, 56), QH_UI_BOLD, C_INK, r.x + r.w - P(g, 24),
                   r.y + (rh - P(g, 56) * 4 / 3) / 2, QH_UI_RIGHT);
        target(v, r, QH_BTN_ITEM, i);
    }
}

static void draw_items(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    const struct qh_hall_conf *h = qh_kiosk_model_hall(m);
    char buf[256];
    int y = g->top, cw = g->w - 2 * g->margin;
    const struct qh_queue_conf *q = m->queue < h->nqueues ? &h->queues[m->queue] : NULL;
    snprintf(buf, sizeof buf, T("%s · 请选择事项", "%s · choose a service"), q ? queue_name(v, q) : "");
    int tpx = qh_ui_fit(v->ui, buf, P(g, 56), P(g, 40), QH_UI_BOLD, cw);
    para(v, buf, tpx, QH_UI_BOLD, C_INK, g->margin, y, cw, QH_UI_LEFT, 1);
    snprintf(buf, sizeof buf, T("共 %d 项，点一下即可查看所需材料", "%d services; touch one to see what to bring"),
             m->nlist);
    qh_ui_text(v->ui, buf, P(g, 40), QH_UI_REGULAR, C_MUTED, g->margin, y + P(g, 84), QH_UI_LEFT);
    SDL_Rect area = list_area(g, QH_KS_ITEMS);
    rows(v, g, m, area);
    pager(v, g, m, area);
    int by = area.y + area.h + P(g, 16) + P(g, 110) + P(g, 20);
    button(v, g, (SDL_Rect){g->margin, by, cw, P(g, 110)}, C_SECOND, C_INK,
           T("不清楚是哪一项？直接取号，到窗口说明", "Not sure which? Take a number and ask at the window"),
           P(g, 44), NULL, 0, QH_BTN_QUEUE_ONLY, 0);
    footer_nav(v, g);
}

static void draw_search(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    char buf[160];
    int y = g->top;
    SDL_Rect area = list_area(g, QH_KS_SEARCH);
    title(v, g, T("查找事项", "Find a service"), y);
    para(v, m->chars_mode ? T("点选汉字，如「社」「保」「卡」", "Touch characters, e.g. 社 保 卡")
                          : T("输入拼音首字母，如 sbk 即「社保卡」", "Type pinyin initials, e.g. sbk for 社保卡"),
         P(g, 40), QH_UI_REGULAR, C_MUTED, g->margin, y + P(g, 84), g->w - 2 * g->margin,
         QH_UI_LEFT, 1);
    SDL_Rect box = {area.x, area.y - P(g, 120), area.w, P(g, 104)};
    fill(v, box, C_FIELD);
    frame(v, box, P(g, 3), C_INK);
    if (m->query[0])
        qh_ui_text(v->ui, m->query, P(g, 60), QH_UI_BOLD, C_INK, box.x + P(g, 24),
                   box.y + (box.h - P(g, 60) * 4 / 3) / 2, QH_UI_LEFT);
    else
        qh_ui_text(v->ui, T("（请用下方键盘输入）", "(use the keys below)"), P(g, 40), QH_UI_REGULAR,
                   C_MUTED, box.x + P(g, 24), box.y + (box.h - P(g, 40) * 4 / 3) / 2, QH_UI_LEFT);
    if (m->query[0] && !m->nlist)
        para(v, T("没有找到。可以少输几个字母，或回首页直接选择业务类别。",
                  "Nothing found. Try fewer letters, or choose a category on the start screen."),
             P(g, 42), QH_UI_REGULAR, C_INK, area.x, area.y, area.w, QH_UI_LEFT, 3);
    rows(v, g, m, area);
    pager(v, g, m, area);

    SDL_Rect kb = keyboard_area(g);
    int kg = P(g, KEY_GAP), kh = P(g, KEY_H);
    int kw = (kb.w - (KEY_COLS - 1) * kg) / KEY_COLS;
    for (int i = 0; i < m->nkeys; i++)
        button(v, g, (SDL_Rect){kb.x + (i % KEY_COLS) * (kw + kg), kb.y + (i / KEY_COLS) * (kh + kg),
                                kw, kh},
               C_SECOND, C_INK, m->keys[i], P(g, 56), NULL, 0, QH_BTN_KEY, i);
    int fy = kb.y + 4 * (kh + kg), fw = (kb.w - 3 * kg) / 4;
    int fx = kb.x;
    if (m->chars_mode) {
        if (m->key_page > 0)
            button(v, g, (SDL_Rect){fx, fy, fw, kh}, C_SECOND, C_INK, T("上一组", "More ‹"), P(g, 42),
                   NULL, 0, QH_BTN_KEY_PREV, 0);
        fx += fw + kg;
        if (m->key_page + 1 < m->nkey_pages)
            button(v, g, (SDL_Rect){fx, fy, fw, kh}, C_SECOND, C_INK, T("下一组", "More ›"), P(g, 42),
                   NULL, 0, QH_BTN_KEY_NEXT, 0);
        fx += fw + kg;
    } else {
        button(v, g, (SDL_Rect){fx, fy, 2 * fw + kg, kh}, C_SECOND, C_INK, T("清空", "Clear"),
               P(g, 42), NULL, 0, QH_BTN_KEY_CLEAR, 0);
        fx += 2 * (fw + kg);
    }
    button(v, g, (SDL_Rect){fx, fy, fw, kh}, C_SECOND, C_INK, T("删除", "Delete"), P(g, 42), NULL, 0,
           QH_BTN_KEY_DEL, 0);
    fx += fw + kg;
    snprintf(buf, sizeof buf, "%s", m->chars_mode ? T("拼音键盘", "Letters") : T("汉字键盘", "汉字"));
    button(v, g, (SDL_Rect){fx, fy, fw, kh}, C_PRIMARY, C_WHITE, buf, P(g, 42), NULL, 0,
           QH_BTN_KEY_MODE, 0);
    footer_nav(v, g);
}

/* The windows that call queue, "1、2、5" or "1, 2, 5" (sep). */
static void windows_of(const struct qh_hall_conf *h, const char *queue, const char *sep,
                       char *out, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; i < h->nwindows; i++)
        for (int j = 0; j < h->windows[i].nqueues; j++)
            if (!strcmp(h->windows[i].queues[j], queue) && k < n) {
                k += (size_t)snprintf(out + k, n - k, "%s%d", k ? sep : "", h->windows[i].number);
                break;
            }
}

static void draw_confirm(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    const struct qh_hall_conf *h = qh_kiosk_model_hall(m);
    const struct qh_queue_conf *q = qh_conf_queue(h, m->cqueue);
    const struct qh_service *sv = m->item >= 0 ? &m->items[m->item] : NULL;
    char buf[512], wins[64];
    int x = g->margin, y = g->top;
    int cw = g->wide ? (g->w - 2 * g->margin) * 3 / 5 : g->w - 2 * g->margin;
    int bh = P(g, 190);
    if (sv)
        snprintf(buf, sizeof buf, "%s", sv->name);
    else
        snprintf(buf, sizeof buf, "%s", q ? queue_name(v, q) : m->cqueue);
    y += para(v, buf, P(g, 58), QH_UI_BOLD, C_INK, x, y, cw, QH_UI_LEFT, 3) + P(g, 12);
    windows_of(h, m->cqueue, T("、", ", "), wins, sizeof wins);
    snprintf(buf, sizeof buf, T("办理窗口：%s 号窗口（%s）", "At window %s (%s)"), wins,
             q ? queue_name(v, q) : "");
    y += para(v, buf, P(g, 42), QH_UI_REGULAR, C_INK, x, y, cw, QH_UI_LEFT, 2);
    char wait[128];
    qh_ticket_wait_text(h, &m->est, v->lang, wait, sizeof wait);
    snprintf(buf, sizeof buf, T("现在前面有 %d 人，%s", "%d ahead of you. %s"), m->est.ahead, wait);
    y += para(v, buf, P(g, 46), QH_UI_BOLD, C_INK, x, y, cw, QH_UI_LEFT, 2);
    if (m->green[0]) {
        snprintf(buf, sizeof buf, T("绿色通道（%s）：优先办理", "Priority (%s)"),
                 qh_green_label(m->green, v->lang));
        y += para(v, buf, P(g, 44), QH_UI_BOLD, C_GREEN, x, y, cw, QH_UI_LEFT, 1);
    }
    if (sv && sv->promised_days > 0) {
        snprintf(buf, sizeof buf, T("承诺办结时限：%d 个工作日", "Promised within %d working days"),
                 sv->promised_days);
        y += para(v, buf, P(g, 40), QH_UI_REGULAR, C_MUTED, x, y, cw, QH_UI_LEFT, 1);
    }
    y += P(g, 16);
    fill(v, (SDL_Rect){x, y, cw, P(g, 3)}, C_LINE);
    y += P(g, 20);
    int limit = g->wide ? g->bottom : g->bottom - bh - P(g, 30);
    if (sv && sv->materials[0]) {
        y += para(v, T("请准备以下材料（一次性告知）：", "Please bring (complete list):"), P(g, 46),
                  QH_UI_BOLD, C_INK, x, y, cw, QH_UI_LEFT, 1) + P(g, 6);
        char mats[sizeof sv->materials];
        snprintf(mats, sizeof mats, "%s", sv->materials);
        int i = 0;
        for (char *save = NULL, *p = strtok_r(mats, ";", &save); p && y + P(g, 60) < limit;
             p = strtok_r(NULL, ";", &save)) {
            snprintf(buf, sizeof buf, "%d. %s", ++i, p);
            y += para(v, buf, P(g, 44), QH_UI_REGULAR, C_INK, x + P(g, 10), y, cw - P(g, 10),
                      QH_UI_LEFT, 2) + P(g, 6);
        }
        if (y + P(g, 66) < limit)
            para(v, T("号票上也印有这份清单。", "The list is printed on your slip too."), P(g, 38),
                 QH_UI_REGULAR, C_MUTED, x, y + P(g, 6), cw, QH_UI_LEFT, 1);
    } else {
        para(v, sv ? T("本事项无需准备材料。", "No documents needed.")
                   : T("请带好身份证件，到窗口向工作人员说明您要办的事。",
                       "Bring your ID and tell the staff at the window what you need."),
             P(g, 44), QH_UI_REGULAR, C_INK, x, y, cw, QH_UI_LEFT, 3);
    }
    SDL_Rect r;
    if (g->wide) {
        int rx = g->margin + cw + P(g, 40);
        r = (SDL_Rect){rx, g->top + P(g, 120), g->w - g->margin - rx, P(g, 320)};
    } else {
        r = (SDL_Rect){g->margin, g->bottom - bh, g->w - 2 * g->margin, bh};
    }
    if (m->refusal[0]) {
        r.h = g->wide ? P(g, 520) : P(g, 300);
        if (!g->wide)
            r.y = g->bottom - r.h;
        fill(v, r, C_ALERT);
        para(v, m->refusal, P(g, 44), QH_UI_BOLD, C_WHITE, r.x + P(g, 24), r.y + P(g, 24),
             r.w - P(g, 48), QH_UI_LEFT, g->wide ? 7 : 4);
    } else {
        button(v, g, r, C_PRIMARY, C_WHITE, T("确认取号", "Take a number"), P(g, 80), NULL, 0,
               QH_BTN_TAKE, 0);
    }
    footer_nav(v, g);
}

static void draw_ticket(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    const struct qh_hall_conf *h = qh_kiosk_model_hall(m);
    const struct qh_queue_conf *q = qh_conf_queue(h, m->ticket.queue);
    char buf[512];
    int cw = g->w - 2 * g->margin, y = g->top, gap = P(g, 16);
    int failed = m->print == QH_KP_FAILED;
    y += para(v, failed ? T("请记住您的号码", "Please remember your number")
                        : T("取号成功，您的号码是", "Your number is"),
              P(g, 60), QH_UI_BOLD, failed ? C_ALERT : C_INK, g->margin, y, cw, QH_UI_CENTER, 1);
    int npx = qh_ui_fit(v->ui, m->ticket.number, P(g, g->wide ? 240 : 320), P(g, 120), QH_UI_BOLD, cw);
    SDL_Rect nb = qh_ui_text(v->ui, m->ticket.number, npx, QH_UI_BOLD, C_INK, g->w / 2, y,
                             QH_UI_CENTER);
    y += nb.h;
    char wait[128];
    qh_ticket_wait_text(h, &m->info, v->lang, wait, sizeof wait);
    snprintf(buf, sizeof buf, T("%s · 前面还有 %d 人 · %s", "%s · %d ahead · %s"),
             q ? queue_name(v, q) : m->ticket.queue, m->info.ahead, wait);
    y += para(v, buf, P(g, 44), QH_UI_REGULAR, C_INK, g->margin, y, cw, QH_UI_CENTER, 2) + gap;
    if (m->ticket.green[0]) {
        snprintf(buf, sizeof buf, T("绿色通道（%s）", "Priority (%s)"),
                 qh_green_label(m->ticket.green, v->lang));
        y += para(v, buf, P(g, 44), QH_UI_BOLD, C_GREEN, g->margin, y, cw, QH_UI_CENTER, 1) + gap;
    }
    SDL_Rect box = {g->margin, y, cw, failed ? P(g, 400) : P(g, 150)};
    if (failed) {
        fill(v, box, C_ALERT);
        int by = box.y + P(g, 24), bw = box.w - P(g, 48);
        by += para(v, T("打印机出了问题，号票没有打印出来。", "The printer failed: no slip was printed."),
                   P(g, 48), QH_UI_BOLD, C_WHITE, box.x + P(g, 24), by, bw, QH_UI_LEFT, 2);
        snprintf(buf, sizeof buf, T("您的号码 %s 已排上，请记住它，留意叫号",
                                    "Your number %s is in the queue: remember it and listen for it."),
                 m->ticket.number);
        by += para(v, buf, P(g, 44), QH_UI_BOLD, C_WHITE, box.x + P(g, 24), by, bw, QH_UI_LEFT, 2);
        by += para(v, T("工作人员可以为您补打号票。", "Staff can print the slip again for you."),
                   P(g, 40), QH_UI_REGULAR, C_WHITE, box.x + P(g, 24), by, bw, QH_UI_LEFT, 1);
        snprintf(buf, sizeof buf, T("（原因：%s）", "(%s)"), m->print_problem);
        para(v, buf, P(g, 34), QH_UI_REGULAR, C_WHITE, box.x + P(g, 24), by, bw, QH_UI_LEFT, 1);
    } else if (m->print == QH_KP_DONE) {
        fill(v, box, C_GREEN);
        para(v, T("请取走下方出票口的号票，留意叫号", "Take your slip below and listen for your number"),
             P(g, 48), QH_UI_BOLD, C_WHITE, box.x + P(g, 24), box.y + (box.h - P(g, 48) * 4 / 3) / 2,
             box.w - P(g, 48), QH_UI_CENTER, 1);
    } else {
        fill(v, box, C_SECOND);
        para(v, T("正在打印号票，请稍候…", "Printing your slip, one moment…"), P(g, 48), QH_UI_BOLD,
             C_INK, box.x + P(g, 24), box.y + (box.h - P(g, 48) * 4 / 3) / 2, box.w - P(g, 48),
             QH_UI_CENTER, 1);
    }
    int bh = P(g, 160);
    button(v, g, (SDL_Rect){g->margin, g->h - g->foot - bh + P(g, 60), cw, bh}, C_PRIMARY, C_WHITE,
           T("完成", "Done"), P(g, 64), NULL, 0, QH_BTN_DONE, 0);
}

static void draw_refused(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    int cw = g->w - 2 * g->margin, y = g->top + P(g, 40);
    y += para(v, m->title, P(g, 64), QH_UI_BOLD, C_ALERT, g->margin, y, cw, QH_UI_LEFT, 2) + P(g, 30);
    y += para(v, m->message, P(g, 46), QH_UI_REGULAR, C_INK, g->margin, y, cw, QH_UI_LEFT, 8) + P(g, 30);
    para(v, T("没有为您取号。如需帮助，请到服务台咨询。", "No number was issued. The help desk can help."),
         P(g, 42), QH_UI_REGULAR, C_MUTED, g->margin, y, cw, QH_UI_LEFT, 2);
    int bh = P(g, 160);
    button(v, g, (SDL_Rect){g->margin, g->h - g->foot - bh + P(g, 60), cw, bh}, C_PRIMARY, C_WHITE,
           T("返回首页", "Back to start"), P(g, 64), NULL, 0, QH_BTN_DONE, 0);
}

/* 暂停取号: the database is out of reach.  What a citizen needs: no number
 * now, the one already taken still counts, wait or ask; then, small, the
 * reason for the staff.  No button: it comes back by itself. */
static void draw_offline(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    char buf[QH_ERRLEN + 64];
    int cw = g->w - 2 * g->margin, y = g->top + P(g, 40);
    y += para(v, T("暂停取号", "Numbers paused"), P(g, 96), QH_UI_BOLD, C_ALERT,
              g->margin, y, cw, QH_UI_LEFT, 2) + P(g, 30);
    y += para(v, T("系统暂时无法连接，暂停取号，请稍候或到服务台咨询。",
                   "The system cannot be reached just now, so no numbers are given. Please "
                   "wait a little, or ask at the help desk."),
              P(g, 56), QH_UI_BOLD, C_INK, g->margin, y, cw, QH_UI_LEFT, 4) + P(g, 30);
    y += para(v, T("已经取到的号仍然有效，请留意叫号。",
                   "Numbers already taken still count: listen for yours."),
              P(g, 46), QH_UI_REGULAR, C_INK, g->margin, y, cw, QH_UI_LEFT, 3) + P(g, 20);
    y += para(v, T("连接恢复后本机自动继续取号，无需操作。",
                   "The kiosk starts again by itself once the connection is back."),
              P(g, 42), QH_UI_REGULAR, C_MUTED, g->margin, y, cw, QH_UI_LEFT, 2) + P(g, 40);
    snprintf(buf, sizeof buf, T("原因：%s", "Reason: %s"), m->problem);
    para(v, buf, P(g, 34), QH_UI_REGULAR, C_MUTED, g->margin, y, cw, QH_UI_LEFT, 4);
}

static void keypad(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m,
                   int y)
{
    int kw = P(g, 250), kh = P(g, 140), kg = P(g, 20);
    int x0 = g->wide ? g->w / 2 + (g->w / 2 - 3 * kw - 2 * kg) / 2 : (g->w - 3 * kw - 2 * kg) / 2;
    if (g->wide)
        y = g->top;
    for (int i = 0; i < 9 && i < m->nkeys; i++)
        button(v, g, (SDL_Rect){x0 + (i % 3) * (kw + kg), y + (i / 3) * (kh + kg), kw, kh}, C_SECOND,
               C_INK, m->keys[i], P(g, 64), NULL, 0, QH_BTN_KEY, i);
    int ly = y + 3 * (kh + kg);
    button(v, g, (SDL_Rect){x0, ly, kw, kh}, C_SECOND, C_INK, T("删除", "Delete"), P(g, 48), NULL, 0,
           QH_BTN_KEY_DEL, 0);
    if (m->nkeys > 9)
        button(v, g, (SDL_Rect){x0 + kw + kg, ly, kw, kh}, C_SECOND, C_INK, m->keys[9], P(g, 64), NULL,
               0, QH_BTN_KEY, 9);
    button(v, g, (SDL_Rect){x0 + 2 * (kw + kg), ly, kw, kh}, C_PRIMARY, C_WHITE, T("确定", "OK"),
           P(g, 56), NULL, 0, QH_BTN_OK, 0);
}

static void draw_entry(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    int pin = m->screen == QH_KS_PIN;
    int cw = g->wide ? g->w / 2 - 2 * g->margin : g->w - 2 * g->margin, y = g->top;
    char shown[64] = "";
    y += para(v, pin ? T("管理员验证", "Administrator") : T("预约签到", "Appointment check-in"),
              P(g, 56), QH_UI_BOLD, C_INK, g->margin, y, cw, QH_UI_LEFT, 1);
    y += para(v, pin ? T("请输入管理员 PIN", "Enter the administrator PIN")
                     : T("请输入 8 位预约码，或把预约码对准扫码器", "Type the 8-digit code, or scan it"),
              P(g, 42), QH_UI_REGULAR, C_MUTED, g->margin, y, cw, QH_UI_LEFT, 2) + P(g, 20);
    SDL_Rect box = {g->margin, y, cw, P(g, 140)};
    fill(v, box, C_FIELD);
    frame(v, box, P(g, 3), C_INK);
    size_t n = strlen(m->entry);
    for (size_t i = 0; i < n && i < 15; i++)
        strcat(shown, pin ? "●" : (char[2]){m->entry[i], 0});
    if (n)
        qh_ui_text(v->ui, shown, P(g, 80), QH_UI_BOLD, C_INK, box.x + box.w / 2,
                   box.y + (box.h - P(g, 80) * 4 / 3) / 2, QH_UI_CENTER);
    y += box.h + P(g, 20);
    if (m->admin_msg[0] && pin)
        y += para(v, m->admin_msg, P(g, 44), QH_UI_BOLD, C_ALERT, g->margin, y, cw, QH_UI_LEFT, 2);
    keypad(v, g, m, y + P(g, 20));
    footer_nav(v, g);
}

static void draw_admin(struct qh_kiosk_view *v, const struct geo *g, const struct qh_kiosk_model *m)
{
    char buf[512];
    int cw = g->w - 2 * g->margin, y = g->top, x = g->margin;
    y += para(v, T("管理：打印机与补打", "Admin: printer and reprints"), P(g, 56), QH_UI_BOLD, C_INK,
              x, y, cw, QH_UI_LEFT, 1) + P(g, 10);
    if (!m->pst_ok) {
        snprintf(buf, sizeof buf, T("打印机：无法连接（%s）", "Printer: unreachable (%s)"), m->pst_err);
        y += para(v, buf, P(g, 42), QH_UI_BOLD, C_ALERT, x, y, cw, QH_UI_LEFT, 3);
    } else {
        char why[QH_ERRLEN];
        int bad = qh_print_problem(&m->pst, v->lang, why, sizeof why);
        snprintf(buf, sizeof buf, T("打印机：%s · %s", "Printer: %s · %s"), m->pst.name,
                 bad ? why : T("正常", "ready"));
        y += para(v, buf, P(g, 42), QH_UI_BOLD, bad ? C_ALERT : C_INK, x, y, cw, QH_UI_LEFT, 2);
        if (m->pst.paper_low)
            y += para(v, T("纸快用完了，请及时换纸", "Paper is running low: refill soon"), P(g, 42),
                       QH_UI_BOLD, C_ALERT, x, y, cw, QH_UI_LEFT, 1);
        snprintf(buf, sizeof buf, T("状态原因：%s", "Reasons: %s"), m->pst.reasons[0] ? m->pst.reasons : "none");
        y += para(v, buf, P(g, 34), QH_UI_REGULAR, C_MUTED, x, y, cw, QH_UI_LEFT, 2);
    }
    y += P(g, 20);
    y += para(v, T("本机最近的号码：", "Recent numbers here:"), P(g, 44), QH_UI_BOLD, C_INK, x, y, cw,
              QH_UI_LEFT, 1) + P(g, 10);
    int rh = P(g, 110);
    for (int i = 0; i < m->nrecent; i++) {
        const struct qh_kiosk_recent *r = &m->recent[i];
        const char *st = r->print == QH_KP_DONE      ? T("已打印", "printed")
                         : r->print == QH_KP_FAILED  ? T("打印失败", "print failed")
                         : r->print == QH_KP_PENDING ? T("打印中", "printing")
                                                     : "";
        snprintf(buf, sizeof buf, "%s  %s%s%s", r->number, st, r->problem[0] ? "：" : "", r->problem);
        para(v, buf, P(g, 42), QH_UI_REGULAR, r->print == QH_KP_FAILED ? C_ALERT : C_INK, x,
             y + (rh - P(g, 42) * 4 / 3) / 2, cw - P(g, 260), QH_UI_LEFT, 1);
        button(v, g, (SDL_Rect){x + cw - P(g, 240), y, P(g, 240), rh - P(g, 10)}, C_PRIMARY, C_WHITE,
               T("补打", "Reprint"), P(g, 44), NULL, 0, QH_BTN_REPRINT, i);
        y += rh;
    }
    if (!m->nrecent)
        y += para(v, T("（还没有）", "(none yet)"), P(g, 40), QH_UI_REGULAR, C_MUTED, x, y, cw,
                  QH_UI_LEFT, 1);
    y += P(g, 20);
    if (m->admin_msg[0])
        y += para(v, m->admin_msg, P(g, 42), QH_UI_BOLD, C_INK, x, y, cw, QH_UI_LEFT, 2) + P(g, 10);
    int bw = (cw - P(g, 30)) / 2, bh = P(g, 120);
    button(v, g, (SDL_Rect){x, y, bw, bh}, C_SECOND, C_INK, T("刷新打印机状态", "Check printer"),
           P(g, 44), NULL, 0, QH_BTN_PRINTER, 0);
    button(v, g, (SDL_Rect){x + bw + P(g, 30), y, bw, bh}, C_ALERT, C_WHITE,
           T("退出取号程序", "Close the kiosk"), P(g, 44), NULL, 0, QH_BTN_EXIT, 0);
    footer_nav(v, g);
}

void qh_kiosk_view_draw(struct qh_kiosk_view *v, const struct qh_kiosk_model *m)
{
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(v->r, &w, &h);
    struct geo g = geometry(w, h);
    v->w = w;
    v->h = h;
    v->wide = g.wide;
    v->s = g.s;
    v->lang = m->lang;
    v->nt = 0;
    qh_ui_frame_begin(v->ui, m->wall_ms);
    fill(v, (SDL_Rect){0, 0, w, h}, C_BG);
    header(v, &g, m);
    switch (m->screen) {
    case QH_KS_HOME: draw_home(v, &g, m); break;
    case QH_KS_GREEN: draw_green(v, &g, m); break;
    case QH_KS_ITEMS: draw_items(v, &g, m); break;
    case QH_KS_SEARCH: draw_search(v, &g, m); break;
    case QH_KS_CONFIRM: draw_confirm(v, &g, m); break;
    case QH_KS_TICKET: draw_ticket(v, &g, m); break;
    case QH_KS_REFUSED: draw_refused(v, &g, m); break;
    case QH_KS_APPT:
    case QH_KS_PIN: draw_entry(v, &g, m); break;
    case QH_KS_ADMIN: draw_admin(v, &g, m); break;
    case QH_KS_OFFLINE: draw_offline(v, &g, m); break;
    }
}
