/* bench_call.c: does a year of history slow down calling the next number?
 *
 * The store keeps waiting tickets in partial indexes so that calling the
 * next number should cost the same with a year of history as on the first
 * morning.  This measures qh_ticket_call_next() on two databases in the
 * same run:
 *
 *   empty   the default hall and catalogue, no history, a few tickets
 *           waiting (topped up through the library between rounds);
 *   loaded  the same hall with 1,000,000 finished or expired tickets over
 *           250 past days (4 or 2 events each, numbers and ids
 *           consistent, so qh_store_check passes) and 10,000 tickets
 *           waiting today in queues A/B/C.
 *
 * The history is bulk-inserted with raw SQL into a file the store created
 * (so the schema is exactly store.c's), in big transactions with
 * synchronous and the journal off; nothing is cached between runs.  Both
 * stores' `day` setting is today's (qh_hall_init ran on today's clock), so
 * no rollover runs inside the measurement.
 *
 * Each sample is one call_next at window 1 (queue A), timed alone; a
 * no-show (untimed) frees the window again.  Rounds alternate between the
 * two databases (which goes first alternates too) and percentiles are
 * taken over all samples of a database.  The setup, including the top-up
 * issues between rounds, runs at QHALL_SYNC=normal on its own connection;
 * the timing runs on a second connection at the default synchronous=FULL
 * (the required lines) and again at NORMAL (`_normal` lines), where the
 * fsync no longer hides the CPU cost of the lookups.
 *
 * QHALL_BENCH_SCALE scales the calls per database; QHALL_BENCH_CHECK=1
 * also runs qh_store_check on the loaded database (slow) and reports the
 * problem count on stderr.  Prints `bench: NAME VALUE UNIT` lines and
 * asserts nothing; exits 1 only if it could not run. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "benchutil.h"

enum {
    ROUNDS = 5,
    WINDOW = 1,                 /* calls queue A only */
    KEEP = 50,                  /* waiting left after a round (empty db) */
    WARMUP = 20,
    HIST_DAYS = 250,
    HIST_TICKETS = 1000000,
    TODAY_WAITING = 10000,
    DAY_BATCH = 25,             /* days per bulk transaction */
};

#define TODAY_SETUP "2026-11-25T07:30:00+08:00"   /* a Wednesday */
#define TODAY_CALLS "2026-11-25T10:00:00+08:00"
#define CALL_BUDGET_MS (7LL * 3600 * 1000)         /* 10:00 to 17:00 */

static const char *const qcodes[3] = { "A", "B", "C" };
static const char *const svc[3][3] = {
    { "XK001", "XK002", "XK003" }, { "GG001", "GG002", "GG003" },
    { "", "", "" },
};

/* ---- bulk load ---- */

struct ev {
    int64_t at, ticket;
    int ord;                    /* position in the lifecycle: ties by time */
    int win;
    char type[12];
    char number[QH_NUMBER_LEN];
    char queue[QH_CODE_LEN];
    char staff[8];
    char detail[96];
};

struct load {
    sqlite3 *db;
    sqlite3_stmt *ticket, *event, *link;
    struct ev *evs;
    int nev, cap;
    int ntickets;
};

static int ev_cmp(const void *a, const void *b)
{
    const struct ev *x = a, *y = b;

    if (x->at != y->at)
        return (x->at > y->at) - (x->at < y->at);
    if (x->ticket != y->ticket)
        return (x->ticket > y->ticket) - (x->ticket < y->ticket);
    return x->ord - y->ord;
}

static int load_fail(struct load *l, const char *what)
{
    fprintf(stderr, "bench_call: %s: %s\n", what, sqlite3_errmsg(l->db));
    return -1;
}

static int step_done(struct load *l, sqlite3_stmt *st, const char *what)
{
    int src = sqlite3_step(st);

    sqlite3_reset(st);
    return src == SQLITE_DONE ? 0 : load_fail(l, what);
}

