"""Aggregation of stored runs into curves: one curve per configuration (every flag but loss and
seed), one point per loss level, with the failure rate and its Wilson 95% interval, the
time-to-failure distribution and the inner goodput.

Wilson rather than the normal approximation because the interesting points have 0 or all runs
failed, where the normal interval collapses to zero width.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass, field

from . import flags as flagdefs

CONFIDENCE = 0.95

ENCAP_NAMES = {"ctcp": "cTCP", "natt": "NAT-T", "esp": "native ESP", "anyconnect": "AnyConnect"}
ASA_NAMES = {"none": "no ASA", "stateful": "ASA stateful", "normalizer": "ASA normalizer",
             "ips-strict": "ASA IPS strict", "proxy": "ASA TCP proxy",
             "bypass": "ASA tcp-state-bypass"}


def wilson(failures: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (statsmodels)."""
    from statsmodels.stats.proportion import proportion_confint
    if n == 0:
        return (0.0, 1.0)
    low, high = proportion_confint(failures, n, alpha=1 - confidence, method="wilson")
    return (float(low), float(high))


def mean_interval(values: list[float], confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Student-t interval of a mean; the mean itself when there is a single value."""
    if len(values) < 2:
        m = values[0] if values else math.nan
        return (m, m)
    from statsmodels.stats.weightstats import DescrStatsW
    low, high = DescrStatsW(values).tconfint_mean(alpha=1 - confidence)
    return (float(low), float(high))


@dataclass
class Point:
    loss: float
    runs: list[dict]
    n: int = 0
    failures: int = 0  # tunnels that died or never came up (the record's "failed")
    setup_failures: int = 0  # of those, tunnels that never came up ("established": false)
    rate: float = math.nan
    low: float = math.nan
    high: float = math.nan
    ttf_s: list[float] = field(default_factory=list)  # of the runs that failed, sorted
    causes: dict[str, int] = field(default_factory=dict)
    goodput_bps: float = math.nan
    goodput_low: float = math.nan
    goodput_high: float = math.nan
    duration_s: float = math.nan

    def compute(self) -> "Point":
        self.n = len(self.runs)
        self.failures = sum(1 for r in self.runs if r["record"]["failed"])
        self.setup_failures = sum(1 for r in self.runs if r["record"].get("established") is False)
        self.rate = self.failures / self.n if self.n else math.nan
        self.low, self.high = wilson(self.failures, self.n)
        # Only tunnels that came up have a time to failure (counted from tunnel up).
        self.ttf_s = sorted(r["record"]["time_to_failure_s"] for r in self.runs
                            if r["record"]["failed"] and _is_number(r["record"].get("time_to_failure_s")))
        causes: dict[str, int] = {}
        for r in self.runs:
            if r["record"]["failed"]:
                c = r["record"].get("cause") or "unknown"
                causes[c] = causes.get(c, 0) + 1
        self.causes = causes
        goodputs = [r["record"]["inner_goodput_bps"] for r in self.runs
                    if _is_number(r["record"].get("inner_goodput_bps"))]
        if goodputs:
            self.goodput_bps = statistics.fmean(goodputs)
            self.goodput_low, self.goodput_high = mean_interval(goodputs)
        durations = {float(r["flags"]["duration"]) for r in self.runs if "duration" in r["flags"]}
        self.duration_s = durations.pop() if len(durations) == 1 else math.nan
        return self

    def ttf_quantile(self, q: float) -> float:
        if not self.ttf_s:
            return math.nan
        return self.ttf_s[min(len(self.ttf_s) - 1, int(q * len(self.ttf_s)))]


@dataclass
class Curve:
    config: str  # the configuration key (canonical JSON)
    flags: dict  # the configuration's flags
    label: str
    points: list[Point]

    @property
    def runs(self) -> list[dict]:
        return [r for p in self.points for r in p.runs]

    @property
    def total_failures(self) -> int:
        return sum(p.failures for p in self.points)

    @property
    def total_runs(self) -> int:
        return sum(p.n for p in self.points)


def curves(runs: list[dict], labels: dict[str, str] | None = None) -> list[Curve]:
    """Groups stored runs (Store.records()) into curves, in a stable order. `labels` (the sweep
    file's, configuration key -> label) name the curves; the rest are named by their flags."""
    by_config: dict[str, list[dict]] = {}
    for r in runs:
        by_config.setdefault(r["config"], []).append(r)
    configs = {k: json.loads(k) for k in by_config}
    labels = series_labels(configs, labels or {})
    out = []
    for key in sorted(by_config, key=lambda k: _order(configs[k])):
        by_loss: dict[float, list[dict]] = {}
        for r in by_config[key]:
            by_loss.setdefault(float(r["flags"]["loss"]), []).append(r)
        points = [Point(loss, rs).compute() for loss, rs in sorted(by_loss.items())]
        out.append(Curve(key, configs[key], labels[key], points))
    return out


def series_labels(configs: dict[str, dict], given: dict[str, str]) -> dict[str, str]:
    """The sweep file's label where it has one; where one label covers several configurations
    (a series with an axis besides loss), the label plus the flags that tell them apart."""
    derived = label_configs(configs)
    out = {}
    for key in configs:
        label = given.get(key)
        if label is None:
            out[key] = derived[key]
            continue
        shared = [k for k in configs if given.get(k) == label]
        if len(shared) > 1:
            varying = [n for n in flagdefs.FLAGS if n != "loss" and
                       len({json.dumps(configs[k].get(n)) for k in shared}) > 1]
            label += " (" + ", ".join(f"{n}={configs[key][n]}" for n in varying
                                      if n in configs[key]) + ")"
        out[key] = label
    return out


def label_configs(configs: dict[str, dict]) -> dict[str, str]:
    """Short legend text per configuration: encapsulation and ASA mode by name, then only the
    other flags whose values differ between configurations."""
    names = [n for n in flagdefs.FLAGS if n not in ("encap", "asa", "loss")]
    varying = [n for n in names if len({json.dumps(c.get(n)) for c in configs.values()}) > 1]
    labels = {}
    for key, c in configs.items():
        head = " via ".join(x for x in (ENCAP_NAMES.get(c.get("encap"), c.get("encap")),
                                        ASA_NAMES.get(c.get("asa"), c.get("asa"))) if x)
        extra = ", ".join(f"{n}={c[n]}" for n in varying if n in c)
        labels[key] = f"{head} ({extra})" if extra else head
    return labels


def _order(config: dict):
    encaps = list(flagdefs.ENCAPSULATIONS)
    modes = ["proxy", "normalizer", "ips-strict", "stateful", "bypass", "none"]
    return (encaps.index(config["encap"]) if config.get("encap") in encaps else 99,
            modes.index(config["asa"]) if config.get("asa") in modes else 99,
            json.dumps(config, sort_keys=True))


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
