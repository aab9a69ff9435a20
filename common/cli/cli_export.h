/* cli_export.h: what cli_export.c (`qhall export ratings`) gives the
 * dispatcher: its table of commands. */
#ifndef QH_CLI_EXPORT_H
#define QH_CLI_EXPORT_H

#include "cli.h"

extern const struct cmd qh_cli_export_cmds[];

#endif
