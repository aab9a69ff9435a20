#!/usr/bin/env bash
# lifecycle.sh: tickets through every state by way of the qhall CLI, as a
# window clerk or an admin script would drive them: issue, call, recall
# into no-show, call back, start, hold and release (released first),
# transfer to a window, a queue and a service keeping number, issue time
# and green mark (一票到底), the three outcomes (办不成 goes on to queue C),
# rating, cancel, pause; then status, the event log and --follow.
source "$(dirname "$0")/testlib.bash"

setup_db

# ---- issue ----
NOW=2026-11-25T09:00:00+08:00
run issue --queue A
expect_rc 0 "issue --queue A"
expect_out A001 "plain issue prints the number only"

NOW=2026-11-25T09:01:00+08:00
run --json issue --service T-A1 --green elderly
expect_rc 0 "issue --service --green --json"
pycheck "issue json has the contract's members" \
    '{"number","queue","service","ahead","wait_min","wait_max","issued_at"} <= set(d)'
pycheck "issue json values" \
    'd["number"] == "A002" and d["queue"] == "A" and d["service"] == "T-A1"
     and d["green"] == "elderly" and d["issued_at"] == "2026-11-25T09:01:00+08:00"
     and d["day"] == "2026-11-25"'
pycheck "issue waits are integer minutes" \
    'all(type(d[k]) is int for k in ("ahead", "wait_min", "wait_max"))
     and 0 <= d["wait_min"] <= d["wait_max"]'

NOW=2026-11-25T09:02:00+08:00
run --json issue --queue A
expect_rc 0 "issue A003"
pycheck "A003: two ahead, no service" \
    'd["number"] == "A003" and d["ahead"] == 2 and d["service"] is None and d["green"] is None'

# ---- call, recall into no-show, call back ----
NOW=2026-11-25T09:03:00+08:00
run call --window 1
expect_rc 0 "call --window 1"
expect_out $'请A002号到1号窗口办理\n播报：请A零零二号到1号窗口办理' \
    "green ticket called first, with its announcement"

for i in 1 2 3; do
    run --json recall --window 1
    expect_rc 0 "recall $i"
    pycheck "recall $i keeps it called" \
        "d['number'] == 'A002' and d['state'] == 'called' and d['recalls'] == $i"
done
run --json recall --window 1
expect_rc 0 "4th recall"
pycheck "4th recall past the limit makes a no-show" \
    'd["number"] == "A002" and d["state"] == "no_show"'
run recall --window 1
expect_rc 1 "recall with nothing called is refused"

NOW=2026-11-25T09:05:00+08:00
run --json callback A002 --window 1
expect_rc 0 "callback"
pycheck "callback calls it again at window 1" \
    'd["state"] == "called" and d["window"] == 1 and d["announcement"] == "请A零零二号到1号窗口办理"'
run --json start --window 1
expect_rc 0 "start"
pycheck "start: serving" \
    'd["state"] == "serving" and d["started_at"] == "2026-11-25T09:05:00+08:00"'

# ---- hold and release: a released hold goes before older tickets ----
run call --window 2 --ticket A003
expect_rc 0 "call --ticket A003"
expect_in "$OUT" "请A003号到2号窗口办理" "call a given ticket"
run start --window 2
expect_rc 0 "start at 2"
run --json hold --window 2
expect_rc 0 "hold"
pycheck "hold: held" 'd["number"] == "A003" and d["state"] == "held"'
run release A001
expect_rc 1 "release of a waiting ticket is refused"
run --json release A003
expect_rc 0 "release"
pycheck "release: waiting again" 'd["state"] == "waiting" and d["queue"] == "A"'
run call --window 2
expect_rc 0 "call after release"
expect_in "$OUT" "请A003号到2号窗口办理" "the released ticket comes before the older A001"
run start --window 2
NOW=2026-11-25T09:10:00+08:00
run --json finish --window 2 --outcome done
expect_rc 0 "finish done"
pycheck "finish done" 'd["state"] == "finished" and d["outcome"] == "done"'
rate_entry A003 5
expect_rc 0 "rate 5"

