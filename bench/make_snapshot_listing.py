#!/usr/bin/env python3
"""Writes a synthetic `zfs list -Hp -t snapshot -o name,guid,createtxg,creation`
listing: VOLUMES replicated zvols with SNAPS snapshots each (hourly autosnaps and
the job's __replicate_ snapshots). The target side shares the GUIDs."""
import random
import sys

volumes, snaps, side, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = random.Random(42)
with open(path, "w") as out:
    for v in range(volumes):
        vmid = 100 + v
        dataset = "rpool/data/vm-%d-disk-0" % vmid
        for s in range(snaps):
            epoch = 1700000000 + s * 3600
            guid = rng.getrandbits(64)
            if s >= snaps - 2:
                name = "__replicate_%d-0_%d__" % (vmid, epoch)
            else:
                name = "autosnap_%d_hourly" % epoch
            txg = 1000 + s * 37 + (0 if side == "source" else 5)
            out.write("%s@%s\t%d\t%d\t%d\n" % (dataset, name, guid, txg, epoch))
