#include "actors/connection/connection_actor.hpp"

#include "actors/protocol/codec.hpp"
#include "actors/registry/behaviour_registry.hpp"
#include "config/logging.hpp"
#include "config/node_config.hpp"

namespace parley {
namespace {

using self_ptr = caf::stateful_actor<connection_state>*;
using clock = connection_state::clock;

// How long a behaviour may take. Commands are sent without a CAF request timeout: each timed
// request goes through CAF's clock thread (a timer insert, a wake-up, a cancel), which cost
// more than the command itself. Instead the connection's own deadline check (next login or
// heartbeat deadline) closes a connection whose command has been stuck longer than this.
constexpr auto command_timeout = std::chrono::seconds(10);

void reply(self_ptr self, const std::string& seq, const std::string& cmd, result_code code,
           const std::string& code_msg, const nlohmann::json& data) {
  auto text = protocol::encode_response(seq, cmd, code, code_msg, data);
  self->state.setup.sink->send(std::make_shared<const std::string>(std::move(text)));
}

void run_frame(self_ptr self, std::string text);
void close_connection(self_ptr self, close_reason reason, const char* why);
void on_tick(self_ptr self);

// Runs deferred frames in arrival order until one goes to a behaviour (the connection is
// busy again) or none is left. Frames refused on the spot (bad JSON, unknown cmd, not logged
// in) are answered here one after another, so a refusal never strands the frames behind it.
void drain(self_ptr self) {
  auto& st = self->state;
  while (!st.busy && !st.deferred.empty()) {
    auto next = std::move(st.deferred.front());
    st.deferred.pop_front();
    run_frame(self, std::move(next));
  }
}

// One command is finished: let the session read again and run what waited behind it.
void command_done(self_ptr self) {
  self->state.busy = false;
  self->state.setup.sink->frame_done();
  drain(self);
}

void apply_result(self_ptr self, const protocol::request& req, command_result& result) {
  auto& st = self->state;
  if (result.login) {
    st.login = std::move(result.login);
    st.setup.sink->logged_in();
    st.setup.stats->logins_total.fetch_add(1, std::memory_order_relaxed);
    log::conn()->info("login conn={} app={} user={}", st.setup.conn_id, st.login->app_id,
                      log::safe(st.login->user_id));
  } else if (result.code != result_code::ok && req.cmd == "login") {
    st.setup.stats->login_failures_total.fetch_add(1, std::memory_order_relaxed);
  }
  reply(self, req.seq, req.cmd, result.code, result.code_msg, result.data);
}

// A frame arrived from the session: run it now, or queue it behind the command in progress
// (and behind frames already queued, so newer frames never overtake older ones).
void handle_frame(self_ptr self, std::string text) {
  auto& st = self->state;
  if (st.busy || !st.deferred.empty()) {
    st.deferred.push_back(std::move(text));
    return drain(self);
  }
  run_frame(self, std::move(text));
}

// Decodes one frame and answers it on the spot, or hands it to its behaviour (busy).
void run_frame(self_ptr self, std::string text) {
  auto& st = self->state;
  auto decoded = protocol::decode_request(text);
  // The frame rate limit, for every frame (bad ones too), in arrival order: a refusal never
  // overtakes an earlier answer.
  if (auto verdict = st.limiter.take(clock::now()); verdict != rate_limiter::verdict::run) {
    st.setup.stats->rate_limited_total.fetch_add(1, std::memory_order_relaxed);
    reply(self, decoded.seq, decoded.cmd, result_code::rate_limited, {}, nullptr);
    st.setup.sink->frame_done();
    if (verdict == rate_limiter::verdict::close)
      close_connection(self, close_reason::rate_limited, "frame rate limit");
    return;
  }
  if (!decoded.value) {
    st.setup.stats->bad_requests_total.fetch_add(1, std::memory_order_relaxed);
    reply(self, decoded.seq, decoded.cmd, decoded.code, decoded.reason, nullptr);
    st.setup.sink->frame_done();
    return;
  }
  auto req = std::move(*decoded.value);
  auto refuse = [&](result_code code) {
    reply(self, req.seq, req.cmd, code, {}, nullptr);
    st.setup.sink->frame_done();
  };
  auto entry = st.setup.registry->find(req.cmd);
  if (entry == nullptr || !entry->websocket) {
    st.setup.stats->bad_requests_total.fetch_add(1, std::memory_order_relaxed);
    return refuse(result_code::route_not_exist);
  }
  if (entry->requires_login && !st.login) return refuse(result_code::not_logged_in);
  auto handler = entry->handler();
  if (!handler) return refuse(result_code::server_error);  // crashed past its restart limit
  command cmd{req.seq, req.cmd,
              std::make_shared<const nlohmann::json>(std::move(req.data)),
              command_origin::websocket, st.setup.conn_id,
              caf::actor_cast<caf::actor>(self), st.setup.sink, st.login, st.setup.preauth};
  st.busy = true;
  st.busy_since = clock::now();
  auto* stats = entry->stats.get();
  self->request(handler, caf::infinite, handle_atom::value, std::move(cmd))
      .then(
          [=](command_result& result) {
            if (stats)
              stats->record(clock::now() - self->state.busy_since,
                            result.code == result_code::ok);
            apply_result(self, req, result);
            command_done(self);
          },
          [=](caf::error& err) {
            if (stats) stats->record(clock::now() - self->state.busy_since, false);
            log::conn()->error("command failed conn={} cmd={} error={}",
                               self->state.setup.conn_id, log::safe(req.cmd),
                               self->system().render(err));
            reply(self, req.seq, req.cmd, result_code::server_error, {}, nullptr);
            command_done(self);
          });
}

void close_connection(self_ptr self, close_reason reason, const char* why) {
  auto& st = self->state;
  if (st.closing) return;
  st.closing = true;
  log::conn()->info("closing conn={} user={} reason={} ({})", st.setup.conn_id,
                    st.login ? log::safe(st.login->user_id) : "-", to_string(reason), why);
  st.setup.sink->close(reason);
}

// A backend binds this connection to a user (ClientBindUid): a login without a token, run by
// the login behaviour (its checks, its node path) when no command of the client's is in
// progress. The client sees the login reply with an empty seq.
caf::result<command_result> bind(self_ptr self, uint32_t app_id, const std::string& user_id) {
  auto& st = self->state;
  command_result refused;
  refused.code = result_code::operation_failed;
  if (st.closing) {
    refused.code_msg = "the connection is closing";
    return refused;
  }
  if (st.busy || !st.deferred.empty()) {
    refused.code_msg = "the connection is running a command; retry";
    return refused;
  }
  auto entry = st.setup.registry->find("login");
  auto handler = entry ? entry->handler() : caf::actor{};
  if (!handler) {
    refused.code = result_code::server_error;
    return refused;
  }
  protocol::request req{"", "login", {{"appID", app_id}, {"userID", user_id}}};
  command cmd{req.seq, req.cmd, std::make_shared<const nlohmann::json>(req.data),
              command_origin::websocket, st.setup.conn_id, caf::actor_cast<caf::actor>(self),
              st.setup.sink, st.login, std::make_pair(app_id, user_id)};
  st.busy = true;
  st.busy_since = clock::now();
  auto rp = self->make_response_promise<command_result>();
  self->request(handler, caf::infinite, handle_atom::value, std::move(cmd))
      .then(
          [=](command_result& result) mutable {
            command_result answer = result;
            answer.login.reset();
            apply_result(self, req, result);
            rp.deliver(std::move(answer));
            command_done(self);
          },
          [=](caf::error&) mutable {
            command_result failed;
            failed.code = result_code::server_error;
            rp.deliver(failed);
            command_done(self);
          });
  return rp;
}

// A backend unbinds the user (UnBindUid): the connection logs out, stays open and has a new
// login_timeout to log in again. The user actor forgets it; the client is told.
void unbind(self_ptr self) {
  auto& st = self->state;
  if (!st.login || st.closing) return;
  caf::anon_send(st.login->user, unbind_atom::value, caf::actor_cast<caf::actor>(self));
  log::conn()->info("unbind conn={} app={} user={}", st.setup.conn_id, st.login->app_id,
                    log::safe(st.login->user_id));
  reply(self, "", "unbind", result_code::ok, {},
        {{"appID", st.login->app_id}, {"userID", st.login->user_id}});
  st.login.reset();
  st.connected_at = clock::now();
  on_tick(self);  // the login deadline is the next one again
}

// Checks the login and heartbeat deadlines and schedules the next check at the earlier one.
void on_tick(self_ptr self) {
  auto& st = self->state;
  if (st.closing) return;
  auto now = clock::now();
  const auto& cfg = *st.setup.config;
  auto login_deadline = st.connected_at + std::chrono::seconds(cfg.login_timeout);
  auto idle_deadline = st.last_activity + std::chrono::seconds(cfg.heartbeat_timeout);
  if (!st.login && now >= login_deadline)
    return close_connection(self, close_reason::timeout, "no login");
  if (now >= idle_deadline) return close_connection(self, close_reason::timeout, "no heartbeat");
  if (st.busy && now >= st.busy_since + command_timeout) {
    log::conn()->error("command stuck for {} s conn={}", command_timeout.count(), st.setup.conn_id);
    return close_connection(self, close_reason::error, "command timed out");
  }
  auto next = st.login ? idle_deadline : std::min(login_deadline, idle_deadline);
  self->send(st.setup.deadlines, at_atom::value,
             static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      next.time_since_epoch()).count()),
             self->address());
}

}  // namespace

caf::behavior connection_actor(caf::stateful_actor<connection_state>* self,
                               connection_setup setup) {
  auto& st = self->state;
  st.live = live_gauge(setup.stats->live(actor_kind::connection));
  st.setup = std::move(setup);
  st.connected_at = st.last_activity = clock::now();
  const auto& cfg = *st.setup.config;
  st.limiter = rate_limiter(cfg.frame_rate, cfg.frame_burst, cfg.frame_strikes, st.connected_at);
  on_tick(self);  // registers the first deadline with the wheel
  return {
      [=](frame_atom, std::string& text) {
        self->state.last_activity = clock::now();
        handle_frame(self, std::move(text));
      },
      [=](close_atom, uint8_t reason) {
        close_connection(self, static_cast<close_reason>(reason), "requested");
      },
      [=](bind_atom, uint32_t app_id, const std::string& user_id) {
        return bind(self, app_id, user_id);
      },
      [=](unbind_atom) { unbind(self); },
      [=](closed_atom, uint8_t) { self->quit(); },
      [=](tick_atom) { on_tick(self); },
  };
}

}  // namespace parley
