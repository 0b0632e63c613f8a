#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ into build-fuzz/ (clang, ASan, UBSan)
# and runs each, one after the other, for the given number of seconds.
#   scripts/fuzz.sh [seconds-per-target] [target...]   (default 10, all)
# Seed corpora are made at run time from the real-world fixtures beside the
# checkout (their 2 header lines stripped; they must not enter the repo) and
# collectors/parsers/testdata/. Crashes, timeouts and out-of-memory inputs go
# to build-fuzz/crashes/, logs to build-fuzz/logs/; the exit status is
# non-zero if any target failed.
set -euo pipefail
seconds=${1:-10}
shift || true
cd "$(dirname "$0")/.."
repo=$PWD
build=$repo/build-fuzz
real_world=${REPLWATCH_REAL_WORLD_FIXTURES:-$repo/../shared/fixtures/real-world}
testdata=$repo/collectors/parsers/testdata

scripts/install-deps.sh
scripts/install-deps.sh clang libclang-rt-14-dev

# Debug keeps assert() alive; _GLIBCXX_ASSERTIONS bounds-checks operator[]
# of string_view, string and vector, which ASan alone cannot see inside a
# buffer.
mkdir -p "$build"
build_log=$build/build.log
CC=clang CXX=clang++ cmake -S . -B "$build" -DREPLWATCH_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -D_GLIBCXX_ASSERTIONS -g -O1" \
  > "$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
if [ ! -f "$build/fuzz/Makefile" ]; then
  echo "fuzz: CMakeLists.txt must have add_subdirectory(fuzz)" >&2
  exit 1
fi
nice -n 10 cmake --build "$build" --target replwatch_fuzzers \
  -j"${REPLWATCH_FUZZ_JOBS:-1}" >> "$build_log" 2>&1 ||
  { tail -50 "$build_log" >&2; exit 1; }

[ -d "$real_world" ] || { echo "fuzz: no fixtures at $real_world" >&2; exit 1; }
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$build/crashes" "$build/logs" "$build/corpus"

