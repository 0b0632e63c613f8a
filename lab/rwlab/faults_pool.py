"""Pool and dataset changes: a pulled disk, a raidz expansion and a file name longer than
255 bytes (OpenZFS 2.3/2.4; each refuses what the node's release would refuse), and data
that grows on a pool day after day."""
import re
import time

from rwlab import versions
from rwlab import zfsmodel as zm
from rwlab import zpoolview

GiB = 1 << 30


class PoolFaultError(ValueError):
    pass


def _zfs(world, node):
    if node not in world.state["nodes"]:
        raise PoolFaultError("no such node '%s'" % node)
    zfs = world.zfs(node)
    return zfs, zfs["pools"]["rpool"], versions.openzfs(zfs["zfsutils"])


# --- remove-disk: a disk pulled out (state REMOVED, "One or more devices have been removed.")


def remove_disk(world, args):
    _, pool, _ = _zfs(world, args["node"])
    leaf = pool["vdevs"][0]["children"][-1]
    if leaf["state"] == "ONLINE":
        leaf["state"] = "REMOVED"


def reinsert_disk(world, args):
    _, pool, _ = _zfs(world, args["node"])
    leaf = pool["vdevs"][0]["children"][-1]
    if leaf["state"] == "REMOVED":
        leaf["state"] = "ONLINE"


# --- raidz-expand: `zpool attach rpool raidz1-0 <disk>` (2.3+), the `expand:` line --------


def _expanding(pool):
    return (
        bool(pool["expand"]) and not zpoolview.expand_progress(pool["expand"], int(time.time()))[0]
    )


def raidz_expand(world, args):
    zfs, pool, openzfs = _zfs(world, args["node"])
    top = pool["vdevs"][0]
    stem, serial = re.match(r"(.*?)(\d+)-part3$", top["children"][0]["name"]).groups()
    new_disk = "%s%0*d-part3" % (stem, len(serial), int(serial) + len(top["children"]))
    attach = "cannot attach %s to %s: " % (new_disk, top["name"])
    # lib/libzfs/libzfs_pool.c zpool_vdev_attach()
    if top["type"] != "raidz":
        raise PoolFaultError("raidz-expand needs a raidz pool (lab up --layout raidz1)")
    if openzfs < (2, 3):
        raise PoolFaultError(attach + "can only attach to mirrors and top-level disks")
    if pool["features"].get("raidz_expansion", "disabled") == "disabled":
        raise PoolFaultError(
            attach + "raidz_expansion feature must be enabled in order to "
            "attach a device to raidz"
        )
    if _expanding(pool):
        raise PoolFaultError(attach + "raidz expansion in progress")
    now = int(time.time())
    spaces, _, _ = zm.space(zfs, now)
    alloc = spaces["rpool"]["alloc"]
    minutes = float(args.get("minutes") or 60)
    top["children"].append(
        dict(
            top["children"][0],
            name=new_disk,
            guid=zm.new_guid(),
            read=0,
            write=0,
            cksum=0,
            cksum_rate=0.0,
            cksum_since=now,
        )
    )
    pool["size"] += pool["size"] // (len(top["children"]) - 1)
    pool["features"]["raidz_expansion"] = "active"
    pool["expand"] = {
        "vdev": 0,
        "start": now,
        "to_reflow": alloc,
        "rate": max(1, int(alloc / (minutes * 60))),
    }


def raidz_expand_finish(world, args):
    _, pool, _ = _zfs(world, args["node"])
    expand = pool["expand"]
    if _expanding(pool):
        expand["start"] = int(time.time()) - expand["to_reflow"] // expand["rate"] - 1


# --- long-file-name: `zfs set longname=on` on a container disk and a long name in it --------


def _container_datasets(world, jobid):
    if jobid not in world.state["jobs"]:
        raise PoolFaultError("no such job '%s'" % jobid)
    job = world.state["jobs"][jobid]
    names = [n for n in world.guest_datasets(job["guest"]) if "/subvol-" in n]
    if not names:
        raise PoolFaultError(
            "job %s replicates a VM: longname applies to filesystems (a "
            "container's subvol) only" % jobid
        )
    return world.node_of(job["guest"]), job["target"], names


def long_file_name(world, args):
    """The per-dataset feature `longname` turns active on the guest's subvol; its streams
    then carry DMU_BACKUP_FEATURE_LONGNAME (see storagemigrate.receive_error())."""
    source, _, names = _container_datasets(world, args["job"])
    zfs, pool, openzfs = _zfs(world, source)
    if openzfs < (2, 3):
        raise PoolFaultError(
            "%s runs OpenZFS %s: no longname property before 2.3" % (source, zfs["zfsutils"])
        )
    if pool["features"].get("longname", "disabled") == "disabled":
        raise PoolFaultError(
            "cannot set property for '%s': pool and or dataset must be "
            "upgraded to set this property or value (zpool upgrade rpool on %s)"
            % (names[0], source)
        )
    for name in names:
        zfs["datasets"][name].update(longname="on", active_features=["longname"])
    pool["features"]["longname"] = "active"


def long_file_name_clear(world, args):
    """The long names deleted and longname=off again; the lab then forgets the feature was
    ever active (ZFS keeps it active while snapshots reference such names)."""
    source, target, names = _container_datasets(world, args["job"])
    for node in (source, target):
        zfs, pool, _ = _zfs(world, node)
        for name in names:
            ds = zfs["datasets"].get(name)
            if ds:
                ds.pop("longname", None)
                ds.pop("active_features", None)
        if pool["features"].get("longname") == "active" and not any(
            "longname" in ds.get("active_features", []) for ds in zfs["datasets"].values()
        ):
            pool["features"]["longname"] = "enabled"


# --- pool-growth: data on the pool grows steadily (guests filling their disks, dumps, ISOs)


def pool_growth(world, args):
    """The pool's allocation grows by `gib_per_day` from now on, in lab time: `lab tick`
    ages the growth with the rest of the lab, so a day of ticks adds a day's growth."""
    _, pool, _ = _zfs(world, args["node"])
    try:
        per_day = float(args.get("gib_per_day") or 10)
    except ValueError:
        raise PoolFaultError("GiB per day must be a number, not '%s'" % args["gib_per_day"])
    if per_day <= 0:
        raise PoolFaultError("GiB per day must be positive")
    pool["growth"] = {"rate": per_day * GiB / 86400, "since": int(time.time())}


def pool_growth_clear(world, args):
    """The grown data is deleted: the pool is back to what it held before the fault."""
    _, pool, _ = _zfs(world, args["node"])
    pool["growth"] = None


# name: (positional argument names, inject, clear), merged into faults.FAULTS
FAULTS = {
    "remove-disk": (["node"], remove_disk, reinsert_disk),
    "raidz-expand": (["node", "minutes"], raidz_expand, raidz_expand_finish),
    "long-file-name": (["job"], long_file_name, long_file_name_clear),
    "pool-growth": (["node", "gib_per_day"], pool_growth, pool_growth_clear),
}
