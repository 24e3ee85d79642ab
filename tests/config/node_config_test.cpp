#include "config/node_config.hpp"

#include <cstdio>
#include <cstdlib>
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

TEST(NodeConfig, PresenceModesPerApp) {
  auto r = parse_config({});
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->presence_of(101), presence_mode::automatic);
  auto per_app = parse_config({"--presence", "count,102=off,103=list,104=auto"});
  ASSERT_TRUE(per_app.config) << per_app.error;
  EXPECT_EQ(per_app.config->presence_of(101), presence_mode::count);
  EXPECT_EQ(per_app.config->presence_of(102), presence_mode::off);
  EXPECT_EQ(per_app.config->presence_of(103), presence_mode::list);
  EXPECT_EQ(per_app.config->presence_of(104), presence_mode::automatic);
  for (const char* bad : {"", "many", "auto,101", "auto,x=list", "auto,101=loud", "101=list"})
    EXPECT_FALSE(parse_config({"--presence", bad}).config) << bad;
  auto old_switch = parse_config({"--presence-pushes", "false", "--presence", "list"});
  ASSERT_TRUE(old_switch.config);
  EXPECT_EQ(old_switch.config->presence_of(101), presence_mode::off);
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
      {{"--tls-cert", "/tmp/cert.pem"}, "tls_cert and tls_key go together"},
      {{"--tls-key", "/tmp/key.pem"}, "tls_cert and tls_key go together"},
      {{"--client-send-all", "some"}, "client_send_all"},
      {{"--client-send-all", "101,x"}, "client_send_all"},
      {{"--max-http-requests", "0"}, "max_http_requests"},
      {{"--auth-secret-previous", "old"}, "needs auth_secret"},
      {{"--trusted-proxies", "nginx"}, "trusted_proxies"},
      {{"--trusted-proxies", "10.0.0.0/33"}, "trusted_proxies"},
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

TEST(NodeConfig, TrustedProxiesTakeAddressesAndNetworks) {
  auto r = parse_config({"--trusted-proxies", "127.0.0.1,10.89.0.0/16,fd00::/8"});
  ASSERT_TRUE(r.config) << r.error;
  EXPECT_EQ(r.config->trusted_proxies,
            (std::vector<std::string>{"127.0.0.1", "10.89.0.0/16", "fd00::/8"}));
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
  // It also serves the management API: beyond loopback that needs an API key too.
  auto no_key = parse_config({"--redis", "127.0.0.1:6379", "--node-id", "n1", "--grpc-listen",
                              "0.0.0.0:9091", "--cluster-secret", "s"});
  EXPECT_FALSE(no_key.config);
  EXPECT_NE(no_key.error.find("api_key"), std::string::npos);
  EXPECT_TRUE(parse_config({"--redis", "127.0.0.1:6379", "--node-id", "n1", "--grpc-listen",
                            "0.0.0.0:9091", "--cluster-secret", "s", "--api-key", "k"}).config);
  EXPECT_TRUE(parse_config({"--redis", "127.0.0.1:6379", "--node-id", "n1", "--grpc-listen",
                            "0.0.0.0:9091", "--cluster-secret", "s", "--insecure"}).config);
  // A node alone serves the management API on grpc_listen too: the same rule.
  auto solo = parse_config({"--grpc-listen", "0.0.0.0:9091"});
  EXPECT_FALSE(solo.config);
  EXPECT_NE(solo.error.find("api_key"), std::string::npos);
  EXPECT_TRUE(parse_config({"--grpc-listen", "127.0.0.1:9091"}).config);
  EXPECT_TRUE(parse_config({"--grpc-listen", "0.0.0.0:9091", "--api-key", "k"}).config);
  auto ttl = parse_config({"--node-ttl-ms", "4000", "--node-refresh-ms", "3000"});
  EXPECT_NE(ttl.error.find("half"), std::string::npos);
}

