/* test_display_model.c: the hall display's state from events, without a
 * screen and without a database: every event type, transfers, pauses,
 * recalls, announcements and quiet hours, blinking, reconnects and the
 * rollover at midnight.  The clock is passed in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "model.h"
#include "qh/announce.h"
#include "qh/clock.h"

static int64_t T0;              /* 2026-11-25 09:00 +08:00, a Wednesday */
static int64_t next_id;

static int64_t at(const char *iso)
{
    int64_t ms;
    char err[QH_ERRLEN];
    if (qh_clock_parse(iso, NULL, &ms, err, sizeof err) < 0)
        fail_msg("%s", err);
    return ms;
}

static int group_setup(void **state)
{
    (void)state;
    T0 = at("2026-11-25T09:00:00+08:00");
    return 0;
}

static void snap_default(struct qh_dm_snapshot *s, const char *day)
{
    memset(s, 0, sizeof *s);
    snprintf(s->day, sizeof s->day, "%s", day);
    qh_conf_defaults(&s->hall);
    s->nwindows = s->hall.nwindows;
    for (int i = 0; i < s->nwindows; i++)
        s->windows[i].number = s->hall.windows[i].number;
    s->nqueues = s->hall.nqueues;
    for (int i = 0; i < s->nqueues; i++)
        snprintf(s->queues[i].code, sizeof s->queues[i].code, "%s", s->hall.queues[i].code);
}

static struct qh_display_model *model_new(int window)
{
    struct qh_display_model *m = calloc(1, sizeof *m);
    struct qh_dm_snapshot *s = calloc(1, sizeof *s);
    assert_non_null(m);
    assert_non_null(s);
    qh_display_model_init(m, QH_LANG_ZH, window, T0);
    assert_int_equal(m->connected, 0);
    assert_int_equal(m->have_hall, 0);
    snap_default(s, "2026-11-25");
    assert_int_equal(qh_display_model_snapshot(m, s, T0), 1);
    qh_display_model_connection(m, 1, NULL);
    free(s);
    return m;
}

static struct qh_event_row ev(const char *type, const char *number, const char *queue,
                              int window, const char *detail, int64_t when)
{
    struct qh_event_row e;
    memset(&e, 0, sizeof e);
    e.id = ++next_id;
    e.at = when;
    snprintf(e.type, sizeof e.type, "%s", type);
    if (number) {
        e.ticket = next_id;
        snprintf(e.number, sizeof e.number, "%s", number);
    }
    snprintf(e.queue, sizeof e.queue, "%s", queue ? queue : "");
    e.window = window;
    if (!strcmp(type, "login"))
        snprintf(e.staff, sizeof e.staff, "w%02d", window);
    snprintf(e.detail, sizeof e.detail, "%s", detail ? detail : "{}");
    return e;
}

static int apply(struct qh_display_model *m, const char *type, const char *number,
                 const char *queue, int window, const char *detail, int64_t when)
{
    struct qh_event_row e = ev(type, number, queue, window, detail, when);
    return qh_display_model_event(m, &e, when);
}

static enum qh_dm_wstate wstate(struct qh_display_model *m, int n)
{
    const struct qh_dm_window *w = qh_display_model_window(m, n);
    assert_non_null(w);
    return qh_display_model_wstate(w);
}

static void expect_say(struct qh_display_model *m, const char *text)
{
    char got[128];
    assert_int_equal(qh_display_model_take_say(m, got, sizeof got), 1);
    assert_string_equal(got, text);
}

static void no_say(struct qh_display_model *m)
{
    char got[128];
    assert_int_equal(qh_display_model_take_say(m, got, sizeof got), 0);
}

