"""Entry point of the stand-ins in lab/standins/ (zfs, zpool, pvesh, pvesr, pveversion, date).

The node a stand-in answers for comes from RWLAB_NODE and the lab from RWLAB_DIR;
each node's sshd sets both for its sessions (SetEnv), `lab exec` sets them too.
"""
import os
import sys
import time

from rwlab import store

REAL_DATE = "/usr/bin/date"


def _date(lab, node, args):
    state = lab.load_state()
    offset = state["nodes"][node].get("clock_offset", 0)
    explicit = any(
        a in ("-d", "-s", "-r", "-f")
        or a.startswith(("--date", "--set", "--reference", "--file", "-d", "-s", "-r"))
        for a in args
    )
    if offset and not explicit:
        args = ["-d", "@%d" % int(time.time() + offset)] + args
    os.execv(REAL_DATE, [REAL_DATE] + args)


def main():
    tool = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    node = os.environ.get("RWLAB_NODE")
    statedir = os.environ.get("RWLAB_DIR")
    if not node or not statedir:
        if tool == "date":
            os.execv(REAL_DATE, [REAL_DATE] + args)
        sys.stderr.write("%s: rwlab stand-in needs RWLAB_NODE and RWLAB_DIR\n" % tool)
        return 1
    lab = store.Lab(statedir)
    if tool == "date":
        return _date(lab, node, args)
    if tool == "pveversion":
        from rwlab import pvecli

        return pvecli.pveversion(lab.load_state()["nodes"][node], args, sys.stdout, sys.stderr)
    mutating = (tool, args[:1]) in (
        ("zfs", ["destroy"]),
        ("zfs", ["receive"]),
        ("zfs", ["recv"]),
        ("zfs", ["rename"]),
        ("zpool", ["upgrade"]),
        ("pvesr", ["schedule-now"]),
        ("pvesr", ["enable"]),
        ("pvesr", ["disable"]),
    )
    if tool in ("zfs", "zpool"):
        from rwlab import costmodel

        meter = costmodel.Meter()
        with lab.locked(exclusive=mutating):
            zfs = store.read_json(lab.zfs_file(node))
            if tool == "zfs":
                from rwlab import zfscli as cli
            else:
                from rwlab import zpoolcli as cli
            code = cli.main(zfs, args, meter=meter)
            if mutating and code == 0:
                from rwlab import zfsmodel

                zfsmodel.publish_snapshots_changed(zfs)
                store.write_json(lab.zfs_file(node), zfs)
        costmodel.record(lab.cost_file(node), time.time(), [tool] + args, meter, code)
        return code
    with lab.locked(exclusive=mutating):
        state = lab.load_state()
        from rwlab import pvecli

        if tool == "pvesh":
            return pvecli.pvesh(lab, state, node, args, sys.stdout, sys.stderr)
        if tool == "pvesr":
            return pvecli.pvesr(lab, state, node, args, sys.stdout, sys.stderr, int(time.time()))
    sys.stderr.write("%s: not a stand-in\n" % tool)
    return 127
