/* csv.c: an RFC 4180 CSV reader that knows its line numbers, and the two
 * CSV formats qhall imports (the service catalogue and appointments).
 *
 * The catalogue is kept by people in a spreadsheet, so the reader takes
 * what spreadsheets write -- a UTF-8 BOM, CRLF, quoted cells holding
 * commas, quotes and line breaks -- and is strict about everything else:
 * a stray quote or a broken UTF-8 byte is an error with a line number,
 * never silently-mangled data on a slip.  After a bad record the reader
 * skips to the next line and carries on, so the importers can report every
 * bad line at once; an unterminated quote swallows the rest of the file,
 * which is reported once, at the line where the quote opened.
 *
 * Importers are all-or-nothing: a catalogue with one bad line is refused
 * whole, because a half-imported catalogue would hide services the kiosk
 * should offer. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "qh/buf.h"
#include "qh/csv.h"
#include "qh/err.h"
#include "qh/text.h"

/* Files larger than this are not catalogues; refusing them keeps a wrong
 * path (a log, a disk image) from eating the memory of a kiosk. */
#define FILE_MAX (64u << 20)

struct qh_csv {
    char *name;
    char *text;
    size_t len, pos;
    int line;                   /* physical line of text[pos], 1-based */
    int rec_line;               /* first line of the last record */
    char *buf;                  /* unescaped fields of the current record */
    const char *fv[QH_CSV_MAXFIELDS];
};

int qh_csv_new(struct qh_csv **out, const char *name, const char *text,
               size_t len)
{
    struct qh_csv *c;
    int rc = QH_E_NOMEM;

    *out = NULL;
    c = calloc(1, sizeof *c);
    if (!c)
        goto fail;
    c->name = strdup(name ? name : "(csv)");
    c->text = malloc(len + 1);
    /* A record never unescapes to more than its input plus one NUL per
     * field, so one buffer of that size serves every record. */
    c->buf = malloc(len + QH_CSV_MAXFIELDS + 1);
    if (!c->name || !c->text || !c->buf)
        goto fail;
    if (len)
        memcpy(c->text, text, len);
    c->text[len] = '\0';
    c->len = len;
    c->line = 1;
    if (len >= 3 && memcmp(c->text, "\xEF\xBB\xBF", 3) == 0)
        c->pos = 3;            /* Excel's "CSV UTF-8" starts with a BOM */
    *out = c;
    return 0;
fail:
    qh_csv_free(c);
    return rc;
}

void qh_csv_free(struct qh_csv *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->text);
    free(c->buf);
    free(c);
}

int qh_csv_line(const struct qh_csv *c)
{
    return c->rec_line;
}

/* After a malformed record: resume at the start of the next line. */
static void skip_line(struct qh_csv *c)
{
    while (c->pos < c->len && c->text[c->pos] != '\n')
        c->pos++;
    if (c->pos < c->len) {
        c->pos++;
        c->line++;
    }
}

/* A line of nothing but spaces and tabs is skipped like an empty one:
 * spreadsheets leave such lines at the end of an export. */
static int skip_blank_line(struct qh_csv *c)
{
    size_t p = c->pos;

    while (p < c->len && (c->text[p] == ' ' || c->text[p] == '\t' ||
                          c->text[p] == '\r'))
        p++;
    if (p < c->len && c->text[p] != '\n')
        return 0;
    if (p < c->len) {
        p++;
        c->line++;
    }
    c->pos = p;
    return 1;
}

static int at_eol(const struct qh_csv *c)
{
    return c->pos >= c->len || c->text[c->pos] == '\n' ||
           (c->text[c->pos] == '\r' && c->pos + 1 < c->len &&
            c->text[c->pos + 1] == '\n') ||
           (c->text[c->pos] == '\r' && c->pos + 1 == c->len);
}

/* Step over the line end at pos (LF, CRLF, or a CR ending the file). */
static void eat_eol(struct qh_csv *c)
{
    if (c->pos < c->len && c->text[c->pos] == '\r')
        c->pos++;
    if (c->pos < c->len && c->text[c->pos] == '\n') {
        c->pos++;
        c->line++;
    }
}

static int bad(struct qh_csv *c, int line, char *err, size_t errlen,
               const char *reason)
{
    skip_line(c);
    return qh_err(err, errlen, QH_E_PARSE, "%s:%d: %s", c->name, line, reason);
}

