"""`lab scenario N`: the field guide's mini-stories, replayed on the running lab."""
from rwlab import faults
from rwlab import scheduler


def _jobs_to(world, target):
    return sorted(j for j, job in world.state["jobs"].items() if job["target"] == target)


def snapshot_cleanup(world):
    """Mini-story 1: someone prunes 'leftover' replication snapshots on the DR node."""
    target = list(world.state["nodes"])[1 % len(world.state["nodes"])]
    victims = _jobs_to(world, target)[::3] or _jobs_to(world, target)[:1]
    for jobid in victims:
        faults.inject(world, "delete-snapshot", [jobid, "target"])
    scheduler.tick(world, 15)
    return ("scenario 1: deleted the replication snapshots of %s on %s; after 15 minutes "
            "they fail with 'No common base snapshot'" % (", ".join(victims), target))


def overlap_stall(world):
    """Mini-story 2: a scrub and a resilver slow everything down and one job hangs."""
    nodes = list(world.state["nodes"])
    source = nodes[0]
    target = nodes[1 % len(nodes)]
    faults.inject(world, "scrub", [target, "240"])
    faults.inject(world, "resilver", [source, "240"])
    jobs = [j for j in sorted(world.state["jobs"]) if world.node_of(world.state["jobs"][j]["guest"]) == source]
    faults.inject(world, "hang-job", [jobs[0]])
    scheduler.tick(world, 45)
    return ("scenario 2: scrub on %s, resilver on %s, job %s hangs SYNCING; %s's other jobs "
            "are left pending for 45 minutes" % (target, source, jobs[0], source))


def incomplete_replica(world):
    """Mini-story 3: every job is green but one replica holds a partial receive."""
    scheduler.tick(world, 1)
    jobid = sorted(world.state["jobs"])[0]
    faults.inject(world, "interrupt-transfer", [jobid])
    return ("scenario 3: job %s reports OK but its replica on %s has a receive_resume_token "
            "(partial receive) until the next run fails" % (jobid, world.state["jobs"][jobid]["target"]))


def run(world, number):
    return {"1": snapshot_cleanup, "2": overlap_stall, "3": incomplete_replica}[number](world)
