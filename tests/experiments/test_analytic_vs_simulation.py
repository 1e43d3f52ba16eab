"""The analytic model (analytic.py) against the simulation it describes: 200 seeds at three loss
levels of cTCP through the ASA normalizer, each level's analytic failure probability inside the
simulated Wilson 95% interval. The same runs reject the formula as it was before it followed the
model's DPD rule and setup, which shows the check can fail when model and formula drift apart."""

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
