"""The testbed validation without a testbed: its statistics (experiments/testbed/
validation_stats.py), its pcap handling (pcapfile.py), its command line and report
(validate --from-records) and the packet comparison's diff (compare-packets)."""

import importlib.machinery
import importlib.util
import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TESTBED = REPO / "experiments" / "testbed"
sys.path.insert(0, str(TESTBED))

import pcapfile  # noqa: E402
import validation_plots  # noqa: E402
import validation_stats as vs  # noqa: E402


def load_script(name):
    loader = importlib.machinery.SourceFileLoader(name.replace("-", "_"), str(TESTBED / name))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def record(failed=False, cause=None, source="simulation", framing=0, ttf=None, **params):
    return {"source": source, "failed": failed, "cause": cause, "time_to_failure_s": ttf,
            "framing_errors": framing, "inner_loss": 0.1,
            "parameters": {k.replace("__", "."): str(v) for k, v in params.items()}}


# --- statistics ------------------------------------------------------------------------------

@pytest.mark.parametrize("k1,n1,k2,n2,p", [
    (5, 5, 0, 5, 0.007937),   # 2 / C(10,5)
    (3, 3, 0, 3, 0.1),
    (4, 4, 0, 4, 0.028571),
    (2, 5, 2, 5, 1.0),
    (5, 5, 1, 5, 0.047619),
])
def test_fisher_two_sided_p_values(k1, n1, k2, n2, p):
    assert vs.fisher_p(k1, n1, k2, n2) == pytest.approx(p, abs=1e-6)


def test_fisher_needs_runs_on_both_sides():
    assert vs.fisher_p(0, 0, 1, 3) is None


def test_holm_adjusts_step_down_and_keeps_missing_cells():
    assert vs.holm([0.01, None, 0.04, 0.03]) == pytest.approx([0.03, None, 0.06, 0.06])
    assert vs.holm([None]) == [None]


def test_causes_are_classified_dpd_framing_setup_other():
    assert vs.classify(record()) is None
    assert vs.classify(record(True, "headend-dpd")) == "dpd"
    assert vs.classify(record(True, "client-dpd")) == "dpd"
    assert vs.classify(record(True, "framing-error")) == "framing"
    assert vs.classify(record(True, "ike-failure")) == "not-established"
    assert vs.classify(record(True, "not-established")) == "not-established"
    assert vs.classify(record(True, "nat-mapping-lost")) == "nat-mapping-lost"


def test_summary_counts_failures_by_cause_and_framing_errors_apart():
    runs = [record(True, "headend-dpd", ttf=18.0), record(True, "framing-error", framing=3),
            record(framing=2), record(), None]
    s = vs.summarize(runs, planned=5)
    assert (s["n"], s["missing"], s["failures"]) == (4, 1, 2)
    assert (s["dpd_failures"], s["framing_failures"]) == (1, 1)
    assert (s["runs_with_framing_errors"], s["framing_errors"]) == (2, 5)
    assert s["rate"] == 0.5
    assert (s["wilson_low"], s["wilson_high"]) == pytest.approx(vs.wilson(2, 4))
    assert s["time_to_failure_median_s"] == 18.0


def test_testbed_round_trip_loss_comes_from_the_clients_echoes():
    r = record(source="testbed", client__probes_sent=200, client__echoes_received=150)
    assert vs.round_trip_loss(r) == pytest.approx(0.25)
    assert vs.round_trip_loss(record()) == pytest.approx(0.1)


def cell(label, sim, bed):
    return {"label": label, "simulation": vs.summarize(sim), "testbed": vs.summarize(bed)}


