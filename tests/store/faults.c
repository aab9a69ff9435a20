/* faults.c: the SQLite store when its I/O or memory fails at the Nth call,
 * as SQLite tests itself (its "ioerr" and "malloc" tests).
 *
 * A busy window's day is a list of steps: open, issue, call, recall, start,
 * hold, release, transfer, finish (done, failed: to queue C), a rating, a
 * no-show, a cancel, and the next day's first issue (the rollover).  For
 * each step, and each kind of fault, the step is run again and again on a
 * copy of the database as it was before the step, with the fault armed at
 * the 1st, 2nd, ... call, until the step no longer reaches the armed call.
 * Each run must end one of two ways:
 *  - the step completed (SQLite may absorb a fault): the database is the
 *    one an unfaulted run leaves, exactly;
 *  - it failed with a message, the database is exactly as before (nothing
 *    partial, nothing doubled), and the same open store, once the fault
 *    clears, does the step again and ends where the unfaulted run does.
 * Then the store's check finds nothing, and the real `qhall check` agrees
 * on the deepest failed run of each step and kind.  Leaks: LSan, in the
 * sanitizer build.
 *
 * The kinds: an I/O error at one call, or at every call from the Nth on
 * (a disk that has gone); a failed allocation, once or from the Nth on; a
 * full disk from the Nth write on, whose message says 磁盘已满 and names
 * the file.  The faults come from a VFS wrapped around SQLite's own and
 * from SQLite's allocator hooks: the store's code is the one a hall runs.
 * libsodium's randomness is made repeatable here, so that the token a
 * retried issue draws is the unfaulted run's and databases compare
 * byte for byte. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "qh/clock.h"
#include "qh/rating.h"
#include "qh/ticket.h"

/* ---- the faults ---- */

enum kind { K_IO, K_IO_ONCE, K_NOMEM, K_NOMEM_ONCE, K_FULL, K_COUNT };
static const char *const kind_name[K_COUNT] = {"io", "io-once", "nomem", "nomem-once",
                                               "full"};

static struct {
    enum kind kind;
    int armed;
    long at;           /* the call that fails (1 = the first) */
    long calls;        /* faultable calls since arming */
    long fired;        /* faults delivered */
} F;

/* 1 when this faultable call of family io (1) or memory (0) fails. */
static int fail_now(int io, int write)
{
    if (!F.armed)
        return 0;
    int mine = io ? (F.kind == K_IO || F.kind == K_IO_ONCE || (F.kind == K_FULL && write))
                  : (F.kind == K_NOMEM || F.kind == K_NOMEM_ONCE);
    if (!mine)
        return 0;
    long n = ++F.calls;
    int once = F.kind == K_IO_ONCE || F.kind == K_NOMEM_ONCE;
    if (once ? n == F.at : n >= F.at) {
        F.fired++;
        return 1;
    }
    return 0;
}

static int io_fail(int code)
{
    return F.kind == K_FULL ? SQLITE_FULL : code;
}

static void arm(enum kind k, long at)
{
    F.kind = k;
    F.at = at;
    F.calls = 0;
    F.fired = 0;
    F.armed = 1;
}

static void disarm(void)
{
    F.armed = 0;
}

/* SQLite's allocator, failing on demand. */
static sqlite3_mem_methods real_mem;

static void *mem_malloc(int n)
{
    return fail_now(0, 0) ? NULL : real_mem.xMalloc(n);
}

static void *mem_realloc(void *p, int n)
{
    return fail_now(0, 0) ? NULL : real_mem.xRealloc(p, n);
}

static void mem_free(void *p) { real_mem.xFree(p); }
static int mem_size(void *p) { return real_mem.xSize(p); }
static int mem_roundup(int n) { return real_mem.xRoundup(n); }
static int mem_init(void *a) { return real_mem.xInit(a); }
static void mem_shutdown(void *a) { real_mem.xShutdown(a); }

/* A VFS over the default one: each file is ours with the real one behind. */
struct ffile {
    sqlite3_file base;
    sqlite3_file *real;
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;
static sqlite3_io_methods fault_io;

#define REAL(f) (((struct ffile *)(f))->real)

static int f_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}

