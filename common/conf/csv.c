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
#include <stddef.h>
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
    int err_line;               /* where the last malformed record went wrong */
    char why[80];               /* and why, for the importers' own reports */
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

static int fail_at(struct qh_csv *c, int line, char *err, size_t errlen,
                   const char *reason)
{
    c->err_line = line;
    snprintf(c->why, sizeof c->why, "%s", reason);
    return qh_err(err, errlen, QH_E_PARSE, "%s:%d: %s", c->name, line, reason);
}

static int bad(struct qh_csv *c, int line, char *err, size_t errlen,
               const char *reason)
{
    skip_line(c);
    return fail_at(c, line, err, errlen, reason);
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
                    return fail_at(c, open_line, err, errlen,
                                   "unterminated quoted field");
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
            return fail_at(c, c->rec_line, err, errlen,
                           "invalid UTF-8 (save the file as UTF-8)");
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
    struct qh_errlist *el;
};

static void row_err(struct row_ctx *r, const char *column, const char *what,
                    const char *value, size_t vlen)
{
    char shown[80];

    if (!value) {
        qh_errlist_add(r->el, r->name, r->line, "column \"%s\": %s", column, what);
        return;
    }
    /* Echo at most a few dozen bytes of a bad value, cut on a character,
     * with control characters masked so each report stays one line. */
    qh_text_copy(shown, vlen + 1 < sizeof shown ? vlen + 1 : sizeof shown,
                 value);
    for (char *q = shown; *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7F)
            *q = '?';
    qh_errlist_add(r->el, r->name, r->line, "column \"%s\": %s, got \"%s\"",
                   column, what, shown);
}

