/* cli_report.c: `qhall report`, `qhall followup list|close` and
 * `qhall scorecard` (cli_report.h), and the overdue line of `qhall status`.
 *
 * The figures come from core's statistics (qh/stats.h); this file only
 * lays them out: a table (Chinese headers unless --lang en), CSV with a
 * UTF-8 BOM so Excel and WPS open it as UTF-8, JSON with the contract's
 * field names, and through cli_report_chart.c SVG charts and a one-file
 * HTML report.  Above the chart and the report's names (cli_report_fmt.c),
 * which call nothing here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/csv.h"
#include "qh/stats.h"
#include "qh/ticket.h"

#include "cli.h"
#include "cli_report.h"
#include "cli_report_chart.h"
#include "cli_report_fmt.h"

#define BOM "\xEF\xBB\xBF"

enum fmt { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_SVG, FMT_HTML };

static int parse_format(struct ctx *c, int allow_charts, enum fmt *out)
{
    const char *v = cli_opt(c, "format");
    *out = c->json ? FMT_JSON : FMT_TABLE;
    if (!v)
        return 0;
    static const char *const names[] = {"table", "csv", "json", "svg", "html"};
    for (int i = 0; i < (allow_charts ? 5 : 3); i++)
        if (!strcmp(v, names[i])) {
            *out = (enum fmt)i;
            return 0;
        }
    return cli_usage_error(c, TR(c, "--format: 应为 %s，实为 \"%s\"",
                                 "--format: expected %s, got \"%s\""),
                           allow_charts ? "table|csv|json|svg|html" : "table|csv|json", v);
}

/* A real calendar day "YYYY-MM-DD". */
static int day_arg(struct ctx *c, const char *opt, const char *v)
{
    int y, m, d;
    char back[32];
    if (strlen(v) == 10 && sscanf(v, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 &&
        m <= 12 && d >= 1 && d <= 31) {
        int64_t ms;
        if (qh_clock_day_start("UTC", v, &ms) == 0) {
            qh_clock_day("UTC", ms, back);
            if (!strcmp(back, v))
                return 0;
        }
    }
    return cli_usage_error(c, TR(c, "--%s: 应为日期 YYYY-MM-DD，实为 \"%s\"",
                                 "--%s: expected a date YYYY-MM-DD, got \"%s\""), opt, v);
}

/* Write text to --out FILE (or stdout). */
static int emit_text(struct ctx *c, const struct qh_buf *b)
{
    const char *path = cli_opt(c, "out");
    if (b->oom)
        return cli_fail(QH_E_NOMEM, NULL);
    if (!path || !*path || !strcmp(path, "-")) {
        fwrite(qh_buf_str(b), 1, b->len, stdout);
        return 0;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        cli_say("%s: %s", path, strerror(errno));
        return 3;
    }
    size_t n = fwrite(qh_buf_str(b), 1, b->len, f);
    if (fclose(f) != 0 || n != b->len) {
        cli_say("%s: %s", path, strerror(errno));
        return 3;
    }
    return 0;
}

static void json_pct(struct qh_buf *b, const char *key, double pct)
{
    char v[32];
    if (pct < 0) {
        qh_json_raw(b, key, "null");
        return;
    }
    snprintf(v, sizeof v, "%.1f", pct);
    qh_json_raw(b, key, v);
}

static void json_secs(struct qh_buf *b, const char *key, int v)
{
    if (v < 0)
        qh_json_raw(b, key, "null");
    else
        qh_json_int(b, key, v);
}

/* Display width: CJK and full-width forms take two columns. */
static int width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; ) {
        unsigned cp;
        int n;
        if (*p < 0x80) { cp = *p; n = 1; }
        else if ((*p & 0xE0) == 0xC0) { cp = *p & 0x1F; n = 2; }
        else if ((*p & 0xF0) == 0xE0) { cp = *p & 0x0F; n = 3; }
        else { cp = *p & 0x07; n = 4; }
        for (int i = 1; i < n && p[i]; i++)
            cp = (cp << 6) | (p[i] & 0x3F);
        for (int i = 0; i < n && *p; i++)
            p++;
        w += (cp >= 0x1100 && (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) ||
              (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
              (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
              (cp >= 0xFFE0 && cp <= 0xFFE6))) ? 2 : 1;
    }
    return w;
}

/* A table cell padded to w columns (left-aligned text, right numbers). */
static void cell(struct qh_buf *b, const char *s, int w, int right)
{
    int pad = w - width(s);
    if (right)
        for (int i = 0; i < pad; i++)
            qh_buf_puts(b, " ");
    qh_buf_puts(b, s);
    if (!right)
        for (int i = 0; i < pad; i++)
            qh_buf_puts(b, " ");
}

/* ---- report ---- */

