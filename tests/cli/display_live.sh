#!/usr/bin/env bash
# The real qhall-display process against a database while the qhall CLI,
# another process, issues and calls: the display shows the new call (its
# --debug model line and its screenshot), answers SIGUSR1 with a
# screenshot, beats its heartbeat for `qhall status`, survives the
# database vanishing (连接中断, then reconnects) and stops cleanly on
# SIGTERM.  Also: usage errors exit 2, a missing database is never
# created, --screenshot renders one frame and exits.
. "$(dirname "$0")/testlib.bash"

DISPLAY_BIN=$(dirname "$QHALL_BIN")/display/qhall-display
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
at_exit stop_display

# ---- usage ----
RC=0; "$DISPLAY_BIN" --window x 2>"$T/err" || RC=$?
expect_eq "$RC" 2 "bad --window exits 2"
expect_in "$(cat "$T/err")" "qhall-display: --window" "bad --window says why"
RC=0; "$DISPLAY_BIN" --windowed 10 2>"$T/err" || RC=$?
expect_eq "$RC" 2 "bad --windowed exits 2"
RC=0; "$DISPLAY_BIN" --bogus 2>"$T/err" || RC=$?
expect_eq "$RC" 2 "unknown option exits 2"

# ---- no database: banner, and nothing created ----
RC=0
NONE=$(new_db none)
QHALL_NOW=$NOW "$DISPLAY_BIN" --db "$NONE" --screenshot "$T/none.png" --debug \
    2>"$T/err" || RC=$?
expect_eq "$RC" 0 "screenshot without a database"
expect_in "$(cat "$T/err")" "连接中断" "banner without a database"
[ -s "$T/none.png" ] && pass || bad "no screenshot without a database"
! db_exists "$NONE" && pass || bad "the display created a database"

# ---- a live display while the CLI calls ----
setup_db
printf '1234\n' | q staff add w01 --name 王芳 >/dev/null
printf '1234\n' | q login --window 1 --staff w01 >/dev/null
QHALL_NOW=$NOW "$DISPLAY_BIN" --db "$DB" --shots "$T/shots" --debug --mute \
    2>"$T/display.log" &
DPID=$!
wait_for "$T/display.log" "display: snapshot" 10 && pass || bad "display did not start"
run issue --queue A
expect_rc 0 "issue"
run call --window 1
expect_rc 0 "call"
wait_for "$T/display.log" "call=A001@1" 5 && pass || bad "display did not show A001"
wait_for "$T/display.log" "display: shot $T/shots/0001-A001.png" 5 && pass \
    || bad "no screenshot of the call"
[ -s "$T/shots/0001-A001.png" ] && pass || bad "call screenshot is empty"
grep -q "win=1:calling:A001" "$T/display.log" && pass || bad "window 1 not calling A001"
grep -q "wait=A:0" "$T/display.log" && pass || bad "waiting count not updated"

# A recall is shown again; finishing frees the window.
run recall --window 1
expect_rc 0 "recall"
run start --window 1
run finish --window 1 --outcome done
wait_for "$T/display.log" "win=1:idle" 5 && pass || bad "window 1 not free after finish"

kill -USR1 "$DPID"
wait_for "$T/display.log" "display: shot $T/shots/0002-" 5 && pass || bad "SIGUSR1 wrote no shot"

# The heartbeat: qhall status sees the display alive.
wait_for_status() {
    local i
    for ((i = 0; i < 100; i++)); do
        run status
        case "$OUT" in *"display:hall"*) return 0 ;; esac
        sleep 0.1
    done
    return 1
}
wait_for_status && pass || bad "no display heartbeat in status: $OUT"
expect_in "$OUT" "在线" "display alive in status"
expect_in "$OUT" "display:hall（显示屏）：在线（最近联系 2026-11-25T09:00:00+08:00，0 秒前）" \
    "status: the kind, the last contact and how long ago"
run --json status
pycheck "status --json: each program's last contact" '
[sorted(p) for p in d["programs"] if p["name"] == "display:hall"] ==
  [["ago_s", "alive", "at", "info", "kind", "name"]] and
any(p["kind"] == "display" and p["alive"] is True and p["ago_s"] == 0 and
    p["at"] == "2026-11-25T09:00:00+08:00" for p in d["programs"])'

# The database goes away: 连接中断, last screen kept; it comes back.
db_away "$DB"
wait_for "$T/display.log" "连接中断" 6 && pass || bad "no 连接中断 when the database vanished"
db_back "$DB"
wait_for "$T/display.log" "connected again" 12 && pass || bad "did not reconnect"
run issue --queue A
run call --window 1
wait_for "$T/display.log" "call=A002@1" 5 && pass || bad "no call after reconnect"

stop_display_timed() {
    kill -TERM "$DPID"
    local i
    for ((i = 0; i < 60; i++)); do
        kill -0 "$DPID" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$DPID" 2>/dev/null; then
        bad "display still running 3 s after SIGTERM"
        kill -KILL "$DPID"
    else
        pass
    fi
    wait "$DPID" 2>/dev/null
    expect_eq "$?" 0 "display exit status after SIGTERM"
    DPID=
}
stop_display_timed

# ---- one frame of the current state ----
RC=0
QHALL_NOW=$NOW "$DISPLAY_BIN" --db "$DB" --screenshot "$T/now.png" --windowed 1080x1920 \
    --debug 2>"$T/err" || RC=$?
expect_eq "$RC" 0 "--screenshot exits 0"
expect_in "$(cat "$T/err")" "box" "--debug lists the text boxes"
expect_in "$(grep ' box ' "$T/err")" "A002" "the screenshot shows the call"
"$PY" - "$T/now.png" <<'EOF' && pass || bad "screenshot is not a 1080x1920 PNG"
import struct, sys
d = open(sys.argv[1], 'rb').read(24)
assert d[:8] == b'\x89PNG\r\n\x1a\n'
w, h = struct.unpack('>II', d[16:24])
assert (w, h) == (1080, 1920), (w, h)
EOF
if [ -n "${QHALL_ARTEFACTS:-}" ]; then
    mkdir -p "$QHALL_ARTEFACTS"
    cp "$T/now.png" "$QHALL_ARTEFACTS/display-live-portrait.png"
    cp "$T/shots/0001-A001.png" "$QHALL_ARTEFACTS/display-live-call.png"
fi
finish
