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
 * parsers share, so that "never cut a character in half" is written once. */
#include <stdint.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

#include "qh/err.h"
#include "qh/text.h"

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
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    if (!s)
        return len == 0;
    while (i < len) {
        unsigned c = p[i];
        size_t need;
        uint32_t cp, min;

        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1; cp = c & 0x1F; min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2; cp = c & 0x0F; min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3; cp = c & 0x07; min = 0x10000;
        } else {
            return 0;             /* continuation byte, C0/C1 or F5-FF lead */
        }
        if (len - i <= need)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        /* Overlong forms, UTF-16 surrogates and values past U+10FFFF are
         * rejected: they are how malformed input sneaks past filters. */
        if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return 0;
        i += need + 1;
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
