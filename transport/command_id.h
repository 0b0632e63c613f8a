#pragma once

namespace replwatch {

/// Every command on the allow-list (command_allowlist.cc), in its order. A
/// collector names the command it runs by one of these: a command that is
/// not on the list cannot even be written down.
enum class CommandId {
  kDate,
  kZfsVersion,
  kPveversion,
  kPveversionVerbose,
  kZpoolList,
  kZpoolStatus,
  kZpoolStatusJson,
  kZpoolGetAll,
  kZfsListSnapshots,
  kZfsListSnapshotsChanged,
  kZfsListSnapshotsOf,
  kZfsListReplicationProps,
  kCatReplicationCfg,
  kCatVmlist,
  kCatReplicationState,
  kCatProcStat,
  kGrepVmConfigs,
  kGrepCtConfigs,
  kCatStorageCfg,
  kCatHaResources,
  kCatHaGroups,
  kCatHaRules,
  kCatMembers,
  kCatDatacenterCfg,
  kCatJobsCfg,
  kCatActiveTasks,
  kCatZfsutilsCron,
  kLsEnabledTimers,
  kDateUtcOffset,
  kCatLinkSpeed,
  kCatReplicationLog,
  kIpAddrStats,
  kIpRouteGet,
  kPingPathMtu,
  kSshBatchCheck,
};

}  // namespace replwatch
