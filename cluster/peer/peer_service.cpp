#include "cluster/peer/peer_service.hpp"

#include <atomic>
#include <mutex>

#include <grpcpp/grpcpp.h>
#include <openssl/crypto.h>

#include "actors/stats/node_stats.hpp"
#include "cluster/peer/batch_writer.hpp"
#include "cluster/peer/live_streams.hpp"
#include "cluster/peer/read_gate.hpp"
#include "cluster/peer/wire_conversion.hpp"
#include "config/logging.hpp"
#include "proto/cluster.grpc.pb.h"

namespace parley::cluster {
namespace {

struct inbound_state {
  std::shared_ptr<batch_writer> writer;
  std::vector<wire::Envelope> out;  // this turn's answers, written at flush
  bool flush_scheduled = false;
  caf::actor self;
  std::shared_ptr<read_gate> gate;
  static inline const char* name = "parley.peer_inbound";
};

// Queues an answer; the answers of one mailbox turn leave in one stream write.
void answer(inbound_state& st, uint64_t id, const peer_answer& a) {
  if (id == 0) return;
  st.out.emplace_back();
  to_wire(id, a, st.out.back());
  if (!st.flush_scheduled) {
    st.flush_scheduled = true;
    caf::anon_send(st.self, flush_atom::value);
  }
}

peer_answer counted(uint32_t n) {
  peer_answer a;
  a.ok = true;
  a.count = n;
  return a;
}

caf::behavior inbound(caf::stateful_actor<inbound_state>* self, peer_service_setup setup,
                      std::shared_ptr<batch_writer> writer,
                      std::shared_ptr<read_gate> gate) {
  self->state.writer = std::move(writer);
  self->state.gate = std::move(gate);
  self->state.self = caf::actor_cast<caf::actor>(self);
  using k = peer_request::kind;
  // Handlers answering request `id` with a list of ids, or as failed.
  auto ids_answer = [=](uint64_t id) {
    return [=](std::vector<std::string>& ids) {
      peer_answer a = counted(0);
      a.ids = std::move(ids);
      answer(self->state, id, a);
    };
  };
  auto failed = [=](uint64_t id) {
    return [=](caf::error&) { answer(self->state, id, peer_answer::failed()); };
  };
  auto handle = [=](uint64_t id, peer_request& r) {
    auto& st = self->state;
    auto node = setup.node;
    switch (r.what) {
      case k::user: {
        uint32_t n = 0;
        if (auto sinks = setup.users->find(scoped_key(r.app_id, r.id)))
          n = static_cast<uint32_t>(sinks->deliver(r.frame));
        setup.counters->pushes_delivered_total.fetch_add(n, std::memory_order_relaxed);
        answer(st, id, counted(n));
        break;
      }
      case k::client: {
        client_op op{static_cast<client_op::kind>(r.op), r.id, r.app_id, r.sender, r.frame};
        self->request(node, caf::infinite, local_atom::value, client_atom::value, op)
            .then(
                [=](client_reply& c) {
                  peer_answer a = counted(c.found ? 1 : 0);
                  a.code = c.code;
                  a.code_msg = std::move(c.code_msg);
                  if (c.found) a.clients.push_back(std::move(c.info));
                  answer(self->state, id, a);
                },
                failed(id));
        break;
      }
      case k::clients: {
        auto page_answer = [=](client_page& page) {
          peer_answer a = counted(0);
          a.clients = std::move(page.clients);
          a.total = page.total;
          a.next_cursor = std::move(page.next_cursor);
          answer(self->state, id, a);
        };
        if (r.id.empty())
          self->request(node, caf::infinite, local_atom::value, clients_atom::value, r.app_id,
                        r.cursor, r.limit)
              .then(page_answer, failed(id));
        else
          self->request(node, caf::infinite, local_atom::value, clients_atom::value, r.app_id,
                        r.id)
              .then(page_answer, failed(id));
        break;
      }
      case k::unbind:
        self->request(node, caf::infinite, local_atom::value, unbind_atom::value, r.app_id, r.id)
            .then([=](uint32_t n) { answer(self->state, id, counted(n)); }, failed(id));
        break;
      case k::drain: {
        if (!setup.drain) {
          answer(st, id, peer_answer::failed());
          break;
        }
        // the answer comes from another thread: back through this actor's mailbox
        auto me = self->state.self;
        setup.drain([me, id](uint32_t n) { caf::anon_send(me, drained_atom::value, id, n); });
        break;
      }
      case k::groups:
        self->request(node, caf::infinite, local_atom::value, group_names_atom::value, r.app_id)
            .then(ids_answer(id), failed(id));
        break;
      case k::kick:
        self->request(node, caf::infinite, local_atom::value, kick_atom::value, r.app_id, r.id,
                      r.sender)
            .then([=](uint32_t n) { answer(self->state, id, counted(n)); }, failed(id));
        break;
      case k::online: {
        peer_answer a = counted(setup.users->find(scoped_key(r.app_id, r.id)) ? 1 : 0);
        answer(st, id, a);
        break;
      }
      case k::group:
        self->request(node, caf::infinite, local_atom::value, send_group_atom::value, r.app_id,
                      r.id, r.sender, r.frame)
            .then([=](const group_send_result& g) { answer(self->state, id, counted(g.recipients)); },
                  failed(id));
        break;
      case k::app:
        self->request(node, caf::infinite, local_atom::value, send_app_atom::value, r.app_id,
                      r.frame, r.sender)
            .then([=](uint32_t n) { answer(self->state, id, counted(n)); },
                  failed(id));
        break;
      case k::users:
        self->request(node, caf::infinite, local_atom::value, users_atom::value, r.app_id,
                      r.cursor, r.limit)
            .then(
                [=](user_page& page) {
                  peer_answer a = counted(0);
                  a.ids = std::move(page.users);
                  a.total = page.total;
                  a.next_cursor = std::move(page.next_cursor);
                  answer(self->state, id, a);
                },
                failed(id));
        break;
      case k::member:
        self->request(node, caf::infinite, member_atom::value, r.app_id, r.id, r.sender, r.joined)
            .then([=](bool here) { answer(self->state, id, counted(here ? 1 : 0)); },
                  failed(id));
        break;
      case k::user_groups:
        self->request(node, caf::infinite, user_groups_atom::value, r.app_id, r.id)
            .then(ids_answer(id), failed(id));
        break;
      case k::members:
        self->request(node, caf::infinite, local_atom::value, members_atom::value, r.app_id, r.id)
            .then(ids_answer(id), failed(id));
        break;
    }
  };
  return {
      [=](request_atom, request_batch& requests) {
        setup.stats->peer_requests_served_total.fetch_add(requests.size(),
                                                          std::memory_order_relaxed);
        for (auto& [id, r] : requests) handle(id, r);
        self->state.gate->handled(static_cast<int64_t>(requests.size()));
      },
      [=](drained_atom, uint64_t id, uint32_t n) { answer(self->state, id, counted(n)); },
      [=](flush_atom) {
        auto& st = self->state;
        st.flush_scheduled = false;
        st.writer->send_all(st.out);  // a closed stream drops them: the callers fail them
        st.out.clear();
      },
  };
}

// One inbound stream. Reads batches and hands each request to the stream's inbound actor;
// writes the answers that actor queues. Deletes itself when done.
class server_stream final : public grpc::ServerBidiReactor<wire::Batch, wire::Batch> {
 public:
  server_stream(const peer_service_setup& setup, std::string peer)
      : writer_(std::make_shared<batch_writer>(64u << 20)),
        gate_(std::make_shared<read_gate>()), peer_(std::move(peer)) {
    live_streams().fetch_add(1);
    gate_->resume = [this] { StartRead(&in_); };
    actor_ = setup.system->spawn(inbound, setup, writer_, gate_);
    writer_->attach([this](const wire::Batch* batch) {
      std::lock_guard<std::recursive_mutex> guard(ops_);
      if (!finished_) StartWrite(batch);
    });
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the caller closed or broke the stream
      finish();
      return;
    }
    request_batch requests;
    requests.reserve(in_.items_size());
    for (auto& e : *in_.mutable_items()) {
      peer_request r;
      if (request_from_wire(e, r)) requests.emplace_back(e.id(), std::move(r));
    }
    auto n = static_cast<int64_t>(requests.size());
    if (n > 0) caf::anon_send(actor_, request_atom::value, std::move(requests));
    // Flow control: no next read while the actor is far behind; it resumes the reads.
    if (gate_->arrived(n)) StartRead(&in_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      finish();
      return;
    }
    writer_->written();
  }

