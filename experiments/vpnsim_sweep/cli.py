"""Command line of vpnsim-sweep. Exit status: 0 done, 1 some runs failed to produce a record
(see `status`), 2 bad usage, sweep file, store or runner."""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import shlex
import sys
from pathlib import Path

from . import executor, slurm
from .keys import config_key, run_key
from .runner import REPO_ROOT, Runner, default_runner_path
from .stats import label_configs
from .store import Store, StoreError
from .sweepfile import SweepFileError, load

DEFAULT_STORE = REPO_ROOT / "results" / "sweep.sqlite"
DEFAULT_PLOTS = REPO_ROOT / "results"
RUNNER_CHANGED = ("refuse", "reuse", "fresh")


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except (SweepFileError, StoreError, FileNotFoundError, slurm.SlurmError) as e:
        print(f"vpnsim-sweep: {e}", file=sys.stderr)
        return 2
    except sqlite3.Error as e:
        # The store failed under us (disk full, removed, damaged): say so, keep what it has.
        print(f"vpnsim-sweep: store {getattr(args, 'store', '')}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("vpnsim-sweep: interrupted; finished runs are stored, run again to continue",
              file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `vpnsim-sweep status | head`: the reader left early, which is no error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="vpnsim-sweep", description=(
        "Run vpnsim-run over a sweep file's parameter grid, store the records, plot them."))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def store_arg(sp):
        sp.add_argument("--store", type=Path, default=DEFAULT_STORE,
                        help=f"SQLite result store (default {_rel(DEFAULT_STORE)})")

    def runner_arg(sp):
        sp.add_argument("--runner", type=Path, default=None,
                        help=f"vpnsim-run executable (default $VPNSIM_RUN or {_rel(default_runner_path())})")
        sp.add_argument("--run-timeout", type=_seconds, default=None, metavar="S",
                        help="kill a run after S seconds of wall time, 0 < S <= 604800 "
                             "(default: no limit)")

    sp = sub.add_parser("run", help="run what the store is missing, in parallel on this machine")
    sp.add_argument("sweep", type=Path, help="sweep file (TOML)")
    store_arg(sp)
    runner_arg(sp)
    sp.add_argument("--jobs", "-j", type=_jobs, default=os.cpu_count() or 1,
                    help="runs at once (default: every core, %(default)s here)")
    sp.add_argument("--no-progress", action="store_true", help="no progress bar")
    sp.add_argument("--dry-run", action="store_true", help="print the missing runs' commands only")
    sp.add_argument("--runner-changed", choices=RUNNER_CHANGED, default="refuse",
                    help="when the store holds records of another runner build: refuse (the "
                         "default, exit 2), reuse the store (old and new records side by side), "
                         "or move it aside to STORE.runner-<digest>.sqlite and start afresh")
    sp.set_defaults(func=cmd_run)

    sp = sub.add_parser("status", help="what the store holds (and, given a sweep, what it misses)")
    sp.add_argument("sweep", type=Path, nargs="?", help="sweep file (TOML)")
    store_arg(sp)
    sp.set_defaults(func=cmd_status)

    sp = sub.add_parser("plot", help="failure rate, time-to-failure and goodput figures")
    store_arg(sp)
    sp.add_argument("--out", type=Path, default=DEFAULT_PLOTS,
                    help=f"directory for the PNG and PDF files (default {_rel(DEFAULT_PLOTS)})")
    sp.add_argument("--sweep", type=Path, help="plot only this sweep's runs")
    sp.add_argument("--segments-per-second", type=_positive_float, metavar="R",
                    help="upstream cTCP packets/s for the analytic curve (default: from the traffic flags)")
    sp.add_argument("--detection-delay", type=_positive_float, metavar="D",
                    help="seconds from a loss to DPD declaring the peer dead (default: the model's DPD rule)")
    sp.add_argument("--survivor-max-failure", type=_fraction, default=0.05, metavar="F",
                    help="goodput plot: configurations failed in at most this fraction of runs (default 0.05)")
    sp.set_defaults(func=cmd_plot)

    sp = sub.add_parser("export", help="stored runs as CSV")
    store_arg(sp)
    sp.add_argument("--csv", type=Path, required=True, help="one row per run")
    sp.add_argument("--points-csv", type=Path, help="also one row per point (configuration x loss)")
    sp.add_argument("--sweep", type=Path, help="export only this sweep's runs")
    sp.set_defaults(func=cmd_export)

    sp = sub.add_parser("slurm-submit", help="run what the store is missing as a SLURM job array")
    sp.add_argument("sweep", type=Path, help="sweep file (TOML)")
    store_arg(sp)
    runner_arg(sp)
    sp.add_argument("--tasks", type=_positive_int, default=None,
                    help=f"array tasks (default: one per run, at most {slurm.DEFAULT_MAX_TASKS})")
    sp.add_argument("--cpus-per-task", type=_positive_int, default=1,
                    help="CPUs per task; a task runs this many runs at once (default 1)")
    sp.add_argument("--sbatch-arg", action="append", default=[], metavar="ARG",
                    help="extra sbatch option, e.g. --sbatch-arg=--partition=long (repeatable)")
    sp.add_argument("--wait", action="store_true", help="wait for the array and the merge")
    sp.add_argument("--wait-timeout", type=_seconds, default=24 * 3600, metavar="S",
                    help="give up waiting after S seconds (default one day)")
    sp.set_defaults(func=cmd_slurm_submit)

    sp = sub.add_parser("slurm-worker", help="(run by SLURM) one array task of a plan")
    sp.add_argument("--plan", type=Path, required=True)
    sp.add_argument("--task", type=int, default=None,
                    help="task index (default $SLURM_ARRAY_TASK_ID)")
    sp.set_defaults(func=cmd_slurm_worker)

    sp = sub.add_parser("slurm-merge", help="merge SLURM tasks' shards into the store")
    store_arg(sp)
    sp.add_argument("--final-plan", metavar="PLAN",
                    help="(merge job) this plan's array has ended: remove all its shards")
    sp.set_defaults(func=cmd_slurm_merge)
    return p


