"""replwatch itself running inside a lab: start, scrape, stop (by pid)."""
import json
import os
import re
import subprocess
import time

from labhelper import REPO, LabCase

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
BINARY = os.environ.get("REPLWATCH_BINARY", os.path.join(REPO, "build", "daemon", "replwatch"))
# A Debian root tree (debian-roots/) whose libraries BINARY runs on, e.g. the Debian 13
# build root for the Debian 13 binary; unset: the host's.
ROOT = os.environ.get("REPLWATCH_ROOT")
PORT = 10131
# CollectionRounds: the complete collection rounds a wait lasts at least, and how many
# times its timeout it lasts at most while replwatch does not complete them.
MIN_ROUNDS = 3
STALL_FACTOR = 10
# replwatch's collectors, each run on every node.
COLLECTORS = (
    "node",
    "jobs",
    "unreplicated_disks",
    "ha",
    "pools",
    "datasets",
    "snapshots",
    "nic",
    "paths",
    "contention",
)


def lab_config(statedir, nodes):
    """A fast-polling config for the lab's nodes pve1..pveN (198.18.0.11...)."""
    lines = [
        "global:",
        "  collection_interval: 1s",
        "  jitter: 200ms",
        "  connect_timeout: 2s",
        "  command_timeout: 10s",
        "  reconnect_backoff_initial: 1s",
        "  reconnect_backoff_max: 2s",
        "  keepalive_interval: 1s",
        "ssh:",
        "  key_file: %s/replwatch_id_ed25519" % statedir,
        "  known_hosts_file: %s/known_hosts" % statedir,
        "clusters:",
        "  - name: lab",
        "    nodes:",
    ]
    for i in range(1, nodes + 1):
        lines += ["      - name: pve%d" % i, "        address: 198.18.0.%d" % (10 + i)]
    path = os.path.join(statedir, "replwatch-test.yml")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def binary_command(config):
    """BINARY as the host runs it, or inside ROOT (run-in-root.sh: same pid) with the
    config's folder (the lab's state: keys, known_hosts) and BINARY's folder at their
    own paths."""
    if not ROOT:
        return [BINARY]
    return [
        os.path.join(REPO, "debian-roots", "run-in-root.sh"),
        "--bind-ro",
        os.path.dirname(config),
        "--bind-ro",
        os.path.dirname(BINARY),
        ROOT,
        "--",
        BINARY,
    ]


def run_diagnose(lab_name, config, job=None, guest=None):
    """`replwatch diagnose --output=json` in the lab's namespace: (exit code, report)."""
    argv = (
        ["ip", "netns", "exec", "rwlab-%s" % lab_name]
        + binary_command(config)
        + ["diagnose", "--config.file=" + config, "--output=json"]
        + (["--job=" + job] if job else [])
        + (["--guest=" + guest] if guest else [])
    )
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout)
    if report["exit_code"] != proc.returncode:
        raise AssertionError(
            "diagnose exited %d, its report says %d" % (proc.returncode, report["exit_code"])
        )
    return proc.returncode, report


