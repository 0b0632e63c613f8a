"""Network namespaces, the lab bridge, per-node mount namespaces and sshd.

Layout: namespace rwlab-<lab> holds bridge br0 (198.18.0.1); every node is a
namespace rwlab-<lab>-<node> whose `vmbr0` (a veth) is plugged into br0. A holder
process (`sleep infinity`) keeps each node's private mount + UTS namespace alive;
the node's sshd is started inside it with nsenter, so it can be stopped, frozen
or restarted without losing the namespace. Nothing is added to the root namespace.
"""
import ipaddress
import os
import shutil
import subprocess
import sys
import time

from rwlab import backups

LAB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STANDINS = os.path.join(LAB_DIR, "standins")
SESSION_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Host directories the node namespaces mount over (created empty if missing).
MOUNTPOINTS = [
    "/etc/pve",
    "/var/log/pve",
    "/var/lib/pve-manager",
    "/run/sshd",
    "/etc/cron.d",
    "/etc/systemd/system/timers.target.wants",
]
UNITS = "/usr/lib/systemd/system"  # /lib/systemd/system too: Debian is merged-usr
CREATED_RECORD = "/run/replwatch-lab/created-dirs"


def lab_ns(name):
    return "rwlab-%s" % name


def node_ns(name, node):
    return "rwlab-%s-%s" % (name, node)


def node_address(index, count):
    """Node 1 is 198.18.0.11; beyond 200 nodes the lab spreads over 198.18.0.0/15."""
    if count <= 200:
        return "198.18.0.%d" % (10 + index), 24
    base = int(ipaddress.IPv4Address("198.18.0.0"))
    block, offset = divmod(index - 1, 200)
    return str(ipaddress.IPv4Address(base + block * 256 + 11 + offset)), 15


def _start(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
    """Starts a lab process in a session of its own (stopped by pid); its pid."""
    return subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, start_new_session=True
    ).pid


def run(argv, stdin=None):
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(argv), proc.stderr.strip()))
    return proc.stdout


def ensure_mountpoints():
    created = []
    for path in MOUNTPOINTS:
        missing = []
        parent = path
        while not os.path.isdir(parent):
            missing.insert(0, parent)
            parent = os.path.dirname(parent)
        for directory in missing:
            os.mkdir(directory)
            created.append(directory)
    if created:
        os.makedirs(os.path.dirname(CREATED_RECORD), exist_ok=True)
        with open(CREATED_RECORD, "a") as f:
            f.write("".join(p + "\n" for p in created))


def remove_created_mountpoints():
    """Only once no lab is left: an rmdir would detach other labs' mounts."""
    if any(ns.startswith("rwlab-") for ns in list_netns()):
        return
    try:
        with open(CREATED_RECORD) as f:
            paths = [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return
    for path in reversed(paths):
        try:
            os.rmdir(path)
        except OSError:
            pass
    os.unlink(CREATED_RECORD)


def list_netns():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def create_network(state):
    name = state["name"]
    prefix = state["prefix"]
    run(["ip", "netns", "add", lab_ns(name)])
    batch = [
        "link set lo up",
        "link add br0 type bridge",
        "link set br0 up",
        "addr add 198.18.0.1/%d dev br0" % prefix,
    ]
    for node, info in state["nodes"].items():
        run(["ip", "netns", "add", node_ns(name, node)])
        batch.append(
            "link add p%d type veth peer name vmbr0 netns %s" % (info["id"], node_ns(name, node))
        )
        batch.append("link set p%d master br0 up" % info["id"])
    run(["ip", "-n", lab_ns(name), "-batch", "-"], "\n".join(batch) + "\n")
    for node, info in state["nodes"].items():
        run(
            ["ip", "-n", node_ns(name, node), "-batch", "-"],
            "link set lo up\nlink set vmbr0 up\naddr add %s/%d dev vmbr0\n"
            "route add default via 198.18.0.1\n" % (info["ip"], prefix),
        )


def node_namespace_pids(name):
    """Every process in the lab's node namespaces: the sshd listeners and also the
    sessions they started, which outlive a killed listener (sshd: root@notty)."""
    pids = []
    for ns in list_netns():
        if ns.startswith(lab_ns(name) + "-"):
            out = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True)
            pids += [int(pid) for pid in out.stdout.split()]
    return pids


