/* test_conf.c: common/conf/conf.c -- the default hall, the INI reader (good
 * files, every kind of bad line, cross-checks), the writer's round trip,
 * and opening hours. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "qh/conf.h"
#include "testutil.h"
#include "qh/err.h"

/* Field by field, so a failure names the field. */
static void assert_conf_equal(const struct qh_hall_conf *a, const struct qh_hall_conf *b)
{
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->name_en, b->name_en);
    assert_string_equal(a->timezone, b->timezone);
    assert_int_equal(a->nspans, b->nspans);
    for (int i = 0; i < a->nspans; i++) {
        assert_int_equal(a->spans[i].open_min, b->spans[i].open_min);
        assert_int_equal(a->spans[i].close_min, b->spans[i].close_min);
    }
    assert_int_equal(a->days, b->days);
    assert_int_equal(a->recall_limit, b->recall_limit);
    assert_int_equal(a->green_bonus_minutes, b->green_bonus_minutes);
    assert_int_equal(a->target_wait_minutes, b->target_wait_minutes);
    assert_int_equal(a->default_handle_minutes, b->default_handle_minutes);
    assert_int_equal(a->followup_days, b->followup_days);
    assert_string_equal(a->holiday_file, b->holiday_file);
    assert_int_equal(a->weight_attendance, b->weight_attendance);
    assert_int_equal(a->weight_cases, b->weight_cases);
    assert_int_equal(a->weight_speed, b->weight_speed);
    assert_int_equal(a->weight_rating, b->weight_rating);
    assert_int_equal(a->weight_followup, b->weight_followup);
    assert_string_equal(a->notice, b->notice);
    assert_string_equal(a->notice_en, b->notice_en);
    assert_string_equal(a->supervision_phone, b->supervision_phone);
    assert_string_equal(a->region_code, b->region_code);
    assert_int_equal(a->rating.timeout_seconds, b->rating.timeout_seconds);
    assert_int_equal(a->rating.late_days, b->rating.late_days);
    assert_int_equal(a->rating.default_after_days, b->rating.default_after_days);
    assert_int_equal(a->rating.default_score, b->rating.default_score);
    assert_int_equal(a->rating.nreasons, b->rating.nreasons);
    for (int i = 0; i < a->rating.nreasons; i++) {
        assert_string_equal(a->rating.reasons[i], b->rating.reasons[i]);
        assert_string_equal(a->rating.reasons_en[i], b->rating.reasons_en[i]);
    }
    assert_int_equal(a->nqueues, b->nqueues);
    for (int i = 0; i < a->nqueues; i++) {
        const struct qh_queue_conf *p = &a->queues[i], *q = &b->queues[i];
        assert_string_equal(p->code, q->code);
        assert_string_equal(p->name, q->name);
        assert_string_equal(p->name_en, q->name_en);
        assert_string_equal(p->prefix, q->prefix);
        assert_int_equal(p->klass, q->klass);
        assert_int_equal(p->daily_quota, q->daily_quota);
    }
    assert_int_equal(a->nwindows, b->nwindows);
    for (int i = 0; i < a->nwindows; i++) {
        const struct qh_window_conf *p = &a->windows[i], *q = &b->windows[i];
        assert_int_equal(p->number, q->number);
        assert_string_equal(p->name, q->name);
        assert_string_equal(p->name_en, q->name_en);
        assert_int_equal(p->nqueues, q->nqueues);
        for (int j = 0; j < p->nqueues; j++)
            assert_string_equal(p->queues[j], q->queues[j]);
        assert_int_equal(p->overflow_minutes, q->overflow_minutes);
    }
    assert_string_equal(a->printer.name, b->printer.name);
    assert_int_equal(a->printer.width, b->printer.width);
    assert_string_equal(a->printer.kind, b->printer.kind);
    assert_string_equal(a->printer.qr, b->printer.qr);
    assert_int_equal(a->kiosk.idle_seconds, b->kiosk.idle_seconds);
    assert_int_equal(a->kiosk.countdown_seconds, b->kiosk.countdown_seconds);
    assert_int_equal(a->kiosk.speak, b->kiosk.speak);
    assert_int_equal(a->privacy.keep_days, b->privacy.keep_days);
    assert_int_equal(a->display.announce_repeat, b->display.announce_repeat);
    assert_int_equal(a->display.volume, b->display.volume);
    assert_int_equal(a->display.nquiet, b->display.nquiet);
    for (int i = 0; i < a->display.nquiet; i++) {
        assert_int_equal(a->display.quiet[i].open_min, b->display.quiet[i].open_min);
        assert_int_equal(a->display.quiet[i].close_min, b->display.quiet[i].close_min);
    }
    assert_int_equal(a->nquotas, b->nquotas);
    for (int i = 0; i < a->nquotas; i++) {
        assert_string_equal(a->quotas[i].code, b->quotas[i].code);
        assert_int_equal(a->quotas[i].quota, b->quotas[i].quota);
    }
}

static int parse(struct qh_hall_conf *c, const char *text, char *err, size_t errlen)
{
    return qh_conf_parse_string(c, "hall.ini", text, err, errlen);
}

static void test_defaults(void **state)
{
    struct qh_hall_conf c;
    char err[QH_ERRLEN], hours[64];
    const struct qh_window_conf *w;

    (void)state;
    qh_conf_defaults(&c);
    assert_int_equal(qh_conf_validate(&c, "default", err, sizeof err), 0);
    assert_string_equal(c.name, "L镇政务服务中心");
    assert_string_equal(c.timezone, "Asia/Shanghai");
    qh_conf_format_hours(&c, hours, sizeof hours);
    assert_string_equal(hours, "08:30-12:00,14:00-17:30");
    assert_int_equal(c.days, 0x3E);
    assert_int_equal(c.nqueues, 3);
    assert_int_equal(c.nwindows, 5);
    assert_string_equal(qh_conf_queue(&c, "B")->name, "公共服务");
    assert_null(qh_conf_queue(&c, "D"));
    assert_string_equal(qh_conf_failed_queue(&c)->code, "C");
    w = qh_conf_window(&c, 5);
    assert_non_null(w);
    assert_int_equal(w->nqueues, 3);
    assert_string_equal(w->queues[0], "C");
    assert_string_equal(w->queues[1], "A");
    assert_string_equal(w->queues[2], "B");
    assert_null(qh_conf_window(&c, 6));
}

static void test_empty_file_is_default(void **state)
{
    struct qh_hall_conf c, d;
    char err[QH_ERRLEN];

    (void)state;
    qh_conf_defaults(&d);
    assert_int_equal(parse(&c, "", err, sizeof err), 0);
    assert_conf_equal(&c, &d);
    assert_int_equal(parse(&c, "; only a comment\n# and another\n\n", err, sizeof err), 0);
    assert_conf_equal(&c, &d);
}