// Safe defaults (security issue): an exposed port needs auth_secret or api_key, unless
// --insecure says the operator means it.
TEST(NodeConfig, AnExposedPortWithoutSecretsRefusesToStart) {
  auto open = parse_config({"--listen", "0.0.0.0:9000"});
  EXPECT_FALSE(open.config);
  EXPECT_NE(open.error.find("auth_secret"), std::string::npos) << open.error;
  EXPECT_NE(open.error.find("--insecure"), std::string::npos) << open.error;
  EXPECT_FALSE(parse_config({"--listen", "192.168.1.5:9000"}).config);
  EXPECT_TRUE(parse_config({"--listen", "0.0.0.0:9000", "--insecure"}).config);  // bare flag
  EXPECT_TRUE(parse_config({"--listen", "0.0.0.0:9000", "--insecure", "true"}).config);
  EXPECT_TRUE(parse_config({"--listen", "0.0.0.0:9000", "--api-key", "k"}).config);
  EXPECT_TRUE(parse_config({"--listen", "0.0.0.0:9000", "--auth-secret", "s"}).config);
  for (const char* loopback : {"127.0.0.1:9000", "localhost:9000", "127.0.0.2:1", "[::1]:9000"})
    EXPECT_TRUE(parse_config({"--listen", loopback}).config) << loopback;
}

// Secrets need not be on the command line, where `ps` shows them: a file or the environment.
TEST(NodeConfig, SecretsComeFromFilesOrTheEnvironment) {
  auto dir = ::testing::TempDir();
  auto path = dir + "/parley-secret-test";
  {
    std::ofstream f(path);
    f << "from-file\n";  // one trailing newline is not part of the secret
  }
  auto r = parse_config({"--auth-secret-file", path, "--api-key-file", path,
                         "--cluster-secret-file", path});
  ASSERT_TRUE(r.config) << r.error;
  EXPECT_EQ(r.config->auth_secret, "from-file");
  EXPECT_EQ(r.config->api_key, "from-file");
  EXPECT_EQ(r.config->cluster_secret, "from-file");
  auto missing = parse_config({"--api-key-file", dir + "/no-such-file"});
  EXPECT_FALSE(missing.config);
  EXPECT_NE(missing.error.find("api_key_file"), std::string::npos);
  auto both = parse_config({"--api-key", "x", "--api-key-file", path});
  EXPECT_FALSE(both.config);  // two sources for one secret: say which, do not guess
  ::setenv("PARLEY_API_KEY", "from-env", 1);
  ::setenv("PARLEY_AUTH_SECRET", "env-secret", 1);
  auto env = parse_config({});
  ::unsetenv("PARLEY_API_KEY");
  ::unsetenv("PARLEY_AUTH_SECRET");
  ASSERT_TRUE(env.config) << env.error;
  EXPECT_EQ(env.config->api_key, "from-env");
  EXPECT_EQ(env.config->auth_secret, "env-secret");
  std::remove(path.c_str());
}

// The Host header check against DNS rebinding: a node on loopback answers only to loopback
// names unless allowed_hosts names more; an exposed node answers to any unless it is set.
TEST(NodeConfig, HostNamesAreCheckedAgainstTheListenAddress) {
  node_config loop;
  for (const char* h : {"127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]:8080", "127.0.0.2", ""})
    EXPECT_TRUE(loop.host_allowed(h)) << h;
  for (const char* h : {"evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil"})
    EXPECT_FALSE(loop.host_allowed(h)) << h;
  node_config named = loop;
  named.allowed_hosts = {"chat.example.com"};
  EXPECT_TRUE(named.host_allowed("chat.example.com:443"));
  EXPECT_TRUE(named.host_allowed("Chat.Example.com"));
  EXPECT_FALSE(named.host_allowed("evil.example"));
  node_config exposed;
  exposed.listen_host = "0.0.0.0";
  EXPECT_TRUE(exposed.host_allowed("anything.example"));
}

}  // namespace
}  // namespace parley
