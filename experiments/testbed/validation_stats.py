"""Statistics of the validation: simulation and testbed side by side, with a verdict per cell
that can be "agree", "disagree" or "inconclusive".

For each cell (encapsulation, loss level) each side ran its trials and some failed; the
simulation may run several times the testbed's count (cheap runs, and a verdict that does not
hang on a few fixed seeds), and every test below takes the two counts as they are. Per cell:
- the failure rate with its Wilson 95 % score interval (vpnsim_sweep.stats.wilson, statsmodels);
- the difference test: Fisher's exact test of "the two sides fail equally often" (two-sided,
  scipy);
- the equivalence test: TOST for two independent proportions (statsmodels
  tost_proportions_2indep, Agresti-Caffo Wald statistic) of "the failure rates differ by less
  than the margin" (default 0.15, absolute);
- the power of the difference test against a true difference of the margin, at the cell's
  trial counts and pooled failure rate (statsmodels power_proportions_2indep, the normal
  approximation of the two-proportion test; Fisher's exact test is a little more
  conservative), and the testbed trials that power 0.8 would need at the cell's
  simulated/testbed ratio;
- time to failure of the established tunnels, runs that survived right-censored at the end of
  their session (vpnsim_sweep.survival.observations): a log-rank test (statsmodels survdiff).
  The two sides' timers do not tick alike (the testbed's run on a real host), so a shift
  smaller than a stated tolerance is no disagreement: the p-value is the largest log-rank
  p-value over shifts of the simulation's times within +-tolerance (the null "equal up to a
  shift of at most the tolerance" is rejected only when each of its members is).

The difference tests of all cells (Fisher and log-rank) form one family, Holm-Bonferroni
adjusted at a stated family-wise alpha. A cell disagrees when an adjusted p-value is below
alpha or when the two Wilson intervals do not overlap; it agrees when it does not disagree and
the TOST shows the failure rates equivalent within the margin at alpha; otherwise it is
inconclusive: too few trials to tell either way (its power says how few). The overall verdict
is "disagree" when a cell disagrees, "agree" when every cell agrees, else "inconclusive" (or
"incomplete" when a side of a cell has no runs).

Failures are split by cause, so that framing errors (a segment the receiver could not frame:
split or coalesced by a proxy) are reported apart from DPD failures (the peer went silent).
"""

import math
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vpnsim_sweep.stats import CONFIDENCE, wilson  # noqa: E402  (experiments/ on the path)
from vpnsim_sweep.survival import observations  # noqa: E402

DEFAULT_MARGIN = 0.15  # largest difference of failure rates still called "the same"
TARGET_POWER = 0.8
DEFAULT_TTF_TOLERANCE_S = 2.0  # time-to-failure shift that is no disagreement

DPD_CAUSES = ("client-dpd", "headend-dpd")
FRAMING_CAUSE = "framing-error"
# The tunnel never came up: "established": false, cause not-established (records written before
# the field existed said ike-failure in the simulation).
SETUP_CAUSES = ("ike-failure", "not-established")
SIDES = ("simulation", "testbed")


def classify(record):
    """None for a run that did not fail; else "dpd", "framing", "not-established" or the
    record's own cause."""
    if not record.get("failed"):
        return None
    if record.get("established") is False:
        return "not-established"
    cause = record.get("cause") or "unknown"
    if cause in DPD_CAUSES:
        return "dpd"
    if cause == FRAMING_CAUSE:
        return "framing"
    if cause in SETUP_CAUSES:
        return "not-established"
    return cause


def round_trip_loss(record):
    """Inner loss of the echo traffic as the client sees it (requests whose reply came back),
    the simulation's definition. The testbed's merged record counts probes one way (client to
    headend); its client's echo count gives the round trip."""
    if record.get("source") == "testbed":
        params = record.get("parameters", {})
        try:
            sent = float(params["client.probes_sent"])
            back = float(params["client.echoes_received"])
        except (KeyError, TypeError, ValueError):
            return record.get("inner_loss")
        return max(0.0, 1.0 - back / sent) if sent else None
    return record.get("inner_loss")


