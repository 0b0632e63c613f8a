"""Writes the usage texts in this folder from OpenZFS's sources at a release tag.

    python3 generate.py <openzfs git dir> zfs-2.2.8 zfs-2.4.4

`zfs`/`zpool` print usage(B_FALSE) on stderr for a bad option: "usage:\\n", the command's
get_usage() text and, for the commands that take properties, the property table of
zprop_iter(..., ordered) (read-only first, then by name; cmd/zfs/zfs_main.c usage_prop_cb(),
cmd/zpool/zpool_main.c print_pool_prop_cb()). The tables are rendered from the
zprop_register_*() calls of module/zcommon/{zfs,zpool}_prop.c (Linux branches), the
get_usage() texts are read from the C sources as they are.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# (tool, command, HELP_ index, whether usage() appends the property table)
COMMANDS = [
    ("zfs", "list", "HELP_LIST", True),
    ("zfs", "get", "HELP_GET", True),
    ("zfs", "version", "HELP_VERSION", False),
    ("zpool", "status", "HELP_STATUS", False),
    ("zpool", "list", "HELP_LIST", True),
    ("zpool", "get", "HELP_GET", True),
    ("zpool", "upgrade", "HELP_UPGRADE", False),
    ("zpool", "version", "HELP_VERSION", False),
]
SOURCES = {"zfs": "cmd/zfs/zfs_main.c", "zpool": "cmd/zpool/zpool_main.c"}
PROPS = {"zfs": "module/zcommon/zfs_prop.c", "zpool": "module/zcommon/zpool_prop.c"}


def show(repo, tag, path):
    return subprocess.run(
        ["git", "-C", repo, "show", "%s:%s" % (tag, path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def linux_only(src):
    """Keeps the Linux userland branch of each #if/#ifdef/#ifndef block."""
    out, stack = [], []
    for line in src.split("\n"):
        word = line.strip().split(" ")[0]
        if word in ("#if", "#ifdef", "#ifndef"):
            cond = line.strip()[len(word) :].strip()
            taken = {"#ifdef": cond == "__linux__", "#ifndef": cond != "__linux__"}.get(
                word, "__linux__" in cond or "!defined(_KERNEL)" in cond
            )
            stack.append([taken, taken])
        elif word == "#else":
            stack[-1][0] = not stack[-1][1]
        elif word == "#endif":
            stack.pop()
        elif all(taken for taken, _ in stack):
            out.append(line)
    return "\n".join(out)


def c_string(arg, macros):
    """Adjacent C string literals (and #define'd strings) joined; None for NULL."""
    if arg == "NULL":
        return None
    text = ""
    for literal, macro in re.findall(r'"((?:[^"\\]|\\.)*)"|([A-Z_][A-Z0-9_]*)', arg):
        text += macros[macro] if macro else literal.encode().decode("unicode_escape")
    return text


def call_arguments(src, names):
    """(function, [arguments]) of every call of one of `names`."""
    for match in re.finditer(r"\b(%s)\s*\(" % "|".join(names), src):
        depth, i, args, current = 1, match.end(), [], ""
        while True:
            c = src[i]
            i += 1
            if c == '"':
                end = i
                while src[end] != '"':
                    end += 2 if src[end] == "\\" else 1
                current += src[i - 1 : end + 1]
                i = end + 1
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if not depth:
                    break
            if c == "," and depth == 1:
                args.append(current.strip())
                current = ""
            else:
                current += c
        yield match.group(1), args + [current.strip()]


