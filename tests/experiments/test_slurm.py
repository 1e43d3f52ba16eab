"""A sweep through a real single-node SLURM cluster (experiments/slurm/single-node.sh): the
missing runs go out as a job array, every task's shard merges into the same store, nothing is
duplicated, and a second submission finds nothing to do. Skipped where SLURM cannot start here
(not root, packages missing); any other failure to start is a failure."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import REPO, ctcp_and_natt_sweep, row_counts, stored_lines, sweep_tool, write_sweep

SCRIPT = REPO / "experiments" / "slurm" / "single-node.sh"
CANNOT_RUN_HERE = 77


def free_ports(n):
    """Ports free right now, so the private cluster does not meet a real SLURM on 6817/6818."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def running(pid: str, name: str) -> bool:
    """A live process `name` (a zombie waiting for PID 1 to reap it has exited)."""
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return comm == name and state != "Z"


@pytest.fixture
def cluster():
    # Not under pytest's tmp_path: munged wants every parent of its socket world-searchable,
    # and pytest makes its directories private.
    top = Path(tempfile.mkdtemp(prefix="vpnsim-slurm-"))
    top.chmod(0o755)
    base = top / "cluster"
    ctld, slurmd = free_ports(2)
    env = {**os.environ, "VPNSIM_SLURMCTLD_PORT": str(ctld), "VPNSIM_SLURMD_PORT": str(slurmd)}
    start = subprocess.run(["bash", str(SCRIPT), "start", str(base)], env=env, capture_output=True,
                           text=True, timeout=60)
    if start.returncode == CANNOT_RUN_HERE:
        shutil.rmtree(top)
        pytest.skip(f"SLURM cannot run here: {start.stderr.strip()}")
    try:
        assert start.returncode == 0, f"single-node SLURM did not start:\n{start.stderr}"
        yield {**env, "SLURM_CONF": str(base / "etc" / "slurm.conf")}
    finally:
        stop = subprocess.run(["bash", str(SCRIPT), "stop", str(base)], env=env,
                              capture_output=True, text=True, timeout=60)
        assert stop.returncode == 0, stop.stderr
        for pidfile, name in ((base / "run" / "slurmctld.pid", "slurmctld"),
                              (base / "run" / "slurmd.pid", "slurmd"),
                              (base / "munge" / "munged.pid", "munged")):
            if pidfile.exists():
                pid = pidfile.read_text().strip()
                assert not running(pid, name), f"{name} ({pid}) still running after stop"
        shutil.rmtree(top, ignore_errors=True)


def test_a_sweep_runs_as_a_job_array_and_merges_into_one_store(real_runner, cluster, tmp_path):
    store = tmp_path / "results" / "sweep.sqlite"
    # Seed 1 locally first: the array must run only the two runs still missing.
    local = sweep_tool("run", write_sweep(tmp_path / "one-seed.toml", ctcp_and_natt_sweep(1)),
                       "--store", store, "--runner", real_runner, "--no-progress", env=cluster)
    assert local.returncode == 0, local.stderr
    assert row_counts(store) == (2, 2)

    sweep = write_sweep(tmp_path / "two-seeds.toml", ctcp_and_natt_sweep(2))
    p = sweep_tool("slurm-submit", sweep, "--store", store, "--runner", real_runner,
                   "--tasks", 2, "--wait", "--wait-timeout", 100, env=cluster, timeout=130)
    logs = "\n".join(f.read_text() for f in (tmp_path / "results" / "sweep.slurm" / "logs").glob("*.log"))
    assert p.returncode == 0, f"{p.stderr}\n--- task logs:\n{logs}"
    assert "2 runs in 2 tasks" in p.stderr
    lines = stored_lines(store)
    assert row_counts(store) == (4, 4)
    assert sorted(json.loads(k)["seed"] for k in lines) == [1, 1, 2, 2]
    assert all(isinstance(json.loads(v)["failed"], bool) for v in lines.values())
    # The merge job removed the shards of finished tasks.
    assert list((tmp_path / "results" / "sweep.slurm" / "shards").glob("*.sqlite")) == []

    again = sweep_tool("slurm-submit", sweep, "--store", store, "--runner", real_runner, env=cluster)
    assert again.returncode == 0 and "nothing missing" in again.stderr
    assert row_counts(store) == (4, 4)
