/* qhall-sim: simulate L-town days into a qhall database.
 *
 *   qhall-sim --db PATH [--seed N] [--day YYYY-MM-DD] [--days N] [--visitors N]
 *
 * Creates the database with the default hall and sample catalogue if it
 * has no hall, then simulates --days working days from --day (default
 * 2026-11-23, a Monday; weekends skipped), printing one line per day:
 * visitors, cases, ratings and the share of first calls inside the wait
 * range shown at issue.  Same seed, same days. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/clock.h"
#include "qh/conf.h"
#include "qh/ticket.h"
#include "sim.h"

static long day_num(const char *d)
{
    int y, m, dd;
    sscanf(d, "%d-%d-%d", &y, &m, &dd);
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void day_str(long z, char out[16])
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
    snprintf(out, 16, "%04ld-%02ld-%02ld", (yoe + era * 400 + (m <= 2)) % 10000, m % 100, d % 100);
}

int main(int argc, char **argv)
{
    const char *db = NULL, *day = "2026-11-23";
    unsigned seed = 1;
    int days = 1, visitors = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--db") && v) db = argv[++i];
        else if (!strcmp(a, "--seed") && v) seed = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--day") && v) day = argv[++i];
        else if (!strcmp(a, "--days") && v) days = atoi(argv[++i]);
        else if (!strcmp(a, "--visitors") && v) visitors = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: qhall-sim --db PATH [--seed N] [--day YYYY-MM-DD]"
                    " [--days N] [--visitors N]\n");
            return 2;
        }
    }
    if (!db) {
        fprintf(stderr, "qhall-sim: --db is required\n");
        return 2;
    }
    char err[4096];
    struct qh_store *s = NULL;
    if (!getenv("QHALL_SYNC"))
        setenv("QHALL_SYNC", "normal", 1);     /* a simulation, not a hall */
    if (qh_store_open(&s, db, 0, err, sizeof err) < 0) {
        fprintf(stderr, "qhall-sim: %s\n", err);
        return 3;
    }
    qh_store_set_actor(s, "sim");
    int st = 0;
    if (!qh_store_has_hall(s)) {
        struct qh_hall_conf c;
        int count;
        int64_t ms;
        char first[40];
        snprintf(first, sizeof first, "%sT07:00:00+08:00", day);
        if (qh_clock_parse(first, NULL, &ms, err, sizeof err) == 0)
            qh_clock_set(ms);
        qh_conf_defaults(&c);
        if (qh_hall_init(s, &c, 0, err, sizeof err) < 0 ||
            qh_catalog_import(s, "services.csv", qh_asset_services_csv,
                              strlen(qh_asset_services_csv), &count, err, sizeof err) < 0) {
            fprintf(stderr, "qhall-sim: %s\n", err);
            qh_store_close(s);
            return 3;
        }
    }
    long z = day_num(day);
    for (int n = 0; n < days; z++) {
        char d[16];
        day_str(z, d);
        int wday = (int)(((z % 7) + 11) % 7);
        if (wday == 0 || wday == 6)
            continue;
        n++;
        struct qh_sim_opts o = {seed, d, visitors};
        struct qh_sim_result r;
        if (qh_sim_day(s, &o, &r, err, sizeof err) < 0) {
            fprintf(stderr, "qhall-sim: %s: %s\n", d, err);
            st = 3;
            break;
        }
        printf("%s visitors %d cases %d ratings %d (bad %d) transfers %d holds %d"
               " no-shows %d cancels %d ewt-in-range %.1f%%\n", d, r.visitors,
               r.cases, r.ratings, r.bad_ratings, r.transfers, r.holds, r.no_shows,
               r.cancels, r.ewt_n ? 100.0 * r.ewt_in / r.ewt_n : 0.0);
        if (getenv("QHALL_SIM_TRACE"))
            for (int i = 0; i < r.ntickets; i++)
                fprintf(stderr, "%s %s %d %d %.1f\n", d, r.tickets[i].number,
                        r.tickets[i].wait_min, r.tickets[i].wait_max,
                        r.tickets[i].first_call
                            ? (r.tickets[i].first_call - r.tickets[i].issued_at) / 60000.0 : -1.0);
        qh_sim_result_fini(&r);
    }
    qh_store_close(s);
    return st;
}
