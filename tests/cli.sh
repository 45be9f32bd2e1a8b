#!/usr/bin/env bash
# The CLI contract (README.md, "Command line") checked from outside, and the
# reproducibility promise: the JSON is byte for byte the same for any number
# of threads (1, 2, 3, 8) and of MPI ranks (1, 2, 3).
#   tests/cli.sh SHELLSIM SCENARIO_DIR [SHELLSIM_MPI]
# Prints TAP.
set -u
sim=$1
dir=$2
mpi=${3:-}
case $sim in /* | */*) sim=$(cd "$(dirname "$sim")" && pwd)/$(basename "$sim") ;; esac # some tests cd
dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}
not_ok() {
    n=$((n + 1))
    fails=$((fails + 1))
    echo "not ok $n - $1"
}
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
    local d=$1
    shift
    if "$@"; then ok "$d"; else not_ok "$d"; fi
}
status_is() { # status_is WANT COMMAND...
    local want=$1
    shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    [ $? = "$want" ]
}

# --- reproducibility over threads -------------------------------------------
for sc in aid-gap najin-dunay; do
    "$sim" run "$dir/$sc.ini" --reps 2500 --seed 11 --threads 1 --json >"$tmp/t1.json"
    for t in 2 3 8; do
        "$sim" run "$dir/$sc.ini" --reps 2500 --seed 11 --threads $t --json >"$tmp/t$t.json"
        check "$sc: JSON with $t threads is byte-identical to 1 thread" cmp -s "$tmp/t1.json" "$tmp/t$t.json"
    done
done
"$sim" run "$dir/aid-gap.ini" --reps 2500 --seed 12 --threads 1 --json >"$tmp/s12.json"
check "a different seed gives a different JSON" bash -c "! cmp -s '$tmp/t1.json' '$tmp/s12.json'"

