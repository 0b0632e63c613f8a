"""`zfs destroy [-nprRv] <dataset|dataset@snap[%snap][,...]>`: zfs_do_destroy() of OpenZFS 2.2.

Mutates the node's model (the stand-in saves it); -n only reports. Dependents are listed
post-order as zfs_iter_dependents() visits them: child datasets, then snapshots.
"""
from rwlab import cliargs
from rwlab import fmt
from rwlab import zfsmodel as zm


class DestroyError(Exception):
    """Printed as is on stderr; exit code 1."""


def _children(zfs, name):
    return sorted(
        (n for n in zfs["datasets"] if n.startswith(name + "/")), key=lambda n: n.split("/")
    )


def _dependents(zfs, name):
    """Every dataset and snapshot below `name`, each child before its parent."""
    result = []
    for child in [c for c in _children(zfs, name) if c.count("/") == name.count("/") + 1]:
        result += _dependents(zfs, child) + [child]
    return result + ["%s@%s" % (name, s["name"]) for s in zfs["datasets"][name]["snaps"]]


def _snapspec(ds, spec):
    """Snapshots of `ds` named by `a,b,c%d` (a range is by creation order, ends optional)."""
    names = [s["name"] for s in ds["snaps"]]
    chosen = []
    for part in spec.split(","):
        if "%" in part:
            first, last = part.split("%", 1)
            if (first and first not in names) or (last and last not in names):
                continue
            lo = names.index(first) if first else 0
            hi = names.index(last) if last else len(names) - 1
            chosen += names[lo : hi + 1]
        elif part in names:
            chosen.append(part)
    return [n for n in names if n in chosen]


def _report(flags, names, out):
    if "v" not in flags and "p" not in flags:
        return
    for name in names:
        if "p" in flags:
            out.write("destroy\t%s\n" % name)
        else:
            out.write("%s destroy %s\n" % ("would" if "n" in flags else "will", name))


def _destroy_snapshots(zfs, flags, name, out):
    ds_name, spec = name.split("@", 1)
    if ds_name not in zfs["datasets"]:
        raise DestroyError("cannot open '%s': dataset does not exist" % ds_name)
    scope = [ds_name] + (_children(zfs, ds_name) if flags & {"r", "R"} else [])
    doomed = [(d, s) for d in scope for s in _snapspec(zfs["datasets"][d], spec)]
    if not doomed:
        raise DestroyError("could not find any snapshots to destroy; check snapshot names.")
    _report(flags, ["%s@%s" % pair for pair in doomed], out)
    reclaim = sum(
        zfs["datasets"][d]["snaps"][i]["used"]
        for d, s in doomed
        for i, snap in enumerate(zfs["datasets"][d]["snaps"])
        if snap["name"] == s
    )
    if "p" in flags:
        out.write("reclaim\t%d\n" % reclaim)
    elif "v" in flags:
        out.write("%s reclaim %s\n" % ("would" if "n" in flags else "will", fmt.nicebytes(reclaim)))
    if "n" not in flags:
        for d, s in doomed:
            zm.destroy_snapshot(zfs["datasets"][d], s)


def _destroy_dataset(zfs, flags, name, out):
    ds = zfs["datasets"].get(name)
    if ds is None:
        raise DestroyError("cannot open '%s': dataset does not exist" % name)
    recursive = bool(flags & {"r", "R"})
    if not recursive and "/" not in name and ds["type"] == "filesystem":
        raise DestroyError(
            "cannot destroy '%s': operation does not apply to pools\n"
            "use 'zfs destroy -r %s' to destroy all datasets in the pool\n"
            "use 'zpool destroy %s' to destroy the pool itself" % (name, name, name)
        )
    dependents = _dependents(zfs, name)
    if dependents and not recursive:
        raise DestroyError(
            "cannot destroy '%s': %s has children\n"
            "use '-r' to destroy the following datasets:\n%s"
            % (name, ds["type"], "\n".join(dependents))
        )
    _report(flags, dependents + [name], out)
    if "n" in flags:
        return
    for dependent in dependents:
        if "@" not in dependent:
            del zfs["datasets"][dependent]
    if "/" in name:  # a pool's root dataset stays (destroy_callback() skips pools)
        del zfs["datasets"][name]
    else:
        zm.drop_snapshots(ds, lambda snap: True)


def destroy(zfs, args, out, err):
    flags, _, operands = cliargs.getopt(args, "vpndfrR", "", permute=True)
    if not operands:
        raise cliargs.UsageError("missing dataset argument")
    if len(operands) > 1:
        raise cliargs.UsageError("too many arguments")
    try:
        if "@" in operands[0]:
            _destroy_snapshots(zfs, flags, operands[0], out)
        else:
            _destroy_dataset(zfs, flags, operands[0], out)
    except DestroyError as e:
        err.write("%s\n" % e)
        return 1
    return 0
