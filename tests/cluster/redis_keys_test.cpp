// redis_keys: key names and the shard hash, which must never change between builds (nodes
// of two versions share one Redis).
#include "cluster/redis_keys.hpp"

#include <gtest/gtest.h>

namespace parley::cluster {
namespace {

TEST(RedisKeys, NamesAreTypedAndDistinct) {
  EXPECT_EQ(keys::of(user_key{7, "alice"}), "parley:u:7:alice");
  EXPECT_EQ(keys::of(group_key{7, "alice"}), "parley:g:7:alice");
  EXPECT_EQ(keys::node("n1"), "parley:node:n1");
}

TEST(RedisKeys, ShardHashIsStableAndSpreads) {
  // FNV-1a, fixed values: a change would split a running cluster's directory.
  EXPECT_EQ(keys::shard_of("parley:u:1:alice", 1), 0u);
  EXPECT_EQ(keys::shard_of("", 7), 14695981039346656037ull % 7);
  size_t counts[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4000; ++i) ++counts[keys::shard_of(keys::of(user_key{1, "u" + std::to_string(i)}), 4)];
  for (auto c : counts) {
    EXPECT_GT(c, 800u);
    EXPECT_LT(c, 1200u);
  }
}

}  // namespace
}  // namespace parley::cluster
