#!/bin/sh
# Every key a vpnsim-run record carries, at the top level and in "parameters", is documented in
# doc/record.md (as `key` in its tables), for a default run and one with bursty loss.
#   record-fields-documented.sh VPNSIM_RUN doc/record.md
set -eu
run=$1
doc=$2
missing=0
for flags in "--duration=10" "--duration=10 --loss-model=gilbert --loss=0.01"; do
    # shellcheck disable=SC2086 # the flags are words
    record=$("$run" $flags)
    keys=$(echo "$record" | grep -o '"[a-z_]*":' | tr -d '":' | sort -u)
    for key in $keys; do
        grep -q "\`$key\`" "$doc" || { echo "doc/record.md does not document $key"; missing=1; }
    done
done
[ $missing -eq 0 ] && echo "every field documented"
