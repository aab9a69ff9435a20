/* photo.c: the staff member's photo that the window's pad shows
 * (hall.h: qh_staff_photo_*).  A photo is checked here by what its own
 * header says (PNG or JPEG, its size in pixels) without decoding it: the
 * library has no image decoder, and the pad that decodes it shows the
 * placeholder for one it cannot.  Kept as base64 text (record.h), set and
 * removed as one operation with a staff_photo event, so a pad learns of a
 * new photo from the change feed at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "qh/buf.h"
#include "qh/hall.h"
#include "qh/store.h"
#include "op.h"

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A JPEG's size from its first start-of-frame marker (SOF0..SOF15 but
 * DHT, JPG and DAC), walking the segments from the start; 0 if none. */
static int jpeg_size(const unsigned char *d, size_t n, int *w, int *h)
{
    size_t i = 2;
    while (i + 4 <= n) {
        if (d[i] != 0xFF)
            return 0;
        unsigned m = d[i + 1];
        if (m == 0xFF) {
            i++;
            continue;
        }
        if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
            i += 2;
            continue;
        }
        size_t len = (size_t)d[i + 2] << 8 | d[i + 3];
        if (len < 2 || i + 2 + len > n)
            return 0;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (len < 7)
                return 0;
            *h = d[i + 5] << 8 | d[i + 6];
            *w = d[i + 7] << 8 | d[i + 8];
            return 1;
        }
        if (m == 0xDA || m == 0xD9)
            return 0;
        i += 2 + len;
    }
    return 0;
}

int qh_staff_photo_check(const void *data, size_t len, enum qh_lang lang, const char **mime,
                         int *w, int *h, char *err, size_t errlen)
{
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    const unsigned char *d = data;
    *w = *h = 0;
    if (len > QH_PHOTO_MAX_BYTES)
        return qh_err(err, errlen, QH_E_PARSE,
                      QH_TR(lang, "照片太大（%zu KB）：最大 %d KB",
                            "the photo is too large (%zu KB): at most %d KB"),
                      len / 1024, QH_PHOTO_MAX_BYTES / 1024);
    if (len >= 24 && !memcmp(d, png, 8) && !memcmp(d + 12, "IHDR", 4)) {
        uint32_t pw = be32(d + 16), ph = be32(d + 20);
        *mime = "image/png";
        *w = pw > 1u << 20 ? 1 << 20 : (int)pw;
        *h = ph > 1u << 20 ? 1 << 20 : (int)ph;
    } else if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        *mime = "image/jpeg";
        if (!jpeg_size(d, len, w, h))
            return qh_err(err, errlen, QH_E_PARSE, "%s",
                          QH_TR(lang, "JPEG 照片已损坏：找不到图像尺寸",
                                "the JPEG photo is damaged: no image size in it"));
    } else {
        return qh_err(err, errlen, QH_E_PARSE, "%s",
                      QH_TR(lang, "照片应为 PNG 或 JPEG 图片", "the photo must be a PNG or JPEG"));
    }
    if (*w < QH_PHOTO_MIN_PX || *h < QH_PHOTO_MIN_PX || *w > QH_PHOTO_MAX_PX ||
        *h > QH_PHOTO_MAX_PX)
        return qh_err(err, errlen, QH_E_PARSE,
                      QH_TR(lang, "照片为 %d×%d 像素：应在 %d 到 %d 像素之间",
                            "the photo is %d×%d pixels: each side must be %d to %d"),
                      *w, *h, QH_PHOTO_MIN_PX, QH_PHOTO_MAX_PX);
    return 0;
}

static int photo_write(struct qh_store *s, const char *staff, const void *data, size_t len,
                       char *err, size_t errlen)
{
    struct op ob = {.lang = qh_store_lang(s)}, *o = &ob;
    struct qh_staff_photo p = {0};
    struct qh_staff_row st;
    const char *mime = "";
    int w = 0, h = 0, rc;
    if (data && (rc = qh_staff_photo_check(data, len, o->lang, &mime, &w, &h, err, errlen)) < 0)
        return rc;
    if (data) {
        size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
        if (!(p.b64 = malloc(n)))
            return qh_err(err, errlen, QH_E_NOMEM, "%s", "out of memory");
        sodium_bin2base64(p.b64, n, data, len, sodium_base64_VARIANT_ORIGINAL);
    }
    snprintf(p.staff, sizeof p.staff, "%s", staff);
    snprintf(p.mime, sizeof p.mime, "%s", mime);
    if ((rc = qh_op_begin(o, s, err, errlen)) < 0)
        goto done;
    if ((rc = qh_store_staff_get(s, staff, &st)) < 0) {
        rc = rc == QH_E_NOTFOUND
             ? qh_err(err, errlen, rc, QH_TR(o->lang, "没有工号 %s", "no staff ID %s"), staff)
             : qh_staff_read_err(s, rc, err, errlen);
        goto out;
    }
    p.updated_at = o->now;
    if ((rc = qh_store_staff_photo_put(s, &p, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    qh_op_detail(o, &b);
    if (data) {
        qh_json_str(&b, "mime", mime);
        qh_json_int(&b, "bytes", (int64_t)len);
        qh_json_int(&b, "width", w);
        qh_json_int(&b, "height", h);
    } else {
        qh_json_bool(&b, "removed", 1);
    }
    rc = qh_op_event(o, "staff_photo", NULL, 0, staff, &b, err, errlen);
out:
    rc = qh_op_end(o, rc, err, errlen);
done:
    free(p.b64);
    return rc;
}

int qh_staff_photo_set(struct qh_store *s, const char *staff, const void *data, size_t len,
                       char *err, size_t errlen)
{
    if (!data)
        return qh_err(err, errlen, QH_E_PARSE, "%s", "no photo");
    return photo_write(s, staff, data, len, err, errlen);
}

int qh_staff_photo_remove(struct qh_store *s, const char *staff, char *err, size_t errlen)
{
    return photo_write(s, staff, NULL, 0, err, errlen);
}

int qh_staff_photo_get(struct qh_store *s, const char *staff, struct qh_photo *out)
{
    struct qh_staff_photo p;
    memset(out, 0, sizeof *out);
    int rc = qh_store_staff_photo_get(s, staff, &p);
    if (rc < 0)
        return rc;
    size_t b64len = strlen(p.b64), cap = b64len / 4 * 3 + 3, n = 0;
    if (!(out->data = malloc(cap))) {
        free(p.b64);
        return QH_E_NOMEM;
    }
    if (sodium_base642bin(out->data, cap, p.b64, b64len, NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL)) {
        free(p.b64);
        qh_photo_free(out);
        return QH_E_CORRUPT;
    }
    out->len = n;
    out->updated_at = p.updated_at;
    snprintf(out->mime, sizeof out->mime, "%s", p.mime);
    free(p.b64);
    return 0;
}

void qh_photo_free(struct qh_photo *p)
{
    free(p->data);
    memset(p, 0, sizeof *p);
}
