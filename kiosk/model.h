/* model.h: the kiosk's screens and flows, without SDL.
 *
 * A touch becomes qh_kiosk_model_press(m, QH_BTN_ITEM, 3): the view maps
 * coordinates to (button, argument) from the frame it drew, the model
 * decides.  Time comes in through qh_kiosk_model_tick(m, now_ms) (a
 * monotonic clock: idle countdown, double-tap guard, print job polling,
 * heartbeats); the wall clock for opening hours and the header is the
 * hall's (qh_hall_now), kept in wall_ms.  Every change bumps m->gen, so
 * the view redraws only when something moved.
 *
 * The database may be out of reach (a file gone, a server down): the
 * program says so with qh_kiosk_model_store(m, NULL, why), and the model
 * shows 暂停取号 (QH_KS_OFFLINE) with a plain reason and issues nothing
 * until it is handed a store again; then it is back at home by itself.
 * A number already on screen stays there until the citizen is done.  The
 * model finds an outage itself too, when a read or an issue fails with
 * QH_E_IO or QH_E_DB: it goes offline at once and sets db_failed for the
 * program to reconnect.  Nothing is tried again by itself: a number
 * issued twice is worse than a citizen who taps again.
 *
 * The struct is public so the view can read it; only model.c writes it.
 * Printing goes through hooks (struct qh_kiosk_printer), so flow tests
 * run with a fake printer and the program with CUPS (kiosk/printing.c).
 * Speech is an action the program takes out (qh_kiosk_model_take_say)
 * and hands to qh_audio, so the model stays pure. */
#ifndef QH_KIOSK_MODEL_H
#define QH_KIOSK_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* Only the printer's status and job states: the hooks below do the
 * printing, so the model links no media (kiosk/CMakeLists.txt). */
#include "qh/print.h"
#include "qh/ticket.h"

enum qh_kiosk_screen {
    QH_KS_HOME, QH_KS_GREEN, QH_KS_ITEMS, QH_KS_SEARCH, QH_KS_CONFIRM,
    QH_KS_TICKET, QH_KS_REFUSED, QH_KS_APPT, QH_KS_PIN, QH_KS_ADMIN,
    QH_KS_OFFLINE,          /* 暂停取号: the database is out of reach */
};
#define QH_KS_COUNT 11

enum qh_kiosk_btn {
    QH_BTN_NONE = 0,
    QH_BTN_QUEUE,           /* home: arg = queue index in the hall */
    QH_BTN_GREEN,           /* home: the green channel */
    QH_BTN_GREEN_REASON,    /* green: arg 0-4 (elderly ... other) */
    QH_BTN_GREEN_CANCEL,    /* home: leave the green channel */
    QH_BTN_APPT,            /* home: appointment check-in */
    QH_BTN_SEARCH,          /* home: find an item */
    QH_BTN_ITEM,            /* items/search: arg = index in the list */
    QH_BTN_QUEUE_ONLY,      /* items: a number without naming the item */
    QH_BTN_PREV, QH_BTN_NEXT,   /* pages of the list */
    QH_BTN_BACK, QH_BTN_HOME,
    QH_BTN_TAKE,            /* confirm: take the number */
    QH_BTN_KEY,             /* arg = index in m->keys */
    QH_BTN_KEY_DEL, QH_BTN_KEY_CLEAR,
    QH_BTN_KEY_MODE,        /* search: pinyin letters <-> characters */
    QH_BTN_KEY_PREV, QH_BTN_KEY_NEXT,   /* pages of characters */
    QH_BTN_OK,              /* appointment code or PIN entered */
    QH_BTN_DONE,            /* ticket/refused: finished */
    QH_BTN_LANG,            /* home: 中文 <-> English */
    QH_BTN_CORNER,          /* hidden: five taps in a row open the PIN screen */
    QH_BTN_REPRINT,         /* admin: arg = index in m->recent */
    QH_BTN_PRINTER,         /* admin: ask the printer again */
    QH_BTN_EXIT,            /* admin: close the program */
};

