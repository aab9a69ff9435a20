/* test_kiosk_model.c: the kiosk's flows without a window: every screen,
 * every refusal, the double tap, the green channel, appointments early
 * and late, search by initials and by characters over the 393 sample
 * items, the idle countdown, the admin PIN, a printer that fails, and a
 * database out of reach (暂停取号). */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "testutil.h"
#include "qh/auth.h"
#include "qh/clock.h"
#include "qh/text.h"
#include "qh/ticket.h"

#include "../kiosk/model.h"

/* A printer that works, fails at submit, or fails once the job runs. */
struct fake {
    int fail_submit, fail_job, submitted, polled, cancelled;
    char last[QH_NUMBER_LEN];
};

static int f_submit(void *ud, const char *number, int *job, char *printer, size_t plen,
                    char *err, size_t errlen)
{
    struct fake *f = ud;
    snprintf(printer, plen, "fake");
    if (f->fail_submit)
        return qh_err(err, errlen, QH_E_IO, "打印机「fake」缺纸");
    snprintf(f->last, sizeof f->last, "%s", number);
    *job = ++f->submitted;
    return 0;
}

static int f_poll(void *ud, const char *printer, int job, char *err, size_t errlen)
{
    struct fake *f = ud;
    (void)printer;
    (void)job;
    f->polled++;
    if (f->fail_job)
        return qh_err(err, errlen, QH_E_IO, "打印机「fake」卡纸");
    return QH_PRINT_DONE;
}

static void f_cancel(void *ud, const char *printer, int job)
{
    (void)printer;
    (void)job;
    ((struct fake *)ud)->cancelled++;
}

static int f_status(void *ud, struct qh_printer_status *st, char *err, size_t errlen)
{
    (void)ud;
    (void)err;
    (void)errlen;
    memset(st, 0, sizeof *st);
    snprintf(st->name, sizeof st->name, "fake");
    st->state = 3;
    st->accepting = 1;
    st->paper_low = 1;
    snprintf(st->reasons, sizeof st->reasons, "media-low-report");
    return 0;
}

struct fx {
    struct qh_store *s;
    struct qh_kiosk_model *m;
    struct fake f;
    int64_t now;
};

static int setup(void **state)
{
    static struct fx x;
    char err[QH_ERRLEN];
    memset(&x, 0, sizeof x);
    tu_clock("2026-11-25T09:00:00+08:00");          /* a Wednesday, open */
    x.s = tu_store_new("kiosk");
    qh_store_set_actor(x.s, "kiosk:1");
    struct qh_kiosk_opts o = {.lang = QH_LANG_ZH, .number = 1,
                              .printer = {f_submit, f_poll, f_cancel, f_status, &x.f}};
    x.now = 1000000;
    if (qh_kiosk_model_new(&x.m, x.s, &o, x.now, err, sizeof err) < 0)
        fail_msg("%s", err);
    *state = &x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    qh_kiosk_model_free(x->m);
    qh_store_close(x->s);
    qh_clock_set(0);
    return 0;
}

/* Let ms pass on the kiosk's clock. */
static void later(struct fx *x, int ms)
{
    x->now += ms;
    qh_kiosk_model_tick(x->m, x->now);
}

static int press(struct fx *x, enum qh_kiosk_btn b, int arg)
{
    later(x, 1000);
    return qh_kiosk_model_press(x->m, b, arg);
}

static int issued_today(struct fx *x)
{
    char day[11];
    qh_hall_today(x->s, day);
    return qh_store_issued_count(x->s, day, "A") + qh_store_issued_count(x->s, day, "B") +
           qh_store_issued_count(x->s, day, "C");
}

static int has_event(struct fx *x, const char *type, const char *number)
{
    struct qh_event_row ev[256];
    int n = qh_store_events_since(x->s, 0, ev, 256, NULL, 0);
    for (int i = 0; i < n; i++)
        if (!strcmp(ev[i].type, type) && !strcmp(ev[i].number, number))
            return 1;
    return 0;
}

/* The index of the item with this code in the current list page, or -1. */
static int on_page(struct fx *x, const char *code)
{
    const int *items;
    int n = qh_kiosk_model_page_items(x->m, &items);
    for (int i = 0; i < n; i++)
        if (!strcmp(x->m->items[items[i]].code, code))
            return i;
    return -1;
}

static void catalogue_loaded_once(void **state)
{
    struct fx *x = *state;
    assert_int_equal(x->m->nitems, 393);
    assert_int_equal(x->m->screen, QH_KS_HOME);
}

static void take_a_number(void **state)
{
    struct fx *x = *state;
    uint64_t gen = x->m->gen;
    assert_int_equal(press(x, QH_BTN_QUEUE, 0), 1);
    assert_true(x->m->gen > gen);
    assert_int_equal(x->m->screen, QH_KS_ITEMS);
    assert_int_equal(x->m->nlist, 168);             /* class A items */
    assert_int_equal(qh_kiosk_model_pages(x->m), 28);
    assert_int_equal(press(x, QH_BTN_NEXT, 0), 1);
    assert_int_equal(x->m->page, 1);
    assert_int_equal(press(x, QH_BTN_PREV, 0), 1);
    assert_int_equal(press(x, QH_BTN_PREV, 0), 0);  /* no page before the first */
    assert_int_equal(press(x, QH_BTN_ITEM, 0), 1);
    assert_int_equal(x->m->screen, QH_KS_CONFIRM);
    assert_string_equal(x->m->items[x->m->item].code, "XK001");
    assert_string_equal(x->m->refusal, "");
    assert_int_equal(x->m->est.ahead, 0);
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 1);
    assert_int_equal(x->m->screen, QH_KS_TICKET);
    assert_string_equal(x->m->ticket.number, "A001");
    assert_string_equal(x->m->ticket.service, "XK001");
    assert_int_equal(x->m->print, QH_KP_PENDING);
    assert_string_equal(x->f.last, "A001");
    later(x, 250);                                  /* the job is polled */
    assert_int_equal(x->m->print, QH_KP_DONE);
    assert_true(has_event(x, "issued", "A001"));
    assert_true(has_event(x, "printed", "A001"));
    assert_int_equal(press(x, QH_BTN_DONE, 0), 1);
    assert_int_equal(x->m->screen, QH_KS_HOME);
    /* The next one sees someone ahead. */
    press(x, QH_BTN_QUEUE, 0);
    press(x, QH_BTN_ITEM, 1);
    assert_int_equal(x->m->est.ahead, 1);
    assert_true(x->m->est.wait_max > 0);
    assert_int_equal(press(x, QH_BTN_BACK, 0), 1);
    assert_int_equal(x->m->screen, QH_KS_ITEMS);
}

