#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, end-to-end
# against real sshd/promtool/alertmanager, and the lab). Needs root: the lab
# creates network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 900
