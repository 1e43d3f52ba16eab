"""From a validation's records to its cells: reading records.jsonl (the configuration and one
entry per run) and summarising each cell's two sides (validation_stats.summarize) with the
middleboxes its testbed runs went through and how they passed the TCP segments.
"""
import json

import middlebox
import validation_stats as vs
from validation_cells import Level


def load_entries(path):
    config, entries = None, []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            item = json.loads(line)
            if "validate_config" in item:
                config = item["validate_config"]
            else:
                entries.append(item)
    return config, entries


def analyse(config, entries):
    """Per cell (encapsulation, ASA mode, level) both sides' summaries. Cells come from the
    configuration (--cells, or --encap x --loss through --asa); an entry without an ASA mode
    (older records) is of the configuration's."""
    asa = (config or {}).get("asa")
    if config and config.get("cells"):
        keys = [(c["encap"], c["asa"], c["level"]) for c in config["cells"]]
    elif config:
        keys = [(e, asa, lv) for e in config["encaps"] for lv in config["levels"]]
    else:
        keys = sorted({(e["encap"], e.get("asa"), e["level"]) for e in entries},
                      key=lambda k: tuple(str(x) for x in k))
    several = len({k[1] for k in keys}) > 1 or bool(config and config.get("cells"))
    cells = []
    for encap, mode, label in keys:
        cell = {"encap": encap, "asa": mode, "level": label,
                "label": f"{encap} {mode} {label}" if several else f"{encap} {label}",
                **Level.from_label(label).describe()}
        for side in vs.SIDES:
            mine = [e for e in entries if e["side"] == side and e["encap"] == encap
                    and e.get("asa", asa) == mode and e["level"] == label]
            cell[side] = (vs.summarize([e.get("record") for e in mine], planned=len(mine))
                          if mine else None)
        used = sorted({(e.get("record") or {}).get("parameters", {}).get("fw", "")
                       for e in entries if e["side"] == "testbed" and e["encap"] == encap
                       and e.get("asa", asa) == mode and e["level"] == label} - {""})
        cell["middlebox"] = "; ".join(f"{fw}: {middlebox.describe(fw)}" for fw in used) or None
        cell["segments"] = middlebox.segments(
            [e.get("record") for e in entries if e["side"] == "testbed" and e["encap"] == encap
             and e.get("asa", asa) == mode and e["level"] == label])
        cells.append(cell)
    return cells
