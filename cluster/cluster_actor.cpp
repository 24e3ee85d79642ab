#include "cluster/cluster_actor.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "actors/routing/merge.hpp"
#include "cluster/peer/peer_link.hpp"
#include "cluster/redis/value_message.hpp"
#include "cluster/redis_keys.hpp"
#include "config/logging.hpp"
#include "config/node_config.hpp"

namespace parley::cluster {
namespace {

using clock = std::chrono::steady_clock;
using redis::value;

// redis client -> cluster actor: (redis_reply_atom, call id, value)
using redis_reply_atom = caf::atom_constant<caf::atom("redisRep")>;
// redis client -> cluster actor: (redis_state_atom, shard, up)
using redis_state_atom = caf::atom_constant<caf::atom("redisUp")>;
// subscriber -> cluster actor: (invalidate_atom, payload)   "" = flush everything
using invalidate_atom = caf::atom_constant<caf::atom("inval")>;
// timers: (refresh_atom) registry; (renew_atom) directory entries
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
using renew_atom = caf::atom_constant<caf::atom("renew")>;

using impl_actor = remote_actor::extend<
    caf::reacts_to<redis_reply_atom, uint64_t, value>,
    caf::reacts_to<redis_state_atom, uint32_t, bool>,
    caf::reacts_to<invalidate_atom, std::string>,
    caf::reacts_to<refresh_atom>,
    caf::reacts_to<renew_atom>>;

struct live_node {
  std::string incarnation;
  node_summary summary;
  peer_link_actor link;
};

// node id -> incarnation, as read from a directory hash
using holders = std::vector<std::pair<std::string, std::string>>;

struct cached {
  holders nodes;
  clock::time_point expires;
};

struct cluster_state {
  cluster_setup setup;
  std::vector<bool> shard_up;
  std::unordered_map<std::string, live_node> nodes;  // live, this one excluded
  std::unordered_map<user_key, uint32_t> users;      // published here
  std::unordered_map<group_key, uint32_t> groups;
  std::unordered_map<std::string, cached> cache;     // directory key -> holders
  // directory key -> what waits for its lookup in flight, in arrival order
  std::unordered_map<std::string, std::vector<std::function<void(const holders*)>>> lookups;
  std::unordered_map<uint64_t, std::function<void(value&)>> calls;
  uint64_t next_call = 0;
  static inline const char* name = "parley.cluster";
};

using self_ptr = impl_actor::stateful_pointer<cluster_state>;

const node_config& cfg(self_ptr self) { return *self->state.setup.config; }

size_t shard_for(self_ptr self, const std::string& key) {
  return keys::shard_of(key, self->state.setup.shards.size());
}

// Runs a Redis command on `shard`; `then` runs in this actor with the reply.
void call(self_ptr self, size_t shard, std::vector<std::string> args,
          std::function<void(value&)> then = {}) {
  auto& st = self->state;
  st.setup.stats->redis_commands_total.fetch_add(1, std::memory_order_relaxed);
  if (!then) {
    st.setup.shards[shard]->command(std::move(args), [](value) {});
    return;
  }
  auto id = ++st.next_call;
  st.calls.emplace(id, std::move(then));
  auto me = caf::actor_cast<caf::actor>(self);
  st.setup.shards[shard]->command(std::move(args), [me, id](value v) {
    caf::anon_send(me, redis_reply_atom::value, id, std::move(v));
  });
}

bool all_up(self_ptr self) {
  const auto& up = self->state.shard_up;
  return std::all_of(up.begin(), up.end(), [](bool b) { return b; });
}

// --- registry ----------------------------------------------------------------------------

std::string registry_entry(self_ptr self) {
  auto& st = self->state;
  auto s = st.setup.summary();
  return nlohmann::json{{"node", st.setup.node},
                        {"incarnation", st.setup.incarnation},
                        {"grpc", st.setup.grpc_address},
                        {"address", s.address},
                        {"started_ms", st.setup.started_ms},
                        {"connections", s.connections},
                        {"users", s.users},
                        {"stats", s.stats}}
      .dump();
}

void stop_link(live_node& n) {
  if (n.link) caf::anon_send_exit(n.link, caf::exit_reason::user_shutdown);
}

void apply_registry(self_ptr self, const std::vector<std::string>& ids, const value& entries) {
  auto& st = self->state;
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < ids.size() && i < entries.elements.size(); ++i) {
    const auto& e = entries.elements[i];
    if (ids[i] == st.setup.node) continue;
    if (e.type != value::kind::string) {  // expired: dead
      call(self, 0, {"SREM", keys::nodes, ids[i]});
      continue;
    }
    auto j = nlohmann::json::parse(e.str, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    seen.insert(ids[i]);
    auto incarnation = j.value("incarnation", std::string());
    auto grpc = j.value("grpc", std::string());
    auto it = st.nodes.find(ids[i]);
    if (it != st.nodes.end() && (it->second.incarnation != incarnation ||
                                 it->second.summary.grpc != grpc)) {
      log::cluster()->info("node {} restarted (incarnation {})", ids[i], incarnation);
      stop_link(it->second);
      st.nodes.erase(it);
      it = st.nodes.end();
    }
    if (it == st.nodes.end()) {
      log::cluster()->info("node {} joined at {}", ids[i], grpc);
      live_node n;
      n.incarnation = incarnation;
      n.link = spawn_peer_link(self->system(),
                               peer_link_setup{st.setup.node, ids[i], grpc, cfg(self).cluster_secret,
                                               cfg(self).peer_queue_bytes, cfg(self).peer_timeout_ms,
                                               st.setup.stats});
      it = st.nodes.emplace(ids[i], std::move(n)).first;
    }
    auto& s = it->second.summary;
    s.node = ids[i];
    s.grpc = grpc;
    s.address = j.value("address", std::string());
    s.started_ms = j.value("started_ms", int64_t{0});
    s.connections = j.value("connections", 0u);
    s.users = j.value("users", 0u);
    s.stats = j.contains("stats") ? j["stats"] : nlohmann::json::object();
  }
  for (auto it = st.nodes.begin(); it != st.nodes.end();) {
    if (seen.count(it->first)) {
      ++it;
      continue;
    }
    log::cluster()->warn("node {} left the registry (expired or stopped): its entries are ignored",
                         it->first);
    stop_link(it->second);
    it = st.nodes.erase(it);
  }
  st.setup.stats->live_nodes.store(static_cast<uint32_t>(st.nodes.size() + 1));
}

void read_registry(self_ptr self) {
  call(self, 0, {"SMEMBERS", keys::nodes}, [=](value& members) {
    if (members.type != value::kind::array) return;
    std::vector<std::string> ids;
    std::vector<std::string> mget{"MGET"};
    for (auto& m : members.elements) {
      ids.push_back(m.str);
      mget.push_back(keys::node(m.str));
    }
    if (ids.empty()) return;
    call(self, 0, std::move(mget), [=](value& entries) {
      if (entries.type == value::kind::array) apply_registry(self, ids, entries);
    });
  });
}

void write_registry(self_ptr self) {
  auto& st = self->state;
  call(self, 0, {"SET", keys::node(st.setup.node), registry_entry(self), "PX",
                 std::to_string(cfg(self).node_ttl_ms)});
  call(self, 0, {"SADD", keys::nodes, st.setup.node});
}

// --- directory ---------------------------------------------------------------------------

void write_entry(self_ptr self, const std::string& key, std::function<void(value&)> then = {}) {
  auto& st = self->state;
  auto shard = shard_for(self, key);
  call(self, shard, {"HSET", key, st.setup.node, st.setup.incarnation});
  call(self, shard, {"PEXPIRE", key, std::to_string(cfg(self).directory_ttl_ms)}, std::move(then));
}

void changed(self_ptr self, const std::string& key) {
  call(self, shard_for(self, key), {"PUBLISH", keys::invalidations, key});
}

template <class Key>
void republish_all(self_ptr self, const std::unordered_map<Key, uint32_t>& map, size_t shard,
                   bool announce) {
  for (const auto& [k, n] : map) {
    auto key = keys::of(k);
    if (shard_for(self, key) != shard) continue;
    write_entry(self, key);
    if (announce) changed(self, key);
    self->state.setup.stats->directory_republished_total.fetch_add(1, std::memory_order_relaxed);
  }
}

// Reads the holders of `key` from Redis (and caches them); `then(nullptr)` when Redis cannot
// say.
void read_holders(self_ptr self, const std::string& key, std::function<void(const holders*)> then) {
  self->state.setup.stats->cache_misses_total.fetch_add(1, std::memory_order_relaxed);
  call(self, shard_for(self, key), {"HGETALL", key}, [=](value& v) {
    holders found;
    bool ok = v.type == value::kind::array;
    if (ok)
      for (size_t i = 0; i + 1 < v.elements.size(); i += 2)
        found.emplace_back(v.elements[i].str, v.elements[i + 1].str);
    if (ok && cfg(self).directory_cache_ms > 0)
      self->state.cache[key] =
          cached{found, clock::now() + std::chrono::milliseconds(cfg(self).directory_cache_ms)};
    then(ok ? &found : nullptr);
  });
}

// Holders of `key`, from the cache or Redis; `then(nullptr)` when Redis cannot say. Lookups
// of one key in flight share one read and are answered in arrival order.
void lookup(self_ptr self, const std::string& key, std::function<void(const holders*)> then) {
  auto& st = self->state;
  auto now = clock::now();
  auto c = st.cache.find(key);
  if (c != st.cache.end() && c->second.expires > now && !st.lookups.count(key)) {
    st.setup.stats->cache_hits_total.fetch_add(1, std::memory_order_relaxed);
    then(&c->second.nodes);
    return;
  }
  auto& waiting = st.lookups[key];
  waiting.push_back(std::move(then));
  if (waiting.size() > 1) return;  // a lookup is on its way; wait behind it
  read_holders(self, key, [=](const holders* h) {
    auto it = self->state.lookups.find(key);
    if (it == self->state.lookups.end()) return;
    auto fns = std::move(it->second);
    self->state.lookups.erase(it);
    for (auto& fn : fns) fn(h);
  });
}

// The live peers among `h` (this node and dead or restarted nodes left out).
std::vector<live_node*> live_among(self_ptr self, const holders& h) {
  std::vector<live_node*> out;
  for (const auto& [node, incarnation] : h) {
    auto it = self->state.nodes.find(node);
    if (it != self->state.nodes.end() && it->second.incarnation == incarnation)
      out.push_back(&it->second);
  }
  return out;
}

std::vector<live_node*> all_peers(self_ptr self) {
  std::vector<live_node*> out;
  for (auto& [id, n] : self->state.nodes) out.push_back(&n);
  return out;
}

// Asks each of `targets` `r` and calls done(answers) when all have answered (or failed).
void ask_all(self_ptr self, const std::vector<live_node*>& targets, const peer_request& r,
             std::function<void(std::vector<peer_answer>&)> done) {
  if (targets.empty()) {
    std::vector<peer_answer> none;
    done(none);
    return;
  }
  struct gather {
    std::vector<peer_answer> answers;
    size_t left;
    std::function<void(std::vector<peer_answer>&)> done;
  };
  auto g = std::make_shared<gather>(gather{{}, targets.size(), std::move(done)});
  // No request timeout here: the link answers within peer_timeout_ms itself, and fails what
  // waits when it is stopped (a CAF request timeout costs a clock-thread wakeup per request).
  for (auto* n : targets) {
    self->request(n->link, caf::infinite, r)
        .then([g](peer_answer& a) {
                g->answers.push_back(std::move(a));
                if (--g->left == 0) g->done(g->answers);
              },
              [g](caf::error&) {
                g->answers.push_back(peer_answer::failed());
                if (--g->left == 0) g->done(g->answers);
              });
  }
}

// Asks each of `targets` `r` and delivers the ids of their answers merged in id order.
void gather_ids(self_ptr self, const std::vector<live_node*>& targets, const peer_request& r,
                caf::typed_response_promise<std::vector<std::string>> rp) {
  ask_all(self, targets, r, [=](std::vector<peer_answer>& answers) mutable {
    std::vector<std::string> ids;
    for (auto& a : answers)
      if (a.ok) ids = routing::merge_ids(std::move(ids), std::move(a.ids));
    rp.deliver(std::move(ids));
  });
}

route_result summed(const std::vector<peer_answer>& answers) {
  route_result r;
  for (const auto& a : answers) {
    if (a.ok)
      r.reached += a.count;
    else
      ++r.failed;
  }
  return r;
}

template <class Key>
void route_to_holders(self_ptr self, const Key& k, peer_request r,
                      caf::typed_response_promise<route_result> rp) {
  lookup(self, keys::of(k), [=](const holders* h) mutable {
    if (!h) {
      route_result degraded;
      degraded.degraded = true;
      rp.deliver(degraded);
      return;
    }
    ask_all(self, live_among(self, *h), r,
            [=](std::vector<peer_answer>& answers) mutable { rp.deliver(summed(answers)); });
  });
}

// This node (if it published `k`) and the live peers holding it.
template <class Key>
caf::result<node_set> locate(self_ptr self, const std::unordered_map<Key, uint32_t>& here,
                             const Key& k) {
  auto rp = self->make_response_promise<node_set>();
  bool mine = here.count(k) > 0;
  lookup(self, keys::of(k), [=](const holders* h) mutable {
    node_set out;
    if (mine) out.push_back(node_id{self->state.setup.node});
    if (h)
      for (auto* n : live_among(self, *h)) out.push_back(node_id{n->summary.node});
    rp.deliver(out);
  });
  return rp;
}

template <class Key>
bool publish(self_ptr self, std::unordered_map<Key, uint32_t>& map, const Key& k,
             caf::typed_response_promise<bool>* rp) {
  if (++map[k] > 1) return true;
  auto key = keys::of(k);
  if (!self->state.shard_up[shard_for(self, key)]) return true;  // written when it returns
  if (rp)
    write_entry(self, key, [rp = *rp](value& v) mutable { rp.deliver(!v.failed()); });
  else
    write_entry(self, key);
  changed(self, key);
  return false;
}

template <class Key>
void retract(self_ptr self, std::unordered_map<Key, uint32_t>& map, const Key& k) {
  auto it = map.find(k);
  if (it == map.end() || --it->second > 0) return;
  map.erase(it);
  auto key = keys::of(k);
  auto shard = shard_for(self, key);
  if (!self->state.shard_up[shard]) return;
  call(self, shard, {"HDEL", key, self->state.setup.node});
  changed(self, key);
}

void renew_all(self_ptr self) {
  auto& st = self->state;
  for (size_t shard = 0; shard < st.setup.shards.size(); ++shard) {
    if (!st.shard_up[shard]) continue;
    for (const auto& [k, n] : st.users) {
      auto key = keys::of(k);
      if (shard_for(self, key) == shard) write_entry(self, key);
    }
    for (const auto& [k, n] : st.groups) {
      auto key = keys::of(k);
      if (shard_for(self, key) == shard) write_entry(self, key);
    }
  }
}

impl_actor::behavior_type cluster_actor(self_ptr self, cluster_setup setup) {
  auto& st = self->state;
  st.setup = std::move(setup);
  st.shard_up.assign(st.setup.shards.size(), false);
  st.setup.stats->redis_shards.store(static_cast<uint32_t>(st.setup.shards.size()));
  st.setup.stats->live_nodes.store(1);
  auto me = caf::actor_cast<caf::actor>(self);
  for (uint32_t i = 0; i < st.setup.shards.size(); ++i) {
    auto& shard = st.setup.shards[i];
    shard->subscribe(keys::invalidations, [me](const std::string& channel, const std::string& payload) {
      caf::anon_send(me, invalidate_atom::value, channel.empty() ? std::string() : payload);
    });
    shard->start([me, i](bool up) { caf::anon_send(me, redis_state_atom::value, i, up); });
  }
  self->delayed_send(self, std::chrono::milliseconds(cfg(self).node_refresh_ms), refresh_atom::value);
  self->delayed_send(self, std::chrono::milliseconds(cfg(self).directory_ttl_ms / 3), renew_atom::value);
  self->attach_functor([shards = st.setup.shards] {
    for (auto& s : shards) s->stop();
  });
  self->set_exit_handler([=](caf::exit_msg& m) {
    for (auto& [id, n] : self->state.nodes) stop_link(n);
    // Leave the registry at once instead of at the TTL: peers stop routing here sooner.
    if (self->state.shard_up[0]) {
      call(self, 0, {"DEL", keys::node(self->state.setup.node)});
      call(self, 0, {"PUBLISH", keys::invalidations, "node:" + self->state.setup.node});
    }
    self->quit(m.reason);
  });
  return {
      // --- directory ---
      [=](locate_atom, const user_key& k) { return locate(self, self->state.users, k); },
      [=](locate_atom, const group_key& k) { return locate(self, self->state.groups, k); },
      [=](publish_atom, const user_key& k) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        if (publish(self, self->state.users, k, &rp)) rp.deliver(true);
        return rp;
      },
      [=](publish_atom, const group_key& k) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        if (publish(self, self->state.groups, k, &rp)) rp.deliver(true);
        return rp;
      },
      [=](retract_atom, const user_key& k) { retract(self, self->state.users, k); },
      [=](retract_atom, const group_key& k) { retract(self, self->state.groups, k); },
      // --- routing ---
      [=](route_user_atom, const user_key& k, const frame_ptr& frame) -> caf::result<route_result> {
        auto rp = self->make_response_promise<route_result>();
        peer_request r;
        r.what = peer_request::kind::user;
        r.app_id = k.app_id;
        r.id = k.user_id;
        r.frame = frame;
        route_to_holders(self, k, std::move(r), rp);
        return rp;
      },
      [=](route_group_atom, const group_key& k, const std::string& sender,
          const frame_ptr& frame) -> caf::result<route_result> {
        auto rp = self->make_response_promise<route_result>();
        peer_request r;
        r.what = peer_request::kind::group;
        r.app_id = k.app_id;
        r.id = k.name;
        r.sender = sender;
        r.frame = frame;
        route_to_holders(self, k, std::move(r), rp);
        return rp;
      },
      [=](route_app_atom, uint32_t app_id, const frame_ptr& frame,
          const std::string& except) -> caf::result<route_result> {
        auto rp = self->make_response_promise<route_result>();
        peer_request r;
        r.what = peer_request::kind::app;
        r.app_id = app_id;
        r.sender = except;
        r.frame = frame;
        ask_all(self, all_peers(self), r,
                [=](std::vector<peer_answer>& answers) mutable { rp.deliver(summed(answers)); });
        return rp;
      },
      [=](broadcast_atom, uint32_t app_id, const frame_ptr& frame, const std::string& except) {
        peer_request r;
        r.what = peer_request::kind::app;
        r.app_id = app_id;
        r.sender = except;
        r.frame = frame;
        r.wants_answer = false;
        for (auto* n : all_peers(self)) self->send(n->link, forward_atom::value, r);
      },
      // --- queries ---
      [=](users_atom, uint32_t app_id, const std::string& cursor,
          uint32_t limit) -> caf::result<user_page> {
        auto rp = self->make_response_promise<user_page>();
        peer_request r;
        r.what = peer_request::kind::users;
        r.app_id = app_id;
        r.cursor = cursor;
        r.limit = limit;
        ask_all(self, all_peers(self), r, [=](std::vector<peer_answer>& answers) mutable {
          user_page page;
          for (auto& a : answers)
            if (a.ok) page = routing::merge_pages(page, user_page{std::move(a.ids), a.total, a.next_cursor}, limit);
          rp.deliver(std::move(page));
        });
        return rp;
      },
      [=](client_atom, const std::string& node, const client_op& op) -> caf::result<client_reply> {
        auto rp = self->make_response_promise<client_reply>();
        auto it = self->state.nodes.find(node);
        if (it == self->state.nodes.end()) {
          rp.deliver(client_reply{});  // no such live node: the connection is not open
          return rp;
        }
        peer_request r;
        r.what = peer_request::kind::client;
        r.id = op.conn_id;
        r.op = static_cast<uint8_t>(op.what);
        r.app_id = op.app_id;
        r.sender = op.user_id;
        r.frame = op.frame;
        ask_all(self, {&it->second}, r, [=](std::vector<peer_answer>& answers) mutable {
          client_reply out;
          auto& a = answers.front();
          if (a.ok) {
            out.found = a.count > 0;
            out.code = a.code;
            out.code_msg = std::move(a.code_msg);
            if (!a.clients.empty()) out.info = std::move(a.clients.front());
          } else {
            out.code = result_code::server_error;
            out.code_msg = "node " + node + " did not answer";
          }
          rp.deliver(std::move(out));
        });
        return rp;
      },
      [=](clients_atom, uint32_t app_id, const std::string& cursor,
          uint32_t limit) -> caf::result<client_page> {
        auto rp = self->make_response_promise<client_page>();
        peer_request r;
        r.what = peer_request::kind::clients;
        r.app_id = app_id;
        r.cursor = cursor;
        r.limit = limit;
        ask_all(self, all_peers(self), r, [=](std::vector<peer_answer>& answers) mutable {
          client_page page;
          for (auto& a : answers)
            if (a.ok)
              page = routing::merge_client_pages(
                  std::move(page), client_page{std::move(a.clients), a.total, a.next_cursor},
                  limit);
          rp.deliver(std::move(page));
        });
        return rp;
      },
      [=](clients_atom, const user_key& k) -> caf::result<client_page> {
        auto rp = self->make_response_promise<client_page>();
        lookup(self, keys::of(k), [=](const holders* h) mutable {
          peer_request r;
          r.what = peer_request::kind::clients;
          r.app_id = k.app_id;
          r.id = k.user_id;
          ask_all(self, h ? live_among(self, *h) : std::vector<live_node*>{}, r,
                  [=](std::vector<peer_answer>& answers) mutable {
                    client_page page;
                    for (auto& a : answers)
                      if (a.ok) {
                        auto n = page.total + a.total;
                        page = routing::merge_client_pages(
                            std::move(page), client_page{std::move(a.clients), a.total, {}}, n);
                      }
                    rp.deliver(std::move(page));
                  });
        });
        return rp;
      },
      [=](unbind_atom, const user_key& k) -> caf::result<route_result> {
        auto rp = self->make_response_promise<route_result>();
        peer_request r;
        r.what = peer_request::kind::unbind;
        r.app_id = k.app_id;
        r.id = k.user_id;
        route_to_holders(self, k, std::move(r), rp);
        return rp;
      },
      [=](drain_atom, const std::string& node) -> caf::result<route_result> {
        auto rp = self->make_response_promise<route_result>();
        auto it = self->state.nodes.find(node);
        if (it == self->state.nodes.end()) {
          route_result none;
          none.failed = 1;  // no such live node
          rp.deliver(none);
          return rp;
        }
        peer_request r;
        r.what = peer_request::kind::drain;
        ask_all(self, {&it->second}, r,
                [=](std::vector<peer_answer>& answers) mutable { rp.deliver(summed(answers)); });
        return rp;
      },
      [=](group_names_atom, uint32_t app_id) -> caf::result<std::vector<std::string>> {
        auto rp = self->make_response_promise<std::vector<std::string>>();
        peer_request r;
        r.what = peer_request::kind::groups;
        r.app_id = app_id;
        gather_ids(self, all_peers(self), r, rp);
        return rp;
      },
      [=](kick_atom, const user_key& k, const std::string& reason) -> caf::result<route_result> {
        auto rp = self->make_response_promise<route_result>();
        peer_request r;
        r.what = peer_request::kind::kick;
        r.app_id = k.app_id;
        r.id = k.user_id;
        r.sender = reason;
        route_to_holders(self, k, std::move(r), rp);
        return rp;
      },
      [=](online_atom, const user_key& k) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        lookup(self, keys::of(k), [=](const holders* h) mutable {
          rp.deliver(h && !live_among(self, *h).empty());
        });
        return rp;
      },
      [=](members_atom, const group_key& k) -> caf::result<std::vector<std::string>> {
        auto rp = self->make_response_promise<std::vector<std::string>>();
        lookup(self, keys::of(k), [=](const holders* h) mutable {
          peer_request r;
          r.what = peer_request::kind::members;
          r.app_id = k.app_id;
          r.id = k.name;
          gather_ids(self, h ? live_among(self, *h) : std::vector<live_node*>{}, r, rp);
        });
        return rp;
      },
      // Membership follows the user: the other nodes holding it apply the change. The
      // directory is read, not the cache: a device that logged in there a moment ago must not
      // be missed (it asks this node for the user's groups after its own entry is written).
      [=](member_atom, const user_key& k, const std::string& group,
          bool joined) -> caf::result<route_result> {
        auto rp = self->make_response_promise<route_result>();
        read_holders(self, keys::of(k), [=](const holders* h) mutable {
          if (!h) {  // Redis away: the other devices catch up at their next login
            route_result degraded;
            degraded.degraded = true;
            rp.deliver(degraded);
            return;
          }
          peer_request r;
          r.what = peer_request::kind::member;
          r.app_id = k.app_id;
          r.id = k.user_id;
          r.sender = group;
          r.joined = joined;
          ask_all(self, live_among(self, *h), r,
                  [=](std::vector<peer_answer>& answers) mutable { rp.deliver(summed(answers)); });
        });
        return rp;
      },
      [=](user_groups_atom, const user_key& k) -> caf::result<std::vector<std::string>> {
        auto rp = self->make_response_promise<std::vector<std::string>>();
        read_holders(self, keys::of(k), [=](const holders* h) mutable {
          peer_request r;
          r.what = peer_request::kind::user_groups;
          r.app_id = k.app_id;
          r.id = k.user_id;
          gather_ids(self, h ? live_among(self, *h) : std::vector<live_node*>{}, r, rp);
        });
        return rp;
      },
      [=](nodes_atom) {
        auto& st = self->state;
        std::vector<node_summary> out;
        auto me = st.setup.summary();
        me.self = true;
        out.push_back(me);
        for (auto& [id, n] : st.nodes) out.push_back(n.summary);
        std::sort(out.begin(), out.end(),
                  [](const node_summary& a, const node_summary& b) { return a.node < b.node; });
        return out;
      },
      // --- internal ---
      [=](redis_reply_atom, uint64_t id, value& v) {
        auto& calls = self->state.calls;
        auto it = calls.find(id);
        if (it == calls.end()) return;
        auto fn = std::move(it->second);
        calls.erase(it);
        fn(v);
      },
      [=](redis_state_atom, uint32_t shard, bool up) {
        auto& st = self->state;
        if (shard >= st.shard_up.size()) return;
        st.shard_up[shard] = up;
        uint32_t n = 0;
        for (bool b : st.shard_up) n += b;
        st.setup.stats->redis_shards_up.store(n);
        if (!up) {
          st.setup.stats->redis_disconnects_total.fetch_add(1, std::memory_order_relaxed);
          log::cluster()->warn("redis shard {} down: node degraded (local chat goes on; "
                               "cross-node routes answer 1009)", shard);
          st.cache.clear();
          return;
        }
        // Back (or first up): everything this node holds on that shard is written again.
        if (shard == 0) {
          write_registry(self);
          call(self, 0, {"PUBLISH", keys::invalidations, "node:" + st.setup.node});
          read_registry(self);
        }
        republish_all(self, st.users, shard, true);
        republish_all(self, st.groups, shard, true);
        st.cache.clear();
        if (all_up(self)) log::cluster()->info("redis: all {} shard(s) up", st.shard_up.size());
      },
      [=](invalidate_atom, const std::string& payload) {
        auto& st = self->state;
        st.setup.stats->cache_invalidations_total.fetch_add(1, std::memory_order_relaxed);
        if (payload.empty()) {
          st.cache.clear();
        } else if (payload.rfind("node:", 0) == 0) {
          if (st.shard_up[0]) read_registry(self);
        } else {
          st.cache.erase(payload);
        }
      },
      [=](refresh_atom) {
        if (self->state.shard_up[0]) {
          write_registry(self);
          read_registry(self);
        }
        self->delayed_send(self, std::chrono::milliseconds(cfg(self).node_refresh_ms),
                           refresh_atom::value);
      },
      [=](renew_atom) {
        renew_all(self);
        // Expired lookups go, so the cache holds what was looked up within
        // directory_cache_ms, not every key ever looked up.
        auto now = clock::now();
        auto& cache = self->state.cache;
        for (auto it = cache.begin(); it != cache.end();)
          it = it->second.expires <= now ? cache.erase(it) : std::next(it);
        self->delayed_send(self, std::chrono::milliseconds(cfg(self).directory_ttl_ms / 3),
                           renew_atom::value);
      },
  };
}

}  // namespace

remote_actor spawn_cluster_actor(caf::actor_system& system, cluster_setup setup) {
  return caf::actor_cast<remote_actor>(system.spawn(cluster_actor, std::move(setup)));
}

}  // namespace parley::cluster
