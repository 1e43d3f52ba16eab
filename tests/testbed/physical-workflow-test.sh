#!/usr/bin/env bash
# The physical-testbed workflow (doc/physical-testbed.md) on namespaces standing in for hosts:
# a client, a headend and a Linux forwarder, each running its own sshd on a management link to
# a controller namespace, and between client and headend a middlebox validate knows nothing
# of (HAProxy, set up here as a black box, the way an ASA would be configured by hand). The
# runner comes from its Debian package (cpack, unpacked); ssh uses a key pair and host key made
# here, with the host keys pinned. validate --hosts runs the batches over ssh, measures the
# loss on the wire from the forwarder's counters, gives the simulation that loss and compares.
# Each cell's trials run as one batch (cTCP: one client runner with --tunnels; native ESP: a
# runner on each of the client's two addresses), and the two cells at once; the records must
# show it.
#
#   ctl 198.18.10.1 ─ mgmt ─ client .10.2 / forwarder .10.6 / headend .10.10   (ssh only)
#   client 198.18.1.2 (c0) ── (f0) forwarder + black-box HAProxy (f1) ── (h0) 198.18.2.2 headend
#
# Then a hosts file without the forwarder and with one client address: loss only measured
# (from the runners' counters), a request to inject loss refused with exit 2, a NAT-T batch of
# runners on that one address told apart by UDP port, and then (both headends bind UDP 500)
# native ESP's trials one at a time: with one address, no port tells its tunnels apart.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:?usage: physical-workflow-test.sh BUILD_DIR}
: "${VPNSIM_RUN:?set VPNSIM_RUN to the vpnsim-run binary}"
# shellcheck source=../../experiments/testbed/lib.sh
source "$ROOT/experiments/testbed/lib.sh"
(tb_require_root) || exit $?
for tool in /usr/sbin/sshd ssh ssh-keygen cpack dpkg-deb haproxy; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
        { echo "skipped: $tool is not installed"; exit 77; }
done
export PATH=$PATH:/usr/sbin

PASSED=0 FAILED=0
WORK=$(mktemp -d /tmp/vpnsim-physical-test.XXXXXX)
chmod 0711 "$WORK"
ID="p$$"
NS_CTL="vpnsim-$ID-m" NS_C="vpnsim-$ID-c" NS_F="vpnsim-$ID-f" NS_H="vpnsim-$ID-h"
SSHD_PIDS=()
MADE_RUN_SSHD=""

finish() {
    local pid
    for pid in "${SSHD_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${SSHD_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    tb_cleanup # the black-box HAProxy (by PID) and the namespaces
    if [ -n "$MADE_RUN_SSHD" ]; then rmdir /run/sshd 2>/dev/null || true; fi
    if [ "$FAILED" = 0 ]; then rm -rf "$WORK"; else echo "kept for inspection: $WORK"; fi
}
trap finish EXIT
trap 'exit 130' INT TERM
check() {
    if eval "$2"; then PASSED=$((PASSED + 1)); echo "ok: $1"; else FAILED=$((FAILED + 1)); echo "FAIL: $1  [$2]"; fi
}
die() { echo "FAIL: $*"; FAILED=$((FAILED + 1)); echo "$PASSED passed, $FAILED failed"; exit 1; }

# The runner, installed from its package.
cpack --config "$BUILD/CPackConfig.cmake" -B "$WORK/pkg" >"$WORK/cpack.log" 2>&1 ||
    die "cpack: $(tail -3 "$WORK/cpack.log")"
deb=$(ls "$WORK"/pkg/vpnsim-runner_*.deb)
dpkg-deb --extract "$deb" "$WORK/root" || die "dpkg-deb --extract $deb"
RUNNER=$WORK/root/usr/bin/vpnsim-runner
chmod -R go+rX "$WORK/root"

# Hosts: the testbed's own topology (lib.sh) for client, forwarder and headend, plus the
# controller's management links.
tb_init "$ID"
TB_NS_CLIENT=$NS_C TB_NS_FW=$NS_F TB_NS_HEADEND=$NS_H
TB_OUT=$WORK
tb_up || die "tb_up"
ip -n "$NS_C" addr add 198.18.1.3/24 dev c0 # the client's second address (native ESP)
ip netns add "$NS_CTL" && TB_NAMESPACES+=("$NS_CTL")
ip -n "$NS_CTL" link set lo up
i=0
for ns in "$NS_C" "$NS_F" "$NS_H"; do
    ip link add "m$i" netns "$NS_CTL" type veth peer name mgmt netns "$ns"
    ip -n "$NS_CTL" addr add "198.18.10.$((4 * i + 1))/30" dev "m$i"
    ip -n "$ns" addr add "198.18.10.$((4 * i + 2))/30" dev mgmt
    ip -n "$NS_CTL" link set "m$i" up
    ip -n "$ns" link set mgmt up
    i=$((i + 1))
