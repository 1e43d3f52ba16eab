"""Every numeric parameter's range, held to one table on every interface.

`vpnsim-run --ranges-json` prints the engine's endpoint parameter table
(model/engine/endpoint-config.h) and the scenario's own numeric flags. Each parameter is
offered on some of: the ns-3 attributes of VpnEndpoint, vpnsim-run's flags (and so the sweep
tool's flag table, experiments/vpnsim_sweep/flags.py), the runner's flags. For each parameter
and each interface it is offered on, both edges of its range are accepted and the nearest
values just outside are refused; the programs refuse with exit status 2 and a message naming
the flag, the value and the table's range.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SKIP_EXIT_CODE
from vpnsim_sweep import analytic
from vpnsim_sweep import flags as sweep_flags

VPNSIM_RUN = os.environ.get("VPNSIM_RUN")
VPNSIM_RUNNER = os.environ.get("VPNSIM_RUNNER")
PROBE = os.environ.get("VPNSIM_PARAMETER_PROBE")
RUNNER_BASE = ["--role", "client", "--encap", "ctcp", "--local", "198.18.1.2",
               "--remote", "198.18.2.2"]

# What a flag needs beside it to be checked at all (burst only means something for the
# Gilbert model with some loss).
CONTEXT = {"burst": ["--loss-model=gilbert", "--loss=0.01"]}


@pytest.fixture(scope="module")
def table():
    if not (VPNSIM_RUN and VPNSIM_RUNNER and PROBE):
        pytest.exit("VPNSIM_RUN, VPNSIM_RUNNER or VPNSIM_PARAMETER_PROBE is not set (build "
                    "vpnsim-run, vpnsim-runner and vpnsim-parameter-probe)",
                    returncode=SKIP_EXIT_CODE)
    out = subprocess.run([VPNSIM_RUN, "--ranges-json"], capture_output=True, text=True,
                         check=True, timeout=60)
    return json.loads(out.stdout)


def step(p):
    """The distance to the nearest value just outside an edge: a whole number for integers,
    a thousandth otherwise."""
    return 1 if p["integer"] else 0.001


def text(x):
    """The shortest spelling that reads back as x (as vpnsim-run prints it back)."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def edges(p):
    """(accepted values, refused values) of one parameter."""
    low, high = p["low"], p["high"]
    accepted = [low, high - step(p) if p["high_open"] else high]
    refused = [low - step(p), high if p["high_open"] else high + step(p)]
    if p["zero_means"]:
        accepted.append(0)
    if low - step(p) == 0 and p["zero_means"]:
        refused.remove(low - step(p))
    if low > 0 and not p["zero_means"] and 0 not in refused:
        refused.append(0)
    return accepted, refused


def run(*args):
    return subprocess.run([VPNSIM_RUN, *args], capture_output=True, text=True, timeout=120)


def offered_on(table, interface):
    return {name: p for name, p in table.items() if interface in p["interfaces"]}


def sim_flags(table):
    return offered_on(table, "vpnsim-run")


def probe(*args):
    return subprocess.run([PROBE, *args], capture_output=True, text=True, timeout=60)


def test_the_table_covers_the_endpoint_timers_and_cisco_limits(table):
    # The ranges Cisco documents (Cisco VPN Client PeerTimeout, ASA isakmp keepalive,
    # crypto isakmp nat-traversal, anyconnect dpd-interval).
    assert (table["peer-timeout"]["low"], table["peer-timeout"]["high"]) == (30, 480)
    assert (table["asa-dpd-threshold"]["low"], table["asa-dpd-threshold"]["high"]) == (10, 3600)
    assert (table["asa-dpd-retry"]["low"], table["asa-dpd-retry"]["high"]) == (2, 10)
    assert (table["nat-keepalive"]["low"], table["nat-keepalive"]["high"]) == (10, 3600)
    assert (table["anyconnect-dpd"]["low"], table["anyconnect-dpd"]["high"]) == (5, 3600)
    for p in table.values():
        accepted, refused = edges(p)
        assert accepted and refused


@pytest.mark.parametrize("edge", ["low", "high"])
@pytest.mark.parametrize("encap", ["ctcp", "natt", "esp", "anyconnect"])
def test_vpnsim_run_runs_every_flag_at_each_edge(table, encap, edge):
    """All flags at their low (or high) edge at once: a record, not a refusal or an abort
    inside the models. The session is always its shortest (a week, the longest, is more than a
    test should simulate)."""
    args = [f"--encap={encap}", "--seed=1"]
    for name, p in sim_flags(table).items():
        if name == "duration":
            continue
        accepted, _ = edges(p)
        args.append(f"--{name}={text(accepted[0] if edge == 'low' else accepted[1])}")
    args += ["--duration=10", "--loss-model=gilbert"]
    if edge == "high":  # the other traffic and transform on the way
        args += ["--traffic=voip", "--transform=aes-gcm-256"]
    out = run(*args)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["failed"] in (True, False)


def test_vpnsim_run_accepts_zero_where_it_means_off(table):
    args = [f"--{name}=0" for name, p in sim_flags(table).items() if p["zero_means"]]
    assert "--nat-keepalive=0" in args and "--idle-timeout=0" in args
    out = run("--encap=natt", "--duration=60", *args)
    assert out.returncode == 0, out.stderr


