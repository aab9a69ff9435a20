/* slip.h: the paper slip a citizen takes away, from one layout to three
 * outputs.
 *
 * The slip is drawn once, by us, into a 1-bit bitmap as wide as the
 * thermal head (384 dots for 58 mm paper, 576 for 80 mm, 203 dpi): CJK
 * text rendered with SDL_ttf through qh_ui, the QR code from
 * libqrencode.  That bitmap then becomes ESC/POS raster (`GS v 0` + cut)
 * for a raw CUPS queue, so the printer needs no fonts of its own; or a
 * one-page PDF for an office printer; or a PNG to look at.
 *
 * Content (DOMAIN.md): centre name, queue name, the big number, service
 * item, people ahead, the wait as a range, date and time, the material
 * checklist (一次性告知), a QR code and how to rate the service.
 *
 * The second kind, the 补件告知单, is what a citizen takes home when a
 * window finished their case with 需补件: the number, the item and its
 * code, when and where (window, staff), every missing material with a box
 * to tick off at home, and what to do next.  Same renderer, same outputs. */
#ifndef QH_SLIP_H
#define QH_SLIP_H

#include <stddef.h>
#include <stdint.h>

#include "qh/buf.h"
#include "qh/ticket.h"

enum qh_slip_kind {
    QH_SLIP_TICKET = 0,           /* the number slip from the kiosk */
    QH_SLIP_SUPPLEMENT,           /* 补件告知单: the missing materials */
};

#define QH_SLIP_MISSING 32

/* The 需补件 finish a 补件告知单 tells about. */
struct qh_slip_supplement {
    int64_t finished_at;
    int window;
    char window_name[128];
    char staff[QH_STAFF_LEN];
    char staff_name[QH_TEXT_NAME_LEN];  /* "" if the staff is gone */
    int nmissing;                 /* 0: the window wrote no list */
    char missing[QH_SLIP_MISSING][160];
};

/* What goes on a slip.  hall is borrowed for the call.  A zeroed kind is
 * the ticket slip, so callers that fill the struct themselves keep it. */
struct qh_slip {
    const struct qh_hall_conf *hall;
    struct qh_ticket_row ticket;
    struct qh_service service;    /* code "" when issued by queue */
    struct qh_issue_info info;
    enum qh_lang lang;
    enum qh_slip_kind kind;
    struct qh_slip_supplement supp;   /* QH_SLIP_SUPPLEMENT only */
};

/* A rectangle of dots on the slip.  Not SDL's: this header is read by
 * code that must build without SDL (the kiosk's model reaches it through
 * qh/print.h). */
struct qh_slip_box {
    int x, y, w, h;
};

/* A rendered slip: w x h dots, one byte a dot, 1 = black. */
struct qh_slip_image {
    int w, h;
    uint8_t *px;
    struct qh_slip_box number;    /* where the big number was drawn */
    struct qh_slip_box qr;        /* where the QR code was drawn */
    int qr_module;                /* dots per QR module */
};

struct qh_slip_renderer;

/* Dots across the head for a paper width in mm: 58 -> 384, else 576. */
int qh_slip_dots(int width_mm);

/* Fill *out for today's ticket `number` from the store: ticket, service,
 * people ahead and wait now.  QH_E_NOTFOUND if there is no such ticket. */
int qh_slip_load(struct qh_store *s, const char *number, struct qh_slip *out,
                 char *err, size_t errlen);

/* Fill *out for the 补件告知单 of today's ticket `number`: as qh_slip_load,
 * plus its last `finished` event (window, staff, time) and the missing
 * materials parsed from that event's note (qh_slip_parse_missing).
 * QH_E_NOTFOUND if there is no such ticket; QH_E_STATE when the ticket's
 * last finish was not 需补件 (supplement). */
int qh_slip_load_supplement(struct qh_store *s, const char *number,
                            struct qh_slip *out, char *err, size_t errlen);
/* Split a 需补件 note as the counter writes it -- 「缺少材料：A；B；说明」 or
 * "missing: A；B" -- into items (a note without the prefix is all items;
 * '；' and ';' separate).  Returns the count, at most max. */
int qh_slip_parse_missing(const char *note, char (*out)[160], int max);

/* The QR code's text: the hall's [printer] qr template (default "{url}")
 * with {url} ([web] base_url + "/t/" + the ticket's token), {token},
 * {day}, {number}, {queue}, {service} filled in.  Its length; 0 (out "")
 * when the template needs the phone page and the hall has none (no
 * base_url, or a ticket without a token): the slip then has no QR. */
int qh_slip_qr_text(const struct qh_slip *slip, char *out, size_t outlen);

/* A renderer keeps its fonts and drawing surface between slips (opening
 * a CJK font costs more than drawing a slip).  _free(NULL) is a no-op.
 * Not thread-safe. */
int qh_slip_renderer_new(struct qh_slip_renderer **out, char *err, size_t errlen);
void qh_slip_renderer_free(struct qh_slip_renderer *r);

/* Lay the slip out `dots` wide (384 or 576).  *out (caller frees with
 * qh_slip_image_free) receives the bitmap.  QH_E_NOMEM, QH_E_IO. */
int qh_slip_render(struct qh_slip_renderer *r, const struct qh_slip *slip,
                   int dots, struct qh_slip_image **out, char *err, size_t errlen);
void qh_slip_image_free(struct qh_slip_image *img);    /* NULL is a no-op */

/* Append the ESC/POS bytes: ESC @, the raster in GS v 0 bands, feed and
 * a partial cut.  QH_E_NOMEM. */
int qh_slip_escpos(const struct qh_slip_image *img, struct qh_buf *out);
/* Append a one-page A4 PDF with the slip at its real size (203 dpi),
 * centred at the top; a slip longer than the page is scaled to fit. */
int qh_slip_pdf(const struct qh_slip_image *img, struct qh_buf *out);
/* The document for a printer: the slip rendered pc->width mm wide, as
 * ESC/POS or (pc->kind "pdf") PDF, appended to out; *format receives
 * the CUPS document format for qh_print_submit.  As qh_slip_render. */
int qh_slip_document(struct qh_slip_renderer *r, const struct qh_slip *slip,
                     const struct qh_printer_conf *pc, struct qh_buf *out,
                     const char **format, char *err, size_t errlen);
/* Write the slip as a PNG (black on white). */
int qh_slip_png(const struct qh_slip_image *img, const char *path,
                char *err, size_t errlen);

#endif