static void double_tap_issues_once(void **state)
{
    struct fx *x = *state;
    press(x, QH_BTN_QUEUE, 1);
    press(x, QH_BTN_ITEM, 2);
    assert_int_equal(x->m->screen, QH_KS_CONFIRM);
    later(x, 1000);
    assert_int_equal(qh_kiosk_model_press(x->m, QH_BTN_TAKE, 0), 1);
    /* 80 ms later, the same finger again: lands on the ticket screen. */
    later(x, 80);
    assert_int_equal(qh_kiosk_model_press(x->m, QH_BTN_TAKE, 0), 0);
    later(x, 80);
    assert_int_equal(qh_kiosk_model_press(x->m, QH_BTN_DONE, 0), 0);
    /* Even much later, "take" on the ticket screen is not a button. */
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 0);
    assert_int_equal(issued_today(x), 1);
    assert_int_equal(x->m->screen, QH_KS_TICKET);
    /* A bounce on a list row opens the item once, and the second tap
     * does not press what is under it on the next screen. */
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_QUEUE, 0);
    later(x, 1000);
    assert_int_equal(qh_kiosk_model_press(x->m, QH_BTN_ITEM, 0), 1);
    later(x, 100);
    assert_int_equal(qh_kiosk_model_press(x->m, QH_BTN_ITEM, 0), 0);
    assert_int_equal(x->m->screen, QH_KS_CONFIRM);
}

static void class_c_needs_no_item(void **state)
{
    struct fx *x = *state;
    press(x, QH_BTN_QUEUE, 2);                      /* 综合服务: nothing to choose */
    assert_int_equal(x->m->screen, QH_KS_CONFIRM);
    assert_int_equal(x->m->item, -1);
    press(x, QH_BTN_TAKE, 0);
    assert_string_equal(x->m->ticket.number, "C001");
    assert_string_equal(x->m->ticket.service, "");
    /* From an item list, a number for the queue without naming an item. */
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_QUEUE, 1);
    press(x, QH_BTN_QUEUE_ONLY, 0);
    press(x, QH_BTN_TAKE, 0);
    assert_string_equal(x->m->ticket.number, "B001");
    assert_string_equal(x->m->ticket.queue, "B");
}

static void green_channel(void **state)
{
    struct fx *x = *state;
    press(x, QH_BTN_GREEN, 0);
    assert_int_equal(x->m->screen, QH_KS_GREEN);
    assert_int_equal(press(x, QH_BTN_GREEN_REASON, 7), 0);
    press(x, QH_BTN_GREEN_REASON, 0);
    assert_int_equal(x->m->screen, QH_KS_HOME);
    assert_string_equal(x->m->green, "elderly");
    press(x, QH_BTN_QUEUE, 1);
    press(x, QH_BTN_ITEM, 0);
    press(x, QH_BTN_TAKE, 0);
    assert_string_equal(x->m->ticket.green, "elderly");
    press(x, QH_BTN_DONE, 0);
    assert_string_equal(x->m->green, "");           /* the next citizen starts plain */
    /* Cancelled before choosing: a plain ticket. */
    press(x, QH_BTN_GREEN, 0);
    press(x, QH_BTN_GREEN_REASON, 3);
    assert_int_equal(press(x, QH_BTN_GREEN_CANCEL, 0), 1);
    press(x, QH_BTN_QUEUE, 2);
    press(x, QH_BTN_TAKE, 0);
    assert_string_equal(x->m->ticket.green, "");
}

static void refused_when_closed(void **state)
{
    struct fx *x = *state;
    tu_clock("2026-11-25T12:30:00+08:00");          /* lunch break */
    press(x, QH_BTN_QUEUE, 0);
    press(x, QH_BTN_ITEM, 0);
    assert_int_equal(x->m->screen, QH_KS_CONFIRM);  /* the materials can still be read */
    assert_non_null(strstr(x->m->refusal, "08:30-12:00，14:00-17:30"));
    assert_non_null(strstr(x->m->refusal, "周一至周五"));
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 0);
    assert_int_equal(issued_today(x), 0);
    /* Opened while they read: the refusal is checked again at take. */
    tu_clock("2026-11-25T14:00:00+08:00");
    press(x, QH_BTN_BACK, 0);
    press(x, QH_BTN_ITEM, 0);
    assert_string_equal(x->m->refusal, "");
    tu_clock("2026-11-28T10:00:00+08:00");          /* closes: a Saturday */
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 1);
    assert_int_equal(x->m->screen, QH_KS_REFUSED);
    assert_string_equal(x->m->title, "现在不是办理时间");
    assert_int_equal(issued_today(x), 0);
    press(x, QH_BTN_DONE, 0);
    assert_int_equal(x->m->screen, QH_KS_HOME);
}

static void refused_quota_and_pause(void **state)
{
    struct fx *x = *state;
    struct qh_hall_conf c;
    char err[QH_ERRLEN];
    qh_conf_defaults(&c);
    c.queues[1].daily_quota = 1;                    /* B: one number a day */
    assert_int_equal(qh_hall_init(x->s, &c, 1, err, sizeof err), 0);
    press(x, QH_BTN_QUEUE, 1);
    press(x, QH_BTN_ITEM, 0);
    press(x, QH_BTN_TAKE, 0);
    assert_string_equal(x->m->ticket.number, "B001");
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_QUEUE, 1);
    press(x, QH_BTN_ITEM, 0);
    assert_non_null(strstr(x->m->refusal, "1 个号已全部取完"));
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 0);
    assert_int_equal(issued_today(x), 1);
    /* The kiosk's words come from core's rule: the queue's quota, full. */
    struct qh_quota_full full = {1, 0};
    assert_int_equal(qh_ticket_quota(x->s, c.queues[1].code, NULL, &full, NULL, 0), QH_E_QUOTA);
    assert_int_equal(full.item, 0);
    assert_int_equal(full.limit, 1);
    assert_int_equal(qh_ticket_quota(x->s, c.queues[0].code, NULL, &full, NULL, 0), 0);
    /* Queue A is called by windows 1, 2 and 5: all paused = paused. */
    press(x, QH_BTN_HOME, 0);
    assert_int_equal(qh_window_pause(x->s, 1, "会议", err, sizeof err), 0);
    assert_int_equal(qh_window_pause(x->s, 2, "会议", err, sizeof err), 0);
    press(x, QH_BTN_QUEUE, 0);
    press(x, QH_BTN_ITEM, 0);
    assert_string_equal(x->m->refusal, "");         /* window 5 still calls A */
    assert_int_equal(qh_window_pause(x->s, 5, "系统维护", err, sizeof err), 0);
    press(x, QH_BTN_BACK, 0);
    press(x, QH_BTN_ITEM, 0);
    assert_non_null(strstr(x->m->refusal, "暂停服务"));
    assert_non_null(strstr(x->m->refusal, "系统维护"));
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 0);
    assert_int_equal(issued_today(x), 1);
}

