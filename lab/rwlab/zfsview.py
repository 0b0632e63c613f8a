"""Dataset and snapshot properties as `zfs get` / `zfs list` print them (OpenZFS 2.2, 2.4).

`zfs get all` order is the zfs_prop_t enum without hidden properties (include/sys/fs/zfs.h);
2.3 and 2.4 append their new properties after `prefetch` (openzfs/zfs@zfs-2.4.4).
"""
import time

from rwlab import fmt
from rwlab import versions
from rwlab import zfsmodel as zm

ALL_ORDER = [
    "type",
    "creation",
    "used",
    "available",
    "referenced",
    "compressratio",
    "mounted",
    "origin",
    "quota",
    "reservation",
    "volsize",
    "volblocksize",
    "recordsize",
    "mountpoint",
    "sharenfs",
    "checksum",
    "compression",
    "atime",
    "devices",
    "exec",
    "setuid",
    "readonly",
    "zoned",
    "snapdir",
    "aclmode",
    "aclinherit",
    "createtxg",
    "canmount",
    "xattr",
    "copies",
    "version",
    "utf8only",
    "normalization",
    "casesensitivity",
    "vscan",
    "nbmand",
    "sharesmb",
    "refquota",
    "refreservation",
    "guid",
    "primarycache",
    "secondarycache",
    "usedbysnapshots",
    "usedbydataset",
    "usedbychildren",
    "usedbyrefreservation",
    "defer_destroy",
    "userrefs",
    "logbias",
    "objsetid",
    "dedup",
    "mlslabel",
    "sync",
    "dnodesize",
    "refcompressratio",
    "written",
    "clones",
    "logicalused",
    "logicalreferenced",
    "volmode",
    "filesystem_limit",
    "snapshot_limit",
    "filesystem_count",
    "snapshot_count",
    "snapdev",
    "acltype",
    "context",
    "fscontext",
    "defcontext",
    "rootcontext",
    "relatime",
    "redundant_metadata",
    "overlay",
    "receive_resume_token",
    "encryption",
    "keylocation",
    "keyformat",
    "pbkdf2iters",
    "encryptionroot",
    "keystatus",
    "special_small_blocks",
    "snapshots_changed",
    "prefetch",
]
# In ALL_ORDER but younger than 2.1: snapshots_changed came with 2.2.0, prefetch with
# 2.2.4 (#15237). The lab's releases (2.2.8, 2.4.4) know both; an older node refuses them.
SINCE = {"snapshots_changed": (2, 2, 0), "prefetch": (2, 2, 4)}
NEW_IN_2_3 = ["volthreading", "direct", "longname"]
NEW_IN_2_4 = [
    "defaultuserquota",
    "defaultgroupquota",
    "defaultprojectquota",
    "defaultuserobjquota",
    "defaultgroupobjquota",
    "defaultprojectobjquota",
]
ALIASES = {
    "avail": "available",
    "refer": "referenced",
    "ratio": "compressratio",
    "compress": "compression",
    "usedsnap": "usedbysnapshots",
    "usedds": "usedbydataset",
    "usedchild": "usedbychildren",
    "usedrefreserv": "usedbyrefreservation",
    "lused": "logicalused",
    "lrefer": "logicalreferenced",
    "refratio": "refcompressratio",
    "reserv": "reservation",
    "refreserv": "refreservation",
    "volblock": "volblocksize",
    "recsize": "recordsize",
}
FS_ONLY = {
    "mounted",
    "quota",
    "recordsize",
    "mountpoint",
    "sharenfs",
    "atime",
    "devices",
    "exec",
    "setuid",
    "zoned",
    "snapdir",
    "aclmode",
    "aclinherit",
    "canmount",
    "xattr",
    "version",
    "utf8only",
    "normalization",
    "casesensitivity",
    "vscan",
    "nbmand",
    "sharesmb",
    "refquota",
    "filesystem_limit",
    "filesystem_count",
    "acltype",
    "context",
    "fscontext",
    "defcontext",
    "rootcontext",
    "relatime",
    "overlay",
    "special_small_blocks",
    "direct",
    "longname",
} | set(NEW_IN_2_4)
VOL_ONLY = {"volsize", "volblocksize", "volmode", "snapdev", "volthreading"}
SNAP_ONLY = {"defer_destroy", "userrefs", "clones"}
NOT_SNAP = {
    "available",
    "quota",
    "reservation",
    "refquota",
    "refreservation",
    "usedbysnapshots",
    "usedbydataset",
    "usedbychildren",
    "usedbyrefreservation",
    "filesystem_limit",
    "snapshot_limit",
    "filesystem_count",
    "snapshot_count",
    "receive_resume_token",
    "snapshots_changed",
    "origin",
    "canmount",
    "mountpoint",
    "sharenfs",
    "sharesmb",
    "readonly",
    "snapdir",
    "snapdev",
    "volmode",
    "keylocation",
    "special_small_blocks",
    "volthreading",
    "direct",
    "longname",
}
SIZES = {
    "used",
    "available",
    "referenced",
    "usedbysnapshots",
    "usedbydataset",
    "usedbychildren",
    "usedbyrefreservation",
    "logicalused",
    "logicalreferenced",
    "written",
    "quota",
    "reservation",
    "refquota",
    "refreservation",
    "volsize",
    "volblocksize",
    "recordsize",
}
NONE_IF_ZERO = {"quota", "reservation", "refquota", "refreservation"}
FIXED = {
    "compressratio": "1.00",
    "refcompressratio": "1.00",
    "recordsize": "131072",
    "volblocksize": "16384",
    "sharenfs": "off",
    "sharesmb": "off",
    "checksum": "on",
    "compression": "on",
    "atime": "on",
    "devices": "on",
    "exec": "on",
    "setuid": "on",
    "readonly": "off",
    "zoned": "off",
    "snapdir": "hidden",
    "aclmode": "discard",
    "aclinherit": "restricted",
    "canmount": "on",
    "xattr": "on",
    "copies": "1",
    "version": "5",
    "utf8only": "off",
    "normalization": "none",
    "casesensitivity": "sensitive",
    "vscan": "off",
    "nbmand": "off",
    "primarycache": "all",
    "secondarycache": "all",
    "logbias": "latency",
    "dedup": "off",
    "mlslabel": "none",
    "sync": "standard",
    "dnodesize": "legacy",
    "volmode": "default",
    "filesystem_limit": "none",
    "snapshot_limit": "none",
    "filesystem_count": "none",
    "snapshot_count": "none",
    "snapdev": "hidden",
    "acltype": "off",
    "context": "none",
    "fscontext": "none",
    "defcontext": "none",
    "rootcontext": "none",
    "relatime": "on",
    "redundant_metadata": "all",
    "overlay": "on",
    "keylocation": "none",
    "keyformat": "none",
    "pbkdf2iters": "0",
    "special_small_blocks": "0",
    "prefetch": "all",
    "defer_destroy": "off",
    "userrefs": "0",
    "clones": "",
    "origin": "-",
    "usedbyrefreservation": "0",
    "volthreading": "on",
    "direct": "standard",
    **dict.fromkeys(NEW_IN_2_4, "0"),
}
INFO_SOURCE = {
    "type",
    "creation",
    "used",
    "available",
    "referenced",
    "compressratio",
    "mounted",
    "origin",
    "createtxg",
    "guid",
    "usedbysnapshots",
    "usedbydataset",
    "usedbychildren",
    "usedbyrefreservation",
    "objsetid",
    "refcompressratio",
    "written",
    "clones",
    "logicalused",
    "logicalreferenced",
    "receive_resume_token",
    "encryptionroot",
    "keystatus",
    "snapshots_changed",
    "version",
    "utf8only",
    "normalization",
    "casesensitivity",
    "defer_destroy",
    "userrefs",
    "volblocksize",
} | set(NEW_IN_2_4)


