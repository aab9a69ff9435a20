/* pgtest.h: databases on the test run's private PostgreSQL server.
 *
 * tests/pg/server.sh starts the server (the ctest fixture pg does, before
 * the first PostgreSQL variant of a test) and QHALL_TEST_PG names its
 * socket directory; QHALL_TEST_STORE=pg makes the tests use it (testutil's
 * tu_db_path and tu_store_new, the conformance suite's backend_pg).  The
 * role qhall is the cluster's superuser, trusted on the socket: a test
 * creates and drops what it likes.  Every call connects on its own: a
 * forked child never shares the parent's connection. */
#ifndef QH_TEST_PGTEST_H
#define QH_TEST_PGTEST_H

#include <stddef.h>

/* 1 when QHALL_TEST_STORE=pg: the tests' databases are on the server. */
int tu_pg_wanted(void);
/* 1 when name is a PostgreSQL URI (what qh_store_open hands to that
 * backend), 0 for a path. */
int tu_pg_is_uri(const char *name);
/* The server answers: 0, or < 0 with err saying why (QHALL_TEST_PG unset,
 * nothing listening there). */
int tu_pg_check(char *err, size_t errlen);
/* The URI of a database that does not exist yet,
 * postgresql:///qh_<tag>_<pid>_<n>?host=DIR&user=qhall (tag lowercased,
 * anything but [a-z0-9_] made '_'); one of that name left over from an
 * earlier run is dropped.  0, or < 0 with err. */
int tu_pg_fresh(const char *tag, char *uri, size_t n, char *err, size_t errlen);
/* CREATE DATABASE for the database of uri (made by tu_pg_fresh): it then
 * exists and holds nothing.  0, or < 0 with err. */
int tu_pg_create(const char *uri, char *err, size_t errlen);
/* DROP DATABASE IF EXISTS ... WITH (FORCE): sessions still on it are
 * ended.  0, or < 0 with err. */
int tu_pg_drop(const char *uri, char *err, size_t errlen);
/* End every session on uri's database (pg_terminate_backend), as an
 * administrator or a server restart would, and wait until they are gone.
 * 0, or < 0 with err. */
int tu_pg_terminate(const char *uri, char *err, size_t errlen);
/* Run sql (statements separated by ';') on uri's database itself, as its
 * owner, outside the store: a schema taken back to an older version.
 * The first column of the first row as an integer into *out (may be
 * NULL; 0 without rows).  0, or < 0 with err. */
int tu_pg_sql(const char *uri, const char *sql, long long *out, char *err, size_t errlen);

#endif
