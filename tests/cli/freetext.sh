#!/usr/bin/env bash
# freetext.sh: free text typed into qhall -- notes, reasons, names -- is
# stored whole up to its limit in characters and refused past it, when it
# is not UTF-8 or when it carries control characters: exit 2 naming the
# option and the limit, nothing written.  Text already in the database
# with escape sequences or bad bytes (a database from before the checks)
# reaches the terminal escaped and --json output as valid JSON.
source "$(dirname "$0")/testlib.bash"

setup_db

# rep S N: S repeated N times.
rep() { "$PY" -c 'import sys; print(sys.argv[1] * int(sys.argv[2]), end="")' "$1" "$2"; }
nevents() { q --json events | wc -l; }

# The terminal's worst: set the window title, clear the screen.
ESCAPES=$'x\033]0;owned\007\033[2J'

# ---- tickets in every state a field needs ----
run issue --queue A                     # A001: finished and rated at window 2
run issue --queue A                     # A002: served at window 2 for the notes
run call --window 2
run start --window 2
run finish --window 2 --outcome done
rate_entry A001 1 --reason 等太久       # opens follow-up 1
expect_rc 0 "a bad rating opens a follow-up"
run call --window 2
run start --window 2
expect_rc 0 "A002 is being served at window 2"

# field_cmd FIELD VALUE: the command that takes VALUE as free text.
field_cmd() {
    case $1 in
    pause) run --lang en pause --window 1 --reason "$2" ;;
    transfer) run --lang en transfer --window 2 --to-window 3 --note "$2" ;;
    finish) run --lang en finish --window 3 --outcome done --note "$2" ;;
    rate) rate_entry --lang en A001 1 --reason "$2" ;;
    followup) run --lang en followup close 1 --result "$2" ;;
    appointment) run --lang en appointment add --service T-A1 --at 2026-11-26T10:00 --name "$2" ;;
    staff) run --lang en staff add s9 --name "$2" <<<"123456" ;;
    esac
}

# refused FIELD OPTION LIMIT LABEL: the rows every field refuses, each with
# exit 2 and a message naming the option; none of them writes an event.
refused() {
    local f=$1 opt=$2 n=$3 label=$4 before
    before=$(nevents)
    # row: value | message
    local -a rows=(
        "$(rep 字 $((n + 1)))|$opt: $label: at most $n characters, got $((n + 1))"
        "$(rep 😀 $((n + 1)))|$opt: $label: at most $n characters, got $((n + 1))"
        $'\xff'"|$opt: $label: invalid UTF-8 (byte 1)"
        $'ok\xc0\x80'"|$opt: $label: invalid UTF-8 (byte 3)"
        $'\xed\xa0\x80'"|$opt: $label: invalid UTF-8 (byte 1)"
        "$ESCAPES|$opt: $label: control character U+001B (character 2)"
        $'two\nlines'"|$opt: $label: control character U+000A (character 4)"
        $'tab\there'"|$opt: $label: control character U+0009 (character 4)"
        $'c1 \xc2\x9b2J'"|$opt: $label: control character U+009B (character 4)"
        $'del\x7f'"|$opt: $label: control character U+007F (character 4)"
    )
    local row
    for row in "${rows[@]}"; do
        field_cmd "$f" "${row%|*}"
        expect_rc 2 "$f: refused [${row#*|}]"
        expect_in "$ERR" "qhall: ${row#*|}" "$f: the message"
    done
    expect_eq "$(nevents)" "$before" "$f: nothing written by a refusal"
}

# ---- pause reasons: 60 characters ----
refused pause --reason 60 "pause reason"
run --json status
pycheck "pause: a refused reason does not pause" 'd["windows"][0]["state"] != "paused"'
field_cmd pause "$(rep 暂 60)"
expect_rc 0 "pause: 60 characters (cut at 127 bytes before)"
run --json status
pycheck "pause: the reason stored whole" 'd["windows"][0]["paused_reason"] == "暂" * 60'

