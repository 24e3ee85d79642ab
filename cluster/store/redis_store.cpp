#include "cluster/store/redis_store.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <unordered_map>

#include <openssl/evp.h>

#include "actors/protocol/pushes.hpp"
#include "actors/stats/cluster_stats.hpp"
#include "cluster/redis/value_message.hpp"
#include "cluster/redis_keys.hpp"
#include "config/logging.hpp"
#include "config/node_config.hpp"

namespace parley::cluster {
namespace {

using redis::value;

// redis client -> store: (reply_atom, call id, value)
using reply_atom = caf::atom_constant<caf::atom("storeRep")>;

using impl_actor = durable_store::extend<caf::reacts_to<reply_atom, uint64_t, value>>;

std::string sha1_hex(const char* text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text, std::strlen(text), digest, &size, EVP_sha1(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

// A Lua script: its body (EVAL, once per Redis start) and its SHA-1 (EVALSHA, every call),
// computed once when the node starts.
struct lua_script {
  explicit lua_script(const char* text) : body(text), sha(sha1_hex(text)) {}
  const char* body;
  std::string sha;
};

// KEYS[1] the conversation's stream; ARGV: maxlen, minid, ttl ms, from, target, type, msg,
// msgID. Returns the new entry's id.
const lua_script append_script{R"(
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
  'f', ARGV[4], 't', ARGV[5], 'y', ARGV[6], 'm', ARGV[7], 'i', ARGV[8])
redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return id)"};

// KEYS[1] the user's directory hash, KEYS[2] their inbox; ARGV: force, maxlen, ttl ms,
// conversation key, id, from, target, type, msg, msgID. 0: the user is on a node now.
const lua_script keep_script{R"(
if ARGV[1] == '0' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'c', ARGV[4], 'd', ARGV[5],
  'f', ARGV[6], 't', ARGV[7], 'y', ARGV[8], 'm', ARGV[9], 'i', ARGV[10])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1)"};

// KEYS[1] the inbox: everything in it, then gone.
const lua_script take_script{R"(
local r = redis.call('XRANGE', KEYS[1], '-', '+')
redis.call('DEL', KEYS[1])
return r)"};

// Stream ids compared as (ms, seq) in Lua (ms < 2^53: exact in a double).
#define PARLEY_LUA_LESS                                                     \
  "local function less(a, b)\n"                                            \
  "  local am, as = string.match(a, '^(%d+)-(%d+)$')\n"                    \
  "  local bm, bs = string.match(b, '^(%d+)-(%d+)$')\n"                    \
  "  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)\n" \
  "  return am < bm or (am == bm and as < bs)\n"                           \
  "end\n"

// KEYS[1] a conversation's stream, KEYS[2] its read positions; ARGV: the user, the id the
// client has, how many at most. Recovery starts after what the client has or has read,
// whichever is newer. Returns {the newest id trimmed or deleted from the stream ("" when
// there is no stream), the entries after that start, the start}.
const lua_script recover_script{PARLEY_LUA_LESS R"(
local from = ARGV[2]
local read = redis.call('HGET', KEYS[2], ARGV[1])
if read and less(from, read) then from = read end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'', {}, from} end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local deleted = '0-0'
for i = 1, #info, 2 do
  if info[i] == 'max-deleted-entry-id' then deleted = info[i + 1] end
end
return {deleted, redis.call('XRANGE', KEYS[1], '(' .. from, '+', 'COUNT', ARGV[3]), from})"};

// KEYS[1] the stream, KEYS[2] its read positions; ARGV: user, upTo, ttl ms. The position
// never goes back and never passes the newest message; returns it, or false (nil) when the
// stream holds nothing.
const lua_script mark_read_script{PARLEY_LUA_LESS R"(
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last == 0 then return false end
local want = ARGV[2]
if less(last[1][1], want) then want = last[1][1] end
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if cur and not less(cur, want) then return cur end
redis.call('HSET', KEYS[2], ARGV[1], want)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return want)"};

// KEYS[1] the stream, KEYS[2] its read positions; ARGV: user, window. Returns {messages after
// the user's position not sent by the user, the newest id ("" when empty)}.
const lua_script unread_script{R"(
local pos = redis.call('HGET', KEYS[2], ARGV[1]) or '0-0'
local entries = redis.call('XRANGE', KEYS[1], '(' .. pos, '+', 'COUNT', ARGV[2])
local n = 0
for _, e in ipairs(entries) do
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 'f' then
      if f[i + 1] ~= ARGV[1] then n = n + 1 end
      break
    end
  end
end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
return {n, #last > 0 and last[1][1] or ''})"};

// KEYS[1] the user's profile hash; ARGV: name given (1/0), name, avatar given, avatar. A
// field given as "" is removed; the hash goes with its last field. Returns {name, avatar}.
const lua_script profile_script{R"(
local function set(given, field, v)
  if given ~= '1' then return end
  if v == '' then redis.call('HDEL', KEYS[1], field) else redis.call('HSET', KEYS[1], field, v) end
end
set(ARGV[1], 'n', ARGV[2])
set(ARGV[3], 'a', ARGV[4])
return redis.call('HMGET', KEYS[1], 'n', 'a'))"};

struct store_state {
  std::shared_ptr<const node_config> config;
  std::vector<redis::client_ptr> shards;
  cluster_stats* stats = nullptr;
  std::unordered_map<uint64_t, std::function<void(value&)>> calls;
  uint64_t next_call = 0;
  bool failing = false;  // logged once per run of failures
  // Private pairs this node listed in their users' parley:pairs sets lately, with when (ms):
  // a pair is listed again at most every tenth of history_max_age (bounded: cleared past
  // max_remembered_pairs).
  std::unordered_map<std::string, int64_t> remembered_pairs;
  static constexpr size_t max_remembered_pairs = 100000;
  static inline const char* name = "parley.store";
};

using self_ptr = impl_actor::stateful_pointer<store_state>;

std::string stream_key(const conversation& conv) { return keys::conversation(conv.key()); }
std::string inbox_key(const user_key& u) { return keys::inbox(u); }

size_t shard_for(self_ptr self, const std::string& key) {
  return keys::shard_of(key, self->state.shards.size());
}

uint64_t window_of(const node_config& c, conversation::kind k) {
  switch (k) {
    case conversation::kind::pair: return c.history_private_window;
    case conversation::kind::group: return c.history_group_window;
    case conversation::kind::room: break;
  }
  return c.history_room_window;
}

uint64_t max_age_ms(const node_config& c) { return uint64_t{c.history_max_age} * 1000; }

void send_command(self_ptr self, size_t shard, std::vector<std::string> args,
                  std::function<void(value&)> then);

// Runs `args` on `shard`; `then` runs in this actor with the reply.
void call(self_ptr self, size_t shard, std::vector<std::string> args,
          std::function<void(value&)> then) {
  send_command(self, shard, std::move(args), std::move(then));
}

// Runs `script` with `args` (the number of keys, the keys, the arguments) on `shard` as
// EVALSHA: the body crosses once per Redis start, not with every message. After a NOSCRIPT
// (Redis restarted, or SCRIPT FLUSH) the call is sent once more as EVAL, which loads it.
// Commands sent before that EVAL fail with NOSCRIPT too and are sent again in the order
// their failures arrive.
void eval(self_ptr self, size_t shard, const lua_script& script, std::vector<std::string> args,
          std::function<void(value&)> then) {
  args.insert(args.begin(), {"EVALSHA", script.sha});
  auto sent = std::make_shared<std::vector<std::string>>(args);
  send_command(self, shard, std::move(args), [self, shard, &script, sent, then](value& v) mutable {
    if (v.type != value::kind::error || v.str.rfind("NOSCRIPT", 0) != 0) return then(v);
    auto again = std::move(*sent);
    again[0] = "EVAL";
    again[1] = script.body;
    send_command(self, shard, std::move(again), std::move(then));
  });
}

void send_command(self_ptr self, size_t shard, std::vector<std::string> args,
                  std::function<void(value&)> then) {
  auto& st = self->state;
  st.stats->redis_commands_total.fetch_add(1, std::memory_order_relaxed);
  auto id = ++st.next_call;
  st.calls.emplace(id, std::move(then));
  auto me = caf::actor_cast<caf::actor>(self);
  st.shards[shard]->command(std::move(args), [me, id](value v) {
    caf::anon_send(me, reply_atom::value, id, std::move(v));
  });
}

// A failed command: counted, logged at the first of a run, an error for the requester.
caf::error failed(self_ptr self, const char* what, const value& v) {
  auto& st = self->state;
  st.stats->store_failures_total.fetch_add(1, std::memory_order_relaxed);
  if (!st.failing)
    log::cluster()->warn("store: {} failed: {} (senders get 1008 until Redis answers)", what,
                         log::safe(v.str, 200));
  st.failing = true;
  return caf::make_error(caf::sec::request_receiver_down);
}

void succeeded(self_ptr self) {
  if (self->state.failing) log::cluster()->info("store: Redis answers again");
  self->state.failing = false;
}

// A stream entry [id, [field, value, ...]] as a stored message of `conv`; `frame` encodes
// its push (kept and taken messages go out; history pages do not need one).
stored_ptr entry_to_message(const value& entry, bool frame, std::string* conv_key = nullptr) {
  if (entry.type != value::kind::array || entry.elements.size() != 2) return nullptr;
  auto id = message_id::parse(entry.elements[0].str);
  if (!id) return nullptr;
  auto out = std::make_shared<stored_message>();
  out->id = *id;
  auto& m = out->message;
  m.id = id->str();
  m.time_ms = static_cast<int64_t>(id->ms);
  const auto& fields = entry.elements[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    const auto& f = fields[i].str;
    const auto& v = fields[i + 1].str;
    if (f.size() != 1) continue;
    switch (f[0]) {
      case 'f': m.from = v; break;
      case 't': m.target = v; break;
      case 'y': m.type = v; break;
      case 'm': m.msg = v; break;
      case 'i': m.msg_id = v; break;
      case 'c': if (conv_key) *conv_key = v; break;
      case 'd':  // an inbox entry: the message's own id in its conversation
        if (auto own = message_id::parse(v)) {
          out->id = *own;
          m.id = own->str();
          m.time_ms = static_cast<int64_t>(own->ms);
        }
        break;
      default: break;
    }
  }
  if (frame) out->frame = protocol::encode_message_push(m);
  return out;
}

// An HMGET n a reply as a profile; nullopt when it is not one.
std::optional<user_profile> profile_of(const value& v) {
  if (v.type != value::kind::array || v.elements.size() != 2) return std::nullopt;
  return user_profile{v.elements[0].str, v.elements[1].str};
}

// Each user of a private pair lists it (for `unread`); bounded by the same age as messages.
// Written again at most every tenth of that age per pair from this node (4 commands a
// message otherwise); a failed write is tried again with the next message.
void remember_pair(self_ptr self, const conversation& conv) {
  auto& seen = self->state.remembered_pairs;
  auto now = protocol::unix_millis();
  auto max_age = static_cast<int64_t>(max_age_ms(*self->state.config));
  auto pair = conv.key();
  if (auto it = seen.find(pair); it != seen.end() && now - it->second < max_age / 10) return;
  if (seen.size() >= store_state::max_remembered_pairs) seen.clear();
  seen[pair] = now;
  auto ttl = std::to_string(max_age);
  for (const auto* user : {&conv.a, &conv.b}) {
    auto key = keys::pairs(user_key{conv.app_id, *user});
    auto shard = shard_for(self, key);
    call(self, shard, {"SADD", key, pair}, [self, pair](value& v) {
      if (v.type != value::kind::integer) self->state.remembered_pairs.erase(pair);
    });
    call(self, shard, {"PEXPIRE", key, ttl}, [](value&) {});
  }
}

// A private pair's key back as the conversation ("p:<app>:<len>:<a><b>"); nullopt otherwise.
std::optional<conversation> parse_pair_key(const std::string& key) {
  if (key.compare(0, 2, "p:") != 0) return std::nullopt;
  auto c1 = key.find(':', 2);
  if (c1 == std::string::npos) return std::nullopt;
  auto c2 = key.find(':', c1 + 1);
  if (c2 == std::string::npos) return std::nullopt;
  try {
    auto app = std::stoul(key.substr(2, c1 - 2));
    auto len = std::stoul(key.substr(c1 + 1, c2 - c1 - 1));
    auto rest = key.substr(c2 + 1);
    if (len > rest.size()) return std::nullopt;
    return conversation{conversation::kind::pair, static_cast<uint32_t>(app), rest.substr(0, len),
                        rest.substr(len)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Unread counts of `convs`, each read on its stream's shard; then `done(counts)`.
void count_unread(self_ptr self, const std::string& user_id, std::vector<conversation> convs,
                  caf::typed_response_promise<std::vector<message_store::unread_count>> rp) {
  auto out = std::make_shared<std::vector<message_store::unread_count>>();
  if (convs.empty()) {
    rp.deliver(std::move(*out));
    return;
  }
  auto left = std::make_shared<size_t>(convs.size());
  auto broken = std::make_shared<bool>(false);
  for (const auto& conv : convs) {
    auto key = stream_key(conv);
    auto window = window_of(*self->state.config, conv.what);
    eval(self, shard_for(self, key), unread_script,
         {"2", key, keys::read_positions(conv.key()), user_id,
          std::to_string(window)},
         [=](value& v) mutable {
           if (v.type != value::kind::array || v.elements.size() != 2) {
             if (!*broken) failed(self, "unread", v);
             *broken = true;
           } else if (v.elements[0].integer > 0) {
             message_store::unread_count u;
             u.conv = conv;
             u.count = static_cast<uint32_t>(v.elements[0].integer);
             if (auto id = message_id::parse(v.elements[1].str)) u.newest = *id;
             out->push_back(std::move(u));
           }
           if (--*left > 0) return;
           if (*broken)
             rp.deliver(caf::make_error(caf::sec::request_receiver_down));
           else
             rp.deliver(std::move(*out));
         });
  }
}

uint64_t oldest_ms(self_ptr self) {
  auto now = static_cast<uint64_t>(protocol::unix_millis());
  auto age = max_age_ms(*self->state.config);
  return now > age ? now - age : 0;
}

// What a take gathers: the inbox, and with `since` one read per named conversation.
struct gathering {
  recovery_ptr since;
  std::vector<stored_ptr> kept;
  std::vector<std::vector<stored_ptr>> after;  // per since entry, oldest first
  size_t waiting = 0;
  bool failed = false;
};

// Kept ones first, less those the history brings (same conversation and id) and those the
// client has; then each conversation's messages after the client's id. Sets `delivered`.
std::vector<stored_ptr> merge(gathering& g, uint32_t app_id) {
  std::vector<stored_ptr> out;
  if (!g.since) return std::move(g.kept);
  auto& entries = g.since->since;
  for (auto& m : g.kept) {
    auto conv = conversation::pair(app_id, m->message.from, m->message.target);
    bool skip = false;
    for (size_t i = 0; i < entries.size(); ++i) {
      auto& r = entries[i];
      if (!(r.conv == conv)) continue;
      if (!(r.after < m->id)) {
        skip = true;  // the client has it
      } else {
        for (const auto& h : g.after[i])
          if (h->id == m->id) skip = true;  // the history brings it
        if (!skip) ++r.delivered;
      }
      break;
    }
    if (!skip) out.push_back(std::move(m));
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    entries[i].delivered += static_cast<uint32_t>(g.after[i].size());
    for (auto& m : g.after[i]) out.push_back(std::move(m));
  }
  return out;
}

// `inbox` false: only the recovery (a group's, after the login's re-join), nothing taken.
void take(self_ptr self, const user_key& user, const recovery_ptr& since,
          caf::typed_response_promise<std::vector<stored_ptr>> rp, bool inbox = true) {
  auto g = std::make_shared<gathering>();
  g->since = since;
  size_t n = since ? since->since.size() : 0;
  g->after.resize(n);
  g->waiting = (inbox ? 1 : 0) + n;
  if (g->waiting == 0) {
    rp.deliver(std::vector<stored_ptr>{});
    return;
  }
  auto one_done = [=]() mutable {
    if (--g->waiting > 0) return;
    if (g->failed && n == 0) {  // counted and logged where it failed
      rp.deliver(caf::make_error(caf::sec::request_receiver_down));
      return;
    }
    auto finish = [=]() mutable {
      auto out = merge(*g, user.app_id);
      self->state.stats->store_taken_total.fetch_add(g->kept.size(), std::memory_order_relaxed);
      rp.deliver(std::move(out));
    };
    if (g->kept.empty()) return finish();
    // Kept messages the user has read on another device meanwhile (ack) are not sent: one
    // read-position lookup per conversation among them.
    std::unordered_map<std::string, std::vector<size_t>> by_conv;
    for (size_t i = 0; i < g->kept.size(); ++i) {
      const auto& m = g->kept[i]->message;
      by_conv[conversation::pair(user.app_id, m.from, m.target).key()].push_back(i);
    }
    auto left = std::make_shared<size_t>(by_conv.size());
    auto drop = std::make_shared<std::vector<bool>>(g->kept.size(), false);
    for (auto& [conv_key, indices] : by_conv) {
      call(self, shard_for(self, keys::conversation(conv_key)),
           {"HGET", keys::read_positions(conv_key), user.user_id},
           [=, indices = indices](value& v) mutable {
             if (auto pos = v.type == value::kind::string ? message_id::parse(v.str) : std::nullopt)
               for (auto i : indices)
                 if (!(*pos < g->kept[i]->id)) (*drop)[i] = true;
             if (--*left > 0) return;
             std::vector<stored_ptr> unread;
             for (size_t i = 0; i < g->kept.size(); ++i)
               if (!(*drop)[i]) unread.push_back(std::move(g->kept[i]));
             g->kept = std::move(unread);
             finish();
           });
    }
  };
  auto directory = keys::of(user);
  if (inbox)
    eval(self, shard_for(self, directory), take_script, {"1", inbox_key(user)},
         [=](value& v) mutable {
           if (v.type != value::kind::array) {
             failed(self, "take", v);
             g->failed = true;
             return one_done();
           }
           succeeded(self);
           auto from = oldest_ms(self);
           for (const auto& e : v.elements)
             if (auto m = entry_to_message(e, true); m && m->id.ms >= from) g->kept.push_back(std::move(m));
           one_done();
         });
  for (size_t i = 0; i < n; ++i) {
    const auto& r = since->since[i];
    auto key = stream_key(r.conv);
    auto window = window_of(*self->state.config, r.conv.what);
    eval(self, shard_for(self, key), recover_script,
         {"2", key, keys::read_positions(r.conv.key()), user.user_id,
          r.after.str(), std::to_string(window)},
         [=](value& v) mutable {
           auto& entry = g->since->since[i];
           if (v.type != value::kind::array || v.elements.size() != 3) {
             failed(self, "recover", v);
             entry.recovered = false;  // unknown: the client pages back with history
             return one_done();
           }
           // What the user has read on any device counts as seen.
           if (auto from = message_id::parse(v.elements[2].str); from && entry.after < *from)
             entry.after = *from;
           const auto& deleted = v.elements[0].str;
           if (deleted.empty()) {
             // No stream: complete only for a client that had seen nothing (as the memory store).
             entry.recovered = entry.after == message_id{};
           } else {
             auto d = message_id::parse(deleted);
             entry.recovered = d && !(entry.after < *d);
           }
           for (const auto& e : v.elements[1].elements)
             if (auto m = entry_to_message(e, true)) g->after[i].push_back(std::move(m));
           one_done();
         });
  }
}

}  // namespace

namespace {

impl_actor::behavior_type store_actor(self_ptr self, std::shared_ptr<const node_config> config,
                                      std::vector<redis::client_ptr> shards, cluster_stats* stats) {
  self->state.config = std::move(config);
  self->state.shards = std::move(shards);
  self->state.stats = stats;
  return {
      [=](append_atom, const conversation& conv,
          protocol::chat_message& m) -> caf::result<stored_ptr> {
        auto& c = *self->state.config;
        auto key = stream_key(conv);
        auto now = static_cast<uint64_t>(protocol::unix_millis());
        auto age = max_age_ms(c);
        auto minid = std::to_string(now > age ? now - age : 0);
        auto rp = self->make_response_promise<stored_ptr>();
        std::vector<std::string> args{"1", key, std::to_string(window_of(c, conv.what)), minid,
                                      std::to_string(age), m.from, m.target, m.type, m.msg,
                                      m.msg_id};
        eval(self, shard_for(self, key), append_script, std::move(args), [=](value& v) mutable {
          auto id = v.type == value::kind::string ? message_id::parse(v.str) : std::nullopt;
          if (!id) {
            rp.deliver(failed(self, "append", v));
            return;
          }
          succeeded(self);
          self->state.stats->store_appends_total.fetch_add(1, std::memory_order_relaxed);
          auto out = std::make_shared<stored_message>();
          out->id = *id;
          out->message = std::move(m);
          out->message.id = id->str();
          out->message.time_ms = static_cast<int64_t>(id->ms);
          out->frame = protocol::encode_message_push(out->message);
          rp.deliver(stored_ptr{std::move(out)});
          if (conv.what == conversation::kind::pair) remember_pair(self, conv);
        });
        return rp;
      },
      [=](history_atom, const conversation& conv, const std::string& before,
          uint32_t limit) -> caf::result<history_page> {
        auto key = stream_key(conv);
        auto rp = self->make_response_promise<history_page>();
        std::vector<std::string> args{"XREVRANGE", key, before.empty() ? "+" : "(" + before, "-",
                                      "COUNT", std::to_string(uint64_t{limit} + 1)};
        call(self, shard_for(self, key), std::move(args), [=](value& v) mutable {
          if (v.type != value::kind::array) {
            rp.deliver(failed(self, "history", v));
            return;
          }
          succeeded(self);
          history_page page;
          for (const auto& e : v.elements) {
            if (page.messages.size() == limit) {
              page.more = true;
              break;
            }
            if (auto m = entry_to_message(e, false)) page.messages.push_back(std::move(m));
          }
          rp.deliver(std::move(page));
        });
        return rp;
      },
      [=](keep_atom, const user_key& user, const conversation& conv, const stored_ptr& s,
          bool force) -> caf::result<keep_outcome> {
        auto& c = *self->state.config;
        auto directory = keys::of(user);
        const auto& m = s->message;
        auto rp = self->make_response_promise<keep_outcome>();
        std::vector<std::string> args{"2", directory, inbox_key(user), force ? "1" : "0",
                                      std::to_string(c.offline_per_user),
                                      std::to_string(max_age_ms(c)), conv.key(), m.id, m.from,
                                      m.target, m.type, m.msg, m.msg_id};
        eval(self, shard_for(self, directory), keep_script, std::move(args), [=](value& v) mutable {
          if (v.type != value::kind::integer) {
            rp.deliver(failed(self, "keep", v));
            return;
          }
          succeeded(self);
          if (v.integer == 0) {
            rp.deliver(keep_outcome::online);
            return;
          }
          self->state.stats->store_kept_total.fetch_add(1, std::memory_order_relaxed);
          rp.deliver(keep_outcome::kept);
        });
        return rp;
      },
      [=](take_atom, const user_key& user) -> caf::result<std::vector<stored_ptr>> {
        auto rp = self->make_response_promise<std::vector<stored_ptr>>();
        take(self, user, nullptr, rp);
        return rp;
      },
      [=](take_atom, const user_key& user,
          const recovery_ptr& since) -> caf::result<std::vector<stored_ptr>> {
        auto rp = self->make_response_promise<std::vector<stored_ptr>>();
        take(self, user, since, rp);
        return rp;
      },
      [=](recover_atom, const user_key& user,
          const recovery_ptr& since) -> caf::result<std::vector<stored_ptr>> {
        auto rp = self->make_response_promise<std::vector<stored_ptr>>();
        take(self, user, since, rp, false);
        return rp;
      },
      [=](mark_read_atom, const conversation& conv, const std::string& user_id,
          const message_id& up_to) -> caf::result<std::string> {
        auto key = stream_key(conv);
        auto rp = self->make_response_promise<std::string>();
        eval(self, shard_for(self, key), mark_read_script,
             {"2", key, keys::read_positions(conv.key()), user_id,
              up_to.str(), std::to_string(max_age_ms(*self->state.config))},
             [=](value& v) mutable {
               if (v.type == value::kind::nil)
                 rp.deliver(std::string());
               else if (v.type != value::kind::string)
                 rp.deliver(failed(self, "ack", v));
               else
                 rp.deliver(v.str);
             });
        return rp;
      },
      [=](unread_atom, uint32_t app, const std::string& user_id,
          const std::vector<conversation>& others)
          -> caf::result<std::vector<message_store::unread_count>> {
        auto rp = self->make_response_promise<std::vector<message_store::unread_count>>();
        auto key = keys::pairs(user_key{app, user_id});
        call(self, shard_for(self, key), {"SMEMBERS", key}, [=](value& v) mutable {
          if (v.type != value::kind::array) {
            rp.deliver(failed(self, "unread", v));
            return;
          }
          std::vector<conversation> convs;
          for (const auto& e : v.elements)
            if (auto c = parse_pair_key(e.str)) convs.push_back(std::move(*c));
          convs.insert(convs.end(), others.begin(), others.end());
          count_unread(self, user_id, std::move(convs), rp);
        });
        return rp;
      },
      [=](profile_atom, const user_key& user) -> caf::result<user_profile> {
        auto rp = self->make_response_promise<user_profile>();
        auto key = keys::profile(user);
        call(self, shard_for(self, key), {"HMGET", key, "n", "a"}, [=](value& v) mutable {
          if (auto p = profile_of(v)) rp.deliver(std::move(*p));
          else rp.deliver(failed(self, "profile", v));
        });
        return rp;
      },
      [=](profile_atom, const user_key& user, const profile_update& update) -> caf::result<user_profile> {
        auto rp = self->make_response_promise<user_profile>();
        auto key = keys::profile(user);
        eval(self, shard_for(self, key), profile_script,
             {"1", key, update.name ? "1" : "0", update.name.value_or(""),
              update.avatar ? "1" : "0", update.avatar.value_or("")},
             [=](value& v) mutable {
               if (auto p = profile_of(v)) rp.deliver(std::move(*p));
               else rp.deliver(failed(self, "profile", v));
             });
        return rp;
      },
      [=](profiles_atom, uint32_t app, const std::vector<std::string>& users)
          -> caf::result<std::vector<user_profile>> {
        auto rp = self->make_response_promise<std::vector<user_profile>>();
        if (users.empty()) return std::vector<user_profile>{};
        auto out = std::make_shared<std::vector<user_profile>>(users.size());
        auto left = std::make_shared<size_t>(users.size());
        auto broken = std::make_shared<bool>(false);
        for (size_t i = 0; i < users.size(); ++i) {
          auto key = keys::profile(user_key{app, users[i]});
          call(self, shard_for(self, key), {"HMGET", key, "n", "a"}, [=](value& v) mutable {
            if (auto p = profile_of(v)) (*out)[i] = std::move(*p);
            else if (!*broken) *broken = (failed(self, "profiles", v), true);
            if (--*left > 0) return;
            if (*broken) rp.deliver(caf::make_error(caf::sec::request_receiver_down));
            else rp.deliver(std::move(*out));
          });
        }
        return rp;
      },
      [=](membership_atom, const user_key& user) -> caf::result<std::vector<std::string>> {
        auto rp = self->make_response_promise<std::vector<std::string>>();
        auto key = keys::memberships(user);
        call(self, shard_for(self, key), {"SMEMBERS", key}, [=](value& v) mutable {
          if (v.type != value::kind::array) {
            rp.deliver(failed(self, "membership", v));
            return;
          }
          std::vector<std::string> groups;
          for (const auto& e : v.elements) groups.push_back(e.str);
          std::sort(groups.begin(), groups.end());
          rp.deliver(std::move(groups));
        });
        return rp;
      },
      [=](membership_atom, const user_key& user, const std::string& group, bool member)
          -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        auto key = keys::memberships(user);
        call(self, shard_for(self, key), {member ? "SADD" : "SREM", key, group},
             [=](value& v) mutable {
               if (v.type != value::kind::integer) rp.deliver(failed(self, "membership", v));
               else rp.deliver(true);
             });
        return rp;
      },
      [=](reply_atom, uint64_t id, value& v) {
        auto& calls = self->state.calls;
        auto it = calls.find(id);
        if (it == calls.end()) return;
        auto fn = std::move(it->second);
        calls.erase(it);
        fn(v);
      },
  };
}

}  // namespace

durable_store spawn_redis_store(caf::actor_system& system, std::shared_ptr<const node_config> config,
                                std::vector<redis::client_ptr> shards, cluster_stats* stats) {
  auto handle = system.spawn(store_actor, std::move(config), std::move(shards), stats);
  return caf::actor_cast<durable_store>(handle);
}

}  // namespace parley::cluster
