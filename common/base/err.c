/* err.c: error codes, their descriptions, and the message buffers every
 * module fills.  qh_strerror is a switch with no default so that -Wswitch
 * names any code added to enum qh_err without a description. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/err.h"

const char *qh_strerror(int rc)
{
    switch ((enum qh_err)rc) {
    case QH_OK: return "ok";
    case QH_E_NOMEM: return "out of memory";
    case QH_E_IO: return "i/o error";
    case QH_E_DB: return "database error";
    case QH_E_PARSE: return "bad input";
    case QH_E_STATE: return "not allowed in this state";
    case QH_E_NOTFOUND: return "not found";
    case QH_E_EMPTY: return "nothing waiting";
    case QH_E_QUOTA: return "daily quota reached";
    case QH_E_AUTH: return "wrong PIN";
    case QH_E_LOCKED: return "account locked";
    case QH_E_USAGE: return "bad usage";
    case QH_E_EXISTS: return "already exists";
    case QH_E_BUSY: return "database busy";
    case QH_E_CORRUPT: return "database damaged";
    }
    return "unknown error";
}

int qh_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

void qh_err_append_at(char *err, size_t errlen, const char *name, int line,
                      const char *fmt, va_list ap)
{
    char msg[QH_ERRLEN];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (line > 0)
        qh_err_append(err, errlen, "%s:%d: %s", name, line, msg);
    else
        qh_err_append(err, errlen, "%s: %s", name, msg);
}

void qh_err_append(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    size_t used = strnlen(err, errlen);
    if (used + 1 >= errlen)
        return;
    if (used) {
        err[used++] = '\n';
        err[used] = '\0';
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + used, errlen - used, fmt, ap);
    va_end(ap);
}

struct qh_errline {
    int line;
    size_t seq;               /* order of adding: keeps one line's messages in order */
    char *msg;
};

void qh_errlist_vadd(struct qh_errlist *l, const char *name, int line,
                     const char *fmt, va_list ap)
{
    char msg[QH_ERRLEN], full[QH_ERRLEN + 64];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (line > 0)
        snprintf(full, sizeof full, "%s:%d: %s", name, line, msg);
    else
        snprintf(full, sizeof full, "%s: %s", name, msg);
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        struct qh_errline *p = realloc(l->v, ncap * sizeof *p);
        if (!p) {
            l->nomem = 1;
            return;
        }
        l->v = p;
        l->cap = ncap;
    }
    char *m = strdup(full);
    if (!m) {
        l->nomem = 1;
        return;
    }
    l->v[l->n++] = (struct qh_errline){ line, l->seq++, m };
}

void qh_errlist_add(struct qh_errlist *l, const char *name, int line,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qh_errlist_vadd(l, name, line, fmt, ap);
    va_end(ap);
}

size_t qh_errlist_count(const struct qh_errlist *l)
{
    return l->n + (size_t)l->nomem;
}

int qh_errlist_has_line(const struct qh_errlist *l, int line)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].line == line)
            return 1;
    return 0;
}

static int errline_cmp(const void *a, const void *b)
{
    const struct qh_errline *x = a, *y = b;
    /* Whole-file messages (line 0) after the lines they sum up. */
    unsigned lx = x->line > 0 ? (unsigned)x->line : ~0u;
    unsigned ly = y->line > 0 ? (unsigned)y->line : ~0u;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void qh_errlist_write(struct qh_errlist *l, enum qh_lang lang,
                      char *err, size_t errlen)
{
    /* Room kept for the last line that counts what did not fit. */
    enum { TAIL = 96 };
    if (!err || !errlen)
        return;
    err[0] = '\0';
    /* qsort of no array (v NULL) is undefined, however short. */
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, errline_cmp);
    size_t used = 0, i = 0;
    for (; i < l->n; i++) {
        size_t mlen = strlen(l->v[i].msg), need = mlen + (used ? 1 : 0);
        int last = i + 1 == l->n && !l->nomem;
        if (used + need + 1 > errlen || (!last && used + need + 1 + TAIL > errlen))
            break;
        if (used)
            err[used++] = '\n';
        memcpy(err + used, l->v[i].msg, mlen);
        used += mlen;
        err[used] = '\0';
    }
    if (i < l->n)
        qh_err_append(err, errlen, QH_TR(lang, "……另有 %zu 处错误未列出",
                                         "... and %zu more errors not shown"),
                      l->n - i);
    if (l->nomem)
        qh_err_append(err, errlen, "%s", QH_TR(lang, "内存不足，部分错误未能记录",
                                               "out of memory: some errors were not kept"));
}

void qh_errlist_fini(struct qh_errlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].msg);
    free(l->v);
    memset(l, 0, sizeof *l);
}

int qh_err_exit_status(int rc)
{
    if (rc >= 0)
        return 0;
    switch ((enum qh_err)rc) {
    case QH_OK:
        return 0;
    case QH_E_STATE: case QH_E_NOTFOUND: case QH_E_EMPTY: case QH_E_QUOTA:
    case QH_E_AUTH: case QH_E_LOCKED: case QH_E_EXISTS:
        return 1;
    case QH_E_PARSE: case QH_E_USAGE:
        return 2;
    case QH_E_NOMEM: case QH_E_IO: case QH_E_DB: case QH_E_BUSY:
    case QH_E_CORRUPT:
        return 3;
    }
    return 3;
}
