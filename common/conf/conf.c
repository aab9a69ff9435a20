/* conf.c: the hall's configuration -- the built-in L-town default, the INI
 * reader and writer, and the cross-checks that keep a hall from opening
 * with a window that calls a queue nobody defined.
 *
 * Lines are split by libinih; everything inih does not know -- line
 * numbers, which section a key belongs to, empty sections, lines that are
 * too long -- is tracked by our own line reader (ini_parse_stream with
 * read_line below), which sees every physical line just before inih
 * processes it.  Every bad line is reported, then the file is refused: a
 * hall opening at 8:00 should get the whole list at once.
 *
 * Syntax, as configured here (Debian's libinih exposes its compile-time
 * options as globals; we set them for the duration of a parse):
 *  - `;` or `#` starts a comment only at the start of a line.  Inline
 *    comments are off, so `notice = 带好证件 ; 谢谢` keeps " ; 谢谢" in the
 *    value, and a full-width ；is never special.
 *  - no multi-line values: an indented line is a line of its own.
 *  - values and keys are trimmed of ASCII white space; `key: value` is
 *    accepted as inih does; lines up to LINE_MAX bytes. */
#include <arpa/inet.h>
#include <ini.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "qh/conf.h"
#include "qh/csv.h"
#include "qh/err.h"
#include "qh/text.h"

#define LINE_MAX_BYTES 4096

/* ---- the key tables: one row per key, shared by reader and writer ---- */

enum kind {
    K_STR,      /* UTF-8 text */
    K_TZ,       /* IANA zone name: ASCII; checked against ICU in validate */
    K_INT,      /* decimal in [min, max] */
    K_HOURS,    /* "HH:MM-HH:MM,..." */
    K_DAYS,     /* "mon,tue,..." */
    K_PREFIX,   /* 1-7 letters A-Z */
    K_CLASS,    /* A, B or C */
    K_QUEUES,   /* "C, A, B" */
    K_WIDTH,    /* paper width: 58 or 80 (mm) */
    K_PKIND,    /* printer kind: escpos or pdf */
    K_QUIET,    /* quiet hours: "HH:MM-HH:MM" spans, or empty for none */
    K_BOOL,     /* yes or no, into an int 1 or 0 */
    K_REGION,   /* 行政区划代码: exactly 9 digits, or empty for unset */
    K_PHONE,    /* a telephone number: digits, '-' and spaces, or empty */
    K_LABELS,   /* "态度不好, 等候时间太长": [rating] reasons, comma separated */
    K_URL,      /* http(s)://host[:port][/path], no trailing '/', or empty */
    K_LISTEN,   /* IPv4:PORT or [IPv6]:PORT */
};

struct key {
    const char *name;
    enum kind kind;
    size_t off, size;       /* field in its struct; size of a char array */
    int min, max;           /* K_INT range; K_STR: min 1 = must not be empty */
    int required;           /* must appear in its section */
    const char *store;      /* the store's key for it; NULL: not a plain
                             * setting (queues, windows: tables of their own) */
};

#define FIELD(T, f) offsetof(struct T, f), sizeof(((struct T *)0)->f)

static const struct key hall_keys[] = {
    { "name", K_STR, FIELD(qh_hall_conf, name), 1, 0, 0,
      "hall.name" },
    { "name_en", K_STR, FIELD(qh_hall_conf, name_en), 0, 0, 0,
      "hall.name_en" },
    { "timezone", K_TZ, FIELD(qh_hall_conf, timezone), 1, 0, 0,
      "hall.timezone" },
    { "hours", K_HOURS, 0, 0, 0, 0, 0,
      "hall.spans" },
    { "days", K_DAYS, 0, 0, 0, 0, 0,
      "hall.days" },
    { "recall_limit", K_INT, FIELD(qh_hall_conf, recall_limit), 1, 9, 0,
      "hall.recall_limit" },
    { "green_bonus_minutes", K_INT, FIELD(qh_hall_conf, green_bonus_minutes), 0, 240, 0,
      "hall.green_bonus_minutes" },
    { "target_wait_minutes", K_INT, FIELD(qh_hall_conf, target_wait_minutes), 1, 480, 0,
      "hall.target_wait_minutes" },
    { "default_handle_minutes", K_INT, FIELD(qh_hall_conf, default_handle_minutes), 1, 240, 0,
      "hall.default_handle_minutes" },
    { "checkin_early_minutes", K_INT, FIELD(qh_hall_conf, checkin_early_minutes), 0, 480, 0,
      "hall.checkin_early_minutes" },
    { "checkin_late_minutes", K_INT, FIELD(qh_hall_conf, checkin_late_minutes), 0, 480, 0,
      "hall.checkin_late_minutes" },
    { "followup_days", K_INT, FIELD(qh_hall_conf, followup_days), 1, 60, 0,
      "stats.followup_days" },
    { "holiday_file", K_STR, FIELD(qh_hall_conf, holiday_file), 0, 0, 0,
      "stats.holiday_file" },
    { "weight_attendance", K_INT, FIELD(qh_hall_conf, weight_attendance), 0, 100, 0,
      "stats.weight_attendance" },
    { "weight_cases", K_INT, FIELD(qh_hall_conf, weight_cases), 0, 100, 0,
      "stats.weight_cases" },
    { "weight_speed", K_INT, FIELD(qh_hall_conf, weight_speed), 0, 100, 0,
      "stats.weight_speed" },
    { "weight_rating", K_INT, FIELD(qh_hall_conf, weight_rating), 0, 100, 0,
      "stats.weight_rating" },
    { "weight_followup", K_INT, FIELD(qh_hall_conf, weight_followup), 0, 100, 0,
      "stats.weight_followup" },
    { "notice", K_STR, FIELD(qh_hall_conf, notice), 0, 0, 0,
      "hall.notice" },
    { "notice_en", K_STR, FIELD(qh_hall_conf, notice_en), 0, 0, 0,
      "hall.notice_en" },
    { "supervision_phone", K_PHONE, FIELD(qh_hall_conf, supervision_phone), 0, 0, 0,
      "hall.supervision_phone" },
    { "region_code", K_REGION, FIELD(qh_hall_conf, region_code), 0, 0, 0,
      "hall.region_code" },
};

enum { QK_NAME, QK_NAME_EN, QK_PREFIX, QK_CLASS, QK_QUOTA };
static const struct key queue_keys[] = {
    [QK_NAME] = { "name", K_STR, FIELD(qh_queue_conf, name), 1, 0, 1 },
    [QK_NAME_EN] = { "name_en", K_STR, FIELD(qh_queue_conf, name_en), 0, 0, 0 },
    [QK_PREFIX] = { "prefix", K_PREFIX, FIELD(qh_queue_conf, prefix), 0, 0, 0 },
    [QK_CLASS] = { "class", K_CLASS, FIELD(qh_queue_conf, klass), 0, 0, 0 },
    [QK_QUOTA] = { "daily_quota", K_INT, FIELD(qh_queue_conf, daily_quota), 0, 9999, 0 },
};

enum { WK_NAME, WK_NAME_EN, WK_QUEUES, WK_OVERFLOW };
static const struct key window_keys[] = {
    [WK_NAME] = { "name", K_STR, FIELD(qh_window_conf, name), 0, 0, 0 },
    [WK_NAME_EN] = { "name_en", K_STR, FIELD(qh_window_conf, name_en), 0, 0, 0 },
    [WK_QUEUES] = { "queues", K_QUEUES, 0, 0, 0, 0, 1 },
    [WK_OVERFLOW] = { "overflow_minutes", K_INT, FIELD(qh_window_conf, overflow_minutes), 0, 480, 0 },
};

static const struct key printer_keys[] = {
    { "name", K_STR, FIELD(qh_printer_conf, name), 0, 0, 0,
      "printer.name" },
    { "width", K_WIDTH, FIELD(qh_printer_conf, width), 0, 0, 0,
      "printer.width" },
    { "kind", K_PKIND, FIELD(qh_printer_conf, kind), 0, 0, 0,
      "printer.kind" },
    { "qr", K_STR, FIELD(qh_printer_conf, qr), 1, 0, 0,
      "printer.qr" },
};

/* No timer may rush anyone: a citizen reading a long material list gets
 * at least half a minute before a countdown even appears. */
static const struct key kiosk_keys[] = {
    { "idle_seconds", K_INT, FIELD(qh_kiosk_conf, idle_seconds), 30, 3600, 0,
      "kiosk.idle_seconds" },
    { "countdown_seconds", K_INT, FIELD(qh_kiosk_conf, countdown_seconds), 10, 300, 0,
      "kiosk.countdown_seconds" },
    { "speak", K_BOOL, FIELD(qh_kiosk_conf, speak), 0, 0, 0,
      "kiosk.speak" },
};

/* Two sayings by default: the first catches attention, the second is
 * understood (DOMAIN: 「请A001号到3号窗口办理」 repeated 2x). */
static const struct key display_keys[] = {
    { "announce_repeat", K_INT, FIELD(qh_display_conf, announce_repeat), 1, 5, 0,
      "display.announce_repeat" },
    { "volume", K_INT, FIELD(qh_display_conf, volume), 0, 100, 0,
      "display.volume" },
    { "quiet_hours", K_QUIET, 0, 0, 0, 0, 0,
      "display.quiet" },
};

/* The citizen's pad (rating.h).  A minute is long enough to reach for
 * a pad and short enough that the next citizen does not find the last
 * one's rating screen; 差评 reasons are the pad's list to tick, reasons_en
 * their English labels in the same order. */
enum { RK_TIMEOUT, RK_LATE, RK_DEFAULT_AFTER, RK_DEFAULT_SCORE, RK_REASONS,
       RK_REASONS_EN };
