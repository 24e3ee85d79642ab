// Operator statistics against a real node (docs/observability.md): per-command counts,
// errors and latency, and the hot actors (node, behaviours, busiest groups), in
// /system/state and /metrics; actor_stats_ms 0 turns them off.
#include <thread>

#include "tests/integration/node_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class ActorStats : public NodeFixtureAccess {};

json state(uint16_t port) { return http_call(port, "GET", "/system/state").json_body()["data"]; }

const json* find(const json& list, const std::string& key, const std::string& value) {
  for (const auto& e : list)
    if (e.value(key, std::string()) == value) return &e;
  return nullptr;
}

TEST_F(ActorStats, CommandsAndTheBusiestGroupShowInStateAndMetrics) {
  // Samples every second; the burst starts just after one, so the next covers all of it.
  start_with([](node_config& c) { c.actor_stats_ms = 1000; });
  auto alice = login(101, "alice");
  alice->request("join", {{"group", "hot"}});
  alice->request("join", {{"group", "warm"}});
  auto deadline = std::chrono::steady_clock::now() + 5s;
  auto first = state(port())["stats"]["timeMs"].get<int64_t>();
  while (state(port())["stats"]["timeMs"].get<int64_t>() == first &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  for (int i = 0; i < 40; ++i) alice->request("sendGroup", {{"group", "hot"}, {"msg", "x"}});
  for (int i = 0; i < 4; ++i) alice->request("sendGroup", {{"group", "warm"}, {"msg", "x"}});
  auto refused = alice->request("sendGroup", {{"group", ""}, {"msg", "x"}});
  ASSERT_NE(refused["response"]["code"], 200);
  // Wait for the first sample taken after the burst (the one that counts all 45 sends).
  json s;
  deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    s = state(port())["stats"];
    const auto* sent = find(s["commands"], "cmd", "sendGroup");
    if (sent != nullptr && (*sent)["count"] == 45) break;
    std::this_thread::sleep_for(10ms);
  }
  auto groups = s["groups"];
  ASSERT_GE(groups.size(), 2u) << s.dump();
  EXPECT_EQ(groups[0]["name"], "101/hot");
  EXPECT_EQ(groups[1]["name"], "101/warm");
  EXPECT_GT(groups[0]["perSecond"].get<double>(), groups[1]["perSecond"].get<double>());
  EXPECT_EQ(groups[0]["members"], 1);

  const auto* send = find(s["commands"], "cmd", "sendGroup");
  ASSERT_NE(send, nullptr) << s.dump();
  EXPECT_EQ((*send)["count"], 45);
  EXPECT_EQ((*send)["errors"], 1);
  EXPECT_GT((*send)["p50Us"].get<double>(), 0);
  EXPECT_GE((*send)["p99Us"].get<double>(), (*send)["p50Us"].get<double>());
  EXPECT_EQ((*find(s["commands"], "cmd", "join"))["count"], 2);
  ASSERT_FALSE(s["actors"].empty());
  EXPECT_EQ(s["actors"][0]["kind"], "node");
  EXPECT_NE(find(s["actors"], "name", "sendGroup"), nullptr);
  EXPECT_GT(s["timeMs"].get<int64_t>(), 0);

  auto metrics = http_call(port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("parley_commands_total{cmd=\"sendGroup\"} 45\n"), std::string::npos);
  EXPECT_NE(metrics.find("parley_command_errors_total{cmd=\"sendGroup\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("parley_command_duration_seconds_count{cmd=\"sendGroup\"} 45\n"),
            std::string::npos);
  EXPECT_NE(
      metrics.find("parley_command_duration_seconds_bucket{cmd=\"sendGroup\",le=\"+Inf\"} 45\n"),
      std::string::npos);
  EXPECT_NE(metrics.find("parley_actor_mailbox{kind=\"node\""), std::string::npos);
}

TEST_F(ActorStats, ZeroTurnsSamplingAndCommandFiguresOff) {
  start_with([](node_config& c) { c.actor_stats_ms = 0; });
  auto alice = login(101, "alice");
  alice->request("heartbeat", {});
  std::this_thread::sleep_for(300ms);
  auto s = state(port())["stats"];
  EXPECT_EQ(s["timeMs"], 0);
  EXPECT_TRUE(s["commands"].empty());
  EXPECT_EQ(http_call(port(), "GET", "/metrics").body.find("parley_commands_total{"),
            std::string::npos);
}

}  // namespace
}  // namespace parley::test
