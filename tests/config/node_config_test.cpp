#include "config/node_config.hpp"

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(NodeConfig, DefaultsWithoutArguments) {
  auto r = parse_config({});
  ASSERT_TRUE(r.config) << r.error;
  EXPECT_EQ(r.config->listen_host, "127.0.0.1");
  EXPECT_EQ(r.config->listen_port, 8080);
  EXPECT_EQ(r.config->heartbeat_timeout, 360u);
  EXPECT_EQ(r.config->login_timeout, 60u);
  EXPECT_EQ(r.config->max_frame_bytes, 64u * 1024);
  EXPECT_FALSE(r.config->auth_enabled());
  EXPECT_TRUE(r.config->serves_app(12345));
  EXPECT_TRUE(r.config->presence_pushes);
  EXPECT_EQ(r.config->actor_idle_sleep_us, 1000u);
  EXPECT_EQ(r.config->actor_idle_polls, 1u);
  auto off = parse_config({"--presence-pushes", "false"});
  ASSERT_TRUE(off.config) << off.error;
  EXPECT_FALSE(off.config->presence_pushes);
  EXPECT_FALSE(parse_config({"--presence-pushes", "maybe"}).config);
}

TEST(NodeConfig, FlagsSetEveryKindOfValue) {
  auto r = parse_config({"--listen", "0.0.0.0:9000", "--auth-secret=s3cret", "--max-connections", "7",
                         "--heartbeat-timeout", "5", "--log-level", "debug", "--app-ids", "101,102",
                         "--allowed-origins", "http://a,http://b"});
  ASSERT_TRUE(r.config) << r.error;
  EXPECT_EQ(r.config->listen_host, "0.0.0.0");
  EXPECT_EQ(r.config->listen_port, 9000);
  EXPECT_TRUE(r.config->auth_enabled());
  EXPECT_EQ(r.config->max_connections, 7u);
  EXPECT_EQ(r.config->heartbeat_timeout, 5u);
  EXPECT_EQ(r.config->log_level, "debug");
  EXPECT_TRUE(r.config->serves_app(101));
  EXPECT_FALSE(r.config->serves_app(103));
  EXPECT_TRUE(r.config->origin_allowed("http://b"));
  EXPECT_FALSE(r.config->origin_allowed("http://evil"));
}

TEST(NodeConfig, FileIsReadAndFlagsOverrideIt) {
  auto path = std::string(::testing::TempDir()) + "parley_test_config.json";
  {
    std::ofstream out(path);
    out << R"({"_comment": "x", "max_connections": 42, "log_level": "warn", "app_ids": [7]})";
  }
  auto r = parse_config({"--config", path, "--log-level", "error"});
  std::remove(path.c_str());
  ASSERT_TRUE(r.config) << r.error;
  EXPECT_EQ(r.config->max_connections, 42u);
  EXPECT_EQ(r.config->log_level, "error");
  EXPECT_TRUE(r.config->serves_app(7));
}

TEST(NodeConfig, ShippedFileParses) {
  std::ifstream in(PARLEY_SOURCE_DIR "/config/parley.json");
  ASSERT_TRUE(in.good());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto r = parse_config_text(text);
  ASSERT_TRUE(r.config) << r.error;
  EXPECT_EQ(r.config->listen_port, 8080);
}

TEST(NodeConfig, NodeIdIsKeptAsGiven) {
  auto r = parse_config({"--node-id", "node-1_a"});
  ASSERT_TRUE(r.config) << r.error;
  EXPECT_EQ(r.config->node_id, "node-1_a");
  EXPECT_EQ(parse_config({}).config->node_id, "");  // random per start
}