done
ADDR_C=198.18.10.2 ADDR_F=198.18.10.6 ADDR_H=198.18.10.10

# The black box: HAProxy on the forwarder's node, transparent, set up by hand (validate is
# never told about it).
PROXY_SECONDS=600 tb_fw haproxy 10000 || die "black-box HAProxy did not start"

# ssh: a throwaway client key and host key, the host key pinned in a known_hosts file.
ssh-keygen -q -t ed25519 -N "" -C vpnsim-test -f "$WORK/id" || die "ssh-keygen"
ssh-keygen -q -t ed25519 -N "" -C vpnsim-test-host -f "$WORK/hostkey" || die "ssh-keygen"
cp "$WORK/id.pub" "$WORK/authorized_keys"
for a in $ADDR_C $ADDR_F $ADDR_H; do
    echo "$a $(cut -d' ' -f1,2 "$WORK/hostkey.pub")"
done >"$WORK/known_hosts"
if [ ! -d /run/sshd ]; then mkdir -m 0755 /run/sshd && MADE_RUN_SSHD=1; fi
for pair in "$NS_C:$ADDR_C" "$NS_F:$ADDR_F" "$NS_H:$ADDR_H"; do
    ns=${pair%%:*} addr=${pair##*:}
    cat >"$WORK/sshd-$ns.conf" <<EOF
ListenAddress $addr
HostKey $WORK/hostkey
PidFile $WORK/sshd-$ns.pid
AuthorizedKeysFile $WORK/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
LogLevel VERBOSE
EOF
    /usr/sbin/sshd -t -f "$WORK/sshd-$ns.conf" || die "sshd -t: configuration refused"
    ip netns exec "$ns" timeout 900 /usr/sbin/sshd -D -e -f "$WORK/sshd-$ns.conf" \
        2>"$WORK/sshd-$ns.log" &
    SSHD_PIDS+=($!)
done
SSH_OPTIONS=(-F /dev/null -i "$WORK/id" -o "UserKnownHostsFile=$WORK/known_hosts"
             -o StrictHostKeyChecking=yes -o ConnectTimeout=5)
for addr in $ADDR_C $ADDR_F $ADDR_H; do
    up=""
    for _ in $(seq 1 50); do
        if ip netns exec "$NS_CTL" ssh -o BatchMode=yes "${SSH_OPTIONS[@]}" "root@$addr" true \
            2>/dev/null; then up=1; break; fi
        sleep 0.2
    done
    check "sshd on $addr answers, with the pinned host key and the throwaway key" '[ -n "$up" ]'
done
[ "$FAILED" = 0 ] || die "ssh to the namespaces"

options=$(printf '"%s", ' "${SSH_OPTIONS[@]}")
cat >"$WORK/hosts.toml" <<EOF
runner = "$RUNNER"
[ssh]
options = [${options%, }]
[client]
ssh = "root@$ADDR_C"
address = "198.18.1.2"
interface = "c0"
extra_addresses = ["198.18.1.3"]
[headend]
ssh = "root@$ADDR_H"
address = "198.18.2.2"
[forwarder]
ssh = "root@$ADDR_F"
in_interface = "f0"
out_interface = "f1"
[middlebox]
description = "HAProxy, mode tcp, transparent (configured by hand)"
EOF
grep -v '^\[forwarder\]\|^in_interface\|^out_interface\|^extra_addresses\|^ssh = "root@'"$ADDR_F"'"' \
    "$WORK/hosts.toml" >"$WORK/hosts-measured.toml"

# 1. With the forwarder: 5 % loss injected both ways, 2 trials per cell, each cell a batch.
out=$WORK/phys
ip netns exec "$NS_CTL" "$ROOT/experiments/testbed/validate" --hosts "$WORK/hosts.toml" \
    --asa proxy --encap ctcp,esp --loss 0.05 --trials 2 --duration 30 --peer-timeout 30 \
    --asa-dpd-threshold 10 --asa-dpd-retry 2 --sim "$VPNSIM_RUN" --out "$out" --no-plot \
    >"$WORK/phys.txt" 2>"$WORK/phys.err"
rc=$?
cat "$WORK/phys.txt"
check "validate --hosts ran and wrote its summary (exit $rc)" '[ "$rc" = 0 ] && [ -s "$out/summary.json" ]'
[ -s "$out/summary.json" ] || { tail -20 "$WORK/phys.err"; die "no summary"; }
check "the report names the physical testbed and its measured loss" \
    'grep -q "^physical testbed" "$WORK/phys.txt" && grep -q "given to the simulation" "$WORK/phys.txt"'
python3 - "$out/summary.json" "$out/records.jsonl" >"$WORK/checks.txt" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
entries = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
entries = [e for e in entries if "side" in e]
def say(ok, what):
    print(("ok" if ok else "FAIL") + "\t" + what)
ph = s["config"].get("physical") or {}
say(ph.get("forwarder") is True, "the hosts file's forwarder was used")
cells = {c["encap"]: c for c in s["cells"]}
for encap, m in sorted(ph.get("measured_loss", {}).items()):
    say(m["source"] == "forwarder" and 0.025 <= m["loss"] <= 0.08,
        f"{encap}: loss measured by the forwarder's counters near the 5 % injected ({m['loss']:.4f})")
    sims = [e["record"]["loss"] for e in entries if e["side"] == "simulation"
            and e["encap"] == encap.split()[0] and "record" in e]
    say(sims and all(abs(x - m["loss"]) <= 1e-5 * m["loss"] + 1e-9 for x in sims),
        f"{encap}: the simulation was given the measured loss ({sims})")
bed = [e["record"] for e in entries if e["side"] == "testbed" and "record" in e]
# The batches: cTCP's two trials are two tunnels of one client runner (--tunnels 2); ESP's
# two runners on the client's two addresses, that one headend served at once; and the two
# cells' batches overlapped in time.
def of(encap):
    return [e for e in entries if e["side"] == "testbed" and e["encap"] == encap and "record" in e]
ctcp_p = [e["record"]["parameters"] for e in of("ctcp")]
say(len(ctcp_p) == 2 and all(p.get("client.tunnels") == "2" and p.get("client_runner") == "0"
                             for p in ctcp_p),
    "cTCP: both trials were tunnels of one client runner with --tunnels 2 "
    f"({[(p.get('client.tunnels'), p.get('client_runner')) for p in ctcp_p]})")
esp_p = [e["record"]["parameters"] for e in of("esp")]
say(len(esp_p) == 2 and sorted(p.get("client.local", "") for p in esp_p)
    == ["198.18.1.2", "198.18.1.3"] and all(p.get("headend.tunnels") == "2" for p in esp_p),
    "ESP: two client runners, one on each client address, served by one headend at once "
    f"({[(p.get('client.local'), p.get('headend.tunnels')) for p in esp_p]})")
spans = {encap: [(e["testbed_started"], e["testbed_ended"]) for e in of(encap)]
         for encap in ("ctcp", "esp")}
say(all(len(set(v)) == 1 for v in spans.values())
    and spans["ctcp"][0][0] < spans["esp"][0][1] and spans["esp"][0][0] < spans["ctcp"][0][1],
    f"the cTCP and ESP batches ran at once ({spans})")
say(len(bed) == 4 and all(r["parameters"].get("fw") == "external" for r in bed),
    f"4 testbed runs, each with the middlebox external ({len(bed)})")
# A run whose IKE never finished (a lost setup segment at 5 % loss) still sent a few packets;
# an established tunnel sent its echoes.
say(bed and all(int(r["parameters"].get("wire_seen", 0)) > 0 for r in bed)
    and all(int(r["parameters"].get("wire_seen", 0)) > 10 for r in bed
            if r.get("tunnel_up_s") is not None),
    "each run's forwarder counted the packets it saw "
    f"({[(r.get('cause'), r['parameters'].get('wire_seen')) for r in bed]})")
say(cells["ctcp"]["testbed"]["failures"] == 2,
    f"cTCP through the black-box proxy at 5 % loss fails ({cells['ctcp']['testbed']['failures']}/2)")
esp = cells["esp"]["testbed"]
setup = esp["other_failures"].get("not-established", 0)
say(esp["failures"] == setup,
    f"ESP lives once up ({esp['failures'] - setup} of {2 - setup} established tunnels failed; "
    "at 5 % loss IKE itself may not finish)")
for c in s["cells"]:
    say(c.get("verdict") != "disagree", f"{c['label']}: no disagreement ({c.get('verdict')})")
PY
while IFS=$'\t' read -r status what; do check "$what" '[ "$status" = ok ]'; done <"$WORK/checks.txt"
check "the runs went over ssh (sshd accepted the throwaway key on every host)" \
    '( for ns in "$NS_C" "$NS_F" "$NS_H"; do grep -q "Accepted publickey for root" "$WORK/sshd-$ns.log" || exit 1; done )'

# 2. Without the forwarder: injecting loss is refused; loss is only measured.
ip netns exec "$NS_CTL" "$ROOT/experiments/testbed/validate" --hosts "$WORK/hosts-measured.toml" \
    --asa proxy --encap natt --loss 0.05 --trials 1 --sim "$VPNSIM_RUN" --out "$WORK/refused" \
    >/dev/null 2>"$WORK/refused.err"
rc=$?
check "no forwarder: --loss 0.05 refused with exit 2, naming --loss (exit $rc)" \
    '[ "$rc" = 2 ] && grep -q -- "--loss=0.05: allowed 0 only" "$WORK/refused.err"'
out=$WORK/measured
ip netns exec "$NS_CTL" "$ROOT/experiments/testbed/validate" --hosts "$WORK/hosts-measured.toml" \
    --asa proxy --encap natt,esp --loss 0 --trials 2 --duration 15 --sim "$VPNSIM_RUN" \
    --out "$out" --no-plot >"$WORK/measured.txt" 2>"$WORK/measured.err"
rc=$?
cat "$WORK/measured.txt"
check "no forwarder: validate ran (exit $rc)" '[ "$rc" = 0 ] && [ -s "$out/summary.json" ]'
check "no forwarder: the loss was measured by the endpoints' counters" \
    'python3 -c "import json,sys; m=json.load(open(sys.argv[1]))[\"config\"][\"physical\"][\"measured_loss\"]; sys.exit(not all(v[\"source\"] == \"endpoints\" and v[\"loss\"] < 0.01 and v[\"c2s\"][0] > 100 for v in m.values()))" "$out/summary.json"'
check "the printed plan says why native ESP runs one trial at a time" \
    'grep -q "esp proxy 0: 2 trials one at a time: native ESP has no port" "$WORK/measured.txt"'
python3 - "$out/records.jsonl" >"$WORK/checks2.txt" <<'PY'
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def say(ok, what):
    print(("ok" if ok else "FAIL") + "\t" + what)
# NAT-T's two trials: two runners on the one client address, from UDP ports 42000/42001 and
# 42002/42003, that one headend served at once.
natt = [x for x in entries if x.get("side") == "testbed" and x["encap"] == "natt" and "record" in x]
natt_p = [x["record"]["parameters"] for x in natt]
say(len(natt_p) == 2 and sorted(p.get("client.udp_source_port", "") for p in natt_p)
    == ["42000", "42002"] and all(p.get("client.local") == "198.18.1.2" for p in natt_p),
    "NAT-T: two client runners on the one client address, told apart by UDP port "
    f"({[(p.get('client.local'), p.get('client.udp_source_port')) for p in natt_p]})")
say(all(p.get("headend.tunnels") == "2" for p in natt_p),
    "NAT-T: one headend served both clients at once "
    f"({[p.get('headend.tunnels') for p in natt_p]})")
up = [x["record"]["parameters"] for x in natt if x["record"].get("tunnel_up_s") is not None]
say(len(up) == 2 and all(str(int(p["client.udp_source_port"]) + 1) == p.get("headend.peer_port")
                         for p in up),
    "NAT-T: each trial is merged with the headend tunnel of its own port "
    f"({[(p.get('client.udp_source_port'), p.get('headend.peer_port')) for p in up]})")
bed = {e: sorted((x["testbed_started"], x["testbed_ended"]) for x in entries
                 if x.get("side") == "testbed" and x["encap"] == e) for e in ("natt", "esp")}
natt, esp = bed["natt"], bed["esp"]
ok = (len(natt) == 2 and natt[0] == natt[1] and len(esp) == 2
      and esp[0][1] <= esp[1][0] and natt[0][1] <= esp[0][0])
say(ok, f"NAT-T's two trials one batch, then ESP's one after the other ({bed})")
PY
while IFS=$'\t' read -r status what; do check "$what" '[ "$status" = ok ]'; done <"$WORK/checks2.txt"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
