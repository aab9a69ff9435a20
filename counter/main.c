/* main.c: qhall-counter, the terminal of one service window.
 *
 * SDL owns the wait (SDL_WaitEventTimeout); a small thread turns "the
 * change feed's descriptor is readable" into an SDL user event, so a call
 * made at another window or a ticket issued at the kiosk shows here at
 * once, and an idle terminal costs nothing.  Keys, typed text and clicks go
 * to the model; the view redraws only when the model's gen moved.
 *
 * The database may vanish, lock or break, a server's database go away
 * with its server: the model keeps its last state under a notice, refuses
 * actions with a message, and this loop reconnects with backoff (qh/app.h,
 * shared with the display and the kiosk).  An action the connection broke
 * under is not sent again by itself (model.c): the staff member sees the
 * state once connected and presses again if need be.  --screenshot draws one frame offscreen after applying
 * --login and --press, for tests and the README.
 *
 * The model asks for a 补件告知单 by setting print_req; print_notice()
 * prints it on the hall's [printer] (as the kiosk does), records
 * `printed` or `print_failed` (kind supplement) and tells the model.
 *
 * --pad makes it the window's rating pad instead (pad_main.c): the same
 * start-up and connection, the pad's model and view. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>

#include "model.h"
#include "pad_main.h"
#include "qh/args.h"
#include "qh/app.h"
#include "qh/clock.h"
#include "qh/hall.h"
#include "qh/log.h"
#include "qh/notify.h"
#include "qh/print.h"
#include "qh/slip.h"
#include "qh/text.h"
#include "qh/ui.h"
#include "qh/version.h"
#include "view.h"

enum {
    SNAPSHOT_MS = 10000, BEAT_MS = 5000, EVBATCH = 64, MAXPRESS = 64,
};

struct opts {
    const char *db;
    int window;
    int w, h;
    enum qh_lang lang;
    const char *screenshot;
    const char *shots;
    int pad, fullscreen;
    const char *login;
    int idle_min;
    int npress;
    const char *press[MAXPRESS];
    int debug;
    int verbose;
};

struct app {
    struct opts o;
    struct qh_app c;                    /* the connection: c.s, c.feed, c.wake */
    struct qh_counter_model *m;
    int64_t next_snap, next_beat;
    SDL_Window *win;
    SDL_Renderer *r;
    SDL_Surface *surf;
    struct qh_counter_view *v;
    struct qh_slip_renderer *slips;     /* made on the first notice */
    uint64_t drawn_gen;
    int force_draw;
};

static volatile sig_atomic_t quit_flag;


/* The signal handler's pipe: SDL_PushEvent is not async-signal-safe (it
 * takes locks), so the handler only writes a byte and the waker turns it
 * into a wake-up, after which the loop sees quit_flag. */
static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int e = errno;
    (void)sig;
    quit_flag = 1;
    if (sig_pipe[1] >= 0 && write(sig_pipe[1], "s", 1) < 0) {
        /* the loop still sees quit_flag at its next wake-up */
    }
    errno = e;
}

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
    va_list ap;
    fputs("qhall-counter: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nusage: qhall-counter --window N [--db PATH] [--lang zh|en] [--windowed WxH]\n"
          "                     [--idle-lock MINUTES] [--screenshot FILE.png]\n"
          "                     [--login ID (PIN on stdin)] [--press KEY]... [--debug]\n"
          "                     [--verbose]\n"
          "       qhall-counter --pad --window N [--db PATH] [--lang zh|en] [--windowed WxH]\n"
          "                     [--fullscreen] [--screenshot FILE.png] [--shots DIR]\n"
          "                     [--press TAP]... [--debug] [--verbose]\n"
          "       qhall-counter --version\n"
          "KEY: F1-F12, Enter, Esc, Tab, Up, Down, Space, Backspace, or text to type\n"
          "TAP (the pad): face:5 (非常满意) .. face:1 (非常不满意), reason:N (from 0),\n"
          "     submit, back, lang\n",
          stderr);
    return 2;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    const char *lang = getenv("QHALL_LANG");
    memset(o, 0, sizeof *o);
    o->w = 800;
    o->h = 480;
    o->idle_min = 5;
    o->lang = lang && !strcmp(lang, "en") ? QH_LANG_EN : QH_LANG_ZH;
    static const char *const takes[] = {"--db", "--window", "--windowed", "--lang", "--idle-lock", "--screenshot",
                                        "--shots", "--login", "--press", NULL};
    static const char *const many[] = {"--press", NULL};
    const char *twice = qh_args_repeated(argc, argv, takes, many);
    if (twice)
        return usage(QH_TR(o->lang, "选项 %s 重复", "option %s given more than once"), twice);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        char *end;
