"""`lab fault <name> ...` and `lab clear <name> ...`: break the lab the way real clusters break."""
import os
import signal
import sys
import time

from rwlab import faults_backup
from rwlab import faults_guest
from rwlab import faults_pool
from rwlab import faults_replica
from rwlab import faults_schedule
from rwlab import faults_transport
from rwlab import ha
from rwlab import keys
from rwlab import netlab
from rwlab import poolfeatures
from rwlab import replication
from rwlab import scheduler
from rwlab import versions
from rwlab import zfsmodel as zm
from rwlab import zpoolview


class FaultError(Exception):
    pass


def _node(world, node):
    if node not in world.state["nodes"]:
        raise FaultError("no such node '%s'" % node)
    return world.state["nodes"][node]


def _job(world, jobid):
    if jobid not in world.state["jobs"]:
        raise FaultError("no such job '%s'" % jobid)
    job = world.state["jobs"][jobid]
    return job, world.node_of(job["guest"]), job["target"]


def _pool(world, node):
    return world.zfs(node)["pools"]["rpool"]


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


# --- node and network faults -------------------------------------------------------------


def node_down(world, args):
    info = _node(world, args["node"])
    _signal(info["sshd_pid"], signal.SIGCONT)
    _signal(info["sshd_pid"], signal.SIGTERM)
    netlab.set_link(world.state, args["node"], "down")
    info["down"] = True
    world.state["members_version"] += 1


def node_up(world, args):
    info = _node(world, args["node"])
    netlab.set_link(world.state, args["node"], "up")
    netlab.start_sshd(world.lab, world.state, args["node"])
    netlab.wait_sshd(world.lab, world.state, [args["node"]])
    info["down"] = False
    world.state["members_version"] += 1


def sshd_hang(world, args):
    info = _node(world, args["node"])
    _signal(info["sshd_pid"], signal.SIGSTOP)
    info["hung"] = True


def sshd_resume(world, args):
    info = _node(world, args["node"])
    _signal(info["sshd_pid"], signal.SIGCONT)
    info["hung"] = False


def host_key_change(world, args):
    _node(world, args["node"])
    keys.new_host_key(world.lab, args["node"])
    world.restart_sshd(args["node"])
    _node(world, args["node"])["hostkey_changed"] = True


def host_key_accept(world, args):
    """What `pvecm updatecerts` does: publish the node's current host key again."""
    lab = world.lab
    keys.write_known_hosts(lab, world.state)
    node = args["node"]
    with open(os.path.join(lab.pve, "nodes", node, "ssh_known_hosts"), "w") as f:
        f.write("%s %s\n" % (node, keys.host_key(lab, node)))
    _node(world, node)["hostkey_changed"] = False


def mtu(world, args):
    value = int(args.get("mtu") or 9000)
    netlab.set_link(world.state, args["node"], "mtu", str(value))
    _node(world, args["node"])["mtu"] = value


def mtu_reset(world, args):
    netlab.set_link(world.state, args["node"], "mtu", "1500")
    _node(world, args["node"])["mtu"] = 1500


def nic_errors(world, args):
    info = _node(world, args["node"])
    injector = os.path.join(netlab.LAB_DIR, "rwlab", "injector.py")
    world.spawn(
        "nic:%s" % args["node"],
        [
            "ip",
            "netns",
            "exec",
            netlab.lab_ns(world.state["name"]),
            sys.executable,
            injector,
            "p%d" % info["id"],
            info["mac"],
            str(args.get("rate") or 20),
        ],
    )


def nic_errors_clear(world, args):
    world.kill("nic:%s" % args["node"])


def clock_offset(world, args):
    _node(world, args["node"])["clock_offset"] = int(args.get("seconds") or 300)


def clock_reset(world, args):
    _node(world, args["node"])["clock_offset"] = 0


# --- pool faults -------------------------------------------------------------------------


def fill_pool(world, args):
    now = int(time.time())
    pool = _pool(world, args["node"])
    pool["fill"] = 0
    spaces, _, _ = zm.space(world.zfs(args["node"]), now)
    percent = float(args.get("percent") or 99.5)
    pool["fill"] = max(0, int(pool["size"] * percent / 100) - spaces["rpool"]["alloc"])


def fill_pool_clear(world, args):
    _pool(world, args["node"])["fill"] = 0


def degrade_pool(world, args):
    leaf = _pool(world, args["node"])["vdevs"][0]["children"][1]
    if leaf["state"] == "ONLINE":
        leaf.update(
            saved_name=leaf["name"],
            name=str(leaf["guid"]),
            state="UNAVAIL",
            note="was /dev/disk/by-id/%s" % leaf["name"],
        )


def degrade_pool_clear(world, args):
    leaf = _pool(world, args["node"])["vdevs"][0]["children"][1]
    if "saved_name" in leaf:
        leaf.update(name=leaf.pop("saved_name"), state="ONLINE", note="")


