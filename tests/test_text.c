/* test_text.c: common/base/text.c -- pinyin initials through ICU, the UTF-8
 * helpers, announcement spelling ("A001" -> "A零零一"), and the rules for
 * free text: the validator, text fields that stop at their limit, and the
 * escaper for terminals. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"
#include "qh/buf.h"
#include "qh/err.h"
#include "qh/path.h"
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

/* One validator for every kind of free text: limits in characters, valid
 * UTF-8 only, no control characters; the message names field and limit. */
static void test_check(void **state)
{
    static const struct {
        enum qh_text_kind kind;
        const char *in;
        const char *want;         /* NULL: accepted; else the English error */
    } rows[] = {
        { QH_TEXT_NOTE, "", NULL },
        { QH_TEXT_NOTE, "缺少材料：身份证原件；户口簿", NULL },
        { QH_TEXT_NAME, "张三", NULL },
        { QH_TEXT_NAME, "O'Brien \"Jr\" \\ ok", NULL },
        { QH_TEXT_PAUSE, "午休 (lunch)", NULL },
        { QH_TEXT_REASON, "😀 emoji is a character", NULL },
        { QH_TEXT_RESULT, "\xC2\xA0no-break space U+00A0", NULL },
        { QH_TEXT_NOTE, "\xEF\xBF\xBD U+FFFD itself is fine", NULL },
        { QH_TEXT_NOTE, "\xF4\x8F\xBF\xBF", NULL },               /* U+10FFFF */
        { QH_TEXT_NOTE, "\xff", "note: invalid UTF-8 (byte 1)" },
        { QH_TEXT_NAME, "ab\x80", "name: invalid UTF-8 (byte 3)" },
        { QH_TEXT_NAME, "中\xC0\x80", "name: invalid UTF-8 (byte 4)" },      /* overlong */
        { QH_TEXT_NAME, "\xE0\x80\xAF", "name: invalid UTF-8 (byte 1)" },    /* overlong / */
        { QH_TEXT_NAME, "\xED\xA0\x80", "name: invalid UTF-8 (byte 1)" },    /* surrogate */
        { QH_TEXT_NAME, "\xF4\x90\x80\x80", "name: invalid UTF-8 (byte 1)" },/* > U+10FFFF */
        { QH_TEXT_NAME, "x\xE4\xB8", "name: invalid UTF-8 (byte 2)" },       /* cut short */
        { QH_TEXT_PAUSE, "x\033]0;owned\007\033[2J",
          "pause reason: control character U+001B (character 2)" },
        { QH_TEXT_REASON, "a\tb", "rating reason: control character U+0009 (character 2)" },
        { QH_TEXT_RESULT, "line\nbreak",
          "follow-up result: control character U+000A (character 5)" },
        { QH_TEXT_NOTE, "中文\r", "note: control character U+000D (character 3)" },
        { QH_TEXT_NOTE, "\x7f", "note: control character U+007F (character 1)" },
        { QH_TEXT_NOTE, "ab\xC2\x9B" "2J", "note: control character U+009B (character 3)" },
        { QH_TEXT_NOTE, "\xC2\x85", "note: control character U+0085 (character 1)" },
    };
    char err[QH_ERRLEN];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int rc = qh_text_check(rows[i].kind, rows[i].in, QH_LANG_EN, err, sizeof err);
        if (!rows[i].want) {
            if (rc != 0)
                fail_msg("row %zu: refused: %s", i, err);
            continue;
        }
        if (rc != QH_E_PARSE)
            fail_msg("row %zu: accepted", i);
        if (strcmp(err, rows[i].want))
            fail_msg("row %zu: \"%s\", expected \"%s\"", i, err, rows[i].want);
    }
    assert_int_equal(qh_text_check(QH_TEXT_NAME, NULL, QH_LANG_ZH, err, sizeof err), 0);
    assert_int_equal(qh_text_check(QH_TEXT_NOTE, "\xff", QH_LANG_ZH, err, sizeof err),
                     QH_E_PARSE);
    assert_string_equal(err, "备注含有无效的 UTF-8 字节（第 1 字节）");
    assert_int_equal(qh_text_check(QH_TEXT_NAME, "张\033", QH_LANG_ZH, err, sizeof err),
                     QH_E_PARSE);
    assert_string_equal(err, "姓名含有控制字符 U+001B（第 2 个字）");
}

/* Exactly at the limit is accepted whatever the bytes per character (1 to
 * 4), one more is refused; and the limit fits the buffers sized from it. */
