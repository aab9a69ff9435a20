#!/usr/bin/env bash
# copy.sh: `qhall copy` moves a hall that began in one PC's file into a new
# database (the test's own: a file, or a PostgreSQL database in the pg
# variant), history and all, and back out into a file; the copy verifies
# itself, the hall goes on where it left off, and a copy never lands on a
# database that holds anything.
source "$(dirname "$0")/testlib.bash"

SRC=$T/first.db
s() { QHALL_NOW=$NOW "$QHALL_BIN" --db "$SRC" "$@"; }
srun() { RC=0; OUT=$(s "$@" 2>"$T/stderr") || RC=$?; ERR=$(cat "$T/stderr"); }

# A morning on the first PC: issued, called, finished, rated, a staff
# member with a PIN, an appointment, a follow-up from a bad rating.
srun init
expect_rc 0 "init the first PC's file"
write_catalogue "$T/services.csv"
srun import services "$T/services.csv"
printf '246810\n' | s staff add S01 --name 王芳 --role admin >/dev/null
printf '1357\n' | s staff add S02 --name 李强 >/dev/null
printf '1357\n' | s login --window 1 --staff S02 >/dev/null
for q in A A B A; do s issue --queue $q >/dev/null; done
s call --window 1 >/dev/null
s start --window 1 >/dev/null
s finish --window 1 --outcome done >/dev/null
RC=0; OUT=$(printf '246810\n' | s rate A001 1 --reason 等候时间太长 --channel paper \
             --by S01 2>"$T/stderr") || RC=$?; ERR=$(cat "$T/stderr")
expect_rc 0 "a rating on the first PC"
srun --json events
src_events=$OUT
n_events=$(printf '%s\n' "$OUT" | wc -l)

# Into the test's database: every table verified, both sides checked.
raw copy --from "$SRC" --to "$DB" --json
expect_rc 0 "copy into a new database"
pycheck "every table's rows copied and verified" \
    'd["verified"] and all(t["copied"] == t["target"] for t in d["tables"])
     and {t["table"]: t["copied"] for t in d["tables"]}["event"] == '"$n_events"'
     and {t["table"]: t["copied"] for t in d["tables"]}["ticket"] == 4
     and d["check_from"] == 0 and d["check_to"] == 0'
run --json events
expect_eq "$OUT" "$src_events" "the log, event for event, id for id"
run check
expect_rc 0 "the copy checks clean"

# The hall goes on where it left off: the next numbers, the staff on
# duty, the follow-up of the bad rating.
run issue --queue A
expect_out A004 "the next number after the copied ones"
run call --window 1
expect_in "$OUT" A002 "the copy calls the next waiting ticket"
run followup list
expect_in "$OUT" A001 "the follow-up of the bad rating came along"

# Never onto a database that holds something; never without both ends.
raw copy --from "$SRC" --to "$DB"
expect_rc 1 "a copy onto a hall is refused"
expect_in "$ERR" "不是空的" "the refusal says why"
raw copy --from "$SRC"
expect_rc 2 "copy needs --to"

# Back out into a file (a server's hall goes to a file the same way), and
# a backup is such a file.
raw copy --from "$DB" --to "$T/back.db"
expect_rc 0 "copy back into a file"
QHALL_NOW=$NOW "$QHALL_BIN" --db "$T/back.db" --json events >"$T/back.events"
run --json events
expect_eq "$(cat "$T/back.events")" "$OUT" "the file holds the same log"
run backup "$T/backup.db"
expect_rc 0 "backup"
RC=0; QHALL_NOW=$NOW "$QHALL_BIN" --db "$T/backup.db" check >/dev/null || RC=$?
expect_rc 0 "the backup checks clean"
perm=$(stat -c %a "$T/backup.db")
expect_eq "$perm" 600 "the backup is private"

finish
