#!/usr/bin/env python3
"""Merges the two runners' records of one testbed scenario into one run record.

Each vpnsim-runner writes the record of its own end. The simulation's record describes the
whole scenario, so this makes the same from both: the tunnel failed if either end gave it up
(the earlier end's cause and time), inner traffic is the client's probes as the headend
received them (one way, client to headend: the direction a cTCP stall stops), and the fw's
counters fill the middlebox fields. Keys and their order are those of engine::ToJson.

With --trials FILE (a batch: several client runners, or a client with several tunnels, against
one headend), every client tunnel is also merged with the headend's tunnel for it (the one
whose peer is that tunnel's address and, for cTCP, source port) into a record of its own, one
JSON line each: each tunnel is one trial.
"""
import argparse
import json
import os
import re
import sys

# What a runner's record must hold; a runner built before the record had them (a stale
# binary) left them out, and a merged record would then say "established" with no time up.
REQUIRED = ("established", "tunnel_up_s", "failed", "time_to_failure_s", "cause")


class StaleRecord(Exception):
    pass


def load(path):
    try:
        with open(path) as f:
            line = f.read().strip().splitlines()
        record = json.loads(line[-1]) if line else None
    except (OSError, ValueError):
        return None
    missing = [k for k in REQUIRED if record is not None and k not in record]
    if missing:
        raise StaleRecord(f"{path}: no {', '.join(missing)}: the record of a vpnsim-runner "
                          "older than the record format (rebuild it: cmake --build build "
                          "--target vpnsim-runner)")
    return record


def num(params, key, default=0.0):
    try:
        return float(params.get(key, default))
    except (TypeError, ValueError):
        return default


def tunnel_count(record):
    return int(num(record.get("parameters", {}), "tunnels", 1)) or 1


def tunnel_view(record, t):
    """Tunnel t of a runner's record as a record of that tunnel alone (the record itself when
    the runner had one tunnel): the outcome from the tunnel's own times and cause."""
    p = record.get("parameters", {})
    if "tunnels" not in p:
        return record
    key = f"tunnel.{t}."
    up, down = num(p, key + "time_up_s", -1), num(p, key + "time_down_s", -1)
    cause = p.get(key + "cause") or None
    view = dict(record)
    view["established"] = up >= 0
    view["tunnel_up_s"] = up if up >= 0 else None
    view["failed"] = up < 0 or (down >= 0 and cause is not None)
    view["cause"] = "not-established" if up < 0 else (cause if view["failed"] else None)
    view["time_to_failure_s"] = down - up if up >= 0 and view["failed"] else None
    params = {k: v for k, v in p.items() if not k.startswith("tunnel.")}
    params.update({k[len(key):]: v for k, v in p.items() if k.startswith(key)})
    params["probes_received"] = params.get("inner_received", params.get("probes_received", 0))
    params["probe_bytes_received"] = str(num(params, "probes_received")
                                         * num(p, "probe_size", 0))
    params["tunnel"] = str(t)
    view["parameters"] = params
    return view