static const struct key rating_keys[] = {
    [RK_TIMEOUT] = { "timeout_seconds", K_INT, FIELD(qh_rating_conf, timeout_seconds),
                     10, 600, 0, "rating.timeout_seconds" },
    [RK_LATE] = { "late_days", K_INT, FIELD(qh_rating_conf, late_days), 0, 30, 0,
                  "rating.late_days" },
    [RK_DEFAULT_AFTER] = { "default_after_days", K_INT,
                           FIELD(qh_rating_conf, default_after_days), 0, 30, 0,
                           "rating.default_after_days" },
    [RK_DEFAULT_SCORE] = { "default_score", K_INT, FIELD(qh_rating_conf, default_score),
                           1, 5, 0, "rating.default_score" },
    [RK_REASONS] = { "reasons", K_LABELS, FIELD(qh_rating_conf, reasons), 1, 0, 0,
                     "rating.reasons" },
    [RK_REASONS_EN] = { "reasons_en", K_LABELS, FIELD(qh_rating_conf, reasons_en), 0, 0, 0,
                        "rating.reasons_en" },
};

/* The phone page (qhall serve).  A phone on the hall's Wi-Fi keeps one
 * connection open while it watches its number, so the limits are for
 * abuse, far above a hall's busiest hour. */
static const struct key web_keys[] = {
    { "base_url", K_URL, FIELD(qh_web_conf, base_url), 0, 0, 0, "web.base_url" },
    { "listen", K_LISTEN, FIELD(qh_web_conf, listen), 0, 0, 0, "web.listen" },
    { "max_connections", K_INT, FIELD(qh_web_conf, max_connections), 16, 60000, 0,
      "web.max_connections" },
    { "per_ip_connections", K_INT, FIELD(qh_web_conf, per_ip_connections), 0, 60000, 0,
      "web.per_ip_connections" },
    { "timeout_seconds", K_INT, FIELD(qh_web_conf, timeout_seconds), 5, 300, 0,
      "web.timeout_seconds" },
};

/* A year by default: long enough for a complaint about a visit to be
 * followed up with its notes, short enough that the hall does not keep
 * citizens' names for ever (the counts stay: qhall purge). */
static const struct key privacy_keys[] = {
    { "keep_days", K_INT, FIELD(qh_privacy_conf, keep_days), 1, 36500, 0,
      "privacy.keep_days" },
};

#define NKEYS(t) ((int)(sizeof t / sizeof t[0]))
#define NHALL NKEYS(hall_keys)
#define NQUEUE NKEYS(queue_keys)
#define NWINDOW NKEYS(window_keys)
#define NPRINTER NKEYS(printer_keys)
#define NKIOSK NKEYS(kiosk_keys)
#define NDISPLAY NKEYS(display_keys)
#define NRATING NKEYS(rating_keys)
#define NWEB NKEYS(web_keys)
#define NPRIVACY NKEYS(privacy_keys)

/* ---- the plain settings, as the store keeps them ---- */

/* The sections whose keys are plain settings of the hall, and where each
 * one's struct sits in qh_hall_conf: the same rows that parse the INI
 * name what the store saves and loads (qh_conf_setting_*). */
static const struct plain {
    const struct key *keys;
    int n;
    size_t base;
} plain[] = {
    { hall_keys, NHALL, 0 },
    { printer_keys, NPRINTER, offsetof(struct qh_hall_conf, printer) },
    { kiosk_keys, NKIOSK, offsetof(struct qh_hall_conf, kiosk) },
    { display_keys, NDISPLAY, offsetof(struct qh_hall_conf, display) },
    { rating_keys, NRATING, offsetof(struct qh_hall_conf, rating) },
    { web_keys, NWEB, offsetof(struct qh_hall_conf, web) },
    { privacy_keys, NPRIVACY, offsetof(struct qh_hall_conf, privacy) },
};

static const struct key *plain_key(int i, size_t *base)
{
    for (size_t p = 0; p < sizeof plain / sizeof plain[0]; p++) {
        if (i < plain[p].n) {
            *base = plain[p].base;
            return &plain[p].keys[i];
        }
        i -= plain[p].n;
    }
    return NULL;
}

int qh_conf_setting_count(void)
{
    int n = 0;
    for (size_t p = 0; p < sizeof plain / sizeof plain[0]; p++)
        n += plain[p].n;
    return n;
}

const char *qh_conf_setting_key(int i)
{
    size_t base;
    const struct key *k = plain_key(i, &base);
    return k ? k->store : NULL;
}

static const char *labels_parse(const char *s, char (*out)[64], int *n);

/* "a, b, c": the store's form of a list of labels, as the INI's.  An
 * English list left empty stays "". */
