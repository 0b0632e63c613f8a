#!/usr/bin/env bash
# Builds replwatch with sanitizers and runs the C++ tests under them; any
# report fails the run.
#   scripts/test-sanitizers.sh [address|thread]
# address (default): AddressSanitizer + UndefinedBehaviorSanitizer into
#   build-asan/, all C++ tests (unit and end-to-end, including the daemon
#   binary itself).
# thread: ThreadSanitizer into build-tsan/, the concurrent parts: the SSH
#   transport (cancel from another thread, keepalive), the HTTP server, the
#   daemon's scheduler and the end-to-end tests of the daemon binary.
set -euo pipefail
mode=${1:-address}
cd "$(dirname "$0")/.."
scripts/install-deps.sh
case "$mode" in
  address)
    build=build-asan
    flags="-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
    # The lab, alerting and packaging tests exercise Python and external
    # programs, not replwatch's C++ code paths beyond what the e2e tests run.
    tests=(-E '^(lab:|alerting:|packaging:|systemd:|alerts_|grafana_)')
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    ;;
  thread)
    build=build-tsan
    flags="-O1 -fsanitize=thread -fno-omit-frame-pointer"
    tests=(-R '^(transport_test|web_test|daemon_test|daemon_e2e_test):')
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
    ;;
  *)
    echo "usage: $0 [address|thread]" >&2
    exit 2
    ;;
esac
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="$flags" \
  > "$build.log" 2>&1 || { cat "$build.log" >&2; exit 1; }
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j2 --timeout 900 "${tests[@]}"
