#!/usr/bin/env bash
# pad_screens.sh: `qhall-counter --pad` as a process on a real database,
# beside the counter of the same window: idle shows the staff logged in,
# serving the item, and a finish at the counter puts the faces up on a pad
# started afterwards (it replays the last events); --press taps record the
# rating through the library with channel pad and device pad:1, once; a
# second pad sees it rated.  --screenshot prints the screen and keeps the
# frame (artefacts/pad-cli/).
. "$(dirname "$0")/testlib.bash"
COUNTER=$(dirname "$QHALL_BIN")/counter/qhall-counter
SHOTS=${QHALL_ARTEFACTS:-$T}/pad-cli
mkdir -p "$SHOTS"
export SDL_VIDEODRIVER=dummy

c() {       # the counter of window 1, PIN 1234
    RC=0
    OUT=$(QHALL_NOW=$NOW "$COUNTER" --window 1 --db "$DB" --login s01 "$@" <<<"1234" 2>"$T/stderr") || RC=$?
}
pad() {     # the pad of window 1
    RC=0
    OUT=$(QHALL_NOW=$NOW "$COUNTER" --pad --window 1 --db "$DB" "$@" 2>"$T/stderr") || RC=$?
    ERR=$(cat "$T/stderr")
}

setup_db
run staff add s01 --name 张三 <<<"1234"
expect_rc 0 "staff add"

pad --screenshot "$SHOTS/closed.png"
expect_rc 0 "closed pad"
expect_in "$OUT" "screen: idle" "未开放: idle with nobody logged in"
[ -s "$SHOTS/closed.png" ] && pass || bad "closed.png written"

run issue --service T-A1
expect_rc 0 "issue"
NOW=2026-11-25T09:05:00+08:00
c --press F1 --screenshot "$T/c.png"
expect_rc 0 "call"
pad --screenshot "$SHOTS/called.png"
expect_in "$OUT" "screen: called" "the pad shows the call"
c --press F4 --screenshot "$T/c.png"
pad --screenshot "$SHOTS/serving.png" --debug
expect_in "$OUT" "screen: serving" "the pad shows the case"
expect_in "$ERR" "测试审批事项" "with the item"
expect_in "$ERR" "申请表" "and its materials"

NOW=2026-11-25T09:10:00+08:00
c --press F5 --screenshot "$T/c.png"
expect_rc 0 "finish at the counter"
pad --screenshot "$SHOTS/rate.png"
expect_rc 0 "pad after the finish"
expect_in "$OUT" "screen: rate" "the faces come up after the finish"
expect_in "$OUT" "ticket: A001" "for A001"

pad --press face:2 --press submit --screenshot "$SHOTS/reasons-none.png"
expect_rc 1 "不满意 without a reason is refused"
expect_in "$OUT" "请至少选择一项原因" "and says why"
run events
expect_not_in "$OUT" "rated " "nothing recorded"

pad --press face:2 --press reason:0 --press reason:2 --press submit --press face:4 \
    --screenshot "$SHOTS/thanks.png"
expect_rc 0 "不满意 with two reasons"
expect_in "$OUT" "screen: thanks" "thanked"
run --json events
expect_in "$OUT" '"channel":"pad"' "the rating's channel is pad"
expect_in "$OUT" '"device":"pad:1"' "its device is pad:1"
expect_in "$OUT" '态度不好、一次性告知不清楚' "with the ticked reasons"
N=$(grep -o '"type":"rated"' <<<"$OUT" | wc -l)
expect_eq "$N" 1 "recorded once, the later tap ignored"

pad --press face:5 --screenshot "$SHOTS/after.png"
expect_rc 0 "a pad started after the rating"
expect_in "$OUT" "screen: idle" "does not ask again"
run --json events
N=$(grep -o '"type":"rated"' <<<"$OUT" | wc -l)
expect_eq "$N" 1 "still one rating"

