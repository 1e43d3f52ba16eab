"""Statistics of the validation: simulation and testbed failure counts side by side.

For each cell (encapsulation, loss level) both sides ran n trials and some failed. Per cell:
the failure rate with its Wilson 95 % score interval (vpnsim_sweep.stats.wilson, statsmodels),
and Fisher's exact test of "the two sides fail equally often" (two-sided, scipy). Over all
cells: Holm-Bonferroni adjusted p-values at a stated family-wise alpha. A cell disagrees when
its adjusted p-value is below alpha, or when the two Wilson intervals do not overlap (the
criterion "beyond their confidence intervals"); the verdict is "agree" when no cell disagrees.

Failures are split by cause, so that framing errors (a segment the receiver could not frame:
split or coalesced by a proxy) are reported apart from DPD failures (the peer went silent).
"""

import math
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vpnsim_sweep.stats import CONFIDENCE, wilson  # noqa: E402  (experiments/ on the path)

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
        "runs_with_framing_errors": sum(1 for r in ok if (r.get("framing_errors") or 0) > 0),
        "framing_errors": sum(int(r.get("framing_errors") or 0) for r in ok),
        "round_trip_loss_mean": statistics.fmean(losses) if losses else None,
        "time_to_failure_median_s": statistics.median(ttf) if ttf else None,
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


def compare(cells, alpha):
    """Adds the test of each cell (cells: dicts with "simulation" and "testbed" summaries)
    and returns the overall verdict."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha}: allowed 0 < alpha < 1")
    raw = []
    for c in cells:
        s, t = c["simulation"], c["testbed"]
        raw.append(fisher_p(s["failures"], s["n"], t["failures"], t["n"])
                   if s and t else None)
    adjusted = holm(raw)
    compared = [p for p in raw if p is not None]
    disagreements, incomplete = [], []
    for c, p, q in zip(cells, raw, adjusted):
        s, t = c["simulation"], c["testbed"]
        c["fisher_p"] = p
        c["fisher_p_holm"] = q
        if p is None:
            c["intervals_overlap"] = None
            c["agree"] = None
            incomplete.append(c["label"])
            continue
        c["intervals_overlap"] = overlap(s["wilson_low"], s["wilson_high"],
                                         t["wilson_low"], t["wilson_high"])
        c["agree"] = q >= alpha and c["intervals_overlap"]
        if not c["agree"]:
            disagreements.append(c["label"])
    m = len(compared)
    # Could any cell reach significance at all? Holm's first step compares with alpha / m.
    best = [smallest_p(c["simulation"]["n"], c["testbed"]["n"]) for c in cells
            if c.get("fisher_p") is not None]
    detectable = bool(best) and min(best) * m < alpha
    if disagreements:
        verdict = "disagree"
    elif incomplete or not compared:
        verdict = "incomplete"
    else:
        verdict = "agree"
    return {
        "verdict": verdict,
        "alpha": alpha,
        "confidence": CONFIDENCE,
        "test": "Fisher's exact test per cell (two-sided), Holm-Bonferroni over "
                f"{m} cells at family-wise alpha {alpha:g}; also disagreement where the "
                f"{CONFIDENCE:.0%} Wilson intervals do not overlap",
        "cells_compared": m,
        "disagreeing_cells": disagreements,
        "incomplete_cells": incomplete,
        "fisher_can_reject": detectable,
        "note": None if detectable or not compared else
                "too few trials for Fisher's test to reject after the Holm correction "
                "(all against none gives p = "
                f"{min(best):.3g} x {m} cells >= {alpha:g}); only the interval criterion "
                "can flag a disagreement",
    }


def _number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