# ---- transfers keep number, issue time and green mark ----
NOW=2026-11-25T09:12:00+08:00
keeps='d["number"] == "A002" and d["issued_at"] == "2026-11-25T09:01:00+08:00" and d["green"] == "elderly" and d["state"] == "waiting"'
run --json transfer --window 1 --to-window 2 --note 转2号窗口
expect_rc 0 "transfer to window"
pycheck "transfer to window 2" "$keeps"' and d["target_window"] == 2 and d["queue"] == "A"'
run call --window 1
expect_in "$OUT" "请A001号到1号窗口办理" "a ticket sent to window 2 is not called by window 1"
run start --window 1
run call --window 2
expect_in "$OUT" "请A002号到2号窗口办理" "window 2 calls the ticket sent to it"
run start --window 2
run --json transfer --window 2 --to-queue B
expect_rc 0 "transfer to queue"
pycheck "transfer to queue B" "$keeps"' and d["queue"] == "B" and d["target_window"] is None'
run call --window 3
expect_in "$OUT" "请A002号到3号窗口办理" "window 3 (queue B) calls it"
run start --window 3
run --json transfer --window 3 --to-service T-C1
expect_rc 0 "transfer to service"
pycheck "transfer to service T-C1" "$keeps"' and d["queue"] == "C" and d["service"] == "T-C1"'
run transfer --window 3 --to-queue A
expect_rc 1 "transfer with nothing at the window is refused"
run call --window 5
expect_in "$OUT" "请A002号到5号窗口办理" "window 5 calls queue C first"
run start --window 5
run --json finish --window 5 --outcome supplement --note 缺户口簿
expect_rc 0 "finish supplement"
pycheck "finish supplement" \
    'd["state"] == "finished" and d["outcome"] == "supplement" and d["green"] == "elderly"'

# ---- 办不成: the ticket goes on to queue C, same number ----
run --json finish --window 1 --outcome failed
expect_rc 0 "finish failed"
pycheck "failed ticket waits in queue C" \
    'd["number"] == "A001" and d["state"] == "waiting" and d["queue"] == "C" and d["outcome"] == "failed"'
run --json status
expect_rc 0 "status"
pycheck "status members" \
    'd["day"] == "2026-11-25" and d["hall"] and [q["code"] for q in d["queues"]] == ["A", "B", "C"]
     and [w["number"] for w in d["windows"]] == [1, 2, 3, 4, 5]
     and all(set(w) == {"number", "name", "state", "ticket", "staff", "paused_reason"} for w in d["windows"])'
pycheck "status: A001 waiting in C, windows closed" \
    '[q["waiting"] for q in d["queues"]] == [0, 0, 1]
     and all(w["state"] == "closed" and w["ticket"] is None for w in d["windows"])'
run call --window 5
expect_in "$OUT" "请A001号到5号窗口办理" "window 5 calls the failed case"
run --json status
pycheck "status: window 5 called A001" \
    'd["windows"][4]["state"] == "called" and d["windows"][4]["ticket"] == "A001" and d["queues"][2]["waiting"] == 0'
run start --window 5
run --json status
pycheck "status: window 5 serving A001" 'd["windows"][4]["state"] == "serving"'
run finish --window 5 --outcome done
expect_rc 0 "finish done after failed"

# ---- rating ----
rate_entry A001 1
expect_rc 2 "a score of 1 without a reason is bad input"
rate_entry A001 6
expect_rc 2 "score 6"
rate_entry A001 x
expect_rc 2 "score x"
# The citizen rates on the window's pad: the old form is bad usage.
run rate A001 4
expect_rc 2 "rate without --channel"
expect_in "$ERR" "评价器" "rate without --channel names the pad"
run --lang en rate A001 4
expect_in "$ERR" "the citizen rates on the window's pad" "the same in English"
run rate A001 4 --channel qr --by rater <<<246813
expect_rc 2 "rate on the phone page's channel from the CLI"
run rate A001 4 --channel paper --by rater --day 2026-13-01 <<<246813
expect_rc 2 "rate with a bad --day"
# Entered by an admin, with the admin's PIN; nobody else.
printf '1234\n' | q staff add clerk --name 张三 >/dev/null
run rate A001 4 --channel paper --by clerk <<<1234
expect_rc 1 "a staff member who is not an admin cannot enter a rating"
expect_in "$ERR" "不是管理员" "the refusal says why"
run rate A001 4 --channel hotline --by rater <<<999999
expect_rc 1 "a wrong admin PIN"
run rate A001 4 --channel hotline --by rater </dev/null
expect_rc 2 "no PIN on standard input"
run --json events
pycheck "no rating was written by a refusal" \
    'not [e for e in L if e["type"] == "rated" and e["number"] == "A001"]'
run --json rate A001 1 --reason 等候太久 --channel hotline --by rater <<<246813
expect_rc 0 "rate 1 with reason"
pycheck "rated" 'd["rated"] is True'
run --json events
pycheck "the rating says its channel and who entered it" \
    '[(e["channel"], e["by"], e["score"], e["via"]) for e in L
      if e["type"] == "rated" and e["number"] == "A001"] == [("hotline", "rater", 1, "cli")]'
rate_entry A001 4
expect_rc 1 "rating twice is refused"
run rate A002 4 --channel sms --by rater --day 2026-11-25 <<<246813
expect_rc 0 "rate the supplement case"
run issue --queue B
expect_out B001 "first B number"
rate_entry B001 5
expect_rc 1 "rating an unfinished ticket is refused"

# ---- cancel ----
run --json cancel B001
expect_rc 0 "cancel"
pycheck "cancelled" 'd["number"] == "B001" and d["state"] == "cancelled"'
run cancel B001
expect_rc 1 "cancel twice is refused"
run cancel A003
expect_rc 1 "cancel a finished ticket is refused"

