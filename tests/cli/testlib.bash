# testlib.bash: shared helpers for the tests/cli/*.sh scripts (sourced,
# not a test itself: ctest only runs *.sh).
#
# Each script gets a fresh directory under $QHALL_TEST_TMP and a database
# ($DB: a file in it, or with QHALL_TEST_STORE=pg a database on the run's
# private PostgreSQL server: see "the store" below), a clock fixed through
# QHALL_NOW ($NOW, moved by the script), and
# counts its checks; `finish` prints "N passed, M failed" and sets the
# exit status.  `run` captures stdout, stderr and the exit status of one
# qhall call without tripping `set -e`.
#
# A check that cannot run here (a tool .ci/deps installs is missing) is
# never a pass: `skipped REASON` notes it and the script goes on, `skip
# REASON` stops there.  Either way, if nothing failed, the script exits
# 77, which ctest shows as skipped (SKIP_RETURN_CODE in tests/CMakeLists.txt).
set -euo pipefail

: "${QHALL_BIN:?QHALL_BIN must name the qhall binary}"
: "${QHALL_TEST_TMP:=${TMPDIR:-/tmp}}"
mkdir -p "$QHALL_TEST_TMP"
T=$(mktemp -d "$QHALL_TEST_TMP/cli-$(basename "$0" .sh)-XXXXXX")
NOW=2026-11-25T09:00:00+08:00     # a Wednesday, the hall is open
PASS=0
FAIL=0
DONE=
SKIPPED=
OUT= ERR= RC=0

# The interpreter itself, not a version-manager shim that costs 150 ms a
# call: the scripts run python for every JSON check.
PY=$(python3 -c 'import sys; print(sys.executable)')

# Nothing from the developer's environment may pick another database,
# language or home.
unset QHALL_DB QHALL_LANG XDG_STATE_HOME
export HOME=$T/home

# at_exit COMMAND: run COMMAND (expanded then) when the script exits,
# before the verdict, the latest registered first: a program or a cupsd
# the script started is stopped whatever happens, and the exit status
# on_exit reports stays the script's.
AT_EXIT=()
at_exit() { AT_EXIT=("$1" "${AT_EXIT[@]}"); }

on_exit() {
    local rc=$? c
    for c in "${AT_EXIT[@]}"; do eval "$c" || true; done
    if [ -z "$DONE" ]; then
        echo "FAIL: $(basename "$0") stopped early (exit $rc) after $PASS checks; files kept in $T" >&2
        echo "$PASS passed, $((FAIL + 1)) failed"
        exit 1
    fi
    if [ "$FAIL" -eq 0 ]; then rm -rf "$T"; drop_dbs; fi
}
trap on_exit EXIT

# ---- the store ----
# The script's databases are SQLite files in $T, or with
# QHALL_TEST_STORE=pg (the _pg variants, tests/CMakeLists.txt) databases
# on the run's private PostgreSQL server, whose socket directory is
# QHALL_TEST_PG (tests/pg/server.sh): the same script, either store.  Its
# databases are dropped when it passes and kept when it fails, as $T.
# Where a script looks into the database behind qhall's back it goes
# through db_sql, db_exists, db_copy, db_away and db_back.
STORE=${QHALL_TEST_STORE:-sqlite}
case $STORE in
sqlite) ;;
pg)
    # Only the server the run started: no libpq defaults from outside.
    unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGOPTIONS PGPASSWORD
    export PGCONNECT_TIMEOUT=10
    if [ -z "${QHALL_TEST_PG:-}" ]; then
        echo "FAIL: QHALL_TEST_STORE=pg without QHALL_TEST_PG (run through ctest, fixture pg, or tests/pg/server.sh start DIR)" >&2
        exit 1
    fi
    command -v psql >/dev/null || { echo "FAIL: psql is needed (Debian package postgresql-client)" >&2; exit 1; }
    PG_ADMIN="host=$QHALL_TEST_PG user=qhall dbname=postgres"
    # Every database of this script run begins with this.
    PG_PREFIX="qh_cli_$(basename "$0" .sh | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '_' | head -c 24)_$$_"
    ;;
*) echo "FAIL: QHALL_TEST_STORE=$STORE: sqlite or pg" >&2; exit 1 ;;
esac

