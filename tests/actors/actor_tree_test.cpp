// Actor-level tests: a real actor system and node actor, connections driven through
// recording sinks instead of sockets.
#include <gtest/gtest.h>

#include <atomic>

#include <caf/default_attachable.hpp>

#include "actors/behaviours/builtin.hpp"
#include "actors/group/group_actor.hpp"
#include "actors/node/node_actor.hpp"
#include "config/node_config.hpp"
#include "tests/support/recording_sink.hpp"
#include "tests/support/ws_client.hpp"  // eventually()

namespace parley {
namespace {

using test::recording_sink;
using json = nlohmann::json;

class ActorTree : public ::testing::Test {
 protected:
  ActorTree() {
    cfg_.set("scheduler.max-threads", size_t{2});
    cfg_.set("logger.verbosity", caf::atom("quiet"));
    system_ = std::make_unique<caf::actor_system>(cfg_);
    auto config = std::make_shared<node_config>();
    config->login_timeout = 1;
    config_ = settings_ = config;
    node_ = system_->spawn(node_actor, node_setup{config_, &stats_, behaviours::builtin_behaviours(), "t", {}, nullptr});
  }
  ~ActorTree() override {
    caf::anon_send_exit(node_, caf::exit_reason::user_shutdown);
    node_ = nullptr;
    system_.reset();
  }

  struct conn {
    std::shared_ptr<recording_sink> sink;
    caf::actor actor;
  };

  conn connect() {
    auto sink = std::make_shared<recording_sink>();
    caf::anon_send(node_, connect_atom::value, sink_ptr(sink), std::string("test"), uint32_t{0}, std::string());
    return {sink, sink->wait_attached()};
  }

  json call(conn& c, const std::string& cmd, json data = json::object()) {
    auto seq = std::to_string(++seq_);
    caf::anon_send(c.actor, frame_atom::value, json{{"seq", seq}, {"cmd", cmd}, {"data", data}}.dump());
    std::deque<json> skipped;  // pushes that arrive before the response stay readable
    for (;;) {
      auto f = c.sink->next();
      if (!f || f->value("seq", "") == seq) {
        c.sink->put_back(std::move(skipped));
        return f ? *f : json();
      }
      skipped.push_back(*f);
    }
  }

  void disconnect(conn& c) { caf::anon_send(c.actor, closed_atom::value, uint8_t{0}); }

