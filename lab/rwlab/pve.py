"""Proxmox VE side of a node: config files, replication state, job status."""
import json
import os

from rwlab import backups
from rwlab import calendar
from rwlab import ha
from rwlab import store

DEFAULT_SCHEDULE = "*/15"


def render_datacenter_cfg(options):
    """PVE::DataCenterConfig write_datacenter_config(): `key: value` lines in key order
    (PVE::JSONSchema dump_config); property strings lead with their default key
    (print_property_string(): `type` of the migration and replication formats)."""
    return "".join("%s: %s\n" % (key, options[key]) for key in sorted(options))


def replication_option(network):
    """datacenter.cfg `replication:` as the GUI of PVE 9 writes it (pve-cluster
    src/PVE/DataCenterConfig.pm $replication_format)."""
    return "secure,network=%s" % network


def parse_property_string(text):
    """'secure,network=10.0.0.0/24' -> {'type': 'secure', 'network': '10.0.0.0/24'}."""
    result = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if sep:
            result[key] = value
        else:
            result["type"] = key
    return result


def read_datacenter_cfg(lab):
    try:
        with open(os.path.join(lab.pve, "datacenter.cfg"), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return {}
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def transmission_line(datacenter, info, rate):
    """The line replicate() logs before the volumes (pve-guest-common src/PVE/Replication.pm).

    Since libpve-guest-common-perl 6.0.1 (PVE 9) `replication:` comes first, `migration:`
    is the fallback, and a network is named (" over <cidr>", not when empty, 6.0.2). PVE 8's
    5.2.x reads only `migration:` and names no network."""
    keys = ("replication", "migration") if info["pve"] == "9" else ("migration",)
    chosen = next((parse_property_string(datacenter[k]) for k in keys if k in datacenter), {})
    over = " over %s" % chosen["network"] if info["pve"] == "9" and chosen.get("network") else ""
    return "using %s transmission%s, rate limit: %s" % (
        chosen.get("type", "secure"),
        over,
        "%s MByte/s" % rate if rate else "none",
    )


def guest_of(jobid):
    return jobid.split("-", 1)[0]


def render_replication_cfg(jobs):
    """SectionConfig writer order: comment, disable, target, then sorted options."""
    out = []
    for jobid in sorted(jobs, key=lambda j: (int(guest_of(j)), j)):
        job = jobs[jobid]
        lines = ["local: %s" % jobid]
        if job.get("disable"):
            lines.append("\tdisable")
        lines.append("\ttarget %s" % job["target"])
        if job.get("rate"):
            lines.append("\trate %s" % job["rate"])
        if job.get("schedule"):
            lines.append("\tschedule %s" % job["schedule"])
        lines.append("\tsource %s" % job["source"])
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def render_guest_conf(vmid, guest):
    """The guest's config as qemu-server or pve-container writes it (keys sorted)."""
    disks = guest["volumes"]
    if guest["type"] == "lxc":
        lines = [
            "arch: amd64",
            "cores: 1",
            "hostname: ct%s" % vmid,
            "memory: 1024",
            "net0: name=eth0,bridge=vmbr0,hwaddr=BC:24:11:%02X:%02X:%02X,ip=dhcp,type=veth"
            % (int(vmid) >> 16 & 255, int(vmid) >> 8 & 255, int(vmid) & 255),
            "ostype: debian",
            "rootfs: local-zfs:%s,size=%dG" % (disks[0][0], disks[0][1]),
            "swap: 512",
            "unprivileged: 1",
        ]
        for i, (vol, size) in enumerate(disks[1:]):
            lines.append("mp%d: local-zfs:%s,mp=/srv/data%d,size=%dG" % (i, vol, i, size))
        if guest.get("unreplicated_disk"):
            lines.append("mp9: local-lvm:vm-%s-disk-0,mp=/srv/scratch,replicate=0,size=4G" % vmid)
    else:
        lines = [
            "boot: order=scsi0;ide2;net0",
            "cores: 2",
            "memory: 4096",
            "meta: creation-qemu=8.1.5",
            "name: vm%s" % vmid,
            "net0: virtio=BC:24:11:%02X:%02X:%02X,bridge=vmbr0,firewall=1"
            % (int(vmid) >> 16 & 255, int(vmid) >> 8 & 255, int(vmid) & 255),
            "ostype: l26",
        ]
        # The installer's cdrom drive, emptied: no disk (media=cdrom), never replicated.
        lines.append("ide2: none,media=cdrom")
        for i, (vol, size) in enumerate(disks):
            lines.append("scsi%d: local-zfs:%s,iothread=1,size=%dG" % (i, vol, size))
        if guest.get("unreplicated_disk"):
            lines.append("scsi9: local-lvm:vm-%s-disk-0,iothread=1,replicate=0,size=4G" % vmid)
        lines += [
            "scsihw: virtio-scsi-single",
            "smbios1: uuid=6c1f%04x-2b1e-4c2a-9d3e-%012x" % (int(vmid) & 0xFFFF, int(vmid)),
        ]
    lines.sort()  # write_vm_config / write_pct_config: keys in sorted order
    return "\n".join(lines) + "\n"


def members_json(state, node):
    nodes = state["nodes"]
    body = [
        "{",
        '"nodename": "%s",' % node,
        '"version": %d,' % state["members_version"],
        '"cluster": { "name": "%s", "version": %d, "nodes": %d, "quorate": %d },'
        % (state["name"], len(nodes), len(nodes), 1 if quorate(state) else 0),
        '"nodelist": {',
    ]
    entries = [
        '  "%s": { "id": %d, "online": %d, "ip": "%s"}'
        % (n, info["id"], 0 if info["down"] else 1, info["ip"])
        for n, info in nodes.items()
    ]
    body.append(",\n".join(entries))
    body += ["  }", "}", ""]
    return "\n".join(body)


def quorate(state):
    online = sum(1 for info in state["nodes"].values() if not info["down"])
    return online * 2 > len(state["nodes"])


def cluster_status(state, node):
    nodes = state["nodes"]
    result = [
        {
            "id": "cluster",
            "name": state["name"],
            "nodes": len(nodes),
            "quorate": 1 if quorate(state) else 0,
            "type": "cluster",
            "version": len(nodes),
        }
    ]
    for name, info in nodes.items():
        result.append(
            {
                "id": "node/%s" % name,
                "ip": info["ip"],
                "level": "",
                "local": 1 if name == node else 0,
                "name": name,
                "nodeid": info["id"],
                "online": 0 if info["down"] else 1,
                "type": "node",
            }
        )
    return result


def read_repl_state(lab, node):
    try:
        with open(lab.repl_state_file(node), encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return {}
    return json.loads(text) if text.strip() else {}


def write_repl_state(lab, node, repl_state):
    store.write_text(lab.repl_state_file(node), json.dumps(repl_state, separators=(",", ":")))


def job_state(repl_state, job):
    st = repl_state.get(guest_of(job["id"]), {}).get("local/%s" % job["target"], {})
    st.setdefault("last_sync", 0)
    st.setdefault("last_try", 0)
    st.setdefault("fail_count", 0)
    return st


def process_running(pid, ptime):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return str(ptime) == fields[19]


def next_sync(state, job, st):
    if job.get("remove_job"):
        return 1
    if st["fail_count"]:
        if state["nodes"].get(job["target"], {}).get("down", True):
            return 0
        fails = st["fail_count"]
        return st["last_try"] + 60 * (5 * fails if fails <= 3 else 30)
    return calendar.next_event(job.get("schedule") or DEFAULT_SCHEDULE, st["last_try"])


def local_jobs(state, node):
    """Jobs whose guest is on `node` and whose target is another node, sorted by ID."""
    result = []
    for jobid in sorted(state["jobs"]):
        job = state["jobs"][jobid]
        if state["guests"][job["guest"]]["node"] == node and job["target"] != node:
            result.append(dict(job, id=jobid))
    return result


def job_status(state, node, repl_state):
    """GET /nodes/{node}/replication: config merged with state (API2/Replication.pm)."""
    result = []
    for job in local_jobs(state, node):
        st = job_state(repl_state, job)
        guest = state["guests"][job["guest"]]
        item = {
            "id": job["id"],
            "type": "local",
            "guest": job["guest"],
            "jobnum": job["id"].split("-", 1)[1],
            "target": job["target"],
            "source": job["source"],
            "vmtype": guest["type"],
            "next_sync": next_sync(state, job, st),
        }
        for key in ("schedule", "rate", "comment", "remove_job"):
            if job.get(key):
                item[key] = job[key]
        if job.get("disable"):
            item["disable"] = 1
        for key in ("last_sync", "last_try", "fail_count", "error", "duration"):
            if key in st:
                item[key] = st[key]
        if st.get("pid") and process_running(st["pid"], st.get("ptime")):
            item["pid"] = st["pid"]
        result.append(item)
    return result


def vmlist_text(state):
    """/etc/pve/.vmlist as pmxcfs prints it (pve-cluster src/pmxcfs/status.c
    cfs_create_vmlist_msg): the guests in hash order (here by VMID), the last one closed on
    its own line, and "ids" left out when there is no guest. pmxcfs counts the versions up
    on every change; the lab's are those of a cluster whose guests were each created once."""
    guests = state["guests"]
    text = "{\n"
    if not guests:
        return text + '"version": 1\n\n}\n'
    text += '"version": %d,\n"ids": {\n' % (1 + len(guests))
    text += ",\n".join(
        '"%s": { "node": "%s", "type": "%s", "version": 1 }'
        % (vmid, guests[vmid]["node"], guests[vmid]["type"])
        for vmid in sorted(guests, key=int)
    )
    return text + "}\n\n}\n"


def write_cluster_files(lab, state):
    """/etc/pve/replication.cfg, jobs.cfg, .vmlist, ha/ and every node's .members (pmxcfs
    keeps them in sync)."""
    store.write_text(
        os.path.join(lab.pve, "replication.cfg"), render_replication_cfg(state["jobs"]), 0o640
    )
    store.write_text(os.path.join(lab.pve, ".vmlist"), vmlist_text(state))
    backups.write_jobs_cfg(lab, state)
    ha.write_files(lab, state)
    for node in state["nodes"]:
        # Bind-mounted as a single file: rewrite in place, a rename would not show through.
        store.rewrite(lab.node(node, "members"), members_json(state, node))
