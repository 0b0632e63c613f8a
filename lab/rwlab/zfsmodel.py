"""The simulated ZFS state of one node: pools, datasets, snapshots, space.

Values that change with time (bytes written by guests, pool txg, scrub and
resilver progress, growing error counters) are stored as (value, time, rate)
and evaluated at the moment a stand-in is asked, so they move with the real
clock; `lab tick --minutes N` moves the stored times N minutes into the past.

A dataset's snapshot list changes only through take_snapshot(), add_snapshot(),
destroy_snapshot(), drop_snapshots() and rename_snapshot(): each stamps the dataset's
`snapshots_changed` (epoch seconds, 0 = never; OpenZFS 2.2+'s dd_snap_cmtime, set by
dsl_dir_snap_cmtime_update() when a snapshot is created, destroyed or renamed, never by
writes or clones). A state file written before the field existed reads as 0.

The stamp is the real clock when the model applies the change, the clock `date` reads on
the node, and `lab tick` does not move it. A tick runs its minutes of replication in a few
real seconds and then moves the model's past back by those minutes; two ticks in a row run
the same scheduled slot, so a stamp taken in lab time and moved back with the rest would
repeat, to the second, one a reader already saw after the first tick. A real node's clock
never goes back like that, and readers of the property rely on it.
"""
import random
import re
import time
import zlib

from rwlab import poolfeatures

GiB = 1 << 30
TXG_SECONDS = 5
REPL_SNAP_RE = re.compile(r"__replicate_(\d+-\d+)_(\d+)__")


def new_guid(rng=random):
    return rng.getrandbits(64) or 1


def slop_space(size):
    return max(min(size >> 5, 128 * GiB), min(size >> 1, 128 << 20))


def autosnap_name(epoch):
    return time.strftime("autosnap_%Y-%m-%d_%H:%M:%S_hourly", time.localtime(epoch))


def repl_snap_name(jobid, epoch):
    return "__replicate_%s_%d__" % (jobid, epoch)


def new_pool(name, size, now, disks, rng, openzfs, layout="mirror"):
    """A pool of one top-level vdev (`mirror` or `raidz1`) as the release creates it."""
    top = "mirror" if layout == "mirror" else "raidz"
    guid = new_guid(rng)
    return {
        "name": name,
        "guid": guid,
        "size": size,
        "base_alloc": 3 * GiB,
        "fill": 0,
        "growth": None,
        "frag": rng.randint(1, 12),
        "ashift": 12,
        "created": now - 400 * 86400,
        "txg": rng.randint(9000000, 14000000),
        "txg_time": now,
        "features": poolfeatures.new_pool(openzfs),
        # Drawn apart from `rng`: a lab of a given name keeps the sizes it always had.
        "vdevs": [
            {
                "name": "%s-0" % layout,
                "type": top,
                "guid": new_guid(random.Random(guid)),
                "children": [
                    {
                        "name": d,
                        "guid": new_guid(rng),
                        "state": "ONLINE",
                        "read": 0,
                        "write": 0,
                        "cksum": 0,
                        "cksum_rate": 0.0,
                        "cksum_since": now,
                        "note": "",
                    }
                    for d in disks
                ],
            }
        ],
        "scan": {
            "func": "scrub",
            "start": now - 9 * 86400,
            "total": 0,
            "rate": 400 << 20,
            "errors": 0,
        },
        "expand": None,
        "suspended": False,
        "data_errors": 0,
    }


def pool_fill(pool, now):
    """Bytes the `fill-pool` and `pool-growth` faults put on the pool at `now`."""
    growth = pool.get("growth")
    grown = int(growth["rate"] * max(0, now - growth["since"])) if growth else 0
    return pool["fill"] + grown


def pool_txg(pool, now):
    return pool["txg"] + int(now - pool["txg_time"]) // TXG_SECONDS


def new_dataset(kind, pool, now, rng=random, volsize=0, refer=0, wrate=0.0, creation=None):
    creation = now - 200 * 86400 if creation is None else creation
    return {
        "type": kind,
        "guid": new_guid(rng),
        "creation": creation,
        "createtxg": max(1, pool_txg(pool, creation)),
        "volsize": volsize,
        "refer": refer,
        "wclock": 0,
        "wtime": now,
        "wrate": wrate,
        "quota": 0,
        "refquota": 0,
        "reservation": 0,
        "refreservation": 0,
        "encryption": "off",
        "keystatus": "none",
        "resume_token": None,
        "snaps": [],
        "snapshots_changed": 0,
    }


def wclock(ds, now):
    """Total bytes ever written to the dataset up to `now` (a monotonic 'write clock')."""
    return ds["wclock"] + int(ds["wrate"] * max(0, now - ds["wtime"]))


def add_write(ds, now, nbytes):
    ds["wclock"] = wclock(ds, now) + nbytes
    ds["wtime"] = now


def written_since(ds, snap, now):
    return max(0, wclock(ds, now) - snap["wclock"])


