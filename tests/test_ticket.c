/* test_ticket.c: the ticket lifecycle through the service API on real database
 * files: numbering, routing, every operation and its refusals, the event
 * each one writes, rollover and failure paths. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/rating.h"
#include "qh/stats.h"
#include "qh/text.h"
#include "qh/ticket.h"

static char err[4096];

/* The citizen's rating on the pad of the window that served the ticket
 * (rating.h): the only way a ticket is rated at a window. */
static int rate(struct qh_store *s, const char *number, int score, const char *reason,
                struct qh_ticket_row *out, char *e, size_t n)
{
    struct qh_ticket_row t;
    char pad[16], prev[64];
    int rc = qh_ticket_get(s, number, &t, e, n);
    if (rc < 0)
        return rc;
    snprintf(prev, sizeof prev, "%s", qh_store_actor(s));
    snprintf(pad, sizeof pad, "pad:%d", t.window);
    qh_store_set_actor(s, pad);
    struct qh_rate_req r = {.number = number, .score = score, .reason = reason,
                            .channel = QH_RATE_PAD};
    rc = qh_rating_add(s, &r, out, e, n);
    qh_store_set_actor(s, prev);
    return rc;
}

static struct qh_ticket_row issue(struct qh_store *s, const char *service,
                                  const char *queue, const char *green)
{
    struct qh_issue_req req = {.service = service, .queue = queue, .green = green};
    struct qh_ticket_row t;
    struct qh_issue_info info;
    int rc = qh_ticket_issue(s, &req, &t, &info, err, sizeof err);
    if (rc < 0)
        fail_msg("issue: %s", err);
    return t;
}

static void ok(int rc)
{
    if (rc < 0)
        fail_msg("rc %d: %s", rc, err);
}

/* The type of the newest event, and how many events there are. */
static int64_t last_event(struct qh_store *s, struct qh_event_row *ev)
{
    int64_t id = tu_last_event(s);
    if (ev && id) {
        assert_int_equal(qh_store_events_since(s, id - 1, ev, 1, err, sizeof err), 1);
    }
    return id;
}

static int setup(void **state)
{
    setenv("QHALL_SYNC", "normal", 1);
    tu_clock("2026-11-25T09:00:00+08:00");
    *state = tu_store_new("ticket");
    return 0;
}

static int teardown(void **state)
{
    qh_store_close(*state);
    return 0;
}

static void numbering(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row a1 = issue(s, "XK001", NULL, NULL);
    struct qh_ticket_row a2 = issue(s, NULL, "A", NULL);
    struct qh_ticket_row b1 = issue(s, "GG001", NULL, NULL);
    assert_string_equal(a1.number, "A001");
    assert_string_equal(a2.number, "A002");
    assert_string_equal(b1.number, "B001");
    assert_string_equal(a1.queue, "A");
    assert_string_equal(a1.service, "XK001");
    assert_string_equal(a2.service, "");
    assert_string_equal(a1.day, "2026-11-25");
    assert_int_equal(a1.state, QH_TICKET_WAITING);
    struct qh_event_row ev;
    last_event(s, &ev);
    assert_string_equal(ev.type, "issued");
    assert_string_equal(ev.number, "B001");
    /* Unknown item, unknown queue, bad green reason: refused, nothing
     * issued, no number consumed. */
    struct qh_issue_req bad = {.service = "NOPE"};
    int64_t before = last_event(s, NULL);
    assert_int_equal(qh_ticket_issue(s, &bad, NULL, NULL, err, sizeof err), QH_E_NOTFOUND);
    assert_non_null(strstr(err, "NOPE"));
    struct qh_issue_req badq = {.queue = "Z"};
    assert_int_equal(qh_ticket_issue(s, &badq, NULL, NULL, err, sizeof err), QH_E_NOTFOUND);
    struct qh_issue_req badg = {.queue = "A", .green = "vip"};
    assert_int_equal(qh_ticket_issue(s, &badg, NULL, NULL, err, sizeof err), QH_E_PARSE);
    assert_int_equal(last_event(s, NULL), before);
    assert_string_equal(issue(s, NULL, "A", NULL).number, "A003");
}

static void four_digits(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    for (int i = 0; i < 1000; i++)
        t = issue(s, NULL, "C", NULL);
    assert_string_equal(t.number, "C1000");
    assert_int_equal(t.seq, 1000);
}

static void routing_2_plus_1(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    issue(s, NULL, "A", NULL);          /* A001 */
    tu_clock_advance(60);
    issue(s, NULL, "B", NULL);          /* B001 */
    tu_clock_advance(60);
    issue(s, NULL, "C", NULL);          /* C001 */
    tu_clock_advance(60);
    /* Window 3 serves only B. */
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    assert_string_equal(t.number, "B001");
    assert_int_equal(t.window, 3);
    assert_int_equal(t.state, QH_TICKET_CALLED);
    /* Window 4 (B only): B is empty now. */
    assert_int_equal(qh_ticket_call_next(s, 4, &t, err, sizeof err), QH_E_EMPTY);
    /* Window 5 [C, A, B]: its own C first though A waited longer. */
    ok(qh_ticket_call_next(s, 5, &t, err, sizeof err));
    assert_string_equal(t.number, "C001");
    /* A window holding a ticket cannot call another. */
    assert_int_equal(qh_ticket_call_next(s, 5, &t, err, sizeof err), QH_E_STATE);
    assert_non_null(strstr(err, "C001"));
    ok(qh_ticket_noshow(s, 5, &t, err, sizeof err));
    ok(qh_ticket_call_next(s, 5, &t, err, sizeof err));
    assert_string_equal(t.number, "A001");   /* C empty: helps A */
    assert_int_equal(qh_ticket_call_next(s, 1, &t, err, sizeof err), QH_E_EMPTY);
    assert_int_equal(qh_ticket_call_next(s, 42, &t, err, sizeof err), QH_E_NOTFOUND);
}

