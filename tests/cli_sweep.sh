#!/usr/bin/env bash
# `shellsim sweep` from outside: point k of the JSON is, object for object,
# the metric of `shellsim run --set KEY=V_k --json` (the same replications
# and seed); the CSV and the table hold the same numbers; the threads and
# (when given) MPI ranks change no byte; bad grids, keys, values and metrics
# are refused with a message naming the option and the right exit status.
#   tests/cli_sweep.sh SHELLSIM SCENARIO_DIR [SHELLSIM_MPI]
# Prints TAP.
set -u
sim=$1
dir=$(cd "$2" && pwd)
mpi=${3:-}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
. "$(dirname "$0")/tap.sh" # $tmp, ok, not_ok, check, tap_end
# refused DESCRIPTION STATUS WORDS ARGS...: exits STATUS, stderr has WORDS, stdout nothing
refused() {
    local d=$1 want=$2 words=$3
    shift 3
    "$sim" sweep "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    if [ "$got" = "$want" ] && grep -qF -- "$words" "$tmp/err" && [ ! -s "$tmp/out" ]; then
        ok "$d"
    else
        not_ok "$d (status $got, want $want; stderr: $(head -c 300 "$tmp/err"))"
    fi
}

sc=$dir/najin-dunay.ini
args=(--reps 600 --seed 5 --threads 2)

# --- points are single runs ---------------------------------------------------
"$sim" sweep "$sc" --param nk.stop_day=100:300:100 --metric russia.fire_per_day --metric nk.delivered \
    "${args[@]}" --json >"$tmp/sweep.json"
for k in 0 1 2; do
    v=$((100 + 100 * k))
    "$sim" run "$sc" --set nk.stop_day=$v "${args[@]}" --series none --json >"$tmp/run$k.json"
    check "point $k (nk.stop_day=$v) equals run --set nk.stop_day=$v, metric by metric" \
        "$py" -c '
import json, sys
sw, run, k = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
p = sw["points"][k]
assert p["values"] == {"nk.stop_day": 100 + 100 * k}, p["values"]
for m in ("russia.fire_per_day", "nk.delivered"):
    assert p["metrics"][m] == run["metrics"][m], (m, p["metrics"][m], run["metrics"][m])
' "$tmp/sweep.json" "$tmp/run$k.json" $k
done
check "the JSON says what was swept, and the steps chain the points" "$py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "sweep" and d["replications"] == 600 and d["seed"] == 5
assert d["parameters"] == ["nk.stop_day"] and d["grid"] == {"nk.stop_day": [100, 200, 300]}
assert d["metrics"] == ["russia.fire_per_day", "nk.delivered"]
assert d["points"][0]["steps"] == {}
for k in (1, 2):
    s = d["points"][k]["steps"]["nk.stop_day"]
    assert s["from"] == k - 1
    st = s["metrics"]["nk.delivered"]
    assert st["min"] >= 0, "delivered cannot fall when the pipeline stops later"
    assert st["ci95"][0] <= st["mean"] <= st["ci95"][1]
' "$tmp/sweep.json"
{ sed 's/^\[pipeline nk\]$/[pipeline nk]\nstop_day = 100/' "$sc" >"$tmp/a.ini"; }
{ sed 's/^\[pipeline nk\]$/[pipeline nk]\nstop_day = 200/' "$sc" >"$tmp/b.ini"; }
"$sim" compare "$tmp/a.ini" "$tmp/b.ini" "${args[@]}" --json >"$tmp/cmp.json"
check "the step into point 1 is compare's paired difference of points 0 and 1" "$py" -c '
import json, sys
sw, c = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for m in ("russia.fire_per_day", "nk.delivered"):
    assert sw["points"][1]["steps"]["nk.stop_day"]["metrics"][m] == c["metrics"][m]["diff"], m
' "$tmp/sweep.json" "$tmp/cmp.json"

# --- the other outputs ----------------------------------------------------------
"$sim" sweep "$sc" --param nk.stop_day=100:300:100 --metric russia.fire_per_day --metric nk.delivered \
    "${args[@]}" --format csv >"$tmp/sweep.csv"
