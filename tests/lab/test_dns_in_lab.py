"""A DNS server that stops answering for one node (the lab's DNS, `lab fault
dns-black-hole`): replwatch reports that node down once its connect deadline, name
resolution included, has passed, collects the others on, recovers when answers come
back, and stops at once on SIGTERM although a lookup still hangs (glibc's resolver
cannot be interrupted: the lab's resolver waits 30 s for an answer)."""
import time
import unittest

from replwatch_run import ReplwatchLabCase, lab_config

BY_NAME = "pve3"  # configured by its name in the lab's DNS


class DnsInLab(ReplwatchLabCase):
    NAME = "dn"

    @classmethod
    def daemon_config(cls):
        config = lab_config(cls.statedir, cls.NODES)
        with open(config) as f:
            text = f.read()
        with open(config, "w") as f:
            f.write(
                text.replace(
                    "address: 198.18.0.13", "address: %s.%s.rwlab.test" % (BY_NAME, cls.NAME)
                )
            )
        return config

    def healthy(self, node):
        return self.daemon.samples().node_healthy(node)

    def test_1_unanswered_lookups_cost_the_connect_deadline_only(self):
        self.assertTrue(
            self.daemon.wait_for(lambda: self.healthy(BY_NAME), 60),
            "%s not collected by name\n%s" % (BY_NAME, self.daemon.log_tail()),
        )
        self.lab("fault", "dns-black-hole", BY_NAME)
        try:
            # Sessions are re-opened every 3 s: the next connect looks the name up.
            down = "node lab/%s is DOWN: " % BY_NAME
            self.assertTrue(
                self.daemon.wait_for(
                    lambda: self.daemon.value("replwatch_node_up", node=BY_NAME) == 0, 30
                ),
                self.daemon.log_tail(),
            )
            self.assertTrue(
                self.daemon.wait_for(lambda: down in self.daemon.log_text(), 10),
                self.daemon.log_tail(),
            )
            self.assertIn("name resolution timed out", self.daemon.log_text())
            # The other nodes are collected on meanwhile (but for their paths checks,
            # which reach pve3 by its name too and wait for the DNS on the node).
            began = time.time()
            self.assertTrue(
                self.daemon.wait_for(
                    lambda: all(
                        end > began
                        for series_labels, end in self.daemon.samples().all(
                            "replwatch_collector_last_success_timestamp_seconds"
                        )
                        if series_labels["node"] != BY_NAME
                        and series_labels["collector"] != "paths"
                    ),
                    30,
                ),
                self.daemon.log_tail(),
            )
        finally:
            self.lab("clear", "dns-black-hole", BY_NAME)
        self.assertTrue(
            self.daemon.wait_for(lambda: self.healthy(BY_NAME), 60),
            "%s did not recover\n%s" % (BY_NAME, self.daemon.log_tail()),
        )

    def test_2_sigterm_while_a_lookup_hangs_stops_at_once(self):
        self.lab("fault", "dns-black-hole", BY_NAME)
        try:
            self.assertTrue(
                self.daemon.wait_for(
                    lambda: self.daemon.value("replwatch_node_up", node=BY_NAME) == 0, 30
                ),
                self.daemon.log_tail(),
            )
            time.sleep(1)  # a reconnect (every 1-2 s) is looking the name up again
            self.daemon.proc.terminate()
            # Without the bounded lookup the worker waits out the resolver (30 s).
            self.assertEqual(self.daemon.proc.wait(timeout=10), 0, self.daemon.log_tail())
        finally:
            self.lab("clear", "dns-black-hole", BY_NAME)


if __name__ == "__main__":
    unittest.main()
