#!/usr/bin/env bash
# The main job: starts a 3-node simulated Proxmox VE cluster (the lab), runs
# replwatch against it in the foreground, and tears the lab down on Ctrl-C.
# Pass --config.file=... (and other flags) to watch something else instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh replwatch

if [ $# -gt 0 ]; then
  exec build/daemon/replwatch "$@"
fi

port=10130
prometheus_port=10190
alertmanager_port=10193
# Each node's first guest is HA-managed, strict to its replicas' nodes (lab fault ha-loose-rule).
lab/lab up --nodes 3 --ha
stack_pid=
stop() {
  if [ -n "$stack_pid" ]; then
    kill "$stack_pid" 2>/dev/null || true
    wait "$stack_pid" 2>/dev/null || true
  fi
  lab/lab down
}
trap stop EXIT
config=/run/replwatch-lab/lab/replwatch.yml
lab/lab config > "$config"
# A real Prometheus and Alertmanager beside it, with the shipped rules (only `for:` and
# Alertmanager's timers shortened: an injected fault pages within seconds).
python3 alerts/fast_stack.py rwlab-lab /run/replwatch-lab/lab/alerting \
  "198.18.0.1:$port" > /run/replwatch-lab/lab/alerting.log 2>&1 &
stack_pid=$!
for p in "$port" "$prometheus_port" "$alertmanager_port"; do
  lab/lab expose --port "$p" > /dev/null
done
cat <<EOT

replwatch is watching the lab cluster (pve1, pve2, pve3). Ctrl-C stops it
and removes the lab.

  metrics:       http://127.0.0.1:$port/metrics
  status page:   http://127.0.0.1:$port/
  alerts:        http://127.0.0.1:$alertmanager_port/  (Alertmanager, the shipped routes)
  Prometheus:    http://127.0.0.1:$prometheus_port/alerts  (the shipped rules)
  one cycle:     ip netns exec rwlab-lab build/daemon/replwatch once --config.file=$config

In another shell:
  advance time and replicate:  lab/lab tick --minutes 15
  break something:             lab/lab fault degrade-pool pve2   (ReplwatchPoolDegraded
                                                                  pages within seconds)
                               lab/lab fault node-down pve3
                               lab/lab fault host-key-change pve2
  see all faults:              lab/README.md
  heal:                        lab/lab clear all

EOT
ip netns exec rwlab-lab build/daemon/replwatch --config.file="$config" \
  --web.listen-address="198.18.0.1:$port"