check "the CSV has a row per point and metric with the JSON's numbers" "$py" -c '
import csv, json, sys
d = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == 6, len(rows)
for i, r in enumerate(rows):
    p, m = d["points"][i // 2], d["metrics"][i % 2]
    assert float(r["nk.stop_day"]) == p["values"]["nk.stop_day"] and r["metric"] == m
    assert float(r["mean"]) == p["metrics"][m]["mean"] and float(r["ci95_hi"]) == p["metrics"][m]["ci95"][1]
    if i < 2:
        assert r["step_mean(nk.stop_day)"] == ""
    else:
        assert float(r["step_mean(nk.stop_day)"]) == p["steps"]["nk.stop_day"]["metrics"][m]["mean"]
' "$tmp/sweep.json" "$tmp/sweep.csv"
"$sim" sweep "$sc" --param nk.stop_day=100:300:100 --metric nk.delivered "${args[@]}" >"$tmp/table"
check "the table names the parameter and has a row per point" \
    bash -c "grep -q 'parameter     nk.stop_day, 3 values' '$tmp/table' && [ \$(grep -cE '^ +(100|200|300) ' '$tmp/table') = 3 ]"
"$sim" sweep "$sc" --param nk.stop_day=100:300:100 --metric russia.fire_per_day --metric nk.delivered \
    --reps 600 --seed 5 --threads 1 --json >"$tmp/t1.json"
check "one thread gives the same bytes as two" cmp -s "$tmp/sweep.json" "$tmp/t1.json"
"$sim" sweep "$sc" --param nk.stop_day=150,250 --param nk.loss_rate=0.1:0.3:0.1 --metric nk.delivered \
    "${args[@]}" --json >"$tmp/2d.json"
"$sim" run "$sc" --set nk.stop_day=250 --set nk.loss_rate=0.2 "${args[@]}" --series none --json >"$tmp/r2d.json"
check "a 2-D point (second parameter fastest) equals run with both --set" "$py" -c '
import json, sys
d, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert len(d["points"]) == 6 and d["grid"]["nk.loss_rate"] == [0.1, 0.2, 0.3]
p = d["points"][4]
assert p["values"] == {"nk.stop_day": 250, "nk.loss_rate": 0.2}
assert p["metrics"]["nk.delivered"] == r["metrics"]["nk.delivered"]
assert set(p["steps"]) == {"nk.stop_day", "nk.loss_rate"}
assert p["steps"]["nk.stop_day"]["from"] == 1 and p["steps"]["nk.loss_rate"]["from"] == 3
assert p["steps"]["nk.loss_rate"]["metrics"]["nk.delivered"]["max"] <= 0, "more losses deliver less"
' "$tmp/2d.json" "$tmp/r2d.json"
"$sim" help sweep >"$tmp/help"
check "help sweep prints the sweep's usage" grep -q "sweep SCENARIO --param SECTION.KEY=GRID" "$tmp/help"

if [ -n "$mpi" ] && command -v mpirun >/dev/null 2>&1; then
    root=()
    [ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
    OMPI_MCA_rmaps_base_oversubscribe=1 mpirun "${root[@]}" --oversubscribe -np 2 "$mpi" sweep "$sc" \
        --param nk.stop_day=100:300:100 --metric russia.fire_per_day --metric nk.delivered "${args[@]}" --json \
        >"$tmp/mpi.json" 2>"$tmp/mpi.err"
    check "shellsim-mpi with 2 ranks: the same bytes" cmp -s "$tmp/sweep.json" "$tmp/mpi.json"
    check "shellsim-mpi no longer says the sweep runs on rank 0 alone" sh -c '! grep -q "rank 0 alone" "$1"' _ "$tmp/mpi.err"
fi

# --- errors -------------------------------------------------------------------------
refused "no --param" 2 "needs --param" "$sc"
refused "STEP 0" 2 "--param nk.stop_day=100:300:0: grid '100:300:0': STEP must be > 0" "$sc" --param nk.stop_day=100:300:0
refused "LO > HI" 2 "LO must be <= HI" "$sc" --param nk.stop_day=300:100:10
refused "more than 1000 values" 2 "more than 1000 values" "$sc" --param nk.stop_day=0:2000:1
refused "more than 1000 points over two axes" 2 "more than 1000" "$sc" --param nk.stop_day=1:50:1 \
    --param nk.first_day=1:30:1
refused "a malformed list" 2 "not a list of finite numbers" "$sc" --param nk.stop_day=1,,2
refused "no KEY=" 2 "is not SECTION.KEY=GRID" "$sc" --param 100:200:10
refused "three parameters" 2 "at most 2 parameters" "$sc" --param nk.stop_day=1 --param nk.first_day=1 \
    --param nk.loss_rate=0.1
refused "one key twice" 2 "given twice" "$sc" --param nk.stop_day=1 --param nk.stop_day=2
refused "a value outside the key's range names the --param" 3 \
    "--param nk.loss_rate=0.5:1.5:0.5: override nk.loss_rate=1.5: [pipeline nk] loss_rate" \
    "$sc" --param nk.loss_rate=0.5:1.5:0.5 --reps 10
refused "a key that cannot be set" 3 "--param zz.stop_day=1,2: override zz.stop_day=1" "$sc" \
    --param zz.stop_day=1,2 --reps 10
refused "a model limit names the point" 1 "sweep point nk.interval_days=1e-07: replication 0" "$sc" \
    --param nk.interval_days=5,0.0000001 --metric nk.shipped --reps 10
refused "an unknown metric" 2 "no metric 'nk.nothing'" "$sc" --param nk.stop_day=100,200 --metric nk.nothing \
    --reps 10
refused "a bad --format" 2 "--format: 'xml' is not a format (table, json or csv)" "$sc" --param nk.stop_day=1 --format xml
refused "an option of another command" 2 "unknown option '--samples'" "$sc" --param nk.stop_day=1 --samples 4

tap_end
