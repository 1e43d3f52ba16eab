"""Time to failure as a survival curve: Kaplan-Meier estimates per point (configuration x loss).

A run whose tunnel is still up at the end of the session says only that its time to failure is
longer than the session: it is right-censored, not a survivor forever and not missing. The
Kaplan-Meier estimator (statsmodels' SurvfuncRight) uses both kinds of run. Its pointwise 95%
interval is built on the log(-log S) scale from the estimator's Greenwood standard error, which
keeps the interval inside [0, 1]; statsmodels 0.13 gives the standard error but no pointwise
interval.

Runs whose tunnel never came up (IKE never completed: a setup failure) have no time to failure
at all; they are counted apart, not as tunnels that died at t = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .stats import CONFIDENCE


def never_established(record: dict) -> bool:
    """True for a run whose tunnel never came up: the record says so (`established`), or, in
    records without that field, it failed in IKE (whose time is then that of the headend's
    negotiation timeout, not a tunnel's life) or with no time to failure."""
    if "established" in record:
        return record["established"] is False
    return bool(record.get("failed")) and (record.get("cause") == "ike-failure"
                                           or not _is_number(record.get("time_to_failure_s")))


@dataclass
class KaplanMeier:
    loss: float
    runs: int  # every run of the point
    setup_failures: int  # tunnels that never came up: not in the estimate
    events: int  # established tunnels that died
    censored: int  # established tunnels still up when the session ended
    times: list[float] = field(default_factory=list)  # event times, ascending
    survival: list[float] = field(default_factory=list)  # S(t) just after each event time
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)
    end_s: float = math.nan  # the longest observation (event or censoring) time

    def steps(self, values: list[float]) -> tuple[list[float], list[float]]:
        """(t, y) of the step function starting at S(0) = 1 and held to end_s."""
        xs, ys = [0.0], [1.0]
        for t, v in zip(self.times, values):
            xs.append(t)
            ys.append(v)
        xs.append(max(self.end_s, xs[-1]))
        ys.append(ys[-1])
        return xs, ys


def kaplan_meier(loss: float, runs: list[dict], confidence: float = CONFIDENCE) -> KaplanMeier:
    """The estimate for one point's runs (Store.records() rows)."""
    from statistics import NormalDist

    import numpy as np
    from statsmodels.duration.survfunc import SurvfuncRight

    setup = [r for r in runs if never_established(r["record"])]
    times, died = observations(runs)
    km = KaplanMeier(loss, len(runs), len(setup), sum(died), len(died) - sum(died),
                     end_s=max(times, default=math.nan))
    if not any(died):
        return km
    sf = SurvfuncRight(np.asarray(times, dtype=float), np.asarray(died, dtype=float))
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    for t, s, se in zip(sf.surv_times, sf.surv_prob, sf.surv_prob_se):
        km.times.append(float(t))
        km.survival.append(float(s))
        low, high = _loglog_interval(float(s), float(se), z)
        km.low.append(low)
        km.high.append(high)
    return km


def observations(runs: list[dict]) -> tuple[list[float], list[int]]:
    """(time, died) of every established tunnel among the runs (Store.records() rows, or
    {"record": ...} alone): its time to failure and 1, or for one still up at the end of the
    session, how long it was watched and 0 (right-censored)."""
    times, died = [], []
    for r in runs:
        rec = r["record"]
        if never_established(rec):
            continue
        if rec.get("failed") and _is_number(rec.get("time_to_failure_s")):
            times.append(float(rec["time_to_failure_s"]))
            died.append(1)
        else:
            times.append(_observed_s(r))
            died.append(0)
    return times, died


def _loglog_interval(s: float, se: float, z: float) -> tuple[float, float]:
    """S^exp(+-z se / (S log S)): the interval of log(-log S) mapped back."""
    if s <= 0.0 or s >= 1.0 or not math.isfinite(se):
        return (s, s) if s <= 0.0 else (s, 1.0)
    w = z * se / (s * abs(math.log(s)))
    return (s ** math.exp(w), s ** math.exp(-w))


def _observed_s(run: dict) -> float:
    """How long an established tunnel that survived was watched: from tunnel up (if the record
    says when that was) to the end of the session."""
    rec = run["record"]
    duration = rec.get("duration_s") or run.get("flags", {}).get("duration") or math.nan
    up = rec.get("tunnel_up_s")
    return float(duration) - float(up) if _is_number(up) else float(duration)


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
