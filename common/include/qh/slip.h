/* slip.h: the paper slip a citizen takes away, from one layout to three
 * outputs.
 *
 * The slip is drawn once, by us, into a 1-bit bitmap as wide as the
 * thermal head (384 dots for 58 mm paper, 576 for 80 mm, 203 dpi): CJK
 * text rendered with SDL_ttf through qhall_ui, the QR code from
 * libqrencode.  That bitmap then becomes ESC/POS raster (`GS v 0` + cut)
 * for a raw CUPS queue, so the printer needs no fonts of its own; or a
 * one-page PDF for an office printer; or a PNG to look at.
 *
 * Content (DOMAIN.md): centre name, queue name, the big number, service
 * item, people ahead, the wait as a range, date and time, the material
 * checklist (一次性告知), a QR code and how to rate the service. */
#ifndef QH_SLIP_H
#define QH_SLIP_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "qh/buf.h"
#include "qh/store.h"
#include "qh/ticket.h"

/* What goes on a slip.  hall is borrowed for the call. */
struct qh_slip {
    const struct qh_hall_conf *hall;
    struct qh_ticket_row ticket;
    struct qh_service service;    /* code "" when issued by queue */
    struct qh_issue_info info;
    enum qh_lang lang;
};

/* A rendered slip: w x h dots, one byte a dot, 1 = black. */
struct qh_slip_image {
    int w, h;
    uint8_t *px;
    SDL_Rect number;              /* where the big number was drawn */
    SDL_Rect qr;                  /* where the QR code was drawn */
    int qr_module;                /* dots per QR module */
};

struct qh_slip_renderer;

/* Dots across the head for a paper width in mm: 58 -> 384, else 576. */
int qh_slip_dots(int width_mm);

/* Fill *out for today's ticket `number` from the store: ticket, service,
 * people ahead and wait now.  QH_E_NOTFOUND if there is no such ticket. */
int qh_slip_load(struct qh_store *s, const char *number, struct qh_slip *out,
                 char *err, size_t errlen);

/* The QR code's text: the hall's [printer] qr template with {day}
 * {number} {queue} {service} filled in. */
void qh_slip_qr_text(const struct qh_slip *slip, char *out, size_t outlen);

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
/* Write the slip as a PNG (black on white). */
int qh_slip_png(const struct qh_slip_image *img, const char *path,
                char *err, size_t errlen);

#endif
