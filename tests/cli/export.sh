#!/usr/bin/env bash
# export.sh: the back-office case number a finish records (`finish
# --case`), and `qhall export ratings`: a fixed day of ratings exported in
# the national format (GB/T 39046-2020 table 9) and compared field by
# field with hand-written expected files, with the national map and the
# Zhejiang example (codes in both directions), as csv and json; --out;
# and the refusals: bad days, unknown formats, an unset region code, bad
# mapping files (file:line: reason).
#
# The day's ratings come in by the real paths, one for every channel a
# citizen uses: pad and qr through the library as the pad and the phone
# page rate (tests/rate_device.c: actor and device pad:N, or web), paper,
# hotline and sms as an admin's `qhall rate --channel ... --by`.  No
# rating or event is written by SQL.
source "$(dirname "$0")/testlib.bash"

M=$QHALL_SRC/assets/export
sed 's/^region_code =$/region_code = 330106001/' "$QHALL_SRC/assets/hall.ini" >"$T/hall.ini"
grep -q '^region_code = 330106001$' "$T/hall.ini" || bad "hall.ini: no region_code line to set"
run init --config "$T/hall.ini"
expect_rc 0 "init with a region code"
write_catalogue "$T/services.csv"
run import services "$T/services.csv"

serve() {   # serve NUMBER WINDOW: call that ticket to WINDOW and start it
    run call --window "$2" --ticket "$1"
    expect_rc 0 "call $1"
    run start --window "$2"
    expect_rc 0 "start $1"
}
# pad_rating NUMBER SCORE pad:N|web [REASON]: the citizen on the pad or the phone
pad_rating() {
    RC=0
    QHALL_NOW=$NOW "$QHALL_RATE_DEVICE" "$DB" "$@" 2>"$T/stderr" || RC=$?
    ERR=$(cat "$T/stderr")
}
# admin_rating NUMBER SCORE CHANNEL [ARGS...]: an admin enters it (PIN on stdin)
admin_rating() {
    local n=$1 sc=$2 ch=$3
    shift 3
    RC=0
    OUT=$(printf '246810\n' | q rate "$n" "$sc" --channel "$ch" --by admin1 "$@" \
          2>"$T/stderr") || RC=$?
    ERR=$(cat "$T/stderr")
}
[ -x "$QHALL_RATE_DEVICE" ] || bad "no qh_rate_device (QHALL_RATE_DEVICE)"
printf '246810\n' | q staff add admin1 --name 王芳 --role admin >/dev/null
expect_eq "$?" 0 "an admin to enter paper, hotline and sms ratings"

# ---- 2026-11-25, the fixed day; finish --case on the way ----
NOW=2026-11-25T09:00:00+08:00
run issue --queue A
NOW=2026-11-25T09:01:00+08:00
serve A001 1
NOW=2026-11-25T09:04:00+08:00
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
NOW=2026-11-25T09:05:00+08:00
pad_rating A001 5 pad:1
expect_rc 0 "A001 rated on window 1's pad"

NOW=2026-11-25T09:10:00+08:00
run issue --queue A
serve A002 1
NOW=2026-11-25T09:19:00+08:00
run finish --window 1 --outcome supplement --note "缺户口簿"
expect_rc 0 "finish without --case"
run --json events
pycheck "a finish without --case records none" \
    'all("case" not in e for e in L if e["type"] == "finished" and e["number"] == "A002")'
NOW=2026-11-25T09:20:00+08:00
pad_rating A002 1 web "等候时间太长"
expect_rc 0 "A002 rated on the phone page"

NOW=2026-11-25T09:30:00+08:00
run issue --queue B
serve B001 3
NOW=2026-11-25T09:34:00+08:00
run finish --window 3 --outcome done
NOW=2026-11-25T09:35:00+08:00
admin_rating B001 3 paper
expect_rc 0 "B001 rated on a paper form"
NOW=2026-11-25T09:36:00+08:00
pad_rating B001 4 pad:3
expect_rc 1 "a second rating of B001, on the pad, is refused"

NOW=2026-11-25T09:40:00+08:00
run issue --queue B
serve B002 3
NOW=2026-11-25T09:49:00+08:00
run finish --window 3 --outcome done --case 'ZX-2026,"7"'
expect_rc 0 "finish --case with a comma and quotes"
NOW=2026-11-25T09:50:00+08:00
run issue --queue A
serve A003 1
NOW=2026-11-25T09:55:00+08:00
run finish --window 1 --outcome done
NOW=2026-11-25T10:00:00+08:00
admin_rating B002 2 hotline --reason "态度不好、一次性告知不清楚"
expect_rc 0 "B002 rated by phone"
NOW=2026-11-25T10:55:00+08:00
admin_rating A003 4 sms
expect_rc 0 "A003 rated by text message"
NOW=2026-11-25T10:10:00+08:00
run issue --queue A
serve A004 1
NOW=2026-11-25T10:15:00+08:00
run finish --window 1 --outcome done        # never rated: no record

