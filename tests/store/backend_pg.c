/* backend_pg.c: the conformance suite's databases on the test run's
 * private PostgreSQL server (tests/pg/pgtest.h): a fresh database is a
 * name not yet on the server, an empty one is created with nothing in it,
 * and a backup is a SQLite file under $QHALL_TEST_TMP (what the backend's
 * qh_store_backup writes). */
#include <stdio.h>
#include <string.h>

#include "qh/err.h"
#include "pgtest.h"
#include "testutil.h"
#include "backend.h"

/* The server must answer: a suite that cannot reach it fails. */
static int setup(char *err, size_t errlen)
{
    return tu_pg_check(err, errlen);
}

static void teardown(void)
{
}

static int fresh(const char *tag, char *name, size_t n, char *err, size_t errlen)
{
    return tu_pg_fresh(tag, name, n, err, errlen);
}

static int empty(const char *tag, char *name, size_t n, char *err, size_t errlen)
{
    int rc = tu_pg_fresh(tag, name, n, err, errlen);
    return rc < 0 ? rc : tu_pg_create(name, err, errlen);
}

static int backup_target(const char *tag, char *name, size_t n,
                         char *err, size_t errlen)
{
    const char *p = tu_tmp_path(tag);
    if ((size_t)snprintf(name, n, "%s", p) >= n)
        return qh_err(err, errlen, QH_E_USAGE, "%s: path too long", p);
    return 0;
}

static void drop(const char *name)
{
    char err[1024];
    if (!tu_pg_is_uri(name)) {
        qh_test_backend_sqlite.drop(name);
        return;
    }
    /* Not a failure of the test that dropped it, but worth a word: the
     * databases pile up on the server until the run's end. */
    if (tu_pg_drop(name, err, sizeof err) < 0)
        fprintf(stderr, "backend_pg: drop: %s\n", err);
}

const struct qh_test_backend qh_test_backend_pg = {
    .name = "pg",
    .setup = setup,
    .teardown = teardown,
    .fresh = fresh,
    .empty = empty,
    .backup_target = backup_target,
    .drop = drop,
};
