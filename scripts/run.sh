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
lab/lab up --nodes 3
trap 'lab/lab down' EXIT
config=/run/replwatch-lab/lab/replwatch.yml
lab/lab config > "$config"
lab/lab expose --port "$port" > /dev/null
cat <<EOT

replwatch is watching the lab cluster (pve1, pve2, pve3). Ctrl-C stops it
and removes the lab.

  metrics:      http://127.0.0.1:$port/metrics
  status page:  http://127.0.0.1:$port/
  one cycle:    ip netns exec rwlab-lab build/daemon/replwatch once --config.file=$config

In another shell:
  advance time and replicate:  lab/lab tick --minutes 15
  break something:             lab/lab fault degrade-pool pve2
                               lab/lab fault node-down pve3
                               lab/lab fault host-key-change pve2
  see all faults:              lab/README.md
  heal:                        lab/lab clear all

EOT
ip netns exec rwlab-lab build/daemon/replwatch --config.file="$config" \
  --web.listen-address="198.18.0.1:$port"
