#!/usr/bin/env bash
# The systemd notify path without systemd: each long-running program
# (qhall-display, qhall-kiosk, qhall-counter, qhall-counter --pad,
# qhall serve) started with a fake NOTIFY_SOCKET (notify_recv.py) and
# WATCHDOG_USEC=2 s says READY=1 once its first frame (page) is out,
# WATCHDOG=1 at least twice in 3 s, none while it is stopped (SIGSTOP: the
# pings come from the process, not from outside it) and again after
# SIGCONT, and STOPPING=1 on SIGTERM, after which it exits 0.  Without
# WATCHDOG_USEC: READY=1 and no pings.  WATCHDOG_PID is set as systemd
# sets it (the unit's main process): the program itself, or cage, the
# screen units' main process, as its parent; naming another process, it
# silences the pings (a child that inherited the variables).  And qhall serve stops pinging
# while its HTTP thread is stuck (a rating waiting 18 s for a write lock
# another process holds) though its feed loop turns, and pings again once
# the request is through.
. "$(dirname "$0")/testlib.bash"

BIN_DIR=$(dirname "$QHALL_BIN")
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
setup_db
printf '1234\n' | q staff add w01 --name 王芳 >/dev/null

PROG_PID=
stop_all() {
    [ -z "$PROG_PID" ] || { kill -CONT "$PROG_PID" 2>/dev/null || true; stop_pid "$PROG_PID"; }
    PROG_PID=
    notify_unlisten
}
at_exit stop_all
count() { notify_count "$@"; }
until_count() { notify_until "$@" "$PROG_PID"; }

# watch NAME USEC MODE COMMAND...: run COMMAND under the fake socket (its
# stderr in $T/NAME.err) and check what it says; USEC "" for no watchdog.
# MODE is how WATCHDOG_PID names it: exec (its own pid, as systemd does for
# a main process), child (its parent's, as under cage; the parent passes
# SIGTERM on), foreign (another process's: no pings expected).
watch() {
    local name=$1 usec=$2 mode=$3 sock=$T/$1.sock log=$T/$1.notify
    shift 3
    notify_listen "$name" || bad "$name: the receiver did not start"
    local i wrap
    case $mode in
    exec) wrap='export WATCHDOG_PID=$$; exec "$@"' ;;
    foreign) wrap='export WATCHDOG_PID=1; exec "$@"' ;;
    child) wrap='export WATCHDOG_PID=$$; "$@" & c=$!; trap "kill -TERM $c" TERM; wait $c; wait $c' ;;
    esac
    if [ -n "$usec" ]; then
        NOTIFY_SOCKET=$sock WATCHDOG_USEC=$usec QHALL_NOW=$NOW sh -c "$wrap" sh "$@" \
            2>"$T/$name.err" &
    else
        NOTIFY_SOCKET=$sock QHALL_NOW=$NOW sh -c "$wrap" sh "$@" 2>"$T/$name.err" &
    fi
    PROG_PID=$!
    until_count "$log" READY=1 1 10 && pass || bad "$name: no READY=1: $(cat "$T/$name.err")"
    if [ -n "$usec" ] && [ "$mode" != foreign ]; then
        local t0 t1 n
        t0=$(mono)
        sleep 3
        n=$(count "$log" WATCHDOG=1 "$t0")
        [ "$n" -ge 2 ] && pass || bad "$name: $n WATCHDOG=1 in 3 s, expected >= 2"
    fi
    if [ -n "$usec" ] && [ "$mode" = exec ]; then
        kill -STOP "$PROG_PID"
        sleep 0.3       # a datagram sent just before the stop is read by now
        t1=$(mono)
        sleep 2.5
        n=$(count "$log" WATCHDOG=1 "$t1")
        expect_eq "$n" 0 "$name: no WATCHDOG=1 while stopped"
        kill -CONT "$PROG_PID"
        t1=$(mono)
        for ((i = 0; i < 60; i++)); do
            [ "$(count "$log" WATCHDOG=1 "$t1")" -ge 1 ] && break
            sleep 0.05
        done
        [ "$(count "$log" WATCHDOG=1 "$t1")" -ge 1 ] && pass \
            || bad "$name: no WATCHDOG=1 within 3 s of SIGCONT"
    elif [ -z "$usec" ] || [ "$mode" = foreign ]; then
        sleep 1.5
        expect_eq "$(count "$log" WATCHDOG=1)" 0 "$name: no WATCHDOG=1 ($mode, WATCHDOG_USEC=$usec)"
    fi
    expect_eq "$(count "$log" READY=1)" 1 "$name: READY=1 once"
    kill -TERM "$PROG_PID"
    local rc=0
    wait "$PROG_PID" || rc=$?
    PROG_PID=
    expect_eq "$rc" 0 "$name: exit status after SIGTERM"
    sleep 0.2
    expect_eq "$(count "$log" STOPPING=1)" 1 "$name: STOPPING=1 on SIGTERM"
    stop_all
}

