"""The `zpool` stand-in: list, status, get, upgrade, version; `-j` from OpenZFS 2.3 on.

Each node answers as its release (zfs.json `zfsutils`): option letters are those of
zpool_do_*()'s getopt strings at openzfs/zfs@zfs-2.2.8 and @zfs-2.4.4, so a 2.2 node
refuses `-j` exactly as 2.2 does ("invalid option 'j'", usage, exit 2).
"""
import sys
import time

from rwlab import cliargs
from rwlab import poolfeatures
from rwlab import versions
from rwlab import zfsjson
from rwlab import zfsmodel as zm
from rwlab import zfsusage
from rwlab import zpooljson
from rwlab import zpoolview as zv

USAGE = """usage: zpool command args ...
where 'command' is one of the following:

\tlist [-gHLpPv] [-o property[,...]] [-T d|u] [pool] ... [interval [count]]
\tstatus [-DegiLpPstvx] [-T d|u] [pool] ... [interval [count]]
\tget [-Hp] [-o "all" | field[,...]] <"all" | property[,...]> <pool> ...
\tupgrade [-V version] <-a | pool ...>
\tversion
"""
LIST_DEFAULT = [
    "name",
    "size",
    "allocated",
    "free",
    "checkpoint",
    "expandsize",
    "fragmentation",
    "capacity",
    "dedupratio",
    "health",
    "altroot",
]
LIST_HEADER = {
    "name": "NAME",
    "size": "SIZE",
    "allocated": "ALLOC",
    "free": "FREE",
    "checkpoint": "CKPOINT",
    "expandsize": "EXPANDSZ",
    "fragmentation": "FRAG",
    "capacity": "CAP",
    "dedupratio": "DEDUP",
    "health": "HEALTH",
    "altroot": "ALTROOT",
    "guid": "GUID",
    "ashift": "ASHIFT",
}
MIN_WIDTH = {
    "size": 5,
    "allocated": 5,
    "free": 5,
    "fragmentation": 5,
    "capacity": 5,
    "dedupratio": 5,
    "health": 8,
}
JSON_LONG = {"--json": "j", "--json-int": "int", "--json-pool-key-guid": "guid"}
# command: (2.2 options, 2.3+ options) as (flags, options with a value, long options).
OPTIONS = {
    "status": (
        ("DegiLpPstvx", "cT", {"--power": "power"}),
        (
            "jdDegiLpPstvx",
            "cT",
            dict(JSON_LONG, **{"--power": "power", "--json-flat-vdevs": "flat"}),
        ),
    ),
    "list": (("gHLpPv", "oT", None), ("gjHLpPv", "oT", JSON_LONG)),
    "get": (("Hp", "o", None), ("jHp", "o", JSON_LONG)),
    "upgrade": (("av", "V", None), ("av", "V", None)),
    "version": (None, ("j", "", {"--json": "j"})),  # 2.2 ignores its arguments
}


def options(command, args, openzfs):
    return cliargs.release_options(OPTIONS, command, args, openzfs)


def _pools(zfs, names, out_err, meter=None, vdevs=False):
    """The pools named (all without names); each is charged to `meter`, with `vdevs`
    also every vdev of its tree (top-level vdevs and disks)."""
    pools = []
    for name in names or sorted(zfs["pools"]):
        if name not in zfs["pools"]:
            out_err.write("cannot open '%s': no such pool\n" % name)
            return None
        pools.append(zfs["pools"][name])
    if meter is not None:
        meter.walk("pools", len(pools))
        if vdevs:
            meter.walk("vdevs", sum(1 + len(t["children"]) for p in pools for t in p["vdevs"]))
    return pools


