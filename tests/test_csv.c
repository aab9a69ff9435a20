/* test_csv.c: common/conf/csv.c -- the RFC 4180 reader, the catalogue and
 * appointment importers, and qh_file_read. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "qh/csv.h"
#include "qh/err.h"
#include "testutil.h"

/* Render everything the reader returns as "L[f1|f2]" per record, "E<line>"
 * per error, so one string compares a whole read. */
static void render(const char *text, size_t len, char *out, size_t outlen)
{
    struct qh_csv *c;
    char err[QH_ERRLEN];
    size_t n = 0;
    int rc;

    out[0] = '\0';
    assert_int_equal(qh_csv_new(&c, "t.csv", text, len), 0);
    for (;;) {
        const char **f;
        int nf;

        rc = qh_csv_next(c, &nf, &f, err, sizeof err);
        if (rc == 0)
            break;
        if (rc < 0) {
            int line = 0;
            assert_int_equal(rc, QH_E_PARSE);
            assert_int_equal(sscanf(err, "t.csv:%d:", &line), 1);
            n += (size_t)snprintf(out + n, outlen - n, "E%d", line);
            continue;
        }
        n += (size_t)snprintf(out + n, outlen - n, "%d[", qh_csv_line(c));
        for (int i = 0; i < nf; i++)
            n += (size_t)snprintf(out + n, outlen - n, "%s%s", i ? "|" : "", f[i]);
        n += (size_t)snprintf(out + n, outlen - n, "]");
        assert_true(n < outlen);
    }
    qh_csv_free(c);
}

static void test_reader(void **state)
{
    static const struct { const char *in; size_t len; const char *want; } rows[] = {
        /* good */
        { "a,b,c\n", 0, "1[a|b|c]" },
        { "a,b\r\nc,d\r\n", 0, "1[a|b]2[c|d]" },
        { "\xEF\xBB\xBF" "a,b\n", 0, "1[a|b]" },                  /* BOM */
        { "\"a,b\",\"c\"\"d\"\n", 0, "1[a,b|c\"d]" },
        { "\"x\ny\",z\nq\n", 0, "1[x\ny|z]3[q]" },                /* line count */
        { "\"a\r\nb\"\r\nc\r\n", 0, "1[a\r\nb]3[c]" },
        { "a\n\n  \t\r\nb\n", 0, "1[a]4[b]" },                    /* blank lines */
        { "a,,\n", 0, "1[a||]" },
        { "a", 0, "1[a]" },                                       /* no final LF */
        { "\"\"\n,\n", 0, "1[]2[|]" },
        { "", 0, "" },
        { "中文,\"引号\"\"内\"\n", 0, "1[中文|引号\"内]" },
        { " a , b \n", 0, "1[ a | b ]" },                         /* raw: no trim */
        /* bad */
        { "\"abc\n", 0, "E1" },                                   /* unterminated */
        { "ok\n\"bad\nstill\n", 0, "1[ok]E2" },
        { "a\"b\nc\n", 0, "E12[c]" },                             /* stray quote */
        { "\"a\"b\nc\n", 0, "E12[c]" },                           /* text after quote */
        { "\"x\ny\"z\nw\n", 0, "E23[w]" },                        /* error on line 2 */
        { "\xff,a\nb\n", 0, "E12[b]" },                           /* bad UTF-8 */
        { "\xC0\x80\n", 0, "E1" },                                /* overlong */
        { "a\0b\nc\n", 6, "E12[c]" },                             /* NUL */
        { "x\n\"a\"\"\"b\n", 0, "1[x]E2" },
        { "a, \"b\"\n", 0, "E1" },                                /* quote after space */
    };
    char out[256];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len = rows[i].len ? rows[i].len : strlen(rows[i].in);
        render(rows[i].in, len, out, sizeof out);
        if (strcmp(out, rows[i].want) != 0)
            fail_msg("row %zu: got \"%s\", want \"%s\"", i, out, rows[i].want);
    }
}

