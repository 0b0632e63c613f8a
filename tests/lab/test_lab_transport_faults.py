"""The lab's transport faults as a node shows them: only the faulty node and tool change,
with real messages, and clearing restores them."""
import re
import subprocess
import unittest

from labhelper import LAB, LabCase

SNAPSHOTS = "zfs list -Hp -t snapshot -o name,guid,createtxg,creation -s createtxg"


class TransportFaults(LabCase):
    NAME = "ltf"

    def fault(self, name, node, *extra):
        self.lab("fault", name, node, *extra)
        self.addCleanup(self.lab, "clear", name, node)

    def test_big_output_floods_only_the_snapshot_listing_of_its_node(self):
        self.fault("big-output", "pve2")
        flood = self.ssh("198.18.0.12", SNAPSHOTS + " | wc -c", timeout=60)
        self.assertGreaterEqual(int(flood.stdout), 100 << 20)
        self.assertLess(int(self.ssh("198.18.0.11", SNAPSHOTS + " | wc -c").stdout), 1 << 20)
        self.assertIn("rpool/data", self.ssh("198.18.0.12", "zfs list -Hp -o name").stdout)

    def test_endless_command_never_answers_until_cleared(self):
        self.fault("endless-command", "pve2")
        self.assertEqual(self.ssh("198.18.0.12", SNAPSHOTS, timeout=3).returncode, 124)
        self.lab("clear", "endless-command", "pve2")
        self.assertEqual(self.ssh("198.18.0.12", SNAPSHOTS).returncode, 0)

    def test_permission_denied_on_pve_files(self):
        self.fault("permission-denied", "pve3")
        denied = self.ssh("198.18.0.13", "cat /etc/pve/replication.cfg")
        self.assertEqual(denied.returncode, 1)
        self.assertEqual(denied.stderr, "cat: /etc/pve/replication.cfg: Permission denied\n")
        self.assertEqual(self.ssh("198.18.0.13", "cat /etc/hostname").stdout, "pve3\n")
        self.assertEqual(self.ssh("198.18.0.11", "cat /etc/pve/replication.cfg").returncode, 0)

    def test_auth_denied_refuses_replwatch_but_not_the_cluster_key(self):
        self.fault("auth-denied", "pve3")
        refused = self.ssh("198.18.0.13", "true")
        self.assertEqual(refused.returncode, 255)
        self.assertIn("Permission denied (publickey)", refused.stderr)
        self.assertEqual(
            self.on("pve1", "ssh", "-o", "BatchMode=yes", "pve3", "true", check=False).returncode, 0
        )
        self.lab("clear", "auth-denied", "pve3")
        self.assertEqual(self.ssh("198.18.0.13", "true").returncode, 0)

    def test_slow_link_shapes_only_that_node(self):
        self.fault("slow-link", "pve2", "16")

        def qdisc(node):
            return subprocess.run(
                ["tc", "-n", "rwlab-%s-%s" % (self.NAME, node), "qdisc", "show", "dev", "vmbr0"],
                capture_output=True,
                text=True,
            ).stdout

        self.assertIn("rate 16Kbit", qdisc("pve2"))
        self.assertNotIn("tbf", qdisc("pve1"))
        self.lab("clear", "slow-link", "pve2")
        self.assertNotIn("tbf", qdisc("pve2"))

    def ping_loss(self, address, count):
        """Packets lost of `count` pings from the lab namespace, per ping's summary."""
        out = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                "rwlab-%s" % self.NAME,
                "ping",
                "-q",
                "-n",
                "-c",
                str(count),
                "-i",
                "0.05",
                "-W",
                "1",
                address,
            ],
            capture_output=True,
            text=True,
        ).stdout
        sent, received = re.search(r"(\d+) packets transmitted, (\d+) received", out).groups()
        return int(sent) - int(received)

    def test_packet_loss_drops_only_that_node_s_packets(self):
        self.fault("packet-loss", "pve2", "50")
        # Half of each way is dropped: 60 echo round trips all surviving is 0.75^60.
        self.assertGreater(self.ping_loss("198.18.0.12", 60), 0)
        self.assertEqual(self.ping_loss("198.18.0.11", 20), 0)
        self.lab("clear", "packet-loss", "pve2")
        self.assertEqual(self.ping_loss("198.18.0.12", 20), 0)

    def test_netem_is_applied_or_refused_with_the_reason(self):
        proc = subprocess.run(
            [LAB, "--name", self.NAME, "fault", "netem", "pve2", "5", "50"],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            self.assertIn("no netem qdisc", proc.stderr)
            return
        self.addCleanup(self.lab, "clear", "netem", "pve2")
        self.assertIn(
            "netem",
            subprocess.run(
                ["tc", "-n", "rwlab-%s-pve2" % self.NAME, "qdisc", "show", "dev", "vmbr0"],
                capture_output=True,
                text=True,
            ).stdout,
        )


if __name__ == "__main__":
    unittest.main()
