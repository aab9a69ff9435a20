/* test_rating.c: 好差评 from the citizen (common/core/rating.c) on real
 * databases of either backend: the channels, every refusal of who may
 * rate on which channel, a ticket rated once, the `rated` event's detail,
 * the staff terminal's old path recorded as legacy, the pad's prompt and
 * walk-away events, and the rating rows as a copy to a file carries them. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "testutil.h"
#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/hall.h"
#include "qh/rating.h"
#include "qh/stats.h"
#include "qh/ticket.h"

static char err[4096];

static void ok(int rc)
{
    if (rc < 0)
        fail_msg("rc %d: %s", rc, err);
}

static int setup(void **state)
{
    setenv("QHALL_SYNC", "normal", 1);
    tu_clock("2026-11-25T09:00:00+08:00");
    struct qh_store *s = tu_store_new("rating");
    ok(qh_staff_add(s, "w001", "王芳", "staff", "1234", err, sizeof err));
    ok(qh_staff_add(s, "boss", "所长", "admin", "246813", err, sizeof err));
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    qh_store_close(*state);
    return 0;
}

/* A ticket of queue A served and finished at window 1 by w001. */
static struct qh_ticket_row served(struct qh_store *s)
{
    struct qh_issue_req req = {.queue = "A", .service = "XK001"};
    struct qh_ticket_row t;
    qh_store_set_actor(s, "kiosk:1");
    ok(qh_ticket_issue(s, &req, &t, NULL, err, sizeof err));
    qh_store_set_actor(s, "counter:1");
    if (qh_store_window_of_staff(s, "w001") != 1)
        ok(qh_staff_login(s, 1, "w001", "1234", err, sizeof err));
    ok(qh_ticket_call_next(s, 1, &t, err, sizeof err));
    ok(qh_ticket_start(s, 1, &t, err, sizeof err));
    ok(qh_ticket_finish(s, 1, "done", NULL, &t, err, sizeof err));
    return t;
}

static void last_event(struct qh_store *s, struct qh_event_row *ev)
{
    int64_t id = tu_last_event(s);
    assert_int_equal(qh_store_events_since(s, id - 1, ev, 1, err, sizeof err), 1);
}

static int rate(struct qh_store *s, const char *actor, const char *number,
                enum qh_rating_channel ch, int score, const char *reason,
                const char *by)
{
    struct qh_rate_req r = {.number = number, .score = score, .reason = reason,
                            .channel = ch, .by = by};
    qh_store_set_actor(s, actor);
    err[0] = '\0';
    return qh_rating_add(s, &r, NULL, err, sizeof err);
}

static void channels(void **state)
{
    (void)state;
    const char *names[] = {"pad", "qr", "paper", "hotline", "sms", "default", "legacy"};
    for (int i = 0; i < 7; i++) {
        enum qh_rating_channel c;
        assert_string_equal(qh_rating_channel_name((enum qh_rating_channel)i), names[i]);
        assert_int_equal(qh_rating_channel_parse(names[i], &c), 0);
        assert_int_equal((int)c, i);
        assert_true(strlen(qh_rating_channel_label(c, QH_LANG_ZH)) > 0);
        assert_true(strlen(qh_rating_channel_label(c, QH_LANG_EN)) > 0);
    }
    enum qh_rating_channel c;
    assert_int_equal(qh_rating_channel_parse("counter", &c), QH_E_PARSE);
    assert_int_equal(qh_rating_channel_parse("", &c), QH_E_PARSE);
    assert_int_equal(qh_rating_channel_parse(NULL, &c), QH_E_PARSE);
    assert_null(qh_rating_channel_name((enum qh_rating_channel)7));
    assert_string_equal(qh_rating_channel_label(QH_RATE_PAD, QH_LANG_ZH), "评价器");
    assert_string_equal(qh_rating_channel_label(QH_RATE_LEGACY, QH_LANG_ZH), "窗口录入（旧）");
}

