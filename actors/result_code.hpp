// result_code: the protocol's result codes (gowebsocket family), mapped to text once here.
//
// Every boundary (WebSocket responses, HTTP API bodies) turns a result_code into
// {code, codeMsg} with code_message(); nothing else invents codes or texts.
#pragma once

#include <cstdint>

namespace parley {

enum class result_code : uint16_t {
  ok = 200,
  not_logged_in = 1000,
  illegal_parameter = 1001,
  illegal_user_id = 1002,
  unauthorized = 1003,
  server_error = 1004,
  no_data = 1005,
  add_failed = 1006,
  delete_failed = 1007,
  store_failed = 1008,
  operation_failed = 1009,
  route_not_exist = 1010,
  rate_limited = 1011,  // past frame_rate / frame_burst (Parley's own; not in gowebsocket)
};

// The standard text for a code ("Success", "Not logged in", ...). Never null.
const char* code_message(result_code code);

inline int to_int(result_code code) { return static_cast<int>(code); }

}  // namespace parley
