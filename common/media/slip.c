/* slip.c: lay the slip out once, as a bitmap, and turn it into ESC/POS,
 * PDF or PNG.
 *
 * Thermal printers in Chinese halls have no CJK fonts we can rely on, and
 * office printers need a document anyway, so the slip is drawn here with
 * the same fonts and text cache the screens use (qh_ui on a software
 * renderer) and thresholded to 1 bit.  Sizes are for 80 mm paper (576
 * dots, 203 dpi: 8 dots a millimetre) and scale down for 58 mm; the body
 * text stays at 3.5 mm or more because the people reading it are often
 * old and without their glasses.
 *
 * The 补件告知单 (QH_SLIP_SUPPLEMENT) is laid out here too, from the
 * ticket's last `finished` event: the window's note is the only record of
 * which materials were missing, so it is parsed back rather than kept
 * twice. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_image.h>
#include <qrencode.h>

#include "qh/clock.h"
#include "qh/err.h"
#include "qh/slip.h"
#include "qh/text.h"
#include "qh/ui.h"

#define MAX_W 576
#define MAX_H 4096
#define BAND 256              /* rows per GS v 0: safe for small buffers */

struct qh_slip_renderer {
    SDL_Surface *surf;
    SDL_Renderer *r;
    struct qh_ui *ui;
};

static const struct qh_ui_color ink = {0, 0, 0, 255};
static const struct qh_ui_color paper = {255, 255, 255, 255};

int qh_slip_dots(int width_mm)
{
    return width_mm == 58 ? 384 : 576;
}

int qh_slip_load(struct qh_store *s, const char *number, struct qh_slip *out,
                 char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int rc = qh_ticket_get(s, number, &out->ticket, err, errlen);
    if (rc < 0)
        return rc;
    out->hall = qh_hall_config(s);
    out->lang = qh_hall_lang(s);
    if (out->ticket.service[0])
        qh_catalog_get(s, out->ticket.service, &out->service);
    if ((rc = qh_ticket_info(s, &out->ticket, &out->info)) < 0)
        return qh_err(err, errlen, rc, "%s", qh_strerror(rc));
    /* A ticket from before tokens keeps a slip without the page's QR. */
    qh_ticket_token(s, out->ticket.id, out->info.token, sizeof out->info.token);
    return 0;
}

int qh_slip_parse_missing(const char *note, char (*out)[160], int max)
{
    static const char *const prefixes[] = {"缺少材料：", "缺少材料:", "缺：", "missing:"};
    char buf[1024];
    int n = 0;
    snprintf(buf, sizeof buf, "%s", note ? note : "");
    char *p = qh_text_trim(buf);
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncmp(p, prefixes[i], strlen(prefixes[i]))) {
            p += strlen(prefixes[i]);
            break;
        }
    /* '；' (what the counter writes between items) and ';' (the
     * catalogue's separator, easy to type) both end an item. */
    while (*p && n < max) {
        char *semi = strstr(p, "；"), *ascii = strchr(p, ';'), *end;
        size_t skip;
        if (semi && (!ascii || semi < ascii)) {
            end = semi;
            skip = strlen("；");
        } else if (ascii) {
            end = ascii;
            skip = 1;
        } else {
            end = p + strlen(p);
            skip = 0;
        }
        char save = *end;
        *end = '\0';
        char *item = qh_text_trim(p);
        if (*item)
            snprintf(out[n++], 160, "%s", item);
        *end = save;
        p = end + skip;
    }
    return n;
}

struct last_finish {
    struct qh_event_row ev;
    int found;
};

static int last_finish(const struct qh_event_row *e, void *ud)
{
    struct last_finish *lf = ud;
    if (!strcmp(e->type, "finished")) {
        lf->ev = *e;
        lf->found = 1;
    }
    return 0;
}

