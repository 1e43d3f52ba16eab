"""The analytic failure probability of cTCP through an in-order ASA, to set beside the simulation.

cTCP never retransmits, so the first upstream (client -> ASA) segment lost before an in-order
device (TCP proxy, normalizer, IPS strict) leaves a hole that is never filled: that direction is
dead from then on. With independent (Bernoulli) loss p per segment and r upstream segments per
second, a run of length T fails when one of the segments sent before T - D is lost, D being the
time from the loss to the client's DPD declaring the peer dead (a loss later than that kills the
tunnel only after the run ends):

    P(fail by T) = 1 - (1 - p)^N(T),    N(T) = r * max(0, T - D)

D = 10 s (the client starts DPD after about 10 s without hearing the peer) + PeerTimeout (90 s by
default), per doc/protocols.md §Cisco VPN Client DPD. r is read from the records: the median of
inner_sent / duration_s over the cTCP in-order runs that survived (each inner packet is one ESP
packet, one cTCP segment; zero-length keepalives carry no sequence space and cannot leave a hole),
or 1 / traffic-interval if no record says how much it sent. Burst (Gilbert) loss is not covered: a burst is one
hole, so the formula would overstate it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from .flags import IN_ORDER_ASA_MODES

DPD_TRIGGER_S = 10.0  # R-U-THERE after ~10 s of silence (doc/protocols.md §Cisco VPN Client DPD)
DEFAULT_PEER_TIMEOUT_S = 90.0  # Cisco VPN Client PeerTimeout default

FORMULA = "1-(1-p)^{r(T-D)}"


@dataclass(frozen=True)
class Prediction:
    duration_s: float  # T
    detection_delay_s: float  # D
    segments_per_s: float  # r

    def p_fail(self, loss: float) -> float:
        n = self.segments_per_s * max(0.0, self.duration_s - self.detection_delay_s)
        return 1.0 - (1.0 - loss) ** n

    def legend(self) -> str:
        return (f"analytic, cTCP via in-order ASA: $1-(1-p)^{{r(T-D)}}$\n"
                f"r={self.segments_per_s:.3g} upstream segments/s, T={self.duration_s:g} s, "
                f"D={self.detection_delay_s:g} s")


def applies_to(flags: dict) -> bool:
    return (flags.get("encap") == "ctcp" and flags.get("asa") in IN_ORDER_ASA_MODES
            and flags.get("loss-model", "bernoulli") == "bernoulli")


def detection_delay(run: dict) -> float:
    """10 s + the run's peer timeout: its flag, else what the record says vpnsim-run used."""
    timeout = run["flags"].get("peer-timeout")
    if timeout is None:
        timeout = _parameter(run, "peer_timeout_s", DEFAULT_PEER_TIMEOUT_S)
    return DPD_TRIGGER_S + float(timeout)


def _parameter(run: dict, name: str, default=None):
    """A number from the record's "parameters" (vpnsim-run writes them as text)."""
    try:
        return float(run["record"].get("parameters", {})[name])
    except (KeyError, TypeError, ValueError):
        return default


def segment_rate(runs: list[dict]) -> float | None:
    """Upstream segments per second from stored runs (see the module text)."""
    def rate(r):
        rec = r["record"]
        sent, dur = rec.get("inner_sent"), rec.get("duration_s") or r["flags"].get("duration")
        return sent / dur if isinstance(sent, (int, float)) and dur else None

    survived = [x for x in (rate(r) for r in runs if not r["record"]["failed"]) if x]
    if survived:
        return statistics.median(survived)
    every = [x for x in (rate(r) for r in runs) if x]
    if every:
        return statistics.median(every)
    intervals = {r["flags"].get("traffic-interval", _parameter(r, "traffic_interval_s")) for r in runs}
    intervals.discard(None)
    if len(intervals) == 1:
        return 1.0 / intervals.pop()
    return None


def predictions(runs: list[dict], segments_per_s: float | None = None,
                detection_delay_s: float | None = None) -> list[Prediction]:
    """One prediction per (duration, detection delay) among the runs it applies to; the
    arguments override what the records say."""
    groups: dict[tuple, list[dict]] = {}
    for r in runs:
        if applies_to(r["flags"]):
            d = detection_delay_s if detection_delay_s is not None else detection_delay(r)
            groups.setdefault((float(r["flags"]["duration"]), d), []).append(r)
    out = []
    for (duration, delay), group in sorted(groups.items()):
        rate = segments_per_s if segments_per_s is not None else segment_rate(group)
        if rate:
            out.append(Prediction(duration, delay, rate))
    return out
