"""The `zpool` stand-in: list, status, get, version."""
import sys
import time

from rwlab import cliargs
from rwlab import zfsmodel as zm
from rwlab import zpoolview as zv

USAGE = """usage: zpool command args ...
where 'command' is one of the following:

\tlist [-gHLpPv] [-o property[,...]] [-T d|u] [pool] ... [interval [count]]
\tstatus [-DegiLpPstvx] [-T d|u] [pool] ... [interval [count]]
\tget [-Hp] [-o "all" | field[,...]] <"all" | property[,...]> <pool> ...
\tversion
"""
LIST_DEFAULT = ["name", "size", "allocated", "free", "checkpoint", "expandsize",
                "fragmentation", "capacity", "dedupratio", "health", "altroot"]
LIST_HEADER = {"name": "NAME", "size": "SIZE", "allocated": "ALLOC", "free": "FREE",
               "checkpoint": "CKPOINT", "expandsize": "EXPANDSZ", "fragmentation": "FRAG",
               "capacity": "CAP", "dedupratio": "DEDUP", "health": "HEALTH", "altroot": "ALTROOT",
               "guid": "GUID", "ashift": "ASHIFT"}
MIN_WIDTH = {"size": 5, "allocated": 5, "free": 5, "fragmentation": 5, "capacity": 5,
             "dedupratio": 5, "health": 8}


def _pools(zfs, names, out_err):
    pools = []
    for name in names or sorted(zfs["pools"]):
        if name not in zfs["pools"]:
            out_err.write("cannot open '%s': no such pool\n" % name)
            return None
        pools.append(zfs["pools"][name])
    return pools


def do_list(zfs, args, now, out, err):
    flags, opts, names = cliargs.getopt(args, "gHLpPv", "oT")
    props = [zv.ALIASES.get(p, p) for p in ",".join(opts.get("o", [])).split(",") if p] or LIST_DEFAULT
    pools = _pools(zfs, names, err)
    if pools is None:
        return 1
    spaces, _, _ = zm.space(zfs, now)
    rows = []
    for pool in pools:
        row = []
        for prop in props:
            val = zv.value(pool, prop, "p" in flags, spaces[pool["name"]], now)
            if val is None:
                raise cliargs.UsageError("bad property list: invalid property '%s'" % prop)
            row.append(val)
        rows.append(row)
    if "H" in flags:
        out.write(cliargs.table(rows, scripted=True))
        return 0
    header = [LIST_HEADER.get(p, p.upper()) for p in props]
    widths = [max([len(header[c]), MIN_WIDTH.get(p, 0)] + [len(r[c]) for r in rows])
              for c, p in enumerate(props)]
    for r in [header] + rows:
        cells = []
        for c, p in enumerate(props):
            if p in ("name", "altroot"):
                cells.append(r[c] if c == len(props) - 1 else r[c].ljust(widths[c]))
            else:
                cells.append(r[c].rjust(widths[c]))
        out.write("  ".join(cells) + "\n")
    return 0


def do_status(zfs, args, now, out, err):
    flags, _, names = cliargs.getopt(args, "DegiLpPstvx", "cT")
    pools = _pools(zfs, names, err)
    if pools is None:
        return 1
    if not pools:
        err.write("no pools available\n")
        return 0
    if "x" in flags:
        pools = [p for p in pools if not zv.healthy(p, now)]
        if not pools:
            out.write("pool '%s' is healthy\n" % names[0] if len(names) == 1
                      else "all pools are healthy\n")
            return 0
    out.write("\n".join(zv.status_text(p, now, "p" in flags, "v" in flags) for p in pools))
    return 0


def do_get(zfs, args, now, out, err):
    flags, opts, rest = cliargs.getopt(args, "Hp", "o")
    if not rest:
        raise cliargs.UsageError("missing property argument")
    fields = ",".join(opts.get("o", ["name,property,value,source"])).split(",")
    if fields == ["all"]:
        fields = ["name", "property", "value", "source"]
    pools = _pools(zfs, rest[1:], err)
    if pools is None:
        return 1
    spaces, _, _ = zm.space(zfs, now)
    rows = []
    for pool in pools:
        props = rest[0].split(",")
        if props == ["all"]:
            props = ["name"][:0] + zv.GET_ORDER + ["feature@" + f for f, _ in zm.FEATURES]
        for prop in props:
            val = zv.value(pool, prop, "p" in flags, spaces[pool["name"]], now)
            if val is None and not prop.startswith("feature@"):
                raise cliargs.UsageError("bad property list: invalid property '%s'" % prop)
            cells = {"name": pool["name"], "property": prop,
                     "value": "-" if val is None else val, "source": zv.source(prop)}
            rows.append([cells[f] for f in fields])
    if "H" not in flags:
        rows.insert(0, [f.upper() for f in fields])
    out.write(cliargs.table(rows, scripted="H" in flags))
    return 0


def main(zfs, args, out=sys.stdout, err=sys.stderr):
    now = int(time.time())
    commands = {"list": do_list, "status": do_status, "get": do_get}
    if not args:
        err.write("missing command\n" + USAGE)
        return 2
    if args[0] == "version":
        out.write(zm.ZFS_VERSION)
        return 0
    if args[0] not in commands:
        err.write("unrecognized command '%s'\n%s" % (args[0], USAGE))
        return 2
    try:
        return commands[args[0]](zfs, args[1:], now, out, err)
    except cliargs.UsageError as e:
        err.write("%s\n%s" % (e, USAGE))
        return 2
