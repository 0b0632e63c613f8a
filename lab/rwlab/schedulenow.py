"""`pvesr schedule-now <id>`: PVE 8.2's API2/Replication.pm schedule_now.

It only resets `last_try` to 0 in this node's replication state
(ReplicationState.pm schedule_job_now), so the next pvescheduler pass (`lab tick`)
finds the job due. Nothing changes when this node holds no state for the job (its
guest lives elsewhere), and nothing is printed. Errors are Perl `die`s: exit 255.
"""
import re

from rwlab import pve

USAGE = "pvesr schedule-now <id>\n"
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


def schedule_now(lab, state, me, args, err):
    if not args:
        err.write("400 not enough arguments\n" + USAGE)
        return PERL_DIE
    if len(args) > 1:
        err.write("400 too many arguments\n" + USAGE)
        return PERL_DIE
    jobid = args[0]
    problem = _invalid_id(jobid)
    if problem:
        err.write("400 Parameter verification failed.\nid: invalid format - %s\n\n%s"
                  % (problem, USAGE))
        return PERL_DIE
    job = state["jobs"].get(jobid)
    if job is None:
        err.write("no such replication job '%s'\n" % jobid)
        return PERL_DIE
    repl = pve.read_repl_state(lab, me)
    job_state = repl.get(job["guest"], {}).get("local/%s" % job["target"])
    if job_state is not None:
        job_state["last_try"] = 0
        pve.write_repl_state(lab, me, repl)
    return 0