  int64_t live(actor_kind k) { return stats_.live(k).load(); }

  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> system_;
  std::shared_ptr<const node_config> config_;
  std::shared_ptr<node_config> settings_;  // the same config, for a test to change before connecting
  node_stats stats_;
  node_handle node_;
  int seq_ = 0;
};

int code(const json& response) { return response["response"]["code"].get<int>(); }

TEST_F(ActorTree, UserWithTwoConnectionsGetsEveryMessageOnBoth) {
  auto tab1 = connect(), tab2 = connect(), sender = connect();
  EXPECT_EQ(code(call(tab1, "login", {{"appID", 101}, {"userID", "alice"}})), 200);
  EXPECT_EQ(code(call(tab2, "login", {{"appID", 101}, {"userID", "alice"}})), 200);
  EXPECT_EQ(code(call(sender, "login", {{"appID", 101}, {"userID", "bob"}})), 200);
  EXPECT_TRUE(test::eventually([&] { return live(actor_kind::user) == 2; }));  // gauges rise when an actor first runs
  for (int i = 0; i < 3; ++i) {
    auto r = call(sender, "sendMessage", {{"userID", "alice"}, {"msg", "m" + std::to_string(i)}, {"msgID", "id" + std::to_string(i)}});
    EXPECT_EQ(r["response"]["data"]["delivered"], true);
  }
  for (auto* tab : {&tab1, &tab2})
    for (int i = 0; i < 3; ++i) {
      auto push = tab->sink->next_cmd("msg");
      ASSERT_TRUE(push);
      EXPECT_EQ((*push)["response"]["data"]["msg"], "m" + std::to_string(i));  // in order
    }
}

TEST_F(ActorTree, GroupFanOutReachesEveryMemberAndOnlyMembers) {
  std::vector<conn> members;
  for (int i = 0; i < 5; ++i) {
    members.push_back(connect());
    call(members.back(), "login", {{"appID", 101}, {"userID", "u" + std::to_string(i)}});
    EXPECT_EQ(code(call(members.back(), "join", {{"group", "room"}})), 200);
  }
  auto outsider = connect();
  call(outsider, "login", {{"appID", 101}, {"userID", "out"}});
  EXPECT_EQ(code(call(outsider, "sendGroup", {{"group", "room"}, {"msg", "x"}})), 1003);
  auto r = call(members[0], "sendGroup", {{"group", "room"}, {"msg", "hello"}, {"msgID", "g1"}});
  EXPECT_EQ(r["response"]["data"]["recipients"], 5);
  for (auto& m : members) {
    auto push = m.sink->next_cmd("msg");
    ASSERT_TRUE(push);
    EXPECT_EQ((*push)["response"]["data"]["target"], "room");
  }
  // Marker: the outsider's own message arrives after anything the group send queued for it.
  call(outsider, "sendMessage", {{"userID", "out"}, {"msg", "marker"}, {"msgID", "mk"}});
  auto first = outsider.sink->next_cmd("msg");
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)["response"]["data"]["msgID"], "mk") << "the outsider got the group message";
}

TEST_F(ActorTree, DisconnectRemovesMemberAndEmptyActorsStop) {
  auto a = connect(), b = connect();
  call(a, "login", {{"appID", 101}, {"userID", "alice"}});
  call(b, "login", {{"appID", 101}, {"userID", "bob"}});
  call(a, "join", {{"group", "g"}});
  call(b, "join", {{"group", "g"}});
  EXPECT_TRUE(test::eventually([&] { return live(actor_kind::group) == 1; }));
  disconnect(b);
  ASSERT_TRUE(a.sink->next_cmd("exit"));
  // The group learns of bob's departure from the down_msg of his user actor.
  EXPECT_TRUE(test::eventually([&] {
    return call(a, "sendGroup", {{"group", "g"}, {"msg", "anyone?"}})["response"]["data"]["recipients"] == 1;
  }));
  disconnect(a);
  EXPECT_TRUE(test::eventually([&] {
    return live(actor_kind::connection) == 0 && live(actor_kind::user) == 0 && live(actor_kind::group) == 0;
  }));
}

TEST_F(ActorTree, LeaveEmptiesTheGroupAndItStops) {
  auto a = connect();
  call(a, "login", {{"appID", 101}, {"userID", "alice"}});
  call(a, "join", {{"group", "g"}});
  EXPECT_EQ(call(a, "leave", {{"group", "g"}})["response"]["data"]["left"], true);
  EXPECT_TRUE(test::eventually([&] { return live(actor_kind::group) == 0; }));
  EXPECT_EQ(code(call(a, "sendGroup", {{"group", "g"}, {"msg", "x"}})), 1003);
  EXPECT_EQ(code(call(a, "join", {{"group", "g"}})), 200);  // a new group actor
  EXPECT_TRUE(test::eventually([&] { return live(actor_kind::group) == 1; }));
}

