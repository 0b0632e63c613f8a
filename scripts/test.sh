#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, end-to-end
# against real sshd/promtool/alertmanager, and the lab) on this Debian 12 and
# on Debian 13: CTest's debian13: tests build and test the same sources in the
# Debian 13 build root, run that binary in the lab, and packaging: tests both
# .debs and the upgrade from one to the other. Needs root: the lab creates
# network namespaces, the Debian roots need chroot and mounts.
#   scripts/test.sh           the suite (what .ci/run runs; see README.md) in
#                             build/ (REPLWATCH_BUILD_DIR names another one)
#   scripts/test.sh --full    the CI variant for a nightly job (~60 min): the
#                             suite, then the C++ tests under ASan + UBSan and
#                             under ThreadSanitizer, then every fuzz target for
#                             FUZZ_SECONDS (default 30) each
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  "" | --full) ;;
  *)
    echo "usage: $0 [--full]" >&2
    exit 2
    ;;
esac
started=$SECONDS
scripts/install-deps.sh
scripts/install-deps.sh chromium  # lab:test_status_page_in_lab's browser
# The Debian 13 build root (a download from Debian the first time) is made while the host
# build compiles; debian13:build waits for it (a lock) and reports its errors.
build_dir=${REPLWATCH_BUILD_DIR:-build}
mkdir -p "$build_dir"
debian-roots/debian13-root.sh > "$build_dir/debian13-root.log" 2>&1 &
scripts/build.sh
# Three at a time: the lab tests mostly wait, and the Debian 13 chain (niced) runs beside them.
(cd "$build_dir" && ctest --output-on-failure -j3 --timeout 900)
elapsed=$((SECONDS - started))
echo "scripts/test.sh: every test passed in $((elapsed / 60)) min $((elapsed % 60)) s"
if [ "${1:-}" = --full ]; then
  scripts/test-sanitizers.sh address
  scripts/test-sanitizers.sh thread
  scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
fi
