#!/usr/bin/env bash
# alive.sh DIR: exit 0 when the private cupsd of tests/cups/start.sh DIR
# still runs and answers a real request; else say what became of it and
# exit 1.  Printing tests run it after every job: a client must never be
# able to bring the print server down (a document-name with a space
# crashed Debian's cupsd 2.4.2-3+deb12u10; a control character made it
# spin), and `lpstat -r` alone is no proof: it only connects.
D=${1:?usage: alive.sh DIR}
pid=$(cat "$D/cupsd.pid" 2>/dev/null) || { echo "alive.sh: no cupsd.pid in $D" >&2; exit 1; }
# A dead cupsd may linger as a zombie of whoever started it: not alive.
stat=$(ps -o stat= -p "$pid" 2>/dev/null)
if [ -z "$stat" ] || [ "${stat#Z}" != "$stat" ]; then
  echo "alive.sh: cupsd (pid $pid) has died; the end of its log:" >&2
  tail -n 5 "$D/log/error_log" >&2 2>/dev/null
  dmesg 2>/dev/null | grep "cupsd\[$pid\]" | tail -n 2 >&2
  exit 1
fi
if ! out=$(CUPS_SERVER=$D/cups.sock timeout 5 lpstat -p slips 2>&1) ||
   ! grep -q "slips" <<<"$out"; then
  echo "alive.sh: cupsd (pid $pid) runs but does not answer: ${out:-no reply in 5 s}" >&2
  ps -o pid=,stat=,%cpu= -p "$pid" >&2
  exit 1
fi
