# shellcheck shell=bash
# The vpnsim testbed: client - fw - headend, as three network namespaces on this machine
# (TB_MODE=netns, the default) or as three real hosts reached over ssh (TB_MODE=hosts).
# Sourced by scenario, bench and validate; every function works in both modes.
#
# Addresses (netns mode) are in 198.18.0.0/15, the benchmarking range, and nothing leaves the
# namespaces:   client 198.18.1.2 (c0) -- (f0) 198.18.1.1  fw  198.18.2.1 (f1) -- (h0) 198.18.2.2 headend
# Tunnel inner addresses (TUN, probes): client 198.19.0.1, headend 198.19.0.2.
#
# Physical testbed (TB_MODE=hosts): set
#   TB_CLIENT_HOST TB_FW_HOST TB_HEADEND_HOST   ssh destinations (user@host), root on each;
#                                               TB_FW_HOST may be empty: the middlebox is
#                                               then a black box the scripts do not touch
#                                               (fw mode external, no loss injected)
#   TB_CLIENT_ADDR TB_HEADEND_ADDR              the endpoints' addresses on the test network
#   TB_CLIENT_EXTRA_ADDRS                       (optional) more addresses of the client host,
#                                               space-separated: native ESP's batches
#                                               (scenario --clients) use one per runner
#   TB_FW_IN_IF TB_FW_OUT_IF                    fw's client-side and headend-side interfaces
#   TB_CLIENT_IF                                (optional) the client's interface toward fw:
#                                               reverse loss (scenario --loss-reverse) is
#                                               applied on its ingress; unset, on the egress
#                                               of fw's TB_FW_IN_IF
#   TB_REMOTE_RUNNER TB_REMOTE_PROXY            paths of vpnsim-runner (client, headend) and
#                                               tcp_proxy.py (fw) on those hosts
#   TB_SSH                                      the ssh command (default: ssh -o BatchMode=yes)
# fw must already route between the two networks (ip_forward=1) and have nftables. Remote
# processes are bounded with timeout(1) there, since killing the local ssh does not stop them.

TB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TB_ROOT=$(cd "$TB_LIB_DIR/../.." && pwd)
TB_MODE=${TB_MODE:-netns}
TB_SSH=${TB_SSH:-ssh -o BatchMode=yes}
TB_PIDS=()
TB_NAMESPACES=()
TB_FW_TABLES=()
TB_CLIENT_TABLES=()

# Skip code shared with ctest (SKIP_RETURN_CODE).
TB_SKIP=77

tb_log() {
    echo "testbed: $*" >&2
}

# tb_require_root: exit with the skip code when this machine cannot host the testbed.
tb_require_root() {
    if [ "$TB_MODE" != netns ]; then
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        tb_log "skipped: needs root (network namespaces, raw sockets, nftables)"
        exit $TB_SKIP
    fi
    local probe="vpnsim-probe-$$-$RANDOM"
    if ! ip netns add "$probe" 2>/dev/null; then
        tb_log "skipped: 'ip netns add' does not work here"
        exit $TB_SKIP
    fi
    ip netns del "$probe"
    if ! command -v nft >/dev/null 2>&1 && [ ! -x /usr/sbin/nft ]; then
        tb_log "skipped: nft (nftables) is not installed"
        exit $TB_SKIP
    fi
}

