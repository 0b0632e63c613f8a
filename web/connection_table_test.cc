#include "web/connection_table.h"

#include <memory>
#include <string>
#include <vector>

#include "testing/catch.h"

namespace replwatch::web {
namespace {

using Clock = ConnectionTable::Clock;
using std::chrono::seconds;

class FakeConnection : public Connection {
 public:
  explicit FakeConnection(std::string peer) : peer_(std::move(peer)) {}
  void Close() override { closed = true; }
  const std::string& peer() const override { return peer_; }
  bool closed = false;

 private:
  std::string peer_;
};

// Connections of a table, added the way the server adds them.
struct Fixture {
  explicit Fixture(std::size_t max_connections,
                   std::size_t max_waiting_per_client = 100)
      : table(max_connections, max_waiting_per_client) {}

  std::shared_ptr<FakeConnection> Connect(const std::string& client,
                                          Clock::time_point at) {
    std::optional<ConnectionTable::Eviction> eviction;
    if (!table.Admit(client, at, eviction)) return nullptr;
    last_eviction = eviction;
    auto connection = std::make_shared<FakeConnection>(
        client + ":" + std::to_string(open.size()));
    table.Add(connection.get(), connection, client, at);
    open.push_back(connection);
    return connection;
  }

  ConnectionTable table;
  std::vector<std::shared_ptr<FakeConnection>> open;
  std::optional<ConnectionTable::Eviction> last_eviction;
};

TEST_CASE("a full table closes the connection that waited longest") {
  const auto start = Clock::now();
  Fixture fixture(3);
  const auto oldest = fixture.Connect("10.0.0.1", start);
  const auto middle = fixture.Connect("10.0.0.2", start + seconds(1));
  const auto newest = fixture.Connect("10.0.0.3", start + seconds(2));
  // The oldest got a request and an answer: it waits again from then on.
  fixture.table.SetBusy(oldest.get());
  fixture.table.SetWaiting(oldest.get(), start + seconds(3));

  const auto newcomer = fixture.Connect("10.0.0.4", start + seconds(4));
  REQUIRE(newcomer);
  CHECK(middle->closed);
  CHECK_FALSE(oldest->closed);
  CHECK_FALSE(newest->closed);
  REQUIRE(fixture.last_eviction);
  CHECK(fixture.last_eviction->peer == middle->peer());
  CHECK(fixture.last_eviction->waited == seconds(3));
  CHECK_FALSE(fixture.last_eviction->same_client);
  // Forgotten at once, though its object lives on until it is released.
  CHECK(fixture.table.size() == 3);
}

TEST_CASE("a busy connection is never closed to make room") {
  const auto start = Clock::now();
  Fixture fixture(2);
  const auto first = fixture.Connect("10.0.0.1", start);
  const auto second = fixture.Connect("10.0.0.2", start);
  fixture.table.SetBusy(first.get());
  fixture.table.SetBusy(second.get());
  CHECK_FALSE(fixture.Connect("10.0.0.3", start + seconds(1)));
  CHECK_FALSE(first->closed);
  CHECK_FALSE(second->closed);

  fixture.table.SetWaiting(second.get(), start + seconds(2));
  CHECK(fixture.Connect("10.0.0.3", start + seconds(3)));
  CHECK(second->closed);
}

TEST_CASE("a client at its waiting limit gives up its own oldest connection") {
  const auto start = Clock::now();
  Fixture fixture(10, 2);
  const auto other = fixture.Connect("10.0.0.9", start);
  const auto first = fixture.Connect("10.0.0.1", start + seconds(1));
  const auto second = fixture.Connect("10.0.0.1", start + seconds(2));
  REQUIRE(fixture.Connect("10.0.0.1", start + seconds(3)));
  CHECK(first->closed);
  CHECK_FALSE(second->closed);
  CHECK_FALSE(other->closed);
  REQUIRE(fixture.last_eviction);
  CHECK(fixture.last_eviction->same_client);
  // A busy connection does not count against the limit.
  fixture.table.SetBusy(second.get());
  REQUIRE(fixture.Connect("10.0.0.1", start + seconds(4)));
  CHECK_FALSE(second->closed);
}

TEST_CASE("an evicted or removed connection is no longer tracked") {
  const auto start = Clock::now();
  Fixture fixture(1);
  const auto first = fixture.Connect("10.0.0.1", start);
  REQUIRE(fixture.Connect("10.0.0.2", start + seconds(1)));
  // Handlers of the evicted connection still run; they change nothing.
  fixture.table.SetWaiting(first.get(), start + seconds(2));
  fixture.table.SetBusy(first.get());
  fixture.table.Remove(first.get());
  CHECK(fixture.table.size() == 1);
  fixture.table.CloseAll();
  CHECK(fixture.open.back()->closed);
}

}  // namespace
}  // namespace replwatch::web
