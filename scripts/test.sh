#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, end-to-end
# against real sshd/promtool/alertmanager, and the lab). Needs root: the lab
# creates network namespaces.
#   scripts/test.sh           the suite (what .ci/run runs; ~15 min on 2 cores)
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
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j2 --timeout 900)
if [ "${1:-}" = --full ]; then
  scripts/test-sanitizers.sh address
  scripts/test-sanitizers.sh thread
  scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
fi
