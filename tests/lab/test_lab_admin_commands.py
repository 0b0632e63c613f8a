"""The admin commands the stand-ins accept for repairs: `zfs send -n`, `zfs destroy`,
`zfs receive -A`, `zfs rename` and `pvesr schedule-now|enable|disable`, in OpenZFS 2.4 / PVE 9.2
formats and semantics (their texts are the same in 2.2 / 8.4)."""
import json
import os
import unittest

from labhelper import LabCase

VOLUME = "rpool/data/vm-100-disk-0"  # guest 100 on pve1, job 100-0 to pve2
MIN_STREAM = 4096 * 15


class AdminCommandsTest(LabCase):
    NAME = "dgadm"

    def model(self, node):
        with open(os.path.join(self.statedir, "nodes", node, "zfs.json")) as f:
            return json.load(f)

    def snapshots(self, node, dataset):
        out = self.on(
            node, "zfs", "list", "-H", "-o", "name", "-t", "snapshot", "-s", "createtxg", dataset
        ).stdout
        return out.split()

    def zfs(self, node, *args):
        return self.on(node, "zfs", *args, check=False)

    # --- zfs send -n ------------------------------------------------------------------

    def test_send_estimate_is_parsable_and_sized_from_the_model(self):
        third, newest = self.snapshots("pve1", VOLUME)[-2:]
        result = self.zfs("pve1", "send", "-nPv", "-i", third, newest)
        self.assertEqual(result.returncode, 0, result.stderr)
        snaps = {s["name"]: s for s in self.model("pve1")["datasets"][VOLUME]["snaps"]}
        to, frm = snaps[newest.split("@")[1]], snaps[third.split("@")[1]]
        # Written in between, bounded by what the snapshot references.
        size = max(min(to["wclock"] - frm["wclock"], to["refer"]), MIN_STREAM)
        self.assertEqual(
            result.stdout, "incremental\t%s\t%s\t%d\nsize\t%d\n" % (third, newest, size, size)
        )
        self.assertEqual(result.stderr, "")

    def test_send_flags_may_be_split_reordered_or_follow_the_operand(self):
        third, newest = self.snapshots("pve1", VOLUME)[-2:]
        outputs = {
            self.zfs("pve1", "send", *argv).stdout
            for argv in (
                ["-nPv", "-i", third, newest],
                ["-nvP", "-i", third, newest],
                ["-n", "-P", "-v", "-i", third, newest],
                ["-i", third, newest, "-nPv"],
                ["-nPvi", third, newest],
            )
        }
        self.assertEqual(len(outputs), 1, outputs)
        self.assertTrue(outputs.pop().startswith("incremental\t"))

    def test_send_human_and_full_forms(self):
        third, newest = self.snapshots("pve1", VOLUME)[-2:]
        human = self.zfs("pve1", "send", "-nv", "-i", third, newest).stdout.split("\n")
        self.assertRegex(
            human[0], r"^send from %s to %s estimated size is [0-9.]+[KMGT]?$" % (third, newest)
        )
        self.assertRegex(human[1], r"^total estimated size is [0-9.]+[KMGT]?$")
        full = self.zfs("pve1", "send", "-nP", newest).stdout
        refer = self.zfs("pve1", "get", "-Hp", "-o", "value", "referenced", newest).stdout.strip()
        self.assertEqual(full, "full\t%s\t%s\nsize\t%s\n" % (newest, refer, refer))

    def test_send_of_intermediates_adds_up(self):
        snaps = self.snapshots("pve1", VOLUME)
        whole = self.zfs("pve1", "send", "-nP", "-I", "@" + snaps[0].split("@")[1], snaps[-1])
        lines = whole.stdout.split("\n")[:-1]
        self.assertEqual(len(lines), len(snaps))  # one per snapshot after the first, then size
        steps = 0
        for prev, snap, line in zip(snaps, snaps[1:], lines):
            self.assertEqual(
                line.split("\t")[:3], ["incremental", prev.split("@")[1], snap]
            )  # short source name
            one = self.zfs("pve1", "send", "-nP", "-i", prev, snap).stdout.split("\n")[0]
            self.assertEqual(one.split("\t")[3], line.split("\t")[3])
            steps += int(line.split("\t")[3])
        self.assertEqual(lines[-1], "size\t%d" % steps)

    def test_send_errors_are_openzfs_errors(self):
        third, newest = self.snapshots("pve1", VOLUME)[-2:]
        missing = self.zfs("pve1", "send", "-nPv", "-i", VOLUME + "@nope", newest)
        self.assertEqual(
            (missing.returncode, missing.stdout, missing.stderr),
            (1, "", "cannot open '%s@nope': dataset does not exist\n" % VOLUME),
        )
        backwards = self.zfs("pve1", "send", "-nPv", "-i", newest, third)
        self.assertEqual(backwards.returncode, 1)
        self.assertEqual(
            backwards.stderr,
            "warning: cannot send '%s': not an earlier snapshot " "from the same fs\n" % third,
        )
        other = self.snapshots("pve1", "rpool/data/vm-101-disk-0")[-2]
        self.assertEqual(self.zfs("pve1", "send", "-nPv", "-i", other, newest).returncode, 1)
        streaming = self.zfs("pve1", "send", "-i", third, newest)
        self.assertNotEqual(streaming.returncode, 0)
        self.assertEqual(streaming.stdout, "")

    def test_send_changes_nothing(self):
        before = self.model("pve1")
        third, newest = self.snapshots("pve1", VOLUME)[-2:]
        self.zfs("pve1", "send", "-nPv", "-i", third, newest)
        self.assertEqual(self.model("pve1")["datasets"], before["datasets"])

    # --- zfs destroy ------------------------------------------------------------------

    def test_destroy_without_r_lists_the_children_and_keeps_everything(self):
        volume = "rpool/data/vm-101-disk-0"
        snaps = self.snapshots("pve2", volume)
        result = self.zfs("pve2", "destroy", volume)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(
            result.stderr,
            "cannot destroy '%s': volume has children\nuse '-r' to "
            "destroy the following datasets:\n%s\n" % (volume, "\n".join(snaps)),
        )
        dry = self.zfs("pve2", "destroy", "-nvr", volume)
        self.assertEqual(dry.stdout, "".join("would destroy %s\n" % n for n in snaps + [volume]))
        self.assertEqual(self.snapshots("pve2", volume), snaps)

    def test_destroy_snapshots_and_volumes(self):
        volume = "rpool/data/vm-100-disk-0"
        snaps = self.snapshots("pve2", volume)
        none = self.zfs("pve2", "destroy", volume + "@nope")
        self.assertEqual(
            (none.returncode, none.stderr),
            (1, "could not find any snapshots to " "destroy; check snapshot names.\n"),
        )
        self.assertEqual(self.zfs("pve2", "destroy", snaps[0]).returncode, 0)
        self.assertEqual(self.snapshots("pve2", volume), snaps[1:])
        self.assertEqual(self.zfs("pve2", "destroy", "-r", volume).returncode, 0)
        gone = self.zfs("pve2", "list", volume)
        self.assertEqual(gone.stderr, "cannot open '%s': dataset does not exist\n" % volume)
        self.assertEqual(self.zfs("pve1", "list", volume).returncode, 0)  # the source stays
        pool = self.zfs("pve2", "destroy", "rpool")
        self.assertEqual(pool.returncode, 1)
        self.assertTrue(
            pool.stderr.startswith("cannot destroy 'rpool': operation does not apply " "to pools\n")
        )

    # --- zfs receive -A ---------------------------------------------------------------

    def test_receive_abort_discards_the_resume_token(self):
        volume = "rpool/data/vm-103-disk-0"  # job 103-0: pve2 -> pve3
        self.lab("fault", "interrupt-transfer", "103-0")
        try:
            token = self.zfs("pve3", "get", "-H", "-o", "value", "receive_resume_token", volume)
            self.assertRegex(token.stdout, r"^1-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\n$")
            self.assertEqual(self.zfs("pve3", "receive", "-A", volume).returncode, 0)
            token = self.zfs("pve3", "get", "-H", "-o", "value", "receive_resume_token", volume)
            self.assertEqual(token.stdout, "-\n")
            again = self.zfs("pve3", "recv", "-A", volume)
            self.assertEqual(
                (again.returncode, again.stderr),
                (1, "'%s' does not have any " "resumable receive state to " "abort\n" % volume),
            )
        finally:
            self.lab("clear", "interrupt-transfer", "103-0")

    # --- zfs rename -------------------------------------------------------------------

    def test_rename_moves_a_dataset_with_its_snapshots_and_keeps_its_guid(self):
        volume, stale = "rpool/data/vm-105-disk-0", "rpool/data/stale-vm-105-disk-0"
        node = "pve3"
        guid = self.zfs(node, "get", "-Hp", "-o", "value", "guid", volume).stdout
        snaps = self.snapshots(node, volume)
        moved = self.zfs(node, "rename", volume, stale)
        self.assertEqual((moved.returncode, moved.stdout, moved.stderr), (0, "", ""))
        try:
            self.assertEqual(
                self.zfs(node, "get", "-Hp", "-o", "value", "guid", stale).stdout, guid
            )
            self.assertEqual(
                self.snapshots(node, stale), [s.replace(volume + "@", stale + "@") for s in snaps]
            )
            self.assertEqual(
                self.zfs(node, "list", volume).stderr,
                "cannot open '%s': dataset does not exist\n" % volume,
            )
            cases = [
                (
                    [volume, "rpool/data/x"],
                    1,
                    "cannot open '%s': dataset does not exist\n" % volume,
                ),
                ([stale, "rpool/data"], 1, "cannot rename '%s': dataset already exists\n" % stale),
                (
                    [stale, "tank/x"],
                    1,
                    "cannot rename to 'tank/x': datasets must be within same pool\n",
                ),
                (
                    [stale, "rpool/nope/x"],
                    1,
                    "cannot create 'rpool/nope/x': parent does not exist\n",
                ),
                ([stale], 2, "missing target dataset argument\n"),
            ]
            for args, code, message in cases:
                result = self.zfs(node, "rename", *args)
                self.assertEqual(result.returncode, code, args)
                self.assertTrue(result.stderr.startswith(message), (args, result.stderr))
        finally:
            self.assertEqual(self.zfs(node, "rename", stale, volume).returncode, 0)
        self.assertEqual(self.snapshots(node, volume), snaps)

    # --- pvesr enable / disable --------------------------------------------------------

    def test_disable_and_enable_change_replication_cfg_on_every_node(self):
        self.assertEqual(self.on("pve1", "pvesr", "disable", "100-0").stdout, "")
        try:
            cfg = self.on("pve3", "cat", "/etc/pve/replication.cfg").stdout
            self.assertIn("local: 100-0\n\tdisable\n\ttarget pve2\n", cfg)
            self.assertRegex(
                self.on("pve2", "pvesr", "list").stdout, r"(?m)^100-0 +local/pve2 +\S+ +\S+ +no$"
            )
        finally:
            self.on("pve1", "pvesr", "enable", "100-0")
        cfg = self.on("pve3", "cat", "/etc/pve/replication.cfg").stdout
        self.assertIn("local: 100-0\n\ttarget pve2\n", cfg)
        unknown = self.on("pve1", "pvesr", "disable", "999-0", check=False)
        self.assertEqual((unknown.returncode, unknown.stderr), (255, "no such job '999-0'\n"))
        missing = self.on("pve1", "pvesr", "enable", check=False)
        self.assertEqual(missing.stderr, "400 not enough arguments\npvesr enable <id>\n")

    # --- pvesr schedule-now -----------------------------------------------------------

    def test_schedule_now_errors_are_pve_errors(self):
        unknown = self.on("pve1", "pvesr", "schedule-now", "999-0", check=False)
        self.assertEqual(
            (unknown.returncode, unknown.stderr), (255, "no such replication job '999-0'\n")
        )
        bad = self.on("pve1", "pvesr", "schedule-now", "vm100", check=False)
        self.assertEqual(bad.returncode, 255)
        self.assertEqual(
            bad.stderr,
            "400 Parameter verification failed.\nid: invalid format - "
            "invalid replication job id 'vm100'\n\npvesr schedule-now <id>\n",
        )
        missing = self.on("pve1", "pvesr", "schedule-now", check=False)
        self.assertEqual(missing.stderr, "400 not enough arguments\npvesr schedule-now <id>\n")

    def test_schedule_now_lets_the_next_pass_run_a_backed_off_job(self):
        # Jobs 102-0 and 103-0 (pve2 -> pve3) run now and fail: both back off 5 minutes.
        self.lab("fault", "host-key-change", "pve3")
        try:
            for jobid in ("102-0", "103-0"):
                self.on("pve2", "pvesr", "schedule-now", jobid)
            self.lab("tick")
        finally:
            self.lab("clear", "host-key-change", "pve3")
        for jobid in ("102-0", "103-0"):
            self.assertEqual(self.job_json("pve2", jobid)["fail_count"], 1)
        self.assertNotIn(" pending ", self.job_row("pve2", "103-0"))
        # On a node without the guest's state it is accepted and changes nothing.
        self.on("pve1", "pvesr", "schedule-now", "103-0")
        self.assertNotIn(" pending ", self.job_row("pve2", "103-0"))
        self.on("pve2", "pvesr", "schedule-now", "103-0")
        self.assertEqual(self.job_json("pve2", "103-0")["last_try"], 0)
        self.assertIn(" pending ", self.job_row("pve2", "103-0"))
        self.lab("tick")  # one pass: only the job scheduled now runs
        self.assertEqual(self.job_json("pve2", "103-0")["fail_count"], 0)
        self.assertEqual(self.job_json("pve2", "102-0")["fail_count"], 1)


if __name__ == "__main__":
    unittest.main()
