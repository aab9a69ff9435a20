/* cli_serve.h: what cli_serve.c (`qhall serve`, the phone page) gives the
 * dispatcher: its table of commands. */
#ifndef QH_CLI_SERVE_H
#define QH_CLI_SERVE_H

#include "cli.h"

extern const struct cmd qh_cli_serve_cmds[];

#endif
