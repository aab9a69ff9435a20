/* ticket.h: the ticket lifecycle, window and staff operations.
 *
 * Each call is one transaction that checks the current state, writes the
 * change and its event together, and refuses clearly otherwise:
 * QH_E_STATE (wrong state), QH_E_NOTFOUND, QH_E_EMPTY (nothing waiting),
 * QH_E_QUOTA, QH_E_AUTH/QH_E_LOCKED (login).  The first write of a new
 * service day first expires the tickets left open from earlier days.
 *
 * States: waiting -> called (recalled n times) -> serving -> finished;
 * called -> no_show (-> called again by callback); serving/called -> held
 * -> waiting (first in queue) on release; called/serving -> transferred
 * -> waiting in the target queue with the same number and issue time;
 * waiting -> cancelled; open tickets of an earlier day -> expired.
 * `out` (may be NULL) receives the ticket as it stands after the call. */
#ifndef QH_TICKET_H
#define QH_TICKET_H

#include <stddef.h>

#include "qh/hall.h"

struct qh_issue_req {
    const char *service;      /* service code, or NULL */
    const char *queue;        /* queue code when no service */
    const char *green;        /* NULL/"" or elderly|pregnant|disabled|military|other */
    int64_t slot_at;          /* appointment slot (virtual time), 0 none */
    int64_t appointment;      /* appointment id, 0 none */
};

/* What a citizen is told at issue time. */
struct qh_issue_info {
    int ahead;
    int wait_min, wait_max;   /* minutes */
    /* What the range means for the hall's hours (qh_stats_ewt): */
    int after_break;          /* the call comes after the coming break */
    int closing;              /* the range runs past the day's closing time */
    int64_t call_from, call_to;   /* the range as clock times (ms) */
    /* What it was built from, for `qhall issue --json` and the report: */
    int handle_s;             /* expected seconds a case of this queue takes */
    int handle_cases;         /* today's finished cases that pace was read from */
    double windows;           /* windows serving the queue (a helper counts part) */
    char token[24];           /* the slip's secret for the phone page
                               * (qh_ticket_issue; "" elsewhere) */
};

/* The wait in the citizen's words into out: 「预计等候 10–20 分钟」, or
 * when the call falls after a break 「预计下午 14:10 后叫号」, with
 * 「（已近下班时间）」 when the range runs past the day's closing.  h may be
 * NULL (the time is then in Asia/Shanghai, the default hall's zone). */
void qh_ticket_wait_text(const struct qh_hall_conf *h, const struct qh_issue_info *info,
                         enum qh_lang lang, char *out, size_t len);

/* 1 if reason is a known green-channel reason. */
int qh_green_valid(const char *reason);
const char *qh_green_label(const char *reason, enum qh_lang lang);
/* 1 if outcome is done|supplement|failed. */
int qh_outcome_valid(const char *outcome);
const char *qh_outcome_label(const char *outcome, enum qh_lang lang);

/* Which daily quota keeps the next number back (qh_ticket_quota). */
struct qh_quota_full {
    int item;                 /* 0: the queue's daily_quota, 1: the item's [quota] */
    int limit;                /* the numbers that quota allows a day */
};

/* Whether today's quotas leave a number of queue for the catalogue item
 * service (NULL or "": by queue only; queue NULL: the item's queue): 0,
 * QH_E_QUOTA with the quota that is full in *full (may be NULL) and the
 * sentence qh_ticket_issue would refuse with in err, QH_E_NOTFOUND, or a
 * store error.  The same rule qh_ticket_issue applies in its transaction:
 * this is for a screen that tells before anyone asks. */
int qh_ticket_quota(struct qh_store *s, const char *queue, const char *service,
                    struct qh_quota_full *full, char *err, size_t errlen);
int qh_ticket_issue(struct qh_store *s, const struct qh_issue_req *req,
                    struct qh_ticket_row *out, struct qh_issue_info *info,
                    char *err, size_t errlen);
/* People ahead and the estimated wait for a waiting ticket: 0 or < 0. */
int qh_ticket_info(struct qh_store *s, const struct qh_ticket_row *t,
                   struct qh_issue_info *info);
int qh_ticket_get(struct qh_store *s, const char *number,
                  struct qh_ticket_row *out, char *err, size_t errlen);
