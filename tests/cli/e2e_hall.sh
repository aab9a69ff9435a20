#!/usr/bin/env bash
# e2e_hall.sh: the four real programs on one database under Xvfb, driven
# like people drive them (xdotool: real X clicks and key presses).  A
# citizen taps 行政审批, the first item and 确认取号 at qhall-kiosk (no
# printer: the slip's failure is recorded); the clerk logs in at
# qhall-counter --window 1 and presses F1 (call next), F4 (start) and F5
# (办结); the citizen then rates on window 1's pad (qhall-counter --pad):
# taps 不满意, the reason 态度不好 and 提交, and the rating is recorded
# with channel pad, device pad:1, the clerk and the reason, while the
# clerk's number keys set no score.  qhall-display, live in its own
# window, shows the call: its --debug model line, its --shots picture of
# the call, and that picture's pixels where the call's number is drawn.
# `qhall events` shows every step, each with the program that did it.
#
# Skipped (exit 77, which ctest shows as skipped) only when Xvfb or
# xdotool is missing; .ci/deps installs both.  Every step that fails
# fails the test.
. "$(dirname "$0")/testlib.bash"

BIN=$(dirname "$QHALL_BIN")
KIOSK=$BIN/kiosk/qhall-kiosk
COUNTER=$BIN/counter/qhall-counter
DISPLAY_BIN=$BIN/display/qhall-display

for tool in Xvfb xdotool; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        skip "no $tool (apt-get install xvfb xdotool; .ci/deps lists them)"
    fi
done

# Generous limits: under ASan on a busy 2-core machine everything is slow.
LIMIT=${QHALL_E2E_LIMIT:-30}
export QHALL_NOW=$NOW SDL_AUDIODRIVER=dummy SDL_VIDEODRIVER=x11
# SDL's software renderer: no GL driver under Xvfb (Mesa is slow on a busy
# machine, and LeakSanitizer blames the driver it unloaded at exit).
export SDL_RENDER_DRIVER=software
# No printer: CUPS is asked at a socket that does not exist.
export CUPS_SERVER=$T/no-cups.sock
unset DISPLAY WAYLAND_DISPLAY

PIDS=()
XPID=
cleanup() {
    local p i
    for p in "${PIDS[@]}" $XPID; do
        kill -TERM "$p" 2>/dev/null || continue
        for ((i = 0; i < 50; i++)); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    PIDS=()
    XPID=
}
at_exit cleanup

# until SECONDS CMD...: CMD until it succeeds, at most SECONDS.
until_ok() {
    local end=$((SECONDS + $1))
    shift
    while ! "$@"; do
        [ "$SECONDS" -lt "$end" ] || return 1
        sleep 0.1
    done
}

# in_log FILE PATTERN: grep -q, for until_ok.
in_log() { grep -q -- "$2" "$1" 2>/dev/null; }

# event EXPR: true once `qhall --json events` has a line e with EXPR.
event() {
    local out
    out=$(q --json events 2>"$T/events.err") || return 1
    OUT=$out "$PY" -c '
import json, os, sys
for line in os.environ["OUT"].splitlines():
    e = json.loads(line)
    if eval(sys.argv[1]):
        sys.exit(0)
sys.exit(1)' "$1"
}

# cpu PID: its user + system clock ticks so far.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

# settled PID: the process is alive and idle (under 10% of a CPU for
# 0.4 s), i.e. it has handled the input it was given and drawn.
settled() {
    local a b
    a=$(cpu "$1") || return 1
    sleep 0.4
    b=$(cpu "$1") || return 1
    [ -n "$a" ] && [ -n "$b" ] && [ $((b - a)) -le 4 ]
}

# idle NAME PID: wait until the program is idle; one that stays busy for
# $LIMIT s (a redraw loop, a spinning wait) fails the test.
idle() {
    until_ok "$LIMIT" settled "$2" ||
        bad "$1 still busy after $LIMIT s"$'\n'"$(tail -n 20 "$T/$1.log" 2>/dev/null)"
}

# alive NAME PID: fail the test (and stop) if the program died.
alive() {
    if ! kill -0 "$2" 2>/dev/null; then
        bad "$1 exited"$'\n'"$(tail -n 20 "$T/$1.log" 2>/dev/null)"
        finish
    fi
}

