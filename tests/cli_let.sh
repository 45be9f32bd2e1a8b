#!/usr/bin/env bash
# The [let] variables from the command line (docs/model.md, "Shared
# unknowns"): byte-identical JSON for 1, 2 and 3 threads; a load error
# names the file, the line, the key and the variable, with exit status 3;
# --set let.NAME is the edited file; sensitivity varies let.NAME and leaves
# out the keys that name it.
#   tests/cli_let.sh SHELLSIM
# Prints TAP.
set -u
sim=$1
. "$(dirname "$0")/tap.sh" # $tmp, check, tap_end
scenario() { # scenario PACE: a two-route file whose pace and dud rate are variables
    cat <<EOT
[scenario]
name = let-cli
horizon_days = 120

[let]
pace = $1
duds = pert(0.05, 0.2, 0.5)

[side r]
base_fire_per_day = 100

[pipeline a]
to = r
supplier_stock = range90(1e5, 1e6)
interval_days = gamma(2, pace)
containers = triangular(5, 10, 20)
shells_per_container = 300
transit_days = uniform(5, 15)
loss_rate = duds

[pipeline b]
to = r
supplier_stock = 1e5
interval_days = 7
containers = 3
shells_per_container = 300
transit_days = 3
loss_rate = duds
EOT
}
scenario "uniform(2, 5)" >"$tmp/let.ini"
scenario "uniform(1, 3)" >"$tmp/edited.ini"
scenario "uniform(-1, 5)" >"$tmp/bad.ini"

"$sim" run "$tmp/let.ini" --reps 3000 --seed 5 --threads 1 --json >"$tmp/t1.json"
for t in 2 3; do
    "$sim" run "$tmp/let.ini" --reps 3000 --seed 5 --threads $t --json >"$tmp/t$t.json"
    check "[let]: JSON with $t threads is byte-identical to 1 thread" cmp -s "$tmp/t1.json" "$tmp/t$t.json"
done

"$sim" check "$tmp/bad.ini" >"$tmp/out" 2>"$tmp/err"
check "a variable that makes a parameter invalid: exit status 3" test $? = 3
check "the message names the file, line, key and variable" \
    grep -q "bad.ini:15: \[pipeline a\] interval_days: gamma(shape, scale) needs shape > 0 and scale > 0: not so for every value of pace in \[-1, 5\]" "$tmp/err"

"$sim" run "$tmp/let.ini" --reps 2000 --seed 5 --json --set "let.pace=uniform(1, 3)" >"$tmp/set.json"
"$sim" run "$tmp/edited.ini" --reps 2000 --seed 5 --json >"$tmp/edited.json"
check "--set let.pace is the edited file, byte for byte" \
    bash -c "sed 's/\"scenario\": \"[^\"]*\"//' '$tmp/set.json' | cmp -s - <(sed 's/\"scenario\": \"[^\"]*\"//' '$tmp/edited.json')"
"$sim" run "$tmp/let.ini" --reps 10 --set "let.nope=3" >"$tmp/out" 2>"$tmp/err"
check "--set of a variable the file lacks: exit status 3" test $? = 3
check "and its message" grep -q "no variable 'nope' in \[let\]" "$tmp/err"

"$sim" sensitivity "$tmp/let.ini" --metric r.extra_fired --samples 64 --bootstrap 10 --json >"$tmp/sa.json" 2>"$tmp/err"
check "sensitivity runs on a [let] file" test -s "$tmp/sa.json"
check "sensitivity varies let.pace and let.duds" bash -c "grep -q '\"let.pace\"' '$tmp/sa.json' && grep -q '\"let.duds\"' '$tmp/sa.json'"
check "and not the keys that name them" bash -c "! grep -q 'a.loss_rate' '$tmp/sa.json'"

# The tornado of --plot shows the variables: a stand-in plotter
# (SHELLSIM_PLOT) writes the parameters of the JSON it is handed, in order,
# with their tornado bars.
cat >"$tmp/spy.py" <<'SPY'
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
with open(sys.argv[2], "w") as f:
    for name, p in d["parameters"].items():
        f.write("%s %d\n" % (name, len(p["tornado"])))
SPY
SHELLSIM_PYTHON=python3 SHELLSIM_PLOT="$tmp/spy.py" "$sim" sensitivity "$tmp/let.ini" --metric r.extra_fired \
    --samples 64 --bootstrap 10 --plot "$tmp/tornado.txt" >/dev/null 2>"$tmp/err"
check "--plot: the tornado's parameters include let.pace and let.duds, each with its bar" \
    bash -c "grep -qx 'let.pace 2' '$tmp/tornado.txt' && grep -qx 'let.duds 2' '$tmp/tornado.txt'"
check "--plot: and not the keys that name them" bash -c "! grep -q '^a.loss_rate\|^a.interval_days' '$tmp/tornado.txt'"
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
    SHELLSIM_PYTHON=/usr/bin/python3 "$sim" sensitivity "$tmp/let.ini" --metric r.extra_fired --samples 64 \
        --bootstrap 10 --plot "$tmp/tornado.png" >/dev/null 2>"$tmp/err"
    check "--plot with the real plotter writes a PNG of a [let] file" \
        bash -c "head -c 8 '$tmp/tornado.png' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
fi

# compare pairs the variables: B differs from A in pipeline b's containers
# only, so pipeline a (its pace and duds variables drawn from the [let]
# streams, the same in both files) is the same in every replication.
sed 's/^containers = 3$/containers = 4/' "$tmp/let.ini" >"$tmp/b.ini"
"$sim" compare "$tmp/let.ini" "$tmp/b.ini" --reps 2000 --seed 5 --json >"$tmp/cmp.json" 2>"$tmp/err"
check "compare of two [let] files: a.delivered differs by exactly 0 in every replication" /usr/bin/python3 -c "
import json, sys
m = json.load(open('$tmp/cmp.json'))['metrics']
d = m['a.delivered']['diff']
sys.exit(not (d['mean'] == 0 and d['sd'] == 0 and d['min'] == 0 and d['max'] == 0
              and m['b.delivered']['diff']['mean'] > 0))"

tap_end
