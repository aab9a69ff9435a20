# kiosk_screens.sh: qhall-kiosk as a process: --screenshot of every
# screen (kept as artefacts), driven by --press, --tap and --type, a
# ticket issued through the screens and printed to a private cupsd, and
# the refusals a wrong command line gets.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/testlib.bash"

KIOSK=$(dirname "$QHALL_BIN")/kiosk/qhall-kiosk
ART=${QHALL_ARTEFACTS:-$T/art}
mkdir -p "$ART"
k() { QHALL_NOW=$NOW "$KIOSK" --db "${KDB:-$DB}" "$@"; }   # KDB: another database
krun() {
  RC=0
  OUT=$(k "$@" 2>"$T/stderr") || RC=$?
  ERR=$(cat "$T/stderr")
}

run init
expect_rc 0 "init"

C=
if [ -x /usr/sbin/cupsd ]; then
  C=$(mktemp -d /tmp/qhkiosk-XXXXXX)
  at_exit 'bash "$QHALL_SRC/tests/cups/stop.sh" "$C"; rm -rf "$C"'
  bash "$QHALL_SRC/tests/cups/start.sh" "$C" >/dev/null
  export CUPS_SERVER=$C/cups.sock
else
  skipped "no /usr/sbin/cupsd (Debian package cups): the slip not printed"
fi

for s in home green items search confirm appointment pin admin refused offline; do
  krun --screenshot "$ART/cli-kiosk-$s.png" --screen "$s"
  expect_rc 0 "screenshot $s"
  expect_eq "$OUT" "$s $ART/cli-kiosk-$s.png" "$s reached"
  [ -s "$ART/cli-kiosk-$s.png" ] && pass || bad "$s: no PNG"
done

# Through the screens as a citizen: 公共服务, search "sbk", first item, take.
krun --screenshot "$ART/cli-kiosk-ticket.png" --press queue:1 --press back \
     --press search --type sbk --press item:0 --press take
expect_rc 0 "ticket through the screens"
expect_eq "$OUT" "ticket $ART/cli-kiosk-ticket.png" "on the ticket screen"
run events --json
pycheck "issued GG032 once, via the kiosk" '
[e["number"] for e in L if e and e["type"] == "issued"] == ["B001"] and
any(e["type"] == "issued" and e.get("service") == "GG032" and e.get("via") == "kiosk:1" for e in L if e)'
if [ -n "$C" ]; then
  pycheck "printed" 'any(e["type"] == "printed" and e["number"] == "B001" for e in L if e)'
  cupsd_alive "$C" "the kiosk's slip"
  q slip B001 --out "$T/b001.escpos" >/dev/null
  if cmp -s "$C/out/slips" "$T/b001.escpos"; then pass; else bad "the raw queue got the slip's bytes"; fi
fi

# A tap where the first queue button is drawn (portrait 1080x1920).
krun --screenshot "$T/tap.png" --tap 540,400
expect_eq "$OUT" "items $T/tap.png" "a tap on 行政审批 opens its items"

# Landscape and English work too: the English screen says its lines in
# English and none of the Chinese ones (--debug lists the text drawn).
krun --screenshot "$ART/cli-kiosk-landscape-en.png" --windowed 1920x1080 --lang en \
     --screen confirm --debug
expect_rc 0 "landscape English"
expect_eq "$OUT" "confirm $ART/cli-kiosk-landscape-en.png" "English: on the confirm screen"
expect_in "$ERR" "kiosk: box " "English: --debug lists the text boxes"
for line in "At window 1, 2, 5 (Administrative approvals)" "Please bring (complete list):" \
            "Take a number" "Start again"; do
  expect_in "$ERR" "$line" "English: the screen says \"$line\""
done
for line in 办理窗口 请准备以下材料 确认取号 回到首页; do
  expect_not_in "$ERR" "$line" "English: no \"$line\""
