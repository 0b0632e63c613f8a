"""A node tool gone wrong, bind-mounted over the real one by faults_transport.

Usage (from the per-node launcher): faulty_tool.py <behaviour> <tool> [args...]
  flood      `zfs list ... -t snapshot` prints about 100 MB (a pool with millions of snapshots)
  endless    `zfs list ... -t snapshot` never returns (a wedged zfs ioctl); it only ends
             once its reader has gone, the fault is cleared, or after MAX_HANG_SECONDS
  deny       `cat` of a PVE file fails as for a user without rights
Anything else runs the lab's stand-in unchanged.
"""
import os
import select
import sys

from rwlab import netlab

FLOOD_BYTES = 100 << 20
MAX_HANG_SECONDS = 900
DENIED_PREFIXES = ("/etc/pve/", "/var/log/pve/")


def lists_snapshots(args):
    return (
        "-t" in args
        and args.index("-t") + 1 < len(args)
        and "snapshot" in args[args.index("-t") + 1].split(",")
    )


def flood():
    # One block written many times: a Python loop of lines would take minutes.
    line = b"rpool/data/vm-100-disk-0@autosnap_2024-06-01_00:00:00_hourly\t1\t1\t1\n"
    block = line * ((1 << 20) // len(line))
    out = sys.stdout.buffer
    written = 0
    try:
        while written < FLOOD_BYTES:
            out.write(block)
            written += len(block)
        out.flush()
    except BrokenPipeError:
        pass
    return 0


def endless():
    """Blocks until the read end of stdout closes (POLLERR), like a hung command would."""
    pid_dir = os.path.join(os.environ["RWLAB_DIR"], "nodes", os.environ["RWLAB_NODE"], "endless")
    os.makedirs(pid_dir, exist_ok=True)
    pid_file = os.path.join(pid_dir, str(os.getpid()))
    open(pid_file, "w").close()
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLERR | select.POLLHUP)
        poller.poll(MAX_HANG_SECONDS * 1000)
    finally:
        try:
            os.unlink(pid_file)
        except FileNotFoundError:
            pass
    return 124


def deny(args):
    status = 0
    for path in [a for a in args if not a.startswith("-")] or ["-"]:
        if path.startswith(DENIED_PREFIXES):
            sys.stderr.write("cat: %s: Permission denied\n" % path)
            status = 1
            continue
        try:
            with open(path, "rb") if path != "-" else sys.stdin.buffer as f:
                sys.stdout.buffer.write(f.read())
        except OSError as e:
            sys.stderr.write("cat: %s: %s\n" % (path, e.strerror))
            status = 1
    sys.stdout.flush()
    return status


def main():
    behaviour, tool, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if behaviour == "deny":
        return deny(args)
    if lists_snapshots(args):
        return flood() if behaviour == "flood" else endless()
    standin = os.path.join(netlab.STANDINS, tool)
    os.execv(standin, [standin] + args)


if __name__ == "__main__":
    sys.exit(main())
