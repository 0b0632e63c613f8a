#!/usr/bin/env python3
"""Captures the golden exposition's input from the lab: what every node answered to every
command of one `replwatch once`, in a 3-node PVE 9.2 lab (`--ha`) where one job's chain is broken.

  sudo tests/golden/capture_from_lab.py          # rewrites tests/golden/input/
  REPLWATCH_UPDATE_GOLDEN=1 build/tests/golden/golden_exposition_test   # then metrics.prom

input/<node>.transcript holds one entry per command, in the order the node ran them: a header
line `<argv joined by spaces>\\t<exit status>\\t<stdout bytes>\\t<stderr bytes>` followed by
the raw stdout and stderr. input/clock is the time of the capture (pve1's `date +%s.%N`).
"""
import hashlib
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "bench"))
sys.path.insert(0, os.path.join(REPO, "tests", "lab"))

import lab_cycle  # noqa: E402
from replwatch_run import BINARY, lab_config  # noqa: E402

LAB = os.path.join(REPO, "lab", "lab")
NAME = "golden"
# What the SSH transport puts before every allow-listed command (transport/command_allowlist.cc).
WRAPPER = re.compile(r"^LC_ALL=C exec timeout -k \d+ \d+ ")
INPUT = os.path.join(HERE, "input")


def lab(*args):
    subprocess.run([LAB, "--name", NAME] + list(args), check=True, stdout=subprocess.DEVNULL)


def main():
    if os.geteuid() != 0:
        sys.exit("the lab needs root")
    lab("up", "--nodes", "3", "--guests", "3", "--ha")
    try:
        lab("tick", "--minutes", "16")
        lab("fault", "delete-snapshot", "103-0", "target")
        lab("tick", "--minutes", "16")
        statedir = lab_cycle.lab_state(NAME)["dir"]
        config = lab_config(statedir, 3)
        with tempfile.TemporaryDirectory() as keep:
            log = os.path.join(keep, "commands.tsv")
            proc = lab_cycle.record(NAME, log, [BINARY, "once", "--config.file=" + config], keep)
            if proc.returncode != 0:
                sys.exit("replwatch once exited %d" % proc.returncode)
            write_transcripts(keep, log)
    finally:
        lab("down")


def write_transcripts(keep, log):
    os.makedirs(INPUT, exist_ok=True)
    transcripts = {}
    with open(log) as f:
        for line in f:
            node, _, _, command = line.rstrip("\n").split("\t", 3)
            digest = hashlib.sha1(command.encode()).hexdigest()[:16]
            base = os.path.join(keep, "%s.%s" % (node, digest))
            with open(base + ".out", "rb") as out, open(base + ".err", "rb") as err:
                stdout, stderr = out.read(), err.read()
            with open(base + ".rc") as rc:
                status = int(rc.read())
            argv = shlex.split(WRAPPER.sub("", command))
            header = "%s\t%d\t%d\t%d\n" % (
                " ".join(argv),
                status,
                len(stdout),
                len(stderr),
            )
            transcripts.setdefault(node, []).append(header.encode() + stdout + stderr)
            if node == "pve1" and argv == ["date", "+%s.%N"]:
                with open(os.path.join(INPUT, "clock"), "wb") as clock:
                    clock.write(stdout)
    for node, entries in transcripts.items():
        with open(os.path.join(INPUT, node + ".transcript"), "wb") as f:
            f.write(b"".join(entries))
        print("%s: %d commands" % (node, len(entries)))


if __name__ == "__main__":
    main()
