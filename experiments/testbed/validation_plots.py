"""The validation's plots (matplotlib): the failure rate against the loss with both sides' 95 %
Wilson bands (validation.png, .pdf), one exact drop's cells beside them, and per cell both
sides' Kaplan-Meier curves of the time to failure (survival.png, .pdf).
"""
import validation_stats as vs
from validation_cells import NAMES


def plot(config, cells, prefix):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    encaps = list(dict.fromkeys(c["encap"] for c in cells))
    random_labels = [c for c in cells if c["kind"] == "random"]
    drop_cells = [c for c in cells if c["kind"] == "drop"]
    panels = (1 if random_labels else 0) + (1 if drop_cells else 0)
    if panels == 0:
        return []
    widths = [3, 1] if panels == 2 else [1]
    fig, axes = plt.subplots(1, panels, figsize=(9 if panels == 2 else 7, 4.5), squeeze=False,
                             gridspec_kw={"width_ratios": widths}, sharey=True)
    axes = list(axes[0])
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    styles = {"simulation": ("-", "o", 0.18, None), "testbed": ("--", "s", 0.0, "///")}
    if random_labels:
        ax = axes.pop(0)
        for i, encap in enumerate(encaps):
            colour = colours[i % len(colours)]
            mine = sorted((c for c in random_labels if c["encap"] == encap),
                          key=lambda c: c["loss"])
            for side, (ls, marker, alpha, hatch) in styles.items():
                pts = [(c["loss"] * 100, c[side]) for c in mine if c[side] and c[side]["n"]]
                if not pts:
                    continue
                x = [p[0] for p in pts]
                y = [p[1]["rate"] for p in pts]
                lo = [p[1]["wilson_low"] for p in pts]
                hi = [p[1]["wilson_high"] for p in pts]
                ax.plot(x, y, ls, marker=marker, color=colour, label=f"{NAMES[encap]}, {side}")
                if hatch:
                    ax.fill_between(x, lo, hi, facecolor="none", edgecolor=colour, hatch=hatch,
                                    linewidth=0.0, alpha=0.5)
                else:
                    ax.fill_between(x, lo, hi, color=colour, alpha=alpha, linewidth=0)
        positive = sorted({c["loss"] for c in random_labels if c["loss"] > 0})
        if len(positive) >= 2 and positive[-1] / positive[0] > 20:
            ax.set_xscale("symlog", linthresh=positive[0] * 100)
        ax.set_xlabel("random loss on the client-ASA link, both ways (%)")
        ax.set_ylabel("tunnel failure rate (95 % Wilson band)")
        ax.set_ylim(-0.03, 1.03)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, loc="best")
    if drop_cells:
        ax = axes.pop(0)
        names = list(dict.fromkeys(c["label"] for c in drop_cells))
        for j, cell in enumerate(drop_cells):
            colour = colours[encaps.index(cell["encap"]) % len(colours)]
            for dx, side in ((-0.12, "simulation"), (0.12, "testbed")):
                s = cell[side]
                if not s or not s["n"]:
                    continue
                marker = styles[side][1]
                ax.errorbar([names.index(cell["label"]) + dx], [s["rate"]],
                            yerr=[[max(0.0, s["rate"] - s["wilson_low"])],
                                  [max(0.0, s["wilson_high"] - s["rate"])]],
                            fmt=marker, color=colour, capsize=3,
                            mfc=colour if side == "simulation" else "white")
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels([n.replace(" ", "\n") for n in names], fontsize=8)
        ax.set_xlim(-0.6, len(names) - 0.4)
        ax.set_title("one exact drop\n(filled: simulation, open: testbed)", fontsize=9)
        ax.grid(True, axis="y", alpha=0.3)
    c = config or {}
    if c:
        r = c.get("sim_ratio", 1)
        n = f"{c['trials']} trials" if r == 1 else f"{c['trials']} testbed / {r * c['trials']} simulated trials"
        fig.suptitle(f"simulation asa={c['asa']} vs testbed fw={c['fw']}: {n}, "
                     f"{c['duration_s']:g} s, DPD {c['asa_dpd_threshold_s']:g}/"
                     f"{c['asa_dpd_retry_s']:g} s, peer timeout {c['peer_timeout_s']:g} s",
                     fontsize=10)
    fig.tight_layout()
    return _save(fig, prefix, png_dpi=150)


def plot_survival(cells, prefix):
    """Time to failure per cell: both sides' Kaplan-Meier curves (vpnsim_sweep.survival) in one
    panel, censored runs marked at the time they were last seen up."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from vpnsim_sweep.survival import kaplan_meier

    shown = [c for c in cells if any(c[side] and c[side]["n"] for side in vs.SIDES)]
    if not shown:
        return []
    cols = min(3, len(shown))
    rows = (len(shown) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3.2 * rows), squeeze=False,
                             sharey=True)
    styles = {"simulation": ("-", "C0"), "testbed": ("--", "C1")}
    for ax, cell in zip(axes.flat, shown):
        for side, (ls, colour) in styles.items():
            s = cell[side]
            if not s or not s["survival_times_s"]:
                continue
            runs = [{"record": {"failed": bool(d), "established": True, "time_to_failure_s": t,
                                "duration_s": t, "tunnel_up_s": 0.0}}
                    for t, d in zip(s["survival_times_s"], s["survival_died"])]
            km = kaplan_meier(cell.get("loss", 0.0), runs)
            xs, ys = km.steps(km.survival) if km.times else ([0.0, km.end_s], [1.0, 1.0])
            ax.step(xs, ys, where="post", linestyle=ls, color=colour,
                    label=f"{side} ({km.events} failed, {km.censored} censored)")
            if km.times:
                lx, lo = km.steps(km.low)
                ax.fill_between(lx, lo, km.steps(km.high)[1], step="post", color=colour,
                                alpha=0.15, linewidth=0)
            cens = [t for t, d in zip(s["survival_times_s"], s["survival_died"]) if not d]
            if cens:
                level = [_survival_at(km, t) for t in cens]
                ax.plot(cens, level, "|", color=colour, markersize=10)
        ax.set_title(f"{cell['label']} ({cell.get('verdict', '-')})", fontsize=9)
        ax.set_xlabel("time from tunnel up (s)")
        ax.set_ylim(-0.03, 1.03)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, loc="lower left")
    for ax in list(axes.flat)[len(shown):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("tunnels still up (Kaplan-Meier)")
    fig.tight_layout()
    return _save(fig, prefix, png_dpi=120)


def _save(fig, prefix, png_dpi):
    """The figure as prefix.png and prefix.pdf, closed; the files written."""
    import matplotlib.pyplot as plt

    files = []
    for ext in ("png", "pdf"):
        path = f"{prefix}.{ext}"
        fig.savefig(path, dpi=png_dpi if ext == "png" else None)
        files.append(path)
    plt.close(fig)
    return files


def _survival_at(km, t):
    level = 1.0
    for time, value in zip(km.times, km.survival):
        if time <= t:
            level = value
    return level
