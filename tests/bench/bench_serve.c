/* bench_serve.c: `qhall serve` under the phones of a full hall, measured
 * from outside as phones see it.
 *
 * The hall is created through the core API with [web] per_ip_connections
 * = 0 (the same hall config `qhall init --config` stores), so that every
 * client may come from 127.0.0.1.  NCALLS + NSSE tickets are issued in
 * queue A; `qhall serve` runs on the file as a child process, and NSSE
 * clients (non-blocking sockets, one epoll, HTTP/1.1 with the chunked
 * body the server sends) each follow /t/TOKEN/events of one of the last
 * NSSE tickets, all waiting in the one queue, so each call changes every
 * page (people ahead).  Figures:
 *
 *  1. serve_idle_cpu_pct: utime+stime of the server from /proc/PID/stat
 *     over IDLE_S s with the streams open and nothing happening.
 *  2. serve_call_to_sse_p50/p99: NCALLS calls at window 1 through the
 *     core API in this process (qh_ticket_noshow of the previous one
 *     first, then quiet, then qh_ticket_call_next), stamped just before
 *     the call; for each client, the arrival of its first message whose
 *     id (the hall's last event) is at least the call's event.  Every
 *     client must get every call: exits 1 otherwise.  Goal p99 <= 50 ms.
 *  3. serve_page_p50/p99 and serve_healthz_p50/p99: GET /t/TOKEN and
 *     GET /healthz, each at RATE/s for LOAD_S s, interleaved, each over a
 *     fresh connection, from connect() to the whole response, while the
 *     streams stay open.
 *  4. serve_rss_kb, serve_hwm_kb: VmRSS and VmHWM of the server from
 *     /proc/PID/status at the end, the streams still open.  Goal RSS
 *     <= 64 MB.
 *
 * QHALL_BENCH_N sets the streams (500).  Prints `bench: NAME VALUE UNIT`;
 * asserts nothing but that every update reached every stream and no
 * stream or request failed (exit 1). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchutil.h"
#include "qh/ticket.h"
#include "rawwatch.h"

#ifndef QH_QHALL_BIN
#error "QH_QHALL_BIN must name the qhall program (tests/bench/CMakeLists.txt)"
#endif

#define NOW "2026-11-25T09:00:00+08:00"   /* a Wednesday, the hall open */

enum {
    NCALLS = 20,
    IDLE_S = 5,
    LOAD_S = 5,
    RATE = 100,                 /* requests a second, of each kind */
    QUIET_MS = 150,             /* no message this long: the server is done */
    WAIT_MS = 15000,            /* every stream updated within this, or lost */
    GOAL_P99_US = 50000,
    GOAL_RSS_KB = 64 * 1024,
};

enum ckind { K_SSE, K_PAGE, K_HEALTH };
enum cstate { S_CONNECTING, S_HEAD, S_BODY, S_DONE };

struct conn {
    enum ckind kind;
    enum cstate state;
    int fd, idx;
    char req[160];
    size_t reqlen, reqoff;
    char *raw;                  /* received, not yet consumed */
    size_t rlen, rcap;
    char *body;                 /* SSE: de-chunked, not yet parsed */
    size_t blen, bcap;
    int chunked, status;
    long clen;                  /* page: Content-Length, -1 unknown */
    long chunk_left;            /* bytes left in the current chunk */
    int chunk_crlf;             /* the CRLF after a chunk is due */
    int64_t t0;
    int nmsg, nbeat;            /* SSE: state messages, heartbeats */
    int64_t last_id;
    int got;                    /* SSE: got the current call */
};

struct bench {
    int ep;
    struct sockaddr_in addr;
    struct conn *sse;
    int nsse;
    /* the call being measured */
    int64_t call_t0, call_ev;
    int calling, got_now;
    int64_t *lat;
    int nlat;
    int64_t last_msg;           /* arrival of the latest state message */
    int extra;                  /* state messages outside a measured call */
    int failed;                 /* streams ended, bad answers */
    int starting;               /* the server may not listen yet: say nothing */
    /* page loads */
    int64_t *page_lat, *health_lat;
    int npage, nhealth, pending;
};

