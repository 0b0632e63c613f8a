#!/usr/bin/env bash
# Installs the given Debian packages that are missing (as scripts/install-deps.sh does,
# without starting services). Usage: packaging/install-tools.sh PACKAGE...
set -euo pipefail

missing=()
for package in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "packaging: need root to install: ${missing[*]}" >&2
  exit 1
fi
echo "packaging: installing ${missing[*]}" >&2
policy=/usr/sbin/policy-rc.d
created_policy=no
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  created_policy=yes
fi
trap '[ "$created_policy" = yes ] && rm -f "$policy"' EXIT
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
