/* pad.c: the rating pad's state and transitions (pad.h), without SDL and
 * without the store: snapshots, events, taps and time in, actions out.
 *
 * What it decides: which screen the citizen sees, that a 差评 names at
 * least one reason, that one rating goes out once however often a face is
 * tapped, that a citizen who walked away is let go after the hall's
 * time-out (and the ticket is left 未评价, not given a score), and that
 * the pad speaks Chinese again once it is idle. */
#include <stdio.h>
#include <string.h>

#include "pad.h"
#include "qh/buf.h"
#include "qh/err.h"

#define T(zh, en) QH_TR(m->lang, zh, en)

/* The list, when the hall's [rating] gives none. */
static const char *const reasons_zh[] = {
    "态度不好", "等候时间太长", "一次性告知不清楚", "要求重复提交材料", "办事流程繁琐",
    "没有办成", "其他"};
static const char *const reasons_en[] = {
    "Unfriendly staff", "Waited too long", "Materials not told at once",
    "Asked to submit again", "Too many steps", "Not done", "Other"};
#define NDEFAULT 7

static const char *const face_zh[] = {"", "非常不满意", "不满意", "基本满意", "满意", "非常满意"};
static const char *const face_en[] = {"", "Very dissatisfied", "Dissatisfied", "Fair",
                                      "Satisfied", "Very satisfied"};

static void changed(struct qh_pad_model *m)
{
    m->gen++;
}

static int rating(const struct qh_pad_model *m)
{
    return m->screen == QH_PS_RATE || m->screen == QH_PS_REASONS;
}

/* The screen the window's state asks for, once no rating is under way. */
static void settle(struct qh_pad_model *m)
{
    enum qh_pad_screen was = m->screen;
    if (rating(m) || m->screen == QH_PS_THANKS)
        return;
    m->screen = !m->w.has_ticket ? QH_PS_IDLE : m->w.serving ? QH_PS_SERVING : QH_PS_CALLED;
    if (m->screen != was)
        changed(m);
}

/* The rating is over (rated, thanked, walked away): back to the window. */
static void end_rating(struct qh_pad_model *m)
{
    m->screen = QH_PS_IDLE;
    m->number[0] = m->outcome[0] = m->missing[0] = m->msg[0] = '\0';
    m->score = 0;
    m->ticks = 0;
    m->pending = 0;
    m->lang = m->home_lang;
    settle(m);
    changed(m);
}

static void push(struct qh_pad_model *m, enum qh_pad_act kind, const char *number, int score,
                 const char *reasons)
{
    if (m->nact == QH_PAD_ACTIONS) {        /* main.c takes them at once: never */
        memmove(m->act, m->act + 1, (QH_PAD_ACTIONS - 1) * sizeof *m->act);
        m->nact--;
    }
    struct qh_pad_action *a = &m->act[m->nact++];
    memset(a, 0, sizeof *a);
    a->kind = kind;
    qh_text_copy(a->number, sizeof a->number, number);
    a->score = score;
    qh_text_copy(a->reasons, sizeof a->reasons, reasons ? reasons : "");
}

/* A citizen who has not rated leaves the ticket 未评价: say so to the
 * store (rating_skipped), never a score. */
static void skip(struct qh_pad_model *m)
{
    if (rating(m) && m->number[0] && !m->pending)
        push(m, QH_PA_SKIPPED, m->number, 0, NULL);
}

static void open_rating(struct qh_pad_model *m, const struct qh_event_row *e)
{
    char outcome[sizeof m->outcome] = "", note[sizeof m->missing] = "";
    int same = !strcmp(m->number, e->number);
    if (m->pending && same)
        return;                 /* our own answer is on its way */
    if (!same)
        skip(m);                /* the one before walked away */
    qh_json_get_str(e->detail, "outcome", outcome, sizeof outcome);
    qh_json_get_str(e->detail, "note", note, sizeof note);
    if (!same || outcome[0]) {
        qh_text_copy(m->outcome, sizeof m->outcome, outcome);
        qh_text_copy(m->missing, sizeof m->missing,
                     !strcmp(outcome, "supplement") ? note : "");
    }
    qh_text_copy(m->number, sizeof m->number, e->number);
    m->screen = QH_PS_RATE;
    m->score = 0;
    m->ticks = 0;
    m->pending = 0;
    m->msg[0] = '\0';
    m->last_tap_ms = m->now_ms;
    changed(m);
}

void qh_pad_model_init(struct qh_pad_model *m, int window, enum qh_lang lang, int64_t mono_ms)
{
    memset(m, 0, sizeof *m);
    m->window = window;
    m->home_lang = m->lang = lang;
    m->now_ms = m->last_tap_ms = mono_ms;
    m->screen = QH_PS_IDLE;
    changed(m);
}

void qh_pad_model_window(struct qh_pad_model *m, const struct qh_pad_window *w)
{
    if (!w) {
        if (!m->offline)
            changed(m);
        m->offline = 1;
        return;
    }
    m->offline = 0;
    m->have_window = 1;
    m->w = *w;
    changed(m);
    settle(m);
}

void qh_pad_model_events(struct qh_pad_model *m, const struct qh_event_row *evs, int n)
{
    for (int i = 0; i < n; i++) {
        const struct qh_event_row *e = &evs[i];
        if (!e->number[0])
            continue;
        int asks = !strcmp(e->type, "finished") || !strcmp(e->type, "rating_prompt");
        int stale = m->wall_ms && m->wall_ms - e->at >= (int64_t)qh_pad_timeout_s(m) * 1000;
        if (asks && e->window == m->window && !stale)
            open_rating(m, e);
        else if ((!strcmp(e->type, "rated") || !strcmp(e->type, "rating_skipped")) &&
                 rating(m) && !m->pending && !strcmp(e->number, m->number))
            end_rating(m);      /* rated on another channel, or given up before */
    }
}

