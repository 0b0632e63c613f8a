"""What pvescheduler does every minute: run due replication jobs (PVE::Replication).

The run sequence, log lines and error texts follow pve-guest-common Replication.pm,
pve-storage storage_migrate/ZFSPoolPlugin and libzfs.
"""
import random

from rwlab import backups
from rwlab import fmt
from rwlab import pve
from rwlab import storagemigrate
from rwlab import versions
from rwlab import store
from rwlab import zfsmodel as zm
from rwlab import zfssend
from rwlab import zpoolview

STORAGE = "local-zfs"
THROUGHPUT = 180e6  # bytes/s of an unthrottled send | ssh | receive


def ssh_prefix(state, target):
    return (
        "/usr/bin/ssh -e none -o 'BatchMode=yes' -o 'HostKeyAlias={t}' "
        "-o 'UserKnownHostsFile=/etc/pve/nodes/{t}/ssh_known_hosts' "
        "-o 'GlobalKnownHostsFile=none' root@{ip}"
    ).format(t=target, ip=state["nodes"][target]["ip"])


class JobRun:
    """One replication run; collects log lines and records the result."""

    def __init__(self, world, jobid, start, rng):
        self.world = world
        self.state = world.state
        self.jobid = jobid
        self.job = world.state["jobs"][jobid]
        self.guest = world.state["guests"][self.job["guest"]]
        self.source = self.guest["node"]
        self.target = self.job["target"]
        self.start = start
        self.clock = float(start)
        self.rng = rng
        self.lines = []
        self.delay = 0
        self.st = world.job_state(jobid)
        self.error = None

    def log(self, msg, seconds=0.0):
        self.clock += seconds
        self.lines.append((int(self.clock), msg))

    def volid(self, dataset):
        return "%s:%s" % (STORAGE, dataset.split("/", 2)[2])

    def run(self, probe, space):
        last_sync = self.st["last_sync"]
        self.log("start replication job")
        error = None
        if self.start <= last_sync:
            error = "start time before last sync (%d <= %d) - abort sync" % (self.start, last_sync)
        else:
            error = self._replicate(probe, space)
        if error:
            self.log("end replication job with error: %s" % error, 0.01)
        else:
            self.log("end replication job", 0.05)
        self.error = error
        self._record(error)

    def _replicate(self, probe, space):
        w, st = self.world, self.st
        datasets = w.guest_datasets(self.job["guest"])
        volids = [self.volid(d) for d in datasets]
        kind = "CT" if self.guest["type"] == "lxc" else "VM"
        self.log("guest => %s %s, running => %d" % (kind, self.job["guest"], self.guest["pid"]))
        self.log("volumes => %s" % ",".join(volids))
        self.clock += self.delay
        if probe:
            self.clock += probe["seconds"]
            for line in probe["stderr"]:
                self.log("(remote_prepare_local_job) %s" % line)
            return (
                "command '%s -- pvesr prepare-local-job %s --scan %s %s --last_sync %d' failed: "
                "exit code %d"
                % (
                    ssh_prefix(self.state, self.target),
                    self.jobid,
                    STORAGE,
                    " ".join(volids),
                    st["last_sync"],
                    probe["code"],
                )
            )
        src_zfs, tgt_zfs = w.zfs(self.source), w.zfs(self.target)
        last_name = zm.repl_snap_name(self.jobid, st["last_sync"])
        plan, missing = [], []
        for ds_name, volid in zip(datasets, volids):
            src, tgt = src_zfs["datasets"][ds_name], tgt_zfs["datasets"].get(ds_name)
            if st["last_sync"] and not zm.find_snap(src, last_name):
                self.log(
                    "expected snapshot %s not present for %s, not removing others"
                    % (last_name, volid)
                )
            if st["last_sync"] and tgt and tgt["snaps"] and not zm.find_snap(tgt, last_name):
                self.log(
                    "(remote_prepare_local_job) expected snapshot %s not present for %s, "
                    "not removing others" % (last_name, volid)
                )
            base = common_base(src, tgt, self.jobid, last_name) if tgt and tgt["snaps"] else None
            if tgt and tgt["snaps"] and not base:
                missing.append(volid)
            plan.append((ds_name, volid, src, tgt, base))
        if missing:
            return (
                "No common base snapshot on volume(s) %s\nPlease remove the problematic "
                "volume(s) from the replication target or delete and re-create the whole job "
                "%s" % (",".join(missing), self.jobid)
            )
        new_name = zm.repl_snap_name(self.jobid, self.start)
        src_pool = src_zfs["pools"]["rpool"]
        for ds_name, volid, *_ in plan:
            if src_pool["suspended"]:
                self.clock += 10
                return "command 'zfs snapshot %s@%s' failed: got timeout" % (ds_name, new_name)
            if space.avail(self.source) <= 0:
                return "zfs error: cannot create snapshot '%s@%s': out of space" % (
                    ds_name,
                    new_name,
                )
        for ds_name, volid, src, *_ in plan:
            zm.take_snapshot(src, src_pool, new_name, self.start, self.rng)
            self.log("create snapshot '%s' on %s" % (new_name, volid), 0.3)
        self.log(
            pve.transmission_line(
                self.world.datacenter(), self.state["nodes"][self.source], self.job.get("rate")
            )
        )
        for ds_name, volid, src, tgt, base in plan:
            error = self._transfer(ds_name, volid, src, tgt, base, new_name, space)
            if error:
                for _, vol, s, *_ in plan:
                    if zm.find_snap(s, new_name):
                        zm.destroy_snapshot(s, new_name)
                        self.log(
                            "delete previous replication snapshot '%s' on %s" % (new_name, vol)
                        )
                return error
        st["last_sync"] = self.start
        for ds_name, volid, src, *_ in plan:
            tgt = tgt_zfs["datasets"][ds_name]
            for side, ds in (("local", src), ("remote", tgt)):
                for snap in list(ds["snaps"]):
                    if (
                        snap["name"].startswith("__replicate_%s_" % self.jobid)
                        and snap["name"] != new_name
                    ):
                        zm.destroy_snapshot(ds, snap["name"])
                        if side == "local":
                            self.log(
                                "delete previous replication snapshot '%s' on %s"
                                % (snap["name"], volid),
                                0.2,
                            )
                        else:
                            self.log(
                                "(remote_finalize_local_job) delete stale replication "
                                "snapshot '%s' on %s" % (snap["name"], volid),
                                0.3,
                            )
        return None

    def _transfer(self, ds_name, volid, src, tgt, base, new_name, space):
        rate = self.job.get("rate")
        if rate:
            self.log(
                "using a bandwidth limit of %d bytes per second for transferring '%s'"
                % (int(1000000 * float(rate)), volid)
            )
        if base:
            self.log("incremental sync '%s' (%s => %s)" % (volid, base["name"], new_name))
        else:
            self.log("full sync '%s' (%s)" % (volid, new_name))
        cmd = (
            "set -o pipefail && pvesm export {v} zfs - -with-snapshots 1 -snapshot {n}{b}"
            "{r} | {ssh} -- pvesm import {v} zfs - -with-snapshots 1 -snapshot {n} "
            "-allow-rename 0{b}"
        ).format(
            v=volid,
            n=new_name,
            b=" -base %s" % base["name"] if base else "",
            r=" | /usr/bin/cstream -t %d" % int(1000000 * float(rate)) if rate else "",
            ssh=ssh_prefix(self.state, self.target),
        )
        failed = "command '%s' failed: exit code 255" % cmd
        if tgt and not tgt["snaps"]:
            self.log("volume '%s' already exists" % ds_name, 0.4)
            return failed
        sender = self.state["nodes"][self.source]
        receiver = self.state["nodes"][self.target]
        src_zfs, tgt_zfs = self.world.zfs(self.source), self.world.zfs(self.target)
        send_cmd = storagemigrate.send_command(sender, ds_name, base and base["name"], new_name)
        recv_cmd = storagemigrate.recv_command(receiver, ds_name)
        refused = storagemigrate.send_errors(sender, src, ds_name, new_name)
        if refused:
            for line in refused + [
                storagemigrate.failed(send_cmd),
                "cannot receive: failed to read from stream",
                storagemigrate.failed(recv_cmd),
            ]:
                self.log(line)
            return failed
        sends = snaps_to_send(src, base)
        send_lines, sizes, prev = [], [], base
        for snap in sends:
            sizes.append(zfssend.stream_size(prev, snap))
            if prev:
                send_lines.append(
                    "send from @%s to %s@%s estimated size is %s"
                    % (prev["name"], ds_name, snap["name"], fmt.nicenum(sizes[-1]))
                )
            else:
                send_lines.append(
                    "full send of %s@%s estimated size is %s"
                    % (ds_name, snap["name"], fmt.nicenum(sizes[-1]))
                )
            prev = snap
        total = sum(sizes)
        send_lines += [
            "total estimated size is %s" % fmt.nicenum(total),
            "TIME        SENT   SNAPSHOT %s@%s" % (ds_name, sends[-1]["name"]),
        ]
        reason = storagemigrate.receive_error(
            receiver, src_zfs, tgt_zfs, ds_name, tgt, total, space.avail(self.target)
        )
        throughput = float(rate) * 1e6 if rate else THROUGHPUT
        if self._contended(src_zfs, tgt_zfs):
            throughput /= 4
        link = link_limit(self.state, self.source, self.target)
        if link:
            throughput = min(throughput, link)
        if reason:
            remote = reason.split("\n") + [storagemigrate.failed(recv_cmd)]
            self._log_transfer(sender, send_lines, remote, [], 0.8 + total / throughput)
            return failed
        self._log_transfer(
            sender, send_lines, [], ["successfully imported '%s'" % volid], 0.8 + total / throughput
        )
        receive(receiver, tgt_zfs, ds_name, src, sends, self.clock)
        space.spend(self.target, total)
        return None

    def _contended(self, src_zfs, tgt_zfs):
        """A scrub/resilver on either pool, or a vzdump task on either node, slows the
        stream (the disks are busy with it)."""
        return any(scanning(z, self.start) for z in (src_zfs, tgt_zfs)) or any(
            backups.backup_running(self.state, n, self.start) for n in (self.source, self.target)
        )

    def _log_transfer(self, sender, send_lines, remote_lines, imported, seconds):
        """Lines logged as they come: the sender's estimates at once (unless they wait for
        a newline, see storagemigrate), the rest once the stream has gone through."""
        lines = storagemigrate.log_lines(sender, send_lines, remote_lines, imported)
        at_once = 0 if versions.glues_progress_lines(sender) else len(send_lines)
        for line in lines[:at_once]:
            self.log(line)
        self.clock += seconds
        for line in lines[at_once:]:
            self.log(line)

    def _record(self, error):
        st = self.st
        st.update(
            last_node=self.source,
            last_try=self.start,
            last_iteration=self.start,
            storeid_list=[STORAGE],
            duration=round(self.clock - self.start, 6),
        )
        st.pop("pid", None)
        st.pop("ptime", None)
        if error:
            st["fail_count"] += 1
            st["error"] = error
        else:
            st["fail_count"] = 0
            st.pop("error", None)
        write_log(self.world.lab, self.source, self.jobid, self.lines)


