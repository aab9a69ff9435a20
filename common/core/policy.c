/* policy.c: "2+1" routing as pure functions of the waiting set.
 *
 * Kept free of the store so the rule that decides who is served next can be
 * tested exhaustively and read in one sitting. */
#include <math.h>

#include "qh/policy.h"

int64_t qh_policy_pick(const struct qh_policy_queue *q, int n,
                       int overflow_minutes, int64_t now, int *pos)
{
    int first = -1;
    for (int i = 0; i < n; i++)
        if (q[i].has) {
            first = i;
            break;
        }
    if (first < 0)
        return 0;
    int pick = first;
    int64_t id = q[first].head_id;
    /* Overflow: a citizen in a later queue who has waited past the limit
     * is served before the window's own queue, longest wait first, so a
     * helping window never lets a neighbour's queue grow without bound. */
    if (overflow_minutes > 0) {
        int64_t limit = (int64_t)overflow_minutes * 60000;
        int64_t best_wait = limit;
        for (int i = first + 1; i < n; i++) {
            if (!q[i].has)
                continue;
            int64_t waited = now - q[i].oldest_issued_at;
            if (waited > best_wait) {
                best_wait = waited;
                pick = i;
                id = q[i].oldest_id;
            }
        }
    }
    if (pos)
        *pos = pick;
    return id;
}

int64_t qh_policy_virtual_at(int64_t issued_at, int green,
                             int green_bonus_minutes, int64_t slot_at)
{
    /* A checked-in appointment is ordered by its slot, early or late: the
     * booking is the citizen's place in time (the kiosk's rules decide how
     * early or late a check-in is accepted). */
    int64_t v = slot_at > 0 ? slot_at : issued_at;
    if (green)
        v -= (int64_t)green_bonus_minutes * 60000;
    return v;
}

void qh_policy_estimate(int ahead, int windows, double handle_minutes,
                        int *wait_min, int *wait_max)
{
    if (windows < 1)
        windows = 1;
    if (handle_minutes <= 0)
        handle_minutes = 10;
    /* The citizen is served when the `ahead` people before them have
     * cleared `windows` parallel windows; handling times vary a lot, so
     * the range spans about ±35% around the mean, rounded to whole
     * 5-minute steps once it is long enough to be read as a range. */
    double mean = (ahead + 0.5) * handle_minutes / windows;
    double lo = floor(mean * 0.65), hi = ceil(mean * 1.35 + 1);
    if (ahead == 0)
        lo = 0;
    if (hi >= 15) {
        lo = floor(lo / 5) * 5;
        hi = ceil(hi / 5) * 5;
    }
    if (hi <= lo)
        hi = lo + 1;
    *wait_min = (int)lo;
    *wait_max = (int)hi;
}