/* The columns of a report row: field name, Chinese header, kind. */
enum col_kind { C_INT, C_SECS, C_PCT, C_RATING };
static const struct {
    const char *field, *zh, *en_table;
    enum col_kind kind;
} cols[] = {
    {"arrived", "取号", "arrived", C_INT},
    {"served", "办理", "served", C_INT},
    {"no_show", "过号", "no-show", C_INT},
    {"cancelled", "取消", "cancel", C_INT},
    {"wait_avg_s", "平均等候", "wait avg", C_SECS},
    {"wait_max_s", "最长等候", "wait max", C_SECS},
    {"wait_p90_s", "90%等候", "wait p90", C_SECS},
    {"within_target_pct", "等候达标%", "in target%", C_PCT},
    {"handle_avg_s", "平均办理", "handle avg", C_SECS},
    {"handle_max_s", "最长办理", "handle max", C_SECS},
    {"done", "办结", "done", C_INT},
    {"supplement", "需补件", "suppl.", C_INT},
    {"failed", "办不成", "failed", C_INT},
    {"one_visit_pct", "一次办结%", "one visit%", C_PCT},
    {"supplement_pct", "补件%", "suppl.%", C_PCT},
    {"rated", "评价", "rated", C_INT},
    {"ratings", "评分1/2/3/4/5", "ratings 1/2/3/4/5", C_RATING},
    {"satisfied_pct", "满意率%", "satisfied%", C_PCT},
};
#define NCOLS (sizeof cols / sizeof cols[0])

static int row_int(const struct qh_report_row *r, size_t i)
{
    switch (i) {
    case 0: return r->arrived;
    case 1: return r->served;
    case 2: return r->no_show;
    case 3: return r->cancelled;
    case 4: return r->wait_avg_s;
    case 5: return r->waits ? r->wait_max_s : -1;
    case 6: return r->wait_p90_s;
    case 8: return r->handle_avg_s;
    case 9: return r->served ? r->handle_max_s : -1;
    case 10: return r->done;
    case 11: return r->supplement;
    case 12: return r->failed;
    case 15: return r->rated;
    default: return 0;
    }
}

static double row_pct(const struct qh_report_row *r, size_t i)
{
    switch (i) {
    case 7: return r->within_target_pct;
    case 13: return r->one_visit_pct;
    case 14: return r->supplement_pct;
    default: return r->satisfied_pct;
    }
}

/* The value of column i as table text (minutes for times). */
static void cell_text(const struct qh_report_row *r, size_t i, char *out, size_t n)
{
    switch (cols[i].kind) {
    case C_INT:
        snprintf(out, n, "%d", row_int(r, i));
        break;
    case C_SECS:
        cli_report_minutes(row_int(r, i), out, n);
        break;
    case C_PCT:
        cli_report_pct(row_pct(r, i), out, n);
        break;
    case C_RATING:
        snprintf(out, n, "%d/%d/%d/%d/%d", r->ratings[0], r->ratings[1],
                 r->ratings[2], r->ratings[3], r->ratings[4]);
        break;
    }
}


/* "channels": {"pad": {"rated": N, "satisfied_pct": P}, ...}: the channels
 * that rated any, legacy (the staff's own entries) among them, apart. */
static void channels_json(struct qh_buf *b, const int *rated, const double *satisfied_pct)
{
    struct qh_buf ch, one;
    qh_buf_init(&ch);
    qh_buf_init(&one);
    qh_json_open(&ch);
    for (int i = 0; i < QH_RATE_NCHANNELS; i++) {
        if (!rated[i])
            continue;
        qh_buf_reset(&one);
        qh_json_open(&one);
        qh_json_int(&one, "rated", rated[i]);
        json_pct(&one, "satisfied_pct", satisfied_pct[i]);
        qh_json_close(&one);
        qh_json_raw(&ch, qh_rating_channel_name((enum qh_rating_channel)i), qh_buf_str(&one));
    }
    qh_json_close(&ch);
    qh_json_raw(b, "channels", qh_buf_str(&ch));
    qh_buf_fini(&one);
    qh_buf_fini(&ch);
}

static void row_json(struct ctx *c, struct qh_buf *b, const struct qh_report_row *r)
{
    (void)c;
    for (size_t i = 0; i < NCOLS; i++) {
        switch (cols[i].kind) {
        case C_INT:
            qh_json_int(b, cols[i].field, row_int(r, i));
            break;
        case C_SECS:
            json_secs(b, cols[i].field, row_int(r, i));
            break;
        case C_PCT:
            json_pct(b, cols[i].field, row_pct(r, i));
            break;
        case C_RATING: {
            char v[96];
            snprintf(v, sizeof v, "{\"1\":%d,\"2\":%d,\"3\":%d,\"4\":%d,\"5\":%d}",
                     r->ratings[0], r->ratings[1], r->ratings[2], r->ratings[3],
                     r->ratings[4]);
            qh_json_raw(b, cols[i].field, v);
            break;
        }
        }
    }
    /* 评价率, 满意率 without default ratings, and the channel mix. */
    json_pct(b, "rated_pct", r->rated_pct);
    json_pct(b, "satisfied_no_default_pct", r->satisfied_no_default_pct);
    channels_json(b, r->rated_by_channel, r->satisfied_channel_pct);
}