enum qh_kiosk_print {
    QH_KP_NONE, QH_KP_PENDING, QH_KP_DONE, QH_KP_FAILED,
};

/* How slips reach paper.  submit returns 0 with *job set, or < 0 with a
 * sentence in err; poll returns QH_PRINT_DONE, QH_PRINT_PENDING or < 0
 * (err says why); status fills *st (< 0: printer unreachable). */
struct qh_kiosk_printer {
    int (*submit)(void *ud, const char *number, int *job, char *printer,
                  size_t printerlen, char *err, size_t errlen);
    int (*poll)(void *ud, const char *printer, int job, char *err, size_t errlen);
    void (*cancel)(void *ud, const char *printer, int job);
    int (*status)(void *ud, struct qh_printer_status *st, char *err, size_t errlen);
    void *ud;
};

/* Whether the number is said aloud after issuing: the hall's
 * kiosk.speak, or a command line that overrides it (--speak, --mute). */
enum qh_kiosk_speak {
    QH_KIOSK_SPEAK_HALL = 0, QH_KIOSK_SPEAK_ON, QH_KIOSK_SPEAK_OFF,
};

struct qh_kiosk_opts {
    enum qh_lang lang;
    int kiosk_mode;             /* only the admin screen may close the program */
    int number;                 /* heartbeat "kiosk:N" */
    enum qh_kiosk_speak speak;
    struct qh_kiosk_printer printer;
};

#define QH_KIOSK_MAXKEYS 64
#define QH_KIOSK_RECENT 6
#define QH_KIOSK_JOBS 8
#define QH_KIOSK_QUERY_MAX 30     /* characters of a search, letters or 汉字 */

struct qh_kiosk_job {           /* a slip on its way to paper */
    char number[QH_NUMBER_LEN];
    char printer[128];
    int job;
    int reprint;
    int64_t since_ms;
};

struct qh_kiosk_recent {        /* tickets issued here, for the admin */
    char number[QH_NUMBER_LEN];
    int print;                  /* enum qh_kiosk_print */
    char problem[QH_ERRLEN];
};

struct qh_kiosk_model {
    struct qh_store *s;         /* borrowed; NULL: the database is out of reach */
    struct qh_kiosk_opts o;
    enum qh_lang lang;
    uint64_t gen;
    int quit;

    /* the connection */
    int db_failed;              /* a call failed with a store error: the program reconnects */
    char problem[QH_ERRLEN];    /* why the database is out of reach */
    int have_hall;              /* hall holds the hall as last seen */
    struct qh_hall_conf hall;   /* for the screen while the store is away */
    int64_t wall_ms;            /* the hall's clock at the last tick */
    int64_t clock_offset;       /* the hall's clock - this PC's, as last seen */

    enum qh_kiosk_screen screen, back;
    int64_t now_ms, last_input_ms, screen_ms, heartbeat_ms, poll_ms;
    int countdown;              /* seconds shown, 0 = none */

    /* the catalogue, loaded once */
    struct qh_service *items;
    char (*aname)[128];         /* the name as people say it: 社保卡申领 */
    char (*alias)[64];          /* ... and its initials ("sbksl") */
    int nitems;

    /* the list on screen (items of a queue, or search results) */
    int *list, nlist, page, per_page;
    int queue;                  /* hall queue index of the items screen */
    char green[16];             /* green-channel reason, "" none */

    /* search and key pads */
    char query[QH_TEXT_BYTES(QH_KIOSK_QUERY_MAX)];
    int chars_mode;             /* search: 0 pinyin letters, 1 characters */
    int key_page, keys_per_page, nkeys, nkey_pages;
    char keys[QH_KIOSK_MAXKEYS][8];
    char (*cands)[8];           /* characters offered, most useful first */
    int ncands;
    int last_btn, last_arg;
    int64_t last_press_ms;
    char entry[32];             /* appointment code, PIN */

    /* confirm */
    int item;                   /* index in items, -1 = by queue only */
    char cqueue[QH_CODE_LEN];
    struct qh_issue_info est;
    char refusal[512];          /* why taking a number is not possible now */