def test_matching_outcomes_of_five_trials_are_inconclusive_with_their_power():
    cells = [cell("ctcp drop#5", [record(True, "headend-dpd")] * 5,
                  [record(True, "headend-dpd", source="testbed")] * 5),
             cell("natt drop#5", [record()] * 5, [record(source="testbed")] * 5)]
    v = vs.compare(cells, 0.05)
    assert v["verdict"] == "inconclusive"
    assert v["inconclusive_cells"] == ["ctcp drop#5", "natt drop#5"]
    assert all(c["verdict"] == "inconclusive" and c["intervals_overlap"] for c in cells)
    assert cells[0]["fisher_p"] == 1.0
    assert all(c["equivalence_p"] > 0.05 for c in cells)
    assert all(0 < c["power"] < 0.3 for c in cells)
    assert all(c["trials_for_power"] > 40 for c in cells)


def test_opposite_outcomes_disagree_by_their_intervals():
    cells = [cell("ctcp 0.05", [record(True, "headend-dpd")] * 5, [record()] * 5),
             cell("natt 0.05", [record()] * 5, [record()] * 5)]
    v = vs.compare(cells, 0.05)
    assert v["verdict"] == "disagree"
    assert v["disagreeing_cells"] == ["ctcp 0.05"]
    assert cells[0]["intervals_overlap"] is False
    assert cells[0]["fisher_p"] == pytest.approx(0.007937, abs=1e-6)
    assert cells[0]["fisher_p_holm"] == pytest.approx(2 * 0.007937, abs=1e-6)


def test_fisher_rejects_with_enough_trials_even_where_intervals_overlap():
    # 12/20 against 2/20: intervals [0.39, 0.78] and [0.03, 0.30] - disjoint anyway; use
    # 10/20 against 2/20: [0.30, 0.70] and [0.03, 0.30] overlap at 0.30, p = 0.014.
    c = cell("x", [record(True, "headend-dpd")] * 10 + [record()] * 10,
             [record(True, "headend-dpd")] * 2 + [record()] * 18)
    v = vs.compare([c], 0.05)
    assert c["intervals_overlap"] is True
    assert c["fisher_p"] < 0.05
    assert v["verdict"] == "disagree"


def test_too_few_trials_are_said_so():
    cells = [cell(f"c{i}", [record()] * 3, [record()] * 3) for i in range(3)]
    v = vs.compare(cells, 0.05)
    assert v["verdict"] == "inconclusive"
    assert not v["fisher_can_reject"]
    assert "too few trials" in v["note"]


def test_a_side_without_runs_is_incomplete():
    c = {"label": "x", "simulation": vs.summarize([record()]), "testbed": None}
    v = vs.compare([c], 0.05)
    assert v["verdict"] == "incomplete"
    assert v["incomplete_cells"] == ["x"]


# --- pcap files and the exact-drop predicate ---------------------------------------------------

def ipv4(proto, payload, src="198.18.1.2", dst="198.18.2.2"):
    return pcapfile.ipv4_header(src, dst, proto, len(payload)) + payload


def tcp(dport, payload, flags=0x10, sport=40000):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 5 << 4, flags, 65535, 0, 0) + payload


def udp(dport, payload, sport=4500):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


SPI1 = struct.pack("!I", 0xC0FFEE01)
SPI2 = struct.pack("!I", 0xC0FFEE02)


def test_exact_drop_targets_match_the_testbed_rule():
    esp = SPI1 + b"\0\0\0\1" + bytes(80)
    ctcp = ipv4(6, tcp(10000, esp + bytes(16)))
    assert pcapfile.is_exact_drop_target(ctcp, "ctcp")
    assert not pcapfile.is_exact_drop_target(ipv4(6, tcp(10000, SPI2 + bytes(100))), "ctcp")
    assert not pcapfile.is_exact_drop_target(ipv4(6, tcp(10001, esp)), "ctcp")
    assert pcapfile.is_exact_drop_target(ipv4(17, udp(4500, esp)), "natt")
    assert not pcapfile.is_exact_drop_target(ipv4(17, udp(4500, bytes(4) + esp)), "natt")  # IKE
    assert pcapfile.is_exact_drop_target(ipv4(50, esp), "esp")
    assert not pcapfile.is_exact_drop_target(ipv4(50, SPI2 + bytes(20)), "esp")
    data = ipv4(6, tcp(443, bytes(300), flags=0x18))
    assert pcapfile.is_exact_drop_target(data, "anyconnect")
    assert not pcapfile.is_exact_drop_target(ipv4(6, tcp(443, bytes(300), flags=0x19)), "anyconnect")
    assert not pcapfile.is_exact_drop_target(ipv4(6, tcp(443, bytes(100))), "anyconnect")


