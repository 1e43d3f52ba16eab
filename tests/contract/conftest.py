"""Shared pieces of the input-contract tests: hostile files and the checks every refusal
must pass (exit status 2, nothing on stdout, one bounded line on stderr naming the field)."""

import os
import re
import subprocess
from pathlib import Path

import pytest

# A refusal is one line on stderr; the programs cap what they quote from the input.
MAX_MESSAGE = 2500


def run(argv, timeout=60, **kwargs):
    return subprocess.run([a if isinstance(a, bytes) else str(a) for a in argv],
                          capture_output=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, **kwargs)


def assert_refused(p, field: str, pattern: str = ""):
    """Exit 2, empty stdout, one short line on stderr that names `field` (and matches
    `pattern`), no crash report or traceback."""
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 2, f"exit {p.returncode}, stderr: {err[:2000]}"
    assert p.stdout == b"", f"stdout not empty: {p.stdout[:300]!r}"
    assert "Traceback" not in err and "terminate called" not in err, err[:2000]
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {err[:2000]}"
    assert len(err) <= MAX_MESSAGE, f"message of {len(err)} characters"
    assert field in err, f"{field!r} not named in: {err}"
    if pattern:
        assert re.search(pattern, err), f"{pattern!r} not in: {err}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    """Paths of files no program should read as input, keyed by what they are."""
    d = tmp_path_factory.mktemp("hostile")
    fifo = d / "fifo"
    os.mkfifo(fifo)
    sparse = d / "sparse-100MB"
    with open(sparse, "wb") as f:
        f.truncate(100 << 20)  # sparse: costs no disk
    loop = d / "loop"
    os.symlink(loop, loop)
    return {
        "dir": d,
        "fifo": fifo,
        "zero": Path("/dev/zero"),
        "urandom": Path("/dev/urandom"),
        "null": Path("/dev/null"),
        "sparse": sparse,
        "loop": loop,
        "missing": d / "missing",
        "proc": Path("/proc/self/status"),  # regular, says size 0, has content
    }


@pytest.fixture(scope="module")
def special_files(hostile) -> list:
    """(name, path) of each non-regular or oversized file."""
    return [(k, hostile[k]) for k in ("dir", "fifo", "zero", "urandom", "null", "sparse",
                                      "loop", "missing")]


def program(env_name: str) -> Path:
    path = os.environ.get(env_name)
    if not path or not os.access(path, os.X_OK):
        pytest.fail(f"{env_name} does not name an executable (build it first)")
    return Path(path)