/* [quota]: an item's own daily quota.  The confirm screen says so before
 * "take" (the other items go on); a number taken elsewhere meanwhile
 * gives the refused screen, and nothing is issued. */
static void refused_item_quota(void **state)
{
    struct fx *x = *state;
    struct qh_hall_conf c;
    char err[QH_ERRLEN];
    qh_conf_defaults(&c);
    c.nquotas = 2;
    snprintf(c.quotas[0].code, sizeof c.quotas[0].code, "XK001");
    c.quotas[0].quota = 1;
    snprintf(c.quotas[1].code, sizeof c.quotas[1].code, "XK002");
    c.quotas[1].quota = 1;
    assert_int_equal(qh_hall_init(x->s, &c, 1, err, sizeof err), 0);
    press(x, QH_BTN_QUEUE, 0);
    press(x, QH_BTN_ITEM, on_page(x, "XK001"));
    assert_string_equal(x->m->refusal, "");
    press(x, QH_BTN_TAKE, 0);
    assert_string_equal(x->m->ticket.number, "A001");
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_QUEUE, 0);
    press(x, QH_BTN_ITEM, on_page(x, "XK001"));
    assert_int_equal(x->m->screen, QH_KS_CONFIRM);
    assert_string_equal(x->m->refusal, "农村村民宅基地建房审批今天的 1 个号已全部取完。"
                                       "请明天再来，或到服务台咨询。");
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 0);
    assert_int_equal(issued_today(x), 1);
    /* Another item of queue A is still there. */
    press(x, QH_BTN_BACK, 0);
    press(x, QH_BTN_ITEM, on_page(x, "XK002"));
    assert_string_equal(x->m->refusal, "");
    /* ... until another kiosk takes its last number while this citizen
     * reads the materials: the refused screen says why. */
    struct qh_issue_req req = {.service = "XK002"};
    assert_int_equal(qh_ticket_issue(x->s, &req, NULL, NULL, err, sizeof err), 0);
    /* Core's rule, asked by item alone, refuses as the issue itself does. */
    struct qh_quota_full full = {0, 0};
    char why[QH_ERRLEN];
    assert_int_equal(qh_ticket_quota(x->s, NULL, "XK002", &full, why, sizeof why), QH_E_QUOTA);
    assert_int_equal(full.item, 1);
    assert_int_equal(full.limit, 1);
    assert_int_equal(qh_ticket_issue(x->s, &req, NULL, NULL, err, sizeof err), QH_E_QUOTA);
    assert_string_equal(why, err);
    assert_string_equal(why, "农村村民宅基地建房变更审批今日号已取完（1个）");
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 1);
    assert_int_equal(x->m->screen, QH_KS_REFUSED);
    assert_string_equal(x->m->title, "今日号已取完");
    assert_string_equal(x->m->message, "农村村民宅基地建房变更审批今天的 1 个号已全部取完。"
                                       "请明天再来，或到服务台咨询。");
    assert_int_equal(issued_today(x), 2);
    assert_string_equal(x->m->say, "");
    /* In English too. */
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_LANG, 0);
    press(x, QH_BTN_QUEUE, 0);
    press(x, QH_BTN_ITEM, on_page(x, "XK002"));
    assert_string_equal(x->m->refusal, "All 1 numbers for 农村村民宅基地建房变更审批 are taken "
                                       "today. Please come back tomorrow or ask at the help desk.");
    /* A queue-only number is not an item's. */
    press(x, QH_BTN_BACK, 0);
    press(x, QH_BTN_QUEUE_ONLY, 0);
    assert_string_equal(x->m->refusal, "");
}

static void type_code(struct fx *x, const char *code);

/* 适老化: the number said aloud after issuing, when the hall or the
 * command line asks for it; never otherwise. */
static void spoken_number(void **state)
{
    struct fx *x = *state;
    struct qh_hall_conf c;
    char err[QH_ERRLEN], text[192];
    /* The default hall is quiet. */
    press(x, QH_BTN_QUEUE, 0);
    press(x, QH_BTN_ITEM, 0);
    press(x, QH_BTN_TAKE, 0);
    assert_string_equal(x->m->ticket.number, "A001");
    assert_string_equal(x->m->say, "");
    assert_int_equal(qh_kiosk_model_take_say(x->m, text, sizeof text), 0);
    /* --speak */
    x->m->o.speak = QH_KIOSK_SPEAK_ON;
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_QUEUE, 2);
    press(x, QH_BTN_TAKE, 0);
    assert_string_equal(x->m->ticket.number, "C001");
    assert_int_equal(qh_kiosk_model_take_say(x->m, text, sizeof text), 1);
    assert_string_equal(text, "您的号码是C零零一，请留意叫号");
    assert_int_equal(qh_kiosk_model_take_say(x->m, text, sizeof text), 0);  /* said once */
    /* kiosk.speak = yes in the hall ... */
    qh_conf_defaults(&c);
    c.kiosk.speak = 1;
    assert_int_equal(qh_hall_init(x->s, &c, 1, err, sizeof err), 0);
    x->m->o.speak = QH_KIOSK_SPEAK_HALL;
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_QUEUE, 1);
    press(x, QH_BTN_ITEM, 0);
    press(x, QH_BTN_TAKE, 0);
    assert_string_equal(x->m->ticket.number, "B001");
    assert_int_equal(qh_kiosk_model_take_say(x->m, text, sizeof text), 1);
    assert_string_equal(text, "您的号码是B零零一，请留意叫号");
    /* ... in Mandarin whatever the screen's language (the voice is) ... */
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_LANG, 0);
    press(x, QH_BTN_QUEUE, 1);
    press(x, QH_BTN_ITEM, 0);
    press(x, QH_BTN_TAKE, 0);
    assert_string_equal(x->m->say, "您的号码是B零零二，请留意叫号");
    /* ... and an appointment checked in is told its number too ... */
    press(x, QH_BTN_DONE, 0);
    {
        char code[16] = "", want[192], spelled[64];
        int64_t slot;
        assert_int_equal(qh_clock_parse("2026-11-25T09:30:00+08:00", NULL, &slot, err,
                                        sizeof err), 0);
        assert_int_equal(qh_appointment_add(x->s, "GG032", slot, "张三", code, err,
                                            sizeof err), 0);
        press(x, QH_BTN_APPT, 0);
        type_code(x, code);
        press(x, QH_BTN_OK, 0);
        assert_int_equal(x->m->screen, QH_KS_TICKET);
        qh_text_spell_number(x->m->ticket.number, spelled, sizeof spelled);
        snprintf(want, sizeof want, "您的号码是%s，请留意叫号", spelled);
        assert_int_equal(qh_kiosk_model_take_say(x->m, text, sizeof text), 1);
        assert_string_equal(text, want);
        press(x, QH_BTN_DONE, 0);
    }
    /* ... unless --mute. */
    x->m->o.speak = QH_KIOSK_SPEAK_OFF;
    press(x, QH_BTN_QUEUE, 2);
    press(x, QH_BTN_TAKE, 0);
    assert_string_equal(x->m->ticket.number, "C002");
    assert_string_equal(x->m->say, "");
    assert_int_equal(qh_kiosk_model_take_say(x->m, text, sizeof text), 0);
    /* Nothing is said for a refusal. */
    x->m->o.speak = QH_KIOSK_SPEAK_ON;
    press(x, QH_BTN_DONE, 0);
    tu_clock("2026-11-25T12:30:00+08:00");          /* lunch break */
    press(x, QH_BTN_QUEUE, 2);
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 0);
    assert_int_equal(qh_kiosk_model_take_say(x->m, text, sizeof text), 0);
}

