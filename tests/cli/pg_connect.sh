#!/usr/bin/env bash
# pg_connect.sh (PostgreSQL only): how a program names its server.  A
# password in a URI (on a command line anyone's `ps` shows, or in
# QHALL_DB, often in a unit file anyone may read) is refused before any
# connection, by the CLI and the programs alike, without echoing it; a
# list of hosts is libpq's failover: the first that answers serves.
source "$(dirname "$0")/testlib.bash"

pg_only
BIN=$(dirname "$QHALL_BIN")
setup_db
run issue --queue A
expect_out A001 "the hall's first number"

secret=S3cr3t-pw
db_name=$(pg_name "$DB")
for uri in "postgresql://qhall:$secret@/$db_name?host=$QHALL_TEST_PG" \
           "postgresql:///$db_name?host=$QHALL_TEST_PG&user=qhall&password=$secret" \
           "postgres:///$db_name?host=$QHALL_TEST_PG&pass%77ord=$secret"; do
    raw --db "$uri" issue --queue A
    expect_rc 2 "--db with a password is refused: $uri"
    expect_in "$ERR" "~/.pgpass" "the refusal says where a password goes"
    expect_not_in "$ERR$OUT" "$secret" "the refusal does not repeat the password"
done
RC=0; OUT=$(QHALL_DB="postgresql://qhall:$secret@/$db_name?host=$QHALL_TEST_PG" \
            "$QHALL_BIN" status 2>"$T/stderr") || RC=$?
ERR=$(cat "$T/stderr")
expect_rc 2 "QHALL_DB with a password is refused"
expect_in "$ERR" "密码" "in Chinese by default"
for prog in display/qhall-display kiosk/qhall-kiosk counter/qhall-counter; do
    RC=0 extra=()
    [ "$prog" = counter/qhall-counter ] && extra=(--window 1)
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy timeout 20 "$BIN/$prog" "${extra[@]}" \
        --db "postgresql://qhall:$secret@/$db_name?host=$QHALL_TEST_PG" \
        >"$T/out" 2>"$T/err" || RC=$?
    expect_rc 2 "$(basename "$prog") refuses a password in --db"
    expect_in "$(cat "$T/err")" "pgpass" "$(basename "$prog") says where it goes"
    expect_not_in "$(cat "$T/err" "$T/out")" "$secret" "$(basename "$prog") does not log it"
done
run issue --queue A
expect_out A002 "nothing was issued by a refused command"

# Failover: a host that does not answer, then the run's server.
dead=$T/nosrv
mkdir -p "$dead"
run_uri() { RC=0; OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$1" "${@:2}" 2>"$T/stderr") || RC=$?; ERR=$(cat "$T/stderr"); }
run_uri "postgresql:///$db_name?host=$dead,$QHALL_TEST_PG&user=qhall" issue --queue A
expect_rc 0 "two hosts, the first down: the second serves"
expect_out A003 "the next number, on the same hall"
run_uri "postgresql:///$db_name?host=$dead&user=qhall&connect_timeout=2" status
expect_rc 3 "no host answers: the database is unreachable (exit 3)"
expect_in "$ERR" "$dead" "the error names where it looked"
run check
expect_rc 0 "the hall checks clean"

finish