static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    if (fail_now(1, 0))
        return io_fail(SQLITE_IOERR_READ);
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    if (fail_now(1, 1))
        return io_fail(SQLITE_IOERR_WRITE);
    return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    if (fail_now(1, 1))
        return io_fail(SQLITE_IOERR_TRUNCATE);
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int f_sync(sqlite3_file *f, int flags)
{
    if (fail_now(1, 0))
        return SQLITE_IOERR_FSYNC;
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
    if (fail_now(1, 0))
        return SQLITE_IOERR_FSTAT;
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int f_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int f_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }

static int f_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int f_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int f_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }

static int f_caps(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int f_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
    if (fail_now(1, 0))
        return SQLITE_IOERR_SHMMAP;
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void f_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }

static int f_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
                  int *out)
{
    (void)vfs;
    struct ffile *p = (struct ffile *)f;
    p->real = (sqlite3_file *)(p + 1);
    p->base.pMethods = NULL;
    if (fail_now(1, 0))
        return SQLITE_CANTOPEN;
    int rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out);
    if (rc == SQLITE_OK)
        p->base.pMethods = &fault_io;
    return rc;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
    (void)vfs;
    if (fail_now(1, 1))
        return io_fail(SQLITE_IOERR_DELETE);
    return real_vfs->xDelete(real_vfs, name, sync);
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    if (fail_now(1, 0))
        return SQLITE_IOERR_ACCESS;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int v_full(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static int v_random(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return real_vfs->xRandomness(real_vfs, n, out);
}

static int v_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return real_vfs->xSleep(real_vfs, us);
}

static int v_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return real_vfs->xCurrentTime(real_vfs, out);
}

static int v_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static int v_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return real_vfs->xGetLastError(real_vfs, n, out);
}

/* Before the first SQLite call of the process: the allocator can only be
 * set then. */
static void faults_install(void)
{
    sqlite3_mem_methods m;
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK)
        abort();
    m = real_mem;
    m.xMalloc = mem_malloc;
    m.xFree = mem_free;
    m.xRealloc = mem_realloc;
    m.xSize = mem_size;
    m.xRoundup = mem_roundup;
    m.xInit = mem_init;
    m.xShutdown = mem_shutdown;
    /* Lookaside would hide most small allocations from the hook. */
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK ||
        sqlite3_initialize() != SQLITE_OK)
        abort();
    real_vfs = sqlite3_vfs_find(NULL);
    fault_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile,
        .mxPathname = real_vfs->mxPathname,
        .zName = "qhall-faults",
        .xOpen = v_open,
        .xDelete = v_delete,
        .xAccess = v_access,
        .xFullPathname = v_full,
        .xRandomness = v_random,
        .xSleep = v_sleep,
        .xCurrentTime = v_time,
        .xGetLastError = v_error,
        .xCurrentTimeInt64 = v_time64,
    };
    fault_io = (sqlite3_io_methods){
        .iVersion = 2,   /* not xFetch: the store does not map the file */
        .xClose = f_close,
        .xRead = f_read,
        .xWrite = f_write,
        .xTruncate = f_truncate,
        .xSync = f_sync,
        .xFileSize = f_size,
        .xLock = f_lock,
        .xUnlock = f_unlock,
        .xCheckReservedLock = f_reserved,
        .xFileControl = f_control,
        .xSectorSize = f_sector,
        .xDeviceCharacteristics = f_caps,
        .xShmMap = f_shm_map,
        .xShmLock = f_shm_lock,
        .xShmBarrier = f_shm_barrier,
        .xShmUnmap = f_shm_unmap,
    };
    if (sqlite3_vfs_register(&fault_vfs, 1) != SQLITE_OK)
        abort();
}

/* ---- repeatable randomness ---- */

static uint64_t rng;

static const char *rnd_name(void) { return "qhall-faults"; }

static uint32_t rnd_random(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng >> 33);
}

static void rnd_stir(void) {}

static void rnd_buf(void *const buf, const size_t n)
{
    unsigned char *p = buf;
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)rnd_random();
}

static int rnd_close(void) { return 0; }

