/* export.h: the hall's 好差评 ratings exported for a provincial platform,
 * in the record of GB/T 39046-2020 table 9:
 *
 *   办件编号  the case number recorded at finish (`finish --case`), else
 *            one qhall makes: [region code "-"] YYYYMMDD "-" ticket number
 *   评价渠道  the channel's code (the rated event's "channel", else legacy)
 *   评价人    匿名: the citizen is never known to qhall
 *   评价时间  YYYYMMDDThhmmss in the hall's time zone
 *   评价次数  1, 2 ... : which rating of that ticket this is
 *   满意度    非常满意 … 非常不满意 (qhall's score 5 … 1)
 *   满意度代码 the map's code for the score
 *   文字评价  the rating's reason
 *   行政区划  [hall] region_code
 *
 * The national code list runs 1 = 非常满意 … 5 = 非常不满意, the reverse of
 * qhall's score (5 = 非常满意); provinces differ, so the codes come from
 * a mapping file (assets/export/NAME.map), one `key = value` a line:
 *
 *   score.5 = 1          the satisfaction code of qhall's score 5
 *   channel.pad = 1      the channel code of ratings from the pad
 *
 * every score 1-5 and every channel (pad qr paper hotline sms default
 * legacy) exactly once; codes 1-16 of A-Z a-z 0-9 '-' '_'; the five
 * score codes distinct.  `#` starts a comment line. */
#ifndef QH_EXPORT_H
#define QH_EXPORT_H

#include <stddef.h>

#include "qh/buf.h"
#include "qh/rating.h"

struct qh_store;

#define QH_EXPORT_NCHANNELS (QH_RATE_LEGACY + 1)
#define QH_EXPORT_CODE_LEN 17

struct qh_export_map {
    char score[6][QH_EXPORT_CODE_LEN];      /* [1..5]; [0] unused */
    char channel[QH_EXPORT_NCHANNELS][QH_EXPORT_CODE_LEN];
};

/* The national map (the text of assets/export/gbt39046.map, built in). */
const char *qh_export_map_national_text(void);
/* Parse a mapping file's text; name is the file name for messages.  0, or
 * QH_E_PARSE with every bad line in err as "name:line: reason" lines (and
 * "name: missing ..." for a key never given). */
int qh_export_map_parse(struct qh_export_map *m, const char *name, const char *text,
                        char *err, size_t errlen);

enum qh_export_format {
    QH_EXPORT_GBT39046,     /* CSV, the standard's Chinese field names */
    QH_EXPORT_CSV,          /* CSV, English names and qhall's own columns */
    QH_EXPORT_JSON,         /* one array of objects, as csv */
};
/* "gbt39046", "csv", "json": 0 and *out, or QH_E_PARSE. */
int qh_export_format_parse(const char *name, enum qh_export_format *out);

struct qh_export_req {
    const char *since, *until;      /* service days "YYYY-MM-DD", inclusive */
    enum qh_export_format format;
    const struct qh_export_map *map;    /* NULL: the national map */
};

/* The ratings of the tickets of days since..until, in rating time order,
 * appended to out (UTF-8, CRLF lines for CSV).  Returns the number of
 * records, or QH_E_PARSE (a bad day, since after until), QH_E_STATE
 * (gbt39046 with no [hall] region_code; a channel the map has no code
 * for), a store error. */
int qh_export_ratings(struct qh_store *s, const struct qh_export_req *req,
                      struct qh_buf *out, char *err, size_t errlen);

#endif
