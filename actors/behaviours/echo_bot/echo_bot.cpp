// echo: the worked example of docs/extending.md. {text} -> {text, from: "echo-bot", count},
// where count is how many echoes this node's bot has answered: a behaviour actor may keep
// state of its own, and it lives for the node's lifetime.
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"

namespace parley::behaviours {
namespace {

caf::behavior make(caf::event_based_actor*, behaviour_context) {
  auto answered = std::make_shared<uint64_t>(0);
  return {[=](handle_atom, const command& c) -> command_result {
    std::string text, reason;
    if (!protocol::read_string(*c.data, "text", text, true, reason))
      return reply_error(result_code::illegal_parameter, reason);
    return reply_ok({{"text", text}, {"from", "echo-bot"}, {"count", ++*answered}});
  }};
}

}  // namespace

behaviour_spec echo_bot() { return {"echo", true, true, make}; }

}  // namespace parley::behaviours
