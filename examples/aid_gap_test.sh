#!/usr/bin/env bash
# The test of examples/aid_gap.c (meson test example-aid-gap): runs it on
# 3000 replications and checks the shape of its output, and its exit status
# on a bad command line and a missing file.
#   examples/aid_gap_test.sh AID_GAP SCENARIO
set -u
exe=$1
ini=$2
out=$("$exe" "$ini" 3000 1 2) || { echo "aid_gap exited with $?"; exit 1; }
echo "$out"
date='[0-9]{4}-[0-9]{2}-[0-9]{2} \(day [0-9]+\)'
num='[0-9]+(\.[0-9]+)?'
fails=0
expect() { # expect REGEX: some line of the output matches it
    grep -Eq -- "$1" <<<"$out" || { echo "no line matches: $1"; fails=$((fails + 1)); }
}
expect "^aid-gap: 519 days from 2023-08-01; 3000 replications, seed 1$"
expect "^  median        ($date|never)$"
expect "^  90% interval  ($date|never) \.\. ($date|never)$"
expect "^  never short within the horizon: $num% of runs \([0-9]+ of 3000; 95% CI $num% \.\. $num%\)$"
expect "^  mean $num, median $num, 90% interval $num \.\. $num days$"
expect "^  mean ${num}M, median ${num}M, 90% interval ${num}M \.\. ${num}M$"
expect "^  mean 0\.[0-9]{3}, 90% interval 0\.[0-9]{3} \.\. 0\.[0-9]{3}$"
"$exe" "$ini" 0 >/dev/null 2>&1
[ $? = 2 ] || { echo "0 replications: want exit status 2"; fails=$((fails + 1)); }
"$exe" "$ini.missing" 10 >/dev/null 2>&1
[ $? = 1 ] || { echo "a missing file: want exit status 1"; fails=$((fails + 1)); }
exit $((fails > 0))
