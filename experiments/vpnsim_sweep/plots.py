"""Figures from stored runs, each written as PNG (for a glance) and PDF (for a paper):

1. failure-rate-vs-loss: failure rate against loss, one line per configuration, each point with
   its Wilson 95% interval, and the analytic prediction for cTCP through an in-order ASA
   (analytic.py) where it applies. Seven or more configurations must stay readable: each has
   its own color, marker and line style, and each is shifted a little along x so that lines
   with the same values (several configurations that never fail) lie side by side instead of
   on top of each other;
2. time-to-failure-cdf: Kaplan-Meier survival of the established tunnels (survival.py), one
   panel per configuration whose tunnels died, one line per loss level with its 95% band;
   runs that were still up at the end are censored, and tunnels that never came up are shown
   apart, in a panel of their own;
3. goodput-vs-loss: mean inner goodput with its 95% interval for the configurations that
   survive (failed in at most `survivor_max_failure` of their runs), since a dead tunnel's
   goodput says only when it died.

Every figure names the runner build(s) whose records it shows.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display needed (CI, SLURM nodes)
import matplotlib.pyplot as plt  # noqa: E402

from . import analytic, survival  # noqa: E402
from .stats import CONFIDENCE, Curve, wilson  # noqa: E402

FIGURES = ("failure-rate-vs-loss", "time-to-failure-cdf", "goodput-vs-loss")
FORMATS = ("png", "pdf")

plt.rcParams.update({
    "font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 9,
    "axes.grid": True, "grid.alpha": 0.3, "figure.dpi": 110, "savefig.dpi": 150,
})

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (3, 1)), (0, (1, 1)),
               (0, (8, 2)), (0, (4, 1, 1, 1)), (0, (2, 2)))


def plot_all(curves: list[Curve], out_dir, predictions: list[analytic.Prediction],
             survivor_max_failure: float = 0.05, runs: list[dict] | None = None) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # One color, marker and line style per configuration, the same in every figure.
    style = {c.config: dict(color=plt.cm.tab10(i % 10), marker=_MARKERS[i % len(_MARKERS)],
                            ls=_LINESTYLES[i % len(_LINESTYLES)]) for i, c in enumerate(curves)}
    footer = runner_text(runs if runs is not None else [r for c in curves for r in c.runs])
    written = []
    for name, fig in (
        ("failure-rate-vs-loss", failure_rate_figure(curves, style, predictions)),
        ("time-to-failure-cdf", ttf_figure(curves, style, predictions)),
        ("goodput-vs-loss", goodput_figure(curves, style, survivor_max_failure)),
    ):
        fig.text(0.995, 0.005, footer, fontsize=7, color="dimgrey", ha="right", va="bottom")
        for fmt in FORMATS:
            path = out_dir / f"{name}.{fmt}"
            fig.savefig(path, bbox_inches="tight")
            written.append(path)
        plt.close(fig)
    return written


def runner_text(runs: list[dict]) -> str:
    """Which runner build(s) produced the records shown, and how many records each."""
    counts = Counter(r.get("runner_version", "unknown") for r in runs)
    parts = [f"{_short_version(v)} ({n} runs)" for v, n in sorted(counts.items())]
    head = "runner build" if len(parts) == 1 else f"{len(parts)} runner builds"
    return f"{head}: " + "; ".join(parts)


def _short_version(version: str) -> str:
    said, _, digest = version.rpartition("sha256:")
    return f"{said}sha256:{digest[:12]}" if digest else version


def dodge_offsets(curves: list[Curve], fraction: float = 0.7) -> dict[str, float]:
    """x shift per configuration, in loss levels (LossAxis units): together they span
    `fraction` of the distance between two levels, so no point reaches the next level's."""
    k = len(curves)
    step = fraction / (k - 1) if k > 1 else 0.0
    return {c.config: (i - (k - 1) / 2) * step for i, c in enumerate(curves)}


class LossAxis:
    """An x axis in loss (%) on which the swept loss levels are evenly spaced, piecewise linear
    in between (and beyond, with the end gaps). Levels crowded at low loss (0, 0.25, 0.5 %)
    then get as much room as 3, 4, 5 %, enough for every configuration's point side by side;
    a curve drawn on a fine grid of losses stays exact under this scale."""

    def __init__(self, curves: list[Curve]):
        levels = sorted({100 * p.loss for c in curves for p in c.points})
        if len(levels) < 2:
            levels = [levels[0], levels[0] + 1.0] if levels else [0.0, 1.0]
        self.levels = levels
        self._x = [2 * levels[0] - levels[1], *levels, 2 * levels[-1] - levels[-2]]
        self._u = list(range(-1, len(levels) + 1))

    def forward(self, x):
        import numpy as np
        return np.interp(x, self._x, self._u, left=None, right=None) if np.ndim(x) else \
            float(np.interp(x, self._x, self._u))

    def inverse(self, u):
        import numpy as np
        return np.interp(u, self._u, self._x) if np.ndim(u) else float(np.interp(u, self._u, self._x))

    def at(self, loss_pct: float, shift: float) -> float:
        """The x (in loss %) of a point shifted `shift` levels from `loss_pct`."""
        return self.inverse(self.forward(loss_pct) + shift)

    def apply(self, ax) -> None:
        ax.set_xscale("function", functions=(self.forward, self.inverse))
        ax.set_xticks(self.levels, [f"{x:g}" for x in self.levels])
        ax.set_xlim(self.inverse(-0.5), self.inverse(len(self.levels) - 0.5))
        ax.grid(False, axis="x", which="minor")


