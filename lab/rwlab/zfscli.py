"""The `zfs` stand-in: list, get, version; send -n, destroy, receive -A, rename (own modules).

list, get and version take `-j` from OpenZFS 2.3 on (openzfs/zfs@zfs-2.4.4:cmd/zfs/zfs_main.c
collect_dataset(), get_callback(), fill_dataset_info(), zfs_do_version()); a 2.2 node's
getopt refuses it as 2.2 does, and its `zfs version` ignores any argument.
"""
import sys
import time

from rwlab import cliargs
from rwlab import versions
from rwlab import zfsdestroy
from rwlab import zfsjson
from rwlab import zfsrecv
from rwlab import zfsrename
from rwlab import zfssend
from rwlab import zfsusage
from rwlab import zfsmodel as zm
from rwlab import zfsview as zv
from rwlab.zfsjson import add

USAGE = """usage: zfs command args ...
where 'command' is one of the following:

\tlist [-Hp] [-r|-d max] [-o property[,...]] [-s property]...
\t    [-S property]... [-t type[,...]] [filesystem|volume|snapshot] ...
\tget [-rHp] [-d max] [-o "all" | field[,...]]
\t    [-t type[,...]] [-s source[,...]]
\t    <"all" | property[,...]> [filesystem|volume|snapshot|bookmark] ...
\tdestroy [-fnpRrv] <filesystem|volume>
\tdestroy [-dnpRrv] <filesystem|volume>@<snap>[%<snap>][,...]
\treceive -A <filesystem|volume>
\tsend [-DLPbcehnpsVvw] [-i|-I snapshot]
\t     [-R [-X dataset[,dataset]...]]     <snapshot>
\tversion
"""
LIST_HEADER = {
    "available": "AVAIL",
    "referenced": "REFER",
    "usedbysnapshots": "USEDSNAP",
    "usedbydataset": "USEDDS",
    "usedbychildren": "USEDCHILD",
    "usedbyrefreservation": "USEDREFRESERV",
    "receive_resume_token": "RECEIVE_RESUME_TOKEN",
    "compressratio": "RATIO",
    "volblocksize": "VOLBLOCK",
    "recordsize": "RECSIZE",
    "reservation": "RESERV",
    "refreservation": "REFRESERV",
}
RIGHT = zv.SIZES | {
    "creation",
    "createtxg",
    "guid",
    "objsetid",
    "userrefs",
    "compressratio",
    "refcompressratio",
    "copies",
}
TYPES = {
    "filesystem": "filesystem",
    "fs": "filesystem",
    "volume": "volume",
    "vol": "volume",
    "snapshot": "snapshot",
    "snap": "snapshot",
    "bookmark": "bookmark",
    "all": "all",
}
JSON_LONG = {"--json": "j", "--json-int": "int"}
# command: (2.2 options, 2.3+ options) as (flags, options with a value, long options).
OPTIONS = {
    "version": (None, ("j", "", {"--json": "j"})),  # 2.2 ignores its arguments
    "list": (("Hpr", "odsSt", None), ("jHpr", "odsSt", JSON_LONG)),
    "get": (("Hpr", "odst", None), ("jHpr", "odst", JSON_LONG)),
}


class NotFound(Exception):
    pass


def options(command, args, openzfs):
    return cliargs.release_options(OPTIONS, command, args, openzfs)


def dataset_info(obj, numbers):
    """fill_dataset_info(): createtxg is always the literal number (or an integer)."""
    item = {}
    add(item, "name", obj.name)
    add(item, "type", obj.type.upper())
    add(item, "pool", obj.name.split("/")[0].split("@")[0])
    add(item, "createtxg", numbers.ids((obj.snap or obj.ds)["createtxg"]))
    if obj.snap:
        add(item, "dataset", obj.dataset_name)
        add(item, "snapshot_name", obj.snap["name"])
    return item


def parse_types(opts, default):
    if "t" not in opts:
        return default
    types = set()
    for t in ",".join(opts["t"]).split(","):
        if t not in TYPES:
            raise cliargs.UsageError("invalid type '%s'" % t)
        types |= {"filesystem", "volume", "snapshot", "bookmark"} if t == "all" else {TYPES[t]}
    return types


