"""vpnsim-sweep's input contract: sweep files, store paths and command-line values that cannot
be used exit 2 with one line naming the file (and line) or the argument and what is allowed,
never a traceback; a sweep far too large is refused, a large one streams in bounded memory and
keeps what finished when interrupted; two sweeps on one store share the work."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import assert_refused, run

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "experiments" / "vpnsim-sweep"
FAKE = REPO / "tests" / "experiments" / "fake-vpnsim-run"

SMALL = """seeds = 2
[grid]
duration = 60
loss = [0, 0.01]
encap = "ctcp"
asa = "proxy"
"""


def sweep(*args, timeout=60, env=None):
    return run([sys.executable, TOOL, *args], timeout=timeout,
               env={**os.environ, "VPNSIM_RUN": str(FAKE), **(env or {})})


def write(tmp_path, name, content) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


# -- sweep files --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["dir", "fifo", "zero", "urandom", "null", "sparse", "loop",
                                  "missing"])
def test_a_sweep_file_that_is_not_a_small_regular_file_is_refused(hostile, tmp_path, kind):
    p = sweep("run", hostile[kind], "--store", tmp_path / "s.sqlite", "--dry-run", timeout=30)
    expected = {"dir": "is a directory", "fifo": "is a FIFO", "zero": "is a character device",
                "urandom": "is a character device", "null": "is a character device",
                "sparse": "larger than the limit", "loop": "cannot be read",
                "missing": "no such file"}[kind]
    assert_refused(p, f"sweep file {hostile[kind]}", expected)


SWEEP_FILE_CASES = [
    # not UTF-8, in several ways
    (b"seeds = 1\xff\n", "line 1: not UTF-8 text"),
    (b"seeds = 2\nname = \"caf\xe9\"\n", "line 2: not UTF-8 text \\(byte 0xe9"),
    (b"\xff\xfe" + "seeds = 1\n".encode("utf-16-le"), "line 1: not UTF-8"),
    (b"name = \"\xc0\xaf\"\n", "not UTF-8"),  # overlong
    (b"name = \"\xed\xa0\x80\"\n", "not UTF-8"),  # a surrogate
    # not TOML
    (b"seeds = \n", "not valid TOML"),
    (b"seeds = 1\nseeds = 2\n", "not valid TOML"),
    (b"a = " + b"[" * 100000 + b"]" * 100000 + b"\n", "not valid TOML"),
    (b"seeds = 1\x00\n", "not valid TOML"),
    # seeds outside what the store and vpnsim-run hold
    (SMALL.replace("seeds = 2", "seeds = [9223372036854775808]").encode(),
     r"seeds\[0\]: 9223372036854775808 is not an integer in 1..9223372036854775807"),
    (SMALL.replace("seeds = 2", "seeds = [1, 18446744073709551615]").encode(), r"seeds\[1\]"),
    (SMALL.replace("seeds = 2", "seeds = 2\nfirst_seed = 9223372036854775807").encode(),
     "seeds: 2 seeds from first_seed 9223372036854775807 go past the largest seed"),
    (SMALL.replace("seeds = 2", "seeds = 2\nfirst_seed = 9223372036854775808").encode(),
     "first_seed: 9223372036854775808 is not an integer in 1.."),
    (SMALL.replace("seeds = 2", "seeds = 1000000000000").encode(),
     "seeds: 1000000000000 seeds x 2 points = 2000000000000 runs, more than the 1000000000"),
    (SMALL.replace("seeds = 2", "seeds = 0").encode(), "seeds: 0 is not an integer >= 1"),
    (SMALL.replace("seeds = 2", "seeds = -1").encode(), "seeds: -1 is not an integer >= 1"),
    (SMALL.replace("seeds = 2", "seeds = 1.5").encode(), "seeds: 1.5 is not an integer"),
    (SMALL.replace("seeds = 2", "seeds = true").encode(), "seeds: True is not an integer"),
    (SMALL.replace("seeds = 2", "seeds = [1, 1]").encode(), "seeds: lists a seed twice"),
    # a grid too large to hold
    (SMALL.replace("loss = [0, 0.01]", "loss = [" + ", ".join(str(i / 1e6) for i in range(400))
                   + "]\njitter = [" + ", ".join(str(i / 1e4) for i in range(400)) + "]").encode(),
     "grid: 160000 points .* more than the 100000"),
    # values no range allows: subnormal, non-finite, just outside
    (SMALL.replace("[0, 0.01]", "[0, 1e-320]").encode(), r"grid.loss\[1\]: 1e-320 is subnormal"),
    (SMALL.replace("[0, 0.01]", "5e-324").encode(), "grid.loss: 5e-324 is subnormal"),
    (SMALL.replace("[0, 0.01]", "-1e-320").encode(), "grid.loss: -1e-320 is subnormal"),
    (SMALL.replace("[0, 0.01]", "2.2250738585072009e-308").encode(), "is subnormal"),
    (SMALL.replace("[0, 0.01]", "nan").encode(), "grid.loss: nan is not a finite number"),
    (SMALL.replace("[0, 0.01]", "-inf").encode(), "grid.loss: -inf is not a finite number"),
    (SMALL.replace("[0, 0.01]", "1").encode(), r"grid.loss: 1 is out of range \[0, 1\)"),
    (SMALL.replace("duration = 60", "duration = 1e-320").encode(), "grid.duration: 1e-320 is"),
    (SMALL.replace("duration = 60", "traffic-size = 18446744073709551616").encode(),
     "grid.traffic-size: 18446744073709551616 is out of range"),
    (SMALL.replace("[0, 0.01]", '"0.01"').encode(), "grid.loss: '0.01' is not a number"),
    (SMALL.replace('encap = "ctcp"', 'encap = "ctcp "').encode(), "grid.encap: 'ctcp ' is not"),
    (SMALL.replace('encap = "ctcp"', 'topology = "/dev/zero"').encode(), "grid.topology"),
    (SMALL + 'loss-model = "trace"\nloss-trace = "/etc/hostname"\n',
     "must be 0 where loss-model is trace"),
]


@pytest.mark.parametrize("content,pattern", SWEEP_FILE_CASES,
                         ids=[repr(c[0])[:50] for c in SWEEP_FILE_CASES])
def test_a_bad_sweep_file_is_refused_naming_file_and_field(tmp_path, content, pattern):
    path = write(tmp_path, "s.toml", content)
    p = sweep("run", path, "--store", tmp_path / "s.sqlite", "--dry-run")
    assert_refused(p, f"sweep file {path}", pattern)
    assert not (tmp_path / "s.sqlite").exists()


def test_negative_zero_is_the_run_of_zero(tmp_path):
    a = sweep("run", write(tmp_path, "a.toml", SMALL), "--store", tmp_path / "s.sqlite",
              "--dry-run")
    b = sweep("run", write(tmp_path, "b.toml", SMALL.replace("[0, 0.01]", "[-0.0, 0.01]")),
              "--store", tmp_path / "s.sqlite", "--dry-run")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout and b"--loss=0 " in b.stdout


# -- store paths --------------------------------------------------------------------------------

def store_cases(tmp_path, hostile):
    real = tmp_path / "real.sqlite"
    assert sweep("run", write(tmp_path, "r.toml", SMALL), "--store", real, "--no-progress",
                 "--jobs", "1").returncode == 0
    data = real.read_bytes()
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE accounts (id INTEGER)")
    db.commit()
    db.close()
    return [
        (hostile["dir"], "is a directory"),
        (hostile["fifo"], "not a regular file"),
        (hostile["zero"], "not a regular file"),
        (hostile["null"], "not a regular file"),
        (Path("/proc/vpnsim-test.sqlite"), "cannot be used|no such file"),
        (Path("/etc/hostname/s.sqlite"), "cannot be used|no such file"),
        (write(tmp_path, "garbage.sqlite", os.urandom(8192)), "not an SQLite database"),
        (write(tmp_path, "text.sqlite", "seeds = 1\n" * 100), "not an SQLite database"),
        (write(tmp_path, "truncated.sqlite", data[:2048]), "cannot be used"),
        (write(tmp_path, "header-only.sqlite", data[:100] + b"\0" * 3996), "cannot be used"),
        (other, "another program's database"),
    ]


def test_a_store_path_that_cannot_be_a_store_is_refused(tmp_path, hostile):
    path = write(tmp_path, "s.toml", SMALL)
    for store, pattern in store_cases(tmp_path, hostile):
        for command in (["run", path], ["status"], ["export", "--csv", tmp_path / "o.csv"]):
            p = sweep(*command, "--store", store, timeout=60)
            assert_refused(p, f"store {store}", pattern)


# -- command-line values ------------------------------------------------------------------------

ARG_CASES = [
    (["--run-timeout", "nan"], "--run-timeout"),
    (["--run-timeout", "inf"], "--run-timeout"),
    (["--run-timeout", "0"], "--run-timeout"),
    (["--run-timeout", "-1"], "--run-timeout"),
    (["--run-timeout", "-0"], "--run-timeout"),
    (["--run-timeout", ""], "--run-timeout"),
    (["--run-timeout", "1e-320"], "--run-timeout"),
    (["--run-timeout", "1e9"], "--run-timeout"),
    (["--run-timeout", "10s"], "--run-timeout"),
    (["--jobs", "0"], "--jobs"),
    (["--jobs", "-1"], "--jobs"),
    (["--jobs", "1000000000"], "--jobs"),
    (["--jobs", "2.5"], "--jobs"),
    (["--jobs", ""], "--jobs"),
    (["extra.toml"], "unrecognized arguments: extra.toml"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--store"], "--store"),
]


@pytest.mark.parametrize("args,field", ARG_CASES, ids=[" ".join(c[0]) for c in ARG_CASES])
def test_a_bad_run_argument_is_refused_naming_it(tmp_path, args, field):
    path = write(tmp_path, "s.toml", SMALL)
    p = sweep("run", path, "--store", tmp_path / "s.sqlite", "--dry-run", *args)
    assert_refused(p, field, "allowed|unrecognized|expected one argument")


@pytest.mark.parametrize("value", ["nan", "-0.1", "1.5", "inf"])
def test_a_bad_plot_fraction_is_refused(tmp_path, value):
    p = sweep("plot", "--store", tmp_path / "none.sqlite", "--survivor-max-failure", value)
    assert_refused(p, "--survivor-max-failure", r"allowed 0 <= F <= 1")


# -- scale and concurrency ----------------------------------------------------------------------

def rows(store: Path) -> int:
    if not store.exists():
        return 0
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()


def peak_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def test_ten_million_runs_stream_storing_as_they_go_and_an_interrupt_keeps_them(tmp_path):
    # 5,000,000 seeds x 2 points: nothing is enumerated up front, results are stored as they
    # come, memory stays flat, and Ctrl-C keeps every finished run.
    path = write(tmp_path, "big.toml", SMALL.replace("seeds = 2", "seeds = 5000000"))
    store = tmp_path / "big.sqlite"
    proc = subprocess.Popen([sys.executable, TOOL, "run", path, "--store", store, "--jobs", "2",
                             "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "VPNSIM_RUN": str(FAKE)})
    try:
        deadline = time.monotonic() + 60
        while rows(store) < 20 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        first = rows(store)
        assert first >= 20, proc.stderr.read().decode() if proc.poll() is not None else first
        rss = peak_rss_kb(proc.pid)
        time.sleep(2)
        assert rows(store) > first  # still storing as it goes
        assert peak_rss_kb(proc.pid) < max(rss * 2, 200_000)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130 and b"Traceback" not in err, err.decode()[-2000:]
    assert out == b""
    kept = rows(store)
    assert kept > first
    assert b"10000000 runs" in err
    db = sqlite3.connect(store)
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0  # given back
    db.close()


def test_two_sweeps_on_one_store_share_the_runs(tmp_path):
    n_seeds = 15
    path = write(tmp_path, "s.toml", SMALL.replace("seeds = 2", f"seeds = {n_seeds}"))
    store = tmp_path / "shared.sqlite"
    log = tmp_path / "invocations.log"
    env = {**os.environ, "VPNSIM_RUN": str(FAKE), "FAKE_VPNSIM_SLEEP": "0.1",
           "FAKE_VPNSIM_LOG": str(log)}
    # Create the store first, so that both open the same file.
    assert sweep("status", "--store", store).returncode in (1, 2)
    assert sweep("run", write(tmp_path, "empty.toml", SMALL.replace("seeds = 2", "seeds = [99]")),
                 "--store", store, "--no-progress").returncode == 0
    procs = [subprocess.Popen([sys.executable, TOOL, "run", path, "--store", store, "--jobs",
                               "2", "--no-progress"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err.decode()
    assert rows(store) == 2 * n_seeds + 2
    invocations = log.read_text().splitlines()
    assert len(invocations) == 2 * n_seeds, "a run was run twice, or not at all"
    stored = [int(err.decode().split(" stored")[0].rsplit(" ", 1)[-1]) for _, err in outs]
    assert sum(stored) == 2 * n_seeds and min(stored) > 0
