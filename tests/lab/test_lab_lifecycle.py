"""`lab down` leaves nothing behind; `lab config` describes the running lab."""
import os
import subprocess
import unittest

from labhelper import LAB

NAME = "rwt-life"


def root_ns_snapshot():
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    addrs = subprocess.run(["ip", "-o", "addr"], capture_output=True, text=True).stdout
    routes = subprocess.run(["ip", "route"], capture_output=True, text=True).stdout
    link_names = sorted(line.split(" link/")[0] for line in links.splitlines())
    return link_names, sorted(addrs.splitlines()), routes


class LifecycleTest(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("the lab needs root")
        self.addCleanup(subprocess.run, [LAB, "down", "--name", NAME], capture_output=True)

    def test_down_leaves_no_namespace_process_or_interface(self):
        import json

        before = root_ns_snapshot()
        subprocess.run(
            [LAB, "up", "--name", NAME, "--nodes", "2", "--guests", "1"],
            check=True,
            capture_output=True,
        )
        self.assertEqual(root_ns_snapshot(), before)
        subprocess.run([LAB, "--name", NAME, "fault", "nic-errors", "pve1"], check=True)
        subprocess.run([LAB, "--name", NAME, "fault", "hang-job", "100-0"], check=True)
        subprocess.run(
            [LAB, "--name", NAME, "expose", "--port", "19899"], check=True, capture_output=True
        )
        with open("/run/replwatch-lab/%s/state.json" % NAME) as f:
            state = json.load(f)
        pids = list(state["procs"].values()) + [
            info[k] for info in state["nodes"].values() for k in ("sshd_pid", "holder_pid")
        ]
        # DNS, the Debian 13 root's lock (PVE 9 nodes), NIC errors, the hung job, the port
        # forward; sshd and holder per node.
        self.assertEqual(len(pids), 9)
        resolver = "/etc/netns/rwlab-%s/resolv.conf" % NAME
        self.assertTrue(os.path.exists(resolver))
        subprocess.run([LAB, "down", "--name", NAME], check=True)
        self.assertFalse(os.path.exists(os.path.dirname(resolver)))
        namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        self.assertNotIn("rwlab-%s" % NAME, namespaces)
        for pid in pids:
            alive = os.path.exists("/proc/%d" % pid)
            if alive:
                with open("/proc/%d/stat" % pid) as f:
                    alive = f.read().rsplit(")", 1)[1].split()[0] != "Z"
            self.assertFalse(alive, "pid %d survived lab down" % pid)
        self.assertFalse(os.path.exists("/run/replwatch-lab/%s" % NAME))
        self.assertEqual(root_ns_snapshot(), before)

    def test_config_lists_every_node(self):
        subprocess.run(
            [LAB, "up", "--name", NAME, "--nodes", "2", "--guests", "1"],
            check=True,
            capture_output=True,
        )
        config = subprocess.run(
            [LAB, "--name", NAME, "config"], check=True, capture_output=True, text=True
        ).stdout
        self.assertEqual(
            config,
            (
                "global:\n  collection_interval: 15s\n  connect_timeout: 5s\n"
                "  command_timeout: 20s\n"
                "ssh:\n  user: root\n  key_file: /run/replwatch-lab/{n}/replwatch_id_ed25519\n"
                "  known_hosts_file: /run/replwatch-lab/{n}/known_hosts\nclusters:\n  - name: {n}\n"
                "    nodes:\n      - name: pve1\n        address: 198.18.0.11\n"
                "      - name: pve2\n        address: 198.18.0.12\n"
            ).format(n=NAME),
        )


if __name__ == "__main__":
    unittest.main()
