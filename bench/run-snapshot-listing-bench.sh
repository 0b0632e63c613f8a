#!/usr/bin/env bash
# Snapshot inventory at about 1,000,000 snapshots (a 3-node lab): per node and
# steady-state cycle, side by side,
#  - replwatch with the incremental inventory (`incremental_snapshots: true`:
#    `date`, `zfs list -t filesystem,volume -o name,snapshots_changed`, then
#    `zfs list -t snapshot -d 1` of the datasets whose snapshots changed),
#  - replwatch listing every snapshot every cycle (`incremental_snapshots: false`),
#  - a naive loop: one `zfs list -t snapshot -d 1 <ds>` per filesystem and volume
#    (a random sample of datasets per node, extrapolated per dataset);
# commands, output bytes (replwatch's collector counters), modeled node CPU
# (the lab's cost ledger, lab/rwlab/costmodel.py: stated constants, not
# measurements) and how long a replication snapshot deleted on a target takes
# to show in /metrics. The daemons run one after the other. Details and what
# is counted: bench/snapshot_listing_bench.py.
# Usage: bench/run-snapshot-listing-bench.sh [snapshots=1000000] [cycles=3] [sample=20]
# (GUESTS=n sets the guests per node, default 1000.)
set -euo pipefail
cd "$(dirname "$0")/.."
snapshots=${1:-1000000}
cycles=${2:-3}
sample=${3:-20}
lab=bsl
if [ "$(id -u)" -ne 0 ]; then
  echo "run-snapshot-listing-bench: the lab needs root" >&2
  exit 1
fi
scripts/build.sh replwatch > /dev/null
work=$(mktemp -d)
cleanup() {
  # The driver's replwatch, by its pid, if the driver could not stop it.
  if [ -f "$work/daemon.pid" ]; then
    kill "$(cat "$work/daemon.pid")" 2> /dev/null || true
  fi
  lab/lab --name "$lab" down > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lab/lab --name "$lab" down > /dev/null 2>&1 || true
start=$(date +%s)
python3 bench/snapshot_listing_bench.py --lab "$lab" --work "$work" \
  --snapshots "$snapshots" --cycles "$cycles" --sample "$sample" --guests "${GUESTS:-1000}"
echo "wall time $(($(date +%s) - start)) s (lab down follows)"
