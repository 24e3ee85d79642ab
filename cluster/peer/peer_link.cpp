#include "cluster/peer/peer_link.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <random>

#include <grpcpp/grpcpp.h>

#include "cluster/peer/batch_writer.hpp"
#include "cluster/peer/live_streams.hpp"
#include "cluster/peer/wire_conversion.hpp"
#include "config/logging.hpp"
#include "proto/cluster.grpc.pb.h"

namespace parley::cluster {
namespace {

using clock = std::chrono::steady_clock;

// The client side of one stream. Deletes itself when gRPC reports it done; `handle` lets the
// link cancel it until then.
class client_stream;

struct stream_handle {
  std::mutex mutex;
  client_stream* stream = nullptr;  // null once done
  void cancel();
};

class client_stream final : public grpc::ClientBidiReactor<wire::Batch, wire::Batch> {
 public:
  client_stream(wire::Peer::Stub* stub, const peer_link_setup& setup,
                std::shared_ptr<batch_writer> writer, std::shared_ptr<stream_handle> handle,
                caf::actor link, uint64_t generation)
      : writer_(std::move(writer)), handle_(std::move(handle)), link_(std::move(link)),
        generation_(generation) {
    live_streams().fetch_add(1);
    ctx_.AddMetadata("x-parley-node", setup.self_node);
    // Wait for the channel instead of failing at once while it (re)connects; requests still
    // fail at peer_timeout_ms (the link's sweep).
    ctx_.set_wait_for_ready(true);
    if (!setup.secret.empty()) ctx_.AddMetadata("x-parley-secret", setup.secret);
    {
      std::lock_guard<std::mutex> guard(handle_->mutex);
      handle_->stream = this;
    }
    stub->async()->Link(&ctx_, this);
    writer_->attach([this](const wire::Batch* batch) {
      std::lock_guard<std::recursive_mutex> guard(ops_);
      if (!released_) StartWrite(batch);
    });
    StartRead(&in_);
    AddHold();  // writes start from other threads (the writer), not only from reactions
    StartCall();
  }

  void cancel() { ctx_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) {
      release();
      return;
    }
    answer_batch answers;
    answers.reserve(in_.items_size());
    for (const auto& e : in_.items()) {
      peer_answer a;
      if (answer_from_wire(e, a)) answers.emplace_back(e.id(), std::move(a));
    }
    if (!answers.empty()) caf::anon_send(link_, answer_atom::value, std::move(answers));
    StartRead(&in_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      writer_->close();
      release();
      return;
    }
    writer_->written();
  }

  void OnDone(const grpc::Status& status) override {
    writer_->close();
    {
      std::lock_guard<std::mutex> guard(handle_->mutex);
      if (handle_->stream == this) handle_->stream = nullptr;  // not a newer stream's
    }
    caf::anon_send(link_, link_down_atom::value, generation_,
                   status.ok() ? std::string("stream ended") : status.error_message());
    delete this;
    live_streams().fetch_sub(1);
  }

 private:
  void release() {
    std::lock_guard<std::recursive_mutex> guard(ops_);
    if (released_) return;
    released_ = true;
    writer_->close();
    RemoveHold();
  }

  grpc::ClientContext ctx_;
  wire::Batch in_;
  std::shared_ptr<batch_writer> writer_;
  std::shared_ptr<stream_handle> handle_;
  caf::actor link_;
  uint64_t generation_;
  std::recursive_mutex ops_;  // StartWrite vs RemoveHold
  bool released_ = false;
};

void stream_handle::cancel() {
  std::lock_guard<std::mutex> guard(mutex);
  if (stream) stream->cancel();
}

struct waiting {
  caf::typed_response_promise<peer_answer> promise;
  clock::time_point sent;
};

struct link_state {
  peer_link_setup setup;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<wire::Peer::Stub> stub;
  std::shared_ptr<batch_writer> writer;
  std::shared_ptr<stream_handle> handle = std::make_shared<stream_handle>();  // one per link
  bool open = false;
  uint64_t generation = 0;
  bool connected_once = false;
  uint32_t attempt = 0;
  uint64_t next_id = 0;
  std::map<uint64_t, waiting> pending;  // by id: oldest first
  std::vector<wire::Envelope> out;       // this turn's envelopes, written at flush
  std::vector<uint64_t> out_ids;
  bool flush_scheduled = false;
  std::optional<clock::time_point> not_ready_since;  // the channel is not READY since then
  static inline const char* name = "parley.peer_link";
};

using link_ptr = peer_link_actor::stateful_pointer<link_state>;

void open_stream(link_ptr self) {
  auto& st = self->state;
  ++st.generation;
  st.writer = std::make_shared<batch_writer>(st.setup.queue_bytes);
  st.open = true;
  new client_stream(st.stub.get(), st.setup, st.writer, st.handle,
                    caf::actor_cast<caf::actor>(self), st.generation);
  if (st.connected_once) st.setup.stats->peer_reconnects_total.fetch_add(1, std::memory_order_relaxed);
  st.connected_once = true;
}

void fail_all(link_ptr self) {
  auto& st = self->state;
  st.setup.stats->peer_failures_total.fetch_add(st.pending.size(), std::memory_order_relaxed);
  for (auto& [id, w] : st.pending) w.promise.deliver(peer_answer::failed());
  st.pending.clear();
}

std::chrono::milliseconds backoff(uint32_t attempt) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  auto base = std::min<uint32_t>(2000, 50u << std::min<uint32_t>(attempt, 6));
  std::uniform_int_distribution<uint32_t> jitter(base / 2, base + base / 2);
  return std::chrono::milliseconds(jitter(rng));
}