static void report_json(struct ctx *c, const struct qh_report *r, int by,
                        struct qh_buf *b)
{
    qh_json_open(b);
    qh_json_str(b, "from", r->from);
    qh_json_str(b, "to", r->to);
    qh_json_int(b, "target_wait_minutes", r->target_wait_s / 60);
    row_json(c, b, &r->total);
    struct qh_buf fu;
    qh_buf_init(&fu);
    qh_json_open(&fu);
    qh_json_int(&fu, "opened", r->fu_opened);
    qh_json_int(&fu, "failed_cases", r->fu_failed_opened);
    qh_json_int(&fu, "closed", r->fu_closed);
    qh_json_int(&fu, "open", r->fu_open);
    qh_json_int(&fu, "overdue_now", r->fu_overdue_now);
    qh_json_close(&fu);
    qh_json_raw(b, "followups", qh_buf_str(&fu));
    qh_buf_fini(&fu);
    if (by) {
        struct qh_buf arr, one;
        char name[256];
        qh_buf_init(&arr);
        qh_buf_init(&one);
        qh_json_str(b, "by", qh_stats_by_name(by));
        qh_buf_puts(&arr, "[");
        for (int i = 0; i < r->nrows[by]; i++) {
            const struct qh_report_row *row = &r->rows[by][i];
            qh_buf_reset(&one);
            qh_json_open(&one);
            qh_json_str(&one, "key", row->key);
            cli_report_group_name(c, by, row->key, name, sizeof name);
            qh_json_str(&one, "name", name);
            row_json(c, &one, row);
            qh_json_close(&one);
            cli_array_add(&arr, &one);
        }
        qh_buf_puts(&arr, "]");
        qh_json_raw(b, "groups", qh_buf_str(&arr));
        if (arr.oom)
            b->oom = 1;
        qh_buf_fini(&arr);
        qh_buf_fini(&one);
    }
    qh_json_close(b);
    qh_buf_puts(b, "\n");
}

static void report_csv(struct ctx *c, const struct qh_report *r, int by,
                       struct qh_buf *b)
{
    int en = c->lang == QH_LANG_EN;
    char v[256];
    qh_buf_puts(b, BOM);
    qh_csv_field(b, en ? "group" : "分组", 0);
    qh_csv_field(b, en ? "name" : "名称", 0);
    for (size_t i = 0; i < NCOLS; i++) {
        if (cols[i].kind == C_RATING) {
            for (int k = 1; k <= 5; k++) {
                snprintf(v, sizeof v, en ? "rating_%d" : "评分%d", k);
                qh_csv_field(b, v, 0);
            }
            continue;
        }
        if (en) {
            qh_csv_field(b, cols[i].field, i == NCOLS - 1);
        } else {
            snprintf(v, sizeof v, "%s%s", cols[i].zh,
                     cols[i].kind == C_SECS ? "(秒)" : "");
            qh_csv_field(b, v, i == NCOLS - 1);
        }
    }
    int n = by ? r->nrows[by] : 0;
    for (int g = -1; g < n; g++) {
        const struct qh_report_row *row = g < 0 ? &r->total : &r->rows[by][g];
        qh_csv_field(b, g < 0 ? "total" : row->key, 0);
        cli_report_group_name(c, g < 0 ? QH_BY_TOTAL : by, row->key, v, sizeof v);
        qh_csv_field(b, v, 0);
        for (size_t i = 0; i < NCOLS; i++) {
            switch (cols[i].kind) {
            case C_INT:
            case C_SECS: {
                int x = row_int(row, i);
                if (x < 0)
                    v[0] = '\0';
                else
                    snprintf(v, sizeof v, "%d", x);
                break;
            }
            case C_PCT: {
                double p = row_pct(row, i);
                if (p < 0)
                    v[0] = '\0';
                else
                    snprintf(v, sizeof v, "%.1f", p);
                break;
            }
            case C_RATING:
                for (int k = 0; k < 5; k++) {
                    snprintf(v, sizeof v, "%d", row->ratings[k]);
                    qh_csv_field(b, v, 0);
                }
                continue;
            }
            qh_csv_field(b, v, i == NCOLS - 1);
        }
    }
}

