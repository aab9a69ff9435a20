# kiosk_screens.sh: qhall-kiosk as a process: --screenshot of every
# screen (kept as artefacts), driven by --press, --tap and --type, a
# ticket issued through the screens and printed to a private cupsd, and
# the refusals a wrong command line gets.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/testlib.bash"

KIOSK=$(dirname "$QHALL_BIN")/kiosk/qhall-kiosk
ART=${QHALL_ARTEFACTS:-$T/art}
mkdir -p "$ART"
k() { QHALL_NOW=$NOW "$KIOSK" --db "$DB" "$@"; }
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

for s in home green items search confirm appointment pin admin refused; do
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
