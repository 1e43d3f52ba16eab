"""The analytic failure probability of cTCP through an in-order ASA, to set beside the simulation.

cTCP never retransmits, so the first upstream (client -> ASA) data segment lost before an
in-order device (TCP proxy, normalizer, IPS strict) leaves a hole that is never filled: that
direction is dead from then on. With independent (Bernoulli) loss p per packet a run of length
T fails when

1. setup: one of the client's IKE messages is lost. Main Mode and Quick Mode send 5 from the
   client (model/engine/ike-exchange.h); each of the 4 headend replies that is lost makes the
   client send its message once more, and that copy can be lost too. A lost SYN is no hole (the
   next IKE retransmission opens a new connection). P(setup ok) = (1-p)^5 (1-p^2)^4;
2. or later, one of the N upstream packets of the inner traffic is lost early enough for the
   tunnel to be declared dead before T. The first packet leaves at TRAFFIC_START_S, then one
   every I seconds; packet j counts when t_j + D <= T, D being the delay from its loss to the
   first DPD that gives up (model/engine/dpd.cc):
   - the client (CiscoClientDpd, doc/protocols.md §Cisco VPN Client DPD) declares the peer
     dead PeerTimeout after it last heard it, but after a quiet spell of its own longer than
     --dpd-idle it counts from its first unanswered send instead. With request/reply traffic (echo) the client last heard the reply
     to packet j-1, so D = PeerTimeout - I when I <= dpd-idle, else D = PeerTimeout;
   - the headend (AsaDpd, doc/protocols.md §ASA IKE keepalive) sends R-U-THERE after
     --asa-dpd-threshold without hearing the client, then every --asa-dpd-retry, and gives up
     when 3 retransmissions are unanswered:
     D = threshold + 4 retry - I, counted from packet j-1, the last it heard. This is the path
     when traffic toward the client keeps the client hearing its peer (voip: the headend's
     half of the call flows on), or when the headend's timers are the shorter.

    P(fail by T) = 1 - (1-p)^5 (1-p^2)^4 (1-p)^N,   N = #{j : t_j + D <= T}

Traffic profiles covered: echo (one request per --traffic-interval, answered) and voip (one
packet each way every 20 ms). Not covered, and never drawn: bulk (the upstream packet rate is
TCP's, set by its congestion window) and idle (upstream packets are only DPD answers, whose
timing depends on both ends' DPD state). Neither are burst (Gilbert) or trace loss (a burst is
one hole, so the formula would overstate it), several clients or topologies other than the
tech-note line. Left out as second order (p^2 per packet): a lost reply that makes the client
send an R-U-THERE of its own, one more upstream packet at risk; round-trip times (tens of ms
against DPD timers of seconds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .flags import IN_ORDER_ASA_MODES

COVERED_TRAFFIC = ("echo", "voip")
IKE_CLIENT_MESSAGES = 5  # Main Mode 1, 3, 5 and Quick Mode 1, 3
IKE_HEADEND_MESSAGES = 4  # Main Mode 2, 4, 6 and Quick Mode 2
TRAFFIC_START_S = 5.0  # inner traffic starts 5 s into the run (helper/scenario-run.h)
VOIP_INTERVAL_S = 0.02  # G.711-like: a packet every 20 ms each way (helper/inner-traffic.h)
ASA_DPD_RETRIES = 3  # unanswered retransmissions before the headend gives up (dpd.h)

# vpnsim-run's defaults, for flags a run did not set (helper/scenario.h).
DEFAULTS = {"peer-timeout": 90.0, "dpd-idle": 10.0, "asa-dpd-threshold": 300.0,
            "asa-dpd-retry": 2.0, "traffic": "echo", "traffic-interval": 1.0}
# The record's "parameters" names of the same settings.
_PARAMETERS = {"peer-timeout": "peer_timeout_s", "dpd-idle": "dpd_idle_s",
               "asa-dpd-threshold": "asa_dpd_threshold_s", "asa-dpd-retry": "asa_dpd_retry_s",
               "traffic": "traffic", "traffic-interval": "traffic_interval_s"}


@dataclass(frozen=True)
class Prediction:
    duration_s: float  # T
    traffic: str
    interval_s: float  # I: between the client's upstream packets
    peer_timeout_s: float = DEFAULTS["peer-timeout"]
    dpd_idle_s: float = DEFAULTS["dpd-idle"]
    asa_dpd_threshold_s: float = DEFAULTS["asa-dpd-threshold"]
    asa_dpd_retry_s: float = DEFAULTS["asa-dpd-retry"]
    delay_override_s: float | None = None  # D given by the user instead of the DPD rule

    @property
    def client_delay_s(self) -> float:
        """From the lost packet to the client's DPD giving up; inf where traffic toward the
        client keeps it hearing its peer."""
        if self.traffic == "voip":
            return math.inf
        if self.interval_s <= self.dpd_idle_s:
            return self.peer_timeout_s - self.interval_s
        return self.peer_timeout_s

    @property
    def headend_delay_s(self) -> float:
        return (self.asa_dpd_threshold_s + (ASA_DPD_RETRIES + 1) * self.asa_dpd_retry_s
                - self.interval_s)

    @property
    def detection_delay_s(self) -> float:
        if self.delay_override_s is not None:
            return self.delay_override_s
        return min(self.client_delay_s, self.headend_delay_s)

    @property
    def detected_by(self) -> str:
        if self.delay_override_s is not None:
            return "given"
        return "client DPD" if self.client_delay_s <= self.headend_delay_s else "headend DPD"

    @property
    def segments(self) -> int:
        """N: the upstream packets whose loss is detected before the run ends."""
        last = self.duration_s - self.detection_delay_s - TRAFFIC_START_S
        if last < 0:
            return 0
        sent = math.ceil((self.duration_s - TRAFFIC_START_S) / self.interval_s)
        return min(sent, math.floor(last / self.interval_s + 1e-9) + 1)

    def p_setup_ok(self, loss: float) -> float:
        return (1 - loss) ** IKE_CLIENT_MESSAGES * (1 - loss * loss) ** IKE_HEADEND_MESSAGES

    def p_fail(self, loss: float) -> float:
        return 1.0 - self.p_setup_ok(loss) * (1.0 - loss) ** self.segments

    def legend(self) -> str:
        what = (f"echo every {self.interval_s:g} s" if self.traffic == "echo"
                else f"{self.traffic}, a packet every {self.interval_s:g} s")
        return (f"analytic, cTCP via in-order ASA, {what}:\n"
                f"$1-(1-p)^{{{IKE_CLIENT_MESSAGES}}}(1-p^2)^{{{IKE_HEADEND_MESSAGES}}}"
                f"(1-p)^N$, N={self.segments} packets sent D={self.detection_delay_s:g} s "
                f"({self.detected_by}) before T={self.duration_s:g} s")


def applies_to(flags: dict) -> bool:
    return (flags.get("encap") == "ctcp" and flags.get("asa") in IN_ORDER_ASA_MODES
            and flags.get("loss-model", "bernoulli") == "bernoulli"
            and "topology" not in flags and "scenario" not in flags
            and flags.get("traffic", DEFAULTS["traffic"]) in COVERED_TRAFFIC)


def setting(run: dict, name: str):
    """A run's setting: its flag, else what its record says vpnsim-run used, else the default."""
    if name in run["flags"]:
        return run["flags"][name]
    said = run.get("record", {}).get("parameters", {}).get(_PARAMETERS[name])
    if said is None:
        return DEFAULTS[name]
    return said if name == "traffic" else float(said)