def cksum_errors(world, args):
    leaf = _pool(world, args["node"])["vdevs"][0]["children"][0]
    leaf.update(
        cksum=int(args.get("count") or 12),
        cksum_rate=float(args.get("rate") or 2) / 60,
        cksum_since=int(time.time()),
    )


def cksum_errors_clear(world, args):
    for leaf in _pool(world, args["node"])["vdevs"][0]["children"]:
        leaf.update(read=0, write=0, cksum=0, cksum_rate=0.0)


def _scan(world, args, func):
    now = int(time.time())
    pool = _pool(world, args["node"])
    spaces, _, _ = zm.space(world.zfs(args["node"]), now)
    total = spaces["rpool"]["alloc"]
    minutes = float(args.get("minutes") or 60)
    pool["scan"] = {
        "func": func,
        "start": now,
        "total": total,
        "rate": max(1, int(total / (minutes * 60))),
        "errors": 0,
    }
    pool["vdevs"][0]["children"][1]["resilvering"] = func == "resilver"


def _scan_finish(world, args):
    pool = _pool(world, args["node"])
    if pool["scan"] and zpoolview.scan_active(pool):
        scan = pool["scan"]
        scan["start"] = int(time.time()) - scan["total"] // scan["rate"] - 1
    pool["vdevs"][0]["children"][1].pop("resilvering", None)


def suspend_pool(world, args):
    pool = _pool(world, args["node"])
    pool["suspended"] = True
    pool["data_errors"] = int(args.get("errors") or 67)
    for leaf, (r, w) in zip(pool["vdevs"][0]["children"], ((8, 126), (3, 97))):
        leaf.update(state="FAULTED", read=r, write=w, note="too many errors")


def suspend_pool_clear(world, args):
    pool = _pool(world, args["node"])
    pool.update(suspended=False, data_errors=0)
    for leaf in pool["vdevs"][0]["children"]:
        leaf.update(state="ONLINE", read=0, write=0, cksum=0, note="")


def feature_disable(world, args):
    feature = args.get("feature") or "encryption"
    _node(world, args["node"])
    openzfs = versions.openzfs(world.zfs(args["node"])["zfsutils"])
    if feature not in poolfeatures.names(openzfs):
        raise FaultError("unknown feature '%s'" % feature)
    for node in world.state["nodes"]:
        features = _pool(world, node)["features"]
        features.setdefault("saved", {})
        features["saved"][feature] = features["saved"].get(feature, features[feature])
        features[feature] = "disabled" if node == args["node"] else "active"


def feature_restore(world, args):
    feature = args.get("feature") or "encryption"
    for node in world.state["nodes"]:
        features = _pool(world, node)["features"]
        if feature in features.get("saved", {}):
            features[feature] = features["saved"].pop(feature)


# --- job / dataset faults ------------------------------------------------------------------


def _job_datasets(world, jobid, side):
    job, source, target = _job(world, jobid)
    node = source if side == "source" else target
    zfs = world.zfs(node)
    return node, [(name, zfs["datasets"].get(name)) for name in world.guest_datasets(job["guest"])]


def delete_snapshot(world, args):
    side = args.get("side") or "target"
    _, sets = _job_datasets(world, args["job"], side)
    for _, ds in sets:
        if ds:
            zm.drop_snapshots(ds, lambda s: args.get("all") or s["name"].startswith("__replicate_"))


def reseed(world, args):
    """What an admin does to repair a broken chain: drop the replica so the next run is full.

    A replica the admin has already repaired by hand (re-seeded: the next run finds a common
    replication snapshot again, by the run's own rule) is left alone."""
    jobid = args["job"]
    last_name = zm.repl_snap_name(jobid, world.job_state(jobid)["last_sync"])
    _, sources = _job_datasets(world, jobid, "source")
    node, targets = _job_datasets(world, jobid, "target")
    for (name, target_ds), (_, source_ds) in zip(targets, sources):
        if target_ds is None:
            continue
        repaired = (
            source_ds is not None
            and target_ds["type"] == source_ds["type"]
            and replication.common_base(source_ds, target_ds, jobid, last_name)
        )
        if not repaired:
            world.zfs(node)["datasets"].pop(name)


def interrupt_transfer(world, args):
    _, sets = _job_datasets(world, args["job"], "target")
    for _, ds in sets:
        if ds:
            ds["resume_token"] = zm.resume_token()


def interrupt_transfer_clear(world, args):
    _, sets = _job_datasets(world, args["job"], "target")
    for _, ds in sets:
        if ds:
            ds["resume_token"] = None


def target_wrong_type(world, args):
    node, sets = _job_datasets(world, args["job"], "target")
    name = sets[0][0]
    zfs = world.zfs(node)
    zfs["datasets"][name] = zm.new_dataset(
        "filesystem",
        zfs["pools"]["rpool"],
        int(time.time()),
        refer=96 << 10,
        creation=int(time.time()),
    )


