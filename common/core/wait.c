/* wait.c: the words a citizen is told of the wait (qh/ticket.h), the one
 * sentence the slip, the kiosk and the phone page all print. */
#include <stdio.h>

#include "qh/clock.h"
#include "qh/ticket.h"

void qh_ticket_wait_text(const struct qh_hall_conf *h, const struct qh_issue_info *info,
                         enum qh_lang lang, char *out, size_t len)
{
    char at[8] = "";
    const char *closing = info->closing ? QH_TR(lang, "（已近下班时间）", " (near closing time)")
                                        : "";
    if (info->after_break && info->call_from > 0)
        qh_clock_hhmm(h ? h->timezone : "Asia/Shanghai", info->call_from, at);
    if (at[0]) {
        /* The call falls after a break: when to be back matters more than
         * how long, and the range would span the break. */
        int pm = (at[0] - '0') * 10 + (at[1] - '0') >= 12;
        if (lang == QH_LANG_EN)
            snprintf(out, len, "Expected call after %s%s", at, closing);
        else
            snprintf(out, len, "预计%s %s 后叫号%s", pm ? "下午" : "上午", at, closing);
        return;
    }
    snprintf(out, len, QH_TR(lang, "预计等候 %d–%d 分钟%s", "Estimated wait %d–%d min%s"),
             info->wait_min, info->wait_max, closing);
}
