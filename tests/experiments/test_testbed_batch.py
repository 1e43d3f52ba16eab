"""A testbed batch (validate --batch): each tunnel of one scenario becomes a trial of its own
(merge_records.py --trials), a runner record of an older format is refused rather than merged
into "established with no time up", the trial count comes from the power calculation, a
physical testbed runs cells of different headend sockets at once (testbed_plan.py), and a
--sim-arg replaces the flag validate sets (the planted mismatches' way)."""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[2]
TESTBED = REPO / "experiments" / "testbed"
sys.path.insert(0, str(TESTBED))

import testbed_batch  # noqa: E402
import testbed_plan  # noqa: E402
import validation_options  # noqa: E402
import validation_sim  # noqa: E402
import validation_stats as vs  # noqa: E402
from validation_cells import Cell, Level  # noqa: E402


def runner_record(role, tunnels, encap="ctcp"):
    """A runner's record with per-tunnel outcomes: tunnels = [(up, down, cause, peer, port)]."""
    params = {"role": role, "local": "198.18.1.2" if role == "client" else "198.18.2.2",
              "remote": "198.18.2.2" if role == "client" else "198.18.1.2",
              "probes_sent": "100", "probe_size": "228", "tunnels": str(len(tunnels))}
    for t, (up, down, cause, peer, port) in enumerate(tunnels):
        key = f"tunnel.{t}."
        params.update({key + "time_up_s": str(up), key + "time_down_s": str(down),
                       key + "cause": cause, key + "peer_address": peer,
                       key + "peer_port": str(port), key + "inner_received": "90",
                       key + "probes_sent": "100", key + "echoes_received": "80"})
        if role == "client":
            params[key + "local_port"] = str(port)
    first = tunnels[0]
    return {"source": "testbed", "encap": encap, "asa": "proxy", "loss_model": "bernoulli",
            "loss": 0.01, "seed": 3, "duration_s": 245.0, "established": first[0] >= 0,
            "tunnel_up_s": first[0] if first[0] >= 0 else None, "failed": False,
            "time_to_failure_s": None, "cause": None, "inner_goodput_bps": 0.0,
            "inner_loss": 0.0, "inner_sent": 100, "inner_received": 90, "framing_errors": 0,
            "ike_rekeys": 0, "ipsec_rekeys": 0,
            "asa_bytes_held": 0, "asa_drops": 0, "asa_drops_by_reason": {},
            "parameters": params}


def merge(tmp_path, client, headend, *extra):
    (tmp_path / "c.json").write_text(json.dumps(client) + "\n")
    (tmp_path / "h.json").write_text(json.dumps(headend) + "\n")
    return subprocess.run([sys.executable, str(TESTBED / "merge_records.py"), "--client",
                           str(tmp_path / "c.json"), "--headend", str(tmp_path / "h.json"),
                           "--fw", "proxy", "--seed", "3", "--duration", "245", *extra],
                          capture_output=True, text=True, timeout=60)


def test_each_tunnel_of_a_batch_is_a_trial_of_its_own(tmp_path):
    # Three tunnels from ports 40000-40002; the headend lists them in another order. Tunnel 1
    # died by the client's DPD 130 s after it came up; tunnel 2 never came up at the headend.
    client = runner_record("client", [(1.0, -1, "", "198.18.2.2", 40000),
                                      (1.2, 131.2, "client-dpd", "198.18.2.2", 40001),
                                      (1.4, -1, "", "198.18.2.2", 40002)])
    headend = runner_record("headend", [(1.9, -1, "", "198.18.1.2", 40001),
                                        (1.5, -1, "", "198.18.1.2", 40000)])
    trials = tmp_path / "trials.jsonl"
    p = merge(tmp_path, client, headend, "--trials", str(trials))
    assert p.returncode == 0, p.stderr
    records = [json.loads(line) for line in trials.read_text().splitlines()]
    assert [r["parameters"]["trial"] for r in records] == ["0", "1", "2"]
    assert [(r["established"], r["failed"], r["cause"]) for r in records] == [
        (True, False, None), (True, True, "client-dpd"), (False, True, "not-established")]
    assert records[0]["tunnel_up_s"] == 1.5  # the later end's
    assert records[1]["time_to_failure_s"] == 130.0
    assert records[1]["parameters"]["headend.peer_port"] == "40001"
    assert len({r["seed"] for r in records}) == 3


