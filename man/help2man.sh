#!/bin/sh
# help2man.sh HELP2MAN SHELLSIM INCLUDE OUTPUT COMMAND [SEE_ALSO...]: one
# manual page, written by help2man from the program's own help, so a page
# never says other than `--help` does. COMMAND "-" makes the program's own
# page, named as the program: shellsim(1) from `shellsim --help`, or
# shellsim-mpi(1) from `shellsim-mpi --help`; a command's name makes
# shellsim-COMMAND(1) (from `shellsim help COMMAND`). INCLUDE is a help2man include file (extra
# sections; "-" for none); SEE_ALSO names the pages listed under SEE ALSO.
#
# help2man reads GNU-style help: "Usage:" on one line, an "Options:"
# heading, a tag's description on its line or indented 20 columns or more
# on the next. shellsim's help is reshaped so (reshape below) by a stand-in
# program named as the page (shellsim or shellsim-COMMAND, in a temporary
# directory) that help2man runs for --help and --version. Any failure of
# shellsim (a command without help) fails the page: help2man is given no
# empty help.
set -eu
[ $# -ge 5 ] || { echo "usage: $0 HELP2MAN SHELLSIM INCLUDE OUTPUT COMMAND [SEE_ALSO...]" >&2; exit 2; }
help2man=$1 shellsim=$2 include=$3 output=$4 command=$5
shift 5

case $shellsim in /*) ;; *) shellsim=$PWD/$shellsim ;; esac
# In a sanitized build, Open MPI's own allocations in shellsim-mpi are
# reported as leaks at exit, which would fail its page; a page needs only
# the help text (the tests check leaks).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shellsim-man-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ "$command" = - ]; then
    page=$(basename "$shellsim")
    "$shellsim" --help >"$tmp/help"
    name=$(sed -n 's/^\(Monte Carlo .*\)\.$/\1/p' "$tmp/help" | head -n 1)
else
    page=shellsim-$command
    "$shellsim" help "$command" >"$tmp/help"
    # The command's line in `shellsim --help`: "  NAME SYNOPSIS   HELP", or
    # the synopsis alone and HELP on the next line.
    name=$("$shellsim" --help | awk -v c="$command" '
        want { sub(/^ +/, ""); print; exit }
        $1 == c && /^  [a-z]/ {
            if (match($0, /[^ ]  +[^ ]/)) { print substr($0, RSTART + 1 + (RLENGTH - 2)); exit }
            want = 1
        }')
    name=$(printf '%s' "$name" | sed 's/^ *//')
fi
[ -s "$tmp/help" ] || { echo "$0: $shellsim printed no help for $page" >&2; exit 1; }
[ -n "$name" ] || name="shellsim $command"
"$shellsim" --version | sed "1s/^shellsim /$page /" >"$tmp/version"

# reshape: help2man's conventions, the words unchanged.
awk '
    function indent(s) { match(s, /^ */); return RLENGTH }
    # A usage: "Usage:" and its continuation lines joined.
    NR == 1 && /^usage:/ { usage = "Usage:" substr($0, 7); inusage = 1; next }
    inusage && /^ +\[/ { sub(/^ +/, " "); usage = usage $0; next }
    inusage { print usage; inusage = 0 }
    # Headings: "commands:" -> "Commands:", "options:" -> "Options:".
    /^[a-z]+:$/ { print toupper(substr($0, 1, 1)) substr($0, 2); if ($0 == "options:") opts = 1; next }
    # "exit status: ..." -> an EXIT STATUS section.
    /^exit status: / { print "*Exit status*"; print ""; print substr($0, 14); next }
    # A line ending in ":" before indented lines is text, not a sub-section;
    # the indented lines (an example) one paragraph each, kept whole.
    /^[^ ].*:$/ { print; print ""; example = 1; next }
    example && /^ +[^ -]/ { gsub(/  +/, " "); print; print ""; next }
    { example = 0 }
    # The first option of a command: an "Options:" heading.
    !opts && /^  -/ { print "Options:"; opts = 1 }
    # A tag alone on its line (no description after two spaces): its
    # description lines indented to column 20 at least.
    pad > 0 && indent($0) == padfrom && /[^ ]/ { printf "%*s%s\n", pad, "", $0; next }
    { pad = 0 }
    /^ +[^ ]/ && indent($0) <= 10 && !/[^ ]  +[^ ]/ { tagline = NR }
    NR == tagline + 1 && indent($0) >= 12 && indent($0) < 20 {
        padfrom = indent($0); pad = 20 - padfrom
        printf "%*s%s\n", pad, "", $0; next
    }
    { print }
    END { if (inusage) print usage }
' "$tmp/help" >"$tmp/help.h2m"

cat >"$tmp/$page" <<STANDIN
#!/bin/sh
case \$1 in
--version) cat '$tmp/version' ;;
*) cat '$tmp/help.h2m' ;;
esac
STANDIN
chmod +x "$tmp/$page"

# SEE ALSO: the other pages.
{
    echo "[SEE ALSO]"
    n=0
    for p in "$@"; do
        [ "$p" = "$page" ] && continue
        n=$((n + 1))
    done
    i=0
    for p in "$@"; do
        [ "$p" = "$page" ] && continue
        i=$((i + 1))
        if [ $i -lt $n ]; then echo ".BR $p (1),"; else echo ".BR $p (1)"; fi
    done
} >"$tmp/see-also.h2m"

set -- --no-info --section=1 --name="$name" --source="$("$shellsim" --version)" \
    --include="$tmp/see-also.h2m" --output="$output"
[ "$include" = - ] || set -- "$@" --include="$include"
"$help2man" "$@" "$tmp/$page"
