#include "cluster/admin/gateway_service.hpp"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>

#include "actors/ask.hpp"
#include "actors/auth/bearer.hpp"
#include "actors/registry/run_command.hpp"
#include "config/node_config.hpp"
#include "proto/gateway.grpc.pb.h"

namespace parley::cluster {
namespace {

namespace pb = parley::admin;
using grpc::Status;
using grpc::StatusCode;

constexpr uint32_t page_size = 1000;
constexpr uint32_t count_page_size = 10000;  // CountOnlineUid walks the ids in these

Status invalid(const std::string& what) { return Status(StatusCode::INVALID_ARGUMENT, what); }
Status unavailable() { return Status(StatusCode::UNAVAILABLE, "the node did not answer in time"); }

// A behaviour's refusal as a gRPC status (ok stays ok).
Status status_of(const command_result& r) {
  if (r.code == result_code::ok) return Status::OK;
  auto msg = r.code_msg.empty() ? std::string(code_message(r.code)) : r.code_msg;
  switch (r.code) {
    case result_code::illegal_parameter:
    case result_code::illegal_user_id:
      return Status(StatusCode::INVALID_ARGUMENT, msg);
    case result_code::unauthorized:
      return Status(StatusCode::PERMISSION_DENIED, msg);
    case result_code::rate_limited:
      return Status(StatusCode::RESOURCE_EXHAUSTED, msg);
    case result_code::route_not_exist:
      return Status(StatusCode::UNIMPLEMENTED, msg);
    case result_code::server_error:
      return Status(StatusCode::UNAVAILABLE, msg);
    default:
      return Status(StatusCode::FAILED_PRECONDITION, msg);
  }
}

// The callback of an ask<T> that answers a unary call: UNAVAILABLE when the node did not
// answer, else `fill(value)` sets the reply and the call finishes OK.
template <class T, class Fill>
std::function<void(std::optional<T>)> finish_with(grpc::ServerUnaryReactor* r, Fill fill) {
  return [r, fill](std::optional<T> value) {
    if (!value) return r->Finish(unavailable());
    fill(*value);
    r->Finish(Status::OK);
  };
}

// The behaviours' message fields from a request's Message.
nlohmann::json message_data(const pb::Message& m) {
  return {{"msg", m.msg()}, {"type", m.type().empty() ? "text" : m.type()}, {"msgID", m.msg_id()}};
}

std::string sender_of(const pb::Message& m) { return m.from().empty() ? "system" : m.from(); }

void fill(pb::SendReply* reply, const nlohmann::json& data) {
  if (data.contains("delivered")) reply->set_delivered(data["delivered"].get<bool>());
  if (data.contains("recipients")) {
    auto n = data["recipients"].get<uint32_t>();
    reply->set_recipients(n);
    reply->set_delivered(n > 0);
  }
  reply->set_duplicate(data.value("duplicate", false));
}

// A page's ids or clients as its reply message.
void fill(pb::IdPage& out, user_page& page) {
  for (auto& id : page.users) out.add_ids(std::move(id));
  out.set_total(page.total);
}

void fill(pb::ClientPage& out, client_page& page) {
  for (auto& c : page.clients) {
    auto* info = out.add_clients();
    info->set_client_id(std::move(c.id));
    info->set_app_id(c.app_id);
    info->set_user_id(std::move(c.user_id));
    info->set_node_id(std::move(c.node));
    info->set_remote(std::move(c.remote));
  }
  out.set_total(page.total);
}

void fill(pb::ActorStat* out, const nlohmann::json& a) {
  out->set_kind(a.value("kind", ""));
  out->set_name(a.value("name", ""));
  out->set_per_second(a.value("perSecond", 0.0));
  out->set_mailbox(a.value("mailbox", uint64_t{0}));
  out->set_members(a.value("members", 0u));
}

// A node's figures from its summary (actors/stats/actor_samples.hpp's JSON).
void fill(pb::NodeStats* out, const node_summary& n) {
  out->set_node_id(n.node);
  out->set_self(n.self);
  const auto& s = n.stats;
  if (!s.is_object()) return;
  out->set_time_ms(s.value("timeMs", int64_t{0}));
  for (const auto& a : s.value("actors", nlohmann::json::array())) fill(out->add_actors(), a);
  for (const auto& g : s.value("groups", nlohmann::json::array())) fill(out->add_groups(), g);
  for (const auto& c : s.value("commands", nlohmann::json::array())) {
    auto* cs = out->add_commands();
    cs->set_cmd(c.value("cmd", ""));
    cs->set_count(c.value("count", uint64_t{0}));
    cs->set_errors(c.value("errors", uint64_t{0}));
    cs->set_per_second(c.value("perSecond", 0.0));
    cs->set_p50_us(c.value("p50Us", 0.0));
    cs->set_p99_us(c.value("p99Us", 0.0));
  }
}

// A streamed list, one page per write. `fetch(cursor, done)` produces the page after `cursor`
// (done(nullopt) when the node failed to answer); an empty next_cursor ends the list.
template <class Reply, class Page>
class page_writer final : public grpc::ServerWriteReactor<Reply> {
 public:
  using fetch_fn =
      std::function<void(const std::string&, std::function<void(std::optional<Page>)>)>;