int qh_csv_next(struct qh_csv *c, int *nfields, const char ***fields,
                char *err, size_t errlen)
{
    char *o;
    int nf = 0;

    while (c->pos < c->len && skip_blank_line(c))
        ;
    if (c->pos >= c->len)
        return 0;

    c->rec_line = c->line;
    o = c->buf;
    for (;;) {
        if (nf == QH_CSV_MAXFIELDS) {
            char msg[64];
            snprintf(msg, sizeof msg, "more than %d fields", QH_CSV_MAXFIELDS);
            return bad(c, c->line, err, errlen, msg);
        }
        c->fv[nf++] = o;
        if (c->pos < c->len && c->text[c->pos] == '"') {
            int open_line = c->line;

            c->pos++;
            for (;;) {
                char ch;

                if (c->pos >= c->len) {
                    /* Everything after the quote was swallowed: say where
                     * it opened, which is where the mistake is. */
                    return qh_err(err, errlen, QH_E_PARSE,
                                  "%s:%d: unterminated quoted field",
                                  c->name, open_line);
                }
                ch = c->text[c->pos];
                if (ch == '"') {
                    if (c->pos + 1 < c->len && c->text[c->pos + 1] == '"') {
                        *o++ = '"';
                        c->pos += 2;
                        continue;
                    }
                    c->pos++;
                    break;
                }
                if (ch == '\0')
                    return bad(c, c->line, err, errlen, "NUL byte");
                if (ch == '\n')
                    c->line++;   /* a line break inside a cell: count it */
                *o++ = ch;
                c->pos++;
            }
            if (!at_eol(c) && c->text[c->pos] != ',')
                return bad(c, c->line, err, errlen,
                           "unexpected character after closing quote");
        } else {
            while (c->pos < c->len && c->text[c->pos] != ',' && !at_eol(c)) {
                char ch = c->text[c->pos];

                if (ch == '"')
                    return bad(c, c->line, err, errlen,
                               "quote inside an unquoted field"
                               " (quote the whole field and double the quote)");
                if (ch == '\0')
                    return bad(c, c->line, err, errlen, "NUL byte");
                *o++ = ch;
                c->pos++;
            }
        }
        *o++ = '\0';
        if (at_eol(c)) {
            eat_eol(c);
            break;
        }
        c->pos++;              /* the comma */
    }

    /* Checked per field after unescaping: a quote is ASCII, so unescaping
     * cannot turn bad UTF-8 into good. */
    for (int i = 0; i < nf; i++)
        if (!qh_text_valid_utf8(c->fv[i], strlen(c->fv[i])))
            return qh_err(err, errlen, QH_E_PARSE,
                          "%s:%d: invalid UTF-8 (save the file as UTF-8)",
                          c->name, c->rec_line);
    *nfields = nf;
    *fields = c->fv;
    return 1;
}

/* ---- shared helpers for the two importers ---- */

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
           ch == '\v' || ch == '\f';
}

/* A trimmed view of a field: cells often carry stray spaces. */
struct span { const char *p; size_t n; };

static struct span trimmed_n(struct span v)
{
    while (v.n && is_space(v.p[0])) {
        v.p++;
        v.n--;
    }
    while (v.n && is_space(v.p[v.n - 1]))
        v.n--;
    return v;
}

static struct span trimmed(const char *s)
{
    struct span v = { s, strlen(s) };
    return trimmed_n(v);
}

static int span_is(struct span v, const char *word)
{
    return v.n == strlen(word) && strncasecmp(v.p, word, v.n) == 0;
}

static void span_copy(char *dst, struct span v)
{
    memcpy(dst, v.p, v.n);
    dst[v.n] = '\0';
}

/* The column-level context of one bad cell, so every message has the same
 * "file:line: column "x": ..." shape. */
struct row_ctx {
    const char *name;
    int line;
    int nerr;
    char *err;
    size_t errlen;
};

static void row_err(struct row_ctx *r, const char *column, const char *what,
                    const char *value, size_t vlen)
{
    char shown[80];

    r->nerr++;
    if (!value) {
        qh_err_append(r->err, r->errlen, "%s:%d: column \"%s\": %s",
                      r->name, r->line, column, what);
        return;
    }
    /* Echo at most a few dozen bytes of a bad value, cut on a character,
     * with control characters masked so each report stays one line. */
    qh_text_copy(shown, vlen + 1 < sizeof shown ? vlen + 1 : sizeof shown,
                 value);
    for (char *q = shown; *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7F)
            *q = '?';
    qh_err_append(r->err, r->errlen, "%s:%d: column \"%s\": %s, got \"%s\"",
                  r->name, r->line, column, what, shown);
}

