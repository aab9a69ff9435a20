/* bench_pg.c: the store's PostgreSQL backend against bare libpq on the
 * same server, and against the SQLite backend.
 *
 * The program starts its own PostgreSQL server (tests/pg/server.sh, found
 * through QH_SOURCE_DIR) in a fresh directory under $TMPDIR or /tmp, with
 * fsync on and the default synchronous_commit = on (the hall's real
 * setting; it refuses to measure otherwise), on a Unix socket only.  A
 * guardian process forked first holds the read end of a pipe whose write
 * end only this process keeps: when it closes, at the end or because the
 * program died in any way, the guardian stops the server and removes the
 * directory.
 *
 *  1. A call in one process to another process's display model updated,
 *     over the server: a counter-like writer calls the next ticket at
 *     window 1 through the core API (then starts and finishes it,
 *     untimed), stamping CLOCK_MONOTONIC just before the call; a reader
 *     polls the change feed's fd (qh/feed.h), applies each event to the
 *     display model as qhall-display does, and stamps the moment the model
 *     shows the number.  The baseline is the bare round trip on the same
 *     server: one statement (one transaction) that inserts a row and
 *     pg_notify()s its number, to a raw LISTENer polling PQsocket.  The
 *     two alternate in rounds; p50/p99 of both and the ratio of the p99s.
 *     Exits 1 if a call was lost or seen twice.
 *  2. qh_ticket_issue() throughput in one process against libpq doing
 *     BEGIN; one-row INSERT (prepared); COMMIT per iteration, alternating
 *     in rounds; the median of the per-round ratios.
 *  3. A hall of 50 windows (A only, or A and B), tickets issued ahead, 50
 *     processes each logged in at its window calling next, starting and
 *     finishing until the queues are empty: p50/p99 of the call, then the
 *     event log read back (qh_store_events_since): every issued ticket
 *     called exactly once, `pg_double_calls` 0 (exits 1 otherwise).
 *  4. The same scripted CLI day (qhall init, import, staff, login, then
 *     issue/call/start/finish cycles over 5 windows, a report) run once on
 *     a SQLite file and once on the server: the wall time of each and the
 *     ratio.  The two reports must agree (exits 1 otherwise).
 *
 * QHALL_BENCH_N sets the latency samples of 1 (400); QHALL_BENCH_SCALE
 * scales 2, 3 and 4: issues a round (150), tickets for the 50 windows
 * (600) and CLI cycles (40; the issue's ~200 are scale 5, too slow for
 * the default: each CLI command is a process of its own that loads its
 * libraries, 50-250 ms here with the machine's load, on each backend).
 * QHALL_BENCH_PART=1..4 runs that part alone (the server still starts).
 * Benchmarks are not library code, so this file includes libpq-fe.h.
 * Prints `bench: NAME VALUE UNIT` lines and asserts nothing; exits 1 if it
 * could not run or a correctness check failed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "benchutil.h"
#include "model.h"
#include "qh/auth.h"
#include "qh/feed.h"
#include "qh/ticket.h"
#include "source.h"

#ifndef QH_SOURCE_DIR
#error "QH_SOURCE_DIR must name the source tree (tests/bench/CMakeLists.txt)"
#endif
#ifndef QH_QHALL_BIN
#error "QH_QHALL_BIN must name the qhall program (tests/bench/CMakeLists.txt)"
#endif

enum {
    GAP_US = 2000,              /* between two calls of the writer (1) */
    STALL_MS = 10000,           /* no progress this long: lost */
    ROUNDS = 5,                 /* latency rounds (1) */
    IROUNDS = 10,               /* issue rounds (2) */
    WARMUP = 20,
    NWIN = 50,                  /* windows (3) */
    CLI_WINDOWS = 5,            /* windows of the CLI day (4) */
    EVBATCH = 64,
};

#define NOW_ISSUE "2026-11-25T08:00:00+08:00"  /* a Wednesday */
#define NOW_CALLS "2026-11-25T10:00:00+08:00"
#define DAY_BUDGET_MS (15LL * 3600 * 1000)      /* 08:00 to 23:00 */
#define PIN "2580"
#define RAW_CHANNEL "qh_bench_raw"

static char g_top[PATH_MAX];    /* the run's directory */
static char g_srv[PATH_MAX];    /* the server's (and its socket's) */
static int g_guard = -1;        /* write end of the guardian's pipe */
static pid_t g_guard_pid = -1;

/* ---- processes ---- */

/* fork(), the child dropping the guardian's pipe: only this process may
 * keep it open, or the server would outlive a crash of the program. */
static pid_t bp_fork(void)
{
    pid_t p;

    fflush(NULL);
    p = fork();
    if (p == 0 && g_guard >= 0) {
        close(g_guard);
        g_guard = -1;
    }
    return p;
}

/* Run argv (argv[0] a path): stdin from in (NULL: /dev/null), stdout to
 * out and stderr to errp (NULL: /dev/null, and stderr kept), QHALL_NOW set
 * to now unless NULL.  The exit status, or -1. */
