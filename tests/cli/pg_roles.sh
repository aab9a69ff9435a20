#!/usr/bin/env bash
# pg_roles.sh (PostgreSQL only): assets/postgresql-roles.sql holds, for
# the real programs and for raw SQL with a role's login.  A kiosk issues
# and can call, finish, rate or cancel nothing, nor read a PIN hash; a
# display reads and writes its heartbeat, and nothing else; a counter
# runs its window but changes no staff, hall or catalogue and issues no
# number; the admin does everything.  A refusal is an ordinary error
# (exit 1, 数据库账号无权), never a lost database, and leaves no event and
# no gap in the numbers.  About 15 s.
source "$(dirname "$0")/testlib.bash"

pg_only
DISPLAY_BIN=$(dirname "$QHALL_BIN")/display/qhall-display
KIOSK_BIN=$(dirname "$QHALL_BIN")/kiosk/qhall-kiosk
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

# The hall, made by its owner (the server's superuser here).
setup_db
printf '1357\n' | q staff add S01 --name 李强 >/dev/null
printf '135790\n' | q staff add A01 --name 王芳 --role admin >/dev/null
NAME=$(pg_name "$DB")
RC=0; OUT=$(psql -X -q -v ON_ERROR_STOP=1 -h "$QHALL_TEST_PG" -U qhall -d "$NAME" \
    -f "$QHALL_SRC/assets/postgresql-roles.sql" 2>&1) || RC=$?
expect_rc 0 "the roles file runs"
RC=0; OUT=$(psql -X -q -v ON_ERROR_STOP=1 -h "$QHALL_TEST_PG" -U qhall -d "$NAME" \
    -f "$QHALL_SRC/assets/postgresql-roles.sql" 2>&1) || RC=$?
expect_rc 0 "the roles file runs again (idempotent)"

# One login role per PC, as the README has it (roles are the server's,
# not the database's: they go when the script ends).
drop_logins() {
    psql_on "$PG_ADMIN" "DROP ROLE IF EXISTS kiosk1, counter1, display1, admin1, serve1" >/dev/null
}
drop_logins
at_exit drop_logins
psql_on "$PG_ADMIN" "CREATE ROLE kiosk1 LOGIN IN ROLE qhall_kiosk;
    CREATE ROLE counter1 LOGIN IN ROLE qhall_counter;
    CREATE ROLE display1 LOGIN IN ROLE qhall_display;
    CREATE ROLE admin1 LOGIN IN ROLE qhall_admin;
    CREATE ROLE serve1 LOGIN IN ROLE qhall_serve" >/dev/null
uri() { echo "postgresql:///$NAME?host=$QHALL_TEST_PG&user=$1"; }
KIOSK=$(uri kiosk1) COUNTER=$(uri counter1) DISPLAY=$(uri display1) ADMIN=$(uri admin1)
SERVE=$(uri serve1)

# as ROLE ARGS...: qhall as that login, filling OUT, ERR and RC.
as() {
    local who=$1
    shift
    RC=0
    OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$(uri "$who")" "$@" 2>"$T/stderr") || RC=$?
    ERR=$(cat "$T/stderr")
}
# as_pin ROLE PIN ARGS...: the same with PIN on standard input.
as_pin() {
    local who=$1 pin=$2
    shift 2
    RC=0
    OUT=$(printf '%s\n' "$pin" |
          QHALL_NOW=$NOW "$QHALL_BIN" --db "$(uri "$who")" "$@" 2>"$T/stderr") || RC=$?
    ERR=$(cat "$T/stderr")
}
# refused WHAT: the last call was a permission refusal, said as one.
refused() {
    expect_rc 1 "$1: refused (exit 1)"
    expect_in "$ERR" "数据库账号无权" "$1: says the account may not"
    expect_not_in "$ERR" "连接" "$1: not a lost connection"
}
# sql_as ROLE SQL: raw SQL as that login, filling OUT (stdout and
# stderr) and RC.
sql_as() {
    RC=0
    OUT=$(psql_on "$(uri "$1")" "$2" 2>&1) || RC=$?
    ERR=$OUT
}
sql_refused() {
    expect_rc 1 "$1: refused"
    expect_in "$OUT" "ERROR:" "$1: an error"
}
events() { db_sql "SELECT count(*) FROM event"; }

