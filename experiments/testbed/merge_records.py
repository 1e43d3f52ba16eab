#!/usr/bin/env python3
"""Merges the two runners' records of one testbed scenario into one run record.

Each vpnsim-runner writes the record of its own end. The simulation's record describes the
whole scenario, so this makes the same from both: the tunnel failed if either end gave it up
(the earlier end's cause and time), inner traffic is the client's probes as the headend
received them (one way, client to headend: the direction a cTCP stall stops), and the fw's
counters fill the middlebox fields. Keys and their order are those of engine::ToJson.
"""
import argparse
import json
import os
import re
import sys


def load(path):
    try:
        with open(path) as f:
            line = f.read().strip().splitlines()
        return json.loads(line[-1]) if line else None
    except (OSError, ValueError):
        return None


def num(params, key, default=0.0):
    try:
        return float(params.get(key, default))
    except (TypeError, ValueError):
        return default


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--client", required=True)
    p.add_argument("--headend", required=True)
    p.add_argument("--fw", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--wire-drops", type=int, default=0)
    p.add_argument("--wire-drops-reverse", type=int, default=0)
    p.add_argument("--fw-invalid", type=int, default=0)
    p.add_argument("--proxy")
    p.add_argument("--ping")
    a = p.parse_args()

    client, headend = load(a.client), load(a.headend)
    if client is None or headend is None:
        print("merge_records: a runner left no record", file=sys.stderr)
        return 1
    cp, hp = client.get("parameters", {}), headend.get("parameters", {})

    failed, ttf, cause = False, None, None
    # Established once both ends came up; the tunnel was up from the later of the two.
    established = all(r.get("established", r.get("cause") != "not-established")
                      for r in (client, headend))
    ups = [r.get("tunnel_up_s") for r in (client, headend)]
    tunnel_up = max(ups) if established and all(isinstance(u, (int, float)) for u in ups) else None
    ends = [r for r in (client, headend) if r.get("failed")]
    if not established:
        failed, cause = True, "not-established"
    elif ends:
        first = min(ends, key=lambda r: r.get("time_to_failure_s") or 0.0)
        failed, ttf, cause = True, first.get("time_to_failure_s"), first.get("cause")

    sent = int(num(cp, "probes_sent"))
    received = int(num(hp, "probes_received"))
    parameters = {"fw": a.fw, "wire_drops": str(a.wire_drops),
                  "wire_drops_reverse": str(a.wire_drops_reverse)}
    for prefix, params in (("client.", cp), ("headend.", hp)):
        for k, v in params.items():
            parameters[prefix + k] = v
    if a.proxy and os.path.exists(a.proxy):
        proxy = load(a.proxy) or {}
        for k, v in proxy.items():
            parameters["proxy." + k] = str(v)
    if a.ping and os.path.exists(a.ping):
        with open(a.ping) as f:
            m = re.search(r"(\d+) packets transmitted, (\d+) received", f.read())
        if m:
            parameters["ping_sent"], parameters["ping_received"] = m.group(1), m.group(2)

    record = {
        "source": "testbed",
        "encap": client["encap"],
        "asa": a.fw,
        "loss_model": client["loss_model"],
        "loss": client["loss"],
        "seed": a.seed,
        "duration_s": a.duration,
        "established": established,
        "tunnel_up_s": tunnel_up,
        "failed": failed,
        "time_to_failure_s": ttf,
        "cause": cause,
        "inner_goodput_bps": num(hp, "probe_bytes_received") * 8 / a.duration,
        "inner_loss": max(0.0, 1.0 - received / sent) if sent else 0.0,
        "inner_sent": sent,
        "inner_received": received,
        "framing_errors": client.get("framing_errors", 0) + headend.get("framing_errors", 0),
        "asa_bytes_held": 0,
        "asa_drops": a.fw_invalid,
        "asa_drops_by_reason": {"conntrack-invalid": a.fw_invalid} if a.fw == "stateful" else {},
        "parameters": dict(sorted(parameters.items())),
    }
    print(json.dumps(record, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
