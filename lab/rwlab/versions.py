"""What a node runs: its Proxmox VE release and the versions that come with it.

A node is PVE 9.2 (Debian 13, OpenZFS 2.4.4, libpve-guest-common-perl 6.0.5) or PVE 8.4
(Debian 12, OpenZFS 2.2.8, libpve-guest-common-perl 5.2.2); the lab state keeps per node
`pve` ("9" or "8") and `libpve_storage` (the libpve-storage-perl version, which `lab up
--storage` and `lab upgrade --storage` may set apart from the release, as in a cluster
mid-upgrade). Everything else follows from the release.

The package lists are real `pveversion -v` outputs:
* PVE 9.2: a node upgraded to pve-manager 9.2.20 on 2026-09-14 (ccebelenski/anas, live
  proof "PVE point-release upgrade of the stunt node", section 4), line for line; its
  repoid 49318c671b82f31e is also what other 9.2.20 nodes print.
* PVE 8.4: a pve-manager 8.4.11 node (a public node-rename write-up, Aug 2025); its repoid
  is the start of the "bump version to 8.4.11" commit, proxmox/pve-manager@14a32011 (stable-8).
"""

RELEASE_9 = {
    "release": "9.2",
    "manager": "9.2.20",
    "repoid": "49318c671b82f31e",
    "kernel": "7.0.14-17-pve",
    "zfsutils": "2.4.4-pve1",
    "libpve_storage": "9.1.10",
    "packages": """proxmox-ve: 9.2.0 (running kernel: 7.0.14-17-pve)
pve-manager: 9.2.20 (running version: 9.2.20/49318c671b82f31e)
proxmox-kernel-helper: 9.2.0
proxmox-kernel-7.0.14-17-pve-signed: 7.0.14-17
proxmox-kernel-7.0: 7.0.14-17
proxmox-kernel-7.0.14-12-pve-signed: 7.0.14-12
proxmox-kernel-7.0.14-6-pve-signed: 7.0.14-6
ceph-fuse: 19.2.3-pve1
corosync: 3.1.10-pve3
criu: 4.1.1-1
frr-pythontools: 10.6.1-1+pve3
ifupdown2: 3.3.0-1+pmx12
libjs-extjs: 7.0.0-7
libproxmox-acme-perl: 1.7.2
libproxmox-backup-qemu0: 2.0.2
libproxmox-rs-perl: 0.4.1
libpve-access-control: 9.1.1
libpve-apiclient-perl: 3.4.3
libpve-cluster-api-perl: 9.1.6
libpve-cluster-perl: 9.1.6
libpve-common-perl: 9.2.2
libpve-guest-common-perl: 6.0.5
libpve-http-server-perl: 6.0.5
libpve-network-perl: 1.6.7
libpve-notify-perl: 9.1.6
libpve-rs-perl: 0.15.3
libpve-storage-perl: {libpve_storage}
libspice-server1: 0.15.2-1+b1
lvm2: 2.03.31-2+pmx1
lxc-pve: 7.0.0-2
lxcfs: 7.0.0-pve1
novnc-pve: 1.7.0-2
proxmox-backup-client: 4.2.5-1
proxmox-backup-file-restore: 4.2.5-1
proxmox-backup-restore-image: 1.0.0
proxmox-enterprise-support-keyring: 1.1
proxmox-firewall: 1.2.3
proxmox-kernel-helper: 9.2.0
proxmox-mail-forward: 1.0.3
proxmox-mini-journalreader: 1.7
proxmox-offline-mirror-helper: 0.7.4
proxmox-widget-toolkit: 5.2.8
pve-cluster: 9.1.6
pve-container: 6.1.14
pve-docs: 9.2.10
pve-edk2-firmware: not correctly installed
pve-esxi-import-tools: 1.0.1
pve-firewall: 6.0.6
pve-firmware: 3.18-6
pve-ha-manager: 5.2.5
pve-i18n: 3.10.0
pve-qemu-kvm: 11.0.3-3
pve-xtermjs: 6.0.0-2
qemu-server: 9.2.7
smartmontools: 7.5-pve2
spiceterm: 3.4.2
swtpm: 0.8.0+pve3
vncterm: 1.9.2
zfsutils-linux: 2.4.4-pve1
""",
}

