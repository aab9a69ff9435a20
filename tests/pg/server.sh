#!/usr/bin/env bash
# A private PostgreSQL server for one test run: initdb and pg_ctl in a
# directory of its own, listening on a Unix socket there and on no TCP
# port, trusting local connections of the one role qhall (a superuser of
# this throw-away cluster only).  initdb refuses root, so as root the
# server runs as the postgres user the Debian package creates.
#   server.sh start DIR   a new cluster in DIR, started; prints the socket
#                         directory (DIR) on success.  What a run killed
#                         midway left in DIR (a server still running, its
#                         databases) is stopped and thrown away first.
#   server.sh stop DIR    stop it (fast) and remove DIR; with
#                         QHALL_PG_KEEP_LOG=FILE its log is copied there
#   server.sh kill DIR    stop it at once (-m immediate), keep the data
#   server.sh restart DIR start again what kill left
# With QHALL_PG_STOP_WITH_PARENT=1 (the ctest fixture sets it), start also
# leaves a watcher behind that stops the server (as stop does) once the
# process that ran start, ctest, is gone: a run killed midway leaves no
# server running, only, at worst for a moment, DIR.
# Tests reach it as postgresql:///DB?host=DIR&user=qhall.  The ctest
# fixture `pg` (tests/CMakeLists.txt) runs start before the PostgreSQL
# variants of the tests and stop after them, whatever they did.
set -euo pipefail

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cmd=${1:?usage: server.sh start|stop|kill|restart DIR}
dir=${2:?usage: server.sh start|stop|kill|restart DIR}
case $dir in
/?*) dir=${dir%/} ;;
*) echo "server.sh: DIR must be an absolute path: $dir" >&2; exit 2 ;;
esac
# The socket is DIR/.s.PGSQL.5432, and a Unix socket path has at most 107
# bytes.
[ ${#dir} -le 90 ] || { echo "server.sh: $dir: too long for a socket directory" >&2; exit 2; }
bin=${QHALL_PG_BIN:-}
if [ -z "$bin" ]; then
  for v in 17 16 15; do
    [ -x /usr/lib/postgresql/$v/bin/initdb ] && { bin=/usr/lib/postgresql/$v/bin; break; }
  done
fi
[ -n "$bin" ] && [ -x "$bin/initdb" ] || {
  echo "server.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 2; }
# What marks DIR as ours: stop and start remove only a directory that
# holds it or a cluster (or nothing at all).
mark=$dir/.qhall-pg

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-k $dir -c listen_addresses= -c max_connections=200 -c fsync=${QHALL_PG_FSYNC:-off}" \
    start >/dev/null
}

# The postmaster of DIR's cluster, if one is running: the pid its pid file
# names, when that process is this cluster's postgres (not a process that
# got the pid of one long dead).
running_pid() {
  local pid
  [ -f "$dir/data/postmaster.pid" ] || return 1
  pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$dir/data" || return 1
  echo "$pid"
}

# Stop DIR's server if one runs: fast (ends the sessions, no waiting for
# them), then immediate, then the signal.
halt() {
  local pid
  pid=$(running_pid) || return 0
  as_server "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  if kill -0 "$pid" 2>/dev/null; then
    echo "server.sh: the server of $dir (pid $pid) does not stop" >&2
    return 1
  fi
}

# watch OWNER TOKEN: until OWNER exits, then stop; gone at once when the
# server is stopped, or DIR is another start's (the mark holds the token
# of the start that made it).
watch() {
  while sleep 1; do
    [ "$(cat "$mark" 2>/dev/null)" = "$2" ] || return 0
    kill -0 "$1" 2>/dev/null || break
  done
  QHALL_PG_KEEP_LOG= exec bash "$self" stop "$dir"
}

# Remove DIR if it is ours (or empty); refuse any other directory.
wipe() {
  [ -e "$dir" ] || return 0
  if [ ! -f "$mark" ] && [ ! -f "$dir/data/PG_VERSION" ] && [ -n "$(ls -A "$dir")" ]; then
    echo "server.sh: $dir is not a test server's directory: left alone" >&2
    return 1
  fi
  rm -rf "$dir"
}

case $cmd in
start)
  halt
  wipe
  mkdir -p "$dir"
  token="$$-$(date +%s%N)"
  echo "$token" >"$mark"
  # The socket directory is the server's; the tests' user reaches it.
  chmod 0755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
  as_server "$bin/initdb" -D "$dir/data" -A trust -U qhall -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2; exit 1; }
  start || { cat "$dir/log" >&2 || true; exit 1; }
  if [ "${QHALL_PG_STOP_WITH_PARENT:-}" = 1 ]; then
    # In a session of its own and on no descriptor of ours: ctest waits
    # for the test's output to close, not for this.
    setsid bash "$self" watch "$dir" "$PPID" "$token" </dev/null >/dev/null 2>&1 &
  fi
  echo "$dir"
  ;;
watch)
  watch "${3:?}" "${4:?}"
  ;;
restart)
  start || { cat "$dir/log" >&2 || true; exit 1; }
  ;;
kill)
  as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
  ;;
stop)
  rc=0
  halt || rc=1
  if [ -n "${QHALL_PG_KEEP_LOG:-}" ] && [ -f "$dir/log" ]; then
    mkdir -p "$(dirname "$QHALL_PG_KEEP_LOG")"
    cp "$dir/log" "$QHALL_PG_KEEP_LOG" || true
  fi
  [ "$rc" -ne 0 ] || wipe || rc=1
  exit "$rc"
  ;;
*)
  echo "server.sh: unknown command $cmd" >&2; exit 2
  ;;
esac
