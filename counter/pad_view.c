/* pad_view.c: the rating pad drawn with qh_ui (pad_view.h).
 *
 * For a citizen an arm's length away, maybe 75 and without glasses: one
 * message per screen, the largest thing on it; five faces as big as the
 * screen allows, each with its words under it (a face's colour only
 * repeats what the words say); reasons as big tick boxes; dark text on
 * light ground.  No countdown is ever shown: nothing rushes anyone.
 * Sizes are in units of the short side / 480. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_image.h>

#include "pad_view.h"
#include "view.h"

#define MAXT 24

struct qh_pad_view {
    struct qh_ui *ui;
    SDL_Renderer *r;
    double u;
    int w, h, portrait;
    enum qh_lang lang;
    int nt;
    struct qh_pad_target t[MAXT];
    SDL_Texture *photo;           /* the staff member's, NULL: the placeholder */
    int photo_w, photo_h;
};

typedef struct qh_ui_color col;
static const col C_BG = {250, 248, 242, 255}, C_INK = {20, 20, 20, 255},
    C_MUTED = {64, 64, 64, 255}, C_WHITE = {255, 255, 255, 255}, C_HEAD = {11, 61, 120, 255},
    C_CARD = {255, 255, 255, 255}, C_LINE = {120, 120, 120, 255}, C_ALERT = {160, 24, 24, 255},
    C_GREEN = {22, 101, 52, 255}, C_WARN = {255, 224, 138, 255}, C_SEL = {219, 234, 254, 255},
    C_PHOTO = {226, 230, 236, 255}, C_SIL = {148, 158, 172, 255};
/* The faces' colours by score (1..5): a hint only, the words say it. */
static const col C_FACE[6] = {{0, 0, 0, 0},         {185, 28, 28, 255}, {234, 88, 12, 255},
                              {202, 138, 4, 255},   {101, 163, 13, 255}, {22, 128, 61, 255}};

#define T(zh, en) QH_TR(v->lang, zh, en)

int qh_pad_view_new(struct qh_pad_view **out, SDL_Renderer *r, char *err, size_t errlen)
{
    struct qh_pad_view *v = calloc(1, sizeof *v);
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

void qh_pad_view_free(struct qh_pad_view *v)
{
    if (!v)
        return;
    if (v->photo)
        SDL_DestroyTexture(v->photo);
    qh_ui_free(v->ui);
    free(v);
}

int qh_pad_view_photo(struct qh_pad_view *v, const void *data, size_t len)
{
    if (v->photo)
        SDL_DestroyTexture(v->photo);
    v->photo = NULL;
    if (!data || !len)
        return 0;
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)len);
    SDL_Surface *s = rw ? IMG_Load_RW(rw, 1) : NULL;
    if (!s)
        return -1;
    v->photo = SDL_CreateTextureFromSurface(v->r, s);
    v->photo_w = s->w;
    v->photo_h = s->h;
    SDL_FreeSurface(s);
    return v->photo ? 0 : -1;
}

struct qh_ui *qh_pad_view_ui(struct qh_pad_view *v)
{
    return v->ui;
}

int qh_pad_view_hit(const struct qh_pad_view *v, int x, int y, enum qh_pad_btn *b, int *arg)
{
    SDL_Point p = {x, y};
    for (int i = 0; i < v->nt; i++)
        if (SDL_PointInRect(&p, &v->t[i].r)) {
            *b = v->t[i].b;
            *arg = v->t[i].arg;
            return 1;
        }
    return 0;
}

int qh_pad_view_targets(const struct qh_pad_view *v, const struct qh_pad_target **t)
{
    *t = v->t;
    return v->nt;
}

/* ---- drawing helpers ---- */

static int U(const struct qh_pad_view *v, double x)
{
    return (int)(x * v->u + 0.5);
}

/* The smallest text drawn: 30 px at 1080 px is 13.3 at 480; the pad
 * stays well above it (20 units). */
static SDL_Rect line(struct qh_pad_view *v, const char *s, int px, int weight, col fg, int x,
                     int y, int maxw, enum qh_ui_align al)
{
    int min = U(v, 20);
    return qh_counter_line(v->ui, s, px, min < px ? min : px, weight, fg, x, y, maxw, al);
}

