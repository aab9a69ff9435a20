#!/usr/bin/env bash
# systemd_units.sh DIR CAGE XINIT QHALL DISPLAY KIOSK COUNTER: the units of
# assets/systemd, as configured for the build tree into DIR (their
# programs named in DIR/bin, linked here to the built ones), pass
# `systemd-analyze verify` with nothing to say: no unknown key, no bad
# value, no missing program.  Works where systemd is not PID 1 (a
# container): verify only loads the files.
#
# The screen units run cage (and qhall-x11.service xinit), which a build
# machine need not have: then the one complaint allowed is that this
# command is missing, every other line is still checked, and each screen
# unit is verified once more with its X drop-in (x11/NAME-x11.conf), which
# runs the program itself.
set -uo pipefail
dir=$1 cage=$2 xinit=$3
shift 3
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
command -v systemd-analyze >/dev/null || { echo "skipped: no systemd-analyze (package systemd)"; exit 77; }

mkdir -p "$dir/bin"
for p in "$@"; do ln -sf "$p" "$dir/bin/$(basename "$p")"; done
W=$(mktemp -d "${TMPDIR:-/tmp}/qh-units-XXXXXX")
trap 'rm -rf "$W"' EXIT

# verify WHERE UNIT MISSING: systemd-analyze verify WHERE/UNIT says
# nothing but, if MISSING is not empty, that the program MISSING is missing.
verify() {
    local out rc=0 rest
    out=$(cd "$1" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no "./$2" 2>&1) || rc=$?
    if [ -n "$3" ]; then
        rest=$(printf '%s\n' "$out" | grep -v "Command $3 is not executable: No such file" \
               | grep -v '^$' || true)
        [ -z "$rest" ] || bad "$2: $rest"
        printf '%s\n' "$out" | grep -q "Command $3 is not executable" \
            || [ -x "$3" ] || bad "$2: verify did not see that $3 is missing"
        echo "note: $2: $3 is not installed here: its ExecStart command is not checked"
    else
        [ "$rc" -eq 0 ] && [ -z "$out" ] || bad "$2 (exit $rc): $out"
    fi
}

n=0
for u in qhall-serve.service qhall-backup.service qhall-backup.timer; do
    mkdir -p "$W/$u" && cp "$dir/$u" "$W/$u/"
    [ "$u" != qhall-backup.timer ] || cp "$dir/qhall-backup.service" "$W/$u/"
    verify "$W/$u" "$u" ""
    n=$((n + 1))
done
for u in qhall-display.service qhall-kiosk.service qhall-counter@.service qhall-pad@.service; do
    inst=${u/@./@3.}
    name=${u%.service}
    name=${name%@}
    # As installed: cage runs the program.
    mkdir -p "$W/$u"
    cp "$dir/$u" "$W/$u/"
    grep -q "^ExecStart=$cage " "$dir/$u" || bad "$u: ExecStart is not $cage"
    verify "$W/$u" "$inst" "$([ -x "$cage" ] || echo "$cage")"
    # With the X drop-in: the program itself, nothing missing.
    mkdir -p "$W/$u-x11/$u.d"
    cp "$dir/$u" "$dir/x11/qhall-x11.service" "$W/$u-x11/"
    cp "$dir/x11/$name-x11.conf" "$W/$u-x11/$u.d/x11.conf"
    verify "$W/$u-x11" "$inst" ""
    n=$((n + 2))
done
# The clerk's desktop counter, a user unit.
mkdir -p "$W/user" && cp "$dir/user/qhall-counter@.service" "$W/user/"
mkdir -p "$W/run" && chmod 700 "$W/run"
out=$(cd "$W/user" && XDG_RUNTIME_DIR=$W/run systemd-analyze verify --user --man=no ./qhall-counter@3.service 2>&1)
rc=$?
# A user manager also pulls in this machine's own user sockets (gpg-agent,
# dbus), which it may not start here: only lines about ours count.
ours=$(printf '%s\n' "$out" | grep 'qhall-counter@' || true)
[ "$rc" -eq 0 ] && [ -z "$ours" ] || bad "user qhall-counter@3.service (exit $rc): $out"
n=$((n + 1))
mkdir -p "$W/x11" && cp "$dir/x11/qhall-x11.service" "$W/x11/"
verify "$W/x11" qhall-x11.service "$([ -x "$xinit" ] || echo "$xinit")"
n=$((n + 1))

# A unit broken on purpose is caught: the check can fail.
mkdir -p "$W/broken"
sed 's/^WatchdogSec=30/WatchdogSec=thirty/' "$dir/qhall-serve.service" >"$W/broken/qhall-serve.service"
out=$(cd "$W/broken" && systemd-analyze verify --man=no ./qhall-serve.service 2>&1)
[ -n "$out" ] || bad "a bad WatchdogSec went unnoticed"

[ "$fail" -eq 0 ] || exit 1
echo "$n verifications passed"
