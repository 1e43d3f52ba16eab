"""Running a validation's trials: the simulation first (CPU-bound, many at once), the trials
--trials power plans from it, then the testbed (on namespaces one scenario per trial or per
batch, on a physical testbed in lanes), every result appended to records.jsonl as it comes;
on a physical testbed the testbed's runs come first and the simulation is then given the loss
measured on the wire.
"""
import concurrent.futures
import json
import os
import shutil
import sys
import tempfile
import threading
import time

import hosts
import testbed_batch
import validation_stats as vs
from testbed_batch import SKIP
from testbed_plan import BATCH_ON_ONE_ADDRESS, testbed_lanes, testbed_plan_lines
from validation_analysis import load_entries
from validation_options import config_of
from validation_sim import run_sim
from validation_testbed import run_testbed, run_testbed_cell, testbed_available


def execute(a):
    """Runs every trial; returns the entries written to records.jsonl."""
    os.makedirs(a.out, exist_ok=True)
    if not a.no_sim and not os.access(a.sim, os.X_OK):
        print(f"validate: --sim={a.sim}: not an executable (cmake --build build --target "
              "vpnsim-run)", file=sys.stderr)
        sys.exit(1)
    if not a.no_testbed and not a.testbed_records and not testbed_available():
        sys.exit(SKIP)
    if not a.power_trials:
        for line in vs.power_plan(a.trials, a.margin, a.alpha, ratio=a.sim_ratio):
            print(f"validate: {line}", file=sys.stderr)
    trials = {c.key: a.trials for c in a.cells}
    entries = []
    lock = threading.Lock()
    store = open(os.path.join(a.out, "records.jsonl"), "w")
    store.write(json.dumps({"validate_config": config_of(a)}) + "\n")

    def keep(side, cell, seed, record, err, span=None):
        entry = {"side": side, "encap": cell.encap, "asa": cell.asa, "level": cell.level.label,
                 "seed": seed, **(span or {})}
        if record is not None:
            entry["record"] = record
        else:
            entry["error"] = err
            print(f"validate: {side} {cell.encap} {cell.asa} {cell.level.label} seed {seed}: "
                  f"{err}", file=sys.stderr)
        with lock:
            entries.append(entry)
            store.write(json.dumps(entry, separators=(",", ":")) + "\n")
            store.flush()

    def simulate(plan):
        sim_work = tempfile.mkdtemp(prefix="sim-", dir=a.out)
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.sim_jobs) as pool:
            futures = {pool.submit(run_sim, a, c, s, sim_work): (c, s) for c, s in plan}
            for f in concurrent.futures.as_completed(futures):
                keep("simulation", *futures[f], *f.result())
        shutil.rmtree(sim_work, ignore_errors=True)
        print(f"validate: {len(plan)} simulation runs in {time.monotonic() - started:.0f} s",
              file=sys.stderr)

    # The simulation first (CPU-bound, seconds), then the testbed (wall-clock bound), so that
    # simulations do not compete with the real-time runs for the CPU.
    if not a.no_sim:
        first = a.trials if a.power_trials else a.sim_ratio * a.trials
        simulate([(c, s) for c in a.cells for s in range(1, first + 1)])
        if a.power_trials:
            trials = plan_trials(a, entries)
            simulate([(c, s) for c in a.cells
                      for s in range(first + 1, a.sim_ratio * trials[c.key] + 1)])
    elif a.power_trials:
        print(f"validate: --trials power without the simulation: {a.trials} trials per cell",
              file=sys.stderr)
    config = config_of(a)
    for c in config["cells"]:
        c["trials"] = trials[(c["encap"], c["asa"], c["level"])]
        c["sim_trials"] = a.sim_ratio * c["trials"]
    store.write(json.dumps({"validate_config": config}) + "\n")
    if a.testbed_records:
        _, stored = load_entries(a.testbed_records)
        for cell in a.cells:
            for entry in stored:
                if (entry.get("side") == "testbed" and entry["encap"] == cell.encap
                        and entry["level"] == cell.level.label
                        and entry.get("asa", cell.asa) == cell.asa):
                    entry["asa"] = cell.asa
                    with lock:
                        entries.append(entry)
                        store.write(json.dumps(entry, separators=(",", ":")) + "\n")
    elif not a.no_testbed:
        bed_work = os.path.join(a.out, "testbed")
        os.makedirs(bed_work, exist_ok=True)
        started = time.monotonic()
        skipped = False
        if a.batch:
            if a.hosts:
                a.testbed_plan = testbed_plan_lines(a, trials)
                for line in a.testbed_plan:
                    print(f"validate: testbed plan: {line}", file=sys.stderr)

            def run_jobs(jobs):
                """One lane's jobs, one after another; each entry keeps its job's wall-clock
                span, so that the records show which trials ran at once."""
                nonlocal skipped
                for cell, seed in jobs:
                    begun = time.time()
                    if seed is None:
                        results = list(enumerate(
                            run_testbed_cell(a, cell, trials[cell.key], bed_work), start=1))
                    else:
                        results = [(seed, run_testbed(a, cell, seed, bed_work))]
                    span = {"testbed_started": round(begun, 3),
                            "testbed_ended": round(time.time(), 3)}
                    for s, (record, err) in results:
                        if err == "skip":
                            skipped = True
                            return
                        keep("testbed", cell, s, record, err, span)
                    print(f"validate: testbed cell {cell.encap} {cell.asa} {cell.level.label}"
                          f"{'' if seed is None else f' seed {seed}'}: {len(results)} trials "
                          f"({time.monotonic() - started:.0f} s)", file=sys.stderr)

            # Every lane at once: the testbed waits on timers most of the time.
            lanes, alone = testbed_lanes(a, trials)
            with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(lanes))) as pool:
                for f in [pool.submit(run_jobs, lane) for lane in lanes]:
                    f.result()
            if not skipped:
                run_jobs(alone)
        else:
            plan = [(c, s) for c in a.cells for s in range(1, trials[c.key] + 1)]
            done = 0
            with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
                futures = {pool.submit(run_testbed, a, c, s, bed_work): (c, s) for c, s in plan}
                for f in concurrent.futures.as_completed(futures):
                    record, err = f.result()
                    if err == "skip":
                        skipped = True
                        continue
                    keep("testbed", *futures[f], record, err)
                    done += 1
                    print(f"validate: testbed {done}/{len(plan)} "
                          f"({time.monotonic() - started:.0f} s)", file=sys.stderr)
        if skipped:
            print("validate: skipped: the testbed needs root, network namespaces and nftables",
                  file=sys.stderr)
            sys.exit(SKIP)
    store.close()
    return entries


