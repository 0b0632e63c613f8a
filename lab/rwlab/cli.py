"""Command line of the lab (lab/lab)."""
import argparse
import os
import subprocess
import sys

from rwlab import build
from rwlab import costmodel
from rwlab import faults
from rwlab import lifecycle
from rwlab import netlab
from rwlab import pve
from rwlab import scheduler
from rwlab import store
from rwlab import versions
from rwlab import world as worldmod


def config_yaml(state):
    lines = [
        "global:",
        "  collection_interval: 15s",
        "  connect_timeout: 5s",
        "  command_timeout: 20s",
        "ssh:",
        "  user: root",
        "  key_file: %s" % os.path.join(state["dir"], "replwatch_id_ed25519"),
        "  known_hosts_file: %s" % os.path.join(state["dir"], "known_hosts"),
        "clusters:",
        "  - name: %s" % state["name"],
        "    nodes:",
    ]
    for node, info in state["nodes"].items():
        lines += ["      - name: %s" % node, "        address: %s" % info["ip"]]
    return "\n".join(lines) + "\n"


def status_text(world):
    state = world.state
    out = [
        "lab %s: %d nodes, %d guests, %d jobs, state in %s"
        % (
            state["name"],
            len(state["nodes"]),
            len(state["guests"]),
            len(state["jobs"]),
            state["dir"],
        ),
        "lab namespace %s (bridge br0 198.18.0.1/%d)"
        % (netlab.lab_ns(state["name"]), state["prefix"]),
    ]
    for node, info in state["nodes"].items():
        alive = os.path.exists("/proc/%d" % info["sshd_pid"]) and not info["down"]
        flags = [k for k in ("down", "hung", "hostkey_changed") if info.get(k)]
        failing = sum(1 for j in pve.job_status(state, node, world.repl(node)) if j["fail_count"])
        release = versions.release(info)
        out.append(
            "  %-8s %-15s PVE %-6s zfs %-11s storage %-7s sshd %-4s pid %-7d "
            "jobs failing %-3d %s"
            % (
                node,
                info["ip"],
                release["manager"],
                world.zfs(node)["zfsutils"],
                info["libpve_storage"],
                "up" if alive else "down",
                info["sshd_pid"],
                failing,
                " ".join(flags),
            )
        )
    for fault in state["faults"]:
        out.append(
            "  fault %s %s" % (fault["name"], " ".join(str(v) for v in fault["args"].values()))
        )
    return "\n".join(out) + "\n"


def cost_text(lab, state, nodes, since):
    """`lab cost`: each node's ledger summed (costmodel.py), and all of them together."""
    unknown = [n for n in nodes if n not in state["nodes"]]
    if unknown:
        raise RuntimeError("no such node '%s'" % unknown[0])
    entries = []
    out = []
    for node in nodes or list(state["nodes"]):
        mine = costmodel.read(lab.cost_file(node), since)
        entries += mine
        out.append(costmodel.format_totals(node, costmodel.totals(mine)))
    if len(out) > 1:
        out.append(costmodel.format_totals("total", costmodel.totals(entries)))
    return "".join(out)


def parser():
    p = argparse.ArgumentParser(prog="lab", description="simulated Proxmox VE cluster")
    p.add_argument("--name", default=os.environ.get("RWLAB_NAME", "lab"))
    sub = p.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("up")
    up.add_argument("--nodes", type=int, default=3)
    up.add_argument("--guests", type=int, default=2, help="guests per node")
    up.add_argument("--snapshots", type=int, default=3, help="extra snapshots per disk")
    up.add_argument(
        "--pve",
        default=versions.DEFAULT,
        help="PVE release of every node (9 or 8), or one per node: 8,9,9",
    )
    up.add_argument(
        "--storage",
        default="",
        help="libpve-storage-perl per node apart from its release's: pve2=9.1.2,...",
    )
    up.add_argument(
        "--layout",
        choices=sorted(build.LAYOUTS),
        default="mirror",
        help="the pools' top-level vdev",
    )
    up.add_argument(
        "--encrypted",
        action="store_true",
        help="rpool/data is an encryption root on every node (guest disks inherit)",
    )
    up.add_argument(
        "--ha",
        action="store_true",
        help="each node's first guest is HA-managed, limited to the nodes of its replicas",
    )
    sub.add_parser("down")
    sub.add_parser("status")
    sub.add_parser("config")
    tick = sub.add_parser("tick")
    tick.add_argument("--minutes", type=int, default=1)
    for name in ("fault", "clear"):
        f = sub.add_parser(name)
        f.add_argument("fault")
        f.add_argument("args", nargs="*")
    ex = sub.add_parser("exec")
    ex.add_argument("node")
    ex.add_argument("command", nargs=argparse.REMAINDER)
    expose = sub.add_parser("expose")
    expose.add_argument("--port", type=int, required=True)
    sc = sub.add_parser("scenario")
    sc.add_argument("number", choices=["1", "2", "3", "4"])
    cost = sub.add_parser("cost", help="modeled CPU of the nodes' zfs/zpool runs")
    cost.add_argument("nodes", nargs="*", help="default: every node")
    cost.add_argument("--since", type=int, help="only runs at or after this epoch")
    for name, what in (
        ("migrate", "qm/pct migrate along the guest's replication job to <node>"),
        ("failover", "HA recovery of the guest onto <node> after its node went down"),
    ):
        move = sub.add_parser(name, help=what)
        move.add_argument("guest")
        move.add_argument("node")
    upg = sub.add_parser("upgrade")
    upg.add_argument("node")
    upg.add_argument("--storage", help="libpve-storage-perl version to install")
    return p


