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
  # No phone page ([web] base_url empty): no QR code on the slip.
  RC=0; zbarimg -q --raw "$T/b.png" >/dev/null 2>&1 || RC=$?
  expect_eq "$RC" 4 "no QR code without a phone page"
else
  skipped "no zbarimg (Debian package zbar-tools): the QR code not read back"
fi
run slip B001 --out "$T/b.txt"
expect_rc 2 "unknown format"
run slip B001 --out "$T/b.png" --width 76
expect_rc 2 "bad width"
run slip B999 --out "$T/x.png"
expect_rc 1 "no such ticket"
expect_in "$ERR" "B999" "says which"

# The 补件告知单: only for a ticket last finished with 需补件.
escpos_dots() {   # the width in dots of the first GS v 0 band of file $1
  "$PY" -c 'import sys; d = open(sys.argv[1], "rb").read(); i = d.index(b"\x1dv0");
print((d[i + 4] | d[i + 5] << 8) * 8)' "$1"
}
run issue --service T-B1
expect_eq "$OUT" "B002" "a second ticket"
run slip B002 --out "$T/s.png" --supplement
expect_rc 1 "no notice for a waiting ticket"
expect_in "$ERR" "需补件" "says why"
q call --window 3 --ticket B002 >/dev/null
q start --window 3 >/dev/null
q finish --window 3 --outcome supplement --note "缺少材料：居民身份证；户口簿" >/dev/null
run slip B002 --out "$T/supp.png" --supplement --json
expect_rc 0 "notice png"
pycheck "a notice, 80 mm" 'd["kind"] == "supplement" and d["dots"] == 576 and d["height"] > 576'
run slip B002 --out "$T/supp58.escpos" --supplement --width 58
expect_rc 0 "notice escpos 58"
expect_eq "$(escpos_dots "$T/supp58.escpos")" "384" "58 mm notice is 384 dots wide"
run slip B002 --out "$T/supp.escpos" --supplement
if cmp -s "$T/supp.escpos" "$T/supp58.escpos"; then bad "80 mm differs from 58 mm"; else pass; fi
run reprint B001 --supplement
expect_rc 1 "no notice for a ticket not finished as 需补件"

# Printing needs the private cupsd.
if [ ! -x /usr/sbin/cupsd ]; then
  skip "no /usr/sbin/cupsd (Debian package cups): nothing printed"
fi
C=$(mktemp -d /tmp/qhcli-XXXXXX)
# Never leave the cupsd behind, whatever happens below.
at_exit 'bash "$QHALL_SRC/tests/cups/stop.sh" "$C"; rm -rf "$C"'
bash "$QHALL_SRC/tests/cups/start.sh" "$C" >/dev/null
export CUPS_SERVER=$C/cups.sock

run reprint B001
expect_rc 0 "reprint to the default printer"
expect_in "$OUT" "slips" "names the printer"
cupsd_alive "$C" "reprint B001"
q slip B001 --out "$T/again.escpos" >/dev/null
if cmp -s "$C/out/slips" "$T/again.escpos"; then pass; else bad "the queue got the slip's bytes"; fi

run reprint B001 --printer nopaper
expect_rc 3 "out of paper"
expect_in "$ERR" "缺纸" "says why"
cupsd_alive "$C" "a reprint to a paperless printer"
run reprint B001 --printer nope --lang en
expect_rc 3 "missing printer"
expect_in "$ERR" 'no printer named "nope"' "says which"
run reprint Z001
expect_rc 1 "unknown number: refused before printing"

# The notice to the default (raw) queue: the very bytes, 576 dots wide.
run reprint B002 --supplement --json
expect_rc 0 "notice printed"
pycheck "names kind and printer" 'd["kind"] == "supplement" and d["printer"] == "slips"'
cupsd_alive "$C" "the notice"
if cmp -s "$C/out/slips" "$T/supp.escpos"; then pass; else bad "the queue got the notice's bytes"; fi
expect_eq "$(escpos_dots "$C/out/slips")" "576" "printed notice is 576 dots wide"
run reprint B002 --supplement --printer nopaper
expect_rc 3 "notice: out of paper"
expect_in "$ERR" "缺纸" "says why"
cupsd_alive "$C" "the notice to a paperless printer"

# The counter: F1 calls B001 (waiting since the start), 需补件, then F6
# on the rating panel prints the notice on the hall's printer (the CUPS
# default here) and says so.
COUNTER=$(dirname "$QHALL_BIN")/counter/qhall-counter
if [ -x "$COUNTER" ]; then
  mkdir -p "${QHALL_ARTEFACTS:-$T}"
  run staff add s01 --name 张三 <<<"1234"
  RC=0
  OUT=$(QHALL_NOW=$NOW SDL_VIDEODRIVER=dummy "$COUNTER" --window 3 --db "$DB" --login s01 \
        --press F1 --press F4 --press F6 --press 1 --press Enter --press F6 \
        --screenshot "${QHALL_ARTEFACTS:-$T}/counter-print-supplement.png" <<<"1234" \
        2>"$T/stderr") || RC=$?
  ERR=$(cat "$T/stderr")
  expect_rc 0 "counter prints the notice"
  expect_in "$OUT" "panel: rating" "the rating still waits"
  expect_in "$OUT" "B001号的补件告知单已打印（slips）" "says it printed"
  cupsd_alive "$C" "the counter's notice"
  q slip B001 --supplement --out "$T/b1.escpos" >/dev/null
  if cmp -s "$C/out/slips" "$T/b1.escpos"; then pass; else bad "the queue got B001's notice"; fi
fi

run events --json
pycheck "events: one reprinted, two print_failed, the ticket untouched" '
sum(1 for e in L if e and e["type"] == "reprinted") == 1 and
sum(1 for e in L if e and e["type"] == "print_failed" and e["number"] == "B001") == 2 and
sum(1 for e in L if e and e["type"] == "issued") >= 2'
pycheck "events: the notice printed once, failed once, both kind supplement" '
[e["type"] for e in L if e and e["number"] == "B002" and e.get("kind") == "supplement"]
== ["printed", "print_failed"] and
(not os.access(os.path.dirname(os.environ["QHALL_BIN"]) + "/counter/qhall-counter", os.X_OK) or
 [e["type"] for e in L if e and e["number"] == "B001" and e.get("kind") == "supplement"]
 == ["printed"])'
run status --json
expect_rc 0 "status"

# A hall with a phone page ([web] base_url): the QR opens the ticket's page.
if command -v zbarimg >/dev/null; then
  sed 's|^base_url =.*|base_url = https://hall.example.gov.cn/q|' \
      "$QHALL_SRC/assets/hall.ini" >"$T/web.ini"
  run init --config "$T/web.ini" --force
  expect_rc 0 "a hall with a phone page"
  run issue --queue B --json
  expect_rc 0 "issue with the page"
  url=$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["url"])' <<<"$OUT")
  case "$url" in https://hall.example.gov.cn/q/t/??????????????????????) pass ;;
                 *) bad "the slip's URL: [$url]" ;; esac
  number=$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["number"])' <<<"$OUT")
  run slip "$number" --out "$T/u.png"
  expect_rc 0 "slip with the page"
  expect_eq "$(zbarimg -q --raw "$T/u.png")" "$url" "QR code: the ticket's page"
fi
finish