TEST_F(ActorTree, RapidReloginNeverLosesTheUser) {
  // A user whose connections come and go quickly must stay reachable: exercises the
  // idle/retire handshake between user actors and the node.
  for (int round = 0; round < 50; ++round) {
    auto c = connect();
    ASSERT_EQ(code(call(c, "login", {{"appID", 101}, {"userID", "flaky"}})), 200);
    auto keep = connect();
    ASSERT_EQ(code(call(keep, "login", {{"appID", 101}, {"userID", "flaky"}})), 200);
    disconnect(c);
    auto probe = connect();
    call(probe, "login", {{"appID", 101}, {"userID", "probe"}});
    auto r = call(probe, "sendMessage", {{"userID", "flaky"}, {"msg", "still there?"}});
    ASSERT_EQ(r["response"]["data"]["delivered"], true) << "round " << round;
    ASSERT_TRUE(keep.sink->next_cmd("msg"));
    disconnect(keep);
    disconnect(probe);
  }
  EXPECT_TRUE(test::eventually([&] { return live(actor_kind::user) == 0 && live(actor_kind::connection) == 0; }));
}

TEST_F(ActorTree, GroupKeepsAUserWhoseActorWasReplaced) {
  // A quick reconnect can give a user a new user actor while the group still holds the old
  // one. The new join must replace the handle (actor and sockets), so the old actor's death
  // does not remove the user and sends reach the new sockets only. Stand-in user actors do
  // nothing; each has its own user_sinks with one recording socket.
  auto stand_in = [](caf::event_based_actor*) { return caf::behavior{[](shutdown_atom) {}}; };
  struct member {
    caf::actor actor;
    std::shared_ptr<recording_sink> socket = std::make_shared<recording_sink>();
    user_sinks_ptr sinks = std::make_shared<user_sinks>();
  };
  member old_user{system_->spawn(stand_in)}, new_user{system_->spawn(stand_in)};
  old_user.sinks->add(old_user.socket);
  new_user.sinks->add(new_user.socket);
  caf::scoped_actor self{*system_};
  // The group reports to its node (here: this test) after every membership change.
  auto group = system_->spawn(group_actor, group_setup{101, "g", "101/g",
                                                       caf::actor_cast<node_handle>(self), &stats_});
  auto join = [&](const member& m) {
    bool added = false;
    self->request(group, caf::infinite, join_atom::value, std::string("alice"), m.actor, m.sinks)
        .receive([&](const membership_result& r) { added = r.changed; }, [](caf::error&) {});
    return added;
  };
  auto send = [&](int n) {
    group_send_result sent;
    self->request(group, caf::infinite, send_group_atom::value, std::string("bob"), false,
                  std::make_shared<const std::string>(json{{"n", n}}.dump()))
        .receive([&](group_send_result& r) { sent = r; }, [](caf::error&) {});
    return sent.recipients;
  };
  EXPECT_TRUE(join(old_user));
  EXPECT_FALSE(join(new_user));  // alice was a member already: a new handle, not a new member
  EXPECT_EQ(send(1), 1u);
  // One size report, from the first join: the new handle replaced the old one, and the
  // group stopped watching the old actor then (no down_msg will come from it).
  self->receive([](group_size_atom, const std::string&, uint32_t members) { EXPECT_EQ(members, 1u); },
                caf::after(std::chrono::seconds(5)) >> [] { ADD_FAILURE() << "no size report"; });
  self->monitor(old_user.actor);
  self->send_exit(old_user.actor, caf::exit_reason::user_shutdown);
  self->receive([](caf::down_msg&) {},
                caf::after(std::chrono::seconds(5)) >> [] { ADD_FAILURE() << "old actor still up"; });
  for (int n = 2; n < 50; ++n)
    ASSERT_EQ(send(n), 1u) << "alice left the group with her old actor";
  for (int n = 1; n < 50; ++n) {
    auto f = new_user.socket->next();
    ASSERT_TRUE(f);
    EXPECT_EQ((*f)["n"], n);
  }
  EXPECT_FALSE(old_user.socket->next(std::chrono::milliseconds(0)));  // sends deliver in the group's turn, before it replies
  self->send_exit(group, caf::exit_reason::user_shutdown);
  self->send_exit(new_user.actor, caf::exit_reason::user_shutdown);
}

