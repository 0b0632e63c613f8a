#!/usr/bin/env python3
"""The snapshot inventory's cost per node and cycle at about 1,000,000 snapshots, side by
side (bench/run-snapshot-listing-bench.sh runs it; it expects no lab of its name and
leaves taking it down to the caller):

  incremental  replwatch with `incremental_snapshots: true`: per cycle `date +%s.%N`,
               `zfs list -Hp -t filesystem,volume -o name,snapshots_changed`, then
               `zfs list ... -d 1` of the datasets whose snapshots_changed moved (and of
               those at "-")
  full         replwatch with `incremental_snapshots: false`: `zfs list -Hp -t snapshot`
               of everything, every cycle
  per-dataset  a naive loop: `zfs list -Hp -t filesystem,volume -o name`, then one
               `zfs list -Hp -t snapshot ... -d 1 <ds>` per filesystem and volume, in one SSH
               session per node; run for a random sample of datasets per node and
               extrapolated per dataset (each stand-in run loads the node's whole model)

Steady state: no `lab tick` while measuring, so nothing changes. The daemons run one after
the other. Commands and output bytes are the deltas of replwatch's
replwatch_collector_commands_total / _output_bytes_total{collector="snapshots"} over K
cycles after the first (full) one; the loop's are counted here. Modeled node CPU is the
sum of modeled_cpu_us of the node's cost ledger (lab/rwlab/costmodel.py) over the same
cycles, for the snapshot inventory's commands only (`date` is no zfs stand-in and has no
ledger entry). Detection latency: with the daemon in steady state, `lab fault
delete-snapshot <job> target`, then /metrics every 0.2 s until the job's
replwatch_replication_snapshot_latest_timestamp_seconds on the target changes or goes
(a different job per daemon; `lab clear` and one `lab tick` between the daemons).

Scale: a probe lab (`--snapshots 1`) counts the datasets with snapshots and the snapshots
besides the autosnaps; `--snapshots` is then chosen for the total asked for, and the lab
built with it is counted again (the full `zfs list -t snapshot` of every node). Over
--max-build seconds for `lab up` or --max-list for one node's listing, the scale is
reduced (said in the output). collection_interval: one `replwatch once` (its first cycle
lists every snapshot, as the full-listing daemon does every cycle) and half again, at
least --min-interval.
"""
import argparse
import json
import math
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
LAB_TOOL = os.path.join(REPO, "lab", "lab")
REPLWATCH = os.path.join(REPO, "build", "daemon", "replwatch")
sys.path.insert(0, os.path.join(REPO, "lab"))
from rwlab import costmodel  # noqa: E402

NODES = 3
# The snapshot inventory's commands as the nodes' stand-ins log them.
LIST_SNAPSHOTS = "zfs list -Hp -t snapshot -o name,guid,createtxg,creation -s createtxg"
LIST_CHANGED = "zfs list -Hp -t filesystem,volume -o name,snapshots_changed"
LIST_NAMES = "zfs list -Hp -t filesystem,volume -o name"
FULL_LISTING_EVERY = 6 * 3600  # the incremental inventory's periodic full listing
PORTS = {"incremental": 10171, "full": 10172}
LATEST = "replwatch_replication_snapshot_latest_timestamp_seconds"
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class BenchError(Exception):
    """A comparison that cannot run; the message says why."""


def log(message):
    sys.stderr.write("[%s] %s\n" % (time.strftime("%H:%M:%S"), message))
    sys.stderr.flush()


