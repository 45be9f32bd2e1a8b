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

tap_end