def delete_network(name):
    for ns in list_netns():
        if ns == lab_ns(name) or ns.startswith(lab_ns(name) + "-"):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    remove_resolver(name)


# --- the lab's DNS (labdns.py) ---------------------------------------------------------------

BRIDGE_ADDRESS = "198.18.0.1"
NETNS_ETC = "/etc/netns"  # `ip netns exec` bind-mounts files found here over /etc


def _resolver_dirs(state):
    return [
        os.path.join(NETNS_ETC, ns)
        for ns in [lab_ns(state["name"])] + [node_ns(state["name"], n) for n in state["nodes"]]
    ]


def write_resolver(state):
    """The lab namespace and the nodes ask the lab's DNS (before the nodes' holders
    start: `ip netns exec` mounts the file when it starts a program). An unanswered
    query waits 30 s, as long as a real resolver lets one hang."""
    for directory in _resolver_dirs(state):
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "resolv.conf"), "w") as f:
            f.write(
                "# replwatch lab %s: lab/rwlab/labdns.py\nnameserver %s\n"
                "options timeout:30 attempts:1\n" % (state["name"], BRIDGE_ADDRESS)
            )


def remove_resolver(name):
    try:
        directories = [
            os.path.join(NETNS_ETC, d)
            for d in os.listdir(NETNS_ETC)
            if d == lab_ns(name) or d.startswith(lab_ns(name) + "-")
        ]
    except FileNotFoundError:
        return
    for directory in directories:
        shutil.rmtree(directory, ignore_errors=True)
    try:
        os.rmdir(NETNS_ETC)
    except OSError:
        pass  # other namespaces' files are still there


def start_dns(lab, state):
    argv = [
        "ip",
        "netns",
        "exec",
        lab_ns(state["name"]),
        sys.executable,
        os.path.join(LAB_DIR, "rwlab", "labdns.py"),
        lab.state_file,
        BRIDGE_ADDRESS,
    ]
    with open(os.path.join(lab.dir, "dns.log"), "w") as log:
        state["procs"]["dns"] = _start(argv, stdout=log, stderr=log)


def start_lock(tree):
    """A process holding a shared flock on <tree>.lock (the Debian 13 root is in use): the
    lock is taken on its own descriptor, which it keeps, so stopping it (by pid) frees it."""
    return _start(
        ["sh", "-c", 'exec 9<>"$1" && flock -s 9 && exec sleep infinity', "lock", tree + ".lock"]
    )


def link_mac(state, node):
    out = run(["ip", "-n", node_ns(state["name"], node), "-br", "link", "show", "vmbr0"])
    return out.split()[2]


def set_link(state, node, *args):
    run(["ip", "-n", node_ns(state["name"], node), "link", "set", "vmbr0"] + list(args))


def node_mounts(lab, node):
    """(source, mount point) of what makes the namespace the node's: stand-ins, /etc/pve..."""
    nd = lab.node(node)
    return [
        (STANDINS, "/usr/local/bin"),
        (lab.pve, "/etc/pve"),
        (os.path.join(nd, "members"), "/etc/pve/.members"),
        (os.path.join(lab.pve, "nodes", node), "/etc/pve/local"),
        (os.path.join(nd, "log-pve"), "/var/log/pve"),
        (os.path.join(nd, "lib-pve-manager"), "/var/lib/pve-manager"),
        (os.path.join(nd, "root"), "/root"),
        (os.path.join(nd, "hosts"), "/etc/hosts"),
        (os.path.join(nd, "hostname"), "/etc/hostname"),
        (os.path.join(nd, "cron.d"), "/etc/cron.d"),
        (os.path.join(nd, "timers.target.wants"), "/etc/systemd/system/timers.target.wants"),
    ]


def units_commands(lab):
    """OpenZFS's scrub timer templates next to the units of the node's /usr: a read-only
    overlay (the lab's files on top of the release's directory). Without overlayfs the
    node lacks them; an enabled timer's link then dangles."""
    return [
        "mount -t overlay rwlab-units -o 'lowerdir=%s:%s' %s || true"
        % (backups.units_dir(lab), UNITS, UNITS)
    ]


def bind_commands(mounts):
    return ["mount --bind '%s' '%s'" % pair for pair in mounts]