static void fill(struct qh_pad_view *v, SDL_Rect r, col c)
{
    qh_ui_fill(v->ui, r, c);
}

static void frame(struct qh_pad_view *v, SDL_Rect r, int t, col c)
{
    fill(v, (SDL_Rect){r.x, r.y, r.w, t}, c);
    fill(v, (SDL_Rect){r.x, r.y + r.h - t, r.w, t}, c);
    fill(v, (SDL_Rect){r.x, r.y, t, r.h}, c);
    fill(v, (SDL_Rect){r.x + r.w - t, r.y, t, r.h}, c);
}

/* A filled disc; dome: its upper half only. */
static void shape(struct qh_pad_view *v, int cx, int cy, int rad, int dome, col c)
{
    for (int dy = -rad; dy <= (dome ? 0 : rad); dy++) {
        int dx = (int)sqrt((double)rad * rad - (double)dy * dy);
        fill(v, (SDL_Rect){cx - dx, cy + dy, 2 * dx + 1, 1}, c);
    }
}

static void disc(struct qh_pad_view *v, int cx, int cy, int rad, col c)
{
    shape(v, cx, cy, rad, 0, c);
}

static void target(struct qh_pad_view *v, SDL_Rect r, enum qh_pad_btn b, int arg)
{
    if (v->nt < MAXT)
        v->t[v->nt++] = (struct qh_pad_target){r, b, arg};
}

/* A button with its words centred; primary: dark blue, else a white card. */
static void button(struct qh_pad_view *v, SDL_Rect r, const char *label, int primary,
                   enum qh_pad_btn b, int arg)
{
    int px = U(v, 28);
    fill(v, r, primary ? C_HEAD : C_CARD);
    if (!primary)
        frame(v, r, U(v, 2) > 1 ? U(v, 2) : 1, C_HEAD);
    line(v, label, px, QH_UI_BOLD, primary ? C_WHITE : C_HEAD, r.x + r.w / 2,
         r.y + (r.h - px * 4 / 3) / 2, r.w - U(v, 12), QH_UI_CENTER);
    target(v, r, b, arg);
}

/* A face: a disc with eyes and a mouth curved by the score. */
static void face(struct qh_pad_view *v, int cx, int cy, int rad, int score)
{
    disc(v, cx, cy, rad, C_FACE[score]);
    disc(v, cx - rad / 3, cy - rad / 4, rad / 8 + 1, C_INK);
    disc(v, cx + rad / 3, cy - rad / 4, rad / 8 + 1, C_INK);
    double c = (score - 3) / 2.0;       /* -1 frown .. 1 smile */
    int half = rad / 2, th = rad / 10 + 1, base = cy + rad * 3 / 10;
    for (int x = -half; x <= half; x++) {
        double q = (double)x / half;
        int y = base + (int)(c * rad * 0.22 * (1 - q * q)) - (int)(c * rad * 0.11);
        fill(v, (SDL_Rect){cx + x, y - th / 2, 1, th}, C_INK);
    }
}

static int header(struct qh_pad_view *v, const struct qh_pad_model *m)
{
    char left[320];
    int hh = U(v, 72);
    fill(v, (SDL_Rect){0, 0, v->w, hh}, C_HEAD);
    const char *name = v->lang == QH_LANG_EN && m->w.name_en[0] ? m->w.name_en : m->w.name;
    snprintf(left, sizeof left, T("%d号窗口  %s", "Window %d  %s"), m->window, name);
    SDL_Rect lb = {v->w - U(v, 8) - U(v, 130), U(v, 4), U(v, 130), hh - U(v, 8)};
    fill(v, lb, C_WHITE);
    line(v, v->lang == QH_LANG_EN ? "中文" : "English", U(v, 26), QH_UI_BOLD, C_HEAD,
         lb.x + lb.w / 2, lb.y + (lb.h - U(v, 26) * 4 / 3) / 2, lb.w - U(v, 8), QH_UI_CENTER);
    target(v, lb, QH_PB_LANG, 0);
    line(v, left, U(v, 30), QH_UI_BOLD, C_WHITE, U(v, 16), (hh - U(v, 30) * 4 / 3) / 2,
         lb.x - U(v, 32), QH_UI_LEFT);
    return hh;
}

