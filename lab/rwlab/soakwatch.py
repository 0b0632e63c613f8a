"""What the soak watches: scrapes from inside the lab namespace, and the daemon's RSS and fds."""
import ctypes
import os
import re
import threading
import time
import urllib.request

CLONE_NEWNET = 0x40000000
SAMPLE = re.compile(r"^replwatch_collector_last_success_timestamp_seconds\{(.*)\} (\S+)$")
LABEL = re.compile(r'(node|collector)="([^"]*)"')


def enter_netns(name):
    """setns(2) for the calling thread only: the scraper sees the lab, the rest does not."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/%s" % name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns %s" % name)
    finally:
        os.close(fd)


class Scraper(threading.Thread):
    """Scrapes /metrics back to back (with a pause) and keeps what the soak reports."""

    def __init__(self, netns, url, pause=0.5):
        super().__init__(daemon=True)
        self.netns, self.url, self.pause = netns, url, pause
        self.latencies, self.failures, self.failure_reasons = [], 0, {}
        self.last_success = {}  # (node, collector) -> end time of its last successful run
        self.runs_seen = 0  # successful collector runs seen (last-success timestamps moving on)
        self.stop_event = threading.Event()
        self.lock = threading.Lock()

    def run(self):
        enter_netns(self.netns)
        while not self.stop_event.is_set():
            began = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=10) as response:
                    text = response.read().decode()
                took = time.monotonic() - began
                with self.lock:
                    self.latencies.append(took)
                    self._note_runs(text)
            except Exception as e:  # noqa: BLE001 - every failed scrape counts, whatever the cause
                with self.lock:
                    self.failures += 1
                    reason = type(e).__name__ + ": " + str(e)[:80]
                    self.failure_reasons[reason] = self.failure_reasons.get(reason, 0) + 1
            self.stop_event.wait(self.pause)

    def _note_runs(self, text):
        for line in text.split("\n"):
            match = SAMPLE.match(line)
            if not match:
                continue
            labels = dict(LABEL.findall(match.group(1)))
            key = (labels.get("node"), labels.get("collector"))
            end = float(match.group(2))
            if self.last_success.get(key, 0) < end:
                self.runs_seen += key in self.last_success
                self.last_success[key] = end

    def snapshot(self):
        with self.lock:
            return dict(self.last_success), self.runs_seen, len(self.latencies), self.failures

    def reset_failures(self):
        """Forgets failures so far (the daemon was still starting up)."""
        with self.lock:
            self.failures, self.failure_reasons = 0, {}

    def stop(self):
        self.stop_event.set()
        self.join(timeout=15)


def process_figures(pid):
    """(VmRSS kB, open fds, threads) of a live process."""
    rss = threads = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid)), threads


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