def snap_used(ds, index, now):
    snaps = ds["snaps"]
    if index == len(snaps) - 1:
        return min(ds["refer"], written_since(ds, snaps[index], now) // 2)
    return snaps[index]["used"]


def find_snap(ds, name):
    for snap in ds["snaps"]:
        if snap["name"] == name:
            return snap
    return None


def snapshots_changed(ds):
    """When the dataset's snapshot list last changed (epoch seconds), 0 if never."""
    return ds.get("snapshots_changed", 0)


def _stamp_snapshots_changed(ds):
    ds["snapshots_changed"] = int(time.time())
    ds["snapshots_changed_unpublished"] = True


def publish_snapshots_changed(zfs):
    """Stamps the datasets changed since the node's state was read with the time it is
    written (call it under the lab's exclusive lock, right before the write). ZFS sets the
    value in the txg that makes the change visible, so a reader that saw the old snapshots
    read them before that time; the lab's changes become visible only when the state file
    is written, which can be seconds after they were made (a tick)."""
    now = int(time.time())
    for ds in zfs["datasets"].values():
        if ds.pop("snapshots_changed_unpublished", False):
            ds["snapshots_changed"] = now


def take_snapshot(ds, pool, name, now, rng=random):
    clock = wclock(ds, now)
    if ds["snaps"]:
        prev = ds["snaps"][-1]
        prev["used"] = min(ds["refer"], (clock - prev["wclock"]) // 2)
    snap = {
        "name": name,
        "guid": new_guid(rng),
        "createtxg": pool_txg(pool, now),
        "creation": now,
        "used": 0,
        "wclock": clock,
        "refer": ds["refer"],
    }
    add_snapshot(ds, snap)
    return snap


def add_snapshot(ds, snap):
    """A snapshot made at `now` (taken, or received: it keeps its source's creation)."""
    ds["snaps"].append(snap)
    _stamp_snapshots_changed(ds)


def destroy_snapshot(ds, name):
    drop_snapshots(ds, lambda snap: snap["name"] == name)


def drop_snapshots(ds, doomed):
    """Destroy the snapshots for which doomed(snap) holds; True if there were any."""
    kept = [s for s in ds["snaps"] if not doomed(s)]
    if len(kept) == len(ds["snaps"]):
        return False
    ds["snaps"] = kept
    _stamp_snapshots_changed(ds)
    return True


def rename_snapshot(ds, old, new):
    find_snap(ds, old)["name"] = new
    _stamp_snapshots_changed(ds)


def used_by_snapshots(ds, now):
    return sum(snap_used(ds, i, now) for i in range(len(ds["snaps"])))


def space(zfs, now):
    """Per pool (alloc, free, avail) and per dataset used / usedbychildren."""
    own = {name: ds["refer"] + used_by_snapshots(ds, now) for name, ds in zfs["datasets"].items()}
    children = dict.fromkeys(own, 0)
    for name, used in own.items():
        parent = name.rsplit("/", 1)[0] if "/" in name else None
        while parent is not None:
            if parent in children:
                children[parent] += used
            parent = parent.rsplit("/", 1)[0] if "/" in parent else None
    pools = {}
    for pname, pool in zfs["pools"].items():
        alloc = (
            pool["base_alloc"]
            + pool_fill(pool, now)
            + sum(u for n, u in own.items() if n == pname or n.startswith(pname + "/"))
        )
        alloc = min(alloc, pool["size"])
        avail = max(0, pool["size"] - alloc - slop_space(pool["size"]))
        pools[pname] = {"alloc": alloc, "free": pool["size"] - alloc, "avail": avail}
    return pools, own, children


def dataset_available(zfs, name, pools, used):
    ds = zfs["datasets"][name]
    avail = pools[name.split("/")[0]]["avail"]
    if ds["quota"]:
        avail = min(avail, max(0, ds["quota"] - used))
    return avail


def resume_token(rng=random):
    payload = zlib.compress(rng.randbytes(180), 6).hex()
    return "1-%x-%x-%s" % (rng.getrandbits(36), 180 + rng.randint(0, 60), payload)


def shift_text(text, seconds):
    """Move epochs embedded in snapshot names and PVE command lines."""
    text = REPL_SNAP_RE.sub(lambda m: repl_snap_name(m.group(1), int(m.group(2)) - seconds), text)
    return re.sub(
        r"--last_sync (\d+)", lambda m: "--last_sync %d" % (int(m.group(1)) - seconds), text
    )


def shift(zfs, seconds):
    """Move every stored point in time `seconds` into the past."""
    for pool in zfs["pools"].values():
        pool["created"] -= seconds
        pool["txg_time"] -= seconds
        for activity in ("scan", "expand"):
            if pool[activity]:
                pool[activity]["start"] -= seconds
        if pool.get("growth"):
            pool["growth"]["since"] -= seconds
        for top in pool["vdevs"]:
            for leaf in top["children"]:
                leaf["cksum_since"] -= seconds
    for ds in zfs["datasets"].values():
        ds["creation"] -= seconds
        ds["wtime"] -= seconds
        for snap in ds["snaps"]:
            snap["creation"] -= seconds
            if snap["name"].startswith("autosnap_"):
                snap["name"] = autosnap_name(snap["creation"])
            else:
                snap["name"] = shift_text(snap["name"], seconds)
