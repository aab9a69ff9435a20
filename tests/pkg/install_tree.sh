#!/usr/bin/env bash
# install_tree.sh: `cmake --install` of the build ($QHALL_BIN's directory)
# into a new prefix, and the installed programs run from / as the README
# says (--version, init, a short day, the display's screenshot), finding
# the chime in the prefix, not in the source tree; an edited
# PREFIX/etc/qhall/hall.ini is kept by a second install; a DESTDIR install
# with the prefix /usr puts hall.ini in DESTDIR/etc/qhall.
#
# Outside the build tree: a program there would use the sources' assets
# (qh_asset_find), which is what this test must not see.
: "${QHALL_BIN:?QHALL_BIN must name the built qhall}"
: "${QHALL_RELEASE:?QHALL_RELEASE must be the project version}"
QHALL_TEST_TMP=${TMPDIR:-/tmp}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pkglib.bash
. "$here/pkglib.bash"
BUILD=$(dirname "$QHALL_BIN")

P=$T/usr
run cmake --install "$BUILD" --prefix "$P"
expect_rc 0 "cmake --install --prefix"
check_layout "" "$P" "$P/etc/qhall"
check_programs "$P/bin" "$P/share/qhall" "$T/hall.db"

# A second install over an edited hall.ini keeps it.
echo "; edited by the hall" >>"$P/etc/qhall/hall.ini"
run cmake --install "$BUILD" --prefix "$P"
expect_rc 0 "cmake --install again"
expect_in "$(tail -n 1 "$P/etc/qhall/hall.ini")" "; edited by the hall" "the edited hall.ini is kept"

# Without the chime file the display plays its built-in chime and says
# where it looked: in the prefix (and the configured data directory),
# never the source tree.
mv "$P/share/qhall/chime.wav" "$T/chime.wav"
cd /
run "$P/bin/qhall" version --json
expect_in "$OUT" "\"chime\":null" "no chime without its file"
expect_in "$OUT" "not found in $P/share/qhall" "where the chime was looked for"
expect_in "$(display_chime "$P/bin" "$T/hall.db")" \
    "display: chime: built-in (chime.wav not found in $P/share/qhall" \
    "the display's chime without its file"
# QHALL_ASSETS names the one place to look; a relative one is refused.
run env QHALL_ASSETS="$T" "$P/bin/qhall" version --json
expect_in "$OUT" "\"chime\":\"$T/chime.wav\"" "QHALL_ASSETS"
run env QHALL_ASSETS=assets "$P/bin/qhall" version --json
expect_in "$OUT" "QHALL_ASSETS: expected an absolute directory" "a relative QHALL_ASSETS"
cd - >/dev/null

# DESTDIR and the prefix /usr: the layout of the package.
run env DESTDIR="$T/stage" cmake --install "$BUILD" --prefix /usr
expect_rc 0 "DESTDIR=... cmake --install --prefix /usr"
check_layout "$T/stage" /usr /etc/qhall
cd /
run "$T/stage/usr/bin/qhall" version --json
expect_in "$OUT" "\"chime\":\"$T/stage/usr/share/qhall/chime.wav\"" "the staged programs' chime"
cd - >/dev/null
pkg_finish
