"""The `zfs` stand-in: list, get, version; send -n, destroy, receive -A, rename (own modules).

list, get and version take `-j` from OpenZFS 2.3 on (openzfs/zfs@zfs-2.4.4:cmd/zfs/zfs_main.c
collect_dataset(), get_callback(), fill_dataset_info(), zfs_do_version()); a 2.2 node's
getopt refuses it as 2.2 does, and its `zfs version` ignores any argument.
"""
import sys
import time

from rwlab import cliargs
from rwlab import costmodel
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


def collect(zfs, operands, types, recurse, limit, snapshots, meter=None):
    """zfs_for_each() and zfs_callback() (cmd/zfs/zfs_iter.c, OpenZFS 2.2 to 2.4).

    Without operands every pool is walked recursively; each operand is opened (zfs_open()
    with the types asked for, and with -r/-d also filesystems, and volumes when snapshots
    are asked for) and walked from there: children while below the depth `limit` (None:
    no limit; at the limit only when filesystems or volumes are asked for), a dataset's
    snapshots when `snapshots` (cb_types has SNAPSHOT, or the pool's listsnapshots, which
    the lab keeps off). An operand that cannot be opened gives an error and the others
    are still walked (the exit status is 1). Every object goes into one AVL tree: each
    is listed once, ordered as zfs_compare() orders them (strcmp of the dataset names, a
    dataset before its snapshots, snapshots by createtxg); -s/-S sort on top of that.
    Each dataset and snapshot visited is charged to `meter`.

    Returns (objects, error lines)."""
    datasets = zfs["datasets"]
    meter = meter or costmodel.Meter()
    children = {}
    for name in datasets:
        if "/" in name:
            children.setdefault(name.rsplit("/", 1)[0], []).append(name)
    found = {}

    def visit_snapshot(ds_name, ds, index):
        meter.walk("snapshots")
        snap = ds["snaps"][index]
        obj = zv.Obj("%s@%s" % (ds_name, snap["name"]), ds, snap, index)
        found.setdefault(obj.name, obj)

    def visit(name, depth):
        ds = datasets[name]
        meter.walk("datasets")
        if ds["type"] in types:
            found.setdefault(name, zv.Obj(name, ds))
        if not recurse or (limit is not None and depth >= limit):
            return
        depth += 1
        if ds["type"] == "filesystem" and (
            limit is None or depth < limit or types & {"filesystem", "volume"}
        ):
            for child in children.get(name, []):
                visit(child, depth)
        if snapshots:
            for index in range(len(ds["snaps"])):
                visit_snapshot(name, ds, index)

    errors = []
    if not operands:
        recurse = True
        for root in sorted(n for n in datasets if "/" not in n):
            visit(root, 0)
    argtype = set(types)
    if recurse:
        argtype.add("filesystem")
        if types & {"snapshot", "bookmark"}:
            argtype.add("volume")
    for operand in operands:
        problem = open_error(zfs, operand, argtype)
        if problem:
            errors.append("cannot open '%s': %s" % (operand, problem))
        elif "@" in operand:
            ds_name, snap_name = operand.split("@", 1)
            ds = datasets[ds_name]
            visit_snapshot(ds_name, ds, ds["snaps"].index(zm.find_snap(ds, snap_name)))
        else:
            visit(operand, 0)
    objs = sorted(
        found.values(),
        key=lambda o: (o.dataset_name.encode(), bool(o.snap), o.snap["createtxg"] if o.snap else 0),
    )
    return objs, errors


def open_error(zfs, name, argtype):
    """Why zfs_open(name, argtype) fails (libzfs_dataset.c), or None. Bookmarks are not
    modelled: the lab has none."""
    if "@" in name and "snapshot" not in argtype:
        return "snapshot delimiter '@' is not expected here"
    if "#" in name and "bookmark" not in argtype:
        return "bookmark delimiter '#' is not expected here"
    ds_name = name.split("@", 1)[0]
    ds = zfs["datasets"].get(ds_name)
    if ds is None or "#" in name or ("@" in name and not zm.find_snap(ds, name.split("@", 1)[1])):
        return "dataset does not exist"
    if "@" not in name and ds["type"] not in argtype:
        return "operation not applicable to datasets of this type"
    return None


def walk_options(flags, opts, types, operands):
    """-r / -d of list and get (parse_depth() sets recursion with a depth limit), and
    `-t snapshot <dataset>...` without them, which lists the datasets' own snapshots
    (-d 1)."""
    recurse = "r" in flags or "d" in opts
    limit = int(opts["d"][-1]) if "d" in opts else None
    if types in ({"snapshot"}, {"bookmark"}) and operands and not recurse:
        recurse, limit = True, 1
    return recurse, limit


