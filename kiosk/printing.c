/* printing.c: the model's printer hooks, on CUPS.  Everything printing
 * needs is in common/media/print.c; this only binds it to the hall's settings
 * and keeps the slip renderer (its fonts) warm between citizens. */
#include <stdio.h>
#include <string.h>

#include "qh/print.h"

#include "printing.h"

static int submit(void *ud, const char *number, int *job, char *printer,
                  size_t printerlen, char *err, size_t errlen)
{
    struct qh_kiosk_cups *c = ud;
    if (!c->s)          /* the model issues nothing then: a reprint, at most */
        return qh_err(err, errlen, QH_E_IO, "%s",
                      QH_TR(c->lang, "系统暂时无法连接，不能打印", "the system cannot be reached: "
                                                            "nothing printed"));
    return qh_print_ticket(c->s, &c->r, number, NULL, job, printer, printerlen, err,
                           errlen);
}

static int poll(void *ud, const char *printer, int job, char *err, size_t errlen)
{
    struct qh_kiosk_cups *c = ud;
    return qh_print_job_state(printer, job, c->s ? qh_hall_lang(c->s) : c->lang, err, errlen);
}

static void cancel(void *ud, const char *printer, int job)
{
    (void)ud;
    qh_print_cancel(printer, job);
}

static int status(void *ud, struct qh_printer_status *st, char *err, size_t errlen)
{
    struct qh_kiosk_cups *c = ud;
    if (c->s)
        snprintf(c->printer, sizeof c->printer, "%s", qh_hall_config(c->s)->printer.name);
    return qh_print_status(c->printer, c->s ? qh_hall_lang(c->s) : c->lang, st, err, errlen);
}

void qh_kiosk_cups_init(struct qh_kiosk_cups *c, struct qh_store *s, enum qh_lang lang,
                        struct qh_kiosk_printer *p)
{
    memset(c, 0, sizeof *c);
    c->lang = lang;
    qh_kiosk_cups_store(c, s);
    *p = (struct qh_kiosk_printer){submit, poll, cancel, status, c};
}

void qh_kiosk_cups_store(struct qh_kiosk_cups *c, struct qh_store *s)
{
    c->s = s;
    if (s)
        snprintf(c->printer, sizeof c->printer, "%s", qh_hall_config(s)->printer.name);
}

void qh_kiosk_cups_fini(struct qh_kiosk_cups *c)
{
    qh_slip_renderer_free(c->r);
    c->r = NULL;
}
