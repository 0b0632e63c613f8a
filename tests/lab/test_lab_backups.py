"""Backups and scrub schedules without a lab (no root, no namespaces): a lab's state built in
a temporary directory and changed in-process as `lab fault`/`lab clear`/`lab tick` do.
/etc/pve/jobs.cfg as PVE's SectionConfig writes it, /var/log/pve/tasks/active as
write_active_workers() writes it, Debian's /etc/cron.d/zfsutils-linux, OpenZFS's scrub
timers enabled as `systemctl enable` links them, and a backup slowing replication."""
import os
import re
import shutil
import tempfile
import time
import unittest
import warnings

import labhelper  # noqa: F401 (puts lab/ on sys.path)
from rwlab import backups
from rwlab import build
from rwlab import faults
from rwlab import scheduler
from rwlab import store
from rwlab import world as worldmod

# debian/zfsutils-linux.cron.d (Proxmox zfsonlinux f17f9da, unchanged through 2.3.4-pve1).
DEBIAN_CRON = r"""PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin

# TRIM the first Sunday of every month.
24 0 1-7 * * root if [ $(date +\%w) -eq 0 ] && [ -x /usr/lib/zfs-linux/trim ]; then /usr/lib/zfs-linux/trim; fi

# Scrub the second Sunday of every month.
24 0 8-14 * * root if [ $(date +\%w) -eq 0 ] && [ -x /usr/lib/zfs-linux/scrub ]; then /usr/lib/zfs-linux/scrub; fi
"""  # noqa: E501
GUI_JOB_BODY = [
    "\tschedule 21:00",
    "\tall 1",
    "\tenabled 1",
    "\tfleecing 0",
    "\tmode snapshot",
    "\tnotes-template {{guestname}}",
    "\tnotification-mode notification-system",
    "\trepeat-missed 0",
    "\tstorage local",
]
JOB_ID = r"backup-[0-9a-f]{8}-[0-9a-f]{4}"
# pve-common UPID.pm decode and INotify.pm read_active_workers.
UPID_RE = re.compile(
    r"^UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):"
    r"([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$"
)
ACTIVE_RE = re.compile(r"^(\S+)\s(0|1)(\s([0-9A-Za-z]{8})(\s(\s*\S.*))?)?$")
RUNNING_LINE = re.compile(r"^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:vzdump::root@pam: 0$")
FINISHED_LINE = re.compile(
    r"^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:vzdump::root@pam: 1 [0-9A-F]{8} OK$"
)


