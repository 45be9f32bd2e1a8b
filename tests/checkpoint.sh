#!/usr/bin/env bash
# --checkpoint and --resume (cli/drive.c, cli/checkpoint.c): a run killed at
# a random moment (SIGKILL, several seeds, twice in a row) and resumed
# prints the bytes of a run never stopped; SIGTERM and SIGINT leave a valid
# checkpoint and exit 143 and 130; a checkpoint of another scenario, seed or
# option set, a truncated one, a bit-flipped one and a file that is no
# checkpoint are each refused with their own message and exit status 1
# (and a sensitivity analysis and a comparison killed and resumed, too); a
# checkpoint that cannot be written (/dev/full, a file-size limit) fails the
# run cleanly and leaves the previous checkpoint as it was. A run with
# --runs-csv killed and resumed writes the rows file of a run never stopped
# (no row lost or written twice). With shellsim-mpi, the same for ranks
# stopped by SIGTERM and SIGKILL.
#   tests/checkpoint.sh SHELLSIM SCENARIO_DIR [SHELLSIM_MPI]
# Prints TAP.
set -u
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
args=(--reps 60000 --series russia.extra --json)
"$sim" run "$sc" "${args[@]}" --seed 5 >"$tmp/ref5.json"

# --- killed at random moments, resumed ---------------------------------------
for seed in 1 2 3; do
    RANDOM=$seed
    "$sim" run "$sc" "${args[@]}" --seed 5 --threads 1 >"$tmp/ref.json"
    ck=$tmp/kill$seed.ck
    out=$tmp/kill$seed.json
    kills=0
    resume=()
    # run; once a checkpoint exists, SIGKILL after a random 0 .. 0.4 s; twice
    for round in 1 2; do
        "$sim" run "$sc" "${args[@]}" --seed 5 --threads 1 --checkpoint "$ck" --checkpoint-every 0 \
            "${resume[@]}" >"$out" 2>/dev/null &
        pid=$!
        [ $round = 2 ] && sleep 0.05
        wait_for "$ck" $pid
        sleep "0.$((RANDOM % 5))$((RANDOM % 10))"
        kill -9 $pid 2>/dev/null && kills=$((kills + 1))
        wait $pid 2>/dev/null
        resume=(--resume "$ck")
    done
    "$sim" run "$sc" "${args[@]}" --seed 5 --threads 2 --resume "$ck" >"$out" 2>"$tmp/err"
    check "seed $seed: killed ($kills SIGKILL) and resumed on 2 threads: the bytes of a run never stopped" \
        cmp -s "$tmp/ref.json" "$out"
done
check "the checkpoint is readable as a file is (0666 less the umask)" bash -c \
    "[ \"\$(stat -c %a '$tmp/kill1.ck')\" = \"\$(printf %o \$((0666 & ~\$(umask))))\" ]"

# --- a sensitivity analysis, killed and resumed ------------------------------
sargs=(sensitivity "$dir/najin-dunay.ini" --metric russia.extra_per_day --samples 12000 --bootstrap 20 --seed 3 --json)
"$sim" "${sargs[@]}" >"$tmp/sref.json" 2>/dev/null
RANDOM=4
"$sim" "${sargs[@]}" --threads 1 --checkpoint "$tmp/s.ck" --checkpoint-every 0 >"$tmp/s.json" 2>/dev/null &
pid=$!
wait_for "$tmp/s.ck" $pid
sleep "0.$((RANDOM % 5))"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
"$sim" "${sargs[@]}" --threads 2 --resume "$tmp/s.ck" >"$tmp/s.json" 2>/dev/null
check "sensitivity killed (SIGKILL) and resumed: the bytes of an analysis never stopped" cmp -s "$tmp/sref.json" \
    "$tmp/s.json"
"$sim" "${sargs[@]}" --samples 12001 --resume "$tmp/s.ck" >/dev/null 2>"$tmp/s.err"
check "sensitivity: other --samples refused" grep -q "checkpoint .*: made with other options" "$tmp/s.err"
"$sim" run "$sc" "${args[@]}" --seed 3 --resume "$tmp/s.ck" >/dev/null 2>"$tmp/s.err"
check "run refuses a sensitivity's checkpoint" grep -q "checkpoint .*: of another command" "$tmp/s.err"

