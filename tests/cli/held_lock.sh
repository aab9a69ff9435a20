# held_lock.sh: another program holds the hall's write lock (a stuck
# writer, an admin's open transaction): a kiosk answers its citizen within
# 3 s with a plain refusal, a counter its clerk within 5 s, nothing is
# issued, and both work again once the lock is let go.  On SQLite the lock
# is a BEGIN IMMEDIATE held by python3's sqlite3; on PostgreSQL the
# writer's advisory lock held by a psql session, then a table lock on the
# events (EXCLUSIVE: reads go on, every insert waits), then a row lock on
# the tickets (the counter's call waits).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/testlib.bash"

KIOSK=$(dirname "$QHALL_BIN")/kiosk/qhall-kiosk
COUNTER=$(dirname "$QHALL_BIN")/counter/qhall-counter
export SDL_VIDEODRIVER=dummy
# The programs' own waits are under test: not the operator's override.
unset QHALL_BUSY_MS

setup_db
run staff add s01 --name 张三 <<<"1234"
expect_rc 0 "staff add"

# hold SQL...: a second session takes a lock and keeps it until release.
HPID=
hold() {
    rm -f "$T/hold.fifo" "$T/hold.out"
    mkfifo "$T/hold.fifo"
    case $STORE in
    sqlite)
        "$PY" -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()
c.execute("ROLLBACK")' "$DB" <"$T/hold.fifo" >"$T/hold.out" 2>&1 &
        ;;
    pg)
        PGOPTIONS="-c client_min_messages=warning" \
            psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$DB" <"$T/hold.fifo" >"$T/hold.out" 2>&1 &
        ;;
    esac
    HPID=$!
    exec 8>"$T/hold.fifo"
    [ "$STORE" = sqlite ] || printf '%s\n\\echo held\n' "$1" >&8
    wait_for "$T/hold.out" held 10 || { bad "the lock was not taken: $(cat "$T/hold.out")"; finish; }
}
release() {
    if [ "$STORE" = sqlite ]; then echo >&8; else echo "ROLLBACK;" >&8; fi
    exec 8>&-
    wait "$HPID" 2>/dev/null || true
    HPID=
}
at_exit '[ -z "$HPID" ] || { exec 8>&-; stop_pid "$HPID"; }'

# kiosk: issue through the screens, timed; $OUT, $ERR, $SECS.
kiosk() {
    local t0 t1
    RC=0
    t0=$(mono)
    OUT=$(QHALL_NOW=$NOW "$KIOSK" --db "$DB" --screenshot "$T/kiosk.png" --debug \
          --press queue:0 --press queue-only --press take 2>"$T/stderr") || RC=$?
    t1=$(mono)
    ERR=$(cat "$T/stderr")
    SECS=$("$PY" -c "print('%.2f' % ($t1 - $t0))")
}
# counter ARGS...: log in at window 1 (and press ARGS), timed.
counter() {
    local t0 t1
    RC=0
    t0=$(mono)
    OUT=$(QHALL_NOW=$NOW "$COUNTER" --window 1 --db "$DB" --screenshot "$T/counter.png" \
          --login s01 "$@" <<<"1234" 2>"$T/stderr") || RC=$?
    t1=$(mono)
    ERR=$(cat "$T/stderr")
    SECS=$("$PY" -c "print('%.2f' % ($t1 - $t0))")
}
# under SECS BASE LIMIT WHAT: the answer came within LIMIT s of the tap,
# the tap being where a run without the lock (BASE s: start, fonts,
# drawing) would have had its answer.
under() {
    if "$PY" -c "import sys; sys.exit(0 if $1 - $2 < $3 else 1)"; then pass; else
        bad "$4: answered $1 s after start, $2 s without the lock: want under $3 s more"
    fi
}
issued() {
    run events --json
    "$PY" -c 'import json, sys
print(sum(1 for l in sys.stdin if l.strip() and json.loads(l).get("type") == "issued"))' <<<"$OUT"
}

