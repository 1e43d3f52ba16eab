#!/usr/bin/env bash
# A planted mismatch must come out "disagree": the testbed trials of the batch validation
# (testbed-validate-batch-test.sh, kept in $VALIDATE_BATCH_OUT) against a simulation that
# differs in one thing, so it costs no testbed time. Cases (the first argument):
#   asa           cTCP at 1 % loss: the simulation's ASA only tracks state (the tunnel
#                 survives the loss) against the testbed's full proxy (it dies): the failure
#                 rates differ;
#   peer-timeout  cTCP through the proxy at 1 %: the simulation's client gives up after 30 s
#                 of silence against the testbed's 90 s (Cisco's default): the failure rates
#                 agree, the times to failure do not (log-rank).
# Skipped (77) when the batch left no records (it was skipped: not root).
source "$(dirname "$0")/testbed-lib.sh"
: "${VPNSIM_RUN:?set VPNSIM_RUN to the vpnsim-run binary}"
: "${VALIDATE_BATCH_OUT:?set VALIDATE_BATCH_OUT to the directory of the batch validation}"

records=$VALIDATE_BATCH_OUT/records.jsonl
if [ ! -s "$records" ]; then
    echo "skipped: no batch records at $records (runner.testbed-validate-batch did not run)"
    exit 77
fi
case ${1:-} in
    asa) planted=(--sim-arg=--asa=stateful) what="simulation asa=stateful against the testbed's proxy" ;;
    peer-timeout) planted=(--sim-arg=--peer-timeout=30) what="simulation peer-timeout 30 s against the testbed's 90 s" ;;
    *) echo "usage: $0 asa|peer-timeout" >&2; exit 2 ;;
esac

# The batch's own settings and the same trials planned: 4 simulations per testbed trial.
run_validate planted --cells ctcp:proxy:0.01 --trials power --min-trials 40 \
    --sim-ratio 4 --duration 252 --peer-timeout 90 --asa-dpd-threshold 300 --asa-dpd-retry 2 \
    --traffic-interval 0.2 --sim "$VPNSIM_RUN" "${planted[@]}" --testbed-records "$records" \
    --out "$WORK/planted"
cat "$WORK/planted.txt"
check "validate ran (exit $rc)" '[ "$rc" = 0 ] && [ -s "$WORK/planted/summary.json" ]'
require_summary planted "$WORK/planted/summary.json"
python3 - "$WORK/planted/summary.json" "$1" >"$WORK/checks.txt" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
case = sys.argv[2]
c = s["cells"][0]
def say(ok, what):
    print(("ok" if ok else "FAIL") + "\t" + what)
counts = ", ".join(f"{side} {c[side]['failures']}/{c[side]['n']}" for side in ("simulation", "testbed"))
say(c["testbed"]["n"] >= 40, f"the batch's testbed trials are compared ({counts})")
say(c["verdict"] == "disagree" and s["verdict"]["verdict"] == "disagree",
    f"cell {c['label']}: {c['verdict']} ({counts}; Fisher Holm p {c['fisher_p_holm']:.2g}; "
    f"log-rank Holm p {c['logrank_p_holm']})")
if case == "asa":
    say(c["fisher_p_holm"] < 0.05 and not c["intervals_overlap"],
        "the failure rates differ (Fisher and disjoint Wilson intervals)")
else:
    say(c["logrank_p_holm"] is not None and c["logrank_p_holm"] < 0.05,
        "the times to failure differ (log-rank)")
PY
check_lines "$WORK/checks.txt" "$what: "
check "the expectations were evaluated" '[ -s "$WORK/checks.txt" ]'
summary