# window NAME PID TITLE: the id of the program's visible window, within
# LIMIT seconds.  One search can end early and empty-handed (xdotool
# gives up on an X error when another window comes or goes while it
# walks the tree, as the three programs' windows do at start), so it is
# asked again until the time is up; what it said goes in xdotool.log.
window() {
    local id= left end=$((SECONDS + LIMIT))
    while [ -z "$id" ] && left=$((end - SECONDS)) && [ "$left" -gt 0 ]; do
        id=$(timeout "$left" xdotool search --sync --onlyvisible --pid "$2" --name "$3" \
                 2>>"$T/xdotool.log" | head -n 1) || true
        [ -n "$id" ] || sleep 0.2
    done
    if [ -z "$id" ]; then
        bad "$1: no visible window \"$3\" in ${LIMIT}s"$'\n'"$(tail -n 20 "$T/$1.log" 2>/dev/null)"$'\n'"$(tail -n 5 "$T/xdotool.log" 2>/dev/null)"
        finish
    fi
    echo "$id"
}

# ---- the hall: a fresh database, one clerk ----
run init
expect_rc 0 "init"
printf '1234\n' | q staff add w01 --name 王芳 >/dev/null
event 'e["type"] == "staff_added" and e["staff"] == "w01"' && pass || bad "staff w01 added"

# ---- where the kiosk's buttons are, at 540x960 ----
# The offscreen kiosk draws with the same view code: a tap at each point
# must lead to the next screen (on a scratch copy of the database).
KX=270 KY_QUEUE=200 KY_ITEM=184 KY_TAKE=832
PROBE=$(new_db probe)
db_copy "$DB" "$PROBE"
probe() {
    RC=0
    OUT=$(SDL_VIDEODRIVER=dummy "$KIOSK" --db "$PROBE" --windowed 540x960 \
        --screenshot "$T/probe.png" "$@" 2>"$T/stderr") || RC=$?
}
probe --tap $KX,$KY_QUEUE
expect_eq "$OUT" "items $T/probe.png" "tap $KX,$KY_QUEUE opens 行政审批's items"
probe --tap $KX,$KY_QUEUE --tap $KX,$KY_ITEM
expect_eq "$OUT" "confirm $T/probe.png" "tap $KX,$KY_ITEM picks the first item"
probe --tap $KX,$KY_QUEUE --tap $KX,$KY_ITEM --tap $KX,$KY_TAKE
expect_eq "$OUT" "ticket $T/probe.png" "tap $KX,$KY_TAKE takes the number"

# ---- an X server of our own ----
exec 3>"$T/xdisplay"
Xvfb -displayfd 3 -screen 0 2560x1440x24 -nolisten tcp -noreset >"$T/Xvfb.log" 2>&1 &
XPID=$!
exec 3>&-
until_ok "$LIMIT" grep -q '[0-9]' "$T/xdisplay" || {
    bad "Xvfb did not start"$'\n'"$(cat "$T/Xvfb.log")"
    finish
}
DISPLAY=:$(tr -dc 0-9 <"$T/xdisplay")
export DISPLAY
pass

# ---- the three programs ----
# Under ASan: no leak check for these three (the headless tests do it).
# With the X11 driver, LeakSanitizer reports 240 bytes in 3 blocks from a
# module already unloaded at exit (SDL's dlopen()ed X libraries), which
# lsan.supp cannot name; memory errors and UBSan still fail the test.
GUI_ASAN=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
ASAN_OPTIONS=$GUI_ASAN "$DISPLAY_BIN" --db "$DB" --windowed 960x540 --shots "$T/shots" --debug --mute \
    >"$T/display.log" 2>&1 &
DPID=$!
PIDS+=("$DPID")
ASAN_OPTIONS=$GUI_ASAN "$KIOSK" --db "$DB" --windowed 540x960 >"$T/kiosk.log" 2>&1 &
KPID=$!
PIDS+=("$KPID")
ASAN_OPTIONS=$GUI_ASAN "$COUNTER" --db "$DB" --window 1 --windowed 800x480 >"$T/counter.log" 2>&1 &
CPID=$!
PIDS+=("$CPID")
ASAN_OPTIONS=$GUI_ASAN "$COUNTER" --db "$DB" --pad --window 1 --windowed 800x480 >"$T/pad.log" 2>&1 &
PPID_=$!
PIDS+=("$PPID_")

