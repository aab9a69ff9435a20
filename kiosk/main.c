/* main.c: qhall-kiosk, the touchscreen where citizens take numbers.
 *
 * The loop only translates: an SDL event becomes a model call, a model
 * change becomes a redraw.  --screenshot renders one frame offscreen and
 * exits; --screen, --press, --tap and --type drive the model there first,
 * so every screen can be looked at (and tested) without a display.
 * What the model wants said (the number, for those who cannot read it
 * well) goes to qh_audio, opened the first time there is something to
 * say; a kiosk without a sound device logs that once and goes on.
 *
 * The connection is the screens' (qh/app.h): the kiosk follows the change
 * feed only to learn early that its database went away (a file deleted or
 * replaced, a server stopped or its connection cut); then the model shows
 * 暂停取号 and issues nothing, and the loop reconnects with backoff, after
 * which the kiosk is back at home by itself.  A kiosk started while its
 * database is out of reach waits the same way. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <SDL.h>

#include "qh/app.h"
#include "qh/args.h"
#include "qh/audio.h"
#include "qh/clock.h"
#include "qh/err.h"
#include "qh/hall.h"
#include "qh/log.h"
#include "qh/notify.h"
#include "qh/text.h"
#include "qh/ui.h"
#include "qh/version.h"

#include "model.h"
#include "printing.h"
#include "view.h"

#define MAX_ACTIONS 64

struct action {
    char kind;                /* 'p' press, 't' tap, 'y' type */
    const char *arg;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;              /* the loop wakes within 100 ms */
}

struct opts {
    const char *db;
    int fullscreen, kiosk_mode, w, h, number, debug, verbose;
    enum qh_lang lang;
    enum qh_kiosk_speak speak;
    const char *screenshot, *screen;
    struct action act[MAX_ACTIONS];
    int nact;
};

static void usage(FILE *f)
{
    fputs("usage: qhall-kiosk [--db PATH] [--fullscreen | --windowed WxH] [--kiosk-mode]\n"
          "                   [--lang zh|en] [--number N] [--speak | --mute]\n"
          "                   [--screenshot FILE.png]\n"
          "                   [--screen NAME] [--press BUTTON[:ARG]]... [--tap X,Y]...\n"
          "                   [--type TEXT]... [--debug] [--verbose] [--version]\n"
          "  --db PATH         database (default $QHALL_DB, else $XDG_STATE_HOME/qhall/qhall.db)\n"
          "  --fullscreen      fill the screen (the default with --kiosk-mode)\n"
          "  --windowed WxH    a window of W x H pixels (default 540x960)\n"
          "  --kiosk-mode      only the admin screen (PIN) can close the program\n"
          "  --lang zh|en      language (default zh)\n"
          "  --number N        this kiosk's number, for heartbeats (default 1)\n"
          "  --speak, --mute   say the number aloud after issuing, or not\n"
          "                    (default: kiosk.speak of the hall, else no)\n"
          "  --screenshot F    render one frame offscreen (size from --windowed,\n"
          "                    default 1080x1920), write F as PNG and exit\n"
          "  --screen NAME     start on home|green|items|search|confirm|ticket|\n"
          "                    refused|appointment|pin|admin\n"
          "  --press B[:ARG]   press a button (queue:0, item:2, take, key:5, ok ...)\n"
          "  --tap X,Y         touch the screen at X,Y\n"
          "  --type TEXT       type text (digits of a code, pinyin letters; \\n = Enter)\n"
          "  --debug           with --screenshot: list every text box drawn on stderr,\n"
          "                    and the number taken (kiosk: issued A001)\n"
          "  --verbose         log everything (as QHALL_LOG=debug)\n"
          "  --version         print the release and the commit it was built from\n",
          f);
}