static void row_too_long(struct row_ctx *r, const char *column, size_t max,
                         size_t got)
{
    r->nerr++;
    qh_err_append(r->err, r->errlen,
                  "%s:%d: column \"%s\": too long (max %zu bytes, got %zu)",
                  r->name, r->line, column, max, got);
}

/* Copy a text cell into dst[dstlen]: must fit, no control characters, and
 * optionally not empty.  Returns 1 if the cell is good. */
static int take_text(struct row_ctx *r, const char *column, struct span v,
                     char *dst, size_t dstlen, int required)
{
    if (required && v.n == 0) {
        row_err(r, column, "must not be empty", NULL, 0);
        return 0;
    }
    if (v.n >= dstlen) {
        row_too_long(r, column, dstlen - 1, v.n);
        return 0;
    }
    /* The reader has refused bad UTF-8 already; this finds C0, DEL and
     * C1 (U+0080-U+009F), which are UTF-8 but drive terminals. */
    if (qh_text_scan(v.p, v.n, NULL, NULL, NULL) != QH_TEXT_CLEAN) {
        row_err(r, column, "control character or line break in the cell",
                v.p, v.n);
        return 0;
    }
    span_copy(dst, v);
    return 1;
}

/* A cell of free text (qh/text.h): its limit is in characters. */
static int take_free_text(struct row_ctx *r, const char *column, struct span v,
                          enum qh_text_kind kind, char *dst, size_t dstlen)
{
    size_t chars = 0, max = qh_text_max(kind);

    if (qh_text_scan(v.p, v.n, &chars, NULL, NULL) == QH_TEXT_CLEAN && chars > max) {
        r->nerr++;
        qh_err_append(r->err, r->errlen,
                      "%s:%d: column \"%s\": at most %zu characters, got %zu",
                      r->name, r->line, column, max, chars);
        return 0;
    }
    return take_text(r, column, v, dst, dstlen, 1);
}

#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define ALNUM UPPER "abcdefghijklmnopqrstuvwxyz0123456789"

/* A code of min..max bytes drawn from `allowed`.  Returns 1 if good. */
static int take_code(struct row_ctx *r, const char *column, struct span v,
                     char *dst, size_t min, size_t max, const char *allowed,
                     const char *expected)
{
    int ok = v.n >= min;

    if (v.n > max) {
        row_too_long(r, column, max, v.n);
        return 0;
    }
    for (size_t i = 0; ok && i < v.n; i++)
        ok = v.p[i] && strchr(allowed, v.p[i]) != NULL;
    if (!ok) {
        row_err(r, column, expected, v.p, v.n);
        return 0;
    }
    span_copy(dst, v);
    return 1;
}

static int take_int(struct row_ctx *r, const char *column, struct span v,
                    int min, int max, int *out)
{
    char expected[48];
    long val = 0;
    int ok = v.n > 0 && v.n <= 9;

    for (size_t i = 0; ok && i < v.n; i++) {
        ok = v.p[i] >= '0' && v.p[i] <= '9';
        val = val * 10 + (v.p[i] - '0');
    }
    if (!ok || val < min || val > max) {
        snprintf(expected, sizeof expected, "expected %d-%d", min, max);
        row_err(r, column, expected, v.p, v.n);
        return 0;
    }
    *out = (int)val;
    return 1;
}

/* Check the header row: `want` names the required columns, `opt` the one
 * optional trailing column (or NULL).  Returns the number of columns the
 * header has, or 0 after reporting. */
static int check_header(struct row_ctx *r, int nf, const char **f,
                        const char *const *want, int nwant, const char *opt,
                        const char *shown)
{
    int ok = nf == nwant || (opt && nf == nwant + 1);

    for (int i = 0; ok && i < nwant; i++)
        ok = span_is(trimmed(f[i]), want[i]);
    if (ok && nf == nwant + 1)
        ok = span_is(trimmed(f[nwant]), opt);
    if (!ok) {
        r->nerr++;
        qh_err_append(r->err, r->errlen, "%s:%d: expected header \"%s\"",
                      r->name, r->line, shown);
        return 0;
    }
    return nf;
}