static struct ev *ev_new(struct load *l, const char *type, int64_t at,
                         int64_t ticket, const char *number, const char *queue,
                         int win, const char *staff, int ord)
{
    struct ev *e;

    if (l->nev == l->cap) {
        int cap = l->cap ? l->cap * 2 : 65536;
        struct ev *n = realloc(l->evs, (size_t)cap * sizeof *n);

        if (!n)
            return NULL;
        l->evs = n;
        l->cap = cap;
    }
    e = &l->evs[l->nev++];
    memset(e, 0, sizeof *e);
    e->at = at;
    e->ticket = ticket;
    e->ord = ord;
    e->win = win;
    snprintf(e->type, sizeof e->type, "%s", type);
    snprintf(e->number, sizeof e->number, "%s", number);
    snprintf(e->queue, sizeof e->queue, "%s", queue);
    snprintf(e->staff, sizeof e->staff, "%s", staff);
    return e;
}

/* Write the buffered events in time order (event ids are chronological,
 * as when the library appends them). */
static int ev_flush(struct load *l)
{
    qsort(l->evs, (size_t)l->nev, sizeof *l->evs, ev_cmp);
    for (int i = 0; i < l->nev; i++) {
        const struct ev *e = &l->evs[i];
        sqlite3_stmt *st = l->event;

        sqlite3_bind_int64(st, 1, e->at);
        sqlite3_bind_text(st, 2, e->type, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, e->ticket);
        sqlite3_bind_text(st, 4, e->number, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, e->queue, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 6, e->win);
        sqlite3_bind_text(st, 7, e->staff, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, e->detail, -1, SQLITE_STATIC);
        if (step_done(l, st, "event") < 0)
            return -1;
        /* A ticket links its issued event, as the store writes it. */
        if (!strcmp(e->type, "issued")) {
            sqlite3_bind_int64(l->link, 1, sqlite3_last_insert_rowid(l->db));
            sqlite3_bind_int64(l->link, 2, e->ticket);
            if (step_done(l, l->link, "link") < 0)
                return -1;
        }
    }
    l->nev = 0;
    return 0;
}

struct tk {
    const char *day;
    char number[QH_NUMBER_LEN];
    int seq, q, state, win;
    const char *service, *staff, *outcome;
    int64_t issued, called, started, finished;
};

/* The ticket, at the id its number packs to (the store's migration 5);
 * its id, or -1. */
static int64_t ticket_put(struct load *l, const struct tk *t)
{
    sqlite3_stmt *st = l->ticket;

    sqlite3_bind_text(st, 2, t->day, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, t->number, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, t->seq);
    sqlite3_bind_text(st, 5, qcodes[t->q], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, t->service, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, t->state);
    sqlite3_bind_int64(st, 8, t->issued);
    sqlite3_bind_int64(st, 9, t->called);
    sqlite3_bind_int64(st, 10, t->started);
    sqlite3_bind_int64(st, 11, t->finished);
    sqlite3_bind_int(st, 12, t->win);
    sqlite3_bind_text(st, 13, t->staff, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 14, t->outcome, -1, SQLITE_STATIC);
    if (step_done(l, st, "ticket") < 0)
        return -1;
    l->ntickets++;
    return sqlite3_last_insert_rowid(l->db);
}

/* `n` tickets of one day in queues A/B/C in turn.  today: all waiting,
 * issued from `from` at `gap` ms; otherwise one in 20 expired (issued,
 * expired) and the rest finished (issued, called, started, finished). */
