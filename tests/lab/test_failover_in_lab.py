"""Migration, HA recovery and failback of replicated guests in the lab, through replwatch:
the lab moves guests the way PVE does (lab/rwlab/migrate.py), and replwatch follows each
move without a false chain, divergence or mismatch signal, keeps readiness and data loss
true on every side, and drops a dead node's view of a guest that was recovered elsewhere.

The steps build on each other (test_1 ... test_4 run in that order):
1. `lab migrate 101 pve2`: the job now runs pve2 -> pve1, the replica on pve1 is current.
2. pve1 dies; `lab failover 100 pve2` (HA-managed, strict to pve1 and pve2): job 100-0 is
   switched by pve2's job list, its runs fail while pve1 is down, and pve1's last job list
   no longer speaks for it.
3. pve1 comes back: the next run replicates back and rolls pve1's unreplicated writes back.
4. `lab migrate 100 pve1` (failback): job 100-0 runs pve1 -> pve2 again.
"""
import json
import subprocess
import time
import unittest

from labhelper import LAB
from replwatch_run import ReplwatchLabCase

FAILURES = "replwatch_job_consecutive_failures"
COMMON = "replwatch_volume_common_snapshots"
DIVERGED = "replwatch_volume_target_diverged"
TYPE_MISMATCH = "replwatch_volume_target_type_mismatch"
BASE = "replwatch_volume_base_snapshot_present"
READY = "replwatch_guest_failover_ready"
BLOCKER = "replwatch_guest_failover_blocker"
DATA_LOSS = "replwatch_guest_failover_data_loss_seconds"
UNREACHABLE = "replwatch_job_source_unreachable_since_timestamp_seconds"
HA_WITHOUT_REPLICA = "replwatch_guest_ha_node_without_replica"
# Every job of the lab once the steps are done; 100-0 and 101-0 move.
HOME = {
    "100-0": ("pve1", "pve2"),
    "101-0": ("pve2", "pve1"),
    "102-0": ("pve2", "pve3"),
    "103-0": ("pve2", "pve3"),
    "104-0": ("pve3", "pve1"),
    "105-0": ("pve3", "pve1"),
}


def directions(s, job):
    """{(source, target)} of the job's series: one, unless two nodes speak for it."""
    return {
        (labels["source"], labels["target"])
        for labels, _ in s.all("replwatch_job_info", job_id=job)
    } | {(labels["source"], labels["target"]) for labels, _ in s.all(UNREACHABLE, job_id=job)}


def false_signals(s):
    """Chain and replica signals no move may raise: ["job volume: what"]."""
    found = []
    for metric, bad in ((DIVERGED, 1), (TYPE_MISMATCH, 1), (COMMON, 0), (BASE, 0)):
        for labels, v in s.all(metric):
            if v == bad:
                found.append("%s %s: %s=%g" % (labels["job_id"], labels.get("side", ""), metric, v))
    return found


def unreplicated_read_on(s, guest):
    """The nodes replwatch read the guest's config on (replwatch_guest_unreplicated_disks)."""
    return {
        labels["node"] for labels, _ in s.all("replwatch_guest_unreplicated_disks", guest=guest)
    }


def blockers(s, guest, target):
    return {labels["reason"] for labels, v in s.all(BLOCKER, guest=guest, target=target) if v == 1}