/* The pad at the ticket's window rates it, once; nobody else does. */
static void pad(void **state)
{
    struct qh_store *s = *state;
    struct qh_event_row ev;
    struct qh_ticket_row t = served(s);
    int64_t before = tu_last_event(s);
    /* The staff member being rated: never, on any channel. */
    for (int c = QH_RATE_PAD; c <= QH_RATE_LEGACY; c++) {
        assert_int_equal(rate(s, "counter:1", t.number, (enum qh_rating_channel)c, 5,
                              NULL, "boss"), QH_E_STATE);
        assert_non_null(strstr(err, "窗口工作人员不能代群众评价"));
    }
    qh_store_set_lang(s, QH_LANG_EN);
    assert_int_equal(rate(s, "counter:1", t.number, QH_RATE_PAD, 5, NULL, NULL), QH_E_STATE);
    assert_non_null(strstr(err, "cannot rate for the citizen"));
    qh_store_set_lang(s, QH_LANG_ZH);
    /* Another window's pad, or not a pad at all. */
    assert_int_equal(rate(s, "pad:2", t.number, QH_RATE_PAD, 5, NULL, NULL), QH_E_STATE);
    assert_non_null(strstr(err, "1号窗口"));
    assert_int_equal(rate(s, "cli", t.number, QH_RATE_PAD, 5, NULL, NULL), QH_E_STATE);
    assert_int_equal(rate(s, "pad:x", t.number, QH_RATE_PAD, 5, NULL, NULL), QH_E_STATE);
    /* 差评 needs a reason; scores are 1-5. */
    assert_int_equal(rate(s, "pad:1", t.number, QH_RATE_PAD, 2, NULL, NULL), QH_E_PARSE);
    assert_int_equal(rate(s, "pad:1", t.number, QH_RATE_PAD, 1, " ", NULL), QH_E_PARSE);
    assert_int_equal(rate(s, "pad:1", t.number, QH_RATE_PAD, 0, "x", NULL), QH_E_PARSE);
    assert_int_equal(rate(s, "pad:1", t.number, QH_RATE_PAD, 6, NULL, NULL), QH_E_PARSE);
    assert_int_equal(rate(s, "pad:1", "A999", QH_RATE_PAD, 5, NULL, NULL), QH_E_NOTFOUND);
    /* Not one refusal wrote anything. */
    assert_int_equal(tu_last_event(s), before);
    ok(rate(s, "pad:1", t.number, QH_RATE_PAD, 2, "态度不好、等候时间太长", NULL));
    last_event(s, &ev);
    assert_string_equal(ev.type, "rated");
    assert_string_equal(ev.number, t.number);
    assert_int_equal(ev.window, 1);
    assert_string_equal(ev.staff, "w001");
    assert_non_null(strstr(ev.detail, "\"score\":2"));
    assert_non_null(strstr(ev.detail, "\"reason\":\"态度不好、等候时间太长\""));
    assert_non_null(strstr(ev.detail, "\"channel\":\"pad\""));
    assert_non_null(strstr(ev.detail, "\"device\":\"pad:1\""));
    assert_non_null(strstr(ev.detail, "\"service\":\"XK001\""));
    assert_null(strstr(ev.detail, "\"by\""));
    assert_int_equal(qh_ticket_get(s, t.number, &t, err, sizeof err), 0);
    assert_int_equal(t.rated, 1);
    /* A double tap, or a second channel: rated once. */
    int64_t rated = tu_last_event(s);
    assert_int_equal(rate(s, "pad:1", t.number, QH_RATE_PAD, 5, NULL, NULL), QH_E_STATE);
    assert_non_null(strstr(err, "已评价过"));
    assert_int_equal(rate(s, "web", t.number, QH_RATE_QR, 5, NULL, NULL), QH_E_STATE);
    assert_int_equal(rate(s, "cli", t.number, QH_RATE_PAPER, 5, NULL, "boss"), QH_E_STATE);
    assert_int_equal(tu_last_event(s), rated);
    /* The 差评 opened its follow-up, as before the pad. */
    struct qh_followup f;
    assert_int_equal(qh_store_followup_get(s, 1, &f), 0);
    assert_string_equal(f.kind, "rating");
    assert_int_equal(f.score, 2);
}

static void not_finished(void **state)
{
    struct qh_store *s = *state;
    struct qh_issue_req req = {.queue = "A"};
    struct qh_ticket_row t;
    ok(qh_ticket_issue(s, &req, &t, NULL, err, sizeof err));
    assert_int_equal(rate(s, "pad:1", t.number, QH_RATE_PAD, 5, NULL, NULL), QH_E_STATE);
    assert_int_equal(rate(s, "web", t.number, QH_RATE_QR, 5, NULL, NULL), QH_E_STATE);
    assert_non_null(strstr(err, "尚未办结"));
}