// Queues `r` for this turn's flush.
void write(link_ptr self, uint64_t id, const peer_request& r) {
  auto& st = self->state;
  st.out.emplace_back();
  to_wire(id, r, st.out.back());
  st.out_ids.push_back(id);
  if (!st.flush_scheduled) {
    st.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
}

// Writes this turn's envelopes; what does not fit (queue full) or finds the stream down
// fails now.
void flush(link_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  int queued = st.writer->send_all(st.out);
  auto& stats = *st.setup.stats;
  size_t ok = queued < 0 ? 0 : static_cast<size_t>(queued);
  stats.peer_forwards_total.fetch_add(ok, std::memory_order_relaxed);
  for (size_t i = ok; i < st.out_ids.size(); ++i) {
    (queued < 0 ? stats.peer_failures_total : stats.peer_drops_total)
        .fetch_add(1, std::memory_order_relaxed);
    auto it = st.pending.find(st.out_ids[i]);
    if (it == st.pending.end()) continue;
    it->second.promise.deliver(peer_answer::failed());
    st.pending.erase(it);
  }
  st.out.clear();
  st.out_ids.clear();
}

// A new channel to the peer (a new name resolution and new subchannels) and a stream on it.
void open_channel(link_ptr self) {
  auto& st = self->state;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 10000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  // A peer is often seen in the registry before its name resolves (a container that has just
  // started: its DNS entry comes a moment later). gRPC re-resolves a failed name no sooner
  // than every 30 s by default, and the link stayed down that long in the compose demo;
  // once a second keeps it within the back-off above.
  args.SetInt(GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS, 1000);
  st.channel = grpc::CreateCustomChannel(st.setup.address, grpc::InsecureChannelCredentials(), args);
  st.stub = wire::Peer::NewStub(st.channel);
  st.not_ready_since.reset();
  open_stream(self);
}

// A channel that has not been READY for this long is replaced (open_channel): gRPC's own
// back-off retries stay within 2 s (above), so by then it is stuck, not slow. Seen in the
// compose demo: the first node up resolved its peers' names before their DNS entries
// existed, and its channels never connected while the peers reached it and each other.
constexpr auto stuck_after = std::chrono::seconds(4);

// Checks the channel on each sweep; replaces it when it is stuck.
void watch_channel(link_ptr self, clock::time_point now) {
  auto& st = self->state;
  auto state = st.channel->GetState(true);
  if (state == GRPC_CHANNEL_READY) {
    st.not_ready_since.reset();
    return;
  }
  if (!st.not_ready_since) {
    st.not_ready_since = now;
    return;
  }
  if (now - *st.not_ready_since < stuck_after) return;
  log::cluster()->warn("peer link to {} ({}): channel not connected for {} s (state {}), opening a new one",
                       st.setup.peer_node, st.setup.address,
                       std::chrono::duration_cast<std::chrono::seconds>(now - *st.not_ready_since).count(),
                       static_cast<int>(state));
  st.setup.stats->peer_channel_resets_total.fetch_add(1, std::memory_order_relaxed);
  st.handle->cancel();  // its link_down carries an old generation: ignored
  open_channel(self);
}

peer_link_actor::behavior_type peer_link(link_ptr self, peer_link_setup setup) {
  auto& st = self->state;
  st.setup = std::move(setup);
  open_channel(self);
  self->delayed_send(self, std::chrono::milliseconds(100), sweep_atom::value);
  // The link is gone: close its stream (the reactor then deletes itself).
  self->attach_functor([handle = st.handle] { handle->cancel(); });
  // Stopped (its node left the registry): what waits is failed now, not left hanging (CAF
  // does not answer undelivered promises of an actor that quits).
  self->set_exit_handler([=](caf::exit_msg& m) {
    fail_all(self);
    self->quit(m.reason);
  });
  return {
      [=](const peer_request& r) -> caf::result<peer_answer> {
        auto& st = self->state;
        auto id = ++st.next_id;
        auto rp = self->make_response_promise<peer_answer>();
        st.pending.emplace(id, waiting{rp, clock::now()});
        write(self, id, r);
        return rp;
      },
      [=](forward_atom, const peer_request& r) { write(self, 0, r); },
      [=](flush_atom) { flush(self); },
      [=](answer_atom, answer_batch& answers) {
        auto& st = self->state;
        st.attempt = 0;
        for (auto& [id, a] : answers) {
          auto it = st.pending.find(id);
          if (it == st.pending.end()) continue;  // timed out already
          it->second.promise.deliver(std::move(a));
          st.pending.erase(it);
        }
      },
      [=](link_down_atom, uint64_t generation, const std::string& why) {
        auto& st = self->state;
        if (generation != st.generation) return;
        log::cluster()->warn("peer link to {} ({}) down: {}", st.setup.peer_node, st.setup.address,
                             log::safe(why, 200));
        fail_all(self);
        st.open = false;
        self->delayed_send(self, backoff(st.attempt++), reconnect_atom::value);
      },
      [=](reconnect_atom) {
        if (!self->state.open) open_stream(self);
      },
      [=](sweep_atom) {
        auto& st = self->state;
        auto now = clock::now();
        auto deadline = now - std::chrono::milliseconds(st.setup.timeout_ms);
        while (!st.pending.empty() && st.pending.begin()->second.sent < deadline) {
          st.pending.begin()->second.promise.deliver(peer_answer::failed());
          st.pending.erase(st.pending.begin());
          st.setup.stats->peer_timeouts_total.fetch_add(1, std::memory_order_relaxed);
        }
        watch_channel(self, now);
        self->delayed_send(self, std::chrono::milliseconds(100), sweep_atom::value);
      },
  };
}

}  // namespace

peer_link_actor spawn_peer_link(caf::actor_system& system, peer_link_setup setup) {
  return system.spawn(peer_link, std::move(setup));
}

}  // namespace parley::cluster
