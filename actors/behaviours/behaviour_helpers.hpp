// behaviour_helpers: small pieces every behaviour uses to build its answer.
#pragma once

#include <string>

#include "actors/messages.hpp"
#include "actors/protocol/codec.hpp"

namespace parley::behaviours {

inline command_result reply_ok(nlohmann::json data = nullptr) {
  return command_result{result_code::ok, {}, std::move(data), std::nullopt};
}

inline command_result reply_error(result_code code, std::string reason = {}) {
  return command_result{code, std::move(reason), nullptr, std::nullopt};
}

// Group names: 1 to 64 bytes.
inline bool valid_group_name(const std::string& name) {
  return !name.empty() && name.size() <= 64;
}

// User ids: 1 to 19 bytes (UTF-8), as in the original protocol.
inline bool valid_user_id(const std::string& user_id) {
  return !user_id.empty() && user_id.size() < 20;
}

}  // namespace parley::behaviours
