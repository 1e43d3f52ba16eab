#!/usr/bin/env bash
# Packet level: the simulation's pcap and the runners' captures of the same short exchange
# decode in tshark to the same fields (experiments/testbed/compare-packets): cTCP, NAT-T and
# native ESP at the client through plain forwarding, and cTCP at the headend through the
# ASA's / fw's TCP proxy (same segment boundaries: the two proxies segment alike).
source "$(dirname "$0")/testbed-lib.sh"
: "${VPNSIM_RUN:?set VPNSIM_RUN to the vpnsim-run binary}"
if ! command -v tshark >/dev/null 2>&1; then
    echo "skipped: tshark is not installed"
    exit 77
fi

"$ROOT/experiments/testbed/compare-packets" --case ctcp,natt,esp,ctcp-proxy --count 20 \
    --sim "$VPNSIM_RUN" --runner "$VPNSIM_RUNNER" --out "$WORK/packets" \
    >"$WORK/packets.txt" 2>"$WORK/packets.err"
rc=$?
cat "$WORK/packets.txt"
[ "$rc" = 77 ] && exit 77
tail -5 "$WORK/packets.err"
check "compare-packets: every case identical (exit $rc)" '[ "$rc" = 0 ]'
for case in ctcp natt esp ctcp-proxy; do
    check "$case: identical, 20 ESP packets each way compared" \
        'grep -q "^$case (.*): identical - client->headend: [0-9]* IKE + 20 ESP.*headend->client: [0-9]* IKE + 20 ESP" "$WORK/packets.txt"'
done
check "ctcp-proxy: the testbed proxy wrote one segment per segment read, no framing errors" \
    'grep -Eq "testbed proxy: ([0-9]+) reads of \1 data segments in, ([0-9]+) writes as \2 data segments out \(0 retransmitted\); headend framing errors 0" "$WORK/packets.txt"'
summary