def properties(repo, tag, tool):
    """[(name, attr, values)] of the visible properties, in zprop_iter()'s order."""
    src = linux_only(re.sub(r"/\*.*?\*/", "", show(repo, tag, PROPS[tool]), flags=re.S))
    macros = dict(re.findall(r'#define\s+([A-Z_][A-Z0-9_]*)\s+"([^"]*)"', src))
    prefix = "ZFS_PROP_" if tool == "zfs" else "ZPOOL_PROP_"
    found = []
    names = [
        "zprop_register_index",
        "zprop_register_number",
        "zprop_register_string",
        "zprop_register_impl",
    ]
    for function, args in call_arguments(src, names):
        if not args[0].startswith(prefix):
            continue
        if function == "zprop_register_impl":
            visible, attr, values = args[10] == "B_TRUE", args[5], c_string(args[7], macros)
        else:
            visible, attr, values = True, args[3], c_string(args[5], macros)
        if visible:
            found.append((c_string(args[1], macros), attr, values))
    return sorted(found, key=lambda p: (p[1] != "PROP_READONLY", p[0]))


def property_table(repo, tag, tool):
    rows = properties(repo, tag, tool)
    if tool == "zpool":
        return "".join(
            "\t%-19s  %s%s\n"
            % (name, "  NO   " if attr == "PROP_READONLY" else " YES   ", values or "-")
            for name, attr, values in rows
        )
    src = show(repo, tag, SOURCES["zfs"])
    width = int(re.search(r'usage_prop_cb.*?"\\t%-(\d+)s ', src, re.S).group(1))
    readonly = ("PROP_READONLY", "PROP_ONETIME", "PROP_ONETIME_DEFAULT")
    return "".join(
        "\t%-*s %s%s%s\n"
        % (
            width,
            name,
            " NO    " if attr in readonly else "YES    ",
            "  YES   " if attr in ("PROP_INHERIT", "PROP_ONETIME") else "   NO   ",
            values or "-",
        )
        for name, attr, values in rows
    )


def usage_function(src):
    body = re.search(r"\nusage\(boolean_t requested\)\n\{(.*?)\n\}\n", src, re.S).group(1)
    start = (
        "if (show_properties)"
        if "if (show_properties)" in body
        else "if (current_command != NULL &&"
    )
    return body[body.index(start) :]


def c_format_calls(body):
    """The printf-like calls of usage()'s property part, in order, as (format, args)."""
    for _, args in call_arguments(body, ["fprintf"]):
        if args[0] != "fp":
            continue
        fmt = args[1]
        if fmt.startswith("gettext("):
            fmt = fmt[len("gettext(") : -1]
        yield c_string(fmt, {}), [c_string(a, {}) for a in args[2:]]


def trailer(repo, tag, tool, with_properties):
    """What usage() prints after the command's line: the property table for get/list, or
    for the other zfs commands where to find it."""
    src = show(repo, tag, SOURCES[tool])
    body = usage_function(src)
    if not with_properties:
        if tool == "zpool":
            return ""
        rest = body[body.index("} else {") + len("} else {") :]
        return "".join(fmt % tuple(args) for fmt, args in c_format_calls(rest[: rest.index("}")]))
    out = ""
    table_at = body.index("zprop_iter(")
    for fmt, args in c_format_calls(body[:table_at]):
        out += fmt % tuple(args)
    out += property_table(repo, tag, tool)
    tail = body[table_at:]
    if tool == "zpool":
        tail = tail[: tail.index("} else if (current_prop_type == ZFS_TYPE_VDEV)")]
    else:
        tail = tail[: tail.index("} else {")]
    for fmt, args in c_format_calls(tail):
        out += fmt % tuple(args)
    return out


def command_usage(repo, tag, tool, index):
    src = show(repo, tag, SOURCES[tool])
    case = re.search(r"case %s:\s*return \(gettext\((.*?)\)\);" % index, src, re.S).group(1)
    return c_string(case, {})


def main():
    repo, tags = sys.argv[1], sys.argv[2:]
    for tag in tags:
        version = tag.split("-", 1)[1]
        for tool, command, index, with_properties in COMMANDS:
            if command == "version" and version < "2.3":
                continue  # 2.2's `version` ignores its arguments: no usage to print
            text = "usage:\n" + command_usage(repo, tag, tool, index)
            text += trailer(repo, tag, tool, with_properties)
            with open(os.path.join(HERE, "%s-%s-%s.txt" % (tool, version, command)), "w") as f:
                f.write(text)


if __name__ == "__main__":
    main()
