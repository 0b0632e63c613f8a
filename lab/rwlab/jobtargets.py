"""Where a guest's replication jobs point once the guest runs on another node, and the
replication state entries a node keeps (pve-guest-common ReplicationConfig.pm and
ReplicationState.pm)."""


def switch_job_target(state, vmid, old_target, new_target):
    """PVE::ReplicationConfig::switch_replication_job_target_nolock."""
    for job in state["jobs"].values():
        if job["guest"] != vmid:
            continue
        if job["target"] == old_target:
            job["target"] = new_target
        job["source"] = old_target


def switch_stolen_jobs(state, node):
    """job_status() on `node`: a job of a guest that runs here but whose `source` names
    another node has the guest's jobs switched (written to replication.cfg under the config
    lock), job by job in the order of their IDs."""
    for jobid in sorted(state["jobs"]):
        job = state["jobs"][jobid]
        if state["guests"].get(job["guest"], {}).get("node") == node and job["source"] != node:
            switch_job_target(state, job["guest"], node, job["source"])


def purge_old_states(world, node):
    """PVE::ReplicationState::purge_old_states on `node`: only the states of a configured
    job of an existing guest stay."""
    used = {
        (job["guest"], "local/%s" % job["target"])
        for job in world.state["jobs"].values()
        if job["guest"] in world.state["guests"]
    }
    repl = world.repl(node)
    for vmid in list(repl):
        for tid in list(repl[vmid]):
            if (vmid, tid) not in used:
                del repl[vmid][tid]
        if not repl[vmid]:
            del repl[vmid]
