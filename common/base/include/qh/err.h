/* err.h: error codes and message buffers shared by every qhall module.
 *
 * Functions return 0 (or a non-negative count) on success and a negative
 * QH_E_* code on failure, writing one line without a trailing newline
 * into the caller's buffer.  `err` may be NULL.  Parsers are the one
 * exception to "one line": they report every bad line of their input,
 * separated by '\n', so a hall opening at 8:00 gets the whole list. */
#ifndef QH_ERR_H
#define QH_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum qh_err {
    QH_OK = 0,
    QH_E_NOMEM = -1,
    QH_E_IO = -2,
    QH_E_DB = -3,
    QH_E_PARSE = -4,      /* bad input: config, CSV, arguments */
    QH_E_STATE = -5,      /* operation not allowed in the current state */
    QH_E_NOTFOUND = -6,
    QH_E_EMPTY = -7,      /* nothing waiting */
    QH_E_QUOTA = -8,      /* daily quota reached */
    QH_E_AUTH = -9,       /* wrong PIN */
    QH_E_LOCKED = -10,    /* account locked after too many wrong PINs */
    QH_E_USAGE = -11,     /* bad command line */
    QH_E_EXISTS = -12,
    QH_E_BUSY = -13,      /* database locked longer than the busy timeout */
    QH_E_CORRUPT = -14,   /* the database file is damaged: restore a backup */
};                        /* append only: numbers appear in logs */

#define QH_ERRLEN 256

enum qh_lang { QH_LANG_ZH = 0, QH_LANG_EN = 1 };

/* Pick the Chinese or English form of a message. */
#define QH_TR(lang, zh, en) ((lang) == QH_LANG_EN ? (en) : (zh))

const char *qh_strerror(int rc);

/* Format into err (if not NULL) and return rc, so a failure path is
 * `return qh_err(err, errlen, QH_E_STATE, "...", ...);`. */
int qh_err(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Append one more line to a multi-line parser report. */
void qh_err_append(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Append "name:line: message" (line 0: "name: message") to a parser
 * report: the one form every file's errors take. */
void qh_err_append_at(char *err, size_t errlen, const char *name, int line,
                      const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/* A parser's report while it is being made: every bad line of a file,
 * collected in any order (a syntax pass, then checks across the whole
 * file, then checks against the hall) and written out sorted by line, so
 * one run lists every mistake in file order.  Zero-initialise it. */
struct qh_errline;
struct qh_errlist {
    struct qh_errline *v;
    size_t n, cap;
    size_t seq;
    int nomem;                /* some line could not be kept */
};

/* Add "name:line: message" (line 0, whole-file: "name: message"). */
void qh_errlist_add(struct qh_errlist *l, const char *name, int line,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void qh_errlist_vadd(struct qh_errlist *l, const char *name, int line,
                     const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
/* Lines reported so far (0: the input was good). */
size_t qh_errlist_count(const struct qh_errlist *l);
/* 1 if some message names this line. */
int qh_errlist_has_line(const struct qh_errlist *l, int line);
/* Write the report into err: by line, whole-file messages last, and when
 * errlen cannot hold them all, as many as fit and then a last line saying
 * how many more there are.  Sorts l in place. */
void qh_errlist_write(struct qh_errlist *l, enum qh_lang lang,
                      char *err, size_t errlen);
void qh_errlist_fini(struct qh_errlist *l);

/* The process exit status the CLI contract assigns to a return code:
 * 0 done, 1 refused, 2 bad usage or input, 3 store or system error. */
int qh_err_exit_status(int rc);

#endif