int qh_slip_load_supplement(struct qh_store *s, const char *number,
                            struct qh_slip *out, char *err, size_t errlen)
{
    int rc = qh_slip_load(s, number, out, err, errlen);
    if (rc < 0)
        return rc;
    enum qh_lang lang = out->lang;
    const struct qh_ticket_row *t = &out->ticket;
    struct qh_slip_supplement *sp = &out->supp;
    out->kind = QH_SLIP_SUPPLEMENT;
    if (t->state != QH_TICKET_FINISHED || strcmp(t->outcome, "supplement"))
        return qh_err(err, errlen, QH_E_STATE,
                      QH_TR(lang, "%s号最近一次办结不是「需补件」，没有补件告知单",
                            "%s was not last finished as \"materials missing\": "
                            "there is no notice to print"), t->number);
    struct last_finish lf = {0};
    if ((rc = qh_hall_ticket_events_each(s, t->id, last_finish, &lf, err, errlen)) < 0)
        return rc;
    if (!lf.found)
        return qh_err(err, errlen, QH_E_NOTFOUND,
                      QH_TR(lang, "找不到%s号的办结记录", "no finish event for %s"), t->number);
    char note[sizeof lf.ev.detail];
    sp->finished_at = lf.ev.at;
    sp->window = lf.ev.window;
    snprintf(sp->staff, sizeof sp->staff, "%s", lf.ev.staff);
    struct qh_staff_row st;
    if (lf.ev.staff[0] && qh_staff_get(s, lf.ev.staff, &st) == 0)
        snprintf(sp->staff_name, sizeof sp->staff_name, "%s", st.name);
    const struct qh_window_conf *w = out->hall ? qh_conf_window(out->hall, lf.ev.window) : NULL;
    if (w)
        snprintf(sp->window_name, sizeof sp->window_name, "%s",
                 QH_TR(lang, w->name, w->name_en[0] ? w->name_en : w->name));
    if (qh_json_get_str(lf.ev.detail, "note", note, sizeof note))
        sp->nmissing = qh_slip_parse_missing(note, sp->missing, QH_SLIP_MISSING);
    return 0;
}

/* The default before the phone page: no phone could open it, so a hall
 * that still has it saved gets the page's address instead. */
static const char legacy_qr[] = "qhall:{day}:{number}";

int qh_slip_qr_text(const struct qh_slip *slip, char *out, size_t outlen)
{
    static const char *const keys[] = {"{url}", "{token}", "{day}", "{number}", "{queue}",
                                       "{service}"};
    enum { NKEYS = sizeof keys / sizeof keys[0] };
    const struct qh_hall_conf *h = slip->hall;
    const char *token = slip->info.token;
    char url[256] = "";
    if (h && h->web.base_url[0] && token[0])
        snprintf(url, sizeof url, "%s/t/%s", h->web.base_url, token);
    const char *vals[NKEYS] = {url, token, slip->ticket.day, slip->ticket.number,
                               slip->ticket.queue, slip->ticket.service};
    const char *t = h && h->printer.qr[0] && strcmp(h->printer.qr, legacy_qr) ? h->printer.qr
                                                                              : "{url}";
    size_t n = 0;
    if (!outlen)
        return 0;
    /* A template that needs the page (url, token) gives nothing without
     * it: a QR that opens nothing is worse than none. */
    if ((strstr(t, "{url}") && !url[0]) || (strstr(t, "{token}") && !token[0])) {
        out[0] = '\0';
        return 0;
    }
    while (*t && n + 1 < outlen) {
        size_t k;
        for (k = 0; k < NKEYS; k++)
            if (!strncmp(t, keys[k], strlen(keys[k])))
                break;
        if (k < NKEYS) {
            n += (size_t)snprintf(out + n, outlen - n, "%s", vals[k]);
            if (n >= outlen)
                n = outlen - 1;
            t += strlen(keys[k]);
        } else {
            out[n++] = *t++;
        }
    }
    out[n] = '\0';
    return (int)n;
}