static void labels_format(const char (*l)[64], int n, char *out, size_t len)
{
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < n && i < QH_MAX_RATING_REASONS && at < len && l[i][0]; i++) {
        int w = snprintf(out + at, len - at, "%s%s", i ? ", " : "", l[i]);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

/* "a-b,c-d" in minutes: the store's form of opening and quiet hours. */
static void spans_format(const struct qh_span *sp, int n, char *out, size_t len)
{
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < n && i < QH_MAX_SPANS && at < len; i++) {
        int w = snprintf(out + at, len - at, "%s%d-%d", i ? "," : "",
                         sp[i].open_min, sp[i].close_min);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

static void spans_parse(const char *v, struct qh_span *sp, int *n)
{
    *n = 0;
    for (const char *p = v; *p && *n < QH_MAX_SPANS;) {
        int a, b, k = 0;
        if (sscanf(p, "%d-%d%n", &a, &b, &k) != 2)
            break;
        sp[*n].open_min = a;
        sp[(*n)++].close_min = b;
        p += k;
        if (*p == ',')
            p++;
    }
}

int qh_conf_setting_get(const struct qh_hall_conf *c, int i, char *out, size_t len)
{
    size_t base;
    const struct key *k = plain_key(i, &base);
    if (!k || !len)
        return QH_E_NOTFOUND;
    const char *f = (const char *)c + base + k->off;
    switch (k->kind) {
    case K_HOURS:
        spans_format(c->spans, c->nspans, out, len);
        break;
    case K_QUIET:
        spans_format(c->display.quiet, c->display.nquiet, out, len);
        break;
    case K_DAYS:
        snprintf(out, len, "%u", c->days);
        break;
    case K_BOOL:
        snprintf(out, len, "%s", *(const int *)(const void *)f ? "yes" : "no");
        break;
    case K_LABELS:
        labels_format((const char (*)[64])(const void *)f, c->rating.nreasons, out, len);
        break;
    case K_INT:
    case K_WIDTH:
        snprintf(out, len, "%d", *(const int *)(const void *)f);
        break;
    case K_STR:
    case K_TZ:
    case K_PKIND:
    case K_PREFIX:
    case K_CLASS:
    case K_QUEUES:
    case K_REGION:
    case K_PHONE:
    case K_URL:
    case K_LISTEN:
        snprintf(out, len, "%s", f);
        break;
    }
    return 0;
}

int qh_conf_setting_set(struct qh_hall_conf *c, int i, const char *v)
{
    size_t base;
    const struct key *k = plain_key(i, &base);
    if (!k)
        return QH_E_NOTFOUND;
    char *f = (char *)c + base + k->off;
    switch (k->kind) {
    case K_HOURS:
        spans_parse(v, c->spans, &c->nspans);
        break;
    case K_QUIET:
        spans_parse(v, c->display.quiet, &c->display.nquiet);
        break;
    case K_DAYS:
        c->days = (unsigned)atoi(v);
        break;
    case K_BOOL:
        *(int *)(void *)f = strcmp(v, "yes") == 0;
        break;
    case K_LABELS: {
        int n = 0;
        labels_parse(v, (char (*)[64])(void *)f, &n);
        if (k == &rating_keys[RK_REASONS])
            c->rating.nreasons = n;
        break;
    }
    case K_INT:
    case K_WIDTH:
        *(int *)(void *)f = atoi(v);
        break;
    case K_STR:
    case K_TZ:
    case K_PKIND:
    case K_PREFIX:
    case K_CLASS:
    case K_QUEUES:
    case K_REGION:
    case K_PHONE:
    case K_URL:
    case K_LISTEN:
        snprintf(f, k->size, "%s", v);
        break;
    }
    return 0;
}

/* Lines where things were defined, so cross-checks can point at them.
 * 0 = not from the file (a default, or a struct built in code). */
struct where {
    int hall;
    int hall_key[NHALL];
    int queue[QH_MAX_QUEUES];
    int queue_key[QH_MAX_QUEUES][NQUEUE];
    int window[QH_MAX_WINDOWS];
    int window_key[QH_MAX_WINDOWS][NWINDOW];
    int printer, printer_key[NPRINTER];
    int kiosk, kiosk_key[NKIOSK];
    int display, display_key[NDISPLAY];
    int rating, rating_key[NRATING];
    int web, web_key[NWEB];
    int privacy, privacy_key[NPRIVACY];
    int quota, quota_key[QH_MAX_QUOTAS];
};

/* ---- defaults ---- */

static void set_queue(struct qh_queue_conf *q, const char *code, const char *name,
                      const char *name_en, char klass)
{
    memset(q, 0, sizeof *q);
    snprintf(q->code, sizeof q->code, "%s", code);
    snprintf(q->name, sizeof q->name, "%s", name);
    snprintf(q->name_en, sizeof q->name_en, "%s", name_en);
    snprintf(q->prefix, sizeof q->prefix, "%s", code);
    q->klass = klass;
}

static void set_window(struct qh_window_conf *w, int number, const char *name,
                       const char *name_en, const char *const *queues, int nqueues)
{
    memset(w, 0, sizeof *w);
    w->number = number;
    snprintf(w->name, sizeof w->name, "%s", name);
    snprintf(w->name_en, sizeof w->name_en, "%s", name_en);
    w->nqueues = nqueues;
    for (int i = 0; i < nqueues; i++)
        snprintf(w->queues[i], sizeof w->queues[i], "%s", queues[i]);
}

void qh_conf_defaults(struct qh_hall_conf *c)
{
    static const char *const qa[] = { "A" }, *const qb[] = { "B" };
    /* Window 5 is the "+1": its own class first, then it helps A and B. */
    static const char *const qc[] = { "C", "A", "B" };

    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "L镇政务服务中心");
    snprintf(c->name_en, sizeof c->name_en, "L Town Government Service Centre");
    snprintf(c->timezone, sizeof c->timezone, "Asia/Shanghai");
    c->nspans = 2;
    c->spans[0] = (struct qh_span){ 8 * 60 + 30, 12 * 60 };
    c->spans[1] = (struct qh_span){ 14 * 60, 17 * 60 + 30 };
    c->days = 0x3E;             /* Monday to Friday */
    c->recall_limit = 3;
    c->green_bonus_minutes = 30;
    c->target_wait_minutes = 20;
    c->default_handle_minutes = 10;
    c->checkin_early_minutes = 60;
    c->checkin_late_minutes = 15;
    c->followup_days = 5;       /* 差评 整改 within 5 working days */
    c->weight_attendance = 20;
    c->weight_cases = 20;
    c->weight_speed = 20;
    c->weight_rating = 30;
    c->weight_followup = 10;
    /* Must match assets/hall.ini word for word (test_conf checks it). */
    snprintf(c->notice, sizeof c->notice,
             "请提前准备好身份证件和申请材料；办不成事请到5号窗口反映。");
    snprintf(c->notice_en, sizeof c->notice_en,
             "Please have your ID and documents ready. Could not get it done? Tell window 5.");

    c->nqueues = 3;
    set_queue(&c->queues[0], "A", "行政审批", "Administrative approvals", 'A');
    set_queue(&c->queues[1], "B", "公共服务", "Public services", 'B');
    set_queue(&c->queues[2], "C", "综合服务", "Comprehensive services", 'C');

    c->nwindows = 5;
    set_window(&c->windows[0], 1, "行政审批窗口", "Approvals", qa, 1);
    set_window(&c->windows[1], 2, "行政审批窗口", "Approvals", qa, 1);
    set_window(&c->windows[2], 3, "公共服务窗口", "Public services", qb, 1);
    set_window(&c->windows[3], 4, "公共服务窗口", "Public services", qb, 1);
    set_window(&c->windows[4], 5, "综合服务窗口（咨询导办·帮办代办·统一出件·办不成事反映）",
               "Comprehensive services", qc, 3);

    c->printer.width = 80;
    snprintf(c->printer.kind, sizeof c->printer.kind, "escpos");
    snprintf(c->printer.qr, sizeof c->printer.qr, "{url}");
    snprintf(c->web.listen, sizeof c->web.listen, "0.0.0.0:8080");
    c->web.max_connections = 4096;
    c->web.per_ip_connections = 64;
    c->web.timeout_seconds = 15;
    c->privacy.keep_days = 365;
    c->kiosk.idle_seconds = 90;
    c->kiosk.countdown_seconds = 30;
    c->display.announce_repeat = 2;
    c->display.volume = 80;
    c->rating.timeout_seconds = 60;
    c->rating.late_days = 7;
    c->rating.default_after_days = 0;
    c->rating.default_score = 3;
    static const char *const reasons[][2] = {
        {"态度不好", "unfriendly staff"},
        {"等候时间太长", "waited too long"},
        {"一次性告知不清楚", "not told everything at once"},
        {"要求重复提交材料", "asked to hand in papers again"},
        {"办事流程繁琐", "too many steps"},
        {"没有办成", "could not get it done"},
        {"其他", "other"},
    };
    c->rating.nreasons = (int)(sizeof reasons / sizeof reasons[0]);
    for (int i = 0; i < c->rating.nreasons; i++) {
        snprintf(c->rating.reasons[i], sizeof c->rating.reasons[i], "%s", reasons[i][0]);
        snprintf(c->rating.reasons_en[i], sizeof c->rating.reasons_en[i], "%s", reasons[i][1]);
    }
}

/* ---- small value parsers (no messages: callers say where) ---- */

/* A service item code as the catalogue has them ("XK001"); the setting
 * key quota.<CODE> is built from it, so nothing else gets in. */
static int is_item_code(const char *s, size_t n)
{
    if (n < 1 || n > QH_ITEM_CODE_LEN - 1)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

static int is_code(const char *s, size_t n)
{
    if (n < 1 || n > QH_CODE_LEN - 1)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return 1;
}

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
           ch == '\v' || ch == '\f';
}

/* Next comma-separated item of *s, trimmed, as (p, n); advances *s.
 * Returns 0 when the list is used up. */
static int next_item(const char **s, const char **p, size_t *n)
{
    const char *a = *s, *b;

    if (!a)
        return 0;
    b = strchr(a, ',');
    *s = b ? b + 1 : NULL;
    if (!b)
        b = a + strlen(a);
    while (a < b && is_blank(*a))
        a++;
    while (b > a && is_blank(b[-1]))
        b--;
    *p = a;
    *n = (size_t)(b - a);
    return 1;
}

static int parse_int(const char *s, int min, int max, int *out)
{
    long v = 0;
    size_t n = strlen(s);

    if (n == 0 || n > 9)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* "HH:MM" exactly; 24:00 is allowed (a span may close at midnight). */
static int parse_hhmm(const char *s, size_t n, int *out)
{
    int h, m;

    if (n != 5 || s[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return -1;
    h = (s[0] - '0') * 10 + (s[1] - '0');
    m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m))
        return -1;
    *out = h * 60 + m;
    return 0;
}

/* Returns NULL or why the text is wrong. */
/* [web] base_url: what a phone opens, so only what every QR reader and
 * browser takes as it is: http or https, a host, and no query, fragment,
 * space or quote to be mangled on the way. */
static const char *url_invalid(const char *v)
{
    const char *host;
    if (!*v)
        return NULL;
    if (!strncmp(v, "http://", 7))
        host = v + 7;
    else if (!strncmp(v, "https://", 8))
        host = v + 8;
    else
        return "expected an address starting http:// or https:// (or nothing)";
    if (!*host || *host == '/' || *host == ':')
        return "expected a host name after http(s)://";
    for (const char *p = host; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("\"'<>\\^`{|}?#", *p))
            return "a character that does not belong in an address";
    if (v[strlen(v) - 1] == '/')
        return "no '/' at the end (the page adds /t/...)";
    return NULL;
}

int qh_conf_url_check(const char *url, char *err, size_t errlen)
{
    const char *why = url_invalid(url ? url : "");
    if (!why && url && strlen(url) >= sizeof ((struct qh_web_conf *)0)->base_url)
        why = "too long";
    return why ? qh_err(err, errlen, QH_E_PARSE, "base_url %s: %s", url, why) : 0;
}

/* [web] listen: IPv4:PORT or [IPv6]:PORT, port 1-65535.  NULL and *out,
 * or why not. */
static const char *listen_parse(const char *v, struct qh_listen *out)
{
    const char *colon = strrchr(v, ':');
    memset(out, 0, sizeof *out);
    if (!colon || colon == v)
        return "expected ADDRESS:PORT (0.0.0.0:8080, 127.0.0.1:8080, [::]:8080)";
    const char *port = colon + 1;
    if (!*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
        atoi(port) < 1 || atoi(port) > 65535)
        return "expected a port 1-65535 after the ':'";
    out->port = atoi(port);
    char addr[64];
    size_t n = (size_t)(colon - v);
    if (n >= sizeof addr)
        return "the address is too long";
    if (v[0] == '[') {
        if (n < 3 || v[n - 1] != ']')
            return "expected an IPv6 address in brackets";
        memcpy(addr, v + 1, n - 2);
        addr[n - 2] = '\0';
        out->family = AF_INET6;
        return inet_pton(AF_INET6, addr, out->addr) == 1 ? NULL : "not an IPv6 address";
    }
    memcpy(addr, v, n);
    addr[n] = '\0';
    out->family = AF_INET;
    return inet_pton(AF_INET, addr, out->addr) == 1
               ? NULL : "expected an IPv4 address (a.b.c.d) or [IPv6]";
}

static const char *listen_invalid(const char *v)
{
    struct qh_listen l;
    return listen_parse(v, &l);
}

int qh_conf_listen_parse(const char *v, struct qh_listen *out, char *err, size_t errlen)
{
    const char *why = listen_parse(v ? v : "", out);
    return why ? qh_err(err, errlen, QH_E_USAGE, "listen %s: %s", v ? v : "", why) : 0;
}

static const char *parse_hours(const char *s, struct qh_span *spans, int *nspans)
{
    const char *p;
    size_t n;
    int k = 0;

    while (next_item(&s, &p, &n)) {
        const char *dash = memchr(p, '-', n);
        struct qh_span sp;

        if (k == QH_MAX_SPANS)
            return "too many spans (at most 4)";
        if (!dash || n == 0)
            return "expected \"HH:MM-HH:MM\" spans, comma separated";
        {
            const char *a = p, *b = dash + 1;
            size_t an = (size_t)(dash - p), bn = n - an - 1;
            while (an && is_blank(a[an - 1]))
                an--;
            while (bn && is_blank(*b)) {
                b++;
                bn--;
            }
            if (parse_hhmm(a, an, &sp.open_min) < 0 ||
                parse_hhmm(b, bn, &sp.close_min) < 0)
                return "expected \"HH:MM-HH:MM\" spans, comma separated";
        }
        if (sp.open_min >= sp.close_min)
            return "a span must close after it opens";
        if (k && sp.open_min < spans[k - 1].close_min)
            return "spans must be in order and must not overlap";
        spans[k++] = sp;
    }
    if (!k)
        return "expected \"HH:MM-HH:MM\" spans, comma separated";
    *nspans = k;
    return NULL;
}

static const char *const day_name[7] = {
    "sun", "mon", "tue", "wed", "thu", "fri", "sat",
};

static int day_of(const char *p, size_t n)
{
    for (int d = 0; d < 7; d++)
        if (n == 3 && strncasecmp(p, day_name[d], 3) == 0)
            return d;
    return -1;
}

/* "mon,tue,wed" or ranges "mon-fri", in Monday-first order (a week in
 * the hall starts on Monday, so "sat-sun" is the weekend). */
static const char *parse_days(const char *s, unsigned *out)
{
    const char *p;
    size_t n;
    unsigned days = 0;

    while (next_item(&s, &p, &n)) {
        const char *dash = memchr(p, '-', n);
        int a, b;

        if (dash) {
            a = day_of(p, (size_t)(dash - p));
            b = day_of(dash + 1, n - (size_t)(dash - p) - 1);
        } else {
            a = b = day_of(p, n);
        }
        if (a < 0 || b < 0)
            return "expected days mon,tue,wed,thu,fri,sat,sun, comma separated";
        /* Monday-first positions: mon 0 ... sun 6 */
        if ((a + 6) % 7 > (b + 6) % 7)
            return "a day range must run forward from Monday to Sunday";
        for (int i = (a + 6) % 7; i <= (b + 6) % 7; i++) {
            unsigned bit = 1u << ((i + 1) % 7);
            if (days & bit)
                return "a day is listed twice";
            days |= bit;
        }
    }
    if (!days)
        return "expected days mon,tue,wed,thu,fri,sat,sun, comma separated";
    *out = days;
    return NULL;
}

/* A list of labels (the pad's 差评 reasons): each non-empty, shorter
 * than 64 bytes, none twice, at most QH_MAX_RATING_REASONS.  "" is an
 * empty list. */
_Static_assert(QH_MAX_RATING_REASONS == 12, "labels_parse's message says 12");
static const char *labels_parse(const char *s, char (*out)[64], int *n)
{
    const char *p;
    size_t len;
    int k = 0;

    for (int i = 0; i < QH_MAX_RATING_REASONS; i++)
        out[i][0] = '\0';
    *n = 0;
    if (!*s)
        return NULL;
    while (next_item(&s, &p, &len)) {
        if (!len)
            return "expected labels, comma separated (an empty one here)";
        if (len >= 64)
            return "a label is at most 63 bytes";
        if (k == QH_MAX_RATING_REASONS)
            return "too many labels (at most 12)";
        for (int i = 0; i < k; i++)
            if (strlen(out[i]) == len && memcmp(out[i], p, len) == 0)
                return "a label is listed twice";
        memcpy(out[k], p, len);
        out[k][len] = '\0';
        k++;
    }
    *n = k;
    return NULL;
}

static const char *parse_queue_list(const char *s, struct qh_window_conf *w)
{
    const char *p;
    size_t n;
    int k = 0;

    while (next_item(&s, &p, &n)) {
        if (!is_code(p, n))
            return "expected queue codes (1-7 letters A-Z), comma separated";
        if (k == QH_MAX_QUEUES)
            return "too many queues";
        for (int i = 0; i < k; i++)
            if (strlen(w->queues[i]) == n && memcmp(w->queues[i], p, n) == 0)
                return "a queue is listed twice";
        memcpy(w->queues[k], p, n);
        w->queues[k][n] = '\0';
        k++;
    }
    if (!k)
        return "expected queue codes (1-7 letters A-Z), comma separated";
    w->nqueues = k;
    return NULL;
}

/* ---- the reader ---- */

enum sec { SEC_NONE, SEC_HALL, SEC_QUEUE, SEC_WINDOW, SEC_PRINTER, SEC_KIOSK,
           SEC_DISPLAY, SEC_RATING, SEC_WEB, SEC_PRIVACY, SEC_QUOTA, SEC_SKIP };

struct ctx {
    struct qh_hall_conf *c;
    const char *name;           /* file name for messages */
    const char *text;
    size_t pos;
    int line;                   /* physical line inih is working on */
    int at_line_start;
    int bad_line;               /* reported already: inih's calls ignored */
    int nerr;
    struct qh_errlist el;       /* written out sorted by line at the end */
    int checking;               /* in cross_check: see report() */
    int queue_refused;          /* a [queue ...] header was refused */
    int window_trouble;         /* a [window ...] header or line was refused */
    enum sec sec;
    int idx;                    /* current queue or window */
    char title[32];             /* "queue A", for messages */
    int queues_from_file, windows_from_file;
    struct where w;
};

static void report(struct ctx *x, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct ctx *x, int line, const char *fmt, ...)
{
    va_list ap;
    /* The checks across the file run after a line was refused too, so one
     * run reports every mistake; but a line that was refused already
     * would come back as its own consequence (its value never set). */
    if (x->checking && line > 0 && qh_errlist_has_line(&x->el, line))
        return;
    if (!x->checking && x->sec == SEC_WINDOW)
        x->window_trouble = 1;
    va_start(ap, fmt);
    x->nerr++;
    qh_errlist_vadd(&x->el, x->name, line, fmt, ap);
    va_end(ap);
}

/* A value echoed in a message: cut short, on a character boundary. */
static const char *shown(const char *v, char *buf, size_t buflen)
{
    qh_text_copy(buf, buflen, v);
    return buf;
}

static void check_required(struct ctx *x, const struct key *keys, int nkeys,
                           const int *lines, int section_line)
{
    for (int i = 0; i < nkeys; i++)
        if (keys[i].required && !lines[i])
            report(x, section_line, "[%s] missing required key \"%s\"", x->title,
                   keys[i].name);
}

/* Called when a section ends: check required keys, fill in defaults. */
static void finish_section(struct ctx *x)
{
    if (x->sec == SEC_QUEUE) {
        struct qh_queue_conf *q = &x->c->queues[x->idx];
        const int *kl = x->w.queue_key[x->idx];

        check_required(x, queue_keys, NQUEUE, kl, x->w.queue[x->idx]);
        if (!kl[QK_PREFIX])
            memcpy(q->prefix, q->code, sizeof q->prefix);
        /* Queues A, B and C are the three classes of the "2+1" hall, so
         * their class goes without saying; any other queue must say. */
        if (!kl[QK_CLASS]) {
            if (strlen(q->code) == 1 && q->code[0] >= 'A' && q->code[0] <= 'C')
                q->klass = q->code[0];
            else
                report(x, x->w.queue[x->idx], "[%s] missing required key \"class\"",
                       x->title);
        }
    } else if (x->sec == SEC_WINDOW) {
        struct qh_window_conf *w = &x->c->windows[x->idx];
        const int *kl = x->w.window_key[x->idx];

        check_required(x, window_keys, NWINDOW, kl, x->w.window[x->idx]);
        if (!kl[WK_NAME])
            snprintf(w->name, sizeof w->name, "%d号窗口", w->number);
        if (!kl[WK_NAME_EN])
            snprintf(w->name_en, sizeof w->name_en, "Window %d", w->number);
    }
    x->sec = SEC_NONE;
}

static void start_queue(struct ctx *x, const char *code, size_t n, int line)
{
    struct qh_hall_conf *c = x->c;

    if (!x->queues_from_file) {
        /* The first [queue] replaces the defaults: a hall that lists its
         * queues means exactly those. */
        x->queues_from_file = 1;
        c->nqueues = 0;
        memset(c->queues, 0, sizeof c->queues);
    }
    for (int i = 0; i < c->nqueues; i++) {
        if (strlen(c->queues[i].code) == n && memcmp(c->queues[i].code, code, n) == 0) {
            report(x, line, "duplicate section [queue %s] (first on line %d)",
                   c->queues[i].code, x->w.queue[i]);
            return;
        }
    }
    if (c->nqueues == QH_MAX_QUEUES) {
        report(x, line, "too many queues (at most %d)", QH_MAX_QUEUES);
        return;
    }
    x->idx = c->nqueues++;
    memcpy(c->queues[x->idx].code, code, n);
    c->queues[x->idx].code[n] = '\0';
    x->w.queue[x->idx] = line;
    x->sec = SEC_QUEUE;
    snprintf(x->title, sizeof x->title, "queue %s", c->queues[x->idx].code);
}

static void start_window(struct ctx *x, int number, int line)
{
    struct qh_hall_conf *c = x->c;

    if (!x->windows_from_file) {
        x->windows_from_file = 1;
        c->nwindows = 0;
        memset(c->windows, 0, sizeof c->windows);
    }
    for (int i = 0; i < c->nwindows; i++) {
        if (c->windows[i].number == number) {
            report(x, line, "duplicate section [window %d] (first on line %d)",
                   number, x->w.window[i]);
            return;
        }
    }
    if (c->nwindows == QH_MAX_WINDOWS) {
        report(x, line, "too many windows (at most %d)", QH_MAX_WINDOWS);
        return;
    }
    x->idx = c->nwindows++;
    c->windows[x->idx].number = number;
    x->w.window[x->idx] = line;
    x->sec = SEC_WINDOW;
    snprintf(x->title, sizeof x->title, "window %d", number);
}

/* "[...]" at the start of a line: p..p+n is the trimmed line. */
static void section_header(struct ctx *x, const char *p, size_t n)
{
    const char *close = memchr(p, ']', n);
    const char *in, *tail;
    size_t inn;
    char buf[64];

    finish_section(x);
    x->sec = SEC_SKIP;          /* until the header proves good */
    if (!close) {
        report(x, x->line, "missing ] in section header");
        x->bad_line = x->line;
        return;
    }
    for (tail = close + 1; tail < p + n; tail++) {
        if (!is_blank(*tail)) {
            report(x, x->line, "unexpected text after ] in section header");
            return;
        }
    }
    in = p + 1;
    inn = (size_t)(close - in);
    while (inn && is_blank(*in)) {
        in++;
        inn--;
    }
    while (inn && is_blank(in[inn - 1]))
        inn--;

    /* The sections a file has at most once. */
    const struct {
        const char *name;
        int *first;
        int sec;
    } once[] = {
        {"hall", &x->w.hall, SEC_HALL},         {"printer", &x->w.printer, SEC_PRINTER},
        {"kiosk", &x->w.kiosk, SEC_KIOSK},      {"display", &x->w.display, SEC_DISPLAY},
        {"rating", &x->w.rating, SEC_RATING},   {"web", &x->w.web, SEC_WEB},
        {"privacy", &x->w.privacy, SEC_PRIVACY},
        {"quota", &x->w.quota, SEC_QUOTA},
    };
    for (size_t i = 0; i < sizeof once / sizeof once[0]; i++) {
        if (strlen(once[i].name) != inn || memcmp(in, once[i].name, inn))
            continue;
        if (*once[i].first) {
            report(x, x->line, "duplicate section [%s] (first on line %d)", once[i].name,
                   *once[i].first);
            return;
        }
        *once[i].first = x->line;
        x->sec = once[i].sec;
        snprintf(x->title, sizeof x->title, "%s", once[i].name);
        return;
    }
    if (inn > 6 && memcmp(in, "queue", 5) == 0 && is_blank(in[5])) {
        const char *code = in + 6;
        size_t cn = inn - 6;

        while (cn && is_blank(*code)) {
            code++;
            cn--;
        }
        if (!is_code(code, cn)) {
            report(x, x->line, "bad section [%s]: a queue code is 1-7 letters A-Z",
                   shown(in, buf, inn + 1 < sizeof buf ? inn + 1 : sizeof buf));
            return;
        }
        start_queue(x, code, cn, x->line);
    } else if (inn > 7 && memcmp(in, "window", 6) == 0 && is_blank(in[6])) {
        const char *num = in + 7;
        size_t nn = inn - 7;
        char digits[8];
        int number = 0;

        while (nn && is_blank(*num)) {
            num++;
            nn--;
        }
        if (nn < sizeof digits) {
            memcpy(digits, num, nn);
            digits[nn] = '\0';
        }
        if (nn >= sizeof digits || parse_int(digits, 1, 99, &number) < 0) {
            report(x, x->line, "bad section [%s]: a window number is 1-99",
                   shown(in, buf, inn + 1 < sizeof buf ? inn + 1 : sizeof buf));
            return;
        }
        start_window(x, number, x->line);
    } else {
        report(x, x->line, "unknown section [%s]",
               shown(in, buf, inn + 1 < sizeof buf ? inn + 1 : sizeof buf));
    }
}

/* A refused [queue X] or [window N] header leaves a hole the checks across
 * the file would report again ("no queue X is defined"): remember it. */
static void section_line(struct ctx *x, const char *p, size_t n)
{
    size_t i = 1;
    section_header(x, p, n);
    if (x->sec != SEC_SKIP)
        return;
    while (i < n && is_blank(p[i]))
        i++;
    if (n - i >= 5 && !memcmp(p + i, "queue", 5))
        x->queue_refused = 1;
    else if (n - i >= 6 && !memcmp(p + i, "window", 6))
        x->window_trouble = 1;
}

/* Look at a whole physical line before inih does: find section headers,
 * lines inih would reject, and lines we refuse to read. */
static void look_at_line(struct ctx *x)
{
    const char *p = x->text + x->pos;
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);

    if (x->line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;                 /* UTF-8 BOM from Windows editors */
        n -= 3;
    }
    if (n > LINE_MAX_BYTES - 3) {
        report(x, x->line, "line too long (at most %d bytes)", LINE_MAX_BYTES - 3);
        x->bad_line = x->line;
        return;
    }
    if (!qh_text_valid_utf8(p, n)) {
        report(x, x->line, "invalid UTF-8 (save the file as UTF-8)");
        x->bad_line = x->line;
        return;
    }
    while (n && is_blank(*p)) {
        p++;
        n--;
    }
    while (n && is_blank(p[n - 1]))
        n--;
    if (n == 0 || *p == ';' || *p == '#')
        return;
    if (*p == '[') {
        section_line(x, p, n);
        return;
    }
    if (!memchr(p, '=', n) && !memchr(p, ':', n)) {
        report(x, x->line, "expected \"key = value\" or \"[section]\"");
        x->bad_line = x->line;
    }
}

/* inih's fgets-style reader.  inih may ask for a long line in several
 * pieces; only the first piece of a line counts it. */
static char *read_line(char *str, int num, void *stream)
{
    struct ctx *x = stream;
    const char *p = x->text + x->pos;
    size_t n = 0;

    if (!*p || num < 2)
        return NULL;
    if (x->at_line_start) {
        x->line++;
        look_at_line(x);
    }
    while (p[n] && n < (size_t)num - 1) {
        if (p[n++] == '\n')
            break;
    }
    memcpy(str, p, n);
    str[n] = '\0';
    x->pos += n;
    x->at_line_start = str[n - 1] == '\n';
    return str;
}

static int set_value(struct ctx *x, const struct key *k, void *base, const char *v)
{
    char buf[64];
    const char *why = NULL;
    char *dst = (char *)base + k->off;

    switch (k->kind) {
    case K_STR:
    case K_TZ:
        if (k->min && !*v) {
            why = "must not be empty";
            break;
        }
        if (strlen(v) >= k->size) {
            report(x, x->line, "[%s] %s: too long (at most %zu bytes)",
                   x->title, k->name, k->size - 1);
            return -1;
        }
        if (k->kind == K_TZ && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "abcdefghijklmnopqrstuvwxyz"
                                         "0123456789/_+-") != strlen(v)) {
            why = "expected a time zone like Asia/Shanghai";
            break;
        }
        memcpy(dst, v, strlen(v) + 1);
        return 0;
    case K_INT: {
        int iv;
        if (parse_int(v, k->min, k->max, &iv) < 0) {
            report(x, x->line, "[%s] %s: expected %d-%d, got \"%s\"", x->title,
                   k->name, k->min, k->max, shown(v, buf, sizeof buf));
            return -1;
        }
        *(int *)(void *)dst = iv;
        return 0;
    }
    case K_HOURS:
        why = parse_hours(v, x->c->spans, &x->c->nspans);
        break;
    case K_DAYS:
        why = parse_days(v, &x->c->days);
        break;
    case K_PREFIX:
        if (!is_code(v, strlen(v))) {
            why = "expected 1-7 letters A-Z";
            break;
        }
        memcpy(dst, v, strlen(v) + 1);
        return 0;
    case K_CLASS:
        if (strlen(v) != 1 || v[0] < 'A' || v[0] > 'C') {
            why = "expected A, B or C";
            break;
        }
        *dst = v[0];
        return 0;
    case K_QUEUES:
        why = parse_queue_list(v, base);
        break;
    case K_WIDTH:
        if (strcmp(v, "58") && strcmp(v, "80")) {
            why = "expected 58 or 80 (mm)";
            break;
        }
        *(int *)(void *)dst = atoi(v);
        return 0;
    case K_PKIND:
        if (strcmp(v, "escpos") && strcmp(v, "pdf")) {
            why = "expected escpos or pdf";
            break;
        }
        memcpy(dst, v, strlen(v) + 1);
        return 0;
    case K_QUIET: {
        struct qh_display_conf *d = base;
        if (!*v) {
            d->nquiet = 0;
            return 0;
        }
        why = parse_hours(v, d->quiet, &d->nquiet);
        break;
    }
    case K_LABELS: {
        int n;
        if (k->min && !*v) {
            why = "must not be empty";
            break;
        }
        why = labels_parse(v, (char (*)[64])(void *)dst, &n);
        /* A list of the hall's own without English labels (yet): the
         * default ones would name other reasons, so English shows these. */
        if (!why && k == &rating_keys[RK_REASONS]) {
            x->c->rating.nreasons = n;
            if (!x->w.rating_key[RK_REASONS_EN])
                for (int i = 0; i < QH_MAX_RATING_REASONS; i++)
                    x->c->rating.reasons_en[i][0] = '\0';
        }
        break;
    }
    case K_BOOL:
        if (strcmp(v, "yes") && strcmp(v, "no")) {
            why = "expected yes or no";
            break;
        }
        *(int *)(void *)dst = !strcmp(v, "yes");
        return 0;
    case K_REGION:
        /* GB/T 2260 county code (6) + township (3): the export's 行政区划 */
        if (*v && (strlen(v) != 9 || strspn(v, "0123456789") != 9)) {
            why = "expected a 9-digit 行政区划代码 (or nothing)";
            break;
        }
        memcpy(dst, v, strlen(v) + 1);
        return 0;
    case K_URL:
    case K_LISTEN:
        if (strlen(v) >= k->size) {
            report(x, x->line, "[%s] %s: too long (at most %zu bytes)",
                   x->title, k->name, k->size - 1);
            return -1;
        }
        if ((why = k->kind == K_URL ? url_invalid(v) : listen_invalid(v)))
            break;
        memcpy(dst, v, strlen(v) + 1);
        return 0;
    case K_PHONE:
        if (strlen(v) >= k->size) {
            report(x, x->line, "[%s] %s: too long (at most %zu bytes)",
                   x->title, k->name, k->size - 1);
            return -1;
        }
        if (strspn(v, "0123456789- ") != strlen(v)) {
            why = "expected a telephone number (digits, '-' and spaces)";
            break;
        }
        memcpy(dst, v, strlen(v) + 1);
        return 0;
    }
    if (why) {
        report(x, x->line, "[%s] %s: %s, got \"%s\"", x->title, k->name, why,
               shown(v, buf, sizeof buf));
        return -1;
    }
    return 0;
}

