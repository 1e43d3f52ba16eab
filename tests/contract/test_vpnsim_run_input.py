"""vpnsim-run's input contract: every kind of bad input (flags, scenario JSON, DOT topologies,
loss traces, pcap prefixes) exits 2 with one line naming the flag and what it allows, prints
nothing on stdout, and never crashes, hangs or runs with a value other than the one given.
Each class is a table, with neighbours of the cases first reported."""

import json
import os

import pytest
from conftest import assert_refused, program, run

GOOD_DOT = """graph g {
  client [role="client"]; asa [role="asa"]; headend [role="headend"];
  client -- asa [delay="20ms", internet="true"];
  asa -- headend [delay="1ms"];
}
"""
NO_INTERNET_DOT = GOOD_DOT.replace(', internet="true"', "")
OWN_LOSS_DOT = GOOD_DOT.replace('internet="true"', 'internet="true", loss="bernoulli:0.1"')
OWN_JITTER_DOT = GOOD_DOT.replace('internet="true"', 'internet="true", jitter="5ms"')
NO_ASA_DOT = """graph g {
  client [role="client"]; headend [role="headend"];
  client -- headend [internet="true"];
}
"""


# The loss range as the range check and as the parameter table word it.
LOSS_RANGE = r"allowed 0( <= loss < 1| to 1 \(1 excluded\))"


@pytest.fixture(scope="module")
def vpnsim_run():
    return program("VPNSIM_RUN")


# -- flags --------------------------------------------------------------------------------------

