"""The `pvesh`, `pvesr` and `pveversion` stand-ins."""
import json

from rwlab import fmt
from rwlab import pve
from rwlab import pvesr_jobs
from rwlab import versions

PVESR_FORMAT = "%-10s %-10s %-20s %20s %20s %10s %10s %s\n"
PVESR_USAGE = """USAGE: pvesr <COMMAND> [ARGS] [OPTIONS]
       pvesr list
       pvesr schedule-now <id>
       pvesr enable <id>
       pvesr disable <id>
       pvesr status  [OPTIONS]
       pvesr help [<extra-args>] [OPTIONS]
"""
PVESH_USAGE = "USAGE: pvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]\n"


def dump_json(data, pretty):
    if pretty:
        return json.dumps(data, sort_keys=True, indent=3, ensure_ascii=False) + "\n"
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def node_status(lab, state, node):
    return pve.job_status(state, node, pve.read_repl_state(lab, node))


def pvesh(lab, state, me, args, out, err):
    if len(args) < 2 or args[0] != "get":
        err.write("unknown command 'pvesh %s'\n%s" % (" ".join(args[:1]), PVESH_USAGE))
        return 2
    path = args[1].strip("/").split("/")
    fmt_name = "text"
    rest = args[2:]
    while rest:
        if rest[0] == "--output-format" and len(rest) > 1:
            fmt_name = rest[1]
            rest = rest[2:]
        elif rest[0].startswith("--output-format="):
            fmt_name = rest[0].split("=", 1)[1]
            rest = rest[1:]
        else:
            err.write("400 unable to parse option\n%s" % PVESH_USAGE)
            return 2
    if fmt_name not in ("json", "json-pretty", "text", "yaml"):
        err.write(
            "400 Parameter verification failed.\noutput-format: value '%s' does not have a "
            "value in the enumeration 'text, json, json-pretty, yaml'\n" % fmt_name
        )
        return 2
    data = None
    if path == ["cluster", "status"]:
        data = pve.cluster_status(state, me)
    elif path == ["cluster", "replication"]:
        data = [
            dict(job, id=j, type="local", guest=int(job["guest"]), jobnum=int(j.split("-")[1]))
            for j, job in sorted(state["jobs"].items())
        ]
    elif len(path) >= 3 and path[0] == "nodes" and path[2] == "replication":
        node = path[1]
        if node not in state["nodes"]:
            err.write(
                "hostname lookup '%s' failed - failed to get address info for: %s: "
                "Name or service not known\n" % (node, node)
            )
            return 2
        if node != me and state["nodes"][node]["down"]:
            err.write(
                "proxy handler failed: 500 Can't connect to %s:8006 (No route to host)\n"
                % state["nodes"][node]["ip"]
            )
            return 2
        jobs = node_status(lab, state, node)
        if len(path) == 3:
            data = jobs
        elif len(path) == 5 and path[4] in ("status", "log"):
            match = [j for j in jobs if j["id"] == path[3]]
            if not match:
                err.write("no such replication job '%s'\n" % path[3])
                return 2
            if path[4] == "status":
                data = match[0]
            else:
                try:
                    with open(lab.job_log(node, path[3]), encoding="utf-8") as f:
                        lines = f.read().splitlines()
                except FileNotFoundError:
                    lines = []
                data = [{"n": i + 1, "t": t} for i, t in enumerate(lines)]
    elif path == ["version"]:
        data = versions.api_version(state["nodes"][me])
    if data is None:
        err.write("No 'get' handler defined for '%s'\n" % args[1])
        return 2
    out.write(dump_json(data, fmt_name != "json"))
    return 0


def pvesr(lab, state, me, args, out, err, now):
    if args[:1] == ["schedule-now"]:
        return pvesr_jobs.schedule_now(lab, state, me, args[1:], err)
    if args[:1] in (["enable"], ["disable"]):
        return pvesr_jobs.set_enabled(lab, state, args[1:], err, args[0] == "enable")
    if not args or args[0] not in ("status", "list"):
        err.write("ERROR: unknown command 'pvesr %s'\n%s" % (" ".join(args[:1]), PVESR_USAGE))
        return 2
    if args[0] == "list":
        out.write("%-20s %-20s %10s %5s %8s\n" % ("JobID", "Target", "Schedule", "Rate", "Enabled"))
        for jobid in sorted(state["jobs"], key=lambda j: (int(pve.guest_of(j)), j)):
            job = state["jobs"][jobid]
            out.write(
                "%-20s %-20s %10s %5s %8s\n"
                % (
                    jobid,
                    "local/" + job["target"],
                    job.get("schedule") or "*/15",
                    job.get("rate") or "-",
                    "no" if job.get("disable") else "yes",
                )
            )
        return 0
    guest = None
    if args[1:3] and args[1] == "--guest" and len(args) == 3:
        guest = args[2]
    elif len(args) > 1:
        err.write("400 unable to parse option\n%s" % PVESR_USAGE)
        return 2
    out.write(
        PVESR_FORMAT
        % ("JobID", "Enabled", "Target", "LastSync", "NextSync", "Duration", "FailCount", "State")
    )
    jobs = node_status(lab, state, me)
    for job in sorted(jobs, key=lambda j: int(j["guest"])):
        if guest is not None and job["guest"] != str(int(guest)):
            continue
        last = fmt.pvesr_time(job["last_sync"]) if job["last_sync"] else "-"
        nxt = "-"
        if job["next_sync"]:
            nxt = fmt.pvesr_time(job["next_sync"]) if job["next_sync"] > now else "pending"
        state_text = "SYNCING" if job.get("pid") else job.get("error", "OK")
        duration = fmt.perl_number(job["duration"]) if "duration" in job else "-"
        out.write(
            PVESR_FORMAT
            % (
                job["id"],
                "No" if job.get("disable") else "Yes",
                "local/" + job["target"],
                last,
                nxt,
                duration,
                job["fail_count"],
                state_text,
            )
        )
    return 0


def pveversion(info, args, out, err):
    """bin/pveversion (pve-manager): Getopt::Long with one option, `--verbose`, which any
    unique prefix names; anything else is Getopt::Long's complaint, the usage, exit(-1)."""
    verbose, operands = False, []
    for i, arg in enumerate(args):
        if arg == "--":
            operands += args[i + 1 :]
            break
        name = arg.lstrip("-")
        if arg.startswith("-") and name and "verbose".startswith(name):
            verbose = True
        elif arg.startswith("-") and name:
            err.write("Unknown option: %s\nUSAGE: pveversion [--verbose]\n" % name.lower())
            return 255
        else:
            operands.append(arg)
    if operands:
        err.write("USAGE: pveversion [--verbose]\n")
        return 255
    out.write(versions.pveversion_verbose(info) if verbose else versions.pveversion(info))
    return 0
