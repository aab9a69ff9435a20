/* rating.h: 好差评, the citizen's rating of one finished service, and
 * where each rating came from.
 *
 * 国办发〔2019〕51号 asks for a 评价器 or a QR code at every window and
 * forbids staff to rate for the citizen; GB/T 39734-2020 §4.1 asks for
 * voluntary, authentic ratings.  So a rating names its channel and the
 * device or person that took it, and the library refuses a rating from a
 * counter session (a store actor "counter:N"): the staff member being
 * rated never enters the score.
 *
 * Scores are qhall's: 5 = 非常满意 … 1 = 非常不满意 (the national export
 * code list runs the other way: see the export). */
#ifndef QH_RATING_H
#define QH_RATING_H

#include "qh/record.h"
#include "qh/text.h"

struct qh_store;

/* Where a rating came from. */
enum qh_rating_channel {
    QH_RATE_PAD,        /* the window's 评价器 (qhall-counter --pad) */
    QH_RATE_QR,         /* the phone page (qhall serve) */
    QH_RATE_PAPER,      /* a paper form, entered by an admin */
    QH_RATE_HOTLINE,    /* a call to the hall or 12345, entered by an admin */
    QH_RATE_SMS,        /* a text message, entered by an admin */
    QH_RATE_DEFAULT,    /* no rating within [rating] default_after_days */
    QH_RATE_LEGACY,     /* entered at the staff terminal before the pad */
};

#define QH_RATE_NCHANNELS 7     /* the channels above, for tables of them */

/* "pad", "qr", "paper", "hotline", "sms", "default", "legacy"; NULL
 * when c is out of range. */
const char *qh_rating_channel_name(enum qh_rating_channel c);
/* The channel named name: 0 and *out, or QH_E_PARSE. */
int qh_rating_channel_parse(const char *name, enum qh_rating_channel *out);
/* 评价器, 扫码评价, 纸质评价表, 电话回访, 短信评价, 默认好评, 窗口录入（旧）
 * and the English labels. */
const char *qh_rating_channel_label(enum qh_rating_channel c, enum qh_lang lang);

/* One rating to record.  number and score are required; the rest as the
 * channel needs:
 *   pad      the store's actor is "pad:N" and N is the window that
 *            finished the ticket; device "pad:N"
 *   qr       device "web"; accepted up to [rating] late_days after the
 *            ticket's day
 *   paper, hotline, sms
 *            by: the admin who entered it (the caller checked the
 *            admin's PIN); day: the ticket's service day (NULL: today)
 *   default, legacy
 *            written only by the library itself (defaults, migration)
 * reason: free text, or the ticked reasons joined with "、"; a score of
 * 1 or 2 needs one. */
struct qh_rate_req {
    const char *number;
    const char *day;                /* NULL: today */
    int score;                      /* 1..5 */
    const char *reason;             /* NULL: none */
    enum qh_rating_channel channel;
    const char *device;             /* "pad:3", "kiosk:1", "web", or NULL */
    const char *by;                 /* admin staff id, or NULL */
};

/* Record the rating, once per ticket (a double tap or a second channel
 * is QH_E_STATE, "already rated"), with its `rated` event whose detail
 * carries score, reason, channel, device, by, service.  QH_E_STATE for a
 * counter session, a pad not at the ticket's window, a ticket not
 * finished; QH_E_PARSE for a bad score or a missing reason. */
int qh_rating_add(struct qh_store *s, const struct qh_rate_req *req,
                  struct qh_ticket_row *out, char *err, size_t errlen);

/* The counter's key "show the rating screen on the pad again": a
 * `rating_prompt` event for the window's last finished, unrated ticket
 * (QH_E_STATE when there is none). */
int qh_rating_prompt(struct qh_store *s, int window, char *err, size_t errlen);

/* The pad gave up waiting (the citizen walked away after
 * rating_timeout_seconds): a `rating_skipped` event for that ticket at
 * that window; the ticket stays unrated. */
int qh_rating_skipped(struct qh_store *s, int window, const char *number,
                      char *err, size_t errlen);

/* The rating of ticket (its id): 0 and *out, QH_E_NOTFOUND (not rated),
 * or < 0. */
int qh_rating_get(struct qh_store *s, int64_t ticket, struct qh_rating_row *out);

/* 申诉: the staff member who was rated appeals a 差评 (a score of 1 or
 * 2) of the ticket `number` of `day` (NULL: today), once, with a reason;
 * the caller checked that staff member's PIN.  An `appeal_filed` event.
 * QH_E_STATE: not rated, not a 差评, not this staff member's rating,
 * already appealed; QH_E_PARSE: no reason. */
int qh_rating_appeal(struct qh_store *s, const char *number, const char *day,
                     const char *staff, const char *reason,
                     char *err, size_t errlen);
/* An admin (by; the caller checked the PIN) upholds the 差评 or overturns
 * it, with a reason: an `appeal_decided` event (decision "upheld" or
 * "overturned").  An overturned rating stays, with its history, but
 * leaves the staff member's scorecard.  QH_E_STATE: no appeal waiting,
 * by not an admin; QH_E_PARSE: no reason. */
int qh_rating_decide(struct qh_store *s, const char *number, const char *day,
                     int overturn, const char *by, const char *reason,
                     char *err, size_t errlen);

#endif
