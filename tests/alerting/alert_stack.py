"""The test side of the alerting stack (alerts/fast_stack.py runs Prometheus and Alertmanager
with the shipped rules in a lab's namespace): calls from inside the namespace, a webhook
receiver that keeps every notification, the two servers' HTTP APIs."""
import concurrent.futures
import ctypes
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "alerts"))

from fast_stack import (  # noqa: E402,F401 (re-exported for the tests)
    ALERTMANAGER_PORT,
    BRIDGE,
    FOR_DURATION,
    PROMETHEUS_PORT,
    SHORTENED,
    WEBHOOK_PORT,
    fast_alertmanager_config,
    fast_rules,
    start_alertmanager,
    start_prometheus,
)

CLONE_NEWNET = 0x40000000


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