# pg_only: the script is about a PostgreSQL server alone (tests/cli/pg_*.sh).
pg_only() {
    [ "$STORE" = pg ] || {
        echo "FAIL: $(basename "$0") runs on PostgreSQL (QHALL_TEST_STORE=pg)" >&2; exit 1; }
}

# own_pg_server TAG: from here on the script's databases are on a
# PostgreSQL server of its own, which it may stop and restart (the run's
# shared server must not be): in /tmp/qhall-TAG-PID (a short path, the
# socket's limit: $T may be deep in a build tree), its directory $PGD,
# its script $PG_SERVER.  Its log is kept in $T, which stays when the
# script fails; the watcher (QHALL_PG_STOP_WITH_PARENT) stops it should
# the script be killed.
PG_SERVER=$(cd "$(dirname "${BASH_SOURCE[0]}")/../pg" && pwd)/server.sh
own_pg_server() {
    PGD=/tmp/qhall-$1-$$
    at_exit "QHALL_PG_KEEP_LOG=$T/server.log bash $PG_SERVER stop $PGD >/dev/null; rm -f $PGD.lock"
    QHALL_PG_STOP_WITH_PARENT=1 bash "$PG_SERVER" start "$PGD" >/dev/null
    QHALL_TEST_PG=$PGD
    PG_ADMIN="host=$PGD user=qhall dbname=postgres"
    drop_dbs() { :; }       # the server goes whole at exit
}

# psql_on CONNINFO SQL: run SQL there, rows as "a|b" lines, no headers
# and no notices; an error stops the SQL, and says it on stderr (status
# 1-3).
psql_on() {
    PGOPTIONS="-c client_min_messages=warning" \
        psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

# pg_name NAME: the database a URI of new_db names.
pg_name() {
    local n=${1#postgresql:///}
    echo "${n%%\?*}"
}

# new_db TAG: the name (for --db) of a new database of the store that does
# not exist yet, TAG telling it apart from the script's others: $T/TAG.db,
# or a URI on the server (a plain open creates it, as a file is created).
new_db() {
    local tag
    case $STORE in
    sqlite) echo "$T/$1.db" ;;
    pg)
        tag=$(printf '%s' "$1" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_' '_' | head -c 16)
        psql_on "$PG_ADMIN" "DROP DATABASE IF EXISTS \"$PG_PREFIX$tag\" WITH (FORCE)" >/dev/null
        echo "postgresql:///$PG_PREFIX$tag?host=$QHALL_TEST_PG&user=qhall"
        ;;
    esac
}

# db_sql SQL: SQL on $DB with the store's own shell (sqlite3, psql).
db_sql() {
    case $STORE in
    sqlite) sqlite3 "$DB" "$1" ;;
    pg) psql_on "$DB" "$1" ;;
    esac
}

# db_exists NAME: whether the database NAME (of new_db) exists.
db_exists() {
    case $STORE in
    sqlite) [ -e "$1" ] ;;
    pg) [ "$(psql_on "$PG_ADMIN" "SELECT count(*) FROM pg_database WHERE datname = '$(pg_name "$1")'")" = 1 ] ;;
    esac
}

# db_copy FROM TO: TO (of new_db) becomes a copy of FROM, which no program
# may hold open.
db_copy() {
    case $STORE in
    sqlite) cp "$1" "$2" ;;
    pg) psql_on "$PG_ADMIN" "CREATE DATABASE \"$(pg_name "$2")\" TEMPLATE \"$(pg_name "$1")\"" ;;
    esac
}

# db_away NAME, db_back NAME: the database goes away from under the
# programs that use it (a file moved aside; on the server, connections
# refused and every session on it ended), then comes back as it was.
db_away() {
    case $STORE in
    sqlite) mv "$1" "$1.away" ;;
    pg)
        psql_on "$PG_ADMIN" "ALTER DATABASE \"$(pg_name "$1")\" ALLOW_CONNECTIONS false" &&
            psql_on "$PG_ADMIN" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$(pg_name "$1")'" >/dev/null
        ;;
    esac
}
db_back() {
    case $STORE in
    sqlite) mv "$1.away" "$1" ;;
    pg) psql_on "$PG_ADMIN" "ALTER DATABASE \"$(pg_name "$1")\" ALLOW_CONNECTIONS true" ;;
    esac
}

