/* stats_internal.h: what stats.c shares with stats_report.c (the two
 * halves of the statistics module): day arithmetic and the working-day
 * calendar as loaded once per call. */
#ifndef QH_STATS_INTERNAL_H
#define QH_STATS_INTERNAL_H

#include "qh/store.h"


struct qh_stats_cal {
    unsigned days;                /* the hall's working weekdays */
    char (*list)[12];             /* sorted "YYYY-MM-DD" + 'h' | 'w' */
    int n;
    int rc;                       /* < 0: the holiday file was not usable */
};
void qh_stats_cal_load(struct qh_store *s, struct qh_stats_cal *c);
void qh_stats_cal_free(struct qh_stats_cal *c);
int qh_stats_cal_workday(const struct qh_stats_cal *c, long day_num);

#endif