/* Paper, hotline, sms: an admin enters them, and is recorded. */
static void entered_by_admin(void **state)
{
    struct qh_store *s = *state;
    struct qh_event_row ev;
    const enum qh_rating_channel chs[] = {QH_RATE_PAPER, QH_RATE_HOTLINE, QH_RATE_SMS};
    const char *names[] = {"paper", "hotline", "sms"};
    for (int i = 0; i < 3; i++) {
        struct qh_ticket_row t = served(s);
        assert_int_equal(rate(s, "cli", t.number, chs[i], 4, NULL, NULL), QH_E_PARSE);
        assert_int_equal(rate(s, "cli", t.number, chs[i], 4, NULL, ""), QH_E_PARSE);
        assert_int_equal(rate(s, "cli", t.number, chs[i], 4, NULL, "w001"), QH_E_STATE);
        assert_non_null(strstr(err, "不是管理员"));
        assert_int_equal(rate(s, "cli", t.number, chs[i], 4, NULL, "nobody"), QH_E_STATE);
        ok(rate(s, "cli", t.number, chs[i], 4, NULL, "boss"));
        last_event(s, &ev);
        char want[64];
        snprintf(want, sizeof want, "\"channel\":\"%s\"", names[i]);
        assert_non_null(strstr(ev.detail, want));
        assert_non_null(strstr(ev.detail, "\"by\":\"boss\""));
        assert_non_null(strstr(ev.detail, "\"device\":\"cli\""));
        assert_non_null(strstr(ev.detail, "\"score\":4"));
    }
}

/* The phone page's late rating: up to late_days after the ticket's day. */
static void qr_late(void **state)
{
    struct qh_store *s = *state;
    struct qh_event_row ev;
    struct qh_ticket_row a = served(s), b = served(s);
    assert_int_equal(qh_store_hall(s)->rating.late_days, 7);
    struct qh_rate_req r = {.number = a.number, .day = a.day, .score = 5,
                            .channel = QH_RATE_QR};
    tu_clock("2026-12-02T10:00:00+08:00");          /* 7 days on: still taken */
    qh_store_set_actor(s, "web");
    ok(qh_rating_add(s, &r, NULL, err, sizeof err));
    last_event(s, &ev);
    assert_non_null(strstr(ev.detail, "\"channel\":\"qr\""));
    assert_non_null(strstr(ev.detail, "\"device\":\"web\""));
    tu_clock("2026-12-03T08:30:00+08:00");          /* 8 days on: too late */
    r.number = b.number;
    assert_int_equal(qh_rating_add(s, &r, NULL, err, sizeof err), QH_E_STATE);
    assert_non_null(strstr(err, "7天"));
    /* Without the day, today's ticket of that number is meant. */
    r.day = NULL;
    assert_int_equal(qh_rating_add(s, &r, NULL, err, sizeof err), QH_E_NOTFOUND);
}

/* Defaults and legacy are written by the library itself, never asked for;
 * the staff terminal's old call still works and says legacy. */
static void library_only(void **state)
{
    struct qh_store *s = *state;
    struct qh_event_row ev;
    struct qh_ticket_row t = served(s);
    assert_int_equal(rate(s, "cli", t.number, QH_RATE_DEFAULT, 3, NULL, "boss"), QH_E_STATE);
    assert_non_null(strstr(err, "default"));
    assert_int_equal(rate(s, "cli", t.number, QH_RATE_LEGACY, 3, NULL, "boss"), QH_E_STATE);
    assert_int_equal(rate(s, "cli", t.number, (enum qh_rating_channel)9, 3, NULL, NULL),
                     QH_E_PARSE);
    /* The old path is refused from a counter session too ... */
    qh_store_set_actor(s, "counter:1");
    assert_int_equal(qh_ticket_rate(s, t.number, 5, NULL, NULL, err, sizeof err), QH_E_STATE);
    /* ... and records legacy for what is not one (a hall's old data). */
    qh_store_set_actor(s, "import");
    ok(qh_ticket_rate(s, t.number, 5, NULL, NULL, err, sizeof err));
    last_event(s, &ev);
    assert_non_null(strstr(ev.detail, "\"channel\":\"legacy\""));
    assert_non_null(strstr(ev.detail, "\"device\":\"import\""));
    assert_int_equal(qh_ticket_rate(s, t.number, 5, NULL, NULL, err, sizeof err), QH_E_STATE);
}

