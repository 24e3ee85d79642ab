#include "actors/store/message_store.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <thread>

namespace parley {
namespace {

protocol::chat_message text(const std::string& from, const std::string& to, const std::string& msg) {
  protocol::chat_message m;
  m.from = from;
  m.target = to;
  m.type = "text";
  m.msg = msg;
  m.msg_id = msg;
  return m;
}

// The texts a login of `user` is handed (kept messages, plus recovery with `since`).
std::vector<std::string> handed(message_store& store, const std::string& user, recovery* since = nullptr) {
  std::vector<std::string> got;
  store.hand_over(user, [&](std::vector<stored_ptr> out) {
    for (auto& m : out) got.push_back(m->message.msg);
  }, since);
  return got;
}

TEST(Conversation, APairIsTheSameEitherWayAndKeysDoNotCollide) {
  EXPECT_EQ(conversation::pair(1, "a", "b").key(), conversation::pair(1, "b", "a").key());
  EXPECT_NE(conversation::pair(1, "a:b", "c").key(), conversation::pair(1, "a", "b:c").key());
  EXPECT_NE(conversation::pair(1, "a", "b").key(), conversation::pair(2, "a", "b").key());
  EXPECT_NE(conversation::group(1, "g").key(), conversation::room(1).key());
}

TEST(MessageId, ParsesOnlyTheStreamIdShape) {
  auto id = message_id::parse("1700000000000-7");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->ms, 1700000000000u);
  EXPECT_EQ(id->seq, 7u);
  EXPECT_EQ(id->str(), "1700000000000-7");
  for (const char* bad : {"", "-", "1-", "-1", "1", "a-1", "1-b", "1--2", " 1-2", "1-2 ", "+1-2",
                          "99999999999999999999999-1"})
    EXPECT_FALSE(message_id::parse(bad)) << bad;
  EXPECT_TRUE(*message_id::parse("5-9") < *message_id::parse("5-10"));
  EXPECT_TRUE(*message_id::parse("5-10") < *message_id::parse("6-0"));
}

TEST(MessageStore, IdsIncreaseWithinAConversationAndThePushCarriesThem) {
  message_store store{store_limits{}};
  auto conv = conversation::pair(101, "alice", "bob");
  message_id last;
  for (int i = 0; i < 5000; ++i) {
    auto s = store.append(conv, text("alice", "bob", "m" + std::to_string(i)));
    if (i > 0) {
      EXPECT_TRUE(last < s->id) << last.str() << " then " << s->id.str();
    }
    last = s->id;
    if (i == 0) {
      auto push = nlohmann::json::parse(*s->frame);
      EXPECT_EQ(push["cmd"], "msg");
      EXPECT_EQ(push["response"]["data"]["id"], s->id.str());
      EXPECT_EQ(push["response"]["data"]["time"], static_cast<int64_t>(s->id.ms));
      EXPECT_EQ(push["response"]["data"]["msg"], "m0");
    }
  }
}

TEST(MessageStore, HistoryPagesNewestFirstCoverTheConversationExactlyOnce) {
  message_store store{store_limits{}};
  auto conv = conversation::group(101, "g");
  for (int i = 0; i < 537; ++i) store.append(conv, text("u", "g", std::to_string(i)));
  store.append(conversation::group(101, "other"), text("u", "other", "not here"));
  std::vector<std::string> seen;
  std::optional<message_id> before;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 100);
    auto page = store.history(conv, before, 50);
    for (auto& m : page.messages) seen.push_back(m->message.msg);
    if (!page.more) break;
    before = page.messages.back()->id;
  }
  ASSERT_EQ(seen.size(), 537u);
  for (int i = 0; i < 537; ++i) EXPECT_EQ(seen[i], std::to_string(536 - i));
  EXPECT_TRUE(store.history(conversation::group(101, "nobody"), std::nullopt, 10).messages.empty());
}

TEST(MessageStore, TheWindowKeepsTheNewestOfEachKind) {
  store_limits limits;
  limits.private_window = 10;
  limits.room_window = 3;
  message_store store{limits};
  auto pair = conversation::pair(1, "a", "b");
  auto room = conversation::room(1);
  for (int i = 0; i < 25; ++i) {
    store.append(pair, text("a", "b", std::to_string(i)));
    store.append(room, text("a", "", std::to_string(i)));
  }
  auto p = store.history(pair, std::nullopt, 100);
  ASSERT_EQ(p.messages.size(), 10u);
  EXPECT_EQ(p.messages.front()->message.msg, "24");
  EXPECT_EQ(p.messages.back()->message.msg, "15");
  EXPECT_FALSE(p.more);
  EXPECT_EQ(store.history(room, std::nullopt, 100).messages.size(), 3u);
  EXPECT_EQ(store.stats().messages, 13u);
}

