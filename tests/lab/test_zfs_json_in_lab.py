"""The same lab state read from OpenZFS 2.4's `zpool status -j --json-int` and from text
`zpool status -p` gives the same pool series: `replwatch once` with `zfs_json` on and off,
on a healthy pool, a degraded one with checksum errors, and one that is resilvering."""

import os
import subprocess
import sys
import unittest

from labhelper import REPO, LabCase
from replwatch_run import Samples, binary_command, lab_config

sys.path.insert(0, os.path.join(REPO, "bench"))
import lab_cycle  # noqa: E402  (bench/: records the commands each node ran)


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
        log = "%s/commands-json-%s.tsv" % (self.statedir, zfs_json)
        proc = lab_cycle.record(
            self.NAME,
            log,
            binary_command(path) + ["once", "--config.file=" + path],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        with open(log) as f:
            # Shell lines of quoted words: 'zpool' 'status' '-p'.
            commands = [line.split("\t", 3)[3].strip().replace("'", "") for line in f]
        status_commands = {command for command in commands if "zpool status" in command}
        want = "zpool status -j --json-int" if zfs_json == "true" else "zpool status -p"
        self.assertTrue(
            status_commands and all(want in command for command in status_commands),
            status_commands,
        )
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
        # What zpool status gives is the same; zpool list's space and the scan's progress
        # move between the two runs (the lab's guests keep writing).
        from_status = {
            "replwatch_pool_health",
            "replwatch_pool_vdev_errors",
            "replwatch_pool_vdev_state",
            "replwatch_pool_data_errors",
            "replwatch_pool_scan_active",
            "replwatch_pool_last_scan_end_timestamp_seconds",
        }
        json_values = {k: v for k, v in from_json.items() if k[0] in from_status}
        text_values = {k: v for k, v in from_text.items() if k[0] in from_status}
        self.assertTrue(any(k[0] == "replwatch_pool_vdev_errors" for k in json_values))
        self.assertEqual(json_values, text_values)


if __name__ == "__main__":
    unittest.main()
