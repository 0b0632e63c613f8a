"""Backups and scrub schedules as a PVE node keeps them: /etc/pve/jobs.cfg, the tasks in
/var/log/pve/tasks/active, /etc/cron.d/zfsutils-linux and the scrub timers of OpenZFS.

Formats, read in the sources named with each:
* jobs.cfg: pve-common SectionConfig write_config(): `vzdump: <id>`, TAB-indented keys,
  `comment` first, then the required options sorted (`schedule` only, JobBase.pm), then the
  others sorted; booleans 0/1; a blank line after every section; sections in the order
  they were added (the parsed `order`, new ones after it).
* active: pve-common INotify.pm write_active_workers(): `<UPID> 0` for a running task,
  `<UPID> 1 <ENDTIME %08X> <status>` for a finished one; RESTEnvironment active_workers():
  the running tasks first, then the finished ones, newest start first, 25 lines at most
  ($MAX_FINISHED - running). Finished tasks are also appended to `index` (`%s %08X %s`).
* UPID: pve-common UPID.pm `UPID:%s:%08X:%08X:%08X:%s:%s:%s:` (node, pid, pstart,
  starttime, type, id, user); vzdump's id is the vmid for a single local guest, else empty
  (PVE/API2/VZDump.pm), the scheduler's user root@pam.
* zfsutils-linux: Debian's/Proxmox's `debian/zfsutils-linux.cron.d` (unchanged PVE 7-9).
* zfs-scrub-{weekly,monthly}@.timer: OpenZFS (zfs-2.1.3 to 2.4, identical); `systemctl
  enable zfs-scrub-<period>@rpool.timer` links it into timers.target.wants (WantedBy=), the
  link pointing where systemd found the template: /lib/systemd/system on Debian 12 (PVE 8,
  systemd 252 with split-usr lookup paths), /usr/lib/systemd/system on Debian 13 (PVE 9,
  systemd 257).
"""
import os
import re

from rwlab import store

JOBS_CFG = "jobs.cfg"
# What the GUI's "Add backup job" writes with its defaults (PVE 8.1+ / 9), as in a real
# jobs.cfg published by a user (`vzdump: backup-07cdf241-8b56`, collectors/parsers/testdata).
GUI_DEFAULTS = {
    "enabled": 1,
    "fleecing": "0",
    "mode": "snapshot",
    "notes-template": "{{guestname}}",
    "notification-mode": "notification-system",
    "repeat-missed": 0,
    "storage": "local",
}
BOOLEANS = {"all", "enabled", "protected", "remove", "repeat-missed", "stdexcludes", "quiet"}
DEFAULT_SCHEDULE = "21:00"
SCHEDULE_RE = re.compile(r"^[A-Za-z0-9*/,.:\- ]{1,128}$")
MAX_FINISHED = 25

CRON_ZFSUTILS = (
    "PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n"
    "\n"
    "# TRIM the first Sunday of every month.\n"
    "24 0 1-7 * * root if [ $(date +\\%w) -eq 0 ] && [ -x /usr/lib/zfs-linux/trim ]; "
    "then /usr/lib/zfs-linux/trim; fi\n"
    "\n"
    "# Scrub the second Sunday of every month.\n"
    "24 0 8-14 * * root if [ $(date +\\%w) -eq 0 ] && [ -x /usr/lib/zfs-linux/scrub ]; "
    "then /usr/lib/zfs-linux/scrub; fi\n"
)

SCRUB_PERIODS = ("weekly", "monthly")


