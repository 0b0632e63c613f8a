"""Where a lab keeps its files, and locked, atomic JSON access to them.

Layout of <statedir> (default /run/replwatch-lab/<lab>):
  state.json                lab-level state: nodes, addresses, pids, faults
  lock                      flock: shared for readers (stand-ins), exclusive for writers
  pve/                      shared /etc/pve of the cluster (bind-mounted on every node)
  nodes/<node>/zfs.json     the node's pools, datasets and snapshots
  nodes/<node>/cost.log     the modeled CPU of the node's zfs/zpool runs (costmodel.py)
  nodes/<node>/root/        the node's /root (.ssh with the cluster key)
  nodes/<node>/log-pve/     the node's /var/log/pve
  nodes/<node>/lib-pve-manager/  the node's /var/lib/pve-manager
  nodes/<node>/ssh/         host keys, sshd_config, sshd log
"""
import contextlib
import fcntl
import json
import os

DEFAULT_ROOT = "/run/replwatch-lab"


def lab_dir(name):
    override = os.environ.get("REPLWATCH_LAB_DIR")
    if override:
        return override
    return os.path.join(DEFAULT_ROOT, name)


class Lab:
    """Paths of one lab's state directory."""

    def __init__(self, statedir):
        self.dir = statedir

    @property
    def state_file(self):
        return os.path.join(self.dir, "state.json")

    @property
    def pve(self):
        return os.path.join(self.dir, "pve")

    def node(self, node, *parts):
        return os.path.join(self.dir, "nodes", node, *parts)

    @property
    def usr_staging(self):
        """Where a PVE 9 node's /usr is made read-only before it moves over /usr (see
        noderoot): an empty directory in the host's view, each node mounts on it privately."""
        return os.path.join(self.dir, "usr-staging")

    def zfs_file(self, node):
        return self.node(node, "zfs.json")

    def cost_file(self, node):
        return self.node(node, "cost.log")

    def repl_state_file(self, node):
        return self.node(node, "lib-pve-manager", "pve-replication-state.json")

    def job_log(self, node, jobid):
        return self.node(node, "log-pve", "replicate", jobid)

    @contextlib.contextmanager
    def locked(self, exclusive):
        os.makedirs(self.dir, exist_ok=True)
        fd = os.open(os.path.join(self.dir, "lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)

    def load_state(self):
        return read_json(self.state_file)

    def save_state(self, state):
        write_json(self.state_file, state)


def read_json(path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        if default is not None:
            return default
        raise


def write_text(path, text, mode=0o644):
    """Atomic write (temporary file + rename), like PVE's file_set_contents."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def rewrite(path, text):
    """Overwrite in place, like PVE writing a job log with '>'.

    Written then truncated: an O_TRUNC open (or a rename) frees the old pages first,
    which costs milliseconds per file on this VM's tmpfs; thousands of logs add up.
    """
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
        os.ftruncate(fd, len(data))
    finally:
        os.close(fd)


def write_json(path, obj):
    write_text(path, json.dumps(obj, separators=(",", ":")))