/* [quota] has no fixed keys: each key is an item code. */
static void quota_key(struct ctx *x, const char *name, const char *value)
{
    struct qh_hall_conf *c = x->c;
    struct qh_item_quota *q;
    char buf[64];
    int n;

    if (!is_item_code(name, strlen(name))) {
        report(x, x->line, "[quota] \"%s\": an item code is 1-%d of A-Z a-z 0-9 _ -",
               shown(name, buf, sizeof buf), QH_ITEM_CODE_LEN - 1);
        return;
    }
    for (int i = 0; i < c->nquotas; i++) {
        if (strcmp(c->quotas[i].code, name) == 0) {
            report(x, x->line, "duplicate item \"%s\" in [quota] (first on line %d)",
                   name, x->w.quota_key[i]);
            return;
        }
    }
    if (parse_int(value, 1, 9999, &n) < 0) {
        report(x, x->line, "[quota] %s: expected 1-9999, got \"%s\"", name,
               shown(value, buf, sizeof buf));
        return;
    }
    if (c->nquotas == QH_MAX_QUOTAS) {
        report(x, x->line, "[quota] too many items (at most %d)", QH_MAX_QUOTAS);
        return;
    }
    x->w.quota_key[c->nquotas] = x->line;
    q = &c->quotas[c->nquotas++];
    snprintf(q->code, sizeof q->code, "%s", name);
    q->quota = n;
}

