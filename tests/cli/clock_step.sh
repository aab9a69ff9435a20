#!/usr/bin/env bash
# clock_step.sh: the system clock moves under running programs.  Every
# process here reads a clock of libfaketime's, running, whose offset this
# script sets (the machine's own clock is left alone), with the monotonic
# clock real: as when NTP or an administrator steps a PC's clock.
#  a. Midnight: a display left running shows 2026-11-25's calls and
#     waiting counts; once its clock passes midnight it shows the new day,
#     with nothing waiting and no call, by itself (no event needed).  The
#     first number of the new day is A001 again, and the display shows it.
#  b. The clock stepped back one hour in the middle of the day: numbers go
#     on where they were (no A001 again, none given twice), a ticket issued
#     before the step and called after it has waited 0 s, not a negative
#     time, the display goes on showing each call, and `qhall check` is
#     clean.
#  c. The clock stepped forward one hour: the same.
# On PostgreSQL the hall's clock is the server's: with this PC's clock an
# hour behind, an hour ahead or a day ahead, `qhall status` and a display
# show the server's service day, a number issued is stamped with the
# server's time, and `qhall doctor` names the difference.
# Skipped (exit 77) without libfaketime (Debian package faketime, which
# .ci/deps installs).
. "$(dirname "$0")/testlib.bash"

DISPLAY_BIN=$(dirname "$QHALL_BIN")/display/qhall-display
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
unset DISPLAY WAYLAND_DISPLAY

