/* test_auth.c: common/base/auth.c -- PIN rules and argon2id hashing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "qh/auth.h"
#include "qh/err.h"

static void test_pin_rules(void **state)
{
    static const struct { const char *pin; int ok; } rows[] = {
        { "1234", 1 },
        { "0000", 1 },
        { "123456", 1 },
        { "123456789012", 1 },       /* 12: the longest */
        { "007007", 1 },
        { "123", 0 },                /* too short */
        { "1234567890123", 0 },      /* 13: too long */
        { "", 0 },
        { "12a4", 0 },
        { " 1234", 0 },
        { "1234 ", 0 },
        { "１２３４", 0 },           /* full-width digits */
        { "-123", 0 },
    };
    char err[QH_ERRLEN];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int rc = qh_auth_pin_valid(rows[i].pin, err, sizeof err);
        if (rows[i].ok)
            assert_int_equal(rc, 0);
        else {
            assert_int_equal(rc, QH_E_PARSE);
            assert_non_null(strstr(err, "4-12 digits"));
        }
    }
    assert_int_equal(qh_auth_pin_valid(NULL, NULL, 0), QH_E_PARSE);
}

/* A new PIN by role: an admin's needs 6 digits, anyone else's 4. */
static void test_pin_rules_by_role(void **state)
{
    static const struct { const char *pin, *role; int ok; } rows[] = {
        { "1234", "staff", 1 },
        { "1234", NULL, 1 },
        { "123456789012", "staff", 1 },
        { "123456", "admin", 1 },
        { "000000", "admin", 1 },
        { "123456789012", "admin", 1 },
        { "123", "staff", 0 },
        { "1234", "admin", 0 },          /* allowed once, refused now */
        { "12345", "admin", 0 },
        { "1234567890123", "admin", 0 },
        { "12345a", "admin", 0 },
        { "", "admin", 0 },
        { NULL, "admin", 0 },
        { "１２３４５６", "admin", 0 },
    };
    char err[QH_ERRLEN];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int rc = qh_auth_pin_valid_for(rows[i].pin, rows[i].role, QH_LANG_ZH, err, sizeof err);
        if (rows[i].ok) {
            assert_int_equal(rc, 0);
            continue;
        }
        assert_int_equal(rc, QH_E_PARSE);
        if (rows[i].role && !strcmp(rows[i].role, "admin"))
            assert_string_equal(err, "管理员 PIN 应为 6-12 位数字");
        else
            assert_string_equal(err, "PIN 应为 4-12 位数字");
    }
    assert_int_equal(qh_auth_pin_valid_for("1234", "admin", QH_LANG_EN, err, sizeof err),
                     QH_E_PARSE);
    assert_string_equal(err, "an admin PIN must be 6-12 digits");
    assert_int_equal(qh_auth_pin_short("12345"), 1);
    assert_int_equal(qh_auth_pin_short("123456"), 0);
    assert_int_equal(qh_auth_pin_short(NULL), 1);
}

static void test_hash_verify(void **state)
{
    char h1[QH_AUTH_HASHLEN], h2[QH_AUTH_HASHLEN], err[QH_ERRLEN];

    (void)state;
    assert_int_equal(qh_auth_hash("482913", h1, err, sizeof err), 0);
    assert_memory_equal(h1, "$argon2id$", 10);
    assert_int_equal(qh_auth_verify(h1, "482913"), 0);
    assert_int_equal(qh_auth_verify(h1, "482914"), QH_E_AUTH);
    assert_int_equal(qh_auth_verify(h1, "4829130"), QH_E_AUTH);
    assert_int_equal(qh_auth_verify(h1, "abc"), QH_E_AUTH);   /* not a PIN */
    assert_int_equal(qh_auth_verify(h1, NULL), QH_E_AUTH);

    /* A fresh salt each time: the same PIN never hashes the same. */
    assert_int_equal(qh_auth_hash("482913", h2, err, sizeof err), 0);
    assert_string_not_equal(h1, h2);
    assert_int_equal(qh_auth_verify(h2, "482913"), 0);
}

static void test_bad_input(void **state)
{
    char h[QH_AUTH_HASHLEN], err[QH_ERRLEN];

    (void)state;
    assert_int_equal(qh_auth_hash("12", h, err, sizeof err), QH_E_PARSE);
    assert_int_equal(qh_auth_hash("12ab", h, NULL, 0), QH_E_PARSE);
    assert_int_equal(qh_auth_verify("", "1234"), QH_E_AUTH);
    assert_int_equal(qh_auth_verify("$argon2id$garbage", "1234"), QH_E_AUTH);
    assert_int_equal(qh_auth_verify(NULL, "1234"), QH_E_AUTH);
    /* A hash string with no NUL inside QH_AUTH_HASHLEN is not ours. */
    memset(h, 'a', sizeof h);
    assert_int_equal(qh_auth_verify(h, "1234"), QH_E_AUTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pin_rules),
        cmocka_unit_test(test_pin_rules_by_role),
        cmocka_unit_test(test_hash_verify),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
