"""Pool state as `zpool status` / `zpool list` / `zpool get` show it (OpenZFS 2.2 and 2.4).

Texts: cmd/zpool/zpool_main.c (print_status_reason(), print_scan_status(),
print_raidz_expand_status(), print_status_config()) and lib/libzfs/libzfs_status.c
(zpool_get_status(): which reason wins) at openzfs/zfs@zfs-2.2.8 and @zfs-2.4.4.
`openzfs` arguments are version tuples such as (2, 4, 4).
"""
import time

from rwlab import fmt
from rwlab import poolfeatures
from rwlab import zfsmodel as zm

MSG_URL = "https://openzfs.github.io/openzfs-docs/msg/"
# reason: (msgid, status, action), without the trailing newline print_status_reason() adds.
REASONS = {
    "resilvering": (
        None,
        "One or more devices is currently being resilvered.  The pool will\n"
        "\tcontinue to function, possibly in a degraded state.",
        "Wait for the resilver to complete.",
    ),
    "io_failure": (
        "ZFS-8000-HC",
        "One or more devices are faulted in response to IO failures.",
        "Make sure the affected devices are connected, then run 'zpool clear'.",
    ),
    "missing_dev_r": (
        "ZFS-8000-2Q",
        "One or more devices could not be opened.  Sufficient "
        "replicas exist for\n\tthe pool to continue functioning in a degraded state.",
        "Attach the missing device and online it using 'zpool online'.",
    ),
    "failing_dev": (
        "ZFS-8000-9P",
        "One or more devices has experienced an unrecoverable error.  An"
        "\n\tattempt was made to correct the error.  Applications are unaffected.",
        "Determine if the device needs to be replaced, and clear the errors\n\tusing "
        "'zpool clear' or replace the device with 'zpool replace'.",
    ),
    # "has been removed by the administrator" until 2.3.2 (commit f5a6dd8b70 in 2.3.3); the
    # action's missing quote before `zpool online'` is OpenZFS's own.
    "removed_dev": (
        None,
        "One or more devices have been removed.\n\tSufficient replicas exist "
        "for the pool to continue functioning in a\n\tdegraded state.",
        "Online the device using zpool online' or replace the device with\n" "\t'zpool replace'.",
    ),
    "feat_disabled": (
        None,
        "Some supported and requested features are not enabled on the pool."
        "\n\tThe pool can still be used, but some features are unavailable.",
        "Enable all features using 'zpool upgrade'. Once this is done,\n\tthe pool "
        "may no longer be accessible by software that does not support\n\tthe "
        "features. See zpool-features(7) for details.",
    ),
}
REMOVED_BY_ADMIN = (
    "One or more devices has been removed by the administrator.\n\tSufficient "
    "replicas exist for the pool to continue functioning in a\n\tdegraded state."
)
# `zpool status -x` leaves these out (status_callback(): cb_explain).
NOT_EXPLAINED = {None, "feat_disabled"}


def reason_texts(why, openzfs):
    msgid, status, action = REASONS[why]
    if why == "removed_dev" and openzfs < (2, 3, 3):
        status = REMOVED_BY_ADMIN
    return msgid, status, action


class Vdev:
    """One row of the config tree: its text state and note, and what `-j` adds."""

    def __init__(self, name, kind, guid, state, counts=(0, 0, 0), note="", children=(), leaf=None):
        self.name, self.kind, self.guid, self.state = name, kind, guid, state
        self.counts, self.note, self.children, self.leaf = counts, note, list(children), leaf

    def rows(self, depth=0):
        """[(depth, vdev)] of this vdev and everything below it."""
        result = [(depth, self)]
        for child in self.children:
            result += child.rows(depth + 2)
        return result


def leaf_counters(leaf, now):
    grown = int(leaf["cksum_rate"] * max(0, now - leaf["cksum_since"]))
    return leaf["read"], leaf["write"], leaf["cksum"] + grown


def _redundancy_state(states, tolerated):
    failed = sum(1 for s in states if s != "ONLINE")
    if not failed:
        return "ONLINE", ""
    if failed <= tolerated:
        return "DEGRADED", ""
    return "UNAVAIL", "insufficient replicas"