# ---- kiosk ----
as kiosk1 issue --queue A
expect_rc 0 "kiosk: issue"
expect_out A001 "kiosk: the first number"
as kiosk1 status
expect_rc 0 "kiosk: status"
E=$(events)
as kiosk1 call --window 1
refused "kiosk: call"
as kiosk1 cancel A001
refused "kiosk: cancel"
as kiosk1 init --force
refused "kiosk: init (the hall)"
as kiosk1 import services "$T/services.csv"
refused "kiosk: import services (the catalogue)"
as_pin kiosk1 2468 staff add S02 --name 张伟
refused "kiosk: staff add"
as kiosk1 staff list
refused "kiosk: staff list (the PIN hashes)"
as_pin kiosk1 1357 login --window 1 --staff S01
refused "kiosk: login (checks a PIN hash)"
as kiosk1 appointment add --service T-A1 --at 2026-11-26T10:00
refused "kiosk: appointment add"
expect_eq "$(events)" "$E" "kiosk: no event from what was refused"
# The kiosk's admin screen checks an admin's PIN: refused on the PIN
# screen, and the kiosk does not pause its issuing (暂停取号).
RC=0
OUT=$(QHALL_NOW=$NOW "$KIOSK_BIN" --db "$KIOSK" --screenshot "$T/kiosk-pin.png" --screen pin \
      --type 135790 --press ok --debug 2>"$T/stderr") || RC=$?
ERR=$(cat "$T/stderr")
expect_rc 0 "kiosk program: the admin PIN screen"
expect_in "$ERR" "数据库账号无权" "kiosk program: the PIN screen says the account may not"
expect_eq "${OUT%% *}" pin "kiosk program: still on the PIN screen, not offline"
expect_not_in "$ERR" "暂停取号" "kiosk program: not paused"
# What a leaked kiosk password allows by raw SQL.
sql_as kiosk1 "SELECT pin_hash FROM staff"
sql_refused "kiosk SQL: read the PIN hashes"
expect_in "$OUT" "permission denied" "kiosk SQL: PIN hashes: a privilege error"
sql_as kiosk1 "SELECT id, name FROM staff ORDER BY id"
expect_rc 0 "kiosk SQL: staff names are readable"
sql_as kiosk1 "UPDATE ticket SET state = 1 WHERE number = 'A001'"
sql_refused "kiosk SQL: set a ticket to called"
sql_as kiosk1 "UPDATE ticket SET called_at = 1, win = 1 WHERE number = 'A001'"
sql_refused "kiosk SQL: write a call's columns"
sql_as kiosk1 "INSERT INTO event(at, type, ticket, number, queue, win)
    SELECT 1, 'called', id, number, queue, 1 FROM ticket WHERE number = 'A001'"
sql_refused "kiosk SQL: log a called event"
sql_as kiosk1 "INSERT INTO rating(ticket, score, at) SELECT id, 5, 1 FROM ticket"
sql_refused "kiosk SQL: write a rating"
sql_as kiosk1 "UPDATE win SET staff = 'S01'"
sql_refused "kiosk SQL: log a staff member in"
settings() { db_sql "SELECT md5(string_agg(key || '=' || value, ',' ORDER BY key)) FROM setting"; }
S=$(settings)
# Rows a role's policy does not let it update it does not see: no error,
# and nothing changed.
sql_as kiosk1 "UPDATE setting SET value = 'x' WHERE key <> 'day'"
expect_rc 0 "kiosk SQL: an update of the hall's settings finds no row"
expect_eq "$(settings)" "$S" "kiosk SQL: the hall's settings stay"
expect_eq "$(db_sql "SELECT state FROM ticket WHERE number = 'A001'")" 0 "A001 still waits"

# ---- display ----
as display1 status
expect_rc 0 "display: status"
as display1 events
expect_rc 0 "display: events"
expect_in "$OUT" "A001" "display: reads the log"
E=$(events)
as display1 issue --queue A
refused "display: issue"
as display1 staff list
refused "display: staff list"
expect_eq "$(events)" "$E" "display: no event from what was refused"
for t in "pin_hash FROM staff" "* FROM rating" "* FROM followup" "* FROM login_lock" \
         "* FROM request"; do
    sql_as display1 "SELECT $t"
    sql_refused "display SQL: SELECT $t"