static void lifecycle(void **state)
{
    (void)state;
    struct qh_display_model *m = model_new(0);
    uint64_t g;

    assert_int_equal(m->open, 1);
    assert_int_equal(wstate(m, 1), QH_DM_CLOSED);       /* 未开放 */
    apply(m, "login", NULL, "", 1, "{\"name\":\"王芳\"}", T0);
    assert_int_equal(wstate(m, 1), QH_DM_IDLE);
    apply(m, "issued", "A001", "A", 0, "{}", T0);
    apply(m, "issued", "A002", "A", 0, "{}", T0);
    assert_int_equal(qh_display_model_waiting(m, "A"), 2);
    no_say(m);

    g = m->gen;
    assert_int_equal(apply(m, "called", "A001", "A", 1, "{\"waited_s\":60}", T0 + 1000), 1);
    assert_true(m->gen > g);
    assert_int_equal(wstate(m, 1), QH_DM_CALLING);
    assert_int_equal(qh_display_model_waiting(m, "A"), 1);
    assert_int_equal(m->has_current, 1);
    assert_string_equal(m->current.number, "A001");
    assert_int_equal(m->current.window, 1);
    assert_int_equal(m->current.green, 0);
    assert_int_equal(m->blink_on, 1);
    expect_say(m, "请A零零一号到1号窗口办理");
    no_say(m);

    /* A recall blinks and speaks again, and does not list the number twice. */
    qh_display_model_tick(m, T0 + 1000 + QH_DM_BLINK_MS + 10);
    assert_int_equal(m->blink_on, 0);
    apply(m, "recalled", "A001", "A", 1, "{\"count\":1,\"limit\":3}",
          T0 + 1000 + QH_DM_BLINK_MS + 10);
    assert_int_equal(m->blink_on, 1);
    assert_int_equal(m->current.recalls, 1);
    assert_int_equal(m->nrecent, 1);
    expect_say(m, "请A零零一号到1号窗口办理");

    apply(m, "started", "A001", "A", 1, "{}", T0 + 20000);
    assert_int_equal(wstate(m, 1), QH_DM_SERVING);
    apply(m, "finished", "A001", "A", 1, "{\"outcome\":\"done\"}", T0 + 30000);
    assert_int_equal(wstate(m, 1), QH_DM_IDLE);
    assert_int_equal(qh_display_model_waiting(m, "A"), 1);
    /* The newest call stays on the big panel after it is finished. */
    assert_string_equal(m->current.number, "A001");

    /* 办不成: forwarded to the class C queue, same number. */
    apply(m, "called", "A002", "A", 1, "{}", T0 + 40000);
    apply(m, "started", "A002", "A", 1, "{}", T0 + 41000);
    apply(m, "finished", "A002", "C", 1, "{\"outcome\":\"failed\",\"to_queue\":\"C\"}",
          T0 + 42000);
    assert_int_equal(qh_display_model_waiting(m, "C"), 1);
    assert_int_equal(qh_display_model_waiting(m, "A"), 0);
    expect_say(m, "请A零零二号到1号窗口办理");

    apply(m, "logout", NULL, "", 1, "{}", T0 + 50000);
    assert_int_equal(wstate(m, 1), QH_DM_CLOSED);
    /* Events that change nothing on screen do not redraw. */
    g = m->gen;
    assert_int_equal(apply(m, "rated", "A001", "A", 1, "{\"score\":5}", T0 + 50000), 0);
    assert_int_equal(apply(m, "printed", "A001", "A", 0, "{}", T0 + 50000), 0);
    assert_int_equal(apply(m, "login_failed", NULL, "", 1, "{}", T0 + 50000), 0);
    assert_true(m->gen == g);
    free(m);
}