# --- reproducibility over MPI ranks -------------------------------------------
if [ -n "$mpi" ] && command -v mpirun >/dev/null 2>&1; then
    root=()
    [ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
    "$sim" run "$dir/aid-gap.ini" --reps 2500 --seed 11 --threads 1 --json >"$tmp/ref.json"
    for np in 1 2 3; do
        OMPI_MCA_rmaps_base_oversubscribe=1 mpirun "${root[@]}" --oversubscribe -np $np \
            "$mpi" run "$dir/aid-gap.ini" --reps 2500 --seed 11 --json >"$tmp/mpi$np.json" 2>"$tmp/mpi$np.err"
        check "shellsim-mpi with $np ranks: JSON byte-identical to shellsim" cmp -s "$tmp/ref.json" "$tmp/mpi$np.json"
    done
    OMPI_MCA_rmaps_base_oversubscribe=1 mpirun "${root[@]}" --oversubscribe -np 2 \
        "$mpi" run "$dir/aid-gap.ini" --reps 2500 --seed 11 --threads 3 --json >"$tmp/mpi2t3.json" 2>/dev/null
    check "shellsim-mpi with 2 ranks of 3 threads: byte-identical" cmp -s "$tmp/ref.json" "$tmp/mpi2t3.json"
    OMPI_MCA_rmaps_base_oversubscribe=1 mpirun "${root[@]}" --oversubscribe -np 2 \
        "$mpi" run -n 2500 -s 11 -j -- "$dir/aid-gap.ini" >"$tmp/mpi2short.json" 2>/dev/null
    check "shellsim-mpi takes the short forms and --: byte-identical" cmp -s "$tmp/ref.json" "$tmp/mpi2short.json"
    "$sim" run "$dir/aid-gap.ini" --reps 2500 --seed 11 --threads 1 --keep-paths 4 --json >"$tmp/kp-ref.json"
    OMPI_MCA_rmaps_base_oversubscribe=1 mpirun "${root[@]}" --oversubscribe -np 3 \
        "$mpi" run "$dir/aid-gap.ini" --reps 2500 --seed 11 --keep-paths 4 --json >"$tmp/kp-mpi3.json" 2>/dev/null
    check "shellsim-mpi --keep-paths with 3 ranks: byte-identical" cmp -s "$tmp/kp-ref.json" "$tmp/kp-mpi3.json"
    "$sim" run "$dir/aid-gap.ini" --reps 20 --seed 11 --threads 1 --keep-paths 11 --json >"$tmp/kp11-ref.json"
    OMPI_MCA_rmaps_base_oversubscribe=1 mpirun "${root[@]}" --oversubscribe -np 2 \
        "$mpi" run "$dir/aid-gap.ini" --reps 20 --seed 11 --keep-paths 11 --json >"$tmp/kp11-mpi2.json" 2>/dev/null
    check "shellsim-mpi --keep-paths above replications / ranks: byte-identical (the paths are rank 0's)" \
        cmp -s "$tmp/kp11-ref.json" "$tmp/kp11-mpi2.json"
else
    echo "# shellsim-mpi not built or mpirun missing: MPI checks skipped"
fi

# --- the contract ----------------------------------------------------------
check "run --json prints one JSON object with the contract's keys" bash -c \
    "'$sim' run '$dir/seed-1m.ini' --reps 20 --json | /usr/bin/env python3 -c '
import json, sys
j = json.load(sys.stdin)
assert list(j) == [\"scenario\", \"replications\", \"seed\", \"horizon_days\", \"sides\", \"metrics\", \"series\"], list(j)
assert j[\"sides\"] == {\"russia\": {\"policy\": \"spread\", \"pipelines\": [\"nk\"]}}, j[\"sides\"]
assert j[\"replications\"] == 20 and j[\"seed\"] == 1 and j[\"horizon_days\"] == 365
m = j[\"metrics\"][\"russia.extra_per_day\"]
assert set(m) == {\"n\",\"mean\",\"sd\",\"sem\",\"ci95\",\"min\",\"p05\",\"p25\",\"p50\",\"p75\",\"p95\",\"max\"}, set(m)
assert abs(m[\"mean\"] - 1e6 / 365) < 1e-9
assert set(j[\"series\"][\"russia.extra\"]) == {\"mean\",\"p05\",\"p25\",\"p50\",\"p75\",\"p95\"}
assert all(len(v) == 365 for v in j[\"series\"][\"russia.extra\"].values())
'"
check "exit 0 for a good run" status_is 0 "$sim" run "$dir/seed-1m.ini" --reps 5
check "the table heads with scenario, replications, seed" bash -c "grep -q '^scenario *seed-1m' '$tmp/out' && grep -q '^replications *5' '$tmp/out' && grep -q '^seed *1' '$tmp/out'"
check "nothing but the JSON on stdout" bash -c "'$sim' run '$dir/seed-1m.ini' --reps 5 --json 2>/dev/null | python3 -c 'import json,sys; json.loads(sys.stdin.read())'"
check "exit 2 for an unknown option" status_is 2 "$sim" run "$dir/seed-1m.ini" --bogus
check "exit 2 for --reps 0" status_is 2 "$sim" run "$dir/seed-1m.ini" --reps 0
check "exit 2 for --reps abc" status_is 2 "$sim" run "$dir/seed-1m.ini" --reps abc
check "exit 2 for --threads -1" status_is 2 "$sim" run "$dir/seed-1m.ini" --threads -1
check "exit 2 for a missing scenario argument" status_is 2 "$sim" run
check "exit 2 for an unknown command" status_is 2 "$sim" frobnicate x
check "exit 2 for an unknown series" status_is 2 "$sim" run "$dir/seed-1m.ini" --series nope.x
printf '[scenario]\nhorizon_days = 30\n[side a]\n[pipeline p]\nto = a\nsupplier_stock = 10\ninterval_days = 1\ncontainers = normal(1, 1)\nshells_per_container = 1\ntransit_days = 1\n' >"$tmp/bad.ini"
check "exit 3 for a bad scenario" status_is 3 "$sim" run "$tmp/bad.ini"
check "the message names file:line, section and key" grep -q "bad.ini:8: \[pipeline p\] containers:" "$tmp/err"
check "nothing on stdout for a bad scenario" bash -c "[ ! -s '$tmp/out' ]"
check "check: exit 3 for a bad scenario" status_is 3 "$sim" check "$tmp/bad.ini"
check "check: exit 0 for a good one" status_is 0 "$sim" check "$dir/najin-dunay.ini"
check "exit 1 for an unreadable file" status_is 1 "$sim" run "$tmp/does-not-exist.ini"
printf '[scenario]\nhorizon_days = 5\n[side a]\n[pipeline p]\nto = a\nsupplier_stock = 10\ninterval_days = 1e-9\ncontainers = 1\nshells_per_container = 1\ntransit_days = 1\n' >"$tmp/storm.ini"
check "exit 1 for a model limit (departure cap), naming the pipeline" bash -c \
    "'$sim' run '$tmp/storm.ini' --reps 3 2>&1 >/dev/null | grep -q 'pipeline p.*departures'; [ \${PIPESTATUS[0]} = 1 ]"
for c in "--help" "run --help" "check --help"; do
    check "shellsim $c exits 0 and prints usage" bash -c "'$sim' $c | grep -q '^usage:'"
done
# --- the option table: short forms, --, options per command ------------------
same() { # same DESCRIPTION "LONG ARGS" "SHORT ARGS": same stdout, stderr and status
    local d=$1
    eval "\"\$sim\" $2" >"$tmp/long.out" 2>"$tmp/long.err"
    local a=$?
    eval "\"\$sim\" $3" >"$tmp/short.out" 2>"$tmp/short.err"
    local b=$?
    if [ $a = $b ] && cmp -s "$tmp/long.out" "$tmp/short.out" && cmp -s "$tmp/long.err" "$tmp/short.err" &&
        [ -s "$tmp/long.out" ]; then ok "$d"; else not_ok "$d"; fi
}
same "run: -n -s -t -j give the output of --reps --seed --threads --json" \
    "run '$dir/aid-gap.ini' --reps 300 --seed 5 --threads 2 --json" "run '$dir/aid-gap.ini' -n 300 -s 5 -t 2 -j"
same "run: short forms clustered and with attached values (-jn300 -s5 -t2)" \
    "run '$dir/aid-gap.ini' --reps=300 --seed=5 --threads=2 --json" "run -jn300 -s5 -t2 '$dir/aid-gap.ini'"
same "run: -n and -s give the table of --reps and --seed" \
    "run '$dir/seed-1m.ini' --reps 40 --seed 2" "run '$dir/seed-1m.ini' -n 40 -s 2"
same "compare: -n -s -t -j give the output of the long forms" \
    "compare '$dir/aid-gap.ini' '$dir/aid-gap-no-nk.ini' --reps 200 --seed 4 --threads 2 --json" \
    "compare -n 200 '$dir/aid-gap.ini' -s 4 '$dir/aid-gap-no-nk.ini' -t 2 -j"
same "sensitivity: -s -t -j give the output of the long forms" \
    "sensitivity '$dir/aid-gap.ini' --metric russia.extra_per_day --samples 16 --bootstrap 5 --seed 3 --threads 2 --json" \
    "sensitivity '$dir/aid-gap.ini' --metric russia.extra_per_day --samples 16 --bootstrap 5 -s 3 -t 2 -j"
same "infer: -s -t -j give the output of the long forms" \
    "infer '$dir/inference-najin.ini' '$dir/inference-najin.obs' --accept 20 --seed 6 --threads 2 --json" \
    "infer '$dir/inference-najin.ini' '$dir/inference-najin.obs' --accept 20 -s 6 -t 2 -j"
mkdir "$tmp/dash"
cp "$dir/seed-1m.ini" "$tmp/dash/-x.ini"
check "-- lets check read a scenario named -x.ini" bash -c "cd '$tmp/dash' && '$sim' check -- -x.ini | grep -q '^-x.ini: ok'"
check "-- lets run read a scenario named -x.ini, options before it" bash -c \
    "cd '$tmp/dash' && cmp -s <('$sim' run -n 20 --json -- -x.ini) <('$sim' run '$dir/seed-1m.ini' --reps 20 --json)"
check "without --, -x.ini is an unknown option" bash -c "cd '$tmp/dash' && '$sim' check -x.ini 2>&1 >/dev/null |
    grep -qx \"shellsim: unknown option '-x.ini' (try shellsim check --help)\"; [ \${PIPESTATUS[0]} = 2 ]"
check "after --, --help is a file name, not the help" status_is 1 "$sim" check -- --help
for c in "check '$dir/seed-1m.ini' --seed 3" \
    "check '$dir/seed-1m.ini' -n 5" \
    "infer '$dir/inference-najin.ini' '$dir/inference-najin.obs' --reps 5" \
    "compare '$dir/aid-gap.ini' '$dir/aid-gap.ini' --metric x" \
    "sensitivity '$dir/aid-gap.ini' --metric x -n 5" \
    "run '$dir/seed-1m.ini' --samples 4"; do
    check "an option the command does not take is refused with status 2: $c" bash -c \
        "'$sim' $c >'$tmp/out' 2>'$tmp/err'; [ \$? = 2 ] && grep -q 'unknown option' '$tmp/err' && [ ! -s '$tmp/out' ]"
done
check "an abbreviated long option is refused (--rep)" bash -c \
    "'$sim' run '$dir/seed-1m.ini' --rep 5 2>&1 >/dev/null | grep -qx \"shellsim: unknown option '--rep' for run (try shellsim run --help)\""
check "a missing value names the option" bash -c \
    "'$sim' compare '$dir/aid-gap.ini' '$dir/aid-gap.ini' -s 2>&1 >/dev/null | grep -qx 'shellsim: compare: -s needs a value'"
for c in infer compare sensitivity; do
    check "shellsim $c --help exits 0 and prints usage" bash -c "'$sim' $c --help | grep -q '^usage: shellsim $c '"
done
for c in run check infer compare sensitivity; do
    check "shellsim $c -h prints the usage of $c --help" bash -c "cmp -s <('$sim' $c -h) <('$sim' $c x --help)"
    check "shellsim help $c prints the usage of $c --help" bash -c "cmp -s <('$sim' help $c) <('$sim' $c --help)"
done
check "shellsim help of an unknown command exits 2 and lists the commands" bash -c \
    "'$sim' help nope 2>&1 >/dev/null | grep -q \"help: unknown command 'nope' (run, check\"; [ \${PIPESTATUS[0]} = 2 ]"

# '-' reads standard input, once
check "check - reads the scenario from standard input" bash -c \
    "'$sim' check - < '$dir/aid-gap.ini' | grep -qx '<stdin>: ok (aid-gap, 519 days)'"
check "run - gives the bits of run FILE" bash -c \
    "cmp -s <('$sim' run - -n 300 --json < '$dir/seed-1m.ini') <('$sim' run '$dir/seed-1m.ini' -n 300 --json)"
check "a bad scenario on standard input is named <stdin> and exits 3" bash -c \
    "printf '[scenario]\\nhorizon_days = 0\\n' | '$sim' check - 2>&1 >/dev/null | grep -q '^shellsim: <stdin>:2: '; [ \${PIPESTATUS[1]} = 3 ]"
check "standard input twice is refused with exit 2" bash -c \
    "'$sim' compare - - < '$dir/seed-1m.ini' 2>&1 >/dev/null | grep -q \"can be read only once\"; [ \${PIPESTATUS[0]} = 2 ]"
check "infer reads its observations from standard input" bash -c \
    "cmp -s <('$sim' infer '$dir/inference-najin.ini' - --accept 50 --json < '$dir/inference-najin.obs') <('$sim' infer '$dir/inference-najin.ini' '$dir/inference-najin.obs' --accept 50 --json)"

check "--until-ci runs past 10,000 replications to the precision asked when --reps is not given" bash -c \
    "'$sim' run '$dir/najin-dunay.ini' --until-ci russia.extra_per_day=15 --series none --json 2>/dev/null | python3 -c 'import json,sys; n = json.load(sys.stdin)[\"replications\"]; assert 10000 < n < 100000, n'"
check "--until-ci stops at --reps when it is given" bash -c \
    "'$sim' run '$dir/najin-dunay.ini' --until-ci russia.extra_per_day=15 --reps 5000 --series none --json 2>/dev/null | python3 -c 'import json,sys; assert json.load(sys.stdin)[\"replications\"] == 5000'"
check "--series none leaves out every series" bash -c \
    "'$sim' run '$dir/seed-1m.ini' --reps 5 --series none --json | python3 -c 'import json,sys; assert json.load(sys.stdin)[\"series\"] == {}'"
check "--series NAME keeps just that one" bash -c \
    "'$sim' run '$dir/seed-1m.ini' --reps 5 --series russia.extra --json | python3 -c 'import json,sys; assert list(json.load(sys.stdin)[\"series\"]) == [\"russia.extra\"]'"
check "--series leaves metrics unchanged" bash -c \
    "diff <('$sim' run '$dir/aid-gap.ini' --reps 300 --series none --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"metrics\"])') <('$sim' run '$dir/aid-gap.ini' --reps 300 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"metrics\"])')"

# --- --plot's temporary file: in $TMPDIR when set and not empty, else /tmp --
# A stand-in plotter (SHELLSIM_PLOT) writes the folder of the JSON it was
# handed, and whether that file is JSON with "sides", into the "PNG".
cat >"$tmp/spy.py" <<'SPY'
import json, os, sys
with open(sys.argv[1]) as f:
    ok = "sides" in json.load(f)
with open(sys.argv[2], "w") as f:
    f.write("%s %s\n" % (os.path.dirname(sys.argv[1]), ok))
SPY
mkdir -p "$tmp/tmpdir"
plot_dir_is() { # plot_dir_is TMPDIR-VALUE|- WANT: the plotter got the JSON in that folder
    local run=(env -u TMPDIR)
    if [ "$1" != - ]; then run+=(TMPDIR="$1"); fi
    run+=(SHELLSIM_PYTHON=python3 SHELLSIM_PLOT="$tmp/spy.py")
    rm -f "$tmp/spy.out"
    "${run[@]}" "$sim" run "$dir/seed-1m.ini" --reps 5 --series none --plot "$tmp/spy.out" >/dev/null 2>&1 &&
        [ "$(cat "$tmp/spy.out")" = "$2" ]
}
check "--plot writes its JSON (with sides) in \$TMPDIR" plot_dir_is "$tmp/tmpdir" "$tmp/tmpdir True"
check "--plot takes \$TMPDIR with a trailing slash" plot_dir_is "$tmp/tmpdir/" "$tmp/tmpdir True"
check "--plot writes in /tmp without TMPDIR" plot_dir_is - "/tmp True"
check "--plot writes in /tmp when TMPDIR is empty" plot_dir_is "" "/tmp True"
check "--plot leaves no temporary file behind" bash -c "[ -z \"\$(ls '$tmp/tmpdir')\" ]"
check "--plot with a TMPDIR that does not exist: exit 1, the message names it" bash -c \
    "TMPDIR='$tmp/nope' '$sim' run '$dir/seed-1m.ini' --reps 5 --series none --plot '$tmp/x.png' >/dev/null 2>'$tmp/err'; [ \$? = 1 ] && grep -q 'temporary file in $tmp/nope' '$tmp/err'"

# --- --set SECTION.KEY=DIST: the run of the edited file, bit for bit -----------
mkdir -p "$tmp/set"
sed -e 's/^loss_rate = .*/loss_rate = pert(0.1, 0.2, 0.3)/' \
    -e '/^active@2024-04-01 = 1/a active@2024-04-24 = bernoulli(0.7)' \
    -e 's/^production_per_day = pert(1000, 3000, 6000)/production_per_day = 2500/' \
    "$dir/najin-dunay.ini" >"$tmp/set/najin-dunay.ini"
sed -e 's/^loss_rate = .*/loss_rate = 0.3/' "$dir/inference-najin.ini" >"$tmp/set/inference-najin.ini"
sets="--set 'nk.loss_rate=pert(0.1, 0.2, 0.3)' --set 'nk.active@2024-04-24=bernoulli(0.7)' --set nk.production_per_day=2500"
same "run --set: JSON byte-identical to the edited file's (a key set, a dated key added)" \
    "run '$dir/najin-dunay.ini' $sets --reps 2000 --seed 3 --json" "run '$tmp/set/najin-dunay.ini' --reps 2000 --seed 3 --json"
cp "$tmp/long.out" "$tmp/set.json"
same "compare --set: applied to A and B, the comparison of the edited files" \
    "compare '$dir/najin-dunay.ini' '$dir/najin-dunay.ini' $sets --reps 300 --json" \
    "compare '$tmp/set/najin-dunay.ini' '$tmp/set/najin-dunay.ini' --reps 300 --json"
same "sensitivity --set: the analysis of the edited file" \
    "sensitivity '$dir/najin-dunay.ini' $sets --metric nk.delivered --samples 8 --bootstrap 3 --json" \
    "sensitivity '$tmp/set/najin-dunay.ini' --metric nk.delivered --samples 8 --bootstrap 3 --json"
same "infer --set: the inference of the edited file" \
    "infer '$dir/inference-najin.ini' '$dir/inference-najin.obs' --set nk.loss_rate=0.3 --accept 5 --json" \
    "infer '$tmp/set/inference-najin.ini' '$dir/inference-najin.obs' --accept 5 --json"
check "run --set changes the run" bash -c "! '$sim' run '$dir/najin-dunay.ini' --reps 2000 --seed 3 --json | cmp -s - '$tmp/set.json'"
check "check --set: ok" status_is 0 "$sim" check "$dir/najin-dunay.ini" --set nk.loss_rate=0.3
check "a bad --set exits 3" status_is 3 "$sim" run "$dir/najin-dunay.ini" --set 'nk.loss_rate=uniform(0, 2)'
check "its message names the --set, not a file line" grep -qxF \
    "shellsim: --set nk.loss_rate=uniform(0, 2): [pipeline nk] loss_rate: uniform takes values in [0, 2], outside the key's range [0, 1]" \
    "$tmp/err"
check "nothing on stdout for a bad --set" bash -c "[ ! -s '$tmp/out' ]"
check "--set of an unknown section exits 3, naming it" bash -c \
    "'$sim' check '$dir/najin-dunay.ini' --set xx.loss_rate=0.1 2>&1 >/dev/null | grep -q \"^shellsim: --set xx.loss_rate=0.1: .* no side or pipeline named 'xx'\"; [ \${PIPESTATUS[0]} = 3 ]"
check "--set of an unknown key exits 3 with the loader's list" bash -c \
    "'$sim' check '$dir/najin-dunay.ini' --set nk.speed=1 2>&1 >/dev/null | grep -q '^shellsim: --set nk.speed=1: \[pipeline nk\] speed: unknown key (to, '; [ \${PIPESTATUS[0]} = 3 ]"
check "--set without '=' is a usage error (exit 2)" status_is 2 "$sim" run "$dir/najin-dunay.ini" --set nk.loss_rate
check "a file line made wrong by --set is named with its line" bash -c \
    "'$sim' check '$dir/najin-dunay.ini' --set scenario.horizon_days=100 2>&1 | grep -q 'najin-dunay.ini:89: \[side russia\] base_fire_per_day@2024-01-01: day 153 is outside'"

# --- kept paths ---------------------------------------------------------------
"$sim" run "$dir/najin-dunay.ini" --reps 800 --seed 5 --threads 1 --json >"$tmp/kp0.json"
"$sim" run "$dir/najin-dunay.ini" --reps 800 --seed 5 --threads 1 --keep-paths 3 --json >"$tmp/kp1.json"
"$sim" run "$dir/najin-dunay.ini" --reps 800 --seed 5 --threads 3 --keep-paths 3 --json >"$tmp/kp3.json"
check "--keep-paths: the JSON is that of the run, then \"paths\"" bash -c \
    "head -c \$((\$(stat -c %s '$tmp/kp0.json') - 2)) '$tmp/kp0.json' | cmp -s - <(head -c \$((\$(stat -c %s '$tmp/kp0.json') - 2)) '$tmp/kp1.json') &&
     python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d[\"paths\"]; assert set(p) == set(d[\"series\"]) and all(len(v) == 3 and len(v[0]) == 519 for v in p.values())' '$tmp/kp1.json'"
check "--keep-paths: byte-identical for 1 and 3 threads" cmp -s "$tmp/kp1.json" "$tmp/kp3.json"
check "--keep-paths above 10000: exit 2" status_is 2 "$sim" run "$dir/seed-1m.ini" --reps 5 --keep-paths 10001

echo "1..$n"
[ "$fails" = 0 ]
