#include "actors/behaviours/outgoing_message.hpp"

#include "actors/behaviours/behaviour_helpers.hpp"

namespace parley::behaviours {

outgoing_messages::outgoing_messages(std::chrono::seconds dedup_window) : seen_(dedup_window) {}

outgoing_messages::prepared outgoing_messages::prepare(const command& c,
                                                       const std::string& target) {
  prepared out;
  std::string reason;
  protocol::chat_message m;
  m.type = "text";
  const auto& data = *c.data;
  if (!protocol::read_string(data, "type", m.type, false, reason) ||
      !protocol::read_string(data, "msg", m.msg, true, reason) ||
      !protocol::read_string(data, "msgID", m.msg_id, false, reason) ||
      !protocol::valid_message(m.type, m.msg, reason)) {
    out.error = reply_error(result_code::illegal_parameter, reason);
    return out;
  }
  bool given_id = !m.msg_id.empty();
  if (!given_id) m.msg_id = (c.conn_id.empty() ? "http" : c.conn_id) + "-" + std::to_string(++generated_);
  out.msg_id = m.msg_id;
  // HTTP callers share one namespace per app, as the original's Redis key did.
  auto sender_scope = c.origin == command_origin::http ? std::string("\x01http") : sender_of(c);
  auto key = std::to_string(c.login->app_id) + "/" + sender_scope + "/" + m.msg_id;
  if (given_id && !seen_.first_time(key, dedup_window::clock::now())) {
    out.duplicate = true;
    return out;
  }
  m.target = target;
  m.from = sender_of(c);
  m.time_ms = protocol::unix_millis();
  out.frame = protocol::encode_message_push(m);
  return out;
}

}  // namespace parley::behaviours
