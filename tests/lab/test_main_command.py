"""The README's main command (scripts/run.sh) as a newcomer runs it: the lab, replwatch, and
a real Prometheus and Alertmanager with the shipped rules. A fault injected in another shell
pages (ReplwatchPoolDegraded in Alertmanager) and resolves once cleared; Ctrl-C stops
everything and removes the lab."""
import json
import os
import signal
import subprocess
import time
import unittest
import urllib.request

from labhelper import LAB, REPO

RUN = os.path.join(REPO, "scripts", "run.sh")
ALERTMANAGER = "http://127.0.0.1:10193/api/v2/alerts"
PROMETHEUS = "http://127.0.0.1:10190/api/v1/rules"
METRICS = "http://127.0.0.1:10130/metrics"


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


def degraded_alerts():
    text = get(ALERTMANAGER)
    if text is None:
        return None
    return [
        a["labels"]
        for a in json.loads(text)
        if a["labels"].get("alertname") == "ReplwatchPoolDegraded"
        and a["status"]["state"] == "active"
    ]


class MainCommand(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("the lab needs root")
        subprocess.run([LAB, "down"], capture_output=True)
        self.output = open(os.path.join("/tmp", "replwatch-run-sh-test.log"), "w+")
        # Its own process group: Ctrl-C reaches the script and everything it started.
        self.run_sh = subprocess.Popen(
            ["bash", RUN],
            cwd=REPO,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.addCleanup(self.stop)

    def stop(self):
        if self.run_sh.poll() is None:
            os.killpg(self.run_sh.pid, signal.SIGINT)
            try:
                self.run_sh.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.run_sh.pid, signal.SIGKILL)
                self.run_sh.wait()
        subprocess.run([LAB, "down"], capture_output=True)
        self.output.close()

    def wait_for(self, what, predicate, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.run_sh.poll() is not None:
                break
            if predicate():
                return
            time.sleep(0.5)
        self.output.seek(0)
        self.fail(
            "%s: not seen within %d s\n--- scripts/run.sh ---\n%s"
            % (what, timeout, self.output.read()[-4000:])
        )

    def test_a_fault_pages_and_resolves_then_ctrl_c_removes_everything(self):
        self.wait_for(
            "replwatch's metrics, every node up",
            lambda: (get(METRICS) or "").count("replwatch_node_up{") == 3
            and 'replwatch_node_up{pve_cluster="lab",node="pve2"} 1' in get(METRICS),
            timeout=600,  # the first run may compile
        )
        self.wait_for(
            "the shipped rules loaded", lambda: "ReplwatchPoolDegraded" in (get(PROMETHEUS) or "")
        )
        self.wait_for("a quiet healthy lab", lambda: degraded_alerts() == [])
        subprocess.run([LAB, "fault", "degrade-pool", "pve2"], check=True, capture_output=True)
        self.wait_for(
            "ReplwatchPoolDegraded for pve2 in Alertmanager",
            lambda: any(a.get("node") == "pve2" for a in degraded_alerts() or []),
        )
        subprocess.run([LAB, "clear", "degrade-pool", "pve2"], check=True, capture_output=True)
        self.wait_for("the page resolved", lambda: degraded_alerts() == [])
        self.output.seek(0)
        printed = self.output.read()
        self.assertIn("http://127.0.0.1:10193/", printed)
        self.assertIn("http://127.0.0.1:10190/", printed)
        os.killpg(self.run_sh.pid, signal.SIGINT)
        self.run_sh.wait(timeout=60)
        self.assertFalse(os.path.exists("/run/netns/rwlab-lab"), "the lab's namespace is left")
        self.assertIsNone(get(ALERTMANAGER), "Alertmanager still answers")


if __name__ == "__main__":
    unittest.main()