TEST(MessageStore, TheByteBoundDropsTheOldestOfAllConversationsFirst) {
  store_limits limits;
  limits.max_bytes = 1u << 20;
  message_store store{limits};
  std::string big(1000, 'x');
  // Old messages in many conversations, then one busy conversation.
  for (int i = 0; i < 200; ++i) store.append(conversation::pair(1, "old", "u" + std::to_string(i)), text("old", "u", big));
  for (int i = 0; i < 2000; ++i) store.append(conversation::pair(1, "a", "b"), text("a", "b", big));
  auto f = store.stats();
  EXPECT_LE(f.bytes, limits.max_bytes);
  EXPECT_GT(f.evicted, 200u);
  // The old conversations went first and entirely.
  EXPECT_TRUE(store.history(conversation::pair(1, "old", "u0"), std::nullopt, 10).messages.empty());
  EXPECT_TRUE(store.history(conversation::pair(1, "old", "u199"), std::nullopt, 10).messages.empty());
  EXPECT_LE(f.conversations, 2u);
  auto newest = store.history(conversation::pair(1, "a", "b"), std::nullopt, 1);
  ASSERT_EQ(newest.messages.size(), 1u);
  EXPECT_TRUE(newest.more);
}

TEST(MessageStore, EraseTakesOneMessageBack) {
  message_store store{store_limits{}};
  auto conv = conversation::group(1, "g");
  auto a = store.append(conv, text("u", "g", "a"));
  auto b = store.append(conv, text("u", "g", "b"));
  EXPECT_TRUE(store.erase(conv, a->id));
  EXPECT_FALSE(store.erase(conv, a->id));
  auto page = store.history(conv, std::nullopt, 10);
  ASSERT_EQ(page.messages.size(), 1u);
  EXPECT_EQ(page.messages[0]->id, b->id);
}

TEST(MessageStore, KeptMessagesAreHandedOverOnceInOrder) {
  store_limits limits;
  limits.offline_per_user = 3;
  message_store store{limits};
  auto conv = conversation::pair(1, "a", "b");
  std::vector<stored_ptr> sent;
  for (int i = 0; i < 5; ++i) {
    sent.push_back(store.append(conv, text("a", "b", std::to_string(i))));
    EXPECT_EQ(store.deliver_or_keep("1/b", sent.back(), [] { return 0; }), message_store::outcome::kept);
  }
  EXPECT_EQ(store.deliver_or_keep("1/b", sent[0], [] { return 2; }), message_store::outcome::delivered);
  EXPECT_EQ(handed(store, "1/b"), (std::vector<std::string>{"2", "3", "4"}));  // the newest 3 of 5
  EXPECT_EQ(store.stats().kept_dropped, 2u);
  EXPECT_TRUE(handed(store, "1/b").empty());
  EXPECT_EQ(store.stats().kept, 0u);
}

TEST(MessageStore, PastOfflineMaxAMessageIsNotKept) {
  store_limits limits;
  limits.offline_max = 2;
  message_store store{limits};
  auto conv = conversation::pair(1, "a", "b");
  auto m = store.append(conv, text("a", "b", "x"));
  EXPECT_EQ(store.deliver_or_keep("1/b", m, [] { return 0; }), message_store::outcome::kept);
  EXPECT_EQ(store.deliver_or_keep("1/c", m, [] { return 0; }), message_store::outcome::kept);
  EXPECT_EQ(store.deliver_or_keep("1/d", m, [] { return 0; }), message_store::outcome::not_kept);
}

// A login (hand_over + becoming deliverable) racing a sender: every message is either
// delivered to the socket or handed over, never both, never neither, and in order.
TEST(MessageStore, ALoginRacingASenderLosesNothingAndDuplicatesNothing) {
  for (int round = 0; round < 20; ++round) {
    message_store store{store_limits{}};
    auto conv = conversation::pair(1, "a", "b");
    std::mutex socket_mutex;
    std::vector<std::string> socket;  // what the "socket" received, in order
    std::atomic<bool> online{false};
    std::thread sender([&] {
      for (int i = 0; i < 2000; ++i) {
        auto m = store.append(conv, text("a", "b", std::to_string(i)));
        store.deliver_or_keep("1/b", m, [&]() -> size_t {
          if (!online.load()) return 0;
          std::lock_guard<std::mutex> g(socket_mutex);
          socket.push_back(m->message.msg);
          return 1;
        });
      }
    });
    std::this_thread::sleep_for(std::chrono::microseconds(200 * (round % 5)));
    store.hand_over("1/b", [&](std::vector<stored_ptr> kept) {
      std::lock_guard<std::mutex> g(socket_mutex);
      for (auto& m : kept) socket.push_back(m->message.msg);
      online.store(true);
    });
    sender.join();
    ASSERT_EQ(socket.size(), 2000u) << "round " << round;
    for (int i = 0; i < 2000; ++i) ASSERT_EQ(socket[i], std::to_string(i)) << "round " << round;
  }
}