# -- commands -----------------------------------------------------------------------------------

# Up to this many runs, `run` counts what is missing before it starts (one indexed lookup per
# run, a second or two); a larger sweep reports the store's size and streams.
EXACT_COUNT_LIMIT = 1_000_000


def cmd_run(args) -> int:
    sweep = load(args.sweep)
    runner = Runner(args.runner or default_runner_path(), timeout_s=args.run_timeout)
    total = sweep.run_count()
    if args.dry_run:  # reads the store if there is one, creates nothing
        store = Store(args.store, create=False) if Path(args.store).is_file() else None
        try:
            missing = (r for r in sweep.iter_runs() if store is None or not store.has(run_key(r)))
            if total <= EXACT_COUNT_LIMIT:
                missing = list(missing)
            _say_plan(sweep, total, missing, args.store, store)
            for r in missing:
                print(shlex.join(runner.command(r)))
        finally:
            if store is not None:
                store.close()
        return 0
    if os.access(runner.path, os.X_OK):  # without one, a store that misses nothing is still fine
        _guard_runner_version(args.store, runner, args.runner_changed)
    with Store(args.store) as store:
        store.set_labels(sweep.labels)
        missing = None
        if total <= EXACT_COUNT_LIMIT:
            missing = sum(1 for r in sweep.iter_runs() if not store.has(run_key(r)))
        _say_plan(sweep, total, missing, args.store, store)
        if missing == 0:
            return 0
        runner.check()
        jobs = min(args.jobs, missing if missing is not None else args.jobs)
        summary = executor.execute(sweep.iter_runs(), store, runner, jobs,
                                   progress=not args.no_progress, desc=sweep.name, total=total)
    print(f"sweep {sweep.name}: {summary.stored} stored ({summary.tunnel_failures} tunnel failures), "
          f"{summary.errors} errors", file=sys.stderr)
    if summary.left_to_others:
        print(f"  {summary.left_to_others} runs left to another sweep on the same store, which "
              "was running them", file=sys.stderr)
    for message, count in summary.error_messages.most_common(5):
        print(f"  {count} x {message}", file=sys.stderr)
    if summary.errors:
        print("  (errors are not stored as results: fix and run again to retry them)", file=sys.stderr)
    return 1 if summary.errors else 0


