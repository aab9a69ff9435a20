/* stats.h: what the event log says about the hall, and what the hall does
 * about it: estimated waits, reports, 好差评 and 办不成 follow-ups, the
 * working-day calendar and the 考核 scorecard.
 *
 * Everything is computed from the append-only event log (and the
 * follow-up table), never from counters kept on the side, so a report can
 * be recomputed for any past day and agrees with `qhall events`.
 *
 * Definitions (the README repeats them):
 *   arrived     tickets issued
 *   served      cases finished: each `finished` event (a ticket that is
 *               办不成 at one window and finished again at the 办不成事
 *               window counts once at each)
 *   no_show     tickets whose last no-show was not followed by a start
 *   cancelled   tickets cancelled
 *   wait        last call (called, recalled or called_back) - issue, once
 *               per ticket that was called
 *   handling    finish - start, per case
 *   within_target_pct  waits <= target_wait_minutes, of the waits
 *   one_visit_pct      done / served; supplement_pct supplement / served
 *   satisfied_pct      ratings 4 and 5 / ratings
 * Percentages are on a 0-100 scale and -1 ("null") without a denominator.
 *
 * Errors: negative QH_E_* with a message in err, as everywhere. */
#ifndef QH_STATS_H
#define QH_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "qh/hall.h"
#include "qh/rating.h"
#include "qh/ticket.h"

/* ---- estimated wait ---- */

/* The range a citizen is told for waiting ticket t with info->ahead
 * people before it, into info (wait_min, wait_max, after_break, closing,
 * call_from/to and what it was built from): from the live situation
 * (windows that serve the queue, helpers included, paused ones
 * excluded), today's handling times (the median of a queue's last cases;
 * prior from the history or the hall default), each item's history, and
 * the opening hours: a range never spans a break, it says on which side
 * of it the call falls.
 * Minutes, multiples of 5, wait_min < wait_max.  Never fails: a store
 * error falls back to the hall default.
 * Inside a transaction it must be an issue's: one that has moved no
 * waiting ticket of t's day but inserted t, has written t's issued event
 * as its last, and after it changes nothing the estimate reads (a
 * check-in's booking link is no such change), for the connection reuses
 * what it read of the queues' heads from one issue to the next (stats.c).
 * Outside one, any waiting ticket. */
void qh_stats_ewt(struct qh_store *s, const struct qh_ticket_row *t,
                  struct qh_issue_info *info);

/* ---- working-day calendar ---- */

/* 1 if day ("YYYY-MM-DD") is a working day: one of the hall's days,
 * unless the holiday file lists it ("YYYY-MM-DD" holiday), or listed as
 * "YYYY-MM-DD work" (a make-up working day, 调休).  A holiday file that
 * cannot be read is reported by qh_stats_calendar_check and ignored here. */
int qh_stats_workday(struct qh_store *s, const char *day);
/* The n-th working day after `day` (day itself not counted). */
void qh_stats_add_workdays(struct qh_store *s, const char *day, int n,
                           char out[11]);
/* 0, or QH_E_IO/QH_E_PARSE with "file:line: reason" for the holiday file. */
int qh_stats_calendar_check(struct qh_store *s, char *err, size_t errlen);
/* Parse a holiday file's text into sorted arrays (caller frees *days);
 * each entry is "YYYY-MM-DD" + flag 'h' (holiday) or 'w' (working). */
int qh_stats_holidays_parse(const char *name, const char *text,
                            char (**days)[12], int *n, char *err, size_t errlen);

/* ---- follow-ups (回访 / 整改) ---- */


/* Hooks of the ticket lifecycle, called inside its transaction (so the
 * follow-up exists exactly when the rating or the finish does): a rating
 * of 1-2 opens a "rating" follow-up; outcome "failed" a "failed" one. */
int qh_stats_on_rated(struct qh_store *s, const struct qh_ticket_row *t,
                      int score, const char *reason, int64_t now,
                      char *err, size_t errlen);
int qh_stats_on_finished(struct qh_store *s, const struct qh_ticket_row *t,
                         const char *outcome, const char *note, int64_t now,
                         char *err, size_t errlen);

/* Follow-ups (mode QH_FOLLOWUP_*, qh/record.h; overdue: open and due before today) in due
 * order; fn returning non-zero stops.  Returns the number visited or < 0. */
int qh_stats_followup_each(struct qh_store *s, int mode,
                           int (*fn)(const struct qh_followup *, void *),
                           void *ud, char *err, size_t errlen);
/* Open follow-ups past their due day today (for `qhall status`). */
int qh_stats_followup_overdue(struct qh_store *s);
/* Close with the result of the 回访 / 整改 (non-blank), recording who
 * (the store's actor) and an event `followup_closed`.  QH_E_NOTFOUND,
 * QH_E_STATE when already closed, QH_E_PARSE for a blank result. */
int qh_stats_followup_close(struct qh_store *s, int64_t id, const char *result,
                            struct qh_followup *out, char *err, size_t errlen);