  // The reactor to return from the method handler; its first page is on its way.
  static page_writer* start(fetch_fn fetch) {
    auto* w = new page_writer(std::move(fetch));
    w->next();
    return w;
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return this->Finish(Status(StatusCode::CANCELLED, "the caller went away"));
    if (last_) return this->Finish(Status::OK);
    next();
  }
  void OnDone() override { delete this; }

 private:
  explicit page_writer(fetch_fn fetch) : fetch_(std::move(fetch)) {}

  void next() {
    fetch_(cursor_, [this](std::optional<Page> page) {
      if (!page) return this->Finish(unavailable());
      page_.Clear();
      cursor_ = std::move(page->next_cursor);
      fill(page_, *page);
      last_ = cursor_.empty();
      this->StartWrite(&page_);
    });
  }

  fetch_fn fetch_;
  std::string cursor_;
  bool last_ = false;
  Reply page_;
};

using id_writer = page_writer<pb::IdPage, user_page>;
using client_writer = page_writer<pb::ClientPage, client_page>;

// A list already in memory, in pages.
user_page page_of(const std::vector<std::string>& all, const std::string& cursor) {
  user_page p;
  size_t from = cursor.empty() ? 0 : std::stoul(cursor);
  size_t to = std::min(all.size(), from + page_size);
  p.users.assign(all.begin() + static_cast<std::ptrdiff_t>(from),
                 all.begin() + static_cast<std::ptrdiff_t>(to));
  p.total = static_cast<uint32_t>(all.size());
  if (to < all.size()) p.next_cursor = std::to_string(to);
  return p;
}

class gateway_service final : public pb::Gateway::CallbackService {
 public:
  explicit gateway_service(gateway_service_setup setup) : s_(std::move(setup)) {}

  // --- uid ---------------------------------------------------------------------------------

  grpc::ServerUnaryReactor* UidIsOnline(grpc::CallbackServerContext* ctx, const pb::UidRequest* req,
                                        pb::BoolReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->user_id(), "user_id"); !st.ok())
      return finish_now(r, st);
    ask<bool>(*s_.system, s_.node,
              finish_with<bool>(r, [reply](bool online) { reply->set_value(online); }),
              online_atom::value, req->app_id(), req->user_id());
    return r;
  }

