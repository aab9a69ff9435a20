#!/usr/bin/env bash
# A damaged database against the real programs.  A busy morning's file
# gets the pages of its `queue` and `queue_key` tables (found with the
# dbstat table) overwritten with garbage: every qhall command (status and
# check included), the display (headless), the counter and the kiosk then
# exit 3 saying what PRAGMA integrity_check finds, and the file's bytes
# are the same afterwards (no default hall is written over it, no number
# issued twice).  The backup made before restores the hall.  Also: a
# database with history but no hall is not set up again by itself; the
# display and `qhall check` leave an empty or missing file as it is.
. "$(dirname "$0")/testlib.bash"

BIN=$(dirname "$QHALL_BIN")
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
at_exit stop_display

command -v sqlite3 >/dev/null || { echo "FAIL: the sqlite3 shell is needed" >&2; exit 1; }

# prog NAME ARGS...: a screen program at $NOW, filling OUT, ERR and RC.
prog() {
    local p=$1
    shift
    RC=0
    OUT=$(QHALL_NOW=$NOW timeout 20 "$p" "$@" 2>"$T/stderr") || RC=$?
    ERR=$(cat "$T/stderr")
}

# garble DB TABLE...: the pages of the tables, all of them in the file
# (no -wal: every program has closed it), overwritten with fixed garbage
# (the same bytes on every run, so a failure can be replayed).
garble() {
    local db=$1 pages
    shift
    [ ! -s "$db-wal" ] || { bad "$db-wal holds pages: close every program first"; return; }
    for t in "$@"; do
        pages=$(sqlite3 "$db" "SELECT pageno FROM dbstat WHERE name = '$t'")
        [ -n "$pages" ] || bad "no pages of $t in dbstat"
        for p in $pages; do
            "$PY" - "$db" "$p" <<'EOF'
import sqlite3, sys
path, page = sys.argv[1], int(sys.argv[2])
size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
with open(path, "r+b") as f:
    f.seek((page - 1) * size)
    f.write(bytes((i * 131 + 7) & 255 for i in range(size)))
EOF
        done
    done
}

same_bytes() { cmp -s "$1" "$2" && pass || bad "$3: the database file changed"; }

# ---- a busy morning, a backup, then two damaged pages ----
setup_db
for i in 1 2 3 4; do
    run issue --queue A
    run issue --service T-B1
done
expect_rc 0 "issue"
run call --window 1
expect_out "请A001号到1号窗口办理"$'\n'"播报：请A零零一号到1号窗口办理" "call window 1"
run call --window 3
expect_rc 0 "call window 3"
run backup "$T/morning.db"
expect_rc 0 "backup"
garble "$DB" queue queue_key
cp "$DB" "$T/damaged.copy"

for cmd in "status" "check" "issue --queue A" "call --window 2" "--json status" \
           "init" "events"; do
    # shellcheck disable=SC2086
    run $cmd
    expect_rc 3 "qhall $cmd on a damaged database"
    expect_in "$ERR" "数据库 $DB 已损坏" "qhall $cmd names the damage"
    expect_in "$ERR" "PRAGMA integrity_check：Page " "qhall $cmd quotes integrity_check"
    expect_in "$ERR" "qhall backup" "qhall $cmd says to restore a backup"
    expect_not_in "$OUT" "A001" "qhall $cmd prints no number"
done
run --lang en issue --queue A
expect_rc 3 "issue --lang en"
expect_in "$ERR" "is damaged: stop using it and restore a backup" "the English message"
same_bytes "$T/damaged.copy" "$DB" "qhall commands"

# The screens refuse to start, with the same message.
prog "$BIN/display/qhall-display" --db "$DB" --mute
expect_rc 3 "the live display on a damaged database"
expect_in "$ERR" "qhall-display: 数据库 $DB 已损坏" "the display names the damage"
expect_in "$ERR" "PRAGMA integrity_check：Page " "the display quotes integrity_check"
prog "$BIN/display/qhall-display" --db "$DB" --screenshot "$T/d.png"
expect_rc 3 "display --screenshot on a damaged database"
prog "$BIN/counter/qhall-counter" --db "$DB" --window 1 --screenshot "$T/c.png"
expect_rc 3 "the counter on a damaged database"
expect_in "$ERR" "qhall-counter: 数据库 $DB 已损坏" "the counter names the damage"
prog "$BIN/kiosk/qhall-kiosk" --db "$DB" --screenshot "$T/k.png"
expect_rc 3 "the kiosk on a damaged database"
expect_in "$ERR" "qhall-kiosk: 数据库 $DB 已损坏" "the kiosk names the damage"
expect_in "$ERR" "PRAGMA integrity_check：Page " "the kiosk quotes integrity_check"
same_bytes "$T/damaged.copy" "$DB" "the screens"

# What the README says to do: restore the backup.  The numbers go on.
cp "$T/morning.db" "$DB"
run check
expect_rc 0 "check after the restore"
run issue --queue A
expect_out "A005" "the next number after the restore"

# ---- history but no hall: not set up again by itself ----
sqlite3 "$DB" "DELETE FROM queue; DELETE FROM setting WHERE key = 'hall_rev'"
cp "$DB" "$T/nohall.copy"
run issue --queue A
expect_rc 1 "issue on a database with history and no hall"
expect_in "$ERR" "不会自动初始化" "says it is not set up again"
expect_in "$ERR" "qhall check" "points at qhall check"
expect_not_in "$OUT" "A001" "no A001 over the old numbers"
same_bytes "$T/nohall.copy" "$DB" "issue without a hall"
run status
expect_rc 1 "status on a database with history and no hall"

# ---- empty and missing files are left as they are ----
EMPTY=$T/empty.db
: >"$EMPTY"
RC=0
OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$EMPTY" check 2>"$T/stderr") || RC=$?
ERR=$(cat "$T/stderr")
expect_rc 1 "check on an empty file"
expect_in "$ERR" "空文件" "check says the file is empty"
RC=0
OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$T/none.db" check 2>"$T/stderr") || RC=$?
expect_rc 1 "check on a missing file"
[ ! -e "$T/none.db" ] && pass || bad "check created a database"
prog "$BIN/display/qhall-display" --db "$EMPTY" --screenshot "$T/e.png" --debug
expect_rc 0 "display --screenshot on an empty file"
expect_in "$ERR" "数据库是空文件" "the display says the file is empty"
expect_in "$ERR" "box" "the display drew its frame"
# A live display (heartbeat thread and all) for a few seconds: it beats
# once at start, so a write would be there by now.
QHALL_NOW=$NOW "$BIN/display/qhall-display" --db "$EMPTY" --mute 2>"$T/display.log" &
DPID=$!
for ((i = 0; i < 60; i++)); do
    grep -q "空文件" "$T/display.log" && break
    sleep 0.05
done
sleep 2
kill -0 "$DPID" 2>/dev/null && pass || bad "the display stopped on an empty file"
stop_display
expect_in "$(cat "$T/display.log")" "数据库是空文件，尚未初始化（请运行 qhall init）" \
    "the live display says the file is empty"
[ ! -s "$EMPTY" ] && pass || bad "the display wrote into the empty file"
[ ! -e "$EMPTY-wal" ] && [ ! -e "$EMPTY-shm" ] && pass \
    || bad "the display made -wal/-shm files for the empty file"
finish
