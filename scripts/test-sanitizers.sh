#!/usr/bin/env bash
# Builds replwatch with AddressSanitizer + UndefinedBehaviorSanitizer into
# build-asan/ and runs the C++ tests (unit and end-to-end, including the
# daemon binary itself) under it. Any report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS="-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
  > build-asan.log 2>&1 || { cat build-asan.log >&2; exit 1; }
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd build-asan
# The lab, alerting and packaging tests exercise Python and external
# programs, not replwatch's C++ code paths beyond what the e2e tests run.
ctest --output-on-failure -j2 --timeout 900 \
  -E '^(lab:|alerting:|packaging:|alerts_|grafana_)'