done
# The display program itself: it starts, shows the hall and writes its
# heartbeat, which is its one write (no request id: see the roles file).
db_sql "DELETE FROM heartbeat" >/dev/null
QHALL_NOW=$NOW "$DISPLAY_BIN" --db "$DISPLAY" --shots "$T/shots" --debug --mute \
    2>"$T/display.log" &
DPID=$!
at_exit stop_display
hb=
for _ in $(seq 1 100); do
    hb=$(db_sql "SELECT kind FROM heartbeat WHERE kind = 'display'")
    [ -n "$hb" ] && grep -q "display: snapshot" "$T/display.log" && break
    sleep 0.1
done
expect_eq "$hb" display "display program: its heartbeat is written"
expect_in "$(cat "$T/display.log")" "wait=A:1" "display program: shows A001 waiting"
stop_display
expect_not_in "$(cat "$T/display.log")" "连接中断" "display program: never lost the database"

# ---- counter ----
as_pin counter1 1357 login --window 1 --staff S01
expect_rc 0 "counter: login"
as counter1 call --window 1
expect_rc 0 "counter: call"
expect_in "$OUT" A001 "counter: calls A001"
as counter1 start --window 1
expect_rc 0 "counter: start"
as counter1 finish --window 1 --outcome done
expect_rc 0 "counter: finish"
as_pin counter1 135790 rate A001 5 --channel paper --by A01
expect_rc 0 "counter: rate"
as counter1 pause --window 1 --reason 午休
expect_rc 0 "counter: pause"
as counter1 resume --window 1
expect_rc 0 "counter: resume"
as counter1 staff list
expect_rc 0 "counter: staff list (it checks PINs)"
E=$(events)
as_pin counter1 2468 staff add S02 --name 张伟
refused "counter: staff add"
as_pin counter1 2468 staff pin S01
refused "counter: staff pin"
as counter1 init --force
refused "counter: init"
as counter1 import services "$T/services.csv"
refused "counter: import services"
as counter1 issue --queue A
refused "counter: issue"
expect_eq "$(events)" "$E" "counter: no event from what was refused"
sql_as counter1 "UPDATE staff SET role = 'admin' WHERE id = 'S01'"
sql_refused "counter SQL: make itself an admin"
expect_in "$OUT" "qhall_admin" "counter SQL: the staff guard says who may"
sql_as counter1 "UPDATE win SET name = 'x' WHERE number = 1"
sql_refused "counter SQL: rename a window"

# No number was lost to a refused issue: the kiosk's next is A002.
as kiosk1 issue --queue A
expect_rc 0 "kiosk: issue again"
expect_out A002 "kiosk: the next number, no gap"

# ---- admin ----
as admin1 import services "$T/services.csv"
expect_rc 0 "admin: import services"
as_pin admin1 2468 staff add S02 --name 张伟
expect_rc 0 "admin: staff add"
as_pin admin1 2469 staff pin S02
expect_rc 0 "admin: staff pin"
as admin1 staff list
expect_rc 0 "admin: staff list"
as admin1 issue --queue B
expect_rc 0 "admin: issue"
expect_out B001 "admin: B001"
as_pin admin1 2469 login --window 3 --staff S02
expect_rc 0 "admin: login"
as admin1 call --window 3
expect_rc 0 "admin: call"
as admin1 start --window 3
expect_rc 0 "admin: start"
as admin1 finish --window 3 --outcome done
expect_rc 0 "admin: finish"
as_pin admin1 135790 rate B001 4 --channel paper --by A01
expect_rc 0 "admin: rate"
as admin1 cancel A002
expect_rc 0 "admin: cancel"
as admin1 appointment add --service T-A1 --at 2026-11-25T09:10
expect_rc 0 "admin: appointment add"
CODE=$OUT
as kiosk1 checkin "$CODE"
expect_rc 0 "kiosk: checks the appointment in"
expect_in "$OUT" A003 "kiosk: the appointment's ticket"
as admin1 report
expect_rc 0 "admin: report"
as admin1 check
expect_rc 0 "admin: check"

