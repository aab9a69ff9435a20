/* clock.c: the clock every program reads, and calendar arithmetic in the
 * hall's time zone.
 *
 * QHALL_NOW lets tests, simulations and demos run a whole day at any
 * hour; QHALL_NOW_FILE does it with a time read from a file at every
 * reading, so that a simulation moves the clock of programs that run;
 * qh_clock_set() does the same inside one process.  Local time
 * comes from ICU calendars rather than TZ/localtime_r so the library never
 * changes process-wide state.  One calendar is cached (opening one costs
 * far more than using it) behind a mutex, and with it the span between
 * the zone's offset changes around the last time asked for: inside it,
 * local time is plain arithmetic, which matters because every ticket
 * operation and every row of a report asks. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "qh/clock.h"
#include "qh/err.h"

static int64_t fixed_ms;
static pthread_mutex_t cal_lock = PTHREAD_MUTEX_INITIALIZER;
static UCalendar *cal;
static char cal_tz[64];
/* The zone of cal is UTC+span_off on [span_from, span_to); span_to <=
 * span_from when nothing is known. */
static int64_t span_from, span_to;
static int span_off;

void qh_clock_set(int64_t ms)
{
    fixed_ms = ms;
}

/* QHALL_NOW_FILE's time: 0 and *ms, or < 0 (unset: QH_E_NOTFOUND). */
static int file_now(int64_t *ms, char *why, size_t whylen)
{
    const char *path = getenv("QHALL_NOW_FILE");
    char buf[64];
    if (!path || !*path)
        return QH_E_NOTFOUND;
    FILE *f = fopen(path, "re");
    if (!f)
        return qh_err(why, whylen, QH_E_IO, "%s: %s", path, strerror(errno));
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    char reason[QH_ERRLEN];
    if (qh_clock_parse(buf, NULL, ms, reason, sizeof reason) < 0)
        return qh_err(why, whylen, QH_E_PARSE, "%s:1: %s", path, reason);
    return 0;
}

/* The environment's fixed time: 1 and *ms, or 0. */
static int env_now(int64_t *ms)
{
    const char *env = getenv("QHALL_NOW");
    if (env && *env)
        return qh_clock_parse(env, NULL, ms, NULL, 0) == 0;
    return file_now(ms, NULL, 0) == 0;
}

