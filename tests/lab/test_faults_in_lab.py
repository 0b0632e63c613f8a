"""replwatch under transport faults (issue 7): a flooding or endless command, refused
rights, a slow or lossy link, an address that does not resolve. For each, while it is on:
every scrape is answered (latency logged, not asserted), the other nodes' collections move
on, the affected node or collector is reported with its reason in the log; once cleared,
the node recovers by itself. (Node down, hung sshd and host key change are covered in
test_replwatch_in_lab.py.)"""
import re
import statistics
import subprocess
import sys
import time
import unittest

from labhelper import LAB
from replwatch_run import COLLECTORS, ReplwatchLabCase, Samples, lab_config

LAB_NODES = ("pve1", "pve2", "pve3")
UNRESOLVABLE = "pve9"  # configured with a host name that does not resolve
FAULT_DEADLINE = 45  # generous: the endless command takes command_timeout (10 s) to fail
RECOVERY_DEADLINE = 60


def logged(reason, log):
    """`reason` (a string, or a compiled pattern) is in the log."""
    return reason.search(log) is not None if hasattr(reason, "search") else reason in log


class FaultsInLab(ReplwatchLabCase):
    NAME = "ft"

    @classmethod
    def daemon_config(cls):
        config = lab_config(cls.statedir, cls.NODES)
        with open(config, "a") as f:
            f.write(
                "      - name: %s\n        address: %s.replwatch-lab.invalid\n"
                % (UNRESOLVABLE, UNRESOLVABLE)
            )
        return config

    def setUp(self):
        self.latencies, self.baseline, self.failed_scrapes = [], [], 0
        if not self.daemon.wait_for(
            lambda: all(self.daemon.samples().node_healthy(n) for n in LAB_NODES), 60
        ):
            self.fail("lab nodes not healthy before the fault\n" + self.daemon.log_tail())
        for _ in range(5):
            self.scrape()
        self.baseline, self.latencies = self.latencies, []

    def scrape(self):
        """One scrape, timed; a failed one (no answer, or not an exposition) is counted."""
        began = time.monotonic()
        text = self.daemon.scrape()
        self.latencies.append(time.monotonic() - began)
        if "replwatch_build_info" not in text:
            self.failed_scrapes += 1
        return Samples(text)

    @staticmethod
    def last_success(s, nodes):
        return {
            (series_labels["node"], series_labels["collector"]): v
            for series_labels, v in s.all("replwatch_collector_last_success_timestamp_seconds")
            if series_labels["node"] in nodes
        }

    def observe(self, node, reported, reason):
        """Scrapes until the node is reported, its reason logged and the others moved on."""
        others = [n for n in LAB_NODES if n != node]
        before = self.last_success(self.scrape(), others)
        seen_reported = moved_on = False
        deadline = time.time() + FAULT_DEADLINE
        while time.time() < deadline:
            s = self.scrape()
            seen_reported = seen_reported or reported(s)
            now = self.last_success(s, others)
            moved_on = len(now) == len(before) and all(now[k] > v for k, v in before.items())
            if seen_reported and moved_on and logged(reason, self.daemon.log_text()):
                break
            time.sleep(0.5)
        self.assertTrue(seen_reported, "%s not reported\n%s" % (node, self.daemon.log_tail()))
        self.assertTrue(moved_on, "other nodes' collections stalled: %s -> %s" % (before, now))
        self.assertTrue(
            logged(reason, self.daemon.log_text()),
            "%s not logged\n%s" % (getattr(reason, "pattern", reason), self.daemon.log_tail()),
        )
        self.assertEqual(self.failed_scrapes, 0, "scrapes failed during the fault")

    def expect_recovery(self, node):
        cleared = time.time()

        def recovered():
            s = self.scrape()
            ends = self.last_success(s, [node])
            return (
                s.node_healthy(node)
                and len(ends) == len(COLLECTORS)
                and all(end > cleared for end in ends.values())
            )

        if not self.daemon.wait_for(recovered, RECOVERY_DEADLINE):
            self.fail(
                "%s did not recover after the fault cleared\n%s" % (node, self.daemon.log_tail())
            )

    def tearDown(self):
        if self.latencies:
            ms = sorted(x * 1000 for x in self.latencies)
            sys.stderr.write(
                "\n  %s: %d scrapes, %d failed, latency ms median %.1f max %.1f "
                "(before the fault: median %.1f)\n"
                % (
                    self._testMethodName,
                    len(ms),
                    self.failed_scrapes,
                    statistics.median(ms),
                    ms[-1],
                    statistics.median(self.baseline) * 1000,
                )
            )

    def with_fault(self, fault, node, reported, reason, *extra):
        self.lab("fault", fault, node, *extra)
        self.observe_until_cleared(fault, node, reported, reason)

    def observe_until_cleared(self, fault, node, reported, reason):
        """With `fault` on: observe; then clear it and expect the node to recover."""
        try:
            self.observe(node, reported, reason)
        finally:
            self.lab("clear", fault, node)
        self.expect_recovery(node)

    def collector_failing(self, node, collector):
        """Reported: that collector failing while the node itself stays up."""
        return lambda s: (
            s.value("replwatch_collector_success", node=node, collector=collector) == 0
            and s.value("replwatch_node_up", node=node) == 1
        )

    def node_down(self, node):
        return lambda s: (
            s.value("replwatch_node_up", node=node) == 0
            and all(
                s.value("replwatch_collector_success", node=node, collector=c) == 0
                for c in COLLECTORS
            )
        )

    def still_collected(self, node):
        """Not reported at all: every collector of the node succeeds again after now."""
        began = time.time()
        return lambda s: s.node_healthy(node) and all(
            end > began for end in self.last_success(s, [node]).values()
        )

    def test_command_printing_100_mb_fails_only_its_collector(self):
        self.with_fault(
            "big-output",
            "pve2",
            self.collector_failing("pve2", "snapshots"),
            # The full listing, or the incremental one (`zfs-list-snapshots-of`), whichever
            # the cycle runs: the fault is on every `zfs list -t snapshot`.
            re.compile(r"'zfs-list-snapshots(-of)?' printed more than"),
        )

    def test_command_that_never_ends_times_out(self):
        self.with_fault(
            "endless-command",
            "pve2",
            self.collector_failing("pve2", "snapshots"),
            re.compile(r"'zfs-list-snapshots(-of)?' timed out after"),
        )

    def test_refused_ssh_key_reports_the_node_down(self):
        self.with_fault(
            "auth-denied", "pve3", self.node_down("pve3"), "authentication as root failed"
        )

    def test_unreadable_replication_cfg_fails_the_jobs_collector_saying_why(self):
        # The job list is worked out from replication.cfg: without it there is none to
        # trust, so that node's jobs collector fails, and the log says why.
        self.with_fault(
            "permission-denied",
            "pve3",
            self.collector_failing("pve3", "jobs"),
            "cat: /etc/pve/replication.cfg: Permission denied",
        )

    def test_slow_lossy_link_keeps_the_node_collected(self):
        self.lab("fault", "slow-link", "pve2")
        try:
            self.observe("pve2", self.still_collected("pve2"), "")
            shaped = subprocess.run(
                ["tc", "-n", "rwlab-%s-pve2" % self.NAME, "-s", "qdisc", "show", "dev", "vmbr0"],
                capture_output=True,
                text=True,
            )
            self.assertRegex(shaped.stdout, r"overlimits [1-9]", "the link was not shaped")
        finally:
            self.lab("clear", "slow-link", "pve2")
        self.expect_recovery("pve2")

    def test_partial_packet_loss_keeps_the_node_collected(self):
        self.with_fault("packet-loss", "pve2", self.still_collected("pve2"), "", "10")

    def test_packets_vanishing_report_the_node_down(self):
        # A partition where nothing answers, not even a refusal: the open session must
        # time out and the reconnects fail on the connect deadline.
        self.with_fault("packet-loss", "pve3", self.node_down("pve3"), "connect timed out", "100")

    def test_netem_loss_and_delay(self):
        proc = subprocess.run(
            [LAB, "--name", self.NAME, "fault", "netem", "pve2", "20", "200"],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0 and "no netem qdisc" in proc.stderr:
            self.skipTest(proc.stderr.strip())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.observe_until_cleared("netem", "pve2", self.still_collected("pve2"), "")

    def test_unresolvable_address_reports_the_node_down(self):
        self.observe(UNRESOLVABLE, self.node_down(UNRESOLVABLE), "cannot resolve")
        # Said once, not once per collector and cycle (1 s) since the start.
        time.sleep(3)
        down = "node lab/%s is DOWN: " % UNRESOLVABLE
        self.assertEqual(self.daemon.log_text().count(down), 1, self.daemon.log_tail())
        self.assertNotIn("node lab/%s collector" % UNRESOLVABLE, self.daemon.log_text())


if __name__ == "__main__":
    unittest.main()
