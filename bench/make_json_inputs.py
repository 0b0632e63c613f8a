"""Writes the JSON benchmark's inputs into a folder: what replwatch reads from
nodes (`zfs get -j --json-int` of many datasets, `pvesh` replication jobs) and
a hostile array of zeros just under the output cap."""
import json
import os
import sys

PROPS = [
    "type",
    "available",
    "used",
    "quota",
    "refquota",
    "reservation",
    "refreservation",
    "volsize",
    "written",
    "receive_resume_token",
    "keystatus",
    "encryption",
    "guid",
]


def zfs_get(datasets):
    out = {}
    for i in range(datasets):
        name = "rpool/data/vm-%d-disk-0" % (100 + i)
        props = {
            p: {
                "value": 123456789 + i if p != "type" else "volume",
                "source": {"type": "NONE", "data": "-"},
            }
            for p in PROPS
        }
        out[name] = {
            "name": name,
            "type": "VOLUME",
            "pool": "rpool",
            "createtxg": 1000 + i,
            "properties": props,
        }
    return {
        "output_version": {"command": "zfs get", "vers_major": 0, "vers_minor": 1},
        "datasets": out,
    }


def pvesh(jobs):
    return [
        {
            "id": "%d-0" % (100 + i),
            "guest": str(100 + i),
            "jobnum": "0",
            "target": "pve2",
            "type": "local",
            "schedule": "*/15",
            "last_sync": 1764000000,
            "last_try": 1764000000,
            "next_sync": 1764000900,
            "duration": 3.5,
            "fail_count": 0,
        }
        for i in range(jobs)
    ]


def main(folder):
    with open(os.path.join(folder, "zfs-get-20000-datasets.json"), "w") as f:
        json.dump(zfs_get(20000), f)
    with open(os.path.join(folder, "pvesh-5000-jobs.json"), "w") as f:
        json.dump(pvesh(5000), f)
    with open(os.path.join(folder, "zeros-60MB.json"), "w") as f:
        f.write("[0" + ",0" * (30 * 1000 * 1000 - 1) + "]")


if __name__ == "__main__":
    main(sys.argv[1])