static void overflow_through_the_store(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    struct qh_hall_conf c = *qh_store_hall(s);
    c.windows[4].overflow_minutes = 30;   /* window 5: [C, A, B] */
    ok(qh_hall_init(s, &c, 1, err, sizeof err));
    issue(s, NULL, "B", NULL);            /* B001 09:00 */
    tu_clock_advance(5 * 60);
    issue(s, NULL, "A", "elderly");       /* A001 09:05, virtual 08:35 */
    tu_clock_advance(5 * 60);
    issue(s, NULL, "A", NULL);            /* A002 09:10 */
    tu_clock_advance(25 * 60);
    issue(s, NULL, "C", NULL);            /* C001 09:35 */
    /* 09:35: B001 has waited 35 min (> 30) while A's oldest 30 min (not
     * past): the longest-waiting ticket past the limit goes first. */
    ok(qh_ticket_call_next(s, 5, &t, err, sizeof err));
    assert_string_equal(t.number, "B001");
    ok(qh_ticket_noshow(s, 5, NULL, err, sizeof err));
    /* 09:36: A's oldest-issued (A001, green) has waited 31 min: taken by
     * issue time even though its queue's head order would be the same. */
    tu_clock_advance(60);
    ok(qh_ticket_call_next(s, 5, &t, err, sizeof err));
    assert_string_equal(t.number, "A001");
    ok(qh_ticket_noshow(s, 5, NULL, err, sizeof err));
    /* A002 has waited 26 min: not past; the window's own C comes first. */
    ok(qh_ticket_call_next(s, 5, &t, err, sizeof err));
    assert_string_equal(t.number, "C001");
}

static void green_channel(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    issue(s, NULL, "A", NULL);              /* A001 at 9:00 */
    tu_clock_advance(10 * 60);
    issue(s, NULL, "A", NULL);              /* A002 at 9:10 */
    tu_clock_advance(10 * 60);
    struct qh_ticket_row g = issue(s, NULL, "A", "elderly"); /* A003 at 9:20 */
    assert_string_equal(g.green, "elderly");
    /* Virtual 8:50: ahead of both (A001 at 9:00 waited only 20 min). */
    ok(qh_ticket_call_next(s, 1, &t, err, sizeof err));
    assert_string_equal(t.number, "A003");
    /* A long-waiting regular ticket is not starved: A001 (9:00) precedes
     * a green ticket issued at 9:40 (virtual 9:10). */
    tu_clock_advance(20 * 60);
    issue(s, NULL, "A", "pregnant");        /* A004 at 9:40 */
    ok(qh_ticket_call_next(s, 2, &t, err, sizeof err));
    assert_string_equal(t.number, "A001");
    ok(qh_ticket_noshow(s, 2, NULL, err, sizeof err));
    /* A004's virtual time (9:10) ties A002's issue time: the lower id,
     * the earlier ticket, goes first. */
    ok(qh_ticket_call_next(s, 2, &t, err, sizeof err));
    assert_string_equal(t.number, "A002");
    ok(qh_ticket_noshow(s, 2, NULL, err, sizeof err));
    ok(qh_ticket_call_next(s, 2, &t, err, sizeof err));
    assert_string_equal(t.number, "A004");
}

static void recall_noshow_callback(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    struct qh_event_row ev;
    issue(s, NULL, "B", NULL);
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    for (int i = 1; i <= 3; i++) {
        ok(qh_ticket_recall(s, 3, &t, err, sizeof err));
        assert_int_equal(t.recalls, i);
        assert_int_equal(t.state, QH_TICKET_CALLED);
        last_event(s, &ev);
        assert_string_equal(ev.type, "recalled");
    }
    ok(qh_ticket_recall(s, 3, &t, err, sizeof err));   /* past the limit */
    assert_int_equal(t.state, QH_TICKET_NO_SHOW);
    last_event(s, &ev);
    assert_string_equal(ev.type, "no_show");
    assert_non_null(strstr(ev.detail, "recall_limit"));
    /* The window is free again. */
    assert_int_equal(qh_ticket_recall(s, 3, &t, err, sizeof err), QH_E_STATE);
    /* Call back at another window. */
    assert_int_equal(qh_ticket_callback(s, "B999", 4, &t, err, sizeof err), QH_E_NOTFOUND);
    ok(qh_ticket_callback(s, "B001", 4, &t, err, sizeof err));
    assert_int_equal(t.state, QH_TICKET_CALLED);
    assert_int_equal(t.window, 4);
    assert_int_equal(t.recalls, 0);
    last_event(s, &ev);
    assert_string_equal(ev.type, "called_back");
    assert_int_equal(ev.window, 4);
    /* Only a no-show can be called back. */
    assert_int_equal(qh_ticket_callback(s, "B001", 3, &t, err, sizeof err), QH_E_STATE);
    ok(qh_ticket_start(s, 4, &t, err, sizeof err));
    assert_int_equal(t.state, QH_TICKET_SERVING);
    assert_int_equal(qh_ticket_recall(s, 4, &t, err, sizeof err), QH_E_STATE);
    assert_int_equal(qh_ticket_noshow(s, 4, &t, err, sizeof err), QH_E_STATE);
    assert_int_equal(qh_ticket_start(s, 4, &t, err, sizeof err), QH_E_STATE);
}

static void hold_release(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    issue(s, NULL, "A", NULL);   /* A001 */
    tu_clock_advance(60);
    issue(s, NULL, "A", NULL);   /* A002 */
    tu_clock_advance(60);
    issue(s, NULL, "A", NULL);   /* A003 */
    ok(qh_ticket_call_next(s, 1, &t, err, sizeof err));
    assert_int_equal(qh_ticket_hold(s, 1, &t, err, sizeof err), QH_E_STATE); /* not serving */
    ok(qh_ticket_start(s, 1, &t, err, sizeof err));
    ok(qh_ticket_hold(s, 1, &t, err, sizeof err));
    assert_int_equal(t.state, QH_TICKET_HELD);
    /* The window is free meanwhile. */
    ok(qh_ticket_call_next(s, 1, &t, err, sizeof err));
    assert_string_equal(t.number, "A002");
    ok(qh_ticket_start(s, 1, &t, err, sizeof err));
    ok(qh_ticket_hold(s, 1, &t, err, sizeof err));
    tu_clock_advance(300);
    ok(qh_ticket_release(s, "A002", &t, err, sizeof err));  /* released first */
    tu_clock_advance(60);
    ok(qh_ticket_release(s, "A001", &t, err, sizeof err));
    assert_int_equal(t.state, QH_TICKET_WAITING);
    assert_int_equal(qh_ticket_release(s, "A001", &t, err, sizeof err), QH_E_STATE);
    /* Released holds before everyone, among themselves by release time. */
    ok(qh_ticket_call_next(s, 2, &t, err, sizeof err));
    assert_string_equal(t.number, "A002");
    ok(qh_ticket_call_next(s, 1, &t, err, sizeof err));
    assert_string_equal(t.number, "A001");
}

