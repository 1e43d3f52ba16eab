"""Sweep files: reading, validating and expanding them into runs.

A sweep file is TOML:

    name = "default"                 # optional, defaults to the file's stem
    description = "..."              # optional
    seeds = 10                       # run seeds first_seed .. first_seed+seeds-1, or a list [1, 5, 9]
    first_seed = 1                   # optional, default 1

    [grid]                           # vpnsim-run flags shared by every series
    duration = 1200                  # a scalar is a fixed setting,
    loss = [0, 0.005, 0.01]          # a list is an axis of the grid

    [[series]]                       # optional; each series adds or overrides flags
    label = "cTCP via ASA proxy"     # optional text for plots and progress
    encap = "ctcp"
    asa = "proxy"

Each series is the cartesian product of its axes (grid's and its own), run once per seed. Flag
names are vpnsim-run's (flags.py). Every error names the field, e.g.
`sweep file x.toml: series[2].asa: 'prox' is not one of none, stateful, ...`.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import flags as flagdefs
from .inputfile import InputFileError, decode_utf8, read_capped
from .keys import config_key, run_key

_SETTINGS = ("name", "description", "seeds", "first_seed", "grid", "series")
# A sweep file is a few dozen lines; this is room for long lists of values.
MAX_FILE_BYTES = 1 << 20
# Seeds are stored as SQLite integers (signed 64-bit).
MAX_SEED = 2**63 - 1
# Distinct points (flags without the seed) a sweep may have: they are held in memory, and the
# plots draw one marker each. Runs (points x seeds) are enumerated lazily, never held; the
# bound on them only keeps a typo (seeds = 10**12) from starting a sweep that never ends.
MAX_POINTS = 100_000
MAX_RUNS = 10**9


class SweepFileError(Exception):
    """A sweep file that cannot be used; str() is the message for the user."""


@dataclass
class Series:
    label: str
    axes: dict[str, list]  # flag -> the values it takes (a fixed setting is a 1-element list)


@dataclass
class Sweep:
    path: Path
    name: str
    description: str
    seeds: Sequence[int]  # a range for `seeds = N`, however large
    series: list[Series]
    labels: dict[str, str] = field(default_factory=dict)  # configuration key -> series label

    def points(self) -> list[dict]:
        """Every distinct point (run flags without the seed), in file order."""
        seen: dict[str, dict] = {}
        for s in self.series:
            names = [n for n in flagdefs.FLAGS if n in s.axes]
            for values in itertools.product(*(s.axes[n] for n in names)):
                flags = flagdefs.drop_inapplicable(dict(zip(names, values)))
                key = run_key(flags)  # no seed yet: the point
                if key not in seen:
                    seen[key] = flags
                    self.labels.setdefault(config_key(flags), s.label)
        return list(seen.values())

    def iter_runs(self):
        """Every run (flags with seed), seed by seed, so a sweep stopped half-way has covered
        every point with some seeds rather than some points with every seed. A generator: a
        sweep of millions of runs is never held in memory."""
        configs = self.points()
        return ({**c, "seed": seed} for seed in self.seeds for c in configs)

    def runs(self) -> list[dict]:
        """iter_runs() as a list, for sweeps known to be small."""
        return list(self.iter_runs())

    def run_count(self) -> int:
        return len(self.seeds) * len(self.points())


def load(path) -> Sweep:
    path = Path(path)
    where = f"sweep file {path}"
    try:
        text = decode_utf8(read_capped(path, MAX_FILE_BYTES))
        data = tomllib.loads(text)
    except InputFileError as e:
        raise SweepFileError(f"{where}: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise SweepFileError(f"{where}: not valid TOML: {e}") from None
    except RecursionError:
        raise SweepFileError(f"{where}: not valid TOML: arrays or tables nested too deeply") from None
    return parse(data, path)


def parse(data: dict, path: Path) -> Sweep:
    where = f"sweep file {path}"

    def fail(field_name: str, message: str):
        raise SweepFileError(f"{where}: {field_name}: {message}")

    for key in data:
        if key not in _SETTINGS:
            hint = " (flags go in [grid] or [[series]])" if key in flagdefs.FLAGS else ""
            fail(key, f"unknown setting{hint}; allowed: {', '.join(_SETTINGS)}")

    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name:
        fail("name", f"{name!r} is not a non-empty string")
    description = data.get("description", "")
    if not isinstance(description, str):
        fail("description", f"{description!r} is not a string")

    seeds = _parse_seeds(data, fail)

    grid = data.get("grid", {})
    if not isinstance(grid, dict):
        fail("grid", "must be a table ([grid])")
    grid_axes = _parse_flags(grid, "grid", path, fail)

    raw_series = data.get("series", [{}])
    if not isinstance(raw_series, list) or not all(isinstance(s, dict) for s in raw_series):
        fail("series", "must be an array of tables ([[series]])")
    if not raw_series:
        fail("series", "is empty")

    series = []
    labels_seen = {}
    for i, s in enumerate(raw_series):
        prefix = f"series[{i}]"
        label = s.get("label")
        if label is not None and (not isinstance(label, str) or not label):
            fail(f"{prefix}.label", f"{label!r} is not a non-empty string")
        own = _parse_flags({k: v for k, v in s.items() if k != "label"}, prefix, path, fail)
        axes = {**grid_axes, **own}
        for flag_name, value in flagdefs.DEFAULTS.items():
            axes.setdefault(flag_name, [value])
        for required in flagdefs.REQUIRED:
            if required not in axes:
                fail(f"{prefix}.{required}", "missing (set it in [grid] or in this series)")
        if label is None:
            label = _default_label(own or axes)
        if label in labels_seen:
            fail(f"{prefix}.label", f"{label!r} is already the label of series[{labels_seen[label]}]")
        labels_seen[label] = i
        series.append(Series(label, axes))

    bound = sum(math.prod(len(v) for v in s.axes.values()) for s in series)
    if bound > MAX_POINTS:
        fail("grid", f"{bound} points (the product of the lists' lengths, over all series) is "
             f"more than the {MAX_POINTS} a sweep may have; split it into several sweeps")
    for i, s in enumerate(series):
        if "trace" in s.axes.get("loss-model", []) and any(v != 0 for v in s.axes["loss"]):
            fail(f"series[{i}].loss", "must be 0 where loss-model is trace (the trace says which "
                 "packets are lost); put the trace runs in a series of their own")
    sweep = Sweep(path, name, description, seeds, series)
    points = len(sweep.points())  # also fills labels
    if len(seeds) * points > MAX_RUNS:
        fail("seeds", f"{len(seeds)} seeds x {points} points = {len(seeds) * points} runs, more "
             f"than the {MAX_RUNS} a sweep may have")
    return sweep


def _parse_seeds(data, fail) -> Sequence[int]:
    if "seeds" not in data:
        fail("seeds", "missing (how many seeds to run per point, >= 1)")
    seeds = data["seeds"]
    first = data.get("first_seed", 1)
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= MAX_SEED:
        fail("first_seed", f"{first!r} is not an integer in 1..{MAX_SEED} (2**63-1)")
    if isinstance(seeds, list):
        if "first_seed" in data:
            fail("first_seed", "cannot be used with a list of seeds")
        if not seeds:
            fail("seeds", "is an empty list")
        for j, s in enumerate(seeds):
            if isinstance(s, bool) or not isinstance(s, int) or not 1 <= s <= MAX_SEED:
                fail(f"seeds[{j}]", f"{s!r} is not an integer in 1..{MAX_SEED} (2**63-1)")
        if len(set(seeds)) != len(seeds):
            fail("seeds", "lists a seed twice")
        return list(seeds)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        fail("seeds", f"{seeds!r} is not an integer >= 1 (or a list of seeds)")
    if first + seeds - 1 > MAX_SEED:
        fail("seeds", f"{seeds} seeds from first_seed {first} go past the largest seed, "
             f"{MAX_SEED} (2**63-1)")
    return range(first, first + seeds)


def _parse_flags(table: dict, prefix: str, path: Path, fail) -> dict[str, list]:
    axes = {}
    for name, value in table.items():
        field_name = f"{prefix}.{name}"
        if name == "seed":
            fail(field_name, "seeds are set by the top-level 'seeds' setting")
        flag = flagdefs.FLAGS.get(name)
        if flag is None:
            fail(field_name, f"unknown vpnsim-run flag; known: {', '.join(flagdefs.FLAGS)}")
        values = value if isinstance(value, list) else [value]
        if not values:
            fail(field_name, "is an empty list")
        checked = []
        for j, v in enumerate(values):
            item = f"{field_name}[{j}]" if isinstance(value, list) else field_name
            try:
                v = flag.check(v)
            except flagdefs.FlagError as e:
                fail(item, str(e))
            if flag.kind == "file":
                v = _resolve_file(v, path, item, fail)
            if v in checked:
                fail(item, f"{v!r} is listed twice")
            checked.append(v)
        axes[name] = checked
    return axes


def _resolve_file(value: str, sweep_path: Path, item: str, fail) -> str:
    # Relative to the sweep file, so a sweep runs the same from any working directory.
    p = Path(value)
    if not p.is_absolute():
        p = sweep_path.parent / p
    if not p.is_file():
        fail(item, f"{value!r}: no such file ({p})")
    return str(p.resolve())


def _default_label(axes: dict) -> str:
    parts = []
    for name in flagdefs.FLAGS:
        if name in axes and len(axes[name]) == 1 and name not in ("duration", "loss-model"):
            parts.append(f"{name}={axes[name][0]}")
    return " ".join(parts) or "all"
