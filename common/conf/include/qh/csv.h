/* csv.h: RFC 4180 CSV reading with line numbers, and the two CSV formats
 * qhall imports: the service catalogue and appointment bookings.
 *
 * UTF-8 with or without BOM, LF or CRLF, quoted fields may hold commas,
 * quotes ("") and newlines.  Errors name "file:line: reason". */
#ifndef QH_CSV_H
#define QH_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "qh/text.h"

#define QH_CSV_MAXFIELDS 32

struct qh_csv;

/* Read from a NUL-terminated string (copied); `name` is used in messages. */
int qh_csv_new(struct qh_csv **out, const char *name, const char *text,
               size_t len);
void qh_csv_free(struct qh_csv *c);

/* Next record: 1 and fields filled (borrowed until the next call), 0 at the
 * end, QH_E_PARSE on a malformed record (unterminated quote, too many
 * fields, invalid UTF-8) with "name:line: reason" in err. */
int qh_csv_next(struct qh_csv *c, int *nfields, const char ***fields,
                char *err, size_t errlen);
/* Line where the record last returned started (1-based). */
int qh_csv_line(const struct qh_csv *c);

/* One catalogue row: code,name,queue,promised_days,materials[,initials] */
struct qh_service_row {
    char code[24];
    char name[128];
    char queue[8];
    int promised_days;
    char materials[1024];    /* ';'-separated, trimmed */
    char initials[64];       /* lowercase; "" means: compute with ICU */
    int line;                /* where the record starts, for messages */
    int bad;                 /* _list only: a cell was refused (a bad cell is "") */
};

/* Parse a whole catalogue.  All or nothing: every bad line is reported
 * in line order (up to errlen, then a count of the rest) and nothing is
 * returned on failure.  Rows go into a
 * malloc'd array (*rows, caller frees).  Checks: header, column count,
 * code unique and [A-Za-z0-9_-]{1,23}, name non-empty, promised_days
 * 0-365, materials non-empty, initials [a-z0-9]*.  Queue codes are
 * checked against the hall by the caller (qh_catalog_import). */
int qh_catalog_parse(const char *name, const char *text, size_t len,
                     struct qh_service_row **rows, size_t *nrows,
                     char *err, size_t errlen);
/* The same for an importer that checks more before it reports: every bad
 * line goes into el, and every row that had the right number of columns
 * is returned, those with a refused cell marked `bad` with that cell
 * empty, so the importer can still check the rest of the row.  Returns 0
 * or QH_E_NOMEM; the input was good when el gained nothing. */
struct qh_errlist;
int qh_catalog_parse_list(const char *name, const char *text, size_t len,
                          struct qh_service_row **rows, size_t *nrows,
                          struct qh_errlist *el);

/* One booking: service,at,name[,code] (at in ISO 8601, local time of the
 * hall when no offset; code generated when empty). */
struct qh_appointment_row {
    char service[24];
    char at[40];
    char name[QH_TEXT_NAME_LEN];
    char code[16];
    int line;
    int bad;                 /* as in qh_service_row */
};
int qh_appointments_parse(const char *name, const char *text, size_t len,
                          struct qh_appointment_row **rows, size_t *nrows,
                          char *err, size_t errlen);
int qh_appointments_parse_list(const char *name, const char *text, size_t len,
                               struct qh_appointment_row **rows, size_t *nrows,
                               struct qh_errlist *el);

/* Append one CSV field to b (RFC 4180: quoted when it holds a comma, a
 * quote or a line break), then "," or, for the last, "\r\n". */
struct qh_buf;
void qh_csv_field(struct qh_buf *b, const char *v, int last);

/* Read a whole file into a malloc'd, NUL-terminated buffer. */
int qh_file_read(const char *path, char **text, size_t *len,
                 char *err, size_t errlen);

#endif
