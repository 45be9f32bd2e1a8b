#!/bin/sh
# install-deps.sh: the Debian 12 packages shellsim builds, tests and plots
# with (the README's Quick start runs it). As root it runs apt-get itself;
# as a user, through sudo.
set -e
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}
as_root apt-get update
as_root apt-get install -y --no-install-recommends build-essential g++ pkg-config meson ninja-build \
    libgsl-dev libinih-dev libcriterion-dev libpcg-cpp-dev libopenmpi-dev openmpi-bin \
    python3 python3-numpy python3-matplotlib python3-pytest python3-setuptools valgrind