def mount_script(lab, node, usr_lines):
    """The holder's script: `usr_lines` (a PVE 9 node's Debian 13 /usr, see noderoot) come
    first, as everything else is mounted on top."""
    lines = ["set -e", "hostname %s" % node] + usr_lines
    lines += bind_commands(node_mounts(lab, node))
    lines += units_commands(lab)
    lines.append("exec sleep infinity")
    return "\n".join(lines)


def start_holder(lab, state, node, usr_lines):
    argv = [
        "ip",
        "netns",
        "exec",
        node_ns(state["name"], node),
        "unshare",
        "--mount",
        "--uts",
        "--propagation",
        "private",
        "sh",
        "-c",
        mount_script(lab, node, usr_lines),
    ]
    with open(lab.node(node, "holder.log"), "w") as log:
        state["nodes"][node]["holder_pid"] = _start(argv, stderr=log)


def wait_holders(state, timeout=20):
    """A holder is ready once it has exec'd sleep (all mounts done)."""
    deadline = time.monotonic() + timeout
    for node, info in state["nodes"].items():
        while True:
            try:
                with open("/proc/%d/comm" % info["holder_pid"]) as f:
                    if f.read().strip() == "sleep":
                        break
            except FileNotFoundError:
                raise RuntimeError("namespace holder of %s died (see holder.log)" % node)
            if time.monotonic() > deadline:
                raise RuntimeError("namespace holder of %s not ready" % node)
            time.sleep(0.01)


def nsenter_argv(state, node):
    info = state["nodes"][node]
    return ["nsenter", "-t", str(info["holder_pid"]), "-n", "-m", "-u", "--"]


def node_exec_argv(state, node, env=None):
    """argv prefix running a command on a node (its network, mount and UTS namespaces)."""
    environment = {
        "RWLAB_NODE": node,
        "RWLAB_DIR": state["dir"],
        "RWLAB_LIB": LAB_DIR,
        "HOME": "/root",
        "PATH": SESSION_PATH,
    }
    environment.update(env or {})
    return (
        nsenter_argv(state, node) + ["env"] + ["%s=%s" % kv for kv in sorted(environment.items())]
    )


def sshd_config(lab, state, node):
    """The node's sshd_config. OpenSSH 9.8+ (PVE 9) blocks addresses whose connections keep
    ending before or during authentication (PerSourcePenalties, on by default: authfail 5 s,
    noauth 1 s, refused from 15 s on). The lab exempts its bridge address, where replwatch
    and the alerting stack connect from, unless `lab fault ssh-penalties` lifts it."""
    nd = lab.node(node, "ssh")
    info = state["nodes"][node]
    exempt = (
        ["PerSourcePenaltyExemptList %s" % BRIDGE_ADDRESS]
        if info["pve"] == "9" and not info.get("ssh_penalties")
        else []
    )
    return "\n".join(
        [
            "Port 22",
            "ListenAddress 0.0.0.0",
            "HostKey %s/ssh_host_ed25519_key" % nd,
            "PidFile none",
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "AuthorizedKeysFile /etc/pve/priv/authorized_keys",
            "StrictModes no",
            "MaxStartups 200:30:400",
            "MaxSessions 64",
            "UseDNS no",
            "PrintMotd no",
            "AcceptEnv LANG LC_*",
            "Subsystem sftp internal-sftp",
            "SetEnv RWLAB_NODE=%s RWLAB_DIR=%s RWLAB_LIB=%s" % (node, state["dir"], LAB_DIR),
        ]
        + exempt
        + [""]
    )


def start_sshd(lab, state, node):
    log = lab.node(node, "ssh", "sshd.log")
    with open(log, "w"):
        pass
    argv = nsenter_argv(state, node) + [
        "/usr/sbin/sshd",
        "-D",
        "-f",
        lab.node(node, "ssh", "sshd_config"),
        "-E",
        log,
    ]
    state["nodes"][node]["sshd_pid"] = _start(argv)


def wait_sshd(lab, state, nodes, timeout=20):
    deadline = time.monotonic() + timeout
    for node in nodes:
        log = lab.node(node, "ssh", "sshd.log")
        while True:
            with open(log) as f:
                text = f.read()
            if "Server listening" in text:
                break
            if time.monotonic() > deadline or "fatal" in text.lower():
                raise RuntimeError("sshd of %s did not start: %s" % (node, text.strip()))
            time.sleep(0.01)