static void prompt_and_skip(void **state)
{
    struct qh_store *s = *state;
    struct qh_event_row ev;
    qh_store_set_actor(s, "counter:1");
    assert_int_equal(qh_rating_prompt(s, 1, err, sizeof err), QH_E_STATE);
    assert_int_equal(qh_rating_prompt(s, 42, err, sizeof err), QH_E_NOTFOUND);
    struct qh_ticket_row a = served(s);
    tu_clock_advance(60);
    struct qh_ticket_row b = served(s);
    ok(qh_rating_prompt(s, 1, err, sizeof err));
    last_event(s, &ev);
    assert_string_equal(ev.type, "rating_prompt");
    assert_string_equal(ev.number, b.number);
    assert_int_equal(ev.window, 1);
    qh_store_set_actor(s, "pad:1");
    assert_int_equal(qh_rating_skipped(s, 2, b.number, err, sizeof err), QH_E_STATE);
    ok(qh_rating_skipped(s, 1, b.number, err, sizeof err));
    last_event(s, &ev);
    assert_string_equal(ev.type, "rating_skipped");
    assert_string_equal(ev.number, b.number);
    assert_int_equal(ev.window, 1);
    assert_int_equal(qh_ticket_get(s, b.number, &b, err, sizeof err), 0);
    assert_int_equal(b.rated, 0);
    /* Once b is rated, the prompt is for the one before it. */
    ok(rate(s, "pad:1", b.number, QH_RATE_PAD, 5, NULL, NULL));
    qh_store_set_actor(s, "counter:1");
    ok(qh_rating_prompt(s, 1, err, sizeof err));
    last_event(s, &ev);
    assert_string_equal(ev.number, a.number);
}

static int count_events(struct qh_store *s, const char *type, const char *want)
{
    struct qh_event_row ev[64];
    int64_t after = 0;
    int n = 0, got;
    while ((got = qh_store_events_since(s, after, ev, 64, err, sizeof err)) > 0) {
        for (int i = 0; i < got; i++)
            if (!strcmp(ev[i].type, type) && (!want || strstr(ev[i].detail, want)))
                n++;
        after = ev[got - 1].id;
    }
    assert_true(got >= 0);
    return n;
}

/* A write as a program that may rate (the CLI, a counter, a pad). */
static void write_as(struct qh_store *s, const char *actor)
{
    struct qh_issue_req req = {.queue = "B"};
    qh_store_set_actor(s, actor);
    ok(qh_ticket_issue(s, &req, NULL, NULL, err, sizeof err));
}

/* [rating] default_after_days: the first write of a day by a program
 * that may rate gives every ticket still unrated that many days after its
 * day the default score, channel default, once, whoever writes next and
 * on whichever connection. */