def summarize(records, planned=None):
    """One side of one cell: counts, Wilson interval, failures by cause, framing errors."""
    ok = [r for r in records if r is not None]
    n = len(ok)
    kinds = [classify(r) for r in ok]
    failures = sum(1 for k in kinds if k is not None)
    low, high = wilson(failures, n)
    other = {}
    for k in kinds:
        if k not in (None, "dpd", "framing"):
            other[k] = other.get(k, 0) + 1
    losses = [x for x in (round_trip_loss(r) for r in ok) if _number(x)]
    ttf = sorted(r["time_to_failure_s"] for r in ok
                 if r.get("failed") and _number(r.get("time_to_failure_s")))
    times, died = observations([{"record": r} for r in ok])
    return {
        "n": n,
        "missing": (planned - n) if planned is not None else 0,
        "failures": failures,
        "rate": failures / n if n else None,
        "wilson_low": low if n else None,
        "wilson_high": high if n else None,
        "dpd_failures": kinds.count("dpd"),
        "framing_failures": kinds.count("framing"),
        "other_failures": other,
        # Every failure's own cause (client-dpd apart from headend-dpd, ...), side by side in
        # the report.
        "causes": _count(("not-established" if k == "not-established"
                          else (r.get("cause") or "unknown")) for r, k in zip(ok, kinds)
                         if k is not None),
        "runs_with_framing_errors": sum(1 for r in ok if (r.get("framing_errors") or 0) > 0),
        "framing_errors": sum(int(r.get("framing_errors") or 0) for r in ok),
        "round_trip_loss_mean": statistics.fmean(losses) if losses else None,
        "time_to_failure_median_s": statistics.median(ttf) if ttf else None,
        # Established tunnels: time to failure (died 1) or watched until the end (died 0).
        "survival_times_s": times,
        "survival_died": died,
    }


def fisher_p(k1, n1, k2, n2):
    """Two-sided p-value of Fisher's exact test on failures k1/n1 against k2/n2."""
    if n1 == 0 or n2 == 0:
        return None
    from scipy.stats import fisher_exact
    _, p = fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="two-sided")
    return float(min(1.0, p))


def holm(pvalues):
    """Holm-Bonferroni adjusted p-values (statsmodels); None stays None."""
    idx = [i for i, p in enumerate(pvalues) if p is not None]
    out = [None] * len(pvalues)
    if not idx:
        return out
    from statsmodels.stats.multitest import multipletests
    _, adjusted, _, _ = multipletests([pvalues[i] for i in idx], method="holm")
    for i, p in zip(idx, adjusted):
        out[i] = float(p)
    return out


def smallest_p(n1, n2):
    """The smallest two-sided Fisher p-value n1 and n2 trials can give (all against none)."""
    return fisher_p(n1, n1, 0, n2)


def overlap(a_low, a_high, b_low, b_high):
    return a_low <= b_high and b_low <= a_high


def equivalence_p(k1, n1, k2, n2, margin=DEFAULT_MARGIN):
    """TOST p-value of "|rate1 - rate2| >= margin" (small: the rates are equivalent)."""
    if n1 == 0 or n2 == 0:
        return None
    import numpy as np
    from statsmodels.stats.proportion import tost_proportions_2indep
    # numpy counts: statsmodels 0.13 also forms p1 / p2, which Python floats refuse at p2 = 0.
    with np.errstate(divide="ignore", invalid="ignore"):
        res = tost_proportions_2indep(np.float64(k1), np.float64(n1), np.float64(k2),
                                      np.float64(n2), low=-margin, upp=margin,
                                      method="agresti-caffo", compare="diff")
    # The TOST p-value is the larger of the two one-sided ones; statsmodels 0.13.5 reports the
    # smaller in res.pvalue, so take both.
    return float(max(res.results_larger.pvalue, res.results_smaller.pvalue))


def _alternative(margin, rate):
    """The difference of the margin from the rate that stays inside [0, 1]."""
    return margin if rate + margin <= 1 else -margin


def power(n1, n2, margin=DEFAULT_MARGIN, rate=0.5, alpha=0.05):
    """Power of the two-sided two-proportion test at alpha against a true difference of the
    margin, one side failing at `rate` (normal approximation, statsmodels)."""
    if n1 == 0 or n2 == 0:
        return 0.0
    from statsmodels.stats.proportion import power_proportions_2indep
    rate = min(max(rate, 0.0), 1.0)
    res = power_proportions_2indep(_alternative(margin, rate), rate, n1, ratio=n2 / n1,
                                   alpha=alpha)
    return float(res.power)


def trials_for_power(margin=DEFAULT_MARGIN, rate=0.5, alpha=0.05, target=TARGET_POWER, ratio=1):
    """Testbed trials for the power `target` of power() when the simulation runs `ratio` times
    as many (1: equal counts)."""
    from statsmodels.stats.proportion import samplesize_proportions_2indep_onetail
    rate = min(max(rate, 0.0), 1.0)
    # power() puts the simulation first: nobs1 = ratio x testbed, nobs2 = nobs1 / ratio.
    n = samplesize_proportions_2indep_onetail(_alternative(margin, rate), rate, target,
                                              ratio=1 / ratio, alpha=alpha)
    return int(math.ceil(n / ratio))


