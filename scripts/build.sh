#!/usr/bin/env bash
# Configures and builds replwatch into build/ (all targets, or those given).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > build.log 2>&1 || {
  cat build.log >&2
  exit 1
}
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build build -j"$(nproc)" "${targets[@]}"
