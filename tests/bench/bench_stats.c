/* bench_stats.c: how good is the wait estimate, and what does a year's
 * report cost?
 *
 *   ewt       20 simulated working days (tests/sim, seed 1, one database so
 *             history builds up): the share of tickets whose first call
 *             fell inside the range shown at issue (goal >= 80%).
 *   report    a year of history, 250 days x 300 tickets (75,000 tickets,
 *             ~360,000 events: issued, called, started, finished, rated),
 *             bulk-inserted with raw SQL into a file the store created; the
 *             time of qh_stats_report_build for the whole year (by window)
 *             and for one day, against one full scan of the events table
 *             (reading every row's detail) in the same run: the median of 5.
 *
 * Prints `bench: NAME VALUE UNIT` lines and asserts nothing.  Linked with
 * qhall_sim by tests/sim/CMakeLists.txt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "benchutil.h"
#include "qh/stats.h"
/* tests/sim/CMakeLists.txt links the simulator (and its include
 * directory) in; until tests/CMakeLists.txt adds it, this builds as a stub
 * that says so. */
#if __has_include("sim.h")
#include "sim.h"

#define DAYS 250
#define PER_DAY 300
#define RUNS 5

static int ewt(const char *dir)
{
    char path[4200], err[QH_ERRLEN], day[16];
    int n = 0, in = 0, days = 0;
    if (bu_path(path, sizeof path, dir, "ewt.db") < 0 ||
        bu_clock("2026-03-02T07:00:00+08:00") < 0)
        return -1;
    struct qh_store *s = bu_store_new(path);
    if (!s)
        return -1;
    int64_t ms;
    qh_clock_parse("2026-03-02T12:00:00+08:00", NULL, &ms, err, sizeof err);
    for (int d = 0; days < 20; d++) {
        struct qh_tm tm;
        qh_clock_local("Asia/Shanghai", ms + (int64_t)d * 86400000, &tm);
        if (tm.wday == 0 || tm.wday == 6)
            continue;
        snprintf(day, sizeof day, "%04d-%02d-%02d", tm.year, tm.month, tm.day);
        struct qh_sim_opts o = {1, day, 0};
        struct qh_sim_result r;
        if (qh_sim_day(s, &o, &r, err, sizeof err) < 0) {
            fprintf(stderr, "bench_stats: sim %s: %s\n", day, err);
            qh_store_close(s);
            return -1;
        }
        n += r.ewt_n;
        in += r.ewt_in;
        days++;
        qh_sim_result_fini(&r);
    }
    qh_store_close(s);
    printf("bench: ewt_in_range_20_days %.1f %%\n", n ? 100.0 * in / n : 0.0);
    printf("bench: ewt_tickets_20_days %d tickets\n", n);
    return 0;
}

