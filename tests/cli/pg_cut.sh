#!/usr/bin/env bash
# pg_cut.sh (PostgreSQL only): the connection cut between any two
# statements of an operation.  Each step of a window's day (issue, a green
# channel issue, call, recall, start, hold, transfer, release, finish,
# no-show, finish failed on to queue C, the call at window 5, cancel) is
# run with QHALL_TEST_FAULT=cut_at:N for N = 1 (the first statement after
# BEGIN), 2, ... up to the COMMIT and one past it, which is not cut and
# does the step.  Each cut run must be refused (exit 3) with a message
# saying nothing was done, and leave every table as it was (every row,
# the request ids and heartbeats left out; the sequences too, which no
# rollback winds back); the numbers stay gap-free and
# `qhall check` clean.  The cut after COMMIT is sent is pg_commit.sh's.
source "$(dirname "$0")/testlib.bash"

pg_only
setup_db
printf '1357\n' | q staff add S01 --name 李强 >/dev/null
printf '1357\n' | q login --window 1 --staff S01 >/dev/null
printf '1357\n' | q login --window 5 --staff S01 >/dev/null

# The data as another program would read it: every row of every table
# but the request ids' and the heartbeats', as text, in one digest.
TABLES=$(db_sql "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
                 AND tablename NOT IN ('request', 'heartbeat') ORDER BY 1")
STATE_Q=
for t in $TABLES; do
    STATE_Q+="${STATE_Q:+ UNION ALL }SELECT '$t:' || r::text AS x FROM \"$t\" r"
done
STATE_Q="SELECT md5(string_agg(x, '|' ORDER BY x)) FROM ($STATE_Q) a"
state() { db_sql "$STATE_Q"; }

STEPS=0 CUTS=0
# step WHAT ARGS...: the qhall command ARGS through every cut.  A cut run
# changes nothing, so the next one starts where it did; the run past the
# COMMIT, uncut, is the step done (and the proof a program goes on after
# a cut: a new connection, the same database).
step() {
    local what=$1 n before
    shift
    before=$(state)
    for ((n = 1; n < 80; n++)); do
        RC=0
        OUT=$(QHALL_TEST_FAULT=cut_at:$n q "$@" 2>"$T/stderr") || RC=$?
        ERR=$(cat "$T/stderr")
        [ "$RC" = 0 ] && break
        CUTS=$((CUTS + 1))
        [ "$RC" = 3 ] && pass || bad "$what, cut at statement $n: exit $RC, want 3: $ERR"
        expect_in "$ERR" "没有完成" "$what, cut at statement $n: says nothing was done"
        expect_eq "$(state)" "$before" "$what, cut at statement $n: the data unchanged"
    done
    [ "$n" -gt 1 ] && [ "$n" -lt 80 ] && pass \
        || bad "$what: done at statement $n: the cuts did not cover it"
    STEPS=$((STEPS + 1))
    LAST=$OUT
    run check
    expect_rc 0 "$what: qhall check after every cut"
}

expect_out_last() { expect_eq "$LAST" "$1" "$2"; }
# plain ARGS...: a step the day needs whose code a cut step covers already.
plain() { run "$@"; expect_rc 0 "$*"; }
step "issue" issue --queue A
expect_out_last A001 "the issue's number after the cuts: none taken by a cut run"
step "issue, green channel" issue --queue A --green elderly
expect_out_last A002 "the green channel's number"
plain issue --queue B
step "call" call --window 1
expect_in "$LAST" A002 "the call: the green channel first"
step "recall" recall --window 1
step "start" start --window 1
step "hold" hold --window 1
plain call --window 1
step "transfer" transfer --window 1 --to-queue B
step "release" release A002
plain call --window 1
plain start --window 1
step "finish" finish --window 1 --outcome done
plain issue --queue A
plain call --window 1
step "no-show" noshow --window 1
step "issue A004" issue --queue A
expect_out_last A004 "A004: no number lost to a cut"
plain call --window 1
plain start --window 1
step "finish failed" finish --window 1 --outcome failed
step "call C" call --window 5
step "cancel" cancel B001

run --json events
n=$(printf '%s\n' "$OUT" | grep -c '"type":"issued"' || true)
expect_eq "$n" 5 "five issued events: one a ticket, none from a cut run"
echo "pg_cut: $STEPS steps, $CUTS cut runs refused cleanly"
finish
