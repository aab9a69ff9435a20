/* testutil.h: shared helpers for the cmocka tests.
 *
 * Tests run against real SQLite files in $QHALL_TEST_TMP (set by ctest;
 * /tmp otherwise), or a real PostgreSQL server (tu_store_pg), and a clock
 * fixed with qh_clock_set(). */
#ifndef QH_TESTUTIL_H
#define QH_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "qh/store.h"

/* The store the tests run on: SQLite files by default; with
 * QHALL_TEST_STORE=pg databases on the run's private PostgreSQL server
 * (QHALL_TEST_PG, tests/pg/pgtest.h), for the tests that run on both
 * (QH_BOTH_BACKENDS in tests/CMakeLists.txt).  1 when that is PostgreSQL:
 * a test's cases about SQLite's files are then not registered. */
int tu_store_pg(void);
/* A fresh, unique file path "<tmp>/<tag>-<pid>-<n>.db" (old files
 * removed), whatever the store: for scratch files. */
const char *tu_tmp_path(const char *tag);
/* The name of a new database for qh_store_open (a plain open creates it):
 * tu_tmp_path(tag) on SQLite, a database on the server that does not exist
 * yet on PostgreSQL.  In a static buffer the next call reuses; fails the
 * test on error. */
const char *tu_db_path(const char *tag);
/* Open a new database (tu_db_path) with the default hall and the sample
 * catalogue; fails the test on error. */
struct qh_store *tu_store_new(const char *tag);
/* Parse "2026-11-25T09:00:00+08:00" and fix the clock there. */
void tu_clock(const char *iso);
/* Advance the fixed clock by seconds. */
void tu_clock_advance(int seconds);
/* Path of a file under the source tree ("assets/hall.ini"). */
const char *tu_src(const char *rel);
/* Directory for test artefacts (created). */
const char *tu_artefacts(void);
/* piece repeated n times (free text at and past its limits), in a static
 * buffer of 3,201 bytes that the next call reuses. */
const char *tu_rep(const char *piece, size_t n);

/* The seed of a randomized test: QHALL_SEED (decimal) when set, else
 * fallback.  Printed with the line that replays it, so a failure seen
 * once can be run again. */
unsigned tu_seed(const char *what, unsigned fallback);

/* Part of a test cannot run here (a tool .ci/deps installs is missing):
 * prints "skipped: REASON" and makes tu_exit() return 77, which ctest
 * shows as skipped (SKIP_RETURN_CODE in tests/CMakeLists.txt). */
void tu_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* main's status from cmocka_run_group_tests(): 1 if any test failed,
 * else 77 if something was skipped, else 0. */
int tu_exit(int failed);

/* The id of the last event; fails the test on error. */
int64_t tu_last_event(struct qh_store *s);

#endif
