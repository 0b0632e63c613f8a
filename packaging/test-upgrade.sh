#!/usr/bin/env bash
# A PVE 8 node moving to PVE 9, as far as replwatch goes. A clean Debian 12 root gets the
# Debian 12 package, configured as the README says (config edited, SSH key, known_hosts) plus
# a file in /var/lib/replwatch; it is upgraded to Debian 13 as Debian's release notes say
# (sources switched to trixie, apt-get full-upgrade); then the Debian 13 package is installed
# over the Debian 12 one with apt. The config, key, known_hosts and state must be kept byte
# for byte, the unit enabled and restarted, `replwatch --version` and check-config (as user
# replwatch) must work, also once the Debian 12 leftovers are autoremoved, and the binary
# must load no Debian 12 library.
#   packaging/test-upgrade.sh [--build-dir DIR] [--debian13-build-dir DIR]
# DIRs are built trees as for build-deb.sh (default: each package is built from scratch).
# Needs root. The upgrade's .debs are kept in $REPLWATCH_CACHE/debs/trixie (default
# /var/cache/replwatch), so a rerun downloads nothing. KEEP_ROOT=1 keeps the chroot.
set -euo pipefail
umask 022
here=$(cd "$(dirname "$0")" && pwd)
test_name=test-upgrade
source "$here/../debian-roots/chroot.sh"
source "$here/test-root.sh"
enter_own_mount_namespace "$@"
deb12_args=()
deb13_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) deb12_args=(--build-dir "$2"); shift 2 ;;
    --debian13-build-dir) deb13_args=(--build-dir "$2"); shift 2 ;;
    *) fail "usage: $0 [--build-dir DIR] [--debian13-build-dir DIR]" ;;
  esac
done
"$here/../scripts/install-deps.sh" debootstrap

step "building the Debian 12 and Debian 13 packages"
deb12=$("$here/build-deb.sh" --release 12 "${deb12_args[@]}" | tail -n 1)
deb13=$("$here/build-deb.sh" --release 13 "${deb13_args[@]}" | tail -n 1)

# Debian 13 with the Debian 12 leftovers needs about 1 GB.
make_test_root bookworm 3g
cp "$deb12" "$deb13" "$root/tmp/"
# Runs apt-get in the root, its output in /tmp/$1.log, shown when it fails.
apt_in_root() {
  local log=$1
  shift
  in_root apt-get "$@" > "$root/tmp/$log.log" 2>&1 || {
    tail -n 40 "$root/tmp/$log.log" >&2
    fail "apt-get $*"
  }
}

step "Debian 12: apt-get install $(basename "$deb12"), configured as the README says"
apt_in_root update-12 update -qq
apt_in_root install-12 install "${apt_options[@]}" "/tmp/$(basename "$deb12")"
debs_from_root "$replwatch_cache/debs/bookworm"
config=/etc/replwatch/replwatch.yml
in_root sh -e -c "
  ssh-keygen -q -t ed25519 -N '' -C replwatch -f /etc/replwatch/id_ed25519
  chown replwatch: /etc/replwatch/id_ed25519 /etc/replwatch/id_ed25519.pub
  ssh-keygen -q -t ed25519 -N '' -f /tmp/pve1_host_key
  echo \"pve1 \$(cut -d ' ' -f 1,2 /tmp/pve1_host_key.pub)\" > /etc/replwatch/known_hosts
  sed -i 's#^\( *known_hosts_file:\).*#\1 /etc/replwatch/known_hosts#' $config
  mkdir -p /var/lib/replwatch
  echo 'state written on Debian 12' > /var/lib/replwatch/kept-across-upgrade
  chown -R replwatch: /var/lib/replwatch"
in_root runuser -u replwatch -- replwatch check-config --config.file=$config ||
  fail "check-config on Debian 12 after the admin steps"
kept_files=("$config" /etc/replwatch/id_ed25519 /etc/replwatch/id_ed25519.pub
  /etc/replwatch/known_hosts /var/lib/replwatch/kept-across-upgrade)