static void green_transfer_hold_noshow_cancel(void **state)
{
    (void)state;
    struct qh_display_model *m = model_new(0);

    apply(m, "login", NULL, "", 3, "{}", T0);
    apply(m, "login", NULL, "", 5, "{}", T0);
    apply(m, "issued", "B001", "B", 0, "{}", T0);
    apply(m, "issued", "B002", "B", 0, "{\"green\":\"elderly\"}", T0);
    apply(m, "issued", "B003", "B", 0, "{}", T0);
    apply(m, "issued", "C001", "C", 0, "{}", T0);
    assert_int_equal(qh_display_model_waiting(m, "B"), 3);

    /* The green-channel ticket goes first and is marked. */
    apply(m, "called", "B002", "B", 3, "{\"green\":\"elderly\",\"waited_s\":10}", T0);
    assert_int_equal(m->current.green, 1);
    assert_int_equal(qh_display_model_window(m, 3)->green, 1);
    assert_int_equal(m->recent[0].green, 1);
    expect_say(m, "请B零零二号到3号窗口办理");

    /* Transfer from window 5 to queue B: window free, B one more. */
    apply(m, "called", "C001", "C", 5, "{}", T0 + 1000);
    apply(m, "started", "C001", "C", 5, "{}", T0 + 2000);
    apply(m, "transferred", "C001", "B", 5,
          "{\"from_queue\":\"C\",\"to_queue\":\"B\",\"from_window\":5}", T0 + 3000);
    assert_int_equal(wstate(m, 5), QH_DM_IDLE);
    assert_int_equal(qh_display_model_waiting(m, "C"), 0);
    assert_int_equal(qh_display_model_waiting(m, "B"), 3);

    /* Hold: window free; release: back in its queue. */
    apply(m, "started", "B002", "B", 3, "{}", T0 + 4000);
    apply(m, "held", "B002", "B", 3, "{}", T0 + 5000);
    assert_int_equal(wstate(m, 3), QH_DM_IDLE);
    apply(m, "released", "B002", "B", 3, "{}", T0 + 6000);
    assert_int_equal(qh_display_model_waiting(m, "B"), 4);

    /* No-show frees the window; a callback calls again (not from waiting). */
    apply(m, "called", "B001", "B", 3, "{}", T0 + 7000);
    assert_int_equal(qh_display_model_waiting(m, "B"), 3);
    apply(m, "no_show", "B001", "B", 3, "{\"reason\":\"window\"}", T0 + 8000);
    assert_int_equal(wstate(m, 3), QH_DM_IDLE);
    apply(m, "called_back", "B001", "B", 3, "{}", T0 + 9000);
    assert_int_equal(wstate(m, 3), QH_DM_CALLING);
    assert_int_equal(qh_display_model_waiting(m, "B"), 3);
    assert_string_equal(m->current.number, "B001");
    /* A finish at another window's ticket does not clear this one. */
    apply(m, "finished", "B009", "B", 3, "{}", T0 + 9500);
    assert_int_equal(wstate(m, 3), QH_DM_CALLING);

    apply(m, "cancelled", "B003", "B", 0, "{}", T0 + 10000);
    assert_int_equal(qh_display_model_waiting(m, "B"), 2);
    /* Recent calls: newest first, each number once. */
    char line[2048];
    qh_display_model_describe(m, line, sizeof line);
    assert_non_null(strstr(line, "recent=B001@3,C001@5,B002@3"));
    free(m);
}

static void pause_resume(void **state)
{
    (void)state;
    struct qh_display_model *m = model_new(0);

    apply(m, "login", NULL, "", 2, "{}", T0);
    apply(m, "paused", NULL, "", 2, "{\"reason\":\"会议\"}", T0);
    assert_int_equal(wstate(m, 2), QH_DM_PAUSED);
    assert_string_equal(qh_display_model_window(m, 2)->reason, "会议");
    apply(m, "resumed", NULL, "", 2, "{\"reason\":\"会议\",\"paused_s\":60}", T0 + 60000);
    assert_int_equal(wstate(m, 2), QH_DM_IDLE);
    assert_string_equal(qh_display_model_window(m, 2)->reason, "");
    free(m);
}

/* Numbers restart every day: at midnight yesterday's calls go, by the
 * clock alone or by the first event of the new day. */
