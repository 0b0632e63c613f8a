"""`zfs receive -A <filesystem|volume>`: discard partial receive state (zfs_do_receive()).

The lab keeps the state as the dataset's resume token (its hidden %recv child is not
modelled), so aborting clears the token. Receiving a stream is not simulated.
"""
from rwlab import cliargs


def receive(zfs, args, out, err):
    flags, _, operands = cliargs.getopt(args, "AcFhMnsuvde", "oxl", permute=True)
    if "A" not in flags:
        err.write("rwlab: the lab never streams; only 'zfs receive -A' is simulated\n")
        return 2
    if flags & {"d", "e", "n", "s", "u"}:
        raise cliargs.UsageError("invalid option")
    if not operands:
        raise cliargs.UsageError("missing snapshot argument")
    if len(operands) > 1:
        raise cliargs.UsageError("too many arguments")
    name = operands[0]
    if "@" in name:
        raise cliargs.UsageError(
            "cannot open '%s': operation not applicable to datasets of " "this type" % name
        )
    ds = zfs["datasets"].get(name)
    if ds is None:
        raise cliargs.UsageError("cannot open '%s': dataset does not exist" % name)
    if not ds["resume_token"]:
        err.write("'%s' does not have any resumable receive state to abort\n" % name)
        return 1
    ds["resume_token"] = None
    return 0
