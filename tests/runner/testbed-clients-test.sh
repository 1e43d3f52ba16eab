#!/usr/bin/env bash
# One runner headend serves many clients at once: a runner client runs 8 cTCP tunnels (8
# source ports, 8 inner addresses) through fw's full TCP proxy to one headend process. Exactly
# one client->headend ESP segment of tunnel 3's connection is dropped at fw's ingress: the
# proxy holds that hole for good, so the headend hears nothing more from tunnel 3 and its DPD
# ends that tunnel, while the other 7 keep carrying probes and echoes to the end. The
# simulation holds the same ("a lost segment takes down only its own client",
# tests/helper/headend-test.cc).
source "$(dirname "$0")/testbed-lib.sh"

n=8 victim=3 port0=40000
run fleet --encap ctcp --fw proxy --tunnels "$n" --drop-nth 20 --drop-tunnel "$victim" \
    --duration 22 --asa-dpd-threshold 10 --probe-rate 10
wait_all

# tunnel_field END TUNNEL-PORT KEY: KEY of the END runner's tunnel whose cTCP peer port (the
# headend's view: the client's source port) or own port (the client's view) is TUNNEL-PORT.
tunnel_field() {
    python3 - "$WORK/fleet/$1.json" "$2" "$3" "$port0" <<'PY'
import json, sys
path, port, key, port0 = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
try:
    p = json.loads(open(path).read().splitlines()[-1])["parameters"]
except (OSError, ValueError, IndexError, KeyError):
    print("no-record"); sys.exit(0)
count = int(p.get("tunnels", 0))
for t in range(count):
    # A client's tunnel t has source port port0 + t; a headend knows it by its peer port.
    mine = p.get(f"tunnel.{t}.peer_port") if "headend" in path else str(port0 + t)
    if str(mine) == port:
        print(p.get(f"tunnel.{t}.{key}", "missing")); sys.exit(0)
print("no-tunnel")
PY
}
param() {
    python3 - "$WORK/fleet/$1.json" "$2" <<'PY'
import json, sys
try:
    print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["parameters"].get(sys.argv[2], "missing"))
except (OSError, ValueError, IndexError, KeyError):
    print("no-record")
PY
}

check "exactly one segment lost on the wire ($(field fleet parameters.wire_drops))" \
    '[ "$(field fleet parameters.wire_drops)" = 1 ]'
check "the proxy carried all $n connections ($(field fleet parameters.proxy.connections))" \
    '[ "$(field fleet parameters.proxy.connections)" = $n ]'
check "the client ran $n tunnels ($(param client tunnels))" '[ "$(param client tunnels)" = $n ]'
check "one headend process served $n clients ($(param headend tunnels))" \
    '[ "$(param headend tunnels)" = $n ]'
check "the headend lost exactly one tunnel ($(param headend tunnels_failed))" \
    '[ "$(param headend tunnels_failed)" = 1 ]'
p=$((port0 + victim))
cause=$(tunnel_field headend $p cause)
check "tunnel $victim (port $p) died at the headend by its DPD ($cause)" \
    '[ "$(tunnel_field headend $p failed)" = true ] && [ "$cause" = headend-dpd ]'
sent=$(tunnel_field client $p probes_sent) echoes=$(tunnel_field client $p echoes_received)
check "tunnel $victim: its echoes stopped at the hole ($echoes of $sent)" \
    '[ "$sent" -ge 150 ] && [ "$echoes" -ge 15 ] && [ "$echoes" -le 25 ] 2>/dev/null'
for t in $(seq 0 $((n - 1))); do
    [ "$t" = "$victim" ] && continue
    p=$((port0 + t))
    sent=$(tunnel_field client $p probes_sent) echoes=$(tunnel_field client $p echoes_received)
    check "tunnel $t (port $p): up to the end at the headend" \
        '[ "$(tunnel_field headend $p failed)" = false ]'
    check "tunnel $t: up to the end at the client" '[ "$(tunnel_field client $p failed)" = false ]'
    check "tunnel $t: its echoes kept coming ($echoes of $sent)" \
        '[ "$sent" -ge 150 ] && [ "$echoes" -ge $((sent - 2)) ] 2>/dev/null'
done
summary
