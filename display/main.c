/* main.c: qhall-display, the hall's wall screen (and, with --window N, the
 * small screen above one window).
 *
 * The loop sleeps until something can change what is shown: the change
 * feed's descriptor (a commit by a kiosk or counter), an SDL event, a
 * signal, the next blink phase or minute, the reconnect timer.  It never
 * redraws without a change of the model's `gen`, so an idle hall costs
 * (almost) nothing; the one exception is a notice too long for its line,
 * which scrolls: then it also wakes every QH_DM_MARQUEE_FRAME_MS and
 * redraws the notice band alone where it can (draw_marquee).  With a real
 * video driver SDL owns the wait (SDL_WaitEventTimeout), and a small
 * thread (qh_ui_waker) turns "the watch fd is readable" into an SDL user
 * event; headless (dummy driver, no display,
 * --screenshot) there are no SDL events and the loop poll()s the fd
 * itself.
 *
 * The database may vanish, lock or break at any time, a server's
 * database go away with its server: the screen then keeps its last good
 * state under a 连接中断 banner and reconnects with backoff (qh/app.h,
 * shared with the counter and the kiosk), resuming the feed after the
 * last event it applied, so a call made meanwhile is shown (and said, if
 * still fresh) once.  The clock shown and the ages of calls are the
 * hall's (qh_app_now).  The heartbeat (source.c) goes stale if this loop
 * stops. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL.h>

#include "model.h"
#include "qh/args.h"
#include "qh/app.h"
#include "qh/audio.h"
#include "qh/clock.h"
#include "qh/log.h"
#include "qh/notify.h"
#include "qh/text.h"
#include "qh/ui.h"
#include "qh/version.h"
#include "source.h"
#include "view.h"

enum {
    SNAPSHOT_MS = 10000,        /* the store's truth, even without events */
    BEAT_MS = 5000,
    STALL_MS = 15000,           /* loop silent this long: heartbeat stops */
    EVBATCH = 64,
};

struct opts {
    const char *db;
    int window;
    int fullscreen;
    int w, h;
    enum qh_lang lang;
    const char *screenshot;
    const char *shots;
    int debug;
    int mute;
    int verbose;
};

struct app {
    struct opts o;
    struct qh_app c;            /* the connection: c.s, c.feed */
    struct qh_display_model *m;
    struct qh_dm_snapshot *snap;
    int64_t next_snap;
    /* drawing */
    int headless;
    SDL_Window *win;
    SDL_Renderer *r;
    SDL_Surface *surf;
    struct qh_display_view *v;
    uint64_t drawn_gen;
    int force_draw;
    int keeps_frame;            /* the target keeps the last frame: band-only marquee */
    int shot_n;
    char shot_last[QH_NUMBER_LEN + 16];
    /* sound and life */
    struct qh_audio *audio;
    struct qh_display_conf audio_conf;
    unsigned audio_gen;
    struct qh_display_beat *beat;
};

static volatile sig_atomic_t quit_flag, shot_flag;
static int sig_pipe[2] = {-1, -1};


static void on_signal(int sig)
{
    int e = errno;
    if (sig == SIGUSR1)
        shot_flag = 1;
    else
        quit_flag = 1;
    if (sig_pipe[1] >= 0 && write(sig_pipe[1], "s", 1) < 0) {
        /* full pipe: a wake-up is pending anyway */
    }
    errno = e;
}