static void type_code(struct fx *x, const char *code)
{
    for (const char *p = code; *p; p++)
        press(x, QH_BTN_KEY, *p == '0' ? 9 : *p - '1');   /* keys 1..9, 0 */
}

static void appointments(void **state)
{
    struct fx *x = *state;
    char code[16] = "", err[QH_ERRLEN];
    int64_t slot;
    assert_int_equal(qh_clock_parse("2026-11-25T10:00:00+08:00", NULL, &slot, err, sizeof err), 0);
    assert_int_equal(qh_appointment_add(x->s, "GG032", slot, "张三", code, err, sizeof err), 0);
    /* Unknown code */
    press(x, QH_BTN_APPT, 0);
    assert_int_equal(x->m->screen, QH_KS_APPT);
    type_code(x, "12345678");
    assert_string_equal(x->m->entry, "12345678");
    press(x, QH_BTN_KEY_DEL, 0);
    assert_string_equal(x->m->entry, "1234567");
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_REFUSED);
    assert_string_equal(x->m->title, "预约码不正确");
    /* Too early: 09:00 for a 10:00 slot, 60 minutes allowed -> 08:59 no */
    tu_clock("2026-11-25T08:59:00+08:00");
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_APPT, 0);
    type_code(x, code);
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_REFUSED);
    assert_non_null(strstr(x->m->message, "请在60分钟内签到"));
    /* Too late: 10:16 */
    tu_clock("2026-11-25T10:16:00+08:00");
    press(x, QH_BTN_DONE, 0);
    qh_kiosk_model_type(x->m, code);                /* a scanner types on home */
    assert_int_equal(x->m->screen, QH_KS_APPT);
    qh_kiosk_model_type(x->m, "\n");
    assert_int_equal(x->m->screen, QH_KS_REFUSED);
    assert_non_null(strstr(x->m->message, "请取普通号"));
    assert_int_equal(issued_today(x), 0);
    /* On time */
    tu_clock("2026-11-25T09:50:00+08:00");
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_APPT, 0);
    type_code(x, code);
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_TICKET);
    assert_string_equal(x->m->ticket.service, "GG032");
    assert_true(x->m->ticket.appointment > 0);
    /* Twice: refused, nothing issued */
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_APPT, 0);
    type_code(x, code);
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_REFUSED);
    assert_non_null(strstr(x->m->message, "已签到"));
    assert_int_equal(issued_today(x), 1);
}

static void search_by_initials(void **state)
{
    struct fx *x = *state;
    press(x, QH_BTN_SEARCH, 0);
    assert_int_equal(x->m->screen, QH_KS_SEARCH);
    assert_int_equal(x->m->nkeys, 26);
    assert_string_equal(x->m->keys[18], "s");
    press(x, QH_BTN_KEY, 18);
    press(x, QH_BTN_KEY, 1);
    press(x, QH_BTN_KEY, 10);
    assert_string_equal(x->m->query, "sbk");
    /* The 11 社会保障卡 items, 社会保障卡申领 first. */
    assert_int_equal(x->m->nlist, 11);
    assert_string_equal(x->m->items[x->m->list[0]].code, "GG032");
    for (int i = 0; i < x->m->nlist; i++)
        assert_non_null(strstr(x->m->items[x->m->list[i]].name, "社会保障卡"));
    /* Plain initials of the written name work too. */
    press(x, QH_BTN_KEY_CLEAR, 0);
    qh_kiosk_model_type(x->m, "SHBZKSL");
    assert_string_equal(x->m->query, "shbzksl");
    assert_int_equal(x->m->nlist, 1);
    press(x, QH_BTN_ITEM, 0);
    assert_int_equal(x->m->screen, QH_KS_CONFIRM);
    assert_string_equal(x->m->items[x->m->item].code, "GG032");
    press(x, QH_BTN_BACK, 0);
    assert_int_equal(x->m->screen, QH_KS_SEARCH);
    assert_int_equal(x->m->nlist, 1);
    /* Nothing matches: an empty list, not an error. */
    press(x, QH_BTN_KEY_CLEAR, 0);
    qh_kiosk_model_type(x->m, "zzzq");
    assert_int_equal(x->m->nlist, 0);
}

static int key_of(struct fx *x, const char *ch)
{
    for (int page = 0; page < x->m->nkey_pages; page++) {
        for (int i = 0; i < x->m->nkeys; i++)
            if (!strcmp(x->m->keys[i], ch))
                return i;
        press(x, QH_BTN_KEY_NEXT, 0);
    }
    return -1;
}