static int parse_size(const char *s, int *w, int *h)
{
    return sscanf(s, "%dx%d", w, h) == 2 && *w >= 200 && *h >= 200 && *w <= 8192 && *h <= 8192;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->number = 1;
    const char *env = getenv("QHALL_LANG");
    o->lang = env && !strcmp(env, "en") ? QH_LANG_EN : QH_LANG_ZH;
    static const char *const takes[] = {"--db", "--windowed", "--lang", "--screenshot",
                                        "--screen", "--press", "--tap", "--type", "--number",
                                        NULL};
    static const char *const many[] = {"--press", "--tap", "--type", NULL};
    const char *twice = qh_args_repeated(argc, argv, takes, many);
    if (twice) {
        fprintf(stderr, QH_TR(o->lang, "qhall-kiosk: 选项 %s 重复\n",
                              "qhall-kiosk: option %s given more than once\n"), twice);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        char name[32];
        const char *eq = strchr(a, '=');
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
        for (size_t k = 0; takes[k]; k++)
            if (!strcmp(name, takes[k])) {
                if (eq)
                    val = eq + 1;
                else if (i + 1 < argc)
                    val = argv[++i];
                else {
                    fprintf(stderr, "qhall-kiosk: %s needs a value\n", name);
                    return 2;
                }
            }
        if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(name, "--version")) {
            qh_version_print(stdout, "qhall-kiosk");
            exit(0);
        } else if (!strcmp(name, "--fullscreen")) {
            o->fullscreen = 1;
        } else if (!strcmp(name, "--kiosk-mode")) {
            o->kiosk_mode = 1;
        } else if (!strcmp(name, "--debug")) {
            o->debug = 1;
        } else if (!strcmp(name, "--verbose")) {
            o->verbose = 1;
        } else if (!strcmp(name, "--speak") || !strcmp(name, "--mute")) {
            enum qh_kiosk_speak sp = name[2] == 's' ? QH_KIOSK_SPEAK_ON : QH_KIOSK_SPEAK_OFF;
            if (o->speak && o->speak != sp) {
                fprintf(stderr, "qhall-kiosk: give --speak or --mute, not both\n");
                return 2;
            }
            o->speak = sp;
        } else if (!strcmp(name, "--db")) {
            o->db = val;
        } else if (!strcmp(name, "--windowed")) {
            if (!parse_size(val, &o->w, &o->h)) {
                fprintf(stderr, "qhall-kiosk: --windowed: expected WxH, got \"%s\"\n", val);
                return 2;
            }
        } else if (!strcmp(name, "--lang")) {
            if (strcmp(val, "zh") && strcmp(val, "en")) {
                fprintf(stderr, "qhall-kiosk: --lang: expected zh|en, got \"%s\"\n", val);
                return 2;
            }
            o->lang = !strcmp(val, "en") ? QH_LANG_EN : QH_LANG_ZH;
        } else if (!strcmp(name, "--number")) {
            o->number = atoi(val);
            if (o->number < 1 || o->number > 99) {
                fprintf(stderr, "qhall-kiosk: --number: expected 1-99, got \"%s\"\n", val);
                return 2;
            }
        } else if (!strcmp(name, "--screenshot")) {
            o->screenshot = val;
        } else if (!strcmp(name, "--screen")) {
            if (qh_kiosk_screen_parse(val) < 0) {
                fprintf(stderr, "qhall-kiosk: --screen: unknown screen \"%s\"\n", val);
                return 2;
            }
            o->screen = val;
        } else if (!strcmp(name, "--press") || !strcmp(name, "--tap") ||
                   !strcmp(name, "--type")) {
            if (o->nact == MAX_ACTIONS) {
                fprintf(stderr, "qhall-kiosk: too many actions\n");
                return 2;
            }
            o->act[o->nact++] = (struct action){name[2] == 'p' ? 'p' : name[3] == 'a' ? 't' : 'y',
                                                val};
        } else {
            fprintf(stderr, "qhall-kiosk: unknown option \"%s\"\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (o->fullscreen && o->w) {
        fprintf(stderr, "qhall-kiosk: give --fullscreen or --windowed, not both\n");
        return 2;
    }
    return 0;
}

static void layout(struct qh_kiosk_model *m, SDL_Renderer *r)
{
    int w, h, rows, keys;
    SDL_GetRendererOutputSize(r, &w, &h);
    qh_kiosk_view_page_sizes(w, h, m->screen, &rows, &keys);
    qh_kiosk_model_set_page(m, rows, keys);
}

static int act(struct qh_kiosk_model *m, struct qh_kiosk_view *v, SDL_Renderer *r,
               const struct action *a)
{
    if (a->kind == 'y') {
        char text[256];
        size_t k = 0;
        for (const char *p = a->arg; *p && k + 1 < sizeof text; p++) {
            if (p[0] == '\\' && p[1] == 'n') {
                text[k++] = '\n';
                p++;
            } else {
                text[k++] = *p;
            }
        }
        text[k] = '\0';
        qh_kiosk_model_type(m, text);
        return 0;
    }
    enum qh_kiosk_btn b;
    int arg = 0;
    if (a->kind == 't') {
        int x, y;
        if (sscanf(a->arg, "%d,%d", &x, &y) != 2) {
            fprintf(stderr, "qhall-kiosk: --tap: expected X,Y, got \"%s\"\n", a->arg);
            return 2;
        }
        layout(m, r);
        qh_kiosk_view_draw(v, m);
        if (qh_kiosk_view_hit(v, x, y, &b, &arg))
            qh_kiosk_model_press(m, b, arg);
        else
            qh_kiosk_model_touch(m);
        return 0;
    }
    char name[32];
    const char *colon = strchr(a->arg, ':');
    snprintf(name, sizeof name, "%.*s", colon ? (int)(colon - a->arg) : (int)strlen(a->arg), a->arg);
    int bi = qh_kiosk_btn_parse(name);
    if (bi < 0) {
        fprintf(stderr, "qhall-kiosk: --press: unknown button \"%s\"\n", name);
        return 2;
    }
    if (colon)
        arg = atoi(colon + 1);
    layout(m, r);
    qh_kiosk_model_press(m, (enum qh_kiosk_btn)bi, arg);
    return 0;
}

/* Offscreen: drive the model, let print jobs settle, save one frame. */
static int screenshot(const struct opts *o, struct qh_kiosk_model *m, int64_t *now)
{
    SDL_Surface *surf = NULL;
    SDL_Renderer *r = NULL;
    struct qh_kiosk_view *v = NULL;
    char err[QH_ERRLEN];
    int st = 0, rc;
    if ((rc = qh_ui_offscreen(o->w ? o->w : 1080, o->h ? o->h : 1920, &surf, &r, err,
                              sizeof err)) < 0 ||
        (rc = qh_kiosk_view_new(&v, r, err, sizeof err)) < 0) {
        fprintf(stderr, "qhall-kiosk: %s\n", err);
        st = 3;
        goto out;
    }
    layout(m, r);
    if (o->screen && qh_kiosk_model_goto(m, qh_kiosk_screen_parse(o->screen)) < 0)
        fprintf(stderr, "qhall-kiosk: --screen %s: could not get there (now on %s)\n", o->screen,
                qh_kiosk_screen_name(m->screen));
    for (int i = 0; i < o->nact && !st; i++) {
        *now += 1000;                   /* a citizen's pace: no double taps */
        qh_kiosk_model_tick(m, *now);
        st = act(m, v, r, &o->act[i]);
    }
    /* A slip sent to CUPS: wait (up to 5 s) to show how it went. */
    for (int i = 0; i < 100 && m->njobs; i++) {
        SDL_Delay(50);
        *now += 250;
        qh_kiosk_model_tick(m, *now);
    }
    if (st)
        goto out;
    layout(m, r);
    qh_kiosk_view_draw(v, m);
    if ((rc = qh_ui_save_png(r, o->screenshot, err, sizeof err)) < 0) {
        fprintf(stderr, "qhall-kiosk: %s\n", err);
        st = 3;
    }
    printf("%s %s\n", qh_kiosk_screen_name(m->screen), o->screenshot);
    if (o->debug) {
        const struct qh_ui_box *b;
        int n = qh_ui_boxes(qh_kiosk_view_ui(v), &b);
        for (int i = 0; i < n; i++)
            fprintf(stderr, "kiosk: box %d,%d %dx%d px=%d %s\n", b[i].r.x, b[i].r.y, b[i].r.w,
                    b[i].r.h, b[i].px, b[i].text);
        /* The number this run was given: what a script checks the store
         * against (a run killed before this line was told nothing). */
        if (m->screen == QH_KS_TICKET)
            fprintf(stderr, "kiosk: issued %s\n", m->ticket.number);
    }
out:
    qh_kiosk_view_free(v);
    if (r)
        SDL_DestroyRenderer(r);
    if (surf)
        SDL_FreeSurface(surf);
    return st;
}

/* ---- sound ---- */

struct sound {
    struct qh_audio *a;
    int failed;                 /* could not even start: stay silent */
    unsigned gen;               /* of the last problem logged */
};

/* Say what the model asks for.  The first announcement opens the audio
 * module (most kiosks never speak, and then cost nothing); no chime, which
 * in the hall means a number is being called, and each text once. */
static void speak(struct sound *snd, struct qh_kiosk_model *m)
{
    char text[192], problem[256], err[QH_ERRLEN];
    while (qh_kiosk_model_take_say(m, text, sizeof text)) {
        if (snd->failed)
            continue;
        if (!snd->a) {
            struct qh_audio_opts ao;
            qh_audio_opts_default(&ao);
            ao.repeat = 1;
            ao.chime = "";
            if (qh_audio_open(&snd->a, &ao, err, sizeof err) < 0) {
                qh_log_warn("no sound: %s (the screen goes on)", err);
                snd->failed = 1;
                continue;
            }
        }
        qh_audio_say(snd->a, text);
    }
    if (snd->a) {
        unsigned g = qh_audio_status(snd->a, problem, sizeof problem);
        if (g != snd->gen) {
            snd->gen = g;
            if (problem[0])
                qh_log_warn("no sound: %s (the screen goes on; logged once)", problem);
            else
                qh_log_info("sound works again");
        }
    }
}

/* ---- the connection ---- */

struct kiosk {
    struct opts o;
    struct qh_app c;            /* c.s, c.feed */
    struct qh_kiosk_model *m;
    struct qh_kiosk_cups cups;
    char actor[32];
    int64_t next_read;          /* the feed's longest sleep */
    int offline_logged;
};

/* From qh_app: connected (s), or lost (NULL, the store closed already). */
static void on_state(void *ud, struct qh_store *s, const char *problem)
{
    struct kiosk *k = ud;
    qh_kiosk_cups_store(&k->cups, s);
    if (k->m)
        qh_kiosk_model_store(k->m, s, problem);
}

static int connect_db(struct kiosk *k)
{
    int64_t after = 0;          /* from the log's end: only its health matters */
    int rc;
    if ((rc = qh_app_open(&k->c)) < 0 || (rc = qh_app_follow(&k->c, &after)) < 0)
        return rc;
    k->next_read = 0;
    return 0;
}

/* The feed's news is not the kiosk's business; that the feed cannot be
 * read is: qh_app_read drops the connection then. */
static void read_feed(struct kiosk *k, int64_t mono)
{
    struct pollfd p = {qh_feed_fd(k->c.feed), POLLIN, 0};
    if (mono < k->next_read && !(p.fd >= 0 && poll(&p, 1, 0) > 0))
        return;
    struct qh_event_row evs[32];
    int n;
    do {
        n = qh_app_read(&k->c, evs, 32);
    } while (n == 32);
    if (k->c.feed) {
        int t = qh_feed_timeout_ms(k->c.feed);
        k->next_read = mono + (t >= 0 ? t : 1000);
    }
}

/* Once a loop: what the model found goes to the connection, the
 * connection's retries happen, and the hall's journal hears when the
 * kiosk stops and starts issuing. */
static void keep_connected(struct kiosk *k, int64_t mono)
{
    struct qh_kiosk_model *m = k->m;
    if (k->c.s && m->db_failed) {
        char problem[sizeof m->problem];
        snprintf(problem, sizeof problem, "%s", m->problem);
        qh_app_disconnect(&k->c, problem);
    }
    if (qh_app_retry_due(&k->c, mono))
        connect_db(k);
    if (k->c.s) {
        read_feed(k, mono);
        qh_app_check_file(&k->c, mono);
    }
    int off = m->screen == QH_KS_OFFLINE;
    if (off && !k->offline_logged)
        qh_app_log(&k->c, "暂停取号 (not issuing): %s", m->problem);
    else if (!off && k->offline_logged)
        qh_app_log(&k->c, "恢复取号 (issuing again)");
    k->offline_logged = off;
}

static int run(struct kiosk *k)
{
    const struct opts *o = &k->o;
    struct qh_kiosk_model *m = k->m;
    struct sound snd = {0};
    char err[QH_ERRLEN];
    int full = o->fullscreen || (o->kiosk_mode && !o->w);
    /* SDL would turn SIGTERM into SDL_QUIT, which --kiosk-mode ignores
     * (a citizen must not close the kiosk): systemd's stop must work. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    qh_ui_catch_stop(on_signal);
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        qh_log_error("SDL: %s", SDL_GetError());
        return 3;
    }
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");     /* one event per touch */
    SDL_Window *win = SDL_CreateWindow("qhall kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                       o->w ? o->w : 540, o->h ? o->h : 960,
                                       SDL_WINDOW_RESIZABLE |
                                           (full ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
    SDL_Renderer *r = win ? SDL_CreateRenderer(win, -1, 0) : NULL;
    struct qh_kiosk_view *v = NULL;
    int st = 0;
    if (!r) {
        qh_log_error("SDL: %s", SDL_GetError());
        st = 3;
        goto out;
    }
    if (qh_kiosk_view_new(&v, r, err, sizeof err) < 0) {
        qh_log_error("%s", err);
        st = 3;
        goto out;
    }
    if (full)
        SDL_ShowCursor(SDL_DISABLE);
    SDL_StartTextInput();
    uint64_t drawn = (uint64_t)-1;
    int64_t drawn_at = 0;
    while (!m->quit && !stop_flag) {
        SDL_Event e;
        int64_t now = qh_clock_mono_ms();
        keep_connected(k, now);
        qh_kiosk_model_tick(m, now);
        qh_notify_alive(now);
        if (SDL_WaitEventTimeout(&e, qh_notify_timeout(now, qh_app_timeout(&k->c, now, 100)))) {
            int w, h;
            SDL_GetRendererOutputSize(r, &w, &h);
            enum qh_kiosk_btn b;
            int arg, x = -1, y = -1;
            switch (e.type) {
            case SDL_QUIT:
                if (!o->kiosk_mode)
                    m->quit = 1;
                break;
            case SDL_MOUSEBUTTONDOWN:
                if (e.button.which != SDL_TOUCH_MOUSEID && e.button.button == SDL_BUTTON_LEFT) {
                    int ww, wh;
                    SDL_GetWindowSize(win, &ww, &wh);     /* HiDPI: window -> pixels */
                    x = e.button.x * w / (ww ? ww : 1);
                    y = e.button.y * h / (wh ? wh : 1);
                }
                break;
            case SDL_FINGERDOWN:
                x = (int)(e.tfinger.x * w);
                y = (int)(e.tfinger.y * h);
                break;
            case SDL_TEXTINPUT:
                qh_kiosk_model_type(m, e.text.text);
                break;
            case SDL_KEYDOWN:
                if (e.key.keysym.sym == SDLK_ESCAPE && !o->kiosk_mode)
                    m->quit = 1;
                else if (e.key.keysym.sym == SDLK_RETURN || e.key.keysym.sym == SDLK_KP_ENTER)
                    qh_kiosk_model_type(m, "\n");
                else if (e.key.keysym.sym == SDLK_BACKSPACE)
                    qh_kiosk_model_press(m, QH_BTN_KEY_DEL, 0);
                break;
            case SDL_WINDOWEVENT:
                drawn = (uint64_t)-1;
                break;
            default:
                break;
            }
            if (x >= 0) {
                layout(m, r);
                if (qh_kiosk_view_hit(v, x, y, &b, &arg))
                    qh_kiosk_model_press(m, b, arg);
                else
                    qh_kiosk_model_touch(m);
            }
        }
        speak(&snd, m);
        layout(m, r);
        /* Redraw on change, and each second for the clock. */
        if (m->gen != drawn || qh_clock_mono_ms() - drawn_at >= 1000) {
            qh_kiosk_view_draw(v, m);
            SDL_RenderPresent(r);
            drawn = m->gen;
            drawn_at = qh_clock_mono_ms();
            qh_notify_ready();  /* the first frame is out */
        }
    }
    qh_notify_stopping();
out:
    qh_audio_close(snd.a);
    qh_kiosk_view_free(v);
    if (r)
        SDL_DestroyRenderer(r);
    if (win)
        SDL_DestroyWindow(win);
    SDL_Quit();
    return st;
}

/* --screenshot: one open, no outage loop.  With --screen offline a
 * database out of reach is what is drawn (暂停取号 and its reason). */
static int screenshot_main(struct kiosk *k, struct qh_kiosk_opts *ko)
{
    struct qh_store *s = NULL;
    char oerr[1024], err[QH_ERRLEN];
    int offline = k->o.screen && !strcmp(k->o.screen, "offline");
    int st = 0;
    /* Never create a database: the CLI sets one up.  A damaged one is
     * refused with what integrity_check finds (hence the larger buffer). */
    int rc = qh_hall_open(&s, k->c.path,
                          QH_OPEN_EXISTING | (k->o.lang == QH_LANG_EN ? QH_OPEN_EN : 0),
                          oerr, sizeof oerr);
    if (rc < 0 && (!offline || rc == QH_E_CORRUPT)) {
        qh_app_log(&k->c, "%s", oerr);
        return qh_err_exit_status(rc);
    }
    if (s && !qh_hall_exists(s)) {
        char where[512];
        qh_app_log(&k->c, "%s: %s", qh_app_where(&k->c, where, sizeof where),
                   QH_TR(k->o.lang, "数据库尚未初始化（请运行 qhall init）",
                         "the database has no hall yet (run qhall init)"));
        qh_hall_close(s);
        return 1;
    }
    if (s) {
        qh_hall_set_actor(s, k->actor);
        qh_hall_set_lang(s, k->o.lang);
        qh_hall_set_busy_ms(s, k->c.busy_ms);
    }
    qh_kiosk_cups_init(&k->cups, s, k->o.lang, &ko->printer);
    int64_t now = qh_clock_mono_ms();
    if ((rc = qh_kiosk_model_new(&k->m, s, ko, now, err, sizeof err)) < 0) {
        qh_app_log(&k->c, "%s", err);
        st = qh_err_exit_status(rc);
    } else {
        if (!s)
            qh_kiosk_model_store(k->m, NULL, oerr);
        st = screenshot(&k->o, k->m, &now);
    }
    qh_kiosk_model_free(k->m);
    k->m = NULL;
    qh_kiosk_cups_fini(&k->cups);
    qh_hall_close(s);
    return st;
}

int main(int argc, char **argv)
{
    static struct kiosk k;
    struct qh_kiosk_opts ko;
    char err[QH_ERRLEN];
    if (qh_text_guard_stdio() < 0) {    /* logs carry stored text */
        perror("qhall-kiosk");
        return 3;
    }
    int st = parse_opts(argc, argv, &k.o);
    if (st)
        return st;
    if (qh_log_setup("qhall-kiosk", k.o.verbose, err, sizeof err) < 0) {
        fprintf(stderr, "qhall-kiosk: %s\n", err);
        return 2;
    }
    if (qh_clock_check_env(err, sizeof err) < 0) {
        fprintf(stderr, "qhall-kiosk: %s\n", err);
        return 2;
    }
    qh_app_init(&k.c, "qhall-kiosk");
    k.c.lang = k.o.lang;
    k.c.say_again = 1;
    k.c.busy_ms = QH_BUSY_KIOSK_MS;     /* a citizen is answered within 3 s */
    snprintf(k.actor, sizeof k.actor, "kiosk:%d", k.o.number);
    k.c.actor = k.actor;
    k.c.on_state = on_state;
    k.c.ud = &k;
    if (qh_app_find_db(&k.c, k.o.db, err, sizeof err) < 0) {
        qh_app_log(&k.c, "%s", err);
        return 2;
    }
    int rc = qh_app_check_perms(&k.c);
    if (rc < 0)
        return qh_err_exit_status(rc);
    memset(&ko, 0, sizeof ko);
    ko.lang = k.o.lang;
    ko.kiosk_mode = k.o.kiosk_mode;
    ko.number = k.o.number;
    ko.speak = k.o.speak;
    if (k.o.screenshot)
        return screenshot_main(&k, &ko);
    if (k.o.screen || k.o.nact) {
        fprintf(stderr, "qhall-kiosk: --screen, --press, --tap and --type need --screenshot\n");
        return 2;
    }
    qh_kiosk_cups_init(&k.cups, NULL, k.o.lang, &ko.printer);
    /* A damaged database, or one without a hall, found at start is not
     * waited out: the hall must restore a backup or run `qhall init`.  One
     * out of reach is (暂停取号 until it is back). */
    char where[4096];
    rc = connect_db(&k);
    k.c.need_hall = 1;          /* from now on, a hall gone is an outage */
    if (rc < 0 && k.c.damaged[0]) {
        st = 3;                 /* logged */
    } else if (rc == 0 && !qh_hall_exists(k.c.s)) {
        qh_app_log(&k.c, "%s: %s", qh_app_where(&k.c, where, sizeof where),
                   QH_TR(k.o.lang, "数据库尚未初始化（请运行 qhall init）",
                         "the database has no hall yet (run qhall init)"));
        st = 1;
    } else if ((rc = qh_kiosk_model_new(&k.m, k.c.s, &ko, qh_clock_mono_ms(), err,
                                        sizeof err)) < 0) {
        qh_app_log(&k.c, "%s", err);
        st = qh_err_exit_status(rc);
    } else {
        if (!k.c.s)
            qh_kiosk_model_store(k.m, NULL, k.c.problem);
        st = run(&k);
    }
    qh_kiosk_model_free(k.m);
    qh_app_fini(&k.c);
    qh_kiosk_cups_fini(&k.cups);
    qh_log_flush();
    return st;
}