def _guard_runner_version(path: Path, runner: Runner, policy: str) -> None:
    """Results of two runner builds must not be mixed in one store unawares: a model change
    would otherwise be plotted together with (or hidden behind) results of the old model."""
    if not Path(path).is_file():
        return
    with Store(path, create=False) as store:
        others = {v: n for v, n in store.runner_versions().items() if v != runner.version}
    if not others or policy == "reuse":
        return
    described = ", ".join(f"{n} by {v}" for v, n in sorted(others.items()))
    if policy == "refuse":
        raise StoreError(f"store {_rel(path)} holds records of another runner build ({described}); "
                         f"this runner is {runner.version}. Pass --runner-changed=reuse to add "
                         f"to it anyway, --runner-changed=fresh to start a new store, or --store "
                         f"for another file")
    aside = Path(path).with_name(
        f"{Path(path).stem}.runner-{_digest(next(iter(sorted(others))))}{Path(path).suffix}")
    Path(path).rename(aside)
    print(f"vpnsim-sweep: the runner changed ({described}; now {runner.version}): "
          f"old store moved to {_rel(aside)}, starting a new {_rel(path)}", file=sys.stderr)


def _digest(version: str) -> str:
    return version.rsplit("sha256:", 1)[-1][:12]


def _say_plan(sweep, total: int, missing, store_path, store) -> None:
    if isinstance(missing, list):
        missing = len(missing)
    if missing is not None:
        print(f"sweep {sweep.name}: {total} runs, {total - missing} already in "
              f"{_rel(store_path)}, {missing} to run", file=sys.stderr)
    else:
        held = store.count() if store is not None else 0
        print(f"sweep {sweep.name}: {total} runs; {_rel(store_path)} holds {held} results; "
              "running the missing ones as they come", file=sys.stderr)


def cmd_status(args) -> int:
    with Store(args.store, create=False) as store:
        print(f"store {_rel(args.store)}: {store.count()} results")
        for version, n in sorted(store.runner_versions().items()):
            print(f"  {n} by runner {version}")
        if args.sweep is None:
            records = store.records()
            _print_table(records, {}, store.labels())
            errors = store.errors()
            missing = 0
        else:
            sweep = load(args.sweep)
            runs = _small_sweep_runs(sweep)
            keys = {run_key(r) for r in runs}
            records = store.records(keys)
            missing = len(runs) - len(records)
            errors = [e for e in store.errors() if e["key"] in keys]
            print(f"sweep {sweep.name} ({args.sweep}): {len(runs)} runs, {len(records)} done, "
                  f"{missing} missing, {len({e['key'] for e in errors})} of them with errors")
            totals: dict[str, int] = {}
            for r in runs:
                totals[config_key(r)] = totals.get(config_key(r), 0) + 1
            _print_table(records, totals, sweep.labels)
        for e in errors[-5:]:
            print(f"  error: {e['key']}: {e['message'][:300]}")
    shards = list((slurm.work_dir(args.store) / "shards").glob("*.sqlite"))
    if shards:
        print(f"{len(shards)} SLURM shards not yet merged (vpnsim-sweep slurm-merge)")
    return 1 if missing else 0


def _print_table(records, totals: dict, labels: dict | None = None) -> None:
    """One line per configuration: runs stored (of the sweep's), tunnel failures."""
    by_config: dict[str, list] = {k: [] for k in totals}  # the sweep's order first
    for r in records:
        by_config.setdefault(r["config"], []).append(r)
    names = label_configs({k: json.loads(k) for k in by_config})
    if labels:
        names.update({k: v for k, v in labels.items() if k in names})
    width = max((len(n) for n in names.values()), default=10)
    for k, rs in by_config.items():
        total = f"/{totals[k]}" if k in totals else ""
        failed = sum(1 for r in rs if r["failed"])
        print(f"  {names[k]:<{width}}  {len(rs):>5}{total:<6} runs  {failed:>5} tunnel failures")


def _select(store: Store, sweep_path) -> tuple[list[dict], dict[str, str]]:
    """The runs to show, and the series labels: the sweep file's when one is given, else
    those the store remembers from the sweeps that filled it."""
    labels = store.labels()
    if sweep_path is None:
        return store.records(), labels
    sweep = load(sweep_path)
    return store.records({run_key(r) for r in _small_sweep_runs(sweep)}), {**labels, **sweep.labels}