static int on_key(void *user, const char *section, const char *name,
                  const char *value)
{
    struct ctx *x = user;
    const struct key *keys;
    int nkeys, *lines;
    void *base;

    (void)section;              /* ours, from look_at_line, knows more */
    if (x->line == x->bad_line)
        return 1;
    switch (x->sec) {
    case SEC_NONE:
        report(x, x->line, "key \"%s\" outside any section", name);
        return 1;
    case SEC_SKIP:
        return 1;               /* its header was reported */
    case SEC_HALL:
        keys = hall_keys, nkeys = NHALL, lines = x->w.hall_key, base = x->c;
        break;
    case SEC_QUEUE:
        keys = queue_keys, nkeys = NQUEUE, lines = x->w.queue_key[x->idx];
        base = &x->c->queues[x->idx];
        break;
    case SEC_WINDOW:
        keys = window_keys, nkeys = NWINDOW, lines = x->w.window_key[x->idx];
        base = &x->c->windows[x->idx];
        break;
    case SEC_PRINTER:
        keys = printer_keys, nkeys = NPRINTER, lines = x->w.printer_key;
        base = &x->c->printer;
        break;
    case SEC_KIOSK:
        keys = kiosk_keys, nkeys = NKIOSK, lines = x->w.kiosk_key;
        base = &x->c->kiosk;
        break;
    case SEC_DISPLAY:
        keys = display_keys, nkeys = NDISPLAY, lines = x->w.display_key;
        base = &x->c->display;
        break;
    case SEC_RATING:
        keys = rating_keys, nkeys = NRATING, lines = x->w.rating_key;
        base = &x->c->rating;
        break;
    case SEC_WEB:
        keys = web_keys, nkeys = NWEB, lines = x->w.web_key;
        base = &x->c->web;
        break;
    case SEC_PRIVACY:
        keys = privacy_keys, nkeys = NPRIVACY, lines = x->w.privacy_key;
        base = &x->c->privacy;
        break;
    case SEC_QUOTA:
        quota_key(x, name, value);
        return 1;
    default:
        return 1;
    }
    for (int i = 0; i < nkeys; i++) {
        if (strcmp(keys[i].name, name) != 0)
            continue;
        if (lines[i]) {
            report(x, x->line, "duplicate key \"%s\" in [%s] (first on line %d)",
                   name, x->title, lines[i]);
            return 1;
        }
        lines[i] = x->line;
        set_value(x, &keys[i], base, value);
        return 1;
    }
    report(x, x->line, "unknown key \"%s\" in [%s]", name, x->title);
    /* Always "success" to inih: we keep our own list of errors, and inih
     * would only remember the first. */
    return 1;
}

