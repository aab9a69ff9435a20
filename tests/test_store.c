/* test_store.c: the SQLite backend's own tests: schema creation and
 * refusal of a newer schema, migration of an older one, the append-only
 * event log under a raw connection, the WAL checkpoint, backup, the
 * waiting counters against the tickets they count, and failures
 * (read-only, missing dir, a damaged file: every read reports it, none is
 * taken for "nothing there").  What any backend must do is in the
 * conformance suite, tests/store/conformance.c. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "qh/text.h"
#include "qh/auth.h"
#include "qh/clock.h"
#include "qh/ticket.h"

static char err[4096];

static int count_cb(const struct qh_service *sv, void *ud)
{
    (void)sv;
    ++*(int *)ud;
    return 0;
}

static void create_and_reopen(void **state)
{
    (void)state;
    struct qh_store *s;
    const char *path = tu_db_path("store");
    assert_int_equal(qh_store_open(&s, path, 0, err, sizeof err), 0);
    assert_int_equal(qh_store_has_hall(s), 0);
    assert_string_equal(qh_store_path(s), path);
    /* Writes are refused without a hall. */
    struct qh_issue_req req = {.queue = "A"};
    assert_int_equal(qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err), QH_E_STATE);
    assert_non_null(strstr(err, "qhall init"));
    qh_store_close(s);
    s = tu_store_new("store");
    assert_int_equal(qh_store_has_hall(s), 1);
    const struct qh_hall_conf *h = qh_store_hall(s);
    assert_int_equal(h->nqueues, 3);
    assert_int_equal(h->nwindows, 5);
    assert_string_equal(h->windows[4].queues[0], "C");
    assert_string_equal(h->windows[4].queues[2], "B");
    assert_string_equal(h->timezone, "Asia/Shanghai");
    assert_int_equal(qh_store_service_count(s, NULL), 393);
    assert_int_equal(qh_store_service_count(s, "A"), 168);
    assert_int_equal(qh_store_service_count(s, "B"), 225);
    int n = 0;
    assert_int_equal(qh_store_service_each(s, "A", count_cb, &n), 168);
    assert_int_equal(n, 168);
    struct qh_service sv;
    assert_int_equal(qh_store_service_get(s, "GG001", &sv), 0);
    assert_true(strlen(sv.initials) > 0);
    assert_true(strlen(sv.materials) > 0);
    assert_int_equal(qh_store_service_get(s, "nope", &sv), QH_E_NOTFOUND);
    /* hall_init again without force is refused. */
    struct qh_hall_conf c = *h;
    assert_int_equal(qh_hall_init(s, &c, 0, err, sizeof err), QH_E_EXISTS);
    char p2[512];
    snprintf(p2, sizeof p2, "%s", qh_store_path(s));
    qh_store_close(s);
    assert_int_equal(qh_store_open(&s, p2, 0, err, sizeof err), 0);
    assert_int_equal(qh_store_has_hall(s), 1);
    assert_int_equal(qh_store_service_count(s, NULL), 393);
    qh_store_close(s);
}

