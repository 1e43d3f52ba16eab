# shellcheck shell=bash
# Shared by the testbed tests: run scenarios in parallel, read their records, count checks.
# Each test prints "N passed, N failed" and exits 1 on any failure, 77 (skipped) when the
# machine cannot host the testbed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCENARIO=$ROOT/experiments/testbed/scenario
: "${VPNSIM_RUNNER:?set VPNSIM_RUNNER to the vpnsim-runner binary}"
export VPNSIM_RUNNER
PASSED=0
FAILED=0
WORK=$(mktemp -d /tmp/vpnsim-runner-test.XXXXXX)
BG=()

finish() {
    local pid
    for pid in "${BG[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${BG[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ "$FAILED" = 0 ]; then
        rm -rf "$WORK"
    else
        echo "kept for inspection: $WORK"
    fi
}
trap finish EXIT

# Skip (77) unless root with working network namespaces and nftables: ask the testbed itself.
# shellcheck source=../../experiments/testbed/lib.sh
source "$ROOT/experiments/testbed/lib.sh"
(tb_require_root) || exit $?

# run NAME SCENARIO-OPTIONS...: starts a scenario in the background; its files go to
# $WORK/NAME (record.json among them).
run() {
    local name=$1
    shift
    "$SCENARIO" --out "$WORK/$name" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    BG+=($!)
}

# wait_all: waits for every scenario started with run.
wait_all() {
    local pid
    for pid in "${BG[@]}"; do
        wait "$pid" || echo "scenario (pid $pid) exited $?"
    done
    BG=()
}

# field NAME KEY: a field of NAME's merged record (parameters.KEY for parameters).
field() {
    python3 - "$WORK/$1/record.json" "$2" <<'PY'
import json, sys
try:
    r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
except (OSError, ValueError, IndexError):
    print("no-record"); sys.exit(0)
key = sys.argv[2]
v = r["parameters"].get(key[len("parameters."):]) if key.startswith("parameters.") else r.get(key)
print("null" if v is None else str(v).lower() if isinstance(v, bool) else v)
PY
}

# check DESCRIPTION EXPRESSION: evaluates an arithmetic or test expression (a shell command).
check() {
    local what=$1
    shift
    if eval "$@"; then
        PASSED=$((PASSED + 1))
        echo "ok: $what"
    else
        FAILED=$((FAILED + 1))
        echo "FAIL: $what  [$*]"
    fi
}

# check_lines FILE [PREFIX]: a check per line "ok|FAIL<TAB>what" of FILE (the verdicts a test's
# Python wrote), named PREFIX what.
check_lines() {
    local verdict text
    # shellcheck disable=SC2034 # verdict is read by check's eval
    while IFS=$'\t' read -r verdict text; do
        check "${2:-}$text" '[ "$verdict" = ok ]'
    done <"$1"
}

summary() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}

# run_validate NAME OPTIONS...: experiments/testbed/validate with OPTIONS, its report in
# $WORK/NAME.txt and its log in $WORK/NAME.err; sets rc to its exit status.
run_validate() {
    local name=$1
    shift
    "$ROOT/experiments/testbed/validate" "$@" >"$WORK/$name.txt" 2>"$WORK/$name.err"
    rc=$?
}

# skip_without_testbed NAME: after run_validate NAME: validate exits 77 when the machine cannot
# host the testbed, and the test is then skipped too, with validate's reason.
skip_without_testbed() {
    if [ "$rc" = 77 ]; then
        tail -3 "$WORK/$1.err"
        exit 77
    fi
}

# require_summary NAME FILE: ends the test, failed, when run_validate NAME left no FILE (its
# summary.json), with the end of validate's log.
require_summary() {
    [ -s "$2" ] || { tail -20 "$WORK/$1.err"; summary; exit 1; }
}
