/* main.c: qhall-kiosk, the touchscreen where citizens take numbers.
 *
 * The loop only translates: an SDL event becomes a model call, a model
 * change becomes a redraw.  --screenshot renders one frame offscreen and
 * exits; --screen, --press, --tap and --type drive the model there first,
 * so every screen can be looked at (and tested) without a display.
 * What the model wants said (the number, for those who cannot read it
 * well) goes to qh_audio, opened the first time there is something to
 * say; a kiosk without a sound device logs that once and goes on. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <SDL.h>

#include "qh/app.h"
#include "qh/audio.h"
#include "qh/clock.h"
#include "qh/err.h"
#include "qh/hall.h"
#include "qh/text.h"
#include "qh/ui.h"

#include "model.h"
#include "printing.h"
#include "view.h"

#define MAX_ACTIONS 64

struct action {
    char kind;                /* 'p' press, 't' tap, 'y' type */
    const char *arg;
};

struct opts {
    const char *db;
    int fullscreen, kiosk_mode, w, h, number, debug;
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
          "                   [--type TEXT]... [--debug]\n"
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
          "  --debug           with --screenshot: list every text box drawn on stderr\n",
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
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        char name[32];
        const char *eq = strchr(a, '=');
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
        static const char *const takes[] = {"--db", "--windowed", "--lang", "--screenshot",
                                            "--screen", "--press", "--tap", "--type", "--number"};
        for (size_t k = 0; k < sizeof takes / sizeof takes[0]; k++)
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
        } else if (!strcmp(name, "--fullscreen")) {
            o->fullscreen = 1;
        } else if (!strcmp(name, "--kiosk-mode")) {
            o->kiosk_mode = 1;
        } else if (!strcmp(name, "--debug")) {
            o->debug = 1;
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
                fprintf(stderr, "qhall-kiosk: no sound: %s (the screen goes on)\n", err);
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
                fprintf(stderr, "qhall-kiosk: no sound: %s (the screen goes on; logged once)\n",
                        problem);
            else
                fprintf(stderr, "qhall-kiosk: sound works again\n");
        }
    }
}

static int run(const struct opts *o, struct qh_kiosk_model *m)
{
    struct sound snd = {0};
    char err[QH_ERRLEN];
    int full = o->fullscreen || (o->kiosk_mode && !o->w);
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        fprintf(stderr, "qhall-kiosk: SDL: %s\n", SDL_GetError());
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
        fprintf(stderr, "qhall-kiosk: SDL: %s\n", SDL_GetError());
        st = 3;
        goto out;
    }
    if (qh_kiosk_view_new(&v, r, err, sizeof err) < 0) {
        fprintf(stderr, "qhall-kiosk: %s\n", err);
        st = 3;
        goto out;
    }
    if (full)
        SDL_ShowCursor(SDL_DISABLE);
    SDL_StartTextInput();
    uint64_t drawn = (uint64_t)-1;
    int64_t drawn_at = 0;
    while (!m->quit) {
        SDL_Event e;
        int64_t now = qh_clock_mono_ms();
        qh_kiosk_model_tick(m, now);
        if (SDL_WaitEventTimeout(&e, 100)) {
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
        }
    }
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

int main(int argc, char **argv)
{
    struct opts o;
    struct qh_store *s = NULL;
    struct qh_kiosk_model *m = NULL;
    struct qh_kiosk_cups cups;
    struct qh_kiosk_opts ko;
    struct qh_app app;
    char err[QH_ERRLEN], actor[32];
    if (qh_text_guard_stdio() < 0) {    /* logs carry stored text */
        perror("qhall-kiosk");
        return 3;
    }
    int st = parse_opts(argc, argv, &o);
    if (st)
        return st;
    if (qh_clock_check_env(err, sizeof err) < 0) {
        fprintf(stderr, "qhall-kiosk: %s\n", err);
        return 2;
    }
    /* The screens' start-up (qh/app.h); the kiosk opens once and has no
     * outage loop: a kiosk without its database cannot give numbers. */
    qh_app_init(&app, "qhall-kiosk");
    app.lang = o.lang;
    if (qh_app_find_db(&app, o.db, err, sizeof err) < 0) {
        qh_app_log(&app, "%s", err);
        return 2;
    }
    /* Never create a database: the CLI sets one up.  A damaged one is
     * refused with what integrity_check finds (hence the larger buffer). */
    char oerr[1024];
    int rc = qh_app_check_perms(&app);
    if (rc < 0)
        return qh_err_exit_status(rc);
    if ((rc = qh_hall_open(&s, app.path,
                           QH_OPEN_EXISTING | (o.lang == QH_LANG_EN ? QH_OPEN_EN : 0),
                           oerr, sizeof oerr)) < 0) {
        qh_app_log(&app, "%s", oerr);
        return qh_err_exit_status(rc);
    }
    if (!qh_hall_exists(s)) {
        qh_app_log(&app, "%s: %s", app.path,
                   QH_TR(o.lang, "数据库尚未初始化（请运行 qhall init）",
                         "the database has no hall yet (run qhall init)"));
        qh_hall_close(s);
        return 1;
    }
    snprintf(actor, sizeof actor, "kiosk:%d", o.number);
    qh_hall_set_actor(s, actor);
    qh_hall_set_lang(s, o.lang);
    memset(&ko, 0, sizeof ko);
    ko.lang = o.lang;
    ko.kiosk_mode = o.kiosk_mode;
    ko.number = o.number;
    ko.speak = o.speak;
    qh_kiosk_cups_init(&cups, s, &ko.printer);
    int64_t now = qh_clock_mono_ms();
    if ((rc = qh_kiosk_model_new(&m, s, &ko, now, err, sizeof err)) < 0) {
        fprintf(stderr, "qhall-kiosk: %s\n", err);
        st = qh_err_exit_status(rc);
    } else if (o.screenshot) {
        st = screenshot(&o, m, &now);
    } else if (o.screen || o.nact) {
        fprintf(stderr, "qhall-kiosk: --screen, --press, --tap and --type need --screenshot\n");
        st = 2;
    } else {
        st = run(&o, m);
    }
    qh_kiosk_model_free(m);
    qh_kiosk_cups_fini(&cups);
    qh_hall_close(s);
    return st;
}
