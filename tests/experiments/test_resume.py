"""A sweep killed at any moment loses nothing it stored and duplicates nothing when rerun; a
rerun runs only what is missing; failed runs are reported and retried, never stored."""

import os
import random
import signal
import subprocess
import sys
import time

from conftest import FAKE_RUNNER, TOOL, row_counts, stored_lines, sweep_tool, write_sweep

SWEEP = """
seeds = 6
[grid]
duration = 600
loss = [0, 0.005, 0.02, 0.05]
traffic-interval = 5
[[series]]
encap = "ctcp"
asa = "proxy"
[[series]]
encap = "natt"
asa = "proxy"
"""
TOTAL = 2 * 4 * 6


def start_sweep(sweep, store, env):
    return subprocess.Popen([sys.executable, str(TOOL), "run", str(sweep), "--store", str(store),
                             "--runner", str(FAKE_RUNNER), "--jobs", "2", "--no-progress"],
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def wait_for_results(store, at_least, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(stored_lines(store)) >= at_least:
            return
        time.sleep(0.02)
    raise AssertionError(f"fewer than {at_least} results after {timeout} s")


def test_kill_9_at_any_moment_then_rerun_loses_and_duplicates_nothing(tmp_path):
    sweep = write_sweep(tmp_path / "resume.toml", SWEEP)
    reference = tmp_path / "reference.sqlite"
    assert sweep_tool("run", sweep, "--store", reference, "--runner", FAKE_RUNNER,
                      "--no-progress").returncode == 0
    expected = stored_lines(reference)
    assert len(expected) == TOTAL

    store = tmp_path / "killed.sqlite"
    log = tmp_path / "invocations.log"
    env = {"FAKE_VPNSIM_SLEEP": "0.05", "FAKE_VPNSIM_LOG": str(log)}
    rng = random.Random(1)
    # Kills at random moments (start-up, mid-write, between runs) and after a few results.
    for attempt in range(5):
        before = len(stored_lines(store))
        p = start_sweep(sweep, store, env)
        if attempt % 2:
            time.sleep(rng.uniform(0.0, 0.6))
        else:
            wait_for_results(store, before + 4)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        got = stored_lines(store)
        assert len(got) >= before  # what was committed stays committed
        assert all(expected[k] == v for k, v in got.items())
        if len(got) == TOTAL:
            break
    stored_before_rerun = len(stored_lines(store))
    assert 0 < stored_before_rerun < TOTAL

    time.sleep(0.5)  # runs orphaned by the kills finish and log themselves
    log.write_text("")
    p = start_sweep(sweep, store, env)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert stored_lines(store) == expected
    assert row_counts(store) == (TOTAL, TOTAL)
    # Only what was missing ran again.
    assert len(log.read_text().splitlines()) == TOTAL - stored_before_rerun

    again = sweep_tool("run", sweep, "--store", store, "--runner", FAKE_RUNNER, env=env)
    assert again.returncode == 0 and f"{TOTAL} already in" in again.stderr
    assert row_counts(store) == (TOTAL, TOTAL)


def test_interrupt_stops_cleanly_and_keeps_what_finished(tmp_path):
    sweep = write_sweep(tmp_path / "s.toml", SWEEP)
    store = tmp_path / "s.sqlite"
    p = start_sweep(sweep, store, {"FAKE_VPNSIM_SLEEP": "0.2"})
    wait_for_results(store, 2)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 130
    assert "interrupted" in err
    n = len(stored_lines(store))
    assert 2 <= n < TOTAL
    assert row_counts(store) == (n, n)


def test_runs_that_fail_are_reported_not_stored_and_retried(tmp_path):
    sweep = write_sweep(tmp_path / "s.toml", SWEEP)
    store = tmp_path / "s.sqlite"
    p = sweep_tool("run", sweep, "--store", store, "--runner", FAKE_RUNNER, "--no-progress",
                   env={"FAKE_VPNSIM_CRASH_SEED": "2"})
    assert p.returncode == 1
    assert "8 errors" in p.stderr and "exit status 3: fake-vpnsim-run: crashing on purpose" in p.stderr
    assert len(stored_lines(store)) == TOTAL - 8
    status = sweep_tool("status", sweep, "--store", store)
    assert status.returncode == 1 and "8 missing, 8 of them with errors" in status.stdout
    p = sweep_tool("run", sweep, "--store", store, "--runner", FAKE_RUNNER, "--no-progress")
    assert p.returncode == 0 and "8 to run" in p.stderr
    assert row_counts(store) == (TOTAL, TOTAL)
    assert "0 missing, 0 of them with errors" in sweep_tool("status", sweep, "--store", store).stdout


def test_a_value_the_runner_refuses_is_an_error_with_its_message(tmp_path):
    # transform passes the sweep file's checks but the fake runner does not know it.
    sweep = write_sweep(tmp_path / "s.toml", "seeds = 1\n[grid]\nencap = \"ctcp\"\nasa = \"proxy\"\n"
                        "duration = 60\nloss = 0\ntransform = \"aes-gcm-128\"\n")
    p = sweep_tool("run", sweep, "--store", tmp_path / "s.sqlite", "--runner", FAKE_RUNNER)
    assert p.returncode == 1
    assert "exit status 2: fake-vpnsim-run: --transform=aes-gcm-128: allowed a known flag" in p.stderr
    assert stored_lines(tmp_path / "s.sqlite") == {}


def test_a_missing_runner_is_refused_before_anything_runs(tmp_path):
    sweep = write_sweep(tmp_path / "s.toml", SWEEP)
    p = sweep_tool("run", sweep, "--store", tmp_path / "s.sqlite", "--runner", tmp_path / "none")
    assert p.returncode == 2 and "not an executable file" in p.stderr
