# shellcheck shell=bash
# test-deb.sh's Proxmox VE scenario (sourced once the first install is purged): the root
# becomes a fake PVE cluster node (pmxcfs's .members, the cluster's known_hosts, root's
# key), then a fresh install must link the discovery drop-in and start the service, which
# passes check-config as user replwatch given systemd's credentials and fails without them.
# Uses test-deb.sh's root, deb, apt_options, step and fail.
# shellcheck disable=SC2154

drop_in=/etc/systemd/system/replwatch.service.d/pve-discovery.conf
credentials=/run/credentials/replwatch.service

step "a fake PVE node: fresh install links the discovery drop-in"
# .members as pmxcfs shows it (0640 root:www-data); priv/ is root's alone. The first
# scenario's admin files go: with them the shipped config would pass check-config as root.
# shellcheck disable=SC2016 # expanded in the chroot
in_root sh -e -c '
  rm -r /etc/replwatch
  mkdir -p /etc/pve/priv /root/.ssh
  chmod 700 /etc/pve/priv /root/.ssh
  cat > /etc/pve/.members << "MEMBERS"
{
"nodename": "pve1",
"version": 5,
"cluster": { "name": "lab", "version": 2, "nodes": 2, "quorate": 1 },
"nodelist": {
  "pve1": { "id": 1, "online": 1, "ip": "192.0.2.11"},
  "pve2": { "id": 2, "online": 1, "ip": "192.0.2.12"}
  }
}
MEMBERS
  chgrp www-data /etc/pve/.members
  chmod 640 /etc/pve/.members
  ssh-keygen -q -t rsa -b 2048 -N "" -C root@pve1 -f /root/.ssh/id_rsa
  echo "pve1 $(cat /root/.ssh/id_rsa.pub)" > /etc/pve/priv/known_hosts
  chmod 600 /etc/pve/priv/known_hosts'
: > "$root/tmp/systemctl.log"
in_root apt-get install "${apt_options[@]}" "/tmp/$(basename "$deb")" > "$root/tmp/install-pve.log" 2>&1 || {
  cat "$root/tmp/install-pve.log" >&2
  fail "apt-get install on a PVE node"
}
[ "$(readlink "$root$drop_in")" = /usr/share/replwatch/pve-discovery.conf ] || {
  cat "$root/tmp/install-pve.log" >&2
  fail "postinst did not link $drop_in on a PVE node"
}
grep -q "^replwatch: a Proxmox VE node: watching its cluster by discovery" "$root/tmp/install-pve.log" ||
  fail "postinst did not say it uses discovery"
grep -Eq "(^| )start replwatch.service$" "$root/tmp/systemctl.log" ||
  fail "postinst did not start the discovering service: $(cat "$root/tmp/systemctl.log")"

step "check-config --pve.discover as user replwatch, with and without credentials"
status=0
problems=$(in_root runuser -u replwatch -- replwatch check-config --pve.discover 2>&1) || status=$?
echo "$problems" >&2
[ "$status" -eq 1 ] || fail "discovery without credentials: exit status $status, expected 1"
grep -q "cannot read.*pve-discovery.conf" <<< "$problems" ||
  fail "discovery without credentials does not say why it fails"
# What LoadCredential= makes: read-only copies for the service user alone.
in_root sh -e -c "
  mkdir -p $credentials
  cp /etc/pve/.members $credentials/pve-members
  cp /etc/pve/priv/known_hosts $credentials/pve-known-hosts
  cp /root/.ssh/id_rsa $credentials/pve-ssh-key
  chown -R replwatch: $credentials
  chmod 400 $credentials/*
  chmod 500 $credentials"
output=$(in_root runuser -u replwatch -- env CREDENTIALS_DIRECTORY=$credentials \
  replwatch check-config --pve.discover 2>&1) || {
  echo "$output" >&2
  fail "check-config --pve.discover as replwatch with the credentials"
}
[ "$output" = "$credentials/pve-members (discovered): OK (2 nodes)" ] ||
  fail "check-config --pve.discover printed: $output"

step "reinstall on the PVE node restarts the discovering service"
: > "$root/tmp/systemctl.log"
in_root dpkg -i "/tmp/$(basename "$deb")" > "$root/tmp/reinstall-pve.log" 2>&1 || {
  cat "$root/tmp/reinstall-pve.log" >&2
  fail "dpkg -i over the installed package on a PVE node"
}
grep -Eq "(^| )restart replwatch.service$" "$root/tmp/systemctl.log" ||
  fail "postinst did not restart the discovering service: $(cat "$root/tmp/systemctl.log")"

step "purge on the PVE node removes the drop-in link"
in_root apt-get purge "${apt_options[@]}" replwatch > "$root/tmp/purge-pve.log" 2>&1 || {
  cat "$root/tmp/purge-pve.log" >&2
  fail "apt-get purge on a PVE node"
}
[ ! -L "$root$drop_in" ] || fail "purge left $drop_in"
[ ! -e "$root${drop_in%/*}" ] || fail "purge left ${drop_in%/*}"
[ -f "$root/root/.ssh/id_rsa" ] || fail "purge deleted root's key"