static void default_ratings(void **state)
{
    struct qh_store *s = *state, *s2;
    struct qh_event_row ev;
    struct qh_hall_conf c = *qh_store_hall(s);
    c.rating.default_after_days = 7;
    c.rating.default_score = 3;
    qh_store_set_actor(s, "cli");
    ok(qh_hall_init(s, &c, 1, err, sizeof err));
    struct qh_ticket_row a = served(s), b = served(s);
    ok(rate(s, "pad:1", b.number, QH_RATE_PAD, 5, NULL, NULL));
    tu_clock("2026-11-26T09:00:00+08:00");
    struct qh_ticket_row d = served(s);
    assert_int_equal(count_events(s, "rated", "\"channel\":\"default\""), 0);
    /* Six days on: nothing is due. */
    tu_clock("2026-12-01T09:00:00+08:00");
    write_as(s, "cli");
    assert_int_equal(count_events(s, "rated", "\"channel\":\"default\""), 0);
    /* Seven days on: a kiosk's write (its role may not rate) leaves it to
     * the next writer that may; then a, not b (rated) nor d (too new). */
    tu_clock("2026-12-02T08:30:00+08:00");
    write_as(s, "kiosk:1");
    assert_int_equal(count_events(s, "rated", "\"channel\":\"default\""), 0);
    write_as(s, "counter:1");
    assert_int_equal(count_events(s, "rated", "\"channel\":\"default\""), 1);
    struct qh_ticket_row t;
    ok(qh_store_ticket_by_number(s, a.day, a.number, &t));
    assert_int_equal(t.rated, 1);
    int64_t id = tu_last_event(s);
    for (int64_t e = id; e > 0; e--) {
        assert_int_equal(qh_store_events_since(s, e - 1, &ev, 1, err, sizeof err), 1);
        if (!strcmp(ev.type, "rated"))
            break;
    }
    assert_string_equal(ev.number, a.number);
    assert_string_equal(ev.staff, "w001");
    assert_non_null(strstr(ev.detail, "\"score\":3"));
    /* Once: the same day's next writes, on this or another connection. */
    write_as(s, "cli");
    ok(qh_store_open(&s2, qh_store_path(s), 0, err, sizeof err));
    write_as(s2, "counter:2");
    assert_int_equal(count_events(s, "rated", "\"channel\":\"default\""), 1);
    /* The next day d is due, and nothing else. */
    tu_clock("2026-12-03T08:30:00+08:00");
    write_as(s2, "pad:1");
    write_as(s, "cli");
    qh_store_close(s2);
    assert_int_equal(count_events(s, "rated", "\"channel\":\"default\""), 2);
    ok(qh_store_ticket_by_number(s, d.day, d.number, &t));
    assert_int_equal(t.rated, 1);
    assert_int_equal(count_events(s, "rated", NULL), 3);
    /* Off (the default): no default rating, however old. */
    struct qh_ticket_row e = served(s);
    c.rating.default_after_days = 0;
    qh_store_set_actor(s, "cli");
    ok(qh_hall_init(s, &c, 1, err, sizeof err));
    tu_clock("2026-12-20T08:30:00+08:00");
    write_as(s, "cli");
    ok(qh_store_ticket_by_number(s, e.day, e.number, &t));
    assert_int_equal(t.rated, 0);
}

/* w001's rated cases in the scorecard of November 2026. */
static int scorecard_rated(struct qh_store *s, int *bad)
{
    struct qh_scorecard *c;
    ok(qh_stats_scorecard_build(s, "2026-11", "w001", &c, err, sizeof err));
    int n = -1;
    for (int i = 0; i < c->nrows; i++)
        if (!strcmp(c->rows[i].staff, "w001")) {
            n = c->rows[i].rated;
            *bad = c->rows[i].ratings[0] + c->rows[i].ratings[1];
        }
    qh_stats_scorecard_free(c);
    return n;
}

/* 申诉: the rated staff member appeals a 差评 once; an admin upholds or
 * overturns it; an overturned rating stays but leaves the scorecard. */
