#!/usr/bin/env bash
# chaos.sh: the whole hall at work while a killer sends kill -9 to its
# programs at random instants; on PostgreSQL the hall's connections are
# also terminated and the server itself is stopped at once and started
# again.  Then nothing may be lost, doubled or half done:
#  - `qhall check` is clean: numbers gap-free and each given once, each
#    ticket's state its last event's, no ticket at two windows, none
#    called or served at no window;
#  - every operation a program acknowledged (the CLI's exit 0 and the
#    number it printed, a kiosk's ticket screen) is in the log, with its
#    window where it names one;
#  - afterwards the hall works: a number is issued, called and finished,
#    and a new display shows the hall as `qhall status` does.
# The watchers (a display, a live kiosk, a counter and the phone page's
# server left running, never killed) must still be alive, the display
# must show the last call and the phone page the last number.
#
# In make test (a busy hour): QHALL_CHAOS_KILLS=100 kills on one day, by
# three CLI loops, a kiosk, two counters, a pad and a display.  `make
# soak` runs it with QHALL_CHAOS_KILLS=1000 over QHALL_CHAOS_DAYS=7
# working days (each a rollover, killed too), with two kiosks, four
# counters (five with the watcher), two pads and two displays; the
# watchers' resident memory after day 5 must then be within 5% of day
# 1's, with no file descriptor gained.  Every process reads the hall's
# time from QHALL_NOW_FILE, which this script moves from day to day.
# QHALL_CHAOS_SEED replays the random choices (not the timing).
# On PostgreSQL the script starts a server of its own (below), so it needs
# none from its caller: `make soak` runs it outside ctest.
[ "${QHALL_TEST_STORE:-sqlite}" != pg ] || : "${QHALL_TEST_PG:=own}"
. "$(dirname "$0")/testlib.bash"

# Everything it starts runs at a lower priority: it would take both cores
# of a CI machine from the tests beside it that must answer within
# seconds; it adapts to being slower (the kill delays follow the runs).
renice -n 10 $$ >/dev/null

BIN=$(dirname "$QHALL_BIN")
KIOSK=$BIN/kiosk/qhall-kiosk
COUNTER=$BIN/counter/qhall-counter
DISPLAY_BIN=$BIN/display/qhall-display
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
export CUPS_SERVER=$T/no-cups.sock
unset DISPLAY WAYLAND_DISPLAY
KILLS=${QHALL_CHAOS_KILLS:-100}
DAYS=${QHALL_CHAOS_DAYS:-1}
SEED=${QHALL_CHAOS_SEED:-$$}
CAP=${QHALL_CHAOS_SECONDS:-$((KILLS * 3 + 60))}
echo "chaos: seed $SEED, $KILLS kills over $DAYS day(s), store $STORE"

# ---- on PostgreSQL, a server of our own: it is stopped and restarted ----
if [ "$STORE" = pg ]; then
    own_pg_server chaos
    DB=$(new_db qhall)
    DBNAME=$(pg_name "$DB")
fi