def test_vpnsim_run_refuses_just_outside_every_edge(table):
    checked = 0
    for name, p in sim_flags(table).items():
        _, refused = edges(p)
        for value in refused:
            out = run(*CONTEXT.get(name, []), f"--{name}={text(value)}")
            assert out.returncode == 2, f"--{name}={text(value)}: {out.returncode}"
            assert f"--{name}={text(value)}: allowed" in out.stderr, out.stderr
            if name not in ("loss", "burst"):  # these two say it as an inequality
                assert p["allowed"] in out.stderr, out.stderr
            checked += 1
    assert checked >= 2 * len(sim_flags(table))


def test_the_sweep_flag_table_is_the_same_table(table):
    numeric = {name: f for name, f in sweep_flags.FLAGS.items() if f.kind in ("number", "integer")}
    assert set(numeric) == set(sim_flags(table)), "flags.py and vpnsim-run offer different flags"
    for name, f in numeric.items():
        p = table[name]
        assert (f.low, f.high, f.high_open) == (p["low"], p["high"], p["high_open"]), name
        assert f.or_zero == (bool(p["zero_means"]) and p["low"] > 0), name
        assert (f.kind == "integer") == p["integer"], name


def test_the_sweep_flag_table_accepts_the_edges_and_refuses_just_outside(table):
    for name, p in sim_flags(table).items():
        flag = sweep_flags.FLAGS[name]
        accepted, refused = edges(p)
        for value in accepted:
            assert flag.check(value) == value, (name, value)
        for value in refused:
            with pytest.raises(sweep_flags.FlagError):
                flag.check(value)
        if p["integer"]:
            with pytest.raises(sweep_flags.FlagError):
                flag.check(p["low"] + 0.5)
        assert not math.isnan(p["default"])


def test_every_numeric_attribute_of_the_endpoint_is_in_the_table_with_its_default(table):
    listed = probe("attributes")
    assert listed.returncode == 0, listed.stderr
    defaults = {name: float(value) for name, value in
                (line.split() for line in listed.stdout.splitlines())}
    in_table = {p["attribute"]: p["default"] for p in offered_on(table, "attribute").values()}
    assert defaults == in_table


def test_the_attributes_accept_the_edges_and_refuse_just_outside(table):
    for name, p in offered_on(table, "attribute").items():
        accepted, refused = edges(p)
        for value in accepted:
            out = probe("attribute", p["attribute"], text(value))
            assert out.returncode == 0, f"{p['attribute']}={text(value)}: {out.stderr}"
        for value in refused:
            out = probe("attribute", p["attribute"], text(value))
            assert out.returncode == 2, f"{p['attribute']}={text(value)} was accepted"


def test_a_default_run_records_the_tables_defaults(table):
    out = run("--duration=10")
    assert out.returncode == 0, out.stderr
    parameters = json.loads(out.stdout)["parameters"]
    checked = 0
    for name, p in sim_flags(table).items():
        key = name.replace("-", "_") + "_s"
        if key in parameters:
            assert float(parameters[key]) == p["default"], name
            checked += 1
    assert checked >= 9  # every endpoint timer


def test_the_analytic_models_defaults_are_the_tables(table):
    for name, default in analytic.DEFAULTS.items():
        if name in table:
            assert default == table[name]["default"], name
    assert analytic.ASA_DPD_RETRIES == table["asa-dpd-retries"]["default"]


def test_the_runner_accepts_the_edges_and_refuses_just_outside(table):
    for name, p in offered_on(table, "runner").items():
        accepted, refused = edges(p)
        for value in accepted:
            out = probe("runner", *RUNNER_BASE, f"--{name}={text(value)}")
            assert out.returncode == 0, f"--{name}={text(value)}: {out.stderr}"
        for value in refused:
            # The program itself: exit 2 and the table's words, before it opens anything.
            out = subprocess.run([VPNSIM_RUNNER, *RUNNER_BASE, f"--{name}={text(value)}"],
                                 capture_output=True, text=True, timeout=60)
            assert out.returncode == 2, f"--{name}={text(value)}: {out.returncode}"
            assert f"--{name}={text(value)}: allowed {p['allowed']}" in out.stderr, out.stderr


def test_the_runner_usage_states_the_tables_ranges(table):
    usage = subprocess.run([VPNSIM_RUNNER, "--help"], capture_output=True, text=True,
                           timeout=60).stdout
    for name, p in offered_on(table, "runner").items():
        assert f"--{name} " in usage and p["allowed"] in usage, name


def test_the_testbed_validation_refuses_just_outside_the_tables_timer_ranges(table):
    validate = Path(__file__).resolve().parents[2] / "experiments" / "testbed" / "validate"
    for name in ("peer-timeout", "asa-dpd-threshold", "asa-dpd-retry"):
        p = table[name]
        for value in edges(p)[1]:
            out = subprocess.run([sys.executable, str(validate), "--loss=0.01",
                                  f"--{name}={text(value)}"],
                                 capture_output=True, text=True, timeout=60)
            assert out.returncode == 2, f"--{name}={text(value)}"
            assert f"--{name}={text(value)}: allowed {text(p['low'])}..{text(p['high'])}" \
                in out.stderr, out.stderr