static void appeals(void **state)
{
    struct qh_store *s = *state;
    struct qh_event_row ev;
    struct qh_ticket_row a = served(s), b = served(s), g = served(s), u = served(s);
    ok(rate(s, "pad:1", a.number, QH_RATE_PAD, 1, "态度不好", NULL));
    ok(rate(s, "pad:1", b.number, QH_RATE_PAD, 2, "等候时间太长", NULL));
    ok(rate(s, "pad:1", g.number, QH_RATE_PAD, 5, NULL, NULL));
    int bad;
    assert_int_equal(scorecard_rated(s, &bad), 3);
    assert_int_equal(bad, 2);
    qh_store_set_actor(s, "counter:1");
    /* Refusals: not rated, not a 差评, someone else, no reason. */
    assert_int_equal(qh_rating_appeal(s, u.number, NULL, "w001", "x", err, sizeof err), QH_E_STATE);
    assert_int_equal(qh_rating_appeal(s, g.number, NULL, "w001", "x", err, sizeof err), QH_E_STATE);
    assert_non_null(strstr(err, "不是差评"));
    assert_int_equal(qh_rating_appeal(s, a.number, NULL, "boss", "x", err, sizeof err), QH_E_STATE);
    assert_int_equal(qh_rating_appeal(s, a.number, NULL, "w001", " ", err, sizeof err), QH_E_PARSE);
    assert_int_equal(qh_rating_appeal(s, "A999", NULL, "w001", "x", err, sizeof err), QH_E_NOTFOUND);
    assert_int_equal(qh_rating_decide(s, a.number, NULL, 1, "boss", "x", err, sizeof err),
                     QH_E_STATE);                        /* nothing filed yet */
    ok(qh_rating_appeal(s, a.number, NULL, "w001", "群众对收费政策不满，非服务问题", err, sizeof err));
    last_event(s, &ev);
    assert_string_equal(ev.type, "appeal_filed");
    assert_string_equal(ev.staff, "w001");
    assert_non_null(strstr(ev.detail, "\"score\":1"));
    assert_non_null(strstr(ev.detail, "非服务问题"));
    assert_int_equal(qh_rating_appeal(s, a.number, NULL, "w001", "again", err, sizeof err),
                     QH_E_STATE);                        /* once */
    ok(qh_rating_appeal(s, b.number, NULL, "w001", "当天系统故障", err, sizeof err));
    /* The decision: an admin's, with a reason. */
    qh_store_set_actor(s, "cli");
    assert_int_equal(qh_rating_decide(s, a.number, NULL, 1, "w001", "x", err, sizeof err),
                     QH_E_STATE);
    assert_non_null(strstr(err, "不是管理员"));
    assert_int_equal(qh_rating_decide(s, a.number, NULL, 1, "boss", "", err, sizeof err),
                     QH_E_PARSE);
    ok(qh_rating_decide(s, a.number, NULL, 1, "boss", "核实属政策原因", err, sizeof err));
    last_event(s, &ev);
    assert_string_equal(ev.type, "appeal_decided");
    assert_string_equal(ev.staff, "w001");
    assert_non_null(strstr(ev.detail, "\"decision\":\"overturned\""));
    assert_non_null(strstr(ev.detail, "\"by\":\"boss\""));
    assert_int_equal(qh_rating_decide(s, a.number, NULL, 0, "boss", "x", err, sizeof err),
                     QH_E_STATE);                        /* decided */
    ok(qh_rating_decide(s, b.number, NULL, 0, "boss", "监控显示确实等候过久", err, sizeof err));
    last_event(s, &ev);
    assert_non_null(strstr(ev.detail, "\"decision\":\"upheld\""));
    /* The overturned 差评 is out of the scorecard, the upheld one in; the
     * rating itself stays, with its appeal. */
    assert_int_equal(scorecard_rated(s, &bad), 2);
    assert_int_equal(bad, 1);
    struct qh_ticket_row t;
    struct qh_rating_row r;
    ok(qh_store_ticket_by_number(s, a.day, a.number, &t));
    ok(qh_store_rating_of_ticket(s, t.id, &r));
    assert_int_equal(r.score, 1);
    assert_string_equal(r.appeal, "overturned");
    assert_string_equal(r.appeal_reason, "群众对收费政策不满，非服务问题");
    assert_string_equal(r.decided_by, "boss");
    assert_string_equal(r.decision_reason, "核实属政策原因");
    assert_true(r.appeal_at > 0 && r.decided_at >= r.appeal_at);
}

/* qhall report: 评价率, the channel mix, 满意率 by channel and without
 * default ratings; a rating from before the pad (its event names no
 * channel) counts as legacy. */