int qh_pad_timeout_s(const struct qh_pad_model *m)
{
    return m->w.timeout_s > 0 ? m->w.timeout_s : QH_PAD_TIMEOUT_S;
}

void qh_pad_model_tick(struct qh_pad_model *m, int64_t mono_ms, int64_t wall_ms)
{
    m->now_ms = mono_ms;
    m->wall_ms = wall_ms;
    int64_t quiet = mono_ms - m->last_tap_ms, limit = (int64_t)qh_pad_timeout_s(m) * 1000;
    if (rating(m) && !m->pending && quiet >= limit) {
        skip(m);
        end_rating(m);
    } else if (m->screen == QH_PS_THANKS && mono_ms - m->thanks_ms >= QH_PAD_THANKS_MS) {
        end_rating(m);
    } else if (!rating(m) && m->screen != QH_PS_THANKS && m->lang != m->home_lang &&
               quiet >= limit) {
        m->lang = m->home_lang;         /* the next citizen reads Chinese */
        changed(m);
    }
}

int qh_pad_reasons(const struct qh_pad_model *m)
{
    return m->w.nreasons > 0 ? m->w.nreasons : NDEFAULT;
}

const char *qh_pad_reason(const struct qh_pad_model *m, int i, enum qh_lang lang)
{
    if (i < 0 || i >= qh_pad_reasons(m))
        return "";
    if (m->w.nreasons > 0)
        return lang == QH_LANG_EN && m->w.reasons_en[i][0] ? m->w.reasons_en[i]
                                                           : m->w.reasons[i];
    return lang == QH_LANG_EN ? reasons_en[i] : reasons_zh[i];
}

const char *qh_pad_face_label(int score, enum qh_lang lang)
{
    if (score < 1 || score > 5)
        return "";
    return lang == QH_LANG_EN ? face_en[score] : face_zh[score];
}

const char *qh_pad_screen_name(enum qh_pad_screen s)
{
    static const char *const n[QH_PS_COUNT] = {"idle", "called", "serving", "rate",
                                               "reasons", "thanks"};
    return (unsigned)s < QH_PS_COUNT ? n[s] : "?";
}

/* The ticked reasons in the hall's words (Chinese: what reports and the
 * follow-up read, whatever language the citizen chose), "、" between. */
static int join_reasons(const struct qh_pad_model *m, char *out, size_t outlen)
{
    int n = 0;
    out[0] = '\0';
    for (int i = 0; i < qh_pad_reasons(m); i++)
        if (m->ticks & (1u << i)) {
            if (n++)
                qh_text_append(out, outlen, QH_TEXT_REASON_MAX, "、");
            qh_text_append(out, outlen, QH_TEXT_REASON_MAX, qh_pad_reason(m, i, QH_LANG_ZH));
        }
    return n;
}

int qh_pad_model_tap(struct qh_pad_model *m, enum qh_pad_btn b, int arg)
{
    char reasons[QH_TEXT_REASON_LEN];
    if (m->pending)
        return 0;               /* a double tap: the first is on its way */
    m->last_tap_ms = m->now_ms;
    switch (b) {
    case QH_PB_LANG:
        m->lang = m->lang == QH_LANG_EN ? QH_LANG_ZH : QH_LANG_EN;
        break;
    case QH_PB_FACE:
        if (m->screen != QH_PS_RATE || arg < 1 || arg > 5)
            return 0;
        m->score = arg;
        m->msg[0] = '\0';
        if (arg <= 2) {
            m->screen = QH_PS_REASONS;
            m->ticks = 0;
        } else {
            push(m, QH_PA_RATE, m->number, arg, NULL);
            m->pending = 1;
        }
        break;
    case QH_PB_REASON:
        if (m->screen != QH_PS_REASONS || arg < 0 || arg >= qh_pad_reasons(m))
            return 0;
        m->ticks ^= 1u << arg;
        m->msg[0] = '\0';
        break;
    case QH_PB_SUBMIT:
        if (m->screen != QH_PS_REASONS)
            return 0;
        if (!join_reasons(m, reasons, sizeof reasons)) {
            snprintf(m->msg, sizeof m->msg, "%s",
                     T("请至少选择一项原因", "Please choose at least one reason"));
            break;
        }
        push(m, QH_PA_RATE, m->number, m->score, reasons);
        m->pending = 1;
        break;
    case QH_PB_BACK:
        if (m->screen != QH_PS_REASONS)
            return 0;
        m->screen = QH_PS_RATE;
        m->score = 0;
        m->ticks = 0;
        m->msg[0] = '\0';
        break;
    case QH_PB_NONE:
        return 0;
    }
    changed(m);
    return 1;
}

int qh_pad_model_take(struct qh_pad_model *m, struct qh_pad_action *out)
{
    if (!m->nact)
        return 0;
    *out = m->act[0];
    memmove(m->act, m->act + 1, (size_t)(m->nact - 1) * sizeof *m->act);
    m->nact--;
    return 1;
}

void qh_pad_model_result(struct qh_pad_model *m, int rc, int already, const char *err)
{
    if (!m->pending)
        return;
    m->pending = 0;
    if (rc >= 0 || already) {
        m->screen = QH_PS_THANKS;
        m->thanks_ms = m->now_ms;
        m->msg[0] = '\0';
    } else {
        snprintf(m->msg, sizeof m->msg, T("评价未能记录，请再点一次或告知工作人员：%s",
                                          "Your rating was not recorded; please tap again "
                                          "or tell the staff: %s"),
                 err && *err ? err : qh_strerror(rc));
        m->last_tap_ms = m->now_ms;
    }
    changed(m);
}