static void row_too_long(struct row_ctx *r, const char *column, size_t max,
                         size_t got)
{
    qh_errlist_add(r->el, r->name, r->line,
                   "column \"%s\": too long (max %zu bytes, got %zu)", column, max, got);
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
        qh_errlist_add(r->el, r->name, r->line,
                       "column \"%s\": at most %zu characters, got %zu", column, max, chars);
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
        qh_errlist_add(r->el, r->name, r->line, "expected header \"%s\"", shown);
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
    if (header_nf == nwant + 1)
        qh_errlist_add(r->el, r->name, r->line, "expected %d or %d columns, got %d",
                       nwant, nwant + 1, nf);
    else
        qh_errlist_add(r->el, r->name, r->line, "expected %d columns, got %d", nwant, nf);
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

/* Codes seen so far, for duplicates: an open-addressing table of row
 * indexes, so a file of n rows costs n look-ups rather than n*n/2
 * comparisons (100 000 rows took a minute by the linear scan).  Each slot
 * keeps the code's hash, so neither probing nor growing touches the rows
 * (1.3 KB apart: a cache and TLB miss each) unless the hashes agree. */
struct codeslot {
    uint64_t hash;
    size_t idx;                 /* row index + 1; 0 is empty */
};

struct codeset {
    struct codeslot *slot;
    size_t cap, n;
};

static uint64_t code_hash(const char *s)
{
    uint64_t h = 14695981039346656037u;    /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    /* FNV's low bits hear only the low bits of each byte, and codes like
     * S1 .. S99999 differ in little else: mix the high bits down (the
     * table index is the low bits). */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    return h;
}

/* Byte `off` of row i of an array of `size`-byte rows. */
#define ROW_AT(base, size, off, i) ((const char *)(base) + (i) * (size) + (off))

/* The index of an earlier row of rows[] with rows[idx]'s code (which is at
 * byte `off` of each `size`-byte row), or -1 after remembering idx;
 * -2 when out of memory. */
static long codeset_put(struct codeset *cs, const void *rows, size_t size, size_t off,
                        size_t idx)
{
    const char *code = ROW_AT(rows, size, off, idx);
    uint64_t h = code_hash(code);
    if (2 * (cs->n + 1) > cs->cap) {
        size_t ncap = cs->cap ? cs->cap * 2 : 256;
        struct codeslot *ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return -2;
        for (size_t i = 0; i < cs->cap; i++) {
            if (!cs->slot[i].idx)
                continue;
            size_t k = (size_t)cs->slot[i].hash & (ncap - 1);
            while (ns[k].idx)
                k = (k + 1) & (ncap - 1);
            ns[k] = cs->slot[i];
        }
        free(cs->slot);
        cs->slot = ns;
        cs->cap = ncap;
    }
    size_t k = (size_t)h & (cs->cap - 1);
    for (; cs->slot[k].idx; k = (k + 1) & (cs->cap - 1))
        if (cs->slot[k].hash == h &&
            !strcmp(ROW_AT(rows, size, off, cs->slot[k].idx - 1), code))
            return (long)(cs->slot[k].idx - 1);
    cs->slot[k] = (struct codeslot){ h, idx + 1 };
    cs->n++;
    return -1;
}

/* Report rows[idx]'s code if an earlier row has it (each row `size`
 * bytes, its code at `code_off`, its line at `line_off`): 1 if it did, 0
 * if not (or the code was refused and is empty), QH_E_NOMEM. */
static int check_dup(struct row_ctx *r, struct codeset *cs, const void *rows, size_t size,
                     size_t code_off, size_t line_off, size_t idx)
{
    const char *code = ROW_AT(rows, size, code_off, idx);
    int line;
    if (!*code)
        return 0;
    long first = codeset_put(cs, rows, size, code_off, idx);
    if (first == -2)
        return QH_E_NOMEM;
    if (first < 0)
        return 0;
    memcpy(&line, ROW_AT(rows, size, line_off, (size_t)first), sizeof line);
    qh_errlist_add(r->el, r->name, r->line, "duplicate code \"%s\" (first on line %d)",
                   code, line);
    return 1;
}

/* A record the reader refused, into the report at the line it names. */
static void record_err(struct row_ctx *r, const struct qh_csv *c)
{
    qh_errlist_add(r->el, r->name, c->err_line, "%s", c->why);
}

int qh_catalog_parse_list(const char *name, const char *text, size_t len,
                          struct qh_service_row **rows, size_t *nrows,
                          struct qh_errlist *el)
{
    static const char *const cols[] = {
        "code", "name", "queue", "promised_days", "materials",
    };
    struct qh_service_row *v = NULL;
    size_t n = 0, cap = 0, good = 0;
    struct codeset seen = { NULL, 0, 0 };
    struct qh_csv *c = NULL;
    struct row_ctx r = { name ? name : "(catalogue)", 0, el };
    size_t before = qh_errlist_count(el);
    int header_nf = 0, rc;

    *rows = NULL;
    *nrows = 0;
    rc = qh_csv_new(&c, r.name, text, len);
    if (rc < 0)
        goto out;
    for (;;) {
        const char **f;
        int nf;
        struct qh_service_row row;
        int ok;

        rc = qh_csv_next(c, &nf, &f, NULL, 0);
        if (rc == 0)
            break;
        if (rc < 0) {
            record_err(&r, c);
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
        /* A row with a bad cell is kept, marked, so that its good cells
         * (the queue, the code) are still checked: one run, every mistake. */
        row.bad = !ok;
        if (!grow((void **)&v, &cap, n, sizeof *v)) {
            rc = QH_E_NOMEM;
            goto out;
        }
        v[n] = row;
        if ((rc = check_dup(&r, &seen, v, sizeof *v, offsetof(struct qh_service_row, code),
                            offsetof(struct qh_service_row, line), n)) < 0)
            goto out;
        if (rc)
            v[n].bad = 1;
        good += !v[n].bad;
        n++;
    }
    if (!header_nf && qh_errlist_count(el) == before)
        qh_errlist_add(el, r.name, 0, "empty file: expected header "
                       "\"code,name,queue,promised_days,materials[,initials]\"");
    else if (header_nf && qh_errlist_count(el) == before && good == 0)
        /* Importing nothing would empty the kiosk: certainly a mistake. */
        qh_errlist_add(el, r.name, 0, "no service rows after the header");
    *rows = v;
    *nrows = n;
    v = NULL;
    rc = 0;
out:
    free(v);
    free(seen.slot);
    qh_csv_free(c);
    return rc;
}

/* The report of a parse that stands alone (no hall to check against). */
static int parse_done(int rc, struct qh_errlist *el, const char *name, void **rows,
                      size_t *nrows, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (rc == 0 && qh_errlist_count(el))
        rc = QH_E_PARSE;
    if (rc == QH_E_PARSE)
        qh_errlist_write(el, QH_LANG_ZH, err, errlen);
    else if (rc < 0)
        qh_err(err, errlen, rc, "%s: out of memory", name);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *nrows = 0;
    }
    qh_errlist_fini(el);
    return rc;
}

int qh_catalog_parse(const char *name, const char *text, size_t len,
                     struct qh_service_row **rows, size_t *nrows,
                     char *err, size_t errlen)
{
    struct qh_errlist el = { 0 };
    return parse_done(qh_catalog_parse_list(name, text, len, rows, nrows, &el), &el,
                      name ? name : "(catalogue)", (void **)rows, nrows, err, errlen);
}

/* ---- appointments ---- */

int qh_appointments_parse_list(const char *name, const char *text, size_t len,
                               struct qh_appointment_row **rows, size_t *nrows,
                               struct qh_errlist *el)
{
    static const char *const cols[] = { "service", "at", "name" };
    struct qh_appointment_row *v = NULL;
    size_t n = 0, cap = 0;
    struct codeset seen = { NULL, 0, 0 };
    struct qh_csv *c = NULL;
    struct row_ctx r = { name ? name : "(appointments)", 0, el };
    size_t before = qh_errlist_count(el);
    int header_nf = 0, rc;

    *rows = NULL;
    *nrows = 0;
    rc = qh_csv_new(&c, r.name, text, len);
    if (rc < 0)
        goto out;
    for (;;) {
        const char **f;
        int nf, ok;
        struct qh_appointment_row row;

        rc = qh_csv_next(c, &nf, &f, NULL, 0);
        if (rc == 0)
            break;
        if (rc < 0) {
            record_err(&r, c);
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
        row.bad = !ok;        /* kept, so its good cells are checked too */
        if (!grow((void **)&v, &cap, n, sizeof *v)) {
            rc = QH_E_NOMEM;
            goto out;
        }
        v[n] = row;
        if ((rc = check_dup(&r, &seen, v, sizeof *v,
                            offsetof(struct qh_appointment_row, code),
                            offsetof(struct qh_appointment_row, line), n)) < 0)
            goto out;
        if (rc)
            v[n].bad = 1;
        n++;
    }
    if (!header_nf && qh_errlist_count(el) == before)
        qh_errlist_add(el, r.name, 0, "empty file: expected header \"service,at,name[,code]\"");
    /* A header with no bookings is a valid, empty day. */
    *rows = v;
    *nrows = n;
    v = NULL;
    rc = 0;
out:
    free(v);
    free(seen.slot);
    qh_csv_free(c);
    return rc;
}

int qh_appointments_parse(const char *name, const char *text, size_t len,
                          struct qh_appointment_row **rows, size_t *nrows,
                          char *err, size_t errlen)
{
    struct qh_errlist el = { 0 };
    return parse_done(qh_appointments_parse_list(name, text, len, rows, nrows, &el), &el,
                      name ? name : "(appointments)", (void **)rows, nrows, err, errlen);
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
