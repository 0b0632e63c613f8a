"""Drives the lab through the fault batches and records what reached the receiver.

Every wait polls with a deadline. An observation is a notification received after the
fault was injected (firing) or cleared (resolved); earlier notifications never count.
"""
import dataclasses
import datetime
import json
import os
import re
import subprocess
import time

from alert_stack import REPO

LAB = os.path.join(REPO, "lab", "lab")
FIRE_TIMEOUT = 90
RESOLVE_TIMEOUT = 150


# When the oldest facts Prometheus holds were collected: the start of the collector runs that
# produced them, over the collectors that succeed on nodes replwatch reaches (a failing
# collector's facts are not served, a down node's are not collected).
OLDEST_COLLECTION = (
    "min(replwatch_collector_last_success_timestamp_seconds"
    " - replwatch_collector_duration_seconds"
    " and on(instance, pve_cluster, node, collector) replwatch_collector_success == 1"
    " and on(instance, pve_cluster, node) replwatch_node_up == 1)"
)


@dataclasses.dataclass
class Observation:
    labels: dict
    injected_at: float
    cleared_at: float = None
    fired: dict = None
    resolved: dict = None
    diagnosis: str = ""


def lab(name, *args, check=True):
    proc = subprocess.run(
        [LAB, "--name", name] + list(args), capture_output=True, text=True, timeout=300
    )
    if check and proc.returncode != 0:
        raise AssertionError("lab %s failed: %s%s" % (" ".join(args), proc.stdout, proc.stderr))
    return proc.stdout


def _epoch(rfc3339):
    m = re.match(r"(.{19})(\.\d+)?(Z|[+-]\d\d:\d\d)$", rfc3339)
    zone = "+00:00" if m[3] == "Z" else m[3]
    return datetime.datetime.fromisoformat(m[1] + zone).timestamp() + float(m[2] or 0)


def matches(labels, wanted):
    return all(labels.get(k) == v for k, v in wanted.items())


def find_notification(notifications, wanted, status, since):
    for notification in notifications:
        if notification["at"] < since:
            continue
        for alert in notification["body"]["alerts"]:
            if alert["status"] == status and matches(alert["labels"], wanted):
                return {
                    "at": notification["at"],
                    "path": notification["path"],
                    "labels": alert["labels"],
                    "annotations": alert.get("annotations", {}),
                }
    return None


