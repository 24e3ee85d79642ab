#include "actors/protocol/pushes.hpp"

#include <atomic>
#include <chrono>

#include "actors/protocol/codec.hpp"

namespace parley::protocol {
namespace {
std::atomic<uint64_t> presence_seq{0};
}

int64_t unix_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

frame_ptr encode_message_push(const chat_message& m) {
  json data = {{"target", m.target}, {"type", m.type}, {"msg", m.msg},
               {"from", m.from},     {"msgID", m.msg_id}, {"time", m.time_ms}};
  if (!m.id.empty()) data["id"] = m.id;
  return std::make_shared<const std::string>(encode_push(m.msg_id, "msg", data));
}

frame_ptr encode_presence_push(const char* cmd, uint32_t app_id, const std::string& user_id,
                               const std::string& name, const std::string& avatar) {
  json data = {{"target", ""}, {"type", "text"},  {"msg", ""},
               {"from", user_id}, {"appID", app_id}, {"userID", user_id}};
  if (!name.empty()) data["name"] = name;
  if (!avatar.empty()) data["avatar"] = avatar;
  auto seq = std::string(cmd) + "-" + std::to_string(++presence_seq);
  return std::make_shared<const std::string>(encode_push(seq, cmd, data));
}

frame_ptr encode_online_push(uint32_t app_id, uint32_t count, bool lists) {
  json data = {{"appID", app_id}, {"count", count}, {"lists", lists}};
  auto seq = "online-" + std::to_string(++presence_seq);
  return std::make_shared<const std::string>(encode_push(seq, "online", data));
}

frame_ptr encode_presence_delta(uint32_t app_id, uint32_t count,
                                const std::vector<std::string>& enter,
                                const std::vector<std::string>& exit,
                                const std::vector<std::pair<std::string, user_profile>>& profiles) {
  json data = {{"appID", app_id}, {"count", count}, {"enter", enter}, {"exit", exit}};
  if (!profiles.empty()) {
    auto& out = data["profiles"] = json::object();
    for (const auto& [user, p] : profiles) out[user] = profile_json(p);
  }
  auto seq = "presence-" + std::to_string(++presence_seq);
  return std::make_shared<const std::string>(encode_push(seq, "presence", data));
}

bool valid_message(const std::string& type, const std::string& msg, std::string& reason) {
  if (type == "text") {
    if (msg.empty()) {
      reason = "msg must not be empty";
      return false;
    }
    return true;
  }
  if (type == "img" || type == "voice" || type == "video") {
    if (msg.rfind("http://", 0) != 0 && msg.rfind("https://", 0) != 0) {
      reason = type + " msg must be an http(s) URL";
      return false;
    }
    return true;
  }
  reason = "type must be text, img, voice or video";
  return false;
}

}  // namespace parley::protocol
