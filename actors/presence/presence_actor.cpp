#include "actors/presence/presence_actor.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include "actors/protocol/pushes.hpp"
#include "actors/stats/node_stats.hpp"
#include "config/node_config.hpp"

namespace parley {
namespace {

struct app_presence {
  std::unordered_map<std::string, user_sinks_ptr> users;  // online here
  // Users whose state changed in this interval -> whether they were online at its start.
  std::unordered_map<std::string, bool> changed;
  // The profiles of users who entered in this interval (those who have one), for the deltas.
  std::unordered_map<std::string, user_profile> entered_profiles;
  bool lists = true;           // as the node last said
  bool lists_pushed = true;    // what clients were last told (they start in lists mode)
  uint32_t count_pushed = 0;
  uint32_t elsewhere = 0;      // the other nodes' users of the app, as last answered
  std::unordered_map<caf::actor_addr, sink_ptr> subscribers;
};

struct presence_state {
  std::shared_ptr<const node_config> config;
  node_stats* stats = nullptr;
  remote_actor remote;
  std::unordered_map<uint32_t, app_presence> apps;
  std::unordered_set<uint32_t> dirty;  // apps with changes in this interval
  std::unordered_map<caf::actor_addr, uint32_t> subscribed;  // connection -> its app
  static inline const char* name = "parley.presence";
};

using self_ptr = presence_handle::stateful_pointer<presence_state>;

void note(app_presence& app, const std::string& user, bool was_online) {
  app.changed.emplace(user, was_online);  // keeps the state at the interval's start
}

void push_to_all(self_ptr self, const app_presence& app, const frame_ptr& frame) {
  uint64_t n = 0;
  for (const auto& [id, sinks] : app.users) n += sinks->deliver(frame);
  self->state.stats->pushes_delivered_total.fetch_add(n, std::memory_order_relaxed);
}

// One interval's pushes for one app (see the header).
void flush_app(self_ptr self, uint32_t app_id, app_presence& app) {
  auto& st = self->state;
  auto count = static_cast<uint32_t>(app.users.size()) + app.elsewhere;
  // In list mode `lists` never changes and counts are never due: only `off` pushes nothing.
  if (st.config->presence_of(app_id) != presence_mode::off) {
    bool entered = std::any_of(app.changed.begin(), app.changed.end(), [&](const auto& c) {
      return !c.second && app.users.count(c.first) > 0;  // new: needs the count
    });
    bool switched = app.lists != app.lists_pushed;
    bool counts = !app.lists && (count != app.count_pushed || entered);
    if (switched || counts) {
      push_to_all(self, app, protocol::encode_online_push(app_id, count, app.lists));
      app.lists_pushed = app.lists;
      app.count_pushed = count;
    }
  }
  if (!app.subscribers.empty()) {
    std::vector<std::string> enter, exit;
    for (const auto& [user, was] : app.changed) {
      bool now = app.users.count(user) > 0;
      if (now && !was) enter.push_back(user);
      if (!now && was) exit.push_back(user);
    }
    if (!enter.empty() || !exit.empty()) {
      std::sort(enter.begin(), enter.end());
      std::sort(exit.begin(), exit.end());
      std::vector<std::pair<std::string, user_profile>> profiles;
      for (const auto& user : enter)
        if (auto p = app.entered_profiles.find(user); p != app.entered_profiles.end())
          profiles.emplace_back(user, p->second);
      auto frame = protocol::encode_presence_delta(app_id, count, enter, exit, profiles);
      for (const auto& [addr, sink] : app.subscribers) sink->send(frame);
      st.stats->pushes_delivered_total.fetch_add(app.subscribers.size(), std::memory_order_relaxed);
    }
  }
  app.changed.clear();
  app.entered_profiles.clear();
}

// A cluster: asks the other nodes how many users each app in counts has there; the answer
// marks the app for the next flush when it changed.
void ask_elsewhere(self_ptr self) {
  auto& st = self->state;
  if (!st.remote) return;
  for (auto& [app_id, app] : st.apps) {
    if (app.lists || app.users.empty()) continue;
    auto id = app_id;
    self->request(st.remote, caf::infinite, users_atom::value, id, std::string{}, uint32_t{1})
        .then([=](const user_page& page) { self->send(self, users_atom::value, id, page.total); },
              [](caf::error&) {});
  }
}

void flush(self_ptr self) {
  auto& st = self->state;
  ask_elsewhere(self);
  for (auto app_id : st.dirty) {
    auto it = st.apps.find(app_id);
    if (it == st.apps.end()) continue;
    flush_app(self, app_id, it->second);
    if (it->second.users.empty() && it->second.subscribers.empty()) st.apps.erase(it);
  }
  st.dirty.clear();
}

void unsubscribe(self_ptr self, const caf::actor_addr& conn) {
  auto& st = self->state;
  auto it = st.subscribed.find(conn);
  if (it == st.subscribed.end()) return;
  if (auto app = st.apps.find(it->second); app != st.apps.end()) {
    app->second.subscribers.erase(conn);
    st.dirty.insert(it->second);  // erased at the flush if nothing is left
  }
  st.subscribed.erase(it);
}

presence_handle::behavior_type presence_actor(self_ptr self,
                                              std::shared_ptr<const node_config> config,
                                              node_stats* stats, remote_actor remote) {
  auto& st = self->state;
  st.config = std::move(config);
  st.stats = stats;
  st.remote = std::move(remote);
  auto every = std::chrono::milliseconds(st.config->presence_interval_ms);
  self->delayed_send(self, every, tick_atom::value);
  self->set_down_handler([=](caf::down_msg& dm) { unsubscribe(self, dm.source); });
  return {
      [=](enter_atom, uint32_t app_id, const std::string& user, const user_sinks_ptr& sinks,
          bool lists, const user_profile& profile) {
        auto& st = self->state;
        auto& app = st.apps[app_id];
        bool was = app.users.count(user) > 0;
        note(app, user, was);
        if (!profile.empty() && !app.subscribers.empty()) app.entered_profiles[user] = profile;
        app.users[user] = sinks;
        app.lists = lists;
        st.dirty.insert(app_id);
      },
      [=](exit_atom, uint32_t app_id, const std::string& user, bool lists) {
        auto& st = self->state;
        auto& app = st.apps[app_id];
        note(app, user, app.users.count(user) > 0);
        app.users.erase(user);
        app.lists = lists;
        st.dirty.insert(app_id);
      },
      [=](subscribe_atom, uint32_t app_id, const caf::actor& conn, const sink_ptr& sink,
          bool on) -> presence_snapshot {
        auto& st = self->state;
        unsubscribe(self, conn.address());
        auto& app = st.apps[app_id];
        // What changed before the snapshot is in it: it must not come again as a delta. The
        // others get this interval's changes now, and the record starts again.
        flush_app(self, app_id, app);
        if (on) {
          app.subscribers[conn.address()] = sink;
          st.subscribed[conn.address()] = app_id;
          self->monitor(conn);
        }
        presence_snapshot snap;
        snap.count = static_cast<uint32_t>(app.users.size()) + app.elsewhere;
        snap.lists = app.lists;
        snap.users.reserve(app.users.size());
        for (const auto& [id, sinks] : app.users) snap.users.push_back(id);
        std::sort(snap.users.begin(), snap.users.end());
        st.dirty.insert(app_id);
        return snap;
      },
      [=](users_atom, uint32_t app_id, uint32_t total) {
        auto& st = self->state;
        auto it = st.apps.find(app_id);
        if (it == st.apps.end() || it->second.elsewhere == total) return;
        it->second.elsewhere = total;
        st.dirty.insert(app_id);
      },
      [=](tick_atom) {
        flush(self);
        self->delayed_send(self, std::chrono::milliseconds(self->state.config->presence_interval_ms),
                           tick_atom::value);
      },
  };
}

}  // namespace

presence_handle spawn_presence(caf::local_actor* parent, std::shared_ptr<const node_config> config,
                               node_stats* stats, remote_actor remote) {
  return parent->spawn<caf::linked>(presence_actor, std::move(config), stats, std::move(remote));
}

}  // namespace parley
