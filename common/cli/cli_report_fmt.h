/* cli_report_fmt.h: how a report names its rows and writes its figures
 * (cli_report_fmt.c), shared by the tables of cli_report.c and the
 * charts of cli_report_chart.c. */
#ifndef QH_CLI_REPORT_FMT_H
#define QH_CLI_REPORT_FMT_H

#include <stddef.h>

#include "cli.h"

/* Display name of a group key ("3" -> "3号窗口", "A" -> "A 行政审批"). */
void cli_report_group_name(struct ctx *c, int by, const char *key,
                           char *out, size_t outlen);
/* "12.5" minutes from seconds, "-" when negative (no data). */
void cli_report_minutes(int seconds, char *out, size_t outlen);
/* "58.3" or "-". */
void cli_report_pct(double pct, char *out, size_t outlen);

#endif