TEST(NodeConfig, BadInputIsRefusedWithAReason) {
  struct bad { std::vector<std::string> args; const char* mentions; };
  std::vector<bad> cases = {
      {{"--no-such-flag", "1"}, "unknown flag --no-such-flag"},
      {{"--max-connections", "many"}, "--max-connections"},
      {{"--max-connections", "-3"}, "--max-connections"},
      {{"--max-connections", "0"}, "max_connections"},
      {{"--listen", "localhost"}, "listen"},
      {{"--listen", "1.2.3.4:70000"}, "listen"},
      {{"--log-level", "loud"}, "log_level"},
      {{"--heartbeat-timeout"}, "needs a value"},
      {{"stray"}, "unexpected argument"},
      {{"--config", "/nonexistent/parley.json"}, "cannot read"},
      {{"--app-ids", "1,x"}, "--app-ids"},
      {{"--actor-idle-sleep-us", "10"}, "actor_idle_sleep_us"},
      {{"--actor-idle-polls", "100001"}, "actor_idle_polls"},
      {{"--node-id", "has space"}, "node_id"},
      {{"--node-id", std::string(33, 'n')}, "node_id"},
      {{"--max-message-bytes", "1048576"}, "max_message_bytes"},  // would not fit the queue
  };
  for (const auto& c : cases) {
    auto r = parse_config(c.args);
    EXPECT_FALSE(r.config) << c.args[0];
    EXPECT_NE(r.error.find(c.mentions), std::string::npos) << r.error;
  }
  EXPECT_FALSE(parse_config_text(R"({"max_connections": "10"})").config);
  EXPECT_FALSE(parse_config_text(R"({"nope": 1})").config);
  EXPECT_FALSE(parse_config_text(R"({"app_ids": ["a"]})").config);
  EXPECT_FALSE(parse_config_text("{not json").config);
}

TEST(NodeConfig, HelpListsEveryKey) {
  EXPECT_TRUE(parse_config({"--help"}).help);
  auto help = config_help();
  for (auto flag : {"--listen", "--config", "--auth-secret", "--api-key", "--max-connections",
                    "--heartbeat-timeout", "--log-level", "--max-frame-bytes", "--write-queue-limit-bytes"})
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
}

TEST(NodeConfig, ClusterKeysAreCheckedAtStart) {
  auto ok = parse_config({"--redis", "127.0.0.1:6379,127.0.0.1:6380", "--node-id", "n1",
                          "--grpc-listen", "127.0.0.1:9091"});
  ASSERT_TRUE(ok.config) << ok.error;
  EXPECT_TRUE(ok.config->clustered());
  EXPECT_EQ(ok.config->redis, (std::vector<std::string>{"127.0.0.1:6379", "127.0.0.1:6380"}));
  EXPECT_FALSE(parse_config({}).config->clustered());
  auto no_grpc = parse_config({"--redis", "127.0.0.1:6379", "--node-id", "n1"});
  EXPECT_FALSE(no_grpc.config);
  EXPECT_NE(no_grpc.error.find("grpc_listen"), std::string::npos);
  auto no_id = parse_config({"--redis", "127.0.0.1:6379", "--grpc-listen", "127.0.0.1:9091"});
  EXPECT_NE(no_id.error.find("node_id"), std::string::npos);
  auto bad = parse_config({"--redis", "localhost", "--node-id", "n1", "--grpc-listen", "127.0.0.1:1"});
  EXPECT_NE(bad.error.find("HOST:PORT"), std::string::npos);
  // Exposed gRPC without a secret refuses to start; with one it starts.
  auto open = parse_config({"--redis", "127.0.0.1:6379", "--node-id", "n1", "--grpc-listen", "0.0.0.0:9091"});
  EXPECT_FALSE(open.config);
  EXPECT_NE(open.error.find("cluster_secret"), std::string::npos);
  EXPECT_TRUE(parse_config({"--redis", "127.0.0.1:6379", "--node-id", "n1", "--grpc-listen",
                            "0.0.0.0:9091", "--cluster-secret", "s"}).config);
  auto ttl = parse_config({"--node-ttl-ms", "4000", "--node-refresh-ms", "3000"});
  EXPECT_NE(ttl.error.find("half"), std::string::npos);
}

}  // namespace
}  // namespace parley