static void test_reader_field_limit(void **state)
{
    char text[256], out[512];
    size_t n = 0;

    (void)state;
    /* Exactly QH_CSV_MAXFIELDS fields is fine ... */
    for (int i = 0; i < QH_CSV_MAXFIELDS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%d", i ? "," : "", i % 10);
    n += (size_t)snprintf(text + n, sizeof text - n, "\n");
    render(text, n, out, sizeof out);
    assert_int_equal(out[0], '1');
    /* ... one more is an error, and the next line still reads. */
    n--;
    n += (size_t)snprintf(text + n, sizeof text - n, ",x\nnext\n");
    render(text, n, out, sizeof out);
    assert_string_equal(out, "E12[next]");
}

static void test_reader_message(void **state)
{
    struct qh_csv *c;
    const char **f;
    int nf;
    char err[QH_ERRLEN];

    (void)state;
    assert_int_equal(qh_csv_new(&c, "s.csv", "a\n\"open\n\n", 9), 0);
    assert_int_equal(qh_csv_next(c, &nf, &f, err, sizeof err), 1);
    assert_int_equal(qh_csv_next(c, &nf, &f, err, sizeof err), QH_E_PARSE);
    assert_string_equal(err, "s.csv:2: unterminated quoted field");
    assert_int_equal(qh_csv_next(c, &nf, &f, err, sizeof err), 0);
    qh_csv_free(c);
    qh_csv_free(NULL);
}

/* ---- catalogue ---- */

#define HDR "code,name,queue,promised_days,materials,initials\n"

static void test_catalog_good(void **state)
{
    static const struct {
        const char *in;
        const char *code, *name, *queue;
        int days;
        const char *materials, *initials;
        int line;
    } rows[] = {
        { HDR "XK001,宅基地建房审批,A,20,身份证;户口簿,\n",
          "XK001", "宅基地建房审批", "A", 20, "身份证;户口簿", "", 2 },
        { HDR " XK002 , 名称 , B , 0 , 甲 ; 乙 ;; ,zjd\n",            /* trimmed */
          "XK002", "名称", "B", 0, "甲;乙", "zjd", 2 },
        { HDR "X-3_a,名称,C,365,甲；乙；丙,SHBZ\n",                   /* full-width ； */
          "X-3_a", "名称", "C", 365, "甲;乙;丙", "shbz", 2 },
        { "Code , NAME,queue,Promised_Days,materials\r\nK1,名,A,5,\"甲,乙\"\r\n",
          "K1", "名", "A", 5, "甲,乙", "", 2 },                          /* 5 columns */
        { HDR "K2,\"名称\"\"引号\"\"\",A,1,\"甲\n乙\",\n",             /* line break = item */
          "K2", "名称\"引号\"", "A", 1, "甲;乙", "", 2 },
        { "\xEF\xBB\xBF" HDR "\nK3,名,GREEN,7,甲\n\n",                 /* BOM, 5 of 6 */
          "K3", "名", "GREEN", 7, "甲", "", 3 },
    };
    char err[QH_ERRLEN];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct qh_service_row *r = NULL;
        size_t n = 0;
        int rc = qh_catalog_parse("s.csv", rows[i].in, strlen(rows[i].in), &r, &n,
                                  err, sizeof err);
        if (rc != 0)
            fail_msg("row %zu: %s", i, err);
        assert_int_equal(n, 1);
        assert_string_equal(r[0].code, rows[i].code);
        assert_string_equal(r[0].name, rows[i].name);
        assert_string_equal(r[0].queue, rows[i].queue);
        assert_int_equal(r[0].promised_days, rows[i].days);
        assert_string_equal(r[0].materials, rows[i].materials);
        assert_string_equal(r[0].initials, rows[i].initials);
        assert_int_equal(r[0].line, rows[i].line);
        free(r);
    }
}