/* Every plain setting of the hall survives a save and a fresh open. */
static void hall_settings_round_trip(void **state)
{
    (void)state;
    struct qh_store *a = tu_store_new("store"), *b;
    struct qh_hall_conf c = *qh_store_hall(a);
    snprintf(c.name, sizeof c.name, "甲镇政务服务中心");
    snprintf(c.name_en, sizeof c.name_en, "Jia Town");
    snprintf(c.timezone, sizeof c.timezone, "Asia/Urumqi");
    snprintf(c.notice, sizeof c.notice, "请带身份证");
    snprintf(c.notice_en, sizeof c.notice_en, "Bring your ID");
    snprintf(c.holiday_file, sizeof c.holiday_file, "/etc/qhall/holidays.txt");
    snprintf(c.printer.name, sizeof c.printer.name, "hall-slips");
    snprintf(c.printer.kind, sizeof c.printer.kind, "pdf");
    snprintf(c.printer.qr, sizeof c.printer.qr, "x:{number}");
    c.days = 0x3f;
    int *ints[] = {&c.recall_limit, &c.green_bonus_minutes, &c.target_wait_minutes,
                   &c.default_handle_minutes, &c.checkin_early_minutes,
                   &c.checkin_late_minutes, &c.followup_days, &c.weight_attendance,
                   &c.weight_cases, &c.weight_speed, &c.weight_rating, &c.weight_followup,
                   &c.printer.width, &c.kiosk.idle_seconds, &c.kiosk.countdown_seconds,
                   &c.display.announce_repeat, &c.display.volume};
    /* Valid, and each unlike its default (the weights add up to 100). */
    static const int want[] = {5, 45, 25, 12, 50, 20, 7, 25, 25, 10, 25, 15,
                               58, 120, 20, 3, 60};
    _Static_assert(sizeof want / sizeof *want == sizeof ints / sizeof *ints, "one value each");
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        *ints[i] = want[i];
    if (qh_hall_init(a, &c, 1, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_int_equal(qh_store_open(&b, qh_store_path(a), 0, err, sizeof err), 0);
    const struct qh_hall_conf *r = qh_store_hall(b);
    assert_string_equal(r->name, c.name);
    assert_string_equal(r->name_en, c.name_en);
    assert_string_equal(r->timezone, c.timezone);
    assert_string_equal(r->notice, c.notice);
    assert_string_equal(r->notice_en, c.notice_en);
    assert_string_equal(r->holiday_file, c.holiday_file);
    assert_string_equal(r->printer.name, c.printer.name);
    assert_string_equal(r->printer.kind, c.printer.kind);
    assert_string_equal(r->printer.qr, c.printer.qr);
    assert_int_equal(r->days, 0x3f);
    const int *got[] = {&r->recall_limit, &r->green_bonus_minutes, &r->target_wait_minutes,
                        &r->default_handle_minutes, &r->checkin_early_minutes,
                        &r->checkin_late_minutes, &r->followup_days, &r->weight_attendance,
                        &r->weight_cases, &r->weight_speed, &r->weight_rating,
                        &r->weight_followup, &r->printer.width, &r->kiosk.idle_seconds,
                        &r->kiosk.countdown_seconds, &r->display.announce_repeat,
                        &r->display.volume};
    for (size_t i = 0; i < sizeof got / sizeof *got; i++)
        assert_int_equal(*got[i], want[i]);
    qh_store_close(a);
    qh_store_close(b);
}

static void hall_change_seen_by_other_connection(void **state)
{
    (void)state;
    struct qh_store *a = tu_store_new("store"), *b;
    assert_int_equal(qh_store_open(&b, qh_store_path(a), 0, err, sizeof err), 0);
    struct qh_hall_conf c = *qh_store_hall(a);
    c.recall_limit = 1;
    snprintf(c.windows[0].name, sizeof c.windows[0].name, "一号窗");
    assert_int_equal(qh_hall_init(a, &c, 1, err, sizeof err), 0);
    /* b reloads at its next transaction. */
    struct qh_ticket_row t;
    struct qh_issue_req req = {.queue = "A"};
    assert_int_equal(qh_ticket_issue(b, &req, &t, NULL, err, sizeof err), 0);
    assert_int_equal(qh_store_hall(b)->recall_limit, 1);
    assert_string_equal(qh_store_hall(b)->windows[0].name, "一号窗");
    assert_int_equal(qh_ticket_call_next(b, 1, &t, err, sizeof err), 0);
    assert_int_equal(qh_ticket_recall(b, 1, &t, err, sizeof err), 0);
    assert_int_equal(qh_ticket_recall(b, 1, &t, err, sizeof err), 0);
    assert_int_equal(t.state, QH_TICKET_NO_SHOW);
    qh_store_close(a);
    qh_store_close(b);
}

static void events_append_only(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("store");
    char path[512];
    snprintf(path, sizeof path, "%s", qh_store_path(s));
    struct qh_issue_req req = {.queue = "B"};
    assert_int_equal(qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err), 0);
    struct qh_event_row ev[4];
    int64_t last = tu_last_event(s);
    assert_true(last >= 3);   /* hall_init, catalog_imported, issued */
    assert_int_equal(qh_store_events_since(s, last - 1, ev, 4, err, sizeof err), 1);
    assert_string_equal(ev[0].type, "issued");
    assert_int_equal(qh_store_events_since(s, last, ev, 4, err, sizeof err), 0);
    qh_store_close(s);
    /* Not even a raw connection may rewrite history. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE event SET type = 'x'", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM event", NULL, NULL, NULL), SQLITE_OK);
    /* A schema newer than this build is refused, not misread. */
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    int rc = qh_store_open(&s, path, QH_STORE_EN, err, sizeof err);
    assert_int_equal(rc, QH_E_DB);
    assert_non_null(strstr(err, "newer"));
    rc = qh_store_open(&s, path, 0, err, sizeof err);
    assert_int_equal(rc, QH_E_DB);
    assert_non_null(strstr(err, "比本程序（第"));
}

/* A ticket links its issued event, whatever was written between the
 * ticket and that event in its transaction; a second issued event for
 * the same ticket is refused. */
static void issued_link(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("store");
    struct qh_ticket_row t;
    struct qh_event_row ev;
    char report[1024];
    memset(&t, 0, sizeof t);
    assert_int_equal(qh_store_begin(s, err, sizeof err), 0);
    qh_hall_today(s, t.day);
    snprintf(t.queue, sizeof t.queue, "A");
    assert_int_equal(qh_store_seq_next(s, t.day, "A", &t.seq, NULL, err, sizeof err), 0);
    snprintf(t.number, sizeof t.number, "A%03d", t.seq);
    t.issued_at = t.virtual_at = qh_clock_now();
    t.prio = 1;
    assert_int_equal(qh_store_ticket_insert(s, &t, err, sizeof err), 0);
    memset(&ev, 0, sizeof ev);
    ev.at = t.issued_at;
    snprintf(ev.type, sizeof ev.type, "printer_problem");
    assert_int_equal(qh_store_event_add(s, &ev, err, sizeof err), 0);
    snprintf(ev.type, sizeof ev.type, "issued");
    ev.ticket = t.id;
    memcpy(ev.number, t.number, sizeof ev.number);
    memcpy(ev.queue, t.queue, sizeof ev.queue);
    assert_int_equal(qh_store_event_add(s, &ev, err, sizeof err), 0);
    struct qh_event_row again = ev;
    assert_int_equal(qh_store_event_add(s, &again, err, sizeof err), QH_E_STATE);
    qh_store_rollback(s);
    assert_int_equal(qh_store_begin(s, err, sizeof err), 0);
    assert_int_equal(qh_store_ticket_insert(s, &t, err, sizeof err), 0);
    assert_int_equal(qh_store_event_add(s, &ev, err, sizeof err), 0);
    snprintf(ev.type, sizeof ev.type, "printer_problem");
    ev.ticket = 0;
    assert_int_equal(qh_store_event_add(s, &ev, err, sizeof err), 0);
    assert_int_equal(qh_store_commit(s, err, sizeof err), 0);
    if (qh_store_check(s, report, sizeof report, err, sizeof err) != 0)
        fail_msg("check: %s", report);
    qh_store_close(s);
}

/* The events a handle wrote: in its open transaction, and in the last
 * that committed; a rolled-back one's id is forgotten, and when SQLite
 * gives it again it names two events, so it is not reported; another
 * handle's commits are not ours. */
static void own_events(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("store"), *other;
    struct qh_event_row ev, ev2, ev3;
    assert_int_equal(qh_store_open(&other, qh_store_path(s), 0, err, sizeof err), 0);
    assert_int_equal(qh_store_committed_event(other), 0);
    memset(&ev, 0, sizeof ev);
    snprintf(ev.type, sizeof ev.type, "note");
    assert_int_equal(qh_store_begin(s, err, sizeof err), 0);
    assert_int_equal(qh_store_tx_event(s), 0);
    assert_int_equal(qh_store_event_add(s, &ev, err, sizeof err), 0);
    assert_true(ev.id > 0);
    assert_int_equal(qh_store_tx_event(s), ev.id);
    /* The hall's init committed the event before it. */
    assert_int_equal(qh_store_committed_event(s), ev.id - 1);
    assert_int_equal(qh_store_commit(s, err, sizeof err), 0);
    assert_int_equal(qh_store_tx_event(s), 0);
    assert_int_equal(qh_store_committed_event(s), ev.id);
    /* Rolled back: the id it was given is not kept. */
    ev2 = ev;
    assert_int_equal(qh_store_begin(s, err, sizeof err), 0);
    assert_int_equal(qh_store_event_add(s, &ev2, err, sizeof err), 0);
    assert_int_equal(qh_store_tx_event(s), ev2.id);
    qh_store_rollback(s);
    assert_int_equal(qh_store_tx_event(s), 0);
    assert_int_equal(qh_store_committed_event(s), ev.id);
    /* Given again to our next commit: ambiguous, so 0; the one after is
     * past every id rolled back. */
    ev3 = ev;
    assert_int_equal(qh_store_begin(s, err, sizeof err), 0);
    assert_int_equal(qh_store_event_add(s, &ev3, err, sizeof err), 0);
    assert_int_equal(ev3.id, ev2.id);
    assert_int_equal(qh_store_commit(s, err, sizeof err), 0);
    assert_int_equal(qh_store_committed_event(s), 0);
    ev = ev3;
    assert_int_equal(qh_store_begin(s, err, sizeof err), 0);
    assert_int_equal(qh_store_event_add(s, &ev, err, sizeof err), 0);
    assert_int_equal(qh_store_commit(s, err, sizeof err), 0);
    assert_true(ev.id > ev3.id);
    assert_int_equal(qh_store_committed_event(s), ev.id);
    /* A transaction that writes no event leaves the last one standing. */
    assert_int_equal(qh_store_begin(s, err, sizeof err), 0);
    assert_int_equal(qh_store_setting_set(s, "k", "v", err, sizeof err), 0);
    assert_int_equal(qh_store_commit(s, err, sizeof err), 0);
    assert_int_equal(qh_store_committed_event(s), ev.id);
    /* Another handle's commit moves the log, not our own. */
    assert_int_equal(qh_store_begin(other, err, sizeof err), 0);
    assert_int_equal(qh_store_event_add(other, &ev2, err, sizeof err), 0);
    assert_int_equal(qh_store_commit(other, err, sizeof err), 0);
    assert_true(ev2.id > ev.id);
    assert_int_equal(qh_store_committed_event(s), ev.id);
    assert_int_equal(qh_store_committed_event(other), ev2.id);
    qh_store_close(other);
    qh_store_close(s);
}

static void backup(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("store"), *b;
    struct qh_issue_req req = {.queue = "C"};
    assert_int_equal(qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err), 0);
    char dst[600];
    snprintf(dst, sizeof dst, "%s.bak", qh_store_path(s));
    unlink(dst);
    assert_int_equal(qh_store_backup(s, dst, err, sizeof err), 0);
    assert_int_equal(qh_store_backup(s, dst, err, sizeof err), QH_E_EXISTS);
    assert_int_equal(qh_store_backup(s, "/nonexistent/dir/x.db", err, sizeof err), QH_E_IO);
    assert_int_equal(qh_store_open(&b, dst, QH_STORE_READONLY, err, sizeof err), 0);
    struct qh_ticket_row t;
    assert_int_equal(qh_ticket_get(b, "C001", &t, err, sizeof err), 0);
    char report[1024];
    assert_int_equal(qh_store_check(b, report, sizeof report, err, sizeof err), 0);
    qh_store_close(b);
    qh_store_close(s);
    unlink(dst);
}

