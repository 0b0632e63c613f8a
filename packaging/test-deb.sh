#!/usr/bin/env bash
# Builds the .deb of one Debian release, runs that release's lintian on it (any E: fails)
# and installs it with apt into a clean minbase root of that release, then checks what the
# package promises: the binary runs, the example config fails only on its missing key and
# known_hosts files, the user, the permissions and the enabled unit are in place, the
# README's admin steps make the config valid, a reinstall keeps the admin's edits, and
# remove/purge leave what Debian policy says. Then, in the purged root made a fake Proxmox VE
# node, a fresh install links the discovery drop-in and starts the service, which (given
# systemd's credentials) passes check-config.
#   packaging/test-deb.sh [--release 12|13] [--build-dir DIR]   (see build-deb.sh)
# --release defaults to this machine's; Debian 13's package is built and linted in the
# Debian 13 build root (debian-roots/). Needs root. Each release's minbase root is
# bootstrapped once from Debian's archive and kept, with the downloaded .debs, in
# $REPLWATCH_CACHE (default /var/cache/replwatch); delete it to start cold. KEEP_ROOT=1
# keeps the chroot for inspection.
set -euo pipefail
umask 022
here=$(cd "$(dirname "$0")" && pwd)
test_name=test-deb
source "$here/../debian-roots/chroot.sh"
source "$here/test-root.sh"
enter_own_mount_namespace "$@"
this_release=$(. /etc/os-release && echo "$VERSION_ID")
release=$this_release
[ "${1:-}" != --release ] || {
  release=$2
  shift 2
}
case "$release" in
  12) codename=bookworm ;;
  13) codename=trixie ;;
  *) fail "--release 12 or 13, not $release" ;;
esac
"$here/../scripts/install-deps.sh" lintian debootstrap

step "building the Debian $release package"
deb=$("$here/build-deb.sh" --release "$release" "$@" | tail -n 1)
deb_version=$(dpkg-deb -f "$deb" Version)
[[ "$deb_version" == *"~deb$release" ]] || fail "$(basename "$deb") is version $deb_version, not ~deb$release"
# Where the package puts the unit: the enablement link must point there.
unit_file=$(dpkg-deb -c "$deb" | awk '{ sub(/^\./, "", $6); print $6 }' | grep '/systemd/system/replwatch.service$')

# The release's own lintian: Debian 13's knows the /usr merge and newer policy.
lintian_of_release() {
  if [ "$release" = "$this_release" ]; then
    lintian "$@"
  else
    "$here/../debian-roots/run-in-root.sh" --bind-ro "$(dirname "$deb")" \
      "$("$here/../debian-roots/debian13-root.sh" --path | tail -n 1)" -- lintian "$@"
  fi
}
step "lintian (Debian $release) $(basename "$deb")"
lintian_output=$(lintian_of_release --fail-on none --tag-display-limit 0 "$deb" 2>&1) || fail "lintian did not run"
lintian_output=$(grep -v '^running with root privileges' <<< "$lintian_output" || true)
[ -n "$lintian_output" ] && echo "$lintian_output" >&2
if grep -q '^E: ' <<< "$lintian_output"; then
  fail "lintian reports errors"
fi

make_test_root "$codename"
debs=$replwatch_cache/debs/$codename
cp "$deb" "$root/tmp/"

step "apt-get install /tmp/$(basename "$deb") in a clean chroot"
install_deb() {
  in_root apt-get update -qq &&
    in_root apt-get install "${apt_options[@]}" "/tmp/$(basename "$deb")"
}
install_deb > "$root/tmp/install.log" 2>&1 || {
  cat "$root/tmp/install.log" >&2
  fail "apt-get install"
}
debs_from_root "$debs"

step "checking the installed package"
grep -q "^replwatch: enabled but not started" "$root/tmp/install.log" || fail "postinst did not say why it did not start"
if grep -Eq '(^| )(re)?start ' "$root/tmp/systemctl.log"; then
  fail "postinst started the daemon without an SSH key: $(cat "$root/tmp/systemctl.log")"
fi
version_line=$(in_root replwatch --version)
[[ "$version_line" == "replwatch ${deb_version%-*} "* ]] || fail "replwatch --version printed: $version_line"

# The example config is complete but for the SSH key and known_hosts it names: nothing else
# may be reported.
config=/etc/replwatch/replwatch.yml
status=0
problems=$(in_root replwatch check-config --config.file=$config 2>&1) || status=$?
echo "$problems" >&2
[ "$status" -eq 1 ] || fail "check-config exit status $status, expected 1"
missing_file="^$config:[0-9]+:[0-9]+: ('key_file' file '[^']+'|'known_hosts_file' file '[^']+'|known_hosts_file '[^']+' for node '[^']+') does not exist or is not readable\$"
if grep -Evq "$missing_file" <<< "$problems"; then
  fail "check-config reported more than missing key/known_hosts files"
fi
grep -q "'key_file' file '/etc/replwatch/id_ed25519'" <<< "$problems" || fail "no missing key_file error"
grep -q "'known_hosts_file' file '/etc/pve/priv/known_hosts'" <<< "$problems" ||
  fail "no missing known_hosts_file error"

in_root getent passwd replwatch | grep -Eq '^replwatch:x:[0-9]{1,3}:[0-9]+:[^:]*:/var/lib/replwatch:/usr/sbin/nologin$' ||
  fail "system user replwatch: $(in_root getent passwd replwatch || true)"
