"""`zpool status|list|get -j` as OpenZFS 2.4.4 prints them.

openzfs/zfs@zfs-2.4.4:cmd/zpool/zpool_main.c: fill_pool_info(), fill_vdev_info(),
vdev_stats_nvlist(), scan_status_nvlist(), raidz_expand_status_nvlist(), errors_nvlist(),
status_callback_json(), collect_pool(), get_callback(). Key order is the order of the
fnvlist_add_*() calls. Sizes the lab does not keep per disk (rep_dev_size, phys_space) are
derived from the pool size.
"""
from rwlab import zfsjson
from rwlab import zfsmodel as zm
from rwlab import zpoolview as zv
from rwlab.zfsjson import add

# vdev_state_str[] (zpool_main.c): JSON names the raw state, where the text says UNAVAIL.
RAW_STATES = {"UNAVAIL": "CANT_OPEN"}
# vdev_aux_str[] for the notes the lab's text shows.
AUX = {"insufficient replicas": "NO_REPLICAS", "too many errors": "ERR_EXCEEDED"}
MiB = 1 << 20


class Context:
    """One pool at one moment, with the command's number format and flags."""

    def __init__(self, pool, space, now, numbers, flat=False, verbose=False):
        self.pool, self.space, self.now = pool, space, now
        self.numbers, self.flat, self.verbose = numbers, flat, verbose


def pool_info(item, ctx, with_type):
    pool, num = ctx.pool, ctx.numbers
    add(item, "name", pool["name"])
    if with_type:
        add(item, "type", "POOL")
    add(item, "state", zv.pool_health(pool, ctx.now))
    add(item, "pool_guid", num.ids(pool["guid"]))
    add(item, "txg", num.ids(zm.pool_txg(pool, ctx.now)))
    add(item, "spa_version", num.ids(5000))
    add(item, "zpl_version", num.ids(5))


def _leaf_index(pool, leaf):
    return [child["guid"] for top in pool["vdevs"] for child in top["children"]].index(leaf["guid"])


def _vdev_info(vds, vdev, ctx):
    """fill_vdev_info(): found by the name zpool prints (a GUID for a missing disk)."""
    num = ctx.numbers
    add(vds, "name", vdev.name)
    add(vds, "vdev_type", vdev.kind)
    add(vds, "guid", num.ids(vdev.guid))
    if vdev.leaf:
        device = vdev.leaf.get("saved_name", vdev.leaf["name"])
        add(vds, "path", "/dev/disk/by-id/%s" % device)
        add(vds, "phys_path", "pci-0000:%02x:00.0-nvme-1" % (_leaf_index(ctx.pool, vdev.leaf) + 1))
        add(vds, "devid", device)
    add(vds, "class", "normal")
    add(vds, "state", RAW_STATES.get(vdev.state, vdev.state))


