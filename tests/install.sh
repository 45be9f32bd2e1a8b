#!/usr/bin/env bash
# install.sh [SOURCE_DIR]: the specification of `meson install` into a
# prefix of one's own (README "Install"), on a build of its own in a
# temporary directory (so it configures and compiles the project again:
# .ci/run runs it, meson test does not). With P the prefix:
#  - P/bin/shellsim starts (its rpath finds P's library; no LD_LIBRARY_PATH)
#    and runs a scenario;
#  - the Python package installed beside it imports with no
#    SHELLSIM_LIBRARY, from outside the checkout, and loads P's library;
#  - an outside C program builds through pkg-config (P's shellsim.pc) and
#    runs against P's library;
#  - the manual pages and the bash completion are where man and
#    bash-completion look, and work;
#  - `ninja uninstall` removes every file it installed;
#  - with the prefix /usr/local, the Python package lands on the system
#    python3's sys.path (no PYTHONPATH), and _paths.py names /usr/local's
#    library; with ~/.local, in the user's site-packages.
# Prints TAP. SHELLSIM_INSTALL_KEEP=1 keeps the temporary directory.
set -u
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shellsim-install-XXXXXX")
[[ ${SHELLSIM_INSTALL_KEEP:-} == 1 ]] || trap 'rm -rf "$tmp"' EXIT
P=$tmp/prefix
unset SHELLSIM_LIBRARY SHELLSIM_PLOT LD_LIBRARY_PATH PYTHONPATH PKG_CONFIG_PATH

n=0
fails=0
ok() {  # ok NAME COMMAND...: one check; its output is shown only on failure
    n=$((n + 1))
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        sed 's/^/# /' <<<"$out"
        fails=$((fails + 1))
    fi
}
bail() { echo "Bail out! $*"; exit 1; }

version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$src/meson.build" | head -n 1)
[[ -n $version ]] || bail "no version in $src/meson.build"

# The build and the install, quietly (their logs shown when they fail).
nice meson setup "$tmp/build" "$src" --prefix="$P" -Dtests=false >"$tmp/setup.log" 2>&1 ||
    { cat "$tmp/setup.log"; bail "meson setup failed"; }
nice ninja -C "$tmp/build" >"$tmp/build.log" 2>&1 || { tail -n 40 "$tmp/build.log"; bail "the build failed"; }
meson install -C "$tmp/build" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; bail "meson install failed"; }
ok "meson install --prefix=P installs a file" test -n "$(find "$P" -type f | head -n 1)"

libdir=$(dirname "$(find "$P" -name 'shellsim.pc' | head -n 1)")
libdir=${libdir%/pkgconfig}
pydir=$(find "$P/lib" -maxdepth 3 -type d -name shellsim -path '*-packages/*' | head -n 1)
pydir=${pydir%/shellsim}
cd "$tmp" || bail "cannot cd to $tmp"

# The CLI.
ok "P/bin/shellsim --version prints 'shellsim $version' (rpath: no LD_LIBRARY_PATH)" \
    bash -c "[[ \$('$P/bin/shellsim' --version) == 'shellsim $version' ]]"
ok "P/bin/shellsim loads P's library" \
    bash -c "ldd '$P/bin/shellsim' | grep -q 'libshellsim.* => $libdir/libshellsim'"
ok "P/bin/shellsim runs a scenario: seed-1m.ini gives 2,739.7 extra rounds a day" \
    bash -c "'$P/bin/shellsim' run '$src/scenarios/seed-1m.ini' --reps 200 --threads 1 |
             grep -Eq '^russia\\.extra_per_day +2,739\\.7 '"

# The Python package.
ok "the Python package is installed beside the library: $pydir/shellsim, with _paths.py" \
    test -f "$pydir/shellsim/_paths.py" -a -f "$pydir/shellsim/__init__.py" -a -f "$pydir/shellsim/py.typed"
ok "import shellsim (PYTHONPATH=$pydir, no SHELLSIM_LIBRARY) loads P's library, version $version" \
    env PYTHONPATH="$pydir" /usr/bin/python3 -c "
import shellsim, os, sys
assert shellsim.__file__.startswith('$pydir/'), shellsim.__file__
assert os.path.realpath(shellsim.library_path()).startswith('$libdir/'), shellsim.library_path()
assert shellsim.__version__ == '$version', shellsim.__version__
assert shellsim.library_version() == '$version', shellsim.library_version()
"
ok "the installed Python package runs a scenario" \
    env PYTHONPATH="$pydir" MPLBACKEND=Agg /usr/bin/python3 -c "
import shellsim
r = shellsim.Scenario.from_file('$src/scenarios/seed-1m.ini').run(replications=200, seed=1)
m = r.metrics['russia.extra_per_day'].mean
assert abs(m - 1e6 / 365) < 1e-6, m
"

# pkg-config and an outside C program.
export PKG_CONFIG_PATH=$libdir/pkgconfig
ok "pkg-config --cflags --libs shellsim names P's include and library directories" \
    bash -c "f=\$(pkg-config --cflags --libs shellsim) && [[ \$f == *-I$P/include* && \$f == *-L$libdir* && \$f == *-lshellsim* ]]"