/* The bottom bar: 服务监督, or that the pad cannot reach the hall. */
static int footer(struct qh_pad_view *v, const struct qh_pad_model *m, int show_phone)
{
    char s[160];
    int fh = U(v, 56), y = v->h - fh;
    if (m->offline || !m->have_window) {
        fill(v, (SDL_Rect){0, y, v->w, fh}, C_ALERT);
        line(v, m->offline ? T("暂时无法连接，请稍候", "Not connected, please wait")
                           : T("正在连接…", "Connecting…"),
             U(v, 26), QH_UI_BOLD, C_WHITE, v->w / 2, y + (fh - U(v, 26) * 4 / 3) / 2,
             v->w - U(v, 24), QH_UI_CENTER);
        return y;
    }
    if (!show_phone)
        return v->h;
    if (m->w.phone[0])
        snprintf(s, sizeof s, T("服务监督电话：%s · 12345", "Complaints: %s · 12345"), m->w.phone);
    else
        snprintf(s, sizeof s, "%s", T("服务监督电话：12345", "Complaints: 12345"));
    fill(v, (SDL_Rect){0, y, v->w, 1}, C_LINE);
    line(v, s, U(v, 26), QH_UI_REGULAR, C_INK, v->w / 2, y + (fh - U(v, 26) * 4 / 3) / 2,
         v->w - U(v, 24), QH_UI_CENTER);
    return y;
}

/* ---- screens ---- */

/* A big message and a line under it, centred between top and bottom. */
static void two_lines(struct qh_pad_view *v, const char *big, int px, col fg, const char *small,
                      int top, int bottom)
{
    int w, h1 = px * 4 / 3, h2 = U(v, 30) * 4 / 3, gap = U(v, 16);
    qh_ui_measure(v->ui, big, px, QH_UI_BOLD, &w, &h1);
    qh_ui_measure(v->ui, small, U(v, 30), QH_UI_REGULAR, &w, &h2);
    int y = top + (bottom - top - h1 - gap - h2) / 2;
    SDL_Rect r = line(v, big, px, QH_UI_BOLD, fg, v->w / 2, y, v->w - U(v, 32), QH_UI_CENTER);
    line(v, small, U(v, 30), QH_UI_REGULAR, C_INK, v->w / 2, y + (r.h ? r.h : h1) + gap,
         v->w - U(v, 32), QH_UI_CENTER);
}

/* The photo fills its frame cut to the frame's shape, centred (a face is
 * nearer the top: the cut takes more from the bottom of a tall one). */
static void photo(struct qh_pad_view *v, SDL_Rect r)
{
    fill(v, r, C_PHOTO);
    if (v->photo) {
        SDL_Rect src = {0, 0, v->photo_w, v->photo_h};
        if ((int64_t)v->photo_w * r.h > (int64_t)v->photo_h * r.w) {
            src.w = (int)((int64_t)v->photo_h * r.w / r.h);
            src.x = (v->photo_w - src.w) / 2;
        } else {
            src.h = (int)((int64_t)v->photo_w * r.h / r.w);
            src.y = (v->photo_h - src.h) / 4;
        }
        SDL_RenderCopy(v->r, v->photo, &src, &r);
        return;
    }
    int cx = r.x + r.w / 2, rad = r.w / 4;
    disc(v, cx, r.y + r.h * 2 / 5, rad, C_SIL);
    shape(v, cx, r.y + r.h - 1, r.w * 3 / 8, 1, C_SIL);     /* the shoulders */
}

