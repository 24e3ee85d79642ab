#include "actors/node/client_index.hpp"

#include <gtest/gtest.h>

#include "actors/routing/merge.hpp"

namespace parley {
namespace {

std::vector<std::string> ids(const client_page& p) {
  std::vector<std::string> out;
  for (const auto& c : p.clients) out.push_back(c.id);
  return out;
}

TEST(ClientIndex, ListsAnAppsLoggedInConnectionsInNumberOrderAcrossPages) {
  client_index index("n2");
  for (uint64_t seq = 1; seq <= 12; ++seq) index.add(seq, caf::actor{}, nullptr, "10.0.0.1:1");
  // 1..12 except 3 and 7 log in to app 5; 3 to app 6; 7 stays anonymous
  for (uint64_t seq = 1; seq <= 12; ++seq) {
    if (seq == 7) continue;
    auto* e = index.find("n2-" + std::to_string(seq));
    ASSERT_NE(e, nullptr);
    index.logged_in(*e, seq == 3 ? 6 : 5, "u" + std::to_string(seq % 4));
  }
  auto first = index.page(5, "", 4);
  EXPECT_EQ(ids(first), (std::vector<std::string>{"n2-1", "n2-2", "n2-4", "n2-5"}));
  EXPECT_EQ(first.total, 10u);
  EXPECT_EQ(first.next_cursor, "n2-5");
  auto second = index.page(5, first.next_cursor, 4);
  EXPECT_EQ(ids(second), (std::vector<std::string>{"n2-6", "n2-8", "n2-9", "n2-10"}));
  auto last = index.page(5, second.next_cursor, 4);
  EXPECT_EQ(ids(last), (std::vector<std::string>{"n2-11", "n2-12"}));
  EXPECT_EQ(last.next_cursor, "");
  EXPECT_EQ(last.clients[0].user_id, "u3");
  EXPECT_EQ(last.clients[0].node, "n2");
  EXPECT_EQ(last.clients[0].remote, "10.0.0.1:1");
  EXPECT_EQ(ids(index.page(6, "", 10)), (std::vector<std::string>{"n2-3"}));
}

TEST(ClientIndex, ACursorFromAnotherNodeStartsBeforeOrAfterAllOfThisNodesIds) {
  client_index index("n2");
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    auto id = index.add(seq, caf::actor{}, nullptr, "");
    index.logged_in(*index.find(id), 1, "a");
  }
  EXPECT_EQ(index.page(1, "n1-500", 10).clients.size(), 3u);  // n1 comes before n2
  EXPECT_EQ(index.page(1, "n3-1", 10).clients.size(), 0u);    // n3 after
  EXPECT_EQ(index.page(1, "n2-3", 10).clients.size(), 0u);
  EXPECT_EQ(ids(index.page(1, "n2-1", 10)), (std::vector<std::string>{"n2-2", "n2-3"}));
  // a malformed cursor naming this node is no crash, just no page
  EXPECT_EQ(index.page(1, "n2-x", 10).clients.size(), 0u);
}

TEST(ClientIndex, AUsersConnectionsFollowLoginLogoutAndClose) {
  client_index index("n1");
  auto a = index.add(1, caf::actor{}, nullptr, "");
  auto b = index.add(2, caf::actor{}, nullptr, "");
  index.logged_in(*index.find(a), 9, "kim");
  index.logged_in(*index.find(b), 9, "kim");
  EXPECT_EQ(ids(index.of_user(9, "kim")), (std::vector<std::string>{"n1-1", "n1-2"}));
  EXPECT_EQ(index.entries_of_user(9, "kim").size(), 2u);
  index.logged_out(*index.find(a));
  EXPECT_EQ(ids(index.of_user(9, "kim")), (std::vector<std::string>{"n1-2"}));
  EXPECT_EQ(index.find(a)->app_id, 0u);
  EXPECT_EQ(index.page(9, "", 10).total, 1u);
  index.erase(b);
  EXPECT_TRUE(index.of_user(9, "kim").clients.empty());
  EXPECT_EQ(index.page(9, "", 10).total, 0u);
  EXPECT_EQ(index.size(), 1u);
}

TEST(ClientIndex, PagesOfTwoNodesMergeByNodeThenNumber) {
  EXPECT_TRUE(routing::client_id_less("n1-9", "n1-10"));
  EXPECT_TRUE(routing::client_id_less("n1-10", "n2-1"));
  EXPECT_FALSE(routing::client_id_less("n2-1", "n1-10"));
  client_page a{{{"n1-2", 1, "x", "n1", ""}, {"n1-10", 1, "y", "n1", ""}}, 2, ""};
  client_page b{{{"n2-1", 1, "z", "n2", ""}}, 5, "n2-1"};
  auto merged = routing::merge_client_pages(a, b, 2);
  EXPECT_EQ(ids(merged), (std::vector<std::string>{"n1-2", "n1-10"}));
  EXPECT_EQ(merged.total, 7u);
  EXPECT_EQ(merged.next_cursor, "n1-10");
}

}  // namespace
}  // namespace parley
