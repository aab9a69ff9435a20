/* web.h: `qhall serve`, the phone page a slip's QR code opens.
 *
 * A citizen's phone opens /t/TOKEN (the token printed only on the slip)
 * and watches the number come, is told which window, and rates the
 * service afterwards; /hall shows the hall at a glance.  Pages are HTML
 * written here, updated live through Server-Sent Events, with a plain
 * refresh for browsers without them.  The server is a client of the
 * service API like any program: it reads through core, and writes only
 * a rating (qh_rating_add, channel qr, device web).
 *
 * Three parts, each testable alone:
 *   route.c   what a request asks for: the path, the rating form's body,
 *             Last-Event-ID (pure: the fuzz target's inputs)
 *   page.c    the HTML of a view (pure: no database)
 *   view.c    a view read from the hall (core reads)
 *   server.c  libmicrohttpd, limits, SSE, the change feed */
#ifndef QH_WEB_H
#define QH_WEB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "qh/auth.h"
#include "qh/buf.h"
#include "qh/conf.h"
#include "qh/record.h"
#include "qh/text.h"

struct qh_store;

/* ---- requests (route.c) ---- */

enum qh_web_kind {
    QH_WEB_NONE = 0,          /* nothing here: 404 */
    QH_WEB_TICKET,            /* GET /t/TOKEN */
    QH_WEB_TICKET_EVENTS,     /* GET /t/TOKEN/events */
    QH_WEB_RATE,              /* POST /t/TOKEN/rate */
    QH_WEB_HALL,              /* GET /hall (and /) */
    QH_WEB_HALL_EVENTS,       /* GET /hall/events */
    QH_WEB_HEALTH,            /* GET /healthz */
    QH_WEB_SCRIPT,            /* GET /app.js */
};

#define QH_WEB_URL_MAX 512    /* longer request targets: 414 */
#define QH_WEB_BODY_MAX 4096  /* larger request bodies: 413 */

struct qh_web_route {
    enum qh_web_kind kind;
    char token[QH_AUTH_TOKEN_LEN];   /* the kinds under /t/ */
};

/* What method and path (without the query) ask for: the HTTP status to
 * answer with -- 200 with *out filled, 404 (kind NONE), 405 (a known path
 * with another method; *out filled), 414 (too long).  A token that does
 * not have a token's shape is a 404 here, like an unknown one later. */
int qh_web_route(const char *method, const char *path, struct qh_web_route *out);

/* The rating form as posted (application/x-www-form-urlencoded):
 * form (the page's form token), score (1-5), reason (0 or more, each the
 * number of a [rating] reason, 0-based, below nreasons), text (optional). */
struct qh_web_form {
    char form[64];
    int score;                /* 0: none given */
    unsigned reasons;         /* bit i: reason i ticked */
    char text[QH_TEXT_REASON_LEN];
};
/* Parse len bytes of body: 0, or QH_E_PARSE with *why a short English
 * reason (a field repeated, malformed escapes, a value out of range, too
 * long).  Unknown fields are ignored, as browsers add their own. */
int qh_web_form_parse(const char *body, size_t len, int nreasons,
                      struct qh_web_form *out, const char **why);

/* A Last-Event-ID header: 1 and *id for a decimal event id, 0 otherwise
 * (absent, empty, junk: the client starts afresh). */
int qh_web_event_id(const char *s, int64_t *id);

/* ---- views (view.c) and their pages (page.c) ---- */

#define QH_WEB_STEPS 24
#define QH_WEB_MISSING 16
#define QH_WEB_MATERIALS 16

/* One line of a ticket's progress: 09:20 叫号 3号窗口. */
struct qh_web_step {
    char hhmm[6];
    char type[24];            /* the event's type: called, started ... */
    int window;
    char extra[64];           /* an outcome, a queue name */
};

