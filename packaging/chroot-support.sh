# shellcheck shell=bash
# Debian 12 chroot handling for test-deb.sh (sourced, not run).

# Prints "URI SUITE" for every enabled `deb` source of apt (one-line and deb822 formats).
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

# Mounts an empty tmpfs on the folder $1, mode 0755 (a chroot's / must be reachable by all).
mount_tmpfs() {
  mount -t tmpfs -o mode=0755,size=2g replwatch-test "$1"
}

# Runs a command in the chroot $root (the caller's) with a clean environment (Debian's PATH
# for root).
in_root() {
  chroot "${root:?}" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LC_ALL=C \
    DEBIAN_FRONTEND=noninteractive "$@"
}

# Bootstraps a minbase bookworm into the empty folder $2 from the Debian mirror apt uses
# (REPLWATCH_DEB_MIRROR overrides it), points its apt at the same bookworm suites as the host
# (updates, security), and saves it as the tarball $1. The caller removes $2. Mounts nothing
# itself: apt, dpkg and adduser work in the chroot without /proc, /sys or /dev mounts.
bootstrap_root() {
  local tarball=$1 bootstrap_dir=$2 mirror sources
  sources=$(apt_sources | awk '$2 ~ /^bookworm(-updates|-security)?$/')
  mirror=${REPLWATCH_DEB_MIRROR:-$(awk '$2 == "bookworm" { print $1; exit }' <<< "$sources")}
  if [ -z "$mirror" ]; then
    echo "test-deb: no bookworm source in /etc/apt; set REPLWATCH_DEB_MIRROR" >&2
    return 1
  fi
  debootstrap --variant=minbase bookworm "$bootstrap_dir" "$mirror" \
    > "$bootstrap_dir.log" 2>&1 || {
    tail -n 30 "$bootstrap_dir.log" >&2
    return 1
  }
  awk '{ print "deb", $1, $2, "main" }' <<< "${sources:-$mirror bookworm}" \
    > "$bootstrap_dir/etc/apt/sources.list"
  # Indexes of every suite fetched now, so each test run's `apt-get update` is a quick
  # "not modified"; the base system's .debs are installed already and not needed again.
  root=$bootstrap_dir in_root apt-get update -qq >> "$bootstrap_dir.log" 2>&1 || {
    tail -n 30 "$bootstrap_dir.log" >&2
    return 1
  }
  root=$bootstrap_dir in_root apt-get clean
  rm -f "$bootstrap_dir.log"
  tar -C "$bootstrap_dir" --numeric-owner -cf "$tarball.new" .
  mv "$tarball.new" "$tarball"
}