# ---- notes: 500 characters, transfer and finish ----
refused transfer --note 500 note
field_cmd transfer "$(rep 😀 500)"
expect_rc 0 "transfer: a 500-character note in 4-byte characters (2000 bytes)"
run call --window 3
run start --window 3
expect_rc 0 "window 3 serves the transferred A002"
refused finish --note 500 note
field_cmd finish "$(rep '"\' 250)"
expect_rc 0 "finish: a 500-character note every byte of which JSON escapes"
run --json events
pycheck "notes stored whole in the events" \
    '[e["note"] for e in L if e["type"] in ("transferred", "finished") and "note" in e]
     == ["😀" * 500, "\"\\" * 250]'

# ---- rating reasons: 200 characters; follow-up results: 200 ----
refused rate --reason 200 "rating reason"
refused followup --result 200 "follow-up result"
field_cmd followup "$(rep 改 200)"
expect_rc 0 "followup close: a 200-character result (cut at 255 bytes before)"
run --json followup list --all
pycheck "the result stored whole" 'd[0]["result"] == "改" * 200'
run issue --queue A                     # A003, rated at its limit
run call --window 2
run start --window 2
run finish --window 2 --outcome done
rate_entry --lang en A003 2 --reason "$(rep 慢 200)"
expect_rc 0 "rate: a 200-character reason"
run --json events
pycheck "the rating reason stored whole" \
    '[e["reason"] for e in L if e["type"] == "rated"][-1] == "慢" * 200'

# ---- names: 32 characters ----
refused appointment --name 32 name
field_cmd appointment "$(head -c 131000 /dev/zero | tr '\0' a)"
expect_rc 2 "appointment: a 131,000-byte name (accepted with exit 0 before)"
expect_in "$ERR" "--name: name: at most 32 characters, got 131000" "appointment: the message"
field_cmd appointment "$(rep 😀 32)"
expect_rc 0 "appointment: a 32-character name"
code=$OUT
expect_eq "$(db_sql "SELECT CASE WHEN name = '$(rep 😀 32)' THEN 1 ELSE 0 END FROM appointment WHERE code = '$code'")" \
    1 "appointment: the name stored whole (cut at 63 bytes before)"
refused staff --name 32 name
field_cmd staff "$(rep 名 32)"
expect_rc 0 "staff add: a 32-character name"
run --json staff list
pycheck "staff: the name stored whole" '[s["name"] for s in d if s["id"] == "s9"] == ["名" * 32]'
# ... and in the appointments CSV, reported by line, nothing booked.
printf 'service,at,name\nT-A1,2026-11-26T11:00,%s\nT-A1,2026-11-26T11:30,"%s"\n' \
    "$(rep 名 33)" "$ESCAPES" >"$T/appts.csv"
run import appointments "$T/appts.csv"
expect_rc 2 "import appointments: bad names refused"
expect_in "$ERR" "appts.csv:2: column \"name\": at most 32 characters, got 33" "CSV: line 2"
expect_in "$ERR" "appts.csv:3: column \"name\": control character" "CSV: line 3"
expect_eq "$(db_sql "SELECT count(*) FROM appointment")" 1 "CSV: nothing booked"

# ---- text stored before the checks: escaped on the way out ----
# An old database: a staff name, a pause reason, a follow-up reason and an
# event's detail holding escape sequences, C1 and a byte that is not UTF-8
# (not on PostgreSQL: a UTF8 database refuses such a byte in text, so it
# cannot come out of one).  OLDPY is that text as a Python literal, as
# qhall must show it in JSON.
if [ "$STORE" = sqlite ]; then
    OLD="'x' || char(27) || ']0;owned' || char(7) || char(27) || '[2J' || char(155) || CAST(x'ff' AS TEXT)"
    WANT='x\u001b]0;owned\u0007\u001b[2J\u009b'$'\xef\xbf\xbd'
    OLDPY='"x\x1b]0;owned\x07\x1b[2J\x9b\ufffd"'
