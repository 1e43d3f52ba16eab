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

summary() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}