def vdev_tree(pool, now):
    """The root vdev (named after the pool) with its top-level vdevs and their disks."""
    resilvering = scan_active(pool, now) and pool["scan"]["func"] == "resilver"
    tops = []
    for top in pool["vdevs"]:
        leaves = []
        for leaf in top["children"]:
            note = "(resilvering)" if resilvering and leaf.get("resilvering") else leaf["note"]
            leaves.append(
                Vdev(
                    leaf["name"],
                    "disk",
                    leaf["guid"],
                    leaf["state"],
                    leaf_counters(leaf, now),
                    note,
                    leaf=leaf,
                )
            )
        tolerated = len(leaves) - 1 if top["type"] == "mirror" else 1
        state, note = _redundancy_state([v.state for v in leaves], tolerated)
        tops.append(Vdev(top["name"], top["type"], top["guid"], state, note=note, children=leaves))
    state, note = _redundancy_state([v.state for v in tops], 0)
    if state == "UNAVAIL" and all(v.state != "UNAVAIL" for v in tops):
        state, note = "DEGRADED", ""
    return Vdev(pool["name"], "root", pool["guid"], state, note=note, children=tops)


def pool_health(pool, now):
    if pool["suspended"]:
        return "SUSPENDED"
    return vdev_tree(pool, now).state


def reason(pool, now, openzfs):
    """zpool_get_status()'s answer, in its order of precedence."""
    if scan_active(pool, now) and pool["scan"]["func"] == "resilver":
        return "resilvering"
    if pool["suspended"]:
        return "io_failure"
    leaves = [v for _, v in vdev_tree(pool, now).rows() if v.kind == "disk"]
    if any(v.state == "UNAVAIL" for v in leaves):
        return "missing_dev_r"
    if any(sum(v.counts) for v in leaves):
        return "failing_dev"
    if any(v.state == "REMOVED" for v in leaves):
        return "removed_dev"
    if poolfeatures.upgradable(pool, openzfs):
        return "feat_disabled"
    return None


def scan_progress(scan, now):
    """(done, issued_bytes, elapsed) of a time-driven scrub or resilver."""
    elapsed = max(1, now - scan["start"])
    issued = min(scan["total"], int(elapsed * scan["rate"]))
    return issued >= scan["total"], issued, elapsed


def scan_active(pool, now=None):
    scan = pool["scan"]
    if not scan:
        return False
    return not scan_progress(scan, int(time.time()) if now is None else now)[0]


def scan_seconds(scan):
    return int(scan["total"] / scan["rate"]) if scan["rate"] else 0


def scan_examined(scan, issued):
    """Bytes scanned (metadata walked) for `issued` bytes issued: scanning runs ahead."""
    return min(scan["total"], int(issued * 1.25))