static void transfer(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t, u;
    struct qh_event_row ev;
    struct qh_ticket_row orig = issue(s, "XK001", NULL, "disabled");
    tu_clock_advance(600);
    issue(s, NULL, "B", NULL);          /* B001 */
    ok(qh_ticket_call_next(s, 1, &t, err, sizeof err));
    assert_string_equal(t.number, "A001");
    ok(qh_ticket_start(s, 1, &t, err, sizeof err));
    /* To a queue. */
    struct qh_transfer_to toq = {.queue = "B", .note = "wrong desk"};
    ok(qh_ticket_transfer(s, 1, &toq, &t, err, sizeof err));
    assert_string_equal(t.number, "A001");
    assert_string_equal(t.queue, "B");
    assert_string_equal(t.green, "disabled");
    assert_int_equal(t.issued_at, orig.issued_at);
    assert_int_equal(t.state, QH_TICKET_WAITING);
    last_event(s, &ev);
    assert_string_equal(ev.type, "transferred");
    assert_non_null(strstr(ev.detail, "\"from_queue\":\"A\""));
    assert_non_null(strstr(ev.detail, "\"to_queue\":\"B\""));
    assert_non_null(strstr(ev.detail, "wrong desk"));
    /* Kept its place in time: ahead of B001 issued later. */
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    assert_string_equal(t.number, "A001");
    /* To a window: only that window calls it. */
    struct qh_transfer_to tow = {.window = 5};
    ok(qh_ticket_transfer(s, 3, &tow, &t, err, sizeof err));
    assert_int_equal(t.target_window, 5);
    ok(qh_ticket_call_next(s, 3, &u, err, sizeof err));
    assert_string_equal(u.number, "B001");
    assert_int_equal(qh_ticket_call(s, 4, "A001", &u, err, sizeof err), QH_E_STATE);
    ok(qh_ticket_call_next(s, 5, &u, err, sizeof err));
    assert_string_equal(u.number, "A001");
    /* To a service item: the item's queue. */
    struct qh_transfer_to tos = {.service = "GG002"};
    ok(qh_ticket_transfer(s, 5, &tos, &t, err, sizeof err));
    assert_string_equal(t.service, "GG002");
    assert_string_equal(t.queue, "B");
    assert_int_equal(t.issued_at, orig.issued_at);
    last_event(s, &ev);
    assert_non_null(strstr(ev.detail, "\"to_service\":\"GG002\""));
    /* Refusals: nothing at the window, two targets, same window. */
    assert_int_equal(qh_ticket_transfer(s, 5, &tos, &t, err, sizeof err), QH_E_STATE);
    struct qh_transfer_to two = {.queue = "A", .window = 2};
    assert_int_equal(qh_ticket_transfer(s, 5, &two, &t, err, sizeof err), QH_E_USAGE);
    ok(qh_ticket_call(s, 4, "A001", &t, err, sizeof err));
    struct qh_transfer_to self = {.window = 4};
    assert_int_equal(qh_ticket_transfer(s, 4, &self, &t, err, sizeof err), QH_E_STATE);
    struct qh_transfer_to nowin = {.window = 9};
    assert_int_equal(qh_ticket_transfer(s, 4, &nowin, &t, err, sizeof err), QH_E_NOTFOUND);
}

static void finish_and_rate(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    struct qh_event_row ev;
    struct qh_ticket_row a = issue(s, "XK002", NULL, "military");
    issue(s, NULL, "A", NULL);
    ok(qh_ticket_call_next(s, 1, &t, err, sizeof err));
    assert_int_equal(qh_ticket_finish(s, 1, "done", NULL, &t, err, sizeof err), QH_E_STATE);
    ok(qh_ticket_start(s, 1, &t, err, sizeof err));
    assert_int_equal(qh_ticket_finish(s, 1, "great", NULL, &t, err, sizeof err), QH_E_PARSE);
    assert_int_equal(rate(s, "A001", 5, NULL, &t, err, sizeof err), QH_E_STATE);
    /* 办不成: on to the class-C queue, same number and issue time. */
    ok(qh_ticket_finish(s, 1, "failed", "no land certificate", &t, err, sizeof err));
    assert_int_equal(t.state, QH_TICKET_WAITING);
    assert_string_equal(t.queue, "C");
    assert_string_equal(t.number, "A001");
    assert_int_equal(t.issued_at, a.issued_at);
    assert_string_equal(t.green, "military");
    last_event(s, &ev);
    assert_string_equal(ev.type, "finished");
    assert_non_null(strstr(ev.detail, "\"outcome\":\"failed\""));
    assert_non_null(strstr(ev.detail, "\"to_queue\":\"C\""));
    /* The citizen may rate the failed case; 1-2 need a reason. */
    assert_int_equal(rate(s, "A001", 2, "", &t, err, sizeof err), QH_E_PARSE);
    assert_int_equal(rate(s, "A001", 2, "  ", &t, err, sizeof err), QH_E_PARSE);
    assert_int_equal(rate(s, "A001", 6, "x", &t, err, sizeof err), QH_E_PARSE);
    ok(rate(s, "A001", 2, "sent away", &t, err, sizeof err));
    assert_int_equal(rate(s, "A001", 4, NULL, &t, err, sizeof err), QH_E_STATE);
    last_event(s, &ev);
    assert_string_equal(ev.type, "rated");
    assert_int_equal(ev.window, 1);
    /* Window 5 calls it (its own queue C), finishes it failed again: it is
     * already at the 办不成事 window, so it ends there. */
    ok(qh_ticket_call_next(s, 5, &t, err, sizeof err));
    assert_string_equal(t.number, "A001");
    ok(qh_ticket_start(s, 5, &t, err, sizeof err));
    ok(qh_ticket_finish(s, 5, "failed", NULL, &t, err, sizeof err));
    assert_int_equal(t.state, QH_TICKET_FINISHED);
    ok(rate(s, "A001", 5, NULL, &t, err, sizeof err));   /* new finish */
    /* Done and supplement finish. */
    ok(qh_ticket_call_next(s, 1, &t, err, sizeof err));
    ok(qh_ticket_start(s, 1, &t, err, sizeof err));
    ok(qh_ticket_finish(s, 1, "supplement", "missing ID copy", &t, err, sizeof err));
    assert_int_equal(t.state, QH_TICKET_FINISHED);
    assert_string_equal(t.outcome, "supplement");
    /* Cancel only waiting. */
    issue(s, NULL, "B", NULL);
    ok(qh_ticket_cancel(s, "B001", &t, err, sizeof err));
    assert_int_equal(t.state, QH_TICKET_CANCELLED);
    assert_int_equal(qh_ticket_cancel(s, "B001", &t, err, sizeof err), QH_E_STATE);
    assert_int_equal(qh_ticket_cancel(s, "A002", &t, err, sizeof err), QH_E_STATE);
}

