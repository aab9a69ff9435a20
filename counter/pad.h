/* pad.h: the rating pad (评价器), the small touch screen facing the
 * citizen at one window: `qhall-counter --pad --window N`.
 *
 * Two halves, as the other screens have:
 *   the model (pad.c)  pure state: what the window is doing (a snapshot,
 *                      qh_pad_model_window), the change feed's events, taps
 *                      and time in; actions out (rate, skipped) for main.c
 *                      to carry out.  It never touches the store, so every
 *                      flow is tested without a database or a screen.
 *   the glue (pad_io.c) reads a snapshot from the store (qh_pad_read) and
 *                      carries out an action (qh_pad_do) through rating.h,
 *                      as the store actor "pad:N" on channel QH_RATE_PAD.
 *
 * Screens: idle (the window, the staff on duty or 未开放, 暂停服务 with its
 * reason, 服务监督 phones), called, serving (item, materials, promised
 * days), rate (five faces with words), reasons (after 不满意/非常不满意: at
 * least one ticked before 提交), thanks.  The rate screen comes at once
 * with the `finished` event of this window, or again with a
 * `rating_prompt`; with no tap for the hall's rating.timeout_seconds it
 * asks main.c to record rating_skipped and goes idle (the ticket stays
 * 未评价).  A submit is sent once: taps are ignored until its answer. */
#ifndef QH_COUNTER_PAD_H
#define QH_COUNTER_PAD_H

#include <stddef.h>
#include <stdint.h>

#include "qh/conf.h"
#include "qh/record.h"
#include "qh/text.h"

struct qh_store;

enum qh_pad_screen {
    QH_PS_IDLE,         /* also 未开放 (no staff) and 暂停服务 (paused) */
    QH_PS_CALLED,
    QH_PS_SERVING,
    QH_PS_RATE,         /* five faces */
    QH_PS_REASONS,      /* 差评: tick the reasons */
    QH_PS_THANKS,
};
#define QH_PS_COUNT 6

enum qh_pad_btn {
    QH_PB_NONE = 0,
    QH_PB_FACE,         /* arg = score 5 (非常满意) .. 1 (非常不满意) */
    QH_PB_REASON,       /* arg = reason index: tick or untick */
    QH_PB_SUBMIT,       /* 提交 the reasons */
    QH_PB_BACK,         /* reasons -> faces */
    QH_PB_LANG,         /* 中文 / English */
};

#define QH_PAD_MATERIALS 16
#define QH_PAD_ACTIONS 4
#define QH_PAD_THANKS_MS 5000
#define QH_PAD_TIMEOUT_S 60       /* when [rating] timeout_seconds is 0 */

/* What the window is doing, as read from the store (qh_pad_read). */
struct qh_pad_window {
    char name[128], name_en[128];   /* the window's */
    char staff[QH_STAFF_LEN];       /* logged in, "" none: 未开放 */
    char staff_name[QH_TEXT_NAME_LEN];
    int paused;
    char pause_reason[QH_TEXT_PAUSE_LEN];
    int has_ticket;                 /* called or serving here */
    int serving;                    /* 0 called, 1 serving */
    char number[QH_NUMBER_LEN];
    char item[128];                 /* the item's name, "" when issued by queue */
    int promised_days;              /* 0: none given */
    int nmat;
    char mat[QH_PAD_MATERIALS][96];
    /* the hall's */
    char phone[32];                 /* supervision phone, "" none */
    int timeout_s;                  /* rating.timeout_seconds (0: 60) */
    int nreasons;                   /* 0: the default list */
    char reasons[QH_MAX_RATING_REASONS][64];
    char reasons_en[QH_MAX_RATING_REASONS][64];
};

enum qh_pad_act { QH_PA_NONE, QH_PA_RATE, QH_PA_SKIPPED };

struct qh_pad_action {
    enum qh_pad_act kind;
    char number[QH_NUMBER_LEN];
    int score;                      /* rate: 1..5 */
    char reasons[QH_TEXT_REASON_LEN];   /* rate: the ticked reasons, "、" */
};