class Lab:
    def __init__(self, name):
        self.name = name
        self.netns = "rwlab-%s" % name
        self.dir = os.environ.get("REPLWATCH_LAB_DIR", "/run/replwatch-lab/%s" % name)

    def run(self, *args, timeout=900, check=True):
        proc = subprocess.run(
            [LAB_TOOL, "--name", self.name] + [str(a) for a in args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise BenchError(
                "lab %s exited %d: %s"
                % (" ".join(map(str, args)), proc.returncode, (proc.stderr or proc.stdout)[-2000:])
            )
        return proc.stdout

    def state(self):
        with open(os.path.join(self.dir, "state.json")) as f:
            return json.load(f)

    def nodes(self):
        return {node: info["ip"] for node, info in self.state()["nodes"].items()}

    def ledger(self, node):
        return os.path.join(self.dir, "nodes", node, "cost.log")

    def ssh_argv(self, ip):
        """OpenSSH from the lab namespace with replwatch's key, as an operator's loop would."""
        return [
            "ip",
            "netns",
            "exec",
            self.netns,
            "ssh",
            "-i",
            os.path.join(self.dir, "replwatch_id_ed25519"),
            "-o",
            "UserKnownHostsFile=%s" % os.path.join(self.dir, "known_hosts"),
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "root@%s" % ip,
        ]

    def listing(self, node):
        """(lines, bytes, datasets with snapshots, seconds) of replwatch's full
        `zfs list -Hp -t snapshot` on the node's stand-in (a `lab exec` session)."""
        start = time.monotonic()
        proc = subprocess.run(
            [LAB_TOOL, "--name", self.name, "exec", node, "--"] + LIST_SNAPSHOTS.split(),
            capture_output=True,
            timeout=600,
        )
        seconds = time.monotonic() - start
        if proc.returncode != 0:
            raise BenchError(
                "%s on %s exited %d: %s"
                % (LIST_SNAPSHOTS, node, proc.returncode, proc.stderr.decode()[-500:])
            )
        lines = proc.stdout.count(b"\n")
        datasets = {line.split(b"@", 1)[0] for line in proc.stdout.split(b"\n") if line}
        return lines, len(proc.stdout), len(datasets), seconds


def ledger_entries(lab, node, first_epoch, last_epoch, wanted):
    return [
        e
        for e in costmodel.read(lab.ledger(node), since=first_epoch)
        if e["epoch"] <= last_epoch and wanted(e["command"])
    ]


def inventory_command(command):
    return command.startswith(LIST_SNAPSHOTS) or command == LIST_CHANGED


def spread(values, fmt):
    mean = sum(values) / len(values)
    if min(values) == max(values):
        return fmt % mean
    return ("%s (%s-%s)" % (fmt, fmt, fmt)) % (mean, min(values), max(values))


def mean(values):
    return sum(values) / len(values)


# ---- scale ----------------------------------------------------------------------------


def bring_up(lab, args, notes):
    """Brings the lab up at about args.snapshots snapshots over the nodes; returns the scale
    (a dict) measured by counting every node's listing."""
    log("probe: lab up --guests %d --snapshots 1" % args.guests)
    lab.run("up", "--nodes", NODES, "--guests", args.guests, "--snapshots", 1)
    probe = {node: lab.listing(node) for node in lab.nodes()}
    lab.run("down")
    lines = sum(p[0] for p in probe.values())
    datasets = sum(p[2] for p in probe.values())
    # Every disk and replica has `--snapshots` autosnaps plus its replication snapshots.
    per_dataset_extra = lines - datasets
    snapshots = max(1, round((args.snapshots - per_dataset_extra) / datasets))
    log(
        "probe: %d snapshots on %d datasets at 1 per disk -> --snapshots %d"
        % (lines, datasets, snapshots)
    )
    for attempt in range(3):
        log("lab up --nodes %d --guests %d --snapshots %d" % (NODES, args.guests, snapshots))
        start = time.monotonic()
        try:
            lab.run(
                "up",
                "--nodes",
                NODES,
                "--guests",
                args.guests,
                "--snapshots",
                snapshots,
                timeout=args.max_build,
            )
        except subprocess.TimeoutExpired:
            lab.run("down", check=False)
            smaller = max(1, snapshots // 2)
            notes.append(
                "lab up with --snapshots %d took over %d s: reduced to %d"
                % (snapshots, args.max_build, smaller)
            )
            snapshots = smaller
            continue
        built = time.monotonic() - start
        counted = {node: lab.listing(node) for node in lab.nodes()}
        slowest = max(c[3] for c in counted.values())
        if slowest > args.max_list and attempt < 2:
            lab.run("down")
            smaller = max(1, int(snapshots * args.max_list / slowest * 0.85))
            notes.append(
                "one node's stand-in `zfs list -t snapshot` took %.1f s (> %d s) at --snapshots"
                " %d: reduced to %d" % (slowest, args.max_list, snapshots, smaller)
            )
            snapshots = smaller
            continue
        total = sum(c[0] for c in counted.values())
        if total < 0.9 * args.snapshots:
            notes.append(
                "scale reduced: %d snapshots instead of the %d asked for" % (total, args.snapshots)
            )
        return {
            "guests": args.guests,
            "snapshots_per_disk": snapshots,
            "build_s": built,
            "per_node": counted,
            "total": total,
            "slowest_list_s": slowest,
        }
    raise BenchError(
        "no scale fits: lab up over %d s or listings over %d s" % (args.max_build, args.max_list)
    )


# ---- replwatch --------------------------------------------------------------------------


def write_config(lab, work, mode, interval):
    text = lab.run("config")
    settings = {
        "collection_interval": "%ds" % interval,
        "command_timeout": "120s",
        "jitter": "0s",
        "max_output_bytes": "512MiB",
        "incremental_snapshots": "true" if mode == "incremental" else "false",
    }
    lines = text.split("\n")
    if lines[0] != "global:":
        raise BenchError("lab config does not start with 'global:':\n" + text)
    kept = [
        line for line in lines[1:] if not any(line.startswith("  %s:" % key) for key in settings)
    ]
    lines = ["global:"] + ["  %s: %s" % kv for kv in settings.items()] + kept
    path = os.path.join(work, "replwatch-%s.yml" % mode)
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


class Daemon:
    """replwatch in the lab namespace on the bridge address; stopped by its pid."""

    def __init__(self, lab, config, port, pidfile):
        self.lab, self.port, self.pidfile = lab, port, pidfile
        self.log = open(config + ".log", "w+")
        # `ip netns exec` execs replwatch in place: the child's pid is replwatch's.
        self.proc = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                lab.netns,
                REPLWATCH,
                "--config.file=" + config,
                "--log.level=warn",
                "--web.listen-address=198.18.0.1:%d" % port,
            ],
            stdout=self.log,
            stderr=self.log,
        )
        with open(pidfile, "w") as f:
            f.write("%d\n" % self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if os.path.exists(self.pidfile):
            os.remove(self.pidfile)

    def log_tail(self):
        self.log.flush()
        with open(self.log.name) as f:
            return "--- replwatch log ---\n" + f.read()[-3000:]

    def scrape(self, prefixes):
        """[(name, labels, value)] of the samples whose name starts with one of prefixes."""
        if self.proc.poll() is not None:
            raise BenchError("replwatch exited %d\n%s" % (self.proc.returncode, self.log_tail()))
        proc = subprocess.run(
            ["ip", "netns", "exec", self.lab.netns, "curl", "-s", "--max-time", "10"]
            + ["http://198.18.0.1:%d/metrics" % self.port],
            capture_output=True,
            text=True,
        )
        samples = []
        for line in proc.stdout.split("\n"):
            if line.startswith(prefixes):
                match = SAMPLE.match(line)
                if match:
                    labels = dict(LABEL.findall(match.group(2) or ""))
                    samples.append((match.group(1), labels, float(match.group(3))))
        return samples


def pick(samples, name, **labels):
    return [
        (have, value)
        for n, have, value in samples
        if n == name and all(have.get(k) == v for k, v in labels.items())
    ]


def one(samples, name, **labels):
    found = pick(samples, name, **labels)
    return found[0][1] if len(found) == 1 else None


COLLECTOR_SERIES = (
    "replwatch_collector_",
    "replwatch_snapshot_listing_",
)


def steady_cycles(daemon, nodes, cycles, interval):
    """Follows every node's snapshot inventory cycle by cycle; once each node has run
    1 + cycles of them, returns per node [observation after cycle 1, ..., after the last]
    (end time, duration, counters, incremental, datasets listed)."""
    seen = {node: [] for node in nodes}
    deadline = time.time() + (cycles + 3) * interval + 300
    while any(len(seen[n]) < cycles + 1 for n in nodes):
        if time.time() > deadline:
            raise BenchError(
                "replwatch did not complete %d snapshot cycles per node in time (%s)\n%s"
                % (
                    cycles + 1,
                    ", ".join("%s: %d" % (n, len(v)) for n, v in seen.items()),
                    daemon.log_tail(),
                )
            )
        samples = daemon.scrape(COLLECTOR_SERIES)
        for node in nodes:
            labels = {"collector": "snapshots", "node": node}
            if one(samples, "replwatch_collector_success", **labels) == 0:
                raise BenchError(
                    "the snapshots collector failed on %s\n%s" % (node, daemon.log_tail())
                )
            end = one(samples, "replwatch_collector_last_success_timestamp_seconds", **labels)
            if end is None or (seen[node] and seen[node][-1]["end"] == end):
                continue
            if len(seen[node]) > cycles:
                continue
            seen[node].append(
                {
                    "end": end,
                    "duration": one(samples, "replwatch_collector_duration_seconds", **labels),
                    "commands": one(samples, "replwatch_collector_commands_total", **labels),
                    "bytes": one(samples, "replwatch_collector_output_bytes_total", **labels),
                    "incremental": one(
                        samples, "replwatch_snapshot_listing_incremental", node=node
                    ),
                    "listed": one(samples, "replwatch_snapshot_listing_datasets_listed", node=node),
                }
            )
        time.sleep(0.5)
    return seen


def measure_daemon(lab, daemon, nodes, cycles, interval, mode):
    seen = steady_cycles(daemon, nodes, cycles, interval)
    result = {}
    for node in nodes:
        first, last = seen[node][0], seen[node][-1]
        steady = seen[node][1:]
        if mode == "incremental" and any(o["incremental"] != 1 for o in steady):
            raise BenchError(
                "%s: a steady cycle listed every snapshot (incremental=%s)\n%s"
                % (node, [o["incremental"] for o in steady], daemon.log_tail())
            )
        # Ledger lines carry the end of each stand-in run in whole seconds; the cycle after
        # the first begins seconds after it ended, the next after the last long after.
        entries = ledger_entries(
            lab,
            node,
            int(first["end"]) + 1,
            int(last["end"]) + 1,
            inventory_command,
        )
        result[node] = {
            "commands": (last["commands"] - first["commands"]) / cycles,
            "bytes": (last["bytes"] - first["bytes"]) / cycles,
            "cpu_ms": sum(e["modeled_cpu_us"] for e in entries) / 1000.0 / cycles,
            "ledger_runs": len(entries) / cycles,
            "listed": mean([o["listed"] for o in steady]),
            "duration": mean([o["duration"] for o in steady]),
            "first_duration": first["duration"],
        }
    return result


def job_and_target(daemon, nodes, rng, avoid):
    samples = daemon.scrape(("replwatch_job_last_sync_timestamp_seconds", LATEST))
    jobs = sorted(
        {
            (labels["job_id"], labels["target"])
            for labels, _ in pick(samples, "replwatch_job_last_sync_timestamp_seconds")
            if labels.get("target") in nodes and labels["job_id"] not in avoid
        }
    )
    jobs = [(j, t) for j, t in jobs if pick(samples, LATEST, node=t, job_id=j)]
    if not jobs:
        raise BenchError("no job with a replication snapshot on its target in the metrics")
    return rng.choice(jobs)


def detection_latency(lab, daemon, job, target, interval):
    def latest():
        samples = daemon.scrape((LATEST, "replwatch_collector_"))
        return (
            sorted(
                (labels.get("dataset"), v)
                for labels, v in pick(samples, LATEST, node=target, job_id=job)
            ),
            samples,
        )

    before, _ = latest()
    if not before:
        raise BenchError("%s has no replication snapshot of %s in the metrics" % (target, job))
    start = time.time()
    lab.run("fault", "delete-snapshot", job, "target")
    returned = time.time()
    # The next cycle starts within one interval; its listing takes far less than another.
    deadline = returned + 2 * interval + 60
    labels = {"collector": "snapshots", "node": target}
    result = {"job": job, "target": target, "fault_s": returned - start}
    while True:
        now, samples = latest()
        if now != before:
            seen = time.time()
            break
        if time.time() > deadline:
            result.update(seen=False, waited_s=time.time() - returned)
            result["diagnosis"] = missed(lab, samples, job, target, before, start)
            return result
        time.sleep(0.2)
    end = one(samples, "replwatch_collector_last_success_timestamp_seconds", **labels)
    duration = one(samples, "replwatch_collector_duration_seconds", **labels)
    result.update(
        seen=True,
        latency_s=seen - returned,
        cycle_began_s=(end - duration) - returned,
        listing_s=duration,
        gone=not now,
    )
    return result


def missed(lab, samples, job, target, before, start):
    """What the target's stand-in and ledger say after a deletion replwatch did not show."""
    datasets = [dataset for dataset, _ in before]
    proc = subprocess.run(
        [LAB_TOOL, "--name", lab.name, "exec", target, "--"]
        + ["zfs", "get", "-Hp", "-o", "name,value", "snapshots_changed"]
        + datasets,
        capture_output=True,
        text=True,
    )
    runs = ledger_entries(lab, target, int(start), int(time.time()) + 1, inventory_command)
    relists = [e["command"][len(LIST_SNAPSHOTS) :].strip() for e in runs]
    return (
        "%s on %s still shows %s; the stand-in's snapshots_changed now: %s; since the fault the"
        " node's ledger has %d snapshot inventory runs, the listings: %s; datasets listed by"
        " the last inventory: %s"
        % (
            job,
            target,
            before,
            " ".join(proc.stdout.split()) or proc.stderr.strip(),
            len(runs),
            [r for r in relists if r] or "none",
            one(samples, "replwatch_snapshot_listing_datasets_listed", node=target),
        )
    )


def run_mode(lab, work, mode, interval, nodes, cycles, rng, avoid):
    config = write_config(lab, work, mode, interval)
    daemon = Daemon(lab, config, PORTS[mode], os.path.join(work, "daemon.pid"))
    try:
        log(
            "%s: replwatch pid %d, %d steady cycles at %d s"
            % (mode, daemon.proc.pid, cycles, interval)
        )
        result = measure_daemon(lab, daemon, nodes, cycles, interval, mode)
        job, target = job_and_target(daemon, nodes, rng, avoid)
        log("%s: lab fault delete-snapshot %s target (%s)" % (mode, job, target))
        latency = detection_latency(lab, daemon, job, target, interval)
        if latency["seen"]:
            log("%s: seen after %.1f s" % (mode, latency["latency_s"]))
        else:
            log("%s: NOT seen: %s" % (mode, latency["diagnosis"]))
    finally:
        daemon.stop()
    return result, latency


# ---- the naive loop ---------------------------------------------------------------------


def naive_loop(lab, nodes, sample_size, rng):
    """Per node: the dataset listing, then one `-d 1` listing per sampled dataset, in one
    SSH session each; extrapolated to every filesystem and volume of the node."""
    result = {}
    for node, ip in sorted(nodes.items()):
        first = int(time.time())
        proc = subprocess.run(
            lab.ssh_argv(ip) + [LIST_NAMES], capture_output=True, text=True, timeout=600
        )
        if proc.returncode != 0:
            raise BenchError(
                "%s on %s exited %d: %s" % (LIST_NAMES, node, proc.returncode, proc.stderr[-500:])
            )
        names = proc.stdout.split()
        names_bytes = len(proc.stdout.encode()) + len(proc.stderr.encode())
        sample = sorted(rng.sample(names, min(sample_size, len(names))))
        script = (
            "for ds in %s; do s=$EPOCHREALTIME; "
            'b=$(%s -d 1 "$ds" 2>&1 | wc -c); '
            'echo "$ds $b $s $EPOCHREALTIME"; done'
            % (" ".join(shlex.quote(n) for n in sample), LIST_SNAPSHOTS)
        )
        proc = subprocess.run(
            lab.ssh_argv(ip) + ["bash -c %s" % shlex.quote(script)],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if proc.returncode != 0:
            raise BenchError(
                "the per-dataset loop on %s exited %d: %s"
                % (node, proc.returncode, proc.stderr[-500:])
            )
        rows = [line.split() for line in proc.stdout.strip().split("\n")]
        if len(rows) != len(sample):
            raise BenchError(
                "the per-dataset loop on %s printed %d lines for %d datasets"
                % (node, len(rows), len(sample))
            )
        last = int(time.time()) + 1
        entries = ledger_entries(lab, node, first, last, lambda c: True)
        listed = [e for e in entries if e["command"].startswith(LIST_SNAPSHOTS + " -d 1 ")]
        names_run = [e for e in entries if e["command"] == LIST_NAMES]
        if len(listed) != len(sample) or len(names_run) != 1:
            raise BenchError(
                "%s's ledger has %d per-dataset and %d name listings for %d datasets"
                % (node, len(listed), len(names_run), len(sample))
            )
        failed = [e["command"] for e in listed if e["exit"] != 0]
        if failed:
            raise BenchError("%s: per-dataset listings failed: %s" % (node, failed[:3]))
        per_ds_bytes = mean([int(r[1]) for r in rows])
        per_ds_cpu_ms = mean([e["modeled_cpu_us"] for e in listed]) / 1000.0
        per_ds_wall = mean([float(r[3]) - float(r[2]) for r in rows])
        result[node] = {
            "datasets": len(names),
            "sampled": len(sample),
            "commands": 1 + len(names),
            "bytes": names_bytes + per_ds_bytes * len(names),
            "cpu_ms": names_run[0]["modeled_cpu_us"] / 1000.0 + per_ds_cpu_ms * len(names),
            "stand_in_wall_s": per_ds_wall,
        }
        log(
            "per-dataset loop on %s: %d of %d datasets, %.2f s per stand-in run"
            % (node, len(sample), len(names), per_ds_wall)
        )
    return result


# ---- main -------------------------------------------------------------------------------


def pick_interval(lab, work, minimum):
    """The wall time of one `replwatch once` cycle with the incremental config (its first
    cycle lists every snapshot, as the full-listing daemon's every cycle does); the
    interval leaves that much and half again, at least `minimum`."""
    config = write_config(lab, work, "incremental", minimum)
    start = time.monotonic()
    proc = subprocess.run(
        ["ip", "netns", "exec", lab.netns, REPLWATCH, "once", "--config.file=" + config]
        + ["--log.level=warn"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=900,
    )
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise BenchError("replwatch once exited %d: %s" % (proc.returncode, proc.stderr[-2000:]))
    return wall, max(minimum, int(math.ceil(wall * 1.5 / 5.0)) * 5)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lab", default="bsl")
    p.add_argument("--work", required=True, help="a folder for configs and logs")
    p.add_argument("--snapshots", type=int, default=1000000, help="over the cluster")
    p.add_argument("--guests", type=int, default=1000, help="per node")
    p.add_argument("--cycles", type=int, default=3, help="steady cycles per daemon")
    p.add_argument("--sample", type=int, default=20, help="datasets per node, naive loop")
    p.add_argument("--min-interval", type=int, default=30)
    p.add_argument("--max-build", type=int, default=300, help="seconds for lab up")
    p.add_argument("--max-list", type=int, default=20, help="seconds for one node's listing")
    args = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    wall_start = time.monotonic()
    rng = random.Random(20261206)
    lab = Lab(args.lab)
    notes = []
    if not os.access(REPLWATCH, os.X_OK):
        raise BenchError("%s is not built" % REPLWATCH)

    scale = bring_up(lab, args, notes)
    nodes = lab.nodes()
    log("scale: %d snapshots, slowest listing %.1f s" % (scale["total"], scale["slowest_list_s"]))
    once_wall, interval = pick_interval(lab, args.work, args.min_interval)
    log(
        "one `replwatch once` (full listing) %.1f s -> collection_interval %d s"
        % (once_wall, interval)
    )

    naive = naive_loop(lab, nodes, args.sample, rng)
    incremental, incremental_latency = run_mode(
        lab, args.work, "incremental", interval, nodes, args.cycles, rng, ()
    )
    log("lab clear delete-snapshot %s; lab tick" % incremental_latency["job"])
    lab.run("clear", "delete-snapshot", incremental_latency["job"])
    start = time.monotonic()
    lab.run("tick")
    tick_s = time.monotonic() - start
    full, full_latency = run_mode(
        lab, args.work, "full", interval, nodes, args.cycles, rng, (incremental_latency["job"],)
    )

    report(
        dict(
            scale=scale,
            interval=interval,
            once_wall=once_wall,
            tick_s=tick_s,
            naive=naive,
            incremental=incremental,
            incremental_latency=incremental_latency,
            full=full,
            full_latency=full_latency,
            notes=notes,
            wall=time.monotonic() - wall_start,
        ),
        args,
    )
    missed_by = [
        "%s: %s" % (mode, lat["diagnosis"])
        for mode, lat in (("incremental", incremental_latency), ("full", full_latency))
        if not lat["seen"]
    ]
    if missed_by:
        raise BenchError(
            "replwatch did not show a deleted replication snapshot:\n" + "\n".join(missed_by)
        )


def report(r, args):
    scale, interval, naive, incremental, full = (
        r[k] for k in ("scale", "interval", "naive", "incremental", "full")
    )
    incremental_latency, full_latency = r["incremental_latency"], r["full_latency"]
    per_node = scale["per_node"]
    print(
        "snapshot inventory, %d-node lab, %d guests per node, --snapshots %d per disk: %d"
        " snapshots (%s), %d filesystems+volumes (%s)"
        % (
            NODES,
            scale["guests"],
            scale["snapshots_per_disk"],
            scale["total"],
            " / ".join("%s %d" % (n, per_node[n][0]) for n in sorted(per_node)),
            sum(v["datasets"] for v in naive.values()),
            " / ".join("%s %d" % (n, naive[n]["datasets"]) for n in sorted(naive)),
        )
    )
    print(
        "lab up %.0f s; one node's stand-in `zfs list -t snapshot` %.1f s at most; one"
        " `replwatch once` (first cycle: full listing) %.1f s -> collection_interval %d s"
        % (scale["build_s"], scale["slowest_list_s"], r["once_wall"], interval)
    )
    print(
        "per node and cycle: mean (min-max) over the %d nodes; daemons: %d steady cycles after"
        " the first (full) one; per-dataset loop: %d random datasets per node, extrapolated"
        % (NODES, args.cycles, args.sample)
    )
    print()
    full_bytes = mean([v["bytes"] for v in full.values()])
    full_cpu = mean([v["cpu_ms"] for v in full.values()])

    def latency_text(lat):
        if lat is None:
            return "-"
        if not lat["seen"]:
            return "NOT SEEN within %.0f s" % lat["waited_s"]
        return "%.1f s (cycle began %.1f s after the fault, listing %.1f s)" % (
            lat["latency_s"],
            lat["cycle_began_s"],
            lat["listing_s"],
        )

    rows = [
        ("incremental", incremental, incremental_latency),
        ("full listing", full, full_latency),
        ("per-dataset loop", naive, None),
    ]
    header = "%-17s %-14s %-30s %-26s %-10s %-10s %s" % (
        "mode",
        "commands",
        "output bytes",
        "modeled node CPU ms",
        "bytes/full",
        "CPU/full",
        "detection latency",
    )
    print(header)
    for name, values, lat in rows:
        nodes_ = sorted(values)
        b = [values[n]["bytes"] for n in nodes_]
        c = [values[n]["cpu_ms"] for n in nodes_]
        print(
            "%-17s %-14s %-30s %-26s %-10s %-10s %s"
            % (
                name,
                spread([values[n]["commands"] for n in nodes_], "%.0f"),
                spread(b, "%.0f"),
                spread(c, "%.1f"),
                "%.3f%%" % (100.0 * mean(b) / full_bytes),
                "%.3f%%" % (100.0 * mean(c) / full_cpu),
                latency_text(lat),
            )
        )
    print()
    inc_bytes = mean([v["bytes"] for v in incremental.values()])
    inc_cpu = mean([v["cpu_ms"] for v in incremental.values()])
    print(
        "incremental steady-state bytes per cycle = %.3f%% of a full listing (goal <= 1%%)"
        % (100.0 * inc_bytes / full_bytes)
    )
    n = FULL_LISTING_EVERY / interval
    amortized_bytes = (full_bytes + (n - 1) * inc_bytes) / n
    amortized_cpu = (full_cpu + (n - 1) * inc_cpu) / n
    print(
        "amortized with one full listing every 6 h (%d cycles at %d s): %.0f bytes = %.3f%%,"
        " %.1f CPU ms = %.3f%% of a full listing per cycle"
        % (
            n,
            interval,
            amortized_bytes,
            100.0 * amortized_bytes / full_bytes,
            amortized_cpu,
            100.0 * amortized_cpu / full_cpu,
        )
    )
    print()
    print(
        "incremental: %.1f datasets listed per cycle and node; snapshots collector %.2f s per"
        " steady cycle (first, full: %.2f s); full listing: %.2f s per cycle"
        % (
            mean([v["listed"] for v in incremental.values()]),
            mean([v["duration"] for v in incremental.values()]),
            mean([v["first_duration"] for v in incremental.values()]),
            mean([v["duration"] for v in full.values()]),
        )
    )
    print(
        "detection: incremental %s on %s, full %s on %s (a different job; `lab clear`"
        " and one `lab tick`, %.0f s, between them); latency = fault's return to the scrape"
        " that showed it, the fault itself took %.1f / %.1f s"
        % (
            incremental_latency["job"],
            incremental_latency["target"],
            full_latency["job"],
            full_latency["target"],
            r["tick_s"],
            incremental_latency["fault_s"],
            full_latency["fault_s"],
        )
    )
    print(
        "per-dataset loop: one stand-in run took %.2f s on average (each loads the node's model);"
        " its outputs together are the full listing's lines"
        % mean([v["stand_in_wall_s"] for v in naive.values()])
    )
    print(
        "modeled CPU: lab/rwlab/costmodel.py's stated constants (%d us per run, %d per dataset,"
        " %d per snapshot visited), not measurements; `date` is not counted"
        % (costmodel.PER_INVOCATION_US, costmodel.PER_DATASET_US, costmodel.PER_SNAPSHOT_US)
    )
    for note in r["notes"]:
        print("note: " + note)
    print("bench wall time %.0f s (lab down not included)" % r["wall"])


if __name__ == "__main__":
    try:
        main()
    except BenchError as e:
        sys.stderr.write("snapshot listing bench: %s\n" % e)
        sys.exit(1)