# --- a comparison, killed and resumed ----------------------------------------
cargs=(compare "$dir/aid-gap-no-nk.ini" "$sc" --reps 60000 --seed 3 --json)
"$sim" "${cargs[@]}" >"$tmp/cref.json" 2>/dev/null
RANDOM=5
"$sim" "${cargs[@]}" --threads 1 --checkpoint "$tmp/c.ck" --checkpoint-every 0 >"$tmp/c.json" 2>/dev/null &
pid=$!
wait_for "$tmp/c.ck" $pid
sleep "0.$((RANDOM % 5))"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
"$sim" "${cargs[@]}" --threads 2 --resume "$tmp/c.ck" >"$tmp/c.json" 2>/dev/null
check "compare killed (SIGKILL) and resumed: the bytes of a comparison never stopped" cmp -s "$tmp/cref.json" \
    "$tmp/c.json"
"$sim" compare "$sc" "$dir/aid-gap-no-nk.ini" --reps 60000 --seed 3 --resume "$tmp/c.ck" >/dev/null 2>"$tmp/c.err"
check "compare: A and B swapped refused" grep -q "checkpoint .*: made for another scenario" "$tmp/c.err"

# --- SIGTERM and SIGINT: a last checkpoint, 143 and 130 ----------------------
for sig in TERM INT; do
    ck=$tmp/$sig.ck
    "$sim" run "$sc" "${args[@]}" --seed 5 --threads 1 --checkpoint "$ck" --checkpoint-every 3600 \
        >"$tmp/$sig.out" 2>"$tmp/$sig.err" &
    pid=$!
    # (a checkpoint every hour: the only one is the signal's)
    sleep 0.3
    kill -$sig $pid
    wait $pid
    rc=$?
    want=$([ $sig = TERM ] && echo 143 || echo 130)
    if [ $rc = 0 ]; then # (the run ended first: nothing to check but the output)
        check "SIG$sig: the run ended before the signal: its output" cmp -s "$tmp/ref5.json" "$tmp/$sig.out"
        continue
    fi
    check "SIG$sig: exit status $want" [ $rc = "$want" ]
    check "SIG$sig: says where the checkpoint is" grep -q "stopped by signal .* checkpoint .*$sig.ck written" "$tmp/$sig.err"
    check "SIG$sig: nothing on stdout" [ ! -s "$tmp/$sig.out" ]
    "$sim" run "$sc" "${args[@]}" --seed 5 --resume "$ck" >"$tmp/$sig.json" 2>/dev/null
    check "SIG$sig: its checkpoint resumes to the bytes of a run never stopped" cmp -s "$tmp/ref5.json" "$tmp/$sig.json"
done

# --- refusals ----------------------------------------------------------------
good=$tmp/TERM.ck
[ -s "$good" ] || "$sim" run "$sc" --reps 60000 --series russia.extra --seed 5 --checkpoint "$good" \
    --checkpoint-every 0 --json >/dev/null 2>&1 & # (never needed unless SIGTERM came too late)
wait
refused() { # refused DESCRIPTION PATTERN ARGS...: exit 1, the message, no output
    local d=$1 pat=$2
    shift 2
    "$sim" run "$@" >"$tmp/r.out" 2>"$tmp/r.err"
    local rc=$?
    check "$d: exit 1" [ $rc = 1 ]
    check "$d: says so" grep -q "$pat" "$tmp/r.err"
    check "$d: nothing on stdout" [ ! -s "$tmp/r.out" ]
}
refused "another seed" "checkpoint .*: made with --seed 5, not 6" "$sc" "${args[@]}" --seed 6 --resume "$good"
refused "another scenario" "checkpoint .*: made for another scenario" "$dir/aid-gap-no-nk.ini" "${args[@]}" \
    --seed 5 --resume "$good"
refused "another --set" "checkpoint .*: made for another scenario" "$sc" "${args[@]}" --seed 5 \
    --set russia.base_fire_per_day=17000 --resume "$good"
refused "other options (--reps)" "checkpoint .*: made with other options" "$sc" --reps 60001 \
    --series russia.extra --json --seed 5 --resume "$good"
refused "other options (--series)" "checkpoint .*: made with other options" "$sc" --reps 60000 --json --seed 5 \
    --resume "$good"
