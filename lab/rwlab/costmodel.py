"""Modeled CPU cost of the `zfs` and `zpool` stand-ins, one ledger per node.

Every stand-in invocation of `zfs` or `zpool` counts the objects the real command would
visit and appends one line to <statedir>/nodes/<node>/cost.log:

    <epoch>\t<argv joined by spaces, at most 200 characters>\t<exit code>\t
    datasets=N snapshots=N pools=N vdevs=N modeled_cpu_us=N

(tab-separated; the counts are one field). "Visited" is what zfs_for_each() /
zfs_callback() open: `zfs list -t snapshot` of everything visits every dataset and every
snapshot; `zfs list -t snapshot -d 1 <ds>...` those datasets and their own snapshots;
`zfs list -t filesystem,volume` every dataset and no snapshot; `zfs get -t filesystem,volume`
datasets only. `zpool list/get/upgrade` visit pools, `zpool status` (and `list -v`) also
every vdev of those pools.

The costs below are STATED CONSTANTS, NOT MEASUREMENTS: a fixed cost per invocation
(fork/exec of the tool, libzfs_init(), the ioctls to open the pools) plus a cost per
object visited. Real-world reference point: zrepl users report 30 s and more for
`zfs list -t snapshot` at about 10,000 snapshots on busy or cold pools, i.e. milliseconds
per snapshot when the metadata is not cached; with a warm ARC a snapshot costs a few
microseconds to tens of microseconds. The constants sit at the warm end, so the modeled
CPU is a lower bound of what a real node spends; use it to compare how many objects two
ways of collecting the same facts make a node walk, not as absolute seconds.

The ledger's epochs are the real clock at the invocation: `lab tick` does not move them
(the ledger is accounting, not lab state). Lines are appended with O_APPEND in a single
write() of less than PIPE_BUF bytes, so concurrent stand-ins do not interleave; a failing
write is ignored (it never changes the command's outcome). `lab up` starts every node
with an empty ledger and `lab down` removes it with the state directory.

    python3 -m rwlab.costmodel summary <ledger>... [--since EPOCH]
    lab/lab --name <lab> cost [<node>...] [--since EPOCH]
"""
import argparse
import os
import sys

PER_INVOCATION_US = 2000  # fork/exec, libzfs_init(), opening the pool
PER_DATASET_US = 30  # a filesystem or volume handle: stats ioctl, properties nvlist
PER_SNAPSHOT_US = 15  # a snapshot handle, as zfs_iter_snapshots() hands it out
PER_POOL_US = 50  # a pool's config and stats
PER_VDEV_US = 50  # a vdev of a pool's tree (status)
COST_US = {
    "datasets": PER_DATASET_US,
    "snapshots": PER_SNAPSHOT_US,
    "pools": PER_POOL_US,
    "vdevs": PER_VDEV_US,
}
KINDS = tuple(COST_US)
COMMAND_CHARS = 200


class Meter:
    """The objects one invocation visits."""

    def __init__(self):
        self.counts = dict.fromkeys(KINDS, 0)

    def walk(self, kind, count=1):
        self.counts[kind] += count

    def cpu_us(self):
        return PER_INVOCATION_US + sum(COST_US[k] * n for k, n in self.counts.items())


def ledger_line(epoch, argv, meter, code):
    command = " ".join(argv)
    command = "".join(" " if c in "\t\r\n" else c for c in command)[:COMMAND_CHARS]
    counts = " ".join("%s=%d" % (k, meter.counts[k]) for k in KINDS)
    return "%d\t%s\t%d\t%s modeled_cpu_us=%d\n" % (
        int(epoch),
        command,
        code,
        counts,
        meter.cpu_us(),
    )


def record(path, epoch, argv, meter, code):
    """Append one ledger line; never raises (a lost line must not fail the command)."""
    data = ledger_line(epoch, argv, meter, code).encode("utf-8", "replace")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    except OSError:
        pass


def reset(path):
    """An empty ledger (lab up)."""
    with open(path, "w", encoding="utf-8"):
        pass


def parse_line(line):
    """One ledger line -> {"epoch", "command", "exit", <kinds>..., "modeled_cpu_us"}, or
    None for a line that is not one (a torn or foreign line is skipped, not fatal)."""
    parts = line.rstrip("\n").split("\t")
    if len(parts) != 4:
        return None
    try:
        entry = {"epoch": int(parts[0]), "command": parts[1], "exit": int(parts[2])}
        for item in parts[3].split():
            key, value = item.split("=", 1)
            entry[key] = int(value)
    except ValueError:
        return None
    if "modeled_cpu_us" not in entry:
        return None
    for kind in KINDS:
        entry.setdefault(kind, 0)
    return entry


def read(path, since=None):
    """The entries of a ledger (oldest first), those at or after `since` if given; a
    missing ledger has none."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except FileNotFoundError:
        return []
    entries = [e for e in map(parse_line, lines) if e is not None]
    return [e for e in entries if since is None or e["epoch"] >= since]


def totals(entries):
    """Sums over entries: invocations, objects by kind, modeled CPU (us)."""
    result = {"invocations": len(entries)}
    for key in KINDS + ("modeled_cpu_us",):
        result[key] = sum(e[key] for e in entries)
    return result


def format_totals(label, total):
    return "%s: invocations=%d %s modeled_cpu_us=%d (%.3f s)\n" % (
        label,
        total["invocations"],
        " ".join("%s=%d" % (k, total[k]) for k in KINDS),
        total["modeled_cpu_us"],
        total["modeled_cpu_us"] / 1e6,
    )


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m rwlab.costmodel")
    sub = p.add_subparsers(dest="cmd", required=True)
    summary = sub.add_parser("summary", help="totals of one or more ledgers")
    summary.add_argument("ledger", nargs="+")
    summary.add_argument("--since", type=int, help="only entries at or after this epoch")
    args = p.parse_args(argv)
    for path in args.ledger:
        sys.stdout.write(format_totals(path, totals(read(path, args.since))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