/* Column count of a data row against the header: with the optional column
 * in the header a row may still leave it out (spreadsheets drop empty
 * trailing cells); without it in the header, an extra cell is an error. */
static int check_width(struct row_ctx *r, int nf, int nwant, int header_nf)
{
    if (nf == nwant || (header_nf == nwant + 1 && nf == nwant + 1))
        return 1;
    r->nerr++;
    if (header_nf == nwant + 1)
        qh_err_append(r->err, r->errlen, "%s:%d: expected %d or %d columns, got %d",
                      r->name, r->line, nwant, nwant + 1, nf);
    else
        qh_err_append(r->err, r->errlen, "%s:%d: expected %d columns, got %d",
                      r->name, r->line, nwant, nf);
    return 0;
}

/* Grow *rows (element size `size`) to hold one more.  Returns the new slot
 * or NULL. */
static void *grow(void **rows, size_t *cap, size_t n, size_t size)
{
    if (n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        void *p = realloc(*rows, ncap * size);
        if (!p)
            return NULL;
        *rows = p;
        *cap = ncap;
    }
    return (char *)*rows + n * size;
}

/* ---- the service catalogue ---- */

/* Materials arrive as one cell: "居民身份证原件;户口簿".  People type the
 * full-width ；just as often, and a spreadsheet cell may hold one item per
 * line, so all three separate items.  Items are trimmed, empty ones dropped,
 * and the result is stored joined with ';'.  Returns 1 if good. */
static size_t separator_at(struct span v, size_t i)
{
    if (v.p[i] == ';' || v.p[i] == '\n')
        return 1;
    if (i + 3 <= v.n && memcmp(v.p + i, "\xEF\xBC\x9B", 3) == 0)
        return 3;             /* U+FF1B FULLWIDTH SEMICOLON */
    return 0;
}

static int take_materials(struct row_ctx *r, struct span v, char *dst,
                          size_t dstlen)
{
    size_t n = 0, items = 0, i = 0;

    while (i < v.n) {
        struct span item = { v.p + i, 0 };
        size_t sep = 0;

        while (i < v.n && !(sep = separator_at(v, i)))
            i++;
        item.n = (size_t)(v.p + i - item.p);
        i += sep;
        item = trimmed_n(item);
        if (!item.n)
            continue;
        for (size_t k = 0; k < item.n; k++) {
            if ((unsigned char)item.p[k] < 0x20 || item.p[k] == 0x7F) {
                row_err(r, "materials", "control character in an item",
                        item.p, item.n);
                return 0;
            }
        }
        if (n + (items ? 1 : 0) + item.n >= dstlen) {
            row_too_long(r, "materials", dstlen - 1, v.n);
            return 0;
        }
        if (items)
            dst[n++] = ';';
        memcpy(dst + n, item.p, item.n);
        n += item.n;
        items++;
    }
    dst[n] = '\0';
    if (!items) {
        row_err(r, "materials", "expected at least one item (separate items with ;)",
                v.p, v.n);
        return 0;
    }
    return 1;
}

static int take_initials(struct row_ctx *r, struct span v, char *dst,
                         size_t dstlen)
{
    if (v.n >= dstlen) {
        row_too_long(r, "initials", dstlen - 1, v.n);
        return 0;
    }
    for (size_t i = 0; i < v.n; i++) {
        char ch = v.p[i];
        /* Upper case is accepted and folded: the search compares
         * lowercase, and "SHBZKSL" plainly means the same thing. */
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
            row_err(r, "initials", "expected [a-z0-9]*", v.p, v.n);
            return 0;
        }
        dst[i] = ch;
    }
    dst[v.n] = '\0';
    return 1;
}

