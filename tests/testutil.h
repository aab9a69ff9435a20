/* testutil.h: shared helpers for the cmocka tests.
 *
 * Tests run against real SQLite files in $QHALL_TEST_TMP (set by ctest;
 * /tmp otherwise) and a clock fixed with qh_clock_set(). */
#ifndef QH_TESTUTIL_H
#define QH_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "qh/store.h"

/* A fresh, unique path "<tmp>/<tag>-<pid>-<n>.db" (old files removed). */
const char *tu_db_path(const char *tag);
/* Open a new database at a fresh path with the default hall and the
 * sample catalogue; fails the test on error. */
struct qh_store *tu_store_new(const char *tag);
/* Parse "2026-11-25T09:00:00+08:00" and fix the clock there. */
void tu_clock(const char *iso);
/* Advance the fixed clock by seconds. */
void tu_clock_advance(int seconds);
/* Path of a file under the source tree ("assets/hall.ini"). */
const char *tu_src(const char *rel);
/* Directory for test artefacts (created). */
const char *tu_artefacts(void);
/* The id of the last event; fails the test on error. */
int64_t tu_last_event(struct qh_store *s);

#endif