# ---- the working days: weekdays from Wednesday 2026-11-25 ----
DATES=()
for ((i = 0; ${#DATES[@]} < DAYS; i++)); do
    d=$(date -u -d "2026-11-25 +$i day" +%F)
    [ "$(date -u -d "$d" +%u)" -le 5 ] && DATES+=("$d")
done
day_now() { echo "${DATES[$1]}T10:00:00+08:00"; }
# set_day D: every process's clock (QHALL_NOW_FILE) at day D's 10:00.
set_day() {
    day_now "$1" >"$T/now.new"
    mv "$T/now.new" "$T/now"
}
set_day 0
today() { cut -c1-10 "$T/now"; }
unset QHALL_NOW
export QHALL_NOW_FILE=$T/now
q() { "$QHALL_BIN" --db "$DB" "$@"; }

setup_db
for w in 1 2 3 4 5; do
    printf '1234\n' | q staff add "w0$w" --name "工作人员$w" >/dev/null
    printf '1234\n' | q login --window "$w" --staff "w0$w" >/dev/null
done

# ---- the watchers: never killed ----
# watcher NAME CMD...: CMD in the background, its stderr in
# $T/watch-NAME.log; WATCH holds the pids, WATCHED the names.
WATCH=() WATCHED=()
watcher() {
    local name=$1
    shift
    "$@" 2>"$T/watch-$name.log" <<<"1234" &
    WATCH+=($!)
    WATCHED+=("$name")
}
stop_watchers() {
    local p
    for p in "${WATCH[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${WATCH[@]}"; do wait "$p" 2>/dev/null || true; done
    WATCH=()
}
at_exit stop_watchers
watcher display "$DISPLAY_BIN" --db "$DB" --debug --mute
watcher kiosk "$KIOSK" --db "$DB" --number 9
watcher counter "$COUNTER" --db "$DB" --window 5 --login w05
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
watcher serve "$QHALL_BIN" --db "$DB" serve --allow-root --listen "127.0.0.1:$PORT"

# ---- the actors: each a loop that starts its program, and the killer ----
# run_killed NAME MINMS MAXMS CMD...: CMD in the background, killed with
# SIGKILL after MINMS..MAXMS ms if it is still running then; a kill that
# lands counts (exit 137), as a line in $T/kills.NAME.  Its stdout is
# $T/NAME.out, its stderr $T/NAME.err; RC is its exit status.  MAXMS 0:
# twice the time its last run took that was not killed (TYP, ms, in the
# caller; a kill makes it a little longer), so that most runs finish and
# the kills land all over the work, however fast this machine is today.
run_killed() {
    local name=$1 min=$2 max=$3 pid killer ms t0
    shift 3
    [ "$max" -gt 0 ] || max=$((TYP * 2))
    ms=$((min + (RANDOM * 32768 + RANDOM) % (max - min + 1)))
    t0=${EPOCHREALTIME/./}
    "$@" >"$T/$name.out" 2>"$T/$name.err" <<<"1234" &
    pid=$!
    echo "$pid" >"$T/pid.$name"
    { sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"; kill -KILL "$pid"; } 2>/dev/null &
    killer=$!
    RC=0
    { wait "$pid"; } 2>/dev/null || RC=$?
    rm -f "$T/pid.$name"
    kill "$killer" 2>/dev/null || true
    { wait "$killer"; } 2>/dev/null || true
    if [ "$RC" -eq 137 ]; then
        echo "$*" >>"$T/kills.$name"
        # Killed: perhaps every run takes longer than TYP now.
        [ "$TYP" -ge 20000 ] || TYP=$((TYP + TYP / 8 + 1))
    else
        TYP=$(((${EPOCHREALTIME/./} - t0) / 1000))
        echo "$RC $TYP $*" >>"$T/runs.$name"
    fi
}

TYP=1000
actor_cli() {
    local me=cli$1 op w qs out number day TYP=300
    RANDOM=$((SEED + $1))
    while [ ! -e "$T/stop" ]; do
        w=$((1 + RANDOM % 5))
        day=$(today)
        case $((RANDOM % 10)) in
        0 | 1 | 2 | 3)
            qs=(A A B B C)
            op=(issue --queue "${qs[RANDOM % 5]}")
            [ $((RANDOM % 6)) -ne 0 ] || op+=(--green elderly)
            ;;
        4 | 5) op=(call --window "$w") ;;
        6) op=(start --window "$w") ;;
        7) op=(finish --window "$w" --outcome done) ;;
        8) op=(noshow --window "$w") ;;
        9) op=(recall --window "$w") ;;
        esac
        run_killed "$me" 0 0 "$QHALL_BIN" --db "$DB" "${op[@]}"
        [ "$RC" -eq 0 ] || continue
        # A run across the change of day cannot say which day it acted
        # on: such an acknowledgement is not checked (the soak once
        # counted a call of the new day's A001 as the old day's).
        [ "$(today)" = "$day" ] || continue
        out=$(cat "$T/$me.out")
        number=$(grep -o -m1 '[A-Z][0-9][0-9][0-9]' <<<"$out" || true)
        case ${op[0]} in
        issue) echo "issued $day $number -" >>"$T/ack.$me" ;;
        call) [ -z "$number" ] || echo "called $day $number $w" >>"$T/ack.$me" ;;
        esac
    done
}

