#include "actors/protocol/codec.hpp"

#include <algorithm>
#include <cctype>

#include "config/text.hpp"

namespace parley::protocol {
namespace {

decoded fail(std::string reason, std::string seq = {}, std::string cmd = {}) {
  decoded d;
  d.code = result_code::illegal_parameter;
  d.reason = std::move(reason);
  d.seq = std::move(seq);
  d.cmd = std::move(cmd);
  return d;
}

// True when arrays/objects nest deeper than `limit` (brackets inside strings do not count).
// One pass over the bytes, before the parser builds anything.
bool nested_deeper_than(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

decoded decode_request(std::string_view text) {
  if (nested_deeper_than(text, max_json_depth))
    return fail("nested deeper than " + std::to_string(max_json_depth) + " levels");
  auto doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return fail("invalid JSON");
  if (!doc.is_object()) return fail("request must be a JSON object");
  request req;
  if (auto it = doc.find("seq"); it != doc.end() && !it->is_null()) {
    if (it->is_string())
      req.seq = it->get<std::string>();
    else if (it->is_number_integer())
      req.seq = it->dump();
    else
      return fail("seq must be a string");
  }
  auto cmd = doc.find("cmd");
  if (cmd == doc.end()) return fail("missing cmd", req.seq);
  if (!cmd->is_string()) return fail("cmd must be a string", req.seq);
  req.cmd = cmd->get<std::string>();
  if (auto it = doc.find("data"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) return fail("data must be an object", req.seq, req.cmd);
    req.data = std::move(*it);
  }
  decoded d;
  d.seq = req.seq;
  d.cmd = req.cmd;
  d.value = std::move(req);
  return d;
}

namespace {

void append(std::string& out, const json& value) {
  out += value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// {"cmd":..,"response":{"code":..,"codeMsg":..,"data":..},"seq":..}, written piece by piece:
// building the envelope as a json object (initializer lists, a deep copy of `data`, map
// nodes) cost ~26,000 instructions per reply (callgrind, login replies). The key order is
// the one nlohmann's std::map objects dump, which clients have always seen.
std::string envelope(const std::string& seq, const std::string& cmd, int code,
                     const std::string& code_msg, const json& data) {
  std::string out;
  out.reserve(64 + seq.size() + cmd.size() + code_msg.size());
  out += "{\"cmd\":";
  append(out, cmd);
  out += ",\"response\":{\"code\":";
  out += std::to_string(code);
  out += ",\"codeMsg\":";
  append(out, code_msg);
  out += ",\"data\":";
  append(out, data);
  out += "},\"seq\":";
  append(out, seq);
  out += '}';
  return out;
}

}  // namespace

std::string encode_response(const std::string& seq, const std::string& cmd, result_code code,
                            const std::string& code_msg, const json& data) {
  return envelope(seq, cmd, to_int(code), code_msg.empty() ? code_message(code) : code_msg, data);
}

std::string encode_push(const std::string& seq, const std::string& cmd, const json& data) {
  static const std::string ok = "Ok";
  return envelope(seq, cmd, 200, ok, data);
}

const json* find_field(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto& fields = object.get_ref<const json::object_t&>();
  auto it = find_ignoring_case(fields, key);
  return it == fields.end() ? nullptr : &it->second;
}

bool read_string(const json& object, std::string_view key, std::string& out, bool required,
                 std::string& reason) {
  auto field = find_field(object, key);
  if (field == nullptr || field->is_null()) {
    if (!required) return true;
    reason = "missing " + std::string(key);
    return false;
  }
  if (!field->is_string()) {
    reason = std::string(key) + " must be a string";
    return false;
  }
  out = field->get<std::string>();
  return true;
}

bool read_uint32(const json& object, std::string_view key, uint32_t& out, bool required,
                 std::string& reason) {
  auto field = find_field(object, key);
  if (field == nullptr || field->is_null()) {
    if (!required) return true;
    reason = "missing " + std::string(key);
    return false;
  }
  if (field->is_number_unsigned() && field->get<uint64_t>() <= UINT32_MAX) {
    out = field->get<uint32_t>();
    return true;
  }
  if (field->is_string() && parse_uint32(field->get_ref<const std::string&>(), out)) return true;
  reason = std::string(key) + " must be a non-negative integer";
  return false;
}

}  // namespace parley::protocol
