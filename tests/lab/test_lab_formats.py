"""Stand-in output compared with real samples, SSH access, and replication by `lab tick`."""
import json
import re
import time
import unittest

from labhelper import LabCase, fixture_lines

PVESR_COLUMNS = [
    (0, 10, "l"),
    (11, 21, "l"),
    (22, 42, "l"),
    (43, 63, "r"),
    (64, 84, "r"),
    (85, 95, "r"),
    (96, 106, "r"),
]


class FormatsTest(LabCase):
    NAME = "rwt-fmt"

    def test_replwatch_key_and_known_hosts_work_from_the_lab_namespace(self):
        result = self.ssh("198.18.0.12", "hostname; zfs version")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "pve2\nzfs-2.4.4-pve1\nzfs-kmod-2.4.4-pve1\n")

    def test_node_to_node_ssh_uses_the_cluster_key(self):
        result = self.on("pve1", "ssh", "-o", "BatchMode=yes", "root@198.18.0.12", "hostname")
        self.assertEqual(result.stdout, "pve2\n")
        pinned = self.on(
            "pve1",
            "ssh",
            "-e",
            "none",
            "-o",
            "BatchMode=yes",
            "-o",
            "HostKeyAlias=pve3",
            "-o",
            "UserKnownHostsFile=/etc/pve/nodes/pve3/ssh_known_hosts",
            "-o",
            "GlobalKnownHostsFile=none",
            "root@198.18.0.13",
            "hostname",
        )
        self.assertEqual(pinned.stdout, "pve3\n")

    def test_pvesr_status_layout_matches_real_output(self):
        real = fixture_lines("pvesr/andy-first-sync-ok.txt")
        ours = self.on("pve1", "pvesr", "status").stdout.split("\n")
        self.assertEqual(ours[0], real[0])
        self.assertGreaterEqual(len(ours), 3)
        for row in ours[1:-1]:
            for start, end, align in PVESR_COLUMNS:
                cell_real, cell_ours = real[1][start:end], row[start:end]
                self.assertEqual(len(cell_ours), end - start, row)
                if align == "l":
                    self.assertFalse(cell_ours.startswith(" "), row)
                else:
                    self.assertFalse(cell_ours.endswith(" "), row)
                self.assertEqual(cell_real.strip() != "", cell_ours.strip() != "")
            self.assertRegex(
                row,
                r"^\d+-\d+ +Yes +local/pve\d +\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d +"
                r"(\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d|pending) +\d+\.\d+ +0 OK$",
            )

    def test_vmlist_is_pmxcfs_text_for_every_node(self):
        # cfs_create_vmlist_msg(): one guest per line, the last closed on its own line.
        out = self.on("pve2", "cat", "/etc/pve/.vmlist").stdout
        lines = out.split("\n")
        self.assertRegex(lines[1], r'^"version": \d+,$')
        self.assertEqual(lines[2], '"ids": {')
        guests = lines[3 : lines.index("")]
        for line in guests:
            self.assertRegex(
                line,
                r'^"\d+": \{ "node": "pve\d", "type": "(qemu|lxc)", "version": \d+ \}(,|\})$',
            )
        self.assertTrue(guests[-1].endswith("}}"))
        self.assertEqual(lines[-2:], ["}", ""])
        ids = json.loads(out)["ids"]
        self.assertEqual(len(ids), self.NODES * self.GUESTS)
        # The same file on every node (pmxcfs), each guest where pvesh lists its jobs.
        self.assertEqual(self.on("pve1", "cat", "/etc/pve/.vmlist").stdout, out)
        for job in json.loads(self.on("pve1", "pvesh", "get", "/nodes/pve1/replication").stdout):
            self.assertEqual(ids[job["guest"]]["node"], "pve1")

    def test_pvesh_replication_json_is_canonical_and_node_local(self):
        out = self.on(
            "pve1", "pvesh", "get", "/nodes/pve1/replication", "--output-format", "json"
        ).stdout
        self.assertTrue(out.endswith("]\n"))
        self.assertNotIn(" ", out.strip())
        jobs = json.loads(out)
        self.assertTrue(jobs)
        for job in jobs:
            self.assertEqual(list(job), sorted(job))
            self.assertIsInstance(job["guest"], str)
            self.assertIsInstance(job["jobnum"], str)
            self.assertEqual(job["source"], "pve1")
            self.assertNotEqual(job["target"], "pve1")
            self.assertEqual(job["type"], "local")
        self.assertEqual([j["id"] for j in jobs], sorted(j["id"] for j in jobs))

    def test_zpool_status_layout_matches_healthy_sample(self):
        real = fixture_lines("zpool-status/asokolsky-raidz2-healthy-after-clear.txt")
        ours = self.on("pve1", "zpool", "status").stdout.split("\n")
        prefixes = ["  pool: ", " state: ", "  scan: ", "config:", "", "\tNAME"]
        for i, prefix in enumerate(prefixes):
            self.assertTrue(real[i].startswith(prefix), real[i])
            self.assertTrue(ours[i].startswith(prefix), ours[i])
        self.assertRegex(
            ours[2],
            r"^  scan: scrub repaired 0B in \d\d:\d\d:\d\d with 0 errors on "
            r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$",
        )
        for lines in (real, ours):
            header = lines[5]
            width = header.index("STATE") - 3
            self.assertEqual(header, "\t%-*s  STATE     READ WRITE CKSUM" % (width, "NAME"))
            rows = lines[6 : lines.index("", 6)]
            for row in rows:
                self.assertRegex(row[header.index("STATE") :], r"^ONLINE +0 +0 +0$")
            self.assertEqual(lines[6 + len(rows) :], ["", "errors: No known data errors", ""])

    def test_zpool_list_matches_real_sample_for_a_pool_of_the_same_name(self):
        import io
        from rwlab import store, zpoolcli

        real = fixture_lines("zpool-list/2davi-pve-local-zfs-single-pool.txt")
        zfs = store.read_json("%s/nodes/pve1/zfs.json" % self.statedir)
        zfs["pools"]["rpool"]["name"] = "local-zfs"
        zfs["pools"] = {"local-zfs": zfs["pools"]["rpool"]}
        zfs["datasets"] = {}
        out = io.StringIO()
        self.assertEqual(zpoolcli.main(zfs, ["list"], out=out), 0)
        ours = out.getvalue().split("\n")
        self.assertEqual(ours[0], real[0])
        self.assertEqual(len(ours[1]), len(real[1]))
        ends = [m.end() for m in re.finditer(r"\S+", real[1])]
        self.assertEqual([m.end() for m in re.finditer(r"\S+", ours[1])], ends)
        self.assertRegex(
            ours[1], r"^local-zfs +\S+ +\S+ +\S+ +- +- +\d+% +\d+% +1\.00x +ONLINE  -$"
        )

    def test_scripted_listings_are_tab_separated_exact_numbers(self):
        pools = self.on(
            "pve1", "zpool", "list", "-Hp", "-o", "name,size,alloc,free,cap,frag,health"
        ).stdout
        self.assertRegex(pools, r"^rpool\t\d+\t\d+\t\d+\t\d{1,3}\t\d{1,3}\tONLINE\n$")
        snaps = (
            self.on(
                "pve1",
                "zfs",
                "list",
                "-Hp",
                "-t",
                "snapshot",
                "-o",
                "name,guid,createtxg",
                "-s",
                "createtxg",
            )
            .stdout.strip()
            .split("\n")
        )
        txgs = []
        for line in snaps:
            self.assertRegex(line, r"^rpool/data/(vm|subvol)-\d+-disk-\d+@\S+\t\d+\t\d+$")
            guid = int(line.split("\t")[1])
            self.assertLess(guid, 1 << 64)
            txgs.append(int(line.split("\t")[2]))
        self.assertEqual(txgs, sorted(txgs))
        props = self.on(
            "pve1",
            "zfs",
            "get",
            "-Hp",
            "-o",
            "name,property,value",
            "type,volsize,receive_resume_token,keystatus",
            "rpool/data/vm-100-disk-0",
        ).stdout
        self.assertRegex(
            props,
            r"^rpool/data/vm-100-disk-0\ttype\tvolume\n"
            r"rpool/data/vm-100-disk-0\tvolsize\t\d+\n"
            r"rpool/data/vm-100-disk-0\treceive_resume_token\t-\n"
            r"rpool/data/vm-100-disk-0\tkeystatus\tnone\n$",
        )
        missing = self.on("pve1", "zfs", "list", "rpool/nope", check=False)
        self.assertEqual(
            (missing.returncode, missing.stderr),
            (1, "cannot open 'rpool/nope': dataset does not exist\n"),
        )
        bad = self.on("pve1", "zfs", "frobnicate", check=False)
        self.assertEqual(bad.returncode, 2)

    def test_tick_replicates_with_same_guids_and_prunes(self):
        def repl_snaps(node):
            out = self.on(
                node,
                "zfs",
                "list",
                "-Hp",
                "-t",
                "snapshot",
                "-o",
                "name,guid",
                "rpool/data/vm-100-disk-0",
            ).stdout
            return dict(
                line.split("@", 1)[1].split("\t")
                for line in out.strip().split("\n")
                if "@__replicate_100-0_" in line
            )

        before = repl_snaps("pve1")
        said = self.lab("tick", "--minutes", "16")
        # `lab tick` says what ran: here every job of every node, each ok.
        self.assertRegex(said, r"(?m)^pve1: job 100-0 -> pve2 at \d\d:\d\d:\d\d, [\d.]+ s, ok$")
        for jobid in ["100-0", "101-0", "102-0", "103-0", "104-0", "105-0"]:
            self.assertIn(" job %s -> " % jobid, said)
        source, target = repl_snaps("pve1"), repl_snaps("pve2")
        self.assertEqual(len(source), 1)
        self.assertEqual(source, target)
        self.assertNotEqual(source, before)
        last_sync = self.job_json("pve1", "100-0")["last_sync"]
        self.assertEqual(list(source), ["__replicate_100-0_%d__" % last_sync])
        log = self.on("pve1", "cat", "/var/log/pve/replicate/100-0").stdout.strip().split("\n")
        for line in log:
            self.assertRegex(line, r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 100-0: ")
        self.assertTrue(log[0].endswith(" 100-0: start replication job"))
        self.assertTrue(log[-1].endswith(" 100-0: end replication job"))
        self.assertTrue(any("incremental sync 'local-zfs:vm-100-disk-0'" in line for line in log))

    def test_a_tick_leaves_no_last_sync_in_the_future(self):
        # A pass runs a node's jobs one after the other in simulated time; the later
        # ones must not start after the real clock (PVE would refuse the next run).
        jobs = {"pve1": ["100-0", "101-0"], "pve2": ["102-0", "103-0"], "pve3": ["104-0", "105-0"]}
        before = {}
        for node, ids in jobs.items():
            for jobid in ids:
                before[jobid] = self.job_json(node, jobid)["last_sync"]
                self.on(node, "pvesr", "schedule-now", jobid)
        time.sleep(max(0.0, max(before.values()) + 1.1 - time.time()))
        said = self.lab("tick")
        ticked = time.time()
        self.assertEqual(len(said.strip().split("\n")), 6, said)
        for node, ids in jobs.items():
            for jobid in ids:
                last_sync = self.job_json(node, jobid)["last_sync"]
                self.assertGreater(last_sync, before[jobid], "%s did not run" % jobid)
                self.assertLessEqual(last_sync, ticked, jobid)

    def test_pve_files_are_the_nodes_own(self):
        members = json.loads(self.on("pve2", "cat", "/etc/pve/.members").stdout)
        self.assertEqual(members["nodename"], "pve2")
        self.assertEqual(members["nodelist"]["pve3"], {"id": 3, "online": 1, "ip": "198.18.0.13"})
        cfg = self.on("pve3", "cat", "/etc/pve/replication.cfg").stdout
        self.assertIn("local: 100-0\n\ttarget pve2\n", cfg)
        self.assertEqual(
            self.on("pve1", "pveversion").stdout,
            "pve-manager/9.2.20/49318c671b82f31e (running kernel: 7.0.14-17-pve)\n",
        )


if __name__ == "__main__":
    unittest.main()
