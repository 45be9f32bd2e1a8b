#!/usr/bin/env bash
# compare --set-a / --set-b: overrides of one side only. A compare of a file
# with itself under --set-b KEY=V is, byte for byte, the compare of the file
# with the file edited to say KEY = V (and --set-a the same for A); --set,
# --set-a and --set-b apply in the order given; a bad override names its
# option, with exit status 3; the other commands refuse them.
#   tests/cli_compare_set.sh SHELLSIM SCENARIO_DIR
# Prints TAP.
set -u
sim=$1
dir=$2
. "$(dirname "$0")/tap.sh" # $tmp, check, tap_end
f=$dir/najin-dunay.ini
# The file edited: [pipeline nk]'s loss_rate line set to $1 (it is the only
# loss_rate line of the file).
edited() { sed "s/^loss_rate = .*/loss_rate = $1/" "$f"; }
edited 0.3 >"$tmp/b.ini"
edited 0.1 >"$tmp/a.ini"
run() { "$sim" compare "$@" --reps 2000 --seed 7 --json; }
same() { # same FILE1 FILE2: identical and not empty
    [[ -s $1 ]] && cmp -s "$1" "$2"
}

check "the edited file differs from the file in the loss_rate line alone" \
    bash -c '[[ $(diff "$0" "$1" | grep -c "^[<>]") == 2 ]]' "$f" "$tmp/b.ini"
run "$f" "$tmp/b.ini" >"$tmp/want_b.json"
run "$f" "$f" --set-b nk.loss_rate=0.3 >"$tmp/got_b.json"
check "compare F F --set-b KEY=V is compare F EDITED, byte for byte" same "$tmp/want_b.json" "$tmp/got_b.json"
run "$tmp/b.ini" "$f" >"$tmp/want_a.json"
run "$f" "$f" --set-a nk.loss_rate=0.3 >"$tmp/got_a.json"
check "compare F F --set-a KEY=V is compare EDITED F, byte for byte" same "$tmp/want_a.json" "$tmp/got_a.json"
check "the what-if changes the answer (B is not A)" bash -c '! cmp -s "$0" "$1"' "$tmp/want_a.json" "$tmp/want_b.json"
run "$tmp/a.ini" "$tmp/b.ini" >"$tmp/want_ab.json"
run "$f" "$f" --set-b nk.loss_rate=0.3 --set nk.loss_rate=0.1 --set-b nk.loss_rate=0.3 >"$tmp/got_ab.json"
check "--set then --set-b apply in the order given" same "$tmp/want_ab.json" "$tmp/got_ab.json"
run "$f" "$f" --set-a nk.loss_rate=0.1 --set-b nk.loss_rate=0.3 >"$tmp/got_ab2.json"
check "--set-a and --set-b together: compare of the two edited files" same "$tmp/want_ab.json" "$tmp/got_ab2.json"
"$sim" compare "$f" "$f" --set-b nk.loss_rate=0.3 --reps 2000 --seed 7 --format csv >"$tmp/got_b.csv"
"$sim" compare "$f" "$tmp/b.ini" --reps 2000 --seed 7 --format csv >"$tmp/want_b.csv"
check "the CSV too" same "$tmp/want_b.csv" "$tmp/got_b.csv"

"$sim" compare "$f" "$f" --set-b nk.loss_rat=0.3 --reps 5 2>"$tmp/err"
rc=$?
check "a bad --set-b exits 3" test "$rc" = 3
check "and its message names --set-b and the key" grep -q -- "--set-b nk.loss_rat=0.3: \[pipeline nk\] loss_rat: unknown key" "$tmp/err"
"$sim" compare "$f" "$f" --set-a nk.loss_rate=2 --reps 5 2>"$tmp/err"
rc=$?
check "a value out of range in --set-a exits 3, naming --set-a" \
    bash -c '[[ $0 == 3 ]] && grep -q -- "--set-a nk.loss_rate=2: " "$1"' "$rc" "$tmp/err"
"$sim" compare "$f" "$f" --set-b loss_rate --reps 5 2>"$tmp/err"
rc=$?
check "--set-b without '=' is a bad command line (2)" \
    bash -c '[[ $0 == 2 ]] && grep -q "is not SECTION.KEY=DIST" "$1"' "$rc" "$tmp/err"
for cmd in run check sensitivity sweep; do
    "$sim" "$cmd" "$f" --set-b nk.loss_rate=0.3 >/dev/null 2>&1
    rc=$?
    check "$cmd refuses --set-b (2)" test "$rc" = 2
done
check "compare --help names --set-a and --set-b" \
    bash -c '"$0" compare --help | grep -q -- "--set-a SECTION.KEY=DIST, --set-b SECTION.KEY=DIST"' "$sim"

tap_end