#define NEED() do { if (!val) return usage("%s needs a value", a); i++; } while (0)
        if (!strcmp(a, "--db")) {
            NEED();
            o->db = val;
        } else if (!strcmp(a, "--window")) {
            NEED();
            long n = strtol(val, &end, 10);
            if (*end || n < 1 || n > 99)
                return usage("--window: expected a window number 1-99, got \"%s\"", val);
            o->window = (int)n;
        } else if (!strcmp(a, "--windowed")) {
            int w, h, n = 0;
            NEED();
            if (sscanf(val, "%dx%d%n", &w, &h, &n) != 2 || val[n] || w < 320 || h < 200 ||
                w > 8192 || h > 8192)
                return usage("--windowed: expected WxH such as 800x480, got \"%s\"", val);
            o->w = w;
            o->h = h;
        } else if (!strcmp(a, "--lang")) {
            NEED();
            if (strcmp(val, "zh") && strcmp(val, "en"))
                return usage("--lang: expected zh or en, got \"%s\"", val);
            o->lang = !strcmp(val, "en") ? QH_LANG_EN : QH_LANG_ZH;
        } else if (!strcmp(a, "--idle-lock")) {
            NEED();
            long n = strtol(val, &end, 10);
            if (*end || n < 0 || n > 1440)
                return usage("--idle-lock: expected minutes 0-1440 (0 = never), got \"%s\"", val);
            o->idle_min = (int)n;
        } else if (!strcmp(a, "--screenshot")) {
            NEED();
            o->screenshot = val;
        } else if (!strcmp(a, "--shots")) {
            NEED();
            o->shots = val;
        } else if (!strcmp(a, "--pad")) {
            o->pad = 1;
        } else if (!strcmp(a, "--fullscreen")) {
            o->fullscreen = 1;
        } else if (!strcmp(a, "--login")) {
            NEED();
            o->login = val;
        } else if (!strcmp(a, "--press")) {
            NEED();
            if (o->npress == MAXPRESS)
                return usage("at most %d --press", MAXPRESS);
            o->press[o->npress++] = val;
        } else if (!strcmp(a, "--debug")) {
            o->debug = 1;
        } else if (!strcmp(a, "--verbose")) {
            o->verbose = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage("the counter terminal of one window");
            return 1;
        } else if (!strcmp(a, "--version")) {
            qh_version_print(stdout, "qhall-counter");
            return 1;
        } else {
            return usage("unknown option \"%s\"", a);
        }
#undef NEED
    }
    if (!o->window)
        return usage("--window N is required");
    if (o->pad && (o->login || o->idle_min != 5))
        return usage("--pad: the pad has no login and no idle lock (the citizen uses it)");
    if (!o->pad && (o->shots || o->fullscreen))
        return usage("--shots and --fullscreen are for --pad");
    return 0;
}

/* ---- the database ---- */

/* The connection for the model: it acts through s, or shows the problem
 * and refuses actions with it. */
static void on_state(void *ud, struct qh_store *s, const char *problem)
{
    struct app *a = ud;
    qh_counter_model_store(a->m, s, problem);
}

/* 0, or why not.  A damaged database found before the first connection
 * is not waited out: the counter refuses to start (the hall must restore
 * a backup), the message on stderr. */
