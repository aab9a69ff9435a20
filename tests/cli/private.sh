#!/usr/bin/env bash
# private.sh: the database holds PIN hashes, citizens' names, ratings and
# notes, so it is private whatever the caller's umask.  Under umask 022,
# 000 and 277 (not even the owner may write): a new database and the
# -wal/-shm that SQLite makes beside it while a reader holds it open are
# 0600 (0640 with the group of a setgid directory); a backup is 0600,
# made exclusively: a second one to the same path is refused and the
# first is unchanged.  A database (or its -wal) that any user can write,
# or in a directory any user can write without the sticky bit, is refused
# with exit 3 and the chmod that fixes it by qhall, the display, the
# kiosk and the counter; a 0644 database from an earlier version is made
# 0600 by its owner and said so once.
. "$(dirname "$0")/testlib.bash"

BIN=$(dirname "$QHALL_BIN")
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
FPID=
stop_follow() {
    stop_pid "$FPID"
    FPID=
}
at_exit stop_follow

mode() { stat -c %a "$1" 2>/dev/null || echo missing; }

# follow DB: a reader that keeps DB open (so its -wal and -shm stay), up
# once it printed the issue made here.
follow() {
    rm -f "$T/follow"
    QHALL_NOW=$NOW "$QHALL_BIN" --db "$1" --json events --follow >"$T/follow" 2>&1 &
    FPID=$!
    local number i
    number=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$1" issue --queue A)
    for ((i = 0; i < 100; i++)); do
        grep -q "\"$number\"" "$T/follow" && return 0
        sleep 0.05
    done
    bad "the reader of $1 did not start: $(cat "$T/follow")"
}

# ---- new files are private whatever the umask ----
for u in 022 000 277; do
    d=$T/umask$u
    mkdir "$d"
    umask "$u"
    QHALL_NOW=$NOW "$QHALL_BIN" --db "$d/q.db" init >/dev/null 2>"$T/err" \
        && pass || bad "umask $u: init: $(cat "$T/err")"
    expect_eq "$(mode "$d/q.db")" 600 "umask $u: a new database is 0600"
    follow "$d/q.db"
    QHALL_NOW=$NOW "$QHALL_BIN" --db "$d/q.db" issue --queue B >/dev/null
    expect_eq "$(mode "$d/q.db-wal")" 600 "umask $u: its -wal is 0600"
    expect_eq "$(mode "$d/q.db-shm")" 600 "umask $u: its -shm is 0600"
    stop_follow

    RC=0; OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$d/q.db" backup "$d/b.db" 2>&1) || RC=$?
    expect_rc 0 "umask $u: backup"
    expect_eq "$(mode "$d/b.db")" 600 "umask $u: a backup is 0600"
    sum=$(sha256sum <"$d/b.db")
    QHALL_NOW=$NOW "$QHALL_BIN" --db "$d/q.db" issue --queue A >/dev/null
    RC=0; ERR=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$d/q.db" backup "$d/b.db" 2>&1) || RC=$?
    expect_rc 1 "umask $u: a second backup to the same file is refused"
    expect_in "$ERR" "$d/b.db: 文件已存在" "umask $u: and says the file exists"
    expect_eq "$(sha256sum <"$d/b.db")" "$sum" "umask $u: the first backup is unchanged"
    # Exclusive: a symlink planted at the name is not followed.
    ln -s "$d/elsewhere.db" "$d/link.db"
    RC=0; ERR=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$d/q.db" backup "$d/link.db" 2>&1) || RC=$?
    expect_rc 1 "umask $u: a backup onto a symlink is refused"
    [ ! -e "$d/elsewhere.db" ] && pass || bad "umask $u: the backup followed the symlink"
    umask 022
done

# ---- a setgid directory: 0640 with its group ----
g=$T/shared
mkdir "$g"
chgrp daemon "$g"
chmod 2750 "$g"
umask 000
QHALL_NOW=$NOW "$QHALL_BIN" --db "$g/q.db" init >/dev/null 2>"$T/err" \
    && pass || bad "setgid: init: $(cat "$T/err")"
expect_eq "$(stat -c '%a %G' "$g/q.db")" "640 daemon" "setgid directory: 0640, its group"
follow "$g/q.db"
expect_eq "$(stat -c '%a %G' "$g/q.db-wal")" "640 daemon" "setgid directory: -wal 0640"
expect_eq "$(stat -c '%a %G' "$g/q.db-shm")" "640 daemon" "setgid directory: -shm 0640"
stop_follow
QHALL_NOW=$NOW "$QHALL_BIN" --db "$g/q.db" backup "$g/b.db" >/dev/null
expect_eq "$(stat -c '%a %G' "$g/b.db")" "640 daemon" "setgid directory: a backup 0640"
umask 022

