"""The initial cluster of `lab up`: nodes, pools, guests, jobs and their history."""
import os
import random
import time

from rwlab import backups
from rwlab import calendar
from rwlab import faults_guest
from rwlab import ha as hamod
from rwlab import netlab
from rwlab import pve
from rwlab import scheduler
from rwlab import store
from rwlab import versions
from rwlab import world as worldmod
from rwlab import zfsmodel as zm

GiB = zm.GiB
SCHEDULES = [None, None, None, "*/5", "*/30", None, "*/10"]


class Setup:
    """What `lab up` was asked for besides the sizes: per node the PVE release and
    libpve-storage-perl version, the pools' layout, whether rpool/data is encrypted and whether
    some guests are HA-managed (rwlab/ha.py)."""

    def __init__(self, pve="9", storage="", layout="mirror", encrypted=False, ha=False):
        self.pve, self.storage, self.layout, self.encrypted = pve, storage, layout, encrypted
        self.ha = ha
        if layout not in LAYOUTS:
            raise ValueError("no such pool layout '%s' (known: %s)" % (layout, ", ".join(LAYOUTS)))

    def wants(self, pve, nodes):
        """Whether any of the lab's `nodes` nodes runs release `pve`."""
        names = ["pve%d" % i for i in range(1, nodes + 1)]
        return any(v["pve"] == pve for v in self.node_versions(names).values())

    def node_versions(self, names):
        """{node: {"pve", "libpve_storage"}} from `--pve 9` / `8,9,9` and `--storage pve2=9.1.2`."""
        pve = versions.parse_per_node(self.pve, names, "--pve")
        storage = dict(item.split("=", 1) for item in self.storage.split(",") if item)
        unknown = set(storage) - set(names)
        if unknown:
            raise ValueError("--storage: no such node %s" % ", ".join(sorted(unknown)))
        return {n: versions.node_versions(pve[n], storage.get(n)) for n in names}


LAYOUTS = {"mirror": 2, "raidz1": 3}  # disks per pool


def new_state(name, statedir, nodes, setup):
    state = {
        "name": name,
        "dir": statedir,
        "created": int(time.time()),
        "prefix": netlab.node_address(1, nodes)[1],
        "members_version": 1,
        "encrypted": setup.encrypted,
        "nodes": {},
        "guests": {},
        "jobs": {},
        "faults": [],
        "procs": {},
        "rng_seq": 0,
    }
    names = ["pve%d" % i for i in range(1, nodes + 1)]
    node_versions = setup.node_versions(names)
    for i, node in enumerate(names, 1):
        state["nodes"][node] = dict(
            node_versions[node],
            id=i,
            ip=netlab.node_address(i, nodes)[0],
            down=False,
            hung=False,
            hostkey_changed=False,
            clock_offset=0,
            mtu=1500,
        )
    return state


def add_guests(state, guests_per_node, rng):
    names = list(state["nodes"])
    for k, node in enumerate(names):
        for j in range(guests_per_node):
            vmid = str(100 + k * guests_per_node + j)
            lxc = j % 3 == 2
            prefix = "subvol" if lxc else "vm"
            ndisks = 2 if (not lxc and j % 5 == 4) else 1
            volumes = [
                ("%s-%s-disk-%d" % (prefix, vmid, d), rng.choice([8, 16, 32, 64]))
                for d in range(ndisks)
            ]
            state["guests"][vmid] = {
                "node": node,
                "type": "lxc" if lxc else "qemu",
                "volumes": volumes,
                "pid": rng.randint(1000, 60000),
            }
            if len(names) < 2:
                continue
            targets = [names[(k + 1) % len(names)]]
            if len(names) > 2 and j % 7 == 3:
                targets.append(names[(k + 2) % len(names)])
            for n, target in enumerate(targets):
                job = {"guest": vmid, "target": target, "source": node}
                schedule = SCHEDULES[(k + j + n) % len(SCHEDULES)]
                if schedule:
                    job["schedule"] = schedule
                if j % 11 == 6:
                    job["rate"] = 50
                state["jobs"]["%s-%d" % (vmid, n)] = job


def build_zfs(state, snapshots, now, rng, layout):
    zfs = {}
    for node, info in state["nodes"].items():
        zfsutils = versions.release(info)["zfsutils"]
        serial = rng.randint(100000, 999999)
        disks = [
            "nvme-SAMSUNG_MZQL23T8HCLS-00A07_S64HNS0W%06d-part3" % (serial + d)
            for d in range(LAYOUTS[layout])
        ]
        pool = zm.new_pool("rpool", 0, now, disks, rng, versions.openzfs(zfsutils), layout)
        sets = {}
        for name, refer in (
            ("rpool", 104 << 10),
            ("rpool/ROOT", 96 << 10),
            ("rpool/ROOT/pve-1", 3 * GiB + rng.randint(0, GiB)),
            ("rpool/data", 96 << 10),
            ("rpool/var-lib-vz", 2 * GiB),
        ):
            sets[name] = zm.new_dataset(
                "filesystem", pool, now, rng, refer=refer, creation=pool["created"] + 60
            )
        if state["encrypted"]:
            # rpool/data created as an encryption root (passphrase, loaded at boot).
            pool["features"]["encryption"] = "active"
            sets["rpool/data"].update(encryption="aes-256-gcm", keystatus="available")
        zfs[node] = {"zfsutils": zfsutils, "pools": {"rpool": pool}, "datasets": sets}
    for vmid, guest in state["guests"].items():
        pool = zfs[guest["node"]]["pools"]["rpool"]
        for vol, size in guest["volumes"]:
            kind = "filesystem" if vol.startswith("subvol") else "volume"
            ds = zm.new_dataset(
                kind,
                pool,
                now,
                rng,
                volsize=size * GiB if kind == "volume" else 0,
                refer=int(size * GiB * rng.uniform(0.15, 0.6)),
                wrate=rng.uniform(20e3, 1.5e6),
            )
            if state["encrypted"]:
                ds.update(encryption="aes-256-gcm", keystatus="available", encroot="rpool/data")
            if kind == "filesystem":
                ds["refquota"] = size * GiB
            ds["wtime"] = now - (snapshots + 3) * 3600
            for i in range(snapshots):
                t = now - (snapshots - i) * 3600 - 1800
                zm.take_snapshot(ds, pool, zm.autosnap_name(t), t, rng)
            zfs[guest["node"]]["datasets"]["rpool/data/" + vol] = ds
    return zfs


