"""Scale-out in the lab: shards of one fleet cover every node exactly once, and a
new shard takes only what rendezvous hashing gives it, all from the old shards.

The lab is one PVE cluster; the config declares its nodes as four "clusters" so the
shards have something to split. Only the node collector runs: replwatch_node_up is
what this test counts, and jobs between these made-up clusters are beside the point.
"""
import os
import signal
import subprocess
import time
import unittest

from labhelper import LabCase
from replwatch_run import BINARY, COLLECTORS, Replwatch

# Declared clusters of the lab's six nodes (a cluster is never split).
CLUSTERS = {"dc1": ["pve1", "pve2"], "dc2": ["pve3", "pve4"], "dc3": ["pve5"], "dc4": ["pve6"]}
PORTS = [10141, 10142, 10143]
COLLECTORS_OFF = [c for c in COLLECTORS if c != "node"]
MASK = (1 << 64) - 1


def fnv1a64(text):
    value = 0xCBF29CE484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001B3) & MASK
    return value


def mix64(value):
    value = (value + 0x9E3779B97F4A7C15) & MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & MASK
    return value ^ (value >> 31)


def shard_of(cluster, count):
    """The documented hash (config/shard_assignment.h), written again from its text."""
    key = fnv1a64(cluster)
    weights = [mix64(key ^ mix64(shard)) for shard in range(count)]
    return weights.index(max(weights))


def expected_owner(count):
    """{node: shard} as the hash assigns the lab's nodes to `count` shards."""
    return {node: shard_of(cluster, count) for cluster, nodes in CLUSTERS.items() for node in nodes}


class ShardInstance(Replwatch):
    """One replwatch shard in the lab namespace on its own port (stop and the log
    as Replwatch's)."""

    def __init__(self, lab_name, config, port, shard_flag=None):
        self.netns = "rwlab-%s" % lab_name
        self.port = port
        self.log = open("%s.%d.log" % (config, port), "w+")
        argv = [
            "ip",
            "netns",
            "exec",
            self.netns,
            BINARY,
            "--config.file=" + config,
            "--web.listen-address=198.18.0.1:%d" % port,
        ]
        if shard_flag:
            argv.append("--shard=" + shard_flag)
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=self.log)

    def reload(self):
        self.proc.send_signal(signal.SIGHUP)

    def scrape(self):
        proc = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                self.netns,
                "curl",
                "-s",
                "--max-time",
                "5",
                "http://198.18.0.1:%d/metrics" % self.port,
            ],
            capture_output=True,
            text=True,
        )
        return proc.stdout


def nodes_up(samples):
    """{node: cluster} of every replwatch_node_up series in one scrape."""
    return {labels["node"]: labels["pve_cluster"] for labels, _ in samples.all("replwatch_node_up")}


class ShardsInLab(LabCase):
    NAME = os.environ.get("REPLWATCH_SHARD_LAB", "sh")
    NODES, GUESTS, SNAPSHOTS = 6, 1, 1

    def setUp(self):
        self.instances = []

    def tearDown(self):
        for instance in self.instances:
            instance.stop()

    def write_config(self, path, shard):
        lines = [
            "global:",
            "  collection_interval: 1s",
            "  jitter: 200ms",
            "  connect_timeout: 2s",
            "  command_timeout: 10s",
            "  shard: '%s'" % shard,
            "ssh:",
            "  key_file: %s/replwatch_id_ed25519" % self.statedir,
            "  known_hosts_file: %s/known_hosts" % self.statedir,
            "collectors:",
        ]
        lines += ["  %s: {enabled: false}" % name for name in COLLECTORS_OFF]
        lines.append("clusters:")
        for cluster, nodes in CLUSTERS.items():
            lines += ["  - name: %s" % cluster, "    nodes:"]
            for node in nodes:
                lines += [
                    "      - name: %s" % node,
                    "        address: 198.18.0.%d" % (10 + int(node[3:])),
                ]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def start(self, config, port, shard_flag=None):
        instance = ShardInstance(self.NAME, config, port, shard_flag)
        self.instances.append(instance)
        return instance

    def settled_scrapes(self, shards, count, timeout=60):
        """One scrape per shard once each reports shard i/count and node_up for
        every node it owns (replwatch_shard_owned_nodes)."""
        deadline = time.time() + timeout
        while True:
            scrapes = [instance.samples() for instance in shards]
            settled = all(
                s.value("replwatch_shard_info", shard=str(i), shards=str(count)) == 1
                and s.value("replwatch_shard_owned_nodes") == len(nodes_up(s))
                for i, s in enumerate(scrapes)
            )
            if settled or time.time() > deadline:
                logs = "\n".join(instance.log_text() for instance in shards)
                self.assertTrue(settled, "shards did not settle:\n" + logs)
                return scrapes
            time.sleep(0.5)

    def check_exact_cover(self, scrapes, count):
        """Every node in exactly one shard's scrape, where the hash puts it."""
        owner = {}
        for index, samples in enumerate(scrapes):
            for node, cluster in nodes_up(samples).items():
                self.assertNotIn(node, owner, "%s scraped from two shards" % node)
                self.assertIn(node, CLUSTERS[cluster])
                owner[node] = index
            clusters = {cluster for cluster in nodes_up(samples).values()}
            self.assertEqual(samples.value("replwatch_shard_owned_clusters"), len(clusters))
            self.assertEqual(samples.value("replwatch_shard_configured_clusters"), len(CLUSTERS))
        self.assertEqual(owner, expected_owner(count))
        return owner

    def test_two_shards_cover_every_node_once_and_a_third_moves_the_fewest(self):
        two, three = expected_owner(2), expected_owner(3)
        # The grouping is chosen so that every shard owns something and the
        # third shard takes some clusters, not all: otherwise this proves little.
        self.assertEqual(set(two.values()), {0, 1})
        moved = {node for node in two if two[node] != three[node]}
        self.assertTrue(0 < len(moved) < len(two))

        # Shard 0 from the config key, shard 1 by the flag overriding the same key.
        config_a = self.write_config(os.path.join(self.statedir, "shard-a.yml"), "0/2")
        config_b = self.write_config(os.path.join(self.statedir, "shard-b.yml"), "0/2")
        a = self.start(config_a, PORTS[0])
        b = self.start(config_b, PORTS[1], "1/2")
        before = self.check_exact_cover(self.settled_scrapes([a, b], 2), 2)
        self.assertIn("shard 0/2 owns", a.log_text())
        self.assertIn("shard 1/2 owns", b.log_text())

        # Three shards: shard 0 by SIGHUP with a new config key, 1 and 2 by flags.
        self.write_config(config_a, "0/3")
        a.reload()
        b.stop()
        self.instances.remove(b)
        b = self.start(config_b, PORTS[1], "1/3")
        c = self.start(config_b, PORTS[2], "2/3")
        after = self.check_exact_cover(self.settled_scrapes([a, b, c], 3), 3)
        moved_nodes = {node for node in before if before[node] != after[node]}
        self.assertEqual(moved_nodes, moved)
        for node in moved_nodes:
            self.assertEqual(after[node], 2, "%s moved between old shards" % node)
        self.assertIn("reloaded", a.log_text())


if __name__ == "__main__":
    unittest.main()
