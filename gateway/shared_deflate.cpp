#include "gateway/shared_deflate.hpp"

#include <array>
#include <cstring>
#include <string>

#include <zlib.h>

namespace parley {
namespace {

// One deflate stream per I/O thread, reset for every message.
class compressor {
 public:
  compressor() {
    std::memset(&z_, 0, sizeof z_);
    // Level 1: chat text compresses nearly as well as at 6 for a fraction of the CPU; a
    // 32 KiB window (window bits 15: the default, and what browsers accept).
    ok_ = deflateInit2(&z_, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~compressor() {
    if (ok_) deflateEnd(&z_);
  }
  compressor(const compressor&) = delete;
  compressor& operator=(const compressor&) = delete;

  frame_ptr run(const std::string& text) {
    if (!ok_ || deflateReset(&z_) != Z_OK) return nullptr;
    std::string out(deflateBound(&z_, text.size()) + 8, '\0');
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z_.avail_in = static_cast<uInt>(text.size());
    z_.next_out = reinterpret_cast<Bytef*>(out.data());
    z_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&z_, Z_SYNC_FLUSH) != Z_OK || z_.avail_in != 0 || z_.avail_out == 0) return nullptr;
    auto size = out.size() - z_.avail_out;
    // A sync flush ends with an empty stored block, 00 00 ff ff, which the receiver adds back.
    if (size < 4 || std::memcmp(out.data() + size - 4, "\x00\x00\xff\xff", 4) != 0) return nullptr;
    size -= 4;
    if (size >= text.size()) return nullptr;  // not worth it: sent as it is
    out.resize(size);
    return std::make_shared<const std::string>(std::move(out));
  }

 private:
  z_stream z_;
  bool ok_ = false;
};

struct cached {
  frame_ptr text;
  frame_ptr deflated;  // null: not smaller
};

}  // namespace

frame_ptr shared_deflate::compress(const frame_ptr& text, bool& ran) {
  thread_local compressor z;
  thread_local std::array<cached, cache_frames> cache;
  thread_local std::size_t next = 0;
  for (const auto& c : cache)
    if (c.text == text) return c.deflated;
  auto& slot = cache[next];
  next = (next + 1) % cache_frames;
  slot.text = text;
  slot.deflated = z.run(*text);
  ran = true;
  return slot.deflated;
}

}  // namespace parley
