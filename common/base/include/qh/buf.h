/* buf.h: a growable string, and JSON writing on top of it.
 *
 * Used for event details and the CLI's --json output, so both escape
 * strings the same way. */
#ifndef QH_BUF_H
#define QH_BUF_H

#include <stddef.h>
#include <stdint.h>

struct qh_buf {
    char *p;          /* always NUL-terminated once anything was added */
    size_t len, cap;
    int oom;          /* set when an allocation failed: the text is cut */
};

void qh_buf_init(struct qh_buf *b);
void qh_buf_fini(struct qh_buf *b);
void qh_buf_reset(struct qh_buf *b);
void qh_buf_add(struct qh_buf *b, const char *s, size_t n);
void qh_buf_puts(struct qh_buf *b, const char *s);
void qh_buf_printf(struct qh_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The text so far ("" when empty). Borrowed until the next call. */
const char *qh_buf_str(const struct qh_buf *b);

/* JSON: a "key": value pair appended with a leading comma when the
 * object already has members.  qh_json_open/close write { and }. */
void qh_json_open(struct qh_buf *b);
void qh_json_close(struct qh_buf *b);
void qh_json_str(struct qh_buf *b, const char *key, const char *val); /* NULL -> null */
void qh_json_int(struct qh_buf *b, const char *key, int64_t val);
void qh_json_bool(struct qh_buf *b, const char *key, int val);
void qh_json_raw(struct qh_buf *b, const char *key, const char *json);
/* Append `s` as a quoted, escaped JSON string. */
void qh_json_quote(struct qh_buf *b, const char *s);

/* Read string member `key` of the flat JSON object `json` (as written
 * above) into out; returns 1 if found, 0 if not. */
int qh_json_get_str(const char *json, const char *key, char *out, size_t outlen);
int qh_json_get_int(const char *json, const char *key, int64_t *out);

#endif
