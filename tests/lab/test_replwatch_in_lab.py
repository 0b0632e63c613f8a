"""replwatch against the lab: every signal it exports, each lab fault moving
the matching signal (and not unrelated ones), and recovery when it clears."""
import os
import unittest

from labhelper import LabCase
from replwatch_run import ReplwatchLabCase, lab_config


UNREACHABLE_SINCE = "replwatch_job_source_unreachable_since_timestamp_seconds"
RESTORE_POINT = "replwatch_job_replica_restore_point_timestamp_seconds"
READY = "replwatch_guest_failover_ready"
DATA_LOSS = "replwatch_guest_failover_data_loss_seconds"


class ReplwatchInLab(ReplwatchLabCase):
    NAME = "rwtest"

    def up(self, node):
        return self.daemon.value("replwatch_node_up", pve_cluster="lab", node=node)

    def assertEventually(self, predicate, message, timeout=30):
        if not self.daemon.wait_for(predicate, timeout):
            self.fail("%s\n--- replwatch log ---\n%s" % (message, self.daemon.log_text()[-3000:]))

    def node_collector_ok(self, node):
        return (
            self.daemon.value(
                "replwatch_collector_success", pve_cluster="lab", node=node, collector="node"
            )
            == 1
        )

    def offset(self, node):
        """The node's clock offset, or None until the node collector has run."""
        return self.daemon.value("replwatch_node_clock_offset_seconds", node=node)

    def setUp(self):
        # node_up turns 1 with the first collector that reaches a node; the
        # node collector's own series exist only once it has run too.
        for node in ("pve1", "pve2", "pve3"):
            self.assertEventually(
                lambda n=node: self.up(n) == 1 and self.node_collector_ok(n), "%s not up" % node
            )

    def test_healthy_cluster_reports_node_facts(self):
        for node in ("pve1", "pve2", "pve3"):
            offset = self.daemon.value("replwatch_node_clock_offset_seconds", node=node)
            self.assertIsNotNone(offset)
            self.assertLess(abs(offset), 1.0)
            self.assertEqual(
                self.daemon.value("replwatch_node_pve_info", node=node, version="9.2.20"), 1
            )
            self.assertEqual(
                self.daemon.value("replwatch_collector_success", node=node, collector="node"), 1
            )
            self.assertEqual(self.daemon.value("replwatch_ssh_host_key_changed", node=node), 0)

    def kept_jobs(self, source):
        """{job_id: restore point} of the jobs kept from `source`'s last job list."""
        samples = self.daemon.samples()
        return {
            labels["job_id"]: samples.value(RESTORE_POINT, job_id=labels["job_id"])
            for labels, _ in samples.all(UNREACHABLE_SINCE, source=source)
        }

    def kept_guests(self, source):
        """{job_id: (failover-ready, data loss)} of the guests whose jobs run from `source`."""
        samples = self.daemon.samples()
        return {
            labels["job_id"]: (value, samples.value(DATA_LOSS, job_id=labels["job_id"]))
            for labels, value in samples.all(READY, source=source)
        }

    def test_node_down_and_recovery(self):
        listed = set()

        def read_jobs():
            samples = self.daemon.samples()
            enabled = samples.all("replwatch_job_enabled", source="pve2")
            listed.update(labels["job_id"] for labels, _ in enabled)
            return bool(listed)

        self.assertEventually(read_jobs, "pve2's jobs not listed")
        self.lab("fault", "node-down", "pve2")
        try:
            # Its jobs stay, with what their target (pve3) still holds. pve3's inventory
            # may be a cycle away (the test before hung its sshd), so this is waited for.
            self.assertEventually(
                lambda: self.up("pve2") == 0 and set(self.kept_jobs("pve2")) == listed,
                "pve2 not reported down with its jobs kept",
            )
            self.assertEventually(
                lambda: None not in self.kept_jobs("pve2").values(),
                "a kept job of pve2 has no restore point on pve3",
            )
            # Failover day: its guests' replicas are judged from pve3 alone, and say how
            # much a failover now would lose.
            guests = self.kept_guests("pve2")
            self.assertEqual(set(guests), listed)
            for job, (ready, loss) in guests.items():
                self.assertEqual(ready, 1, job)
                self.assertIsNotNone(loss, job)
                self.assertGreater(loss, 0, job)
            self.assertEqual(self.up("pve1"), 1)
            self.assertEqual(self.up("pve3"), 1)
        finally:
            self.lab("clear", "node-down", "pve2")
        self.assertEventually(lambda: self.up("pve2") == 1, "pve2 did not recover")
        self.assertEventually(lambda: not self.kept_jobs("pve2"), "pve2's jobs still unknown")

    def test_hung_sshd_does_not_stall_others(self):
        self.lab("fault", "sshd-hang", "pve3")
        try:
            self.assertEventually(lambda: self.up("pve3") == 0, "hung pve3 not reported down")
            before = self.daemon.value(
                "replwatch_collector_last_success_timestamp_seconds", node="pve1", collector="node"
            )
            self.assertEventually(
                lambda: self.daemon.value(
                    "replwatch_collector_last_success_timestamp_seconds",
                    node="pve1",
                    collector="node",
                )
                > before,
                "pve1 stalled behind the hung pve3",
            )
        finally:
            self.lab("clear", "sshd-hang", "pve3")
        self.assertEventually(lambda: self.up("pve3") == 1, "pve3 did not recover")

    def test_host_key_change_is_refused_and_flagged(self):
        self.lab("fault", "host-key-change", "pve2")
        try:
            self.assertEventually(
                lambda: self.daemon.value("replwatch_ssh_host_key_changed", node="pve2") == 1,
                "changed host key not flagged",
            )
            self.assertEqual(self.up("pve2"), 0)
            self.assertEqual(self.daemon.value("replwatch_ssh_host_key_changed", node="pve1"), 0)
            self.assertIn("HOST KEY CHANGED", self.daemon.log_text())
        finally:
            self.lab("clear", "host-key-change", "pve2")
        self.assertEventually(
            lambda: self.daemon.value("replwatch_ssh_host_key_changed", node="pve2") == 0,
            "flag not cleared after known_hosts was updated",
        )

    def test_clock_offset(self):
        self.lab("fault", "clock-offset", "pve3", "300")
        try:
            self.assertEventually(
                lambda: self.offset("pve3") is not None and abs(self.offset("pve3") - 300) < 2,
                "clock offset of pve3 not measured",
            )
            self.assertLess(abs(self.offset("pve1")), 2)
        finally:
            self.lab("clear", "clock-offset", "pve3")
        self.assertEventually(
            lambda: self.offset("pve3") is not None and abs(self.offset("pve3")) < 2,
            "clock offset did not recover",
        )


