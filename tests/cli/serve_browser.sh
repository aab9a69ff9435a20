# serve_browser.sh: the phone page of `qhall serve` in a real browser.
# A slip's QR code, read back from its PNG, opens the ticket's page in a
# headless Chromium the size of a phone (tests/cdp.py); the page follows
# the calls by itself (no reload) within a second, and the citizen rates
# by tapping, which the database keeps as a rating of channel qr.
# Screenshots: serve_waiting.png, serve_called.png, serve_rate_form.png
# (the whole page), serve_rated.png in $QHALL_ARTEFACTS.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/testlib.bash"

command -v chromium >/dev/null || skip "no chromium (Debian package chromium): no browser to drive"
command -v zbarimg >/dev/null || skip "no zbarimg (Debian package zbar-tools): no QR code to read"
ART=${QHALL_ARTEFACTS:-$T/art}
mkdir -p "$ART"

setup_db
run issue --queue A
expect_rc 0 "issue the first"
FIRST=$OUT
run issue --queue A
expect_rc 0 "issue the second"
SECOND=$OUT

# The server, on the same fixed clock as every qhall call here.
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
SPID=
stop_server() { stop_pid "$SPID"; SPID=; }
at_exit stop_server
QHALL_NOW=$NOW "$QHALL_BIN" --db "$DB" serve --allow-root --listen "127.0.0.1:$PORT" \
    --base-url "$BASE" >"$T/serve.log" 2>&1 &
