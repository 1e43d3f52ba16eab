"""The SLURM backend: a sweep's missing runs as one job array, merged into the same store.

    slurm-submit  writes a plan (the missing runs, the runner, the task count) beside the store,
                  submits an array of `tasks` tasks, each running slurm-worker on every
                  tasks-th run of the plan, and a merge job that starts when the array has ended
                  (afterany), whatever became of its tasks.
    slurm-worker  runs its share with the local executor into its own shard, a small SQLite
                  file, then marks the shard done.
    slurm-merge   copies every shard into the store (INSERT OR IGNORE on the run key) and
                  removes the shards whose task has ended.

Shards rather than one shared file because SQLite's locking is not to be trusted on network
filesystems (NFS, Lustre): each shard has a single writer, and only the merge job, one process,
writes the main store. Merging is idempotent, so a merge that is killed, repeated or run by hand
(`slurm-merge`) never loses or duplicates a result; a requeued task reopens its shard and skips
what it already did. Layout beside results/sweep.sqlite:

    results/sweep.slurm/plans/<plan>.json
    results/sweep.slurm/shards/<plan>_<task>.sqlite   (+ .done when the task finished)
    results/sweep.slurm/logs/<plan>_<task>.log
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from . import executor
from .keys import run_key
from .runner import REPO_ROOT, Runner
from .store import Store

SCRIPT = REPO_ROOT / "experiments" / "vpnsim-sweep"
DEFAULT_MAX_TASKS = 100
# A plan lists its runs in one JSON file that every task reads whole.
MAX_PLAN_RUNS = 1_000_000


class SlurmError(Exception):
    pass


def work_dir(store_path: Path) -> Path:
    store_path = Path(store_path).resolve()
    return store_path.with_name(store_path.stem + ".slurm")


def merge(store_path: Path, final_plan: str | None = None, log=print) -> int:
    """Merges every shard; removes those marked done and, with final_plan, every shard of that
    plan (its array has ended: a shard without a mark is from a task that was killed)."""
    shards_dir = work_dir(store_path) / "shards"
    added = 0
    with Store(store_path) as store:
        for shard in sorted(shards_dir.glob("*.sqlite")):
            n = store.merge_from(shard)
            added += n
            done = shard.with_suffix(".sqlite.done")
            finished = done.exists() or (final_plan is not None and shard.name.startswith(final_plan + "_"))
            log(f"merged {shard.name}: {n} new results" + (", removed" if finished else ""))
            if finished:
                for p in (shard, done, shard.with_suffix(".sqlite-journal")):
                    p.unlink(missing_ok=True)
    return added


def submit(sweep, store_path: Path, runner: Runner, tasks: int | None, cpus_per_task: int,
           sbatch_args: list[str], log=print) -> tuple[str, str, str] | None:
    """Submits the missing runs. Returns (plan id, array job id, merge job id), or None when
    nothing is missing."""
    store_path = Path(store_path).resolve()
    if any((work_dir(store_path) / "shards").glob("*.sqlite")):
        merge(store_path, log=log)  # count what earlier tasks already did
    with Store(store_path) as store:
        done = store.keys()
    if sweep.run_count() > MAX_PLAN_RUNS:
        raise SlurmError(f"sweep file {sweep.path}: {sweep.run_count()} runs; a SLURM plan holds "
                         f"at most {MAX_PLAN_RUNS} (split the sweep, or use `run`)")
    missing = [r for r in sweep.iter_runs() if run_key(r) not in done]
    if not missing:
        return None
    runner.check()
    tasks = max(1, min(tasks or DEFAULT_MAX_TASKS, len(missing)))
    plan_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
    wd = work_dir(store_path)
    for sub in ("plans", "shards", "logs"):
        (wd / sub).mkdir(parents=True, exist_ok=True)
    plan_path = wd / "plans" / f"{plan_id}.json"
    plan = {"plan": plan_id, "sweep": sweep.name, "sweep_file": str(Path(sweep.path).resolve()),
            "store": str(store_path), "runner": str(runner.path), "run_timeout_s": runner.timeout_s,
            "tasks": tasks, "jobs_per_task": cpus_per_task, "runs": missing}
    tmp = plan_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(plan, indent=1))
    os.replace(tmp, plan_path)  # a task never reads half a plan

    tool = [sys.executable, str(SCRIPT)]
    worker = shlex.join([*tool, "slurm-worker", "--plan", str(plan_path), "--task"]) + " $SLURM_ARRAY_TASK_ID"
    array_id = _sbatch([f"--array=0-{tasks - 1}", f"--cpus-per-task={cpus_per_task}",
                        f"--job-name=vpnsim-sweep-{sweep.name}", f"--chdir={wd}",
                        f"--output={wd / 'logs' / (plan_id + '_%a.log')}", *sbatch_args,
                        f"--wrap=exec {worker}"])
    merger = shlex.join([*tool, "slurm-merge", "--store", str(store_path), "--final-plan", plan_id])
    merge_id = _sbatch([f"--dependency=afterany:{array_id}", f"--job-name=vpnsim-merge-{sweep.name}",
                        f"--chdir={wd}", f"--output={wd / 'logs' / (plan_id + '_merge.log')}",
                        *sbatch_args, f"--wrap=exec {merger}"])
    log(f"plan {plan_path}: {len(missing)} runs in {tasks} tasks; array job {array_id}, "
        f"merge job {merge_id}")
    return plan_id, array_id, merge_id


def wait_for(job_ids: list[str], timeout_s: float, poll_s: float = 1.0) -> bool:
    """True when none of the jobs is pending or running any more, False on timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        p = subprocess.run(["squeue", "-h", "-o", "%i", "-j", ",".join(job_ids)],
                           capture_output=True, text=True)
        # squeue fails on ids it has forgotten: those jobs are over too.
        if p.returncode != 0 or not p.stdout.strip():
            return True
        time.sleep(poll_s)
    return False