# ---- the next day: outside the export ----
NOW=2026-11-26T09:00:00+08:00
run issue --queue A
serve A001 1
run finish --window 1 --outcome done
pad_rating A001 4 pad:1
expect_rc 0 "the next day's A001 on the pad"

# ---- compare: exact bytes, then field by field ----
crlf() { sed 's/$/\r/'; }
# compare WHAT EXPECTED_FILE ARGS...: the output of qhall ARGS (a CSV)
# against the file, field by field, then byte for byte
compare() {
    local what=$1 want=$2
    shift 2
    RC=0
    q "$@" >"$T/got.csv" 2>"$T/stderr" || RC=$?
    ERR=$(cat "$T/stderr")
    OUT=$(cat "$T/got.csv")
    expect_rc 0 "$what: exit status"
    set -- "$what" "$want"
    if OUT=$OUT "$PY" - "$2" "$1" <<'PY' 2>"$T/pyerr"; then pass; else bad "$1: $(cat "$T/pyerr")"; fi
import csv, io, os, sys
got = list(csv.reader(io.StringIO(os.environ["OUT"], newline="")))
want = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
errs = []
if got[0] != want[0]:
    errs.append("header %r, want %r" % (got[0], want[0]))
if len(got) != len(want):
    errs.append("%d records, want %d" % (len(got) - 1, len(want) - 1))
for i, (g, w) in enumerate(zip(got[1:], want[1:]), 1):
    for k, name in enumerate(want[0]):
        gv = g[k] if k < len(g) else None
        if gv != w[k]:
            errs.append("record %d %s: %r, want %r" % (i, name, gv, w[k]))
if errs:
    sys.exit("\n  ".join(errs))
PY
    # ... and the bytes: UTF-8 without a BOM, CRLF line ends, nothing else
    if cmp -s "$T/got.csv" "$2"; then pass; else
        bad "$1: bytes differ from $2: $(diff "$T/got.csv" "$2" | head -5)"
    fi
}

crlf >"$T/national.csv" <<'EOF2'
办件编号,评价渠道,评价人,评价时间,评价次数,满意度,满意度代码,文字评价,行政区划
330106-XK-2026-000123,1,匿名,20261125T090500,1,非常满意,1,,330106001
330106001-20261125-A002,2,匿名,20261125T092000,1,非常不满意,5,等候时间太长,330106001
330106001-20261125-B001,3,匿名,20261125T093500,1,基本满意,3,,330106001
"ZX-2026,""7""",4,匿名,20261125T100000,1,不满意,4,态度不好、一次性告知不清楚,330106001
330106001-20261125-A003,5,匿名,20261125T105500,1,满意,2,,330106001
EOF2
compare "national gbt39046" "$T/national.csv" export ratings --since 2026-11-25 --until 2026-11-25
compare "the shipped national map is the built-in one" "$T/national.csv" export ratings --since 2026-11-25 --until 2026-11-25 --format gbt39046 --map "$M/gbt39046.map"

crlf >"$T/zhejiang.csv" <<'EOF2'
办件编号,评价渠道,评价人,评价时间,评价次数,满意度,满意度代码,文字评价,行政区划
330106-XK-2026-000123,01,匿名,20261125T090500,1,非常满意,5,,330106001
330106001-20261125-A002,02,匿名,20261125T092000,1,非常不满意,1,等候时间太长,330106001
330106001-20261125-B001,03,匿名,20261125T093500,1,基本满意,3,,330106001
"ZX-2026,""7""",04,匿名,20261125T100000,1,不满意,2,态度不好、一次性告知不清楚,330106001
330106001-20261125-A003,05,匿名,20261125T105500,1,满意,4,,330106001
EOF2
compare "Zhejiang example (1 = 非常不满意)" "$T/zhejiang.csv" export ratings --since 2026-11-25 --until 2026-11-25 --map "$M/zhejiang-example.map"

