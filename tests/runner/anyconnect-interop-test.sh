#!/usr/bin/env bash
# AnyConnect against two implementations vpnsim did not write, on the netns testbed
# (experiments/testbed/lib.sh: client 198.18.1.2 and headend 198.18.2.2 with fw between):
#
#   runner-to-ocserv        vpnsim-runner's client logs in to ocserv and pings through it
#   openconnect-to-runner   openconnect logs in to vpnsim-runner's headend and pings through it
#   proxy-loss              through fw's TCP proxy with 1 % random loss toward the headend,
#                           openconnect to ocserv stays up and its pings pass, while a cTCP
#                           runner pair on the same path dies (Cisco TAC document 113578)
#
# Prints "N passed, N failed"; exits 77 without root or network namespaces.
#   anyconnect-interop-test.sh CASE      (VPNSIM_RUNNER: the vpnsim-runner binary)
source "$(dirname "$0")/testbed-lib.sh"
case=${1:?usage: anyconnect-interop-test.sh runner-to-ocserv|openconnect-to-runner|proxy-loss}
for tool in ocserv ocpasswd openconnect openssl; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (scripts/vpnsim.sh installs it)"; exit 1; }
done

ID=ac$$
OUT=$WORK/testbed
mkdir -p "$OUT"
chmod 0777 "$WORK" "$OUT"
TB_OUT=$OUT
cleanup() {
    tb_cleanup
    finish
}
trap cleanup EXIT
trap 'exit 130' INT TERM
tb_init "$ID"
tb_up

# The public-key pin of vpnsim's fixed test identity (model/engine/tls-identity.h).
TEST_HEADEND_PIN=pin-sha256:dg6h95juX7wfJr2jBuwahAb3QoicCERDOV7ijP11t7I=
POOL=198.19.9
CLIENT_INNER=$POOL.2   # what ocserv gives user vpnsim, and what vpnsim's headend leases first
SERVER_INNER=$POOL.1   # the headend's end of the tunnel

# ocserv in the headend's namespace: TLS on 443 only, user vpnsim, every file in $WORK.
start_ocserv() {
    local d=$WORK/ocserv
    mkdir -p "$d/users"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" -out "$d/cert.pem" -days 2 \
        -subj "/CN=$TB_HEADEND_ADDR" -addext "subjectAltName=IP:$TB_HEADEND_ADDR" 2>/dev/null
    printf 'vpnsim\nvpnsim\n' | ocpasswd -c "$d/passwd" vpnsim
    echo "explicit-ipv4 = $CLIENT_INNER" >"$d/users/vpnsim"
    cat >"$d/ocserv.conf" <<EOF
auth = "plain[passwd=$d/passwd]"
tcp-port = 443
listen-host = $TB_HEADEND_ADDR
socket-file = $d/ocserv.sock
occtl-socket-file = $d/occtl.sock
pid-file = $d/ocserv.pid
server-cert = $d/cert.pem
server-key = $d/key.pem
run-as-user = nobody
run-as-group = nogroup
isolate-workers = false
use-occtl = false
device = v$ID
ipv4-network = $POOL.0/24
config-per-user = $d/users/
try-mtu-discovery = false
dpd = 30
mobile-dpd = 30
keepalive = 20
max-clients = 8
max-same-clients = 8
rekey-time = 172800
EOF
    chmod -R a+rX "$d"
    tb_bg headend "$OUT/ocserv.out" "$OUT/ocserv.log" 150 ocserv -f -d 1 -c "$d/ocserv.conf"
    local i
    for i in $(seq 1 50); do
        tb_exec headend ss -ltn 2>/dev/null | grep -q "$TB_HEADEND_ADDR:443 " && return 0
        sleep 0.1
    done
    echo "ocserv did not start:"; tail -5 "$OUT/ocserv.log"
    return 1
}

