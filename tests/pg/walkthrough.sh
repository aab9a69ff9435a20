#!/usr/bin/env bash
# walkthrough.sh: README's "Setting it up on Debian 12", step by step, on
# the machine it runs on, as root: the Debian PostgreSQL server, the
# owner and the database, TLS with a certificate for the server's name,
# pg_hba.conf, ~/.pgpass, `qhall init`, the roles file and one login role
# per PC; then each PC's QHALL_DB with sslmode=verify-full, used by the
# CLI and by the display.  It changes the machine (packages, /etc/hosts,
# the cluster 15/main), so it is not a ctest test: run it where that does
# not matter, a new Debian 12 root:
#   ../shared/fresh-machine bash tests/pg/walkthrough.sh
# The server's name db.hall.lan is pointed at 127.0.0.1 in /etc/hosts (a
# hall's DNS or hosts file names its server), and a chroot has no
# systemd: `pg_ctlcluster 15 main restart` does what README's
# `systemctl restart postgresql` does.  Exits 0 when every step did what
# README says, else 1 at the first that did not.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "walkthrough.sh: run as root" >&2; exit 2; }
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src"
step() { printf '\n== %s\n' "$*"; }
fail() { echo "walkthrough.sh: FAILED: $*" >&2; exit 1; }

step "build qhall (make: its own dependencies and the build)"
make >/tmp/walk-build.log 2>&1 || { tail -n 30 /tmp/walk-build.log; fail "make"; }
export PATH=$src/build:$src/build/display:$PATH
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

step "1. the server, the owner and the database"
# A chroot shares the machine's network: a server already on 5432 (an
# earlier run's) would take this one's place, and Debian would give the
# new cluster another port.
if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  fail "a server already listens on port 5432 of this machine: stop it first"
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql sudo openssl >/dev/null
pg_lsclusters
pg_ctlcluster 15 main start 2>/dev/null || true
# Stopped at the end, however the run ends: nothing of it stays running.
trap 'pg_ctlcluster 15 main stop 2>/dev/null || true' EXIT
# createuser --pwprompt asks twice on a terminal; the same role, here
# with its password given by SQL:
sudo -u postgres psql -qc "CREATE ROLE hallowner LOGIN PASSWORD 'pw-owner'"
sudo -u postgres createdb -O hallowner hall

step "2. network and TLS"
grep -q 'db\.hall\.lan' /etc/hosts || echo '127.0.0.1 db.hall.lan' >>/etc/hosts
conf=/etc/postgresql/15/main
(
  cd $conf
  openssl req -new -x509 -days 3650 -nodes -subj /CN=db.hall.lan \
      -addext subjectAltName=DNS:db.hall.lan -keyout server.key -out server.crt 2>/dev/null
  chown postgres:postgres server.key server.crt && chmod 0600 server.key
)
cat >>$conf/postgresql.conf <<EOF
listen_addresses = '*'
ssl = on
ssl_cert_file = '$conf/server.crt'
ssl_key_file = '$conf/server.key'
EOF
# The hall's subnet as README has it, and this machine's own address,
# where db.hall.lan points here.
cat >>$conf/pg_hba.conf <<'EOF'
hostssl  hall  all  192.168.1.0/24  scram-sha-256
hostssl  hall  all  127.0.0.1/32    scram-sha-256
EOF
pg_ctlcluster 15 main restart
mkdir -p ~/.postgresql && cp $conf/server.crt ~/.postgresql/root.crt

step "3. ~/.pgpass and qhall init"
echo 'localhost:5432:hall:hallowner:pw-owner' >>~/.pgpass && chmod 0600 ~/.pgpass
qhall --db 'postgresql://hallowner@localhost/hall' init --config assets/hall.ini ||
  fail "init"

