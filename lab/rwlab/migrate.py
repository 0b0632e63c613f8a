"""A replicated guest moving to another node: `lab migrate` and `lab failover`.

Migration (qemu-server QemuMigrate / pve-container LXC::Migrate, pve-guest-common
AbstractMigrate): phase 1 runs the guest's replication job to the migration target once more
(PVE::Replication::run_replication; a failure aborts the migration), so the replicated
volumes need no copy. Phase 3 sends the node's replication state of the guest to the target
(`pvesr set-state`: extract_vmid_tranfer_state renames its `local/<target>` entry to
`local/<source>`), moves the config to the target's directory, and switches the jobs
(switch_replication_job_target($vmid, $target, $source)). The lab migrates only along a
job: a guest without a job to the node would have its disks copied in full.

HA recovery (pve-ha-manager): once the dead node is fenced, the CRM moves the guest's config
to the chosen node (steal_service renames it) and starts it there, on the replica as the last
run left it. Nothing else: the new node's scheduler switches the jobs at its next pass
(job_status: "fix jobs for stolen guest", jobtargets.switch_stolen_jobs). Its replication state
has no entry for the guest (the dead node kept it), so the next run starts with last_sync 0
and finds the common base among the replication snapshots (PVE::Replication::prepare keeps
them all when last_sync is 0: "only occur, if the VM was stolen"). While the dead node is
down the job fails once and is not retried (next_sync 0 for an offline target); when it
returns, the run replicates back to it, and `zfs recv -F` rolls back what its disks got
after the last run.
"""
import copy
import os
import time

from rwlab import faults_guest
from rwlab import jobtargets
from rwlab import scheduler
from rwlab import zfsmodel as zm


class MigrateError(ValueError):
    pass


class MigrationAborted(MigrateError):
    """The last replication run failed; the run is recorded, nothing moved."""


def _guest_and_node(world, vmid, node):
    guests, nodes = world.state["guests"], world.state["nodes"]
    if vmid not in guests:
        raise MigrateError("no such guest '%s'" % vmid)
    if node not in nodes:
        raise MigrateError("no such node '%s'" % node)
    if guests[vmid]["node"] == node:
        raise MigrateError("guest %s is already on %s" % (vmid, node))
    if nodes[node]["down"]:
        raise MigrateError("%s is down" % node)
    return guests[vmid]


def _move_config(world, vmid, guest, node):
    sub = "lxc" if guest["type"] == "lxc" else "qemu-server"
    old = os.path.join(world.lab.pve, "nodes", guest["node"], sub, vmid + ".conf")
    guest["node"] = node
    faults_guest.write_guest_conf(world.lab, vmid, guest)
    os.unlink(old)


def _move_writes(world, vmid, old, new, now):
    """The guest now writes to its disks on `new`; those on `old` keep what they have."""
    for name in world.guest_datasets(vmid):
        left, replica = world.zfs(old)["datasets"][name], world.zfs(new)["datasets"].get(name)
        rate = left["wrate"]
        left.update(wclock=zm.wclock(left, now), wtime=now, wrate=0.0)
        if replica is not None:
            replica.update(wclock=zm.wclock(replica, now), wtime=now, wrate=rate)


def migrate(world, vmid, node):
    """`qm migrate <vmid> <node>` / `pct migrate` of a guest replicated to `node`."""
    guest = _guest_and_node(world, vmid, node)
    source = guest["node"]
    along = sorted(
        j
        for j, job in world.state["jobs"].items()
        if job["guest"] == vmid and job["target"] == node
    )
    if not along:
        raise MigrateError(
            "no replication job of guest %s targets %s (the lab migrates only along a job)"
            % (vmid, node)
        )
    world.load_all()
    sched = scheduler.Scheduler(world)
    sched.prepare_probes()
    now = int(time.time())
    sched.run_job(along[0], now, scheduler.Space(world, now))
    run = world.job_state(along[0])
    if run["fail_count"]:
        raise MigrationAborted("migration aborted: %s" % run.get("error"))
    # The source keeps its copy until purge_old_states drops the switched job's entry.
    state_of_guest = copy.deepcopy(world.repl(source).get(vmid, {}))
    old_tid, new_tid = "local/%s" % node, "local/%s" % source
    if old_tid in state_of_guest:
        state_of_guest[new_tid] = state_of_guest.pop(old_tid)
    world.repl(node)[vmid] = state_of_guest
    _move_config(world, vmid, guest, node)
    jobtargets.switch_job_target(world.state, vmid, node, source)
    _move_writes(world, vmid, source, node, now)
    return sched.report + ["%s: guest %s migrated to %s" % (source, vmid, node)]


def failover(world, vmid, node):
    """HA recovery of `vmid` onto `node` after its node died (`lab fault node-down`)."""
    guest = _guest_and_node(world, vmid, node)
    source = guest["node"]
    if not world.state["nodes"][source]["down"]:
        raise MigrateError(
            "%s is up: HA recovers a guest only from a dead, fenced node "
            "(lab fault node-down %s)" % (source, source)
        )
    missing = [d for d in world.guest_datasets(vmid) if d not in world.zfs(node)["datasets"]]
    if missing:
        raise MigrateError("%s has no replica of %s" % (node, ", ".join(missing)))
    _move_config(world, vmid, guest, node)
    _move_writes(world, vmid, source, node, int(time.time()))
    return ["%s: guest %s recovered from %s (HA), its jobs unchanged" % (node, vmid, source)]