# tb_init ID: names and addresses of one testbed instance (ID unique per run).
tb_init() {
    TB_ID=$1
    if [ "$TB_MODE" = netns ]; then
        TB_NS_CLIENT="vpnsim-$TB_ID-c"
        TB_NS_FW="vpnsim-$TB_ID-f"
        TB_NS_HEADEND="vpnsim-$TB_ID-h"
        TB_CLIENT_ADDR=198.18.1.2
        TB_HEADEND_ADDR=198.18.2.2
        TB_FW_IN_IF=f0
        TB_FW_OUT_IF=f1
        TB_CLIENT_IF=c0
    else
        : "${TB_CLIENT_HOST:?TB_MODE=hosts needs TB_CLIENT_HOST}"
        : "${TB_HEADEND_HOST:?TB_MODE=hosts needs TB_HEADEND_HOST}"
        : "${TB_CLIENT_ADDR:?TB_MODE=hosts needs TB_CLIENT_ADDR}"
        : "${TB_HEADEND_ADDR:?TB_MODE=hosts needs TB_HEADEND_ADDR}"
        if [ -n "${TB_FW_HOST:-}" ]; then
            : "${TB_FW_IN_IF:?TB_MODE=hosts with TB_FW_HOST needs TB_FW_IN_IF}"
            : "${TB_FW_OUT_IF:?TB_MODE=hosts with TB_FW_HOST needs TB_FW_OUT_IF}"
        fi
    fi
    TB_INNER_CLIENT=198.19.0.1
    TB_INNER_HEADEND=198.19.0.2
    # The loss tables (tb_loss, tb_loss_reverse). A namespace testbed is this instance's
    # alone; on a physical testbed several scenarios (validate's cells of different
    # encapsulations) share the forwarder and the client host at once, so each has tables
    # of its own, and each table drops only its scenario's packets (tb_loss_flow).
    if [ "$TB_MODE" = netns ]; then
        TB_LOSS_TABLE="netdev vpnsim_loss" TB_LOSS_REVERSE_TABLE="netdev vpnsim_loss_reverse"
    else
        local tag=${TB_ID//[^A-Za-z0-9_]/_}
        TB_LOSS_TABLE="netdev vpnsim_loss_$tag" TB_LOSS_REVERSE_TABLE="netdev vpnsim_loss_reverse_$tag"
    fi
    TB_LOSS_MATCH=("meta protocol ip") TB_LOSS_MATCH_REVERSE=("meta protocol ip")
}

# tb_loss_flow ENCAP: the random loss rules (tb_loss random, tb_loss_reverse) match only the
# outer packets of ENCAP's tunnels, client to headend and back (by the headend's ports, or
# ESP's protocol): what one scenario's tables count and drop, beside another scenario's
# tables on the same interface. Not needed on a namespace testbed (nothing else crosses it).
tb_loss_flow() {
    local ip="meta protocol ip ip protocol"
    case $1 in
        ctcp)
            TB_LOSS_MATCH=("$ip tcp tcp dport ${TB_CTCP_PORT:-10000}")
            TB_LOSS_MATCH_REVERSE=("$ip tcp tcp sport ${TB_CTCP_PORT:-10000}") ;;
        natt)
            TB_LOSS_MATCH=("$ip udp udp dport { 500, 4500 }")
            TB_LOSS_MATCH_REVERSE=("$ip udp udp sport { 500, 4500 }") ;;
        esp)
            TB_LOSS_MATCH=("$ip esp" "$ip udp udp dport 500")
            TB_LOSS_MATCH_REVERSE=("$ip esp" "$ip udp udp sport 500") ;;
        anyconnect)
            TB_LOSS_MATCH=("$ip tcp tcp dport ${TB_ANYCONNECT_PORT:-443}")
            TB_LOSS_MATCH_REVERSE=("$ip tcp tcp sport ${TB_ANYCONNECT_PORT:-443}") ;;
        *) tb_log "loss flow $1: allowed ctcp, natt, esp, anyconnect"; return 2 ;;
    esac
}

# tb_random_rules N MATCH...: nft rules that count every packet of each MATCH as seen and drop
# N in 10000 of them at random (numgen random: each packet's draw independent of every other).
tb_random_rules() {
    local n=$1 m
    shift
    for m in "$@"; do
        printf '    %s counter name seen\n    %s numgen random mod 10000 < %s counter name lost drop\n' \
            "$m" "$m" "$n"
    done
}

# tb_has_fw: true when the scripts control the node between client and headend (always in
# netns mode; in hosts mode when TB_FW_HOST names it).
tb_has_fw() {
    [ "$TB_MODE" = netns ] || [ -n "${TB_FW_HOST:-}" ]
}

