# pkglib.bash: what the install and package tests share (sourced, not a
# test itself).  Plain bash and coreutils only, no python: deb_install.sh
# runs on a new minimal Debian root where nothing else is installed.
#
# Each check counts; `pkg_finish` prints "N passed, M failed" and exits:
# 1 on any failure (files kept in $T), 77 when a part could not run here,
# else 0.  It always exits: nothing after it runs.
set -euo pipefail

: "${QHALL_TEST_TMP:=${TMPDIR:-/tmp}}"
mkdir -p "$QHALL_TEST_TMP"
T=$(mktemp -d "$QHALL_TEST_TMP/pkg-$(basename "$0" .sh)-XXXXXX")
chmod 0755 "$T"                   # the user qhall reads what is in it
NOW=2026-11-25T09:00:00+08:00     # a Wednesday, the hall is open
PASS=0 FAIL=0 DONE= SKIPPED=
OUT= ERR= RC=0
# Nothing from outside may pick another database, language, asset
# directory or font: the fonts are fontconfig's (fonts-noto-cjk).
unset QHALL_DB QHALL_LANG QHALL_ASSETS QHALL_FONT XDG_STATE_HOME

pkg_on_exit() {
    local rc=$?
    if [ -z "$DONE" ]; then
        echo "FAIL: $(basename "$0") stopped early (exit $rc) after $PASS checks; files kept in $T" >&2
        echo "$PASS passed, $((FAIL + 1)) failed"
        exit 1
    fi
    [ "$FAIL" -ne 0 ] || rm -rf "$T"
}
trap pkg_on_exit EXIT

pass() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
skipped() { SKIPPED+="skipped: $*"$'\n'; echo "skipped: $*"; }

# run CMD...: stdout in OUT, stderr in ERR, the status in RC, never -e.
run() {
    RC=0
    "$@" >"$T/out" 2>"$T/err" || RC=$?
    OUT=$(cat "$T/out") ERR=$(cat "$T/err")
}
expect_rc() { if [ "$RC" -eq "$1" ]; then pass; else bad "$2: exit $RC, want $1"$'\n'"  stdout: $OUT"$'\n'"  stderr: $ERR"; fi; }
expect_eq() { if [ "$1" = "$2" ]; then pass; else bad "$3: [$1], want [$2]"; fi; }
expect_in() { case $1 in *"$2"*) pass ;; *) bad "$3: [$2] not in [$1]" ;; esac; }
expect_file() { if [ -f "$1" ]; then pass; else bad "missing file $1"; fi; }

pkg_finish() {
    DONE=1
    echo "$PASS passed, $FAIL failed"
    if [ "$FAIL" -ne 0 ]; then
        echo "files kept in $T" >&2
        exit 1
    fi
    if [ -n "$SKIPPED" ]; then
        printf '%s' "$SKIPPED"
        exit 77
    fi
    exit 0
}

# check_layout ROOT PREFIX ETC: the files an install puts under ROOT (a
# DESTDIR, or / for a real install): the programs in PREFIX/bin, the
# assets in PREFIX/share/qhall, the hall's hall.ini in ETC.
check_layout() {
    local root=$1 prefix=$2 etc=$3 f
    for f in qhall qhall-kiosk qhall-counter qhall-display; do
        if [ -x "$root$prefix/bin/$f" ]; then pass; else bad "not executable: $root$prefix/bin/$f"; fi
    done
    for f in chime.wav hall.ini services.csv postgresql-roles.sql export/gbt39046.map; do
        expect_file "$root$prefix/share/qhall/$f"
    done
    expect_file "$root$etc/hall.ini"
    if cmp -s "$root$etc/hall.ini" "$root$prefix/share/qhall/hall.ini"; then pass
    else bad "$root$etc/hall.ini differs from the example"; fi
}

# check_programs BIN DATA DB [AS...]: run from / (never the source or
# build tree) the programs in BIN, with a new database DB, as the command
# prefix AS (e.g. runuser -u qhall --): --version of each, the chime found
# in DATA (the installed share/qhall), init, a short day, the display's
# screenshot.  The release printed must be $QHALL_RELEASE.
check_programs() {
    local bin=$1 data=$2 db=$3 p
    shift 3
    local as=("$@")
    cd /
    for p in qhall qhall-kiosk qhall-counter qhall-display; do
        run "${as[@]}" "$bin/$p" --version
        expect_rc 0 "$p --version"
        case $OUT in
        "$p $QHALL_RELEASE ("?*")") pass ;;
        *) bad "$p --version: [$OUT], want \"$p $QHALL_RELEASE (COMMIT)\"" ;;
        esac
    done
    run "${as[@]}" "$bin/qhall" version
    expect_rc 0 "qhall version"
    run "${as[@]}" "$bin/qhall" version --json
    expect_in "$OUT" "\"chime\":\"$data/chime.wav\"" "the chime of the installed programs"

    q() { QHALL_NOW=$NOW "${as[@]}" "$bin/qhall" --db "$db" "$@"; }
    run q init
    expect_rc 0 "init"
    run q staff add t01 --name 测试员 <<<"1234"
    expect_rc 0 "staff add"
    run q login --window 1 --staff t01 <<<"1234"
    expect_rc 0 "login"
    run q issue --queue A
    expect_rc 0 "issue"
    expect_eq "$OUT" "A001" "the first number"
    run q call --window 1
    expect_rc 0 "call"
    run q start --window 1
    expect_rc 0 "start"
    run q finish --window 1 --outcome done
    expect_rc 0 "finish"
    run q --json report --day 2026-11-25
    expect_rc 0 "report"
    expect_in "$OUT" "\"done\":1," "the report counts the ticket done"
    run q check
    expect_rc 0 "check"

    # The display: one frame, headless (its text needs a CJK font, which
    # fontconfig finds); then running, where --debug says which chime it
    # loaded.
    run env SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy QHALL_NOW=$NOW \
        "${as[@]}" "$bin/qhall-display" --db "$db" --screenshot "$T/display.png"
    expect_rc 0 "qhall-display --screenshot"
    if [ -s "$T/display.png" ]; then pass; else bad "no screenshot $T/display.png"; fi
    expect_in "$(display_chime "$bin" "$db" "${as[@]}")" "display: chime: $data/chime.wav" \
        "the display's chime"
    cd - >/dev/null
}

# display_chime BIN DB [AS...]: start BIN/qhall-display --debug on DB,
# headless, until it says which chime it loaded (at most 20 s); print that
# line (or all it said), stop it.
display_chime() {
    local bin=$1 db=$2 pid i
    shift 2
    # Emptied here, not by the background job's redirection: that runs
    # in the child, after the first look below, which then read the
    # previous call's line and stopped the display before it spoke.
    : >"$T/chime.err"
    env SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy QHALL_NOW=$NOW \
        "$@" "$bin/qhall-display" --db "$db" --debug >/dev/null 2>>"$T/chime.err" &
    pid=$!
    for ((i = 0; i < 200; i++)); do
        grep -q "display: chime:" "$T/chime.err" && break
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    grep "display: chime:" "$T/chime.err" || cat "$T/chime.err"
}