/* assets/hall.ini is the default written out: the two must not drift. */
static void test_asset_equals_defaults(void **state)
{
    const char *src = getenv("QHALL_SRC");
    struct qh_hall_conf c, d;
    char path[4096], err[2048];

    (void)state;
    if (!src) {
        tu_skip("QHALL_SRC not set (ctest sets it): the asset not checked");
        return;
    }
    snprintf(path, sizeof path, "%s/assets/hall.ini", src);
    if (qh_conf_parse_file(&c, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    qh_conf_defaults(&d);
    assert_conf_equal(&c, &d);
}

/* qh_asset_find from the build tree: the sources' assets; QHALL_ASSETS,
 * when set, is the only place and must be absolute.  (The installed
 * lookup, from the prefix, is tests/pkg/install_tree.sh.) */
static void test_asset_find(void **state)
{
    const char *src = getenv("QHALL_SRC");
    char path[4096], want[4096], err[2048];
    char *saved = getenv("QHALL_ASSETS") ? strdup(getenv("QHALL_ASSETS")) : NULL;

    (void)state;
    if (!src) {
        tu_skip("QHALL_SRC not set (ctest sets it): the build tree's assets not checked");
        free(saved);
        return;
    }
    unsetenv("QHALL_ASSETS");
    snprintf(want, sizeof want, "%s/assets/chime.wav", src);
    assert_int_equal(qh_asset_find("chime.wav", path, sizeof path, err, sizeof err), 0);
    assert_string_equal(path, want);
    assert_int_equal(qh_asset_find("no-such.wav", path, sizeof path, err, sizeof err),
                     QH_E_NOTFOUND);
    assert_string_equal(path, "");
    assert_non_null(strstr(err, "no-such.wav"));

    snprintf(want, sizeof want, "%s/assets/export", src);
    setenv("QHALL_ASSETS", want, 1);
    assert_int_equal(qh_asset_find("gbt39046.map", path, sizeof path, err, sizeof err), 0);
    assert_non_null(strstr(path, "/assets/export/gbt39046.map"));
    /* Not beside the sources' either: QHALL_ASSETS is the only place. */
    assert_int_equal(qh_asset_find("chime.wav", path, sizeof path, err, sizeof err),
                     QH_E_NOTFOUND);
    setenv("QHALL_ASSETS", "assets", 1);
    assert_int_equal(qh_asset_find("chime.wav", path, sizeof path, err, sizeof err),
                     QH_E_PARSE);
    assert_non_null(strstr(err, "absolute"));

    if (saved)
        setenv("QHALL_ASSETS", saved, 1);
    else
        unsetenv("QHALL_ASSETS");
    free(saved);
}

static void round_trip(const struct qh_hall_conf *c)
{
    struct qh_hall_conf back;
    char *text = NULL, err[2048];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    assert_non_null(f);
    assert_int_equal(qh_conf_write(c, f), 0);
    fclose(f);
    if (parse(&back, text, err, sizeof err) != 0)
        fail_msg("%s\n--- written:\n%s", err, text);
    assert_conf_equal(&back, c);
    free(text);
}

static void test_round_trip(void **state)
{
    static const char custom[] =
        "[hall]\n"
        "name = 某某街道便民服务中心\n"
        "name_en =\n"
        "timezone = Asia/Urumqi\n"
        "hours = 09:00-12:30, 13:30-18:00,19:00-24:00\n"
        "days = mon-wed, sat\n"
        "recall_limit = 9\n"
        "green_bonus_minutes = 0\n"
        "target_wait_minutes = 480\n"
        "default_handle_minutes = 1\n"
        "notice = 请带好证件 ; 谢谢；再见 # 不是注释\n"
        "supervision_phone = 0571-1234 5678\n"
        "region_code = 330100000\n"
        "[queue C]\nname = 综合\n"
        "[queue GR]\nname = 绿色通道\nprefix = G\nclass = A\ndaily_quota = 9999\n"
        "[window 12]\nqueues = GR,C\noverflow_minutes = 480\n"
        "[kiosk]\nspeak = yes\n"
        "[quota]\nXK001 = 20\nGG-9_a = 1\n";
    struct qh_hall_conf c;
    char err[2048];

    (void)state;
    qh_conf_defaults(&c);
    round_trip(&c);
    if (parse(&c, custom, err, sizeof err) != 0)
        fail_msg("%s", err);
    round_trip(&c);
}

/* What a good file sets, key by key. */
static void test_good_files(void **state)
{
    struct qh_hall_conf c;
    char err[2048], hours[64];

    (void)state;
    /* Inline comments are off: ASCII " ;" and "#" stay in the value, and
     * the full-width ；was never special. */
    assert_int_equal(parse(&c, "[hall]\nnotice = 带好证件 ; 谢谢；再见 # 完\n", err, sizeof err), 0);
    assert_string_equal(c.notice, "带好证件 ; 谢谢；再见 # 完");
    assert_int_equal(c.nqueues, 3);               /* defaults kept */

    /* CRLF, BOM, "key: value", indentation, values trimmed */
    assert_int_equal(parse(&c, "\xEF\xBB\xBF[hall]\r\n  recall_limit: 7 \r\n\t days = SAT , Sun\r\n",
                           err, sizeof err), 0);
    assert_int_equal(c.recall_limit, 7);
    assert_int_equal(c.days, 0x41);

    /* [queue] sections replace all queues; prefix and class default. */
    assert_int_equal(parse(&c, "[queue C]\nname = 综合\n[window 1]\nqueues = C\n",
                           err, sizeof err), 0);
    assert_int_equal(c.nqueues, 1);
    assert_string_equal(c.queues[0].prefix, "C");
    assert_int_equal(c.queues[0].klass, 'C');
    assert_int_equal(c.nwindows, 1);
    assert_string_equal(c.windows[0].name, "1号窗口");
    assert_string_equal(c.windows[0].name_en, "Window 1");

    /* [window] sections alone keep the default queues. */
    assert_int_equal(parse(&c, "[window 9]\nname = 全能\nqueues = A, B, C\n", err, sizeof err), 0);
    assert_int_equal(c.nqueues, 3);
    assert_int_equal(c.nwindows, 1);
    assert_int_equal(c.windows[0].number, 9);

    /* A long notice: 170 CJK characters (510 bytes) fit in 511. */
    {
        char text[1024];
        size_t n = (size_t)snprintf(text, sizeof text, "[hall]\nnotice = ");
        for (int i = 0; i < 170; i++)
            n += (size_t)snprintf(text + n, sizeof text - n, "请");
        snprintf(text + n, sizeof text - n, "\n");
        assert_int_equal(parse(&c, text, err, sizeof err), 0);
        assert_int_equal(strlen(c.notice), 510);
    }

    /* The export's 行政区划 and the pad's 服务监督电话; empty = unset. */
    assert_string_equal(c.region_code, "");
    assert_string_equal(c.supervision_phone, "");
    assert_int_equal(parse(&c, "[hall]\nregion_code = 110101001\n"
                           "supervision_phone = 010-6512 3456\n", err, sizeof err), 0);
    assert_string_equal(c.region_code, "110101001");
    assert_string_equal(c.supervision_phone, "010-6512 3456");
    assert_int_equal(parse(&c, "[hall]\nregion_code =\nsupervision_phone =\n",
                           err, sizeof err), 0);
    assert_string_equal(c.region_code, "");
    assert_string_equal(c.supervision_phone, "");

    assert_int_equal(parse(&c, "[hall]\nhours = 00:00-24:00\n", err, sizeof err), 0);
    qh_conf_format_hours(&c, hours, sizeof hours);
    assert_string_equal(hours, "00:00-24:00");
}

/* Each row: a file, and the one message it must produce. */
static void test_bad_files(void **state)
{
    static const struct { const char *in, *want; } rows[] = {
        { "[hall]\nrecall_limit = x\n",
          "hall.ini:2: [hall] recall_limit: expected 1-9, got \"x\"" },
        { "[hall]\nrecall_limit = 10\n",
          "hall.ini:2: [hall] recall_limit: expected 1-9, got \"10\"" },
        { "[hall]\ngreen_bonus_minutes = -1\n",
          "hall.ini:2: [hall] green_bonus_minutes: expected 0-240, got \"-1\"" },
        { "[hall]\ntarget_wait_minutes = 0\n",
          "hall.ini:2: [hall] target_wait_minutes: expected 1-480, got \"0\"" },
        { "[hall]\ndefault_handle_minutes = 3.5\n",
          "hall.ini:2: [hall] default_handle_minutes: expected 1-240, got \"3.5\"" },
        { "[hall]\nfollowup_days = 0\n",
          "hall.ini:2: [hall] followup_days: expected 1-60, got \"0\"" },
        { "[hall]\nweight_rating = 101\n",
          "hall.ini:2: [hall] weight_rating: expected 0-100, got \"101\"" },
        { "[queue A]\nname = 甲\ncolour = red\n[window 1]\nqueues = A\n",
          "hall.ini:3: unknown key \"colour\" in [queue A]" },
        { "\n\n[foo]\nx = 1\n", "hall.ini:3: unknown section [foo]" },
        { "[hall]\nname = 甲\nname = 乙\n",
          "hall.ini:3: duplicate key \"name\" in [hall] (first on line 2)" },
        { "[hall]\n[hall]\n", "hall.ini:2: duplicate section [hall] (first on line 1)" },
        { "[queue C]\nname = 丙\n[queue C]\nname = 丁\n",
          "hall.ini:3: duplicate section [queue C] (first on line 1)" },
        { "[window 1]\nqueues = A\n[window 1]\nqueues = B\n",
          "hall.ini:3: duplicate section [window 1] (first on line 1)" },
        { "[queue C]\nname_en = x\n[window 1]\nqueues = C\n",
          "hall.ini:1: [queue C] missing required key \"name\"" },
        { "[queue GR]\nname = 绿\n",
          "hall.ini:1: [queue GR] missing required key \"class\"" },
        { "\n[window 3]\nname = 三\n", "hall.ini:2: [window 3] missing required key \"queues\"" },
        { "[queue a]\nname = x\n", "hall.ini:1: bad section [queue a]: a queue code is 1-7 letters A-Z" },
        { "[queue ABCDEFGH]\n", "hall.ini:1: bad section [queue ABCDEFGH]" },
        { "[window 100]\n", "hall.ini:1: bad section [window 100]: a window number is 1-99" },
        { "[window x]\n", "hall.ini:1: bad section [window x]" },
        { "[hall\nname = x\n", "hall.ini:1: missing ] in section header" },
        { "[hall] x\n", "hall.ini:1: unexpected text after ] in section header" },
        { "name = x\n", "hall.ini:1: key \"name\" outside any section" },
        { "[hall]\njust words\n", "hall.ini:2: expected \"key = value\" or \"[section]\"" },
        { "[hall]\nname = \xff\n", "hall.ini:2: invalid UTF-8" },
        { "[hall]\nname =\n", "hall.ini:2: [hall] name: must not be empty" },
        { "[hall]\ntimezone = Asia/上海\n",
          "hall.ini:2: [hall] timezone: expected a time zone like Asia/Shanghai" },
        { "[hall]\nhours = 8:30-12:00\n", "hall.ini:2: [hall] hours: expected \"HH:MM-HH:MM\"" },
        { "[hall]\nhours = 12:00-08:30\n", "hall.ini:2: [hall] hours: a span must close after it opens" },
        { "[hall]\nhours = 14:00-17:30,08:30-12:00\n",
          "hall.ini:2: [hall] hours: spans must be in order and must not overlap" },
        { "[hall]\nhours = 08:00-12:00,11:00-13:00\n",
          "hall.ini:2: [hall] hours: spans must be in order and must not overlap" },
        { "[hall]\nhours = 01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00\n",
          "hall.ini:2: [hall] hours: too many spans (at most 4)" },
        { "[hall]\nhours = 24:30-25:00\n", "hall.ini:2: [hall] hours: expected" },
        { "[hall]\nhours =\n", "hall.ini:2: [hall] hours: expected" },
        { "[hall]\ndays = mon,funday\n", "hall.ini:2: [hall] days: expected days" },
        { "[hall]\ndays = mon,mon\n", "hall.ini:2: [hall] days: a day is listed twice" },
        { "[hall]\ndays = fri-mon\n", "hall.ini:2: [hall] days: a day range must run forward" },
        { "[hall]\ndays =\n", "hall.ini:2: [hall] days: expected days" },
        { "[hall]\nregion_code = 33010\n",
          "hall.ini:2: [hall] region_code: expected a 9-digit 行政区划代码 (or nothing), got \"33010\"" },
        { "[hall]\nregion_code = 3301000001\n",
          "hall.ini:2: [hall] region_code: expected a 9-digit 行政区划代码 (or nothing), got \"3301000001\"" },
        { "[hall]\nregion_code = 33010000X\n",
          "hall.ini:2: [hall] region_code: expected a 9-digit 行政区划代码 (or nothing), got \"33010000X\"" },
        { "[hall]\nregion_code = ３３０１００００１\n",
          "hall.ini:2: [hall] region_code: expected a 9-digit 行政区划代码 (or nothing)" },
        { "[hall]\nsupervision_phone = 0571-8888+1\n",
          "hall.ini:2: [hall] supervision_phone: expected a telephone number (digits, '-' and spaces), got \"0571-8888+1\"" },
        { "[hall]\nsupervision_phone = 热线12345\n",
          "hall.ini:2: [hall] supervision_phone: expected a telephone number" },
        { "[hall]\nsupervision_phone = 0571-1234-5678-9012-3456-7890-123\n",
          "hall.ini:2: [hall] supervision_phone: too long (at most 31 bytes)" },
        { "[queue C]\nname = 丙\nprefix = c1\n[window 1]\nqueues = C\n",
          "hall.ini:3: [queue C] prefix: expected 1-7 letters A-Z, got \"c1\"" },
        { "[queue C]\nname = 丙\nclass = D\n", "hall.ini:3: [queue C] class: expected A, B or C, got \"D\"" },
        { "[queue C]\nname = 丙\ndaily_quota = 10000\n",
          "hall.ini:3: [queue C] daily_quota: expected 0-9999, got \"10000\"" },
        { "[window 1]\nqueues = A,,B\n", "hall.ini:2: [window 1] queues: expected queue codes" },
        { "[window 1]\nqueues = A, A\n", "hall.ini:2: [window 1] queues: a queue is listed twice" },
        { "[window 1]\nqueues = C\noverflow_minutes = 481\n",
          "hall.ini:3: [window 1] overflow_minutes: expected 0-480, got \"481\"" },
        { "[printer]\nwidth = 76\n", "hall.ini:2: [printer] width: expected 58 or 80 (mm), got \"76\"" },
        { "[printer]\nkind = ipp\n", "hall.ini:2: [printer] kind: expected escpos or pdf, got \"ipp\"" },
        { "[printer]\nqr =\n", "hall.ini:2: [printer] qr: must not be empty" },
        { "[printer]\ncut = yes\n", "hall.ini:2: unknown key \"cut\" in [printer]" },
        { "[printer]\n[printer]\n", "hall.ini:2: duplicate section [printer] (first on line 1)" },
        { "[web]\n[web]\n", "hall.ini:2: duplicate section [web] (first on line 1)" },
        { "[web]\nbase_url = ftp://x\n",
          "hall.ini:2: [web] base_url: expected an address starting http:// or https:// (or nothing), got \"ftp://x\"" },
        { "[web]\nbase_url = http://x/\n",
          "hall.ini:2: [web] base_url: no '/' at the end (the page adds /t/...), got \"http://x/\"" },
        { "[web]\nlisten = 1.2.3:80\n",
          "hall.ini:2: [web] listen: expected an IPv4 address (a.b.c.d) or [IPv6], got \"1.2.3:80\"" },
        { "[web]\nlisten = 0.0.0.0:0\n",
          "hall.ini:2: [web] listen: expected a port 1-65535 after the ':', got \"0.0.0.0:0\"" },
        { "[kiosk]\nidle_seconds = 5\n", "hall.ini:2: [kiosk] idle_seconds: expected 30-3600, got \"5\"" },
        { "[privacy]\nkeep_days = 0\n", "hall.ini:2: [privacy] keep_days: expected 1-36500, got \"0\"" },
        { "[privacy]\nkeep_days = a year\n",
          "hall.ini:2: [privacy] keep_days: expected 1-36500, got \"a year\"" },
        { "[privacy]\nkeep_days = 30\n[privacy]\n",
          "hall.ini:3: duplicate section [privacy] (first on line 1)" },
        { "[kiosk]\ncountdown_seconds = 0\n",
          "hall.ini:2: [kiosk] countdown_seconds: expected 10-300, got \"0\"" },
        { "[display]\nannounce_repeat = 0\n",
          "hall.ini:2: [display] announce_repeat: expected 1-5, got \"0\"" },
        { "[display]\nvolume = 101\n", "hall.ini:2: [display] volume: expected 0-100, got \"101\"" },
        { "[display]\nquiet_hours = 12:00\n",
          "hall.ini:2: [display] quiet_hours: expected \"HH:MM-HH:MM\" spans, comma separated, got \"12:00\"" },
        { "[display]\nquiet_hours = 14:00-12:00\n",
          "hall.ini:2: [display] quiet_hours: a span must close after it opens, got \"14:00-12:00\"" },
        { "[display]\nchime = no\n", "hall.ini:2: unknown key \"chime\" in [display]" },
        { "[display]\n[display]\n", "hall.ini:2: duplicate section [display] (first on line 1)" },
        { "[kiosk]\nspeak = maybe\n", "hall.ini:2: [kiosk] speak: expected yes or no, got \"maybe\"" },
        { "[kiosk]\nspeak = YES\n", "hall.ini:2: [kiosk] speak: expected yes or no, got \"YES\"" },
        { "[kiosk]\nspeak =\n", "hall.ini:2: [kiosk] speak: expected yes or no, got \"\"" },
        { "[quota]\nXK001 = 0\n", "hall.ini:2: [quota] XK001: expected 1-9999, got \"0\"" },
        { "[quota]\nXK001 = 10000\n", "hall.ini:2: [quota] XK001: expected 1-9999, got \"10000\"" },
        { "[quota]\nXK001 = -3\n", "hall.ini:2: [quota] XK001: expected 1-9999, got \"-3\"" },
        { "[quota]\nXK001 = 十\n", "hall.ini:2: [quota] XK001: expected 1-9999, got \"十\"" },
        { "[quota]\nXK001 =\n", "hall.ini:2: [quota] XK001: expected 1-9999, got \"\"" },
        { "[quota]\nXK.001 = 5\n",
          "hall.ini:2: [quota] \"XK.001\": an item code is 1-23 of A-Z a-z 0-9 _ -" },
        { "[quota]\n社保卡 = 5\n", "hall.ini:2: [quota] \"社保卡\": an item code is 1-23" },
        { "[quota]\nXK 001 = 5\n", "hall.ini:2: [quota] \"XK 001\": an item code is 1-23" },
        { "[quota]\nABCDEFGHIJKLMNOPQRSTUVWX = 5\n",
          "hall.ini:2: [quota] \"ABCDEFGHIJKLMNOPQRSTUVWX\": an item code is 1-23" },
        { "[quota]\nXK001 = 5\n\nXK001 = 6\n",
          "hall.ini:4: duplicate item \"XK001\" in [quota] (first on line 2)" },
        { "[quota]\n[quota]\n", "hall.ini:2: duplicate section [quota] (first on line 1)" },
        /* cross-checks, pointing at the line that causes them */
        { "[hall]\ntimezone = Mars/Olympus\n",
          "hall.ini:2: [hall] timezone: unknown time zone \"Mars/Olympus\"" },
        { "[hall]\ntimezone = GMT+08:00\n", "hall.ini:2: [hall] timezone: expected a time zone" },
        { "[hall]\ntimezone = GMT+0800\n", "hall.ini:2: [hall] timezone: unknown time zone" },
        { "[window 1]\nqueues = A, D\n", "hall.ini:2: [window 1] queues: no queue \"D\" is defined" },
        { "[queue A]\nname = 甲\n[queue GR]\nname = 绿\nclass = B\nprefix = A\n[window 1]\nqueues = A, GR\n",
          "hall.ini:6: [queue GR] prefix: \"A\" is already the prefix of queue A" },
        { "[queue A]\nname = 甲\n[window 1]\nqueues = A\n", "hall.ini: no class C queue" },
        { "[queue C]\nname = 丙\n[queue B]\nname = 乙\n[window 1]\nqueues = C\n",
          "hall.ini:3: queue B is called by no window" },
    };
    struct qh_hall_conf c;
    char err[2048];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int rc = parse(&c, rows[i].in, err, sizeof err);
        if (rc != QH_E_PARSE)
            fail_msg("row %zu: rc %d, want QH_E_PARSE", i, rc);
        if (strncmp(err, rows[i].want, strlen(rows[i].want)) != 0)
            fail_msg("row %zu: got \"%s\", want \"%s...\"", i, err, rows[i].want);
    }
}

/* A hall opening at 8:00 gets the whole list at once.  (A missing key is
 * reported when its section ends, so it can follow the section's other
 * errors.) */
static void test_all_errors(void **state)
{
    static const char in[] =
        "[hall]\n"
        "recall_limit = x\n"          /* 2 */
        "colour = red\n"              /* 3 */
        "[foo]\n"                     /* 4 */
        "bar = 1\n"                   /* 5: ignored, its section was refused */
        "[queue C]\n"                 /* 6: no name */
        "[window 1]\n"
        "queues = C\n"
        "queues = C\n";               /* 9 */
    struct qh_hall_conf c;
    char err[2048];

    (void)state;
    assert_int_equal(parse(&c, in, err, sizeof err), QH_E_PARSE);
    assert_string_equal(err,
        "hall.ini:2: [hall] recall_limit: expected 1-9, got \"x\"\n"
        "hall.ini:3: unknown key \"colour\" in [hall]\n"
        "hall.ini:4: unknown section [foo]\n"
        "hall.ini:6: [queue C] missing required key \"name\"\n"
        "hall.ini:9: duplicate key \"queues\" in [window 1] (first on line 8)");
}

/* A line the reader refuses does not hide the checks across the file: the
 * window on line 15 calling a queue nobody defines is reported with the
 * syntax errors above it, in file order; the refused lines do not come
 * back as their own consequences. */
static void test_all_errors_and_checks(void **state)
{
    static const char in[] =
        "[hall]\n"
        "name = 混合大厅\n"
        "recall_limit = lots\n"       /* 3 */
        "[queue A]\n"
        "name = 甲\n"
        "this is not a key\n"         /* 6 */
        "[queue B]\n"
        "name = 乙\n"
        "prefix = b1\n"               /* 9: refused, not reported twice */
        "[queue C]\n"
        "name = 丙\n"
        "[window 1]\n"
        "queues = A, B, C\n"
        "[window 2]\n"
        "queues = Q\n";               /* 15 */
    struct qh_hall_conf c;
    char err[2048];

    (void)state;
    assert_int_equal(parse(&c, in, err, sizeof err), QH_E_PARSE);
    assert_string_equal(err,
        "hall.ini:3: [hall] recall_limit: expected 1-9, got \"lots\"\n"
        "hall.ini:6: expected \"key = value\" or \"[section]\"\n"
        "hall.ini:9: [queue B] prefix: expected 1-7 letters A-Z, got \"b1\"\n"
        "hall.ini:15: [window 2] queues: no queue \"Q\" is defined");
}

/* [printer] and [kiosk]: defaults when absent, values when given. */
static void test_printer_kiosk(void **state)
{
    struct qh_hall_conf c;
    char err[2048];

    (void)state;
    assert_int_equal(parse(&c, "[hall]\nname = 甲\n", err, sizeof err), 0);
    assert_string_equal(c.printer.name, "");
    assert_int_equal(c.printer.width, 80);
    assert_string_equal(c.printer.kind, "escpos");
    assert_string_equal(c.printer.qr, "{url}");
    assert_int_equal(c.kiosk.idle_seconds, 90);
    assert_int_equal(c.privacy.keep_days, 365);
    assert_int_equal(parse(&c, "[privacy]\nkeep_days = 30\n", err, sizeof err), 0);
    assert_int_equal(c.privacy.keep_days, 30);
    round_trip(&c);
    if (parse(&c, "[printer]\nname = hall-slips\nwidth = 58\nkind = pdf\n"
                  "qr = https://q.example/{day}/{number}\n"
                  "[kiosk]\nidle_seconds = 120\ncountdown_seconds = 20\n",
              err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(c.printer.name, "hall-slips");
    assert_int_equal(c.printer.width, 58);
    assert_string_equal(c.printer.kind, "pdf");
    assert_string_equal(c.printer.qr, "https://q.example/{day}/{number}");
    assert_int_equal(c.kiosk.idle_seconds, 120);
    assert_int_equal(c.kiosk.countdown_seconds, 20);
    assert_int_equal(c.kiosk.speak, 0);
    round_trip(&c);
    assert_int_equal(parse(&c, "[kiosk]\nspeak = yes\n", err, sizeof err), 0);
    assert_int_equal(c.kiosk.speak, 1);
    round_trip(&c);
    assert_int_equal(parse(&c, "[kiosk]\nspeak = no\n", err, sizeof err), 0);
    assert_int_equal(c.kiosk.speak, 0);
}

/* [quota]: item codes with their daily quota, in file order; none by
 * default; every bad line reported; the writer gives them back. */
static void test_quota(void **state)
{
    struct qh_hall_conf c;
    char err[2048], text[4096];
    size_t n = 0;

    (void)state;
    assert_int_equal(parse(&c, "[hall]\nname = 甲\n", err, sizeof err), 0);
    assert_int_equal(c.nquotas, 0);
    assert_int_equal(qh_conf_item_quota(&c, "XK001"), 0);
    if (parse(&c, "[quota]\nXK001 = 30\nsb_k-2 = 1\n  GG003: 9999\n"
                  "Z = 7\nABCDEFGHIJKLMNOPQRSTUVW = 2\n", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(c.nquotas, 5);
    assert_string_equal(c.quotas[0].code, "XK001");
    assert_int_equal(c.quotas[0].quota, 30);
    assert_string_equal(c.quotas[1].code, "sb_k-2");
    assert_int_equal(c.quotas[2].quota, 9999);
    assert_int_equal(qh_conf_item_quota(&c, "GG003"), 9999);
    assert_int_equal(qh_conf_item_quota(&c, "Z"), 7);
    assert_int_equal(qh_conf_item_quota(&c, "ABCDEFGHIJKLMNOPQRSTUVW"), 2);
    assert_int_equal(qh_conf_item_quota(&c, "xk001"), 0);     /* codes are exact */
    assert_int_equal(qh_conf_item_quota(&c, ""), 0);
    assert_int_equal(qh_conf_item_quota(&c, NULL), 0);
    assert_int_equal(c.nqueues, 3);                         /* defaults kept */
    round_trip(&c);
    /* An empty section is no quota at all. */
    assert_int_equal(parse(&c, "[quota]\n", err, sizeof err), 0);
    assert_int_equal(c.nquotas, 0);
    round_trip(&c);

    /* 64 items fit, the 65th is refused. */
    n = (size_t)snprintf(text, sizeof text, "[quota]\n");
    for (int i = 1; i <= QH_MAX_QUOTAS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "Q%03d = %d\n", i, i);
    if (parse(&c, text, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(c.nquotas, QH_MAX_QUOTAS);
    assert_int_equal(qh_conf_item_quota(&c, "Q064"), 64);
    round_trip(&c);
    snprintf(text + n, sizeof text - n, "Q065 = 65\n");
    assert_int_equal(parse(&c, text, err, sizeof err), QH_E_PARSE);
    assert_string_equal(err, "hall.ini:66: [quota] too many items (at most 64)");

    /* Every bad line, at once. */
    assert_int_equal(parse(&c, "[quota]\nA1 = 0\nA 2 = 3\nA3 = 4\nA3 = 5\n",
                           err, sizeof err), QH_E_PARSE);
    assert_string_equal(err,
        "hall.ini:2: [quota] A1: expected 1-9999, got \"0\"\n"
        "hall.ini:3: [quota] \"A 2\": an item code is 1-23 of A-Z a-z 0-9 _ -\n"
        "hall.ini:5: duplicate item \"A3\" in [quota] (first on line 4)");

    /* A struct built in code gets the same checks, and a code that could
     * not be read back is not written. */
    qh_conf_defaults(&c);
    c.nquotas = 3;
    snprintf(c.quotas[0].code, sizeof c.quotas[0].code, "XK001");
    c.quotas[0].quota = 10000;
    snprintf(c.quotas[1].code, sizeof c.quotas[1].code, "XK 2");
    c.quotas[1].quota = 1;
    snprintf(c.quotas[2].code, sizeof c.quotas[2].code, "XK001");
    c.quotas[2].quota = 1;
    assert_int_equal(qh_conf_validate(&c, "db", err, sizeof err), QH_E_PARSE);
    assert_string_equal(err,
        "db: [quota] XK001: expected 1-9999, got 10000\n"
        "db: [quota] item 2: bad code \"XK 2\"\n"
        "db: [quota] item XK001 is listed twice");
    {
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        assert_non_null(f);
        assert_int_equal(qh_conf_write(&c, f), QH_E_PARSE);
        fclose(f);
        free(out);
    }
}

/* [display]: defaults when absent, values (quiet hours too) when given,
 * and the same through the database. */
/* A file that names another hall and lays out its windows gets no word
 * of L town's: its name stands in English too, and the notice sends 办不成
 * 事 to the window of class C, or to none. */
static void test_hall_words(void **state)
{
    (void)state;
    struct qh_hall_conf c;
    char err[512];
    assert_int_equal(qh_conf_parse_string(&c, "t.ini", "", err, sizeof err), 0);
    assert_non_null(strstr(c.notice, "5号窗口"));
    assert_string_equal(c.name_en, "L Town Government Service Centre");
    const char *other = "[hall]\nname = 某镇便民服务中心\n"
                        "[window 1]\nqueues = A\n[window 2]\nqueues = B\n"
                        "[window 3]\nqueues = C, A, B\n";
    assert_int_equal(qh_conf_parse_string(&c, "t.ini", other, err, sizeof err), 0);
    assert_string_equal(c.name_en, "某镇便民服务中心");
    assert_string_equal(c.notice, "请提前准备好身份证件和申请材料；办不成事请到3号窗口反映。");
    assert_non_null(strstr(c.notice_en, "Tell window 3."));
    const char *no_c = "[window 1]\nqueues = A, C\n[window 2]\nqueues = B, C\n";
    assert_int_equal(qh_conf_parse_string(&c, "t.ini", no_c, err, sizeof err), 0);
    assert_null(strstr(c.notice, "办不成事"));
    assert_null(strstr(c.notice_en, "window"));
    const char *own = "[hall]\nnotice = 请带好户口簿。\n";
    assert_int_equal(qh_conf_parse_string(&c, "t.ini", own, err, sizeof err), 0);
    assert_string_equal(c.notice, "请带好户口簿。");
    assert_string_equal(c.notice_en, "请带好户口簿。");
}

static void test_display(void **state)
{
    struct qh_hall_conf c;
    char err[2048];

    (void)state;
    assert_int_equal(parse(&c, "[hall]\nname = 甲\n", err, sizeof err), 0);
    assert_int_equal(c.display.announce_repeat, 2);
    assert_int_equal(c.display.volume, 80);
    assert_int_equal(c.display.nquiet, 0);
    if (parse(&c, "[display]\nannounce_repeat = 3\nvolume = 0\n"
                  "quiet_hours = 12:00-14:00, 17:30-18:00\n", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(c.display.announce_repeat, 3);
    assert_int_equal(c.display.volume, 0);
    assert_int_equal(c.display.nquiet, 2);
    assert_int_equal(c.display.quiet[0].open_min, 12 * 60);
    assert_int_equal(c.display.quiet[1].close_min, 18 * 60);
    round_trip(&c);
    assert_int_equal(parse(&c, "[display]\nquiet_hours =\n", err, sizeof err), 0);
    assert_int_equal(c.display.nquiet, 0);
    round_trip(&c);
    c.display.volume = 130;
    assert_int_equal(qh_conf_validate(&c, "db", err, sizeof err), QH_E_PARSE);
    assert_string_equal(err, "db: [display] volume: expected 0-100, got 130");
}

/* [rating]: the pad's timeout, the late and default ratings, and the
 * 差评 reasons with their English labels. */
static void test_rating(void **state)
{
    struct qh_hall_conf c;
    char err[2048];

    (void)state;
    assert_int_equal(parse(&c, "[hall]\nname = 甲\n", err, sizeof err), 0);
    assert_int_equal(c.rating.timeout_seconds, 60);
    assert_int_equal(c.rating.late_days, 7);
    assert_int_equal(c.rating.default_after_days, 0);
    assert_int_equal(c.rating.default_score, 3);
    assert_int_equal(c.rating.nreasons, 7);
    assert_string_equal(c.rating.reasons[0], "态度不好");
    assert_string_equal(c.rating.reasons[6], "其他");
    assert_string_equal(c.rating.reasons_en[1], "waited too long");
    if (parse(&c, "[rating]\ntimeout_seconds = 90\nlate_days = 0\n"
                  "default_after_days = 7\ndefault_score = 4\n"
                  "reasons = 态度不好 , 没有办成,其他\n"
                  "reasons_en = rude, not done, other\n", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(c.rating.timeout_seconds, 90);
    assert_int_equal(c.rating.late_days, 0);
    assert_int_equal(c.rating.default_after_days, 7);
    assert_int_equal(c.rating.default_score, 4);
    assert_int_equal(c.rating.nreasons, 3);
    assert_string_equal(c.rating.reasons[0], "态度不好");
    assert_string_equal(c.rating.reasons[1], "没有办成");
    assert_string_equal(c.rating.reasons_en[2], "other");
    round_trip(&c);
    /* The hall's own list, no English: English shows the Chinese, not the
     * default labels of other reasons; either order of the keys. */
    assert_int_equal(parse(&c, "[rating]\nreasons = 材料丢失, 态度不好\n", err, sizeof err), 0);
    assert_int_equal(c.rating.nreasons, 2);
    assert_string_equal(c.rating.reasons_en[0], "");
    round_trip(&c);
    assert_int_equal(parse(&c, "[rating]\nreasons_en = lost, rude\nreasons = 材料丢失, 态度不好\n",
                           err, sizeof err), 0);
    assert_string_equal(c.rating.reasons_en[1], "rude");

    static const struct { const char *text, *want; } bad[] = {
        {"[rating]\ntimeout_seconds = 9\n",
         "t.ini:2: [rating] timeout_seconds: expected 10-600, got \"9\""},
        {"[rating]\ntimeout_seconds = 601\n",
         "t.ini:2: [rating] timeout_seconds: expected 10-600, got \"601\""},
        {"[rating]\nlate_days = -1\n",
         "t.ini:2: [rating] late_days: expected 0-30, got \"-1\""},
        {"[rating]\nlate_days = 31\n",
         "t.ini:2: [rating] late_days: expected 0-30, got \"31\""},
        {"[rating]\ndefault_after_days = 31\n",
         "t.ini:2: [rating] default_after_days: expected 0-30, got \"31\""},
        {"[rating]\ndefault_score = 0\n",
         "t.ini:2: [rating] default_score: expected 1-5, got \"0\""},
        {"[rating]\ndefault_score = 6\n",
         "t.ini:2: [rating] default_score: expected 1-5, got \"6\""},
        {"[rating]\nreasons =\n",
         "t.ini:2: [rating] reasons: must not be empty, got \"\""},
        {"[rating]\nreasons = a,,b\n",
         "t.ini:2: [rating] reasons: expected labels, comma separated (an empty one here), got \"a,,b\""},
        {"[rating]\nreasons = a, b, a\n",
         "t.ini:2: [rating] reasons: a label is listed twice, got \"a, b, a\""},
        {"[rating]\nreasons = 1,2,3,4,5,6,7,8,9,10,11,12,13\n",
         "t.ini:2: [rating] reasons: too many labels (at most 12), got \"1,2,3,4,5,6,7,8,9,10,11,12,13\""},
        {"[rating]\nreasons = a, b\nreasons_en = x\n",
         "t.ini:3: [rating] reasons_en: expected 2 labels (one per reason), got 1"},
        {"[rating]\nwhatever = 1\n",
         "t.ini:2: unknown key \"whatever\" in [rating]"},
        {"[rating]\n[rating]\n",
         "t.ini:2: duplicate section [rating] (first on line 1)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(qh_conf_parse_string(&c, "t.ini", bad[i].text, err, sizeof err),
                         QH_E_PARSE);
        if (strcmp(err, bad[i].want))
            fail_msg("%s\n got: %s\nwant: %s", bad[i].text, err, bad[i].want);
    }
    char long_label[80];
    memset(long_label, 'x', 64);
    long_label[64] = '\0';
    char text[160];
    snprintf(text, sizeof text, "[rating]\nreasons = %s\n", long_label);
    assert_int_equal(qh_conf_parse_string(&c, "t.ini", text, err, sizeof err), QH_E_PARSE);
    assert_non_null(strstr(err, "a label is at most 63 bytes"));
    /* A struct built in code is checked too. */
    qh_conf_defaults(&c);
    c.rating.default_score = 9;
    assert_int_equal(qh_conf_validate(&c, "db", err, sizeof err), QH_E_PARSE);
    assert_string_equal(err, "db: [rating] default_score: expected 1-5, got 9");
    qh_conf_defaults(&c);
    c.rating.nreasons = 0;
    assert_int_equal(qh_conf_validate(&c, "db", err, sizeof err), QH_E_PARSE);
    assert_string_equal(err, "db: [rating] reasons: expected 1-12, got 0");
}

static void test_long_lines(void **state)
{
    struct qh_hall_conf c;
    char err[2048];
    size_t n;
    char *text = malloc(8192);

    (void)state;
    assert_non_null(text);
    /* 512 bytes do not fit notice[512]. */
    n = (size_t)snprintf(text, 8192, "[hall]\nnotice = ");
    memset(text + n, 'x', 512);
    snprintf(text + n + 512, 8192 - n - 512, "\nrecall_limit = 0\n");
    assert_int_equal(parse(&c, text, err, sizeof err), QH_E_PARSE);
    assert_string_equal(err,
        "hall.ini:2: [hall] notice: too long (at most 511 bytes)\n"
        "hall.ini:3: [hall] recall_limit: expected 1-9, got \"0\"");

    /* A line longer than the reader takes is one error, and the line
     * count after it is still right. */
    n = (size_t)snprintf(text, 8192, "[hall]\nnotice = ");
    memset(text + n, 'x', 5000);
    snprintf(text + n + 5000, 8192 - n - 5000, "\nrecall_limit = 0\n");
    assert_int_equal(parse(&c, text, err, sizeof err), QH_E_PARSE);
    assert_string_equal(err,
        "hall.ini:2: line too long (at most 4093 bytes)\n"
        "hall.ini:3: [hall] recall_limit: expected 1-9, got \"0\"");
    free(text);
}

static void test_parse_file(void **state)
{
    struct qh_hall_conf c;
    char err[QH_ERRLEN];

    (void)state;
    assert_int_equal(qh_conf_parse_file(&c, "/nonexistent/hall.ini", err, sizeof err), QH_E_IO);
    assert_string_equal(err, "/nonexistent/hall.ini: No such file or directory");
}

/* Structs built in code get the same cross-checks, without line numbers. */
static void test_validate(void **state)
{
    struct qh_hall_conf c;
    char err[2048];

    (void)state;
    qh_conf_defaults(&c);
    snprintf(c.timezone, sizeof c.timezone, "Nowhere/Town");
    assert_int_equal(qh_conf_validate(&c, "db", err, sizeof err), QH_E_PARSE);
    assert_string_equal(err, "db: [hall] timezone: unknown time zone \"Nowhere/Town\"");

    qh_conf_defaults(&c);
    snprintf(c.queues[1].prefix, sizeof c.queues[1].prefix, "A");
    c.queues[2].klass = 'A';
    snprintf(c.windows[0].queues[0], sizeof c.windows[0].queues[0], "Z");
    assert_int_equal(qh_conf_validate(&c, "db", err, sizeof err), QH_E_PARSE);
    assert_string_equal(err,
        "db: [queue B] prefix: \"A\" is already the prefix of queue A\n"
        "db: no class C queue: tickets that could not be handled (办不成) "
        "need a comprehensive-services queue\n"
        "db: [window 1] queues: no queue \"Z\" is defined");

    qh_conf_defaults(&c);
    c.nqueues = 0;
    assert_int_equal(qh_conf_validate(&c, "db", err, sizeof err), QH_E_PARSE);
    assert_string_equal(err, "db: no queues: define at least one [queue X] section");

    qh_conf_defaults(&c);
    c.nwindows = 0;
    assert_int_equal(qh_conf_validate(&c, "db", err, sizeof err), QH_E_PARSE);
    assert_string_equal(err, "db: no windows: define at least one [window N] section");

    qh_conf_defaults(&c);
    c.recall_limit = 0;
    c.days = 0;
    assert_int_equal(qh_conf_validate(&c, NULL, NULL, 0), QH_E_PARSE);
}

static void test_write_refuses_unwritable(void **state)
{
    struct qh_hall_conf c;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    (void)state;
    qh_conf_defaults(&c);
    snprintf(c.notice, sizeof c.notice, "两行\n文字");
    assert_int_equal(qh_conf_write(&c, f), QH_E_PARSE);
    fclose(f);
    free(text);
}

static void test_is_open(void **state)
{
    static const struct { int wday, minute, open; } rows[] = {
        { 1, 8 * 60 + 30, 1 },      /* Monday, opening minute */
        { 1, 8 * 60 + 29, 0 },
        { 1, 11 * 60 + 59, 1 },
        { 1, 12 * 60, 0 },          /* closes at 12:00: [open, close) */
        { 3, 13 * 60 + 59, 0 },     /* lunch */
        { 3, 14 * 60, 1 },
        { 5, 17 * 60 + 29, 1 },
        { 5, 17 * 60 + 30, 0 },
        { 0, 9 * 60, 0 },           /* Sunday */
        { 6, 9 * 60, 0 },           /* Saturday */
        { 7, 9 * 60, 0 },           /* not a day */
        { -1, 9 * 60, 0 },
    };
    struct qh_hall_conf c;

    (void)state;
    qh_conf_defaults(&c);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (qh_conf_is_open(&c, rows[i].wday, rows[i].minute) != rows[i].open)
            fail_msg("row %zu: day %d minute %d", i, rows[i].wday, rows[i].minute);
}

/* The one table of plain settings: every key named once, and what _get
 * writes _set reads back into a hall that started from nothing, so the
 * store (which walks the same table) loses no setting. */
static void test_settings_table(void **state)
{
    (void)state;
    struct qh_hall_conf c, *z = calloc(1, sizeof *z);
    assert_non_null(z);
    qh_conf_defaults(&c);
    int n = qh_conf_setting_count();
    assert_true(n >= 30);
    for (int i = 0; i < n; i++) {
        const char *k = qh_conf_setting_key(i);
        assert_non_null(k);
        assert_non_null(strchr(k, '.'));
        for (int j = 0; j < i; j++)
            assert_string_not_equal(k, qh_conf_setting_key(j));
        char v[QH_CONF_SETTING_MAX];
        assert_int_equal(qh_conf_setting_get(&c, i, v, sizeof v), 0);
        assert_int_equal(qh_conf_setting_set(z, i, v), 0);
    }
    assert_null(qh_conf_setting_key(n));
    for (int i = 0; i < n; i++) {
        char a[QH_CONF_SETTING_MAX], b[QH_CONF_SETTING_MAX];
        qh_conf_setting_get(&c, i, a, sizeof a);
        qh_conf_setting_get(z, i, b, sizeof b);
        assert_string_equal(a, b);
    }
    /* The fields the table covers came back whole. */
    assert_string_equal(z->name, c.name);
    assert_string_equal(z->notice, c.notice);
    assert_int_equal(z->days, c.days);
    assert_int_equal(z->nspans, c.nspans);
    assert_memory_equal(z->spans, c.spans, sizeof c.spans[0] * (size_t)c.nspans);
    assert_int_equal(z->recall_limit, c.recall_limit);
    assert_int_equal(z->weight_followup, c.weight_followup);
    assert_int_equal(z->printer.width, c.printer.width);
    assert_string_equal(z->printer.qr, c.printer.qr);
    assert_int_equal(z->kiosk.speak, c.kiosk.speak);
    assert_int_equal(z->display.volume, c.display.volume);
    /* ... and the export's and the pad's hall fields, set and unset */
    snprintf(c.region_code, sizeof c.region_code, "330100000");
    snprintf(c.supervision_phone, sizeof c.supervision_phone, "0571-12345");
    int seen = 0;
    for (int i = 0; i < n; i++) {
        const char *k = qh_conf_setting_key(i);
        if (strcmp(k, "hall.region_code") && strcmp(k, "hall.supervision_phone"))
            continue;
        char v[QH_CONF_SETTING_MAX];
        qh_conf_setting_get(&c, i, v, sizeof v);
        qh_conf_setting_set(z, i, v);
        seen++;
    }
    assert_int_equal(seen, 2);
    assert_string_equal(z->region_code, "330100000");
    assert_string_equal(z->supervision_phone, "0571-12345");
    assert_int_equal(z->rating.timeout_seconds, c.rating.timeout_seconds);
    assert_int_equal(z->rating.default_score, c.rating.default_score);
    assert_int_equal(z->rating.nreasons, c.rating.nreasons);
    assert_memory_equal(z->rating.reasons, c.rating.reasons, sizeof c.rating.reasons);
    assert_memory_equal(z->rating.reasons_en, c.rating.reasons_en, sizeof c.rating.reasons_en);
    free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_empty_file_is_default),
        cmocka_unit_test(test_asset_equals_defaults),
        cmocka_unit_test(test_asset_find),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_good_files),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_all_errors),
        cmocka_unit_test(test_all_errors_and_checks),
        cmocka_unit_test(test_printer_kiosk),
        cmocka_unit_test(test_quota),
        cmocka_unit_test(test_display),
        cmocka_unit_test(test_hall_words),
        cmocka_unit_test(test_rating),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_parse_file),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_write_refuses_unwritable),
        cmocka_unit_test(test_is_open),
        cmocka_unit_test(test_settings_table),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
