#!/usr/bin/env bash
# shellsim-mpi hands a run's chunks out dynamically over the ranks
# (cli/drive_mpi.c): the output is byte for byte that of shellsim with one
# thread, for 1, 2 and 3 ranks of 1 and 2 threads, for a plain run, a run
# with series and kept paths, --until-ci (several stages) and --exceed, with
# and without checkpoints after every round; the same for sensitivity,
# compare, sweep and infer (rejection ABC, also its pilot's stop and a model
# limit: shellsim's message; ABC-SMC, also --max-runs, max_tries and a model
# limit); and run's --runs-csv file (its rows sent to
# rank 0), likewise.
#   tests/mpi_work.sh SHELLSIM SCENARIO_DIR [SHELLSIM_MPI]
# Prints TAP; skips when shellsim-mpi is not built or mpirun is missing.
set -u
sim=$1
dir=$(cd "$2" && pwd)
mpi=${3:-}
if [ -z "$mpi" ] || ! command -v mpirun >/dev/null 2>&1; then
    echo "1..0 # SKIP shellsim-mpi not built or mpirun missing"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=()
[ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
n=0
fails=0
check() { # check DESCRIPTION COMMAND...
    local d=$1
    shift
    n=$((n + 1))
    if "$@"; then echo "ok $n - $d"; else fails=$((fails + 1)); echo "not ok $n - $d"; fi
}
mpirun_np() { # mpirun_np NP ARGS...
    local np=$1
    shift
    # Open MPI's own allocations are never freed: no leak report from the ranks
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" OMPI_MCA_rmaps_base_oversubscribe=1 mpirun "${root[@]}" --oversubscribe -np "$np" "$mpi" "$@"
}

cases=(
    "plain|$dir/aid-gap.ini --reps 6000 --seed 11"
    "paths|$dir/najin-dunay.ini --reps 3000 --seed 4 --keep-paths 5"
    "until-ci|$dir/aid-gap.ini --reps 200000 --seed 2 --until-ci russia.extra_per_day=40 --series russia.extra"
    "exceed|$dir/aid-gap.ini --reps 5000 --seed 3 --exceed russia.extra_fired=1000000 --exceed nk.delivered=10 --series none"
)
for c in "${cases[@]}"; do
    name=${c%%|*}
    args=${c#*|}
    # shellcheck disable=SC2086
    "$sim" run $args --threads 1 --json >"$tmp/ref.json" 2>"$tmp/ref.err"
    for np in 1 2 3; do
        for t in 1 2; do
            # shellcheck disable=SC2086
            mpirun_np $np run $args --threads $t --json >"$tmp/out.json" 2>"$tmp/out.err"
            check "$name: $np ranks x $t threads: the bytes of shellsim" cmp -s "$tmp/ref.json" "$tmp/out.json"
        done
    done
    # shellcheck disable=SC2086
    mpirun_np 3 run $args --threads 1 --json --checkpoint "$tmp/ck" --checkpoint-every 0 >"$tmp/out.json" 2>/dev/null
    check "$name: 3 ranks, a checkpoint after every round: the same bytes" cmp -s "$tmp/ref.json" "$tmp/out.json"
done
# --runs-csv: the ranks send their chunks' rows in their parts; rank 0 writes
# them in replication order, the file byte for byte shellsim's
rcases=(
    "runs-csv|$dir/aid-gap.ini --reps 9000 --seed 12 --series none"
    "runs-csv until-ci|$dir/aid-gap.ini --seed 2 --until-ci russia.extra_per_day=40 --series none --exceed nk.delivered=10"
)
for c in "${rcases[@]}"; do
    name=${c%%|*}
    args=${c#*|}
    # shellcheck disable=SC2086
    "$sim" run $args --threads 1 --json --runs-csv "$tmp/rref.csv" >"$tmp/ref.json" 2>/dev/null
    for np in 1 2 3; do
        for t in 1 2; do
            # shellcheck disable=SC2086
            mpirun_np $np run $args --threads $t --json --runs-csv "$tmp/rout.csv" >"$tmp/out.json" 2>/dev/null
            check "$name: $np ranks x $t threads: the rows file of shellsim" cmp -s "$tmp/rref.csv" "$tmp/rout.csv"
            check "$name: $np ranks x $t threads: the output of shellsim" cmp -s "$tmp/ref.json" "$tmp/out.json"
        done
    done
    # shellcheck disable=SC2086
    mpirun_np 3 run $args --threads 1 --json --runs-csv "$tmp/rout.csv" --checkpoint "$tmp/rck" --checkpoint-every 0 \
        >"$tmp/out.json" 2>/dev/null
    check "$name: 3 ranks, a checkpoint after every round: the same rows file" cmp -s "$tmp/rref.csv" "$tmp/rout.csv"
    rm -f "$tmp/rck"
done
# sensitivity: its samples' model runs in chunks over the ranks
sargs=(sensitivity "$dir/najin-dunay.ini" --metric russia.extra_per_day --samples 300 --bootstrap 20 --seed 3 --json)
"$sim" "${sargs[@]}" --threads 1 >"$tmp/sref.json" 2>/dev/null
for np in 1 2 3; do
    for t in 1 2; do
        mpirun_np $np "${sargs[@]}" --threads $t >"$tmp/sout.json" 2>/dev/null
        check "sensitivity: $np ranks x $t threads: the bytes of shellsim" cmp -s "$tmp/sref.json" "$tmp/sout.json"
    done
done
mpirun_np 3 "${sargs[@]}" --threads 1 --checkpoint "$tmp/sck" --checkpoint-every 0 >"$tmp/sout.json" 2>/dev/null
check "sensitivity: 3 ranks, a checkpoint after every round: the same bytes" cmp -s "$tmp/sref.json" "$tmp/sout.json"
# compare: replications of both scenarios in chunks over the ranks
cargs=(compare "$dir/aid-gap-no-nk.ini" "$dir/aid-gap.ini" --reps 7000 --seed 3 --json)
"$sim" "${cargs[@]}" --threads 1 >"$tmp/cref.json" 2>/dev/null
for np in 1 2 3; do
    for t in 1 2; do
        mpirun_np $np "${cargs[@]}" --threads $t >"$tmp/cout.json" 2>/dev/null
        check "compare: $np ranks x $t threads: the bytes of shellsim" cmp -s "$tmp/cref.json" "$tmp/cout.json"
    done
done
mpirun_np 3 "${cargs[@]}" --threads 1 --checkpoint "$tmp/cck" --checkpoint-every 0 >"$tmp/cout.json" 2>/dev/null
check "compare: 3 ranks, a checkpoint after every round: the same bytes" cmp -s "$tmp/cref.json" "$tmp/cout.json"
# sweep: chunks of replications, each run at every point of the grid
wargs=(sweep "$dir/aid-gap.ini" --param nk.stop_day=100:300:100 --param nk.loss_rate=0.1,0.3 --reps 3000 --seed 3 --json)
"$sim" "${wargs[@]}" --threads 1 >"$tmp/wref.json" 2>/dev/null
for np in 1 2 3; do
    for t in 1 2; do
        mpirun_np $np "${wargs[@]}" --threads $t >"$tmp/wout.json" 2>/dev/null
        check "sweep: $np ranks x $t threads: the bytes of shellsim" cmp -s "$tmp/wref.json" "$tmp/wout.json"
    done
done
mpirun_np 3 "${wargs[@]}" --threads 1 --checkpoint "$tmp/wck" --checkpoint-every 0 >"$tmp/wout.json" 2>/dev/null
check "sweep: 3 ranks, a checkpoint after every round: the same bytes" cmp -s "$tmp/wref.json" "$tmp/wout.json"
# infer: chunks of tries walked in try order on rank 0 (rejection; SMC,
# generation by generation, each sent to the ranks with its rounds)
for m in rejection smc; do
    iargs=(infer "$dir/inference-najin.ini" "$dir/inference-najin.obs" --method $m --accept 150 --seed 5 --json)
    "$sim" "${iargs[@]}" --threads 1 >"$tmp/iref.json" 2>/dev/null
    for np in 1 2 3; do
        for t in 1 2; do
            mpirun_np $np "${iargs[@]}" --threads $t >"$tmp/iout.json" 2>/dev/null
            check "infer $m: $np ranks x $t threads: the bytes of shellsim" cmp -s "$tmp/iref.json" "$tmp/iout.json"
        done
    done
    mpirun_np 3 "${iargs[@]}" --threads 1 --checkpoint "$tmp/ick" --checkpoint-every 0 >"$tmp/iout.json" 2>/dev/null
    check "infer $m: 3 ranks, a checkpoint after every round: the same bytes" cmp -s "$tmp/iref.json" "$tmp/iout.json"
done
# SMC's soft stop and its budget's message, the same under 3 ranks
sargs=(infer "$dir/inference-najin.ini" "$dir/inference-najin.obs" --method smc --accept 100 --seed 3)
"$sim" "${sargs[@]}" --max-runs 1000 --json --threads 1 >"$tmp/sref.json" 2>/dev/null
mpirun_np 3 "${sargs[@]}" --max-runs 1000 --json --threads 2 >"$tmp/sout.json" 2>/dev/null
check "infer smc: --max-runs under 3 ranks: the bytes of shellsim" cmp -s "$tmp/sref.json" "$tmp/sout.json"
"$sim" "${sargs[@]}" --max-tries 700 --threads 1 >/dev/null 2>"$tmp/b1.err"
mpirun_np 3 "${sargs[@]}" --max-tries 700 --threads 2 >"$tmp/b3.out" 2>"$tmp/b3.err"
check "infer smc: max_tries used up under 3 ranks: shellsim's message, nothing on stdout" \
    bash -c "grep -q 'max_tries: 700 model runs used up in generation' '$tmp/b1.err' && grep -qF \"\$(sed 's/^shellsim://' '$tmp/b1.err')\" '$tmp/b3.err' && [ ! -s '$tmp/b3.out' ]"
# too few acceptances: the pilot's message, the same under 3 ranks
pargs=(infer "$dir/inference-najin.ini" "$dir/inference-najin.obs" --accept 1000 --max-tries 5000 --pilot 1000)
"$sim" "${pargs[@]}" --threads 1 >/dev/null 2>"$tmp/p1.err"
mpirun_np 3 "${pargs[@]}" --threads 2 >"$tmp/p3.out" 2>"$tmp/p3.err"
check "infer rejection: the pilot's stop under 3 ranks: shellsim's message, nothing on stdout" \
    bash -c "grep -q 'pilot: the first 1000 tries' '$tmp/p1.err' && grep -qF \"\$(sed 's/^shellsim://' '$tmp/p1.err')\" '$tmp/p3.err' && [ ! -s '$tmp/p3.out' ]"
# --until-ci says the same on stderr under MPI
# shellcheck disable=SC2086
mpirun_np 2 run $dir/aid-gap.ini --reps 200000 --seed 2 --until-ci russia.extra_per_day=40 --series none \
    --json >/dev/null 2>"$tmp/u2.err"
"$sim" run "$dir/aid-gap.ini" --reps 200000 --seed 2 --until-ci russia.extra_per_day=40 --series none --json \
    >/dev/null 2>"$tmp/u1.err"
check "until-ci: shellsim-mpi's stderr line is shellsim's (but the name)" \
    cmp -s <(sed 's/^shellsim-mpi:/shellsim:/' "$tmp/u2.err") "$tmp/u1.err"
# a failure is the lowest failing replication's, under any ranks
printf '[scenario]\nhorizon_days = 5\n[side a]\n[pipeline p]\nto = a\nsupplier_stock = 10\ninterval_days = 1e-9\ncontainers = 1\nshells_per_container = 1\ntransit_days = 1\n' >"$tmp/storm.ini"
"$sim" run "$tmp/storm.ini" --reps 5000 --threads 1 >/dev/null 2>"$tmp/s1.err"
mpirun_np 3 run "$tmp/storm.ini" --reps 5000 --threads 2 >"$tmp/s3.out" 2>"$tmp/s3.err"
check "a model limit under 3 ranks: shellsim's message (the lowest replication), nothing on stdout" \
    bash -c "grep -qF \"\$(sed 's/^shellsim://' '$tmp/s1.err')\" '$tmp/s3.err' && [ ! -s '$tmp/s3.out' ]"
printf '[observe x]\nseries = a.stock\nday = 3\nvalue = 0\ntolerance = 100\n' >"$tmp/storm.obs"
"$sim" infer "$tmp/storm.ini" "$tmp/storm.obs" --accept 5 --threads 1 >/dev/null 2>"$tmp/i1.err"
mpirun_np 3 infer "$tmp/storm.ini" "$tmp/storm.obs" --accept 5 --threads 2 >"$tmp/i3.out" 2>"$tmp/i3.err"
check "infer rejection: a model limit under 3 ranks: shellsim's message, nothing on stdout" \
    bash -c "grep -q 'replication' '$tmp/i1.err' && grep -qF \"\$(sed 's/^shellsim://' '$tmp/i1.err')\" '$tmp/i3.err' && [ ! -s '$tmp/i3.out' ]"
"$sim" infer "$tmp/storm.ini" "$tmp/storm.obs" --method smc --accept 5 --threads 1 >/dev/null 2>"$tmp/j1.err"
mpirun_np 3 infer "$tmp/storm.ini" "$tmp/storm.obs" --method smc --accept 5 --threads 2 >"$tmp/j3.out" 2>"$tmp/j3.err"
check "infer smc: a model limit under 3 ranks: shellsim's message, nothing on stdout" \
    bash -c "grep -q 'replication' '$tmp/j1.err' && grep -qF \"\$(sed 's/^shellsim://' '$tmp/j1.err')\" '$tmp/j3.err' && [ ! -s '$tmp/j3.out' ]"
echo "1..$n"
[ $fails = 0 ]