static void draw_idle(struct qh_pad_view *v, const struct qh_pad_model *m, int top, int bottom)
{
    char s[160];
    int y = top;
    if (m->w.staff[0] && m->w.paused) {
        int w1, h1, w2, h2 = 0;
        qh_ui_measure(v->ui, "暂停服务", U(v, 40), QH_UI_BOLD, &w1, &h1);
        if (m->w.pause_reason[0])
            qh_ui_measure(v->ui, m->w.pause_reason, U(v, 26), QH_UI_REGULAR, &w2, &h2);
        int bh = U(v, 8) + h1 + h2 + U(v, 8);
        fill(v, (SDL_Rect){0, y, v->w, bh}, C_WARN);
        line(v, T("暂停服务", "Service paused"), U(v, 40), QH_UI_BOLD, C_ALERT, v->w / 2,
             y + U(v, 8), v->w - U(v, 24), QH_UI_CENTER);
        line(v, m->w.pause_reason, U(v, 26), QH_UI_REGULAR, C_INK, v->w / 2, y + U(v, 8) + h1,
             v->w - U(v, 24), QH_UI_CENTER);
        y += bh;
    }
    if (!m->w.staff[0]) {
        two_lines(v, T("未开放", "Closed"), U(v, 64), C_HEAD,
                  T("本窗口暂未开放，请到其他窗口办理", "This window is closed: please go to another"),
                  y, bottom);
        return;
    }
    int ph = U(v, 170), pw = ph * 4 / 5;
    const char *who = T("当前服务人员", "Serving you today");
    snprintf(s, sizeof s, T("工号：%s", "Staff no. %s"), m->w.staff);
    int tx, tw, ty, al;
    if (v->portrait) {
        int py = y + U(v, 24);
        photo(v, (SDL_Rect){(v->w - pw) / 2, py, pw, ph});
        tx = v->w / 2;
        tw = v->w - U(v, 32);
        ty = py + ph + U(v, 16);
        al = QH_UI_CENTER;
    } else {
        int py = y + (bottom - y - ph) / 2, px = U(v, 48);
        photo(v, (SDL_Rect){px, py, pw, ph});
        tx = px + pw + U(v, 36);
        tw = v->w - tx - U(v, 24);
        ty = py;
        al = QH_UI_LEFT;
    }
    SDL_Rect r = line(v, who, U(v, 26), QH_UI_REGULAR, C_MUTED, tx, ty, tw, al);
    ty += r.h + U(v, 6);
    r = line(v, m->w.staff_name, U(v, 48), QH_UI_BOLD, C_INK, tx, ty, tw, al);
    ty += r.h + U(v, 6);
    line(v, s, U(v, 28), QH_UI_REGULAR, C_INK, tx, ty, tw, al);
}

static void draw_called(struct qh_pad_view *v, const struct qh_pad_model *m, int top, int bottom)
{
    char s[96];
    snprintf(s, sizeof s, T("请 %s 号到本窗口", "Number %s, please come here"), m->w.number);
    two_lines(v, s, U(v, 56), C_HEAD, T("请带好您的材料", "Please bring your documents"), top,
              bottom);
}

static void draw_serving(struct qh_pad_view *v, const struct qh_pad_model *m, int top, int bottom)
{
    char s[256];
    int x = U(v, 24), w = v->w - 2 * x, y = top + U(v, 16);
    snprintf(s, sizeof s, T("正在为您办理：%s", "Now serving you: %s"),
             m->w.item[0] ? m->w.item : T("业务办理", "your case"));
    line(v, s, U(v, 32), QH_UI_BOLD, C_HEAD, x, y, w, QH_UI_LEFT);
    y += U(v, 50);
    if (m->w.promised_days > 0) {
        snprintf(s, sizeof s, T("承诺时限：%d个工作日", "Promised time: %d working days"),
                 m->w.promised_days);
        line(v, s, U(v, 26), QH_UI_REGULAR, C_INK, x, y, w, QH_UI_LEFT);
        y += U(v, 42);
    }
    if (!m->w.nmat)
        return;
    line(v, T("所需材料（一次性告知）：", "Documents needed (complete list):"), U(v, 26),
         QH_UI_BOLD, C_INK, x, y, w, QH_UI_LEFT);
    y += U(v, 42);
    int pitch = U(v, 38), cols = !v->portrait && m->w.nmat > 4 ? 2 : 1;
    int rows = (bottom - y - U(v, 8)) / pitch, cw = (w - (cols - 1) * U(v, 16)) / cols;
    if (rows < 1)
        return;
    if (rows > (m->w.nmat + cols - 1) / cols)       /* columns of even length */
        rows = (m->w.nmat + cols - 1) / cols;
    int room = rows * cols, shown = m->w.nmat <= room ? m->w.nmat : room - 1;
    for (int i = 0; i < shown; i++) {
        snprintf(s, sizeof s, "%d. %s", i + 1, m->w.mat[i]);
        line(v, s, U(v, 24), QH_UI_REGULAR, C_INK, x + (i / rows) * (cw + U(v, 16)),
             y + (i % rows) * pitch, cw, QH_UI_LEFT);
    }
    if (shown < m->w.nmat) {
        snprintf(s, sizeof s, T("……共%d项，请问工作人员", "… %d in all: ask the staff"),
                 m->w.nmat);
        line(v, s, U(v, 24), QH_UI_REGULAR, C_MUTED, x + (shown / rows) * (cw + U(v, 16)),
             y + (shown % rows) * pitch, cw, QH_UI_LEFT);
    }
}

