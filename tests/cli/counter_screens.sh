#!/usr/bin/env bash
# counter_screens.sh: qhall-counter as a process on a real database:
# --login (PIN on stdin) and --press drive it into a panel, --screenshot
# draws it; what the clerk would read is printed (panel, message, ticket)
# and the database shows what happened (qhall events).  Refusals exit 1
# with the message; a missing database shows the notice, not a crash.
. "$(dirname "$0")/testlib.bash"
COUNTER=$(dirname "$QHALL_BIN")/counter/qhall-counter
SHOTS=${QHALL_ARTEFACTS:-$T}/counter-cli
mkdir -p "$SHOTS"
export SDL_VIDEODRIVER=dummy

# c ARGS...: the counter at window 1 on the test database, PIN 1234.
c() {
    RC=0
    OUT=$(QHALL_NOW=$NOW "$COUNTER" --window 1 --db "${CDB:-$DB}" "$@" <<<"1234" 2>"$T/stderr") || RC=$?
    ERR=$(cat "$T/stderr")
}

setup_db
run staff add s01 --name 张三 <<<"1234"
expect_rc 0 "staff add"

c --screenshot "$SHOTS/login.png"
expect_rc 0 "login screen"
expect_in "$OUT" "panel: login" "starts at the login panel"
[ -s "$SHOTS/login.png" ] && pass || bad "login.png written"

c --login s01 --press F1 --screenshot "$SHOTS/empty.png"
expect_rc 1 "call next with nothing waiting is refused"
expect_in "$OUT" "没有等候" "and says why"

run issue --service T-A1
expect_rc 0 "issue"
NOW=2026-11-25T09:07:00+08:00
c --login s01 --press F1 --press F4 --screenshot "$SHOTS/serving.png"
expect_rc 0 "call and start"
expect_in "$OUT" "ticket: A001 serving" "A001 is being served"

c --login s01 --press F6 --press 2 --press Enter --press 4 --screenshot "$SHOTS/rating.png"
expect_rc 0 "需补件, then a digit on the rating panel"
expect_in "$OUT" "panel: rating" "the panel waits for the pad"
expect_in "$OUT" "评价器" "and says the citizen rates there"
run events
expect_in "$OUT" "申请表" "the missing material is in the finish note"
expect_not_in "$OUT" "rated" "no key of the counter rates"

c --login s01 --press R --screenshot "$SHOTS/prompt.png"
expect_rc 0 "R puts the rating screen up on the pad again"
run events
expect_in "$OUT" "rating_prompt" "recorded for the pad"

c --login s01 --lang en --press F12 --screenshot "$SHOTS/en.png"
expect_rc 1 "English: nothing to call"
expect_in "$OUT" "nothing waiting" "English refusal"

CDB=$(new_db missing) c --login s01 --press F1 --screenshot "$SHOTS/nodb.png"
expect_rc 1 "missing database"
expect_in "$OUT" "连接中断" "the notice"

RC=0; "$COUNTER" --db "$DB" >/dev/null 2>"$T/stderr" || RC=$?
expect_rc 2 "--window is required"
RC=0; "$COUNTER" --window 0 >/dev/null 2>"$T/stderr" || RC=$?
expect_rc 2 "--window 0 is bad usage"
finish
