#!/usr/bin/env bash
# report_stats.sh: `qhall report`, `qhall followup list|close`,
# `qhall scorecard` and the overdue line of `qhall status`, as an office
# would run them: a small day driven through the CLI, then every format
# (table, CSV with BOM, JSON with the contract's names, SVG, HTML), the
# follow-ups of a 差评 and a 办不成 case with their due dates, and the
# errors of bad arguments.
source "$(dirname "$0")/testlib.bash"

setup_db

# ---- a small day: A001 办不成 then 差评; A002 done, 5; B001 cancelled ----
NOW=2026-11-25T09:00:00+08:00; run issue --queue A; expect_out A001 "issue A001"
NOW=2026-11-25T09:01:00+08:00; run issue --queue A
NOW=2026-11-25T09:02:00+08:00; run issue --queue B
NOW=2026-11-25T09:10:00+08:00; run call --window 1; expect_rc 0 "call A001"
run start --window 1
NOW=2026-11-25T09:22:00+08:00; run finish --window 1 --outcome failed --note 缺土地证
expect_rc 0 "finish failed"
rate_entry A001 1 --reason 态度差; expect_rc 0 "rate 1"
run call --window 2; run start --window 2
NOW=2026-11-25T09:30:00+08:00; run finish --window 2 --outcome done
rate_entry A002 5; expect_rc 0 "rate 5"
run cancel B001; expect_rc 0 "cancel B001"

# ---- JSON: the hall total with the contract's field names ----
run --json report
expect_rc 0 "report --json"
pycheck "report json fields" \
    '{"arrived","served","no_show","cancelled","wait_avg_s","wait_max_s","wait_p90_s",
      "handle_avg_s","handle_max_s","within_target_pct","done","supplement","failed",
      "one_visit_pct","supplement_pct","rated","ratings","satisfied_pct"} <= set(d)'
pycheck "report json values" \
    'd["arrived"] == 3 and d["served"] == 2 and d["cancelled"] == 1 and d["no_show"] == 0
     and d["wait_avg_s"] == 930 and d["wait_max_s"] == 1260 and d["handle_avg_s"] == 600
     and d["done"] == 1 and d["failed"] == 1 and d["one_visit_pct"] == 50.0
     and d["within_target_pct"] == 50.0 and d["ratings"] == {"1":1,"2":0,"3":0,"4":0,"5":1}
     and d["satisfied_pct"] == 50.0 and d["followups"]["opened"] == 2
     and "groups" not in d'
run report --format json --by window
pycheck "by window: groups and the total" \
    'd["by"] == "window" and [g["key"] for g in d["groups"]] == ["1", "2", "-"]
     and d["groups"][0]["failed"] == 1 and d["groups"][1]["done"] == 1
     and d["groups"][2]["cancelled"] == 1 and d["arrived"] == 3'
run --json report --day 2026-11-20
pycheck "an empty day: zeros and nulls" \
    'd["arrived"] == 0 and d["wait_avg_s"] is None and d["satisfied_pct"] is None'

# ---- table, CSV ----
run report --by hour
expect_rc 0 "table"
expect_in "$OUT" "全厅合计" "table has the total row"
expect_in "$OUT" "09:00-10:00" "table names the hour"
run report --by queue --lang en
expect_in "$OUT" "hall total" "english table"
run report --format csv --by staff
expect_rc 0 "csv"
if [ "$(printf '%s' "$OUT" | head -c 3 | od -An -tx1 | tr -d ' ')" = efbbbf ]; then pass; else bad "csv starts with a UTF-8 BOM"; fi
expect_in "$OUT" "取号" "csv chinese header"
run --lang en report --format csv
expect_in "$OUT" "wait_p90_s" "csv english header is the field names"

# ---- SVG and HTML ----
run report --format svg --out "$T/r.svg"
expect_rc 0 "svg"
"$PY" -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$T/r.svg" && pass || bad "svg is well-formed XML"
expect_in "$(cat "$T/r.svg")" "Noto Sans CJK SC" "svg names CJK fonts"
run report --format html --out "$T/r.html"
expect_rc 0 "html"
H=$(cat "$T/r.html")
expect_in "$H" "<svg" "html embeds the charts"
expect_in "$H" "按窗口" "html has the window table"
expect_not_in "$H" "src=" "html is one file"
# Kept as a test artefact, to be looked at like the screens.
if [ -n "${QHALL_ARTEFACTS:-}" ]; then
    mkdir -p "$QHALL_ARTEFACTS"
    cp "$T/r.html" "$QHALL_ARTEFACTS/report.html"
    cp "$T/r.svg" "$QHALL_ARTEFACTS/report.svg"
fi

# ---- follow-ups ----
run --json followup list
pycheck "two open follow-ups, due in 5 working days" \
    'len(d) == 2 and {f["kind"] for f in d} == {"rating", "failed"}
     and all(f["due_day"] == "2026-12-02" and not f["overdue"] for f in d)'
ID=$(jget '[f["id"] for f in d if f["kind"] == "rating"][0]')
run followup close "$ID"
expect_rc 2 "close needs --result"
run followup close "$ID" --result 已回访致歉
expect_rc 0 "close"
run followup close "$ID" --result again
expect_rc 1 "closing twice is refused"
run followup close 999 --result x
expect_rc 1 "unknown follow-up"
NOW=2026-12-03T09:00:00+08:00
run status
expect_in "$OUT" "回访：1 件逾期" "status shows overdue follow-ups"
run --json status
pycheck "status json" 'd["followups_overdue"] == 1'
run --json followup list --overdue
pycheck "overdue list" 'len(d) == 1 and d[0]["kind"] == "failed" and d[0]["overdue"]'

# ---- scorecard ----
run --json scorecard --month 2026-11
expect_rc 0 "scorecard"
pycheck "scorecard json" 'd["month"] == "2026-11" and "weights" in d and isinstance(d["staff"], list)'
run scorecard --month 2026-13
expect_rc 2 "bad month"
run scorecard --format svg
expect_rc 2 "scorecard has no svg"

# ---- bad arguments ----
run report --day 2026-02-30; expect_rc 2 "impossible day"
run report --day 2026-11-25 --from 2026-11-01 --to 2026-11-30; expect_rc 2 "day with a span"
run report --from 2026-11-01; expect_rc 2 "from without to"
run report --from 2026-11-30 --to 2026-11-01; expect_rc 2 "from after to"
run report --by floor; expect_rc 2 "bad --by"
run report --format pdf; expect_rc 2 "bad --format"

finish
