"""End to end on failover day: a migration, an HA recovery after a node died, the dead
node's return and the failback, through the shipped rules and Alertmanager configuration.
Exactly one alert may reach a receiver: ReplwatchNodeDown for the dead node, firing while it
is down and resolved once it is back.

Lab: `lab up --nodes 3 --guests 2 --ha` (pve1 replicates 100 and 101 to pve2, pve2 102 and
103 to pve3, pve3 104 and 105 to pve1; 100, 102 and 104 are HA-managed, strict to their
node and their replica's node). The lab moves guests as PVE does (lab/rwlab/migrate.py):
1. migration: `lab migrate 101 pve2`, then a quarter of an hour of replication;
2. HA recovery: pve1 dies (`lab fault node-down pve1`), `lab failover 100 pve2`, two minutes
   of replication (100-0, switched to pve2 -> pve1, and pve3's jobs to pve1 fail on the
   dead node);
3. return: pve1 is back, six minutes of replication replicate 100 back to it;
4. failback: `lab migrate 100 pve1`, then a quarter of an hour of replication.

Same stack as test_alerting_e2e (stack_case.py, alert_stack.py), but every `for:` is
FOR_DURATION below instead of 5s: the moments in which nodes are read at different times
(a link to the dead node fails before replwatch's own session to it times out, a returning
node's job still counts its failed run until the next pass) must pass unseen, as the
shipped durations (5m and more) let them. Each step waits until Prometheus has evaluated
its rules on data collected after the step for longer than that.
"""
import time
import unittest

import scenario
from alert_cases import Expect
from stack_case import AlertStackCase

NODE_DOWN = Expect("node_down", "ReplwatchNodeDown", "critical", {"node": "pve1"})


def key(labels):
    return labels.get("alertname"), labels.get("node"), labels.get("job_id")


class FailoverAlerting(AlertStackCase):
    LAB_NAME = "rwalfo"
    LAB_UP = ["--nodes", "3", "--guests", "2", "--ha"]
    FOR_DURATION = "45s"
    steps = {}  # step -> (began, ended)
    held = {}  # step -> alerts Prometheus held (pending or firing) at its end
    node_down = None
    leftovers = None

    @classmethod
    def run_scenario(cls):
        began = time.time()
        cls.driver.lab("migrate", "101", "pve2")
        cls.driver.settle(time.time())
        cls.driver.tick(15)
        cls.step("migration", began)

        began = time.time()
        cls.driver.lab("fault", "node-down", "pve1")
        cls.driver.lab("failover", "100", "pve2")
        cls.node_down = scenario.Observation(NODE_DOWN.full_labels({}), began)

        def node_down_fired():
            cls.driver.update_fired(NODE_DOWN, cls.node_down)
            return cls.node_down.fired is not None

        if not cls.driver.wait(node_down_fired, scenario.FIRE_TIMEOUT + 60, interval=1):
            cls.node_down.diagnosis = cls.driver.diagnose(NODE_DOWN, cls.node_down)
        cls.driver.tick(2)
        cls.step("failover", began)

        began = cls.node_down.cleared_at = time.time()
        cls.driver.lab("clear", "node-down", "pve1")
        cls.driver.tick(6)

        def node_down_resolved():
            cls.driver.update_resolved(NODE_DOWN, cls.node_down)
            return cls.node_down.resolved is not None

        cls.driver.wait_quiet(began, done=node_down_resolved)
        cls.step("return", began)

        began = time.time()
        cls.driver.lab("migrate", "100", "pve1")
        cls.driver.settle(time.time())
        cls.driver.tick(15)
        cls.step("failback", began)
        cls.leftovers = cls.driver.active_alerts()

    # --- checks -------------------------------------------------------------------------
    def notified(self, step):
        """(status, labels, description) of every alert a receiver got during `step`."""
        began, ended = self.steps[step]
        return [
            (alert["status"], alert["labels"], alert["annotations"].get("description"))
            for notification in self.sink.notifications()
            if began <= notification["at"] <= ended
            for alert in notification["body"]["alerts"]
        ]

    def assertQuiet(self, step):
        self.maxDiff = None
        self.assertIn(step, self.steps, "the scenario stopped before this step")
        self.assertEqual(self.notified(step), [])
        self.assertEqual(self.held[step], [])

    def test_a_migration_raises_nothing(self):
        self.assertQuiet("migration")

    def test_only_node_down_pages_during_the_failover(self):
        self.assertIn("failover", self.steps, "the scenario stopped before this step")
        self.assertIsNotNone(self.node_down.fired, self.node_down.diagnosis)
        self.assertEqual(
            [(status, key(labels)) for status, labels, _ in self.notified("failover")],
            [("firing", key(NODE_DOWN.full_labels({})))],
        )
        # Prometheus may hold more, each for the dead node: Alertmanager inhibits those.
        self.assertEqual([a for a in self.held["failover"] if a.get("node") != "pve1"], [])

    def test_node_down_resolves_and_nothing_else_fires_on_the_return(self):
        self.assertIn("return", self.steps, "the scenario stopped before this step")
        self.assertIsNotNone(self.node_down.resolved, "ReplwatchNodeDown did not resolve")
        self.assertEqual(
            [(status, key(labels)) for status, labels, _ in self.notified("return")],
            [("resolved", key(NODE_DOWN.full_labels({})))],
        )
        self.assertEqual(self.held["return"], [])

    def test_a_failback_raises_nothing(self):
        self.assertQuiet("failback")
        self.assertEqual(self.leftovers, [])


if __name__ == "__main__":
    unittest.main()
