"""`lab scenario N`: the field guide's mini-stories, replayed on the running lab."""
import io

from rwlab import faults
from rwlab import scheduler
from rwlab import upgrade
from rwlab import zpoolcli


def _jobs_to(world, target):
    return sorted(j for j, job in world.state["jobs"].items() if job["target"] == target)


def snapshot_cleanup(world):
    """Mini-story 1: someone prunes 'leftover' replication snapshots on the DR node."""
    target = list(world.state["nodes"])[1 % len(world.state["nodes"])]
    victims = _jobs_to(world, target)[::3] or _jobs_to(world, target)[:1]
    for jobid in victims:
        faults.inject(world, "delete-snapshot", [jobid, "target"])
    scheduler.tick(world, 15)
    return (
        "scenario 1: deleted the replication snapshots of %s on %s; after 15 minutes "
        "they fail with 'No common base snapshot'" % (", ".join(victims), target)
    )


def overlap_stall(world):
    """Mini-story 2: a scrub and a resilver slow everything down and one job hangs."""
    nodes = list(world.state["nodes"])
    source = nodes[0]
    target = nodes[1 % len(nodes)]
    faults.inject(world, "scrub", [target, "240"])
    faults.inject(world, "resilver", [source, "240"])
    jobs = [
        j
        for j in sorted(world.state["jobs"])
        if world.node_of(world.state["jobs"][j]["guest"]) == source
    ]
    faults.inject(world, "hang-job", [jobs[0]])
    scheduler.tick(world, 45)
    return (
        "scenario 2: scrub on %s, resilver on %s, job %s hangs SYNCING; %s's other jobs "
        "are left pending for 45 minutes" % (target, source, jobs[0], source)
    )


def incomplete_replica(world):
    """Mini-story 3: every job is green but one replica holds a partial receive."""
    scheduler.tick(world, 1)
    jobid = sorted(world.state["jobs"])[0]
    faults.inject(world, "interrupt-transfer", [jobid])
    return (
        "scenario 3: job %s reports OK but its replica on %s has a receive_resume_token "
        "(partial receive) until the next run fails" % (jobid, world.state["jobs"][jobid]["target"])
    )


ROLLING_UPGRADE_LAB = "lab up --pve 8 --encrypted --guests 3"


def _rolling_upgrade_jobs(world):
    """pve1's container job to pve2 and its other jobs to pve2, checking the starting point."""
    state = world.state
    nodes = list(state["nodes"])
    if (
        len(nodes) < 2
        or any(state["nodes"][n]["pve"] != "8" for n in nodes[:2])
        or not state.get("encrypted")
    ):
        raise ValueError(
            "scenario 4 starts from a PVE 8 cluster with encrypted rpool/data "
            "(%s)" % ROLLING_UPGRADE_LAB
        )
    source, target = nodes[:2]
    to_target = sorted(
        j
        for j, job in state["jobs"].items()
        if world.node_of(job["guest"]) == source and job["target"] == target
    )
    containers = [
        j for j in to_target if state["guests"][state["jobs"][j]["guest"]]["type"] == "lxc"
    ]
    if not containers:
        raise ValueError(
            "scenario 4 needs a container on %s replicated to %s (%s)"
            % (source, target, ROLLING_UPGRADE_LAB)
        )
    return source, target, to_target, containers[0]


def rolling_upgrade(world):
    """Mini-story 4: a PVE 8 cluster upgraded node by node, the first step going wrong twice.

    1. pve1 to PVE 9.2: its 2.2 pool lacks 2.3/2.4's features (`zpool status` says so).
    2. pve1 (libpve-storage-perl 9.1.10) now sends its encrypted disks with -RpvU; pve2
       still receives with `zfs recv -F` (8.3.7): the replicas are unencrypted under pve2's
       encrypted rpool/data (pve-storage 9.1.3's changelog: receivers first).
    3. `zpool upgrade rpool` on pve1, then a file name over 255 bytes in a container with
       longname=on: its stream carries LONGNAME, which OpenZFS 2.2 on pve2 refuses."""
    source, target, jobs, container_job = _rolling_upgrade_jobs(world)
    report = ["scenario 4: rolling upgrade, %s first" % source]
    report.append("1. " + upgrade.upgrade(world, source))
    status = io.StringIO()
    zpoolcli.main(world.zfs(source), ["status"], out=status)
    report.append(
        "   zpool status on %s: %s"
        % (
            source,
            next(line for line in status.getvalue().splitlines() if line.startswith("status: ")),
        )
    )
    scheduler.tick(world, 30)
    tgt_sets = world.zfs(target)["datasets"]
    plain = sorted(
        name
        for j in jobs
        for name in world.guest_datasets(world.state["jobs"][j]["guest"])
        if name in tgt_sets and tgt_sets[name]["encryption"] == "off"
    )
    report.append(
        "2. 30 minutes on: %s's encrypted disks replicated to %s (zfs recv -F), "
        "unencrypted under its %s rpool/data: %s"
        % (source, target, tgt_sets["rpool/data"]["encryption"], ", ".join(plain))
    )
    upgraded = io.StringIO()
    zpoolcli.main(world.zfs(source), ["upgrade", "rpool"], out=upgraded)
    report.append(
        "3. zpool upgrade rpool on %s: %s"
        % (
            source,
            ", ".join(
                line.strip() for line in upgraded.getvalue().splitlines() if line.startswith("  ")
            ),
        )
    )
    faults.inject(world, "long-file-name", [container_job])
    scheduler.tick(world, 30)
    with open(world.lab.job_log(source, container_job), encoding="utf-8") as f:
        refusal = [
            line.split(": ", 1)[1] for line in f.read().splitlines() if ": cannot receive" in line
        ]
    report.append(
        "4. a long file name in the container of %s (longname=on), its next run to "
        "%s (OpenZFS %s): %s (fail count %d)"
        % (
            container_job,
            target,
            world.zfs(target)["zfsutils"],
            refusal[0] if refusal else "no receive error",
            world.job_state(container_job)["fail_count"],
        )
    )
    return "\n".join(report)


def run(world, number):
    return {
        "1": snapshot_cleanup,
        "2": overlap_stall,
        "3": incomplete_replica,
        "4": rolling_upgrade,
    }[number](world)
