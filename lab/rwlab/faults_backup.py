"""Backups and scrubs that compete with replication: a vzdump task running now, a backup
job scheduled on one node, OpenZFS's scrub timer enabled for rpool (see backups.py)."""
import time

from rwlab import backups
from rwlab import replication
from rwlab import world as worldmod


class BackupFaultError(ValueError):
    pass


def _node(world, node):
    if node not in world.state["nodes"]:
        raise BackupFaultError("no such node '%s'" % node)
    return world.state["nodes"][node]


# --- backup: a vzdump task of the node's guests runs now ----------------------------------


def backup(world, args):
    node = args["node"]
    _node(world, node)
    if backups.running_task(world.state, node):
        raise BackupFaultError("a backup already runs on %s (lab clear backup %s)" % (node, node))
    minutes = float(args.get("minutes") or 60)
    if minutes <= 0:
        raise BackupFaultError("minutes must be positive")
    now = int(time.time())
    local = sorted((v for v, g in world.state["guests"].items() if g["node"] == node), key=int)
    pid = world.spawn("backup:%s" % node, ["sleep", "infinity"])
    backups.node_tasks(world.state, node).append(
        {
            "pid": pid,
            "pstart": worldmod.process_start_time(pid),
            "starttime": now,
            "type": "vzdump",
            # PVE/API2/VZDump.pm: the vmid when the node backs up one guest, else none.
            "id": local[0] if len(local) == 1 else "",
            "user": "root@pam",
            "end": now + int(minutes * 60),
            "endtime": None,
            "status": None,
        }
    )


def backup_clear(world, args):
    node = args["node"]
    _node(world, node)
    task = backups.running_task(world.state, node)
    if task:
        backups.finish(world, node, task, time.time())


# --- backup-job: a vzdump job in jobs.cfg restricted to one node ---------------------------


def backup_job(world, args):
    node = args["node"]
    _node(world, node)
    schedule = (args.get("schedule") or "hourly").strip()
    if not backups.SCHEDULE_RE.match(schedule):
        raise BackupFaultError("unable to parse calendar event '%s'" % schedule)
    jobs = world.state.setdefault("backup_jobs", {})
    jobid = backups.new_job_id(replication.new_rng(world.state))
    jobs[jobid] = backups.new_job(schedule, node=node)


def backup_job_clear(world, args):
    jobs = world.state.get("backup_jobs", {})
    for jobid in [j for j, job in jobs.items() if job.get("node") == args["node"]]:
        del jobs[jobid]


# --- scrub-timer: systemctl enable zfs-scrub-<period>@rpool.timer ---------------------------


def _period(args):
    period = args.get("period") or "monthly"
    if period not in backups.SCRUB_PERIODS:
        raise BackupFaultError(
            "no such scrub timer '%s' (known: %s)" % (period, ", ".join(backups.SCRUB_PERIODS))
        )
    return period


def scrub_timer(world, args):
    _node(world, args["node"])
    backups.enable_scrub_timer(world.lab, world.state, args["node"], _period(args))


def scrub_timer_clear(world, args):
    _node(world, args["node"])
    periods = [args["period"]] if args.get("period") else backups.SCRUB_PERIODS
    for period in periods:
        backups.disable_scrub_timer(world.lab, args["node"], period)


FAULTS = {
    "backup": (["node", "minutes"], backup, backup_clear),
    "backup-job": (["node", "schedule"], backup_job, backup_job_clear),
    "scrub-timer": (["node", "period"], scrub_timer, scrub_timer_clear),
}
