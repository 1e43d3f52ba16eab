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


def test_analytic_prediction_is_one_minus_survival_of_setup_and_every_packet_before_t_minus_d():
    pred = analytic.Prediction(duration_s=1200, traffic="echo", interval_s=5)
    # Client DPD: dead PeerTimeout (90 s) after the reply to the previous echo, I = 5 s earlier.
    assert pred.detection_delay_s == 85 and pred.detected_by == "client DPD"
    # Echoes at 5, 10, ... s: those sent at or before 1200 - 85 s count.
    assert pred.segments == 223
    assert pred.p_fail(0.0) == 0.0
    assert pred.p_fail(0.01) == pytest.approx(1 - 0.99 ** (5 + 223) * (1 - 0.01 ** 2) ** 4)
    short = analytic.Prediction(duration_s=60, traffic="echo", interval_s=5)
    assert short.segments == 0  # no time left to fail after setup
    assert short.p_fail(0.5) == pytest.approx(1 - 0.5 ** 5 * 0.75 ** 4)


def test_analytic_delay_follows_the_dpd_rule_with_dpd_idle():
    # Echo less often than dpd-idle: the client counts from its first unanswered send.
    quiet = analytic.Prediction(duration_s=1200, traffic="echo", interval_s=20, dpd_idle_s=10)
    assert quiet.detection_delay_s == 90
    busy = analytic.Prediction(duration_s=1200, traffic="echo", interval_s=20, dpd_idle_s=30)
    assert busy.detection_delay_s == 70
    # Headend timers shorter than the client's: its DPD gives up first.
    asa = analytic.Prediction(duration_s=1200, traffic="echo", interval_s=5,
                              asa_dpd_threshold_s=10, asa_dpd_retry_s=2)
    assert asa.detection_delay_s == 10 + 4 * 2 - 5 and asa.detected_by == "headend DPD"


def test_analytic_voip_takes_the_headend_dpd_path():
    # The headend's half of the call keeps the client hearing its peer: only the headend's DPD
    # (300 s threshold, then 4 x 2 s) can end the tunnel.
    voip = analytic.Prediction(duration_s=1200, traffic="voip", interval_s=0.02)
    assert voip.client_delay_s == math.inf
    assert voip.detection_delay_s == pytest.approx(308 - 0.02)
    assert voip.detected_by == "headend DPD"


def test_analytic_settings_come_from_the_flags_then_the_records_then_the_defaults():
    runs = ([run(seed=s, **{"peer-timeout": 60, "traffic-interval": 5}) for s in range(1, 4)]
            + [run(encap="natt")])
    (pred,) = analytic.predictions(runs)
    assert (pred.peer_timeout_s, pred.interval_s, pred.duration_s) == (60, 5, 1200)
    assert pred.detection_delay_s == 55
    (forced,) = analytic.predictions(runs, segments_per_s=1.0, detection_delay_s=5.0)
    assert (forced.interval_s, forced.detection_delay_s) == (1.0, 5.0)
    assert analytic.predictions([run(asa="bypass")]) == []
    r = run(seed=1)
    r["record"]["parameters"] = {"peer_timeout_s": "60", "traffic_interval_s": "4",
                                 "dpd_idle_s": "3", "traffic": "echo"}
    (pred,) = analytic.predictions([r])
    assert (pred.peer_timeout_s, pred.interval_s, pred.dpd_idle_s) == (60, 4, 3)
    assert pred.detection_delay_s == 60  # echo every 4 s is a quiet spell against 3 s idle


@pytest.mark.parametrize("traffic", ["bulk", "idle"])
def test_analytic_is_not_drawn_for_traffic_it_does_not_cover(traffic):
    assert analytic.predictions([run(traffic=traffic)]) == []
    r = run()
    r["record"]["parameters"] = {"traffic": traffic}
    assert analytic.predictions([r]) == []
    assert len(analytic.predictions([run(traffic="voip")])) == 1
