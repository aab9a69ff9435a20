/* cli_report_chart.c: the report as pictures: hand-written SVG charts and a
 * single-file HTML report that embeds them, for printing or mailing.
 *
 * No chart library and no script: the SVG is a few rectangles and text
 * elements whose font list names the CJK fonts a Debian desktop has
 * (Noto Sans CJK SC, WenQuanYi Zen Hei), so the file renders the same in
 * a browser, in rsvg-convert and on paper.
 *
 * Called by cli_report.c; calls only the report's names and figures
 * (cli_report_fmt.c) and the helpers of cli.h, never back up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/stats.h"

#include "cli.h"
#include "cli_report_chart.h"
#include "cli_report_fmt.h"

#define FONT "Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif"
#define W 560                     /* one chart */
#define H 300
#define C_ARR "#4e79a7"
#define C_SRV "#59a14f"
#define C_WARN "#e15759"
#define C_GRID "#d9d9d9"
#define C_TEXT "#222222"

static void esc(struct qh_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': qh_buf_puts(b, "&lt;"); break;
        case '>': qh_buf_puts(b, "&gt;"); break;
        case '&': qh_buf_puts(b, "&amp;"); break;
        case '"': qh_buf_puts(b, "&quot;"); break;
        default: qh_buf_add(b, s, 1);
        }
    }
}

static void text(struct qh_buf *b, double x, double y, int size, const char *anchor,
                 const char *fill, int bold, const char *s)
{
    qh_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\""
                  " fill=\"%s\"%s>", x, y, size, anchor, fill,
                  bold ? " font-weight=\"bold\"" : "");
    esc(b, s);
    qh_buf_puts(b, "</text>\n");
}

static void rect(struct qh_buf *b, double x, double y, double w, double h,
                 const char *fill)
{
    qh_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                  " fill=\"%s\"/>\n", x, y, w > 0 ? w : 0, h > 0 ? h : 0, fill);
}

/* A round axis maximum at or above v, and its tick step. */
static int nice_max(int v, int *step)
{
    static const int steps[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500,
                                1000, 2000, 5000, 10000, 20000, 50000};
    if (v < 1)
        v = 1;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (v <= steps[i] * 5) {
            *step = steps[i];
            return ((v + steps[i] - 1) / steps[i]) * steps[i];
        }
    *step = v / 5;
    return v;
}

static void frame_open(struct qh_buf *b, int x, int y, const char *title)
{
    qh_buf_printf(b, "<svg x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
                  " viewBox=\"0 0 %d %d\" font-family=\"" FONT "\">\n",
                  x, y, W, H, W, H);
    rect(b, 0, 0, W, H, "#ffffff");
    text(b, 16, 26, 17, "start", C_TEXT, 1, title);
}

static void y_axis(struct qh_buf *b, int x0, int y0, int w, int h, int max, int step)
{
    char v[16];
    for (int t = 0; t <= max; t += step) {
        double y = y0 - (double)h * t / max;
        qh_buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
                      " stroke=\"%s\" stroke-width=\"1\"/>\n", x0, y, x0 + w, y,
                      t ? C_GRID : "#888888");
        snprintf(v, sizeof v, "%d", t);
        text(b, x0 - 6, y + 4, 12, "end", "#555555", 0, v);
    }
}

static void legend(struct qh_buf *b, int x, int y, const char *color, const char *label)
{
    rect(b, x, y - 10, 12, 12, color);
    text(b, x + 17, y, 13, "start", C_TEXT, 0, label);
}

