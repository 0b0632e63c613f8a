#!/usr/bin/env bash
# Issue 18: a well-behaved scraper's latency (p50/p99/max over N scrapes in a
# row from 127.0.0.1, a new connection each, plain text, basic auth) with no
# attack and under each attack from 127.0.0.2, one after the other against
# one server:
#   slow  128 connections sending one byte every 2 s
#   idle  2,000 idle connections
#   gzip  4 clients fetching the exposition with gzip, again and again
#   auth  100 connections sending a wrong password, again and again
# "remembered": one user whose password check is remembered after the first
# scrape, as for Prometheus; "first login": another user every scrape, so
# every scrape waits for its own bcrypt check (cost 10).
# Goal: p99 under 100 ms under every attack; 10 s is Prometheus' timeout.
# Usage: bench/run-attack-bench.sh [exposition-bytes=1048576] [scrapes=100]
# (1 MiB: about 8,000 series; the issue's gzip case used 58 MB)
# REPLWATCH_BUILD_DIR as for scripts/build.sh; ATTACK_BENCH_SERVER runs
# another server binary (an older build) with the same arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/await.sh
scripts/install-deps.sh apache2-utils
build_dir=${REPLWATCH_BUILD_DIR:-build}
scripts/build.sh attack_bench_server attack_bench > /dev/null
bytes=${1:-1048576}
scrapes=${2:-100}
server=${ATTACK_BENCH_SERVER:-$build_dir/bench/attack_bench_server}
port=19131
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

user_line() { printf '  %s: %s\n' "$1" "$(htpasswd -nbBC 10 "$1" s3cret | cut -d: -f2-)"; }
{
  echo "basic_auth_users:"
  user_line prometheus
  # Two sets: the first-login runs must each meet users never seen before.
  for i in $(seq 0 $((scrapes - 1))); do user_line "login$i"; user_line "fresh$i"; done
} > "$work/web.yml"
"$server" "$bytes" "127.0.0.1:$port" "$work/web.yml" > "$work/server.out" 2> "$work/server.log" &
server_pid=$!
await_ready 120 "$server_pid" "attack_bench_server" grep -q ready "$work/server.out"
echo "$(cat "$work/server.out"), $scrapes scrapes per attack, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
run() {  # label attack credentials
  printf '%-12s ' "$1"
  "$build_dir/bench/attack_bench" "$port" "$2" "$scrapes" "$3"
  # Let the server close what the flood left before the next one.
  sleep 12
}
for attack in none slow idle gzip auth; do run remembered "$attack" prometheus:s3cret; done
run "first login" none 'login%d:s3cret'
run "first login" auth 'fresh%d:s3cret'
