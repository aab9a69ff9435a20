/* testutil.c: helpers shared by the cmocka tests (see testutil.h). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qh/clock.h"
#include "qh/conf.h"
#include "qh/ticket.h"
#include "pgtest.h"
#include "testutil.h"

static const char *tmpdir(void)
{
    const char *t = getenv("QHALL_TEST_TMP");
    if (!t || !*t)
        t = "/tmp";
    mkdir(t, 0755);
    return t;
}

int tu_store_pg(void)
{
    return tu_pg_wanted();
}

const char *tu_tmp_path(const char *tag)
{
    static char path[PATH_MAX];
    static int n;
    snprintf(path, sizeof path, "%s/%s-%d-%d.db", tmpdir(), tag, (int)getpid(), n++);
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        char p[PATH_MAX + 16];
        snprintf(p, sizeof p, "%s%s", path, sfx[i]);
        unlink(p);
    }
    return path;
}

const char *tu_db_path(const char *tag)
{
    static char name[PATH_MAX];
    char err[1024];
    if (!tu_pg_wanted())
        return tu_tmp_path(tag);
    if (tu_pg_fresh(tag, name, sizeof name, err, sizeof err) < 0)
        fail_msg("%s", err);
    return name;
}

struct qh_store *tu_store_new(const char *tag)
{
    char err[4096] = "";
    struct qh_store *s = NULL;
    struct qh_hall_conf c;
    const char *name = tu_db_path(tag);
    int rc = qh_store_open(&s, name, 0, err, sizeof err);
    if (rc < 0)
        fail_msg("open %s: %s", name, err);
    qh_conf_defaults(&c);
    if ((rc = qh_hall_init(s, &c, 0, err, sizeof err)) < 0)
        fail_msg("init: %s", err);
    int count = 0;
    rc = qh_catalog_import(s, "services.csv", qh_asset_services_csv,
                           strlen(qh_asset_services_csv), &count, err, sizeof err);
    if (rc < 0)
        fail_msg("import: %s", err);
    return s;
}

void tu_clock(const char *iso)
{
    int64_t ms;
    char err[QH_ERRLEN];
    if (qh_clock_parse(iso, NULL, &ms, err, sizeof err) < 0)
        fail_msg("clock: %s", err);
    qh_clock_set(ms);
}

void tu_clock_advance(int seconds)
{
    qh_clock_set(qh_clock_now() + (int64_t)seconds * 1000);
}

const char *tu_src(const char *rel)
{
    static char path[PATH_MAX];
    const char *src = getenv("QHALL_SRC");
    snprintf(path, sizeof path, "%s/%s", src && *src ? src : ".", rel);
    return path;
}

const char *tu_artefacts(void)
{
    const char *a = getenv("QHALL_ARTEFACTS");
    if (!a || !*a)
        a = "/tmp/qhall-artefacts";
    mkdir(a, 0755);
    return a;
}

const char *tu_rep(const char *piece, size_t n)
{
    static char buf[800 * 4 + 1];
    size_t len = 0, k = strlen(piece);
    for (size_t i = 0; i < n && len + k < sizeof buf; i++, len += k)
        memcpy(buf + len, piece, k);
    buf[len] = '\0';
    return buf;
}

unsigned tu_seed(const char *what, unsigned fallback)
{
    const char *env = getenv("QHALL_SEED");
    unsigned seed = fallback;
    char *end;
    if (env && *env) {
        unsigned long v = strtoul(env, &end, 10);
        if (*end || v > UINT_MAX)
            fail_msg("QHALL_SEED=%s: expected a decimal number", env);
        seed = (unsigned)v;
    }
    /* stderr, unbuffered: the line is there even if the test crashes. */
    fprintf(stderr, "%s: seed %u (replay: QHALL_SEED=%u)\n", what, seed, seed);
    return seed;
}

static int skipped;

void tu_skip(const char *fmt, ...)
{
    va_list ap;
    fputs("skipped: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    skipped = 1;
}

int tu_exit(int failed)
{
    if (failed)
        return 1;
    return skipped ? 77 : 0;
}

int64_t tu_last_event(struct qh_store *s)
{
    char err[QH_ERRLEN];
    int64_t id = 0;
    if (qh_store_last_event_id(s, &id, err, sizeof err) < 0)
        fail_msg("last event: %s", err);
    return id;
}
