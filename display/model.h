/* model.h: what the hall display shows and says, as plain state.
 *
 * Events from the change feed (qh/feed.h) come in one by one; a snapshot
 * read from the store (display/source.c) comes in now and then and on
 * every reconnect, and puts right whatever events cannot tell (tickets
 * that expired overnight, a hall re-initialised).  The clock is passed in
 * (`now`, ms), never read here, so tests drive midnight and blinking
 * themselves.  No SDL, no database: the view reads this struct, the loop
 * feeds it.
 *
 * Outputs: `gen` moves on every visible change (the view redraws only
 * then), and announcements queue up for the loop to hand to the audio
 * module (qh_display_model_take_say). */
#ifndef QH_DISPLAY_MODEL_H
#define QH_DISPLAY_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "qh/clock.h"
#include "qh/conf.h"
#include "qh/err.h"
#include "qh/record.h"

#define QH_DM_RECENT 8        /* recent calls kept and shown */
#define QH_DM_NEXT 3          /* next numbers in window mode */
#define QH_DM_SAY 16          /* announcements waiting for the loop */
#define QH_DM_BLINK_MS 8000   /* a new call blinks this long */
#define QH_DM_BLINK_HALF_MS 500
#define QH_DM_MARQUEE_FRAME_MS 40  /* a scrolling notice moves 25 times a second */

enum qh_dm_wstate {
    QH_DM_CLOSED,             /* 未开放: nobody logged in */
    QH_DM_IDLE,               /* staffed, nobody at the window */
    QH_DM_CALLING,
    QH_DM_SERVING,
    QH_DM_PAUSED,             /* 暂停服务 + reason */
};

struct qh_dm_call {
    char number[QH_NUMBER_LEN];
    char queue[QH_CODE_LEN];
    int window;
    int green;                /* green channel: shown 优先 */
    int recalls;
    int64_t at;
    int64_t event;            /* id of the call's event: calls in one second
                                 are ordered by it */
};

struct qh_dm_window {
    int number;
    char staff[QH_STAFF_LEN];
    int paused;
    char reason[QH_TEXT_PAUSE_LEN];
    char ticket[QH_NUMBER_LEN];   /* called or serving, "" none */
    int ticket_state;             /* QH_TICKET_CALLED / _SERVING */
    int green;
    int nnext;                    /* window mode: who comes next */
    char next[QH_DM_NEXT][QH_NUMBER_LEN];
};

struct qh_dm_queue {
    char code[QH_CODE_LEN];
    int waiting;
};

/* A consistent read of the store (built by display/source.c, or by a
 * test by hand). */
struct qh_dm_snapshot {
    char day[11];
    struct qh_hall_conf hall;
    int nwindows;
    struct qh_dm_window windows[QH_MAX_WINDOWS];
    int nqueues;
    struct qh_dm_queue queues[QH_MAX_QUEUES];
    int nrecent;                  /* newest first */
    struct qh_dm_call recent[QH_DM_RECENT];
};

struct qh_display_model {
    uint64_t gen;                 /* moves on every visible change */
    enum qh_lang lang;
    int window;                   /* window mode: its number; 0 = hall */
    int have_hall;
    struct qh_hall_conf hall;
    char day[11];                 /* service day shown */
    int64_t now;
    struct qh_tm tm;              /* local time of now */
    int open;                     /* within opening hours */
    int quiet;                    /* within quiet hours: no sound */
    int has_current;
    struct qh_dm_call current;    /* the big "now calling" panel */
    int64_t blink_until;
    int blink_on;                 /* the highlight phase of the blink */
    int nrecent;                  /* newest first, current included */
    struct qh_dm_call recent[QH_DM_RECENT];
    int nwindows;
    struct qh_dm_window windows[QH_MAX_WINDOWS];
    int nqueues;
    struct qh_dm_queue queues[QH_MAX_QUEUES];
    int64_t notice_since;         /* the notice text last changed: marquee t=0 */
    int connected;                /* 0: the 连接中断 banner */
    char problem[256];            /* why not connected */
    int64_t last_event;           /* id of the last event applied */
    int need_snapshot;            /* an event the model cannot follow */
    int nsay;
    char say[QH_DM_SAY][128];
};