def stat_starttime(pid):
    """Field 22 of /proc/<pid>/stat, or None once the process is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else int(fields[19])


class BackupLabCase(unittest.TestCase):
    NODES, GUESTS, PVE = 3, 2, "9"

    def setUp(self):
        # `lab fault backup` leaves its process running (stopped by pid, as the CLI does).
        warnings.simplefilter("ignore", ResourceWarning)
        self.tmp = tempfile.mkdtemp(prefix="rwlab-backups-")
        self.lab = self.new_lab("a")

    def new_lab(self, sub, copy_of=None):
        lab = store.Lab(os.path.join(self.tmp, sub))
        if copy_of:
            shutil.copytree(copy_of.dir, lab.dir, symlinks=True)
            state = lab.load_state()
            state["dir"] = lab.dir
            lab.save_state(state)
        else:
            build.build(lab, "rwt-bk", self.NODES, self.GUESTS, 3, build.Setup(pve=self.PVE))
        return lab

    def tearDown(self):
        for sub in os.listdir(self.tmp):
            try:
                state = store.Lab(os.path.join(self.tmp, sub)).load_state()
            except FileNotFoundError:
                continue
            worldmod.kill_pids(list(state["procs"].values()))
        shutil.rmtree(self.tmp)

    def command(self, lab, verb, *argv):
        """`lab fault|clear|tick ...` in-process: change, then commit as the CLI does."""
        world = worldmod.World(lab)
        if verb == "fault":
            faults.inject(world, argv[0], list(argv[1:]))
        elif verb == "clear":
            faults.clear(world, argv[0], list(argv[1:]))
        else:
            scheduler.tick(world, int(argv[0]))
        world.commit()
        return world

    def read(self, lab, *parts):
        with open(os.path.join(lab.dir, *parts), encoding="utf-8") as f:
            return f.read()

    def active(self, lab, node="pve1"):
        return self.read(lab, "nodes", node, "log-pve", "tasks", "active")


class JobsCfgTest(BackupLabCase):
    def sections(self, text):
        self.assertTrue(text.endswith("\n\n"), repr(text[-20:]))
        return [s.split("\n") for s in text[:-2].split("\n\n")]

    def test_lab_up_writes_one_gui_job_as_sectionconfig_writes_it(self):
        text = self.read(self.lab, "pve", "jobs.cfg")
        (section,) = self.sections(text)
        self.assertRegex(section[0], "^vzdump: %s$" % JOB_ID)
        self.assertEqual(section[1:], GUI_JOB_BODY)
        self.assertEqual(os.stat(os.path.join(self.lab.pve, "jobs.cfg")).st_mode & 0o777, 0o640)

    def test_the_job_id_is_the_labs_own(self):
        other = self.new_lab("b")
        self.assertEqual(
            self.read(self.lab, "pve", "jobs.cfg"), self.read(other, "pve", "jobs.cfg")
        )

    def test_backup_job_adds_a_node_job_after_the_others_and_clear_removes_it(self):
        before = self.read(self.lab, "pve", "jobs.cfg")
        self.command(self.lab, "fault", "backup-job", "pve2", "hourly")
        text = self.read(self.lab, "pve", "jobs.cfg")
        self.assertTrue(text.startswith(before))
        first, added = self.sections(text)
        self.assertRegex(added[0], "^vzdump: %s$" % JOB_ID)
        self.assertNotEqual(added[0], first[0])
        self.assertEqual(
            added[1:],
            [
                "\tschedule hourly",
                "\tall 1",
                "\tenabled 1",
                "\tfleecing 0",
                "\tmode snapshot",
                "\tnode pve2",
                "\tnotes-template {{guestname}}",
                "\tnotification-mode notification-system",
                "\trepeat-missed 0",
                "\tstorage local",
            ],
        )
        self.command(self.lab, "clear", "backup-job", "pve2")
        self.assertEqual(self.read(self.lab, "pve", "jobs.cfg"), before)

    def test_a_weekday_schedule_is_kept_verbatim_and_garbage_refused(self):
        self.command(self.lab, "fault", "backup-job", "pve1", "sat 02:30")
        self.assertIn("\tschedule sat 02:30\n", self.read(self.lab, "pve", "jobs.cfg"))
        with self.assertRaises(ValueError):
            self.command(self.lab, "fault", "backup-job", "pve1", "21:00\n\tnode x")

    def test_comment_goes_first_and_is_encoded(self):
        text = backups.render_jobs_cfg({"backup-1": backups.new_job("21:00", comment="a: 5%")})
        self.assertEqual(text.split("\n")[1:3], ["\tcomment a%3A 5%25", "\tschedule 21:00"])


class TasksActiveTest(BackupLabCase):
    def test_an_idle_node_has_an_empty_active_file(self):
        for node in ("pve1", "pve2", "pve3"):
            self.assertEqual(self.active(self.lab, node), "")

    def test_a_running_backup_is_a_live_upid_with_saved_0(self):
        before = int(time.time())
        world = self.command(self.lab, "fault", "backup", "pve1", "30")
        lines = self.active(self.lab).splitlines()
        self.assertEqual(len(lines), 1)
        self.assertRegex(lines[0], RUNNING_LINE)
        upid, saved = ACTIVE_RE.match(lines[0]).group(1, 2)
        self.assertEqual(saved, "0")
        m = UPID_RE.match(upid)
        self.assertIsNotNone(m, upid)
        pid, pstart, start = int(m.group(3), 16), int(m.group(4), 16), int(m.group(5), 16)
        self.assertEqual(stat_starttime(pid), pstart)
        self.assertTrue(before <= start <= int(time.time()))
        self.assertEqual(m.group(6, 7, 8), ("vzdump", "", "root@pam"))
        self.assertEqual(world.state["procs"]["backup:pve1"], pid)
        self.assertEqual(self.active(self.lab, "pve2"), "")

    def test_clear_finishes_it_ok_and_stops_the_process(self):
        self.command(self.lab, "fault", "backup", "pve1", "30")
        running = self.active(self.lab).split()[0]
        pid = int(running.split(":")[2], 16)
        self.command(self.lab, "clear", "backup", "pve1")
        (line,) = self.active(self.lab).splitlines()
        self.assertRegex(line, FINISHED_LINE)
        self.assertTrue(line.startswith(running + " 1 "))
        endtime = int(ACTIVE_RE.match(line).group(4), 16)
        self.assertLessEqual(abs(endtime - time.time()), 2)
        self.assertIsNone(stat_starttime(pid))
        index = self.read(self.lab, "nodes", "pve1", "log-pve", "tasks", "index")
        self.assertEqual(index, "%s %08X OK\n" % (running, endtime))

    def test_it_ends_at_its_planned_end_when_the_lab_next_looks(self):
        self.command(self.lab, "fault", "backup", "pve1", "10")
        self.command(self.lab, "tick", "11")
        (line,) = self.active(self.lab).splitlines()
        self.assertRegex(line, FINISHED_LINE)
        m = UPID_RE.match(line.split()[0])
        start, endtime = int(m.group(5), 16), int(line.split()[2], 16)
        self.assertEqual(endtime - start, 600)  # moved back with the lab by the tick
        self.assertLess(endtime, time.time())
        self.assertIsNone(stat_starttime(int(m.group(3), 16)))

    def test_running_tasks_first_then_the_newest_finished_up_to_25_lines(self):
        tasks = [
            dict(
                pid=100 + i,
                pstart=5000 + i,
                starttime=1700000000 + 60 * i,
                type="vzdump",
                id="",
                user="root@pam",
                end=0,
                endtime=1700000030 + 60 * i,
                status="OK",
            )
            for i in range(30)
        ]
        tasks.append(dict(tasks[0], pid=99, starttime=1600000000, endtime=None, status=None))
        lines = backups.render_active("pve1", tasks).splitlines()
        self.assertEqual(len(lines), 25)
        self.assertEqual(lines[0], "UPID:pve1:00000063:00001388:5F5E1000:vzdump::root@pam: 0")
        self.assertEqual(
            lines[1], "UPID:pve1:00000081:000013A5:6553F7CC:vzdump::root@pam: 1 6553F7EA OK"
        )
        starts = [int(line.split(":")[4], 16) for line in lines[1:]]
        self.assertEqual(starts, sorted(starts, reverse=True))


class ContentionTest(BackupLabCase):
    def run_job(self, lab, jobid, start):
        world = worldmod.World(lab)
        sched = scheduler.Scheduler(world)
        seconds = sched.run_job(jobid, start, scheduler.Space(world, start))
        world.commit()
        node = world.node_of(world.state["jobs"][jobid]["guest"])
        return seconds, self.read(lab, "nodes", node, "log-pve", "replicate", jobid)

    def test_a_run_from_or_to_a_node_with_a_backup_takes_longer(self):
        for jobid, node in (("100-0", "pve1"), ("100-0", "pve2")):
            with self.subTest(job=jobid, backup_on=node):
                quiet = self.new_lab("quiet-%s" % node, copy_of=self.lab)
                busy = self.new_lab("busy-%s" % node, copy_of=self.lab)
                self.command(busy, "fault", "backup", node, "60")
                start = int(time.time())
                fast, fast_log = self.run_job(quiet, jobid, start)
                slow, slow_log = self.run_job(busy, jobid, start)
                self.assertGreater(slow, fast)
                self.assertIn("end replication job\n", slow_log)
                imported = [line for line in slow_log.splitlines() if "successfully" in line]
                self.assertTrue(imported, slow_log)

    def test_as_slow_as_under_a_scrub_and_not_after_the_backup(self):
        scrub = self.new_lab("scrub", copy_of=self.lab)
        busy = self.new_lab("busy", copy_of=self.lab)
        after = self.new_lab("after", copy_of=self.lab)
        quiet = self.new_lab("quiet", copy_of=self.lab)
        self.command(scrub, "fault", "scrub", "pve1", "60")
        self.command(busy, "fault", "backup", "pve1", "60")
        self.command(after, "fault", "backup", "pve1", "60")
        self.command(after, "clear", "backup", "pve1")
        start = int(time.time()) + 1
        under_scrub, _ = self.run_job(scrub, "100-0", start)
        under_backup, _ = self.run_job(busy, "100-0", start)
        ended, _ = self.run_job(after, "100-0", start)
        without, _ = self.run_job(quiet, "100-0", start)
        self.assertAlmostEqual(under_backup, under_scrub, places=3)
        self.assertAlmostEqual(ended, without, places=3)
        self.assertGreater(under_backup, without)


class ScrubScheduleTest(BackupLabCase):
    PVE = "8,9,9"

    def wants(self, node):
        return os.path.join(self.lab.dir, "nodes", node, "timers.target.wants")

    def test_every_node_has_debians_zfsutils_cron_file(self):
        for node in ("pve1", "pve2", "pve3"):
            self.assertEqual(
                self.read(self.lab, "nodes", node, "cron.d", "zfsutils-linux"), DEBIAN_CRON
            )

    def test_timers_target_wants_exists_without_a_scrub_timer(self):
        for node in ("pve1", "pve2", "pve3"):
            names = os.listdir(self.wants(node))
            self.assertTrue(names)
            self.assertFalse([n for n in names if n.startswith("zfs-scrub")], names)

    def test_scrub_timer_links_the_template_as_systemctl_enable_does_and_clear_unlinks(self):
        for node, period, unit_dir in (
            ("pve1", "weekly", "/lib/systemd/system"),  # Debian 12
            ("pve2", "monthly", "/usr/lib/systemd/system"),  # Debian 13
        ):
            with self.subTest(node=node):
                link = os.path.join(self.wants(node), "zfs-scrub-%s@rpool.timer" % period)
                self.command(self.lab, "fault", "scrub-timer", node, period)
                self.assertEqual(os.readlink(link), "%s/zfs-scrub-%s@.timer" % (unit_dir, period))
                template = self.read(self.lab, "systemd-units", "zfs-scrub-%s@.timer" % period)
                self.assertIn("OnCalendar=%s\n" % period, template)
                self.assertIn("Unit=zfs-scrub@%i.service\n", template)
                self.command(self.lab, "clear", "scrub-timer", node)
                self.assertFalse(os.path.lexists(link))
        with self.assertRaises(ValueError):
            self.command(self.lab, "fault", "scrub-timer", "pve1", "daily")


if __name__ == "__main__":
    unittest.main()