def cmd_plot(args) -> int:
    from . import analytic, plots, stats
    with Store(args.store, create=False) as store:
        records, labels = _select(store, args.sweep)
    if not records:
        print(f"vpnsim-sweep: no stored runs to plot in {_rel(args.store)}", file=sys.stderr)
        return 2
    curves = stats.curves(records, labels)
    predictions = analytic.predictions(records, args.segments_per_second, args.detection_delay)
    written = plots.plot_all(curves, args.out, predictions, args.survivor_max_failure)
    for path in written:
        print(path)
    return 0


def cmd_export(args) -> int:
    from . import export, stats
    with Store(args.store, create=False) as store:
        records, labels = _select(store, args.sweep)
    curves = stats.curves(records, labels)
    n = export.write_runs(records, args.csv, {c.config: c.label for c in curves})
    print(f"{args.csv}: {n} runs", file=sys.stderr)
    if args.points_csv:
        rows = export.write_points(curves, args.points_csv)
        print(f"{args.points_csv}: {rows} points", file=sys.stderr)
    return 0


def cmd_slurm_submit(args) -> int:
    sweep = load(args.sweep)
    runner = Runner(args.runner or default_runner_path(), timeout_s=args.run_timeout)
    with Store(args.store) as store:
        store.set_labels(sweep.labels)
    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    submitted = slurm.submit(sweep, args.store, runner, args.tasks, args.cpus_per_task,
                             args.sbatch_arg, log=log)
    if submitted is None:
        log(f"sweep {sweep.name}: nothing missing in {_rel(args.store)}")
        return 0
    plan_id, array_id, merge_id = submitted
    print(f"{array_id} {merge_id}")
    if not args.wait:
        return 0
    if not slurm.wait_for([array_id, merge_id], args.wait_timeout):
        log(f"gave up waiting after {args.wait_timeout:g} s; jobs {array_id} {merge_id} still queued")
        return 1
    # The merge job has run; a second merge here is harmless and covers a merge job that failed.
    slurm.merge(args.store, final_plan=plan_id, log=log)
    with Store(args.store) as store:
        done = store.keys()
    missing = sum(1 for r in sweep.iter_runs() if run_key(r) not in done)
    log(f"sweep {sweep.name}: {missing} runs missing after the array")
    return 1 if missing else 0


def cmd_slurm_worker(args) -> int:
    task = args.task if args.task is not None else os.environ.get("SLURM_ARRAY_TASK_ID")
    if task is None:
        print("vpnsim-sweep: slurm-worker needs --task or $SLURM_ARRAY_TASK_ID", file=sys.stderr)
        return 2
    return slurm.work(args.plan, int(task), log=lambda m: print(m, flush=True))


def cmd_slurm_merge(args) -> int:
    n = slurm.merge(args.store, final_plan=args.final_plan)
    print(f"{n} new results merged into {args.store}")
    return 0


# -- helpers ------------------------------------------------------------------------------------

def _positive_int(text: str, high: int | None = None) -> int:
    allowed = f"allowed 1..{high}" if high else "allowed >= 1"
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer; {allowed}") from None
    if n < 1 or (high is not None and n > high):
        raise argparse.ArgumentTypeError(f"{n} is out of range; {allowed}")
    return n


def _jobs(text: str) -> int:
    return _positive_int(text, 1024)


def _number(text: str, low: float, high: float, low_open: bool, allowed: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; allowed {allowed}") from None
    too_low = x <= low if low_open else x < low
    if not math.isfinite(x) or too_low or x > high or (x != 0 and abs(x) < sys.float_info.min):
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; allowed {allowed}")
    return x + 0.0


def _seconds(text: str) -> float:
    return _number(text, 0, 7 * 86400, True, "0 < S <= 604800 (seconds)")


def _positive_float(text: str) -> float:
    return _number(text, 0, 1e12, True, "a finite number > 0")


def _fraction(text: str) -> float:
    return _number(text, 0, 1, False, "0 <= F <= 1")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the argument (exit status 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _small_sweep_runs(sweep) -> list[dict]:
    """The runs of a sweep that `status`, `plot` and `export` compare with the store."""
    if sweep.run_count() > EXACT_COUNT_LIMIT:
        raise SweepFileError(f"sweep file {sweep.path}: {sweep.run_count()} runs; status, plot "
                             f"and export select by sweep up to {EXACT_COUNT_LIMIT} runs "
                             "(leave out the sweep file to use the whole store)")
    return sweep.runs()


def _rel(path) -> str:
    """A path relative to the working directory when it is below it: shorter messages."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
