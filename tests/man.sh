#!/usr/bin/env bash
# man.sh SHELLSIM MANDIR [SHELLSIM_MPI]: the specification of the manual
# pages that help2man makes at build time (man/): shellsim(1) and
# shellsim-COMMAND(1) for every command `shellsim --help` lists, and
# shellsim-mpi(1) when SHELLSIM_MPI is given (MPI was found); each renders,
# is named for its command, and documents every option its help defines. And what
# help2man needs of the program: --version and each command's help on
# standard output, with exit status 0 and nothing on standard error.
# Prints TAP.
set -u
sim=$1 mandir=$2 mpi=${3:-}
export LC_ALL=C MANWIDTH=1000

n=0
fails=0
ok() {  # ok NAME COMMAND...
    n=$((n + 1))
    local name=$1
    shift
    if "$@"; then echo "ok $n - $name"; else echo "not ok $n - $name"; fails=$((fails + 1)); fi
}
# prints_help ARGS...: exit 0, something on stdout, nothing on stderr.
prints_help() {
    local out errfile rc
    errfile=$(mktemp "${TMPDIR:-/tmp}/shellsim-man-XXXXXX")
    out=$("$sim" "$@" 2>"$errfile")
    rc=$?
    [[ $rc == 0 && -n $out && ! -s $errfile ]]
    rc=$?
    rm -f "$errfile"
    return $rc
}
render() { man -l "$1" 2>&1; }
# documents PAGE COMMAND: the rendered page holds every option COMMAND's
# help defines (a line indented at most 4 columns starting with "--").
documents() {
    local page=$1 text o missing=
    shift
    text=$(render "$page") || return 1
    for o in $("$sim" "$@" | awk 'match($0, /^ +--/) && RLENGTH <= 6 { print $1 }' | sed 's/,$//'); do
        grep -qe "$o" <<<"$text" || missing+=" $o"
    done
    [[ -z $missing ]] || echo "# $page lacks:$missing"
    [[ -z $missing ]]
}
# named PAGE NAME: the rendered NAME section starts "NAME - ".
named() { render "$1" | grep -A1 '^NAME' | grep -q "^ *$2 - "; }

ok "shellsim --version prints 'shellsim VERSION' on stdout, exit 0" \
    bash -c "'$sim' --version 2>/dev/null | grep -Eqx 'shellsim [0-9]+\.[0-9]+\.[0-9]+'"
ok "shellsim --help: stdout, exit 0, no stderr" prints_help --help
ok "shellsim.1 renders and is named shellsim" named "$mandir/shellsim.1" shellsim
ok "shellsim.1 documents --help and --version" documents "$mandir/shellsim.1" --help

commands=$("$sim" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }')
ok "shellsim --help lists commands" test -n "$commands"
for c in $commands; do
    page=$mandir/shellsim-$c.1
    ok "shellsim help $c: stdout, exit 0, no stderr" prints_help help "$c"
    ok "shellsim $c --help: stdout, exit 0, no stderr" prints_help "$c" --help
    ok "shellsim-$c.1 exists (a command without a page: add it to man/meson.build)" test -s "$page"
    if [[ -s $page ]]; then
        ok "shellsim-$c.1 renders and is named shellsim-$c" named "$page" "shellsim-$c"
        ok "shellsim-$c.1 documents every option of 'shellsim help $c'" documents "$page" help "$c"
        ok "shellsim-$c.1 has a SYNOPSIS 'shellsim $c ...'" \
            bash -c "man -l '$page' 2>&1 | grep -A1 '^SYNOPSIS' | grep -q '^ *shellsim  *$c '"
    fi
done

if [[ -n $mpi ]]; then
    # Open MPI's own allocations are reported as leaks by a sanitized build;
    # ours are checked by the tests that run shellsim
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    page=$mandir/shellsim-mpi.1
    ok "shellsim-mpi --help: stdout, exit 0, no stderr" bash -c '
        out=$("$0" --help 2>"$1.err"); rc=$?
        [[ $rc == 0 && -n $out && ! -s $1.err ]]; rc=$?; rm -f "$1.err"; exit $rc' "$mpi" "$(mktemp -u)"
    ok "shellsim-mpi.1 exists" test -s "$page"
    if [[ -s $page ]]; then
        ok "shellsim-mpi.1 renders and is named shellsim-mpi" named "$page" shellsim-mpi
        ok "shellsim-mpi.1 documents every option of 'shellsim-mpi --help'" \
            bash -c 'text=$(man -l "$1" 2>&1) || exit 1
                for o in $("$0" --help | awk "match(\$0, /^ +--/) && RLENGTH <= 6 { print \$1 }" | sed "s/,\$//"); do
                    grep -qe "$o" <<<"$text" || { echo "# lacks $o"; exit 1; }
                done' "$mpi" "$page"
        ok "shellsim-mpi.1 has a SYNOPSIS 'shellsim-mpi COMMAND ...'" \
            bash -c "man -l '$page' 2>&1 | grep -A1 '^SYNOPSIS' | grep -q '^ *shellsim-mpi  *COMMAND'"
        ok "shellsim-mpi.1 says how the ranks share the work, with mpirun examples" \
            bash -c "man -l '$page' 2>&1 | tr -s ' \n' '  ' | grep -q 'take from a counter on rank 0' && man -l '$page' 2>&1 | grep -A2 '^EXAMPLES' | grep -q mpirun"
        ok "shellsim.1 lists shellsim-mpi(1) under SEE ALSO" \
            bash -c "man -l '$mandir/shellsim.1' 2>&1 | grep -A3 '^SEE ALSO' | grep -q 'shellsim-mpi(1)'"
    fi
fi

echo "1..$n"
[[ $fails == 0 ]]
