/* view.c: what a page shows, read from the hall through core.  Nothing
 * personal is read: a ticket's number, item, queue, state and windows,
 * never a staff member's name or a citizen's appointment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/clock.h"
#include "qh/hall.h"
#include "qh/rating.h"
#include "qh/slip.h"
#include "qh/ticket.h"
#include "qh/web.h"

static void hhmm(const struct qh_hall_conf *h, int64_t at, char out[6])
{
    if (at > 0)
        qh_clock_hhmm(h->timezone, at, out);
    else
        out[0] = '\0';
}

static void add_step(struct qh_web_ticket *v, const struct qh_hall_conf *h, int64_t at,
                     const char *type, int window, const char *extra)
{
    /* The first lines and the latest matter: keep the issue, drop the
     * oldest after it when a ticket has moved about a great deal. */
    if (v->nsteps == QH_WEB_STEPS) {
        memmove(&v->steps[1], &v->steps[2], (QH_WEB_STEPS - 2) * sizeof v->steps[0]);
        v->nsteps--;
    }
    struct qh_web_step *s = &v->steps[v->nsteps++];
    hhmm(h, at, s->hhmm);
    snprintf(s->type, sizeof s->type, "%s", type);
    s->window = window;
    snprintf(s->extra, sizeof s->extra, "%s", extra ? extra : "");
}

static int shown_step(const char *type)
{
    static const char *const types[] = {"called", "recalled", "no_show", "called_back",
                                        "started", "held", "released", "transferred",
                                        "finished", "cancelled", "expired", "rated"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(type, types[i]))
            return 1;
    return 0;
}

struct steps_ctx {
    const struct qh_hall_conf *h;
    enum qh_lang lang;
    struct qh_web_ticket *v;
};

static int read_step(const struct qh_event_row *e, void *ud)
{
    struct steps_ctx *c = ud;
    struct qh_web_ticket *v = c->v;
    enum qh_lang lang = c->lang;
    char extra[64] = "", note[QH_TEXT_NOTE_LEN];
    if (e->id > v->event)
        v->event = e->id;
    if (!shown_step(e->type))
        return 0;
    if (!strcmp(e->type, "finished")) {
        qh_json_get_str(e->detail, "outcome", extra, sizeof extra);
        v->nmissing = 0;
        if (!strcmp(extra, "supplement") && qh_json_get_str(e->detail, "note", note, sizeof note))
            v->nmissing = qh_slip_parse_missing(note, v->missing, QH_WEB_MISSING);
        /* 办结 says "done" already. */
        snprintf(extra, sizeof extra, "%s",
                 strcmp(extra, "done") ? qh_outcome_label(extra, lang) : "");
    } else if (!strcmp(e->type, "transferred")) {
        const struct qh_queue_conf *q = qh_conf_queue(c->h, e->queue);
        if (q)
            snprintf(extra, sizeof extra, "%s",
                     QH_TR(lang, q->name, q->name_en[0] ? q->name_en : q->name));
    }
    add_step(v, c->h, e->at, e->type, e->window, extra);
    return 0;
}

static int read_steps(struct qh_store *s, const struct qh_hall_conf *h, enum qh_lang lang,
                      struct qh_web_ticket *v)
{
    struct steps_ctx c = {h, lang, v};
    char err[256];
    add_step(v, h, v->t.issued_at, "issued", 0, NULL);
    return qh_hall_ticket_events_each(s, v->t.id, read_step, &c, err, sizeof err);
}

static void split_materials(struct qh_web_ticket *v, const char *materials)
{
    char buf[sizeof ((struct qh_service *)0)->materials];
    snprintf(buf, sizeof buf, "%s", materials);
    for (char *save = NULL, *m = strtok_r(buf, ";", &save);
         m && v->nmaterials < QH_WEB_MATERIALS; m = strtok_r(NULL, ";", &save)) {
        char *t = qh_text_trim(m);
        if (*t)
            snprintf(v->materials[v->nmaterials++], sizeof v->materials[0], "%s", t);
    }
}

/* One read transaction for the whole page: one moment's figures, and
 * half the cost of a lock per statement (500 pages after each call). */
static int ticket_read(struct qh_store *s, const char *token, enum qh_lang lang,
                       struct qh_web_ticket *out);

int qh_web_ticket_read(struct qh_store *s, const char *token, enum qh_lang lang,
                       struct qh_web_ticket *out)
{
    char err[256];
    int rc = qh_hall_snapshot_begin(s, err, sizeof err);
    if (rc < 0)
        return rc;
    rc = ticket_read(s, token, lang, out);
    qh_hall_snapshot_end(s);
    return rc;
}