def write_log(lab, node, jobid, lines):
    text = "".join("%s %s: %s\n" % (fmt.pve_log_time(t), jobid, msg) for t, msg in lines)
    store.rewrite(lab.job_log(node, jobid), text)


def common_base(src, tgt, jobid, last_name):
    """find_common_replication_snapshot(): same snapshot (by GUID) on both sides."""
    target_guids = {s["guid"] for s in tgt["snaps"]}
    snap = zm.find_snap(src, last_name)
    if snap and snap["guid"] in target_guids:
        return snap
    for snap in reversed(src["snaps"]):
        if snap["name"].startswith("__replicate_") and snap["guid"] in target_guids:
            return snap
    return None


def snaps_to_send(src, base):
    """`zfs send -R [-I base]`: every snapshot after the base, oldest first."""
    if not base:
        return list(src["snaps"])
    return [s for s in src["snaps"] if s["createtxg"] > base["createtxg"]]


def link_limit(state, source, target):
    """Bytes/s of a `slow-link` fault on either end (its tbf rate, kbit/s), or None: the
    stream crosses both nodes' vmbr0."""
    limits = [
        int(f["args"].get("kbit") or "32") * 1000 / 8
        for f in state["faults"]
        if f["name"] == "slow-link" and f["args"].get("node") in (source, target)
    ]
    return min(limits) if limits else None


