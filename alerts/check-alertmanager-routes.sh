#!/bin/sh
# Checks that alertmanager.example.yml routes every replwatch alert to the receiver its
# severity calls for: critical -> pager, warning -> tickets, info -> dashboard-only.
# The alert names and severities are read from the rule file, so a new alert is covered
# automatically.
#
# usage: check-alertmanager-routes.sh <amtool> <alertmanager.yml> <replwatch-alerts.yml>
set -eu

if [ "$#" -ne 3 ]; then
  echo "usage: $0 <amtool> <alertmanager.yml> <replwatch-alerts.yml>" >&2
  exit 2
fi
amtool=$1
config=$2
rules=$3

failures=0
checked=0

expect_route() {
  expected=$1
  shift
  if "$amtool" config routes test --config.file="$config" \
      --verify.receivers="$expected" "$@" >/dev/null 2>&1; then
    checked=$((checked + 1))
  else
    echo "FAIL: $* did not route to $expected" >&2
    failures=$((failures + 1))
  fi
}

receiver_for() {
  case $1 in
    critical) echo pager ;;
    warning) echo tickets ;;
    info) echo dashboard-only ;;
    *) echo "unknown severity '$1'" >&2; return 1 ;;
  esac
}

# "<alertname> <severity>" for every rule, in file order.
pairs=$(awk '
  /^ *- alert: / { name = $3 }
  /^ *severity: / && name != "" { print name, $2; name = "" }
' "$rules" | sort -u)

if [ -z "$pairs" ]; then
  echo "FAIL: no alerts found in $rules" >&2
  exit 1
fi

echo "$pairs" | {
  while read -r name severity; do
    receiver=$(receiver_for "$severity")
    expect_route "$receiver" alertname="$name" severity="$severity" \
      pve_cluster=lab node=pve1
  done
  # Something without a severity (a user's own rule) still reaches a human.
  expect_route tickets alertname=SomethingElse
  echo "$checked routes checked, $failures failed"
  [ "$failures" -eq 0 ]
}
