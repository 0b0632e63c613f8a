"""Replica faults that need no scheduler: a replica that no longer matches its source volume."""

GiB = 1 << 30


def _volume_pairs(world, jobid):
    """(source dataset, target dataset) of every volume of the job that exists on both ends."""
    if jobid not in world.state["jobs"]:
        raise ValueError("no such job '%s'" % jobid)
    job = world.state["jobs"][jobid]
    source, target = world.node_of(job["guest"]), job["target"]
    pairs = []
    for name in world.guest_datasets(job["guest"]):
        src = world.zfs(source)["datasets"].get(name)
        tgt = world.zfs(target)["datasets"].get(name)
        if src and tgt and src["type"] == "volume" and tgt["type"] == "volume":
            pairs.append((src, tgt))
    if not pairs:
        raise ValueError("job '%s' has no volume replicated on %s" % (jobid, target))
    return pairs


def volsize_mismatch(world, args):
    # As after `qm resize <vmid> <disk> +1G` on the source before the next sync: the replica
    # keeps the old volsize (the next successful sync heals it, as in PVE).
    for src, tgt in _volume_pairs(world, args["job"]):
        tgt["volsize"] = src["volsize"] - GiB


def volsize_restore(world, args):
    for src, tgt in _volume_pairs(world, args["job"]):
        tgt["volsize"] = src["volsize"]


# name: (positional argument names, inject, clear)
FAULTS = {
    "volsize-mismatch": (["job"], volsize_mismatch, volsize_restore),
}