def failure_rate_figure(curves, style, predictions):
    fig, ax = plt.subplots(figsize=(10, 6))
    max_loss = max((p.loss for c in curves for p in c.points), default=0.05) or 0.05
    shift = dodge_offsets(curves)
    axis = LossAxis(curves)
    for c in curves:
        st = style[c.config]
        x = [axis.at(100 * p.loss, shift[c.config]) for p in c.points]
        y = [p.rate for p in c.points]
        err = _bars(y, [(p.low, p.high) for p in c.points])
        ns = sorted({p.n for p in c.points})
        n_text = f"{ns[0]}" if len(ns) == 1 else f"{ns[0]}-{ns[-1]}"
        ax.errorbar(x, y, yerr=err, color=st["color"], marker=st["marker"], ls=st["ls"],
                    ms=6, mfc="none", mew=1.4, lw=1.6, elinewidth=1.0, capsize=2.5,
                    label=f"{c.label} ({n_text} runs per point)")
    for pred, ls in zip(predictions, ("-", "--", ":", "-.")):
        grid = [max_loss * i / 1000 for i in range(1001)]
        ax.plot([100 * p for p in grid], [pred.p_fail(p) for p in grid], ls=ls, color="black",
                lw=2.2, alpha=0.55, zorder=1, label=pred.legend())
    # The curve is steep where it rises, so a point shifted aside would be read against the
    # curve at the wrong loss: the predicted value also sits on each covered point's own bar.
    label = "analytic value at each point's loss, on its bar"
    for c in curves:
        pred = analytic_for(c, predictions)
        if pred is None:
            continue
        ax.plot([axis.at(100 * p.loss, shift[c.config]) for p in c.points],
                [pred.p_fail(p.loss) for p in c.points], ls="none", marker="_", ms=11, mew=2.2,
                color="black", zorder=4, label=label, gid="analytic-value")
        label = None
    ax.set_xlabel("packet loss on the client-ASA link (%): the swept levels evenly spaced, each "
                  "configuration shifted\nslightly so that none hides another")
    ax.set_ylabel("failure rate (fraction of runs whose tunnel failed)")
    axis.apply(ax)
    ax.set_ylim(-0.03, 1.03)
    durations = sorted({p.duration_s for c in curves for p in c.points if not math.isnan(p.duration_s)})
    ax.set_title(f"Tunnel failure rate vs loss ({', '.join(f'{d:g}' for d in durations)} s "
                 f"sessions); bars: Wilson {CONFIDENCE:.0%} interval of each point", fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    if not curves:
        _empty(ax, "no stored runs")
    return fig


def analytic_for(curve: Curve, predictions):
    """The drawn prediction that covers a curve's configuration, if any (the one drawn when a
    single prediction was drawn with a packet rate or delay given by the user)."""
    own = analytic.prediction_for(curve.runs[0]) if curve.runs else None
    if own is None or not predictions:
        return None
    return own if own in predictions else (predictions[0] if len(predictions) == 1 else None)


def ttf_figure(curves, style, predictions=()):
    """Kaplan-Meier panels for the configurations whose established tunnels died, then one
    panel of setup failures (tunnels that never came up) for every configuration."""
    estimates = {c.config: [survival.kaplan_meier(p.loss, p.runs) for p in c.points]
                 for c in curves}
    dying = [c for c in curves if any(km.events for km in estimates[c.config])]
    panels = len(dying) + 1
    cols = min(2, panels)
    rows = math.ceil(panels / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(7.5 * cols, 4.6 * rows), squeeze=False)
    losses = sorted({km.loss for c in dying for km in estimates[c.config] if km.events})
    color = {loss: plt.cm.viridis(0.9 * i / max(1, len(losses) - 1)) for i, loss in enumerate(losses)}
    for ax, c in zip(axes.flat, dying):
        quiet = []
        for km in estimates[c.config]:
            if not km.events:
                quiet.append(f"{100 * km.loss:g}%")
                continue
            xs, ys = km.steps(km.survival)
            _, lo = km.steps(km.low)
            _, hi = km.steps(km.high)
            ax.step(xs, ys, where="post", color=color[km.loss], lw=1.6,
                    label=f"{100 * km.loss:g}%: {km.events} died, {km.censored} censored")
            ax.fill_between(xs, lo, hi, step="post", color=color[km.loss], alpha=0.07, lw=0)
        ax.set_title(c.label, fontsize=10)
        ax.set_xlabel("time since tunnel up (s)")
        ax.set_ylabel("fraction of established\ntunnels still up")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlim(left=0)
        if quiet:
            ax.plot([], [], " ", label=f"none died at {', '.join(quiet)}")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0,
                  title="loss: established tunnels", title_fontsize=7)
    setup_panel(list(axes.flat)[len(dying)], curves, style, predictions)
    for ax in list(axes.flat)[panels:]:
        ax.set_visible(False)
    fig.suptitle(f"Time to tunnel failure: Kaplan-Meier estimate, tunnels still up at the end "
                 f"of the session censored; bands: pointwise {CONFIDENCE:.0%} interval")
    never = [c.label for c in curves if c not in dying]
    if never:
        fig.text(0.01, -0.01, "no established tunnel died: " + "; ".join(never), fontsize=8,
                 ha="left", va="top", wrap=True)
    fig.tight_layout()
    return fig


