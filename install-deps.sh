#!/bin/sh
# install-deps.sh [PACKAGE...]: installs the Debian 12 packages shellsim
# builds, tests, plots and writes its manual pages with (the README's Quick
# start runs it), and any PACKAGE named too (.ci/run adds its tools so).
# Only the missing ones: when every package is installed it changes nothing
# and needs no privileges. As root it runs apt-get itself; as a user,
# through sudo (it never calls sudo as root, where sudo may not exist).
set -e
packages="build-essential g++ pkg-config meson ninja-build
    libgsl-dev libinih-dev libcriterion-dev libpcg-cpp-dev libopenmpi-dev openmpi-bin
    python3 python3-numpy python3-matplotlib python3-pandas python3-xarray python3-pytest
    python3-setuptools valgrind
    help2man man-db $*"

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=
for p in $packages; do
    status=$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null || true)
    case $status in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done
if [ -z "$missing" ]; then
    echo "install-deps.sh: every package is installed"
    exit 0
fi
echo "install-deps.sh: installing$missing"
as_root apt-get update
# shellcheck disable=SC2086 # one word a package
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
