#!/usr/bin/env bash
# The log of every program and the CLI: QHALL_LOG picks the level (a bad
# value is refused with the reason, exit 2), --verbose is debug, and when
# stderr is the journal's stream (JOURNAL_STREAM) each line carries its
# sd-daemon level marker.  (The repeats and the markers line by line:
# tests/test_log.c.)
. "$(dirname "$0")/testlib.bash"

BIN_DIR=$(dirname "$QHALL_BIN")
DISPLAY_BIN=$BIN_DIR/display/qhall-display
KIOSK=$BIN_DIR/kiosk/qhall-kiosk
COUNTER=$BIN_DIR/counter/qhall-counter
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
setup_db

# ---- QHALL_LOG=loud: refused by each, before anything runs ----
want='QHALL_LOG: expected error, warn, info or debug, got "loud"'
for p in "$QHALL_BIN status" "$DISPLAY_BIN --screenshot $T/x.png" "$KIOSK --screenshot $T/x.png" \
         "$COUNTER --window 1 --screenshot $T/x.png" "$COUNTER --pad --window 1 --screenshot $T/x.png"; do
    RC=0
    QHALL_LOG=loud QHALL_NOW=$NOW $p --db "$DB" 2>"$T/err" >/dev/null || RC=$?
    expect_eq "$RC" 2 "QHALL_LOG=loud: $p exits 2"
    expect_in "$(cat "$T/err")" "$want" "QHALL_LOG=loud: $p says why"
    [ ! -e "$T/x.png" ] && pass || bad "$p ran with a bad QHALL_LOG"
done

# ---- --verbose (and QHALL_LOG=debug): the debug lines ----
run --verbose status
expect_rc 0 "qhall --verbose status"
expect_in "$ERR" "qhall: database $DB" "--verbose: the CLI's debug line"
QHALL_LOG=debug run status
expect_in "$ERR" "qhall: database $DB" "QHALL_LOG=debug: the CLI's debug line"
run status
expect_not_in "$ERR" "qhall: database" "no debug line by default"
for p in "$DISPLAY_BIN" "$KIOSK" "$COUNTER --window 1" "$COUNTER --pad --window 1"; do
    $p --help >"$T/help" 2>&1 || true
    expect_in "$(cat "$T/help")" "--verbose" "$p --help lists --verbose"
done
RC=0
QHALL_NOW=$NOW "$DISPLAY_BIN" --db "$DB" --screenshot "$T/v.png" --verbose 2>"$T/err" || RC=$?
expect_eq "$RC" 0 "display --verbose --screenshot"
expect_in "$(cat "$T/err")" "qhall-display: following $DB from event" "display --verbose: debug"

# ---- levels: a warning (the display's 连接中断 without a database) ----
NONE=$(new_db none)
shot() { QHALL_NOW=$NOW "$DISPLAY_BIN" --db "$NONE" --screenshot "$T/n.png" 2>"$T/err" || true; }
shot
expect_in "$(cat "$T/err")" "qhall-display: 连接中断" "the warning at the default level"
QHALL_LOG=error shot
expect_not_in "$(cat "$T/err")" "连接中断" "QHALL_LOG=error: no warning"
QHALL_LOG=warn shot
expect_in "$(cat "$T/err")" "连接中断" "QHALL_LOG=warn: the warning"

# ---- the journal: stderr is the stream JOURNAL_STREAM names ----
: >"$T/journal"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/journal") QHALL_NOW=$NOW \
    "$DISPLAY_BIN" --db "$NONE" --screenshot "$T/n.png" 2>>"$T/journal" || true
expect_in "$(head -1 "$T/journal")" "<4>qhall-display: 连接中断" "journal: the warning's marker"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/journal") QHALL_NOW=$NOW \
    "$QHALL_BIN" --db "$DB" --verbose status >/dev/null 2>>"$T/journal"
expect_in "$(cat "$T/journal")" "<7>qhall: database $DB" "journal: the debug line's marker"
# Inherited, but stderr is a file of its own: no markers.
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/journal") shot
expect_in "$(head -1 "$T/err")" "qhall-display: 连接中断" "another stderr: plain lines"
expect_not_in "$(cat "$T/err")" "<4>" "another stderr: no marker"
finish