/* ---- command line ---- */

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
    va_list ap;
    fputs("qhall-display: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nusage: qhall-display [--db PATH] [--window N] [--fullscreen | --windowed WxH]\n"
          "                     [--lang zh|en] [--screenshot FILE.png] [--shots DIR]\n"
          "                     [--mute] [--debug] [--verbose] [--version]\n", stderr);
    return 2;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    const char *lang = getenv("QHALL_LANG");

    memset(o, 0, sizeof *o);
    o->w = 1920;
    o->h = 1080;
    o->lang = lang && !strcmp(lang, "en") ? QH_LANG_EN : QH_LANG_ZH;
    static const char *const takes[] = {"--db", "--window", "--windowed", "--lang", "--screenshot", "--shots",
                                        NULL};
    static const char *const many[] = {NULL};
    const char *twice = qh_args_repeated(argc, argv, takes, many);
    if (twice)
        return usage(QH_TR(o->lang, "选项 %s 重复", "option %s given more than once"), twice);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED() do { if (!val) return usage("%s needs a value", a); i++; } while (0)
        if (!strcmp(a, "--db")) {
            NEED();
            o->db = val;
        } else if (!strcmp(a, "--window")) {
            char *end;
            NEED();
            long n = strtol(val, &end, 10);
            if (*end || n < 1 || n > 99)
                return usage("--window: expected a window number 1-99, got \"%s\"", val);
            o->window = (int)n;
        } else if (!strcmp(a, "--fullscreen")) {
            o->fullscreen = 1;
        } else if (!strcmp(a, "--windowed")) {
            int w, h, n = 0;
            NEED();
            if (sscanf(val, "%dx%d%n", &w, &h, &n) != 2 || val[n] || w < 160 || h < 120 ||
                w > 16384 || h > 16384)
                return usage("--windowed: expected WxH such as 1920x1080, got \"%s\"", val);
            o->w = w;
            o->h = h;
        } else if (!strcmp(a, "--lang")) {
            NEED();
            if (strcmp(val, "zh") && strcmp(val, "en"))
                return usage("--lang: expected zh or en, got \"%s\"", val);
            o->lang = !strcmp(val, "en") ? QH_LANG_EN : QH_LANG_ZH;
        } else if (!strcmp(a, "--screenshot")) {
            NEED();
            o->screenshot = val;
        } else if (!strcmp(a, "--shots")) {
            NEED();
            o->shots = val;
        } else if (!strcmp(a, "--debug")) {
            o->debug = 1;
        } else if (!strcmp(a, "--mute")) {
            o->mute = 1;
        } else if (!strcmp(a, "--verbose")) {
            o->verbose = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage("the hall display");
            return 1;
        } else if (!strcmp(a, "--version")) {
            qh_version_print(stdout, "qhall-display");
            return 1;
        } else {
            return usage("unknown option \"%s\"", a);
        }
#undef NEED
    }
    if (o->fullscreen && o->screenshot)
        return usage("--fullscreen and --screenshot do not go together");
    return 0;
}

/* ---- the database ---- */

static void debug_state(struct app *a, const char *why)
{
    char line[2048];
    if (!a->o.debug)
        return;
    qh_display_model_describe(a->m, line, sizeof line);
    fprintf(stderr, "display: %s: %s\n", why, line);
}

/* The connection's news for the model: the 连接中断 banner, or none. */
static void on_state(void *ud, struct qh_store *s, const char *problem)
{
    struct app *a = ud;
    qh_display_model_connection(a->m, s != NULL, problem);
}

static int take_snapshot(struct app *a)
{
    char err[1024];
    int rc = qh_display_source_snapshot(a->c.s, a->snap, err, sizeof err);
    if (rc < 0)
        return qh_app_lost(&a->c, rc, err);
    qh_display_model_snapshot(a->m, a->snap, qh_app_now(&a->c));
    a->next_snap = qh_clock_mono_ms() + SNAPSHOT_MS;
    debug_state(a, "snapshot");
    return 0;
}

/* 0, or why not (a QH_E_* code; the model shows it).  A damaged database
 * is not waited out: found before the first connection, the display
 * refuses to start (main), for the hall must restore a backup. */
static int connect_db(struct app *a)
{
    int rc;

    if ((rc = qh_app_open(&a->c)) < 0 || (rc = take_snapshot(a)) < 0)
        return rc;
    /* After a short outage, replay what was missed (calls older than a
     * minute are shown but not read out); on a new or replaced database
     * start from its end. */
    int64_t after = a->m->last_event;
    if ((rc = qh_app_follow(&a->c, &after)) < 0)
        return rc;
    a->m->last_event = after;
    return 0;
}

/* New events from the feed into the model. */
static void read_events(struct app *a)
{
    struct qh_event_row evs[EVBATCH];
    int n, total = 0;

    do {
        n = qh_app_read(&a->c, evs, EVBATCH);
        if (n < 0)
            return;
        for (int i = 0; i < n; i++) {
            qh_display_model_event(a->m, &evs[i], qh_app_now(&a->c));
            if (a->o.debug)
                fprintf(stderr, "display: event %lld %s %s window %d\n",
                        (long long)evs[i].id, evs[i].type, evs[i].number, evs[i].window);
        }
        total += n;
    } while (n == EVBATCH);
    if (total)
        debug_state(a, "events");
}

