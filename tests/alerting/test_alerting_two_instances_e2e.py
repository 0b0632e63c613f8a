"""End to end with the deployment that survives the loss of replwatch's own host (README,
"Surviving the loss of replwatch's own host"): two replwatch instances with the same config
read the same lab, and one Prometheus scrapes both as one job, so every series comes twice.
Receivers deduplicate on Alertmanager's group key (a webhook body's `groupKey`, PagerDuty's
dedup key): one group key is one page, however many updates it gets.

Lab: `lab up --nodes 3 --guests 1`.
1. Both instances read the healthy lab: every rule evaluates (no join fails on the two
   copies), Prometheus accepts every dashboard query, and nothing fires. Then a scrub runs
   on pve2: the overview dashboard's scan panel, which sums per node, counts it once.
2. pve3 dies: each instance raises ReplwatchNodeDown. Both alerts land in one group (the
   example route groups without `instance`): one page, carrying both, until pve3 returns.
3. replwatch's host dies with the node it runs on: instance A is killed (SIGKILL, by pid)
   and pve1 dies. ReplwatchDown pages for A, B alone pages ReplwatchNodeDown for pve1, and
   nothing else reaches a receiver.

Same stack as test_alerting_e2e (stack_case.py, alert_stack.py), but every `for:` is 45s
as in test_alerting_failover_e2e: a link to the dead node fails before replwatch's own
session to it times out, and that moment must pass unseen, as the shipped durations let it.
"""
import time
import unittest

import dashboard_queries
import scenario
from stack_case import PORT, AlertStackCase

NODE_DOWN = "ReplwatchNodeDown"
REPLWATCH_DOWN = "ReplwatchDown"