size=$(stat -c %s "$good")
head -c $((size / 2)) "$good" >"$tmp/short.ck"
refused "a truncated checkpoint" "checkpoint .*: truncated" "$sc" "${args[@]}" --seed 5 --resume "$tmp/short.ck"
head -c 20 "$good" >"$tmp/shorter.ck"
refused "a checkpoint shorter than its header" "checkpoint .*: truncated" "$sc" "${args[@]}" --seed 5 \
    --resume "$tmp/shorter.ck"
cp "$good" "$tmp/flip.ck"
off=$((size / 3))
byte=$(od -An -tu1 -j $off -N1 "$good" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 16)))" | dd of="$tmp/flip.ck" bs=1 seek=$off conv=notrunc 2>/dev/null
check "the flipped copy differs from the checkpoint in one byte" [ "$(cmp -l "$good" "$tmp/flip.ck" | wc -l)" = 1 ]
refused "a bit-flipped checkpoint" "checkpoint .*: corrupt (its checksum" "$sc" "${args[@]}" --seed 5 \
    --resume "$tmp/flip.ck"
refused "a scenario file given as a checkpoint" "checkpoint .*: not a shellsim checkpoint" "$sc" "${args[@]}" \
    --seed 5 --resume "$sc"
refused "a checkpoint that does not exist" "checkpoint .*: cannot read" "$sc" "${args[@]}" --seed 5 \
    --resume "$tmp/none.ck"

# --- a checkpoint that cannot be written --------------------------------------
if [ -w /dev/full ]; then
    refused "--checkpoint /dev/full" "cannot write checkpoint /dev/full: No space left on device" "$sc" \
        "${args[@]}" --seed 5 --checkpoint /dev/full --checkpoint-every 0
fi
cp "$good" "$tmp/keep.ck"
cp "$good" "$tmp/before.ck"
# a full file system, as a file-size limit below the checkpoint's size
# (SIGXFSZ ignored, so that write() says EFBIG)
(
    trap '' XFSZ
    ulimit -f $((size / 2048))
    exec "$sim" run "$sc" "${args[@]}" --seed 5 --resume "$tmp/keep.ck" --checkpoint "$tmp/keep.ck" \
        --checkpoint-every 0
) >"$tmp/full.out" 2>"$tmp/full.err"
rc=$?
check "a checkpoint beyond the file-size limit: exit 1" [ $rc = 1 ]
check "a checkpoint beyond the file-size limit: says so" grep -q "cannot write checkpoint .*keep.ck: File too large" \
    "$tmp/full.err"
check "a checkpoint beyond the file-size limit: the previous checkpoint as it was" cmp -s "$tmp/before.ck" "$tmp/keep.ck"
check "a checkpoint beyond the file-size limit: no temporary file left" \
    bash -c "[ -z \"\$(ls -A '$tmp' | grep '^\\.keep')\" ]"
check "--checkpoint-every without --checkpoint: refused (2)" bash -c \
    "'$sim' run '$sc' --checkpoint-every 5 >/dev/null 2>&1; [ \$? = 2 ]"
check "--checkpoint with --runs-csv -: refused (2)" bash -c \
    "'$sim' run '$sc' --checkpoint '$tmp/x.ck' --runs-csv - >/dev/null 2>&1; [ \$? = 2 ]"