class Obj:
    """A dataset or a snapshot, with what property values need."""

    def __init__(self, name, ds, snap=None, index=None):
        self.name, self.ds, self.snap, self.index = name, ds, snap, index

    @property
    def dataset_name(self):
        return self.name.split("@", 1)[0]

    @property
    def type(self):
        return "snapshot" if self.snap else self.ds["type"]


def applies(obj, prop):
    kind = obj.type
    if prop in SNAP_ONLY:
        return kind == "snapshot"
    if kind == "snapshot" and prop in NOT_SNAP:
        return False
    base = obj.ds["type"]
    if prop in FS_ONLY and base != "filesystem":
        return False
    if prop in VOL_ONLY and base != "volume":
        return False
    return True


def mountpoint(name):
    if name == "rpool/ROOT/pve-1":
        return "/"
    if name == "rpool/var-lib-vz":
        return "/var/lib/vz"
    return "/" + name


def raw_value(obj, prop, ctx):
    """Property value in -p form, or None when it does not apply."""
    ds, snap, now = obj.ds, obj.snap, ctx.now
    if prop.startswith("written@"):
        if snap:
            return None
        base = zm.find_snap(ds, prop[8:])
        return None if base is None else zm.written_since(ds, base, now)
    if not applies(obj, prop):
        return None
    if prop == "type":
        return obj.type
    if prop == "name":
        return obj.name
    if prop == "creation":
        return (snap or ds)["creation"]
    if prop in ("guid", "createtxg"):
        return (snap or ds)[prop]
    if prop in ("referenced", "logicalreferenced"):
        return (snap or ds)["refer"]
    if prop in ("used", "logicalused"):
        if snap:
            return zm.snap_used(ds, obj.index, now)
        return ctx.own[obj.name] + ctx.children[obj.name]
    if prop == "available":
        return zm.dataset_available(
            ctx.zfs, obj.name, ctx.pools, ctx.own[obj.name] + ctx.children[obj.name]
        )
    if prop == "usedbysnapshots":
        return zm.used_by_snapshots(ds, now)
    if prop == "usedbydataset":
        return ds["refer"]
    if prop == "usedbychildren":
        return ctx.children[obj.name]
    if prop == "written":
        if snap:
            prev = ds["snaps"][obj.index - 1]["wclock"] if obj.index else 0
            return min(snap["refer"], snap["wclock"] - prev) if obj.index else snap["refer"]
        return zm.written_since(ds, ds["snaps"][-1], now) if ds["snaps"] else ds["refer"]
    if prop in ("quota", "reservation", "refquota", "refreservation", "volsize"):
        return ds[prop]
    if prop == "mounted":
        return "yes"
    if prop == "mountpoint":
        return mountpoint(obj.name)
    if prop == "objsetid":
        return (snap or ds)["guid"] % 99991 + 54
    if prop == "receive_resume_token":
        return ds["resume_token"] or "-"
    if prop == "encryption":
        return ds["encryption"]
    if prop == "keystatus":
        return "-" if snap and ds["encryption"] == "off" else ds["keystatus"]
    if prop == "encryptionroot":
        return "-" if ds["encryption"] == "off" else encryption_root(obj)
    if prop == "keyformat" and ds["encryption"] != "off":
        return "passphrase"
    if prop == "keylocation" and ds["encryption"] != "off" and encryption_root(obj) == obj.name:
        return "prompt"
    if prop == "longname":
        return ds.get("longname", "off")
    if prop == "snapshots_changed":
        # zfs_prop_get() fails for 0 (never changed): "-", and `get all` skips it.
        return zm.snapshots_changed(ds) or None
    return FIXED.get(prop)


