/* buf.c: growable strings and the JSON writer used for event details and
 * --json output.  Allocation failure is sticky (b->oom) instead of being
 * checked at every append: callers check once at the end. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/buf.h"
#include "qh/utf8.h"

void qh_buf_init(struct qh_buf *b)
{
    memset(b, 0, sizeof *b);
}

void qh_buf_fini(struct qh_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

void qh_buf_reset(struct qh_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

static int grow(struct qh_buf *b, size_t need)
{
    if (b->oom)
        return -1;
    if (b->len + need + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + need + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void qh_buf_add(struct qh_buf *b, const char *s, size_t n)
{
    if (grow(b, n) < 0)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void qh_buf_puts(struct qh_buf *b, const char *s)
{
    qh_buf_add(b, s, strlen(s));
}

void qh_buf_printf(struct qh_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || grow(b, (size_t)n) < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *qh_buf_str(const struct qh_buf *b)
{
    return b->p ? b->p : "";
}

void qh_json_quote(struct qh_buf *b, const char *s)
{
    size_t n = strlen(s);
    qh_buf_add(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        unsigned cp;
        int k = qh_utf8_decode(s + i, n - i, &cp);
        if (k <= 0) {
            /* JSON is UTF-8: a byte that is not (an old row, a file name)
             * becomes U+FFFD rather than making the whole value invalid. */
            qh_buf_add(b, "\xEF\xBF\xBD", 3);
            i++;
            continue;
        }
        switch (cp) {
        case '"': qh_buf_add(b, "\\\"", 2); break;
        case '\\': qh_buf_add(b, "\\\\", 2); break;
        case '\n': qh_buf_add(b, "\\n", 2); break;
        case '\r': qh_buf_add(b, "\\r", 2); break;
        case '\t': qh_buf_add(b, "\\t", 2); break;
        default:
            /* C0 must be escaped; DEL and C1 (U+009B is a terminal's CSI)
             * are, too, so that JSON on a terminal cannot drive it. */
            if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
                qh_buf_printf(b, "\\u%04x", cp);
            else
                qh_buf_add(b, s + i, (size_t)k);
        }
        i += (size_t)k;
    }
    qh_buf_add(b, "\"", 1);
}

void qh_json_open(struct qh_buf *b)
{
    qh_buf_add(b, "{", 1);
}

void qh_json_close(struct qh_buf *b)
{
    qh_buf_add(b, "}", 1);
}

static void key(struct qh_buf *b, const char *k)
{
    if (b->len && b->p[b->len - 1] != '{' && b->p[b->len - 1] != '[')
        qh_buf_add(b, ",", 1);
    qh_json_quote(b, k);
    qh_buf_add(b, ":", 1);
}

void qh_json_str(struct qh_buf *b, const char *k, const char *val)
{
    key(b, k);
    if (val)
        qh_json_quote(b, val);
    else
        qh_buf_puts(b, "null");
}

void qh_json_int(struct qh_buf *b, const char *k, int64_t val)
{
    key(b, k);
    qh_buf_printf(b, "%lld", (long long)val);
}

void qh_json_bool(struct qh_buf *b, const char *k, int val)
{
    key(b, k);
    qh_buf_puts(b, val ? "true" : "false");
}

void qh_json_raw(struct qh_buf *b, const char *k, const char *json)
{
    key(b, k);
    qh_buf_puts(b, json);
}

/* Find `"key":` at the top level of a flat object written by this file.
 * Returns a pointer just past the colon, or NULL. */
static const char *find_key(const char *json, const char *k)
{
    size_t klen = strlen(k);
    const char *p = json;
    int depth = 0;
    while (*p) {
        if (*p == '"') {
            const char *start = ++p;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                p++;
            }
            if (!*p)
                return NULL;
            size_t n = (size_t)(p - start);
            p++;
            if (depth == 1 && *p == ':' && n == klen && !memcmp(start, k, n))
                return p + 1;
            continue;
        }
        if (*p == '{' || *p == '[')
            depth++;
        else if (*p == '}' || *p == ']')
            depth--;
        p++;
    }
    return NULL;
}

/* UTF-8 of code point v into out[4]; its length. */
static size_t utf8_put(unsigned v, char *out)
{
    if (v >= 0xD800 && v <= 0xDFFF)
        v = 0xFFFD;               /* half a surrogate pair: not a character */
    if (v < 0x80) {
        out[0] = (char)v;
        return 1;
    }
    if (v < 0x800) {
        out[0] = (char)(0xC0 | v >> 6);
        out[1] = (char)(0x80 | (v & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | v >> 12);
    out[1] = (char)(0x80 | ((v >> 6) & 0x3F));
    out[2] = (char)(0x80 | (v & 0x3F));
    return 3;
}

int qh_json_get_str(const char *json, const char *k, char *out, size_t outlen)
{
    const char *p = find_key(json, k);
    if (!p || *p != '"' || !outlen)
        return 0;
    size_t o = 0;
    for (p++; *p && *p != '"'; p++) {
        char piece[4];
        size_t n = 1;
        unsigned cp;
        piece[0] = *p;
        if (*p == '\\' && p[1]) {
            p++;
            switch (*p) {
            case 'n': piece[0] = '\n'; break;
            case 'r': piece[0] = '\r'; break;
            case 't': piece[0] = '\t'; break;
            case 'u': {
                unsigned v = 0;
                if (sscanf(p + 1, "%4x", &v) == 1) {
                    n = utf8_put(v, piece);
                    p += 4;
                }
                break;
            }
            default: piece[0] = *p;
            }
        } else {
            int len = qh_utf8_decode(p, strnlen(p, 4), &cp);
            if (len > 1) {
                memcpy(piece, p, (size_t)len);
                n = (size_t)len;
                p += len - 1;
            }
        }
        /* Whole characters only: a short buffer never ends in half of one. */
        if (o + n >= outlen)
            break;
        memcpy(out + o, piece, n);
        o += n;
    }
    out[o] = '\0';
    return 1;
}

int qh_json_get_int(const char *json, const char *k, int64_t *out)
{
    const char *p = find_key(json, k);
    if (!p)
        return 0;
    char *end;
    long long v = strtoll(p, &end, 10);
    if (end == p)
        return 0;
    *out = v;
    return 1;
}
