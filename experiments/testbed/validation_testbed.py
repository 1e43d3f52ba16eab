"""The testbed's side of a validation trial: the scenario command line matched to the
simulation's, one trial as one scenario or a cell's trials as batches of concurrent tunnels
(testbed_batch.py runs them, bounded in time), each under a namespace name unique to this
validation, and whether the testbed can run on this machine at all.
"""
import itertools
import os
import subprocess
import sys

import testbed_batch
from testbed_batch import SKIP, last_json
from validation_cells import PROBE_OVERHEAD

HERE = os.path.dirname(os.path.abspath(__file__))


def testbed_command(a, cell, seed):
    level = cell.level
    cmd = [os.path.join(HERE, "scenario"), "--encap", cell.encap, "--fw", cell.fw,
           "--seed", str(seed),
           "--duration", f"{a.testbed_duration:g}", "--peer-timeout", f"{a.peer_timeout:g}",
           "--asa-dpd-threshold", f"{a.asa_dpd_threshold:g}",
           "--asa-dpd-retry", f"{a.asa_dpd_retry:g}", "--transform", a.transform,
           "--probe-rate", f"{1 / a.traffic_interval:g}",
           "--probe-size", str(a.traffic_size + PROBE_OVERHEAD)]
    if level.kind == "random":
        cmd += ["--loss", f"{level.value:g}", "--loss-reverse", f"{level.value:g}"]
    else:
        cmd += ["--drop-nth", str(level.value)]
    if a.runner:
        cmd += ["--runner", a.runner]
    cmd += a.testbed_arg
    return cmd


_INSTANCES = itertools.count(1)


def instance_id():
    """A testbed instance name unique to this validate and run (its namespaces' names)."""
    return f"v{os.getpid()}-{next(_INSTANCES)}"


def run_testbed(a, cell, seed, work):
    out = os.path.join(work, f"{cell.encap}-{cell.asa}-{cell.level.label.replace('#', '')}-s{seed}")
    instance = instance_id()
    cmd = testbed_command(a, cell, seed) + ["--out", out, "--id", instance]
    rc, stdout, stderr = testbed_batch.run_scenario(cmd, a.testbed_duration + 90, instance)
    if rc is None:
        return None, "timed out: " + " ".join(cmd)
    if rc == SKIP:
        return None, "skip"
    record = last_json(stdout)
    if record is None:
        return None, f"exit {rc}: {stderr.strip()[-400:]}"
    return record, None


def run_testbed_cell(a, cell, trials, work):
    """A cell's trials as the tunnels of one scenario (--batch), or of several one after
    another (native ESP on a physical testbed: as many at once as the client host has
    addresses); [(record, error)] per trial."""
    out = os.path.join(work, f"{cell.encap}-{cell.asa}-{cell.level.label}-batch")
    results = []
    for i, size in enumerate(testbed_batch.batch_sizes(cell.encap, trials, a.client_addresses)):
        # Every tunnel comes up in the first seconds; the session after that is the testbed's
        # duration. The headend serves them all, so the setup takes a little longer.
        records, err = testbed_batch.run_cell(testbed_command(a, cell, i + 1), size, cell.encap,
                                              a.testbed_duration + 120,
                                              out if i == 0 else f"{out}{i + 1}",
                                              instance_id(), a.client_addresses)
        results += [(None, err)] * size if err else [(r, None) for r in records]
    return results


def testbed_available():
    """The testbed's own check (lib.sh, tb_require_root): False when it would skip."""
    if os.environ.get("TB_MODE", "netns") != "netns":
        return True
    p = subprocess.run(["bash", "-c", 'source "$1"; tb_require_root',
                        "validate", os.path.join(HERE, "lib.sh")],
                       capture_output=True, text=True)
    if p.returncode == SKIP:
        print("validate: " + p.stderr.strip().replace("testbed: ", ""), file=sys.stderr)
        return False
    return p.returncode == 0