TEST_F(ActorTree, ClosedConnectionsLeaveNoDeadlineEntries) {
  // A deadline entry holds a weak reference, which keeps a dead connection's memory until it
  // is dropped: every connection that quits must take its entry with it at once.
  // No anonymous connection may time out while 200 connect (a loaded sanitizer run took over
  // the fixture's 1 s).
  settings_->login_timeout = 60;
  std::vector<conn> conns;
  for (int i = 0; i < 200; ++i) {
    conns.push_back(connect());
    if (i % 2) call(conns.back(), "login", {{"appID", 101}, {"userID", "w" + std::to_string(i)}});
  }
  caf::scoped_actor self{*system_};
  auto entries = [&] {
    uint64_t n = 0;
    self->request(node_, caf::infinite, size_atom::value).receive([&](uint64_t x) { n = x; }, [](caf::error&) {});
    return n;
  };
  EXPECT_TRUE(test::eventually([&] { return entries() == 200; })) << entries();
  for (auto& c : conns) disconnect(c);
  EXPECT_TRUE(test::eventually([&] { return live(actor_kind::connection) == 0; }));
  EXPECT_TRUE(test::eventually([&] { return entries() == 0; })) << entries() << " entries left";
}

// How many monitors `observer` holds on `observed`, read from CAF itself: each detach()
// removes one matching attachable (and is undone by nothing: call at the end of a test).
size_t monitors_on(const caf::actor& observed, const caf::actor& observer) {
  caf::default_attachable::observe_token tk{observer.address(), caf::default_attachable::monitor};
  caf::attachable::token token{caf::default_attachable::observe_token::token_type, &tk};
  auto* target = caf::actor_cast<caf::abstract_actor*>(observed);
  size_t n = 0;
  while (target->detach(token) > 0) ++n;
  return n;
}

TEST_F(ActorTree, JoinLeaveCyclesLeaveOneMonitor) {
  auto stand_in = [](caf::event_based_actor*) { return caf::behavior{[](shutdown_atom) {}}; };
  auto sinks = std::make_shared<user_sinks>();
  caf::scoped_actor self{*system_};
  auto group = system_->spawn(group_actor, group_setup{101, "g", "101/g",
                                                       caf::actor_cast<node_handle>(self), &stats_});
  auto keeper = system_->spawn(stand_in), user = system_->spawn(stand_in);
  caf::anon_send(group, join_atom::value, std::string("keeper"), keeper, sinks);  // never empty
  for (int i = 0; i < 10000; ++i) {
    caf::anon_send(group, join_atom::value, std::string("alice"), user, sinks);
    caf::anon_send(group, leave_atom::value, std::string("alice"));
  }
  membership_result last;
  self->request(group, caf::infinite, join_atom::value, std::string("alice"), user, sinks)
      .receive([&](membership_result& r) { last = r; }, [](caf::error&) {});
  EXPECT_TRUE(last.changed);
  EXPECT_EQ(monitors_on(user, group), 1u);
  EXPECT_EQ(monitors_on(keeper, group), 1u);
  for (auto& a : {group, keeper, user}) self->send_exit(a, caf::exit_reason::user_shutdown);
}

TEST_F(ActorTree, ABigGroupWhoseMembersAllDisconnectEndsEmptyAndRetired) {
  // 20,000 members leave at once (their user actors die): the group finds each by address,
  // ends empty and the node retires it.
  auto stand_in = [](caf::event_based_actor*) { return caf::behavior{[](shutdown_atom) {}}; };
  auto sinks = std::make_shared<user_sinks>();
  std::vector<caf::actor> users;
  for (int i = 0; i < 20000; ++i) {
    users.push_back(system_->spawn(stand_in));
    caf::anon_send(node_, join_atom::value, uint32_t{101}, std::string("big"),
                   "u" + std::to_string(i), users.back(), sinks);
  }
  caf::scoped_actor self{*system_};
  auto members = [&] {
    size_t n = 0;
    self->request(node_, caf::infinite, members_atom::value, uint32_t{101}, std::string("big"))
        .receive([&](std::vector<std::string>& ids) { n = ids.size(); }, [](caf::error&) {});
    return n;
  };
  ASSERT_TRUE(test::eventually([&] { return members() == 20000; }, std::chrono::seconds(30)));
  EXPECT_EQ(live(actor_kind::group), 1);
  for (auto& u : users) self->send_exit(u, caf::exit_reason::user_shutdown);
  EXPECT_TRUE(test::eventually([&] { return live(actor_kind::group) == 0; }, std::chrono::seconds(30)));
  EXPECT_EQ(members(), 0u);
}