# A photo set while the pad runs is on it at once (its staff_photo event):
# --shots keeps a frame for each new photo as for each new screen.
python3 - "$T/face.png" <<'EOF'
import struct, sys, zlib
w, h = 120, 150
raw = b"".join(b"\0" + bytes([200, 30, 170]) * w for _ in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
EOF
PH=$T/photo
QHALL_NOW=$NOW "$COUNTER" --pad --window 1 --db "$DB" --shots "$PH" 2>"$T/photo.err" &
PADPID=$!
at_exit "stop_pid $PADPID"
for _ in $(seq 50); do ls "$PH"/*-idle.png >/dev/null 2>&1 && break; sleep 0.1; done
expect_eq "$(ls "$PH" | wc -l)" 1 "the running pad shows idle once"
run staff photo s01 "$T/face.png"
expect_rc 0 "staff photo"
expect_in "$OUT" "已设置 s01 的照片" "the photo is set"
for _ in $(seq 50); do [ "$(ls "$PH" | wc -l)" -ge 2 ] && break; sleep 0.1; done
expect_eq "$(ls "$PH" | wc -l)" 2 "the running pad drew the new photo: $(ls "$PH")"
stop_pid "$PADPID"
cp "$PH"/0002-idle.png "$SHOTS/idle-photo.png" 2>/dev/null || true
run staff photo s01 /etc/hostname
expect_rc 2 "not an image"
expect_in "$ERR" "/etc/hostname: 照片应为 PNG 或 JPEG 图片" "the file and the reason"
run staff photo nobody "$T/face.png"
expect_rc 1 "no such staff"

# Running: the next finish puts the faces up at once (the change feed),
# a frame kept for each new screen (--shots).
LIVE=$T/live
QHALL_NOW=$NOW "$COUNTER" --pad --window 1 --db "$DB" --shots "$LIVE" 2>"$T/live.err" &
PADPID=$!
at_exit "stop_pid $PADPID"
for _ in $(seq 50); do ls "$LIVE"/*-idle.png >/dev/null 2>&1 && break; sleep 0.1; done
ls "$LIVE"/*-idle.png >/dev/null 2>&1 && pass || bad "the running pad shows idle"
run issue --service T-A1
run call --window 1
run start --window 1
run finish --window 1 --outcome supplement --note "缺少材料：申请表"
expect_rc 0 "finish A002 from the CLI"
for _ in $(seq 50); do ls "$LIVE"/*-rate.png >/dev/null 2>&1 && break; sleep 0.1; done
ls "$LIVE"/*-rate.png >/dev/null 2>&1 && pass || bad "the running pad puts the faces up: $(ls "$LIVE")"
stop_pid "$PADPID"
cp "$LIVE"/*.png "$SHOTS"/ 2>/dev/null || true

pad --lang en --screenshot "$SHOTS/idle-en.png" --windowed 480x800
expect_rc 0 "English, portrait"

pad --press wave --screenshot "$T/x.png"
expect_rc 2 "an unknown tap is bad usage"
RC=0; "$COUNTER" --pad --window 1 --login s01 --db "$DB" >/dev/null 2>&1 </dev/null || RC=$?
expect_rc 2 "the pad has no login"

# A citizen who walks away: after [rating] timeout_seconds (10 here) the
# running pad records rating_skipped and goes idle; the ticket stays
# unrated, and the counter is told.
sed 's/^timeout_seconds = 60/timeout_seconds = 10/' "$QHALL_SRC/assets/hall.ini" >"$T/walk.ini"
run init --config "$T/walk.ini" --force
expect_rc 0 "the hall with a 10 s time-out"
WALK=$T/walk
QHALL_NOW=$NOW "$COUNTER" --pad --window 1 --db "$DB" --shots "$WALK" 2>"$T/walk.err" &
PADPID=$!
at_exit "stop_pid $PADPID"
for _ in $(seq 50); do ls "$WALK"/*-idle.png >/dev/null 2>&1 && break; sleep 0.1; done
run issue --queue A
expect_rc 0 "issue: $ERR"
run login --window 1 --staff s01 <<<"1234"
run call --window 1
expect_rc 0 "call: $ERR"
run start --window 1
run --json finish --window 1 --outcome done
expect_rc 0 "finish from the CLI: $ERR"
N=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])' <<<"$OUT")
for _ in $(seq 50); do ls "$WALK"/*-rate.png >/dev/null 2>&1 && break; sleep 0.1; done
ls "$WALK"/*-rate.png >/dev/null 2>&1 && pass || bad "the faces go up: $(ls "$WALK")"
# (It may have started on the faces: a pad replays the log's last events.)
T0=$(date +%s)
for _ in $(seq 150); do ls "$WALK" | tail -1 | grep -q -- -idle.png && break; sleep 0.1; done
T1=$(date +%s)
ls "$WALK" | tail -1 | grep -q -- -idle.png && pass || bad "idle again after the time-out: $(ls "$WALK")"
[ $((T1 - T0)) -ge 8 ] && pass || bad "not before the time-out: $((T1 - T0)) s"
stop_pid "$PADPID"
run --json events
pycheck "rating_skipped for $N at window 1, and no rating" \
    '[(e["number"], e["window"]) for e in L if e["type"] == "rating_skipped"][-1:] == [("'"$N"'", 1)]
     and not [e for e in L if e["type"] == "rated" and e["number"] == "'"$N"'"]'
finish