/* A model with no hall yet (shows 连接中断 until the first snapshot). */
void qh_display_model_init(struct qh_display_model *m, enum qh_lang lang,
                           int window, int64_t now);

/* Apply one event of the change feed.  Returns 1 if the display changed.
 * Calls (called, called_back, recalled) queue an announcement unless in
 * quiet hours; the first event of a new service day clears the day. */
int qh_display_model_event(struct qh_display_model *m,
                           const struct qh_event_row *ev, int64_t now);

/* Take the state of the store.  The current call and its blink are kept
 * (a snapshot knows no blinking) unless the day changed.  Returns 1 if the
 * display changed. */
int qh_display_model_snapshot(struct qh_display_model *m,
                              const struct qh_dm_snapshot *snap, int64_t now);

/* The clock moved: clock text, opening hours, blink phase, midnight.
 * Returns 1 if the display changed. */
int qh_display_model_tick(struct qh_display_model *m, int64_t now);

/* Connection to the database: ok, or the problem to show and report.
 * Returns 1 if the display changed. */
int qh_display_model_connection(struct qh_display_model *m, int ok,
                                const char *problem);

/* Milliseconds until the display changes by itself (blink phase, the
 * next minute); at most max_ms. */
int qh_display_model_wake_ms(const struct qh_display_model *m, int64_t now,
                             int max_ms);

/* The notice line's marquee, as plain arithmetic on an injected clock so
 * tests need no screen.  The view measures the text and the band; these
 * say where the text is at `now`.  A notice that fits does not move and
 * asks for no frames, so an idle hall still sleeps. */
struct qh_dm_marquee {
    int text_w;                   /* the notice's width at its size, px */
    int band_w;                   /* the visible band's width, px */
    int gap;                      /* px from the end of one pass to the next */
    int speed;                    /* px per second */
};

/* About 80 px/s on a 1080-line screen, scaled with the height. */
int qh_display_marquee_speed(int screen_h);
/* 1 if the text is wider than its band (and so scrolls). */
int qh_display_marquee_scrolls(const struct qh_dm_marquee *q);
/* The text's left edge relative to the band's left edge at now: 0 at
 * `since` and whenever the text fits, then decreasing (right to left) to
 * -(text_w + gap) + 1, where it wraps to 0; the next pass is drawn
 * text_w + gap to the right, so the wrap is seamless. */
int qh_display_marquee_offset(const struct qh_dm_marquee *q, int64_t since,
                              int64_t now);
/* Milliseconds to the next marquee frame (on a QH_DM_MARQUEE_FRAME_MS grid
 * from `since`); max_ms when the text fits. */
int qh_display_marquee_wake_ms(const struct qh_dm_marquee *q, int64_t since,
                               int64_t now, int max_ms);

/* Pop the oldest announcement into text; 1 if there was one. */
int qh_display_model_take_say(struct qh_display_model *m, char *text,
                              size_t len);

/* The window's state as shown. */
enum qh_dm_wstate qh_display_model_wstate(const struct qh_dm_window *w);
const struct qh_dm_window *qh_display_model_window(const struct qh_display_model *m,
                                                   int number);
/* Waiting in a queue (0 when unknown). */
int qh_display_model_waiting(const struct qh_display_model *m, const char *queue);

/* One line describing the state, for --debug logs and tests:
 * "day=2026-11-25 open=1 conn=1 call=A001@1 blink=1 recent=A001@1,...
 *  win=1:calling:A001 2:closed ... wait=A:3,B:0,C:1" */
void qh_display_model_describe(const struct qh_display_model *m, char *out,
                               size_t len);

#endif
