/* test_text.c: common/text.c -- pinyin initials through ICU, the UTF-8
 * helpers, and announcement spelling ("A001" -> "A零零一"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "qh/err.h"
#include "qh/text.h"

static void test_initials(void **state)
{
    static const struct { const char *in, *want; } rows[] = {
        { "社会保障卡申领", "shbzksl" },
        { "B超", "bc" },                          /* ASCII kept, lowercased */
        { "ABC证明", "abczm" },                   /* ASCII letters all kept */
        { "ＡＢＣ１２", "abc12" },                 /* full-width folds to ASCII */
        { "（身份证）补办", "sfzbb" },             /* full-width punctuation dropped */
        { "户口 迁移、登记。", "hkqydj" },
        { "残疾人证·换领", "cjrzhl" },
        { "2024年度申报", "2024ndsb" },
        { "", "" },
        { "，。！？；：", "" },
        { "\xff社\xfe", "s" },                    /* ill-formed bytes dropped */
        { "A-B_C d", "abcd" },
    };
    char out[64], err[QH_ERRLEN];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        memset(out, 'x', sizeof out);
        assert_int_equal(qh_text_initials(rows[i].in, out, sizeof out, err, sizeof err), 0);
        assert_string_equal(out, rows[i].want);
    }
}

static void test_initials_short_buffer(void **state)
{
    char out[4], err[QH_ERRLEN];

    (void)state;
    /* Cut to the buffer, never past it. */
    assert_int_equal(qh_text_initials("社会保障卡申领", out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "shb");
    assert_int_equal(qh_text_initials("社会", out, 1, err, sizeof err), 0);
    assert_string_equal(out, "");
    assert_int_equal(qh_text_initials(NULL, out, sizeof out, NULL, 0), 0);
    assert_string_equal(out, "");
}

static void test_valid_utf8(void **state)
{
    static const struct { const char *s; size_t len; int ok; } rows[] = {
        { "", 0, 1 },
        { "abc", 3, 1 },
        { "中文", 6, 1 },
        { "\xC2\xB7", 2, 1 },                     /* U+00B7, 2 bytes */
        { "\xF0\x9F\x98\x80", 4, 1 },             /* U+1F600, 4 bytes */
        { "\xEF\xBF\xBF", 3, 1 },                 /* U+FFFF */
        { "\xF4\x8F\xBF\xBF", 4, 1 },             /* U+10FFFF, the last */
        { "a\0b", 3, 1 },                         /* NUL is a character */
        { "\x80", 1, 0 },                         /* lone continuation */
        { "\xFF", 1, 0 },
        { "\xC0\x80", 2, 0 },                     /* overlong NUL */
        { "\xC1\xBF", 2, 0 },                     /* overlong */
        { "\xE0\x80\x80", 3, 0 },                 /* overlong 3-byte */
        { "\xF0\x80\x80\x80", 4, 0 },             /* overlong 4-byte */
        { "\xED\xA0\x80", 3, 0 },                 /* surrogate U+D800 */
        { "\xF4\x90\x80\x80", 4, 0 },             /* past U+10FFFF */
        { "\xE4\xB8", 2, 0 },                     /* cut short */
        { "\xE4\x41\xAD", 3, 0 },                 /* bad continuation */
    };

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (qh_text_valid_utf8(rows[i].s, rows[i].len) != rows[i].ok)
            fail_msg("row %zu: expected %d", i, rows[i].ok);
    }
}

static void test_len(void **state)
{
    (void)state;
    assert_int_equal(qh_text_len("A零零一"), 4);
    assert_int_equal(qh_text_len(""), 0);
    assert_int_equal(qh_text_len("\xF0\x9F\x98\x80x"), 2);
    assert_int_equal(qh_text_len(NULL), 0);
}

static void test_copy(void **state)
{
    static const struct { const char *s; size_t outlen; const char *want; } rows[] = {
        { "中文", 7, "中文" },
        { "中文", 6, "中" },                      /* 文 would need 7 */
        { "中文", 4, "中" },
        { "中文", 3, "" },                        /* never half of 中 */
        { "中文", 1, "" },
        { "ab中", 4, "ab" },
        { "ab中", 5, "ab" },
        { "ab中", 6, "ab中" },
        { "\xF0\x9F\x98\x80z", 4, "" },
        { "abc", 2, "a" },
        { "\x80\x80\x80\x80\x80", 3, "\x80\x80" }, /* not UTF-8: plain cut */
    };
    char out[16];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        memset(out, 'x', sizeof out);
        qh_text_copy(out, rows[i].outlen, rows[i].s);
        assert_string_equal(out, rows[i].want);
    }
    out[0] = 'x';
    qh_text_copy(out, 0, "abc");                 /* no room: untouched */
    assert_int_equal(out[0], 'x');
    qh_text_copy(out, sizeof out, NULL);
    assert_string_equal(out, "");
}

static void test_trim(void **state)
{
    static const struct { const char *in, *want; } rows[] = {
        { "  a b  ", "a b" },
        { "\t\r\nx\n", "x" },
        { "", "" },
        { "   ", "" },
        { "中 文", "中 文" },
        { "　全角　", "　全角　" },            /* only ASCII white space */
    };
    char buf[32];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(buf, sizeof buf, "%s", rows[i].in);
        assert_ptr_equal(qh_text_trim(buf), buf);
        assert_string_equal(buf, rows[i].want);
    }
}

static void test_spell_number(void **state)
{
    static const struct { const char *in; size_t outlen; const char *want; } rows[] = {
        { "A001", 64, "A零零一" },
        { "B120", 64, "B一二零" },
        { "C999", 64, "C九九九" },
        { "0123456789", 64, "零一二三四五六七八九" },
        { "GR007", 64, "GR零零七" },
        { "", 64, "" },
        { "绿A01", 64, "绿A零一" },                /* other characters pass whole */
        { "A001", 5, "A零" },                    /* whole characters only */
        { "A001", 4, "A" },
        { "A001", 1, "" },
    };
    char out[64];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        qh_text_spell_number(rows[i].in, out, rows[i].outlen);
        assert_string_equal(out, rows[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initials),
        cmocka_unit_test(test_initials_short_buffer),
        cmocka_unit_test(test_valid_utf8),
        cmocka_unit_test(test_len),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_spell_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
