#!/bin/sh
# Rekeys show in a run's captures and still decrypt with the files the run wrote: with short
# lifetimes, each IPsec rekey is a Quick Mode of its own (a new message ID, three messages) on
# the IKE SA, each IKE rekey a Main Mode with a new initiator cookie, and the ESP after each
# rekey is on new SPIs whose keys are in PREFIX-wireshark/esp_sa, so every ESP packet checks
# its ICV and opens to the inner UDP echo. With the first SA pair's keys only, the packets of
# the later SPIs do not.
#   rekey-in-pcap.sh VPNSIM_RUN WORK_DIR
set -eu
run=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
command -v tshark >/dev/null || { echo "tshark not found"; exit 1; }
. "$(dirname "$0")/esp-decryption.sh"

field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])" < "$2"; }

for encap in natt esp; do
    prefix="$work/$encap"
    "$run" --encap=$encap --asa=stateful --duration=200 --ike-lifetime=150 --ipsec-lifetime=120 \
        --pcap="$prefix" > "$prefix.json"
    ipsec=$(field ipsec_rekeys "$prefix.json")
    ike=$(field ike_rekeys "$prefix.json")
    [ "$(field failed "$prefix.json")" = False ] || { echo "$encap: the tunnel failed"; exit 1; }
    [ "$ipsec" -ge 1 ] && [ "$ike" -ge 1 ] || { echo "$encap: $ipsec/$ike rekeys"; exit 1; }
    # Main Modes: one initiator cookie per IKE SA.
    mm=$("$prefix-decrypt.sh" -Y 'isakmp.exchangetype == 2' -T fields -e isakmp.ispi \
        2>/dev/null | sort -u | grep -c .)
    # Quick Modes: three messages under each message ID, one ID per IPsec SA pair.
    qm=$("$prefix-decrypt.sh" -Y 'isakmp.exchangetype == 32' -T fields -e isakmp.messageid \
        2>/dev/null | sort | uniq -c | awk '$1 == 3' | wc -l)
    esp_decryption "$prefix-decrypt.sh"
    echo "$encap: $ike IKE and $ipsec IPsec rekeys; $mm Main Modes, $qm Quick Modes," \
        "$spis ESP SPIs, $good of $total ESP packets decrypted"
    [ "$mm" -eq $((ike + 1)) ] && [ "$qm" -eq $((ipsec + 1)) ] || exit 1
    [ "$spis" -eq $((2 * (ipsec + 1))) ] && [ "$total" -ge 100 ] && [ "$good" -eq "$total" ] \
        || exit 1
    # The first pair's keys alone open only the first pair's packets: the check can fail.
    head -n 2 "$prefix-wireshark/esp_sa" > "$work/first-pair"
    cp "$work/first-pair" "$prefix-wireshark/esp_sa"
    opened=$("$prefix-decrypt.sh" -Y 'esp.icv_good == 1' -T fields -e esp.spi 2>/dev/null \
        | sort -u | grep -c . || true)
    [ "$opened" -eq 2 ] || { echo "$encap: the first pair's keys opened $opened SPIs"; exit 1; }
done
echo "rekeys seen and decrypted"
