#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace replwatch::web {

// A connection the server can close from outside (Stop, eviction).
class Connection {
 public:
  virtual void Close() = 0;
  // "1.2.3.4:80" or "[::1]:80", for logs.
  virtual const std::string& peer() const = 0;

 protected:
  ~Connection() = default;
};

// The open connections, and since when each waits for its client (from
// accept until its request is complete, and again after each response).
// Waiting costs the server nothing but a slot, so when slots run short the
// connection that has waited longest gives its slot up: an idle or slow
// client loses its own place, never a newcomer's. io_context thread only.
class ConnectionTable {
 public:
  using Clock = std::chrono::steady_clock;

  // What Admit had to close to make room.
  struct Eviction {
    std::string peer;
    Clock::duration waited;
    bool same_client;  // The newcomer's client was at its own limit.
  };

  ConnectionTable(std::size_t max_connections,
                  std::size_t max_waiting_per_client);

  // Makes room for a new connection of `client`: closes that client's
  // longest-waiting connection if it already has max_waiting_per_client
  // waiting, else the longest-waiting one of all if the table is full.
  // False if the table is full and every connection is busy.
  bool Admit(const std::string& client, Clock::time_point now,
             std::optional<Eviction>& eviction);
  // Enters a connection that Admit made room for, waiting from `now`.
  void Add(Connection* connection, std::weak_ptr<Connection> owner,
           std::string client, Clock::time_point now);
  void Remove(Connection* connection);
  // Unknown connections (already evicted) are ignored.
  void SetWaiting(Connection* connection, Clock::time_point now);
  void SetBusy(Connection* connection);

  std::size_t size() const { return entries_.size(); }
  void CloseAll();

 private:
  struct Entry {
    std::weak_ptr<Connection> owner;
    std::string client;
    std::optional<Clock::time_point> waiting_since;  // nullopt: busy
  };
  using Entries = std::unordered_map<Connection*, Entry>;

  // The longest-waiting connection (of `client` if not null), or end().
  Entries::iterator LongestWaiting(const std::string* client);
  std::size_t WaitingOf(const std::string& client) const;
  Eviction Evict(Entries::iterator entry, Clock::time_point now,
                 bool same_client);

  const std::size_t max_connections_;
  const std::size_t max_waiting_per_client_;
  Entries entries_;
};

}  // namespace replwatch::web
