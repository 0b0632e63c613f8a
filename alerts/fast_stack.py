"""The shipped rules and Alertmanager configuration, run by a real Prometheus and Alertmanager
inside a lab's network namespace with speed-only changes: the alerting end-to-end tests use
it, and so does scripts/run.sh, so that a fault injected in the demo pages within seconds.

Only what speed requires is changed in the copies (see fast_rules and
fast_alertmanager_config): `for:`, `keep_firing_for:`, the two real-time thresholds of
SHORTENED and Alertmanager's timers. Every other expression, threshold, label, route and
inhibit rule is the shipped one.

  alerts/fast_stack.py <netns> <workdir> <scrape target>   # runs both until SIGTERM/SIGINT
"""
import os
import re
import signal
import subprocess
import sys

ALERTS = os.path.dirname(os.path.abspath(__file__))
BRIDGE = "198.18.0.1"
PROMETHEUS_PORT, ALERTMANAGER_PORT, WEBHOOK_PORT = 10190, 10193, 10195
# Evaluation runs every second. 5s: the condition on several evaluations in a row, and
# longer than one collection cycle on a loaded machine. Two nodes' inventories are read at
# different times: right after a run, one may still show the snapshot the run replaced
# while the other shows only the new one, for one cycle (the shipped 5m absorbs it).
FOR_DURATION = "5s"


# Thresholds measured in real time, shortened in the copies (users tune them; the real values
# are covered by alerts/tests/*.test.yml): alert -> (shipped text, test text, occurrences).
SHORTENED = {
    # The token's age since replwatch first saw it: 1h -> 10s.
    "ReplwatchResumeTokenStale": ("> 3600", "> 10", 1),
    # The window new errors, drops and flaps are counted in: 15m -> 20s, so the alert
    # resolves seconds after the fault. The lab's 20 dropped frames/s make 400 > 100 in 20s.
    "ReplwatchNicErrorsRising": ("[15m]", "[20s]", 5),
}
RULE_START = re.compile(r"(?m)^(?=\s+- (?:alert|record): )")


def _shorten(rule):
    name = re.match(r"\s+- (?:alert|record): (\S+)", rule)
    if not name or name[1] not in SHORTENED:
        return rule
    shipped, fast, count = SHORTENED[name[1]]
    found = rule.count(shipped)
    if found != count:
        raise AssertionError(
            "%s has %d x %r, expected %d: update SHORTENED" % (name[1], found, shipped, count)
        )
    return rule.replace(shipped, fast)


def fast_rules(text, for_duration=FOR_DURATION):
    """The rule file with every `for:` set to `for_duration`, every `keep_firing_for:` to 0s
    and the SHORTENED thresholds (only in their alerts' rules)."""
    text, fors = re.subn(r"(?m)^(\s+)for: \S+$", r"\g<1>for: " + for_duration, text)
    text, _ = re.subn(r"(?m)^(\s+)keep_firing_for: \S+$", r"\g<1>keep_firing_for: 0s", text)
    return "".join(_shorten(rule) for rule in RULE_START.split(text)), fors


def fast_alertmanager_config(text, webhook_base):
    """Receivers' URLs point at the test's webhook; grouping timers are shortened."""
    text, urls = re.subn(r"url: http://127\.0\.0\.1:5001/", "url: %s/" % webhook_base, text)
    for key, value in (("group_wait", "1s"), ("group_interval", "2s"), ("repeat_interval", "5m")):
        text, n = re.subn(r"(?m)^(\s+)%s: \S+$" % key, r"\g<1>%s: %s" % (key, value), text)
        if not n:
            raise AssertionError("alertmanager.example.yml has no %s any more" % key)
    if not urls:
        raise AssertionError("alertmanager.example.yml has no 127.0.0.1:5001 receiver URL any more")
    return text


def prometheus_config(rule_files, scrape_targets):
    rules = "".join("  - %s\n" % path for path in rule_files)
    targets = ", ".join("'%s'" % target for target in scrape_targets)
    return (
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
        "rule_files:\n%s"
        "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['%s:%d']\n"
        "scrape_configs:\n  - job_name: replwatch\n    static_configs:\n"
        "      - targets: [%s]\n" % (rules, BRIDGE, ALERTMANAGER_PORT, targets)
    )


class Service:
    """A server process in the lab namespace (`ip netns exec` execs it: the pid is the server)."""

    def __init__(self, netns_name, argv, log_path):
        self.log_path = log_path
        self._log = open(log_path, "w")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", netns_name] + argv, stdout=self._log, stderr=subprocess.STDOUT
        )

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def log_tail(self, chars=2000):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-chars:]


def start_prometheus(netns_name, workdir, scrape_targets, for_duration=FOR_DURATION):
    """Scrapes every replwatch in `scrape_targets` (host:port) as one scrape job."""
    rule_files = []
    for name in ("replwatch-alerts.yml", "replwatch-recording.yml"):
        with open(os.path.join(ALERTS, name)) as f:
            text, _ = fast_rules(f.read(), for_duration)
        rule_files.append(os.path.join(workdir, name))
        with open(rule_files[-1], "w") as f:
            f.write(text)
    config = os.path.join(workdir, "prometheus.yml")
    with open(config, "w") as f:
        f.write(prometheus_config(rule_files, scrape_targets))
    return Service(
        netns_name,
        [
            "/usr/bin/prometheus",
            "--config.file=" + config,
            "--storage.tsdb.path=" + os.path.join(workdir, "tsdb"),
            "--web.listen-address=%s:%d" % (BRIDGE, PROMETHEUS_PORT),
        ],
        os.path.join(workdir, "prometheus.log"),
    )


def start_alertmanager(netns_name, workdir, webhook_base):
    with open(os.path.join(ALERTS, "alertmanager.example.yml")) as f:
        text = fast_alertmanager_config(f.read(), webhook_base)
    config = os.path.join(workdir, "alertmanager.yml")
    with open(config, "w") as f:
        f.write(text)
    return Service(
        netns_name,
        [
            "/usr/bin/prometheus-alertmanager",
            "--config.file=" + config,
            "--storage.path=" + os.path.join(workdir, "alertmanager"),
            "--web.listen-address=%s:%d" % (BRIDGE, ALERTMANAGER_PORT),
            "--cluster.listen-address=",
        ],
        os.path.join(workdir, "alertmanager.log"),
    )


def main(argv):
    """The demo: both servers until SIGTERM or SIGINT, then both stopped."""
    if len(argv) != 4:
        sys.stderr.write("usage: fast_stack.py <netns> <workdir> <scrape target>\n")
        return 2
    netns, workdir, target = argv[1:]
    os.makedirs(workdir, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # No receiver listens there: the demo's pages are seen in Alertmanager's own UI.
    services = [start_alertmanager(netns, workdir, "http://%s:%d" % (BRIDGE, WEBHOOK_PORT))]
    try:
        services.append(start_prometheus(netns, workdir, [target]))
        signal.pause()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        for service in reversed(services):
            service.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
