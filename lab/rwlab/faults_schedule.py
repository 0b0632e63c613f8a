"""A schedule too tight for its delta: the guest writes faster than the job's rate limit
ships, so each run takes longer than the schedule's interval.

`lab fault tight-schedule <job>` sets the job to run every minute (`schedule */1`) with a
rate limit of 1 MB/s (`rate 1`, pve-guest-common's option in MB/s; PVE passes it to cstream)
and makes its guest write 1.2 MB/s. PVE starts a job's next run only after the last one
ended, so every run misses the slots it overran, and ships the bigger delta that piled up
meanwhile: runs grow run over run, the feedback loop of the field guide's mini-story 2.
`lab clear` puts the schedule, the rate and the guest's write rate back.
"""
import time

from rwlab import zfsmodel as zm

SCHEDULE = "*/1"
RATE_MB_PER_S = 1
WRITE_BYTES_PER_S = 1.2e6


class ScheduleFaultError(ValueError):
    pass


def _job(world, jobid):
    if jobid not in world.state["jobs"]:
        raise ScheduleFaultError("no such job '%s'" % jobid)
    return world.state["jobs"][jobid]


def _set_write_rate(world, job, rate_of):
    """Rebases each of the guest's source datasets onto a new write rate, so that what it
    wrote so far stays written."""
    now = int(time.time())
    zfs = world.zfs(world.node_of(job["guest"]))
    for name in world.guest_datasets(job["guest"]):
        ds = zfs["datasets"][name]
        ds.update(wclock=zm.wclock(ds, now), wtime=now, wrate=rate_of(name, ds))


def tight_schedule(world, args):
    job = _job(world, args["job"])
    if "tight_saved" in job:
        raise ScheduleFaultError("job %s already has a tight schedule" % args["job"])
    zfs = world.zfs(world.node_of(job["guest"]))
    job["tight_saved"] = {
        "schedule": job.get("schedule"),
        "rate": job.get("rate"),
        "wrate": {n: zfs["datasets"][n]["wrate"] for n in world.guest_datasets(job["guest"])},
    }
    job.update(schedule=SCHEDULE, rate=RATE_MB_PER_S)
    _set_write_rate(world, job, lambda name, ds: WRITE_BYTES_PER_S)


def tight_schedule_clear(world, args):
    job = _job(world, args["job"])
    saved = job.pop("tight_saved", None)
    if saved is None:
        return
    for key in ("schedule", "rate"):
        if saved[key] is None:
            job.pop(key, None)
        else:
            job[key] = saved[key]
    _set_write_rate(world, job, lambda name, ds: saved["wrate"].get(name, ds["wrate"]))


# name: (positional argument names, inject, clear), merged into faults.FAULTS
FAULTS = {
    "tight-schedule": (["job"], tight_schedule, tight_schedule_clear),
}