def test_nat_t_clients_on_one_address_are_told_apart_by_port(tmp_path):
    # Two NAT-T runners on one address (--udp-source-port 42000 and 42002): the headend saw
    # each client's NAT-T from the port after its IKE port, the second client first.
    clients = []
    for k, port in enumerate((42000, 42002)):
        c = runner_record("client", [(1.0 + k, -1, "", "198.18.2.2", 4500)], encap="natt")
        c["parameters"] = {k2: v for k2, v in c["parameters"].items()
                           if not k2.startswith("tunnel") and k2 != "tunnels"}
        c["parameters"]["udp_source_port"] = str(port)
        c["parameters"]["probes_sent"] = str(100 + k)
        clients.append(c)
    headend = runner_record("headend", [(2.5, 30.0, "headend-dpd", "198.18.1.2", 42003),
                                        (1.5, -1, "", "198.18.1.2", 42001)], encap="natt")
    paths = []
    for k, c in enumerate(clients):
        paths += ["--client", str(tmp_path / f"c{k}.json")]
        (tmp_path / f"c{k}.json").write_text(json.dumps(c) + "\n")
    (tmp_path / "h.json").write_text(json.dumps(headend) + "\n")
    trials = tmp_path / "trials.jsonl"
    p = subprocess.run([sys.executable, str(TESTBED / "merge_records.py"), *paths,
                        "--headend", str(tmp_path / "h.json"), "--fw", "external", "--seed", "3",
                        "--duration", "25", "--trials", str(trials)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    records = [json.loads(line) for line in trials.read_text().splitlines()]
    assert [r["parameters"]["headend.peer_port"] for r in records] == ["42001", "42003"]
    assert [(r["failed"], r["cause"]) for r in records] == [(False, None),
                                                           (True, "headend-dpd")]
    assert all(r["parameters"]["batch_tunnels"] == "2" for r in records)
    assert [r["parameters"]["runner_tunnels"] for r in records] == ["1", "1"]


def test_a_runner_record_without_the_setup_fields_is_refused(tmp_path):
    # A runner older than the record format wrote no "established" and no "tunnel_up_s"; the
    # merge used to take such a tunnel for established and leave its time up empty.
    client = runner_record("client", [(1.0, -1, "", "198.18.2.2", 40000)])
    del client["established"], client["tunnel_up_s"]
    headend = runner_record("headend", [(1.5, -1, "", "198.18.1.2", 40000)])
    p = merge(tmp_path, client, headend)
    assert p.returncode == 1
    assert "no established, tunnel_up_s" in p.stderr and "rebuild" in p.stderr


def test_the_trials_come_from_the_power_calculation():
    for failures in (0, 40, 1, 39):
        at_rate, planned = vs.planned_trials(failures, 40, 0.15, 0.05, minimum=40)
        assert at_rate == vs.trials_for_power(0.15, failures / 40)
        assert planned >= max(40, at_rate)
        # The power holds even when the testbed differs from the simulation by one trial.
        rate = failures / 40
        pooled = (2 * rate * planned + (1 if rate < 0.5 else -1)) / (2 * planned)
        assert vs.power(planned, planned, 0.15, pooled) >= 0.8
        assert vs.power(planned - 1, planned - 1, 0.15,
                        (2 * rate * (planned - 1) + (1 if rate < 0.5 else -1))
                        / (2 * (planned - 1))) < 0.8 or planned == 40
    # Near 0.5 no batch can hold the trials: the plan says so.
    assert vs.planned_trials(20, 40, 0.15, 0.05, minimum=40, most=100)[1] is None


def test_more_simulations_than_testbed_trials_are_planned_with_the_power_of_unequal_sizes():
    for failures in (0, 40, 2, 36):
        rate = failures / 40
        toward = 1 if rate < 0.5 else -1
        equal = vs.planned_trials(failures, 40, 0.15, 0.05, minimum=1)[1]
        at_rate, planned = vs.planned_trials(failures, 40, 0.15, 0.05, minimum=1, ratio=4)
        # Four simulations per testbed trial: fewer testbed trials reach the same power.
        assert planned < equal
        assert at_rate == vs.trials_for_power(0.15, rate, ratio=4) < vs.trials_for_power(0.15, rate)

        def pooled(n):
            return (rate * 5 * n + toward) / (5 * n)
        assert vs.power(4 * planned, planned, 0.15, pooled(planned)) >= 0.8
        assert vs.power(4 * (planned - 1), planned - 1, 0.15, pooled(planned - 1)) < 0.8
        # trials_for_power's testbed count reaches the target with 4 times as many simulated.
        assert vs.power(4 * at_rate, at_rate, 0.15, rate) >= 0.8 > vs.power(
            4 * (at_rate - 1), at_rate - 1, 0.15, rate)
    # The batch's cells: 40/40 and 0/40 simulated plan the least, 40 on the testbed and 160
    # simulated, with power at least 0.8 (equal sizes needed 53).
    assert vs.planned_trials(40, 40, 0.15, 0.05, minimum=40, ratio=4)[1] == 40
    assert vs.planned_trials(0, 40, 0.15, 0.05, minimum=40, ratio=4)[1] == 40
    assert vs.power(160, 40, 0.15, 0.99) >= 0.8
    assert "40 testbed and 160 simulated trials" in vs.power_plan(40, ratio=4)[0]


def test_a_batch_layout_puts_ctcp_tunnels_in_few_runners_and_others_one_per_runner():
    assert testbed_batch.layout("ctcp", 53) == (1, 53)
    assert testbed_batch.layout("ctcp", 100) == (2, 50)
    assert testbed_batch.layout("natt", 53) == (53, 1)
    assert testbed_batch.layout("natt", 201) is None
    # A physical client host: ports tell cTCP and NAT-T tunnels on its one address apart;
    # native ESP has no port and needs an address per runner (nor is AnyConnect batched).
    assert testbed_batch.layout("ctcp", 100, addresses=1) == (2, 50)
    assert testbed_batch.layout("natt", 53, addresses=1) == (53, 1)
    assert testbed_batch.layout("esp", 2, addresses=1) is None
    assert testbed_batch.layout("esp", 3, addresses=3) == (3, 1)
    assert testbed_batch.layout("anyconnect", 2, addresses=4) is None
    assert testbed_batch.batch_sizes("natt", 53, addresses=1) == [53]
    assert testbed_batch.batch_sizes("esp", 40, addresses=1) is None
    assert testbed_batch.batch_sizes("esp", 40, addresses=3) == [3] * 13 + [1]
    assert testbed_batch.batch_sizes("esp", 40) == [40]


def test_a_physical_testbed_runs_cells_of_different_headend_sockets_at_once():
    # One client address: NAT-T and native ESP share the headend's UDP 500 (one lane, ESP one
    # trial at a time), cTCP's TCP 10000 runs beside them, an exact drop alone at the end.
    cells = [Cell(encap, "proxy", Level("random", 0.01)) for encap in ("ctcp", "natt", "esp")]
    cells.append(Cell("ctcp", "proxy", Level("drop", 5)))
    a = SimpleNamespace(hosts="lab.toml", batch=True, client_addresses=1, cells=cells)
    trials = {c.key: 3 for c in cells}
    lanes, alone = testbed_plan.testbed_lanes(a, trials)
    assert [[(c.encap, s) for c, s in lane] for lane in lanes] == [
        [("ctcp", None)], [("natt", None), ("esp", 1), ("esp", 2), ("esp", 3)]]
    assert [(c.encap, c.level.label, s) for c, s in alone] == [
        ("ctcp", "drop#5", 1), ("ctcp", "drop#5", 2), ("ctcp", "drop#5", 3)]
    lines = testbed_plan.testbed_plan_lines(a, trials)
    assert lines[0] == ("ctcp proxy 0.01: one batch of 3 concurrent trials: 3 tunnels in one "
                        "client runner")
    assert lines[2].startswith("esp proxy 0.01: 3 trials one at a time: native ESP has no port")
    assert lines[-1] == ("cells of different headend sockets run at once: ctcp 0.01 | natt 0.01, "
                         "esp 0.01")
    # Two client addresses batch native ESP too; on namespaces every cell is a lane of its own.
    a.client_addresses = 2
    lanes, _ = testbed_plan.testbed_lanes(a, trials)
    assert [(c.encap, s) for c, s in lanes[1]] == [("natt", None), ("esp", None)]
    a.hosts, a.client_addresses = None, None
    lanes, alone = testbed_plan.testbed_lanes(a, trials)
    assert lanes == [[(c, None)] for c in cells] and alone == []


def test_a_sim_arg_replaces_the_flag_validate_sets(tmp_path):
    a = validation_options.parse_args(["--cells", "ctcp:proxy:0.01",
                                       "--sim-arg=--peer-timeout=30",
                                       "--sim-arg=--dpd-idle=10", "--peer-timeout", "90"])
    cmd = validation_sim.sim_command(a, "ctcp", 0.01, 7, asa=a.cells[0].asa)
    assert cmd.count("--peer-timeout=30") == 1 and "--peer-timeout=90" not in cmd
    assert "--dpd-idle=10" in cmd and "--asa=proxy" in cmd


def test_bad_cells_are_refused():
    for cells, message in (("ctcp:proxy", "--cells=ctcp:proxy: allowed"),
                           ("gre:proxy:0.01", "--cells=gre:proxy:0.01: allowed"),
                           ("ctcp:proxy:0.01,ctcp:proxy:0.01", "each once")):
        for asa in ("proxy", "stateful"):  # whatever --asa says, --cells are checked
            p = subprocess.run([sys.executable, str(TESTBED / "validate"), "--cells", cells,
                                "--asa", asa], capture_output=True, text=True, timeout=60)
            assert p.returncode == 2 and message in p.stderr, p.stderr