/* The ticket a slip's token names, for the phone page: a ticket of today,
 * or of the last [rating] late_days days (to be rated).  A token that is
 * malformed, unknown or past that is QH_E_NOTFOUND, all alike; another
 * < 0 is the database's. */
int qh_ticket_by_token(struct qh_store *s, const char *token,
                       struct qh_ticket_row *out);
/* The token of ticket (its id), to print its slip again: 0, or
 * QH_E_NOTFOUND (a ticket from before tokens). */
int qh_ticket_token(struct qh_store *s, int64_t ticket, char *out, size_t outlen);

int qh_ticket_call_next(struct qh_store *s, int window,
                        struct qh_ticket_row *out, char *err, size_t errlen);
int qh_ticket_call(struct qh_store *s, int window, const char *number,
                   struct qh_ticket_row *out, char *err, size_t errlen);
/* Past the hall's recall_limit the ticket becomes no_show instead. */
int qh_ticket_recall(struct qh_store *s, int window,
                     struct qh_ticket_row *out, char *err, size_t errlen);
int qh_ticket_noshow(struct qh_store *s, int window,
                     struct qh_ticket_row *out, char *err, size_t errlen);
int qh_ticket_callback(struct qh_store *s, const char *number, int window,
                       struct qh_ticket_row *out, char *err, size_t errlen);
int qh_ticket_start(struct qh_store *s, int window,
                    struct qh_ticket_row *out, char *err, size_t errlen);
int qh_ticket_hold(struct qh_store *s, int window,
                   struct qh_ticket_row *out, char *err, size_t errlen);
int qh_ticket_release(struct qh_store *s, const char *number,
                      struct qh_ticket_row *out, char *err, size_t errlen);

struct qh_transfer_to {
    const char *queue;        /* exactly one of queue, window, service */
    int window;
    const char *service;
    const char *note;         /* may be NULL */
};
int qh_ticket_transfer(struct qh_store *s, int window,
                       const struct qh_transfer_to *to,
                       struct qh_ticket_row *out, char *err, size_t errlen);
/* outcome: done | supplement | failed.  failed sends the ticket on to the
 * first class-C queue, same number and issue time. */
int qh_ticket_finish(struct qh_store *s, int window, const char *outcome,
                     const char *note, struct qh_ticket_row *out,
                     char *err, size_t errlen);
/* The back-office case number (办件编号) a finish may record: at most
 * QH_CASE_MAX bytes of printable ASCII (space to '~').  0, or QH_E_PARSE
 * with the reason in err; NULL and "" are "none". */
#define QH_CASE_MAX 64
int qh_ticket_case_check(const char *case_no, enum qh_lang lang, char *err, size_t errlen);
/* qh_ticket_finish() that also records case_no (NULL or "": none) in the
 * `finished` event's detail as "case", which the rating export uses as
 * the record's 办件编号. */
int qh_ticket_finish_case(struct qh_store *s, int window, const char *outcome,
                          const char *note, const char *case_no,
                          struct qh_ticket_row *out, char *err, size_t errlen);
int qh_ticket_cancel(struct qh_store *s, const char *number,
                     struct qh_ticket_row *out, char *err, size_t errlen);
/* Rate the last finish: score 1-5; 1 and 2 need a reason.  The staff
 * terminal's old path, recorded as channel legacy, for a hall's data
 * from before the pad (and the tests of it); refused from a counter
 * session, as qh_rating_add is.  qh_rating_add (rating.h) is the
 * citizen's. */
int qh_ticket_rate(struct qh_store *s, const char *number, int score,
                   const char *reason, struct qh_ticket_row *out,
                   char *err, size_t errlen);

int qh_window_pause(struct qh_store *s, int window, const char *reason,
                    char *err, size_t errlen);
int qh_window_resume(struct qh_store *s, int window, char *err, size_t errlen);

