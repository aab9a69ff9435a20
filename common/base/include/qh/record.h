/* record.h: the records of a hall, as every floor passes them around:
 * tickets, events, windows, staff, appointments, ratings, catalogue
 * entries, heartbeats and follow-ups.  Plain structs of fixed size, no
 * pointers, so they copy, compare and cross any backend unchanged.  The
 * store (qh/store.h) reads and writes them; the service API (qh/ticket.h,
 * qh/hall.h ...) hands them to programs. */
#ifndef QH_RECORD_H
#define QH_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "qh/err.h"
#include "qh/text.h"

#define QH_CODE_LEN 8         /* queue codes and prefixes: 1-7 ASCII chars */

enum qh_ticket_state {
    QH_TICKET_WAITING = 0,
    QH_TICKET_CALLED = 1,
    QH_TICKET_SERVING = 2,
    QH_TICKET_HELD = 3,
    QH_TICKET_NO_SHOW = 4,
    QH_TICKET_FINISHED = 5,
    QH_TICKET_CANCELLED = 6,
    QH_TICKET_EXPIRED = 7,
};
#define QH_TICKET_NSTATES 8

/* "waiting", "called" ... as used in JSON and the CLI. */
const char *qh_ticket_state_name(int state);
/* 等候, 已呼叫 ... */
const char *qh_ticket_state_label(int state, enum qh_lang lang);

#define QH_NUMBER_LEN 16
#define QH_STAFF_LEN 32

struct qh_ticket_row {
    int64_t id;
    char day[11];                 /* service day, YYYY-MM-DD */
    char number[QH_NUMBER_LEN];   /* "A001" */
    int seq;
    char queue[QH_CODE_LEN];
    char service[24];             /* service code, "" when issued by queue */
    int state;
    char green[16];               /* "" or elderly|pregnant|disabled|military|other */
    int64_t issued_at;            /* never changes: 一票到底 */
    int64_t virtual_at;           /* order inside the queue */
    int prio;                     /* 0 released hold, 1 normal */
    int64_t called_at, started_at, finished_at;   /* 0 = not yet */
    int window;                   /* window holding or last holding it, 0 none */
    int target_window;            /* transferred to a window: only it calls */
    char staff[QH_STAFF_LEN];
    int recalls;
    char outcome[16];             /* last finish outcome, "" none */
    int rated;                    /* the last finish has been rated */
    int64_t appointment;          /* appointment id, 0 none */
};

/* An event's detail holds at most one piece of free text (a note at its
 * limit, JSON-escaped) beside short codes and numbers; 2 KB more is room
 * for those (a printer's name, a problem sentence, an imported file's
 * name), so no text the validator lets through can make it too long. */
#define QH_EVENT_DETAIL_LEN (QH_TEXT_JSON_BYTES(QH_TEXT_NOTE_MAX) + 2048)

struct qh_event_row {
    int64_t id;
    int64_t at;
    char type[24];                /* issued, called, ... */
    int64_t ticket;               /* 0 when not about a ticket */
    char number[QH_NUMBER_LEN];
    char queue[QH_CODE_LEN];
    int window;
    char staff[QH_STAFF_LEN];
    char detail[QH_EVENT_DETAIL_LEN];  /* flat JSON object, "{}" when empty */
};

struct qh_window_row {
    int number;
    char staff[QH_STAFF_LEN];     /* logged in, "" none */
    int64_t login_at;
    int paused;
    char pause_reason[QH_TEXT_PAUSE_LEN];
    int64_t paused_at;
};

struct qh_staff_row {
    char id[QH_STAFF_LEN];
    char name[QH_TEXT_NAME_LEN];
    char role[8];                 /* staff | admin */
    char pin_hash[128];
    int pin_short;                /* 1 shorter than an admin PIN must be, 0 not,
                                   * -1 not known (set before schema 7) */
    int64_t created_at;
};

/* A staff member's photo, shown by the window's pad: the image's bytes
 * as base64 text, which every backend and a copy keep as any text. */
struct qh_staff_photo {
    char staff[QH_STAFF_LEN];
    char mime[16];                /* image/png | image/jpeg */
    char *b64;                    /* malloc'd by a read: the caller frees it;
                                   * NULL in a write removes the photo */
    int64_t updated_at;
};

