"""Sweep files: the shipped default, grid expansion, and errors that name the field."""

from pathlib import Path

import pytest
from conftest import REPO, sweep_tool, write_sweep

from vpnsim_sweep.keys import config_key, run_key
from vpnsim_sweep.sweepfile import SweepFileError, load

DEFAULT = REPO / "experiments" / "sweeps" / "default.toml"

MINIMAL = """
seeds = 2
[grid]
duration = 60
loss = [0, 0.01]
[[series]]
encap = "ctcp"
asa = "proxy"
[[series]]
encap = "natt"
asa = "proxy"
[[series]]
encap = "esp"
asa = "proxy"
"""


def test_default_sweep_covers_failure_rate_versus_loss_for_every_configuration():
    sweep = load(DEFAULT)
    points = sweep.points()
    losses = sorted({p["loss"] for p in points})
    assert len(losses) >= 10 and losses[0] == 0 and losses[-1] == 0.05
    configs = {(p["encap"], p["asa"]) for p in points}
    assert configs == {("ctcp", "proxy"), ("ctcp", "normalizer"), ("ctcp", "stateful"),
                       ("ctcp", "bypass"), ("natt", "proxy"), ("esp", "proxy"),
                       ("anyconnect", "proxy")}
    assert len(sweep.seeds) >= 10
    assert all("duration" in p for p in points)
    runs = sweep.runs()
    assert len(runs) == len(configs) * len(losses) * len(sweep.seeds)
    assert len({run_key(r) for r in runs}) == len(runs)


def test_grid_is_the_cartesian_product_per_series_run_once_per_seed(tmp_path):
    sweep = load(write_sweep(tmp_path / "s.toml", MINIMAL))
    runs = sweep.runs()
    assert len(runs) == 3 * 2 * 2
    # Seed by seed: a sweep stopped half-way has every point with its first seeds.
    assert [r["seed"] for r in runs[:6]] == [1] * 6
    assert runs[0] == {"encap": "ctcp", "asa": "proxy", "loss": 0, "loss-model": "bernoulli",
                       "duration": 60, "seed": 1}


def test_series_override_the_grid_and_lists_in_series_are_axes(tmp_path):
    sweep = load(write_sweep(tmp_path / "s.toml", """
seeds = [3, 7]
[grid]
duration = 60
loss = 0.01
encap = "ctcp"
asa = "proxy"
[[series]]
label = "timers"
peer-timeout = [30, 90]
[[series]]
label = "bypass"
asa = "bypass"
"""))
    runs = sweep.runs()
    assert {r["seed"] for r in runs} == {3, 7}
    assert sorted((r["asa"], r.get("peer-timeout")) for r in runs if r["seed"] == 3) == [
        ("bypass", None), ("proxy", 30), ("proxy", 90)]
    assert sweep.labels[config_key(runs[0])] == "timers"


def test_burst_applies_only_to_the_gilbert_model_so_equal_runs_are_not_repeated(tmp_path):
    sweep = load(write_sweep(tmp_path / "s.toml", """
seeds = 1
[grid]
encap = "ctcp"
asa = "proxy"
duration = 60
loss = 0.01
loss-model = ["bernoulli", "gilbert"]
burst = [2, 5]
"""))
    runs = sweep.runs()
    assert sorted((r["loss-model"], r.get("burst")) for r in runs) == [
        ("bernoulli", None), ("gilbert", 2), ("gilbert", 5)]


def test_numbers_have_one_spelling_so_keys_do_not_depend_on_the_file(tmp_path):
    a = load(write_sweep(tmp_path / "a.toml", MINIMAL)).runs()
    b = load(write_sweep(tmp_path / "b.toml", MINIMAL.replace("duration = 60", "duration = 60.0")
                         .replace("loss = [0, 0.01]", "loss = [0.0, 1e-2]"))).runs()
    assert [run_key(r) for r in a] == [run_key(r) for r in b]


