"""A physical testbed described in a hosts file, and the loss measured on its wire.

The hosts file (TOML) names the hosts validate reaches over ssh: a client and a headend running
vpnsim-runner, and optionally a Linux forwarder on the path that injects loss with nftables.
The middlebox under test (an ASA, say) sits on the path too but is a black box: nothing here
logs into it. doc/physical-testbed.md describes the file; for example

    runner = "/usr/bin/vpnsim-runner"        # on both endpoint hosts (the package's path)
    [ssh]
    options = ["-i", "/home/me/.ssh/lab", "-p", "22"]
    [client]
    ssh = "root@client.lab"                  # how to reach it
    address = "192.0.2.10"                   # its address on the test network
    extra_addresses = ["192.0.2.11"]         # optional: more of its addresses (native ESP)
    interface = "eth1"                       # optional: toward the middlebox
    [headend]
    ssh = "root@headend.lab"
    address = "198.51.100.10"
    [forwarder]                              # optional
    ssh = "root@fw.lab"
    in_interface = "eth1"                    # toward the client
    out_interface = "eth2"                   # toward the middlebox
    [middlebox]
    description = "ASA 5516-X, 9.8(4), inspect http on TCP/10000"

The loss the simulation is given is the loss measured on the wire: with a forwarder, what its
loss rules saw and dropped each way (exact, and whatever the middlebox does after it);
without one, the endpoints' own counters, packets one sent against packets the other
received, each way.
"""
import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import tomllib

DEFAULT_RUNNER = "/usr/bin/vpnsim-runner"
SECTIONS = {
    "client": ({"ssh", "address"}, {"interface", "extra_addresses"}),
    "headend": ({"ssh", "address"}, set()),
    "forwarder": ({"ssh", "in_interface", "out_interface"}, set()),
    "ssh": (set(), {"options"}),
    "middlebox": (set(), {"description"}),
}
NAME = re.compile(r"^[A-Za-z0-9_.:@%/+=,-]+$")  # no blanks or shell characters: lib.sh splits
IPV4 = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")
# Encapsulations whose packets a middlebox passes one for one (it does not proxy UDP or ESP):
# their end-to-end counters are the wire's loss even through a proxy.
UDP_ENCAPS = ("natt", "esp")
# A batch holds at most 200 client runners (experiments/testbed/scenario --clients).
MAX_EXTRA_ADDRESSES = 199


# An idle shared ssh connection outlives its last session by this long (ssh_config(5)
# ControlPersist).
SSH_PERSIST_S = 60


class HostsError(ValueError):
    """A hosts file that cannot be used; the message names the file and the field."""


