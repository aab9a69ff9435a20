#!/usr/bin/env bash
# restore.sh: the nightly rotation (`qhall backup --rotate DIR --keep N`)
# and `qhall restore FILE [--force]` on a hall's SQLite file: the last N
# kept and nothing else in DIR touched, modes 0600/0700, a round trip that
# brings back exactly the hall backed up, the refusal while a display
# holds the database (and --force past it), a damaged, a foreign and a
# newer backup refused with the database untouched, an older one
# upgraded, and the replaced file kept.
source "$(dirname "$0")/testlib.bash"

DISPLAY_BIN=$(dirname "$QHALL_BIN")/display/qhall-display
mode() { stat -c %a "$1"; }
digest() { sha256sum "$1" | cut -d' ' -f1; }
tickets() { sqlite3 "$1" "SELECT group_concat(number || ':' || state, ',') FROM (SELECT number, state FROM ticket ORDER BY id)"; }

setup_db
run issue --queue A
run issue --queue A

# ---- rotation ----
BK=$T/backups
for i in 1 2 3 4 5; do
    NOW=2026-11-25T0$i:30:00+08:00
    run --json backup --rotate "$BK" --keep 3
    expect_rc 0 "rotate $i"
done
pycheck "the last rotation names its file and what it removed" \
    "d['backup'] == '$BK/$(date -d 2026-11-25T05:30:00+08:00 +qhall-%Y%m%d-%H%M%S.db)' and d['keep'] == 3 and d['removed'] == 1"