static int load_day(struct load *l, const char *day, int64_t from,
                    int64_t gap, int n, int today, int64_t next_day)
{
    int seqs[3] = { 0, 0, 0 };

    for (int i = 0; i < n; i++) {
        struct tk t;
        struct ev *e;
        int64_t id;

        memset(&t, 0, sizeof t);
        t.day = day;
        t.q = i % 3;
        t.seq = ++seqs[t.q];
        snprintf(t.number, sizeof t.number, t.seq > 999 ? "%s%04d" : "%s%03d",
                 qcodes[t.q], t.seq);
        t.service = svc[t.q][(i / 3) % 3];
        t.staff = "";
        t.outcome = "";
        t.issued = from + i * gap;
        if (today) {
            t.state = QH_TICKET_WAITING;
        } else if (i % 20 == 19) {
            t.state = QH_TICKET_EXPIRED;
        } else {
            t.state = QH_TICKET_FINISHED;
            t.win = t.q == 2 ? 5 : t.q * 2 + 1 + i % 2;
            t.staff = t.win % 2 ? "s01" : "s02";
            t.outcome = "done";
            t.called = t.issued + 60000 * (5 + i % 20);
            t.started = t.called + 30000;
            t.finished = t.started + 60000 * (3 + i % 10);
        }
        if ((id = ticket_put(l, &t)) < 0)
            return -1;
        e = ev_new(l, "issued", t.issued, id, t.number, qcodes[t.q], 0, "", 0);
        if (!e)
            return -1;
        if (t.service[0])
            snprintf(e->detail, sizeof e->detail,
                     "{\"via\":\"kiosk\",\"service\":\"%s\"}", t.service);
        else
            snprintf(e->detail, sizeof e->detail, "{\"via\":\"kiosk\"}");
        if (t.state == QH_TICKET_EXPIRED) {
            e = ev_new(l, "expired", next_day, id, t.number, qcodes[t.q], 0,
                       "", 1);
            if (!e)
                return -1;
            snprintf(e->detail, sizeof e->detail,
                     "{\"day\":\"%s\",\"from\":\"waiting\",\"via\":\"kiosk\"}",
                     day);
        } else if (t.state == QH_TICKET_FINISHED) {
            char via[16];

            snprintf(via, sizeof via, "counter:%d", t.win);
            e = ev_new(l, "called", t.called, id, t.number, qcodes[t.q],
                       t.win, t.staff, 1);
            if (!e)
                return -1;
            snprintf(e->detail, sizeof e->detail,
                     "{\"via\":\"%s\",\"waited_s\":%lld}", via,
                     (long long)((t.called - t.issued) / 1000));
            e = ev_new(l, "started", t.started, id, t.number, qcodes[t.q],
                       t.win, t.staff, 2);
            if (!e)
                return -1;
            snprintf(e->detail, sizeof e->detail, "{\"via\":\"%s\"}", via);
            e = ev_new(l, "finished", t.finished, id, t.number, qcodes[t.q],
                       t.win, t.staff, 3);
            if (!e)
                return -1;
            snprintf(e->detail, sizeof e->detail,
                     "{\"via\":\"%s\",\"outcome\":\"done\"}", via);
        }
    }
    return 0;
}

static int exec(struct load *l, const char *sql)
{
    return sqlite3_exec(l->db, sql, NULL, NULL, NULL) == SQLITE_OK
               ? 0 : load_fail(l, sql);
}

/* Fill a store-created file (no connection open on it) with the history
 * and today's waiting tickets. */