def charge_admin(zfs, command, args, meter):
    """What send -n, destroy, receive -A and rename visit, roughly: each dataset named
    (with -r/-R also its descendants; rename: always, changelist_gather() walks them) and,
    for send and destroy, its snapshots."""
    datasets = zfs["datasets"]
    short = [a for a in args if a.startswith("-") and not a.startswith("--")]
    recursive = command == "rename" or any("r" in a or "R" in a for a in short)
    seen = set()
    for arg in args:
        name = arg.split("@", 1)[0]
        if arg.startswith("-") or name not in datasets:
            continue
        scope = [name]
        if recursive:
            scope += [n for n in datasets if n.startswith(name + "/")]
        for ds_name in scope:
            if ds_name in seen:
                continue
            seen.add(ds_name)
            meter.walk("datasets")
            if command in ("send", "destroy"):
                meter.walk("snapshots", len(datasets[ds_name]["snaps"]))
            elif command == "rename" and "@" in arg:
                meter.walk("snapshots")


def sort_key(obj, prop, ctx):
    raw = zv.raw_value(obj, prop, ctx) if prop != "name" else obj.name
    if raw is None and prop == "snapshots_changed" and zv.applies(obj, prop):
        raw = 0  # zfs_sort() compares the number; "-" is 0
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
    # ZFS_TYPE_DATASET; snapshots are walked only with -t (the pools' listsnapshots is off).
    types = parse_types(opts, {"filesystem", "volume", "snapshot"})
    recurse, limit = walk_options(flags, opts, types, operands)
    snapshots = "t" in opts and "snapshot" in types
    objs, errors = collect(zfs, operands, types, recurse, limit, snapshots, ctx.meter)
    for line in errors:
        err.write(line + "\n")
    code = 1 if errors else 0
    keys = [(zv.ALIASES.get(p, p), False) for p in opts.get("s", [])] + [
        (zv.ALIASES.get(p, p), True) for p in opts.get("S", [])
    ]
    for prop, reverse in reversed(keys):
        objs.sort(key=lambda o: sort_key(o, prop, ctx), reverse=reverse)
    if "j" in flags:
        # zfs_do_list(): the JSON document is printed only when every operand opened.
        if not errors:
            numbers = zfsjson.Numbers("p" in flags, "int" in flags)
            out.write(zfsjson.dump(list_json(objs, props, ctx, numbers)))
        return code
    rows = [
        [o.name if p == "name" else zv.value(o, p, ctx, "p" in flags) for p in props] for o in objs
    ]
    if "H" in flags:
        out.write(cliargs.table(rows, scripted=True) if rows else "")
        return code
    if not rows:
        if not errors:
            err.write("no datasets available\n")
        return code
    header = [LIST_HEADER.get(p, p.upper()) for p in props]
    right = {i for i, p in enumerate(props) if p in RIGHT or p.startswith("written@")}
    out.write(cliargs.table([header] + rows, right=right))
    return code


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
    operands = rest[1:]
    recurse, limit = walk_options(flags, opts, types, operands)
    objs, errors = collect(zfs, operands, types, recurse, limit, "snapshot" in types, ctx.meter)
    for line in errors:
        err.write(line + "\n")
    code = 1 if errors else 0
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
        if not errors:
            out.write(zfsjson.dump(document))
        return code
    if "H" not in flags and rows:
        rows.insert(0, [f.upper() for f in fields])
    out.write(cliargs.table(rows, scripted="H" in flags) if rows else "")
    return code


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


def main(zfs, args, out=sys.stdout, err=sys.stderr, meter=None):
    """Returns the exit code; destroy, receive -A and rename change `zfs` (the caller saves
    it). The objects the command visits are charged to `meter` (costmodel.Meter)."""
    meter = meter or costmodel.Meter()
    if not args:
        err.write("missing command\n" + USAGE)
        return 2
    admin = {
        "send": lambda zfs, rest, ctx, o, e: zfssend.send(zfs, rest, o, e),
        "destroy": lambda zfs, rest, ctx, o, e: zfsdestroy.destroy(zfs, rest, o, e),
        "receive": lambda zfs, rest, ctx, o, e: zfsrecv.receive(zfs, rest, o, e),
        "rename": lambda zfs, rest, ctx, o, e: zfsrename.rename(zfs, rest, o, e),
    }
    admin["recv"] = admin["receive"]
    commands = dict(admin, list=do_list, get=do_get)
    if args[0] not in commands and args[0] != "version":
        err.write("unrecognized command '%s'\n%s" % (args[0], USAGE))
        return 2
    try:
        if args[0] == "version":
            return do_version(zfs, args[1:], out)
        ctx = zv.Context(zfs, int(time.time()))
        ctx.meter = meter
        if args[0] in admin:
            charge_admin(zfs, "receive" if args[0] == "recv" else args[0], args[1:], meter)
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
