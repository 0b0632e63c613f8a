"""getopt-style parsing as the C tools do it (`-Hp`, `-o a,b`, `-oname`)."""


class UsageError(Exception):
    pass


def getopt(args, flags, with_value, permute=False):
    """Returns (set of flags, {opt: [values]}, operands).

    Stops at the first operand, or with `permute` goes on past operands as glibc's
    getopt() does for the tools that do not set POSIXLY_CORRECT.
    """
    seen, values, i, skipped = set(), {}, 0, []
    while i < len(args):
        arg = args[i]
        if arg == "--":
            i += 1
            break
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
                rest = arg[j + 1:]
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