# drop_dbs: the server's databases of this script run, gone (on_exit,
# when it passed).
drop_dbs() {
    local n
    [ "$STORE" = pg ] || return 0
    for n in $(psql_on "$PG_ADMIN" "SELECT datname FROM pg_database WHERE starts_with(datname, '$PG_PREFIX')"); do
        psql_on "$PG_ADMIN" "DROP DATABASE IF EXISTS \"$n\" WITH (FORCE)" >/dev/null || true
    done
}

# (QHALL_TEST_PG=own: the script starts a server of its own, own_pg_server.)
if [ "$STORE" = pg ] && [ "$QHALL_TEST_PG" != own ] && ! psql_on "$PG_ADMIN" "SELECT 1" >/dev/null; then
    echo "FAIL: no PostgreSQL server answers at $QHALL_TEST_PG" >&2
    exit 1
fi
[ "${QHALL_TEST_PG:-}" = own ] || DB=$(new_db qhall)

# q ARGS...: qhall on the test database at $NOW.
q() { QHALL_NOW=$NOW "$QHALL_BIN" --db "$DB" "$@"; }

# run ARGS...: like q, filling OUT, ERR and RC.
run() {
    RC=0
    OUT=$(q "$@" 2>"$T/stderr") || RC=$?
    ERR=$(cat "$T/stderr")
}

# rate_entry [GLOBAL-OPTIONS] NUMBER SCORE [ARGS...]: like run, an admin's
# entry of a rating given on paper (`qhall rate` since the window's pad:
# the citizen rates there, nobody at the window does).  The admin `rater`
# (PIN 246813) is added to $DB the first time.
RATE_ADMIN=
rate_entry() {
    local -a pre=()
    while [ "${1:-}" != "${1#--}" ]; do pre+=("$1" "$2"); shift 2; done
    if [ -z "$RATE_ADMIN" ]; then
        printf '246813\n' | q staff add rater --name 录入员 --role admin >/dev/null
        RATE_ADMIN=1
    fi
    RC=0
    OUT=$(printf '246813\n' | q "${pre[@]}" rate "$@" --channel paper --by rater \
          2>"$T/stderr") || RC=$?
    ERR=$(cat "$T/stderr")
}

# raw ARGS...: qhall with no --db and no clock (for env tests).
raw() {
    RC=0
    OUT=$("$QHALL_BIN" "$@" 2>"$T/stderr") || RC=$?
    ERR=$(cat "$T/stderr")
}

