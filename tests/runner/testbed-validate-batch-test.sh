#!/usr/bin/env bash
# The simulation against the testbed with Cisco's timers and enough trials to say "agree":
# cTCP through the full TCP proxy at no loss and at 1 % random loss both ways, cTCP through a
# stateful firewall (strict conntrack) at 1 %, and NAT-T through the proxy at 1 %. Client DPD
# as the Cisco VPN Client has it (peer-timeout 90 s, R-U-THERE after 10 s idle, every 5 s),
# the ASA's remote-access keepalive (threshold 300 s, retry 2 s), a 247 s testbed session and
# an echo every 0.2 s. The testbed trials per cell are what power 0.8 at the margin 0.15 needs
# at the simulation's failure rate (validate --trials power, at least 40) with the simulation
# running 4 times as many (--sim-ratio 4: simulations are cheap, and the verdict then hangs
# far less on the draw of a few fixed seeds); on the testbed each cell is one batch of that
# many concurrent tunnels (validate --batch), all four cells at once. It simulates on one core
# (--sim-jobs 1): ctest runs another test beside it (tests/runner/CMakeLists.txt).
#
# Fails unless every cell says "agree" (TOST within 0.15, no difference by Fisher, the Wilson
# intervals or the log-rank test of time to failure) with power at least 0.8 and at least 40
# trials a side, and - so that agreement is not vacuous - cTCP dies through the proxy at 1 %
# and survives elsewhere. Keeps the records in $VALIDATE_BATCH_OUT for the planted mismatches
# (testbed-planted-test.sh), which compare the same testbed trials with a mismatched
# simulation. Prints the CPU the batch used (2 cores here: the runners and the Python proxy
# must keep up).
source "$(dirname "$0")/testbed-lib.sh"
: "${VPNSIM_RUN:?set VPNSIM_RUN to the vpnsim-run binary}"
: "${VALIDATE_BATCH_OUT:?set VALIDATE_BATCH_OUT to the directory for the records}"

out=$VALIDATE_BATCH_OUT
rm -rf "$out"
cpu() { awk '/^cpu / { print $2 + $3 + $4 + $6 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
read -r busy0 total0 < <(cpu)
start=$(date +%s)
run_validate validate \
    --cells ctcp:proxy:0,ctcp:proxy:0.01,ctcp:stateful:0.01,natt:proxy:0.01 --batch \
    --trials power --min-trials 40 --sim-ratio 4 --duration 252 --peer-timeout 90 \
    --asa-dpd-threshold 300 --asa-dpd-retry 2 --traffic-interval 0.2 \
    --sim "$VPNSIM_RUN" --sim-jobs 1 --runner "$VPNSIM_RUNNER" --out "$out"
read -r busy1 total1 < <(cpu)
cat "$WORK/validate.txt"
grep -E "^validate: (ctcp|natt|esp) .*simulated" "$WORK/validate.err"
skip_without_testbed validate
# `times`' second line: the user and system CPU of this shell's children (validate and every
# process under it: simulations, scenarios, runners, proxies).
echo "validate took $(($(date +%s) - start)) s (exit $rc); CPU of validate and all it started" \
    "(user, system): $(times | tail -1); the machine's $(nproc) cores were busy" \
    "$(awk -v b=$((busy1 - busy0)) -v t=$((total1 - total0)) 'BEGIN { printf "%.0f %%", t ? 100 * b / t : 0 }')" \
    "of the time (other processes included)"
check "validate ran and wrote its summary and plots (exit $rc)" \
    '[ "$rc" = 0 ] && [ -s "$out/summary.json" ] && [ -s "$out/survival.png" ] && [ -s "$out/validation.png" ]'
require_summary validate "$out/summary.json"

# Each line: "ok|FAIL<TAB>what".
python3 - "$out/summary.json" >"$WORK/checks.txt" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
cells = {c["label"]: c for c in s["cells"]}
config = s["config"]

def say(ok, what):
    print(("ok" if ok else "FAIL") + "\t" + what)

def counts(c):
    return ", ".join(f"{side} {c[side]['failures']}/{c[side]['n']}" if c[side] else f"{side} -"
                     for side in ("simulation", "testbed"))

say((config["peer_timeout_s"], config["asa_dpd_threshold_s"], config["asa_dpd_retry_s"])
    == (90, 300, 2) and config["testbed_duration_s"] >= 245,
    f"Cisco's timers and a session of at least 240 s after setup ({config['testbed_duration_s']} s)")
say(s["verdict"]["verdict"] == "agree", f"verdict {s['verdict']['verdict']}: {s['verdict']['test']}")
for label in ("ctcp proxy 0", "ctcp proxy 0.01", "ctcp stateful 0.01", "natt proxy 0.01"):
    c = cells.get(label)
    if c is None or c["power"] is None:
        say(False, f"{label}: compared")
        continue
    say(c["verdict"] == "agree" and c["power"] >= 0.8,
        f"{label}: {c['verdict']} with power {c['power']:.2f} at margin {c['margin']:g} "
        f"({counts(c)}; TOST p {c['equivalence_p']:.2g}; log-rank p {c['logrank_p']})")
    say(all(c[side]["n"] >= 40 for side in ("simulation", "testbed"))
        and c["simulation"]["n"] == 4 * c["testbed"]["n"],
        f"{label}: at least 40 trials a side, 4 times as many simulated ({counts(c)})")
    say(bool(c.get("middlebox")), f"{label}: the testbed says which middlebox ({c.get('middlebox')})")
c = cells["ctcp proxy 0.01"]
say(all(c[side]["rate"] >= 0.9 for side in ("simulation", "testbed")),
    f"cTCP through the proxy at 1 %: the tunnels die on both sides ({counts(c)})")
for label in ("ctcp proxy 0", "ctcp stateful 0.01", "natt proxy 0.01"):
    c = cells[label]
    say(all(c[side]["rate"] <= 0.1 for side in ("simulation", "testbed")),
        f"{label}: the tunnels survive on both sides ({counts(c)})")
PY
check_lines "$WORK/checks.txt"
check "the expectations were evaluated" '[ -s "$WORK/checks.txt" ]'
summary