static void search_by_characters(void **state)
{
    struct fx *x = *state;
    press(x, QH_BTN_SEARCH, 0);
    press(x, QH_BTN_KEY_MODE, 0);
    assert_int_equal(x->m->chars_mode, 1);
    assert_true(x->m->ncands > 100);                /* every character of the catalogue */
    const char *word[] = {"社", "会", "保", "障", "卡"};
    for (int i = 0; i < 5; i++) {
        int k = key_of(x, word[i]);
        if (k < 0)
            fail_msg("character %s not offered after \"%s\"", word[i], x->m->query);
        press(x, QH_BTN_KEY, k);
    }
    assert_string_equal(x->m->query, "社会保障卡");
    assert_int_equal(x->m->nlist, 11);
    /* After 社 the spoken form offers 保 too: 社保卡 finds the same. */
    press(x, QH_BTN_KEY_CLEAR, 0);
    const char *spoken[] = {"社", "保", "卡"};
    for (int i = 0; i < 3; i++) {
        int k = key_of(x, spoken[i]);
        assert_true(k >= 0);
        if (i == 1)
            assert_true(k < 4);                     /* among the first offered */
        press(x, QH_BTN_KEY, k);
    }
    assert_int_equal(x->m->nlist, 11);
    press(x, QH_BTN_KEY_DEL, 0);
    assert_string_equal(x->m->query, "社保");
    assert_true(x->m->nlist > 11);
    assert_true(on_page(x, "GG032") >= 0 || x->m->nlist > 0);
}

/* The search box stops at QH_KIOSK_QUERY_MAX characters, letters or
 * characters (3 bytes each: 10 of them filled 30 bytes before), whether
 * typed on a keyboard or tapped; never half a character. */
static void search_stops_at_limit(void **state)
{
    struct fx *x = *state;
    char err[QH_ERRLEN], reason[QH_TEXT_PAUSE_LEN] = "";
    press(x, QH_BTN_SEARCH, 0);
    qh_kiosk_model_type(x->m, "abcdefghijabcdefghijabcdefghijabcdefghij");
    assert_string_equal(x->m->query, "abcdefghijabcdefghijabcdefghij");
    press(x, QH_BTN_KEY_CLEAR, 0);
    for (int i = 0; i < QH_KIOSK_QUERY_MAX; i++)
        assert_int_equal(press(x, QH_BTN_KEY, 18), 1);
    assert_int_equal(press(x, QH_BTN_KEY, 18), 0);    /* full */
    assert_int_equal(strlen(x->m->query), QH_KIOSK_QUERY_MAX);
    /* Characters are offered as they follow in the catalogue's names: an
     * item named with 40 of them can be tapped past the limit. */
    static const char name[] = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸"
                               "子丑寅卯辰巳午未申酉戌亥春夏秋冬东南西北";
    char csv[512];
    int count = 0;
    snprintf(csv, sizeof csv, "code,name,queue,promised_days,materials\nL1,%s,A,1,甲\n", name);
    assert_int_equal(qh_catalog_import(x->s, "l.csv", csv, strlen(csv), &count, err, sizeof err), 0);
    qh_kiosk_model_free(x->m);
    struct qh_kiosk_opts o = {.lang = QH_LANG_ZH, .number = 1,
                              .printer = {f_submit, f_poll, f_cancel, f_status, &x->f}};
    if (qh_kiosk_model_new(&x->m, x->s, &o, x->now, err, sizeof err) < 0)
        fail_msg("%s", err);
    press(x, QH_BTN_SEARCH, 0);
    press(x, QH_BTN_KEY_MODE, 0);
    for (int i = 0; i < 40; i++) {
        char ch[4];
        memcpy(ch, name + 3 * i, 3);
        ch[3] = '\0';
        int k = key_of(x, ch);
        if (k < 0)
            break;
        press(x, QH_BTN_KEY, k);
    }
    assert_int_equal(qh_text_len(x->m->query), QH_KIOSK_QUERY_MAX);
    assert_int_equal(strncmp(x->m->query, name, strlen(x->m->query)), 0);
    assert_int_equal(strlen(x->m->query), 3 * QH_KIOSK_QUERY_MAX);
    assert_true(qh_text_valid_utf8(x->m->query, strlen(x->m->query)));
    int k = key_of(x, "戌");                       /* the 31st */
    assert_true(k >= 0);
    assert_int_equal(press(x, QH_BTN_KEY, k), 0);
    assert_int_equal(qh_text_len(x->m->query), QH_KIOSK_QUERY_MAX);
    /* A pause reason at its limit reaches the refused screen whole. */
    for (int i = 0; i < QH_TEXT_PAUSE_MAX; i++)
        strcat(reason, "暂");
    press(x, QH_BTN_HOME, 0);
    assert_int_equal(qh_window_pause(x->s, 1, reason, err, sizeof err), 0);
    assert_int_equal(qh_window_pause(x->s, 2, reason, err, sizeof err), 0);
    assert_int_equal(qh_window_pause(x->s, 5, reason, err, sizeof err), 0);
    press(x, QH_BTN_QUEUE, 0);
    press(x, QH_BTN_ITEM, 0);
    assert_non_null(strstr(x->m->refusal, reason));
}

static void idle_countdown(void **state)
{
    struct fx *x = *state;
    const struct qh_hall_conf *h = qh_store_hall(x->s);
    press(x, QH_BTN_QUEUE, 0);
    press(x, QH_BTN_ITEM, 0);
    later(x, h->kiosk.idle_seconds * 1000 - 1);
    assert_int_equal(x->m->countdown, 0);           /* nobody rushed while reading */
    later(x, 1);
    assert_int_equal(x->m->countdown, h->kiosk.countdown_seconds);
    later(x, 10000);
    assert_int_equal(x->m->countdown, h->kiosk.countdown_seconds - 10);
    qh_kiosk_model_touch(x->m);                     /* a touch anywhere cancels */
    assert_int_equal(x->m->countdown, 0);
    assert_int_equal(x->m->screen, QH_KS_CONFIRM);
    later(x, (h->kiosk.idle_seconds + h->kiosk.countdown_seconds) * 1000);
    assert_int_equal(x->m->screen, QH_KS_HOME);
    /* Home itself never counts down. */
    later(x, 3600 * 1000);
    assert_int_equal(x->m->countdown, 0);
    /* ... unless left in English: then it goes back to Chinese. */
    press(x, QH_BTN_LANG, 0);
    assert_int_equal(x->m->lang, QH_LANG_EN);
    later(x, (h->kiosk.idle_seconds + h->kiosk.countdown_seconds) * 1000 + 1000);
    assert_int_equal(x->m->lang, QH_LANG_ZH);
}

