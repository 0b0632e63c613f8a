"""Guest configs whose disks are not all replicated.

`lab fault unreplicated-disk <vmid>` adds to the guest a disk on the node's LVM-thin storage
with `replicate=0` ("Skip replication" in the GUI): the only way PVE lets one add a disk on a
storage that cannot replicate to a replicated guest (qemu-server API2/Qemu.pm and pve-container
API2/LXC/Config.pm refuse it otherwise: "cannot add non-replicatable volume to a replicated
VM"). get_replicatable_volumes skips it, so the guest's runs go on; a failover starts the
guest without it. `lab clear` detaches it again.

`lab fault new-disk <vmid>` adds a 4 GiB disk on local-zfs, as `qm set <vmid> --scsi<N>
local-zfs:4` (`pct set <vmid> --mp<N> local-zfs:4,mp=...` for a container) does: the storage
allocates the guest's next free volume name and the config names it. It has no replica until
the job's next run sends it in full. `lab clear` removes it (`qm disk unlink --force`) from the
source, and its replica as the job's next prepare would (volumes of the job no longer in the
guest's list are deleted on the target).
"""
import itertools
import os
import time

from rwlab import pve
from rwlab import store
from rwlab import zfsmodel as zm

GiB = 1 << 30
ADDED_DISK_GIB = 4


class GuestFaultError(ValueError):
    pass


def write_guest_conf(lab, vmid, guest):
    sub = "lxc" if guest["type"] == "lxc" else "qemu-server"
    store.write_text(
        os.path.join(lab.pve, "nodes", guest["node"], sub, vmid + ".conf"),
        pve.render_guest_conf(vmid, guest),
        0o640,
    )


def _guest(world, vmid):
    if vmid not in world.state["guests"]:
        raise GuestFaultError("no such guest '%s'" % vmid)
    return world.state["guests"][vmid]


def unreplicated_disk(world, args):
    guest = _guest(world, args["guest"])
    guest["unreplicated_disk"] = True
    write_guest_conf(world.lab, args["guest"], guest)


def unreplicated_disk_clear(world, args):
    guest = _guest(world, args["guest"])
    guest.pop("unreplicated_disk", None)
    write_guest_conf(world.lab, args["guest"], guest)


def new_disk(world, args):
    vmid = args["guest"]
    guest = _guest(world, vmid)
    if guest.get("added_disk"):
        raise GuestFaultError("guest %s already has an added disk" % vmid)
    zfs = world.zfs(guest["node"])
    container = guest["type"] == "lxc"
    prefix = "subvol" if container else "vm"
    taken = {vol for vol, _ in guest["volumes"]}
    vol = next(
        name
        for name in ("%s-%s-disk-%d" % (prefix, vmid, i) for i in itertools.count())
        if name not in taken and "rpool/data/" + name not in zfs["datasets"]
    )
    now = int(time.time())
    ds = zm.new_dataset(
        "filesystem" if container else "volume",
        zfs["pools"]["rpool"],
        now,
        volsize=0 if container else ADDED_DISK_GIB * GiB,
        refer=96 << 10,
        creation=now,
    )
    if container:
        ds["refquota"] = ADDED_DISK_GIB * GiB
    parent = zfs["datasets"]["rpool/data"]
    if parent.get("encryption", "off") != "off":
        ds.update(
            encryption=parent["encryption"], keystatus=parent["keystatus"], encroot="rpool/data"
        )
    zfs["datasets"]["rpool/data/" + vol] = ds
    guest["volumes"].append([vol, ADDED_DISK_GIB])
    guest["added_disk"] = vol
    write_guest_conf(world.lab, vmid, guest)


def new_disk_clear(world, args):
    vmid = args["guest"]
    guest = _guest(world, vmid)
    vol = guest.pop("added_disk", None)
    if vol is None:
        return
    guest["volumes"] = [v for v in guest["volumes"] if v[0] != vol]
    write_guest_conf(world.lab, vmid, guest)
    for node in world.state["nodes"]:
        world.zfs(node)["datasets"].pop("rpool/data/" + vol, None)


FAULTS = {
    "unreplicated-disk": (["guest"], unreplicated_disk, unreplicated_disk_clear),
    "new-disk": (["guest"], new_disk, new_disk_clear),
}
