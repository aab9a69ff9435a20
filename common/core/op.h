/* op.h: what the service API's modules share (ticket.c, window.c, staff.c,
 * appointment.c, catalog.c, hall.c): one operation is one transaction.
 *
 * qh_op_begin() takes the write lock, rolls the service day over if this
 * is the first write of a new day and loads the hall; the operation checks
 * the current state and writes the change with its event (qh_op_event),
 * and qh_op_end() commits or rolls back.  A crash at any instant leaves
 * either the old state with no event or the new state with its event,
 * never one without the other.  Private to common/core/. */
#ifndef QH_CORE_OP_H
#define QH_CORE_OP_H

#include <stddef.h>
#include <stdint.h>

#include "qh/buf.h"
#include "qh/store.h"
#include "qh/ticket.h"

struct op {
    struct qh_store *s;
    const struct qh_hall_conf *hall;
    enum qh_lang lang;
    int64_t now;
    char day[11];
};

/* Messages for the people at the hall: Chinese unless the caller's
 * language is English. */
#define T(zh, en) QH_TR(o->lang, zh, en)

int qh_op_begin(struct op *o, struct qh_store *s, char *err, size_t errlen);
int qh_op_end(struct op *o, int rc, char *err, size_t errlen);
void qh_op_detail(struct op *o, struct qh_buf *b);
int qh_op_event(struct op *o, const char *type, const struct qh_ticket_row *t,
                int window, const char *staff, struct qh_buf *b,
                char *err, size_t errlen);
int qh_op_blank(const char *s);
int qh_op_window_conf(struct op *o, int window, const struct qh_window_conf **wc,
                      struct qh_window_row *wr, char *err, size_t errlen);
int qh_op_by_number(struct op *o, const char *number, struct qh_ticket_row *t,
                    char *err, size_t errlen);
int qh_op_wrong_state(struct op *o, const struct qh_ticket_row *t,
                      const char *want, char *err, size_t errlen);
int qh_op_window_ticket(struct op *o, int window, int state, const char *verb,
                        struct qh_ticket_row *t, char *err, size_t errlen);
int qh_op_change(struct op *o, struct qh_ticket_row *t, const char *type,
                 int window, struct qh_buf *b, struct qh_ticket_row *out,
                 char *err, size_t errlen);
/* QH_E_STATE when a ticket is called or served at window: what must be
 * finished or transferred before the window pauses or its staff leaves. */
int qh_op_window_empty(struct op *o, int window, char *err, size_t errlen);
int qh_op_window_free(struct op *o, int window, struct qh_window_row *wr,
                      char *err, size_t errlen);
/* 0, or QH_E_STATE when the store's actor is a counter ("counter:N"):
 * the staff being rated never enter a rating (国办发〔2019〕51号), on any
 * channel or path. */
int qh_op_staff_refused(struct op *o, char *err, size_t errlen);

/* Record the rating of t, a ticket read in this op (ticket.c's old path,
 * rating.c, the default ratings): the score and reason checked, the ticket
 * finished and not yet rated, then the rating row, the ticket marked, the
 * 差评's follow-up (stats.c) and the `rated` event, all in o's
 * transaction.  channel: qh_rating_channel_name(); a default rating needs
 * no reason.  device, by: as the row keeps them ("" or NULL: none). */
int qh_op_rate(struct op *o, struct qh_ticket_row *t, int score,
               const char *reason, const char *channel, const char *device,
               const char *by, char *err, size_t errlen);
int qh_op_fill_info(struct op *o, const struct qh_ticket_row *t,
                    struct qh_issue_info *info);
int qh_op_issue(struct op *o, const struct qh_issue_req *req,
                struct qh_ticket_row *out, struct qh_issue_info *info,
                char *err, size_t errlen);

#endif
