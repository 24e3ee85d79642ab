// frame_batch: queued messages of one socket as WebSocket text frames for a single gather
// write. Each frame is a header built here (RFC 6455 5.2, server side: FIN, opcode text, no
// mask, 7/16/64-bit length) followed by the message's shared payload, which is never copied.
// With max_frames = 32 a full batch is 64 buffers, which Asio hands to one sendmsg.
// A batch (~1.4 KB, past glibc's per-thread cache) lives only while its write is in flight;
// make() reuses batches from a small per-thread free list instead of malloc'ing each one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>

namespace parley {

class frame_batch {
 public:
  struct recycle {
    void operator()(frame_batch* batch) const noexcept;
  };
  using ptr = std::unique_ptr<frame_batch, recycle>;

  // An empty batch, reused when this thread has one spare.
  static ptr make();

  static constexpr std::size_t max_frames = 32;
  static constexpr std::size_t max_header_bytes = 10;

  // A view of the batch's buffers, as the buffer sequence Asio writes.
  struct buffers_view {
    using value_type = boost::asio::const_buffer;
    using const_iterator = const boost::asio::const_buffer*;
    const_iterator first;
    const_iterator last;
    const_iterator begin() const { return first; }
    const_iterator end() const { return last; }
  };

  // Writes the header of a text frame with `payload_size` bytes to `out`; returns its length.
  // `deflated`: the payload is permessage-deflate compressed (RSV1 set, RFC 7692 6).
  static std::size_t text_header(std::uint64_t payload_size, unsigned char* out, bool deflated = false) {
    out[0] = deflated ? 0xc1 : 0x81;  // FIN (+ RSV1) + text
    if (payload_size < 126) {
      out[1] = static_cast<unsigned char>(payload_size);
      return 2;
    }
    if (payload_size <= 0xffff) {
      out[1] = 126;
      out[2] = static_cast<unsigned char>(payload_size >> 8);
      out[3] = static_cast<unsigned char>(payload_size);
      return 4;
    }
    out[1] = 127;
    for (int i = 0; i < 8; ++i)
      out[2 + i] = static_cast<unsigned char>(payload_size >> (56 - 8 * i));
    return 10;
  }

  bool full() const { return frames_ == max_frames; }
  std::size_t frames() const { return frames_; }
  std::size_t payload_bytes() const { return payload_bytes_; }

  // Adds `payload` (which must outlive the write) as the next frame; the batch must not be full.
  void add(const std::string& payload, bool deflated = false) {
    auto* header = headers_.data() + frames_ * max_header_bytes;
    auto n = text_header(payload.size(), header, deflated);
    buffers_[2 * frames_] = boost::asio::const_buffer(header, n);
    buffers_[2 * frames_ + 1] = boost::asio::const_buffer(payload.data(), payload.size());
    ++frames_;
    payload_bytes_ += payload.size();
  }

  buffers_view buffers() const { return {buffers_.data(), buffers_.data() + 2 * frames_}; }

 private:
  std::array<unsigned char, max_frames * max_header_bytes> headers_;
  std::array<boost::asio::const_buffer, 2 * max_frames> buffers_;
  std::size_t frames_ = 0;
  std::size_t payload_bytes_ = 0;

  static constexpr std::size_t max_spares = 64;  // per thread
  static std::vector<frame_batch*>& spares() {
    struct pool {
      std::vector<frame_batch*> batches;
      ~pool() {
        for (auto* b : batches) delete b;
      }
    };
    thread_local pool p;
    return p.batches;
  }
};

inline frame_batch::ptr frame_batch::make() {
  auto& spare = spares();
  if (spare.empty()) return ptr(new frame_batch);
  auto* batch = spare.back();
  spare.pop_back();
  batch->frames_ = 0;
  batch->payload_bytes_ = 0;
  return ptr(batch);
}

inline void frame_batch::recycle::operator()(frame_batch* batch) const noexcept {
  auto& spare = spares();
  if (spare.size() < max_spares) {
    try {
      spare.push_back(batch);
      return;
    } catch (...) {
    }
  }
  delete batch;
}

}  // namespace parley
