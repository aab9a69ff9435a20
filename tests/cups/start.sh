#!/usr/bin/env bash
# start.sh DIR: a private cupsd for the printing tests, in DIR (created),
# root or not, never touching the system's CUPS.
#
# It listens only on DIR/cups.sock; `export CUPS_SERVER=DIR/cups.sock`
# (written to DIR/env) points lpadmin, lp, lpstat and libcups at it.  Its
# pid is in DIR/cupsd.pid: stop it with tests/cups/stop.sh DIR.
#
# Queues:
#   slips    a raw queue (`-m raw`, as the README sets up a thermal printer)
#            whose device writes each job's bytes to DIR/out/slips
#   office   a PDF printer: the document lands as sent in DIR/out/office
#   nopaper  a backend that reports media-empty and fails every job
# The default printer is slips.  Each job replaces its queue's out file
# whole (tests/cups/qhcapture).  `tests/cups/alive.sh DIR` says whether the
# cupsd still answers: run it after every job.
#
# No queue uses CUPS's own file: device.  Debian's cupsd 2.4.2-3+deb12u10
# opens its file without O_CREAT and without O_TRUNC, so a job into a
# missing file stops the queue and a short job after a long one leaves the
# long one's tail: a test reading that file would read two jobs at once.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
D=${1:?usage: start.sh DIR}
mkdir -p "$D"
D=$(cd "$D" && pwd)
# Filters run as lp under a root cupsd: they must reach ServerBin and the PPD.
chmod 755 "$D"
mkdir -p "$D"/{etc/ppd,spool/tmp,cache,state,log,out,bin/backend}
chmod 1777 "$D/out" "$D/spool/tmp"

# A ServerBin of our own: the system's filters and backends, plus qhfail.
for f in /usr/lib/cups/*; do
  [ "$(basename "$f")" = backend ] || ln -sfn "$f" "$D/bin/$(basename "$f")"
done
for f in /usr/lib/cups/backend/*; do ln -sfn "$f" "$D/bin/backend/"; done
install -m 0755 "$here/qhfail" "$D/bin/backend/qhfail"
install -m 0755 "$here/qhcapture" "$D/bin/backend/qhcapture"

user_lines=
if [ "$(id -u)" -eq 0 ]; then
  # As root, cupsd runs filters as User: give them a home they can use.
  user_lines="User lp
Group lp"
  chown -R lp "$D/spool" "$D/cache" "$D/out" 2>/dev/null || true
fi

cat >"$D/etc/cups-files.conf" <<CONF
ServerRoot $D/etc
ServerBin $D/bin
DataDir /usr/share/cups
RequestRoot $D/spool
TempDir $D/spool/tmp
CacheDir $D/cache
StateDir $D/state
AccessLog $D/log/access_log
ErrorLog $D/log/error_log
PageLog $D/log/page_log
FileDevice Yes
Sandboxing Relaxed
$user_lines
CONF
cat >"$D/etc/cupsd.conf" <<CONF
Listen $D/cups.sock
LogLevel info
WebInterface No
Browsing No
DefaultAuthType None
JobRetryLimit 0
MaxJobs 0
PreserveJobHistory Yes
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
CONF

/usr/sbin/cupsd -f -c "$D/etc/cupsd.conf" -s "$D/etc/cups-files.conf" \
  >"$D/log/cupsd.out" 2>&1 &
echo $! >"$D/cupsd.pid"
# Never leave a cupsd behind when setting up fails.
trap 'kill "$(cat "$D/cupsd.pid")" 2>/dev/null || true' ERR
export CUPS_SERVER=$D/cups.sock
echo "export CUPS_SERVER=$D/cups.sock" >"$D/env"
for _ in $(seq 1 100); do
  lpstat -r >/dev/null 2>&1 && break
  sleep 0.05
done
if ! lpstat -r >/dev/null 2>&1; then
  echo "start.sh: cupsd did not start:" >&2
  cat "$D/log/cupsd.out" "$D/log/error_log" >&2 2>/dev/null || true
  kill "$(cat "$D/cupsd.pid")" 2>/dev/null || true
  exit 1
fi
ppd=$here/passthrough.ppd
# cupsd answers lpstat a moment before it takes lpadmin: retry briefly.
admin() {
  local i
  for i in $(seq 1 40); do
    if lpadmin "$@" 2>"$D/log/lpadmin.err"; then return 0; fi
    sleep 0.05
  done
  grep -v "are deprecated" "$D/log/lpadmin.err" >&2
  return 1
}
admin -p slips -E -v "qhcapture:$D/out/slips" -m raw
admin -p office -E -v "qhcapture:$D/out/office" -P "$ppd"
admin -p nopaper -E -v "qhfail:/" -P "$ppd" -o printer-error-policy=abort-job
admin -d slips
