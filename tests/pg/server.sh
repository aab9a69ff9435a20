#!/usr/bin/env bash
# A private PostgreSQL server for one test run: initdb and pg_ctl in a
# directory of its own, listening on a Unix socket there and on no TCP
# port, trusting local connections of the one role qhall (a superuser of
# this throw-away cluster only).  initdb refuses root, so as root the
# server runs as the postgres user the Debian package creates.
#   server.sh start DIR   make DIR (if need be) and start; prints the socket
#                         directory (DIR) on success
#   server.sh stop DIR    stop it (fast) and remove DIR
#   server.sh kill DIR    stop it at once (-m immediate), keep the data
#   server.sh restart DIR start again what kill left
# Tests reach it as postgresql:///DB?host=DIR&user=qhall.
set -euo pipefail

cmd=${1:?usage: server.sh start|stop|kill|restart DIR}
dir=${2:?usage: server.sh start|stop|kill|restart DIR}
bin=${QHALL_PG_BIN:-}
if [ -z "$bin" ]; then
  for v in 17 16 15; do
    [ -x /usr/lib/postgresql/$v/bin/initdb ] && { bin=/usr/lib/postgresql/$v/bin; break; }
  done
fi
[ -n "$bin" ] && [ -x "$bin/initdb" ] || {
  echo "server.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 2; }

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-k $dir -c listen_addresses= -c max_connections=200 -c fsync=${QHALL_PG_FSYNC:-off}" \
    start >/dev/null
}

case $cmd in
start)
  mkdir -p "$dir"
  # The socket directory is the server's; the tests' user reaches it.
  chmod 0755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_server "$bin/initdb" -D "$dir/data" -A trust -U qhall -E UTF8 \
      --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2; exit 1; }
  fi
  start || { cat "$dir/log" >&2; exit 1; }
  echo "$dir"
  ;;
restart)
  start || { cat "$dir/log" >&2; exit 1; }
  ;;
kill)
  as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_server "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "server.sh: unknown command $cmd" >&2; exit 2
  ;;
esac
