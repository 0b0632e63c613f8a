"""End to end on a cluster mid-upgrade: the alerts of a PVE 8 -> 9 rolling upgrade arrive
through the shipped rules and Alertmanager configuration, and resolve once the upgrade is
finished; the encryption alert stays quiet on replicas that inherit their parent.

Lab: `lab up --nodes 3 --guests 3 --pve 9,8,9 --encrypted` (rpool/data is an encryption
root on every node; pve1 replicates 100-102 to pve2, pve2 103-105 to pve3, pve3 106-108 to
pve1). pve2 is the node not yet upgraded (PVE 8.4, libpve-storage-perl 8.3.7, OpenZFS 2.2):
1. pve1 (pve-storage 9.1.10) sends its encrypted disks with `zfs send -RpvU`; pve2 receives
   with `zfs recv -F`, so pve1's replicas are stored unencrypted under pve2's encrypted
   rpool/data. pve2 itself cannot send its encrypted disks (`zfs send -Rpv` refuses them
   without the raw flag): its jobs fail, and its guests cannot fail over to pve3. pve3's
   replicas on pve1 inherit pve1's encryption.
2. `zpool upgrade rpool` on pve1 and a file name over 255 bytes in container 102: the
   `longname` feature becomes active, which pve2's OpenZFS 2.2 cannot receive. The feature
   mismatch alert arrives before the run that fails on it; then that run's failure does.
3. pve2 is upgraded to PVE 9.2, the long file name removed and pve2's unencrypted replicas
   destroyed (the operator's re-seed; the next runs send them in full, and they inherit):
   every alert resolves.

Same stack and speed-only changes as test_alerting_e2e (stack_case.py, alert_stack.py).
"""
import time
import unittest

import scenario
from alert_cases import ROUTES, Expect, job, volume
from stack_case import AlertStackCase

DRIFT = "ReplwatchReplicaEncryptionDrift"
UNENCRYPTED = "unencrypted_under_encrypted_parent"
CONTAINER_102 = "rpool/data/subvol-102-disk-0"

# Step 1: pve2 still runs PVE 8.
MIXED = [
    Expect("drift_vm_100", DRIFT, "warning", {"node": "pve2", "dataset": volume(100)}),
    Expect("drift_vm_101", DRIFT, "warning", {"node": "pve2", "dataset": volume(101)}),
    Expect("drift_container_102", DRIFT, "warning", {"node": "pve2", "dataset": CONTAINER_102}),
    Expect("pve8_cannot_send_103", "ReplwatchJobFailing", "critical", job("103-0", "pve2", "pve3")),
    Expect("pve8_cannot_send_104", "ReplwatchJobFailing", "critical", job("104-0", "pve2", "pve3")),
    Expect("pve8_cannot_send_105", "ReplwatchJobFailing", "critical", job("105-0", "pve2", "pve3")),
] + [
    # ... so its guests have no replica to start from on pve3.
    Expect(
        "no_failover_for_%d" % guest,
        "ReplwatchGuestNotFailoverReady",
        "warning",
        dict(job("%d-0" % guest, "pve2", "pve3"), guest=str(guest), node="pve3"),
    )
    for guest in (103, 104, 105)
]
# Step 2: longname active on pve1, before and after the run that fails on it.
FLAGGED = Expect(
    "longname_flagged",
    "ReplwatchFeatureMismatch",
    "critical",
    {"source": "pve1", "target": "pve2", "node": "pve1", "pool": "rpool", "feature": "longname"},
)
REFUSED = Expect(
    "longname_refused", "ReplwatchJobFailing", "critical", job("102-0", "pve1", "pve2")
)
EXPECTS = MIXED + [FLAGGED, REFUSED]


def key(labels):
    return labels.get("alertname"), labels.get("job_id") or labels.get("dataset")