done
krun --screenshot "$T/confirm-zh.png" --screen confirm --debug
expect_in "$ERR" "确认取号" "Chinese by default: the screen says 确认取号"
expect_not_in "$ERR" "Take a number" "Chinese by default: no English"

# 暂停取号: what a kiosk shows when its database is out of reach, here a
# kiosk started on a database that is not there: the hall's name unknown,
# the reason named, and no button (nothing can be issued).
GONE=$(new_db gone)
KDB=$GONE krun --screenshot "$ART/cli-kiosk-offline-start.png" --screen offline --debug
expect_rc 0 "offline at start"
expect_eq "$OUT" "offline $ART/cli-kiosk-offline-start.png" "offline at start: on 暂停取号"
expect_in "$ERR" "暂停取号" "offline: the title"
# (--debug lists each drawn line: a wrapped sentence is in pieces.)
expect_in "$ERR" "系统暂时无法连接，暂停取号" "offline: the plain reason"
expect_in "$ERR" "原因：" "offline: the cause, for the staff"
# The path wraps where its letters' widths put it: read the lines joined.
drawn=$(printf '%s\n' "$ERR" | sed -n 's/^kiosk: box [^ ]* [^ ]* px=[0-9]* //p' | tr -d ' \n')
[ "$STORE" = pg ] || expect_in "$drawn" "gone.db:没有这个数据库" "offline: the file named"
! db_exists "$GONE" && pass || bad "the kiosk created a database"
KDB=$GONE krun --screenshot "$T/offline-en.png" --screen offline --lang en --debug
expect_in "$ERR" "Numbers paused" "offline in English"
expect_not_in "$ERR" "暂停取号" "offline in English: no Chinese title"

# The running kiosk (headless) when its database goes and comes back: it
# says 暂停取号 by itself and issues again by itself, and `qhall status`
# sees it alive again.
KLOG=$T/kiosk.log
QHALL_NOW=$NOW SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy "$KIOSK" --db "$DB" --mute \
    2>"$KLOG" &
KPID=$!
at_exit 'stop_pid "$KPID"'
# until_log PATTERN SECONDS: the kiosk's log has PATTERN before the deadline.
until_log() {
  local end=$((SECONDS + $2))
  while [ $SECONDS -lt $end ]; do
    grep -q -- "$1" "$KLOG" && return 0
    kill -0 "$KPID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
kiosk_alive() {    # kiosk:1 alive in `qhall --json status`, within 20 s
  local end=$((SECONDS + 20))
  while [ $SECONDS -lt $end ]; do
    run --json status
    if OUT=$OUT "$PY" -c '
import json, os, sys
d = json.loads(os.environ["OUT"])
sys.exit(0 if any(p["name"] == "kiosk:1" and p["kind"] == "kiosk" and p["alive"]
                  for p in d["programs"]) else 1)' 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}
kiosk_alive && pass || bad "the running kiosk never said it is alive: $OUT"
db_away "$DB"
until_log "暂停取号 (not issuing): " 10 && pass || bad "no 暂停取号 when the database went: $(cat "$KLOG")"
db_back "$DB"
until_log "恢复取号 (issuing again)" 20 && pass || bad "the kiosk did not come back: $(cat "$KLOG")"
expect_in "$(cat "$KLOG")" "connected again to $DB" "the kiosk logs the reconnect"
kill -0 "$KPID" 2>/dev/null && pass || bad "the kiosk stopped"
stop_pid "$KPID"
KPID=

# Command-line mistakes.
krun --screen nowhere --screenshot "$T/x.png"
expect_rc 2 "unknown screen"
krun --lang fr --screenshot "$T/x.png"
expect_rc 2 "unknown language"
krun --press take
expect_rc 2 "scripted presses need --screenshot"
krun --fullscreen --windowed 800x600 --screenshot "$T/x.png"
expect_rc 2 "fullscreen or windowed"
RC=0; "$KIOSK" --db "$(new_db empty)" --screenshot "$T/x.png" 2>"$T/stderr" || RC=$?
expect_rc 1 "a database without a hall"
finish
