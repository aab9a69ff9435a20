/* export.c: `qhall export ratings` -- the hall's 好差评 as the records of
 * GB/T 39046-2020 table 9, for a provincial platform to import.
 *
 * The records come from the `rated` events of the tickets of the days
 * (the same events the reports count), each with the case number of the
 * ticket's last `finished` event before it; a 差评 overturned on appeal
 * (an `appeal_decided` event, decision overturned) is left out, as the
 * scorecard leaves it out.  The codes come from a
 * mapping file, never from qhall's own numbers: the national list counts
 * 1 = 非常满意 while qhall's score counts 5 = 非常满意, and a province may
 * count either way, so a code written straight from the score would turn
 * praise into complaints. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/clock.h"
#include "qh/conf.h"
#include "qh/csv.h"
#include "qh/err.h"
#include "qh/export.h"
#include "qh/hall.h"
#include "qh/store.h"
#include "qh/text.h"
#include "qh/ticket.h"

#define T(zh, en) QH_TR(qh_store_lang(s), zh, en)

/* The standard's 满意度 labels, by qhall's score. */
static const char *const labels[6] = {
    "", "非常不满意", "不满意", "基本满意", "满意", "非常满意",
};

const char *qh_export_map_national_text(void)
{
    return qh_asset_gbt39046_map;
}

/* ---- the mapping file ---- */

struct mctx {
    const char *name;
    char *err;
    size_t errlen;
    int nerr;
};

static void mreport(struct mctx *x, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Every bad line, as conf.c reports hall.ini's: "file:line: reason". */
static void mreport(struct mctx *x, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    x->nerr++;
    qh_err_append_at(x->err, x->errlen, x->name, line, fmt, ap);
    va_end(ap);
}

static int code_ok(const char *v)
{
    size_t n = strlen(v);
    return n >= 1 && n < QH_EXPORT_CODE_LEN &&
           strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789-_") == n;
}

static void trim(char **a, char **b)
{
    while (*a < *b && (**a == ' ' || **a == '\t'))
        (*a)++;
    while (*b > *a && ((*b)[-1] == ' ' || (*b)[-1] == '\t' || (*b)[-1] == '\r'))
        (*b)--;
}

/* One `key = value` line: the slot it fills (0-4 scores 1-5, then the
 * channels), or -1 after reporting. */
static int map_line(struct mctx *x, int line, char *text, int *lines,
                    struct qh_export_map *m)
{
    char *eq = strchr(text, '='), *end = text + strlen(text);
    if (!eq) {
        mreport(x, line, "expected \"key = value\"");
        return -1;
    }
    char *k = text, *ke = eq, *v = eq + 1, *ve = end;
    trim(&k, &ke);
    trim(&v, &ve);
    *ke = '\0';
    *ve = '\0';
    int slot = -1;
    if (!strncmp(k, "score.", 6) && k[6] >= '1' && k[6] <= '5' && !k[7])
        slot = k[6] - '1';
    enum qh_rating_channel c;
    if (slot < 0 && !strncmp(k, "channel.", 8) && !qh_rating_channel_parse(k + 8, &c))
        slot = 5 + (int)c;
    if (slot < 0) {
        mreport(x, line, "unknown key \"%.40s\" (score.1-score.5, channel.pad qr paper "
                "hotline sms default legacy)", k);
        return -1;
    }
    if (lines[slot]) {
        mreport(x, line, "%s: given twice (first on line %d)", k, lines[slot]);
        return -1;
    }
    if (!code_ok(v)) {
        mreport(x, line, "%s: expected a code of 1-16 letters, digits, '-' or '_', "
                "got \"%.40s\"", k, v);
        return -1;
    }
    char *dst = slot < 5 ? m->score[slot + 1] : m->channel[slot - 5];
    snprintf(dst, QH_EXPORT_CODE_LEN, "%s", v);
    lines[slot] = line;
    return slot;
}

int qh_export_map_parse(struct qh_export_map *m, const char *name, const char *text,
                        char *err, size_t errlen)
{
    struct mctx x = { name, err, errlen, 0 };
    int lines[5 + QH_EXPORT_NCHANNELS] = {0};
    if (err && errlen)
        err[0] = '\0';
    memset(m, 0, sizeof *m);
    int line = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        line++;
        char buf[512];
        if (n >= sizeof buf) {
            mreport(&x, line, "line too long");
        } else {
            memcpy(buf, p, n);
            buf[n] = '\0';
            char *a = buf, *b = buf + n;
            trim(&a, &b);
            *b = '\0';
            if (*a && *a != '#') {
                int slot = map_line(&x, line, a, lines, m);
                /* two scores with one code would make the platform read
                 * one satisfaction as another */
                for (int i = 0; slot >= 0 && slot < 5 && i < 5; i++)
                    if (i != slot && lines[i] && !strcmp(m->score[i + 1], m->score[slot + 1]))
                        mreport(&x, line, "score.%d: code %s is already score.%d's (line %d)",
                                slot + 1, m->score[slot + 1], i + 1, lines[i]);
            }
        }
        p += n + (nl != NULL);
    }
    for (int i = 0; i < 5 + QH_EXPORT_NCHANNELS; i++) {
        if (lines[i])
            continue;
        if (i < 5)
            mreport(&x, 0, "missing score.%d", i + 1);
        else
            mreport(&x, 0, "missing channel.%s",
                    qh_rating_channel_name((enum qh_rating_channel)(i - 5)));
    }
    return x.nerr ? QH_E_PARSE : 0;
}

