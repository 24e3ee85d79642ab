// The single-node directory through its typed interface: what this node published is here,
// nothing else is, and a retraction of an earlier life does not hide a newer publication.
#include <gtest/gtest.h>

#include "actors/routing/directory.hpp"

namespace parley {
namespace {

TEST(LocalDirectory, AnswersHereForWhatWasPublished) {
  caf::actor_system_config cfg;
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system system{cfg};
  auto dir = system.spawn(local_directory, node_id{"n1"});
  caf::scoped_actor self{system};
  auto locate = [&](const auto& key) {
    node_set out{node_id{"unanswered"}};
    self->request(dir, caf::infinite, locate_atom::value, key)
        .receive([&](node_set& nodes) { out = std::move(nodes); }, [](caf::error&) {});
    return out;
  };
  auto publish = [&](const auto& key) {
    bool ok = false;
    self->request(dir, caf::infinite, publish_atom::value, key)
        .receive([&](bool b) { ok = b; }, [](caf::error&) {});
    return ok;
  };
  user_key alice{101, "alice"};
  group_key team{101, "team"};
  EXPECT_TRUE(locate(alice).empty());
  EXPECT_TRUE(publish(alice));
  EXPECT_TRUE(publish(team));
  EXPECT_EQ(locate(alice), (node_set{node_id{"n1"}}));
  EXPECT_EQ(locate(team), (node_set{node_id{"n1"}}));
  EXPECT_TRUE(locate(user_key{102, "alice"}).empty());  // another app
  EXPECT_TRUE(locate(group_key{101, "alice"}).empty());  // a group is not a user
  EXPECT_TRUE(publish(alice));  // a new life before the old one's retraction
  self->send(dir, retract_atom::value, alice);
  EXPECT_EQ(locate(alice), (node_set{node_id{"n1"}}));
  self->send(dir, retract_atom::value, alice);
  self->send(dir, retract_atom::value, team);
  EXPECT_TRUE(locate(alice).empty());
  EXPECT_TRUE(locate(team).empty());
  self->send_exit(dir, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace parley