static void report_table(struct ctx *c, const struct qh_report *r, int by,
                         struct qh_buf *b)
{
    int en = c->lang == QH_LANG_EN;
    int n = by ? r->nrows[by] : 0;
    char v[256];
    int wname = width(en ? "group" : "分组");
    int w[NCOLS];
    for (int g = -1; g < n; g++) {
        const struct qh_report_row *row = g < 0 ? &r->total : &r->rows[by][g];
        cli_report_group_name(c, g < 0 ? QH_BY_TOTAL : by, row->key, v, sizeof v);
        if (width(v) > wname)
            wname = width(v);
    }
    if (wname > 40)
        wname = 40;
    for (size_t i = 0; i < NCOLS; i++) {
        w[i] = width(en ? cols[i].en_table : cols[i].zh);
        for (int g = -1; g < n; g++) {
            cell_text(g < 0 ? &r->total : &r->rows[by][g], i, v, sizeof v);
            if (width(v) > w[i])
                w[i] = width(v);
        }
    }
    qh_buf_printf(b, TR(c, "服务日 %s 至 %s（等候目标 %d 分钟；时间单位：分钟）\n",
                        "service days %s to %s (target wait %d minutes; times in minutes)\n"),
                  r->from, r->to, r->target_wait_s / 60);
    cell(b, en ? "group" : "分组", wname, 0);
    for (size_t i = 0; i < NCOLS; i++) {
        qh_buf_puts(b, "  ");
        cell(b, en ? cols[i].en_table : cols[i].zh, w[i], 1);
    }
    qh_buf_puts(b, "\n");
    for (int g = 0; g <= n; g++) {
        /* groups first, the total last */
        const struct qh_report_row *row = g < n ? &r->rows[by][g] : &r->total;
        cli_report_group_name(c, g < n ? by : QH_BY_TOTAL, row->key, v, sizeof v);
        cell(b, v, wname, 0);
        for (size_t i = 0; i < NCOLS; i++) {
            char t[64];
            cell_text(row, i, t, sizeof t);
            qh_buf_puts(b, "  ");
            cell(b, t, w[i], 1);
        }
        qh_buf_puts(b, "\n");
    }
    qh_buf_printf(b, TR(c, "回访：本期开单 %d（办不成 %d），已办结 %d，未办结 %d；当前逾期 %d\n",
                        "follow-ups: %d opened (%d could-not-be-done cases), %d closed, %d open; %d overdue now\n"),
                  r->fu_opened, r->fu_failed_opened, r->fu_closed, r->fu_open,
                  r->fu_overdue_now);
    if (!r->total.rated)
        return;
    char p1[16], p2[16];
    cli_report_pct(r->total.rated_pct, p1, sizeof p1);
    cli_report_pct(r->total.satisfied_no_default_pct, p2, sizeof p2);
    qh_buf_printf(b, TR(c, "评价：评价率 %s%%，满意率（不含默认好评）%s%%；渠道",
                        "ratings: %s%% of cases rated, %s%% satisfied without default ratings; channels"),
                  p1, p2);
    for (int i = 0, first = 1; i < QH_RATE_NCHANNELS; i++) {
        if (!r->total.rated_by_channel[i])
            continue;
        cli_report_pct(r->total.satisfied_channel_pct[i], p1, sizeof p1);
        qh_buf_printf(b, TR(c, "%s%s %d（满意率 %s%%）", "%s%s %d (%s%% satisfied)"),
                      first ? (c->lang == QH_LANG_EN ? ": " : "：") : (c->lang == QH_LANG_EN ? ", " : "，"),
                      qh_rating_channel_label((enum qh_rating_channel)i, c->lang),
                      r->total.rated_by_channel[i], p1);
        first = 0;
    }
    qh_buf_puts(b, "\n");
}