int qh_catalog_parse(const char *name, const char *text, size_t len,
                     struct qh_service_row **rows, size_t *nrows,
                     char *err, size_t errlen)
{
    static const char *const cols[] = {
        "code", "name", "queue", "promised_days", "materials",
    };
    struct qh_service_row *v = NULL;
    size_t n = 0, cap = 0;
    struct qh_csv *c = NULL;
    struct row_ctx r = { name ? name : "(catalogue)", 0, 0, err, errlen };
    int header_nf = 0, rc;

    *rows = NULL;
    *nrows = 0;
    if (err && errlen)
        err[0] = '\0';
    rc = qh_csv_new(&c, r.name, text, len);
    if (rc < 0) {
        qh_err(err, errlen, rc, "%s: out of memory", r.name);
        goto out;
    }
    for (;;) {
        char lerr[QH_ERRLEN];
        const char **f;
        int nf;
        struct qh_service_row row;
        int ok;

        rc = qh_csv_next(c, &nf, &f, lerr, sizeof lerr);
        if (rc == 0)
            break;
        if (rc < 0) {
            r.nerr++;
            qh_err_append(err, errlen, "%s", lerr);
            continue;
        }
        r.line = qh_csv_line(c);
        if (!header_nf) {
            header_nf = check_header(&r, nf, f, cols, 5, "initials",
                                     "code,name,queue,promised_days,materials[,initials]");
            if (!header_nf)
                break;          /* the columns mean nothing without it */
            continue;
        }
        if (!check_width(&r, nf, 5, header_nf))
            continue;

        memset(&row, 0, sizeof row);
        row.line = r.line;
        ok = take_code(&r, "code", trimmed(f[0]), row.code, 1, sizeof row.code - 1,
                       ALNUM "_-", "expected 1-23 of [A-Za-z0-9_-]");
        ok &= take_text(&r, "name", trimmed(f[1]), row.name, sizeof row.name, 1);
        /* Queue codes are upper case in the hall INI; a lowercase "a" is
         * refused here rather than silently becoming a queue of its own. */
        ok &= take_code(&r, "queue", trimmed(f[2]), row.queue, 1, sizeof row.queue - 1,
                        UPPER, "expected a queue code (1-7 letters A-Z)");
        ok &= take_int(&r, "promised_days", trimmed(f[3]), 0, 365, &row.promised_days);
        ok &= take_materials(&r, trimmed(f[4]), row.materials, sizeof row.materials);
        if (nf == 6)
            ok &= take_initials(&r, trimmed(f[5]), row.initials, sizeof row.initials);
        if (!ok)
            continue;

        for (size_t i = 0; i < n; i++) {
            if (strcmp(v[i].code, row.code) == 0) {
                r.nerr++;
                qh_err_append(err, errlen, "%s:%d: duplicate code \"%s\" (first on line %d)",
                              r.name, r.line, row.code, v[i].line);
                ok = 0;
                break;
            }
        }
        if (!ok)
            continue;
        if (!grow((void **)&v, &cap, n, sizeof *v)) {
            rc = qh_err(err, errlen, QH_E_NOMEM, "%s: out of memory", r.name);
            goto out;
        }
        v[n++] = row;
    }
    if (!header_nf && !r.nerr) {
        r.nerr++;
        qh_err_append(err, errlen, "%s: empty file: expected header "
                      "\"code,name,queue,promised_days,materials[,initials]\"", r.name);
    } else if (!r.nerr && n == 0) {
        /* Importing nothing would empty the kiosk: certainly a mistake. */
        r.nerr++;
        qh_err_append(err, errlen, "%s: no service rows after the header", r.name);
    }
    if (r.nerr) {
        rc = QH_E_PARSE;
        goto out;
    }
    *rows = v;
    *nrows = n;
    v = NULL;
    rc = 0;
out:
    free(v);
    qh_csv_free(c);
    return rc;
}

/* ---- appointments ---- */