def plan_trials(a, entries):
    """--trials power: per cell, the testbed trials power 0.8 needs at the margin at the
    simulation's failure rate over its first --min-trials, the simulation running --sim-ratio
    times as many (vs.planned_trials), printed with the power."""
    trials = {}
    for cell in a.cells:
        records = [e.get("record") for e in entries if e["side"] == "simulation"
                   and (e["encap"], e["asa"], e["level"]) == cell.key]
        s = vs.summarize(records)
        at_rate, planned = vs.planned_trials(s["failures"], s["n"], a.margin, a.alpha,
                                             a.min_trials, ratio=a.sim_ratio)
        if planned is None or (a.batch and (not a.hosts or cell.encap in BATCH_ON_ONE_ADDRESS)
                               and testbed_batch.layout(cell.encap, planned) is None):
            print(f"validate: {cell.encap} {cell.asa} {cell.level.label}: power "
                  f"{vs.TARGET_POWER:g} needs more trials than the testbed can run "
                  f"({at_rate} at the simulated rate); running {a.trials}", file=sys.stderr)
            planned = a.trials
        trials[cell.key] = planned
        r = a.sim_ratio
        per = "per side" if r == 1 else f"on the testbed with {r} times as many simulated"
        running = (f"{planned}" if r == 1 else
                   f"{planned} on the testbed and {r * planned} simulated")
        print(f"validate: {cell.encap} {cell.asa} {cell.level.label}: simulated "
              f"{s['failures']}/{s['n']} failed; power {vs.TARGET_POWER:g} at margin "
              f"{a.margin:g} needs {at_rate} trials {per} at that rate, {planned} if the "
              f"testbed differs by one trial; running {running} (power "
              f"{vs.power(r * planned, planned, a.margin, s['rate'] or 0.0, a.alpha):.2f} at "
              "the simulated rate)", file=sys.stderr)
    return trials


def execute_physical(a):
    """A physical testbed: its runs first (testbed-runs/ under --out), then the loss measured
    on its wire per cell, then the simulation given that loss against the same testbed
    records."""
    out = a.out
    a.no_sim, a.out = True, os.path.join(out, "testbed-runs")
    execute(a)
    stored = os.path.join(a.out, "records.jsonl")
    _, entries = load_entries(stored)

    def records_of(cell):
        return [e.get("record") for e in entries if e["side"] == "testbed"
                and e["encap"] == cell.encap and e.get("asa", cell.asa) == cell.asa
                and e["level"] == cell.level.label]

    a.measured = hosts.measured_loss(a.cells, records_of)
    for cell in a.cells:
        if cell.level.kind == "random":
            cell.sim_loss = a.measured[cell.key]["loss"]
    for line in hosts.report_lines(a.measured):
        print(f"validate: {line}", file=sys.stderr)
    a.no_sim, a.out, a.testbed_records = False, out, stored
    return execute(a)
