/* test_buf.c: the growable string and the JSON writer and reader. */
#include <string.h>

#include "testutil.h"
#include "qh/buf.h"
#include "qh/err.h"

static void grow_and_format(void **state)
{
    (void)state;
    struct qh_buf b;
    qh_buf_init(&b);
    assert_string_equal(qh_buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        qh_buf_printf(&b, "%d,", i);
    assert_int_equal(b.len, strlen(b.p));
    assert_true(b.len > 3000);
    assert_int_equal(strncmp(b.p, "0,1,2,", 6), 0);
    qh_buf_reset(&b);
    assert_string_equal(qh_buf_str(&b), "");
    qh_buf_puts(&b, "请A001号");
    assert_string_equal(qh_buf_str(&b), "请A001号");
    qh_buf_fini(&b);
}

static void json_roundtrip(void **state)
{
    (void)state;
    struct qh_buf b;
    qh_buf_init(&b);
    qh_json_open(&b);
    qh_json_str(&b, "via", "cli");
    qh_json_str(&b, "note", "say \"hi\"\n\tback\\slash \x01 中文");
    qh_json_str(&b, "none", NULL);
    qh_json_int(&b, "n", -42);
    qh_json_bool(&b, "ok", 1);
    qh_json_raw(&b, "arr", "[1,{\"note\":\"inner\"}]");
    qh_json_str(&b, "after", "x");
    qh_json_close(&b);
    assert_string_equal(b.p,
        "{\"via\":\"cli\",\"note\":\"say \\\"hi\\\"\\n\\tback\\\\slash \\u0001 中文\","
        "\"none\":null,\"n\":-42,\"ok\":true,\"arr\":[1,{\"note\":\"inner\"}],"
        "\"after\":\"x\"}");
    char out[128];
    int64_t v;
    assert_true(qh_json_get_str(b.p, "note", out, sizeof out));
    assert_string_equal(out, "say \"hi\"\n\tback\\slash \x01 中文");
    assert_true(qh_json_get_str(b.p, "after", out, sizeof out));
    assert_string_equal(out, "x");
    assert_true(qh_json_get_int(b.p, "n", &v));
    assert_int_equal(v, -42);
    /* Only top-level keys; missing keys and wrong types say so. */
    assert_false(qh_json_get_str(b.p, "missing", out, sizeof out));
    assert_false(qh_json_get_str(b.p, "n", out, sizeof out));
    assert_false(qh_json_get_int(b.p, "via", &v));
    /* Truncation keeps a terminated string. */
    char tiny[4];
    assert_true(qh_json_get_str(b.p, "via", tiny, sizeof tiny));
    assert_string_equal(tiny, "cli");
    qh_buf_fini(&b);
}

/* JSON is valid UTF-8 whatever the string holds: ill-formed bytes become
 * U+FFFD, C0, DEL and C1 are escaped; the reader turns \u escapes back
 * into UTF-8 and never ends a short buffer in half a character. */
static void json_utf8(void **state)
{
    static const struct { const char *in, *want; } rows[] = {
        { "ok 中文 😀", "\"ok 中文 😀\"" },
        { "\xff", "\"\xEF\xBF\xBD\"" },
        { "a\xC0\x80z", "\"a\xEF\xBF\xBD\xEF\xBF\xBDz\"" },        /* overlong NUL */
        { "\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"" }, /* surrogate */
        { "\xE4\xB8", "\"\xEF\xBF\xBD\xEF\xBF\xBD\"" },             /* cut short */
        { "x\033]0;owned\007\033[2J", "\"x\\u001b]0;owned\\u0007\\u001b[2J\"" },
        { "\x7f", "\"\\u007f\"" },
        { "\xC2\x9B" "2J", "\"\\u009b2J\"" },                       /* C1 CSI */
        { "\xC2\xA0", "\"\xC2\xA0\"" },                             /* U+00A0 is not C1 */
    };
    struct qh_buf b;
    (void)state;
    qh_buf_init(&b);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        qh_buf_reset(&b);
        qh_json_quote(&b, rows[i].in);
        if (strcmp(qh_buf_str(&b), rows[i].want))
            fail_msg("row %zu: got %s", i, qh_buf_str(&b));
    }
    qh_buf_fini(&b);

    char out[16];
    assert_true(qh_json_get_str("{\"r\":\"\\u0085x\\u4e2d\\ud800\"}", "r", out, sizeof out));
    assert_string_equal(out, "\xC2\x85x中\xEF\xBF\xBD");
    assert_true(qh_json_get_str("{\"r\":\"ab中文\"}", "r", out, 6));
    assert_string_equal(out, "ab中");
    assert_true(qh_json_get_str("{\"r\":\"ab中文\"}", "r", out, 5));
    assert_string_equal(out, "ab");
}

static void errors(void **state)
{
    (void)state;
    char err[32];
    assert_int_equal(qh_err(err, sizeof err, QH_E_STATE, "window %d", 3), QH_E_STATE);
    assert_string_equal(err, "window 3");
    assert_int_equal(qh_err(NULL, 0, QH_E_IO, "x"), QH_E_IO);
    err[0] = '\0';
    qh_err_append(err, sizeof err, "a:1: one");
    qh_err_append(err, sizeof err, "a:2: two");
    assert_string_equal(err, "a:1: one\na:2: two");
    qh_err_append(err, sizeof err, "a:3: this line is much too long to fit");
    assert_int_equal(strlen(err), sizeof err - 1);
    /* The CLI's exit statuses. */
    assert_int_equal(qh_err_exit_status(0), 0);
    assert_int_equal(qh_err_exit_status(5), 0);
    assert_int_equal(qh_err_exit_status(QH_E_EMPTY), 1);
    assert_int_equal(qh_err_exit_status(QH_E_STATE), 1);
    assert_int_equal(qh_err_exit_status(QH_E_NOTFOUND), 1);
    assert_int_equal(qh_err_exit_status(QH_E_QUOTA), 1);
    assert_int_equal(qh_err_exit_status(QH_E_PARSE), 2);
    assert_int_equal(qh_err_exit_status(QH_E_USAGE), 2);
    assert_int_equal(qh_err_exit_status(QH_E_DB), 3);
    assert_int_equal(qh_err_exit_status(QH_E_IO), 3);
    for (int rc = 0; rc >= QH_E_BUSY; rc--)
        assert_string_not_equal(qh_strerror(rc), "unknown error");
    assert_string_equal(qh_strerror(-999), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grow_and_format),
        cmocka_unit_test(json_roundtrip),
        cmocka_unit_test(json_utf8),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