actor_kiosk() {
    local me=kiosk$1 number day TYP=1000
    RANDOM=$((SEED + 10 + $1))
    while [ ! -e "$T/stop" ]; do
        day=$(today)
        run_killed "$me" 0 0 "$KIOSK" --db "$DB" --number "$1" --debug \
            --screenshot "$T/$me.png" --press "queue:$((RANDOM % 3))" --press item:0 \
            --press take --press take
        [ "$RC" -eq 0 ] || continue
        [ "$(today)" = "$day" ] || continue
        number=$(sed -n 's/^kiosk: issued //p' "$T/$me.err")
        [ -z "$number" ] || echo "issued $day $number -" >>"$T/ack.$me"
    done
}

actor_counter() {
    local me=counter$1 keys
    RANDOM=$((SEED + 20 + $1))
    while [ ! -e "$T/stop" ]; do
        case $((RANDOM % 4)) in
        0) keys=(--press F1 --press F4 --press F5) ;;
        1) keys=(--press F1 --press F3) ;;
        2) keys=(--press F1 --press F2 --press F4 --press F6) ;;
        3) keys=(--press F4 --press F5 --press F1) ;;
        esac
        run_killed "$me" 1500 6000 "$COUNTER" --db "$DB" --window "$1" --login "w0$1" "${keys[@]}"
    done
}

actor_pad() {
    local me=pad$1
    RANDOM=$((SEED + 30 + $1))
    while [ ! -e "$T/stop" ]; do
        run_killed "$me" 1500 6000 "$COUNTER" --pad --db "$DB" --window "$1" \
            --press "face:$((1 + RANDOM % 5))" --press submit
    done
}

actor_display() {
    local me=display$1
    RANDOM=$((SEED + 40 + $1))
    while [ ! -e "$T/stop" ]; do
        run_killed "$me" 2000 8000 "$DISPLAY_BIN" --db "$DB" --debug --mute
    done
}

# A citizen's phone: every 0.5-1.5 s the page of a number just taken (the
# status code of each visit in $T/phone.codes: the page may be away while
# its server's connection is down, and says so, but never errs).
actor_phone() {
    local tok code
    RANDOM=$((SEED + 60))
    while [ ! -e "$T/stop" ]; do
        sleep "0.$((5 + RANDOM % 10))"
        tok=$("$QHALL_BIN" --db "$DB" --json issue --queue B 2>/dev/null |
              "$PY" -c 'import json, sys; print(json.load(sys.stdin)["token"])' 2>/dev/null) || continue
        code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' "http://127.0.0.1:$PORT/t/$tok") || code=none
        echo "$code" >>"$T/phone.codes"
    done
}

# On PostgreSQL: every 1-3 s the hall's sessions are terminated; every
# fourth time (~8 s) the server stops at once (-m immediate) and starts
# again.
actor_server() {
    local n=0
    RANDOM=$((SEED + 50))
    while [ ! -e "$T/stop" ]; do
        sleep "$((1 + RANDOM % 3))"
        n=$((n + 1))
        if [ $((n % 4)) -eq 3 ]; then
            bash "$PG_SERVER" kill "$PGD" >/dev/null 2>>"$T/server.err" &&
                echo restart >>"$T/pg.restarts"
            sleep 0.5
            bash "$PG_SERVER" restart "$PGD" >/dev/null 2>>"$T/server.err" ||
                echo "restart failed" >>"$T/server.err"
        else
            psql_on "$PG_ADMIN" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                                 WHERE datname = '$DBNAME' AND pid <> pg_backend_pid()" \
                >>"$T/pg.sessions" 2>/dev/null || true
        fi
    done
}

kills() { cat "$T"/kills.* 2>/dev/null | wc -l; }
acks() { cat "$T"/ack.* 2>/dev/null | wc -l; }
restarts() { cat "$T/pg.restarts" 2>/dev/null | wc -l; }

ACTORS=()
if [ "$DAYS" -ge 5 ]; then
    KIOSKS=(1 2) COUNTERS=(1 2 3 4) PADS=(1 3) DISPLAYS=(1 2)
else
    KIOSKS=(1) COUNTERS=(1 3) PADS=(1) DISPLAYS=(1)
