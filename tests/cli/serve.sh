# serve.sh: `qhall serve` over real HTTP, on either backend: every page,
# wrong tokens, the rating form and its refusals, SSE and its reconnect,
# the security headers and the limits (tests/cli/serve_http.py has the
# checks).  About 20 s.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/testlib.bash"

setup_db
RC=0
QHALL_BIN=$QHALL_BIN DB=$DB NOW=$NOW T=$T "$PY" "$here/serve_http.py" >"$T/http.log" 2>&1 || RC=$?
sed 's/^/  /' "$T/http.log"
counts=$(tail -n 1 "$T/http.log")
expect_rc 0 "serve_http.py: $counts"
finish
