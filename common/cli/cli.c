/* cli.c: `qhall`, the admin command line: a client of the service API,
 * not part of it (as SQLite keeps its shell beside the library).  This file
 * is the top of the CLI: cli_main() (main() in cli_main.c calls it), the
 * argument parser, the dispatch over every table of commands, and the commands of the hall itself (tickets,
 * windows, staff, appointments, events, maintenance).  It calls the other
 * cli_*.c files through their headers; none of them calls back here.
 *
 * Every command is one row of the `cmds` table: its name (one or two
 * words), the options it takes, how many positionals, its handler and a
 * line of help in Chinese and English.  Arguments are parsed by hand, so
 * options may come before or after a command's positionals, `--opt=value`
 * and `--opt value` both work, and nothing is reordered behind our back.
 * Library return codes become exit statuses through qh_err_exit_status():
 * 0 done, 1 refused, 2 bad usage or input, 3 store or system error.
 * Human lines go to stdout, errors to stderr as "qhall: <message>"; with
 * --json stdout carries exactly one JSON value (events: one per line). */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "qh/announce.h"
#include "qh/auth.h"
#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/conf.h"
#include "qh/csv.h"
#include "qh/err.h"
#include "qh/feed.h"
#include "qh/hall.h"
#include "qh/log.h"
#include "qh/rating.h"
#include "qh/text.h"
#include "qh/ticket.h"
#include "qh/version.h"

#include "cli.h"
#include "cli_export.h"
#include "cli_print.h"
#include "cli_report.h"
#include "cli_serve.h"
#include "cli_ops.h"

/* Options every command accepts, wherever they appear. */
static const char global_opts[] = "db= json lang= help version verbose";


/* ---- argument parsing ---- */

/* 2 if `name` takes a value in spec, 1 if it is a flag, 0 if unknown. */
static int spec_kind(const char *spec, const char *name, size_t n)
{
    const char *p = spec;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ' && *e != '=')
            e++;
        int val = *e == '=';
        if ((size_t)(e - p) == n && n && !memcmp(p, name, n))
            return val ? 2 : 1;
        p = e + val;
    }
    return 0;
}

/* Parse argv[*i ...] against spec plus the global options.  With
 * stop_at_pos, stop at the first positional (the command name) and leave
 * *i on it.  Returns 0 or the exit status of a usage error. */
static int parse_args(struct ctx *c, int argc, char **argv, int *i,
                      const char *spec, int stop_at_pos)
{
    int dashdash = 0;
    for (; *i < argc; (*i)++) {
        const char *a = argv[*i];
        int positional = dashdash || a[0] != '-' || a[1] == '\0' ||
                         isdigit((unsigned char)a[1]);
        if (positional) {
            if (stop_at_pos)
                return 0;
            if (c->npos == MAXPOS)
                return cli_usage_error(c, TR(c, "多余的参数 \"%s\"",
                                         "unexpected argument \"%s\""), a);
            c->pos[c->npos++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            dashdash = 1;
            continue;
        }
        if (!strcmp(a, "-h"))
            a = "--help";
        if (a[1] != '-')
            return cli_usage_error(c, TR(c, "未知选项 \"%s\"",
                                     "unknown option \"%s\""), a);
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        int kind = spec_kind(spec, name, n);
        if (!kind)
            kind = spec_kind(global_opts, name, n);
        if (!kind)
            return cli_usage_error(c, TR(c, "未知选项 \"--%.*s\"",
                                     "unknown option \"--%.*s\""), (int)n, name);
        const char *val = "";
        if (kind == 1 && eq)
            return cli_usage_error(c, TR(c, "--%.*s 不带值", "--%.*s takes no value"),
                               (int)n, name);
        if (kind == 2) {
            if (eq)
                val = eq + 1;
            else if (*i + 1 < argc)
                val = argv[++*i];
            else
                return cli_usage_error(c, TR(c, "--%.*s 需要一个值",
                                         "--%.*s needs a value"), (int)n, name);
        }
        /* An option with a value means one thing: given twice, which one
         * was meant is a guess (`--queue A --queue B`), so neither is
         * taken.  A repeated flag says the same thing twice. */
        for (int k = 0; kind == 2 && k < c->nopt; k++)
            if (c->opt[k].namelen == n && !memcmp(c->opt[k].name, name, n))
                return cli_usage_error(c, TR(c, "选项 --%.*s 重复",
                                         "option --%.*s given more than once"),
                                       (int)n, name);
        if (c->nopt == MAXOPT)
            return cli_usage_error(c, TR(c, "选项太多", "too many options"));
        c->opt[c->nopt++] = (struct opt){ name, n, val };
    }
    return 0;
}

static void ticket_members(struct ctx *c, struct qh_buf *b,
                           const struct qh_ticket_row *t)
{
    qh_json_str(b, "number", t->number);
    qh_json_str(b, "day", t->day);
    qh_json_str(b, "queue", t->queue);
    cli_json_str0(b, "service", t->service);
    qh_json_str(b, "state", qh_ticket_state_name(t->state));
    cli_json_int0(b, "window", t->window);
    cli_json_int0(b, "target_window", t->target_window);
    cli_json_str0(b, "green", t->green);
    qh_json_int(b, "recalls", t->recalls);
    cli_json_time(c, b, "issued_at", t->issued_at);
    cli_json_time(c, b, "called_at", t->called_at);
    cli_json_time(c, b, "started_at", t->started_at);
    cli_json_time(c, b, "finished_at", t->finished_at);
    cli_json_str0(b, "outcome", t->outcome);
    cli_json_str0(b, "staff", t->staff);
    qh_json_bool(b, "rated", t->rated);
}

/* The result of a ticket operation: the ticket object with --json, else
 * one human line (`line`, already formatted). */
static int report_ticket(struct ctx *c, const struct qh_ticket_row *t,
                         const char *line, int announce)
{
    char ann[160];
    if (announce)
        qh_announce_text(t->number, t->window, ann, sizeof ann);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        ticket_members(c, &b, t);
        if (announce)
            qh_json_str(&b, "announcement", ann);
        qh_json_close(&b);
        return cli_emit(&b);
    }
    puts(line);
    if (announce)
        printf(TR(c, "播报：%s\n", "announcement: %s\n"), ann);
    return 0;
}

/* issue and checkin: plain mode prints the number alone, so scripts can
 * capture it. */
static int report_issued(struct ctx *c, const struct qh_ticket_row *t,
                         const struct qh_issue_info *info)
{
    if (!c->json) {
        puts(t->number);
        return 0;
    }
    struct qh_buf b;
    qh_buf_init(&b);
    qh_json_open(&b);
    qh_json_str(&b, "number", t->number);
    qh_json_str(&b, "queue", t->queue);
    cli_json_str0(&b, "service", t->service);
    qh_json_int(&b, "ahead", info->ahead);
    qh_json_int(&b, "wait_min", info->wait_min);
    qh_json_int(&b, "wait_max", info->wait_max);
    /* What the range means and what it was built from: a citizen may ask
     * the window why, and the window should be able to say. */
    qh_json_str(&b, "wait_kind", info->after_break ? "after_break" : "range");
    if (info->call_from)
        cli_json_time(c, &b, "call_from", info->call_from);
    if (info->call_to)
        cli_json_time(c, &b, "call_to", info->call_to);
    qh_json_bool(&b, "closing", info->closing);
    char basis[160];
    snprintf(basis, sizeof basis, "{\"handle_s\":%d,\"handle_cases_today\":%d,"
             "\"windows\":%.1f}", info->handle_s, info->handle_cases, info->windows);
    qh_json_raw(&b, "wait_basis", basis);
    cli_json_time(c, &b, "issued_at", t->issued_at);
    cli_json_str0(&b, "green", t->green);
    qh_json_str(&b, "day", t->day);
    /* What the slip's QR carries: the one who issues (the kiosk's admin,
     * a script standing in for it) is the one who hands the slip over. */
    if (info->token[0]) {
        const struct qh_hall_conf *h = qh_hall_config(c->s);
        qh_json_str(&b, "token", info->token);
        if (h->web.base_url[0]) {
            char url[256];
            snprintf(url, sizeof url, "%s/t/%s", h->web.base_url, info->token);
            qh_json_str(&b, "url", url);
        }
    }
    qh_json_close(&b);
    return cli_emit(&b);
}

/* The sample catalogue compiled into the library (assets/services.csv). */
static int import_sample(struct ctx *c, int *count, char *err, size_t errlen)
{
    return qh_catalog_import(c->s, "services.csv", qh_asset_services_csv,
                             strlen(qh_asset_services_csv), count, err, errlen);
}

/* A database without a hall gets the default hall and the sample
 * catalogue, so a bare `qhall issue --queue A` works on a new machine. */
static int ensure_hall(struct ctx *c)
{
    static struct qh_hall_conf conf;
    char err[REPORTLEN];
    int count = 0;
    if (qh_hall_exists(c->s))
        return 0;
    qh_conf_defaults(&conf);
    int rc = qh_hall_init(c->s, &conf, 0, err, sizeof err);
    if (rc < 0) {
        if (qh_hall_exists(c->s))
            return 0;           /* another process initialised it first */
        return cli_fail(rc, err);
    }
    rc = import_sample(c, &count, err, sizeof err);
    if (rc < 0)
        return cli_fail_report(rc, err);
    return 0;
}