expect_eq "$(ls "$BK" | wc -l)" 3 "--keep 3 keeps three"
expect_eq "$(mode "$BK")" 700 "the backup directory is 0700"
for f in "$BK"/*; do expect_eq "$(mode "$f")" 600 "$(basename "$f") is 0600"; done
newest=$(ls "$BK" | sort | tail -1)
oldest=$(ls "$BK" | sort | head -1)
expect_eq "$(ls "$BK" | sort | tr '\n' ' ')" \
    "$(date -d 2026-11-25T03:30:00+08:00 +qhall-%Y%m%d-%H%M%S.db) $(date -d 2026-11-25T04:30:00+08:00 +qhall-%Y%m%d-%H%M%S.db) $(date -d 2026-11-25T05:30:00+08:00 +qhall-%Y%m%d-%H%M%S.db) " \
    "the three newest are kept, named by the PC's local time"
# What the rotation did not write is never its to delete.
echo note >"$BK/README"
cp "$BK/$oldest" "$BK/qhall-manual.db"
NOW=2026-11-25T06:30:00+08:00
run backup --rotate "$BK" --keep 1
expect_rc 0 "rotate --keep 1"
expect_in "$OUT" "删除了 3 份" "it says how many went"
[ -e "$BK/README" ] && [ -e "$BK/qhall-manual.db" ] && pass || bad "rotation deleted a file it did not make"
expect_eq "$(ls "$BK" | grep -c '^qhall-[0-9]')" 1 "one rotation file left"
# A directory open to others is made private; a second backup in the same second is refused.
chmod 0755 "$BK"
run backup --rotate "$BK"
expect_rc 1 "a second backup of the same second is refused"
expect_eq "$(mode "$BK")" 700 "an open backup directory is made 0700"
run backup --rotate "$BK" --keep 0
expect_rc 2 "--keep 0 is bad usage"
run backup "$T/x.db" --rotate "$BK"
expect_rc 2 "FILE and --rotate together are bad usage"
run backup --keep 3 "$T/x.db"
expect_rc 2 "--keep without --rotate is bad usage"
run backup "$T/one.db"
expect_rc 0 "plain backup FILE as before"
expect_eq "$(mode "$T/one.db")" 600 "plain backup is 0600"

# ---- a round trip ----
GOOD=$BK/$(ls "$BK" | grep '^qhall-[0-9]')
was=$(tickets "$GOOD")
expect_eq "$was" "A001:0,A002:0" "the backup holds the two tickets"
NOW=2026-11-25T07:00:00+08:00
run issue --queue A
run call --window 1
expect_eq "$(tickets "$DB")" "A001:1,A002:0,A003:0" "the hall moved on after the backup"
before=$(digest "$DB")
bk_before=$(digest "$GOOD")
NOW=2026-11-25T07:10:00+08:00
run --json restore "$GOOD"
expect_rc 0 "restore"
kept=$(jget 'd["kept"]')
expect_eq "$kept" "$DB.before-restore-$(date -d 2026-11-25T07:10:00+08:00 +%Y%m%d-%H%M%S)" "the replaced file's name"
expect_eq "$(mode "$kept")" 600 "the kept file is 0600"
expect_eq "$(tickets "$kept")" "A001:1,A002:0,A003:0" "the kept file is the hall as it was"
expect_eq "$(tickets "$DB")" "$was" "the restored hall is the backup's"
expect_eq "$(mode "$DB")" 600 "the restored database is 0600"
expect_eq "$(digest "$GOOD")" "$bk_before" "the backup itself is not written"
[ ! -e "$DB-wal" ] || [ ! -s "$DB-wal" ] && pass || bad "an old -wal was left beside the restored file"
ls "$T" | grep -q '\.restore-' && bad "a temporary file was left: $(ls "$T")" || pass
run check
expect_rc 0 "check passes on the restored hall"
expect_eq "$(sqlite3 "$DB" "SELECT type || ' ' || json_extract(detail, '$.from') || ' ' || json_extract(detail, '$.kept') FROM event ORDER BY id DESC LIMIT 1")" \
    "restored $GOOD $kept" "the restored hall's log says from what, and where the old file went"
run issue --queue A
expect_eq "$OUT" A003 "the restored hall goes on from its own numbers"

# ---- refused while a program holds the database ----
QHALL_NOW=$NOW "$DISPLAY_BIN" --db "$DB" --debug --mute 2>"$T/display.log" &
DPID=$!
at_exit stop_display
wait_for "$T/display.log" "display: snapshot" 10 && pass || bad "display did not start"
before=$(digest "$DB")
run restore "$GOOD"
expect_rc 1 "restore refused while the display runs"
expect_in "$ERR" "正被程序使用（进程 $DPID" "the refusal names the process"
expect_in "$ERR" "--force" "the refusal names --force"
expect_eq "$(digest "$DB")" "$before" "a refused restore leaves the database"
run --lang en restore "$GOOD"
expect_in "$ERR" "is in use (process $DPID" "the refusal in English"
NOW=2026-11-25T07:20:00+08:00
run restore "$GOOD" --force
expect_rc 0 "restore --force while the display runs"
expect_eq "$(tickets "$DB")" "$was" "--force restored the backup"
stop_display
NOW=2026-11-25T07:21:00+08:00
run restore "$GOOD"
expect_rc 0 "restore once the display is gone"
expect_eq "$(ls "$T" | grep -c 'before-restore-')" 3 "each restore kept the file it replaced"

# ---- backups that are refused, the database untouched ----
before=$(digest "$DB")
cp "$GOOD" "$T/damaged.db"
# Garbage over the pages after the first: a file that opens, but is not sound.
pages=$(($(stat -c %s "$T/damaged.db") / 4096))
dd if=/dev/urandom of="$T/damaged.db" bs=4096 seek=2 count=$((pages - 3)) conv=notrunc 2>/dev/null
run restore "$T/damaged.db"
expect_rc 3 "a damaged backup is refused"
expect_in "$ERR" "备份已损坏" "the refusal says it is damaged"
head -c 20000 /dev/urandom >"$T/noise.db"
run restore "$T/noise.db"
expect_rc 3 "a file that is not a database is refused"
sqlite3 "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1)"
run restore "$T/other.db"
expect_rc 2 "a database that is not a hall's is refused"
expect_in "$ERR" "不是 qhall 的数据库" "the refusal says whose it is not"
cp "$GOOD" "$T/newer.db"
sqlite3 "$T/newer.db" "PRAGMA user_version = 99"
run --lang en restore "$T/newer.db"
expect_rc 1 "a backup of a newer schema is refused"
expect_in "$ERR" "the backup's schema version 99 is newer than this qhall" "the refusal says why"
run restore "$T/missing.db"
expect_rc 1 "a missing backup is refused"
: >"$T/empty.db"
run restore "$T/empty.db"
expect_rc 2 "an empty backup is refused"
expect_eq "$(digest "$DB")" "$before" "refused backups leave the database byte for byte"
expect_eq "$(ls "$T" | grep -c 'before-restore-')" 3 "a refused restore keeps no file"
ls "$T" | grep -q '\.restore-' && bad "a temporary file was left" || pass

# ---- an older schema's backup is upgraded as it is restored ----
OLD=$QHALL_SRC/tests/upgrade/fixtures/sqlite-1.db
if [ -e "$OLD" ]; then
    cp "$OLD" "$T/v1.db"
    NOW=2026-11-25T07:30:00+08:00
    run --json restore "$T/v1.db"
    expect_rc 0 "a schema 1 backup is restored"
    pycheck "it says the backup's schema" 'd["backup_schema"] == 1'
    expect_eq "$(sqlite3 "$DB" 'PRAGMA user_version')" "$(sqlite3 "$T/one.db" 'PRAGMA user_version')" \
        "the restored file is at today's schema"
    expect_eq "$(sqlite3 "$T/v1.db" 'PRAGMA user_version')" 1 "the old backup itself stays at 1"
    run check
    expect_rc 0 "check passes on the upgraded restore"
else
    bad "no $OLD"
fi

# ---- a server's database is not restored in place ----
raw --db "postgresql:///hall?host=$T" restore "$GOOD"
expect_rc 2 "restore onto a server is refused"
expect_in "$ERR" "qhall copy --from $GOOD" "with the way to do it"

# ---- onto a PC with no database yet ----
NEWDB=$T/fresh/qhall.db
mkdir -m 0700 "$T/fresh"
RC=0; OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$NEWDB" --json restore "$GOOD" 2>"$T/stderr") || RC=$?
expect_rc 0 "restore onto a PC with no database"
pycheck "nothing was replaced" 'd["kept"] is None'
expect_eq "$(tickets "$NEWDB")" "$was" "the new PC has the backup's hall"
finish
