// actor_samples: the node's latest sample of its hot actors, for operators (docs/
// observability.md): the node actor, each behaviour actor and the busiest groups, with the
// messages each handled per second over the last interval and its mailbox depth when
// sampled. Written by the node actor every actor_stats_ms; read by /system/state, /metrics
// and the cluster's registry entry (so every node shows every node's figures).
#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace parley {

struct actor_sample {
  std::string kind;  // node, behaviour, group
  std::string name;  // the behaviour's cmd, the group's "appID/name"
  double per_second = 0;
  uint64_t mailbox = 0;  // messages waiting when last asked
  uint32_t members = 0;  // groups
};

// One command's figures since the node started (per_second: over the last interval).
struct command_summary {
  std::string cmd;
  uint64_t count = 0;
  uint64_t errors = 0;
  double per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
};

struct actor_snapshot {
  int64_t time_ms = 0;                    // Unix ms of the sample; 0: none yet (or sampling off)
  std::vector<actor_sample> actors;       // node, then behaviours by name
  std::vector<actor_sample> groups;       // the busiest, most messages per second first
  std::vector<command_summary> commands;  // by name
};

inline nlohmann::json to_json(const actor_sample& a) {
  nlohmann::json j{
      {"kind", a.kind}, {"name", a.name}, {"perSecond", a.per_second}, {"mailbox", a.mailbox}};
  if (a.kind == "group") j["members"] = a.members;
  return j;
}

inline nlohmann::json to_json(const command_summary& c) {
  return {{"cmd", c.cmd},       {"count", c.count},
          {"errors", c.errors}, {"perSecond", c.per_second},
          {"p50Us", c.p50_us},  {"p99Us", c.p99_us}};
}

inline nlohmann::json to_json(const actor_snapshot& s) {
  auto actors = nlohmann::json::array(), groups = nlohmann::json::array(),
       commands = nlohmann::json::array();
  for (const auto& a : s.actors) actors.push_back(to_json(a));
  for (const auto& g : s.groups) groups.push_back(to_json(g));
  for (const auto& c : s.commands) commands.push_back(to_json(c));
  return {{"timeMs", s.time_ms}, {"actors", actors}, {"groups", groups}, {"commands", commands}};
}

class actor_samples {
 public:
  void set(actor_snapshot s) {
    std::lock_guard<std::mutex> guard(mutex_);
    latest_ = std::move(s);
  }
  actor_snapshot get() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return latest_;
  }

 private:
  mutable std::mutex mutex_;
  actor_snapshot latest_;
};

}  // namespace parley
