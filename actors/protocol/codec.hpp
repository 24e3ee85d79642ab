// codec: the JSON edge of the WebSocket protocol ({seq, cmd, data} in,
// {seq, cmd, response:{code, codeMsg, data}} out). See docs/protocol.md.
//
// Requests are parsed once into `request`; behaviours read their fields from `data` with
// the field readers below, which match keys case-insensitively as the original server did
// (so `appId` and `appID` both work). Nothing here throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/result_code.hpp"

namespace parley::protocol {

using json = nlohmann::json;

struct request {
  std::string seq;
  std::string cmd;
  json data = json::object();
};

// A decoded request, or the code and short reason to answer with (seq/cmd kept when known).
struct decoded {
  std::optional<request> value;
  result_code code = result_code::ok;
  std::string reason;
  std::string seq;
  std::string cmd;
};

// Arrays and objects nested deeper than this are refused (illegal_parameter) before parsing:
// nlohmann parses any depth, but dumping a value again recurses once per level, and 30,000
// levels fit in one 64 KiB frame (found by tests/fuzz/fuzz_codec). No request needs more.
inline constexpr int max_json_depth = 32;

// Parses one text frame. Invalid JSON, nesting deeper than max_json_depth, a non-object, a missing or non-string cmd, a seq that
// is not a string or number, or data that is not an object: illegal_parameter with a reason.
decoded decode_request(std::string_view text);

// Encodes a response frame. `code_msg` empty means code_message(code).
std::string encode_response(const std::string& seq, const std::string& cmd, result_code code,
                            const std::string& code_msg, const json& data);

// Encodes a server push ({seq, cmd, response:{code:200, codeMsg:"Ok", data}}).
std::string encode_push(const std::string& seq, const std::string& cmd, const json& data);

// Field readers over a JSON object. Keys match case-insensitively. Each returns false and
// fills `reason` when the field is missing (and required) or has the wrong type.
const json* find_field(const json& object, std::string_view key);
bool read_string(const json& object, std::string_view key, std::string& out, bool required,
                 std::string& reason);
// Accepts a JSON number or a decimal string ("101"), as forms and older pages send both.
bool read_uint32(const json& object, std::string_view key, uint32_t& out, bool required,
                 std::string& reason);

}  // namespace parley::protocol