RELEASE_8 = {
    "release": "8.4",
    "manager": "8.4.11",
    "repoid": "14a32011146091ed",
    "kernel": "6.8.12-13-pve",
    "zfsutils": "2.2.8-pve1",
    "libpve_storage": "8.3.7",
    "packages": """proxmox-ve: 8.4.0 (running kernel: 6.8.12-13-pve)
pve-manager: 8.4.11 (running version: 8.4.11/14a32011146091ed)
proxmox-kernel-helper: 8.1.4
proxmox-kernel-6.8.12-13-pve-signed: 6.8.12-13
proxmox-kernel-6.8: 6.8.12-13
proxmox-kernel-6.8.12-11-pve-signed: 6.8.12-11
proxmox-kernel-6.8.4-2-pve-signed: 6.8.4-2
ceph: 18.2.7-pve1
ceph-fuse: 18.2.7-pve1
corosync: 3.1.9-pve1
criu: 3.17.1-2+deb12u1
glusterfs-client: 10.3-5
ifupdown2: 3.2.0-1+pmx11
ksm-control-daemon: 1.5-1
libjs-extjs: 7.0.0-5
libknet1: 1.30-pve2
libproxmox-acme-perl: 1.6.0
libproxmox-backup-qemu0: 1.5.2
libproxmox-rs-perl: 0.3.5
libpve-access-control: 8.2.2
libpve-apiclient-perl: 3.3.2
libpve-cluster-api-perl: 8.1.2
libpve-cluster-perl: 8.1.2
libpve-common-perl: 8.3.4
libpve-guest-common-perl: 5.2.2
libpve-http-server-perl: 5.2.2
libpve-network-perl: 0.11.2
libpve-rs-perl: 0.9.4
libpve-storage-perl: {libpve_storage}
libspice-server1: 0.15.1-1
lvm2: 2.03.16-2
lxc-pve: 6.0.0-1
lxcfs: 6.0.0-pve2
novnc-pve: 1.6.0-2
proxmox-backup-client: 3.4.6-1
proxmox-backup-file-restore: 3.4.6-1
proxmox-backup-restore-image: 0.7.0
proxmox-firewall: 0.7.1
proxmox-kernel-helper: 8.1.4
proxmox-mail-forward: 0.3.3
proxmox-mini-journalreader: 1.5
proxmox-offline-mirror-helper: 0.6.7
proxmox-widget-toolkit: 4.3.13
pve-cluster: 8.1.2
pve-container: 5.3.0
pve-docs: 8.4.1
pve-edk2-firmware: 4.2025.02-4~bpo12+1
pve-esxi-import-tools: 0.7.4
pve-firewall: 5.1.2
pve-firmware: 3.16-3
pve-ha-manager: 4.0.7
pve-i18n: 3.4.5
pve-qemu-kvm: 9.2.0-7
pve-xtermjs: 5.5.0-2
qemu-server: 8.4.1
smartmontools: 7.3-pve1
spiceterm: 3.3.0
swtpm: 0.8.0+pve1
vncterm: 1.8.0
zfsutils-linux: 2.2.8-pve1
""",
}

RELEASES = {"9": RELEASE_9, "8": RELEASE_8}
DEFAULT = "9"

# pve-storage 9.1.3 (commit c705a2c, "fix #2350"): `zfs send -RpvU`, `zfs recv -F -x encryption`.
NO_PRESERVE_ENCRYPTION = (9, 1, 3)
# pve-storage 9.1.3 to 9.1.6 printed zfs send's progress without newlines (commit e0eb405);
# 9.1.7 (commit 22cea64) prints them one per line again.
GLUED_PROGRESS = ((9, 1, 3), (9, 1, 7))


def parse(version):
    """'9.1.10' -> (9, 1, 10)."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        raise ValueError("not a version: '%s'" % version) from None


def release(info):
    """The release table of a node (its `pve` in the lab state)."""
    return RELEASES[info["pve"]]


def check_storage(pve, version):
    """A libpve-storage-perl version must belong to the release's series (8.x on PVE 8)."""
    if parse(version)[0] != int(pve):
        raise ValueError("libpve-storage-perl %s does not install on PVE %s" % (version, pve))
    return version


def parse_per_node(text, nodes, what):
    """'9' (every node) or '8,9,9' (one per node) -> {node: value}."""
    values = text.split(",")
    if len(values) == 1:
        values = values * len(nodes)
    if len(values) != len(nodes):
        raise ValueError("%s: %d values for %d nodes" % (what, len(values), len(nodes)))
    return dict(zip(nodes, values))


def node_versions(pve, storage=None):
    """The version fields of a node's state entry."""
    if pve not in RELEASES:
        raise ValueError(
            "no such PVE release '%s' (known: %s)" % (pve, ", ".join(sorted(RELEASES)))
        )
    chosen = check_storage(pve, storage) if storage else RELEASES[pve]["libpve_storage"]
    return {"pve": pve, "libpve_storage": chosen}


def sends_without_encryption(info):
    return parse(info["libpve_storage"]) >= NO_PRESERVE_ENCRYPTION


def glues_progress_lines(info):
    low, high = GLUED_PROGRESS
    return low <= parse(info["libpve_storage"]) < high


def pveversion(info):
    """`pveversion`: pve-manager/<version>/<repoid> (running kernel: <kernel>)."""
    rel = release(info)
    return "pve-manager/%s/%s (running kernel: %s)\n" % (
        rel["manager"],
        rel["repoid"],
        rel["kernel"],
    )


def pveversion_verbose(info):
    return release(info)["packages"].format(libpve_storage=info["libpve_storage"])


def api_version(info):
    """GET /version (pve-manager PVE/API2.pm `version`)."""
    rel = release(info)
    return {"release": rel["release"], "repoid": rel["repoid"], "version": rel["manager"]}


def zfs_version(zfsutils):
    """`zfs version` / `zpool version` of zfs_version_print() (libzfs_util.c)."""
    return "zfs-%s\nzfs-kmod-%s\n" % (zfsutils, zfsutils)


def openzfs(zfsutils):
    """'2.4.4-pve1' -> (2, 4, 4)."""
    return parse(zfsutils.split("-")[0])