/* 1: arrivals and cases served per hour. */
static void chart_hours(struct ctx *c, const struct qh_report *r, struct qh_buf *b,
                        int x, int y)
{
    int lo = 8, hi = 17, max = 0, step;
    for (int h = 0; h < 24; h++)
        if (r->hour_arrived[h] || r->hour_served[h]) {
            if (h < lo)
                lo = h;
            if (h > hi)
                hi = h;
            if (r->hour_arrived[h] > max)
                max = r->hour_arrived[h];
            if (r->hour_served[h] > max)
                max = r->hour_served[h];
        }
    max = nice_max(max, &step);
    frame_open(b, x, y, TR(c, "每小时取号与办理", "Arrivals and cases per hour"));
    legend(b, W - 220, 26, C_ARR, TR(c, "取号", "arrived"));
    legend(b, W - 130, 26, C_SRV, TR(c, "办理", "served"));
    int x0 = 50, y0 = H - 40, pw = W - 70, ph = H - 90;
    y_axis(b, x0, y0, pw, ph, max, step);
    int n = hi - lo + 1;
    double slot = (double)pw / n, bw = slot * 0.36;
    char v[16];
    for (int h = lo; h <= hi; h++) {
        double sx = x0 + (h - lo) * slot + slot * 0.12;
        double ha = (double)ph * r->hour_arrived[h] / max;
        double hs = (double)ph * r->hour_served[h] / max;
        rect(b, sx, y0 - ha, bw, ha, C_ARR);
        rect(b, sx + bw, y0 - hs, bw, hs, C_SRV);
        snprintf(v, sizeof v, "%02d", h);
        text(b, sx + bw, y0 + 17, 12, "middle", "#555555", 0, v);
    }
    text(b, x0 + pw / 2.0, H - 6, 12, "middle", "#555555", 0,
         TR(c, "时（取号按取号时间，办理按办结时间）", "hour (arrivals by issue, cases by finish)"));
    qh_buf_puts(b, "</svg>\n");
}

/* 2: how long people waited, against the target. */
static void chart_waits(struct ctx *c, const struct qh_report *r, struct qh_buf *b,
                        int x, int y)
{
    int max = 0, step, total = 0;
    for (int k = 0; k < QH_WAIT_BUCKETS; k++) {
        if (r->wait_hist[k] > max)
            max = r->wait_hist[k];
        total += r->wait_hist[k];
    }
    max = nice_max(max, &step);
    frame_open(b, x, y, TR(c, "等候时长分布", "Waits"));
    char v[96];
    snprintf(v, sizeof v, TR(c, "目标 %d 分钟内", "within %d minutes"),
             r->target_wait_s / 60);
    legend(b, W - 250, 26, C_SRV, v);
    legend(b, W - 110, 26, C_WARN, TR(c, "超过目标", "over"));
    int x0 = 50, y0 = H - 40, pw = W - 70, ph = H - 90;
    y_axis(b, x0, y0, pw, ph, max, step);
    double slot = (double)pw / QH_WAIT_BUCKETS, bw = slot * 0.7;
    for (int k = 0; k < QH_WAIT_BUCKETS; k++) {
        int from = qh_stats_wait_bucket_min[k];
        double sx = x0 + k * slot + slot * 0.15;
        double bh = (double)ph * r->wait_hist[k] / max;
        rect(b, sx, y0 - bh, bw, bh, from * 60 < r->target_wait_s ? C_SRV : C_WARN);
        if (r->wait_hist[k]) {
            snprintf(v, sizeof v, "%d", r->wait_hist[k]);
            text(b, sx + bw / 2, y0 - bh - 4, 12, "middle", C_TEXT, 0, v);
        }
        if (k + 1 < QH_WAIT_BUCKETS)
            snprintf(v, sizeof v, "%d-%d", from, qh_stats_wait_bucket_min[k + 1]);
        else
            snprintf(v, sizeof v, "%d+", from);
        text(b, sx + bw / 2, y0 + 17, 12, "middle", "#555555", 0, v);
    }
    snprintf(v, sizeof v, TR(c, "分钟（共 %d 人被叫号）", "minutes (%d people called)"), total);
    text(b, x0 + pw / 2.0, H - 6, 12, "middle", "#555555", 0, v);
    qh_buf_puts(b, "</svg>\n");
}

