/* utf8.h: one UTF-8 character at a time, strictly, for the text rules
 * (qh/text.h) and the JSON writer (qh/buf.h) alike. */
#ifndef QH_UTF8_H
#define QH_UTF8_H

#include <stddef.h>

/* One UTF-8 character at s[0..n): its length (1-4) with *cp, 0 when s[0]
 * cannot start one (ill-formed, overlong, surrogate, past U+10FFFF), -1
 * when n ends inside a character that is good so far. */
int qh_utf8_decode(const char *s, size_t n, unsigned *cp);

#endif