# real <target> <folder> <json|text|all>: fixtures of a real-world folder.
real() {
  local file name
  mkdir -p "$seeds/$1"
  for file in "$real_world/$2"/*.txt; do
    name=$(basename "$file")
    case $3 in
      json) [[ $name == *json* ]] || continue ;;
      text) [[ $name == *json* ]] && continue ;;
    esac
    sed '1{/^# /d};2{/^# /d}' "$file" > "$seeds/$1/$name"
  done
}
# local <target> <testdata file...>
local_files() {
  local target=$1
  shift
  mkdir -p "$seeds/$target"
  for file in "$@"; do cp "$testdata/$file" "$seeds/$target/"; done
}
# text <target> <name> <printf format>: a hand-made seed.
text() {
  mkdir -p "$seeds/$1"
  printf "$3" > "$seeds/$1/$2"
}

real json zpool-status json; real json zpool-list json
real json zfs-get json; real json zfs-list json; real json ip-link json
local_files json ip-j-s-d-link.json pve-replication-state.json \
  zpool-status-j-json-int.json
real zpool_status zpool-status text
local_files zpool_status zpool-status-p-resilver-replacing.txt \
  zpool-status-special-logs-cache-spares.txt
real zpool_status_json zpool-status json
local_files zpool_status_json zpool-status-j-json-int.json
real zpool_list zpool-list text; local_files zpool_list zpool-list-Hp.txt
real zpool_list_human zpool-list text
real zpool_list_json zpool-list json
local_files zpool_get zpool-get-Hp.txt
real zfs_get zfs-get text; local_files zfs_get zfs-get-Hp.txt
real zfs_get_human zfs-get text
real zfs_get_json zfs-get json
local_files datasets_facts zfs-list-replication-props.txt
for target in zfs_snapshot_list snapshots_facts; do
  real $target zfs-list text
  local_files $target zfs-list-snapshots-creation.txt
done
local_files replication_state pve-replication-state.json
text pmxcfs_status vmlist '{\n"version": 17,\n"ids": {\n"100": { "node": "pve1", "type": "qemu", "version": 9 }}\n\n}\n'
text pmxcfs_status members '{\n"nodename": "pve1",\n"version": 5,\n"nodelist": {\n  "pve1": { "id": 1, "online": 1, "ip": "198.18.0.11"}\n  }\n}\n'
text proc_stat pvesr '4242 (pvesr) S 1 4242 4242 0 -1 4194560 5208 0 0 0 31 6 0 0 20 0 1 0 1234567 118587392 30236\n'
local_files replication_cfg replication.cfg
local_files vzdump_jobs jobs.cfg
local_files ha_config ha-resources.cfg ha-groups.cfg ha-rules.cfg
local_files task_list tasks-active.txt
local_files scrub_schedule cron.d-zfsutils-linux
text scrub_schedule timers 'zfs-scrub-weekly@tank.timer\nzfs-scrub-monthly@rpool.timer\n'
real replication_log pve-replication-log all
local_files replication_log replicate-log-incremental-mismatch.txt \
  replicate-log-no-common-base.txt
real ip_link_json ip-link json; local_files ip_link_json ip-j-s-d-link.json
real ip_link_text ip-link text
# error_class: state error, NUL, last run's log.
real error_class pve-replication-log all
local_files error_class \
  replicate-log-incremental-mismatch.txt replicate-log-no-common-base.txt
for file in "$seeds/error_class"/*; do
  { printf "command 'zfs recv' failed: exit code 1\0"; cat "$file"; } \
    > "$file.with-state"
done
mkdir -p "$seeds/calendar_event"
sed -n 's/^[[:space:]]*schedule[[:space:]]\+//p' "$testdata/replication.cfg" |
  while read -r schedule; do
    printf '%s' "$schedule" > "$seeds/calendar_event/$(echo "$schedule" | md5sum | cut -c1-8)"
  done
text calendar_event every-15 '*/15'
text calendar_event weekdays 'mon..fri 22:00'
text calendar_event first-saturday 'sat *-1..7 15:00'
text calendar_event keyword 'semi-annually'
text date epoch '1736506800.123456789\n'
text date ctime 'Sun Feb  4 20:54:25 2024'
text date log '2024-02-04 20:54:25'
text zfs_version pve 'zfs-2.2.6-pve1\nzfs-kmod-2.2.6-pve1\n'
text pveversion pve 'pve-manager/8.2.4/faa83925c9641325 (running kernel: 6.8.8-2-pve)\n'
text forced_command shell-line "LC_ALL=C exec timeout -k 5 31 'cat' '/var/log/pve/replicate/100-0'"
text forced_command argv 'cat\n/var/lib/pve-manager/pve-replication-state.json\n'
text forced_command ping-args '1472\n10.0.0.2\n'
mkdir -p "$seeds/config"
cp config/*.yml "$seeds/config/"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for binary in "$build"/fuzz/*_fuzzer; do
    name=$(basename "$binary")
    targets+=("${name%_fuzzer}")
  done
fi

export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=()
for target in "${targets[@]}"; do
  mkdir -p "$build/corpus/$target" "$seeds/$target"
  log=$build/logs/$target.log
  if nice -n 10 "$build/fuzz/${target}_fuzzer" -max_len=1048576 -timeout=10 \
      -rss_limit_mb=2048 -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$build/crashes/$target-" \
      "$build/corpus/$target" "$seeds/$target" > "$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$target")
  fi
  # The last status line: "#N DONE cov: C ft: F corp: ... exec/s: E ...".
  stats=$(grep -E '^#[0-9]+' "$log" | tail -1 |
    sed -E 's/^#([0-9]+)[[:space:]]+[A-Z]+[[:space:]]+/runs: \1 /' |
    grep -oE '(runs|cov|ft|exec/s): [0-9]+' | tr '\n' ' ' || true)
  echo "fuzz: $target: $status ${stats}"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}; inputs in $build/crashes, logs in" \
    "$build/logs; replay one with $build/fuzz/<target>_fuzzer <input>" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s without a finding"