int qh_export_format_parse(const char *name, enum qh_export_format *out)
{
    static const char *const names[] = {
        [QH_EXPORT_GBT39046] = "gbt39046", [QH_EXPORT_CSV] = "csv", [QH_EXPORT_JSON] = "json",
    };
    for (int i = 0; i < 3; i++)
        if (name && !strcmp(name, names[i])) {
            *out = (enum qh_export_format)i;
            return 0;
        }
    return QH_E_PARSE;
}

/* ---- the records ---- */

struct rec {
    int64_t at;
    char day[11];
    char number[QH_NUMBER_LEN];
    char case_no[QH_CASE_MAX + 1];
    enum qh_rating_channel channel;
    int count;                      /* 评价次数 */
    int score;
    char reason[QH_TEXT_REASON_LEN];
    int window;
    char staff[QH_STAFF_LEN];
    char service[QH_CODE_LEN * 4];
};

struct walk {
    struct qh_store *s;
    struct rec *r;
    size_t n, cap;
    int64_t ticket;                 /* the ticket of the events seen */
    char case_no[QH_CASE_MAX + 1];  /* its last finish's case number */
    int rated;                      /* its ratings so far */
    char bad[64];                   /* a channel no map knows */
    char bad_number[QH_NUMBER_LEN];
    int rc;                         /* what stopped the walk, 0 none */
};

static int on_event(const struct qh_event_row *e, const char *day, void *ud)
{
    struct walk *w = ud;
    if (e->ticket != w->ticket) {
        w->ticket = e->ticket;
        w->case_no[0] = '\0';
        w->rated = 0;
    }
    if (!strcmp(e->type, "finished")) {
        w->case_no[0] = '\0';
        qh_json_get_str(e->detail, "case", w->case_no, sizeof w->case_no);
        return 0;
    }
    if (!strcmp(e->type, "appeal_decided")) {
        /* 申诉: an overturned 差评 is taken back, here as on the
         * scorecard; this ticket's records are the last ones so far */
        char d[16] = "";
        qh_json_get_str(e->detail, "decision", d, sizeof d);
        if (!strcmp(d, "overturned") && w->rated > 0) {
            w->n--;
            w->rated--;
        }
        return 0;
    }
    if (strcmp(e->type, "rated"))
        return 0;
    int64_t score = 0;
    qh_json_get_int(e->detail, "score", &score);
    if (score < 1 || score > 5)
        return 0;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        struct rec *r = realloc(w->r, cap * sizeof *r);
        if (!r)
            return w->rc = QH_E_NOMEM;
        w->r = r;
        w->cap = cap;
    }
    struct rec *r = &w->r[w->n];
    memset(r, 0, sizeof *r);
    char ch[64] = "legacy";
    qh_json_get_str(e->detail, "channel", ch, sizeof ch);
    enum qh_rating_channel c;
    if (qh_rating_channel_parse(ch, &c)) {
        snprintf(w->bad, sizeof w->bad, "%s", ch);
        snprintf(w->bad_number, sizeof w->bad_number, "%s", e->number);
        return w->rc = QH_E_STATE;
    }
    r->channel = c;
    r->at = e->at;
    snprintf(r->day, sizeof r->day, "%s", day);
    snprintf(r->number, sizeof r->number, "%s", e->number);
    snprintf(r->case_no, sizeof r->case_no, "%s", w->case_no);
    r->count = ++w->rated;
    r->score = (int)score;
    qh_json_get_str(e->detail, "reason", r->reason, sizeof r->reason);
    qh_json_get_str(e->detail, "service", r->service, sizeof r->service);
    r->window = e->window;
    snprintf(r->staff, sizeof r->staff, "%s", e->staff);
    w->n++;
    return 0;
}

