/* cli_report.c: the `qhall` commands of this area (see cli.h).  None yet. */
#include "cli.h"

const struct cmd qh_cli_report_cmds[] = {
    { NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};