class Driver:
    def __init__(self, lab_name, apis, sink, reconfigure, for_duration, instances):
        self.lab_name = lab_name
        # The replwatch instances (`instance` labels) settle waits for: a test that stops
        # one takes it out.
        self.live_instances = set(instances)
        self.apis = apis
        self.sink = sink
        self.reconfigure = reconfigure  # reconfigure(command_timeout): reload replwatch
        self.for_seconds = int(for_duration.rstrip("s"))
        # How long after a change Prometheus has held rules on data collected after it for
        # the rules' `for:`, at best: replwatch collects every second (+ jitter), Prometheus
        # scrapes and evaluates every second.
        self.fresh_data_seconds = 3 + self.for_seconds + 2

    # --- lab ------------------------------------------------------------------------------
    def lab(self, *args):
        return lab(self.lab_name, *args)

    def tick(self, minutes):
        self.lab("tick", "--minutes", str(minutes))
        return time.time()

    def job_state(self, node, jobid):
        out = self.lab(
            "exec",
            node,
            "--",
            "pvesh",
            "get",
            "/nodes/%s/replication" % node,
            "--output-format",
            "json",
        )
        return {j["id"]: j for j in json.loads(out)}[jobid]

    def first_disk(self, node):
        """The first leaf under mirror-0 in `zpool status` (where cksum-errors counts)."""
        lines = self.lab("exec", node, "--", "zpool", "status", "-p", "rpool").splitlines()
        leaf = [line.split()[0] for line in lines if line.startswith("\t    ")]
        return leaf[0]

    def align(self, node, jobid):
        """Ticks a minute at a time until the job has synced in the last pass (within 35
        passes: the lab's longest schedule here is */30)."""
        for _ in range(35):
            self.tick(1)
            if time.time() - int(self.job_state(node, jobid)["last_sync"]) < 60:
                return
        raise AssertionError("%s did not sync in 35 simulated minutes" % jobid)

    # --- waiting --------------------------------------------------------------------------
    @staticmethod
    def wait(predicate, timeout, interval=0.5):
        deadline = time.time() + timeout
        while True:
            if predicate():
                return True
            if time.time() > deadline:
                return False
            time.sleep(interval)

    def settle(self, since, slack=90):
        """Waits until Prometheus evaluated its rules on replwatch data collected after `since`
        for longer than the rules' `for:` (a successful scrape, every group evaluated); fails
        `slack` seconds after that could first be true. A busy machine collects slower than
        an idle one: the wait starts once Prometheus holds facts collected after `since` from
        every node, or an alert about the cluster before `since` (one node's snapshots read
        before a replication run, another's after it) could still be pending."""
        timeout = self.fresh_data_seconds + slack
        collected = []  # when Prometheus first held facts all collected after `since`

        def evaluated():
            up = {s["metric"]["instance"]: s["value"][1] for s in self.apis.query("up")}
            if any(up.get(instance) != "1" for instance in self.live_instances):
                return False
            if not collected:
                oldest = self.apis.query(OLDEST_COLLECTION)
                if not oldest or float(oldest[0]["value"][1]) <= since:
                    return False
                collected.append(time.time())
            groups = self.apis.rule_groups()
            oldest = min(_epoch(g["lastEvaluation"]) for g in groups) if groups else 0
            return oldest > max(
                since + self.fresh_data_seconds, collected[0] + self.for_seconds + 2
            )

        if not self.wait(evaluated, timeout):
            if not collected:
                raise AssertionError(
                    "Prometheus held no replwatch facts all collected after %s in %ds: %s"
                    % (
                        time.strftime("%H:%M:%S", time.localtime(since)),
                        timeout,
                        self.apis.query(OLDEST_COLLECTION),
                    )
                )
            raise AssertionError("Prometheus evaluated no fresh replwatch data in %ds" % timeout)

    def active_alerts(self):
        """Alerts Prometheus holds (pending or firing)."""
        return [a["labels"] for a in self.apis.prom_alerts()]

    def wait_quiet(self, since, tick_minutes=0, timeout=RESOLVE_TIMEOUT, done=lambda: True):
        """Waits until `done()` and no alert is active; ticks every 20s while not (if asked)."""
        deadline = time.time() + timeout
        last_tick = time.time()
        while True:
            self.settle(since)
            if done() and not self.active_alerts():
                return []
            if time.time() > deadline:
                return self.active_alerts()
            if tick_minutes and time.time() - last_tick > 20:
                since = last_tick = self.tick(tick_minutes)
            time.sleep(1)

    # --- observations ---------------------------------------------------------------------
    def update_fired(self, expect, obs):
        if obs.fired:
            return
        if expect.severity == "info":
            obs.fired = self._am_active(expect.alert, obs.labels)
        else:
            obs.fired = find_notification(
                self.sink.notifications(), obs.labels, "firing", obs.injected_at
            )

    def update_resolved(self, expect, obs):
        if obs.resolved or obs.cleared_at is None:
            return
        if expect.severity == "info":
            if not self._am_active(expect.alert, obs.labels):
                obs.resolved = {"at": time.time()}
        else:
            obs.resolved = find_notification(
                self.sink.notifications(), obs.labels, "resolved", obs.cleared_at
            )

    def _am_active(self, alertname, wanted):
        for alert in self.apis.am_alerts(alertname):
            if matches(alert["labels"], wanted):
                return {
                    "at": time.time(),
                    "labels": alert["labels"],
                    "state": alert["status"]["state"],
                    "receivers": [r["name"] for r in alert["receivers"]],
                }
        return None

    def diagnose(self, expect, obs):
        """What Prometheus and Alertmanager hold for the alert, and what its rules select."""
        lines = ["expected labels %s" % obs.labels]
        held = [
            (a["state"], a["labels"])
            for a in self.apis.prom_alerts()
            if a["labels"].get("alertname") == expect.alert
        ]
        lines.append("Prometheus holds: %s" % (held or "nothing"))
        for group in self.apis.rule_groups():
            for rule in group["rules"]:
                if rule.get("name") == expect.alert:
                    result = self.apis.query(rule["query"])
                    lines.append(
                        "rule %s selects %d series: %s"
                        % (
                            " ".join(rule["query"].split()),
                            len(result),
                            [(r["metric"], r["value"][1]) for r in result[:6]],
                        )
                    )
        am = [(a["status"], a["labels"]) for a in self.apis.am_alerts(expect.alert)]
        lines.append("Alertmanager holds: %s" % (am or "nothing"))
        return "\n".join(lines)

    # --- batches --------------------------------------------------------------------------
    def run_batch(self, batch, values, observations, while_faulty=lambda batch: None):
        """Injects, waits for every expected alert firing, calls `while_faulty(batch)`, clears,
        waits for every resolution. Returns the alerts still active afterwards."""
        if batch.command_timeout:
            self.reconfigure(batch.command_timeout)
        if batch.align_job:
            self.align(*batch.align_job)
        injected = time.time()
        for fault in batch.faults:
            self.lab("fault", *fault)
        pairs = []
        for expect in batch.expects:
            observations[expect.test] = Observation(expect.full_labels(values), injected)
            pairs.append((expect, observations[expect.test]))
        if batch.fire_ticks:
            self.tick(batch.fire_ticks)

        def all_fired():
            for expect, obs in pairs:
                self.update_fired(expect, obs)
            return all(obs.fired for _, obs in pairs)

        if not self.wait(all_fired, FIRE_TIMEOUT, interval=1):
            for expect, obs in pairs:
                if not obs.fired:
                    obs.diagnosis = self.diagnose(expect, obs)
        while_faulty(batch)

        cleared = time.time()
        for fault in reversed(batch.faults):
            self.lab("clear", fault[0], fault[1])
        for _, obs in pairs:
            obs.cleared_at = cleared

        def all_resolved():
            for expect, obs in pairs:
                self.update_resolved(expect, obs)
            return all(obs.resolved or not obs.fired for _, obs in pairs)

        return self.wait_quiet(cleared, 15 if batch.settle_ticks else 0, done=all_resolved)