/* ---- cross-checks ---- */

static int tz_known(const char *tz)
{
    UChar id[64], canon[64];
    UBool is_system = 0;
    UErrorCode st = U_ZERO_ERROR;
    size_t n = strlen(tz);

    /* u_charsToUChars is exact for the invariant characters zone names
     * use; anything else is not a zone name. */
    if (n == 0 || n >= sizeof id / sizeof *id ||
        strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                   "0123456789/_+-") != n)
        return 0;
    u_charsToUChars(tz, id, (int32_t)n + 1);
    ucal_getCanonicalTimeZoneID(id, (int32_t)n, canon,
                                (int32_t)(sizeof canon / sizeof *canon),
                                &is_system, &st);
    /* Custom ids like "GMT+08:00" are canonical but not system zones: they
     * have no daylight rules, so a hall must name a real zone. */
    return U_SUCCESS(st) && is_system;
}

/* Checks on a whole struct.  `w` (may be NULL) gives lines to point at;
 * `x` collects the messages. */
static void cross_check(struct ctx *x, const struct qh_hall_conf *c,
                        const struct where *w)
{
    const int *hk = w ? w->hall_key : NULL;
    int has_c = 0;

#define HL(i) (hk ? hk[i] : 0)
    /* [hall]: the reader checks each value, but a struct built in code
     * (or stored in the database) has had no reader. */
    if (!c->name[0])
        report(x, HL(0), "[hall] name: must not be empty");
    if (!tz_known(c->timezone))
        report(x, HL(2), "[hall] timezone: unknown time zone \"%s\"", c->timezone);
    if (c->nspans < 1 || c->nspans > QH_MAX_SPANS)
        report(x, HL(3), "[hall] hours: expected 1-%d spans", QH_MAX_SPANS);
    else
        for (int i = 0; i < c->nspans; i++)
            if (c->spans[i].open_min < 0 || c->spans[i].close_min > 24 * 60 ||
                c->spans[i].open_min >= c->spans[i].close_min ||
                (i && c->spans[i].open_min < c->spans[i - 1].close_min)) {
                report(x, HL(3), "[hall] hours: spans must be in order and must not overlap");
                break;
            }
    if (!c->days || c->days > 0x7F)
        report(x, HL(4), "[hall] days: expected at least one day");
    for (int i = 0; i < NHALL; i++) {
        const struct key *k = &hall_keys[i];
        int v;
        if (k->kind != K_INT)
            continue;
        v = *(const int *)(const void *)((const char *)c + k->off);
        if (v < k->min || v > k->max)
            report(x, HL(i), "[hall] %s: expected %d-%d, got %d", k->name,
                   k->min, k->max, v);
    }
#undef HL
    /* [display] (a struct built in code has had no reader either). */
    if (c->display.announce_repeat < 1 || c->display.announce_repeat > 5)
        report(x, 0, "[display] announce_repeat: expected 1-5, got %d",
               c->display.announce_repeat);
    if (c->display.volume < 0 || c->display.volume > 100)
        report(x, 0, "[display] volume: expected 0-100, got %d", c->display.volume);
    if (c->kiosk.speak != 0 && c->kiosk.speak != 1)
        report(x, 0, "[kiosk] speak: expected 0 or 1, got %d", c->kiosk.speak);

    /* [rating]: ranges for a struct built in code; the labels as read. */
#define RL(i) (w ? w->rating_key[i] : 0)
    for (int i = 0; i < NRATING; i++) {
        const struct key *k = &rating_keys[i];
        if (k->kind != K_INT)
            continue;
        int v = *(const int *)(const void *)((const char *)&c->rating + k->off);
        if (v < k->min || v > k->max)
            report(x, RL(i), "[rating] %s: expected %d-%d, got %d",
                   k->name, k->min, k->max, v);
    }
    if (c->rating.nreasons < 1 || c->rating.nreasons > QH_MAX_RATING_REASONS)
        report(x, RL(RK_REASONS), "[rating] reasons: expected 1-%d, got %d",
               QH_MAX_RATING_REASONS, c->rating.nreasons);
    else {
        int en = 0;
        while (en < QH_MAX_RATING_REASONS && c->rating.reasons_en[en][0])
            en++;
        if (en && en != c->rating.nreasons)
            report(x, RL(RK_REASONS_EN),
                   "[rating] reasons_en: expected %d labels (one per reason), got %d",
                   c->rating.nreasons, en);
    }
#undef RL

    /* [quota] (the reader has checked each line; this is for structs
     * built in code). */
    if (c->nquotas < 0 || c->nquotas > QH_MAX_QUOTAS)
        report(x, 0, "[quota] expected 0-%d items, got %d", QH_MAX_QUOTAS, c->nquotas);
    for (int i = 0; i < c->nquotas && i < QH_MAX_QUOTAS; i++) {
        const struct qh_item_quota *q = &c->quotas[i];
        int ql = w ? w->quota_key[i] : 0;

        if (!is_item_code(q->code, strnlen(q->code, QH_ITEM_CODE_LEN))) {
            report(x, ql, "[quota] item %d: bad code \"%.*s\"", i + 1,
                   QH_ITEM_CODE_LEN, q->code);
            continue;
        }
        if (q->quota < 1 || q->quota > 9999)
            report(x, ql, "[quota] %s: expected 1-9999, got %d", q->code, q->quota);
        for (int j = 0; j < i; j++)
            if (strcmp(c->quotas[j].code, q->code) == 0)
                report(x, ql, "[quota] item %s is listed twice", q->code);
    }

    if (c->nqueues < 1 || c->nqueues > QH_MAX_QUEUES) {
        if (!x->queue_refused)
            report(x, 0, "no queues: define at least one [queue X] section");
        return;                 /* nothing else can be checked */
    }
    for (int i = 0; i < c->nqueues; i++) {
        const struct qh_queue_conf *q = &c->queues[i];
        int ql = w ? w->queue[i] : 0;
        /* Each value's own line where the file has it: a value the
         * reader refused is then not reported twice (report()). */
#define KL(k) (w && w->queue_key[i][k] ? w->queue_key[i][k] : ql)
        int pl = KL(QK_PREFIX);

        if (!is_code(q->code, strnlen(q->code, QH_CODE_LEN)))
            report(x, ql, "queue %d: bad code \"%.*s\"", i + 1, QH_CODE_LEN, q->code);
        if (!q->name[0])
            report(x, KL(QK_NAME), "[queue %s] name: must not be empty", q->code);
        if (!is_code(q->prefix, strnlen(q->prefix, QH_CODE_LEN)))
            report(x, pl, "[queue %s] prefix: expected 1-7 letters A-Z", q->code);
        if (q->klass < 'A' || q->klass > 'C')
            report(x, KL(QK_CLASS), "[queue %s] class: expected A, B or C", q->code);
        if (q->daily_quota < 0 || q->daily_quota > 9999)
            report(x, KL(QK_QUOTA), "[queue %s] daily_quota: expected 0-9999", q->code);
#undef KL
        if (q->klass == 'C')
            has_c = 1;
        for (int j = 0; j < i; j++) {
            if (strcmp(c->queues[j].code, q->code) == 0)
                report(x, ql, "duplicate queue %s", q->code);
            /* Two queues printing the same prefix would hand out two
             * tickets both called "A001". */
            else if (strcmp(c->queues[j].prefix, q->prefix) == 0)
                report(x, pl, "[queue %s] prefix: \"%s\" is already the prefix of queue %s",
                       q->code, q->prefix, c->queues[j].code);
        }
    }
    if (!has_c && !x->queue_refused)
        report(x, 0, "no class C queue: tickets that could not be handled (办不成) "
               "need a comprehensive-services queue");

    if (c->nwindows < 1 || c->nwindows > QH_MAX_WINDOWS) {
        if (!x->window_trouble)
            report(x, 0, "no windows: define at least one [window N] section");
        return;
    }
    for (int i = 0; i < c->nwindows; i++) {
        const struct qh_window_conf *win = &c->windows[i];
        int wl = w ? w->window[i] : 0;
        int ql = w && w->window_key[i][WK_QUEUES] ? w->window_key[i][WK_QUEUES] : wl;

        if (win->number < 1 || win->number > 99)
            report(x, wl, "window %d: number must be 1-99", win->number);
        for (int j = 0; j < i; j++)
            if (c->windows[j].number == win->number)
                report(x, wl, "duplicate window %d", win->number);
        if (win->overflow_minutes < 0 || win->overflow_minutes > 480)
            report(x, wl, "[window %d] overflow_minutes: expected 0-480", win->number);
        if (win->nqueues < 1 || win->nqueues > QH_MAX_QUEUES) {
            report(x, ql, "[window %d] queues: expected 1-%d queues", win->number,
                   QH_MAX_QUEUES);
            continue;
        }
        for (int j = 0; j < win->nqueues; j++) {
            if (!qh_conf_queue(c, win->queues[j]) && !x->queue_refused)
                report(x, ql, "[window %d] queues: no queue \"%.*s\" is defined",
                       win->number, QH_CODE_LEN, win->queues[j]);
            for (int k = 0; k < j; k++)
                if (strcmp(win->queues[k], win->queues[j]) == 0)
                    report(x, ql, "[window %d] queues: %s is listed twice",
                           win->number, win->queues[j]);
        }
    }
    /* A queue no window calls would hand out tickets nobody ever calls. */
    for (int i = 0; i < c->nqueues; i++) {
        int served = 0;
        for (int j = 0; j < c->nwindows && !served; j++)
            for (int k = 0; k < c->windows[j].nqueues && !served; k++)
                served = strcmp(c->windows[j].queues[k], c->queues[i].code) == 0;
        if (!served && !x->window_trouble)
            report(x, w ? w->queue[i] : 0, "queue %s is called by no window",
                   c->queues[i].code);
    }
}

