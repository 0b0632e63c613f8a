"""`lab up` and `lab down`."""
import os
import shutil
import time

from rwlab import build
from rwlab import costmodel
from rwlab import keys
from rwlab import netlab
from rwlab import noderoot
from rwlab import store
from rwlab import world as worldmod


def up(lab, name, nodes, guests, snapshots, setup):
    if os.path.exists(lab.state_file):
        raise RuntimeError("lab '%s' is already up (lab down --name %s first)" % (name, name))
    if netlab.lab_ns(name) in netlab.list_netns():
        raise RuntimeError(
            "namespace %s exists: a lab '%s' is up elsewhere" % (netlab.lab_ns(name), name)
        )
    began = time.monotonic()
    # Before anything is started: finding (or building) the Debian 13 root can take long.
    tree = noderoot.find_tree() if setup.wants("9", nodes) else None
    os.makedirs(lab.dir, exist_ok=True)
    os.chmod(lab.dir, 0o755)
    try:
        with lab.locked(exclusive=True):
            state = build.build(lab, name, nodes, guests, snapshots, setup)
            for node in state["nodes"]:
                costmodel.reset(lab.cost_file(node))
            for node in state["nodes"]:
                keys.new_host_key(lab, node)
            keys.write_trust(lab, state)
            netlab.ensure_mountpoints()
            netlab.create_network(state)
            netlab.write_resolver(state)
            netlab.start_dns(lab, state)
            usr_lines = {}
            if tree:
                noderoot.hold(state, tree)
                lab.save_state(state)  # the lock's pid, for `down` should anything fail
                usr_lines = {"9": noderoot.mount_commands(tree, lab.usr_staging)}
            for node, info in state["nodes"].items():
                store.write_text(
                    lab.node(node, "ssh", "sshd_config"), netlab.sshd_config(lab, state, node)
                )
                netlab.start_holder(lab, state, node, usr_lines.get(info["pve"], []))
            lab.save_state(state)
            netlab.wait_holders(state)
            for node in state["nodes"]:
                netlab.start_sshd(lab, state, node)
                state["nodes"][node]["mac"] = netlab.link_mac(state, node)
            lab.save_state(state)
            netlab.wait_sshd(lab, state, state["nodes"])
    except BaseException:
        down(lab, name)
        raise
    return time.monotonic() - began


def down(lab, name):
    """Stop every process the lab started (by pid), delete its namespaces and files."""
    try:
        state = lab.load_state()
    except (FileNotFoundError, ValueError):
        state = None
    if state:
        pids = list(state.get("procs", {}).values())
        for info in state["nodes"].values():
            pids += [info[key] for key in ("sshd_pid", "holder_pid") if info.get(key)]
        worldmod.kill_pids(pids)
    worldmod.kill_pids(netlab.node_namespace_pids(name))
    netlab.delete_network(name)
    shutil.rmtree(lab.dir, ignore_errors=True)
    netlab.remove_created_mountpoints()
