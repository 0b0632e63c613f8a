"""The same lab state read from OpenZFS 2.4's `zpool status -j --json-int` and from text
`zpool status -p` gives the same pool series: `replwatch once` with `zfs_json` on and off,
on a healthy pool, a degraded one with checksum errors, and one that is resilvering."""

import subprocess
import unittest

from labhelper import LabCase
from replwatch_run import Samples, binary_command, lab_config


class ZfsJsonInLab(LabCase):
    NAME = "rwt-json"
    NODES, GUESTS, SNAPSHOTS = 3, 1, 1

    def once(self, zfs_json):
        config = lab_config(self.statedir, self.NODES)
        with open(config) as f:
            text = f.read().replace("global:\n", "global:\n  zfs_json: %s\n" % zfs_json, 1)
        path = "%s/replwatch-json-%s.yml" % (self.statedir, zfs_json)
        with open(path, "w") as f:
            f.write(text)
        proc = subprocess.run(
            ["ip", "netns", "exec", "rwlab-%s" % self.NAME]
            + binary_command(path)
            + ["once", "--config.file=" + path],
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        return {
            (name, tuple(sorted(labels.items()))): value
            for name, labels, value in Samples(proc.stdout).samples
            if name.startswith("replwatch_pool_")
        }

    def test_json_and_text_give_the_same_pool_series(self):
        self.assertIn("zfs-2.4.4", self.on("pve1", "zfs", "version").stdout)
        self.lab("fault", "degrade-pool", "pve2")
        self.lab("fault", "cksum-errors", "pve2", "7", "0")
        self.lab("fault", "resilver", "pve3", "60")
        from_json = self.once("true")
        from_text = self.once("false")
        self.assertTrue(
            any(name == "replwatch_pool_vdev_state" for name, _ in from_json), from_json
        )
        self.assertEqual(set(from_json) - set(from_text), set(), "only from JSON")
        self.assertEqual(set(from_text) - set(from_json), set(), "only from text")
        # Progress moves between the two runs; every other value is the same.
        moving = {"replwatch_pool_scan_progress_ratio"}
        self.assertEqual(
            {k: v for k, v in from_json.items() if k[0] not in moving},
            {k: v for k, v in from_text.items() if k[0] not in moving},
        )


if __name__ == "__main__":
    unittest.main()