DW=$(window display "$DPID" '^qhall-display$')
KW=$(window kiosk "$KPID" '^qhall kiosk$')
CW=$(window counter "$CPID" '^qhall-counter 1$')
PW=$(window pad "$PPID_" '^qhall-pad 1$')
pass
# No window manager: put them side by side so no click lands on another
# (the screen is large enough that none overlaps).
timeout "$LIMIT" xdotool windowmove --sync "$KW" 0 0
timeout "$LIMIT" xdotool windowmove --sync "$DW" 560 0
timeout "$LIMIT" xdotool windowmove --sync "$CW" 560 580
timeout "$LIMIT" xdotool windowmove --sync "$PW" 1380 580

until_ok "$LIMIT" in_log "$T/display.log" "display: snapshot" && pass ||
    bad "the display took no snapshot"$'\n'"$(cat "$T/display.log")"
if grep -q "running headless" "$T/display.log"; then
    bad "the display runs headless, not in its window"
else
    pass
fi
# Its picture before any call, to compare with.
idle display "$DPID"
kill -USR1 "$DPID"
until_ok "$LIMIT" in_log "$T/display.log" "display: shot $T/shots/0001-screen.png" && pass ||
    bad "SIGUSR1: no picture of the idle display"

# ---- the citizen at the kiosk ----
# Each tap waits until the kiosk is idle: a tap soon after the screen
# changed is ignored as a double tap (GUARD_MS), so taps must not queue.
tap() {
    alive kiosk "$KPID"
    idle kiosk "$KPID"
    sleep 0.5
    xdotool mousemove --window "$KW" "$1" "$2" click 1
    sleep 0.5
    idle kiosk "$KPID"
}
tap $KX $KY_QUEUE
tap $KX $KY_ITEM
tap $KX $KY_TAKE
alive kiosk "$KPID"
until_ok "$LIMIT" event 'e["type"] == "issued" and e["number"] == "A001" and e["via"] == "kiosk:1"' &&
    pass || bad "the kiosk issued no A001"
run --json events
pycheck "one ticket, A001, for the first 行政审批 item" '
[(e["number"], e["service"]) for e in L if e["type"] == "issued"] == [("A001", "XK001")]'
until_ok "$LIMIT" event 'e["type"] == "print_failed" and e["number"] == "A001" and e["via"] == "kiosk:1"' &&
    pass || bad "no printer, yet no print_failed for A001"

# ---- the clerk at the counter ----
# key KEY...: real key presses into the counter's window.
key() {
    alive counter "$CPID"
    timeout "$LIMIT" xdotool windowfocus --sync "$CW"
    xdotool key --delay 80 "$@"
}
alive counter "$CPID"
idle counter "$CPID"
timeout "$LIMIT" xdotool windowfocus --sync "$CW"
xdotool type --delay 80 w01
key Tab
xdotool type --delay 80 1234
key Return
until_ok "$LIMIT" event 'e["type"] == "login" and e["staff"] == "w01" and e["window"] == 1' &&
    pass || bad "w01 not logged in at window 1"

key F1
until_ok "$LIMIT" event 'e["type"] == "called" and e["number"] == "A001" and e["window"] == 1 and e["via"] == "counter:1"' &&
    pass || bad "F1 did not call A001 at window 1"

# ---- the hall's display shows the call ----
until_ok "$LIMIT" in_log "$T/display.log" "call=A001@1" && pass ||
    bad "the display's model never showed A001 at window 1"
SHOT=$T/shots/0002-A001.png
until_ok "$LIMIT" in_log "$T/display.log" "display: shot $SHOT" && pass ||
    bad "the display took no picture of the call"
grep -q "win=1:calling:A001" "$T/display.log" && pass || bad "window 1 not calling A001 on the display"

# Where the display draws "A001" for this state: its offscreen drawing at
# the same size lists the text boxes.  In that box the live picture's ink
# (the glyphs' shape, whatever the blink's colours) must be the offscreen
# drawing's, and not the idle picture's (请留意叫号).
RC=0
SDL_VIDEODRIVER=dummy "$DISPLAY_BIN" --db "$DB" --windowed 960x540 --screenshot "$T/ref.png" \
    --debug --mute >/dev/null 2>"$T/ref.log" || RC=$?
