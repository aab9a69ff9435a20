/* cli_ops.c: the commands that keep a hall running for years: `backup`
 * (one file, or a rotation the nightly job keeps), `restore`, `doctor`,
 * `purge`. */
#include <stdio.h>
#include <string.h>

#include "cli_ops.h"
#include "qh/doctor.h"
#include "qh/hall.h"

enum { KEEP_DEFAULT = 30 };

static int cmd_backup(struct ctx *c)
{
    char err[QH_ERRLEN], path[4096];
    const char *dir = cli_opt(c, "rotate"), *keep = cli_opt(c, "keep");
    long long k = KEEP_DEFAULT;
    int removed = 0, rc;
    if (dir && c->npos)
        return cli_usage_error(c, TR(c, "FILE 与 --rotate DIR 只能给一个",
                                     "give FILE or --rotate DIR, not both"));
    if (!dir && !c->npos)
        return cli_usage_error(c, TR(c, "缺少参数", "missing argument"));
    if (keep && !dir)
        return cli_usage_error(c, TR(c, "--keep 只用于 --rotate", "--keep goes with --rotate"));
    if (keep && (rc = cli_parse_num(c, "--keep", keep, 1, 100000, &k)))
        return rc;
    if (dir) {
        if (!*dir)
            return cli_usage_error(c, TR(c, "--rotate 需要目录", "--rotate needs a directory"));
        rc = qh_hall_backup_rotate(c->s, dir, (int)k, path, sizeof path, &removed,
                                   err, sizeof err);
    } else {
        snprintf(path, sizeof path, "%s", c->pos[0]);
        rc = qh_hall_backup(c->s, path, err, sizeof err);
    }
    if (rc < 0)
        return cli_fail(rc, err);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_str(&b, "backup", path);
        if (dir) {
            qh_json_int(&b, "keep", k);
            qh_json_int(&b, "removed", removed);
        }
        qh_json_close(&b);
        return cli_emit(&b);
    }
    printf(TR(c, "已备份到 %s\n", "backed up to %s\n"), path);
    if (dir)
        printf(TR(c, "保留最近 %lld 份，删除了 %d 份较旧的备份\n",
                  "keeping the latest %lld, removed %d older backups\n"), k, removed);
    return 0;
}

static int cmd_restore(struct ctx *c)
{
    char db[4096], err[1024], kept[4200];
    int st = cli_db_path(c, db, sizeof db);
    if (st)
        return st;
    int rc = qh_hall_restore(db, c->pos[0], cli_opt(c, "force") != NULL, c->lang,
                             kept, sizeof kept, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_str(&b, "restored", c->pos[0]);
        qh_json_str(&b, "db", db);
        qh_json_str(&b, "kept", *kept ? kept : NULL);
        qh_json_int(&b, "backup_schema", rc);
        qh_json_close(&b);
        return cli_emit(&b);
    }
    printf(TR(c, "已用 %s 恢复数据库 %s\n", "restored %s into %s\n"), c->pos[0], db);
    if (*kept)
        printf(TR(c, "被替换的数据库保留为 %s\n", "the replaced database is kept as %s\n"), kept);
    return 0;
}

struct doctor_out {
    struct ctx *c;
    struct qh_buf arr;
    int warnings;
};

static int doctor_line(const struct qh_doctor_finding *f, void *ud)
{
    struct doctor_out *o = ud;
    static const char *const level[] = {"ok", "warn", "error"};
    o->warnings += f->level == QH_DOCTOR_WARN;
    if (o->c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_str(&b, "check", f->check);
        qh_json_str(&b, "level", level[f->level]);
        qh_json_str(&b, "what", f->what);
        qh_json_str(&b, "finding", f->finding);
        qh_json_str(&b, "todo", *f->todo ? f->todo : NULL);
        qh_json_close(&b);
        cli_array_add(&o->arr, &b);
        qh_buf_fini(&b);
        return 0;
    }
    printf("%s  %s: %s%s%s\n", qh_doctor_level_name(f->level, o->c->lang), f->what, f->finding,
           *f->todo ? " — " : "", f->todo);
    return 0;
}

