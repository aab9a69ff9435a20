#!/usr/bin/env bash
# errors.sh: the CLI's exit-status contract.  Every refusal exits 1 with a
# "qhall: " message, every bad usage or bad input exits 2, a store or
# system error exits 3; bad CSV and bad INI name file and line and change
# nothing; help and version exit 0.
source "$(dirname "$0")/testlib.bash"

setup_db
run issue --queue A
expect_out A001 "issue A001"

# refused: exit 1, one "qhall: " line on stderr
refused() {             # refused WHAT ARGS...
    local what=$1
    shift
    run "$@"
    expect_rc 1 "$what"
    case "$ERR" in "qhall: "?*) pass ;; *) bad "$what: stderr [$ERR] is not a qhall: message" ;; esac
}
refused "call with nothing waiting" call --window 3
refused "recall with nothing called" recall --window 1
refused "noshow with nothing called" noshow --window 1
refused "start with nothing called" start --window 1
refused "hold with nothing served" hold --window 1
refused "finish with nothing served" finish --window 1 --outcome done
refused "transfer with nothing served" transfer --window 1 --to-queue B
refused "release of an unknown number" release A999
refused "cancel of an unknown number" cancel A999
refused "callback of a waiting ticket" callback A001 --window 1
refused "issue for an unknown service" issue --service NOPE
refused "issue for an unknown queue" issue --queue Z
refused "a window the hall does not have" call --window 9
refused "init over an existing hall" init
refused "resume a window that is not paused" resume --window 2
refused "logout where nobody is logged in" logout --window 2
refused "checkin with an unknown code" checkin 12345678
rate_entry A001 5
expect_rc 1 "rate an unfinished ticket"
run call --window 1
refused "call at a window that already has a ticket" call --window 1
refused "pause a window with a ticket" pause --window 1 --reason 午休
# A backup is a new file, on either store: never one that exists, and on
# SQLite never the database's own.
: >"$T/taken.db"
refused "backup onto an existing file" backup "$T/taken.db"
[ "$STORE" != sqlite ] || refused "backup onto the database itself" backup "$DB"
run --lang en call --window 3
expect_rc 1 "English refusal"
expect_eq "$ERR" "qhall: nothing waiting for window 3" "refusal message in English"
run call --window 3
expect_in "$ERR" "没有等候" "refusal message in Chinese by default"

# quota: a queue with daily_quota = 1 gives one number a day
sed '0,/daily_quota = 0/s//daily_quota = 1/' "$QHALL_SRC/assets/hall.ini" >"$T/quota.ini"
QDB=$(new_db quota)
DB=$QDB run init --config "$T/quota.ini"
expect_rc 0 "init with a quota"
DB=$QDB run issue --queue A
expect_out A001 "first number under the quota"
DB=$QDB run issue --queue A
expect_rc 1 "second number past the quota is refused"