def load(path):
    """The hosts file as {"env": TB_* variables for experiments/testbed/lib.sh, "forwarder":
    bool, "description": str, "client_addresses": how many addresses the client has}."""
    try:
        with open(path, "rb") as f:
            raw = f.read(1 << 20)
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as e:
        raise HostsError(f"{path}: {e.strerror}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise HostsError(f"{path}: not a TOML file: {e}") from None

    def field(section, key, value, pattern=NAME, what="a name without blanks"):
        if not isinstance(value, str) or not pattern.match(value):
            raise HostsError(f"{path}: [{section}] {key}={value!r}: allowed {what}")
        return value

    for section in data:
        if section not in SECTIONS and section != "runner":
            raise HostsError(f"{path}: [{section}]: allowed sections {', '.join(SECTIONS)}")
    for section, (required, optional) in SECTIONS.items():
        if section not in data:
            if section in ("client", "headend"):
                raise HostsError(f"{path}: [{section}]: missing")
            continue
        if not isinstance(data[section], dict):
            raise HostsError(f"{path}: [{section}]: must be a table")
        keys = set(data[section])
        for key in sorted(required - keys):
            raise HostsError(f"{path}: [{section}] {key}: missing")
        for key in sorted(keys - required - optional):
            raise HostsError(f"{path}: [{section}] {key}: allowed keys "
                             f"{', '.join(sorted(required | optional))}")
    ipv4 = "a dotted IPv4 address"
    for section in ("client", "headend"):
        if not _ipv4(str(data[section]["address"])):
            raise HostsError(f"{path}: [{section}] address={data[section]['address']!r}: "
                             f"allowed {ipv4}")
    extra = data["client"].get("extra_addresses", [])
    if not isinstance(extra, list) or len(extra) > MAX_EXTRA_ADDRESSES or any(
            not isinstance(x, str) or not _ipv4(x) for x in extra) or len(
            set(extra) | {data["client"]["address"]}) != len(extra) + 1:
        raise HostsError(f"{path}: [client] extra_addresses={extra!r}: allowed a list of at "
                         f"most {MAX_EXTRA_ADDRESSES} distinct dotted IPv4 addresses other than "
                         "its address")
    runner = field("", "runner", data.get("runner", DEFAULT_RUNNER),
                   re.compile(r"^/[A-Za-z0-9_./+-]+$"), "an absolute path")
    options = data.get("ssh", {}).get("options", [])
    if not isinstance(options, list):
        raise HostsError(f"{path}: [ssh] options: allowed a list of strings")
    for o in options:
        field("ssh", "options", o, what="strings without blanks (one word each)")
    env = {
        "TB_MODE": "hosts",
        "TB_SSH": " ".join(["ssh", "-o", "BatchMode=yes", *options]),
        "TB_CLIENT_HOST": field("client", "ssh", data["client"]["ssh"]),
        "TB_HEADEND_HOST": field("headend", "ssh", data["headend"]["ssh"]),
        "TB_CLIENT_ADDR": data["client"]["address"],
        "TB_HEADEND_ADDR": data["headend"]["address"],
        "TB_CLIENT_IF": (field("client", "interface", data["client"]["interface"])
                         if "interface" in data["client"] else ""),
        "TB_REMOTE_RUNNER": runner,
        "TB_FW_HOST": "", "TB_FW_IN_IF": "", "TB_FW_OUT_IF": "",
        "TB_CLIENT_EXTRA_ADDRS": " ".join(extra),
    }
    forwarder = "forwarder" in data
    if forwarder:
        fwd = data["forwarder"]
        env["TB_FW_HOST"] = field("forwarder", "ssh", fwd["ssh"])
        env["TB_FW_IN_IF"] = field("forwarder", "in_interface", fwd["in_interface"])
        env["TB_FW_OUT_IF"] = field("forwarder", "out_interface", fwd["out_interface"])
    description = data.get("middlebox", {}).get("description", "")
    if not isinstance(description, str) or len(description) > 200:
        raise HostsError(f"{path}: [middlebox] description: allowed a string of at most 200 "
                         "characters")
    return {"env": env, "forwarder": forwarder, "description": description,
            "client_addresses": 1 + len(extra)}


def _ipv4(text):
    m = IPV4.match(text)
    return bool(m) and all(int(x) <= 255 for x in m.groups())


def _num(params, key):
    try:
        return float(params.get(key, 0) or 0)
    except (TypeError, ValueError):
        return 0.0


def _share(params, key):
    """How many trials share counters that count for several: a batch's (the forwarder's
    tables and the one headend: batch_tunnels) or a client runner's (its tunnels:
    runner_tunnels); 1 for a run of one tunnel."""
    return max(1.0, _num(params, key))


def wire_counts(records):
    """Per direction (c2s, s2c), packets sent and lost on the wire over these runs, and from
    which counters: "forwarder" when a forwarder's loss rules counted them, else "endpoints"
    (the runners' outer packets sent against the far end's received). A batch's trials share
    its counters; each counts its share, so that a batch counts once."""
    fwd = [r["parameters"] for r in records if r and _num(r.get("parameters", {}), "wire_seen")]
    if fwd:
        def total(key):
            return sum(_num(p, key) / _share(p, "batch_tunnels") for p in fwd)
        return {"source": "forwarder",
                "c2s": (total("wire_seen"), total("wire_drops")),
                "s2c": (total("wire_seen_reverse"), total("wire_drops_reverse"))}
    params = [r.get("parameters", {}) for r in records if r]

    def end(key):
        share = "runner_tunnels" if key.startswith("client.") else "batch_tunnels"
        return sum(_num(p, key) / _share(p, share) for p in params)
    c_sent, c_recv = end("client.outer_sent"), end("client.outer_received")
    h_sent, h_recv = end("headend.outer_sent"), end("headend.outer_received")
    return {"source": "endpoints", "c2s": (c_sent, max(0.0, c_sent - h_recv)),
            "s2c": (h_sent, max(0.0, h_sent - c_recv))}


def fraction(counts):
    """The loss both ways together (the simulation's --loss is one fraction for both)."""
    sent = counts["c2s"][0] + counts["s2c"][0]
    return (counts["c2s"][1] + counts["s2c"][1]) / sent if sent else 0.0


def measured_loss(cells, records_of):
    """Per cell key, the measured loss to give the simulation and how it was measured.
    records_of(cell) gives a cell's testbed records. A forwarder's counters serve every cell;
    without one, a cell whose traffic the middlebox may hold (cTCP or AnyConnect through a
    proxy: what it holds would count as lost) takes the endpoints' counters of the UDP cells at
    the same nominal level, when there are any."""
    out = {}
    for cell in cells:
        counts = wire_counts(records_of(cell))
        note = counts["source"]
        if counts["source"] == "endpoints" and cell.encap not in UDP_ENCAPS:
            udp = [r for c in cells if c.encap in UDP_ENCAPS
                   and c.level.label == cell.level.label for r in records_of(c)]
            if udp:
                counts = wire_counts(udp)
                note = "endpoints of the UDP cells at this level"
            else:
                note = "endpoints (includes what the middlebox held)"
        out[cell.key] = {"loss": fraction(counts), "source": note,
                         "c2s": counts["c2s"], "s2c": counts["s2c"]}
    return out


def report_lines(measured):
    lines = ["loss measured on the wire (packets lost / sent, each way) and given to the "
             "simulation:"]
    for key, m in measured.items():
        (cs, cl), (ss, sl) = m["c2s"], m["s2c"]
        lines.append(f"  {' '.join(key)}: client->headend {cl:.0f}/{cs:.0f}, headend->client "
                     f"{sl:.0f}/{ss:.0f}: {m['loss']:.4f} ({m['source']})")
    return lines


@contextlib.contextmanager
def shared_ssh_connections(env):
    """One ssh connection per host for everything validate runs there (ssh_config(5)
    ControlMaster): a batch starts many sessions at once, and sshd drops unauthenticated
    connections beyond its MaxStartups (10 by default), which a loaded host reaches. The
    connections open one host after the other before the runs; options of the hosts file come
    first, so they win. Updates env's TB_SSH for the duration and closes the connections after."""
    plain, before = env["TB_SSH"], os.environ.get("TB_SSH")
    control = tempfile.mkdtemp(prefix="vpnsim-ssh-")
    env["TB_SSH"] = " ".join([plain, "-o", "ControlMaster=auto", "-o",
                              f"ControlPath={control}/%C", "-o",
                              f"ControlPersist={SSH_PERSIST_S}"])
    os.environ["TB_SSH"] = env["TB_SSH"]
    targets = [env[k] for k in ("TB_CLIENT_HOST", "TB_HEADEND_HOST", "TB_FW_HOST") if env.get(k)]
    try:
        for host in targets:
            # A host that does not answer is reported by the run that needs it.
            subprocess.run([*env["TB_SSH"].split(), host, "true"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
                           check=False)
        yield env
    finally:
        for host in targets:
            subprocess.run([*env["TB_SSH"].split(), "-O", "exit", host],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30, check=False)
        env["TB_SSH"] = plain
        if before is None:
            os.environ.pop("TB_SSH", None)
        else:
            os.environ["TB_SSH"] = before
        shutil.rmtree(control, ignore_errors=True)