# ---- serve (the phone page) ----
# The real server with the serve login: a slip's page, and the citizen's
# rating through its form; the hall's settings stay the admin's.
as kiosk1 --json issue --queue B
expect_rc 0 "kiosk: issue B"
TOKEN=$(printf '%s' "$OUT" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
NUMBER=$(printf '%s' "$OUT" | sed -n 's/.*"number":"\([^"]*\)".*/\1/p')
expect_eq "${#TOKEN}" 22 "kiosk: the slip's token"
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as serve1 serve --allow-root --listen "127.0.0.1:$PORT" --base-url "http://127.0.0.1:$PORT"
refused "serve: --base-url (a hall setting)"
SERVE_PID=
stop_serve() { stop_pid "$SERVE_PID"; SERVE_PID=; }
at_exit stop_serve
QHALL_NOW=$NOW "$QHALL_BIN" --db "$SERVE" serve --allow-root --listen "127.0.0.1:$PORT" \
    2>"$T/serve.log" &
SERVE_PID=$!
URL=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do
    curl -fs "$URL/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
RC=0; OUT=$(curl -fsS "$URL/t/$TOKEN" 2>&1) || RC=$?
expect_rc 0 "serve: the slip's page"
expect_in "$OUT" "id=\"number\">$NUMBER<" "serve: shows $NUMBER"
expect_in "$OUT" "等候中" "serve: waiting"
as admin1 call --window 3
expect_in "$OUT" "$NUMBER" "admin: calls $NUMBER"
as admin1 start --window 3
as admin1 finish --window 3 --outcome done
expect_rc 0 "admin: finishes $NUMBER"
PAGE=$(curl -fsS "$URL/t/$TOKEN")
FORM=$(printf '%s' "$PAGE" | sed -n 's/.*name="form" value="\([^"]*\)".*/\1/p')
expect_in "$PAGE" 'id="rate"' "serve: the rating form once finished"
RC=0; OUT=$(curl -sS -o /dev/null -w '%{http_code}' --data "form=$FORM&score=5" \
    "$URL/t/$TOKEN/rate" 2>&1) || RC=$?
expect_eq "$OUT" 303 "serve: the rating is taken"
expect_eq "$(db_sql "SELECT r.score || ' ' || r.channel FROM rating r JOIN ticket t ON t.id = r.ticket
    WHERE t.number = '$NUMBER'")" "5 qr" "serve: a rating of 5 by qr"
expect_in "$(curl -fsS "$URL/t/$TOKEN")" 'id="rated"' "serve: the page says rated"
stop_serve
expect_not_in "$(cat "$T/serve.log")" "无权" "serve: never refused by the database"
# What a leaked serve password allows by raw SQL.
sql_as serve1 "SELECT pin_hash FROM staff"
sql_refused "serve SQL: read the PIN hashes"
sql_as serve1 "UPDATE ticket SET state = 1, win = 1 WHERE number = 'A003'"
sql_refused "serve SQL: call a ticket"
sql_as serve1 "UPDATE ticket SET state = 1 WHERE number = 'A003'"
expect_eq "$(db_sql "SELECT state FROM ticket WHERE number = 'A003'")" 0 \
    "serve SQL: A003 still waits"
sql_as serve1 "INSERT INTO event(at, type, ticket, number, queue, win)
    SELECT 1, 'called', id, number, queue, 1 FROM ticket WHERE number = 'A003'"
sql_refused "serve SQL: log a called event"
sql_as serve1 "INSERT INTO ticket_token(ticket, token) VALUES (1, 'x')"
sql_refused "serve SQL: write a token"
S=$(settings)
sql_as serve1 "UPDATE setting SET value = 'http://evil.example' WHERE key = 'web_base_url'"
expect_eq "$(settings)" "$S" "serve SQL: the hall's settings stay"

# The owner finds the hall whole.
run check
expect_rc 0 "the owner's check is clean"
run --json events
n=$(printf '%s\n' "$OUT" | grep -c '"type":"called"' || true)
expect_eq "$n" 3 "three called events: the counter's and the admin's two"
n=$(printf '%s\n' "$OUT" | grep -c '"type":"issued"' || true)
expect_eq "$n" 5 "five issued events: A001, A002, B001, A003, B002"

finish
