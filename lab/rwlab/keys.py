"""SSH keys and known_hosts of a lab, laid out like a PVE cluster's."""
import os
import subprocess

from rwlab import labdns
from rwlab import store


def keygen(path, kind="ed25519", comment=""):
    for p in (path, path + ".pub"):
        if os.path.exists(p):
            os.unlink(p)
    args = ["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", comment, "-f", path]
    if kind == "rsa":
        args[4:4] = ["-b", "2048"]
    subprocess.run(args, check=True, capture_output=True)
    with open(path + ".pub") as f:
        return f.read().strip()


def host_key(lab, node):
    """Public host key line ('ssh-ed25519 AAAA...') of the node's current key."""
    with open(lab.node(node, "ssh", "ssh_host_ed25519_key.pub")) as f:
        return " ".join(f.read().split()[:2])


def new_host_key(lab, node):
    os.makedirs(lab.node(node, "ssh"), exist_ok=True)
    keygen(lab.node(node, "ssh", "ssh_host_ed25519_key"), comment="root@%s" % node)


def write_known_hosts(lab, state):
    """Every node's current host key under its name, address and DNS name, in the
    cluster's and in replwatch's known_hosts."""
    lines = []
    for node, info in state["nodes"].items():
        key = host_key(lab, node)
        lines += [
            "%s %s\n" % (name, key)
            for name in (node, info["ip"], labdns.node_name(node, state["name"]))
        ]
    for path in (
        os.path.join(lab.pve, "priv", "known_hosts"),
        os.path.join(lab.dir, "known_hosts"),
    ):
        store.write_text(path, "".join(lines), 0o600)


def write_trust(lab, state):
    """Cluster key, authorized_keys and known_hosts as they are at `lab up`.

    Host-key faults later change a node's key without touching these files.
    """
    priv = os.path.join(lab.pve, "priv")
    os.makedirs(priv, mode=0o700, exist_ok=True)
    cluster_pub = keygen(os.path.join(lab.dir, "cluster_id_rsa"), "rsa", "root@%s" % state["name"])
    client_pub = keygen(os.path.join(lab.dir, "replwatch_id_ed25519"), comment="replwatch")
    store.write_text(
        os.path.join(priv, "authorized_keys"), "%s\n%s\n" % (cluster_pub, client_pub), 0o600
    )
    for node in state["nodes"]:
        store.write_text(
            os.path.join(lab.pve, "nodes", node, "ssh_known_hosts"),
            "%s %s\n" % (node, host_key(lab, node)),
        )
    write_known_hosts(lab, state)
    with open(os.path.join(lab.dir, "cluster_id_rsa")) as f:
        private = f.read()
    for node in state["nodes"]:
        ssh_dir = lab.node(node, "root", ".ssh")
        os.makedirs(ssh_dir, mode=0o700, exist_ok=True)
        store.write_text(os.path.join(ssh_dir, "id_rsa"), private, 0o600)
        store.write_text(os.path.join(ssh_dir, "id_rsa.pub"), cluster_pub + "\n")
        store.write_text(
            os.path.join(ssh_dir, "config"),
            "GlobalKnownHostsFile /etc/pve/priv/known_hosts\n",
            0o600,
        )
        link = os.path.join(ssh_dir, "authorized_keys")
        if not os.path.islink(link):
            os.symlink("/etc/pve/priv/authorized_keys", link)