FLAG_CASES = [
    # positional arguments and other things that are not --name=VALUE
    (["loss=0.1"], "loss=0.1", "every argument is a flag"),
    (["ctcp"], "ctcp", "every argument is a flag"),
    (["-"], "'-'", "every argument is a flag"),
    (["--loss=0.1", "extra"], "extra", "every argument is a flag"),
    (["-loss=0.1"], "-loss=0.1", "every argument is a flag"),
    # unknown flags, including ns-3's own and near misses
    (["--los=0.1"], "--los", "unknown flag"),
    (["--LOSS=0.1"], "--LOSS", "unknown flag"),
    (["--PrintHelp"], "--PrintHelp", "unknown flag"),
    (["--ns3::TcpSocket::SegmentSize=100"], "--ns3::TcpSocket::SegmentSize", "unknown flag"),
    (["--=1"], "--", "unknown flag"),
    (["--"], "--", "unknown flag"),
    # a flag without a value, and empty values
    (["--loss"], "--loss", "needs a value"),
    (["--loss="], "--loss=", "empty value"),
    (["--encap="], "--encap=", "empty value"),
    (["--seed="], "--seed=", "empty value"),
    (["--topology="], "--topology=", "empty value"),
    (["--pcap="], "--pcap=", "empty value"),
    (["--scenario="], "--scenario=", "empty value"),
    (["--loss-model=trace", "--loss-trace="], "--loss-trace=", "empty value"),
    # repeated flags
    (["--loss=0.1", "--loss=0.2"], "--loss", "given twice"),
    (["--seed=1", "--seed=1"], "--seed", "given twice"),
    (["--scenario=a", "--scenario=b"], "--scenario", "given twice"),
    # trailing garbage, blanks, other spellings of numbers
    (["--loss=0.1 0.5"], "--loss=0.1 0.5", "not a number; " + LOSS_RANGE),
    (["--loss=0.1x"], "--loss=0.1x", LOSS_RANGE),
    (["--loss= 0.1"], "--loss= 0.1", "not a number"),
    (["--loss=0.1\n"], "--loss=0.1", "not a number"),
    (["--loss=+0.1"], "--loss=+0.1", "not a number"),
    (["--loss=0x1p-4"], "--loss=0x1p-4", "not a number"),
    (["--loss=1,5"], "--loss=1,5", "not a number"),
    (["--duration=60s"], "--duration=60s", "allowed 10 to 604800 seconds"),
    (["--duration=ten"], "--duration=ten", "not a number; allowed 10 to 604800"),
    (["--seed=1 2"], "--seed=1 2", "not a whole number"),
    (["--seed=1.0"], "--seed=1.0", r"allowed 1 to 2\^64-1"),
    (["--seed=-1"], "--seed=-1", r"allowed 1 to 2\^64-1"),
    (["--seed=0x10"], "--seed=0x10", r"allowed 1 to 2\^64-1"),
    (["--seed=18446744073709551616"], "--seed=18446744073709551616", r"allowed 1 to 2\^64-1"),
    (["--seed=0"], "--seed=0", r"allowed 1 to 2\^64-1"),
    (["--traffic-size=100b"], "--traffic-size=100b", "allowed 8 to 1300 bytes"),
    (["--traffic-size=4294967296"], "--traffic-size=4294967296", "allowed 8 to 1300"),
    (["--encap=ctcp x"], "--encap=ctcp x", "allowed ctcp, natt, esp, anyconnect"),
    (["--encap=CTCP"], "--encap=CTCP", "allowed ctcp, natt"),
    (["--asa=proxy "], "--asa=proxy ", "allowed none, stateful"),
    # values no range holds: non-finite, huge, subnormal, just outside
    (["--loss=nan"], "--loss=nan", LOSS_RANGE),
    (["--loss=inf"], "--loss=inf", LOSS_RANGE),
    (["--loss=-inf"], "--loss=-inf", LOSS_RANGE),
    (["--loss=1"], "--loss=1", LOSS_RANGE),
    (["--loss=-1e-9"], "--loss=-1e-09", LOSS_RANGE),
    (["--loss=1e-320"], "--loss=1e-320", "subnormal"),
    (["--loss=4.9e-324"], "--loss=4.9e-324", "subnormal"),
    (["--loss=2.2250738585072009e-308"], "--loss=2.2250738585072009e-308", "subnormal"),
    (["--loss=-1e-320"], "--loss=-1e-320", LOSS_RANGE),
    (["--loss=1e-400"], "--loss=1e-400", LOSS_RANGE),
    (["--jitter=1e-320"], "--jitter=1e-320", "subnormal"),
    (["--duration=1e400"], "--duration=1e400", "allowed 10 to 604800"),
    (["--duration=nan"], "--duration=nan", "allowed 10 to 604800"),
    (["--peer-timeout=-0.0001"], "--peer-timeout", "allowed 30 to 480"),
    (["--loss-model=gilbert", "--loss=0.1", "--burst=0.999"], "--burst=0.999", "1 <= burst"),
    (["--loss-model=gilbert", "--loss=0.1", "--burst=nan"], "--burst=nan", "allowed 1 to 1000"),
    # text that is not UTF-8 (raw, overlong, surrogate) never reaches the JSON record
    ([b"--encap=\xff"], "--encap=", "not valid UTF-8"),
    ([b"--encap=\xc0\xaf"], "--encap=", "not valid UTF-8"),
    ([b"--topology=\xed\xa0\x80.dot"], "--topology=", "not valid UTF-8"),
    ([b"--pcap=/tmp/\xfe"], "--pcap=", "not valid UTF-8"),
    # a loss the trace model would not use
    (["--loss-model=trace", "--loss=0.1", "--loss-trace=/etc/hostname"], "--loss=0.1",
     "0 with --loss-model=trace"),
    (["--loss-model=trace"], "--loss-trace", "required with --loss-model=trace"),
    # pcap prefixes ns-3 could not write
    (["--pcap=/nonexistent-vpnsim-dir/run"], "--pcap=/nonexistent-vpnsim-dir/run",
     "existing writable directory"),
    (["--pcap=/etc/hostname/run"], "--pcap=/etc/hostname/run", "existing writable directory"),
]


@pytest.mark.parametrize("args,field,pattern", FLAG_CASES,
                         ids=[repr(c[0])[:60] for c in FLAG_CASES])
