/* notify.h: telling systemd how a long-running program is (sd_notify).
 *
 * A unit of Type=notify waits for READY=1; with WatchdogSec= it kills
 * and restarts a program that does not send WATCHDOG=1 within that time.
 * The pings come from the program's main loop, each time it turned, and
 * never from a thread of their own: a loop that froze (a screen stuck in
 * a driver, a lock never given back) stops them, and systemd restarts the
 * program.  Without NOTIFY_SOCKET (not started by systemd) all of it is
 * a no-op; without WATCHDOG_USEC only READY and STOPPING are sent.
 *
 * Process-wide, as the socket is; call from the main thread. */
#ifndef QH_NOTIFY_H
#define QH_NOTIFY_H

#include <stdint.h>

/* READY=1, the first time only: call when the first frame (or page) is
 * out. */
void qh_notify_ready(void);
/* From the main loop, each turn: WATCHDOG=1 when half the watchdog's
 * time (WATCHDOG_USEC / 2) passed since the last one.  mono is
 * qh_clock_mono_ms. */
void qh_notify_alive(int64_t mono);
/* timeout (ms) shortened so that the loop wakes when the next ping is
 * due. */
int qh_notify_timeout(int64_t mono, int timeout);
/* STOPPING=1: the program is on its way out. */
void qh_notify_stopping(void);

#endif
