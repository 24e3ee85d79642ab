// behaviour_registry: cmd name -> the actor that handles it.
//
// Built once by the node actor from a list of behaviour_spec (one per behaviour, see
// actors/behaviours/), then shared read-only by every connection and the HTTP API. Adding
// a behaviour is one more spec in the list; nothing else changes (docs/extending.md).
//
// The map is fixed after start; the actor behind each entry is not: the node, as the
// behaviours' supervisor, restarts a crashed behaviour and swaps the new actor into the
// entry's slot. Readers take the current actor with entry::handler() (a short lock).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/node/node_interface.hpp"
#include "actors/presence/presence_actor.hpp"
#include "actors/routing/remote.hpp"
#include "actors/stats/command_stats.hpp"
#include "actors/store/durable_store.hpp"

namespace parley {

struct node_config;
struct node_stats;
class user_directory;
class message_store;
class profile_store;
class membership_store;

// What a behaviour actor is given at spawn.
struct behaviour_context {
  node_handle node;
  std::shared_ptr<const node_config> config;
  node_stats* stats = nullptr;
  // Who is online and their sockets; written by the node only (actors/node/user_directory.hpp).
  std::shared_ptr<const user_directory> users;
  // The other nodes of a cluster; invalid for a node alone (actors/routing/remote.hpp).
  // Behaviours reach it through actors/routing/route.hpp, never directly.
  remote_actor remote;
  // What was said and what waits for offline users (actors/store/message_store.hpp); null
  // with `store: off`.
  std::shared_ptr<message_store> store;
  // Who is online per app and the batched presence pushes (actors/presence/presence_actor.hpp).
  presence_handle presence;
  // With store: redis, the durable store instead (actors/store/durable_store.hpp): every
  // send is stored there first, and `store` is null. Invalid otherwise.
  durable_store durable;
  // Display names and avatars on a node without store: redis (actors/profile/profile_store.hpp);
  // null with store: redis (`durable` keeps them).
  std::shared_ptr<profile_store> profiles;
  // The groups of each user past their last connection, likewise (actors/group/membership_store.hpp).
  std::shared_ptr<membership_store> memberships;
};

using behaviour_factory = std::function<caf::behavior(caf::event_based_actor*, behaviour_context)>;

struct behaviour_spec {
  std::string name;          // the cmd
  bool requires_login;       // answered with 1000 before login
  bool websocket;            // reachable from WebSocket clients (false: backend/HTTP only)
  behaviour_factory make;
};

// The current actor of one behaviour. Written by the node (restart), read by everyone.
class behaviour_slot {
 public:
  explicit behaviour_slot(caf::actor handler) : handler_(std::move(handler)) {}
  caf::actor get() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return handler_;
  }
  void set(caf::actor handler) {
    std::lock_guard<std::mutex> guard(mutex_);
    handler_ = std::move(handler);
  }

 private:
  mutable std::mutex mutex_;
  caf::actor handler_;
};

class behaviour_registry {
 public:
  struct entry {
    std::shared_ptr<behaviour_slot> slot;
    bool requires_login;
    bool websocket;
    // Its count, errors and latency (null while actor_stats_ms is 0).
    std::shared_ptr<command_stats> stats;
    // The actor handling this cmd now; invalid while it is down past its restart limit.
    caf::actor handler() const { return slot->get(); }
  };

  // Returns false if `name` is already registered (the first registration wins).
  bool add(const std::string& name, entry e);

  // The entry for `name`, or nullptr. O(1).
  const entry* find(const std::string& name) const;

  std::vector<std::string> names() const;
  // Every entry, in name order.
  std::vector<std::pair<std::string, const entry*>> entries() const;
  size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<std::string, entry> entries_;
};

}  // namespace parley