def planned_trials(failures, n, margin=DEFAULT_MARGIN, alpha=0.05, minimum=1, target=TARGET_POWER,
                   most=1000, ratio=1):
    """The testbed trials a cell needs, from its simulated failures/n, when the simulation runs
    `ratio` times as many: (the trials power `target` needs at the simulated rate, the trials
    planned). The plan is the smallest count of at least `minimum` whose power reaches
    `target` at the pooled rate the two sides would show if the testbed went one trial further
    toward 0.5 than the simulation: so that one discordant testbed trial does not take the
    power below the target. None for the plan when `most` trials are not enough."""
    rate = failures / n if n else 0.5
    at_rate = trials_for_power(margin, rate, alpha, target, ratio)
    toward = 1 if rate < 0.5 else -1
    for trials in range(max(1, minimum), most + 1):
        both = (ratio + 1) * trials
        pooled = min(1.0, max(0.0, (rate * both + toward) / both))
        if power(ratio * trials, trials, margin, pooled, alpha) >= target:
            return at_rate, trials
    return at_rate, None


def power_plan(trials, margin=DEFAULT_MARGIN, alpha=0.05, rates=(0.5, 0.05), ratio=1):
    """Lines saying what `trials` testbed trials (and `ratio` times as many simulated) can
    detect, printed before a batch runs."""
    lines = []
    sides = (f"{trials} trials per side" if ratio == 1 else
             f"{trials} testbed and {ratio * trials} simulated trials")
    for rate in rates:
        lines.append(f"power at margin {margin:g} with {sides}, failure rate "
                     f"{rate:g}{' (worst case)' if rate == 0.5 else ''}: "
                     f"{power(ratio * trials, trials, margin, rate, alpha):.2f}; power "
                     f"{TARGET_POWER:g} needs {trials_for_power(margin, rate, alpha, ratio=ratio)}"
                     + (" trials" if ratio == 1 else
                        f" testbed trials ({ratio} times as many simulated)"))
    return lines


def logrank_p(sim, bed, tolerance_s=DEFAULT_TTF_TOLERANCE_S):
    """Log-rank p-value of the two sides' times to failure (summaries' survival_times_s and
    survival_died), maximised over shifts of the simulation's times within +-tolerance_s;
    None when there is no failure to compare."""
    if not sim or not bed:
        return None
    ts, ds = sim.get("survival_times_s") or [], sim.get("survival_died") or []
    tb, db = bed.get("survival_times_s") or [], bed.get("survival_died") or []
    if not ts or not tb or not (any(ds) or any(db)):
        return None
    import numpy as np
    from statsmodels.duration.survfunc import survdiff
    status = np.asarray(list(ds) + list(db), dtype=float)
    groups = np.asarray([0] * len(ts) + [1] * len(tb))
    best = 0.0
    for shift in _shifts(ts, ds, tb, db, tolerance_s):
        time = np.asarray([t + shift for t in ts] + list(tb), dtype=float)
        try:
            _, p = survdiff(time, status, groups)
        except np.linalg.LinAlgError:
            # The statistic's variance is zero: at every failure time either everyone still at
            # risk failed, or only one side was at risk. Then observed equals expected exactly
            # (a few trials failing at one instant on both sides, say), and the data hold no
            # evidence of a difference.
            p = 1.0
        if math.isfinite(p):
            best = max(best, float(p))
    return min(1.0, best)


def _shifts(ts, ds, tb, db, tolerance_s, steps=20):
    """The shifts of the simulation's times that logrank_p tries: an even grid over
    +-tolerance_s, and every shift within it that lays one simulated failure on one testbed
    failure. The grid alone can step over the narrow window where two nearly deterministic
    sides interleave (a simulated drop kills every seed's tunnel at the same instant, the
    testbed's a few milliseconds apart), and call two matching sides different."""
    if tolerance_s <= 0:
        return [0.0]
    grid = {-tolerance_s + 2 * tolerance_s * i / steps for i in range(steps + 1)}
    sim_failures = {t for t, d in zip(ts, ds) if d}
    bed_failures = {t for t, d in zip(tb, db) if d}
    aligned = {b - t for t in sim_failures for b in bed_failures if abs(b - t) <= tolerance_s}
    return sorted(grid | aligned)


