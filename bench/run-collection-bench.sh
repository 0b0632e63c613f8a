#!/usr/bin/env bash
# Benchmark 3: one full collection cycle (`replwatch once`) of an N-node lab
# vs the same remote commands run by a plain shell loop of OpenSSH `ssh`, one
# ssh per command. The command lines are not reconstructed: a recording run
# logs exactly what replwatch sent to each node (bench/lab_cycle.py record),
# including the paths probes (ssh-batch-check, ping), and the loops replay
# that list. Also the loop with ControlMaster and 8 nodes at a time (xargs -P,
# replwatch's default max_concurrent_nodes), reported separately.
# Each figure is the best of RUNS (replwatch and the fastest loop; the slow
# loops run once); CPU is user+sys of the measured process and
# its descendants (replwatch alone; ssh clients plus their bash loop) and on
# the nodes (their sshd sessions: bench/lab_cycle.py). The lab's ZFS/PVE
# tools are Python stand-ins, so node-side CPU dominates absolute times.
# Usage: bench/run-collection-bench.sh [nodes=50] [guests-per-node=10] [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-50}
guests=${2:-10}
runs=${3:-3}
lab=bc
replwatch=$PWD/build/daemon/replwatch
work=$(mktemp -d)
cleanup() { lab/lab --name "$lab" down > /dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

lab/lab --name "$lab" up --nodes "$nodes" --guests "$guests"
lab/lab --name "$lab" config > "$work/replwatch.yml"
once=("$replwatch" once --config.file="$work/replwatch.yml" --log.level=warn)
python3 bench/lab_cycle.py record "$lab" "$work/commands.tsv" -- "${once[@]}"

# best NAME RUNS CMD...: the best wall, local CPU and node CPU of RUNS runs.
best() {
  local name=$1 count=$2
  shift 2
  for _ in $(seq "$count"); do
    python3 bench/lab_cycle.py measure "$lab" -- "$@"
  done > "$work/$name.runs"
  python3 - "$name" "$count" "$work/$name.runs" <<'PY'
import sys
name, count, path = sys.argv[1:]
runs = [dict(f.split("=") for f in line.split()[:3]) for line in open(path)]
best = {k: min(float(r[k]) for r in runs) for k in ("wall_s", "cpu_s", "node_cpu_s")}
print("%s\t%s\t%.3f\t%.3f\t%.3f" % (name, count, best["wall_s"], best["cpu_s"], best["node_cpu_s"]))
PY
}

best replwatch "$runs" "${once[@]}" > "$work/results"
for variant in "plain 1" "mux 1" "plain 8" "mux 8"; do
  read -r mode parallel <<< "$variant"
  dir=$work/$mode-$parallel
  mkdir "$dir"
  python3 bench/ssh_loop.py "$lab" "$work/commands.tsv" "$mode" "$parallel" "$dir"
  # The other loops take minutes at 50 nodes: only the closest rival repeats.
  count=1
  [ "$variant" = "mux 8" ] && count=$runs
  best "ssh-$mode-$parallel" "$count" bash "$dir/loop.sh" >> "$work/results"
done

python3 - "$nodes" "$guests" "$work/commands.tsv" "$work/results" <<'PY'
import sys
nodes, guests, commands, results = sys.argv[1:]
sent = [line.split("\t")[0] for line in open(commands)]
per_node = sorted({sent.count(n) for n in set(sent)})
labels = {
    "replwatch": "replwatch once (libssh, 1 session/node)",
    "ssh-plain-1": "ssh loop, 1 ssh per command",
    "ssh-mux-1": "ssh loop, ControlMaster per node",
    "ssh-plain-8": "ssh loop, 8 nodes at a time",
    "ssh-mux-8": "ssh loop, ControlMaster, 8 at a time",
}
rows = [line.split("\t") for line in open(results).read().split("\n") if line]
rw = rows[0]
print("%s nodes, %s guests per node: %s commands sent in one cycle (%s per node)"
      % (nodes, guests, len(sent), "/".join(map(str, per_node))))
print("%-40s %5s %9s %12s %11s %12s %13s" % (
    "", "runs", "wall s", "local CPU s", "node CPU s", "wall vs rw", "local CPU vs rw"))
for name, count, wall, cpu, node in rows:
    print("%-40s %5s %9.2f %12.3f %11.2f %11.1fx %14.1fx" % (
        labels[name], count, float(wall), float(cpu), float(node),
        float(wall) / float(rw[2]), float(cpu) / float(rw[3])))
PY