static int fail(struct bench *b, const char *what, const struct conn *c)
{
    if (b->failed++ < 5 && !b->starting)
        fprintf(stderr, "bench_serve: %s (%s #%d, status %d)\n", what,
                c->kind == K_SSE ? "stream" : c->kind == K_PAGE ? "page" : "healthz", c->idx,
                c->status);
    return -1;
}

static int grow(char **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 8192;
    while (n < need)
        n *= 2;
    char *q = realloc(*p, n);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

static int conn_start(struct bench *b, struct conn *c, enum ckind kind, int idx,
                      const char *path)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->idx = idx;
    c->clen = -1;
    c->reqlen = (size_t)snprintf(c->req, sizeof c->req,
                                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n", path,
                                 kind == K_SSE ? "Accept: text/event-stream\r\n"
                                               : "Connection: close\r\n");
    c->t0 = bu_ns();
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        perror("bench_serve: socket");
        return -1;
    }
    if (connect(c->fd, (struct sockaddr *)&b->addr, sizeof b->addr) < 0 &&
        errno != EINPROGRESS) {
        perror("bench_serve: connect");
        return -1;
    }
    struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.ptr = c };
    if (epoll_ctl(b->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        perror("bench_serve: epoll_ctl");
        return -1;
    }
    c->state = S_CONNECTING;
    return 0;
}

