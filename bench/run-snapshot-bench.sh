#!/usr/bin/env bash
# Benchmark 1: parse and align 1,000,000 snapshots (500,000 per side: 2,000
# volumes x 250 snapshots) vs the floor, `wc -l` over the same bytes, and vs
# Debian's `sanoid --monitor-snapshots` reading the same snapshots through a
# stand-in `zfs` (bench/sanoid/; the target's under another pool name, since
# sanoid watches one host).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh sanoid
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
for _ in 1 2 3 4 5; do
  build/bench/snapshot_bench "$work/source.txt" "$work/target.txt" >> "$work/runs.txt"
done
tail -1 "$work/runs.txt"

export SANOID_BENCH_DATA=$work/sanoid
mkdir -p "$SANOID_BENCH_DATA/bin" "$SANOID_BENCH_DATA/conf"
awk -F'\t' '{print $1 "\tcreation\t" $4 "\t-"}' "$work/source.txt" \
  > "$SANOID_BENCH_DATA/zfs-get.txt"
awk -F'\t' '{sub(/^rpool/, "tank", $1); print $1 "\tcreation\t" $4 "\t-"}' \
  "$work/target.txt" >> "$SANOID_BENCH_DATA/zfs-get.txt"
{ echo rpool/data; echo tank/data; cut -d@ -f1 "$SANOID_BENCH_DATA/zfs-get.txt" | uniq; } \
  > "$SANOID_BENCH_DATA/datasets.txt"
cp bench/sanoid/zfs "$SANOID_BENCH_DATA/bin/zfs"
cp bench/sanoid/sanoid.conf /usr/share/sanoid/sanoid.defaults.conf "$SANOID_BENCH_DATA/conf/"
best_sanoid=999
for run in 1 2 3; do
  start=$(date +%s.%N)
  # Exit 2 (CRITICAL: the synthetic snapshots are years old) is the answer.
  PATH="$SANOID_BENCH_DATA/bin:$PATH" sanoid --configdir="$SANOID_BENCH_DATA/conf" \
    --cache-dir="$work/sanoid-cache-$run" --run-dir="$work/sanoid-run" \
    --monitor-snapshots > "$work/sanoid.out" || [ $? -eq 2 ]
  end=$(date +%s.%N)
  best_sanoid=$(python3 -c "print(min($best_sanoid, $end - $start))")
done
grep -q "^CRIT: rpool/data/vm-100-disk-0 " "$work/sanoid.out"  # it did read them

python3 - "$best_wc" "$best_sanoid" "$work/runs.txt" <<'PY'
import re
import sys
wc, sanoid = map(float, sys.argv[1:3])
runs = [dict(re.findall(r"(\w+)=([0-9.]+)", line)) for line in open(sys.argv[3])]
best = {key: min(float(run[key]) for run in runs)
        for key in ("total_s", "two_workers_s", "steady_s", "steady_two_workers_s")}
print("floor (wc -l):                              %.3f s" % wc)
for what, key in (("first cycle, one core:", "total_s"),
                  ("first cycle, two node workers:", "two_workers_s"),
                  ("later cycles, one core:", "steady_s"),
                  ("later cycles, two node workers:", "steady_two_workers_s")):
    t = best[key]
    print("replwatch, %-32s %.3f s = %.1fx the floor, sanoid %.0fx slower"
          % (what, t, t / wc, sanoid / t))
print("sanoid --monitor-snapshots:                 %.3f s" % sanoid)
PY