static void checkpoint(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("store");
    struct qh_issue_req req = {.queue = "A"};
    for (int i = 0; i < 50; i++)
        assert_int_equal(qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err), 0);
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", qh_store_path(s));
    struct stat st;
    assert_int_equal(stat(wal, &st), 0);
    assert_true(st.st_size > 0);
    ino_t ino = st.st_ino;
    assert_int_equal(qh_store_checkpoint(s, 0, err, sizeof err), 0);
    assert_int_equal(qh_store_checkpoint(s, 1, err, sizeof err), 0);
    assert_int_equal(stat(wal, &st), 0);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(st.st_ino, ino);
    struct qh_ticket_row t;
    assert_int_equal(qh_ticket_get(s, "A050", &t, err, sizeof err), 0);
    qh_store_close(s);
}

static void open_failures(void **state)
{
    (void)state;
    struct qh_store *s = (void *)1;
    assert_int_equal(qh_store_open(&s, "/nonexistent/dir/q.db", 0, err, sizeof err), QH_E_IO);
    assert_null(s);
    assert_non_null(strstr(err, "/nonexistent/dir/q.db"));
    /* Not a database. */
    const char *path = tu_db_path("garbage");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 200; i++)
        fputs("this is not an SQLite database file at all\n", f);
    fclose(f);
    int rc = qh_store_open(&s, path, 0, err, sizeof err);
    assert_int_equal(rc, QH_E_DB);
    assert_non_null(strstr(err, path));
}

/* ---- waiting counters ---- */

static sqlite3 *raw_open(struct qh_store *s)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(qh_store_path(s), &db, SQLITE_OPEN_READONLY,
                                     NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static int raw_int(sqlite3 *db, const char *sql, const char *a, const char *b)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (a)
        sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
    if (b)
        sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

/* The lane a ticket is stored in (migration 6): the backend's own
 * business, so the record does not carry it; -1 when there is no such
 * ticket. */
static int raw_lane(struct qh_store *s, const struct qh_ticket_row *t)
{
    sqlite3 *db = raw_open(s);
    int lane = raw_int(db, "SELECT lane FROM ticket WHERE day = ?1 AND number = ?2",
                       t->day, t->number);
    sqlite3_close(db);
    return lane;
}

/* The pick-th number (modulo their count) of `day` in `state`; "" when
 * there is none.  The test's own generator picks, not SQLite's random(),
 * so a seed replays the whole run. */
static void raw_pick(sqlite3 *db, const char *day, int state, unsigned pick, char out[16])
{
    sqlite3_stmt *st;
    out[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT number FROM ticket WHERE day = ?1"
                                        " AND state = ?2 ORDER BY id LIMIT 1 OFFSET ?3 %"
                                        " max(1, (SELECT count(*) FROM ticket"
                                        " WHERE day = ?1 AND state = ?2))",
                                        -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, state);
    sqlite3_bind_int64(st, 3, pick);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, 16, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* The id of the first ticket of `sql` for (day, queue, window), 0 none. */
static int64_t raw_head(sqlite3 *db, const char *sql, const char *day,
                        const char *queue, int window)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, queue, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, window);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return v;
}

struct svc_list { int n, stop_at; char got[20][24]; };

static int svc_collect(const char *service, void *ud)
{
    struct svc_list *l = ud;
    snprintf(l->got[l->n], sizeof l->got[0], "%s", service);
    return ++l->n == l->stop_at;
}

/* What the store reads of a queue (migration 6: lane 0 from the ids,
 * lane 1 from the index) against plain scans of every ticket: the
 * counter, the head for each window in both orders, the wait estimate's
 * sample and the people ahead of each ticket waiting. */
static void queue_agrees(struct qh_store *s, sqlite3 *db, const char *day,
                         const char *q, const char *when)
{
    struct qh_ticket_row t;
    int want = raw_int(db, "SELECT count(*) FROM ticket WHERE day = ?1"
                       " AND queue = ?2 AND state = 0", day, q);
    int got = qh_store_waiting_count(s, day, q);
    if (got != want)
        fail_msg("%s: queue %s counter %d, %d waiting", when, q, got, want);
    for (int w = 0; w <= 5; w++)
        for (int by_issue = 0; by_issue < 2; by_issue++) {
            int64_t id = raw_head(db, by_issue ?
                "SELECT id FROM ticket WHERE day = ?1 AND queue = ?2"
                " AND state = 0 AND target_window IN (0, ?3)"
                " ORDER BY issued_at, id LIMIT 1" :
                "SELECT id FROM ticket WHERE day = ?1 AND queue = ?2"
                " AND state = 0 AND target_window IN (0, ?3)"
                " ORDER BY prio, virtual_at, id LIMIT 1", day, q, w);
            int rc = qh_store_queue_head(s, day, q, w, by_issue, &t);
            if ((rc == 0 ? t.id : 0) != id)
                fail_msg("%s: queue %s window %d %s head %lld, want %lld", when,
                         q, w, by_issue ? "oldest" : "next",
                         rc == 0 ? (long long)t.id : 0LL, (long long)id);
        }
    struct svc_list l = {.n = 0};
    int n = qh_store_queue_services(s, day, q, 20, svc_collect, &l);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT service FROM ticket"
        " WHERE day = ?1 AND queue = ?2 AND state = 0"
        " ORDER BY prio, virtual_at, id LIMIT 20", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, q, -1, SQLITE_TRANSIENT);
    int k = 0;
    for (; sqlite3_step(st) == SQLITE_ROW; k++)
        if (k >= n || strcmp(l.got[k], (const char *)sqlite3_column_text(st, 0)))
            fail_msg("%s: queue %s sample %d differs", when, q, k);
    sqlite3_finalize(st);
    if (k != n)
        fail_msg("%s: queue %s sample of %d, want %d", when, q, n, k);
    /* Ahead of each: its place in calling order, counted outside a
     * transaction and inside one (where a lane-0 ticket is found from the
     * counter, by the lane the row is stored in). */
    for (int in_tx = 0; in_tx < 2; in_tx++) {
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, row_number() OVER"
            " (ORDER BY prio, virtual_at, id) - 1 FROM ticket WHERE day = ?1"
            " AND queue = ?2 AND state = 0", -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, q, -1, SQLITE_TRANSIENT);
        if (in_tx)
            assert_int_equal(qh_store_begin_read(s, err, sizeof err), 0);
        while (sqlite3_step(st) == SQLITE_ROW) {
            assert_int_equal(qh_store_ticket_get(s, sqlite3_column_int64(st, 0), &t), 0);
            int ahead = qh_store_ahead(s, &t);
            if (ahead != sqlite3_column_int(st, 1))
                fail_msg("%s: %s has %d ahead%s, want %d", when, t.number, ahead,
                         in_tx ? " in a transaction" : "", sqlite3_column_int(st, 1));
        }
        if (in_tx)
            qh_store_end_read(s);
        sqlite3_finalize(st);
    }
}