int qh_conf_validate(const struct qh_hall_conf *c, const char *name,
                     char *err, size_t errlen)
{
    struct ctx x;

    memset(&x, 0, sizeof x);
    x.name = name ? name : "hall config";
    if (err && errlen)
        err[0] = '\0';
    cross_check(&x, c, NULL);
    qh_errlist_write(&x.el, QH_LANG_ZH, err, errlen);
    qh_errlist_fini(&x.el);
    return x.nerr ? QH_E_PARSE : 0;
}

/* ---- parse ---- */

/* libinih's options are process-wide globals in Debian's build: set ours
 * for one parse and put the caller's back, so that another inih user in
 * the same process is not surprised.  Not thread-safe (nor is inih). */
struct inih_opts {
    bool inline_comments, multiline, use_stack, allow_realloc, bom, stop_first;
    bool no_value;
    int max_line;
    char *comment_prefixes;
};

static void inih_save(struct inih_opts *o)
{
    o->inline_comments = ini_allow_inline_comments;
    o->multiline = ini_allow_multiline;
    o->use_stack = ini_use_stack;
    o->allow_realloc = ini_allow_realloc;
    o->bom = ini_allow_bom;
    o->stop_first = ini_stop_on_first_error;
    o->no_value = ini_allow_no_value;
    o->max_line = ini_max_line;
    o->comment_prefixes = ini_start_comment_prefixes;
}

static void inih_restore(const struct inih_opts *o)
{
    ini_allow_inline_comments = o->inline_comments;
    ini_allow_multiline = o->multiline;
    ini_use_stack = o->use_stack;
    ini_allow_realloc = o->allow_realloc;
    ini_allow_bom = o->bom;
    ini_stop_on_first_error = o->stop_first;
    ini_allow_no_value = o->no_value;
    ini_max_line = o->max_line;
    ini_start_comment_prefixes = o->comment_prefixes;
}

/* The line of [hall] key in the file, 0 if the file left it out. */
static int hall_line(const struct ctx *x, const char *key)
{
    for (size_t i = 0; i < NHALL; i++)
        if (!strcmp(hall_keys[i].name, key))
            return x->w.hall_key[i];
    return 0;
}

/* What a file leaves out must not speak of L town: a hall named in the
 * file keeps its name in English too, and the notice names the window
 * that takes 办不成事 reports in this hall (the first whose first queue
 * is of class C, the "+1"), or none if no window is. */
static void derive_hall_words(struct ctx *x)
{
    struct qh_hall_conf *c = x->c;
    if (hall_line(x, "name") && !hall_line(x, "name_en"))
        snprintf(c->name_en, sizeof c->name_en, "%s", c->name);
    if (hall_line(x, "notice")) {
        if (!hall_line(x, "notice_en"))
            snprintf(c->notice_en, sizeof c->notice_en, "%s", c->notice);
        return;
    }
    int plus1 = 0;
    for (int i = 0; i < c->nwindows && !plus1; i++) {
        const struct qh_queue_conf *q =
            c->windows[i].nqueues ? qh_conf_queue(c, c->windows[i].queues[0]) : NULL;
        if (q && q->klass == 'C')
            plus1 = c->windows[i].number;
    }
    if (plus1) {
        snprintf(c->notice, sizeof c->notice,
                 "请提前准备好身份证件和申请材料；办不成事请到%d号窗口反映。", plus1);
        if (!hall_line(x, "notice_en"))
            snprintf(c->notice_en, sizeof c->notice_en,
                     "Please have your ID and documents ready. Could not get it done? Tell window %d.",
                     plus1);
    } else {
        snprintf(c->notice, sizeof c->notice, "请提前准备好身份证件和申请材料。");
        if (!hall_line(x, "notice_en"))
            snprintf(c->notice_en, sizeof c->notice_en, "Please have your ID and documents ready.");
    }
}