crlf >"$T/own.csv" <<'EOF2'
case_no,channel_code,rater,rated_at,count,satisfaction,satisfaction_code,reason,region_code,channel,score,day,number,window,staff,service
330106-XK-2026-000123,1,匿名,20261125T090500,1,非常满意,1,,330106001,pad,5,2026-11-25,A001,1,,
330106001-20261125-A002,2,匿名,20261125T092000,1,非常不满意,5,等候时间太长,330106001,qr,1,2026-11-25,A002,1,,
330106001-20261125-B001,3,匿名,20261125T093500,1,基本满意,3,,330106001,paper,3,2026-11-25,B001,3,,
"ZX-2026,""7""",4,匿名,20261125T100000,1,不满意,4,态度不好、一次性告知不清楚,330106001,hotline,2,2026-11-25,B002,3,,
330106001-20261125-A003,5,匿名,20261125T105500,1,满意,2,,330106001,sms,4,2026-11-25,A003,1,,
EOF2
compare "csv, qhall's own columns" "$T/own.csv" export ratings --since 2026-11-25 --until 2026-11-25 --format csv

run export ratings --since 2026-11-25 --until 2026-11-25 --format json --map "$M/zhejiang-example.map"
expect_rc 0 "export --format json"
pycheck "json: one object per rating, in rating order" \
    '[(r["number"], r["count"]) for r in d] == [("A001", 1), ("A002", 1), ("B001", 1), ("B002", 1), ("A003", 1)]'
pycheck "json: the fields of the first record" \
    'd[0] == {"case_no": "330106-XK-2026-000123", "channel_code": "01", "rater": "匿名",
              "rated_at": "20261125T090500", "count": 1, "satisfaction": "非常满意",
              "satisfaction_code": "5", "reason": "", "region_code": "330106001",
              "channel": "pad", "score": 5, "day": "2026-11-25", "number": "A001",
              "window": 1, "staff": "", "service": None}'
pycheck "json: Zhejiang codes follow the score, channels their own" \
    '[(r["score"], r["satisfaction_code"], r["channel_code"]) for r in d] ==
     [(5, "5", "01"), (1, "1", "02"), (3, "3", "03"), (2, "2", "04"), (4, "4", "05")]'

run export ratings --since 2026-11-24 --until 2026-11-26 --format json
pycheck "the next day's rating is in a range that holds it" \
    'len(d) == 6 and d[-1]["day"] == "2026-11-26" and d[-1]["satisfaction_code"] == "2"'
run export ratings --since 2026-11-20 --until 2026-11-24 --format json
expect_rc 0 "a range with no ratings"
pycheck "... is an empty array" 'd == []'
run export ratings --since 2026-11-20 --until 2026-11-24
expect_out "办件编号,评价渠道,评价人,评价时间,评价次数,满意度,满意度代码,文字评价,行政区划"$'\r' \
    "an empty gbt39046 export is its header"

# ---- --out: 0600, whole, nothing left beside it ----
mkdir "$T/out"
run export ratings --since 2026-11-25 --until 2026-11-25 --out "$T/out/ratings.csv"
expect_rc 0 "export --out"
expect_in "$ERR" "5" "--out says how many records"
expect_eq "$(stat -c %a "$T/out/ratings.csv")" 600 "the export file is 0600"
if cmp -s "$T/out/ratings.csv" "$T/national.csv"; then pass; else bad "--out file differs from the expected export"; fi
expect_eq "$(ls "$T/out")" "ratings.csv" "no temporary file is left"
chmod 644 "$T/out/ratings.csv"
run export ratings --since 2026-11-25 --until 2026-11-25 --out "$T/out/ratings.csv"
expect_eq "$(stat -c %a "$T/out/ratings.csv")" 600 "an export replacing a file is 0600 too"
run export ratings --since 2026-11-25 --until 2026-11-25 --out "$T/no/such/dir/r.csv"
expect_rc 3 "--out into a missing directory"
expect_in "$ERR" "$T/no/such/dir/r.csv" "the failure names the file"

# ---- refusals ----
run export ratings --since 2026-11-26 --until 2026-11-25
expect_rc 2 "since after until"
expect_in "$ERR" "--since 2026-11-26 晚于 --until 2026-11-25" "the refusal names both days"
run export ratings --since 2026-02-30 --until 2026-11-25
expect_rc 2 "a day that does not exist"
expect_in "$ERR" "--since：应为日期 YYYY-MM-DD，实为「2026-02-30」" "the refusal names the option and the day"
run --lang en export ratings --since 2026-11-25 --until 25.11.2026
expect_rc 2 "a day in another form"
expect_in "$ERR" '--until: expected a date YYYY-MM-DD, got "25.11.2026"' "in English too"
run export ratings --until 2026-11-25
expect_rc 2 "--since is required"
run export ratings --since 2026-11-25 --until 2026-11-25 --format xml
expect_rc 2 "an unknown format"
expect_in "$ERR" "gbt39046|csv|json" "the refusal lists the formats"
run export ratings --since 2026-11-25 --until 2026-11-25 --map "$T/none.map"
expect_rc 2 "a map file that does not exist"
expect_in "$ERR" "$T/none.map" "the refusal names the file"