/* ---- sound ---- */

static void audio_update(struct app *a)
{
    char problem[256];

    if (a->o.mute || a->o.window || !a->m->have_hall)
        return;
    const struct qh_display_conf *dc = &a->m->hall.display;
    if (a->audio && (dc->volume != a->audio_conf.volume ||
                     dc->announce_repeat != a->audio_conf.announce_repeat)) {
        qh_audio_close(a->audio);
        a->audio = NULL;
    }
    if (!a->audio) {
        struct qh_audio_opts ao;
        char err[QH_ERRLEN];
        qh_audio_opts_default(&ao);
        ao.volume = dc->volume;
        ao.repeat = dc->announce_repeat;
        if (qh_audio_open(&a->audio, &ao, err, sizeof err) < 0) {
            qh_log_warn("no sound: %s (the screen goes on)", err);
            a->o.mute = 1;
            return;
        }
        a->audio_conf = *dc;
        a->audio_gen = 0;
        if (a->o.debug)
            fprintf(stderr, "display: chime: %s\n", qh_audio_chime(a->audio));
    }
    unsigned g = qh_audio_status(a->audio, problem, sizeof problem);
    if (g != a->audio_gen) {
        a->audio_gen = g;
        if (problem[0])
            qh_log_warn("no sound: %s (the screen goes on; logged once)", problem);
        else
            qh_log_info("sound works again");
    }
}

static void speak(struct app *a)
{
    char text[128];

    while (qh_display_model_take_say(a->m, text, sizeof text)) {
        if (a->o.debug)
            fprintf(stderr, "display: say %s\n", text);
        if (a->audio)
            qh_audio_say(a->audio, text);
    }
}

/* ---- drawing ---- */

static int setup_video(struct app *a)
{
    char err[QH_ERRLEN];
    const char *drv = getenv("SDL_VIDEODRIVER");

    a->headless = a->o.screenshot != NULL || (drv && (!strcmp(drv, "dummy") ||
                                                      !strcmp(drv, "offscreen")));
    if (!a->headless) {
        SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
        SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
        if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0) {
            qh_log_warn("no display (%s): running headless%s%s", SDL_GetError(),
                  a->o.shots ? ", screenshots in " : "; use --shots DIR to see it",
                  a->o.shots ? a->o.shots : "");
            a->headless = 1;
        }
    }
    if (!a->headless) {
        Uint32 flags = SDL_WINDOW_RESIZABLE | (a->o.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        a->win = SDL_CreateWindow("qhall-display", SDL_WINDOWPOS_CENTERED,
                                  SDL_WINDOWPOS_CENTERED, a->o.w, a->o.h, flags);
        if (a->win)
            a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_ACCELERATED);
        if (a->win && !a->r)
            a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
        if (!a->r) {
            qh_log_error("cannot open a window: %s", SDL_GetError());
            return 3;
        }
        if (a->o.fullscreen)
            SDL_ShowCursor(SDL_DISABLE);
    } else if (qh_ui_offscreen(a->o.w, a->o.h, &a->surf, &a->r, err, sizeof err) < 0) {
        qh_log_error("%s", err);
        return 3;
    }
    SDL_RendererInfo ri;
    a->keeps_frame = a->headless ||
                     (SDL_GetRendererInfo(a->r, &ri) == 0 && (ri.flags & SDL_RENDERER_SOFTWARE));
    if (qh_display_view_new(&a->v, a->r, err, sizeof err) < 0) {
        qh_log_error("%s", err);
        return 3;
    }
    return 0;
}

static void save_shot(struct app *a, const char *path)
{
    char err[QH_ERRLEN];
    if (qh_ui_save_png(a->r, path, err, sizeof err) < 0)
        qh_log_warn("screenshot: %s", err);
    else if (a->o.debug)
        fprintf(stderr, "display: shot %s\n", path);
}

