"""The validation's command line: its options, the checks that refuse a bad one (exit 2 and a
message naming the option and its allowed values), the cells they describe, and the
configuration (config_of) that records.jsonl and summary.json keep of them.
"""
import argparse
import math
import os
import sys

import hosts
import middlebox
import testbed_batch
import validation_stats as vs
from testbed_plan import BATCH_ON_ONE_ADDRESS
from validation_cells import (ASA_TO_FW, ENCAPS, PHYSICAL_ONLY_ASA, PROBE_OVERHEAD,
                              SIM_TRAFFIC_START_S, Cell, Level)

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def parse_args(argv, usage=""):
    """The options of argv, checked; usage is the command's help (its first line the
    description, the rest the epilog)."""
    doc = usage.splitlines() or [""]
    p = argparse.ArgumentParser(prog="validate", description=doc[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n".join(doc[1:]))
    p.add_argument("--encap", default="ctcp",
                   help="comma-separated: ctcp, natt, esp, anyconnect [ctcp]")
    p.add_argument("--asa", default="proxy",
                   help="simulation ASA mode: none, bypass, stateful, proxy [proxy]")
    p.add_argument("--fw", help="testbed middlebox for proxy cells: proxy (tcp_proxy.py) or "
                                "haproxy (HAProxy) [proxy]")
    p.add_argument("--hosts", metavar="FILE",
                   help="a physical testbed: the hosts file (doc/physical-testbed.md) names "
                        "the client, the headend and an optional loss-injecting forwarder, "
                        "reached over ssh; the middlebox between them is a black box. The "
                        "simulation is given the loss measured on the wire")
    p.add_argument("--loss", default="0,0.01,0.05",
                   help="comma-separated random loss fractions, 0 <= F < 1 [0,0.01,0.05]")
    p.add_argument("--drop-nth", default="",
                   help="comma-separated K: exact-drop levels (the K-th ESP packet), 1..100000")
    p.add_argument("--cells", default="",
                   help="comma-separated ENCAP:ASA:LOSS cells (e.g. ctcp:proxy:0.01,"
                        "ctcp:stateful:0.01) instead of --encap x --asa x --loss")
    p.add_argument("--trials", default="5",
                   help="per cell and side, 1..1000, or 'power': per cell the trials that give "
                        "power 0.8 at --margin at the simulation's failure rate (at least "
                        "--min-trials) [5]")
    p.add_argument("--min-trials", default="40",
                   help="with --trials power: the simulation's first trials per cell, and the "
                        "least planned, 1..1000 [40]")
    p.add_argument("--sim-ratio", default="1",
                   help="simulated trials per testbed trial, 1..20: the simulation runs this "
                        "many times the testbed's trials per cell [1]")
    p.add_argument("--batch", action="store_true",
                   help="the testbed runs each cell's trials as the concurrent tunnels of one "
                        "scenario, all cells at once (netns mode)")
    p.add_argument("--duration", default="60", help="simulation seconds, 10..3600 [60]")
    p.add_argument("--peer-timeout", default="30", help="client DPD, 30..480 s [30]")
    p.add_argument("--asa-dpd-threshold", default="10", help="10..3600 s [10]")
    p.add_argument("--asa-dpd-retry", default="2", help="2..10 s [2]")
    p.add_argument("--transform", default="aes-cbc-128-hmac-sha1-96")
    p.add_argument("--traffic-interval", default="0.05", help="echo interval, 0.001..60 s [0.05]")
    p.add_argument("--traffic-size", default="200", help="echo payload, 36..1300 bytes [200]")
    p.add_argument("--alpha", default="0.05", help="family-wise significance, 0.001..0.5 [0.05]")
    p.add_argument("--margin", default=str(vs.DEFAULT_MARGIN),
                   help="equivalence margin of the failure rates, 0.01..0.5 "
                        f"[{vs.DEFAULT_MARGIN:g}]")
    p.add_argument("--ttf-tolerance", default=str(vs.DEFAULT_TTF_TOLERANCE_S),
                   help="time-to-failure shift that is no disagreement, 0..60 s "
                        f"[{vs.DEFAULT_TTF_TOLERANCE_S:g}]")
    p.add_argument("--jobs", default="4", help="testbed runs at once, 1..32 [4]")
    p.add_argument("--sim-jobs", default=str(os.cpu_count() or 1),
                   help="simulation runs at once, 1..64 [cores]")
    p.add_argument("--sim", default=os.path.join(ROOT, "build", "examples", "vpnsim-run"))
    p.add_argument("--runner", help="vpnsim-runner binary (scenario's default otherwise)")
    p.add_argument("--no-sim", action="store_true", help="testbed only (no comparison)")
    p.add_argument("--no-testbed", action="store_true", help="simulation only (no comparison)")
    p.add_argument("--sim-arg", action="append", default=[], metavar="FLAG")
    p.add_argument("--testbed-arg", action="append", default=[], metavar="FLAG")
    p.add_argument("--out", default="validation-out")
    p.add_argument("--no-plot", action="store_true")
    p.add_argument("--strict", action="store_true", help="exit 1 unless the verdict is agree")
    p.add_argument("--from-records", metavar="FILE",
                   help="analyse this records.jsonl instead of running")
    p.add_argument("--plan", action="store_true",
                   help="print the power --trials give at --margin and the trials power 0.8 "
                        "needs, and exit")
    p.add_argument("--testbed-records", metavar="FILE",
                   help="the testbed side from this records.jsonl; run the simulation only")
    a = p.parse_args(argv)
    a.hosts_info, a.client_addresses = None, None
    if a.hosts:
        try:
            a.hosts_info = hosts.load(a.hosts)
        except hosts.HostsError as e:
            p.error(f"--hosts: {e}")
        os.environ.update(a.hosts_info["env"])
        a.client_addresses = a.hosts_info["client_addresses"]
    a.cells_text, a.cells_given = a.cells, bool(a.cells.strip())
    if a.cells_given and not a.from_records:
        a.loss = a.loss or "0"  # the levels come from --cells

    def fail(flag, value, allowed):
        p.error(f"--{flag}={value}: allowed {allowed}")

    def number(flag, lo, hi, integer=False, allowed=None):
        text = getattr(a, flag.replace("-", "_"))
        try:
            v = int(text) if integer else float(text)
        except (TypeError, ValueError):
            fail(flag, text, allowed or f"{lo}..{hi}")
        if not (lo <= v <= hi) or (not integer and not math.isfinite(v)):
            fail(flag, text, allowed or f"{lo}..{hi}")
        setattr(a, flag.replace("-", "_"), v)

    a.encaps = [e for e in a.encap.split(",") if e]
    if not a.encaps or any(e not in ENCAPS for e in a.encaps) or len(set(a.encaps)) < len(a.encaps):
        fail("encap", a.encap, "a comma-separated list of ctcp, natt, esp, anyconnect")
    if a.hosts and a.asa not in (*ASA_TO_FW, *PHYSICAL_ONLY_ASA):
        fail("asa", a.asa, f"{', '.join((*ASA_TO_FW, *PHYSICAL_ONLY_ASA))} (the mode the "
             "physical middlebox is configured as)")
    elif not a.hosts and a.asa not in ASA_TO_FW:
        fail("asa", a.asa, "none, bypass, stateful, proxy (the testbed has no normalizer or IPS)")
    a.levels = []
    try:
        losses = [float(x) for x in a.loss.split(",") if x.strip() != ""]
    except ValueError:
        fail("loss", a.loss, "comma-separated fractions 0 <= F < 1 (0.01 is 1 %)")
    if any(not 0 <= x < 1 for x in losses):
        fail("loss", a.loss, "comma-separated fractions 0 <= F < 1 (0.01 is 1 %)")
    a.levels += [Level("random", x) for x in sorted(set(losses))]
    try:
        drops = [int(x) for x in a.drop_nth.split(",") if x.strip() != ""]
    except ValueError:
        fail("drop-nth", a.drop_nth, "comma-separated whole numbers 1..100000")
    if any(not 1 <= k <= 100000 for k in drops):
        fail("drop-nth", a.drop_nth, "comma-separated whole numbers 1..100000")
    a.levels += [Level("drop", k) for k in sorted(set(drops))]
    if not a.levels and not a.from_records:
        fail("loss", a.loss, "at least one level (or --drop-nth)")
    a.power_trials = a.trials == "power"
    if a.power_trials:
        a.trials = "40" if a.from_records else a.min_trials
    number("trials", 1, 1000, integer=True, allowed="1..1000 or power")
    number("min-trials", 1, 1000, integer=True)
    number("sim-ratio", 1, 20, integer=True)
    number("duration", 10, 3600)
    # The endpoint parameter table's ranges (model/engine/endpoint-config.h), which both sides
    # take; tests/experiments/test_parameter_ranges.py holds these lines to it.
    number("peer-timeout", 30, 480)
    number("asa-dpd-threshold", 10, 3600)
    number("asa-dpd-retry", 2, 10)
    number("traffic-interval", 0.001, 60)
    number("traffic-size", 36, 1300, integer=True,
           allowed="36..1300 (the runner's probe is at least 64 bytes with its headers)")
    number("alpha", 0.001, 0.5)
    number("margin", 0.01, 0.5)
    number("ttf-tolerance", 0, 60)
    number("jobs", 1, 32, integer=True)
    number("sim-jobs", 1, 64, integer=True)
    transforms = ("aes-cbc-128-hmac-sha1-96", "aes-cbc-256-hmac-sha1-96", "aes-gcm-128",
                  "aes-gcm-256", "null-hmac-sha1-96")
    if a.transform not in transforms:
        fail("transform", a.transform, ", ".join(transforms))
    if a.no_sim and a.no_testbed:
        p.error("--no-sim and --no-testbed: at most one of them")
    if a.from_records and not os.path.isfile(a.from_records):
        fail("from-records", a.from_records, "an existing records.jsonl file")
    if a.testbed_records and (not os.path.isfile(a.testbed_records) or a.from_records
                              or a.no_testbed or a.no_sim):
        fail("testbed-records", a.testbed_records, "an existing records.jsonl file, without "
             "--from-records, --no-sim or --no-testbed")
    if (os.environ.get("TB_MODE", "netns") == "hosts" and a.jobs > 1 and not a.no_testbed
            and not a.hosts):  # a hosts file runs batches and lanes (testbed_lanes), no jobs
        print(f"validate: --jobs={a.jobs}: TB_MODE=hosts is one testbed, its runs cannot "
              "overlap: --jobs=1", file=sys.stderr)
        a.jobs = 1
    if a.fw is not None and (a.hosts or a.fw not in middlebox.allowed_for("proxy")):
        fail("fw", a.fw, ", ".join(middlebox.allowed_for("proxy")) + ", without --hosts")
    if a.hosts:
        # The middlebox is the physical one; a forwarder, if any, only forwards and drops.
        a.fw = "external"
    a.fw = a.fw or ASA_TO_FW[a.asa]
    a.testbed_duration = a.duration - SIM_TRAFFIC_START_S
    a.cells = [Cell(e, a.asa, lv) for e in a.encaps for lv in a.levels]
    if a.cells_given:
        a.cells = []
        for item in (x.strip() for x in a.cells_text.split(",") if x.strip()):
            parts = item.split(":")
            try:
                encap, asa, loss = parts
                loss = float(loss)
            except ValueError:
                fail("cells", a.cells_text, "comma-separated ENCAP:ASA:LOSS, e.g. ctcp:proxy:0.01")
            if encap not in ENCAPS or asa not in ASA_TO_FW or not 0 <= loss < 1:
                fail("cells", a.cells_text, "ENCAP in ctcp, natt, esp, anyconnect; ASA in none, "
                     "bypass, stateful, proxy; 0 <= LOSS < 1")
            a.cells.append(Cell(encap, asa, Level("random", loss)))
        if not a.cells or len({c.key for c in a.cells}) < len(a.cells):
            fail("cells", a.cells_text, "at least one cell, each once")
        a.encaps = list(dict.fromkeys(c.encap for c in a.cells))
        a.levels = list({c.level.label: c.level for c in a.cells}.values())
    if a.hosts:
        for c in a.cells:
            c.chosen_fw = "external"
        if not a.hosts_info["forwarder"] and any(
                c.level.kind != "random" or c.level.value > 0 for c in a.cells):
            fail("loss", a.loss, "0 only (and no --drop-nth): the hosts file names no "
                 "forwarder, so the loss on the wire is only measured")
    elif a.fw in middlebox.allowed_for("proxy"):
        # --fw chooses the full proxy that stands for the simulation's ASA proxy.
        for c in a.cells:
            if c.asa == "proxy":
                c.chosen_fw = a.fw
    if a.hosts:
        # A physical testbed runs batches wherever its one client address allows; the other
        # cells run one trial at a time (testbed_lanes).
        a.batch = True
    elif a.batch:
        if os.environ.get("TB_MODE", "netns") != "netns":
            p.error("--batch: allowed only with the netns testbed (TB_MODE=netns) or --hosts")
        if any(c.level.kind != "random" for c in a.cells):
            fail("drop-nth", a.drop_nth, "none with --batch (random loss only)")
        if any(c.encap == "anyconnect" for c in a.cells):
            fail("encap", a.encap, "ctcp, natt, esp with --batch")
    if a.batch and not a.power_trials and any(
            testbed_batch.layout(c.encap, a.trials) is None for c in a.cells
            if not a.hosts or c.encap in BATCH_ON_ONE_ADDRESS):
        fail("trials", a.trials, "at most 200 per cell with --batch")
    return a


def config_of(a):
    return {
        "encaps": a.encaps, "asa": a.asa, "fw": a.fw,
        "cells": [c.describe() for c in a.cells], "batch": a.batch,
        "trials_from_power": a.power_trials, "min_trials": a.min_trials,
        "sim_ratio": a.sim_ratio,
        "levels": [lv.label for lv in a.levels], "trials": a.trials,
        "duration_s": a.duration, "testbed_duration_s": a.testbed_duration,
        "sim_traffic_start_s": SIM_TRAFFIC_START_S,
        "peer_timeout_s": a.peer_timeout, "asa_dpd_threshold_s": a.asa_dpd_threshold,
        "asa_dpd_retry_s": a.asa_dpd_retry, "transform": a.transform,
        "traffic_interval_s": a.traffic_interval, "traffic_size_bytes": a.traffic_size,
        "probe_rate_per_s": 1 / a.traffic_interval,
        "probe_size_bytes": a.traffic_size + PROBE_OVERHEAD,
        "testbed_records": a.testbed_records, "alpha": a.alpha, "margin": a.margin, "ttf_tolerance_s": a.ttf_tolerance,
        "sim_args": a.sim_arg, "testbed_args": a.testbed_arg,
    }
