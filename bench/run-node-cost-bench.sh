#!/usr/bin/env bash
# Benchmark 5: what one collection cycle (`replwatch once`) costs a node, for
# 10, 100 and 1,000 guests per node (a 3-node lab, so every node replicates
# to two peers). Per node:
#  - remote commands: counted exactly by a recording run, in which every
#    session opened with replwatch's key is logged by a forced command
#    (bench/lab_cycle.py record);
#  - output bytes: stdout+stderr of those commands, from the same log;
#  - bytes sent: the node's vmbr0 tx counter over a cycle (SSH, TCP/IP and
#    the node's own paths probes to its peers included);
#  - node CPU: user+sys of everything the cycle ran on the node, from its
#    sshd listener's own and reaped children's CPU (bench/lab_cycle.py).
# CPU and bytes sent are the best of RUNS plain cycles (no recorder).
# The node's zfs/zpool/pveversion are Python stand-ins (about 50-150 ms of
# interpreter start-up and model loading each), so node CPU here says how
# the cost grows with guests, not what a real node's zfs costs.
# Usage: bench/run-node-cost-bench.sh [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
lab=bn
nodes=3
replwatch=$PWD/build/daemon/replwatch
work=$(mktemp -d)
cleanup() { lab/lab --name "$lab" down > /dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

for guests in 10 100 1000; do
  lab/lab --name "$lab" up --nodes "$nodes" --guests "$guests" > /dev/null
  lab/lab --name "$lab" config > "$work/replwatch.yml"
  once=("$replwatch" once --config.file="$work/replwatch.yml" --log.level=warn)
  python3 bench/lab_cycle.py record "$lab" "$work/commands-$guests.tsv" -- "${once[@]}"
  for _ in $(seq "$runs"); do
    python3 bench/lab_cycle.py measure "$lab" -- "${once[@]}"
  done > "$work/runs-$guests"
  lab/lab --name "$lab" down > /dev/null
done

python3 - "$work" "$nodes" "$runs" <<'PY'
import sys
work, nodes, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
print("%d-node lab, one `replwatch once` cycle; per node: mean (min-max over nodes);"
      " CPU and bytes sent: best of %s cycles" % (nodes, runs))
print("%-7s %-12s %-27s %-27s %-16s %s" % (
    "guests", "commands", "output bytes", "bytes sent", "node CPU ms",
    "replwatch wall s / CPU ms"))


def spread(values, fmt):
    return ("%s (%s-%s)" % (fmt, fmt, fmt)) % (sum(values) / len(values), min(values),
                                               max(values))


for guests in (10, 100, 1000):
    commands, output = {}, {}
    for line in open("%s/commands-%d.tsv" % (work, guests)):
        node, out, err, _ = line.split("\t", 3)
        commands[node] = commands.get(node, 0) + 1
        output[node] = output.get(node, 0) + int(out) + int(err)
    runs_ = [dict(f.split("=", 1) for f in line.split()) for line in
             open("%s/runs-%d" % (work, guests))]
    # Per node, the best (least) CPU and bytes sent over the runs.
    cpu, sent = {}, {}
    for run in runs_:
        for entry in run["per_node_cpu_s,sent_bytes"].split(","):
            node, c, b = entry.split(":")
            cpu[node] = min(cpu.get(node, 1e9), float(c) * 1000)
            sent[node] = min(sent.get(node, 1e18), int(b))
    wall = min(float(r["wall_s"]) for r in runs_)
    local = min(float(r["cpu_s"]) for r in runs_) * 1000
    print("%-7d %-12s %-27s %-27s %-16s %.2f / %.0f" % (
        guests, spread(list(commands.values()), "%.0f"), spread(list(output.values()), "%.0f"),
        spread(list(sent.values()), "%.0f"), spread(list(cpu.values()), "%.0f"), wall, local))
PY
