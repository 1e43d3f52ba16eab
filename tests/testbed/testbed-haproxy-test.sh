#!/usr/bin/env bash
# The validation with a middlebox the project did not write: HAProxy (the Debian package, mode
# tcp, transparent) as the testbed's full proxy, against the simulation's ASA proxy. cTCP and
# NAT-T at no loss and at 1 % random loss both ways, 8 trials per cell and side (on the testbed
# one batch of concurrent tunnels per cell, through one HAProxy), short timers (client DPD
# 30 s, ASA DPD 10 s + 2 s retries), 60 s runs (the DPD needs about 18 s to give up after the
# first loss, which comes at about 5 s: at 1 % each way a tunnel lives through the 55 s of
# traffic with probability below 1e-6).
#
# What the model predicts, and the test requires on both sides: cTCP through a full proxy dies
# at 1 % loss (the proxy holds everything after the first lost segment, which cTCP never
# sends again) and lives without loss; NAT-T is not proxied and lives at both levels. No cell
# may disagree (eight trials cannot show equivalence, so "inconclusive" is accepted). The report
# and every cell must name HAProxy, and the fw's segment counters must show what HAProxy did
# with the segments: at 1 % loss it passed on only a small part of what reached it (the
# stall), at no loss about one segment out per segment in (counted and reported, whatever
# HAProxy merged).
source "$(dirname "$0")/../runner/testbed-lib.sh"
: "${VPNSIM_RUN:?set VPNSIM_RUN to the vpnsim-run binary}"
if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
    echo "skipped: haproxy is not installed (apt-get install haproxy)"
    exit 77
fi
export PATH=$PATH:/usr/sbin

out=$WORK/validate
start=$(date +%s)
run_validate validate --encap ctcp,natt --asa proxy --fw haproxy --loss 0,0.01 \
    --batch --trials 8 --duration 60 --peer-timeout 30 --asa-dpd-threshold 10 --asa-dpd-retry 2 \
    --jobs 16 --sim "$VPNSIM_RUN" --runner "$VPNSIM_RUNNER" --out "$out" --no-plot
cat "$WORK/validate.txt"
skip_without_testbed validate
echo "validate took $(($(date +%s) - start)) s (exit $rc)"
check "validate ran and wrote its summary (exit $rc)" '[ "$rc" = 0 ] && [ -s "$out/summary.json" ]'
require_summary validate "$out/summary.json"
check "the report names the middlebox" \
    'grep -q "testbed middlebox: haproxy: HAProxy" "$WORK/validate.txt"'

# Each line: "ok|FAIL<TAB>what".
python3 - "$out/summary.json" >"$WORK/checks.txt" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
cells = {(c["encap"], c["level"]): c for c in s["cells"]}
trials = s["config"]["trials"]

def say(ok, what):
    print(("ok" if ok else "FAIL") + "\t" + what)

say(s["config"]["fw"] == "haproxy", f"the testbed ran HAProxy (fw={s['config']['fw']})")
for key, c in sorted(cells.items()):
    say((c.get("middlebox") or "").startswith("haproxy: HAProxy"), f"{key}: the cell names its middlebox ({c.get('middlebox')})")
    say(c.get("verdict") != "disagree", f"{key}: no disagreement ({c.get('verdict')})")
    for side in ("simulation", "testbed"):
        say(c[side] and c[side]["n"] == trials, f"{key} {side}: {trials} runs with a record")

def failures(encap, level, side):
    x = cells[(encap, level)][side]
    return x["failures"] if x else -1

for side in ("simulation", "testbed"):
    say(failures("ctcp", "0.01", side) == trials,
        f"cTCP through the proxy at 1 % loss dies ({side}: {failures('ctcp', '0.01', side)}/{trials})")
    say(failures("ctcp", "0", side) == 0,
        f"cTCP through the proxy without loss lives ({side}: {failures('ctcp', '0', side)} failed)")
    for level in ("0", "0.01"):
        say(failures("natt", level, side) == 0,
            f"NAT-T at {level} lives ({side}: {failures('natt', level, side)} failed)")

seg = cells[("ctcp", "0")]["segments"]["c2s"]
say(seg["in"] >= trials * 500 and abs(seg["out"] - seg["in"]) <= max(5, seg["in"] // 50),
    f"no loss: HAProxy passed on about one segment per segment in ({seg['in']} in, {seg['out']} out)")
seg = cells[("ctcp", "0.01")]["segments"]["c2s"]
say(seg["in"] >= trials * 500 and seg["out"] < seg["in"] // 2,
    f"1 % loss: HAProxy held what followed the first gap ({seg['in']} in, {seg['out']} out)")
seg = cells[("natt", "0.01")]["segments"]["c2s"]
say(seg["in"] == 0, f"NAT-T: no TCP through HAProxy ({seg['in']} segments)")
PY
check_lines "$WORK/checks.txt"
summary
