# shellcheck shell=bash
# Debian root trees of any release (sourced, not run): bootstrapping one from Debian's
# archive, running commands in it, and unmounting what was mounted below it. Used by the
# Debian 13 build root (debian13-root.sh) and the package tests (packaging/test-deb.sh,
# packaging/test-upgrade.sh).

# Where bootstrapped roots and downloaded .debs are kept between runs; delete it to start cold.
replwatch_cache=${REPLWATCH_CACHE:-/var/cache/replwatch}

# Prints "URI SUITE" for every enabled `deb` source of the host's apt (one-line and deb822).
apt_sources() {
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    awk '$1 == "deb" {
           i = 2
           if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
           print $i, $(i + 1)
         }' "$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk 'function flush() {
           if (types ~ /(^| )deb( |$)/ && enabled != "no") {
             n = split(uris, u, " "); m = split(suites, s, " ")
             for (a = 1; a <= n; a++) for (b = 1; b <= m; b++) print u[a], s[b]
           }
           types = uris = suites = ""; enabled = "yes"
         }
         BEGIN { enabled = "yes" }
         /^[ \t]*$/ { flush(); next }
         /^#/ { next }
         tolower($1) == "types:" { $1 = ""; types = $0 }
         tolower($1) == "uris:" { $1 = ""; uris = $0 }
         tolower($1) == "suites:" { $1 = ""; suites = $0 }
         tolower($1) == "enabled:" { enabled = tolower($2) }
         END { flush() }' "$file"
  done
}

# The Debian archive and its security archive, as the host's apt uses them (the host runs
# Debian 12, so its bookworm sources name them); REPLWATCH_DEB_MIRROR and
# REPLWATCH_DEB_SECURITY_MIRROR override them. Nothing but Debian's archive is used.
debian_mirror() {
  local uri=${REPLWATCH_DEB_MIRROR:-$(apt_sources | awk '$2 == "bookworm" { print $1; exit }')}
  echo "${uri:-http://deb.debian.org/debian}"
}
debian_security_mirror() {
  local uri=${REPLWATCH_DEB_SECURITY_MIRROR:-$(apt_sources | awk '$2 == "bookworm-security" { print $1; exit }')}
  echo "${uri:-http://deb.debian.org/debian-security}"
}

# Writes the deb822 apt sources of release $2 into the root $1: the release, its -updates
# and its -security suite, main only.
write_apt_sources() {
  local dir=$1 release=$2
  rm -f "$dir/etc/apt/sources.list"
  cat > "$dir/etc/apt/sources.list.d/debian.sources" << SOURCES
Types: deb
URIs: $(debian_mirror)
Suites: $release $release-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $(debian_security_mirror)
Suites: $release-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
}

# Unmounts everything mounted at or below $1, deepest first (debootstrap mounts /proc and
# /sys in its target and may leave them behind when it fails).
unmount_under() {
  local dir=$1 mount_point
  [ -n "$dir" ] || return 0
  awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r mount_point; do
    umount "$mount_point" || umount -l "$mount_point"
  done
}

# Mounts an empty tmpfs of $2 (default 2g) on the folder $1, mode 0755 (a chroot's / must be
# reachable by all).
mount_tmpfs() {
  mount -t tmpfs -o "mode=0755,size=${2:-2g}" replwatch-root "$1"
}

# Runs a command in the chroot $root (the caller's) with a clean environment (Debian's PATH
# for root).
in_root() {
  chroot "${root:?}" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LC_ALL=C \
    DEBIAN_FRONTEND=noninteractive "$@"
}

# The root's apt gets the .debs downloaded before (cache folder $1) and gives back the new
# ones: copied, so that roots in tmpfs and concurrent runs never share apt's archive lock.
debs_into_root() {
  mkdir -p "$1"
  find "$1" -maxdepth 1 -name '*.deb' -exec cp -t "${root:?}/var/cache/apt/archives/" {} +
}
debs_from_root() {
  mkdir -p "$1"
  find "${root:?}/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -n -t "$1" {} +
}

# Bootstraps a minbase root of Debian release $1 (bookworm, trixie, ...) into the empty
# folder $2 with debootstrap, .debs cached in $replwatch_cache/debs/$1, and points its apt at
# the release, -updates and -security suites with their indexes fetched, so that a later
# `apt-get install` in it needs no `apt-get update`. Mounts nothing itself: apt, dpkg and
# adduser work in the chroot without /proc, /sys or /dev mounts. Output goes to $2.log,
# printed when a step fails.
bootstrap_root() {
  local release=$1 dir=$2 debs=$replwatch_cache/debs/$1 log=$2.log
  mkdir -p "$debs"
  debootstrap --variant=minbase --cache-dir="$debs" "$release" "$dir" "$(debian_mirror)" \
    > "$log" 2>&1 || {
    tail -n 30 "$log" >&2
    return 1
  }
  write_apt_sources "$dir" "$release"
  root=$dir in_root apt-get update -qq >> "$log" 2>&1 || {
    tail -n 30 "$log" >&2
    return 1
  }
  root=$dir in_root apt-get clean
  rm -f "$log"
}

# Prints the path of a tarball of a fresh minbase root of release $1 (what the package tests
# install into; unpack it with --numeric-owner), bootstrapping it the first time.
minbase_tarball() {
  local tarball
  tarball=$replwatch_cache/minbase-$1-$(dpkg --print-architecture).tar
  mkdir -p "$replwatch_cache"
  (
    flock 9
    [ ! -f "$tarball" ] || exit 0
    echo "bootstrapping a minbase Debian $1 into $tarball (once)" >&2
    dir=$(mktemp -d "$replwatch_cache/bootstrap.XXXXXX")
    # In memory: dpkg syncs every file it writes.
    trap 'unmount_under "$dir"; rm -rf --one-file-system "$dir" "$dir.log"' EXIT
    mount_tmpfs "$dir"
    bootstrap_root "$1" "$dir"
    tar -C "$dir" --numeric-owner -cf "$tarball.new" .
    mv "$tarball.new" "$tarball"
  ) 9> "$tarball.lock"
  echo "$tarball"
}
