# disk_full.sh: the hall's SQLite file on a full filesystem (a 4 MB tmpfs,
# in a private mount namespace where there can be one, filled by a file).  Whether or not another
# program holds the database open (here a running qhall-display): reads
# work (status, check, report), a write is refused as 磁盘已满 / disk full
# naming the database, with nothing half-written; once the filling file is
# gone the next issue works in the same running programs, check passes and
# the numbers have no gap.
#
# Mounting needs root (CI runs as root): anywhere it cannot be done this
# test fails, it does not skip, for a skip would hide it.
if [ -z "${QH_DISK_FULL_NS:-}" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "FAIL: disk_full.sh mounts a tmpfs: run it as root (CI does)" >&2
        exit 1
    fi
    # A private namespace keeps the mount from the rest of the machine.
    # Inside a chroot (a new machine's root, as ../shared/fresh-machine
    # makes one) / is no mount point and cannot be made private: there the
    # tmpfs is mounted where the test runs, and unmounted at its exit.
    if unshare --mount --propagation private true 2>/dev/null; then
        QH_DISK_FULL_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
        echo "FAIL: unshare --mount: could not make a private mount namespace" >&2
        exit 1
    fi
fi
here=$(cd "$(dirname "$0")" && pwd)
. "$here/testlib.bash"
[ "$STORE" = sqlite ] || { echo "FAIL: disk_full.sh is about SQLite's files" >&2; exit 1; }

DISPLAY_BIN=$(dirname "$QHALL_BIN")/display/qhall-display
KIOSK=$(dirname "$QHALL_BIN")/kiosk/qhall-kiosk
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

M=$T/small
mkdir -p "$M"
if ! mount -t tmpfs -o size=4m,mode=0700 qhall-full "$M"; then
    bad "could not mount a tmpfs on $M"
    finish
fi
at_exit 'umount -l "$M" 2>/dev/null'
at_exit stop_display
DB=$M/hall.db

fill() {
    dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null || true
    if [ "$(df --output=avail "$M" | tail -1 | tr -d ' ')" = 0 ]; then pass; else
        bad "$1: $M not full: $(df "$M" | tail -1)"
    fi
}
unfill() { rm -f "$M/fill"; }
numbers() {
    run events --json
    "$PY" -c 'import json, sys
print(" ".join(json.loads(l)["number"] for l in sys.stdin
               if l.strip() and json.loads(l).get("type") == "issued"))' <<<"$OUT"
}
# reads WHAT: the commands that only read still work.
reads() {
    run status
    expect_rc 0 "$1: status"
    expect_in "$OUT" "行政审批" "$1: status shows the queues"
    run check
    expect_rc 0 "$1: check"
    expect_in "$OUT" "检查通过" "$1: check passes"
    run report
    expect_rc 0 "$1: report"
    expect_in "$OUT" "全厅合计" "$1: report"
}
# refused WHAT: an issue refused as disk full, naming the database, in
# Chinese and in English, and nothing issued.
refused() {
    local before
    before=$(numbers)
    run issue --queue A
    expect_rc 3 "$1: issue refused"
    expect_in "$ERR" "磁盘已满" "$1: the refusal says 磁盘已满"
    expect_in "$ERR" "$DB" "$1: ... and names the database"
    expect_not_in "$ERR" "disk I/O error" "$1: not SQLite's words"
    expect_not_in "$ERR" "database or disk is full" "$1: not SQLite's words"
    run --lang en issue --queue A
    expect_rc 3 "$1: issue refused (English)"
    expect_in "$ERR" "disk full" "$1: English: disk full"
    expect_in "$ERR" "$DB" "$1: English: names the database"
    expect_eq "$(numbers)" "$before" "$1: nothing issued"
}

setup_db
run issue --queue A
expect_rc 0 "A001 before the disk fills"

# ---- no program holds the file: SQLite has no -shm for it ----
[ ! -e "$DB-wal" ] && pass || bad "no holder: a -wal is left, some program holds $DB"
fill "no holder"
reads "no holder"
refused "no holder"
unfill
run issue --queue A
expect_rc 0 "no holder, space freed: issue"
expect_eq "$(numbers)" "A001 A002" "no holder, space freed: A002 follows A001"

# ---- a display holds it open ----
QHALL_NOW=$NOW "$DISPLAY_BIN" --db "$DB" --debug --mute 2>"$T/display.log" &
DPID=$!
wait_for "$T/display.log" "display: snapshot" 10 && pass || bad "display did not start"
wait_for "$T/display.log" "wait=A:2" 5 && pass || bad "display does not show 2 waiting"
fill "display holding"
reads "display holding"
refused "display holding"
# A kiosk is refused too: it pauses (暂停取号, the reason on screen) and
# issues nothing.
RC=0
KOUT=$(QHALL_NOW=$NOW "$KIOSK" --db "$DB" --screenshot "$T/kiosk.png" --debug \
       --press queue:0 --press queue-only --press take 2>"$T/kiosk.err") || RC=$?
expect_not_in "$KOUT" "ticket " "display holding: the kiosk issues no ticket"
expect_eq "$KOUT" "offline $T/kiosk.png" "display holding: the kiosk pauses (暂停取号)"
expect_in "$(cat "$T/kiosk.err")" "磁盘已满" "display holding: the kiosk's screen says why"
expect_eq "$(numbers)" "A001 A002" "display holding: still A001 A002"
kill -0 "$DPID" 2>/dev/null && pass || bad "the display stopped on the full disk"
unfill
# The same display, not restarted, sees the next ticket.
run issue --queue A
expect_rc 0 "display holding, space freed: issue"
wait_for "$T/display.log" "wait=A:3" 10 && pass || bad "the running display missed A003"
kill -0 "$DPID" 2>/dev/null && pass || bad "the display stopped"
expect_eq "$(numbers)" "A001 A002 A003" "numbers without a gap"
run check
expect_rc 0 "check after the disk was full"
expect_in "$OUT" "检查通过" "check passes after the disk was full"
stop_display
finish
