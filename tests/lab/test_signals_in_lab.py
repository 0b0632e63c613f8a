"""replwatch's collectors end to end against the lab: a healthy cluster shows every
signal of the contract with sane values and stays quiet while PVE keeps replicating;
every lab fault moves its matching signal (the chain and headroom signals before the
next run fails, as detection.md asks), leaves unrelated signals alone, and clears.
node-down, sshd-hang, host-key-change and clock-offset: test_replwatch_in_lab."""
import os
import re
import time
import unittest

from labhelper import REPO
from replwatch_run import COLLECTORS, ReplwatchLabCase

NODES = ("pve1", "pve2", "pve3")
# The layout of a 3-node lab with 2 guests per node (lab/rwlab/build.py): each guest
# has one disk replicated to the next node; job -> (source, target).
JOBS = {
    "100-0": ("pve1", "pve2"),
    "101-0": ("pve1", "pve2"),
    "102-0": ("pve2", "pve3"),
    "103-0": ("pve2", "pve3"),
    "104-0": ("pve3", "pve1"),
    "105-0": ("pve3", "pve1"),
}
PATHS = sorted(set(JOBS.values()))
FAULT_MINUTES = "15"  # every job's next scheduled run (at most 2 failures follow)
RECOVER_MINUTES = "31"  # past PVE's longest retry back-off (30 min)
# Families of docs/metrics.md a healthy lab does not produce, and why.
CONDITIONAL = {
    "replwatch_job_last_error_info": "only while a job fails",
    "replwatch_dataset_key_loaded": "encrypted datasets only",
    "replwatch_dataset_quota_bytes": "only when set",
    "replwatch_dataset_refquota_bytes": "only when set",
    "replwatch_dataset_reservation_bytes": "only when set",
    "replwatch_dataset_refreservation_bytes": "only when set",
    "replwatch_dataset_resume_token_first_seen_timestamp_seconds": "only with a token",
    "replwatch_pool_scan_progress_ratio": "only while a scan runs",
    "replwatch_pool_special_capacity_ratio": "pools with a special vdev, OpenZFS after 2.4",
    "replwatch_collector_items_over_cap": "only while a node reports more than a cap allows",
    "replwatch_dataset_encryption_drift": "guest volumes under an encrypted parent only",
    "replwatch_job_source_unreachable_since_timestamp_seconds": "only while a source is down",
    "replwatch_node_last_backup_duration_seconds": "only once a backup finished on the node",
    "replwatch_guest_failover_blocker": "only while a guest is not failover-ready",
    "replwatch_guest_unreplicated_disk_info": "only for a guest with a disk left behind",
    "replwatch_guest_ha_node_without_replica": "only while HA may start a guest without its disks",
}

FAILURES = "replwatch_job_consecutive_failures"
ERROR = "replwatch_job_last_error_info"
COMMON = "replwatch_volume_common_snapshots"
BASE = "replwatch_volume_base_snapshot_present"
RPO = "replwatch_job_rpo_seconds"
READY = "replwatch_guest_failover_ready"
UNREPLICATED = "replwatch_guest_unreplicated_disks"
UNREPLICATED_DISK = "replwatch_guest_unreplicated_disk_info"
BLOCKER = "replwatch_guest_failover_blocker"
DATA_LOSS = "replwatch_guest_failover_data_loss_seconds"
INTERVAL = "replwatch_job_schedule_interval_seconds"
LAST_SYNC = "replwatch_job_last_sync_timestamp_seconds"
PENDING = "replwatch_job_pending_bytes"
HEADROOM = "replwatch_job_target_headroom_bytes"
HEALTH = "replwatch_pool_health"
CAPACITY = "replwatch_pool_capacity_ratio"
VDEV_ERRORS = "replwatch_pool_vdev_errors"
SCAN = "replwatch_pool_scan_active"
PROGRESS = "replwatch_pool_scan_progress_ratio"
SCAN_END = "replwatch_pool_last_scan_end_timestamp_seconds"
TOKEN = "replwatch_dataset_resume_token_present"
TOKEN_SEEN = "replwatch_dataset_resume_token_first_seen_timestamp_seconds"
KEY = "replwatch_dataset_key_loaded"
DIVERGED = "replwatch_volume_target_diverged"
TYPE_MISMATCH = "replwatch_volume_target_type_mismatch"
FEATURE_MISMATCH = "replwatch_link_feature_mismatch"
MTU_MISMATCH = "replwatch_link_mtu_mismatch"
PATH_MTU_OK = "replwatch_link_path_mtu_ok"
RX_DROPPED = "replwatch_nic_receive_dropped_total"
SYNCING = "replwatch_job_syncing"
REPLICA_SNAPSHOT = "replwatch_replication_snapshot_latest_timestamp_seconds"
TRANSFER = "replwatch_job_last_transfer_bytes"
THROUGHPUT = "replwatch_job_last_throughput_bytes_per_second"
LINK_SPEED = "replwatch_link_speed_bytes_per_second"
MISSED = "replwatch_job_missed_intervals_total"
HA_MANAGED = "replwatch_guest_ha_managed"
HA_WITHOUT_REPLICA = "replwatch_guest_ha_node_without_replica"


def volume(job):
    return "rpool/data/vm-%s-disk-0" % job.split("-")[0]


def documented_families():
    """{metric: set of label names} from the tables of docs/metrics.md."""
    families = {}
    with open(os.path.join(REPO, "docs", "metrics.md")) as f:
        for line in f:
            row = re.match(r"^\| `(replwatch_\w+)` \| ([^|]*) \|", line)
            if row:
                families[row.group(1)] = set(re.findall(r"`(\w+)`", row.group(2)))
    return families


def error_class(samples, job):
    """The class of the job's current error, None while it does not fail (a list if
    replwatch reports several at once)."""
    classes = [
        series_labels["class"] for series_labels, v in samples.all(ERROR, job_id=job) if v == 1
    ]
    return classes[0] if len(classes) == 1 else (classes or None)


