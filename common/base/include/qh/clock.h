/* clock.h: the one clock every qhall program reads, and local time in the
 * hall's time zone.
 *
 * Times are int64 milliseconds since the Unix epoch (UTC).  The clock is
 * the system clock unless QHALL_NOW=2026-11-25T09:00:00+08:00 is set in the
 * environment (tests, simulations, demos), or a test has fixed it with
 * qh_clock_set().  Time zones use ICU, so no process-wide TZ is touched. */
#ifndef QH_CLOCK_H
#define QH_CLOCK_H

#include <stddef.h>
#include <stdint.h>

struct qh_tm {
    int year, month, day;     /* month 1-12 */
    int hour, min, sec;
    int wday;                 /* 0 = Sunday */
    int offset_min;           /* UTC offset in minutes */
};

/* Now, from qh_clock_set(), else QHALL_NOW, else the time in the file
 * QHALL_NOW_FILE names (read at every call: a simulation moves it under
 * running programs), else the system clock.  An unparsable QHALL_NOW or
 * file falls back to the system clock; programs check them at start with
 * qh_clock_check_env(). */
int64_t qh_clock_now(void);

/* Fix the clock (ms) for this process; 0 returns to QHALL_NOW / system. */
void qh_clock_set(int64_t ms);

/* 1 when the clock is fixed (qh_clock_set, a valid QHALL_NOW or
 * QHALL_NOW_FILE), and *at (when not NULL) the fixed time, read once; 0
 * when it is the system clock: a server's clock corrects only the latter. */
int qh_clock_fixed(int64_t *at);

/* 0, or QH_E_PARSE with a message if QHALL_NOW is set but not valid, or
 * QHALL_NOW_FILE names a file that cannot be read or holds no time. */
int qh_clock_check_env(char *err, size_t errlen);

/* Parse ISO 8601 "YYYY-MM-DDTHH:MM[:SS][.mmm](Z|+HH:MM|-HH:MM)".
 * Without an offset the time is read in `tz` (may be NULL: then an offset
 * is required).  Returns 0 or QH_E_PARSE. */
int qh_clock_parse(const char *s, const char *tz, int64_t *ms,
                   char *err, size_t errlen);

/* Local calendar fields of `ms` in time zone `tz` (IANA name). */
int qh_clock_local(const char *tz, int64_t ms, struct qh_tm *out);

/* "YYYY-MM-DD": the service day of `ms` in `tz`. */
void qh_clock_day(const char *tz, int64_t ms, char out[11]);

/* "YYYY-MM-DDTHH:MM:SS+08:00" in `tz`. */
void qh_clock_iso(const char *tz, int64_t ms, char out[32]);

/* "HH:MM" in `tz`. */
void qh_clock_hhmm(const char *tz, int64_t ms, char out[6]);

/* "YYYYMMDD-HHMMSS" in this PC's local time: the stamp in the names of
 * backups and of a file a restore replaced (they sort by time). */
void qh_clock_stamp(int64_t ms, char out[16]);

/* Millisecond timestamp of local midnight starting `day` in `tz`. */
int qh_clock_day_start(const char *tz, const char *day, int64_t *ms);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back
 * (H. Hinnant's algorithms; no time zone involved). */
int64_t qh_clock_days_from_civil(int y, int m, int d);
void qh_clock_civil_from_days(int64_t z, int *y, int *m, int *d);
/* CLOCK_MONOTONIC in ms: for timers and frame pacing, never for the
 * hall's time (which QHALL_NOW may fix). */
int64_t qh_clock_mono_ms(void);
/* Days since 1970-01-01 of a service day "YYYY-MM-DD" (0 if it is not
 * one), and back. */
long qh_clock_day_num(const char *day);
void qh_clock_day_str(long z, char out[11]);

#endif