static void test_catalog_bad(void **state)
{
    static const char long_name[] =
        "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三";
    static const struct { const char *in, *want; } rows[] = {
        { "", "s.csv: empty file: expected header" },
        { HDR, "s.csv: no service rows after the header" },
        { "code,name,queue,days,materials\nK,n,A,1,m\n",
          "s.csv:1: expected header \"code,name,queue,promised_days,materials[,initials]\"" },
        { HDR "K1,名,A,x,甲,\n", "s.csv:2: column \"promised_days\": expected 0-365, got \"x\"" },
        { HDR "K1,名,A,366,甲,\n", "s.csv:2: column \"promised_days\": expected 0-365, got \"366\"" },
        { HDR "K1,名,A,-1,甲,\n", "s.csv:2: column \"promised_days\": expected 0-365, got \"-1\"" },
        { HDR "K1,名,A,1\n", "s.csv:2: expected 5 or 6 columns, got 4" },
        { HDR "K1,名,A,1,甲,ab,x\n", "s.csv:2: expected 5 or 6 columns, got 7" },
        { "code,name,queue,promised_days,materials\nK1,名,A,1,甲,ab\n",
          "s.csv:2: expected 5 columns, got 6" },
        { HDR "K1,,A,1,甲,\n", "s.csv:2: column \"name\": must not be empty" },
        { HDR "K 1,名,A,1,甲,\n", "s.csv:2: column \"code\": expected 1-23 of [A-Za-z0-9_-], got \"K 1\"" },
        { HDR "K123456789012345678901234,名,A,1,甲,\n",
          "s.csv:2: column \"code\": too long (max 23 bytes, got 25)" },
        { HDR "K1,名,a,1,甲,\n", "s.csv:2: column \"queue\": expected a queue code (1-7 letters A-Z), got \"a\"" },
        { HDR "K1,名,A,1, ; ；,\n", "s.csv:2: column \"materials\": expected at least one item" },
        { HDR "K1,名,A,1,甲,zh-cn\n", "s.csv:2: column \"initials\": expected [a-z0-9]*, got \"zh-cn\"" },
        { HDR "XK001,名,A,1,甲,\nXK002,名,A,1,甲,\nXK001,名,B,2,乙,\n",
          "s.csv:4: duplicate code \"XK001\" (first on line 2)" },
        { HDR "K1,\"名\n称\",A,1,甲,\n", "s.csv:2: column \"name\": control character or line break" },
        { HDR "K1,\"名,A,1,甲,\n", "s.csv:2: unterminated quoted field" },
        { HDR "K1,名\xff,A,1,甲,\n", "s.csv:2: invalid UTF-8" },
    };
    char err[QH_ERRLEN], in[512];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct qh_service_row *r = (void *)1;
        size_t n = 99;
        int rc = qh_catalog_parse("s.csv", rows[i].in, strlen(rows[i].in), &r, &n,
                                  err, sizeof err);
        assert_int_equal(rc, QH_E_PARSE);
        assert_null(r);                      /* all or nothing */
        assert_int_equal(n, 0);
        if (strncmp(err, rows[i].want, strlen(rows[i].want)) != 0)
            fail_msg("row %zu: got \"%s\", want \"%s...\"", i, err, rows[i].want);
    }

    /* A name of 128 bytes does not fit 127. */
    snprintf(in, sizeof in, HDR "K1,%s,A,1,甲,\n", long_name);
    {
        struct qh_service_row *r;
        size_t n;
        assert_int_equal(qh_catalog_parse("s.csv", in, strlen(in), &r, &n, err, sizeof err),
                         QH_E_PARSE);
        assert_string_equal(err, "s.csv:2: column \"name\": too long (max 127 bytes, got 129)");
    }
}