/* 3: cases per window, with each window's one-visit rate. */
static void chart_windows(struct ctx *c, const struct qh_report *r, struct qh_buf *b,
                          int x, int y)
{
    int n = r->nrows[QH_BY_WINDOW], max = 0, step;
    const struct qh_report_row *rows = r->rows[QH_BY_WINDOW];
    for (int i = 0; i < n; i++)
        if (rows[i].served > max)
            max = rows[i].served;
    max = nice_max(max, &step);
    frame_open(b, x, y, TR(c, "各窗口办理件数（一次办结率）", "Cases per window (one-visit rate)"));
    int x0 = 130, pw = W - x0 - 90, top = 46, ph = H - top - 16;
    int shown = 0;
    for (int i = 0; i < n; i++)
        shown += strcmp(rows[i].key, "-") != 0;
    double slot = shown ? (double)ph / (shown > 6 ? shown : 6) : ph;
    char v[160], p[16];
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!strcmp(rows[i].key, "-"))
            continue;       /* tickets never called have no window */
        double sy = top + k++ * slot;
        double bw = (double)pw * rows[i].served / max;
        cli_report_group_name(c, QH_BY_WINDOW, rows[i].key, v, sizeof v);
        text(b, x0 - 8, sy + slot * 0.55 + 4, 13, "end", C_TEXT, 0, v);
        rect(b, x0, sy + slot * 0.15, bw, slot * 0.7, C_ARR);
        cli_report_pct(rows[i].one_visit_pct, p, sizeof p);
        snprintf(v, sizeof v, "%d  (%s%%)", rows[i].served, p);
        text(b, x0 + bw + 6, sy + slot * 0.55 + 4, 12, "start", C_TEXT, 0, v);
    }
    if (!shown)
        text(b, W / 2.0, H / 2.0, 14, "middle", "#888888", 0, TR(c, "无数据", "no data"));
    qh_buf_puts(b, "</svg>\n");
}

/* 4: the rating mix as one 100% bar. */
static void chart_ratings(struct ctx *c, const struct qh_report *r, struct qh_buf *b,
                          int x, int y)
{
    static const char *const colors[5] = {"#d62728", "#ff7f0e", "#bcbd22", "#8cc084", "#2ca02c"};
    static const char *const zh[5] = {"非常不满意", "不满意", "基本满意", "满意", "非常满意"};
    static const char *const en[5] = {"very unsatisfied", "unsatisfied", "fair",
                                      "satisfied", "very satisfied"};
    const struct qh_report_row *t = &r->total;
    char v[128], p[16];
    frame_open(b, x, y, TR(c, "好差评构成", "Ratings"));
    cli_report_pct(t->satisfied_pct, p, sizeof p);
    snprintf(v, sizeof v, TR(c, "满意率 %s%%（%d 个评价）", "satisfied %s%% (%d ratings)"),
             p, t->rated);
    text(b, W / 2.0, 80, 26, "middle", C_TEXT, 1, v);
    int x0 = 30, bw = W - 60, by = 110, bh = 46;
    double cx = x0;
    for (int k = 4; k >= 0; k--) {
        if (!t->rated)
            break;
        double w = (double)bw * t->ratings[k] / t->rated;
        rect(b, cx, by, w, bh, colors[k]);
        if (w > 26) {
            snprintf(v, sizeof v, "%d", t->ratings[k]);
            text(b, cx + w / 2, by + bh / 2.0 + 5, 14, "middle", "#ffffff", 1, v);
        }
        cx += w;
    }
    if (!t->rated)
        rect(b, x0, by, bw, bh, "#eeeeee");
    for (int k = 4, i = 0; k >= 0; k--, i++) {
        snprintf(v, sizeof v, "%d %s", k + 1, c->lang == QH_LANG_EN ? en[k] : zh[k]);
        legend(b, x0 + (i % 3) * 175, by + bh + 34 + (i / 3) * 24, colors[k], v);
    }
    snprintf(v, sizeof v, TR(c, "差评（1-2分）%d 个：每个都开回访单", "%d bad ratings (1-2): each opens a follow-up"),
             t->ratings[0] + t->ratings[1]);
    text(b, x0, H - 18, 13, "start", "#555555", 0, v);
    qh_buf_puts(b, "</svg>\n");
}

void cli_report_svg(struct ctx *c, const struct qh_report *r, struct qh_buf *out)
{
    const struct qh_hall_conf *h = qh_hall_config(c->s);
    char v[300];
    int en = c->lang == QH_LANG_EN;
    qh_buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                  " viewBox=\"0 0 %d %d\" font-family=\"" FONT "\">\n",
                  2 * W + 30, 2 * H + 80, 2 * W + 30, 2 * H + 80);
    rect(out, 0, 0, 2 * W + 30, 2 * H + 80, "#f4f5f7");
    if (!strcmp(r->from, r->to))
        snprintf(v, sizeof v, "%s  %s", en && h->name_en[0] ? h->name_en : h->name, r->from);
    else
        snprintf(v, sizeof v, "%s  %s – %s", en && h->name_en[0] ? h->name_en : h->name,
                 r->from, r->to);
    text(out, 10, 34, 22, "start", C_TEXT, 1, v);
    chart_hours(c, r, out, 10, 60);
    chart_waits(c, r, out, W + 20, 60);
    chart_windows(c, r, out, 10, H + 70);
    chart_ratings(c, r, out, W + 20, H + 70);
    qh_buf_puts(out, "</svg>\n");
}

