#!/usr/bin/env bash
# rollover.sh: a new service day.  Tickets left open on one day are
# expired (with an `expired` event each) by the first write of the next,
# numbers restart at 001, windows are free again, and yesterday's history
# stays in the event log.
source "$(dirname "$0")/testlib.bash"

setup_db

# Day one: five tickets in every open state but one finished.
NOW=2026-11-25T09:00:00+08:00
for want in A001 A002 A003 B001; do
    run issue --queue "${want:0:1}"
    expect_out "$want" "day one: $want"
done
run issue --service T-C1
expect_out C001 "day one: C001"
run call --window 1
run start --window 1                          # A001 serving
run call --window 2                           # A002 called
run call --window 3
run noshow --window 3                         # B001 no-show
run call --window 5
run start --window 5
run finish --window 5 --outcome done          # C001 finished
expect_rc 0 "day one: C001 finished"
run --json events
day1_events=$(printf '%s\n' "$OUT" | wc -l)
day1_issued=$(printf '%s\n' "$OUT" | grep -c '"type":"issued"')
expect_eq "$day1_issued" 5 "day one: five issued events"

# Day two, first thing: reading changes nothing yet, but shows the new day.
NOW=2026-11-26T08:45:00+08:00
run --json status
expect_rc 0 "day two: status"
pycheck "day two: status shows the new day, empty queues, free windows" \
    'd["day"] == "2026-11-26" and all(q["waiting"] == 0 for q in d["queues"])
     and all(w["ticket"] is None for w in d["windows"])'

# The first write of the day expires what day one left open.
run issue --queue A
expect_rc 0 "day two: first issue"
expect_out A001 "day two: numbers restart at 001"
run --json events
pycheck "one expired event for each ticket left open, before the new day's first issue" \
    'sorted(e["number"] for e in L if e["type"] == "expired") == ["A001", "A002", "A003", "B001"]
     and max(e["id"] for e in L if e["type"] == "expired") < [e for e in L if e["type"] == "issued"][-1]["id"]'
pycheck "the finished ticket is not expired" \
    'not any(e["type"] == "expired" and e["number"] == "C001" for e in L)'
pycheck "expired events are stamped with day two" \
    'all(e["at"].startswith("2026-11-26") for e in L if e["type"] == "expired")'
pycheck "history kept: day one's events are all still there" \
    'len([e for e in L if e["at"].startswith("2026-11-25")]) == '"$day1_events"'
     and len([e for e in L if e["type"] == "issued"]) == 6'
pycheck "the same number on two days is two tickets" \
    'len([e for e in L if e["type"] == "issued" and e["number"] == "A001"]) == 2'

run issue --queue B
expect_out B001 "day two: B restarts too"
run cancel A002
expect_rc 1 "day one's A002 is not today's"
run call --window 1
expect_rc 0 "day two: window 1 is free again"
expect_in "$OUT" "请A001号到1号窗口办理" "day two: window 1 calls today's A001"
run --json status
pycheck "day two: only today's tickets count" \
    'd["queues"][0]["waiting"] == 0 and d["queues"][1]["waiting"] == 1
     and d["windows"][0]["ticket"] == "A001" and d["windows"][1]["ticket"] is None'
run check
expect_rc 0 "check after the rollover"

# A day with no activity in between: two days later is just another day.
NOW=2026-11-30T09:00:00+08:00
run issue --queue A
expect_out A001 "a later Monday starts at 001 again"
run --json events
pycheck "the open tickets of day two expired too" \
    'sorted(e["number"] for e in L if e["type"] == "expired" and e["at"].startswith("2026-11-30")) == ["A001", "B001"]'

finish