/* Every bad line is reported, in order, one per line of the message. */
static void test_catalog_all_errors(void **state)
{
    static const char in[] =
        HDR
        "K1,名,A,1,甲,\n"
        "K2,名,A,x,甲,\n"               /* line 3 */
        "K3,名,A\n"                     /* line 4 */
        "\"K4,名,A,1,甲,\n";            /* line 5: swallows the rest */
    char err[1024];
    struct qh_service_row *r;
    size_t n;

    (void)state;
    assert_int_equal(qh_catalog_parse("s.csv", in, strlen(in), &r, &n, err, sizeof err),
                     QH_E_PARSE);
    assert_string_equal(err,
        "s.csv:3: column \"promised_days\": expected 0-365, got \"x\"\n"
        "s.csv:4: expected 5 or 6 columns, got 3\n"
        "s.csv:5: unterminated quoted field");
}

/* A row refused for one cell is still checked for the rest: its code
 * repeated further down is reported too, and a file with more bad lines
 * than the report holds ends with a count of the rest, not silently. */
static void test_catalog_every_line(void **state)
{
    static const char in[] =
        HDR
        "K1,名,A,999,甲,\n"             /* line 2: bad days */
        "K1,名,A,1,甲,\n";              /* line 3: K1 again */
    char err[1024], big[64 * 1024];
    struct qh_service_row *r;
    size_t n, used;

    (void)state;
    assert_int_equal(qh_catalog_parse("s.csv", in, strlen(in), &r, &n, err, sizeof err),
                     QH_E_PARSE);
    assert_string_equal(err,
        "s.csv:2: column \"promised_days\": expected 0-365, got \"999\"\n"
        "s.csv:3: duplicate code \"K1\" (first on line 2)");

    used = (size_t)snprintf(big, sizeof big, HDR);
    for (int i = 0; i < 300; i++)
        used += (size_t)snprintf(big + used, sizeof big - used, "K%d,名,A,x,甲,\n", i);
    assert_int_equal(qh_catalog_parse("s.csv", big, used, &r, &n, err, sizeof err),
                     QH_E_PARSE);
    assert_true(strncmp(err, "s.csv:2: ", 9) == 0);
    const char *last = strrchr(err, '\n');
    assert_non_null(last);
    int shown = 0;
    for (const char *p = err; p; p = strchr(p + 1, '\n'))
        shown++;
    shown--;                            /* the count line itself */
    char want[96];
    snprintf(want, sizeof want, "\n……另有 %d 处错误未列出", 300 - shown);
    assert_string_equal(last, want);
    assert_true(strlen(err) < sizeof err);
}

/* User CPU seconds of the fastest of two parses of n generated rows
 * (not the kernel's: faulting in the rows' memory costs what the machine
 * makes it cost, which is not the parser's growth). */
static double parse_cpu(int appointments, int n)
{
    size_t cap = (size_t)n * 64 + 128, len = 0;
    char *text = malloc(cap), err[QH_ERRLEN];
    double best = 1e9;

    assert_non_null(text);
    len += (size_t)snprintf(text, cap, appointments ? "service,at,name,code\n" : HDR);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                appointments ? "S%d,2026-12-01T09:00,张三,B%07d\n"
                                             : "S%d,事项,A,5,身份证,sx%d\n", i, i);
    for (int run = 0; run < 2; run++) {
        struct rusage a, b;
        void *rows = NULL;
        size_t nrows = 0;
        int rc;
        getrusage(RUSAGE_SELF, &a);
        if (appointments)
            rc = qh_appointments_parse("b.csv", text, len,
                                       (struct qh_appointment_row **)&rows, &nrows,
                                       err, sizeof err);
        else
            rc = qh_catalog_parse("s.csv", text, len, (struct qh_service_row **)&rows,
                                  &nrows, err, sizeof err);
        getrusage(RUSAGE_SELF, &b);
        assert_int_equal(rc, 0);
        assert_int_equal(nrows, (size_t)n);
        free(rows);
        double t = (double)(b.ru_utime.tv_sec - a.ru_utime.tv_sec) +
                   (double)(b.ru_utime.tv_usec - a.ru_utime.tv_usec) / 1e6;
        if (t < best)
            best = t;
    }
    free(text);
    return best;
}

