"""pvesr's commands on one job: `schedule-now`, `enable` and `disable <id>`.

`schedule-now` (PVE 8.2's API2/Replication.pm schedule_now) only resets `last_try` to 0
in this node's replication state (ReplicationState.pm schedule_job_now), so the next
pvescheduler pass (`lab tick`) finds the job due. Nothing changes when this node holds
no state for the job (its guest lives elsewhere).

`enable` / `disable` (PVE/CLI/pvesr.pm) call API2/ReplicationConfig.pm update with
`disable` 0 or 1: replication.cfg gains or loses its bare `disable` line, which every
node sees (pmxcfs). An unknown job is that update's "no such job '<id>'".

None of them prints anything. Errors are Perl `die`s: exit 255.
"""
import re

from rwlab import pve

PERL_DIE = 255


def _invalid_id(jobid):
    """parse_replication_job_id(): the format check of the `id` parameter."""
    match = re.fullmatch(r"(\d+)-(\d+)", jobid)
    message = "invalid replication job id '%s'" % jobid
    if not match:
        return message
    if int(match.group(1)) < 100:
        return message + " (guest IDs < 100 are reseved)"
    return None


def _job_argument(command, state, args, err, unknown):
    """The job the one `<id>` argument names, or None after writing the error: the CLI
    handler's for the argument, `unknown` (formatted with the id) for a job that does not
    exist."""
    usage = "pvesr %s <id>\n" % command
    if not args:
        err.write("400 not enough arguments\n" + usage)
        return None
    if len(args) > 1:
        err.write("400 too many arguments\n" + usage)
        return None
    problem = _invalid_id(args[0])
    if problem:
        err.write(
            "400 Parameter verification failed.\nid: invalid format - %s\n\n%s" % (problem, usage)
        )
        return None
    job = state["jobs"].get(args[0])
    if job is None:
        err.write(unknown % args[0] + "\n")
    return job


def set_enabled(lab, state, args, err, enabled):
    job = _job_argument("enable" if enabled else "disable", state, args, err, "no such job '%s'")
    if job is None:
        return PERL_DIE
    if enabled:
        job.pop("disable", None)
    else:
        job["disable"] = True
    pve.write_cluster_files(lab, state)
    lab.save_state(state)
    return 0


def schedule_now(lab, state, me, args, err):
    job = _job_argument("schedule-now", state, args, err, "no such replication job '%s'")
    if job is None:
        return PERL_DIE
    repl = pve.read_repl_state(lab, me)
    job_state = repl.get(job["guest"], {}).get("local/%s" % job["target"])
    if job_state is not None:
        job_state["last_try"] = 0
        pve.write_repl_state(lab, me, repl)
    return 0
