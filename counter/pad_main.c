/* pad_main.c: the rating pad's loop (pad_main.h).
 *
 * As the counter terminal's: SDL owns the wait, the waker turns the
 * change feed's descriptor into an SDL event, so a `finished` at this
 * window puts the faces up at once, and an idle pad costs nothing.  After
 * each feed read the window's snapshot is read again (qh_pad_read) and
 * the model's actions are carried out at once (qh_pad_do): a rating goes
 * to the store as soon as it is tapped, its answer back to the model.
 *
 * At its first connection the pad replays the last events of the log, so
 * a pad restarted (or started late) while a citizen is still in front of
 * it shows the faces again; the model lets older ones go. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pad.h"
#include "pad_main.h"
#include "pad_view.h"
#include "qh/clock.h"
#include "qh/hall.h"
#include "qh/notify.h"
#include "qh/ui.h"

enum { SNAPSHOT_MS = 10000, BEAT_MS = 5000, EVBATCH = 64, REPLAY = 64 };

struct pad {
    struct qh_pad_run *p;
    struct qh_app *c;
    struct qh_pad_model m;
    struct qh_pad_view *v;
    int64_t next_snap, next_beat;
    uint64_t drawn_gen;
    int force_draw;
    char photo_of[QH_STAFF_LEN];  /* whose photo the view holds */
    int photo_stale;              /* a staff_photo event for them came */
    enum qh_pad_screen shot_screen;
    int shot_n;
    const char *shots;
};

/* The photo of the staff member on duty, read when someone else logs in
 * or theirs changes, not at every snapshot: it is the largest row. */
static void photo_sync(struct pad *d)
{
    const char *staff = d->m.w.staff;
    struct qh_photo ph;
    if (!d->c->s || (!d->photo_stale && !strcmp(staff, d->photo_of)))
        return;
    int rc = staff[0] ? qh_staff_photo_get(d->c->s, staff, &ph) : QH_E_NOTFOUND;
    if (rc < 0 && rc != QH_E_NOTFOUND) {
        qh_app_log(d->c, "photo of %s: %s", staff, qh_strerror(rc));
        return;                   /* the next snapshot tries again */
    }
    if (qh_pad_view_photo(d->v, rc == 0 ? ph.data : NULL, rc == 0 ? ph.len : 0) < 0)
        qh_app_log(d->c, "photo of %s: %s", staff, SDL_GetError());
    if (rc == 0)
        qh_photo_free(&ph);
    snprintf(d->photo_of, sizeof d->photo_of, "%s", staff);
    d->photo_stale = 0;
    d->force_draw = 1;
    d->shot_screen = (enum qh_pad_screen)-1;     /* --shots keeps the new face too */
}

static void refresh(struct pad *d)
{
    struct qh_pad_window w;
    char err[QH_ERRLEN];
    if (!d->c->s) {
        qh_pad_model_window(&d->m, NULL);
        return;
    }
    int rc = qh_pad_read(d->c->s, d->p->window, &w, err, sizeof err);
    if (rc == QH_E_DB || rc == QH_E_IO) {
        qh_app_lost(d->c, rc, err);
        return;
    }
    if (rc < 0) {
        qh_app_log(d->c, "%s", err);
        qh_pad_model_window(&d->m, NULL);
        return;
    }
    qh_pad_model_window(&d->m, &w);
    photo_sync(d);
}

static void on_state(void *ud, struct qh_store *s, const char *problem)
{
    struct pad *d = ud;
    (void)problem;
    if (s) {
        qh_hall_set_lang(s, d->p->lang);
        qh_pad_attach(s, d->p->window);
    }
    refresh(d);
}

/* The last events of the log, once, at the first connection (the top
 * of the file): the feed itself starts at the log's end. */
static void replay(struct pad *d)
{
    struct qh_event_row *evs = calloc(REPLAY, sizeof *evs);
    char err[QH_ERRLEN];
    int64_t last = 0;
    if (!evs)
        return;
    if (qh_hall_last_event(d->c->s, &last, err, sizeof err) == 0 && last > 0) {
        int n = qh_hall_events_since(d->c->s, last > REPLAY ? last - REPLAY : 0, evs, REPLAY,
                                     err, sizeof err);
        qh_pad_model_tick(&d->m, qh_clock_mono_ms(), qh_hall_now(d->c->s));
        if (n > 0)
            qh_pad_model_events(&d->m, evs, n);
    }
    free(evs);
}

static int connect_db(struct pad *d)
{
    int64_t after = 0;
    int first = !d->c->connected_once;
    int rc = qh_app_open(d->c);
    if (rc < 0)
        return rc;
    if ((rc = qh_app_follow(d->c, &after)) < 0)
        return rc;
    if (first)
        replay(d);
    d->next_snap = qh_clock_mono_ms() + SNAPSHOT_MS;
    return 0;
}

