"""Pool state as `zpool status` / `zpool list` / `zpool get` show it (OpenZFS 2.2)."""
import time

from rwlab import fmt

MSG_URL = "https://openzfs.github.io/openzfs-docs/msg/"
REASONS = {
    "resilvering": (None, "One or more devices is currently being resilvered.  The pool will\n"
                    "\tcontinue to function, possibly in a degraded state.",
                    "Wait for the resilver to complete."),
    "io_failure": ("ZFS-8000-HC", "One or more devices are faulted in response to IO failures.",
                   "Make sure the affected devices are connected, then run 'zpool clear'."),
    "missing_dev_r": ("ZFS-8000-2Q", "One or more devices could not be opened.  Sufficient "
                      "replicas exist for\n\tthe pool to continue functioning in a degraded state.",
                      "Attach the missing device and online it using 'zpool online'."),
    "failing_dev": ("ZFS-8000-9P", "One or more devices has experienced an unrecoverable error.  An"
                    "\n\tattempt was made to correct the error.  Applications are unaffected.",
                    "Determine if the device needs to be replaced, and clear the errors\n\tusing "
                    "'zpool clear' or replace the device with 'zpool replace'."),
}


def leaf_counters(leaf, now):
    grown = int(leaf["cksum_rate"] * max(0, now - leaf["cksum_since"]))
    return leaf["read"], leaf["write"], leaf["cksum"] + grown


def vdev_tree(pool, now):
    """[(depth, name, state, (r, w, c), note)] of the config section, root first."""
    rows = []
    tops = []
    for top in pool["vdevs"]:
        states = [leaf["state"] for leaf in top["children"]]
        if all(s == "ONLINE" for s in states):
            state, note = "ONLINE", ""
        elif "ONLINE" in states:
            state, note = "DEGRADED", ""
        else:
            state, note = "UNAVAIL", "insufficient replicas"
        tops.append((top, state, note))
    root_states = [s for _, s, _ in tops]
    if "UNAVAIL" in root_states:
        root, root_note = "UNAVAIL", "insufficient replicas"
    elif "DEGRADED" in root_states:
        root, root_note = "DEGRADED", ""
    else:
        root, root_note = "ONLINE", ""
    rows.append((0, pool["name"], root, (0, 0, 0), root_note))
    resilvering = scan_active(pool, now) and pool["scan"]["func"] == "resilver"
    for top, state, note in tops:
        rows.append((2, top["name"], state, (0, 0, 0), note))
        for leaf in top["children"]:
            leaf_note = leaf["note"]
            if resilvering and leaf.get("resilvering"):
                leaf_note = "(resilvering)"
            rows.append((4, leaf["name"], leaf["state"], leaf_counters(leaf, now), leaf_note))
    return rows


def pool_health(pool, now):
    if pool["suspended"]:
        return "SUSPENDED"
    return vdev_tree(pool, now)[0][2]


def reason(pool, now):
    if scan_active(pool, now) and pool["scan"]["func"] == "resilver":
        return "resilvering"
    if pool["suspended"]:
        return "io_failure"
    rows = vdev_tree(pool, now)
    if any(state in ("UNAVAIL", "FAULTED", "REMOVED") for _, _, state, _, _ in rows[1:]):
        return "missing_dev_r"
    if any(sum(counts) for _, _, _, counts, _ in rows):
        return "failing_dev"
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


