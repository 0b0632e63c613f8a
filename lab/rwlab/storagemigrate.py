"""One volume's `pvesm export ... | ssh <target> -- pvesm import ...` and what it logs.

pve-storage (proxmox/pve-storage@0c56bad8) src/PVE/Storage.pm storage_migrate() and
src/PVE/Storage/ZFSPoolPlugin.pm volume_export()/volume_import(); the source node's
libpve-storage-perl decides the send, the target node's the receive:
  before 9.1.3:  zfs send -Rpv [-I <base>] -- <ds>@<snap>  |  zfs recv -F -- <ds>
  9.1.3 and on:  zfs send -RpvU ...                         |  zfs recv -F -x encryption -- <ds>
(commit c705a2c, "fix #2350"). zfs send's stderr passes volume_export()'s errfunc, which
from 9.1.3 to 9.1.6 printed each line without its newline (commit e0eb405; 9.1.7's 22cea64
adds it back). storage_migrate() logs the pipeline's output line by line (pve-common
PVE::Cmd::run with logfunc), so there the sender's lines run together into one log line,
ended by the next newline on stderr (a receive error) or by the end of the pipeline, after
the import's `successfully imported` on stdout.

A failing command dies with run_command()'s "command '<cmd>' failed: exit code <n>", which
pvesm prints on stderr: it follows the zfs error in the log.
"""
from rwlab import poolfeatures
from rwlab import versions
from rwlab import zfsmodel as zm


def send_command(info, ds_name, base, snap):
    flags = "-RpvU" if versions.sends_without_encryption(info) else "-Rpv"
    since = " -I %s" % base if base else ""
    return "zfs send %s%s -- %s@%s" % (flags, since, ds_name, snap)


def recv_command(info, ds_name):
    exclude = " -x encryption" if versions.sends_without_encryption(info) else ""
    return "zfs recv -F%s -- %s" % (exclude, ds_name)


def failed(command):
    return "command '%s' failed: exit code 1" % command


def send_errors(sender, src, ds_name, snap):
    """zfs send -Rpv of an encrypted dataset (libzfs_sendrecv.c send_iterate_fs(), then
    send_prelim_records()'s zfs_error(EZFS_BADBACKUP)); -U sends it decrypted."""
    if src["encryption"] == "off" or versions.sends_without_encryption(sender):
        return []
    full = "%s@%s" % (ds_name, snap)
    return [
        "cannot send %s: encrypted dataset %s may not be sent with properties without "
        "the raw flag" % (full, ds_name),
        "warning: cannot send '%s': backup failed" % full,
    ]


def stream_flags(src):
    """DMU_BACKUP_FEATURE_* of the stream (dmu_send.c setup_featureflags())."""
    flags = poolfeatures.SA_SPILL if src["type"] == "filesystem" else 0
    if "longname" in src.get("active_features", []):
        flags |= poolfeatures.LONGNAME
    return flags


def receive_error(receiver, src_zfs, tgt_zfs, ds_name, tgt, size, target_avail):
    """The libzfs message of a refused receive (one or two lines), or None."""
    src = src_zfs["datasets"][ds_name]
    flags = stream_flags(src)
    if versions.openzfs(tgt_zfs["zfsutils"]) < (2, 3) and flags & poolfeatures.LONGNAME:
        # zfs_receive_impl() of 2.2 checks DMU_STREAM_SUPPORTED() before anything else.
        return (
            "cannot receive: stream has unsupported feature, feature flags = %x "
            "(unknown flags = %x)" % (flags, flags & poolfeatures.LONGNAME)
        )
    stream = "cannot receive %s: " % ("incremental stream" if tgt else "new filesystem stream")
    tgt_pool = tgt_zfs["pools"]["rpool"]
    if tgt_pool["suspended"]:
        return stream + "pool I/O is currently suspended"
    for feature, value in src_zfs["pools"]["rpool"]["features"].items():
        if value == "active" and tgt_pool["features"].get(feature) == "disabled":
            return stream + "pool must be upgraded to receive this stream."
    if flags & poolfeatures.LONGNAME and tgt_pool["features"].get("longname") == "disabled":
        # dmu_recv_begin_check(): ENOTSUP when the feature is not enabled on the target.
        return stream + "pool must be upgraded to receive this stream."
    if tgt:
        if tgt["resume_token"]:
            return stream + (
                "destination %s contains partially-complete state from "
                '"zfs receive -s".' % ds_name
            )
        if tgt["type"] != src["type"]:
            return stream + "destination '%s' exists\nmust specify -F to overwrite it" % ds_name
        if tgt["encryption"] != "off" and tgt["keystatus"] != "available":
            return stream + "inherited key must be loaded"
        if tgt.get("modified"):
            return stream + "destination %s has been modified\nsince most recent snapshot" % ds_name
    elif inherited_encryption(receiver, tgt_zfs, ds_name)["keystatus"] == "unavailable":
        return stream + "inherited key must be loaded"
    if size > target_avail:
        return stream + "out of space"
    return None


def inherited_encryption(receiver, tgt_zfs, ds_name):
    """The encryption a new replica gets. `-x encryption` (9.1.3+) lets it inherit from its
    parent on the target; without it a non-raw properties stream is received with
    encryption=off (libzfs_sendrecv.c zfs_receive_one(): "we can infer that the value should
    be ZIO_CRYPT_OFF"), also under an encrypted parent."""
    parent = tgt_zfs["datasets"].get(ds_name.rsplit("/", 1)[0])
    if (
        not versions.sends_without_encryption(receiver)
        or not parent
        or parent["encryption"] == "off"
    ):
        return {"encryption": "off", "keystatus": "none", "encroot": None}
    return {
        "encryption": parent["encryption"],
        "keystatus": parent["keystatus"],
        "encroot": parent.get("encroot") or ds_name.rsplit("/", 1)[0],
    }


def log_lines(sender, send_lines, remote_lines, imported):
    """The log lines of one volume: the sender's stderr, the target's, then the import's
    `successfully imported` line (empty on failure), as the source's storage prints them."""
    if not versions.glues_progress_lines(sender):
        return send_lines + remote_lines + imported
    glued = "".join(send_lines)
    if remote_lines:
        return [glued + remote_lines[0]] + remote_lines[1:] + imported
    return imported + [glued]


def new_replica(src, tgt_pool, now, encryption):
    replica = zm.new_dataset(src["type"], tgt_pool, int(now), volsize=src["volsize"])
    replica["guid"] = zm.new_guid()
    replica.update(encryption)
    return replica