static int cmd_report(struct ctx *c)
{
    const char *day = cli_opt(c, "day"), *from = cli_opt(c, "from"),
               *to = cli_opt(c, "to"), *byv = cli_opt(c, "by");
    char today[11], err[QH_ERRLEN];
    enum fmt fmt;
    int by = 0, st;
    if ((st = parse_format(c, 1, &fmt)))
        return st;
    if (day && (from || to))
        return cli_usage_error(c, "%s", TR(c, "--day 与 --from/--to 不能同时使用",
                                           "--day and --from/--to exclude each other"));
    if (!from != !to)
        return cli_usage_error(c, "%s", TR(c, "--from 与 --to 须同时给出",
                                           "--from and --to go together"));
    qh_hall_today(c->s, today);
    if (!day && !from)
        day = today;
    if (day) {
        from = to = day;
    }
    if ((st = day_arg(c, day ? "day" : "from", from)) ||
        (st = day_arg(c, day ? "day" : "to", to)))
        return st;
    if (strcmp(from, to) > 0)
        return cli_usage_error(c, TR(c, "--from %s 晚于 --to %s", "--from %s is after --to %s"),
                               from, to);
    if (byv && (by = qh_stats_by_parse(byv)) < 0)
        return cli_usage_error(c, TR(c, "--by: 应为 window|staff|service|queue|hour，实为 \"%s\"",
                                     "--by: expected window|staff|service|queue|hour, got \"%s\""),
                               byv);
    if (by < 0)
        by = 0;
    unsigned mask = by ? 1u << by : 0;
    if (fmt == FMT_SVG || fmt == FMT_HTML)
        mask = 1u << QH_BY_WINDOW | 1u << QH_BY_STAFF | 1u << QH_BY_QUEUE |
               1u << QH_BY_HOUR | 1u << QH_BY_SERVICE;
    struct qh_report *r = NULL;
    int rc = qh_stats_report_build(c->s, from, to, mask, &r, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    struct qh_buf b;
    qh_buf_init(&b);
    switch (fmt) {
    case FMT_TABLE: report_table(c, r, by, &b); break;
    case FMT_CSV: report_csv(c, r, by, &b); break;
    case FMT_JSON: report_json(c, r, by, &b); break;
    case FMT_SVG: cli_report_svg(c, r, &b); break;
    case FMT_HTML: cli_report_html(c, r, &b); break;
    }
    st = emit_text(c, &b);
    qh_buf_fini(&b);
    qh_stats_report_free(r);
    return st;
}

/* ---- follow-ups ---- */

static const char *kind_label(struct ctx *c, const char *kind)
{
    return !strcmp(kind, "rating") ? TR(c, "差评回访", "bad rating")
                                   : TR(c, "办不成事", "could not be done");
}

static void followup_json(struct ctx *c, struct qh_buf *b, const struct qh_followup *f,
                          const char *today)
{
    qh_json_open(b);
    qh_json_int(b, "id", f->id);
    qh_json_str(b, "kind", f->kind);
    qh_json_str(b, "number", f->number);
    qh_json_str(b, "day", f->day);
    cli_json_int0(b, "window", f->window);
    cli_json_str0(b, "staff", f->staff);
    cli_json_str0(b, "service", f->service);
    cli_json_int0(b, "score", f->score);
    cli_json_str0(b, "reason", f->reason);
    cli_json_time(c, b, "opened_at", f->opened_at);
    qh_json_str(b, "due_day", f->due_day);
    qh_json_bool(b, "overdue", !f->closed_at && strcmp(f->due_day, today) < 0);
    cli_json_time(c, b, "closed_at", f->closed_at);
    cli_json_str0(b, "result", f->result);
    cli_json_str0(b, "closed_by", f->closed_by);
    qh_json_close(b);
}

struct fl {
    struct ctx *c;
    struct qh_buf *arr, *one;
    char today[11];
    int n;
};

static int followup_one(const struct qh_followup *f, void *ud)
{
    struct fl *l = ud;
    struct ctx *c = l->c;
    l->n++;
    if (c->json) {
        qh_buf_reset(l->one);
        followup_json(c, l->one, f, l->today);
        cli_array_add(l->arr, l->one);
        return 0;
    }
    int overdue = !f->closed_at && strcmp(f->due_day, l->today) < 0;
    printf(TR(c, "%4lld  %s  %s %s  %d号窗口 %s  期限 %s%s\n",
              "%4lld  %s  %s %s  window %d %s  due %s%s\n"),
           (long long)f->id, kind_label(c, f->kind), f->day, f->number, f->window,
           f->staff[0] ? f->staff : "-", f->due_day,
           f->closed_at ? TR(c, "  已办结", "  closed")
                        : overdue ? TR(c, "  【逾期】", "  OVERDUE") : "");
    if (f->score)
        printf(TR(c, "      %d分：%s\n", "      score %d: %s\n"), f->score, f->reason);
    else if (f->reason[0])
        printf(TR(c, "      说明：%s\n", "      note: %s\n"), f->reason);
    if (f->closed_at)
        printf(TR(c, "      结果：%s\n", "      result: %s\n"), f->result);
    return 0;
}

static int cmd_followup_list(struct ctx *c)
{
    struct qh_buf arr, one;
    char err[QH_ERRLEN];
    struct fl l = {c, &arr, &one, "", 0};
    int mode = cli_opt(c, "overdue") ? QH_FOLLOWUP_OVERDUE
             : cli_opt(c, "all") ? QH_FOLLOWUP_ALL : QH_FOLLOWUP_OPEN;
    qh_hall_today(c->s, l.today);
    qh_buf_init(&arr);
    qh_buf_init(&one);
    qh_buf_puts(&arr, "[");
    int rc = qh_stats_followup_each(c->s, mode, followup_one, &l, err, sizeof err);
    int st = 0;
    if (rc < 0) {
        st = cli_fail(rc, err);
    } else if (c->json) {
        qh_buf_puts(&arr, "]");
        st = cli_emit(&arr);
        qh_buf_init(&arr);
    } else if (!l.n) {
        puts(mode == QH_FOLLOWUP_OVERDUE ? TR(c, "没有逾期的回访单", "no overdue follow-ups")
                                         : TR(c, "没有回访单", "no follow-ups"));
    }
    if (rc >= 0 && qh_stats_calendar_check(c->s, err, sizeof err) < 0)
        cli_say(TR(c, "节假日文件未生效：%s", "holiday file not used: %s"), err);
    qh_buf_fini(&arr);
    qh_buf_fini(&one);
    return st;
}

static int cmd_followup_close(struct ctx *c)
{
    long long id;
    const char *result;
    int st = cli_parse_num(c, "ID", c->pos[0], 1, INT64_MAX, &id);
    if (st || (st = cli_need_opt(c, "result", &result)) ||
        (st = cli_text_opt(c, "result", QH_TEXT_RESULT, &result)))
        return st;
    char err[QH_ERRLEN], today[11];
    struct qh_followup f;
    int rc = qh_stats_followup_close(c->s, id, result, &f, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_hall_today(c->s, today);
        followup_json(c, &b, &f, today);
        return cli_emit(&b);
    }
    printf(TR(c, "回访单 %lld 已办结\n", "follow-up %lld closed\n"), id);
    return 0;
}

void cli_report_status(struct ctx *c, struct qh_buf *b)
{
    int n = qh_stats_followup_overdue(c->s);
    if (n < 0)
        n = 0;
    if (c->json) {
        qh_json_int(b, "followups_overdue", n);
        return;
    }
    if (n > 0)
        printf(TR(c, "回访：%d 件逾期（qhall followup list --overdue）\n",
                  "follow-ups: %d overdue (qhall followup list --overdue)\n"), n);
}

/* ---- scorecard ---- */

static const char *const part_zh[5] = {"出勤", "办结", "效率", "满意", "回访"};
static const char *const part_en[5] = {"attendance", "cases", "speed", "rating", "followup"};

static double part(const struct qh_scorecard_row *r, int i)
{
    const double v[5] = {r->part_attendance, r->part_cases, r->part_speed,
                         r->part_rating, r->part_followup};
    return v[i];
}

static void pauses_text(const struct qh_scorecard_row *r, char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < r->npause && used < n; i++)
        used += (size_t)snprintf(out + used, n - used, "%s%s %.0f", i ? "; " : "",
                                 r->pause[i].reason, r->pause[i].seconds / 60.0);
}

