"""End to end: lab fault -> replwatch -> Prometheus with the shipped rules -> Alertmanager
with the shipped example configuration -> webhook receiver.

Everything runs in the lab's network namespace: the lab (3 nodes), replwatch (1s
collection), a real Prometheus (scrape and evaluation every second) and a real Alertmanager
(clustering off), and the webhook receiver (a thread of this process whose socket was
created inside the namespace).

Changed for speed only, in copies in a temporary folder: every `for:` of the shipped rules
is 5s and every `keep_firing_for:` 0s; the two thresholds measured in real time are shortened
in their alert only (alert_stack.SHORTENED: the resume-token age 1h -> 10s, the NIC window
15m -> 20s); every other expression and threshold is untouched. Alertmanager's receiver URLs
point at the test's webhook and group_wait/group_interval/repeat_interval are 1s/2s/5m. Time
that the lab simulates (`lab tick`) moves the lab's timestamps, so conditions that age in lab
time (RPO, a stalled job) are reached in seconds.

Every PromQL expression of the Grafana dashboards is evaluated against the same Prometheus
(dashboard_queries.py): all must return data after the healthy baseline, except those of
grafana/empty-when-healthy.txt, which must return data while their lab fault is on.

Setup runs the whole scenario once (healthy baseline, then fault batches); each test checks
one alert's observations. Needs root.
"""
import os
import time
import unittest

import alert_cases
import dashboard_queries
import scenario
from stack_case import AlertStackCase


class AlertingEndToEnd(AlertStackCase):
    # REPLWATCH_ALERTING_LAB: another lab name, for a second run beside this one.
    LAB_NAME = os.environ.get("REPLWATCH_ALERTING_LAB", "rwalert")
    observations = {}
    leftovers = {}
    batch_errors = {}
    timings = []
    dashboards_healthy = []  # (expression, why) of expressions without data on a healthy lab
    dashboards_under_fault = {}  # listed expression -> why it had no data under its fault

    @classmethod
    def run_scenario(cls):
        cls._run_baseline()
        values = {alert_cases.PVE1_FIRST_DISK: cls.driver.first_disk("pve1")}
        for batch in alert_cases.BATCHES:
            cls._run_batch(batch, values)

    @classmethod
    def _run_baseline(cls):
        began = time.time()
        for _ in range(4):
            cls.driver.settle(cls.driver.tick(15))
        cls.baseline = {
            "prometheus": cls.apis.prom_alerts(),
            "alertmanager": cls.apis.am_alerts(),
            "receiver": cls.sink.notifications(),
        }
        cls.dashboards = dashboard_queries.load(cls.apis.query)
        cls.empty_when_healthy = dashboard_queries.empty_when_healthy()
        cls.dashboards_healthy = [
            problem
            for problem in dashboard_queries.no_data(cls.dashboards, cls.apis.query)
            if problem[0] not in cls.empty_when_healthy
        ]
        cls.timings.append(("baseline", time.time() - began))

    @classmethod
    def _run_batch(cls, batch, values):
        began = time.time()
        try:
            cls.leftovers[batch.name] = cls.driver.run_batch(
                batch, values, cls.observations, cls._query_dashboards_under_fault
            )
        except Exception as e:  # recorded; the batch's tests report it, later batches still run
            cls.batch_errors[batch.name] = "%s: %s" % (type(e).__name__, e)
            cls.driver.lab("clear", "all")
        cls.timings.append((batch.name, time.time() - began))

    @classmethod
    def _query_dashboards_under_fault(cls, batch):
        """Evaluates the empty-when-healthy expressions whose fault `batch` injected, with any
        value of a single-value variable (the job whose page shows the fault)."""
        injected = {fault[0] for fault in batch.faults}
        wanted = {
            where for where, (fault, _) in cls.empty_when_healthy.items() if fault in injected
        }
        if not wanted:
            return
        missing = dict(
            dashboard_queries.no_data(cls.dashboards, cls.apis.query, wanted, any_selection=True)
        )
        for where in wanted:
            cls.dashboards_under_fault[where] = missing.get(where)

    # --- checks -------------------------------------------------------------------------
    def check_alert(self, batch, expect):
        self.assertNotIn(batch.name, self.batch_errors, "the batch failed")
        obs = self.observations[expect.test]
        self.assertIsNotNone(
            obs.fired,
            "%s never arrived firing after `lab fault %s`\n%s"
            % (expect.alert, batch.faults, obs.diagnosis),
        )
        if expect.severity == "info":
            # Routed to the receiver without integration: visible in Alertmanager only.
            self.assertEqual(obs.fired["receivers"], ["dashboard-only"])
            self.assertEqual(obs.fired["state"], "active")
            self.assertIsNone(
                scenario.find_notification(self.sink.notifications(), obs.labels, "firing", 0)
            )
        else:
            self.assertEqual(obs.fired["path"], alert_cases.ROUTES[expect.severity])
        self.assertIsNotNone(
            obs.resolved,
            "%s %s did not resolve after the fault cleared" % (expect.alert, obs.labels),
        )

    def test_healthy_cluster_raises_no_alert(self):
        self.assertEqual(self.baseline["receiver"], [])
        self.assertEqual([a["labels"] for a in self.baseline["prometheus"]], [])
        self.assertEqual([a["labels"] for a in self.baseline["alertmanager"]], [])

    def test_no_alert_outlives_its_fault(self):
        for name, active in self.leftovers.items():
            self.assertEqual(active, [], "still active after `%s` cleared" % name)

    def test_dashboard_queries_return_data_on_a_healthy_cluster(self):
        self.assertEqual(
            self.dashboards_healthy,
            [],
            "not in grafana/empty-when-healthy.txt, yet returned no data",
        )

    def test_empty_when_healthy_list_names_existing_expressions(self):
        existing = {where for d in self.dashboards for where, _ in d.expressions}
        self.assertEqual(sorted(set(self.empty_when_healthy) - existing), [])

    def test_dashboard_queries_empty_when_healthy_return_data_under_their_fault(self):
        for where, (fault, _) in sorted(self.empty_when_healthy.items()):
            if fault == dashboard_queries.NO_FAULT:
                continue
            with self.subTest(where):
                self.assertIn(
                    where,
                    self.dashboards_under_fault,
                    "not evaluated: no batch of alert_cases.py injects `%s`, or its "
                    "batch failed" % fault,
                )
                self.assertIsNone(self.dashboards_under_fault[where])


def _alert_test(batch, expect):
    def test(self):
        self.check_alert(batch, expect)

    test.__doc__ = "%s %s fires and resolves" % (expect.alert, expect.labels)
    return test


for _batch in alert_cases.BATCHES:
    for _expect in _batch.expects:
        setattr(AlertingEndToEnd, "test_" + _expect.test, _alert_test(_batch, _expect))


if __name__ == "__main__":
    unittest.main()