static void print_failure_keeps_the_number(void **state)
{
    struct fx *x = *state;
    char err[QH_ERRLEN];
    struct qh_ticket_row t;
    x->f.fail_submit = 1;
    press(x, QH_BTN_QUEUE, 1);
    press(x, QH_BTN_ITEM, 0);
    press(x, QH_BTN_TAKE, 0);
    assert_int_equal(x->m->screen, QH_KS_TICKET);
    assert_int_equal(x->m->print, QH_KP_FAILED);
    assert_string_equal(x->m->print_problem, "打印机「fake」缺纸");
    assert_true(has_event(x, "print_failed", "B001"));
    assert_int_equal(qh_ticket_get(x->s, "B001", &t, err, sizeof err), 0);
    assert_int_equal(t.state, QH_TICKET_WAITING);
    /* A job that fails once running: cancelled, recorded, shown. */
    x->f.fail_submit = 0;
    x->f.fail_job = 1;
    press(x, QH_BTN_DONE, 0);
    press(x, QH_BTN_QUEUE, 1);
    press(x, QH_BTN_ITEM, 0);
    press(x, QH_BTN_TAKE, 0);
    assert_int_equal(x->m->print, QH_KP_PENDING);
    later(x, 250);
    assert_int_equal(x->m->print, QH_KP_FAILED);
    assert_int_equal(x->f.cancelled, 1);
    assert_true(has_event(x, "print_failed", "B002"));
    assert_int_equal(issued_today(x), 2);
    /* The admin reprints B001 once the paper is in. */
    x->f.fail_job = 0;
    press(x, QH_BTN_DONE, 0);
    for (int i = 0; i < 5; i++) {
        later(x, 200);
        qh_kiosk_model_press(x->m, QH_BTN_CORNER, 0);
    }
    assert_int_equal(x->m->screen, QH_KS_PIN);
    assert_int_equal(qh_staff_add(x->s, "boss", "所长", "admin", "246813", err, sizeof err), 0);
    type_code(x, "246813");
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_ADMIN);
    assert_int_equal(x->m->pst_ok, 1);
    assert_int_equal(x->m->pst.paper_low, 1);
    assert_int_equal(x->m->nrecent, 2);
    assert_string_equal(x->m->recent[1].number, "B001");
    assert_int_equal(x->m->recent[1].print, QH_KP_FAILED);
    press(x, QH_BTN_REPRINT, 1);
    later(x, 250);
    assert_int_equal(x->m->recent[1].print, QH_KP_DONE);
    assert_true(has_event(x, "reprinted", "B001"));
    assert_non_null(strstr(x->m->admin_msg, "B001 已补打"));
    assert_int_equal(press(x, QH_BTN_EXIT, 0), 1);
    assert_int_equal(x->m->quit, 1);
}

/* Five taps in the corner: the admin PIN screen. */
static void open_pin_screen(struct fx *x)
{
    for (int i = 0; i < 5; i++) {
        later(x, 200);
        qh_kiosk_model_press(x->m, QH_BTN_CORNER, 0);
    }
}

static void admin_pin(void **state)
{
    struct fx *x = *state;
    char err[QH_ERRLEN];
    assert_int_equal(qh_staff_add(x->s, "clerk", "办事员", "staff", "1111", err, sizeof err), 0);
    assert_int_equal(qh_staff_add(x->s, "boss", "所长", "admin", "246813", err, sizeof err), 0);
    /* Four taps are not enough; taps too far apart start over. */
    for (int i = 0; i < 4; i++) {
        later(x, 200);
        assert_int_equal(qh_kiosk_model_press(x->m, QH_BTN_CORNER, 0), 0);
    }
    later(x, 5000);
    qh_kiosk_model_press(x->m, QH_BTN_CORNER, 0);
    assert_int_equal(x->m->screen, QH_KS_HOME);
    for (int i = 0; i < 4; i++) {
        later(x, 200);
        qh_kiosk_model_press(x->m, QH_BTN_CORNER, 0);
    }
    assert_int_equal(x->m->screen, QH_KS_PIN);
    /* A staff PIN is not an admin PIN. */
    type_code(x, "1111");
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_PIN);
    assert_string_equal(x->m->admin_msg, "PIN 不正确");
    assert_string_equal(x->m->entry, "");
    /* OK on an empty pad is no try. */
    press(x, QH_BTN_OK, 0);
    assert_string_equal(x->m->admin_msg, "请输入 PIN");
    /* Five wrong in a row lock the pad, even for the right PIN. */
    for (int i = 0; i < 3; i++) {
        type_code(x, "999999");
        press(x, QH_BTN_OK, 0);
        assert_string_equal(x->m->admin_msg, "PIN 不正确");
    }
    type_code(x, "999999");
    press(x, QH_BTN_OK, 0);
    assert_string_equal(x->m->admin_msg, "尝试次数过多，请 15 分钟后再试");
    type_code(x, "246813");
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_PIN);
    assert_string_equal(x->m->admin_msg, "尝试次数过多，请 15 分钟后再试");
    /* Each wrong PIN is on record with the device, never the PIN. */
    struct qh_event_row ev[256];
    int n = qh_store_events_since(x->s, 0, ev, 256, NULL, 0), failed = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(ev[i].type, "login_failed"))
            continue;
        failed++;
        assert_string_equal(ev[i].staff, "boss");
        assert_int_equal(ev[i].window, 0);
        assert_non_null(strstr(ev[i].detail, "\"device\":\"kiosk:1\""));
        assert_null(strstr(ev[i].detail, "9999"));
        assert_null(strstr(ev[i].detail, "1111"));
    }
    assert_int_equal(failed, 5);
    later(x, 5 * 60 * 1000);
    assert_int_equal(x->m->screen, QH_KS_HOME);     /* left idle: back home */
    open_pin_screen(x);
    /* A restart forgets nothing: the lock is in the database. */
    char path[512];
    snprintf(path, sizeof path, "%s", qh_store_path(x->s));
    qh_kiosk_model_free(x->m);
    qh_store_close(x->s);
    assert_int_equal(qh_store_open(&x->s, path, 0, err, sizeof err), 0);
    qh_store_set_actor(x->s, "kiosk:1");
    struct qh_kiosk_opts o = {.lang = QH_LANG_EN, .number = 1,
                              .printer = {f_submit, f_poll, f_cancel, f_status, &x->f}};
    assert_int_equal(qh_kiosk_model_new(&x->m, x->s, &o, x->now, err, sizeof err), 0);
    open_pin_screen(x);
    type_code(x, "246813");
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_PIN);
    assert_string_equal(x->m->admin_msg, "too many wrong PINs: try again in 15 minutes");
    /* Once the lock is over the right PIN opens the screen and clears the
     * count: four more wrong ones do not lock again. */
    tu_clock_advance(15 * 60);
    type_code(x, "246813");
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_ADMIN);
    press(x, QH_BTN_BACK, 0);
    assert_int_equal(x->m->screen, QH_KS_HOME);
    open_pin_screen(x);
    for (int i = 0; i < 4; i++) {
        type_code(x, "999999");
        press(x, QH_BTN_OK, 0);
    }
    assert_string_equal(x->m->admin_msg, "wrong PIN");
    type_code(x, "246813");
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_ADMIN);
}