static randombytes_implementation rnd = {
    .implementation_name = rnd_name,
    .random = rnd_random,
    .stir = rnd_stir,
    .buf = rnd_buf,
    .close = rnd_close,
};

/* ---- the day ---- */

static char err[4096];

typedef int (*step_fn)(struct qh_store *s);

static int issue(struct qh_store *s, const char *queue, const char *green)
{
    struct qh_issue_req req = {.queue = queue, .green = green};
    struct qh_ticket_row t;
    struct qh_issue_info info;
    return qh_ticket_issue(s, &req, &t, &info, err, sizeof err);
}

static int s_issue_a(struct qh_store *s) { return issue(s, "A", NULL); }
static int s_issue_b(struct qh_store *s) { return issue(s, "B", NULL); }
static int s_issue_green(struct qh_store *s) { return issue(s, "A", "elderly"); }
static int s_issue_c(struct qh_store *s) { return issue(s, "C", NULL); }

static int s_call(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_call_next(s, 1, &t, err, sizeof err);
}

static int s_call5(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_call_next(s, 5, &t, err, sizeof err);
}

static int s_recall(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_recall(s, 1, &t, err, sizeof err);
}

static int s_start(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_start(s, 1, &t, err, sizeof err);
}

static int s_start5(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_start(s, 5, &t, err, sizeof err);
}

static int s_hold(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_hold(s, 1, &t, err, sizeof err);
}

/* The green-channel ticket, called first, was held. */
static int s_release(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_release(s, "A002", &t, err, sizeof err);
}

static int s_transfer(struct qh_store *s)
{
    struct qh_ticket_row t;
    struct qh_transfer_to to = {.queue = "B", .note = "材料属B类"};
    return qh_ticket_transfer(s, 1, &to, &t, err, sizeof err);
}

static int s_finish(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_finish_case(s, 1, "done", "已办结", "LZ2026-0001", &t, err, sizeof err);
}

static int s_finish_failed(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_finish(s, 1, "failed", "缺少证明", &t, err, sizeof err);
}

static int s_rate(struct qh_store *s)
{
    struct qh_ticket_row t;
    struct qh_rate_req r = {.number = "A002", .score = 2, .reason = "等候时间长",
                            .channel = QH_RATE_PAD};
    qh_store_set_actor(s, "pad:1");
    int rc = qh_rating_add(s, &r, &t, err, sizeof err);
    qh_store_set_actor(s, "counter:1");
    return rc;
}

static int s_noshow(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_noshow(s, 1, &t, err, sizeof err);
}

static int s_finish5(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_finish(s, 5, "supplement", "补户口本", &t, err, sizeof err);
}

static int s_cancel(struct qh_store *s)
{
    struct qh_ticket_row t;
    return qh_ticket_cancel(s, "B001", &t, err, sizeof err);
}

/* The first write of a new service day rolls the old one over. */
static int s_next_day(struct qh_store *s) { return issue(s, "A", NULL); }

/* open: run by the driver itself (no store yet). */
static const struct step {
    const char *name;
    step_fn fn;
    int day;        /* days after the first */
} steps[] = {
    {"open", NULL, 0},
    {"issue", s_issue_a, 0},          /* A001 */
    {"issue-green", s_issue_green, 0}, /* A002, ahead of A001 */
    {"issue-b", s_issue_b, 0},        /* B001 */
    {"call", s_call, 0},              /* A002 to window 1 */
    {"recall", s_recall, 0},
    {"start", s_start, 0},
    {"hold", s_hold, 0},
    {"call-2", s_call, 0},            /* A001 */
    {"transfer", s_transfer, 0},      /* A001 on to B */
    {"release", s_release, 0},        /* A002 back in line */
    {"call-3", s_call, 0},            /* A002 */
    {"start-2", s_start, 0},
    {"finish", s_finish, 0},
    {"rate", s_rate, 0},
    {"issue-2", s_issue_a, 0},        /* A003 */
    {"call-4", s_call, 0},
    {"noshow", s_noshow, 0},
    {"issue-3", s_issue_a, 0},        /* A004 */
    {"call-5", s_call, 0},
    {"start-3", s_start, 0},
    {"finish-failed", s_finish_failed, 0}, /* A004 on to queue C */
    {"call-c", s_call5, 0},
    {"start-c", s_start5, 0},
    {"finish-c", s_finish5, 0},
    {"issue-c", s_issue_c, 0},
    {"cancel", s_cancel, 0},
    {"next-day", s_next_day, 1},
};
#define NSTEPS (sizeof steps / sizeof steps[0])

