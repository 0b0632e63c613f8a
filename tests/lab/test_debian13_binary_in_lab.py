"""The Debian 13 binary in the lab really runs on Debian 13: its process sees the Debian 13
root (REPLWATCH_ROOT, see debian-roots/) and has Debian 13's libraries mapped, not the
host's Debian 12 ones, while it collects every node. CTest debian13:lab runs this module
with the lab tests of the host binary (test_replwatch_in_lab, test_signals_in_lab) under
the same REPLWATCH_BINARY and REPLWATCH_ROOT."""
import re
import unittest

from replwatch_run import ROOT, ReplwatchLabCase

# Sonames (and libssh's file version) that differ between Debian 12 and 13.
DEBIAN13_LIBRARIES = (
    r"/libssh\.so\.4\.1\d\.\d+$",
    r"/libyaml-cpp\.so\.0\.8(\.\d+)*$",
    r"/libfmt\.so\.10(\.\d+)*$",
    r"/libspdlog\.so\.1\.15(\.\d+)*$",
)


class Debian13BinaryInLab(ReplwatchLabCase):
    NAME = "rwdeb13"
    NODES = 2

    @classmethod
    def setUpClass(cls):
        if not ROOT:
            raise AssertionError("REPLWATCH_ROOT is not set: the Debian 13 root to run in")
        super().setUpClass()

    def nodes_healthy(self):
        samples = self.daemon.samples()
        return all(samples.node_healthy("pve%d" % i) for i in range(1, self.NODES + 1))

    def mapped_files(self):
        with open("/proc/%d/maps" % self.daemon.proc.pid) as f:
            return {line.split()[5] for line in f if len(line.split()) == 6}

    def test_runs_in_the_debian13_root_on_its_libraries(self):
        pid = self.daemon.proc.pid
        self.assertTrue(
            self.daemon.wait_for(self.nodes_healthy),
            "nodes not collected\n" + self.daemon.log_tail(),
        )
        with open("/proc/%d/root/etc/debian_version" % pid) as f:
            self.assertRegex(f.read(), r"^13\.")
        mapped = self.mapped_files()
        for library in DEBIAN13_LIBRARIES:
            self.assertTrue(
                any(re.search(library, path) for path in mapped),
                "%s not mapped by replwatch: %s" % (library, sorted(mapped)),
            )


if __name__ == "__main__":
    unittest.main()
