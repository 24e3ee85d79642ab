// client_index: the node's open connections ("clients" of the management API), by conn id,
// and the logged-in ones by app and by user, so that an operator can list an app's clients in
// pages and find a user's. Owned by the node actor (not thread-safe); the node updates it at
// connect, login, logout (UnBindUid) and when a connection actor is down.
//
// Conn ids are "<node id>-<n>" with n counting up from 1 per start. A page after a cursor
// (a conn id from any node) holds this node's ids that come after it in client_id_less order
// (by node id, then by number), so that the pages of several nodes merge into one list.
#pragma once

#include <caf/all.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/messages.hpp"

namespace parley {

class client_index {
 public:
  struct entry {
    caf::actor handle;
    sink_ptr sink;  // closed with 1011 if the actor dies abnormally
    std::string remote;
    uint64_t seq = 0;
    uint32_t app_id = 0;  // 0 while anonymous
    std::string user_id;
  };

  explicit client_index(std::string node_id = {}) : node_id_(std::move(node_id)) {}

  // Adds connection number `seq`; returns its conn id.
  std::string add(uint64_t seq, caf::actor handle, sink_ptr sink, std::string remote);
  entry* find(const std::string& conn_id);
  // The connection is now logged in as (app, user) / anonymous again.
  void logged_in(entry& e, uint32_t app_id, std::string user_id);
  void logged_out(entry& e);
  void erase(const std::string& conn_id);

  client_info info(const entry& e) const;
  // The app's logged-in connections after `cursor` ("" from the start), at most `limit`.
  client_page page(uint32_t app_id, const std::string& cursor, uint32_t limit) const;
  // The user's connections here, in number order.
  client_page of_user(uint32_t app_id, const std::string& user_id) const;
  std::vector<entry*> entries_of_user(uint32_t app_id, const std::string& user_id);

  size_t size() const { return conns_.size(); }
  template <class F>
  void for_each(F f) const {
    for (const auto& [id, e] : conns_) f(id, e);
  }

 private:
  std::string id_of(uint64_t seq) const { return node_id_ + "-" + std::to_string(seq); }
  static std::string user_key_of(uint32_t app_id, const std::string& user_id) {
    return std::to_string(app_id) + '\0' + user_id;
  }

  std::string node_id_;
  std::unordered_map<std::string, entry> conns_;
  std::unordered_map<uint32_t, std::set<uint64_t>> by_app_;
  std::unordered_map<std::string, std::vector<uint64_t>> by_user_;
};

}  // namespace parley