# ---- a database any user can write is refused by every program ----
setup_db
printf '1234\n' | q staff add w01 --name 王芳 >/dev/null
chmod 666 "$DB"
run status
expect_rc 3 "qhall refuses a database any user can write"
expect_in "$ERR" "$DB: 任何用户都可写入" "qhall names the file"
expect_in "$ERR" "chmod 600 $DB" "qhall gives the fix"
run --lang en status
expect_in "$ERR" "any local user can write this database file" "the refusal in English"
expect_eq "$(mode "$DB")" 666 "a refused database is left as it was"
prog() {
    RC=0
    OUT=$(QHALL_NOW=$NOW timeout 20 "$BIN/$1/qhall-$1" --db "$DB" "${@:2}" \
              2>"$T/stderr" <<<"1234") || RC=$?
    ERR=$(cat "$T/stderr")
}
for p in display kiosk counter; do
    win=()
    [ "$p" = counter ] && win=(--window 1)
    prog "$p" "${win[@]}" --screenshot "$T/$p.png"
    expect_rc 3 "qhall-$p --screenshot refuses it"
    expect_in "$ERR" "qhall-$p: $DB: 任何用户都可写入" "qhall-$p names the file"
    expect_in "$ERR" "chmod 600 $DB" "qhall-$p gives the fix"
    [ ! -e "$T/$p.png" ] && pass || bad "qhall-$p drew a screen anyway"
done
# Running, not only a screenshot: they stop at once instead of retrying.
prog display --mute
expect_rc 3 "the running display refuses it"
prog counter --window 1
expect_rc 3 "the running counter refuses it"
prog kiosk --mute
expect_rc 3 "the running kiosk refuses it"
chmod 600 "$DB"
run status
expect_rc 0 "after chmod 600 the database is used again"

# A -wal any user can write (a reader holds it open, so it stays).
follow "$DB"
chmod 606 "$DB-wal"
run issue --queue A
expect_rc 3 "a -wal any user can write is refused"
expect_in "$ERR" "chmod 600 $DB-wal" "the -wal refusal names that file"
chmod 600 "$DB-wal"
stop_follow

# A directory any user can write: anyone could replace the file.
mkdir "$T/open"
chmod 777 "$T/open"
RC=0; ERR=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$T/open/q.db" status 2>&1) || RC=$?
expect_rc 3 "a database in a directory any user can write is refused"
expect_in "$ERR" "chmod o-w $T/open" "and the fix names the directory"
[ ! -e "$T/open/q.db" ] && pass || bad "a database was created in the open directory"
RC=0; "$BIN/display/qhall-display" --db "$T/open/q.db" --screenshot "$T/open.png" \
    2>"$T/err" || RC=$?
expect_eq "$RC" 3 "the display refuses that directory too"
chmod 1777 "$T/open"
RC=0; QHALL_NOW=$NOW "$QHALL_BIN" --db "$T/open/q.db" status >/dev/null 2>&1 || RC=$?
expect_rc 0 "with the sticky bit (as /tmp) it is safe"
expect_eq "$(mode "$T/open/q.db")" 600 "and the database there is 0600"

# ---- a 0644 database from an earlier version is made private ----
chmod 644 "$DB"
run status
expect_rc 0 "a world-readable database still opens"
expect_in "$ERR" "$DB: 数据库文件原为任何用户可读（0644），已改为 0600" "and qhall says it tightened it"
expect_eq "$(mode "$DB")" 600 "its owner made it 0600"
run status
expect_eq "$ERR" "" "said once: the next run is quiet"
# A running old program left -wal and -shm world-readable too.
follow "$DB"
chmod 644 "$DB" "$DB-wal" "$DB-shm"
run --lang en status
expect_rc 0 "status with a world-readable -wal and -shm"
expect_in "$ERR" "$DB-wal: was readable by any local user (0644); made it 0600" "-wal tightened"
for f in "$DB" "$DB-wal" "$DB-shm"; do
    expect_eq "$(mode "$f")" 600 "$(basename "$f") is 0600 again"
done
stop_follow
# The display tightens (and says so) as well.
chmod 644 "$DB"
prog display --screenshot "$T/shot.png"
expect_rc 0 "the display opens a world-readable database"
expect_in "$ERR" "qhall-display: $DB: 数据库文件原为任何用户可读" "the display says it tightened it"
expect_eq "$(mode "$DB")" 600 "the display made it 0600"
# Only the owner changes the mode: root warns about another user's file.
chown nobody "$DB"
chmod 644 "$DB"
run status
expect_rc 0 "someone else's world-readable database opens"
expect_in "$ERR" "请其所有者运行 chmod 600 $DB" "with a warning for its owner"
expect_eq "$(mode "$DB")" 644 "and its mode is the owner's to change"
chown root "$DB"
chmod 600 "$DB"

finish