def compare(cells, alpha, margin=DEFAULT_MARGIN, ttf_tolerance_s=DEFAULT_TTF_TOLERANCE_S):
    """Adds the tests and the verdict of each cell (cells: dicts with "simulation" and
    "testbed" summaries) and returns the overall verdict."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha}: allowed 0 < alpha < 1")
    if not 0 < margin < 1:
        raise ValueError(f"margin={margin}: allowed 0 < margin < 1")
    if not ttf_tolerance_s >= 0:
        raise ValueError(f"ttf_tolerance_s={ttf_tolerance_s}: allowed >= 0")
    fisher, logrank = [], []
    for c in cells:
        s, t = c["simulation"], c["testbed"]
        both = bool(s and t and s["n"] and t["n"])
        fisher.append(fisher_p(s["failures"], s["n"], t["failures"], t["n"]) if both else None)
        logrank.append(logrank_p(s, t, ttf_tolerance_s) if both else None)
    adjusted = holm(fisher + logrank)
    fisher_holm, logrank_holm = adjusted[:len(cells)], adjusted[len(cells):]
    compared = [p for p in fisher if p is not None]
    disagreements, incomplete, inconclusive = [], [], []
    for c, p, q, lp, lq in zip(cells, fisher, fisher_holm, logrank, logrank_holm):
        s, t = c["simulation"], c["testbed"]
        c["fisher_p"], c["fisher_p_holm"] = p, q
        c["logrank_p"], c["logrank_p_holm"] = lp, lq
        c["margin"] = margin
        if p is None:
            c.update(intervals_overlap=None, agree=None, verdict="incomplete",
                     equivalence_p=None, power=None, trials_for_power=None)
            incomplete.append(c["label"])
            continue
        pooled = (s["failures"] + t["failures"]) / (s["n"] + t["n"])
        c["power"] = power(s["n"], t["n"], margin, pooled, alpha)
        # The testbed trials power TARGET_POWER needs at this cell's simulated/testbed ratio.
        c["trials_for_power"] = trials_for_power(margin, pooled, alpha,
                                                 ratio=s["n"] / t["n"])
        c["equivalence_p"] = equivalence_p(s["failures"], s["n"], t["failures"], t["n"], margin)
        c["intervals_overlap"] = overlap(s["wilson_low"], s["wilson_high"],
                                         t["wilson_low"], t["wilson_high"])
        differs = q < alpha or not c["intervals_overlap"] or (lq is not None and lq < alpha)
        if differs:
            c["verdict"], c["agree"] = "disagree", False
            disagreements.append(c["label"])
        elif c["equivalence_p"] < alpha:
            c["verdict"], c["agree"] = "agree", True
        else:
            c["verdict"], c["agree"] = "inconclusive", None
            inconclusive.append(c["label"])
    m = len(compared)
    family = len([p for p in fisher + logrank if p is not None])
    # Could any cell reach significance at all? Holm's first step compares with alpha / family.
    best = [smallest_p(c["simulation"]["n"], c["testbed"]["n"]) for c in cells
            if c.get("fisher_p") is not None]
    detectable = bool(best) and min(best) * family < alpha
    if disagreements:
        verdict = "disagree"
    elif incomplete or not compared:
        verdict = "incomplete"
    elif inconclusive:
        verdict = "inconclusive"
    else:
        verdict = "agree"
    return {
        "verdict": verdict,
        "alpha": alpha,
        "margin": margin,
        "ttf_tolerance_s": ttf_tolerance_s,
        "confidence": CONFIDENCE,
        "target_power": TARGET_POWER,
        "test": "per cell Fisher's exact test (two-sided) and a log-rank test of time to "
                f"failure (shifts within +-{ttf_tolerance_s:g} s allowed), Holm-Bonferroni over "
                f"{family} tests at family-wise alpha {alpha:g}, and disjoint {CONFIDENCE:.0%} "
                "Wilson intervals, for a difference; TOST of the failure rates within "
                f"+-{margin:g} at alpha {alpha:g} for agreement",
        "cells_compared": m,
        "disagreeing_cells": disagreements,
        "inconclusive_cells": inconclusive,
        "incomplete_cells": incomplete,
        "fisher_can_reject": detectable,
        "note": None if detectable or not compared else
                "too few trials for Fisher's test to reject after the Holm correction "
                "(all against none gives p = "
                f"{min(best):.3g} x {family} tests >= {alpha:g}); only the interval criterion "
                "and the log-rank test can flag a disagreement",
    }


def _count(items):
    counts = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def _number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
