"""`zfs rename <filesystem|volume> <filesystem|volume>` and `zfs rename <snapshot> <snapshot>`:
OpenZFS 2.2's zfs_do_rename() and libzfs zfs_rename() (the cautious step of a re-seed
moves the old replica out of the way).

A dataset keeps its GUID, snapshots and children, which move with it. Messages are
libzfs's: check_parents() "cannot create '<to>': parent does not exist", the pool
check "cannot rename to '<to>': datasets must be within same pool", and the ioctl's
EEXIST through zfs_standard_error() "cannot rename '<from>': dataset already exists".
A snapshot is renamed within its dataset: the target may be abbreviated (`new` or `@new`
for `<ds>@new`), another dataset's is refused ("cannot rename to '<to>': snapshots must be
part of same dataset"); the rename stamps the dataset's snapshots_changed
(dsl_dataset_rename_snapshot_sync_impl() -> dsl_dataset_snap_remove()).
The options -p/-r/-u/-f (ancestors, snapshots, mounts) are not modelled: refused.
"""
from rwlab import cliargs
from rwlab import zfsmodel as zm


class NotModelled(Exception):
    """A form of the command the lab does not simulate; exit 2."""


def _rename_snapshot(zfs, source, target):
    ds_name, old = source.split("@", 1)
    ds = zfs["datasets"].get(ds_name)
    if ds is None or zm.find_snap(ds, old) is None:
        return "cannot open '%s': dataset does not exist" % source
    if "@" not in target:
        target = "%s@%s" % (ds_name, target)
    elif target.startswith("@"):
        target = ds_name + target
    elif target.split("@", 1)[0] != ds_name:
        return "cannot rename to '%s': snapshots must be part of same dataset" % target
    if target == source:
        return None
    new = target.split("@", 1)[1]
    if zm.find_snap(ds, new) is not None:
        return "cannot rename '%s': dataset already exists" % source
    zm.rename_snapshot(ds, old, new)
    return None


def _rename(zfs, source, target):
    datasets = zfs["datasets"]
    if "@" in source:
        return _rename_snapshot(zfs, source, target)
    if source not in datasets:
        return "cannot open '%s': dataset does not exist" % source
    if source == target:
        return None
    if "@" in target:
        return "cannot rename to '%s': snapshot delimiter '@' is not expected here" % target
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
