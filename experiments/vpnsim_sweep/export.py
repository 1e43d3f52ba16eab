"""CSV export: one row per stored run (every flag and every record field as a column), and
optionally one row per point (configuration x loss) with the aggregated statistics.

Nested record fields are flattened with dots (asa_drops_by_reason.tcp-buffer-timeout,
parameters.peer_timeout), so a spreadsheet or pandas reads the file without JSON parsing.
"""

from __future__ import annotations

import csv
import json

from . import flags as flagdefs

_STORE_COLUMNS = ("runner_path", "runner_version", "wall_s", "host", "finished_at", "key")


def write_runs(runs: list[dict], path, labels: dict[str, str] | None = None) -> int:
    """`labels`: configuration key -> series label (stats.series_labels), the first column."""
    names = labels or {}
    flag_cols = [f for f in (*flagdefs.FLAGS, "seed") if any(f in r["flags"] for r in runs)]
    flat = [_flatten(r["record"]) for r in runs]
    record_cols: list[str] = []
    for f in flat:
        for k in f:
            if k not in record_cols:
                record_cols.append(k)
    header = (["series"] + [f"flag.{c}" for c in flag_cols] + record_cols + list(_STORE_COLUMNS))
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r, f in zip(runs, flat):
            w.writerow([names.get(r["config"], "")]
                       + [_cell(r["flags"].get(c)) for c in flag_cols]
                       + [_cell(f.get(c)) for c in record_cols]
                       + [_cell(r.get(c)) for c in _STORE_COLUMNS])
    return len(runs)


def write_points(curves, path) -> int:
    from .survival import never_established
    header = ["configuration", "config_key", "loss", "runs", "failures", "setup_failures", "failure_rate",
              "wilson95_low", "wilson95_high", "ttf_median_s", "ttf_p10_s", "ttf_p90_s",
              "causes", "goodput_mean_bps", "goodput95_low_bps", "goodput95_high_bps"]
    rows = 0
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for c in curves:
            for p in c.points:
                setup = sum(never_established(r["record"]) for r in p.runs)
                w.writerow([c.label, c.config, p.loss, p.n, p.failures, setup, _cell(p.rate),
                            _cell(p.low), _cell(p.high), _cell(p.ttf_quantile(0.5)),
                            _cell(p.ttf_quantile(0.1)), _cell(p.ttf_quantile(0.9)),
                            json.dumps(p.causes, sort_keys=True), _cell(p.goodput_bps),
                            _cell(p.goodput_low), _cell(p.goodput_high)])
                rows += 1
    return rows


def _flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v != v:  # NaN: no value
        return ""
    if isinstance(v, (list, dict)):
        return json.dumps(v, sort_keys=True)
    return v