/* Carry out what the model asks, and tell it how it went. */
static void act(struct pad *d)
{
    struct qh_pad_action a;
    char err[QH_ERRLEN];
    while (qh_pad_model_take(&d->m, &a)) {
        int already = 0, rc;
        err[0] = '\0';
        if (!d->c->s)
            rc = qh_err(err, sizeof err, QH_E_DB, "%s", d->c->problem);
        else
            rc = qh_pad_do(d->c->s, d->p->window, &a, &already, err, sizeof err);
        if (rc < 0 && !already)
            qh_app_log(d->c, "%s %s: %s", a.kind == QH_PA_RATE ? "rating" : "rating_skipped",
                       a.number, err);
        if (a.kind == QH_PA_RATE)
            qh_pad_model_result(&d->m, rc, already, err);
        if ((rc == QH_E_DB || rc == QH_E_IO) && d->c->s)
            qh_app_lost(d->c, rc, err);
    }
}

static void read_events(struct pad *d)
{
    struct qh_event_row evs[EVBATCH];
    int n, any = 0;
    do {
        n = qh_app_read(d->c, evs, EVBATCH);
        if (n < 0)
            return;
        qh_pad_model_events(&d->m, evs, n);
        for (int i = 0; i < n; i++)
            if (!strcmp(evs[i].type, "staff_photo") && !strcmp(evs[i].staff, d->photo_of))
                d->photo_stale = 1;
        any |= n > 0;
    } while (n == EVBATCH);
    if (any)
        refresh(d);
}

static void heartbeat(struct pad *d)
{
    struct qh_heartbeat hb;
    char err[QH_ERRLEN];
    memset(&hb, 0, sizeof hb);
    snprintf(hb.name, sizeof hb.name, "pad:%d", d->p->window);
    snprintf(hb.kind, sizeof hb.kind, "counter");
    snprintf(hb.info, sizeof hb.info, "pad %s%s%s", qh_pad_screen_name(d->m.screen),
             d->m.number[0] ? " " : "", d->m.number);
    d->next_beat = qh_clock_mono_ms() + BEAT_MS;
    int rc = qh_hall_heartbeat(d->c->s, &hb, err, sizeof err);
    if (rc == QH_E_IO)
        qh_app_disconnect(d->c, err);
    else if (rc < 0)
        qh_app_log(d->c, "heartbeat: %s", err);
}

/* --press for the pad: face:N (5 非常满意 .. 1), reason:N (from 0),
 * submit, back, lang.  1 if it names a tap. */
static int parse_tap(const char *s, enum qh_pad_btn *b, int *arg)
{
    char *end;
    *arg = 0;
    if (!strncmp(s, "face:", 5) || !strncmp(s, "reason:", 7)) {
        const char *n = strchr(s, ':') + 1;
        long v = strtol(n, &end, 10);
        if (!*n || *end || v < 0 || v > 31)
            return 0;
        *b = s[0] == 'f' ? QH_PB_FACE : QH_PB_REASON;
        *arg = (int)v;
        return 1;
    }
    *b = !strcmp(s, "submit") ? QH_PB_SUBMIT : !strcmp(s, "back") ? QH_PB_BACK
         : !strcmp(s, "lang") ? QH_PB_LANG : QH_PB_NONE;
    return *b != QH_PB_NONE;
}

static void draw(struct pad *d)
{
    char err[QH_ERRLEN], path[4200];
    qh_pad_view_draw(d->v, &d->m);
    if (d->shots && d->m.screen != d->shot_screen) {
        snprintf(path, sizeof path, "%s/%04d-%s.png", d->shots, ++d->shot_n,
                 qh_pad_screen_name(d->m.screen));
        if (qh_ui_save_png(d->p->r, path, err, sizeof err) < 0)
            qh_app_log(d->c, "%s", err);
        d->shot_screen = d->m.screen;
    }
    if (d->p->win)
        SDL_RenderPresent(d->p->r);
    d->drawn_gen = d->m.gen;
    d->force_draw = 0;
}

static void tick(struct pad *d)
{
    qh_pad_model_tick(&d->m, qh_clock_mono_ms(), d->c->s ? qh_app_now(d->c) : 0);
    act(d);
}