static int connect_db(struct app *a)
{
    int64_t after = 0;          /* from the log's end */
    int rc;
    if ((rc = qh_app_open(&a->c)) < 0 || (rc = qh_app_follow(&a->c, &after)) < 0)
        return rc;
    a->next_snap = qh_clock_mono_ms() + SNAPSHOT_MS;
    return 0;
}

static void read_events(struct app *a)
{
    struct qh_event_row evs[EVBATCH];
    int n;
    do {
        n = qh_app_read(&a->c, evs, EVBATCH);
        if (n < 0)
            return;
        qh_counter_model_events(a->m, evs, n);
    } while (n == EVBATCH);
}

static void heartbeat(struct app *a)
{
    struct qh_heartbeat hb;
    char err[QH_ERRLEN];
    const struct qh_counter_model *m = a->m;
    memset(&hb, 0, sizeof hb);
    snprintf(hb.name, sizeof hb.name, "counter:%d", a->o.window);
    snprintf(hb.kind, sizeof hb.kind, "counter");
    snprintf(hb.info, sizeof hb.info, "%s%s%s", m->logged_in ? m->staff : "not logged in",
             m->has_ticket ? " " : "", m->has_ticket ? m->t.number : "");
    a->next_beat = qh_clock_mono_ms() + BEAT_MS;
    int rc = qh_hall_heartbeat(a->c.s, &hb, err, sizeof err);     /* stamped by the hall */
    if (rc == QH_E_IO)          /* the server's connection is gone: so is the counter's */
        qh_app_disconnect(&a->c, err);
    else if (rc < 0)
        qh_log_warn("heartbeat: %s", err);
}

/* ---- input ---- */

static void press(struct app *a, const char *name)
{
    enum qh_counter_key k;
    if (qh_counter_key_parse(name, &k))
        qh_counter_model_key(a->m, k);
    else
        qh_counter_model_text(a->m, name);
}

/* --login ID: the PIN comes on stdin (never on the command line, where
 * ps would show it). */
static int scripted_login(struct app *a)
{
    char pin[64];
    if (!a->o.login)
        return 0;
    if (!fgets(pin, sizeof pin, stdin)) {
        qh_log_error("--login %s: no PIN on stdin", a->o.login);
        return 2;
    }
    pin[strcspn(pin, "\r\n")] = '\0';
    qh_counter_model_text(a->m, a->o.login);
    qh_counter_model_key(a->m, QH_CK_TAB);
    for (const char *p = pin; *p; p++) {
        char c[2] = {*p, 0};
        qh_counter_model_text(a->m, c);
    }
    memset(pin, 0, sizeof pin);
    qh_counter_model_key(a->m, QH_CK_ENTER);
    return 0;
}

static int map_key(SDL_Keycode k, enum qh_counter_key *out)
{
    if (k >= SDLK_F1 && k <= SDLK_F12) {
        *out = (enum qh_counter_key)(QH_CK_F1 + (k - SDLK_F1));
        return 1;
    }
    switch (k) {
    case SDLK_RETURN: case SDLK_KP_ENTER: *out = QH_CK_ENTER; return 1;
    case SDLK_ESCAPE: *out = QH_CK_ESC; return 1;
    case SDLK_TAB: *out = QH_CK_TAB; return 1;
    case SDLK_BACKSPACE: *out = QH_CK_BACKSPACE; return 1;
    case SDLK_UP: *out = QH_CK_UP; return 1;
    case SDLK_DOWN: *out = QH_CK_DOWN; return 1;
    default: return 0;
    }
}

/* ---- printing ---- */

/* The citizen is standing at the window: wait a moment for the job, so
 * the status line tells the truth (out of paper), but not so long that
 * the terminal feels stuck. */
enum { PRINT_WAIT_MS = 2000 };