static void counters_agree(struct qh_store *s, sqlite3 *db, const char *when)
{
    char day[11], report[4096];
    qh_hall_today(s, day);
    const struct qh_hall_conf *h = qh_store_hall(s);
    for (int i = 0; i < h->nqueues; i++)
        queue_agrees(s, db, day, h->queues[i].code, when);
    int n = qh_store_check(s, report, sizeof report, err, sizeof err);
    if (n != 0)
        fail_msg("%s: check: %s", when, report);
}

/* Every operation that moves tickets in and out of the queues, at random
 * for several days: the counters the triggers keep always equal the
 * tickets waiting, and the people ahead a new ticket is told (the counter
 * less those behind it, or a count for green tickets) equal a plain count
 * of the queue. */
static void waiting_counters(void **state)
{
    (void)state;
    static const char *const items[] = { "XK001", "GG001", "XK002", "GG010", NULL };
    static const char *const queues[] = { "A", "B", "C" };
    static const char *const outcomes[] = { "done", "supplement", "failed" };
    tu_clock("2026-11-25T08:30:00+08:00");
    struct qh_store *s = tu_store_new("counters");
    sqlite3 *db = raw_open(s);
    unsigned x = tu_seed("waiting_counters", 2026);
    int issued = 0, fast = 0, moves = 0;
    for (int step = 0; step < 1500; step++) {
        x = x * 1103515245u + 12345u;
        unsigned r = (x >> 8) % 100, w = 1 + (x >> 20) % 5;
        char day[11], num[16];
        struct qh_ticket_row t;
        qh_hall_today(s, day);
        if (r < 40) {
            struct qh_issue_req req;
            struct qh_issue_info info;
            memset(&req, 0, sizeof req);
            req.service = items[(x >> 12) % 5];
            req.queue = req.service ? NULL : "C";
            req.green = (x >> 16) % 7 == 0 ? "elderly" : NULL;
            if (qh_ticket_issue(s, &req, &t, &info, err, sizeof err) < 0)
                fail_msg("issue: %s", err);
            sqlite3_stmt *st;
            assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM ticket"
                " WHERE day = ?1 AND queue = ?2 AND state = 0"
                " AND (prio, virtual_at, id) < (?3, ?4, ?5)", -1, &st, NULL), SQLITE_OK);
            sqlite3_bind_text(st, 1, t.day, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, t.queue, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(st, 3, t.prio);
            sqlite3_bind_int64(st, 4, t.virtual_at);
            sqlite3_bind_int64(st, 5, t.id);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            int want = sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
            if (info.ahead != want)
                fail_msg("step %d: %s told %d ahead, %d are", step, t.number,
                         info.ahead, want);
            issued++;
            fast += !req.green;
        } else if (r < 55) {
            moves += qh_ticket_call_next(s, (int)w, &t, err, sizeof err) == 0;
        } else if (r < 60) {
            qh_ticket_recall(s, (int)w, &t, err, sizeof err);
        } else if (r < 64) {
            moves += qh_ticket_noshow(s, (int)w, &t, err, sizeof err) == 0;
        } else if (r < 68) {
            raw_pick(db, day, QH_TICKET_NO_SHOW, x >> 4, num);
            if (num[0])
                moves += qh_ticket_callback(s, num, (int)w, &t, err, sizeof err) == 0;
        } else if (r < 74) {
            qh_ticket_start(s, (int)w, &t, err, sizeof err);
        } else if (r < 78) {
            moves += qh_ticket_hold(s, (int)w, &t, err, sizeof err) == 0;
        } else if (r < 82) {
            raw_pick(db, day, QH_TICKET_HELD, x >> 4, num);
            if (num[0])
                moves += qh_ticket_release(s, num, &t, err, sizeof err) == 0;
        } else if (r < 86) {
            struct qh_transfer_to to = {.queue = queues[(x >> 14) % 3]};
            moves += qh_ticket_transfer(s, (int)w, &to, &t, err, sizeof err) == 0;
        } else if (r < 94) {
            moves += qh_ticket_finish(s, (int)w, outcomes[(x >> 14) % 3], "n",
                                      &t, err, sizeof err) == 0;
        } else if (r < 96) {
            raw_pick(db, day, QH_TICKET_WAITING, x >> 4, num);
            if (num[0])
                moves += qh_ticket_cancel(s, num, &t, err, sizeof err) == 0;
        } else if (r < 98) {
            /* Out of turn: the head of lane 0 is stepped over later. */
            raw_pick(db, day, QH_TICKET_WAITING, x >> 4, num);
            if (num[0])
                moves += qh_ticket_call(s, (int)w, num, &t, err, sizeof err) == 0;
        } else if (r < 99) {
            /* The clock steps back (NTP): numbers keep their order. */
            tu_clock_advance(-90);
        } else {
            tu_clock_advance(60 * (int)(1 + (x >> 10) % 5));
        }
        /* Three service days: the queues left waiting expire at the next
         * day's first write. */
        if (step == 500 || step == 1000)
            tu_clock_advance(24 * 3600);
        /* A day's first write expired what the day before left. */
        if (step == 1000 || step == 1499)
            assert_int_equal(raw_int(db, "SELECT count(*) FROM ticket"
                                     " WHERE day < ?1 AND state = 0", day, NULL), 0);
        if (step % 10 == 0 || step == 501 || step == 1001) {
            char when[32];
            snprintf(when, sizeof when, "step %d", step);
            counters_agree(s, db, when);
        }
    }
    counters_agree(s, db, "end");
    print_message("walk: %d issued (%d green), %d moves\n", issued, issued - fast, moves);
    /* The walk did what it is for. */
    assert_true(issued > 400 && issued - fast > 30 && moves > 200);
    assert_int_equal(raw_int(db, "SELECT count(DISTINCT day) FROM day_seq", NULL, NULL), 3);
    sqlite3_close(db);
    qh_store_close(s);
    tu_clock("2026-11-25T09:00:00+08:00");
}

/* Schemas 10, 9 and 8 taken back: the slips' tokens, the staff photos,
 * the rating channels and appeals. */
#define DOWN_FROM_8                                                     \
    "DROP TABLE ticket_token;"                                          \
    "DROP TABLE staff_photo;"                                           \
    "DROP INDEX rating_ticket; ALTER TABLE rating DROP COLUMN channel;" \
    "ALTER TABLE rating DROP COLUMN device;"                            \
    "ALTER TABLE rating DROP COLUMN entered_by;"                        \
    "ALTER TABLE rating DROP COLUMN appeal;"                            \
    "ALTER TABLE rating DROP COLUMN appeal_reason;"                     \
    "ALTER TABLE rating DROP COLUMN appeal_at;"                         \
    "ALTER TABLE rating DROP COLUMN decided_by;"                        \
    "ALTER TABLE rating DROP COLUMN decision_reason;"                   \
    "ALTER TABLE rating DROP COLUMN decided_at;"

/* A database of schema 3 (before the counters, the issued-event link and
 * the packed ticket ids) with tickets waiting in several queues, a
 * transfer and a rating is brought to the current schema on open: the
 * tickets move to the ids their numbers pack to and every reference moves
 * with them, the counters start equal to the tickets waiting, every ticket
 * links its issued event (qhall check), and issuing goes on from them. */