def test_a_bad_flag_is_refused_naming_it(vpnsim_run, args, field, pattern):
    assert_refused(run([vpnsim_run, *args]), field, pattern)


# -- files: scenario JSON, topologies, loss traces ----------------------------------------------

FILE_FLAGS = [
    ("--scenario", []),
    ("--topology", []),
    ("--loss-trace", ["--loss-model=trace"]),
]


@pytest.mark.parametrize("flag,extra", FILE_FLAGS, ids=[f[0] for f in FILE_FLAGS])
@pytest.mark.parametrize("kind", ["dir", "fifo", "zero", "urandom", "null", "sparse", "loop",
                                  "missing"])
def test_a_file_flag_refuses_what_is_not_a_small_regular_file(vpnsim_run, hostile, flag,
                                                              extra, kind):
    # /dev/zero and /dev/urandom never end, a FIFO without a writer never opens: a hang here
    # is the timeout, a crash the exit status.
    p = run([vpnsim_run, *extra, f"{flag}={hostile[kind]}"], timeout=30)
    expected = {"dir": "a directory", "fifo": "a FIFO", "zero": "a character device",
                "urandom": "a character device", "null": "a character device",
                "sparse": "larger than the limit", "loop": "cannot be read",
                "missing": "cannot be read"}[kind]
    assert_refused(p, flag, expected)


def write(tmp_path, name, content) -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


SCENARIO_CASES = [
    (b"not json", "not valid JSON"),
    (b"", "not valid JSON"),
    (b'{"loss": 0.1', "not valid JSON"),
    (b'{"encap": "\xff"}', "not valid JSON"),  # invalid UTF-8 inside a string
    (b'\xef\xbb\xbf{"encap": "\xc0\xaf"}', "not valid JSON"),
    (b"[1, 2]", "expected a JSON object"),
    (b'"ctcp"', "expected a JSON object"),
    (b'{"loss": 0.1, "loss": 0.2}', "key 'loss' given twice"),
    (b'{"lose": 0.1}', "unknown key 'lose'"),
    (b'{"scenario": "x.json"}', "unknown key 'scenario'"),
    (b'{"loss": true}', "loss: true is not a string or a number"),
    (b'{"loss": null}', "is not a string or a number"),
    (b'{"loss": [0.1]}', "is not a string or a number"),
    (b'{"encap": {"a": 1}}', "is not a string or a number"),
    (b'{"loss": "0.1 0.5"}', "--loss=0.1 0.5: not a number"),
    (b'{"loss": 1e-320}', "subnormal"),
    (b'{"loss": 1e999}', "not valid JSON|allowed 0 <= loss"),
    (b'{"loss": -0.5}', "--loss=-0.5: allowed 0 <= loss < 1"),
    (b'{"seed": 1.5}', "--seed=1.5"),
    (b'{"seed": -1}', "--seed=-1"),
    (b'{"seed": 18446744073709551616}', "--seed="),
    (b'{"encap": ""}', "--encap=: empty value"),
    (b'{"topology": ""}', "--topology=: empty value"),
    (b'{"encap": "gre"}', "--encap=gre: allowed"),
]
# Values a range check refuses once file and flags are merged name the flag, not the file.
MERGED = (b'{"loss": -0.5}', b'{"encap": "gre"}')


@pytest.mark.parametrize("content,pattern", SCENARIO_CASES,
                         ids=[repr(c[0])[:40] for c in SCENARIO_CASES])
def test_a_bad_scenario_file_is_refused_naming_the_file_and_key(vpnsim_run, tmp_path, content,
                                                               pattern):
    path = write(tmp_path, "s.json", content)
    field = pattern.split(":")[0] if content in MERGED else "--scenario=" + path
    assert_refused(run([vpnsim_run, f"--scenario={path}"]), field, pattern)


