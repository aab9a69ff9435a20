/* sim.h: a seeded simulator of an L-town day, driven through the service API.
 *
 * Visitors arrive with a morning peak (and a quieter afternoon), take
 * numbers for items of the 393-item catalogue (or the class C queue),
 * some by the green channel; five windows with eight staff call, recall,
 * mark no-shows (some come back and are called back), hold and release,
 * transfer (a few twice), and finish with outcomes and 好差评 near the field
 * study (about 58% satisfied, 28% not done in one visit).  Staff log in
 * (some late), pause, break for lunch and one changes windows after it.
 * Everything goes through the library's public calls with the clock set
 * to simulated time, so the event log is what a real day writes.
 * Same seed and day, same day: the simulator draws from its own PRNG. */
#ifndef QH_SIM_H
#define QH_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "qh/store.h"
#include "qh/ticket.h"

struct qh_sim_opts {
    unsigned seed;
    const char *day;          /* "YYYY-MM-DD", a working day */
    int visitors;             /* 0: 100-300 drawn from the seed (busy: 260-320) */
    int busy;                 /* a busy day: peaks 09:00-10:30 and 14:30-15:30,
                               * handling times with a CV of 0.6 */
    int oracle;               /* Monte Carlo runs of the wait oracle per
                               * issue (0: none; see sim_internal.h) */
};

/* What a citizen was told at issue, and when they were first called. */
struct qh_sim_ticket {
    char number[QH_NUMBER_LEN];
    char queue[QH_CODE_LEN];
    int green;
    int64_t issued_at, first_call;   /* first_call 0: never called */
    int wait_min, wait_max;          /* minutes, as shown */
    struct qh_issue_info info;       /* all the issue told */
    /* The naive guess: people ahead x the queue's mean handling time so
     * far today / the windows whose own queue it is, in minutes. */
    double naive;
    /* The oracle's waits in minutes, sorted (opts.oracle of them; NULL
     * without), and their mean. */
    float *oracle;
    int noracle;
    double oracle_mean;
};

struct qh_sim_result {
    int visitors, issued, cases, ratings, bad_ratings, transfers, holds,
        no_shows, cancels;
    int ewt_n, ewt_in;        /* first calls, and those inside the range */
    struct qh_sim_ticket *tickets;
    int ntickets;
};

/* Staff accounts S01-S08 (PIN 123456); idempotent. */
int qh_sim_setup(struct qh_store *s, char *err, size_t errlen);
/* Simulate one day on a store that has the default hall and catalogue.
 * The process clock is left at the end of the day.  r is the caller's
 * (free with qh_sim_result_fini). */
int qh_sim_day(struct qh_store *s, const struct qh_sim_opts *o,
               struct qh_sim_result *r, char *err, size_t errlen);
void qh_sim_result_fini(struct qh_sim_result *r);

#endif
