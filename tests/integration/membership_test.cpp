// Persistent membership on one node (store: memory): a user who comes back is in their
// groups again -- joined before the login reply, counted in `unread`, allowed to read the
// group's history -- until they leave. Real node, real WebSocket clients.
#include "tests/integration/node_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class Membership : public NodeFixture {
 protected:
  void SetUp() override { start(); }
};

TEST_F(Membership, AUserWhoComesBackIsInTheirGroupsAndSeesWhatWasSaidMeanwhile) {
  auto bob = user(101, "bob");
  ASSERT_EQ(code_of(bob->request("join", {{"group", "club"}})), 200);
  {
    auto alice = user(101, "alice");
    for (auto g : {"club", "book"}) {
      auto r = alice->request("join", {{"group", g}});
      ASSERT_EQ(code_of(r), 200) << r.dump();
      EXPECT_EQ(r["response"]["data"].count("persisted"), 0u) << r.dump();
    }
  }
  ASSERT_TRUE(eventually([&] { return stats().live(actor_kind::user) == 1; }));
  // While alice is away: the group keeps only bob, and what he says is stored.
  auto missed = bob->request("sendGroup", {{"group", "club"}, {"msg", "while you were out"}});
  ASSERT_EQ(code_of(missed), 200);
  EXPECT_EQ(missed["response"]["data"]["recipients"], 1);
  auto alice = connect();
  auto login = alice->login(101, "alice");
  ASSERT_EQ(code_of(login), 200);
  EXPECT_EQ(login["response"]["data"]["groups"], json({"book", "club"}));
  // Joined before the reply: the next group message reaches her, and she is a member again.
  auto live = bob->request("sendGroup", {{"group", "club"}, {"msg", "welcome back"}});
  EXPECT_EQ(live["response"]["data"]["recipients"], 2);
  auto push = alice->next_push("msg");
  ASSERT_TRUE(push);
  EXPECT_EQ((*push)["response"]["data"]["msg"], "welcome back");
  auto unread = alice->request("unread");
  EXPECT_EQ(unread["response"]["data"]["conversations"]["g:club"]["count"], 2) << unread.dump();
  auto history = alice->request("history", {{"group", "club"}});
  ASSERT_EQ(code_of(history), 200);
  EXPECT_EQ(history["response"]["data"]["messages"][1]["msg"], "while you were out");
  // Joining again changes nothing; a leave is kept too.
  EXPECT_EQ(alice->request("join", {{"group", "club"}})["response"]["data"]["joined"], false);
  ASSERT_EQ(code_of(alice->request("leave", {{"group", "book"}})), 200);
  alice.reset();
  ASSERT_TRUE(eventually([&] { return stats().live(actor_kind::user) == 1; }));
  auto again = connect();
  EXPECT_EQ(again->login(101, "alice")["response"]["data"]["groups"], json({"club"}));
  // Memberships belong to an appID; a user who never joined gets no `groups`.
  auto other = connect();
  EXPECT_EQ(other->login(102, "alice")["response"]["data"].count("groups"), 0u);
}

TEST_F(Membership, ASecondDeviceFindsTheGroupsOfTheFirst) {
  auto phone = user(101, "carl");
  ASSERT_EQ(code_of(phone->request("join", {{"group", "g1"}})), 200);
  auto laptop = connect();
  auto login = laptop->login(101, "carl");
  EXPECT_EQ(login["response"]["data"]["groups"], json({"g1"}));
  auto dave = user(101, "dave");
  ASSERT_EQ(code_of(dave->request("join", {{"group", "g1"}})), 200);
  auto r = dave->request("sendGroup", {{"group", "g1"}, {"msg", "both"}});
  EXPECT_EQ(r["response"]["data"]["recipients"], 2);
  EXPECT_TRUE(phone->next_push("msg"));
  EXPECT_TRUE(laptop->next_push("msg"));
}

}  // namespace
}  // namespace parley::test
