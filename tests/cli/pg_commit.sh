#!/usr/bin/env bash
# pg_commit.sh (PostgreSQL only): a connection that drops at COMMIT neither
# loses nor doubles an operation.  Cut after COMMIT was sent, before its
# answer: the backend reads the transaction's request id off the server,
# so the issue or the call is reported done, once.  Cut before: nothing
# was done, the error says it is safe to do again, and no number is lost.
source "$(dirname "$0")/testlib.bash"

pg_only
setup_db
printf '1357\n' | q staff add S01 --name 李强 >/dev/null
printf '1357\n' | q login --window 1 --staff S01 >/dev/null

run issue --queue A
expect_out A001 "a plain issue"
RC=0; OUT=$(QHALL_TEST_FAULT=commit_after q issue --queue A 2>"$T/stderr") || RC=$?
expect_rc 0 "the answer to COMMIT lost: the issue took, and says so"
expect_out A002 "the ticket it issued"
RC=0; OUT=$(QHALL_TEST_FAULT=commit_before q issue --queue A 2>"$T/stderr") || RC=$?
ERR=$(cat "$T/stderr")
expect_rc 3 "cut before COMMIT: refused"
expect_in "$ERR" "没有完成" "the refusal says nothing was done"
run issue --queue A
expect_out A003 "the next number: none lost, none given twice"

RC=0; OUT=$(QHALL_TEST_FAULT=commit_after q call --window 1 2>"$T/stderr") || RC=$?
expect_rc 0 "a call whose answer was lost took"
expect_in "$OUT" A001 "the call it made"
run call --window 1
expect_rc 1 "window 1 holds A001: no second call"
run --json events
n=$(printf '%s\n' "$OUT" | grep -c '"type":"called"' || true)
expect_eq "$n" 1 "one called event"
n=$(printf '%s\n' "$OUT" | grep -c '"type":"issued"' || true)
expect_eq "$n" 3 "three issued events, one per ticket"
run check
expect_rc 0 "the hall checks clean"

finish
