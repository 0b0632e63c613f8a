"""A unittest base class that runs, in one lab's network namespace, the lab, replwatch
(1s collection), a real Prometheus with the shipped rules (alert_stack's speed-only
changes), a real Alertmanager and the webhook receiver, for the whole class.

A subclass names its lab (LAB_NAME, LAB_UP) and runs its scenario in `run_scenario()`;
setUpClass starts everything, runs the scenario once and stops everything afterwards (also
on SIGTERM). Needs root.
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
import scenario  # noqa: E402
from replwatch_run import BINARY, PORT, Replwatch  # noqa: E402


NODES = ("pve1", "pve2", "pve3")  # the lab's nodes, at 198.18.0.11 and on


def replwatch_config(path, statedir, command_timeout):
    nodes = "".join(
        "      - name: %s\n        address: 198.18.0.%d\n" % (name, 11 + i)
        for i, name in enumerate(NODES)
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


class AlertStackCase(unittest.TestCase):
    LAB_NAME = ""  # two classes (or runs) must not share a lab: `lab up` takes it down
    LAB_UP = ["--nodes", "3", "--guests", "3"]
    FOR_DURATION = alert_stack.FOR_DURATION  # every rule's `for:` in the test's copy
    # One replwatch per port, all with the same config, scraped as one job; more than one
    # is the deployment that survives the loss of replwatch's own host (README).
    REPLWATCH_PORTS = (PORT,)
    timings = []

    @classmethod
    def run_scenario(cls):
        raise NotImplementedError

    @classmethod
    def step(cls, name, began):
        """Ends the scenario's step `name`: settles, then keeps in the subclass's `held` what
        Prometheus holds and in its `steps` when the step began and ended."""
        cls.driver.settle(time.time())
        cls.held[name] = cls.driver.active_alerts()
        cls.steps[name] = (began, time.time())
        cls.timings.append((name, time.time() - began))

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
            began = time.time()
            cls._start()
            cls.timings.append(("start", time.time() - began))
            cls.run_scenario()
            cls.timings.append(("total", time.time() - began))
            sys.stderr.write(
                "%s timings: %s\n" % (cls.__name__, ", ".join("%s %.0fs" % t for t in cls.timings))
            )
        except BaseException as e:
            if not isinstance(e, Exception):  # unittest cleans up only after an Exception
                cls.doClassCleanups()
            raise

    @classmethod
    def _start(cls):
        cls.workdir = tempfile.mkdtemp(prefix="replwatch-alerting-")
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.addClassCleanup(cls._lab_down)
        cls._lab_down()
        scenario.lab(cls.LAB_NAME, "up", *cls.LAB_UP)
        netns = alert_stack.Netns("rwlab-%s" % cls.LAB_NAME)
        cls.addClassCleanup(netns.close)
        cls.sink = alert_stack.WebhookSink(netns)
        cls.addClassCleanup(cls.sink.stop)
        cls.alertmanager = alert_stack.start_alertmanager(netns.name, cls.workdir, cls.sink.url)
        cls.addClassCleanup(cls.alertmanager.stop)
        # 20s: a command waits while `lab tick` holds the lab's lock (about 10s when it
        # probes a down node), and a path MTU probe across a mismatch takes 5s.
        config = cls._write_replwatch_config("20s")
        cls.replwatches = []
        for port in cls.REPLWATCH_PORTS:
            log = os.path.join(cls.workdir, "replwatch-%d.log" % port)
            cls.replwatches.append(Replwatch(cls.LAB_NAME, config, port=port, log=log))
            cls.addClassCleanup(cls.replwatches[-1].stop)
        cls.replwatch = cls.replwatches[0]
        for replwatch in cls.replwatches:
            cls._wait_for_first_read(replwatch)
        cls.prometheus = alert_stack.start_prometheus(
            netns.name,
            cls.workdir,
            [cls.instance(replwatch) for replwatch in cls.replwatches],
            cls.FOR_DURATION,
        )
        cls.addClassCleanup(cls.prometheus.stop)
        cls.apis = alert_stack.Apis(netns)
        cls.driver = scenario.Driver(
            cls.LAB_NAME,
            cls.apis,
            cls.sink,
            cls._reconfigure,
            cls.FOR_DURATION,
            [cls.instance(replwatch) for replwatch in cls.replwatches],
        )
        cls._wait_for_stack()

    @classmethod
    def _write_replwatch_config(cls, command_timeout):
        return replwatch_config(
            os.path.join(cls.workdir, "replwatch.yml"),
            "/run/replwatch-lab/%s" % cls.LAB_NAME,
            command_timeout,
        )

    @staticmethod
    def instance(replwatch):
        """The replwatch's `instance` label in Prometheus."""
        return "%s:%d" % (alert_stack.BRIDGE, replwatch.port)

    @classmethod
    def _reconfigure(cls, command_timeout):
        """Reloads every replwatch (SIGHUP) with another command_timeout."""
        metric = "replwatch_config_last_reload_success_timestamp_seconds"
        before = [replwatch.value(metric) for replwatch in cls.replwatches]
        cls._write_replwatch_config(command_timeout)
        for replwatch, reloaded_at in zip(cls.replwatches, before):
            replwatch.proc.send_signal(signal.SIGHUP)
            if not replwatch.wait_for(lambda: (replwatch.value(metric) or 0) > reloaded_at):
                raise AssertionError(
                    "replwatch on port %d did not reload its configuration" % replwatch.port
                )

    @classmethod
    def _lab_down(cls):
        scenario.lab(cls.LAB_NAME, "down", check=False)

    @classmethod
    def _wait_for_first_read(cls, replwatch):
        """Waits until every collector has succeeded once on every node. With `for:`
        shortened to seconds, a rule could otherwise fire on a node whose slower
        collectors have not reported yet, and its first notification would go out
        without what they add to the text (the drift alert's pve-storage versions). With
        the shipped `for:` of minutes, every collector has reported long before."""
        samples, last, _ = replwatch.wait_for_scrape(
            lambda s: all(s.node_healthy(node) for node in NODES), timeout=90
        )
        if samples is None:
            failing = [
                "%s/%s" % (labels["node"], labels["collector"])
                for labels, value in last.all("replwatch_collector_success")
                if value != 1
            ]
            raise AssertionError(
                "replwatch did not read every node once in 90 s (failing: %s)\n%s"
                % (", ".join(failing) or "none reported", replwatch.log_tail())
            )

    @classmethod
    def _wait_for_stack(cls):
        def up():
            if not cls.apis.ready():
                return False
            nodes = cls.apis.query("count by (instance) (replwatch_node_up == 1)")
            seen = {s["metric"]["instance"]: s["value"][1] for s in nodes}
            return seen == {cls.instance(r): str(len(NODES)) for r in cls.replwatches}

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
