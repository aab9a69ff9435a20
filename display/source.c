/* source.c: the display's reads through the service API, and its
 * heartbeat.
 *
 * The display only reads on its main connection: in WAL mode readers are
 * never blocked by a writer, so the screen cannot hang on a kiosk's
 * transaction.  The heartbeat is a write and may wait for the lock (up to
 * the busy timeout), so it has its own thread and connection; a server
 * that went away costs it a failed beat and a new connection next time,
 * never the screen. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qh/order.h"
#include "qh/ticket.h"
#include "source.h"

/* ---- snapshot ---- */

/* One of the day's last calls (qh_calls_each: newest first). */
static int recent_one(const struct qh_ticket_row *t, int64_t event, void *ud)
{
    struct qh_dm_snapshot *snap = ud;
    if (!t->window)
        return 0;
    struct qh_dm_call *call = &snap->recent[snap->nrecent++];
    snprintf(call->number, sizeof call->number, "%s", t->number);
    snprintf(call->queue, sizeof call->queue, "%s", t->queue);
    call->window = t->window;
    call->green = t->green[0] != 0;
    call->recalls = t->recalls;
    call->at = t->called_at;
    call->event = event;
    return snap->nrecent == QH_DM_RECENT;
}

static int read_snapshot(struct qh_store *s, struct qh_dm_snapshot *snap,
                         char *err, size_t errlen)
{
    struct qh_ticket_row *rows = NULL;
    int rc;

    if ((rc = qh_hall_reload(s, err, errlen)) < 0)
        return rc;
    if (!qh_hall_exists(s))
        return qh_err(err, errlen, QH_E_NOTFOUND, "the database has no hall yet");
    snap->hall = *qh_hall_config(s);
    qh_hall_today(s, snap->day);
    for (int i = 0; i < snap->hall.nqueues; i++) {
        int n = qh_queue_waiting(s, snap->day, snap->hall.queues[i].code);
        if (n < 0)
            return qh_err(err, errlen, n, "waiting count: %s", qh_strerror(n));
        snprintf(snap->queues[i].code, sizeof snap->queues[i].code, "%s",
                 snap->hall.queues[i].code);
        snap->queues[i].waiting = n;
    }
    snap->nqueues = snap->hall.nqueues;
    for (int i = 0; i < snap->hall.nwindows; i++) {
        const struct qh_window_conf *wc = &snap->hall.windows[i];
        struct qh_dm_window *w = &snap->windows[i];
        struct qh_window_row wr;
        struct qh_ticket_row t;
        w->number = wc->number;
        rc = qh_window_get(s, wc->number, &wr);
        if (rc == 0) {
            snprintf(w->staff, sizeof w->staff, "%s", wr.staff);
            w->paused = wr.paused;
            snprintf(w->reason, sizeof w->reason, "%s", wr.pause_reason);
        } else if (rc != QH_E_NOTFOUND) {
            return qh_err(err, errlen, rc, "window %d: %s", wc->number, qh_strerror(rc));
        }
        rc = qh_window_ticket(s, snap->day, wc->number, &t);
        if (rc == 0) {
            snprintf(w->ticket, sizeof w->ticket, "%s", t.number);
            w->ticket_state = t.state;
            w->green = t.green[0] != 0;
        } else if (rc != QH_E_NOTFOUND) {
            return qh_err(err, errlen, rc, "window %d: %s", wc->number, qh_strerror(rc));
        }
    }
    snap->nwindows = snap->hall.nwindows;
    /* Next numbers: the waiting set read once, and for each window the
     * numbers it would call in turn, by core's rule (qh/order.h), the one
     * its next call applies. */
    int n = rc = qh_ticket_list(s, snap->day, QH_TICKET_WAITING, &rows);
    if (rc < 0)
        return qh_err(err, errlen, rc, "tickets: %s", qh_strerror(rc));
    /* Compared with the tickets' stamps: the hall's clock, not this PC's. */
    int64_t now = qh_hall_now(s);
    for (int i = 0; i < snap->nwindows; i++) {
        struct qh_dm_window *w = &snap->windows[i];
        int idx[QH_DM_NEXT];
        w->nnext = qh_order_next(&snap->hall.windows[i], rows, n, now, idx, QH_DM_NEXT);
        for (int k = 0; k < w->nnext; k++)
            snprintf(w->next[k], sizeof w->next[0], "%s", rows[idx[k]].number);
    }
    free(rows);
    /* Calls in the order they were made (event ids): every window calls
     * at 08:30, and the later call is the one now calling. */
    rc = qh_calls_each(s, snap->day, QH_DM_RECENT, recent_one, snap);
    if (rc < 0)
        return qh_err(err, errlen, rc, "calls: %s", qh_strerror(rc));
    return 0;
}

