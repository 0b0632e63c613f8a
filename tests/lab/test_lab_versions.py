"""What a PVE 9.2 node (OpenZFS 2.4.4, Debian 13) and a PVE 8.4 node (OpenZFS 2.2.8,
Debian 12) print, side by side in one lab, checked against real outputs' shapes."""
import json
import os
import re
import subprocess

from labhelper import LAB, LabCase, fixture_lines

USAGE_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "lab", "rwlab", "usage")


def fixture_json(relpath):
    return json.loads("\n".join(fixture_lines(relpath)))


def first(mapping):
    return next(iter(mapping.values()))


def key_tree(pool):
    """Key lists of a `zpool status -j` pool object: pool, root vdev, top vdev, first disk."""
    root = first(pool["vdevs"])
    top = first(root["vdevs"])
    return [list(pool), list(root), list(top), list(first(top["vdevs"]))]


class VersionsTest(LabCase):
    NAME = "rwt-ver"
    NODES, GUESTS, SNAPSHOTS = 2, 1, 1
    UP = ["--pve", "9,8", "--layout", "raidz1"]

    def banner(self, address):
        proc = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                "rwlab-%s" % self.NAME,
                "bash",
                "-c",
                "exec 3<>/dev/tcp/%s/22; head -1 <&3" % address,
            ],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return proc.stdout.strip()

    def test_sshd_is_the_releases_openssh_and_sees_the_nodes_files(self):
        self.assertEqual(self.banner("198.18.0.11"), "SSH-2.0-OpenSSH_10.0p2 Debian-7+deb13u4")
        self.assertEqual(self.banner("198.18.0.12"), "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10")
        for address, node, ssh in (
            ("198.18.0.11", "pve1", "OpenSSH_10.0"),
            ("198.18.0.12", "pve2", "OpenSSH_9.2"),
        ):
            result = self.ssh(address, "ssh -V; cat /etc/pve/.members; cat /etc/os-release")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertTrue(result.stderr.startswith(ssh), result.stderr)
            self.assertEqual(
                json.loads(result.stdout[: result.stdout.index("}\n}") + 3])["nodename"], node
            )
        # /usr is Debian 13's on pve1 (os-release is /usr/lib/os-release), /etc the host's.
        self.assertIn('VERSION_ID="13"', self.on("pve1", "cat", "/usr/lib/os-release").stdout)
        self.assertIn('VERSION_ID="12"', self.on("pve2", "cat", "/usr/lib/os-release").stdout)

    def test_openssh_10_penalizes_failed_logins_unless_exempt(self):
        """PerSourcePenalties (OpenSSH 9.8+): the lab exempts its bridge address until
        `ssh-penalties`; then logins that fail from it are soon refused outright."""
        refused = subprocess.run(
            [LAB, "--name", self.NAME, "fault", "ssh-penalties", "pve2"],
            capture_output=True,
            text=True,
        )
        self.assertEqual(
            refused.stderr, "lab: pve2 runs OpenSSH 9.2: PerSourcePenalties came " "with 9.8\n"
        )
        self.lab("fault", "ssh-penalties", "pve1")
        self.addCleanup(self.lab, "clear", "ssh-penalties", "pve1")
        # A key the node does not authorize (pve2's host key): 5 s of penalty per failed
        # login, refused once 15 s have accrued.
        unknown_key = "%s/nodes/pve2/ssh/ssh_host_ed25519_key" % self.statedir
        attempts = []
        for _ in range(10):
            attempts.append(self.ssh("198.18.0.11", "true", key=unknown_key))
            if "Permission denied" not in attempts[-1].stderr:
                break
        self.assertTrue(
            attempts[0].stderr.endswith("Permission denied (publickey).\n"), attempts[0].stderr
        )
        # sshd drops a penalized source at once; the client reports it as closed or, when
        # the drop overtakes its own first packet, as reset (both seen on this VM).
        self.assertRegex(
            attempts[-1].stderr, r"Connection (closed|reset) by 198\.18\.0\.11 port 22"
        )
        with open("%s/nodes/pve1/ssh/sshd.log" % self.statedir) as f:
            self.assertIn("penalty: failed authentication", f.read())

    def test_pveversion_per_release(self):
        self.assertEqual(
            self.on("pve1", "pveversion").stdout,
            "pve-manager/9.2.20/49318c671b82f31e (running kernel: 7.0.14-17-pve)\n",
        )
        self.assertEqual(
            self.on("pve2", "pveversion").stdout,
            "pve-manager/8.4.11/14a32011146091ed (running kernel: 6.8.12-13-pve)\n",
        )
        real = [
            line
            for line in fixture_lines(
                "pveversion/emesix-hwreport-pve-8845hs-pveversion-v-9.1.1-zfs-2.3.4.txt"
            )
            if line
        ]
        for node, zfs in (("pve1", "2.4.4-pve1"), ("pve2", "2.2.8-pve1")):
            ours = self.on(node, "pveversion", "-v").stdout.splitlines()
            for lines in (real, ours):
                self.assertRegex(
                    lines[0], r"^proxmox-ve: \d\.\d\.0 \(running kernel: [\d.-]+-pve\)$"
                )
                self.assertRegex(
                    lines[1], r"^pve-manager: ([\d.]+) \(running version: \1/" r"[0-9a-f]{16}\)$"
                )
                self.assertTrue(all(re.match(r"^[a-z0-9.+-]+: \S.*$", line) for line in lines))
                # After the kernel packages every line is in package order.
                rest = lines[
                    [i for i, line in enumerate(lines) if line.startswith("proxmox-kernel-")][-1]
                    + 1 :
                ]
                self.assertEqual(rest, sorted(rest))
            self.assertEqual(ours[-1], "zfsutils-linux: " + zfs)
        bad = self.on("pve1", "pveversion", "-x", check=False)
        self.assertEqual(
            (bad.returncode, bad.stdout, bad.stderr),
            (255, "", "Unknown option: x\nUSAGE: pveversion [--verbose]\n"),
        )

    def test_zfs_version_and_json_versions(self):
        for tool in ("zfs", "zpool"):
            self.assertEqual(
                self.on("pve1", tool, "version").stdout, "zfs-2.4.4-pve1\nzfs-kmod-2.4.4-pve1\n"
            )
            self.assertEqual(
                json.loads(self.on("pve1", tool, "version", "-j").stdout),
                {
                    "output_version": {
                        "command": "%s version" % tool,
                        "vers_major": 0,
                        "vers_minor": 1,
                    },
                    "zfs_version": {"userland": "zfs-2.4.4-pve1", "kernel": "zfs-kmod-2.4.4-pve1"},
                },
            )
            # 2.2's zfs_do_version()/zpool_do_version() ignore their arguments.
            self.assertEqual(
                self.on("pve2", tool, "version", "-j").stdout,
                "zfs-2.2.8-pve1\nzfs-kmod-2.2.8-pve1\n",
            )

    def test_json_options_fail_on_2_2_as_its_getopt_does(self):
        for tool, command in (
            ("zpool", "status"),
            ("zpool", "list"),
            ("zpool", "get"),
            ("zfs", "list"),
            ("zfs", "get"),
        ):
            args = [tool, command, "-j"] + (["all"] if command == "get" else [])
            result = self.on("pve2", *args, check=False)
            with open(os.path.join(USAGE_DIR, "%s-2.2.8-%s.txt" % (tool, command))) as f:
                usage = f.read()
            self.assertEqual(
                (result.returncode, result.stdout, result.stderr),
                (2, "", "invalid option 'j'\n" + usage),
                args,
            )
        status = self.on("pve2", "zpool", "status", "--json", check=False)
        self.assertEqual(status.stderr.split("\n")[0], "invalid option '\0'")

    def test_zpool_status_json_matches_the_real_raidz_sample(self):
        real = first(
            fixture_json(
                "zpool-status-json/anas-b264078-raidz1-degraded-removed-scrub-finished.txt"
            )["pools"]
        )
        self.lab("fault", "remove-disk", "pve1")
        self.addCleanup(self.lab, "clear", "remove-disk", "pve1")
        out = self.on("pve1", "zpool", "status", "-j").stdout
        document = json.loads(out)
        # One line as nvlist_print_json() writes it: no whitespace between tokens.
        self.assertEqual(json.dumps(document, separators=(",", ":")) + "\n", out)
        self.assertEqual(
            document["output_version"],
            {"command": "zpool status", "vers_major": 0, "vers_minor": 1},
        )
        pool = document["pools"]["rpool"]
        # A raidz expansion (test_raidz_expansion_line_and_json) stays on record.
        pool.pop("raidz_expand_stats", None)
        self.assertEqual(key_tree(pool), key_tree(real))
        self.assertEqual(list(pool["scan_stats"]), list(real["scan_stats"]))
        self.assertEqual(pool["status"], real["status"])
        self.assertEqual(pool["action"], real["action"])
        disks = first(first(pool["vdevs"])["vdevs"])["vdevs"]
        states = [d["state"] for d in disks.values()]
        self.assertEqual(states, ["ONLINE"] * (len(states) - 1) + ["REMOVED"])
        self.assertTrue(all(isinstance(v, str) for v in pool["scan_stats"].values()))
        text = self.on("pve1", "zpool", "status").stdout
        self.assertIn("status: One or more devices have been removed.\n\tSufficient", text)
        self.assertIn("action: Online the device using zpool online' or replace", text)
        # --json-int: numbers are integers (GUIDs beyond 2^53 too); --json-pool-key-guid.
        as_int = json.loads(
            self.on("pve1", "zpool", "status", "-j", "--json-int", "--json-pool-key-guid").stdout
        )
        ((guid, pool),) = as_int["pools"].items()
        self.assertEqual(str(pool["pool_guid"]), guid)
        self.assertIsInstance(pool["txg"], int)
        self.assertIsInstance(pool["scan_stats"]["end_time"], int)

    def test_removed_disk_wording_before_2_3_3(self):
        self.lab("fault", "remove-disk", "pve2")
        self.addCleanup(self.lab, "clear", "remove-disk", "pve2")
        text = self.on("pve2", "zpool", "status").stdout
        self.assertIn("status: One or more devices has been removed by the administrator.\n", text)
        self.assertRegex(text, r"\n\t    \S+  REMOVED      0     0     0\n")

    def test_flat_vdevs_list_every_vdev_with_its_parent(self):
        pool = json.loads(self.on("pve1", "zpool", "status", "-j", "--json-flat-vdevs").stdout)[
            "pools"
        ]["rpool"]
        vdevs = pool["vdevs"]
        self.assertEqual(list(vdevs)[-2:], ["raidz1-0", "rpool"])
        self.assertEqual(vdevs["raidz1-0"]["parent"], "rpool")
        self.assertNotIn("parent", vdevs["rpool"])
        disks = list(vdevs)[:-2]
        self.assertEqual(len(disks), 3)
        self.assertTrue(all(vdevs[d]["parent"] == "raidz1-0" for d in disks))
        bad = self.on("pve1", "zpool", "status", "--json-flat-vdevs", check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertTrue(bad.stderr.startswith("'--json-flat-vdevs' only works with '-j' option\n"))

    def test_zpool_list_and_get_json_match_the_real_sample(self):
        real = first(
            fixture_json("zpool-list-json/anas-b264078-raidz1-one-line-no-vdevs.txt")["pools"]
        )
        ours = first(json.loads(self.on("pve1", "zpool", "list", "-j").stdout)["pools"])
        self.assertEqual(list(ours), list(real))
        self.assertEqual(list(ours["properties"]), list(real["properties"]))
        self.assertEqual(
            {k: v["source"] for k, v in ours["properties"].items()},
            {k: v["source"] for k, v in real["properties"].items()},
        )
        got = json.loads(self.on("pve1", "zpool", "get", "-j", "-p", "all").stdout)
        props = first(got["pools"])["properties"]
        self.assertNotIn("name", props)
        self.assertEqual(props["dedup_table_quota"]["value"], "auto")
        self.assertEqual(
            props["feature@longname"],
            {"value": "enabled", "source": {"type": "LOCAL", "data": "-"}},
        )
        self.assertRegex(props["size"]["value"], r"^\d+$")

    def test_zfs_list_and_get_json_match_the_real_shape(self):
        real = first(
            fixture_json("zfs-get/openzfs-man-zfs-get-j-r-mountpoint-json.txt")["datasets"]
        )
        got = json.loads(
            self.on("pve1", "zfs", "get", "-j", "-r", "mountpoint", "rpool/data").stdout
        )
        self.assertEqual(
            got["output_version"], {"command": "zfs get", "vers_major": 0, "vers_minor": 1}
        )
        data = got["datasets"]["rpool/data"]
        self.assertEqual(list(data), list(real))
        self.assertEqual(
            data["properties"]["mountpoint"],
            {"value": "/rpool/data", "source": {"type": "DEFAULT", "data": "-"}},
        )
        snaps = json.loads(
            self.on(
                "pve1", "zfs", "list", "-j", "--json-int", "-t", "snapshot", "-o", "name,guid"
            ).stdout
        )["datasets"]
        name, snap = next(iter(snaps.items()))
        self.assertEqual(
            list(snap),
            ["name", "type", "pool", "createtxg", "dataset", "snapshot_name", "properties"],
        )
        self.assertEqual(name, "%s@%s" % (snap["dataset"], snap["snapshot_name"]))
        self.assertIsInstance(snap["properties"]["guid"]["value"], int)
        self.assertNotIn("name", snap["properties"])

    def next_disk(self, node):
        """The name `zpool attach` would be given: the next serial of the node's disks."""
        disks = [
            line.split()[0]
            for line in self.on(node, "zpool", "status").stdout.splitlines()
            if line.startswith("\t    ")
        ]
        stem, serial = re.match(r"(.*?)(\d+)-part3$", disks[0]).groups()
        return "%s%0*d-part3" % (stem, len(serial), int(serial) + len(disks))

    def test_raidz_expansion_line_and_json(self):
        refused = subprocess.run(
            [LAB, "--name", self.NAME, "fault", "raidz-expand", "pve2"],
            capture_output=True,
            text=True,
        )
        self.assertEqual(
            (refused.returncode, refused.stderr),
            (
                1,
                "lab: cannot attach %s to raidz1-0: can only attach to mirrors and "
                "top-level disks\n" % self.next_disk("pve2"),
            ),
        )
        self.lab("fault", "raidz-expand", "pve1", "30")
        self.addCleanup(self.lab, "clear", "raidz-expand", "pve1")
        lines = self.on("pve1", "zpool", "status").stdout.splitlines()
        at = [i for i, line in enumerate(lines) if line.startswith("expand: ")][0]
        self.assertRegex(
            lines[at],
            r"^expand: expansion of raidz1-0 in progress since "
            r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$",
        )
        self.assertRegex(
            lines[at + 1],
            r"^\t\S+ / \S+ copied at \S+/s, \d+\.\d\d% done, " r"(\d+ days )?\d\d:\d\d:\d\d to go$",
        )
        self.assertEqual(lines[at + 2], "config:")
        stats = json.loads(self.on("pve1", "zpool", "status", "-j").stdout)["pools"]["rpool"][
            "raidz_expand_stats"
        ]
        self.assertEqual(
            list(stats),
            [
                "name",
                "state",
                "expanding_vdev",
                "start_time",
                "end_time",
                "to_reflow",
                "reflowed",
                "waiting_for_resilver",
            ],
        )
        self.assertEqual(
            (stats["name"], stats["state"], stats["end_time"]), ("raidz1", "SCANNING", "-")
        )
        self.lab("clear", "raidz-expand", "pve1")
        done = [
            line
            for line in self.on("pve1", "zpool", "status").stdout.splitlines()
            if line.startswith("expand: ")
        ]
        self.assertRegex(
            done[0],
            r"^expand: expanded raidz1-0 copied \S+ in \d\d:\d\d:\d\d, on "
            r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$",
        )

    def test_replication_network_is_named_on_pve9_only(self):
        self.assertEqual(
            self.on("pve1", "cat", "/etc/pve/datacenter.cfg").stdout,
            "keyboard: en-us\nreplication: secure,network=198.18.0.0/24\n",
        )
        self.lab("tick", "--minutes", "16")
        logs = {
            node: self.on(node, "cat", "/var/log/pve/replicate/%s" % job).stdout
            for node, job in (("pve1", "100-0"), ("pve2", "101-0"))
        }
        self.assertIn(
            " 100-0: using secure transmission over 198.18.0.0/24, rate limit: none\n", logs["pve1"]
        )
        self.assertIn(" 101-0: using secure transmission, rate limit: none\n", logs["pve2"])


if __name__ == "__main__":
    import unittest

    unittest.main()