BAD = [
    ("unknown top-level setting",
     "seeds = 1\nseed_count = 3\n", "seed_count: unknown setting"),
    ("flag at the top level",
     "seeds = 1\nloss = 0.1\n", "loss: unknown setting (flags go in [grid] or [[series]])"),
    ("unknown flag",
     MINIMAL.replace('asa = "proxy"\n[[series]]\nencap = "natt"', 'asa = "proxy"\n[[series]]\nencapsulation = "natt"'),
     "series[1].encapsulation: unknown vpnsim-run flag"),
    ("bad choice",
     MINIMAL.replace('encap = "esp"\nasa = "proxy"', 'encap = "esp"\nasa = "prox"'),
     "series[2].asa: 'prox' is not one of none, stateful, normalizer, ips-strict, proxy, bypass"),
    ("loss out of range",
     MINIMAL.replace("loss = [0, 0.01]", "loss = [0, 1.0]"),
     "grid.loss[1]: 1.0 is out of range [0, 1)"),
    ("negative loss",
     MINIMAL.replace("loss = [0, 0.01]", "loss = -0.1"), "grid.loss: -0.1 is out of range [0, 1)"),
    ("zero seeds", MINIMAL.replace("seeds = 2", "seeds = 0"), "seeds: 0 is not an integer >= 1"),
    ("no seeds", MINIMAL.replace("seeds = 2", ""), "seeds: missing"),
    ("empty seed list", MINIMAL.replace("seeds = 2", "seeds = []"), "seeds: is an empty list"),
    ("empty axis", MINIMAL.replace("loss = [0, 0.01]", "loss = []"), "grid.loss: is an empty list"),
    ("wrong type",
     MINIMAL.replace("duration = 60", 'duration = "long"'), "grid.duration: 'long' is not a number"),
    ("boolean for a number",
     MINIMAL.replace("duration = 60", "duration = true"), "grid.duration: True is not a number"),
    ("integer flag given a fraction",
     MINIMAL + "traffic-size = 100.5\n", "series[2].traffic-size: 100.5 is not an integer"),
    ("timer out of range",
     MINIMAL.replace("duration = 60", "duration = 60\npeer-timeout = 5"),
     "grid.peer-timeout: 5 is out of range [30, 480]"),
    ("keepalive neither off nor in range",
     MINIMAL.replace("duration = 60", "duration = 60\nnat-keepalive = [0, 3]"),
     "grid.nat-keepalive[1]: 3 is out of range [10, 3600] or 0 (off)"),
    ("session too short",
     MINIMAL.replace("duration = 60", "duration = 5"), "grid.duration: 5 is out of range [10, 604800]"),
    ("missing required flag",
     MINIMAL.replace('[[series]]\nencap = "natt"\nasa = "proxy"', '[[series]]\nasa = "bypass"'),
     "series[1].encap: missing"),
    ("seed as a flag", MINIMAL.replace("duration = 60", "duration = 60\nseed = 4"),
     "grid.seed: seeds are set by the top-level 'seeds' setting"),
    ("value listed twice", MINIMAL.replace("loss = [0, 0.01]", "loss = [0.01, 0.010]"),
     "grid.loss[1]: 0.01 is listed twice"),
    ("duplicate label",
     MINIMAL.replace('encap = "natt"', 'label = "x"\nencap = "natt"').replace('encap = "esp"', 'label = "x"\nencap = "esp"'),
     "series[2].label: 'x' is already the label of series[1]"),
    ("series not tables", "seeds = 1\nseries = [1, 2]\n", "series: must be an array of tables"),
    ("not TOML", "seeds = = 1\n", "not valid TOML"),
]


@pytest.mark.parametrize("text,expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_sweep_file_is_refused_naming_the_field(tmp_path, text, expected):
    path = write_sweep(tmp_path / "x.toml", text)
    with pytest.raises(SweepFileError) as e:
        load(path)
    assert str(e.value).startswith(f"sweep file {path}: ")
    assert expected in str(e.value)


def test_the_command_line_refuses_a_bad_sweep_file_before_running_anything(tmp_path):
    path = write_sweep(tmp_path / "x.toml", MINIMAL.replace('encap = "esp"\nasa = "proxy"',
                                                            'encap = "esp"\nasa = "prox"'))
    store = tmp_path / "store.sqlite"
    p = sweep_tool("run", path, "--store", store, "--runner", "/nonexistent")
    assert p.returncode == 2
    assert p.stderr.strip() == (f"vpnsim-sweep: sweep file {path}: series[2].asa: 'prox' is not "
                                "one of none, stateful, normalizer, ips-strict, proxy, bypass")
    assert not store.exists()


def test_a_missing_sweep_file_is_reported(tmp_path):
    p = sweep_tool("run", tmp_path / "nope.toml", "--store", tmp_path / "s.sqlite")
    assert p.returncode == 2 and "no such file" in p.stderr


def test_a_loss_trace_applies_only_to_the_trace_model(tmp_path):
    (tmp_path / "drops.txt").write_text("3\n")
    sweep = load(write_sweep(tmp_path / "s.toml", MINIMAL + 'loss-model = ["bernoulli", "trace"]\n'
                             'loss-trace = "drops.txt"\nloss = 0\n'))
    esp = [r for r in sweep.runs() if r["encap"] == "esp" and r["seed"] == 1 and r["loss"] == 0]
    assert sorted((r["loss-model"], r.get("loss-trace")) for r in esp) == [
        ("bernoulli", None), ("trace", str(tmp_path / "drops.txt"))]


def test_a_loss_beside_a_trace_is_refused_since_the_trace_alone_decides(tmp_path):
    (tmp_path / "drops.txt").write_text("3\n")
    with pytest.raises(SweepFileError, match=r"series\[2\]\.loss: must be 0 where loss-model is trace"):
        load(write_sweep(tmp_path / "s.toml", MINIMAL + 'loss-model = ["bernoulli", "trace"]\n'
                         'loss-trace = "drops.txt"\n'))


def test_a_topology_file_is_found_next_to_the_sweep_file(tmp_path):
    (tmp_path / "net.dot").write_text("graph {}\n")
    sweep = load(write_sweep(tmp_path / "s.toml", MINIMAL + 'topology = "net.dot"\n'))
    assert {r.get("topology") for r in sweep.runs()} == {None, str(tmp_path / "net.dot")}
    with pytest.raises(SweepFileError, match=r"series\[2\].topology: 'other.dot': no such file"):
        load(write_sweep(tmp_path / "t.toml", MINIMAL + 'topology = "other.dot"\n'))
    assert Path(tmp_path / "net.dot").exists()
