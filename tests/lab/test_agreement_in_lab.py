"""/metrics and `replwatch diagnose` agree, fault after fault.

The two render the same rules (docs/LAYOUT.md's table) through different outputs: the
series the alert rules read, and diagnose's findings, each naming the alert that pages for
it. For each lab fault, one scrape of the daemon is held still for an hour and the shipped
rule file is evaluated over it by promtool; the alerts that page (that fire and are not muted by
alertmanager.example.yml's inhibit rules), per alert and node, must be exactly those
that `replwatch diagnose`, run right after against the same lab, names in its WARNING and
CRITICAL findings. Compared: the alerts whose condition both sides judge from the current
facts alone (COMPARED); rates, trends and ages since a first sighting are left out.
Faults stay on one after the other: both sides must agree on the sum, too.
"""
import math
import os
import re

import promtool_over_lab
from labhelper import REPO
from promtool_over_lab import series_selector
from replwatch_run import ReplwatchLabCase, run_diagnose

RULES = os.path.join(REPO, "alerts", "replwatch-alerts.yml")
COMPARED = (
    "ReplwatchJobFailing",
    "ReplwatchJobRPOBreached",
    "ReplwatchNextSyncWontFit",
    "ReplwatchSnapshotChainBroken",
    "ReplwatchChainAtRisk",
    "ReplwatchReplicaMismatch",
    "ReplwatchTargetPoolFilling",
    "ReplwatchTargetPoolFull",
    "ReplwatchPoolDegraded",
    "ReplwatchMtuMismatch",
    "ReplwatchReplicaKeyNotLoaded",
    "ReplwatchReplicaEncryptionDrift",
)
HELD_MINUTES = 65  # past every compared alert's for: (1 h at most)
# (fault arguments, lab tick minutes after it): 100-0 pve1 -> pve2, 101-0 pve2 -> pve3,
# 102-0 pve3 -> pve1.
FAULTS = [
    (("fill-pool", "pve2", "85"), 0),
    (("degrade-pool", "pve3"), 0),
    (("mtu", "pve1", "9000"), 0),
    (("key-unloaded", "101-0"), 0),
    (("write-replica", "102-0"), 0),
    # 16 minutes: 100-0 fails, its replica 16 to 31 minutes old, under 35.
    (("target-wrong-type", "100-0"), 16),
    # 40 minutes: the jobs it fails are then past ReplwatchJobRPOBreached's 35 minutes by
    # at least 5 (a job's last sync is up to 15 minutes older than the tick), so the
    # seconds between the scrape and diagnose's own reading cannot straddle it.
    (("fill-pool", "pve1", "99.5"), 40),
]


ON_NODE = re.compile(r" on (\S+)$")


def diagnosed_alerts(report):
    """(alert, node) of diagnose's WARNING and CRITICAL findings: the node a finding names
    at its end ("pool rpool on pve2", "key of ... on pve1"), else the job's source, as the
    alerts' `node` label has it."""
    found = set()

    def add(item, source):
        if item.get("status") in ("WARNING", "CRITICAL") and item.get("alert") in COMPARED:
            node = ON_NODE.search(item.get("name", ""))
            found.add((item["alert"], node.group(1) if node else source))

    for job in report["jobs"]:
        add(job, job["source"])
        for check in job["prerequisites"] + job["throughput"]:
            add(check, job["source"])
        for volume in job["volumes"]:
            add(volume, job["source"])
    return found


ALERTMANAGER = os.path.join(REPO, "alerts", "alertmanager.example.yml")
INHIBIT = re.compile(
    r'- source_matchers: \[alertname="(\w+)"\]\s+target_matchers: \[alertname="(\w+)"\]'
    r"\s+equal: \[([^\]]*)\]"
)


def pages():
    """PromQL for the pages: the compared alerts that fire, less those the shipped
    Alertmanager config mutes (its inhibit rules of one source and one target alert, with
    their `equal` labels; the node-down rule does not apply, every node is up)."""
    with open(ALERTMANAGER, encoding="utf-8") as f:
        rules = INHIBIT.findall(f.read())
    firing = 'ALERTS{alertstate="firing",alertname="%s"}'
    parts = []
    for alert in COMPARED:
        part = firing % alert
        for source, target, equal in rules:
            if target == alert:
                part = "(%s unless on (%s) %s)" % (part, equal, firing % source)
        parts.append(part)
    return "group by (alertname, node) (%s)" % " or ".join(parts)


def promtool_check(samples, expected):
    """None if the shipped rules page exactly `expected` ((alert, node) pairs) over
    `samples` held still, else promtool's report."""
    series = [
        (series_selector(name, labels), "%rx%d" % (value, HELD_MINUTES))
        for name, labels, value in samples.samples
        if name.startswith("replwatch_") and math.isfinite(value)
    ]
    pairs = [series_selector("", {"alertname": a, "node": n}) for a, n in sorted(expected)]
    return promtool_over_lab.run(
        [RULES], series, [promtool_over_lab.expr_test(pages(), HELD_MINUTES, pairs)]
    )


class AgreementInLab(ReplwatchLabCase):
    NAME = "rwagree"
    NODES, GUESTS = 3, 1

    def agree(self, what):
        """Compares the next complete scrape with a diagnose run right after it."""
        nodes = ["pve%d" % i for i in range(1, self.NODES + 1)]
        samples = self.wait_until(
            "every node collected after " + what,
            lambda s: all(s.node_healthy(node) for node in nodes),
        )
        _, report = run_diagnose(self.NAME, self.daemon_config())
        expected = diagnosed_alerts(report)
        problem = promtool_check(samples, expected)
        self.assertIsNone(
            problem,
            "%s: the alert rules over /metrics and diagnose (%s) disagree\n%s"
            % (what, ", ".join("%s on %s" % p for p in sorted(expected)) or "nothing", problem),
        )
        return expected

    def test_metrics_and_diagnose_agree_fault_after_fault(self):
        self.assertEqual(self.agree("the healthy lab"), set())
        named = set()
        for fault, ticks in FAULTS:
            self.lab("fault", *fault)
            if ticks:
                self.lab("tick", "--minutes", str(ticks))
            named |= {alert for alert, _ in self.agree("fault " + " ".join(fault))}
        # Each fault was seen by both sides as the alert made for it.
        self.assertTrue(
            {
                "ReplwatchTargetPoolFilling",
                "ReplwatchPoolDegraded",
                "ReplwatchMtuMismatch",
                "ReplwatchReplicaKeyNotLoaded",
                "ReplwatchChainAtRisk",
                "ReplwatchReplicaMismatch",
                "ReplwatchTargetPoolFull",
                "ReplwatchJobFailing",
            }
            <= named,
            named,
        )