def encryption_root(obj):
    """The dataset whose key unlocks this one: itself, or the encrypted parent it inherits
    encryption from (`encroot`)."""
    return obj.ds.get("encroot") or obj.dataset_name


def all_properties(openzfs):
    """`zfs get all` of this release, in its order (the properties it knows)."""
    return (
        [p for p in ALL_ORDER if openzfs >= SINCE.get(p, (0,))]
        + (NEW_IN_2_3 if openzfs >= (2, 3) else [])
        + (NEW_IN_2_4 if openzfs >= (2, 4) else [])
    )


def value(obj, prop, ctx, parsable):
    val = raw_value(obj, prop, ctx)
    if val is None:
        return "-"
    if parsable:
        return str(val)
    if prop == "creation":
        return time.strftime("%a %b %e %k:%M %Y", time.localtime(val))
    if prop == "snapshots_changed":
        return time.strftime("%a %b %e %k:%M:%S %Y", time.localtime(val))
    if prop in NONE_IF_ZERO and val == 0:
        return "none"
    if prop in ("compressratio", "refcompressratio"):
        return val + "x"
    if prop in ("volsize", "volblocksize", "written") or prop.startswith("written@"):
        return fmt.nicenum(val)
    if prop in SIZES:
        return fmt.nicebytes(val)
    return str(val)


def source(obj, prop):
    if prop.startswith("written@"):
        return "local"
    if not applies(obj, prop) or prop in INFO_SOURCE:
        return "-"
    if prop in NONE_IF_ZERO:
        return "local" if obj.ds[prop] else "default"
    if prop == "volsize":
        return "local"
    if prop == "compression":
        return "local" if obj.dataset_name == "rpool" else "inherited from rpool"
    if prop == "mountpoint" and obj.dataset_name in ("rpool/ROOT/pve-1", "rpool/var-lib-vz"):
        return "local"
    if prop == "encryption":
        return "default" if obj.ds["encryption"] == "off" else "-"
    if prop == "keylocation" and obj.ds["encryption"] != "off" and encryption_root(obj) == obj.name:
        return "local"
    if prop == "keyformat" and obj.ds["encryption"] != "off":
        return "-"
    if prop == "longname" and "longname" in obj.ds:
        return "local"
    return "default"


class Context:
    """What property values need: the node's ZFS state, the time, its release's properties."""

    def __init__(self, zfs, now):
        self.zfs, self.now = zfs, now
        self.pools, self.own, self.children = zm.space(zfs, now)
        self.openzfs = versions.openzfs(zfs["zfsutils"])
        self.known = all_properties(self.openzfs)
