"""Real node-to-node SSH attempts, the way PVE's replication opens its connection.

Used by `lab tick` for targets with a connectivity fault, so the logged error is
what OpenSSH really printed (host key verification, no route to host, ...).
"""
import concurrent.futures
import subprocess
import time

from rwlab import netlab


def ssh_argv(state, source, target, timeout=10):
    return netlab.node_exec_argv(state, source) + [
        "/usr/bin/ssh",
        "-e",
        "none",
        "-o",
        "BatchMode=yes",
        "-o",
        "HostKeyAlias=%s" % target,
        "-o",
        "UserKnownHostsFile=/etc/pve/nodes/%s/ssh_known_hosts" % target,
        "-o",
        "GlobalKnownHostsFile=none",
        "-o",
        "ConnectTimeout=%d" % timeout,
        "root@%s" % state["nodes"][target]["ip"],
        "--",
        "true",
    ]


def probe(state, source, target):
    """Returns None if SSH works, else {'stderr': lines, 'code': rc, 'seconds': s}."""
    began = time.monotonic()
    try:
        proc = subprocess.run(
            ssh_argv(state, source, target), capture_output=True, text=True, timeout=30
        )
        code, stderr = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired:
        code, stderr = 255, "ssh: connect to host %s port 22: Connection timed out\n" % (
            state["nodes"][target]["ip"]
        )
    if code == 0:
        return None
    lines = [line for line in stderr.splitlines() if line.strip()]
    return {"stderr": lines, "code": code, "seconds": round(time.monotonic() - began, 3)}


def probe_pairs(state, pairs):
    """Probe many (source, target) pairs in parallel; returns {pair: result}."""
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(32, len(pairs))) as pool:
        results = pool.map(lambda p: probe(state, *p), pairs)
        return dict(zip(pairs, results))