static void test_check_limits(void **state)
{
    static const char *const one[] = { "a", "\xC2\xB7", "中", "\xF0\x9F\x98\x80" };
    const char *buf;
    char err[QH_ERRLEN], want[QH_ERRLEN];

    (void)state;
    assert_int_equal(qh_text_max(QH_TEXT_NAME), 32);
    assert_int_equal(qh_text_max(QH_TEXT_PAUSE), 60);
    assert_int_equal(qh_text_max(QH_TEXT_REASON), 200);
    assert_int_equal(qh_text_max(QH_TEXT_RESULT), 200);
    assert_int_equal(qh_text_max(QH_TEXT_NOTE), 500);
    for (int k = 0; k < QH_TEXT_KINDS; k++) {
        size_t max = qh_text_max((enum qh_text_kind)k);
        for (size_t c = 0; c < 4; c++) {
            buf = tu_rep(one[c], max);
            assert_true(strlen(buf) < QH_TEXT_BYTES(max));
            assert_int_equal(qh_text_len(buf), max);
            if (qh_text_check((enum qh_text_kind)k, buf, QH_LANG_EN, err, sizeof err))
                fail_msg("kind %d, %zu-byte characters: %s", k, c + 1, err);
            buf = tu_rep(one[c], max + 1);
            assert_int_equal(qh_text_check((enum qh_text_kind)k, buf, QH_LANG_EN, err,
                                           sizeof err), QH_E_PARSE);
            snprintf(want, sizeof want, "%s: at most %zu characters, got %zu",
                     qh_text_label((enum qh_text_kind)k, QH_LANG_EN), max, max + 1);
            assert_string_equal(err, want);
        }
    }
    buf = tu_rep("字", 731);
    assert_int_equal(qh_text_check(QH_TEXT_NOTE, buf, QH_LANG_ZH, err, sizeof err),
                     QH_E_PARSE);
    assert_string_equal(err, "备注最多 500 个字，现为 731 个字");
}

/* A text field stops at its limit on a whole character. */
static void test_append(void **state)
{
    static const struct {
        const char *start, *typed;
        size_t dstlen, max;
        const char *want;
        int full;
    } rows[] = {
        { "", "abc", 16, 5, "abc", 0 },
        { "abc", "defg", 16, 5, "abcde", 1 },
        { "", "中文字", 16, 2, "中文", 1 },
        { "", "中文字", 8, 5, "中文", 1 },          /* bytes run out first */
        { "ab", "😀😀", 8, 5, "ab😀", 1 },
        { "", "a\033[2Jb\n", 16, 5, "a[2Jb", 0 },  /* controls dropped */
        { "", "a\xff\xC0\x80" "b", 16, 5, "ab", 0 },  /* ill-formed dropped */
        { "xy", "", 16, 5, "xy", 0 },
        { "xyz", "q", 16, 3, "xyz", 1 },
    };
    char buf[16];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(buf, sizeof buf, "%s", rows[i].start);
        int full = qh_text_append(buf, rows[i].dstlen, rows[i].max, rows[i].typed);
        if (strcmp(buf, rows[i].want) || full != rows[i].full)
            fail_msg("row %zu: \"%s\" full %d", i, buf, full);
        assert_true(qh_text_valid_utf8(buf, strlen(buf)));
    }
}

/* Text for a terminal: controls shown as \u escapes, bad bytes as U+FFFD,
 * newlines kept; the same whether it comes in one piece or byte by byte. */
static void test_escape(void **state)
{
    static const struct { const char *in, *want; } rows[] = {
        { "plain 中文 😀\n", "plain 中文 😀\n" },
        { "x\033]0;owned\007\033[2J", "x\\u001b]0;owned\\u0007\\u001b[2J" },
        { "tab\there", "tab\there" },
        { "crlf\r\nnext", "crlf\r\nnext" },
        { "cr\rover", "cr\\u000dover" },
        { "end\r", "end\\u000d" },
        { "\xff\xfe", "\xEF\xBF\xBD\xEF\xBF\xBD" },
        { "a\xE4\xB8", "a\xEF\xBF\xBD\xEF\xBF\xBD" },
        { "\xE4\xB8z", "\xEF\xBF\xBD\xEF\xBF\xBDz" },
        { "\xC2\x9B" "31m\x7f", "\\u009b31m\\u007f" },
        { "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
    };
    struct qh_buf whole, bytes;

    (void)state;
    qh_buf_init(&whole);
    qh_buf_init(&bytes);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct qh_text_esc e1 = {0}, e2 = {0};
        size_t n = strlen(rows[i].in);
        qh_buf_reset(&whole);
        qh_buf_reset(&bytes);
        qh_text_escape(&e1, rows[i].in, n, &whole);
        qh_text_escape_end(&e1, &whole);
        for (size_t k = 0; k < n; k++)
            qh_text_escape(&e2, rows[i].in + k, 1, &bytes);
        qh_text_escape_end(&e2, &bytes);
        if (strcmp(qh_buf_str(&whole), rows[i].want))
            fail_msg("row %zu whole: \"%s\"", i, qh_buf_str(&whole));
        if (strcmp(qh_buf_str(&bytes), rows[i].want))
            fail_msg("row %zu byte by byte: \"%s\"", i, qh_buf_str(&bytes));
    }
    qh_buf_fini(&whole);
    qh_buf_fini(&bytes);
}

/* The directory of a database's path, as the permission checks read it. */
static void test_path_dir(void **state)
{
    (void)state;
    char d[16];
    assert_int_equal(qh_path_dir("a/b/c.db", d, sizeof d), 0);
    assert_string_equal(d, "a/b");
    assert_int_equal(qh_path_dir("/c.db", d, sizeof d), 0);
    assert_string_equal(d, "/");
    assert_int_equal(qh_path_dir("c.db", d, sizeof d), 0);
    assert_string_equal(d, ".");
    assert_int_equal(qh_path_dir("/a-rather-long-directory/c.db", d, sizeof d), -1);
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
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_check_limits),
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_path_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
