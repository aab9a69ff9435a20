/* fuzz_cli.c: the `qhall` command line on arbitrary bytes.  The input is
 * split into arguments at NUL and newline and given to the dispatcher
 * (cli_main) after "qhall": global options, the command table, every
 * command's options and positionals, and the commands that only read or
 * change the hall run against a SQLite hall in a temporary directory.
 *
 * Cheap and contained: the hall is made once (the default hall and the
 * sample catalogue, as a bare `qhall status` makes it) and kept open
 * across runs; a copy of it is put back every RESET_EVERY commands run,
 * so the tickets issued do not pile up.  A command that would read or
 * write a file the input names, wait on stdin, the network, a printer or
 * the change feed, or replace the database is parsed and stopped before
 * it runs (may_run).  stdin is /dev/null (a PIN read gets none), stdout
 * goes to /dev/null, and the environment points every default path into
 * the temporary directory, removed at exit. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qh/err.h"
#include "qh/hall.h"

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXARGS 24
#define RESET_EVERY 2000

static char dir[64], db[128], tmpl[128];
static struct qh_store *hall;
static int runs;

/* Commands that read or write only the hall and answer at once. */
static const char *const runnable[] = {
    "issue", "call", "recall", "noshow", "callback", "start", "hold", "release",
    "transfer", "finish", "cancel", "rate", "appeal decide", "appeal", "pause",
    "resume", "status", "events", "appointment add", "checkin", "login", "logout",
    "staff add", "staff list", "staff pin", "staff photo", "staff unlock", "check",
    "help", "version", "report", "followup list", "followup close", "scorecard",
    "export ratings",
};

static int may_run(const struct ctx *c)
{
    size_t i;
    for (i = 0; i < sizeof runnable / sizeof runnable[0]; i++)
        if (!strcmp(c->cmd->name, runnable[i]))
            break;
    if (i == sizeof runnable / sizeof runnable[0])
        return 0;
    /* Options that name a file, or wait for ever. */
    if (cli_opt(c, "out") || cli_opt(c, "map") || cli_opt(c, "follow"))
        return 0;
    /* staff photo ID FILE reads the file; --remove alone does not. */
    if (!strcmp(c->cmd->name, "staff photo") && c->npos > 1)
        return 0;
    runs++;
    return 1;
}

static void cleanup(void)
{
    qh_hall_close(hall);
    hall = NULL;
    const char *const names[] = {"qhall.db", "qhall.db-wal", "qhall.db-shm",
                                 "template.db"};
    char path[192];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    int rc = in && out ? 0 : -1;
    while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    return rc;
}

/* The hall as first made: the template copied back, opened again. */
static void reopen(void)
{
    char err[QH_ERRLEN], path[192];
    qh_hall_close(hall);
    hall = NULL;
    snprintf(path, sizeof path, "%s-wal", db);
    unlink(path);
    snprintf(path, sizeof path, "%s-shm", db);
    unlink(path);
    if (copy_file(tmpl, db) < 0 || qh_hall_open(&hall, db, QH_OPEN_EXISTING, err,
                                                sizeof err) < 0) {
        fprintf(stderr, "fuzz_cli: %s: %s\n", db, err);
        abort();
    }
    runs = 0;
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/qh-fuzz-cli-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir)) {
        perror(dir);
        abort();
    }
    atexit(cleanup);
    snprintf(db, sizeof db, "%s/qhall.db", dir);
    snprintf(tmpl, sizeof tmpl, "%s/template.db", dir);
    /* Every default path in the temporary directory, a fixed clock (the
     * same day for every run), messages in one language unless asked. */
    setenv("QHALL_DB", db, 1);
    setenv("XDG_STATE_HOME", dir, 1);
    setenv("HOME", dir, 1);
    setenv("QHALL_NOW", "2026-11-25T09:00:00+08:00", 1);
    unsetenv("QHALL_LANG");
    unsetenv("QHALL_LOG");
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0) {
        perror("/dev/null");
        abort();
    }
    close(fd);
    /* The hall a bare command makes, by the program's own path. */
    char *argv[] = {"qhall", "--db", tmpl, "status", NULL};
    if (cli_main(4, argv, NULL) != 0) {
        fprintf(stderr, "fuzz_cli: cannot make the hall in %s\n", tmpl);
        abort();
    }
    reopen();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!hall)
        setup();
    else if (runs >= RESET_EVERY)
        reopen();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[MAXARGS + 2] = {"qhall"};
    int argc = 1;
    char *p = text, *end = text + size;
    while (p <= end && argc <= MAXARGS) {
        char *e = p;
        while (e < end && *e && *e != '\n')
            e++;
        *e = '\0';
        argv[argc++] = p;
        p = e + 1;
    }
    struct cli_host host = {hall, may_run};
    int st = cli_main(argc, argv, &host);
    fflush(stdout);
    /* The documented exit statuses only (README, "Exit status"). */
    if (st < 0 || st > 3)
        abort();
    free(text);
    return 0;
}