def do_list(zfs, args, now, openzfs, out, err, meter=None):
    flags, opts, names = options("list", args, openzfs)
    props = [
        zv.ALIASES.get(p, p) for p in ",".join(opts.get("o", [])).split(",") if p
    ] or LIST_DEFAULT
    pools = _pools(zfs, names, err, meter, vdevs="v" in flags)
    if pools is None:
        return 1
    spaces, _, _ = zm.space(zfs, now)
    for prop in props:
        if zv.value(pools[0], prop, True, spaces[pools[0]["name"]], now, openzfs) is None:
            raise cliargs.CommandUsage("bad property list: invalid property '%s'" % prop, "list")
    if "j" in flags:
        out.write(
            zfsjson.dump(zpooljson.properties(pools, spaces, props, now, flags, openzfs, "list"))
        )
        return 0
    rows = [
        [zv.value(pool, prop, "p" in flags, spaces[pool["name"]], now, openzfs) for prop in props]
        for pool in pools
    ]
    if "H" in flags:
        out.write(cliargs.table(rows, scripted=True))
        return 0
    header = [LIST_HEADER.get(p, p.upper()) for p in props]
    widths = [
        max([len(header[c]), MIN_WIDTH.get(p, 0)] + [len(r[c]) for r in rows])
        for c, p in enumerate(props)
    ]
    for r in [header] + rows:
        cells = []
        for c, p in enumerate(props):
            if p in ("name", "altroot"):
                cells.append(r[c] if c == len(props) - 1 else r[c].ljust(widths[c]))
            else:
                cells.append(r[c].rjust(widths[c]))
        out.write("  ".join(cells) + "\n")
    return 0


def do_status(zfs, args, now, openzfs, out, err, meter=None):
    flags, _, names = options("status", args, openzfs)
    pools = _pools(zfs, names, err, meter, vdevs=True)
    if pools is None:
        return 1
    if "j" in flags:
        spaces, _, _ = zm.space(zfs, now)
        out.write(zfsjson.dump(zpooljson.status(pools, spaces, now, flags, openzfs)))
        return 0
    if not pools:
        err.write("no pools available\n")
        return 0
    if "x" in flags:
        pools = [p for p in pools if not zv.healthy(p, now, openzfs)]
        if not pools:
            out.write(
                "pool '%s' is healthy\n" % names[0]
                if len(names) == 1
                else "all pools are healthy\n"
            )
            return 0
    out.write("\n".join(zv.status_text(p, now, "p" in flags, "v" in flags, openzfs) for p in pools))
    return 0


def do_get(zfs, args, now, openzfs, out, err, meter=None):
    flags, opts, rest = options("get", args, openzfs)
    if not rest:
        raise cliargs.CommandUsage("missing property argument", "get")
    fields = ",".join(opts.get("o", ["name,property,value,source"])).split(",")
    if fields == ["all"]:
        fields = ["name", "property", "value", "source"]
    pools = _pools(zfs, rest[1:], err, meter)
    if pools is None:
        return 1
    spaces, _, _ = zm.space(zfs, now)
    props = rest[0].split(",")
    if props == ["all"]:
        props = zv.get_order(openzfs) + ["feature@" + f for f in poolfeatures.names(openzfs)]
    for prop in props:
        if zv.value(
            pools[0], prop, True, spaces[pools[0]["name"]], now, openzfs
        ) is None and not prop.startswith("feature@"):
            raise cliargs.CommandUsage("bad property list: invalid property '%s'" % prop, "get")
    if "j" in flags:
        out.write(
            zfsjson.dump(zpooljson.properties(pools, spaces, props, now, flags, openzfs, "get"))
        )
        return 0
    rows = []
    for pool in pools:
        for prop in props:
            val = zv.value(pool, prop, "p" in flags, spaces[pool["name"]], now, openzfs)
            cells = {
                "name": pool["name"],
                "property": prop,
                "value": "-" if val is None else val,
                "source": zv.source(prop),
            }
            rows.append([cells[f] for f in fields])
    if "H" not in flags:
        rows.insert(0, [f.upper() for f in fields])
    out.write(cliargs.table(rows, scripted="H" in flags))
    return 0