# stop_pid PID: SIGTERM a background program the script started, and reap it.
stop_pid() {
    if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
        kill -TERM "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}

# The display a script started in the background, stopped on exit by
# `at_exit stop_display`.
DPID=
stop_display() {
    stop_pid "$DPID"
    DPID=
}

# ---- systemd's notify socket, faked (tests/cli/notify_recv.py) ----
# notify_listen NAME: a socket $T/NAME.sock for NOTIFY_SOCKET, whose
# datagrams land in $T/NAME.notify as "<monotonic s> <line>"; the
# receiver's pid in RECV_PID (notify_unlisten stops it).
RECV_PID=
notify_listen() {
    local i
    : >"$T/$1.notify"
    "$PY" "$(dirname "${BASH_SOURCE[0]}")/notify_recv.py" "$T/$1.sock" "$T/$1.notify" \
        >"$T/$1.recv" &
    RECV_PID=$!
    for ((i = 0; i < 100; i++)); do grep -qs ready "$T/$1.recv" && return 0; sleep 0.05; done
    return 1
}
notify_unlisten() {
    [ -z "$RECV_PID" ] || { kill "$RECV_PID" 2>/dev/null || true; wait "$RECV_PID" 2>/dev/null || true; }
    RECV_PID=
}
# notify_count LOG WHAT [SINCE]: lines of LOG that are WHAT (READY=1,
# WATCHDOG=1 ...), received at or after the monotonic time SINCE (mono).
notify_count() {
    awk -v w="$2" -v t="${3:-0}" '$2 == w && $1 >= t { n++ } END { print n + 0 }' "$1"
}
# notify_until LOG WHAT N SECONDS PID: until LOG has N lines WHAT, while
# PID lives.
notify_until() {
    local i
    for ((i = 0; i < $4 * 20; i++)); do
        [ "$(notify_count "$1" "$2")" -ge "$3" ] && return 0
        kill -0 "$5" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
# wait_for FILE PATTERN SECONDS [FROM]: until grep finds PATTERN in FILE
# (past its first FROM bytes): a background program's log.
wait_for() {
    local i
    for ((i = 0; i < $3 * 20; i++)); do
        tail -c +"$((${4:-0} + 1))" "$1" 2>/dev/null | grep -q -- "$2" && return 0
        sleep 0.05
    done
    return 1
}
mono() { "$PY" -c 'import time; print("%.3f" % time.monotonic())'; }

pass() { PASS=$((PASS + 1)); }
# cupsd_alive DIR WHAT: the private cupsd of tests/cups/start.sh DIR still
# answers after WHAT (a job of ours must never stop the print server).
cupsd_alive() {
    if bash "$QHALL_SRC/tests/cups/alive.sh" "$1"; then pass; else bad "cupsd stopped after $2"; fi
}
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }

# expect_rc WANT WHAT
expect_rc() {
    if [ "$RC" = "$1" ]; then pass; else
        bad "$2: exit $RC, want $1"$'\n'"  stdout: $OUT"$'\n'"  stderr: $ERR"
    fi
}
# expect_out TEXT WHAT: stdout exactly
expect_out() {
    if [ "$OUT" = "$1" ]; then pass; else bad "$2: stdout [$OUT], want [$1]"; fi
}
# expect_in HAYSTACK NEEDLE WHAT
expect_in() {
    case "$1" in *"$2"*) pass ;; *) bad "$3: [$2] not in [$1]" ;; esac
}
expect_not_in() {
    case "$1" in *"$2"*) bad "$3: [$2] found in [$1]" ;; *) pass ;; esac
}
# expect_eq GOT WANT WHAT
expect_eq() {
    if [ "$1" = "$2" ]; then pass; else bad "$3: [$1], want [$2]"; fi
}

# pycheck WHAT EXPR: EXPR is a Python expression over d (stdout parsed as
# one JSON value, None if it is not one) and L (stdout's lines, each
# parsed as JSON).
pycheck() {
    local what=$1 expr=$2
    if OUT=$OUT "$PY" -c '
import json, os, sys
text = os.environ["OUT"]
try:
    d = json.loads(text)
except ValueError:
    d = None
L = []
for line in text.splitlines():
    try:
        L.append(json.loads(line))
    except ValueError:
        L.append(None)
sys.exit(0 if eval("(" + sys.argv[1] + ")") else 1)' "$expr" 2>"$T/pyerr"; then
        pass
    else
        bad "$what: ($expr) is false"$'\n'"  stdout: $OUT"$'\n'"  $(cat "$T/pyerr")"
    fi
}

# jget EXPR: print a Python expression over d (stdout parsed as JSON).
jget() {
    OUT=$OUT "$PY" -c '
import json, os, sys
d = json.loads(os.environ["OUT"])
print(eval(sys.argv[1]))' "$1"
}

# A small catalogue with one service per queue of the default hall.
write_catalogue() {
    cat >"$1" <<'EOF'
code,name,queue,promised_days,materials,initials
T-A1,测试审批事项,A,5,居民身份证;申请表,cssp
T-B1,测试公共服务,B,0,居民身份证,csgg
T-C1,综合咨询,C,0,无需材料,zhzx
EOF
}

# A fresh database with the default hall and the test catalogue.
setup_db() {
    run init
    expect_rc 0 "init"
    write_catalogue "$T/services.csv"
    run import services "$T/services.csv"
    expect_rc 0 "import services"
}

# skipped REASON: one part of the test cannot run here; the rest goes on.
skipped() {
    SKIPPED+="skipped: $*"$'\n'
    echo "skipped: $*"
}
# skip REASON: the rest of the test cannot run here; stop now.
skip() {
    skipped "$@"
    finish
}

finish() {
    DONE=1
    echo "$PASS passed, $FAIL failed"
    if [ "$FAIL" -ne 0 ]; then
        echo "files kept in $T" >&2
        [ "$STORE" != pg ] || echo "databases kept on $QHALL_TEST_PG: $PG_PREFIX*" >&2
        exit 1
    fi
    if [ -n "$SKIPPED" ]; then
        printf '%s' "$SKIPPED"
        exit 77
    fi
}
