"""A PVE 8.4 cluster with encrypted rpool/data upgraded node by node (`lab scenario 4`,
`lab upgrade`): each step's real text, and what each libpve-storage-perl does to a replica."""
import os
import signal
import subprocess

from labhelper import LAB, LabCase

# 3 guests per node: 100, 101 (VMs) and 102 (a container) on pve1, replicated to pve2.
SNAP = r"__replicate_%s_\d+__"


class RollingUpgradeTest(LabCase):
    NAME = "rwt-upg"
    NODES, GUESTS, SNAPSHOTS = 3, 3, 1
    UP = ["--pve", "8", "--encrypted"]

    def banner(self, address):
        proc = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                "rwlab-%s" % self.NAME,
                "bash",
                "-c",
                "exec 3<>/dev/tcp/%s/22; head -1 <&3" % address,
            ],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return proc.stdout.strip()

    def log(self, node, jobid):
        return self.on(node, "cat", "/var/log/pve/replicate/%s" % jobid).stdout

    def encryption(self, node, dataset):
        out = self.on(
            node, "zfs", "get", "-H", "-o", "value", "encryption,encryptionroot", dataset
        ).stdout
        return tuple(out.split())

    # Named a_, b_: the second goes on from where the first leaves the cluster.
    def test_a_rolling_upgrade_scenario(self):
        # PVE 8 cannot replicate encrypted disks (pve-storage < 9.1.3: zfs send -Rpv).
        self.assertRegex(
            self.log("pve1", "100-0"),
            (
                r"100-0: cannot send rpool/data/vm-100-disk-0@(%s): encrypted dataset "
                r"rpool/data/vm-100-disk-0 may not be sent with properties without the raw flag\n"
                r".* 100-0: warning: cannot send 'rpool/data/vm-100-disk-0@\1': backup failed\n"
                r".* 100-0: command 'zfs send -Rpv -- rpool/data/vm-100-disk-0@\1' failed: exit "
                r"code 1\n.* 100-0: cannot receive: failed to read from stream\n"
                r".* 100-0: command 'zfs recv -F -- rpool/data/vm-100-disk-0' failed: exit code 1\n"
                % (SNAP % "100-0")
            ),
        )
        self.assertEqual(self.banner("198.18.0.11"), "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10")

        said = self.lab("scenario", "4").splitlines()

        self.assertEqual(
            said[1],
            "1. pve1: PVE 8.4 -> 9.2.20 (libpve-storage-perl 9.1.10, "
            "OpenSSH 10.0, ZFS 2.4.4-pve1)",
        )
        self.assertEqual(
            said[2],
            "   zpool status on pve1: status: Some supported and "
            "requested features are not enabled on the pool.",
        )
        self.assertEqual(self.banner("198.18.0.11"), "SSH-2.0-OpenSSH_10.0p2 Debian-7+deb13u4")
        self.assertEqual(
            self.on("pve1", "pveversion").stdout,
            "pve-manager/9.2.20/49318c671b82f31e (running kernel: 7.0.14-17-pve)\n",
        )
        self.assertIn('"nodename": "pve1"', self.ssh("198.18.0.11", "cat /etc/pve/.members").stdout)
        # Sent with -RpvU, received by pve2's zfs recv -F: unencrypted under an encrypted parent.
        self.assertEqual(
            said[3],
            "2. 30 minutes on: pve1's encrypted disks replicated to pve2 "
            "(zfs recv -F), unencrypted under its aes-256-gcm rpool/data: "
            "rpool/data/subvol-102-disk-0, rpool/data/vm-100-disk-0, "
            "rpool/data/vm-101-disk-0",
        )
        self.assertEqual(self.encryption("pve2", "rpool/data"), ("aes-256-gcm", "rpool/data"))
        self.assertEqual(self.encryption("pve2", "rpool/data/vm-100-disk-0"), ("off", "-"))
        self.assertEqual(
            self.encryption("pve1", "rpool/data/vm-100-disk-0"), ("aes-256-gcm", "rpool/data")
        )
        self.assertEqual(
            said[4],
            "3. zpool upgrade rpool on pve1: redaction_list_spill, "
            "raidz_expansion, fast_dedup, longname, large_microzap, "
            "block_cloning_endian, physical_rewrite",
        )
        self.assertNotIn("status:", self.on("pve1", "zpool", "status").stdout)
        # libzfs_sendrecv.c@zfs-2.2.8 zfs_receive_impl(): LONGNAME (1 << 28) is unknown to 2.2.
        refusal = (
            "cannot receive: stream has unsupported feature, feature flags = 10000004 "
            "(unknown flags = 10000000)"
        )
        self.assertTrue(
            said[5].startswith(
                "4. a long file name in the container of 102-0 "
                "(longname=on), its next run to pve2 (OpenZFS "
                "2.2.8-pve1): " + refusal
            ),
            said[5],
        )
        self.assertIn("102-0: %s\n" % refusal, self.log("pve1", "102-0"))
        self.assertIn(
            "102-0: command 'zfs recv -F -- rpool/data/subvol-102-disk-0' failed: " "exit code 1\n",
            self.log("pve1", "102-0"),
        )
        again = subprocess.run(
            [LAB, "--name", self.NAME, "upgrade", "pve1"], capture_output=True, text=True
        )
        self.assertEqual(
            again.stderr,
            "lab: pve1 already runs PVE 9 (--storage VERSION " "changes its libpve-storage-perl)\n",
        )

    def test_b_each_storage_version_sends_and_receives_as_it_does(self):
        self.lab("clear", "long-file-name", "102-0")
        # pve2 to PVE 9 with a pve-storage of the window that printed zfs send's progress
        # without newlines (9.1.3-9.1.6): its encrypted disks now go to pve3 (still PVE 8).
        self.assertEqual(
            self.lab("upgrade", "pve2", "--storage", "9.1.5").strip(),
            "pve2: PVE 8.4 -> 9.2.20 (libpve-storage-perl 9.1.5, OpenSSH 10.0, " "ZFS 2.4.4-pve1)",
        )
        self.assertIn("libpve-storage-perl: 9.1.5\n", self.on("pve2", "pveversion", "-v").stdout)
        # pve1's next full sync to pve2 (a replica dropped and re-seeded) is received with
        # zfs recv -F -x encryption: the replica inherits pve2's encrypted rpool/data.
        self.lab("fault", "target-wrong-type", "101-0")
        self.lab("clear", "target-wrong-type", "101-0")
        self.lab("tick", "--minutes", "31")
        self.assertEqual(
            self.encryption("pve2", "rpool/data/vm-101-disk-0"), ("aes-256-gcm", "rpool/data")
        )
        log = self.log("pve2", "103-0")
        # One log line for all of zfs send's, after the import's own line.
        self.assertRegex(
            log,
            (
                r"103-0: successfully imported 'local-zfs:vm-103-disk-0'\n"
                r".* 103-0: (full send of|send from @%s to) rpool/data/vm-103-disk-0@%s estimated "
                r"size is [\d.]+\w(send from @\S+ to \S+ estimated size is [\d.]+\w)*total "
                r"estimated size is [\d.]+\wTIME        SENT   SNAPSHOT "
                r"rpool/data/vm-103-disk-0@%s\n" % (SNAP % "103-0", SNAP % "103-0", SNAP % "103-0")
            ),
        )
        self.assertEqual(self.encryption("pve3", "rpool/data/vm-103-disk-0"), ("off", "-"))
        # 9.1.7 prints them one per line again (pve-storage commit 22cea64).
        self.lab("upgrade", "pve2", "--storage", "9.1.7")
        self.lab("tick", "--minutes", "16")
        lines = [line.split(": ", 1)[1] for line in self.log("pve2", "103-0").splitlines()]
        sent = [i for i, line in enumerate(lines) if line.startswith("send from @")]
        self.assertTrue(sent)
        self.assertTrue(lines[sent[-1] + 1].startswith("total estimated size is "))
        self.assertTrue(lines[sent[-1] + 2].startswith("TIME        SENT   SNAPSHOT "))
        self.assertTrue(lines[sent[-1] + 3].startswith("successfully imported "))
        wrong = subprocess.run(
            [LAB, "--name", self.NAME, "upgrade", "pve3", "--storage", "8.2.0"],
            capture_output=True,
            text=True,
        )
        self.assertEqual(wrong.stderr, "lab: libpve-storage-perl 8.2.0 does not install on PVE 9\n")

    def test_c_upgrade_while_the_node_writes_under_usr(self):
        # A running node opens files under /usr for writing (a Python writing its caches)
        # while `lab upgrade` swaps its /usr: the new /usr must arrive read-only at once.
        # Made read-only in place, the remount failed with "mount point is busy" (CI).
        writer = subprocess.Popen(
            [LAB, "--name", self.NAME, "exec", "pve3", "--", "python3", "-c", USR_WRITER],
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its group: lab exec, and the writer in the node
        )
        try:
            self.assertEqual(writer.stdout.readline(), "writing\n")
            said = self.lab("upgrade", "pve3")
        finally:
            os.killpg(writer.pid, signal.SIGTERM)
            counts = writer.communicate(timeout=30)[0]
        self.assertTrue(said.startswith("pve3: PVE 8.4 -> 9.2.20 "), said)
        opened, refused = (int(n) for n in counts.split())
        self.assertGreater(opened, 0)
        self.assertGreater(refused, 0)  # it was still running when the read-only /usr came
        self.assertEqual(self.banner("198.18.0.13"), "SSH-2.0-OpenSSH_10.0p2 Debian-7+deb13u4")


# Keeps reopening a file that both Debian 12's and 13's /usr have, for writing (without
# writing to it); prints how often that worked and how often /usr was read-only.
USR_WRITER = """
import errno, os, signal, sys, time
counts = [0, 0]
def stop(*_):
    print(*counts, flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("writing", flush=True)
while True:
    try:
        fd = os.open("/usr/share/common-licenses/GPL-3", os.O_WRONLY | os.O_APPEND)
    except OSError as e:
        if e.errno != errno.EROFS:
            raise
        counts[1] += 1
        time.sleep(0.001)
        continue
    counts[0] += 1
    time.sleep(0.001)
    os.close(fd)
"""


if __name__ == "__main__":
    import unittest

    unittest.main()