static int cmd_doctor(struct ctx *c)
{
    char db[4096];
    struct doctor_out o = {.c = c};
    int st = cli_db_path(c, db, sizeof db);
    if (st)
        return st;
    qh_buf_init(&o.arr);
    qh_buf_puts(&o.arr, "[");
    int errors = qh_doctor_run(db, c->lang, doctor_line, &o);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_bool(&b, "healthy", errors == 0);
        qh_json_int(&b, "errors", errors);
        qh_json_int(&b, "warnings", o.warnings);
        qh_buf_puts(&o.arr, "]");
        qh_json_raw(&b, "checks", qh_buf_str(&o.arr));
        qh_json_close(&b);
        qh_buf_fini(&o.arr);
        st = cli_emit(&b);
        return st ? st : errors ? 1 : 0;
    }
    qh_buf_fini(&o.arr);
    if (errors)
        cli_say(TR(c, "发现 %d 个错误", "%d errors found"), errors);
    return errors ? 1 : 0;
}

static int cmd_purge(struct ctx *c)
{
    char err[QH_ERRLEN], before[11];
    struct qh_purge_counts n;
    const char *days = cli_opt(c, "days");
    long long d = 0;
    int st;
    if (days && (st = cli_parse_num(c, "--days", days, 1, 36500, &d)))
        return st;
    int rc = qh_hall_purge(c->s, (int)d, before, &n, err, sizeof err);
    if (rc < 0)
        return cli_fail(rc, err);
    if (c->json) {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_json_open(&b);
        qh_json_str(&b, "before", before);
        qh_json_int(&b, "appointments", n.appointments);
        qh_json_int(&b, "ratings", n.ratings);
        qh_json_int(&b, "followups", n.followups);
        qh_json_int(&b, "events", n.events);
        qh_json_close(&b);
        return cli_emit(&b);
    }
    printf(TR(c, "已清除 %s 之前的个人信息：预约姓名 %lld 条，评价 %lld 条，回访 %lld 条，"
                 "事件记录 %lld 条；统计不变\n",
              "erased the personal data before %s: %lld appointment names, %lld ratings, "
              "%lld follow-ups, %lld events; the statistics stay\n"),
           before, (long long)n.appointments, (long long)n.ratings, (long long)n.followups,
           (long long)n.events);
    return 0;
}

const struct cmd qh_cli_ops_cmds[] = {
    { "backup", cmd_backup, "rotate= keep=", 0, 1, 0,
      "backup FILE | backup --rotate DIR [--keep N]",
      "在线备份数据库到新文件（0600）；--rotate 写入 DIR/qhall-YYYYMMDD-HHMMSS.db（目录 0700），"
      "只保留最近 N 份（默认 30）；服务器上的大厅也备份为一个 SQLite 文件",
      "back the database up to a new file (0600); --rotate writes DIR/qhall-YYYYMMDD-HHMMSS.db "
      "(the directory 0700) and keeps the latest N (default 30); a server's hall is backed up "
      "into a SQLite file too" },
    { "restore", cmd_restore, "force", 1, 1, F_NODB, "restore FILE [--force]",
      "用备份替换数据库：先检查备份的完整性和结构版本（较旧的会升级），有程序在用数据库时拒绝"
      "（--force 强制）；被替换的文件保留为 <数据库>.before-restore-YYYYMMDD-HHMMSS",
      "replace the database with a backup: the backup's integrity and schema are checked first "
      "(an older one is upgraded); refused while programs use the database (--force overrides); "
      "the replaced file is kept as <db>.before-restore-YYYYMMDD-HHMMSS" },
    { "doctor", cmd_doctor, "", 0, 0, F_NODB, "doctor",
      "检查本机：中文字体、声音、打印机、数据库（位置、权限、完整性、结构版本、磁盘空间）和时钟"
      "（服务器时与本机对比）；每项为 正常/警告/错误 及处理办法，有错误时退出状态为 1",
      "check this PC: Chinese font, sound, printer, the database (where, permissions, integrity, "
      "schema, disk space) and the clock (a server's against this PC's); each ok/warn/error "
      "with what to do, exit status 1 on any error" },
    { "purge", cmd_purge, "days=", 0, 0, 0, "purge [--days N]",
      "清除超过保留期（[privacy] keep_days，默认 365 天，或 --days N）的个人信息：预约姓名、"
      "评价和申诉理由、办结和转移备注、回访记录；统计（报表、考核）不变",
      "erase personal data older than the retention ([privacy] keep_days, default 365 days, "
      "or --days N): appointment names, rating and appeal reasons, finish and transfer notes, "
      "follow-up texts; the statistics (reports, scorecard) stay" },
    { NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};
