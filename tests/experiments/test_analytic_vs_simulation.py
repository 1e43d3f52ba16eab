"""The analytic model (analytic.py) against the simulation it describes: 200 seeds at three loss
levels of cTCP through the ASA normalizer, each level's analytic failure probability inside the
simulated Wilson 95% interval. The same runs reject the formula as it was before it followed the
model's DPD rule and setup, which shows the check can fail when model and formula drift apart.
Single runs with one packet lost at a known time check the detection delay D itself against the
model's DPD, for each rule the formula has (client after the last reply, --dpd-idle, headend)."""

import os
from dataclasses import replace

import pytest
from conftest import sweep_tool, write_sweep

from vpnsim_sweep import analytic, stats
from vpnsim_sweep.store import Store

LOSSES = (0.01, 0.03, 0.05)
SEEDS = 200
# A 150 s session with an echo every 5 s: short enough that the 5 IKE messages weigh as much
# as the 13 echo requests at risk, so both terms of the formula are put to the test, and 600
# runs take well under a minute on 2 cores.
SWEEP = f"""
seeds = {SEEDS}
[grid]
duration = 150
loss = {list(LOSSES)}
traffic = "echo"
traffic-interval = 5
peer-timeout = 90
encap = "ctcp"
asa = "normalizer"
"""


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    real_runner = os.environ.get("VPNSIM_RUN")
    if not real_runner or not os.access(real_runner, os.X_OK):
        pytest.skip("VPNSIM_RUN does not name an executable vpnsim-run (not built yet)")
    d = tmp_path_factory.mktemp("analytic")
    store = d / "runs.sqlite"
    p = sweep_tool("run", write_sweep(d / "s.toml", SWEEP), "--store", store, "--runner",
                   real_runner, "--jobs", 2, "--no-progress")
    assert p.returncode == 0, p.stderr
    with Store(store, create=False) as s:
        runs = s.records()
    (curve,) = stats.curves(runs)
    (pred,) = analytic.predictions(runs)
    return curve, pred


def outside(curve, pred) -> list[str]:
    """The loss levels whose Wilson interval does not hold the prediction."""
    return [f"loss {p.loss:g}: {p.failures}/{p.n} failed, Wilson [{p.low:.3f}, {p.high:.3f}], "
            f"predicted {pred.p_fail(p.loss):.3f}"
            for p in curve.points if not p.low <= pred.p_fail(p.loss) <= p.high]


def test_the_analytic_failure_rate_lies_inside_every_simulated_wilson_interval(simulated):
    curve, pred = simulated
    assert [p.n for p in curve.points] == [SEEDS] * len(LOSSES)
    assert pred.detected_by == "client DPD" and pred.detection_delay_s == 85
    assert outside(curve, pred) == []


def test_a_formula_that_drifted_from_the_model_is_caught(simulated):
    curve, pred = simulated
    # The delay the formula used to assume (10 s of DPD idle + PeerTimeout, counted from the
    # lost packet) and no setup term: the same runs must reject it.
    old = replace(pred, delay_override_s=10 + pred.peer_timeout_s)
    old_p_fail = lambda p: 1 - (1 - p) ** old.segments  # noqa: E731
    drifted = type("Drifted", (), {"p_fail": staticmethod(old_p_fail)})
    assert outside(curve, drifted) != []
    # A model change the formula does not follow: a PeerTimeout twice as long.
    assert outside(curve, replace(pred, peer_timeout_s=2 * pred.peer_timeout_s)) != []


LOST_AT_S = 600.0


@pytest.mark.parametrize("flags", [
    {"traffic-interval": 5},  # echo answered every 5 s: PeerTimeout after the last reply
    {"traffic-interval": 20, "dpd-idle": 10},  # quieter than dpd-idle: from the lost send
    {"traffic-interval": 20, "dpd-idle": 30},  # dpd-idle longer: from the last reply again
    {"traffic-interval": 5, "asa-dpd-threshold": 10},  # the headend's DPD gives up first
])
def test_the_detection_delay_is_the_models_own(flags, tmp_path):
    """One upstream packet lost at a known time (trace loss, first packet at or after 600 s):
    the tunnel must die D after it, by the DPD the formula names."""
    runner = os.environ.get("VPNSIM_RUN")
    if not runner or not os.access(runner, os.X_OK):
        pytest.skip("VPNSIM_RUN does not name an executable vpnsim-run (not built yet)")
    import json
    import math
    import subprocess
    trace = tmp_path / "drop.txt"
    trace.write_text(f"mode time\n{LOST_AT_S}\n")
    args = [f"--{k}={v}" for k, v in flags.items()]
    out = subprocess.run([runner, "--encap=ctcp", "--asa=normalizer", "--duration=900",
                          "--loss-model=trace", f"--loss-trace={trace}", *args],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    record = json.loads(out)
    run = {"flags": {"encap": "ctcp", "asa": "normalizer", "duration": 900, **flags},
           "record": record}
    pred = analytic.prediction_for(run)
    interval = pred.interval_s
    # The upstream packet lost: the first echo request at or after LOST_AT_S.
    lost = analytic.TRAFFIC_START_S + interval * math.ceil((LOST_AT_S - analytic.TRAFFIC_START_S)
                                                           / interval)
    assert record["failed"] and record["cause"] == pred.detected_by.replace(" DPD", "-dpd")
    # time_to_failure_s counts from tunnel up, under a second into the run.
    died_at = record["time_to_failure_s"]
    assert lost + pred.detection_delay_s - 1.0 < died_at <= lost + pred.detection_delay_s + 0.1
