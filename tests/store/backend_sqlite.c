/* backend_sqlite.c: the conformance suite's databases as SQLite files,
 * fresh paths under $QHALL_TEST_TMP (tu_tmp_path). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qh/err.h"
#include "testutil.h"
#include "backend.h"

static int setup(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return 0;
}

static void teardown(void)
{
}

static int name_of(const char *tag, char *name, size_t n, char *err, size_t errlen)
{
    const char *p = tu_tmp_path(tag);
    if ((size_t)snprintf(name, n, "%s", p) >= n)
        return qh_err(err, errlen, QH_E_USAGE, "%s: path too long", p);
    return 0;
}

static int empty(const char *tag, char *name, size_t n, char *err, size_t errlen)
{
    int rc = name_of(tag, name, n, err, errlen);
    if (rc < 0)
        return rc;
    /* Private, as the store would make it: an empty file is what an
     * interrupted install or a `touch` leaves. */
    int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return qh_err(err, errlen, QH_E_IO, "%s: cannot create", name);
    close(fd);
    return 0;
}

static void drop(const char *name)
{
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    char p[QH_TEST_NAME_LEN + 16];
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        snprintf(p, sizeof p, "%s%s", name, sfx[i]);
        unlink(p);
    }
}

const struct qh_test_backend qh_test_backend_sqlite = {
    .name = "sqlite",
    .setup = setup,
    .teardown = teardown,
    .fresh = name_of,
    .empty = empty,
    .backup_target = name_of,
    .drop = drop,
};
