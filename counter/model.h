/* model.h: the counter terminal's panels and flows, without SDL.
 *
 * One model per window.  Input arrives as keys (qh_counter_model_key),
 * typed text (qh_counter_model_text) or buttons (qh_counter_model_act): the
 * view maps a click to an action from the frame it drew, main.c maps SDL
 * keys to enum qh_counter_key.  Every window operation goes straight to
 * the service API (qh/ticket.h) on the store handed in with qh_counter_model_store():
 * tests drive two models on one real database file, the program one.  A
 * NULL store means the database is unreachable: the last state stays on
 * screen under a notice and every action is refused with a message.
 *
 * State is re-read from the store (qh_counter_model_refresh) after each
 * action and whenever the change feed reports events; time comes in
 * through qh_counter_model_tick(m, mono_ms) (idle auto-lock, the timers).
 * Every change bumps m->gen, so the view redraws only when something moved.
 *
 * Ratings are the citizen's, on the window's pad (pad.h): after a finish
 * the rating panel only shows what the pad says (waiting, rated, walked
 * away: `rated` and `rating_skipped` events) and can put the rating
 * screen up on the pad again (qh_rating_prompt); no key sets a score.
 * The staff member's own 差评 of earlier cases can be appealed (A, the
 * appeal panel: qh_rating_appeal); the case just finished is not listed
 * there while its citizen may still be at the window.
 *
 * Printing is not the model's business either: asked to print a 补件告知单
 * it sets print_req, main.c prints it and reports back through
 * qh_counter_model_printed(). 
 * The struct is public so the view can read it; only model.c writes it. */
#ifndef QH_COUNTER_MODEL_H
#define QH_COUNTER_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "qh/ticket.h"

enum qh_counter_panel {
    QH_CP_LOGIN,        /* staff ID + PIN */
    QH_CP_LOCKED,       /* idle auto-lock: the same staff's PIN unlocks */
    QH_CP_MAIN,         /* the current ticket, queues, action buttons */
    QH_CP_WAITLIST,     /* call a specific waiting number */
    QH_CP_NOSHOWS,      /* call back a no-show */
    QH_CP_HELD,         /* release a held ticket */
    QH_CP_TRANSFER,     /* target (window, queue or item) + note */
    QH_CP_SUPPLEMENT,   /* 需补件: tick the missing materials */
    QH_CP_FAILED,       /* 办不成: a reason */
    QH_CP_PAUSE,        /* pause reason */
    QH_CP_RATING,       /* 请群众在评价器上评价: the pad's state, never a score */
    QH_CP_APPEAL,       /* 申诉: one of this staff member's 差评 + a reason */
};
#define QH_CP_COUNT 12

/* What a button or key does. */
enum qh_counter_act {
    QH_CA_NONE = 0,
    QH_CA_CALL_NEXT, QH_CA_RECALL, QH_CA_NOSHOW, QH_CA_START,
    QH_CA_DONE, QH_CA_SUPPLEMENT, QH_CA_FAILED, QH_CA_TRANSFER,
    QH_CA_HOLD, QH_CA_RELEASE, QH_CA_CALLBACK, QH_CA_CALL_NUMBER,
    QH_CA_PAUSE,        /* pause, or resume when paused */
    QH_CA_LOCK, QH_CA_LOGOUT,
    /* inside a panel */
    QH_CA_PICK,         /* arg = row: select (radio lists) or toggle (checklist) */
    QH_CA_UP, QH_CA_DOWN,
    QH_CA_FIELD,        /* arg = text field to focus */
    QH_CA_OK, QH_CA_CANCEL,
    QH_CA_PROMPT,       /* show the rating screen on the window's pad again */
    QH_CA_BACKSPACE,
    /* after a 需补件 finish (F6 again, on the rating or the idle main
     * panel): ask main.c to print the 补件告知单 of supp_number */
    QH_CA_PRINT_SUPPLEMENT,
    /* A on the main panel: appeal one of the staff member's own 差评 */
    QH_CA_APPEAL,
};

enum qh_counter_key {
    QH_CK_F1 = 1, QH_CK_F2, QH_CK_F3, QH_CK_F4, QH_CK_F5, QH_CK_F6,
    QH_CK_F7, QH_CK_F8, QH_CK_F9, QH_CK_F10, QH_CK_F11, QH_CK_F12,
    QH_CK_ENTER, QH_CK_ESC, QH_CK_TAB, QH_CK_BACKSPACE, QH_CK_UP, QH_CK_DOWN,
    QH_CK_SPACE,
};

enum qh_counter_msg { QH_CM_NONE, QH_CM_INFO, QH_CM_OK, QH_CM_ERROR };

#define QH_COUNTER_ROWS 64      /* rows of a list panel */
#define QH_COUNTER_MATERIALS 32
#define QH_COUNTER_HISTORY 8
#define QH_COUNTER_NEXT 4       /* next numbers shown per queue */
#define QH_COUNTER_TEXT QH_TEXT_NOTE_LEN  /* free text, bytes: the longest kind */

struct qh_counter_opts {
    enum qh_lang lang;
    int window;
    int idle_lock_s;            /* no input this long: lock (0 = never) */
};

struct qh_counter_row {         /* one row of a list panel */
    char label[160];
    char key[32];               /* number, queue code, window, service code */
    int kind;                   /* transfer: 0 window, 1 queue, 2 item */
};

struct qh_counter_queue {       /* waiting for this window, per queue */
    char code[QH_CODE_LEN];
    char name[64];
    int waiting;
    int nnext;
    char next[QH_COUNTER_NEXT][QH_NUMBER_LEN];
};

struct qh_counter_hop {         /* one transfer the current ticket went through */
    int64_t at;
    int from_window, to_window;
    char from_queue[QH_CODE_LEN], to_queue[QH_CODE_LEN];
    char note[QH_TEXT_NOTE_LEN];
};

