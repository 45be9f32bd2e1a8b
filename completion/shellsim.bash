# shellsim.bash: bash completion for shellsim (and shellsim-mpi), installed
# as <datadir>/bash-completion/completions/shellsim; bash-completion loads
# it the first time `shellsim` is completed. Without bash-completion:
#   source /path/to/share/bash-completion/completions/shellsim
#
# Nothing here lists a command or an option: everything is read from the
# program being completed (the first word, so ./build/cli/shellsim works
# too), so the completion never drifts from the program:
#   commands        the "commands:" list of `shellsim --help`;
#   options         the lines of `shellsim help COMMAND` that define one
#                   ("  --reps N   ...", "  -h, --help  ..."), with whether
#                   it takes a value and which (N, FILE.png, NAME=VALUE,
#                   SPEC, a|b|c);
#   metric and series names (after --metric, --until-ci, --exceed,
#                   --series) from a one-replication run of the scenario
#                   already on the line (`run SCENARIO --reps 1 --json`);
#   files           *.ini for scenarios, *.obs or *.ini for observations,
#                   *.png after --plot, any file after another FILE.
# Plain bash (compgen, compopt): bash-completion's helpers are not needed.

# The commands: one name a line.
_shellsim_commands()
{
    "$1" --help 2>/dev/null | awk '
        /^commands:/ { on = 1; next }
        on && /^$/ { exit }
        on && /^  [a-z]/ { print $1 }'
}

# COMMAND's options: "OPTION VALUE" a line (VALUE "-" for a flag), long
# and short forms alike.
_shellsim_options()
{
    "$1" help "$2" 2>/dev/null | awk '
        # An option is defined on a line indented at most 4 columns that
        # starts with "-": its forms ("-h, --help"), then the value it takes
        # (a word in capitals, or a|b|c), then its description. A line of
        # short forms alone says "short for --LONG, --LONG, ...".
        match($0, /^ +-/) && RLENGTH <= 5 {
            n = 0; value = "-"
            for (i = 1; i <= NF; i++) {
                w = $i
                if (w ~ /^--?[A-Za-z0-9]/) { sub(/,$/, "", w); form[++n] = w; continue }
                if (w ~ /^[A-Z]/ || w ~ /\|/)
                    value = w
                else if (w == "short" && $(i + 1) == "for") {
                    k = 1
                    for (j = i + 2; j <= NF && k <= n; j++) { l = $j; sub(/,$/, "", l); short[form[k++]] = l }
                    n = 0
                }
                break
            }
            for (j = 1; j <= n; j++) { order[++m] = form[j]; val[form[j]] = value }
        }
        END {
            for (j = 1; j <= m; j++) print order[j], val[order[j]]
            for (s in short) print s, (short[s] in val ? val[short[s]] : "-")
        }'
}

# The metric (KIND=metric) or series (KIND=series) names of the scenario
# SCENARIO, one a line; nothing when it does not load.
_shellsim_names()
{
    local prog=$1 scenario=$2 kind=$3
    [[ -r $scenario && -f $scenario ]] || return
    local key='{"n"'
    [[ $kind == series ]] && key='{"mean"'
    "$prog" run "$scenario" --reps 1 --threads 1 --json 2>/dev/null |
        grep -o "\"[^\"]*\": $key" | sed 's/^"\([^"]*\)".*/\1/'
}

# Files ending in .EXT for any EXT given, and directories to walk into.
_shellsim_files()
{
    local cur=$1 ext
    shift
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'
    COMPREPLY=($(compgen -d -- "$cur"))
    for ext; do
        COMPREPLY+=($(compgen -f -X "!*.$ext" -- "$cur"))
    done
}

_shellsim()
{
    local prog=${COMP_WORDS[0]} cword=$COMP_CWORD
    local cur=${COMP_WORDS[cword]} prev=${COMP_WORDS[cword - 1]}
    COMPREPLY=()
    # --opt=VALUE: bash splits at "=" (COMP_WORDBREAKS).
    if [[ $cur == = ]]; then
        prev=${COMP_WORDS[cword - 1]}
        cur=
    elif [[ $prev == = && $cword -ge 2 ]]; then
        prev=${COMP_WORDS[cword - 2]}
    fi

    if ((cword == 1)); then
        COMPREPLY=($(compgen -W "$(_shellsim_commands "$prog") help --help --version" -- "$cur"))
        return
    fi
    local command=${COMP_WORDS[1]}
    if [[ $command == help ]]; then
        ((cword == 2)) && COMPREPLY=($(compgen -W "$(_shellsim_commands "$prog")" -- "$cur"))
        return
    fi

    local options opt value
    options=$(_shellsim_options "$prog" "$command")
    [[ -n $options ]] || return

    # The word after an option that takes a value: that value.
    value=$(awk -v o="$prev" '$1 == o { print $2; exit }' <<<"$options")
    if [[ -n $value && $value != - ]]; then
        # The scenario: the first argument that is not an option or a value
        # (before or after the word being completed).
        local scenario= i w v
        for ((i = 2; i < ${#COMP_WORDS[@]}; i++)); do
            ((i == cword)) && continue
            w=${COMP_WORDS[i]}
            if [[ $w == -* ]]; then
                v=$(awk -v o="$w" '$1 == o { print $2; exit }' <<<"$options")
                [[ -n $v && $v != - ]] && ((i++))
            elif [[ $w != = ]]; then
                scenario=$w
                break
            fi
        done
        [[ $prev == --plot ]] && value=FILE.png
        case $value in
            *.png) _shellsim_files "$cur" png ;;
            FILE*) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
            *\|*) COMPREPLY=($(compgen -W "${value//|/ }" -- "$cur")) ;;
            NAME=*)
                compopt -o nospace 2>/dev/null
                COMPREPLY=($(compgen -W "$(_shellsim_names "$prog" "$scenario" metric)" -S = -- "$cur")) ;;
            NAME)
                COMPREPLY=($(compgen -W "$(_shellsim_names "$prog" "$scenario" metric)" -- "$cur")) ;;
            SPEC)
                # all, none, or NAME,NAME,...: complete the last name.
                local head=
                [[ $cur == *,* ]] && head=${cur%,*},
                COMPREPLY=($(compgen -W "all none $(_shellsim_names "$prog" "$scenario" series)" \
                    -P "$head" -- "${cur##*,}")) ;;
        esac
        return
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(awk '$1 ~ /^--/ { print $1 }' <<<"$options")" -- "$cur"))
        return
    fi

    # A positional argument: observations after infer's scenario, else a
    # scenario file.
    local npos=0 i w v
    for ((i = 2; i < cword; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == -* ]]; then
            v=$(awk -v o="$w" '$1 == o { print $2; exit }' <<<"$options")
            [[ -n $v && $v != - ]] && ((i++))
        elif [[ $w != = ]]; then
            ((npos++))
        fi
    done
    if [[ $command == infer && $npos -ge 1 ]]; then
        _shellsim_files "$cur" obs ini
    else
        _shellsim_files "$cur" ini
    fi
}

complete -F _shellsim shellsim shellsim-mpi
