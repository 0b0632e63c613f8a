#!/usr/bin/env python3
"""Cost of one collection cycle against an rwlab lab (benchmarks 3 and 5).

  lab_cycle.py record LAB LOG -- CMD...   run CMD in the lab namespace while
      every command sent with replwatch's key is logged to LOG as
      node<TAB>stdout bytes<TAB>stderr bytes<TAB>command line
  lab_cycle.py measure LAB -- CMD...      run CMD in the lab namespace; print
      wall_s=, cpu_s= (user+sys of CMD and all its descendants), node CPU and
      per node CPU and bytes its vmbr0 sent (SSH and TCP/IP framing included)

Node CPU: every session on a lab node is a descendant of that node's sshd
listener, and every level (listener, per-connection sshd, shell) waits for
its children, so a finished session's CPU ends up in the listener's
cutime+cstime. The listener's own utime+stime+cutime+cstime, read before CMD
and again once the listener has no children left, is the node CPU of CMD.
A node's ssh to a peer (the paths probe) is counted on the peer's sshd.
"""
import ctypes
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time

CLOCK_TICK = os.sysconf("SC_CLK_TCK")

# Runs in the node's sshd session as a forced command (`command="..."` in
# authorized_keys): the same `bash -c` sshd would run, plus one log line.
RECORDER = r"""#!/bin/bash
out=$(mktemp) err=$(mktemp)
bash -c "$SSH_ORIGINAL_COMMAND" >"$out" 2>"$err"
rc=$?
printf '%%s\t%%s\t%%s\t%%s\n' "$RWLAB_NODE" "$(stat -c %%s "$out")" \
  "$(stat -c %%s "$err")" "$SSH_ORIGINAL_COMMAND" >>%(log)s
keep=%(keep)s
if [ -n "$keep" ]; then
  id=$RWLAB_NODE.$(printf %%s "$SSH_ORIGINAL_COMMAND" | sha1sum | cut -c1-16)
  cp "$out" "$keep/$id.out"; cp "$err" "$keep/$id.err"; echo $rc >"$keep/$id.rc"
fi
cat "$out"; cat "$err" >&2; rm -f "$out" "$err"
exit $rc
"""


def lab_state(lab):
    statedir = os.environ.get("REPLWATCH_LAB_DIR", "/run/replwatch-lab/%s" % lab)
    with open(os.path.join(statedir, "state.json")) as f:
        return json.load(f)


def listeners(lab):
    return {node: info["sshd_pid"] for node, info in lab_state(lab)["nodes"].items()}


def node_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state): utime..cstime are fields 14..17.
    return sum(int(x) for x in fields[11:15])


def has_children(pid):
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return bool(f.read().strip())


def sent_bytes(pid):
    """Bytes the node's vmbr0 sent (seen through its sshd's network namespace)."""
    with open("/proc/%d/net/dev" % pid) as f:
        for line in f:
            name, _, counters = line.partition(":")
            if name.strip() == "vmbr0":
                return int(counters.split()[8])
    raise RuntimeError("no vmbr0 in the namespace of pid %d" % pid)


def settled_counters(pids, timeout=30):
    """(CPU ticks, bytes sent) per node once no session is left."""
    deadline = time.monotonic() + timeout
    # A session that just ended may not be reaped yet.
    while any(has_children(pid) for pid in pids.values()):
        if time.monotonic() > deadline:
            raise RuntimeError("lab sshd sessions still open after %ds" % timeout)
        time.sleep(0.05)
    return {node: (node_ticks(pid), sent_bytes(pid)) for node, pid in pids.items()}


def run_in_lab(lab, argv, **kwargs):
    # `ip netns exec` execs CMD in place, so CMD is our direct child.
    return subprocess.run(["ip", "netns", "exec", "rwlab-%s" % lab] + argv, **kwargs)


def adopt_orphans():
    """Orphaned descendants (an ssh ControlPersist master) become our children."""
    pr_set_child_subreaper = 36
    if ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def reap_orphans(timeout=30):
    """Waits for adopted orphans, so their CPU is in RUSAGE_CHILDREN too."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() > deadline:
                raise RuntimeError("descendants still running after %ds" % timeout)
            time.sleep(0.05)


def measure(lab, argv):
    adopt_orphans()
    pids = listeners(lab)
    before_nodes = settled_counters(pids)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = run_in_lab(lab, argv, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after_nodes = settled_counters(pids)
    if proc.returncode != 0:
        sys.exit("%s exited %d" % (argv[0], proc.returncode))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    per_node = {
        n: (
            (after_nodes[n][0] - before_nodes[n][0]) / CLOCK_TICK,
            after_nodes[n][1] - before_nodes[n][1],
        )
        for n in pids
    }
    print(
        "wall_s=%.3f cpu_s=%.3f node_cpu_s=%.3f per_node_cpu_s,sent_bytes=%s"
        % (
            wall,
            cpu,
            sum(cpu for cpu, _ in per_node.values()),
            ",".join("%s:%.3f:%d" % (n, c, b) for n, (c, b) in sorted(per_node.items())),
        )
    )


def record(lab, log, argv, keep="", **kwargs):
    """Runs argv in the lab (subprocess.run's kwargs; stdout discarded unless given) while
    the nodes log every command replwatch's key sends; returns the CompletedProcess. With
    `keep` (a folder), each command's stdout, stderr and exit status are kept there, as
    <node>.<sha1 of the command line, 16 digits>.out/.err/.rc."""
    kwargs.setdefault("stdout", subprocess.DEVNULL)
    keys = os.path.join(lab_state(lab)["dir"], "pve", "priv", "authorized_keys")
    with open(os.path.join(lab_state(lab)["dir"], "replwatch_id_ed25519.pub")) as f:
        client_key = f.read().strip()
    with open(keys) as f:
        original = f.read()
    if client_key not in original:
        sys.exit("replwatch's key is not in %s" % keys)
    work = tempfile.mkdtemp(prefix="lab-cycle-")
    recorder = os.path.join(work, "recorder")
    with open(recorder, "w") as f:
        f.write(RECORDER % {"log": log, "keep": shlex.quote(keep) if keep else "''"})
    os.chmod(recorder, 0o755)
    open(log, "w").close()
    try:
        with open(keys, "w") as f:
            f.write(original.replace(client_key, 'command="%s" %s' % (recorder, client_key)))
        proc = run_in_lab(lab, argv, **kwargs)
    finally:
        with open(keys, "w") as f:
            f.write(original)
        os.remove(recorder)
        os.rmdir(work)
    return proc


def main():
    args = sys.argv[1:]
    if "--" not in args:
        sys.exit(__doc__)
    split = args.index("--")
    head, argv = args[:split], args[split + 1 :]
    if head[:1] == ["measure"] and len(head) == 2:
        measure(head[1], argv)
    elif head[:1] == ["record"] and len(head) == 3:
        proc = record(head[1], os.path.abspath(head[2]), argv)
        if proc.returncode != 0:
            sys.exit("%s exited %d" % (argv[0], proc.returncode))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