static int open_db(struct ctx *c)
{
    /* Room for what integrity_check says about a damaged file. */
    char path[4096], err[1024];
    int st = cli_db_path(c, path, sizeof path);
    if (st)
        return st;
    int flags = (c->lang == QH_LANG_EN ? QH_OPEN_EN : 0) |
                (c->cmd->flags & F_READONLY ? QH_OPEN_READONLY : 0);
    int rc = qh_hall_check_perms(path, c->lang, err, sizeof err);
    if (rc > 0)
        cli_say("%s", err);
    if (rc < 0 || (rc = qh_hall_open(&c->s, path, flags, err, sizeof err)) < 0)
        return cli_fail(rc, err);
    qh_hall_set_lang(c->s, c->lang);
    qh_hall_set_actor(c->s, "cli");
    cli_fail_on(c->s);
    if (qh_log_enabled(QH_LOG_DEBUG)) {
        char shown[4096];
        qh_log_debug("database %s", qh_hall_db_display(path, shown, sizeof shown));
    }
    if (c->cmd->flags & (F_NOHALL | F_READONLY))
        return 0;
    return ensure_hall(c);
}

/* ---- commands ---- */

static int cmd_help(struct ctx *c);

static int cmd_init(struct ctx *c)
{
    static struct qh_hall_conf conf;
    char err[REPORTLEN];
    const char *path = cli_opt(c, "config");
    int rc, count = 0;
    if (path) {
        rc = qh_conf_parse_file(&conf, path, err, sizeof err);
        if (rc == QH_E_IO) {
            /* An unreadable file the user named is bad input, too. */
            cli_say("%s", err);
            return 2;
        }
        if (rc < 0)
            return cli_fail_report(rc, err);
    } else {
        qh_conf_defaults(&conf);
    }
    rc = qh_hall_init(c->s, &conf, cli_opt(c, "force") != NULL, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    rc = import_sample(c, &count, err, sizeof err);
    if (rc < 0) {
        /* A hall of one's own may not have the sample's queues A and B:
         * the hall stands, the catalogue comes later by `import services`. */
        if (!path)
            return cli_fail_report(rc, err);
        cli_say(TR(c, "示例事项目录未导入（请用 qhall import services）：%s",
                  "sample catalogue not imported (use qhall import services): %s"),
            err);
        count = 0;
    }
    const struct qh_hall_conf *h = qh_hall_config(c->s);
    /* A server's URI is shown without its password. */
    char db[4096];
    qh_hall_db_display(qh_hall_db_path(c->s), db, sizeof db);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_str(&b, "hall", h->name);
        qh_json_str(&b, "db", db);
        qh_json_int(&b, "queues", h->nqueues);
        qh_json_int(&b, "windows", h->nwindows);
        qh_json_int(&b, "services", count);
        qh_json_close(&b);
        return cli_emit(&b);
    }
    printf(TR(c, "已初始化 %s：%d 个队列，%d 个窗口，%d 个事项（%s）\n",
              "initialised %s: %d queues, %d windows, %d services (%s)\n"),
           c->lang == QH_LANG_EN && h->name_en[0] ? h->name_en : h->name,
           h->nqueues, h->nwindows, count, db);
    return 0;
}

static int cmd_import_services(struct ctx *c)
{
    const char *path = c->pos[0];
    char *text = NULL;
    size_t len = 0;
    int count = 0, st = cli_read_input(path, &text, &len);
    if (st)
        return st;
    static char err[REPORTLEN];
    int rc = qh_catalog_import(c->s, path, text, len, &count, err, sizeof err);
    free(text);
    if (rc < 0)
        return cli_fail_report(rc, err);
    if (c->json) {
        printf("{\"imported\":%d}\n", count);
        return 0;
    }
    printf(TR(c, "已导入 %d 个事项\n", "imported %d services\n"), count);
    return 0;
}

