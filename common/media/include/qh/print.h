/* print.h: sending slips to a printer through CUPS, and knowing when it
 * did not work.
 *
 * No print dialog ever: the printer is the hall's [printer] name, else the
 * CUPS default.  libcups reads the server from CUPS_SERVER (a socket path
 * or host:port), so tests point it at a private cupsd.
 *
 * Every failure a citizen could suffer -- printer missing, stopped, not
 * accepting jobs, out of paper, paper jam, cover open, job aborted --
 * comes back as QH_E_IO with one plain sentence (Chinese unless lang is
 * English) fit for the kiosk screen and the event log. */
#ifndef QH_PRINT_H
#define QH_PRINT_H

#include <stddef.h>

#include "qh/err.h"
#include "qh/hall.h"
#include "qh/slip.h"

struct qh_printer_status {
    char name[128];           /* the queue (the default's name when "" asked) */
    int state;                /* IPP printer-state: 3 idle, 4 processing, 5 stopped */
    int accepting;            /* printer-is-accepting-jobs */
    char reasons[512];        /* printer-state-reasons, comma separated */
    char message[256];        /* printer-state-message, may be "" */
    int paper_low;            /* media-low: warn the staff, still prints */
};

enum qh_print_job_state {
    QH_PRINT_PENDING = 0,     /* accepted, not finished yet */
    QH_PRINT_DONE = 1,        /* the printer has it all */
};

/* Ask CUPS about `printer` (NULL or "": the default).  QH_E_IO when the
 * printer does not exist, there is no default, or CUPS cannot be reached;
 * otherwise 0 and *st filled (a stopped printer is still 0: see
 * qh_print_problem). */
int qh_print_status(const char *printer, enum qh_lang lang,
                    struct qh_printer_status *st, char *err, size_t errlen);
/* 1 and a sentence in out if the status keeps slips from printing
 * (stopped, not accepting, out of paper, jam, cover open, offline). */
int qh_print_problem(const struct qh_printer_status *st, enum qh_lang lang,
                     char *out, size_t outlen);

/* Check the printer, then send one document (format e.g. "application/
 * vnd.cups-raw" or "application/pdf") as a new job.  *job receives the
 * job id; `used` (may be NULL) the queue's name.  QH_E_IO as above. */
int qh_print_submit(const char *printer, const char *title, const char *format,
                    const void *data, size_t len, enum qh_lang lang, int *job,
                    char *used, size_t usedlen, char *err, size_t errlen);
/* Where a job stands: QH_PRINT_DONE, QH_PRINT_PENDING, or QH_E_IO with
 * the reason when it was aborted, cancelled or is held by a stopped or
 * paperless printer. */
int qh_print_job_state(const char *printer, int job, enum qh_lang lang,
                       char *err, size_t errlen);
/* Cancel a job that will not print (so it does not come out later beside
 * a reprint).  Errors are ignored: the job may be gone already. */
void qh_print_cancel(const char *printer, int job);

/* Render today's ticket `number` as a slip for the hall's printer (or
 * `printer` when not NULL/"") in the hall's kind and width, and submit it.
 * Uses (and creates on first use) *renderer; the caller frees it.
 * Records no event: callers decide between printed, reprinted and
 * print_failed. */
int qh_print_ticket(struct qh_store *s, struct qh_slip_renderer **renderer,
                    const char *number, const char *printer, int *job,
                    char *used, size_t usedlen, char *err, size_t errlen);

/* The same for a 补件告知单 already loaded (qh_slip_load_supplement):
 * rendered as the hall's printer wants it and submitted, no event. */
int qh_print_supplement(struct qh_store *s, struct qh_slip_renderer **renderer,
                        const struct qh_slip *slip, const char *printer, int *job,
                        char *used, size_t usedlen, char *err, size_t errlen);

/* Wait up to timeout_ms for a job to finish: 0 done, 1 still pending
 * (the printer is slow, not broken), QH_E_IO when it failed (and was
 * cancelled). */
int qh_print_wait(const char *printer, int job, int timeout_ms, enum qh_lang lang,
                  char *err, size_t errlen);

#endif