# the mapping file's errors: every bad line, file:line: reason
cat >"$T/bad.map" <<'EOF2'
# a map with every kind of mistake
score.5 = 1
score.4 = 1
score.3 = three!
score.6 = 6
channel.fax = 7
channel.pad = 1
channel.pad = 2
just words
score.2 = 12345678901234567
EOF2
run export ratings --since 2026-11-25 --until 2026-11-25 --map "$T/bad.map"
expect_rc 2 "a bad map is refused"
expect_out "" "nothing is exported with a bad map"
expect_eq "$ERR" "$T/bad.map:3: score.4: code 1 is already score.5's (line 2)
$T/bad.map:4: score.3: expected a code of 1-16 letters, digits, '-' or '_', got \"three!\"
$T/bad.map:5: unknown key \"score.6\" (score.1-score.5, channel.pad qr paper hotline sms default legacy)
$T/bad.map:6: unknown key \"channel.fax\" (score.1-score.5, channel.pad qr paper hotline sms default legacy)
$T/bad.map:8: channel.pad: given twice (first on line 7)
$T/bad.map:9: expected \"key = value\"
$T/bad.map:10: score.2: expected a code of 1-16 letters, digits, '-' or '_', got \"12345678901234567\"
$T/bad.map: missing score.1
$T/bad.map: missing score.2
$T/bad.map: missing score.3
$T/bad.map: missing channel.qr
$T/bad.map: missing channel.paper
$T/bad.map: missing channel.hotline
$T/bad.map: missing channel.sms
$T/bad.map: missing channel.default
$T/bad.map: missing channel.legacy" "every bad line of the map, file:line: reason"

# ---- 申诉: a 差评 overturned on appeal leaves the export ----
NOW=2026-11-27T09:00:00+08:00
printf '1234\n' | q staff add w01 --name 李强 >/dev/null
printf '1234\n' | q login --window 2 --staff w01 >/dev/null
run issue --queue A
serve A001 2
NOW=2026-11-27T09:04:00+08:00
run finish --window 2 --outcome done
NOW=2026-11-27T09:05:00+08:00
pad_rating A001 1 pad:2 "态度不好"
expect_rc 0 "A001 of the 27th rated 1 on window 2's pad"
NOW=2026-11-27T09:10:00+08:00
run issue --queue A
serve A002 2
NOW=2026-11-27T09:14:00+08:00
run finish --window 2 --outcome done
NOW=2026-11-27T09:15:00+08:00
admin_rating A002 2 sms --reason "等候时间太长"
expect_rc 0 "A002 of the 27th rated 2 by text message"
NOW=2026-11-27T10:00:00+08:00
run appeal A001 --staff w01 --reason "群众对收费政策不满" <<<1234
expect_rc 0 "w01 appeals A001"
run appeal A002 --staff w01 --reason "系统故障" <<<1234
expect_rc 0 "w01 appeals A002"
run export ratings --since 2026-11-27 --until 2026-11-27 --format json
pycheck "an appeal not yet decided leaves the ratings in" '[r["number"] for r in d] == ["A001", "A002"]'
NOW=2026-11-27T11:00:00+08:00
run appeal decide A001 overturn --by admin1 --reason "核实属政策原因" <<<246810
expect_rc 0 "A001 overturned"
run appeal decide A002 uphold --by admin1 --reason "确属等候过久" <<<246810
expect_rc 0 "A002 upheld"
crlf >"$T/appeals.csv" <<'EOF2'
case_no,channel_code,rater,rated_at,count,satisfaction,satisfaction_code,reason,region_code,channel,score,day,number,window,staff,service
330106001-20261127-A002,5,匿名,20261127T091500,1,不满意,4,等候时间太长,330106001,sms,2,2026-11-27,A002,2,w01,
EOF2
compare "the overturned 差评 is left out, the upheld one stays" "$T/appeals.csv" export ratings --since 2026-11-27 --until 2026-11-27 --format csv
run --json events
pycheck "the overturned rating is still in the log" \
    '[e["number"] for e in L if e["type"] == "rated" and e["at"].startswith("2026-11-27")] == ["A001", "A002"]'

# ---- no region code: gbt39046 refuses, csv goes on ----
run init --force
expect_rc 0 "the default hall again (no region code)"
run export ratings --since 2026-11-25 --until 2026-11-24
expect_rc 2 "the days are checked first"
run export ratings --since 2026-11-20 --until 2026-11-24
expect_rc 1 "gbt39046 without a region code is refused"
expect_in "$ERR" "region_code" "the refusal says which key to set"
run --json export ratings --since 2026-11-20 --until 2026-11-24 --format json
expect_rc 0 "json without a region code"
pycheck "... exports, region null" 'd == []'

finish
