#!/usr/bin/env bash
# Builds the replwatch .deb for one Debian release with CMake and CPack and prints its path
# on the last line of stdout. One package per release: Debian 12 (PVE 8) gets
# replwatch_<v>-1~deb12_amd64.deb, Debian 13 (PVE 9) replwatch_<v>-1~deb13_amd64.deb, each
# built with that release's compiler and libraries (see packaging/README.md for why).
#   packaging/build-deb.sh [--release 12|13]                  configure and build a build dir
#                                                             of its own (Debian's hardening
#                                                             flags), then package it
#   packaging/build-deb.sh [--release 12|13] --build-dir DIR  package an already built tree
#                                                             (CTest uses this)
# --release defaults to this machine's. The other release is built inside its build root
# (Debian 13 on a Debian 12 machine: debian-roots/debian13-root.sh); DIR must then be inside
# the checkout. Build dirs: build-deb/ (Debian 12), build-deb-debian13/ (Debian 13). The
# package lands in <build dir>/deb/. Builds run under `nice -n 10` with one job.
set -euo pipefail
umask 022
repo=$(cd "$(dirname "$0")/.." && pwd)
this_release=$(. /etc/os-release && echo "$VERSION_ID")

release=$this_release
build_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --release) release=$2; shift 2 ;;
    --build-dir) build_dir=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    *) echo "usage: $0 [--release 12|13] [--build-dir DIR]" >&2; exit 2 ;;
  esac
done

if [ "$release" != "$this_release" ]; then
  if [ "$release" != 13 ] || [ "$this_release" != 12 ]; then
    echo "build-deb: builds Debian $release packages on Debian $release, or Debian 13 ones on" \
      "Debian 12 (in its build root); this is Debian $this_release" >&2
    exit 2
  fi
  build_dir=${build_dir:-$repo/build-deb-debian13}
  case "$build_dir" in
    "$repo"/*) ;;
    *) echo "build-deb: a Debian 13 build dir must be inside the checkout ($repo): $build_dir" >&2; exit 2 ;;
  esac
  root=$("$repo/debian-roots/debian13-root.sh" --path | tail -n 1)
  exec "$repo/debian-roots/run-in-root.sh" --private-network --bind "$repo" "$root" -- \
    "$repo/packaging/build-deb.sh" --build-dir "$build_dir"
fi

# dpkg-shlibdeps (dpkg-dev) computes the Depends; CPack finds the binaries with `file`;
# help2man makes the man page from `replwatch --help`. On Debian 13 this runs in the build
# root, which has them all (install-deps.sh knows Debian 12's package names only).
[ "$this_release" = 13 ] || "$repo/scripts/install-deps.sh" dpkg-dev file help2man

if [ -z "$build_dir" ]; then
  [ "$this_release" = 13 ] || "$repo/scripts/install-deps.sh"
  build_dir=$repo/build-deb
  [ "$this_release" = 12 ] || build_dir=$repo/build-deb-debian$this_release
  mkdir -p "$build_dir"
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
