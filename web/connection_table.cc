#include "web/connection_table.h"

#include <algorithm>
#include <vector>

namespace replwatch::web {

ConnectionTable::ConnectionTable(std::size_t max_connections,
                                 std::size_t max_waiting_per_client)
    : max_connections_(max_connections),
      max_waiting_per_client_(
          std::max<std::size_t>(1, max_waiting_per_client)) {}

bool ConnectionTable::Admit(const std::string& client, Clock::time_point now,
                            std::optional<Eviction>& eviction) {
  eviction.reset();
  if (WaitingOf(client) >= max_waiting_per_client_) {
    eviction = Evict(LongestWaiting(&client), now, true);
  }
  if (entries_.size() < max_connections_) return true;
  const auto oldest = LongestWaiting(nullptr);
  if (oldest == entries_.end()) return false;
  eviction = Evict(oldest, now, false);
  return true;
}

void ConnectionTable::Add(Connection* connection,
                          std::weak_ptr<Connection> owner, std::string client,
                          Clock::time_point now) {
  entries_[connection] = Entry{std::move(owner), std::move(client), now};
}

void ConnectionTable::Remove(Connection* connection) {
  entries_.erase(connection);
}

void ConnectionTable::SetWaiting(Connection* connection,
                                 Clock::time_point now) {
  const auto entry = entries_.find(connection);
  if (entry != entries_.end()) entry->second.waiting_since = now;
}

void ConnectionTable::SetBusy(Connection* connection) {
  const auto entry = entries_.find(connection);
  if (entry != entries_.end()) entry->second.waiting_since.reset();
}

void ConnectionTable::CloseAll() {
  // Hold every connection while closing: Close() may drop the last other
  // reference, and its destructor then edits entries_.
  std::vector<std::shared_ptr<Connection>> open;
  for (const auto& [raw, entry] : entries_) {
    if (auto connection = entry.owner.lock()) {
      open.push_back(std::move(connection));
    }
  }
  for (const auto& connection : open) connection->Close();
}

ConnectionTable::Entries::iterator ConnectionTable::LongestWaiting(
    const std::string* client) {
  auto longest = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    const auto& since = it->second.waiting_since;
    if (!since || (client != nullptr && it->second.client != *client)) {
      continue;
    }
    if (longest == entries_.end() || *since < *longest->second.waiting_since) {
      longest = it;
    }
  }
  return longest;
}

std::size_t ConnectionTable::WaitingOf(const std::string& client) const {
  std::size_t waiting = 0;
  for (const auto& [raw, entry] : entries_) {
    if (entry.waiting_since && entry.client == client) ++waiting;
  }
  return waiting;
}

ConnectionTable::Eviction ConnectionTable::Evict(Entries::iterator entry,
                                                 Clock::time_point now,
                                                 bool same_client) {
  // Forgotten before it is closed, so the slot is free at once even though
  // the connection object lives until its cancelled handlers have run.
  const std::shared_ptr<Connection> connection = entry->second.owner.lock();
  Eviction eviction{connection ? connection->peer() : std::string("a peer"),
                    now - *entry->second.waiting_since, same_client};
  entries_.erase(entry);
  if (connection) connection->Close();
  return eviction;
}

}  // namespace replwatch::web