def setup_panel(ax, curves, style, predictions=()):
    """Setup failures (IKE never completed) against loss: not part of the time to failure. The
    analytic model's setup term (the same for every prediction) is drawn beside them."""
    shift = dodge_offsets(curves)
    axis = LossAxis(curves)
    for c in curves:
        st = style[c.config]
        counts = [(p.loss, sum(survival.never_established(r["record"]) for r in p.runs), p.n)
                  for p in c.points]
        x = [axis.at(100 * loss, shift[c.config]) for loss, _, _ in counts]
        y = [k / n for _, k, n in counts]
        bounds = [wilson(k, n) for _, k, n in counts]
        err = _bars(y, bounds)
        ax.errorbar(x, y, yerr=err, color=st["color"], marker=st["marker"], ls=st["ls"], ms=4,
                    mfc="none", lw=1.2, elinewidth=0.8, capsize=1.5, label=c.label)
    if predictions:
        top = max((p.loss for c in curves for p in c.points), default=0.05)
        grid = [top * i / 1000 for i in range(1001)]
        ax.plot([100 * p for p in grid], [1 - predictions[0].p_setup_ok(p) for p in grid],
                color="black", lw=2, alpha=0.55, zorder=1,
                label="analytic setup term, cTCP via in-order ASA:\n"
                      f"$1-(1-p)^{{{analytic.IKE_CLIENT_MESSAGES}}}"
                      f"(1-p^2)^{{{analytic.IKE_HEADEND_MESSAGES}}}$")
    axis.apply(ax)
    ax.set_title("Setup failures: tunnel never came up", fontsize=10)
    ax.set_xlabel("packet loss (%), levels evenly spaced")
    ax.set_ylabel(f"fraction of runs\n(Wilson {CONFIDENCE:.0%} bars)")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize=6, loc="upper left")


def goodput_figure(curves, style, survivor_max_failure):
    survivors = [c for c in curves if c.total_runs and c.total_failures / c.total_runs <= survivor_max_failure]
    fig, ax = plt.subplots(figsize=(9, 5.5))
    top = max((p.goodput_high for c in survivors for p in c.points if not math.isnan(p.goodput_high)),
              default=0)
    scale, unit = next(((s, u) for s, u in ((1e6, "Mbit/s"), (1e3, "kbit/s")) if top >= 10 * s),
                       (1, "bit/s"))
    shift = dodge_offsets(survivors)
    axis = LossAxis(survivors or curves)
    for c in survivors:
        pts = [p for p in c.points if not math.isnan(p.goodput_bps)]
        x = [axis.at(100 * p.loss, shift[c.config]) for p in pts]
        y = [p.goodput_bps / scale for p in pts]
        err = [[(p.goodput_bps - p.goodput_low) / scale for p in pts],
               [(p.goodput_high - p.goodput_bps) / scale for p in pts]]
        st = style[c.config]
        ax.errorbar(x, y, yerr=err, marker=st["marker"], ls=st["ls"], ms=6, mfc="none",
                    mew=1.4, lw=1.8, capsize=3, color=st["color"], label=c.label)
    excluded = [c.label for c in curves if c not in survivors]
    axis.apply(ax)
    ax.set_xlabel("packet loss on the client-ASA link (%), levels evenly spaced")
    # Not from zero: the configurations that survive differ by a few percent, which a zero-based
    # axis would flatten into one line.
    ax.set_ylabel(f"inner goodput ({unit}; axis not from zero)")
    ax.set_title(f"Inner goodput vs loss of the configurations that survive (failed in "
                 f"\u2264{survivor_max_failure:.0%} of runs)\nbars: {CONFIDENCE:.0%} interval of "
                 f"the mean", fontsize=11)
    if survivors:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    else:
        _empty(ax, "no configuration survives")
    if excluded:
        fig.text(0.01, -0.02, "not shown (tunnel dies): " + "; ".join(excluded), fontsize=8,
                 ha="left", va="top", wrap=True)
    return fig


def _bars(values, bounds):
    """errorbar's yerr from intervals; rounding can put a bound a hair past its value."""
    return [[max(0.0, v - lo) for v, (lo, _) in zip(values, bounds)],
            [max(0.0, hi - v) for v, (_, hi) in zip(values, bounds)]]


def _empty(ax, text):
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=12,
            color="grey")