/* ---- files ---- */

static char dir[512], live[600], snap[600], work[600], deep[600];

static void rm_db(const char *p)
{
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    char q[700];
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        snprintf(q, sizeof q, "%s%s", p, sfx[i]);
        unlink(q);
    }
}

/* The database (a closed store leaves no -wal) copied whole, private. */
static void copy_db(const char *from, const char *to)
{
    char q[700];
    snprintf(q, sizeof q, "%s-wal", from);
    if (access(q, F_OK) == 0)
        fail_msg("%s is still there: the store was not closed cleanly", q);
    rm_db(to);
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (in < 0 || out < 0)
        fail_msg("copy %s to %s: %s", from, to, strerror(errno));
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            fail_msg("copy to %s: %s", to, strerror(errno));
    close(in);
    close(out);
}

/* Every row of every table, in order, as one hash: two databases with the
 * same rows have the same digest.  Read on a connection of its own (with
 * the faults off): what another program would see.  Read-write, though
 * it writes nothing: a read-only connection cannot remove the -wal it
 * makes when it closes, and the copy takes the file alone. */
static uint64_t digest(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *t, *st;
    uint64_t h = 1469598103934665603ULL;
    assert_false(F.armed);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        fail_msg("digest %s: %s", path, sqlite3_errmsg(db));
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
                           " ORDER BY name", -1, &t, NULL) != SQLITE_OK)
        fail_msg("digest %s: %s", path, sqlite3_errmsg(db));
    while (sqlite3_step(t) == SQLITE_ROW) {
        char q[256];
        const char *name = (const char *)sqlite3_column_text(t, 0);
        snprintf(q, sizeof q, "SELECT * FROM \"%s\" ORDER BY 1", name);
        if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
            fail_msg("digest %s: %s: %s", path, q, sqlite3_errmsg(db));
        for (const char *c = name; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211ULL;
        while (sqlite3_step(st) == SQLITE_ROW)
            for (int i = 0; i < sqlite3_column_count(st); i++) {
                const unsigned char *v = sqlite3_column_blob(st, i);
                int n = sqlite3_column_bytes(st, i);
                h = (h ^ (uint64_t)(sqlite3_column_type(st, i) + 256)) * 1099511628211ULL;
                for (int k = 0; k < n; k++)
                    h = (h ^ v[k]) * 1099511628211ULL;
            }
        sqlite3_finalize(st);
    }
    sqlite3_finalize(t);
    sqlite3_close(db);
    return h;
}

static int64_t day0;

/* What a step's every run starts from: the same clock, the same draws. */
static void step_env(size_t k)
{
    qh_clock_set(day0 + (int64_t)steps[k].day * 86400000LL + (int64_t)k * 60000);
    rng = 0x9e3779b97f4a7c15ULL * (k + 1);
}

static struct qh_store *open_store(const char *path, char *e, size_t n, int *rc)
{
    struct qh_store *s = NULL;
    *rc = qh_store_open(&s, path, 0, e, n);
    if (*rc == 0)
        qh_store_set_actor(s, "counter:1");
    return s;
}

static int run_step(size_t k, struct qh_store **s, const char *path)
{
    int rc;
    if (!steps[k].fn) {
        *s = open_store(path, err, sizeof err, &rc);
        return rc;
    }
    return steps[k].fn(*s);
}

static void healthy(struct qh_store *s, const char *what)
{
    char report[4096] = "", e[QH_ERRLEN] = "";
    int n = qh_store_check(s, report, sizeof report, e, sizeof e);
    if (n != 0)
        fail_msg("%s: the store's check: %d: %s%s", what, n, report, e);
}

