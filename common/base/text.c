/* text.c: UTF-8 helpers and pinyin initials.
 *
 * The kiosk lets a visitor find 社会保障卡申领 by typing "shbzksl", so
 * every catalogue item needs its initials.  ICU's "Han-Latin; Latin-ASCII"
 * transliterator gives the pinyin; it takes about 150-200 ms to open, so it
 * is opened once, on first use, and kept for the life of the process (it is
 * still reachable at exit, so leak checkers do not count it).  Nothing here
 * is thread-safe: the transliterator is shared without a lock.
 *
 * The other helpers are small byte-level routines that the screens and the
 * parsers share, so that "never cut a character in half" is written once,
 * and the one set of rules for free text: what each kind may hold, how it
 * is checked where it is typed, and how stored text is shown safely. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

#include "qh/buf.h"
#include "qh/err.h"
#include "qh/text.h"
#include "qh/utf8.h"

/* Opened lazily by get_translit(); never closed (see above). */
static UTransliterator *translit;

static int get_translit(UTransliterator **out, char *err, size_t errlen)
{
    static const char id[] = "Han-Latin; Latin-ASCII";
    UChar uid[sizeof id];
    UErrorCode st = U_ZERO_ERROR;

    if (!translit) {
        /* The id is invariant ASCII, so the plain converter is exact. */
        u_charsToUChars(id, uid, (int32_t)sizeof id);
        translit = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
        if (U_FAILURE(st)) {
            translit = NULL;
            return qh_err(err, errlen, QH_E_IO,
                          "ICU transliterator \"%s\": %s", id, u_errorName(st));
        }
    }
    *out = translit;
    return 0;
}

