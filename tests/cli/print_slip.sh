# print_slip.sh: `qhall slip` and `qhall reprint` against a private cupsd:
# files in three formats, a reprint that lands on a raw queue, and a
# failed one that is refused, logged as print_failed, and changes nothing.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/testlib.bash"

setup_db
run issue --service T-B1
expect_eq "$OUT" "B001" "issue"

# Rendering without a printer.
run slip B001 --out "$T/b.png"
expect_rc 0 "slip png"
expect_in "$OUT" "576×" "80 mm by default"
run slip B001 --out "$T/b58.escpos" --width 58 --json
expect_rc 0 "slip escpos 58"
pycheck "58 mm is 384 dots" 'd["dots"] == 384 and d["height"] > 384'
run slip B001 --out "$T/b.pdf"
expect_rc 0 "slip pdf"
expect_eq "$(head -c 8 "$T/b.pdf")" "%PDF-1.4" "a PDF"
expect_eq "$(head -c 2 "$T/b58.escpos" | od -An -tx1 | tr -d ' ')" "1b40" "ESC @ first"
if command -v zbarimg >/dev/null; then
  expect_eq "$(zbarimg -q --raw "$T/b.png")" "qhall:2026-11-25:B001" "QR code"
fi
run slip B001 --out "$T/b.txt"
expect_rc 2 "unknown format"
run slip B001 --out "$T/b.png" --width 76
expect_rc 2 "bad width"
run slip B999 --out "$T/x.png"
expect_rc 1 "no such ticket"
expect_in "$ERR" "B999" "says which"

# Printing needs the private cupsd.
if [ ! -x /usr/sbin/cupsd ]; then
  echo "no cupsd: printing checks skipped"
  finish
  exit 0
fi
C=$(mktemp -d /tmp/qhcli-XXXXXX)
# Never leave the cupsd behind, whatever happens below.
trap 'rc=$?; bash "$QHALL_SRC/tests/cups/stop.sh" "$C"; rm -rf "$C"; (exit $rc); on_exit' EXIT
bash "$QHALL_SRC/tests/cups/start.sh" "$C" >/dev/null
export CUPS_SERVER=$C/cups.sock

run reprint B001
expect_rc 0 "reprint to the default printer"
expect_in "$OUT" "slips" "names the printer"
q slip B001 --out "$T/again.escpos" >/dev/null
if cmp -s "$C/out/slips" "$T/again.escpos"; then pass; else bad "the queue got the slip's bytes"; fi

run reprint B001 --printer nopaper
expect_rc 3 "out of paper"
expect_in "$ERR" "缺纸" "says why"
run reprint B001 --printer nope --lang en
expect_rc 3 "missing printer"
expect_in "$ERR" 'no printer named "nope"' "says which"
run reprint Z001
expect_rc 1 "unknown number: refused before printing"

run events --json
pycheck "events: one reprinted, two print_failed, the ticket untouched" '
sum(1 for e in L if e and e["type"] == "reprinted") == 1 and
sum(1 for e in L if e and e["type"] == "print_failed") == 2 and
sum(1 for e in L if e and e["type"] == "issued") == 1'
run status --json
expect_rc 0 "status"
finish
