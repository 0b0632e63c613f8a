#!/usr/bin/env bash
# Builds the .deb, runs lintian on it (any E: fails) and installs it with apt into a clean
# Debian 12 minbase chroot, then checks what the package promises: the binary runs, the
# example config fails only on its missing key and known_hosts files, the user, the
# permissions and the enabled unit are in place, the README's admin steps make the config
# valid, a reinstall keeps the admin's edits, and remove/purge leave what Debian policy says.
# Then, in the purged root made a fake Proxmox VE node, a fresh install links the discovery
# drop-in and starts the service, which (given systemd's credentials) passes check-config.
#   packaging/test-deb.sh [--build-dir DIR]   (DIR: an already built tree, see build-deb.sh)
# Needs root. Debian 12 is bootstrapped once from apt's own Debian mirror and kept, with the
# downloaded .debs, in $REPLWATCH_TEST_CACHE (default /var/cache/replwatch-test); delete it
# to start cold. KEEP_ROOT=1 keeps the chroot for inspection.
set -euo pipefail
umask 022
here=$(cd "$(dirname "$0")" && pwd)
cache=${REPLWATCH_TEST_CACHE:-/var/cache/replwatch-test}
started=$(date +%s)
source "$here/chroot-support.sh"

step() { echo "test-deb: $* ($(($(date +%s) - started)) s)" >&2; }
fail() {
  echo "test-deb: FAIL: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot)"
# In a mount namespace of its own, the chroots' mounts vanish with the script even when it
# is killed. KEEP_ROOT=1 stays outside, so the kept chroot can be entered.
if [ -z "${REPLWATCH_TEST_UNSHARED:-}" ] && [ "${KEEP_ROOT:-0}" != 1 ]; then
  exec env REPLWATCH_TEST_UNSHARED=1 unshare --mount --propagation private "$0" "$@"
fi
"$here/../scripts/install-deps.sh" lintian debootstrap

step "building the package"
deb=$("$here/build-deb.sh" "$@" | tail -n 1)
deb_version=$(dpkg-deb -f "$deb" Version)

step "lintian $(basename "$deb")"
lintian_output=$(lintian --fail-on none --tag-display-limit 0 "$deb" 2>&1) || fail "lintian did not run"
lintian_output=$(grep -v '^running with root privileges' <<< "$lintian_output" || true)
[ -n "$lintian_output" ] && echo "$lintian_output" >&2
if grep -q '^E: ' <<< "$lintian_output"; then
  fail "lintian reports errors"
fi

# The chroots live in tmpfs mounts: unpacking and deleting a 200 MB tree on a busy disk
# took 25 s, in memory it takes 1 s.
bootstrap_dir=""
root=""
cleanup() {
  if [ -n "$bootstrap_dir" ]; then
    unmount_under "$bootstrap_dir"
    rmdir "$bootstrap_dir"
  fi
  [ -n "$root" ] || return 0
  if [ "${KEEP_ROOT:-0}" = 1 ]; then
    echo "test-deb: chroot kept in $root (remove: umount $root && rmdir $root)" >&2
  else
    unmount_under "$root"
    rmdir "$root"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$cache/archives"
exec 9> "$cache/lock"
flock 9
tarball=$cache/bookworm-minbase-$(dpkg --print-architecture).tar
if [ ! -f "$tarball" ]; then
  step "bootstrapping Debian 12 into $tarball (once)"
  bootstrap_dir=$(mktemp -d "$cache/bootstrap.XXXXXX")
  mount_tmpfs "$bootstrap_dir"
  bootstrap_root "$tarball" "$bootstrap_dir"
fi

root=$(mktemp -d "$cache/root.XXXXXX")
mount_tmpfs "$root"
tar -C "$root" --numeric-owner --no-overwrite-dir -xf "$tarball"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
cp "$cache/archives/"*.deb "$root/var/cache/apt/archives/" 2> /dev/null || true
cp "$deb" "$root/tmp/"

# systemd does not run in a chroot: /run/systemd/system makes the maintainer scripts believe
# it does, and a stand-in systemctl on root's PATH records what they ask of it. It is not in
# /usr/bin, where deb-systemd-helper would hand enabling over to it (`systemctl preset`).
mkdir -p "$root/run/systemd/system"
cat > "$root/usr/local/sbin/systemctl" << 'EOF'
#!/bin/sh
echo "$*" >> /tmp/systemctl.log
case "$*" in
  *is-enabled*) echo enabled ;;
  *is-active*) exit 3 ;;
esac
EOF
chmod 755 "$root/usr/local/sbin/systemctl"
# apt runs dpkg with a PATH of its own (DPkg::Path), without /usr/local; no pty in a chroot.
apt_options=(-y -q -o Dpkg::Use-Pty=0 -o DPkg::Path=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin)

step "apt-get install /tmp/$(basename "$deb") in a clean chroot"
install_deb() {
  in_root apt-get update -qq &&
    in_root apt-get install "${apt_options[@]}" "/tmp/$(basename "$deb")"
}
install_deb > "$root/tmp/install.log" 2>&1 || {
  cat "$root/tmp/install.log" >&2
  fail "apt-get install"
}
cp -n "$root/var/cache/apt/archives/"*.deb "$cache/archives/" 2> /dev/null || true

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
cmp "$root/lib/systemd/system/replwatch.service" "$here/../systemd/replwatch.service" || fail "unit file"
cmp "$root/usr/share/replwatch/pve-discovery.conf" "$here/../systemd/pve-discovery.conf" || fail "drop-in file"
[ ! -e "$root/etc/systemd/system/replwatch.service.d" ] || fail "postinst linked a drop-in on a non-PVE host"
[ "$(readlink "$root/etc/systemd/system/multi-user.target.wants/replwatch.service")" = /lib/systemd/system/replwatch.service ] ||
  fail "replwatch.service is not enabled"
# Every program the unit and the drop-in run must be installed (ExecReload's /bin/kill comes
# from procps).
for program in $(sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' "$root/lib/systemd/system/replwatch.service" \
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
