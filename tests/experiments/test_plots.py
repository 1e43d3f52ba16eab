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
