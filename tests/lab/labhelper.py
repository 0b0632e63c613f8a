"""Shared fixture for the lab tests: one small lab per test module, always torn down."""
import os
import subprocess
import sys
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LAB = os.path.join(REPO, "lab", "lab")
FIXTURES = os.path.normpath(os.path.join(REPO, "..", "shared", "fixtures", "real-world"))
sys.path.insert(0, os.path.join(REPO, "lab"))


def fixture_lines(relpath):
    """A real-world sample without its two '# source/# command' header lines."""
    with open(os.path.join(FIXTURES, relpath), encoding="utf-8") as f:
        return f.read().split("\n")[2:]


class LabCase(unittest.TestCase):
    NAME = None
    NODES, GUESTS, SNAPSHOTS = 3, 2, 3
    UP = []  # more `lab up` options (--pve 8, --layout raidz1, ...)

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("the lab needs root")
        cls.statedir = "/run/replwatch-lab/%s" % cls.NAME
        subprocess.run([LAB, "down", "--name", cls.NAME], capture_output=True)
        try:
            cls.lab(
                "up",
                "--nodes",
                str(cls.NODES),
                "--guests",
                str(cls.GUESTS),
                "--snapshots",
                str(cls.SNAPSHOTS),
                *cls.UP
            )
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        subprocess.run([LAB, "down", "--name", cls.NAME], capture_output=True)

    @classmethod
    def lab(cls, *args, check=True):
        proc = subprocess.run(
            [LAB, "--name", cls.NAME] + list(args), capture_output=True, text=True, timeout=300
        )
        if check and proc.returncode != 0:
            raise AssertionError("lab %s failed: %s%s" % (" ".join(args), proc.stdout, proc.stderr))
        return proc.stdout

    @classmethod
    def on(cls, node, *command, check=True):
        """Run a command on a node (its namespaces, as an SSH session would see them)."""
        proc = subprocess.run(
            [LAB, "--name", cls.NAME, "exec", node, "--"] + list(command),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                "%s on %s failed (%d): %s" % (command, node, proc.returncode, proc.stderr)
            )
        return proc

    @classmethod
    def ssh(cls, address, command, timeout=10, key=None):
        """replwatch's view: real ssh with the lab's key (or `key` only) and known_hosts,
        from the lab namespace."""
        argv = [
            "ip",
            "netns",
            "exec",
            "rwlab-%s" % cls.NAME,
            "ssh",
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=3",
            "-o",
            "IdentitiesOnly=yes",
            "-i",
            key or os.path.join(cls.statedir, "replwatch_id_ed25519"),
            "-o",
            "UserKnownHostsFile=%s" % os.path.join(cls.statedir, "known_hosts"),
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "root@%s" % address,
            command,
        ]
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            return subprocess.CompletedProcess(argv, 124, e.stdout or "", e.stderr or "")

    def job_row(self, node, jobid):
        for line in self.on(node, "pvesr", "status").stdout.split("\n"):
            if line.startswith(jobid + " "):
                return line
        self.fail("job %s not listed on %s" % (jobid, node))

    def job_json(self, node, jobid):
        import json

        out = self.on(
            node, "pvesh", "get", "/nodes/%s/replication" % node, "--output-format", "json"
        ).stdout
        return {j["id"]: j for j in json.loads(out)}[jobid]
