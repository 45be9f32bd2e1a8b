#!/bin/bash
# An inference's --checkpoint and --resume (tests/checkpoint.sh's checks,
# for `infer`, rejection ABC and ABC-SMC): killed with SIGKILL at random
# moments (several seeds) and resumed on other threads, the bytes of an
# inference never stopped; SIGTERM and SIGINT leave a valid checkpoint and
# exit 143 and 130; a checkpoint of other observations, options, method,
# seed or of another command refused, each with its message. With
# shellsim-mpi: ranks sent SIGTERM, resumed on other ranks to the same bytes.
#
#   tests/checkpoint_infer.sh SHELLSIM SCENARIO_DIR [SHELLSIM_MPI]
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
sc=$dir/inference-najin.ini
obs=$dir/inference-najin.obs
root=()
[ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
mpirun_np() {
    local np=$1
    shift
    # Open MPI's own allocations are never freed: no leak report from the ranks
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" OMPI_MCA_rmaps_base_oversubscribe=1 mpirun "${root[@]}" --oversubscribe -np "$np" "$mpi" "$@"
}
[ -n "$mpi" ] && command -v mpirun >/dev/null 2>&1 || echo "# shellsim-mpi not built or mpirun missing: MPI checks skipped"
# one method's checks: killed and resumed, signals, shellsim-mpi's SIGTERM
suite() { # suite METHOD ARGS...: iargs and ref.json of that method
    m=$1
    shift
    iargs=("$@")
    "$sim" "${iargs[@]}" --seed 3 --threads 1 >"$tmp/ref.json" 2>/dev/null

    # --- killed at random moments, resumed ---------------------------------------
    for seed in 1 2 3; do
        RANDOM=$seed
        ck=$tmp/$m-kill$seed.ck
        rm -f "$ck"
        "$sim" "${iargs[@]}" --seed 3 --threads 1 --checkpoint "$ck" --checkpoint-every 0 >"$tmp/k.json" 2>/dev/null &
        pid=$!
        wait_for "$ck" $pid
        sleep "0.$((RANDOM % 6))$((RANDOM % 10))"
        kill -9 $pid 2>/dev/null && killed=1 || killed=0
        wait $pid 2>/dev/null
        "$sim" "${iargs[@]}" --seed 3 --threads 2 --resume "$ck" >"$tmp/k.json" 2>/dev/null
        check "infer $m killed (seed $seed, SIGKILL $killed) and resumed on 2 threads: the bytes of an inference never stopped" \
            cmp -s "$tmp/ref.json" "$tmp/k.json"
    done

    # --- SIGTERM and SIGINT: a last checkpoint, 143 and 130 ----------------------
    for sig in TERM INT; do
        ck=$tmp/$m-$sig.ck
        "$sim" "${iargs[@]}" --seed 3 --threads 1 --checkpoint "$ck" --checkpoint-every 3600 \
            >"$tmp/$sig.out" 2>"$tmp/$sig.err" &
        pid=$!
        sleep 0.4
        kill -$sig $pid
        wait $pid
        rc=$?
        want=$([ $sig = TERM ] && echo 143 || echo 130)
        if [ $rc = 0 ]; then # (it ended first: nothing to check but the output)
            check "infer $m, SIG$sig: ended before the signal: its output" cmp -s "$tmp/ref.json" "$tmp/$sig.out"
            continue
        fi
        check "infer $m, SIG$sig: exit status $want" [ $rc = "$want" ]
        check "infer $m, SIG$sig: says where the checkpoint is" grep -q "stopped by signal .* checkpoint .*$m-$sig.ck written" \
            "$tmp/$sig.err"
        check "infer $m, SIG$sig: nothing on stdout" [ ! -s "$tmp/$sig.out" ]
        "$sim" "${iargs[@]}" --seed 3 --resume "$ck" >"$tmp/$sig.json" 2>/dev/null
        check "infer $m, SIG$sig: its checkpoint resumes to the bytes of an inference never stopped" \
            cmp -s "$tmp/ref.json" "$tmp/$sig.json"
    done

    if [ -n "$mpi" ] && command -v mpirun >/dev/null 2>&1; then
        ck=$tmp/$m-mpi.ck
        mpirun_np 2 "${iargs[@]}" --seed 3 --threads 1 --checkpoint "$ck" --checkpoint-every 0 >"$tmp/m.out" 2>"$tmp/m.err" &
        mp=$!
        wait_for "$ck" $mp
        sleep 0.2
        # the ranks, as a batch system signals them (tests/checkpoint.sh)
        launcher=$(pgrep -P $mp)
        ranks=$(for l in $launcher; do pgrep -P "$l"; done)
        kill -TERM ${ranks:-$launcher} 2>/dev/null
        wait $mp
        rc=$?
        if [ $rc = 0 ]; then
            check "shellsim-mpi infer $m, the inference ended before SIGTERM: its output" cmp -s "$tmp/ref.json" "$tmp/m.out"
        else
            check "shellsim-mpi infer $m, ranks sent SIGTERM: rank 0 says where the checkpoint is" \
                grep -q "stopped by signal 15 .* checkpoint .* written" "$tmp/m.err"
            mpirun_np 3 "${iargs[@]}" --seed 3 --threads 1 --resume "$ck" >"$tmp/m.json" 2>"$tmp/m3.err" || sed "s/^/# /" "$tmp/m3.err" | head -5
            check "shellsim-mpi infer $m, 2 ranks sent SIGTERM, resumed on 3: the bytes of shellsim" \
                cmp -s "$tmp/ref.json" "$tmp/m.json"
        fi
    fi
}

suite rejection infer "$sc" "$obs" --accept 800 --json
suite smc infer "$sc" "$obs" --method smc --accept 1000 --json
iargs=(infer "$sc" "$obs" --accept 800 --json)

# --- refusals ----------------------------------------------------------------
good=$tmp/rejection-kill1.ck
refused() { # refused DESCRIPTION PATTERN COMMAND ARGS...: exit 1, the message, no output
    local d=$1 pat=$2
    shift 2
    "$sim" "$@" >"$tmp/r.out" 2>"$tmp/r.err"
    local rc=$?
    check "$d: exit 1, says so, nothing on stdout" \
        bash -c "[ $rc = 1 ] && grep -q \"$pat\" '$tmp/r.err' && [ ! -s '$tmp/r.out' ]"
}
grep -v "^value = 5000" "$obs" | sed 's/^tolerance = 500$/value = 5000\ntolerance = 400/' >"$tmp/other.obs"
refused "infer: other observations refused" "checkpoint .*: made with other options" \
    infer "$sc" "$tmp/other.obs" --accept 800 --json --seed 3 --resume "$good"
refused "infer: another --accept refused" "checkpoint .*: made with other options" \
    infer "$sc" "$obs" --accept 801 --json --seed 3 --resume "$good"
refused "infer: another seed refused" "checkpoint .*: made with --seed 3, not 4" "${iargs[@]}" --seed 4 \
    --resume "$good"
refused "infer: another --set refused" "checkpoint .*: made for another scenario" "${iargs[@]}" --seed 3 \
    --set nk.loss_rate=0.2 --resume "$good"
refused "run refuses an inference's checkpoint" "checkpoint .*: of another command" \
    run "$sc" --reps 1000 --seed 3 --resume "$good"
"$sim" run "$sc" --reps 20000 --seed 3 --series none --checkpoint "$tmp/run.ck" --checkpoint-every 0 \
    >/dev/null 2>&1
refused "infer refuses a run's checkpoint" "checkpoint .*: of another command" "${iargs[@]}" --seed 3 \
    --resume "$tmp/run.ck"
refused "infer: rejection's checkpoint refused by --method smc" "checkpoint .*: made with other options" \
    infer "$sc" "$obs" --method smc --accept 800 --json --seed 3 --resume "$good"
refused "infer --method smc: another --max-runs refused" "checkpoint .*: made with other options" \
    infer "$sc" "$obs" --method smc --accept 1000 --max-runs 5000 --json --seed 3 --resume "$tmp/smc-kill1.ck"

echo "1..$n"
[ $fails = 0 ]