static void midnight(void **state)
{
    (void)state;
    struct qh_display_model *m = model_new(0);
    int64_t late = at("2026-11-25T23:59:30+08:00");

    apply(m, "login", NULL, "", 1, "{}", T0);
    apply(m, "issued", "A001", "A", 0, "{}", T0);
    apply(m, "issued", "A002", "A", 0, "{}", T0);
    apply(m, "called", "A001", "A", 1, "{}", late);
    qh_display_model_tick(m, late);
    assert_int_equal(m->open, 0);
    assert_int_equal(m->has_current, 1);
    m->need_snapshot = 0;
    qh_display_model_tick(m, at("2026-11-26T00:00:01+08:00"));
    assert_string_equal(m->day, "2026-11-26");
    assert_int_equal(m->has_current, 0);
    assert_int_equal(m->nrecent, 0);
    assert_int_equal(qh_display_model_waiting(m, "A"), 0);
    assert_int_equal(wstate(m, 1), QH_DM_IDLE);     /* still logged in */
    assert_int_equal(m->need_snapshot, 1);

    /* The first event of the next day clears too (a display whose clock
     * has not ticked yet). */
    apply(m, "issued", "A001", "A", 0, "{}", at("2026-11-26T08:31:00+08:00"));
    apply(m, "called", "A001", "A", 1, "{}", at("2026-11-26T08:32:00+08:00"));
    assert_string_equal(m->current.number, "A001");
    apply(m, "issued", "A001", "A", 0, "{}", at("2026-11-27T08:31:00+08:00"));
    assert_string_equal(m->day, "2026-11-27");
    assert_int_equal(m->has_current, 0);
    assert_int_equal(qh_display_model_waiting(m, "A"), 1);
    free(m);
}

static void quiet_hours_and_stale_calls(void **state)
{
    (void)state;
    struct qh_display_model *m = model_new(0);
    struct qh_dm_snapshot *s = calloc(1, sizeof *s);
    int64_t noon = at("2026-11-25T12:30:00+08:00");

    snap_default(s, "2026-11-25");
    s->hall.display.nquiet = 1;
    s->hall.display.quiet[0] = (struct qh_span){12 * 60, 14 * 60};
    qh_display_model_snapshot(m, s, noon);
    assert_int_equal(m->quiet, 1);
    assert_int_equal(m->open, 0);
    apply(m, "called", "A001", "A", 1, "{}", noon);
    no_say(m);
    assert_int_equal(m->blink_on, 1);      /* seen, not heard */
    qh_display_model_tick(m, T0 + 3600 * 1000 * 5);     /* 14:00 */
    assert_int_equal(m->quiet, 0);
    /* A call replayed after a long outage is shown, not read out. */
    struct qh_event_row e = ev("called", "A002", "A", 1, "{}", T0);
    qh_display_model_event(m, &e, T0 + 5 * 60 * 1000);
    assert_string_equal(m->current.number, "A002");
    no_say(m);
    free(s);
    free(m);
}

static void blink_and_wake(void **state)
{
    (void)state;
    struct qh_display_model *m = model_new(0);
    int64_t t = T0 + 250;

    apply(m, "called", "A001", "A", 1, "{}", t);
    assert_int_equal(m->blink_on, 1);
    assert_int_equal(qh_display_model_wake_ms(m, t, 5000), QH_DM_BLINK_HALF_MS);
    uint64_t g = m->gen;
    assert_int_equal(qh_display_model_tick(m, t + 100), 0);     /* same phase */
    assert_true(m->gen == g);
    assert_int_equal(qh_display_model_tick(m, t + QH_DM_BLINK_HALF_MS), 1);
    assert_int_equal(m->blink_on, 0);
    assert_int_equal(qh_display_model_tick(m, t + 2 * QH_DM_BLINK_HALF_MS), 1);
    assert_int_equal(m->blink_on, 1);
    qh_display_model_tick(m, t + QH_DM_BLINK_MS);
    assert_int_equal(m->blink_on, 0);
    /* Idle: wake at the next minute only (09:00:08.250 -> 51.75 s). */
    assert_int_equal(qh_display_model_wake_ms(m, t + QH_DM_BLINK_MS, 600000), 51750);
    assert_int_equal(qh_display_model_wake_ms(m, t + QH_DM_BLINK_MS, 5000), 5000);
    g = m->gen;
    assert_int_equal(qh_display_model_tick(m, t + QH_DM_BLINK_MS + 1000), 0);
    assert_int_equal(qh_display_model_tick(m, T0 + 60000), 1);      /* 09:01 */
    assert_true(m->gen > g);
    free(m);
}

