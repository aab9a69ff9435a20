# testlib.bash: shared helpers for the tests/cli/*.sh scripts (sourced,
# not a test itself: ctest only runs *.sh).
#
# Each script gets a fresh directory under $QHALL_TEST_TMP and a database
# in it, a clock fixed through QHALL_NOW ($NOW, moved by the script), and
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
DB=$T/qhall.db
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
    if [ "$FAIL" -eq 0 ]; then rm -rf "$T"; fi
}
trap on_exit EXIT

# q ARGS...: qhall on the test database at $NOW.
q() { QHALL_NOW=$NOW "$QHALL_BIN" --db "$DB" "$@"; }

# run ARGS...: like q, filling OUT, ERR and RC.
run() {
    RC=0
    OUT=$(q "$@" 2>"$T/stderr") || RC=$?
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
        exit 1
    fi
    if [ -n "$SKIPPED" ]; then
        printf '%s' "$SKIPPED"
        exit 77
    fi
}