# tb_prefix NODE: sets TB_PREFIX to the command that runs something on NODE (client, fw,
# headend): `ip netns exec NS` or the ssh command and host.
tb_prefix() {
    if [ "$TB_MODE" = netns ]; then
        case $1 in
            client) TB_PREFIX=(ip netns exec "$TB_NS_CLIENT") ;;
            fw) TB_PREFIX=(ip netns exec "$TB_NS_FW") ;;
            headend) TB_PREFIX=(ip netns exec "$TB_NS_HEADEND") ;;
            *) tb_log "unknown node $1"; return 2 ;;
        esac
    else
        local host
        case $1 in
            client) host=$TB_CLIENT_HOST ;;
            fw) host=$TB_FW_HOST ;;
            headend) host=$TB_HEADEND_HOST ;;
            *) tb_log "unknown node $1"; return 2 ;;
        esac
        # shellcheck disable=SC2206
        TB_PREFIX=($TB_SSH "$host" --)
    fi
}

# tb_exec NODE CMD...: runs CMD on NODE and waits for it.
tb_exec() {
    tb_prefix "$1" || return
    shift
    if [ "$TB_MODE" = netns ]; then
        "${TB_PREFIX[@]}" "$@"
    else
        "${TB_PREFIX[@]}" "$(printf '%q ' "$@")"
    fi
}

# tb_bg NODE OUT ERR SECONDS CMD...: starts CMD on NODE in the background under
# timeout(SECONDS), stdout to OUT and stderr to ERR, and records its PID for tb_cleanup.
# The command is started here, not through a shell function: `ip netns exec` execs, so $! is
# timeout's own PID and a TERM to it stops CMD (a backgrounded function would be a subshell
# whose death leaves CMD running).
tb_bg() {
    local node=$1 out=$2 err=$3 seconds=$4
    shift 4
    tb_prefix "$node" || return
    if [ "$TB_MODE" = netns ]; then
        "${TB_PREFIX[@]}" timeout -k 2 "$seconds" "$@" >"$out" 2>"$err" &
    else
        "${TB_PREFIX[@]}" "$(printf '%q ' timeout -k 2 "$seconds" "$@")" >"$out" 2>"$err" &
    fi
    TB_PIDS+=($!)
}

# tb_up: creates the three namespaces, the two veth links, addresses and routes.
tb_up() {
    if [ "$TB_MODE" != netns ]; then
        return 0
    fi
    local n
    for n in "$TB_NS_CLIENT" "$TB_NS_FW" "$TB_NS_HEADEND"; do
        ip netns add "$n"
        TB_NAMESPACES+=("$n")
        ip -n "$n" link set lo up
    done
    ip link add c0 netns "$TB_NS_CLIENT" type veth peer name f0 netns "$TB_NS_FW"
    ip link add h0 netns "$TB_NS_HEADEND" type veth peer name f1 netns "$TB_NS_FW"
    ip -n "$TB_NS_CLIENT" addr add 198.18.1.2/24 dev c0
    ip -n "$TB_NS_FW" addr add 198.18.1.1/24 dev f0
    ip -n "$TB_NS_FW" addr add 198.18.2.1/24 dev f1
    ip -n "$TB_NS_HEADEND" addr add 198.18.2.2/24 dev h0
    ip -n "$TB_NS_CLIENT" link set c0 up
    ip -n "$TB_NS_FW" link set f0 up
    ip -n "$TB_NS_FW" link set f1 up
    ip -n "$TB_NS_HEADEND" link set h0 up
    ip -n "$TB_NS_CLIENT" route add default via 198.18.1.1
    ip -n "$TB_NS_HEADEND" route add default via 198.18.2.1
    ip netns exec "$TB_NS_FW" sysctl -qw net.ipv4.ip_forward=1
    # Final checksums and one frame per packet on every veth, as on a real wire (see
    # offload_off.py): raw sockets then see what a NIC would have sent.
    ip netns exec "$TB_NS_CLIENT" python3 "$TB_LIB_DIR/offload_off.py" c0
    ip netns exec "$TB_NS_FW" python3 "$TB_LIB_DIR/offload_off.py" f0 f1
    ip netns exec "$TB_NS_HEADEND" python3 "$TB_LIB_DIR/offload_off.py" h0
}

