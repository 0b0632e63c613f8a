"""The incremental snapshot inventory (snapshots_changed) against the lab's nodes, PVE 8
(OpenZFS 2.2) and PVE 9 (2.4) side by side: a replicated run's new snapshots, a replication
snapshot deleted on a target and a replica re-created by a full sync are each seen by the
first cycle after them, and the series the detection contract reads are the same as a
second replwatch's that lists every snapshot every cycle."""

import difflib
import time

from labhelper import LabCase
from rwlab import zfsmodel
from replwatch_run import Replwatch, lab_config

# The series the snapshot inventory feeds (collectors/snapshots.cc, volume_chain.cc,
# replica_restore_point.cc): what an incremental inventory could get wrong. The others come
# from other collectors, and some move with every read (the lab's guests keep writing:
# used, written, pending bytes, RPO), so two daemons never read them equal.
INVENTORY_FED = (
    "replwatch_dataset_snapshots",
    "replwatch_replication_snapshot_latest_timestamp_seconds",
    "replwatch_volume_",
    "replwatch_job_replica_restore_point_timestamp_seconds",
)
NODES = ("pve1", "pve2", "pve3")


def contract(samples):
    return {
        (name, tuple(sorted(labels.items()))): value
        for name, labels, value in samples.samples
        if name.startswith(INVENTORY_FED)
    }


def as_lines(series):
    return sorted(
        "%s %s %r" % (name, dict(labels), value) for (name, labels), value in series.items()
    )


class IncrementalSnapshotsInLab(LabCase):
    NAME = "rwt-incr"
    NODES, GUESTS, SNAPSHOTS = 3, 2, 3
    UP = ["--pve", "8,9,9"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.daemons = []
        try:
            incremental = lab_config(cls.statedir, cls.NODES)
            with open(incremental) as f:
                text = f.read()
            full = "%s/replwatch-full.yml" % cls.statedir
            with open(full, "w") as f:
                f.write(text.replace("global:\n", "global:\n  incremental_snapshots: false\n", 1))
            cls.incremental = Replwatch(cls.NAME, incremental, port=10151)
            cls.daemons.append(cls.incremental)
            cls.full = Replwatch(cls.NAME, full, port=10152)
            cls.daemons.append(cls.full)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for daemon in getattr(cls, "daemons", []):
            daemon.stop()
        super().tearDownClass()

    def first_cycle_after(self, what, incremental=True):
        """Both daemons' scrapes once every collector on every node has run start to end
        after `what` was done; the incremental one read the inventory incrementally (its
        first cycle lists in full)."""
        since = time.time()
        deadline = since + 120
        while True:
            scrapes = [daemon.samples() for daemon in (self.incremental, self.full)]
            if all(
                s.collected_after(since) and all(s.node_healthy(node) for node in NODES)
                for s in scrapes
            ):
                break
            if time.time() > deadline:
                self.fail(
                    "%s: no complete cycle after it within 120 s\n%s"
                    % (what, self.incremental.log_tail())
                )
            time.sleep(0.5)
        for node in NODES if incremental else ():
            self.assertEqual(
                scrapes[0].value("replwatch_snapshot_listing_incremental", node=node),
                1,
                "%s: %s was listed in full\n%s" % (what, node, self.incremental.log_tail()),
            )
        return scrapes

    def assertSameContract(self, scrapes, what):
        got, want = contract(scrapes[0]), contract(scrapes[1])
        families = {name for name, _ in want}
        self.assertTrue(
            all(any(name.startswith(fed) for name in families) for fed in INVENTORY_FED),
            "%s: missing families: %s" % (what, sorted(families)),
        )
        if got != want:
            diff = "\n".join(
                difflib.unified_diff(
                    as_lines(want), as_lines(got), "full", "incremental", lineterm=""
                )
            )
            self.fail("%s: the series differ\n%s" % (what, diff[:6000]))

    def latest_replication_snapshot(self, samples, node, job):
        found = samples.all(
            "replwatch_replication_snapshot_latest_timestamp_seconds", node=node, job_id=job
        )
        return max((value for _, value in found), default=None)

    def lab_latest_replication_snapshot(self, node, job):
        """The epoch in the name of the newest replication snapshot of `job` on `node`, as the
        lab's own `zfs list` prints it."""
        names = self.on(node, "zfs", "list", "-H", "-t", "snapshot", "-o", "name").stdout
        found = (zfsmodel.REPL_SNAP_RE.search(name) for name in names.split("\n"))
        return max((int(m.group(2)) for m in found if m and m.group(1) == job), default=None)

    def tick_until_renamed(self, scrapes, chosen):
        """Tick until each chosen job's newest replication snapshot on its target has a name
        the daemons have not shown yet. A tick moves the lab 15 minutes into the past and
        runs the same scheduled slot again, so a run's snapshot may be named a few seconds
        before (or, rarely, at) the second of the one the daemons saw before the tick."""
        shown = {
            job: self.latest_replication_snapshot(scrapes[0], target, job) for job, target in chosen
        }
        for _ in range(3):
            self.lab("tick", "--minutes", "15")
            if all(
                self.lab_latest_replication_snapshot(target, job) not in (None, shown[job])
                for job, target in chosen
            ):
                return
        self.fail("three ticks ran no new replication snapshot of %s" % (chosen,))

    def test_changes_are_seen_in_the_first_cycle_after_them(self):
        scrapes = self.first_cycle_after("start", incremental=False)
        self.assertSameContract(scrapes, "start")
        jobs = sorted(
            {
                (labels["job_id"], labels["target"])
                for labels, _ in scrapes[0].all("replwatch_job_last_sync_timestamp_seconds")
            }
        )
        self.assertTrue(jobs, "no jobs in the lab")

        # One job whose target is the PVE 8 node (OpenZFS 2.2), one whose is PVE 9 (2.4).
        chosen = [
            next(job for job in jobs if job[1] == "pve1"),
            next(job for job in jobs if job[1] == "pve2"),
        ]

        self.tick_until_renamed(scrapes, chosen)
        scrapes = self.first_cycle_after("a replication pass (new snapshots, old ones gone)")
        self.assertSameContract(scrapes, "after a replication pass")
        for job, target in chosen:
            self.assertEqual(
                self.latest_replication_snapshot(scrapes[0], target, job),
                self.lab_latest_replication_snapshot(target, job),
                "the new replication snapshot of %s on %s is not seen" % (job, target),
            )

        for job, _ in chosen:
            self.lab("fault", "delete-snapshot", job, "target")
        scrapes = self.first_cycle_after("replication snapshots deleted on two targets")
        self.assertSameContract(scrapes, "after delete-snapshot")
        for job, target in chosen:
            self.assertIsNone(
                self.latest_replication_snapshot(scrapes[0], target, job),
                "the deleted replication snapshot of %s on %s is still seen" % (job, target),
            )

        for job, _ in chosen:
            self.lab("clear", "delete-snapshot", job)
        self.lab("tick", "--minutes", "15")
        scrapes = self.first_cycle_after("the replicas destroyed and fully synced again")
        self.assertSameContract(scrapes, "after the full sync")
        for job, target in chosen:
            self.assertIsNotNone(self.latest_replication_snapshot(scrapes[0], target, job))