static void scorecard_json(struct ctx *c, const struct qh_scorecard *sc, struct qh_buf *b)
{
    struct qh_buf arr, one, sub;
    char v[64];
    (void)c;
    qh_buf_init(&arr);
    qh_buf_init(&one);
    qh_buf_init(&sub);
    qh_json_open(b);
    qh_json_str(b, "month", sc->month);
    qh_json_int(b, "promised_handle_s", sc->promised_s);
    qh_json_open(&sub);
    for (int i = 0; i < 5; i++)
        qh_json_int(&sub, part_en[i], sc->weights[i]);
    qh_json_close(&sub);
    qh_json_raw(b, "weights", qh_buf_str(&sub));
    qh_buf_puts(&arr, "[");
    for (int i = 0; i < sc->nrows; i++) {
        const struct qh_scorecard_row *r = &sc->rows[i];
        qh_buf_reset(&one);
        qh_json_open(&one);
        qh_json_str(&one, "staff", r->staff);
        cli_json_str0(&one, "name", r->name);
        qh_json_int(&one, "workdays", r->workdays);
        qh_json_int(&one, "days_present", r->days_present);
        qh_json_int(&one, "late_days", r->late_days);
        qh_json_int(&one, "late_minutes", r->late_minutes);
        qh_json_int(&one, "paused_s", r->paused_s);
        qh_buf_reset(&sub);
        qh_json_open(&sub);
        for (int k = 0; k < r->npause; k++)
            qh_json_int(&sub, r->pause[k].reason, r->pause[k].seconds);
        qh_json_close(&sub);
        qh_json_raw(&one, "paused_by_reason", qh_buf_str(&sub));
        qh_json_int(&one, "served", r->served);
        qh_json_int(&one, "done", r->done);
        qh_json_int(&one, "supplement", r->supplement);
        qh_json_int(&one, "failed", r->failed);
        json_secs(&one, "handle_avg_s", r->handle_avg_s);
        json_pct(&one, "within_promised_pct", r->within_promised_pct);
        qh_json_int(&one, "rated", r->rated);
        snprintf(v, sizeof v, "{\"1\":%d,\"2\":%d,\"3\":%d,\"4\":%d,\"5\":%d}",
                 r->ratings[0], r->ratings[1], r->ratings[2], r->ratings[3], r->ratings[4]);
        qh_json_raw(&one, "ratings", v);
        json_pct(&one, "satisfied_pct", r->satisfied_pct);
        json_pct(&one, "rated_pct", r->rated_pct);
        channels_json(&one, r->rated_by_channel, r->satisfied_channel_pct);
        qh_json_int(&one, "followups_open", r->fu_open);
        qh_json_int(&one, "followups_closed", r->fu_closed);
        qh_json_int(&one, "followups_on_time", r->fu_on_time);
        qh_json_int(&one, "followups_overdue", r->fu_overdue);
        qh_buf_reset(&sub);
        qh_json_open(&sub);
        for (int k = 0; k < 5; k++)
            json_pct(&sub, part_en[k], part(r, k));
        qh_json_close(&sub);
        qh_json_raw(&one, "parts", qh_buf_str(&sub));
        json_pct(&one, "score", r->score);
        qh_json_close(&one);
        cli_array_add(&arr, &one);
    }
    qh_buf_puts(&arr, "]");
    qh_json_raw(b, "staff", qh_buf_str(&arr));
    qh_json_close(b);
    qh_buf_puts(b, "\n");
    qh_buf_fini(&arr);
    qh_buf_fini(&one);
    qh_buf_fini(&sub);
}

