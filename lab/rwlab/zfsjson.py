"""JSON output (`-j`) of OpenZFS 2.3+, shared by the zfs and zpool stand-ins.

`zcmd_print_json()` prints the nvlist with nvlist_print_json() (lib/libnvpair/libnvpair_json.c):
one line, no whitespace, keys in insertion order (a key added again moves to the end, as
nvlist_add_*() removes it first with NV_UNIQUE_NAME), then a newline. Numbers are strings:
human-readable by default, exact with -p, JSON integers with --json-int (which implies -p).
"""
import json
import time

from rwlab import fmt

# zprop_source_t as zprop_nvlist_one_property() names it (lib/libzfs/libzfs_util.c).
SOURCE_TYPES = {
    "-": "NONE",
    "default": "DEFAULT",
    "local": "LOCAL",
    "temporary": "TEMPORARY",
    "received": "RECEIVED",
}
INHERITED = "inherited from "


def schema(command):
    """zpool_json_schema(0, 1) / zfs_json_schema(0, 1)."""
    return {"output_version": {"command": command, "vers_major": 0, "vers_minor": 1}}


def dump(document):
    return json.dumps(document, separators=(",", ":")) + "\n"


def add(nvlist, key, value):
    """fnvlist_add_*(): a key added again moves to the end."""
    nvlist.pop(key, None)
    nvlist[key] = value


def source_object(source):
    """The source column of `zfs get` / `zpool get` as {"type", "data"}."""
    if source.startswith(INHERITED):
        return {"type": "INHERITED", "data": source[len(INHERITED) :]}
    return {"type": SOURCE_TYPES[source], "data": "-"}


def property_object(value, source, as_int):
    """zprop_nvlist_one_property(): an all-digits value becomes an integer with --json-int.

    An empty value counts as all digits there (strspn == strlen == 0), and sscanf() then
    leaves the number unset; the lab prints 0 for it."""
    shown = int(value or 0) if as_int and (value == "" or value.isdigit()) else value
    return {"value": shown, "source": source_object(source)}


def format_timestamp(epoch):
    """lib/libspl/timestamp.c format_timestamp(): nl_langinfo(_DATE_FMT) in the C locale."""
    if not epoch:
        return "-"
    return time.strftime("%a %b %e %H:%M:%S %Z %Y", time.localtime(epoch))


class Numbers:
    """nice_num_str_nvlist() of zpool_main.c for one command's -p / --json-int choice."""

    def __init__(self, literal, as_int):
        self.literal, self.as_int = literal or as_int, as_int

    def __call__(self, value, kind="1024", always_literal=False):
        if self.as_int:
            return int(value)
        if self.literal or always_literal:
            return str(int(value))
        if kind == "bytes":
            return fmt.nicebytes(value)
        if kind == "timestamp":
            return format_timestamp(value)
        return fmt.nicenum(value)

    def ids(self, value):
        """GUIDs and txgs of fill_pool_info() / fill_vdev_info(): "%llu" or an integer."""
        return int(value) if self.as_int else str(int(value))