SPID=$!
up=
for _ in $(seq 100); do
    if [ "$("$PY" -c 'import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=1).read().decode().strip())
except Exception:
    pass' "$BASE/healthz")" = ok ]; then up=1; break; fi
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.1
done
[ -n "$up" ] || { bad "serve never answered /healthz: $(cat "$T/serve.log")"; finish; }
pass

# The slip the kiosk would print, and the address its QR code carries.
run slip "$SECOND" --out "$T/slip.png"
expect_rc 0 "slip png"
URL=$(zbarimg -q --raw "$T/slip.png" || true)
expect_in "$URL" "$BASE/t/" "the QR code opens the ticket's page"
case $URL in "$BASE/t/"*) ;; *) finish ;; esac
TOKEN=${URL#"$BASE/t/"}

# The browser, one command a line through tests/cdp.py.
CPID= BPID=
stop_browser() {
    if [ -n "$CPID" ]; then
        # The coproc's fds are gone (unset) if it has ended.
        [ -z "${CDP[1]:-}" ] || printf 'quit\n' >&"${CDP[1]}" 2>/dev/null || true
        stop_pid "$CPID"
    fi
    if [ -n "$BPID" ] && kill -0 "$BPID" 2>/dev/null; then kill -TERM "$BPID" 2>/dev/null || true; fi
    CPID= BPID=
}
at_exit stop_browser
coproc CDP { exec "$PY" "$QHALL_SRC/tests/cdp.py" --profile "$T/chrome" --size 412,915 \
                  --log "$T/chrome.log"; }
CPID=$CDP_PID
# cdp COMMAND: its reply's status in CST, the rest in CVAL (wait: CMS the
# milliseconds it took).
CST= CVAL= CMS=
cdp() {
    local line=
    CMS=
    if [ -z "${CDP[1]:-}" ]; then
        CST=err CVAL="tests/cdp.py has ended: $(tail -3 "$T/chrome.log" | tr '\n' ' ')"
        return 0
    fi
    printf '%s\n' "$1" >&"${CDP[1]}"
    IFS= read -r -t 30 line <&"${CDP[0]}" || line="err	no reply from tests/cdp.py"
    CST=${line%%	*}
    CVAL=${line#*	}
    if [ "${1%% *}" = wait ] && [ "$CST" != err ]; then CMS=${CVAL%%	*}; CVAL=${CVAL#*	}; fi
}
IFS= read -r -t 30 line <&"${CDP[0]}" || line="err	tests/cdp.py did not start"
case $line in
ready*) BPID=${line#*	}; pass ;;
*) bad "the browser: $line"$'\n'"$(tail -5 "$T/chrome.log")"; finish ;;
esac
# expect_js JS WANT WHAT: the page's value of JS is WANT.
expect_js() {
    cdp "eval $1"
    if [ "$CST" = ok ] && [ "$CVAL" = "$2" ]; then pass; else bad "$3: $1 is [$CST $CVAL], want [$2]"; fi
}
# expect_soon MS JS WHAT: JS becomes true by itself within MS ms.
expect_soon() {
    cdp "wait $1 $2"
    if [ "$CST" = ok ]; then pass; else bad "$3: $2 not true after ${CMS:-?} ms (last [$CVAL])"; fi
}
STATE="document.getElementById('state').getAttribute('data-state')"

cdp "open $URL"
expect_eq "$CST" ok "the page opens"
expect_js "document.getElementById('number').textContent" "$SECOND" "the page shows the number"
expect_js "$STATE" waiting "waiting"
expect_js "document.getElementById('ahead').textContent" 1 "one ahead"
expect_js "document.documentElement.scrollWidth <= window.innerWidth" true "no sideways scrolling"
cdp "shot $ART/serve_waiting.png"
expect_eq "$CST" ok "screenshot waiting"
# The live stream is up before anything moves: its first message (the
# page as it is) has come.  A mark that a reload would lose.
cdp "sse 5000 1"
expect_eq "$CST" ok "the page's event stream sends its first message"
cdp "eval window.qhMark=1"

run call --window 1
expect_in "$OUT" "请${FIRST}号到1号窗口" "call the first"
expect_soon 1000 "document.getElementById('ahead')&&document.getElementById('ahead').textContent==='0'" \
    "nobody ahead once the first is called"
echo "page: ahead 0 after ${CMS} ms"
run noshow --window 1
expect_rc 0 "the first is not there"
run call --window 1
expect_in "$OUT" "请${SECOND}号到1号窗口" "call the second"
expect_soon 1000 "$STATE==='called'&&document.getElementById('state').textContent.indexOf('请到 1 号窗口')>=0" \
    "the page sends the citizen to window 1"
echo "page: called after ${CMS} ms"
expect_js "window.qhMark" 1 "the page changed in place, not reloaded"
cdp "shot $ART/serve_called.png"
expect_eq "$CST" ok "screenshot called"

run start --window 1
expect_rc 0 "start"
run finish --window 1 --outcome done
expect_rc 0 "finish"
expect_soon 2000 "!!document.querySelector('#rate input[name=score][value=\"5\"]')" "the rating form comes by itself"
expect_js "document.querySelectorAll('#rate input[name=score]').length" 5 "five scores"
expect_js "!!document.querySelector('#rate textarea[name=text]')&&!!document.querySelector('#rate button[type=submit]')" \
    true "a text and a button"
expect_js "$STATE" finished "finished"
cdp "shot $ART/serve_rate_form.png full"
expect_eq "$CST" ok "screenshot of the whole form"
cdp "eval document.querySelector('input[name=score][value=\"5\"]').click(),document.querySelector('input[name=score][value=\"5\"]').checked"
expect_eq "$CVAL" true "score 5 ticked"
cdp "eval document.querySelector('#rate button[type=submit]').click(),1"
expect_eq "$CST" ok "submit"
expect_soon 5000 "!!document.getElementById('rated')" "the page says it is rated"
expect_js "document.getElementById('rated').textContent.indexOf('您已评价')>=0" true "您已评价"
expect_js "location.href" "$URL" "back on the ticket's page"
expect_js "!!document.getElementById('rate')" false "no form any more"
cdp "shot $ART/serve_rated.png"
expect_eq "$CST" ok "screenshot rated"

run events --json
pycheck "one rating: score 5 by the phone page, channel qr" '
[(e["number"], e.get("score"), e.get("channel"), e.get("device")) for e in L if e and e["type"] == "rated"]
== [("'"$SECOND"'", 5, "qr", "web")]'

# A token of the right shape that is no slip's.
last=${TOKEN: -1}
if [ "$last" = A ]; then other=B; else other=A; fi
cdp "open $BASE/t/${TOKEN%?}$other"
expect_eq "$CST" ok "a wrong token's page opens"
expect_js "document.body.textContent.indexOf('未找到该号票')>=0" true "a wrong token: 未找到该号票"
expect_js "document.body.textContent.indexOf('$SECOND')<0" true "and nothing of the ticket"
finish
