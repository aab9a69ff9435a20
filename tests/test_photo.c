/* test_photo.c: the staff photo the rating pad shows (common/core/
 * photo.c) on real databases of either backend: set, replaced and removed
 * each as one operation with its event; every refusal (no such staff, not
 * an image, too large, too small, a JPEG without a size) leaves nothing
 * written; the bytes come back as they went in, and a copy to a file
 * carries them. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "pgtest.h"
#include "testutil.h"
#include "qh/hall.h"
#include "qh/ticket.h"

static char err[4096];

static void ok(int rc)
{
    if (rc < 0)
        fail_msg("rc %d: %s", rc, err);
}

static int setup(void **state)
{
    setenv("QHALL_SYNC", "normal", 1);
    tu_clock("2026-11-25T09:00:00+08:00");
    struct qh_store *s = tu_store_new("photo");
    ok(qh_staff_add(s, "w001", "王芳", "staff", "1234", err, sizeof err));
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    qh_store_close(*state);
    return 0;
}

/* A PNG's first bytes saying w x h (the check reads no further), padded
 * with `extra` bytes of every value, as an image's data is. */
static unsigned char *png(uint32_t w, uint32_t h, size_t extra, size_t *len)
{
    static const unsigned char head[16] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                                           0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    unsigned char *p = malloc(24 + extra);
    memcpy(p, head, 16);
    for (int i = 0; i < 4; i++) {
        p[16 + i] = (unsigned char)(w >> (24 - 8 * i));
        p[20 + i] = (unsigned char)(h >> (24 - 8 * i));
    }
    for (size_t i = 0; i < extra; i++)
        p[24 + i] = (unsigned char)(i * 7 + (i >> 8));
    *len = 24 + extra;
    return p;
}

static void round_trip(void **state)
{
    struct qh_store *s = *state;
    size_t len;
    unsigned char *a = png(300, 400, 20000, &len);
    int64_t before = tu_last_event(s);
    ok(qh_staff_photo_set(s, "w001", a, len, err, sizeof err));
    assert_int_equal(tu_last_event(s), before + 1);
    struct qh_event_row ev;
    assert_int_equal(qh_hall_events_since(s, before, &ev, 1, err, sizeof err), 1);
    assert_string_equal(ev.type, "staff_photo");
    assert_string_equal(ev.staff, "w001");
    assert_non_null(strstr(ev.detail, "\"mime\":\"image/png\""));
    assert_non_null(strstr(ev.detail, "\"width\":300,\"height\":400"));
    struct qh_photo ph;
    ok(qh_staff_photo_get(s, "w001", &ph));
    assert_string_equal(ph.mime, "image/png");
    assert_int_equal(ph.len, len);
    assert_memory_equal(ph.data, a, len);
    assert_true(ph.updated_at > 0);
    qh_photo_free(&ph);

    /* Replaced: the new bytes, not the old. */
    size_t len2;
    unsigned char *b = png(64, 64, 10, &len2);
    ok(qh_staff_photo_set(s, "w001", b, len2, err, sizeof err));
    ok(qh_staff_photo_get(s, "w001", &ph));
    assert_int_equal(ph.len, len2);
    assert_memory_equal(ph.data, b, len2);
    qh_photo_free(&ph);

    ok(qh_staff_photo_remove(s, "w001", err, sizeof err));
    assert_int_equal(qh_staff_photo_get(s, "w001", &ph), QH_E_NOTFOUND);
    assert_null(ph.data);
    assert_int_equal(qh_staff_photo_get(s, "nobody", &ph), QH_E_NOTFOUND);
    free(a);
    free(b);
}

static void refusals(void **state)
{
    struct qh_store *s = *state;
    struct qh_photo ph;
    size_t len;
    int64_t before = tu_last_event(s);
    unsigned char *p = png(300, 400, 100, &len);
    assert_int_equal(qh_staff_photo_set(s, "nobody", p, len, err, sizeof err), QH_E_NOTFOUND);
    assert_non_null(strstr(err, "nobody"));
    free(p);

    p = png(20, 400, 100, &len);                 /* too narrow to show a face */
    assert_int_equal(qh_staff_photo_set(s, "w001", p, len, err, sizeof err), QH_E_PARSE);
    assert_non_null(strstr(err, "20×400"));
    free(p);
    p = png(5000, 400, 100, &len);
    assert_int_equal(qh_staff_photo_set(s, "w001", p, len, err, sizeof err), QH_E_PARSE);
    free(p);
    p = png(300, 400, QH_PHOTO_MAX_BYTES, &len); /* one header too many */
    assert_int_equal(qh_staff_photo_set(s, "w001", p, len, err, sizeof err), QH_E_PARSE);
    assert_non_null(strstr(err, "512 KB"));
    free(p);

    static const char text[] = "GIF89a: not a photo we take";
    assert_int_equal(qh_staff_photo_set(s, "w001", text, sizeof text, err, sizeof err),
                     QH_E_PARSE);
    assert_non_null(strstr(err, "PNG"));
    /* A JPEG cut before its frame header: no size, so refused. */
    static const unsigned char cut[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0};
    assert_int_equal(qh_staff_photo_set(s, "w001", cut, sizeof cut, err, sizeof err),
                     QH_E_PARSE);
    assert_non_null(strstr(err, "JPEG"));
    assert_int_equal(tu_last_event(s), before);
    assert_int_equal(qh_staff_photo_get(s, "w001", &ph), QH_E_NOTFOUND);
}