struct qh_pad_model {
    int window;
    enum qh_lang home_lang;         /* what idle returns to (Chinese) */
    enum qh_lang lang;
    uint64_t gen;
    enum qh_pad_screen screen;
    int64_t now_ms, last_tap_ms, thanks_ms;
    int64_t wall_ms;                /* the hall's clock at the last tick, 0 unknown */

    struct qh_pad_window w;         /* the last snapshot */
    int have_window;                /* 0: not read yet (connecting) */
    int offline;                    /* the store is unreachable */

    /* the rating under way */
    char number[QH_NUMBER_LEN];
    char outcome[16];               /* done | supplement | failed, "" unknown */
    char missing[QH_TEXT_NOTE_LEN]; /* 需补件: the finish note */
    int score;                      /* chosen face, 0 none */
    uint32_t ticks;                 /* ticked reasons */
    int pending;                    /* a submit is out: taps are ignored */
    char msg[QH_ERRLEN + 64];       /* a refusal to show, "" none */

    int nact;
    struct qh_pad_action act[QH_PAD_ACTIONS];
};

void qh_pad_model_init(struct qh_pad_model *m, int window, enum qh_lang lang, int64_t mono_ms);
/* A new snapshot of the window (NULL: the store is unreachable). */
void qh_pad_model_window(struct qh_pad_model *m, const struct qh_pad_window *w);
/* Events from the change feed: `finished` and `rating_prompt` of this
 * window open the rate screen, unless older than the time-out by the
 * hall's clock (a pad started late replays the last events: a citizen
 * who left long ago is not asked); a `rated` or `rating_skipped` of the
 * number being rated (another channel, this pad before a restart) ends
 * it. */
void qh_pad_model_events(struct qh_pad_model *m, const struct qh_event_row *evs, int n);
/* Time passes (monotonic, and the hall's clock, 0 unknown): the
 * rating's time-out, thanks back to idle, English back to Chinese. */
void qh_pad_model_tick(struct qh_pad_model *m, int64_t mono_ms, int64_t wall_ms);
/* A tap: 1 if it changed the model, 0 if ignored. */
int qh_pad_model_tap(struct qh_pad_model *m, enum qh_pad_btn b, int arg);
/* The next action for main.c: 1 and *out, or 0. */
int qh_pad_model_take(struct qh_pad_model *m, struct qh_pad_action *out);
/* The answer to a rate action: rc >= 0 recorded, already != 0 the ticket
 * was already rated (a double tap, another channel): both thank; any
 * other refusal is said on the rate screen and the citizen may try again. */
void qh_pad_model_result(struct qh_pad_model *m, int rc, int already, const char *err);

/* The reasons to tick (the hall's, else the default list). */
int qh_pad_reasons(const struct qh_pad_model *m);
const char *qh_pad_reason(const struct qh_pad_model *m, int i, enum qh_lang lang);
/* 非常满意 .. 非常不满意 by score 5 .. 1. */
const char *qh_pad_face_label(int score, enum qh_lang lang);
const char *qh_pad_screen_name(enum qh_pad_screen s);
/* The rating's time-out in seconds (the hall's, or 60). */
int qh_pad_timeout_s(const struct qh_pad_model *m);

/* ---- the glue (pad_io.c): the store, as actor "pad:N" ---- */

/* Set the store's actor to "pad:N". */
void qh_pad_attach(struct qh_store *s, int window);
/* Read the window's snapshot: 0, or < 0 with err (the store is away or
 * the window unknown). */
int qh_pad_read(struct qh_store *s, int window, struct qh_pad_window *out,
                char *err, size_t errlen);
/* Carry out an action: rate through qh_rating_add (channel pad, device
 * "pad:N"), skipped through qh_rating_skipped.  *already is set when a
 * rate was refused because the ticket is already rated. */
int qh_pad_do(struct qh_store *s, int window, const struct qh_pad_action *a, int *already,
              char *err, size_t errlen);

#endif
