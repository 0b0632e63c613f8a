#include "testing/scripted_transport.h"

namespace replwatch::testing {
namespace {

std::string Join(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& word : words) line += (line.empty() ? "" : " ") + word;
  return line;
}

}  // namespace

void ScriptedTransport::Answer(const std::string& argv_line, std::string out,
                               int exit_status, std::string err) {
  Reply reply;
  reply.result.out = std::move(out);
  reply.result.err = std::move(err);
  reply.result.exit_status = exit_status;
  replies_[argv_line] = std::move(reply);
}

void ScriptedTransport::Fail(const std::string& argv_line,
                             TransportFailure failure) {
  replies_[argv_line].failure = failure;
}

CommandResult ScriptedTransport::Run(const RemoteCommand& command) {
  const std::string line = Join(command.argv());
  run_.push_back(line);
  const auto it = replies_.find(line);
  if (it == replies_.end()) {
    // Like a node without that tool.
    throw TransportError(TransportFailure::kExec, "no scripted reply: " + line);
  }
  if (it->second.failure) {
    throw TransportError(*it->second.failure, "scripted failure: " + line);
  }
  return it->second.result;
}

CollectContext TestContext::Get() const {
  return CollectContext{
      node, peers,
      [this](std::string_view name) {
        const auto it = latest.find(std::string(name));
        return it == latest.end() ? std::shared_ptr<const Facts>() : it->second;
      },
      *first_sightings};
}

std::string RenderText(const Facts& facts, const std::string& node) {
  MetricSet set;
  facts.Render({{"pve_cluster", "lab"}, {"node", node}}, set);
  // Every exposition ends with its drop counts; the facts' own series are
  // what comes before them.
  std::string text = set.Serialize();
  text.erase(text.find("# HELP replwatch_exposition_dropped_samples "));
  return text;
}

}  // namespace replwatch::testing
