"""Plots and CSV export from a small stored result set."""

import csv

import pytest
from conftest import FAKE_RUNNER, sweep_tool, write_sweep

SWEEP = """
seeds = 4
[grid]
duration = 600
loss = [0, 0.01, 0.03]
traffic-interval = 2
[[series]]
encap = "ctcp"
asa = "proxy"
[[series]]
encap = "ctcp"
asa = "bypass"
[[series]]
encap = "natt"
asa = "proxy"
"""


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    d = tmp_path_factory.mktemp("plots")
    sweep = write_sweep(d / "small.toml", SWEEP)
    store = d / "small.sqlite"
    p = sweep_tool("run", sweep, "--store", store, "--runner", FAKE_RUNNER, "--jobs", 2, "--no-progress")
    assert p.returncode == 0, p.stderr
    return sweep, store


def test_plot_writes_every_figure_as_png_and_pdf(small_store, tmp_path):
    _, store = small_store
    out = tmp_path / "figures"
    p = sweep_tool("plot", "--store", store, "--out", out)
    assert p.returncode == 0, p.stderr
    for name in ("failure-rate-vs-loss", "time-to-failure-cdf", "goodput-vs-loss"):
        png, pdf = out / f"{name}.png", out / f"{name}.pdf"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert pdf.read_bytes()[:5] == b"%PDF-"
        assert png.stat().st_size > 10_000  # a drawn figure, not an empty canvas
    assert len(p.stdout.split()) == 6


def test_plot_can_be_restricted_to_one_sweep(small_store, tmp_path):
    sweep, store = small_store
    p = sweep_tool("plot", "--store", store, "--out", tmp_path, "--sweep", sweep,
                   "--segments-per-second", "0.5", "--detection-delay", "100")
    assert p.returncode == 0, p.stderr


def test_plot_of_an_empty_store_says_so(tmp_path):
    from vpnsim_sweep.store import Store
    Store(tmp_path / "empty.sqlite").close()
    p = sweep_tool("plot", "--store", tmp_path / "empty.sqlite", "--out", tmp_path / "f")
    assert p.returncode == 2 and "no stored runs" in p.stderr


def test_export_writes_one_row_per_run_and_per_point(small_store, tmp_path):
    _, store = small_store
    runs_csv, points_csv = tmp_path / "runs.csv", tmp_path / "points.csv"
    p = sweep_tool("export", "--store", store, "--csv", runs_csv, "--points-csv", points_csv)
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(runs_csv.open()))
    assert len(rows) == 3 * 3 * 4
    assert {"flag.encap", "flag.seed", "failed", "time_to_failure_s", "runner_version",
            "parameters.peer_timeout", "key"} <= set(rows[0])
    assert {r["failed"] for r in rows} <= {"true", "false"}
    points = list(csv.DictReader(points_csv.open()))
    assert len(points) == 3 * 3
    zero = [r for r in points if r["loss"] == "0.0"]
    assert all(r["failures"] == "0" and r["wilson95_high"].startswith("0.489") for r in zero)


LABELLED = SWEEP.replace('encap = "ctcp"\nasa = "proxy"', 'label = "tunnel A"\nencap = "ctcp"\nasa = "proxy"', 1)


def test_plot_and_export_use_the_sweep_files_labels(tmp_path):
    sweep = write_sweep(tmp_path / "labelled.toml", LABELLED)
    store = tmp_path / "l.sqlite"
    sweep_tool("run", sweep, "--store", store, "--runner", FAKE_RUNNER, "--no-progress", check=True)
    from vpnsim_sweep import stats
    from vpnsim_sweep.store import Store
    with Store(store, create=False) as s:  # remembered by the store: no --sweep needed
        names = {c.label for c in stats.curves(s.records(), s.labels())}
    assert "tunnel A" in names and "encap=ctcp asa=bypass" in names
    runs_csv, points_csv = tmp_path / "runs.csv", tmp_path / "points.csv"
    p = sweep_tool("export", "--store", store, "--csv", runs_csv, "--points-csv", points_csv)
    assert p.returncode == 0, p.stderr
    assert "tunnel A" in {r["series"] for r in csv.DictReader(runs_csv.open())}
    assert "tunnel A" in {r["configuration"] for r in csv.DictReader(points_csv.open())}
    assert all(r["setup_failures"] == "0" for r in csv.DictReader(points_csv.open()))
    p = sweep_tool("status", "--store", store)
    assert "tunnel A" in p.stdout, p.stdout