static void print_notice(struct app *a)
{
    struct qh_counter_model *m = a->m;
    char number[QH_NUMBER_LEN], err[QH_ERRLEN] = "", used[128] = "", e2[QH_ERRLEN];
    struct qh_slip *slip = NULL;
    int job = 0, rc;
    snprintf(number, sizeof number, "%s", m->print_req);
    if (!a->c.s) {
        qh_counter_model_printed(m, QH_E_DB, "", m->problem);
        return;
    }
    const struct qh_printer_conf *pc = &qh_hall_config(a->c.s)->printer;
    if (!(slip = malloc(sizeof *slip)))
        rc = qh_err(err, sizeof err, QH_E_NOMEM, "out of memory");
    else
        rc = qh_slip_load_supplement(a->c.s, number, slip, err, sizeof err);
    if (rc < 0)         /* nothing was sent: nothing to record */
        goto out;
    rc = qh_print_supplement(a->c.s, &a->slips, slip, NULL, &job, used, sizeof used, err,
                             sizeof err);
    if (rc == 0)
        rc = qh_print_wait(used, job, PRINT_WAIT_MS, m->lang, err, sizeof err);
    if (qh_ticket_print_event_kind(a->c.s, number, rc < 0 ? "print_failed" : "printed",
                                   "supplement", used[0] ? used : pc->name,
                                   rc < 0 ? err : NULL, e2, sizeof e2) < 0)
        qh_log_warn("recording the print of %s: %s", number, e2);
out:
    if (rc < 0)
        qh_log_warn("补件告知单 %s: %s", number, err);
    free(slip);
    qh_counter_model_printed(m, rc, used[0] ? used : pc->name, err);
}

/* ---- drawing ---- */

static int setup_video(struct app *a)
{
    char err[QH_ERRLEN];
    if (a->o.screenshot) {
        if (qh_ui_offscreen(a->o.w, a->o.h, &a->surf, &a->r, err, sizeof err) < 0) {
            qh_log_error("%s", err);
            return 3;
        }
    } else {
        if (SDL_Init(SDL_INIT_VIDEO) < 0) {
            qh_log_error("SDL: %s", SDL_GetError());
            return 3;
        }
        char title[64];
        snprintf(title, sizeof title, a->o.pad ? "qhall-pad %d" : "qhall-counter %d",
                 a->o.window);
        a->win = SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                  a->o.w, a->o.h,
                                  a->o.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP
                                                  : SDL_WINDOW_RESIZABLE);
        if (!a->win) {
            qh_log_error("SDL window: %s", SDL_GetError());
            return 3;
        }
        SDL_SetWindowMinimumSize(a->win, 480, 288);
        a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
        if (!a->r)
            a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
        if (!a->r) {
            qh_log_error("SDL renderer: %s", SDL_GetError());
            return 3;
        }
    }
    if (!a->o.pad && qh_counter_view_new(&a->v, a->r, err, sizeof err) < 0) {
        qh_log_error("%s", err);
        return 3;
    }
    return 0;
}

static void draw(struct app *a)
{
    qh_counter_view_draw(a->v, a->m);
    if (a->win)
        SDL_RenderPresent(a->r);
    a->drawn_gen = a->m->gen;
    a->force_draw = 0;
}

static const char *panel_name(enum qh_counter_panel p)
{
    static const char *const n[QH_CP_COUNT] = {
        "login", "locked", "main", "waitlist", "noshows", "held", "transfer",
        "supplement", "failed", "pause", "rating"};
    return (unsigned)p < QH_CP_COUNT ? n[p] : "?";
}

