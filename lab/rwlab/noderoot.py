"""The userland of PVE 9 nodes: Debian 13's /usr over the host's, in the node's namespace.

A PVE 9 node runs Debian 13 (trixie): its sshd is OpenSSH 10.0, which starts sshd-session
and sshd-auth from the compiled-in /usr/lib/openssh, and its ssh, python3, ip, cat and date
are trixie's. The lab takes a Debian 13 root tree and, in the node's private mount
namespace, bind-mounts the tree's /usr read-only over /usr (Debian is merged-usr: /bin,
/sbin and /lib are links into /usr); /etc, /root, /etc/pve, /var/log/pve and
/var/lib/pve-manager stay the host's and the node's, the stand-ins go on /usr/local/bin on
top. PVE 8 nodes keep the host's Debian 12 userland (OpenSSH 9.2).

The tree is $RWLAB_DEBIAN13_ROOT, else the project's Debian 13 root
(debian-roots/debian13-root.sh --path: built on first use, cached in /var/cache/replwatch).
While a lab has PVE 9 nodes one process of it holds a shared flock on <tree>.lock, as that
script asks of whoever uses a root.
"""
import os
import subprocess
import sys

from rwlab import netlab

ROOT_SCRIPT = os.path.join(os.path.dirname(netlab.LAB_DIR), "debian-roots", "debian13-root.sh")
# What a node needs from the tree: its sshd (with OpenSSH 10's helpers), the client the
# scheduler's probes run, the stand-ins' interpreter and the tools a session uses.
REQUIRED = [
    "usr/sbin/sshd",
    "usr/lib/openssh/sshd-session",
    "usr/lib/openssh/sshd-auth",
    "usr/bin/ssh",
    "usr/bin/python3",
    "usr/bin/ip",
    "usr/bin/cat",
    "usr/bin/date",
]
# Real PVE 9 nodes have these too; without them the lab still runs (with a warning).
EXPECTED = ["usr/bin/ping"]


def find_tree():
    """Path of the Debian 13 root (builds the project's one if needed)."""
    tree = os.environ.get("RWLAB_DEBIAN13_ROOT")
    if not tree:
        if not os.path.exists(ROOT_SCRIPT):
            raise RuntimeError(
                "PVE 9 nodes need a Debian 13 root: set RWLAB_DEBIAN13_ROOT or "
                "provide %s" % ROOT_SCRIPT
            )
        proc = subprocess.run([ROOT_SCRIPT, "--path"], stdout=subprocess.PIPE, text=True)
        if proc.returncode != 0 or not proc.stdout.strip():
            raise RuntimeError("%s --path failed (exit %d)" % (ROOT_SCRIPT, proc.returncode))
        tree = proc.stdout.strip().splitlines()[-1]
    missing = [p for p in REQUIRED if not os.path.exists(os.path.join(tree, p))]
    if missing:
        raise RuntimeError("Debian 13 root %s lacks %s" % (tree, ", ".join(missing)))
    for path in EXPECTED:
        if not os.path.exists(os.path.join(tree, path)):
            sys.stderr.write(
                "lab: warning: Debian 13 root %s has no /%s: PVE 9 nodes lack it\n" % (tree, path)
            )
    return tree


def mount_commands(tree, staging):
    """Shell lines that put the tree's /usr over /usr (before anything mounted below it).

    The bind is made read-only at `staging`, a directory nothing in the node uses, and then
    moved onto /usr: made read-only at /usr itself, the remount fails with "mount point is
    busy" whenever a process of a running node opens a file under the new /usr for writing
    in between (`lab upgrade` of a node that replwatch is polling)."""
    return [
        "mkdir -p '%s'" % staging,
        "mount --bind '%s/usr' '%s'" % (tree, staging),
        "mount -o remount,bind,ro '%s'" % staging,
        "mount --move '%s' /usr" % staging,
    ]


def hold(state, tree):
    """From now on the lab's PVE 9 nodes use `tree`: its shared lock is held."""
    state["debian13_root"] = tree
    state["procs"]["debian13-lock"] = netlab.start_lock(tree)


def ensure(state):
    """The tree of the lab's PVE 9 nodes, found on first need and held from then on."""
    if not state.get("debian13_root"):
        hold(state, find_tree())
    return state["debian13_root"]
