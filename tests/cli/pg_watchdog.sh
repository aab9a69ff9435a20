#!/usr/bin/env bash
# pg_watchdog.sh (PostgreSQL only): the watchdog's pings come from the
# display's main loop, not from the process as a whole.  Another session
# holds the ticket table under ACCESS EXCLUSIVE for 24 s; the display's
# next snapshot (within 10 s) waits for it inside the main loop, which
# freezes while the process runs on (its heartbeat thread too): the
# pings stop, and come back once the lock is gone.  (SIGSTOP, in
# notify.sh, stops every thread; this stops only the loop.)
source "$(dirname "$0")/testlib.bash"

pg_only
DISPLAY_BIN=$(dirname "$QHALL_BIN")/display/qhall-display
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
setup_db
LOCK_PID=
at_exit stop_display
at_exit notify_unlisten
at_exit '[ -z "$LOCK_PID" ] || { kill "$LOCK_PID" 2>/dev/null; wait "$LOCK_PID" 2>/dev/null; }'

LOG=$T/display.notify
notify_listen display || bad "the receiver did not start"
NOTIFY_SOCKET=$T/display.sock WATCHDOG_USEC=2000000 QHALL_BUSY_MS=60000 QHALL_NOW=$NOW \
    sh -c 'export WATCHDOG_PID=$$; exec "$@"' sh "$DISPLAY_BIN" --db "$DB" --mute --debug \
    2>"$T/display.err" &
DPID=$!
notify_until "$LOG" READY=1 1 10 "$DPID" && pass || bad "no READY=1: $(cat "$T/display.err")"
snaps() { grep -c "display: snapshot" "$T/display.err" || true; }
before=$(snaps)

psql_on "$DB" "BEGIN; LOCK TABLE ticket IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(24); COMMIT" \
    >/dev/null 2>"$T/lock.err" &
LOCK_PID=$!
t0=$(mono)
sleep 12              # the loop's next snapshot (every 10 s) is waiting now
t1=$(mono)
sleep 8
expect_eq "$(notify_count "$LOG" WATCHDOG=1 "$t1")" 0 "no WATCHDOG=1 while the loop waits"
state=$(awk '{print $3}' "/proc/$DPID/stat" 2>/dev/null || echo gone)
[ "$state" = S ] && pass || bad "the display is not running and waiting (state $state)"
expect_eq "$(snaps)" "$before" "no snapshot while the ticket table is locked"
n=$(notify_count "$LOG" WATCHDOG=1 "$t0")
[ "$n" -ge 1 ] && pass || bad "no WATCHDOG=1 at all after the lock was taken (the loop froze at once?)"
wait "$LOCK_PID" || bad "the lock's session failed: $(cat "$T/lock.err")"
LOCK_PID=
t2=$(mono)
sleep 3
[ "$(notify_count "$LOG" WATCHDOG=1 "$t2")" -ge 2 ] && pass || bad "no WATCHDOG=1 after the lock"
[ "$(snaps)" -gt "$before" ] && pass || bad "no snapshot after the lock"
stop_display
finish