# tb_fw MODE PORTS: sets fw to bypass/none (plain forwarding), stateful (conntrack with strict
# window tracking, INVALID dropped) or proxy (tcp_proxy.py, transparent, for TCP PORTS, a
# comma-separated list). The proxy runs for PROXY_SECONDS (default 120) or until
# tb_stop_proxy, which leaves its counters in $TB_OUT/proxy.json.
tb_fw() {
    local mode=$1 ports=${2:-10000}
    if [ "$mode" != external ] && ! tb_has_fw; then
        tb_log "fw mode $mode: without a fw host (TB_FW_HOST) only external"
        return 2
    fi
    case $mode in
        none | bypass | external)
            # external: a middlebox the scripts do not configure (a real ASA on a physical
            # testbed); whatever fw host there is only forwards and drops.
            ;;
        stateful)
            tb_exec fw sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=0 2>/dev/null || true
            tb_exec fw nft -f - <<EOF
table inet vpnsim_ct {
  counter ct_invalid {}
  chain forward_filter { type filter hook forward priority 0; policy accept;
    ct state invalid counter name ct_invalid drop
  }
}
EOF
            TB_FW_TABLES+=("inet vpnsim_ct")
            ;;
        proxy)
            tb_exec fw nft -f - <<EOF
table ip vpnsim_tproxy {
  chain pre { type filter hook prerouting priority mangle; policy accept;
    iifname "$TB_FW_IN_IF" meta l4proto tcp socket transparent 1 meta mark set 0x1 accept
    iifname "$TB_FW_OUT_IF" meta l4proto tcp socket transparent 1 meta mark set 0x1 accept
    iifname "$TB_FW_IN_IF" ip daddr $TB_HEADEND_ADDR tcp dport { $ports } tproxy to :10001 meta mark set 0x1 accept
  }
}
EOF
            TB_FW_TABLES+=("ip vpnsim_tproxy")
            # One segment per write, as the simulation's proxy (AsaTcpProxy, ProxyResegment
            # false) sends one segment per in-order chunk: Linux's TCP autocorking would
            # otherwise hold a small write while the previous one is still queued and send
            # both as one segment, two cTCP packets the headend cannot frame. Per network
            # namespace; on a physical fw (hosts mode) set it there yourself.
            if [ "$TB_MODE" = netns ]; then
                tb_exec fw sysctl -qw net.ipv4.tcp_autocorking=0
            fi
            tb_exec fw ip rule add fwmark 1 lookup 100
            tb_exec fw ip route add local 0.0.0.0/0 dev lo table 100
            TB_FW_ROUTES=1
            local proxy=${TB_REMOTE_PROXY:-$TB_LIB_DIR/tcp_proxy.py}
            local seconds=${PROXY_SECONDS:-120} remote=()
            if [ "$TB_MODE" = hosts ]; then
                # Killing the local ssh would not stop the remote proxy: it keeps a PID file
                # and its counters there, for tb_stop_proxy.
                if tb_exec fw ss -ltn 2>/dev/null | grep -q ':10001 '; then
                    tb_log "fw: something already listens on port 10001 (an earlier proxy?)"
                    return 1
                fi
                TB_PROXY_FILES=/tmp/vpnsim-$TB_ID-proxy
                remote=(--pid-file "$TB_PROXY_FILES.pid" --stats "$TB_PROXY_FILES.json")
            fi
            tb_bg fw "$TB_OUT/proxy.json" "$TB_OUT/proxy.log" $((${seconds%.*} + 5)) \
                python3 "$proxy" --listen-port 10001 --transparent --spoof --keep-port \
                --duration "$seconds" "${remote[@]}"
            TB_PROXY_PID=${TB_PIDS[-1]}
            tb_wait_listener 10001 proxy
            ;;
        haproxy)
            tb_haproxy "$ports"
            ;;
        *)
            tb_log "fw mode $mode: allowed none, bypass, stateful, proxy, haproxy, external"
            return 2
            ;;
    esac
}

