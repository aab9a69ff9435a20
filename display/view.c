/* view.c: the hall display's drawing (see view.h).
 *
 * Designed for a 75-year-old ten metres away: few things, each large;
 * light text on a dark navy ground (no glare across a hall), the called
 * number in warm yellow, and the blink swaps the panel to yellow with navy
 * type so that it is seen from the side of the eye.  Every colour pair
 * keeps a contrast of at least 4.5:1 (tests measure it on the frame).
 *
 * Layout is rectangles carved out of the screen top to bottom; each text
 * is fitted into its own rectangle (width and line height), so texts never
 * overlap or leave the screen whatever the size.  Fitting measures once at
 * a reference size and scales, so a frame opens only the few font sizes it
 * draws with (SDL_ttf opens a face per size). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/ticket.h"
#include "view.h"

#define REF_PX 100
#define MEMO 512

/* A fitted size, remembered: the same text in the same rectangle fits
 * the same way every frame, and measuring CJK text costs far more than
 * drawing it from a cached texture. */
struct memo {
    uint32_t hash;
    int max_px, weight, w, h, px;
    char text[160];
};

/* The notice line as last laid out.  A notice that does not fit scrolls
 * (a marquee) instead of being cut: its size and width are measured once
 * per text and band, not per frame, since a marquee frame comes 25 times
 * a second and a notice may be far longer than a memo entry holds. */
struct notice {
    char text[sizeof ((struct qh_hall_conf *)0)->notice];
    int bw, bh;                /* the band it was measured for */
    int scroll;                /* does not fit: marquee */
    int px, w;                 /* marquee size and text width */
    SDL_Rect band;             /* the visible band (clip rect) */
    struct qh_dm_marquee mq;
    int64_t since;
    int off;                   /* offset drawn last */
    int drawn;                 /* a marquee frame is on the target */
};

struct qh_display_view {
    struct memo memo[MEMO];
    struct qh_ui *ui;
    SDL_Rect number_box;
    int min_px;                /* secondary text smaller than this is left out */
    int screen_h;
    struct notice notice;
};

typedef struct qh_ui_color col;

static const col C_BG = {10, 26, 51, 255};         /* navy ground */
static const col C_PANEL = {20, 44, 82, 255};      /* raised panel */
static const col C_TEXT = {255, 255, 255, 255};
static const col C_DIM = {196, 208, 222, 255};     /* secondary text */
static const col C_NUM = {255, 214, 74, 255};      /* called numbers */
static const col C_HI_BG = {255, 214, 74, 255};    /* blink phase */
static const col C_HI_FG = {10, 26, 51, 255};
static const col C_GREEN = {20, 120, 60, 255};     /* 优先 badge */
static const col C_PAUSE = {255, 176, 80, 255};
static const col C_CLOSED = {170, 182, 196, 255};
static const col C_BANNER = {190, 30, 30, 255};
static const col C_LINE = {52, 80, 120, 255};

int qh_display_view_new(struct qh_display_view **out, SDL_Renderer *r,
                        char *err, size_t errlen)
{
    struct qh_display_view *v = calloc(1, sizeof *v);
    int rc;

    *out = NULL;
    if (!v)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    if ((rc = qh_ui_new(&v->ui, r, err, errlen)) < 0) {
        free(v);
        return rc;
    }
    *out = v;
    return 0;
}

void qh_display_view_free(struct qh_display_view *v)
{
    if (!v)
        return;
    qh_ui_free(v->ui);
    free(v);
}

struct qh_ui *qh_display_view_ui(struct qh_display_view *v)
{
    return v->ui;
}

SDL_Rect qh_display_view_number_box(const struct qh_display_view *v)
{
    return v->number_box;
}

/* ---- fitting ---- */

static SDL_Rect rect(int x, int y, int w, int h)
{
    SDL_Rect r = {x, y, w > 0 ? w : 0, h > 0 ? h : 0};
    return r;
}

/* Sizes come in steps (2 px, then 4, then 8): a frame then opens few
 * font sizes, and SDL_ttf opens a face per size. */
static int quantize(int px)
{
    if (px > 160)
        return px - px % 8;
    if (px > 64)
        return px - px % 4;
    if (px > 24)
        return px - px % 2;
    return px;
}

static int fit_measure(struct qh_ui *ui, const char *text, int max_px, int weight,
                       SDL_Rect r);

