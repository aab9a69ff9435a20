#!/usr/bin/env bash
# appointments.sh: booking, check-in and bulk import.  A booking gives a
# check-in code; checking in issues the ticket with the slot as its place
# in time, so a citizen who booked 09:10 goes before a walk-in of 09:20.
# An import file is checked whole: one bad row and nothing is booked.
source "$(dirname "$0")/testlib.bash"

setup_db
NOW=2026-11-25T08:00:00+08:00

# ---- appointment add ----
run appointment add --service T-A1 --at 2026-11-25T09:10 --name 张三
expect_rc 0 "appointment add"
code1=$OUT
[[ "$code1" =~ ^[0-9]{8}$ ]] && pass || bad "plain add prints the code alone, got [$code1]"
run --json appointment add --service T-B1 --at 2026-11-25T10:00:00+08:00
expect_rc 0 "appointment add --json"
pycheck "add json" \
    'len(d["code"]) == 8 and d["service"] == "T-B1" and d["at"] == "2026-11-25T10:00:00+08:00" and d["name"] == ""'
run --json appointment add --service T-B1 --at 2026-11-25T02:30:00Z --name=李四
pycheck "a UTC time is shown in the hall zone" 'd["at"] == "2026-11-25T10:30:00+08:00" and d["name"] == "李四"'
run --json appointment add --at 2026-11-25T11:00 --service T-C1
pycheck "time without offset is hall time" 'd["at"] == "2026-11-25T11:00:00+08:00"'
run appointment add --service T-A1 --at 2026-11-26T09:00
expect_rc 0 "a booking for tomorrow"
code_tomorrow=$OUT
run appointment add --service T-A1 --at 九点
expect_rc 2 "an unreadable time"
expect_in "$ERR" "--at" "the bad time names --at"
run appointment add --service T-A1
expect_rc 2 "no --at"
run appointment add --at 2026-11-25T09:00
expect_rc 2 "no --service"
run appointment add --service NOPE --at 2026-11-25T09:00
expect_rc 1 "an unknown service"

# ---- checkin ----
NOW=2026-11-25T09:20:00+08:00
run issue --queue A
expect_out A001 "a walk-in at 09:20"
NOW=2026-11-25T09:25:00+08:00
run checkin "$code1"
expect_rc 0 "checkin"
expect_out A002 "checkin prints the number alone"
run checkin "$code1"
expect_rc 1 "checking in twice is refused"
run checkin 00000000
expect_rc 1 "an unknown code"
run checkin "$code_tomorrow"
expect_rc 1 "tomorrow's booking cannot check in today"
run call --window 1
expect_in "$OUT" "请A002号到1号窗口办理" "the 09:10 booking goes before the 09:20 walk-in"
run --json events
pycheck "the checked-in ticket's issued event names the appointment" \
    'any(e["type"] == "issued" and e["number"] == "A002" and e.get("appointment") for e in L)'

# ---- import appointments ----
cat >"$T/good.csv" <<'EOF'
service,at,name,code
T-A1,2026-11-25T11:00,李四,LS0001
T-B1,2026-11-25T11:30+08:00,王五,
T-C1,2026-11-25T14:00,"赵,六",ZL0001
EOF
run import appointments "$T/good.csv"
expect_rc 0 "import appointments"
expect_eq "$(tail -n 1 <<<"$OUT")" "已导入 3 条预约" "import summary"
expect_in "$OUT" "LS0001" "the given code is kept"
OUT_IMPORT=$OUT
# Check-in window (defaults): at most 60 minutes early, 15 minutes late.
run checkin LS0001
expect_rc 1 "11:00 booking checking in at 09:25 is too early"
expect_in "$ERR" "11:00" "the too-early refusal names the slot"
NOW=2026-11-25T10:00:00+08:00
run --json checkin LS0001
expect_rc 0 "checkin exactly 60 minutes early"
pycheck "checkin --json" \
    'd["number"] == "A003" and type(d["ahead"]) is int and d["issued_at"] == "2026-11-25T10:00:00+08:00"'
NOW=2026-11-25T11:46:00+08:00
run checkin "$(grep T-B1 <<<"$OUT_IMPORT" | cut -f1)"
expect_rc 1 "11:30 booking checking in at 11:46 is too late"
expect_in "$ERR" "11:30" "the too-late refusal names the slot"
NOW=2026-11-25T14:15:00+08:00
run --json checkin ZL0001
expect_rc 0 "checkin an imported booking 15 minutes late"
pycheck "imported booking issues in its service's queue" \
    'd["queue"] == "C" and d["service"] == "T-C1" and d["number"] == "C001"'
NOW=2026-11-25T09:25:00+08:00

cat >"$T/bad.csv" <<'EOF'
service,at,name,code
T-A1,2026-11-25T15:00,甲,GOOD0001
T-A1,not-a-time,乙,
NOPE,2026-11-25T15:00,丙,
T-B1,2026-11-25T15:00,丁,LS0001
EOF
run import appointments "$T/bad.csv"
expect_rc 2 "a bad appointments file"
expect_in "$ERR" "$T/bad.csv:3:" "the bad time's line named"
expect_in "$ERR" "$T/bad.csv:4:" "the unknown service's line named"
expect_in "$ERR" "$T/bad.csv:5:" "the code already booked named"
run checkin GOOD0001
expect_rc 1 "nothing of the bad file was booked"

cat >"$T/dup.csv" <<'EOF'
service,at,name,code
T-A1,2026-11-25T15:00,甲,DUP00001
T-A1,2026-11-25T15:30,乙,DUP00001
EOF
run import appointments "$T/dup.csv"
expect_rc 2 "a code twice in one file"
expect_in "$ERR" "$T/dup.csv:3:" "the repeated code's line named"

printf 'service,at\nT-A1,2026-11-25T15:00\n' >"$T/cols.csv"
run import appointments "$T/cols.csv"
expect_rc 2 "a file without the name column"
expect_in "$ERR" "$T/cols.csv:1:" "the header named"
run checkin DUP00001
expect_rc 1 "nothing of the duplicate file was booked"
run import appointments "$T/none.csv"
expect_rc 2 "a missing file"

run --lang en --json import appointments "$T/good.csv"
expect_rc 2 "importing the same codes again is refused"
expect_in "$ERR" "already exists" "English messages for import checks"

finish
