# tap.sh: what the shell tests share, sourced (`. "$(dirname "$0")/tap.sh"`):
# a temporary directory $tmp, removed at exit, and TAP output: ok and not_ok
# print a numbered line, check DESCRIPTION COMMAND... passes when the command
# succeeds, and tap_end prints the plan and fails when a check did.
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
check() { # check DESCRIPTION COMMAND...
    local d=$1
    shift
    if "$@"; then ok "$d"; else not_ok "$d"; fi
}
tap_end() {
    echo "1..$n"
    [ "$fails" = 0 ]
}