def main(argv=None):
    # `--name` may also follow the sub-command (lab up --name x).
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--name" in argv[1:] and argv[0] != "--name":
        i = argv.index("--name")
        argv = argv[i : i + 2] + argv[:i] + argv[i + 2 :]
    args = parser().parse_args(argv)
    lab = store.Lab(store.lab_dir(args.name))
    try:
        return dispatch(args, lab)
    except (RuntimeError, faults.FaultError, ValueError) as e:  # UpgradeError is a RuntimeError
        sys.stderr.write("lab: %s\n" % e)
        return 1


def dispatch(args, lab):
    if args.cmd == "up":
        if os.geteuid() != 0:
            raise RuntimeError("lab up needs root")
        setup = build.Setup(args.pve, args.storage, args.layout, args.encrypted, args.ha)
        seconds = lifecycle.up(lab, args.name, args.nodes, args.guests, args.snapshots, setup)
        print(
            "lab %s up in %.1fs: %d nodes (see `lab status`, `lab config`)"
            % (args.name, seconds, args.nodes)
        )
        return 0
    if args.cmd == "down":
        lifecycle.down(lab, args.name)
        return 0
    if not os.path.exists(lab.state_file):
        raise RuntimeError("lab '%s' is not up" % args.name)
    if args.cmd == "exec":
        state = lab.load_state()
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        if args.node not in state["nodes"]:
            raise RuntimeError("no such node '%s'" % args.node)
        return subprocess.call(netlab.node_exec_argv(state, args.node) + (command or ["bash"]))
    if args.cmd == "config":
        sys.stdout.write(config_yaml(lab.load_state()))
        return 0
    if args.cmd == "cost":
        sys.stdout.write(cost_text(lab, lab.load_state(), args.nodes, args.since))
        return 0
    if args.cmd == "expose":
        from rwlab import forward

        with lab.locked(exclusive=True):
            world = worldmod.World(lab)
            pid = forward.start(world, args.port)
            world.lab.save_state(world.state)
        print("forwarding 127.0.0.1:%d -> 198.18.0.1:%d (pid %d)" % (args.port, args.port, pid))
        return 0
    with lab.locked(exclusive=True):
        world = worldmod.World(lab)
        if args.cmd == "status":
            sys.stdout.write(status_text(world))
            return 0
        if args.cmd == "tick":
            print("\n".join(scheduler.tick(world, args.minutes)))
        elif args.cmd == "fault":
            faults.inject(world, args.fault, args.args)
        elif args.cmd == "clear":
            faults.clear(world, args.fault, args.args)
        elif args.cmd in ("migrate", "failover"):
            from rwlab import migrate

            move = migrate.migrate if args.cmd == "migrate" else migrate.failover
            try:
                print("\n".join(move(world, args.guest, args.node)))
            except migrate.MigrationAborted:
                world.commit()  # PVE records the failed run in the job's state
                raise
        elif args.cmd == "upgrade":
            from rwlab import upgrade

            print(upgrade.upgrade(world, args.node, args.storage))
        elif args.cmd == "scenario":
            from rwlab import scenarios

            print(scenarios.run(world, args.number))
        world.commit()
    return 0
