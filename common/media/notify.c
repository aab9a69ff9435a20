/* notify.c: READY, WATCHDOG and STOPPING to systemd (qh/notify.h).
 *
 * libsystemd's sd_notify does the socket (it returns 0, sending nothing,
 * when NOTIFY_SOCKET is unset); sd_watchdog_enabled reads WATCHDOG_USEC
 * and WATCHDOG_PID, so a child that inherited them pings nothing. */
#include <stdint.h>

#include <systemd/sd-daemon.h>

#include "qh/log.h"
#include "qh/notify.h"

static int looked;              /* the environment was read */
static int ready;
static int64_t every_ms;        /* 0: no watchdog */
static int64_t next_ping;

static void look(void)
{
    uint64_t usec = 0;
    if (looked)
        return;
    looked = 1;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        every_ms = (int64_t)(usec / 2000);
        if (every_ms < 1)
            every_ms = 1;
        qh_log_debug("watchdog: every %lld ms", (long long)every_ms);
    }
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
