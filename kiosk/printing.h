/* printing.h: the kiosk's printer hooks on CUPS (common/media/print.c): the
 * hall's [printer] queue, slips rendered by one renderer kept for the
 * life of the program. */
#ifndef QH_KIOSK_PRINTING_H
#define QH_KIOSK_PRINTING_H

#include "qh/hall.h"
#include "qh/slip.h"

#include "model.h"

struct qh_kiosk_cups {
    struct qh_store *s;
    struct qh_slip_renderer *r;     /* made on the first slip */
};

/* Fill *p with hooks that print through CUPS for store s. */
void qh_kiosk_cups_init(struct qh_kiosk_cups *c, struct qh_store *s,
                        struct qh_kiosk_printer *p);
void qh_kiosk_cups_fini(struct qh_kiosk_cups *c);

#endif