def seven_curves():
    """Seven configurations: two that fail identically, five that never fail."""
    from test_statistics import run

    from vpnsim_sweep import stats
    losses = (0.0, 0.0025, 0.005, 0.01)
    runs = []
    for asa in ("proxy", "normalizer"):
        runs += [run(asa=asa, loss=p, seed=s, failed=p > 0 and s <= 3 * p * 100 + 1, ttf=100.0 * s)
                 for p in losses for s in range(1, 11)]
    for encap, asa in (("ctcp", "stateful"), ("ctcp", "bypass"), ("natt", "proxy"),
                       ("esp", "proxy"), ("anyconnect", "proxy")):
        runs += [run(encap=encap, asa=asa, loss=p, seed=s) for p in losses for s in range(1, 11)]
    return stats.curves(runs)


def test_failure_rate_plot_keeps_seven_series_apart():
    from vpnsim_sweep import plots
    curves = seven_curves()
    assert len(curves) == 7
    shift = plots.dodge_offsets(curves)
    xs = sorted(shift.values())
    # Every configuration at its own x, all of a level's points closer to it than to the next
    # (offsets are in loss levels, which the axis spaces evenly).
    assert len(set(xs)) == 7 and xs[-1] - xs[0] < 1
    axis = plots.LossAxis(curves)
    assert axis.levels == [0.0, 0.25, 0.5, 1.0]
    assert axis.at(1.0, 0.0) == pytest.approx(1.0) and axis.at(0.5, 0.5) == pytest.approx(0.75)
    style = {c.config: plots._MARKERS[i] + str(plots._LINESTYLES[i]) for i, c in enumerate(curves)}
    assert len(set(style.values())) == 7
    fig = plots.failure_rate_figure(curves, {c.config: dict(color="k", marker=plots._MARKERS[i],
                                                            ls=plots._LINESTYLES[i])
                                             for i, c in enumerate(curves)}, [])
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert len(texts) == 7
    # Per point, never a total over the loss levels.
    assert all("10 runs per point" in t and "failed" not in t for t in texts)
    # The two configurations that fail alike are both drawn, side by side.
    lines = [bars.lines[0] for bars in fig.axes[0].containers]
    proxy, normalizer = (line for line in lines if max(line.get_ydata()) > 0)
    assert list(proxy.get_ydata()) == list(normalizer.get_ydata())
    assert all(a != b for a, b in zip(proxy.get_xdata(), normalizer.get_xdata()))


def test_time_to_failure_has_a_panel_per_dying_configuration_and_setup_failures_apart():
    from vpnsim_sweep import plots
    curves = seven_curves()
    style = {c.config: dict(color="k", marker="o", ls="-") for c in curves}
    from vpnsim_sweep import analytic
    fig = plots.ttf_figure(curves, style, [analytic.Prediction(1200, "echo", 5)])
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == ["cTCP via ASA TCP proxy", "cTCP via ASA normalizer",
                                                 "Setup failures: tunnel never came up"]
    # One line per loss level at which a tunnel died (here all but 0 %), each with its counts.
    legend = [t.get_text() for t in panels[0].get_legend().get_texts()]
    assert legend[:3] == ["0.25%: 1 died, 9 censored", "0.5%: 2 died, 8 censored",
                          "1%: 4 died, 6 censored"]
    setup = [t.get_text() for t in panels[2].get_legend().get_texts()]
    assert setup[0].startswith("analytic setup term") and len(setup) == 1 + 7


def test_every_figure_names_the_runner_build(small_store, tmp_path):
    from vpnsim_sweep import plots, stats
    from vpnsim_sweep.store import Store
    _, store = small_store
    with Store(store, create=False) as s:
        runs = s.records()
    (version,) = {r["runner_version"] for r in runs}
    assert plots.runner_text(runs) == (f"runner build: fake-vpnsim-run 1 sha256:"
                                       f"{version.split('sha256:')[1][:12]} ({len(runs)} runs)")
    plots.plot_all(stats.curves(runs), tmp_path, [], runs=runs)


def test_the_analytic_value_sits_on_each_covered_points_own_bar():
    """The analytic curve is steep where it rises, and the points are shifted aside: each
    in-order cTCP point also gets the predicted value at its own x, the others none."""
    from vpnsim_sweep import analytic, plots
    curves = seven_curves()
    for c in curves:
        for r in c.runs:
            r["flags"].update(duration=1200, traffic="echo")
    (pred,) = analytic.predictions([r for c in curves for r in c.runs])
    fig = plots.failure_rate_figure(curves, {c.config: dict(color="k", marker="o", ls="-")
                                             for c in curves}, [pred])
    ticks = [line for line in fig.axes[0].get_lines() if line.get_gid() == "analytic-value"]
    covered = [c for c in curves if analytic.prediction_for(c.runs[0]) is not None]
    assert len(covered) == 2 and len(ticks) == 2
    bars = {tuple(b.lines[0].get_xdata()): b for b in fig.axes[0].containers}
    for c, tick in zip(covered, ticks):
        assert tuple(tick.get_xdata()) in bars  # on the point's own x, not the level's
        assert list(tick.get_ydata()) == [pred.p_fail(p.loss) for p in c.points]