struct qh_web_ticket {
    char hall[128];
    char token[QH_AUTH_TOKEN_LEN];
    struct qh_ticket_row t;
    char queue[64];
    char service[128];        /* "" when issued by queue */
    int ahead, wait_min, wait_max;    /* waiting only */
    char wait_text[128];              /* qh_ticket_wait_text, waiting only */
    char window_name[128];    /* of t.window */
    char called_hhmm[6];
    int help_window;          /* the class-C window (办不成事反映, 过号) */
    int nmissing;             /* 需补件: what to bring */
    char missing[QH_WEB_MISSING][160];
    int nmaterials;           /* the item's checklist (一次性告知) */
    char materials[QH_WEB_MATERIALS][160];
    int nsteps;               /* oldest first; the first is the issue */
    struct qh_web_step steps[QH_WEB_STEPS];
    int can_rate;             /* finished, not rated, within late_days */
    int rated_score;          /* 1-5 once rated (0: not) */
    int nreasons;
    const char (*reasons)[64];        /* the hall's, borrowed */
    const char (*reasons_en)[64];
    char form[64];            /* the form token of this page */
    char notice[1024];        /* the hall's notice */
    int64_t event;            /* the last event read: the SSE id */
};

struct qh_web_window {
    int number;
    char name[128];
    int open;                 /* staff logged in, not paused */
    int paused;
    char pause_reason[QH_TEXT_PAUSE_LEN];
    char number_now[QH_NUMBER_LEN];   /* called or serving, "" none */
    int state_now;
};

struct qh_web_hall {
    char hall[128];
    int nwindows;
    struct qh_web_window windows[QH_MAX_WINDOWS];
    int nqueues;
    struct { char name[64]; int waiting; } queues[QH_MAX_QUEUES];
    char notice[1024];
    int64_t event;
};

/* Read the ticket of token as the page shows it: 0, QH_E_NOTFOUND (any
 * token the page must not know), or a store error. */
int qh_web_ticket_read(struct qh_store *s, const char *token, enum qh_lang lang,
                       struct qh_web_ticket *out);
int qh_web_hall_read(struct qh_store *s, enum qh_lang lang, struct qh_web_hall *out);

/* The style sheet every page carries inline, and its CSP hash
 * ("sha256-..."), computed once. */
const char *qh_web_css(void);
const char *qh_web_css_hash(void);
/* The script the pages load (/app.js): live updates and the fallback. */
const char *qh_web_script(void);

/* A whole page (HTML5, UTF-8). message: a line above the form after a
 * refused rating (NULL none); chosen: the form as it was posted, to fill
 * in again (NULL none). */
void qh_web_page_ticket(struct qh_buf *b, const struct qh_web_ticket *v, enum qh_lang lang,
                        const char *message, const struct qh_web_form *chosen);
/* The live part of it alone, as each SSE message carries it. */
void qh_web_live_ticket(struct qh_buf *b, const struct qh_web_ticket *v, enum qh_lang lang,
                        const char *message, const struct qh_web_form *chosen);
void qh_web_page_hall(struct qh_buf *b, const struct qh_web_hall *v, enum qh_lang lang);
void qh_web_live_hall(struct qh_buf *b, const struct qh_web_hall *v, enum qh_lang lang);
/* The plain pages: 未找到该号票 (404), a short notice (status != 404). */
void qh_web_page_notfound(struct qh_buf *b, enum qh_lang lang);
void qh_web_page_notice(struct qh_buf *b, enum qh_lang lang, const char *title,
                        const char *text, const char *back);
/* Append s with & < > " ' escaped. */
void qh_web_escape(struct qh_buf *b, const char *s);

/* ---- the server (server.c) ---- */

struct qh_web_opts {
    struct qh_store *s;       /* the pages' reads and ratings (the server's
                               * thread); the feed opens its own beside it */
    const char *listen;       /* NULL: [web] listen */
    const char *tls_cert;     /* PEM files: both or neither */
    const char *tls_key;
    enum qh_lang lang;        /* of the server's own messages */
    volatile sig_atomic_t *stop;      /* set by a signal: stop serving */
    /* Called from the feed's loop (the caller's thread) about once a
     * second while the server's thread answers, the first time once it
     * listens: the service's watchdog (qh/notify.h).  NULL: none. */
    void (*alive)(void *ud);
    void *ud;
};

/* Serve until *stop: 0, or < 0 with the reason in err (the address is
 * taken, the database cannot be opened ...). */
int qh_web_serve(const struct qh_web_opts *o, char *err, size_t errlen);

#endif
