#!/usr/bin/env bash
# validate's bound on a scenario's time (experiments/testbed/testbed_batch.py run_scenario): a
# scenario that overruns it is stopped as a process group and leaves nothing behind - no
# network namespace of its instance and no runner still running. (Killing only the scenario
# process, as a plain subprocess timeout does, left its namespaces and runners.)
source "$(dirname "$0")/testbed-lib.sh"

id=vbto$$
python3 - "$ROOT/experiments/testbed" "$id" "$VPNSIM_RUNNER" >"$WORK/run.txt" 2>&1 <<'PY'
import sys, time
sys.path.insert(0, sys.argv[1])
import testbed_batch
here, instance, runner = sys.argv[1:4]
started = time.monotonic()
rc, out, err = testbed_batch.run_scenario(
    [f"{here}/scenario", "--encap", "ctcp", "--fw", "proxy", "--duration", "117",
     "--runner", runner, "--id", instance], 4, instance)
print(f"exit {rc} after {time.monotonic() - started:.1f} s")
PY
cat "$WORK/run.txt"
check "the scenario was stopped at its time bound ($(head -1 "$WORK/run.txt"))" \
    'grep -q "^exit None after" "$WORK/run.txt"'
check "no namespace of instance $id is left" '! ip netns list | grep -q "vpnsim-$id-"'
check "no runner of it is left" '! pgrep -f -- "--duration 118.5 " >/dev/null && ! pgrep -f -- "--duration 117 --probe-rate" >/dev/null'
summary
