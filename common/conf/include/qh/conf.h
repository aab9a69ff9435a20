/* conf.h: the hall's configuration (queues, windows, hours, rules).
 *
 * The built-in default is the L-town "2+1" hall; an INI file (see
 * assets/hall.ini) can replace it at `qhall init`.  Once a database is
 * initialised the configuration lives in the database (qh_store_hall). */
#ifndef QH_CONF_H
#define QH_CONF_H

#include <stddef.h>
#include <stdio.h>

#include "qh/record.h"

#define QH_MAX_QUEUES 16
#define QH_MAX_WINDOWS 64
#define QH_MAX_SPANS 4

#define QH_MAX_QUOTAS 64
#define QH_ITEM_CODE_LEN 24   /* service item codes: 1-23 of A-Z a-z 0-9 _ - */

struct qh_queue_conf {
    char code[QH_CODE_LEN];   /* "A" */
    char name[64];            /* 行政审批 */
    char name_en[64];
    char prefix[QH_CODE_LEN]; /* the letter(s) before the number: "A" */
    char klass;               /* 'A' approvals, 'B' public, 'C' comprehensive */
    int daily_quota;          /* 0 = unlimited */
};

struct qh_window_conf {
    int number;               /* 1-99 */
    char name[128];
    char name_en[64];
    int nqueues;
    char queues[QH_MAX_QUEUES][QH_CODE_LEN]; /* in calling order */
    int overflow_minutes;     /* 0 = off */
};

struct qh_span { int open_min, close_min; };  /* minutes after local midnight */

/* [printer]: where the kiosk's slips go.  No print dialog ever. */
struct qh_printer_conf {
    char name[128];           /* CUPS queue; "" = the CUPS default printer */
    int width;                /* paper width in mm: 58 (384 dots) or 80 (576) */
    char kind[8];             /* "escpos" (raw thermal queue) or "pdf" */
    char qr[128];             /* QR content: {url} {token} {day} {number} {queue} {service} */
};

/* [kiosk]: the touchscreen's rules. */
struct qh_kiosk_conf {
    int idle_seconds;         /* untouched this long: a countdown appears */
    int countdown_seconds;    /* visible countdown before going home */
    int speak;                /* 1: say 「您的号码是A零零一」 after issuing (适老化) */
};

/* [quota]: `CODE = N`, at most N numbers a day for that service item (a
 * queue's own daily_quota still applies).  The catalogue is loaded apart
 * from the hall, so a code is checked for its form only. */
struct qh_item_quota {
    char code[QH_ITEM_CODE_LEN];
    int quota;                /* 1-9999 */
};

/* [display]: what the hall screens say aloud.  Quiet hours silence the
 * chime and announcements (a lunch break, a meeting in the hall); the
 * screen still shows and blinks every call. */
struct qh_display_conf {
    int announce_repeat;      /* times each call is said, 1-5 */
    int volume;               /* 0-100 */
    int nquiet;               /* 0 = never quiet */
    struct qh_span quiet[QH_MAX_SPANS];
};

/* [rating] (rating.h): the window's pad and what follows a rating. */
#define QH_MAX_RATING_REASONS 12
struct qh_rating_conf {
    int timeout_seconds;        /* the pad waits this long, then idles (60) */
    int late_days;              /* a qr rating is taken this long after (7) */
    int default_after_days;     /* 0: no default ratings (the default) */
    int default_score;          /* what a default rating gives (3) */
    int nreasons;               /* the 差评 reasons to tick, in order */
    char reasons[QH_MAX_RATING_REASONS][64];
    char reasons_en[QH_MAX_RATING_REASONS][64];
};

/* [web] (qhall serve): the phone page a slip's QR opens. */
struct qh_web_conf {
    char base_url[160];         /* what the QR carries before /t/TOKEN; "" = no page */
    char listen[64];            /* ADDR:PORT the server listens on (0.0.0.0:8080) */
    int max_connections;        /* open at once, SSE included (4096) */
    int per_ip_connections;     /* from one address (64; 0 = no limit) */
    int timeout_seconds;        /* a silent client is dropped after (15) */
};

/* [privacy]: how long personal free text is kept (qhall purge). */
struct qh_privacy_conf {
    int keep_days;              /* names and free texts older are erased (365) */
};

struct qh_hall_conf {
    char name[128];
    char name_en[128];
    char timezone[64];
    int nspans;
    struct qh_span spans[QH_MAX_SPANS];
    unsigned days;            /* bit 0 = Sunday ... bit 6 = Saturday */
    int recall_limit;
    int green_bonus_minutes;
    int target_wait_minutes;
    int default_handle_minutes; /* prior for wait estimates */
    int checkin_early_minutes;  /* an appointment checks in at most this */
    int checkin_late_minutes;   /* early / late against its slot */
    /* Statistics (stats.h): 差评 and 办不成 follow-ups are due this many
     * working days after they open; working days are the hall's `days`
     * corrected by the holiday file ("" = none); scorecard weights. */
    int followup_days;
    char holiday_file[256];
    int weight_attendance, weight_cases, weight_speed, weight_rating,
        weight_followup;
    char notice[512];
    char notice_en[512];
    int nqueues;
    struct qh_queue_conf queues[QH_MAX_QUEUES];
    int nwindows;
    struct qh_window_conf windows[QH_MAX_WINDOWS];
    struct qh_printer_conf printer;
    struct qh_kiosk_conf kiosk;
    struct qh_display_conf display;
    struct qh_rating_conf rating;
    struct qh_web_conf web;
    struct qh_privacy_conf privacy;
    char supervision_phone[32]; /* 服务监督电话 on the pad; "" = none */
    char region_code[10];       /* 行政区划, 9 digits (the export); "" = unset */
    int nquotas;
    struct qh_item_quota quotas[QH_MAX_QUOTAS];  /* in file order */
};