  void OnCancel() override { finish(); }  // also ends a stream whose reads are paused

  void OnDone() override {
    {
      std::lock_guard<std::recursive_mutex> guard(gate_->mutex);
      gate_->resume = nullptr;
    }
    writer_->close();
    caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
    log::cluster()->info("inbound stream from {} closed", log::safe(peer_));
    delete this;
    live_streams().fetch_sub(1);
  }

 private:
  void finish() {
    std::lock_guard<std::recursive_mutex> guard(ops_);
    if (finished_) return;
    finished_ = true;
    writer_->close();
    Finish(grpc::Status::OK);
  }

  wire::Batch in_;
  std::shared_ptr<batch_writer> writer_;
  std::shared_ptr<read_gate> gate_;
  std::string peer_;
  caf::actor actor_;
  std::recursive_mutex ops_;
  bool finished_ = false;
};

class refused_stream final : public grpc::ServerBidiReactor<wire::Batch, wire::Batch> {
 public:
  refused_stream() { Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "cluster secret required")); }
  void OnDone() override { delete this; }
};

std::string metadata(grpc::CallbackServerContext* ctx, const char* key) {
  auto& md = ctx->client_metadata();
  auto it = md.find(key);
  return it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

bool same_secret(const std::string& got, const std::string& want) {
  return got.size() == want.size() && CRYPTO_memcmp(got.data(), want.data(), want.size()) == 0;
}

class peer_service final : public wire::Peer::CallbackService {
 public:
  explicit peer_service(peer_service_setup setup) : setup_(std::move(setup)) {}

  grpc::ServerBidiReactor<wire::Batch, wire::Batch>* Link(grpc::CallbackServerContext* ctx) override {
    auto peer = metadata(ctx, "x-parley-node");
    if (!setup_.secret.empty() && !same_secret(metadata(ctx, "x-parley-secret"), setup_.secret)) {
      setup_.stats->peer_refused_total.fetch_add(1, std::memory_order_relaxed);
      log::cluster()->warn("refused a peer stream from {} (node '{}'): wrong or missing cluster "
                           "secret", ctx->peer(), log::safe(peer, 40));
      return new refused_stream();
    }
    log::cluster()->info("inbound stream from {} ({})", log::safe(peer, 40), ctx->peer());
    return new server_stream(setup_, peer);
  }

 private:
  peer_service_setup setup_;
};

}  // namespace

std::unique_ptr<grpc::Service> make_peer_service(peer_service_setup setup) {
  return std::make_unique<peer_service>(std::move(setup));
}

}  // namespace parley::cluster
