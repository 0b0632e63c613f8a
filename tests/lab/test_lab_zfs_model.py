"""The `zfs`/`zpool` stand-ins' model without a lab (no root, no namespaces): a small node
state in memory, the commands called in-process (and the stand-in as a process for its
ledger): `snapshots_changed` as OpenZFS 2.2+ keeps it, `zfs list`/`zfs get` with several
operands as zfs_for_each() walks them, and the modeled CPU ledger (rwlab/costmodel.py)."""
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import labhelper  # noqa: F401 (puts lab/ on sys.path)
from rwlab import costmodel
from rwlab import replication
from rwlab import store
from rwlab import zfscli
from rwlab import zfsmodel as zm
from rwlab import zpoolcli

STANDINS = os.path.join(labhelper.REPO, "lab", "standins")
HOUR = 3600
SNAPSHOTS = {"rpool/data": 2, "rpool/data/vm-100-disk-0": 3, "rpool/other": 1}


def node_state(zfsutils="2.4.4-pve1", now=None):
    """rpool (mirror of two disks) with rpool/data, rpool/other and a volume under
    rpool/data; snapshots an hour apart, the newest an hour ago."""
    now = int(time.time()) if now is None else now
    rng = random.Random(7)
    pool = zm.new_pool("rpool", 0, now, ["disk-a", "disk-b"], rng, (2, 4, 4))
    pool["size"] = 1 << 40
    datasets = {
        name: zm.new_dataset("filesystem", pool, now, rng, refer=1 << 20)
        for name in ("rpool", "rpool/data", "rpool/other")
    }
    datasets["rpool/data/vm-100-disk-0"] = zm.new_dataset(
        "volume", pool, now, rng, volsize=1 << 30, refer=1 << 29, wrate=1000.0
    )
    for name, count in SNAPSHOTS.items():
        for i in range(count):
            t = now - (count - i) * HOUR
            zm.take_snapshot(datasets[name], pool, "snap%d" % i, t, rng)
    return {"zfsutils": zfsutils, "pools": {"rpool": pool}, "datasets": datasets}


def zfs_cmd(zfs, *args, tool=zfscli):
    """(exit code, stdout, stderr, objects visited) of one in-process run."""
    out, err, meter = io.StringIO(), io.StringIO(), costmodel.Meter()
    code = tool.main(zfs, list(args), out, err, meter=meter)
    return code, out.getvalue(), err.getvalue(), meter.counts


def changed(zfs):
    """name -> snapshots_changed as `zfs list -Hp` prints it."""
    code, out, err, _ = zfs_cmd(
        zfs, "list", "-Hp", "-t", "filesystem,volume", "-o", "name,snapshots_changed"
    )
    assert code == 0, err
    return dict(line.split("\t") for line in out.splitlines())


