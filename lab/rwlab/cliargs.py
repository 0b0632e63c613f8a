"""getopt-style parsing as the C tools do it (`-Hp`, `-o a,b`, `-oname`)."""


class UsageError(Exception):
    pass


class CommandUsage(UsageError):
    """A bad invocation of one command: the message, then that command's usage text."""

    def __init__(self, message, command):
        super().__init__(message)
        self.command = command


# The JSON options that need -j, in the order zpool_do_status() checks them (zfs and the
# other zpool commands know only some of them); 2.2 has none.
JSON_ONLY = (
    ("flat", "'--json-flat-vdevs'"),
    ("int", "'--json-int'"),
    ("guid", "'json-pool-key-guid'"),
)


def release_options(table, command, args, openzfs):
    """getopt() with `command`'s options in the node's release: table[command] holds the
    2.2 and the 2.3+ (flags, options with a value, long options)."""
    flags, with_value, long_options = table[command][openzfs >= (2, 3)]
    try:
        found, values, operands = getopt(args, flags, with_value, long_options=long_options)
    except UsageError as e:
        raise CommandUsage(str(e), command) from None
    if "j" not in found:
        for flag, option in JSON_ONLY:
            if flag in found:
                raise CommandUsage("%s only works with '-j' option" % option, command)
    return found, values, operands


def getopt(args, flags, with_value, permute=False, long_options=None):
    """Returns (set of flags, {opt: [values]}, operands).

    Stops at the first operand, or with `permute` goes on past operands as glibc's
    getopt() does for the tools that do not set POSIXLY_CORRECT. A command parsed with
    getopt_long() passes its `long_options` ({"--name": flag added}); glibc reports an
    unknown one with optopt 0, so OpenZFS prints "invalid option '\\0'". Without them a
    "--name" is read as short options, '-' being the first invalid one.
    """
    seen, values, i, skipped = set(), {}, 0, []
    while i < len(args):
        arg = args[i]
        if arg == "--":
            i += 1
            break
        if arg.startswith("--") and long_options is not None:
            if arg not in long_options:
                raise UsageError("invalid option '\0'")
            seen.add(long_options[arg])
            i += 1
            continue
        if not arg.startswith("-") or arg == "-":
            if not permute:
                break
            skipped.append(arg)
            i += 1
            continue
        j = 1
        while j < len(arg):
            ch = arg[j]
            if ch in with_value:
                rest = arg[j + 1 :]
                if not rest:
                    i += 1
                    if i >= len(args):
                        raise UsageError("missing argument for '%s' option" % ch)
                    rest = args[i]
                values.setdefault(ch, []).append(rest)
                break
            if ch not in flags:
                raise UsageError("invalid option '%s'" % ch)
            seen.add(ch)
            j += 1
        i += 1
    return seen, values, skipped + args[i:]


def table(rows, right=(), scripted=False):
    """Columns separated by two spaces (TAB when scripted); the last column unpadded."""
    if scripted:
        return "".join("\t".join(r) + "\n" for r in rows)
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = []
        for c, cell in enumerate(r):
            last = c == len(r) - 1
            if c in right:
                cells.append(cell.rjust(widths[c]))
            else:
                cells.append(cell if last else cell.ljust(widths[c]))
        out.append("  ".join(cells) + "\n")
    return "".join(out)