TEST(MessageStore, RecoveryBringsWhatFollowedOnceWithWhatWasKept) {
  message_store store{store_limits{}};
  auto ab = conversation::pair(1, "a", "b");
  auto cb = conversation::pair(1, "c", "b");
  std::vector<stored_ptr> sent;
  for (int i = 0; i < 6; ++i) sent.push_back(store.append(ab, text("a", "b", "ab" + std::to_string(i))));
  // b was online for ab0..ab3 (delivered), then offline: ab4, ab5 and c's message kept.
  for (int i = 4; i < 6; ++i) store.deliver_or_keep("1/b", sent[i], [] { return 0; });
  auto from_c = store.append(cb, text("c", "b", "cb0"));
  store.deliver_or_keep("1/b", from_c, [] { return 0; });
  recovery r;
  r.since.push_back({"u:a", ab, sent[1]->id});  // b's device saw ab0, ab1 only
  EXPECT_EQ(handed(store, "1/b", &r), (std::vector<std::string>{"cb0", "ab2", "ab3", "ab4", "ab5"}));
  EXPECT_TRUE(r.since[0].recovered);
  EXPECT_EQ(r.since[0].delivered, 4u);
}

TEST(MessageStore, RecoveryPastTheWindowSaysSoAndStillBringsWhatWasKept) {
  store_limits limits;
  limits.private_window = 3;
  message_store store{limits};
  auto ab = conversation::pair(1, "a", "b");
  std::vector<stored_ptr> sent;
  for (int i = 0; i < 8; ++i) {
    sent.push_back(store.append(ab, text("a", "b", std::to_string(i))));
    if (i >= 2) store.deliver_or_keep("1/b", sent.back(), [] { return 0; });
  }
  recovery r;
  r.since.push_back({"u:a", ab, sent[0]->id});
  // 1 is gone from both; 2..4 were kept though history dropped them; 5..7 from history.
  EXPECT_EQ(handed(store, "1/b", &r), (std::vector<std::string>{"2", "3", "4", "5", "6", "7"}));
  EXPECT_FALSE(r.since[0].recovered);
}


TEST(MessageStore, ReadStateNeverGoesBackCountsWhatOthersSaidAndFiltersHandOver) {
  message_store store{store_limits{}};
  auto ab = conversation::pair(1, "a", "b");
  std::vector<stored_ptr> sent;
  for (int i = 0; i < 5; ++i) sent.push_back(store.append(ab, text("a", "b", std::to_string(i))));
  store.append(ab, text("b", "a", "b's own"));
  EXPECT_FALSE(store.ack(conversation::pair(1, "a", "z"), "a", sent[0]->id));  // nothing there
  EXPECT_EQ(*store.ack(ab, "b", sent[2]->id), sent[2]->id);
  EXPECT_EQ(*store.ack(ab, "b", sent[1]->id), sent[2]->id);  // never back
  EXPECT_EQ(*store.ack(ab, "b", message_id{UINT64_MAX, 0}), store.history(ab, std::nullopt, 1).messages[0]->id);
  EXPECT_EQ(*store.ack(ab, "b", sent[2]->id), store.history(ab, std::nullopt, 1).messages[0]->id);
  auto fresh = conversation::pair(1, "a", "c");
  for (int i = 0; i < 3; ++i) store.append(fresh, text("a", "c", "x"));
  store.append(conversation::room(1), text("a", "", "room"));
  auto counts = store.unread(1, "a", {conversation::room(1)});
  // a: one unread from b; nothing in a-c (a wrote it all); nothing in the room (a wrote it)
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].conv.name_for("a"), "u:b");
  EXPECT_EQ(counts[0].count, 1u);
  auto c_counts = store.unread(1, "c", {conversation::room(1)});
  EXPECT_EQ(c_counts.size(), 2u);  // a-c: 3, the room: 1
  // What b read on one device is not handed to another.
  store.deliver_or_keep("1/b", sent[3], [] { return 0; });
  store.deliver_or_keep("1/b", sent[4], [] { return 0; });
  EXPECT_TRUE(handed(store, "1/b").empty());  // b acknowledged past both
}

}  // namespace
}  // namespace parley
