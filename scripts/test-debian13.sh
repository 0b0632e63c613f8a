#!/usr/bin/env bash
# The C++ suite on Debian 13 (PVE 9) from the same source tree: builds it inside the Debian 13
# build root (debian-roots/debian13-root.sh, made or updated first) and runs its CTest there,
# but for the host-only tests: the lab's and alerting's (network namespaces of a lab, run on
# the host, where debian13:lab runs the Debian 13 binary in the lab) and packaging's (chroots
# of their own; packaging:deb13 and packaging:upgrade run on the host).
#   scripts/test-debian13.sh [--build-dir DIR] build   configure and build DIR (nice -n 10)
#   scripts/test-debian13.sh [--build-dir DIR] test    run CTest in DIR
#   scripts/test-debian13.sh [--build-dir DIR]         both
# DIR defaults to build-deb13/ in the checkout. The checkout and the real-world fixtures
# (../shared/fixtures/real-world) are bound into the root at their own paths; the tests get a
# network namespace of their own, so their ports never meet the host suite's. Needs root.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$repo/build-deb13
if [ "${1:-}" = --build-dir ]; then
  mkdir -p "$2"
  build_dir=$(cd "$2" && pwd)
  shift 2
fi
step=${1:-all}
case "$step" in
  build | test | all) ;;
  *)
    echo "usage: $0 [--build-dir DIR] [build | test]" >&2
    exit 2
    ;;
esac
case "$build_dir" in
  "$repo"/*) ;;
  *)
    echo "test-debian13: the build dir must be inside the checkout ($repo), it is $build_dir" >&2
    exit 2
    ;;
esac

root=$("$repo/debian-roots/debian13-root.sh" --path | tail -n 1)
binds=(--bind "$repo")
fixtures=$repo/../shared/fixtures/real-world
[ ! -d "$fixtures" ] || binds+=(--bind-ro "$fixtures")
in_debian13() {
  "$repo/debian-roots/run-in-root.sh" --private-network "${binds[@]}" "$root" -- env -C "$repo" "$@"
}

if [ "$step" != test ]; then
  started=$(date +%s)
  in_debian13 nice -n 10 cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
    -DREPLWATCH_BENCHMARKS=OFF \
    > "$build_dir.log" 2>&1 || {
    cat "$build_dir.log" >&2
    exit 1
  }
  in_debian13 nice -n 10 cmake --build "$build_dir" -j"$(nproc)"
  echo "test-debian13: built $build_dir on Debian 13 in $(($(date +%s) - started)) s" >&2
fi
if [ "$step" != build ]; then
  in_debian13 ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 900 \
    --exclude-regex '^(lab|alerting|packaging|format):'
fi
