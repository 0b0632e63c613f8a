"""First sightings across restarts: a receive resume token's first-seen time (the clock of
ReplwatchResumeTokenStale) survives a clean restart and a kill -9 of a replwatch with a state
directory, and restarts with one without (the baseline that shows the test can fail)."""
import os
import shutil

from labhelper import LabCase
from replwatch_run import Replwatch, lab_config

FIRST_SEEN = "replwatch_dataset_resume_token_first_seen_timestamp_seconds"
TOKEN = "replwatch_dataset_resume_token_present"


class RestartInLab(LabCase):
    NAME = "rwt-restart"
    NODES, GUESTS, SNAPSHOTS = 2, 1, 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = lab_config(cls.statedir, cls.NODES)
        cls.state = os.path.join(cls.statedir, "replwatch-state")
        shutil.rmtree(cls.state, ignore_errors=True)
        os.makedirs(cls.state, mode=0o700)
        cls.runs = 0

    def start(self, state=True):
        self.runs += 1
        args = ["--state.directory=" + self.state] if state else []
        daemon = Replwatch(
            self.NAME, self.config, args=args, log="%s.%d.log" % (self.config, self.runs)
        )
        self.addCleanup(daemon.stop)
        return daemon

    def first_seen(self, daemon, dataset):
        """The token's first sighting once this daemon has read the target, or a failure."""
        if not daemon.wait_for(lambda: daemon.value(FIRST_SEEN, dataset=dataset), 60):
            self.fail("no resume token first sighting for %s\n%s" % (dataset, daemon.log_tail()))
        return daemon.value(FIRST_SEEN, dataset=dataset)

    def test_a_token_keeps_its_first_sighting_across_restarts_and_kill_9(self):
        daemon = self.start()
        self.assertTrue(
            daemon.wait_for(lambda: daemon.samples().all("replwatch_job_enabled"), 60),
            daemon.log_tail(),
        )
        job = sorted(
            labels["job_id"] for labels, _ in daemon.samples().all("replwatch_job_enabled")
        )[0]
        self.lab("fault", "interrupt-transfer", job)
        self.addCleanup(self.lab, "clear", "interrupt-transfer", job, check=False)
        self.assertTrue(
            daemon.wait_for(
                lambda: [labels for labels, v in daemon.samples().all(TOKEN) if v == 1], 60
            ),
            daemon.log_tail(),
        )
        dataset = [labels for labels, v in daemon.samples().all(TOKEN) if v == 1][0]["dataset"]
        since = self.first_seen(daemon, dataset)

        daemon.stop()
        daemon = self.start()
        self.assertEqual(self.first_seen(daemon, dataset), since, "after a clean restart")
        with open(os.path.join(self.state, "first-sightings")) as f:
            self.assertIn("\t%s\t" % dataset, f.read())

        daemon.kill()
        daemon = self.start()
        self.assertEqual(self.first_seen(daemon, dataset), since, "after kill -9")
        daemon.stop()

        # Without a state directory the clock starts again: what the state file prevents.
        daemon = self.start(state=False)
        self.assertGreater(self.first_seen(daemon, dataset), since)
