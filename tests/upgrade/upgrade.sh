#!/usr/bin/env bash
# upgrade.sh: every released schema keeps its data through today's qhall.
# tests/upgrade/fixtures/ holds a database made by each schema version's
# own qhall (make_fixtures.sh): sqlite-N.db, and pg-N.sql (a pg_dump) for
# the PostgreSQL variant (QHALL_TEST_STORE=pg, ctest upgrade_fixtures_pg).
# For each: a copy is opened by today's qhall (which migrates it), `qhall
# check` passes, every ticket, event, rating and appointment is still
# there (counts and a checksum of their columns that no migration
# rewrites, read with sqlite3/psql before and after), the report of the
# fixture's day agrees with its tickets, and a new day runs on it.  Then a
# downgrade: a database whose schema is newer than this qhall is refused
# with a message that says so, and is left byte for byte as it was.
source "$(dirname "$0")/../cli/testlib.bash"

FIX=$QHALL_SRC/tests/upgrade/fixtures
DAY=2026-11-20

# What no migration rewrites: a ticket's number and times (its id moved
# to a packed one in schema 5), each event but its ticket link, the
# ratings, appointments and follow-ups by their own columns.
KEYS=(
    "SELECT count(*) FROM ticket"
    "SELECT day, number, queue, origin, service, state, green, issued_at, called_at, started_at, finished_at, win, staff, recalls, outcome FROM ticket ORDER BY day, number"
    "SELECT count(*) FROM event"
    "SELECT id, at, type, number, queue, win, staff, detail FROM event ORDER BY id"
    "SELECT at, score, reason, win, staff, service FROM rating ORDER BY at, score"
    "SELECT code, service, slot_at, name, created_at FROM appointment ORDER BY code"
    # ... and what each of them names, by the ticket's number.
    "SELECT e.id, t.day, t.number FROM event e JOIN ticket t ON t.id = e.ticket ORDER BY e.id"
    "SELECT r.at, t.day, t.number FROM rating r JOIN ticket t ON t.id = r.ticket ORDER BY r.at, t.number"
    "SELECT a.code, t.day, t.number FROM appointment a JOIN ticket t ON t.id = a.ticket ORDER BY a.code"
)

# sums DB: one line per key query: the row count and the sha256 of its rows.
sums() {
    local q
    for q in "${KEYS[@]}"; do
        printf '%s %s\n' "$(on "$1" "$q" | wc -l)" "$(on "$1" "$q" | sha256sum | cut -c1-16)"
    done
}
# on DB SQL: rows of SQL on DB ("a|b" lines).
on() {
    case $STORE in
    sqlite) sqlite3 "$1" "$2" ;;
    pg) psql_on "$1" "$2" ;;
    esac
}
version_of() {
    case $STORE in
    sqlite) sqlite3 "$1" "PRAGMA user_version" ;;
    pg) psql_on "$1" "SELECT max(version) FROM schema_version" ;;
    esac
}

case $STORE in
sqlite) fixtures=$(ls "$FIX"/sqlite-*.db | sort -t- -k2 -n) ;;
pg) fixtures=$(ls "$FIX"/pg-*.sql | sort -t- -k2 -n) ;;
esac
[ -n "$fixtures" ] || { bad "no fixtures in $FIX"; finish; }
latest=
n=0
for f in $fixtures; do
    v=$(basename "$f"); v=${v#*-}; v=${v%.*}
    n=$((n + 1))
    DB=$(new_db "v$v")
    case $STORE in
    sqlite) cp "$f" "$DB"; chmod 0600 "$DB" ;;
    pg)
        psql_on "$PG_ADMIN" "CREATE DATABASE \"$(pg_name "$DB")\"" >/dev/null
        PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 \
            -d "$DB" -f "$f" >/dev/null
        ;;
    esac
    expect_eq "$(version_of "$DB")" "$v" "fixture $v says schema $v"
    before=$(sums "$DB")
    tickets=$(on "$DB" "SELECT count(*) FROM ticket WHERE day = '$DAY'")
    [ "$tickets" -gt 5 ] && pass || bad "fixture $v: only $tickets tickets on $DAY"

    # check only reads: an old schema is named, not upgraded.
    if [ "$STORE" = sqlite ] && [ "$v" -lt 10 ]; then
        run check
        expect_rc 3 "v$v: check before the upgrade"
        expect_in "$ERR" "qhall status" "v$v: check says how to upgrade"
    fi
    NOW=2026-11-23T10:00:00+08:00
    run status
    expect_rc 0 "v$v: status opens and migrates it"
    run --json check
    expect_rc 0 "v$v: check after the upgrade"
    pycheck "v$v: check healthy" 'd["healthy"] is True and d["problems"] == []'
    after=$(sums "$DB")
    expect_eq "$after" "$before" "v$v: every ticket, event, rating and appointment kept"
    latest=$(version_of "$DB")
    run --json report --day $DAY
    expect_rc 0 "v$v: the day's report"
    pycheck "v$v: the report counts the day's $tickets tickets" "d['arrived'] == $tickets"
    # The upgraded hall goes on: a new number, called and finished.
    run issue --queue B
    expect_rc 0 "v$v: issue after the upgrade"
    run call --window 3
    expect_rc 0 "v$v: call after the upgrade"
    run check
    expect_rc 0 "v$v: check after a new day's work"
done
expect_eq "$n" "$(ls "$FIX"/$([ "$STORE" = pg ] && echo 'pg-*.sql' || echo 'sqlite-*.db') | wc -l)" "every fixture ran"

# ---- a downgrade: this qhall on a newer schema ----
newer=$((latest + 1))
case $STORE in
sqlite)
    sqlite3 "$DB" "PRAGMA user_version = $newer"
    digest() { sha256sum "$DB" | cut -d' ' -f1; }
    ;;
pg)
    psql_on "$DB" "UPDATE schema_version SET version = $newer"
    # pg_dump's \restrict lines carry a new random key each run.
    digest() { pg_dump --no-owner -d "$DB" | grep -v -e '^--' -e '^\\restrict ' -e '^\\unrestrict ' |
               sha256sum | cut -d' ' -f1; }
    ;;
esac
was=$(digest)
run status
expect_rc 3 "a newer schema is refused"
expect_in "$ERR" "数据库结构为第 $newer 版，比本程序（第 $latest 版）新" "the refusal says why"
expect_in "$ERR" "未改动" "the refusal says nothing was changed"
run --lang en issue --queue A
expect_rc 3 "a newer schema is refused for a write"
expect_in "$ERR" "schema version $newer is newer than this qhall ($latest)" "the refusal in English"
run check
expect_rc 3 "check refuses a newer schema too"
expect_eq "$(digest)" "$was" "the newer database is byte-identical afterwards"
expect_eq "$(version_of "$DB")" "$newer" "its schema version is untouched"
if [ "$STORE" = sqlite ]; then
    # A file not in WAL mode yet: setting the mode would rewrite its header.
    sqlite3 "$DB" "PRAGMA journal_mode = DELETE" >/dev/null
    was=$(digest)
    run status
    expect_rc 3 "a newer schema in rollback-journal mode is refused"
    expect_eq "$(digest)" "$was" "... and its header is not rewritten"
fi
finish