static void report_channels(void **state)
{
    struct qh_store *s = *state;
    struct qh_hall_conf c = *qh_store_hall(s);
    c.rating.default_after_days = 1;
    qh_store_set_actor(s, "cli");
    ok(qh_hall_init(s, &c, 1, err, sizeof err));
    struct qh_ticket_row p = served(s), q = served(s), d = served(s), l = served(s),
                         old = served(s);
    ok(rate(s, "pad:1", p.number, QH_RATE_PAD, 5, NULL, NULL));
    ok(rate(s, "cli", q.number, QH_RATE_PAPER, 2, "态度不好", "boss"));
    qh_store_set_actor(s, "import");
    ok(qh_ticket_rate(s, l.number, 4, NULL, NULL, err, sizeof err));
    /* A rated event as it was written before the pad: no channel. */
    struct qh_event_row ev = {.at = qh_store_now(s), .ticket = old.id, .window = 1};
    snprintf(ev.type, sizeof ev.type, "rated");
    snprintf(ev.number, sizeof ev.number, "%s", old.number);
    snprintf(ev.queue, sizeof ev.queue, "%s", old.queue);
    snprintf(ev.staff, sizeof ev.staff, "w001");
    snprintf(ev.detail, sizeof ev.detail, "{\"via\":\"counter:1\",\"score\":5}");
    ok(qh_store_begin(s, err, sizeof err));
    ok(qh_store_event_add(s, &ev, err, sizeof err));
    old.rated = 1;
    ok(qh_store_ticket_update(s, &old, err, sizeof err));
    ok(qh_store_commit(s, err, sizeof err));
    (void)d;
    tu_clock("2026-11-26T09:00:00+08:00");
    write_as(s, "cli");                                 /* d: default 3 */
    served(s);                                          /* not rated, not due */
    struct qh_report *r;
    ok(qh_stats_report_build(s, "2026-11-25", "2026-11-26", 0, &r, err, sizeof err));
    const struct qh_report_row *t = &r->total;
    assert_int_equal(t->served, 6);
    assert_int_equal(t->rated, 5);
    assert_int_equal(t->rated_by_channel[QH_RATE_PAD], 1);
    assert_int_equal(t->rated_by_channel[QH_RATE_PAPER], 1);
    assert_int_equal(t->rated_by_channel[QH_RATE_DEFAULT], 1);
    assert_int_equal(t->rated_by_channel[QH_RATE_LEGACY], 2);
    assert_int_equal(t->rated_by_channel[QH_RATE_QR], 0);
    assert_float_equal(t->rated_pct, 100.0 * 5 / 6, 1e-9);
    assert_float_equal(t->satisfied_pct, 100.0 * 3 / 5, 1e-9);
    assert_float_equal(t->satisfied_no_default_pct, 100.0 * 3 / 4, 1e-9);
    assert_float_equal(t->satisfied_channel_pct[QH_RATE_PAD], 100.0, 1e-9);
    assert_float_equal(t->satisfied_channel_pct[QH_RATE_PAPER], 0.0, 1e-9);
    assert_float_equal(t->satisfied_channel_pct[QH_RATE_DEFAULT], 0.0, 1e-9);
    assert_float_equal(t->satisfied_channel_pct[QH_RATE_LEGACY], 100.0, 1e-9);
    assert_true(t->satisfied_channel_pct[QH_RATE_SMS] < 0);
    qh_stats_report_free(r);
}

static int raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

/* The rows say what the events say, and a copy (`qhall copy`, from either
 * backend to a file) carries them. */
static void rows_and_copy(void **state)
{
    struct qh_store *s = *state;
    struct qh_ticket_row a = served(s), b = served(s), c = served(s);
    ok(rate(s, "pad:1", a.number, QH_RATE_PAD, 1, "没有办成", NULL));
    ok(rate(s, "cli", b.number, QH_RATE_HOTLINE, 4, NULL, "boss"));
    qh_store_set_actor(s, "import");
    ok(qh_ticket_rate(s, c.number, 5, NULL, NULL, err, sizeof err));
    struct qh_store *to;
    const char *path = tu_tmp_path("rating-copy");
    ok(qh_store_open(&to, path, 0, err, sizeof err));
    struct qh_store_rows counts[QH_STORE_TABLES];
    ok(qh_store_copy(s, to, counts, err, sizeof err));
    char report[4096];
    assert_int_equal(qh_store_check(to, report, sizeof report, err, sizeof err), 0);
    qh_store_close(to);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM rating"), 3);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM rating WHERE channel = 'pad'"
                             " AND device = 'pad:1' AND entered_by = '' AND score = 1"
                             " AND reason = '没有办成' AND staff = 'w001' AND win = 1"
                             " AND service = 'XK001'"), 1);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM rating WHERE channel = 'hotline'"
                             " AND device = 'cli' AND entered_by = 'boss'"), 1);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM rating WHERE channel = 'legacy'"
                             " AND device = 'import'"), 1);
    sqlite3_close(db);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(channels), T(pad), T(not_finished), T(entered_by_admin), T(qr_late),
        T(library_only), T(prompt_and_skip), T(rows_and_copy), T(default_ratings),
        T(appeals), T(report_channels),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
