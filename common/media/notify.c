/* notify.c: READY, WATCHDOG and STOPPING to systemd (qh/notify.h).
 *
 * libsystemd's sd_notify does the socket (it returns 0, sending nothing,
 * when NOTIFY_SOCKET is unset).  The watchdog's period is read here
 * rather than by sd_watchdog_enabled, for one case: systemd names the
 * unit's main process in WATCHDOG_PID, and a screen's main process is
 * cage, which started the program (NotifyAccess=all).  So the pings are
 * this process's when WATCHDOG_PID is unset, is this process, or is its
 * parent; a child of ours, or anything else that inherited the
 * variables, pings nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "qh/log.h"
#include "qh/notify.h"

static int looked;              /* the environment was read */
static int ready;
static int64_t every_ms;        /* 0: no watchdog */
static int64_t next_ping;

static void look(void)
{
    const char *us = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
    char *end;
    if (looked)
        return;
    looked = 1;
    if (!us || !*us)
        return;
    unsigned long long usec = strtoull(us, &end, 10);
    if (*end || !usec)
        return;
    if (pid && *pid) {
        long long p = strtoll(pid, &end, 10);
        if (*end || (p != (long long)getpid() && p != (long long)getppid()))
            return;
    }
    every_ms = (int64_t)(usec / 2000);
    if (every_ms < 1)
        every_ms = 1;
    qh_log_debug("watchdog: every %lld ms", (long long)every_ms);
}

void qh_notify_ready(void)
{
    look();
    if (ready)
        return;
    ready = 1;
    if (sd_notify(0, "READY=1") > 0)
        qh_log_debug("told systemd: ready");
}

void qh_notify_alive(int64_t mono)
{
    look();
    if (!every_ms || mono < next_ping)
        return;
    next_ping = mono + every_ms;
    sd_notify(0, "WATCHDOG=1");
}

int qh_notify_timeout(int64_t mono, int timeout)
{
    look();
    if (!every_ms)
        return timeout;
    int64_t left = next_ping - mono;
    if (left < 0)
        left = 0;
    return left < timeout || timeout < 0 ? (int)left : timeout;
}

void qh_notify_stopping(void)
{
    sd_notify(0, "STOPPING=1");
}