  // Exact: the merged pages hold each user once, however many nodes hold the user (the nodes'
  // own totals would count such a user once per node). O(users): pages of count_page_size.
  grpc::ServerUnaryReactor* CountOnlineUid(grpc::CallbackServerContext* ctx,
                                           const pb::AppRequest* req,
                                           pb::CountReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id()); !st.ok()) return finish_now(r, st);
    count_users(req->app_id(), {}, 0, [r, reply](std::optional<uint64_t> n) {
      if (!n) return r->Finish(unavailable());
      reply->set_count(*n);
      r->Finish(Status::OK);
    });
    return r;
  }

  grpc::ServerWriteReactor<pb::IdPage>* GetAllOnlineUid(grpc::CallbackServerContext* ctx,
                                                        const pb::AppRequest* req) override {
    if (auto st = check(ctx, req->app_id()); !st.ok()) return refused(st);
    auto system = s_.system;
    auto node = s_.node;
    auto app = req->app_id();
    return id_writer::start([system, node, app](const std::string& cursor, auto done) {
      ask<user_page>(*system, node, std::move(done), users_atom::value, app, cursor, page_size);
    });
  }

  grpc::ServerUnaryReactor* SendMessageToUid(grpc::CallbackServerContext* ctx,
                                             const pb::UidSendRequest* req,
                                             pb::SendReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->user_id(), "user_id"); !st.ok())
      return finish_now(r, st);
    auto data = message_data(req->message());
    data["userID"] = req->user_id();
    send(r, reply, "sendMessage", req->app_id(), sender_of(req->message()), std::move(data));
    return r;
  }

  // The user's connections on every node (one page: a user has a handful).
  grpc::ServerWriteReactor<pb::ClientPage>* GetClientByUid(grpc::CallbackServerContext* ctx,
                                                           const pb::UidRequest* req) override {
    if (auto st = check(ctx, req->app_id(), req->user_id(), "user_id"); !st.ok())
      return refused<pb::ClientPage>(st);
    auto system = s_.system;
    auto node = s_.node;
    auto app = req->app_id();
    auto user = req->user_id();
    return client_writer::start([system, node, app, user](const std::string&, auto done) {
      ask<client_page>(*system, node, std::move(done), clients_atom::value, app, user);
    });
  }

  grpc::ServerUnaryReactor* GetUidByClient(grpc::CallbackServerContext* ctx,
                                           const pb::ClientRequest* req,
                                           pb::UidReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->client_id(), "client_id"); !st.ok())
      return finish_now(r, st);
    auto id = req->client_id();
    ask<client_reply>(
        *s_.system, s_.node,
        [r, reply, id](std::optional<client_reply> c) {
          if (!c) return r->Finish(unavailable());
          if (!c->found) return r->Finish(not_open(id));
          reply->set_app_id(c->info.app_id);  // 0 and "": the connection is not logged in
          reply->set_user_id(c->info.user_id);
          r->Finish(Status::OK);
        },
        client_atom::value, client_op{client_op::kind::info, id, 0, {}, nullptr});
    return r;
  }

  // Logs connection client_id in as user_id, without a token (the backend vouches for it).
  grpc::ServerUnaryReactor* ClientBindUid(grpc::CallbackServerContext* ctx,
                                          const pb::BindRequest* req,
                                          pb::BoolReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->client_id(), "client_id"); !st.ok())
      return finish_now(r, st);
    if (req->user_id().empty()) return finish_now(r, invalid("user_id is required"));
    auto id = req->client_id();
    ask<client_reply>(
        *s_.system, s_.node,
        [r, reply, id](std::optional<client_reply> c) {
          if (!c) return r->Finish(unavailable());
          if (!c->found) return r->Finish(not_open(id));
          command_result res;
          res.code = c->code;
          res.code_msg = c->code_msg;
          if (auto st = status_of(res); !st.ok()) return r->Finish(st);
          reply->set_value(true);
          r->Finish(Status::OK);
        },
        client_atom::value,
        client_op{client_op::kind::bind, id, req->app_id(), req->user_id(), nullptr});
    return r;
  }

  // Every connection of the user, on every node, logs out and stays open (anonymous).
  grpc::ServerUnaryReactor* UnBindUid(grpc::CallbackServerContext* ctx, const pb::UidRequest* req,
                                      pb::CloseReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->user_id(), "user_id"); !st.ok())
      return finish_now(r, st);
    ask<uint32_t>(*s_.system, s_.node,
                  finish_with<uint32_t>(r, [reply](uint32_t n) { reply->set_closed(n); }),
                  unbind_atom::value, req->app_id(), req->user_id());
    return r;
  }

  // --- client ------------------------------------------------------------------------------

  grpc::ServerUnaryReactor* ClientIsOnline(grpc::CallbackServerContext* ctx,
                                           const pb::ClientRequest* req,
                                           pb::BoolReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->client_id(), "client_id"); !st.ok())
      return finish_now(r, st);
    on_client(r, client_op::kind::probe, req->client_id(),
              [reply](const client_reply& c) { reply->set_value(c.found); });
    return r;
  }

  grpc::ServerUnaryReactor* CloseClient(grpc::CallbackServerContext* ctx,
                                        const pb::ClientRequest* req,
                                        pb::CloseReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->client_id(), "client_id"); !st.ok())
      return finish_now(r, st);
    on_client(r, client_op::kind::close, req->client_id(),
              [reply](const client_reply& c) { reply->set_closed(c.found ? 1 : 0); });
    return r;
  }

  grpc::ServerUnaryReactor* SendMessageToClient(grpc::CallbackServerContext* ctx,
                                                const pb::ClientSendRequest* req,
                                                pb::SendReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->client_id(), "client_id"); !st.ok())
      return finish_now(r, st);
    auto data = message_data(req->message());
    data["clientID"] = req->client_id();
    send(r, reply, "sendClient", req->app_id(), sender_of(req->message()), std::move(data));
    return r;
  }

  // The app's logged-in connections on every node, in pages.
  grpc::ServerWriteReactor<pb::ClientPage>* GetAllOnlineClient(grpc::CallbackServerContext* ctx,
                                                               const pb::AppRequest* req) override {
    if (auto st = check(ctx, req->app_id()); !st.ok()) return refused<pb::ClientPage>(st);
    auto system = s_.system;
    auto node = s_.node;
    auto app = req->app_id();
    return client_writer::start([system, node, app](const std::string& cursor, auto done) {
      ask<client_page>(*system, node, std::move(done), clients_atom::value, app, cursor,
                       page_size);
    });
  }

  grpc::ServerUnaryReactor* CountOnlineClient(grpc::CallbackServerContext* ctx,
                                              const pb::AppRequest* req,
                                              pb::CountReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id()); !st.ok()) return finish_now(r, st);
    ask<client_page>(
        *s_.system, s_.node,
        finish_with<client_page>(r, [reply](const client_page& p) { reply->set_count(p.total); }),
        clients_atom::value, req->app_id(), std::string{}, uint32_t{0});
    return r;
  }

  grpc::ServerUnaryReactor* BroadcastMessage(grpc::CallbackServerContext* ctx,
                                             const pb::BroadcastRequest* req,
                                             pb::SendReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id()); !st.ok()) return finish_now(r, st);
    send(r, reply, "sendAll", req->app_id(), sender_of(req->message()),
         message_data(req->message()));
    return r;
  }

  // --- group -------------------------------------------------------------------------------

  grpc::ServerUnaryReactor* SendMessageToGroup(grpc::CallbackServerContext* ctx,
                                               const pb::GroupSendRequest* req,
                                               pb::SendReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->group(), "group"); !st.ok())
      return finish_now(r, st);
    auto data = message_data(req->message());
    data["group"] = req->group();
    send(r, reply, "sendGroup", req->app_id(), sender_of(req->message()), std::move(data));
    return r;
  }

  // How many groups the app has, cluster-wide (a group on several nodes counts once).
  grpc::ServerUnaryReactor* CountOnlineGroup(grpc::CallbackServerContext* ctx,
                                             const pb::AppRequest* req,
                                             pb::CountReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id()); !st.ok()) return finish_now(r, st);
    ask<std::vector<std::string>>(
        *s_.system, s_.node,
        finish_with<std::vector<std::string>>(
            r, [reply](const std::vector<std::string>& names) { reply->set_count(names.size()); }),
        group_names_atom::value, req->app_id());
    return r;
  }

  grpc::ServerUnaryReactor* CountGroup(grpc::CallbackServerContext* ctx,
                                       const pb::GroupRequest* req,
                                       pb::CountReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->group(), "group"); !st.ok())
      return finish_now(r, st);
    ask<std::vector<std::string>>(
        *s_.system, s_.node,
        finish_with<std::vector<std::string>>(
            r, [reply](const std::vector<std::string>& m) { reply->set_count(m.size()); }),
        members_atom::value, req->app_id(), req->group());
    return r;
  }

  grpc::ServerUnaryReactor* JoinGroup(grpc::CallbackServerContext* ctx,
                                      const pb::GroupUidRequest* req,
                                      pb::BoolReply* reply) override {
    return membership(ctx, req, reply, true);
  }

  grpc::ServerUnaryReactor* LeaveGroup(grpc::CallbackServerContext* ctx,
                                       const pb::GroupUidRequest* req,
                                       pb::BoolReply* reply) override {
    return membership(ctx, req, reply, false);
  }

  // Every member leaves, wherever each is (the group then disappears on every node); `count`
  // is the members it had.
  grpc::ServerUnaryReactor* UnGroup(grpc::CallbackServerContext* ctx, const pb::GroupRequest* req,
                                    pb::CountReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->group(), "group"); !st.ok())
      return finish_now(r, st);
    auto app = req->app_id();
    auto group = req->group();
    ask<std::vector<std::string>>(
        *s_.system, s_.node,
        [this, r, reply, app, group](std::optional<std::vector<std::string>> members) {
          if (!members) return r->Finish(unavailable());
          reply->set_count(members->size());
          if (members->empty()) return r->Finish(Status::OK);
          // the answers arrive on CAF threads, possibly at once
          auto left = std::make_shared<std::atomic<size_t>>(members->size());
          auto failed = std::make_shared<std::atomic<bool>>(false);
          for (const auto& user : *members)
            apply_membership(app, user, group, false, [r, left, failed](std::optional<bool> ok) {
              if (!ok) *failed = true;
              if (--*left == 0) r->Finish(*failed ? unavailable() : Status::OK);
            });
        },
        members_atom::value, app, group);
    return r;
  }

  // The group's members (userIDs: Parley's groups hold users), cluster-wide, in pages.
  grpc::ServerWriteReactor<pb::IdPage>* GetGroupOnlineClient(grpc::CallbackServerContext* ctx,
                                                             const pb::GroupRequest* req) override {
    if (auto st = check(ctx, req->app_id(), req->group(), "group"); !st.ok()) return refused(st);
    auto system = s_.system;
    auto node = s_.node;
    auto app = req->app_id();
    auto group = req->group();
    // The members are asked for once; the pages are cut from that one answer.
    auto members = std::make_shared<std::optional<std::vector<std::string>>>();
    return id_writer::start([=](const std::string& cursor, auto done) {
      if (*members) return done(page_of(**members, cursor));
      ask<std::vector<std::string>>(
          *system, node,
          [members, cursor, done](std::optional<std::vector<std::string>> all) {
            if (!all) return done(std::nullopt);
            *members = std::move(*all);
            done(page_of(**members, cursor));
          },
          members_atom::value, app, group);
    });
  }

  // --- Parley's own ------------------------------------------------------------------------

  grpc::ServerUnaryReactor* KickUser(grpc::CallbackServerContext* ctx, const pb::KickRequest* req,
                                     pb::CloseReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->user_id(), "user_id"); !st.ok())
      return finish_now(r, st);
    ask<uint32_t>(*s_.system, s_.node,
                  finish_with<uint32_t>(r, [reply](uint32_t closed) { reply->set_closed(closed); }),
                  kick_atom::value, req->app_id(), req->user_id(), req->reason());
    return r;
  }

  // Drains this node, or another one through its peer link.
  grpc::ServerUnaryReactor* DrainNode(grpc::CallbackServerContext* ctx, const pb::DrainRequest* req,
                                      pb::DrainReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = authorized(ctx); !st.ok()) return finish_now(r, st);
    const auto& node = req->node_id();
    bool here = node.empty() || node == s_.config->node_id ||
                (s_.self_summary && node == s_.self_summary().node);
    if (here) {
      if (!s_.drain) return finish_now(r, Status(StatusCode::UNIMPLEMENTED, "no drain here"));
      s_.drain([r, reply](uint32_t n) {
        reply->set_closed(n);
        r->Finish(Status::OK);
      });
      return r;
    }
    if (!s_.remote) return finish_now(r, Status(StatusCode::NOT_FOUND, "no live node " + node));
    auto system = s_.system;
    auto remote = s_.remote;
    ask<std::vector<node_summary>>(
        *system, remote,
        [=](std::optional<std::vector<node_summary>> nodes) {
          if (!nodes) return r->Finish(unavailable());
          auto known = std::any_of(nodes->begin(), nodes->end(),
                                   [&](const node_summary& n) { return n.node == node; });
          if (!known) return r->Finish(Status(StatusCode::NOT_FOUND, "no live node " + node));
          ask<route_result>(
              *system, remote,
              [=](std::optional<route_result> there) {
                if (!there || there->failed > 0) return r->Finish(unavailable());
                reply->set_closed(there->reached);
                r->Finish(Status::OK);
              },
              drain_atom::value, node);
        },
        nodes_atom::value);
    return r;
  }

  grpc::ServerUnaryReactor* ActorStats(grpc::CallbackServerContext* ctx, const pb::Empty*,
                                       pb::StatsReply* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = authorized(ctx); !st.ok()) return finish_now(r, st);
    with_nodes(r, [reply](const std::vector<node_summary>& nodes) {
      for (const auto& n : nodes) fill(reply->add_nodes(), n);
    });
    return r;
  }

  grpc::ServerUnaryReactor* ListNodes(grpc::CallbackServerContext* ctx, const pb::Empty*,
                                      pb::NodeList* reply) override {
    auto* r = ctx->DefaultReactor();
    if (auto st = authorized(ctx); !st.ok()) return finish_now(r, st);
    with_nodes(r, [reply](const std::vector<node_summary>& nodes) {
      for (const auto& n : nodes) {
        auto* out = reply->add_nodes();
        out->set_node_id(n.node);
        out->set_grpc_address(n.grpc);
        out->set_public_address(n.address);
        out->set_started_ms(n.started_ms);
        out->set_connections(n.connections);
        out->set_users(n.users);
        out->set_self(n.self);
      }
    });
    return r;
  }

 private:
  // A call refused before anything was asked.
  static grpc::ServerUnaryReactor* finish_now(grpc::ServerUnaryReactor* r, const Status& st) {
    r->Finish(st);
    return r;
  }

  // A stream refused before its first page.
  template <class Reply = pb::IdPage>
  static grpc::ServerWriteReactor<Reply>* refused(const Status& st) {
    struct refusal final : grpc::ServerWriteReactor<Reply> {
      explicit refusal(const Status& st) { this->Finish(st); }
      void OnDone() override { delete this; }
    };
    return new refusal(st);
  }

  static Status not_open(const std::string& id) {
    return Status(StatusCode::NOT_FOUND, "client " + id + " is not open");
  }

  // Applies `what` to connection `id` wherever it is; `fill(reply)` before finishing OK.
  template <class Fill>
  void on_client(grpc::ServerUnaryReactor* r, client_op::kind what, const std::string& id,
                 Fill fill) {
    ask<client_reply>(*s_.system, s_.node, finish_with<client_reply>(r, fill), client_atom::value,
                      client_op{what, id, 0, {}, nullptr});
  }

  // Every live node's summary (this node's alone without a cluster), then `fill` and OK.
  template <class Fill>
  void with_nodes(grpc::ServerUnaryReactor* r, Fill fill) {
    if (!s_.remote) {
      std::vector<node_summary> self;
      if (s_.self_summary) self.push_back(s_.self_summary());
      fill(self);
      r->Finish(Status::OK);
      return;
    }
    ask<std::vector<node_summary>>(*s_.system, s_.remote,
                                   finish_with<std::vector<node_summary>>(r, fill),
                                   nodes_atom::value);
  }

  Status authorized(grpc::CallbackServerContext* ctx) const {
    const auto& key = s_.config->api_key;
    if (key.empty()) return Status::OK;
    const auto& md = ctx->client_metadata();
    auto it = md.find("authorization");
    if (it == md.end() || !bearer_matches({it->second.data(), it->second.size()}, key))
      return Status(StatusCode::UNAUTHENTICATED,
                    "missing or wrong API key (metadata authorization: Bearer KEY)");
    return Status::OK;
  }

  Status check(grpc::CallbackServerContext* ctx, uint32_t app_id) const {
    if (auto st = authorized(ctx); !st.ok()) return st;
    if (app_id == 0) return invalid("app_id is required");
    if (!s_.config->serves_app(app_id))
      return invalid("app_id " + std::to_string(app_id) + " is not served by this cluster");
    return Status::OK;
  }

  Status check(grpc::CallbackServerContext* ctx, uint32_t app_id, const std::string& value,
               const char* field) const {
    if (auto st = check(ctx, app_id); !st.ok()) return st;
    if (value.empty()) return invalid(std::string(field) + " is required");
    return Status::OK;
  }

  // A join or leave for a user wherever the user is: applied by the user's actor on this node
  // (if here) and on every other node holding the user, as a device's own join is. `value`:
  // applied somewhere (false: the user is online nowhere; Parley's groups hold online users).
  grpc::ServerUnaryReactor* membership(grpc::CallbackServerContext* ctx,
                                       const pb::GroupUidRequest* req, pb::BoolReply* reply,
                                       bool joined) {
    auto* r = ctx->DefaultReactor();
    if (auto st = check(ctx, req->app_id(), req->user_id(), "user_id"); !st.ok())
      return finish_now(r, st);
    if (req->group().empty()) return finish_now(r, invalid("group is required"));
    apply_membership(req->app_id(), req->user_id(), req->group(), joined,
                     finish_with<bool>(r, [reply](bool applied) { reply->set_value(applied); }));
    return r;
  }

  // Applies a join or leave here and on the other nodes holding the user; done(applied
  // somewhere), or done(nullopt) when a node did not answer. Any thread.
  void apply_membership(uint32_t app, const std::string& user_id, const std::string& group,
                        bool joined, std::function<void(std::optional<bool>)> done) {
    auto system = s_.system;
    auto remote = s_.remote;
    user_key user{app, user_id};
    ask<bool>(
        *system, s_.node,
        [=](std::optional<bool> here) {
          if (!here) return done(std::nullopt);
          if (!remote) return done(*here);
          ask<route_result>(
              *system, remote,
              [=](std::optional<route_result> there) {
                if (!there) return done(std::nullopt);
                done(*here || there->reached > 0);
              },
              member_atom::value, user, group, joined);
        },
        member_atom::value, app, user_id, group, joined);
  }

  // Counts the app's users page by page from `cursor` on, `so_far` counted before it.
  void count_users(uint32_t app, const std::string& cursor, uint64_t so_far,
                   std::function<void(std::optional<uint64_t>)> done) {
    ask<user_page>(
        *s_.system, s_.node,
        [this, app, so_far, done](std::optional<user_page> page) {
          if (!page) return done(std::nullopt);
          auto n = so_far + page->users.size();
          if (page->next_cursor.empty()) return done(n);
          count_users(app, page->next_cursor, n, done);
        },
        users_atom::value, app, cursor, count_page_size);
  }

  void send(grpc::ServerUnaryReactor* r, pb::SendReply* reply, const std::string& cmd,
            uint32_t app_id, const std::string& sender, nlohmann::json data) {
    run_command(*s_.system, s_.registry, cmd, app_id, sender, std::move(data),
                [r, reply](command_result res) {
                  if (res.code == result_code::ok) fill(reply, res.data);
                  r->Finish(status_of(res));
                });
  }

  gateway_service_setup s_;
};

}  // namespace

std::unique_ptr<grpc::Service> make_gateway_service(gateway_service_setup setup) {
  return std::make_unique<gateway_service>(std::move(setup));
}

}  // namespace parley::cluster
