"""Runs a list of runs in parallel and stores each result as it arrives. The local backend of
`run`, and the body of every SLURM task. The runner keeps one long-lived vpnsim-run batch
worker per thread (runner.py); a run that overruns the run timeout is recorded as timed out
and its worker replaced.

Threads only wait on processes (the simulation itself runs in the child), so a thread pool
gives N parallel simulations; one thread, the caller's, writes to the store, so SQLite sees a
single writer. SIGINT and SIGTERM kill the runs in flight and leave the store as committed.

Runs are taken from an iterator as room frees up, never all at once: at most `jobs` are in
flight, and a sweep of millions of runs costs no more memory than one of ten. Each run is
claimed in the store before it starts (store.py), so several sweeps on one store share the
work: a run another live process has claimed is left to it.
"""

from __future__ import annotations

import signal
import sys
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from .keys import run_key
from .runner import Outcome, Runner
from .store import Store


@dataclass
class Summary:
    attempted: int = 0
    stored: int = 0
    already: int = 0  # stored meanwhile by someone else (duplicate key ignored)
    done_before: int = 0  # found stored when its turn came
    left_to_others: int = 0  # claimed by another live process when its turn came
    tunnel_failures: int = 0
    errors: int = 0
    error_messages: Counter = field(default_factory=Counter)
    wall_s: list = field(default_factory=list)


class _Stop(Exception):
    pass


def execute(runs, store: Store, runner: Runner, jobs: int, progress: bool = True,
            desc: str = "runs", log=None, total: int | None = None) -> Summary:
    """Runs every run of the iterable `runs` that the store has not got and no other live
    process has claimed; `total` (how many `runs` yields, if known) sizes the progress bar."""
    summary = Summary()
    runner.identify()
    if total is None and hasattr(runs, "__len__"):
        total = len(runs)
    bar = _progress_bar(total, desc) if progress else None
    old_term = signal.signal(signal.SIGTERM, _raise_stop) if _main_thread() else None
    jobs = max(1, jobs)
    pool = ThreadPoolExecutor(max_workers=jobs)
    todo = iter(runs)
    pending: dict = {}  # future -> run key
    claimed: set = set()  # keys claimed by this process and not yet stored

    def fill() -> None:
        while len(pending) < jobs:
            flags = next(todo, None)
            if flags is None:
                return
            key = run_key(flags)
            claimed.add(key)  # before the claim: an interrupt in between still gives it back
            state = store.claim(key)
            if state != "claimed":
                claimed.discard(key)
                summary.done_before += state == "done"
                summary.left_to_others += state == "busy"
                if bar is not None:
                    bar.update(1)
                continue
            pending[pool.submit(runner.run, flags)] = key

    try:
        fill()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                _record(fut.result(), store, runner, summary, log)
                claimed.discard(pending.pop(fut))
                if bar is not None:
                    bar.set_postfix_str(f"tunnel failed {summary.tunnel_failures}, "
                                        f"errors {summary.errors}", refresh=False)
                    bar.update(1)
            fill()
    except (KeyboardInterrupt, _Stop):
        # Live runs are killed; the store keeps what was committed, and the claims on runs
        # that will not finish are given back for the next sweep.
        pool.shutdown(wait=False, cancel_futures=True)
        runner.stop()
        store.release(claimed)
        raise KeyboardInterrupt from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        runner.close()
        if bar is not None:
            bar.close()
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
    return summary


def _record(outcome: Outcome, store: Store, runner: Runner, summary: Summary, log) -> None:
    summary.attempted += 1
    if outcome.ok:
        new = store.add(outcome.flags, outcome.line, outcome.record, str(runner.path),
                        runner.version, outcome.wall_s)
        summary.stored += new
        summary.already += not new
        # Only the runs this process stored: a duplicate is another sweep's to count.
        summary.tunnel_failures += new and bool(outcome.record["failed"])
        summary.wall_s.append(outcome.wall_s)
        if log:
            log(f"done {outcome.key} failed={outcome.record['failed']} wall={outcome.wall_s:.2f}s")
    else:
        store.add_error(outcome.key, outcome.error, outcome.exit_code, str(runner.path))
        summary.errors += 1
        summary.error_messages[outcome.error] += 1
        if log:
            log(f"error {outcome.key}: {outcome.error}")


def _progress_bar(total: int, desc: str):
    from tqdm import tqdm
    # Into a log file (CI, nohup) a redraw is a new line's worth of text: redraw less often.
    interactive = sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit="run", file=sys.stderr, dynamic_ncols=True,
                smoothing=0.05, mininterval=0.5 if interactive else 15)


def _raise_stop(signum, frame):
    raise _Stop()


def _main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()
