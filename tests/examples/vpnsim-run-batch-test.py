#!/usr/bin/python3
"""vpnsim-run --batch gives, for every line, the record a separate vpnsim-run process prints
for the same values, byte for byte, whatever runs came before it in the batch.

The runs mix every encapsulation, ASA mode, loss model and topology; they are fed in two
shuffled orders (one of them repeats a run at both ends), and each record is compared with a
separate process. A bad line in the middle gets an error record naming the flag and the batch
goes on, ending with exit status 2.

usage: vpnsim-run-batch-test.py VPNSIM_RUN SOURCE_DIR
"""
import json
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RUNNER = sys.argv[1]
TOPOLOGIES = Path(sys.argv[2]) / "examples" / "topologies"


def runs(trace: Path) -> list[dict]:
    """Every encapsulation, ASA mode, loss model and topology at least once; short sessions
    with enough loss that some tunnels die and some survive."""
    short = {"duration": 120}
    out = []
    for encap, asa in [("ctcp", "proxy"), ("ctcp", "normalizer"), ("ctcp", "ips-strict"),
                       ("ctcp", "stateful"), ("ctcp", "bypass"), ("ctcp", "none"),
                       ("natt", "proxy"), ("esp", "normalizer"), ("anyconnect", "proxy")]:
        out.append({**short, "encap": encap, "asa": asa, "loss": 0.03, "seed": len(out) + 1})
    out.append({**short, "encap": "ctcp", "asa": "normalizer", "loss-model": "gilbert",
                "loss": 0.02, "burst": 4, "seed": 2})
    out.append({**short, "encap": "natt", "asa": "stateful", "loss-model": "gilbert",
                "loss": 0.05, "burst": 2, "seed": 3, "jitter": 0.002})
    out.append({**short, "encap": "ctcp", "asa": "proxy", "loss-model": "trace",
                "loss-trace": str(trace), "seed": 1})
    out.append({**short, "encap": "natt", "asa": "proxy", "loss": 0.01, "seed": 5,
                "topology": str(TOPOLOGIES / "branch-office.dot"), "nat-keepalive": 0})
    out.append({**short, "encap": "anyconnect", "asa": "stateful", "loss": 0.01, "seed": 6,
                "topology": str(TOPOLOGIES / "branch-office.dot")})
    out.append({**short, "encap": "esp", "asa": "none", "loss": 0.02, "seed": 7,
                "topology": str(TOPOLOGIES / "multi-hop.dot"), "traffic": "voip"})
    out.append({**short, "encap": "ctcp", "asa": "ips-strict", "loss": 0.01, "seed": 8,
                "topology": str(TOPOLOGIES / "tech-note.dot"), "traffic": "bulk"})
    return out


def flags(run: dict) -> list[str]:
    return [f"--{k}={v}" for k, v in run.items()]


def single(run: dict) -> str:
    p = subprocess.run([RUNNER, *flags(run)], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        sys.exit(f"FAIL: separate run {flags(run)} exited {p.returncode}: {p.stderr}")
    return p.stdout.rstrip("\n")


def batch(lines: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([RUNNER, "--batch"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=600)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        trace = Path(tmp) / "drops.txt"
        trace.write_text("mode time\n30\n30.2\n70\n")
        cases = runs(trace)
        with ThreadPoolExecutor(2) as pool:
            expected = list(pool.map(single, cases))
        failures = [r for r in expected if json.loads(r)["failed"]]
        if not failures or len(failures) == len(expected):
            print(f"FAIL: the runs must mix failed and surviving tunnels "
                  f"({len(failures)} of {len(expected)} failed)")
            return 1
        for shuffle_seed in (1, 2):
            order = list(range(len(cases)))
            random.Random(shuffle_seed).shuffle(order)
            if shuffle_seed == 2:
                order.append(order[0])  # the same run first and last
            p = batch([json.dumps(cases[i]) for i in order])
            got = p.stdout.splitlines()
            if p.returncode != 0 or len(got) != len(order):
                print(f"FAIL: batch {shuffle_seed}: exit {p.returncode}, {len(got)} lines for "
                      f"{len(order)} runs: {p.stderr}")
                return 1
            for position, (i, line) in enumerate(zip(order, got)):
                if line != expected[i]:
                    print(f"FAIL: batch {shuffle_seed}, line {position + 1} {cases[i]}:\n"
                          f"  batch:    {line}\n  separate: {expected[i]}")
                    return 1
            print(f"batch {shuffle_seed}: {len(order)} records identical to separate runs")

        # A bad line: an error record naming the flag, the runs around it still happen.
        good = json.dumps({"duration": 30, "seed": 2})
        p = batch([good, '{"duration": 30, "loss": 1.5}', "{not json", '{"lose": 0.1}', good])
        got = p.stdout.splitlines()
        errors = [json.loads(line) for line in got[1:4]]
        if (p.returncode != 2 or len(got) != 5 or got[0] != got[4]
                or json.loads(got[0]).get("failed") is None
                or errors[0]["line"] != 2
                or not errors[0]["error"].startswith("line 2: --loss=1.5: allowed 0 <= loss < 1 "
                                                     "(a fraction: 0.01 is 1%)")
                or "line 3: not valid JSON" not in errors[1]["error"]
                or "line 4: unknown key 'lose'" not in errors[2]["error"]
                or "--loss=1.5" not in p.stderr):
            print(f"FAIL: bad lines: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
            return 1
        print("bad lines: error records naming the flag, the batch went on, exit status 2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