/* Parsing grows with the rows, not their square: a duplicate scan over
 * every earlier row took 5 s of CPU for 50 000 rows here (and a minute
 * for 100 000 with the import); linear takes about a tenth of a second.
 * The bound sits between the two, far from both (no ratio of two timings:
 * warm memory makes a small run unfairly fast), so only growth like the
 * square's can break it. */
static void test_parse_linear(void **state)
{
    (void)state;
    for (int appt = 0; appt < 2; appt++) {
        double t = parse_cpu(appt, 50000);
        if (t > 1.0)
            fail_msg("%s: 50000 rows took %.2f s of CPU", appt ? "appointments" : "catalogue",
                     t);
    }
}

static void test_catalog_asset(void **state)
{
    const char *src = getenv("QHALL_SRC");
    char path[4096], err[4096], *text;
    struct qh_service_row *r;
    size_t len, n;
    int a = 0, b = 0;

    (void)state;
    if (!src) {
        tu_skip("QHALL_SRC not set (ctest sets it): the asset not checked");
        return;
    }
    snprintf(path, sizeof path, "%s/assets/services.csv", src);
    assert_int_equal(qh_file_read(path, &text, &len, err, sizeof err), 0);
    if (qh_catalog_parse(path, text, len, &r, &n, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(n, 393);
    for (size_t i = 0; i < n; i++) {
        a += strcmp(r[i].queue, "A") == 0;
        b += strcmp(r[i].queue, "B") == 0;
    }
    /* DOMAIN.md: 168 approval items and 225 public-service items. */
    assert_int_equal(a, 168);
    assert_int_equal(b, 225);
    free(r);
    free(text);
}

/* ---- appointments ---- */

static void test_appointments_good(void **state)
{
    static const struct {
        const char *in;
        const char *service, *at, *name, *code;
        int line;
    } rows[] = {
        { "service,at,name\nXK001,2026-11-25T09:00,张三\n",
          "XK001", "2026-11-25T09:00", "张三", "", 2 },
        { "Service, AT ,name,code\n\nXK001, 2026-11-25T09:00+08:00 , 李四 ,AB12cd\n",
          "XK001", "2026-11-25T09:00+08:00", "李四", "AB12cd", 3 },
        { "service,at,name,code\nGG-2,x,王五,\n",             /* format checked later */
          "GG-2", "x", "王五", "", 2 },
        { "service,at,name,code\nS,t,\"Zhao, Liu\",123456789012345\n",
          "S", "t", "Zhao, Liu", "123456789012345", 2 },
        /* 32 characters, the limit, whole even at 4 bytes each */
        { "service,at,name\nS,t,😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀\n",
          "S", "t", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", "", 2 },
    };
    char err[QH_ERRLEN];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct qh_appointment_row *r = NULL;
        size_t n = 0;
        if (qh_appointments_parse("b.csv", rows[i].in, strlen(rows[i].in), &r, &n,
                                  err, sizeof err) != 0)
            fail_msg("row %zu: %s", i, err);
        assert_int_equal(n, 1);
        assert_string_equal(r[0].service, rows[i].service);
        assert_string_equal(r[0].at, rows[i].at);
        assert_string_equal(r[0].name, rows[i].name);
        assert_string_equal(r[0].code, rows[i].code);
        assert_int_equal(r[0].line, rows[i].line);
        free(r);
    }
}

static void test_appointments_bad(void **state)
{
    static const struct { const char *in, *want; } rows[] = {
        { "", "b.csv: empty file: expected header \"service,at,name[,code]\"" },
        { "service,time,name\n", "b.csv:1: expected header \"service,at,name[,code]\"" },
        { "service,at,name\nS,,张三\n", "b.csv:2: column \"at\": must not be empty" },
        { "service,at,name\nS,t,\n", "b.csv:2: column \"name\": must not be empty" },
        { "service,at,name\n,t,张三\n", "b.csv:2: column \"service\": expected 1-23" },
        { "service,at,name,code\nS,t,张三,abc\n",
          "b.csv:2: column \"code\": expected 4-15 of [A-Za-z0-9], got \"abc\"" },
        { "service,at,name,code\nS,t,张三,ab-12\n", "b.csv:2: column \"code\": expected 4-15" },
        { "service,at,name,code\nS,t,张三,1234567890123456\n",
          "b.csv:2: column \"code\": too long (max 15 bytes, got 16)" },
        { "service,at,name,code\nS,t,张三,ABCD\nS,u,李四,ABCD\n",
          "b.csv:3: duplicate code \"ABCD\" (first on line 2)" },
        { "service,at,name\nS,t,张三,X\n", "b.csv:2: expected 3 columns, got 4" },
        /* Names are free text: 32 characters, no control characters. */
        { "service,at,name\nS,t,一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三\n",
          "b.csv:2: column \"name\": at most 32 characters, got 33" },
        { "service,at,name\nS,t,\"x\x1b]0;owned\x07\"\n",
          "b.csv:2: column \"name\": control character or line break in the cell" },
        { "service,at,name\nS,t,a\xC2\x9B" "2J\n",
          "b.csv:2: column \"name\": control character or line break in the cell" },
    };
    char err[QH_ERRLEN];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct qh_appointment_row *r = (void *)1;
        size_t n = 99;
        assert_int_equal(qh_appointments_parse("b.csv", rows[i].in, strlen(rows[i].in),
                                               &r, &n, err, sizeof err), QH_E_PARSE);
        assert_null(r);
        assert_int_equal(n, 0);
        if (strncmp(err, rows[i].want, strlen(rows[i].want)) != 0)
            fail_msg("row %zu: got \"%s\", want \"%s...\"", i, err, rows[i].want);
    }
}

static void test_appointments_empty_day(void **state)
{
    struct qh_appointment_row *r;
    size_t n = 99;
    char err[QH_ERRLEN];

    (void)state;
    assert_int_equal(qh_appointments_parse("b.csv", "service,at,name\n", 16, &r, &n,
                                           err, sizeof err), 0);
    assert_int_equal(n, 0);
    free(r);
}

/* ---- files ---- */

static void test_file_read(void **state)
{
    const char *dir = getenv("QHALL_TEST_TMP");
    char path[4096], err[QH_ERRLEN], *text = NULL;
    size_t len = 0;
    FILE *f;

    (void)state;
    snprintf(path, sizeof path, "%s/test_csv-%ld.txt", dir ? dir : "/tmp", (long)getpid());
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("a,b\n中文\n", f);
    fclose(f);
    assert_int_equal(qh_file_read(path, &text, &len, err, sizeof err), 0);
    assert_int_equal(len, strlen("a,b\n中文\n"));
    assert_string_equal(text, "a,b\n中文\n");
    free(text);
    unlink(path);

    assert_int_equal(qh_file_read(path, &text, &len, err, sizeof err), QH_E_IO);
    assert_null(text);
    assert_non_null(strstr(err, "No such file or directory"));
    assert_int_equal(strncmp(err, path, strlen(path)), 0);
    /* A directory opens but cannot be read. */
    assert_int_equal(qh_file_read("/", &text, &len, err, sizeof err), QH_E_IO);
    assert_null(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader),
        cmocka_unit_test(test_reader_field_limit),
        cmocka_unit_test(test_reader_message),
        cmocka_unit_test(test_catalog_good),
        cmocka_unit_test(test_catalog_bad),
        cmocka_unit_test(test_catalog_all_errors),
        cmocka_unit_test(test_catalog_every_line),
        cmocka_unit_test(test_parse_linear),
        cmocka_unit_test(test_catalog_asset),
        cmocka_unit_test(test_appointments_good),
        cmocka_unit_test(test_appointments_bad),
        cmocka_unit_test(test_appointments_empty_day),
        cmocka_unit_test(test_file_read),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