static void pause_resume(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    issue(s, NULL, "B", NULL);
    assert_int_equal(qh_window_pause(s, 3, "", err, sizeof err), QH_E_PARSE);
    ok(qh_window_pause(s, 3, "午休", err, sizeof err));
    assert_int_equal(qh_window_pause(s, 3, "会议", err, sizeof err), QH_E_STATE);
    assert_int_equal(qh_ticket_call_next(s, 3, &t, err, sizeof err), QH_E_STATE);
    assert_non_null(strstr(err, "午休"));
    tu_clock_advance(1800);
    ok(qh_window_resume(s, 3, err, sizeof err));
    struct qh_event_row ev;
    last_event(s, &ev);
    assert_string_equal(ev.type, "resumed");
    assert_non_null(strstr(ev.detail, "\"paused_s\":1800"));
    assert_int_equal(qh_window_resume(s, 3, err, sizeof err), QH_E_STATE);
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    assert_int_equal(qh_window_pause(s, 3, "会议", err, sizeof err), QH_E_STATE);
}

static void staff_login(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    struct qh_event_row ev;
    ok(qh_staff_add(s, "w001", "王芳", "staff", "1234", err, sizeof err));
    assert_int_equal(qh_staff_add(s, "w001", "x", "staff", "1234", err, sizeof err), QH_E_EXISTS);
    assert_int_equal(qh_staff_add(s, "bad id", "x", "staff", "1234", err, sizeof err), QH_E_PARSE);
    assert_int_equal(qh_staff_add(s, "w002", "x", "boss", "1234", err, sizeof err), QH_E_PARSE);
    assert_int_equal(qh_staff_add(s, "w002", "x", "staff", "12", err, sizeof err), QH_E_PARSE);
    ok(qh_staff_login(s, 3, "w001", "1234", err, sizeof err));
    last_event(s, &ev);
    assert_string_equal(ev.type, "login");
    assert_string_equal(ev.staff, "w001");
    /* Calls from this window record the staff. */
    issue(s, NULL, "B", NULL);
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    assert_string_equal(t.staff, "w001");
    last_event(s, &ev);
    assert_string_equal(ev.staff, "w001");
    assert_int_equal(qh_staff_logout(s, 3, err, sizeof err), QH_E_STATE); /* has a ticket */
    ok(qh_ticket_noshow(s, 3, &t, err, sizeof err));
    /* Moving to window 4 logs out of 3. */
    ok(qh_staff_login(s, 4, "w001", "1234", err, sizeof err));
    struct qh_window_row w;
    ok(qh_store_window_get(s, 3, &w));
    assert_string_equal(w.staff, "");
    ok(qh_staff_logout(s, 4, err, sizeof err));
    assert_int_equal(qh_staff_logout(s, 4, err, sizeof err), QH_E_STATE);
    /* Wrong PINs: 4 refusals, the 5th locks, then even the right PIN is
     * refused until the lock expires. */
    for (int i = 0; i < 4; i++)
        assert_int_equal(qh_staff_login(s, 3, "w001", "9999", err, sizeof err), QH_E_AUTH);
    assert_int_equal(qh_staff_login(s, 3, "w001", "9999", err, sizeof err), QH_E_LOCKED);
    assert_int_equal(qh_staff_login(s, 3, "w001", "1234", err, sizeof err), QH_E_LOCKED);
    assert_int_equal(qh_staff_login(s, 3, "nobody", "1234", err, sizeof err), QH_E_AUTH);
    tu_clock_advance(16 * 60);
    ok(qh_staff_login(s, 3, "w001", "1234", err, sizeof err));
}

/* login_failed events of staff on device ("" any device). */
static int failures(struct qh_store *s, const char *staff, const char *device)
{
    struct qh_event_row ev[512];
    char want[96];
    int n = qh_store_events_since(s, 0, ev, 512, err, sizeof err), k = 0;
    snprintf(want, sizeof want, "\"device\":\"%s\"", device);
    for (int i = 0; i < n; i++)
        k += !strcmp(ev[i].type, "login_failed") && !strcmp(ev[i].staff, staff) &&
             (!*device || strstr(ev[i].detail, want));
    return k;
}

/* Each lock without a right PIN in between lasts twice as long; a right
 * PIN once the lock is over starts again from 15 minutes.  A wrong PIN
 * during a lock is not tried, so not counted. */