/* ---- HTML ---- */

static void svg_inline(struct ctx *c, const struct qh_report *r, struct qh_buf *b,
                       void (*chart)(struct ctx *, const struct qh_report *,
                                     struct qh_buf *, int, int))
{
    qh_buf_printf(b, "<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\""
                  " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">\n", W, H, W, H);
    chart(c, r, b, 0, 0);
    qh_buf_puts(b, "</svg></div>\n");
}

static void card(struct qh_buf *b, const char *label, const char *value, int warn)
{
    qh_buf_printf(b, "<div class=\"card%s\"><div class=\"v\">", warn ? " warn" : "");
    esc(b, value);
    qh_buf_puts(b, "</div><div class=\"l\">");
    esc(b, label);
    qh_buf_puts(b, "</div></div>\n");
}

static void table(struct ctx *c, const struct qh_report *r, int by, int limit,
                  struct qh_buf *b, const char *title)
{
    int n = r->nrows[by];
    char v[256];
    qh_buf_puts(b, "<h2>");
    esc(b, title);
    qh_buf_puts(b, "</h2>\n<table><thead><tr>");
    static const char *const zh[] = {"分组", "取号", "办理", "过号", "取消", "平均等候(分)",
        "最长等候(分)", "90%等候(分)", "等候达标%", "平均办理(分)", "办结", "需补件",
        "办不成", "一次办结%", "评价", "满意率%"};
    static const char *const en[] = {"group", "arrived", "served", "no-show", "cancelled",
        "wait avg (min)", "wait max (min)", "wait p90 (min)", "within target %",
        "handle avg (min)", "done", "supplement", "failed", "one visit %", "rated",
        "satisfied %"};
    for (size_t i = 0; i < sizeof zh / sizeof zh[0]; i++) {
        qh_buf_puts(b, "<th>");
        esc(b, c->lang == QH_LANG_EN ? en[i] : zh[i]);
        qh_buf_puts(b, "</th>");
    }
    qh_buf_puts(b, "</tr></thead><tbody>\n");
    /* by service: the busiest first, at most `limit` rows */
    int *order = malloc((size_t)(n ? n : 1) * sizeof *order);
    if (!order) {
        b->oom = 1;
        return;
    }
    for (int i = 0; i < n; i++)
        order[i] = i;
    if (limit)
        for (int i = 1; i < n; i++)
            for (int j = i; j > 0 && r->rows[by][order[j]].arrived >
                                     r->rows[by][order[j - 1]].arrived; j--) {
                int t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
    int shown = limit && n > limit ? limit : n;
    for (int g = 0; g <= shown; g++) {
        const struct qh_report_row *row = g < shown ? &r->rows[by][order[g]] : &r->total;
        char m[7][16];
        cli_report_minutes(row->wait_avg_s, m[0], sizeof m[0]);
        cli_report_minutes(row->waits ? row->wait_max_s : -1, m[1], sizeof m[1]);
        cli_report_minutes(row->wait_p90_s, m[2], sizeof m[2]);
        cli_report_pct(row->within_target_pct, m[3], sizeof m[3]);
        cli_report_minutes(row->handle_avg_s, m[4], sizeof m[4]);
        cli_report_pct(row->one_visit_pct, m[5], sizeof m[5]);
        cli_report_pct(row->satisfied_pct, m[6], sizeof m[6]);
        cli_report_group_name(c, g < shown ? by : QH_BY_TOTAL, row->key, v, sizeof v);
        qh_buf_puts(b, g < shown ? "<tr><td class=\"k\">" : "<tr class=\"total\"><td class=\"k\">");
        esc(b, v);
        qh_buf_printf(b, "</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%s</td>"
                      "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td>"
                      "<td>%d</td><td>%s</td><td>%d</td><td>%s</td></tr>\n",
                      row->arrived, row->served, row->no_show, row->cancelled, m[0], m[1],
                      m[2], m[3], m[4], row->done, row->supplement, row->failed, m[5],
                      row->rated, m[6]);
    }
    free(order);
    qh_buf_puts(b, "</tbody></table>\n");
    if (shown < n)
        qh_buf_printf(b, TR(c, "<p class=\"note\">取号最多的 %d 项，共 %d 项。</p>\n",
                            "<p class=\"note\">The %d busiest of %d.</p>\n"), shown, n);
}

struct od {
    struct ctx *c;
    struct qh_buf *b;
    int n;
};

static int overdue_row(const struct qh_followup *f, void *ud)
{
    struct od *o = ud;
    struct ctx *c = o->c;
    char v[64];
    if (!o->n++)
        qh_buf_puts(o->b, TR(c, "<table><thead><tr><th>单号</th><th>类别</th><th>日期</th>"
                                "<th>号码</th><th>窗口</th><th>工作人员</th><th>期限</th>"
                                "<th>原因</th></tr></thead><tbody>\n",
                                "<table><thead><tr><th>ID</th><th>kind</th><th>day</th>"
                                "<th>ticket</th><th>window</th><th>staff</th><th>due</th>"
                                "<th>reason</th></tr></thead><tbody>\n"));
    snprintf(v, sizeof v, "%lld", (long long)f->id);
    qh_buf_printf(o->b, "<tr><td>%s</td><td>", v);
    esc(o->b, !strcmp(f->kind, "rating") ? TR(c, "差评回访", "bad rating")
                                         : TR(c, "办不成事", "could not be done"));
    qh_buf_printf(o->b, "</td><td>%s</td><td>", f->day);
    esc(o->b, f->number);
    qh_buf_printf(o->b, "</td><td>%d</td><td>", f->window);
    esc(o->b, f->staff);
    qh_buf_printf(o->b, "</td><td class=\"bad\">%s</td><td class=\"k\">", f->due_day);
    esc(o->b, f->reason);
    qh_buf_puts(o->b, "</td></tr>\n");
    return 0;
}

int cli_report_html(struct ctx *c, const struct qh_report *r, struct qh_buf *b)
{
    const struct qh_hall_conf *h = qh_hall_config(c->s);
    int en = c->lang == QH_LANG_EN;
    const char *hall = en && h->name_en[0] ? h->name_en : h->name;
    char v[300], p[32], now[32];
    const struct qh_report_row *t = &r->total;
    qh_clock_iso(h->timezone, qh_clock_now(), now);
    now[16] = '\0';
    now[10] = ' ';
    if (!strcmp(r->from, r->to))
        snprintf(v, sizeof v, "%s", r->from);
    else
        snprintf(v, sizeof v, "%s – %s", r->from, r->to);
    qh_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<title>", en ? "en" : "zh-CN");
    esc(b, hall);
    qh_buf_printf(b, " %s %s</title>\n", TR(c, "统计报表", "report"), v);
    qh_buf_puts(b, "<style>\n"
        "body{font-family:\"Noto Sans CJK SC\",\"WenQuanYi Zen Hei\",sans-serif;color:#222;"
        "margin:24px auto;max-width:1180px;padding:0 12px;background:#fff}\n"
        "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;"
        "border-left:5px solid #4e79a7;padding-left:8px}\n"
        ".sub{color:#555;margin-bottom:16px}\n"
        ".cards{display:flex;flex-wrap:wrap;gap:10px}\n"
        ".card{border:1px solid #ccd;border-radius:6px;padding:10px 14px;min-width:130px}\n"
        ".card .v{font-size:26px;font-weight:bold}.card .l{color:#555;font-size:14px}\n"
        ".card.warn{border-color:#e15759}.card.warn .v{color:#c0392b}\n"
        ".charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #e3e3e3}\n"
        "table{border-collapse:collapse;font-size:13px;width:100%}\n"
        "th,td{border:1px solid #ccc;padding:4px 6px;text-align:right}\n"
        "th{background:#eef1f6}td.k{text-align:left}tr.total td{font-weight:bold;"
        "background:#f7f7f7}td.bad{color:#c0392b;font-weight:bold}\n"
        ".note{color:#555;font-size:13px}\n"
        "@media print{body{margin:0}.chart{break-inside:avoid}h2{break-after:avoid}}\n"
        "</style>\n</head>\n<body>\n<h1>");
    esc(b, hall);
    qh_buf_printf(b, " · %s</h1>\n<div class=\"sub\">", TR(c, "统计报表", "report"));
    qh_buf_printf(b, TR(c, "服务日 %s；等候目标 %d 分钟；生成于 %s",
                        "service days %s; target wait %d minutes; made %s"),
                  v, r->target_wait_s / 60, now);
    qh_buf_puts(b, "</div>\n<div class=\"cards\">\n");
    snprintf(p, sizeof p, "%d", t->arrived);
    card(b, TR(c, "取号人数", "arrived"), p, 0);
    snprintf(p, sizeof p, "%d", t->served);
    card(b, TR(c, "办理件数", "cases served"), p, 0);
    cli_report_minutes(t->wait_avg_s, p, sizeof p);
    card(b, TR(c, "平均等候（分钟）", "average wait (min)"), p, 0);
    cli_report_pct(t->within_target_pct, p, sizeof p);
    strcat(p, t->within_target_pct >= 0 ? "%" : "");
    card(b, TR(c, "等候达标率", "waits within target"), p, t->within_target_pct >= 0 && t->within_target_pct < 80);
    cli_report_pct(t->one_visit_pct, p, sizeof p);
    strcat(p, t->one_visit_pct >= 0 ? "%" : "");
    card(b, TR(c, "一次办结率", "done in one visit"), p, 0);
    cli_report_pct(t->satisfied_pct, p, sizeof p);
    strcat(p, t->satisfied_pct >= 0 ? "%" : "");
    card(b, TR(c, "满意率", "satisfied"), p, t->satisfied_pct >= 0 && t->satisfied_pct < 80);
    snprintf(p, sizeof p, "%d", r->fu_overdue_now);
    card(b, TR(c, "逾期回访单", "overdue follow-ups"), p, r->fu_overdue_now > 0);
    qh_buf_puts(b, "</div>\n<h2>");
    esc(b, TR(c, "图表", "Charts"));
    qh_buf_puts(b, "</h2>\n<div class=\"charts\">\n");
    svg_inline(c, r, b, chart_hours);
    svg_inline(c, r, b, chart_waits);
    svg_inline(c, r, b, chart_windows);
    svg_inline(c, r, b, chart_ratings);
    qh_buf_puts(b, "</div>\n");
    table(c, r, QH_BY_WINDOW, 0, b, TR(c, "按窗口", "By window"));
    table(c, r, QH_BY_STAFF, 0, b, TR(c, "按工作人员", "By staff"));
    table(c, r, QH_BY_QUEUE, 0, b, TR(c, "按队列", "By queue"));
    table(c, r, QH_BY_HOUR, 0, b, TR(c, "按小时", "By hour"));
    table(c, r, QH_BY_SERVICE, 20, b, TR(c, "按事项", "By service item"));
    qh_buf_puts(b, "<h2>");
    esc(b, TR(c, "好差评回访与办不成事", "Follow-ups"));
    qh_buf_puts(b, "</h2>\n<p>");
    qh_buf_printf(b, TR(c, "本期开单 %d 件（其中办不成事 %d 件），已办结 %d 件，未办结 %d 件。",
                        "%d opened in the period (%d could-not-be-done cases), %d closed, %d open."),
                  r->fu_opened, r->fu_failed_opened, r->fu_closed, r->fu_open);
    qh_buf_puts(b, "</p>\n<h2>");
    esc(b, TR(c, "逾期未办结的回访单", "Overdue follow-ups"));
    qh_buf_puts(b, "</h2>\n");
    struct od o = {c, b, 0};
    char err[QH_ERRLEN];
    qh_stats_followup_each(c->s, QH_FOLLOWUP_OVERDUE, overdue_row, &o, err, sizeof err);
    if (o.n)
        qh_buf_puts(b, "</tbody></table>\n");
    else
        qh_buf_printf(b, "<p>%s</p>\n", TR(c, "没有逾期的回访单。", "None."));
    qh_buf_printf(b, "<p class=\"note\">%s</p>\n",
                  TR(c, "口径：办理=办结次数；等候=最后一次叫号−取号；办理时长=办结−开始办理；"
                        "一次办结率=办结÷办理；满意率=(4分+5分)÷评价数；百分比为0–100。",
                     "Definitions: served = cases finished; wait = last call − issue; handling = "
                     "finish − start; one visit = done ÷ served; satisfied = (4+5) ÷ rated; "
                     "percentages 0–100."));
    qh_buf_puts(b, "</body>\n</html>\n");
    return b->oom ? QH_E_NOMEM : 0;
}