FAKETIME_LIB=
for f in /usr/lib/*/faketime/libfaketimeMT.so.1; do [ -e "$f" ] && FAKETIME_LIB=$f; done
[ -n "$FAKETIME_LIB" ] || skip "no libfaketime (apt-get install faketime; .ci/deps lists it)"
# The sanitizers' runtime must come first in a process, libfaketime is
# preloaded before it: let ASan accept that.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# clock_at TIME: every faked clock reads TIME now, and runs on from there.
clock_at() {
    local target now
    target=$(date -d "$1" +%s)
    now=$(date +%s)
    printf '%+d\n' $((target - now)) >"$T/faketime.new"
    mv "$T/faketime.new" "$T/faketime"
}
# clock_step SECONDS: the faked clocks jump by SECONDS (negative: back).
clock_step() {
    local off
    off=$(cat "$T/faketime")
    printf '%+d\n' $((off + $1)) >"$T/faketime.new"
    mv "$T/faketime.new" "$T/faketime"
}
# "${FAKE[@]}" CMD...: CMD on the faked clock, QHALL_NOW not set (env
# execs CMD: $! of a background one is the program's own).
FAKE=(env -u QHALL_NOW LD_PRELOAD="$FAKETIME_LIB" FAKETIME_TIMESTAMP_FILE="$T/faketime"
      FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1)
q() { "${FAKE[@]}" "$QHALL_BIN" --db "$DB" "$@"; }

DPID=
stop_fake_display() {
    [ -n "$DPID" ] || return 0
    kill -TERM "$DPID" 2>/dev/null || true
    wait "$DPID" 2>/dev/null || true
    DPID=
}
at_exit stop_fake_display
# until_line PATTERN SECONDS: the display's log gets a model line matching
# PATTERN (grep -E) within SECONDS; LINE is the last model line.
until_line() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        LINE=$(grep -aE '^display: (snapshot|events): ' "$T/display.log" | tail -1)
        grep -Eq -- "$1" <<<"$LINE" && return 0
        sleep 0.1
    done
    return 1
}

clock_at 2026-11-25T10:00:00+08:00
setup_db
printf '1234\n' | q staff add w01 --name 王芳 >/dev/null
printf '1234\n' | q login --window 1 --staff w01 >/dev/null

if [ "$STORE" = pg ]; then
    TODAY=$(psql_on "$DB" "SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')")
    real=$(date +%s)
    for step in -3600 3600 86400; do
        clock_at "@$((real + step))"
        run status
        expect_in "$OUT" "服务日 $TODAY" "PC clock ${step} s off: the server's day"
        run doctor
        expect_in "$OUT" "服务器时钟与本机相差 $([ "$step" -lt 0 ] && echo + || echo -)" \
            "PC clock ${step} s off: doctor names the difference"
    done
    "${FAKE[@]}" "$DISPLAY_BIN" --db "$DB" --debug --mute 2>"$T/display.log" &
    DPID=$!
    until_line "day=$TODAY " 20 && pass || bad "the display, a day ahead: not the server's day: $LINE"
    # Inside the hall's hours or not, the server stamps what is written:
    # the login event.
    printf '1234\n' | q logout --window 1 >/dev/null 2>&1 || true
    AT=$(q --json events | tail -1 | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["at"])')
    off=$(($(date -d "$AT" +%s) - $(date +%s)))
    [ "${off#-}" -le 5 ] && pass || bad "an event written a day ahead is stamped $AT ($off s off the server)"
    finish
    exit 0
fi

for i in 1 2 3; do q issue --queue A >/dev/null; done
q call --window 1 >/dev/null

# ---- a. across midnight ----
clock_at 2026-11-25T23:30:00+08:00
"${FAKE[@]}" "$DISPLAY_BIN" --db "$DB" --debug --mute 2>"$T/display.log" &
DPID=$!
until_line 'day=2026-11-25 .*call=A001@1.* wait=A:2' 20 && pass ||
    bad "before midnight: the day's call and waiting count, got: $LINE"
clock_at 2026-11-25T23:59:57+08:00
# The display's own snapshot every 10 s finds the new day.
until_line 'day=2026-11-26 ' 25 && pass || bad "no new day on the display after midnight: $LINE"
expect_in "$LINE" "call=- " "the new day: no call"
expect_in "$LINE" "wait=A:0," "the new day: nobody waiting"
expect_in "$LINE" "recent= " "the new day: no recent calls"
clock_at 2026-11-26T09:00:00+08:00
printf '1234\n' | q login --window 1 --staff w01 >/dev/null 2>&1 || true
run issue --queue A
expect_eq "$OUT" "A001" "the new day's first number"
q call --window 1 >/dev/null
until_line 'day=2026-11-26 .*call=A001@1' 10 && pass || bad "the new day's call not shown: $LINE"

# ---- b. one hour back ----
q start --window 1 >/dev/null
q finish --window 1 --outcome done >/dev/null
clock_at 2026-11-26T10:00:00+08:00
for i in 2 3 4; do q issue --queue A >/dev/null; done
clock_step -3600
run issue --queue A
expect_eq "$OUT" "A005" "after the clock went back: the next number, not one given before"
run call --window 1
expect_rc 0 "call after the clock went back"
expect_in "$OUT" "A002" "the first waiting is called"
until_line 'call=A002@1' 10 && pass || bad "the call after the step back not shown: $LINE"
WAITED=$(q --json events | "$PY" -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] == "called" and e["number"] == "A002" and e["at"].startswith("2026-11-26"):
        print(e.get("waited_s"))')
expect_eq "$WAITED" "0" "a ticket issued an hour \"later\" has waited 0 s, not a negative time"
run check
expect_rc 0 "qhall check after the step back"

# ---- c. one hour forward ----
q start --window 1 >/dev/null
q finish --window 1 --outcome done >/dev/null
clock_step 3600
clock_step 3600
run issue --queue A
expect_eq "$OUT" "A006" "after the clock went forward: the next number"
run call --window 1
expect_in "$OUT" "A003" "call after the step forward"
until_line 'call=A003@1' 10 && pass || bad "the call after the step forward not shown: $LINE"
expect_in "$LINE" "wait=A:3" "the display counts those waiting across both steps"
run check
expect_rc 0 "qhall check after the step forward"
run report --json
expect_rc 0 "the day's report after both steps"
NEG=$(printf '%s' "$OUT" | grep -Eo '"[a-z_]*(wait|handl)[a-z_]*": *-[0-9]' || true)
expect_eq "$NEG" "" "no negative wait or handling time in the report"
kill -0 "$DPID" 2>/dev/null && pass || bad "the display died: $(tail -3 "$T/display.log")"

finish
