/* cli_report_chart.h: the report as pictures (cli_report_chart.c), for
 * `qhall report --format svg|html`. */
#ifndef QH_CLI_REPORT_CHART_H
#define QH_CLI_REPORT_CHART_H

#include "qh/buf.h"
#include "qh/stats.h"

#include "cli.h"

/* All four charts in one SVG document (arrivals and served per hour, the
 * wait distribution, per-window bars, the rating mix). */
void cli_report_svg(struct ctx *c, const struct qh_report *r, struct qh_buf *out);
/* One self-contained HTML page: key figures, the charts inline, tables by
 * window, staff, queue, hour and service, the follow-ups due. */
int cli_report_html(struct ctx *c, const struct qh_report *r, struct qh_buf *out);

#endif