/* Rating time, then day and number: the store's ticket order is its own. */
static int by_time(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    int c = strcmp(x->day, y->day);
    return c ? c : strcmp(x->number, y->number);
}

static int day_ok(const char *day)
{
    char back[11];
    long z;
    if (!day || strlen(day) != 10 || day[4] != '-' || day[7] != '-' ||
        strspn(day, "0123456789-") != 10 || !(z = qh_clock_day_num(day)))
        return 0;
    qh_clock_day_str(z, back);
    return !strcmp(back, day);
}

/* The 办件编号 qhall makes when the finish recorded none: unique in the
 * region because a ticket number is unique in its hall's day. */
static void case_of(const struct rec *r, const char *region, char *out, size_t len)
{
    if (r->case_no[0]) {
        snprintf(out, len, "%s", r->case_no);
        return;
    }
    snprintf(out, len, "%s%s%.4s%.2s%.2s-%s", region, *region ? "-" : "", r->day,
             r->day + 5, r->day + 8, r->number);
}

static void write_csv(const struct qh_export_req *req, const struct qh_export_map *m,
                      const struct qh_hall_conf *h, const struct rec *r, size_t n,
                      struct qh_buf *out)
{
    static const char *const gb[] = {
        "办件编号", "评价渠道", "评价人", "评价时间", "评价次数", "满意度",
        "满意度代码", "文字评价", "行政区划",
    };
    static const char *const own[] = {
        "case_no", "channel_code", "rater", "rated_at", "count", "satisfaction",
        "satisfaction_code", "reason", "region_code", "channel", "score", "day",
        "number", "window", "staff", "service",
    };
    int gbt = req->format == QH_EXPORT_GBT39046;
    int ncol = gbt ? 9 : 16;
    for (int i = 0; i < ncol; i++)
        qh_csv_field(out, gbt ? gb[i] : own[i], i == ncol - 1);
    for (size_t i = 0; i < n; i++) {
        char cno[160], at[16], cnt[12], score[4], win[12];
        struct qh_tm tm;
        case_of(&r[i], h->region_code, cno, sizeof cno);
        qh_clock_local(h->timezone, r[i].at, &tm);
        snprintf(at, sizeof at, "%04d%02d%02dT%02d%02d%02d", tm.year, tm.month, tm.day,
                 tm.hour, tm.min, tm.sec);
        snprintf(cnt, sizeof cnt, "%d", r[i].count);
        const char *f[16] = {
            cno, m->channel[r[i].channel], "匿名", at, cnt, labels[r[i].score],
            m->score[r[i].score], r[i].reason, h->region_code,
        };
        if (!gbt) {
            snprintf(score, sizeof score, "%d", r[i].score);
            snprintf(win, sizeof win, "%d", r[i].window);
            f[9] = qh_rating_channel_name(r[i].channel);
            f[10] = score;
            f[11] = r[i].day;
            f[12] = r[i].number;
            f[13] = win;
            f[14] = r[i].staff;
            f[15] = r[i].service;
        }
        for (int k = 0; k < ncol; k++)
            qh_csv_field(out, f[k], k == ncol - 1);
    }
}

