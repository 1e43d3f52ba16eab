"""The validation's text report: the configuration both sides ran, per cell the failure counts
and rates with their intervals, causes, inner loss and difference tests, the segments the
testbed's middleboxes passed, then the equivalence test, power and time to failure per cell,
and the verdict.
"""
import sys

import hosts
import middlebox
from validation_cells import CLIENT_DPD_IDLE_S, CLIENT_DPD_RETRY_S, NAMES


def fmt_rate(s):
    if not s or not s["n"]:
        return "-"
    return f"{s['failures']}/{s['n']} {s['rate']:.2f} [{s['wilson_low']:.2f},{s['wilson_high']:.2f}]"


def fmt_causes(s):
    return ", ".join(f"{k} {v}" for k, v in sorted(s["causes"].items())) or "none"


def fmt_p(p):
    return "-" if p is None else (f"{p:.3f}" if p >= 0.001 else f"{p:.1e}")


def report(config, cells, verdict, out=sys.stdout):
    c = config or {}
    w = max([16] + [len(cell["label"]) for cell in cells])
    if c:
        where = (f"through simulation asa={c['asa']} / testbed fw={c['fw']}"
                 if not c.get("cells") else "cells ENCAP ASA LOSS")
        r = c.get("sim_ratio", 1)
        count = ((f"{c['trials']} trials per cell and side" if r == 1 else
                  f"{c['trials']} testbed and {r * c['trials']} simulated trials per cell")
                 if not c.get("trials_from_power") else
                 "testbed trials per cell from the power calculation"
                 + ("" if r == 1 else f", {r} times as many simulated"))
        print(f"{'/'.join(NAMES[e] for e in c['encaps'])} {where}; {count}"
              f"{' (one batch of concurrent tunnels per cell)' if c.get('batch') else ''}; simulation "
              f"{c['duration_s']:g} s (traffic from {c['sim_traffic_start_s']:g} s), testbed "
              f"{c['testbed_duration_s']:g} s; peer-timeout {c['peer_timeout_s']:g} s (R-U-THERE "
              f"after {CLIENT_DPD_IDLE_S:g} s idle, every {CLIENT_DPD_RETRY_S:g} s), ASA DPD "
              f"{c['asa_dpd_threshold_s']:g}/{c['asa_dpd_retry_s']:g} s; echo every "
              f"{c['traffic_interval_s']:g} s, {c['traffic_size_bytes']} B", file=out)
    if c.get("physical"):
        ph = c["physical"]
        print(f"physical testbed ({ph['hosts']}): middlebox {ph['middlebox'] or '(not described)'}"
              f"; {'a forwarder injects the loss' if ph['forwarder'] else 'loss only measured'}",
              file=out)
        for line in ph.get("testbed_plan", []):
            print(f"  {line}", file=out)
        for line in hosts.report_lines({tuple(k.split(" ")): m
                                        for k, m in ph["measured_loss"].items()}):
            print(line, file=out)
    print("failed k/n rate [95 % Wilson]; of them dpd / framing-error / other; runs with "
          "framing errors (segments); mean round-trip inner loss", file=out)
    head = (f"{'cell':<{w}} {'simulation':<27} {'dpd/frm/oth':<11} {'fe':<7} "
            f"{'loss':>5}   {'testbed':<27} {'dpd/frm/oth':<11} {'fe':<7} {'loss':>5}  "
            f"{'Fisher p':>8} {'Holm p':>8}  agree")
    print(head, file=out)

    def causes(s):
        if not s or not s["n"]:
            return "-"
        return f"{s['dpd_failures']}/{s['framing_failures']}/{sum(s['other_failures'].values())}"

    def fe(s):
        return "-" if not s or not s["n"] else f"{s['runs_with_framing_errors']}({s['framing_errors']})"

    def loss(s):
        x = s and s["round_trip_loss_mean"]
        return "-" if x is None or x is False else f"{x:.3f}"

    for cell in cells:
        s, t = cell["simulation"], cell["testbed"]
        agree = {"agree": "yes", "disagree": "NO", "inconclusive": "?"}.get(cell.get("verdict"),
                                                                            "-")
        print(f"{cell['label']:<{w}} {fmt_rate(s):<27} {causes(s):<11} "
              f"{fe(s):<7} {loss(s):>5}   {fmt_rate(t):<27} {causes(t):<11} {fe(t):<7} "
              f"{loss(t):>5}  {fmt_p(cell.get('fisher_p')):>8} "
              f"{fmt_p(cell.get('fisher_p_holm')):>8}  {agree}", file=out)
        for side, x in (("simulation", s), ("testbed", t)):
            if x and x["other_failures"]:
                print(f"{'':16} {side} other causes: {x['other_failures']}", file=out)
            if x and x["missing"]:
                print(f"{'':16} {side}: {x['missing']} run(s) left no record", file=out)
        if s and t and (s["causes"] or t["causes"]):
            print(f"{'':16} causes: simulation {fmt_causes(s)} | testbed {fmt_causes(t)}",
                  file=out)
        if cell.get("middlebox"):
            print(f"{'':16} testbed middlebox: {cell['middlebox']}", file=out)
    for line in middlebox.report_lines(cells):
        print(line, file=out)
    print(f"equivalence (TOST, margin +-{verdict['margin']:g}), power of the difference test at "
          f"the margin, testbed trials for power {verdict['target_power']:g} (at the cell's "
          "simulated/testbed ratio), time to failure "
          "(median of the failures; log-rank p, Holm p)", file=out)
    print(f"{'cell':<{w}} {'TOST p':>8} {'power':>5} {'need':>5}  "
          f"{'ttf sim':>7} {'ttf bed':>7} {'logrank':>8} {'Holm p':>8}  verdict", file=out)

    def median(x):
        v = x and x["time_to_failure_median_s"]
        return "-" if v is None or v is False else f"{v:.1f}"

    for cell in cells:
        s, t = cell["simulation"], cell["testbed"]
        pw = cell.get("power")
        print(f"{cell['label']:<{w}} {fmt_p(cell.get('equivalence_p')):>8} "
              f"{'-' if pw is None else f'{pw:.2f}':>5} "
              f"{cell.get('trials_for_power') or '-':>5}  {median(s):>7} {median(t):>7} "
              f"{fmt_p(cell.get('logrank_p')):>8} {fmt_p(cell.get('logrank_p_holm')):>8}  "
              f"{cell.get('verdict', '-')}", file=out)
    print(f"verdict: {verdict['verdict'].upper()} - {verdict['test']}", file=out)
    if verdict["disagreeing_cells"]:
        print(f"  disagreeing: {', '.join(verdict['disagreeing_cells'])}", file=out)
    if verdict.get("inconclusive_cells"):
        print(f"  inconclusive (too few trials for the power {verdict['target_power']:g} at "
              f"the margin): {', '.join(verdict['inconclusive_cells'])}", file=out)
    if verdict["incomplete_cells"]:
        print(f"  not compared (a side has no runs): {', '.join(verdict['incomplete_cells'])}",
              file=out)
    if verdict["note"]:
        print(f"  note: {verdict['note']}", file=out)