else
    OLD="'x' || chr(27) || ']0;owned' || chr(7) || chr(27) || '[2J' || chr(155)"
    WANT='x\u001b]0;owned\u0007\u001b[2J\u009b'
    OLDPY='"x\x1b]0;owned\x07\x1b[2J\x9b"'
fi
db_sql "
INSERT INTO staff(id, name, role, pin_hash, created_at) VALUES ('old1', $OLD, 'staff', 'x', 0);
UPDATE win SET paused = 1, pause_reason = $OLD WHERE number = 3;
UPDATE followup SET reason = $OLD;
INSERT INTO event(at, type, win, staff, detail)
    VALUES (1795568400000, 'paused', 3, 'old1', '{\"via\":\"cli\",\"reason\":\"' || $OLD || '\"}');"

# clean WHAT ARGS...: qhall's stdout is UTF-8 with no control character but
# newlines (stderr too); with --json it parses as JSON (one value, or one a
# line for events).
clean() {
    local what=$1
    shift
    RC=0
    q "$@" >"$T/raw.out" 2>"$T/raw.err" || RC=$?
    expect_rc 0 "$what"
    if "$PY" - "$T/raw.out" "$T/raw.err" "$*" <<'EOF'; then pass; else bad "$what: see above"; fi
import json, sys
ok = True
for path in sys.argv[1:3]:
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"{path}: not UTF-8: {e}", file=sys.stderr)
        ok = False
        continue
    ctl = [hex(ord(ch)) for ch in text
           if (ord(ch) < 0x20 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F]
    if ctl:
        print(f"{path}: control characters {ctl[:5]}", file=sys.stderr)
        ok = False
    if path == sys.argv[1] and "--json" in sys.argv[3].split():
        try:
            if " events" in " " + sys.argv[3]:
                [json.loads(line) for line in text.splitlines()]
            else:
                json.loads(text)
        except ValueError as e:
            print(f"not JSON: {e}", file=sys.stderr)
            ok = False
sys.exit(0 if ok else 1)
EOF
    OUT=$(cat "$T/raw.out")
}

clean "status" status
expect_in "$OUT" "$WANT" "status shows the old reason escaped"
clean "staff list" staff list
expect_in "$OUT" "$WANT" "staff list shows the old name escaped"
clean "events" events
expect_in "$OUT" 'x\u001b]0;owned' "events shows the old detail escaped"
clean "followup list" followup list
expect_in "$OUT" "$WANT" "followup list shows the old reason escaped"
clean "--json status" --json status
pycheck "--json status: the old reason, bad byte replaced" \
    'd["windows"][2]["paused_reason"] == '"$OLDPY"
clean "--json staff list" --json staff list
pycheck "--json staff list: the old name" \
    '[s["name"] for s in d if s["id"] == "old1"] == ['"$OLDPY"']'
clean "--json events" --json events
pycheck "--json events: the old detail" 'L[-1]["reason"] == '"$OLDPY"
clean "--json followup list" --json followup list --all
pycheck "--json followup list: the old reason" \
    'd[0]["reason"] == '"$OLDPY"
# Messages go out escaped too: an unknown option echoes what was typed.
clean_err() {
    RC=0
    q "$@" >/dev/null 2>"$T/raw.err" || RC=$?
    expect_rc 2 "a bad option is refused"
    if "$PY" -c '
import sys
t = open(sys.argv[1], "rb").read().decode("utf-8")
sys.exit(1 if any(ord(c) < 0x20 and c != "\n" for c in t) else 0)' "$T/raw.err"; then
        pass
    else
        bad "stderr carries control characters: $(od -c "$T/raw.err" | head -3)"
    fi
}
clean_err "--x$ESCAPES"

finish
