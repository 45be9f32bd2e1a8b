#!/usr/bin/env bash
# completion.sh SHELLSIM COMPLETION SCENARIO_DIR: the specification of the
# bash completion (completion/shellsim.bash), run on the program SHELLSIM:
# commands, each command's own options, scenario and observation files,
# PNG files after --plot, metric and series names of the scenario on the
# line. Prints TAP.
set -u
sim=$1 completion=$2 scenarios=$3
# shellcheck source=/dev/null
source "$completion"

n=0
fails=0
# completes EXPECTED WORD...: completing the last WORD of "SHELLSIM WORD..."
# offers exactly EXPECTED (space-separated, in any order). With AT=K, the
# K-th WORD is completed instead.
completes() {
    local expected=$1 got
    shift
    COMP_WORDS=("$sim" "$@")
    COMP_CWORD=${AT:-$#}
    COMPREPLY=()
    _shellsim 2>/dev/null
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
    expected=$(printf '%s\n' $expected | sort | tr '\n' ' ')
    n=$((n + 1))
    if [[ $got == "$expected" ]]; then
        echo "ok $n - shellsim $* <TAB> -> $expected"
    else
        echo "not ok $n - shellsim $* <TAB> -> $expected"
        echo "# got: $got"
        fails=$((fails + 1))
    fi
}
# offers WORD OPTION...: completing "--" after COMMAND offers each OPTION.
offers() {
    local command=$1 o missing=
    shift
    COMP_WORDS=("$sim" "$command" --)
    COMP_CWORD=2
    COMPREPLY=()
    _shellsim 2>/dev/null
    for o; do
        [[ " ${COMPREPLY[*]} " == *" $o "* ]] || missing+=" $o"
    done
    n=$((n + 1))
    if [[ -z $missing ]]; then
        echo "ok $n - shellsim $command --<TAB> offers $*"
    else
        echo "not ok $n - shellsim $command --<TAB> offers $*"
        echo "# missing:$missing; got: ${COMPREPLY[*]}"
        fails=$((fails + 1))
    fi
}

commands=$("$sim" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }')
completes "run" ru
completes "$commands help --help --version" ""
completes "sensitivity" help sens
completes "--reps" run --rep
completes "--help" check --h
offers run --reps --seed --threads --json --series --plot --until-ci --exceed --set --help
offers check --set --help
offers sensitivity --metric --samples --bootstrap --plot
offers infer --accept --max-tries --pilot
# Options of other commands are not offered.
completes "" check --re
completes "" run --metr

# Files: a scenario (*.ini, and directories), observations after infer's
# scenario, a PNG after --plot (in a directory of our own).
completes "$scenarios/najin-dunay.ini" run "$scenarios/najin"
completes "$scenarios/inference-najin.ini" check "$scenarios/inference-n"
completes "$scenarios/inference-najin.ini $scenarios/inference-najin.obs" \
    infer "$scenarios/inference-najin.ini" "$scenarios/inference-najin."
# -s takes a value: 5 is no positional argument, so a scenario comes next.
completes "$scenarios/inference-najin.ini" infer -s 5 "$scenarios/inference-n"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shellsim-completion-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/fan.png" "$tmp/fan.txt" "$tmp/fan.ini"
mkdir "$tmp/fandir"
completes "$tmp/fan.png $tmp/fandir" run "$scenarios/najin-dunay.ini" --plot "$tmp/fan"

# Names from the scenario on the line.
completes "russia.extra_per_day" sensitivity "$scenarios/najin-dunay.ini" --metric russia.extra_p
completes "nk.fire_share=" run "$scenarios/najin-dunay.ini" --until-ci nk.fire_s
AT=3 completes "nk.exhausted_day=" run --exceed nk.exh "$scenarios/najin-dunay.ini"
completes "russia.fire,nk.delivered_cum" run "$scenarios/najin-dunay.ini" --series russia.fire,nk.delivered_c
completes "none" run "$scenarios/najin-dunay.ini" --series no

echo "1..$n"
[[ $fails == 0 ]]
