"""The HA manager's configuration in /etc/pve/ha/, as pve-ha-manager writes it.

`lab up --ha` makes the first guest of each node HA-managed (`state started`) and limits it to
the nodes that hold its disks: its own and its jobs' targets, with a strict node-affinity rule
(PVE 9) or a restricted HA group (PVE 8). A cluster migrates its groups to rules only once every
node runs PVE 9 (pve-ha-manager Manager.pm try_persistent_group_migration), so while any node
runs PVE 8 the lab writes groups.cfg and `group` keys in resources.cfg; otherwise rules.cfg.

Writer format (PVE::SectionConfig): `type: id`, tab-indented `key value` lines, `comment` first,
then required keys sorted, then optional keys sorted, a blank line between sections. Nodes are
written sorted in rules; in groups in hash order (here: sorted).

`lab fault ha-loose-rule <vmid>` drops `strict` from the guest's rule (`restricted` from its
group): its nodes are then only preferred, and HA may recover the guest onto any other node,
where it has no disks. `lab clear` makes it strict again.
"""
import os

from rwlab import store


class HaFaultError(ValueError):
    pass


def default_config(state):
    """The first guest of each node with jobs, HA-managed and limited to its replicas' nodes."""
    ha = {"resources": {}, "rules": {}}
    seen = set()
    for vmid, guest in sorted(state["guests"].items(), key=lambda g: int(g[0])):
        if guest["node"] in seen:
            continue
        seen.add(guest["node"])
        targets = [j["target"] for j in state["jobs"].values() if j["guest"] == vmid]
        if not targets:
            continue
        ha["resources"][vmid] = {"state": "started"}
        ha["rules"]["ha-" + vmid] = {
            "nodes": sorted({guest["node"], *targets}),
            "strict": True,
            "resources": [vmid],
        }
    return ha


def _sid(state, vmid):
    return ("ct:" if state["guests"][vmid]["type"] == "lxc" else "vm:") + vmid


def render_resources_cfg(state, with_groups):
    out = []
    ha = state["ha"]
    for vmid in sorted(ha["resources"], key=int):
        kind, _ = _sid(state, vmid).split(":")
        lines = ["%s: %s" % (kind, vmid)]
        options = {"state": ha["resources"][vmid]["state"]}
        if with_groups:
            options["group"] = "ha-" + vmid
        lines += ["\t%s %s" % (k, v) for k, v in sorted(options.items())]
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def render_rules_cfg(state):
    out = []
    for name, rule in sorted(state["ha"]["rules"].items()):
        lines = [
            "node-affinity: %s" % name,
            "\tnodes %s" % ",".join(rule["nodes"]),
            "\tresources %s" % ",".join(sorted(_sid(state, v) for v in rule["resources"])),
        ]
        if rule["strict"]:
            lines.append("\tstrict 1")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def render_groups_cfg(state):
    out = []
    for name, rule in sorted(state["ha"]["rules"].items()):
        lines = ["group: %s" % name, "\tnodes %s" % ",".join(rule["nodes"])]
        if rule["strict"]:
            lines.append("\trestricted 1")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def write_files(lab, state):
    """/etc/pve/ha/: nothing without HA resources (a cluster that never configured HA)."""
    ha = state.get("ha") or {"resources": {}, "rules": {}}
    directory = os.path.join(lab.pve, "ha")
    files = {}
    if ha["resources"]:
        groups = any(node["pve"] == "8" for node in state["nodes"].values())
        files["resources.cfg"] = render_resources_cfg(state, groups)
        if groups:
            files["groups.cfg"] = render_groups_cfg(state)
        else:
            files["rules.cfg"] = render_rules_cfg(state)
    for name in ("resources.cfg", "groups.cfg", "rules.cfg"):
        path = os.path.join(directory, name)
        if name in files:
            os.makedirs(directory, exist_ok=True)
            store.write_text(path, files[name], 0o640)
        elif os.path.exists(path):
            os.remove(path)


def _rule(world, vmid):
    rule = world.state.get("ha", {}).get("rules", {}).get("ha-" + vmid)
    if rule is None:
        raise HaFaultError("guest '%s' is not HA-managed with a rule (lab up --ha)" % vmid)
    return rule


def loose_rule(world, args):
    _rule(world, args["guest"])["strict"] = False


def loose_rule_clear(world, args):
    _rule(world, args["guest"])["strict"] = True


FAULTS = {
    "ha-loose-rule": (["guest"], loose_rule, loose_rule_clear),
}