static void snapshot_and_connection(void **state)
{
    (void)state;
    struct qh_display_model *m = model_new(0);
    struct qh_dm_snapshot *s = calloc(1, sizeof *s);
    uint64_t g;

    snap_default(s, "2026-11-25");
    /* Nothing new: no redraw. */
    g = m->gen;
    assert_int_equal(qh_display_model_snapshot(m, s, T0), 0);
    assert_true(m->gen == g);
    /* The store knows better: counts, windows, recent calls. */
    s->queues[0].waiting = 7;
    snprintf(s->windows[1].staff, sizeof s->windows[1].staff, "w02");
    snprintf(s->windows[1].ticket, sizeof s->windows[1].ticket, "A005");
    s->windows[1].ticket_state = 2;
    s->nrecent = 1;
    snprintf(s->recent[0].number, sizeof s->recent[0].number, "A005");
    s->recent[0].window = 2;
    assert_int_equal(qh_display_model_snapshot(m, s, T0), 1);
    assert_int_equal(qh_display_model_waiting(m, "A"), 7);
    assert_int_equal(wstate(m, 2), QH_DM_SERVING);
    /* At start the newest call is shown without blinking. */
    assert_string_equal(m->current.number, "A005");
    assert_int_equal(m->blink_on, 0);
    no_say(m);

    g = m->gen;
    assert_int_equal(qh_display_model_connection(m, 0, "database is locked"), 1);
    assert_string_equal(m->problem, "database is locked");
    assert_int_equal(qh_display_model_connection(m, 0, "database is locked"), 0);
    /* The last good state stays under the banner. */
    assert_string_equal(m->current.number, "A005");
    assert_int_equal(qh_display_model_connection(m, 1, NULL), 1);
    assert_true(m->gen > g);
    /* An event for a window the model does not know asks for a snapshot. */
    m->need_snapshot = 0;
    apply(m, "login", NULL, "", 42, "{}", T0);
    assert_int_equal(m->need_snapshot, 1);
    m->need_snapshot = 0;
    apply(m, "hall_init", NULL, "", 0, "{}", T0);
    assert_int_equal(m->need_snapshot, 1);
    free(s);
    free(m);
}

/* --window N: only that window's calls blink; window screens are silent. */
static void window_mode(void **state)
{
    (void)state;
    struct qh_display_model *m = model_new(3);

    apply(m, "called", "A001", "A", 1, "{}", T0);
    assert_int_equal(m->has_current, 0);
    apply(m, "called", "B001", "B", 3, "{}", T0);
    assert_int_equal(m->has_current, 1);
    assert_string_equal(m->current.number, "B001");
    no_say(m);
    free(m);
}

/* The notice's marquee is arithmetic on the clock: still when it fits,
 * right to left when not, seamless wrap after text + gap, frames on a
 * fixed grid. */