int qh_conf_parse_string(struct qh_hall_conf *c, const char *name,
                         const char *text, char *err, size_t errlen)
{
    struct inih_opts saved;
    struct ctx x;
    int rc;

    if (err && errlen)
        err[0] = '\0';
    qh_conf_defaults(c);
    memset(&x, 0, sizeof x);
    x.c = c;
    x.name = name ? name : "hall config";
    x.text = text ? text : "";
    x.at_line_start = 1;

    inih_save(&saved);
    ini_allow_inline_comments = false;   /* see the top of this file */
    ini_allow_multiline = false;
    ini_use_stack = false;               /* a heap buffer that grows ... */
    ini_allow_realloc = true;
    ini_max_line = LINE_MAX_BYTES;       /* ... to this, for long notices */
    ini_allow_bom = true;
    ini_stop_on_first_error = false;
    ini_allow_no_value = false;
    ini_start_comment_prefixes = (char *)";#";
    rc = ini_parse_stream(read_line, &x, on_key, &x);
    inih_restore(&saved);

    finish_section(&x);
    if (rc == -2) {
        qh_errlist_fini(&x.el);
        return qh_err(err, errlen, QH_E_NOMEM, "%s: out of memory", x.name);
    }
    /* look_at_line reports every line inih can reject, with a better
     * reason; this is a safety net if the two ever disagree. */
    if (rc != 0 && !x.nerr)
        report(&x, rc > 0 ? rc : 0, "syntax error");
    /* Cross-checks on every file, so that a syntax error does not hide a
     * window calling a queue that does not exist; report() and the flags
     * of refused sections keep what was refused already from coming back
     * as a cascade of "no queue X" messages that would hide the real
     * mistake.  All of it is written out sorted by line. */
    x.checking = 1;
    cross_check(&x, c, &x.w);
    x.checking = 0;
    if (!x.nerr)
        derive_hall_words(&x);
    qh_errlist_write(&x.el, QH_LANG_ZH, err, errlen);
    qh_errlist_fini(&x.el);
    return x.nerr ? QH_E_PARSE : 0;
}

int qh_conf_parse_file(struct qh_hall_conf *c, const char *path,
                       char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    rc = qh_file_read(path, &text, &len, err, errlen);
    if (rc < 0)
        goto out;
    if (strlen(text) != len) {
        rc = qh_err(err, errlen, QH_E_PARSE, "%s: contains a NUL byte", path);
        goto out;
    }
    rc = qh_conf_parse_string(c, path, text, err, errlen);
out:
    free(text);
    return rc;
}

/* ---- lookups ---- */

const struct qh_queue_conf *qh_conf_queue(const struct qh_hall_conf *c,
                                          const char *code)
{
    if (!code)
        return NULL;
    for (int i = 0; i < c->nqueues && i < QH_MAX_QUEUES; i++)
        if (strcmp(c->queues[i].code, code) == 0)
            return &c->queues[i];
    return NULL;
}

const struct qh_window_conf *qh_conf_window(const struct qh_hall_conf *c,
                                            int number)
{
    for (int i = 0; i < c->nwindows && i < QH_MAX_WINDOWS; i++)
        if (c->windows[i].number == number)
            return &c->windows[i];
    return NULL;
}

int qh_conf_item_quota(const struct qh_hall_conf *c, const char *code)
{
    if (!code || !*code)
        return 0;
    for (int i = 0; i < c->nquotas && i < QH_MAX_QUOTAS; i++)
        if (strcmp(c->quotas[i].code, code) == 0)
            return c->quotas[i].quota;
    return 0;
}

const struct qh_queue_conf *qh_conf_failed_queue(const struct qh_hall_conf *c)
{
    for (int i = 0; i < c->nqueues && i < QH_MAX_QUEUES; i++)
        if (c->queues[i].klass == 'C')
            return &c->queues[i];
    return NULL;
}

int qh_conf_is_open(const struct qh_hall_conf *c, int wday, int minute)
{
    if (wday < 0 || wday > 6 || !(c->days & (1u << wday)))
        return 0;
    for (int i = 0; i < c->nspans && i < QH_MAX_SPANS; i++)
        if (minute >= c->spans[i].open_min && minute < c->spans[i].close_min)
            return 1;
    return 0;
}

void qh_conf_format_hours(const struct qh_hall_conf *c, char *out, size_t outlen)
{
    size_t n = 0;

    if (!out || !outlen)
        return;
    out[0] = '\0';
    for (int i = 0; i < c->nspans && i < QH_MAX_SPANS; i++) {
        const struct qh_span *s = &c->spans[i];
        int k = snprintf(out + n, outlen - n, "%s%02d:%02d-%02d:%02d",
                         i ? "," : "", s->open_min / 60, s->open_min % 60,
                         s->close_min / 60, s->close_min % 60);
        if (k < 0 || (size_t)k >= outlen - n) {
            out[n] = '\0';      /* whole spans only */
            return;
        }
        n += (size_t)k;
    }
}

/* ---- write ---- */

/* A value the reader would give back differently (a line break, or white
 * space it would trim) cannot be written. */
static int writable(const char *v)
{
    size_t n = strlen(v);

    if (strpbrk(v, "\r\n"))
        return 0;
    return n == 0 || (!is_blank(v[0]) && !is_blank(v[n - 1]));
}

static int write_keys(FILE *f, const struct qh_hall_conf *c, const struct key *keys,
                      int nkeys, const void *base)
{
    for (int i = 0; i < nkeys; i++) {
        const struct key *k = &keys[i];
        const char *p = (const char *)base + k->off;
        char buf[QH_MAX_RATING_REASONS * 66];

        switch (k->kind) {
        case K_STR:
        case K_TZ:
        case K_PREFIX:
        case K_REGION:
        case K_PHONE:
        case K_URL:
        case K_LISTEN:
            if (!writable(p))
                return QH_E_PARSE;
            fprintf(f, "%s = %s\n", k->name, p);
            break;
        case K_INT:
        case K_WIDTH:
            fprintf(f, "%s = %d\n", k->name, *(const int *)(const void *)p);
            break;
        case K_PKIND:
            fprintf(f, "%s = %s\n", k->name, p);
            break;
        case K_BOOL:
            fprintf(f, "%s = %s\n", k->name, *(const int *)(const void *)p ? "yes" : "no");
            break;
        case K_LABELS:
            labels_format((const char (*)[64])(const void *)p, c->rating.nreasons,
                          buf, sizeof buf);
            fprintf(f, "%s = %s\n", k->name, buf);
            break;
        case K_QUIET: {
            const struct qh_display_conf *d = base;
            fprintf(f, "%s =", k->name);
            for (int j = 0; j < d->nquiet && j < QH_MAX_SPANS; j++)
                fprintf(f, "%s%02d:%02d-%02d:%02d", j ? "," : " ",
                        d->quiet[j].open_min / 60, d->quiet[j].open_min % 60,
                        d->quiet[j].close_min / 60, d->quiet[j].close_min % 60);
            fputc('\n', f);
            break;
        }
        case K_HOURS:
            qh_conf_format_hours(c, buf, sizeof buf);
            fprintf(f, "%s = %s\n", k->name, buf);
            break;
        case K_DAYS: {
            int first = 1;
            fprintf(f, "%s = ", k->name);
            for (int i2 = 1; i2 <= 7; i2++) {     /* Monday first */
                if (c->days & (1u << (i2 % 7))) {
                    fprintf(f, "%s%s", first ? "" : ",", day_name[i2 % 7]);
                    first = 0;
                }
            }
            fputc('\n', f);
            break;
        }
        case K_CLASS:
            fprintf(f, "%s = %c\n", k->name, *p);
            break;
        case K_QUEUES: {
            const struct qh_window_conf *w = base;
            fprintf(f, "%s = ", k->name);
            for (int j = 0; j < w->nqueues && j < QH_MAX_QUEUES; j++)
                fprintf(f, "%s%s", j ? ", " : "", w->queues[j]);
            fputc('\n', f);
            break;
        }
        }
    }
    return 0;
}

int qh_conf_write(const struct qh_hall_conf *c, FILE *f)
{
    int rc;

    fprintf(f, "; qhall hall configuration\n[hall]\n");
    rc = write_keys(f, c, hall_keys, NHALL, c);
    for (int i = 0; rc == 0 && i < c->nqueues && i < QH_MAX_QUEUES; i++) {
        fprintf(f, "\n[queue %s]\n", c->queues[i].code);
        rc = write_keys(f, c, queue_keys, NQUEUE, &c->queues[i]);
    }
    for (int i = 0; rc == 0 && i < c->nwindows && i < QH_MAX_WINDOWS; i++) {
        fprintf(f, "\n[window %d]\n", c->windows[i].number);
        rc = write_keys(f, c, window_keys, NWINDOW, &c->windows[i]);
    }
    if (rc == 0) {
        fprintf(f, "\n[printer]\n");
        rc = write_keys(f, c, printer_keys, NPRINTER, &c->printer);
    }
    if (rc == 0) {
        fprintf(f, "\n[kiosk]\n");
        rc = write_keys(f, c, kiosk_keys, NKIOSK, &c->kiosk);
    }
    if (rc == 0) {
        fprintf(f, "\n[display]\n");
        rc = write_keys(f, c, display_keys, NDISPLAY, &c->display);
    }
    if (rc == 0) {
        fprintf(f, "\n[rating]\n");
        rc = write_keys(f, c, rating_keys, NRATING, &c->rating);
    }
    if (rc == 0) {
        fprintf(f, "\n[web]\n");
        rc = write_keys(f, c, web_keys, NWEB, &c->web);
    }
    if (rc == 0) {
        fprintf(f, "\n[privacy]\n");
        rc = write_keys(f, c, privacy_keys, NPRIVACY, &c->privacy);
    }
    /* Only a hall with quotas has the section: most have none. */
    if (rc == 0 && c->nquotas > 0) {
        fprintf(f, "\n[quota]\n");
        for (int i = 0; i < c->nquotas && i < QH_MAX_QUOTAS; i++) {
            if (!is_item_code(c->quotas[i].code,
                              strnlen(c->quotas[i].code, QH_ITEM_CODE_LEN))) {
                rc = QH_E_PARSE;
                break;
            }
            fprintf(f, "%s = %d\n", c->quotas[i].code, c->quotas[i].quota);
        }
    }
    if (rc == 0 && (fflush(f) != 0 || ferror(f)))
        rc = QH_E_IO;
    return rc;
}