# --- --runs-csv: its rows file killed and resumed ------------------------------
# The checkpoint names the temporary rows file and its length; resuming cuts
# it back there, so no row is lost or written twice.
rargs=(--reps 60000 --series none --seed 8 --json)
"$sim" run "$sc" "${rargs[@]}" --threads 1 --runs-csv "$tmp/rref.csv" >"$tmp/rref.json"
for seed in 1 2 3; do
    RANDOM=$((seed + 10))
    ck=$tmp/rows$seed.ck
    csv=$tmp/rows$seed.csv
    resume=()
    ended=0
    kills=0
    for round in 1 2; do
        "$sim" run "$sc" "${rargs[@]}" --threads 1 --runs-csv "$csv" --checkpoint "$ck" --checkpoint-every 0 \
            "${resume[@]}" >"$tmp/rows.json" 2>/dev/null &
        pid=$!
        [ $round = 2 ] && sleep 0.05
        wait_for "$ck" $pid
        sleep "0.$((RANDOM % 5))$((RANDOM % 10))"
        kill -9 $pid 2>/dev/null && kills=$((kills + 1))
        wait $pid 2>/dev/null && ended=1 && break
        resume=(--resume "$ck")
    done
    [ $ended = 0 ] && "$sim" run "$sc" "${rargs[@]}" --threads 2 --runs-csv "$csv" --resume "$ck" \
        >"$tmp/rows.json" 2>"$tmp/rows.err"
    check "--runs-csv, seed $seed: killed ($kills SIGKILL) and resumed: the rows file of a run never stopped" \
        cmp -s "$tmp/rref.csv" "$csv"
    check "--runs-csv, seed $seed: killed and resumed: the output of a run never stopped" \
        cmp -s "$tmp/rref.json" "$tmp/rows.json"
done
# (a checkpoint's own temporary file, .rowsN.ck.XXXXXX, is left when
# SIGKILL falls while it is written: no process can remove it then)
check "--runs-csv: no temporary rows file left once the runs ended" \
    bash -c "[ -z \"\$(ls -A '$tmp' | grep '^\\.rows[0-9]*\\.csv\\.')\" ]"
"$sim" run "$sc" "${rargs[@]}" --threads 1 --runs-csv "$tmp/rt.csv" --checkpoint "$tmp/rt.ck" \
    --checkpoint-every 3600 >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -TERM $pid
wait $pid
rc=$?
if [ $rc = 143 ]; then
    check "--runs-csv, SIGTERM: the rows file is not in place yet" [ ! -e "$tmp/rt.csv" ]
    "$sim" run "$sc" "${rargs[@]}" --threads 2 --runs-csv "$tmp/rt.csv" --resume "$tmp/rt.ck" >/dev/null 2>&1
    check "--runs-csv, SIGTERM (143) then resumed: the rows file of a run never stopped" \
        cmp -s "$tmp/rref.csv" "$tmp/rt.csv"
    "$sim" run "$sc" "${rargs[@]}" --runs-csv "$tmp/rt.csv" --resume "$tmp/rt.ck" >/dev/null 2>"$tmp/rt.err"
    check "--runs-csv: a checkpoint whose rows file was completed and renamed: refused (exit 1)" [ $? = 1 ]
    check "--runs-csv: ... saying which file is missing" \
        grep -q "cannot write .*rt.csv: its part written before the checkpoint, .*No such file" "$tmp/rt.err"
else
    check "--runs-csv, SIGTERM: the run ended first, with its rows file" cmp -s "$tmp/rref.csv" "$tmp/rt.csv"
fi
# without --checkpoint, SIGINT ends the run as it would kill it, but leaves
# no temporary rows file behind
mkdir "$tmp/int"
"$sim" run "$sc" --reps 5000000 --series none --seed 8 --threads 1 --runs-csv "$tmp/int/r.csv" \
    >/dev/null 2>"$tmp/int.err" &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
check "--runs-csv without --checkpoint, SIGINT: exit 130, says so" \
    bash -c "[ $? = 130 ] && grep -q 'stopped by signal 2 (without --checkpoint nothing is kept)' '$tmp/int.err'"
check "--runs-csv without --checkpoint, SIGINT: neither the rows file nor a temporary one" \
    bash -c "[ -z \"\$(ls -A '$tmp/int')\" ]"
"$sim" run "$sc" "${rargs[@]}" --resume "$tmp/rows1.ck" >/dev/null 2>"$tmp/rx.err"
check "a checkpoint with --runs-csv resumed without it: refused" grep -q "checkpoint .*: made with other options" \
    "$tmp/rx.err"
"$sim" run "$sc" "${args[@]}" --seed 5 --runs-csv "$tmp/rx.csv" --resume "$good" >/dev/null 2>"$tmp/rx.err"
check "a checkpoint without --runs-csv resumed with it: refused" grep -q "checkpoint .*: made with other options" \
    "$tmp/rx.err"