# openconnect in the client's namespace, pinned to the server's key; its own script sets the
# tunnel device up (the stock vpnc-script would rewrite the resolver configuration).
start_openconnect() { # PIN SECONDS
    cat >"$WORK/vpnc-script" <<EOF
#!/bin/sh
if [ "\$reason" = connect ]; then
    ip link set dev "\$TUNDEV" up mtu 1300
    ip addr add "\$INTERNAL_IP4_ADDRESS/32" dev "\$TUNDEV"
    ip route add $POOL.0/24 dev "\$TUNDEV"
fi
exit 0
EOF
    chmod +x "$WORK/vpnc-script"
    tb_prefix client
    echo vpnsim | "${TB_PREFIX[@]}" timeout -k 2 "$2" openconnect --protocol=anyconnect \
        --user=vpnsim --passwd-on-stdin --servercert "$1" --no-dtls --non-inter \
        --script "$WORK/vpnc-script" --interface "o$ID" "https://$TB_HEADEND_ADDR:443" \
        >"$OUT/openconnect.out" 2>"$OUT/openconnect.log" &
    TB_PIDS+=($!)
    OPENCONNECT_PID=$!
    local i
    for i in $(seq 1 100); do
        tb_exec client ip -4 addr show dev "o$ID" 2>/dev/null | grep -q "$CLIENT_INNER/" && return 0
        kill -0 "$OPENCONNECT_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "openconnect did not connect:"; tail -5 "$OUT/openconnect.log"
    return 1
}

ocserv_pin() {
    echo "pin-sha256:$(openssl x509 -in "$WORK/ocserv/cert.pem" -pubkey -noout |
        openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)"
}

# ping NODE TARGET COUNT INTERVAL: packets received
pings() {
    tb_exec "$1" timeout 120 ping -n -c "$3" -i "$4" -W 2 "$2" 2>&1 | tee -a "$OUT/ping.txt" |
        awk '/packets transmitted/ { print $4 }'
}

case $case in
runner-to-ocserv)
    tb_fw none
    start_ocserv || exit 1
    tb_bg client "$OUT/client.json" "$OUT/client.log" 40 "$VPNSIM_RUNNER" --role client \
        --encap anyconnect --local "$TB_CLIENT_ADDR" --remote "$TB_HEADEND_ADDR" --duration 12 \
        --tun "r$ID" --tun-address "$CLIENT_INNER/24" --seed 3
    runner=${TB_PIDS[-1]}
    for i in $(seq 1 50); do
        grep -q "tunnel up" "$OUT/client.log" 2>/dev/null && break
        sleep 0.1
    done
    received=$(pings client "$SERVER_INNER" 10 0.2)
    wait "$runner"
    check "vpnsim-runner's client logged in to ocserv and came up" \
        'grep -q "tunnel up" "$OUT/client.log"'
    check "ocserv granted it $CLIENT_INNER, DPD 30 s and keepalive 20 s" \
        'grep -q "granted address $CLIENT_INNER netmask 255.255.255.0 .*dpd 30 s, keepalive 20 s" "$OUT/client.log"'
    check "pings to ocserv's end of the tunnel passed ($received of 10)" \
        '[ "${received:-0}" -ge 9 ]'
    check "the tunnel was up to the end, then said goodbye (not failed)" \
        'grep -q "\"failed\":false" "$OUT/client.json"'
    ;;