# bad usage: exit 2
usage() {               # usage WHAT ARGS...
    local what=$1
    shift
    run "$@"
    expect_rc 2 "$what"
    [ -n "$ERR" ] && [ -z "$OUT" ] && pass || bad "$what: want a message on stderr only (stdout [$OUT])"
}
raw
expect_rc 2 "no command at all"
expect_in "$ERR" "qhall" "no command prints the usage on stderr"
usage "unknown command" frobnicate
expect_in "$ERR" "frobnicate" "unknown command named"
usage "unknown option" issue --queue A --frob
usage "unknown global option" --frob status
usage "--window not a number" call --window x
usage "--window 0" call --window 0
usage "--window 100" call --window=100
usage "--window negative" call --window -1
usage "--window missing" call
usage "--window without a value" call --window
usage "issue with neither service nor queue" issue
usage "issue with both service and queue" issue --queue A --service T-A1
usage "issue with an unknown green reason" issue --queue A --green vip
usage "finish with a bad outcome" finish --window 1 --outcome maybe
usage "finish without outcome" finish --window 1
usage "rate 0" rate A001 0 --channel paper --by rater
usage "rate six" rate A001 six --channel paper --by rater
usage "rate without --channel (the citizen rates on the pad)" rate A001 5
expect_in "$ERR" "评价器" "rate without --channel: the pad is named"
usage "rate on the pad's channel" rate A001 5 --channel pad --by rater
usage "rate without --by" rate A001 5 --channel paper
usage "transfer with no target" transfer --window 1
usage "transfer with two targets" transfer --window 1 --to-queue B --to-window 2
usage "transfer to window x" transfer --window 1 --to-window x
usage "pause without a reason" pause --window 2
usage "--lang fr" --lang fr status
usage "cancel without a number" cancel
usage "cancel with two numbers" cancel A001 A002
usage "a flag given a value" --json=1 status
usage "import without what" import
usage "import of an unknown kind" import people x.csv
usage "events --since x" events --since x
usage "events --since negative" events --since -5
usage "appointment without add" appointment
run --lang en call --window x
expect_eq "$(head -n 1 <<<"$ERR")" 'qhall: --window: expected 1-99, got "x"' "the --window message"
run call --window x
expect_in "$ERR" '--window: ' "the Chinese --window message names the option"
QHALL_LANG=xx run status
expect_rc 2 "QHALL_LANG=xx"
QHALL_NOW=yesterday "$QHALL_BIN" --db "$DB" status >/dev/null 2>"$T/stderr" && RC=0 || RC=$?
ERR=$(cat "$T/stderr")
expect_rc 2 "a bad QHALL_NOW"
expect_in "$ERR" "QHALL_NOW" "the bad QHALL_NOW is named"
run call --window 1 --outcome done
expect_rc 2 "an option of another command"
run issue --queue=B --json
pycheck "--opt=value, and a global option after the command" 'd["number"] == "B001"'
run cancel B001 --json=1
expect_rc 2 "a flag given a value after the positional"
run cancel --json -- B001
pycheck "-- ends the options" 'd["state"] == "cancelled"'
run issue --queue B
run cancel B002 --json
pycheck "options after the positional" 'd["number"] == "B002" and d["state"] == "cancelled"'

# A single-valued option given twice is refused, not settled by a guess:
# exit 2, the option named, nothing done.
repeated() {            # repeated OPTION ARGS...
    local opt=$1
    shift
    run "$@"
    expect_rc 2 "$* refused"
    expect_in "$ERR" "选项 $opt 重复" "$* names $opt"
}
run --json status
WAITING_BEFORE=$(jget 'sum(q["waiting"] for q in d["queues"])')
repeated --queue issue --queue A --queue B
repeated --queue issue --queue=A --queue=A
repeated --window call --window 1 --window 2
repeated --outcome finish --window 1 --outcome done --outcome done
repeated --lang --lang zh --lang=zh status
repeated --db status --db "$DB"
run --lang en issue --queue A --queue B
expect_in "$ERR" "option --queue given more than once" "the repeat refused in English"
run --json status
expect_eq "$(jget 'sum(q["waiting"] for q in d["queues"])')" "$WAITING_BEFORE" \
    "nothing was issued by the refused commands"
run --json --json status
expect_rc 0 "a repeated flag says the same thing twice"
BIN=$(dirname "$QHALL_BIN")
for prog in "kiosk/qhall-kiosk --db $DB --db $DB" \
            "counter/qhall-counter --window 1 --db $DB --window 2" \
            "display/qhall-display --lang zh --lang en"; do
    RC=0
    # A program that took the repeat would open its window: the timeout
    # ends it.  The words of each line are its argv.
    # shellcheck disable=SC2086
    QHALL_LANG= timeout 20 $BIN/$prog >/dev/null 2>"$T/stderr" || RC=$?
    ERR=$(cat "$T/stderr")
    expect_rc 2 "$prog refused"
    expect_in "$ERR" "重复" "$prog names the repeated option"