/* A JPEG's size is read from its frame header past the other segments. */
static void jpeg_header(void **state)
{
    struct qh_store *s = *state;
    unsigned char j[64] = {0xFF, 0xD8,                              /* SOI */
                           0xFF, 0xE0, 0x00, 0x06, 'J', 'F', 'I', 'F', /* APP0 */
                           0xFF, 0xDB, 0x00, 0x04, 0x00, 0x00,      /* DQT */
                           0xFF, 0xC2, 0x00, 0x0B, 0x08,            /* SOF2 */
                           0x01, 0xE0,                              /* height 480 */
                           0x01, 0x68,                              /* width 360 */
                           0x01, 0x01, 0x11, 0x00,
                           0xFF, 0xD9};
    const char *mime;
    int w, h;
    ok(qh_staff_photo_check(j, sizeof j, QH_LANG_ZH, &mime, &w, &h, err, sizeof err));
    assert_string_equal(mime, "image/jpeg");
    assert_int_equal(w, 360);
    assert_int_equal(h, 480);
    ok(qh_staff_photo_set(s, "w001", j, sizeof j, err, sizeof err));
    struct qh_photo ph;
    ok(qh_staff_photo_get(s, "w001", &ph));
    assert_string_equal(ph.mime, "image/jpeg");
    qh_photo_free(&ph);
    /* A segment whose length runs past the end is no size. */
    j[13] = 0x7F;
    assert_int_equal(qh_staff_photo_check(j, sizeof j, QH_LANG_EN, &mime, &w, &h, err,
                                          sizeof err), QH_E_PARSE);
    assert_non_null(strstr(err, "damaged"));
}

static void copy_carries_it(void **state)
{
    struct qh_store *s = *state;
    size_t len;
    unsigned char *p = png(120, 150, 3000, &len);
    ok(qh_staff_photo_set(s, "w001", p, len, err, sizeof err));
    struct qh_store *to;
    const char *path = tu_tmp_path("photo-copy");
    ok(qh_store_open(&to, path, 0, err, sizeof err));
    struct qh_store_rows counts[QH_STORE_TABLES];
    ok(qh_hall_copy(s, to, counts, err, sizeof err));
    int found = 0;
    for (int i = 0; i < QH_STORE_TABLES; i++)
        if (!strcmp(counts[i].table, "staff_photo")) {
            assert_int_equal(counts[i].rows, 1);
            found = 1;
        }
    assert_true(found);
    struct qh_photo ph;
    ok(qh_staff_photo_get(to, "w001", &ph));
    assert_int_equal(ph.len, len);
    assert_memory_equal(ph.data, p, len);
    qh_photo_free(&ph);
    qh_store_close(to);
    free(p);
}

/* A PostgreSQL hall of the first schema (before the rating channels and
 * the photos) is brought to the current one at its next open: the
 * ratings before it are 'legacy', the photos' table is there and takes a
 * photo.  On SQLite, test_store's migrations do the same. */
static void pg_schema_from_1(void **state)
{
    struct qh_store *s = *state;
    if (!tu_store_pg())
        skip();
    char uri[1024];
    long long v;
    snprintf(uri, sizeof uri, "%s", qh_store_path(s));
    qh_store_close(s);
    *state = NULL;
    if (tu_pg_sql(uri, "BEGIN; DROP TABLE ticket_token; DROP TABLE staff_photo;"
                  " DROP INDEX rating_ticket;"
                  " ALTER TABLE rating DROP COLUMN channel, DROP COLUMN device,"
                  " DROP COLUMN entered_by, DROP COLUMN appeal, DROP COLUMN appeal_reason,"
                  " DROP COLUMN appeal_at, DROP COLUMN decided_by,"
                  " DROP COLUMN decision_reason, DROP COLUMN decided_at;"
                  " UPDATE schema_version SET version = 1; COMMIT", NULL, err,
                  sizeof err) < 0)
        fail_msg("down to 1: %s", err);
    ok(qh_store_open(&s, uri, 0, err, sizeof err));
    *state = s;
    ok(tu_pg_sql(uri, "SELECT max(version) FROM schema_version", &v, err, sizeof err));
    assert_int_equal(v, 4);
    ok(tu_pg_sql(uri, "SELECT count(*) FROM information_schema.tables WHERE"
                 " table_name = 'ticket_token'", &v, err, sizeof err));
    assert_int_equal(v, 1);
    ok(tu_pg_sql(uri, "SELECT count(*) FROM information_schema.columns WHERE"
                 " table_name = 'rating' AND column_name = 'channel'"
                 " AND column_default LIKE '%legacy%'", &v, err, sizeof err));
    assert_int_equal(v, 1);
    size_t len;
    unsigned char *p = png(100, 120, 50, &len);
    ok(qh_staff_photo_set(s, "w001", p, len, err, sizeof err));
    free(p);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(round_trip), T(refusals), T(jpeg_header), T(copy_carries_it), T(pg_schema_from_1),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