static struct memo *memo_slot(struct qh_display_view *v, const char *text, int max_px,
                              int weight, SDL_Rect r, uint32_t *hash)
{
    uint32_t hsh = 2166136261u;
    for (const char *p = text; *p; p++)
        hsh = (hsh ^ (unsigned char)*p) * 16777619u;
    hsh = (hsh ^ (uint32_t)max_px) * 16777619u;
    hsh = (hsh ^ (uint32_t)(r.w * 31 + r.h)) * 16777619u;
    hsh = (hsh ^ (uint32_t)weight) * 16777619u;
    *hash = hsh;
    return &v->memo[hsh % MEMO];
}

static int memo_hit(const struct memo *e, uint32_t hsh, const char *text, int max_px,
                    int weight, SDL_Rect r)
{
    return e->hash == hsh && e->max_px == max_px && e->weight == weight && e->w == r.w &&
           e->h == r.h && !strcmp(e->text, text);
}

/* The largest size <= max_px at which text fits r (width and line box). */
static int fit(struct qh_display_view *v, const char *text, int max_px, int weight,
               SDL_Rect r)
{
    uint32_t hsh;
    size_t n = strlen(text);

    if (n >= sizeof v->memo[0].text)
        return fit_measure(v->ui, text, max_px, weight, r);
    struct memo *e = memo_slot(v, text, max_px, weight, r, &hsh);
    if (memo_hit(e, hsh, text, max_px, weight, r))
        return e->px;
    int px = fit_measure(v->ui, text, max_px, weight, r);
    *e = (struct memo){hsh, max_px, weight, r.w, r.h, px, ""};
    memcpy(e->text, text, n + 1);
    return px;
}

static int fit_measure(struct qh_ui *ui, const char *text, int max_px, int weight,
                       SDL_Rect r)
{
    int w, h, px;

    if (qh_ui_measure(ui, text, REF_PX, weight, &w, &h) < 0 || w <= 0 || h <= 0)
        return 0;
    px = max_px;
    if ((int64_t)px * w > (int64_t)r.w * REF_PX)
        px = (int)((int64_t)r.w * REF_PX / w);
    if ((int64_t)px * h > (int64_t)r.h * REF_PX)
        px = (int)((int64_t)r.h * REF_PX / h);
    px = quantize(px);
    /* Widths do not scale exactly (hinting): step down until it fits. */
    while (px > 4) {
        if (qh_ui_measure(ui, text, px, weight, &w, &h) == 0 && w <= r.w && h <= r.h)
            break;
        px = quantize(px - px / 20 - 1);
    }
    return px > 4 ? px : 0;
}

/* Draw text fitted into r, centred vertically; align within r. */
static SDL_Rect put(struct qh_display_view *v, const char *text, SDL_Rect r, int max_px,
                    int weight, col fg, enum qh_ui_align align)
{
    int px = fit(v, text, max_px, weight, r), w, h;
    SDL_Rect none = {r.x, r.y, 0, 0};

    if (!px || !text[0])
        return none;
    qh_ui_measure(v->ui, "", px, weight, &w, &h);     /* the line height */
    int x = align == QH_UI_LEFT ? r.x : align == QH_UI_RIGHT ? r.x + r.w : r.x + r.w / 2;
    return qh_ui_text(v->ui, text, px, weight, fg, x, r.y + (r.h - h) / 2, align);
}

/* Text that must stay one line: at min_px and still too long, it is cut
 * and ends in "…". */
static SDL_Rect put_cut(struct qh_display_view *v, const char *text, SDL_Rect r,
                        int max_px, int min_px, int weight, col fg, enum qh_ui_align align)
{
    char buf[600];
    int w, h;
    uint32_t hsh;

    if (qh_ui_measure(v->ui, "", min_px, weight, &w, &h) < 0 || h > r.h) {
        SDL_Rect none = {r.x, r.y, 0, 0};
        return none;            /* no room to be readable: leave it out */
    }
    snprintf(buf, sizeof buf, "%s", text);
    if (fit(v, buf, max_px, weight, r) >= min_px)
        return put(v, buf, r, max_px, weight, fg, align);
    /* Where to cut is remembered like a fitted size (weight + 2 marks it). */
    struct memo *e = strlen(text) < sizeof e->text
                         ? memo_slot(v, text, min_px, weight + 2, r, &hsh) : NULL;
    size_t n = strlen(buf);
    if (e && memo_hit(e, hsh, text, min_px, weight + 2, r)) {
        n = (size_t)e->px;
        snprintf(buf + n, sizeof buf - n, "…");
    } else {
        while (n > 0) {
            do
                n--;
            while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80);
            snprintf(buf + n, sizeof buf - n, "…");
            if (qh_ui_measure(v->ui, buf, min_px, weight, &w, &h) == 0 && w <= r.w)
                break;
        }
        if (e) {
            *e = (struct memo){hsh, min_px, weight + 2, r.w, r.h, (int)n, ""};
            memcpy(e->text, text, strlen(text) + 1);
        }
    }
    return put(v, buf, r, min_px, weight, fg, align);
}

