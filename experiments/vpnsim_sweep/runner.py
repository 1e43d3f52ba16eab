"""Running vpnsim-run: the command line, the record it prints, and its checks. A runner keeps
a few long-lived `vpnsim-run --batch` workers (workers.py) by default; one process per run
(batch=False) is what a runner without batch mode needs, and what bench-sweep compares with.

A run's outcome is either a record (the runner's one JSON line, kept byte for byte) or an error
(non-zero exit, no or bad JSON, a record that does not describe the requested run). Errors are
never stored as results, so a rerun tries them again.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import flags as flagdefs
from .keys import run_key
from .workers import WorkerFailed, WorkerPool

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RUNNER = REPO_ROOT / "build" / "examples" / "vpnsim-run"
_STDERR_KEPT = 4000  # characters of a failed run's stderr kept for the report


def default_runner_path() -> Path:
    return Path(os.environ.get("VPNSIM_RUN") or DEFAULT_RUNNER)


@dataclass
class Outcome:
    flags: dict
    key: str
    wall_s: float
    line: str | None = None  # the record, exactly as printed (no newline)
    record: dict | None = None
    error: str | None = None
    exit_code: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class Runner:
    """A vpnsim-run executable. Tracks its live processes so an interrupted sweep ends them."""

    def __init__(self, path, timeout_s: float | None = None, batch: bool = True):
        self.path = Path(path).resolve()
        self.timeout_s = timeout_s
        self.batch = batch
        self._workers = WorkerPool(self.path)
        self._version: str | None = None
        self._live: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._stopped = False

    def check(self) -> None:
        if not self.path.is_file() or not os.access(self.path, os.X_OK):
            raise FileNotFoundError(f"runner {self.path}: not an executable file "
                                    "(build it, or pass --runner / set VPNSIM_RUN)")

    @property
    def version(self) -> str:
        return self.identify()

    def identify(self) -> str:
        """What `--version` prints, if the runner has it, plus a digest of the executable:
        the digest changes with every rebuild, so records from different builds can be told
        apart. Computed once; call it before a sweep, while the executable is the one it runs."""
        if self._version is None:
            digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]
            said = ""
            try:
                p = subprocess.run([str(self.path), "--version"], capture_output=True, text=True,
                                   timeout=10)
                lines = p.stdout.strip().splitlines()
                # ns-3's CommandLine answers --version with the ns-3 build tag, which says
                # nothing about vpnsim: keep only an answer that names the program.
                if p.returncode == 0 and len(lines) == 1 and "vpnsim" in lines[0].lower():
                    said = lines[0].strip() + " "
            except (OSError, subprocess.TimeoutExpired):
                pass
            self._version = f"{said}sha256:{digest}"
        return self._version

    def command(self, flags: dict) -> list[str]:
        return [str(self.path), *flagdefs.command_line(flags)]

    def run(self, flags: dict) -> Outcome:
        return self.run_in_worker(flags) if self.batch else self.run_separate(flags)

    def run_in_worker(self, flags: dict) -> Outcome:
        """One run on a long-lived batch worker; the worker is replaced if it dies or times out."""
        key = run_key(flags)
        if self._stopped:
            return Outcome(flags, key, 0.0, error="not started: the sweep was stopped")
        # The same text per flag as on a command line, so vpnsim-run parses the same values.
        values = dict(arg[2:].split("=", 1) for arg in self.command(flags)[1:])
        start = time.monotonic()
        try:
            line = self._workers.ask(values, self.timeout_s)
        except WorkerFailed as e:
            return Outcome(flags, key, time.monotonic() - start, exit_code=e.exit_code,
                           error=str(e))
        wall = time.monotonic() - start
        try:
            refused = json.loads(line).get("error")
        except (json.JSONDecodeError, AttributeError):
            refused = None
        if refused:
            # Worded as a single run says it: the program's name, then what names the flag.
            said = re.sub(r"^line \d+: ", "", str(refused))
            return Outcome(flags, key, wall, exit_code=2,
                           error=f"exit status 2: {self.path.name}: {said}")
        return parse_output(flags, key, wall, line)

    def close(self) -> None:
        """Ends the idle batch workers (a sweep calls this when it is done)."""
        self._workers.close()

    def run_separate(self, flags: dict) -> Outcome:
        """One run in its own vpnsim-run process."""
        key = run_key(flags)
        if self._stopped:
            return Outcome(flags, key, 0.0, error="not started: the sweep was stopped")
        start = time.monotonic()
        try:
            p = subprocess.Popen(self.command(flags), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        except OSError as e:
            return Outcome(flags, key, 0.0, error=f"cannot start {self.path}: {e}")
        with self._lock:
            self._live.add(p)
            if self._stopped:  # stop() came while this process was starting
                p.kill()
        try:
            out, err = p.communicate(timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            return Outcome(flags, key, time.monotonic() - start, exit_code=p.returncode,
                           error=f"timed out after {self.timeout_s} s")
        finally:
            with self._lock:
                self._live.discard(p)
        wall = time.monotonic() - start
        if p.returncode != 0:
            why = f"killed by signal {-p.returncode}" if p.returncode < 0 else f"exit status {p.returncode}"
            return Outcome(flags, key, wall, exit_code=p.returncode,
                           error=f"{why}: {err.strip()[-_STDERR_KEPT:]}")
        return parse_output(flags, key, wall, out)

    def stop(self) -> None:
        """Kills the runs in flight and refuses to start more."""
        with self._lock:
            self._stopped = True
            live = list(self._live)
        self._workers.stop()
        for p in live:
            try:
                p.send_signal(signal.SIGKILL)
            except ProcessLookupError:
                pass


def parse_output(flags: dict, key: str, wall: float, out: str) -> Outcome:
    lines = [line for line in out.splitlines() if line.strip()]
    if len(lines) != 1:
        return Outcome(flags, key, wall, exit_code=0,
                       error=f"expected one JSON line on stdout, got {len(lines)} lines")
    line = lines[0].rstrip("\r\n")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        return Outcome(flags, key, wall, exit_code=0, error=f"stdout is not JSON: {e}")
    problem = check_record(flags, record)
    if problem:
        return Outcome(flags, key, wall, exit_code=0, error=f"record does not match the run: {problem}")
    return Outcome(flags, key, wall, line=line, record=record, exit_code=0)


def check_record(flags: dict, record) -> str | None:
    """A record must say whether the tunnel failed and echo the run it describes; a runner that
    ignored a flag would otherwise fill the store with mislabelled results."""
    if not isinstance(record, dict):
        return "not a JSON object"
    if not isinstance(record.get("failed"), bool):
        return "'failed' is missing or not true/false"
    for name, field in (("seed", "seed"), ("encap", "encap"), ("asa", "asa"),
                        ("loss-model", "loss_model"), ("duration", "duration_s"), ("loss", "loss")):
        if name not in flags or field not in record:
            continue
        want, got = flags[name], record[field]
        if isinstance(want, str):
            same = want == got
        else:
            same = isinstance(got, (int, float)) and math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-12)
        if not same:
            return f"{field} is {got!r}, the run asked for {want!r}"
    return None
