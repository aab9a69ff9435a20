/* ui_wake.c: wake a screen's SDL loop when a file descriptor is readable.
 *
 * The counter and the display sleep in SDL_WaitEvent(), which cannot
 * wait on a file descriptor, yet the change feed (qh_watch) is one.  A
 * thread polls it and pushes one SDL event per change; it then waits
 * (disarmed) until the loop has read the feed, so one burst of commits
 * costs one wake-up, not one per inotify event.  A program's signal pipe
 * may be polled too: a handler may only write a byte, and SDL_PushEvent
 * is not async-signal-safe. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qh/err.h"
#include "qh/ui.h"

struct qh_ui_waker {
    pthread_t th;
    pthread_mutex_t mu;
    int fd;             /* the watched fd, -1: none; under mu */
    int sig_fd;         /* a signal pipe's read end, or -1 */
    int ctl[2];         /* to the thread: 'a' re-arm, 'r' fd changed, 'q' quit */
    Uint32 event;
};

static void tell(struct qh_ui_waker *w, char c)
{
    if (write(w->ctl[1], &c, 1) < 0) {
        /* a full pipe already holds a wake-up for the thread */
    }
}

static void push(Uint32 type)
{
    SDL_Event e;
    SDL_zero(e);
    e.type = type;
    SDL_PushEvent(&e);
}

static void *run(void *ud)
{
    struct qh_ui_waker *w = ud;
    int armed = 1;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        int fd = w->fd;
        pthread_mutex_unlock(&w->mu);
        struct pollfd p[3] = {{w->ctl[0], POLLIN, 0}, {w->sig_fd, POLLIN, 0},
                              {armed ? fd : -1, POLLIN, 0}};
        if (poll(p, 3, -1) < 0 && errno != EINTR)
            break;
        if (p[0].revents & (POLLIN | POLLHUP)) {
            char c;
            if (read(w->ctl[0], &c, 1) != 1 || c == 'q')
                break;
            armed = 1;
        }
        if (p[1].revents & POLLIN) {
            char buf[16];
            if (read(w->sig_fd, buf, sizeof buf) < 0) {
                /* EAGAIN: another reader took it; the flags carry the news */
            }
            push(w->event);
        }
        if (p[2].revents & (POLLIN | POLLERR | POLLNVAL)) {
            armed = 0;        /* until the loop has read the feed */
            push(w->event);
        }
    }
    return NULL;
}

int qh_ui_waker_start(struct qh_ui_waker **out, Uint32 event, int sig_fd,
                      char *err, size_t errlen)
{
    struct qh_ui_waker *w = calloc(1, sizeof *w);
    *out = NULL;
    if (!w)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    w->fd = -1;
    w->sig_fd = sig_fd;
    w->event = event;
    if (pipe(w->ctl) < 0) {
        int e = errno;
        free(w);
        return qh_err(err, errlen, QH_E_IO, "pipe: %s", strerror(e));
    }
    /* A loop that re-arms faster than the thread reads must never block. */
    fcntl(w->ctl[1], F_SETFL, fcntl(w->ctl[1], F_GETFL) | O_NONBLOCK);
    pthread_mutex_init(&w->mu, NULL);
    int e = pthread_create(&w->th, NULL, run, w);
    if (e) {
        close(w->ctl[0]);
        close(w->ctl[1]);
        pthread_mutex_destroy(&w->mu);
        free(w);
        return qh_err(err, errlen, QH_E_IO, "thread: %s", strerror(e));
    }
    *out = w;
    return 0;
}

void qh_ui_waker_set_fd(struct qh_ui_waker *w, int fd)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    int same = w->fd == fd;
    w->fd = fd;
    pthread_mutex_unlock(&w->mu);
    if (!same)
        tell(w, 'r');
}

void qh_ui_waker_rearm(struct qh_ui_waker *w)
{
    if (w)
        tell(w, 'a');
}

void qh_ui_waker_stop(struct qh_ui_waker *w)
{
    if (!w)
        return;
    tell(w, 'q');
    pthread_join(w->th, NULL);
    close(w->ctl[0]);
    close(w->ctl[1]);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

int qh_ui_signal_pipe(int fds[2], char *err, size_t errlen)
{
    if (pipe(fds) < 0)
        return qh_err(err, errlen, QH_E_IO, "pipe: %s", strerror(errno));
    for (int i = 0; i < 2; i++)
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    return 0;
}

void qh_ui_catch_stop(void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}