static int screenshot(struct app *a)
{
    char err[QH_ERRLEN];
    int rc;
    if (connect_db(a) < 0 && a->c.damaged[0])
        return 3;
    qh_counter_model_tick(a->m, qh_clock_mono_ms());
    if ((rc = scripted_login(a)) != 0)
        return rc;
    for (int i = 0; i < a->o.npress; i++) {
        press(a, a->o.press[i]);
        if (a->m->print_req[0])
            print_notice(a);
    }
    qh_counter_model_tick(a->m, qh_clock_mono_ms());
    draw(a);
    /* What the staff would read: the panel and the status line. */
    printf("panel: %s\nmessage: %s\n", panel_name(a->m->panel), a->m->msg);
    if (a->m->has_ticket)
        printf("ticket: %s %s\n", a->m->t.number, qh_ticket_state_name(a->m->t.state));
    if (qh_ui_save_png(a->r, a->o.screenshot, err, sizeof err) < 0) {
        qh_log_error("%s", err);
        return 3;
    }
    if (a->o.debug) {
        const struct qh_ui_box *b;
        int n = qh_ui_boxes(qh_counter_view_ui(a->v), &b);
        for (int i = 0; i < n; i++)
            fprintf(stderr, "counter: box %d,%d %dx%d px=%d %s\n", b[i].r.x, b[i].r.y, b[i].r.w,
                    b[i].r.h, b[i].px, b[i].text);
    }
    return a->m->msg_kind == QH_CM_ERROR ? 1 : 0;
}

/* ---- the watch thread ---- */

static void handle(struct app *a, const SDL_Event *e)
{
    enum qh_counter_key k;
    enum qh_counter_act act;
    int arg;
    switch (e->type) {
    case SDL_QUIT:
        quit_flag = 1;
        break;
    case SDL_KEYDOWN:
        if (map_key(e->key.keysym.sym, &k))
            qh_counter_model_key(a->m, k);
        break;
    case SDL_TEXTINPUT:
        qh_counter_model_text(a->m, e->text.text);
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT && e->button.which != SDL_TOUCH_MOUSEID &&
            qh_counter_view_hit(a->v, e->button.x, e->button.y, &act, &arg))
            qh_counter_model_act(a->m, act, arg);
        break;
    case SDL_FINGERDOWN: {
        int w, h;
        SDL_GetRendererOutputSize(a->r, &w, &h);
        if (qh_counter_view_hit(a->v, (int)(e->tfinger.x * w), (int)(e->tfinger.y * h), &act, &arg))
            qh_counter_model_act(a->m, act, arg);
        break;
    }
    case SDL_WINDOWEVENT:
        a->force_draw = 1;
        break;
    default:
        if (e->type == SDL_RENDER_TARGETS_RESET || e->type == SDL_RENDER_DEVICE_RESET)
            a->force_draw = 1;
        break;
    }
}

static int run(struct app *a)
{
    if (connect_db(a) < 0 && a->c.damaged[0])
        return 3;
    scripted_login(a);
    for (int i = 0; i < a->o.npress; i++)
        press(a, a->o.press[i]);
    while (!quit_flag) {
        int64_t mono = qh_clock_mono_ms();
        if (a->m->print_req[0]) {
            draw(a);            /* "printing..." while we wait */
            print_notice(a);
        }
        if (a->c.s && a->m->db_failed) {
            /* The model found it and shows it: not logged again. */
            char problem[sizeof a->m->problem];
            snprintf(problem, sizeof problem, "%s", a->m->problem);
            snprintf(a->c.problem, sizeof a->c.problem, "%s", problem);
            qh_app_disconnect(&a->c, problem);
        }
        if (qh_app_retry_due(&a->c, mono))
            connect_db(a);
        if (a->c.s) {
            read_events(a);
            if (a->c.s && mono >= a->next_snap) {
                qh_counter_model_refresh(a->m);
                a->next_snap = mono + SNAPSHOT_MS;
            }
            qh_app_check_file(&a->c, mono);
            if (a->c.s && mono >= a->next_beat)
                heartbeat(a);
        }
        qh_counter_model_tick(a->m, mono);
        if (a->m->gen != a->drawn_gen || a->force_draw)
            draw(a);
        qh_notify_ready();      /* the first frame is out */
        qh_notify_alive(mono);
        int timeout = 1000 - (int)(qh_app_now(&a->c) % 1000) + 5;   /* the timers' next second */
        timeout = qh_notify_timeout(mono, qh_app_timeout(&a->c, mono, timeout));
        SDL_Event e;
        if (SDL_WaitEventTimeout(&e, timeout)) {
            do {
                if (e.type != a->c.wake_event)
                    handle(a, &e);
            } while (SDL_PollEvent(&e));
            qh_app_wake_rearm(&a->c);
        }
    }
    qh_notify_stopping();
    return 0;
}