DOT_CASES = [
    (b"graph {", "s.dot:1:"),
    (b"graph g { a -- }", "s.dot:1:"),
    (b"digraph g { a -> b }", "s.dot"),
    (b"graph g {\n a [role=\"client\"];\n a -- a;\n}\n", "a link joins two different vertices"),
    (GOOD_DOT.replace("}\n", "  client -- asa;\n}\n").encode(), "already joined"),
    (GOOD_DOT.replace('delay="20ms"', 'delay="20 parsecs"').encode(), "delay '20 parsecs'"),
    (GOOD_DOT.replace('delay="20ms"', 'jitter="fast"').encode(), "jitter 'fast'"),
    (GOOD_DOT.replace('delay="20ms"', 'jitter="2h"').encode(), "jitter '2h'"),
    (GOOD_DOT.replace('delay="20ms"', 'rate="0bps"').encode(), "rate '0bps'"),
    (GOOD_DOT.replace('delay="20ms"', 'loss="bernoulli:1e-400"').encode(), "loss model"),
    (GOOD_DOT.replace('delay="20ms"', 'loss="bernoulli:nan"').encode(), "loss model"),
    (GOOD_DOT.replace('delay="20ms"', 'loss="trace:/dev/zero"').encode(), "character device"),
    (GOOD_DOT.replace('delay="20ms"', 'colour="red"').encode(), "unknown attribute 'colour'"),
    (GOOD_DOT.replace('role="asa"', 'role="firewall"').encode(), "role 'firewall'"),
    (GOOD_DOT.replace('role="asa"', 'role="\xff"').encode("latin-1"), "role '\\\\xff'"),
    (GOOD_DOT.replace('internet="true"', 'internet="yes"').encode(), "internet='yes'"),
    (b"graph g { x [label=\"" + b"A" * 500000 + b"\"] }", "s.dot"),
    (b"\xff\xfe" + GOOD_DOT.encode("utf-16-le"), "s.dot"),
    (b"graph g {\n" + b"".join(b"  n%d;\n" % i for i in range(20000)) + b"  a -- ;\n}\n",
     "s.dot:20002:"),
]


@pytest.mark.parametrize("content,pattern", DOT_CASES, ids=[repr(c[0])[:40] for c in DOT_CASES])
def test_a_bad_topology_is_refused_naming_the_file(vpnsim_run, tmp_path, content, pattern):
    path = write(tmp_path, "s.dot", content)
    assert_refused(run([vpnsim_run, f"--topology={path}"], timeout=60), "--topology=" + path,
                   pattern)


TOPOLOGY_CLAIM_CASES = [
    (NO_INTERNET_DOT, ["--loss=0.3"], "--loss=0.3", "no edge marked internet"),
    (NO_INTERNET_DOT, ["--jitter=0.01"], "--jitter=0.01", "no edge marked internet"),
    (NO_INTERNET_DOT, ["--loss-model=gilbert", "--loss=0.1"], "--loss=0.1", "no edge"),
    (OWN_LOSS_DOT, ["--loss=0.3"], "--loss=0.3", "without a loss of its own"),
    (OWN_JITTER_DOT, ["--jitter=0.01"], "--jitter=0.01", "without a jitter of its own"),
    (NO_ASA_DOT, [], "--asa=proxy", "no vertex with role=asa"),
    (NO_ASA_DOT, ["--asa=normalizer"], "--asa=normalizer", "no vertex with role=asa"),
]


@pytest.mark.parametrize("dot,args,field,pattern", TOPOLOGY_CLAIM_CASES,
                         ids=[" ".join(c[1]) or "defaults" for c in TOPOLOGY_CLAIM_CASES])
def test_a_parameter_the_topology_would_not_apply_is_refused(vpnsim_run, tmp_path, dot, args,
                                                             field, pattern):
    path = write(tmp_path, "t.dot", dot)
    assert_refused(run([vpnsim_run, f"--topology={path}", *args]), field, pattern)


