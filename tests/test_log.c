/* test_log.c: the process's log (common/base/log.c): QHALL_LOG and
 * --verbose, the journal's level markers only when stderr is the stream
 * JOURNAL_STREAM names, and one line per problem: repeats counted, not
 * written. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "qh/err.h"
#include "qh/log.h"

static char path[4096];
static int saved = -1;

/* stderr into a new file until read_log. */
static void capture(void)
{
    snprintf(path, sizeof path, "%s", tu_tmp_path("log"));
    fflush(stderr);
    saved = dup(2);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0 && saved >= 0);
    dup2(fd, 2);
    close(fd);
}

/* What was written since capture; stderr back. */
static const char *read_log(void)
{
    static char buf[8192];
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void levels(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int want;               /* a level, or -1: refused */
    } rows[] = {
        {"error", QH_LOG_ERROR}, {"warn", QH_LOG_WARN}, {"info", QH_LOG_INFO},
        {"debug", QH_LOG_DEBUG}, {"", -1}, {"Info", -1}, {"warning", -1},
        {"verbose", -1}, {"3", -1}, {"info ", -1}, {NULL, -1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum qh_log_level lv = QH_LOG_ERROR;
        int rc = qh_log_parse_level(rows[i].in, &lv);
        if (rows[i].want < 0) {
            assert_int_equal(rc, QH_E_PARSE);
        } else {
            assert_int_equal(rc, 0);
            assert_int_equal(lv, rows[i].want);
        }
    }

    char err[QH_ERRLEN];
    unsetenv("JOURNAL_STREAM");
    setenv("QHALL_LOG", "loud", 1);
    assert_int_equal(qh_log_setup("t", 0, err, sizeof err), QH_E_USAGE);
    assert_string_equal(err, "QHALL_LOG: expected error, warn, info or debug, got \"loud\"");
    assert_true(qh_log_enabled(QH_LOG_INFO) && !qh_log_enabled(QH_LOG_DEBUG));

    setenv("QHALL_LOG", "warn", 1);
    assert_int_equal(qh_log_setup("t", 0, err, sizeof err), 0);
    capture();
    qh_log_info("not shown");
    qh_log_warn("shown %d", 1);
    qh_log_error("shown %d", 2);
    assert_string_equal(read_log(), "t: shown 1\nt: shown 2\n");

    /* --verbose wins over QHALL_LOG. */
    assert_int_equal(qh_log_setup("t", 1, err, sizeof err), 0);
    assert_true(qh_log_enabled(QH_LOG_DEBUG));
    unsetenv("QHALL_LOG");
    assert_int_equal(qh_log_setup("t", 0, err, sizeof err), 0);
    assert_true(qh_log_enabled(QH_LOG_INFO) && !qh_log_enabled(QH_LOG_DEBUG));
}

static void journal(void **state)
{
    (void)state;
    char err[QH_ERRLEN], js[64];
    struct stat st;
    unsetenv("QHALL_LOG");
    capture();
    assert_int_equal(fstat(2, &st), 0);
    snprintf(js, sizeof js, "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    setenv("JOURNAL_STREAM", js, 1);
    assert_int_equal(qh_log_setup("qhall-display", 1, err, sizeof err), 0);
    qh_log_error("e");
    qh_log_warn("w");
    qh_log_info("i");
    qh_log_debug("d");
    assert_string_equal(read_log(), "<3>qhall-display: e\n<4>qhall-display: w\n"
                                    "<6>qhall-display: i\n<7>qhall-display: d\n");

    /* Inherited, but stderr is somewhere else: no markers. */
    setenv("JOURNAL_STREAM", "1:1", 1);
    capture();
    assert_int_equal(qh_log_setup("qhall-display", 0, err, sizeof err), 0);
    qh_log_warn("w");
    assert_string_equal(read_log(), "qhall-display: w\n");
    unsetenv("JOURNAL_STREAM");
}

static void named(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void named(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qh_log_v(QH_LOG_WARN, name, fmt, ap);
    va_end(ap);
}

static void repeats(void **state)
{
    (void)state;
    char err[QH_ERRLEN];
    unsetenv("QHALL_LOG");
    unsetenv("JOURNAL_STREAM");
    assert_int_equal(qh_log_setup("p", 0, err, sizeof err), 0);
    capture();
    for (int i = 0; i < 500; i++)       /* a problem met at every frame */
        qh_log_warn("no sound: %s", "device gone");
    qh_log_info("sound works again");
    qh_log_warn("no sound: device gone");
    qh_log_warn("no sound: device gone");
    qh_log_warn("other");
    qh_log_warn("other");
    qh_log_warn("other");
    qh_log_flush();
    qh_log_flush();                     /* nothing held back twice */
    assert_string_equal(read_log(),
                        "p: no sound: device gone\n"
                        "p: no sound: device gone (repeated 499 times)\n"
                        "p: sound works again\n"
                        "p: no sound: device gone\n"
                        "p: no sound: device gone\n"
                        "p: other\n"
                        "p: other (repeated 2 times)\n");

    /* The same text under another name (qh_app_log's) is another line. */
    capture();
    qh_log_warn("x");
    named("qhall-kiosk", "x");
    named("qhall-kiosk", "x");
    qh_log_flush();
    assert_string_equal(read_log(), "p: x\nqhall-kiosk: x\nqhall-kiosk: x\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(levels),
        cmocka_unit_test(journal),
        cmocka_unit_test(repeats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
