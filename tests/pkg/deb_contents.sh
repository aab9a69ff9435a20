#!/usr/bin/env bash
# deb_contents.sh: the Debian package of this build (CPack, from a staged
# `cmake --install`, without building anything again), checked by
# `deb_install.sh --contents`: control fields, maintainer scripts, files,
# and its programs unpacked and run.  Installing it for real is
# `make deb-test` (a new Debian root, minutes: not in ctest).
: "${QHALL_BIN:?QHALL_BIN must name the built qhall}"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "$(dirname "$QHALL_BIN")" && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps file; do
    if ! command -v "$tool" >/dev/null; then
        echo "skipped: $tool is missing (.ci/deps installs it)"
        exit 77
    fi
done
# Outside the build tree, as install_tree.sh says why.
W=$(mktemp -d "${TMPDIR:-/tmp}/pkg-deb-XXXXXX")
DESTDIR="$W/stage" cmake --install "$BUILD" --prefix /usr >/dev/null
cat >"$W/cpack.cmake" <<CFG
include("$BUILD/CPackConfig.cmake")
set(CPACK_INSTALL_CMAKE_PROJECTS "")
set(CPACK_INSTALLED_DIRECTORIES "$W/stage;/")
set(CPACK_PACKAGE_DIRECTORY "$W/out")
CFG
if ! cpack --config "$W/cpack.cmake" >"$W/cpack.log" 2>&1; then
    cat "$W/cpack.log" >&2
    echo "FAIL: cpack; files kept in $W" >&2
    exit 1
fi
rc=0
QHALL_TEST_TMP=$W bash "$here/deb_install.sh" --contents "$W/out" || rc=$?
if [ "$rc" -eq 0 ]; then rm -rf "$W"; else echo "package kept in $W/out" >&2; fi
exit "$rc"