static void lockout_grows_and_resets(void **state)
{
    struct qh_store *s = *state;
    qh_store_set_actor(s, "counter:3");
    ok(qh_staff_add(s, "w001", "王芳", "staff", "1234", err, sizeof err));
    static const int minutes[] = {15, 30, 60};
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 4; i++)
            assert_int_equal(qh_staff_verify(s, "w001", "9999", 3, NULL, 0, err, sizeof err),
                             QH_E_AUTH);
        assert_int_equal(qh_staff_verify(s, "w001", "9999", 3, NULL, 0, err, sizeof err),
                         QH_E_LOCKED);
        char want[64];
        snprintf(want, sizeof want, "请 %d 分钟后再试", minutes[round]);
        assert_non_null(strstr(err, want));
        assert_int_equal(qh_staff_verify(s, "w001", "9999", 3, NULL, 0, err, sizeof err),
                         QH_E_LOCKED);
        tu_clock_advance(minutes[round] * 60 - 61);
        assert_int_equal(qh_staff_verify(s, "w001", "1234", 3, NULL, 0, err, sizeof err),
                         QH_E_LOCKED);
        assert_non_null(strstr(err, "请 2 分钟后再试"));
        tu_clock_advance(61);
    }
    assert_int_equal(failures(s, "w001", "counter:3"), 15);
    struct qh_event_row ev;
    last_event(s, &ev);
    assert_string_equal(ev.type, "login_failed");
    assert_int_equal(ev.window, 3);
    assert_non_null(strstr(ev.detail, "\"locked_minutes\":60"));
    assert_non_null(strstr(ev.detail, "\"locked_all_minutes\":15"));
    char who[QH_STAFF_LEN] = "";
    ok(qh_staff_verify(s, "w001", "1234", 3, who, sizeof who, err, sizeof err));
    assert_string_equal(who, "w001");
    struct qh_login_lock l;
    assert_int_equal(qh_store_login_lock_get(s, "w001", "counter:3", &l), QH_E_NOTFOUND);
    assert_int_equal(qh_store_login_lock_get(s, "w001", QH_LOCK_ALL, &l), QH_E_NOTFOUND);
    for (int i = 0; i < 4; i++)
        assert_int_equal(qh_staff_verify(s, "w001", "9999", 3, NULL, 0, err, sizeof err),
                         QH_E_AUTH);
    assert_int_equal(qh_staff_verify(s, "w001", "9999", 3, NULL, 0, err, sizeof err),
                     QH_E_LOCKED);
    assert_non_null(strstr(err, "请 15 分钟后再试"));
    /* An unknown ID counts nothing and names no one. */
    int64_t before = last_event(s, NULL);
    assert_int_equal(qh_staff_verify(s, "nobody", "1234", 3, NULL, 0, err, sizeof err),
                     QH_E_AUTH);
    assert_int_equal(last_event(s, NULL), before);
    qh_store_set_actor(s, "lib");
}

/* An administrator clears a lock at once; a new PIN follows the rules of
 * the role. */
static void unlock_and_set_pin(void **state)
{
    struct qh_store *s = *state;
    ok(qh_staff_add(s, "w001", "王芳", "staff", "1234", err, sizeof err));
    ok(qh_staff_add(s, "boss", "所长", "admin", "246813", err, sizeof err));
    assert_int_equal(qh_staff_add(s, "b2", "副所长", "admin", "24681", err, sizeof err),
                     QH_E_PARSE);
    assert_non_null(strstr(err, "管理员 PIN 应为 6-12 位数字"));
    assert_int_equal(qh_staff_unlock(s, "w001", err, sizeof err), 0);  /* nothing to clear */
    for (int i = 0; i < 5; i++)
        qh_staff_login(s, 3, "w001", "9999", err, sizeof err);
    assert_int_equal(qh_staff_login(s, 3, "w001", "1234", err, sizeof err), QH_E_LOCKED);
    assert_true(qh_staff_unlock(s, "w001", err, sizeof err) > 0);
    struct qh_event_row ev;
    last_event(s, &ev);
    assert_string_equal(ev.type, "staff_unlocked");
    assert_string_equal(ev.staff, "w001");
    ok(qh_staff_login(s, 3, "w001", "1234", err, sizeof err));
    assert_int_equal(qh_staff_unlock(s, "nobody", err, sizeof err), QH_E_NOTFOUND);
    /* New PINs */
    assert_int_equal(qh_staff_set_pin(s, "boss", "1357", err, sizeof err), QH_E_PARSE);
    assert_non_null(strstr(err, "管理员 PIN 应为 6-12 位数字"));
    ok(qh_staff_set_pin(s, "boss", "13579135", err, sizeof err));
    last_event(s, &ev);
    assert_string_equal(ev.type, "staff_pin_changed");
    assert_null(strstr(ev.detail, "13579135"));
    assert_int_equal(qh_staff_verify(s, "boss", "246813", 0, NULL, 0, err, sizeof err),
                     QH_E_AUTH);
    ok(qh_staff_verify(s, "boss", "13579135", 0, NULL, 0, err, sizeof err));
    ok(qh_staff_set_pin(s, "w001", "4321", err, sizeof err));   /* staff: 4 digits */
    assert_int_equal(qh_staff_set_pin(s, "w001", "432", err, sizeof err), QH_E_PARSE);
    assert_int_equal(qh_staff_set_pin(s, "nobody", "432143", err, sizeof err), QH_E_NOTFOUND);
    ok(qh_staff_login(s, 3, "w001", "4321", err, sizeof err));
}

/* Guessers on several connections at the same instant get no more tries
 * than one would: the lock-out is read and written in one write
 * transaction.  Two processes on one device get 5 tries between them;
 * four devices at once get 15, the all-devices limit. */
static void lockout_concurrent(void **state)
{
    struct qh_store *s = *state;
    ok(qh_staff_add(s, "w001", "王芳", "staff", "1234", err, sizeof err));
    const char *const devices[2][4] = {
        {"kiosk:1", "kiosk:1", NULL, NULL},
        {"counter:1", "counter:2", "counter:3", "counter:4"},
    };
    static const int want[2] = {5, 15};
    int before = 0;
    for (int round = 0; round < 2; round++) {
        pid_t kids[4];
        int nkids = 0;
        for (int k = 0; k < 4 && devices[round][k]; k++) {
            pid_t p = fork();
            assert_true(p >= 0);
            if (p == 0) {
                struct qh_store *c;
                char e[QH_ERRLEN];
                if (qh_store_open(&c, qh_store_path(s), 0, e, sizeof e) < 0)
                    _exit(100);
                qh_store_set_actor(c, devices[round][k]);
                int counted = 0;
                for (int i = 0; i < 10; i++) {
                    int rc = qh_staff_verify(c, "w001", "9999", 0, NULL, 0, e, sizeof e);
                    if (rc != QH_E_AUTH && rc != QH_E_LOCKED)
                        _exit(101);
                    counted += rc == QH_E_AUTH;
                }
                qh_store_close(c);
                _exit(counted);
            }
            kids[nkids++] = p;
        }
        int refused = 0;
        for (int k = 0; k < nkids; k++) {
            int st;
            assert_int_equal(waitpid(kids[k], &st, 0), kids[k]);
            assert_true(WIFEXITED(st) && WEXITSTATUS(st) < 100);
            refused += WEXITSTATUS(st);
        }
        int n = failures(s, "w001", "");
        print_message("round %d: %d wrong PINs counted, %d answered as wrong\n",
                      round, n - before, refused);
        assert_int_equal(n - before, want[round]);
        if (round == 0)     /* the fifth try locked, so says so */
            assert_int_equal(refused, 4);
        for (int k = 0; k < 4 && devices[round][k]; k++)
            assert_true(failures(s, "w001", devices[round][k]) <= 5);
        ok(qh_staff_unlock(s, "w001", err, sizeof err));
        before = n;
    }
}