int qh_display_source_snapshot(struct qh_store *s, struct qh_dm_snapshot *snap,
                               char *err, size_t errlen)
{
    /* One read transaction: counts, windows and calls of one moment, not
     * a call whose window still shows the ticket before it. */
    memset(snap, 0, sizeof *snap);
    int rc = qh_hall_snapshot_begin(s, err, errlen);
    if (rc < 0)
        return rc;
    rc = read_snapshot(s, snap, err, errlen);
    qh_hall_snapshot_end(s);
    return rc;
}

/* ---- heartbeat ---- */

struct qh_display_beat {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    char path[4096];
    int server;                   /* path names a server's database: no file to watch */
    char name[64];
    char info[256];
    int interval_ms, stall_ms;
    struct timespec alive;        /* CLOCK_MONOTONIC of the loop's last call */
    int count;
};

static int64_t since_ms(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void *beat_main(void *ud)
{
    struct qh_display_beat *b = ud;
    struct qh_store *s = NULL;
    struct qh_heartbeat hb;

    pthread_mutex_lock(&b->mu);
    while (!b->stop) {
        int fresh = since_ms(&b->alive) < b->stall_ms;
        memset(&hb, 0, sizeof hb);
        snprintf(hb.name, sizeof hb.name, "%s", b->name);
        snprintf(hb.kind, sizeof hb.kind, "display");
        snprintf(hb.info, sizeof hb.info, "%s", b->info);
        pthread_mutex_unlock(&b->mu);
        int ok = 0;
        /* Never create a database, nor write into an empty file: a
         * display pointed at the wrong path must leave nothing behind. */
        if (fresh && !s && qh_hall_open(&s, b->path, QH_OPEN_EXISTING, NULL, 0) == 0)
            qh_hall_set_actor(s, b->name);
        if (fresh && s) {
            ok = qh_hall_heartbeat(s, &hb, NULL, 0) == 0;      /* stamped by the hall */
            /* A deleted file would be written on through the open handle
             * and read by nobody. */
            if (!ok || (!b->server && access(b->path, F_OK) != 0)) {
                qh_hall_close(s);     /* reopen next time */
                s = NULL;
            }
        }
        pthread_mutex_lock(&b->mu);
        if (ok)
            b->count++;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += b->interval_ms / 1000;
        ts.tv_nsec += (long)(b->interval_ms % 1000) * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        while (!b->stop && pthread_cond_timedwait(&b->cv, &b->mu, &ts) == 0)
            ;
    }
    pthread_mutex_unlock(&b->mu);
    qh_hall_close(s);
    return NULL;
}

int qh_display_beat_start(struct qh_display_beat **out, const char *path,
                          const char *name, int interval_ms, int stall_ms,
                          char *err, size_t errlen)
{
    struct qh_display_beat *b = calloc(1, sizeof *b);

    *out = NULL;
    if (!b)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    snprintf(b->path, sizeof b->path, "%s", path);
    b->server = qh_hall_is_server(path);
    snprintf(b->name, sizeof b->name, "%s", name);
    b->interval_ms = interval_ms;
    b->stall_ms = stall_ms;
    clock_gettime(CLOCK_MONOTONIC, &b->alive);
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv, NULL);
    if (pthread_create(&b->thread, NULL, beat_main, b) != 0) {
        pthread_cond_destroy(&b->cv);
        pthread_mutex_destroy(&b->mu);
        free(b);
        return qh_err(err, errlen, QH_E_IO, "cannot start the heartbeat thread");
    }
    *out = b;
    return 0;
}

void qh_display_beat_alive(struct qh_display_beat *b, const char *info)
{
    pthread_mutex_lock(&b->mu);
    clock_gettime(CLOCK_MONOTONIC, &b->alive);
    snprintf(b->info, sizeof b->info, "%s", info ? info : "");
    pthread_mutex_unlock(&b->mu);
}

int qh_display_beat_count(struct qh_display_beat *b)
{
    pthread_mutex_lock(&b->mu);
    int n = b->count;
    pthread_mutex_unlock(&b->mu);
    return n;
}

void qh_display_beat_stop(struct qh_display_beat *b)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->mu);
    b->stop = 1;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    pthread_join(b->thread, NULL);
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
    free(b);
}
