"""Pool feature flags per OpenZFS release: which exist, how a new pool has them, what
`zpool upgrade` enables, and which ones a send stream carries.

Order: the spa_feature_t enum (include/zfeature_common.h), which is also the order of
`zpool get all` (zpool_expand_proplist(), lib/libzfs/libzfs_pool.c). New in 2.3 and 2.4:
openzfs/zfs@zfs-2.4.4:module/zcommon/zfeature_common.c.
"""

# The features of OpenZFS 2.2 with their state on a PVE 8 pool.
FEATURES_2_2 = [
    ("async_destroy", "enabled"),
    ("empty_bpobj", "active"),
    ("lz4_compress", "active"),
    ("multi_vdev_crash_dump", "enabled"),
    ("spacemap_histogram", "active"),
    ("enabled_txg", "active"),
    ("hole_birth", "active"),
    ("extensible_dataset", "active"),
    ("embedded_data", "active"),
    ("bookmarks", "enabled"),
    ("filesystem_limits", "enabled"),
    ("large_blocks", "enabled"),
    ("large_dnode", "enabled"),
    ("sha512", "enabled"),
    ("skein", "enabled"),
    ("edonr", "enabled"),
    ("userobj_accounting", "active"),
    ("encryption", "enabled"),
    ("project_quota", "active"),
    ("device_removal", "enabled"),
    ("obsolete_counts", "enabled"),
    ("zpool_checkpoint", "enabled"),
    ("spacemap_v2", "active"),
    ("allocation_classes", "enabled"),
    ("resilver_defer", "enabled"),
    ("bookmark_v2", "enabled"),
    ("redaction_bookmarks", "enabled"),
    ("redacted_datasets", "enabled"),
    ("bookmark_written", "enabled"),
    ("log_spacemap", "active"),
    ("livelist", "enabled"),
    ("device_rebuild", "enabled"),
    ("zstd_compress", "enabled"),
    ("draid", "enabled"),
    ("zilsaxattr", "active"),
    ("head_errlog", "active"),
    ("blake3", "enabled"),
    ("block_cloning", "enabled"),
    ("vdev_zaps_v2", "active"),
]
# Added in 2.3.0 (the first five) and 2.4.0 (the last three); all enabled on a new pool.
FEATURES_NEW_2_3 = [
    "redaction_list_spill",
    "raidz_expansion",
    "fast_dedup",
    "longname",
    "large_microzap",
]
FEATURES_NEW_2_4 = ["dynamic_gang_header", "block_cloning_endian", "physical_rewrite"]
# ZFEATURE_FLAG_NO_UPGRADE: `zpool upgrade` leaves it disabled, nor does `zpool status`
# call a pool that lacks it out of date (libzfs_status.c, upgrade_enable_all()).
NO_UPGRADE = {"dynamic_gang_header"}
# Stream feature flags (include/sys/zfs_ioctl.h): every ZPL stream (ZPL version >= 5) has
# SA_SPILL; a dataset with the per-dataset feature `longname` active adds LONGNAME
# (module/zfs/dmu_send.c setup_featureflags()), a bit OpenZFS 2.2 does not know.
SA_SPILL = 1 << 2
LONGNAME = 1 << 28


def names(openzfs):
    """Every feature the release knows, in `zpool get all` order."""
    known = [name for name, _ in FEATURES_2_2]
    if openzfs >= (2, 3):
        known += FEATURES_NEW_2_3
    if openzfs >= (2, 4):
        known += FEATURES_NEW_2_4
    return known


def new_pool(openzfs):
    """The feature states of a pool created by this release (`zpool create`)."""
    states = dict(FEATURES_2_2)
    for name in names(openzfs)[len(FEATURES_2_2) :]:
        states[name] = "enabled"
    return states


def upgradable(pool, openzfs):
    """Features `zpool upgrade` would enable: known, disabled, and not NO_UPGRADE."""
    return [
        name
        for name in names(openzfs)
        if pool["features"].get(name, "disabled") == "disabled" and name not in NO_UPGRADE
    ]