int qh_slip_renderer_new(struct qh_slip_renderer **out, char *err, size_t errlen)
{
    struct qh_slip_renderer *r = calloc(1, sizeof *r);
    int rc;
    *out = NULL;
    if (!r)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    if ((rc = qh_ui_offscreen(MAX_W, MAX_H, &r->surf, &r->r, err, errlen)) < 0 ||
        (rc = qh_ui_new(&r->ui, r->r, err, errlen)) < 0) {
        qh_slip_renderer_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void qh_slip_renderer_free(struct qh_slip_renderer *r)
{
    if (!r)
        return;
    qh_ui_free(r->ui);
    if (r->r)
        SDL_DestroyRenderer(r->r);
    if (r->surf)
        SDL_FreeSurface(r->surf);
    free(r);
}

void qh_slip_image_free(struct qh_slip_image *img)
{
    if (!img)
        return;
    free(img->px);
    free(img);
}

/* ---- layout ---- */

struct pen {
    struct qh_ui *ui;
    int dots, margin, y;
    double sc;
};

static int S(const struct pen *p, int px)
{
    return (int)(px * p->sc + 0.5);
}

/* Byte length of the UTF-8 sequence starting with c. */
static size_t cp_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Where to end a line that would end at byte `fit` of s: never before a
 * closing mark (a line starting with 「，」 reads as a mistake) nor inside
 * a number or a Latin word (「5|号」, 「XK0|01」): back up, unless that
 * would leave the line empty. */
static size_t line_break(const char *s, size_t fit)
{
    static const char *const closing[] = {"，", "。", "、", "；", "：", "）", "」", "！",
                                          "？", ",", ".", ";", ":", ")", "!", "?"};
    size_t prev = fit;
    do
        prev--;
    while (prev > 0 && ((unsigned char)s[prev] & 0xC0) == 0x80);
    for (size_t i = 0; i < sizeof closing / sizeof closing[0]; i++)
        if (!strncmp(s + fit, closing[i], strlen(closing[i])))
            return prev > 0 ? prev : fit;
    size_t k = fit;
    while (k > 0 && isalnum((unsigned char)s[k - 1]))
        k--;
    /* A number keeps its unit too: 「到5|号窗口」 breaks before the 5. */
    if (s[fit] != ' ' && k < fit && k > 0 &&
        (isalnum((unsigned char)s[fit]) || isdigit((unsigned char)s[fit - 1])))
        return k;
    return fit;
}

/* Draw text wrapped to the slip's width, one line under the other,
 * `lead` dots in from the margin; lines after the first are indented by
 * `indent` dots more. */
static void para_at(struct pen *p, const char *text, int px, int weight,
                    enum qh_ui_align align, int lead, int indent)
{
    char line[512];
    const char *s = text;
    int first = 1;
    px = S(p, px);
    while (*s && p->y < MAX_H - 2 * px) {
        int maxw = p->dots - 2 * p->margin - lead - (first ? 0 : indent);
        size_t n = 0, fit = 0;
        /* Longest prefix that fits, by code points. */
        while (s[n]) {
            size_t k = cp_len((unsigned char)s[n]);
            int w, h;
            if (n + k >= sizeof line)
                break;
            memcpy(line, s, n + k);
            line[n + k] = '\0';
            if (qh_ui_measure(p->ui, line, px, weight, &w, &h) < 0 || w > maxw)
                break;
            n += k;
            fit = n;
        }
        if (!fit)
            fit = cp_len((unsigned char)s[0]);
        else if (s[fit])
            fit = line_break(s, fit);
        memcpy(line, s, fit);
        line[fit] = '\0';
        int x = align == QH_UI_CENTER ? p->dots / 2
                                      : p->margin + lead + (first ? 0 : indent);
        SDL_Rect box = qh_ui_text(p->ui, line, px, weight, ink, x, p->y, align);
        p->y += box.h ? box.h : px;
        s += fit;
        first = 0;
    }
}

static void para(struct pen *p, const char *text, int px, int weight,
                 enum qh_ui_align align, int indent)
{
    para_at(p, text, px, weight, align, 0, indent);
}

static void gap(struct pen *p, int px)
{
    p->y += S(p, px);
}

static void rule(struct pen *p)
{
    gap(p, 8);
    qh_ui_fill(p->ui, (SDL_Rect){p->margin, p->y, p->dots - 2 * p->margin,
                                 S(p, 3) > 2 ? S(p, 3) : 2}, ink);
    gap(p, 14);
}

static int draw_qr(struct pen *p, const char *text, SDL_Rect *where, int *module)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return QH_E_NOMEM;
    int m = p->dots >= 576 ? 6 : 4;
    int side = qr->width * m;
    int x0 = (p->dots - side) / 2, y0 = p->y + 4 * m;     /* quiet zone */
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            if (qr->data[y * qr->width + x] & 1)
                qh_ui_fill(p->ui, (SDL_Rect){x0 + x * m, y0 + y * m, m, m}, ink);
    *where = (SDL_Rect){x0, y0, side, side};
    *module = m;
    p->y = y0 + side + 4 * m;
    QRcode_free(qr);
    return 0;
}

static int layout_ticket(struct qh_slip_renderer *r, const struct qh_slip *slip,
                         struct pen *pen, SDL_Rect *nb_out, SDL_Rect *qb_out,
                         int *module_out, char *err, size_t errlen)
{
    const struct qh_hall_conf *h = slip->hall;
    enum qh_lang lang = slip->lang;
    const struct qh_ticket_row *t = &slip->ticket;
    const struct qh_queue_conf *q = h ? qh_conf_queue(h, t->queue) : NULL;
    char buf[1200], when[32], qrtext[256];
    struct pen p = *pen;
    int rc = 0;

    if (h)
        para(&p, QH_TR(lang, h->name, h->name_en[0] ? h->name_en : h->name), 30,
             QH_UI_BOLD, QH_UI_CENTER, 0);
    gap(&p, 6);
    if (q)
        para(&p, QH_TR(lang, q->name, q->name_en[0] ? q->name_en : q->name), 36,
             QH_UI_REGULAR, QH_UI_CENTER, 0);

    /* The number: as large as the paper allows, it is what they keep. */
    int npx = qh_ui_fit(r->ui, t->number, S(&p, 170), S(&p, 60), QH_UI_BOLD,
                        p.dots - 2 * p.margin);
    SDL_Rect nb = qh_ui_text(r->ui, t->number, npx, QH_UI_BOLD, ink, p.dots / 2,
                             p.y, QH_UI_CENTER);
    p.y += nb.h;
    if (t->green[0]) {
        snprintf(buf, sizeof buf, QH_TR(lang, "绿色通道 · %s", "Priority: %s"),
                 qh_green_label(t->green, lang));
        para(&p, buf, 30, QH_UI_BOLD, QH_UI_CENTER, 0);
    }
    if (t->appointment)
        para(&p, QH_TR(lang, "预约签到", "Appointment"), 28, QH_UI_BOLD, QH_UI_CENTER, 0);
    gap(&p, 10);

    if (slip->service.code[0])
        snprintf(buf, sizeof buf, QH_TR(lang, "事项：%s", "Service: %s"),
                 slip->service.name);
    else
        snprintf(buf, sizeof buf, "%s", QH_TR(lang, "事项：请到窗口说明您要办理的事",
                                               "Service: tell the window what you need"));
    para(&p, buf, 28, QH_UI_REGULAR, QH_UI_LEFT, S(&p, 28) * 3);
    snprintf(buf, sizeof buf, QH_TR(lang, "您前面还有 %d 人", "People ahead of you: %d"),
             slip->info.ahead);
    para(&p, buf, 28, QH_UI_REGULAR, QH_UI_LEFT, 0);
    char wait[128];
    qh_ticket_wait_text(h, &slip->info, lang, wait, sizeof wait);
    snprintf(buf, sizeof buf, QH_TR(lang, "%s（仅供参考）", "%s (an estimate)"), wait);
    para(&p, buf, 28, QH_UI_REGULAR, QH_UI_LEFT, 0);
    qh_clock_iso(h ? h->timezone : "Asia/Shanghai", t->issued_at, when);
    snprintf(buf, sizeof buf, QH_TR(lang, "取号时间：%.10s %.5s", "Issued: %.10s %.5s"),
             when, when + 11);
    para(&p, buf, 28, QH_UI_REGULAR, QH_UI_LEFT, 0);

    rule(&p);
    if (slip->service.code[0] && slip->service.materials[0]) {
        para(&p, QH_TR(lang, "请准备以下材料（一次性告知）：",
                       "Please bring (complete list):"), 28, QH_UI_BOLD, QH_UI_LEFT, 0);
        char mats[sizeof slip->service.materials];
        snprintf(mats, sizeof mats, "%s", slip->service.materials);
        int i = 0;
        for (char *save = NULL, *m = strtok_r(mats, ";", &save); m;
             m = strtok_r(NULL, ";", &save)) {
            snprintf(buf, sizeof buf, "%d. %s", ++i, qh_text_trim(m));
            para(&p, buf, 28, QH_UI_REGULAR, QH_UI_LEFT, S(&p, 28) * 3 / 2);
        }
    } else {
        para(&p, slip->service.code[0]
                     ? QH_TR(lang, "本事项无需准备材料。", "No documents needed.")
                     : QH_TR(lang, "请带好身份证件，到窗口说明来意。",
                             "Bring your ID and tell the window what you need."),
             28, QH_UI_REGULAR, QH_UI_LEFT, 0);
    }
    rule(&p);

    SDL_Rect qb = {0, 0, 0, 0};
    int module = 0;
    int page = 0;             /* the QR opens qhall serve's page */
    if (qh_slip_qr_text(slip, qrtext, sizeof qrtext) > 0) {
        if ((rc = draw_qr(&p, qrtext, &qb, &module)) < 0) {
            qh_err(err, errlen, rc, "QR code: out of memory");
            return rc;
        }
        page = h && h->web.base_url[0] && slip->info.token[0] &&
               strstr(qrtext, slip->info.token);
        para(&p, page ? QH_TR(lang, "扫码查看排队进度，办完后可扫码评价",
                              "Scan to follow the queue, and to rate us afterwards")
                      : QH_TR(lang, "扫码查看排队进度", "Scan to follow the queue"),
             24, QH_UI_REGULAR, QH_UI_CENTER, 0);
        gap(&p, 8);
    }
    para(&p, page ? QH_TR(lang, "办完后，请在窗口的评价器上或扫上面的二维码为本次服务打分（好差评），谢谢！",
                          "When you are done, please rate our service on the window's rating pad"
                          " or with the QR code above.")
                  : QH_TR(lang, "办完后，请在窗口的评价器上为本次服务打分（好差评），谢谢！",
                          "When you are done, please rate our service on the window's rating pad."),
         26, QH_UI_REGULAR, QH_UI_LEFT, 0);
    if (h && (lang == QH_LANG_EN ? h->notice_en : h->notice)[0]) {
        gap(&p, 6);
        para(&p, lang == QH_LANG_EN ? h->notice_en : h->notice, 24, QH_UI_REGULAR,
             QH_UI_LEFT, 0);
    }
    gap(&p, 24);
    *nb_out = nb;
    *qb_out = qb;
    *module_out = module;
    *pen = p;
    return 0;
}

/* A box to tick at home, then the item beside it, wrapped under itself. */
static void checkbox_item(struct pen *p, const char *text, int px)
{
    int w, lh = 0;
    qh_ui_measure(p->ui, "口", S(p, px), QH_UI_REGULAR, &w, &lh);
    int side = S(p, px), line = S(p, 3) > 2 ? S(p, 3) : 2;
    int x = p->margin + S(p, 2), y = p->y + (lh - side) / 2;
    qh_ui_fill(p->ui, (SDL_Rect){x, y, side, line}, ink);
    qh_ui_fill(p->ui, (SDL_Rect){x, y + side - line, side, line}, ink);
    qh_ui_fill(p->ui, (SDL_Rect){x, y, line, side}, ink);
    qh_ui_fill(p->ui, (SDL_Rect){x + side - line, y, line, side}, ink);
    para_at(p, text, px, QH_UI_REGULAR, QH_UI_LEFT, side + S(p, 16), 0);
    gap(p, 6);
}

/* The 补件告知单: what is missing, and what to do next, in words a
 * citizen can follow at home without anyone to ask. */
static void layout_supplement(struct qh_slip_renderer *r, const struct qh_slip *slip,
                              struct pen *p, SDL_Rect *nb)
{
    const struct qh_hall_conf *h = slip->hall;
    enum qh_lang lang = slip->lang;
    const struct qh_ticket_row *t = &slip->ticket;
    const struct qh_slip_supplement *sp = &slip->supp;
    char buf[1200], when[32];

    if (h)
        para(p, QH_TR(lang, h->name, h->name_en[0] ? h->name_en : h->name), 30,
             QH_UI_BOLD, QH_UI_CENTER, 0);
    gap(p, 10);
    para(p, QH_TR(lang, "补件告知单", "Missing Documents"), 56, QH_UI_BOLD, QH_UI_CENTER, 0);
    para(p, QH_TR(lang, "（一次性告知）", "(the complete list, told once)"), 26,
         QH_UI_REGULAR, QH_UI_CENTER, 0);
    rule(p);

    int npx = qh_ui_fit(r->ui, t->number, S(p, 96), S(p, 48), QH_UI_BOLD,
                        p->dots - 2 * p->margin);
    *nb = qh_ui_text(r->ui, t->number, npx, QH_UI_BOLD, ink, p->dots / 2, p->y,
                     QH_UI_CENTER);
    p->y += nb->h;
    gap(p, 6);
    int ind = S(p, 28) * 5;       /* under the text after "事项：" etc. */
    if (slip->service.code[0]) {
        snprintf(buf, sizeof buf, QH_TR(lang, "事项：%s", "Service: %s"), slip->service.name);
        para(p, buf, 28, QH_UI_REGULAR, QH_UI_LEFT, S(p, 28) * 3);
        snprintf(buf, sizeof buf, QH_TR(lang, "事项编码：%s", "Service code: %s"),
                 slip->service.code);
        para(p, buf, 28, QH_UI_REGULAR, QH_UI_LEFT, ind);
    }
    if (sp->window_name[0])
        snprintf(buf, sizeof buf, QH_TR(lang, "办理窗口：%d号窗口（%s）", "Window: %d (%s)"),
                 sp->window, sp->window_name);
    else
        snprintf(buf, sizeof buf, QH_TR(lang, "办理窗口：%d号窗口", "Window: %d"), sp->window);
    para(p, buf, 28, QH_UI_REGULAR, QH_UI_LEFT, ind);
    if (sp->staff[0]) {
        if (sp->staff_name[0])
            snprintf(buf, sizeof buf, QH_TR(lang, "经办人员：%s（工号 %s）", "Staff: %s (ID %s)"),
                     sp->staff_name, sp->staff);
        else
            snprintf(buf, sizeof buf, QH_TR(lang, "经办人员：工号 %s", "Staff: ID %s"), sp->staff);
        para(p, buf, 28, QH_UI_REGULAR, QH_UI_LEFT, ind);
    }
    qh_clock_iso(h ? h->timezone : "Asia/Shanghai", sp->finished_at, when);
    snprintf(buf, sizeof buf, QH_TR(lang, "告知时间：%.10s %.5s", "Date: %.10s %.5s"),
             when, when + 11);
    para(p, buf, 28, QH_UI_REGULAR, QH_UI_LEFT, 0);
    rule(p);

    if (sp->nmissing) {
        para(p, QH_TR(lang, "您还需要补齐以下材料：", "You still need to bring:"), 32,
             QH_UI_BOLD, QH_UI_LEFT, 0);
        gap(p, 8);
        for (int i = 0; i < sp->nmissing; i++) {
            snprintf(buf, sizeof buf, "%d. %s", i + 1, sp->missing[i]);
            checkbox_item(p, buf, 32);
        }
        gap(p, 4);
        para(p, QH_TR(lang, "备齐一项，可在方框里打个勾。", "Tick each box when you have it."),
             24, QH_UI_REGULAR, QH_UI_LEFT, 0);
    } else {
        para(p, QH_TR(lang, "需要补齐的材料，请向窗口工作人员问清楚。",
                      "Please ask the window which documents are still needed."),
             30, QH_UI_BOLD, QH_UI_LEFT, 0);
    }
    rule(p);

    /* A finished ticket stays finished: coming back means a new number.
     * Saying otherwise would send them to a window that cannot call them. */
    para(p, QH_TR(lang, "补齐材料后，请重新取号办理。",
                  "When you have everything, please take a new number."),
         32, QH_UI_BOLD, QH_UI_LEFT, 0);
    gap(p, 4);
    para(p, QH_TR(lang, "来时请带上本告知单，方便窗口核对。",
                  "Bring this notice with you: the window will check it."),
         28, QH_UI_REGULAR, QH_UI_LEFT, 0);
    if (slip->service.code[0] && slip->service.promised_days > 0) {
        snprintf(buf, sizeof buf,
                 QH_TR(lang, "材料齐全后，承诺%d个工作日内办结。",
                       "With all documents, done within %d working days."),
                 slip->service.promised_days);
        para(p, buf, 28, QH_UI_REGULAR, QH_UI_LEFT, 0);
    }
    para(p, QH_TR(lang, "有疑问请随时问我们，我们帮您。",
                  "Anything unclear? Ask us: we are glad to help."),
         28, QH_UI_REGULAR, QH_UI_LEFT, 0);
    if (h && (lang == QH_LANG_EN ? h->notice_en : h->notice)[0]) {
        gap(p, 8);
        para(p, lang == QH_LANG_EN ? h->notice_en : h->notice, 24, QH_UI_REGULAR,
             QH_UI_LEFT, 0);
    }
    gap(p, 24);
}

int qh_slip_render(struct qh_slip_renderer *r, const struct qh_slip *slip,
                   int dots, struct qh_slip_image **out, char *err, size_t errlen)
{
    struct pen p = {r->ui, dots == 384 ? 384 : 576, 0, 0, 0};
    SDL_Rect nb = {0, 0, 0, 0}, qb = {0, 0, 0, 0};
    int module = 0, rc;

    *out = NULL;
    p.sc = p.dots / 576.0;
    p.margin = S(&p, 16);
    p.y = S(&p, 20);
    qh_ui_frame_begin(r->ui, 0);
    qh_ui_fill(r->ui, (SDL_Rect){0, 0, MAX_W, MAX_H}, paper);
    if (slip->kind == QH_SLIP_SUPPLEMENT)
        layout_supplement(r, slip, &p, &nb);
    else if ((rc = layout_ticket(r, slip, &p, &nb, &qb, &module, err, errlen)) < 0)
        return rc;

    int height = p.y < MAX_H ? p.y : MAX_H;
    struct qh_slip_image *img = calloc(1, sizeof *img);
    uint32_t *rgba = malloc((size_t)p.dots * (size_t)height * 4);
    if (!img || !rgba || !(img->px = malloc((size_t)p.dots * (size_t)height))) {
        free(rgba);
        qh_slip_image_free(img);
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    }
    SDL_Rect all = {0, 0, p.dots, height};
    if (SDL_RenderReadPixels(r->r, &all, SDL_PIXELFORMAT_RGBA8888, rgba, p.dots * 4) < 0) {
        free(rgba);
        qh_slip_image_free(img);
        return qh_err(err, errlen, QH_E_IO, "read slip pixels: %s", SDL_GetError());
    }
    /* Anti-aliased glyph edges: half-grey and darker becomes a dot. */
    for (size_t i = 0; i < (size_t)p.dots * (size_t)height; i++) {
        uint32_t v = rgba[i];
        unsigned lum = (299 * ((v >> 24) & 255) + 587 * ((v >> 16) & 255) +
                        114 * ((v >> 8) & 255)) / 1000;
        img->px[i] = lum < 128;
    }
    free(rgba);
    img->w = p.dots;
    img->h = height;
    img->number = (struct qh_slip_box){nb.x, nb.y, nb.w, nb.h};
    img->qr = (struct qh_slip_box){qb.x, qb.y, qb.w, qb.h};
    img->qr_module = module;
    *out = img;
    return 0;
}

/* ---- outputs ---- */

static void put2(struct qh_buf *b, int v)
{
    char c[2] = {(char)(v & 255), (char)((v >> 8) & 255)};
    qh_buf_add(b, c, 2);
}

/* Row y packed MSB first, 1 = black, into row (w/8 rounded up bytes). */
static void pack_row(const struct qh_slip_image *img, int y, unsigned char *row)
{
    int bw = (img->w + 7) / 8;
    memset(row, 0, (size_t)bw);
    for (int x = 0; x < img->w; x++)
        if (img->px[(size_t)y * (size_t)img->w + (size_t)x])
            row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
}

int qh_slip_escpos(const struct qh_slip_image *img, struct qh_buf *out)
{
    unsigned char row[MAX_W / 8];
    int bw = (img->w + 7) / 8;
    qh_buf_add(out, "\x1b\x40", 2);                 /* ESC @: initialise */
    for (int y0 = 0; y0 < img->h; y0 += BAND) {
        int rows = img->h - y0 < BAND ? img->h - y0 : BAND;
        qh_buf_add(out, "\x1d\x76\x30\x00", 4);     /* GS v 0, normal scale */
        put2(out, bw);
        put2(out, rows);
        for (int y = y0; y < y0 + rows; y++) {
            pack_row(img, y, row);
            qh_buf_add(out, (const char *)row, (size_t)bw);
        }
    }
    qh_buf_add(out, "\x1b\x64\x03", 3);             /* ESC d 3: feed 3 lines */
    qh_buf_add(out, "\x1d\x56\x42\x00", 4);         /* GS V 66 0: feed, partial cut */
    return out->oom ? QH_E_NOMEM : 0;
}

/* PDF's RunLengthDecode: a slip is mostly white rows, which this shrinks
 * to a few bytes each, with no zlib needed. */
static void run_length(struct qh_buf *b, const unsigned char *d, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t run = 1;
        while (i + run < n && run < 128 && d[i + run] == d[i])
            run++;
        if (run >= 2) {
            char hdr = (char)(257 - run);
            qh_buf_add(b, &hdr, 1);
            qh_buf_add(b, (const char *)d + i, 1);
            i += run;
            continue;
        }
        size_t lit = 1;
        while (i + lit < n && lit < 128 &&
               !(i + lit + 1 < n && d[i + lit] == d[i + lit + 1]))
            lit++;
        char hdr = (char)(lit - 1);
        qh_buf_add(b, &hdr, 1);
        qh_buf_add(b, (const char *)d + i, lit);
        i += lit;
    }
    qh_buf_add(b, "\x80", 1);                       /* EOD */
}