static void migrate_from_3(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("migrate");
    char path[512], day[11];
    snprintf(path, sizeof path, "%s", qh_store_path(s));
    qh_hall_today(s, day);
    struct qh_issue_req a = {.service = "XK001"}, b = {.service = "GG001"};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(qh_ticket_issue(s, &a, NULL, NULL, err, sizeof err), 0);
        assert_int_equal(qh_ticket_issue(s, &b, NULL, NULL, err, sizeof err), 0);
    }
    struct qh_ticket_row t;
    assert_int_equal(qh_ticket_call_next(s, 3, &t, err, sizeof err), 0);
    assert_int_equal(qh_ticket_start(s, 3, &t, err, sizeof err), 0);
    assert_int_equal(qh_ticket_finish(s, 3, "done", NULL, &t, err, sizeof err), 0);
    assert_int_equal(qh_ticket_rate(s, t.number, 5, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(qh_ticket_call_next(s, 1, &t, err, sizeof err), 0);
    struct qh_transfer_to to = {.queue = "C"};
    assert_int_equal(qh_ticket_transfer(s, 1, &to, &t, err, sizeof err), 0);
    qh_store_close(s);
    /* Schema 3 as it was: ids given in issue order, the (day, number)
     * index, the old indexes, day_seq's `last`, no counters. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    const char *down =
        "BEGIN;"
        "DROP TRIGGER ticket_waiting_update;"
        "DROP TRIGGER ticket_no_delete; DROP TRIGGER queue_key_new;"
        "DROP TRIGGER service_rev_insert; DROP TRIGGER service_rev_update;"
        "DROP TRIGGER service_rev_delete;"
        "DROP TABLE queue_key;"
        "DROP TRIGGER event_no_update;"
        "CREATE TEMP TABLE m AS SELECT id AS new, row_number() OVER"
        "  (ORDER BY issued_at, id) AS old FROM ticket;"
        "CREATE TABLE t3(id INTEGER PRIMARY KEY, day TEXT NOT NULL,"
        "  number TEXT NOT NULL, seq INTEGER NOT NULL, queue TEXT NOT NULL,"
        "  service TEXT NOT NULL DEFAULT '',"
        "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 7),"
        "  green TEXT NOT NULL DEFAULT '', issued_at INTEGER NOT NULL,"
        "  virtual_at INTEGER NOT NULL, prio INTEGER NOT NULL DEFAULT 1,"
        "  called_at INTEGER NOT NULL DEFAULT 0,"
        "  started_at INTEGER NOT NULL DEFAULT 0,"
        "  finished_at INTEGER NOT NULL DEFAULT 0,"
        "  win INTEGER NOT NULL DEFAULT 0,"
        "  target_window INTEGER NOT NULL DEFAULT 0,"
        "  staff TEXT NOT NULL DEFAULT '', recalls INTEGER NOT NULL DEFAULT 0,"
        "  outcome TEXT NOT NULL DEFAULT '', rated INTEGER NOT NULL DEFAULT 0,"
        "  appointment INTEGER REFERENCES appointment(id),"
        "  origin TEXT NOT NULL, UNIQUE (day, number));"
        "INSERT INTO t3 SELECT m.old, day, number, seq, queue, service, state,"
        "  green, issued_at, virtual_at, prio, called_at, started_at,"
        "  finished_at, win, target_window, staff, recalls, outcome, rated,"
        "  appointment, origin FROM ticket JOIN m ON m.new = ticket.id;"
        "UPDATE event SET ticket = (SELECT old FROM m WHERE new = event.ticket)"
        "  WHERE ticket IS NOT NULL;"
        "UPDATE rating SET ticket = (SELECT old FROM m WHERE new = rating.ticket);"
        "DROP TABLE ticket; ALTER TABLE t3 RENAME TO ticket;"
        "CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
        "  BEGIN SELECT raise(ABORT, 'the event log is append-only'); END;"
        "DROP INDEX event_ticket;"
        "CREATE INDEX event_ticket ON event(ticket) WHERE ticket IS NOT NULL;"
        "CREATE INDEX ticket_waiting ON ticket(day, queue, prio, virtual_at, id)"
        "  WHERE state = 0;"
        "CREATE INDEX ticket_waiting_issue ON ticket(day, queue, issued_at, id)"
        "  WHERE state = 0;"
        "CREATE INDEX ticket_at_window ON ticket(win, day) WHERE state IN (1, 2);"
        "CREATE INDEX ticket_open ON ticket(day) WHERE state IN (0, 1, 2, 3, 4);"
        "DROP TABLE day_seq;"
        "CREATE TABLE day_seq(day TEXT NOT NULL, queue TEXT NOT NULL,"
        "  last INTEGER NOT NULL, PRIMARY KEY (day, queue)) WITHOUT ROWID;"
        "INSERT INTO day_seq SELECT day, origin, max(seq) FROM ticket"
        "  GROUP BY day, origin;"
        /* schema 8's rating channels */
        DOWN_FROM_8
        /* schema 7's lock-out */
        "DROP TABLE login_lock;"
        "ALTER TABLE staff DROP COLUMN pin_short;"
        "ALTER TABLE staff ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE staff ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;"
        "PRAGMA user_version = 3; COMMIT;";
    if (sqlite3_exec(db, down, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("down to 3: %s", sqlite3_errmsg(db));
    assert_int_equal(raw_int(db, "SELECT max(id) FROM ticket", NULL, NULL), 10);
    sqlite3_close(db);
    if (qh_store_open(&s, path, 0, err, sizeof err) < 0)
        fail_msg("open: %s", err);
    db = raw_open(s);
    assert_int_equal(raw_int(db, "PRAGMA user_version", NULL, NULL), 10);
    /* Those waiting wait through the index (lane 1), as before. */
    assert_int_equal(raw_int(db, "SELECT count(*) FROM ticket WHERE lane = 0",
                             NULL, NULL), 0);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name"
                             " IN ('ticket_open', 'ticket_waiting_issue',"
                             " 'sqlite_autoindex_ticket_1')", NULL, NULL), 0);
    /* Every ticket at its packed id; every event, rating and follow-up
     * still names a ticket of its own number. */
    assert_int_equal(raw_int(db, "SELECT count(*) FROM ticket"
                             " WHERE id < 1 << 40", NULL, NULL), 0);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM event e LEFT JOIN ticket t"
                             " ON t.id = e.ticket WHERE e.ticket IS NOT NULL"
                             " AND t.number IS NOT e.number", NULL, NULL), 0);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM rating r JOIN ticket t"
                             " ON t.id = r.ticket WHERE t.state = 5", NULL, NULL), 1);
    assert_int_equal(qh_store_waiting_count(s, day, "A"), 4);
    assert_int_equal(qh_store_waiting_count(s, day, "B"), 4);
    assert_int_equal(qh_store_waiting_count(s, day, "C"), 1);
    counters_agree(s, db, "after migration");
    struct qh_issue_info info;
    assert_int_equal(qh_ticket_issue(s, &a, &t, &info, err, sizeof err), 0);
    assert_int_equal(info.ahead, 4);
    assert_string_equal(t.number, "A006");
    assert_int_equal(raw_lane(s, &t), 0);
    assert_int_equal(qh_ticket_get(s, "B002", &t, err, sizeof err), 0);
    assert_int_equal(t.seq, 2);
    counters_agree(s, db, "issued after migration");
    /* The four that waited before are called first, then the new one. */
    for (int i = 0; i < 5; i++) {
        assert_int_equal(qh_ticket_call_next(s, 1, &t, err, sizeof err), 0);
        assert_int_equal(strcmp(t.number, "A006") == 0, i == 4);
        assert_int_equal(qh_ticket_noshow(s, 1, &t, err, sizeof err), 0);
    }
    counters_agree(s, db, "called after migration");
    sqlite3_close(db);
    qh_store_close(s);
}

/* A database of schema 7 (ratings chosen on the staff terminal, no
 * channel) is brought to schema 8: every rating it holds becomes channel
 * legacy, with no device and no admin, and `qhall check` passes. */
