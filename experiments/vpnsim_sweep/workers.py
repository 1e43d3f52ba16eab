"""Long-lived `vpnsim-run --batch` processes, each serving many runs: one JSON line of flag
values in, one record line out. Starting vpnsim-run costs more than a short run (loading ns-3's
libraries, building its random-number tables), so a sweep keeps a few workers, one per
parallel job, instead of one process per run.

A worker that overruns the run timeout is killed (its run is reported as timed out) and the
next run starts a fresh one; so is a worker that dies. The records are byte-identical to
separate processes (vpnsim-run resets ns-3 between batch runs), so the store cannot tell them
apart.
"""

from __future__ import annotations

import collections
import json
import os
import select
import signal
import subprocess
import threading
import time
from pathlib import Path

_STDERR_KEPT = 4000  # characters of a worker's stderr kept for an error report


class WorkerFailed(Exception):
    """The worker gave no answer: it died (exit_code) or overran the timeout (timed_out)."""

    def __init__(self, message: str, exit_code: int | None, timed_out: bool = False):
        super().__init__(message)
        self.exit_code = exit_code
        self.timed_out = timed_out


class Worker:
    """One `vpnsim-run --batch` process."""

    def __init__(self, path: Path):
        self.process = subprocess.Popen([str(path), "--batch"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._pending = b""
        self._stderr = collections.deque(maxlen=64)
        # stderr is drained all the time, so a chatty run never blocks on a full pipe.
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()

    def ask(self, values: dict, timeout_s: float | None) -> str:
        """Sends one run and returns its output line (a record or an error record)."""
        try:
            self.process.stdin.write(json.dumps(values).encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._died()
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        fd = self.process.stdout.fileno()
        while b"\n" not in self._pending:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                self.kill()
                raise WorkerFailed(f"timed out after {timeout_s} s", self.process.returncode,
                                   timed_out=True)
            chunk = os.read(fd, 65536)
            if not chunk:
                raise self._died()
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line.decode()

    def stderr_tail(self) -> str:
        return "".join(self._stderr)[-_STDERR_KEPT:]

    def kill(self) -> None:
        try:
            self.process.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def close(self) -> None:
        """Ends the batch (end of input) and reaps the process."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def _died(self) -> WorkerFailed:
        code = self.process.wait()
        self._drain.join(timeout=5)
        why = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
        return WorkerFailed(f"{why}: {self.stderr_tail().strip()}", code)

    def _read_stderr(self) -> None:
        for line in iter(self.process.stderr.readline, b""):
            self._stderr.append(line.decode(errors="replace"))


class WorkerPool:
    """Idle workers, handed out one per run; a thread that runs takes one or starts one."""

    def __init__(self, path: Path):
        self.path = path
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def ask(self, values: dict, timeout_s: float | None) -> str:
        worker = self._take()
        try:
            line = worker.ask(values, timeout_s)
        except WorkerFailed:
            self._forget(worker)
            raise
        with self._lock:
            if self._closed:
                worker.kill()
            else:
                self._idle.append(worker)
        return line

    def stop(self) -> None:
        """Kills every worker, busy or idle, and starts no more."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._idle.clear()
        for w in workers:
            w.kill()

    def close(self) -> None:
        """Ends every idle worker's batch; called when a sweep is done."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._all.difference_update(idle)
        for w in idle:
            w.close()

    def _take(self) -> Worker:
        with self._lock:
            if self._closed:
                raise WorkerFailed("not started: the sweep was stopped", None)
            if self._idle:
                return self._idle.pop()
        worker = Worker(self.path)
        with self._lock:
            self._all.add(worker)
            if self._closed:  # stop() came while this worker was starting
                worker.kill()
        return worker

    def _forget(self, worker: Worker) -> None:
        with self._lock:
            self._all.discard(worker)