fi
for i in 1 2 3; do actor_cli "$i" & ACTORS+=($!); done
for i in "${KIOSKS[@]}"; do actor_kiosk "$i" & ACTORS+=($!); done
for i in "${COUNTERS[@]}"; do actor_counter "$i" & ACTORS+=($!); done
for i in "${PADS[@]}"; do actor_pad "$i" & ACTORS+=($!); done
for i in "${DISPLAYS[@]}"; do actor_display "$i" & ACTORS+=($!); done
actor_phone & ACTORS+=($!)
[ "$STORE" != pg ] || { actor_server & ACTORS+=($!); }
stop_actors() {
    touch "$T/stop"
    local p
    # What runs now is killed now: the last kills, as random as the rest.
    for p in $(cat "$T"/pid.* 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    for p in "${ACTORS[@]}"; do wait "$p" 2>/dev/null || true; done
    ACTORS=()
}
at_exit stop_actors

# sample N: the watchers' memory and descriptors at the end of day N, in
# $T/sample.N (and what each descriptor is in $T/fds.N).
sample() {
    local i p
    : >"$T/fds.$1"
    for i in "${!WATCH[@]}"; do
        p=${WATCH[i]}
        echo "${WATCHED[i]} $(awk '/^VmRSS/ {print $2}' "/proc/$p/status") $(ls "/proc/$p/fd" | wc -l)"
        # What each descriptor is, to tell a leak from one open just then.
        ls -l "/proc/$p/fd" 2>/dev/null | awk -v n="${WATCHED[i]}" 'NR > 1 {print n, $NF}' \
            >>"$T/fds.$1"
    done >"$T/sample.$1"
}

t0=$SECONDS
for ((d = 0; d < DAYS; d++)); do
    [ "$d" -eq 0 ] || set_day "$d"
    goal=$((KILLS * (d + 1) / DAYS))
    # A day ends after its share of the kills and half as many operations
    # acknowledged (the counters' work comes on top), and on PostgreSQL
    # after a server restart of its own: on a quiet machine the kills
    # alone once ended the day before the first.
    while { [ "$(kills)" -lt "$goal" ] || [ "$(acks)" -lt $((goal / 2)) ] ||
            { [ "$STORE" = pg ] && [ "$(restarts)" -le "$d" ]; }; } &&
        [ $((SECONDS - t0)) -lt "$CAP" ]; do
        sleep 0.5
    done
    sample "$((d + 1))"
    echo "chaos: day $((d + 1)) (${DATES[d]}) done at $((SECONDS - t0)) s, $(kills) kills, $(acks) acknowledged"
done
stop_actors
elapsed=$((SECONDS - t0))

# ---- what the killer did ----
total=$(kills)
for k in cli kiosk counter pad display; do
    n=$(cat "$T"/kills.$k* 2>/dev/null | wc -l)
    echo "chaos: $n kills of $k"
    [ "$n" -gt 0 ] && pass || bad "no $k was killed"
done
if [ "$STORE" = pg ]; then
    echo "chaos: $(cat "$T/pg.restarts" 2>/dev/null | wc -l) server restarts," \
         "$(awk '{s += $1} END {print s + 0}' "$T/pg.sessions" 2>/dev/null) sessions terminated"
    [ -s "$T/pg.restarts" ] && pass || bad "the server was never restarted"
    [ ! -s "$T/server.err" ] && pass || bad "the server: $(cat "$T/server.err")"
fi
echo "chaos: $total kills in $elapsed s"
for k in cli kiosk; do
    cat "$T"/runs.$k* 2>/dev/null | sort -k2 -n | awk -v k=$k '{ t[NR] = $2 } END {
        if (NR) print "chaos: " NR " " k " runs not killed, median " t[int((NR + 1) / 2)] " ms" }'
done
[ "$total" -ge "$KILLS" ] && pass || bad "only $total kills of $KILLS in $CAP s"

# ---- nothing lost, doubled or half done ----
run check
expect_rc 0 "qhall check after the chaos"
[ "$RC" -eq 0 ] || echo "$OUT$ERR" | head -20 >&2

