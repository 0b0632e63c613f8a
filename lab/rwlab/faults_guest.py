"""Guest configs whose disks are not all replicated.

`lab fault unreplicated-disk <vmid>` adds to the guest a disk on the node's LVM-thin storage
with `replicate=0` ("Skip replication" in the GUI): the only way PVE lets one add a disk on a
storage that cannot replicate to a replicated guest (qemu-server API2/Qemu.pm and pve-container
API2/LXC/Config.pm refuse it otherwise: "cannot add non-replicatable volume to a replicated
VM"). get_replicatable_volumes skips it, so the guest's runs go on; a failover starts the
guest without it. `lab clear` detaches it again.
"""
import os

from rwlab import pve
from rwlab import store


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


FAULTS = {
    "unreplicated-disk": (["guest"], unreplicated_disk, unreplicated_disk_clear),
}
