/* cli_report_fmt.c: how a report names its rows and writes its figures
 * (cli_report_fmt.h), for the tables and CSV of cli_report.c and the
 * charts of cli_report_chart.c alike.  Below both: it calls neither. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/conf.h"
#include "qh/hall.h"
#include "qh/stats.h"

#include "cli.h"
#include "cli_report_fmt.h"

void cli_report_group_name(struct ctx *c, int by, const char *key,
                           char *out, size_t outlen)
{
    const struct qh_hall_conf *h = qh_hall_config(c->s);
    int en = c->lang == QH_LANG_EN;
    if (!strcmp(key, "-")) {
        snprintf(out, outlen, "%s", TR(c, "（无）", "(none)"));
        return;
    }
    switch (by) {
    case QH_BY_WINDOW:
        snprintf(out, outlen, TR(c, "%s号窗口", "window %s"), key);
        return;
    case QH_BY_STAFF: {
        struct qh_staff_row st;
        if (qh_staff_get(c->s, key, &st) == 0)
            snprintf(out, outlen, "%s %s", key, st.name);
        else
            snprintf(out, outlen, "%s", key);
        return;
    }
    case QH_BY_SERVICE: {
        struct qh_service sv;
        if (qh_catalog_get(c->s, key, &sv) == 0)
            snprintf(out, outlen, "%s %s", key, sv.name);
        else
            snprintf(out, outlen, "%s", key);
        return;
    }
    case QH_BY_QUEUE: {
        const struct qh_queue_conf *q = qh_conf_queue(h, key);
        snprintf(out, outlen, "%s %s", key,
                 q ? (en && q->name_en[0] ? q->name_en : q->name) : "");
        return;
    }
    case QH_BY_HOUR:
        snprintf(out, outlen, "%s:00-%02d:00", key, atoi(key) + 1);
        return;
    default:
        snprintf(out, outlen, "%s", TR(c, "全厅合计", "hall total"));
    }
}

void cli_report_minutes(int seconds, char *out, size_t outlen)
{
    if (seconds < 0)
        snprintf(out, outlen, "-");
    else
        snprintf(out, outlen, "%.1f", seconds / 60.0);
}

void cli_report_pct(double pct, char *out, size_t outlen)
{
    if (pct < 0)
        snprintf(out, outlen, "-");
    else
        snprintf(out, outlen, "%.1f", pct);
}
