/* test_clock.c: QHALL_NOW, ISO 8601 parsing and local time in the hall's
 * zone, including the service-day boundary at local midnight. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "testutil.h"
#include "qh/clock.h"
#include "qh/err.h"

static const int64_t T0 = 1795568400000LL;   /* 2026-11-25T09:00:00+08:00 */

static void parse_table(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int64_t want;
        int fail;
    } rows[] = {
        {"2026-11-25T09:00:00+08:00", T0, 0},
        {"2026-11-25T01:00:00Z", T0, 0},
        {"2026-11-25T01:00:00+00:00", T0, 0},
        {"2026-11-24T20:00:00-05:00", T0, 0},
        {"2026-11-25 09:00:00+08:00", T0, 0},
        {"2026-11-25T09:00+08:00", T0, 0},
        {"2026-11-25T09:00:00.250+08:00", T0 + 250, 0},
        {"2026-11-25T09:00:00.5Z", T0 + 8 * 3600000LL + 500, 0},
        {"2024-02-29T00:00:00Z", 1709164800000LL, 0},
        {"2026-11-25T09:00:00", 0, 1},          /* no offset, no zone */
        {"2026-11-25", 0, 1},
        {"2026-13-01T00:00:00Z", 0, 1},
        {"2026-02-29T00:00:00Z", 0, 1},
        {"2026-11-31T00:00:00Z", 0, 1},
        {"2026-11-25T24:00:00Z", 0, 1},
        {"2026-11-25T09:60:00Z", 0, 1},
        {"2026-11-25T09:00:00+8", 0, 1},
        {"2026-11-25T09:00:00+08:00x", 0, 1},
        {"2026-11-25T09:00:00.Z", 0, 1},
        {"yesterday", 0, 1},
        {"", 0, 1},
        {"1969-12-31T23:59:59Z", 0, 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t ms = 0;
        char err[QH_ERRLEN] = "";
        int rc = qh_clock_parse(rows[i].in, NULL, &ms, err, sizeof err);
        if (rows[i].fail) {
            if (rc != QH_E_PARSE)
                fail_msg("\"%s\" should fail", rows[i].in);
            assert_true(strlen(err) > 0);
        } else {
            if (rc != 0)
                fail_msg("\"%s\": %s", rows[i].in, err);
            if (ms != rows[i].want)
                fail_msg("\"%s\": got %lld want %lld", rows[i].in, (long long)ms,
                         (long long)rows[i].want);
        }
    }
}

static void local_zone(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(qh_clock_parse("2026-11-25T09:00:00", "Asia/Shanghai", &ms,
                                    NULL, 0), 0);
    assert_int_equal(ms, T0);
    assert_int_equal(qh_clock_parse("2026-11-25T09:00:00", "Mars/Olympus", &ms,
                                    NULL, 0), QH_E_PARSE);
    struct qh_tm t;
    assert_int_equal(qh_clock_local("Asia/Shanghai", T0, &t), 0);
    assert_int_equal(t.year, 2026);
    assert_int_equal(t.month, 11);
    assert_int_equal(t.day, 25);
    assert_int_equal(t.hour, 9);
    assert_int_equal(t.wday, 3);  /* Wednesday */
    assert_int_equal(t.offset_min, 480);
    char iso[32], day[11], hhmm[6];
    qh_clock_iso("Asia/Shanghai", T0, iso);
    assert_string_equal(iso, "2026-11-25T09:00:00+08:00");
    qh_clock_iso("America/New_York", T0, iso);
    assert_string_equal(iso, "2026-11-24T20:00:00-05:00");
    qh_clock_hhmm("Asia/Shanghai", T0, hhmm);
    assert_string_equal(hhmm, "09:00");
    /* The service day turns at local midnight, not UTC midnight. */
    qh_clock_day("Asia/Shanghai", T0 + 14 * 3600000LL, day);   /* 23:00 */
    assert_string_equal(day, "2026-11-25");
    qh_clock_day("Asia/Shanghai", T0 + 15 * 3600000LL, day);   /* 00:00 */
    assert_string_equal(day, "2026-11-26");
    qh_clock_day("UTC", T0 + 15 * 3600000LL, day);
    assert_string_equal(day, "2026-11-25");
    int64_t start;
    assert_int_equal(qh_clock_day_start("Asia/Shanghai", "2026-11-26", &start), 0);
    assert_int_equal(start, T0 + 15 * 3600000LL);
    assert_int_equal(qh_clock_day_start("Asia/Shanghai", "2026-02-30", &start), QH_E_PARSE);
    /* DST: New York 2026-03-08 has 23 hours. */
    int64_t a, b;
    qh_clock_day_start("America/New_York", "2026-03-08", &a);
    qh_clock_day_start("America/New_York", "2026-03-09", &b);
    assert_int_equal(b - a, 23 * 3600000LL);
}

