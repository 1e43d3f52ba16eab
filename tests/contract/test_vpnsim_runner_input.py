"""vpnsim-runner's input contract: a command line it cannot use exits 2 with one line naming
the flag and what it allows, and nothing on stdout. The parser refuses before any socket is
opened, so none of this needs root."""

import pytest
from conftest import assert_refused, program, run

BASE = ["--role", "client", "--encap", "ctcp", "--local", "198.18.1.2", "--remote", "198.18.2.2"]


@pytest.fixture(scope="module")
def runner():
    return program("VPNSIM_RUNNER")


CASES = [
    # positional arguments
    (["client"], "'client'", "every argument is a flag"),
    (["-"], "'-'", "every argument is a flag"),
    (["--"], "'--'", "every argument is a flag"),
    (["-role=client"], "-role=client", "every argument is a flag"),
    # unknown flags and flags without values
    (["--rol", "client"], "--rol", "unknown option"),
    (["--Role=client"], "--Role", "unknown option"),
    (["--seed"], "--seed", "needs a value"),
    (["--echo=1"], "--echo", "takes no value"),
    # repeated flags: one value each, never the last one silently
    (["--role", "headend"], "--role given twice", ""),
    (["--encap=natt"], "--encap given twice", ""),
    (["--seed=1", "--seed", "2"], "--seed given twice", ""),
    (["--echo", "--echo"], "--echo given twice", ""),
    (["--param", "a=1", "--param=a=2"], "--param=a=2", "KEY a given twice"),
    # empty values
    (["--duration="], "--duration=", "allowed 0.1..86400"),
    (["--record="], "--record=", "allowed a file name"),
    (["--pcap="], "--pcap=", "allowed a file name"),
    (["--user="], "--user=", "allowed a user name"),
    (["--tun="], "--tun=", "allowed an interface name"),
    (["--param="], "--param=", "allowed KEY=VALUE"),
    # trailing garbage, blanks and other spellings
    (["--duration=10 20"], "--duration=10 20", "allowed 0.1..86400"),
    (["--duration= 10"], "--duration= 10", "allowed 0.1..86400"),
    (["--duration=10s"], "--duration=10s", "allowed 0.1..86400"),
    (["--duration=0x10"], "--duration=0x10", "allowed 0.1..86400"),
    (["--duration=+10"], "--duration=+10", "allowed 0.1..86400"),
    (["--seed=1.0"], "--seed=1.0", "allowed 0..18446744073709551615"),
    (["--seed=18446744073709551616"], "--seed=18446744073709551616", "allowed 0.."),
    (["--seed=-1"], "--seed=-1", "allowed 0.."),
    (["--ctcp-port=10000x"], "--ctcp-port=10000x", "allowed 1 to 65535"),
    (["--ctcp-port=65536"], "--ctcp-port=65536", "allowed 1 to 65535"),
    (["--inner-local=198.18.1.2 "], "--inner-local=198.18.1.2 ", "dotted-quad"),
    (["--rst-filter=nft "], "--rst-filter=nft ", "allowed nft, none"),
    # values no range holds: non-finite, subnormal
    (["--loss=nan"], "--loss=nan", "allowed 0..1"),
    (["--loss=inf"], "--loss=inf", "allowed 0..1"),
    (["--loss=1e-320"], "--loss=1e-320", "allowed 0..1"),
    (["--loss=4.9e-324"], "--loss=4.9e-324", "allowed 0..1"),
    (["--loss=-1e-320"], "--loss=-1e-320", "allowed 0..1"),
    (["--duration=1e400"], "--duration=1e400", "allowed 0.1..86400"),
    (["--log-interval=2.2250738585072009e-308"], "--log-interval", "allowed 0..3600"),
    # text that is not UTF-8
    ([b"--user=\xff"], "--user=\\xff", "not valid UTF-8"),
    ([b"--param=k=\xc0\xaf"], "--param=k=\\xc0\\xaf", "not valid UTF-8"),
    ([b"--param", b"k=\xed\xa0\x80"], "--param=k=\\xed\\xa0\\x80", "not valid UTF-8"),
    # a huge value is quoted, not echoed whole
    (["--asa=" + "x" * 100000], "--asa=xxx", "\\.\\.\\."),
]


@pytest.mark.parametrize("args,field,pattern", CASES, ids=[repr(c[0])[:50] for c in CASES])
def test_a_bad_command_line_is_refused_naming_the_flag(runner, args, field, pattern):
    # The base flags go first, so that a repeated one is the case's own.
    assert_refused(run([runner, *BASE, *args], timeout=30), field, pattern)


def test_help_is_stdout_and_exit_0(runner):
    p = run([runner, "--help"])
    assert p.returncode == 0 and b"usage: vpnsim-runner" in p.stdout and p.stderr == b""