/* The kiosk and the counters share one lock-out, per device: guesses at
 * the kiosk lock the kiosk, not the admin's own counter; guesses on
 * every device together lock the admin everywhere, the kiosk too. */
static void admin_pin_shared_with_counters(void **state)
{
    struct fx *x = *state;
    char err[QH_ERRLEN];
    struct qh_store *c;
    assert_int_equal(qh_staff_add(x->s, "boss", "所长", "admin", "246813", err, sizeof err), 0);
    assert_int_equal(qh_store_open(&c, qh_store_path(x->s), 0, err, sizeof err), 0);
    open_pin_screen(x);
    for (int i = 0; i < 5; i++) {
        type_code(x, "999999");
        press(x, QH_BTN_OK, 0);
    }
    assert_non_null(strstr(x->m->admin_msg, "尝试次数过多"));
    qh_store_set_actor(c, "counter:5");
    assert_int_equal(qh_staff_login(c, 5, "boss", "246813", err, sizeof err), 0);
    /* That right PIN was not typed at the kiosk, which stays locked. */
    type_code(x, "246813");
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_PIN);
    assert_non_null(strstr(x->m->admin_msg, "尝试次数过多"));
    /* Five wrong at each of three counters: fifteen on all devices lock
     * the account everywhere, its own counter too. */
    for (int w = 1; w <= 3; w++) {
        char actor[16];
        snprintf(actor, sizeof actor, "counter:%d", w);
        qh_store_set_actor(c, actor);
        for (int i = 0; i < 4; i++)
            assert_int_equal(qh_staff_login(c, w, "boss", "999999", err, sizeof err), QH_E_AUTH);
        assert_int_equal(qh_staff_login(c, w, "boss", "999999", err, sizeof err), QH_E_LOCKED);
    }
    qh_store_set_actor(c, "counter:5");
    assert_int_equal(qh_staff_login(c, 5, "boss", "246813", err, sizeof err), QH_E_LOCKED);
    assert_non_null(strstr(err, "15 分钟"));
    /* Both locks end after their 15 minutes. */
    tu_clock_advance(15 * 60);
    type_code(x, "246813");
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_ADMIN);
    assert_int_equal(qh_staff_login(c, 5, "boss", "246813", err, sizeof err), 0);
    qh_store_close(c);
}

/* An admin PIN of 4 digits set before the 6-digit rule still opens the
 * admin screen: an upgrade locks no hall out. */
static void short_admin_pin_still_works(void **state)
{
    struct fx *x = *state;
    char err[QH_ERRLEN];
    struct qh_staff_row st;
    assert_int_equal(qh_staff_add(x->s, "old", "老所长", "admin", "2468", err, sizeof err),
                     QH_E_PARSE);
    assert_non_null(strstr(err, "管理员 PIN 应为 6-12 位数字"));
    assert_int_equal(qh_staff_add(x->s, "old", "老所长", "admin", "246813", err, sizeof err), 0);
    assert_int_equal(qh_store_staff_get(x->s, "old", &st), 0);
    assert_int_equal(st.pin_short, 0);
    assert_int_equal(qh_auth_hash("2468", st.pin_hash, err, sizeof err), 0);
    st.pin_short = -1;                  /* as schema 6 left it */
    assert_int_equal(qh_store_staff_update(x->s, &st, err, sizeof err), 0);
    open_pin_screen(x);
    type_code(x, "2468");
    press(x, QH_BTN_OK, 0);
    assert_int_equal(x->m->screen, QH_KS_ADMIN);
    /* and now the store knows it is too short (qhall staff list says so) */
    assert_int_equal(qh_store_staff_get(x->s, "old", &st), 0);
    assert_int_equal(st.pin_short, 1);
}

static void every_screen_reachable(void **state)
{
    struct fx *x = *state;
    for (int s = 0; s < QH_KS_COUNT; s++) {
        later(x, 1000);
        qh_kiosk_model_goto(x->m, (enum qh_kiosk_screen)s);
        assert_int_equal(x->m->screen, s);
        assert_int_equal(qh_kiosk_screen_parse(qh_kiosk_screen_name((enum qh_kiosk_screen)s)), s);
    }
    assert_int_equal(qh_kiosk_btn_parse("take"), QH_BTN_TAKE);
    assert_int_equal(qh_kiosk_btn_parse("nonsense"), -1);
}

/* ---- the database out of reach ---- */

/* 暂停取号 issues nothing, whatever is pressed or typed, counts no idle
 * time down, and is left by itself when the store is back. */
static void offline_issues_nothing(void **state)
{
    struct fx *x = *state;
    int before = issued_today(x);
    assert_int_equal(press(x, QH_BTN_QUEUE, 0), 1);
    assert_int_equal(press(x, QH_BTN_ITEM, 0), 1);
    assert_int_equal(x->m->screen, QH_KS_CONFIRM);
    later(x, 1000);
    qh_kiosk_model_store(x->m, NULL, "server closed the connection unexpectedly\n\tline 2");
    assert_int_equal(x->m->screen, QH_KS_OFFLINE);
    assert_null(x->m->s);
    assert_string_equal(x->m->problem, "server closed the connection unexpectedly  line 2");
    assert_true(x->m->have_hall);
    assert_string_equal(qh_kiosk_model_hall(x->m)->name, qh_store_hall(x->s)->name);
    for (int b = QH_BTN_QUEUE; b <= QH_BTN_EXIT; b++)
        assert_int_equal(press(x, (enum qh_kiosk_btn)b, 0), 0);
    qh_kiosk_model_type(x->m, "12345678\n");
    for (int i = 0; i < 5; i++)
        assert_int_equal(qh_kiosk_model_press(x->m, QH_BTN_CORNER, 0), 0);
    later(x, 600 * 1000);                           /* no countdown, no way home */
    assert_int_equal(x->m->screen, QH_KS_OFFLINE);
    assert_int_equal(x->m->countdown, 0);
    assert_int_equal(issued_today(x), before);
    /* Back: at home by itself, and a number can be taken again. */
    assert_int_equal(qh_kiosk_model_store(x->m, x->s, NULL), 0);
    assert_int_equal(x->m->screen, QH_KS_HOME);
    assert_string_equal(x->m->problem, "");
    assert_int_equal(press(x, QH_BTN_QUEUE, 2), 1);
    assert_int_equal(x->m->screen, QH_KS_CONFIRM);
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 1);
    assert_int_equal(x->m->screen, QH_KS_TICKET);
    assert_int_equal(issued_today(x), before + 1);
}

/* A number on screen when the store goes stays there until the citizen
 * is done; its slip still prints (CUPS needs no database), but the
 * outcome cannot be recorded. */