static void migrate_from_7(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("migrate7");
    char path[512], report[4096];
    snprintf(path, sizeof path, "%s", qh_store_path(s));
    struct qh_issue_req a = {.service = "XK001"};
    struct qh_ticket_row t;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(qh_ticket_issue(s, &a, NULL, NULL, err, sizeof err), 0);
        assert_int_equal(qh_ticket_call_next(s, 1, &t, err, sizeof err), 0);
        assert_int_equal(qh_ticket_start(s, 1, &t, err, sizeof err), 0);
        assert_int_equal(qh_ticket_finish(s, 1, "done", NULL, &t, err, sizeof err), 0);
        assert_int_equal(qh_ticket_rate(s, t.number, 4 - i, NULL, NULL, err, sizeof err), 0);
    }
    qh_store_close(s);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    const char *down =
        "BEGIN;"
        DOWN_FROM_8
        "PRAGMA user_version = 7; COMMIT;";
    if (sqlite3_exec(db, down, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("down to 7: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    assert_int_equal(qh_store_open(&s, path, 0, err, sizeof err), 0);
    db = raw_open(s);
    assert_int_equal(raw_int(db, "PRAGMA user_version", NULL, NULL), 10);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM rating WHERE channel = 'legacy'"
                             " AND device = '' AND entered_by = ''", NULL, NULL), 2);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM rating", NULL, NULL), 2);
    sqlite3_close(db);
    assert_int_equal(qh_store_check(s, report, sizeof report, err, sizeof err), 0);
    qh_store_close(s);
}

/* A database of schema 6 (wrong PINs counted in the staff table, any
 * length of admin PIN) is brought to schema 7: a lock in force and a count
 * move to the all-devices row of the lock-out, so they go on holding
 * everywhere; an admin whose 4-digit PIN was allowed then still logs in,
 * and the store learns it is too short. */
static void migrate_from_6(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("migrate6");
    char path[512], hash[QH_AUTH_HASHLEN];
    snprintf(path, sizeof path, "%s", qh_store_path(s));
    assert_int_equal(qh_staff_add(s, "w001", "王芳", "staff", "1234", err, sizeof err), 0);
    assert_int_equal(qh_staff_add(s, "boss", "所长", "admin", "246813", err, sizeof err), 0);
    assert_int_equal(qh_staff_add(s, "w002", "李强", "staff", "5678", err, sizeof err), 0);
    qh_store_close(s);
    assert_int_equal(qh_auth_hash("2468", hash, err, sizeof err), 0);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    const char *down =
        "BEGIN;"
        "DROP TABLE login_lock;"
        DOWN_FROM_8
        "CREATE TABLE staff6(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
        "  role TEXT NOT NULL CHECK (role IN ('staff', 'admin')),"
        "  pin_hash TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0,"
        "  locked_until INTEGER NOT NULL DEFAULT 0,"
        "  created_at INTEGER NOT NULL);"
        "INSERT INTO staff6(id, name, role, pin_hash, created_at)"
        "  SELECT id, name, role, pin_hash, created_at FROM staff;"
        "DROP TABLE staff; ALTER TABLE staff6 RENAME TO staff;"
        /* 09:00 + 10 min: w002 locked; w001 three wrong PINs */
        "UPDATE staff SET locked_until = 1795568400000 + 600000 WHERE id = 'w002';"
        "UPDATE staff SET failed = 3 WHERE id = 'w001';"
        "PRAGMA user_version = 6; COMMIT;";
    if (sqlite3_exec(db, down, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("down to 6: %s", sqlite3_errmsg(db));
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE staff SET pin_hash = ?1"
                                        " WHERE id = 'boss'", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);

    /* A check opens read-only and cannot migrate: it says so and what to
     * do, and leaves the schema as it was. */
    assert_int_equal(qh_store_open(&s, path, QH_STORE_READONLY, err, sizeof err), QH_E_DB);
    assert_non_null(strstr(err, "数据库结构为第 6 版，本程序为第 10 版"));
    assert_non_null(strstr(err, "qhall status"));
    assert_null(s);
    assert_int_equal(qh_store_open(&s, path, 0, err, sizeof err), 0);
    db = raw_open(s);
    assert_int_equal(raw_int(db, "PRAGMA user_version", NULL, NULL), 10);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_table_info('staff')"
                             " WHERE name IN ('failed', 'locked_until')", NULL, NULL), 0);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM login_lock", NULL, NULL), 2);
    assert_int_equal(raw_int(db, "SELECT failed FROM login_lock WHERE staff = 'w001'"
                             " AND device = '*'", NULL, NULL), 3);
    assert_int_equal(raw_int(db, "SELECT strikes FROM login_lock WHERE staff = 'w002'"
                             " AND device = '*'", NULL, NULL), 1);
    sqlite3_close(db);
    struct qh_staff_row row;
    assert_int_equal(qh_store_staff_get(s, "boss", &row), 0);
    assert_int_equal(row.pin_short, -1);        /* not known before a login */
    assert_int_equal(qh_store_staff_get(s, "w001", &row), 0);
    assert_string_equal(row.name, "王芳");
    /* The lock from schema 6 holds on every device, for what is left of it. */
    qh_store_set_actor(s, "counter:4");
    assert_int_equal(qh_staff_login(s, 4, "w002", "5678", err, sizeof err), QH_E_LOCKED);
    assert_non_null(strstr(err, "请 10 分钟后再试"));
    /* The old admin PIN of 4 digits still opens the kiosk's admin screen. */
    qh_store_set_actor(s, "kiosk:1");
    char who[QH_STAFF_LEN] = "";
    assert_int_equal(qh_staff_verify(s, NULL, "2468", 0, who, sizeof who, err, sizeof err), 0);
    assert_string_equal(who, "boss");
    assert_int_equal(qh_store_staff_get(s, "boss", &row), 0);
    assert_int_equal(row.pin_short, 1);
    qh_store_close(s);
}

/* A kiosk whose clock lags another program's across midnight issues on a
 * day already rolled over: its ticket waits in lane 1 (the next rollover
 * looks for lane 0 on the service day only), and that rollover closes
 * it.  Numbers of the new day go on in lane 0, found by their place. */
static void lane_across_midnight(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("midnight"), *late;
    assert_int_equal(qh_store_open(&late, qh_store_path(s), 0, err, sizeof err), 0);
    struct qh_issue_req a = {.service = "XK001"};
    struct qh_ticket_row t, old;
    char day[11];
    tu_clock("2026-11-26T00:00:02+08:00");
    assert_int_equal(qh_ticket_issue(s, &a, &t, NULL, err, sizeof err), 0);
    assert_string_equal(t.day, "2026-11-26");
    assert_int_equal(raw_lane(s, &t), 0);
    tu_clock("2026-11-25T23:59:58+08:00");
    assert_int_equal(qh_ticket_issue(late, &a, &old, NULL, err, sizeof err), 0);
    assert_string_equal(old.day, "2026-11-25");
    assert_int_equal(raw_lane(s, &old), 1);
    tu_clock("2026-11-27T08:30:00+08:00");
    assert_int_equal(qh_ticket_issue(s, &a, &t, NULL, err, sizeof err), 0);
    assert_int_equal(raw_lane(s, &t), 0);
    assert_string_equal(t.number, "A001");
    assert_int_equal(qh_store_ticket_get(s, old.id, &old), 0);
    assert_int_equal(old.state, QH_TICKET_EXPIRED);
    qh_hall_today(s, day);
    sqlite3 *db = raw_open(s);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM ticket WHERE state = 0",
                             NULL, NULL), 1);
    counters_agree(s, db, "after midnight");
    sqlite3_close(db);
    qh_store_close(late);
    qh_store_close(s);
    tu_clock("2026-11-25T09:00:00+08:00");
}

