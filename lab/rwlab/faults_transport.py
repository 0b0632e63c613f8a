"""Faults between replwatch and a node: a bad link, a tool that floods or hangs, refused rights.

Tool faults bind-mount a launcher of faulty_tool.py over one tool inside the node's own
mount namespace (the holder's), so only that node's SSH sessions see it; clear unmounts it.
"""
import os
import signal
import subprocess
import sys

from rwlab import netlab
from rwlab import store


class TransportFaultError(RuntimeError):
    pass


NO_NETEM = (
    "this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM not set, tc: %s); "
    "`packet-loss` drops packets with nftables and `slow-link` shapes the link "
    "with tbf instead"
)
LOSS_TABLE = "rwlab_loss"
# fault name: (path inside the node, faulty_tool behaviour)
TOOL_FAULTS = {
    "big-output": ("/usr/local/bin/zfs", "flood"),
    "endless-command": ("/usr/local/bin/zfs", "endless"),
    "permission-denied": ("/usr/bin/cat", "deny"),
}


def _info(world, node):
    if node not in world.state["nodes"]:
        raise TransportFaultError("no such node '%s'" % node)
    return world.state["nodes"][node]


def _run(argv, what, check=True, stdin=None):
    """Runs argv; with `check`, a failure raises TransportFaultError("<what>: <stderr>")."""
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise TransportFaultError("%s: %s" % (what, proc.stderr.strip()))
    return proc


def _tc(world, node, *args, check=True):
    argv = ["tc", "-n", netlab.node_ns(world.state["name"], node), "qdisc"] + list(args)
    return _run(argv, " ".join(argv), check)


# --- the link (egress of the node's vmbr0: what it sends, i.e. command output) ---------------


def netem(world, args):
    _info(world, args["node"])
    proc = _tc(
        world,
        args["node"],
        "replace",
        "dev",
        "vmbr0",
        "root",
        "netem",
        "loss",
        "%s%%" % (args.get("loss") or "10"),
        "delay",
        "%sms" % (args.get("delay") or "100"),
        check=False,
    )
    if "qdisc kind is unknown" in proc.stderr:
        raise TransportFaultError(NO_NETEM % proc.stderr.strip())
    if proc.returncode != 0:
        raise TransportFaultError("tc netem on %s: %s" % (args["node"], proc.stderr.strip()))


def slow_link(world, args):
    """A token bucket with a short queue: queueing delay, and tail drops beyond it."""
    _info(world, args["node"])
    _tc(
        world,
        args["node"],
        "replace",
        "dev",
        "vmbr0",
        "root",
        "tbf",
        "rate",
        "%skbit" % (args.get("kbit") or "32"),
        "burst",
        "1600",
        "latency",
        "300ms",
    )


def packet_loss(world, args):
    """Real random loss without netem: nftables drops that share of the node's packets,
    both ways (numgen random, as `netem loss` would, minus the delay)."""
    _info(world, args["node"])
    percent = int(args.get("percent") or "20")
    if not 0 < percent <= 100:
        raise TransportFaultError("packet-loss: percent must be 1 to 100, not %d" % percent)
    verdict = "drop" if percent == 100 else "numgen random mod 100 < %d drop" % percent
    rules = "".join(
        "  chain %s { type filter hook %s priority 0; policy accept; %s; }\n"
        % (hook, hook, verdict)
        for hook in ("input", "output")
    )
    _nft(world, args["node"], "table inet %s {\n%s}\n" % (LOSS_TABLE, rules))


def loss_clear(world, args):
    _info(world, args["node"])
    _nft(world, args["node"], "delete table inet %s\n" % LOSS_TABLE, check=False)


def _nft(world, node, script, check=True):
    argv = ["ip", "netns", "exec", netlab.node_ns(world.state["name"], node), "nft", "-f", "-"]
    _run(argv, "nft on %s" % node, check, stdin=script)


def link_clear(world, args):
    _info(world, args["node"])
    _tc(world, args["node"], "del", "dev", "vmbr0", "root", check=False)


# --- tools on the node -----------------------------------------------------------------------


def _node_run(world, node, argv):
    _run(netlab.nsenter_argv(world.state, node) + argv, "%s on %s" % (" ".join(argv), node))