static int screenshot(struct pad *d)
{
    char err[QH_ERRLEN];
    if (connect_db(d) < 0 && d->c->damaged[0])
        return 3;
    tick(d);
    read_events(d);
    act(d);
    for (int i = 0; i < d->p->npress; i++) {
        enum qh_pad_btn b;
        int arg;
        if (!parse_tap(d->p->press[i], &b, &arg)) {
            qh_app_log(d->c, "--press %s: the pad takes face:N, reason:N, submit, back, lang",
                       d->p->press[i]);
            return 2;
        }
        qh_pad_model_tap(&d->m, b, arg);
        act(d);
        refresh(d);
    }
    tick(d);
    draw(d);
    printf("screen: %s\n", qh_pad_screen_name(d->m.screen));
    if (d->m.number[0])
        printf("ticket: %s\n", d->m.number);
    if (d->m.msg[0])
        printf("message: %s\n", d->m.msg);
    if (qh_ui_save_png(d->p->r, d->p->screenshot, err, sizeof err) < 0) {
        qh_app_log(d->c, "%s", err);
        return 3;
    }
    if (d->p->debug) {
        const struct qh_ui_box *b;
        int n = qh_ui_boxes(qh_pad_view_ui(d->v), &b);
        for (int i = 0; i < n; i++)
            fprintf(stderr, "pad: box %d,%d %dx%d px=%d %s\n", b[i].r.x, b[i].r.y, b[i].r.w,
                    b[i].r.h, b[i].px, b[i].text);
    }
    return d->m.msg[0] ? 1 : 0;
}

static void tap_at(struct pad *d, int x, int y)
{
    enum qh_pad_btn b;
    int arg;
    if (qh_pad_view_hit(d->v, x, y, &b, &arg) && qh_pad_model_tap(&d->m, b, arg))
        act(d);
}

static void handle(struct pad *d, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        *d->p->quit = 1;
        break;
    case SDL_MOUSEBUTTONDOWN:
        /* A touch arrives as a finger and again as a mouse: once only. */
        if (e->button.button == SDL_BUTTON_LEFT && e->button.which != SDL_TOUCH_MOUSEID)
            tap_at(d, e->button.x, e->button.y);
        break;
    case SDL_FINGERDOWN: {
        int w, h;
        SDL_GetRendererOutputSize(d->p->r, &w, &h);
        tap_at(d, (int)(e->tfinger.x * w), (int)(e->tfinger.y * h));
        break;
    }
    case SDL_WINDOWEVENT:
        d->force_draw = 1;
        break;
    default:
        if (e->type == SDL_RENDER_TARGETS_RESET || e->type == SDL_RENDER_DEVICE_RESET)
            d->force_draw = 1;
        break;
    }
}

static int run(struct pad *d)
{
    char err[QH_ERRLEN];
    /* The waker first: connecting hands it the feed's descriptor. */
    if (qh_app_wake_start(d->c, d->p->sig_fd, err, sizeof err) < 0)
        qh_app_log(d->c, "cannot start the watch thread: changes show within half a second");
    if (connect_db(d) < 0 && d->c->damaged[0])
        return 3;
    while (!*d->p->quit) {
        int64_t mono = qh_clock_mono_ms();
        if (qh_app_retry_due(d->c, mono))
            connect_db(d);
        if (d->c->s) {
            read_events(d);
            if (d->c->s && mono >= d->next_snap) {
                refresh(d);
                d->next_snap = mono + SNAPSHOT_MS;
            }
            qh_app_check_file(d->c, mono);
            if (d->c->s && mono >= d->next_beat)
                heartbeat(d);
        }
        tick(d);
        if (d->m.gen != d->drawn_gen || d->force_draw)
            draw(d);
        qh_notify_ready();      /* the first frame is out */
        qh_notify_alive(mono);
        int timeout = qh_app_timeout(d->c, mono, 500);     /* time-outs within half a second */
        timeout = qh_notify_timeout(mono, timeout);
        SDL_Event e;
        if (SDL_WaitEventTimeout(&e, timeout)) {
            do {
                if (e.type != d->c->wake_event)
                    handle(d, &e);
            } while (SDL_PollEvent(&e));
            qh_app_wake_rearm(d->c);
        }
    }
    qh_notify_stopping();
    return 0;
}

int qh_pad_main(struct qh_pad_run *p)
{
    char err[QH_ERRLEN];
    struct pad *d = calloc(1, sizeof *d);
    int rc;
    if (!d) {
        qh_app_log(p->c, "out of memory");
        return 3;
    }
    d->p = p;
    d->c = p->c;
    d->shot_screen = (enum qh_pad_screen)-1;
    d->shots = p->shots;
    if (d->shots && mkdir(d->shots, 0755) < 0 && errno != EEXIST) {
        qh_app_log(d->c, "--shots %s: %s", d->shots, strerror(errno));
        free(d);
        return 3;
    }
    p->c->on_state = on_state;
    p->c->ud = d;
    qh_pad_model_init(&d->m, p->window, p->lang, qh_clock_mono_ms());
    if (qh_pad_view_new(&d->v, p->r, err, sizeof err) < 0) {
        qh_app_log(d->c, "%s", err);
        free(d);
        return 3;
    }
    rc = p->screenshot ? screenshot(d) : run(d);
    qh_app_fini(d->c);          /* the waker and the feed use d: stop them first */
    qh_pad_view_free(d->v);
    free(d);
    return rc;
}