static void rollover(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    issue(s, NULL, "A", NULL);   /* A001 waiting */
    issue(s, NULL, "A", NULL);   /* A002 called */
    issue(s, NULL, "B", NULL);   /* B001 finished */
    ok(qh_ticket_call(s, 1, "A002", &t, err, sizeof err));
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    ok(qh_ticket_start(s, 3, &t, err, sizeof err));
    ok(qh_ticket_finish(s, 3, "done", NULL, &t, err, sizeof err));
    int64_t before = last_event(s, NULL);
    /* 00:30 the next day (Asia/Shanghai): still 16:30 UTC the same date. */
    tu_clock("2026-11-26T00:30:00+08:00");
    t = issue(s, NULL, "A", NULL);
    assert_string_equal(t.number, "A001");
    assert_string_equal(t.day, "2026-11-26");
    struct qh_event_row ev[8];
    int n = qh_store_events_since(s, before, ev, 8, err, sizeof err);
    assert_int_equal(n, 3);   /* two expired, then issued */
    assert_string_equal(ev[0].type, "expired");
    assert_string_equal(ev[0].number, "A001");
    assert_non_null(strstr(ev[0].detail, "\"from\":\"waiting\""));
    assert_string_equal(ev[1].type, "expired");
    assert_string_equal(ev[1].number, "A002");
    assert_non_null(strstr(ev[1].detail, "\"from\":\"called\""));
    assert_string_equal(ev[2].type, "issued");
    /* History stays: yesterday's B001 is still finished. */
    ok(qh_store_ticket_by_number(s, "2026-11-25", "B001", &t));
    assert_int_equal(t.state, QH_TICKET_FINISHED);
    ok(qh_store_ticket_by_number(s, "2026-11-25", "A001", &t));
    assert_int_equal(t.state, QH_TICKET_EXPIRED);
    /* Window 1 is free on the new day. */
    ok(qh_ticket_call_next(s, 1, &t, err, sizeof err));
    assert_string_equal(t.number, "A001");
    char report[4096];
    assert_int_equal(qh_store_check(s, report, sizeof report, err, sizeof err), 0);
}

static void quota(void **state)
{
    struct qh_store *s = *state;
    struct qh_hall_conf c = *qh_store_hall(s);
    c.queues[1].daily_quota = 2;  /* B */
    ok(qh_hall_init(s, &c, 1, err, sizeof err));
    issue(s, NULL, "B", NULL);
    issue(s, "GG003", NULL, NULL);
    struct qh_issue_req req = {.queue = "B"};
    assert_int_equal(qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err), QH_E_QUOTA);
    assert_non_null(strstr(err, "今日号已取完"));
    issue(s, NULL, "A", NULL);   /* other queues unaffected */
}

static void set_quota(struct qh_hall_conf *c, int i, const char *code, int n)
{
    snprintf(c->quotas[i].code, sizeof c->quotas[i].code, "%s", code);
    c->quotas[i].quota = n;
}

/* [quota]: an item's own daily quota, in the same transaction as the
 * number; the hall's other items and queues go on. */
static void item_quota(void **state)
{
    struct qh_store *s = *state;
    struct qh_hall_conf c = *qh_store_hall(s);
    struct qh_ticket_row t;
    char day[11], v[32];
    c.nquotas = 2;
    set_quota(&c, 0, "XK001", 2);
    set_quota(&c, 1, "GG002", 1);
    c.kiosk.speak = 1;
    ok(qh_hall_init(s, &c, 1, err, sizeof err));
    /* Stored as settings quota.<CODE> and read back. */
    ok(qh_store_hall_reload(s, err, sizeof err));
    const struct qh_hall_conf *h = qh_store_hall(s);
    assert_int_equal(h->nquotas, 2);
    assert_int_equal(qh_conf_item_quota(h, "XK001"), 2);
    assert_int_equal(qh_conf_item_quota(h, "GG002"), 1);
    assert_int_equal(h->kiosk.speak, 1);
    assert_true(qh_store_setting_get(s, "quota.XK001", v, sizeof v));
    assert_string_equal(v, "2");
    assert_true(qh_store_setting_get(s, "kiosk.speak", v, sizeof v));
    assert_string_equal(v, "yes");

    issue(s, "XK001", NULL, NULL);
    issue(s, NULL, "A", NULL);          /* the queue, no item: not counted */
    issue(s, "XK001", NULL, NULL);
    qh_hall_today(s, day);
    assert_int_equal(qh_store_service_issued_count(s, day, "XK001"), 2);
    int64_t before = last_event(s, NULL);
    struct qh_issue_req req = {.service = "XK001"};
    assert_int_equal(qh_ticket_issue(s, &req, &t, NULL, err, sizeof err), QH_E_QUOTA);
    assert_string_equal(err, "农村村民宅基地建房审批今日号已取完（2个）");
    qh_store_set_lang(s, QH_LANG_EN);
    assert_int_equal(qh_ticket_issue(s, &req, &t, NULL, err, sizeof err), QH_E_QUOTA);
    assert_string_equal(err, "农村村民宅基地建房审批: today's 2 numbers are all taken");
    qh_store_set_lang(s, QH_LANG_ZH);
    /* Nothing issued, no number used. */
    assert_int_equal(last_event(s, NULL), before);
    assert_int_equal(qh_store_issued_count(s, day, "A"), 3);
    /* Other items of the same queue, and the queue itself, go on. */
    t = issue(s, "XK002", NULL, NULL);
    assert_string_equal(t.number, "A004");
    t = issue(s, NULL, "A", NULL);
    assert_string_equal(t.number, "A005");

    /* A transferred ticket counts for the item it has now. */
    t = issue(s, "GG002", NULL, NULL);
    assert_string_equal(t.number, "B001");
    struct qh_issue_req gg2 = {.service = "GG002"};
    assert_int_equal(qh_ticket_issue(s, &gg2, NULL, NULL, err, sizeof err), QH_E_QUOTA);
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    assert_string_equal(t.number, "B001");
    struct qh_transfer_to tos = {.service = "GG001"};
    ok(qh_ticket_transfer(s, 3, &tos, &t, err, sizeof err));
    assert_int_equal(qh_store_service_issued_count(s, day, "GG002"), 0);
    assert_int_equal(qh_store_service_issued_count(s, day, "GG001"), 1);
    t = issue(s, "GG002", NULL, NULL);
    assert_string_equal(t.number, "B002");

    /* Tomorrow the quota starts again. */
    tu_clock("2026-11-26T09:00:00+08:00");
    issue(s, "XK001", NULL, NULL);

    /* A hall saved again replaces the quotas: XK001 has none now. */
    c.nquotas = 1;
    set_quota(&c, 0, "GG002", 5);
    c.kiosk.speak = 0;
    ok(qh_hall_init(s, &c, 1, err, sizeof err));
    h = qh_store_hall(s);
    assert_int_equal(h->nquotas, 1);
    assert_string_equal(h->quotas[0].code, "GG002");
    assert_int_equal(h->quotas[0].quota, 5);
    assert_int_equal(h->kiosk.speak, 0);
    assert_false(qh_store_setting_get(s, "quota.XK001", v, sizeof v));
    issue(s, "XK001", NULL, NULL);
    issue(s, "XK001", NULL, NULL);
    char report[4096];
    assert_int_equal(qh_store_check(s, report, sizeof report, err, sizeof err), 0);
}

