#include "daemon/self_metrics.h"

#include <set>
#include <string>

#include "daemon/collection_state.h"
#include "daemon/version.h"

namespace replwatch {

namespace {

void RenderShard(const std::vector<NodeStatus>& nodes, const ShardStatus& shard,
                 MetricSet& out) {
  std::set<std::string> clusters;
  for (const auto& node : nodes) clusters.insert(node.config.cluster);
  out.Gauge("replwatch_shard_info",
            "A metric with a constant 1 labelled with this instance's shard "
            "(0-based) and the number of shards.",
            {{"shard", std::to_string(shard.shard.index)},
             {"shards", std::to_string(shard.shard.count)}},
            1);
  out.Gauge("replwatch_shard_configured_clusters",
            "Clusters in the configuration, before sharding.", {},
            static_cast<double>(shard.configured_clusters));
  out.Gauge("replwatch_shard_owned_clusters",
            "Clusters this instance's shard owns and watches.", {},
            static_cast<double>(clusters.size()));
  out.Gauge("replwatch_shard_owned_nodes",
            "Nodes of the clusters this instance's shard owns.", {},
            static_cast<double>(nodes.size()));
}

}  // namespace

void RenderSelfMetrics(const std::vector<NodeStatus>& nodes,
                       const ReloadStatus& reload, const ShardStatus& shard,
                       MetricSet& out) {
  out.Gauge("replwatch_build_info",
            "A metric with a constant 1 labelled with replwatch's version.",
            {{"version", kVersion}, {"revision", kRevision}}, 1);
  out.Gauge("replwatch_config_last_reload_successful",
            "1 if the last configuration (re)load succeeded.", {},
            reload.last_successful ? 1 : 0);
  out.Gauge("replwatch_config_last_reload_success_timestamp_seconds",
            "Time of the last successful configuration load.", {},
            reload.last_success_seconds);
  RenderShard(nodes, shard, out);
  for (const auto& node : nodes) {
    const LabelList labels = {{"pve_cluster", node.config.cluster},
                              {"node", node.config.name}};
    if (node.attempted) {
      out.Gauge("replwatch_node_up",
                "1 if replwatch reached the node on its last attempt.", labels,
                node.up ? 1 : 0);
    }
    if (node.config.transport == TransportKind::kSsh) {
      out.Gauge("replwatch_ssh_host_key_changed",
                "1 if the node's SSH host key differs from known_hosts "
                "(replwatch refuses to connect).",
                labels, node.host_key_changed ? 1 : 0);
      out.Gauge("replwatch_ssh_host_key_unknown",
                "1 if known_hosts has no key for the node (replwatch refuses "
                "to connect).",
                labels, node.host_key_unknown ? 1 : 0);
    }
    for (const auto& collector : node.collectors) {
      if (!collector.ran) continue;
      LabelList with_collector = labels;
      with_collector.emplace_back("collector", collector.name);
      out.Gauge("replwatch_collector_success",
                "1 if the collector's last run on the node succeeded.",
                with_collector, collector.success ? 1 : 0);
      out.Gauge("replwatch_collector_duration_seconds",
                "Duration of the collector's last run on the node.",
                with_collector, collector.duration_seconds);
      out.Counter("replwatch_collector_commands_total",
                  "Remote commands the collector started on the node.",
                  with_collector,
                  static_cast<double>(collector.cost_total.commands));
      out.Counter("replwatch_collector_output_bytes_total",
                  "Bytes the collector's commands printed on the node "
                  "(stdout and stderr).",
                  with_collector,
                  static_cast<double>(collector.cost_total.output_bytes));
      if (collector.last_success_seconds > 0) {
        out.Gauge("replwatch_collector_last_success_timestamp_seconds",
                  "End time of the collector's last successful run.",
                  with_collector, collector.last_success_seconds);
      }
      if (!collector.facts) continue;
      out.Gauge("replwatch_collector_warnings",
                "Things the collector's last successful run met but worked "
                "around (skipped lines, failed probes); the log says which.",
                with_collector,
                static_cast<double>(collector.facts->warnings.total()));
      for (const auto& [kind, count] : collector.facts->over_cap) {
        LabelList with_kind = with_collector;
        with_kind.emplace_back("kind", kind);
        out.Gauge("replwatch_collector_items_over_cap",
                  "Items the node reported beyond replwatch's cap for their "
                  "kind, left out of the series.",
                  with_kind, static_cast<double>(count));
      }
    }
  }
}

}  // namespace replwatch
