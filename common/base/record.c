/* record.c: the names of the records' codes, for JSON and for people. */
#include "qh/record.h"

const char *qh_ticket_state_name(int state)
{
    static const char *const names[QH_TICKET_NSTATES] = {
        "waiting", "called", "serving", "held", "no_show", "finished",
        "cancelled", "expired",
    };
    return state >= 0 && state < QH_TICKET_NSTATES ? names[state] : "unknown";
}

const char *qh_ticket_state_label(int state, enum qh_lang lang)
{
    static const char *const zh[QH_TICKET_NSTATES] = {
        "等候中", "已呼叫", "办理中", "已挂起", "过号", "已办结", "已取消", "已过期",
    };
    static const char *const en[QH_TICKET_NSTATES] = {
        "waiting", "called", "serving", "on hold", "no-show", "finished",
        "cancelled", "expired",
    };
    if (state < 0 || state >= QH_TICKET_NSTATES)
        return "?";
    return lang == QH_LANG_EN ? en[state] : zh[state];
}
