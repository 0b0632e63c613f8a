"""`lab upgrade <node> [--storage VERSION]`: a node of a running lab moves to PVE 9.

What `apt dist-upgrade` to PVE 9.2 changes on a PVE 8.4 node, as far as the lab shows it:
pveversion, Debian 13's userland (sshd restarted as OpenSSH 10.0, see noderoot), ZFS 2.4.4
userland and module, libpve-storage-perl and libpve-guest-common-perl. The pool stays as
2.2 made it: the features 2.3/2.4 add are disabled, so `zpool status` says "Some supported
and requested features are not enabled on the pool." until `zpool upgrade`. The reboot of a
real upgrade (new kernel) is not simulated: sshd restarts, the node stays up.

On a node already on PVE 9, `--storage` alone installs another libpve-storage-perl (the
cluster mid-upgrade: e.g. a receiver still on 9.1.2 when a sender has 9.1.3).
"""
from rwlab import netlab
from rwlab import noderoot
from rwlab import store
from rwlab import versions


class UpgradeError(RuntimeError):
    pass


def to_pve9(world, node):
    """Debian 13's /usr in the node's mount namespace, the stand-ins back on top of it."""
    info = world.state["nodes"][node]
    if info.get("tool_overlays"):
        raise UpgradeError(
            "%s has faulty tools (%s): clear them first"
            % (node, ", ".join(sorted(info["tool_overlays"].values())))
        )
    lines = noderoot.mount_commands(noderoot.ensure(world.state), world.lab.usr_staging)
    lines += netlab.bind_commands(
        [m for m in netlab.node_mounts(world.lab, node) if m[1].startswith("/usr/")]
    )
    lines += netlab.units_commands(world.lab)
    netlab.run(netlab.nsenter_argv(world.state, node) + ["sh", "-e", "-c", "\n".join(lines)])
    zfs = world.zfs(node)
    zfs["zfsutils"] = versions.RELEASE_9["zfsutils"]
    store.write_text(
        world.lab.node(node, "ssh", "sshd_config"), netlab.sshd_config(world.lab, world.state, node)
    )
    world.restart_sshd(node)


def upgrade(world, node, storage=None):
    """Returns what changed, for `lab upgrade` to print."""
    if node not in world.state["nodes"]:
        raise UpgradeError("no such node '%s'" % node)
    info = world.state["nodes"][node]
    if info["down"]:
        raise UpgradeError("%s is down" % node)
    if info["pve"] == "9":
        if not storage:
            raise UpgradeError(
                "%s already runs PVE 9 (--storage VERSION changes its "
                "libpve-storage-perl)" % node
            )
        old = info["libpve_storage"]
        info["libpve_storage"] = versions.check_storage("9", storage)
        return "%s: libpve-storage-perl %s -> %s" % (node, old, storage)
    info.update(versions.node_versions("9", storage))
    to_pve9(world, node)
    return "%s: PVE 8.4 -> %s (libpve-storage-perl %s, OpenSSH 10.0, ZFS %s)" % (
        node,
        versions.RELEASE_9["manager"],
        info["libpve_storage"],
        versions.RELEASE_9["zfsutils"],
    )