/* 需补件: the finish note ("缺少材料：a；b") as one cell per material, in
 * two columns on a wide screen; at most `rows` rows. */
static int missing_items(const struct qh_pad_model *m, char items[][96], int max)
{
    char buf[sizeof m->missing];
    const char *p = strstr(m->missing, "：");
    int n = 0;
    if (strcmp(m->outcome, "supplement") || !m->missing[0])
        return 0;
    snprintf(buf, sizeof buf, "%s", p ? p + strlen("：") : m->missing);
    /* "；" is three bytes that "（" shares two of: split on the string */
    for (char *q = buf, *e; q && n < max; q = e) {
        if ((e = strstr(q, "；")) != NULL) {
            *e = '\0';
            e += strlen("；");
        }
        q = qh_text_trim(q);
        if (*q)
            qh_text_copy(items[n++], 96, q);
    }
    return n;
}

static int draw_missing(struct qh_pad_view *v, const struct qh_pad_model *m, int y)
{
    char items[QH_PAD_MATERIALS][96], more[64];
    int n = missing_items(m, items, QH_PAD_MATERIALS);
    if (!n)
        return 0;
    int x = U(v, 16), w = v->w - 2 * x, pad = U(v, 8), tw, th, lh;
    int cols = v->portrait ? 1 : 2, rows = v->portrait ? 4 : 2;
    qh_ui_measure(v->ui, "还需补交以下材料：", U(v, 26), QH_UI_BOLD, &tw, &th);
    qh_ui_measure(v->ui, "口", U(v, 24), QH_UI_REGULAR, &tw, &lh);
    int need = (n + cols - 1) / cols;
    if (need < rows)
        rows = need;
    int bh = pad + th + rows * lh + pad, cw = (w - 2 * pad) / cols;
    fill(v, (SDL_Rect){x, y, w, bh}, C_WARN);
    line(v, T("还需补交以下材料：", "Still needed:"), U(v, 26), QH_UI_BOLD, C_INK, x + pad,
         y + pad, w - 2 * pad, QH_UI_LEFT);
    int room = rows * cols, shown = n <= room ? n : room - 1;
    for (int i = 0; i <= shown && i < room; i++) {
        const char *s = items[i];
        if (i == shown) {
            if (shown == n)
                break;
            snprintf(more, sizeof more, T("……共%d项", "… %d in all"), n);
            s = more;
        }
        line(v, s, U(v, 24), QH_UI_REGULAR, C_INK, x + pad + (i % cols) * cw,
             y + pad + th + (i / cols) * lh, cw - U(v, 8), QH_UI_LEFT);
    }
    return bh + U(v, 8);
}

static void message(struct qh_pad_view *v, const struct qh_pad_model *m, int y)
{
    if (m->msg[0])
        line(v, m->msg, U(v, 24), QH_UI_BOLD, C_ALERT, v->w / 2, y, v->w - U(v, 32),
             QH_UI_CENTER);
}

/* Words in the box r (x at its left or centre by al): one line if they
 * fit at px (or down to 22 units), else two, split at the space nearest
 * the middle ("Very" / "dissatisfied"), never cut when a split exists. */
