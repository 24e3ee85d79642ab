// libFuzzer target: the protocol codec (actors/protocol/codec). Any bytes a client can send as
// a text frame: decode_request must answer (a request or a refusal with a code), never crash,
// and whatever it accepts or refuses must encode back into JSON that parses with the same seq
// and cmd. The field readers run over whatever data held.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "actors/protocol/codec.hpp"

using namespace parley;
using protocol::json;

namespace {

void check_envelope(const std::string& out, const std::string& seq, const std::string& cmd) {
  auto back = json::parse(out, nullptr, false);
  if (back.is_discarded() || !back.is_object() || !back.contains("response")) std::abort();
  // Invalid UTF-8 cannot arrive here (the parser refuses it), so the strings survive intact.
  if (back["seq"] != seq || back["cmd"] != cmd) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(bytes), size);
  auto d = protocol::decode_request(text);
  if (!d.value) {
    if (d.code == result_code::ok || d.reason.empty()) std::abort();  // a refusal says why
    check_envelope(protocol::encode_response(d.seq, d.cmd, d.code, d.reason, json::object()),
                   d.seq, d.cmd);
    return 0;
  }
  const auto& req = *d.value;
  if (!req.data.is_object()) std::abort();
  check_envelope(protocol::encode_response(req.seq, req.cmd, result_code::ok, "", req.data),
                 req.seq, req.cmd);
  std::string s, reason;
  uint32_t n = 0;
  for (const char* key : {"userID", "group", "msg", "appID", "type"}) {
    protocol::read_string(req.data, key, s, false, reason);
    protocol::read_uint32(req.data, key, n, false, reason);
  }
  return 0;
}