TRACE_CASES = [
    (b"x\n", ":1: expected a non-negative integer"),
    (b"mode index\n1\n-2\n", ":3:"),
    (b"mode time\n1e-320s\n", ":2:|"),
    (b"18446744073709551616\n", ":1: packet index '18446744073709551616' is too large"),
    (b"\xff\xfe\n", ":1: expected a non-negative integer packet index, got '\\\\xff\\\\xfe'"),
    (b"A" * (10 << 20), ":1: expected a non-negative integer"),  # one 10 MB line, quoted short
    (b"1 2\n", ":1: expected one number per line"),
]


@pytest.mark.parametrize("content,pattern", TRACE_CASES, ids=[repr(c[0])[:30] for c in TRACE_CASES])
def test_a_bad_loss_trace_is_refused_naming_file_and_line(vpnsim_run, tmp_path, content, pattern):
    path = write(tmp_path, "drops.trace", content)
    p = run([vpnsim_run, "--duration=10", "--loss-model=trace", f"--loss-trace={path}"],
            timeout=60)
    if content == b"mode time\n1e-320s\n":
        # A subnormal time is a time (it rounds to 0 s): the run goes ahead, as a record.
        assert p.returncode == 0 or p.returncode == 2
        return
    assert_refused(p, "--loss-trace=" + path, pattern)


# -- what is accepted is what is recorded -------------------------------------------------------

def record(vpnsim_run, *args):
    p = run([vpnsim_run, "--duration=10", *args])
    assert p.returncode == 0, p.stderr.decode()
    assert p.stderr == b""
    return json.loads(p.stdout)


def test_negative_zero_is_recorded_as_zero(vpnsim_run):
    plain = run([vpnsim_run, "--duration=10"]).stdout
    assert b'"loss":0' in plain
    for args in (["--loss=-0"], ["--loss=-0.0", "--jitter=-0"]):
        p = run([vpnsim_run, "--duration=10", *args])
        assert p.returncode == 0 and p.stdout == plain, p.stdout


def test_a_scenario_file_and_flags_give_the_record_of_the_same_flags(vpnsim_run, tmp_path):
    path = write(tmp_path, "s.json", '{"encap": "natt", "loss": 0.01, "seed": 3}')
    assert record(vpnsim_run, f"--scenario={path}") == record(vpnsim_run, "--encap=natt",
                                                               "--loss=0.01", "--seed=3")


def test_the_topology_applies_what_the_record_claims(vpnsim_run, tmp_path):
    good = write(tmp_path, "good.dot", GOOD_DOT)
    r = record(vpnsim_run, f"--topology={good}", "--loss=0.3", "--jitter=0.001")
    assert r["loss"] == 0.3 and r["parameters"]["jitter_s"] == "0.001"
    no_internet = write(tmp_path, "plain.dot", NO_INTERNET_DOT)
    assert record(vpnsim_run, f"--topology={no_internet}")["loss"] == 0
    no_asa = write(tmp_path, "noasa.dot", NO_ASA_DOT)
    assert record(vpnsim_run, f"--topology={no_asa}", "--asa=none")["asa"] == "none"


def test_help_goes_to_stdout_and_exits_0(vpnsim_run):
    p = run([vpnsim_run, "--help"])
    assert p.returncode == 0 and b"--loss:" in p.stdout and p.stderr == b""


def test_a_proc_file_is_read_with_the_same_cap(vpnsim_run, hostile):
    # Regular, reports size 0, has content: read, then refused for what it holds.
    assert_refused(run([vpnsim_run, f"--scenario={hostile['proc']}"]), "--scenario=",
                   "not valid JSON")


def test_a_file_larger_than_the_cap_but_sparse_is_refused_without_reading_it(vpnsim_run, hostile):
    assert os.stat(hostile["sparse"]).st_blocks == 0
    assert_refused(run([vpnsim_run, f"--topology={hostile['sparse']}"], timeout=10),
                   "--topology=", "larger than the limit of 1048576 bytes")