in_root getent group replwatch > /dev/null || fail "no group replwatch"
[ "$(in_root stat -c '%a %U %G' /etc/replwatch)" = "750 root replwatch" ] ||
  fail "/etc/replwatch is $(in_root stat -c '%a %U %G' /etc/replwatch)"
# shellcheck disable=SC2016 # a dpkg-query format, not a shell expansion
in_root dpkg-query -W -f='${Conffiles}\n' replwatch | grep -q "^ $config " || fail "$config is no conffile"
cmp "$root$unit_file" "$here/../systemd/replwatch.service" || fail "unit file"
cmp "$root/usr/share/replwatch/pve-discovery.conf" "$here/../systemd/pve-discovery.conf" || fail "drop-in file"
[ ! -e "$root/etc/systemd/system/replwatch.service.d" ] || fail "postinst linked a drop-in on a non-PVE host"
# deb-systemd-helper names the unit by its /lib path on both releases; on a merged /usr that
# is the Debian 13 package's /usr/lib file.
enablement=/etc/systemd/system/multi-user.target.wants/replwatch.service
if [ ! -L "$root$enablement" ] ||
  [ "$(in_root readlink -f "$enablement")" != "$(in_root readlink -f "$unit_file")" ]; then
  fail "replwatch.service is not enabled ($enablement -> $(readlink "$root$enablement"), unit $unit_file)"
fi
# Every program the unit and the drop-in run must be installed (ExecReload's /bin/kill comes
# from procps).
for program in $(sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' "$root$unit_file" \
  "$root/usr/share/replwatch/pve-discovery.conf"); do
  [ -x "$root$program" ] || fail "the unit runs $program, which is not installed"
done
for file in usr/share/replwatch/alerts/replwatch-alerts.yml usr/share/replwatch/alerts/alertmanager.example.yml \
  usr/share/replwatch/grafana/dashboards/replwatch-overview.json \
  usr/share/replwatch/grafana/provisioning/dashboards/replwatch.yml \
  usr/share/doc/replwatch/runbook.md usr/share/doc/replwatch/copyright; do
  [ -f "$root/$file" ] || fail "/$file is missing"
done

step "the README's admin steps, then check-config as the replwatch user"
in_root sh -e -c "
  ssh-keygen -q -t ed25519 -N '' -C replwatch -f /etc/replwatch/id_ed25519
  chown replwatch: /etc/replwatch/id_ed25519 /etc/replwatch/id_ed25519.pub
  : > /etc/replwatch/known_hosts
  sed -i 's#^\( *known_hosts_file:\).*#\1 /etc/replwatch/known_hosts#' $config"
in_root runuser -u replwatch -- replwatch check-config --config.file=$config ||
  fail "check-config as replwatch after the admin steps"

step "reinstall (upgrade path)"
in_root dpkg -i "/tmp/$(basename "$deb")" > "$root/tmp/reinstall.log" 2>&1 || {
  cat "$root/tmp/reinstall.log" >&2
  fail "dpkg -i over the installed package"
}
grep -q 'known_hosts_file: /etc/replwatch/known_hosts' "$root$config" || fail "reinstall lost the admin's config edit"
grep -Eq "(^| )restart replwatch.service$" "$root/tmp/systemctl.log" || fail "postinst did not restart a valid setup"
[ "$(in_root stat -c '%a %U %G' /etc/replwatch)" = "750 root replwatch" ] || fail "reinstall changed /etc/replwatch"
in_root runuser -u replwatch -- replwatch check-config --config.file=$config || fail "check-config after reinstall"

step "remove, then purge"
mkdir -p "$root/var/lib/replwatch"
in_root apt-get remove "${apt_options[@]}" replwatch > "$root/tmp/remove.log" 2>&1 || {
  cat "$root/tmp/remove.log" >&2
  fail "apt-get remove"
}
[ ! -e "$root/usr/bin/replwatch" ] || fail "remove left /usr/bin/replwatch"
grep -Eq "(^| )stop replwatch.service$" "$root/tmp/systemctl.log" || fail "prerm did not stop the daemon"
[ -f "$root$config" ] || fail "remove deleted the conffile"
# Removed but not purged: still enabled, so masked (as dh_installsystemd does).
[ "$(readlink "$root/etc/systemd/system/replwatch.service")" = /dev/null ] || fail "remove did not mask the unit"
in_root apt-get purge "${apt_options[@]}" replwatch > "$root/tmp/purge.log" 2>&1 || {
  cat "$root/tmp/purge.log" >&2
  fail "apt-get purge"
}
[ ! -e "$root$config" ] || fail "purge left $config"
[ -f "$root/etc/replwatch/id_ed25519" ] || fail "purge deleted the admin's key"
[ ! -e "$root/var/lib/replwatch" ] || fail "purge left /var/lib/replwatch"
[ ! -L "$root/etc/systemd/system/multi-user.target.wants/replwatch.service" ] || fail "purge left the unit enabled"
[ ! -L "$root/etc/systemd/system/replwatch.service" ] || fail "purge left the unit masked"
in_root getent passwd replwatch > /dev/null || fail "purge removed the system user (policy: keep it)"

source "$here/test-deb-pve.sh"

step "PASS"
