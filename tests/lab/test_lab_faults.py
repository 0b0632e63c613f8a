"""Each fault produces its real error text or state, and clearing it recovers."""
import unittest

from labhelper import LabCase

# 100-0 runs pve1 -> pve2, 102-0 pve2 -> pve3, 104-0 pve3 -> pve1 (3 nodes, 2 guests each).
RECOVER_MINUTES = "46"  # long enough for the 5/10/15/30 minute retry back-off


class FaultsTest(LabCase):
    NAME = "rwt-faults"

    def inject(self, *args):
        self.lab("fault", *args)
        self.addCleanup(self.recover, args[0], args[1])

    def recover(self, name, target):
        self.lab("clear", name, target)
        self.lab("tick", "--minutes", RECOVER_MINUTES)
        for node in ("pve1", "pve2", "pve3"):
            out = self.on(node, "pvesr", "status").stdout
            for row in out.strip().split("\n")[1:]:
                self.assertTrue(
                    row.endswith(" 0 OK"),
                    "%s still failing after clearing %s: %s" % (node, name, row),
                )

    def log(self, node, jobid):
        return self.on(node, "cat", "/var/log/pve/replicate/%s" % jobid).stdout

    def test_node_down(self):
        self.inject("node-down", "pve2")
        self.assertNotEqual(self.ssh("198.18.0.12", "true", timeout=8).returncode, 0)
        self.lab("tick", "--minutes", "16")
        job = self.job_json("pve1", "100-0")
        self.assertGreater(job["fail_count"], 0)
        self.assertEqual(job["next_sync"], 0)  # target offline: PVE stops retrying
        self.assertIn("prepare-local-job 100-0", job["error"])
        self.assertRegex(
            self.log("pve1", "100-0"),
            r"\(remote_prepare_local_job\) ssh: connect to " r"host 198\.18\.0\.12 port 22: ",
        )
        self.assertIn('"online": 0', self.on("pve1", "cat", "/etc/pve/.members").stdout)

    def test_sshd_hang(self):
        self.inject("sshd-hang", "pve2")
        result = self.ssh("198.18.0.12", "true", timeout=8)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("banner exchange", result.stderr)
        self.lab("tick", "--minutes", "16")
        self.assertIn("pid", self.job_json("pve1", "100-0"))
        self.assertTrue(self.job_row("pve1", "100-0").endswith(" SYNCING"))

    def test_host_key_change(self):
        self.inject("host-key-change", "pve2")
        self.assertNotEqual(self.ssh("198.18.0.12", "true").returncode, 0)
        result = self.on(
            "pve1", "ssh", "-o", "BatchMode=yes", "root@198.18.0.12", "true", check=False
        )
        self.assertEqual(result.returncode, 255)
        self.assertTrue(result.stderr.endswith("Host key verification failed.\n"))
        self.lab("tick", "--minutes", "16")
        self.assertIn(
            "(remote_prepare_local_job) Host key verification failed.", self.log("pve1", "100-0")
        )

    def test_accepting_a_new_host_key_trusts_every_name_again(self):
        self.inject("host-key-change", "pve2")
        self.lab("clear", "host-key-change", "pve2")  # what `pvecm updatecerts` does
        for address, node in (
            ("198.18.0.11", "pve1"),
            ("198.18.0.12", "pve2"),
            ("198.18.0.13", "pve3"),
        ):
            for name in (address, "%s.%s.rwlab.test" % (node, self.NAME)):
                result = self.ssh(name, "true")
                self.assertEqual(result.returncode, 0, "%s: %s" % (name, result.stderr))

    def test_mtu_mismatch(self):
        self.inject("mtu", "pve1", "9000")
        self.assertIn("mtu 9000", self.on("pve1", "ip", "link", "show", "vmbr0").stdout)
        big = self.on(
            "pve1", "ping", "-c1", "-W1", "-M", "do", "-s", "8972", "198.18.0.12", check=False
        )
        self.assertNotEqual(big.returncode, 0)
        self.on("pve1", "ping", "-c1", "-W1", "-M", "do", "-s", "1472", "198.18.0.12")

    def test_delete_snapshot_breaks_the_chain(self):
        self.inject("delete-snapshot", "100-0", "target")
        self.lab("tick", "--minutes", "16")
        self.assertEqual(
            self.job_json("pve1", "100-0")["error"],
            "No common base snapshot on volume(s) local-zfs:vm-100-disk-0\nPlease "
            "remove the problematic volume(s) from the replication target or delete "
            "and re-create the whole job 100-0",
        )

    def test_fill_pool(self):
        self.inject("fill-pool", "pve2")
        cap = self.on("pve2", "zpool", "list", "-Hp", "-o", "cap").stdout
        self.assertGreaterEqual(int(cap), 99)
        self.lab("tick", "--minutes", "16")
        self.assertIn(
            "100-0: cannot receive incremental stream: out of space\n", self.log("pve1", "100-0")
        )

    def test_tight_schedule_overruns_its_interval(self):
        cfg = self.on("pve1", "cat", "/etc/pve/replication.cfg").stdout
        self.inject("tight-schedule", "102-0")
        job = self.on("pve1", "cat", "/etc/pve/replication.cfg").stdout.split("local: 102-0")[1]
        self.assertIn("\trate 1\n", job.split("\n\n")[0] + "\n")
        self.assertIn("\tschedule */1\n", job.split("\n\n")[0] + "\n")
        self.lab("tick", "--minutes", "20")
        durations = [
            float(line.split(", ")[1].split(" ")[0])
            for line in self.lab("tick", "--minutes", "20").splitlines()
            if "job 102-0 " in line
        ]
        # Each run takes longer than the minute it had, and ships more than the last.
        self.assertGreaterEqual(len(durations), 2, durations)
        self.assertTrue(all(d > 60 for d in durations), durations)
        self.assertEqual(durations, sorted(durations))
        self.lab("clear", "tight-schedule", "102-0")
        self.assertEqual(self.on("pve1", "cat", "/etc/pve/replication.cfg").stdout, cfg)

    def test_degrade_pool(self):
        self.inject("degrade-pool", "pve1")
        status = self.on("pve1", "zpool", "status", "-x").stdout
        self.assertIn(" state: DEGRADED\n", status)
        self.assertRegex(status, r"\n\t    \d+ +UNAVAIL      0     0     0  was /dev/disk/by-id/")
        self.assertIn("ZFS-8000-2Q", status)

    def test_interrupt_transfer(self):
        self.inject("interrupt-transfer", "100-0")
        token = self.on(
            "pve2",
            "zfs",
            "get",
            "-Hp",
            "-o",
            "value",
            "receive_resume_token",
            "rpool/data/vm-100-disk-0",
        ).stdout.strip()
        self.assertRegex(token, r"^1-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+$")
        self.lab("tick", "--minutes", "16")
        self.assertIn(
            "destination rpool/data/vm-100-disk-0 contains partially-complete state "
            'from "zfs receive -s".',
            self.log("pve1", "100-0"),
        )

    def test_cksum_errors_grow(self):
        self.inject("cksum-errors", "pve3", "5", "60")
        first = self.on("pve3", "zpool", "status", "-p").stdout
        self.assertIn("ZFS-8000-9P", first)
        self.lab("tick", "--minutes", "2")
        second = self.on("pve3", "zpool", "status", "-p").stdout

        def first_leaf_checksum_errors(text):
            lines = text.split("\n")
            mirror = [i for i, line in enumerate(lines) if "mirror-0" in line][0]
            return int(lines[mirror + 1].split()[-1])

        self.assertGreater(first_leaf_checksum_errors(second), first_leaf_checksum_errors(first))

    def test_suspend_pool(self):
        self.inject("suspend-pool", "pve3")
        status = self.on("pve3", "zpool", "status").stdout
        self.assertIn(" state: SUSPENDED\n", status)
        self.assertIn("errors: 67 data errors, use '-v' for a list", status)
        self.lab("tick", "--minutes", "16")
        self.assertRegex(
            self.job_json("pve3", "104-0")["error"],
            r"^command 'zfs snapshot rpool/data/vm-104-disk-0@__replicate_104-0_\d+__' "
            r"failed: got timeout$",
        )

    def test_resilver_in_progress(self):
        self.inject("resilver", "pve2", "120")
        status = self.on("pve2", "zpool", "status").stdout
        self.assertRegex(
            status,
            r"  scan: resilver in progress since .*\n\t.* scanned at .*, "
            r".* issued at .*\n\t.* resilvered, \d+\.\d\d% done, ",
        )
        self.assertIn("  (resilvering)\n", status)

    def test_target_wrong_type(self):
        self.inject("target-wrong-type", "102-0")
        self.assertEqual(
            self.on(
                "pve3", "zfs", "get", "-Hp", "-o", "value", "type", "rpool/data/vm-102-disk-0"
            ).stdout,
            "filesystem\n",
        )
        self.lab("tick", "--minutes", "16")
        self.assertIn(
            "102-0: volume 'rpool/data/vm-102-disk-0' already exists", self.log("pve2", "102-0")
        )

    def test_write_replica(self):
        self.inject("write-replica", "100-0")
        written = self.on(
            "pve2", "zfs", "get", "-Hp", "-o", "value", "written", "rpool/data/vm-100-disk-0"
        ).stdout
        self.assertGreater(int(written), 0)
        self.lab("tick", "--minutes", "16")
        self.assertIn(
            "cannot receive incremental stream: destination rpool/data/vm-100-disk-0 has "
            "been modified\n",
            self.log("pve1", "100-0"),
        )

    def test_feature_disable(self):
        self.inject("feature-disable", "pve2", "large_dnode")
        self.assertEqual(
            self.on(
                "pve2", "zpool", "get", "-Hp", "-o", "value", "feature@large_dnode", "rpool"
            ).stdout,
            "disabled\n",
        )
        self.lab("tick", "--minutes", "16")
        self.assertIn(
            "cannot receive incremental stream: pool must be upgraded to receive this " "stream.",
            self.log("pve1", "100-0"),
        )

    def test_key_unloaded(self):
        self.inject("key-unloaded", "100-0")
        self.assertEqual(
            self.on(
                "pve2", "zfs", "get", "-Hp", "-o", "value", "keystatus", "rpool/data/vm-100-disk-0"
            ).stdout,
            "unavailable\n",
        )

    def test_hang_job(self):
        self.inject("hang-job", "102-0")
        self.assertTrue(self.job_row("pve2", "102-0").endswith(" SYNCING"))

    def test_clock_offset(self):
        self.inject("clock-offset", "pve3", "600")
        node = int(self.on("pve3", "date", "+%s").stdout)
        real = int(self.on("pve3", "/usr/bin/date", "+%s").stdout)
        self.assertAlmostEqual(node - real, 600, delta=5)

    def test_nic_errors_count_real_drops(self):
        def dropped():
            return int(self.on("pve2", "cat", "/sys/class/net/vmbr0/statistics/rx_dropped").stdout)

        before = dropped()
        self.inject("nic-errors", "pve2", "200")
        import time

        time.sleep(0.5)
        self.assertGreater(dropped(), before)


if __name__ == "__main__":
    unittest.main()