class MixedClusterAlerting(AlertStackCase):
    LAB_NAME = "rwalup"
    LAB_UP = ["--nodes", "3", "--guests", "3", "--pve", "9,8,9", "--encrypted"]
    observations = {}
    timings = []
    steps_done = []
    drift_on_inherited = {}  # the drift series of pve3's replicas on pve1
    quiet_on_inherited = None  # encryption alerts Prometheus held for pve1/pve3
    leftovers = None
    failing_run_at = None  # when the tick that runs 102-0 on longname began
    upgrade_began = None  # step 3: upgrade and re-seed

    @classmethod
    def observe(cls, expects, since):
        for expect in expects:
            cls.observations[expect.test] = scenario.Observation(expect.full_labels({}), since)

    @classmethod
    def wait_fired(cls, expects):
        def fired():
            for expect in expects:
                cls.driver.update_fired(expect, cls.observations[expect.test])
            return all(cls.observations[e.test].fired for e in expects)

        if not cls.driver.wait(fired, scenario.FIRE_TIMEOUT, interval=1):
            for expect in expects:
                obs = cls.observations[expect.test]
                if not obs.fired:
                    obs.diagnosis = cls.driver.diagnose(expect, obs)

    @classmethod
    def run_scenario(cls):
        began = time.time()
        cls.observe(MIXED, began)
        cls.driver.tick(16)
        cls.wait_fired(MIXED)
        cls.driver.settle(time.time())
        cls.quiet_on_inherited = [
            labels
            for labels in cls.driver.active_alerts()
            if labels["alertname"] == DRIFT and labels["node"] != "pve2"
        ]
        for guest in (106, 107):
            cls.drift_on_inherited[guest] = cls.replwatch.value(
                "replwatch_dataset_encryption_drift",
                node="pve1",
                dataset=volume(guest),
                reason=UNENCRYPTED,
            )
        cls.steps_done.append("mixed")
        cls.timings.append(("mixed", time.time() - began))

        began = time.time()
        cls.driver.lab("exec", "pve1", "--", "zpool", "upgrade", "rpool")
        cls.driver.lab("fault", "long-file-name", "102-0")
        cls.observe([FLAGGED], began)
        cls.wait_fired([FLAGGED])
        cls.failing_run_at = time.time()
        cls.observe([REFUSED], cls.failing_run_at)
        cls.driver.tick(16)
        cls.wait_fired([REFUSED])
        cls.steps_done.append("longname")
        cls.timings.append(("longname", time.time() - began))

        began = time.time()
        cleared = cls.upgrade_began = time.time()
        cls.driver.lab("clear", "long-file-name", "102-0")
        cls.driver.lab("upgrade", "pve2")
        for dataset in (volume(100), volume(101), CONTAINER_102):
            cls.driver.lab("exec", "pve2", "--", "zfs", "destroy", "-r", dataset)
        for obs in cls.observations.values():
            obs.cleared_at = cleared
        by_test = {e.test: e for e in EXPECTS}

        def all_resolved():
            for test, obs in cls.observations.items():
                cls.driver.update_resolved(by_test[test], obs)
            return all(obs.resolved for obs in cls.observations.values())

        cls.leftovers = cls.driver.wait_quiet(cleared, tick_minutes=15, done=all_resolved)
        cls.steps_done.append("upgraded")
        cls.timings.append(("upgraded", time.time() - began))

    # --- checks -------------------------------------------------------------------------
    def check_alert(self, expect):
        obs = self.observations.get(expect.test)
        self.assertIsNotNone(obs, "the scenario stopped before this alert's step")
        self.assertIsNotNone(
            obs.fired, "%s never arrived firing\n%s" % (expect.alert, obs.diagnosis)
        )
        if expect.severity != "info":
            self.assertEqual(obs.fired["path"], ROUTES[expect.severity])
        self.assertIsNotNone(
            obs.resolved, "%s %s did not resolve after the upgrade" % (expect.alert, obs.labels)
        )
        return obs

    def test_the_whole_scenario_ran(self):
        self.assertEqual(self.steps_done, ["mixed", "longname", "upgraded"])

    def test_drift_names_the_pve_storage_versions(self):
        obs = self.check_alert(MIXED[0])
        self.assertIn(
            "Replicated from pve1, pve-storage 9.1.10. pve2 runs pve-storage 8.3.7.",
            obs.fired["annotations"]["description"],
        )

    def test_drift_of_each_unencrypted_replica(self):
        for expect in MIXED[1:3]:
            with self.subTest(expect.labels["dataset"]):
                self.check_alert(expect)

    def test_encryption_alert_is_quiet_on_inherited_replicas(self):
        self.assertEqual(self.quiet_on_inherited, [])
        # Quiet because replwatch judged them, not because it saw nothing.
        self.assertEqual(self.drift_on_inherited, {106: 0, 107: 0})

    def test_pve8_node_cannot_send_encrypted_disks(self):
        for expect in MIXED[3:6]:
            with self.subTest(expect.labels["job_id"]):
                obs = self.check_alert(expect)
                self.assertIn(
                    "last error class: encryption.", obs.fired["annotations"]["description"]
                )

    def test_its_guests_cannot_fail_over_until_the_upgrade(self):
        for expect in MIXED[6:]:
            with self.subTest(expect.labels["job_id"]):
                obs = self.check_alert(expect)
                self.assertRegex(
                    obs.fired["annotations"]["description"],
                    r"^Guest %s could not fail over to pve3 now \(job %s, cluster lab\): "
                    r"[a-z_]+ " % (expect.labels["guest"], expect.labels["job_id"]),
                )

    def test_feature_mismatch_arrives_before_the_run_that_fails(self):
        obs = self.check_alert(FLAGGED)
        self.assertLess(obs.fired["at"], self.failing_run_at)

    def test_each_alert_names_its_diagnose_command(self):
        for expect in EXPECTS:
            with self.subTest(expect.test):
                obs = self.check_alert(expect)
                where = (
                    "--job " + expect.labels["job_id"]
                    if "job_id" in expect.labels
                    else "--node " + expect.labels["node"]
                )
                self.assertEqual(
                    obs.fired["annotations"]["diagnose"], "replwatch diagnose " + where
                )

    def test_the_failed_run_is_classified(self):
        obs = self.check_alert(REFUSED)
        self.assertIn(
            "last error class: feature_unsupported.", obs.fired["annotations"]["description"]
        )

    def test_nothing_else_fired_while_mixed_and_nothing_outlives_the_upgrade(self):
        """No other alert while the cluster is mixed (steps 1 and 2). Step 3 destroys
        replicas and re-seeds them: with every `for:` at 5s, the seconds in which one node's
        listing is older than another node's job state may raise a transient chain alert
        (the shipped 10m absorbs it), so from there only the end state counts."""
        self.maxDiff = None
        self.assertEqual(self.leftovers, [])
        expected = {key(e.full_labels({})) for e in EXPECTS}
        others = [
            # seconds before step 3, status, labels, text: which step raised it, and why
            (
                round(self.upgrade_began - notification["at"]),
                alert["status"],
                alert["labels"],
                alert["annotations"].get("description"),
            )
            for notification in self.sink.notifications()
            if notification["at"] < self.upgrade_began
            for alert in notification["body"]["alerts"]
            if key(alert["labels"]) not in expected
        ]
        self.assertEqual(others, [])


if __name__ == "__main__":
    unittest.main()