def test_raw_pcap_round_trip_and_ppp_captures(tmp_path):
    packets = [(1.5, ipv4(50, SPI1 + bytes(40))), (2.25, ipv4(17, udp(4500, SPI2 + bytes(8))))]
    raw = tmp_path / "raw.pcap"
    pcapfile.write_raw(raw, packets)
    got = pcapfile.read(raw)
    assert [ip for _, ip in got] == [ip for _, ip in packets]
    assert [ts for ts, _ in got] == pytest.approx([1.5, 2.25])
    # ns-3's point-to-point pcap: LINKTYPE_PPP, 2-byte protocol field; non-IPv4 frames skipped.
    ppp = tmp_path / "ppp.pcap"
    with open(ppp, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 9))
        for frame in (b"\x00\x21" + packets[0][1], b"\x00\x57" + bytes(40)):
            f.write(struct.pack("<IIII", 3, 0, len(frame), len(frame)) + frame)
    assert [ip for _, ip in pcapfile.read(ppp)] == [packets[0][1]]
    assert pcapfile.fields(packets[0][1])[:3] == ("198.18.1.2", "198.18.2.2", 50)


# --- the command line and the report -----------------------------------------------------------

def validate(*args):
    return subprocess.run([sys.executable, str(TESTBED / "validate"), *map(str, args)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args,message", [
    (["--trials", "0"], "--trials=0: allowed 1..1000"),
    (["--peer-timeout", "10"], "--peer-timeout=10: allowed 30..480"),
    (["--asa", "normalizer"], "--asa=normalizer: allowed none, bypass, stateful, proxy"),
    (["--encap", "ctcp,gre"], "--encap=ctcp,gre: allowed"),
    (["--loss", "0,1"], "--loss=0,1: allowed"),
    (["--loss", "x"], "--loss=x: allowed"),
    (["--drop-nth", "0"], "--drop-nth=0: allowed"),
    (["--duration", "5"], "--duration=5: allowed 10..3600"),
    (["--traffic-size", "20"], "--traffic-size=20: allowed 36..1300"),
    (["--alpha", "2"], "--alpha=2: allowed"),
    (["--jobs", "many"], "--jobs=many: allowed 1..32"),
    (["--from-records", "/nonexistent"], "--from-records=/nonexistent: allowed"),
])
def test_bad_options_are_refused_naming_the_flag(args, message):
    p = validate(*args)
    assert p.returncode == 2
    assert message in p.stderr


