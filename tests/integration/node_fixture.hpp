// node_fixture: starts a real Parley node (node_runtime) on a free port for one test, and
// makes logged-in WebSocket clients for it.
#pragma once

#include <functional>
#include <memory>

#include <gtest/gtest.h>

#include "app/node_runtime.hpp"
#include "tests/support/ws_client.hpp"

namespace parley::test {

class NodeFixture : public ::testing::Test {
 protected:
  void start(const std::function<void(node_config&)>& tweak = {}) {
    node_config c;
    c.listen_port = 0;
    c.app_ids = {101, 102, 103, 104};
    c.log_level = "warn";
    c.shutdown_grace = 2;
    c.frame_rate = 0;  // tests pipeline bursts of frames; Limits.FrameRate* turn it on
    c.max_anonymous_per_address = 0;  // and open many sockets at once; Limits.PerAddress*
    c.upgrades_per_address_per_second = 0;
    if (tweak) tweak(c);
    node_ = std::make_unique<node_runtime>(c, extra_behaviours_);
    std::string error;
    ASSERT_TRUE(node_->start(error)) << error;
  }
  void TearDown() override { node_.reset(); }

  uint16_t port() const { return node_->port(); }
  node_stats& stats() { return node_->stats(); }

  std::unique_ptr<ws_client> connect() {
    auto c = std::make_unique<ws_client>();
    EXPECT_TRUE(c->connect(port()));
    return c;
  }
  std::unique_ptr<ws_client> user(uint32_t app, const std::string& id) {
    auto c = connect();
    auto r = c->login(app, id);
    EXPECT_EQ(r["response"]["code"], 200) << r.dump();
    return c;
  }
  bool no_actors_left() {
    return eventually([&] {
      auto& s = stats();
      return s.live(actor_kind::connection) == 0 && s.live(actor_kind::user) == 0 &&
             s.live(actor_kind::group) == 0 && s.connections == 0;
    });
  }

  std::unique_ptr<node_runtime> node_;
  std::vector<behaviour_spec> extra_behaviours_;  // registered after the built-in ones
};

inline int code_of(const json& r) { return r["response"]["code"].get<int>(); }

// A negative check without a timer: sends the client's own user (`self_user`) a marker
// message and waits for it. Pushes to one socket arrive in the order they were queued, and
// the marker is queued after everything the test did before, so when it has arrived so has
// anything else. True when no push named `cmd` (other than the marker) came before it.
inline bool no_push_before_marker(ws_client& c, const std::string& self_user, const std::string& cmd) {
  static int markers = 0;
  auto id = "marker-" + std::to_string(++markers);
  auto sent = c.request("sendMessage", {{"userID", self_user}, {"msg", "marker"}, {"msgID", id}});
  if (sent["response"]["data"]["delivered"] != true) return false;
  for (;;) {
    auto m = c.next_push("msg");
    if (!m) return false;  // the marker never came
    if ((*m)["response"]["data"]["msgID"] == id) break;
    if (cmd == "msg") return false;  // a message before the marker
  }
  for (const auto& p : c.pushes())
    if (p.value("cmd", "") == cmd) return false;
  return true;
}

// The fixture's helpers for a plain TEST that needs its own settings.
class NodeFixtureAccess : public NodeFixture {
 public:
  void TestBody() override {}
  void start_with(const std::function<void(node_config&)>& tweak) { start(tweak); }
  std::unique_ptr<ws_client> login(uint32_t app, const std::string& id) { return user(app, id); }
  using NodeFixture::stats;
  using NodeFixture::port;
  using NodeFixture::extra_behaviours_;
  using NodeFixture::node_;
  void stop() { TearDown(); }
};

}  // namespace parley::test