class SnapshotsChangedTest(unittest.TestCase):
    def setUp(self):
        self.before = int(time.time())
        self.zfs = node_state()
        self.ds = self.zfs["datasets"]

    def assertStampedSince(self, value, since):
        """A real-clock second from `since` to now (the stamp is the real clock)."""
        self.assertTrue(since <= int(value) <= int(time.time()), (value, since))

    def test_a_snapshot_stamps_its_dataset_and_a_new_dataset_has_none(self):
        stamps = changed(self.zfs)
        self.assertEqual(set(stamps), set(SNAPSHOTS) | {"rpool"})
        self.assertEqual(stamps["rpool"], "-")
        for name in SNAPSHOTS:
            self.assertStampedSince(stamps[name], self.before)
        before = int(time.time())
        # Taken at an hour ago in lab time: stamped with the real clock all the same.
        zm.take_snapshot(self.ds["rpool"], self.zfs["pools"]["rpool"], "x", before - HOUR)
        self.assertStampedSince(changed(self.zfs)["rpool"], before)

    def test_human_form_is_a_date_with_seconds_and_snapshots_have_none(self):
        epoch = self.ds["rpool/other"]["snapshots_changed"]
        code, out, _, _ = zfs_cmd(
            self.zfs, "list", "-H", "-o", "name,snapshots_changed", "rpool/other", "rpool"
        )
        self.assertEqual(code, 0)
        self.assertEqual(
            out,
            "rpool\t-\nrpool/other\t%s\n"
            % time.strftime("%a %b %e %k:%M:%S %Y", time.localtime(epoch)),
        )
        code, out, _, _ = zfs_cmd(
            self.zfs, "list", "-Hp", "-t", "snapshot", "-o", "name,snapshots_changed", "rpool/data"
        )
        self.assertEqual(out, "rpool/data@snap0\t-\nrpool/data@snap1\t-\n")

    def test_destroying_an_older_snapshot_moves_it(self):
        before = int(time.time())
        code, _, err, _ = zfs_cmd(self.zfs, "destroy", "rpool/data/vm-100-disk-0@snap0")
        self.assertEqual((code, err), (0, ""))
        self.assertGreaterEqual(int(changed(self.zfs)["rpool/data/vm-100-disk-0"]), before)
        # A failed destroy changes nothing.
        stamp = self.ds["rpool/other"]["snapshots_changed"]
        code, _, _, _ = zfs_cmd(self.zfs, "destroy", "rpool/other@nope")
        self.assertEqual((code, self.ds["rpool/other"]["snapshots_changed"]), (1, stamp))

    def test_renaming_a_snapshot_moves_it(self):
        before = int(time.time())
        code, _, err, _ = zfs_cmd(self.zfs, "rename", "rpool/data@snap0", "renamed")
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(zm.find_snap(self.ds["rpool/data"], "renamed")["createtxg"] > 0, True)
        self.assertGreaterEqual(int(changed(self.zfs)["rpool/data"]), before)
        for args, message in (
            (["rpool/data@renamed", "rpool/other@x"], "cannot rename to 'rpool/other@x': "),
            (["rpool/data@renamed", "@snap1"], "cannot rename 'rpool/data@renamed': "),
            (["rpool/data@gone", "x"], "cannot open 'rpool/data@gone': "),
        ):
            code, _, err, _ = zfs_cmd(self.zfs, "rename", *args)
            self.assertEqual(code, 1)
            self.assertTrue(err.startswith(message), err)

    def test_writes_and_datasets_without_the_field_do_not_move_it(self):
        stamp = changed(self.zfs)["rpool/data/vm-100-disk-0"]
        zm.add_write(self.ds["rpool/data/vm-100-disk-0"], int(time.time()), 1 << 20)
        self.assertEqual(changed(self.zfs)["rpool/data/vm-100-disk-0"], stamp)
        del self.ds["rpool/other"]["snapshots_changed"]  # a state file from before
        self.assertEqual(changed(self.zfs)["rpool/other"], "-")

    def test_receive_stamps_the_replica_and_a_tick_does_not_move_it(self):
        target = node_state()
        del target["datasets"]["rpool/data/vm-100-disk-0"]
        src = self.ds["rpool/data/vm-100-disk-0"]
        at = int(time.time()) + 600  # a run later in a tick's lab time
        receiver = {"libpve_storage": "9.1.10"}
        before = int(time.time())
        replication.receive(receiver, target, "rpool/data/vm-100-disk-0", src, src["snaps"], at)
        self.assertStampedSince(changed(target)["rpool/data/vm-100-disk-0"], before)
        # An incremental: -F destroys what the source no longer has, then the new snapshot.
        zm.destroy_snapshot(src, "snap0")
        new = zm.take_snapshot(src, self.zfs["pools"]["rpool"], "snap3", at + 1)
        replication.receive(receiver, target, "rpool/data/vm-100-disk-0", src, [new], at + 3)
        replica = target["datasets"]["rpool/data/vm-100-disk-0"]
        self.assertEqual([s["name"] for s in replica["snaps"]], ["snap1", "snap2", "snap3"])
        zm.drop_snapshots(replica, lambda s: s["name"] == "snap1")
        stamp = changed(target)["rpool/data/vm-100-disk-0"]
        self.assertStampedSince(stamp, before)
        # `lab tick` moves the model's past back, not the stamps: two ticks running the
        # same slot must not give a dataset a stamp a reader already saw.
        zm.shift(target, 600)
        self.assertEqual(changed(target)["rpool/data/vm-100-disk-0"], stamp)
        self.assertEqual(changed(target)["rpool"], "-")

    def test_pool_growth_adds_its_rate_over_real_and_lab_time(self):
        now = int(time.time())
        zfs = node_state(now=now)
        pool = zfs["pools"]["rpool"]

        def alloc(at):
            return zm.space(zfs, at)[0]["rpool"]["alloc"]

        plain = alloc(now + 60)
        pool["growth"] = {"rate": 1000.0, "since": now}
        self.assertEqual(alloc(now + 60) - plain, 60 * 1000)
        # A tick moves the growth's start into the past with the rest of the node: an
        # hour of lab time is an hour of growth.
        zm.shift(zfs, HOUR)
        grown = alloc(now)
        pool["growth"] = None
        self.assertEqual(grown - alloc(now), HOUR * 1000)

    def test_openzfs_before_2_2_does_not_know_the_property(self):
        for zfsutils, code in (("2.1.15-pve1", 2), ("2.2.8-pve1", 0), ("2.4.4-pve1", 0)):
            self.zfs["zfsutils"] = zfsutils
            result = zfs_cmd(self.zfs, "list", "-o", "name,snapshots_changed")
            self.assertEqual(result[0], code, zfsutils)
            if code:
                self.assertEqual(result[1], "")
                self.assertTrue(
                    result[2].startswith(
                        "bad property list: invalid property 'snapshots_changed'\nusage:"
                    )
                )


