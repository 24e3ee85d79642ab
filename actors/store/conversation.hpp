// conversation: where a message belongs, and message_id: its place there.
//
// Three kinds (docs/storage.md): a private pair (appID, two users, in either order the same
// conversation), a group (appID, name) and the room (appID, what sendAll reaches). Ids are
// Redis stream ids, "<unix ms>-<seq>": they increase within a conversation, also when the
// clock steps back (the store keeps the last id's time and counts on), and compare as the
// pair (ms, seq), so the in-memory store and a Redis stream hand out the same shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

namespace parley {

struct conversation {
  enum class kind : uint8_t { pair, group, room };
  kind what = kind::room;
  uint32_t app_id = 0;
  std::string a;  // pair: the smaller user id; group: its name
  std::string b;  // pair: the larger user id

  static conversation pair(uint32_t app_id, const std::string& u1, const std::string& u2) {
    return u1 < u2 ? conversation{kind::pair, app_id, u1, u2} : conversation{kind::pair, app_id, u2, u1};
  }
  static conversation group(uint32_t app_id, const std::string& name) {
    return {kind::group, app_id, name, {}};
  }
  static conversation room(uint32_t app_id) { return {kind::room, app_id, {}, {}}; }

  // A stable text key: "p:<app>:<len(a)>:<a><b>", "g:<app>:<name>", "r:<app>". The length
  // prefix keeps ("a:b", "c") and ("a", "b:c") apart.
  std::string key() const {
    auto app = std::to_string(app_id);
    switch (what) {
      case kind::pair: return "p:" + app + ":" + std::to_string(a.size()) + ":" + a + b;
      case kind::group: return "g:" + app + ":" + a;
      case kind::room: break;
    }
    return "r:" + app;
  }

  // What `viewer` calls it in the protocol: "u:<the other user>", "g:<name>" or "room".
  std::string name_for(const std::string& viewer) const {
    switch (what) {
      case kind::pair: return "u:" + (a == viewer ? b : a);
      case kind::group: return "g:" + a;
      case kind::room: break;
    }
    return "room";
  }

  // The conversation `viewer` names so ("u:<userID>", "g:<group>", "room"); nullopt for any
  // other text. Ids are checked by the caller (user ids 1-19 bytes, group names 1-64).
  static std::optional<conversation> named(uint32_t app_id, const std::string& viewer,
                                           const std::string& name) {
    if (name == "room") return room(app_id);
    if (name.size() > 2 && name.compare(0, 2, "u:") == 0) return pair(app_id, viewer, name.substr(2));
    if (name.size() > 2 && name.compare(0, 2, "g:") == 0) return group(app_id, name.substr(2));
    return std::nullopt;
  }

  bool operator==(const conversation& o) const {
    return std::tie(what, app_id, a, b) == std::tie(o.what, o.app_id, o.a, o.b);
  }
};

struct message_id {
  uint64_t ms = 0;
  uint64_t seq = 0;

  std::string str() const { return std::to_string(ms) + "-" + std::to_string(seq); }

  // "<ms>-<seq>" (both decimal, no sign, no spaces); nullopt for anything else.
  static std::optional<message_id> parse(const std::string& text) {
    auto dash = text.find('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 == text.size() || text.size() > 41)
      return std::nullopt;
    message_id id;
    if (!digits(text.substr(0, dash), id.ms) || !digits(text.substr(dash + 1), id.seq))
      return std::nullopt;
    return id;
  }

  bool operator<(const message_id& o) const { return std::tie(ms, seq) < std::tie(o.ms, o.seq); }
  bool operator==(const message_id& o) const { return ms == o.ms && seq == o.seq; }

 private:
  static bool digits(const std::string& s, uint64_t& out) {
    if (s.empty() || s.size() > 20) return false;
    unsigned __int128 v = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return false;
      v = v * 10 + static_cast<unsigned>(ch - '0');
    }
    if (v > UINT64_MAX) return false;
    out = static_cast<uint64_t>(v);
    return true;
  }
};

}  // namespace parley