def scrub_timer_unit(period):
    """etc/systemd/system/zfs-scrub-<period>@.timer.in of OpenZFS (no substitutions)."""
    return (
        "[Unit]\n"
        "Description=%s zpool scrub timer for %%i\n"
        "Documentation=man:zpool-scrub(8)\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=%s\n"
        "Persistent=true\n"
        "RandomizedDelaySec=1h\n"
        "Unit=zfs-scrub@%%i.service\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    ) % (period.capitalize(), period)


# Timers every Debian 12/13 node has enabled (apt, dpkg), as their packages link them.
DEFAULT_TIMERS = {
    name: "/lib/systemd/system/" + name
    for name in ("apt-daily-upgrade.timer", "apt-daily.timer", "dpkg-db-backup.timer")
}


def unit_dir(pve):
    """Where `systemctl enable` finds a packaged unit: the first of systemd's lookup paths
    that has it (Debian 12 still looks in /lib first, Debian 13 only in /usr/lib)."""
    return "/usr/lib/systemd/system" if pve == "9" else "/lib/systemd/system"


def scrub_timer_link(pool, period):
    return "zfs-scrub-%s@%s.timer" % (period, pool)


# --- jobs.cfg ------------------------------------------------------------------------------


def new_job_id(rng):
    """The GUI's `'backup-' + Uuid.generate().slice(0, 13)`: 8 hex digits, '-', 4."""
    return "backup-%08x-%04x" % (rng.getrandbits(32), rng.getrandbits(16))


def new_job(schedule, **options):
    job = dict(GUI_DEFAULTS, schedule=schedule, all=1)
    job.update(options)
    return job


def default_jobs(rng):
    """`lab up`: one healthy cluster-wide job, every guest at 21:00 to `local`."""
    return {new_job_id(rng): new_job(DEFAULT_SCHEDULE)}


def _value(key, value):
    if key in BOOLEANS:
        return "1" if value else "0"
    return str(value)


def render_jobs_cfg(jobs):
    out = []
    for jobid, job in jobs.items():
        lines = ["vzdump: %s" % jobid]
        if job.get("comment"):
            lines.append("\tcomment %s" % encode_text(job["comment"]))
        lines.append("\tschedule %s" % job["schedule"])
        for key in sorted(job):
            if key in ("comment", "schedule") or job[key] is None or str(job[key]) == "":
                continue
            lines.append("\t%s %s" % (key, _value(key, job[key])))
        out.append("\n".join(lines) + "\n\n")
    return "".join(out)


def encode_text(text):
    """PVE::Tools::encode_text: %XX for control, high-bit, '%' and ':' characters."""
    return "".join(
        c if 0x20 <= ord(c) <= 0x7E and c not in "%:" else "".join("%%%02X" % b for b in c.encode())
        for c in text
    )


def write_jobs_cfg(lab, state):
    if "backup_jobs" in state:
        store.write_text(
            os.path.join(lab.pve, JOBS_CFG), render_jobs_cfg(state["backup_jobs"]), 0o640
        )


# --- tasks ---------------------------------------------------------------------------------


def upid(node, task):
    return "UPID:%s:%08X:%08X:%08X:%s:%s:%s:" % (
        node,
        task["pid"],
        task["pstart"],
        task["starttime"],
        task["type"],
        task["id"],
        task["user"],
    )


def node_tasks(state, node):
    return state.setdefault("tasks", {}).setdefault(node, [])


def running_task(state, node, task_type="vzdump"):
    for task in state.get("tasks", {}).get(node, []):
        if task["type"] == task_type and task.get("endtime") is None:
            return task
    return None


def backup_running(state, node, t):
    """Whether a vzdump task runs on `node` at epoch `t` (started, not yet ended)."""
    for task in state.get("tasks", {}).get(node, []):
        if task["type"] != "vzdump" or t < task["starttime"]:
            continue
        end = task["endtime"] if task.get("endtime") is not None else task["end"]
        if t < end:
            return True
    return False


def render_active(node, tasks):
    """write_active_workers() of what active_workers() keeps."""
    running = [t for t in tasks if t.get("endtime") is None]
    finished = sorted(
        (t for t in tasks if t.get("endtime") is not None),
        key=lambda t: t["starttime"],
        reverse=True,
    )
    lines = ["%s 0\n" % upid(node, t) for t in running]
    for task in finished[: max(0, MAX_FINISHED - len(running))]:
        lines.append("%s 1 %08X %s\n" % (upid(node, task), task["endtime"], task["status"]))
    return "".join(lines)


def render_index(node, tasks):
    """/var/log/pve/tasks/index: finished tasks as they were archived (in end order)."""
    finished = sorted(
        (t for t in tasks if t.get("endtime") is not None), key=lambda t: t["endtime"]
    )
    return "".join("%s %08X %s\n" % (upid(node, t), t["endtime"], t["status"]) for t in finished)


def write_task_files(lab, state):
    for node in state["nodes"]:
        tasks = state.get("tasks", {}).get(node, [])
        taskdir = lab.node(node, "log-pve", "tasks")
        for name, text in (
            ("active", render_active(node, tasks)),
            ("index", render_index(node, tasks)),
        ):
            path = os.path.join(taskdir, name)
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() == text:
                        continue
            except FileNotFoundError:
                if name == "index" and not text:
                    continue  # archived on a task's first end
            store.write_text(path, text)


def finish(world, node, task, endtime, status="OK"):
    task.update(endtime=int(endtime), status=status)
    world.kill("backup:%s" % node)
    # Keep what the active file and a rotated index would still show.
    tasks = node_tasks(world.state, node)
    finished = [t for t in tasks if t.get("endtime") is not None]
    for old in finished[: max(0, len(finished) - 200)]:
        tasks.remove(old)


def reap(world, now):
    """What the worker reaper does when the lab next looks: a backup whose minutes have
    passed ends (OK, at its planned end) and its process is stopped."""
    for node in world.state.get("tasks", {}):
        task = running_task(world.state, node)
        if task and task["end"] <= now:
            finish(world, node, task, min(task["end"], now))


def shift(state, seconds):
    """`lab tick`: the tasks' times move into the past with the rest of the lab."""
    for tasks in state.get("tasks", {}).values():
        for task in tasks:
            for key in ("starttime", "end", "endtime"):
                if task.get(key) is not None:
                    task[key] -= seconds


# --- node files: cron.d, timers.target.wants, the OpenZFS timer templates ------------------


def units_dir(lab):
    """Lab-wide: OpenZFS's scrub timer templates, laid over /usr/lib/systemd/system."""
    return os.path.join(lab.dir, "systemd-units")


def wants_dir(lab, node):
    return lab.node(node, "timers.target.wants")


def write_node_files(lab, state):
    """`lab up`: per node /etc/cron.d (zfsutils-linux) and the enabled timers; the unit
    templates once for the lab."""
    for period in SCRUB_PERIODS:
        store.write_text(
            os.path.join(units_dir(lab), "zfs-scrub-%s@.timer" % period), scrub_timer_unit(period)
        )
    for node in state["nodes"]:
        store.write_text(lab.node(node, "cron.d", "zfsutils-linux"), CRON_ZFSUTILS)
        os.makedirs(wants_dir(lab, node), exist_ok=True)
        for name, target in DEFAULT_TIMERS.items():
            link = os.path.join(wants_dir(lab, node), name)
            if not os.path.islink(link):
                os.symlink(target, link)


def enable_scrub_timer(lab, state, node, period, pool="rpool"):
    link = os.path.join(wants_dir(lab, node), scrub_timer_link(pool, period))
    target = "%s/zfs-scrub-%s@.timer" % (unit_dir(state["nodes"][node]["pve"]), period)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.islink(link):
        os.unlink(link)
    os.symlink(target, link)
    return link


def disable_scrub_timer(lab, node, period, pool="rpool"):
    link = os.path.join(wants_dir(lab, node), scrub_timer_link(pool, period))
    if os.path.islink(link):
        os.unlink(link)