static int run(char *const argv[], const char *in, const char *out,
               const char *errp, const char *now)
{
    int st;
    pid_t p = bp_fork();

    if (p < 0)
        return -1;
    if (p == 0) {
        int i = open(in ? in : "/dev/null", O_RDONLY);
        int o = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = errp ? open(errp, O_WRONLY | O_CREAT | O_APPEND, 0600) : 2;

        if (i < 0 || o < 0 || e < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0 ||
            dup2(e, 2) < 0)
            _exit(126);
        if (now)
            setenv("QHALL_NOW", now, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    while (waitpid(p, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Wait for a child; 0 if it exited 0. */
static int reap(pid_t p)
{
    int st;

    if (p <= 0)
        return -1;
    while (waitpid(p, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int write_byte(int fd)
{
    ssize_t n;

    while ((n = write(fd, "r", 1)) < 0 && errno == EINTR)
        ;
    return n == 1 ? 0 : -1;
}

/* 1 byte read, 0 at end of file, -1 on error. */
static int read_byte(int fd)
{
    char c;
    ssize_t n;

    while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
        ;
    return n < 0 ? -1 : (int)n;
}

static void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Memory every child of this run shares (results come back in it). */
static void *shm_new(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);

    if (p == MAP_FAILED) {
        fprintf(stderr, "bench_pg: mmap %zu: %s\n", len, strerror(errno));
        return NULL;
    }
    return p;
}

static double pct_us(int64_t *v, int n, int p)
{
    return (double)bu_pct_i64(v, n, p) / 1000.0;
}

/* ---- the server ---- */

static char *server_sh(void)
{
    static char path[PATH_MAX];

    snprintf(path, sizeof path, "%s/tests/pg/server.sh", QH_SOURCE_DIR);
    return path;
}

/* The guardian: waits for the end of its pipe, then stops the server and
 * removes the run's directory.  It ignores the terminal's signals and
 * leaves its process group, so that Ctrl-C ends the program, not it. */
static int guard_start(void)
{
    int fd[2];
    pid_t p;

    if (pipe2(fd, O_CLOEXEC) < 0)
        return -1;
    p = bp_fork();
    if (p < 0)
        return -1;
    if (p == 0) {
        char *stop[] = { server_sh(), "stop", g_srv, NULL };
        char *rm[] = { "/bin/rm", "-rf", "--", g_top, NULL };

        close(fd[1]);
        setpgid(0, 0);
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        signal(SIGPIPE, SIG_IGN);
        while (read_byte(fd[0]) > 0)
            ;
        run(stop, NULL, NULL, NULL, NULL);
        run(rm, NULL, NULL, NULL, NULL);
        _exit(0);
    }
    close(fd[0]);
    g_guard = fd[1];
    g_guard_pid = p;
    return 0;
}

static void guard_end(void)
{
    if (g_guard < 0)
        return;
    close(g_guard);
    g_guard = -1;
    reap(g_guard_pid);
}

/* "postgresql:///DB?host=SOCKDIR&user=qhall" into out. */
static void pg_uri(char *out, size_t n, const char *db)
{
    snprintf(out, n, "postgresql:///%s?host=%s&user=qhall", db, g_srv);
}

static PGconn *raw_connect(const char *db)
{
    char uri[PATH_MAX + 64];
    PGconn *c;

    pg_uri(uri, sizeof uri, db);
    c = PQconnectdb(uri);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "bench_pg: connect %s: %s", uri, PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    return c;
}

/* Run sql; 0 if it succeeded (rows or not). */
static int raw_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
             PQresultStatus(r) == PGRES_TUPLES_OK;

    if (!ok)
        fprintf(stderr, "bench_pg: %s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    return ok ? 0 : -1;
}

static int raw_show_on(PGconn *c, const char *name)
{
    char sql[64];
    PGresult *r;
    int on;

    snprintf(sql, sizeof sql, "SHOW %s", name);
    r = PQexec(c, sql);
    on = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
         strcmp(PQgetvalue(r, 0, 0), "on") == 0;
    if (!on)
        fprintf(stderr, "bench_pg: %s is %s, not on: refusing to measure\n",
                name, PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
                      ? PQgetvalue(r, 0, 0) : PQerrorMessage(c));
    PQclear(r);
    return on ? 0 : -1;
}

/* Start the server with fsync on, check it is on and synchronous_commit
 * too, and make the baselines' database. */
static int server_start(void)
{
    char *start[] = { server_sh(), "start", g_srv, NULL };
    PGconn *c;
    int rc;

    if (bu_tmpdir(g_top, sizeof g_top, "pg") < 0)
        return -1;
    /* The server runs as postgres: it must reach its directory. */
    if (chmod(g_top, 0711) < 0 || bu_path(g_srv, sizeof g_srv, g_top, "pg") < 0 ||
        guard_start() < 0) {
        fprintf(stderr, "bench_pg: %s: %s\n", g_top, strerror(errno));
        rmdir(g_top);
        return -1;
    }
    setenv("QHALL_PG_FSYNC", "on", 1);
    rc = run(start, NULL, NULL, NULL, NULL);
    unsetenv("QHALL_PG_FSYNC");
    if (rc != 0) {
        fprintf(stderr, "bench_pg: %s start %s: status %d\n", server_sh(), g_srv, rc);
        return -1;
    }
    if (!(c = raw_connect("postgres")))
        return -1;
    rc = raw_show_on(c, "fsync") < 0 || raw_show_on(c, "synchronous_commit") < 0 ||
         raw_exec(c, "CREATE DATABASE qhraw") < 0 ? -1 : 0;
    PQfinish(c);
    if (rc < 0 || !(c = raw_connect("qhraw")))
        return -1;
    rc = raw_exec(c, "CREATE TABLE ev(id bigserial PRIMARY KEY,"
                     " seq integer NOT NULL, t_ns bigint NOT NULL);"
                     "CREATE TABLE t(id bigserial PRIMARY KEY, a bigint NOT NULL,"
                     " b text NOT NULL, c bigint NOT NULL)");
    PQfinish(c);
    return rc;
}

/* ---- 1. a call to the display model, against INSERT + NOTIFY ---- */

/* Per sequence number 1..n, for one subject: when the call (or insert)
 * was made, when the reader had it, how often the reader had it. */
struct lat {
    int64_t *stamp, *recv;
    int *count;
};

static struct qh_store *open_actor(const char *uri, const char *actor)
{
    struct qh_store *s = bu_store_open(uri);

    if (s)
        qh_store_set_actor(s, actor);
    return s;
}

/* The counter: m calls at window 1 of tickets first..first+m-1. */
static int call_writer(const char *uri, int first, int m, int ready_fd,
                       struct lat *l)
{
    char err[QH_ERRLEN];
    struct qh_store *s = open_actor(uri, "counter:1");
    struct qh_ticket_row t;
    int rc = 0;

    if (!s || read_byte(ready_fd) != 1) {
        qh_store_close(s);
        return 1;
    }
    for (int i = 0; i < m && rc >= 0; i++) {
        int64_t t0;

        sleep_us(GAP_US);
        t0 = bu_ns();
        rc = qh_ticket_call_next(s, 1, &t, err, sizeof err);
        if (rc >= 0 && t.seq != first + i)
            rc = qh_err(err, sizeof err, QH_E_STATE, "called %s, not number %d",
                        t.number, first + i);
        if (rc >= 0)
            l->stamp[t.seq] = t0;
        if (rc >= 0)
            rc = qh_ticket_start(s, 1, NULL, err, sizeof err);
        if (rc >= 0)
            rc = qh_ticket_finish(s, 1, "done", NULL, NULL, err, sizeof err);
    }
    if (rc < 0)
        fprintf(stderr, "bench_pg: writer: %s: %s\n", qh_strerror(rc), err);
    qh_store_close(s);
    return rc < 0;
}

/* The display: follows the feed until it has had the m calls and the m
 * finishes of the round, the model showing each call as it comes. */
static int call_reader(const char *uri, int first, int m, int ready_fd,
                       struct lat *l)
{
    char err[QH_ERRLEN];
    struct qh_store *s = open_actor(uri, "display");
    struct qh_display_model *dm = calloc(1, sizeof *dm);
    struct qh_dm_snapshot *snap = calloc(1, sizeof *snap);
    struct qh_event_row *evs = calloc(EVBATCH, sizeof *evs);
    struct qh_feed *f = NULL;
    int64_t last, progress;
    int calls = 0, finishes = 0, status = 1;

    if (!s || !dm || !snap || !evs)
        goto out;
    qh_display_model_init(dm, QH_LANG_ZH, 0, qh_clock_now());
    if (qh_display_source_snapshot(s, snap, err, sizeof err) < 0 ||
        qh_store_last_event_id(s, &last, err, sizeof err) < 0 ||
        qh_feed_open(&f, s, last, err, sizeof err) < 0) {
        fprintf(stderr, "bench_pg: reader: %s\n", err);
        goto out;
    }
    qh_display_model_snapshot(dm, snap, qh_clock_now());
    if (write_byte(ready_fd) < 0)
        goto out;
    progress = bu_ns();
    while (calls < m || finishes < m) {
        struct pollfd p = { .fd = qh_feed_fd(f), .events = POLLIN };
        int rc, to = qh_feed_timeout_ms(f);

        if (p.fd >= 0) {
            if (poll(&p, 1, to) < 0 && errno != EINTR)
                goto out;
        } else {
            sleep_us((long)to * 1000);
        }
        do {
            rc = qh_feed_read(f, evs, EVBATCH, err, sizeof err);
            if (rc < 0) {
                fprintf(stderr, "bench_pg: reader: %s\n", err);
                goto out;
            }
            for (int i = 0; i < rc; i++) {
                const struct qh_event_row *e = &evs[i];
                int64_t now;
                int seq;

                if (e->id <= last) {
                    fprintf(stderr, "bench_pg: event %lld after %lld\n",
                            (long long)e->id, (long long)last);
                    goto out;
                }
                last = e->id;
                qh_display_model_event(dm, e, qh_clock_now());
                if (strcmp(e->type, "finished") == 0)
                    finishes++;
                if (strcmp(e->type, "called") != 0)
                    continue;
                now = bu_ns();
                seq = atoi(e->number + 1);
                if (!dm->has_current || strcmp(dm->current.number, e->number) != 0) {
                    fprintf(stderr, "bench_pg: call of %s not shown\n", e->number);
                    goto out;
                }
                if (seq < first || seq >= first + m || l->count[seq]++ > 0) {
                    fprintf(stderr, "bench_pg: call of %s seen twice or"
                            " unexpected\n", e->number);
                    goto out;
                }
                l->recv[seq] = now;
                calls++;
            }
            if (rc > 0)
                progress = bu_ns();
        } while (rc == EVBATCH);
        if (bu_ns() - progress > (int64_t)STALL_MS * 1000000) {
            fprintf(stderr, "bench_pg: reader stalled: %d of %d calls,"
                    " %d finishes\n", calls, m, finishes);
            goto out;
        }
    }
    status = 0;
out:
    qh_feed_close(f);
    qh_store_close(s);
    free(dm);
    free(snap);
    free(evs);
    return status;
}

/* The bare writer: one statement, so one transaction, inserting the row
 * and notifying its number. */
static int raw_writer(int first, int m, int ready_fd, struct lat *l)
{
    PGconn *c = raw_connect("qhraw");
    PGresult *r;
    int status = 1;

    if (!c || read_byte(ready_fd) != 1)
        goto out;
    r = PQprepare(c, "ins",
                  "WITH i AS (INSERT INTO ev(seq, t_ns) VALUES ($1::integer,"
                  " $2::bigint) RETURNING seq)"
                  " SELECT pg_notify('" RAW_CHANNEL "', seq::text) FROM i", 2, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "bench_pg: prepare: %s", PQerrorMessage(c));
        PQclear(r);
        goto out;
    }
    PQclear(r);
    for (int i = 0; i < m; i++) {
        char seq[16], ns[24];
        const char *v[2] = { seq, ns };
        int64_t t0;

        sleep_us(GAP_US);
        t0 = bu_ns();
        snprintf(seq, sizeof seq, "%d", first + i);
        snprintf(ns, sizeof ns, "%lld", (long long)t0);
        r = PQexecPrepared(c, "ins", 2, v, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fprintf(stderr, "bench_pg: raw insert: %s", PQerrorMessage(c));
            PQclear(r);
            goto out;
        }
        PQclear(r);
        l->stamp[first + i] = t0;
    }
    status = 0;
out:
    PQfinish(c);
    return status;
}

/* The bare LISTENer: polls PQsocket, stamps each notification. */
static int raw_listener(int first, int m, int ready_fd, struct lat *l)
{
    PGconn *c = raw_connect("qhraw");
    int64_t progress;
    int got = 0, status = 1;

    if (!c || raw_exec(c, "LISTEN " RAW_CHANNEL) < 0 || write_byte(ready_fd) < 0)
        goto out;
    progress = bu_ns();
    while (got < m) {
        struct pollfd p = { .fd = PQsocket(c), .events = POLLIN };
        PGnotify *nt;

        while ((nt = PQnotifies(c))) {
            int64_t now = bu_ns();
            int seq = atoi(nt->extra);

            PQfreemem(nt);
            if (seq < first || seq >= first + m || l->count[seq]++ > 0) {
                fprintf(stderr, "bench_pg: notification %d seen twice or"
                        " unexpected\n", seq);
                goto out;
            }
            l->recv[seq] = now;
            got++;
            progress = now;
        }
        if (got >= m)
            break;
        if (poll(&p, 1, 1000) < 0 && errno != EINTR)
            goto out;
        if (!PQconsumeInput(c)) {
            fprintf(stderr, "bench_pg: listener: %s", PQerrorMessage(c));
            goto out;
        }
        if (bu_ns() - progress > (int64_t)STALL_MS * 1000000) {
            fprintf(stderr, "bench_pg: listener stalled at %d of %d\n", got, m);
            goto out;
        }
    }
    status = 0;
out:
    PQfinish(c);
    return status;
}

/* m tickets in queue A, numbers first..first+m-1, for the next round. */
static int issue_ahead(const char *uri, int first, int m)
{
    char err[QH_ERRLEN];
    struct qh_store *s = open_actor(uri, "kiosk");
    struct qh_issue_req req = { .queue = "A" };
    struct qh_ticket_row t;
    int rc = s ? 0 : -1;

    for (int i = 0; i < m && rc == 0; i++) {
        rc = qh_ticket_issue(s, &req, &t, NULL, err, sizeof err);
        if (rc >= 0 && t.seq != first + i)
            rc = qh_err(err, sizeof err, QH_E_STATE, "issued %s, not number %d",
                        t.number, first + i);
        if (rc < 0)
            fprintf(stderr, "bench_pg: issue: %s\n", err);
        rc = rc < 0 ? -1 : 0;
    }
    qh_store_close(s);
    return rc;
}

/* One round of one subject: reader and writer each in a process of its
 * own, numbers first..first+m-1; then every one must have arrived once. */
static int call_round(int qhall, const char *uri, int first, int m, struct lat *l)
{
    int ready[2], ok;
    pid_t rd, wr;

    if (qhall && issue_ahead(uri, first, m) < 0)
        return -1;
    if (pipe(ready) < 0)
        return -1;
    rd = bp_fork();
    if (rd == 0) {
        close(ready[0]);
        _exit(qhall ? call_reader(uri, first, m, ready[1], l)
                    : raw_listener(first, m, ready[1], l));
    }
    wr = bp_fork();
    if (wr == 0) {
        close(ready[1]);
        _exit(qhall ? call_writer(uri, first, m, ready[0], l)
                    : raw_writer(first, m, ready[0], l));
    }
    close(ready[0]);
    close(ready[1]);
    /* Both reaped, whatever the first says. */
    ok = reap(rd) == 0;
    ok = reap(wr) == 0 && ok;
    for (int i = first; ok && i < first + m; i++)
        if (l->count[i] != 1) {
            fprintf(stderr, "bench_pg: %s %d arrived %d times\n",
                    qhall ? "call" : "notification", i, l->count[i]);
            ok = 0;
        }
    return ok ? 0 : -1;
}

static int bench_call_display(void)
{
    char uri[PATH_MAX + 64], err[QH_ERRLEN];
    int n = getenv("QHALL_BENCH_N") ? atoi(getenv("QHALL_BENCH_N")) : 400;
    struct lat q, b;
    struct qh_store *s;
    size_t len;
    char *mem;
    int64_t *lq = NULL, *lb = NULL;
    int rc = -1;

    if (n < ROUNDS)
        n = 400;
    if (n > 9999)               /* numbers of one queue and day */
        n = 9999;
    len = (size_t)(n + 1) * (4 * sizeof(int64_t) + 2 * sizeof(int));
    if (!(mem = shm_new(len)))
        return -1;
    q.stamp = (int64_t *)(void *)mem;
    q.recv = q.stamp + n + 1;
    b.stamp = q.recv + n + 1;
    b.recv = b.stamp + n + 1;
    q.count = (int *)(void *)(b.recv + n + 1);
    b.count = q.count + n + 1;
    pg_uri(uri, sizeof uri, "qhb_display");
    if (bu_clock(NOW_CALLS) < 0 || !(s = bu_store_new(uri)))
        goto out;
    if (qh_staff_add(s, "s01", "王芳", "staff", PIN, err, sizeof err) < 0 ||
        qh_staff_login(s, 1, "s01", PIN, err, sizeof err) < 0) {
        fprintf(stderr, "bench_pg: login: %s\n", err);
        qh_store_close(s);
        goto out;
    }
    qh_store_close(s);
    /* Alternate in rounds (which goes first alternates too), so that load
     * from elsewhere on the machine falls on both alike. */
    for (int r = 0, done = 0; r < ROUNDS; r++) {
        int m = r < ROUNDS - 1 ? n / ROUNDS : n - done;

        for (int j = 0; j < 2; j++) {
            int qhall = (r + j) % 2 == 0;

            if (call_round(qhall, uri, done + 1, m, qhall ? &q : &b) < 0) {
                fprintf(stderr, "bench_pg: latency round %d failed (lost or"
                        " doubled?)\n", r + 1);
                goto out;
            }
        }
        done += m;
    }
    lq = calloc((size_t)n, sizeof *lq);
    lb = calloc((size_t)n, sizeof *lb);
    if (!lq || !lb)
        goto out;
    for (int i = 0; i < n; i++) {
        lq[i] = q.recv[i + 1] - q.stamp[i + 1];
        lb[i] = b.recv[i + 1] - b.stamp[i + 1];
    }
    double q50 = pct_us(lq, n, 50), q99 = pct_us(lq, n, 99);
    double b50 = pct_us(lb, n, 50), b99 = pct_us(lb, n, 99);
    fprintf(stderr, "bench_pg: %d calls in %d rounds, gap %d us; max call %.1f us,"
            " max notify %.1f us\n", n, ROUNDS, GAP_US, lq[n - 1] / 1000.0,
            lb[n - 1] / 1000.0);
    printf("bench: pg_call_to_display_p50 %.1f us\n", q50);
    printf("bench: pg_call_to_display_p99 %.1f us\n", q99);
    printf("bench: pg_baseline_insert_notify_p50 %.1f us\n", b50);
    printf("bench: pg_baseline_insert_notify_p99 %.1f us\n", b99);
    printf("bench: pg_call_to_display_p99_ratio %.2f x\n", b99 > 0 ? q99 / b99 : 0);
    fflush(stdout);
    rc = 0;
out:
    free(lq);
    free(lb);
    munmap(mem, len);
    return rc;
}

/* ---- 2. issue throughput, against BEGIN; INSERT; COMMIT ---- */

static const char *const items[] = { "XK001", "GG001", "XK002", "GG002" };
#define NITEMS ((int)(sizeof items / sizeof items[0]))

/* n issues; the elapsed ns, or -1; each latency into lat unless NULL. */
static int64_t issue_run(struct qh_store *s, int n, int64_t step_ms, int *cycle,
                         int64_t *lat)
{
    char err[QH_ERRLEN];
    int64_t t0 = bu_ns();

    for (int k = 0; k < n; k++) {
        struct qh_issue_req req = { .service = items[(*cycle)++ % NITEMS] };
        struct qh_ticket_row t;
        int64_t a;
        int rc;

        bu_clock_advance_ms(step_ms);
        a = bu_ns();
        rc = qh_ticket_issue(s, &req, &t, NULL, err, sizeof err);
        if (lat)
            lat[k] = bu_ns() - a;
        if (rc < 0) {
            fprintf(stderr, "bench_pg: issue %s: %s\n", req.service, err);
            return -1;
        }
    }
    return bu_ns() - t0;
}

static int raw_ok(PGconn *c, PGresult *r)
{
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

    if (!ok)
        fprintf(stderr, "bench_pg: raw: %s", PQerrorMessage(c));
    PQclear(r);
    return ok;
}

/* n transactions of one prepared one-row insert; the elapsed ns or -1. */
static int64_t raw_insert_run(PGconn *c, int n, int64_t *i)
{
    int64_t t0 = bu_ns();

    for (int k = 0; k < n; k++, (*i)++) {
        char a[24], b[16], cv[24];
        const char *v[3] = { a, b, cv };

        snprintf(a, sizeof a, "%lld", (long long)*i);
        snprintf(b, sizeof b, "A%03d", (int)(*i % 1000));
        snprintf(cv, sizeof cv, "%lld", (long long)qh_clock_now());
        if (!raw_ok(c, PQexec(c, "BEGIN")) ||
            !raw_ok(c, PQexecPrepared(c, "ins", 3, v, NULL, NULL, 0)) ||
            !raw_ok(c, PQexec(c, "COMMIT")))
            return -1;
    }
    return bu_ns() - t0;
}

static int bench_issue(void)
{
    char uri[PATH_MAX + 64];
    int n = bu_scaled(150, 10), cycle = 0, rc = -1;
    double ri[IROUNDS], rr[IROUNDS], ratio[IROUNDS];
    int64_t *lat = calloc((size_t)IROUNDS * (size_t)n, sizeof *lat), i = 0;
    int64_t step_ms = DAY_BUDGET_MS / ((int64_t)IROUNDS * n + WARMUP);
    struct qh_store *s = NULL;
    PGconn *c = NULL;
    PGresult *r;

    if (step_ms > 1000)
        step_ms = 1000;
    if (step_ms < 1)
        step_ms = 1;
    pg_uri(uri, sizeof uri, "qhb_issue");
    if (!lat || bu_clock(NOW_ISSUE) < 0 || !(s = bu_store_new(uri)) ||
        !(c = raw_connect("qhraw")))
        goto out;
    r = PQprepare(c, "ins", "INSERT INTO t(a, b, c) VALUES ($1::bigint, $2,"
                  " $3::bigint)", 3, NULL);
    if (!raw_ok(c, r))
        goto out;
    /* Warm the caches and the prepared statements. */
    if (issue_run(s, WARMUP, step_ms, &cycle, NULL) < 0 ||
        raw_insert_run(c, WARMUP, &i) < 0)
        goto out;
    for (int k = 0; k < IROUNDS; k++) {
        int64_t t[2];

        for (int j = 0; j < 2; j++) {
            int who = (k + j) % 2;

            t[who] = who == 0 ? issue_run(s, n, step_ms, &cycle, lat + (size_t)k * n)
                              : raw_insert_run(c, n, &i);
            if (t[who] < 0)
                goto out;
        }
        ri[k] = n / (t[0] / 1e9);
        rr[k] = n / (t[1] / 1e9);
        ratio[k] = ri[k] / rr[k];
        fprintf(stderr, "bench_pg: issue round %d: issue %.0f tx/s, raw %.0f tx/s\n",
                k + 1, ri[k], rr[k]);
    }
    printf("bench: pg_issue_tx_per_s %.0f tx/s\n", bu_median(ri, IROUNDS));
    printf("bench: pg_raw_insert_tx_per_s %.0f tx/s\n", bu_median(rr, IROUNDS));
    printf("bench: pg_issue_vs_raw_ratio %.3f x\n", bu_median(ratio, IROUNDS));
    printf("bench: pg_issue_latency_p99 %.1f us\n", pct_us(lat, IROUNDS * n, 99));
    fflush(stdout);
    rc = 0;
out:
    qh_store_close(s);
    PQfinish(c);
    free(lat);
    return rc;
}

/* ---- 3. 50 windows calling at once ---- */

struct wins {
    int cap, nlat;              /* nlat: slots taken (atomically) */
    int calls[NWIN + 1];        /* by window */
    int64_t lat[];              /* cap call latencies (ns) */
};

/* Odd windows call queue A, even ones A then B.  A hall needs a class C
 * queue and every queue called by a window: B is that queue here. */
static int hall_50(struct qh_hall_conf *c, char *err, size_t errlen)
{
    qh_conf_defaults(c);
    c->nqueues = 2;
    c->queues[1].klass = 'C';
    c->nwindows = NWIN;
    for (int i = 0; i < NWIN; i++) {
        struct qh_window_conf *w = &c->windows[i];

        memset(w, 0, sizeof *w);
        w->number = i + 1;
        snprintf(w->name, sizeof w->name, "%d号窗口", i + 1);
        snprintf(w->name_en, sizeof w->name_en, "Window %d", i + 1);
        w->nqueues = i % 2 ? 2 : 1;
        snprintf(w->queues[0], sizeof w->queues[0], "A");
        snprintf(w->queues[1], sizeof w->queues[1], "B");
    }
    return qh_conf_validate(c, "bench", err, errlen);
}

/* Staff s01..s50, all with one PIN hashed once: qh_staff_add would hash
 * it 50 times (argon2id, a tenth of a second each, much more on a loaded
 * machine) for nothing the run measures; the logins still verify it. */
static int add_staff(struct qh_store *s, char *err, size_t errlen)
{
    struct qh_staff_row st;
    int rc;

    memset(&st, 0, sizeof st);
    snprintf(st.role, sizeof st.role, "staff");
    st.pin_short = qh_auth_pin_short(PIN);
    if ((rc = qh_auth_hash(PIN, st.pin_hash, err, errlen)) < 0 ||
        (rc = qh_store_begin(s, err, errlen)) < 0)
        return rc;
    st.created_at = qh_store_now(s);
    for (int w = 1; w <= NWIN && rc >= 0; w++) {
        snprintf(st.id, sizeof st.id, "s%02d", w);
        snprintf(st.name, sizeof st.name, "职员%02d", w);
        rc = qh_store_staff_add(s, &st, err, errlen);
    }
    if (rc < 0) {
        qh_store_rollback(s);
        return rc;
    }
    return qh_store_commit(s, err, errlen);
}

/* One window: its staff member logs in, says ready, waits for the start
 * (the end of go_fd), then calls, starts and finishes until the queues
 * are empty. */
static int window_proc(const char *uri, int w, int ready_fd, int go_fd,
                       struct wins *sh)
{
    char err[QH_ERRLEN], actor[32], id[16];
    struct qh_store *s;
    struct qh_ticket_row t;
    int rc, calls = 0;

    snprintf(actor, sizeof actor, "counter:%d", w);
    snprintf(id, sizeof id, "s%02d", w);
    if (!(s = open_actor(uri, actor)))
        return 1;
    rc = qh_staff_login(s, w, id, PIN, err, sizeof err);
    /* Closed once said, so that the parent sees the end of the pipe if a
     * window dies before it is ready, instead of waiting for it. */
    if (rc < 0 || write_byte(ready_fd) < 0 || close(ready_fd) < 0 ||
        read_byte(go_fd) != 0) {
        fprintf(stderr, "bench_pg: window %d: %s\n", w, rc < 0 ? err : "no start");
        qh_store_close(s);
        return 1;
    }
    for (;;) {
        int64_t t0 = bu_ns();

        rc = qh_ticket_call_next(s, w, &t, err, sizeof err);
        if (rc == QH_E_EMPTY) {
            rc = 0;
            break;
        }
        if (rc < 0)
            break;
        int slot = __atomic_fetch_add(&sh->nlat, 1, __ATOMIC_RELAXED);
        if (slot < sh->cap)
            sh->lat[slot] = bu_ns() - t0;
        calls++;
        rc = qh_ticket_start(s, w, NULL, err, sizeof err);
        if (rc >= 0)
            rc = qh_ticket_finish(s, w, "done", NULL, NULL, err, sizeof err);
        if (rc < 0)
            break;
    }
    sh->calls[w] = calls;
    if (rc < 0)
        fprintf(stderr, "bench_pg: window %d: %s: %s\n", w, qh_strerror(rc), err);
    qh_store_close(s);
    return rc < 0;
}

/* Index of a ticket number of queue A or B (1..n each), or -1. */
static int ticket_index(const char *number, int n)
{
    int q = number[0] == 'A' ? 0 : number[0] == 'B' ? 1 : -1;
    int seq = q < 0 ? 0 : atoi(number + 1);

    return seq < 1 || seq > n ? -1 : q * (n + 1) + seq;
}

/* From the log: every ticket issued once and called once.  The double
 * calls into *doubles; 0, or -1 if the log could not be read or does not
 * add up. */
static int check_log(const char *uri, int n, int *doubles)
{
    char err[QH_ERRLEN];
    struct qh_store *s = open_actor(uri, "bench");
    struct qh_event_row *evs = calloc(256, sizeof *evs);
    int *issued = calloc(2 * (size_t)(n + 1), sizeof *issued);
    int *called = calloc(2 * (size_t)(n + 1), sizeof *called);
    int64_t after = 0;
    int rc = -1, k, nissued = 0, ncalled = 0, bad = 0;

    *doubles = 0;
    if (!s || !evs || !issued || !called)
        goto out;
    while ((k = qh_store_events_since(s, after, evs, 256, err, sizeof err)) > 0) {
        for (int i = 0; i < k; i++) {
            int is = strcmp(evs[i].type, "issued") == 0;
            int ix;

            after = evs[i].id;
            if (!is && strcmp(evs[i].type, "called") != 0)
                continue;
            if ((ix = ticket_index(evs[i].number, n)) < 0) {
                fprintf(stderr, "bench_pg: %s of unknown ticket %s\n",
                        evs[i].type, evs[i].number);
                bad++;
                continue;
            }
            if (is) {
                issued[ix]++;
                nissued++;
            } else {
                called[ix]++;
                ncalled++;
            }
        }
    }
    if (k < 0) {
        fprintf(stderr, "bench_pg: events: %s\n", err);
        goto out;
    }
    for (int i = 0; i < 2 * (n + 1); i++) {
        if (called[i] > 1)
            *doubles += called[i] - 1;
        if (issued[i] > 1 || called[i] != issued[i])
            bad++;
    }
    fprintf(stderr, "bench_pg: log: %d issued, %d called, %d tickets not called"
            " exactly once\n", nissued, ncalled, bad);
    rc = bad == 0 && nissued == n && ncalled == n ? 0 : -1;
out:
    qh_store_close(s);
    free(evs);
    free(issued);
    free(called);
    return rc;
}

static int bench_windows(void)
{
    char uri[PATH_MAX + 64], err[4096], busy[32];
    int n = bu_scaled(600, 100), ready[2], go[2], rc = -1, doubles = -1, ok = 1;
    size_t len = sizeof(struct wins) + (size_t)n * sizeof(int64_t);
    struct wins *sh = shm_new(len);
    struct qh_hall_conf *c = calloc(1, sizeof *c);
    struct qh_store *s = NULL;
    pid_t kids[NWIN];
    int64_t t0, t1;
    int na = 0, total = 0;

    if (!sh || !c)
        goto out;
    sh->cap = n;
    pg_uri(uri, sizeof uri, "qhb_windows");
    if (bu_clock(NOW_CALLS) < 0 || hall_50(c, err, sizeof err) < 0 ||
        qh_store_open(&s, uri, 0, err, sizeof err) < 0 ||
        qh_hall_init(s, c, 0, err, sizeof err) < 0) {
        fprintf(stderr, "bench_pg: 50 windows: %s\n", err);
        goto out;
    }
    if (add_staff(s, err, sizeof err) < 0) {
        fprintf(stderr, "bench_pg: staff: %s\n", err);
        goto out;
    }
    /* Two in three in queue A, which every window calls. */
    for (int i = 0; i < n; i++) {
        struct qh_issue_req req = { .queue = i % 3 == 2 ? "B" : "A" };

        if (qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err) < 0) {
            fprintf(stderr, "bench_pg: issue: %s\n", err);
            goto out;
        }
        na += i % 3 != 2;
    }
    qh_store_close(s);
    s = NULL;
    if (pipe(ready) < 0 || pipe(go) < 0)
        goto out;
    /* 50 windows calling flat out queue behind one writer lock: on a
     * loaded machine the last in line can wait past the default 10 s.
     * That would be a refusal (QH_E_BUSY), not a double call: allow for
     * it, so that the run measures the wait instead of ending. */
    snprintf(busy, sizeof busy, "%s", getenv("QHALL_BUSY_MS") ? getenv("QHALL_BUSY_MS") : "");
    setenv("QHALL_BUSY_MS", "120000", 1);
    for (int w = 1; w <= NWIN; w++) {
        kids[w - 1] = bp_fork();
        if (kids[w - 1] == 0) {
            close(ready[0]);
            close(go[1]);
            _exit(window_proc(uri, w, ready[1], go[0], sh));
        }
    }
    if (busy[0])
        setenv("QHALL_BUSY_MS", busy, 1);
    else
        unsetenv("QHALL_BUSY_MS");
    close(ready[1]);
    close(go[0]);
    t0 = bu_ns();
    for (int w = 0; w < NWIN; w++)
        if (read_byte(ready[0]) != 1)
            ok = 0;
    close(ready[0]);
    fprintf(stderr, "bench_pg: 50 windows logged in in %.2f s\n",
            (bu_ns() - t0) / 1e9);
    t0 = bu_ns();
    close(go[1]);               /* all start at once (or stop, if !ok) */
    for (int w = 0; w < NWIN; w++)
        if (reap(kids[w]) < 0)
            ok = 0;
    t1 = bu_ns();
    if (!ok) {
        fprintf(stderr, "bench_pg: a window process failed\n");
        goto out;
    }
    for (int w = 1; w <= NWIN; w++)
        total += sh->calls[w];
    rc = check_log(uri, n, &doubles);
    if (total != n || sh->nlat != n) {
        fprintf(stderr, "bench_pg: %d calls made for %d tickets\n", total, n);
        rc = -1;
    }
    fprintf(stderr, "bench_pg: %d windows, %d tickets (%d in A, %d in B),"
            " %.2f s\n", NWIN, n, na, n - na, (t1 - t0) / 1e9);
    printf("bench: pg_50win_call_p50 %.1f us\n", pct_us(sh->lat, n, 50));
    printf("bench: pg_50win_call_p99 %.1f us\n", pct_us(sh->lat, n, 99));
    printf("bench: pg_50win_calls_per_s %.0f calls/s\n", n / ((t1 - t0) / 1e9));
    printf("bench: pg_double_calls %d count\n", doubles);
    fflush(stdout);
    if (doubles != 0)
        rc = -1;
out:
    qh_store_close(s);
    free(c);
    if (sh)
        munmap(sh, len);
    return rc;
}

/* ---- 4. the same CLI day on SQLite and on PostgreSQL ---- */

/* "2026-11-25T09:00:00+08:00" plus sec seconds (within the day). */
static void day_time(char *out, size_t n, int sec)
{
    sec += 9 * 3600;
    snprintf(out, n, "2026-11-25T%02d:%02d:%02d+08:00", sec / 3600 % 24,
             sec / 60 % 60, sec % 60);
}

struct day {
    const char *db, *log, *pin;
    int failed;
};

/* qhall --db DB ARGS... at `sec` into the day; stdout to out (NULL:
 * nowhere).  Counts a failure. */
static void q(struct day *d, int sec, int pin, const char *out, ...)
{
    char now[40], *argv[16];
    int k = 0, rc;
    va_list ap;

    argv[k++] = QH_QHALL_BIN;
    argv[k++] = "--db";
    argv[k++] = (char *)d->db;
    va_start(ap, out);
    while (k < 15 && (argv[k] = va_arg(ap, char *)))
        k++;
    va_end(ap);
    argv[k] = NULL;
    day_time(now, sizeof now, sec);
    if (d->failed)
        return;
    rc = run(argv, pin ? d->pin : NULL, out, d->log, now);
    if (rc != 0) {
        char tail[1024];
        FILE *f = fopen(d->log, "r");
        size_t len = 0;

        /* The directory goes with the server: say what it said now. */
        if (f && fseek(f, -(long)(sizeof tail - 1), SEEK_END) < 0)
            rewind(f);
        if (f)
            len = fread(tail, 1, sizeof tail - 1, f);
        tail[len] = '\0';
        if (f)
            fclose(f);
        fprintf(stderr, "bench_pg: qhall --db %s %s %s: status %d:\n%s\n",
                d->db, argv[3], argv[4] ? argv[4] : "", rc, tail);
        d->failed = 1;
    }
}

/* The day; its wall time in s, or -1. */
static double cli_day(const char *db, const char *report, int cycles)
{
    static const char *const staff[CLI_WINDOWS] = { "w1", "w2", "w3", "w4", "w5" };
    char services[PATH_MAX], log[PATH_MAX], pin[PATH_MAX], w[8];
    struct day d = { db, log, pin, 0 };
    int64_t t0 = bu_ns();

    snprintf(services, sizeof services, "%s/assets/services.csv", QH_SOURCE_DIR);
    if (bu_path(log, sizeof log, g_top, "cli.log") < 0 ||
        bu_path(pin, sizeof pin, g_top, "pin") < 0)
        return -1;
    q(&d, -1200, 0, NULL, "init", NULL);
    q(&d, -1190, 0, NULL, "import", "services", services, NULL);
    for (int i = 0; i < CLI_WINDOWS; i++)
        q(&d, -1100 + i, 1, NULL, "staff", "add", staff[i], "--name", staff[i], NULL);
    for (int i = 0; i < CLI_WINDOWS; i++) {
        snprintf(w, sizeof w, "%d", i + 1);
        q(&d, -600 + i, 1, NULL, "login", "--window", w, "--staff", staff[i], NULL);
    }
    /* Windows 1-2 call A, 3-4 B, 5 C first: a number for the window whose
     * turn it is, so each call finds the one just issued. */
    for (int i = 0; i < cycles && !d.failed; i++) {
        int win = i % CLI_WINDOWS + 1, at = i * 30;

        snprintf(w, sizeof w, "%d", win);
        if (win <= 2)
            q(&d, at, 0, NULL, "issue", "--service", "XK001", NULL);
        else if (win <= 4)
            q(&d, at, 0, NULL, "issue", "--service", "GG001", NULL);
        else
            q(&d, at, 0, NULL, "issue", "--queue", "C", NULL);
        q(&d, at + 5, 0, NULL, "call", "--window", w, NULL);
        q(&d, at + 10, 0, NULL, "start", "--window", w, NULL);
        q(&d, at + 25, 0, NULL, "finish", "--window", w, "--outcome", "done", NULL);
    }
    q(&d, cycles * 30, 0, report, "report", "--format", "csv", NULL);
    fprintf(stderr, "bench_pg: CLI day on %s: %s after %.2f s\n",
            qh_store_is_server(db) ? "PostgreSQL" : "SQLite",
            d.failed ? "failed" : "done", (bu_ns() - t0) / 1e9);
    return d.failed ? -1 : (bu_ns() - t0) / 1e9;
}

static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
    int same = fa && fb;

    while (same) {
        int ca = getc(fa), cb = getc(fb);

        same = ca == cb;
        if (ca == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

static int bench_cli_day(void)
{
    char file[PATH_MAX], uri[PATH_MAX + 64], pin[PATH_MAX], ra[PATH_MAX], rb[PATH_MAX];
    int cycles = bu_scaled(40, 10);
    double ts, tp;
    FILE *f;

    pg_uri(uri, sizeof uri, "qhb_day");
    if (bu_path(file, sizeof file, g_top, "day.db") < 0 ||
        bu_path(pin, sizeof pin, g_top, "pin") < 0 ||
        bu_path(ra, sizeof ra, g_top, "report-sqlite.csv") < 0 ||
        bu_path(rb, sizeof rb, g_top, "report-pg.csv") < 0 || !(f = fopen(pin, "w")))
        return -1;
    fputs(PIN "\n", f);
    fclose(f);
    if ((ts = cli_day(file, ra, cycles)) < 0 || (tp = cli_day(uri, rb, cycles)) < 0)
        return -1;
    fprintf(stderr, "bench_pg: CLI day: %d cycles over %d windows, %d commands\n",
            cycles, CLI_WINDOWS, 3 + 2 * CLI_WINDOWS + 4 * cycles);
    printf("bench: pg_cli_day_sqlite_s %.2f s\n", ts);
    printf("bench: pg_cli_day_pg_s %.2f s\n", tp);
    printf("bench: pg_cli_day_pg_vs_sqlite_ratio %.2f x\n", ts > 0 ? tp / ts : 0);
    fflush(stdout);
    if (!same_file(ra, rb)) {
        fprintf(stderr, "bench_pg: the day's reports differ: %s %s\n", ra, rb);
        return -1;
    }
    bu_unlink_db(file);
    return 0;
}

/* Part k runs unless QHALL_BENCH_PART names another. */
static int part(int k)
{
    const char *v = getenv("QHALL_BENCH_PART");
    return !v || !*v || atoi(v) == k;
}

int main(void)
{
    int rc = 0;

    signal(SIGPIPE, SIG_IGN);
    if (server_start() < 0) {
        guard_end();
        return 1;
    }
    if (part(1) && bench_call_display() < 0)
        rc = 1;
    if (part(2) && bench_issue() < 0)
        rc = 1;
    if (part(3) && bench_windows() < 0)
        rc = 1;
    if (part(4) && bench_cli_day() < 0)
        rc = 1;
    guard_end();
    return rc;
}