def _vdev_space(vds, vdev, depth, ctx):
    """The space statistics vdev_stats_nvlist() adds when they are not zero."""
    num, pool = ctx.numbers, ctx.pool
    top = pool["vdevs"][0]
    disks = len(top["children"])
    parity = 0 if top["type"] == "mirror" else 1
    disk_size = pool["size"] if top["type"] == "mirror" else pool["size"] // disks
    if depth <= 2:
        add(vds, "alloc_space", num(ctx.space["alloc"], "bytes"))
        add(vds, "total_space", num(pool["size"], "bytes"))
        add(
            vds,
            "def_space",
            num(pool["size"] * (disks - parity) // disks if parity else pool["size"], "bytes"),
        )
    if depth == 2:
        add(vds, "rep_dev_size", num(pool["size"], "bytes"))
    if depth == 4:
        add(vds, "rep_dev_size", num(disk_size + 4 * MiB, "bytes"))
        add(vds, "phys_space", num(disk_size + 22 * MiB, "bytes"))


def _scan_processed(vdev, depth, ctx):
    """vs_scan_processed: what the last resilver wrote, on the top-level vdev and its
    online disks (a scrub that repaired nothing leaves it 0)."""
    scan = ctx.pool["scan"]
    if (
        not scan
        or scan["func"] != "resilver"
        or depth == 0
        or vdev.state != "ONLINE"
        and depth == 4
    ):
        return 0
    return zv.scan_progress(scan, ctx.now)[1] // 2


def vdev_stats(vdev, depth, parent, item, ctx):
    """vdev_stats_nvlist(): its recursion, flat (--json-flat-vdevs) or nested."""
    num = ctx.numbers
    vds = {}
    _vdev_info(vds, vdev, ctx)
    if ctx.flat and parent is not None:
        add(vds, "parent", parent)
    _vdev_space(vds, vdev, depth, ctx)
    for key, count in zip(("read_errors", "write_errors", "checksum_errors"), vdev.counts):
        add(vds, key, num(count))
    processed = _scan_processed(vdev, depth, ctx)
    if processed:
        add(vds, "scan_processed", num(processed, "bytes"))
    if not vdev.children:
        add(vds, "slow_ios", num(0))
    if vdev.leaf and vdev.leaf["state"] == "UNAVAIL":
        add(vds, "not_present", num(1, always_literal=True))
        add(vds, "was", "/dev/disk/by-id/%s" % vdev.leaf["saved_name"])
    elif vdev.note in AUX:
        add(vds, "aux", AUX[vdev.note])
    children = {} if vdev.children else None
    if ctx.flat and not vdev.children:
        add(item, vdev.name, vds)
    for child in vdev.children:
        if ctx.flat:
            vdev_stats(child, depth + 2, vdev.name, item, ctx)
        vdev_stats(child, depth + 2, vdev.name, children, ctx)
    if children:
        add(vds, "vdevs", children)
    add(item, vdev.name, vds)


def scan_stats(item, ctx):
    """scan_status_nvlist(): absent for a pool never scanned."""
    scan, num = ctx.pool["scan"], ctx.numbers
    if not scan:
        return
    done, issued, _ = zv.scan_progress(scan, ctx.now)
    examined = scan["total"] if done else zv.scan_examined(scan, issued)
    end = scan["start"] + zv.scan_seconds(scan) if done else 0
    processed = issued // 2 if scan["func"] == "resilver" else 0
    stats = {}
    add(stats, "function", scan["func"].upper())
    add(stats, "state", "FINISHED" if done else "SCANNING")
    add(stats, "start_time", num(scan["start"], "timestamp"))
    add(stats, "end_time", num(end, "timestamp"))
    add(stats, "to_examine", num(scan["total"], "bytes"))
    add(stats, "examined", num(examined, "bytes"))
    add(stats, "skipped", num(0, "bytes"))
    add(stats, "processed", num(processed, "bytes"))
    add(stats, "errors", num(scan["errors"]))
    add(stats, "bytes_per_scan", num(0 if done else examined, "bytes"))
    add(stats, "pass_start", num(scan["start"], always_literal=True))
    add(stats, "scrub_pause", num(0, "timestamp"))
    add(stats, "scrub_spent_paused", num(0, always_literal=True))
    add(stats, "issued_bytes_per_scan", num(issued, "bytes"))
    add(stats, "issued", num(issued, "bytes"))
    add(item, "scan_stats", stats)


def raidz_expand_stats(item, ctx):
    """raidz_expand_status_nvlist(): fill_vdev_info() is given the name without its index
    ("raidz1"), which zpool_find_vdev() does not find, so only `name` comes from it."""
    expand, num = ctx.pool["expand"], ctx.numbers
    if not expand:
        return
    done, reflowed, end = zv.expand_progress(expand, ctx.now)
    stats = {}
    add(stats, "name", ctx.pool["vdevs"][expand["vdev"]]["name"].rsplit("-", 1)[0])
    add(stats, "state", "FINISHED" if done else "SCANNING")
    add(stats, "expanding_vdev", num(expand["vdev"], always_literal=True))
    add(stats, "start_time", num(expand["start"], "timestamp"))
    add(stats, "end_time", num(end if done else 0, "timestamp"))
    add(stats, "to_reflow", num(expand["to_reflow"], "bytes"))
    add(stats, "reflowed", num(reflowed, "bytes"))
    add(stats, "waiting_for_resilver", num(0, always_literal=True))
    add(item, "raidz_expand_stats", stats)


def errors(item, ctx):
    """errors_nvlist(): with -v the list of damaged files, or strerror() when the pool
    cannot give it (a suspended pool: EAGAIN)."""
    count = ctx.pool["data_errors"]
    add(item, "error_count", ctx.numbers(count))
    if count and ctx.verbose and ctx.pool["suspended"]:
        add(item, "errlist", "Resource temporarily unavailable")


def status_pool(ctx, openzfs):
    """status_callback_json() for one pool."""
    item = {}
    pool_info(item, ctx, with_type=False)
    why = zv.reason(ctx.pool, ctx.now, openzfs)
    if why:
        msgid, status, action = zv.reason_texts(why, openzfs)
        add(item, "status", status + "\n")
        add(item, "action", action + "\n")
        if msgid:
            add(item, "msgid", msgid)
            add(item, "moreinfo", zv.MSG_URL + msgid)
    scan_stats(item, ctx)
    raidz_expand_stats(item, ctx)
    vdevs = {}
    vdev_stats(zv.vdev_tree(ctx.pool, ctx.now), 0, None, vdevs, ctx)
    add(item, "vdevs", vdevs)
    errors(item, ctx)
    return item


def pool_key(pool, by_guid):
    return str(pool["guid"]) if by_guid else pool["name"]


def status(pools, spaces, now, flags, openzfs):
    """`zpool status -j`; flags: the set of options given (p, v, x, flat, int, guid)."""
    document = zfsjson.schema("zpool status")
    document["pools"] = {}
    numbers = zfsjson.Numbers("p" in flags, "int" in flags)
    for pool in pools:
        if "x" in flags and zv.reason(pool, now, openzfs) in zv.NOT_EXPLAINED:
            continue
        ctx = Context(
            pool, spaces[pool["name"]], now, numbers, flat="flat" in flags, verbose="v" in flags
        )
        add(document["pools"], pool_key(pool, "guid" in flags), status_pool(ctx, openzfs))
    return document


def properties(pools, spaces, props, now, flags, openzfs, command):
    """`zpool list -j` (collect_pool()) and `zpool get -j` (get_callback()): a pool object
    with `properties`. `list` never lists `name` as a property; `get` only skips the
    placeholder `name` column it puts first (an explicit `name` is listed)."""
    document = zfsjson.schema("zpool %s" % command)
    document["pools"] = {}
    numbers = zfsjson.Numbers("p" in flags, "int" in flags)
    for pool in pools:
        ctx = Context(pool, spaces[pool["name"]], now, numbers)
        item = {}
        pool_info(item, ctx, with_type=True)
        values = {}
        for prop in props:
            if command == "list" and prop == "name":
                continue
            value = zv.value(pool, prop, numbers.literal, ctx.space, now, openzfs)
            add(
                values,
                zv.ALIASES.get(prop, prop),
                zfsjson.property_object(value, zv.source(prop), numbers.as_int),
            )
        add(item, "properties", values)
        add(document["pools"], pool_key(pool, "guid" in flags), item)
    return document