static int load_history(const char *path, const char *tz)
{
    struct load l;
    int64_t today0, t0 = bu_ns();
    char today[11];
    int status = -1, per_day = HIST_TICKETS / HIST_DAYS;

    memset(&l, 0, sizeof l);
    qh_clock_day(tz, qh_clock_now(), today);
    if (qh_clock_day_start(tz, today, &today0) < 0) {
        fprintf(stderr, "bench_call: day start of %s\n", today);
        return -1;
    }
    if (sqlite3_open(path, &l.db) != SQLITE_OK) {
        load_fail(&l, path);
        goto out;
    }
    /* A throw-away file: no journal, no syncs, a big cache; WAL again
     * (as the store wants it) at the end. */
    if (exec(&l, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                 " PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY") < 0)
        goto out;
    if (sqlite3_prepare_v2(l.db,
            "INSERT INTO ticket(id, day, number, seq, queue, service, state,"
            " green, issued_at, virtual_at, prio, called_at, started_at,"
            " finished_at, win, target_window, staff, recalls, outcome, rated,"
            " appointment, origin, lane) VALUES ("
            BU_TICKET_ID_SQL("?2", "?5", "?4") ", ?2, ?3, ?4, ?5, ?6, ?7, '',"
            " ?8, ?8, 1, ?9, ?10, ?11, ?12, 0, ?13, 0, ?14, 0, NULL, ?5,"
            " ?7 <> 0)",
            -1, &l.ticket, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(l.db,
            "INSERT INTO event(at, type, ticket, number, queue, win, staff,"
            " detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            -1, &l.event, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(l.db,
            "UPDATE ticket SET issued_event = ?1 WHERE id = ?2",
            -1, &l.link, NULL) != SQLITE_OK) {
        load_fail(&l, "prepare");
        goto out;
    }
    for (int d = HIST_DAYS; d >= 1; d--) {
        char day[11];
        int64_t start, next;

        /* Asia/Shanghai has no DST: 24 h steps land on the right days. */
        qh_clock_day(tz, today0 - (int64_t)d * 86400000 + 43200000, day);
        if (qh_clock_day_start(tz, day, &start) < 0)
            goto out;
        next = start + 86400000 + 8 * 3600000;   /* next day's first write */
        if (d % DAY_BATCH == 0 && exec(&l, "BEGIN") < 0)
            goto out;
        /* 08:30 to 17:00. */
        if (load_day(&l, day, start + 510 * 60000, 30600000 / per_day,
                     per_day, 0, next) < 0 || ev_flush(&l) < 0)
            goto out;
        if ((d - 1) % DAY_BATCH == 0) {
            if (exec(&l, "COMMIT") < 0)
                goto out;
            fprintf(stderr, "bench_call: history %d/%d days, %.1f s\n",
                    HIST_DAYS - d + 1, HIST_DAYS, (bu_ns() - t0) / 1e9);
        }
    }
    /* Today: waiting from 08:00, before the calls start at 10:00. */
    if (exec(&l, "BEGIN") < 0 ||
        load_day(&l, today, today0 + 8 * 3600000, 7200000 / TODAY_WAITING,
                 TODAY_WAITING, 1, 0) < 0 || ev_flush(&l) < 0 ||
        exec(&l, BU_WAITING_FIX_SQL) < 0 || exec(&l, "COMMIT") < 0)
        goto out;
    if (exec(&l, "PRAGMA journal_mode = WAL") < 0)
        goto out;
    fprintf(stderr, "bench_call: loaded %d tickets in %.1f s\n",
            l.ntickets, (bu_ns() - t0) / 1e9);
    status = 0;
out:
    if (status < 0 && l.db && !sqlite3_get_autocommit(l.db))
        sqlite3_exec(l.db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(l.ticket);
    sqlite3_finalize(l.event);
    sqlite3_finalize(l.link);
    sqlite3_close(l.db);
    free(l.evs);
    return status;
}

/* ---- measurement ---- */

struct db {
    const char *name;
    char path[PATH_MAX];
    struct qh_store *setup;     /* QHALL_SYNC=normal: top-ups */
    struct qh_store *s;         /* measured, at the level under test */
    int64_t *lat;
    int nlat;
    int cycle;
};

/* Issue through the setup connection until queue A has want waiting. */
static int top_up(struct db *d, int want)
{
    char err[QH_ERRLEN], day[11];
    struct qh_issue_req req;
    int have;

    qh_hall_today(d->setup, day);
    have = qh_store_waiting_count(d->setup, day, "A");
    for (; have < want; have++) {
        int rc;

        memset(&req, 0, sizeof req);
        req.service = svc[0][d->cycle++ % 3];
        if ((rc = qh_ticket_issue(d->setup, &req, NULL, NULL, err,
                                  sizeof err)) < 0) {
            fprintf(stderr, "bench_call: %s: issue: %s: %s\n", d->name,
                    qh_strerror(rc), err);
            return -1;
        }
    }
    return 0;
}

/* n call_next (timed, into d->lat unless NULL) + no-show (untimed). */
static int calls(struct db *d, int n, int64_t step_ms, int timed)
{
    char err[QH_ERRLEN];
    struct qh_ticket_row t;

    for (int k = 0; k < n; k++) {
        int64_t a, b;
        int rc;

        bu_clock_advance_ms(step_ms);
        a = bu_ns();
        rc = qh_ticket_call_next(d->s, WINDOW, &t, err, sizeof err);
        b = bu_ns();
        if (rc < 0) {
            fprintf(stderr, "bench_call: %s: call_next: %s: %s\n", d->name,
                    qh_strerror(rc), err);
            return -1;
        }
        if (timed)
            d->lat[d->nlat++] = b - a;
        if ((rc = qh_ticket_noshow(d->s, WINDOW, NULL, err, sizeof err)) < 0) {
            fprintf(stderr, "bench_call: %s: noshow: %s: %s\n", d->name,
                    qh_strerror(rc), err);
            return -1;
        }
    }
    return 0;
}

struct stats {
    double empty50, empty99, loaded50, loaded99;
};

/* ROUNDS alternating rounds of per calls on each db, measured on
 * connections opened at the given level. */
static int measure(struct db *dbs, int normal, int per, int64_t step_ms,
                   struct stats *st)
{
    int status = -1;

    bu_sync(normal);
    for (int i = 0; i < 2; i++) {
        dbs[i].nlat = 0;
        if (!(dbs[i].s = bu_store_open(dbs[i].path)))
            goto out;
        if (top_up(&dbs[i], WARMUP + KEEP) < 0 ||
            calls(&dbs[i], WARMUP, step_ms, 0) < 0)
            goto out;
    }
    for (int k = 0; k < ROUNDS; k++) {
        for (int j = 0; j < 2; j++) {
            struct db *d = &dbs[(k + j) % 2];

            if (top_up(d, per + KEEP) < 0 || calls(d, per, step_ms, 1) < 0)
                goto out;
        }
    }
    st->empty50 = bu_pct_i64(dbs[0].lat, dbs[0].nlat, 50) / 1000.0;
    st->empty99 = bu_pct_i64(dbs[0].lat, dbs[0].nlat, 99) / 1000.0;
    st->loaded50 = bu_pct_i64(dbs[1].lat, dbs[1].nlat, 50) / 1000.0;
    st->loaded99 = bu_pct_i64(dbs[1].lat, dbs[1].nlat, 99) / 1000.0;
    status = 0;
out:
    for (int i = 0; i < 2; i++) {
        qh_store_close(dbs[i].s);
        dbs[i].s = NULL;
    }
    return status;
}

static int day_ok(struct db *d)
{
    char day[11], setting[16] = "";

    qh_hall_today(d->setup, day);
    qh_store_setting_get(d->setup, "day", setting, sizeof setting);
    if (strcmp(day, setting)) {
        fprintf(stderr, "bench_call: %s: day setting %s, today %s\n",
                d->name, setting, day);
        return -1;
    }
    return 0;
}

static void check(struct db *d)
{
    char err[QH_ERRLEN], *report = malloc(4096);
    int64_t t0 = bu_ns();
    int n;

    if (!report)
        return;
    n = qh_store_check(d->setup, report, 4096, err, sizeof err);
    fprintf(stderr, "bench_call: %s: qh_store_check: %d problem(s) in"
            " %.1f s%s%s\n", d->name, n, (bu_ns() - t0) / 1e9,
            n ? ": " : "", n > 0 ? report : n < 0 ? err : "");
    free(report);
}

int main(void)
{
    int per = bu_scaled(2000, ROUNDS) / ROUNDS;
    const char *chk = getenv("QHALL_BENCH_CHECK");
    struct db dbs[2];
    struct stats full, norm;
    char dir[PATH_MAX];
    int64_t step_ms;
    int rc = -1;

    memset(dbs, 0, sizeof dbs);
    dbs[0].name = "empty";
    dbs[1].name = "loaded";
    /* Calls at both levels, warm-ups included, stay inside opening hours. */
    step_ms = CALL_BUDGET_MS / (4 * (ROUNDS * per + WARMUP));
    if (step_ms > 1000)
        step_ms = 1000;
    if (step_ms < 1)
        step_ms = 1;
    if (bu_tmpdir(dir, sizeof dir, "call") < 0)
        return 1;
    if (bu_path(dbs[0].path, sizeof dbs[0].path, dir, "empty.db") < 0 ||
        bu_path(dbs[1].path, sizeof dbs[1].path, dir, "loaded.db") < 0) {
        fprintf(stderr, "bench_call: %s: path too long\n", dir);
        rmdir(dir);
        return 1;
    }
    for (int i = 0; i < 2; i++) {
        dbs[i].lat = calloc((size_t)ROUNDS * (size_t)per, sizeof *dbs[i].lat);
        if (!dbs[i].lat)
            goto out;
    }
    /* Setup at NORMAL; hall_init on today's clock sets `day` to today. */
    if (bu_clock(TODAY_SETUP) < 0)
        goto out;
    bu_sync(1);
    for (int i = 0; i < 2; i++) {
        struct qh_store *s = bu_store_new(dbs[i].path);

        if (!s)
            goto out;
        if (i == 1) {
            char tz[64];

            snprintf(tz, sizeof tz, "%s", qh_store_hall(s)->timezone);
            qh_store_close(s);
            if (load_history(dbs[i].path, tz) < 0)
                goto out;
            bu_sync(1);
            if (!(s = bu_store_open(dbs[i].path)))
                goto out;
        }
        dbs[i].setup = s;
        if (day_ok(&dbs[i]) < 0)
            goto out;
    }
    if (chk && !strcmp(chk, "1"))
        check(&dbs[1]);
    if (bu_clock(TODAY_CALLS) < 0 ||
        measure(dbs, 0, per, step_ms, &full) < 0 ||
        measure(dbs, 1, per, step_ms, &norm) < 0)
        goto out;
    fprintf(stderr, "bench_call: %d rounds of %d calls per db at window %d;"
            " loaded vs empty p50 at NORMAL %.2f x\n", ROUNDS, per, WINDOW,
            norm.empty50 > 0 ? norm.loaded50 / norm.empty50 : 0);
    printf("bench: call_next_empty_p50 %.1f us\n", full.empty50);
    printf("bench: call_next_loaded_p50 %.1f us\n", full.loaded50);
    printf("bench: call_next_loaded_vs_empty_ratio %.3f x\n",
           full.empty50 > 0 ? full.loaded50 / full.empty50 : 0);
    printf("bench: call_next_empty_p99 %.1f us\n", full.empty99);
    printf("bench: call_next_loaded_p99 %.1f us\n", full.loaded99);
    printf("bench: call_next_empty_p50_normal %.1f us\n", norm.empty50);
    printf("bench: call_next_loaded_p50_normal %.1f us\n", norm.loaded50);
    printf("bench: call_next_loaded_vs_empty_ratio_normal %.3f x\n",
           norm.empty50 > 0 ? norm.loaded50 / norm.empty50 : 0);
    printf("bench: call_next_empty_p99_normal %.1f us\n", norm.empty99);
    printf("bench: call_next_loaded_p99_normal %.1f us\n", norm.loaded99);
    rc = 0;
out:
    for (int i = 0; i < 2; i++) {
        qh_store_close(dbs[i].setup);
        qh_store_close(dbs[i].s);
        free(dbs[i].lat);
        if (dbs[i].path[0])
            bu_unlink_db(dbs[i].path);
    }
    rmdir(dir);
    bu_sync(0);
    return rc < 0 ? 1 : 0;
}
