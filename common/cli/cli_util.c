/* cli_util.c: the helpers every command of the `qhall` CLI uses (cli.h):
 * its messages and usage errors, turning a library failure into an exit
 * status, reading options, and laying out JSON.  The floor of the CLI:
 * it calls core and base only, never a command or the dispatcher, so each
 * cli_*.c file can lean on it without a circle. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/conf.h"
#include "qh/csv.h"
#include "qh/err.h"
#include "qh/hall.h"
#include "qh/text.h"

#include "cli.h"

/* ---- messages ---- */

static void vsay(const char *fmt, va_list ap)
{
    fputs("qhall: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

void cli_synopsis(const struct ctx *c, const struct cmd *cmd, FILE *f)
{
    fprintf(f, "  %s\n      %s\n", cmd->synopsis,
            TR(c, cmd->usage_zh, cmd->usage_en));
}

int cli_usage_error(struct ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    if (c->cmd) {
        fputs(TR(c, "用法：\n", "usage:\n"), stderr);
        cli_synopsis(c, c->cmd, stderr);
    } else {
        fputs(TR(c, "运行 qhall help 查看全部命令\n",
                 "run qhall help for the list of commands\n"), stderr);
    }
    return 2;
}

/* The open database, for cli_fail to describe a damaged one. */
static struct qh_store *open_store;

void cli_fail_on(struct qh_store *s)
{
    open_store = s;
}

/* A library failure: its one-line message (or the code's description).  A
 * damaged database is named with what the store's check finds in it, even
 * when the read that found it had no message to give (a count, a lookup). */
int cli_fail(int rc, const char *err)
{
    static char report[REPORTLEN];
    char damage[1024];
    if (rc == QH_E_CORRUPT && open_store && (!err || !strstr(err, "integrity_check")) &&
        qh_hall_check(open_store, report, sizeof report, damage, sizeof damage) == QH_E_CORRUPT)
        err = damage;
    cli_say("%s", err && *err ? err : qh_strerror(rc));
    return qh_err_exit_status(rc);
}

/* A parser report names file and line on each of its lines already, so it
 * is printed as the library wrote it; anything else goes through cli_fail(). */
int cli_fail_report(int rc, const char *report)
{
    if (rc != QH_E_PARSE || !report || !*report)
        return cli_fail(rc, report);
    fputs(report, stderr);
    fputc('\n', stderr);
    return 2;
}

/* Value of option `name`, "" for a given flag, NULL when absent. */
const char *cli_opt(const struct ctx *c, const char *name)
{
    size_t n = strlen(name);
    const char *v = NULL;
    for (int i = 0; i < c->nopt; i++)   /* once: parse_args refuses a repeat */
        if (c->opt[i].namelen == n && !memcmp(c->opt[i].name, name, n))
            v = c->opt[i].val;
    return v;
}


/* An integer in [lo, hi]; on failure the message names the option, as in
 * `qhall: --window: expected 1-99, got "x"`, and the result is 2. */
int cli_parse_num(struct ctx *c, const char *what, const char *s,
                     long long lo, long long hi, long long *out)
{
    char *end = NULL;
    long long v = 0;
    int ok = s && isdigit((unsigned char)s[0]);
    if (ok) {
        errno = 0;
        v = strtoll(s, &end, 10);
        ok = !*end && !errno && v >= lo && v <= hi;
    }
    if (!ok) {
        cli_say(TR(c, "%s: 应为 %lld-%lld，实为 \"%s\"",
                  "%s: expected %lld-%lld, got \"%s\""),
            what, lo, hi, s ? s : "");
        return 2;
    }
    *out = v;
    return 0;
}

int cli_window_arg(struct ctx *c, const char *name, int *out)
{
    const char *v = cli_opt(c, name);
    if (!v)
        return cli_usage_error(c, TR(c, "缺少 --%s", "--%s is required"), name);
    char what[32];
    snprintf(what, sizeof what, "--%s", name);
    long long n;
    int st = cli_parse_num(c, what, v, 1, 99, &n);
    if (st)
        return st;
    *out = (int)n;
    return 0;
}

int cli_need_opt(struct ctx *c, const char *name, const char **out)
{
    *out = cli_opt(c, name);
    if (!*out || !**out)
        return cli_usage_error(c, TR(c, "缺少 --%s", "--%s is required"), name);
    return 0;
}

/* Free text is checked before the database is touched, so a refusal
 * writes nothing and names the option as well as the field. */
int cli_text_opt(struct ctx *c, const char *name, enum qh_text_kind kind,
                 const char **out)
{
    char err[QH_ERRLEN];
    *out = cli_opt(c, name);
    if (qh_text_check(kind, *out, c->lang, err, sizeof err) < 0) {
        cli_say("--%s: %s", name, err);
        return 2;
    }
    return 0;
}

/* ---- output helpers ---- */

const char *cli_tz_of(struct ctx *c)
{
    return qh_hall_config(c->s)->timezone;
}

void cli_json_time(struct ctx *c, struct qh_buf *b, const char *key,
                      int64_t ms)
{
    char iso[32];
    if (!ms) {
        qh_json_raw(b, key, "null");
        return;
    }
    qh_clock_iso(cli_tz_of(c), ms, iso);
    qh_json_str(b, key, iso);
}

void cli_json_int0(struct qh_buf *b, const char *key, int64_t v)
{
    if (v)
        qh_json_int(b, key, v);
    else
        qh_json_raw(b, key, "null");
}

void cli_json_str0(struct qh_buf *b, const char *key, const char *v)
{
    qh_json_str(b, key, v && *v ? v : NULL);
}

/* Append the object in `one` to the JSON array being built in `arr`. */
void cli_array_add(struct qh_buf *arr, const struct qh_buf *one)
{
    if (arr->len && arr->p[arr->len - 1] != '[')
        qh_buf_puts(arr, ",");
    qh_buf_puts(arr, qh_buf_str(one));
    if (one->oom)
        arr->oom = 1;
}

/* Print a finished JSON value on its own line. */
int cli_emit(struct qh_buf *b)
{
    int st = 0;
    if (b->oom)
        st = cli_fail(QH_E_NOMEM, NULL);
    else
        puts(qh_buf_str(b));
    qh_buf_fini(b);
    return st;
}

/* Read a file named on the command line; failing to is bad input (2). */
int cli_read_input(const char *path, char **text, size_t *len)
{
    char err[QH_ERRLEN];
    int rc = qh_file_read(path, text, len, err, sizeof err);
    if (rc < 0) {
        cli_say("%s", *err ? err : path);
        return rc == QH_E_NOMEM ? 3 : 2;
    }
    return 0;
}

/* ---- database ---- */

static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int r = mkdir(path, 0700);
        *p = '/';
        if (r < 0 && errno != EEXIST)
            return -1;
    }
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* qh_hall_find_db; the default's directory is made on first use. */
int cli_db_path(struct ctx *c, char *out, size_t n)
{
    char err[QH_ERRLEN];
    int fallback, rc = qh_hall_find_db(cli_opt(c, "db"), out, n, &fallback,
                                       err, sizeof err);
    if (rc == QH_E_USAGE && qh_hall_db_has_password(out)) {
        cli_say(TR(c, "数据库地址中不能写密码（命令行和环境变量别人看得到）："
                      "请写在 ~/.pgpass（权限 0600）或 PGPASSFILE 指向的文件里",
                   "a database URI may not carry a password (others can read a "
                   "command line or the environment): put it in ~/.pgpass "
                   "(mode 0600) or the file PGPASSFILE names"));
        return 2;
    }
    if (rc == QH_E_NOTFOUND) {
        cli_say(TR(c, "无法确定数据库位置：请用 --db 或 QHALL_DB 指定",
                  "cannot tell where the database is: use --db or QHALL_DB"));
        return 2;
    }
    if (rc < 0) {
        cli_say(TR(c, "路径太长", "path too long"));
        return 2;
    }
    if (fallback) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", out);
        *strrchr(dir, '/') = '\0';
        if (mkdirs(dir) < 0) {
            cli_say("%s: %s", dir, strerror(errno));
            return 3;
        }
    }
    return 0;
}