static void ticket_stays_when_lost(void **state)
{
    struct fx *x = *state;
    assert_int_equal(press(x, QH_BTN_QUEUE, 2), 1);
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 1);
    assert_int_equal(x->m->screen, QH_KS_TICKET);
    assert_int_equal(x->m->print, QH_KP_PENDING);
    qh_kiosk_model_store(x->m, NULL, NULL);
    assert_int_equal(x->m->screen, QH_KS_TICKET);
    assert_string_equal(x->m->problem, "与数据库的连接中断");
    later(x, 250);
    assert_int_equal(x->m->print, QH_KP_DONE);
    assert_false(has_event(x, "printed", x->m->ticket.number));
    assert_int_equal(press(x, QH_BTN_DONE, 0), 1);
    assert_int_equal(x->m->screen, QH_KS_OFFLINE);
}

/* A kiosk that starts without its database: 暂停取号, no hall, no
 * catalogue; the first store loads it and the kiosk says it is alive. */
static int count_kiosk2(const struct qh_heartbeat *hb, void *ud)
{
    if (!strcmp(hb->name, "kiosk:2") && !strcmp(hb->kind, "kiosk"))
        ++*(int *)ud;
    return 0;
}

static void starts_without_store(void **state)
{
    struct fx *x = *state;
    struct qh_kiosk_model *m = NULL;
    struct qh_kiosk_opts o = {.lang = QH_LANG_EN, .number = 2,
                              .printer = {f_submit, f_poll, f_cancel, f_status, &x->f}};
    char err[QH_ERRLEN];
    int found = 0;
    assert_int_equal(qh_kiosk_model_new(&m, NULL, &o, x->now, err, sizeof err), 0);
    assert_int_equal(m->screen, QH_KS_OFFLINE);
    assert_string_equal(m->problem, "connecting to the database");
    assert_false(m->have_hall);
    assert_int_equal(m->nitems, 0);
    assert_int_equal(qh_kiosk_model_goto(m, QH_KS_CONFIRM), QH_E_STATE);
    qh_kiosk_model_tick(m, x->now + 60000);
    assert_int_equal(m->screen, QH_KS_OFFLINE);
    assert_int_equal(qh_kiosk_model_store(m, x->s, NULL), 0);
    assert_int_equal(m->screen, QH_KS_HOME);
    assert_int_equal(m->nitems, 393);
    assert_true(m->have_hall);
    qh_store_heartbeat_each(x->s, count_kiosk2, &found);
    assert_int_equal(found, 1);                 /* alive as soon as it is connected */
    qh_kiosk_model_free(m);
}

/* The model finds an outage itself: a write the store refuses (here a
 * trigger that fails every new ticket, as a broken disk would) is no
 * refusal to show but 暂停取号, db_failed for the program, and the number
 * is not issued, nor tried again when the store is back. */
static void issue_failure_goes_offline(void **state)
{
    struct fx *x = *state;
    sqlite3 *db;
    int before = issued_today(x);
    assert_int_equal(sqlite3_open(qh_store_path(x->s), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TRIGGER broken BEFORE INSERT ON ticket "
                                      "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END",
                                  NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(press(x, QH_BTN_QUEUE, 2), 1);
    assert_int_equal(x->m->screen, QH_KS_CONFIRM);
    assert_int_equal(press(x, QH_BTN_TAKE, 0), 1);
    assert_int_equal(x->m->screen, QH_KS_OFFLINE);
    assert_true(x->m->db_failed);
    assert_null(x->m->s);
    assert_non_null(strstr(x->m->problem, "disk I/O error"));
    assert_int_equal(issued_today(x), before);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER broken", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(qh_kiosk_model_store(x->m, x->s, NULL), 0);
    assert_false(x->m->db_failed);
    assert_int_equal(x->m->screen, QH_KS_HOME);
    later(x, 60000);
    assert_int_equal(issued_today(x), before);  /* nothing sent again */
}

static int count_kiosk(const struct qh_heartbeat *hb, void *ud)
{
    if (!strcmp(hb->name, "kiosk:1") && !strcmp(hb->kind, "kiosk"))
        ++*(int *)ud;
    return 0;
}

static void heartbeat_written(void **state)
{
    struct fx *x = *state;
    int found = 0;
    later(x, 31000);
    qh_store_heartbeat_each(x->s, count_kiosk, &found);
    assert_int_equal(found, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(catalogue_loaded_once, setup, teardown),
        cmocka_unit_test_setup_teardown(take_a_number, setup, teardown),
        cmocka_unit_test_setup_teardown(double_tap_issues_once, setup, teardown),
        cmocka_unit_test_setup_teardown(class_c_needs_no_item, setup, teardown),
        cmocka_unit_test_setup_teardown(green_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(refused_when_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(refused_quota_and_pause, setup, teardown),
        cmocka_unit_test_setup_teardown(refused_item_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(spoken_number, setup, teardown),
        cmocka_unit_test_setup_teardown(appointments, setup, teardown),
        cmocka_unit_test_setup_teardown(search_by_initials, setup, teardown),
        cmocka_unit_test_setup_teardown(search_by_characters, setup, teardown),
        cmocka_unit_test_setup_teardown(search_stops_at_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(idle_countdown, setup, teardown),
        cmocka_unit_test_setup_teardown(print_failure_keeps_the_number, setup, teardown),
        cmocka_unit_test_setup_teardown(admin_pin, setup, teardown),
        cmocka_unit_test_setup_teardown(admin_pin_shared_with_counters, setup, teardown),
        cmocka_unit_test_setup_teardown(short_admin_pin_still_works, setup, teardown),
        cmocka_unit_test_setup_teardown(every_screen_reachable, setup, teardown),
        cmocka_unit_test_setup_teardown(heartbeat_written, setup, teardown),
        cmocka_unit_test_setup_teardown(offline_issues_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(ticket_stays_when_lost, setup, teardown),
        cmocka_unit_test_setup_teardown(starts_without_store, setup, teardown),
    };
    /* A store that fails a write, made by hand in SQLite's file; a server
     * that fails is tests/cli/pg_faults.sh's (its connections cut). */
    const struct CMUnitTest sqlite_file[] = {
        cmocka_unit_test_setup_teardown(issue_failure_goes_offline, setup, teardown),
    };
    int failed = cmocka_run_group_tests_name("kiosk model", tests, NULL, NULL);
    if (!tu_store_pg())
        failed += cmocka_run_group_tests_name("kiosk model on a broken SQLite file",
                                              sqlite_file, NULL, NULL);
    return failed;
}
