"""The simulation's side of a validation trial: vpnsim-run's command line matched to the
testbed's scenario, an exact drop turned into a trace loss model at the index of the same
packet (found in a capture of the same run without loss), and the record's times counted from
the start of the simulated traffic, as the testbed's are.
"""
import os
import shutil
import subprocess

import pcapfile
from testbed_batch import last_json
from validation_cells import SIM_TRAFFIC_START_S

# The tech-note line (examples/topologies/tech-note.dot) with the loss of one exact-drop run
# on the client-ASA link, client to ASA only.
DROP_TOPOLOGY = """graph validate_drop {{
    client  [role="client"];
    asa     [role="asa"];
    headend [role="headend"];
    server  [role="server"];
    client -- asa     [rate="10Mbps", delay="20ms", internet="true",
                       loss="trace:{trace}", loss_reverse="none"];
    asa -- headend    [rate="1Gbps", delay="100us"];
    headend -- server [rate="1Gbps", delay="100us"];
}}
"""
NO_DROP_INDEX = 10 ** 12  # a trace entry no run reaches: same loss model, nothing dropped


def sim_command(a, encap, loss, seed, extra=(), asa=None):
    """vpnsim-run's command line. A --sim-arg that names a flag set here replaces it
    (vpnsim-run refuses a flag given twice): that is how a planted mismatch changes one thing
    on the simulation's side only, e.g. --sim-arg=--peer-timeout=30."""
    flags = [f"--encap={encap}", f"--asa={asa or a.asa}", f"--loss={loss:g}", f"--seed={seed}",
             f"--duration={a.duration:g}", f"--peer-timeout={a.peer_timeout:g}",
             f"--asa-dpd-threshold={a.asa_dpd_threshold:g}",
             f"--asa-dpd-retry={a.asa_dpd_retry:g}", f"--transform={a.transform}",
             "--traffic=echo", f"--traffic-interval={a.traffic_interval:g}",
             f"--traffic-size={a.traffic_size}", *extra]
    named = {f.split("=", 1)[0]: i for i, f in enumerate(flags)}
    added = []
    for f in a.sim_arg:
        name = f.split("=", 1)[0]
        if name in named:
            flags[named[name]] = f
        else:
            added.append(f)
    return [a.sim, *flags, *added]


def run_command(cmd, timeout):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timed out: " + " ".join(cmd)
    except OSError as e:
        return None, f"{cmd[0]}: {e}"
    record = last_json(p.stdout)
    if record is None:
        return None, f"exit {p.returncode}: {p.stderr.strip()[-400:]}"
    return record, None


def drop_topology(work, name, index):
    trace = os.path.join(work, f"{name}.trace")
    with open(trace, "w") as f:
        f.write(f"mode index\n{index}\n")
    dot = os.path.join(work, f"{name}.dot")
    with open(dot, "w") as f:
        f.write(DROP_TOPOLOGY.format(trace=trace))
    return dot


def sim_drop_index(a, encap, seed, k, work, asa=None):
    """Index, among the packets the client sends on the client-ASA link, of the k-th packet
    the testbed's exact-drop rule counts, from a capture of the same run with nothing
    dropped."""
    name = f"find-{encap}-{k}-s{seed}"
    work = os.path.join(work, name)  # a directory per run: they run at once
    os.makedirs(work, exist_ok=True)
    dot = drop_topology(work, name, NO_DROP_INDEX)
    prefix = os.path.join(work, "capture")
    record, err = run_command(sim_command(a, encap, 0, seed, [f"--topology={dot}",
                                                                f"--pcap={prefix}"], asa=asa),
                              timeout=a.duration * 20 + 60)
    if err:
        return None, err
    files = [os.path.join(work, f) for f in os.listdir(work)
             if f.startswith("capture-") and f.endswith(".pcap")]
    try:
        captures = [(pcapfile.read(f), f) for f in files]
    except pcapfile.PcapError as e:
        return None, str(e)
    captures = [(c, f) for c, f in captures if c]
    if not captures:
        return None, f"the simulation wrote no capture at {prefix}-*.pcap"
    # The client's own device records the first packet when it is sent, before anyone else
    # sees it.
    client_capture = min(captures, key=lambda cf: cf[0][0][0])[0]
    client = pcapfile.fields(client_capture[0][1])[0]
    sent = [ip for _, ip in client_capture if pcapfile.fields(ip)[0] == client]
    found = 0
    for index, ip in enumerate(sent):
        if pcapfile.is_exact_drop_target(ip, encap):
            found += 1
            if found == k:
                shutil.rmtree(work, ignore_errors=True)
                return index, None
    return None, (f"the simulation's client sent only {found} packets the drop rule counts "
                  f"(--drop-nth={k}); lengthen --duration")


def from_traffic_start(record):
    """The simulation's record with its times counted from the start of its traffic, as the
    testbed's are: the runner probes from the moment its tunnel is up, while the simulation
    starts its echoes at SIM_TRAFFIC_START_S, so a simulated tunnel's time to failure from
    tunnel up would include the quiet seconds before its first echo. The times from tunnel up
    stay in the record's parameters."""
    if record is None or record.get("established") is False:
        return record
    up = record.get("tunnel_up_s")
    if not isinstance(up, (int, float)) or up >= SIM_TRAFFIC_START_S:
        return record
    quiet = SIM_TRAFFIC_START_S - up
    params = record.setdefault("parameters", {})
    params["time_origin"] = "traffic-start"
    params["tunnel_up_s"] = str(up)
    record["tunnel_up_s"] = SIM_TRAFFIC_START_S
    ttf = record.get("time_to_failure_s")
    if isinstance(ttf, (int, float)):
        params["time_to_failure_from_tunnel_up_s"] = str(ttf)
        record["time_to_failure_s"] = max(0.0, ttf - quiet)
    return record


def run_sim(a, cell, seed, work):
    record, err = run_sim_from_tunnel_up(a, cell, seed, work)
    return from_traffic_start(record), err


def run_sim_from_tunnel_up(a, cell, seed, work):
    encap, level = cell.encap, cell.level
    if level.kind == "random":
        loss = level.value if cell.sim_loss is None else cell.sim_loss
        return run_command(sim_command(a, encap, loss, seed, asa=cell.asa),
                           a.duration * 20 + 60)
    index, err = sim_drop_index(a, encap, seed, level.value, work, cell.asa)
    if err:
        return None, err
    dot = drop_topology(work, f"drop-{encap}-{level.value}-s{seed}", index)
    record, err = run_command(sim_command(a, encap, 0, seed, [f"--topology={dot}"],
                                          asa=cell.asa), a.duration * 20 + 60)
    if record is not None:
        record.setdefault("parameters", {})["drop_nth"] = str(level.value)
        record["parameters"]["drop_index"] = str(index)
    return record, err
