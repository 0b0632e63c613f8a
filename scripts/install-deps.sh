#!/usr/bin/env bash
# Installs the Debian 12 packages replwatch needs to build, test and run its
# lab, but only those that are missing. Services of freshly installed
# packages (prometheus, alertmanager, sshd) are not started: the tests start
# their own instances. With arguments, installs those packages instead
# (e.g. packaging and fuzzing tools).
set -euo pipefail

packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(
  build-essential cmake pkg-config
  prometheus-cpp-dev libssh-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  catch2 nlohmann-json3-dev libboost-dev libssl-dev libcrypt-dev zlib1g-dev
  clang-format flake8 black
  openssh-server openssh-client curl openssl apache2-utils
  iproute2 iputils-ping procps util-linux python3 systemd nftables
  prometheus prometheus-alertmanager
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "replwatch: need root to install: ${missing[*]}" >&2
  exit 1
fi
echo "replwatch: installing ${missing[*]}" >&2
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
