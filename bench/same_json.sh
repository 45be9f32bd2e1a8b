#!/bin/bash
# same_json.sh BUILD_A BUILD_B: the JSON of `shellsim run` from two builds,
# byte for byte, for every scenario (scenarios/*.ini, ../shared/scenarios/*.ini),
# seeds 1 and 7, 1 and 2 threads, all series and --series none, 3,000
# replications; and 70,000 (past a recorder's flush) for three of them. For
# changes that must not move a bit: prints each file that differs, exits 1 if any.
set -u
A=$1; B=$2; T=$(mktemp -d); bad=0
cd "$(dirname "$0")/.."
run() { # NAME ARGS...
    local n=$1; shift
    "$A/cli/shellsim" run "$@" --json > "$T/a" 2>&1; echo $? >> "$T/a"
    "$B/cli/shellsim" run "$@" --json > "$T/b" 2>&1; echo $? >> "$T/b"
    cmp -s "$T/a" "$T/b" || { echo "differs: $n"; bad=1; }
}
for f in scenarios/*.ini ../shared/scenarios/*.ini; do
    for seed in 1 7; do for t in 1 2; do for ser in all none; do
        run "$f seed $seed threads $t series $ser" "$f" --reps 3000 --seed $seed --threads $t --series $ser
    done; done; done
done
for f in scenarios/aid-gap.ini ../shared/scenarios/najin-dunay.ini scenarios/seed-1m.ini; do
    for t in 1 2; do run "$f 70000 threads $t" "$f" --reps 70000 --seed 3 --threads $t; done
done
rm -rf "$T"
[ $bad = 0 ] && echo "same JSON" || exit 1