fingerprint() {
  # shellcheck disable=SC2016 # expanded by the root's sh
  in_root sh -c 'for f; do stat -c "%n %a %U:%G" "$f"; sha256sum "$f"; done' sh "${kept_files[@]}"
}
before=$(fingerprint)

step "upgrading the root to Debian 13 (sources to trixie, apt-get full-upgrade)"
write_apt_sources "$root" trixie
debs_into_root "$replwatch_cache/debs/trixie"
apt_in_root update-13 update -qq
# An upgrade keeps the admin's version of changed conffiles, as the release notes advise.
apt_in_root full-upgrade full-upgrade "${apt_options[@]}" \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
debs_from_root "$replwatch_cache/debs/trixie"
[[ "$(cat "$root/etc/debian_version")" == 13.* ]] || fail "the root is Debian $(cat "$root/etc/debian_version") after the upgrade"
# shellcheck disable=SC2016 # a dpkg-query format, not a shell expansion
[ "$(in_root dpkg-query -W -f='${Version}' replwatch)" = "$(dpkg-deb -f "$deb12" Version)" ] ||
  fail "full-upgrade removed or replaced the Debian 12 package"
# The Debian 12 libraries it needs stay installed (obsolete), so it keeps watching meanwhile.
in_root replwatch --version > /dev/null || fail "the Debian 12 binary no longer runs on the upgraded root"

step "apt-get install $(basename "$deb13") over the Debian 12 package"
: > "$root/tmp/systemctl.log"
apt_in_root install-13 install "${apt_options[@]}" "/tmp/$(basename "$deb13")"
# shellcheck disable=SC2016
[ "$(in_root dpkg-query -W -f='${Version}' replwatch)" = "$(dpkg-deb -f "$deb13" Version)" ] ||
  fail "the Debian 13 package is not the installed one"
[ "$(fingerprint)" = "$before" ] || {
  diff <(echo "$before") <(fingerprint) >&2 || true
  fail "the upgrade changed the config, key, known_hosts or state"
}
grep -Eq "(^| )restart replwatch.service$" "$root/tmp/systemctl.log" ||
  fail "postinst did not restart the configured service: $(cat "$root/tmp/systemctl.log")"
unit_link=$root/etc/systemd/system/multi-user.target.wants/replwatch.service
[ -f "$root$(readlink "$unit_link")" ] || fail "the enablement link points to $(readlink "$unit_link"), which is not there"
cmp "$root$(readlink "$unit_link")" "$here/../systemd/replwatch.service" || fail "the unit is not the shipped one"

check_runs() {
  local version
  version=$(in_root replwatch --version) || fail "replwatch --version ($1)"
  [[ "$version" == "replwatch $(dpkg-deb -f "$deb13" Version | sed 's/-.*//') "* ]] ||
    fail "replwatch --version printed '$version' ($1)"
  in_root runuser -u replwatch -- replwatch check-config --config.file=$config ||
    fail "check-config as replwatch ($1)"
  # Every library from Debian 13: none missing, none of Debian 12's sonames.
  local libraries
  libraries=$(in_root ldd /usr/bin/replwatch) || fail "ldd /usr/bin/replwatch ($1)"
  if grep -E 'not found|libyaml-cpp\.so\.0\.7|libfmt\.so\.9|libspdlog\.so\.1\.10|1\.74\.0' <<< "$libraries"; then
    fail "the Debian 13 binary loads a missing or Debian 12 library ($1)"
  fi
}
step "checking the Debian 13 package on the upgraded root"
check_runs "after the upgrade"
apt_in_root autoremove autoremove "${apt_options[@]}" --purge
for obsolete in libyaml-cpp0.7 libfmt9; do
  ! in_root dpkg-query -W "$obsolete" > /dev/null 2>&1 || fail "autoremove left $obsolete"
done
check_runs "after autoremove"
[ "$(fingerprint)" = "$before" ] || fail "autoremove changed the config, key, known_hosts or state"

step "PASS"