int qh_slip_pdf(const struct qh_slip_image *img, struct qh_buf *out)
{
    struct qh_buf data, content;
    size_t off[6];
    int bw = (img->w + 7) / 8;
    unsigned char *bits = malloc((size_t)bw * (size_t)img->h);
    if (!bits)
        return QH_E_NOMEM;
    for (int y = 0; y < img->h; y++)
        pack_row(img, y, bits + (size_t)y * (size_t)bw);
    qh_buf_init(&data);
    qh_buf_init(&content);
    run_length(&data, bits, (size_t)bw * (size_t)img->h);
    free(bits);

    /* A4 in points; the slip at 203 dpi, centred at the top, scaled down
     * only if it is longer than the page. */
    const double pw = 595.28, ph = 841.89, margin = 36;
    double w = img->w * 72.0 / 203.0, hh = img->h * 72.0 / 203.0;
    if (hh > ph - 2 * margin) {
        double k = (ph - 2 * margin) / hh;
        w *= k;
        hh *= k;
    }
    qh_buf_printf(&content, "q %.2f 0 0 %.2f %.2f %.2f cm /Im0 Do Q\n", w, hh,
                  (pw - w) / 2, ph - margin - hh);

    size_t start = out->len;
    qh_buf_add(out, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 15);
    off[1] = out->len - start;
    qh_buf_puts(out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    off[2] = out->len - start;
    qh_buf_puts(out, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    off[3] = out->len - start;
    qh_buf_printf(out, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f]"
                       " /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>\n"
                       "endobj\n", pw, ph);
    off[4] = out->len - start;
    qh_buf_printf(out, "4 0 obj\n<< /Length %zu >>\nstream\n", content.len);
    qh_buf_add(out, qh_buf_str(&content), content.len);
    qh_buf_puts(out, "endstream\nendobj\n");
    off[5] = out->len - start;
    /* 1-bit DeviceGray reads 0 as black: Decode flips our 1 = black. */
    qh_buf_printf(out, "5 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d"
                       " /ColorSpace /DeviceGray /BitsPerComponent 1 /Decode [1 0]"
                       " /Filter /RunLengthDecode /Length %zu >>\nstream\n",
                  img->w, img->h, data.len);
    qh_buf_add(out, data.p, data.len);
    qh_buf_puts(out, "\nendstream\nendobj\n");
    size_t xref = out->len - start;
    qh_buf_puts(out, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 1; i <= 5; i++)
        qh_buf_printf(out, "%010zu 00000 n \n", off[i]);
    qh_buf_printf(out, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                  xref);
    int oom = data.oom || content.oom || out->oom;
    qh_buf_fini(&data);
    qh_buf_fini(&content);
    return oom ? QH_E_NOMEM : 0;
}

int qh_slip_document(struct qh_slip_renderer *r, const struct qh_slip *slip,
                     const struct qh_printer_conf *pc, struct qh_buf *out,
                     const char **format, char *err, size_t errlen)
{
    struct qh_slip_image *img = NULL;
    int pdf = !strcmp(pc->kind, "pdf");
    int rc = qh_slip_render(r, slip, qh_slip_dots(pc->width), &img, err, errlen);
    if (rc < 0)
        return rc;
    rc = pdf ? qh_slip_pdf(img, out) : qh_slip_escpos(img, out);
    qh_slip_image_free(img);
    if (rc < 0)
        return qh_err(err, errlen, rc, "out of memory");
    *format = pdf ? "application/pdf" : "application/vnd.cups-raw";
    return 0;
}

int qh_slip_png(const struct qh_slip_image *img, const char *path,
                char *err, size_t errlen)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, img->w, img->h, 8,
                                                    SDL_PIXELFORMAT_INDEX8);
    if (!s)
        return qh_err(err, errlen, QH_E_NOMEM, "surface: %s", SDL_GetError());
    SDL_Color pal[2] = {{255, 255, 255, 255}, {0, 0, 0, 255}};
    SDL_SetPaletteColors(s->format->palette, pal, 0, 2);
    for (int y = 0; y < img->h; y++)
        memcpy((uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch,
               img->px + (size_t)y * (size_t)img->w, (size_t)img->w);
    int rc = 0;
    if (IMG_SavePNG(s, path) < 0)
        rc = qh_err(err, errlen, QH_E_IO, "%s: %s", path, IMG_GetError());
    SDL_FreeSurface(s);
    return rc;
}