static void conn_close(struct bench *b, struct conn *c)
{
    if (c->fd >= 0) {
        epoll_ctl(b->ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    c->state = S_DONE;
    free(c->raw);
    free(c->body);
    c->raw = c->body = NULL;
    c->rlen = c->rcap = c->blen = c->bcap = 0;
}

static void consume(char *p, size_t *len, size_t n)
{
    memmove(p, p + n, *len - n);
    *len -= n;
}

/* The status line and headers, once they are all in: 1 parsed, 0 not
 * yet, -1 bad. */
static int parse_head(struct conn *c)
{
    char *end = memmem(c->raw, c->rlen, "\r\n\r\n", 4);
    if (!end)
        return 0;
    *end = '\0';
    if (sscanf(c->raw, "HTTP/1.%*d %d", &c->status) != 1)
        return -1;
    for (char *save = NULL, *l = strtok_r(c->raw, "\r\n", &save); l;
         l = strtok_r(NULL, "\r\n", &save)) {
        if (!strncasecmp(l, "Content-Length:", 15))
            c->clen = strtol(l + 15, NULL, 10);
        else if (!strncasecmp(l, "Transfer-Encoding:", 18) && strstr(l + 18, "chunked"))
            c->chunked = 1;
    }
    consume(c->raw, &c->rlen, (size_t)(end + 4 - c->raw));
    c->state = S_BODY;
    return 1;
}

/* Move what arrived of the chunked (or plain) body into c->body:
 * 0, 1 at the last chunk, -1 bad. */
static int dechunk(struct conn *c)
{
    size_t at = 0;
    int rc = 0;
    while (at < c->rlen) {
        if (!c->chunked) {
            if (grow(&c->body, &c->bcap, c->blen + c->rlen - at) < 0)
                return -1;
            memcpy(c->body + c->blen, c->raw + at, c->rlen - at);
            c->blen += c->rlen - at;
            at = c->rlen;
            break;
        }
        if (c->chunk_left > 0) {
            size_t n = c->rlen - at;
            if (n > (size_t)c->chunk_left)
                n = (size_t)c->chunk_left;
            if (grow(&c->body, &c->bcap, c->blen + n) < 0)
                return -1;
            memcpy(c->body + c->blen, c->raw + at, n);
            c->blen += n;
            c->chunk_left -= (long)n;
            at += n;
            if (!c->chunk_left)
                c->chunk_crlf = 1;
            continue;
        }
        if (c->chunk_crlf) {
            if (c->rlen - at < 2)
                break;
            if (memcmp(c->raw + at, "\r\n", 2))
                return -1;
            at += 2;
            c->chunk_crlf = 0;
            continue;
        }
        char *nl = memmem(c->raw + at, c->rlen - at, "\r\n", 2);
        if (!nl)
            break;
        char *e;
        long n = strtol(c->raw + at, &e, 16);
        if (e == c->raw + at || n < 0)
            return -1;
        at = (size_t)(nl + 2 - c->raw);
        if (n == 0) {
            rc = 1;
            break;
        }
        c->chunk_left = n;
    }
    consume(c->raw, &c->rlen, at);
    return rc;
}

/* One SSE message block (without its blank line). */
static void sse_block(struct bench *b, struct conn *c, char *blk, int64_t now)
{
    int state = 0, comment = 0;
    int64_t id = -1;
    for (char *save = NULL, *l = strtok_r(blk, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (l[0] == ':')
            comment = 1;
        else if (!strncmp(l, "id: ", 4))
            id = strtoll(l + 4, NULL, 10);
        else if (!strcmp(l, "event: state"))
            state = 1;
    }
    if (!state) {
        c->nbeat += comment;
        return;
    }
    c->nmsg++;
    c->last_id = id;
    b->last_msg = now;
    if (b->calling && !c->got && id >= b->call_ev) {
        c->got = 1;
        b->got_now++;
        b->lat[b->nlat++] = now - b->call_t0;
    } else if (c->nmsg > 1) {
        b->extra++;
    }
}

static int sse_parse(struct bench *b, struct conn *c, int64_t now)
{
    char *p = c->body, *end;
    size_t left = c->blen;
    while ((end = memmem(p, left, "\n\n", 2))) {
        *end = '\0';
        sse_block(b, c, p, now);
        left -= (size_t)(end + 2 - p);
        p = end + 2;
    }
    consume(c->body, &c->blen, c->blen - left);
    return 0;
}

static void page_done(struct bench *b, struct conn *c, int64_t now)
{
    if (c->status != 200) {
        fail(b, "request refused", c);
    } else if (c->kind == K_PAGE) {
        b->page_lat[b->npage++] = now - c->t0;
    } else {
        b->health_lat[b->nhealth++] = now - c->t0;
    }
    b->pending--;
    conn_close(b, c);
    free(c);
}

static void on_event(struct bench *b, struct conn *c, uint32_t evs)
{
    if (c->state == S_CONNECTING && (evs & (EPOLLOUT | EPOLLERR))) {
        int e = 0;
        socklen_t el = sizeof e;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el);
        if (e) {
            errno = e;
            fail(b, strerror(e), c);
            goto dead;
        }
        while (c->reqoff < c->reqlen) {
            ssize_t n = send(c->fd, c->req + c->reqoff, c->reqlen - c->reqoff, MSG_NOSIGNAL);
            if (n < 0 && errno == EAGAIN)
                return;
            if (n <= 0) {
                fail(b, "send", c);
                goto dead;
            }
            c->reqoff += (size_t)n;
        }
        struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
        epoll_ctl(b->ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->state = S_HEAD;
        return;
    }
    if (c->state == S_CONNECTING)
        return;
    int eof = 0;
    for (;;) {
        if (grow(&c->raw, &c->rcap, c->rlen + 16384) < 0) {
            fail(b, "out of memory", c);
            goto dead;
        }
        ssize_t n = recv(c->fd, c->raw + c->rlen, c->rcap - c->rlen, 0);
        if (n > 0) {
            c->rlen += (size_t)n;
            continue;
        }
        if (n == 0)
            eof = 1;
        else if (errno != EAGAIN && errno != EINTR)
            eof = 1;
        if (n < 0 && errno == EINTR)
            continue;
        break;
    }
    int64_t now = bu_ns();
    if (c->state == S_HEAD) {
        int rc = parse_head(c);
        if (rc < 0 || (rc > 0 && c->status != 200)) {
            fail(b, "bad answer", c);
            goto dead;
        }
    }
    if (c->state == S_BODY) {
        if (c->kind == K_SSE) {
            int rc = dechunk(c);
            if (rc != 0) {
                fail(b, rc > 0 ? "stream ended" : "bad chunk", c);
                goto dead;
            }
            sse_parse(b, c, now);
        } else if (c->clen >= 0 && c->rlen >= (size_t)c->clen) {
            page_done(b, c, now);
            return;
        } else if (eof && c->clen < 0) {
            page_done(b, c, now);
            return;
        }
    }
    if (eof) {
        fail(b, c->kind == K_SSE ? "stream closed by the server" : "connection closed early", c);
        goto dead;
    }
    return;
dead:
    if (c->kind == K_SSE) {
        conn_close(b, c);
    } else {
        b->pending--;
        conn_close(b, c);
        free(c);
    }
}

/* Wait up to ms for sockets and handle what came. */
static void pump(struct bench *b, int ms)
{
    struct epoll_event evs[256];
    int n = epoll_wait(b->ep, evs, 256, ms);
    for (int i = 0; i < n; i++)
        on_event(b, evs[i].data.ptr, evs[i].events);
}

static void pump_for(struct bench *b, int64_t ns)
{
    int64_t end = bu_ns() + ns;
    for (int64_t now; (now = bu_ns()) < end;)
        pump(b, (int)((end - now) / 1000000) + 1);
}

/* Until no state message came for QUIET_MS (at most WAIT_MS). */
static void pump_quiet(struct bench *b)
{
    int64_t start = bu_ns();
    b->last_msg = start;
    while (bu_ns() - b->last_msg < QUIET_MS * 1000000LL &&
           bu_ns() - start < WAIT_MS * 1000000LL)
        pump(b, 10);
}

static int open_streams(struct bench *b, char (*tokens)[24])
{
    int64_t start = bu_ns();
    for (int i = 0; i < b->nsse; i++) {
        char path[64];
        snprintf(path, sizeof path, "/t/%s/events", tokens[i]);
        if (conn_start(b, &b->sse[i], K_SSE, i, path) < 0)
            return -1;
        if (i % 50 == 49)
            pump(b, 0);
    }
    for (;;) {
        int ready = 0;
        for (int i = 0; i < b->nsse; i++)
            ready += b->sse[i].nmsg > 0;
        if (ready == b->nsse)
            break;
        if (bu_ns() - start > WAIT_MS * 1000000LL || b->failed) {
            fprintf(stderr, "bench_serve: %d of %d streams got their first message\n", ready,
                    b->nsse);
            return -1;
        }
        pump(b, 10);
    }
    fprintf(stderr, "bench_serve: %d streams open in %.0f ms\n", b->nsse,
            (bu_ns() - start) / 1e6);
    return 0;
}

static int free_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &al) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static pid_t start_server(const char *db, const char *addr, const char *logp)
{
    fflush(NULL);
    pid_t p = fork();
    if (p == 0) {
        int fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = open("/dev/null", O_RDONLY);
        if (fd < 0 || in < 0 || dup2(in, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(126);
        char *argv[] = { QH_QHALL_BIN, "--db", (char *)db, "serve", "--allow-root", "--listen",
                         (char *)addr, NULL };
        execv(argv[0], argv);
        _exit(127);
    }
    return p;
}

static void show_log(const char *logp)
{
    char line[512];
    FILE *f = fopen(logp, "r");
    while (f && fgets(line, sizeof line, f))
        fprintf(stderr, "  serve: %s", line);
    if (f)
        fclose(f);
}

/* /healthz answers (the server listens), within 10 s. */
static int wait_healthy(struct bench *b, pid_t pid)
{
    for (int i = 0; i < 200; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return -1;
        struct conn *c = malloc(sizeof *c);
        if (!c)
            return -1;
        int failed = b->failed, n = b->nhealth;
        b->starting = 1;
        if (conn_start(b, c, K_HEALTH, -1, "/healthz") < 0) {
            /* not listening yet */
            conn_close(b, c);
            free(c);
            b->starting = 0;
            sleep_us(50000);
            continue;
        }
        b->pending++;
        for (int64_t end = bu_ns() + 1000000000LL; b->pending && bu_ns() < end;)
            pump(b, 10);
        if (b->nhealth > n) {
            b->starting = 0;
            b->nhealth = 0;
            return 0;
        }
        b->starting = 0;
        if (b->pending)
            return -1;
        b->failed = failed;     /* not listening yet */
        sleep_us(50000);
    }
    return -1;
}

/* Page loads and /healthz, each at RATE/s for LOAD_S s, interleaved. */
static int load_pages(struct bench *b, char (*tokens)[24])
{
    int n = RATE * LOAD_S;
    int64_t start = bu_ns(), step = 1000000000LL / RATE;
    for (int i = 0; i < 2 * n;) {
        int64_t due = start + (i / 2) * step + (i % 2) * (step / 2), now = bu_ns();
        if (now < due) {
            pump(b, (int)((due - now) / 1000000));
            continue;
        }
        char path[64];
        struct conn *c = malloc(sizeof *c);
        if (i % 2 == 0)
            snprintf(path, sizeof path, "/t/%s", tokens[(i / 2 * 7) % b->nsse]);
        else
            snprintf(path, sizeof path, "/healthz");
        if (!c || conn_start(b, c, i % 2 ? K_HEALTH : K_PAGE, i / 2, path) < 0) {
            free(c);
            return -1;
        }
        b->pending++;
        i++;
    }
    for (int64_t end = bu_ns() + WAIT_MS * 1000000LL; b->pending && bu_ns() < end;)
        pump(b, 10);
    if (b->pending || b->npage != n || b->nhealth != n) {
        fprintf(stderr, "bench_serve: %d of %d pages, %d of %d healthz answered\n", b->npage, n,
                b->nhealth, n);
        return -1;
    }
    return 0;
}

static int calls(struct bench *b, struct qh_store *s, char (*called)[QH_NUMBER_LEN])
{
    char err[QH_ERRLEN];
    struct qh_ticket_row t;
    double first[NCALLS], last[NCALLS];
    for (int k = 0; k < NCALLS; k++) {
        if (k > 0 && qh_ticket_noshow(s, 1, &t, err, sizeof err) < 0) {
            fprintf(stderr, "bench_serve: noshow: %s\n", err);
            return -1;
        }
        pump_quiet(b);
        for (int i = 0; i < b->nsse; i++)
            b->sse[i].got = 0;
        b->got_now = 0;
        b->call_t0 = bu_ns();
        if (qh_ticket_call_next(s, 1, &t, err, sizeof err) < 0 ||
            qh_store_last_event_id(s, &b->call_ev, err, sizeof err) < 0) {
            fprintf(stderr, "bench_serve: call: %s\n", err);
            return -1;
        }
        if (strcmp(t.number, called[k])) {
            fprintf(stderr, "bench_serve: called %s, not %s\n", t.number, called[k]);
            return -1;
        }
        b->calling = 1;
        int from = b->nlat;
        int64_t end = b->call_t0 + WAIT_MS * 1000000LL;
        while (b->got_now < b->nsse && bu_ns() < end && !b->failed)
            pump(b, 10);
        b->calling = 0;
        if (b->got_now < b->nsse)
            fprintf(stderr, "bench_serve: call %d (%s): %d of %d streams updated\n", k + 1,
                    t.number, b->got_now, b->nsse);
        /* Arrivals are in order: the first stream shows the feed's delay,
         * the spread to the last the server's work per stream. */
        first[k] = from < b->nlat ? b->lat[from] / 1e6 : 0;
        last[k] = from < b->nlat ? b->lat[b->nlat - 1] / 1e6 : 0;
    }
    fprintf(stderr, "bench_serve: call to first stream median %.1f ms, to last %.1f ms\n",
            bu_median(first, NCALLS), bu_median(last, NCALLS));
    return 0;
}

int main(void)
{
    char dir[512], path[PATH_MAX], logp[PATH_MAX], err[QH_ERRLEN], addr[32];
    int nsse = bu_scaled(getenv("QHALL_BENCH_N") ? atoi(getenv("QHALL_BENCH_N")) : 500, 10);
    char (*tokens)[24] = calloc((size_t)nsse, sizeof *tokens);
    char (*called)[QH_NUMBER_LEN] = calloc(NCALLS, sizeof *called);
    struct bench b = { .nsse = nsse, .ep = -1 };
    int ok = 0;
    pid_t pid = -1;
    b.sse = calloc((size_t)nsse, sizeof *b.sse);
    for (int i = 0; b.sse && i < nsse; i++)
        b.sse[i].fd = -1;
    b.lat = calloc((size_t)nsse * NCALLS, sizeof *b.lat);
    b.page_lat = calloc(RATE * LOAD_S, sizeof *b.page_lat);
    b.health_lat = calloc(RATE * LOAD_S + 1, sizeof *b.health_lat);
    if (!tokens || !called || !b.sse || !b.lat || !b.page_lat || !b.health_lat ||
        bu_tmpdir(dir, sizeof dir, "serve") < 0 || bu_path(path, sizeof path, dir, "serve.db") < 0 ||
        bu_path(logp, sizeof logp, dir, "serve.log") < 0)
        return 1;
    signal(SIGPIPE, SIG_IGN);
    /* Every stream is a descriptor, here and in the server. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    /* The server inherits the clock: the tickets are of its today. */
    setenv("QHALL_NOW", NOW, 1);

    struct qh_hall_conf hall;
    qh_conf_defaults(&hall);
    hall.web.per_ip_connections = 0;    /* all the phones come from 127.0.0.1 */
    struct qh_store *s = bu_store_new_conf(path, &hall);
    if (!s)
        goto out;
    for (int i = 0; i < NCALLS + nsse; i++) {
        struct qh_issue_req req = { .queue = "A" };
        struct qh_ticket_row t;
        struct qh_issue_info info;
        if (qh_ticket_issue(s, &req, &t, &info, err, sizeof err) < 0) {
            fprintf(stderr, "bench_serve: issue: %s\n", err);
            goto out;
        }
        if (i < NCALLS)
            snprintf(called[i], sizeof called[i], "%s", t.number);
        else
            snprintf(tokens[i - NCALLS], sizeof tokens[0], "%s", info.token);
    }

    int port = free_port();
    snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
    b.addr = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (port < 0 || (b.ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
        (pid = start_server(path, addr, logp)) < 0)
        goto out;
    if (wait_healthy(&b, pid) < 0) {
        fprintf(stderr, "bench_serve: the server does not answer on %s\n", addr);
        show_log(logp);
        goto out;
    }
    if (open_streams(&b, tokens) < 0)
        goto out;

    /* 1. idle */
    pump_for(&b, 1000000000LL);
    long long c0 = bu_proc_cpu_ticks(pid);
    int64_t w0 = bu_ns();
    pump_for(&b, IDLE_S * 1000000000LL);
    long long c1 = bu_proc_cpu_ticks(pid);
    double idle_pct = (double)(c1 - c0) / (double)sysconf(_SC_CLK_TCK) /
                      ((bu_ns() - w0) / 1e9) * 100;

    /* 2. calls */
    b.extra = 0;
    if (calls(&b, s, called) < 0)
        goto out;
    int extra = b.extra;
    pump_quiet(&b);

    /* 3. page loads beside the streams */
    if (load_pages(&b, tokens) < 0)
        goto out;

    /* 4. memory, the streams still open */
    long rss, hwm;
    if ((rss = bu_proc_status_kb(pid, "VmRSS")) < 0 || (hwm = bu_proc_status_kb(pid, "VmHWM")) < 0)
        goto out;
    int nopen = 0, beats = 0;
    for (int i = 0; i < nsse; i++) {
        nopen += b.sse[i].state == S_BODY;
        beats += b.sse[i].nbeat;
    }

    int expected = nsse * NCALLS, delivered = b.nlat;
    fprintf(stderr,
            "bench_serve: %d streams (%d still open), %d calls, %d other state messages,"
            " %d heartbeats, synchronous=%s\n",
            nsse, nopen, NCALLS, extra, beats, sync_normal() ? "NORMAL" : "FULL");
    printf("bench: serve_sse_streams %d count\n", nsse);
    printf("bench: serve_sse_delivered %d count\n", delivered);
    printf("bench: serve_sse_expected %d count\n", expected);
    printf("bench: serve_call_to_sse_p50 %.1f us\n", bu_pct_i64(b.lat, delivered, 50) / 1000.0);
    int64_t p99 = bu_pct_i64(b.lat, delivered, 99);
    printf("bench: serve_call_to_sse_p99 %.1f us\n", p99 / 1000.0);
    fprintf(stderr, "bench_serve: goal call_to_sse p99 <= %d us: %s\n", GOAL_P99_US,
            p99 / 1000 <= GOAL_P99_US ? "met" : "NOT met");
    printf("bench: serve_page_p50 %.1f us\n", bu_pct_i64(b.page_lat, b.npage, 50) / 1000.0);
    printf("bench: serve_page_p99 %.1f us\n", bu_pct_i64(b.page_lat, b.npage, 99) / 1000.0);
    printf("bench: serve_healthz_p50 %.1f us\n",
           bu_pct_i64(b.health_lat, b.nhealth, 50) / 1000.0);
    printf("bench: serve_healthz_p99 %.1f us\n",
           bu_pct_i64(b.health_lat, b.nhealth, 99) / 1000.0);
    printf("bench: serve_rss_kb %ld kB\n", rss);
    printf("bench: serve_hwm_kb %ld kB\n", hwm);
    fprintf(stderr, "bench_serve: goal RSS <= %d kB: %s\n", GOAL_RSS_KB,
            rss <= GOAL_RSS_KB ? "met" : "NOT met");
    printf("bench: serve_idle_cpu_pct %.2f %%\n", idle_pct);
    if (delivered != expected)
        fprintf(stderr, "bench_serve: FAIL: %d of %d updates reached their streams\n", delivered,
                expected);
    else if (nopen != nsse || b.failed)
        fprintf(stderr, "bench_serve: FAIL: %d streams ended, %d failures\n", nsse - nopen,
                b.failed);
    else
        ok = 1;
out:
    if (pid > 0) {
        int st;
        kill(pid, SIGTERM);
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    if (!ok) {
        fprintf(stderr, "bench_serve: run failed\n");
        if (pid > 0)
            show_log(logp);
    }
    for (int i = 0; b.sse && i < nsse; i++)
        conn_close(&b, &b.sse[i]);
    if (b.ep >= 0)
        close(b.ep);
    qh_store_close(s);
    bu_unlink_db(path);
    unlink(logp);
    rmdir(dir);
    free(tokens);
    free(called);
    free(b.sse);
    free(b.lat);
    free(b.page_lat);
    free(b.health_lat);
    return ok ? 0 : 1;
}