/* ---- words ---- */

static const char *tr(const struct qh_display_model *m, const char *zh, const char *en)
{
    return QH_TR(m->lang, zh, en);
}

static const char *hall_name(const struct qh_display_model *m)
{
    return m->lang == QH_LANG_EN && m->hall.name_en[0] ? m->hall.name_en : m->hall.name;
}

static const char *window_name(const struct qh_display_model *m, int number)
{
    const struct qh_window_conf *wc = qh_conf_window(&m->hall, number);
    if (!wc)
        return "";
    return m->lang == QH_LANG_EN && wc->name_en[0] ? wc->name_en : wc->name;
}

static void window_label(const struct qh_display_model *m, int number, char *out,
                         size_t len)
{
    if (m->lang == QH_LANG_EN)
        snprintf(out, len, "Window %d", number);
    else
        snprintf(out, len, "%d号窗口", number);
}

static void date_line(const struct qh_display_model *m, char *out, size_t len)
{
    static const char *const zh[] = {"日", "一", "二", "三", "四", "五", "六"};
    static const char *const en[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const struct qh_tm *t = &m->tm;
    int wd = t->wday >= 0 && t->wday < 7 ? t->wday : 0;
    int mo = t->month >= 1 && t->month <= 12 ? t->month - 1 : 0;

    if (m->lang == QH_LANG_EN)
        snprintf(out, len, "%s %d %s  %02d:%02d", en[wd], t->day, mon[mo], t->hour, t->min);
    else
        snprintf(out, len, "%d月%d日 星期%s  %02d:%02d", t->month, t->day, zh[wd],
                 t->hour, t->min);
}

static const char *queue_name(const struct qh_display_model *m, const char *code)
{
    const struct qh_queue_conf *q = qh_conf_queue(&m->hall, code);
    if (!q)
        return code;
    return m->lang == QH_LANG_EN && q->name_en[0] ? q->name_en : q->name;
}

/* ---- pieces ---- */

static void header(struct qh_display_view *v, const struct qh_display_model *m,
                   SDL_Rect r)
{
    char when[96];
    int pad = r.h / 6;

    qh_ui_fill(v->ui, r, C_PANEL);
    date_line(m, when, sizeof when);
    SDL_Rect in = rect(r.x + pad * 2, r.y + pad, r.w - pad * 4, r.h - pad * 2);
    int right = in.w * 36 / 100;
    put(v, hall_name(m), rect(in.x, in.y, in.w - right - pad, in.h), in.h, QH_UI_BOLD,
        C_TEXT, QH_UI_LEFT);
    put(v, when, rect(in.x + in.w - right, in.y, right, in.h), in.h * 8 / 10,
        QH_UI_REGULAR, C_TEXT, QH_UI_RIGHT);
}

static void banner(struct qh_display_view *v, const struct qh_display_model *m,
                   SDL_Rect r)
{
    char text[400];

    qh_ui_fill(v->ui, r, C_BANNER);
    snprintf(text, sizeof text, "%s", tr(m, "连接中断 · 正在自动重新连接，请稍候",
                                         "Connection lost · reconnecting, please wait"));
    put(v, text, rect(r.x + r.h / 4, r.y + r.h / 8, r.w - r.h / 2, r.h * 3 / 4),
        r.h, QH_UI_BOLD, C_TEXT, QH_UI_CENTER);
}

static void badge(struct qh_display_view *v, const struct qh_display_model *m,
                  SDL_Rect r)
{
    const char *t = tr(m, "优先", "Priority");
    int px = fit(v, t, r.h, QH_UI_BOLD, rect(0, 0, r.w * 8 / 10, r.h * 8 / 10));
    int w, h;

    if (px < v->min_px)
        return;
    qh_ui_measure(v->ui, t, px, QH_UI_BOLD, &w, &h);
    SDL_Rect b = rect(r.x + r.w - w - h / 2, r.y + (r.h - h) / 2 - h / 10, w + h / 2,
                      h + h / 5);
    qh_ui_fill(v->ui, b, C_GREEN);
    qh_ui_text(v->ui, t, px, QH_UI_BOLD, C_TEXT, b.x + b.w / 2, b.y + h / 10,
               QH_UI_CENTER);
}

/* The "now calling" panel: label, number, window. */
static void calling(struct qh_display_view *v, const struct qh_display_model *m,
                    SDL_Rect r)
{
    int hi = m->blink_on;
    col bg = hi ? C_HI_BG : C_PANEL, fg = hi ? C_HI_FG : C_TEXT, num = hi ? C_HI_FG : C_NUM;
    int pad = r.h / 14;
    char line[160];

    qh_ui_fill(v->ui, r, bg);
    SDL_Rect in = rect(r.x + pad, r.y + pad / 2, r.w - 2 * pad, r.h - pad);
    SDL_Rect top = rect(in.x, in.y, in.w, in.h * 15 / 100);
    SDL_Rect mid = rect(in.x, top.y + top.h, in.w, in.h * 63 / 100);
    SDL_Rect bot = rect(in.x, mid.y + mid.h, in.w, in.h - top.h - mid.h);

    v->number_box = rect(0, 0, 0, 0);
    if (!m->has_current) {
        put(v, tr(m, "请留意叫号", "Please watch for your number"), mid, mid.h / 2,
            QH_UI_BOLD, fg, QH_UI_CENTER);
        return;
    }
    put(v, tr(m, "正在呼叫", "Now calling"), rect(top.x, top.y, top.w * 6 / 10, top.h),
        top.h, QH_UI_REGULAR, fg, QH_UI_LEFT);
    if (m->current.green)
        badge(v, m, rect(top.x + top.w * 6 / 10, top.y, top.w * 4 / 10, top.h));
    v->number_box = put(v, m->current.number, mid, mid.h, QH_UI_BOLD, num, QH_UI_CENTER);
    if (m->lang == QH_LANG_EN)
        snprintf(line, sizeof line, "please go to window %d", m->current.window);
    else
        snprintf(line, sizeof line, "请到 %d 号窗口办理", m->current.window);
    put(v, line, bot, bot.h * 8 / 10, QH_UI_BOLD, fg, QH_UI_CENTER);
}

static void recent(struct qh_display_view *v, const struct qh_display_model *m,
                   SDL_Rect r, int cols, int max)
{
    int rows = (max + cols - 1) / cols;
    SDL_Rect title = rect(r.x, r.y, r.w, r.h / (rows * 2 + 1));
    int cellh = (r.h - title.h) / rows, cellw = r.w / cols;
    char t[64];
    /* One size for every cell, fitted to the widest possible entry. */
    int px = fit(v, m->lang == QH_LANG_EN ? "W0000 → 00" : "W0000 → 00号",
                 cellh * 6 / 10, QH_UI_BOLD, rect(0, 0, cellw - cellw / 12, cellh - cellh / 6));

    put_cut(v, tr(m, "最近呼叫", "Recent calls"), title, title.h, v->min_px,
            QH_UI_REGULAR, C_DIM, QH_UI_LEFT);
    for (int i = 0; i < m->nrecent && i < max; i++) {
        const struct qh_dm_call *c = &m->recent[i];
        SDL_Rect cell = rect(r.x + (i % cols) * cellw, title.y + title.h + (i / cols) * cellh,
                             cellw - cellw / 12, cellh - cellh / 6);
        if (m->lang == QH_LANG_EN)
            snprintf(t, sizeof t, "%s → %d", c->number, c->window);
        else
            snprintf(t, sizeof t, "%s → %d号", c->number, c->window);
        if (px >= v->min_px)
            put(v, t, cell, px, i == 0 ? QH_UI_BOLD : QH_UI_REGULAR,
                i == 0 ? C_NUM : C_TEXT, QH_UI_LEFT);
    }
}

static void window_row(struct qh_display_view *v, const struct qh_display_model *m,
                       const struct qh_dm_window *w, SDL_Rect r)
{
    char label[48];
    int pad = r.h / 10;
    SDL_Rect in = rect(r.x + pad, r.y + pad, r.w - 2 * pad, r.h - 2 * pad);
    SDL_Rect left = rect(in.x, in.y, in.w * 40 / 100, in.h);
    SDL_Rect right = rect(in.x + in.w * 42 / 100, in.y, in.w * 58 / 100, in.h);

    window_label(m, w->number, label, sizeof label);
    int lw, lh;
    qh_ui_measure(v->ui, "", v->min_px, QH_UI_REGULAR, &lw, &lh);
    if (lh <= left.h * 38 / 100) {
        put(v, label, rect(left.x, left.y, left.w, left.h * 58 / 100), left.h,
            QH_UI_BOLD, C_TEXT, QH_UI_LEFT);
        put_cut(v, window_name(m, w->number),
                rect(left.x, left.y + left.h * 62 / 100, left.w, left.h * 38 / 100),
                left.h, v->min_px, QH_UI_REGULAR, C_DIM, QH_UI_LEFT);
    } else {
        /* No room for the name at a readable size: the number alone. */
        put(v, label, rect(left.x, left.y + left.h / 6, left.w, left.h * 2 / 3), left.h,
            QH_UI_BOLD, C_TEXT, QH_UI_LEFT);
    }
    switch (qh_display_model_wstate(w)) {
    case QH_DM_CALLING:
    case QH_DM_SERVING: {
        int serving = w->ticket_state == QH_TICKET_SERVING;
        SDL_Rect n = rect(right.x, right.y, right.w * 56 / 100, right.h);
        int sx = right.x + right.w * 60 / 100, sw = right.w * 40 / 100;
        SDL_Rect s = rect(sx, right.y + (w->green ? 0 : right.h / 4), sw, right.h / 2);
        put(v, w->ticket, n, n.h, QH_UI_BOLD, serving ? C_TEXT : C_NUM, QH_UI_LEFT);
        put(v, serving ? tr(m, "办理中", "serving") : tr(m, "呼叫中", "calling"), s,
            s.h * 8 / 10, QH_UI_BOLD, serving ? C_DIM : C_NUM, QH_UI_LEFT);
        if (w->green)
            badge(v, m, rect(sx, right.y + right.h / 2, sw, right.h / 2));
        break;
    }
    case QH_DM_PAUSED:
        put(v, tr(m, "暂停服务", "Paused"),
            rect(right.x, right.y, right.w, right.h * (w->reason[0] ? 58 : 100) / 100),
            right.h * 6 / 10, QH_UI_BOLD, C_PAUSE, QH_UI_LEFT);
        if (w->reason[0])
            put_cut(v, w->reason,
                    rect(right.x, right.y + right.h * 62 / 100, right.w, right.h * 38 / 100),
                    right.h, v->min_px, QH_UI_REGULAR, C_PAUSE, QH_UI_LEFT);
        break;
    case QH_DM_CLOSED:
        put(v, tr(m, "未开放", "Closed"), right, right.h * 5 / 10, QH_UI_REGULAR,
            C_CLOSED, QH_UI_LEFT);
        break;
    case QH_DM_IDLE:
        put(v, tr(m, "空闲", "Free"), right, right.h * 5 / 10, QH_UI_REGULAR, C_DIM,
            QH_UI_LEFT);
        break;
    }
}

static void windows(struct qh_display_view *v, const struct qh_display_model *m,
                    SDL_Rect r)
{
    int n = m->nwindows, cols = n > 8 ? 2 : 1;
    int rows = (n + cols - 1) / cols;

    qh_ui_fill(v->ui, r, C_PANEL);
    if (n == 0)
        return;
    int rowh = r.h / rows, colw = r.w / cols;
    if (rowh > r.h / 4)
        rowh = r.h / 4;
    for (int i = 0; i < n; i++) {
        SDL_Rect row = rect(r.x + (i / rows) * colw, r.y + (i % rows) * rowh, colw, rowh);
        if (i % rows)
            qh_ui_fill(v->ui, rect(row.x + rowh / 10, row.y - 1, row.w - rowh / 5, 2), C_LINE);
        window_row(v, m, &m->windows[i], row);
    }
}

static void waiting(struct qh_display_view *v, const struct qh_display_model *m,
                    SDL_Rect r)
{
    char line[600];
    size_t k = 0;

    k += (size_t)snprintf(line, sizeof line, "%s", tr(m, "等候：", "Waiting: "));
    for (int i = 0; i < m->nqueues && k < sizeof line; i++) {
        if (m->lang == QH_LANG_EN)
            k += (size_t)snprintf(line + k, sizeof line - k, "%s%s %d", i ? "   " : "",
                                  queue_name(m, m->queues[i].code), m->queues[i].waiting);
        else
            k += (size_t)snprintf(line + k, sizeof line - k, "%s%s %d人", i ? "　" : "",
                                  queue_name(m, m->queues[i].code), m->queues[i].waiting);
    }
    put_cut(v, line, r, r.h * 7 / 10, v->min_px, QH_UI_REGULAR, C_TEXT, QH_UI_LEFT);
}

/* One marquee frame: the band's ground, then the text at the offset for
 * m->now, clipped to the band so it never paints outside it.  The pass
 * after it follows text_w + gap to the right. */
static void marquee(struct qh_display_view *v, const struct qh_display_model *m)
{
    struct notice *n = &v->notice;
    SDL_Renderer *r = qh_ui_renderer(v->ui);
    int period = n->mq.text_w + n->mq.gap, lw, lh;

    n->off = qh_display_marquee_offset(&n->mq, n->since, m->now);
    qh_ui_measure(v->ui, "", n->px, QH_UI_REGULAR, &lw, &lh);
    SDL_RenderSetClipRect(r, &n->band);
    qh_ui_fill(v->ui, n->band, C_PANEL);
    for (int x = n->band.x + n->off; x < n->band.x + n->band.w; x += period)
        if (x + n->mq.text_w > n->band.x)
            qh_ui_text(v->ui, n->text, n->px, QH_UI_REGULAR, C_TEXT, x,
                       n->band.y + (n->band.h - lh) / 2, QH_UI_LEFT);
    SDL_RenderSetClipRect(r, NULL);
    n->drawn = 1;
}

static void notice(struct qh_display_view *v, const struct qh_display_model *m,
                   SDL_Rect r)
{
    const char *t = m->lang == QH_LANG_EN && m->hall.notice_en[0] ? m->hall.notice_en
                                                                   : m->hall.notice;
    struct notice *n = &v->notice;
    SDL_Rect band = rect(r.x + r.h / 3, r.y + r.h / 8, r.w - r.h * 2 / 3, r.h * 3 / 4);
    int max_px = r.h * 6 / 10, min_px = r.h / 3;

    qh_ui_fill(v->ui, r, C_PANEL);
    if (!t[0] || band.w <= 0 || band.h <= 0)
        return;
    if (strcmp(n->text, t) || n->bw != band.w || n->bh != band.h) {
        int w, h;
        snprintf(n->text, sizeof n->text, "%s", t);
        n->bw = band.w;
        n->bh = band.h;
        /* Still, as before, whenever it fits at a readable size; otherwise
         * it scrolls at the size the band's height allows. */
        n->scroll = fit(v, t, max_px, QH_UI_REGULAR, band) < min_px &&
                    qh_ui_measure(v->ui, "", min_px, QH_UI_REGULAR, &w, &h) == 0 &&
                    h <= band.h;
        n->px = n->scroll ? fit_measure(v->ui, t, max_px, QH_UI_REGULAR,
                                        rect(0, 0, 1 << 30, band.h)) : 0;
        n->w = n->px && qh_ui_measure(v->ui, t, n->px, QH_UI_REGULAR, &w, &h) == 0 ? w : 0;
        if (n->px < min_px || n->w <= band.w)
            n->scroll = 0;
    }
    n->band = band;
    n->since = m->notice_since;
    n->mq = (struct qh_dm_marquee){n->w, band.w, band.w / 4,
                                   qh_display_marquee_speed(v->screen_h)};
    if (!n->scroll) {
        put_cut(v, t, band, max_px, min_px, QH_UI_REGULAR, C_TEXT, QH_UI_CENTER);
        return;
    }
    v->notice.drawn = 0;
    marquee(v, m);
}

/* Outside opening hours: 已下班, or 休息中 between two spans of an open day. */
static void closed(struct qh_display_view *v, const struct qh_display_model *m,
                   SDL_Rect r)
{
    int minute = m->tm.hour * 60 + m->tm.min, later = 0;
    char hours[96], line[160];

    for (int i = 0; i < m->hall.nspans; i++)
        if (m->hall.spans[i].open_min > minute)
            later = 1;
    int today = (m->hall.days >> (m->tm.wday & 7)) & 1;
    int resting = today && later && minute >= m->hall.spans[0].open_min;
    qh_conf_format_hours(&m->hall, hours, sizeof hours);
    snprintf(line, sizeof line, "%s %s", tr(m, "办公时间", "Opening hours"), hours);
    put(v, resting ? tr(m, "休息中", "Break") : tr(m, "已下班", "Closed"),
        rect(r.x, r.y + r.h / 10, r.w, r.h * 45 / 100), r.h, QH_UI_BOLD, C_TEXT,
        QH_UI_CENTER);
    put(v, line, rect(r.x + r.w / 20, r.y + r.h * 62 / 100, r.w * 9 / 10, r.h / 6),
        r.h / 8, QH_UI_REGULAR, C_DIM, QH_UI_CENTER);
}

/* Closed, unless a window is still calling (staff working late). */
static int show_closed(const struct qh_display_model *m)
{
    return m->have_hall && !m->open &&
           !(m->has_current && m->now - m->current.at < 10 * 60 * 1000);
}

/* ---- layouts ---- */

static void hall(struct qh_display_view *v, const struct qh_display_model *m, int W,
                 int H)
{
    int portrait = H > W, mg = (portrait ? W : H) / 50;
    int hh = H * (portrait ? 6 : 10) / 100, bh = m->connected ? 0 : H * (portrait ? 4 : 8) / 100;
    int fh = H * (portrait ? 5 : 8) / 100, wh = H * (portrait ? 4 : 7) / 100;
    SDL_Rect head = rect(0, 0, W, hh);
    SDL_Rect foot = rect(0, H - fh, W, fh);
    SDL_Rect wait = rect(mg * 2, foot.y - wh - mg / 2, W - mg * 4, wh);
    int y0 = hh + bh + mg, y1 = wait.y - mg;

    header(v, m, head);
    if (bh)
        banner(v, m, rect(0, hh, W, bh));
    notice(v, m, foot);
    v->number_box = rect(0, 0, 0, 0);
    if (!m->have_hall)
        return;
    if (show_closed(m)) {
        closed(v, m, rect(mg, y0, W - 2 * mg, y1 - y0));
        return;
    }
    waiting(v, m, wait);
    if (portrait) {
        int ch = (y1 - y0) * 40 / 100, rh = (y1 - y0) * 12 / 100;
        calling(v, m, rect(mg, y0, W - 2 * mg, ch));
        recent(v, m, rect(mg * 2, y0 + ch + mg, W - 4 * mg, rh - mg), 3, 3);
        windows(v, m, rect(mg, y0 + ch + rh + mg, W - 2 * mg, y1 - (y0 + ch + rh + mg)));
    } else {
        int lw = W * 55 / 100, ch = (y1 - y0) * 66 / 100;
        calling(v, m, rect(mg, y0, lw - mg, ch));
        recent(v, m, rect(mg * 2, y0 + ch + mg, lw - 3 * mg, y1 - y0 - ch - mg), 4,
               QH_DM_RECENT);
        windows(v, m, rect(lw + mg, y0, W - lw - 2 * mg, y1 - y0));
    }
}

/* The small screen above one window. */
static void one_window(struct qh_display_view *v, const struct qh_display_model *m,
                       int W, int H)
{
    const struct qh_dm_window *w = qh_display_model_window(m, m->window);
    int mg = (W < H ? W : H) / 30;
    int hh = H * 22 / 100, bh = m->connected ? 0 : H * 12 / 100, fh = H * 18 / 100;
    SDL_Rect head = rect(0, 0, W, hh);
    SDL_Rect main = rect(mg, hh + bh + mg, W - 2 * mg, H - hh - bh - fh - 2 * mg);
    SDL_Rect foot = rect(mg, H - fh, W - 2 * mg, fh - mg / 2);
    char label[48], line[160];

    qh_ui_fill(v->ui, head, C_PANEL);
    window_label(m, m->window, label, sizeof label);
    put(v, label, rect(mg, hh / 10, W * 40 / 100 - mg, hh * 8 / 10), hh, QH_UI_BOLD,
        C_TEXT, QH_UI_LEFT);
    put_cut(v, window_name(m, m->window), rect(W * 42 / 100, hh / 5, W * 58 / 100 - mg,
            hh * 6 / 10), hh / 2, v->min_px, QH_UI_REGULAR, C_DIM, QH_UI_RIGHT);
    if (bh)
        banner(v, m, rect(0, hh, W, bh));
    v->number_box = rect(0, 0, 0, 0);
    if (!w)
        return;
    enum qh_dm_wstate st = qh_display_model_wstate(w);
    int hi = st == QH_DM_CALLING && m->blink_on;
    qh_ui_fill(v->ui, main, hi ? C_HI_BG : C_BG);
    SDL_Rect top = rect(main.x, main.y, main.w, main.h * 68 / 100);
    SDL_Rect sub = rect(main.x, main.y + main.h * 70 / 100, main.w, main.h * 30 / 100);
    switch (st) {
    case QH_DM_CALLING:
    case QH_DM_SERVING:
        v->number_box = put(v, w->ticket, top, top.h, QH_UI_BOLD,
                            hi ? C_HI_FG : st == QH_DM_CALLING ? C_NUM : C_TEXT,
                            QH_UI_CENTER);
        if (st == QH_DM_CALLING)
            snprintf(line, sizeof line, "%s", tr(m, "请到本窗口办理", "please come to this window"));
        else
            snprintf(line, sizeof line, "%s", tr(m, "正在办理", "now serving"));
        if (w->green)
            badge(v, m, rect(sub.x + sub.w * 70 / 100, sub.y, sub.w * 30 / 100, sub.h));
        put(v, line, rect(sub.x, sub.y, sub.w * (w->green ? 68 : 100) / 100, sub.h),
            sub.h * 7 / 10, QH_UI_BOLD, hi ? C_HI_FG : C_TEXT, QH_UI_CENTER);
        break;
    case QH_DM_PAUSED:
        put(v, tr(m, "暂停服务", "Paused"), top, top.h * 7 / 10, QH_UI_BOLD, C_PAUSE,
            QH_UI_CENTER);
        put_cut(v, w->reason, sub, sub.h * 7 / 10, v->min_px, QH_UI_REGULAR, C_PAUSE,
                QH_UI_CENTER);
        break;
    case QH_DM_CLOSED:
        put(v, tr(m, "未开放", "Closed"), top, top.h * 7 / 10, QH_UI_BOLD, C_CLOSED,
            QH_UI_CENTER);
        break;
    case QH_DM_IDLE:
        put(v, tr(m, "请稍候", "Please wait"), top, top.h * 6 / 10, QH_UI_BOLD, C_DIM,
            QH_UI_CENTER);
        break;
    }
    if (w->nnext) {
        size_t k = (size_t)snprintf(line, sizeof line, "%s", tr(m, "下一位：", "Next: "));
        for (int i = 0; i < w->nnext && k < sizeof line; i++)
            k += (size_t)snprintf(line + k, sizeof line - k, "%s%s", i ? "  " : "",
                                  w->next[i]);
        put(v, line, foot, foot.h * 7 / 10, QH_UI_REGULAR, C_TEXT, QH_UI_CENTER);
    }
}

void qh_display_view_draw(struct qh_display_view *v,
                          const struct qh_display_model *m, int w, int h)
{
    qh_ui_frame_begin(v->ui, m->now);
    /* About 1/45 of the height: 24 px on 1080p, still readable near by. */
    v->min_px = h / 45 > 16 ? h / 45 : 16;
    v->screen_h = h;
    v->notice.drawn = 0;        /* window mode has no notice line */
    qh_ui_fill(v->ui, rect(0, 0, w, h), C_BG);
    if (m->window)
        one_window(v, m, w, h);
    else
        hall(v, m, w, h);
}

int qh_display_view_notice(const struct qh_display_view *v, SDL_Rect *band)
{
    const struct notice *n = &v->notice;
    if (band)
        *band = n->drawn ? n->band : rect(0, 0, 0, 0);
    return n->drawn;
}

int qh_display_view_wake_ms(const struct qh_display_view *v, int64_t now, int max_ms)
{
    if (!v->notice.drawn)
        return max_ms;
    return qh_display_marquee_wake_ms(&v->notice.mq, v->notice.since, now, max_ms);
}

int qh_display_view_draw_notice(struct qh_display_view *v,
                                const struct qh_display_model *m)
{
    struct notice *n = &v->notice;
    if (!n->drawn || qh_display_marquee_offset(&n->mq, n->since, m->now) == n->off)
        return 0;
    qh_ui_frame_begin(v->ui, m->now);
    marquee(v, m);
    return 1;
}
