#!/usr/bin/env bash
# staff.sh: staff accounts and window logins.  PINs come on stdin and are
# kept only as argon2id hashes; five wrong PINs in a row lock the account
# for a while; login and logout are events that name the staff member.
source "$(dirname "$0")/testlib.bash"

setup_db

# ---- staff add ----
run staff add s01 --name 张三 <<<"1234"
expect_rc 0 "staff add"
expect_in "$OUT" "s01" "staff add names the ID"
run --json staff add s02 --name=李四 --role admin <<<"987654"
expect_rc 0 "staff add --role admin --json"
pycheck "staff add json" 'd == {"id": "s02", "name": "李四", "role": "admin"}'
run staff add s01 --name 重复 <<<"1234"
expect_rc 1 "a staff ID twice"
run staff add s03 --name 王五 <<<"12"
expect_rc 2 "a PIN too short"
expect_eq "$ERR" "qhall: PIN 应为 4-12 位数字" "the staff PIN rule"
run staff add s03 --name 王五 --role admin <<<"1234"
expect_rc 2 "an admin PIN of 4 digits"
expect_eq "$ERR" "qhall: 管理员 PIN 应为 6-12 位数字" "the admin PIN rule"
run --lang en staff add s03 --name 王五 --role admin <<<"12345"
expect_rc 2 "an admin PIN of 5 digits"
expect_eq "$ERR" "qhall: an admin PIN must be 6-12 digits" "the admin PIN rule in English"
run staff add s03 --name 王五 <<<"12ab"
expect_rc 2 "a PIN with letters"
run staff add s03 --name 王五 --role boss <<<"1234"
expect_rc 2 "an unknown role"
run staff add s03 <<<"1234"
expect_rc 2 "no --name"
run staff add "bad id" --name 王五 <<<"1234"
expect_rc 2 "an ID with a space"
run staff add s03 --name 王五 </dev/null
expect_rc 2 "no PIN on stdin"
run staff add
expect_rc 2 "no ID"

# ---- staff list: no hashes ----
run --json staff list
expect_rc 0 "staff list --json"
pycheck "staff list json" \
    '[s["id"] for s in d] == ["s01", "s02"] and d[1]["role"] == "admin" and d[0]["name"] == "张三"
     and all(s["window"] is None and s["locked"] is False for s in d)'
expect_not_in "$OUT" "argon2" "no hash in the JSON list"
expect_not_in "$OUT" "pin" "no PIN field in the JSON list"
run staff list
expect_rc 0 "staff list"
expect_in "$OUT" "张三" "staff list shows names"
expect_not_in "$OUT" "argon2" "no hash in the readable list"

# ---- login and logout ----
NOW=2026-11-25T08:25:00+08:00
run login --window 3 --staff s01 <<<"1234"
expect_rc 0 "login with the right PIN"
expect_eq "$OUT" "s01 已登录3号窗口" "login line"
run --json status
pycheck "the window is idle with its staff" \
    'd["windows"][2]["state"] == "idle" and d["windows"][2]["staff"] == "s01"'
run --json staff list
pycheck "staff list shows the window" 'd[0]["window"] == 3'
run issue --queue B
run call --window 3
expect_rc 0 "a staffed window calls"
run --json status
pycheck "the call is by the logged-in staff" \
    'd["windows"][2]["state"] == "called" and d["windows"][2]["staff"] == "s01"'
run logout --window 3
expect_rc 1 "logout with a ticket at the window is refused"
run start --window 3
run finish --window 3 --outcome done
run --lang en logout --window 3
expect_rc 0 "logout"
expect_eq "$OUT" "logged out of window 3" "logout line in English"
run --json status
pycheck "the window is closed after logout" \
    'd["windows"][2]["state"] == "closed" and d["windows"][2]["staff"] is None'
run logout --window 3
expect_rc 1 "logout twice"
run login --window 9 --staff s01 <<<"1234"
expect_rc 1 "login at a window the hall lacks"
run login --window 3 --staff nobody <<<"1234"
expect_rc 1 "login of an unknown ID"
run login --window 3 <<<"1234"
expect_rc 2 "login without --staff"
run login --window 3 --staff s01 </dev/null
expect_rc 2 "login without a PIN"

# ---- lockout after five wrong PINs ----
NOW=2026-11-25T08:30:00+08:00
for i in 1 2 3 4; do
    run login --window 4 --staff s02 <<<"000000"
    expect_rc 1 "wrong PIN $i"
done
run --lang en login --window 4 --staff s02 <<<"000000"
expect_rc 1 "wrong PIN 5"
expect_in "$ERR" "locked" "the fifth wrong PIN locks the account"
run login --window 4 --staff s02 <<<"987654"
expect_rc 1 "the right PIN is refused while locked"
run --json staff list
pycheck "staff list shows the lock" 'd[1]["locked"] is True and d[0]["locked"] is False'
run login --window 2 --staff s01 <<<"1234"
expect_rc 0 "another account is not affected"
NOW=2026-11-25T08:46:00+08:00
run login --window 4 --staff s02 <<<"987654"
expect_rc 0 "the lock ends after its minutes"

# ---- events ----
run --json events
pycheck "login and logout events name staff and window" \
    '[(e["type"], e["window"], e["staff"]) for e in L if e["type"] in ("login", "logout")] ==
     [("login", 3, "s01"), ("logout", 3, "s01"), ("login", 2, "s01"), ("login", 4, "s02")]'
pycheck "wrong PINs are logged, not the PIN" \
    'len([e for e in L if e["type"] == "login_failed" and e["staff"] == "s02"]) == 5'
expect_not_in "$OUT" "987654" "no PIN in the event log"
expect_not_in "$OUT" "argon2" "no hash in the event log"
pycheck "the called event carries the staff" \
    'any(e["type"] == "called" and e["staff"] == "s01" and e["window"] == 3 for e in L)'

finish
