#include "actors/node/node_actor.hpp"

#include <algorithm>
#include <iterator>

#include "actors/connection/connection_actor.hpp"
#include "actors/deadline/deadline_wheel.hpp"
#include "actors/group/group_actor.hpp"
#include "actors/protocol/pushes.hpp"
#include "actors/routing/merge.hpp"
#include "actors/stats/counting.hpp"
#include "actors/user/user_actor.hpp"
#include "config/node_config.hpp"
#include "config/logging.hpp"

namespace parley {
namespace {

using self_ptr = node_handle::stateful_pointer<node_state>;

void watch(self_ptr self, const caf::actor& child, actor_kind kind, std::string key) {
  self->monitor(child);
  self->state.watched.emplace(child.address(), std::make_pair(kind, std::move(key)));
}

caf::actor spawn_behaviour(self_ptr self, const behaviour_spec& spec) {
  auto& st = self->state;
  behaviour_context ctx{caf::actor_cast<node_handle>(self), st.setup.config, st.setup.stats,
                        st.directory, st.setup.remote, st.setup.store, st.presence,
                        st.setup.durable, st.setup.profiles, st.setup.memberships};
  auto make = spec.make;
  auto stats = st.setup.stats;
  auto handler = self->spawn([make, ctx, stats](caf::event_based_actor* b) -> caf::behavior {
    // The gauge lives as long as the behaviour actor: attach releases it at exit.
    auto gauge = std::make_shared<live_gauge>(stats->live(actor_kind::behaviour));
    b->attach_functor([gauge] {});
    // A handler that throws fails the request it was handling (the sender answers 1004 at
    // once instead of waiting for a reply that never comes), then the actor exits and the
    // node restarts it.
    b->set_exception_handler([](caf::scheduled_actor* a, std::exception_ptr& ex) -> caf::error {
      std::string what = "unknown exception";
      try {
        std::rethrow_exception(ex);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      log::node()->error("behaviour actor threw: {}", log::safe(what, 200));
      if (auto* element = a->current_mailbox_element(); element && !element->mid.is_response()) {
        auto rp = a->make_response_promise();
        rp.deliver(caf::make_error(caf::sec::unexpected_message));
      }
      return caf::exit_reason::unhandled_exception;
    });
    // Plus the sampler's mailbox probe (actors/stats/actor_samples.hpp).
    caf::message_handler inner{make(b, ctx).as_behavior_impl()};
    return inner.or_else(
        [b](mailbox_atom) { return static_cast<uint64_t>(b->mailbox().size()); });
  });
  watch(self, handler, actor_kind::behaviour, spec.name);
  return handler;
}

registry_ptr spawn_behaviours(self_ptr self) {
  auto registry = std::make_shared<behaviour_registry>();
  auto& st = self->state;
  for (const auto& spec : st.setup.behaviours) {
    if (st.behaviours.count(spec.name)) {
      log::node()->error("behaviour '{}' registered twice; keeping the first", spec.name);
      continue;
    }
    auto slot = std::make_shared<behaviour_slot>(spawn_behaviour(self, spec));
    auto stats = st.setup.config->actor_stats_ms > 0 ? std::make_shared<command_stats>(spec.name)
                                                     : nullptr;
    registry->add(spec.name, {slot, spec.requires_login, spec.websocket, std::move(stats)});
    st.behaviours.emplace(spec.name, node_state::supervised{spec, slot, {}});
  }
  return registry;
}

// A behaviour died abnormally: restart it unless it passed its restart intensity.
void restart_behaviour(self_ptr self, const std::string& name, const caf::error& reason) {
  auto& st = self->state;
  auto it = st.behaviours.find(name);
  if (it == st.behaviours.end()) return;
  auto& b = it->second;
  const auto& cfg = *st.setup.config;
  auto now = std::chrono::steady_clock::now();
  auto window = std::chrono::seconds(cfg.behaviour_restart_window);
  while (!b.restarts.empty() && b.restarts.front() + window < now) b.restarts.pop_front();
  if (b.restarts.size() >= cfg.behaviour_max_restarts) {
    b.slot->set(caf::actor{});
    log::node()->critical("behaviour '{}' died: {}; {} restarts within {} s, giving up: its cmd "
                          "answers 1004", name, self->system().render(reason), b.restarts.size(),
                          cfg.behaviour_restart_window);
    return;
  }
  b.restarts.push_back(now);
  b.slot->set(spawn_behaviour(self, b.spec));
  st.setup.stats->behaviour_restarts_total.fetch_add(1, std::memory_order_relaxed);
  log::node()->error("behaviour '{}' died: {}; restarted ({} within {} s)", name,
                     self->system().render(reason), b.restarts.size(), cfg.behaviour_restart_window);
}

// Pushes `frame` to every user of `app_id` except `except_user`. Linear in the app's users.
size_t push_to_app(self_ptr self, uint32_t app_id, const frame_ptr& frame,
                   const std::string& except_user = {}) {
  auto& st = self->state;
  auto it = st.app_users.find(app_id);
  if (it == st.app_users.end()) return 0;
  size_t n = 0;
  for (const auto& user_id : it->second) {
    if (user_id == except_user) continue;
    auto user = st.users.find(scoped_key(app_id, user_id));
    if (user == st.users.end()) continue;
    auto sockets = user->second.sinks->deliver(frame);
    st.setup.stats->pushes_delivered_total.fetch_add(sockets, std::memory_order_relaxed);
    ++n;
  }
  return n;
}

// One operation on connection `op.conn_id` of this node (client_op).
caf::result<client_reply> client_here(self_ptr self, const client_op& op) {
  auto& st = self->state;
  client_reply reply;
  auto* e = st.connections.find(op.conn_id);
  if (e == nullptr) return reply;
  reply.found = true;
  using k = client_op::kind;
  switch (op.what) {
    case k::probe:
    case k::info: break;
    case k::close:
      e->sink->close(close_reason::kicked);
      log::node()->info("close by API conn={}", log::safe(op.conn_id, 100));
      break;
    case k::send:  // only to a connection logged in to the sender's app
      if (!op.frame || op.app_id == 0 || e->app_id != op.app_id) {
        reply.code = result_code::operation_failed;
        reply.code_msg = "the client is not logged in to that app";
        break;
      }
      e->sink->send(op.frame);
      st.setup.stats->pushes_delivered_total.fetch_add(1, std::memory_order_relaxed);
      break;
    case k::bind: {
      // The connection logs in through the login behaviour (same checks, same node path);
      // the node's login handler records the binding.
      auto rp = self->make_response_promise<client_reply>();
      auto conn_id = op.conn_id;
      self->request(e->handle, caf::infinite, bind_atom::value, op.app_id, op.user_id)
          .then(
              [=](const command_result& r) mutable {
                client_reply out;
                out.found = true;
                out.code = r.code;
                out.code_msg = r.code_msg;
                if (auto* now = self->state.connections.find(conn_id))
                  out.info = self->state.connections.info(*now);
                rp.deliver(std::move(out));
              },
              [=](caf::error&) mutable { rp.deliver(client_reply{}); });
      return rp;
    }
  }
  reply.info = st.connections.info(*e);
  return reply;
}

// Every connection of the user here logs out (anonymous again, open); returns how many.
uint32_t unbind_here(self_ptr self, uint32_t app_id, const std::string& user_id) {
  auto& st = self->state;
  auto entries = st.connections.entries_of_user(app_id, user_id);
  for (auto* e : entries) {
    caf::anon_send(e->handle, unbind_atom::value);
    st.connections.logged_out(*e);
  }
  if (!entries.empty())
    log::node()->info("unbind app={} user={} connections={}", app_id, log::safe(user_id, 100),
                      entries.size());
  return static_cast<uint32_t>(entries.size());
}

// The names of the app's groups here, sorted. O(groups on the node).
std::vector<std::string> group_names_here(self_ptr self, uint32_t app_id) {
  std::vector<std::string> out;
  for (const auto& [key, g] : self->state.groups) {
    auto [app, name] = split_scoped_key(key);
    if (app == app_id) out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Closes every connection of the user here (close_reason::kicked); returns how many.
uint32_t kick_here(self_ptr self, uint32_t app_id, const std::string& user_id,
                   const std::string& reason) {
  auto& st = self->state;
  auto user = st.users.find(scoped_key(app_id, user_id));
  if (user == st.users.end()) return 0;
  auto n = static_cast<uint32_t>(user->second.sinks->close_all(close_reason::kicked, reason));
  log::node()->info("kick app={} user={} connections={} reason={}", app_id,
                    log::safe(user_id, 100), n, log::safe(reason, 200));
  return n;
}

// A presence push (enter/exit) to the app's users here, and once to each other node.
void presence(self_ptr self, const char* kind, uint32_t app_id, const std::string& user_id,
              const std::string& except_user, const user_profile& profile = {}) {
  auto frame = protocol::encode_presence_push(kind, app_id, user_id, profile.name, profile.avatar);
  push_to_app(self, app_id, frame, except_user);
  if (self->state.setup.remote)
    self->send(self->state.setup.remote, broadcast_atom::value, app_id, frame, except_user);
}

// Whether the app is in lists mode (enter/exit pushed by the node, in the login's turn) with
// the users it has here now; in auto mode off above presence_list_max, on again at 3/4 of it
// (docs/protocol.md "Presence").
bool lists_now(self_ptr self, uint32_t app_id) {
  auto& st = self->state;
  auto mode = st.setup.config->presence_of(app_id);
  if (mode == presence_mode::list) return true;
  if (mode != presence_mode::automatic) return false;
  auto users = st.app_users.find(app_id);
  size_t n = users == st.app_users.end() ? 0 : users->second.size();
  if (n == 0) {
    st.app_lists.erase(app_id);
    return true;
  }
  auto max = st.setup.config->presence_list_max;
  auto& lists = st.app_lists.try_emplace(app_id, true).first->second;
  if (lists && n > max) lists = false;
  else if (!lists && n <= max - max / 4) lists = true;
  return lists;
}

void forget_user(self_ptr self, const std::string& key) {
  auto& st = self->state;
  auto it = st.users.find(key);
  if (it == st.users.end()) return;
  auto [app_id, user_id] = split_scoped_key(key);
  st.watched.erase(it->second.handle.address());
  st.users.erase(it);
  st.directory->erase(key);
  auto& app = st.app_users[app_id];
  app.erase(user_id);
  if (app.empty()) st.app_users.erase(app_id);
  log::node()->info("offline app={} user={}", app_id, log::safe(user_id));
  if (st.setup.remote) self->send(st.setup.remote, retract_atom::value, user_key{app_id, user_id});
  bool lists = lists_now(self, app_id);
  if (lists) presence(self, "exit", app_id, user_id, {});
  self->send(st.presence, exit_atom::value, app_id, user_id, lists);
}

node_state::child& user_for_login(self_ptr self, uint32_t app_id, const std::string& user_id) {
  auto& st = self->state;
  auto key = scoped_key(app_id, user_id);
  auto it = st.users.find(key);
  if (it != st.users.end()) return it->second;
  auto sinks = std::make_shared<user_sinks>();
  auto user = self->spawn(user_actor, user_setup{app_id, st.setup.config->max_groups_per_user,
                                                 user_id, key, caf::actor_cast<node_handle>(self),
                                                 st.setup.stats, sinks});
  watch(self, user, actor_kind::user, key);
  st.directory->insert(key, sinks);
  st.app_users[app_id].insert(user_id);
  return st.users.emplace(key, node_state::child{user, 0, 0, std::move(sinks)}).first->second;
}

// The group actor for a join, spawned if the group is new; invalid when the app already has
// max_groups_per_app groups.
caf::actor group_for_join(self_ptr self, uint32_t app_id, const std::string& name) {
  auto& st = self->state;
  auto key = scoped_key(app_id, name);
  auto it = st.groups.find(key);
  if (it != st.groups.end()) return it->second.handle;
  auto& in_app = st.app_groups[app_id];
  if (in_app >= st.setup.config->max_groups_per_app) return caf::actor{};
  ++in_app;
  group_setup gs{app_id, name, key, caf::actor_cast<node_handle>(self), st.setup.stats};
  auto handled = gs.handled;
  auto group = self->spawn(group_actor, std::move(gs));
  watch(self, group, actor_kind::group, key);
  st.groups.emplace(key, node_state::child{group, 0, 0, nullptr, std::move(handled), 0});
  return group;
}

caf::actor find_child(const std::unordered_map<std::string, node_state::child>& map,
                      const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? caf::actor{} : it->second.handle;
}

// Retires `key` from `map` if `reported` matches what was forwarded (see the header).
bool retire_if_current(self_ptr self, std::unordered_map<std::string, node_state::child>& map,
                       const std::string& key, uint64_t reported) {
  auto it = map.find(key);
  if (it == map.end() || it->second.forwarded != reported) return false;
  caf::anon_send(it->second.handle, shutdown_atom::value);
  return true;
}

// Removes a group's entry (retired or died) and its count in the app.
void forget_group(self_ptr self, const std::string& key) {
  auto& st = self->state;
  auto it = st.groups.find(key);
  if (it == st.groups.end()) return;
  st.watched.erase(it->second.handle.address());
  st.groups.erase(it);
  auto [app_id, name] = split_scoped_key(key);
  if (st.setup.remote) self->send(st.setup.remote, retract_atom::value, group_key{app_id, name});
  auto count = st.app_groups.find(app_id);
  if (count != st.app_groups.end() && --count->second == 0) st.app_groups.erase(count);
}

// Tells the other nodes holding the user that it joined (left) `group` here; done() once they
// have applied it (or could not be asked: they answer within peer_timeout_ms).
void tell_user_nodes(self_ptr self, const user_key& user, const std::string& group, bool joined,
                     std::function<void()> done) {
  self->request(self->state.setup.remote, caf::infinite, member_atom::value, user, group, joined)
      .then([=](const route_result&) { done(); }, [=](caf::error&) { done(); });
}

// A join to the group here. `tell_peers`: the user joined on this node (not because another
// node said so), so the other nodes holding the user join it too. A node alone delegates to
// the group, as before the cluster.
caf::result<membership_result> join_here(self_ptr self, uint32_t app_id, const std::string& group,
                                         const std::string& user_id, const caf::actor& user,
                                         const user_sinks_ptr& sinks, bool tell_peers) {
  auto& st = self->state;
  bool first_here = !st.groups.count(scoped_key(app_id, group));
  auto handle = group_for_join(self, app_id, group);
  if (!handle)
    return membership_result{
        result_code::add_failed, false,
        "app has " + std::to_string(st.setup.config->max_groups_per_app) +
            " groups already (max_groups_per_app)"};
  ++st.groups[scoped_key(app_id, group)].forwarded;
  if (!st.setup.remote)
    return self->make_response_promise<membership_result>().delegate(
        handle, join_atom::value, user_id, user, sinks);
  // Answered once the directory knows that this node holds members (the group's first member
  // here), so group sends from other nodes reach them, and once the user's other nodes have
  // joined it too (a new member), so a message sent after the reply reaches every device.
  auto rp = self->make_response_promise<membership_result>();
  self->request(handle, caf::infinite, join_atom::value, user_id, user, sinks)
      .then(
          [=](membership_result& joined) mutable {
            bool tell = tell_peers && joined.code == result_code::ok && joined.changed;
            auto then_tell = [=]() mutable {
              if (!tell) {
                rp.deliver(joined);
                return;
              }
              tell_user_nodes(self, user_key{app_id, user_id}, group, true,
                              [=]() mutable { rp.deliver(joined); });
            };
            if (!first_here) {
              then_tell();
              return;
            }
            self->request(self->state.setup.remote, caf::infinite, publish_atom::value,
                          group_key{app_id, group})
                .then([=](bool) mutable { then_tell(); },
                      [=](caf::error&) mutable { then_tell(); });
          },
          [=](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

caf::result<membership_result> leave_here(self_ptr self, uint32_t app_id, const std::string& group,
                                          const std::string& user_id, bool tell_peers) {
  auto handle = find_child(self->state.groups, scoped_key(app_id, group));
  if (!handle) return membership_result{result_code::ok, false, {}};
  if (!self->state.setup.remote || !tell_peers)
    return self->make_response_promise<membership_result>().delegate(handle, leave_atom::value,
                                                                     user_id);
  auto rp = self->make_response_promise<membership_result>();
  self->request(handle, caf::infinite, leave_atom::value, user_id)
      .then(
          [=](membership_result& left) mutable {
            if (left.code != result_code::ok || !left.changed) {
              rp.deliver(left);
              return;
            }
            tell_user_nodes(self, user_key{app_id, user_id}, group, false,
                            [=]() mutable { rp.deliver(left); });
          },
          [=](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

// One page of an app's online users after `cursor`. O(log n + limit).
user_page users_page(self_ptr self, uint32_t app_id, const std::string& cursor, uint32_t limit) {
  user_page page;
  auto it = self->state.app_users.find(app_id);
  if (it == self->state.app_users.end()) return page;
  const auto& ids = it->second;
  page.total = static_cast<uint32_t>(ids.size());
  auto from = cursor.empty() ? ids.begin() : ids.upper_bound(cursor);
  for (; from != ids.end() && page.users.size() < limit; ++from) page.users.push_back(*from);
  if (from != ids.end() && !page.users.empty()) page.next_cursor = page.users.back();
  return page;
}

// The `limit` largest groups. O(G log limit) over all groups; for the console, once a second.
std::vector<group_summary> top_groups(self_ptr self, uint32_t limit) {
  std::vector<group_summary> out;
  for (const auto& [key, g] : self->state.groups) {
    auto [app_id, name] = split_scoped_key(key);
    out.push_back({app_id, std::move(name), g.size});
  }
  auto n = std::min<size_t>(limit, out.size());
  std::partial_sort(out.begin(), out.begin() + n, out.end(),
                    [](const group_summary& a, const group_summary& b) { return a.members > b.members; });
  out.resize(n);
  return out;
}

// The hot-actor sample (actors/stats/actor_samples.hpp): the node's own rate and mailbox, each
// behaviour's commands per second and mailbox, and the busiest groups. O(groups) for the
// group rates (one atomic load each); mailboxes are asked at high priority, so their depths
// are one interval old. Runs every actor_stats_ms.
constexpr size_t sampled_groups = 10;

void sample(self_ptr self) {
  auto& st = self->state;
  auto now = std::chrono::steady_clock::now();
  double dt = std::chrono::duration<double>(now - st.last_sample).count();
  if (dt <= 0) dt = 1e-9;
  st.last_sample = now;
  actor_snapshot snap;
  snap.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  // (less the sample message itself)
  auto handled = st.handled - st.last_handled;
  snap.actors.push_back({"node", st.setup.node_id,
                         static_cast<double>(handled > 0 ? handled - 1 : 0) / dt,
                         static_cast<uint64_t>(self->mailbox().size()), 0});
  st.last_handled = st.handled;
  auto probe = [self](const caf::actor& who, std::string key) {
    if (!who) return;
    self->request<caf::message_priority::high>(who, caf::infinite, mailbox_atom::value)
        .then([self, key](uint64_t depth) { self->state.mailboxes[key] = depth; },
              [](caf::error&) {});
  };
  for (const auto& [cmd, entry] : st.registry->entries()) {
    command_summary c;
    c.cmd = cmd;
    if (entry->stats) {
      c.count = entry->stats->count.load(std::memory_order_relaxed);
      c.errors = entry->stats->errors.load(std::memory_order_relaxed);
      auto hist = entry->stats->latency.snapshot();
      c.p50_us = latency_histogram::quantile_us(hist, 0.50);
      c.p99_us = latency_histogram::quantile_us(hist, 0.99);
    }
    auto& last = st.last_counts[cmd];
    c.per_second = static_cast<double>(c.count - last) / dt;
    last = c.count;
    snap.actors.push_back({"behaviour", cmd, c.per_second, st.mailboxes[cmd], 0});
    snap.commands.push_back(std::move(c));
    probe(entry->handler(), cmd);
  }
  // The busiest groups: messages handled over this interval.
  std::vector<std::pair<double, std::pair<const std::string*, node_state::child*>>> rates;
  for (auto& [key, g] : st.groups) {
    if (!g.handled) continue;
    auto n = g.handled->load(std::memory_order_relaxed);
    auto rate = static_cast<double>(n - g.last_handled) / dt;
    g.last_handled = n;
    if (rate > 0) rates.push_back({rate, {&key, &g}});
  }
  auto top = std::min(sampled_groups, rates.size());
  std::partial_sort(rates.begin(), rates.begin() + static_cast<std::ptrdiff_t>(top), rates.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first; });
  std::unordered_map<std::string, uint64_t> kept;  // the depths of behaviours and these groups
  for (const auto& [cmd, depth] : st.mailboxes)
    if (st.last_counts.count(cmd)) kept.emplace(cmd, depth);
  for (size_t i = 0; i < top; ++i) {
    const auto& key = *rates[i].second.first;
    auto& g = *rates[i].second.second;
    auto [app, name] = split_scoped_key(key);
    auto depth = st.mailboxes.count(key) ? st.mailboxes[key] : 0;
    kept.emplace(key, depth);
    snap.groups.push_back(
        {"group", std::to_string(app) + "/" + name, rates[i].first, depth, g.size});
    probe(g.handle, key);
  }
  st.mailboxes = std::move(kept);
  st.setup.stats->samples.set(std::move(snap));
}

// A connection actor is gone: its deadline entry goes (the entry's weak reference would keep
// the dead actor's memory until its deadline, see deadline_wheel.hpp), and a connection actor
// that died abnormally closes its socket with 1011, so the session does not keep its slot.
// (The node watches every connection anyway; doing both here costs no attachable per
// connection.)
void forget_connection(self_ptr self, const std::string& conn_id, const caf::down_msg& dm) {
  auto& st = self->state;
  caf::anon_send(st.deadlines, cancel_atom::value, dm.source);
  auto* e = st.connections.find(conn_id);
  if (e == nullptr) return;
  if (dm.reason && dm.reason != caf::exit_reason::normal &&
      dm.reason != caf::exit_reason::user_shutdown)
    e->sink->close(close_reason::error);
  st.connections.erase(conn_id);
}

void on_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  auto it = st.watched.find(dm.source);
  if (it == st.watched.end()) return;
  auto [kind, key] = it->second;
  st.watched.erase(it);
  switch (kind) {
    case actor_kind::connection: forget_connection(self, key, dm); break;
    case actor_kind::user:
      if (st.users.count(key)) {
        log::node()->error("user actor died key={} reason={}", log::safe(key), self->system().render(dm.reason));
        forget_user(self, key);
      }
      break;
    case actor_kind::group: forget_group(self, key); break;
    case actor_kind::behaviour:
      if (dm.reason != caf::exit_reason::user_shutdown && dm.reason != caf::exit_reason::normal)
        restart_behaviour(self, key, dm.reason);
      break;
    default: break;
  }
}

}  // namespace

node_handle::behavior_type node_actor(node_handle::stateful_pointer<node_state> self,
                                      node_setup setup) {
  auto& st = self->state;
  st.live = live_gauge(setup.stats->live(actor_kind::node));
  st.setup = std::move(setup);
  st.connections = client_index(st.setup.node_id);
  st.directory = st.setup.users ? st.setup.users : std::make_shared<user_directory>();
  if (!st.setup.store && st.setup.config->store == "memory")
    st.setup.store = std::make_shared<message_store>(store_limits_of(*st.setup.config));
  if (!st.setup.profiles && !st.setup.durable)
    st.setup.profiles = std::make_shared<profile_store>(st.setup.config->profiles_max);
  if (!st.setup.memberships && !st.setup.durable)
    st.setup.memberships = std::make_shared<membership_store>(st.setup.config->memberships_max);
  // Linked: it goes down with the node, and the node cannot run without it.
  st.deadlines = self->spawn<caf::linked>(deadline_wheel, std::chrono::milliseconds(250));
  st.presence = spawn_presence(self, st.setup.config, st.setup.stats, st.setup.remote);
  st.registry = spawn_behaviours(self);
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  // The node going down takes every actor it supervises with it.
  self->set_exit_handler([=](caf::exit_msg& em) {
    for (const auto& [addr, what] : self->state.watched)
      self->send_exit(caf::actor_cast<caf::actor>(addr), em.reason);
    self->quit(em.reason);
  });
  if (auto every = st.setup.config->actor_stats_ms; every > 0)
    self->delayed_send<caf::message_priority::high>(self, std::chrono::milliseconds(every),
                                                    sample_atom::value);
  // Every handler counts the message it handles (the hot-actor table's node rate).
  return counting<node_handle::behavior_type>(
      &self->state.handled,
      [=](connect_atom, const sink_ptr& sink, const std::string& remote, uint32_t pre_app,
          const std::string& pre_user) {
        auto& st = self->state;
        auto conn = caf::actor{};
        auto conn_id = st.connections.add(++st.next_conn, conn, sink, remote);
        connection_setup cs{conn_id, remote, sink, caf::actor_cast<node_handle>(self),
                            st.registry, st.setup.config, st.setup.stats, std::nullopt,
                            st.deadlines};
        if (pre_app != 0) cs.preauth.emplace(pre_app, pre_user);
        conn = self->spawn(connection_actor, std::move(cs));
        watch(self, conn, actor_kind::connection, conn_id);
        st.connections.find(conn_id)->handle = conn;
        sink->attach(conn, conn_id);
      },
      [=](login_atom, uint32_t app_id, const std::string& user_id, const caf::actor& conn,
          const sink_ptr& sink, const recovery_ptr& since,
          const user_profile& profile) -> caf::result<caf::actor> {
        auto& st = self->state;
        auto existing = st.users.find(scoped_key(app_id, user_id));
        bool first_here = existing == st.users.end();
        // The per-user cap: refused with an invalid handle (the login behaviour says why).
        if (!first_here && existing->second.sinks->size() >= st.setup.config->max_connections_per_user)
          return caf::actor{};
        auto& user = user_for_login(self, app_id, user_id);
        // Deliverable from now on, before the login is answered (see user_sinks.hpp). What
        // was kept for the user while offline goes first, in one step with the add: nothing
        // sent meanwhile passes it (message_store.hpp).
        if (st.setup.store && !st.setup.remote)
          st.setup.store->hand_over(scoped_key(app_id, user_id), [&](std::vector<stored_ptr> kept) {
            for (const auto& m : kept) sink->send(m->frame);
            st.setup.stats->pushes_delivered_total.fetch_add(kept.size(), std::memory_order_relaxed);
            if (!kept.empty())
              log::node()->info("offline app={} user={} delivered {} kept messages", app_id,
                                log::safe(user_id), kept.size());
            user.sinks->add(sink);
          }, since.get());
        else {
          // store: redis: what was kept for the user is taken from Redis after the directory
          // entry is written (below); live messages wait behind it on the socket meanwhile.
          if (st.setup.durable) sink->hold();
          user.sinks->add(sink);
        }
        if (auto w = st.watched.find(conn.address()); w != st.watched.end())
          if (auto* e = st.connections.find(w->second.second))
            st.connections.logged_in(*e, app_id, user_id);
        caf::anon_send(user.handle, add_atom::value, conn, sink);
        ++user.forwarded;
        bool lists = lists_now(self, app_id);
        if (lists) presence(self, "enter", app_id, user_id, user_id, profile);
        if (first_here)
          self->send(st.presence, enter_atom::value, app_id, user_id, user.sinks, lists, profile);
        if (!st.setup.remote || (!first_here && !st.setup.durable)) return user.handle;
        // The first device of this user here: answered once the directory holds the entry,
        // so that a message sent from any node after the client saw its reply finds it.
        // Then, if the user is on other nodes too, it joins their groups here (membership
        // belongs to the user), also before the reply.
        auto rp = self->make_response_promise<caf::actor>();
        auto handle = user.handle;
        auto key = user_key{app_id, user_id};
        // store: redis: what was kept for the user, taken once the directory entry is in
        // Redis (a keep after that sees the entry and is delivered live instead; see
        // durable_store.hpp), goes out first; then `then()`.
        auto take_kept = [=](std::function<void()> then) mutable {
          if (!self->state.setup.durable) return then();
          auto taken = since ? self->request(self->state.setup.durable, std::chrono::seconds(10),
                                             take_atom::value, key, since)
                             : self->request(self->state.setup.durable, std::chrono::seconds(10),
                                             take_atom::value, key);
          std::move(taken).then(
                  [=](std::vector<stored_ptr>& kept) mutable {
                    std::vector<frame_ptr> frames;
                    frames.reserve(kept.size());
                    for (const auto& m : kept) frames.push_back(m->frame);
                    self->state.setup.stats->pushes_delivered_total.fetch_add(
                        kept.size(), std::memory_order_relaxed);
                    if (!kept.empty())
                      log::node()->info("offline app={} user={} delivered {} kept messages",
                                        app_id, log::safe(user_id), kept.size());
                    sink->release(std::move(frames));
                    then();
                  },
                  [=](caf::error&) mutable {
                    // Kept messages stay in Redis for the next login.
                    log::node()->warn("offline app={} user={}: could not take kept messages",
                                      app_id, log::safe(user_id));
                    sink->release({});
                    then();
                  });
        };
        if (!first_here) {
          take_kept([=]() mutable { rp.deliver(handle); });
          return rp;
        }
        auto groups_elsewhere = [=]() mutable {
          self->request(self->state.setup.remote, caf::infinite, user_groups_atom::value, key)
              .then(
                  [=](std::vector<std::string>& groups) mutable {
                    if (groups.empty()) {
                      rp.deliver(handle);
                      return;
                    }
                    self->request(handle, caf::infinite, member_atom::value, std::move(groups))
                        .then([=](bool) mutable { rp.deliver(handle); },
                              [=](caf::error&) mutable { rp.deliver(handle); });
                  },
                  [=](caf::error&) mutable { rp.deliver(handle); });
        };
        self->request(st.setup.remote, caf::infinite, publish_atom::value, key)
            .then([=](bool) mutable { take_kept(groups_elsewhere); },
                  [=](caf::error&) mutable { take_kept(groups_elsewhere); });
        return rp;
      },
      [=](join_atom, uint32_t app_id, const std::string& group, const std::string& user_id,
          const caf::actor& user, const user_sinks_ptr& sinks) {
        return join_here(self, app_id, group, user_id, user, sinks, true);
      },
      [=](local_atom, join_atom, uint32_t app_id, const std::string& group,
          const std::string& user_id, const caf::actor& user, const user_sinks_ptr& sinks) {
        return join_here(self, app_id, group, user_id, user, sinks, false);
      },
      [=](leave_atom, uint32_t app_id, const std::string& group, const std::string& user_id) {
        return leave_here(self, app_id, group, user_id, true);
      },
      [=](local_atom, leave_atom, uint32_t app_id, const std::string& group,
          const std::string& user_id) {
        return leave_here(self, app_id, group, user_id, false);
      },
      // A peer: the user joined or left `group` on another node; the user here does too.
      [=](member_atom, uint32_t app_id, const std::string& user_id, const std::string& group,
          bool joined) -> caf::result<bool> {
        auto user = find_child(self->state.users, scoped_key(app_id, user_id));
        if (!user) return false;
        return self->make_response_promise<bool>().delegate(user, member_atom::value, group,
                                                            joined);
      },
      [=](user_groups_atom, uint32_t app_id,
          const std::string& user_id) -> caf::result<std::vector<std::string>> {
        auto user = find_child(self->state.users, scoped_key(app_id, user_id));
        if (!user) return std::vector<std::string>{};
        return self->make_response_promise<std::vector<std::string>>().delegate(
            user, user_groups_atom::value);
      },
      [=](local_atom, send_group_atom, uint32_t app_id, const std::string& group,
          const std::string& sender, const frame_ptr& frame) -> caf::result<group_send_result> {
        auto handle = find_child(self->state.groups, scoped_key(app_id, group));
        if (!handle) return group_send_result{result_code::ok, 0};
        return self->make_response_promise<group_send_result>().delegate(
            handle, send_group_atom::value, sender, false, frame);
      },
      [=](send_group_atom, uint32_t app_id, const std::string& group, const std::string& sender,
          bool check_member, const frame_ptr& frame) -> caf::result<group_send_result> {
        auto& st = self->state;
        auto handle = find_child(st.groups, scoped_key(app_id, group));
        if (!handle && (check_member || !st.setup.remote))
          return group_send_result{check_member ? result_code::unauthorized : result_code::ok, 0};
        if (!st.setup.remote)
          return self->make_response_promise<group_send_result>().delegate(
              handle, send_group_atom::value, sender, check_member, frame);
        // Here, then once to each other node holding members.
        auto rp = self->make_response_promise<group_send_result>();
        auto remote_part = [=](group_send_result here) mutable {
          if (here.code != result_code::ok) {
            rp.deliver(here);
            return;
          }
          self->request(self->state.setup.remote, caf::infinite, route_group_atom::value,
                        group_key{app_id, group}, sender, frame)
              .then([=](const route_result& there) mutable {
                      rp.deliver(group_send_result{here.code, here.recipients + there.reached});
                    },
                    [=](caf::error&) mutable { rp.deliver(here); });
        };
        if (!handle) {
          remote_part(group_send_result{result_code::ok, 0});
        } else {
          self->request(handle, caf::infinite, send_group_atom::value, sender, check_member, frame)
              .then(remote_part, [=](caf::error& e) mutable { rp.deliver(e); });
        }
        return rp;
      },
      [=](local_atom, send_app_atom, uint32_t app_id, const frame_ptr& frame,
          const std::string& except_user) {
        return static_cast<uint32_t>(push_to_app(self, app_id, frame, except_user));
      },
      [=](send_app_atom, uint32_t app_id, const frame_ptr& frame) -> caf::result<uint32_t> {
        auto here = static_cast<uint32_t>(push_to_app(self, app_id, frame));
        if (!self->state.setup.remote) return here;
        auto rp = self->make_response_promise<uint32_t>();
        self->request(self->state.setup.remote, caf::infinite, route_app_atom::value, app_id,
                      frame, std::string{})
            .then([=](const route_result& there) mutable { rp.deliver(here + there.reached); },
                  [=](caf::error&) mutable { rp.deliver(here); });
        return rp;
      },
      [=](local_atom, users_atom, uint32_t app_id, const std::string& cursor, uint32_t limit) {
        return users_page(self, app_id, cursor, limit);
      },
      [=](users_atom, uint32_t app_id, const std::string& cursor,
          uint32_t limit) -> caf::result<user_page> {
        auto here = users_page(self, app_id, cursor, limit);
        if (!self->state.setup.remote) return here;
        auto rp = self->make_response_promise<user_page>();
        self->request(self->state.setup.remote, caf::infinite, users_atom::value, app_id, cursor,
                      limit)
            .then([=](const user_page& there) mutable { rp.deliver(routing::merge_pages(here, there, limit)); },
                  [=](caf::error&) mutable { rp.deliver(here); });
        return rp;
      },
      [=](local_atom, client_atom, const client_op& op) { return client_here(self, op); },
      [=](client_atom, const client_op& op) -> caf::result<client_reply> {
        auto& st = self->state;
        auto dash = op.conn_id.rfind('-');
        auto node = dash == std::string::npos ? std::string{} : op.conn_id.substr(0, dash);
        if (node == st.setup.node_id || !st.setup.remote || node.empty())
          return client_here(self, op);
        return self->delegate(st.setup.remote, client_atom::value, node, op);
      },
      [=](local_atom, clients_atom, uint32_t app_id, const std::string& cursor, uint32_t limit) {
        return self->state.connections.page(app_id, cursor, limit);
      },
      [=](clients_atom, uint32_t app_id, const std::string& cursor,
          uint32_t limit) -> caf::result<client_page> {
        auto here = self->state.connections.page(app_id, cursor, limit);
        if (!self->state.setup.remote) return here;
        auto rp = self->make_response_promise<client_page>();
        self->request(self->state.setup.remote, caf::infinite, clients_atom::value, app_id,
                      cursor, limit)
            .then(
                [=](client_page& there) mutable {
                  rp.deliver(routing::merge_client_pages(here, std::move(there), limit));
                },
                [=](caf::error&) mutable { rp.deliver(here); });
        return rp;
      },
      [=](local_atom, clients_atom, uint32_t app_id, const std::string& user_id) {
        return self->state.connections.of_user(app_id, user_id);
      },
      [=](clients_atom, uint32_t app_id, const std::string& user_id) -> caf::result<client_page> {
        auto here = self->state.connections.of_user(app_id, user_id);
        if (!self->state.setup.remote) return here;
        auto rp = self->make_response_promise<client_page>();
        self->request(self->state.setup.remote, caf::infinite, clients_atom::value,
                      user_key{app_id, user_id})
            .then(
                [=](client_page& there) mutable {
                  auto n = here.total + there.total;
                  rp.deliver(routing::merge_client_pages(here, std::move(there), n));
                },
                [=](caf::error&) mutable { rp.deliver(here); });
        return rp;
      },
      [=](local_atom, unbind_atom, uint32_t app_id, const std::string& user_id) {
        return unbind_here(self, app_id, user_id);
      },
      [=](unbind_atom, uint32_t app_id, const std::string& user_id) -> caf::result<uint32_t> {
        auto here = unbind_here(self, app_id, user_id);
        if (!self->state.setup.remote) return here;
        auto rp = self->make_response_promise<uint32_t>();
        self->request(self->state.setup.remote, caf::infinite, unbind_atom::value,
                      user_key{app_id, user_id})
            .then([=](const route_result& there) mutable { rp.deliver(here + there.reached); },
                  [=](caf::error&) mutable { rp.deliver(here); });
        return rp;
      },
      [=](local_atom, group_names_atom, uint32_t app_id) { return group_names_here(self, app_id); },
      [=](group_names_atom, uint32_t app_id) -> caf::result<std::vector<std::string>> {
        auto here = group_names_here(self, app_id);
        if (!self->state.setup.remote) return here;
        auto rp = self->make_response_promise<std::vector<std::string>>();
        self->request(self->state.setup.remote, caf::infinite, group_names_atom::value, app_id)
            .then(
                [=](const std::vector<std::string>& there) mutable {
                  rp.deliver(routing::merge_ids(here, there));
                },
                [=](caf::error&) mutable { rp.deliver(here); });
        return rp;
      },
      [=](local_atom, kick_atom, uint32_t app_id, const std::string& user_id,
          const std::string& reason) {
        return kick_here(self, app_id, user_id, reason);
      },
      [=](kick_atom, uint32_t app_id, const std::string& user_id,
          const std::string& reason) -> caf::result<uint32_t> {
        auto here = kick_here(self, app_id, user_id, reason);
        if (!self->state.setup.remote) return here;
        auto rp = self->make_response_promise<uint32_t>();
        self->request(self->state.setup.remote, caf::infinite, kick_atom::value,
                      user_key{app_id, user_id}, reason)
            .then([=](const route_result& there) mutable { rp.deliver(here + there.reached); },
                  [=](caf::error&) mutable { rp.deliver(here); });
        return rp;
      },
      [=](local_atom, online_atom, uint32_t app_id, const std::string& user_id) {
        return self->state.users.count(scoped_key(app_id, user_id)) > 0;
      },
      [=](online_atom, uint32_t app_id, const std::string& user_id) -> caf::result<bool> {
        if (self->state.users.count(scoped_key(app_id, user_id))) return true;
        if (!self->state.setup.remote) return false;
        return self->delegate(self->state.setup.remote, online_atom::value,
                              user_key{app_id, user_id});
      },
      [=](local_atom, members_atom, uint32_t app_id,
          const std::string& group) -> caf::result<std::vector<std::string>> {
        auto handle = find_child(self->state.groups, scoped_key(app_id, group));
        if (!handle) return std::vector<std::string>{};
        return self->make_response_promise<std::vector<std::string>>().delegate(
            handle, members_atom::value);
      },
      [=](members_atom, uint32_t app_id,
          const std::string& group) -> caf::result<std::vector<std::string>> {
        auto handle = find_child(self->state.groups, scoped_key(app_id, group));
        auto remote = self->state.setup.remote;
        if (!remote) {
          if (!handle) return std::vector<std::string>{};
          return self->make_response_promise<std::vector<std::string>>().delegate(
              handle, members_atom::value);
        }
        auto rp = self->make_response_promise<std::vector<std::string>>();
        auto remote_part = [=](std::vector<std::string> here) mutable {
          self->request(remote, caf::infinite, members_atom::value, group_key{app_id, group})
              .then([=](const std::vector<std::string>& there) mutable {
                      rp.deliver(routing::merge_ids(std::move(here), there));
                    },
                    [=](caf::error&) mutable { rp.deliver(here); });
        };
        if (!handle)
          remote_part({});
        else
          self->request(handle, caf::infinite, members_atom::value)
              .then(remote_part, [=](caf::error& e) mutable { rp.deliver(e); });
        return rp;
      },
      [=](user_idle_atom, const std::string& key, uint64_t added) {
        if (retire_if_current(self, self->state.users, key, added)) forget_user(self, key);
      },
      [=](group_idle_atom, const std::string& key, uint64_t joins) {
        if (retire_if_current(self, self->state.groups, key, joins)) forget_group(self, key);
      },
      [=](group_size_atom, const std::string& key, uint32_t members) {
        auto it = self->state.groups.find(key);
        if (it != self->state.groups.end()) it->second.size = members;
      },
      [=](top_groups_atom, uint32_t limit) { return top_groups(self, limit); },
      [=](registry_atom) { return self->state.registry; },
      [=](size_atom) -> caf::result<uint64_t> {
        return self->make_response_promise<uint64_t>().delegate(self->state.deadlines,
                                                                size_atom::value);
      },
      [=](drain_atom) {
        auto& conns = self->state.connections;
        conns.for_each([](const std::string&, const client_index::entry& conn) {
          conn.sink->close(close_reason::drained, drain_close_text);
        });
        log::node()->warn("draining: {} connection(s) closed with 1001", conns.size());
        return static_cast<uint32_t>(conns.size());
      },
      [=](shutdown_atom) {
        auto& conns = self->state.connections;
        conns.for_each([](const std::string&, const client_index::entry& conn) {
          caf::anon_send(conn.handle, close_atom::value,
                         static_cast<uint8_t>(close_reason::shutdown));
        });
        return static_cast<uint32_t>(conns.size());
      },
      [=](sample_atom) {
        sample(self);
        self->delayed_send<caf::message_priority::high>(
            self, std::chrono::milliseconds(self->state.setup.config->actor_stats_ms),
            sample_atom::value);
      });
}

}  // namespace parley
