/* cli_report.h: what cli_report.c (the report, followup and scorecard
 * commands) shares with cli_report_chart.c (SVG charts and the HTML
 * report). */
#ifndef QH_CLI_REPORT_H
#define QH_CLI_REPORT_H

#include "qh/buf.h"
#include "qh/stats.h"

#include "cli.h"

/* Display name of a group key ("3" -> "3号窗口", "A" -> "A 行政审批"). */
void cli_report_group_name(struct ctx *c, int by, const char *key,
                           char *out, size_t outlen);
/* "12.5" minutes from seconds, "-" when negative (no data). */
void cli_report_minutes(int seconds, char *out, size_t outlen);
/* "58.3" or "-". */
void cli_report_pct(double pct, char *out, size_t outlen);

/* All four charts in one SVG document (arrivals and served per hour, the
 * wait distribution, per-window bars, the rating mix). */
void cli_report_svg(struct ctx *c, const struct qh_report *r, struct qh_buf *out);
/* One self-contained HTML page: key figures, the charts inline, tables by
 * window, staff, queue, hour and service, the follow-ups due. */
int cli_report_html(struct ctx *c, const struct qh_report *r, struct qh_buf *out);

#endif