/* day_seq's head follows lane 0 past what lies between: a green ticket
 * first in the range, a number called out of turn, a cancelled one.
 * Were it left behind, every call would step over the whole day. */
static void head_follows_lane0(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("head");
    struct qh_issue_req a = {.service = "XK001"},
                        g = {.service = "XK001", .green = "elderly"};
    struct qh_ticket_row t;
    char day[11];
    assert_int_equal(qh_ticket_issue(s, &g, &t, NULL, err, sizeof err), 0);
    for (int i = 0; i < 6; i++)
        assert_int_equal(qh_ticket_issue(s, &a, &t, NULL, err, sizeof err), 0);
    /* A001 green, A002..A007 lane 0. */
    assert_int_equal(qh_ticket_cancel(s, "A004", &t, err, sizeof err), 0);
    assert_int_equal(qh_ticket_call(s, 2, "A006", &t, err, sizeof err), 0);
    assert_int_equal(qh_ticket_noshow(s, 2, &t, err, sizeof err), 0);
    static const char *const order[] = { "A001", "A002", "A003", "A005", "A007" };
    for (int i = 0; i < 5; i++) {
        assert_int_equal(qh_ticket_call_next(s, 1, &t, err, sizeof err), 0);
        assert_string_equal(t.number, order[i]);
        assert_int_equal(qh_ticket_noshow(s, 1, &t, err, sizeof err), 0);
    }
    qh_hall_today(s, day);
    sqlite3 *db = raw_open(s);
    assert_int_equal(raw_int(db, "SELECT head FROM day_seq WHERE day = ?1"
                             " AND queue = 'A'", day, NULL), 8);
    counters_agree(s, db, "all called");
    sqlite3_close(db);
    qh_store_close(s);
}

/* A kiosk keeps the items it issued for; another program moving an item
 * to another queue is seen at the kiosk's next issue, and so is a change
 * made in its own transaction. */
static void service_cache_follows_catalogue(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("svccache"), *admin;
    assert_int_equal(qh_store_open(&admin, qh_store_path(s), 0, err, sizeof err), 0);
    struct qh_issue_req a = {.service = "XK001"};
    struct qh_ticket_row t;
    assert_int_equal(qh_ticket_issue(s, &a, &t, NULL, err, sizeof err), 0);
    assert_string_equal(t.queue, "A");
    struct qh_service sv;
    assert_int_equal(qh_store_service_get(admin, "XK001", &sv), 0);
    snprintf(sv.queue, sizeof sv.queue, "B");
    assert_int_equal(qh_store_begin(admin, err, sizeof err), 0);
    assert_int_equal(qh_store_service_put(admin, &sv, err, sizeof err), 0);
    assert_int_equal(qh_store_commit(admin, err, sizeof err), 0);
    assert_int_equal(qh_ticket_issue(s, &a, &t, NULL, err, sizeof err), 0);
    assert_string_equal(t.queue, "B");
    assert_int_equal(qh_store_begin(s, err, sizeof err), 0);
    assert_int_equal(qh_store_service_get(s, "XK001", &sv), 0);
    assert_string_equal(sv.queue, "B");
    snprintf(sv.queue, sizeof sv.queue, "C");
    assert_int_equal(qh_store_service_put(s, &sv, err, sizeof err), 0);
    assert_int_equal(qh_store_service_get(s, "XK001", &sv), 0);
    assert_string_equal(sv.queue, "C");
    qh_store_rollback(s);
    assert_int_equal(qh_ticket_issue(s, &a, &t, NULL, err, sizeof err), 0);
    assert_string_equal(t.queue, "B");
    qh_store_close(admin);
    qh_store_close(s);
}

/* qhall check sees a number out of its place, a gap in a queue's numbers,
 * a waiting count that no longer adds up, a ticket without the link to
 * its issued event, and lane-0 tickets out of the normal order or issued
 * before the one before them, each by name. */
static void check_finds_broken_numbers(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("checkbad");
    char report[4096];
    struct qh_issue_req a = {.service = "XK001"};
    for (int i = 0; i < 3; i++)
        assert_int_equal(qh_ticket_issue(s, &a, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(qh_store_check(s, report, sizeof report, err, sizeof err), 0);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(qh_store_path(s), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, "UPDATE ticket SET seq = 9 WHERE number = 'A003';"
                     "UPDATE ticket SET issued_event = 0, issued_at = issued_at"
                     " - 60000, virtual_at = virtual_at - 60000"
                     " WHERE number = 'A002';"
                     "UPDATE ticket SET prio = 0 WHERE number = 'A001'",
                     NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    assert_true(qh_store_check(s, report, sizeof report, err, sizeof err) >= 6);
    assert_non_null(strstr(report, "A003: id "));
    assert_non_null(strstr(report, "is not its number's place"));
    assert_non_null(strstr(report, "numbers of queue A"));
    assert_non_null(strstr(report, "waiting in queue A"));
    assert_non_null(strstr(report, "A002 does not link its issued event"));
    assert_non_null(strstr(report, "A002, waiting in number order: issued before"));
    assert_non_null(strstr(report, "A001, waiting in number order: out of order"));
    qh_store_close(s);
}

/* ---- reads that fail ---- */

/* Overwrite every page of `table` (as dbstat finds them, after a
 * checkpoint put them all in the file) with the same fixed garbage, as a
 * disk or a copy gone wrong leaves them.  Returns the number of pages. */
static int damage(const char *path, const char *table)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int pages[64], n = 0, psize = 0;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT pageno, (SELECT page_size FROM"
                                        " pragma_page_size) FROM dbstat WHERE name = ?1",
                                        -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW && n < 64) {
        pages[n++] = sqlite3_column_int(st, 0);
        psize = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_true(n > 0 && psize > 0 && psize <= 65536);
    static unsigned char junk[65536];
    for (int i = 0; i < psize; i++)
        junk[i] = (unsigned char)(i * 131 + 7);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    for (int i = 0; i < n; i++)
        assert_int_equal(pwrite(fd, junk, (size_t)psize, (off_t)(pages[i] - 1) * psize),
                         psize);
    close(fd);
    return n;
}

/* The whole file, to prove nothing wrote to it (the caller frees). */
static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    char *b = malloc((size_t)*len + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)*len, f), (size_t)*len);
    fclose(f);
    return b;
}

/* A busy morning's database at a fresh path, closed: its path. */
static const char *busy_db(char *path, size_t n, struct qh_ticket_row *waiting)
{
    struct qh_store *s = tu_store_new("damaged");
    struct qh_issue_req a = {.queue = "A"}, b = {.service = "GG001"};
    struct qh_ticket_row t;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(qh_ticket_issue(s, &a, &t, NULL, err, sizeof err), 0);
        assert_int_equal(qh_ticket_issue(s, &b, NULL, NULL, err, sizeof err), 0);
    }
    if (waiting)
        *waiting = t;
    assert_int_equal(qh_ticket_call_next(s, 1, &t, err, sizeof err), 0);
    assert_int_equal(qh_ticket_call_next(s, 3, &t, err, sizeof err), 0);
    snprintf(path, n, "%s", qh_store_path(s));
    qh_store_close(s);
    return path;
}

/* The issue's case: the pages of the hall's queues are garbage.  The open
 * fails, saying what integrity_check finds, and writes nothing: the hall
 * is never read as "not set yet" (which let the CLI give the database the
 * default hall again and issue A001 twice). */
