"""End to end: lab fault -> replwatch -> Prometheus with the shipped rules -> Alertmanager
with the shipped example configuration -> webhook receiver.

Everything runs in the lab's network namespace: the lab (3 nodes), replwatch (1s
collection), a real Prometheus (scrape and evaluation every second) and a real Alertmanager
(clustering off), and the webhook receiver (a thread of this process whose socket was
created inside the namespace).

Changed for speed only, in copies in a temporary folder: every `for:` of the shipped rules
is 2s and every `keep_firing_for:` 0s; the two thresholds measured in real time are shortened
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
import shutil
import signal
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab"))

import alert_cases  # noqa: E402
import alert_stack  # noqa: E402
import dashboard_queries  # noqa: E402
import scenario  # noqa: E402
from replwatch_run import BINARY, PORT, Replwatch  # noqa: E402

# Two runs must not share a lab: `lab up` takes the previous lab of that name down.
LAB_NAME = os.environ.get("REPLWATCH_ALERTING_LAB", "rwalert")


def replwatch_config(path, statedir, command_timeout):
    nodes = "".join(
        "      - name: pve%d\n        address: 198.18.0.%d\n" % (i, 10 + i) for i in (1, 2, 3)
    )
    with open(path, "w") as f:
        f.write(
            "global:\n  collection_interval: 1s\n  jitter: 200ms\n  connect_timeout: 2s\n"
            "  command_timeout: %s\n"
            "  reconnect_backoff_initial: 1s\n  reconnect_backoff_max: 2s\n"
            # Keepalives check a new connection: a changed host key shows within 1 s.
            "  keepalive_interval: 1s\n"
            "ssh:\n  key_file: %s/replwatch_id_ed25519\n  known_hosts_file: %s/known_hosts\n"
            "clusters:\n  - name: %s\n    nodes:\n%s"
            % (command_timeout, statedir, statedir, alert_cases.CLUSTER, nodes)
        )
    return path


def _interrupt(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


class AlertingEndToEnd(unittest.TestCase):
    observations = {}
    leftovers = {}
    batch_errors = {}
    timings = []
    dashboards_healthy = []  # (expression, why) of expressions without data on a healthy lab
    dashboards_under_fault = {}  # listed expression -> why it had no data under its fault

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("the lab needs root")
        if not os.path.exists(BINARY):
            raise AssertionError("replwatch binary %s not built" % BINARY)
        # SIGTERM (`timeout`, a stopped CI job) ends the run through the class cleanups too.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        cls.addClassCleanup(signal.signal, signal.SIGTERM, previous)
        try:
            cls._start_and_run()
        except BaseException as e:
            if not isinstance(e, Exception):  # unittest cleans up only after an Exception
                cls.doClassCleanups()
            raise

    @classmethod
    def _start_and_run(cls):
        began = time.time()
        cls.workdir = tempfile.mkdtemp(prefix="replwatch-alerting-")
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.addClassCleanup(cls._lab_down)
        cls._lab_down()
        scenario.lab(LAB_NAME, "up", "--nodes", "3", "--guests", "3")
        netns = alert_stack.Netns("rwlab-%s" % LAB_NAME)
        cls.addClassCleanup(netns.close)
        cls.sink = alert_stack.WebhookSink(netns)
        cls.addClassCleanup(cls.sink.stop)
        cls.alertmanager = alert_stack.start_alertmanager(netns.name, cls.workdir, cls.sink.url)
        cls.addClassCleanup(cls.alertmanager.stop)
        cls.prometheus = alert_stack.start_prometheus(
            netns.name, cls.workdir, "%s:%d" % (alert_stack.BRIDGE, PORT)
        )
        cls.addClassCleanup(cls.prometheus.stop)
        # 20s: a command waits while `lab tick` holds the lab's lock (about 10s when it
        # probes a down node), and a path MTU probe across a mismatch takes 5s.
        cls.replwatch = Replwatch(LAB_NAME, cls._write_replwatch_config("20s"))
        cls.addClassCleanup(cls.replwatch.stop)
        cls.apis = alert_stack.Apis(netns)
        cls.driver = scenario.Driver(LAB_NAME, cls.apis, cls.sink, cls._reconfigure)
        cls._wait_for_stack()
        cls.timings.append(("start", time.time() - began))
        cls._run_baseline()
        values = {alert_cases.PVE1_FIRST_DISK: cls.driver.first_disk("pve1")}
        for batch in alert_cases.BATCHES:
            cls._run_batch(batch, values)
        cls.timings.append(("total", time.time() - began))
        sys.stderr.write(
            "alerting e2e timings: %s\n" % ", ".join("%s %.0fs" % t for t in cls.timings)
        )

    @classmethod
    def _write_replwatch_config(cls, command_timeout):
        return replwatch_config(
            os.path.join(cls.workdir, "replwatch.yml"),
            "/run/replwatch-lab/%s" % LAB_NAME,
            command_timeout,
        )

    @classmethod
    def _reconfigure(cls, command_timeout):
        """Reloads replwatch (SIGHUP) with another command_timeout."""
        metric = "replwatch_config_last_reload_success_timestamp_seconds"
        before = cls.replwatch.value(metric)
        cls._write_replwatch_config(command_timeout)
        cls.replwatch.proc.send_signal(signal.SIGHUP)
        if not cls.replwatch.wait_for(lambda: (cls.replwatch.value(metric) or 0) > before):
            raise AssertionError("replwatch did not reload its configuration")

    @classmethod
    def _lab_down(cls):
        scenario.lab(LAB_NAME, "down", check=False)

    @classmethod
    def _wait_for_stack(cls):
        def up():
            if not cls.apis.ready():
                return False
            nodes = cls.apis.query("count(replwatch_node_up == 1)")
            return nodes and nodes[0]["value"][1] == "3"

        if not cls.driver.wait(up, 90):
            raise AssertionError(
                "stack not up\n--- prometheus ---\n%s\n--- alertmanager ---\n%s"
                "\n--- replwatch ---\n%s"
                % (
                    cls.prometheus.log_tail(),
                    cls.alertmanager.log_tail(),
                    cls.replwatch.log_text()[-2000:],
                )
            )

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