cat >"$tmp/outside.c" <<'EOF'
/* An outside program: only <shellsim.h>, found through pkg-config. */
#include <shellsim.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2 || strcmp(shellsim_version(), SHELLSIM_VERSION) != 0)
        return 2;
    shellsim_error err;
    shellsim_scenario *s = NULL;
    if (shellsim_scenario_load_file(argv[1], &s, &err) != SHELLSIM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 200;
    o.series = "none";
    shellsim_result *r = NULL;
    shellsim_stats st;
    int rc = shellsim_run(s, &o, &r, &err) != SHELLSIM_OK ||
             shellsim_result_metric_stats(r, "russia.extra_per_day", &st, sizeof st) != SHELLSIM_OK;
    if (!rc)
        printf("libshellsim %s: russia.extra_per_day %.1f\n", shellsim_version(), st.mean);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
    return rc;
}
EOF
ok "an outside C program builds through pkg-config" \
    bash -c "cc -std=c11 -Wall -Werror '$tmp/outside.c' -o '$tmp/outside' \$(pkg-config --cflags --libs shellsim) \
             -Wl,-rpath,\$(pkg-config --variable=libdir shellsim)"
ok "the outside C program runs against P's library" \
    bash -c "[[ \$('$tmp/outside' '$src/scenarios/seed-1m.ini') == 'libshellsim $version: russia.extra_per_day 2739.7' ]] &&
             ldd '$tmp/outside' | grep -q 'libshellsim.* => $libdir/libshellsim'"

# The manual pages (when help2man was there) and the completion.
if command -v help2man >/dev/null && command -v man >/dev/null; then
    commands=$("$P/bin/shellsim" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print "shellsim-" $1 }')
    # shellsim-mpi(1) beside shellsim-mpi, when MPI was found
    [[ -x $P/bin/shellsim-mpi ]] && commands+=" shellsim-mpi"
    for page in shellsim $commands; do
        ok "P/share/man/man1/$page.1 renders (man -l)" \
            bash -c "LC_ALL=C MANWIDTH=200 man -l '$P/share/man/man1/$page.1' | grep -q '^NAME'"
    done
    ok "man finds shellsim-run(1) through PATH=P/bin" \
        bash -c "[[ \$(PATH='$P/bin':\$PATH man -w shellsim-run) == '$P/share/man/man1/shellsim-run.1' ]]"
    ok "shellsim-run(1) documents --reps" \
        bash -c "LC_ALL=C MANWIDTH=200 man -l '$P/share/man/man1/shellsim-run.1' | grep -q -- '--reps N'"
else
    echo "ok $((++n)) - # SKIP manual pages: help2man or man missing"
fi
ok "P/share/bash-completion/completions/shellsim completes 'shellsim ru' to run" \
    bash -c "source '$P/share/bash-completion/completions/shellsim' && COMP_WORDS=('$P/bin/shellsim' ru) &&
             COMP_CWORD=1 && _shellsim 2>/dev/null && [[ \${COMPREPLY[*]} == run ]]"
ok "the plotting script is installed: P/share/shellsim/plot.py" test -f "$P/share/shellsim/plot.py"

# Uninstall.
ok "ninja uninstall removes every installed file" \
    bash -c "ninja -C '$tmp/build' uninstall >/dev/null && [[ -z \$(find '$P' -type f) ]]"

# The prefix /usr/local, configured only (nothing is installed there; the
# meson install above put the package and _paths.py in the same directory).
if meson setup --reconfigure "$tmp/build" "$src" -Dprefix=/usr/local >"$tmp/configure.log" 2>&1 &&
   meson introspect --installed "$tmp/build" >"$tmp/installed.json" 2>>"$tmp/configure.log"; then
    ok "with --prefix=/usr/local the Python package lands on /usr/bin/python3's sys.path" \
        /usr/bin/python3 -c "
import json, os, sys
dests = json.load(open('$tmp/installed.json')).values()
paths = [d for d in dests if d.endswith('/shellsim/_paths.py')]
assert len(paths) == 1, paths
site = os.path.dirname(os.path.dirname(paths[0]))
assert site in sys.path, (site, sys.path)
"
    ok "with --prefix=/usr/local _paths.py names /usr/local's library" \
        grep -q "^LIBRARY = \"/usr/local/lib/.*/libshellsim.so.[0-9.]*\"\$" "$tmp/build/bindings/python/_paths.py"
else
    cat "$tmp/configure.log"
    bail "meson setup --reconfigure -Dprefix=/usr/local failed"
fi
# The prefix ~/.local (a user's own, no root): the user's site-packages.
userbase=$(/usr/bin/python3 -c 'import site; print(site.getuserbase())')
if meson setup --reconfigure "$tmp/build" "$src" -Dprefix="$userbase" >"$tmp/configure.log" 2>&1 &&
   meson introspect --installed "$tmp/build" >"$tmp/installed.json" 2>>"$tmp/configure.log"; then
    ok "with --prefix=$userbase the Python package lands in the user's site-packages" \
        /usr/bin/python3 -c "
import json, os, site
dests = json.load(open('$tmp/installed.json')).values()
paths = [d for d in dests if d.endswith('/shellsim/_paths.py')]
assert len(paths) == 1, paths
assert os.path.dirname(os.path.dirname(paths[0])) == site.getusersitepackages(), paths
"
else
    cat "$tmp/configure.log"
    bail "meson setup --reconfigure -Dprefix=$userbase failed"
fi

echo "1..$n"
[[ $fails == 0 ]]