q --json events >"$T/events.json"
cat "$T"/ack.* >"$T/acks" 2>/dev/null || true
"$PY" - "$T/events.json" "$T/acks" >"$T/ackcheck" <<'EOF'
import json, sys
seen = set()
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("number"):
        seen.add((e["type"], e["at"][:10], e["number"], str(e.get("window") or "-")))
issued = sum(1 for t in seen if t[0] == "issued")
missing = []
n = 0
for line in open(sys.argv[2]):
    kind, day, number, window = line.split()
    n += 1
    if (kind, day, number, window) not in seen:
        missing.append(line.strip())
print(f"{n} acknowledged, {issued} issued")
for m in missing[:10]:
    print("missing: " + m)
EOF
echo "chaos: $(head -1 "$T/ackcheck")"
grep -q '^missing' "$T/ackcheck" && bad "acknowledged but not in the log: $(grep '^missing' "$T/ackcheck" | head -3)" || pass
[ "$(wc -l <"$T/acks")" -ge $((KILLS / 2)) ] && pass || bad "only $(wc -l <"$T/acks") operations acknowledged"

# ---- the watchers lived through it and the display shows the last call ----
for i in "${!WATCH[@]}"; do
    kill -0 "${WATCH[i]}" 2>/dev/null && pass ||
        bad "the ${WATCHED[i]} left running died: $(tail -3 "$T/watch-${WATCHED[i]}.log")"
done

# ---- the phone page answered every visit ----
echo "chaos: phone page visits: $(sort "$T/phone.codes" 2>/dev/null | uniq -c | tr -s ' \n' ' ')"
[ -s "$T/phone.codes" ] && pass || bad "no visit of the phone page"
BADCODES=$(grep -v '^200$\|^503$' "$T/phone.codes" 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ' || true)
expect_eq "$BADCODES" "" "the phone page answered 200 (or 503 while its database was away)"

# ---- the hall still works ----
run issue --queue C
expect_rc 0 "issue after the chaos"
LAST=$(grep -o -m1 '[A-Z][0-9][0-9][0-9]' <<<"$OUT" || true)
# Window 5 finishes what it holds and calls that number by name.
q start --window 5 >/dev/null 2>&1 || true
q finish --window 5 --outcome done >/dev/null 2>&1 || true
out=$(q call --window 5 --ticket "$LAST" 2>&1) || true
expect_in "$out" "$LAST" "window 5 calls the number issued after the chaos"
for ((i = 0; i < 100; i++)); do grep -q "call=$LAST@5" "$T/watch-display.log" && break; sleep 0.1; done
grep -q "call=$LAST@5" "$T/watch-display.log" && pass ||
    bad "the watching display did not show $LAST at window 5: $(grep 'display:' "$T/watch-display.log" | tail -2)"
q start --window 5 >/dev/null
run finish --window 5 --outcome done
expect_rc 0 "finish after the chaos"
run --json issue --queue B
TOK=$("$PY" -c 'import json, sys; print(json.loads(sys.argv[1])["token"])' "$OUT")
NUM=$("$PY" -c 'import json, sys; print(json.loads(sys.argv[1])["number"])' "$OUT")
PAGE=$(curl -s -m 10 "http://127.0.0.1:$PORT/t/$TOK" || true)
expect_in "$PAGE" "$NUM" "the phone page that watched it all shows a number taken now"
run check
expect_rc 0 "qhall check at the end"

# ---- soak: the watchers' memory and descriptors, day 5 against day 1 ----
if [ "$DAYS" -ge 5 ]; then
    while read -r name rss fds; do
        read -r _ rss5 fds5 < <(grep "^$name " "$T/sample.5")
        echo "chaos: $name RSS day 1 $rss kB, day 5 $rss5 kB; fds $fds, $fds5"
        [ "$rss5" -le $((rss * 105 / 100)) ] && pass || bad "$name: RSS $rss kB on day 1, $rss5 kB on day 5"
        [ "$fds5" -le "$fds" ] && pass ||
            bad "$name: $fds descriptors on day 1, $fds5 on day 5: $(comm -13 \
                <(grep "^$name " "$T/fds.1" | sort) <(grep "^$name " "$T/fds.5" | sort) | tr '\n' ' ')"
    done <"$T/sample.1"
fi

finish
