// node_runtime: settings the runtime resolves from the config.
#include "app/node_runtime.hpp"

#include <thread>

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(NodeRuntime, ActorThreadsDefaultToTheCoresTheIoThreadsLeave) {
  auto hardware = std::max(1u, std::thread::hardware_concurrency());
  node_config config;
  ASSERT_EQ(config.actor_threads, 0u);  // the default: automatic
  config.io_threads = 1;
  EXPECT_EQ(actor_threads(config), hardware > 1 ? hardware - 1 : 1);
  config.io_threads = hardware;  // nothing left: still one worker
  EXPECT_EQ(actor_threads(config), 1u);
  config.actor_threads = 7;  // set explicitly: taken as is
  EXPECT_EQ(actor_threads(config), 7u);
  auto parsed = parse_config({"--actor-threads", "0"});
  ASSERT_TRUE(parsed.config) << parsed.error;
  EXPECT_EQ(parsed.config->actor_threads, 0u);
}

TEST(NodeRuntime, HandsTheIdlePollingSettingsToCaf) {
  node_config config;
  config.actor_idle_polls = 7;
  config.actor_idle_sleep_us = 2500;
  node_runtime runtime(config);
  const auto& cfg = runtime.system().config();
  EXPECT_EQ(caf::get_or(cfg, "work-stealing.moderate-poll-attempts", size_t{500}), 7u);
  EXPECT_EQ(caf::get_or(cfg, "work-stealing.relaxed-sleep-duration", caf::timespan{0}),
            caf::timespan(std::chrono::microseconds(2500)));
}

// A certificate that does not load stops the start with a message naming the file.
TEST(NodeRuntime, ATlsCertificateThatDoesNotLoadRefusesToStart) {
  node_config config;
  config.listen_port = 0;
  config.tls_cert = "/nonexistent/cert.pem";
  config.tls_key = "/nonexistent/key.pem";
  node_runtime runtime(config);
  std::string error;
  EXPECT_FALSE(runtime.start(error));
  EXPECT_NE(error.find("/nonexistent/cert.pem"), std::string::npos) << error;
  std::string reload_error;
  node_config plain;
  plain.listen_port = 0;
  node_runtime without_tls(plain);
  EXPECT_FALSE(without_tls.reload_tls(reload_error));
  EXPECT_NE(reload_error.find("TLS is off"), std::string::npos) << reload_error;
}

}  // namespace
}  // namespace parley