/* Quit on SIGINT and SIGTERM through the signal pipe. */
static void catch_signals(void)
{
    char err[QH_ERRLEN];
    if (qh_ui_signal_pipe(sig_pipe, err, sizeof err) < 0)
        qh_log_warn("%s: a signal waits for the next second to quit", err);
    qh_ui_catch_stop(on_signal);
}

static int pad(struct app *a)
{
    struct qh_pad_run p = {
        .c = &a->c, .window = a->o.window, .lang = a->o.lang, .r = a->r, .win = a->win,
        .screenshot = a->o.screenshot, .shots = a->o.shots, .npress = a->o.npress,
        .press = a->o.press, .debug = a->o.debug, .sig_fd = -1, .quit = &quit_flag,
    };
    if (!a->o.screenshot) {
        catch_signals();
        p.sig_fd = sig_pipe[0];
    }
    return qh_pad_main(&p);
}

int main(int argc, char **argv)
{
    struct app a;
    char err[QH_ERRLEN];
    int rc;

    memset(&a, 0, sizeof a);
    qh_app_init(&a.c, "qhall-counter");
    a.c.lost_words = "数据库连接中断 (database unreachable)";
    a.c.need_hall = 1;          /* the model sets its own actor */
    a.c.busy_ms = QH_BUSY_COUNTER_MS;   /* a clerk is answered within 5 s */
    a.c.on_state = on_state;
    a.c.ud = &a;
    if (qh_text_guard_stdio() < 0) {    /* logs carry stored text */
        perror("qhall-counter");
        return 3;
    }
    if ((rc = parse_args(argc, argv, &a.o)) != 0)
        return rc == 1 ? 0 : rc;
    if (qh_log_setup("qhall-counter", a.o.verbose, err, sizeof err) < 0)
        return usage("%s", err);
    if (qh_clock_check_env(err, sizeof err) < 0)
        return usage("%s", err);
    a.c.lang = a.o.lang;
    if (qh_app_find_db(&a.c, a.o.db, err, sizeof err) < 0)
        return usage("%s", err);
    if ((rc = qh_app_check_perms(&a.c)) < 0)
        return qh_err_exit_status(rc);
    a.m = calloc(1, sizeof *a.m);
    if (!a.m) {
        qh_log_error("out of memory");
        return 3;
    }
    struct qh_counter_opts mo = {a.o.lang, a.o.window, a.o.idle_min * 60};
    qh_counter_model_init(a.m, &mo, qh_clock_mono_ms());
    signal(SIGPIPE, SIG_IGN);

    rc = setup_video(&a);
    if (a.o.pad)
        a.c.busy_ms = QH_BUSY_KIOSK_MS;     /* a citizen rates on the pad */
    if (rc == 0 && a.o.pad) {
        rc = pad(&a);
        goto out;
    }
    if (rc == 0 && a.o.screenshot) {
        rc = screenshot(&a);
        goto out;
    }
    if (rc != 0)
        goto out;
    catch_signals();
    if (qh_app_wake_start(&a.c, sig_pipe[0], err, sizeof err) < 0)
        qh_log_warn("cannot start the watch thread: changes show within a second");
    SDL_StartTextInput();
    rc = run(&a);
out:
    /* Closing the program does not log the staff out: a crash or a restart
     * must not cut the attendance record; O logs out. */
    qh_app_fini(&a.c);
    qh_counter_view_free(a.v);
    qh_slip_renderer_free(a.slips);
    if (a.r)
        SDL_DestroyRenderer(a.r);
    if (a.surf)
        SDL_FreeSurface(a.surf);
    if (a.win)
        SDL_DestroyWindow(a.win);
    SDL_Quit();
    free(a.m);
    qh_log_flush();
    return rc;
}