def test_report_from_records(tmp_path):
    config = {"encaps": ["ctcp", "natt"], "asa": "proxy", "fw": "proxy",
              "levels": ["0", "0.05", "drop#5"], "trials": 4, "duration_s": 27,
              "testbed_duration_s": 22, "sim_traffic_start_s": 5, "peer_timeout_s": 30,
              "asa_dpd_threshold_s": 10, "asa_dpd_retry_s": 2, "transform": "x",
              "traffic_interval_s": 0.05, "traffic_size_bytes": 200, "alpha": 0.05}
    lines = [json.dumps({"validate_config": config})]
    for side in ("simulation", "testbed"):
        for seed in range(1, 5):
            for encap in ("ctcp", "natt"):
                for level in ("0", "0.05", "drop#5"):
                    fails = encap == "ctcp" and level != "0"
                    r = record(fails, "headend-dpd" if fails else None, source=side,
                               framing=1 if (side == "testbed" and seed == 1) else 0)
                    lines.append(json.dumps({"side": side, "encap": encap, "level": level,
                                             "seed": seed, "record": r}))
    lines.append(json.dumps({"side": "testbed", "encap": "natt", "level": "0", "seed": 5,
                             "error": "timed out"}))
    store = tmp_path / "records.jsonl"
    store.write_text("\n".join(lines) + "\n")
    out = tmp_path / "report"
    p = validate("--from-records", store, "--out", out, "--strict")
    # 4 trials per side cannot show equivalence within 0.15: inconclusive, not agree.
    assert p.returncode == 1, p.stderr
    assert "verdict: INCONCLUSIVE" in p.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["verdict"]["verdict"] == "inconclusive"
    assert summary["verdict"]["disagreeing_cells"] == []
    cells = {(c["encap"], c["level"]): c for c in summary["cells"]}
    assert len(cells) == 6
    c = cells[("ctcp", "drop#5")]
    assert (c["kind"], c["drop_nth"]) == ("drop", 5)
    assert c["simulation"]["failures"] == c["testbed"]["failures"] == 4
    assert c["testbed"]["runs_with_framing_errors"] == 1
    assert cells[("natt", "0")]["testbed"]["missing"] == 1
    assert cells[("natt", "0")]["testbed"]["n"] == 4
    assert (out / "validation.png").stat().st_size > 1000
    assert (out / "validation.pdf").stat().st_size > 1000
    assert (out / "survival.png").stat().st_size > 1000
    assert (out / "survival.pdf").stat().st_size > 1000

    # The same records with one side's outcome turned over: disagreement, exit 1 with --strict.
    flipped = [l.replace('"failed": true', '"failed": false') if '"testbed"' in l
               and '"level": "drop#5"' in l else l for l in lines]
    store.write_text("\n".join(flipped) + "\n")
    p = validate("--from-records", store, "--out", out, "--strict", "--no-plot")
    assert p.returncode == 1
    assert "verdict: DISAGREE" in p.stdout
    assert "ctcp drop#5" in p.stdout


# --- the packet comparison ---------------------------------------------------------------------

def rows(n_esp, **change):
    out = []
    for direction in ("client->headend", "headend->client"):
        out.append({"dir": direction, "kind": "ike", "isakmp.length": "328"})
        for i in range(n_esp):
            r = {"dir": direction, "kind": "esp", "esp.sequence": str(i + 1),
                 "decrypted.esp.icv_good": "1", "inner.ip.len": "228"}
            if i == 3 and direction == "client->headend":
                r.update(change)
            out.append(r)
    return out


def test_packet_comparison_names_the_field_and_packet_that_differ():
    cp = load_script("compare-packets")
    diffs, compared = cp.compare(rows(5), rows(5), 5)
    assert diffs == []
    assert compared["client->headend"] == {"ike": 1, "esp": 5, "fields": 22}
    diffs, _ = cp.compare(rows(5), rows(5, **{"inner.ip.len": "229"}), 5)
    assert diffs == ["client->headend #5 (esp): inner.ip.len: simulation '228', testbed '229'"]
    diffs, _ = cp.compare(rows(5), rows(5, **{"decrypted.esp.icv_good": "0"}), 5)
    assert any("did not decrypt" in d for d in diffs)
    diffs, _ = cp.compare(rows(5), rows(3), 5)
    assert any("only 5 (simulation) / 3 (testbed) ESP" in d for d in diffs)


def test_plot_takes_intervals_that_end_a_rounding_error_below_the_rate(tmp_path):
    # statsmodels' Wilson interval of 10/10 ends at 0.99999999..., below the rate 1.0.
    summary = vs.summarize([record(True, "headend-dpd")] * 10)
    assert summary["wilson_high"] <= 1.0
    cells = [{"encap": "ctcp", "level": level, "label": f"ctcp {level}", **kind,
              "simulation": summary, "testbed": summary}
             for level, kind in (("0.01", {"kind": "random", "loss": 0.01}),
                                 ("drop#5", {"kind": "drop", "drop_nth": 5}))]
    files = validation_plots.plot(None, cells, str(tmp_path / "plot"))
    assert [Path(f).suffix for f in files] == [".png", ".pdf"]
    assert all(Path(f).stat().st_size > 1000 for f in files)