def unhealthy_reasons(s):
    """What keeps the lab from healthy (every node reached, every job replicating, every
    chain and pool intact), one phrase each; [] when it is healthy."""
    reasons = [
        "%s/%s failed" % (series_labels["node"], series_labels["collector"])
        for series_labels, v in s.all("replwatch_collector_success")
        if v != 1
    ]
    reported = len(s.all("replwatch_collector_success"))
    if reported != len(NODES) * len(COLLECTORS):
        reasons.append("%d collector results, not %d" % (reported, len(NODES) * len(COLLECTORS)))
    for j in JOBS:
        checks = {
            "failures": s.value(FAILURES, job_id=j) == 0,
            "error %s" % error_class(s, j): error_class(s, j) is None,
            "syncing": s.value(SYNCING, job_id=j) == 0,
            "no common snapshot": (s.value(COMMON, job_id=j, volume=volume(j)) or 0) >= 1,
            "source base missing": s.value(BASE, job_id=j, side="source") == 1,
            "target base missing": s.value(BASE, job_id=j, side="target") == 1,
        }
        reasons += ["%s: %s" % (j, what) for what, ok in checks.items() if not ok]
    reasons += [
        "%s pool not ONLINE" % n for n in NODES if s.value(HEALTH, node=n, state="ONLINE") != 1
    ]
    return reasons


def healthy(s):
    return not unhealthy_reasons(s)


def failover_blockers(s):
    """{job_id: {reason}} of the guests that are not failover-ready on their job's target."""
    found = {}
    for labels, value in s.all(BLOCKER):
        if value:
            found.setdefault(labels["job_id"], set()).add(labels["reason"])
    return found


