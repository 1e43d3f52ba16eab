"""Aggregation: Wilson intervals, curves per configuration, the analytic cTCP prediction."""

import math

import pytest

from vpnsim_sweep import analytic, stats


def wilson_by_formula(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize("k,n,low,high", [
    (0, 10, 0.0000, 0.2775),
    (5, 10, 0.2366, 0.7634),
    (10, 10, 0.7225, 1.0000),
    (1, 10, 0.0179, 0.4042),
    (3, 100, 0.0103, 0.0845),
])
def test_wilson_interval_matches_the_formula_to_four_decimals(k, n, low, high):
    got = stats.wilson(k, n)
    assert got == pytest.approx((low, high), abs=5e-5)
    assert got == pytest.approx(wilson_by_formula(k, n), abs=1e-9)


def run(encap="ctcp", asa="proxy", loss=0.01, seed=1, failed=False, ttf=None, goodput=100.0,
        sent=240, duration=1200, **flags):
    f = {"encap": encap, "asa": asa, "loss": loss, "loss-model": "bernoulli",
         "duration": duration, "seed": seed, **flags}
    from vpnsim_sweep.keys import config_key
    return {"config": config_key(f), "flags": f, "failed": int(failed),
            "record": {"failed": failed, "time_to_failure_s": ttf, "cause": "client-dpd" if failed else None,
                       "inner_goodput_bps": goodput, "inner_sent": sent, "duration_s": duration}}


def test_runs_group_into_one_curve_per_configuration_and_one_point_per_loss():
    runs = ([run(loss=0.01, seed=s, failed=s <= 3, ttf=100.0 * s) for s in range(1, 11)]
            + [run(loss=0.0, seed=s) for s in range(1, 11)]
            + [run(encap="natt", loss=0.01, seed=s, goodput=90.0 + s) for s in range(1, 5)])
    curves = stats.curves(runs)
    assert [c.label for c in curves] == ["cTCP via ASA TCP proxy", "NAT-T via ASA TCP proxy"]
    ctcp = curves[0]
    assert [p.loss for p in ctcp.points] == [0.0, 0.01]
    p = ctcp.points[1]
    assert (p.n, p.failures, p.rate) == (10, 3, 0.3)
    assert (p.low, p.high) == pytest.approx(wilson_by_formula(3, 10))
    assert p.ttf_s == [100.0, 200.0, 300.0]
    assert p.causes == {"client-dpd": 3}
    natt = curves[1].points[0]
    assert natt.goodput_bps == pytest.approx(92.5)
    assert natt.goodput_low < 92.5 < natt.goodput_high
    assert ctcp.total_failures == 3 and ctcp.total_runs == 20


def test_labels_name_only_the_flags_that_differ():
    a = {"encap": "ctcp", "asa": "proxy", "duration": 60, "peer-timeout": 30}
    b = {"encap": "ctcp", "asa": "proxy", "duration": 60, "peer-timeout": 90}
    labels = stats.label_configs({"a": a, "b": b})
    assert labels == {"a": "cTCP via ASA TCP proxy (peer-timeout=30)",
                      "b": "cTCP via ASA TCP proxy (peer-timeout=90)"}


def test_analytic_prediction_is_one_minus_survival_of_every_segment_before_t_minus_d():
    pred = analytic.Prediction(duration_s=1200, detection_delay_s=100, segments_per_s=0.2)
    assert pred.p_fail(0.0) == 0.0
    assert pred.p_fail(0.01) == pytest.approx(1 - 0.99 ** 220)
    assert analytic.Prediction(90, 100, 0.2).p_fail(0.5) == 0.0  # no time left to fail


def test_analytic_rate_and_delay_come_from_the_records():
    runs = ([run(seed=s, sent=240, duration=1200, **{"peer-timeout": 60}) for s in range(1, 4)]
            + [run(seed=9, failed=True, ttf=300.0, sent=10, **{"peer-timeout": 60})]
            + [run(encap="natt", sent=9999)])
    (pred,) = analytic.predictions(runs)
    assert pred.segments_per_s == pytest.approx(0.2)  # survivors only, cTCP in-order only
    assert pred.detection_delay_s == 70.0
    assert pred.duration_s == 1200
    (forced,) = analytic.predictions(runs, segments_per_s=1.0, detection_delay_s=5.0)
    assert (forced.segments_per_s, forced.detection_delay_s) == (1.0, 5.0)
    assert analytic.predictions([run(asa="bypass")]) == []


def test_analytic_falls_back_to_what_the_records_say_vpnsim_run_used():
    r = run(seed=1, sent=None)
    r["flags"].pop("peer-timeout", None)
    r["record"]["parameters"] = {"peer_timeout_s": "60", "traffic_interval_s": "4"}
    (pred,) = analytic.predictions([r])
    assert pred.detection_delay_s == 70.0
    assert pred.segments_per_s == 0.25
