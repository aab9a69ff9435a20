/* test_dbname.c: a database's name as programs show it: a server's URI
 * never with its password, read as libpq reads the URI. */
#include <string.h>

#include "testutil.h"
#include "qh/hall.h"

static void table(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } rows[] = {
        /* Files stay as they are, colons and at signs included. */
        {"/var/lib/qhall/qhall.db", "/var/lib/qhall/qhall.db"},
        {"./a:b@c.db", "./a:b@c.db"},
        {"", ""},
        {"postgresql://kiosk1@db.hall.lan/hall", "postgresql://kiosk1@db.hall.lan/hall"},
        {"postgresql://kiosk1:s3cret@db.hall.lan/hall", "postgresql://kiosk1@db.hall.lan/hall"},
        {"postgres://kiosk1:s3cret@db.hall.lan:5432/hall", "postgres://kiosk1@db.hall.lan:5432/hall"},
        /* An empty password, and no user before it. */
        {"postgresql://kiosk1:@db/hall", "postgresql://kiosk1@db/hall"},
        {"postgresql://:s3cret@db/hall", "postgresql://@db/hall"},
        /* A password with ':' in it (the first ':' ends the user). */
        {"postgresql://u:a:b%40c@db/hall", "postgresql://u@db/hall"},
        /* Several hosts, parameters kept but password=. */
        {"postgresql://c1:pw@db1:5432,db2:5432/hall?target_session_attrs=read-write&sslmode=verify-full",
         "postgresql://c1@db1:5432,db2:5432/hall?target_session_attrs=read-write&sslmode=verify-full"},
        {"postgresql:///hall?host=/tmp/pg&user=qhall&password=s3cret",
         "postgresql:///hall?host=/tmp/pg&user=qhall"},
        {"postgresql:///hall?password=s3cret&host=/tmp/pg", "postgresql:///hall?host=/tmp/pg"},
        {"postgresql:///hall?password=s3cret", "postgresql:///hall"},
        {"postgresql://db/hall?pass%77ord=s3cret&sslmode=require",
         "postgresql://db/hall?sslmode=require"},
        {"postgresql://db/hall?passwordx=1&passfile=/etc/qhall/pgpass",
         "postgresql://db/hall?passwordx=1&passfile=/etc/qhall/pgpass"},
        {"postgresql://db/hall?&&password=a&&user=k", "postgresql://db/hall?user=k"},
        /* An '@' after the first '/' is no credential (libpq reads it so). */
        {"postgresql://db/ha@ll", "postgresql://db/ha@ll"},
        {"postgresql://", "postgresql://"},
        {"postgresql://u:pw@", "postgresql://u@"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char out[256];
        memset(out, 'x', sizeof out);
        assert_ptr_equal(qh_hall_db_display(rows[i].in, out, sizeof out), out);
        assert_string_equal(out, rows[i].want);
        /* What the display leaves out is exactly a password: the URIs that
         * qh_hall_find_db refuses. */
        if (qh_hall_db_has_password(rows[i].in) != (strcmp(rows[i].in, rows[i].want) != 0))
            fail_msg("has_password(%s) is %d", rows[i].in,
                     qh_hall_db_has_password(rows[i].in));
    }
}

/* A short buffer cuts the name, never lets the password in. */
static void cut(void **state)
{
    (void)state;
    const char *in = "postgresql://kiosk1:s3cret@db.hall.lan/hall?password=s3cret";
    const char *want = "postgresql://kiosk1@db.hall.lan/hall";
    for (size_t n = 1; n <= strlen(want) + 1; n++) {
        char out[64];
        memset(out, 'x', sizeof out);
        qh_hall_db_display(in, out, n);
        assert_int_equal(strlen(out), n - 1);
        assert_memory_equal(out, want, n - 1);
        assert_int_equal(out[n], 'x');
        assert_null(strstr(out, "s3"));
    }
    char one = 'x';
    qh_hall_db_display(in, &one, 0);     /* no room: nothing written */
    assert_int_equal(one, 'x');
    char out[8];
    assert_string_equal(qh_hall_db_display(NULL, out, sizeof out), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table),
        cmocka_unit_test(cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
