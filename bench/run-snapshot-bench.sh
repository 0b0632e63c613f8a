#!/usr/bin/env bash
# Benchmark 1: parse and align 1,000,000 snapshots (500,000 per side: 2,000
# volumes x 250 snapshots) vs the floor, `wc -l` over the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh snapshot_bench > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/make_snapshot_listing.py 2000 250 source "$work/source.txt"
python3 bench/make_snapshot_listing.py 2000 250 target "$work/target.txt"
cat "$work/source.txt" "$work/target.txt" > /dev/null  # warm the page cache

best_wc=999
for _ in 1 2 3 4 5; do
  start=$(date +%s.%N)
  cat "$work/source.txt" "$work/target.txt" | wc -l > /dev/null
  end=$(date +%s.%N)
  best_wc=$(python3 -c "print(min($best_wc, $end - $start))")
done
best_rw=999
for _ in 1 2 3 4 5; do
  line=$(build/bench/snapshot_bench "$work/source.txt" "$work/target.txt")
  total=$(sed -E 's/.*total_s=([0-9.]+).*/\1/' <<<"$line")
  best_rw=$(python3 -c "print(min($best_rw, $total))")
done
echo "$line"
python3 -c "print('floor (wc -l): %.3f s, replwatch parse+align: %.3f s, ratio %.1fx' % ($best_wc, $best_rw, $best_rw / $best_wc))"
