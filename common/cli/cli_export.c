/* cli_export.c: `qhall export ratings`, the hall's 好差评 for a provincial
 * platform (qh/export.h does the records; this file reads the options and
 * the mapping file, and writes the result).
 *
 * --out writes the file whole or not at all (a temporary file beside it,
 * renamed over it), mode 0600 from the start: the export names the staff
 * member of each case and carries the citizens' own words. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qh/export.h"

#include "cli.h"
#include "cli_export.h"

static int write_atomic(const char *path, const struct qh_buf *b)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return cli_fail(QH_E_NOMEM, NULL);
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);          /* mode 0600 */
    if (fd < 0) {
        cli_say("%s: %s", path, strerror(errno));
        free(tmp);
        return 3;
    }
    const char *p = qh_buf_str(b);
    size_t left = b->len;
    int ok = 1;
    while (ok && left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        if (ok) {
            p += w;
            left -= (size_t)w;
        }
    }
    ok = ok && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        cli_say("%s: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : 3;
}

static int cmd_export_ratings(struct ctx *c)
{
    struct qh_export_req req = { .format = QH_EXPORT_GBT39046 };
    struct qh_export_map map;
    const char *fmt = cli_opt(c, "format"), *mpath = cli_opt(c, "map");
    const char *out = cli_opt(c, "out");
    static char report[REPORTLEN];
    int st;
    if ((st = cli_need_opt(c, "since", &req.since)) ||
        (st = cli_need_opt(c, "until", &req.until)))
        return st;
    if (fmt && qh_export_format_parse(fmt, &req.format) < 0)
        return cli_usage_error(c, TR(c, "--format：应为 gbt39046|csv|json，实为「%s」",
                                     "--format: expected gbt39046|csv|json, got \"%s\""), fmt);
    if (out && !*out)
        return cli_usage_error(c, "%s", TR(c, "--out 需要文件名", "--out needs a file name"));
    if (mpath) {
        char *text;
        size_t len;
        if ((st = cli_read_input(mpath, &text, &len)))
            return st;
        int rc = qh_export_map_parse(&map, mpath, text, report, sizeof report);
        free(text);
        if (rc < 0)
            return cli_fail_report(rc, report);
        req.map = &map;
    }
    struct qh_buf b;
    qh_buf_init(&b);
    int rc = qh_export_ratings(c->s, &req, &b, report, sizeof report);
    if (rc < 0) {
        qh_buf_fini(&b);
        return cli_fail(rc, report);
    }
    if (out && strcmp(out, "-")) {
        st = write_atomic(out, &b);
        if (!st)
            cli_say(TR(c, "已导出 %d 条评价到 %s", "%d ratings exported to %s"), rc, out);
    } else {
        fwrite(qh_buf_str(&b), 1, b.len, stdout);
        st = fflush(stdout) ? 3 : 0;
    }
    qh_buf_fini(&b);
    return st;
}

const struct cmd qh_cli_export_cmds[] = {
    { "export ratings", cmd_export_ratings, "since= until= format= out= map=", 0, 0, 0,
      "export ratings --since DAY --until DAY [--format gbt39046|csv|json] [--map FILE] [--out FILE]",
      "导出好差评（GB/T 39046-2020 表9 字段；默认 gbt39046：CSV，国标字段名，国标代码）",
      "export the ratings (the fields of GB/T 39046-2020 table 9; default gbt39046: CSV, "
      "the standard's field names and codes)" },
    { NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};
