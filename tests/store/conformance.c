/* conformance.c: what every store backend must do, said through the store
 * interface alone (qh/store.h, qh/watch.h, the records of qh/record.h).
 *
 * No SQL and no backend header: a backend is done when this suite passes
 * on it.  The databases come from backend.h (QHALL_TEST_STORE picks the
 * backend); a ticket is issued here with the store's own calls (seq_next,
 * insert, its issued event, in one transaction), the core API only where
 * a test needs what a whole operation writes (the statistics read the
 * events the lifecycle writes).
 *
 * The guarantees run as real processes on separate connections: writers
 * issuing at once get gap-free numbers with their events, a writer killed
 * inside its transaction leaves nothing, the change feed hands over every
 * event once across a reconnect, and two programs making the first write
 * of a new day roll over once.  Every test ends with qh_store_check. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "qh/clock.h"
#include "qh/conf.h"
#include "qh/buf.h"
#include "qh/record.h"
#include "qh/store.h"
#include "qh/ticket.h"
#include "qh/watch.h"
#include "backend.h"

#define DAY1 "2026-11-25"
#define DAY2 "2026-11-26"

static const struct qh_test_backend *be;
static char err[4096];
static int64_t t0;            /* DAY1 09:00 in the hall's zone */

/* ---- databases ---- */

static struct qh_store *db_open(const char *name, int flags)
{
    struct qh_store *s = NULL;
    if (qh_store_open(&s, name, flags, err, sizeof err) < 0)
        fail_msg("open %s: %s", name, err);
    return s;
}

static void begin(struct qh_store *s)
{
    if (qh_store_begin(s, err, sizeof err) < 0)
        fail_msg("begin: %s", err);
}

static void commit(struct qh_store *s)
{
    if (qh_store_commit(s, err, sizeof err) < 0)
        fail_msg("commit: %s", err);
}

static void put_service(struct qh_store *s, const char *code, const char *queue,
                        const char *name)
{
    struct qh_service sv;
    memset(&sv, 0, sizeof sv);
    snprintf(sv.code, sizeof sv.code, "%s", code);
    snprintf(sv.name, sizeof sv.name, "%s", name);
    snprintf(sv.queue, sizeof sv.queue, "%s", queue);
    sv.promised_days = 3;
    snprintf(sv.materials, sizeof sv.materials, "身份证;户口簿");
    snprintf(sv.initials, sizeof sv.initials, "%s", code);
    if (qh_store_service_put(s, &sv, err, sizeof err) < 0)
        fail_msg("service %s: %s", code, err);
}

/* A new database with the default hall (queues A B C, windows 1-5), its
 * service day DAY1 and four service items; its name into name. */
static struct qh_store *db_new(const char *tag, char *name)
{
    struct qh_hall_conf c;
    if (be->fresh(tag, name, QH_TEST_NAME_LEN, err, sizeof err) < 0)
        fail_msg("%s: %s", be->name, err);
    struct qh_store *s = db_open(name, 0);
    qh_conf_defaults(&c);
    begin(s);
    if (qh_store_hall_save(s, &c, err, sizeof err) < 0 ||
        qh_store_setting_set(s, "day", DAY1, err, sizeof err) < 0)
        fail_msg("hall: %s", err);
    put_service(s, "XK001", "A", "企业开办");
    put_service(s, "XK002", "A", "变更登记");
    put_service(s, "XK003", "A", "注销登记");
    put_service(s, "GG001", "B", "社保卡");
    commit(s);
    return s;
}

static void assert_healthy(struct qh_store *s)
{
    static char report[8192];
    int n = qh_store_check(s, report, sizeof report, err, sizeof err);
    if (n != 0)
        fail_msg("check: %d: %s%s", n, report, n < 0 ? err : "");
}

/* Issue in the caller's transaction: the next number of queue on day,
 * waiting from `at` (not before the one before it), virtual_at earlier by
 * `ahead_ms` (a green ticket), and its issued event. */
static int issue_tx(struct qh_store *s, const char *day, const char *queue,
                    const char *service, int64_t at, int64_t ahead_ms,
                    struct qh_ticket_row *t, char *e, size_t elen)
{
    const struct qh_queue_conf *q = qh_conf_queue(qh_store_hall(s), queue);
    struct qh_event_row ev;
    int64_t after = -1;
    int rc;
    memset(t, 0, sizeof *t);
    if (!q)
        return qh_err(e, elen, QH_E_NOTFOUND, "no queue %s", queue);
    snprintf(t->day, sizeof t->day, "%s", day);
    snprintf(t->queue, sizeof t->queue, "%s", queue);
    snprintf(t->service, sizeof t->service, "%s", service ? service : "");
    if ((rc = qh_store_seq_next(s, day, queue, &t->seq, &after, e, elen)) < 0)
        return rc;
    snprintf(t->number, sizeof t->number, "%s%03d", q->prefix, t->seq);
    t->state = QH_TICKET_WAITING;
    t->issued_at = at > after ? at : after;
    t->virtual_at = t->issued_at - ahead_ms;
    t->prio = 1;
    if (ahead_ms)
        snprintf(t->green, sizeof t->green, "elderly");
    if ((rc = qh_store_ticket_insert(s, t, e, elen)) < 0)
        return rc;
    memset(&ev, 0, sizeof ev);
    ev.at = t->issued_at;
    snprintf(ev.type, sizeof ev.type, "issued");
    ev.ticket = t->id;
    snprintf(ev.number, sizeof ev.number, "%s", t->number);
    snprintf(ev.queue, sizeof ev.queue, "%s", t->queue);
    snprintf(ev.detail, sizeof ev.detail, "{\"via\":\"conformance\"}");
    return qh_store_event_add(s, &ev, e, elen);
}

static struct qh_ticket_row issue_at(struct qh_store *s, const char *queue,
                                     const char *service, int64_t at, int64_t ahead_ms)
{
    struct qh_ticket_row t;
    begin(s);
    if (issue_tx(s, DAY1, queue, service, at, ahead_ms, &t, err, sizeof err) < 0)
        fail_msg("issue %s: %s", queue, err);
    commit(s);
    return t;
}

static int64_t add_event(struct qh_store *s, const char *type,
                         const struct qh_ticket_row *t, int window, int64_t at)
{
    struct qh_event_row ev;
    memset(&ev, 0, sizeof ev);
    ev.at = at;
    snprintf(ev.type, sizeof ev.type, "%s", type);
    if (t) {
        ev.ticket = t->id;
        snprintf(ev.number, sizeof ev.number, "%s", t->number);
        snprintf(ev.queue, sizeof ev.queue, "%s", t->queue);
    }
    ev.window = window;
    snprintf(ev.detail, sizeof ev.detail, "{}");
    if (qh_store_event_add(s, &ev, err, sizeof err) < 0)
        fail_msg("event %s: %s", type, err);
    return ev.id;
}

/* Write t as changed, with the event the change is, in one transaction;
 * the event's id. */
static int64_t change(struct qh_store *s, struct qh_ticket_row *t, const char *type)
{
    begin(s);
    if (qh_store_ticket_update(s, t, err, sizeof err) < 0)
        fail_msg("update %s: %s", t->number, err);
    int64_t id = add_event(s, type, t, t->window, t->called_at ? t->called_at : t0);
    commit(s);
    return id;
}

static void call_at(struct qh_store *s, struct qh_ticket_row *t, int window)
{
    t->state = QH_TICKET_CALLED;
    t->window = window;
    t->called_at = t0 + 60000;
    change(s, t, "called");
}

static void same_ticket(const struct qh_ticket_row *a, const struct qh_ticket_row *b)
{
    assert_int_equal(a->id, b->id);
    assert_string_equal(a->day, b->day);
    assert_string_equal(a->number, b->number);
    assert_int_equal(a->seq, b->seq);
    assert_string_equal(a->queue, b->queue);
    assert_string_equal(a->service, b->service);
    assert_int_equal(a->state, b->state);
    assert_string_equal(a->green, b->green);
    assert_int_equal(a->issued_at, b->issued_at);
    assert_int_equal(a->virtual_at, b->virtual_at);
    assert_int_equal(a->prio, b->prio);
    assert_int_equal(a->called_at, b->called_at);
    assert_int_equal(a->started_at, b->started_at);
    assert_int_equal(a->finished_at, b->finished_at);
    assert_int_equal(a->window, b->window);
    assert_int_equal(a->target_window, b->target_window);
    assert_string_equal(a->staff, b->staff);
    assert_int_equal(a->recalls, b->recalls);
    assert_string_equal(a->outcome, b->outcome);
    assert_int_equal(a->rated, b->rated);
    assert_int_equal(a->appointment, b->appointment);
}

/* ---- open, hall, settings ---- */

static void open_flags(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN], empty[QH_TEST_NAME_LEN], path[QH_TEST_NAME_LEN];
    struct qh_store *s = (void *)1;
    assert_int_equal(be->fresh("open", name, sizeof name, err, sizeof err), 0);
    /* The screens' and the check's opens create nothing. */
    assert_int_equal(qh_store_open(&s, name, QH_STORE_EXISTING, err, sizeof err),
                     QH_E_NOTFOUND);
    assert_null(s);
    assert_int_equal(qh_store_open(&s, name, QH_STORE_READONLY, err, sizeof err),
                     QH_E_NOTFOUND);
    assert_int_equal(qh_store_open(&s, name, QH_STORE_EXISTING | QH_STORE_READONLY,
                                   err, sizeof err), QH_E_NOTFOUND);
    assert_int_equal(be->empty("open", empty, sizeof empty, err, sizeof err), 0);
    assert_int_equal(qh_store_open(&s, empty, QH_STORE_EXISTING, err, sizeof err),
                     QH_E_NOTFOUND);
    assert_non_null(strstr(err, "qhall init"));
    assert_int_equal(qh_store_open(&s, empty, QH_STORE_READONLY, err, sizeof err),
                     QH_E_NOTFOUND);
    /* ... still empty, so a plain open sets it up. */
    s = db_open(empty, 0);
    assert_int_equal(qh_store_is_blank(s, err, sizeof err), 1);
    qh_store_close(s);
    be->drop(empty);

    s = db_open(name, 0);
    assert_string_equal(qh_store_path(s), name);
    assert_int_equal(qh_store_has_hall(s), 0);
    assert_int_equal(qh_store_is_blank(s, err, sizeof err), 1);
    assert_int_equal(tu_last_event(s), 0);
    qh_store_set_lang(s, QH_LANG_EN);
    assert_int_equal(qh_store_lang(s), QH_LANG_EN);
    qh_store_set_lang(s, QH_LANG_ZH);
    assert_int_equal(qh_store_lang(s), QH_LANG_ZH);
    qh_store_set_actor(s, "counter:3");
    assert_string_equal(qh_store_actor(s), "counter:3");
    qh_store_close(s);
    /* Set up now, though without a hall: EXISTING opens it. */
    s = db_open(name, QH_STORE_EXISTING | QH_STORE_EN);
    assert_int_equal(qh_store_has_hall(s), 0);
    qh_store_close(s);
    be->drop(name);

    s = db_new("open", name);
    assert_int_equal(qh_store_has_hall(s), 1);
    assert_int_equal(qh_store_is_blank(s, err, sizeof err), 0);
    qh_store_close(s);
    /* A read-only connection reads and never writes. */
    s = db_open(name, QH_STORE_READONLY);
    assert_int_equal(qh_store_has_hall(s), 1);
    assert_int_equal(qh_store_service_count(s, NULL), 4);
    int rc = qh_store_begin(s, err, sizeof err);
    if (rc == 0) {
        rc = qh_store_setting_set(s, "ro", "1", err, sizeof err);
        if (rc == 0)
            rc = qh_store_commit(s, err, sizeof err);
        qh_store_rollback(s);
    }
    assert_true(rc < 0);
    qh_store_close(s);
    qh_store_close(NULL);
    s = db_open(name, 0);
    char v[8];
    assert_int_equal(qh_store_setting_get(s, "ro", v, sizeof v), 0);
    assert_healthy(s);
    qh_store_close(s);
    be->drop(name);

    /* Where programs find the database: --db, then QHALL_DB. */
    char *saved = getenv("QHALL_DB") ? strdup(getenv("QHALL_DB")) : NULL;
    int fallback = -1;
    setenv("QHALL_DB", "from-env", 1);
    assert_int_equal(qh_store_find_path(name, path, sizeof path, &fallback, err,
                                        sizeof err), 0);
    assert_string_equal(path, name);
    assert_int_equal(fallback, 0);
    assert_int_equal(qh_store_find_path(NULL, path, sizeof path, &fallback, err,
                                        sizeof err), 0);
    assert_string_equal(path, "from-env");
    assert_int_equal(fallback, 0);
    if (saved)
        setenv("QHALL_DB", saved, 1);
    else
        unsetenv("QHALL_DB");
    free(saved);
}

