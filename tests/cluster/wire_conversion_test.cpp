// wire_conversion: every request and answer survives the trip through the Protobuf envelope.
#include "cluster/peer/wire_conversion.hpp"

#include <gtest/gtest.h>

namespace parley::cluster {
namespace {

peer_request through_the_wire(const peer_request& r, uint64_t id) {
  wire::Envelope e;
  to_wire(id, r, e);
  std::string bytes;
  EXPECT_TRUE(e.SerializeToString(&bytes));
  wire::Envelope back;
  EXPECT_TRUE(back.ParseFromString(bytes));
  EXPECT_EQ(back.id(), id);
  peer_request out;
  EXPECT_TRUE(request_from_wire(back, out));
  peer_answer ignored;
  EXPECT_FALSE(answer_from_wire(back, ignored));
  return out;
}

TEST(WireConversion, RequestsRoundTrip) {
  using k = peer_request::kind;
  peer_request group;
  group.what = k::group;
  group.app_id = 7;
  group.id = "team/α";
  group.sender = "alice";
  group.frame = std::make_shared<const std::string>("{\"cmd\":\"msg\"}");
  auto g = through_the_wire(group, 42);
  EXPECT_EQ(g.what, k::group);
  EXPECT_EQ(g.app_id, 7u);
  EXPECT_EQ(g.id, "team/α");
  EXPECT_EQ(g.sender, "alice");
  EXPECT_EQ(*g.frame, *group.frame);
  EXPECT_TRUE(g.wants_answer);

  peer_request users;
  users.what = k::users;
  users.app_id = 3;
  users.cursor = "bob";
  users.limit = 50;
  auto u = through_the_wire(users, 1);
  EXPECT_EQ(u.what, k::users);
  EXPECT_EQ(u.cursor, "bob");
  EXPECT_EQ(u.limit, 50u);

  peer_request presence;
  presence.what = k::app;
  presence.app_id = 1;
  presence.sender = "carol";
  presence.frame = std::make_shared<const std::string>("enter");
  auto p = through_the_wire(presence, 0);
  EXPECT_FALSE(p.wants_answer);  // id 0: no answer wanted
  EXPECT_EQ(p.sender, "carol");

  for (bool joined : {true, false}) {
    peer_request member;
    member.what = k::member;
    member.app_id = 6;
    member.id = "fay";
    member.sender = "club";
    member.joined = joined;
    auto m = through_the_wire(member, 9);
    EXPECT_EQ(m.what, k::member);
    EXPECT_EQ(m.app_id, 6u);
    EXPECT_EQ(m.id, "fay");
    EXPECT_EQ(m.sender, "club");
    EXPECT_EQ(m.joined, joined);
  }

  peer_request groups;
  groups.what = k::user_groups;
  groups.app_id = 6;
  groups.id = "fay";
  auto ug = through_the_wire(groups, 10);
  EXPECT_EQ(ug.what, k::user_groups);
  EXPECT_EQ(ug.app_id, 6u);
  EXPECT_EQ(ug.id, "fay");

  peer_request kick;
  kick.what = k::kick;
  kick.app_id = 4;
  kick.id = "gil";
  kick.sender = "banned: spam";
  auto kk = through_the_wire(kick, 11);
  EXPECT_EQ(kk.what, k::kick);
  EXPECT_EQ(kk.app_id, 4u);
  EXPECT_EQ(kk.id, "gil");
  EXPECT_EQ(kk.sender, "banned: spam");

  for (uint8_t op = 0; op <= 4; ++op) {
    peer_request client;
    client.what = k::client;
    client.id = "n2-17";
    client.op = op;
    client.app_id = 3;
    client.sender = "hal";
    if (op == 3) client.frame = std::make_shared<const std::string>("{\"cmd\":\"msg\"}");
    auto cl = through_the_wire(client, 12);
    EXPECT_EQ(cl.what, k::client);
    EXPECT_EQ(cl.id, "n2-17");
    EXPECT_EQ(cl.op, op);
    EXPECT_EQ(cl.app_id, 3u);
    EXPECT_EQ(cl.sender, "hal");
    if (op == 3) {
      ASSERT_TRUE(cl.frame);
      EXPECT_EQ(*cl.frame, "{\"cmd\":\"msg\"}");
    } else {
      EXPECT_FALSE(cl.frame);
    }
  }

  for (const std::string user : {"", "ida"}) {
    peer_request clients;
    clients.what = k::clients;
    clients.app_id = 8;
    clients.id = user;
    clients.cursor = "n1-99";
    clients.limit = 1000;
    auto cs = through_the_wire(clients, 13);
    EXPECT_EQ(cs.what, k::clients);
    EXPECT_EQ(cs.app_id, 8u);
    EXPECT_EQ(cs.id, user);
    EXPECT_EQ(cs.cursor, "n1-99");
    EXPECT_EQ(cs.limit, 1000u);
  }

  peer_request unbind;
  unbind.what = k::unbind;
  unbind.app_id = 2;
  unbind.id = "jo";
  auto ub = through_the_wire(unbind, 14);
  EXPECT_EQ(ub.what, k::unbind);
  EXPECT_EQ(ub.app_id, 2u);
  EXPECT_EQ(ub.id, "jo");

  peer_request names;
  names.what = k::groups;
  names.app_id = 12;
  auto gn = through_the_wire(names, 15);
  EXPECT_EQ(gn.what, k::groups);
  EXPECT_EQ(gn.app_id, 12u);
}

TEST(WireConversion, AnswersRoundTrip) {
  peer_answer a;
  a.ok = true;
  a.count = 3;
  a.ids = {"a", "b"};
  a.total = 9;
  a.next_cursor = "b";
  a.code = result_code::operation_failed;
  a.code_msg = "already logged in";
  a.clients = {{"n1-4", 101, "kim", "n1", "127.0.0.1:5000"}, {"n1-9", 101, "", "n1", "::1"}};
  wire::Envelope e;
  to_wire(5, a, e);
  peer_answer out;
  ASSERT_TRUE(answer_from_wire(e, out));
  EXPECT_TRUE(out.ok);
  EXPECT_EQ(out.count, 3u);
  EXPECT_EQ(out.ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(out.total, 9u);
  EXPECT_EQ(out.next_cursor, "b");
  EXPECT_EQ(out.code, result_code::operation_failed);
  EXPECT_EQ(out.code_msg, "already logged in");
  ASSERT_EQ(out.clients.size(), 2u);
  EXPECT_EQ(out.clients[0].id, "n1-4");
  EXPECT_EQ(out.clients[0].app_id, 101u);
  EXPECT_EQ(out.clients[0].user_id, "kim");
  EXPECT_EQ(out.clients[0].node, "n1");
  EXPECT_EQ(out.clients[0].remote, "127.0.0.1:5000");
  EXPECT_EQ(out.clients[1].id, "n1-9");
  EXPECT_EQ(out.clients[1].user_id, "");
  peer_request ignored;
  EXPECT_FALSE(request_from_wire(e, ignored));
}

}  // namespace
}  // namespace parley::cluster
