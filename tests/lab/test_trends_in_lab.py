"""Alerts that need hours or days of history, on the lab's own days.

ReplwatchTargetPoolFullSoon compares a pool's growth over the last day with the day before,
and ReplwatchJobCannotKeepUp waits 30 minutes: a real Prometheus would need two days of
samples. `lab tick` ages the lab by hours in a second, so this test reads replwatch's
/metrics after each tick, gives each reading its lab time, and has promtool evaluate the
shipped rule files over those readings, minute by minute (a reading holds until the next,
as a scrape every minute would see it). Nothing is synthetic but the minute grid: the bytes
and durations are what replwatch read from the lab's nodes.

The lab: pve1 -> pve2 (100-0), pve2 -> pve3 (101-0), pve3 -> pve1 (102-0). pve2's pool
grows steadily (`pool-growth`) for 40 hours; then 102-0 gets a schedule too tight for its
delta (`tight-schedule`) for the last 50 minutes.
"""
import os
import time

import promtool_over_lab
from labhelper import REPO
from promtool_over_lab import series_selector
from replwatch_run import COLLECTORS, ReplwatchLabCase, lab_config

RULE_FILES = [
    os.path.join(REPO, "alerts", "replwatch-alerts.yml"),
    os.path.join(REPO, "alerts", "replwatch-recording.yml"),
]
# What the two alerts and the panel's recording rule read.
FAMILIES = (
    "replwatch_pool_size_bytes",
    "replwatch_pool_allocated_bytes",
    "replwatch_job_duration_seconds",
    "replwatch_job_schedule_interval_seconds",
    "replwatch_job_enabled",
)
ALERTS = ("ReplwatchTargetPoolFullSoon", "ReplwatchJobCannotKeepUp")
GROWTH_TICKS, GROWTH_MINUTES = 10, 240  # 40 h: the last day, the day before, for: 1h
TIGHT_TICKS, TIGHT_MINUTES = 5, 10  # 50 min: past CannotKeepUp's for: 30m
TIGHT_JOB = "102-0"
# The collectors FAMILIES come from; the others are off, so that each reading waits for a
# round of three collectors per node, not ten (seconds each on a busy machine).
READ_BY = ("node", "jobs", "pools")


class Readings:
    """replwatch's series of FAMILIES, each reading at its lab time in whole minutes."""

    def __init__(self):
        self.taken = []  # (real time, samples)
        self.aged = []  # seconds each later tick moved the lab's past back, per reading

    def add(self, samples):
        self.taken.append((time.time(), samples))
        self.aged.append(0)

    def ticked(self, minutes):
        self.aged = [a + minutes * 60 for a in self.aged]

    def minutes(self):
        """Each reading's lab time, in minutes after the first one's."""
        lab_times = [t - aged for (t, _), aged in zip(self.taken, self.aged)]
        return [round((t - lab_times[0]) / 60) for t in lab_times]

    def input_series(self):
        """(selector, values): one value per minute, `_` before a series first shows."""
        at = self.minutes()
        names = {}
        for _, samples in self.taken:
            for metric in FAMILIES:
                for labels, _ in samples.all(metric):
                    names[series_selector(metric, labels)] = (metric, labels)
        out = []
        for name, (metric, labels) in sorted(names.items()):
            values = []
            for k, (_, samples) in enumerate(self.taken):
                held = (at[k + 1] - at[k]) if k + 1 < len(at) else 1
                value = samples.value(metric, **labels)
                # `vxN` is N+1 samples of v, `_xN` N missing ones.
                if value is None:
                    values.append("_" if held == 1 else "_x%d" % held)
                else:
                    values.append(repr(float(value)) + ("x%d" % (held - 1) if held > 1 else ""))
            out.append((name, " ".join(values)))
        return out


def alert_sample(alert, labels):
    labels = dict(labels, alertname=alert, alertstate="firing", severity="warning")
    return series_selector("ALERTS", labels)