static void draw(struct app *a)
{
    int w, h;

    if (SDL_GetRendererOutputSize(a->r, &w, &h) < 0 || w <= 0 || h <= 0)
        return;
    qh_display_view_draw(a->v, a->m, w, h);
    if (a->win)
        SDL_RenderPresent(a->r);
    a->drawn_gen = a->m->gen;
    a->force_draw = 0;
    /* --shots: one picture per new call (and on SIGUSR1). */
    if (a->o.shots) {
        char key[sizeof a->shot_last], path[4200];
        snprintf(key, sizeof key, "%s@%d", a->m->has_current ? a->m->current.number : "",
                 a->m->has_current ? a->m->current.window : 0);
        int new_call = a->m->has_current && strcmp(key, a->shot_last);
        if (new_call || shot_flag) {
            snprintf(path, sizeof path, "%s/%04d-%s.png", a->o.shots, ++a->shot_n,
                     a->m->has_current ? a->m->current.number : "screen");
            save_shot(a, path);
            snprintf(a->shot_last, sizeof a->shot_last, "%s", key);
            shot_flag = 0;
        }
    }
}

/* A marquee frame with nothing else changed.  Where the target keeps the
 * last frame (headless surface, software window) only the notice band is
 * drawn; an accelerated renderer's back buffer is undefined after a
 * present, so it gets a whole frame, all from cached textures. */
static void draw_marquee(struct app *a)
{
    if (!a->keeps_frame) {
        draw(a);
        return;
    }
    if (qh_display_view_draw_notice(a->v, a->m) && a->win)
        SDL_RenderPresent(a->r);
}

/* ---- the loop ---- */

static int wait_for_change(struct app *a, int timeout)
{
    if (a->headless) {
        struct pollfd p[2] = {{sig_pipe[0], POLLIN, 0},
                              {a->c.feed ? qh_feed_fd(a->c.feed) : -1, POLLIN, 0}};
        if (poll(p, 2, timeout) > 0 && (p[0].revents & POLLIN)) {
            char buf[16];
            if (read(sig_pipe[0], buf, sizeof buf) < 0) {
                /* nothing: the flags carry the news */
            }
        }
        return 0;
    }
    SDL_Event e;
    int got = SDL_WaitEventTimeout(&e, timeout);
    while (got) {
        if (e.type == SDL_QUIT)
            quit_flag = 1;
        else if (e.type == SDL_KEYDOWN &&
                 (e.key.keysym.sym == SDLK_ESCAPE || e.key.keysym.sym == SDLK_q))
            quit_flag = 1;
        else if (e.type == SDL_WINDOWEVENT &&
                 (e.window.event == SDL_WINDOWEVENT_EXPOSED ||
                  e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                  e.window.event == SDL_WINDOWEVENT_RESTORED))
            a->force_draw = 1;
        else if (e.type == SDL_RENDER_TARGETS_RESET || e.type == SDL_RENDER_DEVICE_RESET)
            a->force_draw = 1;
        got = SDL_PollEvent(&e);
    }
    qh_app_wake_rearm(&a->c);
    return 0;
}

static void run(struct app *a)
{
    char info[512], line[256];

    while (!quit_flag) {
        int64_t mono = qh_clock_mono_ms(), now = qh_app_now(&a->c);
        if (qh_app_retry_due(&a->c, mono))
            connect_db(a);
        if (a->c.s) {
            read_events(a);
            if (a->c.s && (a->m->need_snapshot || mono >= a->next_snap))
                take_snapshot(a);
            qh_app_check_file(&a->c, mono);
        }
        qh_display_model_tick(a->m, now);
        audio_update(a);
        speak(a);
        if (a->m->gen != a->drawn_gen || a->force_draw || shot_flag)
            draw(a);
        else if (qh_display_view_notice(a->v, NULL))
            draw_marquee(a);
        qh_notify_ready();      /* the first frame is out */
        qh_notify_alive(mono);
        if (a->m->connected) {
            snprintf(info, sizeof info, "%s",
                     a->m->has_current ? a->m->current.number : "no call yet");
            if (a->m->has_current)
                snprintf(info + strlen(info), sizeof info - strlen(info), "@%d",
                         a->m->current.window);
        } else {
            snprintf(info, sizeof info, "连接中断: %s", a->m->problem);
        }
        if (a->audio && qh_audio_status(a->audio, line, sizeof line) && line[0])
            snprintf(info + strlen(info), sizeof info - strlen(info), "; %s", line);
        if (a->beat)
            qh_display_beat_alive(a->beat, info);

        int timeout = qh_display_model_wake_ms(a->m, now, BEAT_MS);
        timeout = qh_display_view_wake_ms(a->v, now, timeout);
        timeout = qh_app_timeout(&a->c, mono, timeout);
        if (a->c.s) {
            int64_t snap = a->next_snap - mono;
            if (snap < timeout)
                timeout = snap > 0 ? (int)snap : 0;
        }
        wait_for_change(a, qh_notify_timeout(mono, timeout));
    }
    qh_notify_stopping();
}