static const struct {
    const char *zh, *en;
} sc_cols[] = {
    {"工号", "staff"}, {"姓名", "name"}, {"出勤天数", "days present"},
    {"工作日", "workdays"}, {"迟到天数", "late days"}, {"迟到分钟", "late minutes"},
    {"暂停(分)", "paused (min)"}, {"暂停原因(分)", "pauses by reason (min)"},
    {"办理", "served"}, {"办结", "done"}, {"需补件", "supplement"}, {"办不成", "failed"},
    {"平均办理(分)", "handle avg (min)"}, {"承诺内%", "within promise%"},
    {"评价", "rated"}, {"评价率%", "rated%"}, {"评分1/2/3/4/5", "ratings 1/2/3/4/5"},
    {"满意率%", "satisfied%"}, {"评价渠道(件/满意率%)", "channels (rated/satisfied%)"},
    {"差评回访未办结", "follow-ups open"}, {"已办结", "closed"}, {"按期", "on time"},
    {"总分", "score"},
};
#define NSC (sizeof sc_cols / sizeof sc_cols[0])

/* "pad 12/83; legacy 3/100": channel names, as in the JSON, in CSV and
 * English; the Chinese labels on screen. */
static void channels_text(const struct qh_scorecard_row *r, enum qh_lang lang, char *out,
                          size_t n)
{
    size_t used = 0;
    char p[16];
    out[0] = '\0';
    for (int i = 0; i < QH_RATE_NCHANNELS && used < n; i++) {
        if (!r->rated_by_channel[i])
            continue;
        cli_report_pct(r->satisfied_channel_pct[i], p, sizeof p);
        used += (size_t)snprintf(out + used, n - used, "%s%s %d/%s", used ? "; " : "",
                                 lang == QH_LANG_EN ? qh_rating_channel_name(i)
                                 : qh_rating_channel_label(i, lang),
                                 r->rated_by_channel[i], p);
    }
}

static void sc_cell(const struct qh_scorecard_row *r, size_t i, int csv, enum qh_lang lang,
                    char *v, size_t n)
{
    switch (i) {
    case 0: snprintf(v, n, "%s", r->staff); break;
    case 1: snprintf(v, n, "%s", r->name); break;
    case 2: snprintf(v, n, "%d", r->days_present); break;
    case 3: snprintf(v, n, "%d", r->workdays); break;
    case 4: snprintf(v, n, "%d", r->late_days); break;
    case 5: snprintf(v, n, "%d", r->late_minutes); break;
    case 6: snprintf(v, n, "%.0f", r->paused_s / 60.0); break;
    case 7: pauses_text(r, v, n); if (!*v && !csv) snprintf(v, n, "-"); break;
    case 8: snprintf(v, n, "%d", r->served); break;
    case 9: snprintf(v, n, "%d", r->done); break;
    case 10: snprintf(v, n, "%d", r->supplement); break;
    case 11: snprintf(v, n, "%d", r->failed); break;
    case 12: cli_report_minutes(r->handle_avg_s, v, n); break;
    case 13: cli_report_pct(r->within_promised_pct, v, n); break;
    case 14: snprintf(v, n, "%d", r->rated); break;
    case 15: cli_report_pct(r->rated_pct, v, n); break;
    case 16: snprintf(v, n, "%d/%d/%d/%d/%d", r->ratings[0], r->ratings[1],
                      r->ratings[2], r->ratings[3], r->ratings[4]); break;
    case 17: cli_report_pct(r->satisfied_pct, v, n); break;
    case 18: channels_text(r, lang, v, n); if (!*v && !csv) snprintf(v, n, "-"); break;
    case 19: snprintf(v, n, "%d", r->fu_open); break;
    case 20: snprintf(v, n, "%d", r->fu_closed); break;
    case 21: snprintf(v, n, "%d", r->fu_on_time); break;
    default: snprintf(v, n, "%.1f", r->score); break;
    }
    if (csv && !strcmp(v, "-"))
        v[0] = '\0';
}