class SignalsInLab(ReplwatchLabCase):
    NAME = "rwsignals"  # its seed leaves every pool 25-55% full
    UP = ["--ha"]  # guests 100, 102 and 104 HA-managed, strict to their replicas' nodes

    def setUp(self):
        self.wait_until(
            "the lab is not healthy at the start of the test",
            healthy,
            timeout=60,
            explain=unhealthy_reasons,
        )

    # --- helpers ---------------------------------------------------------------------

    def tick(self, minutes):
        self.lab("tick", "--minutes", minutes)

    def recover(self, *faults):
        """Clear every fault (name, first argument), then let every job run again."""
        errors = []
        for fault in faults:
            try:
                self.lab("clear", *fault)
            except AssertionError as e:
                errors.append(str(e))
        self.tick(RECOVER_MINUTES)
        if errors:
            raise AssertionError("; ".join(errors))

    def wait_healthy(self, what):
        return self.wait_until(what, healthy, explain=unhealthy_reasons)

    def assertOnlyFailing(self, samples, expected):
        """`expected`: {job: error class} of the failing jobs; every other job is fine."""
        for job in JOBS:
            with self.subTest(job=job):
                if job in expected:
                    self.assertGreater(samples.value(FAILURES, job_id=job), 0)
                    self.assertEqual(error_class(samples, job), expected[job])
                else:
                    self.assertEqual(samples.value(FAILURES, job_id=job), 0)
                    self.assertIsNone(error_class(samples, job))

    def assertNoneFailing(self, samples):
        self.assertOnlyFailing(samples, {})

    # --- healthy cluster -------------------------------------------------------------

    def test_healthy_cluster_exports_every_documented_family_with_its_labels(self):
        s = self.wait_healthy("not healthy")
        documented = documented_families()
        exported = {f for f in s.families() if f.startswith("replwatch_")}
        self.assertEqual(set(CONDITIONAL) - set(documented), set(), "stale CONDITIONAL list")
        self.assertEqual(set(documented) - set(CONDITIONAL) - exported, set(), "not exported")
        self.assertEqual(exported - set(documented), set(), "exported but not documented")
        for name, labels, _ in s.samples:
            if name in documented:
                self.assertEqual(set(labels), documented[name], name)

    def test_healthy_cluster_shows_sane_values(self):
        s = self.wait_healthy("not healthy")
        self.assertEqual(s.value("replwatch_config_last_reload_successful"), 1)
        self.assertEqual([v for _, v in s.all("replwatch_build_info")], [1])
        for node in NODES:
            with self.subTest(node=node):
                self.assertEqual(s.value("replwatch_node_up", node=node), 1)
                self.assertEqual(s.value("replwatch_ssh_host_key_changed", node=node), 0)
                self.assertEqual(s.value("replwatch_ssh_host_key_unknown", node=node), 0)
                self.assertLess(abs(s.value("replwatch_node_clock_offset_seconds", node=node)), 1)
                self.assertEqual(s.value("replwatch_node_pve_info", node=node, version="9.2.20"), 1)
                self.assertEqual(
                    s.value("replwatch_node_zfs_info", node=node, version="2.4.4-pve1"), 1
                )
                self.assertPoolHealthy(s, node)
                self.assertNicHealthy(s, node)
        for job in JOBS:
            with self.subTest(job=job):
                self.assertJobHealthy(s, job)
                self.assertChainHealthy(s, job)
        for source, target in PATHS:
            with self.subTest(source=source, target=target):
                self.assertEqual(s.value("replwatch_link_ssh_ok", source=source, target=target), 1)
                self.assertEqual(s.value(PATH_MTU_OK, source=source, target=target), 1)
                self.assertEqual(
                    s.value("replwatch_link_probe_mtu_bytes", source=source, target=target), 1500
                )
                self.assertEqual(s.value(MTU_MISMATCH, source=source, target=target), 0)
                features = s.all(FEATURE_MISMATCH, source=source, target=target)
                self.assertTrue(features)
                self.assertEqual(
                    [series_labels["feature"] for series_labels, v in features if v != 0], []
                )
        self.assertEqual([series_labels for series_labels, v in s.all(TOKEN) if v != 0], [])
        self.assertEqual(s.all(TOKEN_SEEN), [])
        self.assertEqual([series_labels for series_labels, v in s.all(KEY) if v != 1], [])
        self.assertEqual(failover_blockers(s), {})

    def assertPoolHealthy(self, s, node):
        states = {
            series_labels["state"]: v for series_labels, v in s.all(HEALTH, node=node, pool="rpool")
        }
        self.assertEqual(states.pop("ONLINE"), 1)
        self.assertEqual(set(states.values()), {0})
        self.assertLess(s.value(CAPACITY, node=node), 0.8)
        self.assertGreaterEqual(s.value(CAPACITY, node=node), 0)
        size = s.value("replwatch_pool_size_bytes", node=node)
        self.assertEqual(
            s.value("replwatch_pool_allocated_bytes", node=node)
            + s.value("replwatch_pool_free_bytes", node=node),
            size,
        )
        self.assertGreater(s.value("replwatch_pool_slop_bytes", node=node), 0)
        self.assertLess(s.value("replwatch_pool_slop_bytes", node=node), size)
        self.assertEqual(s.value("replwatch_pool_data_errors", node=node), 0)
        vdevs = s.all(VDEV_ERRORS, node=node)
        self.assertEqual(len(vdevs), 4 * 3)  # pool, mirror-0, 2 disks x read/write/checksum
        self.assertEqual({v for _, v in vdevs}, {0})
        self.assertEqual(
            {series_labels["kind"]: v for series_labels, v in s.all(SCAN, node=node)},
            {"scrub": 0, "resilver": 0},
        )
        self.assertEqual(s.all(PROGRESS, node=node), [])
        self.assertTrue(s.all(SCAN_END, node=node))
        self.assertEqual(
            s.value("replwatch_pool_feature_enabled", node=node, feature="encryption"), 1
        )

    def assertNicHealthy(self, s, node):
        nic = dict(node=node, interface="vmbr0")
        self.assertEqual(s.value("replwatch_nic_up", **nic), 1)
        self.assertEqual(s.value("replwatch_nic_mtu_bytes", **nic), 1500)
        for counter in (
            "receive_errors",
            "transmit_errors",
            "receive_dropped",
            "transmit_dropped",
            "carrier_changes",
        ):
            self.assertGreaterEqual(s.value("replwatch_nic_%s_total" % counter, **nic), 0, counter)

    def assertJobHealthy(self, s, job):
        source, target = JOBS[job]
        labels = dict(job_id=job, guest=job.split("-")[0], source=source, target=target)
        info = s.all("replwatch_job_info", **labels)
        self.assertEqual(len(info), 1)
        schedule = info[0][0]["schedule"]
        self.assertEqual(info[0][0]["vmtype"], "qemu")
        interval = int(schedule.split("/")[1]) * 60  # the lab's */N schedules
        self.assertEqual(s.value(INTERVAL, **labels), interval)
        self.assertEqual(s.value("replwatch_job_enabled", **labels), 1)
        self.assertEqual(s.value("replwatch_job_removal_pending", **labels), 0)
        self.assertEqual(s.value(SYNCING, **labels), 0)
        self.assertEqual(s.value(FAILURES, **labels), 0)
        self.assertIsNone(error_class(s, job))
        last_sync = s.value(LAST_SYNC, **labels)
        last_try = s.value("replwatch_job_last_try_timestamp_seconds", **labels)
        self.assertGreater(last_sync, 0)
        self.assertGreaterEqual(last_try, last_sync)
        self.assertGreater(s.value("replwatch_job_next_sync_timestamp_seconds", **labels), last_try)
        self.assertGreater(s.value("replwatch_job_duration_seconds", **labels), 0)
        rpo = s.value(RPO, **labels)
        self.assertGreaterEqual(rpo, 0)
        self.assertLess(rpo, 2 * interval + 60)
        self.assertEqual(s.value(READY, **labels), 1)
        self.assertEqual(
            s.value("replwatch_guest_replication_interval_seconds", **labels), interval
        )
        self.assertGreaterEqual(s.value(DATA_LOSS, **labels), 0)
        self.assertLess(s.value(DATA_LOSS, **labels), 2 * interval + 60)
        self.assertLessEqual(s.value(PENDING, **labels), s.value(HEADROOM, **labels))

    def assertChainHealthy(self, s, job):
        source, target = JOBS[job]
        vol = dict(job_id=job, volume=volume(job))
        self.assertEqual(s.value("replwatch_volume_target_present", **vol), 1)
        self.assertGreaterEqual(s.value(COMMON, **vol), 1)
        self.assertEqual(s.value(BASE, side="source", **vol), 1)
        self.assertEqual(s.value(BASE, side="target", **vol), 1)
        self.assertEqual(s.value(DIVERGED, **vol), 0)
        self.assertEqual(s.value(TYPE_MISMATCH, **vol), 0)
        self.assertEqual(s.value("replwatch_volume_size_mismatch", **vol), 0)
        self.assertEqual(s.value("replwatch_volume_source_ahead_snapshots", **vol), 0)
        # The newest common snapshot is the one of the last sync.
        self.assertEqual(
            s.value("replwatch_volume_last_common_snapshot_timestamp_seconds", **vol),
            s.value(LAST_SYNC, job_id=job),
        )
        for node in (source, target):
            self.assertEqual(
                s.value(REPLICA_SNAPSHOT, node=node, dataset=volume(job), job_id=job),
                s.value(LAST_SYNC, job_id=job),
            )
            self.assertGreaterEqual(
                s.value("replwatch_dataset_snapshots", node=node, dataset=volume(job)), 2
            )

    def test_healthy_cluster_keeps_replicating_without_false_signals(self):
        s = self.wait_healthy("not healthy")
        for _ in range(3):
            before = {job: s.value(LAST_SYNC, job_id=job) for job in JOBS}
            self.tick(FAULT_MINUTES)
            s = self.wait_healthy("false signal after a quarter of an hour of replication")
            for job in JOBS:
                with self.subTest(job=job):
                    # The lab moved 15 minutes into the past: without a new run the
                    # last sync would be 900 s older than before.
                    self.assertGreater(s.value(LAST_SYNC, job_id=job), before[job] - 900)
                    self.assertLess(s.value(RPO, job_id=job), s.value(INTERVAL, job_id=job) + 120)
                    self.assertJobHealthy(s, job)
                    self.assertChainHealthy(s, job)
            for node in NODES:
                self.assertPoolHealthy(s, node)

    # --- snapshot chain (conditions 3, 4) ----------------------------------------------

    def test_deleted_target_snapshot_breaks_chain_before_the_run_fails(self):
        self.lab("fault", "delete-snapshot", "100-0", "target")
        try:
            s = self.wait_until(
                "deleted target snapshot of 100-0 not flagged",
                lambda s: s.value(COMMON, job_id="100-0") == 0
                and s.value(BASE, job_id="100-0", side="target") == 0,
            )
            # Flagged while PVE still reports the job fine: its next run will fail.
            self.assertEqual(s.value(BASE, job_id="100-0", side="source"), 1)
            self.assertNoneFailing(s)
            self.assertGreaterEqual(s.value(COMMON, job_id="101-0"), 1)  # same path
            self.assertEqual(s.value(BASE, job_id="101-0", side="target"), 1)
            self.tick(FAULT_MINUTES)
            s = self.wait_until(
                "failed run of 100-0 not seen", lambda s: s.value(FAILURES, job_id="100-0") > 0
            )
            self.assertOnlyFailing(s, {"100-0": "snapshot_chain"})
        finally:
            self.recover(("delete-snapshot", "100-0"))
        self.wait_healthy("100-0 did not recover after a full sync")

    def test_deleted_source_snapshot_flags_missing_base_before_the_run_fails(self):
        """Condition 4: the base the next run needs is missing on the source. The
        job's volumes are found from the target's replication snapshots too, so the
        volume stays visible with common_snapshots 0 and base{source} 0."""
        self.lab("fault", "delete-snapshot", "103-0", "source")
        try:
            s = self.wait_until(
                "the source's replication snapshot of 103-0 did not disappear",
                lambda s: s.value(REPLICA_SNAPSHOT, node="pve2", job_id="103-0") is None,
            )
            self.assertEqual(
                s.value(BASE, job_id="103-0", side="source"),
                0,
                "base_snapshot_present{side=source} of 103-0",
            )
            self.assertEqual(
                s.value(BASE, job_id="103-0", side="target"),
                1,
                "base_snapshot_present{side=target} of 103-0",
            )
            self.assertEqual(s.value(COMMON, job_id="103-0"), 0, "common_snapshots of 103-0")
            self.assertNoneFailing(s)
        finally:
            self.recover(("delete-snapshot", "103-0"))

    def test_deleted_source_snapshot_fails_the_run_as_snapshot_chain(self):
        vol = dict(dataset=volume("103-0"), job_id="103-0")
        self.lab("fault", "delete-snapshot", "103-0", "source")
        try:
            s = self.wait_until(
                "the source's replication snapshot of 103-0 did not disappear",
                lambda s: s.value(REPLICA_SNAPSHOT, node="pve2", **vol) is None,
            )
            self.assertEqual(
                s.value(REPLICA_SNAPSHOT, node="pve3", **vol), s.value(LAST_SYNC, job_id="103-0")
            )
            self.assertGreaterEqual(s.value(COMMON, job_id="102-0"), 1)  # same path
            self.assertNoneFailing(s)
            self.tick(FAULT_MINUTES)
            s = self.wait_until(
                "failed run of 103-0 not seen", lambda s: s.value(FAILURES, job_id="103-0") > 0
            )
            self.assertOnlyFailing(s, {"103-0": "snapshot_chain"})
        finally:
            self.recover(("delete-snapshot", "103-0"))
        self.wait_healthy("103-0 did not recover after a full sync")

    # --- headroom (conditions 6, 7) ----------------------------------------------------

    def test_a_replica_missing_on_the_target_counts_in_full(self):
        """The next run sends a volume the target lacks in full (`zfs send -R`): pending is
        its `used` on the source, not what was written since its last snapshot."""
        self.wait_healthy("not healthy")
        volume = "rpool/data/vm-101-disk-0"
        used = int(self.on("pve1", "zfs", "get", "-Hp", "-o", "value", "used", volume).stdout)
        written = int(self.on("pve1", "zfs", "get", "-Hp", "-o", "value", "written", volume).stdout)
        self.assertLess(written, used)
        self.on("pve2", "zfs", "destroy", "-r", volume)
        try:
            s = self.wait_until(
                "the missing replica's full size not counted",
                # The guest keeps writing: `used` only grows while no run prunes.
                lambda s: s.value(PENDING, job_id="101-0") >= used,
            )
            # Guest 101 could not start on pve2 now; wait_healthy below sees it ready again.
            self.assertEqual(failover_blockers(s), {"101-0": {"no_replica"}})
            self.assertEqual(s.value(READY, job_id="101-0"), 0)
        finally:
            self.recover()
        self.wait_healthy("101-0 did not recover after its full sync")

    def test_full_target_pool_flags_no_room_before_the_run_fails(self):
        before = self.wait_healthy("not healthy")
        self.lab("fault", "fill-pool", "pve2")  # target of 100-0 and 101-0
        try:
            s = self.wait_until(
                "full pool of pve2 not flagged",
                lambda s: s.value(CAPACITY, node="pve2") >= 0.99
                and all(
                    s.value(PENDING, job_id=j) > s.value(HEADROOM, job_id=j)
                    for j in ("100-0", "101-0")
                ),
            )
            self.assertNoneFailing(s)  # flagged before the runs fail
            for node in ("pve1", "pve3"):
                self.assertAlmostEqual(
                    s.value(CAPACITY, node=node), before.value(CAPACITY, node=node), delta=0.011
                )
            for job in ("102-0", "103-0", "104-0", "105-0"):  # targets pve3 and pve1
                self.assertLess(s.value(PENDING, job_id=job), s.value(HEADROOM, job_id=job))
            self.tick(FAULT_MINUTES)
            s = self.wait_until(
                "failed runs to the full pool not seen",
                lambda s: s.value(FAILURES, job_id="100-0") > 0
                and s.value(FAILURES, job_id="101-0") > 0,
            )
            # pve2's own jobs cannot take their snapshot on the full pool either.
            self.assertOnlyFailing(
                s,
                {
                    "100-0": "no_space",
                    "101-0": "no_space",
                    "102-0": "no_space",
                    "103-0": "no_space",
                },
            )
        finally:
            self.recover(("fill-pool", "pve2"))
        s = self.wait_healthy("jobs did not recover after the pool was freed")
        self.assertLess(s.value(CAPACITY, node="pve2"), 0.8)
        for job in JOBS:
            self.assertLess(s.value(PENDING, job_id=job), s.value(HEADROOM, job_id=job))

    # --- replicas (conditions 4, 5, 10, 14) --------------------------------------------

    def test_replica_faults_each_flag_their_own_job(self):
        # job: (fault, error class of its next run)
        faults = {
            "102-0": ("interrupt-transfer", "partial_receive"),
            "104-0": ("target-wrong-type", "destination_exists"),
            "101-0": ("write-replica", "destination_modified"),
            "105-0": ("key-unloaded", "encryption"),
        }
        for job, (fault, _) in faults.items():
            self.lab("fault", fault, job)
        try:
            s = self.wait_until(
                "replica faults not flagged",
                lambda s: s.value(TOKEN, node="pve3", dataset=volume("102-0")) == 1
                and s.value(TYPE_MISMATCH, job_id="104-0") == 1
                and s.value(DIVERGED, job_id="101-0") == 1
                and s.value(KEY, node="pve1", dataset=volume("105-0")) == 0,
            )
            with self.subTest("interrupt-transfer"):
                self.assertAlmostEqual(
                    s.value(TOKEN_SEEN, node="pve3", dataset=volume("102-0")), time.time(), delta=30
                )
                self.assertEqual(
                    [
                        (series_labels["node"], series_labels["dataset"])
                        for series_labels, v in s.all(TOKEN)
                        if v
                    ],
                    [("pve3", volume("102-0"))],
                )
                self.assertEqual(len(s.all(TOKEN_SEEN)), 1)
            with self.subTest("target-wrong-type"):
                self.assertEqual(
                    [series_labels["job_id"] for series_labels, v in s.all(TYPE_MISMATCH) if v],
                    ["104-0"],
                )
                self.assertEqual(s.value("replwatch_volume_target_present", job_id="104-0"), 1)
            with self.subTest("write-replica"):
                self.assertGreater(
                    s.value(
                        "replwatch_dataset_written_bytes", node="pve2", dataset=volume("101-0")
                    ),
                    0,
                )
                for job in ("100-0", "102-0", "103-0", "105-0"):
                    self.assertEqual(s.value(DIVERGED, job_id=job), 0, job)
            with self.subTest("failover readiness"):
                blockers = failover_blockers(s)
                self.assertEqual(set(blockers), {"102-0", "104-0", "105-0"}, blockers)
                self.assertIn("partial_receive", blockers["102-0"])
                self.assertIn("replica_mismatch", blockers["104-0"])
                self.assertEqual(blockers["105-0"], {"key_unavailable"})
                # A replica written to still starts (from its current state).
                self.assertEqual(s.value(READY, job_id="101-0"), 1)
            with self.subTest("key-unloaded"):
                self.assertEqual(s.value(KEY, node="pve3", dataset=volume("105-0")), 1)
                self.assertEqual(
                    [
                        (series_labels["node"], series_labels["dataset"])
                        for series_labels, v in s.all(KEY)
                        if v != 1
                    ],
                    [("pve1", volume("105-0"))],
                )
                # Encryption is now active on pve3 and pve1, enabled on pve2: receivable.
                self.assertEqual(
                    [series_labels for series_labels, v in s.all(FEATURE_MISMATCH) if v], []
                )
            self.assertNoneFailing(s)
            self.tick(FAULT_MINUTES)
            s = self.wait_until(
                "failed runs of the faulty replicas not seen",
                lambda s: all(s.value(FAILURES, job_id=j) > 0 for j in faults),
            )
            self.assertOnlyFailing(s, {job: cls for job, (_, cls) in faults.items()})
        finally:
            self.recover(*((fault, job) for job, (fault, _) in faults.items()))
        s = self.wait_healthy("replica faults did not recover")
        self.assertEqual([series_labels for series_labels, v in s.all(TOKEN) if v], [])
        self.assertEqual(s.all(TOKEN_SEEN), [])
        self.assertEqual([series_labels for series_labels, v in s.all(TYPE_MISMATCH) if v], [])
        self.assertEqual([series_labels for series_labels, v in s.all(DIVERGED) if v], [])
        self.assertEqual([series_labels for series_labels, v in s.all(KEY) if v != 1], [])

    # --- pools (conditions 8, 9) -----------------------------------------------------

    def test_pool_faults_each_flag_their_own_pool(self):
        before = self.wait_healthy("not healthy")
        faults = [
            ("degrade-pool", "pve1"),
            ("cksum-errors", "pve2", "12", "2"),
            ("scrub", "pve2", "60"),
            ("resilver", "pve3", "60"),
        ]
        for fault in faults:
            self.lab("fault", *fault)
        try:

            def checksum_errors(s):
                return max(v for _, v in s.all(VDEV_ERRORS, node="pve2", type="checksum"))

            s = self.wait_until(
                "pool faults not flagged",
                lambda s: s.value(HEALTH, node="pve1", state="DEGRADED") == 1
                and checksum_errors(s) >= 12  # 12, then 2 more per minute
                and s.value(SCAN, node="pve2", kind="scrub") == 1
                and s.value(SCAN, node="pve3", kind="resilver") == 1,
            )
            self.assertEqual(s.value(HEALTH, node="pve1", state="ONLINE"), 0)
            for node in ("pve2", "pve3"):
                self.assertEqual(s.value(HEALTH, node=node, state="ONLINE"), 1, node)
            self.assertEqual(
                [
                    (series_labels["node"], series_labels["type"])
                    for series_labels, v in s.all(VDEV_ERRORS)
                    if v
                ],
                [("pve2", "checksum")],
            )  # one disk of pve2 only
            self.assertEqual(
                {
                    (series_labels["node"], series_labels["kind"])
                    for series_labels, v in s.all(SCAN)
                    if v
                },
                {("pve2", "scrub"), ("pve3", "resilver")},
            )
            progress = {
                (series_labels["node"], series_labels["kind"]): v
                for series_labels, v in s.all(PROGRESS)
            }
            self.assertEqual(set(progress), {("pve2", "scrub"), ("pve3", "resilver")})
            self.assertTrue(all(0 <= v < 0.5 for v in progress.values()), progress)
            self.assertEqual({v for _, v in s.all("replwatch_pool_data_errors")}, {0})
            errors = checksum_errors(s)
            self.tick("5")  # errors grow and scans progress with time
            s = self.wait_until(
                "checksum errors and scan progress did not grow",
                lambda s: checksum_errors(s) >= errors + 10
                and all(s.value(PROGRESS, node=n, kind=k) > progress[(n, k)] for n, k in progress),
            )
            self.assertNoneFailing(s)  # slower, not failing
        finally:
            self.recover(*(fault[:2] for fault in faults))
        s = self.wait_healthy("pools did not recover")
        self.assertEqual([series_labels for series_labels, v in s.all(VDEV_ERRORS) if v], [])
        self.assertEqual([series_labels for series_labels, v in s.all(SCAN) if v], [])
        self.assertEqual(s.all(PROGRESS), [])
        self.assertGreater(
            s.value(SCAN_END, node="pve2", kind="scrub"),
            before.value(SCAN_END, node="pve2", kind="scrub"),
        )
        self.assertIsNotNone(s.value(SCAN_END, node="pve3", kind="resilver"))

    def test_suspended_pool_flags_health_and_fails_its_jobs(self):
        self.lab("fault", "suspend-pool", "pve3")
        try:
            s = self.wait_until(
                "suspended pool of pve3 not flagged",
                lambda s: s.value(HEALTH, node="pve3", state="SUSPENDED") == 1,
            )
            self.assertEqual(s.value(HEALTH, node="pve3", state="ONLINE"), 0)
            self.assertEqual(s.value("replwatch_pool_data_errors", node="pve3"), 67)
            # The guests replicated to pve3 cannot start there; wait_healthy sees them ready
            # again once the pool is cleared.
            self.assertEqual(
                {
                    job
                    for job, reasons in failover_blockers(s).items()
                    if "pool_unhealthy" in reasons
                },
                {"102-0", "103-0"},
            )
            self.assertEqual(
                {
                    (series_labels["node"], series_labels["type"])
                    for series_labels, v in s.all(VDEV_ERRORS)
                    if v
                },
                {("pve3", "read"), ("pve3", "write")},
            )
            for node in ("pve1", "pve2"):
                self.assertEqual(s.value(HEALTH, node=node, state="ONLINE"), 1, node)
                self.assertEqual(s.value("replwatch_pool_data_errors", node=node), 0, node)
            self.tick(FAULT_MINUTES)
            s = self.wait_until(
                "failed runs on the suspended pool not seen",
                lambda s: all(
                    s.value(FAILURES, job_id=j) > 0 for j in ("102-0", "103-0", "104-0", "105-0")
                ),
            )
            for job in ("102-0", "103-0"):  # receive into the suspended pool
                self.assertEqual(error_class(s, job), "pool_unhealthy", job)
            for job in ("100-0", "101-0"):  # pve1 -> pve2
                self.assertEqual(s.value(FAILURES, job_id=job), 0, job)
        finally:
            self.recover(("suspend-pool", "pve3"))
        self.wait_healthy("jobs did not recover after zpool clear")

    def test_snapshot_timeout_on_suspended_source_pool_is_classed_pool_unhealthy(self):
        """PVE's `command 'zfs snapshot ...' failed: got timeout` is zfs_request's 10 s
        timeout (the pool is too slow or suspended; pve-storage ZFSPoolPlugin):
        pool_unhealthy; lock_timeout is only `can't lock file ... - got timeout`."""
        self.lab("fault", "suspend-pool", "pve3")
        try:
            self.tick(FAULT_MINUTES)
            s = self.wait_until(
                "failed runs from the suspended pool not seen",
                lambda s: s.value(FAILURES, job_id="104-0") > 0
                and s.value(FAILURES, job_id="105-0") > 0,
            )
            self.assertEqual(error_class(s, "104-0"), "pool_unhealthy")
            self.assertEqual(error_class(s, "105-0"), "pool_unhealthy")
        finally:
            self.recover(("suspend-pool", "pve3"))

    def test_disabled_target_feature_flags_mismatch_before_the_run_fails(self):
        self.lab("fault", "feature-disable", "pve2", "encryption")
        try:
            s = self.wait_until(
                "disabled feature of pve2 not flagged",
                lambda s: s.value(
                    FEATURE_MISMATCH, source="pve1", target="pve2", feature="encryption"
                )
                == 1,
            )
            self.assertEqual(
                s.value("replwatch_pool_feature_enabled", node="pve2", feature="encryption"), 0
            )
            self.assertEqual(
                [
                    (series_labels["source"], series_labels["target"], series_labels["feature"])
                    for series_labels, v in s.all(FEATURE_MISMATCH)
                    if v
                ],
                [("pve1", "pve2", "encryption")],
            )
            self.assertEqual(
                s.value(FEATURE_MISMATCH, source="pve3", target="pve1", feature="encryption"), 0
            )  # active on both
            self.assertNoneFailing(s)
            self.tick(FAULT_MINUTES)
            s = self.wait_until(
                "failed runs to pve2 not seen",
                lambda s: s.value(FAILURES, job_id="100-0") > 0
                and s.value(FAILURES, job_id="101-0") > 0,
            )
            self.assertOnlyFailing(
                s, {"100-0": "feature_unsupported", "101-0": "feature_unsupported"}
            )
        finally:
            self.recover(("feature-disable", "pve2"))
        s = self.wait_healthy("jobs to pve2 did not recover")
        self.assertEqual([series_labels for series_labels, v in s.all(FEATURE_MISMATCH) if v], [])
        self.assertEqual(
            s.value("replwatch_pool_feature_enabled", node="pve2", feature="encryption"), 1
        )

    def test_a_disk_left_out_of_replication_is_named_per_guest(self):
        # Healthy: every replicated guest's disks are replicated (ide2 is an empty cdrom).
        s = self.wait_healthy("not healthy")
        guests = sorted(labels["guest"] for labels, v in s.all(UNREPLICATED) if v == 0)
        self.assertEqual(guests, sorted({job.split("-")[0] for job in JOBS}))
        self.lab("fault", "unreplicated-disk", "100")
        self.lab("fault", "unreplicated-disk", "103")
        try:
            s = self.wait_until(
                "the replicate=0 disks of 100 and 103 not seen",
                lambda s: s.value(UNREPLICATED, guest="100") == 1
                and s.value(UNREPLICATED, guest="103") == 1,
            )
            disks = {
                (labels["guest"], labels["disk"], labels["volume"], labels["reason"])
                for labels, v in s.all(UNREPLICATED_DISK)
                if v == 1
            }
            self.assertEqual(
                disks,
                {
                    ("100", "scsi9", "local-lvm:vm-100-disk-0", "replicate_off"),
                    ("103", "scsi9", "local-lvm:vm-103-disk-0", "replicate_off"),
                },
            )
            self.assertEqual(s.value(UNREPLICATED, guest="101"), 0)
            # replicate=0 is skipped by PVE: the jobs keep replicating.
            self.tick(FAULT_MINUTES)
            self.assertNoneFailing(self.wait_until("runs after the fault", lambda s: True))
        finally:
            self.recover(("unreplicated-disk", "100"), ("unreplicated-disk", "103"))
        self.wait_until(
            "the disks still listed after they were detached",
            lambda s: all(v == 0 for _, v in s.all(UNREPLICATED)) and not s.all(UNREPLICATED_DISK),
        )

    def test_a_disk_added_since_the_last_run_has_no_replica_until_the_next(self):
        """A disk added to a replicated guest (`qm set 101 --scsi2 local-zfs:4`) has no replica
        until the job's next run sends it in full: a failover now would start the guest
        without it. It is replicated, so it is no unreplicated disk."""
        self.wait_healthy("not healthy")
        self.lab("fault", "new-disk", "101")
        try:
            s = self.wait_until(
                "the added disk not seen missing on 101-0's target",
                lambda s: failover_blockers(s) == {"101-0": {"no_replica"}},
            )
            self.assertEqual(s.value(READY, job_id="101-0"), 0)
            self.assertEqual(s.value(UNREPLICATED, guest="101"), 0)
            self.tick(FAULT_MINUTES)
            self.assertNoneFailing(
                self.wait_until(
                    "101-0 not ready after the run that copied the disk",
                    lambda s: s.value(READY, job_id="101-0") == 1 and not failover_blockers(s),
                )
            )
        finally:
            self.recover(("new-disk", "101"))

    def test_ha_may_recover_a_guest_onto_a_node_without_its_disks(self):
        """Guests 100, 102 and 104 are HA-managed with a strict node-affinity rule of their own
        node and their job's target. Without `strict`, those nodes are only preferred: HA may
        recover guest 100 onto pve3, which holds none of its disks."""
        s = self.wait_healthy("not healthy")
        managed = sorted(labels["guest"] for labels, v in s.all(HA_MANAGED) if v == 1)
        self.assertEqual(managed, ["100", "102", "104"])
        self.assertEqual(s.all(HA_WITHOUT_REPLICA), [])
        self.lab("fault", "ha-loose-rule", "100")
        try:
            s = self.wait_until(
                "pve3 not named as a recovery node without guest 100's disks",
                lambda s: s.value(HA_WITHOUT_REPLICA, guest="100", node="pve3") == 1,
            )
            self.assertEqual(
                [(labels["guest"], labels["node"]) for labels, _ in s.all(HA_WITHOUT_REPLICA)],
                [("100", "pve3")],
            )
        finally:
            self.lab("clear", "ha-loose-rule", "100")
        self.wait_until(
            "a node without replica still named after the rule was made strict again",
            lambda s: not s.all(HA_WITHOUT_REPLICA),
        )

    def test_hung_job_stays_syncing_and_stalls_its_node(self):
        self.lab("fault", "hang-job", "102-0")
        try:
            s = self.wait_until(
                "hung job 102-0 not syncing", lambda s: s.value(SYNCING, job_id="102-0") == 1
            )
            self.assertEqual(
                [series_labels["job_id"] for series_labels, v in s.all(SYNCING) if v], ["102-0"]
            )
            self.tick(FAULT_MINUTES)
            s = self.wait_until(
                "103-0 not stale behind the hung 102-0 on pve2",
                lambda s: s.value(RPO, job_id="103-0") > s.value(INTERVAL, job_id="103-0"),
            )
            self.assertEqual(
                [series_labels["job_id"] for series_labels, v in s.all(SYNCING) if v], ["102-0"]
            )
            for job in ("100-0", "101-0", "104-0", "105-0"):  # other nodes keep going
                self.assertLess(s.value(RPO, job_id=job), s.value(INTERVAL, job_id=job) + 120)
            self.assertNoneFailing(s)  # a hang is no failure: RPO and syncing show it
        finally:
            self.recover(("hang-job", "102-0"))
        s = self.wait_healthy("pve2 did not resume after the hung job ended")
        self.assertLess(s.value(RPO, job_id="103-0"), s.value(INTERVAL, job_id="103-0") + 120)

    # --- network (conditions 11, 12) -------------------------------------------------

    def test_link_faults_flag_their_own_link(self):
        before = self.wait_healthy("not healthy")
        dropped = {n: before.value(RX_DROPPED, node=n) for n in NODES}
        self.lab("fault", "mtu", "pve1", "9000")
        self.lab("fault", "nic-errors", "pve3", "200")
        try:
            s = self.wait_until(
                "MTU 9000 on pve1 and drops on pve3 not flagged",
                lambda s: s.value(PATH_MTU_OK, source="pve1", target="pve2") == 0
                and s.value(RX_DROPPED, node="pve3") > dropped["pve3"],
            )
            self.assertEqual(
                {series_labels["node"]: v for series_labels, v in s.all("replwatch_nic_mtu_bytes")},
                {"pve1": 9000, "pve2": 1500, "pve3": 1500},
            )
            self.assertEqual(
                s.value("replwatch_link_probe_mtu_bytes", source="pve1", target="pve2"), 9000
            )
            self.assertEqual(
                {
                    (series_labels["source"], series_labels["target"]): v
                    for series_labels, v in s.all(MTU_MISMATCH)
                },
                {("pve1", "pve2"): 1, ("pve2", "pve3"): 0, ("pve3", "pve1"): 1},
            )
            for source, target in (("pve2", "pve3"), ("pve3", "pve1")):
                self.assertEqual(s.value(PATH_MTU_OK, source=source, target=target), 1)
            for source, target in PATHS:  # TCP still works
                self.assertEqual(s.value("replwatch_link_ssh_ok", source=source, target=target), 1)
            for node in ("pve1", "pve2"):
                self.assertEqual(s.value(RX_DROPPED, node=node), dropped[node], node)
            self.assertEqual(s.value("replwatch_nic_receive_errors_total", node="pve3"), 0)
        finally:
            self.recover(("mtu", "pve1"), ("nic-errors", "pve3"))
        self.wait_healthy("links did not recover")
        # A probe is one ping with a deadline: under load one may be lost, so the
        # links must come back, not every single probe succeed.
        s = self.wait_until(
            "MTU mismatch or path MTU probe failures did not clear",
            lambda s: {v for _, v in s.all(MTU_MISMATCH)} == {0}
            and {v for _, v in s.all(PATH_MTU_OK)} == {1},
        )
        # The drop counter stops growing once the sender is gone.
        settled = s.value(RX_DROPPED, node="pve3")
        later = self.wait_until("no fresh scrape", lambda s: True)
        self.assertEqual(later.value(RX_DROPPED, node="pve3"), settled)

    def test_slow_link_lowers_throughput_and_its_runs_miss_starts(self):
        self.tick(FAULT_MINUTES)
        before = self.wait_until(
            "no transfer measured after a replication pass",
            lambda s: all(s.value(TRANSFER, job_id=j) > 0 for j in JOBS)
            and all(s.value(THROUGHPUT, job_id=j) > 0 for j in JOBS),
        )
        link_bytes_per_second = 8000 * 1000 / 8  # the fault's tbf rate
        self.lab("fault", "slow-link", "pve2", "8000")
        try:
            self.tick(FAULT_MINUTES)
            after = self.wait_until(
                "no run after the slow link was set",
                lambda s: all(
                    s.value(LAST_SYNC, job_id=j) > before.value(LAST_SYNC, job_id=j)
                    and s.value(THROUGHPUT, job_id=j) is not None
                    for j in JOBS
                ),
            )
            for job, path in JOBS.items():
                with self.subTest(job=job):
                    throughput = after.value(THROUGHPUT, job_id=job)
                    self.assertGreater(after.value(TRANSFER, job_id=job), 0)
                    # The lab's vmbr0 is a veth: 10 Gbit/s, whatever a shaper above it does.
                    speed = after.value(LINK_SPEED, source=path[0], target=path[1])
                    self.assertEqual(speed, 10000 * 1e6 / 8)
                    if "pve2" in path:
                        # The bytes are zfs send's estimates (3 significant digits).
                        self.assertLessEqual(throughput, link_bytes_per_second * 1.01)
                        self.assertLess(throughput, before.value(THROUGHPUT, job_id=job) / 10)
                        # 8 Mbit/s of a 10 Gbit/s link: under a thousandth of it.
                        self.assertLess(throughput / speed, 0.001)
                    else:
                        self.assertGreater(throughput, link_bytes_per_second)
            # A run that ended after PVE's next start for it (next_sync: the first event
            # after its start) missed that start: the counter moves for those runs only.
            overran = set()
            for job in JOBS:
                with self.subTest(job=job, missed=True):
                    ended = after.value("replwatch_job_last_try_timestamp_seconds", job_id=job)
                    ended += after.value("replwatch_job_duration_seconds", job_id=job)
                    late = ended > after.value(
                        "replwatch_job_next_sync_timestamp_seconds", job_id=job
                    )
                    missed = after.value(MISSED, job_id=job) - before.value(MISSED, job_id=job)
                    self.assertEqual(missed > 0, late, "missed %s, late %s" % (missed, late))
                    if late:
                        overran.add(job)
            self.assertTrue(overran, "no run overran its next start: the slow link is too fast")
        finally:
            self.recover(("slow-link", "pve2"))
        self.wait_healthy("not healthy after the slow link")


if __name__ == "__main__":
    unittest.main()
