/* test_export.c: common/core/export.c -- the mapping file's parser (good
 * maps, every kind of bad line) and the built-in national map's code
 * direction.  The records themselves are tested end to end by
 * tests/cli/export.sh on both backends. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "qh/err.h"
#include "qh/csv.h"
#include "qh/export.h"
#include "testutil.h"

#define CHANNELS "channel.pad = 1\nchannel.qr = 2\nchannel.paper = 3\nchannel.hotline = 4\n" \
                 "channel.sms = 5\nchannel.default = 6\nchannel.legacy = 9\n"
#define SCORES "score.1 = 1\nscore.2 = 2\nscore.3 = 3\nscore.4 = 4\nscore.5 = 5\n"

/* GB/T 39046-2020: 1 = 非常满意 … 5 = 非常不满意, qhall's score reversed. */
static void test_national_direction(void **state)
{
    struct qh_export_map m;
    char err[2048];
    (void)state;
    if (qh_export_map_parse(&m, "gbt39046.map", qh_export_map_national_text(),
                            err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(m.score[5], "1");       /* 非常满意 */
    assert_string_equal(m.score[4], "2");
    assert_string_equal(m.score[3], "3");
    assert_string_equal(m.score[2], "4");
    assert_string_equal(m.score[1], "5");       /* 非常不满意 */
    assert_string_equal(m.channel[QH_RATE_PAD], "1");
    assert_string_equal(m.channel[QH_RATE_LEGACY], "9");
}

/* The shipped files parse; the Zhejiang example counts the other way. */
static void test_shipped_maps(void **state)
{
    const char *src = getenv("QHALL_SRC");
    char path[4096], err[2048], *text;
    size_t len;
    struct qh_export_map m, n;
    (void)state;
    if (!src) {
        tu_skip("QHALL_SRC not set (ctest sets it): the shipped maps not checked");
        return;
    }
    snprintf(path, sizeof path, "%s/assets/export/zhejiang-example.map", src);
    assert_int_equal(qh_file_read(path, &text, &len, err, sizeof err), 0);
    if (qh_export_map_parse(&m, path, text, err, sizeof err) != 0)
        fail_msg("%s", err);
    free(text);
    for (int s = 1; s <= 5; s++) {
        char want[4];
        snprintf(want, sizeof want, "%d", s);
        assert_string_equal(m.score[s], want);
    }
    assert_string_equal(m.channel[QH_RATE_PAD], "01");
    snprintf(path, sizeof path, "%s/assets/export/gbt39046.map", src);
    assert_int_equal(qh_file_read(path, &text, &len, err, sizeof err), 0);
    assert_string_equal(text, qh_export_map_national_text());
    assert_int_equal(qh_export_map_parse(&n, path, text, err, sizeof err), 0);
    free(text);
}

static void test_good_maps(void **state)
{
    static const char *const rows[] = {
        SCORES CHANNELS,
        "# comment\n\n  score.1=A-1  \r\n" "score.2 =b_2\nscore.3= 3\nscore.4 = 4\n"
        "score.5 = 1234567890123456\n" CHANNELS,
        CHANNELS SCORES,                     /* any order */
    };
    struct qh_export_map m;
    char err[2048];
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (qh_export_map_parse(&m, "x.map", rows[i], err, sizeof err) != 0)
            fail_msg("row %zu: %s", i, err);
    assert_string_equal(m.score[1], "1");
    assert_int_equal(qh_export_map_parse(&m, "x.map", rows[1], err, sizeof err), 0);
    assert_string_equal(m.score[1], "A-1");
    assert_string_equal(m.score[2], "b_2");
    assert_string_equal(m.score[5], "1234567890123456");
}

/* Each row: a map, and the first line of the report it must give. */
static void test_bad_maps(void **state)
{
    static const struct { const char *in, *want; } rows[] = {
        { "", "x.map: missing score.1" },
        { SCORES, "x.map: missing channel.pad" },
        { CHANNELS, "x.map: missing score.1" },
        { "score.1 = \n" SCORES CHANNELS,
          "x.map:1: score.1: expected a code of 1-16 letters, digits, '-' or '_', got \"\"" },
        { "score.1 = 1 2\n", "x.map:1: score.1: expected a code" },
        { "score.1 = 一\n", "x.map:1: score.1: expected a code" },
        { "score.0 = 1\n", "x.map:1: unknown key \"score.0\"" },
        { "score.10 = 1\n", "x.map:1: unknown key \"score.10\"" },
        { "channel.kiosk = 1\n", "x.map:1: unknown key \"channel.kiosk\"" },
        { "Score.1 = 1\n", "x.map:1: unknown key \"Score.1\"" },
        { "score.1\n", "x.map:1: expected \"key = value\"" },
        { SCORES "score.5 = 6\n", "x.map:6: score.5: given twice (first on line 5)" },
        { "score.1 = 1\nscore.2 = 1\n",
          "x.map:2: score.2: code 1 is already score.1's (line 1)" },
    };
    struct qh_export_map m;
    char err[4096];
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int rc = qh_export_map_parse(&m, "x.map", rows[i].in, err, sizeof err);
        if (rc != QH_E_PARSE)
            fail_msg("row %zu: rc %d, want QH_E_PARSE", i, rc);
        if (strncmp(err, rows[i].want, strlen(rows[i].want)) != 0)
            fail_msg("row %zu: got \"%s\", want \"%s...\"", i, err, rows[i].want);
    }
}

static void test_formats(void **state)
{
    enum qh_export_format f;
    (void)state;
    assert_int_equal(qh_export_format_parse("gbt39046", &f), 0);
    assert_int_equal(f, QH_EXPORT_GBT39046);
    assert_int_equal(qh_export_format_parse("csv", &f), 0);
    assert_int_equal(f, QH_EXPORT_CSV);
    assert_int_equal(qh_export_format_parse("json", &f), 0);
    assert_int_equal(f, QH_EXPORT_JSON);
    assert_int_equal(qh_export_format_parse("GBT39046", &f), QH_E_PARSE);
    assert_int_equal(qh_export_format_parse("xml", &f), QH_E_PARSE);
    assert_int_equal(qh_export_format_parse("", &f), QH_E_PARSE);
    assert_int_equal(qh_export_format_parse(NULL, &f), QH_E_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_national_direction),
        cmocka_unit_test(test_shipped_maps),
        cmocka_unit_test(test_good_maps),
        cmocka_unit_test(test_bad_maps),
        cmocka_unit_test(test_formats),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
