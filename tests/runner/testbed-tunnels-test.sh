#!/usr/bin/env bash
# NAT-T, native ESP, cTCP and AnyConnect tunnels come up between two runners across the netns
# testbed with plain forwarding and carry inner traffic: the runners' probes (UDP echo) and a
# real ping through the TUN interfaces.
source "$(dirname "$0")/testbed-lib.sh"

for e in natt esp ctcp anyconnect; do
    opts=(--encap "$e" --fw bypass --duration 4 --probe-rate 25)
    if [ "$e" = natt ]; then
        opts+=(--tun --ping 5)
    fi
    run "$e" "${opts[@]}"
done
wait_all

for e in natt esp ctcp anyconnect; do
    sent=$(field "$e" inner_sent)
    received=$(field "$e" inner_received)
    echoes=$(field "$e" parameters.client.echoes_received)
    check "$e: tunnel did not fail" '[ "$(field $e failed)" = false ]'
    check "$e: about 100 probes sent ($sent)" '[ "$sent" -ge 80 ] 2>/dev/null'
    check "$e: every probe but one in flight reached the headend ($received of $sent)" \
        '[ "$received" -ge $((sent - 1)) ] 2>/dev/null'
    check "$e: echoes came back ($echoes)" '[ "$echoes" -ge $((sent - 2)) ] 2>/dev/null'
    check "$e: nothing dropped as malformed or unauthenticated" \
        '[ "$(field $e parameters.headend.esp_authentication_failed)" = 0 ] || [ $e = anyconnect ]'
done
if command -v ping >/dev/null 2>&1; then
    check "natt: ping through the TUN interfaces ($(field natt parameters.ping_received) of 5)" \
        '[ "$(field natt parameters.ping_received)" = 5 ]'
else
    echo "note: ping is not installed; the TUN ping check is left out"
fi
summary
