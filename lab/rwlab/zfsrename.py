"""`zfs rename <filesystem|volume> <filesystem|volume>`: OpenZFS 2.2's zfs_do_rename()
and libzfs zfs_rename() for a dataset (the cautious step of a re-seed moves the old
replica out of the way).

The dataset keeps its GUID, snapshots and children, which move with it. Messages are
libzfs's: check_parents() "cannot create '<to>': parent does not exist", the pool
check "cannot rename to '<to>': datasets must be within same pool", and the ioctl's
EEXIST through zfs_standard_error() "cannot rename '<from>': dataset already exists".
The options -p/-r/-u/-f (ancestors, snapshots, mounts) are not modelled: refused.
"""
from rwlab import cliargs


class NotModelled(Exception):
    """A form of the command the lab does not simulate; exit 2."""


def _rename(zfs, source, target):
    datasets = zfs["datasets"]
    if source not in datasets or "@" in source or "@" in target:
        return "cannot open '%s': dataset does not exist" % source
    if source == target:
        return None
    if source.split("/")[0] != target.split("/")[0]:
        return "cannot rename to '%s': datasets must be within same pool" % target
    if target.rsplit("/", 1)[0] not in datasets:
        return "cannot create '%s': parent does not exist" % target
    if target in datasets:
        return "cannot rename '%s': dataset already exists" % source
    for name in sorted(n for n in datasets if n == source or n.startswith(source + "/")):
        datasets[target + name[len(source) :]] = datasets.pop(name)
    return None


def rename(zfs, args, out, err):
    flags, _, operands = cliargs.getopt(args, "pruf", "")
    if flags:
        raise NotModelled("rwlab: zfs rename -%s is not modelled" % "".join(sorted(flags)))
    if not operands:
        raise cliargs.UsageError("missing source dataset argument")
    if len(operands) < 2:
        raise cliargs.UsageError("missing target dataset argument")
    if len(operands) > 2:
        raise cliargs.UsageError("too many arguments")
    problem = _rename(zfs, operands[0], operands[1])
    if problem:
        err.write(problem + "\n")
        return 1
    return 0
