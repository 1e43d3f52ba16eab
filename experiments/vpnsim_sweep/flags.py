"""The flags of vpnsim-run that a sweep may set, with their types and allowed values.

This table mirrors vpnsim-run's flags and its checks, so that a typo in a sweep file is refused
before hundreds of runs start. The numeric ranges are the engine's parameter table
(model/engine/endpoint-config.h) and the scenario's own (helper/scenario-parameters.cc); a test
holds every line here to `vpnsim-run --ranges-json` (tests/experiments/test_parameter_ranges.py).
vpnsim-run stays the final judge: a value it refuses (exit status 2) is reported as a run error,
with its message. To sweep a new vpnsim-run flag, add one line here.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass


class FlagError(ValueError):
    """A value a flag does not accept; the message says what is allowed."""


@dataclass(frozen=True)
class Flag:
    name: str
    kind: str  # "choice", "number", "integer" or "file" (a path, resolved by the sweep file)
    help: str
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    high_open: bool = False  # True: the range is [low, high), else [low, high]
    or_zero: bool = False  # 0 is allowed too ("off")
    # The flag only means something when another flag has one of these values (e.g. burst with
    # the Gilbert model); elsewhere it is dropped so equal runs get equal keys.
    applies_if: tuple[str, tuple[str, ...]] | None = None

    def range_text(self) -> str:
        high = "inf" if self.high is None else _number_text(self.high)
        text = f"[{_number_text(self.low)}, {high}{')' if self.high_open or self.high is None else ']'}"
        return f"{text} or 0 (off)" if self.or_zero else text

    def check(self, value):
        """Returns the value in canonical form (see canonical_number) or raises FlagError."""
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise FlagError(f"{value!r} is not one of {', '.join(self.choices)}")
            return value
        if self.kind == "file":
            if not isinstance(value, str) or not value:
                raise FlagError(f"{value!r} is not a non-empty string")
            return value
        # TOML booleans are Python ints; a boolean is never a number here.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FlagError(f"{value!r} is not a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise FlagError(f"{value!r} is not a finite number")
        if isinstance(value, float) and value != 0 and abs(value) < sys.float_info.min:
            raise FlagError(f"{value!r} is subnormal, which no range allows "
                            f"(allowed {self.range_text()})")
        if self.kind == "integer" and not float(value).is_integer():
            raise FlagError(f"{value!r} is not an integer")
        if self.or_zero and value == 0:
            return canonical_number(value)
        too_low = self.low is not None and value < self.low
        too_high = self.high is not None and (value >= self.high if self.high_open else value > self.high)
        if too_low or too_high:
            raise FlagError(f"{value!r} is out of range {self.range_text()}")
        return canonical_number(value)


def canonical_number(value):
    """One spelling per number: 600, 600.0 and 6e2 all become the int 600, so the key of a run
    and the flag passed to vpnsim-run do not depend on how the sweep file wrote it."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _number_text(x) -> str:
    return "-inf" if x is None else repr(canonical_number(x))


ENCAPSULATIONS = ("ctcp", "natt", "esp", "anyconnect")
ASA_MODES = ("none", "stateful", "normalizer", "ips-strict", "proxy", "bypass")
# ASA modes that hold a TCP direction in order: one upstream loss stops cTCP for good.
IN_ORDER_ASA_MODES = ("proxy", "normalizer", "ips-strict")