class SeveralOperandsTest(unittest.TestCase):
    SNAPSHOTS = ["-Hp", "-t", "snapshot", "-o", "name,guid,createtxg,creation", "-s", "createtxg"]

    def setUp(self):
        self.zfs = node_state()

    def names(self, out):
        return [line.split("\t")[0] for line in out.splitlines()]

    def test_each_operand_lists_its_own_snapshots_once(self):
        code, out, err, _ = zfs_cmd(
            self.zfs, "list", *self.SNAPSHOTS, "-d", "1", "rpool/other", "rpool/data", "rpool/data"
        )
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(
            sorted(self.names(out)),
            ["rpool/data@snap0", "rpool/data@snap1", "rpool/other@snap0"],
        )
        self.assertEqual(len(out.splitlines()[0].split("\t")), 4)

    def test_a_missing_operand_fails_alone(self):
        code, out, err, _ = zfs_cmd(
            self.zfs, "list", *self.SNAPSHOTS, "-d", "1", "rpool/data", "rpool/x", "rpool/other"
        )
        self.assertEqual(code, 1)
        self.assertEqual(err, "cannot open 'rpool/x': dataset does not exist\n")
        self.assertEqual(
            sorted(self.names(out)),
            ["rpool/data@snap0", "rpool/data@snap1", "rpool/other@snap0"],
        )
        code, out, err, _ = zfs_cmd(self.zfs, "list", "-j", "rpool/data", "rpool/x")
        self.assertEqual((code, out), (1, ""))  # no JSON document after an error

    def test_objects_come_in_name_order_whatever_the_operand_order(self):
        code, out, _, _ = zfs_cmd(
            self.zfs, "list", "-H", "-o", "name", "rpool/other", "rpool", "rpool/data"
        )
        self.assertEqual((code, out), (0, "rpool\nrpool/data\nrpool/other\n"))

    def test_get_has_the_same_rule(self):
        code, out, err, _ = zfs_cmd(
            self.zfs, "get", "-Hp", "-o", "name,value", "guid", "rpool/other", "rpool/x", "rpool"
        )
        self.assertEqual(code, 1)
        self.assertEqual(err, "cannot open 'rpool/x': dataset does not exist\n")
        self.assertEqual(self.names(out), ["rpool", "rpool/other"])
        code, out, _, _ = zfs_cmd(
            self.zfs, "get", "-H", "-o", "name", "-t", "snapshot", "guid", "rpool/other"
        )
        self.assertEqual((code, out), (0, "rpool/other@snap0\n"))

    def test_an_operand_of_another_type_is_refused(self):
        code, out, err, _ = zfs_cmd(
            self.zfs, "list", "-H", "-t", "filesystem", "rpool/data/vm-100-disk-0", "rpool"
        )
        self.assertEqual(code, 1)
        self.assertEqual(
            err,
            "cannot open 'rpool/data/vm-100-disk-0': operation not applicable to datasets "
            "of this type\n",
        )
        self.assertEqual(self.names(out), ["rpool"])