openconnect-to-runner)
    tb_fw none
    tb_bg headend "$OUT/headend.json" "$OUT/headend.log" 40 "$VPNSIM_RUNNER" --role headend \
        --encap anyconnect --local "$TB_HEADEND_ADDR" --remote "$TB_CLIENT_ADDR" --duration 15 \
        --tun "r$ID" --tun-address "$SERVER_INNER/24" --echo --seed 4
    runner=${TB_PIDS[-1]}
    for i in $(seq 1 50); do
        tb_exec headend ss -ltn 2>/dev/null | grep -q "$TB_HEADEND_ADDR:443 " && break
        sleep 0.1
    done
    start_openconnect "$TEST_HEADEND_PIN" 30 || true
    # A second client of the same headend at the same time: vpnsim's own, probing from .5.
    tb_bg client "$OUT/client.json" "$OUT/client.log" 40 "$VPNSIM_RUNNER" --role client \
        --encap anyconnect --local "$TB_CLIENT_ADDR" --remote "$TB_HEADEND_ADDR" --duration 6 \
        --inner-local "$POOL.5" --inner-remote "$SERVER_INNER" --probe-rate 10 --seed 5
    second=${TB_PIDS[-1]}
    received=$(pings client "$SERVER_INNER" 10 0.2)
    wait "$second"
    wait "$runner"
    check "openconnect logged in to vpnsim-runner's headend and was given $CLIENT_INNER" \
        'cat "$OUT"/openconnect.* | grep -q "Configured as $CLIENT_INNER"'
    check "it negotiated TLS 1.2, ECDHE-RSA with AES-128-GCM" \
        'cat "$OUT"/openconnect.* | grep -q "(TLS1.2)-(ECDHE-X25519)-(RSA-SHA256)-(AES-128-GCM)"'
    check "pings to the headend's end of the tunnel passed ($received of 10)" \
        '[ "${received:-0}" -ge 9 ]'
    check "the headend granted $CLIENT_INNER" \
        'grep -q "granted address $CLIENT_INNER netmask 255.255.255.0" "$OUT/headend.log"'
    echoes=$(sed -n 's/.*"inner_received":\([0-9]*\).*/\1/p' "$OUT/client.json")
    check "at the same time it served a second client, whose probes it echoed (${echoes:-none})" \
        'grep -q "tunnel 1 up" "$OUT/headend.log" && [ "${echoes:-0}" -ge 40 ]'
    ;;
proxy-loss)
    # Both pairs share the namespaces, the proxy and the loss: ocserv on 443 and the cTCP
    # headend on 10000 behind the same fw.
    PROXY_SECONDS=60 tb_fw proxy "10000,443" || exit 1
    tb_loss random 0.01
    start_ocserv || exit 1
    tb_bg headend "$OUT/headend.json" "$OUT/headend.log" 70 "$VPNSIM_RUNNER" --role headend \
        --encap ctcp --local "$TB_HEADEND_ADDR" --remote "$TB_CLIENT_ADDR" --duration 46 \
        --echo --asa-dpd-threshold 10 --seed 6
    sleep 0.5
    tb_bg client "$OUT/client.json" "$OUT/client.log" 70 "$VPNSIM_RUNNER" --role client \
        --encap ctcp --local "$TB_CLIENT_ADDR" --remote "$TB_HEADEND_ADDR" --duration 45 \
        --probe-rate 40 --seed 5
    ctcp_client=${TB_PIDS[-1]}
    start_openconnect "$(ocserv_pin)" 60 || true
    received=$(pings client "$SERVER_INNER" 150 0.25)
    alive=no
    kill -0 "$OPENCONNECT_PID" 2>/dev/null && alive=yes
    wait "$ctcp_client"
    sleep 1.5
    lost=$(tb_counter "netdev vpnsim_loss" lost)
    cause=$(sed -n 's/.*"cause":"\([a-z-]*\)".*/\1/p' "$OUT/headend.json" "$OUT/client.json" | head -1)
    check "the path lost packets toward the headend ($lost)" '[ "${lost:-0}" -ge 5 ]'
    check "openconnect to ocserv through the proxy stayed connected" '[ "$alive" = yes ]'
    check "its pings passed ($received of 150)" '[ "${received:-0}" -ge 145 ]'
    check "the cTCP runner pair on the same path failed (${cause:-not failed})" \
        'grep -q "\"failed\":true" "$OUT/headend.json" "$OUT/client.json"'
    ;;
*)
    echo "unknown case $case"
    exit 2
    ;;
esac
summary