expect_eq "$RC" 0 "offscreen display of the same state"
BOX=$(grep -m 1 ' box .* A001' "$T/ref.log" | awk '{ print $3, $4 }') || true
[ -n "$BOX" ] && pass || bad "the offscreen display lists no box with A001"$'\n'"$(cat "$T/ref.log")"
[ -s "$SHOT" ] && pass || bad "the display's picture of the call, $SHOT, is missing or empty"
if [ -n "$BOX" ] && [ -s "$SHOT" ]; then
    "$PY" - "$T/shots/0001-screen.png" "$SHOT" "$T/ref.png" $BOX <<'EOF' 2>"$T/pyerr" && pass ||
import struct, sys, zlib

def png(path):
    d = open(path, 'rb').read()
    assert d[:8] == b'\x89PNG\r\n\x1a\n', path + ': not a PNG'
    i, idat = 8, b''
    while i < len(d):
        n, kind = struct.unpack('>I4s', d[i:i + 8])
        body = d[i + 8:i + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, lace = struct.unpack('>IIBBBBB', body)
            assert depth == 8 and ctype in (2, 6) and not lace, (path, depth, ctype, lace)
        elif kind == b'IDAT':
            idat += body
        i += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev, o = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp), 0
    for _ in range(h):
        f, line = raw[o], bytearray(raw[o + 1:o + 1 + stride])
        o += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows

def region(img, x, y, w, h):
    iw, ih, bpp, rows = img
    return [tuple(rows[j][i * bpp:i * bpp + 3]) for j in range(y, min(y + h, ih))
            for i in range(x, min(x + w, iw))]

idle, live, ref = (png(p) for p in sys.argv[1:4])
x, y = map(int, sys.argv[4].split(','))
w, h = map(int, sys.argv[5].split('x'))
assert live[:2] == (960, 540), 'live picture is %dx%d, not 960x540' % live[:2]
box = [region(img, x, y, w, h) for img in (idle, live, ref)]
def near(p, q): return all(abs(u - v) <= 48 for u, v in zip(p, q))
def ink(px):
    """The glyphs' shape: pixels unlike the box's commonest colour (the
    call blinks, swapping ink and background colours)."""
    bg = max(set(px), key=px.count)
    return [not near(p, bg) for p in px]
idle_ink, live_ink, ref_ink = (ink(b) for b in box)
n = len(live_ink)
inked = sum(live_ink) / n
same_as_ref = sum(a == b for a, b in zip(live_ink, ref_ink)) / n
same_as_idle = sum(a == b for a, b in zip(live_ink, idle_ink)) / n
print('A001 box %d,%d %dx%d: %.0f%% ink; ink shape %.1f%% as drawn offscreen, %.1f%% as '
      'when idle' % (x, y, w, h, 100 * inked, 100 * same_as_ref, 100 * same_as_idle),
      file=sys.stderr)
assert 0.05 < inked < 0.6 and same_as_ref > 0.97 and same_as_idle < 0.9
EOF
        bad "the live display's picture does not show A001 where it is drawn:"$'\n'"$(cat "$T/pyerr")"
fi

# ---- serve, finish, rate ----
key F4
until_ok "$LIMIT" event 'e["type"] == "started" and e["number"] == "A001" and e["via"] == "counter:1"' &&
    pass || bad "F4 did not start A001"
key F5
until_ok "$LIMIT" event 'e["type"] == "finished" and e["number"] == "A001" and e.get("outcome") == "done"' &&
    pass || bad "F5 did not finish A001 (办结)"
# The clerk's digits no longer rate (国办发〔2019〕51号): 5 at the counter
# records nothing.
key 5
sleep 1
if event 'e["type"] == "rated"'; then
    bad "a key at the counter recorded a rating"
else
    pass
fi

