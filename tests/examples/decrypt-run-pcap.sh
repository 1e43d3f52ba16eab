#!/bin/sh
# A run's captures decrypt in tshark with nothing but the files the run wrote: vpnsim-run
# --pcap names the captures by role and writes the SA keys (PREFIX-wireshark/esp_sa) and the
# command (PREFIX-decrypt.sh). For NAT-T and native ESP, every ESP packet outside the ASA must
# check its ICV and open to the inner UDP echo; keys from another key seed must not.
#   decrypt-run-pcap.sh VPNSIM_RUN WORK_DIR
set -eu
run=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
command -v tshark >/dev/null || { echo "tshark not found"; exit 1; }
. "$(dirname "$0")/esp-decryption.sh"

for encap in natt esp; do
    prefix="$work/$encap"
    "$run" --encap=$encap --asa=stateful --duration=20 --key-seed=0x5a --pcap="$prefix" \
        > "$prefix.json"
    grep -q '"key_seed":"0x5a"' "$prefix.json" || { echo "$encap: record lacks key_seed"; exit 1; }
    for role in client-1 asa-outside asa-inside headend headend-to-server; do
        [ -s "$prefix-$role.pcap" ] || { echo "$encap: no $prefix-$role.pcap"; exit 1; }
    done
    [ "$(wc -l < "$prefix-wireshark/esp_sa")" -eq 2 ] || { echo "$encap: expected 2 SAs"; exit 1; }
    # The script alone, from another directory, on its default capture (outside the ASA).
    esp_decryption "$prefix-decrypt.sh"
    echo "$encap: $good of $total ESP packets decrypted, $spis SPIs"
    [ "$total" -ge 20 ] && [ "$good" -eq "$total" ] && [ "$spis" -eq 2 ] || exit 1
    # Another run's keys must fail the ICV: the check can fail.
    "$run" --encap=$encap --asa=stateful --duration=20 --key-seed=90 --pcap="$work/decimal-$encap" \
        > /dev/null
    cmp -s "$prefix-wireshark/esp_sa" "$work/decimal-$encap-wireshark/esp_sa" \
        || { echo "$encap: --key-seed=90 and 0x5a gave different keys"; exit 1; }
    "$run" --encap=$encap --asa=stateful --duration=20 --key-seed=0x43 --pcap="$work/other-$encap" \
        > /dev/null
    cp "$work/other-$encap-wireshark/esp_sa" "$prefix-wireshark/esp_sa"
    bad=$("$prefix-decrypt.sh" -Y 'esp.icv_good == 1' 2>/dev/null | grep -c . || true)
    [ "$bad" -eq 0 ] || { echo "$encap: keys of key seed 0x43 opened 0x5a's packets"; exit 1; }
done
echo "decrypted with only the run's files"