class TwoInstancesAlerting(AlertStackCase):
    LAB_NAME = "rwal2i"
    LAB_UP = ["--nodes", "3", "--guests", "1"]
    FOR_DURATION = "45s"
    REPLWATCH_PORTS = (PORT, PORT + 1)
    steps = {}  # step -> (began, ended)
    held = {}  # step -> alerts Prometheus held (pending or firing) at its end
    failing_rules = None  # rules whose evaluation failed on the two copies
    rejected_queries = None  # dashboard queries Prometheus refused on the two copies
    scans_shown = None  # {node: value} of the overview's scan panel during pve2's scrub

    @classmethod
    def firing(cls, alertname, since):
        """The alerts named `alertname` in firing notifications received since `since`."""
        return [
            alert
            for body in cls.bodies(since)
            for alert in body["alerts"]
            if alert["status"] == "firing" and alert["labels"]["alertname"] == alertname
        ]

    @classmethod
    def bodies(cls, since, until=None):
        return [
            n["body"]
            for n in cls.sink.notifications()
            if n["at"] >= since and (until is None or n["at"] <= until)
        ]

    @classmethod
    def wait_for(cls, what, predicate):
        if not cls.driver.wait(predicate, scenario.FIRE_TIMEOUT + 60, interval=1):
            raise AssertionError(
                "%s did not happen; Prometheus holds %s" % (what, cls.driver.active_alerts())
            )

    @classmethod
    def run_scenario(cls):
        a, b = (cls.instance(replwatch) for replwatch in cls.replwatches)

        began = time.time()
        cls.step("both", began)
        cls.failing_rules = [
            (rule["name"], rule.get("lastError"))
            for group in cls.apis.rule_groups()
            for rule in group["rules"]
            if rule["health"] != "ok"
        ]
        dashboards = dashboard_queries.load(cls.apis.query)
        cls.rejected_queries = dashboard_queries.rejected(dashboards, cls.apis.query)
        cls.driver.lab("fault", "scrub", "pve2", "60")
        cls.wait_for(
            "both instances seeing pve2's scrub",
            lambda: cls.apis.query('count(replwatch_pool_scan_active{node="pve2"} == 1) == 2'),
        )
        (overview,) = [d for d in dashboards if "overview" in d.name]
        (scans,) = [
            e
            for _, e in overview.expressions
            if e.startswith("sum by") and "replwatch_pool_scan_active" in e
        ]
        cls.scans_shown = {
            s["metric"]["node"]: s["value"][1] for s in cls.apis.query(overview.expand(scans))
        }
        cls.driver.lab("clear", "scrub", "pve2")

        began = time.time()
        cls.driver.lab("fault", "node-down", "pve3")
        cls.wait_for(
            "ReplwatchNodeDown for pve3 from both instances",
            lambda: {
                alert["labels"]["instance"]
                for alert in cls.firing(NODE_DOWN, began)
                if alert["labels"]["node"] == "pve3"
            }
            == {a, b},
        )
        cls.driver.lab("clear", "node-down", "pve3")
        cleared = time.time()
        cls.wait_for(
            "the pve3 page resolving",
            lambda: any(body["status"] == "resolved" for body in cls.bodies(cleared)),
        )
        cls.step("node_down", began)

        began = time.time()
        cls.replwatches[0].kill()
        cls.driver.live_instances.discard(a)
        cls.driver.lab("fault", "node-down", "pve1")
        cls.wait_for(
            "ReplwatchDown for A and ReplwatchNodeDown for pve1",
            lambda: cls.firing(REPLWATCH_DOWN, began) and cls.firing(NODE_DOWN, began),
        )
        cls.step("host_lost", began)

    # --- checks -------------------------------------------------------------------------
    def pages(self, step):
        """{(group key, status)} of every notification of `step`, and its alerts'
        (alertname, node, instance, status)."""
        self.assertIn(step, self.steps, "the scenario stopped before this step")
        bodies = self.bodies(*self.steps[step])
        groups = {(body["groupKey"], body["status"]) for body in bodies}
        alerts = {
            (
                alert["labels"]["alertname"],
                alert["labels"].get("node"),
                alert["labels"]["instance"],
                alert["status"],
            )
            for body in bodies
            for alert in body["alerts"]
        }
        return groups, alerts

    def test_every_rule_and_dashboard_query_evaluates_on_two_copies_and_nothing_fires(self):
        self.assertIn("both", self.steps, "the scenario stopped before this step")
        self.assertEqual(self.failing_rules, [])
        self.assertEqual(self.rejected_queries, [])
        self.assertEqual(self.held["both"], [])
        self.assertEqual(self.pages("both"), (set(), set()))

    def test_the_dashboard_counts_a_scrub_once(self):
        self.assertEqual(self.scans_shown, {"pve1": "0", "pve2": "1", "pve3": "0"})

    def test_a_dead_node_pages_once_with_both_instances(self):
        a, b = (self.instance(replwatch) for replwatch in self.replwatches)
        groups, alerts = self.pages("node_down")
        self.assertEqual(len({key for key, _ in groups}), 1, "one page: %s" % groups)
        self.assertEqual(
            alerts,
            {
                (NODE_DOWN, "pve3", a, "firing"),
                (NODE_DOWN, "pve3", b, "firing"),
                (NODE_DOWN, "pve3", a, "resolved"),
                (NODE_DOWN, "pve3", b, "resolved"),
            },
        )
        # It did not resolve while pve3 was down and fire again: one firing episode, ended
        # by the one resolved notification.
        statuses = [body["status"] for body in self.bodies(*self.steps["node_down"])]
        self.assertEqual(statuses[-1], "resolved")
        self.assertNotIn("resolved", statuses[:-1])
        self.assertEqual(self.held["node_down"], [])

    def test_losing_an_instance_with_a_node_pages_each_once(self):
        a, b = (self.instance(replwatch) for replwatch in self.replwatches)
        groups, alerts = self.pages("host_lost")
        self.assertEqual({status for _, status in groups}, {"firing"})
        self.assertEqual(len(groups), 2, "one page for ReplwatchDown, one for the node")
        self.assertEqual(
            {(name, node, instance) for name, node, instance, _ in alerts},
            {(REPLWATCH_DOWN, None, a), (NODE_DOWN, "pve1", b)},
        )
        # Prometheus may hold more about the dead node: Alertmanager inhibits those.
        self.assertEqual(
            [
                labels
                for labels in self.held["host_lost"]
                if labels.get("node") != "pve1" and labels["alertname"] != REPLWATCH_DOWN
            ],
            [],
        )


if __name__ == "__main__":
    unittest.main()