static void unreadable_hall_fails_open(void **state)
{
    (void)state;
    char path[512];
    long n0, n1;
    struct qh_store *s = (void *)1;
    busy_db(path, sizeof path, NULL);
    damage(path, "queue");
    damage(path, "queue_key");
    char *before = slurp(path, &n0);
    assert_int_equal(qh_store_open(&s, path, 0, err, sizeof err), QH_E_CORRUPT);
    assert_null(s);
    assert_non_null(strstr(err, "已损坏"));
    assert_non_null(strstr(err, "qhall backup"));
    assert_non_null(strstr(err, "PRAGMA integrity_check"));
    assert_non_null(strstr(err, "Page "));
    assert_int_equal(qh_store_open(&s, path, QH_STORE_EN, err, sizeof err), QH_E_CORRUPT);
    assert_non_null(strstr(err, "is damaged"));
    assert_int_equal(qh_store_open(&s, path, QH_STORE_READONLY, err, sizeof err),
                     QH_E_CORRUPT);
    /* A short buffer gets the start of it, cut between characters. */
    char small[40];
    assert_int_equal(qh_store_open(&s, path, 0, small, sizeof small), QH_E_CORRUPT);
    assert_true(strlen(small) > 20 && strlen(small) < sizeof small);
    assert_true(qh_text_valid_utf8(small, strlen(small)));
    char *after = slurp(path, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, (size_t)n0);
    free(before);
    free(after);
}

/* Counts, the log's end, quotas and the check on a file whose ticket,
 * event and counter pages are garbage (the hall's are whole, so it
 * opens): each read is an error, none is 0. */
static void damaged_reads_fail(void **state)
{
    (void)state;
    char path[512], day[11];
    struct qh_store *s;
    struct qh_ticket_row t;
    busy_db(path, sizeof path, &t);
    damage(path, "ticket");
    damage(path, "event");
    damage(path, "day_seq");
    assert_int_equal(qh_store_open(&s, path, 0, err, sizeof err), 0);
    qh_hall_today(s, day);
    int64_t last = 99;
    err[0] = '\0';
    assert_int_equal(qh_store_last_event_id(s, &last, err, sizeof err), QH_E_CORRUPT);
    assert_non_null(strstr(err, "PRAGMA integrity_check"));
    assert_int_equal(qh_store_waiting_count(s, day, "A"), QH_E_CORRUPT);
    assert_int_equal(qh_store_ahead(s, &t), QH_E_CORRUPT);
    assert_int_equal(qh_store_issued_count(s, day, "A"), QH_E_CORRUPT);
    assert_int_equal(qh_store_service_issued_count(s, day, "GG001"), QH_E_CORRUPT);
    struct qh_issue_req a = {.queue = "A"};
    assert_int_equal(qh_ticket_issue(s, &a, NULL, NULL, err, sizeof err), QH_E_CORRUPT);
    static char report[8192];
    assert_int_equal(qh_store_check(s, report, sizeof report, err, sizeof err), QH_E_CORRUPT);
    assert_non_null(strstr(err, "PRAGMA integrity_check"));
    assert_non_null(strstr(report, "sqlite: "));
    qh_store_close(s);
}

/* Pages damaged under an open connection: the window-of-staff lookup and
 * a reload of the hall fail once another program's commit makes the
 * connection read the file again, and the hall loaded before stays. */
static void damaged_under_open_connection(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("damaged");
    char path[512];
    snprintf(path, sizeof path, "%s", qh_store_path(s));
    assert_int_equal(qh_store_window_of_staff(s, "w01"), 0);
    damage(path, "win");
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO setting(key, value) VALUES ('t', '1')",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(qh_store_window_of_staff(s, "w01"), QH_E_CORRUPT);
    err[0] = '\0';
    assert_int_equal(qh_store_hall_reload(s, err, sizeof err), QH_E_CORRUPT);
    assert_non_null(strstr(err, "PRAGMA integrity_check"));
    assert_int_equal(qh_store_has_hall(s), 1);
    assert_int_equal(qh_store_hall(s)->nwindows, 5);
    /* A write transaction reloads the hall only when it moved: here the
     * begin reads on, and the call fails reading the windows. */
    struct qh_ticket_row t;
    assert_true(qh_ticket_call_next(s, 1, &t, err, sizeof err) < 0);
    qh_store_close(s);
}

/* Only a blank database is given a hall unasked: one with history and no
 * hall to read (its queues gone) is refused unless forced. */
static void init_only_blank(void **state)
{
    (void)state;
    struct qh_store *s = tu_store_new("blank");
    char path[512];
    struct qh_hall_conf c;
    snprintf(path, sizeof path, "%s", qh_store_path(s));
    assert_int_equal(qh_store_is_blank(s, err, sizeof err), 0);
    qh_store_close(s);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM queue; DELETE FROM setting"
                                  " WHERE key = 'hall_rev'", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(qh_store_open(&s, path, 0, err, sizeof err), 0);
    assert_int_equal(qh_store_has_hall(s), 0);
    int64_t last = tu_last_event(s);
    qh_conf_defaults(&c);
    assert_int_equal(qh_hall_init(s, &c, 0, err, sizeof err), QH_E_STATE);
    assert_non_null(strstr(err, "qhall check"));
    assert_int_equal(tu_last_event(s), last);
    assert_int_equal(qh_hall_init(s, &c, 1, err, sizeof err), 0);
    assert_int_equal(qh_store_has_hall(s), 1);
    qh_store_close(s);
    /* A new file is blank. */
    assert_int_equal(qh_store_open(&s, tu_db_path("blank"), 0, err, sizeof err), 0);
    assert_int_equal(qh_store_is_blank(s, err, sizeof err), 1);
    qh_store_close(s);
}

/* The screens' open: a missing file is not created, an empty one not
 * written to. */
static void existing_only(void **state)
{
    (void)state;
    struct qh_store *s = (void *)1;
    struct stat st;
    char wal[600];
    const char *path = tu_db_path("existing");
    assert_int_equal(qh_store_open(&s, path, QH_STORE_EXISTING, err, sizeof err),
                     QH_E_NOTFOUND);
    assert_null(s);
    assert_int_equal(stat(path, &st), -1);
    assert_int_equal(qh_store_open(&s, path, QH_STORE_READONLY, err, sizeof err),
                     QH_E_NOTFOUND);
    assert_int_equal(stat(path, &st), -1);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(qh_store_open(&s, path, QH_STORE_EXISTING, err, sizeof err),
                     QH_E_NOTFOUND);
    assert_non_null(strstr(err, "qhall init"));
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0);
    snprintf(wal, sizeof wal, "%s-wal", path);
    assert_int_equal(stat(wal, &st), -1);
}

int main(void)
{
    setenv("QHALL_SYNC", "normal", 1);
    tu_clock("2026-11-25T09:00:00+08:00");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_and_reopen),
        cmocka_unit_test(hall_change_seen_by_other_connection),
        cmocka_unit_test(events_append_only),
        cmocka_unit_test(own_events),
        cmocka_unit_test(issued_link),
        cmocka_unit_test(backup),
        cmocka_unit_test(checkpoint),
        cmocka_unit_test(open_failures),
        cmocka_unit_test(waiting_counters),
        cmocka_unit_test(migrate_from_3),
        cmocka_unit_test(migrate_from_6),
        cmocka_unit_test(migrate_from_7),
        cmocka_unit_test(hall_settings_round_trip),
        cmocka_unit_test(lane_across_midnight),
        cmocka_unit_test(head_follows_lane0),
        cmocka_unit_test(service_cache_follows_catalogue),
        cmocka_unit_test(check_finds_broken_numbers),
        cmocka_unit_test(unreadable_hall_fails_open),
        cmocka_unit_test(damaged_reads_fail),
        cmocka_unit_test(damaged_under_open_connection),
        cmocka_unit_test(init_only_blank),
        cmocka_unit_test(existing_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