def write_replica(world, args):
    _, sets = _job_datasets(world, args["job"], "target")
    for _, ds in sets:
        if ds and ds["snaps"]:
            zm.add_write(ds, int(time.time()), int(args.get("bytes") or 64 << 20))
            ds["modified"] = True


def write_replica_clear(world, args):
    _, sets = _job_datasets(world, args["job"], "target")
    for _, ds in sets:
        if ds and ds["snaps"]:
            ds.update(wclock=ds["snaps"][-1]["wclock"], wtime=int(time.time()), wrate=0.0)
            ds.pop("modified", None)


def key_unloaded(world, args):
    job, source, target = _job(world, args["job"])
    for node, status in ((source, "available"), (target, "unavailable")):
        _pool(world, node)["features"]["encryption"] = "active"
        for name in world.guest_datasets(job["guest"]):
            ds = world.zfs(node)["datasets"].get(name)
            if ds:
                ds.update(encryption="aes-256-gcm", keystatus=status)


def key_load(world, args):
    job, source, target = _job(world, args["job"])
    for name in world.guest_datasets(job["guest"]):
        ds = world.zfs(target)["datasets"].get(name)
        if ds and ds["encryption"] != "off":
            ds["keystatus"] = "available"


def hang_job(world, args):
    _job(world, args["job"])
    scheduler.Scheduler(world).start_hang(args["job"], int(time.time()))


def hang_job_clear(world, args):
    world.kill("hang:%s" % args["job"])
    st = world.job_state(args["job"])
    st.pop("pid", None)
    st.pop("ptime", None)


# name: (positional argument names, inject, clear)
FAULTS = {
    "node-down": (["node"], node_down, node_up),
    "sshd-hang": (["node"], sshd_hang, sshd_resume),
    "host-key-change": (["node"], host_key_change, host_key_accept),
    "mtu": (["node", "mtu"], mtu, mtu_reset),
    "nic-errors": (["node", "rate"], nic_errors, nic_errors_clear),
    "clock-offset": (["node", "seconds"], clock_offset, clock_reset),
    "fill-pool": (["node", "percent"], fill_pool, fill_pool_clear),
    "degrade-pool": (["node"], degrade_pool, degrade_pool_clear),
    "cksum-errors": (["node", "count", "rate"], cksum_errors, cksum_errors_clear),
    "resilver": (["node", "minutes"], lambda w, a: _scan(w, a, "resilver"), _scan_finish),
    "scrub": (["node", "minutes"], lambda w, a: _scan(w, a, "scrub"), _scan_finish),
    "suspend-pool": (["node", "errors"], suspend_pool, suspend_pool_clear),
    "feature-disable": (["node", "feature"], feature_disable, feature_restore),
    "delete-snapshot": (["job", "side", "all"], delete_snapshot, reseed),
    "interrupt-transfer": (["job"], interrupt_transfer, interrupt_transfer_clear),
    "target-wrong-type": (["job"], target_wrong_type, reseed),
    "write-replica": (["job", "bytes"], write_replica, write_replica_clear),
    "key-unloaded": (["job"], key_unloaded, key_load),
    "hang-job": (["job"], hang_job, hang_job_clear),
}
FAULTS.update(faults_replica.FAULTS)
FAULTS.update(faults_schedule.FAULTS)
FAULTS.update(faults_pool.FAULTS)
FAULTS.update(faults_transport.FAULTS)
FAULTS.update(faults_backup.FAULTS)
FAULTS.update(faults_guest.FAULTS)
FAULTS.update(ha.FAULTS)


def parse_args(name, argv):
    if name not in FAULTS:
        raise FaultError("unknown fault '%s' (known: %s)" % (name, ", ".join(sorted(FAULTS))))
    names = FAULTS[name][0]
    if not argv:
        raise FaultError(
            "usage: lab fault %s %s"
            % (
                name,
                " ".join("<%s>" % n for n in names[:1]) + "".join(" [%s]" % n for n in names[1:]),
            )
        )
    if len(argv) > len(names):
        raise FaultError("too many arguments for %s" % name)
    return dict(zip(names, argv))


def inject(world, name, argv):
    args = parse_args(name, argv)
    FAULTS[name][1](world, args)
    world.state["faults"].append({"name": name, "args": args, "since": int(time.time())})


def clear(world, name, argv):
    if name == "all":
        for fault in list(reversed(world.state["faults"])):
            FAULTS[fault["name"]][2](world, fault["args"])
        world.state["faults"] = []
        return
    args = parse_args(name, argv)
    key = FAULTS[name][0][0]
    matching = [
        f for f in world.state["faults"] if f["name"] == name and f["args"].get(key) == args[key]
    ]
    # Undo with the arguments the fault was injected with (e.g. which feature).
    for fault in list(reversed(matching)) or [{"args": {}}]:
        FAULTS[name][2](world, dict(fault["args"], **args))
    world.state["faults"] = [f for f in world.state["faults"] if f not in matching]