/* Every hall field a backend keeps, saved by one connection, is what
 * another loads, reloads, or finds at its next transaction; a window
 * that stays keeps its login. */
static void hall_save_and_reload(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *a = db_new("hall", name), *b = db_open(name, 0), *c2;
    struct qh_window_row w;
    assert_int_equal(qh_store_window_get(a, 2, &w), 0);
    snprintf(w.staff, sizeof w.staff, "w01");
    w.login_at = t0;
    begin(a);
    assert_int_equal(qh_store_window_put(a, &w, err, sizeof err), 0);
    commit(a);

    struct qh_hall_conf c = *qh_store_hall(a);
    snprintf(c.name, sizeof c.name, "甲镇政务服务中心");
    snprintf(c.timezone, sizeof c.timezone, "Asia/Urumqi");
    snprintf(c.notice, sizeof c.notice, "请带身份证");
    snprintf(c.windows[0].name, sizeof c.windows[0].name, "一号窗");
    snprintf(c.printer.qr, sizeof c.printer.qr, "x:{number}");
    c.recall_limit = 1;
    c.days = 0x3f;
    c.queues[1].daily_quota = 150;
    c.kiosk.idle_seconds = 120;
    c.windows[4].overflow_minutes = 7;
    begin(a);
    assert_int_equal(qh_store_hall_save(a, &c, err, sizeof err), 0);
    commit(a);
    assert_int_equal(qh_store_hall(a)->recall_limit, 1);

    const struct qh_hall_conf *checks[2];
    assert_int_equal(qh_store_hall_reload(b, err, sizeof err), 0);
    checks[0] = qh_store_hall(b);
    c2 = db_open(name, QH_STORE_READONLY);
    checks[1] = qh_store_hall(c2);
    for (int i = 0; i < 2; i++) {
        const struct qh_hall_conf *r = checks[i];
        assert_string_equal(r->name, c.name);
        assert_string_equal(r->timezone, c.timezone);
        assert_string_equal(r->notice, c.notice);
        assert_string_equal(r->printer.qr, c.printer.qr);
        assert_string_equal(r->windows[0].name, "一号窗");
        assert_int_equal(r->recall_limit, 1);
        assert_int_equal(r->days, 0x3f);
        assert_int_equal(r->queues[1].daily_quota, 150);
        assert_int_equal(r->kiosk.idle_seconds, 120);
        assert_int_equal(r->windows[4].overflow_minutes, 7);
        assert_int_equal(r->nqueues, 3);
        assert_int_equal(r->nwindows, 5);
        assert_string_equal(r->windows[4].queues[0], "C");
        assert_string_equal(r->windows[4].queues[2], "B");
    }
    assert_int_equal(qh_store_window_get(c2, 2, &w), 0);
    assert_string_equal(w.staff, "w01");
    assert_int_equal(w.login_at, t0);
    qh_store_close(c2);

    /* b, without asking, sees the next change at its next begin. */
    c.recall_limit = 2;
    begin(a);
    assert_int_equal(qh_store_hall_save(a, &c, err, sizeof err), 0);
    commit(a);
    begin(b);
    assert_int_equal(qh_store_hall(b)->recall_limit, 2);
    qh_store_rollback(b);
    /* A rolled back save leaves the hall as it was. */
    c.recall_limit = 5;
    begin(a);
    assert_int_equal(qh_store_hall_save(a, &c, err, sizeof err), 0);
    qh_store_rollback(a);
    assert_int_equal(qh_store_hall_reload(b, err, sizeof err), 0);
    assert_int_equal(qh_store_hall(b)->recall_limit, 2);
    assert_healthy(b);
    qh_store_close(a);
    qh_store_close(b);
    be->drop(name);
}

static void settings(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN], v[64];
    struct qh_store *s = db_new("settings", name), *b = db_open(name, 0);
    assert_int_equal(qh_store_setting_get(s, "nope", v, sizeof v), 0);
    begin(s);
    assert_int_equal(qh_store_setting_set(s, "k", "值1", err, sizeof err), 0);
    /* Read back inside the transaction; nothing for the other yet. */
    assert_int_equal(qh_store_setting_get(s, "k", v, sizeof v), 1);
    assert_string_equal(v, "值1");
    assert_int_equal(qh_store_setting_get(b, "k", v, sizeof v), 0);
    commit(s);
    assert_int_equal(qh_store_setting_get(b, "k", v, sizeof v), 1);
    assert_string_equal(v, "值1");
    begin(s);
    assert_int_equal(qh_store_setting_set(s, "k", "v2", err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_setting_get(b, "k", v, sizeof v), 1);
    assert_string_equal(v, "v2");
    assert_int_equal(qh_store_setting_get(s, "day", v, sizeof v), 1);
    assert_string_equal(v, DAY1);
    qh_store_close(b);
    qh_store_close(s);
    be->drop(name);
}

/* The first write of a new day: day_behind says so once, expire_before
 * closes what the day before left open with an event each, and the new
 * day's numbers start again at 1. */