/* The built-in L-town hall: queues A/B/C, windows 1-2 [A], 3-4 [B],
 * 5 [C, A, B]. */
void qh_conf_defaults(struct qh_hall_conf *c);

/* Parse an INI text.  Starts from qh_conf_defaults() for [hall] keys; a
 * file that has any [queue X] or [window N] section replaces the default
 * queues or windows entirely.  Every bad line is reported as
 * "name:line: reason" (lines separated by '\n'); returns 0 or QH_E_PARSE,
 * and on failure *c is left unspecified. */
int qh_conf_parse_string(struct qh_hall_conf *c, const char *name,
                         const char *text, char *err, size_t errlen);
int qh_conf_parse_file(struct qh_hall_conf *c, const char *path,
                       char *err, size_t errlen);

/* Cross-checks (unique codes, windows name existing queues, a class C
 * queue exists ...).  Also run by the parsers. */
int qh_conf_validate(const struct qh_hall_conf *c, const char *name,
                     char *err, size_t errlen);

/* 0 if url may be [web] base_url (empty, or http(s)://host[:port][/path]
 * without a trailing '/', a query or a quote), else QH_E_PARSE and why. */
int qh_conf_url_check(const char *url, char *err, size_t errlen);

/* A [web] listen address: family AF_INET or AF_INET6, the address in
 * network order, the port. */
struct qh_listen {
    int family;
    unsigned char addr[16];
    int port;
};
/* 0 and *out, or QH_E_USAGE with why in err. */
int qh_conf_listen_parse(const char *v, struct qh_listen *out, char *err, size_t errlen);

const struct qh_queue_conf *qh_conf_queue(const struct qh_hall_conf *c,
                                          const char *code);
const struct qh_window_conf *qh_conf_window(const struct qh_hall_conf *c,
                                            int number);
/* The daily quota of service item `code`, 0 = none. */
int qh_conf_item_quota(const struct qh_hall_conf *c, const char *code);
/* The first queue of class C: where 办不成 tickets go.  NULL if none. */
const struct qh_queue_conf *qh_conf_failed_queue(const struct qh_hall_conf *c);

/* 1 if the hall is open at local time (wday, minute of day). */
int qh_conf_is_open(const struct qh_hall_conf *c, int wday, int minute);

/* "08:30-12:00,14:00-17:30" */
void qh_conf_format_hours(const struct qh_hall_conf *c, char *out, size_t outlen);

/* Write the configuration as INI (round-trips through the parser). */
int qh_conf_write(const struct qh_hall_conf *c, FILE *f);

/* The hall's plain settings (every key of [hall], [printer], [kiosk] and
 * [display]) as one table: the rows that parse the INI also name each
 * setting's key in the store ("hall.recall_limit", "stats.followup_days")
 * and give its value as text and back, so a setting added to the INI is
 * stored and loaded with no other list to change.  i runs from 0 to
 * qh_conf_setting_count() - 1.  The text is the store's form (opening
 * hours as minute spans "510-720,840-1050", days as the weekday mask),
 * read back leniently: what the store holds was written by _get. */
#define QH_CONF_SETTING_MAX 1024      /* room for any setting's text */
int qh_conf_setting_count(void);
const char *qh_conf_setting_key(int i);
int qh_conf_setting_get(const struct qh_hall_conf *c, int i, char *out, size_t len);
int qh_conf_setting_set(struct qh_hall_conf *c, int i, const char *v);

/* The built-in default hall INI and sample catalogue CSV (assets/). */
extern const char qh_asset_hall_ini[];
extern const char qh_asset_services_csv[];
/* assets/export/gbt39046.map: the national codes of the rating export. */
extern const char qh_asset_gbt39046_map[];

/* The file NAME of the assets read at run time (chime.wav), its path in
 * out.  Looked for, in this order, and never in the current directory:
 *   1. $QHALL_ASSETS/NAME when QHALL_ASSETS is set (an absolute
 *      directory; the only place then);
 *   2. a program run from the build tree it was built in: the source
 *      tree's assets/NAME (the only place then);
 *   3. installed: <the program's prefix>/share/qhall/NAME (the program's
 *      own directory, bin/, resolved, then ../share: so a tree installed
 *      with another --prefix or DESTDIR finds its own files), then the
 *      data directory configured at build time (CMAKE_INSTALL_PREFIX).
 * 0, or QH_E_NOTFOUND (QH_E_PARSE for a relative QHALL_ASSETS) with the
 * places looked at in err. */
int qh_asset_find(const char *name, char *out, size_t len, char *err, size_t errlen);

#endif
