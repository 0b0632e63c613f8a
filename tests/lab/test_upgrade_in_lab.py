"""replwatch through a PVE 8 -> 9 rolling upgrade of a cluster with encrypted rpool/data
(the steps of `lab scenario 4`, one at a time): the replica a PVE 9.2 sender leaves
unencrypted on a PVE 8 receiver is flagged while the PVE 9.2 replicas that inherit their
parent are not; a feature that becomes active on the upgraded source is flagged before the
run that fails on it, and that failure is classified."""

import unittest

from replwatch_run import ReplwatchLabCase, run_diagnose

DRIFT = "replwatch_dataset_encryption_drift"
UNENCRYPTED = "unencrypted_under_encrypted_parent"
FEATURE_MISMATCH = "replwatch_link_feature_mismatch"
PACKAGE = "replwatch_node_package_info"
FAILURES = "replwatch_job_consecutive_failures"
ERROR = "replwatch_job_last_error_info"


class RollingUpgradeInLab(ReplwatchLabCase):
    NAME = "rwt-upr"
    # 100, 101 (VMs) and 102 (a container) on pve1, replicated to pve2.
    NODES, GUESTS, SNAPSHOTS = 3, 3, 1
    UP = ["--pve", "8", "--encrypted"]

    def wait_until(self, predicate, what, timeout=60):
        """Until a scrape satisfies `predicate`; fails with the daemon's log otherwise."""
        met = self.daemon.wait_for(lambda: predicate(self.daemon.samples()), timeout)
        self.assertTrue(met, what + "\n" + self.daemon.log_tail())
        return self.daemon.samples()

    def drift(self, samples, node, volume, reason=UNENCRYPTED):
        return samples.value(DRIFT, node=node, dataset="rpool/data/" + volume, reason=reason)

    @staticmethod
    def storage_version(samples, node):
        """libpve-storage-perl's version on `node`, None while its node collector has no
        current facts (a cycle that waited on the lab's lock and timed out)."""
        versions = [
            labels["version"]
            for labels, v in samples.all(PACKAGE, node=node, package="libpve-storage-perl")
            if v == 1
        ]
        return versions[0] if len(versions) == 1 else None

    def storage_versions(self, *nodes):
        """The versions on `nodes`, from the first scrape that has all of them."""
        found = {}

        def read(samples):
            found.update({node: self.storage_version(samples, node) for node in nodes})
            return all(found.values())

        self.wait_until(read, "pve-storage versions of %s" % ", ".join(nodes))
        return [found[node] for node in nodes]

    def encryption_checks(self, job):
        """diagnose's encryption checks of `job`: {name: (status, detail)}."""
        _, report = run_diagnose(self.NAME, self.daemon_config(), job)
        checks = report["jobs"][0]["prerequisites"]
        return {
            c["name"]: (c["status"], c["detail"])
            for c in checks
            if c["name"].startswith(("encryption of", "pve-storage on"))
        }

    def test_rolling_upgrade(self):
        # pve1 to PVE 9.2 (pve-storage 9.1.10: zfs send -RpvU); pve2 still receives with
        # `zfs recv -F` (PVE 8): the next runs create pve2's replicas unencrypted under its
        # encrypted rpool/data.
        self.lab("upgrade", "pve1")
        self.lab("tick", "--minutes", "31")
        s = self.wait_until(
            lambda s: self.drift(s, "pve2", "vm-100-disk-0") == 1, "vm-100's replica flagged"
        )
        self.assertEqual(self.drift(s, "pve2", "vm-101-disk-0"), 1)
        self.assertEqual(self.drift(s, "pve2", "vm-100-disk-0", "own_encryption_root"), 0)
        # pve1's own disks inherit its encrypted rpool/data, as PVE creates them.
        self.assertEqual([labels["dataset"] for labels, v in s.all(DRIFT, node="pve1") if v], [])
        # The versions behind it, as `pveversion -v` prints them, and diagnose naming them.
        new_storage, old_storage = self.storage_versions("pve1", "pve2")
        self.assertEqual(new_storage, "9.1.10")
        self.assertTrue(old_storage.startswith("8."), old_storage)
        checks = self.encryption_checks("100-0")
        drift = checks["encryption of rpool/data/vm-100-disk-0 on pve2"]
        self.assertEqual(drift[0], "WARNING")
        self.assertIn(
            "pve1 runs pve-storage 9.1.10 (zfs send -RpvU), pve2 runs pve-storage %s "
            "(zfs recv -F, without -x encryption)" % old_storage,
            drift[1],
        )
        self.assertEqual(checks["pve-storage on pve1 and pve2 for encrypted disks"][0], "WARNING")

        # `zpool upgrade` enables 2.3/2.4's features on pve1; a file name over 255 bytes
        # in the container (longname=on) makes `longname` active. replwatch flags the
        # mismatch with pve2 (OpenZFS 2.2) before the next run tries to send it.
        self.on("pve1", "zpool", "upgrade", "rpool")
        self.lab("fault", "long-file-name", "102-0")
        s = self.wait_until(
            lambda s: s.value(
                FEATURE_MISMATCH, source="pve1", target="pve2", pool="rpool", feature="longname"
            )
            == 1,
            "longname flagged before the run",
        )
        self.assertEqual(s.value(FAILURES, job_id="102-0"), 0)
        # The run fails as OpenZFS 2.2 refuses the stream; the failure is classified.
        self.lab("tick", "--minutes", "16")
        self.wait_until(
            lambda s: s.value(ERROR, job_id="102-0", **{"class": "feature_unsupported"}) == 1,
            "102-0's failure classified as feature_unsupported",
        )

        # pve2 to PVE 9 (pve-storage 9.1.5: zfs recv -F -x encryption). vm-101's replica,
        # sent again in full, now inherits pve2's rpool/data: no drift; vm-100's stays.
        self.lab("clear", "long-file-name", "102-0")
        self.lab("upgrade", "pve2", "--storage", "9.1.5")
        self.lab("fault", "target-wrong-type", "101-0")
        self.lab("clear", "target-wrong-type", "101-0")
        self.lab("tick", "--minutes", "31")
        s = self.wait_until(
            lambda s: self.drift(s, "pve2", "vm-101-disk-0") == 0, "vm-101's re-seeded replica"
        )
        self.assertEqual(self.drift(s, "pve2", "vm-101-disk-0", "own_encryption_root"), 0)
        self.assertEqual(self.drift(s, "pve2", "vm-100-disk-0"), 1)
        # The node collector reads `pveversion -v` again once `pveversion` changes: a cycle
        # of its own, which may come after the datasets collector's.
        self.wait_until(
            lambda s: self.storage_version(s, "pve2") == "9.1.5", "pve2's pve-storage 9.1.5"
        )
        checks = self.encryption_checks("101-0")
        self.assertNotIn("encryption of rpool/data/vm-101-disk-0 on pve2", checks)
        self.assertEqual(checks["pve-storage on pve1 and pve2 for encrypted disks"][0], "OK")


if __name__ == "__main__":
    unittest.main()
