"""Loaded lab state for one command: lab state plus lazily loaded node files."""
import os
import signal
import subprocess
import time

from rwlab import backups
from rwlab import netlab
from rwlab import pve
from rwlab import store
from rwlab import zfsmodel


class World:
    """Lab state, node ZFS state and node replication state, saved on commit()."""

    def __init__(self, lab):
        self.lab = lab
        self.state = lab.load_state()
        self._zfs = {}
        self._repl = {}
        self._datacenter = None

    def zfs(self, node):
        if node not in self._zfs:
            self._zfs[node] = store.read_json(self.lab.zfs_file(node))
        return self._zfs[node]

    def repl(self, node):
        if node not in self._repl:
            self._repl[node] = pve.read_repl_state(self.lab, node)
        return self._repl[node]

    def datacenter(self):
        """/etc/pve/datacenter.cfg as {key: value}, read once."""
        if self._datacenter is None:
            self._datacenter = pve.read_datacenter_cfg(self.lab)
        return self._datacenter

    def job_state(self, jobid):
        job = self.state["jobs"][jobid]
        node = self.state["guests"][job["guest"]]["node"]
        per_guest = self.repl(node).setdefault(job["guest"], {})
        st = per_guest.setdefault("local/%s" % job["target"], {})
        for key in ("last_sync", "last_try", "fail_count"):
            st.setdefault(key, 0)
        return st

    def load_all(self):
        for node in self.state["nodes"]:
            self.zfs(node)
            self.repl(node)

    def commit(self):
        for node, zfs in self._zfs.items():
            zfsmodel.publish_snapshots_changed(zfs)
            store.write_json(self.lab.zfs_file(node), zfs)
        for node, repl in self._repl.items():
            pve.write_repl_state(self.lab, node, repl)
        backups.reap(self, int(time.time()))
        backups.write_task_files(self.lab, self.state)
        pve.write_cluster_files(self.lab, self.state)
        self.lab.save_state(self.state)

    def guest_datasets(self, vmid):
        return ["rpool/data/%s" % vol for vol, _ in self.state["guests"][vmid]["volumes"]]

    def node_of(self, vmid):
        return self.state["guests"][vmid]["node"]

    def restart_sshd(self, node):
        """Stops the node's sshd (waiting until it has gone) and starts it again with its
        sshd_config, in the node's namespaces as they are now."""
        kill_pid(self.state["nodes"][node]["sshd_pid"])
        netlab.start_sshd(self.lab, self.state, node)
        netlab.wait_sshd(self.lab, self.state, [node])

    # Processes the lab starts on the side (hung jobs, forwarders) are tracked by pid.
    def spawn(self, key, argv):
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.state["procs"][key] = proc.pid
        return proc.pid

    def kill(self, key):
        pid = self.state["procs"].pop(key, None)
        if pid:
            kill_pid(pid)


def kill_pid(pid):
    kill_pids([pid])


def kill_pids(pids, timeout=3.0):
    """SIGTERM (after SIGCONT, for frozen ones), wait, then SIGKILL what is left."""
    alive = []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGCONT)
            os.kill(pid, signal.SIGTERM)
            alive.append(pid)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if not _gone(pid)]
        time.sleep(0.02)
    for pid in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _gone(pid):
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return bool(done)
    except ChildProcessError:
        return _zombie(pid)


def _zombie(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def process_start_time(pid):
    with open("/proc/%d/stat" % pid) as f:
        return int(f.read().rsplit(")", 1)[1].split()[19])


def shift_world(world, seconds):
    """Move the whole lab `seconds` into the past (see `lab tick`)."""
    world.load_all()
    for node in world.state["nodes"]:
        zfsmodel.shift(world.zfs(node), seconds)
        for per_guest in world.repl(node).values():
            for st in per_guest.values():
                for key in ("last_sync", "last_try", "last_iteration"):
                    if st.get(key, 0) > 1:
                        st[key] -= seconds
                if "error" in st:
                    st["error"] = zfsmodel.shift_text(st["error"], seconds)
        _shift_logs(world.lab, node, seconds)
    backups.shift(world.state, seconds)
    for fault in world.state["faults"]:
        if "since" in fault:
            fault["since"] -= seconds


def _shift_logs(lab, node, seconds):
    logdir = lab.node(node, "log-pve", "replicate")
    if not os.path.isdir(logdir):
        return
    for name in os.listdir(logdir):
        path = os.path.join(logdir, name)
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        out = []
        for line in lines:
            try:
                stamp = time.mktime(time.strptime(line[:19], "%Y-%m-%d %H:%M:%S"))
                line = (
                    time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp - seconds)) + line[19:]
                )
            except ValueError:
                pass
            out.append(zfsmodel.shift_text(line, seconds))
        store.rewrite(path, "\n".join(out))