def collect(zfs, operands, types, recursive, depth):
    """Objects in `zfs list` traversal order: dataset, its snapshots, then children."""
    datasets = zfs["datasets"]
    result = []
    roots = operands or sorted({n.split("/")[0] for n in datasets})
    implicit = depth is None and not recursive and bool(operands)
    limit = depth if depth is not None else (0 if implicit else None)
    for root in roots:
        if "@" in root:
            ds_name, snap_name = root.split("@", 1)
            ds = datasets.get(ds_name)
            snap = zm.find_snap(ds, snap_name) if ds else None
            if snap is None:
                raise NotFound(root)
            result.append(zv.Obj(root, ds, snap, ds["snaps"].index(snap)))
            continue
        if root not in datasets:
            raise NotFound(root)
        base_depth = root.count("/")
        names = [n for n in datasets if n == root or n.startswith(root + "/")]
        for name in sorted(names, key=lambda n: n.split("/")):
            level = name.count("/") - base_depth
            if limit is not None and level > limit:
                continue
            ds = datasets[name]
            if ds["type"] in types:
                result.append(zv.Obj(name, ds))
            if "snapshot" in types and (limit is None or level + 1 <= limit or implicit):
                for i, snap in enumerate(ds["snaps"]):
                    result.append(zv.Obj("%s@%s" % (name, snap["name"]), ds, snap, i))
    return result


def sort_key(obj, prop, ctx):
    raw = zv.raw_value(obj, prop, ctx) if prop != "name" else obj.name
    if isinstance(raw, int):
        return (0, raw, "")
    return (1, 0, str(raw))


def list_json(objs, props, ctx, numbers):
    """collect_dataset(): a property zfs_prop_get() refuses keeps the source of the one
    before it (its sourcetype is not reset per property)."""
    document = zfsjson.schema("zfs list")
    document["datasets"] = {}
    for obj in objs:
        item = dataset_info(obj, numbers)
        values, source = {}, "-"
        for prop in props:
            if prop == "name":
                continue
            if zv.raw_value(obj, prop, ctx) is not None:
                source = zv.source(obj, prop)
            add(
                values,
                prop,
                zfsjson.property_object(
                    zv.value(obj, prop, ctx, numbers.literal), source, numbers.as_int
                ),
            )
        add(item, "properties", values)
        add(document["datasets"], obj.name, item)
    return document


def do_list(zfs, args, ctx, out, err):
    flags, opts, operands = options("list", args, ctx.openzfs)
    props = [zv.ALIASES.get(p, p) for p in ",".join(opts.get("o", [])).split(",") if p] or [
        "name",
        "used",
        "available",
        "referenced",
        "mountpoint",
    ]
    for p in props:
        if p != "name" and p not in ctx.known and not p.startswith("written@"):
            raise cliargs.CommandUsage("bad property list: invalid property '%s'" % p, "list")
    default = {"filesystem", "volume"} | (
        {"snapshot"} if any("@" in o for o in operands) else set()
    )
    types = parse_types(opts, default)
    depth = int(opts["d"][-1]) if "d" in opts else None
    objs = collect(zfs, operands, types, "r" in flags, depth)
    keys = [(zv.ALIASES.get(p, p), False) for p in opts.get("s", [])] + [
        (zv.ALIASES.get(p, p), True) for p in opts.get("S", [])
    ]
    for prop, reverse in reversed(keys):
        objs.sort(key=lambda o: sort_key(o, prop, ctx), reverse=reverse)
    if "j" in flags:
        numbers = zfsjson.Numbers("p" in flags, "int" in flags)
        out.write(zfsjson.dump(list_json(objs, props, ctx, numbers)))
        return 0
    rows = [
        [o.name if p == "name" else zv.value(o, p, ctx, "p" in flags) for p in props] for o in objs
    ]
    if "H" in flags:
        out.write(cliargs.table(rows, scripted=True) if rows else "")
        return 0
    if not rows:
        err.write("no datasets available\n")
        return 0
    header = [LIST_HEADER.get(p, p.upper()) for p in props]
    right = {i for i, p in enumerate(props) if p in RIGHT or p.startswith("written@")}
    out.write(cliargs.table([header] + rows, right=right))
    return 0


