#!/usr/bin/env bash
# stop.sh DIR: stop the private cupsd that start.sh DIR started.
D=${1:?usage: stop.sh DIR}
[ -f "$D/cupsd.pid" ] || exit 0
pid=$(cat "$D/cupsd.pid")
kill "$pid" 2>/dev/null || exit 0
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
rm -f "$D/cupsd.pid"
