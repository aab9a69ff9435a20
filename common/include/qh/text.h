/* text.h: UTF-8 helpers and pinyin initials for kiosk search.
 *
 * Initials come from ICU's "Han-Latin; Latin-ASCII" transliterator, opened
 * once per process on first use (about 150 ms).  Not thread-safe. */
#ifndef QH_TEXT_H
#define QH_TEXT_H

#include <stddef.h>

/* 社会保障卡申领 -> "shbzksl".  ASCII letters and digits are kept
 * (lowercased), other characters dropped.  Returns 0, QH_E_NOMEM, or
 * QH_E_IO if ICU cannot open the transliterator. */
int qh_text_initials(const char *utf8, char *out, size_t outlen,
                     char *err, size_t errlen);

/* 1 if s is valid UTF-8. */
int qh_text_valid_utf8(const char *s, size_t len);

/* Number of code points in valid UTF-8. */
size_t qh_text_len(const char *s);

/* Copy at most outlen-1 bytes of s into out without splitting a code
 * point. */
void qh_text_copy(char *out, size_t outlen, const char *s);

/* Trim ASCII white space in place; returns s. */
char *qh_text_trim(char *s);

/* 「A001」 -> 「A零零一」: digits read one by one, for announcements. */
void qh_text_spell_number(const char *number, char *out, size_t outlen);

#endif
