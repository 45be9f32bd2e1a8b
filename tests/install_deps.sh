#!/bin/sh
# install_deps.sh INSTALL_DEPS: the specification of install-deps.sh (the
# README's Quick start runs it on a fresh Debian 12 machine, as root without
# sudo or as a user with sudo), against stand-ins for id, dpkg-query, sudo
# and apt-get that only record what they were asked (nothing is installed):
#  - as root, apt-get runs directly and sudo is never called;
#  - as a user, every apt-get runs through sudo;
#  - only the missing packages are installed, PACKAGE arguments included;
#  - with nothing missing, it neither calls sudo nor apt-get.
# Prints TAP.
set -u
script=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shellsim-deps-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
cat >"$tmp/bin/id" <<'STUB'
#!/bin/sh
[ "$1" = -u ] && echo "$STUB_UID"
STUB
cat >"$tmp/bin/dpkg-query" <<'STUB'
#!/bin/sh
# dpkg-query -W -f FORMAT PACKAGE: installed unless in STUB_MISSING.
for m in $STUB_MISSING; do [ "$m" = "$4" ] && exit 1; done
printf 'install ok installed'
STUB
cat >"$tmp/bin/sudo" <<'STUB'
#!/bin/sh
echo "sudo $*" >>"$STUB_LOG"
VIA_SUDO=1 exec "$@"
STUB
cat >"$tmp/bin/apt-get" <<'STUB'
#!/bin/sh
if [ -n "${VIA_SUDO:-}" ]; then how=sudo; else how=direct; fi
echo "apt-get($how) $*" >>"$STUB_LOG"
STUB
chmod +x "$tmp/bin/"*

n=0
fails=0
ok() {  # ok NAME CONDITION...
    n=$((n + 1))
    name=$1
    shift
    if "$@"; then echo "ok $n - $name"; else echo "not ok $n - $name"; fails=$((fails + 1)); sed 's/^/# /' "$tmp/log"; fi
}
# run UID MISSING [PACKAGE...]: the script with the stand-ins first on PATH.
run() {
    uid=$1 missing=$2
    shift 2
    : >"$tmp/log"
    STUB_UID=$uid STUB_MISSING=$missing STUB_LOG=$tmp/log PATH="$tmp/bin:$PATH" \
        sh "$script" "$@" >"$tmp/out" 2>&1
    rc=$?
}

run 0 "help2man libgsl-dev"
ok "as root: exit 0" [ "$rc" = 0 ]
ok "as root: sudo is never called" sh -c "! grep -q '^sudo' '$tmp/log'"
ok "as root: apt-get update, then install of the missing packages only, directly" \
    sh -c "grep -qx 'apt-get(direct) update' '$tmp/log' &&
           grep -qx 'apt-get(direct) install -y --no-install-recommends libgsl-dev help2man' '$tmp/log'"

run 1000 "help2man"
ok "as a user: exit 0" [ "$rc" = 0 ]
ok "as a user: every apt-get runs through sudo" \
    sh -c "grep -q '^apt-get' '$tmp/log' && ! grep -q '^apt-get(direct)' '$tmp/log' &&
           grep -qx 'apt-get(sudo) install -y --no-install-recommends help2man' '$tmp/log'"

run 1000 ""
ok "nothing missing: exit 0, neither sudo nor apt-get" sh -c "[ $rc = 0 ] && [ ! -s '$tmp/log' ]"

run 0 "clang" clang valgrind
ok "PACKAGE arguments are installed too when missing" \
    grep -qx 'apt-get(direct) install -y --no-install-recommends clang' "$tmp/log"

echo "1..$n"
[ "$fails" = 0 ]