class FailoverInLab(ReplwatchLabCase):
    NAME = "rwfailover"
    UP = ["--ha"]  # 100, 102 and 104 HA-managed, strict to their own node and replica node

    def wait_until(self, what, predicate, timeout=30):
        """A scrape collected after this call where `predicate` holds and no false signal
        shows; fails with what the last scrape showed."""
        return super().wait_until(
            what,
            lambda s: predicate(s) and not false_signals(s),
            timeout,
            lambda s: [
                "100-0 %s" % directions(s, "100-0"),
                "101-0 %s" % directions(s, "101-0"),
                "false signals %s" % false_signals(s),
            ],
        )

    def state_file(self, node):
        text = self.on(node, "cat", "/var/lib/pve-manager/pve-replication-state.json").stdout
        return json.loads(text)

    def replication_cfg(self):
        return self.on("pve3", "cat", "/etc/pve/replication.cfg").stdout

    def assertJobsQuiet(self, s, jobs):
        for job in jobs:
            with self.subTest(job=job):
                self.assertEqual(s.value(FAILURES, job_id=job), 0)

    def test_1_migration_moves_the_job_without_false_signals(self):
        self.wait_until("healthy at the start", lambda s: s.value(READY, guest="101") == 1)
        refused = subprocess.run(
            [LAB, "--name", self.NAME, "migrate", "101", "pve3"], capture_output=True, text=True
        )
        self.assertEqual(
            (refused.returncode, refused.stderr),
            (
                1,
                "lab: no replication job of guest 101 targets pve3 (the lab migrates only "
                "along a job)\n",
            ),
        )
        began = time.time()
        self.lab("migrate", "101", "pve2")
        self.assertIn("local: 101-0\n\ttarget pve1\n\tsource pve2\n", self.replication_cfg())
        last_sync = self.state_file("pve2")["101"]["local/pve1"]["last_sync"]
        self.assertGreaterEqual(last_sync, int(began))

        def moved(s):
            # The guest's disks are read on the node whose last job list has it: pve2
            # from its next jobs cycle on, not pve1 any more.
            return (
                directions(s, "101-0") == {("pve2", "pve1")}
                and s.value(READY, guest="101", target="pve1") == 1
                and unreplicated_read_on(s, "101") == {"pve2"}
            )

        s = self.wait_until("101-0 did not show as pve2 -> pve1", moved)
        self.assertEqual(
            s.value("replwatch_job_last_sync_timestamp_seconds", job_id="101-0"), last_sync
        )
        self.assertLess(s.value(DATA_LOSS, guest="101", target="pve1"), 120)
        ran = self.lab("tick", "--minutes", "15")
        self.assertRegex(ran, r"pve2: job 101-0 -> pve1 at [0-9:]+, [0-9.]+ s, ok")
        synced = self.state_file("pve2")["101"]["local/pve1"]["last_sync"]
        s = self.wait_until(
            "replwatch did not see 101-0's run after the migration",
            lambda s: s.value("replwatch_job_last_sync_timestamp_seconds", job_id="101-0")
            == synced,
        )
        self.assertJobsQuiet(s, HOME)

    def test_2_failover_switches_the_job_and_forgets_the_dead_nodes_view(self):
        self.lab("fault", "node-down", "pve1")
        self.lab("failover", "100", "pve2")

        def recovered(s):
            return s.value("replwatch_node_up", node="pve1") == 0 and directions(s, "100-0") == {
                ("pve2", "pve1")
            }

        s = self.wait_until("100-0 not listed by pve2 alone after the failover", recovered)
        # pve2 lists the job before the lab's scheduler switches it in replication.cfg
        # (job_status does it at the node's next pass): replwatch switches it as PVE would.
        self.assertIn("local: 100-0\n\ttarget pve2\n\tsource pve1\n", self.replication_cfg())
        self.assertEqual(blockers(s, "100", "pve1"), {"target_unknown"})
        self.assertEqual(s.all(HA_WITHOUT_REPLICA, guest="100"), [])
        # pve1's last job list held only 100-0, which pve2 lists now.
        self.assertEqual(s.all(UNREACHABLE), [])

        self.lab("tick", "--minutes", "2")
        self.assertIn("local: 100-0\n\ttarget pve1\n\tsource pve2\n", self.replication_cfg())
        s = self.wait_until(
            "100-0's run to the dead pve1 not seen failing",
            lambda s: (s.value(FAILURES, job_id="100-0") or 0) >= 1,
        )

    def test_3_the_returning_node_is_replicated_back(self):
        pve1_written = self.on(
            "pve1", "zfs", "get", "-Hp", "-o", "value", "written", "rpool/data/vm-100-disk-0"
        ).stdout.strip()
        self.lab("clear", "node-down", "pve1")
        self.lab("tick", "--minutes", "6")

        def back(s):
            return (
                s.value("replwatch_node_up", node="pve1") == 1
                and s.value(FAILURES, job_id="100-0") == 0
                and s.value(READY, guest="100", target="pve1") == 1
            )

        s = self.wait_until("100-0 did not replicate back to pve1", back)
        self.assertGreater(int(pve1_written), 0, "pve1 had no unreplicated writes")
        self.assertEqual(directions(s, "100-0"), {("pve2", "pve1")})
        self.assertEqual(s.all(UNREACHABLE), [])

    def test_4_failback(self):
        self.lab("migrate", "100", "pve1")
        s = self.wait_until(
            "100-0 not back to pve1 -> pve2",
            lambda s: directions(s, "100-0") == {("pve1", "pve2")}
            and s.value(READY, guest="100", target="pve2") == 1,
        )
        self.lab("tick", "--minutes", "15")
        s = self.wait_until(
            "not every job replicating after the failback",
            lambda s: all(directions(s, j) == {HOME[j]} for j in HOME)
            and all(s.value(FAILURES, job_id=j) == 0 for j in HOME),
        )
        self.assertEqual(s.all(HA_WITHOUT_REPLICA), [])


if __name__ == "__main__":
    unittest.main()