def do_get(zfs, args, ctx, out, err):
    flags, opts, rest = options("get", args, ctx.openzfs)
    if not rest:
        raise cliargs.CommandUsage("missing property argument", "get")
    fields = ",".join(opts.get("o", ["name,property,value,source"])).split(",")
    if fields == ["all"]:
        fields = ["name", "property", "value", "source"]
    props = [zv.ALIASES.get(p, p) for p in rest[0].split(",")]
    for p in props:
        if p not in ("all", "name") and p not in ctx.known and not p.startswith("written@"):
            raise cliargs.CommandUsage("bad property list: invalid property '%s'" % p, "get")
    types = parse_types(opts, {"filesystem", "volume", "snapshot"})
    depth = int(opts["d"][-1]) if "d" in opts else None
    operands = rest[1:]
    if operands and "r" not in flags and depth is None:
        depth = 0
        types = types if "t" in opts else {"filesystem", "volume", "snapshot"}
    objs = collect(zfs, operands, types, "r" in flags or depth is not None, depth)
    if operands and "r" not in flags and "d" not in opts:
        objs = [o for o in objs if o.name in operands]
    numbers = zfsjson.Numbers("p" in flags, "int" in flags)
    document = zfsjson.schema("zfs get")
    document["datasets"] = {}
    rows = []
    for o in objs:
        wanted = (
            [
                p
                for p in ctx.known
                if zv.applies(o, p)
                and zv.raw_value(o, p, ctx) is not None
                and not (p == "receive_resume_token" and not o.ds["resume_token"])
            ]
            if props == ["all"]
            else props
        )
        if "j" in flags:
            item = dataset_info(o, numbers)
            add(
                item,
                "properties",
                {
                    p: zfsjson.property_object(
                        zv.value(o, p, ctx, numbers.literal),
                        zv.source(o, p) if zv.raw_value(o, p, ctx) is not None else "-",
                        numbers.as_int,
                    )
                    for p in wanted
                },
            )
            add(document["datasets"], o.name, item)
            continue
        for p in wanted:
            cells = {
                "name": o.name,
                "property": p,
                "value": zv.value(o, p, ctx, "p" in flags),
                "source": zv.source(o, p) if zv.raw_value(o, p, ctx) is not None else "-",
                "received": "-",
            }
            rows.append([cells[f] for f in fields])
    if "j" in flags:
        out.write(zfsjson.dump(document))
        return 0
    if "H" not in flags and rows:
        rows.insert(0, [f.upper() for f in fields])
    out.write(cliargs.table(rows, scripted="H" in flags) if rows else "")
    return 0


def do_version(zfs, args, out):
    """2.2 ignores its arguments; 2.3+ knows -j / --json (zfs_do_version())."""
    if versions.openzfs(zfs["zfsutils"]) < (2, 3):
        out.write(versions.zfs_version(zfs["zfsutils"]))
        return 0
    flags, _, operands = options("version", args, versions.openzfs(zfs["zfsutils"]))
    if operands:
        raise cliargs.CommandUsage("too many arguments", "version")
    if "j" not in flags:
        out.write(versions.zfs_version(zfs["zfsutils"]))
        return 0
    document = zfsjson.schema("zfs version")
    document["zfs_version"] = {
        "userland": "zfs-" + zfs["zfsutils"],
        "kernel": "zfs-kmod-" + zfs["zfsutils"],
    }
    out.write(zfsjson.dump(document))
    return 0


def main(zfs, args, out=sys.stdout, err=sys.stderr):
    if not args:
        err.write("missing command\n" + USAGE)
        return 2
    commands = {
        "list": do_list,
        "get": do_get,
        "send": lambda zfs, rest, ctx, o, e: zfssend.send(zfs, rest, o, e),
        "destroy": lambda zfs, rest, ctx, o, e: zfsdestroy.destroy(zfs, rest, o, e),
        "receive": lambda zfs, rest, ctx, o, e: zfsrecv.receive(zfs, rest, o, e),
        "rename": lambda zfs, rest, ctx, o, e: zfsrename.rename(zfs, rest, o, e),
    }
    commands["recv"] = commands["receive"]
    if args[0] not in commands and args[0] != "version":
        err.write("unrecognized command '%s'\n%s" % (args[0], USAGE))
        return 2
    try:
        if args[0] == "version":
            return do_version(zfs, args[1:], out)
        ctx = zv.Context(zfs, int(time.time()))
        return commands[args[0]](zfs, args[1:], ctx, out, err)
    except cliargs.CommandUsage as e:
        usage = zfsusage.text("zfs", zfs["zfsutils"], e.command)
        err.write("%s\n%s" % (e, usage or USAGE))
        return 2
    except cliargs.UsageError as e:
        err.write("%s\n%s" % (e, USAGE))
        return 2
    except zfsrename.NotModelled as e:
        err.write("%s\n" % e)
        return 2
    except NotFound as e:
        err.write("cannot open '%s': dataset does not exist\n" % e)
        return 1