static void words(struct qh_pad_view *v, const char *s, int px, col fg, SDL_Rect r,
                  enum qh_ui_align al)
{
    char a[128];
    int w, h, x = al == QH_UI_CENTER ? r.x + r.w / 2 : r.x;
    const char *best = NULL;
    size_t len = strlen(s);
    qh_ui_measure(v->ui, s, U(v, 22) < px ? U(v, 22) : px, QH_UI_BOLD, &w, &h);
    for (const char *p = strchr(s, ' '); p && w > r.w; p = strchr(p + 1, ' '))
        if (!best || labs((long)(p - s) - (long)len / 2) < labs((long)(best - s) - (long)len / 2))
            best = p;
    if (!best) {
        qh_ui_measure(v->ui, s, px, QH_UI_BOLD, &w, &h);
        line(v, s, px, QH_UI_BOLD, fg, x, r.y + (r.h - h) / 2, r.w, al);
        return;
    }
    snprintf(a, sizeof a, "%.*s", (int)(best - s), s);
    px = U(v, 24) < px ? U(v, 24) : px;
    qh_ui_measure(v->ui, a, px, QH_UI_BOLD, &w, &h);
    int y = r.y + (r.h - 2 * h) / 2;
    line(v, a, px, QH_UI_BOLD, fg, x, y, r.w, al);
    line(v, best + 1, px, QH_UI_BOLD, fg, x, y + h, r.w, al);
}

static void draw_rate(struct qh_pad_view *v, const struct qh_pad_model *m, int top, int bottom)
{
    int y = top + U(v, 12);
    line(v, T("请对本次服务进行评价", "Please rate our service"), U(v, 38), QH_UI_BOLD, C_HEAD,
         v->w / 2, y, v->w - U(v, 32), QH_UI_CENTER);
    y += U(v, 60);
    y += draw_missing(v, m, y);
    int msgh = m->msg[0] ? U(v, 40) : 0, gap = U(v, 12), x = U(v, 16);
    int area = bottom - y - msgh - U(v, 12);
    for (int i = 0; i < 5; i++) {
        int score = 5 - i;
        SDL_Rect r;
        if (v->portrait) {
            int bh = (area - 4 * gap) / 5;
            r = (SDL_Rect){x, y + i * (bh + gap), v->w - 2 * x, bh};
        } else {
            int bw = (v->w - 2 * x - 4 * gap) / 5;
            r = (SDL_Rect){x + i * (bw + gap), y, bw, area};
        }
        fill(v, r, C_CARD);
        frame(v, r, U(v, 2) > 1 ? U(v, 2) : 1, C_LINE);
        const char *label = qh_pad_face_label(score, v->lang);
        if (v->portrait) {
            int rad = r.h * 2 / 5;
            face(v, r.x + U(v, 16) + rad, r.y + r.h / 2, rad, score);
            int tx = r.x + U(v, 32) + 2 * rad;
            words(v, label, U(v, 32), C_INK, (SDL_Rect){tx, r.y, r.x + r.w - tx - U(v, 8), r.h},
                  QH_UI_LEFT);
        } else {
            int lh = U(v, v->lang == QH_LANG_EN ? 80 : 48), rad = (r.h - lh - U(v, 16)) / 2;
            if (rad > r.w / 2 - U(v, 10))
                rad = r.w / 2 - U(v, 10);
            face(v, r.x + r.w / 2, r.y + U(v, 8) + (r.h - lh - U(v, 8)) / 2, rad, score);
            words(v, label, U(v, 28), C_INK,
                  (SDL_Rect){r.x + U(v, 4), r.y + r.h - lh - U(v, 4), r.w - U(v, 8), lh}, QH_UI_CENTER);
        }
        target(v, r, QH_PB_FACE, score);
    }
    message(v, m, bottom - msgh);
}

static void tickbox(struct qh_pad_view *v, SDL_Rect b, int on)
{
    fill(v, b, on ? C_HEAD : C_CARD);
    frame(v, b, U(v, 3) > 1 ? U(v, 3) : 1, C_HEAD);
    if (!on)
        return;
    /* a check mark drawn, not a glyph the font may lack */
    int t = b.w / 8 + 1;
    for (int i = 0; i < b.w / 3; i++)
        fill(v, (SDL_Rect){b.x + b.w / 5 + i, b.y + b.h / 2 + i - t / 2, t, t}, C_WHITE);
    for (int i = 0; i < b.w / 2; i++)
        fill(v, (SDL_Rect){b.x + b.w / 5 + b.w / 3 + i, b.y + b.h / 2 + b.w / 3 - i - t / 2, t, t},
             C_WHITE);
}