static void write_json(const struct qh_export_map *m, const struct qh_hall_conf *h,
                       const struct rec *r, size_t n, struct qh_buf *out)
{
    qh_buf_puts(out, "[");
    for (size_t i = 0; i < n; i++) {
        char cno[160], at[16];
        struct qh_tm tm;
        case_of(&r[i], h->region_code, cno, sizeof cno);
        qh_clock_local(h->timezone, r[i].at, &tm);
        snprintf(at, sizeof at, "%04d%02d%02dT%02d%02d%02d", tm.year, tm.month, tm.day,
                 tm.hour, tm.min, tm.sec);
        qh_buf_puts(out, i ? ",\n" : "\n");
        qh_json_open(out);
        qh_json_str(out, "case_no", cno);
        qh_json_str(out, "channel_code", m->channel[r[i].channel]);
        qh_json_str(out, "rater", "匿名");
        qh_json_str(out, "rated_at", at);
        qh_json_int(out, "count", r[i].count);
        qh_json_str(out, "satisfaction", labels[r[i].score]);
        qh_json_str(out, "satisfaction_code", m->score[r[i].score]);
        qh_json_str(out, "reason", r[i].reason);
        qh_json_str(out, "region_code", h->region_code[0] ? h->region_code : NULL);
        qh_json_str(out, "channel", qh_rating_channel_name(r[i].channel));
        qh_json_int(out, "score", r[i].score);
        qh_json_str(out, "day", r[i].day);
        qh_json_str(out, "number", r[i].number);
        qh_json_int(out, "window", r[i].window);
        qh_json_str(out, "staff", r[i].staff);
        qh_json_str(out, "service", r[i].service[0] ? r[i].service : NULL);
        qh_json_close(out);
    }
    qh_buf_puts(out, n ? "\n]\n" : "]\n");
}

int qh_export_ratings(struct qh_store *s, const struct qh_export_req *req,
                      struct qh_buf *out, char *err, size_t errlen)
{
    const struct qh_hall_conf *h = qh_hall_config(s);
    struct qh_export_map national;
    const struct qh_export_map *m = req->map;
    struct walk w = { .s = s, .ticket = -1 };
    int rc;

    for (int i = 0; i < 2; i++) {
        const char *d = i ? req->until : req->since;
        if (!day_ok(d))
            return qh_err(err, errlen, QH_E_PARSE,
                          T("--%s：应为日期 YYYY-MM-DD，实为「%s」",
                            "--%s: expected a date YYYY-MM-DD, got \"%s\""),
                          i ? "until" : "since", d ? d : "");
    }
    if (strcmp(req->since, req->until) > 0)
        return qh_err(err, errlen, QH_E_PARSE,
                      T("--since %s 晚于 --until %s", "--since %s is after --until %s"),
                      req->since, req->until);
    if (req->format == QH_EXPORT_GBT39046 && !h->region_code[0])
        return qh_err(err, errlen, QH_E_STATE, "%s",
                      T("未设置行政区划代码：请在 hall.ini 的 [hall] 中设置 region_code（9 位数字），"
                        "再 qhall init --config hall.ini --force",
                        "no region code: set region_code (9 digits) in [hall] of hall.ini, "
                        "then qhall init --config hall.ini --force"));
    if (!m) {
        if ((rc = qh_export_map_parse(&national, "gbt39046.map",
                                      qh_export_map_national_text(), err, errlen)) < 0)
            return rc;
        m = &national;
    }
    rc = qh_store_stats_ticket_events(s, req->since, req->until, on_event, &w, err, errlen);
    if (rc >= 0 && w.rc)
        rc = w.rc;
    if (rc == QH_E_STATE)
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%s 的评价渠道「%s」没有代码", "the rating of %s has channel \"%s\", "
                      "which has no code"), w.bad_number, w.bad);
    else if (rc == QH_E_NOMEM)
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    if (rc >= 0) {
        if (w.n > 0)    /* no ratings: no array to sort (qsort takes no NULL) */
            qsort(w.r, w.n, sizeof *w.r, by_time);
        if (req->format == QH_EXPORT_JSON)
            write_json(m, h, w.r, w.n, out);
        else
            write_csv(req, m, h, w.r, w.n, out);
        rc = out->oom ? qh_err(err, errlen, QH_E_NOMEM, "out of memory") : (int)w.n;
    }
    free(w.r);
    return rc;
}