/* The lock-out of wrong PINs (ticket.h: qh_staff_verify), one row per
 * staff member and device, and QH_LOCK_ALL for all devices together. */
#define QH_LOCK_ALL "*"
struct qh_login_lock {
    char staff[QH_STAFF_LEN];
    char device[64];              /* the store's actor: "kiosk:1", "counter:3" */
    int failed;                   /* wrong PINs since the last lock or right PIN */
    int strikes;                  /* locks since the last right PIN */
    int64_t locked_until;         /* ms; locked while later than now */
};

struct qh_appointment {
    int64_t id;
    char code[16];
    char service[24];
    int64_t slot_at;
    char name[QH_TEXT_NAME_LEN];
    int64_t ticket;               /* 0 until checked in */
    int64_t created_at;
};

struct qh_rating_row {
    int64_t ticket;
    int score;
    char reason[QH_TEXT_REASON_LEN];
    int window;
    char staff[QH_STAFF_LEN];
    char service[24];
    int64_t at;
    char channel[12];             /* qh_rating_channel_name(): "pad", "legacy" ... */
    char device[32];              /* "pad:3", "web", "cli"; "" for legacy rows */
    char by[QH_STAFF_LEN];        /* the admin who entered it, "" if none */
    int64_t id;                   /* set when read */
    /* 申诉: the rated staff member's appeal of a 差评 and its decision */
    char appeal[12];              /* "", "filed", "upheld" or "overturned" */
    char appeal_reason[QH_TEXT_REASON_LEN];
    int64_t appeal_at;
    char decided_by[QH_STAFF_LEN];
    char decision_reason[QH_TEXT_REASON_LEN];
    int64_t decided_at;
};

/* A catalogue entry as stored. */
struct qh_service {
    char code[24];
    char name[128];
    char queue[QH_CODE_LEN];
    int promised_days;
    char materials[1024];         /* ';'-separated */
    char initials[64];
};

struct qh_heartbeat {
    char name[64];                /* "display:hall", "display:window3", "kiosk:1" */
    char kind[16];                /* display | kiosk | counter */
    int64_t at;
    char info[256];               /* free text: what it shows, last problem */
};

/* What a database is, read before it is opened as a hall and writing
 * nothing (qh_hall_probe): `qhall doctor`'s questions of it. */
struct qh_db_probe {
    int server;                   /* 1: a PostgreSQL server's */
    int version;                  /* the schema it is at (0: none yet) */
    int latest;                   /* the schema this build makes */
    int integrity;                /* a file: 1 when quick_check found it sound */
    char found[256];              /* ... else what quick_check found */
    int64_t clock_offset_ms;      /* a server: its clock less this PC's */
};

/* What a purge of personal data erased (qh_hall_purge): rows whose free
 * text was blanked, table by table. */
struct qh_purge_counts {
    int64_t appointments;         /* names */
    int64_t ratings;              /* reasons, appeal and decision texts */
    int64_t followups;            /* reasons and results */
    int64_t events;               /* notes, rating and appeal reasons, results */
};

struct qh_followup {
    int64_t id;
    char kind[8];                 /* "rating" (差评) or "failed" (办不成) */
    int64_t ticket;
    char day[11];                 /* the ticket's service day */
    char number[QH_NUMBER_LEN];
    int window;
    char staff[QH_STAFF_LEN];
    char service[24];
    int score;                    /* the 差评's score, 0 for failed */
    char reason[QH_TEXT_NOTE_LEN];  /* 差评 reason or the finish note */
    int64_t opened_at;
    char due_day[11];             /* due by the end of this day */
    int64_t closed_at;            /* 0 while open */
    char result[QH_TEXT_RESULT_LEN];  /* what the 回访 / 整改 found and did */
    char closed_by[64];
};
/* Which follow-ups a listing walks. */
enum { QH_FOLLOWUP_ALL = 0, QH_FOLLOWUP_OPEN = 1, QH_FOLLOWUP_OVERDUE = 2 };

/* The rows one table of the hall holds (a copy between stores is checked
 * table by table): QH_STORE_TABLES tables in all. */
enum { QH_STORE_TABLES = 15 };
struct qh_store_rows {
    const char *table;           /* "ticket", "event" ... */
    int64_t rows;
};

#endif
