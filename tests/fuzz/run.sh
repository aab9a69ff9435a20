#!/usr/bin/env bash
# run.sh: runs libFuzzer targets (a -DQH_FUZZ=ON build) from their corpora
# and writes a summary.  `make test` runs each briefly, two at a time;
# `make fuzz` runs them long, one at a time.
#
#   tests/fuzz/run.sh BUILD OUT SECONDS JOBS TARGET...
#
# TARGET is a name of tests/fuzz/fuzz_NAME.c.  Each target is first run
# once over its large inputs (regress.txt), then fuzzed for SECONDS (or
# $FUZZ_SECONDS_NAME) from its seeds (corpus/NAME, read only), inputs of
# at most the target's max_len (below; FUZZ_MAXLEN_NAME) bytes, into
# OUT/corpus/NAME.  A crash, leak, timeout or sanitizer report leaves its
# input in OUT/crash/ and fails the run.  OUT/summary.txt: one line per
# target with seconds, execs, execs/s, cov and ft (libFuzzer's final
# figures) and crashes; OUT/NAME.log keeps libFuzzer's output.
set -uo pipefail

if [ $# -lt 5 ]; then
    echo "usage: $0 BUILD OUT SECONDS JOBS TARGET..." >&2
    exit 2
fi
build=$1 out=$2 seconds=$3 jobs=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mkdir -p "$out/crash" "$out/tmp" || exit 1
out=$(cd "$out" && pwd)

one() {
    local t=$1 bin="$build/tests/fuzz/fuzz_$1" var="FUZZ_SECONDS_$1"
    local secs=${!var:-$seconds} log="$out/$1.log" rc=0 path
    # CSV parsing grows with the input, and past a few rows a longer
    # input only repeats them: capped, fuzz_csv keeps its pace instead of
    # falling to a quarter of it as its corpus grows (the large catalogue
    # is in regress.txt).  The others find their own lengths.
    local lenvar="FUZZ_MAXLEN_$1" len="" maxlen=()
    case $t in csv) len=1024 ;; esac
    len=${!lenvar:-$len}
    [ -z "$len" ] || maxlen=(-max_len="$len")
    if [ ! -x "$bin" ]; then
        echo "fuzz_$t: $bin not built (a -DQH_FUZZ=ON build)" >"$log"
        echo "$t - - - - - 1" >"$out/$t.sum"
        return 1
    fi
    mkdir -p "$out/corpus/$t" "$out/crash/old"
    : >"$log"
    # What an earlier run found is kept, but is not this run's.
    find "$out/crash" -maxdepth 1 -name "$t-*" -exec mv -t "$out/crash/old" {} +
    # The large inputs: once each, not seeds.
    local regress=()
    while read -r name path; do
        [ "$name" = "$t" ] && regress+=("$top/$path")
    done < <(grep '^[a-z]' "$here/regress.txt")
    if [ ${#regress[@]} -gt 0 ]; then
        TMPDIR="$out/tmp" "$bin" -close_fd_mask=3 -timeout=60 \
            -artifact_prefix="$out/crash/$t-" "${regress[@]}" >>"$log" 2>&1 || rc=1
    fi
    # -timeout: an input that takes this long is a hang, and fails.
    TMPDIR="$out/tmp" "$bin" -max_total_time="$secs" -print_final_stats=1 "${maxlen[@]}" \
        -close_fd_mask=3 -timeout=25 -artifact_prefix="$out/crash/$t-" \
        "$out/corpus/$t" "$here/corpus/$t" >>"$log" 2>&1 || rc=1
    local execs eps cov ft crashes
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(grep -E '^#[0-9]+.*ft: ' "$log" | tail -1 | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    crashes=$(find "$out/crash" -maxdepth 1 -name "$t-*" | wc -l)
    [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1
    echo "$t $secs ${execs:--} ${eps:--} ${cov:--} ${ft:--} $crashes" >"$out/$t.sum"
    return "$rc"
}
export -f one
export build out seconds here top

rm -f "$out"/*.sum
printf '%s\n' "$@" | xargs -P "$jobs" -I{} bash -c 'one "$@"' _ {}
status=$?

{
    printf '%-8s %8s %12s %9s %6s %7s %8s\n' target seconds execs execs/s cov ft crashes
    for t in "$@"; do
        # shellcheck disable=SC2046
        printf '%-8s %8s %12s %9s %6s %7s %8s\n' $(cat "$out/$t.sum" 2>/dev/null ||
                                                 echo "$t - - - - - 1")
    done
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git -C "$top" rev-parse --short HEAD 2>/dev/null)"
} >"$out/summary.txt"
cat "$out/summary.txt"
if [ "$status" -ne 0 ]; then
    for t in "$@"; do
        if [ "$(awk '{print $7}' "$out/$t.sum" 2>/dev/null)" != 0 ]; then
            echo "fuzz_$t failed: $out/$t.log" >&2
            grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$out/$t.log" | head -5 >&2
        fi
    done
    exit 1
fi
