#!/usr/bin/env python3
"""Checks the inhibit rules of alertmanager.example.yml against a real Alertmanager.

Starts Alertmanager on 127.0.0.1 (clustering off, storage in a temporary folder), posts a
set of replwatch alerts through its v2 API and compares which ones it reports as inhibited
with what the rules promise (node down mutes that node's alerts, critical mutes the matching
warning, and alerts of other nodes stay untouched).

usage: check_alertmanager_inhibition.py <alertmanager binary> <alertmanager.yml>
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

# (labels, expected to be inhibited)
CASES = [
    (
        {
            "alertname": "ReplwatchNodeDown",
            "severity": "critical",
            "pve_cluster": "lab",
            "node": "pve1",
        },
        False,
    ),
    (
        {
            "alertname": "ReplwatchJobFailing",
            "severity": "critical",
            "pve_cluster": "lab",
            "node": "pve1",
            "job_id": "100-0",
            "source": "pve1",
            "target": "pve2",
        },
        True,
    ),
    (
        {
            "alertname": "ReplwatchPoolErrorsRising",
            "severity": "warning",
            "pve_cluster": "lab",
            "node": "pve1",
            "pool": "rpool",
            "vdev": "sda",
        },
        True,
    ),
    (
        {
            "alertname": "ReplwatchNodeSshBroken",
            "severity": "critical",
            "pve_cluster": "lab",
            "node": "pve1",
            "reason": "host_key_changed",
        },
        False,
    ),
    # Same node name in another cluster, and another node of the same cluster: not muted.
    (
        {
            "alertname": "ReplwatchJobFailing",
            "severity": "critical",
            "pve_cluster": "other",
            "node": "pve1",
            "job_id": "100-0",
            "source": "pve1",
            "target": "pve2",
        },
        False,
    ),
    (
        {
            "alertname": "ReplwatchJobRPOBreached",
            "severity": "critical",
            "pve_cluster": "lab",
            "node": "pve2",
            "job_id": "200-0",
            "source": "pve2",
            "target": "pve1",
        },
        False,
    ),
    # The late job's replica is old: one alert. Another job's replica still alerts.
    (
        {
            "alertname": "ReplwatchGuestFailoverDataLoss",
            "severity": "warning",
            "pve_cluster": "lab",
            "node": "pve2",
            "job_id": "200-0",
            "guest": "200",
            "source": "pve2",
            "target": "pve1",
        },
        True,
    ),
    (
        {
            "alertname": "ReplwatchGuestFailoverDataLoss",
            "severity": "warning",
            "pve_cluster": "lab",
            "node": "pve2",
            "job_id": "201-0",
            "guest": "201",
            "source": "pve2",
            "target": "pve1",
        },
        False,
    ),
    # Critical over warning for the same object.
    (
        {
            "alertname": "ReplwatchTargetPoolFull",
            "severity": "critical",
            "pve_cluster": "lab",
            "node": "pve3",
            "pool": "tank",
            "reason": "pool_capacity",
        },
        False,
    ),
    (
        {
            "alertname": "ReplwatchTargetPoolFilling",
            "severity": "warning",
            "pve_cluster": "lab",
            "node": "pve3",
            "pool": "tank",
            "reason": "pool_capacity",
        },
        True,
    ),
    (
        {
            "alertname": "ReplwatchTargetPoolFilling",
            "severity": "warning",
            "pve_cluster": "lab",
            "node": "pve3",
            "pool": "tank",
            "reason": "special_vdev_capacity",
        },
        False,
    ),
    (
        {
            "alertname": "ReplwatchSnapshotChainBroken",
            "severity": "critical",
            "pve_cluster": "lab",
            "node": "pve2",
            "job_id": "201-0",
            "volume": "rpool/data/vm-201-disk-0",
            "source": "pve2",
            "target": "pve3",
        },
        False,
    ),
    (
        {
            "alertname": "ReplwatchChainAtRisk",
            "severity": "warning",
            "pve_cluster": "lab",
            "node": "pve2",
            "job_id": "201-0",
            "volume": "rpool/data/vm-201-disk-0",
            "source": "pve2",
            "target": "pve3",
            "reason": "target_diverged",
        },
        True,
    ),
    (
        {
            "alertname": "ReplwatchChainAtRisk",
            "severity": "warning",
            "pve_cluster": "lab",
            "node": "pve2",
            "job_id": "201-0",
            "volume": "rpool/data/vm-201-disk-1",
            "source": "pve2",
            "target": "pve3",
            "reason": "target_diverged",
        },
        False,
    ),
    # Broken SSH on a path mutes the failing jobs of that path only.
    (
        {
            "alertname": "ReplwatchNodeSshBroken",
            "severity": "critical",
            "pve_cluster": "lab",
            "node": "pve2",
            "source": "pve2",
            "target": "pve3",
            "reason": "batchmode_ssh_failed",
        },
        False,
    ),
    (
        {
            "alertname": "ReplwatchJobFailing",
            "severity": "critical",
            "pve_cluster": "lab",
            "node": "pve2",
            "job_id": "202-0",
            "source": "pve2",
            "target": "pve3",
        },
        True,
    ),
    (
        {
            "alertname": "ReplwatchJobFailing",
            "severity": "critical",
            "pve_cluster": "lab",
            "node": "pve2",
            "job_id": "203-0",
            "source": "pve2",
            "target": "pve1",
        },
        False,
    ),
]

STARTUP_DEADLINE_S = 30


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return json.loads(resp.read() or b"null")


def wait_until(predicate, what):
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"FAIL: gave up waiting for {what}")


def key(labels):
    return tuple(sorted(labels.items()))


def verdicts(base):
    """Maps each posted alert to its inhibited state, once all are present."""
    alerts = request(f"{base}/api/v2/alerts?silenced=true&inhibited=true&active=true")
    return {key(a["labels"]): bool(a["status"]["inhibitedBy"]) for a in alerts}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, config = sys.argv[1:]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as storage:
        # Notifications must not reach whatever happens to listen on the example's webhook
        # port: point them at a port nobody listens on.
        with open(config, encoding="utf-8") as f:
            text = f.read().replace("http://127.0.0.1:5001/", f"http://127.0.0.1:{free_port()}/")
        isolated_config = os.path.join(storage, "alertmanager.yml")
        with open(isolated_config, "w", encoding="utf-8") as f:
            f.write(text)
        proc = subprocess.Popen(
            [
                binary,
                f"--config.file={isolated_config}",
                f"--storage.path={storage}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
                "--log.level=error",
            ]
        )
        try:
            wait_until(
                lambda: urllib.request.urlopen(f"{base}/-/ready", timeout=2).status == 200,
                "Alertmanager to be ready",
            )
            request(f"{base}/api/v2/alerts", [{"labels": labels} for labels, _ in CASES])
            expected = {key(labels): inhibited for labels, inhibited in CASES}
            # The inhibitor learns about source alerts asynchronously, so the state is polled
            # until it matches; a wrong rule shows up as a timeout with the differences below.
            wait_until(lambda: verdicts(base) == expected, "the expected inhibition state")
            print(f"{len(CASES)} alerts checked: inhibition as expected")
        except SystemExit:
            got = verdicts(base)
            for labels, inhibited in CASES:
                state = got.get(key(labels))
                if state != inhibited:
                    print(
                        f"FAIL: {labels} inhibited={state}, expected {inhibited}", file=sys.stderr
                    )
            raise
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
