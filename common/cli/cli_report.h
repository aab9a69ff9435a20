/* cli_report.h: what cli_report.c (the report, followup and scorecard
 * commands) gives the dispatcher: its table of commands and the overdue
 * line `qhall status` prints. */
#ifndef QH_CLI_REPORT_H
#define QH_CLI_REPORT_H

#include "qh/buf.h"

#include "cli.h"

/* `qhall status`: the overdue follow-ups (a line, or a JSON member of the
 * open object b). */
void cli_report_status(struct ctx *c, struct qh_buf *b);

extern const struct cmd qh_cli_report_cmds[];

#endif
