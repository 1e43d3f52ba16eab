"""The validation's verdicts on synthetic record sets (experiments/testbed/validation_stats.py
and validate --from-records): a planted mismatch must say "disagree", two samples of one
generating process "agree", and 5 trials per side "inconclusive" with the power said."""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TESTBED = REPO / "experiments" / "testbed"
sys.path.insert(0, str(TESTBED))

import validation_sim as sim  # noqa: E402
import validation_stats as vs  # noqa: E402

SESSION_S = 240.0


def runs(n, rate, ttf, spread, seed, source):
    """n records of one generating process: each fails with probability `rate`, at a time
    uniform in ttf +- spread; survivors are censored at the end of the session."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        failed = rng.random() < rate
        out.append({"source": source, "established": True, "failed": failed,
                    "cause": "client-dpd" if failed else None,
                    "time_to_failure_s": ttf + rng.uniform(-spread, spread) if failed else None,
                    "tunnel_up_s": 1.0, "duration_s": SESSION_S + 1.0, "framing_errors": 0,
                    "inner_loss": 0.0, "parameters": {}})
    return out


def verdict(sim, bed, label="ctcp 0.01"):
    c = {"label": label, "simulation": vs.summarize(sim), "testbed": vs.summarize(bed)}
    v = vs.compare([c], 0.05)
    return c, v


def test_planted_failure_rate_mismatch_disagrees():
    # simulation 0/40 failed against testbed 30/40
    c, v = verdict(runs(40, 0.0, 100, 10, 1, "simulation"),
                   [r for r in runs(40, 1.0, 100, 10, 2, "testbed")][:30]
                   + runs(10, 0.0, 100, 10, 3, "testbed"))
    assert (c["simulation"]["failures"], c["testbed"]["failures"]) == (0, 30)
    assert c["verdict"] == "disagree" and v["verdict"] == "disagree"
    assert c["fisher_p_holm"] < 1e-6
    assert c["equivalence_p"] > 0.5


def test_planted_time_to_failure_mismatch_disagrees_on_the_log_rank_test():
    # Same failure rate, times to failure 30 s apart: only the log-rank test can see it.
    c, v = verdict(runs(40, 0.9, 100, 5, 4, "simulation"), runs(40, 0.9, 130, 5, 5, "testbed"))
    assert c["fisher_p"] > 0.05
    assert c["logrank_p_holm"] < 1e-6
    assert c["verdict"] == "disagree" and v["verdict"] == "disagree"


def test_a_shift_within_the_tolerance_is_no_disagreement():
    sim, bed = runs(40, 1.0, 100, 0.2, 6, "simulation"), runs(40, 1.0, 101, 0.2, 7, "testbed")
    c, _ = verdict(sim, bed)
    assert c["logrank_p"] > 0.05 and c["verdict"] == "agree"
    c = {"label": "x", "simulation": vs.summarize(sim), "testbed": vs.summarize(bed)}
    vs.compare([c], 0.05, ttf_tolerance_s=0.0)
    assert c["logrank_p"] < 1e-6 and c["verdict"] == "disagree"


@pytest.mark.parametrize("rate,n", [(0.0, 40), (0.05, 60), (0.95, 60), (1.0, 40)])
def test_matched_sets_agree(rate, n):
    # Two samples of one process agree as often as the TOST's power allows (about 0.9 here)
    # and disagree about as often as alpha: over 20 pairs of samples.
    verdicts = []
    for seed in range(20):
        c, v = verdict(runs(n, rate, 100, 20, 2 * seed, "simulation"),
                       runs(n, rate, 100, 20, 2 * seed + 1, "testbed"))
        assert c["margin"] == vs.DEFAULT_MARGIN
        assert v["verdict"] == c["verdict"]
        verdicts.append(c["verdict"])
    assert verdicts.count("agree") >= 15, verdicts
    assert verdicts.count("disagree") <= 2, verdicts


def test_five_trials_are_inconclusive_with_the_power_said():
    c, v = verdict(runs(5, 0.6, 100, 10, 12, "simulation"), runs(5, 0.6, 100, 10, 13, "testbed"))
    assert c["verdict"] == "inconclusive" and v["verdict"] == "inconclusive"
    assert c["power"] < 0.3
    assert c["trials_for_power"] > 40


def test_equivalence_p_is_the_larger_one_sided_p():
    # statsmodels 0.13.5's tost_proportions_2indep reports the smaller of the two.
    assert vs.equivalence_p(0, 40, 30, 40) > 0.99
    assert vs.equivalence_p(0, 40, 0, 40) < 0.001
    assert vs.equivalence_p(2, 5, 2, 5) > 0.2


def test_power_grows_with_trials_and_the_needed_count_reaches_the_target():
    assert vs.power(5, 5) < vs.power(40, 40) < vs.power(200, 200)
    n = vs.trials_for_power(0.15, 0.5)
    assert vs.power(n, n, 0.15, 0.5) >= 0.79
    assert vs.power(n - 10, n - 10, 0.15, 0.5) < 0.8
    # A rate near 1 tests the difference below it, not beyond 1.
    assert vs.power(40, 40, 0.15, 0.95) == pytest.approx(vs.power(40, 40, 0.15, 0.05), abs=0.02)


def test_validate_prints_the_verdicts_power_and_survival_plot(tmp_path):
    lines = [json.dumps({"validate_config": {
        "encaps": ["ctcp"], "asa": "proxy", "fw": "proxy", "levels": ["0.01"], "trials": 40,
        "duration_s": 245, "testbed_duration_s": 240, "sim_traffic_start_s": 5,
        "peer_timeout_s": 90, "asa_dpd_threshold_s": 10, "asa_dpd_retry_s": 5, "transform": "x",
        "traffic_interval_s": 1, "traffic_size_bytes": 200, "alpha": 0.05}})]
    planted = {"simulation": runs(40, 0.0, 100, 10, 20, "simulation"),
               "testbed": runs(40, 0.75, 100, 10, 21, "testbed")}
    for side, recs in planted.items():
        for seed, r in enumerate(recs, 1):
            lines.append(json.dumps({"side": side, "encap": "ctcp", "level": "0.01",
                                     "seed": seed, "record": r}))
    store = tmp_path / "records.jsonl"
    store.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, str(TESTBED / "validate"), "--from-records", store,
                        "--out", out, "--strict", "--margin", "0.1"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stderr
    assert "verdict: DISAGREE" in p.stdout
    assert "TOST p" in p.stdout and "margin +-0.1" in p.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["cells"][0]["verdict"] == "disagree"
    assert summary["verdict"]["margin"] == 0.1
    assert (out / "survival.png").stat().st_size > 1000


@pytest.mark.parametrize("args,message", [
    (["--margin", "0.9"], "--margin=0.9: allowed 0.01..0.5"),
    (["--ttf-tolerance", "-1"], "--ttf-tolerance=-1: allowed 0..60"),
])
def test_bad_margin_and_tolerance_are_refused(args, message):
    p = subprocess.run([sys.executable, str(TESTBED / "validate"), *args],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and message in p.stderr


FAKE_SIM = '''#!{python}
# A stand-in for vpnsim-run: the cTCP tunnel through the proxy fails (at 100 s + seed % 5)
# except in one seed of 40; through a stateful ASA it survives.
import json, sys
args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
seed = int(args["seed"])
failed = args["asa"] == "proxy" and seed % 40 != 0
print(json.dumps({{"source": "simulation", "established": True, "failed": failed,
                  "cause": "headend-dpd" if failed else None,
                  "time_to_failure_s": 104.0 + seed % 5 if failed else None,
                  "tunnel_up_s": 1.0, "duration_s": 241.0, "framing_errors": 0,
                  "inner_loss": 0.0, "parameters": {{}}}}))
'''


def test_the_same_testbed_trials_against_a_planted_mismatch_disagree(tmp_path):
    sim = tmp_path / "fake-vpnsim-run"
    sim.write_text(FAKE_SIM.format(python=sys.executable))
    sim.chmod(0o755)
    bed = [json.dumps({"validate_config": {"encaps": ["ctcp"], "levels": ["0.01"]}})]
    for seed in range(1, 41):
        failed = seed % 40 != 0
        bed.append(json.dumps({"side": "testbed", "encap": "ctcp", "level": "0.01",
                               "seed": seed, "record": {
                                   "source": "testbed", "established": True, "failed": failed,
                                   "cause": "headend-dpd" if failed else None,
                                   "time_to_failure_s": 100.5 + seed % 5 if failed else None,
                                   "tunnel_up_s": None, "duration_s": 240.0,
                                   "framing_errors": 0, "parameters": {}}}))
    stored = tmp_path / "testbed.jsonl"
    stored.write_text("\n".join(bed) + "\n")

    def validate(out, *extra):
        return subprocess.run([sys.executable, str(TESTBED / "validate"), "--encap", "ctcp",
                               "--loss", "0.01", "--trials", "40", "--duration", "241",
                               "--sim", sim, "--testbed-records", stored, "--out", out,
                               "--no-plot", "--strict", *extra],
                              capture_output=True, text=True, timeout=300)

    p = validate(tmp_path / "matched")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "verdict: AGREE" in p.stdout
    assert "power at margin 0.15 with 40 trials per side" in p.stderr
    p = validate(tmp_path / "planted", "--asa", "stateful")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "verdict: DISAGREE" in p.stdout
    cell = json.loads((tmp_path / "planted" / "summary.json").read_text())["cells"][0]
    assert (cell["simulation"]["failures"], cell["testbed"]["failures"]) == (0, 39)
    assert cell["verdict"] == "disagree"


def test_testbed_records_must_exist():
    p = subprocess.run([sys.executable, str(TESTBED / "validate"), "--testbed-records",
                        "/nonexistent"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "--testbed-records=/nonexistent: allowed" in p.stderr


def test_the_plan_states_the_power_of_the_trials_and_the_trials_power_needs():
    p = subprocess.run([sys.executable, str(TESTBED / "validate"), "--plan", "--trials", "40"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    worst = vs.power(40, 40, vs.DEFAULT_MARGIN, 0.5)
    assert (f"power at margin 0.15 with 40 trials per side, failure rate 0.5 (worst case): "
            f"{worst:.2f}; power 0.8 needs {vs.trials_for_power(0.15, 0.5)} trials") in p.stdout
    more = subprocess.run([sys.executable, str(TESTBED / "validate"), "--plan", "--trials",
                           "200"], capture_output=True, text=True, timeout=60).stdout
    assert float(more.split(": ")[1].split(";")[0]) > worst


def test_simulated_times_count_from_the_start_of_traffic_as_the_testbeds_do():
    quiet = sim.SIM_TRAFFIC_START_S - 0.5
    died = sim.from_traffic_start({"established": True, "failed": True, "tunnel_up_s": 0.5,
                                   "time_to_failure_s": 22.5, "duration_s": 27.0,
                                   "parameters": {}})
    assert died["time_to_failure_s"] == pytest.approx(22.5 - quiet)
    assert died["parameters"]["time_to_failure_from_tunnel_up_s"] == "22.5"
    survived = sim.from_traffic_start({"established": True, "failed": False,
                                       "tunnel_up_s": 0.5, "time_to_failure_s": None,
                                       "duration_s": 27.0, "parameters": {}})
    times, died_flags = vs.observations([{"record": survived}])
    # Watched from the first echo to the end, as long as the testbed's session of
    # duration - SIM_TRAFFIC_START_S.
    assert (times, died_flags) == ([pytest.approx(27.0 - sim.SIM_TRAFFIC_START_S)], [0])
    never = {"established": False, "failed": True, "tunnel_up_s": None,
             "time_to_failure_s": None, "parameters": {}}
    assert sim.from_traffic_start(dict(never)) == never


def test_nearly_deterministic_sides_a_few_milliseconds_apart_agree_on_time_to_failure():
    # A simulated drop kills every seed's tunnel at one instant; the testbed's die within
    # milliseconds of each other, 30-40 ms later: well inside the tolerance.
    sim = {"survival_times_s": [18.170] * 5, "survival_died": [1] * 5}
    bed = {"survival_times_s": [18.200, 18.210, 18.2115, 18.2099, 18.2083],
           "survival_died": [1] * 5}
    assert vs.logrank_p(sim, bed, tolerance_s=2.0) > 0.5
    # Without the tolerance the same sides are told apart, and so are sides 30 s apart with it.
    assert vs.logrank_p(sim, bed, tolerance_s=0.0) < 0.05
    far = {"survival_times_s": [48.17] * 5, "survival_died": [1] * 5}
    assert vs.logrank_p(far, bed, tolerance_s=2.0) < 0.05


def test_failures_at_one_instant_on_both_sides_compare_without_error():
    # Two trials a side, all four failing at the same time: the log-rank variance is zero
    # (everyone at risk fails together), which statsmodels reports as a singular matrix.
    def died_at(t, source):
        return [{"source": source, "established": True, "failed": True, "cause": "client-dpd",
                 "time_to_failure_s": t, "tunnel_up_s": 1.0, "duration_s": SESSION_S + 1.0,
                 "framing_errors": 0, "inner_loss": 0.0, "parameters": {}} for _ in range(2)]
    sim = vs.summarize(died_at(100.0, "simulation"))
    bed = vs.summarize(died_at(100.0, "testbed"))
    assert vs.logrank_p(sim, bed, 0.0) == 1.0
    c, v = verdict(died_at(100.0, "simulation"), died_at(100.0, "testbed"))
    assert c["logrank_p"] == 1.0
    assert c["verdict"] != "disagree"