def prediction_for(run: dict) -> Prediction | None:
    """The prediction for one run's configuration; None where the model does not apply (the
    run's record may say more than its flags: settings it left at vpnsim-run's defaults)."""
    traffic = setting(run, "traffic")
    if not applies_to({**run["flags"], "traffic": traffic}):
        return None
    interval = VOIP_INTERVAL_S if traffic == "voip" else float(setting(run, "traffic-interval"))
    return Prediction(float(run["flags"]["duration"]), traffic, interval,
                      float(setting(run, "peer-timeout")), float(setting(run, "dpd-idle")),
                      float(setting(run, "asa-dpd-threshold")),
                      float(setting(run, "asa-dpd-retry")))


def predictions(runs: list[dict], segments_per_s: float | None = None,
                detection_delay_s: float | None = None) -> list[Prediction]:
    """One prediction per distinct configuration among the runs the model covers; the
    arguments replace the traffic's packet rate and the DPD rule's delay."""
    out: set[Prediction] = set()
    for r in runs:
        pred = prediction_for(r)
        if pred is None:
            continue
        if segments_per_s is not None:
            pred = replace(pred, interval_s=1.0 / segments_per_s)
        if detection_delay_s is not None:
            pred = replace(pred, delay_override_s=detection_delay_s)
        out.add(pred)
    return sorted(out, key=lambda p: (p.duration_s, p.traffic, p.interval_s, p.detection_delay_s))
