"""`zfs send -n`: OpenZFS 2.2's dry-run size estimate (zfs_do_send(), libzfs_sendrecv.c).

Without -R/-I it is zfs_send_one(): one line `incremental\\t<from>\\t<to>\\t<bytes>` or
`full\\t<to>\\t<bytes>` (with -P), then `size\\t<bytes>`. With -R/-I it is zfs_send():
one line per snapshot, the incremental source by its short name. Dry runs print on
stdout. The lab never streams, so a send without -n is refused.
"""
import os

from rwlab import cliargs
from rwlab import fmt
from rwlab import zfsmodel as zm

# Begin/end records and object headers: even an empty stream has them.
MIN_STREAM = 4096 * 15


class SendError(Exception):
    """Printed as is on stderr; exit code 1."""


def stream_size(prev, snap):
    """Bytes a send of `snap` ships: incremental from `prev`, or full when prev is None.

    An incremental carries the blocks born since `prev` that `snap` still references:
    what was written in between, but never more than `snap` references (rewrites of
    the same blocks count once).
    """
    size = min(snap["wclock"] - prev["wclock"], snap["refer"]) if prev else snap["refer"]
    return max(size, MIN_STREAM)


def _snapshot(zfs, name):
    ds_name, _, snap_name = name.partition("@")
    ds = zfs["datasets"].get(ds_name)
    snap = zm.find_snap(ds, snap_name) if ds and snap_name else None
    if snap is None:
        raise SendError("cannot open '%s': dataset does not exist" % name)
    return ds_name, snap


def _line(parsable, to, frm, size):
    """send_print_verbose()."""
    if parsable:
        return (
            "incremental\t%s\t%s\t%d\n" % (frm, to, size) if frm else "full\t%s\t%d\n" % (to, size)
        )
    if frm:
        at = "" if "@" in frm else "@"
        return "send from %s%s to %s estimated size is %s\n" % (at, frm, to, fmt.nicenum(size))
    return "full send of %s estimated size is %s\n" % (to, fmt.nicenum(size))


def _total(parsable, size):
    return "size\t%d\n" % size if parsable else "total estimated size is %s\n" % fmt.nicenum(size)


def _send_one(zfs, target, frm):
    """[(to, from, size)] of `zfs send [-i from] target` (zfs_send_one_cb_impl())."""
    if frm and frm.startswith("@"):
        frm = target.partition("@")[0] + frm
    if "@" not in target:
        raise cliargs.UsageError("rwlab: only snapshots are sent (no filesystem/volume heads)")
    ds_name, to_snap = _snapshot(zfs, target)
    if not frm:
        return [(target, None, stream_size(None, to_snap))]
    from_ds, from_snap = _snapshot(zfs, frm)
    if from_ds != ds_name or from_snap["createtxg"] >= to_snap["createtxg"]:
        raise SendError(
            "warning: cannot send '%s': not an earlier snapshot from the same fs" % target
        )
    return [(target, frm, stream_size(from_snap, to_snap))]


def _send_many(zfs, target, frm, doall, recursive):
    """[(to, from, size)] of `zfs send -R|-I` (zfs_send(), dump_snapshot())."""
    if frm and "#" in frm:
        raise SendError("Error: multiple snapshots cannot be sent from a bookmark.")
    if "@" not in target:
        raise SendError("Error: Unsupported flag with filesystem or bookmark.")
    ds_name, to_name = target.split("@", 1)
    ds = zfs["datasets"].get(ds_name)
    if ds is None:
        raise SendError("cannot open '%s': dataset does not exist" % ds_name)
    if frm and "@" in frm:
        prefix, frm = frm.split("@", 1)
        if prefix and prefix != ds_name:
            raise cliargs.UsageError("incremental source must be in same filesystem")
        if "@" in frm or "/" in frm:
            raise cliargs.UsageError("invalid incremental source")
    from_snap = _snapshot(zfs, "%s@%s" % (ds_name, frm))[1] if frm else None
    to_snap = zm.find_snap(ds, to_name)
    if to_snap is None:
        raise SendError(
            "cannot send %s%s: snapshot %s does not exist"
            % (target, " recursively" if recursive else "", target)
        )
    if from_snap and from_snap["createtxg"] >= to_snap["createtxg"]:
        raise SendError(
            "warning: cannot send '%s': not an earlier snapshot from the same fs" % target
        )
    if not doall:
        return [(target, frm, stream_size(from_snap, to_snap))]
    low = from_snap["createtxg"] if from_snap else -1
    result, prev = [], from_snap
    for snap in ds["snaps"]:
        if low < snap["createtxg"] <= to_snap["createtxg"]:
            result.append(
                ("%s@%s" % (ds_name, snap["name"]), prev and prev["name"], stream_size(prev, snap))
            )
            prev = snap
    return result


def send(zfs, args, out, err):
    flags, opts, operands = cliargs.getopt(args, "RbDpVvnPLecwsh", "iItdX", permute=True)
    sources = opts.get("i", []) + opts.get("I", [])
    if len(sources) > 1:
        raise cliargs.UsageError("")
    if not operands:
        raise cliargs.UsageError("missing snapshot argument")
    if len(operands) > 1:
        raise cliargs.UsageError("too many arguments")
    if "n" not in flags:
        if os.isatty(out.fileno()):
            err.write(
                "Error: Stream can not be written to a terminal.\n"
                "You must redirect standard output.\n"
            )
            return 1
        err.write("rwlab: the lab never streams; only 'zfs send -n' (a dry run) is simulated\n")
        return 2
    frm = sources[0] if sources else None
    doall = "I" in opts or ("R" in flags and not frm)
    try:
        if "R" in flags or "I" in opts:
            sends = _send_many(zfs, operands[0], frm, doall, "R" in flags)
        else:
            if frm and "@" not in frm and "#" not in frm:
                err.write(
                    "Warning: incremental source didn't specify type, assuming snapshot. "
                    "Use '@' or '#' prefix to avoid ambiguity.\n"
                )
                frm = "@" + frm
            sends = _send_one(zfs, operands[0], frm)
    except SendError as e:
        err.write("%s\n" % e)
        return 1
    parsable = "P" in flags
    if parsable or "v" in flags:
        out.write("".join(_line(parsable, to, prev, size) for to, prev, size in sends))
        out.write(_total(parsable, sum(size for _, _, size in sends)))
    return 0