# tb_haproxy PORTS: fw as HAProxy (the Debian package, mode tcp), a full TCP proxy that the
# project did not write, made transparent as the proxy mode is: nftables tproxy diverts TCP
# to the headend's port PORTS[i] to HAProxy's local port 11000+i, and HAProxy connects to the
# headend from the client's own address and port (`source 0.0.0.0 usesrc client`). The
# kernel's TCP settings stay as they are (autocorking on): HAProxy runs as it would be
# deployed, and how it segments is measured (tb_segments), not arranged. Runs for
# PROXY_SECONDS (default 120) or until tb_stop_proxy.
tb_haproxy() {
    local ports=$1 diverts="" frontends="" i=0 port
    for port in ${ports//,/ }; do
        diverts+="    iifname \"$TB_FW_IN_IF\" ip daddr $TB_HEADEND_ADDR tcp dport $port tproxy to :$((11000 + i)) meta mark set 0x1 accept
"
        frontends+="frontend listen$i
  bind :$((11000 + i)) transparent
  default_backend headend$i
backend headend$i
  source 0.0.0.0 usesrc client
  server headend $TB_HEADEND_ADDR:$port
"
        i=$((i + 1))
    done
    tb_exec fw nft -f - <<EOF
table ip vpnsim_tproxy {
  chain pre { type filter hook prerouting priority mangle; policy accept;
    iifname "$TB_FW_IN_IF" meta l4proto tcp socket transparent 1 meta mark set 0x1 accept
    iifname "$TB_FW_OUT_IF" meta l4proto tcp socket transparent 1 meta mark set 0x1 accept
$diverts  }
}
EOF
    TB_FW_TABLES+=("ip vpnsim_tproxy")
    tb_exec fw ip rule add fwmark 1 lookup 100
    tb_exec fw ip route add local 0.0.0.0/0 dev lo table 100
    TB_FW_ROUTES=1
    local seconds=${PROXY_SECONDS:-120}
    # Client and server timeouts above any run: the tunnel's own DPD decides when it is dead.
    TB_PROXY_FILES=/tmp/vpnsim-$TB_ID-haproxy
    printf 'global\n  maxconn 4096\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client %ss\n  timeout server %ss\n%s' \
        "${seconds%.*}" "${seconds%.*}" "$frontends" |
        tb_exec fw sh -c 'cat >"$1.cfg"' _ "$TB_PROXY_FILES"
    tb_bg fw "$TB_OUT/haproxy.out" "$TB_OUT/proxy.log" $((${seconds%.*} + 5)) \
        haproxy -db -q -f "$TB_PROXY_FILES.cfg" -p "$TB_PROXY_FILES.pid"
    TB_PROXY_PID=${TB_PIDS[-1]}
    tb_wait_listener 11000 haproxy
}

# tb_wait_listener PORT NAME: waits (5 s at most) until fw has a TCP listener on PORT, the
# proxy NAME just started.
tb_wait_listener() {
    local i
    for i in $(seq 1 50); do
        if tb_exec fw ss -ltn 2>/dev/null | grep -q ":$1 "; then
            return 0
        fi
        sleep 0.1
    done
    tb_log "$2 did not start; see $TB_OUT/proxy.log"
    return 1
}

# tb_segments PORTS: counts, on fw, the TCP segments with payload (IPv4 length above 60: a
# bare header with at most 20 option bytes carries none) to and from the headend's PORTS, on
# each side of fw and each way: what came in from the wire (after the loss) and what left
# toward the other end. One segment in, one out is what the simulation's proxy does; a proxy
# that merges or re-cuts shows as different counts and mean sizes. tb_segment_counts reads
# them.
tb_segments() {
    local ports=$1
    tb_exec fw nft -f - <<EOF
table inet vpnsim_segments {
  counter c2s_in {}
  counter c2s_out {}
  counter s2c_in {}
  counter s2c_out {}
  chain pre { type filter hook prerouting priority -400; policy accept;
    iifname "$TB_FW_IN_IF" tcp dport { $ports } ip length > 60 counter name c2s_in
    iifname "$TB_FW_OUT_IF" tcp sport { $ports } ip length > 60 counter name s2c_in
  }
  chain post { type filter hook postrouting priority 400; policy accept;
    oifname "$TB_FW_OUT_IF" tcp dport { $ports } ip length > 60 counter name c2s_out
    oifname "$TB_FW_IN_IF" tcp sport { $ports } ip length > 60 counter name s2c_out
  }
}
EOF
    TB_FW_TABLES+=("inet vpnsim_segments")
}

# tb_segment_counts: the tb_segments counters as one JSON object, {"c2s_in": [packets,
# bytes], ...} (bytes of whole IPv4 datagrams).
tb_segment_counts() {
    { tb_has_fw && tb_exec fw nft list table inet vpnsim_segments 2>/dev/null || true; } | awk '
        $1 == "counter" && $3 == "{" { name = $2 }
        $1 == "packets" { out = out sep "\"" name "\": [" $2 ", " $4 "]"; sep = ", " }
        END { print "{" out "}" }'
}

# tb_stop_proxy: stops fw's proxy (tcp_proxy.py or HAProxy) and waits for it, so that its counters
# ($TB_OUT/proxy.json) are complete and its port is free for the next run. On real hosts by
# the PID the proxy wrote there (a TERM to the local ssh would not reach it).
tb_stop_proxy() {
    [ -n "${TB_PROXY_PID:-}" ] || return 0
    if [ "$TB_MODE" = hosts ] && [ -n "${TB_PROXY_FILES:-}" ]; then
        # One line: tb_exec quotes it with printf %q, which turns a newline into bash's $'..'.
        # shellcheck disable=SC2016
        tb_exec fw sh -c 'p=$(cat "$1.pid" 2>/dev/null) || exit 0; kill -TERM "$p" 2>/dev/null; for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done' \
            _ "$TB_PROXY_FILES" || true
        tb_exec fw cat "$TB_PROXY_FILES.json" >"$TB_OUT/proxy.json" 2>/dev/null || true
    fi
    kill -TERM "$TB_PROXY_PID" 2>/dev/null || true
    wait "$TB_PROXY_PID" 2>/dev/null || true
    TB_PROXY_PID=""
    if [ -n "${TB_PROXY_FILES:-}" ]; then
        tb_exec fw rm -f "$TB_PROXY_FILES.json" "$TB_PROXY_FILES.pid" "$TB_PROXY_FILES.cfg" || true
        TB_PROXY_FILES=""
    fi
}

# tb_loss KIND ARG: loss on fw's client-side ingress (netdev hook: before conntrack, tproxy and
# routing, so it acts as the wire). KIND random ARG=fraction 0..1 of every IPv4 packet;
# KIND nth ARG=K drops exactly the K-th client-to-headend ESP packet (SPI 0xc0ffee01) in any
# encapsulation (cTCP segment, ESP-in-UDP, native ESP), or for AnyConnect the K-th TCP data
# segment to port 443; KIND none.
tb_loss() {
    local kind=$1 arg=${2:-0} rules=""
    case $kind in
        none) return 0 ;;
        random)
            local n
            n=$(awk -v f="$arg" 'BEGIN { printf "%d", f * 10000 + 0.5 }')
            rules=$(tb_random_rules "$n" "${TB_LOSS_MATCH[@]}")
            ;;
        nth)
            local k=$((arg - 1))
            rules="meta protocol ip counter name seen
    ip protocol tcp tcp dport ${TB_CTCP_PORT:-10000} @th,160,32 0xc0ffee01 numgen inc mod 1000000000 == $k counter name lost drop
    meta protocol ip udp dport 4500 @th,64,32 0xc0ffee01 numgen inc mod 1000000000 == $k counter name lost drop
    ip protocol esp esp spi 0xc0ffee01 numgen inc mod 1000000000 == $k counter name lost drop
    ip protocol tcp tcp dport ${TB_ANYCONNECT_PORT:-443} tcp flags & (syn|fin|rst) == 0 ip length > 200 numgen inc mod 1000000000 == $k counter name lost drop"
            ;;
        nth-flow)
            # The K-th ESP segment of one cTCP connection only (client source port $3): not
            # its handshake (no payload) nor its IKE (a UDP 500->500 header after the TCP one).
            local k=$((arg - 1))
            rules="meta protocol ip counter name seen
    ip protocol tcp tcp sport $3 tcp dport ${TB_CTCP_PORT:-10000} ip length > 100 @th,160,32 != 0x01f401f4 numgen inc mod 1000000000 == $k counter name lost drop"
            ;;
        *)
            tb_log "loss $kind: allowed none, random, nth, nth-flow"
            return 2
            ;;
    esac
    if ! tb_has_fw; then
        tb_log "loss: needs a host on the path that the scripts control (TB_FW_HOST)"
        return 2
    fi
    tb_exec fw nft -f - <<EOF
