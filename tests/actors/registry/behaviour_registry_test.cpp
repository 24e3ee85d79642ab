#include "actors/registry/behaviour_registry.hpp"

#include <gtest/gtest.h>

#include "actors/behaviours/builtin.hpp"

namespace parley {
namespace {

TEST(BehaviourRegistry, FindsWhatWasAddedAndKeepsTheFirst) {
  behaviour_registry r;
  EXPECT_TRUE(r.add("echo", {std::make_shared<behaviour_slot>(caf::actor{}), false, true}));
  EXPECT_FALSE(r.add("echo", {std::make_shared<behaviour_slot>(caf::actor{}), true, false}));
  ASSERT_NE(r.find("echo"), nullptr);
  EXPECT_FALSE(r.find("echo")->requires_login);
  EXPECT_EQ(r.find("nope"), nullptr);
}

TEST(BehaviourRegistry, BuiltinsCoverTheProtocol) {
  std::vector<std::string> names;
  for (const auto& spec : behaviours::builtin_behaviours()) {
    names.push_back(spec.name);
    // only these before login
    bool open = spec.name == "login" || spec.name == "ping" || spec.name == "whoami";
    EXPECT_EQ(spec.requires_login, !open) << spec.name;
    // backends only: a client never addresses another device by its id
    EXPECT_EQ(spec.websocket, spec.name != "sendClient") << spec.name;
  }
  for (auto cmd : {"login", "heartbeat", "ping", "join", "leave", "sendMessage", "sendGroup",
                   "users", "echo", "sendAll", "sendClient", "whoami"})
    EXPECT_NE(std::find(names.begin(), names.end(), cmd), names.end()) << cmd;
}

}  // namespace
}  // namespace parley
