"""A store never mixes results of two runner builds unawares: `run` refuses, reuses or starts
afresh as asked, and the README's main command (scripts/vpnsim.sh run) starts afresh by itself
and builds nothing but the runner."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from conftest import FAKE_RUNNER, REPO, sweep_tool, write_sweep

SWEEP = """
seeds = 2
[grid]
duration = 300
loss = [0, 0.02]
[[series]]
label = "tunnel over TCP"
encap = "ctcp"
asa = "proxy"
"""


def another_build(path: Path, tag: str) -> Path:
    """The fake runner with different bytes: what a rebuild after a model change looks like."""
    path.write_text(FAKE_RUNNER.read_text() + f"# build {tag}\n")
    path.chmod(0o755)
    return path


def versions(store: Path) -> set[str]:
    db = sqlite3.connect(store)
    try:
        return {v for (v,) in db.execute("SELECT DISTINCT runner_version FROM results")}
    finally:
        db.close()


def filled_by_old_build(tmp_path: Path):
    """A sweep file, its store filled by one build of the runner, and two builds: that one and
    a newer one."""
    sweep = write_sweep(tmp_path / "s.toml", SWEEP)
    store = tmp_path / "s.sqlite"
    old, new = another_build(tmp_path / "old", "1"), another_build(tmp_path / "new", "2")
    sweep_tool("run", sweep, "--store", store, "--runner", old, "--no-progress", check=True)
    return sweep, store, old, new


def test_run_refuses_a_store_filled_by_another_runner_build(tmp_path):
    sweep, store, old, new = filled_by_old_build(tmp_path)
    before = store.read_bytes()

    p = sweep_tool("run", sweep, "--store", store, "--runner", new, "--no-progress")
    assert p.returncode == 2
    assert "another runner build" in p.stderr and "--runner-changed=reuse" in p.stderr
    assert len(versions(store)) == 1 and store.read_bytes() == before

    # The same build adds to its own store without a word.
    bigger = write_sweep(tmp_path / "b.toml", SWEEP.replace("seeds = 2", "seeds = 3"))
    p = sweep_tool("run", bigger, "--store", store, "--runner", old, "--no-progress")
    assert p.returncode == 0, p.stderr


def test_run_reuses_the_store_when_asked(tmp_path):
    sweep, store, old, new = filled_by_old_build(tmp_path)
    bigger = write_sweep(tmp_path / "b.toml", SWEEP.replace("seeds = 2", "seeds = 3"))
    p = sweep_tool("run", bigger, "--store", store, "--runner", new, "--no-progress",
                   "--runner-changed=reuse")
    assert p.returncode == 0, p.stderr
    assert len(versions(store)) == 2


def test_run_moves_the_old_store_aside_for_a_fresh_one(tmp_path):
    sweep, store, old, new = filled_by_old_build(tmp_path)
    (old_version,) = versions(store)
    p = sweep_tool("run", sweep, "--store", store, "--runner", new, "--no-progress",
                   "--runner-changed=fresh")
    assert p.returncode == 0, p.stderr
    (aside,) = tmp_path.glob("s.runner-*.sqlite")
    assert versions(aside) == {old_version}
    (new_version,) = versions(store)
    assert new_version != old_version
    assert "moved to" in p.stderr


def test_plots_name_the_runner_builds_they_show(tmp_path):
    sweep, store, old, new = filled_by_old_build(tmp_path)
    bigger = write_sweep(tmp_path / "b.toml", SWEEP.replace("seeds = 2", "seeds = 3"))
    sweep_tool("run", bigger, "--store", store, "--runner", new, "--no-progress",
               "--runner-changed=reuse", check=True)
    from vpnsim_sweep import plots
    from vpnsim_sweep.store import Store
    with Store(store, create=False) as s:
        text = plots.runner_text(s.records())
    for v in versions(store):
        assert v.split("sha256:")[1][:12] in text
    assert "2 runner builds" in text


def _stub_tools(bin_dir: Path, runner: Path, log: Path) -> None:
    """cmake that logs its arguments and 'builds' its target by copying `runner`, and a
    dpkg-query that finds every package installed (no apt-get from a test)."""
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "cmake").write_text(f"""#!/bin/sh
echo "$*" >> {log}
if [ "$1" = "--build" ]; then
    mkdir -p "$2/examples" && cp {runner} "$2/examples/$6"
fi
""")
    (bin_dir / "dpkg-query").write_text("#!/bin/sh\necho 'install ok installed'\n")
    for tool in ("cmake", "dpkg-query"):
        (bin_dir / tool).chmod(0o755)


def main_command(tmp_path: Path, runner: Path) -> subprocess.CompletedProcess:
    log = tmp_path / "cmake.log"
    _stub_tools(tmp_path / "bin", runner, log)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
           "BUILD_DIR": str(tmp_path / "build"), "RESULTS": str(tmp_path / "results"),
           "SWEEP": str(write_sweep(tmp_path / "s.toml", SWEEP)), "JOBS": "2"}
    return subprocess.run(["bash", str(REPO / "scripts" / "vpnsim.sh"), "run"], env=env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def test_main_command_builds_only_the_runner_and_starts_afresh_when_it_changed(tmp_path):
    shutil.copy(FAKE_RUNNER, tmp_path / "runner")
    p = main_command(tmp_path, tmp_path / "runner")
    assert p.returncode == 0, p.stderr
    builds = [line for line in (tmp_path / "cmake.log").read_text().splitlines()
              if line.startswith("--build")]
    assert builds == [f"--build {tmp_path / 'build'} -j 2 --target vpnsim-run"]
    store = tmp_path / "results" / "sweep.sqlite"
    assert (tmp_path / "results" / "failure-rate-vs-loss.png").is_file()
    (first,) = versions(store)

    p = main_command(tmp_path, tmp_path / "runner")  # same build: nothing to run, same store
    assert p.returncode == 0 and "0 to run" in p.stderr, p.stderr
    assert versions(store) == {first}

    another_build(tmp_path / "runner", "after a model change")
    p = main_command(tmp_path, tmp_path / "runner")
    assert p.returncode == 0, p.stderr
    (second,) = versions(store)
    assert second != first
    assert [versions(s) for s in (tmp_path / "results").glob("sweep.runner-*.sqlite")] == [{first}]


def test_advise_command_builds_only_vpnsim_advise_and_leaves_stdout_to_its_answer(tmp_path):
    program = tmp_path / "advise"
    program.write_text("#!/bin/sh\necho \"answer: $*\"\n")
    program.chmod(0o755)
    log = tmp_path / "cmake.log"
    _stub_tools(tmp_path / "bin", program, log)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
           "BUILD_DIR": str(tmp_path / "build"), "JOBS": "2"}
    p = subprocess.run(["bash", str(REPO / "scripts" / "vpnsim.sh"), "advise", "--loss=0.5%",
                        "--firewall=ips", "--json"], env=env, capture_output=True, text=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "answer: --loss=0.5% --firewall=ips --json\n"
    builds = [line for line in log.read_text().splitlines() if line.startswith("--build")]
    assert builds == [f"--build {tmp_path / 'build'} -j 2 --target vpnsim-advise"]