step "4. the roles file and one login role per PC"
install -m 0644 assets/postgresql-roles.sql /tmp/
sudo -u postgres psql -q -v ON_ERROR_STOP=1 -d hall -f /tmp/postgresql-roles.sql
# Again: the file is idempotent.
sudo -u postgres psql -q -v ON_ERROR_STOP=1 -d hall -f /tmp/postgresql-roles.sql
sudo -u postgres psql -q -v ON_ERROR_STOP=1 -d hall <<'SQL'
CREATE ROLE kiosk1   LOGIN PASSWORD 'pw-kiosk1'   IN ROLE qhall_kiosk;
CREATE ROLE counter1 LOGIN PASSWORD 'pw-counter1' IN ROLE qhall_counter;
CREATE ROLE display1 LOGIN PASSWORD 'pw-display1' IN ROLE qhall_display;
CREATE ROLE admin1   LOGIN PASSWORD 'pw-admin1'   IN ROLE qhall_admin;
SQL

step "5. each PC's ~/.pgpass line and QHALL_DB"
for r in kiosk1 counter1 display1 admin1; do
  echo "db.hall.lan:5432:hall:$r:pw-$r" >>~/.pgpass
done
uri() { echo "postgresql://$1@db.hall.lan/hall?sslmode=verify-full"; }
# as ROLE ARGS...: qhall as that PC; output into OUT, exit status RC.
as() {
  local r=$1; shift
  set +e
  OUT=$(QHALL_DB=$(uri "$r") qhall "$@" 2>&1 <"${STDIN:-/dev/null}")
  RC=$?
  set -e
  printf '%s: qhall %s -> %d: %s\n' "$r" "$*" "$RC" "$OUT"
}
printf '246813\n' >/tmp/pin-admin
printf '1357\n' >/tmp/pin-staff
STDIN=/tmp/pin-admin as admin1 staff add A01 --name 王芳 --role admin
[ $RC = 0 ] || fail "admin1: staff add A01"
STDIN=/tmp/pin-staff as admin1 staff add S01 --name 李强
[ $RC = 0 ] || fail "admin1: staff add S01"
as kiosk1 issue --service XK001
[ $RC = 0 ] && [ "$OUT" = A001 ] || fail "kiosk1: issue"
STDIN=/tmp/pin-staff as counter1 login --window 1 --staff S01
[ $RC = 0 ] || fail "counter1: login"
as counter1 call --window 1
[ $RC = 0 ] && [[ $OUT == *A001* ]] || fail "counter1: call"
as display1 status
[ $RC = 0 ] && [[ $OUT == *A001* ]] || fail "display1: status"
as kiosk1 issue --service XK001
[ $RC = 0 ] && [ "$OUT" = A002 ] || fail "kiosk1: issue A002"
# A leaked kiosk password moves no ticket: A002 is waiting, and the
# kiosk's role may not cancel it.
as kiosk1 cancel A002
[ $RC = 1 ] && [[ $OUT == *无权* ]] || fail "kiosk1: cancel must be refused (exit 1, 无权)"
as display1 issue --service XK001
[ $RC = 1 ] && [[ $OUT == *无权* ]] || fail "display1: issue must be refused"
# The display program itself, one frame, on its PC's URI.
QHALL_DB=$(uri display1) qhall-display --screenshot /tmp/walk-display.png ||
  fail "qhall-display on display1"
[ -s /tmp/walk-display.png ] || fail "qhall-display: no screenshot"

step "TLS: the sessions are encrypted, and a wrong name is refused"
ssl=$(psql "$(uri admin1)" -Atc 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')
[ "$ssl" = t ] || fail "admin1's session is not TLS ($ssl)"
set +e
OUT=$(qhall --db 'postgresql://admin1@localhost/hall?sslmode=verify-full' status 2>&1)
RC=$?
set -e
echo "localhost with verify-full -> $RC: $OUT"
[ $RC = 3 ] || fail "a certificate for another name must be refused (exit 3)"
# A password in the URI is refused before any connection.
set +e
OUT=$(qhall --db 'postgresql://admin1:pw-admin1@db.hall.lan/hall' status 2>&1)
RC=$?
set -e
echo "password in the URI -> $RC: $OUT"
[ $RC = 2 ] || fail "a password in the URI must be refused (exit 2)"

echo
echo "walkthrough: every step of README's Debian 12 set-up did what it says"
