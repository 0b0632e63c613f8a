"""Which lab faults must raise which alert, with which labels: detection.md's conditions.

The lab is `lab up --nodes 3 --guests 3`: pve1 replicates guests 100-102 to pve2, pve2
guests 103-105 to pve3, pve3 guests 106-108 to pve1 (100, 101, 103, 104, 106, 107 are VMs
with one disk; 102, 105, 108 containers; 105-0 and 107-0 run */5, 108-0 */30, the rest */15).
Faults run in batches whose faults do not mask each other (different nodes, no node-down
on a node whose alerts the batch expects: ReplwatchNodeDown inhibits them).
"""
import dataclasses

CLUSTER = "lab"
ROUTES = {"critical": "/pager", "warning": "/tickets"}  # info: receiver dashboard-only


@dataclasses.dataclass
class Expect:
    test: str  # test method: test_<test>
    alert: str
    severity: str
    labels: dict  # besides alertname, severity, pve_cluster

    def full_labels(self, resolved_values):
        labels = {k: resolved_values.get(v, v) for k, v in self.labels.items()}
        return dict(labels, alertname=self.alert, severity=self.severity, pve_cluster=CLUSTER)


@dataclasses.dataclass
class Batch:
    name: str
    faults: list  # (fault, args...) in injection order; cleared in reverse
    expects: list
    fire_ticks: int = 0  # `lab tick --minutes N` after injecting
    settle_ticks: bool = True  # tick after clearing until every alert resolved
    align_job: tuple = ()  # (node, job): tick first so that the job has just synced
    command_timeout: str = ""  # reload replwatch with this command_timeout first


def volume(guest):
    return "rpool/data/vm-%s-disk-0" % guest


def job(jobid, source, target):
    return {"job_id": jobid, "source": source, "target": target, "node": source}


# Placeholder resolved at run time: the first disk of pve1's mirror (gets the CKSUM errors).
PVE1_FIRST_DISK = "<pve1 first disk>"

STATE_FAULTS = Batch(
    "state faults",
    faults=[
        ("clock-offset", "pve1", "300"),
        ("cksum-errors", "pve1"),
        ("nic-errors", "pve1"),
        ("mtu", "pve2", "9000"),
        ("feature-disable", "pve2", "encryption"),
        ("degrade-pool", "pve3"),
        ("key-unloaded", "107-0"),  # after feature-disable: it marks encryption active on pve3/pve1
        ("write-replica", "100-0"),
        ("delete-snapshot", "106-0", "target"),
        ("target-wrong-type", "101-0"),
        ("volsize-mismatch", "104-0"),
        ("interrupt-transfer", "105-0"),
        ("unreplicated-disk", "103"),  # a replicate=0 disk on LVM-thin: its runs go on
        # Backups of pve1's guests every hour: all of pve1's replication runs inside them.
        ("backup-job", "pve1", "hourly"),
        # Last: the fill is computed from the allocation left by the replica faults above.
        ("fill-pool", "pve2", "85"),
        ("fill-pool", "pve3", "99.5"),
    ],
    expects=[
        Expect("clock_skew", "ReplwatchClockSkew", "warning", {"node": "pve1"}),
        Expect(
            "pool_errors_rising",
            "ReplwatchPoolErrorsRising",
            "warning",
            {"node": "pve1", "pool": "rpool", "vdev": PVE1_FIRST_DISK},
        ),
        Expect(
            "nic_errors_rising",
            "ReplwatchNicErrorsRising",
            "warning",
            {"node": "pve1", "interface": "vmbr0", "reason": "drops"},
        ),
        Expect(
            "mtu_mismatch",
            "ReplwatchMtuMismatch",
            "warning",
            {"source": "pve1", "target": "pve2", "node": "pve1", "reason": "mtu_mismatch"},
        ),
        Expect(
            "target_pool_filling",
            "ReplwatchTargetPoolFilling",
            "warning",
            {"node": "pve2", "pool": "rpool", "reason": "pool_capacity"},
        ),
        Expect(
            "feature_mismatch",
            "ReplwatchFeatureMismatch",
            "critical",
            {
                "source": "pve1",
                "target": "pve2",
                "node": "pve1",
                "pool": "rpool",
                "feature": "encryption",
            },
        ),
        Expect(
            "pool_degraded",
            "ReplwatchPoolDegraded",
            "critical",
            {"node": "pve3", "pool": "rpool", "reason": "state_DEGRADED"},
        ),
        Expect(
            "target_pool_full",
            "ReplwatchTargetPoolFull",
            "critical",
            {"node": "pve3", "pool": "rpool", "reason": "pool_capacity"},
        ),
        Expect(
            "next_sync_wont_fit",
            "ReplwatchNextSyncWontFit",
            "critical",
            job("103-0", "pve2", "pve3"),
        ),
        Expect(
            "replica_key_not_loaded",
            "ReplwatchReplicaKeyNotLoaded",
            "warning",
            {"node": "pve1", "dataset": volume(107)},
        ),
        # The same replica, per guest: it could not start on pve1.
        Expect(
            "guest_not_failover_ready",
            "ReplwatchGuestNotFailoverReady",
            "warning",
            dict(job("107-0", "pve3", "pve1"), guest="107", node="pve1"),
        ),
        Expect(
            "chain_at_risk",
            "ReplwatchChainAtRisk",
            "warning",
            dict(job("100-0", "pve1", "pve2"), volume=volume(100), reason="target_diverged"),
        ),
        Expect(
            "snapshot_chain_broken",
            "ReplwatchSnapshotChainBroken",
            "critical",
            dict(job("106-0", "pve3", "pve1"), volume=volume(106)),
        ),
        Expect(
            "replica_mismatch",
            "ReplwatchReplicaMismatch",
            "critical",
            dict(job("101-0", "pve1", "pve2"), volume=volume(101), reason="type_mismatch"),
        ),
        Expect(
            "replica_size_mismatch",
            "ReplwatchReplicaMismatch",
            "critical",
            dict(job("104-0", "pve2", "pve3"), volume=volume(104), reason="size_mismatch"),
        ),
        Expect(
            "schedule_contention",
            "ReplwatchScheduleContention",
            "info",
            {"node": "pve1", "pool": "rpool", "with": "backup"},
        ),
        Expect(
            "guest_disks_not_replicated",
            "ReplwatchGuestDisksNotReplicated",
            "warning",
            {"node": "pve2", "guest": "103"},
        ),
        Expect(
            "resume_token_stale",
            "ReplwatchResumeTokenStale",
            "warning",
            {"node": "pve3", "dataset": "rpool/data/subvol-105-disk-0"},
        ),
    ],
)

