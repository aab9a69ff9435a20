/* test_clock.c: QHALL_NOW, ISO 8601 parsing and local time in the hall's
 * zone, including the service-day boundary at local midnight. */
#include <stdlib.h>
#include <string.h>

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

static void env_clock(void **state)
{
    (void)state;
    char err[QH_ERRLEN];
    qh_clock_set(0);
    setenv("QHALL_NOW", "2026-11-25T09:00:00+08:00", 1);
    assert_int_equal(qh_clock_check_env(err, sizeof err), 0);
    assert_int_equal(qh_clock_now(), T0);
    qh_clock_set(T0 + 5);                 /* a fixed clock wins */
    assert_int_equal(qh_clock_now(), T0 + 5);
    qh_clock_set(0);
    setenv("QHALL_NOW", "soon", 1);
    assert_int_equal(qh_clock_check_env(err, sizeof err), QH_E_PARSE);
    assert_non_null(strstr(err, "QHALL_NOW"));
    assert_true(qh_clock_now() > T0 - 365LL * 86400000 * 10);   /* system clock */
    unsetenv("QHALL_NOW");
    assert_int_equal(qh_clock_check_env(err, sizeof err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_table),
        cmocka_unit_test(local_zone),
        cmocka_unit_test(env_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