def scan_lines(pool, now):
    scan = pool["scan"]
    if not scan:
        return []
    done, issued, elapsed = scan_progress(scan, now)
    kind = scan["func"]
    if done:
        seconds = scan_seconds(scan)
        end = scan["start"] + seconds
        if kind == "scrub":
            return [
                "  scan: scrub repaired 0B in %s with %d errors on %s"
                % (fmt.dhms(seconds), scan["errors"], fmt.ctime(end))
            ]
        return [
            "  scan: resilvered %s in %s with %d errors on %s"
            % (fmt.nicebytes(scan["total"] // 2), fmt.dhms(seconds), scan["errors"], fmt.ctime(end))
        ]
    total = scan["total"]
    examined = scan_examined(scan, issued)
    rate = issued // elapsed
    lines = [
        "  scan: %s in progress since %s" % (kind, fmt.ctime(scan["start"])),
        "\t%s / %s scanned at %s/s, %s / %s issued at %s/s"
        % (
            fmt.nicebytes(examined),
            fmt.nicebytes(total),
            fmt.nicebytes(examined // elapsed),
            fmt.nicebytes(issued),
            fmt.nicebytes(total),
            fmt.nicebytes(rate),
        ),
    ]
    pct = 100.0 * issued / total if total else 100.0
    if rate >= 10 << 20:
        tail = "%s to go" % fmt.dhms((total - issued) // rate)
    else:
        tail = "no estimated completion time"
    repaired = fmt.nicebytes(issued // 2) if kind == "resilver" else "0B"
    lines.append(
        "\t%s %s, %.2f%% done, %s"
        % (repaired, "resilvered" if kind == "resilver" else "repaired", pct, tail)
    )
    return lines


def expand_progress(expand, now):
    """(done, reflowed bytes, end time) of a time-driven raidz expansion."""
    elapsed = max(1, now - expand["start"])
    reflowed = min(expand["to_reflow"], int(elapsed * expand["rate"]))
    end = expand["start"] + expand["to_reflow"] // expand["rate"]
    return reflowed >= expand["to_reflow"], reflowed, end


def expand_lines(pool, now):
    """print_raidz_expand_status() (2.3+): the top-level vdev by type and index."""
    expand = pool["expand"]
    if not expand:
        return []
    top = pool["vdevs"][expand["vdev"]]["name"]
    done, reflowed, end = expand_progress(expand, now)
    if done:
        return [
            "expand: expanded %s copied %s in %s, on %s"
            % (top, fmt.nicenum(reflowed), fmt.dhms(end - expand["start"]), fmt.ctime(end))
        ]
    elapsed = max(1, now - expand["start"])
    copied = max(1, reflowed)
    rate = max(1, copied // elapsed)
    line = "\t%s / %s copied at %s/s, %.2f%% done" % (
        fmt.nicenum(copied),
        fmt.nicenum(expand["to_reflow"]),
        fmt.nicenum(rate),
        100.0 * copied / expand["to_reflow"],
    )
    left = (expand["to_reflow"] - copied) // rate
    line += (
        ", %s to go" % fmt.dhms(left)
        if left < 30 * 86400
        else ", (copy is slow, no estimated time)"
    )
    return [
        "expand: expansion of %s in progress since %s" % (top, fmt.ctime(expand["start"])),
        line,
    ]


def status_text(pool, now, parsable, verbose, openzfs):
    out = ["  pool: %s" % pool["name"], " state: %s" % pool_health(pool, now)]
    why = reason(pool, now, openzfs)
    if why:
        msgid, status, action = reason_texts(why, openzfs)
        out.append("status: " + status)
        out.append("action: " + action)
        if msgid:
            out.append("   see: %s%s" % (MSG_URL, msgid))
    out += scan_lines(pool, now)
    if openzfs >= (2, 3):
        out += expand_lines(pool, now)
    out += ["config:", ""]
    rows = vdev_tree(pool, now).rows()
    width = max(10, max(depth + len(v.name) for depth, v in rows))
    out.append("\t%-*s  %-8s %5s %5s %5s" % (width, "NAME", "STATE", "READ", "WRITE", "CKSUM"))
    for depth, vdev in rows:
        nums = [str(c) if parsable else fmt.nicenum(c) for c in vdev.counts]
        line = "\t%*s%-*s  %-8s %5s %5s %5s" % (
            depth,
            "",
            width - depth,
            vdev.name,
            vdev.state,
            *nums,
        )
        out.append(line + ("  " + vdev.note if vdev.note else ""))
    out.append("")
    if pool["suspended"] and verbose:
        out.append("errors: List of errors unavailable: pool I/O is currently suspended")
    elif pool["data_errors"]:
        out.append("errors: %d data errors, use '-v' for a list" % pool["data_errors"])
    else:
        out.append("errors: No known data errors")
    return "\n".join(out) + "\n"


def healthy(pool, now, openzfs):
    return (
        pool_health(pool, now) == "ONLINE"
        and reason(pool, now, openzfs) in NOT_EXPLAINED
        and not pool["data_errors"]
    )


# `zpool get all` order: the zpool_prop_t enum without its hidden properties
# (include/sys/fs/zfs.h, module/zcommon/zpool_prop.c).
GET_ORDER_2_2 = [
    "size",
    "capacity",
    "altroot",
    "health",
    "guid",
    "version",
    "bootfs",
    "delegation",
    "autoreplace",
    "cachefile",
    "failmode",
    "listsnapshots",
    "autoexpand",
    "dedupratio",
    "free",
    "allocated",
    "readonly",
    "ashift",
    "comment",
    "expandsize",
    "freeing",
    "fragmentation",
    "leaked",
    "multihost",
    "checkpoint",
    "load_guid",
    "autotrim",
    "compatibility",
    "bcloneused",
    "bclonesaved",
    "bcloneratio",
]
GET_ORDER_2_3 = GET_ORDER_2_2 + ["dedup_table_size", "dedup_table_quota", "last_scrubbed_txg"]
STATIC = {
    "altroot": "-",
    "version": "-",
    "bootfs": "rpool/ROOT/pve-1",
    "delegation": "on",
    "autoreplace": "off",
    "cachefile": "-",
    "failmode": "wait",
    "listsnapshots": "off",
    "autoexpand": "off",
    "readonly": "off",
    "comment": "-",
    "expandsize": "-",
    "freeing": "0",
    "leaked": "0",
    "multihost": "off",
    "checkpoint": "-",
    "autotrim": "off",
    "compatibility": "off",
    "bcloneused": "0",
    "bclonesaved": "0",
    "dedup_table_size": "0",
    "dedup_table_quota": "auto",
}
ALIASES = {
    "alloc": "allocated",
    "cap": "capacity",
    "frag": "fragmentation",
    "dedup": "dedupratio",
    "ckpoint": "checkpoint",
    "expandsz": "expandsize",
}
SOURCES = {
    "altroot": "default",
    "version": "default",
    "bootfs": "local",
    "delegation": "default",
    "autoreplace": "default",
    "cachefile": "default",
    "failmode": "default",
    "listsnapshots": "default",
    "autoexpand": "default",
    "ashift": "local",
    "comment": "default",
    "multihost": "default",
    "autotrim": "default",
    "compatibility": "default",
    "dedup_table_quota": "default",
}


def get_order(openzfs):
    return GET_ORDER_2_3 if openzfs >= (2, 3) else GET_ORDER_2_2


def last_scrubbed_txg(pool):
    """The txg the last finished scrub started from (the pool's txg at its start)."""
    scan = pool["scan"]
    if not scan or scan["func"] != "scrub":
        return 0
    return zm.pool_txg(pool, scan["start"])


def value(pool, prop, parsable, space, now, openzfs):
    """One pool property as zpool_get_prop() prints it; None if unknown."""
    prop = ALIASES.get(prop, prop)
    if prop.startswith("feature@"):
        if prop[8:] not in poolfeatures.names(openzfs):
            return None
        return pool["features"].get(prop[8:], "disabled")
    if prop not in ("name",) and prop not in get_order(openzfs):
        return None
    alloc, free = space["alloc"], space["free"]
    if prop == "name":
        return pool["name"]
    if prop in ("size", "allocated", "free"):
        num = {"size": pool["size"], "allocated": alloc, "free": free}[prop]
        return str(num) if parsable else fmt.nicenum(num)
    if prop == "capacity":
        pct = alloc * 100 // pool["size"]
        return str(pct) if parsable else "%d%%" % pct
    if prop == "fragmentation":
        return str(pool["frag"]) if parsable else "%d%%" % pool["frag"]
    if prop in ("dedupratio", "bcloneratio"):
        return "1.00" if parsable else "1.00x"
    if prop == "health":
        return pool_health(pool, now)
    if prop == "guid":
        return str(pool["guid"])
    if prop == "load_guid":
        return str(pool["guid"] ^ 0x5DEECE66D)
    if prop == "ashift":
        return str(pool["ashift"])
    if prop == "last_scrubbed_txg":
        return str(last_scrubbed_txg(pool))
    return STATIC.get(prop)


def source(prop):
    prop = ALIASES.get(prop, prop)
    if prop.startswith("feature@"):
        return "local"
    return SOURCES.get(prop, "-")
