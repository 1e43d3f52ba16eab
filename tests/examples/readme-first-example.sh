#!/bin/sh
# The README's first example answers the engineer's question with one command: the first shell
# block under "Answering a question" is a vpnsim-advise command, and run (with fewer seeds and
# a shorter session, to stay quick) it prints a row for each option and a recommendation.
#   readme-first-example.sh README.md BUILD_DIR
set -eu
readme=$1
build=$2
command=$(awk '/^## Answering a question/ {s = 1} s && /^```sh/ {getline; print; exit}' "$readme")
echo "README's first example: $command"
# The set-up script's advise command builds vpnsim-advise and runs it with the flags that
# follow (tests/experiments/test_runner_guard.py holds the script to that); here the program
# is this build directory's.
case "$command" in
    "bash scripts/vpnsim.sh advise "*) ;;
    *) echo "the first example is not the set-up script's advise command"; exit 1 ;;
esac
# shellcheck disable=SC2086 # the command's words
set -- $command
shift 3
out=$("$build/examples/vpnsim-advise" "$@" --min-seeds=3 --max-seeds=3 --session=60)
echo "$out"
for row in "cTCP (IPsec over TCP)" "NAT-T (IPsec over UDP)" "native ESP" "AnyConnect" \
           "cTCP + tcp-state-bypass"; do
    echo "$out" | grep -q "^$row " || { echo "no row for $row"; exit 1; }
done
echo "$out" | grep -q "^Recommendation: .*TAC document 113578" || { echo "no recommendation"; exit 1; }