class ZeroConfigInLab(LabCase):
    """On a PVE node with no config file, replwatch watches its own cluster."""

    NAME = "rwzero"
    NODES = 2

    def setUp(self):
        import shutil
        import tempfile

        self.pve = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.pve)
        # What pmxcfs shows on pve1: its .members and the cluster's
        # known_hosts (the lab's pve1 namespace has both).
        os.makedirs(os.path.join(self.pve, "priv"))
        self.members = os.path.join(self.pve, ".members")
        self.known_hosts = os.path.join(self.pve, "priv", "known_hosts")
        self.key = os.path.join(self.statedir, "replwatch_id_ed25519")
        shutil.copy(os.path.join(self.statedir, "nodes", "pve1", "members"), self.members)
        shutil.copy(os.path.join(self.statedir, "known_hosts"), self.known_hosts)

    def once(self, flags, as_user="root", env=None):
        """`replwatch once` in the lab's namespace."""
        import subprocess
        from replwatch_run import BINARY

        return subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                "rwlab-%s" % self.NAME,
                "runuser",
                "-u",
                as_user,
                "--",
                BINARY,
                "once",
            ]
            + flags,
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )

    def assertAllNodesUp(self, out):
        self.assertEqual(out.returncode, 0, out.stderr)
        for node in ("pve1", "pve2"):
            self.assertIn(
                'replwatch_node_up{pve_cluster="%s",node="%s"} 1' % (self.NAME, node), out.stdout
            )

    def test_cluster_is_discovered_from_pmxcfs(self):
        out = self.once(["--pve.dir=" + self.pve, "--pve.key-file=" + self.key])
        self.assertAllNodesUp(out)
        self.assertIn("(discovered)", out.stderr)

    def test_unprivileged_service_discovers_from_systemd_credentials(self):
        """The packaged unit with its PVE drop-in: user nobody, and the three
        files only as the copies LoadCredential= leaves in $CREDENTIALS_DIRECTORY
        (--pve.dir names nothing, and a config file exists but is ignored)."""
        import shutil

        credentials = os.path.join(self.pve, "credentials")
        os.mkdir(credentials)
        for source, name in (
            (self.members, "pve-members"),
            (self.known_hosts, "pve-known-hosts"),
            (self.key, "pve-ssh-key"),
        ):
            shutil.copy(source, os.path.join(credentials, name))
            shutil.chown(os.path.join(credentials, name), "nobody")
            os.chmod(os.path.join(credentials, name), 0o400)
        shutil.chown(credentials, "nobody")
        os.chmod(credentials, 0o500)
        os.chmod(self.pve, 0o755)
        config = lab_config(self.statedir, self.NODES)
        out = self.once(
            [
                "--pve.discover",
                "--config.file=" + config,
                "--pve.dir=" + os.path.join(self.pve, "missing"),
            ],
            as_user="nobody",
            env=dict(os.environ, CREDENTIALS_DIRECTORY=credentials),
        )
        self.assertAllNodesUp(out)
        self.assertIn(os.path.join(credentials, "pve-members") + " (discovered)", out.stderr)
        self.assertIn("--pve.discover: %s is not read" % config, out.stderr)


if __name__ == "__main__":
    unittest.main()
