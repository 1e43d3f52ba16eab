# Sourced by the tests that decrypt a run's captures (decrypt-run-pcap.sh, rekey-in-pcap.sh).

# esp_decryption DECRYPT_SCRIPT: counts the ESP packets of the run's default capture as the
# run's own decrypt script opens them: total (all), good (ICV good and opened to the inner UDP
# echo, port 9) and spis (distinct SPIs). Runs the script from / so that it relies on nothing
# but the files the run wrote.
esp_decryption() {
    fields=$(cd / && "$1" -Y esp -T fields -e esp.spi -e esp.icv_good -e udp.port 2>/dev/null)
    total=$(echo "$fields" | grep -c . || true)
    good=$(echo "$fields" | awk -F'\t' '$2 == "1" && $3 ~ /(^|,)9(,|$)/' | wc -l)
    spis=$(echo "$fields" | cut -f1 | sort -u | wc -l)
}
