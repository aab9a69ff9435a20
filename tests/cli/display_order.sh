#!/usr/bin/env bash
# Every window calls at 08:30: with the clock fixed, window 1 calls A001
# and then window 2 calls A002 in the same second.  The real display's
# screenshot (headless) shows A002 → 2号 as now calling, and A002 before
# A001 in 最近呼叫: calls go by the event log's order, not their time.
. "$(dirname "$0")/testlib.bash"

DISPLAY_BIN=$(dirname "$QHALL_BIN")/display/qhall-display
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
NOW=2026-11-25T08:30:00+08:00

setup_db
run issue --queue A
run issue --queue A
expect_out "A002" "second number"
run call --window 1
expect_in "$OUT" "请A001号到1号窗口办理" "window 1 calls A001"
run call --window 2
expect_in "$OUT" "请A002号到2号窗口办理" "window 2 calls A002"

RC=0
QHALL_NOW=$NOW "$DISPLAY_BIN" --db "$DB" --screenshot "$T/now.png" --debug \
    2>"$T/err" || RC=$?
expect_eq "$RC" 0 "--screenshot exits 0"
[ -s "$T/now.png" ] && pass || bad "no screenshot"
OUT=$(cat "$T/err")
expect_in "$OUT" "call=A002@2" "the model's now calling"
expect_in "$OUT" "recent=A002@2,A001@1" "the model's recent calls"
# The biggest text on the screen is the number now called.
big=$(grep ' box ' "$T/err" | sed 's/.* px=\([0-9]*\) \(.*\)/\1 \2/' | sort -n | tail -1)
expect_eq "${big#* }" "A002" "the big number"
expect_in "$(grep ' box ' "$T/err")" "请到 2 号窗口办理" "the big panel's window"
expect_not_in "$(grep ' box ' "$T/err")" "请到 1 号窗口办理" "window 1 is not now calling"
if [ -n "${QHALL_ARTEFACTS:-}" ]; then
    mkdir -p "$QHALL_ARTEFACTS"
    cp "$T/now.png" "$QHALL_ARTEFACTS/display-same-second.png"
fi
finish
