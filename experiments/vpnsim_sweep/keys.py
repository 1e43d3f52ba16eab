"""The identity of a run: canonical JSON of every flag passed to vpnsim-run, seed included.

Sorted keys, no spaces and numbers in canonical form (flags.canonical_number) make one run one
string however its sweep file was written, so the store's UNIQUE key recognises a run that was
already done. The configuration key is the same without loss and seed: the curve a run belongs to.
"""

from __future__ import annotations

import json

from .flags import canonical_number

# Flags that place a run on a curve rather than choosing the curve.
POINT_FLAGS = ("loss", "seed")


def run_key(flags: dict) -> str:
    return _canonical({k: canonical_number(v) for k, v in flags.items()})


def config_key(flags: dict) -> str:
    return _canonical({k: canonical_number(v) for k, v in flags.items() if k not in POINT_FLAGS})


def _canonical(d: dict) -> str:
    return json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