struct qh_counter_model {
    struct qh_store *s;         /* borrowed; NULL = database unreachable */
    struct qh_counter_opts o;
    enum qh_lang lang;
    uint64_t gen;
    int db_failed;              /* a call failed with a store error: main reconnects */
    char problem[QH_ERRLEN];    /* why the database is unreachable */
    int unsure;                 /* the connection broke during an action */
    int64_t clock_offset;       /* the hall's clock - this PC's, as last seen */

    enum qh_counter_panel panel;
    int64_t now_ms, last_input_ms;
    int64_t wall_ms;            /* the hall's clock (qh_hall_now) at the last tick */
    int shown_s;                /* timer second last drawn */

    /* who */
    int logged_in;
    char staff[QH_STAFF_LEN], staff_name[QH_TEXT_NAME_LEN], role[8];
    char in_id[QH_STAFF_LEN], in_pin[16];
    int field;                  /* focused text field of the panel */

    /* the window */
    char window_name[128];
    int paused;
    char pause_reason[QH_TEXT_PAUSE_LEN];
    int64_t paused_at;
    int recall_limit;
    int handle_minutes;         /* the hall's usual handling time (timer colour) */

    /* the current ticket (called or serving) */
    int has_ticket;
    struct qh_ticket_row t;
    struct qh_service sv;       /* its item, sv.code "" when issued by queue */
    int nmat;
    char mat[QH_COUNTER_MATERIALS][96];
    int nhops;
    struct qh_counter_hop hops[QH_COUNTER_HISTORY];
    int64_t hop_ticket, hop_after;  /* history read for ticket up to event id */

    /* queues */
    int nqueues;
    struct qh_counter_queue queues[QH_MAX_QUEUES];
    int nheld, nnoshow;

    /* the last ticket finished here ("" none) and what the window's pad
     * says of it (from the change feed): the staff member never rates,
     * and never sees the score */
    char rate_number[QH_NUMBER_LEN];
    enum qh_counter_rate { QH_CR_WAITING, QH_CR_RATED, QH_CR_SKIPPED } rate_state;

    /* the last ticket finished here with 需补件 ("" none): F6 prints its
     * 补件告知单 until the next finish or logout */
    char supp_number[QH_NUMBER_LEN];
    /* a print request for main.c: the number whose notice to print now */
    char print_req[QH_NUMBER_LEN];

    /* a panel's list, selection, ticks and free text */
    int nrows, sel, top;
    struct qh_counter_row rows[QH_COUNTER_ROWS];
    uint32_t ticks;
    char text[QH_COUNTER_TEXT];
    char filter[64];            /* transfer: typed to find an item */
    enum qh_counter_panel back; /* where unlocking returns */
    int back_rate;              /* the lock hid a rating panel */

    /* the status line: the last result or refusal */
    enum qh_counter_msg msg_kind;
    char msg[QH_ERRLEN + 64];
};

/* Set up (no store yet: the login panel under a "connecting" notice). */
void qh_counter_model_init(struct qh_counter_model *m,
                           const struct qh_counter_opts *o, int64_t mono_ms);
/* Hand the model its store (NULL: unreachable, problem says why), and
 * re-read everything when one is given. */
void qh_counter_model_store(struct qh_counter_model *m, struct qh_store *s,
                            const char *problem);
/* Re-read the window, its ticket, queues and lists from the store. */
int qh_counter_model_refresh(struct qh_counter_model *m);
/* New events from the change feed (refreshes when one concerns us). */
void qh_counter_model_events(struct qh_counter_model *m,
                             const struct qh_event_row *evs, int n);
/* Time passes: auto-lock after idle, timers. */
void qh_counter_model_tick(struct qh_counter_model *m, int64_t mono_ms);

/* Input.  Each returns 1 if handled (the model changed), 0 if ignored. */
int qh_counter_model_act(struct qh_counter_model *m, enum qh_counter_act a, int arg);
int qh_counter_model_key(struct qh_counter_model *m, enum qh_counter_key k);
int qh_counter_model_text(struct qh_counter_model *m, const char *utf8);

/* main.c printed (rc 0), sent but not yet finished (rc 1) or failed to
 * print (rc < 0, err says why) the notice of print_req on `printer`:
 * clears the request and says so in the status line. */
void qh_counter_model_printed(struct qh_counter_model *m, int rc, const char *printer,
                              const char *err);

/* The shortcut of a main-panel action ("F1"), "" if none. */
const char *qh_counter_shortcut(enum qh_counter_act a);
/* The label of a main-panel action in lang ("叫号"). */
const char *qh_counter_act_label(enum qh_counter_act a, enum qh_lang lang);
/* 1 if the action can be tried now (the button is lit). */
int qh_counter_act_enabled(const struct qh_counter_model *m, enum qh_counter_act a);
/* Pause reasons. */
int qh_counter_pause_reasons(enum qh_lang lang, const char *const **out);
/* What the pad says of the last finished ticket: 等待群众评价, 群众已评价,
 * 群众未评价（已离开）. */
const char *qh_counter_rate_state_label(enum qh_counter_rate st, enum qh_lang lang);
/* Name of a --press key ("F1", "Enter"): 1 and *k, or 0. */
int qh_counter_key_parse(const char *name, enum qh_counter_key *k);
/* How many characters the panel's text box takes (0: it has none): what
 * its kind of text allows, less what the panel puts before it. */
size_t qh_counter_text_max(const struct qh_counter_model *m);
/* Seconds since the current ticket was issued / called / started. */
int qh_counter_waited_s(const struct qh_counter_model *m);
int qh_counter_handling_s(const struct qh_counter_model *m);

#endif
