#!/bin/bash
# A sweep's --checkpoint and --resume (tests/checkpoint.sh's checks, for
# `sweep`): killed with SIGKILL at a random moment and resumed on other
# threads, the bytes of a sweep never stopped; a checkpoint of another grid,
# or of another command, refused.
#
#   tests/checkpoint_sweep.sh SHELLSIM SCENARIO_DIR [SHELLSIM_MPI]
sim=$1
dir=$(cd "$2" && pwd)
mpi=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
check() { # check DESCRIPTION COMMAND...
    local d=$1
    shift
    n=$((n + 1))
    if "$@"; then echo "ok $n - $d"; else fails=$((fails + 1)); echo "not ok $n - $d"; fi
}
wait_for() { # wait_for FILE PID: until FILE exists or PID has ended
    while [ ! -e "$1" ] && kill -0 "$2" 2>/dev/null; do sleep 0.02; done
}
sc=$dir/aid-gap.ini

# --- a sweep, killed and resumed ---------------------------------------------
wargs=(sweep "$sc" --param nk.stop_day=100:300:100 --reps 40000 --seed 3 --json)
"$sim" "${wargs[@]}" >"$tmp/wref.json" 2>/dev/null
RANDOM=7
"$sim" "${wargs[@]}" --threads 1 --checkpoint "$tmp/w.ck" --checkpoint-every 0 >"$tmp/w.json" 2>/dev/null &
pid=$!
wait_for "$tmp/w.ck" $pid
sleep "0.$((RANDOM % 5))"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
"$sim" "${wargs[@]}" --threads 2 --resume "$tmp/w.ck" >"$tmp/w.json" 2>/dev/null
check "sweep killed (SIGKILL) and resumed: the bytes of a sweep never stopped" cmp -s "$tmp/wref.json" "$tmp/w.json"
"$sim" sweep "$sc" --param nk.stop_day=100:300:50 --reps 40000 --seed 3 --resume "$tmp/w.ck" >/dev/null 2>"$tmp/w.err"
check "sweep: another grid refused" grep -q "checkpoint .*: made with other" "$tmp/w.err"
"$sim" compare "$sc" "$sc" --reps 40000 --seed 3 --resume "$tmp/w.ck" >/dev/null 2>"$tmp/w.err"
check "compare refuses a sweep's checkpoint" grep -q "checkpoint .*: of another command" "$tmp/w.err"

echo "1..$n"
[ $fails = 0 ]
