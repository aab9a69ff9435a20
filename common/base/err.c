/* err.c: error codes, their descriptions, and the message buffers every
 * module fills.  qh_strerror is a switch with no default so that -Wswitch
 * names any code added to enum qh_err without a description. */
#include <stdarg.h>
#include <stdio.h>
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