static int load_year(const char *path, int64_t *day0)
{
    sqlite3 *db;
    sqlite3_stmt *tk, *ev;
    char err[QH_ERRLEN];
    if (sqlite3_open(path, &db))
        return -1;
    sqlite3_exec(db, "PRAGMA synchronous=OFF; PRAGMA journal_mode=OFF; BEGIN", 0, 0, 0);
    /* At the id the number packs to (the store's migration 5), linking
     * its issued event, the next one written (as the store does). */
    sqlite3_prepare_v2(db, "INSERT INTO ticket(id, day, number, seq, queue, service, state,"
                       " issued_at, virtual_at, called_at, started_at, finished_at, win,"
                       " staff, outcome, rated, origin, issued_event) VALUES ("
                       BU_TICKET_ID_SQL("?1", "?4", "?3") ", ?1, ?2, ?3, ?4, ?5, 5, ?6,"
                       " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?4,"
                       " (SELECT coalesce(max(id), 0) + 1 FROM event))", -1, &tk, 0);
    sqlite3_prepare_v2(db, "INSERT INTO event(at, type, ticket, number, queue, win, staff,"
                       " detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &ev, 0);
    unsigned x = 12345;
    for (int d = 0; d < DAYS; d++) {
        char day[11];
        int64_t base = *day0 + (int64_t)d * 86400000 + 9LL * 3600000;
        qh_clock_day("Asia/Shanghai", base, day);
        int na = 0, nb = 0;
        for (int i = 0; i < PER_DAY; i++) {
            x = x * 1103515245 + 12345;
            int a = (x >> 16) % 3 == 0;
            const char *q = a ? "A" : "B";
            int sq = a ? ++na : ++nb;
            char num[16], svc[16], staff[8], det[160];
            snprintf(num, sizeof num, "%s%03d", q, sq);
            snprintf(svc, sizeof svc, a ? "XK%03u" : "GG%03u", 1 + (x >> 8) % 100);
            int win = a ? 1 + (int)(x % 2) : 3 + (int)(x % 2);
            snprintf(staff, sizeof staff, "S%02d", win);
            int64_t iss = base + (int64_t)i * 90000, call = iss + (int64_t)((x >> 4) % 40) * 60000;
            int64_t st = call + 60000, fin = st + (int64_t)(3 + (x >> 12) % 12) * 60000;
            const char *out = (x >> 20) % 10 < 7 ? "done" : (x >> 20) % 10 < 9 ? "supplement" : "failed";
            int rated = (x >> 24) % 10 < 8;
            sqlite3_reset(tk);
            sqlite3_bind_text(tk, 1, day, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(tk, 2, num, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(tk, 3, sq);
            sqlite3_bind_text(tk, 4, q, -1, SQLITE_STATIC);
            sqlite3_bind_text(tk, 5, svc, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(tk, 6, iss);
            sqlite3_bind_int64(tk, 7, call);
            sqlite3_bind_int64(tk, 8, st);
            sqlite3_bind_int64(tk, 9, fin);
            sqlite3_bind_int(tk, 10, win);
            sqlite3_bind_text(tk, 11, staff, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(tk, 12, out, -1, SQLITE_STATIC);
            sqlite3_bind_int(tk, 13, rated);
            if (sqlite3_step(tk) != SQLITE_DONE) {
                fprintf(stderr, "bench_stats: load: %s\n", sqlite3_errmsg(db));
                sqlite3_close(db);
                return -1;
            }
            int64_t id = sqlite3_last_insert_rowid(db);
            struct { const char *type; int64_t at; int w; } evs[5] = {
                {"issued", iss, 0}, {"called", call, win}, {"started", st, win},
                {"finished", fin, win}, {"rated", fin + 30000, win}};
            for (int k = 0; k < 4 + rated; k++) {
                if (k == 0)
                    snprintf(det, sizeof det, "{\"via\":\"kiosk\",\"service\":\"%s\"}", svc);
                else if (k == 3)
                    snprintf(det, sizeof det, "{\"via\":\"counter\",\"outcome\":\"%s\","
                             "\"service\":\"%s\",\"handled_s\":%lld}", out, svc,
                             (long long)((fin - st) / 1000));
                else if (k == 4)
                    snprintf(det, sizeof det, "{\"via\":\"kiosk\",\"score\":%u}", 1 + (x >> 3) % 5);
                else
                    snprintf(det, sizeof det, "{\"via\":\"counter\"}");
                sqlite3_reset(ev);
                sqlite3_bind_int64(ev, 1, evs[k].at);
                sqlite3_bind_text(ev, 2, evs[k].type, -1, SQLITE_STATIC);
                sqlite3_bind_int64(ev, 3, id);
                sqlite3_bind_text(ev, 4, num, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(ev, 5, q, -1, SQLITE_STATIC);
                sqlite3_bind_int(ev, 6, evs[k].w);
                sqlite3_bind_text(ev, 7, k ? staff : "", -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(ev, 8, det, -1, SQLITE_TRANSIENT);
                sqlite3_step(ev);
            }
        }
    }
    sqlite3_finalize(tk);
    sqlite3_finalize(ev);
    int rc = sqlite3_exec(db, BU_WAITING_FIX_SQL "; COMMIT; ANALYZE", 0, 0, 0);
    (void)err;
    sqlite3_close(db);
    return rc ? -1 : 0;
}

static int report_year(const char *dir)
{
    char path[4200], err[QH_ERRLEN], from[11], to[11];
    int64_t day0;
    if (bu_path(path, sizeof path, dir, "year.db") < 0 ||
        bu_clock("2025-03-03T07:00:00+08:00") < 0)
        return -1;
    day0 = qh_clock_now();
    struct qh_store *s = bu_store_new(path);
    if (!s)
        return -1;
    qh_store_close(s);
    if (load_year(path, &day0) < 0)
        return -1;
    qh_clock_day("Asia/Shanghai", day0, from);
    qh_clock_day("Asia/Shanghai", day0 + (int64_t)(DAYS - 1) * 86400000, to);
    bu_clock_advance_ms((int64_t)DAYS * 86400000);
    if (!(s = bu_store_open(path)))
        return -1;
    sqlite3 *raw;
    sqlite3_stmt *scan;
    sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL);
    sqlite3_prepare_v2(raw, "SELECT count(*), sum(length(detail)), sum(at) FROM event",
                       -1, &scan, 0);
    double t_year[RUNS], t_day[RUNS], t_scan[RUNS];
    int tickets = 0, events = 0;
    for (int i = 0; i < RUNS; i++) {
        struct qh_report *r;
        int64_t t0 = bu_ns();
        if (qh_stats_report_build(s, from, to, 1u << QH_BY_WINDOW, &r, err, sizeof err) < 0) {
            fprintf(stderr, "bench_stats: report: %s\n", err);
            return -1;
        }
        t_year[i] = (bu_ns() - t0) / 1e6;
        tickets = r->total.arrived;
        qh_stats_report_free(r);
        t0 = bu_ns();
        qh_stats_report_build(s, to, to, 1u << QH_BY_WINDOW, &r, err, sizeof err);
        t_day[i] = (bu_ns() - t0) / 1e6;
        qh_stats_report_free(r);
        t0 = bu_ns();
        sqlite3_reset(scan);
        if (sqlite3_step(scan) == SQLITE_ROW)
            events = sqlite3_column_int(scan, 0);
        t_scan[i] = (bu_ns() - t0) / 1e6;
    }
    sqlite3_finalize(scan);
    sqlite3_close(raw);
    qh_store_close(s);
    double y = bu_median(t_year, RUNS), sc = bu_median(t_scan, RUNS);
    printf("bench: report_year_tickets %d tickets\n", tickets);
    printf("bench: report_year_events %d events\n", events);
    printf("bench: report_year_ms %.1f ms\n", y);
    printf("bench: report_day_ms %.2f ms\n", bu_median(t_day, RUNS));
    printf("bench: events_full_scan_ms %.1f ms\n", sc);
    printf("bench: report_year_vs_scan %.2f x\n", sc > 0 ? y / sc : 0);
    return 0;
}

int main(void)
{
    char dir[4096];
    bu_sync(1);
    if (bu_tmpdir(dir, sizeof dir, "stats") < 0)
        return 1;
    int rc = ewt(dir) < 0 || report_year(dir) < 0;
    char p[4200];
    if (bu_path(p, sizeof p, dir, "ewt.db") == 0)
        bu_unlink_db(p);
    if (bu_path(p, sizeof p, dir, "year.db") == 0)
        bu_unlink_db(p);
    rmdir(dir);
    return rc;
}
#else
#include <stdio.h>
int main(void)
{
    fputs("bench_stats: skipped: tests/sim is not built (add_subdirectory(sim))\n", stderr);
    return 0;
}
#endif
