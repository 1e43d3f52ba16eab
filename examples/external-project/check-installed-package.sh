#!/bin/sh
# Installs the vpnsim build in BUILD_DIR into a temporary prefix, then builds this directory's
# program against it twice, once through find_package(vpnsim) and once through pkg-config, and
# runs both. Usage: check-installed-package.sh CMAKE BUILD_DIR
set -eu
cmake=$1
build=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vpnsim-install.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
prefix=$work/prefix

"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log"
for f in include/vpnsim/helper/vpn-helper.h include/vpnsim/model/engine/dpd.h \
         include/vpnsim/model/wire/esp.h; do
    [ -f "$prefix/$f" ] || { echo "not installed: $f" >&2; exit 1; }
done
config=$(find "$prefix" -name vpnsimConfig.cmake)
pc=$(find "$prefix" -name vpnsim.pc)
[ -n "$config" ] && [ -n "$pc" ] || { echo "no CMake package or pkg-config file" >&2; exit 1; }

"$cmake" -S "$here" -B "$work/cmake-build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
"$cmake" --build "$work/cmake-build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
"$work/cmake-build/three-node-tunnel"

# The same program without CMake: everything from `pkg-config vpnsim`.
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs vpnsim)
# shellcheck disable=SC2086 # flags are words
c++ -O1 -o "$work/three-node-tunnel-pc" "$here/three-node-tunnel.cc" $flags
"$work/three-node-tunnel-pc"
echo "installed package: built and ran through find_package(vpnsim) and pkg-config"
