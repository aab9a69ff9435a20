#!/usr/bin/env bash
# demo.sh: `make demo`'s scripted day (tests/demo.sh) runs to the end on a
# fresh database and leaves the hall in the state the script describes.
. "$(dirname "$0")/testlib.bash"

RC=0
OUT=$(QHALL_DEMO_DB=$DB bash "$QHALL_SRC/tests/demo.sh" "$(dirname "$QHALL_BIN")" 2>"$T/stderr") || RC=$?
ERR=$(cat "$T/stderr")
expect_rc 0 "demo runs through"
expect_eq "$ERR" "" "demo writes no errors"
expect_in "$OUT" "请A001号到1号窗口办理" "demo calls A001"
expect_in "$OUT" "检查通过" "demo ends with a clean check"

NOW=2026-11-25T09:45:00+08:00
run --json status
expect_rc 0 "status after demo"
pycheck "window 1 paused for 会议" \
  '[w for w in d["windows"] if w["number"] == 1][0]["state"] == "paused"'
pycheck "window 3 calling B001 (the released hold)" \
  '[w for w in d["windows"] if w["number"] == 3][0]["ticket"] == "B001"'
pycheck "window 5 calling A002 (sent on as 办不成)" \
  '[w for w in d["windows"] if w["number"] == 5][0]["ticket"] == "A002"'
run --json events
pycheck "every kind of operation happened" \
  '{"issued","called","recalled","no_show","called_back","started","held","released","transferred","finished","rated","paused","login"} <= {e["type"] for e in L}'
pycheck "administrative events keep their whole names" \
  '{"hall_init","catalog_imported","staff_added","appointment_added"} <= {e["type"] for e in L}'
pycheck "ratings: 3, 5, 2 (with reason), 4" \
  '[e["score"] for e in L if e["type"] == "rated"] == [3, 5, 2, 4]'
finish
