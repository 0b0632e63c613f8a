# shellcheck shell=bash
# What the package tests share (sourced by test-deb.sh and test-upgrade.sh, after
# debian-roots/chroot.sh, with $test_name set): progress and failure messages, a mount
# namespace of their own, and a clean root of one Debian release that goes when they end.
# shellcheck disable=SC2154 # test_name is the caller's

started=$(date +%s)
step() { echo "$test_name: $* ($(($(date +%s) - started)) s)" >&2; }
fail() {
  echo "$test_name: FAIL: $*" >&2
  exit 1
}

# Runs the test again ($0 "$@") in a mount namespace of its own: the roots' mounts vanish
# with it even when it is killed. KEEP_ROOT=1 stays outside, so that the kept root can be
# entered.
enter_own_mount_namespace() {
  [ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot)"
  if [ -z "${REPLWATCH_TEST_UNSHARED:-}" ] && [ "${KEEP_ROOT:-0}" != 1 ]; then
    exec env REPLWATCH_TEST_UNSHARED=1 unshare --mount --propagation private "$0" "$@"
  fi
}

root=""
remove_test_root() {
  [ -n "$root" ] || return 0
  if [ "${KEEP_ROOT:-0}" = 1 ]; then
    echo "$test_name: chroot kept in $root (remove: umount $root && rmdir $root)" >&2
  else
    unmount_under "$root"
    rmdir "$root"
  fi
}
trap remove_test_root EXIT
trap 'exit 130' INT TERM HUP

# apt runs dpkg with a PATH of its own (DPkg::Path), without /usr/local; no pty in a chroot.
# shellcheck disable=SC2034 # for the sourcing tests
apt_options=(-y -q -o Dpkg::Use-Pty=0 -o DPkg::Path=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin)

# Sets $root to a fresh minbase root of release $1 (a codename) in a tmpfs of size $2
# (default 2g) under the cache: unpacking and deleting a 200 MB tree on a busy disk took
# 25 s, in memory 1 s. Its apt starts with the .debs downloaded before. The caller unmounts
# it (unmount_under) and removes the folder.
make_test_root() {
  root=$(mktemp -d "$replwatch_cache/root.XXXXXX")
  mount_tmpfs "$root" "${2:-2g}"
  tar -C "$root" --numeric-owner --no-overwrite-dir -xf "$(minbase_tarball "$1")"
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  debs_into_root "$replwatch_cache/debs/$1"
  # systemd does not run in a chroot: /run/systemd/system makes the maintainer scripts
  # believe it does, and a stand-in systemctl on root's PATH records what they ask of it in
  # /tmp/systemctl.log. It is not in /usr/bin, where deb-systemd-helper would hand enabling
  # over to it (`systemctl preset`).
  mkdir -p "$root/run/systemd/system"
  cat > "$root/usr/local/sbin/systemctl" << 'STAND_IN'
#!/bin/sh
echo "$*" >> /tmp/systemctl.log
case "$*" in
  *is-enabled*) echo enabled ;;
  *is-active*) exit 3 ;;
esac
STAND_IN
  chmod 755 "$root/usr/local/sbin/systemctl"
}
