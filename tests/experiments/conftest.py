"""Shared helpers of the vpnsim-sweep tests (they specify experiments/vpnsim_sweep/)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TOOL = REPO / "experiments" / "vpnsim-sweep"
FAKE_RUNNER = HERE / "fake-vpnsim-run"
SKIP_EXIT_CODE = 77  # ctest's SKIP_RETURN_CODE for these tests

sys.path.insert(0, str(REPO / "experiments"))


def sweep_tool(*args, env=None, check=False, timeout=300):
    """Runs vpnsim-sweep with this interpreter (Debian's, where the Debian packages are)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)], capture_output=True,
                          text=True, env=full_env, check=check, timeout=timeout)


def write_sweep(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def ctcp_and_natt_sweep(seeds: int) -> str:
    """The small real sweep several suites run: cTCP and NAT-T through the proxy at 2% loss,
    60 s sessions, `seeds` seeds each."""
    return f"""
seeds = {seeds}
[grid]
duration = 60
loss = 0.02
[[series]]
encap = "ctcp"
asa = "proxy"
[[series]]
encap = "natt"
asa = "proxy"
"""


def stored_lines(store: Path) -> dict:
    """key -> raw record line, read-only (safe while a sweep writes)."""
    if not store.exists():
        return {}
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        return dict(db.execute("SELECT key, record FROM results"))
    except sqlite3.OperationalError:  # the table is not created yet
        return {}
    finally:
        db.close()


def row_counts(store: Path) -> tuple[int, int]:
    """(rows, distinct keys) of the results table."""
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("SELECT COUNT(*), COUNT(DISTINCT key) FROM results").fetchone()
    finally:
        db.close()


def built_program(variable: str, name: str) -> Path:
    """A program CMake passes in through `variable`; the test is skipped where it is not built."""
    path = os.environ.get(variable)
    if not path or not os.access(path, os.X_OK):
        pytest.skip(f"{variable} does not name an executable {name} (not built yet)")
    return Path(path)


@pytest.fixture
def real_runner() -> Path:
    """The real vpnsim-run."""
    return built_program("VPNSIM_RUN", "vpnsim-run")


@pytest.fixture
def advise() -> Path:
    """vpnsim-advise."""
    return built_program("VPNSIM_ADVISE", "vpnsim-advise")


def pytest_sessionfinish(session, exitstatus):
    # ctest must show a suite whose every test skipped (no vpnsim-run, no SLURM) as skipped,
    # never as passed.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or exitstatus != 0:
        return
    if reporter.stats.get("skipped") and not reporter.stats.get("passed"):
        session.exitstatus = SKIP_EXIT_CODE