    /* ticket */
    struct qh_ticket_row ticket;
    struct qh_issue_info info;
    int print;                  /* enum qh_kiosk_print of this ticket */
    char print_problem[QH_ERRLEN];
    char say[192];              /* to be said aloud, "" none (take_say) */

    /* refused */
    char title[128];
    char message[512];

    /* admin */
    int corner_taps;
    int64_t corner_ms;
    char admin_msg[QH_ERRLEN];
    struct qh_printer_status pst;
    int pst_ok;
    char pst_err[QH_ERRLEN];
    struct qh_kiosk_recent recent[QH_KIOSK_RECENT];
    int nrecent;
    struct qh_kiosk_job jobs[QH_KIOSK_JOBS];
    int njobs;
};

/* Load the catalogue and start at home.  QH_E_NOMEM, QH_E_DB.  With s
 * NULL (the database out of reach at start) it starts on QH_KS_OFFLINE
 * and loads the catalogue when it gets a store. */
int qh_kiosk_model_new(struct qh_kiosk_model **out, struct qh_store *s,
                       const struct qh_kiosk_opts *o, int64_t now_ms,
                       char *err, size_t errlen);
/* The connection changed: s to act through (the catalogue is loaded the
 * first time, the screen goes home from 暂停取号), or NULL with why
 * (NULL: a plain default) for 暂停取号.  0, or < 0 when the store cannot
 * be read (QH_E_DB, QH_E_IO: the model stays offline, db_failed set). */
int qh_kiosk_model_store(struct qh_kiosk_model *m, struct qh_store *s,
                         const char *why);
/* The hall to show: the store's, or as last seen while it is away (all
 * zero if it never was). */
const struct qh_hall_conf *qh_kiosk_model_hall(const struct qh_kiosk_model *m);
void qh_kiosk_model_free(struct qh_kiosk_model *m);   /* NULL is a no-op */

/* The view says how many list rows and keys fit on a page. */
void qh_kiosk_model_set_page(struct qh_kiosk_model *m, int rows, int keys);

/* Time passes: idle countdown, print jobs, heartbeat. */
void qh_kiosk_model_tick(struct qh_kiosk_model *m, int64_t now_ms);

/* A touch on a button.  Returns 1 if it changed anything, 0 if ignored
 * (a double tap, a button not on this screen). */
int qh_kiosk_model_press(struct qh_kiosk_model *m, enum qh_kiosk_btn b, int arg);
/* A touch anywhere (cancels the idle countdown). */
void qh_kiosk_model_touch(struct qh_kiosk_model *m);
/* Typed text (a physical keyboard, or a code scanner that types digits). */
void qh_kiosk_model_type(struct qh_kiosk_model *m, const char *utf8);

/* The text to say aloud since the last call: 1 with it in out (and the
 * model forgets it), 0 if there is none. */
int qh_kiosk_model_take_say(struct qh_kiosk_model *m, char *out, size_t outlen);

/* Jump to a screen as the flows would reach it (for --screen and tests):
 * items/confirm use the first queue and item; ticket issues one; offline
 * lets go of the store as an outage would (qh_kiosk_model_store gives it
 * back). */
int qh_kiosk_model_goto(struct qh_kiosk_model *m, enum qh_kiosk_screen s);

const char *qh_kiosk_screen_name(enum qh_kiosk_screen s);
int qh_kiosk_screen_parse(const char *name);          /* -1 if unknown */
const char *qh_kiosk_btn_name(enum qh_kiosk_btn b);
int qh_kiosk_btn_parse(const char *name);             /* -1 if unknown */

/* The items of the list page on screen: indexes into m->items. */
int qh_kiosk_model_page_items(const struct qh_kiosk_model *m, const int **items);
int qh_kiosk_model_pages(const struct qh_kiosk_model *m);
/* "周一至周五 08:30-12:00，14:00-17:30" */
void qh_kiosk_model_hours(const struct qh_kiosk_model *m, char *out, size_t outlen);

#endif
