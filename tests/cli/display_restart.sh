#!/usr/bin/env bash
# "The display shows its last state again within seconds of a restart":
# a running qhall-display killed with SIGKILL (a crash, or systemd's
# watchdog) and started again (systemd's Restart=always, after RestartSec)
# shows the same call, recent calls, windows and waiting counts in its
# first snapshot, within 3 s of the start.  The state is the store's, so
# nothing the killed process held is needed.
. "$(dirname "$0")/testlib.bash"

DISPLAY_BIN=$(dirname "$QHALL_BIN")/display/qhall-display
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
at_exit stop_display

setup_db
printf '1234\n' | q staff add w01 --name 王芳 >/dev/null
printf '1234\n' | q staff add w02 --name 李强 >/dev/null
printf '1234\n' | q login --window 1 --staff w01 >/dev/null
printf '1234\n' | q login --window 2 --staff w02 >/dev/null
for i in 1 2 3 4; do q issue --queue A >/dev/null; done
q call --window 1 >/dev/null
q call --window 2 >/dev/null

# snapshot LOG: its last model line after a snapshot, without the blink
# phase (the time since the call, not the state).
snapshot() { grep "display: snapshot: " "$1" | tail -1 | sed 's/^display: snapshot: //; s/ blink=[0-9]*//'; }
until_snapshot() {
    local i
    for ((i = 0; i < $2 * 50; i++)); do
        grep -q "display: snapshot: " "$1" && return 0
        sleep 0.02
    done
    return 1
}

QHALL_NOW=$NOW "$DISPLAY_BIN" --db "$DB" --debug --mute 2>"$T/before.log" &
DPID=$!
until_snapshot "$T/before.log" 10 && pass || bad "the display did not start"
BEFORE=$(snapshot "$T/before.log")
expect_in "$BEFORE" "call=A002@2" "before: the last call"
expect_in "$BEFORE" "win=1:calling:A001,2:calling:A002" "before: the windows"
expect_in "$BEFORE" "wait=A:2" "before: waiting"

kill -KILL "$DPID"
wait "$DPID" 2>/dev/null || true
DPID=

t0=$(date +%s%N)
QHALL_NOW=$NOW "$DISPLAY_BIN" --db "$DB" --debug --mute 2>"$T/after.log" &
DPID=$!
until_snapshot "$T/after.log" 3 && pass || bad "no snapshot within 3 s of the restart"
ms=$((($(date +%s%N) - t0) / 1000000))
echo "restart: first snapshot $ms ms after the start"
AFTER=$(snapshot "$T/after.log")
expect_eq "$AFTER" "$BEFORE" "the same state after the restart"
# And it goes on: a call made now is shown.
q start --window 1 >/dev/null
q finish --window 1 --outcome done >/dev/null
run call --window 1
expect_rc 0 "call after the restart"
for ((i = 0; i < 100; i++)); do grep -q "call=A003@1" "$T/after.log" && break; sleep 0.05; done
grep -q "call=A003@1" "$T/after.log" && pass || bad "the restarted display missed a call"
stop_display
finish
