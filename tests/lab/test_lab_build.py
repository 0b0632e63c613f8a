"""`lab up`'s initial history without a lab (no root, no namespaces): whatever second a lab
is built at, no replication run lies after the build, so the next pass's snapshots are the
newest (a lab built a few seconds after :00 or :15 once held runs in its future)."""
import os
import shutil
import tempfile
import unittest
from unittest import mock

import labhelper  # noqa: F401 (puts lab/ on sys.path)
from rwlab import build
from rwlab import store
from rwlab import world as worldmod

# 2026-12-07 01:30:00 UTC: an event of PVE's default */15 and of */5.
ON_A_SCHEDULED_START = 1796607000


class InitialHistoryTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rwlab-build-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def build_at(self, now):
        lab = store.Lab(os.path.join(self.tmp, str(now)))
        with mock.patch("time.time", return_value=float(now)):
            build.build(lab, "rwt-incr", 3, 2, 3, build.Setup(pve="9"))
        return worldmod.World(lab)

    def test_no_run_or_snapshot_is_newer_than_the_build(self):
        for now in range(ON_A_SCHEDULED_START - 2, ON_A_SCHEDULED_START + 9):
            world = self.build_at(now)
            for node in world.state["nodes"]:
                for name, ds in world.zfs(node)["datasets"].items():
                    for snap in ds["snaps"]:
                        self.assertLessEqual(
                            snap["creation"],
                            now,
                            "built at %d: %s@%s on %s" % (now, name, snap["name"], node),
                        )
                for vmid, targets in world.repl(node).items():
                    for target, st in targets.items():
                        self.assertLessEqual(
                            st["last_sync"], now, "built at %d: %s to %s" % (now, vmid, target)
                        )


if __name__ == "__main__":
    unittest.main()


class HaConfigTest(unittest.TestCase):
    """/etc/pve/ha/ of `lab up --ha`, as pve-ha-manager 5.2.0's writers print it (their output
    for the same configuration, run from its sources)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rwlab-ha-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def files(self, pve):
        lab = store.Lab(os.path.join(self.tmp, pve.replace(",", "")))
        build.build(lab, "rwt-ha", 3, 2, 3, build.Setup(pve=pve, ha=True))
        directory = os.path.join(lab.pve, "ha")
        files = {}
        for name in os.listdir(directory):
            with open(os.path.join(directory, name)) as f:
                files[name] = f.read()
        return files

    def test_pve9_writes_strict_node_affinity_rules(self):
        files = self.files("9")
        self.assertEqual(sorted(files), ["resources.cfg", "rules.cfg"])
        self.assertEqual(
            files["resources.cfg"],
            "vm: 100\n\tstate started\n\nvm: 102\n\tstate started\n\nvm: 104\n\tstate started\n",
        )
        self.assertEqual(
            files["rules.cfg"].split("\n\n")[0],
            "node-affinity: ha-100\n\tnodes pve1,pve2\n\tresources vm:100\n\tstrict 1",
        )

    def test_a_pve8_node_keeps_the_cluster_on_groups(self):
        files = self.files("9,8,9")
        self.assertEqual(sorted(files), ["groups.cfg", "resources.cfg"])
        self.assertTrue(
            files["resources.cfg"].startswith("vm: 100\n\tgroup ha-100\n\tstate started\n")
        )
        self.assertTrue(
            files["groups.cfg"].startswith("group: ha-100\n\tnodes pve1,pve2\n\trestricted 1\n")
        )

    def test_without_ha_there_is_no_ha_file(self):
        lab = store.Lab(os.path.join(self.tmp, "none"))
        build.build(lab, "rwt-ha", 3, 2, 3, build.Setup(pve="9"))
        self.assertFalse(os.path.exists(os.path.join(lab.pve, "ha", "resources.cfg")))
