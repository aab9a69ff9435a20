/* cli_print.h: what cli_print.c (the slip and reprint commands) gives the
 * dispatcher: its table of commands. */
#ifndef QH_CLI_PRINT_H
#define QH_CLI_PRINT_H

#include "cli.h"

extern const struct cmd qh_cli_print_cmds[];

#endif
