// libFuzzer target: the HTTP query and form parser (gateway/url). Request targets and form
// bodies come from anyone who can reach the port.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gateway/url.hpp"

using namespace parley;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(bytes), size);
  // Decoding never grows the text (%XX is three bytes for one).
  if (url::decode(text).size() > text.size()) std::abort();
  auto [path, query] = url::split_target(text);
  if (path.size() + query.size() > text.size()) std::abort();
  auto params = url::parse_params(query);
  for (const auto& [key, value] : params)
    if (key.size() + value.size() > query.size()) std::abort();
  for (const char* name : {"appID", "userID", "group", "limit", "cursor"}) url::param(params, name);
  // The same bytes as a form body.
  url::parse_params(text);
  return 0;
}