/* The real `qhall check` on path: exit 0. */
static void qhall_check(const char *path, const char *what)
{
    const char *bin = getenv("QHALL_BIN");
    char cmd[2048];
    if (!bin) {
        tu_skip("QHALL_BIN is not set: `qhall check` not run (%s)", what);
        return;
    }
    snprintf(cmd, sizeof cmd, "'%s' --db '%s' check >/dev/null 2>&1", bin, path);
    int rc = system(cmd);
    if (rc != 0)
        fail_msg("%s: `qhall check` exit %d", what, rc);
}

/* Every call up to the 32nd I/O call or the 16th allocation, then a
 * quarter of the way on each time (the 32nd, 40th, 50th, 62nd ...): a
 * step's first calls are where its transaction begins and most of its
 * paths part; past them, a step that allocates thousands of times would
 * cost minutes of CI a kind (a step makes at most 34 I/O calls: those are
 * all tried).  QHALL_FAULTS=all: every call (make faults). */
static int every_call;

/* In make test the first 16 I/O calls and 8 allocations of a step are
 * tried, then every half of the way on; QHALL_FAULTS=all tries every one
 * (make faults, half an hour under ASan). */
enum { DENSE_IO = 16, DENSE_NOMEM = 8, SPREAD = 2 };

static long next_n(long n, enum kind kind)
{
    long dense = kind == K_NOMEM || kind == K_NOMEM_ONCE ? DENSE_NOMEM : DENSE_IO;
    return every_call || n < dense ? n + 1 : n + n / SPREAD;
}

struct tally {
    long runs, failed, absorbed, deepest;
};

/* Every N for step k and one kind, from the snapshot before the step. */
static void fault_step(size_t k, enum kind kind, uint64_t before, uint64_t after,
                       struct tally *tl)
{
    char what[128];
    int have_deep = 0;
    for (long n = 1;; n = next_n(n, kind)) {
        snprintf(what, sizeof what, "%s, %s fault at call %ld", steps[k].name,
                 kind_name[kind], n);
        copy_db(snap, work);
        step_env(k);
        int rc = 0;
        struct qh_store *s = NULL;
        if (steps[k].fn && !(s = open_store(work, err, sizeof err, &rc)))
            fail_msg("%s: open before the fault: %s", what, err);
        err[0] = '\0';
        arm(kind, n);
        rc = run_step(k, &s, work);
        long fired = F.fired;
        disarm();
        tl->runs++;
        if (!fired) {
            /* The step no longer reaches the Nth call: all were tried. */
            if (rc < 0)
                fail_msg("%s: no fault, and still: %s", what, err);
            qh_store_close(s);
            if (digest(work) != after)
                fail_msg("%s: an unfaulted run left another database", what);
            /* Each step's database checked by the real `qhall check`
             * under one kind of fault: a process start each is seconds. */
            if (have_deep && (every_call || k % K_COUNT == kind))
                qhall_check(deep, what);
            long calls = F.calls;
            tl->deepest = calls > tl->deepest ? calls : tl->deepest;
            return;
        }
        if (rc == 0) {
            /* SQLite absorbed it (a retried read, a cache it did without). */
            tl->absorbed++;
            healthy(s, what);
            qh_store_close(s);
            if (digest(work) != after)
                fail_msg("%s: reported done, but the database is not the done one", what);
            continue;
        }
        tl->failed++;
        if (!err[0])
            fail_msg("%s: failed (%d) with no message", what, rc);
        if (kind == K_FULL && (!strstr(err, "磁盘已满") || !strstr(err, work)))
            fail_msg("%s: a full disk not said as one, with the file: %s", what, err);
        uint64_t now = digest(work);
        if (now == after && before != after)
            fail_msg("%s: reported failed (%s), but it was done", what, err);
        if (now != before)
            fail_msg("%s: failed (%s) and left a partial change", what, err);
        /* The fault is gone: the same program goes on. */
        step_env(k);
        char first[sizeof err];
        snprintf(first, sizeof first, "%s", err);
        if ((rc = run_step(k, &s, work)) < 0)
            fail_msg("%s: after %s, the fault gone, the step again: %s", what, first, err);
        healthy(s, what);
        qh_store_close(s);
        if (digest(work) != after)
            fail_msg("%s: done again after the fault, another database", what);
        copy_db(work, deep);
        have_deep = 1;
    }
}