# ---- pause and resume ----
run pause --window 4 --reason 午休
expect_rc 0 "pause"
expect_out "4号窗口已暂停：午休" "pause line"
run --json status
pycheck "status: window 4 paused" \
    'd["windows"][3]["state"] == "paused" and d["windows"][3]["paused_reason"] == "午休"'
run issue --queue B
run call --window 4
expect_rc 1 "a paused window does not call"
run --lang en resume --window 4
expect_rc 0 "resume"
expect_out "window 4 resumed" "resume line in English"
run --json status
pycheck "status: window 4 closed again" \
    'd["windows"][3]["state"] == "closed" and d["windows"][3]["paused_reason"] is None'

# ---- the event log ----
run --json events
expect_rc 0 "events --json"
pycheck "every line is an object with the contract's members" \
    'L and all(e is not None and {"id", "at", "type", "number", "queue", "window", "staff"} <= set(e) for e in L)'
pycheck "ids increase" 'all(a["id"] < b["id"] for a, b in zip(L, L[1:]))'
pycheck "at is ISO 8601 in the hall zone" \
    'all(__import__("re").fullmatch(r"2026-11-25T\d\d:\d\d:\d\d\+08:00", e["at"]) for e in L)'
pycheck "A002's events in order" \
    '[e["type"] for e in L if e["number"] == "A002"] == ["issued", "called", "recalled", "recalled",
      "recalled", "no_show", "called_back", "started", "transferred", "called", "started",
      "transferred", "called", "started", "transferred", "called", "started", "finished", "rated"]'
pycheck "A003's events in order" \
    '[e["type"] for e in L if e["number"] == "A003"] == ["issued", "called", "started", "held",
      "released", "called", "started", "finished", "rated"]'
pycheck "A001's events in order" \
    '[e["type"] for e in L if e["number"] == "A001"] == ["issued", "called", "started", "finished",
      "called", "started", "finished", "rated"]'
pycheck "details merged: no-show reason, transfer target, failed queue, rating" \
    'any(e["type"] == "no_show" and e["reason"] == "recall_limit" for e in L)
     and any(e["type"] == "transferred" and e.get("to_window") == 2 and e.get("note") == "转2号窗口" for e in L)
     and any(e["type"] == "finished" and e["number"] == "A001" and e.get("to_queue") == "C" for e in L)
     and any(e["type"] == "rated" and e["score"] == 1 and e["reason"] == "等候太久" for e in L)'
pycheck "events carry the window and the actor" \
    'all(e["window"] == 1 for e in L if e["type"] == "called_back") and all(e["via"] == "cli" for e in L)'
pycheck "pause and resume are logged" \
    '[e["type"] for e in L if e["window"] == 4 and e["type"] in ("paused", "resumed")] == ["paused", "resumed"]'
nlines=$(printf '%s\n' "$OUT" | wc -l)
mid=$(OUT=$(printf '%s\n' "$OUT" | sed -n 10p) jget 'd["id"]')
run --json events --since "$mid"
pycheck "--since gives only later events" \
    "L and all(e['id'] > $mid for e in L) and len(L) == $nlines - 10"
run events
expect_rc 0 "events, readable"
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" "$nlines" "one readable line per event"
expect_in "$OUT" "no_show" "readable lines name the type"

# ---- --follow prints new events as they come, stops on SIGINT/SIGTERM ----
last=$(q --json events | tail -n 1 | OUT=$(cat) jget 'd["id"]')
for sig in INT TERM; do
    QHALL_NOW=$NOW "$QHALL_BIN" --db "$DB" --json events --follow --since "$last" \
        >"$T/follow.$sig" 2>"$T/follow.$sig.err" &
    pid=$!
    run issue --queue A
    number=$OUT
    for _ in $(seq 100); do
        grep -q "\"$number\"" "$T/follow.$sig" && break
        sleep 0.05
    done
    OUT=$(cat "$T/follow.$sig")
    pycheck "follow ($sig) printed the new ticket while running" \
        "len(L) == 1 and L[0]['type'] == 'issued' and L[0]['number'] == '$number'"
    # Still running until the signal: a --follow that stopped by itself fails.
    kill -"$sig" "$pid" && pass || bad "follow ($sig) had already exited"
    RC=0
    wait "$pid" || RC=$?
    ERR=$(cat "$T/follow.$sig.err")
    expect_rc 0 "follow exits 0 on SIG$sig"
    last=$(q --json events | tail -n 1 | OUT=$(cat) jget 'd["id"]')
done

run check
expect_rc 0 "check: the database is consistent after all this"

# ---- backup: a copy with the whole history ----
run --json events
all_events=$OUT
run backup "$T/backup.db"
expect_rc 0 "backup"
expect_in "$OUT" "$T/backup.db" "backup names the file"
OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$T/backup.db" --json events)
expect_eq "$OUT" "$all_events" "the backup holds the same events"

finish