static void rollover(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("rollover", name);
    struct qh_ticket_row a1 = issue_at(s, "A", "XK001", t0, 0),
                         a2 = issue_at(s, "A", NULL, t0 + 1000, 0),
                         b1 = issue_at(s, "B", "GG001", t0 + 2000, 0),
                         b2 = issue_at(s, "B", NULL, t0 + 3000, 0), t;
    call_at(s, &a1, 1);
    b1.state = QH_TICKET_FINISHED;
    b1.window = 3;
    b1.called_at = t0 + 5000;
    b1.started_at = t0 + 6000;
    b1.finished_at = t0 + 9000;
    change(s, &b1, "finished");
    b2.state = QH_TICKET_HELD;
    b2.window = 3;
    change(s, &b2, "held");
    assert_int_equal(qh_store_day_behind(s, DAY1), 0);
    assert_int_equal(qh_store_day_behind(s, DAY2), 1);
    int64_t last = tu_last_event(s), now = t0 + 86400000;
    begin(s);
    assert_int_equal(qh_store_day_behind(s, DAY2), 1);
    assert_int_equal(qh_store_expire_before(s, DAY2, now, err, sizeof err), 3);
    assert_int_equal(qh_store_setting_set(s, "day", DAY2, err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_day_behind(s, DAY2), 0);
    begin(s);
    assert_int_equal(qh_store_day_behind(s, DAY2), 0);
    assert_int_equal(qh_store_expire_before(s, DAY2, now, err, sizeof err), 0);
    qh_store_rollback(s);
    struct qh_event_row ev[8];
    int n = qh_store_events_since(s, last, ev, 8, err, sizeof err);
    assert_int_equal(n, 3);
    int64_t seen = 0;
    for (int i = 0; i < n; i++) {
        assert_string_equal(ev[i].type, "expired");
        assert_int_equal(ev[i].at, now);
        seen |= ev[i].ticket == a1.id ? 1 : ev[i].ticket == a2.id ? 2 : ev[i].ticket == b2.id ? 4 : 8;
    }
    assert_int_equal(seen, 7);
    assert_int_equal(qh_store_ticket_get(s, a1.id, &t), 0);
    assert_int_equal(t.state, QH_TICKET_EXPIRED);
    assert_int_equal(qh_store_ticket_get(s, b1.id, &t), 0);
    assert_int_equal(t.state, QH_TICKET_FINISHED);
    assert_int_equal(qh_store_ticket_at_window(s, DAY1, 1, &t), QH_E_NOTFOUND);
    assert_int_equal(qh_store_waiting_count(s, DAY1, "A"), 0);
    /* The new day: numbers from 1, and its tickets are not expired by it. */
    int seq;
    begin(s);
    assert_int_equal(qh_store_seq_next(s, DAY2, "A", &seq, NULL, err, sizeof err), 0);
    assert_int_equal(seq, 1);
    assert_int_equal(issue_tx(s, DAY2, "A", NULL, now, 0, &t, err, sizeof err), 0);
    assert_string_equal(t.number, "A001");
    assert_int_equal(qh_store_expire_before(s, DAY2, now, err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_waiting_count(s, DAY2, "A"), 1);
    assert_healthy(s);
    qh_store_close(s);
    be->drop(name);
}

/* ---- catalogue ---- */

struct codes { int n, stop_at; char got[16][QH_STAFF_LEN]; };

static int code_collect(const struct qh_service *sv, void *ud)
{
    struct codes *l = ud;
    if (l->n < 16)
        snprintf(l->got[l->n], sizeof l->got[0], "%s", sv->code);
    return ++l->n == l->stop_at;
}

static void services(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("services", name);
    struct qh_service sv;
    struct codes l = {0};
    assert_int_equal(qh_store_service_count(s, NULL), 4);
    assert_int_equal(qh_store_service_count(s, "A"), 3);
    assert_int_equal(qh_store_service_count(s, "C"), 0);
    assert_int_equal(qh_store_service_each(s, "A", code_collect, &l), 3);
    assert_string_equal(l.got[0], "XK001");
    assert_string_equal(l.got[1], "XK002");
    assert_string_equal(l.got[2], "XK003");
    memset(&l, 0, sizeof l);
    assert_int_equal(qh_store_service_each(s, NULL, code_collect, &l), 4);
    assert_string_equal(l.got[0], "GG001");
    memset(&l, 0, sizeof l);
    l.stop_at = 2;
    assert_int_equal(qh_store_service_each(s, NULL, code_collect, &l), 2);
    assert_int_equal(qh_store_service_get(s, "XK002", &sv), 0);
    assert_string_equal(sv.name, "变更登记");
    assert_string_equal(sv.queue, "A");
    assert_int_equal(sv.promised_days, 3);
    assert_string_equal(sv.materials, "身份证;户口簿");
    assert_string_equal(sv.initials, "XK002");
    assert_int_equal(qh_store_service_get(s, "nope", &sv), QH_E_NOTFOUND);
    /* put replaces; the change is read back in its own transaction and
     * gone with a rollback. */
    begin(s);
    snprintf(sv.queue, sizeof sv.queue, "C");
    assert_int_equal(qh_store_service_put(s, &sv, err, sizeof err), 0);
    assert_int_equal(qh_store_service_get(s, "XK002", &sv), 0);
    assert_string_equal(sv.queue, "C");
    assert_int_equal(qh_store_service_count(s, "C"), 1);
    qh_store_rollback(s);
    assert_int_equal(qh_store_service_get(s, "XK002", &sv), 0);
    assert_string_equal(sv.queue, "A");
    snprintf(sv.queue, sizeof sv.queue, "B");
    begin(s);
    assert_int_equal(qh_store_service_put(s, &sv, err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_service_count(s, "A"), 2);
    assert_int_equal(qh_store_service_count(s, "B"), 2);
    assert_int_equal(qh_store_service_count(s, NULL), 4);
    begin(s);
    assert_int_equal(qh_store_service_clear(s, err, sizeof err), 0);
    qh_store_rollback(s);
    assert_int_equal(qh_store_service_count(s, NULL), 4);
    begin(s);
    assert_int_equal(qh_store_service_clear(s, err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_service_count(s, NULL), 0);
    assert_int_equal(qh_store_service_get(s, "XK001", &sv), QH_E_NOTFOUND);
    memset(&l, 0, sizeof l);
    assert_int_equal(qh_store_service_each(s, NULL, code_collect, &l), 0);
    qh_store_close(s);
    be->drop(name);
}

/* ---- tickets ---- */

struct rows { int n, stop_at; struct qh_ticket_row t[32]; int64_t ev[32]; };

static int row_collect(const struct qh_ticket_row *t, void *ud)
{
    struct rows *l = ud;
    if (l->n < 32)
        l->t[l->n] = *t;
    return ++l->n == l->stop_at;
}

static int call_collect(const struct qh_ticket_row *t, int64_t ev, void *ud)
{
    struct rows *l = ud;
    if (l->n < 32) {
        l->t[l->n] = *t;
        l->ev[l->n] = ev;
    }
    return ++l->n == l->stop_at;
}

static void tickets(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("tickets", name), *b = db_open(name, 0);
    struct qh_ticket_row t, got;
    int seq = 0;
    int64_t after = -1;
    begin(s);
    assert_int_equal(qh_store_seq_next(s, DAY1, "A", &seq, &after, err, sizeof err), 0);
    assert_int_equal(seq, 1);
    assert_int_equal(after, 0);
    qh_store_rollback(s);
    struct qh_ticket_row a1 = issue_at(s, "A", "XK001", t0, 0),
                         a2 = issue_at(s, "A", NULL, t0 + 1000, 0),
                         b1 = issue_at(b, "B", "GG001", t0 + 2000, 0);
    assert_string_equal(a1.number, "A001");
    assert_string_equal(a2.number, "A002");
    assert_string_equal(b1.number, "B001");
    assert_true(a1.id > 0 && a2.id > 0 && a1.id != a2.id && b1.id != a1.id);
    begin(s);
    assert_int_equal(qh_store_seq_next(s, DAY1, "A", &seq, &after, err, sizeof err), 0);
    assert_int_equal(seq, 3);
    assert_int_equal(after, t0 + 1000);
    qh_store_rollback(s);
    /* Read back as written, by id and by number, by either connection. */
    assert_int_equal(qh_store_ticket_get(b, a1.id, &got), 0);
    same_ticket(&got, &a1);
    assert_int_equal(qh_store_ticket_by_number(b, DAY1, "A002", &got), 0);
    same_ticket(&got, &a2);
    assert_int_equal(qh_store_ticket_by_number(s, DAY1, "B001", &got), 0);
    same_ticket(&got, &b1);
    assert_int_equal(qh_store_ticket_by_number(s, DAY2, "A001", &got), QH_E_NOTFOUND);
    assert_int_equal(qh_store_ticket_by_number(s, DAY1, "A009", &got), QH_E_NOTFOUND);
    assert_int_equal(qh_store_ticket_get(s, a1.id + b1.id + 12345, &got), QH_E_NOTFOUND);
    /* Counts. */
    assert_int_equal(qh_store_issued_count(s, DAY1, "A"), 2);
    assert_int_equal(qh_store_issued_count(s, DAY1, "B"), 1);
    assert_int_equal(qh_store_issued_count(s, DAY1, "C"), 0);
    assert_int_equal(qh_store_issued_count(s, DAY2, "A"), 0);
    assert_int_equal(qh_store_service_issued_count(s, DAY1, "XK001"), 1);
    assert_int_equal(qh_store_service_issued_count(s, DAY1, "XK002"), 0);
    assert_int_equal(qh_store_waiting_count(s, DAY1, "A"), 2);
    assert_int_equal(qh_store_waiting_count(s, DAY1, "C"), 0);
    assert_int_equal(qh_store_ahead(s, &a1), 0);
    assert_int_equal(qh_store_ahead(s, &a2), 1);
    assert_int_equal(qh_store_queue_head(s, DAY1, "A", 1, 0, &got), 0);
    assert_int_equal(got.id, a1.id);
    assert_int_equal(qh_store_queue_head(s, DAY1, "C", 1, 0, &got), QH_E_NOTFOUND);
    struct rows l = {0};
    assert_int_equal(qh_store_ticket_each(s, DAY1, -1, row_collect, &l), 3);
    assert_int_equal(l.t[0].id, a1.id);
    assert_int_equal(l.t[1].id, a2.id);
    assert_int_equal(l.t[2].id, b1.id);
    memset(&l, 0, sizeof l);
    l.stop_at = 1;
    assert_int_equal(qh_store_ticket_each(s, DAY1, -1, row_collect, &l), 1);
    memset(&l, 0, sizeof l);
    assert_int_equal(qh_store_ticket_each(s, DAY2, -1, row_collect, &l), 0);

    /* An update is stored whole and moves the ticket out of the queue. */
    t = a1;
    t.state = QH_TICKET_CALLED;
    t.window = 1;
    t.called_at = t0 + 60000;
    snprintf(t.staff, sizeof t.staff, "w01");
    t.recalls = 1;
    change(s, &t, "called");
    assert_int_equal(qh_store_ticket_get(b, a1.id, &got), 0);
    same_ticket(&got, &t);
    assert_int_equal(qh_store_ticket_at_window(b, DAY1, 1, &got), 0);
    assert_int_equal(got.id, a1.id);
    assert_int_equal(qh_store_ticket_at_window(b, DAY1, 2, &got), QH_E_NOTFOUND);
    assert_int_equal(qh_store_ticket_at_window(b, DAY2, 1, &got), QH_E_NOTFOUND);
    assert_int_equal(qh_store_waiting_count(b, DAY1, "A"), 1);
    assert_int_equal(qh_store_ahead(b, &a2), 0);
    assert_int_equal(qh_store_queue_head(b, DAY1, "A", 1, 0, &got), 0);
    assert_int_equal(got.id, a2.id);
    assert_int_equal(qh_store_issued_count(b, DAY1, "A"), 2);
    memset(&l, 0, sizeof l);
    assert_int_equal(qh_store_ticket_each(b, DAY1, QH_TICKET_CALLED, row_collect, &l), 1);
    assert_int_equal(l.t[0].id, a1.id);
    memset(&l, 0, sizeof l);
    assert_int_equal(qh_store_ticket_each(b, DAY1, QH_TICKET_WAITING, row_collect, &l), 2);
    /* Serving is at the window too; finished is not. */
    t.state = QH_TICKET_SERVING;
    t.started_at = t0 + 90000;
    change(s, &t, "started");
    assert_int_equal(qh_store_ticket_at_window(b, DAY1, 1, &got), 0);
    t.state = QH_TICKET_FINISHED;
    t.finished_at = t0 + 400000;
    snprintf(t.outcome, sizeof t.outcome, "done");
    change(s, &t, "finished");
    assert_int_equal(qh_store_ticket_at_window(b, DAY1, 1, &got), QH_E_NOTFOUND);
    assert_healthy(s);
    qh_store_close(b);
    qh_store_close(s);
    be->drop(name);
}

struct svc_list { int n, stop_at; char got[20][24]; };

static int svc_collect(const char *service, void *ud)
{
    struct svc_list *l = ud;
    if (l->n < 20)
        snprintf(l->got[l->n], sizeof l->got[0], "%s", service);
    return ++l->n == l->stop_at;
}

/* The calling order inside a queue: prio (a released hold first), then
 * virtual_at (a green ticket ahead), then id; a ticket sent to a window
 * is skipped by the others; by_issue is plain issue order. */
static void queue_order(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("order", name);
    struct qh_ticket_row a1 = issue_at(s, "A", "XK001", t0, 0),
                         a2 = issue_at(s, "A", "XK002", t0 + 1000, 30 * 60000),
                         a3 = issue_at(s, "A", "XK003", t0 + 2000, 0),
                         a4 = issue_at(s, "A", NULL, t0 + 3000, 0), got;
    a3.target_window = 2;
    change(s, &a3, "transferred");
    a4.prio = 0;
    change(s, &a4, "released");
    assert_int_equal(qh_store_queue_head(s, DAY1, "A", 1, 0, &got), 0);
    assert_string_equal(got.number, a4.number);
    assert_int_equal(qh_store_queue_head(s, DAY1, "A", 1, 1, &got), 0);
    assert_string_equal(got.number, a1.number);
    /* Past the first three, window 1 finds nothing: A003 is window 2's. */
    struct qh_ticket_row pop[3] = {a4, a2, a1};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(qh_store_queue_head(s, DAY1, "A", 1, 0, &got), 0);
        assert_string_equal(got.number, pop[i].number);
        assert_int_equal(qh_store_ahead(s, &got), 0);
        if (i == 0) {
            struct svc_list l = {0};
            assert_int_equal(qh_store_queue_services(s, DAY1, "A", 10, svc_collect, &l), 4);
            assert_string_equal(l.got[0], "");
            assert_string_equal(l.got[1], "XK002");
            assert_string_equal(l.got[2], "XK001");
            assert_string_equal(l.got[3], "XK003");
            memset(&l, 0, sizeof l);
            assert_int_equal(qh_store_queue_services(s, DAY1, "A", 2, svc_collect, &l), 2);
            memset(&l, 0, sizeof l);
            l.stop_at = 1;
            assert_int_equal(qh_store_queue_services(s, DAY1, "A", 10, svc_collect, &l), 1);
            memset(&l, 0, sizeof l);
            assert_int_equal(qh_store_queue_services(s, DAY1, "B", 10, svc_collect, &l), 0);
            assert_int_equal(qh_store_ahead(s, &a2), 1);
            assert_int_equal(qh_store_ahead(s, &a1), 2);
            assert_int_equal(qh_store_ahead(s, &a3), 3);
            assert_int_equal(qh_store_queue_head(s, DAY1, "A", 2, 0, &got), 0);
            assert_string_equal(got.number, a4.number);
            assert_int_equal(qh_store_queue_head(s, DAY1, "A", 2, 1, &got), 0);
            assert_string_equal(got.number, a1.number);
            got = a4;
        }
        call_at(s, &got, 1);
        got.state = QH_TICKET_NO_SHOW;
        change(s, &got, "no_show");
    }
    assert_int_equal(qh_store_queue_head(s, DAY1, "A", 1, 0, &got), QH_E_NOTFOUND);
    assert_int_equal(qh_store_queue_head(s, DAY1, "A", 1, 1, &got), QH_E_NOTFOUND);
    assert_int_equal(qh_store_queue_head(s, DAY1, "A", 2, 0, &got), 0);
    assert_string_equal(got.number, a3.number);
    assert_int_equal(qh_store_waiting_count(s, DAY1, "A"), 1);
    assert_healthy(s);
    qh_store_close(s);
    be->drop(name);
}

/* The calls of a day, the latest first by the event log's order: two
 * windows calling in the same second are told apart. */
static void calls_order(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("calls", name);
    struct qh_ticket_row a1 = issue_at(s, "A", NULL, t0, 0),
                         a2 = issue_at(s, "A", NULL, t0, 0);
    issue_at(s, "B", NULL, t0, 0);
    call_at(s, &a1, 1);
    call_at(s, &a2, 2);
    a1.recalls = 1;
    int64_t e3 = change(s, &a1, "recalled");
    struct rows l = {0};
    assert_int_equal(qh_store_calls_each(s, DAY1, 10, call_collect, &l), 2);
    assert_int_equal(l.t[0].id, a1.id);
    assert_int_equal(l.ev[0], e3);
    assert_int_equal(l.t[0].recalls, 1);
    assert_int_equal(l.t[1].id, a2.id);
    assert_true(l.ev[1] < e3);
    memset(&l, 0, sizeof l);
    assert_int_equal(qh_store_calls_each(s, DAY1, 1, call_collect, &l), 1);
    assert_int_equal(l.t[0].id, a1.id);
    memset(&l, 0, sizeof l);
    l.stop_at = 1;
    assert_int_equal(qh_store_calls_each(s, DAY1, 10, call_collect, &l), 1);
    memset(&l, 0, sizeof l);
    assert_int_equal(qh_store_calls_each(s, DAY2, 10, call_collect, &l), 0);
    /* A called-back no-show is a call again, and the latest. */
    a2.state = QH_TICKET_NO_SHOW;
    change(s, &a2, "no_show");
    a2.state = QH_TICKET_CALLED;
    int64_t e5 = change(s, &a2, "called_back");
    memset(&l, 0, sizeof l);
    assert_int_equal(qh_store_calls_each(s, DAY1, 10, call_collect, &l), 2);
    assert_int_equal(l.t[0].id, a2.id);
    assert_int_equal(l.ev[0], e5);
    assert_healthy(s);
    qh_store_close(s);
    be->drop(name);
}

/* A ticket is inserted only as it starts (waiting) and never before the
 * one before it in its queue's day; the refusals change nothing. */
static void insert_refuses(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("insref", name);
    struct qh_ticket_row t = issue_at(s, "A", "XK001", t0, 0), x;
    int64_t last = tu_last_event(s);
    for (int k = 0; k < 2; k++) {
        begin(s);
        memset(&x, 0, sizeof x);
        snprintf(x.day, sizeof x.day, "%s", t.day);
        snprintf(x.queue, sizeof x.queue, "A");
        assert_int_equal(qh_store_seq_next(s, x.day, "A", &x.seq, NULL, err,
                                           sizeof err), 0);
        assert_int_equal(x.seq, 2);
        snprintf(x.number, sizeof x.number, "A002");
        x.prio = 1;
        x.issued_at = x.virtual_at = t.issued_at + (k ? -1000 : 1000);
        x.state = k ? QH_TICKET_WAITING : QH_TICKET_CALLED;
        assert_int_equal(qh_store_ticket_insert(s, &x, err, sizeof err), QH_E_USAGE);
        qh_store_rollback(s);
    }
    assert_int_equal(tu_last_event(s), last);
    x = issue_at(s, "A", NULL, t0 + 5, 0);
    assert_string_equal(x.number, "A002");
    assert_healthy(s);
    qh_store_close(s);
    be->drop(name);
}

/* ---- events ---- */

static void events(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("events", name), *b = db_open(name, 0);
    struct qh_event_row ev, got[8];
    int64_t base = tu_last_event(s);
    memset(&ev, 0, sizeof ev);
    ev.at = t0;
    snprintf(ev.type, sizeof ev.type, "paused");
    ev.window = 4;
    snprintf(ev.staff, sizeof ev.staff, "w04");
    snprintf(ev.detail, sizeof ev.detail, "{\"reason\":\"午休\"}");
    begin(s);
    assert_int_equal(qh_store_event_add(s, &ev, err, sizeof err), 0);
    assert_true(ev.id > base);
    /* Not there for another connection before the commit. */
    assert_int_equal(qh_store_events_since(b, base, got, 8, err, sizeof err), 0);
    commit(s);
    int64_t e1 = ev.id;
    assert_int_equal(qh_store_events_since(b, base, got, 8, err, sizeof err), 1);
    assert_int_equal(got[0].id, e1);
    assert_int_equal(got[0].at, t0);
    assert_string_equal(got[0].type, "paused");
    assert_int_equal(got[0].ticket, 0);
    assert_int_equal(got[0].window, 4);
    assert_string_equal(got[0].staff, "w04");
    assert_string_equal(got[0].detail, "{\"reason\":\"午休\"}");
    /* An empty detail is stored as "{}". */
    memset(&ev, 0, sizeof ev);
    ev.at = t0 + 1;
    snprintf(ev.type, sizeof ev.type, "resumed");
    begin(s);
    assert_int_equal(qh_store_event_add(s, &ev, err, sizeof err), 0);
    /* A rolled back event leaves no id behind it for the log to skip to. */
    qh_store_rollback(s);
    assert_int_equal(tu_last_event(b), e1);
    begin(s);
    assert_int_equal(qh_store_event_add(s, &ev, err, sizeof err), 0);
    commit(s);
    assert_true(ev.id > e1);
    assert_int_equal(qh_store_events_since(b, e1, got, 8, err, sizeof err), 1);
    assert_string_equal(got[0].detail, "{}");
    /* Tickets' events: paging with after and max, in id order. */
    struct qh_ticket_row t1 = issue_at(s, "A", NULL, t0 + 10, 0),
                         t2 = issue_at(b, "A", NULL, t0 + 20, 0);
    call_at(s, &t1, 1);
    call_at(b, &t2, 2);
    t1.recalls = 1;
    change(s, &t1, "recalled");
    t2.state = QH_TICKET_SERVING;
    change(b, &t2, "started");
    int64_t last = tu_last_event(s);
    assert_int_equal(tu_last_event(b), last);
    int n = qh_store_events_since(s, base, got, 8, err, sizeof err);
    assert_int_equal(n, 8);
    for (int i = 1; i < n; i++)
        assert_true(got[i].id > got[i - 1].id);
    assert_int_equal(got[7].id, last);
    assert_int_equal(qh_store_events_since(s, base, got, 3, err, sizeof err), 3);
    assert_int_equal(got[0].id, e1);
    assert_int_equal(qh_store_events_since(s, got[2].id, got, 8, err, sizeof err), 5);
    assert_string_equal(got[0].type, "issued");
    assert_int_equal(got[0].ticket, t2.id);
    assert_string_equal(got[0].number, t2.number);
    assert_string_equal(got[0].queue, "A");
    assert_int_equal(qh_store_events_since(s, last, got, 8, err, sizeof err), 0);
    n = qh_store_events_of_ticket(s, t1.id, 0, got, 8, err, sizeof err);
    assert_int_equal(n, 2);
    assert_string_equal(got[0].type, "called");
    assert_string_equal(got[1].type, "recalled");
    assert_true(got[0].id < got[1].id);
    for (int i = 0; i < n; i++)
        assert_int_equal(got[i].ticket, t1.id);
    assert_int_equal(qh_store_events_of_ticket(s, t1.id, got[0].id, got, 1, err,
                                               sizeof err), 1);
    assert_string_equal(got[0].type, "recalled");
    n = qh_store_events_of_ticket(s, t2.id, 0, got, 1, err, sizeof err);
    assert_int_equal(n, 1);
    assert_string_equal(got[0].type, "called");
    assert_healthy(s);
    qh_store_close(b);
    qh_store_close(s);
    be->drop(name);
}

/* ---- windows, staff, lock-out, appointments, ratings, heartbeats ---- */

static void windows_and_staff(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("staff", name), *b = db_open(name, 0);
    struct qh_window_row w;
    struct qh_staff_row st, got;
    assert_int_equal(qh_store_window_get(s, 1, &w), 0);
    assert_int_equal(w.number, 1);
    assert_string_equal(w.staff, "");
    assert_int_equal(w.paused, 0);
    assert_int_equal(qh_store_window_get(s, 99, &w), QH_E_NOTFOUND);
    memset(&st, 0, sizeof st);
    snprintf(st.id, sizeof st.id, "w01");
    snprintf(st.name, sizeof st.name, "王芳");
    snprintf(st.role, sizeof st.role, "staff");
    snprintf(st.pin_hash, sizeof st.pin_hash, "$test$hash");
    st.pin_short = 0;
    st.created_at = t0;
    begin(s);
    assert_int_equal(qh_store_staff_add(s, &st, err, sizeof err), 0);
    commit(s);
    begin(s);
    assert_int_equal(qh_store_staff_add(s, &st, err, sizeof err), QH_E_EXISTS);
    qh_store_rollback(s);
    assert_int_equal(qh_store_staff_get(b, "w01", &got), 0);
    assert_string_equal(got.name, "王芳");
    assert_string_equal(got.role, "staff");
    assert_string_equal(got.pin_hash, "$test$hash");
    assert_int_equal(got.pin_short, 0);
    assert_int_equal(got.created_at, t0);
    assert_true(qh_store_staff_get(b, "nobody", &got) < 0);
    snprintf(st.name, sizeof st.name, "王芳芳");
    snprintf(st.role, sizeof st.role, "admin");
    st.pin_short = 1;
    begin(s);
    assert_int_equal(qh_store_staff_update(s, &st, err, sizeof err), 0);
    snprintf(st.id, sizeof st.id, "boss");
    assert_int_equal(qh_store_staff_add(s, &st, err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_staff_get(b, "w01", &got), 0);
    assert_string_equal(got.name, "王芳芳");
    assert_string_equal(got.role, "admin");
    assert_int_equal(got.pin_short, 1);

    /* A login at a window, a pause. */
    assert_int_equal(qh_store_window_get(s, 3, &w), 0);
    snprintf(w.staff, sizeof w.staff, "w01");
    w.login_at = t0;
    w.paused = 1;
    snprintf(w.pause_reason, sizeof w.pause_reason, "午休");
    w.paused_at = t0 + 5;
    begin(s);
    assert_int_equal(qh_store_window_put(s, &w, err, sizeof err), 0);
    commit(s);
    struct qh_window_row wg;
    assert_int_equal(qh_store_window_get(b, 3, &wg), 0);
    assert_int_equal(wg.number, 3);
    assert_string_equal(wg.staff, "w01");
    assert_int_equal(wg.login_at, t0);
    assert_int_equal(wg.paused, 1);
    assert_string_equal(wg.pause_reason, "午休");
    assert_int_equal(wg.paused_at, t0 + 5);
    assert_int_equal(qh_store_window_of_staff(b, "w01"), 3);
    assert_int_equal(qh_store_window_of_staff(b, "boss"), 0);
    w.staff[0] = '\0';
    w.paused = 0;
    begin(s);
    assert_int_equal(qh_store_window_put(s, &w, err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_window_of_staff(b, "w01"), 0);
    assert_healthy(s);
    qh_store_close(b);
    qh_store_close(s);
    be->drop(name);
}

static int staff_collect(const struct qh_staff_row *st, void *ud)
{
    struct codes *l = ud;
    if (l->n < 16)
        snprintf(l->got[l->n], sizeof l->got[0], "%s", st->id);
    return ++l->n == l->stop_at;
}

static void staff_each(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("staffeach", name);
    struct qh_staff_row st;
    static const char *const ids[] = {"w02", "boss", "w01"};
    struct codes l = {0};
    assert_int_equal(qh_store_staff_each(s, staff_collect, &l), 0);
    begin(s);
    for (int i = 0; i < 3; i++) {
        memset(&st, 0, sizeof st);
        snprintf(st.id, sizeof st.id, "%s", ids[i]);
        snprintf(st.name, sizeof st.name, "员工%d", i);
        snprintf(st.role, sizeof st.role, i == 1 ? "admin" : "staff");
        snprintf(st.pin_hash, sizeof st.pin_hash, "h%d", i);
        st.created_at = t0 + i;
        assert_int_equal(qh_store_staff_add(s, &st, err, sizeof err), 0);
    }
    commit(s);
    assert_int_equal(qh_store_staff_each(s, staff_collect, &l), 3);
    int seen = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            seen |= !strcmp(l.got[i], ids[j]) << j;
    assert_int_equal(seen, 7);
    memset(&l, 0, sizeof l);
    l.stop_at = 1;
    assert_int_equal(qh_store_staff_each(s, staff_collect, &l), 1);
    qh_store_close(s);
    be->drop(name);
}

struct locks { int n; struct qh_login_lock l[8]; };

static int lock_collect(const struct qh_login_lock *l, void *ud)
{
    struct locks *x = ud;
    if (x->n < 8)
        x->l[x->n] = *l;
    x->n++;
    return 0;
}

static void login_locks(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("locks", name), *b = db_open(name, 0);
    struct qh_staff_row st;
    struct qh_login_lock l, got;
    memset(&st, 0, sizeof st);
    snprintf(st.id, sizeof st.id, "w01");
    snprintf(st.name, sizeof st.name, "王芳");
    snprintf(st.role, sizeof st.role, "staff");
    snprintf(st.pin_hash, sizeof st.pin_hash, "h");
    begin(s);
    assert_int_equal(qh_store_staff_add(s, &st, err, sizeof err), 0);
    commit(s);
    memset(&got, 0x5a, sizeof got);
    assert_int_equal(qh_store_login_lock_get(s, "w01", "counter:1", &got), QH_E_NOTFOUND);
    assert_string_equal(got.staff, "w01");
    assert_string_equal(got.device, "counter:1");
    assert_int_equal(got.failed, 0);
    assert_int_equal(got.strikes, 0);
    assert_int_equal(got.locked_until, 0);
    memset(&l, 0, sizeof l);
    snprintf(l.staff, sizeof l.staff, "w01");
    snprintf(l.device, sizeof l.device, "counter:1");
    l.failed = 2;
    begin(s);
    assert_int_equal(qh_store_login_lock_put(s, &l, err, sizeof err), 0);
    snprintf(l.device, sizeof l.device, QH_LOCK_ALL);
    l.failed = 1;
    l.strikes = 2;
    l.locked_until = t0 + 600000;
    assert_int_equal(qh_store_login_lock_put(s, &l, err, sizeof err), 0);
    snprintf(l.device, sizeof l.device, "kiosk:1");
    assert_int_equal(qh_store_login_lock_put(s, &l, err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_login_lock_get(b, "w01", "counter:1", &got), 0);
    assert_int_equal(got.failed, 2);
    assert_int_equal(got.strikes, 0);
    assert_int_equal(qh_store_login_lock_get(b, "w01", QH_LOCK_ALL, &got), 0);
    assert_int_equal(got.failed, 1);
    assert_int_equal(got.strikes, 2);
    assert_int_equal(got.locked_until, t0 + 600000);
    /* put replaces the row of its staff and device. */
    l.failed = 4;
    begin(s);
    assert_int_equal(qh_store_login_lock_put(s, &l, err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_login_lock_get(b, "w01", "kiosk:1", &got), 0);
    assert_int_equal(got.failed, 4);
    struct locks x = {0};
    assert_int_equal(qh_store_login_lock_each(b, "w01", lock_collect, &x), 3);
    assert_string_equal(x.l[0].device, QH_LOCK_ALL);
    memset(&x, 0, sizeof x);
    assert_int_equal(qh_store_login_lock_each(b, "nobody", lock_collect, &x), 0);
    begin(s);
    assert_int_equal(qh_store_login_lock_clear(s, "w01", "counter:1", err, sizeof err), 1);
    assert_int_equal(qh_store_login_lock_clear(s, "w01", "counter:1", err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_login_lock_get(b, "w01", "counter:1", &got), QH_E_NOTFOUND);
    begin(s);
    assert_int_equal(qh_store_login_lock_clear(s, "w01", NULL, err, sizeof err), 2);
    commit(s);
    memset(&x, 0, sizeof x);
    assert_int_equal(qh_store_login_lock_each(b, "w01", lock_collect, &x), 0);
    qh_store_close(b);
    qh_store_close(s);
    be->drop(name);
}

static void appointments_and_ratings(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("appt", name), *b = db_open(name, 0);
    struct qh_appointment a, got;
    memset(&a, 0, sizeof a);
    snprintf(a.code, sizeof a.code, "Y1234");
    snprintf(a.service, sizeof a.service, "XK001");
    a.slot_at = t0 + 3600000;
    snprintf(a.name, sizeof a.name, "张三");
    a.created_at = t0 - 86400000;
    begin(s);
    assert_int_equal(qh_store_appointment_add(s, &a, err, sizeof err), 0);
    commit(s);
    assert_true(a.id > 0);
    struct qh_appointment dup = a;
    begin(s);
    assert_int_equal(qh_store_appointment_add(s, &dup, err, sizeof err), QH_E_EXISTS);
    qh_store_rollback(s);
    assert_int_equal(qh_store_appointment_get(b, "Y1234", &got), 0);
    assert_int_equal(got.id, a.id);
    assert_string_equal(got.service, "XK001");
    assert_int_equal(got.slot_at, a.slot_at);
    assert_string_equal(got.name, "张三");
    assert_int_equal(got.ticket, 0);
    assert_int_equal(got.created_at, a.created_at);
    assert_true(qh_store_appointment_get(b, "N0000", &got) < 0);
    /* Checked in: the appointment names its ticket. */
    struct qh_ticket_row t = issue_at(s, "A", "XK001", t0, 0);
    a.ticket = t.id;
    begin(s);
    assert_int_equal(qh_store_appointment_update(s, &a, err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_appointment_get(b, "Y1234", &got), 0);
    assert_int_equal(got.ticket, t.id);

    /* A rating of a finished ticket. */
    t.state = QH_TICKET_FINISHED;
    t.window = 1;
    t.called_at = t0 + 1000;
    t.started_at = t0 + 2000;
    t.finished_at = t0 + 3000;
    change(s, &t, "finished");
    struct qh_rating_row r = {.ticket = t.id, .score = 2, .window = 1, .at = t0 + 4000};
    snprintf(r.reason, sizeof r.reason, "等太久");
    snprintf(r.staff, sizeof r.staff, "w01");
    snprintf(r.service, sizeof r.service, "XK001");
    /* Every rating names one of the channels (rating.h), and no other. */
    snprintf(r.channel, sizeof r.channel, "counter");
    begin(s);
    assert_true(qh_store_rating_add(s, &r, err, sizeof err) < 0);
    qh_store_rollback(s);
    snprintf(r.channel, sizeof r.channel, "pad");
    snprintf(r.device, sizeof r.device, "pad:1");
    begin(s);
    assert_int_equal(qh_store_rating_add(s, &r, err, sizeof err), 0);
    add_event(s, "rated", &t, 1, t0 + 4000);
    commit(s);
    /* The row marked its ticket rated, and a second one is refused (two
     * devices rating at once: only the first is kept). */
    struct qh_ticket_row tr;
    assert_int_equal(qh_store_ticket_get(b, t.id, &tr), 0);
    assert_int_equal(tr.rated, 1);
    t.rated = 1;
    begin(s);
    assert_int_equal(qh_store_rating_add(s, &r, err, sizeof err), QH_E_STATE);
    qh_store_rollback(s);
    /* Read back whole from the other connection; the appeal, then its
     * decision, are written apart and read back. */
    struct qh_rating_row back;
    assert_int_equal(qh_store_rating_of_ticket(b, t.id, &back), 0);
    assert_true(back.id > 0);
    assert_int_equal(back.score, 2);
    assert_string_equal(back.reason, "等太久");
    assert_string_equal(back.channel, "pad");
    assert_string_equal(back.device, "pad:1");
    assert_string_equal(back.appeal, "");
    assert_int_equal(qh_store_rating_of_ticket(b, t.id + 999, &back), QH_E_NOTFOUND);
    snprintf(back.appeal, sizeof back.appeal, "filed");
    snprintf(back.appeal_reason, sizeof back.appeal_reason, "非服务原因");
    back.appeal_at = t0 + 5000;
    begin(s);
    assert_int_equal(qh_store_rating_appeal(s, &back, err, sizeof err), 0);
    commit(s);
    snprintf(back.appeal, sizeof back.appeal, "overturned");
    snprintf(back.decided_by, sizeof back.decided_by, "a01");
    snprintf(back.decision_reason, sizeof back.decision_reason, "属实");
    back.decided_at = t0 + 6000;
    begin(s);
    assert_int_equal(qh_store_rating_appeal(s, &back, err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_rating_of_ticket(b, t.id, &back), 0);
    assert_string_equal(back.appeal, "overturned");
    assert_string_equal(back.appeal_reason, "非服务原因");
    assert_int_equal(back.appeal_at, t0 + 5000);
    assert_string_equal(back.decided_by, "a01");
    assert_string_equal(back.decision_reason, "属实");
    assert_int_equal(back.decided_at, t0 + 6000);
    assert_healthy(b);
    qh_store_close(b);
    qh_store_close(s);
    be->drop(name);
}

static int hb_collect(const struct qh_heartbeat *hb, void *ud)
{
    struct qh_heartbeat *out = ud;
    out[out[0].at ? 1 : 0] = *hb;
    return 0;
}

/* A heartbeat is replaced in place and is no event. */
static void heartbeats(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("heartbeat", name), *b = db_open(name, 0);
    int64_t last = tu_last_event(s);
    struct qh_heartbeat hb = {"display:hall", "display", 1000, "OK"};
    assert_int_equal(qh_store_heartbeat(s, &hb, err, sizeof err), 0);
    hb.at = 2000;
    snprintf(hb.info, sizeof hb.info, "连接中断");
    assert_int_equal(qh_store_heartbeat(s, &hb, err, sizeof err), 0);
    struct qh_heartbeat k = {"kiosk:1", "kiosk", 1500, ""};
    assert_int_equal(qh_store_heartbeat(b, &k, err, sizeof err), 0);
    struct qh_heartbeat got[2];
    memset(got, 0, sizeof got);
    assert_int_equal(qh_store_heartbeat_each(s, hb_collect, got), 2);
    if (strcmp(got[0].name, "display:hall")) {
        struct qh_heartbeat x = got[0];
        got[0] = got[1];
        got[1] = x;
    }
    assert_string_equal(got[0].name, "display:hall");
    assert_string_equal(got[0].kind, "display");
    assert_int_equal(got[0].at, 2000);
    assert_string_equal(got[0].info, "连接中断");
    assert_string_equal(got[1].name, "kiosk:1");
    assert_int_equal(got[1].at, 1500);
    assert_int_equal(tu_last_event(s), last);
    qh_store_close(b);
    qh_store_close(s);
    be->drop(name);
}

/* ---- what the statistics read ---- */

struct evs { int n; struct qh_event_row e[16]; char day[16][11]; };

static int tev_collect(const struct qh_event_row *e, const char *day, void *ud)
{
    struct evs *x = ud;
    if (x->n < 16) {
        x->e[x->n] = *e;
        snprintf(x->day[x->n], sizeof x->day[0], "%s", day);
    }
    x->n++;
    return 0;
}

static int uev_collect(const struct qh_event_row *e, void *ud)
{
    return tev_collect(e, "", ud);
}

struct samples { int n; char service[4][24], queue[4][8]; int64_t a[4], b[4]; double sum[4]; };

static int handled_collect(const char *service, const char *queue, int64_t started,
                           int64_t finished, void *ud)
{
    struct samples *x = ud;
    if (x->n < 4) {
        snprintf(x->service[x->n], sizeof x->service[0], "%s", service);
        snprintf(x->queue[x->n], sizeof x->queue[0], "%s", queue);
        x->a[x->n] = started;
        x->b[x->n] = finished;
    }
    x->n++;
    return 0;
}

static int sum_collect(const char *service, const char *queue, int n, double sum_s,
                       void *ud)
{
    struct samples *x = ud;
    if (x->n < 4) {
        snprintf(x->service[x->n], sizeof x->service[0], "%s", service);
        snprintf(x->queue[x->n], sizeof x->queue[0], "%s", queue);
        x->a[x->n] = n;
        x->sum[x->n] = sum_s;
    }
    x->n++;
    return 0;
}

/* The events of one type, with their details as written (the caller
 * reads them: here the handling time the lifecycle put in). */
static int finished_collect(const struct qh_event_row *e, void *ud)
{
    struct samples *x = ud;
    assert_string_equal(e->type, "finished");
    if (x->n < 4) {
        snprintf(x->queue[x->n], sizeof x->queue[0], "%s", e->queue);
        if (qh_json_get_int(e->detail, "handled_s", &x->a[x->n]) != 1)
            x->a[x->n] = -1;
    }
    x->n++;
    return 1;       /* not a stop: every event of the type is handed over */
}

/* A morning through the core API (the statistics read the events the
 * lifecycle writes): A001 called, served 5 minutes, finished; B001
 * waiting; a login, which is about no ticket. */
static void stats_reads(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("stats", name);
    struct qh_ticket_row a, bt, t;
    struct qh_issue_req ra = {.service = "XK001"}, rb = {.service = "GG001"};
    tu_clock("2026-11-25T09:00:00+08:00");
    assert_int_equal(qh_ticket_issue(s, &ra, &a, NULL, err, sizeof err), 0);
    assert_int_equal(qh_ticket_issue(s, &rb, &bt, NULL, err, sizeof err), 0);
    begin(s);
    int64_t login = add_event(s, "login", NULL, 1, t0 + 10);
    commit(s);
    assert_int_equal(qh_ticket_call(s, 1, a.number, &t, err, sizeof err), 0);
    tu_clock_advance(60);
    assert_int_equal(qh_ticket_start(s, 1, &t, err, sizeof err), 0);
    tu_clock_advance(300);
    assert_int_equal(qh_ticket_finish(s, 1, "done", NULL, &t, err, sizeof err), 0);
    tu_clock("2026-11-25T09:00:00+08:00");

    struct evs x = {0};
    int n = qh_store_stats_ticket_events(s, DAY1, DAY1, tev_collect, &x, err, sizeof err);
    assert_int_equal(n, 5);
    static const char *const types[] = {"issued", "called", "started", "finished", "issued"};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(x.e[i].type, types[i]);
        assert_string_equal(x.day[i], DAY1);
        assert_int_equal(x.e[i].ticket, i < 4 ? a.id : bt.id);
        if (i > 0 && i < 4)
            assert_true(x.e[i].id > x.e[i - 1].id);
    }
    memset(&x, 0, sizeof x);
    assert_int_equal(qh_store_stats_ticket_events(s, DAY2, DAY2, tev_collect, &x, err,
                                                  sizeof err), 0);
    memset(&x, 0, sizeof x);
    n = qh_store_stats_untied_events(s, t0, t0 + 3600000, uev_collect, &x, err, sizeof err);
    assert_int_equal(n, 1);
    assert_int_equal(x.e[0].id, login);
    assert_string_equal(x.e[0].type, "login");
    memset(&x, 0, sizeof x);
    assert_int_equal(qh_store_stats_untied_events(s, t0 + 11, t0 + 3600000, uev_collect,
                                                  &x, err, sizeof err), 0);

    struct samples h = {0};
    assert_int_equal(qh_store_stats_handled(s, DAY1, DAY1, handled_collect, &h), 1);
    assert_string_equal(h.service[0], "XK001");
    assert_string_equal(h.queue[0], "A");
    assert_int_equal(h.b[0] - h.a[0], 300000);
    memset(&h, 0, sizeof h);
    assert_int_equal(qh_store_stats_handled(s, DAY2, DAY2, handled_collect, &h), 0);
    memset(&h, 0, sizeof h);
    assert_int_equal(qh_store_stats_handled_sum(s, DAY1, DAY1, sum_collect, &h), 1);
    assert_string_equal(h.service[0], "XK001");
    assert_string_equal(h.queue[0], "A");
    assert_int_equal(h.a[0], 1);
    assert_true(h.sum[0] > 299.9 && h.sum[0] < 300.1);
    memset(&h, 0, sizeof h);
    int64_t after = 0;
    assert_true(qh_store_stats_events_since(s, "finished", &after, finished_collect, &h) >= 0);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.queue[0], "A");
    assert_int_equal(h.a[0], 300);
    assert_int_equal(after, tu_last_event(s));
    memset(&h, 0, sizeof h);
    assert_true(qh_store_stats_events_since(s, "finished", &after, finished_collect, &h) >= 0);
    assert_int_equal(h.n, 0);

    /* The per-connection cache keeps one value under one key. */
    assert_null(qh_store_stats_cache(s, "ewt:" DAY1));
    int *v = malloc(sizeof *v);
    assert_non_null(v);
    *v = 42;
    qh_store_stats_cache_put(s, "ewt:" DAY1, v);
    assert_ptr_equal(qh_store_stats_cache(s, "ewt:" DAY1), v);
    assert_null(qh_store_stats_cache(s, "ewt:" DAY2));
    int *w = malloc(sizeof *w);
    assert_non_null(w);
    qh_store_stats_cache_put(s, "ewt:" DAY2, w);
    assert_null(qh_store_stats_cache(s, "ewt:" DAY1));
    assert_ptr_equal(qh_store_stats_cache(s, "ewt:" DAY2), w);
    assert_healthy(s);
    qh_store_close(s);
    be->drop(name);
}

struct fus { int n; struct qh_followup f[8]; };

static int fu_collect(const struct qh_followup *f, void *ud)
{
    struct fus *x = ud;
    if (x->n < 8)
        x->f[x->n] = *f;
    x->n++;
    return 0;
}

static void followups(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("followup", name), *b = db_open(name, 0);
    struct qh_ticket_row t1 = issue_at(s, "A", "XK001", t0, 0),
                         t2 = issue_at(s, "B", "GG001", t0 + 1, 0);
    struct qh_followup f, g, got;
    memset(&f, 0, sizeof f);
    snprintf(f.kind, sizeof f.kind, "rating");
    f.ticket = t1.id;
    snprintf(f.day, sizeof f.day, DAY1);
    snprintf(f.number, sizeof f.number, "%s", t1.number);
    f.window = 1;
    snprintf(f.staff, sizeof f.staff, "w01");
    snprintf(f.service, sizeof f.service, "XK001");
    f.score = 1;
    snprintf(f.reason, sizeof f.reason, "态度差");
    f.opened_at = t0 + 100;
    snprintf(f.due_day, sizeof f.due_day, "2026-11-30");
    g = f;
    snprintf(g.kind, sizeof g.kind, "failed");
    g.ticket = t2.id;
    snprintf(g.number, sizeof g.number, "%s", t2.number);
    snprintf(g.service, sizeof g.service, "GG001");
    g.score = 0;
    snprintf(g.due_day, sizeof g.due_day, "2026-11-26");
    begin(s);
    assert_int_equal(qh_store_followup_add(s, &f, err, sizeof err), 0);
    assert_int_equal(qh_store_followup_add(s, &g, err, sizeof err), 0);
    commit(s);
    assert_true(f.id > 0 && g.id > 0 && f.id != g.id);
    assert_int_equal(qh_store_followup_get(b, f.id, &got), 0);
    assert_string_equal(got.kind, "rating");
    assert_int_equal(got.ticket, t1.id);
    assert_string_equal(got.day, DAY1);
    assert_string_equal(got.number, t1.number);
    assert_int_equal(got.window, 1);
    assert_string_equal(got.staff, "w01");
    assert_string_equal(got.service, "XK001");
    assert_int_equal(got.score, 1);
    assert_string_equal(got.reason, "态度差");
    assert_int_equal(got.opened_at, t0 + 100);
    assert_string_equal(got.due_day, "2026-11-30");
    assert_int_equal(got.closed_at, 0);
    assert_int_equal(qh_store_followup_get(b, f.id + g.id + 100, &got), QH_E_NOTFOUND);
    /* Open ones by due day; overdue the day after the due day. */
    struct fus x = {0};
    assert_int_equal(qh_store_followup_each(b, QH_FOLLOWUP_OPEN, NULL, NULL, NULL,
                                            fu_collect, &x, err, sizeof err), 2);
    assert_int_equal(x.f[0].id, g.id);
    assert_int_equal(x.f[1].id, f.id);
    assert_int_equal(qh_store_followup_overdue(b, "2026-11-26"), 0);
    assert_int_equal(qh_store_followup_overdue(b, "2026-11-27"), 1);
    assert_int_equal(qh_store_followup_overdue(b, "2026-12-01"), 2);
    memset(&x, 0, sizeof x);
    assert_int_equal(qh_store_followup_each(b, QH_FOLLOWUP_OVERDUE, "2026-11-27", NULL,
                                            NULL, fu_collect, &x, err, sizeof err), 1);
    assert_int_equal(x.f[0].id, g.id);
    g.closed_at = t0 + 86400000;
    snprintf(g.result, sizeof g.result, "已电话回访");
    snprintf(g.closed_by, sizeof g.closed_by, "boss");
    begin(s);
    assert_int_equal(qh_store_followup_close(s, &g, err, sizeof err), 0);
    commit(s);
    assert_int_equal(qh_store_followup_get(b, g.id, &got), 0);
    assert_int_equal(got.closed_at, g.closed_at);
    assert_string_equal(got.result, "已电话回访");
    assert_string_equal(got.closed_by, "boss");
    assert_int_equal(qh_store_followup_overdue(b, "2026-12-01"), 1);
    memset(&x, 0, sizeof x);
    assert_int_equal(qh_store_followup_each(b, QH_FOLLOWUP_OPEN, NULL, NULL, NULL,
                                            fu_collect, &x, err, sizeof err), 1);
    assert_int_equal(x.f[0].id, f.id);
    /* All: the open first, the closed after. */
    memset(&x, 0, sizeof x);
    assert_int_equal(qh_store_followup_each(b, QH_FOLLOWUP_ALL, NULL, NULL, NULL,
                                            fu_collect, &x, err, sizeof err), 2);
    assert_int_equal(x.f[0].id, f.id);
    assert_int_equal(x.f[1].id, g.id);
    memset(&x, 0, sizeof x);
    assert_int_equal(qh_store_followup_each(b, QH_FOLLOWUP_ALL, NULL, DAY1, DAY1,
                                            fu_collect, &x, err, sizeof err), 2);
    memset(&x, 0, sizeof x);
    assert_int_equal(qh_store_followup_each(b, QH_FOLLOWUP_ALL, NULL, DAY2, DAY2,
                                            fu_collect, &x, err, sizeof err), 0);
    qh_store_close(b);
    qh_store_close(s);
    be->drop(name);
}

/* ---- maintenance ---- */

static void check_checkpoint_backup(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN], dst[QH_TEST_NAME_LEN], report[1024];
    struct qh_store *s = db_new("backup", name), *b;
    struct qh_ticket_row t;
    for (int i = 0; i < 30; i++)
        t = issue_at(s, i % 2 ? "A" : "B", NULL, t0 + i, 0);
    call_at(s, &t, 1);
    snprintf(report, sizeof report, "stale");
    assert_int_equal(qh_store_check(s, report, sizeof report, err, sizeof err), 0);
    assert_string_equal(report, "");
    assert_int_equal(qh_store_checkpoint(s, 0, err, sizeof err), 0);
    assert_int_equal(qh_store_checkpoint(s, 1, err, sizeof err), 0);
    assert_int_equal(qh_store_waiting_count(s, DAY1, "B"), 15);
    int64_t last = tu_last_event(s);
    assert_int_equal(be->backup_target("backup", dst, sizeof dst, err, sizeof err), 0);
    assert_int_equal(qh_store_backup(s, dst, err, sizeof err), 0);
    assert_int_equal(qh_store_backup(s, dst, err, sizeof err), QH_E_EXISTS);
    /* The copy is whole and healthy, and leaves the original writable. */
    b = db_open(dst, QH_STORE_READONLY);
    assert_int_equal(tu_last_event(b), last);
    assert_int_equal(qh_store_ticket_at_window(b, DAY1, 1, &t), 0);
    assert_int_equal(qh_store_waiting_count(b, DAY1, "B"), 15);
    assert_int_equal(qh_store_check(b, report, sizeof report, err, sizeof err), 0);
    qh_store_close(b);
    issue_at(s, "C", NULL, t0 + 100, 0);
    assert_int_equal(qh_store_check(s, report, sizeof report, err, sizeof err), 0);
    qh_store_close(s);
    be->drop(dst);
    be->drop(name);
}

/* ---- transactions ---- */

static void transactions(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN], v[16];
    struct qh_store *s = db_new("tx", name);
    assert_int_equal(qh_store_in_tx(s), 0);
    begin(s);
    assert_int_equal(qh_store_in_tx(s), 1);
    assert_int_equal(qh_store_begin(s, err, sizeof err), QH_E_STATE);
    assert_int_equal(qh_store_in_tx(s), 1);
    assert_int_equal(qh_store_setting_set(s, "k", "v1", err, sizeof err), 0);
    qh_store_rollback(s);
    assert_int_equal(qh_store_in_tx(s), 0);
    assert_int_equal(qh_store_setting_get(s, "k", v, sizeof v), 0);
    assert_int_equal(qh_store_commit(s, err, sizeof err), QH_E_STATE);
    qh_store_rollback(s);   /* harmless outside a transaction */
    /* A ticket rolled back leaves nothing: not its number, not its event,
     * not a count. */
    int64_t last = tu_last_event(s);
    struct qh_ticket_row t, got;
    begin(s);
    assert_int_equal(issue_tx(s, DAY1, "A", "XK001", t0, 0, &t, err, sizeof err), 0);
    assert_int_equal(qh_store_waiting_count(s, DAY1, "A"), 1);
    assert_int_equal(qh_store_ticket_get(s, t.id, &got), 0);
    qh_store_rollback(s);
    assert_int_equal(qh_store_ticket_get(s, t.id, &got), QH_E_NOTFOUND);
    assert_int_equal(qh_store_ticket_by_number(s, DAY1, "A001", &got), QH_E_NOTFOUND);
    assert_int_equal(tu_last_event(s), last);
    assert_int_equal(qh_store_waiting_count(s, DAY1, "A"), 0);
    assert_int_equal(qh_store_issued_count(s, DAY1, "A"), 0);
    assert_int_equal(qh_store_service_issued_count(s, DAY1, "XK001"), 0);
    t = issue_at(s, "A", NULL, t0, 0);
    assert_string_equal(t.number, "A001");
    assert_healthy(s);
    qh_store_close(s);
    be->drop(name);
}

/* A read transaction sees one snapshot whatever another connection
 * commits meanwhile; no write transaction begins inside it. */
static void read_snapshot(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN], v[16];
    struct qh_store *s = db_new("readtx", name), *b = db_open(name, 0);
    issue_at(b, "A", NULL, t0, 0);
    int64_t last = tu_last_event(b);
    assert_int_equal(qh_store_begin_read(s, err, sizeof err), 0);
    assert_int_equal(qh_store_begin_read(s, err, sizeof err), QH_E_STATE);
    assert_int_equal(qh_store_waiting_count(s, DAY1, "A"), 1);
    struct qh_ticket_row t = issue_at(b, "A", NULL, t0 + 1, 0), got;
    begin(b);
    assert_int_equal(qh_store_setting_set(b, "seen", "1", err, sizeof err), 0);
    commit(b);
    assert_int_equal(qh_store_waiting_count(s, DAY1, "A"), 1);
    assert_int_equal(qh_store_ticket_get(s, t.id, &got), QH_E_NOTFOUND);
    assert_int_equal(tu_last_event(s), last);
    assert_int_equal(qh_store_setting_get(s, "seen", v, sizeof v), 0);
    assert_int_equal(qh_store_hall_reload(s, err, sizeof err), 0);
    assert_int_equal(qh_store_waiting_count(s, DAY1, "A"), 1);
    assert_int_equal(qh_store_begin(s, err, sizeof err), QH_E_STATE);
    qh_store_end_read(s);
    qh_store_end_read(s);        /* a no-op outside one */
    assert_int_equal(qh_store_waiting_count(s, DAY1, "A"), 2);
    assert_int_equal(qh_store_ticket_get(s, t.id, &got), 0);
    assert_int_equal(qh_store_setting_get(s, "seen", v, sizeof v), 1);
    qh_store_close(b);
    qh_store_close(s);
    be->drop(name);
}

/* ---- guarantees, as processes ---- */

/* The parent forks with no connection of its own open and opens one
 * again after: a connection must not cross a fork (SQLite shares its
 * lock state by file within a process), and the hall's programs are
 * separate processes anyway. */

/* The children wait on the read end until the parent closes the write
 * end: they all start at once. */
static void gate_wait(int fd)
{
    char c;
    while (read(fd, &c, 1) < 0 && errno == EINTR)
        ;
    close(fd);
}

static void reap(pid_t pid, int want, const char *what)
{
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (want < 0) {
        if (!WIFSIGNALED(st) || WTERMSIG(st) != -want)
            fail_msg("%s: not killed as meant (status %d)", what, st);
        return;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != want)
        fail_msg("%s: exit %d signal %d", what, WIFEXITED(st) ? WEXITSTATUS(st) : -1,
                 WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* One transaction, retried while the database is busy (another writer
 * holds it longer than the busy timeout: only under a loaded machine). */
static int child_issue(struct qh_store *s, const char *day, const char *queue,
                       int64_t at, struct qh_ticket_row *t)
{
    char e[QH_ERRLEN];
    for (int tries = 0; tries < 20; tries++) {
        int rc = qh_store_begin(s, e, sizeof e);
        if (rc == 0 && (rc = issue_tx(s, day, queue, NULL, at, 0, t, e, sizeof e)) == 0 &&
            (rc = qh_store_commit(s, e, sizeof e)) == 0)
            return 0;
        qh_store_rollback(s);
        if (rc != QH_E_BUSY) {
            fprintf(stderr, "issue %s: %s\n", queue, e);
            return rc;
        }
    }
    return QH_E_BUSY;
}

#define WRITERS 4
#define PER_WRITER 60

static void writer(const char *name, int gate, int k)
{
    char e[QH_ERRLEN];
    struct qh_store *s;
    struct qh_ticket_row t;
    if (qh_store_open(&s, name, 0, e, sizeof e) < 0) {
        fprintf(stderr, "writer %d: %s\n", k, e);
        _exit(10);
    }
    gate_wait(gate);
    for (int i = 0; i < PER_WRITER; i++)
        if (child_issue(s, DAY1, (i + k) % 3 ? "A" : "B", t0 + i, &t) < 0)
            _exit(11);
    qh_store_close(s);
    _exit(0);
}

/* Several programs issue at once, each on its own connection, each
 * ticket its own transaction: per queue and day the numbers are 1..n
 * with no gap and none twice, and every ticket has one issued event. */
static void concurrent_writers(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("writers", name);
    int gate[2];
    pid_t pid[WRITERS];
    qh_store_close(s);
    assert_int_equal(pipe(gate), 0);
    for (int k = 0; k < WRITERS; k++) {
        pid[k] = fork();
        assert_true(pid[k] >= 0);
        if (pid[k] == 0) {
            close(gate[1]);
            writer(name, gate[0], k);
        }
    }
    close(gate[0]);
    close(gate[1]);
    for (int k = 0; k < WRITERS; k++)
        reap(pid[k], 0, "writer");
    s = db_open(name, 0);
    static struct rows all;
    struct rows *l = &all;
    memset(l, 0, sizeof *l);
    /* More rows than rows.t holds: count only, then look each up. */
    int total = qh_store_ticket_each(s, DAY1, -1, row_collect, l);
    assert_int_equal(total, WRITERS * PER_WRITER);
    static const char *const queues[] = {"A", "B"};
    int per_q[2] = {0, 0};
    for (int k = 0; k < WRITERS; k++)
        for (int i = 0; i < PER_WRITER; i++)
            per_q[(i + k) % 3 ? 0 : 1]++;
    static int64_t ids[WRITERS * PER_WRITER];
    int nid = 0;
    for (int q = 0; q < 2; q++) {
        assert_int_equal(qh_store_issued_count(s, DAY1, queues[q]), per_q[q]);
        assert_int_equal(qh_store_waiting_count(s, DAY1, queues[q]), per_q[q]);
        for (int seq = 1; seq <= per_q[q]; seq++) {
            char num[16];
            struct qh_ticket_row t;
            snprintf(num, sizeof num, "%s%03d", queues[q], seq);
            if (qh_store_ticket_by_number(s, DAY1, num, &t) < 0)
                fail_msg("%s missing", num);
            assert_int_equal(t.seq, seq);
            ids[nid++] = t.id;
        }
        char num[16];
        struct qh_ticket_row t;
        snprintf(num, sizeof num, "%s%03d", queues[q], per_q[q] + 1);
        assert_int_equal(qh_store_ticket_by_number(s, DAY1, num, &t), QH_E_NOTFOUND);
    }
    /* One issued event each, naming its ticket. */
    static struct qh_event_row ev[64];
    static int issued_of[WRITERS * PER_WRITER];
    memset(issued_of, 0, sizeof issued_of);
    int64_t after = 0;
    int n, events = 0;
    while ((n = qh_store_events_since(s, after, ev, 64, err, sizeof err)) > 0) {
        for (int i = 0; i < n; i++) {
            assert_true(ev[i].id > after);
            after = ev[i].id;
            if (strcmp(ev[i].type, "issued"))
                continue;
            events++;
            int j = 0;
            while (j < nid && ids[j] != ev[i].ticket)
                j++;
            if (j == nid)
                fail_msg("issued event %lld names no ticket", (long long)ev[i].id);
            issued_of[j]++;
        }
    }
    assert_true(n == 0);
    assert_int_equal(events, nid);
    for (int j = 0; j < nid; j++)
        assert_int_equal(issued_of[j], 1);
    assert_healthy(s);
    qh_store_close(s);
    be->drop(name);
}

/* A program killed inside its transaction, after its writes and before
 * the commit, leaves nothing of it: not the ticket, not its event, not a
 * setting, not a number used up; and the database is healthy. */
static void killed_in_transaction(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN], v[8];
    struct qh_store *s = db_new("killed", name);
    issue_at(s, "A", NULL, t0, 0);
    for (int round = 0; round < 3; round++) {
        int64_t last = tu_last_event(s);
        int ready[2];
        qh_store_close(s);
        assert_int_equal(pipe(ready), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            char e[QH_ERRLEN];
            struct qh_store *c;
            struct qh_ticket_row t;
            close(ready[0]);
            if (qh_store_open(&c, name, 0, e, sizeof e) < 0 ||
                qh_store_begin(c, e, sizeof e) < 0)
                _exit(10);
            /* Round 0: the ticket without its event yet; 1: with it; 2:
             * then a setting and the ticket called. */
            int rc;
            if (round == 0) {
                memset(&t, 0, sizeof t);
                snprintf(t.day, sizeof t.day, DAY1);
                snprintf(t.queue, sizeof t.queue, "A");
                rc = qh_store_seq_next(c, DAY1, "A", &t.seq, NULL, e, sizeof e);
                snprintf(t.number, sizeof t.number, "A%03d", t.seq);
                t.issued_at = t.virtual_at = t0 + 10;
                t.prio = 1;
                if (rc == 0)
                    rc = qh_store_ticket_insert(c, &t, e, sizeof e);
            } else {
                rc = issue_tx(c, DAY1, "A", NULL, t0 + 10, 0, &t, e, sizeof e);
            }
            if (rc == 0 && round == 2) {
                t.state = QH_TICKET_CALLED;
                t.window = 2;
                t.called_at = t0 + 20;
                rc = qh_store_ticket_update(c, &t, e, sizeof e);
                if (rc == 0)
                    rc = qh_store_setting_set(c, "dying", "1", e, sizeof e);
            }
            if (rc < 0)
                _exit(11);
            if (write(ready[1], "w", 1) != 1)
                _exit(12);
            for (;;)
                pause();
        }
        close(ready[1]);
        char c;
        assert_int_equal(read(ready[0], &c, 1), 1);
        close(ready[0]);
        assert_int_equal(kill(pid, SIGKILL), 0);
        reap(pid, -SIGKILL, "killed writer");
        s = db_open(name, 0);
        struct qh_ticket_row got;
        assert_int_equal(tu_last_event(s), last);
        assert_int_equal(qh_store_ticket_by_number(s, DAY1, "A002", &got), QH_E_NOTFOUND);
        assert_int_equal(qh_store_ticket_at_window(s, DAY1, 2, &got), QH_E_NOTFOUND);
        assert_int_equal(qh_store_waiting_count(s, DAY1, "A"), 1);
        assert_int_equal(qh_store_setting_get(s, "dying", v, sizeof v), 0);
        assert_healthy(s);
        /* And the next writer is not held off by the dead one. */
        if (round == 2) {
            struct qh_ticket_row t = issue_at(s, "A", NULL, t0 + 30, 0);
            assert_string_equal(t.number, "A002");
        }
    }
    struct qh_store *r = db_open(name, 0);
    assert_healthy(r);
    qh_store_close(r);
    qh_store_close(s);
    be->drop(name);
}

#define FEED_EVENTS 40

/* Another program writes while this one follows the feed, closes it
 * (and its connection) half way and opens both again from the last id
 * it saw: every event once, in id order, the same as the log. */
static void feed_across_reconnect(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("feed", name);
    int64_t start = tu_last_event(s);
    int gate[2];
    qh_store_close(s);
    assert_int_equal(pipe(gate), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char e[QH_ERRLEN];
        struct qh_store *c;
        struct qh_ticket_row t;
        close(gate[1]);
        if (qh_store_open(&c, name, 0, e, sizeof e) < 0)
            _exit(10);
        gate_wait(gate[0]);
        for (int i = 0; i < FEED_EVENTS; i++) {
            if (child_issue(c, DAY1, i % 2 ? "A" : "C", t0 + i, &t) < 0)
                _exit(11);
            usleep(3000);
        }
        qh_store_close(c);
        _exit(0);
    }
    close(gate[0]);
    s = db_open(name, 0);
    static int64_t seen[FEED_EVENTS * 2];
    int nseen = 0;
    struct qh_event_row ev[8];
    struct qh_watch *w = NULL;
    int64_t from = start;
    assert_int_equal(qh_watch_open(&w, s, from, err, sizeof err), 0);
    close(gate[1]);
    for (int phase = 0; phase < 2; phase++) {
        int want = phase == 0 ? FEED_EVENTS / 2 : FEED_EVENTS, max = phase == 0 ? 1 : 8;
        /* A batch that filled ev may have more behind it: read on without
         * waiting for another wake-up.  At most ~20 s of waits. */
        int full = 0;
        for (int waits = 0; nseen < want && waits < 200; waits += !full) {
            int n = full ? qh_watch_read(w, ev, max, err, sizeof err)
                         : qh_watch_wait(w, 100, ev, max, err, sizeof err);
            if (n < 0)
                fail_msg("watch: %s", err);
            full = n == max;
            for (int i = 0; i < n && nseen < FEED_EVENTS * 2; i++)
                seen[nseen++] = ev[i].id;
        }
        if (phase == 0) {
            assert_true(nseen >= FEED_EVENTS / 2);
            /* Start again from what was seen, on a new connection. */
            from = seen[nseen - 1];
            assert_int_equal(qh_watch_last(w), from);
            qh_watch_close(w);
            qh_store_close(s);
            s = db_open(name, QH_STORE_EXISTING);
            assert_int_equal(qh_watch_open(&w, s, from, err, sizeof err), 0);
            assert_true(qh_watch_fd(w) >= -1);
            assert_true(qh_watch_timeout_ms(w) != 0);
        }
    }
    reap(pid, 0, "feed writer");
    /* Nothing more comes: none twice. */
    int n = qh_watch_wait(w, 200, ev, 8, err, sizeof err);
    assert_int_equal(n, 0);
    assert_int_equal(nseen, FEED_EVENTS);
    static struct qh_event_row log[FEED_EVENTS + 1];
    assert_int_equal(qh_store_events_since(s, start, log, FEED_EVENTS + 1, err,
                                           sizeof err), FEED_EVENTS);
    for (int i = 0; i < FEED_EVENTS; i++)
        if (seen[i] != log[i].id)
            fail_msg("feed event %d: id %lld, the log's %lld", i, (long long)seen[i],
                     (long long)log[i].id);
    assert_int_equal(qh_watch_last(w), log[FEED_EVENTS - 1].id);
    qh_watch_close(w);
    qh_watch_close(NULL);
    assert_healthy(s);
    qh_store_close(s);
    be->drop(name);
}

#define ROLLERS 3

/* Programs that each make the first write of a new day at the same
 * instant: the day before is closed once, by one of them, and the new
 * day's numbers follow on with no gap. */
static void rollover_once(void **state)
{
    (void)state;
    char name[QH_TEST_NAME_LEN];
    struct qh_store *s = db_new("rollonce", name);
    struct qh_ticket_row a1 = issue_at(s, "A", NULL, t0, 0);
    issue_at(s, "A", NULL, t0 + 1, 0);
    issue_at(s, "B", NULL, t0 + 2, 0);
    call_at(s, &a1, 1);
    int64_t last = tu_last_event(s), now = t0 + 86400000;
    int gate[2], out[2];
    pid_t pid[ROLLERS];
    qh_store_close(s);
    assert_int_equal(pipe(gate), 0);
    assert_int_equal(pipe(out), 0);
    for (int k = 0; k < ROLLERS; k++) {
        pid[k] = fork();
        assert_true(pid[k] >= 0);
        if (pid[k] != 0)
            continue;
        char e[QH_ERRLEN];
        struct qh_store *c;
        struct qh_ticket_row t;
        close(gate[1]);
        close(out[0]);
        if (qh_store_open(&c, name, 0, e, sizeof e) < 0)
            _exit(10);
        gate_wait(gate[0]);
        int expired = 0, rc;
        do {
            expired = 0;
            if ((rc = qh_store_begin(c, e, sizeof e)) < 0)
                continue;
            if (qh_store_day_behind(c, DAY2) == 1 &&
                ((rc = expired = qh_store_expire_before(c, DAY2, now, e, sizeof e)) < 0 ||
                 (rc = qh_store_setting_set(c, "day", DAY2, e, sizeof e)) < 0))
                goto next;
            if ((rc = issue_tx(c, DAY2, "A", NULL, now, 0, &t, e, sizeof e)) < 0)
                goto next;
            rc = qh_store_commit(c, e, sizeof e);
next:
            if (rc < 0)
                qh_store_rollback(c);
        } while (rc == QH_E_BUSY);
        if (rc < 0) {
            fprintf(stderr, "roller %d: %s\n", k, e);
            _exit(11);
        }
        if (write(out[1], &expired, sizeof expired) != sizeof expired)
            _exit(12);
        qh_store_close(c);
        _exit(0);
    }
    close(gate[0]);
    close(out[1]);
    close(gate[1]);
    int rolled = 0, total = 0;
    for (int k = 0; k < ROLLERS; k++) {
        int x;
        assert_int_equal(read(out[0], &x, sizeof x), (ssize_t)sizeof x);
        rolled += x > 0;
        total += x;
    }
    close(out[0]);
    for (int k = 0; k < ROLLERS; k++)
        reap(pid[k], 0, "roller");
    s = db_open(name, 0);
    assert_int_equal(rolled, 1);
    assert_int_equal(total, 3);
    static struct qh_event_row ev[32];
    int n = qh_store_events_since(s, last, ev, 32, err, sizeof err);
    int expired = 0, issued = 0;
    for (int i = 0; i < n; i++) {
        expired += !strcmp(ev[i].type, "expired");
        issued += !strcmp(ev[i].type, "issued");
    }
    assert_int_equal(expired, 3);
    assert_int_equal(issued, ROLLERS);
    for (int seq = 1; seq <= ROLLERS + 1; seq++) {
        char num[8];
        struct qh_ticket_row t;
        snprintf(num, sizeof num, "A%03d", seq);
        assert_int_equal(qh_store_ticket_by_number(s, DAY2, num, &t),
                         seq <= ROLLERS ? 0 : QH_E_NOTFOUND);
    }
    assert_int_equal(qh_store_waiting_count(s, DAY1, "A"), 0);
    assert_int_equal(qh_store_waiting_count(s, DAY2, "A"), ROLLERS);
    assert_int_equal(qh_store_day_behind(s, DAY2), 0);
    assert_healthy(s);
    qh_store_close(s);
    be->drop(name);
}

static int setup(void **state)
{
    (void)state;
    tu_clock("2026-11-25T09:00:00+08:00");
    return 0;
}

int main(void)
{
    setenv("QHALL_SYNC", "normal", 1);
    tu_clock("2026-11-25T09:00:00+08:00");
    t0 = qh_clock_now();
    if (!(be = qh_test_backend_pick())) {
        fprintf(stderr, "QHALL_TEST_STORE=%s: no such backend\n", getenv("QHALL_TEST_STORE"));
        return 1;
    }
    if (be->setup(err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", be->name, err);
        return 1;
    }
    fprintf(stderr, "store conformance: backend %s\n", be->name);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(open_flags, setup),
        cmocka_unit_test_setup(hall_save_and_reload, setup),
        cmocka_unit_test_setup(settings, setup),
        cmocka_unit_test_setup(rollover, setup),
        cmocka_unit_test_setup(services, setup),
        cmocka_unit_test_setup(tickets, setup),
        cmocka_unit_test_setup(queue_order, setup),
        cmocka_unit_test_setup(calls_order, setup),
        cmocka_unit_test_setup(insert_refuses, setup),
        cmocka_unit_test_setup(events, setup),
        cmocka_unit_test_setup(windows_and_staff, setup),
        cmocka_unit_test_setup(staff_each, setup),
        cmocka_unit_test_setup(login_locks, setup),
        cmocka_unit_test_setup(appointments_and_ratings, setup),
        cmocka_unit_test_setup(heartbeats, setup),
        cmocka_unit_test_setup(stats_reads, setup),
        cmocka_unit_test_setup(followups, setup),
        cmocka_unit_test_setup(check_checkpoint_backup, setup),
        cmocka_unit_test_setup(transactions, setup),
        cmocka_unit_test_setup(read_snapshot, setup),
        cmocka_unit_test_setup(concurrent_writers, setup),
        cmocka_unit_test_setup(killed_in_transaction, setup),
        cmocka_unit_test_setup(feed_across_reconnect, setup),
        cmocka_unit_test_setup(rollover_once, setup),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    be->teardown();
    return tu_exit(failed);
}
