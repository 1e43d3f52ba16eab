"""The physical testbed's hosts file (experiments/testbed/hosts.py) and the loss measured on
its wire; validate --hosts refuses a bad file with exit 2, naming the field."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "experiments", "testbed"))
import hosts  # noqa: E402

GOOD = """runner = "/opt/vpnsim/vpnsim-runner"
[ssh]
options = ["-i", "/k/id", "-p", "2222"]
[client]
ssh = "root@198.18.10.2"
address = "198.18.1.2"
interface = "eth1"
[headend]
ssh = "root@198.18.10.10"
address = "198.18.2.2"
[forwarder]
ssh = "root@198.18.10.6"
in_interface = "eth1"
out_interface = "eth2"
[middlebox]
description = "ASA"
"""


def write(tmp_path, text):
    p = tmp_path / "hosts.toml"
    p.write_text(text)
    return str(p)


def test_a_full_file_becomes_the_testbed_variables(tmp_path):
    h = hosts.load(write(tmp_path, GOOD))
    env = h["env"]
    assert env["TB_MODE"] == "hosts"
    assert env["TB_SSH"] == "ssh -o BatchMode=yes -i /k/id -p 2222"
    assert (env["TB_CLIENT_HOST"], env["TB_CLIENT_ADDR"], env["TB_CLIENT_IF"]) == (
        "root@198.18.10.2", "198.18.1.2", "eth1")
    assert (env["TB_FW_HOST"], env["TB_FW_IN_IF"], env["TB_FW_OUT_IF"]) == (
        "root@198.18.10.6", "eth1", "eth2")
    assert env["TB_REMOTE_RUNNER"] == "/opt/vpnsim/vpnsim-runner"
    assert h["forwarder"] and h["description"] == "ASA"
    assert h["client_addresses"] == 1 and env["TB_CLIENT_EXTRA_ADDRS"] == ""
    more = GOOD.replace('interface = "eth1"\n[headend]',
                        'interface = "eth1"\nextra_addresses = ["198.18.1.3", "198.18.1.4"]\n'
                        '[headend]')
    h = hosts.load(write(tmp_path, more))
    assert h["client_addresses"] == 3 and h["env"]["TB_CLIENT_EXTRA_ADDRS"] == "198.18.1.3 198.18.1.4"


def test_without_a_forwarder_the_middlebox_is_all_there_is(tmp_path):
    text = GOOD.split("[forwarder]")[0] + "[middlebox]\ndescription = \"ASA\"\n"
    h = hosts.load(write(tmp_path, text))
    assert not h["forwarder"] and h["env"]["TB_FW_HOST"] == ""
    assert h["env"]["TB_REMOTE_RUNNER"] == "/opt/vpnsim/vpnsim-runner"


@pytest.mark.parametrize("change, named", [
    (lambda t: t.replace('address = "198.18.1.2"\n', ""), "[client] address: missing"),
    (lambda t: t.replace("198.18.2.2", "198.18.2.256"), "[headend] address='198.18.2.256'"),
    (lambda t: t.replace('ssh = "root@198.18.10.2"', 'ssh = "root@h; rm -rf /"'),
     "[client] ssh="),
    (lambda t: t.replace('"-p", "2222"', '"-p 2222"'), "[ssh] options="),
    (lambda t: t.replace('in_interface = "eth1"\n', ""), "[forwarder] in_interface: missing"),
    (lambda t: t + "[asa]\nmode = 1\n", "[asa]: allowed sections"),
    (lambda t: t.replace("[headend]", "[headend]\nport = 22"), "[headend] port: allowed keys"),
    (lambda t: t.replace('runner = "/opt', 'runner = "opt'), "runner='opt"),
    (lambda t: t.replace("[client]", "[client"), "not a TOML file"),
    (lambda t: t.replace("[headend]", 'extra_addresses = ["198.18.1.2"]\n[headend]'),
     "[client] extra_addresses=['198.18.1.2']: allowed a list"),
    (lambda t: t.replace("[headend]", 'extra_addresses = ["198.18.1.300"]\n[headend]'),
     "[client] extra_addresses="),
    (lambda t: t.replace("[headend]", 'extra_addresses = "198.18.1.3"\n[headend]'),
     "[client] extra_addresses="),
])
def test_a_bad_file_is_refused_naming_the_field(tmp_path, change, named):
    with pytest.raises(hosts.HostsError) as e:
        hosts.load(write(tmp_path, change(GOOD)))
    assert named in str(e.value)


def test_validate_refuses_a_bad_hosts_file_with_exit_2(tmp_path):
    bad = write(tmp_path, GOOD.replace('address = "198.18.1.2"\n', ""))
    p = subprocess.run([sys.executable, os.path.join(ROOT, "experiments", "testbed", "validate"),
                        "--hosts", bad, "--loss", "0"], capture_output=True, text=True)
    assert p.returncode == 2 and "--hosts" in p.stderr and "[client] address: missing" in p.stderr
    missing = str(tmp_path / "none.toml")
    p = subprocess.run([sys.executable, os.path.join(ROOT, "experiments", "testbed", "validate"),
                        "--hosts", missing], capture_output=True, text=True)
    assert p.returncode == 2 and "none.toml" in p.stderr


def record(**params):
    return {"parameters": {k: str(v) for k, v in params.items()}}


def test_the_forwarder_counts_are_the_wire_loss():
    runs = [record(wire_seen=1000, wire_drops=50, wire_seen_reverse=900, wire_drops_reverse=45),
            record(wire_seen=1000, wire_drops=30, wire_seen_reverse=1100, wire_drops_reverse=55)]
    c = hosts.wire_counts(runs)
    assert c["source"] == "forwarder"
    assert c["c2s"] == (2000, 80) and c["s2c"] == (2000, 100)
    assert hosts.fraction(c) == pytest.approx(180 / 4000)


def test_without_a_forwarder_the_endpoints_counters_are():
    runs = [record(**{"client.outer_sent": 500, "headend.outer_received": 490,
                      "headend.outer_sent": 490, "client.outer_received": 480})]
    c = hosts.wire_counts(runs)
    assert c["source"] == "endpoints"
    assert c["c2s"] == (500, 10) and c["s2c"] == (490, 10)


def test_a_batch_counts_its_shared_counters_once():
    # A batch of two NAT-T runners against one headend: each trial's record carries the
    # forwarder's counters and the headend's of the whole batch, and its own runner's.
    batch = {"batch_tunnels": 2, "runner_tunnels": 1, "wire_seen": 1000, "wire_drops": 50,
             "wire_seen_reverse": 900, "wire_drops_reverse": 40,
             "headend.outer_received": 1180, "headend.outer_sent": 1150}
    runs = [record(**batch, **{"client.outer_sent": 600, "client.outer_received": 570}),
            record(**batch, **{"client.outer_sent": 600, "client.outer_received": 560})]
    c = hosts.wire_counts(runs)
    assert c["c2s"] == (1000, 50) and c["s2c"] == (900, 40)
    alone = [record(**{k: v for k, v in r["parameters"].items() if not k.startswith("wire")})
             for r in runs]
    e = hosts.wire_counts(alone)
    assert e["source"] == "endpoints"
    assert e["c2s"] == (1200, 20) and e["s2c"] == (1150, 20)
    # A cTCP batch: one runner's counters shared by its tunnels too.
    ctcp = [record(batch_tunnels=2, runner_tunnels=2, **{
        "client.outer_sent": 1000, "headend.outer_received": 990,
        "headend.outer_sent": 980, "client.outer_received": 970}) for _ in range(2)]
    assert hosts.wire_counts(ctcp)["c2s"] == (1000, 10)


class Cell:
    def __init__(self, encap, label):
        self.encap, self.key = encap, (encap, "proxy", label)
        self.level = type("L", (), {"label": label})()


def test_a_proxied_ctcp_cell_takes_the_udp_cells_count_without_a_forwarder():
    ctcp = Cell("ctcp", "0")
    natt = Cell("natt", "0")
    # The proxy held everything after a gap: end to end, cTCP "lost" 90 %.
    held = [record(**{"client.outer_sent": 1000, "headend.outer_received": 100,
                      "headend.outer_sent": 100, "client.outer_received": 100})]
    udp = [record(**{"client.outer_sent": 1000, "headend.outer_received": 990,
                     "headend.outer_sent": 990, "client.outer_received": 980})]
    m = hosts.measured_loss([ctcp, natt], lambda c: held if c is ctcp else udp)
    assert m[ctcp.key]["loss"] == pytest.approx(20 / 1990)
    assert "UDP cells" in m[ctcp.key]["source"]
    alone = hosts.measured_loss([ctcp], lambda c: held)
    assert alone[ctcp.key]["loss"] == pytest.approx(900 / 1100)
    assert "held" in alone[ctcp.key]["source"]


def test_the_report_does_not_name_a_physical_middlebox_by_its_mode_alone():
    import middlebox
    assert "hosts file" in middlebox.describe("external")
    assert middlebox.describe("proxy").startswith("tcp_proxy.py")


def test_each_host_gets_one_shared_ssh_connection_opened_before_and_closed_after(
        tmp_path, monkeypatch):
    """validate --hosts runs many ssh sessions at once; they share one connection per host
    (ControlMaster), opened one host after the other before the runs and closed after."""
    log = tmp_path / "ssh.log"
    fake = tmp_path / "ssh"
    fake.write_text(f"#!/bin/sh\necho \"$*\" >> {log}\n")
    fake.chmod(0o755)
    monkeypatch.setenv("TB_SSH", "ssh -o BatchMode=yes")
    env = {"TB_SSH": f"{fake} -o BatchMode=yes -p 2222", "TB_CLIENT_HOST": "root@c",
           "TB_HEADEND_HOST": "root@h", "TB_FW_HOST": ""}
    with hosts.shared_ssh_connections(env):
        inside = env["TB_SSH"]
        assert os.environ["TB_SSH"] == inside
        calls = log.read_text().splitlines()
        assert [c.split()[-2:] for c in calls] == [["root@c", "true"], ["root@h", "true"]]
    assert "ControlMaster=auto" in inside and "ControlPersist=" in inside
    # The hosts file's own options come first: ssh takes the first value of an option.
    assert inside.index("-p 2222") < inside.index("ControlMaster")
    control = inside.split("ControlPath=")[1].split()[0].rsplit("/", 1)[0]
    calls = log.read_text().splitlines()[2:]
    assert [c.split()[-3:] for c in calls] == [["-O", "exit", "root@c"],
                                               ["-O", "exit", "root@h"]]
    assert env["TB_SSH"] == f"{fake} -o BatchMode=yes -p 2222"
    assert os.environ["TB_SSH"] == "ssh -o BatchMode=yes"
    assert not os.path.exists(control)
