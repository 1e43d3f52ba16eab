"""The testbed's middleboxes (the fw node), and how each one passed the TCP segments it carried.

The simulation's ASA proxy writes each in-order chunk it receives at once: one segment in, one
segment out. Of the testbed's two full proxies, tcp_proxy.py is the project's own, built to do
the same; HAProxy is an independent one, run as deployed, and whatever it merges or re-cuts
must show in the validation rather than be assumed away. The fw counts the TCP segments with
payload on each side and each way (experiments/testbed/lib.sh, tb_segments); the record keeps
them as parameters fw.segments.* (segments) and fw.segment_bytes.* (their IPv4 bytes).
"""

# Testbed fw mode: what it is, and the simulation ASA modes it stands for.
MIDDLEBOXES = {
    "bypass": ("plain IP forwarding", ("none", "bypass")),
    "stateful": ("nftables conntrack, strict TCP window tracking (be_liberal=0), "
                 "INVALID dropped", ("stateful",)),
    "proxy": ("tcp_proxy.py, transparent full TCP proxy, one write per read", ("proxy",)),
    "haproxy": ("HAProxy (Debian package), mode tcp, transparent (usesrc client)", ("proxy",)),
}
# A physical testbed's middlebox (validate --hosts) is a black box; the hosts file describes it
# and the report's "physical testbed" line quotes that description.
EXTERNAL = ("external", "the physical testbed's own (a black box, described in the hosts file)")
DIRECTIONS = (("c2s", "client->headend"), ("s2c", "headend->client"))


def allowed_for(asa):
    return [fw for fw, (_, asas) in MIDDLEBOXES.items() if asa in asas]


def describe(fw):
    if fw == EXTERNAL[0]:
        return EXTERNAL[1]
    return MIDDLEBOXES.get(fw, (fw, ()))[0]


def _count(params, kind, key):
    try:
        return int(params.get(f"fw.{kind}.{key}"))
    except (TypeError, ValueError):
        return None


def segments(records):
    """Sums the fw's segment counters over a cell's testbed runs: per direction, the data
    segments that reached the fw from the wire and that left it toward the other end, their
    mean IPv4 size, and the runs in which fewer left than came in (merged into larger
    segments, or held: a proxy's stall) or more (re-cut, or sent again by the proxy's own
    TCP). Through a forwarder the counts are equal but for drops. None when no record has
    the counters."""
    out, seen = {}, False
    for d, _ in DIRECTIONS:
        total = {"in": 0, "out": 0, "in_bytes": 0, "out_bytes": 0, "runs_fewer_out": 0,
                 "runs_more_out": 0}
        for r in records:
            p = (r or {}).get("parameters", {})
            if p.get("trial", "0") != "0":
                continue  # the tunnels of one batch share its fw: count its counters once
            si, so = _count(p, "segments", f"{d}_in"), _count(p, "segments", f"{d}_out")
            bi, bo = _count(p, "segment_bytes", f"{d}_in"), _count(p, "segment_bytes", f"{d}_out")
            if None in (si, so, bi, bo):
                continue
            seen = True
            total["in"] += si
            total["out"] += so
            total["in_bytes"] += bi
            total["out_bytes"] += bo
            total["runs_fewer_out"] += so < si
            total["runs_more_out"] += so > si
        for side in ("in", "out"):
            n = total[side]
            total[f"{side}_mean_bytes"] = round(total[f"{side}_bytes"] / n, 1) if n else None
        out[d] = total
    return out if seen else None


def report_lines(cells):
    """Lines for the validation report: per cell, how the testbed's fw passed the segments."""
    rows = [c for c in cells if c.get("segments")]
    if not rows:
        return []
    w = max([16] + [len(c["label"]) for c in rows])
    lines = ["data segments through the testbed's fw, per direction: in from the wire -> out "
             "to the far end (mean IPv4 bytes); runs with fewer out than in (merged or held) "
             "/ more (re-cut or sent again); the simulation's proxy: one segment in, one out"]
    for cell in rows:
        parts = []
        for d, name in DIRECTIONS:
            s = cell["segments"][d]
            parts.append(f"{name} {s['in']} ({s['in_mean_bytes'] or 0:g}) -> {s['out']} "
                         f"({s['out_mean_bytes'] or 0:g}), runs {s['runs_fewer_out']}/"
                         f"{s['runs_more_out']}")
        lines.append(f"{cell['label']:<{w}} " + "; ".join(parts))
    return lines
