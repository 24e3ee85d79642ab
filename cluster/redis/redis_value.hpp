// redis_value: one Redis reply, copied out of hiredis' redisReply so that it can cross into
// actor messages (hiredis frees its reply when the callback returns).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace parley::redis {

struct value {
  enum class kind : uint8_t { nil, integer, string, status, array, error };
  kind type = kind::nil;
  long long integer = 0;
  std::string str;  // string, status and error replies
  std::vector<value> elements;

  // An error reply, or no reply at all (connection down, or lost before the answer).
  bool failed() const { return type == kind::error; }
  static value failure(std::string why) {
    value v;
    v.type = kind::error;
    v.str = std::move(why);
    return v;
  }
};

}  // namespace parley::redis