static int ticket_read(struct qh_store *s, const char *token, enum qh_lang lang,
                       struct qh_web_ticket *out)
{
    struct qh_web_ticket *v = out;
    char err[256];
    memset(v, 0, sizeof *v);
    int rc = qh_hall_last_event(s, &v->event, err, sizeof err);
    if (rc < 0)
        return rc;
    if ((rc = qh_ticket_by_token(s, token, &v->t)) < 0)
        return rc;
    const struct qh_hall_conf *h = qh_hall_config(s);
    char today[11];
    qh_hall_today(s, today);
    long age = qh_clock_day_num(today) - qh_clock_day_num(v->t.day);
    /* An open ticket of an earlier day is expired, whether or not a write
     * of today has marked it yet. */
    if (age > 0 && v->t.state <= QH_TICKET_NO_SHOW)
        v->t.state = QH_TICKET_EXPIRED;
    snprintf(v->token, sizeof v->token, "%s", token);
    snprintf(v->hall, sizeof v->hall, "%s", QH_TR(lang, h->name, h->name_en[0] ? h->name_en : h->name));
    snprintf(v->notice, sizeof v->notice, "%s",
             lang == QH_LANG_EN && h->notice_en[0] ? h->notice_en : h->notice);
    const struct qh_queue_conf *q = qh_conf_queue(h, v->t.queue);
    if (q)
        snprintf(v->queue, sizeof v->queue, "%s",
                 QH_TR(lang, q->name, q->name_en[0] ? q->name_en : q->name));
    const struct qh_queue_conf *c = qh_conf_failed_queue(h);
    for (int i = 0; c && i < h->nwindows && !v->help_window; i++)
        for (int k = 0; k < QH_MAX_QUEUES && h->windows[i].queues[k][0]; k++)
            if (!strcmp(h->windows[i].queues[k], c->code)) {
                v->help_window = h->windows[i].number;
                break;
            }
    if (v->t.service[0]) {
        struct qh_service sv;
        if (qh_catalog_get(s, v->t.service, &sv) == 0) {
            snprintf(v->service, sizeof v->service, "%s", sv.name);
            split_materials(v, sv.materials);
        }
    }
    const struct qh_window_conf *w = v->t.window ? qh_conf_window(h, v->t.window) : NULL;
    if (w)
        snprintf(v->window_name, sizeof v->window_name, "%s",
                 QH_TR(lang, w->name, w->name_en[0] ? w->name_en : w->name));
    hhmm(h, v->t.called_at, v->called_hhmm);
    if (v->t.state == QH_TICKET_WAITING) {
        struct qh_issue_info info;
        if ((rc = qh_ticket_info(s, &v->t, &info)) < 0)
            return rc;
        v->ahead = info.ahead;
        v->wait_min = info.wait_min;
        v->wait_max = info.wait_max;
        qh_ticket_wait_text(h, &info, lang, v->wait_text, sizeof v->wait_text);
    }
    if ((rc = read_steps(s, h, lang, v)) < 0)
        return rc;
    if (v->t.rated) {
        struct qh_rating_row r;
        if (qh_rating_get(s, v->t.id, &r) == 0)
            v->rated_score = r.score;
        if (!v->rated_score)
            v->rated_score = -1;      /* rated, the score not ours to read */
    }
    v->can_rate = v->t.state == QH_TICKET_FINISHED && !v->t.rated && age <= h->rating.late_days;
    v->nreasons = h->rating.nreasons;
    v->reasons = h->rating.reasons;
    v->reasons_en = h->rating.reasons_en;
    return 0;
}

int qh_web_hall_read(struct qh_store *s, enum qh_lang lang, struct qh_web_hall *out)
{
    struct qh_web_hall *v = out;
    char err[256], day[11];
    memset(v, 0, sizeof *v);
    int rc = qh_hall_last_event(s, &v->event, err, sizeof err);
    if (rc < 0)
        return rc;
    if ((rc = qh_hall_snapshot_begin(s, err, sizeof err)) < 0)
        return rc;
    const struct qh_hall_conf *h = qh_hall_config(s);
    qh_hall_today(s, day);
    snprintf(v->hall, sizeof v->hall, "%s", QH_TR(lang, h->name, h->name_en[0] ? h->name_en : h->name));
    snprintf(v->notice, sizeof v->notice, "%s",
             lang == QH_LANG_EN && h->notice_en[0] ? h->notice_en : h->notice);
    for (int i = 0; i < h->nwindows && i < QH_MAX_WINDOWS; i++) {
        const struct qh_window_conf *wc = &h->windows[i];
        struct qh_web_window *w = &v->windows[v->nwindows++];
        struct qh_window_row wr;
        struct qh_ticket_row t;
        w->number = wc->number;
        snprintf(w->name, sizeof w->name, "%s",
                 QH_TR(lang, wc->name, wc->name_en[0] ? wc->name_en : wc->name));
        if (qh_window_get(s, wc->number, &wr) == 0) {
            w->paused = wr.paused;
            w->open = wr.staff[0] && !wr.paused;
            snprintf(w->pause_reason, sizeof w->pause_reason, "%s", wr.pause_reason);
        }
        if (qh_window_ticket(s, day, wc->number, &t) == 0) {
            snprintf(w->number_now, sizeof w->number_now, "%s", t.number);
            w->state_now = t.state;
        }
    }
    for (int i = 0; i < h->nqueues && i < QH_MAX_QUEUES; i++) {
        const struct qh_queue_conf *q = &h->queues[i];
        snprintf(v->queues[i].name, sizeof v->queues[i].name, "%s",
                 QH_TR(lang, q->name, q->name_en[0] ? q->name_en : q->name));
        rc = qh_queue_waiting(s, day, q->code);
        if (rc < 0)
            break;
        v->queues[i].waiting = rc;
        v->nqueues++;
    }
    qh_hall_snapshot_end(s);
    return rc < 0 ? rc : 0;
}