def merge(client, headend, a, extra=None):
    """One run record from a client's and a headend's record of the same tunnel."""
    cp, hp = client.get("parameters", {}), headend.get("parameters", {})

    failed, ttf, cause = False, None, None
    # Established once both ends came up; the tunnel was up from the later of the two.
    established = all(r["established"] for r in (client, headend))
    ups = [r["tunnel_up_s"] for r in (client, headend)]
    tunnel_up = max(ups) if established else None
    ends = [r for r in (client, headend) if r.get("failed")]
    if not established:
        failed, cause = True, "not-established"
    elif ends:
        first = min(ends, key=lambda r: r.get("time_to_failure_s") or 0.0)
        failed, ttf, cause = True, first.get("time_to_failure_s"), first.get("cause")

    sent = int(num(cp, "probes_sent"))
    received = int(num(hp, "probes_received"))
    parameters = {"fw": a.fw, "wire_drops": str(a.wire_drops),
                  "wire_drops_reverse": str(a.wire_drops_reverse), **(extra or {})}
    if getattr(a, "wire_seen", 0) or getattr(a, "wire_seen_reverse", 0):
        parameters["wire_seen"] = str(a.wire_seen)
        parameters["wire_seen_reverse"] = str(a.wire_seen_reverse)
    for prefix, params in (("client.", cp), ("headend.", hp)):
        for k, v in params.items():
            parameters[prefix + k] = v
    if a.proxy and os.path.exists(a.proxy):
        try:
            with open(a.proxy) as f:
                proxy = json.loads(f.read().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            proxy = {}
        for k, v in proxy.items():
            parameters["proxy." + k] = str(v)
    if getattr(a, "segments", None):
        try:
            counts = json.loads(a.segments)
        except ValueError:
            counts = {}
        # fw.segments.c2s_in = data segments from the client that reached fw (of every tunnel
        # of the run), and their bytes.
        for k, v in sorted(counts.items()):
            parameters[f"fw.segments.{k}"] = str(v[0])
            parameters[f"fw.segment_bytes.{k}"] = str(v[1])
    if a.ping and os.path.exists(a.ping):
        with open(a.ping) as f:
            m = re.search(r"(\d+) packets transmitted, (\d+) received", f.read())
        if m:
            parameters["ping_sent"], parameters["ping_received"] = m.group(1), m.group(2)

    return {
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
        "ike_rekeys": client.get("ike_rekeys", 0),
        "ipsec_rekeys": client.get("ipsec_rekeys", 0),
        "asa_bytes_held": 0,
        "asa_drops": a.fw_invalid,
        "asa_drops_by_reason": {"conntrack-invalid": a.fw_invalid} if a.fw == "stateful" else {},
        "parameters": dict(sorted(parameters.items())),
    }


def trials(clients, headend, a):
    """One merged record per client tunnel, each with the headend's tunnel that served it (a
    tunnel the headend never saw: a headend view that never came up)."""
    served = {}
    for j in range(tunnel_count(headend)):
        view = tunnel_view(headend, j)
        p = view["parameters"]
        served[(p.get("peer_address", p.get("remote")), p.get("peer_port"))] = view
    never = dict(headend, established=False, tunnel_up_s=None, failed=True,
                 cause="not-established", time_to_failure_s=None,
                 parameters={"probes_received": "0"})
    out = []
    total = sum(tunnel_count(client) for client in clients)
    for c, client in enumerate(clients):
        for t in range(tunnel_count(client)):
            view = tunnel_view(client, t)
            p = view["parameters"]
            address = p.get("local")
            ports = client_ports(client["encap"], p)
            match = next((v for (addr, pport), v in served.items()
                          if addr == address and (ports is None or str(pport) in ports)), never)
            trial = len(out)
            # The fw's counters are the batch's, the runners' outer counters each runner's:
            # hosts.wire_counts shares them out over the trials by these.
            out.append(merge(view, match, a, {"trial": str(trial), "client_runner": str(c),
                                              "batch_tunnels": str(total),
                                              "runner_tunnels": str(tunnel_count(client))}))
            out[-1]["seed"] = a.seed * 1000 + trial
    return out


def client_ports(encap, params):
    """The ports the headend sees a client tunnel's packets come from, when several clients
    share an address (None: the address alone tells it): a cTCP tunnel's source port; a NAT-T
    runner's IKE port and the NAT-T port after it (runner --udp-source-port)."""
    if encap == "ctcp":
        return {str(params.get("local_port"))}
    if encap == "natt" and "udp_source_port" in params:
        first = int(num(params, "udp_source_port"))
        return {str(first), str(first + 1)}
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--client", required=True, action="append",
                   help="a client runner's record; the first one makes the printed record")
    p.add_argument("--headend", required=True)
    p.add_argument("--fw", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--wire-drops", type=int, default=0)
    p.add_argument("--wire-drops-reverse", type=int, default=0)
    p.add_argument("--wire-seen", type=int, default=0,
                   help="packets the loss rule saw, client to headend (0: no rule)")
    p.add_argument("--wire-seen-reverse", type=int, default=0)
    p.add_argument("--fw-invalid", type=int, default=0)
    p.add_argument("--proxy")
    p.add_argument("--ping")
    p.add_argument("--segments", help="fw's segment counters (lib.sh tb_segment_counts), JSON")
    p.add_argument("--trials", metavar="FILE",
                   help="also write one merged record per client tunnel (JSON lines)")
    a = p.parse_args()

    try:
        clients = [load(path) for path in a.client]
        headend = load(a.headend)
    except StaleRecord as e:
        print(f"merge_records: {e}", file=sys.stderr)
        return 1
    if any(c is None for c in clients) or headend is None:
        print("merge_records: a runner left no record", file=sys.stderr)
        return 1
    if a.trials:
        with open(a.trials, "w") as f:
            for record in trials(clients, headend, a):
                f.write(json.dumps(record, separators=(",", ":")) + "\n")
    print(json.dumps(merge(clients[0], headend, a), separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