def do_upgrade(zfs, args, now, openzfs, out, err, meter=None):
    """zpool_do_upgrade() for feature-flag pools: enable what this release knows
    (upgrade_enable_all(): every feature but the NO_UPGRADE ones)."""
    flags, _, names = options("upgrade", args, openzfs)
    if "v" in flags:
        err.write("rwlab: `zpool upgrade -v` (the feature descriptions) is not simulated\n")
        return 2
    if "a" in flags and names:
        raise cliargs.CommandUsage("-a option should not be used along with a pool name", "upgrade")
    out.write("This system supports ZFS pool feature flags.\n\n")
    if not names and "a" not in flags:
        disabled = {
            p["name"]: [
                f
                for f in poolfeatures.names(openzfs)
                if p["features"].get(f, "disabled") == "disabled"
            ]
            for p in _pools(zfs, [], err, meter)
        }
        out.write("All pools are formatted using feature flags.\n\n")
        if not any(disabled.values()):
            out.write(
                "Every feature flags pool has all supported and requested features " "enabled.\n"
            )
            return 0
        out.write(
            "\nSome supported features are not enabled on the following pools. Once a\n"
            "feature is enabled the pool may become incompatible with software\n"
            "that does not support the feature. See zpool-features(7) for details.\n\n"
            "Note that the pool 'compatibility' feature can be used to inhibit\n"
            "feature upgrades.\n\n"
            "Features marked with (*) are not applied automatically on upgrade, and\n"
            "must be applied explicitly with zpool-set(7).\n\n"
            "POOL  FEATURE\n---------------\n"
        )
        for pool, features in disabled.items():
            if features:
                out.write(
                    "%s\n" % pool
                    + "".join(
                        "      %s%s\n" % (f, "(*)" if f in poolfeatures.NO_UPGRADE else "")
                        for f in features
                    )
                )
        out.write("\n")
        return 0
    pools = _pools(zfs, names, err, meter)
    if pools is None:
        return 1
    upgraded = False
    for pool in pools:
        enabled = poolfeatures.upgradable(pool, openzfs)
        if enabled:
            upgraded = True
            out.write("Enabled the following features on '%s':\n" % pool["name"])
            out.write("".join("  %s\n" % f for f in enabled) + "\n")
            pool["features"].update(dict.fromkeys(enabled, "enabled"))
        elif names:
            out.write(
                "Pool '%s' already has all supported and requested features enabled.\n"
                % pool["name"]
            )
    if "a" in flags and not upgraded:
        out.write(
            "All pools are already formatted using feature flags.\n\n"
            "Every feature flags pool already has all supported and requested features "
            "enabled.\n"
        )
    return 0


def do_version(zfs, args, openzfs, out):
    """2.2 ignores its arguments (zpool_do_version()); 2.3+ knows -j / --json."""
    if openzfs < (2, 3):
        out.write(versions.zfs_version(zfs["zfsutils"]))
        return 0
    flags, _, operands = options("version", args, openzfs)
    if operands:
        raise cliargs.CommandUsage("too many arguments", "version")
    if "j" in flags:
        document = zfsjson.schema("zpool version")
        document["zfs_version"] = {
            "userland": "zfs-" + zfs["zfsutils"],
            "kernel": "zfs-kmod-" + zfs["zfsutils"],
        }
        out.write(zfsjson.dump(document))
    else:
        out.write(versions.zfs_version(zfs["zfsutils"]))
    return 0


def main(zfs, args, out=sys.stdout, err=sys.stderr, meter=None):
    """Returns the exit code; `zpool upgrade` changes `zfs` (the caller saves it). The pools
    and vdevs the command visits are charged to `meter` (costmodel.Meter)."""
    now = int(time.time())
    openzfs = versions.openzfs(zfs["zfsutils"])
    commands = {"list": do_list, "status": do_status, "get": do_get, "upgrade": do_upgrade}
    if not args:
        err.write("missing command\n" + USAGE)
        return 2
    try:
        if args[0] == "version":
            return do_version(zfs, args[1:], openzfs, out)
        if args[0] not in commands:
            err.write("unrecognized command '%s'\n%s" % (args[0], USAGE))
            return 2
        return commands[args[0]](zfs, args[1:], now, openzfs, out, err, meter)
    except cliargs.CommandUsage as e:
        usage = zfsusage.text("zpool", zfs["zfsutils"], e.command)
        err.write("%s\n%s" % (e, usage or USAGE))
        return 2
    except cliargs.UsageError as e:
        err.write("%s\n%s" % (e, USAGE))
        return 2