/* The one PIN check of every program, against the lock-out kept in the
 * database for the staff member on this device (the store's actor) and
 * on all devices: 5 wrong PINs in a row on one device lock that device
 * for staff.lock_minutes (default 15), 15 on all devices together lock
 * every device; each further lock without a right PIN in between lasts
 * twice as long, up to 24 h.  While locked the PIN is not tried, right or
 * wrong (QH_E_LOCKED, with the minutes left); a right PIN clears this
 * device's count and the account's.  Each wrong PIN writes a
 * login_failed event (staff, window, device; never the PIN) in the
 * transaction that counts it.  staff NULL: any admin (the kiosk's admin
 * screen), each of whom the wrong PIN counts against; who (may be NULL)
 * receives the ID the PIN belongs to.  window: where the PIN was typed,
 * 0 none.  0, QH_E_AUTH, QH_E_LOCKED or a store error. */
int qh_staff_verify(struct qh_store *s, const char *staff, const char *pin,
                    int window, char *who, size_t wholen, char *err, size_t errlen);
/* qh_staff_verify() and, when the PIN is right, log the staff member in
 * at the window (QH_E_NOTFOUND: no such window), in one transaction. */
int qh_staff_login(struct qh_store *s, int window, const char *staff,
                   const char *pin, char *err, size_t errlen);
int qh_staff_logout(struct qh_store *s, int window, char *err, size_t errlen);
/* PIN rules: qh_auth_pin_valid_for() (an admin's at least 6 digits). */
int qh_staff_add(struct qh_store *s, const char *id, const char *name,
                 const char *role, const char *pin, char *err, size_t errlen);
/* A new PIN for staff (the rules of their role); event staff_pin_changed.
 * The lock-out is left as it is (qh_staff_unlock).  QH_E_NOTFOUND. */
int qh_staff_set_pin(struct qh_store *s, const char *staff, const char *pin,
                     char *err, size_t errlen);
/* Forget every wrong PIN of staff on every device: the rows cleared (0:
 * nothing was counted; otherwise event staff_unlocked).  QH_E_NOTFOUND. */
int qh_staff_unlock(struct qh_store *s, const char *staff, char *err, size_t errlen);

/* Book an appointment; code (>= 16 bytes) receives the check-in code (a
 * given non-empty code is kept). */
int qh_appointment_add(struct qh_store *s, const char *service, int64_t slot_at,
                       const char *name, char *code, char *err, size_t errlen);
/* Book every row of an appointments CSV (service,at,name[,code]) in one
 * transaction: all or nothing, every bad row reported as "FILE:LINE:
 * reason" (QH_E_PARSE).  *booked (caller frees) receives the bookings with
 * their codes, in file order. */
int qh_appointments_import(struct qh_store *s, const char *name,
                           const char *text, size_t len,
                           struct qh_appointment **booked, size_t *nbooked,
                           char *err, size_t errlen);
/* Check in: issue the appointment's ticket with its slot as virtual time. */
int qh_appointment_checkin(struct qh_store *s, const char *code,
                           struct qh_ticket_row *out,
                           struct qh_issue_info *info,
                           char *err, size_t errlen);

/* Record what happened to a ticket's slip: type "printed", "print_failed"
 * or "reprinted"; printer and problem (may be NULL) go in the detail. */
int qh_ticket_print_event(struct qh_store *s, const char *number,
                          const char *type, const char *printer,
                          const char *problem, char *err, size_t errlen);
/* The same for a slip of another kind, named in the detail as "kind"
 * ("supplement": the 补件告知单); NULL or "" is the ticket's own slip. */
int qh_ticket_print_event_kind(struct qh_store *s, const char *number,
                               const char *type, const char *kind,
                               const char *printer, const char *problem,
                               char *err, size_t errlen);

/* Give the database its hall (queues, windows, settings) in one
 * transaction; with force an existing hall is replaced (QH_E_EXISTS
 * otherwise).  The catalogue is imported separately. */
int qh_hall_init(struct qh_store *s, const struct qh_hall_conf *c, int force,
                 char *err, size_t errlen);
/* [web] base_url: what every slip's QR carries from now on (an event
 * web_base_url; "" stops printing the page's QR).  QH_E_PARSE for an
 * address qh_conf_url_check refuses. */
int qh_hall_set_base_url(struct qh_store *s, const char *url, char *err, size_t errlen);
/* Replace the whole catalogue (all or nothing): queue codes checked
 * against the hall; missing initials computed with ICU. */
int qh_catalog_import(struct qh_store *s, const char *name, const char *text,
                      size_t len, int *count, char *err, size_t errlen);


#endif