def work(plan_path: Path, task: int, log=print) -> int:
    """One array task: its share of the plan into its own shard. Returns the exit status."""
    plan = json.loads(Path(plan_path).read_text())
    if not 0 <= task < plan["tasks"]:
        raise SlurmError(f"task {task} is outside 0..{plan['tasks'] - 1} of plan {plan_path}")
    runs = plan["runs"][task::plan["tasks"]]
    shard_path = work_dir(Path(plan["store"])) / "shards" / f"{plan['plan']}_{task}.sqlite"
    runner = Runner(plan["runner"], timeout_s=plan.get("run_timeout_s"))
    runner.check()
    jobs = int(os.environ.get("SLURM_CPUS_PER_TASK") or plan.get("jobs_per_task") or 1)
    with Store(shard_path, shard=True) as shard:
        todo = [r for r in runs if run_key(r) not in shard.keys()]
        log(f"task {task} of plan {plan['plan']}: {len(runs)} runs, {len(todo)} to do, "
            f"{jobs} at a time, shard {shard_path}")
        summary = executor.execute(todo, shard, runner, jobs, progress=False, log=log)
    shard_path.with_suffix(".sqlite.done").touch()
    log(f"task {task}: {summary.stored} stored, {summary.tunnel_failures} tunnel failures, "
        f"{summary.errors} errors")
    return 1 if summary.errors else 0


def _sbatch(args: list[str]) -> str:
    try:
        p = subprocess.run(["sbatch", "--parsable", *args], capture_output=True, text=True,
                           timeout=120)
    except FileNotFoundError:
        raise SlurmError("sbatch not found: is this a SLURM submit host?") from None
    if p.returncode != 0:
        raise SlurmError(f"sbatch failed ({p.returncode}): {p.stderr.strip()}")
    return p.stdout.strip().split(";")[0]
