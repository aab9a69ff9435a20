/* bench_import.c: does importing a CSV take time in proportion to its rows?
 *
 * A catalogue of 25 000 and of 100 000 services (qh_catalog_import), then
 * as many appointments for them (qh_appointments_import), each into a
 * fresh database with the default hall: the wall time of the one call
 * that reads, checks and stores the whole file, and the ratio of the two
 * sizes.  Linear is a ratio near 4; the duplicate-code scan this replaced
 * made it near 16 (100 000 services took about a minute).
 *
 * Prints `bench: NAME VALUE UNIT` lines and asserts nothing; exits 1 only
 * if it could not run. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"
#include "qh/buf.h"
#include "qh/csv.h"

static char *services_csv(int n, size_t *len)
{
    struct qh_buf b;
    qh_buf_init(&b);
    qh_buf_puts(&b, "code,name,queue,promised_days,materials,initials\n");
    for (int i = 0; i < n; i++) {
        qh_buf_printf(&b, "S%d,测试事项%d,%c,5,居民身份证;申请表,cs%d\n",
                      i, i, "ABC"[i % 3], i);
    }
    if (b.oom) {
        qh_buf_fini(&b);
        return NULL;
    }
    *len = b.len;
    return b.p;               /* the caller's to free() */
}

static char *appointments_csv(int n, size_t *len)
{
    struct qh_buf b;
    qh_buf_init(&b);
    qh_buf_puts(&b, "service,at,name,code\n");
    for (int i = 0; i < n; i++) {
        qh_buf_printf(&b, "S%d,2026-12-%02dT%02d:%02d,张三,B%07d\n",
                      i % 1000, 1 + i % 28, 8 + i % 9, i % 60, i);
    }
    if (b.oom) {
        qh_buf_fini(&b);
        return NULL;
    }
    *len = b.len;
    return b.p;               /* the caller's to free() */
}

/* Seconds for each import of n rows into a new database; 0 or -1. */
static int one_size(const char *dir, int n, double *svc_s, double *appt_s)
{
    static char err[16384];
    char path[PATH_MAX] = "", name[32];
    size_t slen = 0, alen = 0, booked_n = 0;
    char *svc = services_csv(n, &slen), *appt = appointments_csv(n, &alen);
    struct qh_appointment *booked = NULL;
    struct qh_store *s = NULL;
    int count = 0, rc = -1;

    snprintf(name, sizeof name, "import%d.db", n);
    if (!svc || !appt || bu_path(path, sizeof path, dir, name) < 0 ||
        !(s = bu_store_new(path)))
        goto out;
    int64_t t0 = bu_ns();
    if (qh_catalog_import(s, "services.csv", svc, slen, &count, err, sizeof err) < 0) {
        fprintf(stderr, "bench_import: services: %.300s\n", err);
        goto out;
    }
    int64_t t1 = bu_ns();
    if (qh_appointments_import(s, "appointments.csv", appt, alen, &booked, &booked_n,
                               err, sizeof err) < 0) {
        fprintf(stderr, "bench_import: appointments: %.300s\n", err);
        goto out;
    }
    int64_t t2 = bu_ns();
    *svc_s = (double)(t1 - t0) / 1e9;
    *appt_s = (double)(t2 - t1) / 1e9;
    rc = count == n && booked_n == (size_t)n ? 0 : -1;
out:
    free(booked);
    qh_store_close(s);
    if (path[0])
        bu_unlink_db(path);
    free(svc);
    free(appt);
    return rc;
}

int main(void)
{
    char dir[PATH_MAX - 64];
    double s25 = 0, a25 = 0, s100 = 0, a100 = 0;

    bu_sync(1);
    if (bu_clock("2026-11-30T08:00:00+08:00") < 0 || bu_tmpdir(dir, sizeof dir, "import") < 0)
        return 1;
    int rc = one_size(dir, 25000, &s25, &a25) < 0 || one_size(dir, 100000, &s100, &a100) < 0;
    rmdir(dir);
    if (rc)
        return 1;
    printf("bench: import_services_25k_s %.2f s\n", s25);
    printf("bench: import_services_100k_s %.2f s\n", s100);
    printf("bench: import_services_ratio_100k_25k %.1f x\n", s100 / s25);
    printf("bench: import_appointments_25k_s %.2f s\n", a25);
    printf("bench: import_appointments_100k_s %.2f s\n", a100);
    printf("bench: import_appointments_ratio_100k_25k %.1f x\n", a100 / a25);
    return 0;
}
