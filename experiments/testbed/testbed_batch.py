"""Running testbed scenarios from validate: one trial per scenario, or a whole cell's trials as
the concurrent tunnels of one scenario (a batch), each bounded in time without leaking what it
set up.

A batch cell is one run of experiments/testbed/scenario: a cTCP cell as one client runner with
up to 64 tunnels (--tunnels; several runners beyond that), other encapsulations as one client
runner per trial (--clients), all against one headend and across one fw, so a cell of 56
trials takes one session's time. Each tunnel is a trial of its own: its own IKE exchange,
cookies, SPIs and cTCP connection, and its own loss, since the testbed's loss is an nftables
random draw per packet (numgen random: independent of every other packet, whichever tunnel
carries it); through the proxy each tunnel is a TCP connection of its own, whose hole holds up
only that connection. scenario writes one merged record per tunnel (trials.jsonl). On a
physical testbed the client host has the addresses its hosts file lists: cTCP's and NAT-T's
runners share the first and differ by port, native ESP's, which has no port, take one address
each (layout's and batch_sizes' addresses).

A scenario that overruns its time is sent SIGTERM as a process group (it was started in a
session of its own): its trap stops the runners and the proxy and deletes its namespaces.
Should it not be gone after a grace period, the group is killed and the namespaces named by
its --id (unique to this validate) are deleted here.
"""
import json
import math
import os
import signal
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77
MAX_TUNNELS = 64  # scenario --tunnels
MAX_CLIENTS = 200  # scenario --clients
GRACE_S = 30


def last_json(text):
    for line in reversed((text or "").strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def layout(encap, trials, addresses=None):
    """(client runners, tunnels each) for a batch of `trials` tunnels, or None if scenario
    cannot hold that many. addresses: on a physical testbed, how many addresses the client
    host has (None: namespaces, an address per runner). There runners on one address differ by
    port (cTCP's source ports, NAT-T's --udp-source-port); native ESP has no port, so each of
    its runners needs an address of its own; AnyConnect is not batched."""
    if addresses is not None and (encap not in ("ctcp", "natt", "esp")
                                  or (encap == "esp" and trials > addresses)):
        return None
    if encap == "ctcp":
        clients = math.ceil(trials / MAX_TUNNELS)
        per_client = math.ceil(trials / clients)
    else:
        clients, per_client = trials, 1
    if clients > MAX_CLIENTS or clients * per_client > 200:
        return None
    return clients, per_client


def run_scenario(cmd, timeout_s, instance):
    """Runs scenario `cmd` (which names `--id instance`) in a process group of its own;
    returns (exit status or None on timeout, stdout, stderr)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout_s)
        return p.returncode, out, err
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        out, err = p.communicate(timeout=GRACE_S)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = p.communicate()
    remove_namespaces(instance)
    return None, out, err


def remove_namespaces(instance):
    """Deletes what is left of testbed instance `instance`'s namespaces (lib.sh tb_init names
    them vpnsim-ID-c, -f, -h); nothing in hosts mode."""
    if os.environ.get("TB_MODE", "netns") != "netns":
        return
    for node in ("c", "f", "h"):
        name = f"vpnsim-{instance}-{node}"
        if os.path.exists(os.path.join("/run/netns", name)):
            subprocess.run(["ip", "netns", "del", name], capture_output=True)


def batch_sizes(encap, trials, addresses=None):
    """The trials of each scenario that a batched cell runs, one scenario after another: all in
    one, except native ESP on a physical testbed, in batches of as many as the client host has
    addresses; None when the cell cannot be batched (then its trials run one at a time)."""
    if addresses is not None and encap == "esp":
        if addresses < 2:
            return None
        return [addresses] * (trials // addresses) + ([trials % addresses] if trials % addresses
                                                      else [])
    return [trials] if layout(encap, trials, addresses) is not None else None


def run_cell(cmd, trials, encap, timeout_s, out, instance, addresses=None):
    """One batch cell: scenario `cmd` (without --tunnels/--clients/--out/--id) with `trials`
    tunnels; returns (records of the trials in order, error or None). The caller checks
    layout() first."""
    clients, per_client = layout(encap, trials, addresses)
    cmd = [*cmd, "--clients", str(clients), "--tunnels", str(per_client), "--out", out,
           "--id", instance]
    started = time.monotonic()
    rc, stdout, stderr = run_scenario(cmd, timeout_s, instance)
    if rc is None:
        return None, f"timed out after {time.monotonic() - started:.0f} s: {' '.join(cmd)}"
    if rc == SKIP:
        return None, "skip"
    path = os.path.join(out, "trials.jsonl")
    if rc != 0 or not os.path.exists(path):
        return None, f"exit {rc}: {stderr.strip()[-400:]}"
    with open(path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    if len(records) < trials:
        return None, f"{len(records)} trial records of {trials} in {path}"
    return records[:trials], None
