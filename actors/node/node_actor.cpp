#include "actors/node/node_actor.hpp"

#include <algorithm>

#include "actors/connection/connection_actor.hpp"
#include "actors/deadline/deadline_wheel.hpp"
#include "actors/group/group_actor.hpp"
#include "actors/protocol/pushes.hpp"
#include "actors/user/user_actor.hpp"
#include "config/node_config.hpp"
#include "config/logging.hpp"

namespace parley {
namespace {

using self_ptr = caf::stateful_actor<node_state>*;

void watch(self_ptr self, const caf::actor& child, actor_kind kind, std::string key) {
  self->monitor(child);
  self->state.watched.emplace(child.address(), std::make_pair(kind, std::move(key)));
}

registry_ptr spawn_behaviours(self_ptr self) {
  auto registry = std::make_shared<behaviour_registry>();
  auto& st = self->state;
  behaviour_context ctx{caf::actor_cast<caf::actor>(self), st.setup.config, st.setup.stats,
                        st.directory};
  for (const auto& spec : st.setup.behaviours) {
    auto make = spec.make;
    auto stats = st.setup.stats;
    auto handler = self->spawn([make, ctx, stats](caf::event_based_actor* b) {
      // The gauge lives as long as the behaviour actor: attach releases it at exit.
      auto gauge = std::make_shared<live_gauge>(stats->live(actor_kind::behaviour));
      b->attach_functor([gauge] {});
      return make(b, ctx);
    });
    if (!registry->add(spec.name, {handler, spec.requires_login, spec.websocket})) {
      log::node()->error("behaviour '{}' registered twice; keeping the first", spec.name);
      self->send_exit(handler, caf::exit_reason::user_shutdown);
      continue;
    }
    watch(self, handler, actor_kind::behaviour, spec.name);
  }
  return registry;
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

void forget_user(self_ptr self, const std::string& key) {
  auto& st = self->state;
  auto it = st.users.find(key);
  if (it == st.users.end()) return;
  auto slash = key.find('/');
  auto app_id = static_cast<uint32_t>(std::stoul(key.substr(0, slash)));
  auto user_id = key.substr(slash + 1);
  st.watched.erase(it->second.handle.address());
  st.users.erase(it);
  st.directory->erase(key);
  auto& app = st.app_users[app_id];
  app.erase(user_id);
  if (app.empty()) st.app_users.erase(app_id);
  log::node()->info("offline app={} user={}", app_id, user_id);
  if (self->state.setup.config->presence_pushes)
    push_to_app(self, app_id, protocol::encode_presence_push("exit", app_id, user_id));
}

node_state::child& user_for_login(self_ptr self, uint32_t app_id, const std::string& user_id) {
  auto& st = self->state;
  auto key = scoped_key(app_id, user_id);
  auto it = st.users.find(key);
  if (it != st.users.end()) return it->second;
  auto sinks = std::make_shared<user_sinks>();
  auto user = self->spawn(user_actor, user_setup{app_id, user_id, key,
                                                 caf::actor_cast<caf::actor>(self),
                                                 st.setup.stats, sinks});
  watch(self, user, actor_kind::user, key);
  st.directory->insert(key, sinks);
  st.app_users[app_id].insert(user_id);
  return st.users.emplace(key, node_state::child{user, 0, 0, std::move(sinks)}).first->second;
}

caf::actor group_for_join(self_ptr self, uint32_t app_id, const std::string& name) {
  auto& st = self->state;
  auto key = scoped_key(app_id, name);
  auto it = st.groups.find(key);
  if (it != st.groups.end()) return it->second.handle;
  auto group = self->spawn(group_actor, group_setup{app_id, name, key,
                                                    caf::actor_cast<caf::actor>(self),
                                                    st.setup.stats});
  watch(self, group, actor_kind::group, key);
  st.groups.emplace(key, node_state::child{group, 0, 0, nullptr});
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
  self->send(it->second.handle, shutdown_atom::value);
  return true;
}

// The `limit` largest groups. O(G log limit) over all groups; for the console, once a second.
std::vector<group_summary> top_groups(self_ptr self, uint32_t limit) {
  std::vector<group_summary> out;
  for (const auto& [key, g] : self->state.groups) {
    auto slash = key.find('/');
    out.push_back({static_cast<uint32_t>(std::stoul(key.substr(0, slash))), key.substr(slash + 1), g.size});
  }
  auto n = std::min<size_t>(limit, out.size());
  std::partial_sort(out.begin(), out.begin() + n, out.end(),
                    [](const group_summary& a, const group_summary& b) { return a.members > b.members; });
  out.resize(n);
  return out;
}

void on_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  auto it = st.watched.find(dm.source);
  if (it == st.watched.end()) return;
  auto [kind, key] = it->second;
  st.watched.erase(it);
  switch (kind) {
    case actor_kind::connection: st.connections.erase(key); break;
    case actor_kind::user:
      if (st.users.count(key)) {
        log::node()->error("user actor died key={} reason={}", key, self->system().render(dm.reason));
        forget_user(self, key);
      }
      break;
    case actor_kind::group: st.groups.erase(key); break;
    case actor_kind::behaviour:
      log::node()->error("behaviour actor '{}' died: {}; its cmd now answers 1004", key,
                         self->system().render(dm.reason));
      break;
    default: break;
  }
}

}  // namespace

caf::behavior node_actor(caf::stateful_actor<node_state>* self, node_setup setup) {
  auto& st = self->state;
  st.live = live_gauge(setup.stats->live(actor_kind::node));
  st.setup = std::move(setup);
  st.directory = std::make_shared<user_directory>();
  // Linked: it goes down with the node, and the node cannot run without it.
  st.deadlines = self->spawn<caf::linked>(deadline_wheel, std::chrono::milliseconds(250));
  st.registry = spawn_behaviours(self);
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  // The node going down takes every actor it supervises with it.
  self->set_exit_handler([=](caf::exit_msg& em) {
    for (const auto& [addr, what] : self->state.watched)
      self->send_exit(caf::actor_cast<caf::actor>(addr), em.reason);
    self->quit(em.reason);
  });
  return {
      [=](connect_atom, const sink_ptr& sink, const std::string& remote, uint32_t pre_app,
          const std::string& pre_user) {
        auto& st = self->state;
        auto conn_id = st.setup.node_id + "-" + std::to_string(++st.next_conn);
        connection_setup cs{conn_id, remote, sink, caf::actor_cast<caf::actor>(self),
                            st.registry, st.setup.config, st.setup.stats, std::nullopt,
                            st.deadlines};
        if (pre_app != 0) cs.preauth.emplace(pre_app, pre_user);
        auto conn = self->spawn(connection_actor, std::move(cs));
        watch(self, conn, actor_kind::connection, conn_id);
        st.connections.emplace(conn_id, conn);
        sink->attach(conn, conn_id);
      },
      [=](login_atom, uint32_t app_id, const std::string& user_id, const caf::actor& conn,
          const sink_ptr& sink) {
        auto& user = user_for_login(self, app_id, user_id);
        // Deliverable from now on, before the login is answered (see user_sinks.hpp).
        user.sinks->add(sink);
        self->send(user.handle, add_atom::value, conn, sink);
        ++user.forwarded;
        if (self->state.setup.config->presence_pushes)
          push_to_app(self, app_id, protocol::encode_presence_push("enter", app_id, user_id),
                      user_id);
        return user.handle;
      },
      [=](join_atom, uint32_t app_id, const std::string& group, const std::string& user_id,
          const caf::actor& user, const user_sinks_ptr& sinks) {
        auto handle = group_for_join(self, app_id, group);
        ++self->state.groups[scoped_key(app_id, group)].forwarded;
        return self->delegate(handle, join_atom::value, user_id, user, sinks);
      },
      [=](leave_atom, uint32_t app_id, const std::string& group,
          const std::string& user_id) -> caf::result<caf::message> {
        auto handle = find_child(self->state.groups, scoped_key(app_id, group));
        if (!handle) return caf::make_message(false);
        return self->delegate(handle, leave_atom::value, user_id);
      },
      [=](send_group_atom, uint32_t app_id, const std::string& group, const std::string& sender,
          bool check_member, const frame_ptr& frame) -> caf::result<caf::message> {
        auto handle = find_child(self->state.groups, scoped_key(app_id, group));
        if (!handle)
          return caf::make_message(
              group_send_result{check_member ? result_code::unauthorized : result_code::ok, 0});
        return self->delegate(handle, send_group_atom::value, sender, check_member, frame);
      },
      [=](send_app_atom, uint32_t app_id, const frame_ptr& frame) {
        return static_cast<uint32_t>(push_to_app(self, app_id, frame));
      },
      [=](users_atom, uint32_t app_id) {
        std::vector<std::string> out;
        auto it = self->state.app_users.find(app_id);
        if (it != self->state.app_users.end()) out.assign(it->second.begin(), it->second.end());
        return out;
      },
      [=](online_atom, uint32_t app_id, const std::string& user_id) {
        return self->state.users.count(scoped_key(app_id, user_id)) > 0;
      },
      [=](members_atom, uint32_t app_id,
          const std::string& group) -> caf::result<caf::message> {
        auto handle = find_child(self->state.groups, scoped_key(app_id, group));
        if (!handle) return caf::make_message(std::vector<std::string>{});
        return self->delegate(handle, members_atom::value);
      },
      [=](user_idle_atom, const std::string& key, uint64_t added) {
        if (retire_if_current(self, self->state.users, key, added)) forget_user(self, key);
      },
      [=](group_idle_atom, const std::string& key, uint64_t joins) {
        auto& st = self->state;
        if (!retire_if_current(self, st.groups, key, joins)) return;
        st.watched.erase(st.groups[key].handle.address());
        st.groups.erase(key);
      },
      [=](group_size_atom, const std::string& key, uint32_t members) {
        auto it = self->state.groups.find(key);
        if (it != self->state.groups.end()) it->second.size = members;
      },
      [=](top_groups_atom, uint32_t limit) { return top_groups(self, limit); },
      [=](registry_atom) { return self->state.registry; },
      [=](shutdown_atom) {
        auto& conns = self->state.connections;
        for (const auto& [id, conn] : conns)
          self->send(conn, close_atom::value, static_cast<uint8_t>(close_reason::shutdown));
        return static_cast<uint32_t>(conns.size());
      },
  };
}

}  // namespace parley
