/* cli_ops.h: what cli_ops.c (keeping a hall for years: backups that
 * rotate, restore, doctor, purge) gives the dispatcher: its commands. */
#ifndef QH_CLI_OPS_H
#define QH_CLI_OPS_H

#include "cli.h"

extern const struct cmd qh_cli_ops_cmds[];

#endif