/* ---- reports ---- */

enum qh_stats_by {
    QH_BY_TOTAL = 0, QH_BY_WINDOW, QH_BY_STAFF, QH_BY_SERVICE, QH_BY_QUEUE,
    QH_BY_HOUR, QH_BY_COUNT
};
const char *qh_stats_by_name(int by);          /* "window" ... */
int qh_stats_by_parse(const char *name);        /* < 0 if unknown */

#define QH_WAIT_BUCKETS 8         /* 0-5-10-15-20-30-45-60-more minutes */
extern const int qh_stats_wait_bucket_min[QH_WAIT_BUCKETS];

struct qh_report_row {
    char key[32];                 /* window "3", staff ID, service code,
                                   * queue code, hour "09"; "-" none */
    int arrived, served, no_show, cancelled;
    int waits;                    /* tickets with a wait (called) */
    int64_t wait_sum_s;
    int wait_max_s, wait_p90_s;
    int within_target;
    int64_t handle_sum_s;
    int handle_max_s;
    int done, supplement, failed;
    int rated;
    int ratings[5];               /* [0] = score 1 ... [4] = score 5 */
    /* by channel (enum qh_rating_channel, rating.h): a rated event with
     * no channel is from before the pad, legacy */
    int rated_by_channel[QH_RATE_NCHANNELS];
    int satisfied_by_channel[QH_RATE_NCHANNELS];  /* scores 4 and 5 */
    /* derived by qh_stats_report_build; -1 when the denominator is 0 */
    int wait_avg_s, handle_avg_s;
    double within_target_pct, one_visit_pct, supplement_pct, satisfied_pct;
    double rated_pct;             /* 评价率: rated / served */
    double satisfied_no_default_pct;  /* 满意率 without default ratings */
    double satisfied_channel_pct[QH_RATE_NCHANNELS];
};

struct qh_report {
    char from[11], to[11];
    int target_wait_s;
    struct qh_report_row total;
    int nrows[QH_BY_COUNT];       /* rows of each grouping asked for */
    struct qh_report_row *rows[QH_BY_COUNT];   /* sorted by key */
    int wait_hist[QH_WAIT_BUCKETS];            /* the hall's waits */
    int hour_arrived[24], hour_served[24];
    /* follow-ups of the period's tickets, and overdue ones of any day */
    int fu_opened, fu_closed, fu_open, fu_overdue_now;
    int fu_failed_opened;         /* of which 办不成 cases */
};

/* Build the report of service days from..to (inclusive, "YYYY-MM-DD")
 * with the groupings of by_mask (1 << QH_BY_WINDOW | ...; the total is
 * always there).  *out is the caller's to free with qh_stats_report_free. */
int qh_stats_report_build(struct qh_store *s, const char *from, const char *to,
                          unsigned by_mask, struct qh_report **out,
                          char *err, size_t errlen);
void qh_stats_report_free(struct qh_report *r);
/* Derive averages and percentages of a row from its sums (also used by
 * tests on rows they build themselves). */
void qh_stats_row_finish(struct qh_report_row *r);

/* ---- 考核 scorecard ---- */

#define QH_PAUSE_REASONS 6
struct qh_scorecard_row {
    char staff[QH_STAFF_LEN];
    char name[QH_TEXT_NAME_LEN];
    int days_present, late_days, late_minutes;
    int workdays;                 /* working days of the month (so far) */
    int64_t paused_s;
    int npause;
    struct { char reason[QH_TEXT_PAUSE_LEN]; int64_t seconds; } pause[QH_PAUSE_REASONS];
    int served, done, supplement, failed;
    int64_t handle_sum_s;
    int handle_avg_s;             /* -1 none */
    int within_promised;          /* cases handled within the promise */
    double within_promised_pct;   /* -1 none */
    int rated, ratings[5];
    double satisfied_pct;         /* -1 none */
    double rated_pct;             /* 评价率: rated / served, -1 none */
    int rated_by_channel[QH_RATE_NCHANNELS];      /* legacy: the staff's own */
    int satisfied_by_channel[QH_RATE_NCHANNELS];
    double satisfied_channel_pct[QH_RATE_NCHANNELS];  /* -1 none */
    int fu_open, fu_closed, fu_on_time, fu_overdue;
    /* parts 0-100 (-1: no data, left out of the total) and the total */
    double part_attendance, part_cases, part_speed, part_rating, part_followup;
    double score;
};

struct qh_scorecard {
    char month[8];                /* "YYYY-MM" */
    int promised_s;               /* handling promise per case */
    int weights[5];               /* attendance cases speed rating followup */
    int nrows;
    struct qh_scorecard_row *rows;  /* by staff ID */
};

/* month "YYYY-MM"; staff NULL for everyone.  Free with _free. */
int qh_stats_scorecard_build(struct qh_store *s, const char *month,
                             const char *staff, struct qh_scorecard **out,
                             char *err, size_t errlen);
void qh_stats_scorecard_free(struct qh_scorecard *c);

#endif
