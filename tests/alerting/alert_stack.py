"""A real Prometheus and Alertmanager inside a lab's network namespace, loaded with the
shipped rules and example Alertmanager configuration, and a webhook receiver for them.

Only what test speed requires is changed in the shipped files (see fast_rules and
fast_alertmanager_config): `for:`, `keep_firing_for:`, the two real-time thresholds of
SHORTENED and Alertmanager's timers. Every other expression, threshold, label, route and
inhibit rule is the shipped one.
"""
import concurrent.futures
import ctypes
import http.server
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ALERTS = os.path.join(REPO, "alerts")
BRIDGE = "198.18.0.1"
PROMETHEUS_PORT, ALERTMANAGER_PORT, WEBHOOK_PORT = 10190, 10193, 10195
# Evaluation runs every second; 2s still needs the condition on two evaluations in a row.
FOR_DURATION = "2s"
CLONE_NEWNET = 0x40000000


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


def fast_rules(text):
    """The rule file with every `for:` set to FOR_DURATION, every `keep_firing_for:` to 0s and
    the SHORTENED thresholds (only in their alerts' rules)."""
    text, fors = re.subn(r"(?m)^(\s+)for: \S+$", r"\g<1>for: " + FOR_DURATION, text)
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


def prometheus_config(rule_files, scrape_target):
    rules = "".join("  - %s\n" % path for path in rule_files)
    return (
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
        "rule_files:\n%s"
        "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['%s:%d']\n"
        "scrape_configs:\n  - job_name: replwatch\n    static_configs:\n"
        "      - targets: ['%s']\n" % (rules, BRIDGE, ALERTMANAGER_PORT, scrape_target)
    )


def _enter_netns(path):
    # setns() moves only the calling thread; this worker thread is used for nothing else.
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns %s failed" % path)
    finally:
        os.close(fd)


class Netns:
    """Runs calls (HTTP requests, socket creation) in one thread inside the lab namespace."""

    def __init__(self, name):
        self.name = name
        self._worker = concurrent.futures.ThreadPoolExecutor(
            1, initializer=_enter_netns, initargs=("/run/netns/%s" % name,)
        )

    def call(self, fn, *args):
        return self._worker.submit(fn, *args).result()

    def get_json(self, url, timeout=5):
        def fetch():
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return json.loads(response.read())

        return self.call(fetch)

    def close(self):
        self._worker.shutdown(wait=True)


class WebhookSink:
    """Alertmanager's webhook receiver: keeps every notification with its arrival time."""

    def __init__(self, netns, port=WEBHOOK_PORT):
        self._lock = threading.Lock()
        self._received = []
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with sink._lock:
                    sink._received.append(
                        {"at": time.time(), "path": self.path, "body": json.loads(body)}
                    )
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        # The listening socket belongs to the namespace it is created in.
        self._server = netns.call(http.server.ThreadingHTTPServer, (BRIDGE, port), Handler)
        self.url = "http://%s:%d" % (BRIDGE, port)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def notifications(self):
        with self._lock:
            return list(self._received)

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


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


def start_prometheus(netns_name, workdir, scrape_target):
    rule_files = []
    for name in ("replwatch-alerts.yml", "replwatch-recording.yml"):
        with open(os.path.join(ALERTS, name)) as f:
            text, _ = fast_rules(f.read())
        rule_files.append(os.path.join(workdir, name))
        with open(rule_files[-1], "w") as f:
            f.write(text)
    config = os.path.join(workdir, "prometheus.yml")
    with open(config, "w") as f:
        f.write(prometheus_config(rule_files, scrape_target))
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


class Apis:
    """The HTTP APIs of Prometheus and Alertmanager, reached from inside the namespace."""

    def __init__(self, netns):
        self.netns = netns
        self.prometheus = "http://%s:%d" % (BRIDGE, PROMETHEUS_PORT)
        self.alertmanager = "http://%s:%d" % (BRIDGE, ALERTMANAGER_PORT)

    def prom(self, path, **params):
        query = ("?" + urllib.parse.urlencode(params)) if params else ""
        reply = self.netns.get_json(self.prometheus + path + query)
        if reply.get("status") != "success":
            raise AssertionError("Prometheus %s: %s" % (path, reply))
        return reply["data"]

    def query(self, expr):
        return self.prom("/api/v1/query", query=expr)["result"]

    def prom_alerts(self):
        """Alerts Prometheus holds (pending or firing)."""
        return self.prom("/api/v1/alerts")["alerts"]

    def rule_groups(self):
        return self.prom("/api/v1/rules")["groups"]

    def am_alerts(self, alertname=None):
        query = ""
        if alertname:
            query = "?" + urllib.parse.urlencode({"filter": 'alertname="%s"' % alertname})
        return self.netns.get_json(self.alertmanager + "/api/v2/alerts" + query)

    def ready(self):
        def probe(url):
            with urllib.request.urlopen(url, timeout=2):
                pass

        try:
            for base in (self.alertmanager, self.prometheus):
                self.netns.call(probe, base + "/-/ready")
            return True
        except OSError:
            return False