static void marquee(void **state)
{
    (void)state;
    struct qh_dm_marquee fits = {800, 1800, 450, 80};
    struct qh_dm_marquee longer = {3000, 1800, 450, qh_display_marquee_speed(1080)};
    int64_t since = T0, period_ms = (3000 + 450) * 1000 / 80;

    assert_int_equal(qh_display_marquee_speed(1080), 80);
    assert_int_equal(qh_display_marquee_speed(2160), 160);
    assert_true(qh_display_marquee_speed(240) >= 20);
    /* Fits: never moves, never asks for a frame. */
    assert_int_equal(qh_display_marquee_scrolls(&fits), 0);
    for (int64_t t = since - 1000; t < since + 600000; t += 777) {
        assert_int_equal(qh_display_marquee_offset(&fits, since, t), 0);
        assert_int_equal(qh_display_marquee_wake_ms(&fits, since, t, 60000), 60000);
    }
    struct qh_dm_marquee exact = {1800, 1800, 450, 80};
    assert_int_equal(qh_display_marquee_scrolls(&exact), 0);

    /* Too long: starts at its beginning, moves left about 80 px/s. */
    assert_int_equal(qh_display_marquee_scrolls(&longer), 1);
    assert_int_equal(qh_display_marquee_offset(&longer, since, since - 5000), 0);
    assert_int_equal(qh_display_marquee_offset(&longer, since, since), 0);
    assert_int_equal(qh_display_marquee_offset(&longer, since, since + 1000), -80);
    assert_int_equal(qh_display_marquee_offset(&longer, since, since + 10000), -800);
    int prev = 1, wraps = 0;
    for (int64_t t = since; t < since + 3 * period_ms; t += 7) {
        int off = qh_display_marquee_offset(&longer, since, t);
        assert_true(off <= 0 && off > -(3000 + 450));
        if (off > prev) {
            /* The wrap: back to the start, as the next pass arrives there. */
            assert_true(prev - (-(3000 + 450)) <= 4);
            assert_true(off >= -4);
            wraps++;
        }
        prev = off;
    }
    assert_int_equal(wraps, 2);
    /* One whole pass (and a frame) later it is back where it began. */
    assert_true(qh_display_marquee_offset(&longer, since, since + period_ms + 40) >= -4);

    /* Frames every QH_DM_MARQUEE_FRAME_MS, on the grid: between two
     * frames the offset holds still; at the wake it has moved. */
    for (int64_t t = since + 1; t < since + 2000; t += 13) {
        int w = qh_display_marquee_wake_ms(&longer, since, t, 60000);
        assert_true(w >= 1 && w <= QH_DM_MARQUEE_FRAME_MS);
        assert_int_equal(qh_display_marquee_offset(&longer, since, t + w - 1),
                         qh_display_marquee_offset(&longer, since, t));
        assert_true(qh_display_marquee_offset(&longer, since, t + w) <
                    qh_display_marquee_offset(&longer, since, t));
    }
    assert_int_equal(qh_display_marquee_wake_ms(&longer, since, since, 10), 10);
    assert_int_equal(qh_display_marquee_wake_ms(&longer, since, since - 30, 60000), 30);
}

/* A new notice starts its marquee over; other hall changes do not, and
 * the notice adds no wake-ups to the model's own (minute, blink). */
static void notice_since(void **state)
{
    (void)state;
    struct qh_display_model *m = model_new(0);
    struct qh_dm_snapshot *s = calloc(1, sizeof *s);
    assert_non_null(s);
    assert_int_equal(m->notice_since, T0);
    snap_default(s, "2026-11-25");
    snprintf(s->hall.name, sizeof s->hall.name, "另一个中心");
    assert_int_equal(qh_display_model_snapshot(m, s, T0 + 5000), 1);
    assert_int_equal(m->notice_since, T0);
    snprintf(s->hall.notice, sizeof s->hall.notice, "请提前准备好材料");
    assert_int_equal(qh_display_model_snapshot(m, s, T0 + 9000), 1);
    assert_int_equal(m->notice_since, T0 + 9000);
    snprintf(s->hall.notice_en, sizeof s->hall.notice_en, "Please be ready");
    assert_int_equal(qh_display_model_snapshot(m, s, T0 + 12000), 1);
    assert_int_equal(m->notice_since, T0 + 12000);
    assert_int_equal(qh_display_model_snapshot(m, s, T0 + 15000), 0);
    assert_int_equal(m->notice_since, T0 + 12000);
    /* Nothing blinks: the next wake is the clock's next minute. */
    assert_int_equal(qh_display_model_wake_ms(m, T0 + 15000, 600000), 45000);
    free(s);
    free(m);
}

static void announcement_text(void **state)
{
    (void)state;
    char t[128];
    qh_announce_text("A001", 3, t, sizeof t);
    assert_string_equal(t, "请A零零一号到3号窗口办理");
    qh_announce_text("B1234", 12, t, sizeof t);
    assert_string_equal(t, "请B一二三四号到12号窗口办理");
    qh_announce_text("C0<0>7!", 5, t, sizeof t);
    assert_string_equal(t, "请C零零七号到5号窗口办理");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lifecycle),
        cmocka_unit_test(green_transfer_hold_noshow_cancel),
        cmocka_unit_test(pause_resume),
        cmocka_unit_test(midnight),
        cmocka_unit_test(quiet_hours_and_stale_calls),
        cmocka_unit_test(blink_and_wake),
        cmocka_unit_test(snapshot_and_connection),
        cmocka_unit_test(window_mode),
        cmocka_unit_test(announcement_text),
        cmocka_unit_test(marquee),
        cmocka_unit_test(notice_since),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
