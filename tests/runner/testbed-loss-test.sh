#!/usr/bin/env bash
# The failure itself, on real sockets. Through fw's full TCP proxy cTCP works without loss,
# and after exactly one client->headend segment is dropped at fw's ingress it passes nothing
# more in that direction: the headend's DPD then ends the tunnel. NAT-T and native ESP lose
# that one packet and go on; AnyConnect's real TCP retransmits it. Through strict conntrack
# (no proxy) cTCP survives the same drop.
source "$(dirname "$0")/testbed-lib.sh"

run ctcp-proxy-clean --encap ctcp --fw proxy --duration 4
for e in ctcp natt esp anyconnect; do
    run "$e-proxy-drop" --encap "$e" --fw proxy --drop-nth 20 --duration 20 \
        --asa-dpd-threshold 10 --probe-rate 20
done
run ctcp-stateful-drop --encap ctcp --fw stateful --drop-nth 20 --duration 6
wait_all

n=ctcp-proxy-clean
sent=$(field $n inner_sent) received=$(field $n inner_received)
check "cTCP via proxy, no loss: up and not failed" '[ "$(field $n failed)" = false ]'
check "cTCP via proxy, no loss: every probe arrived ($received of $sent)" \
    '[ "$sent" -ge 60 ] && [ "$received" -ge $((sent - 1)) ] 2>/dev/null'
check "cTCP via proxy, no loss: no framing errors" '[ "$(field $n framing_errors)" = 0 ]'
check "cTCP via proxy, no loss: the proxy carried it" \
    '[ "$(field $n parameters.proxy.connections)" = 1 ]'

n=ctcp-proxy-drop
received=$(field $n inner_received)
check "cTCP via proxy, segment 20 dropped: exactly one packet lost on the wire" \
    '[ "$(field $n parameters.wire_drops)" = 1 ]'
check "cTCP via proxy, segment 20 dropped: the headend got probes 1-19 and nothing after ($received)" \
    '[ "$received" = 19 ]'
check "cTCP via proxy, segment 20 dropped: the tunnel failed ($(field $n cause))" \
    '[ "$(field $n failed)" = true ] && [ "$(field $n cause)" = headend-dpd ]'

for e in natt esp anyconnect; do
    n=$e-proxy-drop
    sent=$(field $n inner_sent) received=$(field $n inner_received)
    check "$e via proxy, packet 20 dropped: exactly one packet lost on the wire" \
        '[ "$(field $n parameters.wire_drops)" = 1 ]'
    check "$e via proxy, packet 20 dropped: not failed" '[ "$(field $n failed)" = false ]'
    check "$e via proxy, packet 20 dropped: traffic went on ($received of $sent)" \
        '[ "$sent" -ge 350 ] && [ "$received" -ge $((sent - 2)) ] 2>/dev/null'
done
check "AnyConnect via proxy: the one lost segment was retransmitted (all $(field anyconnect-proxy-drop inner_received) arrived)" \
    '[ "$(field anyconnect-proxy-drop inner_received)" -ge $(( $(field anyconnect-proxy-drop inner_sent) - 1 )) ]'

n=ctcp-stateful-drop
sent=$(field $n inner_sent) received=$(field $n inner_received)
check "cTCP via strict conntrack, segment 20 dropped: the hole is jumped, traffic goes on ($received of $sent)" \
    '[ "$(field $n parameters.wire_drops)" = 1 ] && [ "$received" -ge $((sent - 2)) ] && [ "$received" -lt "$sent" ]'
check "cTCP via strict conntrack: nothing INVALID ($(field $n asa_drops))" '[ "$(field $n asa_drops)" = 0 ]'
check "cTCP via strict conntrack: not failed" '[ "$(field $n failed)" = false ]'
summary
