/* pad_io.c: the rating pad's store side (pad.h): one snapshot read of its
 * window, and the two actions the model asks for, through the service
 * API (qh/hall.h, qh/rating.h) as the store actor "pad:N".  The library
 * decides whether a rating is taken (once per ticket, from the window
 * that finished it); this file only says which refusal was "already
 * rated", which the citizen is thanked for, not warned about. */
#include <stdio.h>
#include <string.h>

#include "pad.h"
#include "qh/hall.h"
#include "qh/rating.h"
#include "qh/ticket.h"

void qh_pad_attach(struct qh_store *s, int window)
{
    char actor[32];
    snprintf(actor, sizeof actor, "pad:%d", window);
    qh_hall_set_actor(s, actor);
}

static void split_materials(struct qh_pad_window *w, const char *list)
{
    char buf[1024];
    char *save = NULL;
    w->nmat = 0;
    qh_text_copy(buf, sizeof buf, list);
    for (char *p = strtok_r(buf, ";", &save); p && w->nmat < QH_PAD_MATERIALS;
         p = strtok_r(NULL, ";", &save)) {
        p = qh_text_trim(p);
        if (*p)
            qh_text_copy(w->mat[w->nmat++], sizeof w->mat[0], p);
    }
}

int qh_pad_read(struct qh_store *s, int window, struct qh_pad_window *out, char *err,
                size_t errlen)
{
    const struct qh_hall_conf *hall = qh_hall_config(s);
    const struct qh_window_conf *wc = hall ? qh_conf_window(hall, window) : NULL;
    struct qh_window_row wr;
    struct qh_ticket_row t;
    char day[11];
    memset(out, 0, sizeof *out);
    if (!wc)
        return qh_err(err, errlen, QH_E_NOTFOUND, "%s",
                      QH_TR(qh_hall_lang(s), "这个数据库里没有本窗口",
                            "this database has no such window"));
    int rc = qh_window_get(s, window, &wr);
    if (rc < 0)
        return qh_err(err, errlen, rc, QH_TR(qh_hall_lang(s), "读取%d号窗口失败：%s",
                                             "cannot read window %d: %s"),
                      window, qh_strerror(rc));
    qh_text_copy(out->name, sizeof out->name, wc->name);
    qh_text_copy(out->name_en, sizeof out->name_en, wc->name_en);
    qh_text_copy(out->staff, sizeof out->staff, wr.staff);
    out->paused = wr.paused;
    qh_text_copy(out->pause_reason, sizeof out->pause_reason, wr.pause_reason);
    qh_text_copy(out->phone, sizeof out->phone, hall->supervision_phone);
    out->timeout_s = hall->rating.timeout_seconds;
    out->nreasons = hall->rating.nreasons;
    memcpy(out->reasons, hall->rating.reasons, sizeof out->reasons);
    memcpy(out->reasons_en, hall->rating.reasons_en, sizeof out->reasons_en);
    if (wr.staff[0]) {
        struct qh_staff_row st;
        if ((rc = qh_staff_get(s, wr.staff, &st)) < 0 && rc != QH_E_NOTFOUND)
            return qh_staff_read_err(s, rc, err, errlen);
        if (rc == 0)
            qh_text_copy(out->staff_name, sizeof out->staff_name, st.name);
    }
    qh_hall_today(s, day);
    rc = qh_window_ticket(s, day, window, &t);
    if (rc < 0 && rc != QH_E_NOTFOUND)
        return qh_err(err, errlen, rc, QH_TR(qh_hall_lang(s), "读取本窗口的号失败：%s",
                                             "cannot read this window's ticket: %s"),
                      qh_strerror(rc));
    if (rc == 0) {
        struct qh_service sv;
        out->has_ticket = 1;
        out->serving = t.state == QH_TICKET_SERVING;
        qh_text_copy(out->number, sizeof out->number, t.number);
        if (t.service[0] && qh_catalog_get(s, t.service, &sv) == 0) {
            qh_text_copy(out->item, sizeof out->item, sv.name);
            out->promised_days = sv.promised_days;
            split_materials(out, sv.materials);
        }
    }
    return 0;
}

int qh_pad_do(struct qh_store *s, int window, const struct qh_pad_action *a, int *already,
              char *err, size_t errlen)
{
    char device[16];
    *already = 0;
    snprintf(device, sizeof device, "pad:%d", window);
    if (a->kind == QH_PA_SKIPPED)
        return qh_rating_skipped(s, window, a->number, err, errlen);
    if (a->kind != QH_PA_RATE)
        return 0;
    struct qh_rate_req req = {
        .number = a->number,
        .score = a->score,
        .reason = a->reasons[0] ? a->reasons : NULL,
        .channel = QH_RATE_PAD,
        .device = device,
    };
    int rc = qh_rating_add(s, &req, NULL, err, errlen);
    if (rc == QH_E_STATE) {     /* a double tap, or another channel first? */
        struct qh_ticket_row t;
        char e2[QH_ERRLEN];
        *already = qh_ticket_get(s, a->number, &t, e2, sizeof e2) == 0 && t.rated;
    }
    return rc;
}