class CostModelTest(unittest.TestCase):
    ALL_DATASETS, ALL_SNAPSHOTS = 4, sum(SNAPSHOTS.values())

    def setUp(self):
        self.zfs = node_state()

    def walked(self, *args, tool=zfscli):
        code, _, err, counts = zfs_cmd(self.zfs, *args, tool=tool)
        self.assertEqual(code, 0, err)
        return {k: v for k, v in counts.items() if v}

    def test_objects_walked_are_those_real_zfs_visits(self):
        every = {"datasets": self.ALL_DATASETS, "snapshots": self.ALL_SNAPSHOTS}
        self.assertEqual(self.walked("list", "-Hp", "-t", "snapshot"), every)
        self.assertEqual(
            self.walked("list", "-Hp", "-t", "snapshot", "-d", "1", "rpool/data", "rpool/other"),
            {"datasets": 2, "snapshots": 3},
        )
        self.assertEqual(
            self.walked("list", "-Hp", "-t", "filesystem,volume", "-o", "name,snapshots_changed"),
            {"datasets": self.ALL_DATASETS},
        )
        self.assertEqual(
            self.walked("get", "-Hp", "-t", "filesystem,volume", "-o", "name,value", "guid"),
            {"datasets": self.ALL_DATASETS},
        )
        self.assertEqual(self.walked("version"), {})
        self.assertEqual(self.walked("status", tool=zpoolcli), {"pools": 1, "vdevs": 3})
        self.assertEqual(self.walked("list", "-H", tool=zpoolcli), {"pools": 1})

    def test_modeled_cpu_is_the_stated_constants(self):
        meter = costmodel.Meter()
        meter.walk("datasets", 4)
        meter.walk("snapshots", 10)
        self.assertEqual(meter.cpu_us(), 2000 + 4 * 30 + 10 * 15)
        line = costmodel.ledger_line(1700000000, ["zfs", "list", "x" * 300], meter, 0)
        self.assertLess(len(line), 512)
        entry = costmodel.parse_line(line)
        self.assertEqual(
            (entry["epoch"], entry["datasets"], entry["snapshots"], entry["modeled_cpu_us"]),
            (1700000000, 4, 10, 2270),
        )
        self.assertEqual(len(entry["command"]), 200)


class LedgerTest(unittest.TestCase):
    """The stand-in as a process, as a node's sshd runs it."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rwlab-cost-")
        self.lab = store.Lab(self.dir)
        store.write_json(self.lab.zfs_file("pve1"), node_state())
        self.ledger = self.lab.cost_file("pve1")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def standin(self, tool, *args):
        env = dict(os.environ, RWLAB_NODE="pve1", RWLAB_DIR=self.dir)
        return subprocess.run(
            [sys.executable, os.path.join(STANDINS, tool)] + list(args),
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def test_every_run_appends_one_line_and_the_totals_add_up(self):
        costmodel.reset(self.ledger)
        since = int(time.time())
        self.assertEqual(self.standin("zfs", "list", "-Hp", "-t", "snapshot").returncode, 0)
        self.assertEqual(self.standin("zfs", "list", "rpool/x").returncode, 1)
        self.assertEqual(self.standin("zpool", "status").returncode, 0)
        entries = costmodel.read(self.ledger)
        self.assertEqual(
            [(e["command"], e["exit"]) for e in entries],
            [("zfs list -Hp -t snapshot", 0), ("zfs list rpool/x", 1), ("zpool status", 0)],
        )
        self.assertGreaterEqual(entries[0]["epoch"], since)
        total = costmodel.totals(costmodel.read(self.ledger, since=since))
        self.assertEqual(
            total,
            {
                "invocations": 3,
                "datasets": 4,
                "snapshots": 6,
                "pools": 1,
                "vdevs": 3,
                "modeled_cpu_us": 3 * 2000 + 4 * 30 + 6 * 15 + 50 + 3 * 50,
            },
        )
        self.assertEqual(costmodel.read(self.ledger, since=int(time.time()) + 10), [])
        summary = subprocess.run(
            [sys.executable, "-m", "rwlab.costmodel", "summary", self.ledger],
            cwd=os.path.join(labhelper.REPO, "lab"),
            capture_output=True,
            text=True,
        )
        self.assertIn("invocations=3 datasets=4 snapshots=6 pools=1 vdevs=3", summary.stdout)

    def test_an_unwritable_ledger_does_not_fail_the_command(self):
        os.makedirs(self.ledger)  # a directory: open() fails
        result = self.standin("zfs", "list", "-H", "-o", "name", "rpool")
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "rpool\n", ""))

    def test_lab_cost_sums_each_node(self):
        from rwlab import cli

        self.standin("zfs", "list")
        text = cli.cost_text(self.lab, {"nodes": {"pve1": {}, "pve2": {}}}, [], None)
        self.assertEqual(
            text.splitlines()[0].split(" modeled")[0],
            "pve1: invocations=1 datasets=4 snapshots=0 pools=0 vdevs=0",
        )
        self.assertTrue(text.splitlines()[1].startswith("pve2: invocations=0 "))
        self.assertTrue(text.splitlines()[2].startswith("total: invocations=1 "))


if __name__ == "__main__":
    unittest.main()