static void appointments(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    struct qh_issue_info info;
    char code[16] = "";
    int64_t slot;
    ok(qh_clock_parse("2026-11-25T10:00:00+08:00", NULL, &slot, err, sizeof err));
    ok(qh_appointment_add(s, "GG010", slot, "李四", code, err, sizeof err));
    assert_int_equal(strlen(code), 8);
    char given[16] = "WX12345";
    ok(qh_appointment_add(s, "GG011", slot + 86400000LL, "", given, err, sizeof err));
    assert_string_equal(given, "WX12345");
    assert_int_equal(qh_appointment_add(s, "GG011", slot, "", given, err, sizeof err), QH_E_EXISTS);
    assert_int_equal(qh_appointment_add(s, "NOPE", slot, "", NULL, err, sizeof err), QH_E_NOTFOUND);
    issue(s, NULL, "B", NULL);           /* walk-in at 9:00 */
    tu_clock("2026-11-25T09:50:00+08:00");
    issue(s, NULL, "B", NULL);           /* walk-in at 9:50 */
    ok(qh_appointment_checkin(s, code, &t, &info, err, sizeof err));
    assert_string_equal(t.number, "B003");
    assert_int_equal(t.virtual_at, slot);
    assert_int_equal(info.ahead, 2);
    assert_int_equal(qh_appointment_checkin(s, code, &t, &info, err, sizeof err), QH_E_STATE);
    assert_int_equal(qh_appointment_checkin(s, "0000", &t, &info, err, sizeof err), QH_E_NOTFOUND);
    assert_int_equal(qh_appointment_checkin(s, "WX12345", &t, &info, err, sizeof err), QH_E_STATE);
    /* A walk-in at 10:05 comes after the 10:00 slot. */
    tu_clock("2026-11-25T10:05:00+08:00");
    issue(s, NULL, "B", NULL);
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    assert_string_equal(t.number, "B001");
    ok(qh_ticket_noshow(s, 3, &t, err, sizeof err));
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    assert_string_equal(t.number, "B002");
    ok(qh_ticket_noshow(s, 3, &t, err, sizeof err));
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    assert_string_equal(t.number, "B003");
}

static int first_followup(const struct qh_followup *f, void *ud)
{
    *(struct qh_followup *)ud = *f;
    return 1;
}

/* Free text at its limit is stored whole, in 4-byte characters too; one
 * character more, bad UTF-8 or a control character is refused as bad
 * input (never as "out of memory") and nothing is written. */
