"""End to end with the real vpnsim-run (short simulated runs): a sweep stores one record per
run, identical seeds give byte-identical records, a rerun runs nothing, plots come out."""

import json

import pytest
from conftest import ctcp_and_natt_sweep, row_counts, stored_lines, sweep_tool, write_sweep


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    return write_sweep(tmp_path_factory.mktemp("real") / "real.toml", ctcp_and_natt_sweep(2))


@pytest.fixture(scope="module")
def first_store(sweep, tmp_path_factory):
    # Module scope: the real runs are the slow part, so the tests share one sweep's results.
    import os
    from pathlib import Path
    runner = os.environ.get("VPNSIM_RUN")
    if not runner or not os.access(runner, os.X_OK):
        pytest.skip("VPNSIM_RUN does not name an executable vpnsim-run (not built yet)")
    store = tmp_path_factory.mktemp("real") / "first.sqlite"
    run_into(sweep, store, Path(runner))
    return store


def run_into(sweep, store, runner):
    p = sweep_tool("run", sweep, "--store", store, "--runner", runner, "--jobs", 2, "--no-progress")
    assert p.returncode == 0, p.stderr
    return p


def test_a_sweep_stores_one_record_per_run(real_runner, sweep, first_store):
    store = first_store
    lines = stored_lines(store)
    assert row_counts(store) == (4, 4)
    for key, line in lines.items():
        flags, record = json.loads(key), json.loads(line)
        assert isinstance(record["failed"], bool)
        assert (record["encap"], record["asa"], record["seed"]) == (flags["encap"], flags["asa"], flags["seed"])
    again = sweep_tool("run", sweep, "--store", store, "--runner", real_runner)
    assert again.returncode == 0 and "4 already in" in again.stderr and "0 to run" in again.stderr


def test_identical_seeds_give_byte_identical_records(real_runner, sweep, first_store, tmp_path):
    first, second = first_store, tmp_path / "second.sqlite"
    run_into(sweep, second, real_runner)
    assert stored_lines(first) == stored_lines(second)
    assert len(stored_lines(first)) == 4


def test_plots_from_real_records(first_store, tmp_path):
    p = sweep_tool("plot", "--store", first_store, "--out", tmp_path / "figures")
    assert p.returncode == 0, p.stderr
    assert len(list((tmp_path / "figures").glob("*.png"))) == 3
