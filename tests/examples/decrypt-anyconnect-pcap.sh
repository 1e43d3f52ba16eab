#!/bin/sh
# An AnyConnect run's captures decrypt in tshark with the key log the run wrote, and the
# project's CSTP dissector shows the tunnel in them: vpnsim-run --pcap writes
# PREFIX-tls-keys.log (SSLKEYLOGFILE format); with it tshark opens the TLS records, shows the
# login and CONNECT /CSCOSSLC/tunnel as HTTP and each CSTP packet with the inner echo in it.
# Without the key log nothing of it shows: the check can fail.
#   decrypt-anyconnect-pcap.sh VPNSIM_RUN SOURCE_DIR WORK_DIR
set -eu
run=$1
lua=$2/wireshark/vpnsim-cstp.lua
work=$3
rm -rf "$work"
mkdir -p "$work"
command -v tshark >/dev/null || { echo "tshark not found"; exit 1; }
prefix="$work/anyconnect"
"$run" --encap=anyconnect --asa=proxy --duration=40 --pcap="$prefix" > "$prefix.json"
grep -q '"failed":false' "$prefix.json" && ! grep -q '"inner_received":0,' "$prefix.json" \
    || { echo "the tunnel did not carry the echoes"; cat "$prefix.json"; exit 1; }
keys="$prefix-tls-keys.log"
[ "$(grep -c '^CLIENT_RANDOM [0-9a-f]\{64\} [0-9a-f]\{96\}$' "$keys")" -eq 1 ] \
    || { echo "expected one CLIENT_RANDOM line in $keys"; cat "$keys"; exit 1; }
grep -q "tls.keylog_file" "$prefix-decrypt.sh" || { echo "decrypt.sh lacks the key log"; exit 1; }

fields() { # capture, then extra tshark options
    capture=$1
    shift
    tshark -n -r "$capture" -X lua_script:"$lua" --disable-heuristic http_tls \
        -d tls.port==443,cstp "$@" \
        -T fields -E "separator=|" -e tcp.srcport -e cstp.type -e cstp.http.start_line \
        -e cstp.http.header -e udp.dstport -e udp.srcport 2>/dev/null
}
capture="$prefix-client-1.pcap"
out=$(fields "$capture" -o "tls.keylog_file:$keys")
connects=$(echo "$out" | grep -c '|CONNECT /CSCOSSLC/tunnel HTTP/1.1|.*X-CSTP-Version: 1' || true)
posts=$(echo "$out" | grep -c '|POST /[a-z]* HTTP/1.1|' || true)
granted=$(echo "$out" | grep -c '|HTTP/1.1 200 CONNECTED|.*X-CSTP-Address: ' || true)
# DATA toward the headend carries echoes to port 9; DATA back comes from port 9.
requests=$(echo "$out" | awk -F"|"  '$2 ~ /0x00/ && $5 ~ /(^|,)9(,|$)/' | wc -l)
replies=$(echo "$out" | awk -F"|"  '$1 == "443" && $2 ~ /0x00/ && $6 ~ /(^|,)9(,|$)/' | wc -l)
keepalives=$(echo "$out" | awk -F"|"  '$2 ~ /0x07/' | wc -l)
echo "decrypted: $posts POST, $connects CONNECT, $granted 200 CONNECTED, $requests echo" \
    "requests and $replies replies in CSTP DATA, $keepalives keepalive records"
[ "$connects" -eq 1 ] && [ "$posts" -eq 2 ] && [ "$granted" -eq 1 ] && [ "$requests" -ge 20 ] \
    && [ "$replies" -ge 20 ] \
    || { echo "$out" | head -40; exit 1; }
# The run's own command decrypts the same.
cstp=$(cd / && "$prefix-decrypt.sh" -X lua_script:"$lua" -d tls.port==443,cstp -T fields \
    -e cstp.type 2>/dev/null | grep -c 0x00 || true)
[ "$cstp" -eq "$(echo "$out" | awk -F"|"  '$2 ~ /0x00/' | wc -l)" ] \
    || { echo "decrypt.sh showed $cstp DATA frames"; exit 1; }
# Without the key log the records stay opaque.
blind=$(fields "$capture" | awk -F"|"  '$2 != "" || $3 != ""' | wc -l)
[ "$blind" -eq 0 ] || { echo "without the key log $blind frames showed CSTP or HTTP"; exit 1; }
# OpenSSL's random bytes follow the run's seed: the same seed writes the same bytes, another
# seed other bytes of the same sizes.
"$run" --encap=anyconnect --asa=proxy --duration=40 --pcap="$work/again" > "$work/again.json"
cmp -s "$capture" "$work/again-client-1.pcap" || { echo "the same seed wrote another pcap"; exit 1; }
cmp -s "$keys" "$work/again-tls-keys.log" || { echo "the same seed logged another secret"; exit 1; }
"$run" --encap=anyconnect --asa=proxy --duration=40 --seed=2 --pcap="$work/other" > /dev/null
cmp -s "$keys" "$work/other-tls-keys.log" && { echo "seeds 1 and 2 gave the same secret"; exit 1; }
echo "decrypted with the run's key log; the same seed repeats the capture bit for bit"
