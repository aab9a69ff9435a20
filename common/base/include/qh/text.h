/* text.h: UTF-8 helpers, the rules for free text, and pinyin initials for
 * kiosk search.
 *
 * Initials come from ICU's "Han-Latin; Latin-ASCII" transliterator, opened
 * once per process on first use (about 150 ms).  Not thread-safe. */
#ifndef QH_TEXT_H
#define QH_TEXT_H

#include <stddef.h>

#include "qh/err.h"

struct qh_buf;

/* ---- free text: what people type ----
 *
 * Every piece of free text the hall stores has a kind and a limit in
 * characters (Unicode code points, so 「午休」 is 2 and "Lunch" 5), the
 * same for Chinese and English.  Every buffer that holds one is sized
 * from its limit with QH_TEXT_BYTES, so what the validator lets through
 * is never cut. */
#define QH_TEXT_NAME_MAX 32       /* staff and appointment names */
#define QH_TEXT_PAUSE_MAX 60      /* why a window pauses */
#define QH_TEXT_REASON_MAX 200    /* why a rating is bad */
#define QH_TEXT_RESULT_MAX 200    /* what a follow-up found and did */
#define QH_TEXT_NOTE_MAX 500      /* finish and transfer notes */

/* Bytes that hold `chars` characters of UTF-8 (at most 4 bytes each) and
 * the NUL. */
#define QH_TEXT_BYTES(chars) ((chars) * 4 + 1)
/* Bytes of the same as a quoted JSON string: valid free text has no
 * control characters, so only " and \ are escaped (2 bytes for 1). */
#define QH_TEXT_JSON_BYTES(chars) ((chars) * 4 + 2)

#define QH_TEXT_NAME_LEN QH_TEXT_BYTES(QH_TEXT_NAME_MAX)
#define QH_TEXT_PAUSE_LEN QH_TEXT_BYTES(QH_TEXT_PAUSE_MAX)
#define QH_TEXT_REASON_LEN QH_TEXT_BYTES(QH_TEXT_REASON_MAX)
#define QH_TEXT_RESULT_LEN QH_TEXT_BYTES(QH_TEXT_RESULT_MAX)
#define QH_TEXT_NOTE_LEN QH_TEXT_BYTES(QH_TEXT_NOTE_MAX)

enum qh_text_kind {
    QH_TEXT_NAME, QH_TEXT_PAUSE, QH_TEXT_REASON, QH_TEXT_RESULT, QH_TEXT_NOTE,
};
#define QH_TEXT_KINDS 5

/* The limit of a kind in characters, and its name in messages (备注 /
 * note). */
size_t qh_text_max(enum qh_text_kind kind);
const char *qh_text_label(enum qh_text_kind kind, enum qh_lang lang);

/* What qh_text_scan found. */
enum { QH_TEXT_CLEAN = 0, QH_TEXT_BAD_UTF8, QH_TEXT_CONTROL };

/* Scan n bytes of one-line text: QH_TEXT_CLEAN, QH_TEXT_BAD_UTF8 (ill-formed,
 * overlong, a surrogate or past U+10FFFF; *at = its byte, from 1) or
 * QH_TEXT_CONTROL (C0 including TAB and line breaks, DEL, C1 U+0080-U+009F;
 * *at = its character, from 1, *cp = the code point).  *chars receives the
 * characters before the problem (all of them when clean).  Any out pointer
 * may be NULL. */
int qh_text_scan(const char *s, size_t n, size_t *chars, size_t *at,
                 unsigned *cp);

/* 0 if s (NULL is "") is good free text of `kind`: valid UTF-8, no control
 * characters, at most qh_text_max(kind) characters.  Otherwise QH_E_PARSE
 * with the reason in lang, naming the field: 「备注最多 500 个字，现为 731
 * 个字」, 「姓名含有无效的 UTF-8 字节（第 3 字节）」, 「暂停原因含有控制字符
 * U+001B（第 5 个字）」. */
int qh_text_check(enum qh_text_kind kind, const char *s, enum qh_lang lang,
                  char *err, size_t errlen);

/* Append what is typed (src) to the text field dst[dstlen] that holds at
 * most maxchars characters: whole characters only, control characters and
 * ill-formed bytes dropped.  Returns 0 when all of src went in, 1 when the
 * field stopped at its limit (the rest of src is dropped). */
int qh_text_append(char *dst, size_t dstlen, size_t maxchars, const char *src);

/* Text safe to show on a terminal, appended to out: valid UTF-8 passes
 * (ill-formed bytes become U+FFFD), control characters other than '\n',
 * '\t' and the '\r' of "\r\n" become "\u001b" -- as text this is
 * readable, inside a JSON string it is the same string.  Streaming: a
 * character cut between two calls is kept in e until the next; _end
 * flushes what is left.  Zero the struct to start. */
struct qh_text_esc {
    unsigned char pend[4];
    size_t npend;
};
void qh_text_escape(struct qh_text_esc *e, const char *s, size_t n,
                    struct qh_buf *out);
void qh_text_escape_end(struct qh_text_esc *e, struct qh_buf *out);

/* For a program's main(): stdout and stderr become streams that pass what
 * is printed through qh_text_escape, so nothing the program prints can
 * drive a terminal.  Buffering stays as it was (stdout by line on a
 * terminal, stderr unbuffered).  0, or -1 if the streams cannot be made
 * (the old ones stay). */
int qh_text_guard_stdio(void);


/* 社会保障卡申领 -> "shbzksl".  ASCII letters and digits are kept
 * (lowercased), other characters dropped.  Returns 0, QH_E_NOMEM, or
 * QH_E_IO if ICU cannot open the transliterator. */
int qh_text_initials(const char *utf8, char *out, size_t outlen,
                     char *err, size_t errlen);

/* 1 if s is valid UTF-8. */
int qh_text_valid_utf8(const char *s, size_t len);
/* The value of a hex digit (0-9 a-f A-F), or -1: a %XX escape's. */
int qh_text_hex_digit(int c);

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
