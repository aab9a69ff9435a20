#!/usr/bin/env bash
# appeals.sh: 申诉 through the CLI: the staff member rated appeals a 差评
# with their own PIN, once; an admin upholds or overturns it with theirs;
# an overturned rating stays in the log but leaves the scorecard.
source "$(dirname "$0")/testlib.bash"

setup_db
printf '1234\n' | q staff add w01 --name 王芳 >/dev/null
printf '5678\n' | q staff add w02 --name 李强 >/dev/null
printf '246813\n' | q staff add boss --name 所长 --role admin >/dev/null
printf '1234\n' | q login --window 1 --staff w01 >/dev/null
for n in 1 2 3; do
    q issue --queue A >/dev/null
    q call --window 1 >/dev/null; q start --window 1 >/dev/null
    q finish --window 1 --outcome done >/dev/null
done
run rate A001 1 --reason 态度不好 --channel paper --by boss <<<246813; expect_rc 0 "rate A001 1"
run rate A002 2 --reason 等候太久 --channel sms --by boss <<<246813; expect_rc 0 "rate A002 2"
run rate A003 4 --channel hotline --by boss <<<246813; expect_rc 0 "rate A003 4"
run --json scorecard --month 2026-11 --staff w01
pycheck "three ratings on the scorecard" '[r["rated"] for r in d["staff"] if r["staff"] == "w01"] == [3]'

# ---- filing ----
run appeal A001 --staff w01 --reason 政策原因 <<<9999
expect_rc 1 "appeal with a wrong PIN"
run appeal A001 --staff w02 --reason 政策原因 <<<5678
expect_rc 1 "appeal by someone else"
run appeal A003 --staff w01 --reason 政策原因 <<<1234
expect_rc 1 "appeal a rating that is not a 差评"
run appeal A001 --staff w01 <<<1234
expect_rc 2 "appeal without a reason"
run --json appeal A001 --staff w01 --reason 群众对收费政策不满 <<<1234
expect_rc 0 "appeal A001"
pycheck "filed" 'd["appeal"] == "filed"'
run appeal A001 --staff w01 --reason again <<<1234
expect_rc 1 "a second appeal"
run appeal A002 --staff w01 --reason 系统故障 <<<1234
expect_rc 0 "appeal A002"

# ---- deciding ----
run appeal decide A001 overturn --by w02 --reason x <<<5678
expect_rc 1 "a decision by someone who is not an admin"
run appeal decide A001 overturn --by boss --reason x <<<000000
expect_rc 1 "a decision with a wrong PIN"
run appeal decide A001 maybe --by boss --reason x <<<246813
expect_rc 2 "neither uphold nor overturn"
run appeal decide A001 overturn --by boss --reason 核实属政策原因 <<<246813
expect_rc 0 "overturn A001"
run appeal decide A001 uphold --by boss --reason x <<<246813
expect_rc 1 "decided once"
run appeal decide A002 uphold --by boss --reason 确属等候过久 <<<246813
expect_rc 0 "uphold A002"
run --json events
pycheck "the events of the appeals" \
    '[(e["type"], e["number"], e.get("decision")) for e in L if e["type"].startswith("appeal")]
     == [("appeal_filed", "A001", None), ("appeal_filed", "A002", None),
         ("appeal_decided", "A001", "overturned"), ("appeal_decided", "A002", "upheld")]'
pycheck "the overturned rating is still in the log" \
    '[e["score"] for e in L if e["type"] == "rated"] == [1, 2, 4]'
run --json scorecard --month 2026-11 --staff w01
pycheck "the overturned 差评 leaves the scorecard" \
    '[r["rated"] for r in d["staff"] if r["staff"] == "w01"] == [2]'
pycheck "the scorecard's 评价率 and channels, without the overturned paper 差评" \
    '[(r["rated_pct"], r["channels"]) for r in d["staff"] if r["staff"] == "w01"]
     == [(round(200 / 3, 1), {"sms": {"rated": 1, "satisfied_pct": 0},
                               "hotline": {"rated": 1, "satisfied_pct": 100}})]'
run scorecard --month 2026-11 --staff w01
expect_in "$OUT" "评价率%" "the 评价率 column"
expect_in "$OUT" "短信评价 1/0" "the channel column"
# ---- the report: 评价率 and the channel mix (an appeal changes neither) ----
run --json report
expect_rc 0 "report"
pycheck "every case rated, each on its channel" \
    'd["rated_pct"] == 100 and d["satisfied_no_default_pct"] == d["satisfied_pct"]
     and {k: v["rated"] for k, v in d["channels"].items()} == {"paper": 1, "hotline": 1, "sms": 1}
     and d["channels"]["hotline"]["satisfied_pct"] == 100 and d["channels"]["sms"]["satisfied_pct"] == 0'
run report
expect_in "$OUT" "评价率 100.0%" "the table says 评价率"
expect_in "$OUT" "电话回访 1（满意率 100.0%）" "the table gives the channel mix"
run check
expect_rc 0 "check"

finish