# --- shellsim-mpi ---------------------------------------------------------------
if [ -n "$mpi" ] && command -v mpirun >/dev/null 2>&1; then
    root=()
    [ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
    mpirun_np() {
        local np=$1
        shift
        # Open MPI's own allocations are never freed: no leak report from the ranks
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" OMPI_MCA_rmaps_base_oversubscribe=1 mpirun "${root[@]}" --oversubscribe -np "$np" "$mpi" "$@"
    }
    for how in TERM KILL; do
        ck=$tmp/mpi$how.ck
        RANDOM=7
        mpirun_np 2 run "$sc" "${args[@]}" --seed 5 --threads 1 --checkpoint "$ck" --checkpoint-every 0 \
            >"$tmp/m.out" 2>"$tmp/m.err" &
        mp=$!
        wait_for "$ck" $mp
        sleep "0.$((RANDOM % 3))"
        # the ranks, as a batch system signals them ($mp is the subshell of
        # mpirun_np, whose child is mpirun, whose children are the ranks);
        # signalling mpirun instead races its forwarding of rank 0's stderr
        launcher=$(pgrep -P $mp)
        ranks=$(for l in $launcher; do pgrep -P "$l"; done)
        kill -$how ${ranks:-$launcher} 2>/dev/null
        wait $mp
        rc=$?
        if [ $rc = 0 ]; then # (the run ended first)
            check "shellsim-mpi, the run ended before SIG$how: its output" cmp -s "$tmp/ref5.json" "$tmp/m.out"
            continue
        fi
        sed 's/^/# /' "$tmp/m.err" | head -3
        [ $how = KILL ] || check "shellsim-mpi, ranks sent SIGTERM: rank 0 says where the checkpoint is" \
            grep -q "stopped by signal 15 .* checkpoint .* written" "$tmp/m.err"
        mpirun_np 3 run "$sc" "${args[@]}" --seed 5 --threads 1 --resume "$ck" >"$tmp/m.json" 2>/dev/null
        check "shellsim-mpi, 2 ranks sent SIG$how, resumed on 3: the bytes of shellsim" cmp -s "$tmp/ref5.json" \
            "$tmp/m.json"
    done
    # --runs-csv: the ranks' rows, written by rank 0, killed and resumed
    ck=$tmp/mpirows.ck
    RANDOM=8
    mpirun_np 2 run "$sc" "${rargs[@]}" --threads 1 --runs-csv "$tmp/mrows.csv" --checkpoint "$ck" \
        --checkpoint-every 0 >/dev/null 2>&1 &
    mp=$!
    wait_for "$ck" $mp
    sleep "0.$((RANDOM % 3))"
    launcher=$(pgrep -P $mp)
    ranks=$(for l in $launcher; do pgrep -P "$l"; done)
    kill -KILL ${ranks:-$launcher} 2>/dev/null
    if wait $mp; then
        check "shellsim-mpi --runs-csv, the run ended before SIGKILL: its rows file" cmp -s "$tmp/rref.csv" \
            "$tmp/mrows.csv"
    else
        mpirun_np 3 run "$sc" "${rargs[@]}" --threads 2 --runs-csv "$tmp/mrows.csv" --resume "$ck" \
            >"$tmp/mrows.json" 2>/dev/null
        check "shellsim-mpi --runs-csv, 2 ranks sent SIGKILL, resumed on 3 x 2 threads: the rows file of shellsim" \
            cmp -s "$tmp/rref.csv" "$tmp/mrows.csv"
        check "shellsim-mpi --runs-csv, killed and resumed: the output of shellsim" cmp -s "$tmp/rref.json" \
            "$tmp/mrows.json"
    fi
    "$sim" run "$sc" "${args[@]}" --seed 5 --resume "$tmp/mpiTERM.ck" >"$tmp/m1.json" 2>/dev/null
    check "an MPI checkpoint resumed by shellsim: the same bytes" cmp -s "$tmp/ref5.json" "$tmp/m1.json"
    mpirun_np 2 run "$sc" "${args[@]}" --seed 6 --resume "$tmp/mpiTERM.ck" >"$tmp/m.out" 2>"$tmp/m.err"
    check "shellsim-mpi refuses another seed's checkpoint, saying so" grep -q "made with --seed 5, not 6" "$tmp/m.err"
else
    echo "# shellsim-mpi not built or mpirun missing: MPI checks skipped"
fi
echo "1..$n"
[ $fails = 0 ]