done
QHALL_LANG=en timeout 20 "$BIN/kiosk/qhall-kiosk" --screen home --screen items >/dev/null \
    2>"$T/stderr" || true
expect_in "$(cat "$T/stderr")" "option --screen given more than once" "a program's refusal in English"

# help and version: exit 0
run help
expect_rc 0 "help"
for cmd in "init" "import services" "import appointments" "issue" "call" "recall" \
           "noshow" "callback" "start" "hold" "release" "transfer" "finish" "cancel" \
           "rate" "pause" "resume" "status" "events" "appointment add" "checkin" \
           "login" "logout" "staff add" "staff list" "staff pin" "staff unlock" \
           "backup" "check"; do
    expect_in "$OUT" "  $cmd" "help lists $cmd"
done
expect_in "$OUT" "命令" "help is in Chinese by default"
raw --help
expect_rc 0 "--help"
expect_in "$OUT" "transfer --window N" "--help prints the usage"
raw --lang en --help
expect_in "$OUT" "usage: qhall" "--help in English"
raw issue --help
expect_rc 0 "issue --help"
expect_in "$OUT" "issue (--service CODE | --queue Q)" "command help"
raw --version
expect_rc 0 "--version"
case "$OUT" in "qhall "[0-9]*) pass ;; *) bad "--version printed [$OUT]" ;; esac

# store and system errors: exit 3
if [ "$STORE" = sqlite ]; then
    touch "$T/plainfile"
    raw --db "$T/plainfile/qhall.db" status
    expect_rc 3 "a db path under a regular file"
    head -c 8192 /dev/urandom >"$T/corrupt.db"
    raw --db "$T/corrupt.db" status
    expect_rc 3 "a corrupt database"
    expect_in "$ERR" "qhall: " "a store error is a qhall: message"
else
    # No server where the URI points.
    mkdir "$T/noserver"
    raw --db "postgresql:///qhall?host=$T/noserver&user=qhall" status
    expect_rc 3 "no server at the URI's socket"
    expect_in "$ERR" "qhall: " "a store error is a qhall: message"
fi
run backup "$T/no/such/dir/backup.db"
expect_rc 3 "backup into a missing directory"
if [ "$(id -u)" != 0 ]; then
    mkdir "$T/ro" && chmod 555 "$T/ro"
    raw --db "$T/ro/qhall.db" status
    expect_rc 3 "a database in a read-only directory"
fi

# a bad catalogue: exit 2, file:line for each bad line, nothing imported
cat >"$T/bad.csv" <<'EOF'
code,name,queue,promised_days,materials
T-NEW,新事项,A,5,身份证
T-BAD,坏事项,A,999,身份证
T-BAD2,,B,1,身份证
EOF
run import services "$T/bad.csv"
expect_rc 2 "a bad catalogue"
expect_in "$ERR" "$T/bad.csv:3:" "line 3 named"
expect_in "$ERR" "$T/bad.csv:4:" "line 4 named"
expect_not_in "$ERR" "qhall: $T/bad.csv" "parser lines printed as the library gives them"
cat >"$T/badq.csv" <<'EOF'
code,name,queue,promised_days,materials
T-NEW,新事项,A,5,身份证
T-Z,无队列事项,Z,5,身份证
EOF
run import services "$T/badq.csv"
expect_rc 2 "a catalogue naming a queue the hall lacks"
expect_in "$ERR" "$T/badq.csv:3:" "the unknown queue's line named"
run issue --service T-NEW
expect_rc 1 "nothing of the bad files was imported"
run issue --service T-A1
expect_rc 0 "the old catalogue is intact"
run import services "$T/missing.csv"
expect_rc 2 "a missing catalogue file"

