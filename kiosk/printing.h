/* printing.h: the kiosk's printer hooks on CUPS (common/media/print.c): the
 * hall's [printer] queue, slips rendered by one renderer kept for the
 * life of the program. */
#ifndef QH_KIOSK_PRINTING_H
#define QH_KIOSK_PRINTING_H

#include "qh/hall.h"
#include "qh/slip.h"

#include "model.h"

struct qh_kiosk_cups {
    struct qh_store *s;             /* NULL while the database is out of reach */
    struct qh_slip_renderer *r;     /* made on the first slip */
    enum qh_lang lang;
    char printer[128];              /* the hall's [printer] queue, as last seen */
};

/* Fill *p with hooks that print through CUPS for store s (NULL: none
 * yet; a slip needs the store, a job's state and the printer's do not). */
void qh_kiosk_cups_init(struct qh_kiosk_cups *c, struct qh_store *s,
                        enum qh_lang lang, struct qh_kiosk_printer *p);
/* The store came back (s) or went away (NULL). */
void qh_kiosk_cups_store(struct qh_kiosk_cups *c, struct qh_store *s);
void qh_kiosk_cups_fini(struct qh_kiosk_cups *c);

#endif
