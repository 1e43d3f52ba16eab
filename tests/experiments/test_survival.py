"""Kaplan-Meier time to failure: censoring, intervals, setup failures apart."""

import math

import pytest

from vpnsim_sweep import survival


def run(failed, ttf=None, established=None, cause=None, duration=600.0):
    record = {"failed": failed, "time_to_failure_s": ttf, "duration_s": duration,
              "cause": cause or ("client-dpd" if failed else None)}
    if established is not None:
        record["established"] = established
    return {"flags": {"duration": duration}, "record": record}


def test_kaplan_meier_counts_survivors_as_censored_not_as_failures_or_missing():
    runs = [run(True, 100.0), run(True, 200.0), run(False), run(False), run(True, 300.0),
            run(False)]
    km = survival.kaplan_meier(0.01, runs)
    assert (km.runs, km.events, km.censored, km.setup_failures) == (6, 3, 3, 0)
    # By hand: 6 at risk, one dies (5/6); 5 at risk, one dies (4/5); 4 at risk, one dies (3/4).
    assert km.times == [100.0, 200.0, 300.0]
    assert km.survival == pytest.approx([5 / 6, 5 / 6 * 4 / 5, 5 / 6 * 4 / 5 * 3 / 4])
    for s, low, high in zip(km.survival, km.low, km.high):
        assert 0 <= low < s < high <= 1
    assert km.end_s == 600.0
    xs, ys = km.steps(km.survival)
    assert (xs[0], ys[0], xs[-1], ys[-1]) == pytest.approx((0.0, 1.0, 600.0, 0.5))


def test_censoring_changes_the_estimate_where_a_plain_fraction_would_not():
    # A survivor censored early (short observation) leaves fewer at risk afterwards.
    runs = [run(True, 100.0), run(False, duration=150.0), run(True, 300.0), run(False)]
    km = survival.kaplan_meier(0.01, runs)
    assert km.survival == pytest.approx([3 / 4, 3 / 4 * 1 / 2])


def test_setup_failures_are_kept_out_of_the_estimate():
    runs = [run(True, 100.0), run(True, None, established=False, cause="ike-failure"),
            run(True, 60.5, cause="ike-failure"), run(False)]
    km = survival.kaplan_meier(0.05, runs)
    assert (km.setup_failures, km.events, km.censored) == (2, 1, 1)
    assert km.survival == pytest.approx([0.5])


def test_an_interval_on_the_log_log_scale_matches_the_formula():
    low, high = survival._loglog_interval(0.5, 0.1, 1.96)
    w = 1.96 * 0.1 / (0.5 * abs(math.log(0.5)))
    assert (low, high) == pytest.approx((0.5 ** math.exp(w), 0.5 ** math.exp(-w)))


def test_no_death_no_curve():
    km = survival.kaplan_meier(0.0, [run(False), run(False)])
    assert (km.events, km.censored, km.times) == (0, 2, [])