# Every bad line of a file in one run, in file order: the reader's own
# findings (a stray quote, a short row, a bad cell, a repeated code) and
# the hall's (a queue it lacks, also on a row with another bad cell).
cat >"$T/mix.csv" <<'EOF'
code,name,queue,promised_days,materials
M-1,甲,A,5,身份证
M-2,乙"x,A,5,身份证
M-3,丙,Z,5,身份证
M-4,丁,A,5
M-5,戊,Y,999,身份证
M-1,己,A,1,身份证
EOF
run import services "$T/mix.csv"
expect_rc 2 "a catalogue with every kind of mistake"
expect_eq "$ERR" "$T/mix.csv:3: quote inside an unquoted field (quote the whole field and double the quote)
$T/mix.csv:4: column \"queue\": 大厅没有队列 \"Z\"
$T/mix.csv:5: expected 5 columns, got 4
$T/mix.csv:6: column \"promised_days\": expected 0-365, got \"999\"
$T/mix.csv:6: column \"queue\": 大厅没有队列 \"Y\"
$T/mix.csv:7: duplicate code \"M-1\" (first on line 2)" "every bad catalogue line, in file order"
run --lang en import services "$T/mix.csv"
expect_in "$ERR" "$T/mix.csv:4: column \"queue\": the hall has no queue \"Z\"" \
    "the hall's finding in English"
run issue --service M-1
expect_rc 1 "nothing of the mixed catalogue was imported"
printf 'service,at,name,code\nT-A1,2026-11-25T15:00,甲,MIX00001\nT-A1,2026-11-25T15:30,\xff乙,MIX00002\nT-A1,2026-11-25T16:00,丙,MIX00001\nT-B1,not-a-time,丁,MIX00004\nNOPE,2026-11-25T16:30,戊,MIX00005\n' >"$T/amix.csv"
run import appointments "$T/amix.csv"
expect_rc 2 "appointments with every kind of mistake"
expect_eq "$ERR" "$T/amix.csv:3: invalid UTF-8 (save the file as UTF-8)
$T/amix.csv:4: duplicate code \"MIX00001\" (first on line 2)
$T/amix.csv:5: column \"at\": expected a time like 2026-11-25T09:00:00+08:00, got \"not-a-time\"
$T/amix.csv:6: 没有事项 \"NOPE\"" "every bad appointment line, in file order"
run checkin MIX00001
expect_rc 1 "nothing of the mixed appointments was booked"

# a bad hall configuration: exit 2, file:line, the hall unchanged
cat >"$T/bad.ini" <<'EOF'
[hall]
name = 坏大厅
recall_limit = lots
EOF
run init --config "$T/bad.ini" --force
expect_rc 2 "a bad INI"
expect_in "$ERR" "$T/bad.ini:3:" "the bad INI line named"
# A line the reader refuses does not hide a window calling a queue the
# hall does not define, further down.
cat >"$T/mix.ini" <<'EOF'
[hall]
name = 混合大厅
recall_limit = lots
[queue A]
name = 甲
this is not a key
[queue B]
name = 乙
[queue C]
name = 丙
[window 1]
queues = A, B, C
colour = red
[window 2]
queues = Q
EOF
run init --config "$T/mix.ini" --force
expect_rc 2 "an INI with every kind of mistake"
expect_eq "$ERR" "$T/mix.ini:3: [hall] recall_limit: expected 1-9, got \"lots\"
$T/mix.ini:6: expected \"key = value\" or \"[section]\"
$T/mix.ini:13: unknown key \"colour\" in [window 1]
$T/mix.ini:15: [window 2] queues: no queue \"Q\" is defined" "every bad INI line, in file order"
run init --config "$T/missing.ini" --force
expect_rc 2 "a missing INI"
run --json status
pycheck "the hall is unchanged" 'd["hall"] == "L镇政务服务中心"'

# check: 0 when healthy, 1 when the store breaks an invariant
run check
expect_rc 0 "check on a healthy database"
db_sql "UPDATE ticket SET state = 6 WHERE number = 'A001'"
run check
expect_rc 1 "check finds a ticket whose state disagrees with its events"
expect_in "$OUT" "A001" "the problem names the ticket"
run --json check
pycheck "check --json" 'd["healthy"] is False and any("A001" in p for p in d["problems"])'

finish