def scanning(zfs, now):
    return any(zpoolview.scan_active(p, now) for p in zfs["pools"].values())


def receive(receiver, tgt_zfs, ds_name, src, sends, now):
    """What `zfs recv -F` leaves on the target: the replica with the sent snapshots."""
    tgt_pool = tgt_zfs["pools"]["rpool"]
    tgt = tgt_zfs["datasets"].get(ds_name)
    if tgt is None:
        tgt = storagemigrate.new_replica(
            src, tgt_pool, now, storagemigrate.inherited_encryption(receiver, tgt_zfs, ds_name)
        )
        tgt_zfs["datasets"][ds_name] = tgt
    source_guids = {s["guid"] for s in src["snaps"]}
    # -F destroys the target's snapshots that the source no longer has.
    zm.drop_snapshots(tgt, lambda s: s["guid"] not in source_guids)
    for i, snap in enumerate(sends):
        copy = dict(snap, createtxg=zm.pool_txg(tgt_pool, int(now)) + i, used=0)
        if tgt["snaps"]:
            prev = tgt["snaps"][-1]
            prev["used"] = min(snap["refer"], max(0, snap["wclock"] - prev["wclock"]) // 2)
        zm.add_snapshot(tgt, copy)
    tgt_pool["txg"] += len(sends)  # every received snapshot is its own txg
    last = sends[-1]
    tgt.update(
        refer=last["refer"],
        wclock=last["wclock"],
        wtime=int(now),
        wrate=0.0,
        volsize=src["volsize"],
    )
    tgt.pop("modified", None)
    if "longname" in src.get("active_features", []):
        # dmu_recv.c activates the dataset feature the stream carries.
        tgt["active_features"] = ["longname"]
        tgt_pool["features"]["longname"] = "active"


def new_rng(state):
    state["rng_seq"] = state.get("rng_seq", 0) + 1
    return random.Random("%s-%d" % (state["name"], state["rng_seq"]))
