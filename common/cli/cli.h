/* cli.h: what every file of the `qhall` CLI shares: the command table's
 * shape, the parsed command line, and the helpers of cli_util.c every
 * command uses to read options and report.
 *
 * The files depend one way: cli.c (cli_main, dispatch and the hall's
 * commands) -> cli_print.c, cli_report.c (their areas' commands) ->
 * cli_report_chart.c (SVG and HTML) -> cli_report_fmt.c (names and
 * figures of a report) -> cli_util.c (this header).  An area's file adds
 * its own table (qh_cli_<area>_cmds in cli_<area>.h, ending with an entry
 * whose name is NULL), so its commands live beside its code.  Nothing
 * here includes a store header: the CLI is a client of core and media. */
#ifndef QH_CLI_H
#define QH_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "qh/buf.h"
#include "qh/err.h"
#include "qh/hall.h"
#include "qh/text.h"

#define MAXPOS 4
#define MAXOPT 16
#define REPORTLEN 16384       /* parser reports: one line per bad input line */
#define EVBATCH 256


struct opt {
    const char *name;
    size_t namelen;
    const char *val;          /* "" for a flag */
};

struct cmd;

struct ctx {
    enum qh_lang lang;
    int json;
    struct qh_store *s;
    const struct cmd *cmd;
    int npos;
    const char *pos[MAXPOS];
    int nopt;
    struct opt opt[MAXOPT];
};

/* F_READONLY: the command only reads (check): the database is opened
 * read-only, never created, migrated or given a hall. */
enum { F_NODB = 1, F_NOHALL = 2, F_READONLY = 4 };

struct cmd {
    const char *name;         /* "issue", "import services" */
    int (*run)(struct ctx *c);
    const char *opts;         /* "window= outcome= note=": '=' takes a value */
    int minpos, maxpos;
    int flags;
    const char *synopsis;
    const char *usage_zh, *usage_en;
};

#define TR(c, zh, en) QH_TR((c)->lang, zh, en)

/* Who runs the dispatcher: NULL for the qhall program (main() in
 * cli_main.c, which opens and closes its database).  The argv fuzzer
 * runs it many times in one process: it passes its hall, open across
 * calls and never closed here, and a gate that says which parsed
 * commands may run (0: stop after parsing, as if done). */
struct cli_host {
    struct qh_store *s;
    int (*may_run)(const struct ctx *c);
};
/* The whole command line: the exit status.  It never calls exit(). */
int cli_main(int argc, char **argv, const struct cli_host *host);

void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A command's synopsis and its line of help, as `help` lists them. */
void cli_synopsis(const struct ctx *c, const struct cmd *cmd, FILE *f);
int cli_usage_error(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The open database (NULL: none), for cli_fail to describe a damaged one. */
void cli_fail_on(struct qh_store *s);
/* A library failure: prints its message, returns the exit status. */
int cli_fail(int rc, const char *err);
/* A parser report (file:line lines) as the library wrote it. */
int cli_fail_report(int rc, const char *report);
/* The database's name (qh_hall_find_db from --db), the default's
 * directory made on first use: 0, or the exit status after saying why. */
int cli_db_path(struct ctx *c, char *out, size_t n);
/* Value of option `name`, "" for a given flag, NULL when absent. */
const char *cli_opt(const struct ctx *c, const char *name);
int cli_parse_num(struct ctx *c, const char *what, const char *s,
                  long long lo, long long hi, long long *out);
int cli_window_arg(struct ctx *c, const char *name, int *out);
int cli_need_opt(struct ctx *c, const char *name, const char **out);
/* Free text in option `name` (*out NULL when absent) checked as `kind`:
 * 0, or 2 after saying `--note: 备注最多 500 个字，现为 731 个字`. */
int cli_text_opt(struct ctx *c, const char *name, enum qh_text_kind kind,
                 const char **out);
const char *cli_tz_of(struct ctx *c);
void cli_json_time(struct ctx *c, struct qh_buf *b, const char *key, int64_t ms);
void cli_json_int0(struct qh_buf *b, const char *key, int64_t v);
void cli_json_str0(struct qh_buf *b, const char *key, const char *v);
void cli_array_add(struct qh_buf *arr, const struct qh_buf *one);
/* Print b (one JSON value) and free it; returns the exit status. */
int cli_emit(struct qh_buf *b);
int cli_read_input(const char *path, char **text, size_t *len);

#endif
