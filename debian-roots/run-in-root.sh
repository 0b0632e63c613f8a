#!/usr/bin/env bash
# Runs a command inside a Debian root tree without changing the tree: in a mount namespace of
# its own, the root gets a writable overlay in memory (gone when the command ends, however it
# ends), fresh /proc and /sys, the host's /dev, the caller's /etc/resolv.conf, and the given
# host folders at the same paths. The command replaces this script (same pid, signals go to
# it) and runs with a clean environment (root's PATH, HOME=/root, LANG=C.UTF-8).
#   debian-roots/run-in-root.sh [--bind DIR]... [--bind-ro DIR]... [--private-network] ROOT -- COMMAND...
# --private-network: a network namespace with only loopback (test ports cannot meet the
# host's). Without it, the caller's network namespace (e.g. `ip netns exec` of a lab).
# While the command runs, it holds `flock -s ROOT.lock` (when that file exists), so that
# debian13-root.sh does not delete a root in use. Needs root.
set -euo pipefail
arguments=("$@")

binds=()
read_only=()
private_network=no
root=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bind) binds+=("$(realpath -e "$2")"); shift 2 ;;
    --bind-ro) read_only+=("$(realpath -e "$2")"); shift 2 ;;
    --private-network) private_network=yes; shift ;;
    --) shift; break ;;
    -*) echo "run-in-root: unknown option $1" >&2; exit 2 ;;
    *) root=$(realpath -e "$1"); shift ;;
  esac
done
if [ -z "$root" ] || [ $# -eq 0 ]; then
  echo "usage: $0 [--bind DIR]... [--bind-ro DIR]... [--private-network] ROOT -- COMMAND..." >&2
  exit 2
fi
[ -x "$root/usr/bin/env" ] || {
  echo "run-in-root: $root is not a root tree (no /usr/bin/env)" >&2
  exit 1
}

# Everything mounted below lives in this namespace only: it vanishes with the command, even
# when that is killed.
if [ -z "${REPLWATCH_IN_ROOT_NAMESPACE:-}" ]; then
  namespaces=(--mount --propagation private)
  [ "$private_network" = no ] || namespaces+=(--net)
  REPLWATCH_IN_ROOT_NAMESPACE=1 exec unshare "${namespaces[@]}" "$0" "${arguments[@]}"
fi
[ "$private_network" = no ] || ip link set lo up

if [ -e "$root.lock" ]; then
  exec 9< "$root.lock"
  flock -s 9
fi

# One fixed, empty mount point on the host (like /run/sshd); each run mounts its own tmpfs
# there, seen only in its namespace, so nothing is left behind.
layer=/run/replwatch-roots
mkdir -p "$layer"
mount -t tmpfs -o mode=0755 replwatch-root-layer "$layer"
mkdir "$layer/upper" "$layer/work" "$layer/merged"
merged=$layer/merged
mount -t overlay overlay -o "lowerdir=$root,upperdir=$layer/upper,workdir=$layer/work" "$merged"
mount -t proc proc "$merged/proc"
mount -t sysfs sysfs "$merged/sys"
mount --rbind /dev "$merged/dev"
cp -L /etc/resolv.conf "$merged/etc/resolv.conf" 2> /dev/null || true

for dir in "${binds[@]}" "${read_only[@]}"; do
  mkdir -p "$merged$dir"
  mount --bind "$dir" "$merged$dir"
done
for dir in "${read_only[@]}"; do
  mount -o remount,bind,ro "$merged$dir"
done

exec chroot "$merged" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root LANG=C.UTF-8 "$@"