table $TB_LOSS_TABLE {
  counter seen {}
  counter lost {}
  chain wire { type filter hook ingress device "$TB_FW_IN_IF" priority 0; policy accept;
    $rules
  }
}
EOF
    TB_FW_TABLES+=("$TB_LOSS_TABLE")
}

# tb_loss_reverse FRACTION: random loss of every IPv4 packet from fw to the client (the same
# wire, the other direction; the simulation's --loss applies to both). Netns mode: ingress of
# the client's interface, in the client's namespace (the receiver's: a drop in the sender's
# own namespace would be reported to the sending socket). Hosts mode: ingress of
# TB_CLIENT_IF on the client when it is set, else egress of fw's client-side interface (there
# a drop of a segment the fw's own proxy sends is seen by its TCP, which sends it again: the
# proxy's client leg then loses nothing).
tb_loss_reverse() {
    local n node hook device table=$TB_LOSS_REVERSE_TABLE
    n=$(awk -v f="$1" 'BEGIN { printf "%d", f * 10000 + 0.5 }')
    # A fraction of 0 installs the table too when asked to count (second argument "count").
    [ "$n" -gt 0 ] || [ "${2:-}" = count ] || return 0
    if [ "$TB_MODE" = netns ] || [ -n "${TB_CLIENT_IF:-}" ]; then
        node=client hook=ingress device=$TB_CLIENT_IF
    else
        node=fw hook=egress device=$TB_FW_IN_IF
    fi
    tb_exec "$node" nft -f - <<EOF
table $table {
  counter seen {}
  counter lost {}
  chain wire { type filter hook $hook device "$device" priority 0; policy accept;
$(tb_random_rules "$n" "${TB_LOSS_MATCH_REVERSE[@]}")
  }
}
EOF
    if [ "$node" = fw ]; then
        TB_FW_TABLES+=("$table")
    else
        TB_CLIENT_TABLES+=("$table")
    fi
    TB_REVERSE_LOSS_NODE=$node
}