locks=("writer")
[ "$STORE" = sqlite ] || locks+=("event table")
for what in "${locks[@]}"; do
    case $what in
    writer) sql="SELECT pg_advisory_lock(7142011);" ;;
    *) sql="BEGIN; LOCK TABLE event IN EXCLUSIVE MODE;" ;;
    esac
    before=$(issued)
    # The same runs without the lock, refused for a reason of their own
    # (the window busy, a logged-in clerk): what starting costs here.
    kiosk
    KBASE=$SECS
    run cancel "$(run events --json; "$PY" -c 'import json, sys
print([json.loads(l)["number"] for l in sys.stdin if l.strip() and json.loads(l).get("type") == "issued"][-1])' <<<"$OUT")"
    expect_rc 0 "$what: the unlocked kiosk's ticket cancelled"
    before=$(issued)
    counter
    CBASE=$SECS
    hold "$sql"
    kiosk
    echo "kiosk under the $what lock: $SECS s (without: $KBASE s)"
    expect_eq "$OUT" "refused $T/kiosk.png" "$what lock: the kiosk refuses"
    under "$SECS" "$KBASE" 3 "$what lock: the kiosk"
    expect_in "$ERR" "系统繁忙，暂时无法取号" "$what lock: the citizen is told the system is busy"
    expect_in "$ERR" "请稍等几秒后再取一次" "$what lock: ... and to try again"
    expect_not_in "$ERR" "locked" "$what lock: no word of SQLite's on the screen"
    expect_not_in "$ERR" "lock_timeout" "$what lock: no word of PostgreSQL's on the screen"
    counter
    echo "counter under the $what lock: $SECS s (without: $CBASE s)"
    expect_rc 1 "$what lock: the counter's login is refused"
    under "$SECS" "$CBASE" 5 "$what lock: the counter"
    expect_in "$OUT" "数据库正忙" "$what lock: the clerk is told the database is busy"
    expect_in "$OUT" "请稍后再按一次" "$what lock: ... and to press again"
    expect_eq "$(issued)" "$before" "$what lock: nothing issued"
    release

    kiosk
    expect_eq "$OUT" "ticket $T/kiosk.png" "$what lock let go: the kiosk issues"
    expect_eq "$(issued)" "$((before + 1))" "$what lock let go: one ticket more"
    counter --press F1
    expect_rc 0 "$what lock let go: the counter logs in and calls"
    expect_in "$OUT" "called" "$what lock let go: a ticket is called"
    run noshow --window 1
    expect_rc 0 "$what lock let go: the window is free for the next round"
done

# PostgreSQL: a row lock another session holds on the tickets (an admin's
# SELECT ... FOR UPDATE left open) holds up the counter's call, which
# updates the ticket, for the counter's lock_timeout, not longer.
if [ "$STORE" = pg ]; then
    run issue --queue A
    expect_rc 0 "a ticket to call"
    hold "BEGIN; SELECT id FROM ticket FOR UPDATE;"
    counter --press F1
    echo "counter's call under a row lock: $SECS s (without: $CBASE s)"
    expect_rc 1 "row lock: the call is refused"
    under "$SECS" "$CBASE" 5 "row lock: the counter"
    expect_in "$OUT" "数据库正忙" "row lock: the clerk is told the database is busy"
    expect_not_in "$OUT" "ticket: " "row lock: nothing called"
    release
    counter --press F1
    expect_rc 0 "row lock let go: the call works"
    expect_in "$OUT" "called" "row lock let go: the ticket is called"
fi

run check
expect_rc 0 "check"

# The operator's QHALL_BUSY_MS still decides: a kiosk told to wait 4 s does.
hold "SELECT pg_advisory_lock(7142011);"
QHALL_BUSY_MS=4000 kiosk
expect_eq "$OUT" "refused $T/kiosk.png" "QHALL_BUSY_MS=4000: refused"
if "$PY" -c "import sys; sys.exit(0 if $SECS >= 4 else 1)"; then pass; else
    bad "QHALL_BUSY_MS=4000: the kiosk gave up after $SECS s"
fi
release
finish
