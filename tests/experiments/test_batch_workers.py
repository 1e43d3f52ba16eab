"""The sweep runs on a few long-lived `vpnsim-run --batch` workers: many runs per process, each
run once; a run that overruns --run-timeout is recorded as timed out and its worker replaced;
a worker that crashes is replaced too; bad values come back as run errors naming the flag."""

import sqlite3

from conftest import FAKE_RUNNER, stored_lines, sweep_tool, write_sweep

SEEDS = 12
SWEEP = f"""
seeds = {SEEDS}
[grid]
duration = 60
loss = 0.02
[[series]]
encap = "ctcp"
asa = "proxy"
"""


def errors(store):
    db = sqlite3.connect(store)
    try:
        return db.execute("SELECT key, exit_code, message FROM errors").fetchall()
    finally:
        db.close()


def pids_by_seed(log):
    return {int(seed): int(pid) for pid, seed in
            (line.split() for line in log.read_text().splitlines())}


def test_runs_share_a_few_long_lived_workers(tmp_path):
    log = tmp_path / "pids.log"
    sweep = write_sweep(tmp_path / "s.toml", SWEEP)
    store = tmp_path / "s.sqlite"
    p = sweep_tool("run", sweep, "--store", store, "--runner", FAKE_RUNNER, "--jobs", 2,
                   "--no-progress", env={"FAKE_VPNSIM_PID_LOG": str(log)})
    assert p.returncode == 0, p.stderr
    assert len(stored_lines(store)) == SEEDS
    pids = pids_by_seed(log)
    assert sorted(pids) == list(range(1, SEEDS + 1))  # each run once
    assert len(set(pids.values())) <= 2  # one worker per job, not one process per run


def test_a_run_over_the_timeout_is_recorded_as_timed_out_and_its_worker_replaced(tmp_path):
    log = tmp_path / "pids.log"
    sweep = write_sweep(tmp_path / "s.toml", SWEEP)
    store = tmp_path / "s.sqlite"
    # Seed 4 sleeps far past the timeout; the others answer at once.
    p = sweep_tool("run", sweep, "--store", store, "--runner", FAKE_RUNNER, "--jobs", 1,
                   "--run-timeout", 3, "--no-progress",
                   env={"FAKE_VPNSIM_PID_LOG": str(log), "FAKE_VPNSIM_SLOW_SEED": "4:120"},
                   timeout=60)
    assert p.returncode != 0  # a sweep with errors says so
    assert len(stored_lines(store)) == SEEDS - 1
    (key, _, message), = errors(store)
    assert '"seed":4' in key
    assert message == "timed out after 3.0 s"
    pids = pids_by_seed(log)
    assert sorted(pids) == list(range(1, SEEDS + 1))
    # The slow worker was killed: seeds after it ran on a new process.
    assert pids[5] != pids[4] and pids[3] == pids[4]


def test_a_crashed_worker_is_replaced_and_its_run_is_an_error(tmp_path):
    sweep = write_sweep(tmp_path / "s.toml", SWEEP)
    store = tmp_path / "s.sqlite"
    p = sweep_tool("run", sweep, "--store", store, "--runner", FAKE_RUNNER, "--jobs", 2,
                   "--no-progress", env={"FAKE_VPNSIM_CRASH_SEED": "2"})
    assert p.returncode != 0
    assert len(stored_lines(store)) == SEEDS - 1
    (_, code, message), = errors(store)
    assert code == 3 and "crashing on purpose" in message


def test_a_value_the_runner_refuses_is_a_run_error_naming_the_flag(tmp_path):
    # The sweep file's own checks allow traffic-interval down to 0.001; the fake runner
    # checks the same range, so ask for a value only the runner sees: a timer it refuses.
    sweep = write_sweep(tmp_path / "s.toml", SWEEP.replace("seeds = 12", "seeds = 1")
                        + "traffic = \"voip\"\n")
    store = tmp_path / "s.sqlite"
    p = sweep_tool("run", sweep, "--store", store, "--runner", FAKE_RUNNER, "--no-progress")
    assert p.returncode != 0
    assert {(code, message) for _, code, message in errors(store)} == {
        (2, "exit status 2: fake-vpnsim-run: --traffic=voip: allowed echo")}