static void free_text(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    struct qh_event_row ev;
    struct qh_window_row w;
    struct qh_followup f;
    char got[QH_TEXT_NOTE_LEN], text[QH_TEXT_BYTES(800)];
    int64_t before;
    qh_store_set_lang(s, QH_LANG_EN);

    /* Pause reasons: 60 characters (cut at 127 bytes before). */
    before = last_event(s, NULL);
    assert_int_equal(qh_window_pause(s, 3, tu_rep("暂", 61), err, sizeof err), QH_E_PARSE);
    assert_string_equal(err, "pause reason: at most 60 characters, got 61");
    assert_int_equal(qh_window_pause(s, 3, "x\033]0;owned\007\033[2J", err, sizeof err),
                     QH_E_PARSE);
    assert_string_equal(err, "pause reason: control character U+001B (character 2)");
    assert_int_equal(qh_window_pause(s, 3, "\xff", err, sizeof err), QH_E_PARSE);
    assert_int_equal(last_event(s, NULL), before);
    ok(qh_store_window_get(s, 3, &w));
    assert_int_equal(w.paused, 0);
    snprintf(text, sizeof text, "%s", tu_rep("暂", 60));
    ok(qh_window_pause(s, 3, text, err, sizeof err));
    ok(qh_store_window_get(s, 3, &w));
    assert_string_equal(w.pause_reason, text);
    last_event(s, &ev);
    assert_true(qh_json_get_str(ev.detail, "reason", got, sizeof got));
    assert_string_equal(got, text);
    ok(qh_window_resume(s, 3, err, sizeof err));

    /* Notes: 500 characters; ~700 bytes used to fail as "event detail too
     * long", reported as out of memory. */
    issue(s, NULL, "B", NULL);
    ok(qh_ticket_call_next(s, 3, &t, err, sizeof err));
    ok(qh_ticket_start(s, 3, &t, err, sizeof err));
    before = last_event(s, NULL);
    assert_int_equal(qh_ticket_finish(s, 3, "failed", tu_rep("字", 731), &t, err, sizeof err),
                     QH_E_PARSE);
    assert_string_equal(err, "note: at most 500 characters, got 731");
    assert_int_equal(qh_ticket_finish(s, 3, "done", tu_rep("😀", 501), &t, err, sizeof err),
                     QH_E_PARSE);
    struct qh_transfer_to to = {.queue = "A", .note = "a\tb"};
    assert_int_equal(qh_ticket_transfer(s, 3, &to, &t, err, sizeof err), QH_E_PARSE);
    assert_int_equal(last_event(s, NULL), before);
    to.note = tu_rep("\"\\", 250);            /* every byte escaped in JSON */
    snprintf(text, sizeof text, "%s", to.note);
    ok(qh_ticket_transfer(s, 3, &to, &t, err, sizeof err));
    last_event(s, &ev);
    assert_true(qh_json_get_str(ev.detail, "note", got, sizeof got));
    assert_string_equal(got, text);
    ok(qh_ticket_call_next(s, 1, &t, err, sizeof err));
    ok(qh_ticket_start(s, 1, &t, err, sizeof err));
    snprintf(text, sizeof text, "%s", tu_rep("😀", 500));
    ok(qh_ticket_finish(s, 1, "failed", text, &t, err, sizeof err));
    last_event(s, &ev);
    assert_true(qh_json_get_str(ev.detail, "note", got, sizeof got));
    assert_string_equal(got, text);
    /* The 办不成 follow-up keeps the whole note as its reason. */
    ok(qh_stats_followup_each(s, QH_FOLLOWUP_OPEN, first_followup, &f, err, sizeof err));
    assert_string_equal(f.reason, text);

    /* Follow-up results: 200 characters. */
    before = last_event(s, NULL);
    assert_int_equal(qh_stats_followup_close(s, f.id, tu_rep("果", 201), NULL, err, sizeof err),
                     QH_E_PARSE);
    assert_string_equal(err, "follow-up result: at most 200 characters, got 201");
    assert_int_equal(last_event(s, NULL), before);
    snprintf(text, sizeof text, "%s", tu_rep("果", 200));
    ok(qh_stats_followup_close(s, f.id, text, &f, err, sizeof err));
    assert_string_equal(f.result, text);

    /* Rating reasons: 200 characters (cut at 255 bytes before). */
    assert_int_equal(rate(s, t.number, 1, tu_rep("慢", 201), &t, err, sizeof err),
                     QH_E_PARSE);
    assert_string_equal(err, "rating reason: at most 200 characters, got 201");
    snprintf(text, sizeof text, "%s", tu_rep("慢", 200));
    ok(rate(s, t.number, 1, text, &t, err, sizeof err));
    last_event(s, &ev);
    assert_string_equal(ev.type, "rated");
    assert_true(qh_json_get_str(ev.detail, "reason", got, sizeof got));
    assert_string_equal(got, text);

    /* Names: 32 characters (63 bytes before, more cut silently). */
    struct qh_staff_row st;
    assert_int_equal(qh_staff_add(s, "n1", tu_rep("名", 33), "staff", "123456", err, sizeof err),
                     QH_E_PARSE);
    assert_string_equal(err, "name: at most 32 characters, got 33");
    assert_int_equal(qh_staff_add(s, "n1", "x\033[2J", "staff", "123456", err, sizeof err),
                     QH_E_PARSE);
    assert_int_equal(qh_store_staff_get(s, "n1", &st), QH_E_NOTFOUND);
    snprintf(text, sizeof text, "%s", tu_rep("😀", 32));
    ok(qh_staff_add(s, "n1", text, "staff", "123456", err, sizeof err));
    ok(qh_store_staff_get(s, "n1", &st));
    assert_string_equal(st.name, text);
    struct qh_appointment a;
    char code[16] = "";
    char *huge = malloc(131001);
    assert_non_null(huge);
    memset(huge, 'a', 131000);
    huge[131000] = '\0';
    assert_int_equal(qh_appointment_add(s, "GG010", t.issued_at + 3600000, huge, code,
                                        err, sizeof err), QH_E_PARSE);
    free(huge);
    assert_string_equal(err, "name: at most 32 characters, got 131000");
    ok(qh_appointment_add(s, "GG010", t.issued_at + 3600000, text, code, err, sizeof err));
    ok(qh_store_appointment_get(s, code, &a));
    assert_string_equal(a.name, text);
}

static void readonly_db(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row t;
    issue(s, NULL, "A", NULL);
    char path[512];
    snprintf(path, sizeof path, "%s", qh_store_path(s));
    struct qh_store *ro;
    ok(qh_store_open(&ro, path, QH_STORE_READONLY, err, sizeof err));
    int rc = qh_ticket_call_next(ro, 1, &t, err, sizeof err);
    assert_true(rc == QH_E_DB || rc == QH_E_BUSY);
    qh_store_close(ro);
    ok(qh_ticket_get(s, "A001", &t, err, sizeof err));
    assert_int_equal(t.state, QH_TICKET_WAITING);
}

static void two_connections(void **state)
{
    struct qh_store *s = *state;
    struct qh_store *s2;
    struct qh_ticket_row t1, t2;
    ok(qh_store_open(&s2, qh_store_path(s), 0, err, sizeof err));
    for (int i = 0; i < 10; i++)
        issue(s, NULL, "A", NULL);
    for (int i = 0; i < 5; i++) {
        ok(qh_ticket_call_next(s, 1, &t1, err, sizeof err));
        ok(qh_ticket_call_next(s2, 2, &t2, err, sizeof err));
        assert_string_not_equal(t1.number, t2.number);
        ok(qh_ticket_noshow(s2, 1, NULL, err, sizeof err));
        ok(qh_ticket_noshow(s, 2, NULL, err, sizeof err));
    }
    qh_store_close(s2);
    char report[4096];
    assert_int_equal(qh_store_check(s, report, sizeof report, err, sizeof err), 0);
}

static void check_detects(void **state)
{
    struct qh_store *s = *state;
    char report[4096];
    issue(s, NULL, "A", NULL);
    assert_int_equal(qh_store_check(s, report, sizeof report, err, sizeof err), 0);
    /* Break an invariant behind the library's back: a ticket in a state its
     * events never put it in. */
    struct qh_ticket_row t;
    ok(qh_ticket_get(s, "A001", &t, err, sizeof err));
    t.state = QH_TICKET_SERVING;
    t.window = 1;
    ok(qh_store_ticket_update(s, &t, err, sizeof err));
    int n = qh_store_check(s, report, sizeof report, err, sizeof err);
    assert_true(n >= 1);
    assert_non_null(strstr(report, "A001"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(numbering), T(four_digits), T(routing_2_plus_1),
        T(overflow_through_the_store), T(green_channel),
        T(recall_noshow_callback), T(hold_release), T(transfer),
        T(finish_and_rate), T(pause_resume), T(staff_login),
        T(lockout_grows_and_resets), T(unlock_and_set_pin), T(lockout_concurrent),
        T(rollover),
        T(quota), T(item_quota), T(appointments), T(free_text), T(readonly_db), T(two_connections),
        T(check_detects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