def _launcher(world, node, behaviour, tool):
    path = world.lab.node(node, "faulty-%s" % tool)
    store.write_text(
        path,
        '#!/bin/sh\nPYTHONPATH=%s exec %s %s %s %s "$@"\n'
        % (
            netlab.LAB_DIR,
            sys.executable,
            os.path.join(netlab.LAB_DIR, "rwlab", "faulty_tool.py"),
            behaviour,
            tool,
        ),
    )
    os.chmod(path, 0o755)
    return path


def tool_fault(name):
    target, behaviour = TOOL_FAULTS[name]

    def inject(world, args):
        info = _info(world, args["node"])
        overlays = info.setdefault("tool_overlays", {})
        if target in overlays:
            raise TransportFaultError(
                "%s on %s is already faulty (%s)" % (target, args["node"], overlays[target])
            )
        launcher = _launcher(world, args["node"], behaviour, os.path.basename(target))
        _node_run(world, args["node"], ["mount", "--bind", launcher, target])
        overlays[target] = name

    def clear(world, args):
        info = _info(world, args["node"])
        if info.get("tool_overlays", {}).get(target) == name:
            _node_run(world, args["node"], ["umount", target])
            del info["tool_overlays"][target]
        if behaviour == "endless":
            _end_hung_commands(world, args["node"])

    return inject, clear


def _end_hung_commands(world, node):
    pid_dir = world.lab.node(node, "endless")
    for name in os.listdir(pid_dir) if os.path.isdir(pid_dir) else []:
        try:
            with open("/proc/%s/cmdline" % name, "rb") as f:
                if b"faulty_tool.py" in f.read():
                    os.kill(int(name), signal.SIGTERM)
        except (FileNotFoundError, ProcessLookupError):
            pass


# --- SSH authentication --------------------------------------------------------------------


def _restart_sshd(world, node, config):
    store.write_text(world.lab.node(node, "ssh", "sshd_config"), config)
    world.restart_sshd(node)


def auth_denied(world, args):
    """replwatch's key removed from the node: only the cluster key is still authorized."""
    node = args["node"]
    _info(world, node)
    lab = world.lab
    with open(os.path.join(lab.dir, "cluster_id_rsa.pub")) as f:
        store.write_text(lab.node(node, "ssh", "authorized_keys.cluster-only"), f.read(), 0o600)
    config = netlab.sshd_config(lab, world.state, node).replace(
        "AuthorizedKeysFile /etc/pve/priv/authorized_keys",
        "AuthorizedKeysFile %s" % lab.node(node, "ssh", "authorized_keys.cluster-only"),
    )
    _restart_sshd(world, node, config)


def auth_restore(world, args):
    _info(world, args["node"])
    _restart_sshd(world, args["node"], netlab.sshd_config(world.lab, world.state, args["node"]))


def ssh_penalties(world, args):
    """The node's sshd penalizes the lab's bridge address too, as OpenSSH 9.8+ does anyone."""
    info = _info(world, args["node"])
    if info["pve"] != "9":
        raise TransportFaultError(
            "%s runs OpenSSH 9.2: PerSourcePenalties came with 9.8" % args["node"]
        )
    info["ssh_penalties"] = True
    _restart_sshd(world, args["node"], netlab.sshd_config(world.lab, world.state, args["node"]))


def ssh_penalties_exempt(world, args):
    info = _info(world, args["node"])
    info.pop("ssh_penalties", None)
    _restart_sshd(world, args["node"], netlab.sshd_config(world.lab, world.state, args["node"]))


# name: (positional argument names, inject, clear), merged into faults.FAULTS
# --- name resolution --------------------------------------------------------------------------


def dns_black_hole(world, args):
    """labdns.py stops answering for the node's name (it reads the faults itself)."""
    _info(world, args["node"])


def dns_answer(world, args):
    pass  # the fault leaving the state is enough


FAULTS = {
    "dns-black-hole": (["node"], dns_black_hole, dns_answer),
    "netem": (["node", "loss", "delay"], netem, link_clear),
    "slow-link": (["node", "kbit"], slow_link, link_clear),
    "packet-loss": (["node", "percent"], packet_loss, loss_clear),
    "auth-denied": (["node"], auth_denied, auth_restore),
    "ssh-penalties": (["node"], ssh_penalties, ssh_penalties_exempt),
}
FAULTS.update({name: (["node"],) + tool_fault(name) for name in TOOL_FAULTS})