static void the_day(enum kind only, int all)
{
    struct tally total[K_COUNT] = {{0}};
    struct qh_store *s;
    char e[QH_ERRLEN];
    int rc;
    qh_clock_parse("2026-11-25T09:00:00+08:00", NULL, &day0, NULL, 0);
    qh_clock_set(day0 - 600000);
    /* On tmpfs where there is one: the faults come from the VFS, not the
     * medium, and a run is a dozen fsyncs. */
    struct stat st;
    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        snprintf(dir, sizeof dir, "/dev/shm/qhall-faults-%d", (int)getpid());
    else
        snprintf(dir, sizeof dir, "%s", tu_tmp_path("faults"));
    snprintf(live, sizeof live, "%s.live", dir);
    snprintf(snap, sizeof snap, "%s.snap", dir);
    snprintf(work, sizeof work, "%s.work", dir);
    snprintf(deep, sizeof deep, "%s.deep", dir);
    rng = 1;
    struct qh_hall_conf c;
    int count = 0;
    qh_conf_defaults(&c);
    rm_db(live);
    if (qh_store_open(&s, live, 0, e, sizeof e) < 0 || qh_hall_init(s, &c, 0, e, sizeof e) < 0 ||
        qh_catalog_import(s, "services.csv", qh_asset_services_csv,
                          strlen(qh_asset_services_csv), &count, e, sizeof e) < 0 ||
        qh_staff_add(s, "w01", "王芳", "staff", "1234", e, sizeof e) < 0 ||
        qh_staff_login(s, 1, "w01", "1234", e, sizeof e) < 0 ||
        qh_staff_login(s, 5, "w01", "1234", e, sizeof e) < 0)
        fail_msg("the hall: %s", e);
    qh_store_close(s);
    s = NULL;
    for (size_t k = 0; k < NSTEPS; k++) {
        copy_db(live, snap);
        uint64_t before = digest(snap);
        step_env(k);
        if (steps[k].fn && !(s = open_store(live, e, sizeof e, &rc)))
            fail_msg("%s: open: %s", steps[k].name, e);
        if (run_step(k, &s, live) < 0)
            fail_msg("%s, no fault: %s", steps[k].name, err);
        qh_store_close(s);
        s = NULL;
        uint64_t after = digest(live);
        for (int kind = 0; kind < K_COUNT; kind++)
            if (all || kind == (int)only)
                fault_step(k, (enum kind)kind, before, after, &total[kind]);
    }
    for (int kind = 0; kind < K_COUNT; kind++)
        if (all || kind == (int)only)
            printf("faults: %-10s %zu steps, %ld runs%s: %ld failed cleanly, %ld absorbed;"
                   " up to %ld calls a step\n", kind_name[kind], NSTEPS, total[kind].runs,
                   every_call ? " (every call)" : "",
                   total[kind].failed, total[kind].absorbed, total[kind].deepest);
    rm_db(live);
    rm_db(snap);
    rm_db(work);
    rm_db(deep);
}

static void io(void **state) { (void)state; the_day(K_IO, 0); }
static void io_once(void **state) { (void)state; the_day(K_IO_ONCE, 0); }
static void nomem(void **state) { (void)state; the_day(K_NOMEM, 0); }
static void nomem_once(void **state) { (void)state; the_day(K_NOMEM_ONCE, 0); }
static void full(void **state) { (void)state; the_day(K_FULL, 0); }

int main(void)
{
    const char *all = getenv("QHALL_FAULTS");
    every_call = all && !strcmp(all, "all");
    if (randombytes_set_implementation(&rnd) != 0 || sodium_init() < 0)
        return 1;
    faults_install();
    if (tu_store_pg()) {
        tu_skip("SQLite's faults: QHALL_TEST_STORE=pg");
        return tu_exit(0);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(io),
        cmocka_unit_test(io_once),
        cmocka_unit_test(nomem),
        cmocka_unit_test(nomem_once),
        cmocka_unit_test(full),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