static int screenshot(struct app *a)
{
    char err[QH_ERRLEN];
    int rc = 0;

    if (connect_db(a) < 0 && a->c.damaged[0])
        return 3;               /* logged */
    qh_display_model_tick(a->m, qh_app_now(&a->c));
    draw(a);
    if (qh_ui_save_png(a->r, a->o.screenshot, err, sizeof err) < 0) {
        qh_log_error("%s", err);
        rc = 3;
    }
    if (a->o.debug) {
        const struct qh_ui_box *b;
        int n = qh_ui_boxes(qh_display_view_ui(a->v), &b);
        for (int i = 0; i < n; i++)
            fprintf(stderr, "display: box %d,%d %dx%d px=%d %s\n", b[i].r.x, b[i].r.y,
                    b[i].r.w, b[i].r.h, b[i].px, b[i].text);
    }
    return rc;
}

int main(int argc, char **argv)
{
    struct app a;
    char err[QH_ERRLEN], name[64];
    int rc;

    memset(&a, 0, sizeof a);
    qh_app_init(&a.c, "qhall-display");
    if (qh_text_guard_stdio() < 0) {    /* logs carry stored text */
        perror("qhall-display");
        return 3;
    }
    if ((rc = parse_args(argc, argv, &a.o)) != 0)
        return rc == 1 ? 0 : rc;
    if (qh_log_setup("qhall-display", a.o.verbose, err, sizeof err) < 0)
        return usage("%s", err);
    if (qh_clock_check_env(err, sizeof err) < 0)
        return usage("%s", err);
    a.c.lang = a.o.lang;
    a.c.actor = a.o.window ? "display:window" : "display:hall";
    a.c.say_again = 1;
    a.c.on_state = on_state;
    a.c.ud = &a;
    if (qh_app_find_db(&a.c, a.o.db, err, sizeof err) < 0)
        return usage("%s", err);
    if ((rc = qh_app_check_perms(&a.c)) < 0)
        return qh_err_exit_status(rc);
    a.m = calloc(1, sizeof *a.m);
    a.snap = calloc(1, sizeof *a.snap);
    if (!a.m || !a.snap) {
        qh_log_error("out of memory");
        return 3;
    }
    qh_display_model_init(a.m, a.o.lang, a.o.window, qh_app_now(&a.c));
    if (qh_ui_signal_pipe(sig_pipe, err, sizeof err) < 0) {
        qh_log_error("%s", err);
        return 3;
    }
    qh_ui_catch_stop(on_signal);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    rc = setup_video(&a);
    if (rc == 0 && a.o.screenshot) {
        rc = screenshot(&a);
        goto out;
    }
    if (rc != 0)
        goto out;
    if (a.o.shots && mkdir(a.o.shots, 0755) < 0 && errno != EEXIST) {
        qh_log_error("%s: %s", a.o.shots, strerror(errno));
        rc = 3;
        goto out;
    }
    /* Connect before the heartbeat starts: a damaged database is refused
     * before anything could write to it. */
    if (connect_db(&a) < 0 && a.c.damaged[0]) {
        rc = 3;                 /* logged */
        goto out;
    }
    if (a.o.window)
        snprintf(name, sizeof name, "display:window%d", a.o.window);
    else
        snprintf(name, sizeof name, "display:hall");
    if (qh_display_beat_start(&a.beat, a.c.path, name, BEAT_MS, STALL_MS, err, sizeof err) < 0)
        qh_log_warn("heartbeat: %s", err);
    if (!a.headless && qh_app_wake_start(&a.c, sig_pipe[0], err, sizeof err) < 0)
        qh_log_warn("cannot start the watch thread: calls show within a second");
    run(&a);
    rc = 0;
out:
    qh_display_beat_stop(a.beat);
    qh_audio_close(a.audio);
    qh_app_fini(&a.c);
    qh_display_view_free(a.v);
    if (a.r)
        SDL_DestroyRenderer(a.r);
    if (a.surf)
        SDL_FreeSurface(a.surf);
    if (a.win)
        SDL_DestroyWindow(a.win);
    SDL_Quit();
    free(a.m);
    free(a.snap);
    qh_log_flush();
    return rc;
}
