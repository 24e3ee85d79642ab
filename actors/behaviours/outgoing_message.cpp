#include "actors/behaviours/outgoing_message.hpp"

#include "actors/behaviours/behaviour_helpers.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

std::string flight_key(const outgoing_messages::prepared& p) { return p.sender + '\0' + p.msg_id; }

}  // namespace

outgoing_messages::outgoing_messages(const node_config& config)
    : seen_(std::chrono::seconds(config.dedup_window), config.dedup_max_per_sender,
            config.dedup_max_bytes),
      max_message_bytes_(config.max_message_bytes) {}

outgoing_messages::prepared outgoing_messages::prepare(const command& c,
                                                       const std::string& target, bool encode) {
  prepared out;
  std::string reason;
  protocol::chat_message m;
  m.type = "text";
  const auto& data = *c.data;
  if (!protocol::read_string(data, "type", m.type, false, reason) ||
      !protocol::read_string(data, "msg", m.msg, true, reason) ||
      !protocol::read_string(data, "msgID", m.msg_id, false, reason) ||
      !protocol::valid_message(m.type, m.msg, reason)) {
    out.answer = reply_error(result_code::illegal_parameter, reason);
    return out;
  }
  if (m.msg.size() > max_message_bytes_) {
    out.answer = reply_error(result_code::illegal_parameter,
                             "msg is " + std::to_string(m.msg.size()) + " bytes; at most " +
                                 std::to_string(max_message_bytes_) + " (max_message_bytes)");
    return out;
  }
  if (m.msg_id.size() > max_msg_id_bytes) {
    out.answer = reply_error(result_code::illegal_parameter, "msgID must be at most 64 bytes");
    return out;
  }
  out.recorded = !m.msg_id.empty();
  if (!out.recorded)
    m.msg_id = (c.conn_id.empty() ? "http" : c.conn_id) + "-" + std::to_string(++generated_);
  out.msg_id = m.msg_id;
  if (out.recorded) {
    // HTTP callers share one scope per app, as the original's Redis key did.
    out.sender = std::to_string(c.login->app_id) + "/" +
                 (c.origin == command_origin::http ? std::string() : sender_of(c));
    auto now = dedup_window::clock::now();
    if (const auto* first = seen_.find(out.sender, out.msg_id, now)) {
      auto replay = nlohmann::json::parse(*first, nullptr, false);
      replay["duplicate"] = true;
      out.answer = reply_ok(std::move(replay));
      return out;
    }
    if (!in_flight_.empty() && in_flight_.count(flight_key(out))) {
      out.answer = reply_error(result_code::operation_failed, "a send with this msgID is in progress");
      return out;
    }
  }
  m.target = target;
  m.from = sender_of(c);
  m.time_ms = protocol::unix_millis();
  if (encode) out.frame = protocol::encode_message_push(m);
  out.message = std::move(m);
  out.ok = true;
  return out;
}

void outgoing_messages::store(prepared& p, message_store* store, const conversation& conv) {
  if (!store) {
    if (!p.frame) p.frame = protocol::encode_message_push(p.message);
    return;
  }
  p.stored = store->append(conv, p.message);
  p.frame = p.stored->frame;
}

void outgoing_messages::add_id(const prepared& p, nlohmann::json& data) {
  if (!p.stored) return;
  data["id"] = p.stored->message.id;
  data["time"] = p.stored->message.time_ms;
}

void outgoing_messages::sending(const prepared& p) {
  if (p.recorded) in_flight_.insert(flight_key(p));
}

void outgoing_messages::accepted(const prepared& p, const nlohmann::json& data) {
  if (!p.recorded) return;
  if (!in_flight_.empty()) in_flight_.erase(flight_key(p));
  seen_.record(p.sender, p.msg_id, data.dump(), dedup_window::clock::now());
}

void outgoing_messages::rejected(const prepared& p) {
  if (p.recorded && !in_flight_.empty()) in_flight_.erase(flight_key(p));
}

}  // namespace parley::behaviours