_FLAGS = (
    Flag("encap", "choice", "how IPsec crosses the network", choices=ENCAPSULATIONS),
    Flag("asa", "choice", "ASA treatment of the tunnel's flow", choices=ASA_MODES),
    Flag("loss", "number", "mean loss fraction on the client-ASA link", low=0, high=1, high_open=True),
    Flag("loss-model", "choice", "loss pattern", choices=("bernoulli", "gilbert", "trace")),
    Flag("burst", "number", "mean loss burst length, packets (Gilbert)", low=1, high=1000,
         applies_if=("loss-model", ("gilbert",))),
    Flag("loss-trace", "file", "drop list file (trace model)", applies_if=("loss-model", ("trace",))),
    Flag("jitter", "number", "extra delay per packet on the Internet link (uniform up to), s", low=0, high=1),
    Flag("duration", "number", "session length, s", low=10, high=7 * 86400),
    Flag("transform", "choice", "ESP transform",
         choices=("aes-cbc-128-hmac-sha1-96", "aes-cbc-256-hmac-sha1-96", "aes-gcm-128",
                  "aes-gcm-256", "null-hmac-sha1-96")),
    Flag("peer-timeout", "number", "client DPD: peer dead this long after last heard, s", low=30, high=480),
    Flag("dpd-idle", "number", "client DPD: silence before an R-U-THERE, s", low=1, high=3600),
    Flag("dpd-retry", "number", "client DPD: R-U-THERE repeat interval, s", low=1, high=3600),
    Flag("asa-dpd-threshold", "number", "headend DPD idle threshold, s", low=10, high=3600),
    Flag("asa-dpd-retry", "number", "headend DPD retry interval, s", low=2, high=10),
    Flag("nat-keepalive", "number", "NAT-T keepalive interval, s", low=10, high=3600, or_zero=True),
    Flag("anyconnect-dpd", "number", "AnyConnect DPD interval, s", low=5, high=3600),
    Flag("anyconnect-keepalive", "number", "AnyConnect keepalive interval, s", low=1, high=3600,
         or_zero=True),
    Flag("idle-timeout", "number", "headend vpn-idle-timeout, s", low=60, high=7 * 86400,
         or_zero=True),
    Flag("ike-lifetime", "number", "IKE (phase 1) SA lifetime, s", low=120, high=2147483647),
    Flag("ipsec-lifetime", "number", "IPsec (phase 2) SA lifetime, s", low=120, high=2147483647),
    Flag("ipsec-lifetime-kb", "integer", "IPsec SA traffic-volume lifetime, KB", low=10,
         high=2147483647, or_zero=True),
    Flag("key-seed", "integer", "seed of the static ESP and IKE keys", low=0, high=255),
    Flag("traffic", "choice", "inner traffic", choices=("echo", "voip", "bulk", "idle")),
    Flag("traffic-interval", "number", "echo interval, s", low=0.001, high=3600),
    Flag("traffic-size", "integer", "echo payload, bytes", low=8, high=1300),
    Flag("topology", "file", "GraphViz DOT topology"),
    Flag("queue-disc", "choice", "root queue disc on every link device",
         choices=("fifo", "none", "fq-codel", "codel", "pie", "red", "pfifo-fast")),
)
# vpnsim-run's --pcap is left out on purpose: an output path is not a parameter of the run, and
# would make equal runs look different to the store.

FLAGS: dict[str, Flag] = {f.name: f for f in _FLAGS}

# The flags every run must have after the sweep file is expanded (seed comes from `seeds`).
REQUIRED = ("encap", "asa", "loss", "duration")
# Filled in when a sweep file does not say: the loss pattern is part of what a run means.
DEFAULTS = {"loss-model": "bernoulli"}


def command_line(flags: dict) -> list[str]:
    """vpnsim-run's arguments for one run, in the table's order, seed last."""
    args = [f"--{name}={_flag_text(flags[name])}" for name in FLAGS if name in flags]
    if "seed" in flags:
        args.append(f"--seed={flags['seed']}")
    return args


def _flag_text(value) -> str:
    # repr() is Python's shortest exact spelling of a float, which strtod reads back exactly.
    return value if isinstance(value, str) else repr(value)


def drop_inapplicable(flags: dict) -> dict:
    """Removes flags whose applies_if condition is not met by this run."""
    out = {}
    for name, value in flags.items():
        flag = FLAGS.get(name)
        if flag and flag.applies_if:
            other, allowed = flag.applies_if
            if flags.get(other, DEFAULTS.get(other)) not in allowed:
                continue
        out[name] = value
    return out