/* The fields straight from an ICU calendar, the slow way. */
static void icu_local(const char *tz, int64_t ms, struct qh_tm *t)
{
    UChar id[64];
    UErrorCode st = U_ZERO_ERROR;
    u_uastrcpy(id, tz);
    UCalendar *c = ucal_open(id, -1, "en_US_POSIX", UCAL_GREGORIAN, &st);
    ucal_setMillis(c, (UDate)ms, &st);
    t->year = ucal_get(c, UCAL_YEAR, &st);
    t->month = ucal_get(c, UCAL_MONTH, &st) + 1;
    t->day = ucal_get(c, UCAL_DATE, &st);
    t->hour = ucal_get(c, UCAL_HOUR_OF_DAY, &st);
    t->min = ucal_get(c, UCAL_MINUTE, &st);
    t->sec = ucal_get(c, UCAL_SECOND, &st);
    t->wday = ucal_get(c, UCAL_DAY_OF_WEEK, &st) - 1;
    t->offset_min = (ucal_get(c, UCAL_ZONE_OFFSET, &st) +
                     ucal_get(c, UCAL_DST_OFFSET, &st)) / 60000;
    assert_false(U_FAILURE(st));
    ucal_close(c);
}

/* qh_clock_local does arithmetic inside the span between a zone's offset
 * changes: it must agree with ICU everywhere, across DST switches (New
 * York, Berlin, Lord Howe's half hour, Santiago's southern one), the
 * zones taking turns so the cached span is dropped and relearnt, and
 * minutes either side of every switch. */
static void local_matches_icu(void **state)
{
    (void)state;
    static const char *const zones[] = {
        "Asia/Shanghai", "America/New_York", "Europe/Berlin",
        "Australia/Lord_Howe", "America/Santiago", "UTC",
    };
    const int nz = (int)(sizeof zones / sizeof zones[0]);
    const int64_t start = 1767225600000LL;    /* 2026-01-01T00:00:00Z */
    int checked = 0;
    for (int64_t ms = start; ms < start + 366LL * 86400000; ms += 3600000LL * 7 + 61000) {
        for (int z = 0; z < nz; z++) {
            for (int64_t d = -120000; d <= 120000; d += 60000) {
                struct qh_tm got, want;
                assert_int_equal(qh_clock_local(zones[z], ms + d, &got), 0);
                icu_local(zones[z], ms + d, &want);
                if (memcmp(&got, &want, sizeof got))
                    fail_msg("%s at %lld: got %04d-%02d-%02d %02d:%02d:%02d w%d %+d,"
                             " ICU %04d-%02d-%02d %02d:%02d:%02d w%d %+d", zones[z],
                             (long long)(ms + d), got.year, got.month, got.day,
                             got.hour, got.min, got.sec, got.wday, got.offset_min,
                             want.year, want.month, want.day, want.hour, want.min,
                             want.sec, want.wday, want.offset_min);
                checked++;
            }
        }
    }
    /* The 2026 switches themselves, to the millisecond either side. */
    static const struct { const char *tz; const char *at; } sw[] = {
        {"America/New_York", "2026-03-08T07:00:00Z"},
        {"America/New_York", "2026-11-01T06:00:00Z"},
        {"Europe/Berlin", "2026-03-29T01:00:00Z"},
        {"Europe/Berlin", "2026-10-25T01:00:00Z"},
        {"Australia/Lord_Howe", "2026-04-04T15:00:00Z"},
    };
    for (size_t i = 0; i < sizeof sw / sizeof sw[0]; i++) {
        int64_t at;
        assert_int_equal(qh_clock_parse(sw[i].at, NULL, &at, NULL, 0), 0);
        for (int64_t d = -2; d <= 1; d++) {
            struct qh_tm got, want;
            assert_int_equal(qh_clock_local(sw[i].tz, at + d, &got), 0);
            icu_local(sw[i].tz, at + d, &want);
            if (memcmp(&got, &want, sizeof got))
                fail_msg("%s at %s%+lld ms: offset %d, ICU %d", sw[i].tz, sw[i].at,
                         (long long)d, got.offset_min, want.offset_min);
        }
    }
    assert_true(checked > 30000);
}