def size_pools(world, now, rng):
    """Give every pool a size that leaves it 25-50% full after the initial syncs."""
    for node in world.state["nodes"]:
        zfs = world.zfs(node)
        pool = zfs["pools"]["rpool"]
        pool["size"] = 1 << 62
        _, own, _ = zm.space(zfs, now)
        used = pool["base_alloc"] + sum(own.values())
        size = max(int(2 * used / rng.uniform(0.25, 0.5)), 64 * GiB)
        pool["size"] = size // GiB * GiB
        pool["scan"]["total"] = used


def initial_history(world, now):
    """Each job: a full sync one interval ago, then its latest scheduled run."""
    sched = scheduler.Scheduler(world)
    for jobid in sorted(world.state["jobs"]):
        job = world.state["jobs"][jobid]
        schedule = job.get("schedule") or pve.DEFAULT_SCHEDULE
        interval = calendar.interval_seconds(schedule)
        # Jobs of one pass start a few seconds apart; none may start after `now`, or its
        # snapshot would be newer than the next pass's (a lab built just after :00, :15...).
        delay = int(job["guest"]) % 7
        last = calendar.next_event(schedule, now - interval - 1)
        if last + delay > now:
            last -= interval
        for start in (last - interval, last):
            space = scheduler.Space(world, start)
            space.cache = {n: 1 << 62 for n in world.state["nodes"]}
            sched.run_job(jobid, start + delay, space)


def write_static_files(lab, state):
    datacenter = {"keyboard": "en-us"}
    if any(info["pve"] == "9" for info in state["nodes"].values()):
        # Set from a PVE 9 node's GUI: replication on the lab's network.
        datacenter["replication"] = pve.replication_option("198.18.0.0/%d" % state["prefix"])
    store.write_text(os.path.join(lab.pve, "datacenter.cfg"), pve.render_datacenter_cfg(datacenter))
    store.write_text(
        os.path.join(lab.pve, "storage.cfg"),
        "dir: local\n\tpath /var/lib/vz\n\tcontent iso,vztmpl,backup\n\n"
        "zfspool: local-zfs\n\tpool rpool/data\n\tsparse\n\tcontent images,rootdir\n\n"
        "lvmthin: local-lvm\n\tthinpool data\n\tvgname pve\n\tcontent rootdir,images\n",
    )
    os.makedirs(os.path.join(lab.pve, "local"), exist_ok=True)
    store.write_text(os.path.join(lab.pve, ".members"), "")
    hosts = "127.0.0.1 localhost.localdomain localhost\n" + "".join(
        "%s %s.lab.local %s\n" % (info["ip"], n, n) for n, info in state["nodes"].items()
    )
    for node in state["nodes"]:
        for sub in ("qemu-server", "lxc"):
            os.makedirs(os.path.join(lab.pve, "nodes", node, sub), exist_ok=True)
        for sub in ("log-pve/replicate", "lib-pve-manager", "root", "ssh"):
            os.makedirs(lab.node(node, sub), exist_ok=True)
        os.chmod(lab.node(node, "root"), 0o700)
        store.write_text(lab.node(node, "hosts"), hosts)
        store.write_text(lab.node(node, "hostname"), node + "\n")
    for vmid, guest in state["guests"].items():
        faults_guest.write_guest_conf(lab, vmid, guest)


def build(lab, name, nodes, guests, snapshots, setup, seed=None):
    rng = random.Random(seed if seed is not None else name)
    now = int(time.time())
    state = new_state(name, lab.dir, nodes, setup)
    add_guests(state, guests, rng)
    state["ha"] = hamod.default_config(state) if setup.ha else {"resources": {}, "rules": {}}
    write_static_files(lab, state)
    for node, zfs in build_zfs(state, snapshots, now, rng, setup.layout).items():
        zm.publish_snapshots_changed(zfs)
        store.write_json(lab.zfs_file(node), zfs)
    lab.save_state(state)
    world = worldmod.World(lab)
    size_pools(world, now - 7200, rng)
    initial_history(world, now)
    # Drawn last, so the rest of the lab stays what the same name always gave.
    world.state["backup_jobs"] = backups.default_jobs(rng)
    world.state["tasks"] = {node: [] for node in world.state["nodes"]}
    backups.write_node_files(lab, world.state)
    world.commit()
    return world.state