# tb_counter TABLE NAME [NODE]: packets of a named nft counter on NODE (fw by default; 0 if
# absent).
tb_counter() {
    local n
    if [ "${3:-fw}" = fw ] && ! tb_has_fw; then
        echo 0
        return 0
    fi
    # shellcheck disable=SC2086
    n=$(tb_exec "${3:-fw}" nft list counter $1 "$2" 2>/dev/null \
        | awk '{ for (i = 1; i < NF; i++) if ($i == "packets") { print $(i + 1); exit } }')
    echo "${n:-0}"
}

# tb_cleanup: stops every process this script started (by PID), waits for them, and removes
# what it installed: the namespaces (netns mode), or fw's tables and routes (hosts mode).
tb_cleanup() {
    local pid
    tb_stop_proxy
    for pid in "${TB_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${TB_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    TB_PIDS=()
    if [ "$TB_MODE" = netns ]; then
        local n
        for n in "${TB_NAMESPACES[@]}"; do
            ip netns del "$n" 2>/dev/null || true
        done
        TB_NAMESPACES=()
    else
        local t
        for t in "${TB_FW_TABLES[@]}"; do
            # shellcheck disable=SC2086
            tb_exec fw nft delete table $t 2>/dev/null || true
        done
        if [ -n "${TB_FW_ROUTES:-}" ]; then
            tb_exec fw ip rule del fwmark 1 lookup 100 2>/dev/null || true
            tb_exec fw ip route del local 0.0.0.0/0 dev lo table 100 2>/dev/null || true
        fi
        for t in "${TB_CLIENT_TABLES[@]}"; do
            # shellcheck disable=SC2086
            tb_exec client nft delete table $t 2>/dev/null || true
        done
    fi
    TB_FW_TABLES=()
    TB_CLIENT_TABLES=()
}

# tb_client_address K: the outer address of the K-th client runner (scenario --clients) in
# netns mode: 198.18.1.2, .3, ...
tb_client_address() {
    echo "198.18.1.$((2 + $1))"
}