static void env_clock(void **state)
{
    (void)state;
    char err[QH_ERRLEN];
    qh_clock_set(0);
    setenv("QHALL_NOW", "2026-11-25T09:00:00+08:00", 1);
    assert_int_equal(qh_clock_check_env(err, sizeof err), 0);
    assert_int_equal(qh_clock_now(), T0);
    assert_int_equal(qh_clock_fixed(NULL), 1);
    qh_clock_set(T0 + 5);                 /* a fixed clock wins */
    assert_int_equal(qh_clock_now(), T0 + 5);
    assert_int_equal(qh_clock_fixed(NULL), 1);
    qh_clock_set(0);
    setenv("QHALL_NOW", "soon", 1);
    assert_int_equal(qh_clock_check_env(err, sizeof err), QH_E_PARSE);
    assert_non_null(strstr(err, "QHALL_NOW"));
    assert_true(qh_clock_now() > T0 - 365LL * 86400000 * 10);   /* system clock */
    assert_int_equal(qh_clock_fixed(NULL), 0);
    unsetenv("QHALL_NOW");
    assert_int_equal(qh_clock_check_env(err, sizeof err), 0);
    assert_int_equal(qh_clock_fixed(NULL), 0);
    qh_clock_set(T0);
    assert_int_equal(qh_clock_fixed(NULL), 1);
    qh_clock_set(0);
}

static void write_now(const char *path, const char *text)
{
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(rename(tmp, path), 0);
}

/* QHALL_NOW_FILE: read at every call, so a running program's clock moves
 * when the file does; QHALL_NOW still wins; a bad file is refused at
 * start with its path and line. */
static void file_clock(void **state)
{
    (void)state;
    char err[QH_ERRLEN], path[512];
    snprintf(path, sizeof path, "%s", tu_tmp_path("now"));
    qh_clock_set(0);
    unsetenv("QHALL_NOW");
    write_now(path, "2026-11-25T09:00:00+08:00\n");
    setenv("QHALL_NOW_FILE", path, 1);
    assert_int_equal(qh_clock_check_env(err, sizeof err), 0);
    assert_int_equal(qh_clock_now(), T0);
    assert_int_equal(qh_clock_fixed(NULL), 1);
    write_now(path, "2026-11-26T09:00:00+08:00");
    assert_int_equal(qh_clock_now(), T0 + 86400000);
    setenv("QHALL_NOW", "2026-11-25T09:00:00+08:00", 1);
    assert_int_equal(qh_clock_now(), T0);
    unsetenv("QHALL_NOW");
    write_now(path, "tomorrow\n");
    assert_int_equal(qh_clock_check_env(err, sizeof err), QH_E_PARSE);
    assert_non_null(strstr(err, "QHALL_NOW_FILE"));
    assert_non_null(strstr(err, ":1: "));
    assert_int_equal(qh_clock_fixed(NULL), 0);
    unlink(path);
    assert_int_equal(qh_clock_check_env(err, sizeof err), QH_E_PARSE);
    assert_non_null(strstr(err, path));
    assert_true(qh_clock_now() > T0 - 365LL * 86400000 * 10);   /* system clock */
    unsetenv("QHALL_NOW_FILE");
    assert_int_equal(qh_clock_check_env(err, sizeof err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_table),
        cmocka_unit_test(local_zone),
        cmocka_unit_test(local_matches_icu),
        cmocka_unit_test(env_clock),
        cmocka_unit_test(file_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
