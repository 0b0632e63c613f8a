"""pvescheduler of every node, pass by pass (`lab tick`)."""
import time

from rwlab import jobtargets
from rwlab import pve
from rwlab import replication
from rwlab import sshprobe
from rwlab import world as worldmod
from rwlab import zfsmodel as zm


class Space:
    """Pool headroom per node, computed once per pass and reduced by receives."""

    def __init__(self, world, now):
        self.world = world
        self.now = now
        self.cache = {}

    def avail(self, node):
        if node not in self.cache:
            pools, _, _ = zm.space(self.world.zfs(node), self.now)
            self.cache[node] = pools["rpool"]["avail"]
        return self.cache[node]

    def spend(self, node, nbytes):
        self.cache[node] = self.avail(node) - nbytes


class Scheduler:
    def __init__(self, world):
        self.world = world
        self.state = world.state
        self.rng = replication.new_rng(self.state)
        self.probes = {}
        self.busy_until = {}
        self.report = []  # one line per run, hang or skipped node, for `lab tick`

    def _blocked_targets(self):
        return {
            n
            for n, info in self.state["nodes"].items()
            if info["down"] or info.get("hostkey_changed")
        }

    def prepare_probes(self):
        """Real SSH attempts for every (source, target) pair crossing a broken link."""
        broken = self._blocked_targets()
        pairs = []
        for jobid, job in self.state["jobs"].items():
            source = self.world.node_of(job["guest"])
            if job["target"] in broken and not self.state["nodes"][source]["down"]:
                pairs.append((source, job["target"]))
        self.probes = sshprobe.probe_pairs(self.state, pairs)

    def run_job(self, jobid, start, space, delay=0):
        job = self.state["jobs"][jobid]
        source = self.world.node_of(job["guest"])
        run = replication.JobRun(self.world, jobid, start, self.rng)
        run.delay = delay
        run.run(self.probes.get((source, job["target"])), space)
        outcome = "failed: %s" % run.error if run.error else "ok"
        self.report.append(
            "%s: job %s -> %s at %s, %.1f s, %s"
            % (
                source,
                jobid,
                job["target"],
                time.strftime("%H:%M:%S", time.localtime(start)),
                run.clock - start,
                outcome,
            )
        )
        return run.clock - start

    def hang_active(self, jobid):
        job = self.state["jobs"][jobid]
        if self.state["nodes"][job["target"]].get("hung"):
            return True
        return any(
            f["name"] == "hang-job" and f["args"].get("job") == jobid for f in self.state["faults"]
        )

    def start_hang(self, jobid, start):
        """The job's ssh never gets an answer: a live process keeps it SYNCING."""
        st = self.world.job_state(jobid)
        pid = self.world.spawn("hang:%s" % jobid, ["sleep", "infinity"])
        source = self.world.node_of(self.state["jobs"][jobid]["guest"])
        st.update(
            pid=pid,
            # A string, as PVE writes it: read_proc_starttime() returns a regex
            # capture, which encode_json prints quoted.
            ptime=str(worldmod.process_start_time(pid)),
            last_try=start,
            last_iteration=start,
            last_node=source,
        )
        self.report.append("%s: job %s started and hangs (syncing, pid %d)" % (source, jobid, pid))

    def _stuck_job(self, node):
        """A running job blocks its node's scheduler until it ends (pvescheduler.pm)."""
        for job in pve.local_jobs(self.state, node):
            st = self.world.job_state(job["id"])
            if st.get("pid"):
                return job["id"], st
        return None, None

    def _note_once(self, line):
        if line not in self.report:
            self.report.append(line)

    def run_pass(self, t, now):
        """One scheduler pass at time `t` (not after `now`, the real clock)."""
        space = Space(self.world, t)
        for node, info in self.state["nodes"].items():
            if info["down"]:
                self._note_once("%s: down, its scheduler does not run" % node)
                continue
            if self.busy_until.get(node, 0) > t:
                continue
            jobid, st = self._stuck_job(node)
            if jobid:
                alive = pve.process_running(st["pid"], st.get("ptime"))
                if alive and self.hang_active(jobid):
                    self._note_once(
                        "%s: job %s still hangs, blocking the node's other jobs" % (node, jobid)
                    )
                    continue
                self.world.kill("hang:%s" % jobid)
                st.pop("pid", None)
                st.pop("ptime", None)
                if alive:
                    # The frozen connection was released: the hung run completes now.
                    start = st["last_try"]
                    self.run_job(jobid, start, space, delay=t - start)
                    continue
            # run_jobs(): purge_old_states(), then job_status() through get_next_job().
            jobtargets.purge_old_states(self.world, node)
            jobtargets.switch_stolen_jobs(self.state, node)
            repl = self.world.repl(node)
            due = []
            for job in pve.local_jobs(self.state, node):
                if job.get("disable"):
                    continue
                st = pve.job_state(repl, job)
                nxt = pve.next_sync(self.state, job, st)
                if nxt and t >= nxt:
                    due.append((nxt, int(job["guest"]), job["id"]))
            elapsed = 0.0
            for _, _, jobid in sorted(due):
                # A pass runs its jobs one after the other in simulated time; one that
                # would start after the real clock starts now, so that no job's
                # last_sync (and snapshot name) lies in the future.
                start = min(int(t + elapsed), now)
                if self.hang_active(jobid):
                    self.start_hang(jobid, start)
                    break
                elapsed += self.run_job(jobid, start, space) + 0.2
            self.busy_until[node] = t + elapsed


def tick(world, minutes):
    """Age the lab by `minutes` and let every node's scheduler run once per minute.

    Returns what ran: one line per job run, hang, or node that did not run."""
    now = int(time.time())
    seconds = minutes * 60
    if seconds:
        worldmod.shift_world(world, seconds)
    world.load_all()
    sched = Scheduler(world)
    sched.prepare_probes()
    passes = max(1, minutes)
    for k in range(passes):
        t = now - seconds + (k + 1) * 60 if seconds else now
        sched.run_pass(t, now)
    if not sched.report:
        return ["no replication job was due in %d minute(s)" % minutes]
    return sched.report