static int is_ascii_alnum(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* The first ASCII letter or digit ICU makes of one code point, or 0.
 * One character at a time rather than a whole run: Han-Latin has no word
 * context anyway (银行 comes out "yin xing"), and per character keeps the
 * rule simple -- a full-width "ＡＢＣ" gives "abc" just as "ABC" does,
 * where splitting a transliterated run into words would give "a". */
static int initial_of(UTransliterator *t, UChar32 cp, char *out,
                      char *err, size_t errlen)
{
    UChar buf[32];       /* one syllable or expansion ("XII", " 1/2") */
    int32_t len = 0, limit;
    UErrorCode st = U_ZERO_ERROR;
    UBool bad = 0;

    U16_APPEND(buf, len, (int32_t)(sizeof buf / sizeof *buf), cp, bad);
    if (bad)
        return 0;
    limit = len;
    utrans_transUChars(t, buf, &len, (int32_t)(sizeof buf / sizeof *buf),
                       0, &limit, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        /* Longer than any pinyin syllable: not a letter we can index. */
        *out = 0;
        return 0;
    }
    if (U_FAILURE(st))
        return qh_err(err, errlen, QH_E_IO, "ICU transliteration of U+%04X: %s",
                      (unsigned)cp, u_errorName(st));
    *out = 0;
    for (int32_t i = 0; i < len && i < (int32_t)(sizeof buf / sizeof *buf); i++) {
        if (buf[i] < 0x80 && is_ascii_alnum(buf[i])) {
            *out = ascii_lower((char)buf[i]);
            break;
        }
    }
    return 0;
}

int qh_text_initials(const char *utf8, char *out, size_t outlen,
                     char *err, size_t errlen)
{
    UTransliterator *t = NULL;
    size_t n = 0;
    int32_t i = 0, len;
    int rc = 0;

    if (!out || !outlen)
        return 0;
    out[0] = '\0';
    if (!utf8)
        return 0;
    len = (int32_t)strnlen(utf8, INT32_MAX);

    while (i < len && n + 1 < outlen) {
        UChar32 cp;
        char c = 0;

        U8_NEXT(utf8, i, len, cp);
        if (cp < 0)
            continue;             /* ill-formed byte: drop it, like punctuation */
        if (cp < 0x80) {
            /* ASCII is kept whole, lowercased: "B超" -> "bc", "12345" stays. */
            if (is_ascii_alnum((int)cp))
                c = ascii_lower((char)cp);
        } else {
            if (!t) {
                rc = get_translit(&t, err, errlen);
                if (rc < 0)
                    goto done;
            }
            rc = initial_of(t, cp, &c, err, errlen);
            if (rc < 0)
                goto done;
        }
        if (c)
            out[n++] = c;
    }
    /* Longer input is cut: a search key only needs its beginning. */
done:
    out[n] = '\0';
    return rc;
}

int qh_text_valid_utf8(const char *s, size_t len)
{
    size_t i = 0;
    unsigned cp;

    if (!s)
        return len == 0;
    while (i < len) {
        int k = qh_utf8_decode(s + i, len - i, &cp);
        if (k <= 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

size_t qh_text_len(const char *s)
{
    size_t n = 0;

    if (!s)
        return 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

void qh_text_copy(char *out, size_t outlen, const char *s)
{
    size_t n;

    if (!out || !outlen)
        return;
    if (!s) {
        out[0] = '\0';
        return;
    }
    n = strnlen(s, outlen);
    if (n == outlen) {
        /* Too long: cut at outlen-1, then step back over continuation
         * bytes so that the cut lands on the start of a code point.  At
         * most three steps: a longer run is not UTF-8, and cutting it
         * anywhere is as good as anywhere else. */
        n = outlen - 1;
        for (int k = 0; k < 3 && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; k++)
            n--;
        if (((unsigned char)s[n] & 0xC0) == 0x80)
            n = outlen - 1;
    }
    memmove(out, s, n);
    out[n] = '\0';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

char *qh_text_trim(char *s)
{
    size_t start = 0, end;

    if (!s)
        return s;
    end = strlen(s);
    while (start < end && is_space(s[start]))
        start++;
    while (end > start && is_space(s[end - 1]))
        end--;
    memmove(s, s + start, end - start);
    s[end - start] = '\0';
    return s;
}

void qh_text_spell_number(const char *number, char *out, size_t outlen)
{
    /* Read digit by digit, as the hall announces: 「A零零一」, never
     * 「A一」 or 「A幺」 -- 零 keeps the three digits audible. */
    static const char *const digit[10] = {
        "零", "一", "二", "三", "四", "五", "六", "七", "八", "九",
    };
    size_t n = 0;

    if (!out || !outlen)
        return;
    out[0] = '\0';
    if (!number)
        return;
    for (const char *p = number; *p; p++) {
        const char *piece;
        size_t plen;

        if (*p >= '0' && *p <= '9') {
            piece = digit[*p - '0'];
            plen = strlen(piece);
        } else {
            /* Letters and anything else pass through; a multi-byte
             * character passes whole so the output stays UTF-8. */
            size_t k = 1;
            while (p[k] && ((unsigned char)p[k] & 0xC0) == 0x80)
                k++;
            piece = p;
            plen = k;
            p += k - 1;
        }
        if (n + plen >= outlen)
            break;            /* never half a character */
        memcpy(out + n, piece, plen);
        n += plen;
    }
    out[n] = '\0';
}

/* ---- free text ---- */

static const struct {
    size_t max;
    const char *zh, *en;
} kinds[QH_TEXT_KINDS] = {
    [QH_TEXT_NAME] = { QH_TEXT_NAME_MAX, "姓名", "name" },
    [QH_TEXT_PAUSE] = { QH_TEXT_PAUSE_MAX, "暂停原因", "pause reason" },
    [QH_TEXT_REASON] = { QH_TEXT_REASON_MAX, "评价原因", "rating reason" },
    [QH_TEXT_RESULT] = { QH_TEXT_RESULT_MAX, "回访结果", "follow-up result" },
    [QH_TEXT_NOTE] = { QH_TEXT_NOTE_MAX, "备注", "note" },
};

size_t qh_text_max(enum qh_text_kind kind)
{
    return (unsigned)kind < QH_TEXT_KINDS ? kinds[kind].max : 0;
}

const char *qh_text_label(enum qh_text_kind kind, enum qh_lang lang)
{
    if ((unsigned)kind >= QH_TEXT_KINDS)
        return "";
    return QH_TR(lang, kinds[kind].zh, kinds[kind].en);
}

/* C0 (TAB and line breaks too: every field is one line on a screen, a
 * slip or a listing), DEL and C1, whose U+009B is a terminal's CSI. */
static int is_control(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

int qh_text_scan(const char *s, size_t n, size_t *chars, size_t *at,
                 unsigned *cpout)
{
    size_t i = 0, nc = 0;
    int rc = QH_TEXT_CLEAN;
    unsigned cp = 0;

    while (i < n) {
        int k = qh_utf8_decode(s + i, n - i, &cp);
        if (k <= 0) {
            rc = QH_TEXT_BAD_UTF8;
            if (at)
                *at = i + 1;
            break;
        }
        if (is_control(cp)) {
            rc = QH_TEXT_CONTROL;
            if (at)
                *at = nc + 1;
            if (cpout)
                *cpout = cp;
            break;
        }
        nc++;
        i += (size_t)k;
    }
    if (chars)
        *chars = nc;
    return rc;
}

int qh_text_check(enum qh_text_kind kind, const char *s, enum qh_lang lang,
                  char *err, size_t errlen)
{
    const char *label = qh_text_label(kind, lang);
    size_t chars = 0, at = 0, max = qh_text_max(kind);
    unsigned cp = 0;

    if (!s)
        return 0;
    switch (qh_text_scan(s, strlen(s), &chars, &at, &cp)) {
    case QH_TEXT_BAD_UTF8:
        return qh_err(err, errlen, QH_E_PARSE,
                      QH_TR(lang, "%s含有无效的 UTF-8 字节（第 %zu 字节）",
                            "%s: invalid UTF-8 (byte %zu)"), label, at);
    case QH_TEXT_CONTROL:
        return qh_err(err, errlen, QH_E_PARSE,
                      QH_TR(lang, "%s含有控制字符 U+%04X（第 %zu 个字）",
                            "%s: control character U+%04X (character %zu)"),
                      label, cp, at);
    default:
        break;
    }
    if (chars > max)
        return qh_err(err, errlen, QH_E_PARSE,
                      QH_TR(lang, "%s最多 %zu 个字，现为 %zu 个字",
                            "%s: at most %zu characters, got %zu"),
                      label, max, chars);
    return 0;
}

int qh_text_append(char *dst, size_t dstlen, size_t maxchars, const char *src)
{
    size_t n, chars, slen;
    unsigned cp;

    if (!dst || !dstlen)
        return 1;
    n = strnlen(dst, dstlen - 1);
    dst[n] = '\0';
    chars = qh_text_len(dst);
    slen = src ? strlen(src) : 0;
    for (size_t i = 0; i < slen;) {
        int k = qh_utf8_decode(src + i, slen - i, &cp);
        if (k <= 0) {
            i++;                  /* ill-formed: dropped, like a control */
            continue;
        }
        if (!is_control(cp)) {
            if (chars >= maxchars || n + (size_t)k >= dstlen)
                return 1;
            memcpy(dst + n, src + i, (size_t)k);
            n += (size_t)k;
            dst[n] = '\0';
            chars++;
        }
        i += (size_t)k;
    }
    return 0;
}

static void esc_one(struct qh_buf *out, const unsigned char *p, size_t n)
{
    size_t i = 0;
    unsigned cp;

    while (i < n) {
        int k = qh_utf8_decode((const char *)p + i, n - i, &cp);
        if (k <= 0) {
            qh_buf_add(out, "\xEF\xBF\xBD", 3);       /* U+FFFD */
            i++;
            continue;
        }
        if (cp == '\r' && i + 1 < n && p[i + 1] == '\n')
            qh_buf_add(out, "\r", 1);
        else if (is_control(cp) && cp != '\n' && cp != '\t')
            qh_buf_printf(out, "\\u%04x", cp);
        else
            qh_buf_add(out, (const char *)p + i, (size_t)k);
        i += (size_t)k;
    }
}

void qh_text_escape(struct qh_text_esc *e, const char *s, size_t n,
                    struct qh_buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, start;
    unsigned cp;

    /* Finish what the last call kept back: a '\r' that may start "\r\n",
     * or a character cut in the middle. */
    if (e->npend && e->pend[0] == '\r') {
        if (!n)
            return;
        if (p[0] == '\n') {
            qh_buf_add(out, "\r\n", 2);
            i = 1;
        } else {
            qh_buf_puts(out, "\\u000d");
        }
        e->npend = 0;
    }
    while (e->npend && i < n) {
        e->pend[e->npend++] = p[i++];
        int k = qh_utf8_decode((const char *)e->pend, e->npend, &cp);
        if (k == -1)
            continue;
        if (k > 0) {
            esc_one(out, e->pend, e->npend);
        } else {
            /* The new byte broke it: the kept bytes are ill-formed, the
             * new one is looked at afresh. */
            esc_one(out, e->pend, e->npend - 1);
            i--;
        }
        e->npend = 0;
    }
    if (i == n)
        return;
    /* Keep back a tail that may continue in the next call: a lone '\r', or
     * the start of a character that is good so far. */
    start = i;
    size_t end = n;
    for (size_t back = 1; back <= 3 && back <= n - start; back++) {
        int k = qh_utf8_decode((const char *)p + n - back, back, &cp);
        if (k == -1) {
            end = n - back;
            break;
        }
        if (k > 0 || (p[n - back] & 0xC0) != 0x80)
            break;
    }
    if (end == n && p[n - 1] == '\r')
        end = n - 1;
    esc_one(out, p + start, end - start);
    memcpy(e->pend, p + end, n - end);
    e->npend = n - end;
}

void qh_text_escape_end(struct qh_text_esc *e, struct qh_buf *out)
{
    esc_one(out, e->pend, e->npend);
    e->npend = 0;
}

/* ---- the terminal ----
 *
 * The database may hold text from before it was checked -- an old row with
 * an escape sequence in a name, a byte that is not UTF-8 -- and a hall's
 * configuration and printers' messages are text too.  Rather than trusting
 * every printf of every listing to remember, a program's stdout and stderr
 * are replaced (glibc lets a program assign them) by streams that pass
 * everything through qh_text_escape.  JSON passes unchanged: its writer
 * has escaped all of these already, and "\u001b" is also what a control
 * character would be inside a JSON string. */

struct guard {
    int fd;
    struct qh_text_esc esc;
};

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static ssize_t guard_write(void *cookie, const char *buf, size_t n)
{
    struct guard *g = cookie;
    struct qh_buf b;
    int rc;
    qh_buf_init(&b);
    qh_text_escape(&g->esc, buf, n, &b);
    if (b.oom) {
        errno = ENOMEM;
        rc = -1;
    } else {
        rc = write_all(g->fd, qh_buf_str(&b), b.len);
    }
    qh_buf_fini(&b);
    /* stdio counts what it handed over, not what reached the fd. */
    return rc < 0 ? -1 : (ssize_t)n;
}

static int guard_close(void *cookie)
{
    struct guard *g = cookie;
    struct qh_buf b;
    int rc;
    qh_buf_init(&b);
    qh_text_escape_end(&g->esc, &b);
    rc = b.oom ? -1 : write_all(g->fd, qh_buf_str(&b), b.len);
    qh_buf_fini(&b);
    return rc;
}

int qh_text_guard_stdio(void)
{
    static struct guard out = {.fd = 1}, errs = {.fd = 2};
    static const cookie_io_functions_t io = {.write = guard_write, .close = guard_close};
    FILE *o = fopencookie(&out, "w", io);
    FILE *e = fopencookie(&errs, "w", io);
    if (!o || !e) {
        if (o)
            fclose(o);
        if (e)
            fclose(e);
        return -1;
    }
    /* Buffered as before: stdout by line on a terminal, stderr not at all
     * (a "PIN: " prompt shows before the read). */
    setvbuf(o, NULL, isatty(1) ? _IOLBF : _IOFBF, BUFSIZ);
    setvbuf(e, NULL, _IONBF, 0);
    fflush(stdout);
    fflush(stderr);
    stdout = o;
    stderr = e;
    return 0;
}

int qh_text_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