# ---- the citizen rates on the pad ----
# Where 不满意, 态度不好 and 提交 are drawn at 800x480: the pad's own
# --debug boxes, from an offscreen pad on a backup of the hall as it is
# now (A001 just finished at window 1): a SQLite file on either backend,
# taken while the four programs hold the database.
PROBE_PAD=$T/probe-pad.db
run backup "$PROBE_PAD"
expect_rc 0 "backup for the pad's probe"
# center LOG TEXT: "X Y" of the box drawn with TEXT.
center() {
    awk -v t="$2" '$1 == "pad:" && $2 == "box" && $NF == t {
        split($3, p, ","); split($4, s, "x");
        print int(p[1] + s[1] / 2), int(p[2] + s[2] / 2); exit }' "$1"
}
SDL_VIDEODRIVER=dummy "$COUNTER" --db "$PROBE_PAD" --pad --window 1 --windowed 800x480 \
    --screenshot "$T/probe-rate.png" --debug >"$T/probe-rate.out" 2>"$T/probe-rate.err" || true
expect_in "$(cat "$T/probe-rate.out")" "screen: rate" "the pad asks for a rating after 办结"
read -r FX FY <<<"$(center "$T/probe-rate.err" 不满意)"
SDL_VIDEODRIVER=dummy "$COUNTER" --db "$PROBE_PAD" --pad --window 1 --windowed 800x480 \
    --screenshot "$T/probe-reasons.png" --press face:2 --debug \
    >"$T/probe-reasons.out" 2>"$T/probe-reasons.err" || true
expect_in "$(cat "$T/probe-reasons.out")" "screen: reasons" "不满意 asks for the reasons"
read -r RX RY <<<"$(center "$T/probe-reasons.err" 态度不好)"
read -r SX SY <<<"$(center "$T/probe-reasons.err" 提交)"
if [ -z "$FX" ] || [ -z "$RX" ] || [ -z "$SX" ]; then
    bad "no boxes for 不满意, 态度不好 or 提交 in the pad's --debug output"$'\n'"$(cat "$T/probe-rate.err" "$T/probe-reasons.err")"
    finish
fi
# ptap X Y: a real click on the live pad, once it is idle (a tap soon
# after the screen changed is taken as a double tap and ignored).
ptap() {
    alive pad "$PPID_"
    idle pad "$PPID_"
    sleep 0.5
    timeout "$LIMIT" xdotool windowraise "$PW"
    xdotool mousemove --window "$PW" "$1" "$2" click 1
    sleep 0.5
}
ptap "$FX" "$FY"
ptap "$RX" "$RY"
ptap "$SX" "$SY"
until_ok "$LIMIT" event 'e["type"] == "rated" and e["number"] == "A001" and e.get("score") == 2 and e.get("channel") == "pad" and e.get("device") == "pad:1" and e["staff"] == "w01" and e.get("reason") == "态度不好" and e["via"] == "pad:1"' &&
    pass || bad "the pad recorded no 不满意 (态度不好) for A001 with channel pad, device pad:1"$'\n'"$(q --json events | tail -n 3)"$'\n'"$(tail -n 20 "$T/pad.log")"
until_ok "$LIMIT" in_log "$T/display.log" "win=1:idle" && pass ||
    bad "window 1 not free on the display after 办结"

# The human-readable log says the same.
run events
for what in "issued       A001" "called       A001" "finished     A001" "rated        A001"; do
    expect_in "$OUT" "$what" "qhall events: $what"
done

if [ -n "${QHALL_ARTEFACTS:-}" ]; then
    mkdir -p "$QHALL_ARTEFACTS"
    if [ -s "$SHOT" ]; then cp "$SHOT" "$QHALL_ARTEFACTS/e2e-display-call.png"; fi
fi

# All three still running; each stops on SIGTERM, exits 0, and its log
# has no sanitizer report.
stop() {
    local name=$1 pid=$2 i rc=0
    alive "$name" "$pid"
    kill -TERM "$pid"
    for ((i = 0; i < LIMIT * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        bad "$name still running ${LIMIT} s after SIGTERM"
        kill -KILL "$pid"
    fi
    wait "$pid" || rc=$?
    expect_eq "$rc" 0 "$name's exit status after SIGTERM"
    if grep -q -E "Sanitizer|runtime error" "$T/$name.log"; then
        bad "$name: sanitizer report"$'\n'"$(grep -A 30 -E "Sanitizer|runtime error" "$T/$name.log")"
    else
        pass
    fi
}
stop kiosk "$KPID"
stop counter "$CPID"
stop pad "$PPID_"
stop display "$DPID"
PIDS=()
cleanup
finish