class TrendsInLab(ReplwatchLabCase):
    NAME = "rwtrend"
    NODES, GUESTS = 3, 1

    @classmethod
    def daemon_config(cls):
        config = lab_config(cls.statedir, cls.NODES)
        with open(config, encoding="utf-8") as f:
            text = f.read()
        off = "".join("  %s: {enabled: false}\n" % c for c in COLLECTORS if c not in READ_BY)
        with open(config, "w", encoding="utf-8") as f:
            f.write(text.replace("clusters:\n", "collectors:\n" + off + "clusters:\n", 1))
        return config

    def reading(self):
        """The first scrape in which READ_BY ran on every node after the lab's last change."""
        nodes = ["pve%d" % i for i in range(1, self.NODES + 1)]
        return self.wait_until(
            "every node collected after the lab's last change",
            lambda s: all(
                s.value("replwatch_node_up", node=node) == 1
                and all(
                    s.value("replwatch_collector_success", node=node, collector=c) == 1
                    for c in READ_BY
                )
                for node in nodes
            ),
        )

    def tick(self, readings, minutes):
        self.lab("tick", "--minutes", str(minutes))
        readings.ticked(minutes)
        readings.add(self.reading())

    def promtool(self, readings, checks):
        """Runs the shipped rules over the readings. checks: (minute, the selectors of
        ALERTS{alertstate="firing"} expected for ALERTS, the pool whose "Days until 90%
        full" must read 1 to 4 days, or None if it must have no value yet)."""
        days = 'replwatch:pool_full_in_seconds{node="pve2"} / 86400'
        tests = []
        for minute, alerts, pool in checks:
            tests.append(
                promtool_over_lab.expr_test(
                    'ALERTS{alertstate="firing",alertname=~"%s"}' % "|".join(ALERTS), minute, alerts
                )
            )
            tests.append(
                promtool_over_lab.expr_test(
                    "(%s > bool 1) * (%s < bool 4)" % (days, days), minute, [pool] if pool else []
                )
            )
        problem = promtool_over_lab.run(RULE_FILES, readings.input_series(), tests)
        self.assertIsNone(problem, problem)

    def test_steady_growth_and_a_tight_schedule_raise_their_alerts(self):
        first = self.reading()
        size = first.value("replwatch_pool_size_bytes", node="pve2", pool="rpool")
        alloc = first.value("replwatch_pool_allocated_bytes", node="pve2", pool="rpool")
        # 90% in four days from now: 40 hours later, 90% is 2.3 days away.
        per_day = (0.9 * size - alloc) / 4 / (1 << 30)
        self.lab("fault", "pool-growth", "pve2", "%.3f" % per_day)
        readings = Readings()
        readings.add(self.reading())
        for _ in range(GROWTH_TICKS):
            self.tick(readings, GROWTH_MINUTES)
        healthy = readings.taken[-1][1]
        self.lab("fault", "tight-schedule", TIGHT_JOB)
        for _ in range(TIGHT_TICKS):
            self.tick(readings, TIGHT_MINUTES)
        tight = readings.taken[-1][1]

        # The series themselves: runs overran their minute and missed the slots after it.
        job = {"job_id": TIGHT_JOB}
        self.assertGreater(tight.value("replwatch_job_duration_seconds", **job), 60)
        self.assertEqual(tight.value("replwatch_job_schedule_interval_seconds", **job), 60)
        self.assertGreater(
            tight.value("replwatch_job_missed_intervals_total", **job),
            healthy.value("replwatch_job_missed_intervals_total", **job) or 0,
        )

        pool = {"pve_cluster": "lab", "node": "pve2", "pool": "rpool"}
        full_soon = alert_sample("ReplwatchTargetPoolFullSoon", pool)
        ((duration_labels, _),) = tight.all("replwatch_job_duration_seconds", **job)
        keep_up = alert_sample(
            "ReplwatchJobCannotKeepUp",
            dict(duration_labels, reason="longer_than_interval", node=duration_labels["source"]),
        )
        at = readings.minutes()
        before_tight = at[GROWTH_TICKS]
        pool_series = series_selector("", pool)
        self.promtool(
            readings,
            [
                # A day in: no rate for the day before yet, nothing predicted.
                (at[24 * 60 // GROWTH_MINUTES], [], None),
                # pve2 only: the other pools' runs come and go, they do not fill them.
                (before_tight, [full_soon], pool_series),
                (at[-1], [full_soon, keep_up], pool_series),
            ],
        )
