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
    if (tweak) tweak(c);
    node_ = std::make_unique<node_runtime>(c);
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
};

inline int code_of(const json& r) { return r["response"]["code"].get<int>(); }

// The fixture's helpers for a plain TEST that needs its own settings.
class NodeFixtureAccess : public NodeFixture {
 public:
  void TestBody() override {}
  void start_with(const std::function<void(node_config&)>& tweak) { start(tweak); }
  std::unique_ptr<ws_client> login(uint32_t app, const std::string& id) { return user(app, id); }
  using NodeFixture::stats;
};

}  // namespace parley::test
