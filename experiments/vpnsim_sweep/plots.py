"""Figures from stored runs, each written as PNG (for a glance) and PDF (for a paper):

1. failure-rate-vs-loss: failure rate against loss, one line per configuration with its Wilson
   95% band, and the analytic prediction for cTCP through an in-order ASA (analytic.py) dashed;
2. time-to-failure-cdf: per configuration that failed at all, the fraction of runs failed by
   time t, one line per loss level (runs that survived count in the denominator, so each line
   ends at that point's failure rate);
3. goodput-vs-loss: mean inner goodput with its 95% interval for the configurations that
   survive (failed in at most `survivor_max_failure` of their runs), since a dead tunnel's
   goodput says only when it died.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display needed (CI, SLURM nodes)
import matplotlib.pyplot as plt  # noqa: E402

from . import analytic  # noqa: E402
from .stats import CONFIDENCE, Curve  # noqa: E402

FIGURES = ("failure-rate-vs-loss", "time-to-failure-cdf", "goodput-vs-loss")
FORMATS = ("png", "pdf")

plt.rcParams.update({
    "font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 9,
    "axes.grid": True, "grid.alpha": 0.3, "figure.dpi": 110, "savefig.dpi": 150,
})


def plot_all(curves: list[Curve], out_dir, predictions: list[analytic.Prediction],
             survivor_max_failure: float = 0.05) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # One color and marker per configuration, the same in every figure.
    colors = {c.config: plt.cm.tab10(i % 10) for i, c in enumerate(curves)}
    markers = {c.config: _MARKERS[i % len(_MARKERS)] for i, c in enumerate(curves)}
    written = []
    for name, fig in (
        ("failure-rate-vs-loss", failure_rate_figure(curves, colors, markers, predictions)),
        ("time-to-failure-cdf", ttf_figure(curves)),
        ("goodput-vs-loss", goodput_figure(curves, colors, markers, survivor_max_failure)),
    ):
        for fmt in FORMATS:
            path = out_dir / f"{name}.{fmt}"
            fig.savefig(path, bbox_inches="tight")
            written.append(path)
        plt.close(fig)
    return written


def failure_rate_figure(curves, colors, markers, predictions):
    fig, ax = plt.subplots(figsize=(9, 5.5))
    max_loss = max((p.loss for c in curves for p in c.points), default=0.05) or 0.05
    for c in curves:
        x = [100 * p.loss for p in c.points]
        # Hollow markers of different shapes keep curves that lie on top of each other (several
        # configurations that never fail) visible; the faint bands add up where they overlap.
        ax.plot(x, [p.rate for p in c.points], marker=markers[c.config], ms=6, lw=1.8,
                mfc="none", mew=1.4, color=colors[c.config],
                label=f"{c.label}: {c.total_failures}/{c.total_runs} runs failed")
        ax.fill_between(x, [p.low for p in c.points], [p.high for p in c.points],
                        color=colors[c.config], alpha=0.08, lw=0)
    grid = [max_loss * i / 200 for i in range(201)]
    for pred, style in zip(predictions, ("--", ":", "-.", (0, (5, 1)))):
        ax.plot([100 * p for p in grid], [pred.p_fail(p) for p in grid], ls=style, color="black",
                lw=1.5, label=pred.legend())
    ax.set_xlabel("packet loss on the client-ASA link (%)")
    ax.set_ylabel("failure rate (fraction of runs whose tunnel died)")
    ax.set_xlim(0, 100 * max_loss)
    ax.set_ylim(-0.02, 1.02)
    durations = sorted({p.duration_s for c in curves for p in c.points if not math.isnan(p.duration_s)})
    ns = sorted({p.n for c in curves for p in c.points})
    n_text = f"{ns[0]}" if len(ns) == 1 else f"{ns[0]}-{ns[-1]}" if ns else "0"
    ax.set_title(f"Tunnel failure rate vs loss: {n_text} runs of "
                 f"{', '.join(f'{d:g}' for d in durations)} s per point, "
                 f"bands: Wilson {CONFIDENCE:.0%} interval", fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    if not curves:
        _empty(ax, "no stored runs")
    return fig


_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


def ttf_figure(curves):
    failing = [c for c in curves if c.total_failures > 0]
    cols = min(3, max(1, len(failing)))
    rows = max(1, math.ceil(len(failing) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols + 1.5, 3.6 * rows), squeeze=False,
                             sharey=True)
    losses = sorted({p.loss for c in failing for p in c.points if p.loss > 0})
    cmap = plt.cm.viridis
    color = {loss: cmap(i / max(1, len(losses) - 1)) for i, loss in enumerate(losses)}
    for ax, c in zip(axes.flat, failing):
        for p in c.points:
            if p.loss <= 0 and not p.failures:
                continue
            xs, ys = [0.0], [0.0]
            for i, t in enumerate(p.ttf_s, 1):
                xs += [t, t]
                ys += [ys[-1], i / p.n]
            end = p.duration_s if not math.isnan(p.duration_s) else (xs[-1] or 1.0)
            xs.append(end)
            ys.append(ys[-1])
            ax.plot(xs, ys, color=color.get(p.loss, "grey"), lw=1.6, label=f"{100 * p.loss:g}%")
        ax.set_title(c.label)
        ax.set_xlabel("time since tunnel up (s)")
        ax.set_ylim(-0.02, 1.02)
    for ax in axes[:, 0]:
        ax.set_ylabel("fraction of runs failed by t")
    for ax in list(axes.flat)[len(failing):]:
        ax.set_visible(False)
    if failing:
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, title="packet loss", loc="center left",
                   bbox_to_anchor=(1.0, 0.5))
        fig.suptitle("Time to tunnel failure (empirical CDF over all runs of each loss level)")
    else:
        axes.flat[0].set_visible(True)
        _empty(axes.flat[0], "no tunnel failed in the stored runs")
    fig.tight_layout()
    return fig


def goodput_figure(curves, colors, markers, survivor_max_failure):
    survivors = [c for c in curves if c.total_runs and c.total_failures / c.total_runs <= survivor_max_failure]
    fig, ax = plt.subplots(figsize=(9, 5.5))
    top = max((p.goodput_high for c in survivors for p in c.points if not math.isnan(p.goodput_high)),
              default=0)
    scale, unit = next(((s, u) for s, u in ((1e6, "Mbit/s"), (1e3, "kbit/s")) if top >= 10 * s),
                       (1, "bit/s"))
    for c in survivors:
        pts = [p for p in c.points if not math.isnan(p.goodput_bps)]
        x = [100 * p.loss for p in pts]
        y = [p.goodput_bps / scale for p in pts]
        err = [[(p.goodput_bps - p.goodput_low) / scale for p in pts],
               [(p.goodput_high - p.goodput_bps) / scale for p in pts]]
        ax.errorbar(x, y, yerr=err, marker=markers[c.config], ms=6, mfc="none",
                    mew=1.4, lw=1.8, capsize=3, color=colors[c.config], label=c.label)
    excluded = [c.label for c in curves if c not in survivors]
    ax.set_xlabel("packet loss on the client-ASA link (%)")
    ax.set_ylabel(f"inner goodput ({unit})")
    ax.set_ylim(bottom=0)
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


def _empty(ax, text):
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=12,
            color="grey")