def scan_lines(pool, now):
    scan = pool["scan"]
    if not scan:
        return []
    done, issued, elapsed = scan_progress(scan, now)
    kind = scan["func"]
    if done:
        seconds = int(scan["total"] / scan["rate"]) if scan["rate"] else 0
        end = scan["start"] + seconds
        if kind == "scrub":
            return ["  scan: scrub repaired 0B in %s with %d errors on %s"
                    % (fmt.dhms(seconds), scan["errors"], fmt.ctime(end))]
        return ["  scan: resilvered %s in %s with %d errors on %s"
                % (fmt.nicebytes(scan["total"] // 2), fmt.dhms(seconds), scan["errors"],
                   fmt.ctime(end))]
    total = scan["total"]
    examined = min(total, int(issued * 1.25))
    rate = issued // elapsed
    lines = ["  scan: %s in progress since %s" % (kind, fmt.ctime(scan["start"])),
             "\t%s / %s scanned at %s/s, %s / %s issued at %s/s"
             % (fmt.nicebytes(examined), fmt.nicebytes(total), fmt.nicebytes(examined // elapsed),
                fmt.nicebytes(issued), fmt.nicebytes(total), fmt.nicebytes(rate))]
    pct = 100.0 * issued / total if total else 100.0
    if rate >= 10 << 20:
        tail = "%s to go" % fmt.dhms((total - issued) // rate)
    else:
        tail = "no estimated completion time"
    repaired = fmt.nicebytes(issued // 2) if kind == "resilver" else "0B"
    lines.append("\t%s %s, %.2f%% done, %s" % (repaired, "resilvered" if kind == "resilver"
                                                else "repaired", pct, tail))
    return lines


def status_text(pool, now, parsable, verbose):
    out = ["  pool: %s" % pool["name"], " state: %s" % pool_health(pool, now)]
    why = reason(pool, now)
    if why:
        msgid, status, action = REASONS[why]
        out.append("status: " + status)
        out.append("action: " + action)
        if msgid:
            out.append("   see: %s%s" % (MSG_URL, msgid))
    out += scan_lines(pool, now)
    out += ["config:", ""]
    rows = vdev_tree(pool, now)
    width = max(10, max(depth + len(name) for depth, name, *_ in rows))
    out.append("\t%-*s  %-8s %5s %5s %5s" % (width, "NAME", "STATE", "READ", "WRITE", "CKSUM"))
    for depth, name, state, counts, note in rows:
        nums = [str(c) if parsable else fmt.nicenum(c) for c in counts]
        line = "\t%*s%-*s  %-8s %5s %5s %5s" % (depth, "", width - depth, name, state, *nums)
        out.append(line + ("  " + note if note else ""))
    out.append("")
    if pool["suspended"] and verbose:
        out.append("errors: List of errors unavailable: pool I/O is currently suspended")
    elif pool["data_errors"]:
        out.append("errors: %d data errors, use '-v' for a list" % pool["data_errors"])
    else:
        out.append("errors: No known data errors")
    return "\n".join(out) + "\n"


def healthy(pool, now):
    return pool_health(pool, now) == "ONLINE" and reason(pool, now) is None and \
        not pool["data_errors"]


GET_ORDER = ["size", "capacity", "altroot", "health", "guid", "version", "bootfs", "delegation",
             "autoreplace", "cachefile", "failmode", "listsnapshots", "autoexpand", "dedupratio",
             "free", "allocated", "readonly", "ashift", "comment", "expandsize", "freeing",
             "fragmentation", "leaked", "multihost", "checkpoint", "load_guid", "autotrim",
             "compatibility", "bcloneused", "bclonesaved", "bcloneratio"]
STATIC = {"altroot": "-", "version": "-", "bootfs": "rpool/ROOT/pve-1", "delegation": "on",
          "autoreplace": "off", "cachefile": "-", "failmode": "wait", "listsnapshots": "off",
          "autoexpand": "off", "readonly": "off", "comment": "-", "expandsize": "-",
          "freeing": "0", "leaked": "0", "multihost": "off", "checkpoint": "-",
          "autotrim": "off", "compatibility": "off", "bcloneused": "0", "bclonesaved": "0"}
ALIASES = {"alloc": "allocated", "cap": "capacity", "frag": "fragmentation",
           "dedup": "dedupratio", "ckpoint": "checkpoint", "expandsz": "expandsize"}
SOURCES = {"altroot": "default", "version": "default", "bootfs": "local",
           "delegation": "default", "autoreplace": "default", "cachefile": "default",
           "failmode": "default", "listsnapshots": "default", "autoexpand": "default",
           "ashift": "local", "comment": "default", "multihost": "default",
           "autotrim": "default", "compatibility": "default"}


def value(pool, prop, parsable, space, now):
    """One pool property as zpool_get_prop() prints it; None if unknown."""
    prop = ALIASES.get(prop, prop)
    if prop.startswith("feature@"):
        return pool["features"].get(prop[8:], None)
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
    return STATIC.get(prop)


def source(prop):
    prop = ALIASES.get(prop, prop)
    if prop.startswith("feature@"):
        return "local"
    return SOURCES.get(prop, "-")