int64_t qh_clock_now(void)
{
    int64_t ms;
    if (qh_clock_fixed(&ms))
        return ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int qh_clock_fixed(int64_t *at)
{
    int64_t ms = fixed_ms;
    if (!ms && !env_now(&ms))
        return 0;
    if (at)
        *at = ms;
    return 1;
}

int qh_clock_check_env(char *err, size_t errlen)
{
    const char *env = getenv("QHALL_NOW");
    int64_t ms;
    char why[QH_ERRLEN];
    if (env && *env) {
        if (qh_clock_parse(env, NULL, &ms, why, sizeof why) < 0)
            return qh_err(err, errlen, QH_E_PARSE, "QHALL_NOW: %s", why);
        return 0;
    }
    int rc = file_now(&ms, why, sizeof why);
    if (rc < 0 && rc != QH_E_NOTFOUND)
        return qh_err(err, errlen, QH_E_PARSE, "QHALL_NOW_FILE: %s", why);
    return 0;
}

/* Calendar for tz, locked; callers must call unlock_cal(). NULL when ICU
 * does not know the zone (it would silently give GMT otherwise). */
static UCalendar *lock_cal(const char *tz)
{
    pthread_mutex_lock(&cal_lock);
    if (cal && strcmp(cal_tz, tz) == 0)
        return cal;
    if (cal) {
        ucal_close(cal);
        cal = NULL;
    }
    UChar id[64];
    UErrorCode st = U_ZERO_ERROR;
    u_uastrncpy(id, tz, 63);
    id[63] = 0;
    UChar canon[64];
    UBool system = 0;
    ucal_getCanonicalTimeZoneID(id, -1, canon, 64, &system, &st);
    if (U_FAILURE(st) || !system)
        return NULL;
    st = U_ZERO_ERROR;
    cal = ucal_open(id, -1, "en_US_POSIX", UCAL_GREGORIAN, &st);
    if (U_FAILURE(st)) {
        cal = NULL;
        return NULL;
    }
    snprintf(cal_tz, sizeof cal_tz, "%s", tz);
    span_from = span_to = 0;
    return cal;
}

static void unlock_cal(void)
{
    pthread_mutex_unlock(&cal_lock);
}

void qh_clock_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Learn the offset of cal's zone at ms and the span it holds for; cal is
 * locked.  Without transition data the span is just ms. */
static int learn_span(int64_t ms)
{
    UErrorCode st = U_ZERO_ERROR;
    ucal_setMillis(cal, (UDate)ms, &st);
    int off = ucal_get(cal, UCAL_ZONE_OFFSET, &st) + ucal_get(cal, UCAL_DST_OFFSET, &st);
    if (U_FAILURE(st))
        return -1;
    UDate prev, next;
    UErrorCode pst = U_ZERO_ERROR, nst = U_ZERO_ERROR;
    UBool has_prev = ucal_getTimeZoneTransitionDate(
        cal, UCAL_TZ_TRANSITION_PREVIOUS_INCLUSIVE, &prev, &pst);
    UBool has_next = ucal_getTimeZoneTransitionDate(
        cal, UCAL_TZ_TRANSITION_NEXT, &next, &nst);
    span_off = off;
    if (U_FAILURE(pst) || U_FAILURE(nst)) {
        span_from = ms;
        span_to = ms + 1;
        return 0;
    }
    span_from = has_prev ? (int64_t)prev : INT64_MIN;
    span_to = has_next ? (int64_t)next : INT64_MAX;
    if (ms < span_from || ms >= span_to) {
        span_from = ms;
        span_to = ms + 1;
    }
    return 0;
}

int qh_clock_local(const char *tz, int64_t ms, struct qh_tm *out)
{
    UCalendar *c = lock_cal(tz ? tz : "UTC");
    if (!c || ((ms < span_from || ms >= span_to) && learn_span(ms) < 0)) {
        unlock_cal();
        return QH_E_PARSE;
    }
    int64_t local = ms + span_off;
    unlock_cal();
    int64_t days = floor_div(local, 86400000);
    int64_t in_day = (local - days * 86400000) / 1000;
    qh_clock_civil_from_days(days, &out->year, &out->month, &out->day);
    out->hour = (int)(in_day / 3600);
    out->min = (int)(in_day / 60 % 60);
    out->sec = (int)(in_day % 60);
    out->wday = (int)((days % 7 + 11) % 7);   /* 1970-01-01 was a Thursday */
    out->offset_min = span_off / 60000;
    return 0;
}

/* Milliseconds of a local wall-clock time in tz. */
static int local_to_ms(const char *tz, int y, int mo, int d, int h, int mi,
                       int s, int64_t *ms)
{
    UCalendar *c = lock_cal(tz);
    if (!c) {
        unlock_cal();
        return QH_E_PARSE;
    }
    UErrorCode st = U_ZERO_ERROR;
    ucal_clear(c);
    ucal_setDateTime(c, y, mo - 1, d, h, mi, s, &st);
    UDate v = ucal_getMillis(c, &st);
    unlock_cal();
    if (U_FAILURE(st))
        return QH_E_PARSE;
    *ms = (int64_t)v;
    return 0;
}

int64_t qh_clock_days_from_civil(int y, int m, int d)
{
    /* Howard Hinnant's algorithm: exact for the proleptic Gregorian
     * calendar, no time zone involved. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int qh_clock_parse(const char *s, const char *tz, int64_t *ms,
                   char *err, size_t errlen)
{
    int y, mo, d, h, mi, sec = 0, frac = 0, n = 0;
    const char *p = s;
    if (sscanf(p, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        goto bad;
    p += n;
    if (*p != 'T' && *p != ' ')
        goto bad;
    p++;
    n = 0;
    if (sscanf(p, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
        goto bad;
    p += n;
    if (*p == ':') {
        n = 0;
        if (sscanf(p + 1, "%2d%n", &sec, &n) != 1 || n != 2)
            goto bad;
        p += 3;
        if (*p == '.') {
            int digits = 0;
            for (p++; *p >= '0' && *p <= '9'; p++, digits++)
                if (digits < 3)
                    frac = frac * 10 + (*p - '0');
            if (!digits)
                goto bad;
            for (; digits < 3; digits++)
                frac *= 10;
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || sec > 60 || y < 1970 || y > 9999)
        return qh_err(err, errlen, QH_E_PARSE, "invalid date or time: \"%s\"", s);
    if (*p == '\0') {
        if (!tz)
            return qh_err(err, errlen, QH_E_PARSE,
                          "time needs a UTC offset such as +08:00: \"%s\"", s);
        if (local_to_ms(tz, y, mo, d, h, mi, sec, ms) < 0)
            return qh_err(err, errlen, QH_E_PARSE, "unknown time zone \"%s\"", tz);
        *ms += frac;
        return 0;
    }
    int off = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        n = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 ||
            oh > 14 || om > 59)
            goto bad;
        off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        goto bad;
    }
    if (*p)
        goto bad;
    *ms = ((qh_clock_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) -
           (int64_t)off * 60) * 1000 + frac;
    return 0;
bad:
    return qh_err(err, errlen, QH_E_PARSE,
                  "expected a time like 2026-11-25T09:00:00+08:00, got \"%s\"", s);
}

void qh_clock_day(const char *tz, int64_t ms, char out[11])
{
    struct qh_tm t;
    if (qh_clock_local(tz, ms, &t) < 0)
        qh_clock_local("UTC", ms, &t);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)t.year % 10000u,
             (unsigned)t.month % 100u, (unsigned)t.day % 100u);
}

void qh_clock_iso(const char *tz, int64_t ms, char out[32])
{
    struct qh_tm t;
    if (qh_clock_local(tz, ms, &t) < 0)
        qh_clock_local("UTC", ms, &t);
    int off = t.offset_min < 0 ? -t.offset_min : t.offset_min;
    snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u%c%02u:%02u",
             (unsigned)t.year % 10000u, (unsigned)t.month % 100u,
             (unsigned)t.day % 100u, (unsigned)t.hour % 100u,
             (unsigned)t.min % 100u, (unsigned)t.sec % 100u,
             t.offset_min < 0 ? '-' : '+', (unsigned)(off / 60) % 100u,
             (unsigned)off % 60u);
}

void qh_clock_hhmm(const char *tz, int64_t ms, char out[6])
{
    struct qh_tm t;
    if (qh_clock_local(tz, ms, &t) < 0)
        qh_clock_local("UTC", ms, &t);
    snprintf(out, 6, "%02u:%02u", (unsigned)t.hour % 100u, (unsigned)t.min % 100u);
}

void qh_clock_stamp(int64_t ms, char out[16])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 16, "%Y%m%d-%H%M%S", &tm);
}

int qh_clock_day_start(const char *tz, const char *day, int64_t *ms)
{
    int y, m, d, n = 0;
    if (sscanf(day, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
        m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return QH_E_PARSE;
    return local_to_ms(tz, y, m, d, 0, 0, 0, ms);
}

/* ---- service days as numbers ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant). */
long qh_clock_day_num(const char *day)
{
    /* Digits by hand: ticket ids are made from this on every issue, and
     * sscanf costs as much as a B-tree seek. */
    int v[3] = {0, 0, 0}, k = 0, nd = 0;
    for (const char *p = day; *p && k < 3; p++) {
        if (*p >= '0' && *p <= '9' && nd < (k ? 2 : 4)) {
            v[k] = v[k] * 10 + (*p - '0');
            nd++;
        } else if (*p == '-' && nd) {
            k++;
            nd = 0;
        } else {
            break;
        }
    }
    if (k < 2 || (k == 2 && !nd))
        return 0;
    return (long)qh_clock_days_from_civil(v[0], v[1], v[2]);
}

void qh_clock_day_str(long z, char out[11])
{
    int y, m, d;
    qh_clock_civil_from_days(z, &y, &m, &d);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

int64_t qh_clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
