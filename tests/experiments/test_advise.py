"""vpnsim-advise answers with the numbers the sweep's own statistics would give for its runs:
the same Wilson intervals (statsmodels) and the same analytic cTCP prediction
(vpnsim_sweep.analytic) from the records it ran, setup failures apart from tunnels that died."""

import json
import math
import subprocess

from vpnsim_sweep import analytic, stats


def ask(advise, tmp_path, *args):
    records = tmp_path / "records.jsonl"
    p = subprocess.run([str(advise), "--json", f"--records={records}", *args],
                       capture_output=True, text=True, timeout=240)
    assert p.returncode == 0, p.stderr
    answer = json.loads(p.stdout)
    runs = [json.loads(line) for line in records.read_text().splitlines()]
    return answer, runs


def same(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_same_numbers_as_the_sweep_statistics_and_the_analytic_formula(advise, tmp_path):
    answer, records = ask(advise, tmp_path, "--loss=2%", "--firewall=ips", "--session=300",
                          "--min-seeds=6", "--max-seeds=6", "--peer-timeout=30")
    assert [o["option"] for o in answer["options"]] == [
        "cTCP (IPsec over TCP)", "NAT-T (IPsec over UDP)", "native ESP", "AnyConnect",
        "cTCP + tcp-state-bypass"]
    assert len(records) == 5 * 6
    for option in answer["options"]:
        mine = [r for r in records if r["encap"] == option["encap"] and r["asa"] == option["asa"]]
        assert sorted(r["seed"] for r in mine) == list(range(1, 7))
        up = [r for r in mine if r["established"]]
        died = [r for r in up if r["failed"]]
        assert option["setup_failures"] == len(mine) - len(up)
        assert option["died"] == len(died)
        low, high = stats.wilson(len(died), len(up))
        assert same(option["p_fail_low"], low) and same(option["p_fail_high"], high)
        low, high = stats.wilson(len(mine) - len(up), len(mine))
        assert same(option["setup_failure_low"], low) and same(option["setup_failure_high"], high)
        # A tunnel that never came up has no time to failure; one that died has.
        assert all(r["time_to_failure_s"] is None for r in mine if not r["established"])
        assert all(r["time_to_failure_s"] is not None for r in died)

    # The analytic column is the sweep's own model for the cTCP row's settings.
    ctcp = answer["options"][0]
    assert ctcp["asa"] == "ips-strict" and ctcp["analytic"] is not None
    assert all(o["analytic"] is None for o in answer["options"][1:])
    run = {"flags": {"encap": "ctcp", "asa": "ips-strict", "loss-model": "bernoulli",
                     "duration": 300.0, "traffic": "echo", "traffic-interval": 1.0,
                     "peer-timeout": 30.0, "dpd-idle": 10.0, "asa-dpd-threshold": 300.0,
                     "asa-dpd-retry": 2.0}}
    prediction = analytic.prediction_for(run)
    a = ctcp["analytic"]
    assert same(a["p_fail"], prediction.p_fail(0.02))
    assert same(a["p_setup_fail"], 1 - prediction.p_setup_ok(0.02))
    assert same(a["detection_delay_s"], prediction.detection_delay_s)
    assert a["packets_at_risk"] == prediction.segments
    # Given that the tunnel came up, it dies when one of the packets at risk is lost.
    assert same(a["p_die_if_established"], 1 - 0.98 ** prediction.segments)
    # The comparison is tight enough to catch a planted mismatch: one packet more at risk.
    assert not same(a["p_die_if_established"], 1 - 0.98 ** (prediction.segments + 1))


def test_stops_at_the_first_seed_count_whose_interval_is_narrow_enough(advise, tmp_path):
    # Without loss nothing dies: Wilson's upper bound for 0 of n is z^2 / (n + z^2), within
    # 0.25 of the rate once n >= 4 (half-width 0.245 at n = 4).
    answer, records = ask(advise, tmp_path, "--firewall=stateful", "--session=60",
                          "--precision=0.25", "--min-seeds=2", "--workers=2")
    for option in answer["options"]:
        assert option["seeds"] == 4, option
        assert (option["p_fail_high"] - option["p_fail_low"]) / 2 <= 0.25
    answer, _ = ask(advise, tmp_path, "--firewall=stateful", "--session=60",
                    "--precision=0.25", "--min-seeds=2", "--workers=1")
    assert all(o["seeds"] == 4 for o in answer["options"]), "the answer depends on the workers"
