#!/usr/bin/env python3
"""Writes the naive alternative to one replwatch cycle as a bash script.

  ssh_loop.py LAB LOG MODE PARALLEL DIR    writes DIR/loop.sh (and DIR/<node>.sh)

LOG is what `lab_cycle.py record` logged: the exact command lines replwatch
sent, per node in the order it sent them. The script runs each of them with
one OpenSSH `ssh` per command, as a shell loop would, output discarded.
MODE plain: a new connection per command. MODE mux: OpenSSH connection
multiplexing, one master per node (ControlMaster), closed after the node's
last command. PARALLEL 1: node after node; N > 1: N nodes at a time
(xargs -P N), each node's commands still one after another.
"""
import os
import shlex
import sys

from lab_cycle import lab_state


def node_commands(log):
    commands = {}
    with open(log) as f:
        for line in f:
            node, _, _, command = line.rstrip("\n").split("\t", 3)
            commands.setdefault(node, []).append(command)
    return commands


def ssh_argv(state, mode, node, outdir):
    argv = [
        "ssh",
        "-F",
        "/dev/null",
        "-n",
        "-o",
        "BatchMode=yes",
        "-i",
        os.path.join(state["dir"], "replwatch_id_ed25519"),
        "-o",
        "UserKnownHostsFile=" + os.path.join(state["dir"], "known_hosts"),
        "-o",
        "GlobalKnownHostsFile=/dev/null",
    ]
    if mode == "mux":
        argv += [
            "-o",
            "ControlMaster=auto",
            "-o",
            "ControlPersist=yes",
            "-o",
            "ControlPath=%s" % os.path.join(outdir, "mux-" + node),
        ]
    return argv + ["root@" + state["nodes"][node]["ip"]]


def node_lines(state, mode, node, commands, outdir):
    ssh = " ".join(shlex.quote(word) for word in ssh_argv(state, mode, node, outdir))
    lines = ["%s %s >/dev/null 2>&1" % (ssh, shlex.quote(c)) for c in commands]
    if mode == "mux":
        lines.append("%s -O exit 2>/dev/null" % ssh)
    return lines


def write_script(path, lines):
    with open(path, "w") as f:
        f.write("#!/bin/bash\nset -e\n" + "\n".join(lines) + "\n")


def main():
    if len(sys.argv) != 6 or sys.argv[3] not in ("plain", "mux"):
        sys.exit(__doc__)
    lab, log, mode = sys.argv[1:4]
    parallel, outdir = int(sys.argv[4]), sys.argv[5]
    state = lab_state(lab)
    commands = node_commands(log)
    nodes = sorted(commands, key=lambda n: state["nodes"][n]["id"])
    lines = {n: node_lines(state, mode, n, commands[n], outdir) for n in nodes}
    if parallel == 1:
        write_script(os.path.join(outdir, "loop.sh"), [line for n in nodes for line in lines[n]])
        return
    for node in nodes:
        write_script(os.path.join(outdir, node + ".sh"), lines[node])
    write_script(
        os.path.join(outdir, "loop.sh"),
        ["xargs -P %d -n 1 bash <<'EOF'" % parallel]
        + [os.path.join(outdir, node + ".sh") for node in nodes]
        + ["EOF"],
    )


if __name__ == "__main__":
    main()