TEST_F(ActorTree, GroupsPerUserAndPerAppAreCapped) {
  auto node_config_with_caps = std::make_shared<node_config>();
  node_config_with_caps->max_groups_per_user = 3;
  node_config_with_caps->max_groups_per_app = 4;
  auto node = system_->spawn(node_actor, node_setup{node_config_with_caps, &stats_,
                                                    behaviours::builtin_behaviours(), "caps", {}, nullptr});
  auto connect_to = [&](const auto& n) {
    auto sink = std::make_shared<recording_sink>();
    caf::anon_send(n, connect_atom::value, sink_ptr(sink), std::string("test"), uint32_t{0}, std::string());
    return conn{sink, sink->wait_attached()};
  };
  auto a = connect_to(node), b = connect_to(node);
  call(a, "login", {{"appID", 101}, {"userID", "alice"}});
  call(b, "login", {{"appID", 101}, {"userID", "bob"}});
  for (auto g : {"g1", "g2", "g3"}) EXPECT_EQ(code(call(a, "join", {{"group", g}})), 200);
  EXPECT_EQ(call(a, "join", {{"group", "g1"}})["response"]["data"]["joined"], false);  // already in
  auto over = call(a, "join", {{"group", "g4"}});
  EXPECT_EQ(code(over), 1006) << over.dump();
  EXPECT_EQ(code(call(b, "join", {{"group", "g4"}})), 200);  // the app's 4th group
  auto app_full = call(b, "join", {{"group", "g5"}});
  EXPECT_EQ(code(app_full), 1006) << app_full.dump();
  EXPECT_EQ(code(call(b, "join", {{"group", "g1"}})), 200);  // an existing group is fine
  EXPECT_EQ(call(a, "leave", {{"group", "g9"}})["response"]["data"]["left"], false);
  EXPECT_EQ(call(a, "leave", {{"group", "g2"}})["response"]["data"]["left"], true);
  EXPECT_EQ(code(call(a, "join", {{"group", "g4"}})), 200);  // room again after a leave
  disconnect(a);
  disconnect(b);
  caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
}

TEST_F(ActorTree, LoginTimeoutClosesAnonymousConnection) {
  auto c = connect();  // login_timeout is 1 s in this fixture
  EXPECT_EQ(c.sink->wait_closed(std::chrono::seconds(5)), close_reason::timeout);
}

TEST_F(ActorTree, PipelinedCommandsRunInOrder) {
  auto c = connect();
  for (auto& f : {json{{"seq", "1"}, {"cmd", "login"}, {"data", {{"appID", 101}, {"userID", "pipe"}}}},
                  json{{"seq", "2"}, {"cmd", "join"}, {"data", {{"group", "p"}}}},
                  json{{"seq", "3"}, {"cmd", "sendGroup"}, {"data", {{"group", "p"}, {"msg", "x"}}}}})
    caf::anon_send(c.actor, frame_atom::value, f.dump());
  std::vector<int> codes;
  while (codes.size() < 3) {
    auto f = c.sink->next();
    ASSERT_TRUE(f);
    if (f->value("cmd", "") != "msg") codes.push_back(code(*f));
  }
  EXPECT_EQ(codes, (std::vector<int>{200, 200, 200}));
}

}  // namespace
}  // namespace parley