# watch_bg NAME ...: watch in a subshell of its own, beside the others
# (each watch is seconds of sleeping: one after another they were most of
# a minute); its checks counted in $T/NAME.res, which watch_wait adds up.
# A subshell that stops early leaves no .res: a failure.
BG_PIDS=() BG_NAMES=()
watch_bg() {
    (
        PASS=0 FAIL=0
        trap stop_all EXIT
        watch "$@"
        echo "$PASS $FAIL" >"$T/$1.res"
    ) &
    BG_PIDS+=($!) BG_NAMES+=("$1")
}
watch_wait() {
    local i p f
    for i in "${!BG_PIDS[@]}"; do
        wait "${BG_PIDS[$i]}" || true
        if read -r p f <"$T/${BG_NAMES[$i]}.res" 2>/dev/null; then
            PASS=$((PASS + p)) FAIL=$((FAIL + f))
        else
            bad "${BG_NAMES[$i]}: the watch stopped early: $(cat "$T/${BG_NAMES[$i]}.err" 2>/dev/null)"
        fi
    done
    BG_PIDS=() BG_NAMES=()
}

# Four at a time: two cores, and a ping late by a loaded machine is not
# what these checks are about.
watch_bg display 2000000 exec "$BIN_DIR/display/qhall-display" --db "$DB" --mute
watch_bg display-nowd "" exec "$BIN_DIR/display/qhall-display" --db "$DB" --mute
watch_bg display-cage 2000000 child "$BIN_DIR/display/qhall-display" --db "$DB" --mute
watch_bg display-foreign 2000000 foreign "$BIN_DIR/display/qhall-display" --db "$DB" --mute
watch_wait
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
watch_bg kiosk 2000000 exec "$BIN_DIR/kiosk/qhall-kiosk" --db "$DB" --mute --kiosk-mode
watch_bg counter 2000000 exec "$BIN_DIR/counter/qhall-counter" --db "$DB" --window 1
watch_bg pad 2000000 exec "$BIN_DIR/counter/qhall-counter" --db "$DB" --pad --window 1
watch_bg serve 2000000 exec "$QHALL_BIN" --db "$DB" serve --allow-root --listen "127.0.0.1:$PORT"
watch_wait

# ---- serve: a stuck HTTP thread stops the pings ----
printf '1234\n' | q login --window 1 --staff w01 >/dev/null
TOKEN=$(q issue --queue A --json | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["token"])')
q call --window 1 >/dev/null
q start --window 1 >/dev/null
q finish --window 1 --outcome done >/dev/null
log=$T/stuck.notify
notify_listen stuck || bad "stuck: the receiver did not start"
NOTIFY_SOCKET=$T/stuck.sock WATCHDOG_USEC=2000000 QHALL_BUSY_MS=30000 QHALL_NOW=$NOW \
    sh -c 'export WATCHDOG_PID=$$; exec "$@"' sh "$QHALL_BIN" --db "$DB" serve --allow-root --listen "127.0.0.1:$PORT" 2>"$T/stuck.err" &
PROG_PID=$!
until_count "$log" READY=1 1 10 && pass || bad "stuck: no READY=1: $(cat "$T/stuck.err")"
FORM=$(curl -s "http://127.0.0.1:$PORT/t/$TOKEN" | sed -n 's/.*name="form" value="\([^"]*\)".*/\1/p')
[ -n "$FORM" ] && pass || bad "stuck: no rating form on the ticket's page"
# Another process holds the write lock for 18 s; the rating waits for it
# in the HTTP thread (QHALL_BUSY_MS is longer).
"$PY" -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(18)
c.execute("ROLLBACK")' "$DB" >"$T/lock.out" &
LOCK_PID=$!
for ((i = 0; i < 100; i++)); do grep -qs locked "$T/lock.out" && break; sleep 0.05; done
t0=$(mono)
curl -s -o /dev/null -w '%{http_code}' --max-time 40 -d "form=$FORM" -d score=5 \
    "http://127.0.0.1:$PORT/t/$TOKEN/rate" >"$T/rate.code" &
CURL_PID=$!
sleep 8
n=$(count "$log" WATCHDOG=1 "$t0")
[ "$n" -ge 5 ] && pass || bad "stuck: $n pings in the 8 s the request waited, its first 10 s"
sleep 4.5             # stuck 10 s after the request came (curl may come late)
t1=$(mono)
sleep 3
expect_eq "$(count "$log" WATCHDOG=1 "$t1")" 0 "stuck: no WATCHDOG=1 while a request is stuck"
expect_in "$(cat "$T/stuck.err")" "the server thread is stuck" "stuck: said once in the log"
wait "$LOCK_PID" || true
wait "$CURL_PID" || true
expect_eq "$(cat "$T/rate.code")" 303 "stuck: the rating went through after the lock"
t1=$(mono)
sleep 2.5
[ "$(count "$log" WATCHDOG=1 "$t1")" -ge 1 ] && pass || bad "stuck: no WATCHDOG=1 after the request"
stop_all
finish