static int cmd_issue(struct ctx *c)
{
    struct qh_issue_req req = { .service = cli_opt(c, "service"),
                                .queue = cli_opt(c, "queue"),
                                .green = cli_opt(c, "green") };
    if (!req.service == !req.queue)
        return cli_usage_error(c, TR(c, "需要 --service 或 --queue 之一",
                                 "give one of --service or --queue"));
    struct qh_ticket_row t;
    struct qh_issue_info info;
    char err[QH_ERRLEN];
    int rc = qh_ticket_issue(c->s, &req, &t, &info, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    return report_issued(c, &t, &info);
}

static int cmd_call(struct ctx *c)
{
    int w, st = cli_window_arg(c, "window", &w);
    if (st)
        return st;
    const char *number = cli_opt(c, "ticket");
    struct qh_ticket_row t;
    char err[QH_ERRLEN], line[160];
    int rc = number ? qh_ticket_call(c->s, w, number, &t, err, sizeof err)
                    : qh_ticket_call_next(c->s, w, &t, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    snprintf(line, sizeof line, TR(c, "请%s号到%d号窗口办理",
                                   "Number %s, please go to window %d"),
             t.number, t.window);
    return report_ticket(c, &t, line, 1);
}

static int cmd_recall(struct ctx *c)
{
    int w, st = cli_window_arg(c, "window", &w);
    if (st)
        return st;
    struct qh_ticket_row t;
    char err[QH_ERRLEN], line[200];
    int rc = qh_ticket_recall(c->s, w, &t, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if (t.state == QH_TICKET_NO_SHOW) {
        /* Past the recall limit the library turns the recall into a
         * no-show: say so rather than announce a call nobody makes. */
        snprintf(line, sizeof line, TR(c, "%s 重呼 %d 次未到，已记为过号",
                                       "%s did not come after %d recalls: no-show"),
                 t.number, t.recalls);
        return report_ticket(c, &t, line, 0);
    }
    snprintf(line, sizeof line, TR(c, "请%s号到%d号窗口办理（第%d次重呼）",
                                   "Number %s, please go to window %d (recall %d)"),
             t.number, t.window, t.recalls);
    return report_ticket(c, &t, line, 1);
}

/* The operations that take only --window and act on its ticket. */
static int window_op(struct ctx *c,
                     int (*fn)(struct qh_store *, int, struct qh_ticket_row *,
                               char *, size_t),
                     const char *zh, const char *en)
{
    int w, st = cli_window_arg(c, "window", &w);
    if (st)
        return st;
    struct qh_ticket_row t;
    char err[QH_ERRLEN], line[200];
    int rc = fn(c->s, w, &t, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    snprintf(line, sizeof line, c->lang == QH_LANG_EN ? en : zh, t.number, w);
    return report_ticket(c, &t, line, 0);
}

static int cmd_noshow(struct ctx *c)
{
    return window_op(c, qh_ticket_noshow, "%s 过号（%d号窗口）",
                     "%s marked no-show (window %d)");
}

static int cmd_start(struct ctx *c)
{
    return window_op(c, qh_ticket_start, "%s 开始办理（%d号窗口）",
                     "%s: service started at window %d");
}

static int cmd_hold(struct ctx *c)
{
    return window_op(c, qh_ticket_hold, "%s 已挂起（%d号窗口），回来后优先呼叫",
                     "%s on hold (window %d); called first on return");
}

static int cmd_callback(struct ctx *c)
{
    int w, st = cli_window_arg(c, "window", &w);
    if (st)
        return st;
    struct qh_ticket_row t;
    char err[QH_ERRLEN], line[160];
    int rc = qh_ticket_callback(c->s, c->pos[0], w, &t, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    snprintf(line, sizeof line, TR(c, "请%s号到%d号窗口办理",
                                   "Number %s, please go to window %d"),
             t.number, t.window);
    return report_ticket(c, &t, line, 1);
}

static int cmd_release(struct ctx *c)
{
    struct qh_ticket_row t;
    char err[QH_ERRLEN], line[160];
    int rc = qh_ticket_release(c->s, c->pos[0], &t, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    snprintf(line, sizeof line, TR(c, "%s 已回到%s队列，优先呼叫",
                                   "%s back in queue %s, called first"),
             t.number, t.queue);
    return report_ticket(c, &t, line, 0);
}

static int cmd_transfer(struct ctx *c)
{
    int w, st = cli_window_arg(c, "window", &w);
    if (st)
        return st;
    struct qh_transfer_to to = { .queue = cli_opt(c, "to-queue"),
                                 .service = cli_opt(c, "to-service") };
    if ((st = cli_text_opt(c, "note", QH_TEXT_NOTE, &to.note)))
        return st;
    if (cli_opt(c, "to-window") && (st = cli_window_arg(c, "to-window", &to.window)))
        return st;
    struct qh_ticket_row t;
    char err[QH_ERRLEN], line[256];
    int rc = qh_ticket_transfer(c->s, w, &to, &t, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if (to.window)
        snprintf(line, sizeof line, TR(c, "%s 已转至%d号窗口（%s队列）",
                                       "%s transferred to window %d (queue %s)"),
                 t.number, to.window, t.queue);
    else if (to.service)
        snprintf(line, sizeof line, TR(c, "%s 已转至事项 %s（%s队列）",
                                       "%s transferred to service %s (queue %s)"),
                 t.number, to.service, t.queue);
    else
        snprintf(line, sizeof line, TR(c, "%s 已转至%s队列",
                                       "%s transferred to queue %s"),
                 t.number, t.queue);
    return report_ticket(c, &t, line, 0);
}

static int cmd_finish(struct ctx *c)
{
    int w, st = cli_window_arg(c, "window", &w);
    if (st)
        return st;
    const char *outcome, *note, *case_no = cli_opt(c, "case");
    if ((st = cli_need_opt(c, "outcome", &outcome)) ||
        (st = cli_text_opt(c, "note", QH_TEXT_NOTE, &note)))
        return st;
    struct qh_ticket_row t;
    char err[QH_ERRLEN], line[256];
    if (case_no && !*case_no)
        return cli_usage_error(c, "%s", TR(c, "--case 需要办件编号", "--case needs a case number"));
    int rc = qh_ticket_finish_case(c->s, w, outcome, note, case_no, &t, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if (!strcmp(outcome, "failed"))
        snprintf(line, sizeof line, TR(c, "%s 办不成，已转至%s队列（办不成事反映）",
                                       "%s could not be done: now waiting in queue %s"),
                 t.number, t.queue);
    else
        snprintf(line, sizeof line, "%s %s", t.number,
                 qh_outcome_label(outcome, c->lang));
    return report_ticket(c, &t, line, 0);
}

static int cmd_cancel(struct ctx *c)
{
    struct qh_ticket_row t;
    char err[QH_ERRLEN], line[160];
    int rc = qh_ticket_cancel(c->s, c->pos[0], &t, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    snprintf(line, sizeof line, TR(c, "%s 已取消", "%s cancelled"), t.number);
    return report_ticket(c, &t, line, 0);
}

static int read_pin(struct ctx *c, char *pin, size_t n);
static int check_pin(struct ctx *c, const char *who);

/* An admin's entry of a rating the citizen gave on paper, by phone or by
 * text (rating.h): the citizen's own rating is on the window's pad, and
 * the staff at the window never rates for them. */
static int cmd_rate(struct ctx *c)
{
    static const char *const zh[] = { "", "非常不满意", "不满意", "基本满意",
                                      "满意", "非常满意" };
    static const char *const en[] = { "", "very dissatisfied", "dissatisfied",
                                      "fair", "satisfied", "very satisfied" };
    const char *chname = cli_opt(c, "channel"), *by, *day = cli_opt(c, "day");
    enum qh_rating_channel ch;
    if (!chname)
        return cli_usage_error(c, "%s", TR(c,
            "群众在窗口的评价器上自己评价；本命令只供管理员录入纸质、电话、短信评价"
            "（--channel paper|hotline|sms --by 管理员）",
            "the citizen rates on the window's pad; this command is for an admin "
            "to enter a rating given on paper, by phone or by text "
            "(--channel paper|hotline|sms --by ADMIN)"));
    if (qh_rating_channel_parse(chname, &ch) < 0 ||
        (ch != QH_RATE_PAPER && ch != QH_RATE_HOTLINE && ch != QH_RATE_SMS))
        return cli_usage_error(c, TR(c, "--channel：应为 paper、hotline 或 sms，而不是「%s」",
                                     "--channel: expected paper, hotline or sms, got \"%s\""),
                               chname);
    char back[11] = "";
    if (day && qh_clock_day_num(day))
        qh_clock_day_str(qh_clock_day_num(day), back);
    if (day && strcmp(day, back))     /* 2026-13-01 is no day */
        return cli_usage_error(c, TR(c, "--day：应为 YYYY-MM-DD，而不是「%s」",
                                     "--day: expected YYYY-MM-DD, got \"%s\""), day);
    long long score;
    int st = cli_parse_num(c, TR(c, "评分", "score"), c->pos[1], 1, 5, &score);
    const char *reason;
    if (st || (st = cli_need_opt(c, "by", &by)) ||
        (st = cli_text_opt(c, "reason", QH_TEXT_REASON, &reason)))
        return st;
    if ((st = check_pin(c, by)))
        return st;
    char err[QH_ERRLEN], line[200];
    int rc;
    struct qh_rate_req req = {.number = c->pos[0], .day = day, .score = (int)score,
                              .reason = reason, .channel = ch, .by = by};
    struct qh_ticket_row t;
    if ((rc = qh_rating_add(c->s, &req, &t, err, sizeof err)) < 0)
        return cli_fail(rc, err);
    snprintf(line, sizeof line, TR(c, "%s 评价：%lld 分（%s，%s，%s 录入）",
                                   "%s rated %lld (%s, %s, entered by %s)"),
             t.number, score, c->lang == QH_LANG_EN ? en[score] : zh[score],
             qh_rating_channel_label(ch, c->lang), by);
    return report_ticket(c, &t, line, 0);
}

/* The PIN on stdin is `who`'s (the lock-out of wrong PINs applies). */
static int check_pin(struct ctx *c, const char *who)
{
    char pin[64], err[QH_ERRLEN];
    int st = read_pin(c, pin, sizeof pin);
    if (st)
        return st;
    int rc = qh_staff_verify(c->s, who, pin, 0, NULL, 0, err, sizeof err);
    explicit_bzero(pin, sizeof pin);
    return rc < 0 ? cli_fail(rc, err) : 0;
}

static int appeal_json(const char *number, const char *state)
{
    struct qh_buf b;
    qh_buf_init(&b);
    qh_json_open(&b);
    qh_json_str(&b, "number", number);
    qh_json_str(&b, "appeal", state);
    qh_json_close(&b);
    return cli_emit(&b);
}

/* 申诉: the staff member rated appeals a 差评 with their own PIN. */
static int cmd_appeal(struct ctx *c)
{
    const char *staff, *reason, *day = cli_opt(c, "day");
    int st;
    if ((st = cli_need_opt(c, "staff", &staff)) || (st = cli_need_opt(c, "reason", &reason)) ||
        (st = cli_text_opt(c, "reason", QH_TEXT_REASON, &reason)) || (st = check_pin(c, staff)))
        return st;
    char err[QH_ERRLEN];
    int rc = qh_rating_appeal(c->s, c->pos[0], day, staff, reason, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if (c->json)
        return appeal_json(c->pos[0], "filed");
    printf(TR(c, "%s 的差评已申诉，待管理员决定\n",
              "the 差评 of %s is appealed: an admin decides\n"), c->pos[0]);
    return 0;
}

static int cmd_appeal_decide(struct ctx *c)
{
    const char *by, *reason, *day = cli_opt(c, "day"), *what = c->pos[1];
    int st;
    if (strcmp(what, "uphold") && strcmp(what, "overturn"))
        return cli_usage_error(c, TR(c, "应为 uphold 或 overturn，而不是「%s」",
                                     "expected uphold or overturn, got \"%s\""), what);
    if ((st = cli_need_opt(c, "by", &by)) || (st = cli_need_opt(c, "reason", &reason)) ||
        (st = cli_text_opt(c, "reason", QH_TEXT_REASON, &reason)) || (st = check_pin(c, by)))
        return st;
    char err[QH_ERRLEN];
    int overturn = !strcmp(what, "overturn");
    int rc = qh_rating_decide(c->s, c->pos[0], day, overturn, by, reason, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if (c->json)
        return appeal_json(c->pos[0], overturn ? "overturned" : "upheld");
    printf(overturn ? TR(c, "%s 的差评已撤销（保留记录，不计入考核）\n",
                         "the 差评 of %s is overturned (kept, left out of the scorecard)\n")
                    : TR(c, "%s 的差评维持\n", "the 差评 of %s is upheld\n"), c->pos[0]);
    return 0;
}

static int report_window(struct ctx *c, int w, const char *staff,
                         const char *line)
{
    if (!c->json) {
        puts(line);
        return 0;
    }
    struct qh_window_row row;
    struct qh_buf b;
    int have = qh_window_get(c->s, w, &row) == 0;
    qh_buf_init(&b);
    qh_json_open(&b);
    qh_json_int(&b, "window", w);
    cli_json_str0(&b, "staff", have ? row.staff : staff);
    qh_json_bool(&b, "paused", have && row.paused);
    cli_json_str0(&b, "paused_reason", have && row.paused ? row.pause_reason : NULL);
    qh_json_close(&b);
    return cli_emit(&b);
}

static int cmd_pause(struct ctx *c)
{
    int w, st = cli_window_arg(c, "window", &w);
    const char *reason;
    if (st || (st = cli_need_opt(c, "reason", &reason)) ||
        (st = cli_text_opt(c, "reason", QH_TEXT_PAUSE, &reason)))
        return st;
    char err[QH_ERRLEN], line[QH_TEXT_PAUSE_LEN + 64];
    int rc = qh_window_pause(c->s, w, reason, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    snprintf(line, sizeof line, TR(c, "%d号窗口已暂停：%s", "window %d paused: %s"),
             w, reason);
    return report_window(c, w, NULL, line);
}

static int cmd_resume(struct ctx *c)
{
    int w, st = cli_window_arg(c, "window", &w);
    if (st)
        return st;
    char err[QH_ERRLEN], line[128];
    int rc = qh_window_resume(c->s, w, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    snprintf(line, sizeof line, TR(c, "%d号窗口已恢复", "window %d resumed"), w);
    return report_window(c, w, NULL, line);
}

static const char *window_state(const struct qh_window_row *w, int have_w,
                                const struct qh_ticket_row *t, int have_t)
{
    if (have_w && w->paused)
        return "paused";
    if (have_t)
        return t->state == QH_TICKET_SERVING ? "serving" : "called";
    if (have_w && w->staff[0])
        return "idle";
    return "closed";
}

static const char *window_state_label(const struct ctx *c, const char *state)
{
    static const char *const names[][3] = {
        { "paused", "暂停", "paused" }, { "serving", "办理中", "serving" },
        { "called", "已呼叫", "called" }, { "idle", "空闲", "idle" },
        { "closed", "未开放", "closed" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i][0], state))
            return names[i][c->lang == QH_LANG_EN ? 2 : 1];
    return state;
}

/* A program is alive while its heartbeat is fresher than this; the
 * screens beat every few seconds. */
#define HEARTBEAT_STALE_MS 30000

struct hb_ctx {
    struct ctx *c;
    struct qh_buf *arr, *one;
    int64_t now;
    int n;
};

/* What a heartbeat's kind is called in the hall. */
static const char *kind_label(struct ctx *c, const char *kind)
{
    if (!strcmp(kind, "display"))
        return TR(c, "显示屏", "display");
    if (!strcmp(kind, "kiosk"))
        return TR(c, "取号机", "kiosk");
    if (!strcmp(kind, "counter"))
        return TR(c, "窗口终端", "counter");
    return kind;
}

/* "12 秒前", "5 分钟前", "2 小时 3 分钟前", "4 天前". */
static void ago_text(struct ctx *c, int64_t s, char *out, size_t n)
{
    if (s < 60)
        snprintf(out, n, TR(c, "%lld 秒前", "%lld s ago"), (long long)s);
    else if (s < 3600)
        snprintf(out, n, TR(c, "%lld 分钟前", "%lld min ago"), (long long)(s / 60));
    else if (s < 86400)
        snprintf(out, n, TR(c, "%lld 小时 %lld 分钟前", "%lld h %lld min ago"),
                 (long long)(s / 3600), (long long)(s % 3600 / 60));
    else
        snprintf(out, n, TR(c, "%lld 天前", "%lld days ago"), (long long)(s / 86400));
}

/* Each program's last contact, and how long ago, on the hall's clock:
 * the store stamps heartbeats with it (qh_hall_heartbeat) and h->now is
 * read from it, so PCs whose clocks disagree do not look dead or alive
 * by mistake. */
static int heartbeat_one(const struct qh_heartbeat *hb, void *ud)
{
    struct hb_ctx *h = ud;
    struct ctx *c = h->c;
    int alive = h->now - hb->at < HEARTBEAT_STALE_MS;
    int64_t ago = h->now > hb->at ? (h->now - hb->at) / 1000 : 0;
    if (!c->json) {
        char when[32], since[64];
        qh_clock_iso(cli_tz_of(c), hb->at, when);
        ago_text(c, ago, since, sizeof since);
        if (!h->n++)
            puts(TR(c, "显示屏与终端：", "screens and terminals:"));
        printf(TR(c, "  %s（%s）：%s（最近联系 %s，%s）%s%s\n",
                  "  %s (%s): %s (last contact %s, %s)%s%s\n"),
               hb->name, kind_label(c, hb->kind),
               alive ? TR(c, "在线", "alive") : TR(c, "无响应", "NOT RESPONDING"),
               when, since, hb->info[0] ? "  " : "", hb->info);
        return 0;
    }
    qh_buf_reset(h->one);
    qh_json_open(h->one);
    qh_json_str(h->one, "name", hb->name);
    qh_json_str(h->one, "kind", hb->kind);
    cli_json_time(c, h->one, "at", hb->at);
    qh_json_bool(h->one, "alive", alive);
    qh_json_str(h->one, "info", hb->info);
    qh_json_int(h->one, "ago_s", ago);
    qh_json_close(h->one);
    cli_array_add(h->arr, h->one);
    return 0;
}

static int cmd_status(struct ctx *c)
{
    const struct qh_hall_conf *h = qh_hall_config(c->s);
    int en = c->lang == QH_LANG_EN;
    char day[11];
    qh_hall_today(c->s, day);
    struct qh_buf b, arr, one;
    qh_buf_init(&b);
    qh_buf_init(&arr);
    qh_buf_init(&one);
    int st = 0;
    if (c->json) {
        qh_json_open(&b);
        qh_json_str(&b, "day", day);
        qh_json_str(&b, "hall", h->name);
        qh_buf_puts(&arr, "[");
    } else {
        printf(TR(c, "%s  服务日 %s\n", "%s  service day %s\n"),
               en && h->name_en[0] ? h->name_en : h->name, day);
        puts(TR(c, "队列：", "queues:"));
    }
    for (int i = 0; i < h->nqueues; i++) {
        const struct qh_queue_conf *q = &h->queues[i];
        int n = qh_queue_waiting(c->s, day, q->code);
        if (n < 0) {
            st = cli_fail(n, NULL);
            goto out;
        }
        const char *name = en && q->name_en[0] ? q->name_en : q->name;
        if (!c->json) {
            printf(TR(c, "  %-3s %s：%d 人等候\n", "  %-3s %s: %d waiting\n"),
                   q->code, name, n);
            continue;
        }
        qh_buf_reset(&one);
        qh_json_open(&one);
        qh_json_str(&one, "code", q->code);
        qh_json_str(&one, "name", name);
        qh_json_int(&one, "waiting", n);
        qh_json_close(&one);
        cli_array_add(&arr, &one);
    }
    if (c->json) {
        qh_buf_puts(&arr, "]");
        qh_json_raw(&b, "queues", qh_buf_str(&arr));
        qh_buf_reset(&arr);
        qh_buf_puts(&arr, "[");
    } else {
        puts(TR(c, "窗口：", "windows:"));
    }
    for (int i = 0; i < h->nwindows; i++) {
        const struct qh_window_conf *wc = &h->windows[i];
        struct qh_window_row w;
        struct qh_ticket_row t;
        int rw = qh_window_get(c->s, wc->number, &w);
        int rt = qh_window_ticket(c->s, day, wc->number, &t);
        if ((rw < 0 && rw != QH_E_NOTFOUND) || (rt < 0 && rt != QH_E_NOTFOUND)) {
            st = cli_fail(rw < 0 && rw != QH_E_NOTFOUND ? rw : rt, NULL);
            goto out;
        }
        int have_w = rw == 0, have_t = rt == 0;
        const char *state = window_state(&w, have_w, &t, have_t);
        const char *name = en && wc->name_en[0] ? wc->name_en : wc->name;
        const char *staff = have_w && w.staff[0] ? w.staff : NULL;
        const char *reason = have_w && w.paused ? w.pause_reason : NULL;
        if (!c->json) {
            printf(TR(c, "  %2d %s：%s", "  %2d %s: %s"), wc->number, name,
                   window_state_label(c, state));
            if (reason)
                printf(TR(c, "（%s）", " (%s)"), reason);
            if (have_t)
                printf(" %s", t.number);
            if (staff)
                printf(TR(c, "  工作人员 %s", "  staff %s"), staff);
            putchar('\n');
            continue;
        }
        qh_buf_reset(&one);
        qh_json_open(&one);
        qh_json_int(&one, "number", wc->number);
        qh_json_str(&one, "name", name);
        qh_json_str(&one, "state", state);
        qh_json_str(&one, "ticket", have_t ? t.number : NULL);
        qh_json_str(&one, "staff", staff);
        qh_json_str(&one, "paused_reason", reason);
        qh_json_close(&one);
        cli_array_add(&arr, &one);
    }
    if (c->json) {
        qh_buf_puts(&arr, "]");
        qh_json_raw(&b, "windows", qh_buf_str(&arr));
        qh_buf_reset(&arr);
        qh_buf_puts(&arr, "[");
    }
    struct hb_ctx hc = {c, &arr, &one, qh_hall_now(c->s), 0};
    int rc = qh_hall_heartbeat_each(c->s, heartbeat_one, &hc);
    if (rc < 0) {
        st = cli_fail(rc, NULL);
        goto out;
    }
    cli_report_status(c, &b);
    if (c->json) {
        qh_buf_puts(&arr, "]");
        qh_json_raw(&b, "programs", qh_buf_str(&arr));
        qh_json_close(&b);
        if (arr.oom)
            b.oom = 1;
        st = cli_emit(&b);
    }
out:
    qh_buf_fini(&b);
    qh_buf_fini(&arr);
    qh_buf_fini(&one);
    return st;
}

/* One event: a JSON object with the detail's members merged in, or a
 * readable line. */
static void print_event(struct ctx *c, const struct qh_event_row *ev,
                        struct qh_buf *b)
{
    char iso[32];
    qh_clock_iso(cli_tz_of(c), ev->at, iso);
    /* Detail is a flat object: its members follow ours inside the braces. */
    const char *d = ev->detail + strspn(ev->detail, " ");
    d += *d == '{';
    size_t dn = strlen(d);
    while (dn && d[dn - 1] == ' ')
        dn--;
    dn -= dn && d[dn - 1] == '}';
    if (c->json) {
        qh_buf_reset(b);
        qh_json_open(b);
        qh_json_int(b, "id", ev->id);
        qh_json_str(b, "at", iso);
        qh_json_str(b, "type", ev->type);
        cli_json_str0(b, "number", ev->number);
        cli_json_str0(b, "queue", ev->queue);
        cli_json_int0(b, "window", ev->window);
        cli_json_str0(b, "staff", ev->staff);
        if (dn) {
            qh_buf_puts(b, ",");
            qh_buf_add(b, d, dn);
        }
        qh_json_close(b);
        puts(qh_buf_str(b));
        return;
    }
    char win[8] = "-";
    if (ev->window)
        snprintf(win, sizeof win, "%d", ev->window);
    iso[10] = ' ';
    iso[19] = '\0';
    printf("%6lld  %s  %-12s %-6s %-3s %-3s %-8s %.*s\n", (long long)ev->id,
           iso, ev->type, ev->number[0] ? ev->number : "-",
           ev->queue[0] ? ev->queue : "-", win, ev->staff[0] ? ev->staff : "-",
           (int)dn, d);
}

static volatile sig_atomic_t stop_follow;

static void on_stop(int sig)
{
    (void)sig;
    stop_follow = 1;
}

static int cmd_events(struct ctx *c)
{
    long long since = 0;
    const char *v = cli_opt(c, "since");
    int st = v ? cli_parse_num(c, "--since", v, 0, INT64_MAX, &since) : 0;
    if (st)
        return st;
    struct qh_event_row *evs = malloc(EVBATCH * sizeof *evs);
    struct qh_feed *w = NULL;
    struct qh_buf b;
    char err[QH_ERRLEN];
    int64_t last = since;
    int n;
    qh_buf_init(&b);
    if (!evs)
        return cli_fail(QH_E_NOMEM, NULL);
    do {
        n = qh_hall_events_since(c->s, last, evs, EVBATCH, err, sizeof err);
        if (n < 0) {
            st = cli_fail(n, err);
            goto out;
        }
        for (int i = 0; i < n; i++)
            print_event(c, &evs[i], &b);
        if (n)
            last = evs[n - 1].id;
    } while (n == EVBATCH);
    if (!cli_opt(c, "follow"))
        goto out;

    /* Follow the change feed until SIGINT/SIGTERM.  No SA_RESTART: the
     * wait returns early and the loop sees the flag; the 1 s timeout
     * covers a library that retries the wait itself. */
    struct sigaction sa = { .sa_handler = on_stop };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fflush(stdout);
    int rc = qh_feed_open(&w, c->s, last, err, sizeof err);
    if (rc < 0) {
        st = cli_fail(rc, err);
        goto out;
    }
    while (!stop_follow) {
        n = qh_feed_wait(w, 1000, evs, EVBATCH, err, sizeof err);
        if (n < 0) {
            if (stop_follow)
                break;
            st = cli_fail(n, err);
            goto out;
        }
        for (int i = 0; i < n; i++) {
            print_event(c, &evs[i], &b);
            fflush(stdout);
        }
    }
out:
    qh_feed_close(w);
    qh_buf_fini(&b);
    free(evs);
    return st;
}

static int cmd_appointment_add(struct ctx *c)
{
    const char *service, *at, *name;
    int st;
    if ((st = cli_need_opt(c, "service", &service)) || (st = cli_need_opt(c, "at", &at)) ||
        (st = cli_text_opt(c, "name", QH_TEXT_NAME, &name)))
        return st;
    int64_t slot;
    char err[QH_ERRLEN], code[32] = "";
    int rc = qh_clock_parse(at, cli_tz_of(c), &slot, err, sizeof err);
    if (rc < 0) {
        cli_say("--at: %s", err);
        return 2;
    }
    rc = qh_appointment_add(c->s, service, slot, name ? name : "", code,
                            err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if (!c->json) {
        puts(code);
        return 0;
    }
    struct qh_buf b;
    qh_buf_init(&b);
    qh_json_open(&b);
    qh_json_str(&b, "code", code);
    qh_json_str(&b, "service", service);
    cli_json_time(c, &b, "at", slot);
    qh_json_str(&b, "name", name ? name : "");
    qh_json_close(&b);
    return cli_emit(&b);
}

static int cmd_import_appointments(struct ctx *c)
{
    const char *path = c->pos[0];
    static char report[REPORTLEN];
    struct qh_appointment *booked = NULL;
    size_t n = 0;
    char *text = NULL;
    size_t len = 0;
    int st = cli_read_input(path, &text, &len);
    if (st)
        return st;
    int rc = qh_appointments_import(c->s, path, text, len, &booked, &n, report,
                                    sizeof report);
    free(text);
    if (rc < 0)
        return cli_fail_report(rc, report);
    for (size_t i = 0; i < n && !c->json; i++) {
        char at[32];
        qh_clock_iso(cli_tz_of(c), booked[i].slot_at, at);
        printf("%s\t%s\t%s\n", booked[i].code, booked[i].service, at);
    }
    if (c->json)
        printf("{\"imported\":%zu}\n", n);
    else
        printf(TR(c, "已导入 %zu 条预约\n", "imported %zu appointments\n"), n);
    free(booked);
    return 0;
}

static int cmd_checkin(struct ctx *c)
{
    struct qh_ticket_row t;
    struct qh_issue_info info;
    char err[QH_ERRLEN];
    int rc = qh_appointment_checkin(c->s, c->pos[0], &t, &info, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    return report_issued(c, &t, &info);
}

/* One line from stdin, without echo when it is a terminal. */
static int read_pin(struct ctx *c, char *pin, size_t n)
{
    struct termios old, quiet;
    int tty = isatty(0) && tcgetattr(0, &old) == 0;
    if (tty) {
        fputs("PIN: ", stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(0, TCSAFLUSH, &quiet);
    }
    char *r = fgets(pin, (int)n, stdin);
    if (tty) {
        tcsetattr(0, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!r) {
        cli_say(TR(c, "标准输入没有 PIN", "no PIN on standard input"));
        return 2;
    }
    pin[strcspn(pin, "\r\n")] = '\0';
    return 0;
}

static int cmd_login(struct ctx *c)
{
    int w, st = cli_window_arg(c, "window", &w);
    const char *staff;
    if (st || (st = cli_need_opt(c, "staff", &staff)))
        return st;
    char pin[64], err[QH_ERRLEN], line[160];
    if ((st = read_pin(c, pin, sizeof pin)))
        return st;
    int rc = qh_staff_login(c->s, w, staff, pin, err, sizeof err);
    explicit_bzero(pin, sizeof pin);
    if (rc < 0)
        return cli_fail(rc, err);
    snprintf(line, sizeof line, TR(c, "%s 已登录%d号窗口", "%s logged in at window %d"),
             staff, w);
    return report_window(c, w, staff, line);
}

static int cmd_logout(struct ctx *c)
{
    int w, st = cli_window_arg(c, "window", &w);
    if (st)
        return st;
    char err[QH_ERRLEN], line[128];
    int rc = qh_staff_logout(c->s, w, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    snprintf(line, sizeof line, TR(c, "%d号窗口已退出登录", "logged out of window %d"), w);
    return report_window(c, w, NULL, line);
}

static int cmd_staff_add(struct ctx *c)
{
    const char *id = c->pos[0], *name, *role = cli_opt(c, "role");
    int st;
    if ((st = cli_need_opt(c, "name", &name)) ||
        (st = cli_text_opt(c, "name", QH_TEXT_NAME, &name)))
        return st;
    if (!role)
        role = "staff";
    char pin[64], err[QH_ERRLEN];
    if ((st = read_pin(c, pin, sizeof pin)))
        return st;
    int rc = qh_staff_add(c->s, id, name, role, pin, err, sizeof err);
    explicit_bzero(pin, sizeof pin);
    if (rc < 0)
        return cli_fail(rc, err);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_str(&b, "id", id);
        qh_json_str(&b, "name", name);
        qh_json_str(&b, "role", role);
        qh_json_close(&b);
        return cli_emit(&b);
    }
    printf(TR(c, "已添加工作人员 %s（%s，%s）\n", "added staff %s (%s, %s)\n"),
           id, name, role);
    return 0;
}

static int cmd_staff_pin(struct ctx *c)
{
    const char *id = c->pos[0];
    char pin[64], err[QH_ERRLEN];
    int st = read_pin(c, pin, sizeof pin);
    if (st)
        return st;
    int rc = qh_staff_set_pin(c->s, id, pin, err, sizeof err);
    explicit_bzero(pin, sizeof pin);
    if (rc < 0)
        return cli_fail(rc, err);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_str(&b, "id", id);
        qh_json_close(&b);
        return cli_emit(&b);
    }
    printf(TR(c, "已更换 %s 的 PIN\n", "changed the PIN of %s\n"), id);
    return 0;
}

/* The pad's photo of a staff member: checked by size before it is read,
 * and by its header (qh_staff_photo_check) before it is kept. */
static int cmd_staff_photo(struct ctx *c)
{
    const char *id = c->pos[0], *path = c->npos > 1 ? c->pos[1] : NULL;
    int remove = cli_opt(c, "remove") != NULL, rc;
    char err[QH_ERRLEN], *data = NULL;
    size_t len = 0;
    struct stat sb;
    if (remove == (path != NULL))
        return cli_usage_error(c, "%s", TR(c, "请给出照片文件（PNG 或 JPEG），或 --remove",
                                           "give a photo file (PNG or JPEG), or --remove"));
    if (path) {
        if (stat(path, &sb) < 0) {
            snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
            return cli_fail(QH_E_IO, err);
        }
        if (!S_ISREG(sb.st_mode) || sb.st_size > QH_PHOTO_MAX_BYTES) {
            snprintf(err, sizeof err, TR(c, "%s：不是 %d KB 以内的图片文件",
                                         "%s: not an image file of at most %d KB"),
                     path, QH_PHOTO_MAX_BYTES / 1024);
            return cli_fail(QH_E_PARSE, err);
        }
        if ((rc = qh_file_read(path, &data, &len, err, sizeof err)) < 0)
            return cli_fail(rc, err);
        rc = qh_staff_photo_set(c->s, id, data, len, err, sizeof err);
        free(data);
    } else {
        rc = qh_staff_photo_remove(c->s, id, err, sizeof err);
    }
    if (rc == QH_E_PARSE && path) {         /* the file's fault: name it */
        char msg[QH_ERRLEN + 4200];
        snprintf(msg, sizeof msg, "%s: %s", path, err);
        return cli_fail(rc, msg);
    }
    if (rc < 0)
        return cli_fail(rc, err);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_str(&b, "id", id);
        qh_json_bool(&b, "photo", !remove);
        if (!remove)
            qh_json_int(&b, "bytes", (int64_t)len);
        qh_json_close(&b);
        return cli_emit(&b);
    }
    if (remove)
        printf(TR(c, "已删除 %s 的照片，评价器显示默认头像\n",
                  "removed the photo of %s: the pad shows the placeholder\n"), id);
    else
        printf(TR(c, "已设置 %s 的照片（%zu KB），评价器即时更新\n",
                  "set the photo of %s (%zu KB): the pad shows it at once\n"), id,
               (len + 1023) / 1024);
    return 0;
}

static int cmd_staff_unlock(struct ctx *c)
{
    const char *id = c->pos[0];
    char err[QH_ERRLEN];
    int rc = qh_staff_unlock(c->s, id, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_str(&b, "id", id);
        qh_json_bool(&b, "cleared", rc > 0);
        qh_json_close(&b);
        return cli_emit(&b);
    }
    if (rc)
        printf(TR(c, "已解除 %s 的锁定，错误次数清零\n",
                  "unlocked %s: wrong PINs forgotten\n"), id);
    else
        printf(TR(c, "%s 没有错误 PIN 记录，无需解锁\n",
                  "%s has no wrong PINs on record: nothing to unlock\n"), id);
    return 0;
}

struct staff_list {
    struct ctx *c;
    struct qh_buf *b;
    int rc;                   /* a read that failed: the list stops */
};

/* The locks in force of one staff member: a text and a JSON array. */
struct staff_locks {
    struct ctx *c;
    int64_t now;
    int locked, failed;
    struct qh_buf text, json;
};

static int staff_lock_one(const struct qh_login_lock *l, void *ud)
{
    struct staff_locks *k = ud;
    struct ctx *c = k->c;
    int all = !strcmp(l->device, QH_LOCK_ALL);
    if (all)
        k->failed = l->failed;
    if (l->locked_until <= k->now)
        return 0;
    int min = (int)((l->locked_until - k->now + 59999) / 60000);
    const char *dev = all ? TR(c, "所有设备", "all devices") : l->device;
    qh_buf_printf(&k->text, TR(c, "  已锁定（%s，%d 分钟）", "  locked (%s, %d min)"),
                  dev, min);
    struct qh_buf one;
    qh_buf_init(&one);
    qh_json_open(&one);
    qh_json_str(&one, "device", l->device);
    cli_json_time(c, &one, "until", l->locked_until);
    qh_json_int(&one, "minutes", min);
    qh_json_close(&one);
    cli_array_add(&k->json, &one);
    qh_buf_fini(&one);
    k->locked = 1;
    return 0;
}

static int staff_one(const struct qh_staff_row *st, void *ud)
{
    struct staff_list *l = ud;
    struct ctx *c = l->c;
    int window = qh_window_of_staff(c->s, st->id);
    if (window < 0) {
        l->rc = window;
        return 1;
    }
    struct staff_locks k = {.c = c, .now = qh_hall_now(c->s)};
    qh_buf_init(&k.text);
    qh_buf_init(&k.json);
    qh_buf_puts(&k.json, "[");
    int rc = qh_staff_lock_each(c->s, st->id, staff_lock_one, &k);
    qh_buf_puts(&k.json, "]");
    if (rc < 0 || k.text.oom || k.json.oom) {
        l->rc = rc < 0 ? rc : QH_E_NOMEM;
        qh_buf_fini(&k.text);
        qh_buf_fini(&k.json);
        return 1;
    }
    int locked = k.locked;
    /* An admin PIN set before the 6-digit rule still works (a hall is
     * not locked out by an upgrade), and is pointed out here: -1 until
     * its next use tells its length. */
    int admin = !strcmp(st->role, "admin");
    int too_short = admin ? st->pin_short : 0;
    if (!c->json) {
        printf("%-12s %-12s %-6s", st->id, st->name, st->role);
        if (window)
            printf(TR(c, "  %d号窗口", "  window %d"), window);
        fputs(qh_buf_str(&k.text), stdout);
        if (too_short == 1)
            printf(TR(c, "  PIN 不足%d位：请用 qhall staff pin %s 更换",
                      "  PIN shorter than %d digits: change it with qhall staff pin %s"),
                   QH_AUTH_ADMIN_PIN_MIN, st->id);
        else if (too_short < 0)
            printf(TR(c, "  PIN 长度未知（下次使用后可知），可用 qhall staff pin %s 设为%d位以上",
                      "  PIN length not known until its next use: qhall staff pin %s sets one of %d+ digits"),
                   st->id, QH_AUTH_ADMIN_PIN_MIN);
        putchar('\n');
        qh_buf_fini(&k.text);
        qh_buf_fini(&k.json);
        return 0;
    }
    struct qh_buf one;
    qh_buf_init(&one);
    qh_json_open(&one);
    qh_json_str(&one, "id", st->id);
    qh_json_str(&one, "name", st->name);
    qh_json_str(&one, "role", st->role);
    cli_json_int0(&one, "window", window);
    qh_json_bool(&one, "locked", locked);
    qh_json_raw(&one, "locks", qh_buf_str(&k.json));
    qh_json_int(&one, "failed", k.failed);
    if (too_short < 0)
        qh_json_raw(&one, "pin_too_short", "null");
    else
        qh_json_bool(&one, "pin_too_short", too_short);
    cli_json_time(c, &one, "created_at", st->created_at);
    qh_buf_fini(&k.text);
    qh_buf_fini(&k.json);
    qh_json_close(&one);
    cli_array_add(l->b, &one);
    qh_buf_fini(&one);
    return 0;
}

static int cmd_staff_list(struct ctx *c)
{
    struct qh_buf b;
    struct staff_list l = { c, &b, 0 };
    qh_buf_init(&b);
    qh_buf_puts(&b, "[");
    int rc = qh_staff_each(c->s, staff_one, &l);
    if (rc >= 0 && l.rc < 0)
        rc = l.rc;
    if (rc < 0) {
        char err[QH_ERRLEN];
        qh_buf_fini(&b);
        return cli_fail(qh_staff_read_err(c->s, rc, err, sizeof err), err);
    }
    if (!c->json) {
        qh_buf_fini(&b);
        return 0;
    }
    qh_buf_puts(&b, "]");
    return cli_emit(&b);
}

/* Open one side of a copy: the source read-only and as it is, the target
 * created (a new file, or a schema in an empty server database). */
static int copy_open(struct ctx *c, const char *db, int flags,
                     struct qh_store **out)
{
    char err[1024];
    int rc = qh_hall_check_perms(db, c->lang, err, sizeof err);
    if (rc > 0)
        cli_say("%s", err);
    if (rc < 0 || (rc = qh_hall_open(out, db, flags | (c->lang == QH_LANG_EN
                                                        ? QH_OPEN_EN : 0),
                                     err, sizeof err)) < 0)
        return cli_fail(rc, err);
    qh_hall_set_lang(*out, c->lang);
    qh_hall_set_actor(*out, "cli");
    return 0;
}

/* One side's check after the copy: its problems, or < 0. */
static int copy_check(struct qh_store *s, const char *db)
{
    static char report[REPORTLEN];
    char err[1024];
    int n = qh_hall_check(s, report, sizeof report, err, sizeof err);
    if (n < 0)
        cli_say("%s: %s", db, err);
    else if (n > 0)
        cli_say("%s:\n%s", db, report);
    return n;
}

static int cmd_copy(struct ctx *c)
{
    const char *from = cli_opt(c, "from"), *to = cli_opt(c, "to");
    struct qh_store *src = NULL, *dst = NULL;
    struct qh_store_rows was[QH_STORE_TABLES], got[QH_STORE_TABLES];
    char err[REPORTLEN];
    int st, rc, made = 0;
    if (!from || !*from || !to || !*to)
        return cli_usage_error(c, TR(c, "需要 --from 和 --to", "--from and --to are required"));
    if (!strcmp(from, to))
        return cli_usage_error(c, TR(c, "--from 和 --to 是同一个数据库",
                                     "--from and --to name the same database"));
    if ((st = copy_open(c, from, QH_OPEN_READONLY | QH_OPEN_EXISTING, &src)))
        return st;
    made = !qh_hall_is_server(to) && access(to, F_OK) != 0;
    if ((st = copy_open(c, to, 0, &dst)))
        goto out;
    rc = qh_hall_copy(src, dst, was, err, sizeof err);
    qh_hall_close(dst);
    dst = NULL;
    if (rc < 0) {
        st = cli_fail(rc, err);
        goto out;
    }
    made = 0;
    /* What the target holds, read afresh, against what was copied; then
     * both sides' checks. */
    if ((st = copy_open(c, to, QH_OPEN_EXISTING, &dst)))
        goto out;
    if ((rc = qh_hall_count(dst, got, err, sizeof err)) < 0) {
        st = cli_fail(rc, err);
        goto out;
    }
    int differ = 0;
    for (int i = 0; i < QH_STORE_TABLES; i++)
        differ += was[i].rows != got[i].rows;
    int pf = copy_check(src, from), pt = copy_check(dst, to);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_str(&b, "from", from);
        qh_json_str(&b, "to", to);
        qh_buf_puts(&b, ",\"tables\":[");
        for (int i = 0; i < QH_STORE_TABLES; i++) {
            qh_buf_puts(&b, i ? ",{" : "{");
            qh_buf_printf(&b, "\"table\":");
            qh_json_quote(&b, was[i].table);
            qh_buf_printf(&b, ",\"copied\":%lld,\"target\":%lld}",
                          (long long)was[i].rows, (long long)got[i].rows);
        }
        qh_buf_puts(&b, "]");
        qh_json_int(&b, "check_from", pf);
        qh_json_int(&b, "check_to", pt);
        qh_json_bool(&b, "verified", !differ && pf == 0 && pt == 0);
        qh_json_close(&b);
        int e = cli_emit(&b);
        st = e ? e : (differ || pf || pt) ? 1 : 0;
        goto out;
    }
    printf("%-12s %10s %10s\n", TR(c, "表", "table"), TR(c, "已复制", "copied"),
           TR(c, "目标", "target"));
    for (int i = 0; i < QH_STORE_TABLES; i++)
        printf("%-12s %10lld %10lld%s\n", was[i].table, (long long)was[i].rows,
               (long long)got[i].rows, was[i].rows != got[i].rows ? "  !=" : "");
    if (differ || pf || pt) {
        cli_say(TR(c, "复制后核对未通过：%d 个表行数不符，检查问题 %d / %d",
                   "the copy does not verify: %d tables differ, check problems %d / %d"),
                differ, pf < 0 ? -1 : pf, pt < 0 ? -1 : pt);
        st = 1;
        goto out;
    }
    printf(TR(c, "已复制到 %s：行数一致，两边检查均通过\n",
              "copied to %s: every table's rows match, both sides check clean\n"), to);
    st = 0;
out:
    qh_hall_close(dst);
    qh_hall_close(src);
    if (made) {
        static const char *const sfx[] = {"", "-wal", "-shm"};
        char p[4096];
        for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
            snprintf(p, sizeof p, "%s%s", to, sfx[i]);
            unlink(p);
        }
    }
    return st;
}

static int cmd_check(struct ctx *c)
{
    static char report[REPORTLEN];
    char err[1024];
    report[0] = '\0';
    int n = qh_hall_check(c->s, report, sizeof report, err, sizeof err);
    if (n < 0)
        return cli_fail(n, err);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_bool(&b, "healthy", n == 0);
        qh_buf_puts(&b, ",\"problems\":[");
        for (const char *p = report; n && *p;) {
            size_t k = strcspn(p, "\n");
            char line[1024];
            snprintf(line, sizeof line, "%.*s", (int)k, p);
            if (p != report)
                qh_buf_puts(&b, ",");
            qh_json_quote(&b, line);
            p += k + (p[k] == '\n');
        }
        qh_buf_puts(&b, "]");
        qh_json_close(&b);
        int st = cli_emit(&b);
        return st ? st : n ? 1 : 0;
    }
    if (!n) {
        puts(TR(c, "检查通过：未发现问题", "check passed: no problems found"));
        return 0;
    }
    puts(report);
    cli_say(TR(c, "发现 %d 个问题", "%d problems found"), n);
    return 1;
}

/* `--json` adds where the programs of this install find the chime
 * (qh_asset_find, the same lookup as theirs), for an install to be
 * checked without starting a screen. */
static int cmd_version(struct ctx *c)
{
    char chime[1024], why[QH_ERRLEN];
    struct qh_buf b;

    if (!cli_opt(c, "json")) {
        qh_version_print(stdout, "qhall");
        return 0;
    }
    int found = qh_asset_find("chime.wav", chime, sizeof chime, why, sizeof why) == 0;
    qh_buf_init(&b);
    qh_json_open(&b);
    qh_json_str(&b, "program", "qhall");
    qh_json_str(&b, "version", QH_VERSION);
    qh_json_str(&b, "commit", QH_COMMIT);
    qh_json_str(&b, "chime", found ? chime : NULL);
    if (!found)
        qh_json_str(&b, "chime_problem", why);
    qh_json_close(&b);
    return cli_emit(&b);
}

static const struct cmd cmds[] = {
    { "init", cmd_init, "config= force", 0, 0, F_NOHALL,
      "init [--config hall.ini] [--force]",
      "初始化数据库：默认大厅（或 INI 配置）和示例事项目录；已有大厅时需 --force",
      "initialise the database with the default hall (or the INI) and the sample catalogue; --force replaces a hall" },
    { "import services", cmd_import_services, "", 1, 1, 0,
      "import services FILE.csv",
      "导入事项目录（code,name,queue,promised_days,materials[,initials]），全部成功或全部不导入",
      "import the service catalogue (code,name,queue,promised_days,materials[,initials]), all or nothing" },
    { "import appointments", cmd_import_appointments, "", 1, 1, 0,
      "import appointments FILE.csv",
      "导入预约（service,at,name[,code]）",
      "import appointments (service,at,name[,code])" },
    { "issue", cmd_issue, "service= queue= green=", 0, 0, 0,
      "issue (--service CODE | --queue Q) [--green elderly|pregnant|disabled|military|other]",
      "取号：输出号码（--json 输出等候人数和预计等候时间）",
      "issue a ticket: prints the number (--json: people ahead and the estimated wait)" },
    { "call", cmd_call, "window= ticket=", 0, 0, 0,
      "call --window N [--ticket NUMBER]",
      "叫号：呼叫下一位（或指定号码）",
      "call the next ticket (or the given one) to the window" },
    { "recall", cmd_recall, "window=", 0, 0, 0, "recall --window N",
      "重呼当前号码；超过重呼次数记为过号",
      "call the window's ticket again; past the recall limit it becomes a no-show" },
    { "noshow", cmd_noshow, "window=", 0, 0, 0, "noshow --window N",
      "过号：被呼叫者未到", "mark the called ticket as a no-show" },
    { "callback", cmd_callback, "window=", 1, 1, 0, "callback NUMBER --window N",
      "回呼一个过号的号码", "call a no-show ticket back" },
    { "start", cmd_start, "window=", 0, 0, 0, "start --window N",
      "开始办理", "start serving the called ticket" },
    { "hold", cmd_hold, "window=", 0, 0, 0, "hold --window N",
      "挂起：群众暂时离开，回来后优先呼叫",
      "hold: the citizen steps away and is called first on return" },
    { "release", cmd_release, "", 1, 1, 0, "release NUMBER",
      "解除挂起：号码回到队列最前", "release a held ticket to the front of its queue" },
    { "transfer", cmd_transfer, "window= to-queue= to-window= to-service= note=",
      0, 0, 0,
      "transfer --window N (--to-queue Q | --to-window M | --to-service CODE) [--note TEXT]",
      "转移：保留号码和取号时间（一票到底）",
      "transfer, keeping the number and the issue time" },
    { "finish", cmd_finish, "window= outcome= note= case=", 0, 0, 0,
      "finish --window N --outcome done|supplement|failed [--note TEXT] [--case NO]",
      "办结：done 办结，supplement 需补件，failed 办不成（转综合服务队列）；--case 记录业务系统的办件编号",
      "finish: done, supplement (materials missing), failed (goes to the class C queue); --case records the back-office case number" },
    { "cancel", cmd_cancel, "", 1, 1, 0, "cancel NUMBER",
      "取消一个等候中的号码", "cancel a waiting ticket" },
    { "rate", cmd_rate, "channel= by= day= reason=", 2, 2, 0,
      "rate NUMBER 1-5 --channel paper|hotline|sms --by ADMIN [--day DAY] [--reason TEXT]",
      "录入纸质、电话、短信好差评（管理员 PIN 从标准输入读取）：5 非常满意 … 1 非常不满意；"
      "1-2 分须说明原因；群众在窗口的评价器上自己评价",
      "enter a rating given on paper, by phone or by text (the admin's PIN on standard "
      "input): 5 very satisfied ... 1 very dissatisfied, 1 and 2 need a reason; the "
      "citizen rates on the window's pad" },
    { "appeal decide", cmd_appeal_decide, "by= reason= day=", 2, 2, 0,
      "appeal decide NUMBER uphold|overturn --by ADMIN --reason TEXT [--day DAY]",
      "决定申诉（管理员 PIN 从标准输入读取）：维持或撤销差评；撤销的差评保留记录，不计入考核",
      "decide an appeal (the admin's PIN on standard input): uphold or overturn the 差评; "
      "an overturned one is kept but left out of the scorecard" },
    { "appeal", cmd_appeal, "staff= reason= day=", 1, 1, 0,
      "appeal NUMBER --staff ID --reason TEXT [--day DAY]",
      "申诉差评（被评价的工作人员本人，PIN 从标准输入读取；1-2 分，一次）",
      "appeal a 差评 (the staff member rated, their PIN on standard input; scores 1-2, once)" },
    { "pause", cmd_pause, "window= reason=", 0, 0, 0,
      "pause --window N --reason TEXT", "暂停窗口", "pause a window" },
    { "resume", cmd_resume, "window=", 0, 0, 0, "resume --window N",
      "恢复窗口", "resume a paused window" },
    { "status", cmd_status, "", 0, 0, 0, "status",
      "大厅状态：各队列等候人数、各窗口状态",
      "hall status: waiting per queue, state of each window" },
    { "events", cmd_events, "since= follow", 0, 0, 0,
      "events [--since ID] [--follow]",
      "事件日志；--follow 持续输出新事件", "the event log; --follow keeps printing new events" },
    { "appointment add", cmd_appointment_add, "service= at= name=", 0, 0, 0,
      "appointment add --service CODE --at TIME [--name NAME]",
      "预约：输出签到码（TIME 为 ISO 8601，无时区时按大厅时区）",
      "book an appointment: prints the check-in code (TIME ISO 8601, hall time zone if no offset)" },
    { "checkin", cmd_checkin, "", 1, 1, 0, "checkin CODE",
      "预约签到并取号", "check in an appointment and issue its ticket" },
    { "login", cmd_login, "window= staff=", 0, 0, 0, "login --window N --staff ID",
      "工作人员登录窗口（PIN 从标准输入读取）",
      "log a staff member in at a window (PIN read from standard input)" },
    { "logout", cmd_logout, "window=", 0, 0, 0, "logout --window N",
      "退出窗口登录", "log the window's staff member out" },
    { "staff add", cmd_staff_add, "name= role=", 1, 1, 0,
      "staff add ID --name NAME [--role staff|admin]",
      "添加工作人员（PIN 从标准输入读取，4-12 位数字；管理员 6-12 位）",
      "add a staff member (PIN read from standard input: 4-12 digits, an admin's 6-12)" },
    { "staff list", cmd_staff_list, "", 0, 0, 0, "staff list",
      "列出工作人员（锁定、PIN 过短的管理员）",
      "list staff members (locks, admins whose PIN is too short)" },
    { "staff pin", cmd_staff_pin, "", 1, 1, 0, "staff pin ID",
      "更换 PIN（从标准输入读取）", "change a PIN (read from standard input)" },
    { "staff photo", cmd_staff_photo, "remove", 1, 2, 0,
      "staff photo ID FILE.png|FILE.jpg | staff photo ID --remove",
      "设置评价器上显示的工作人员照片（PNG 或 JPEG，最大 512 KB，边长 48-4096 像素）；--remove 删除",
      "set the staff member's photo the rating pad shows (PNG or JPEG, at most 512 KB, "
      "48-4096 pixels a side); --remove removes it" },
    { "staff unlock", cmd_staff_unlock, "", 1, 1, 0, "staff unlock ID",
      "解除错误 PIN 造成的锁定（所有设备）",
      "clear the lock-out of wrong PINs (every device)" },
    { "copy", cmd_copy, "from= to=", 0, 0, F_NODB,
      "copy --from DB --to DB",
      "把大厅连同全部历史复制到新的数据库（如从本机文件到 PostgreSQL 服务器），并核对行数和两边的检查",
      "copy the hall, history and all, into a new database (e.g. from a file to a PostgreSQL server), then verify the rows and check both" },
    { "check", cmd_check, "", 0, 0, F_READONLY, "check",
      "检查数据库一致性：有问题时退出状态为 1",
      "check the database; exit status 1 if problems are found" },
    { "help", cmd_help, "", 0, 2, F_NODB, "help [COMMAND]",
      "显示帮助", "show this help" },
    { "version", cmd_version, "", 0, 0, F_NODB, "version [--json]",
      "显示版本和构建所用的提交；--json 另给出铃声文件的位置",
      "show the release and the commit it was built from; --json also where the chime file is" },
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

/* Every command: this file's table, then those of the other cli_*.c
 * files (each ends with an entry whose name is NULL). */
static const struct cmd *all[256];
static size_t nall;

static void collect_cmds(void)
{
    if (nall)
        return;                 /* a host calls cli_main again */
    const struct cmd *const more[] = {qh_cli_print_cmds, qh_cli_report_cmds,
                                     qh_cli_export_cmds, qh_cli_serve_cmds,
                                     qh_cli_ops_cmds};
    for (size_t i = 0; i < NCMDS && nall < 256; i++)
        all[nall++] = &cmds[i];
    for (size_t t = 0; t < sizeof more / sizeof more[0]; t++)
        for (const struct cmd *m = more[t]; m->name && nall < 256; m++)
            all[nall++] = m;
}

static void print_usage(const struct ctx *c, FILE *f)
{
    fputs(TR(c,
             "用法：qhall [--db 路径] [--json] [--lang zh|en] 命令 [参数]\n"
             "\n全局选项：\n"
             "  --db PATH       数据库文件（默认 $QHALL_DB，否则 $XDG_STATE_HOME/qhall/qhall.db）\n"
             "  --json          以 JSON 输出\n"
             "  --lang zh|en    消息语言（默认 zh，也可用 QHALL_LANG）\n"
             "  --verbose       记录全部日志（同 QHALL_LOG=debug）\n"
             "  --help          显示帮助\n"
             "  --version       显示版本\n"
             "\n命令：\n",
             "usage: qhall [--db PATH] [--json] [--lang zh|en] COMMAND [ARGS]\n"
             "\nglobal options:\n"
             "  --db PATH       database file (default $QHALL_DB, else $XDG_STATE_HOME/qhall/qhall.db)\n"
             "  --json          JSON output\n"
             "  --lang zh|en    language of messages (default zh, also QHALL_LANG)\n"
             "  --verbose       log everything (as QHALL_LOG=debug)\n"
             "  --help          show this help\n"
             "  --version       show the version\n"
             "\ncommands:\n"), f);
    for (size_t i = 0; i < nall; i++)
        cli_synopsis(c, all[i], f);
    fputs(TR(c,
             "\n选项可写作 --opt 值 或 --opt=值，可在位置参数之前或之后。\n"
             "时间可用 QHALL_NOW=2026-11-25T09:00:00+08:00 固定。\n"
             "退出状态：0 完成；1 被拒绝；2 用法或输入错误；3 存储或系统错误。\n",
             "\nOptions take --opt VALUE or --opt=VALUE, before or after positionals.\n"
             "QHALL_NOW=2026-11-25T09:00:00+08:00 fixes the clock.\n"
             "Exit status: 0 done; 1 refused; 2 bad usage or input; 3 store or system error.\n"),
          f);
}

/* The command named by words[0] (and words[1] for two-word commands).
 * *used receives how many words the name took; NULL if none matches. */
static const struct cmd *find_cmd(const char *const *words, int nwords, int *used)
{
    for (size_t i = 0; i < nall; i++) {
        const char *name = all[i]->name;
        const char *sp = strchr(name, ' ');
        size_t n = sp ? (size_t)(sp - name) : strlen(name);
        if (strlen(words[0]) != n || memcmp(words[0], name, n))
            continue;
        if (!sp) {
            *used = 1;
            return all[i];
        }
        if (nwords > 1 && !strcmp(words[1], sp + 1)) {
            *used = 2;
            return all[i];
        }
    }
    return NULL;
}

/* "import" alone, or followed by something other than its subcommands. */
static int is_group(const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i < nall; i++)
        if (strchr(all[i]->name, ' ') && !strncmp(all[i]->name, word, n) &&
            all[i]->name[n] == ' ')
            return 1;
    return 0;
}

static void print_group(const struct ctx *c, const char *word, FILE *f)
{
    size_t n = strlen(word);
    fputs(TR(c, "用法：\n", "usage:\n"), f);
    for (size_t i = 0; i < nall; i++)
        if (!strncmp(all[i]->name, word, n) && all[i]->name[n] == ' ')
            cli_synopsis(c, all[i], f);
}

static int cmd_help(struct ctx *c)
{
    if (!c->npos) {
        print_usage(c, stdout);
        return 0;
    }
    int used;
    const struct cmd *cmd = find_cmd(c->pos, c->npos, &used);
    if (cmd) {
        fputs(TR(c, "用法：\n", "usage:\n"), stdout);
        cli_synopsis(c, cmd, stdout);
        return 0;
    }
    if (is_group(c->pos[0])) {
        print_group(c, c->pos[0], stdout);
        return 0;
    }
    c->cmd = NULL;
    return cli_usage_error(c, TR(c, "未知命令 \"%s\"", "unknown command \"%s\""),
                       c->pos[0]);
}

/* The language is needed before the arguments are parsed (their errors
 * are messages too): $QHALL_LANG, then any --lang on the line. */
static int pick_lang(struct ctx *c, int argc, char **argv)
{
    const char *v = getenv("QHALL_LANG");
    const char *bad = NULL, *src = "QHALL_LANG";
    if (v && *v) {
        if (!strcmp(v, "en"))
            c->lang = QH_LANG_EN;
        else if (strcmp(v, "zh"))
            bad = v;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strncmp(argv[i], "--lang=", 7))
            v = argv[i] + 7;
        else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
            v = argv[++i];
        else
            continue;
        src = "--lang";
        bad = NULL;
        if (!strcmp(v, "en"))
            c->lang = QH_LANG_EN;
        else if (!strcmp(v, "zh"))
            c->lang = QH_LANG_ZH;
        else
            bad = v;
    }
    if (bad) {
        cli_say(TR(c, "%s: 应为 zh|en，实为 \"%s\"", "%s: expected zh|en, got \"%s\""),
            src, bad);
        return 2;
    }
    return 0;
}

/* The host's hall for a command that uses one, set up as open_db's. */
static void use_host(struct ctx *c, const struct cli_host *host)
{
    if (c->cmd->flags & F_NODB)
        return;
    c->s = host->s;
    qh_hall_set_lang(c->s, c->lang);
    qh_hall_set_actor(c->s, "cli");
    cli_fail_on(c->s);
}

int cli_main(int argc, char **argv, const struct cli_host *host)
{
    static struct ctx ctx;
    struct ctx *c = &ctx;
    int i = 1, used = 0, st;
    memset(c, 0, sizeof *c);
    collect_cmds();
    if ((st = pick_lang(c, argc, argv)))
        return st;
    if ((st = parse_args(c, argc, argv, &i, "", 1)))
        return st;
    if (cli_opt(c, "version"))
        return cmd_version(c);
    if (i >= argc) {
        if (cli_opt(c, "help")) {
            print_usage(c, stdout);
            return 0;
        }
        print_usage(c, stderr);
        return 2;
    }
    c->cmd = find_cmd((const char *const *)argv + i, argc - i, &used);
    if (!c->cmd) {
        if (is_group(argv[i])) {
            cli_say(TR(c, "\"%s\" 后缺少或不认识子命令", "\"%s\" needs a known subcommand"),
                argv[i]);
            print_group(c, argv[i], stderr);
            return 2;
        }
        if (cli_opt(c, "help")) {
            print_usage(c, stdout);
            return 0;
        }
        return cli_usage_error(c, TR(c, "未知命令 \"%s\"", "unknown command \"%s\""),
                           argv[i]);
    }
    i += used;
    if ((st = parse_args(c, argc, argv, &i, c->cmd->opts, 0)))
        return st;
    if (cli_opt(c, "help")) {
        if (c->cmd->run == cmd_help)
            return cmd_help(c);
        fputs(TR(c, "用法：\n", "usage:\n"), stdout);
        cli_synopsis(c, c->cmd, stdout);
        return 0;
    }
    if (cli_opt(c, "version"))
        return cmd_version(c);
    if (c->npos < c->cmd->minpos)
        return cli_usage_error(c, TR(c, "缺少参数", "missing argument"));
    if (c->npos > c->cmd->maxpos)
        return cli_usage_error(c, TR(c, "多余的参数 \"%s\"", "unexpected argument \"%s\""),
                           c->pos[c->cmd->maxpos]);
    c->json = cli_opt(c, "json") != NULL;

    char err[QH_ERRLEN];
    if (qh_log_setup("qhall", cli_opt(c, "verbose") != NULL, err, sizeof err) < 0 ||
        qh_clock_check_env(err, sizeof err) < 0) {
        cli_say("%s", err);
        return 2;
    }
    if (host && !host->may_run(c))
        return 0;
    if (host)
        use_host(c, host);
    else if (!(c->cmd->flags & F_NODB) && (st = open_db(c))) {
        cli_fail_on(NULL);
        qh_hall_close(c->s);
        return st;
    }
    st = c->cmd->run(c);
    cli_fail_on(NULL);
    if (!host)
        qh_hall_close(c->s);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_say("stdout: %s", strerror(errno));
        return st ? st : 3;
    }
    return st;
}
