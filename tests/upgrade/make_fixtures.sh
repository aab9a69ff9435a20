#!/usr/bin/env bash
# make_fixtures.sh: (re)make the databases tests/upgrade/ keeps, one per
# released schema version, each made by the qhall of that version.
#
#   tests/upgrade/make_fixtures.sh [VERSION...]   e.g. sqlite-3 pg-2
#
# For each entry of the table below: a temporary git worktree of the
# commit, its qhall built there (-j2, that target only), a short day run
# with it (day() below: whatever that version's CLI had), and the result
# saved in tests/upgrade/fixtures/: sqlite-N.db (VACUUMed) or pg-N.sql (a
# plain pg_dump of a database on a private server, tests/pg/server.sh).
# The worktree and the server are removed afterwards.
#
# The commit of a version is the last one on the main line before the
# next version's migration arrived: a version's migration was still
# amended after it first appeared (schema 4 gained the issued-event link
# in f0003d0 after d3fbe83 made it), and the last shape is the one a
# hall ran.  10 / pg 4, today's schema, is taken where it was introduced.
# The script checks that the file says the version it should.
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
out=$src/tests/upgrade/fixtures
mkdir -p "$out"

# store version commit
table="sqlite 1 f92e12c
sqlite 2 5c5ff27
sqlite 3 98247a5
sqlite 4 b350f70
sqlite 5 ecd43e9
sqlite 6 3d70e8a
sqlite 7 5f275f0
sqlite 8 0ed112e
sqlite 9 ab5cd09
sqlite 10 4f7a13d
pg 1 5f275f0
pg 2 0ed112e
pg 3 ab5cd09
pg 4 4f7a13d"