# 108-0 (*/30) syncs, then hangs for 61 simulated minutes: stalled (> max(2 x 30m, 1h)) while
# its RPO (2 x 30m + 5m) still holds, as ReplwatchJobRPOBreached would inhibit the stall alert.
SCHEDULE_FAULTS = Batch(
    "schedule faults",
    align_job=("pve3", "108-0"),
    fire_ticks=61,
    faults=[
        ("node-down", "pve2"),
        ("hang-job", "108-0"),
        ("resilver", "pve3", "600"),
    ],
    expects=[
        Expect("node_down_when_stopped", "ReplwatchNodeDown", "critical", {"node": "pve2"}),
        Expect(
            "job_rpo_breached", "ReplwatchJobRPOBreached", "critical", job("100-0", "pve1", "pve2")
        ),
        Expect("job_stalled", "ReplwatchJobStalled", "warning", job("108-0", "pve3", "pve1")),
        Expect(
            "scan_during_replication",
            "ReplwatchScanDuringReplication",
            "info",
            {"node": "pve3", "pool": "rpool", "kind": "resilver"},
        ),
    ],
)

# 100-0's replication snapshot deleted on the target: its next run fails ("No common base
# snapshot"), with its target up. (A job to a down target fails too, but that is
# ReplwatchNodeDown's page; test_alerting_failover_e2e checks that nothing else pages.)
RUN_FAULTS = Batch(
    "run faults",
    fire_ticks=16,
    faults=[("delete-snapshot", "100-0", "target")],
    expects=[
        Expect("job_failing", "ReplwatchJobFailing", "critical", job("100-0", "pve1", "pve2")),
    ],
)

# A hung sshd accepts TCP but never answers: pve2's path probe to pve3 (ssh ConnectTimeout 5s)
# outlives a 4s command_timeout, so pve2's paths collector fails while pve2 is up. (The lab
# has no fault that breaks a collector on a reachable node; a command timing out is the
# realistic one. The earlier batches run with 20s: a slow path MTU probe takes 5s.)
SSH_FAULTS = Batch(
    "ssh faults",
    settle_ticks=False,
    command_timeout="4s",
    faults=[
        ("host-key-change", "pve1"),
        ("sshd-hang", "pve3"),
    ],
    expects=[
        Expect(
            "node_ssh_broken",
            "ReplwatchNodeSshBroken",
            "critical",
            {"node": "pve1", "reason": "host_key_changed"},
        ),
        Expect("node_down_when_sshd_hangs", "ReplwatchNodeDown", "critical", {"node": "pve3"}),
        Expect(
            "collector_failing",
            "ReplwatchCollectorFailing",
            "warning",
            {"node": "pve2", "collector": "paths"},
        ),
    ],
)

BATCHES = [STATE_FAULTS, SCHEDULE_FAULTS, RUN_FAULTS, SSH_FAULTS]