class Replwatch:
    """The daemon in the lab namespace, listening on the bridge address."""

    def __init__(self, lab_name, config, port=PORT, args=(), log=None):
        self.netns = "rwlab-%s" % lab_name
        self.port = port
        self.log = open(log or config + ".log", "w+")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.netns]
            + binary_command(config)
            + ["--config.file=" + config, "--web.listen-address=198.18.0.1:%d" % port]
            + list(args),
            stdout=self.log,
            stderr=self.log,
        )

    def kill(self):
        """SIGKILL, as a crash or an OOM kill: nothing runs on the way out."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

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

    def value(self, metric, **labels):
        """The sample's value, or None if the series is absent."""
        for line in self.scrape().split("\n"):
            if line.startswith(metric + "{") or line.startswith(metric + " "):
                name_labels, _, value = line.rpartition(" ")
                if all('%s="%s"' % kv in name_labels for kv in labels.items()):
                    return float(value)
        return None

    def samples(self):
        """One scrape, parsed."""
        return Samples(self.scrape())

    def wait_for_scrape(self, predicate, timeout=30, rounds=MIN_ROUNDS):
        """(the first scrape whose facts of every node that is up were all collected after
        this call and that satisfies `predicate`, or None; the last scrape; the complete
        collection rounds seen). A series the predicate needs being absent counts as not
        yet. Gives up as CollectionRounds.exhausted says."""
        since = time.time()
        counter = CollectionRounds()
        while True:
            samples = self.samples()
            counter.observe(samples)
            try:
                if samples.round_completed_after(since) and predicate(samples):
                    return samples, samples, counter.count
            except (TypeError, ValueError):
                pass
            if counter.exhausted(timeout, rounds):
                return None, samples, counter.count
            time.sleep(0.25)

    def wait_for(self, predicate, timeout=30, rounds=MIN_ROUNDS):
        """True once predicate() holds; False when CollectionRounds.exhausted says."""
        counter = CollectionRounds()
        while not predicate():
            counter.observe(self.samples())
            if counter.exhausted(timeout, rounds):
                return predicate()
            time.sleep(0.25)
        return True

    def log_text(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def log_tail(self):
        """The end of the log, to follow a failure message."""
        return "--- replwatch log ---\n" + self.log_text()[-3000:]


class Samples:
    """One scrape of the exposition: every sample, matched on exact label values."""

    def __init__(self, text):
        self.samples = []
        for line in text.split("\n"):
            match = SAMPLE.match(line)
            if match:
                labels = dict(LABEL.findall(match.group(2) or ""))
                self.samples.append((match.group(1), labels, float(match.group(3))))

    def families(self):
        return {name for name, _, _ in self.samples}

    def all(self, metric, **labels):
        """[(labels, value)] of every sample of `metric` carrying `labels`."""
        return [
            (have, value)
            for name, have, value in self.samples
            if name == metric and all(have.get(k) == v for k, v in labels.items())
        ]

    def value(self, metric, **labels):
        """The value of the one sample matching, None if there is none."""
        found = self.all(metric, **labels)
        if len(found) > 1:
            raise AssertionError("%s%s matches %d samples" % (metric, labels, len(found)))
        return found[0][1] if found else None

    def node_healthy(self, node):
        """The node is up and every collector's last run on it succeeded."""
        return self.value("replwatch_node_up", node=node) == 1 and all(
            self.value("replwatch_collector_success", node=node, collector=c) == 1
            for c in COLLECTORS
        )

    def not_collected_after(self, since):
        """[(node, collector)] whose facts come from a run that started before `since`."""
        took = {
            (series_labels["node"], series_labels["collector"]): v
            for series_labels, v in self.all("replwatch_collector_duration_seconds")
        }
        stale = []
        for series_labels, end in self.all("replwatch_collector_last_success_timestamp_seconds"):
            key = (series_labels["node"], series_labels["collector"])
            if end - took.get(key, 0.0) <= since:
                stale.append(key)
        return sorted(stale)

    def collected_after(self, since):
        """True if every collector's facts come from a run that started after `since`."""
        return bool(
            self.all("replwatch_collector_last_success_timestamp_seconds")
        ) and not self.not_collected_after(since)

    def round_completed_after(self, since):
        """True if every collector ran after `since` on every node that is up."""
        up = {labels["node"] for labels, v in self.all("replwatch_node_up") if v == 1}
        return bool(up) and not [n for n, _ in self.not_collected_after(since) if n in up]


class CollectionRounds:
    """The complete collection rounds replwatch finishes while a test waits, counted
    scrape by scrape, so that a wait lasts at least MIN_ROUNDS of them: a machine too
    busy to collect within a test's timeout gets as many chances as an idle one."""

    def __init__(self):
        self.start = time.time()
        self.round_start = self.start
        self.count = 0

    def observe(self, samples):
        if samples.round_completed_after(self.round_start):
            self.count += 1
            self.round_start = time.time()

    def exhausted(self, timeout, rounds):
        """`timeout` has passed and `rounds` rounds were seen, or a daemon that stopped
        collecting has had STALL_FACTOR * timeout."""
        waited = time.time() - self.start
        return (waited > timeout and self.count >= rounds) or waited > STALL_FACTOR * timeout


class ReplwatchLabCase(LabCase):
    """A lab with replwatch running in it for the whole class (`cls.daemon`)."""

    def wait_until(self, what, predicate, timeout=30, explain=None):
        """The first scrape whose facts were all collected after this call (so after
        the lab change before it) and that satisfies `predicate`; fails the test with
        `what` (and `explain(last scrape)`, a list of phrases) after `timeout` and at
        least MIN_ROUNDS collection rounds."""
        since = time.time()
        samples, last, rounds = self.daemon.wait_for_scrape(predicate, timeout)
        if samples is None:
            stale = ["%s/%s" % key for key in last.not_collected_after(since)]
            self.fail(
                "%s\nafter %.0f s and %d complete collection rounds%s%s\n--- replwatch log ---\n%s"
                % (
                    what,
                    time.time() - since,
                    rounds,
                    "; not collected since the wait began: " + ", ".join(stale) if stale else "",
                    "; " + "; ".join(explain(last)) if explain else "",
                    self.daemon.log_text()[-3000:],
                )
            )
        return samples

    @classmethod
    def daemon_config(cls):
        """The config file replwatch runs with; override to change it."""
        return lab_config(cls.statedir, cls.NODES)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.daemon = Replwatch(cls.NAME, cls.daemon_config())
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if hasattr(cls, "daemon"):
            cls.daemon.stop()
        super().tearDownClass()