int qh_appointments_parse(const char *name, const char *text, size_t len,
                          struct qh_appointment_row **rows, size_t *nrows,
                          char *err, size_t errlen)
{
    static const char *const cols[] = { "service", "at", "name" };
    struct qh_appointment_row *v = NULL;
    size_t n = 0, cap = 0;
    struct qh_csv *c = NULL;
    struct row_ctx r = { name ? name : "(appointments)", 0, 0, err, errlen };
    int header_nf = 0, rc;

    *rows = NULL;
    *nrows = 0;
    if (err && errlen)
        err[0] = '\0';
    rc = qh_csv_new(&c, r.name, text, len);
    if (rc < 0) {
        qh_err(err, errlen, rc, "%s: out of memory", r.name);
        goto out;
    }
    for (;;) {
        char lerr[QH_ERRLEN];
        const char **f;
        int nf, ok;
        struct qh_appointment_row row;

        rc = qh_csv_next(c, &nf, &f, lerr, sizeof lerr);
        if (rc == 0)
            break;
        if (rc < 0) {
            r.nerr++;
            qh_err_append(err, errlen, "%s", lerr);
            continue;
        }
        r.line = qh_csv_line(c);
        if (!header_nf) {
            header_nf = check_header(&r, nf, f, cols, 3, "code", "service,at,name[,code]");
            if (!header_nf)
                break;
            continue;
        }
        if (!check_width(&r, nf, 3, header_nf))
            continue;

        memset(&row, 0, sizeof row);
        row.line = r.line;
        ok = take_code(&r, "service", trimmed(f[0]), row.service, 1,
                       sizeof row.service - 1, ALNUM "_-", "expected 1-23 of [A-Za-z0-9_-]");
        /* The time's format is the caller's to check (qh_clock_parse needs
         * the hall's time zone); here it only has to be there and fit. */
        ok &= take_text(&r, "at", trimmed(f[1]), row.at, sizeof row.at, 1);
        ok &= take_free_text(&r, "name", trimmed(f[2]), QH_TEXT_NAME, row.name,
                             sizeof row.name);
        if (nf == 4 && trimmed(f[3]).n)
            ok &= take_code(&r, "code", trimmed(f[3]), row.code, 4, sizeof row.code - 1,
                            ALNUM, "expected 4-15 of [A-Za-z0-9]");
        if (!ok)
            continue;
        if (row.code[0]) {
            for (size_t i = 0; i < n; i++) {
                if (strcmp(v[i].code, row.code) == 0) {
                    r.nerr++;
                    qh_err_append(err, errlen,
                                  "%s:%d: duplicate code \"%s\" (first on line %d)",
                                  r.name, r.line, row.code, v[i].line);
                    ok = 0;
                    break;
                }
            }
        }
        if (!ok)
            continue;
        if (!grow((void **)&v, &cap, n, sizeof *v)) {
            rc = qh_err(err, errlen, QH_E_NOMEM, "%s: out of memory", r.name);
            goto out;
        }
        v[n++] = row;
    }
    if (!header_nf && !r.nerr) {
        r.nerr++;
        qh_err_append(err, errlen, "%s: empty file: expected header "
                      "\"service,at,name[,code]\"", r.name);
    }
    /* A header with no bookings is a valid, empty day. */
    if (r.nerr) {
        rc = QH_E_PARSE;
        goto out;
    }
    *rows = v;
    *nrows = n;
    v = NULL;
    rc = 0;
out:
    free(v);
    qh_csv_free(c);
    return rc;
}

/* ---- files ---- */

int qh_file_read(const char *path, char **text, size_t *len,
                 char *err, size_t errlen)
{
    FILE *f = NULL;
    char *p = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    *text = NULL;
    if (len)
        *len = 0;
    f = fopen(path, "rb");
    if (!f) {
        rc = qh_err(err, errlen, QH_E_IO, "%s: %s", path, strerror(errno));
        goto out;
    }
    /* Read in growing chunks rather than trusting the size from stat:
     * the path may be a pipe (`--catalog /dev/stdin`). */
    for (;;) {
        size_t got;

        if (cap - n < 4096 + 1) {
            size_t ncap = cap ? cap * 2 : 16384;
            char *q;

            if (ncap > FILE_MAX + 4096 + 1) {
                rc = qh_err(err, errlen, QH_E_IO, "%s: larger than %u MiB",
                            path, FILE_MAX >> 20);
                goto out;
            }
            q = realloc(p, ncap);
            if (!q) {
                rc = qh_err(err, errlen, QH_E_NOMEM, "%s: out of memory", path);
                goto out;
            }
            p = q;
            cap = ncap;
        }
        got = fread(p + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                rc = qh_err(err, errlen, QH_E_IO, "%s: read error: %s", path,
                            strerror(errno));
                goto out;
            }
            break;
        }
        if (n > FILE_MAX) {
            rc = qh_err(err, errlen, QH_E_IO, "%s: larger than %u MiB",
                        path, FILE_MAX >> 20);
            goto out;
        }
    }
    p[n] = '\0';
    *text = p;
    if (len)
        *len = n;
    p = NULL;
out:
    free(p);
    if (f)
        fclose(f);
    return rc;
}

void qh_csv_field(struct qh_buf *b, const char *v, int last)
{
    if (strpbrk(v, ",\"\r\n")) {
        qh_buf_puts(b, "\"");
        for (const char *p = v; *p; p++) {
            if (*p == '"')
                qh_buf_puts(b, "\"");
            qh_buf_add(b, p, 1);
        }
        qh_buf_puts(b, "\"");
    } else {
        qh_buf_puts(b, v);
    }
    qh_buf_puts(b, last ? "\r\n" : ",");
}
