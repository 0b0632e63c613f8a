#!/usr/bin/env bash
# The Debian 13 (trixie) build root: a root tree with replwatch's build and test dependencies
# (debian13-packages.txt), bootstrapped with debootstrap from Debian's archive (trixie,
# trixie-updates, trixie-security) and kept under $REPLWATCH_CACHE (default
# /var/cache/replwatch) between runs, with the downloaded .debs.
#   debian-roots/debian13-root.sh            make sure the root exists and is current
#   debian-roots/debian13-root.sh --path     the same, then print its path (last line of stdout)
#   debian-roots/debian13-root.sh --rebuild  build it again even if current
# Each package list (and mirror) gets its own folder, debian13-root-<hash>; the symlink
# debian13-root points to the current one. A list that changed builds a new folder beside the
# old one, which is deleted once nothing uses it: users hold `flock -s <folder>.lock` while
# they do (run-in-root.sh does). Never change a root in place: enter it with run-in-root.sh,
# which gives every run a throwaway writable layer over it. Needs root. Progress on stderr.
set -euo pipefail
umask 022
here=$(cd "$(dirname "$0")" && pwd)
source "$here/chroot.sh"

rebuild=no
print_path=no
case "${1:-}" in
  "") ;;
  --path) print_path=yes ;;
  --rebuild) rebuild=yes ;;
  *)
    echo "usage: $0 [--path | --rebuild]" >&2
    exit 2
    ;;
esac
started=$(date +%s)
say() { echo "debian13-root: $* ($(($(date +%s) - started)) s)" >&2; }
[ "$(id -u)" -eq 0 ] || {
  say "needs root (debootstrap, chroot)"
  exit 1
}
# The build's mounts live in a mount namespace of their own: they vanish with the script,
# even when it is killed.
if [ -z "${REPLWATCH_ROOT_UNSHARED:-}" ]; then
  REPLWATCH_ROOT_UNSHARED=1 exec unshare --mount --propagation private "$0" "$@"
fi
trap 'exit 130' INT TERM HUP

release=trixie
debs=$replwatch_cache/debs/$release
packages=$(sed 's/#.*//' "$here/debian13-packages.txt" | xargs -n 1 | sort -u)
# What the root is made from: its packages and the archive they come from.
recipe=$(printf '%s\n' "$release" "$(debian_mirror)" "$(debian_security_mirror)" "$packages")
hash=$(sha256sum <<< "$recipe" | cut -c 1-12)
tree=$replwatch_cache/debian13-root-$hash
link=$replwatch_cache/debian13-root

mkdir -p "$replwatch_cache"
exec 8> "$replwatch_cache/debian13-root.build.lock"
flock 8

# A folder of another list is deleted only when no run holds its lock.
prune_old_roots() {
  local old
  for old in "$replwatch_cache"/debian13-root-*/; do
    old=${old%/}
    [ "$old" != "$tree" ] || continue
    if flock -xn "$old.lock" rm -rf --one-file-system "$old" "$old.recipe"; then
      rm -f "$old.lock"
      say "deleted $old (an older package list)"
    else
      say "kept $old: in use (its lock is held)"
    fi
  done
}

# Built in memory (dpkg syncs every file it writes; on this disk that doubled the time),
# then copied to a .part folder and renamed: a folder with the final name is whole.
build_root() {
  local new=$tree.new part=$tree.part
  say "building $tree from $(debian_mirror) and $(debian_security_mirror) (.debs cached in $debs)"
  unmount_under "$new"
  rm -rf --one-file-system "$new" "$new.log" "$part"
  mkdir -p "$new"
  # Expanded now: the trap runs after this function's locals are gone.
  # shellcheck disable=SC2064
  trap "unmount_under '$new'; rm -rf --one-file-system '$new' '$part'" EXIT
  mount_tmpfs "$new" 6g
  # Not among scripts/install-deps.sh's defaults: only the Debian roots need it.
  "$here/../scripts/install-deps.sh" debootstrap >&2
  say "debootstrap --variant=minbase $release"
  bootstrap_root "$release" "$new"
  # No service of an installed package is started (sshd, prometheus): tests run their own.
  printf '#!/bin/sh\nexit 101\n' > "$new/usr/sbin/policy-rc.d"
  chmod 755 "$new/usr/sbin/policy-rc.d"
  root=$new debs_into_root "$debs"
  say "apt-get install $(wc -l <<< "$packages") packages (log: $new.log)"
  # shellcheck disable=SC2086 # one package per word
  root=$new in_root apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 $packages \
    > "$new.log" 2>&1 || {
    tail -n 40 "$new.log" >&2
    say "apt-get install failed"
    return 1
  }
  root=$new debs_from_root "$debs"
  root=$new in_root apt-get clean
  rm -f "$new.log"
  say "copying it to disk"
  cp -a "$new" "$part"
  unmount_under "$new"
  rmdir "$new"
  echo "$recipe" > "$tree.recipe"
  mv "$part" "$tree"
  trap - EXIT
  say "built $tree: $(du -sh --one-file-system "$tree" | cut -f 1), $(root=$tree in_root dpkg-query -W | wc -l) packages"
}

if [ -d "$tree" ] && [ "$rebuild" = no ]; then
  say "current: $tree (built $(date -r "$tree.recipe" '+%F %R'))"
else
  if [ -d "$tree" ]; then
    # A rebuild of the same list: the old folder moves aside and goes once unused.
    aside=$replwatch_cache/debian13-root-$hash-$(date +%s)
    mv "$tree" "$aside"
    mv "$tree.lock" "$aside.lock" 2> /dev/null || true
    say "moved the old root aside to $aside"
  else
    for old in "$replwatch_cache"/debian13-root-*.recipe; do
      [ -f "$old" ] || continue
      say "the package list or mirror changed since ${old%.recipe}:"
      diff <(tail -n +4 "$old") <(tail -n +4 <<< "$recipe") | grep '^[<>]' | sed 's/^</  -/; s/^>/  +/' >&2 || true
    done
  fi
  build_root
fi
touch "$tree.lock"
ln -sfn "$(basename "$tree")" "$link"
prune_old_roots
if [ "$print_path" = yes ]; then
  echo "$tree"
fi
