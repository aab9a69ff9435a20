/* backend.h: where the store conformance suite gets its databases.
 *
 * The suite (conformance.c) speaks only qh/store.h and qh/watch.h; what
 * it cannot say through them, making a database that is not there yet and
 * naming it, each backend says here.  A name is what qh_store_open takes
 * (a file path for SQLite, a connection URI for a server), so a child
 * process opens its own connection from the name alone.
 *
 * One table per backend; QHALL_TEST_STORE picks it (sqlite by default;
 * pg: the run's private PostgreSQL server, QHALL_TEST_PG). */
#ifndef QH_TEST_BACKEND_H
#define QH_TEST_BACKEND_H

#include <stddef.h>

#define QH_TEST_NAME_LEN 1024

struct qh_test_backend {
    const char *name;              /* "sqlite", "pg": as QHALL_TEST_STORE says */
    /* Set up once for the run (a server to start): 0, or < 0 with err. */
    int (*setup)(char *err, size_t errlen);
    void (*teardown)(void);
    /* The name of a database that does not exist yet: qh_store_open with
     * no flags creates it empty, EXISTING and READONLY refuse it.  tag
     * tells the tests apart in what is left behind. */
    int (*fresh)(const char *tag, char *name, size_t n, char *err, size_t errlen);
    /* The name of a database that exists and holds nothing (no schema):
     * EXISTING refuses it as not yet set up. */
    int (*empty)(const char *tag, char *name, size_t n, char *err, size_t errlen);
    /* A target for qh_store_backup that does not exist yet. */
    int (*backup_target)(const char *tag, char *name, size_t n,
                         char *err, size_t errlen);
    /* Remove what fresh, empty or backup_target made (no-op if gone). */
    void (*drop)(const char *name);
};

extern const struct qh_test_backend qh_test_backend_sqlite;
extern const struct qh_test_backend qh_test_backend_pg;

/* The backend QHALL_TEST_STORE names, NULL if none by that name. */
const struct qh_test_backend *qh_test_backend_pick(void);

#endif
