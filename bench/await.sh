# Sourced by the benchmarks: waits for a process it started to be ready, or
# says why not and exits non-zero (a benchmark that cannot run its comparison
# must not wait forever, nor print half a table).
#
#   await_ready <seconds> <pid> <what> <command...>
# polls <command> every 0.2 s until it succeeds; fails when <pid> has exited
# or <seconds> have passed.
await_ready() {
  local seconds=$1 pid=$2 what=$3
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" > /dev/null 2>&1; do
    if ! kill -0 "$pid" 2> /dev/null; then
      echo "benchmark: $what exited before it was ready; cannot compare" >&2
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "benchmark: $what not ready after ${seconds}s; cannot compare" >&2
      exit 1
    fi
    sleep 0.2
  done
}