want=("$@")
wanted() {
    [ ${#want[@]} -eq 0 ] && return 0
    local w
    for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done
    return 1
}

PGDIR=
stop_pg() { [ -n "$PGDIR" ] && bash "$src/tests/pg/server.sh" stop "$PGDIR" >/dev/null 2>&1 || true; }
WT=
cleanup() {
    stop_pg
    if [ -n "$WT" ]; then git -C "$src" worktree remove --force "$WT" 2>/dev/null || true; fi
}
trap cleanup EXIT

# try CMD...: a step the version may not have; its failure is logged.
try() { "$@" >>"$LOG" 2>&1 || echo "  (not done by this version: ${*:2})" >>"$LOG"; }
# must CMD...: a step every version has.
must() { "$@" >>"$LOG" 2>&1 || { echo "make_fixtures: failed: $*" >&2; tail -5 "$LOG" >&2; exit 1; }; }

# day BIN DB: a short day at the hall of the default configuration
# (windows 1-2 serve A, 3-4 B), the next morning's first number too (the
# rollover expires what was left waiting).
day() {
    local bin=$1 db=$2 n1 n2 n3 n5 code svc
    q() { QHALL_NOW=$NOW "$bin" --db "$db" "$@"; }
    qpin() { local pin=$1; shift; printf '%s\n' "$pin" | QHALL_NOW=$NOW "$bin" --db "$db" "$@"; }
    NOW=2026-11-20T08:50:00+08:00
    must q init
    try qpin 1234 staff add s1 --name 张三
    try qpin 246813 staff add adm --name 李管理 --role admin
    try qpin 1234 login --window 1 --staff s1
    svc=$(awk -F, 'NR > 1 && $3 == "A" { print $1; exit }' "$WT/assets/services.csv")
    code=$(q appointment add --service "$svc" --at 2026-11-20T10:00 --name 王小明 2>>"$LOG" || true)
    echo "appointment: $code" >>"$LOG"
    NOW=2026-11-20T09:00:00+08:00
    n1=$(q issue --queue A)
    NOW=2026-11-20T09:01:00+08:00
    n2=$(q issue --queue A --green elderly)
    n3=$(q issue --queue A)
    must q issue --queue B
    must q issue --queue A
    must q issue --queue A
    must q issue --queue B
    NOW=2026-11-20T09:05:00+08:00
    must q call --window 1
    must q start --window 1
    NOW=2026-11-20T09:12:00+08:00
    must q finish --window 1 --outcome done --note 材料齐全
    try q rate "$n2" 5
    try qpin 246813 rate "$n2" 5 --channel paper --by adm
    must q call --window 1
    must q start --window 1
    NOW=2026-11-20T09:20:00+08:00
    must q finish --window 1 --outcome failed --note "缺少户口簿原件，已告知"
    try q rate "$n1" 1 --reason "等了很久，态度一般"
    try qpin 246813 rate "$n1" 1 --channel paper --by adm --reason "等了很久，态度一般"
    must q call --window 2
    must q start --window 2
    must q hold --window 2
    try q release "$n3"
    must q call --window 3
    try q recall --window 3
    try q recall --window 3
    try q recall --window 3
    try q recall --window 3
    try q noshow --window 3
    NOW=2026-11-20T09:30:00+08:00
    must q call --window 1
    try q transfer --window 1 --to-queue B --note 转综合窗口
    try q pause --window 2 --reason 午休
    try q resume --window 2
    if [ -n "$code" ]; then
        NOW=2026-11-20T09:55:00+08:00
        try q checkin "$code"
    fi
    must q call --window 2
    must q start --window 2
    NOW=2026-11-20T10:10:00+08:00
    try q finish --window 2 --outcome supplement --note 补交结婚证复印件
    n5=$(q issue --queue B)
    try q cancel "$n5"
    try q logout --window 1
    must q check
    NOW=2026-11-23T08:55:00+08:00
    must q issue --queue A
    must q status
}

while read -r store version commit; do
    wanted "$store-$version" || continue
    echo "== $store $version at $commit"
    WT=/tmp/ops-v$version-$store
    git -C "$src" worktree remove --force "$WT" 2>/dev/null || true
    rm -rf "$WT"
    git -C "$src" worktree add --detach "$WT" "$commit" >/dev/null
    LOG=$WT/day.log
    cmake -S "$WT" -B "$WT/build" -DQH_WERROR=OFF -DCMAKE_BUILD_TYPE=Release >"$WT/cmake.log" 2>&1
    cmake --build "$WT/build" --target qhall_cli -j2 >>"$WT/cmake.log" 2>&1 ||
        { tail -20 "$WT/cmake.log" >&2; exit 1; }
    bin=$(find "$WT/build" -name qhall -type f -perm -u+x | head -1)
    case $store in
    sqlite)
        db=$WT/fixture.db
        rm -f "$db"
        day "$bin" "$db"
        got=$(sqlite3 "$db" "PRAGMA user_version")
        [ "$got" = "$version" ] || { echo "make_fixtures: $commit made schema $got, not $version" >&2; exit 1; }
        sqlite3 "$db" "VACUUM"
        cp "$db" "$out/sqlite-$version.db"
        chmod 0600 "$out/sqlite-$version.db"
        ;;
    pg)
        PGDIR=/tmp/ops-pgfix-$$
        bash "$src/tests/pg/server.sh" start "$PGDIR" >/dev/null
        db="postgresql:///fixture?host=$PGDIR&user=qhall"
        day "$bin" "$db"
        got=$(psql -X -q -t -A -d "host=$PGDIR user=qhall dbname=fixture" -c "SELECT max(version) FROM schema_version")
        [ "$got" = "$version" ] || { echo "make_fixtures: $commit made PG schema $got, not $version" >&2; exit 1; }
        # Without the random \restrict key of newer pg_dumps: the file
        # stays the same from run to run, and older psql read it.
        pg_dump --no-owner --no-privileges -d "host=$PGDIR user=qhall dbname=fixture" |
            grep -v -e '^\\restrict ' -e '^\\unrestrict ' >"$out/pg-$version.sql"
        stop_pg
        PGDIR=
        ;;
    esac
    grep 'not done by this version' "$LOG" | sed 's/^/   /' || true
    git -C "$src" worktree remove --force "$WT"
    WT=
done <<<"$table"