static int cmd_scorecard(struct ctx *c)
{
    enum fmt fmt;
    char month[16], err[QH_ERRLEN], today[11];
    int st = parse_format(c, 0, &fmt);
    if (st)
        return st;
    const char *m = cli_opt(c, "month");
    qh_hall_today(c->s, today);
    snprintf(month, sizeof month, "%.7s", m ? m : today);
    if (m && strlen(m) != 7)
        return cli_usage_error(c, TR(c, "--month: 应为 YYYY-MM，实为 \"%s\"",
                                     "--month: expected YYYY-MM, got \"%s\""), m);
    struct qh_scorecard *sc = NULL;
    int rc = qh_stats_scorecard_build(c->s, month, cli_opt(c, "staff"), &sc, err, sizeof err);
    if (rc == QH_E_PARSE)
        return cli_usage_error(c, "--month: %s", err);
    if (rc < 0)
        return cli_fail(rc, err);
    const char *staff = cli_opt(c, "staff");
    if (staff && *staff && sc->nrows == 0) {
        qh_stats_scorecard_free(sc);
        return cli_fail(QH_E_NOTFOUND, TR(c, "没有该工作人员", "no such staff member"));
    }
    struct qh_buf b;
    char v[512];
    int en = c->lang == QH_LANG_EN;
    qh_buf_init(&b);
    if (fmt == FMT_JSON) {
        scorecard_json(c, sc, &b);
    } else if (fmt == FMT_CSV) {
        qh_buf_puts(&b, BOM);
        for (size_t i = 0; i < NSC; i++)
            qh_csv_field(&b, en ? sc_cols[i].en : sc_cols[i].zh, i == NSC - 1);
        for (int k = 0; k < sc->nrows; k++)
            for (size_t i = 0; i < NSC; i++) {
                sc_cell(&sc->rows[k], i, 1, QH_LANG_EN, v, sizeof v);
                qh_csv_field(&b, v, i == NSC - 1);
            }
    } else {
        int w[NSC];
        for (size_t i = 0; i < NSC; i++) {
            w[i] = width(en ? sc_cols[i].en : sc_cols[i].zh);
            for (int k = 0; k < sc->nrows; k++) {
                sc_cell(&sc->rows[k], i, 0, c->lang, v, sizeof v);
                if (width(v) > w[i])
                    w[i] = width(v);
            }
        }
        qh_buf_printf(&b, TR(c, "%s 考核（承诺办理时间 %d 分钟；权重 出勤%d 办结%d 效率%d 满意%d 回访%d）\n",
                             "%s scorecard (promised handling %d minutes; weights attendance %d cases %d speed %d rating %d followup %d)\n"),
                      sc->month, sc->promised_s / 60, sc->weights[0], sc->weights[1],
                      sc->weights[2], sc->weights[3], sc->weights[4]);
        for (size_t i = 0; i < NSC; i++) {
            cell(&b, en ? sc_cols[i].en : sc_cols[i].zh, w[i], i > 1 && i != 7);
            qh_buf_puts(&b, i + 1 < NSC ? "  " : "\n");
        }
        for (int k = 0; k < sc->nrows; k++)
            for (size_t i = 0; i < NSC; i++) {
                sc_cell(&sc->rows[k], i, 0, c->lang, v, sizeof v);
                cell(&b, v, w[i], i > 1 && i != 7);
                qh_buf_puts(&b, i + 1 < NSC ? "  " : "\n");
            }
        if (!sc->nrows)
            qh_buf_puts(&b, TR(c, "（没有工作人员）\n", "(no staff)\n"));
        (void)part_zh;
    }
    st = emit_text(c, &b);
    qh_buf_fini(&b);
    qh_stats_scorecard_free(sc);
    return st;
}

const struct cmd qh_cli_report_cmds[] = {
    { "report", cmd_report, "day= from= to= by= format= out=", 0, 0, 0,
      "report [--day D | --from D --to D] [--by window|staff|service|queue|hour] [--format table|csv|json|svg|html] [--out FILE]",
      "统计报表：取号、办理、过号、等候、办理时长、办结结果、好差评（默认今天、全厅合计）",
      "report: arrivals, cases, no-shows, waits, handling, outcomes, ratings (default today, hall total)" },
    { "followup list", cmd_followup_list, "overdue all", 0, 0, 0,
      "followup list [--overdue] [--all] [--json]",
      "回访单：差评回访与办不成事（默认未办结的；--overdue 仅逾期；--all 含已办结）",
      "follow-ups of bad ratings and could-not-be-done cases (open ones; --overdue; --all with closed)" },
    { "followup close", cmd_followup_close, "result=", 1, 1, 0,
      "followup close ID --result TEXT",
      "办结回访单，记录回访或整改结果", "close a follow-up, recording what the call or the fix found" },
    { "scorecard", cmd_scorecard, "month= staff= format=", 0, 0, 0,
      "scorecard [--month YYYY-MM] [--staff ID] [--format table|csv|json]",
      "考核：出勤、迟到、暂停、办结、办理时长、满意率、差评回访与总分（默认本月）",
      "staff scorecard: attendance, lateness, pauses, cases, handling, ratings, follow-ups, total (default this month)" },
    { NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};
