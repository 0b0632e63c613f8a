"""What replication competes with, read from the lab's nodes as from real ones: the vzdump
jobs of /etc/pve/jobs.cfg, running backups in /var/log/pve/tasks/active, Debian's scrub cron
line and OpenZFS's scrub timers. The healthy lab (a nightly backup, Debian's monthly scrub)
stays under ReplwatchScheduleContention's 10%; backups every hour put pve1's replication
inside them; a running backup shows while it runs; a weekly scrub timer adds scrub windows,
as long as the pool's scrubs take: a day-long scrub every week crosses the threshold."""

from replwatch_run import ReplwatchLabCase

NODES = ("pve1", "pve2", "pve3")
THRESHOLD = 0.10  # ReplwatchScheduleContention (alerts/replwatch-alerts.yml)


class ContentionInLab(ReplwatchLabCase):
    NAME = "rwcont"

    def share(self, samples, node, with_):
        """Overlap seconds / replication seconds on the node's rpool, None if not exported."""
        overlap = samples.value(
            "replwatch_schedule_overlap_seconds", node=node, pool="rpool", **{"with": with_}
        )
        total = samples.value("replwatch_schedule_replication_seconds", node=node, pool="rpool")
        if overlap is None or not total:
            return None
        return overlap / total

    def wait_until(self, what, predicate, timeout=60):
        """Waits until `predicate(samples)` holds on a scrape; fails naming `what`."""
        last = {}

        def check():
            last["samples"] = self.daemon.samples()
            return predicate(last["samples"])

        if not self.daemon.wait_for(check, timeout):
            self.fail("%s: not seen within %d s\n%s" % (what, timeout, self.daemon.log_tail()))
        return last["samples"]

    def tick_until(self, what, predicate, ticks=30):
        """One-minute lab ticks until `predicate(samples)` holds. A tick's runs start at the
        real clock's minute, inside anything running now, whatever replwatch last read (a
        longer tick also moves the lab's past, backups and scrubs with it, after replwatch
        may have read them)."""
        for _ in range(ticks):
            self.lab("tick", "--minutes", "1")
            if self.daemon.wait_for(lambda: predicate(self.daemon.samples()), 8):
                return
        self.fail(
            "%s: not seen after %d one-minute ticks\n%s" % (what, ticks, self.daemon.log_tail())
        )

    def healthy_shares(self, samples):
        return all(
            self.share(samples, node, w) is not None and self.share(samples, node, w) < THRESHOLD
            for node in NODES
            for w in ("backup", "scrub")
        )

    def test_healthy_lab_stays_under_the_alert_threshold(self):
        samples = self.wait_until("every node's shares, all under 10%", self.healthy_shares)
        for node in NODES:
            self.assertEqual(samples.value("replwatch_node_backup_jobs", node=node), 1)
            self.assertEqual(samples.value("replwatch_node_backups_running", node=node), 0)
            # The nightly hour holds a share of the day's runs: more than none.
            self.assertGreater(self.share(samples, node, "backup"), 0)

    def test_hourly_backups_put_replication_inside_them(self):
        self.wait_until("healthy shares", self.healthy_shares)
        self.lab("fault", "backup-job", "pve1", "hourly")
        try:
            samples = self.wait_until(
                "pve1's replication inside its hourly backups",
                lambda s: (self.share(s, "pve1", "backup") or 0) > 0.9,
            )
            self.assertEqual(samples.value("replwatch_node_backup_jobs", node="pve1"), 2)
            # pve2 receives pve1's runs, but pve1's backups read pve1's pool only.
            self.assertLess(self.share(samples, "pve2", "backup"), THRESHOLD)
        finally:
            self.lab("clear", "backup-job", "pve1")
        self.wait_until("pve1 back under 10%", self.healthy_shares)

    def overlapped(self, samples, source, with_):
        """Runs of the source's jobs that met a backup or a scrub, summed."""
        return sum(
            v
            for _, v in samples.all(
                "replwatch_job_overlapped_runs_total", source=source, **{"with": with_}
            )
        )

    def test_running_backup_is_seen_until_it_ends(self):
        before = self.wait_until("healthy shares", self.healthy_shares)
        self.lab("fault", "backup", "pve2", "30")
        try:
            self.wait_until(
                "pve2's running backup",
                lambda s: s.value("replwatch_node_backups_running", node="pve2") == 1,
            )
            # Replication while it runs: pve2's runs meet it, pve1's do not.
            self.tick_until(
                "pve2's runs counted as overlapping its backup",
                lambda s: self.overlapped(s, "pve2", "backup")
                > self.overlapped(before, "pve2", "backup"),
            )
            self.assertEqual(
                self.overlapped(self.daemon.samples(), "pve1", "backup"),
                self.overlapped(before, "pve1", "backup"),
            )
        finally:
            self.lab("clear", "backup", "pve2")
        samples = self.wait_until(
            "pve2's backup finished",
            lambda s: s.value("replwatch_node_backups_running", node="pve2") == 0
            and s.value("replwatch_node_last_backup_duration_seconds", node="pve2") is not None,
        )
        self.assertGreaterEqual(
            samples.value("replwatch_node_last_backup_duration_seconds", node="pve2"), 0
        )

    def test_weekly_scrub_timer_adds_scrub_windows(self):
        before = self.share(self.wait_until("healthy shares", self.healthy_shares), "pve3", "scrub")
        self.lab("fault", "scrub-timer", "pve3", "weekly")
        try:
            # Monday 00:00 is not the second Sunday's 00:24: a window of its own each week.
            samples = self.wait_until(
                "pve3's weekly scrub windows",
                lambda s: (self.share(s, "pve3", "scrub") or 0) > 1.5 * before,
            )
            with_timer = self.share(samples, "pve3", "scrub")
        finally:
            self.lab("clear", "scrub-timer", "pve3")
        self.wait_until(
            "pve3's scrub share back",
            lambda s: (self.share(s, "pve3", "scrub") or 0) < 0.75 * with_timer,
        )

    def test_day_long_weekly_scrub_crosses_the_alert_threshold(self):
        self.wait_until("healthy shares", self.healthy_shares)
        # A scrub of 24 h, an hour in (lab tick ages the lab): 4% done, projected 24 h.
        self.lab("fault", "scrub", "pve3", "1440")
        self.lab("fault", "scrub-timer", "pve3", "weekly")
        try:
            self.lab("tick", "--minutes", "60")
            samples = self.wait_until(
                "pve3's weekly day-long scrubs over 10%",
                lambda s: (self.share(s, "pve3", "scrub") or 0) > THRESHOLD,
            )
            self.tick_until(
                "pve3's runs counted as meeting its scrub",
                lambda s: self.overlapped(s, "pve3", "scrub")
                > self.overlapped(samples, "pve3", "scrub"),
            )
            # pve3's backups and the other nodes are not scrubbed more often.
            self.assertLess(self.share(samples, "pve3", "backup"), THRESHOLD)
            self.assertLess(self.share(samples, "pve1", "scrub"), THRESHOLD)
        finally:
            self.lab("clear", "scrub-timer", "pve3")
            self.lab("clear", "scrub", "pve3")
            # The pool's last scrub took a day, and so would Debian's monthly one: a short
            # scrub after it sets the pool's scrub length back for the other tests.
            self.lab("fault", "scrub", "pve3", "1")
            self.lab("clear", "scrub", "pve3")
