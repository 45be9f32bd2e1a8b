#!/usr/bin/env bash
# The soft stops of ABC-SMC from the command line (include/shellsim_infer.h,
# max_runs and time_limit_seconds): --max-runs stops after a generation and
# says so (the table's "stopped early", the JSON's "stop"), with the same
# bytes for 1, 2 and 3 threads; --time-limit likewise; both are refused
# without --method smc, and bad values are usage errors (exit status 2).
#   tests/cli_smc_stops.sh SHELLSIM SCENARIO_DIR
# Prints TAP.
set -u
sim=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
    local d=$1
    shift
    n=$((n + 1))
    if "$@"; then echo "ok $n - $d"; else fails=$((fails + 1)); echo "not ok $n - $d"; fi
}
ini=$dir/inference-najin.ini
obs=$dir/inference-najin.obs
smc=(infer "$ini" "$obs" --method smc --accept 100 --seed 3)

"$sim" "${smc[@]}" --json --threads 1 >"$tmp/full.json"
check "without a stop, the JSON says stop: done" grep -q '"stop": "done"' "$tmp/full.json"

for t in 1 2 3; do
    "$sim" "${smc[@]}" --max-runs 1000 --json --threads $t >"$tmp/t$t.json"
done
check "--max-runs: the JSON says stop: max_runs" grep -q '"stop": "max_runs"' "$tmp/t1.json"
for t in 2 3; do
    check "--max-runs: JSON with $t threads is byte-identical to 1 thread" cmp -s "$tmp/t1.json" "$tmp/t$t.json"
done
check "--max-runs: fewer model runs than without it" /usr/bin/python3 -c "
import json, sys
a = json.load(open('$tmp/full.json')); b = json.load(open('$tmp/t1.json'))
g = b['generations']
sys.exit(not (b['tried'] < a['tried'] and b['tried'] >= 1000
              and b['tried'] - g[-1]['runs'] < 1000 and g[-1]['epsilon'] > 0))"

"$sim" "${smc[@]}" --max-runs 1000 >"$tmp/table"
check "--max-runs: the table says it stopped early and why" grep -q "^stopped early by --max-runs after generation" "$tmp/table"

"$sim" "${smc[@]}" --time-limit 1e-9 --json >"$tmp/time.json"
check "--time-limit: the JSON says stop: time_limit" grep -q '"stop": "time_limit"' "$tmp/time.json"

"$sim" infer "$ini" "$obs" --max-runs 1000 >/dev/null 2>"$tmp/err"
check "--max-runs without --method smc: exit status 2" test $? = 2
check "and its message" grep -q "max-runs is for --method smc" "$tmp/err"
for bad in 0 -1 abc inf nan; do
    "$sim" "${smc[@]}" --time-limit "$bad" >/dev/null 2>"$tmp/err"
    check "--time-limit $bad: exit status 2" test $? = 2
done
check "and its message" grep -q "time-limit: 'nan' is not a number of seconds > 0" "$tmp/err"
"$sim" "${smc[@]}" --max-runs 0 >/dev/null 2>&1
check "--max-runs 0: exit status 2" test $? = 2

echo "1..$n"
exit $((fails > 0))
