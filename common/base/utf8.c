/* utf8.c: the strict UTF-8 decoder (qh/utf8.h). */
#include "qh/utf8.h"

int qh_utf8_decode(const char *s, size_t n, unsigned *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned c, lo = 0x80, hi = 0xBF, v;
    int need;

    if (!n)
        return -1;
    c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    /* The second byte's range carries the rules: E0 A0.. and F0 90.. keep
     * out overlong forms, ED ..9F the UTF-16 surrogates, F4 ..8F values
     * past U+10FFFF -- how malformed input sneaks past filters. */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1; v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2; v = c & 0x0F;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3; v = c & 0x07;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;                 /* continuation byte, C0/C1 or F5-FF lead */
    }
    for (int k = 1; k <= need; k++) {
        if ((size_t)k >= n)
            return -1;
        unsigned b = p[k];
        if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (b & 0x3F);
    }
    *cp = v;
    return need + 1;
}
