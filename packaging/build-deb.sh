#!/usr/bin/env bash
# Builds the replwatch .deb (Debian 12 / PVE 8) with CMake and CPack and prints its path
# on the last line of stdout.
#   packaging/build-deb.sh                  configure and build build-deb/ (Debian's
#                                           hardening flags), then package it
#   packaging/build-deb.sh --build-dir DIR  package an already built tree (CTest uses this)
# The package lands in <build dir>/deb/. Builds run under `nice -n 10` with one job.
set -euo pipefail
umask 022
repo=$(cd "$(dirname "$0")/.." && pwd)

build_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir=$(cd "$2" && pwd); shift 2 ;;
    *) echo "usage: $0 [--build-dir DIR]" >&2; exit 2 ;;
  esac
done

# dpkg-shlibdeps (dpkg-dev) computes the Depends; CPack finds the binaries with `file`;
# help2man makes the man page from `replwatch --help`.
"$repo/scripts/install-deps.sh" dpkg-dev file help2man

if [ -z "$build_dir" ]; then
  "$repo/scripts/install-deps.sh"
  build_dir=$repo/build-deb
  # Debian's own compiler and linker flags (fortify, stack protector, relro, now).
  eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
  # `cpack` installs into a staging folder; without the skip it would first build every
  # target (tests, benchmarks), where the package needs only the daemon.
  nice -n 10 cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON > "$build_dir.log" 2>&1 || {
    cat "$build_dir.log" >&2
    exit 1
  }
fi

if [ ! -f "$build_dir/CPackConfig.cmake" ]; then
  echo "build-deb: $build_dir has no CPackConfig.cmake;" \
    "the top-level CMakeLists.txt needs add_subdirectory(packaging)" >&2
  exit 1
fi

# Also builds the daemon if needed (in a built tree, only the man page is made).
nice -n 10 cmake --build "$build_dir" -j1 --target replwatch replwatch_manpage >&2

out_dir=$build_dir/deb
rm -rf "$out_dir"
mkdir -p "$out_dir"
(cd "$build_dir" && nice -n 10 cpack -G DEB -B "$out_dir" >&2)
debs=("$out_dir"/replwatch_*.deb)
if [ ${#debs[@]} -ne 1 ] || [ ! -f "${debs[0]}" ]; then
  echo "build-deb: expected one replwatch_*.deb in $out_dir, found: ${debs[*]}" >&2
  exit 1
fi
echo "${debs[0]}"
