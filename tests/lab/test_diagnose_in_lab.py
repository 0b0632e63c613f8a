"""`replwatch diagnose` against the lab: per fault the verdict, the exit code and the printed
commands; then the printed commands run by hand on the nodes they name, and the job recovers.

Lab: pve1 guests 100-103 (103 has jobs 103-0 to pve2 and 103-1 to pve3), pve2 104-107,
pve3 108-111; job <vmid>-0 goes to the next node.
"""
import json
import re
import shlex
import time
import unittest

from labhelper import LabCase
from replwatch_run import lab_config, run_diagnose

PENDING_PREFIX = "# DO NOT RUN"


class PlanRefused(Exception):
    pass


class DiagnoseInLab(LabCase):
    NAME = "dg"
    GUESTS = 4

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = lab_config(cls.statedir, cls.NODES)

    def tearDown(self):
        # Every test leaves a healthy cluster: undo leftovers, retry what still fails.
        self.lab("clear", "all")
        for node in ("pve1", "pve2", "pve3"):
            for job in json.loads(
                self.on(
                    node, "pvesh", "get", "/nodes/%s/replication" % node, "--output-format", "json"
                ).stdout
            ):
                if job["fail_count"]:
                    self.on(node, "pvesr", "schedule-now", job["id"])
        self.lab("tick")
        code, report = self.diagnose()
        self.assertEqual(code, 0, self.summary(report))

    def diagnose(self, job=None):
        return run_diagnose(self.NAME, self.config, job)

    @staticmethod
    def summary(report):
        return json.dumps(
            [
                {k: j[k] for k in ("job_id", "status", "state", "error_line")}
                for j in report["jobs"]
                if j["status"] != "OK"
            ]
            + report["unreachable"],
            indent=1,
        )

    def only_job(self, jobid):
        code, report = self.diagnose(jobid)
        self.assertEqual(len(report["jobs"]), 1, report)
        return code, report["jobs"][0]

    @staticmethod
    def steps(volume):
        """[(node, command)] in printed order; the node comes from the comment above."""
        node, steps = None, []
        for line in volume["commands"]:
            if line.startswith("#"):
                node = re.search(r"\bon (pve\d+):", line).group(1)
            else:
                steps.append((node, line))
        return steps

    def run_plan(self, volume, fix_cause=None):
        """Runs the printed commands on their nodes as an admin would; refuses DO NOT RUN."""
        if any(line.startswith(PENDING_PREFIX) for line in volume["commands"]):
            raise PlanRefused(volume["commands"])
        outputs, node = [], None
        for line in volume["commands"]:
            if line.startswith("#"):
                node = re.search(r"\bon (pve\d+):", line).group(1)
                if "once the cause is fixed" in line and fix_cause:
                    fix_cause()
                continue
            outputs.append(self.on(node, *shlex.split(line)).stdout)
        return outputs

    def fail_with(self, fault, source, *jobids):
        """Injects `fault` and lets the jobs run once, now (they fail and back off)."""
        self.lab("fault", *fault)
        for jobid in jobids:
            self.on(source, "pvesr", "schedule-now", jobid)
        # PVE aborts a run that does not start after the last sync ("start time before
        # last sync"): a sync in this second is followed by the next in the next one.
        last_sync = max(self.job_json(source, jobid).get("last_sync", 0) for jobid in jobids)
        time.sleep(max(0.0, last_sync + 1.1 - time.time()))
        self.lab("tick")

    def assertSyncs(self, source, jobid, before):
        self.lab("tick")  # one pass; the failed job backs off 5+ minutes unless scheduled now
        job = self.job_json(source, jobid)
        self.assertEqual(job["fail_count"], 0, job.get("error"))
        self.assertGreater(job["last_sync"], before)

    def assertHealthy(self, jobid):
        code, diagnosis = self.only_job(jobid)
        self.assertEqual(code, 0, diagnosis)
        self.assertEqual(
            [v["plan"] for v in diagnosis["volumes"]], ["none"] * len(diagnosis["volumes"])
        )

    def assertRecovers(self, source, jobid, before):
        self.assertSyncs(source, jobid, before)
        self.assertHealthy(jobid)

    def assertPlanB(self, jobid, source, target, volume_name):
        code, job = self.only_job(jobid)
        self.assertEqual(code, 2)
        self.assertEqual((job["status"], job["state"]), ("CRITICAL", "failing"))
        volume = job["volumes"][0]
        self.assertEqual(
            (volume["volume"], volume["status"], volume["plan"]),
            (volume_name, "CRITICAL", "reseed"),
        )
        stale = volume_name.rsplit("/", 1)[0] + "/stale-" + volume_name.rsplit("/", 1)[1]
        self.assertEqual(
            self.steps(volume),
            [
                (source, "pvesr disable " + jobid),
                (target, "zfs rename %s %s" % (volume_name, stale)),
                (source, "pvesr enable " + jobid),
                (source, "pvesr schedule-now " + jobid),
            ],
        )
        self.assertEqual(
            volume["commands"][-1],
            "# later, on %s: once the full sync has "
            "succeeded, remove the old replica: zfs destroy -r %s" % (target, stale),
        )
        return job, volume

    def reseed(self, jobid, source, target, volume, fault):
        before = self.job_json(source, jobid)["last_sync"]
        old_guid = self.on(
            target, "zfs", "get", "-Hp", "-o", "value", "guid", volume["volume"]
        ).stdout
        self.run_plan(volume)
        stale = self.steps(volume)[1][1].split()[-1]
        moved = self.on(target, "zfs", "get", "-Hp", "-o", "value", "guid", stale).stdout
        self.assertEqual(moved, old_guid)  # the printed rename kept the old replica
        gone = self.on(target, "zfs", "list", volume["volume"], check=False)
        self.assertIn("dataset does not exist", gone.stderr)
        self.assertSyncs(source, jobid, before)
        # Clearing the fault now must not undo the re-seed the plan just did.
        reseeded = self.on(
            target, "zfs", "get", "-Hp", "-o", "value", "guid", volume["volume"]
        ).stdout
        self.lab("clear", *fault)
        self.assertEqual(
            self.on(target, "zfs", "get", "-Hp", "-o", "value", "guid", volume["volume"]).stdout,
            reseeded,
        )
        # The later step, once the full sync has succeeded.
        later = volume["commands"][-1].split(": ")[-1]
        self.on(target, *shlex.split(later))
        self.assertIn(
            "dataset does not exist", self.on(target, "zfs", "list", stale, check=False).stderr
        )
        self.assertHealthy(jobid)

    def test_healthy_cluster_is_ok_and_prints_nothing_to_run(self):
        code, report = self.diagnose()
        self.assertEqual((code, report["status"], report["unreachable"]), (0, "OK", []))
        jobs = json.loads(
            self.on(
                "pve1", "pvesh", "get", "/cluster/replication", "--output-format", "json"
            ).stdout
        )
        self.assertEqual(sorted(j["job_id"] for j in report["jobs"]), sorted(j["id"] for j in jobs))
        for job in report["jobs"]:
            self.assertEqual((job["status"], job["state"]), ("OK", "ok"), job["job_id"])
            for volume in job["volumes"]:
                self.assertEqual(
                    (volume["status"], volume["plan"], volume["commands"]),
                    ("OK", "none", []),
                    volume["volume"],
                )

    def test_snapshots_deleted_on_the_target_is_plan_b(self):
        self.fail_with(["delete-snapshot", "100-0"], "pve1", "100-0")
        job, volume = self.assertPlanB("100-0", "pve1", "pve2", "rpool/data/vm-100-disk-0")
        self.assertEqual(job["error_class"], "snapshot_chain", job)
        self.assertEqual([c["status"] for c in volume["preconditions"]], ["OK", "OK"])
        self.reseed("100-0", "pve1", "pve2", volume, ["delete-snapshot", "100-0"])

    def test_snapshots_deleted_on_the_source_is_plan_b(self):
        self.fail_with(["delete-snapshot", "101-0", "source"], "pve1", "101-0")
        _, volume = self.assertPlanB("101-0", "pve1", "pve2", "rpool/data/vm-101-disk-0")
        self.reseed("101-0", "pve1", "pve2", volume, ["delete-snapshot", "101-0"])

    def test_target_of_the_wrong_type_is_plan_b(self):
        self.fail_with(["target-wrong-type", "104-0"], "pve2", "104-0")
        _, volume = self.assertPlanB("104-0", "pve2", "pve3", "rpool/data/vm-104-disk-0")
        self.assertIn("filesystem", volume["summary"])
        self.reseed("104-0", "pve2", "pve3", volume, ["target-wrong-type", "104-0"])

    def test_interrupted_transfer_is_plan_a_with_the_partial_receive_discarded(self):
        # 103-1 (to pve3) runs after 103-0 fails: the source is ahead of 103-0's base.
        self.fail_with(["interrupt-transfer", "103-0"], "pve1", "103-0", "103-1")
        code, job = self.only_job("103-0")
        self.assertEqual(
            (code, job["state"], job["error_class"]), (2, "failing", "partial_receive")
        )
        volume = job["volumes"][0]
        name = "rpool/data/vm-103-disk-0"
        self.assertEqual(volume["plan"], "repair_chain")
        steps = self.steps(volume)
        self.assertEqual([node for node, _ in steps], ["pve1", "pve2", "pve1"])
        estimate = re.fullmatch(
            r"zfs send -nPv -i (%s@__replicate_103-0_\d+__) "
            r"(%s@__replicate_103-1_\d+__)" % (name, name),
            steps[0][1],
        )
        self.assertIsNotNone(estimate, steps[0][1])
        self.assertEqual(
            steps[1:], [("pve2", "zfs receive -A " + name), ("pve1", "pvesr schedule-now 103-0")]
        )
        before = self.job_json("pve1", "103-0")["last_sync"]
        printed = self.run_plan(volume)[0]
        size = re.fullmatch(
            r"incremental\t%s\t%s\t(\d+)\nsize\t(\d+)\n" % (estimate.group(1), estimate.group(2)),
            printed,
        )
        self.assertIsNotNone(size, printed)
        self.assertEqual(size.group(1), size.group(2))
        token = self.on("pve2", "zfs", "get", "-H", "-o", "value", "receive_resume_token", name)
        self.assertEqual(token.stdout, "-\n")  # the printed receive -A did it
        self.lab("clear", "interrupt-transfer", "103-0")
        self.assertRecovers("pve1", "103-0", before)

    def test_full_target_pool_fails_the_headroom_check_and_is_plan_a(self):
        self.fail_with(["fill-pool", "pve3"], "pve2", "105-0")
        code, job = self.only_job("105-0")
        self.assertEqual((code, job["state"], job["error_class"]), (2, "failing", "no_space"))
        checks = {c["name"]: c["status"] for c in job["prerequisites"]}
        self.assertEqual(checks["headroom on pve3 for the next sync"], "CRITICAL")
        self.assertEqual(checks["pool rpool on pve3"], "CRITICAL")
        volume = job["volumes"][0]
        self.assertEqual(volume["plan"], "repair_chain")
        self.assertEqual(self.steps(volume)[-1], ("pve2", "pvesr schedule-now 105-0"))
        before = self.job_json("pve2", "105-0")["last_sync"]
        self.run_plan(volume, fix_cause=lambda: self.lab("clear", "fill-pool", "pve3"))
        self.assertRecovers("pve2", "105-0", before)

    def test_mtu_mismatch_is_a_warning_before_any_run_fails(self):
        # pve1 -> pve2 (job 100-0): pve2's bridge at 9000, pve1's at 1500.
        self.lab("fault", "mtu", "pve2", "9000")
        code, job = self.only_job("100-0")
        checks = {c["name"]: c for c in job["prerequisites"]}
        self.assertEqual(
            (code, job["status"], checks["MTU pve1 -> pve2"]["status"]), (1, "WARNING", "WARNING")
        )
        self.assertIn("on pve1, 9000 on pve2", checks["MTU pve1 -> pve2"]["detail"])

    def test_a_hung_job_is_stuck_and_named_as_what_blocks_its_node(self):
        self.lab("fault", "hang-job", "100-0")
        # Past every blocked job's staleness threshold (2 x interval + 5 min): 65 min for
        # the lab's longest schedule, */30. 61 minutes left a */30 job "ok" whenever its
        # last run was under 4 minutes old at the fault (the lab's phase in the schedule).
        self.lab("tick", "--minutes", "66")
        code, report = self.diagnose()
        jobs = {j["job_id"]: j for j in report["jobs"]}
        # Stuck, and its own replica past what its schedule allows (RPOBreached pages).
        self.assertEqual((jobs["100-0"]["state"], jobs["100-0"]["status"]), ("stuck", "CRITICAL"))
        own = {c["name"]: c for c in jobs["100-0"]["prerequisites"]}
        self.assertEqual(own["age of the replica of 100-0"]["alert"], "ReplwatchJobRPOBreached")
        for jobid in ("101-0", "102-0", "103-0", "103-1"):  # pve1's other jobs
            with self.subTest(jobid):
                job = jobs[jobid]
                self.assertEqual(job["state"], "stale")
                checks = {c["name"]: c["status"] for c in job["prerequisites"]}
                self.assertEqual(checks["no stuck job on pve1"], "WARNING")
                volume = job["volumes"][0]
                self.assertEqual(volume["plan"], "none")
                self.assertIn("waits behind 100-0", volume["summary"])
        self.lab("clear", "hang-job", "100-0")
        self.lab("tick", "--minutes", "16")
        self.assertEqual(self.diagnose()[0], 0)

    def test_plan_b_is_not_run_while_the_target_lacks_room(self):
        self.lab("fault", "fill-pool", "pve2")
        self.fail_with(["delete-snapshot", "102-0", "target", "all"], "pve1", "102-0")
        name = "rpool/data/subvol-102-disk-0"
        _, volume = self.assertPlanB("102-0", "pve1", "pve2", name)
        room = volume["preconditions"][1]
        self.assertEqual(
            (room["name"], room["status"]),
            ("room for a full copy on pve2 beside the old replica", "CRITICAL"),
        )
        self.assertTrue(volume["commands"][0].startswith(PENDING_PREFIX))
        with self.assertRaises(PlanRefused):
            self.run_plan(volume)
        self.on("pve2", "zfs", "list", name)  # nothing was destroyed
        self.lab("clear", "fill-pool", "pve2")
        _, volume = self.assertPlanB("102-0", "pve1", "pve2", name)
        self.assertEqual([c["status"] for c in volume["preconditions"]], ["OK", "OK"])
        self.reseed("102-0", "pve1", "pve2", volume, ["delete-snapshot", "102-0"])

    def drill(self, guest):
        """The failover drills of `guest`, by target, and the exit code."""
        code, report = run_diagnose(self.NAME, self.config, guest=guest)
        return code, {d["target"]: d for d in report["failovers"]}

    def test_guest_drill_names_what_blocks_a_failover_and_works_with_the_source_down(self):
        code, drills = self.drill("104")
        self.assertEqual(sorted(drills), ["pve3"])
        self.assertEqual((code, drills["pve3"]["ready"]), (0, True), drills)
        self.assertGreater(drills["pve3"]["data_loss_seconds"], 0)

        self.lab("fault", "interrupt-transfer", "104-0")
        code, drills = self.drill("104")
        drill = drills["pve3"]
        self.assertEqual((code, drill["ready"], drill["status"]), (2, False, "CRITICAL"))
        failing = {c["name"]: c["detail"] for c in drill["checks"] if c["status"] == "CRITICAL"}
        self.assertEqual(list(failing), ["no interrupted receive"], drill["checks"])
        self.assertTrue(failing["no interrupted receive"].startswith("partial_receive: "))
        self.assertIn(
            "on pve3: zfs get -H -o property,value type,volsize,receive_resume_token,keystatus "
            "rpool/data/vm-104-disk-0",
            drill["commands"],
        )
        self.lab("clear", "interrupt-transfer", "104-0")

        # A disk left out of replication: the guest would start without it.
        disks = [c for c in drills["pve3"]["checks"] if c["name"] == "every disk replicated"]
        self.assertEqual([c["status"] for c in disks], ["OK"], drills["pve3"]["checks"])
        self.lab("fault", "unreplicated-disk", "104")
        code, drills = self.drill("104")
        disks = [c for c in drills["pve3"]["checks"] if c["name"] == "every disk replicated"]
        self.assertEqual([c["status"] for c in disks], ["WARNING"], drills["pve3"]["checks"])
        self.assertRegex(
            disks[0]["detail"], r"(scsi|mp)9 local-lvm:vm-104-disk-0 \(replicate_off\)"
        )
        self.lab("clear", "unreplicated-disk", "104")

        # Failover day: pve2, the guest's node, is down; the drill starts from pve3's replica.
        self.lab("fault", "node-down", "pve2")
        code, drills = self.drill("104")
        drill = drills["pve3"]
        self.assertTrue(drill["ready"], drill)
        self.assertEqual(drill["source"], "pve2")
        self.assertGreater(drill["data_loss_seconds"], 0)
        stopped = [c for c in drill["checks"] if c["name"] == "guest 104 stopped on pve2"]
        self.assertEqual([c["status"] for c in stopped], ["WARNING"], drill["checks"])

    def test_node_down_names_the_unreachable_node(self):
        self.lab("fault", "node-down", "pve3")
        code, report = self.diagnose()
        self.assertEqual((code, report["status"]), (2, "CRITICAL"))
        self.assertEqual([n["node"] for n in report["unreachable"]], ["pve3"])
        self.assertNotEqual(report["unreachable"][0]["error"], "")
        to_pve3 = [j for j in report["jobs"] if j["target"] == "pve3"]
        self.assertTrue(to_pve3)
        for job in to_pve3:
            for volume in job["volumes"]:
                self.assertEqual((volume["status"], volume["commands"]), ("UNKNOWN", []))
                self.assertIn("pve3", volume["summary"])
        # pve3's own jobs stay, unknown, from what their targets hold.
        from_pve3 = {j["job_id"]: j for j in report["jobs"] if j["source"] == "pve3"}
        self.assertEqual(sorted(from_pve3), ["108-0", "109-0", "110-0", "111-0", "111-1"])
        for job in from_pve3.values():
            self.assertEqual((job["state"], job["status"]), ("unknown", "UNKNOWN"))
            for volume in job["volumes"]:
                self.assertRegex(
                    volume["summary"],
                    r"^a failover to %s would restore \S+@__replicate_%s_\d+__ \(.* UTC\)$"
                    % (job["target"], job["job_id"]),
                )


if __name__ == "__main__":
    unittest.main()