static void draw_reasons(struct qh_pad_view *v, const struct qh_pad_model *m, int top, int bottom)
{
    char s[160];
    int y = top + U(v, 10), x = U(v, 16), gap = U(v, 10);
    snprintf(s, sizeof s, T("您选择了「%s」，请选择原因（可多选）",
                            "You chose \"%s\": why? (choose one or more)"),
             qh_pad_face_label(m->score, v->lang));
    line(v, s, U(v, 28), QH_UI_BOLD, C_HEAD, v->w / 2, y, v->w - 2 * x, QH_UI_CENTER);
    y += U(v, 48);
    int bh = U(v, 72), by = bottom - bh - U(v, 10);
    int msgh = m->msg[0] ? U(v, 38) : 0;
    int n = qh_pad_reasons(m), cols = v->portrait ? 1 : v->w >= v->h * 3 / 2 ? 3 : 2;
    int rows = (n + cols - 1) / cols;
    int area = by - msgh - y - U(v, 6);
    int rh = (area - (rows - 1) * gap) / rows, cw = (v->w - 2 * x - (cols - 1) * gap) / cols;
    if (rh > U(v, 90))
        rh = U(v, 90);
    for (int i = 0; i < n; i++) {
        int on = (m->ticks >> i) & 1;
        SDL_Rect r = {x + (i % cols) * (cw + gap), y + (i / cols) * (rh + gap), cw, rh};
        fill(v, r, on ? C_SEL : C_CARD);
        frame(v, r, on ? U(v, 4) : (U(v, 2) > 1 ? U(v, 2) : 1), on ? C_HEAD : C_LINE);
        int bs = U(v, 34);
        tickbox(v, (SDL_Rect){r.x + U(v, 12), r.y + (r.h - bs) / 2, bs, bs}, on);
        int tx = r.x + U(v, 24) + bs;
        words(v, qh_pad_reason(m, i, v->lang), U(v, 26), C_INK,
              (SDL_Rect){tx, r.y + U(v, 2), r.x + r.w - tx - U(v, 6), r.h - U(v, 4)}, QH_UI_LEFT);
        target(v, r, QH_PB_REASON, i);
    }
    message(v, m, by - msgh);
    int bw = (v->w - 2 * x - gap) / 2;
    button(v, (SDL_Rect){x, by, bw, bh}, T("返回", "Back"), 0, QH_PB_BACK, 0);
    button(v, (SDL_Rect){x + bw + gap, by, bw, bh}, T("提交", "Submit"), 1, QH_PB_SUBMIT, 0);
}

static void draw_thanks(struct qh_pad_view *v, int top, int bottom)
{
    two_lines(v, T("感谢您的评价", "Thank you for your rating"), U(v, 56), C_GREEN,
              T("祝您生活愉快！", "Have a good day!"), top, bottom);
}

void qh_pad_view_draw(struct qh_pad_view *v, const struct qh_pad_model *m)
{
    SDL_GetRendererOutputSize(v->r, &v->w, &v->h);
    v->portrait = v->h > v->w;
    v->u = (v->w < v->h ? v->w : v->h) / 480.0;
    v->lang = m->lang;
    v->nt = 0;
    qh_ui_frame_begin(v->ui, m->wall_ms);
    fill(v, (SDL_Rect){0, 0, v->w, v->h}, C_BG);
    int top = header(v, m);
    int bottom = footer(v, m, m->screen == QH_PS_IDLE);
    switch (m->screen) {
    case QH_PS_IDLE: draw_idle(v, m, top, bottom); break;
    case QH_PS_CALLED: draw_called(v, m, top, bottom); break;
    case QH_PS_SERVING: draw_serving(v, m, top, bottom); break;
    case QH_PS_RATE: draw_rate(v, m, top, bottom); break;
    case QH_PS_REASONS: draw_reasons(v, m, top, bottom); break;
    case QH_PS_THANKS: draw_thanks(v, top, bottom); break;
    }
}
