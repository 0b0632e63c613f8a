#!/usr/bin/env bash
# Benchmark 2: /metrics with 100,000 series from replwatch's HTTP server vs
# Debian's prometheus-node-exporter serving the same series through its
# textfile collector (only that collector enabled). Sequential curl scrapes,
# with and without gzip; median and p99 latency, server CPU per scrape.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/await.sh
scripts/install-deps.sh prometheus-node-exporter curl
scripts/build.sh scrape_bench_server > /dev/null
series=${1:-100000}
scrapes=${2:-100}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

build/bench/scrape_bench_server "$series" 127.0.0.1:19101 "$work" > "$work/server.out" &
pids+=($!)
rw_pid=$!
await_ready 120 "$rw_pid" "scrape_bench_server" grep -q ready "$work/server.out"
prometheus-node-exporter --web.listen-address=127.0.0.1:19100 \
  --collector.disable-defaults --collector.textfile \
  --collector.textfile.directory="$work" > "$work/ne.log" 2>&1 &
pids+=($!)
ne_pid=$!
await_ready 60 "$ne_pid" "prometheus-node-exporter (log: $work/ne.log)" \
  curl -sf -o /dev/null 127.0.0.1:19100/metrics

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() {  # name url pid gzip
  local name=$1 url=$2 pid=$3 gzip=$4 before after
  local flags=(-s -o /dev/null -w '%{time_total}\n')
  [ "$gzip" = yes ] && flags+=(-H 'Accept-Encoding: gzip')
  curl "${flags[@]}" "$url" > /dev/null  # warm-up
  before=$(cpu_ticks "$pid")
  for _ in $(seq "$scrapes"); do curl "${flags[@]}" "$url"; done > "$work/times"
  after=$(cpu_ticks "$pid")
  python3 - "$name" "$gzip" "$work/times" "$before" "$after" "$scrapes" <<'PY'
import os, sys
name, gzip, path, before, after, n = sys.argv[1:]
t = sorted(float(x) for x in open(path))
hz = os.sysconf("SC_CLK_TCK")
cpu = (int(after) - int(before)) / hz / int(n)
p = lambda q: t[min(len(t) - 1, int(q * len(t)))]
print("%-14s gzip=%-3s median %7.1f ms  p99 %7.1f ms  cpu/scrape %6.1f ms"
      % (name, gzip, p(0.5) * 1000, p(0.99) * 1000, cpu * 1000))
PY
}
echo "$series series, $scrapes sequential scrapes each"
for gzip in no yes; do
  measure replwatch http://127.0.0.1:19101/metrics "$rw_pid" "$gzip"
  measure node_exporter http://127.0.0.1:19100/metrics "$ne_pid" "$gzip"
done
