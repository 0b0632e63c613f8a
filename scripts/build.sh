#!/usr/bin/env bash
# Configures and builds replwatch into build/ (all targets, or those given);
# REPLWATCH_BUILD_DIR names another build dir (in the checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${REPLWATCH_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release > "$build_dir.log" 2>&1 || {
  cat "$build_dir.log" >&2
  exit 1
}
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}"
