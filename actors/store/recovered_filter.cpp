#include "actors/store/recovered_filter.hpp"

#include <nlohmann/json.hpp>

namespace parley {

recovered_filter::recovered_filter(clock::duration lifetime) : until_(clock::now() + lifetime) {}

std::string recovered_filter::key(const std::string& id, const std::string& from,
                                  const std::string& msg_id) {
  std::string out;
  out.reserve(id.size() + from.size() + msg_id.size() + 2);
  out.append(id).push_back('\0');
  out.append(from).push_back('\0');
  out.append(msg_id);
  return out;
}

void recovered_filter::add(const std::string& group, const stored_message& m) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (recovered_[group].insert(key(m.message.id, m.message.from, m.message.msg_id)).second) ++left_;
}

bool recovered_filter::empty() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return left_ == 0;
}

bool recovered_filter::pass(const std::string& frame) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (left_ == 0) return true;
  // Only `msg` pushes can be copies (protocol/codec.cpp writes "cmd" first): the others
  // are not parsed.
  if (frame.rfind("{\"cmd\":\"msg\",", 0) != 0) return true;
  auto push = nlohmann::json::parse(frame, nullptr, false);
  if (!push.is_object()) return true;
  auto response = push.find("response");
  if (response == push.end() || !response->is_object()) return true;
  auto data = response->find("data");
  if (data == response->end() || !data->is_object()) return true;
  auto text = [&](const char* name) {
    auto it = data->find(name);
    return it != data->end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  auto group = recovered_.find(text("target"));
  if (group == recovered_.end()) return true;
  if (group->second.erase(key(text("id"), text("from"), text("msgID"))) == 0) return true;
  --left_;
  return false;
}

bool recovered_filter::expired() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return left_ == 0 || clock::now() >= until_;
}

}  // namespace parley
